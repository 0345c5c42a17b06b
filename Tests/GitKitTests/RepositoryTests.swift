import Foundation
import GitKit
import EvidenceTestSupport
import Testing

@Suite struct RepositoryTests {
    @Test func opensWorkTreeAndBareRepositories() throws {
        let fixture = try FixtureRepository("worktree")
        try fixture.write("README.md", "hello\n")
        try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        let repository = try Repository(path: fixture.path)
        #expect(!repository.isBare)
        #expect(repository.workDirectory != nil)

        let bareFolder = try TemporaryFolder.make("bare") + "/mirror.git"
        _ = try Command.run("/usr/bin/env", ["git", "clone", "-q", "--bare", fixture.path, bareFolder])
        let bare = try Repository(path: bareFolder)
        #expect(bare.isBare)
        #expect(bare.workDirectory == nil)
        #expect(try bare.resolveBranch(nil).tip == repository.resolveBranch(nil).tip)
    }

    @Test func searchesUpwardFromASubfolderLikeGit() throws {
        let fixture = try FixtureRepository("upward")
        try fixture.write("db/migrations/0001.sql", "create table a (id int);\n")
        try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        let repository = try Repository(path: fixture.path + "/db/migrations")
        #expect(try repository.resolveBranch("main").tip?.hex == fixture.head())
    }

    @Test func aFolderThatIsNotARepositoryIsAClearError() throws {
        let folder = try TemporaryFolder.make("plain")
        #expect(throws: GitError.notARepository(path: folder)) { try Repository(path: folder) }
        #expect(String(describing: GitError.notARepository(path: folder)) == "\(folder): not a git repository")
    }

    @Test func resolvesLocalRemoteAndDefaultBranches() throws {
        let fixture = try FixtureRepository("branches")
        try fixture.write("a.txt", "a\n")
        let first = try fixture.commit("first", date: "2026-07-01T10:00:00Z")
        try fixture.checkout("feature", from: "main")
        try fixture.write("b.txt", "b\n")
        let second = try fixture.commit("second", date: "2026-07-02T10:00:00Z")
        try fixture.git(["update-ref", "refs/remotes/origin/main", first])
        try fixture.git(["tag", "release", second])
        let repository = try Repository(path: fixture.path)

        #expect(try repository.resolveBranch(nil) == Branch(reference: "refs/heads/feature", tip: ObjectID(hex: second)))
        #expect(try repository.resolveBranch("main").tip?.hex == first)
        #expect(try repository.resolveBranch("origin/main").reference == "refs/remotes/origin/main")
        #expect(try repository.resolveBranch("refs/heads/feature").tip?.hex == second)
        #expect(throws: GitError.tagNotBranch(name: "release", repository: fixture.path)) {
            try repository.resolveBranch("release")  // a tag is never taken for a branch
        }
        #expect(throws: GitError.branchNotFound(name: "nope", repository: fixture.path)) { try repository.resolveBranch("nope") }
    }

    @Test func anEmptyRepositoryHasAnUnbornBranch() throws {
        let fixture = try FixtureRepository("empty")
        let branch = try Repository(path: fixture.path).resolveBranch(nil)
        #expect(branch == Branch(reference: "refs/heads/main", tip: nil))
        #expect(try Repository(path: fixture.path).resolveBranch("main").tip == nil)
    }

    @Test func readsCommitFieldsWithTimeZones() throws {
        let fixture = try FixtureRepository("fields")
        try fixture.write("a.txt", "a\n")
        let id = try fixture.commit("Add a\n\nBecause we need it.\n", author: .bob, date: "2026-07-01T12:30:00+05:30",
                                    committer: .github, committerDate: "2026-07-01T08:00:00-04:00")
        let record = try Repository(path: fixture.path).commit(try #require(ObjectID(hex: id)))
        #expect(record.author == Person(name: "Bob Roe", email: "bob@example.com", time: 1_782_889_200, offsetMinutes: 330))
        #expect(record.committer.offsetMinutes == -240)
        #expect(record.committer.time == 1_782_907_200)
        #expect(record.subject == "Add a")
        #expect(record.message == "Add a\n\nBecause we need it.\n")
        #expect(record.parents.isEmpty)
    }

    @Test func readsBlobsAtACommit() throws {
        let fixture = try FixtureRepository("blobs")
        try fixture.write("drizzle/0001_init.sql", "CREATE TABLE a (id int);\n")
        let first = try #require(ObjectID(hex: try fixture.commit("first", date: "2026-07-01T10:00:00Z")))
        try fixture.write("drizzle/0001_init.sql", "CREATE TABLE b (id int);\n")
        let second = try #require(ObjectID(hex: try fixture.commit("second", date: "2026-07-02T10:00:00Z")))
        let repository = try Repository(path: fixture.path)
        #expect(try repository.blob(atPath: "drizzle/0001_init.sql", in: first) == Array("CREATE TABLE a (id int);\n".utf8))
        #expect(try repository.blob(atPath: "drizzle/0001_init.sql", in: second) == Array("CREATE TABLE b (id int);\n".utf8))
        #expect(try repository.blob(atPath: "drizzle/missing.sql", in: second) == nil)
        #expect(try repository.blob(atPath: "drizzle", in: second) == nil)  // a folder is not a blob
    }

    @Test func listsTheCommitsAMergeBroughtIn() throws {
        let fixture = try FixtureRepository("merged")
        try fixture.write("a.txt", "a\n")
        try fixture.commit("base", date: "2026-07-01T10:00:00Z")
        try fixture.checkout("feature", from: "main")
        try fixture.write("b.txt", "b\n")
        let one = try fixture.commit("one", date: "2026-07-02T10:00:00Z")
        try fixture.write("c.txt", "c\n")
        let two = try fixture.commit("two", author: .bob, date: "2026-07-03T10:00:00Z")
        try fixture.checkout("main")
        try fixture.write("d.txt", "d\n")
        try fixture.commit("main moves on", date: "2026-07-03T11:00:00Z")
        let merge = try fixture.merge("feature", message: "Merge pull request #7 from acme/feature", date: "2026-07-04T10:00:00Z")

        let repository = try Repository(path: fixture.path)
        let record = try repository.commit(try #require(ObjectID(hex: merge)))
        #expect(record.isMerge)
        #expect(try repository.commitsMerged(by: record).map(\.id.hex) == [two, one])
        #expect(try repository.isAncestor(try #require(ObjectID(hex: one)), of: record.id))
    }

    @Test func walksFirstParentsOnlyNewestFirst() throws {
        let fixture = try FixtureRepository("walk")
        try fixture.write("a.txt", "a\n")
        let base = try fixture.commit("base", date: "2026-07-01T10:00:00Z")
        try fixture.checkout("feature", from: "main")
        try fixture.write("b.txt", "b\n")
        try fixture.commit("side", date: "2026-07-02T10:00:00Z")
        try fixture.checkout("main")
        let merge = try fixture.merge("feature", message: "Merge", date: "2026-07-03T10:00:00Z")
        let repository = try Repository(path: fixture.path)
        var walk = repository.firstParentHistory(from: try #require(ObjectID(hex: merge)))
        var seen = [String]()
        while let commit = try walk.next() { seen.append(commit.id.hex) }
        #expect(seen == [merge, base])
    }
}
