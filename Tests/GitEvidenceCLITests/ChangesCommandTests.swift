import EvidenceTestSupport
import Foundation
import Testing

/// Runs the built `git-evidence` binary, as users do.
enum Binary {
    /// The binary beside the test bundle (`swift build` puts both in the same folder), or `GIT_EVIDENCE_BIN`.
    static var path: String {
        if let explicit = ProcessInfo.processInfo.environment["GIT_EVIDENCE_BIN"] { return explicit }
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = folder.appendingPathComponent("git-evidence").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            folder = folder.deletingLastPathComponent()
        }
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return packageRoot.appendingPathComponent(".build/debug/git-evidence").path
    }

    static func run(_ arguments: [String]) throws -> Command.Result {
        try Command.run(path, arguments)
    }
}

@Suite struct ChangesCommandTests {
    private func sample() throws -> (FixtureRepository, [String]) {
        let repo = try FixtureRepository("cli")
        try repo.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial);\n")
        try repo.write("drizzle/meta/_journal.json", "{}\n")
        let first = try repo.commit("Initial schema (#1)", date: "2026-06-30T12:00:00Z")
        try repo.write("src/app.ts", "export {}\n")
        let appOnly = try repo.commit("App only", date: "2026-07-02T12:00:00Z")
        try repo.write("infra/main.tf", "terraform {}\n")
        let second = try repo.commit("Add infra (#2)", author: .bob, date: "2026-07-03T12:00:00+02:00")
        return (repo, [first, second, appOnly])
    }

    @Test func printsOneLinePerChangeNewestFirst() throws {
        let (repo, ids) = try sample()
        let result = try Binary.run(["changes", "--repo", repo.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == """
            \(ids[1].prefix(12))  2026-07-03  Bob Roe  Add infra (#2)  [1 infrastructure]
            \(ids[0].prefix(12))  2026-06-30  Alice Doe  Initial schema (#1)  [2 migration]

            """)
    }

    @Test func jsonLinesCarryTheFieldsScriptsNeed() throws {
        let (repo, ids) = try sample()
        let result = try Binary.run(["changes", "--repo", repo.path, "--window", "2026-Q3", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
        #expect(object["commit"] as? String == ids[1])
        #expect(object["committed_at"] as? String == "2026-07-03T10:00:00Z")
        #expect(object["subject"] as? String == "Add infra (#2)")
        #expect((object["parents"] as? [String]) == [ids[2]])
        #expect((object["author"] as? [String: String]) == ["name": "Bob Roe", "email": "bob@example.com", "time": "2026-07-03T12:00:00+02:00"])
        #expect((object["committer"] as? [String: String])?["email"] == "bob@example.com")
        #expect((object["paths"] as? [[String: String]]) == [["path": "infra/main.tf", "kind": "infrastructure", "status": "added"]])
        // Keys are sorted, so the same history always prints the same bytes.
        #expect(lines[0].hasPrefix("{\"author\":{\"email\""))
    }

    @Test func fromAndToSelectByCommitterTime() throws {
        let (repo, ids) = try sample()
        let result = try Binary.run(["changes", "--repo", repo.path, "--from", "2026-06-30T12:00:00Z", "--to", "2026-07-03T10:00:00Z", "--json"])
        #expect(result.stdout.split(separator: "\n").count == 1)
        #expect(result.stdout.contains(ids[0]))
    }

    @Test(arguments: [
        (["--branch", "release"], "branch 'release' not found"),
        (["--window", "2026-Q5"], "--window '2026-Q5': expected YYYY, YYYY-MM or YYYY-Qn"),
        (["--from", "yesterday"], "--from 'yesterday': expected a date"),
        (["--window", "2026-Q3", "--from", "2026-07-01"], "--window cannot be combined with --from/--to"),
        (["--config", "/nonexistent/cfg.yml"], "/nonexistent/cfg.yml: cannot read: no such file"),
        (["--frobnicate"], "Unknown option '--frobnicate'"),
    ])
    func unusableInputExitsTwoWithOneLine(arguments: [String], message: String) throws {
        let (repo, _) = try sample()
        let result = try Binary.run(["changes", "--repo", repo.path] + arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("git-evidence: error: "))
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test func aFolderThatIsNotARepositoryExitsTwo() throws {
        let folder = try TemporaryFolder.make("not-a-repo")
        let result = try Binary.run(["changes", "--repo", folder])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(folder): not a git repository\n")
    }

    /// An empty branch has nothing to audit: said, exit 2, rather than an empty population that looks like a quiet quarter.
    @Test func anEmptyRepositoryIsRefused() throws {
        let repo = try FixtureRepository("cli-empty")
        let result = try Binary.run(["changes", "--repo", repo.path, "--json"])
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(repo.path): refs/heads/main has no commits: nothing to audit\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBadSettingsFileExitsTwoNamingTheKey() throws {
        let (repo, _) = try sample()
        try Data("paths:\n  migratons: {}\n".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git-evidence.yml"))
        let result = try Binary.run(["changes", "--repo", repo.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains(".git-evidence.yml: paths.migratons: unknown key"), "\(result.stderr)")
    }

    @Test func rulesShowsWhatIsInForce() throws {
        let (repo, _) = try sample()
        let result = try Binary.run(["rules", "--repo", repo.path])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("settings: defaults\nmigrations:\n  **/migrations/**\n"))
        #expect(result.stdout.contains("  folder-with:meta/_journal.json\n"))
    }
}
