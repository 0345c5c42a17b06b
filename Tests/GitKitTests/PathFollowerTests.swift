import Foundation
@testable import GitKit
import EvidenceTestSupport
import Testing

/// A walk that follows one path reports exactly the first-parent commits `git log --first-parent -- PATH` lists, with
/// the file's blobs on each side, over a history that modifies it, touches only its neighbours, deletes it and adds it
/// again, changes its mode, puts a folder where it was, and merges side branches that change it.
@Suite struct PathFollowerTests {
    @Test func theCommitsAreGitLogsForThatPath() throws {
        let repo = try FixtureRepository("path-follower")
        var random = SeededGenerator(seed: 20261207)
        let path = "db/schema/0001_orders.sql"
        try repo.write(path, "create table orders (id int);\n")
        try repo.write("db/schema/0002_lines.sql", "create table lines (id int);\n")
        try repo.write("src/app.ts", "export {}\n")
        try repo.commit("first", date: "2026-01-01T00:00:00Z")
        var exists = true
        for step in 1...60 {
            let date = "2026-01-\(String(format: "%02d", 1 + step / 3))T\(String(format: "%02d", step % 24)):00:00Z"
            switch Int.random(in: 0..<9, using: &random) {
            case 0 where exists:
                try repo.remove(path)
                exists = false
            case 0, 1:
                try repo.write(path, "create table orders (id int, v\(step) int);\n")
                exists = true
            case 2:
                try repo.write("db/schema/0002_lines.sql", "-- \(step)\n")
            case 3:
                try repo.write("db/other/0001_orders.sql", "-- same name elsewhere \(step)\n")
            case 4 where exists:
                try repo.git(["update-index", "--chmod=\(step % 2 == 0 ? "+x" : "-x")", path])
            case 5:
                // A side branch that changes the file, merged: the merge is the first-parent change.
                try repo.checkout("side-\(step)", from: "main")
                try repo.write(path, "create table orders (id bigint, s\(step) int);\n")
                try repo.commit("side \(step)", date: date)
                try repo.checkout("main")
                try repo.merge("side-\(step)", message: "Merge side \(step)", date: date)
                exists = true
                continue
            case 6 where !exists:
                // A folder where the file was: no file at that path.
                try repo.write(path + "/inner.sql", "-- \(step)\n")
                try repo.commit("folder \(step)", date: date)
                try repo.git(["rm", "-q", "-r", "--", path])
                try repo.write(path, "create table orders (id int, back\(step) int);\n")
                exists = true
            default:
                try repo.write("src/app.ts", "export const v = \(step)\n")
            }
            try repo.commit("step \(step)", date: date)
        }

        let expected = try repo.git(["log", "--first-parent", "--format=%H", "main", "--", path]).split(separator: "\n").map(String.init)
        let repository = try Repository(path: repo.path)
        let tip = try repository.resolveBranch("main").tip
        var walk = try FirstParentChanges(repository: repository, from: tip, following: path)
        var found = [String]()
        while let step = try walk.nextChange() {
            found.append(step.commit.id.hex)
            let file = try #require(step.files.first)
            #expect(file.path == path && step.files.count == 1)
            let parent = step.commit.parents.first.map(\.hex)
            #expect(file.oldBlob?.hex == (try parent.flatMap { try blobID(repo, $0, path) }), "old side of \(step.commit.id.short)")
            #expect(file.newBlob?.hex == (try blobID(repo, step.commit.id.hex, path)), "new side of \(step.commit.id.short)")
        }
        #expect(found == expected)
        #expect(expected.count > 15, "the history exercises the path")
    }

    @Test func markersAboveTheFileAreFoundOnTheSidesWhereItIs() throws {
        let repo = try FixtureRepository("path-follower-markers")
        try repo.write("app/migrations/0001_init.py", "# one\n")
        try repo.write("app/manage.py", "# marker\n")
        try repo.commit("first", date: "2026-01-01T00:00:00Z")
        try repo.remove("app/manage.py")
        try repo.write("app/migrations/0001_init.py", "# two\n")
        try repo.commit("second", date: "2026-01-02T00:00:00Z")
        let repository = try Repository(path: repo.path)
        var walk = try FirstParentChanges(repository: repository, from: try repository.resolveBranch("main").tip,
                                          following: "app/migrations/0001_init.py", directoryMarkers: ["manage.py", "alembic.ini"])
        let second = try #require(try walk.nextChange()?.files.first)
        #expect(second.status == .modified && second.markers == ["manage.py"], "the marker was there before the change")
        let first = try #require(try walk.nextChange()?.files.first)
        #expect(first.status == .added && first.markers == ["manage.py"])
        #expect(try walk.nextChange() == nil)
    }

    /// 5,000 commits with the file renamed in commit 1,500 (3,500 from the tip): following the old name from there
    /// goes on with a fresh reading of the trees.
    @Test func aLongHistoryWithARenameDeepInIt() throws {
        let repo = try FixtureRepository("path-follower-long")
        var stream = ""
        for index in 0..<5_000 {
            let message = "commit \(index)\n"
            stream += "commit refs/heads/main\nmark :\(index + 1)\ncommitter Dev <dev@example.com> \(1_782_864_000 + index * 60) +0000\n"
            stream += "data \(message.utf8.count)\n\(message)" + (index > 0 ? "from :\(index)\n" : "")
            let name = index < 1_500 ? "infra/old/main.tf" : "infra/new/main.tf"
            if index == 1_500 { stream += "D infra/old/main.tf\n" }
            let body = index % 37 == 0 || index == 1_500 ? "# version \(index / 37)\n" : nil
            if let body { stream += "M 100644 inline \(name)\ndata \(body.utf8.count)\n\(body)\n" }
            stream += "M 100644 inline src/mod\(index % 50)/file.ts\ndata 2\n\(index % 10)\n\n"
        }
        let imported = try Command.run("/usr/bin/env", ["git", "-C", repo.path, "fast-import", "--quiet"], input: Data(stream.utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        let repository = try Repository(path: repo.path)
        var walk = try FirstParentChanges(repository: repository, from: try repository.resolveBranch("main").tip, following: "infra/new/main.tf")
        var found = [String]()
        while let step = try walk.nextChange() {
            found.append(step.commit.id.hex)
            if step.files.first?.status == .added, walk.followedPath == "infra/new/main.tf" { walk.follow("infra/old/main.tf") }
        }
        func log(_ path: String, _ range: String) throws -> [String] {
            try repo.git(["log", "--first-parent", "--format=%H", range, "--", path]).split(separator: "\n").map(String.init)
        }
        let renamed = try repo.git(["rev-parse", "main~3499"]).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(found == (try log("infra/new/main.tf", "main")) + (try log("infra/old/main.tf", renamed + "~1")))
        #expect(found.count > 100)
    }

    private func blobID(_ repo: FixtureRepository, _ commit: String, _ path: String) throws -> String? {
        let listing = try repo.git(["ls-tree", commit, "--", path]).trimmingCharacters(in: .whitespacesAndNewlines)
        let fields = listing.split(whereSeparator: { $0 == " " || $0 == "\t" })
        return fields.count == 4 && fields[1] == "blob" ? String(fields[2]) : nil
    }
}
