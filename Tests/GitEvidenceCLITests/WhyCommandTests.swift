import EvidenceTestSupport
import Foundation
import Testing

/// `why` on a file that is added in a pull request, edited by a direct push, then renamed.
@Suite struct WhyCommandTests {
    final class History: Sendable {
        let repository: FixtureRepository
        let github: GitHubExportFixture
        let commits: [String: String]

        static let shared = Result { try History() }

        private init() throws {
            let repo = try FixtureRepository("why")
            let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
            var ids = [String: String]()
            try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
            try repo.commit("Initial schema", date: "2026-06-01T10:00:00Z")
            try repo.checkout("feature/orders", from: "main")
            try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (\n  id serial,\n  total int\n);\n")
            try repo.write("drizzle/0001_orders.down.sql", "DROP TABLE orders;\n")
            let head = try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
            try repo.checkout("main")
            ids["orders"] = try repo.merge("feature/orders", message: "Merge pull request #1 from acme/feature/orders", date: "2026-07-02T12:00:00Z")
            try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (\n  id serial,\n  total bigint\n);\n")
            // drizzle-kit writes the schema again as JSON beside every migration: metadata, not what runs.
            try repo.write("drizzle/meta/0001_snapshot.json", "{\"orders\": {\"total\": \"total bigint\"}}\n")
            ids["widen"] = try repo.commit("widen total", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-05T12:00:00Z")
            try repo.move("drizzle/0001_orders.sql", "drizzle/0001_create_orders.sql")
            ids["rename"] = try repo.commit("Rename the orders migration", date: "2026-07-06T12:00:00Z")
            try repo.write("infra/main.tf", "resource \"aws_instance\" \"web\" {\n  instance_type = \"t3.small\"\n}\n")
            try repo.write("drizzle/0003_scratch.sql", "CREATE TABLE scratch (id int);\n")
            ids["web"] = try repo.commit("Add the web server", date: "2026-07-07T12:00:00Z")
            try repo.write("infra/main.tf", "resource \"aws_instance\" \"web\" {\n  instance_type = \"t3.large\"\n}\n")
            try repo.remove("drizzle/0003_scratch.sql")
            ids["bigger"] = try repo.commit("Bigger web server; drop the scratch migration", date: "2026-07-08T12:00:00Z")
            try github.write("pulls.json", [github.pull(1, title: "Add orders table", author: "alice", mergedAt: "2026-07-02T12:00:00Z",
                                                        mergeCommit: ids["orders"], head: head,
                                                        body: "Checkout needs an orders table,\nwith totals.\r\n\r\nSecond paragraph.")])
            try github.write("pulls/1/reviews.json", [github.review(11, by: "bob", "APPROVED", at: "2026-07-01T12:00:00Z", on: head)])
            try github.write("pulls/1/commits.json", [
                github.commit(head, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-07-01T09:00:00Z",
                              committed: "2026-07-01T09:00:00Z", message: "Add orders"),
            ])
            try github.write("commits/\(head)/check-runs.json", github.checkRuns([("test", "success")], head: head))
            repository = repo
            self.github = github
            commits = ids
        }
    }

    let history: History
    init() throws { history = try History.shared.get() }

    func why(_ arguments: [String]) throws -> (Command.Result, [String: Any]) {
        let result = try Binary.run(["why", "--repo", history.repository.path, "--github", history.github.folder, "--json"] + arguments)
        let object = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any] ?? [:]
        return (result, object)
    }

    func commits(_ answer: [String: Any]) -> [String] {
        (answer["changes"] as? [[String: Any]] ?? []).compactMap { $0["commit"] as? String }
    }

