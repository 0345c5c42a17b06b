import EvidenceTestSupport
import Foundation
import Testing

/// `collect gitlab` and `export --gitlab-project` against a fake GitLab on loopback that answers as GitLab
/// documents: PRIVATE-TOKEN, offset pages by Link or x-next-page alone, keyset pages, no x-total, Retry-After,
/// GitLab's error shape. Serialized: the fake serves one project at a time.
@Suite(.serialized) struct GitLabCollectTests {
    static let token = "glpat-Xq7TESTTOKENnever-in-output"
    let twin: GitLabTwin
    let fake: FakeGitLab

    init() throws {
        twin = try GitLabTwin.shared.get()
        fake = try FakeGitLab.shared.get()
        try fake.load(folder: twin.gitlab.folder, project: "acme/api", token: Self.token, perPageCap: 1)
    }

    private func run(_ arguments: [String], token: String = token) throws -> Command.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["GITLAB_TOKEN"] = token
        environment["GIT_EVIDENCE_GITHUB_WAIT_SCALE"] = "0.02"
        return try Command.run(Binary.path, arguments, environment: environment)
    }

    private func collect(_ extra: [String] = [], token: String = token) throws -> (Command.Result, String) {
        let out = try TemporaryFolder.make("gitlab-collect") + "/gitlab"
        let result = try run(["collect", "gitlab", "--repo", twin.gitlabRepository.path, "--window", "2026-Q3", "--gitlab-project", "acme/api",
                              "--api-url", fake.apiURL, "--out", out] + extra, token: token)
        return (result, out)
    }

    private func findings(_ source: [String]) throws -> String {
        let key = try TemporaryFolder.make("gitlab-collect-key") + "/k.pem"
        _ = try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key])
        chmod(key, 0o600)
        let out = try TemporaryFolder.make("gitlab-collect-export") + "/e"
        let result = try run(["export", "--repo", twin.gitlabRepository.path, "--window", "2026-Q3", "--key", key, "--out", out,
                              "--as-of", "2026-10-01T00:00:00Z"] + source)
        #expect(result.status == 0, "\(result.stderr)")
        return try String(contentsOfFile: out + "/findings.json", encoding: .utf8)
    }

    private func everything(under folder: String) throws -> String {
        var text = ""
        for case let name as String in FileManager.default.enumerator(atPath: folder)! {
            text += (try? String(contentsOfFile: folder + "/" + name, encoding: .utf8)) ?? ""
        }
        return text
    }

    @Test func aCollectionExportsWhatTheFolderDoesAndPagesEveryWay() throws {
        let cache = try TemporaryFolder.make("gitlab-cache")
        let (result, out) = try collect(["--cache", cache])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("complete"))
        #expect(try findings(["--gitlab", out]) == (try findings(["--gitlab", twin.gitlab.folder])))
        #expect(FileManager.default.fileExists(atPath: out + "/merge_requests/3/pipelines.json"))
        #expect(FileManager.default.fileExists(atPath: out + "/pipelines/605/jobs.json"))
        // Pipeline 604 ran on an earlier commit of !3: not a check of its head, so its jobs were not asked for.
        #expect(!FileManager.default.fileExists(atPath: out + "/pipelines/604/jobs.json"))

        let requests = try fake.requests()
        #expect(requests.allSatisfy { $0["authorised"] as? Bool == true && $0["bearer"] as? Bool == false })
        let queries = requests.map { "\($0["path"]!)?\($0["query"]!)" }
        #expect(queries.contains { $0.contains("/merge_requests?") && $0.contains("page=2") })          // Link rel=next
        #expect(queries.contains { $0.contains("/merge_requests/1/commits?") && $0.contains("page=2") })  // x-next-page alone
        #expect(queries.contains { $0.contains("/merge_requests/3/pipelines?") && $0.contains("cursor=") }) // keyset
        #expect(queries.contains { $0.contains("/merge_requests?") && $0.contains("updated_after=2026-07-01T00:00:00Z") })

        let provenance = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out + "/collection.json"))) as? [String: Any])
        #expect(provenance["identity"] as? String == "compliance-bot-user")
        #expect(provenance["complete"] as? Bool == true)
        #expect(provenance["pull_requests_collected"] as? [Int] == [1, 2, 3])
        let exchanges = try #require(provenance["requests"] as? [[String: Any]])
        #expect(exchanges.allSatisfy { ($0["request_id"] as? String)?.hasPrefix("01FAKE") == true })

        // A re-run with the cache asks conditionally and is answered 304.
        let before = try fake.requests().count
        let (again, _) = try collect(["--cache", cache])
        #expect(again.status == 0)
        let rerun = try fake.requests().dropFirst(before)
        #expect(rerun.filter { $0["conditional"] as? Bool == true }.count >= rerun.count - 1)

        for text in [result.stdout, result.stderr, again.stdout, again.stderr, try everything(under: out), try everything(under: cache)] {
            #expect(!text.contains(Self.token))
        }
    }

    @Test func retryAfterIsHonouredAndRefusalsAreNamed() throws {
        let before = try fake.requests().count
        try fake.fault("/api/v4/projects/acme%2Fapi/merge_requests", "429")
        try fake.fault("/api/v4/projects/acme%2Fapi/merge_requests/2/approvals", "403")
        let (result, out) = try collect()
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("INCOMPLETE: 1 requests not answered"))
        let lists = try fake.requests().dropFirst(before).filter { $0["path"] as? String == "/api/v4/projects/acme%2Fapi/merge_requests" }
            .prefix(2).compactMap { $0["time"] as? Double }
        #expect(lists.count == 2 && lists[1] - lists[0] >= 0.9, "Retry-After: 1 waited out")
        let provenance = try String(contentsOfFile: out + "/collection.json", encoding: .utf8)
        #expect(provenance.contains("\"complete\" : false"))
        #expect(provenance.contains("not collected: GET projects/acme%2Fapi/merge_requests/2/approvals answered 403"))
        // The bundle from it says the approvals are missing for !2, not that nobody approved.
        let findings = try findings(["--gitlab", out])
        #expect(findings.contains("No approvals exported for MR !2: approval cannot be shown."))
    }

    @Test func aRejectedTokenOrAnotherProjectIsOneLine() throws {
        let (rejected, out) = try collect(token: "glpat-wrong-token-value")
        #expect(rejected.status == 2)
        #expect(rejected.stderr == "git-evidence: error: GitLab rejected the token for acme/api (401); check GITLAB_TOKEN\n", "\(rejected.stderr)")
        #expect(!rejected.stderr.contains("glpat-wrong-token-value"))
        #expect(!FileManager.default.fileExists(atPath: out))

        let other = try run(["collect", "gitlab", "--repo", twin.gitlabRepository.path, "--window", "2026-Q3", "--gitlab-project", "acme/web",
                             "--api-url", fake.apiURL, "--out", try TemporaryFolder.make("gitlab-other") + "/g"])
        #expect(other.status == 2)
        #expect(other.stderr.contains("GitLab answered 404"), "\(other.stderr)")
        #expect(other.stderr.split(separator: "\n").count == 1)
    }

    @Test func exportCollectsLiveFromGitLab() throws {
        let live = try findings(["--gitlab-project", "acme/api", "--api-url", fake.apiURL])
        #expect(live == (try findings(["--gitlab", twin.gitlab.folder])))
    }
}
