import Foundation
@testable import GitKit
import EvidenceTestSupport
import Testing

/// First-parent walks read commit headers from git's commit-graph when the repository has one: the headers must be
/// the object database's, for plain commits, merges and an octopus merge (whose extra parents are in EDGE), and a
/// commit newer than the file is read from the objects.
@Suite struct CommitGraphTests {
    /// A first commit, a merge of one side branch, then an octopus merge of two more: three commits on main.
    static func merges(_ name: String) throws -> FixtureRepository {
        let repo = try FixtureRepository(name)
        try repo.write("a.sql", "select 1;\n")
        _ = try repo.commit("first", date: "2026-01-01T00:00:00Z")
        for name in ["one", "two", "three"] {
            try repo.checkout("side-\(name)", from: "main")
            try repo.write("\(name).sql", "select '\(name)';\n")
            _ = try repo.commit("side \(name)", date: "2026-01-02T00:00:00Z")
            try repo.checkout("main")
        }
        _ = try repo.merge("side-one", message: "Merge side-one", date: "2026-01-03T00:00:00Z")
        try repo.git(["merge", "-q", "--no-ff", "-m", "Octopus", "side-two", "side-three"], date: "2026-01-04T00:00:00Z")
        return repo
    }

    @Test func headersFromTheGraphAreTheObjectDatabases() throws {
        let repo = try Self.merges("commit-graph")
        // Past 2^32 seconds: the time's 33rd and 34th bits are in the generation word.
        try repo.write("b.sql", "select 2;\n")
        _ = try repo.commit("far future", date: "@7258118400 +0000")
        try repo.git(["commit-graph", "write", "--reachable"])
        try repo.write("c.sql", "select 3;\n")
        let newest = try repo.commit("after the graph", date: "@7258204800 +0000")

        let repository = try Repository(path: repo.path)
        let graph = try #require(repository.commitGraph, "git wrote a commit-graph")
        #expect(graph.header(of: ObjectID(hex: newest)!) == nil, "a commit newer than the file is not in it")
        var walk = repository.firstParentHistory(from: ObjectID(hex: newest)!)
        var seen = 0
        while let header = try walk.next() {
            #expect(header == (try repository.header(header.id)))
            if header.id.hex != newest { #expect(graph.header(of: header.id) == (try repository.header(header.id))) }
            seen += 1
        }
        #expect(seen == 5)
        let octopus = try #require(try repository.header(ObjectID(hex: try repo.git(["rev-parse", "HEAD~2"]).trimmingCharacters(in: .whitespacesAndNewlines))!))
        #expect(octopus.parents.count == 3 && graph.header(of: octopus.id)?.parents == octopus.parents)
    }

    /// What each merge brought in, read from the commit-graph, is what libgit2's revwalk finds without one and what
    /// `git rev-list --date-order` lists, in its order; with equal commit times, both ways still agree.
    @Test(arguments: [false, true]) func mergedCommitsFromTheGraphAreTheRevwalks(equalTimes: Bool) throws {
        let repo = try FixtureRepository("merged-\(equalTimes)")
        var random = SeededGenerator(seed: equalTimes ? 7 : 20261207)
        let tree = try repo.git(["write-tree"]).trimmingCharacters(in: .whitespacesAndNewlines)
        var commits = [String](), childless = Set<String>()
        for index in 0..<160 {
            // Mostly one parent near the newest; a tenth are merges of two or three, some of long-lived branches.
            var parents = Set<String>()
            if !commits.isEmpty {
                let count = Int.random(in: 0..<10, using: &random) == 0 ? Int.random(in: 2...3, using: &random) : 1
                while parents.count < min(count, commits.count) {
                    parents.insert(commits[max(0, commits.count - 1 - Int.random(in: 0..<(count > 1 ? 40 : 4), using: &random))])
                }
            }
            let seconds = 1_767_225_600 + (equalTimes ? index / 8 : index) * 60
            let id = try repo.git(["commit-tree", tree, "-m", "c\(index)"] + parents.sorted().flatMap { ["-p", $0] }, date: "@\(seconds) +0000")
                .trimmingCharacters(in: .whitespacesAndNewlines)
            commits.append(id)
            childless.subtract(parents)
            childless.insert(id)
        }
        // One octopus merge at the end makes every commit reachable from main.
        let tip = try repo.git(["commit-tree", tree, "-m", "tip"] + childless.sorted().flatMap { ["-p", $0] }, date: "@1767400000 +0000")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try repo.git(["update-ref", "refs/heads/main", tip])
        let bare = try TemporaryFolder.make("merged-no-graph") + "/repo.git"
        try FileManager.default.copyItem(atPath: repo.path + "/.git", toPath: bare)
        try repo.git(["commit-graph", "write", "--reachable"])

        let withGraph = try Repository(path: repo.path), without = try Repository(path: bare)
        let graph = try #require(withGraph.commitGraph)
        #expect(without.commitGraph == nil)
        var merges = 0
        for id in commits + [tip] {
            let record = try withGraph.commit(ObjectID(hex: id)!)
            guard record.isMerge else { continue }
            merges += 1
            #expect(graph.reachable(from: Array(record.parents.dropFirst()), notFrom: record.parents[0]) != nil, "read from the graph")
            let found = try withGraph.commitsMerged(by: record).map(\.id.hex)
            #expect(found == (try without.commitsMerged(by: record).map(\.id.hex)), "merge \(id)")
            let range = record.parents.dropFirst().map(\.hex) + ["^" + record.parents[0].hex]
            let listed = try repo.git(["rev-list", "--date-order"] + range).split(separator: "\n").map(String.init)
            if equalTimes {
                #expect(Set(found) == Set(listed), "merge \(id)")
            } else {
                #expect(found == listed, "merge \(id)")
            }
        }
        #expect(merges > 10)
    }

    @Test func aFileThatIsNotOneIsIgnored() throws {
        #expect(CommitGraph(Data("CGPH".utf8)) == nil)
        var bytes = [UInt8]("CGPH".utf8) + [1, 1, 3, 0] + [UInt8](repeating: 0xFF, count: 64)
        #expect(CommitGraph(Data(bytes)) == nil, "offsets past the end")
        bytes[4] = 2
        #expect(CommitGraph(Data(bytes)) == nil, "another version")
    }
}
