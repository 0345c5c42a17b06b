import Foundation
import GitKit
import EvidenceTestSupport
import Testing

/// A scope that reports everything and records which folders the compare asked about.
final class RecordingScope: TreeDiffScope {
    let directoryMarkers: [String]
    let allowed: (String) -> Bool
    private(set) var visited = [String]()

    init(markers: [String] = [], allowed: @escaping (String) -> Bool = { _ in true }) {
        self.directoryMarkers = markers
        self.allowed = allowed
    }

    func mayMatch(under directory: String) -> Bool {
        visited.append(directory)
        return allowed(directory)
    }

    func matches(path: String, markers: Set<String>) -> Bool { true }
}

@Suite struct TreeDiffTests {
    private func trees(_ fixture: FixtureRepository, _ repository: Repository, _ ids: String...) throws -> [ObjectID] {
        try ids.map { try repository.commit(try #require(ObjectID(hex: $0))).tree }
    }

    @Test func reportsAddedModifiedDeletedAndExactRenames() throws {
        let fixture = try FixtureRepository("statuses")
        try fixture.write("m/0001.sql", "one\n")
        try fixture.write("m/0002.sql", "two\n")
        try fixture.write("m/0003.sql", "three\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.write("m/0001.sql", "one, edited\n")
        try fixture.remove("m/0002.sql")
        try fixture.move("m/0003.sql", "n/0003.sql")
        try fixture.write("m/0004.sql", "four\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let ids = try trees(fixture, repository, first, second)
        let changes = try repository.changedFiles(from: ids[0], to: ids[1], scope: RecordingScope())
        #expect(changes.map(\.path) == ["m/0001.sql", "m/0002.sql", "m/0004.sql", "n/0003.sql"])
        #expect(changes.map(\.status) == [.modified, .deleted, .added, .renamed])
        #expect(changes[3].oldPath == "m/0003.sql")
        #expect(changes[3].oldBlob == changes[3].newBlob)
        #expect(try repository.changedFiles(from: ids[1], to: ids[1], scope: RecordingScope()).isEmpty)
    }

    @Test func aRootCommitComparesAgainstTheEmptyTree() throws {
        let fixture = try FixtureRepository("root")
        try fixture.write("infra/main.tf", "terraform {}\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        let repository = try Repository(path: fixture.path)
        let tree = try trees(fixture, repository, first)[0]
        let changes = try repository.changedFiles(from: nil, to: tree, scope: RecordingScope())
        #expect(changes.map(\.path) == ["infra/main.tf"])
        #expect(changes[0].status == .added)
    }

    @Test func equalSubtreesAreNeverOpened() throws {
        let fixture = try FixtureRepository("prune")
        for index in 0..<20 { try fixture.write("app/module\(index)/file.ts", "export const x = \(index)\n") }
        try fixture.write("db/migrations/0001.sql", "one\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.write("db/migrations/0002.sql", "two\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let ids = try trees(fixture, repository, first, second)
        let scope = RecordingScope()
        let changes = try repository.changedFiles(from: ids[0], to: ids[1], scope: scope)
        #expect(changes.map(\.path) == ["db/migrations/0002.sql"])
        #expect(scope.visited == ["db", "db/migrations"])  // app/ has the same tree id on both sides
    }

    @Test func aScopeThatRulesOutAFolderPrunesIt() throws {
        let fixture = try FixtureRepository("scope")
        try fixture.write("app/a.ts", "a\n")
        try fixture.write("infra/main.tf", "x\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.write("app/a.ts", "b\n")
        try fixture.write("app/deep/b.ts", "b\n")
        try fixture.write("infra/main.tf", "y\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let ids = try trees(fixture, repository, first, second)
        let scope = RecordingScope(allowed: { $0 == "infra" })
        let changes = try repository.changedFiles(from: ids[0], to: ids[1], scope: scope)
        // Files directly in the root are still compared; the app folder is not opened at all.
        #expect(changes.map(\.path) == ["infra/main.tf"])
        #expect(scope.visited.sorted() == ["app", "infra"])
    }

    @Test func markersAreFoundPerSideAndInheritedByEverythingBelow() throws {
        let fixture = try FixtureRepository("markers")
        try fixture.write("old/out/meta/_journal.json", "{}\n")
        try fixture.write("old/out/0000_init.sql", "create table a (id int);\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.move("old/out", "src/db/out")
        try fixture.write("src/db/out/0001_more.sql", "create table b (id int);\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let ids = try trees(fixture, repository, first, second)
        let changes = try repository.changedFiles(from: ids[0], to: ids[1], scope: RecordingScope(markers: ["meta/_journal.json"]))
        let byPath = Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0) })
        #expect(byPath["src/db/out/0001_more.sql"]?.markers == ["meta/_journal.json"])
        #expect(byPath["src/db/out/0000_init.sql"]?.status == .renamed)
        #expect(byPath["src/db/out/0000_init.sql"]?.oldPath == "old/out/0000_init.sql")
        #expect(byPath["src/db/out/meta/_journal.json"]?.markers == ["meta/_journal.json"])
    }

    @Test func aFileReplacedByAFolderIsADeletionAndAdditions() throws {
        let fixture = try FixtureRepository("typechange")
        try fixture.write("schema", "a file\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.remove("schema")
        try fixture.write("schema/0001.sql", "one\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")
        let repository = try Repository(path: fixture.path)
        let ids = try trees(fixture, repository, first, second)
        let changes = try repository.changedFiles(from: ids[0], to: ids[1], scope: RecordingScope())
        #expect(changes.map { "\($0.status.rawValue) \($0.path)" } == ["deleted schema", "added schema/0001.sql"])
    }
}

@Suite struct PatchTests {
    @Test func patchesOnlyTheNamedPathsAsGitDiffPrintsThem() throws {
        let fixture = try FixtureRepository("patch")
        try fixture.write("drizzle/0001.sql", "CREATE TABLE a (id int);\n")
        try fixture.write("src/app.ts", "export const a = 1\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.write("drizzle/0001.sql", "CREATE TABLE a (id bigint);\n")
        try fixture.write("drizzle/0002.sql", "CREATE TABLE b (id int);\n")
        try fixture.write("src/app.ts", "export const a = 2\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let trees = try [first, second].map { try repository.commit(try #require(ObjectID(hex: $0))).tree }
        let patch = String(decoding: try repository.patch(from: trees[0], to: trees[1], paths: ["drizzle/0001.sql", "drizzle/0002.sql"]), as: UTF8.self)
        let git = try fixture.git(["diff", first, second, "--", "drizzle/0001.sql", "drizzle/0002.sql"])
        #expect(patch == git)
        #expect(!patch.contains("src/app.ts"))
        #expect(try repository.patch(from: nil, to: trees[0], paths: ["drizzle/0001.sql"]).count > 0)
        #expect(try repository.patch(from: trees[0], to: trees[1], paths: []).isEmpty)
        // Literal paths: a pattern character matches nothing.
        #expect(try repository.patch(from: trees[0], to: trees[1], paths: ["drizzle/*.sql"]).isEmpty)
    }
}
