import EvidenceTestSupport
import Foundation
import Testing

@Suite struct ExportCommandTests {
    let scenario: ReviewScenario
    let key: String

    init() throws {
        scenario = try ReviewScenario.shared.get()
        key = try TemporaryFolder.make("key") + "/signing.key.pem"
        #expect(try Command.run("/usr/bin/env", ["openssl", "genpkey", "-algorithm", "ed25519", "-out", key]).status == 0)
        #expect(chmod(key, 0o600) == 0)
    }

    private func export(_ extra: [String] = [], github: String? = nil, out: String? = nil) throws -> (Command.Result, String) {
        let output = try out ?? (TemporaryFolder.make("export") + "/evidence")
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3",
                                     "--github", github ?? scenario.github.folder, "--key", key, "--out", output] + extra)
        return (result, output)
    }

    private func findings(in folder: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/findings.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    /// An export holding no pull requests shows nothing about how changes arrived: every change fails
    /// traceability for missing evidence, none is called a direct push, and the report asks for the evidence.
    @Test func anEmptyExportIsMissingEvidenceNotDirectPushes() throws {
        let empty = try TemporaryFolder.make("empty-github")
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: empty + "/pulls.json"))
        let (result, output) = try export(github: empty)
        #expect(result.status == 0, "\(result.stderr)")
        let traceable = try findings(in: output).filter { $0["control"] as? String == "CC8.1-traceable" }
        #expect(!traceable.isEmpty)
        for finding in traceable {
            #expect(finding["status"] as? String == "fail")
            #expect((finding["detail"] as? String ?? "").hasPrefix("Pull request evidence missing"), "\(finding)")
            #expect(finding["reason"] as? String == "pull-request-evidence-missing")
        }
        let report = try String(contentsOfFile: output + "/report.md", encoding: .utf8)
        #expect(!report.contains("pushed directly"))
        #expect(report.contains("this is missing evidence, not a direct push"))
    }

    @Test func findingsJudgeEveryChangeOnEveryReviewControl() throws {
        let (result, output) = try export()
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote "))
        let names = Dictionary(uniqueKeysWithValues: scenario.commits.map { ($1, $0) })
        var statuses = [String: String]()
        for finding in try findings(in: output) {
            let change = (finding["change"] as? String).flatMap { names[$0] } ?? "window"
            statuses["\(change) \(finding["control"]!)"] = finding["status"] as? String
        }
        let expected: [String: [String]] = [
            // traceable, independent-approval, approval-current, tested, migration-reversible, migration-immutable,
            // deployed (no ledger given), iac-pinned
            "merge": ["pass", "pass", "pass", "pass", "pass", "pass", "not_applicable", "not_applicable"],   // with its .down.sql
            "squash": ["pass", "fail", "not_applicable", "fail", "not_applicable", "not_applicable", "not_applicable", "not_applicable"],  // self-approval, a bot, a failing check; vpc.tf alone is no root module
            "rebase-1": ["pass", "pass", "fail", "pass", "fail", "pass", "not_applicable", "not_applicable"],  // approved before the second commit
            "rebase-2": ["pass", "pass", "fail", "pass", "fail", "pass", "not_applicable", "not_applicable"],
            "revoked": ["pass", "fail", "not_applicable", "pass", "fail", "pass", "not_applicable", "not_applicable"],  // changes requested after approval
            "pr-commits": ["pass", "pass", "pass", "pass", "fail", "pass", "not_applicable", "not_applicable"],
            "subject": ["pass", "pass", "pass", "pass", "fail", "pass", "not_applicable", "not_applicable"],
            "direct": ["fail", "fail", "not_applicable", "fail", "fail", "pass", "not_applicable", "not_applicable"],
            "unknown-pr": ["fail", "fail", "not_applicable", "fail", "not_applicable", "not_applicable", "not_applicable", "not_applicable"],
        ]
        let controls = ["CC8.1-traceable", "CC8.1-independent-approval", "CC8.1-approval-current", "CC8.1-tested",
                        "CC8.1-migration-reversible", "CC8.1-migration-immutable", "CC8.1-deployed", "CC8.1-iac-pinned"]
        for (change, row) in expected {
            for (control, status) in zip(controls, row) {
                #expect(statuses["\(change) \(control)"] == status, "\(change) \(control)")
            }
        }
        #expect(statuses["window CC8.1-branch-protection"] == "info")
        #expect(statuses["window CC8.1-migrations-committed"] == "not_applicable")  // no Drizzle config, no Prisma schema
        #expect(statuses["window CC8.1-deploy-path-reviewed"] == "not_applicable")  // no workflows
        #expect(statuses.count == expected.count * controls.count + 3)
    }

    @Test func findingsAndChangesCarryTheDetailAnAuditorReads() throws {
        let (_, output) = try export()
        let all = try findings(in: output)
        let unknown = try #require(all.first { $0["change"] as? String == scenario.commits["unknown-pr"] && $0["control"] as? String == "CC8.1-traceable" })
        #expect(unknown["detail"] as? String == "Pull request evidence missing for #99: the subject names it, and the GitHub export does not hold it.")
        #expect(unknown["pull_request"] is NSNull)
        let squash = try #require(all.first { $0["change"] as? String == scenario.commits["squash"] && $0["control"] as? String == "CC8.1-independent-approval" })
        #expect(squash["detail"] as? String == "0 of 1 required approval. Not counted: carol (pull request author), dependabot[bot] (bot).")
        #expect(squash["paths"] as? [String] == ["infra/vpc.tf"])
        #expect(squash["pull_request"] as? Int == 2)

        let lines = try String(contentsOfFile: output + "/changes.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 9)
        let merge = try #require(lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .first { $0["commit"] as? String == scenario.commits["merge"] })
        let pull = try #require(merge["pull_request"] as? [String: Any])
        #expect(pull["number"] as? Int == 1)
        #expect(pull["match"] as? String == "merge_commit_sha")
        #expect(pull["approvers"] as? [String] == ["bob"])
        #expect(pull["author"] as? String == "alice")
        #expect(pull["merged_at"] as? String == "2026-07-02T12:00:00Z")
        #expect(pull["url"] as? String == "https://github.com/acme/api/pull/1")
        #expect((pull["checks"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["build", "test"])
    }

    @Test func failOnFindingsExitsOneButStillWritesTheEvidence() throws {
        let (result, output) = try export(["--fail-on-findings"])
        #expect(result.status == 1)
        #expect(FileManager.default.fileExists(atPath: output + "/findings.json"))
    }

    @Test func aKeyOthersCanReadIsRefusedBeforeAnythingIsWritten() throws {
        let exposed = try TemporaryFolder.make("exposed") + "/key.pem"
        try FileManager.default.copyItem(atPath: key, toPath: exposed)
        #expect(chmod(exposed, 0o644) == 0)
        let output = try TemporaryFolder.make("refused") + "/evidence"
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", exposed, "--out", output])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(exposed): private key is readable by group or others (mode 644); run chmod 600 \(exposed)\n")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func aMalformedExportFileExitsTwoNamingFileAndPathAndLeavesNothing() throws {
        let copy = try TemporaryFolder.make("broken") + "/github"
        try FileManager.default.copyItem(atPath: scenario.github.folder, toPath: copy)
        try Data(#"[{"id": 1, "user": {"login": "bob"}, "state": ["APPROVED"]}]"#.utf8).write(to: URL(fileURLWithPath: copy + "/pulls/4/reviews.json"))
        let parent = try TemporaryFolder.make("nothing")
        let (result, _) = try export(github: copy, out: parent + "/evidence")
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(copy)/pulls/4/reviews.json: $[0].state: an array is not a string\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
    }

    @Test func anExistingOutputIsRefusedUnlessForced() throws {
        let (_, output) = try export()
        let (refused, _) = try export(out: output)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("already exists (use --force to replace it)"))
        let (forced, _) = try export(["--force"], out: output)
        #expect(forced.status == 0, "\(forced.stderr)")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: (output as NSString).deletingLastPathComponent)
        #expect(siblings == ["evidence"])  // no staging or displaced folder left behind
    }

    @Test(arguments: [
        ([] as [String], "export needs an audit window"),
        (["--from", "2026-07-01"], "export needs an audit window: --window 2026-Q3, or both --from and --to"),
        (["--window", "2026-Q3", "--ledger", "drizzle:ledger.csv"], "git-evidence: error: ledger.csv: cannot read: no such file\n"),
        (["--window", "2026-Q3", "--ledger", "postgresql://app:secret@localhost/app"],
         "--ledger 'postgresql://app:***@localhost/app': give the table's kind: alembic:, atlas:, django:, drizzle:, flyway:, golang-migrate:, knex:, liquibase:, prisma:, rails: or sqitch: before the URL"),
    ])
    func unusableRequestsExitTwo(arguments: [String], message: String) throws {
        let output = try TemporaryFolder.make("usage") + "/evidence"
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--github", scenario.github.folder, "--key", key, "--out", output] + arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func missingOptionalFilesAreNotesNotErrors() throws {
        let copy = try TemporaryFolder.make("partial") + "/github"
        try FileManager.default.copyItem(atPath: scenario.github.folder, toPath: copy)
        try FileManager.default.removeItem(atPath: copy + "/pulls/5/reviews.json")
        let (result, output) = try export(github: copy)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("git-evidence: note: github:pulls/5/reviews.json: missing: PR #5 has no review evidence"))
        let finding = try #require(try findings(in: output).first {
            $0["change"] as? String == scenario.commits["pr-commits"] && $0["control"] as? String == "CC8.1-independent-approval"
        })
        #expect(finding["status"] as? String == "fail")
        #expect(finding["detail"] as? String == "No reviews exported for PR #5: approval cannot be shown.")
    }
}
