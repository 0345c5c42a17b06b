import Foundation
import GitKit
import EvidenceTestSupport
import Testing

/// Clones that lack history or objects, and damaged repositories: each failure names the repository, the object
/// and what to do, never a bare libgit2 return code.
@Suite struct DamagedRepositoryTests {
    /// Four commits a day apart, each adding a migration; returns the repository and the commit ids, oldest first.
    private func history(_ name: String) throws -> (FixtureRepository, [String]) {
        let fixture = try FixtureRepository(name)
        var ids = [String]()
        for day in 1...4 {
            try fixture.write("db/000\(day).sql", "create table t\(day) (id int);\n")
            ids.append(try fixture.commit("migration \(day)", date: "2026-07-0\(day)T10:00:00Z"))
        }
        return (fixture, ids)
    }

    private func clone(_ source: FixtureRepository, _ options: [String]) throws -> String {
        let target = try TemporaryFolder.make("clone") + "/repo"
        let result = try Command.run("/usr/bin/env", ["git", "clone", "-q"] + options + ["file://" + source.path, target])
        #expect(result.status == 0, "\(result.stderr)")
        return target
    }

    private func walk(_ path: String, since: String? = nil) throws(GitError) -> [String] {
        let repository = try Repository(path: path)
        let since = since.map { Int64(ISO8601DateFormatter().date(from: $0)!.timeIntervalSince1970) }
        var changes = FirstParentChanges(repository: repository, from: try repository.resolveBranch("main").tip, scope: RecordingScope(), since: since)
        var found = [String]()
        while let step = try changes.nextChange() { found.append(step.commit.id.hex) }
        return found
    }

    @Test func aShallowCloneSaysWhereItsHistoryEndsAndHowToFetchTheRest() throws {
        let (source, ids) = try history("shallow-source")
        let shallow = try clone(source, ["--depth", "2"])
        #expect(throws: GitError.shallowHistory(repository: shallow, boundary: ids[2])) { try walk(shallow) }
        let message = String(describing: GitError.shallowHistory(repository: shallow, boundary: ids[2]))
        #expect(message.hasPrefix("\(shallow): shallow clone: history before commit \(ids[2].prefix(12)) is missing; fetch it with `git fetch --unshallow`"))
        // A window that starts after the clone's oldest commit is all there: the walk ends at that commit.
        #expect(try walk(shallow, since: "2026-07-04T00:00:00Z") == [ids[3]])
    }

    @Test func aMissingObjectIsNamedWithTheRepository() throws {
        let (source, ids) = try history("missing-source")
        let commit = ids[1]
        try FileManager.default.removeItem(atPath: source.path + "/.git/objects/\(commit.prefix(2))/\(commit.dropFirst(2))")
        #expect(throws: GitError.missingObject(repository: source.path, kind: "commit", id: commit, partialClone: false)) { try walk(source.path) }
    }

    /// A walk that follows one file reads raw trees from the object database's backends: a missing one is named as
    /// the tree walk names it, and a shallow clone's end is said once the walk gets there.
    @Test func aFollowedFilesWalkNamesAMissingTreeAndTheShallowEnd() throws {
        let (source, ids) = try history("missing-tree-source")
        let tree = try source.git(["rev-parse", "\(ids[1]):db"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.removeItem(atPath: source.path + "/.git/objects/\(tree.prefix(2))/\(tree.dropFirst(2))")
        func follow(_ path: String) throws(GitError) -> [String] {
            let repository = try Repository(path: path)
            var walk = try FirstParentChanges(repository: repository, from: try repository.resolveBranch("main").tip, following: "db/0001.sql")
            var found = [String]()
            while let step = try walk.nextChange() { found.append(step.commit.id.hex) }
            return found
        }
        #expect(throws: GitError.missingObject(repository: source.path, kind: "tree", id: tree, partialClone: false)) { try follow(source.path) }
        let (complete, first) = try history("shallow-follow-source")
        let shallow = try clone(complete, ["--depth", "2"])
        #expect(throws: GitError.shallowHistory(repository: shallow, boundary: first[2])) { try follow(shallow) }
    }

    @Test func aPartialCloneSaysItLacksTheObjectsItWasClonedWithout() throws {
        let (source, ids) = try history("partial-source")
        try source.git(["config", "uploadpack.allowFilter", "true"])
        let partial = try clone(source, ["--filter=blob:none", "--no-checkout"])
        let repository = try Repository(path: partial)
        let first = try #require(ObjectID(hex: ids[0]))
        let blob = try #require(try repository.blobID(atPath: "db/0001.sql", in: first))
        #expect(throws: GitError.missingObject(repository: partial, kind: "blob", id: blob.hex, partialClone: true)) { try repository.blob(blob) }
    }

    @Test func aCorruptReferenceSaysTheRepositoryIsDamaged() throws {
        let (source, _) = try history("corrupt-ref")
        try Data("not an object id\n".utf8).write(to: URL(fileURLWithPath: source.path + "/.git/refs/heads/main"))
        do {
            _ = try Repository(path: source.path).resolveBranch("main")
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error) == "\(source.path): the repository cannot be read: corrupted loose reference file: refs/heads/main; "
                + "`git fsck` tells what is damaged")
        }
    }
}
