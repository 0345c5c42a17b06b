import EvidenceTestSupport
import Foundation
import Testing

/// GitLab's merge requests as review evidence, end to end through the binary: a repository merged GitLab-style
/// with its GitLab export gives the same findings as its GitHub twin, and says "merge request !N".
@Suite struct GitLabExportTests {
    let twin: GitLabTwin
    let key: String
    let publicKey: String

    init() throws {
        twin = try GitLabTwin.shared.get()
        let folder = try TemporaryFolder.make("gitlab-key")
        key = folder + "/signing.key.pem"
        publicKey = folder + "/signing.pub.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key]).status == 0)
        #expect(chmod(key, 0o600) == 0)
        #expect(try Command.run("/usr/bin/env", ["openssl", "pkey", "-in", key, "-pubout", "-out", publicKey]).status == 0)
    }

    private func export(_ repository: FixtureRepository, _ source: [String]) throws -> String {
        let output = try TemporaryFolder.make("gitlab-export") + "/evidence"
        let result = try Binary.run(["export", "--repo", repository.path, "--window", "2026-Q3", "--key", key, "--out", output,
                                     "--as-of", "2026-10-01T00:00:00Z"] + source)
        #expect(result.status == 0, "\(result.stderr)")
        return output
    }

    /// Each finding as (control, status, reason, the change's subject line number in the population), so two
    /// repositories with different commit ids and messages compare.
    private func outcomes(_ bundle: String) throws -> [String] {
        let findings = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: bundle + "/findings.json"))) as? [[String: Any]])
        let lines = try String(contentsOfFile: bundle + "/changes.jsonl", encoding: .utf8).split(separator: "\n")
        let order = try lines.enumerated().map { index, line -> (String, Int) in
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return (record["commit"] as! String, index)
        }
        let position = Dictionary(uniqueKeysWithValues: order)
        return findings.map { finding in
            let change = (finding["change"] as? String).flatMap { position[$0] }.map(String.init) ?? "-"
            return "\(change) \(finding["control"]!) \(finding["status"]!) \(finding["reason"] as? String ?? "")"
        }.sorted()
    }

    @Test func aGitLabExportGivesTheFindingsOfItsGitHubTwin() throws {
        let github = try export(twin.githubRepository, ["--github", twin.github.folder])
        let gitlab = try export(twin.gitlabRepository, ["--gitlab", twin.gitlab.folder])
        let expected = try outcomes(github)
        #expect(expected.contains { $0.hasSuffix("CC8.1-tested fail check-failed") })
        #expect(expected.contains { $0.hasSuffix("CC8.1-traceable fail direct-push") })
        #expect(try outcomes(gitlab) == expected)

        let findings = try String(contentsOfFile: gitlab + "/findings.json", encoding: .utf8)
        #expect(findings.contains("MR !1 \\\"Add orders table\\\" merged 2026-07-02T12:00:00.000Z (matched by merge_commit_sha)"))
        #expect(findings.contains("MR !2 \\\"Add VPC\\\" merged 2026-07-06T12:00:00.000Z (matched by squash_commit_sha)"))
        #expect(findings.contains("(matched by subject)"))
        #expect(findings.contains("project_42_bot_9f2c1e (bot)"))
        #expect(findings.contains("No merged merge request: pushed directly to the branch."))
        #expect(findings.contains("Protection of main at export time (GitLab keeps no history of these settings): allowed to push: No one"))
        #expect(!findings.contains("PR #"))
        let report = try String(contentsOfFile: gitlab + "/report.html", encoding: .utf8)
        #expect(report.contains("merge request !2 opened by carol"))
        #expect(report.contains("Merge request: <a href=\"https://gitlab.example.com/acme/api/-/merge_requests/2\">!2</a>"))
        #expect(report.contains("https://gitlab.example.com/acme/api/-/merge_requests/1"))
        #expect(report.contains("GitLab keeps no history of these settings"))
        #expect(FileManager.default.fileExists(atPath: gitlab + "/inputs/gitlab/merge_requests/3/pipelines.json"))
        #expect(!FileManager.default.fileExists(atPath: gitlab + "/inputs/github"))

        // The auditor re-derives the findings from the bundle's own GitLab inputs.
        let verified = try Binary.run(["verify", gitlab, "--key", publicKey, "--repo", twin.gitlabRepository.path])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("re-derived 4 changes"), "\(verified.stdout)")
    }

    @Test func whySaysMergeRequest() throws {
        let result = try Binary.run(["why", "drizzle/0001_orders.sql", "--repo", twin.gitlabRepository.path, "--gitlab", twin.gitlab.folder])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("  MR      !1 Add orders table  https://gitlab.example.com/acme/api/-/merge_requests/1"), "\(result.stdout)")
        #expect(result.stdout.contains("approved by bob"))
        let json = try Binary.run(["why", "drizzle/0001_orders.sql", "--repo", twin.gitlabRepository.path, "--gitlab", twin.gitlab.folder, "--json"])
        #expect(json.stdout.contains("\"reference\" : \"merge request !1\""), "\(json.stdout)")
    }

    @Test func aBadGitLabFileIsNamed() throws {
        let folder = try TemporaryFolder.make("gitlab-bad")
        try Data("[{\"iid\": \"seven\"}]".utf8).write(to: URL(fileURLWithPath: folder + "/merge_requests.json"))
        let result = try Binary.run(["export", "--repo", twin.gitlabRepository.path, "--window", "2026-Q3", "--key", key,
                                     "--out", try TemporaryFolder.make("gitlab-bad-out") + "/e", "--gitlab", folder])
        #expect(result.status == 2)
        #expect(result.stderr.contains(folder + "/merge_requests.json"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
