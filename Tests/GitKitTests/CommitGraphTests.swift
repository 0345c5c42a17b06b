import Foundation
@testable import GitKit
import EvidenceTestSupport
import Testing

/// First-parent walks read commit headers from git's commit-graph when the repository has one: the headers must be
/// the object database's, for plain commits, merges and an octopus merge (whose extra parents are in EDGE), and a
/// commit newer than the file is read from the objects.
@Suite struct CommitGraphTests {
    @Test func headersFromTheGraphAreTheObjectDatabases() throws {
        let repo = try FixtureRepository("commit-graph")
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

    @Test func aFileThatIsNotOneIsIgnored() throws {
        #expect(CommitGraph(Data("CGPH".utf8)) == nil)
        var bytes = [UInt8]("CGPH".utf8) + [1, 1, 3, 0] + [UInt8](repeating: 0xFF, count: 64)
        #expect(CommitGraph(Data(bytes)) == nil, "offsets past the end")
        bytes[4] = 2
        #expect(CommitGraph(Data(bytes)) == nil, "another version")
    }
}