    @Test func aPathIsFollowedThroughItsRename() throws {
        let (result, answer) = try why(["drizzle/0001_create_orders.sql"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(commits(answer) == [history.commits["orders"]!, history.commits["widen"]!, history.commits["rename"]!])
        #expect(answer["names"] as? [String] == ["drizzle/0001_create_orders.sql", "drizzle/0001_orders.sql"])
        let first = try #require((answer["changes"] as? [[String: Any]])?.first)
        let pull = try #require(first["pull_request"] as? [String: Any])
        #expect(pull["number"] as? Int == 1)
        #expect(pull["summary"] as? String == "Checkout needs an orders table, with totals.")
        #expect(pull["approvers"] as? [String] == ["bob"])
        #expect(first["authors"] as? [String] == ["Alice Doe <alice@example.com>"])
        #expect(first["down"] as? String == "drizzle/0001_orders.down.sql")
        let last = try #require((answer["changes"] as? [[String: Any]])?.last)
        #expect((last["path"] as? [String: Any])?["status"] as? String == "renamed")
        #expect(last["down"] == nil, "after the rename, no down file matches the new name")
    }

    @Test func aLineIsTheChangeThatLastTouchedIt() throws {
        let (total, answer) = try why(["drizzle/0001_create_orders.sql:3"])
        #expect(total.status == 0, "\(total.stderr)")
        #expect(commits(answer) == [history.commits["widen"]!])
        let (id, idAnswer) = try why(["drizzle/0001_create_orders.sql:2"])
        #expect(id.status == 0)
        #expect(commits(idAnswer) == [history.commits["orders"]!], "blame follows the first parent to the merge")
        let (missing, _) = try why(["drizzle/0001_create_orders.sql:99"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("PATH:LINE 'drizzle/0001_create_orders.sql:99': the file has no such line on main"))
    }

    @Test func grepFindsTheChangeThatFirstAddedTheText() throws {
        let (result, answer) = try why(["--grep", "total bigint"])
        #expect(result.status == 0, "\(result.stderr)")
        // The .sql, not Drizzle's snapshot of the same commit; the rename neither adds nor removes the text.
        #expect(commits(answer) == [history.commits["widen"]!])
        #expect(answer["path"] as? String == "drizzle/0001_orders.sql")
        // Every later change that adds or removes it, as git log -S counts, whichever file.
        let (small, smallAnswer) = try why(["--grep", "t3.small"])
        #expect(small.status == 0)
        #expect(commits(smallAnswer) == [history.commits["web"]!, history.commits["bigger"]!])
        #expect(smallAnswer["path"] as? String == "infra/main.tf")
        let (orders, ordersAnswer) = try why(["--grep", "CREATE TABLE orders"])
        #expect(orders.status == 0)
        #expect(commits(ordersAnswer).first == history.commits["orders"]!)
    }

    @Test func aLineOfAFileDeletedSinceIsBlamedWhereItLastWas() throws {
        let (result, answer) = try why(["drizzle/0003_scratch.sql:1"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(commits(answer) == [history.commits["web"]!])
        let (missing, _) = try why(["drizzle/0003_scratch.sql:5"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "git-evidence: error: PATH:LINE 'drizzle/0003_scratch.sql:5': the file has no such line on "
            + "\(history.commits["web"]!.prefix(12)), the last commit that had it (deleted in \(history.commits["bigger"]!.prefix(12)))\n")
    }

    @Test func aWindowNarrowsTheChangesAnswered() throws {
        let (result, answer) = try why(["drizzle/0001_create_orders.sql", "--from", "2026-07-05"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(commits(answer) == [history.commits["widen"]!, history.commits["rename"]!])
        let (none, _) = try why(["drizzle/0001_create_orders.sql", "--window", "2026-08"])
        #expect(none.status == 1, "nothing in the window is nothing found")
    }

    @Test func aTerraformFileWithItsDiffsAndTheVersionThatNeverRan() throws {
        let log = try TemporaryFolder.make("why-never") + "/deploys.jsonl"
        try (#"{"event_id":"e1","aggregate_id":"deploy","event_type":"TerraformApplied","timestamp":"2026-07-07T13:00:00Z","user_id":"deploy-bot","payload":{"commit":"\#(history.commits["web"]!)","workspace":"prod","run_id":7}}"#
             + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let result = try Binary.run(["why", "--repo", history.repository.path, "--github", history.github.folder, "--ledger", log, "-p", "infra/main.tf"])
        #expect(result.status == 0, "\(result.stderr)")
        try ReportTests.expectGolden(result.stdout.replacingOccurrences(of: log, with: "LOG"), "why/infra-main-tf.txt")
        #expect(result.stdout.contains("  never ran: no ledger given records an apply of this version\n"))
        #expect(result.stdout.contains("    -  instance_type = \"t3.small\"\n    +  instance_type = \"t3.large\"\n"))
    }

    @Test func aMigrationNoLedgerRanSaysWhereItStands() throws {
        let ledger = try TemporaryFolder.make("why-drizzle-ledger") + "/drizzle.csv"
        let initial = try LedgerScenario.sha256(Array("CREATE TABLE users (id serial);\n".utf8))
        try "id,hash,created_at\n1,\(initial),1748772000000\n".write(toFile: ledger, atomically: true, encoding: .utf8)
        let result = try Binary.run(["why", "--repo", history.repository.path, "--ledger", "drizzle:" + ledger, "drizzle/0001_create_orders.sql"])
        #expect(result.status == 0, "\(result.stderr)")
        // Said as CC8.1-deployed says it; the later edit and the rename are not new migrations.
        #expect(result.stdout.contains("  pending: no row in \(ledger)\n"), "\(result.stdout)")
        #expect(result.stdout.components(separatedBy: "pending:").count == 2)
        let ran = try Binary.run(["why", "--repo", history.repository.path, "--ledger", "drizzle:" + ledger, "drizzle/0000_init.sql"])
        #expect(ran.status == 0 && !ran.stdout.contains("pending") && !ran.stdout.contains("never ran"), "\(ran.stdout)")
    }

    /// A change with no pull request is a direct push only where the export could have shown one; otherwise the
    /// answer says which evidence is not there, as CC8.1-traceable does.
    @Test func noPullRequestIsADirectPushOnlyWhereAnExportCouldShowOne() throws {
        let path = "drizzle/0001_create_orders.sql"
        let (given, answer) = try why([path])
        #expect(given.status == 0, "\(given.stderr)")
        let without = (answer["changes"] as? [[String: Any]] ?? []).map { $0["without_pull_request"] as? String }
        #expect(without == [nil, "none: pushed directly to the branch", "none: pushed directly to the branch"])

        let noExport = try Binary.run(["why", "--repo", history.repository.path, path])
        let unknown = "no GitHub or GitLab export was given (--github DIR or --gitlab DIR)"
        #expect(noExport.stdout.contains("Merge pull request #1 from acme/feature/orders\n  by      Alice Doe <alice@example.com>\n"
            + "  PR      not shown: the subject names #1, and \(unknown)\n"), "\(noExport.stdout)")
        #expect(noExport.stdout.contains("widen total\n  by      Dave Hoe <dave@example.com>\n  PR      not known: \(unknown)\n"))
        #expect(!noExport.stdout.contains("pushed directly"))

        let empty = try GitHubExportFixture(in: try TemporaryFolder.make("why-empty-export"))
        try empty.write("pulls.json", [Any]())
        let lacking = try Binary.run(["why", "--repo", history.repository.path, "--github", empty.folder, path])
        #expect(lacking.status == 0, "\(lacking.stderr)")
        #expect(lacking.stdout.contains("  PR      not shown: the subject names #1, and the GitHub export given does not hold it\n"), "\(lacking.stdout)")
        #expect(lacking.stdout.contains("widen total\n  by      Dave Hoe <dave@example.com>\n  PR      not shown: the GitHub export given holds no pull requests\n"))
        #expect(!lacking.stdout.contains("pushed directly"))
    }

    @Test func theTextAnswerSaysWhoWhyAndWhetherItCanBeReverted() throws {
        let result = try Binary.run(["why", "--repo", history.repository.path, "--github", history.github.folder, "drizzle/0001_create_orders.sql"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("drizzle/0001_create_orders.sql: 3 change(s) on main (also named drizzle/0001_orders.sql)\n"))
        #expect(result.stdout.contains("  PR      #1 Add orders table  https://github.com/acme/api/pull/1\n  why     Checkout needs an orders table, with totals.\n  approved by bob\n"))
        #expect(result.stdout.contains("  revert  down migration drizzle/0001_orders.down.sql\n"))
        #expect(result.stdout.contains("widen total\n  by      Dave Hoe <dave@example.com>\n  PR      none: pushed directly to the branch\n"))
        let nothing = try Binary.run(["why", "--repo", history.repository.path, "--grep", "no such text"])
        #expect(nothing.status == 1 && nothing.stdout == "no migration or Terraform file on main ever gained \"no such text\"\n", "nothing found is exit 1")
        let untouched = try Binary.run(["why", "--repo", history.repository.path, "drizzle/9999_never.sql"])
        #expect(untouched.status == 1 && untouched.stdout.hasPrefix("no change on main touches drizzle/9999_never.sql"), "a covered path never changed")
        // A path no rule covers is a question with no answer here: said at once, before any walk.
        for path in ["README.md", "docs/terraform-guide.md", "drizzle/README.md"] {
            let uncovered = try Binary.run(["why", "--repo", history.repository.path, path])
            #expect(uncovered.status == 2, "\(path)")
            #expect(uncovered.stderr == "git-evidence: error: PATH '\(path)': no migration or infrastructure rule covers it, so no change to it is evidence (see git-evidence rules)\n")
            #expect(uncovered.stdout.isEmpty)
        }
        // A path that names no file (the root, a folder with a slash) is unusable input, not a walk.
        for path in ["", ":2", "drizzle/", "drizzle/:3"] {
            let none = try Binary.run(["why", "--repo", history.repository.path, path])
            #expect(none.status == 2 && none.stderr == "git-evidence: error: PATH '\(path)' names no file (see git-evidence --help)\n", "\(path)")
        }
    }
}

/// `why` on a Terraform file: for each version, the applies that ran it, and how to undo it.
@Suite struct WhyTerraformTests {
    @Test func eachVersionListsTheAppliesThatRanItAndItsRevertPath() throws {
        let scenario = try LedgerScenario.shared.get()
        let result = try Binary.run(["why", "--repo", scenario.repository.path, "--github", scenario.github.folder, "--ledger", scenario.ledgers["events"]!,
                                     "infra/prod/main.tf"])
        #expect(result.status == 0, "\(result.stderr)")
        let blocks = result.stdout.components(separatedBy: "\n\n")
        let prod = String(scenario.commits["prod"]!.prefix(12))
        let moved = try #require(blocks.first { $0.hasPrefix(prod) }, "\(result.stdout)")
        // Applies of the commit that brought this version, at three times; the one from a feature-branch commit ran no version.
        let log = scenario.ledgers["events"]!
        // Lines 4 and 8 are the same apply run twice (one record); line 5 names the commit abbreviated.
        #expect(moved.contains("  ran     workspace prod 2026-07-16T13:00:00Z to 2026-10-02T10:00:00Z by deploy-bot from \(prod) (\(log):4-8, 2 rows)"), "\(moved)")
        #expect(moved.contains("  ran     workspace prod 2026-07-16T11:00:00Z by deploy-bot run 105 from \(prod) (\(log):5)"))
        #expect(!result.stdout.contains("(\(log):6)"), "an apply of a commit never on the branch ran no version of the branch")
        let previous = try #require(blocks.first { !$0.hasPrefix(prod) && $0.contains("  revert  ") && $0.range(of: #"^[0-9a-f]{12}  "#, options: .regularExpression) != nil })
        #expect(moved.contains("  revert  apply the previous version again, from \(previous.prefix(12))"), "\(moved)")
        #expect(previous.contains("  revert  remove the file: it came in with this change") || previous.contains("  revert  apply the previous version again"))
    }

    @Test func anAtlantisApplyFromThePullRequestsBranchRanTheVersionItMerged() throws {
        let scenario = try LedgerScenario.shared.get()
        let log = try TemporaryFolder.make("why-atlantis") + "/atlantis.log"
        let checkout = "/home/atlantis/.atlantis/repos/acme/api/7/default/infra/prod"
        try ([#"{"level":"info","ts":"2026-07-16T11:00:00.000Z","caller":"terraform/terraform_client.go:280","msg":"successfully ran \"terraform apply -input=false \\\"\#(checkout)/default.tfplan\\\"\" in \"\#(checkout)\"","json":{"repo":"acme/api","pull":"7"}}"#,
              #"{"level":"info","ts":"2026-07-16T11:00:00.000Z","caller":"runtime/apply_step_runner.go:57","msg":"apply successful, deleting planfile","json":{"repo":"acme/api","pull":"7"}}"#]
            .joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let result = try Binary.run(["why", "--repo", scenario.repository.path, "--github", scenario.github.folder, "--ledger", log, "infra/prod/main.tf"])
        #expect(result.status == 0, "\(result.stderr)")
        let prod = String(scenario.commits["prod"]!.prefix(12))
        let moved = try #require(result.stdout.components(separatedBy: "\n\n").first { $0.hasPrefix(prod) }, "\(result.stdout)")
        // The log names the pull request, not a commit: the apply ran what PR #7 merged.
        #expect(moved.contains("  ran     workspace default 2026-07-16T11:00:00Z from \(prod) (\(log):2)"), "\(moved)")
    }
}
