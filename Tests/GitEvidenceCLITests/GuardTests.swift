import EvidenceTestSupport
import Foundation
import Testing

/// What export refuses rather than sign a bundle that claims more than the repository shows: a branch with
/// nothing to audit, a tag for a branch, a window not yet over; and what it says when it has to choose.
@Suite struct GuardTests {
    static let keys = Result { try BundleFixture.keys("ed25519") }

    /// A repository with one migration committed in Q3, and an export holding no pull requests.
    static func repository(_ name: String) throws -> (FixtureRepository, String) {
        let fixture = try FixtureRepository(name)
        try fixture.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial PRIMARY KEY);\n")
        try fixture.commit("Initial schema", date: "2026-07-02T12:00:00Z")
        let github = try TemporaryFolder.make("guard-github")
        try Data("[]\n".utf8).write(to: URL(fileURLWithPath: github + "/pulls.json"))
        return (fixture, github)
    }

    static func export(_ repository: String, github: String, _ extra: [String] = []) throws -> (Command.Result, String) {
        let parent = try TemporaryFolder.make("guard-out")
        let result = try Binary.run(["export", "--repo", repository, "--window", "2026-Q3", "--github", github,
                                     "--key", try keys.get().privateKey, "--out", parent + "/evidence"] + extra)
        return (result, parent)
    }

    @Test func aStaleHeadIsRefusedNotExportedAsNoChanges() throws {
        let (fixture, github) = try Self.repository("stale-head")
        try fixture.git(["symbolic-ref", "HEAD", "refs/heads/master"])
        let (result, parent) = try Self.export(fixture.path, github: github)
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(fixture.path): HEAD names refs/heads/master, which does not exist (branches here: main); give --branch\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
        #expect(try Self.export(fixture.path, github: github, ["--branch", "main"]).0.status == 0)
    }

    @Test func anEmptyBranchIsRefused() throws {
        let fixture = try FixtureRepository("empty-branch")
        let github = try Self.repository("empty-branch-github").1
        let (result, _) = try Self.export(fixture.path, github: github)
        #expect(result.status == 2)
        #expect(result.stderr == "git-evidence: error: \(fixture.path): refs/heads/main has no commits: nothing to audit\n")
        let changes = try Binary.run(["changes", "--repo", fixture.path, "--window", "2026-Q3"])
        #expect(changes.status == 2, "every command refuses it, not only export")
    }

    @Test func aTagIsNotABranch() throws {
        let (fixture, github) = try Self.repository("tag-branch")
        try fixture.git(["tag", "v1.0"])
        let (result, _) = try Self.export(fixture.path, github: github, ["--branch", "v1.0"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("'v1.0' is a tag, not a branch"), "\(result.stderr)")
    }

    @Test func aDetachedHeadIsSaidAndRecorded() throws {
        let (fixture, github) = try Self.repository("detached")
        try fixture.git(["checkout", "-q", "--detach"])
        let (result, parent) = try Self.export(fixture.path, github: github)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("HEAD is detached at "), "\(result.stderr)")
        let manifest = try String(contentsOfFile: parent + "/evidence/manifest.json", encoding: .utf8)
        #expect(manifest.contains("auditing refs/heads/main (give --branch to choose)"))
    }

    @Test func aWindowThatHasNotEndedIsRefusedUnlessProvisional() throws {
        let (fixture, github) = try Self.repository("open-window")
        let parent = try TemporaryFolder.make("open-window-out")
        let arguments = ["export", "--repo", fixture.path, "--from", "2026-07-01", "--to", "2099-01-01", "--github", github,
                         "--key", try Self.keys.get().privateKey, "--out", parent + "/evidence"]
        let refused = try Binary.run(arguments)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("the window has not ended (it ends 2099-01-01T00:00:00Z); pass --allow-open-window"), "\(refused.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent).isEmpty)
        // --as-of claiming a time before a past window's end makes it open too.
        let early = try Self.export(fixture.path, github: github, ["--as-of", "2026-08-01T00:00:00Z"])
        #expect(early.0.status == 2)

        let provisional = try Binary.run(arguments + ["--allow-open-window"])
        #expect(provisional.status == 0, "\(provisional.stderr)")
        let manifest = try String(contentsOfFile: parent + "/evidence/manifest.json", encoding: .utf8)
        #expect(manifest.contains(#""provisional" : true"#))
        let report = try String(contentsOfFile: parent + "/evidence/report.md", encoding: .utf8)
        #expect(report.contains("PROVISIONAL: the window had not ended"))
        let closed = try Self.export(fixture.path, github: github)
        #expect(try String(contentsOfFile: closed.1 + "/evidence/manifest.json", encoding: .utf8).contains(#""provisional" : false"#))
    }

    /// The manifest and the top of the report say how much the export covers: here a PR merged in the window that
    /// no change of the branch is, and a change whose evidence is missing.
    @Test func completenessIsStatedInTheManifestAndTheReport() throws {
        let fixture = try FixtureRepository("completeness")
        try fixture.write("drizzle/0000_init.sql", "CREATE TABLE users (id serial PRIMARY KEY);\n")
        try fixture.commit("Initial schema (#3)", date: "2026-07-02T12:00:00Z")
        let export = try GitHubExportFixture(in: try TemporaryFolder.make("completeness-github"))
        try export.write("pulls.json", [export.pull(8, title: "Lost", author: "alice", mergedAt: "2026-07-05T10:00:00Z",
                                                    mergeCommit: String(repeating: "ab", count: 20), head: String(repeating: "cd", count: 20))])
        let (result, parent) = try Self.export(fixture.path, github: export.folder)
        #expect(result.status == 0, "\(result.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: parent + "/evidence/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let completeness = try #require(manifest["completeness"] as? [String: Any])
        #expect(completeness["held"] as? Int == 1)
        #expect(completeness["merged_in_window"] as? Int == 1)
        #expect(completeness["correlated"] as? Int == 0)
        #expect(completeness["merged_not_on_branch"] as? [Int] == [8])
        #expect(completeness["changes_missing_evidence"] as? Int == 1)
        let report = try String(contentsOfFile: parent + "/evidence/report.md", encoding: .utf8)
        #expect(report.contains("| Merged in the window, merge commit not on the branch | #8 |"))
        #expect(report.contains("pull request evidence missing for #3"))
        #expect(report.contains("`PR #8`: merged into main in the window, but neither its merge commit nor any change of the branch is its"))
    }
}

