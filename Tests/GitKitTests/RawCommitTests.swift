import Foundation
@testable import GitKit
import EvidenceTestSupport
import Testing

/// Without a commit-graph, a first-parent walk reads each commit's header from its raw bytes: the header must be
/// libgit2's for every commit git writes (merges, an octopus, signed and merge-tag headers, odd committer lines), and
/// bytes laid out otherwise are left to libgit2, so a walk over them gives exactly what libgit2 gives.
@Suite struct RawCommitTests {
    @Test func rawHeadersAreLibgit2s() throws {
        let repo = try CommitGraphTests.merges("raw-commits")
        let tree = try repo.git(["rev-parse", "HEAD^{tree}"]).trimmingCharacters(in: .whitespacesAndNewlines)

        // Commits as other tools write them, each on the last; `true` where the raw reading takes them itself.
        let crafted: [(text: String, raw: Bool)] = [
            ("author A <a@x> 1767225600 +0000\ncommitter B <b@x> 1767312000 -0130\ngpgsig -----BEGIN PGP SIGNATURE-----\n \n iQEz\n -----END PGP SIGNATURE-----\n\nsigned\n", true),
            ("author A <a@x> 1767225600 +0000\ncommitter B <b@x> 1767312001 +0000\nmergetag object \(tree)\n type commit\n tag v1\n\nwith a merge tag\n", true),
            ("author A <a@x> 1767225600 +0000\ncommitter B>C <b@x>   7258118400 +0100\nencoding ISO-8859-1\n\nfar future, spaces, a '>' in the name\n", true),
            ("author A <a@x> 1767225600 +0000\ncommitter Nobody <n@x>\n\nno time at all\n", false),
            ("author A <a@x> 1767225600 +0000\ncommitter B <b@x> -1 +0000\n\nbefore 1970\n", false),
        ]
        var parent = try repo.head()
        var expectRaw = [String: Bool]()
        for (index, commit) in crafted.enumerated() {
            let file = try TemporaryFolder.make("raw-commit") + "/commit-\(index)"
            try Data("tree \(tree)\nparent \(parent)\n\(commit.text)".utf8).write(to: URL(fileURLWithPath: file))
            parent = try repo.git(["hash-object", "-t", "commit", "-w", "--literally", file]).trimmingCharacters(in: .whitespacesAndNewlines)
            expectRaw[parent] = commit.raw
        }
        _ = try repo.git(["update-ref", "refs/heads/main", parent])

        let repository = try Repository(path: repo.path)
        #expect(repository.commitGraph == nil, "the walk reads the objects")
        let objects = try RawObjects(repository: repository)
        var walk = repository.firstParentHistory(from: ObjectID(hex: parent)!)
        var seen = 0
        var readRaw = 0
        while let header = try walk.next() {
            #expect(header == (try repository.header(header.id)), "\(header.id)")
            let raw = try objects.commitHeader(header.id)
            #expect((raw != nil) == (expectRaw[header.id.hex] ?? true), "\(header.id): read raw or left to libgit2")
            if let raw {
                #expect(raw == header)
                readRaw += 1
            }
            seen += 1
        }
        #expect(seen == 8 && readRaw == 6)

        // What libgit2 refuses (a committer before the author), the walk refuses with its words.
        let file = try TemporaryFolder.make("raw-commit") + "/refused"
        try Data("tree \(tree)\nparent \(parent)\ncommitter B <b@x> 1767312002 +0000\nauthor A <a@x> 1767225600 +0000\n\nx\n".utf8)
            .write(to: URL(fileURLWithPath: file))
        let refused = try #require(ObjectID(hex: try repo.git(["hash-object", "-t", "commit", "-w", "--literally", file])
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try objects.commitHeader(refused) == nil)
        var refusedWalk = repository.firstParentHistory(from: refused)
        let libgit2 = try #require(#expect(throws: GitError.self) { try repository.header(refused) })
        #expect(throws: libgit2) { try refusedWalk.next() }
        let octopus = try repository.header(ObjectID(hex: try repo.git(["rev-parse", "HEAD~5"]).trimmingCharacters(in: .whitespacesAndNewlines))!)
        #expect(octopus.parents.count == 3)
    }
}