extension GuardTests {
    /// `verify --repo` derives the population at the head the manifest records: a provisional bundle keeps
    /// verifying after more changes land on the branch, and a repository without that head says so.
    @Test func verifyRepoDerivesAtTheRecordedHead() throws {
        let (fixture, github) = try Self.repository("recorded-head")
        let parent = try TemporaryFolder.make("recorded-head-out")
        let keys = try Self.keys.get()
        let made = try Binary.run(["export", "--repo", fixture.path, "--from", "2026-07-01", "--to", "2099-01-01", "--allow-open-window",
                                   "--github", github, "--key", keys.privateKey, "--out", parent + "/evidence"])
        #expect(made.status == 0, "\(made.stderr)")
        try fixture.write("drizzle/0001_orders.sql", "CREATE TABLE orders (id serial PRIMARY KEY);\n")
        try fixture.commit("Orders", date: "2026-08-01T12:00:00Z")
        let verified = try Binary.run(["verify", parent + "/evidence", "--key", keys.publicKey, "--repo", fixture.path])
        #expect(verified.status == 0, "\(verified.stdout)")

        let other = try FixtureRepository("recorded-head-other")  // another history, without the bundle's head
        try other.write("drizzle/0000_init.sql", "CREATE TABLE accounts (id serial PRIMARY KEY);\n")
        try other.commit("Initial schema", date: "2026-07-02T12:00:00Z")
        let elsewhere = try Binary.run(["verify", parent + "/evidence", "--key", keys.publicKey, "--repo", other.path])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stdout.contains("population: the repository does not have the bundle's head"), "\(elsewhere.stdout)")
    }
}

extension GuardTests {
    /// A bundle is read on other machines: it names the repository by its remote (credentials stripped) or
    /// `--repo-name`, and no byte of it holds a local path, whatever paths the inputs were given by.
    @Test func noLocalPathReachesTheBundle() throws {
        let scenario = try LedgerScenario.shared.get()
        let parent = try TemporaryFolder.make("no-local-path")
        let repository = parent + "/repo"  // a copy: the scenario is shared with tests running at the same time
        try FileManager.default.copyItem(atPath: scenario.repository.path, toPath: repository)
        let copy = FixtureRepository(existing: repository)
        try copy.git(["remote", "add", "origin", "https://x-access-token:ghs_SECRET123@github.com/acme/api.git"])
        let ledgers = ["drizzle", "prisma", "flyway", "events"].flatMap { ["--ledger", scenario.ledgers[$0]!] }
        let result = try Binary.run(["export", "--repo", repository, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", try Self.keys.get().privateKey, "--out", parent + "/evidence"] + ledgers)
        #expect(result.status == 0, "\(result.stderr)")
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let local = [TemporaryFolder.root, checkout, FileManager.default.currentDirectoryPath, "ghs_SECRET123", "x-access-token"]
        let bundle = parent + "/evidence"
        for file in try BundleFixture.files(bundle) {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + file)), as: UTF8.self)
            for path in local {
                #expect(!text.contains(path), "\(file) holds \(path)")
            }
        }
        let manifest = try String(contentsOfFile: bundle + "/manifest.json", encoding: .utf8)
        #expect(manifest.contains(#""name" : "https://github.com/acme/api.git""#))
        #expect(manifest.contains(#""source" : "github:pulls.json""#))
        let named = try Binary.run(["export", "--repo", repository, "--window", "2026-Q3", "--github", scenario.github.folder,
                                    "--key", try Self.keys.get().privateKey, "--out", parent + "/named", "--repo-name", "acme/api"])
        #expect(try String(contentsOfFile: parent + "/named/manifest.json", encoding: .utf8).contains(#""name" : "acme/api""#), "\(named.stderr)")
    }
}
