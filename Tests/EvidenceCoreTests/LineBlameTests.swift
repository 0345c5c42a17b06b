import Foundation
@testable import EvidenceCore
import EvidenceTestSupport
import GitKit
import Testing

/// `why PATH:LINE` blames along the file's first-parent history itself; every line must name the commit
/// `git blame --first-parent` names, over a history of random edits (repeated and blank lines, so diffs are
/// ambiguous), merged side branches and an exact rename.
@Suite struct LineBlameTests {
    @Test func everyLineIsTheCommitGitBlameNames() throws {
        let repo = try FixtureRepository("line-blame")
        var random = SeededGenerator(seed: 42)
        let vocabulary = ["", "}", "resource \"aws_s3_bucket\" \"logs\" {", "  bucket = \"logs\"", "  tags = {}", "# note", "  count = 1"]
        var lines = (0..<12).map { _ in vocabulary.randomElement(using: &random)! }
        var path = "infra/old.tf"
        func write() throws { try repo.write(path, lines.map { $0 + "\n" }.joined()) }
        try write()
        try repo.commit("first", date: "2026-01-01T00:00:00Z")
        func edit(_ step: Int) {
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let at = Int.random(in: 0...lines.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0 where !lines.isEmpty && at < lines.count: lines.remove(at: at)
                case 1 where at < lines.count: lines[at] = vocabulary.randomElement(using: &random)! + (step % 2 == 0 ? "" : " # \(step)")
                default: lines.insert(vocabulary.randomElement(using: &random)!, at: at)
                }
            }
        }
        for step in 1...40 {
            let date = "2026-02-\(String(format: "%02d", 1 + step / 2))T\(String(format: "%02d", step % 24)):00:00Z"
            if step == 20 {
                try repo.move(path, "infra/main.tf")
                path = "infra/main.tf"
            } else if step % 7 == 0 {
                try repo.checkout("side-\(step)", from: "main")
                edit(step)
                try write()
                try repo.commit("side \(step)", date: date)
                try repo.checkout("main")
                try repo.merge("side-\(step)", message: "Merge side \(step)", date: date)
                continue
            } else if step % 5 == 0 {
                try repo.write("infra/other.tf", "# \(step)\n")
            } else {
                edit(step)
                try write()
            }
            try repo.commit("step \(step)", date: date)
        }

        let repository = try Repository(path: repo.path)
        let branch = try repository.resolveBranch("main")
        let query = try WhyQuery(repository: repository, branch: branch, config: .defaults, github: nil, ledgers: [])
        #expect(!lines.isEmpty)
        for line in 1...lines.count {
            let porcelain = try repo.git(["blame", "--first-parent", "--porcelain", "-L", "\(line),\(line)", "main", "--", path])
            let expected = String(porcelain.prefix(40))
            let answer = try query.answer(.path(path, line: line))
            #expect(answer.changes.map(\.commit) == [expected], "line \(line): \(lines[line - 1])")
        }
    }

    @Test func aLineIsPassedBackThroughTheHunksBeforeIt() {
        // 2 lines replaced by 3 at new lines 4-6, and 2 lines deleted after new line 9.
        let hunks = [LineHunk(oldStart: 4, oldLines: 2, newStart: 4, newLines: 3), LineHunk(oldStart: 10, oldLines: 2, newStart: 9, newLines: 0)]
        #expect(LineHunk.lineBefore(3, hunks: hunks) == 3)
        #expect(LineHunk.lineBefore(4, hunks: hunks) == nil)
        #expect(LineHunk.lineBefore(6, hunks: hunks) == nil)
        #expect(LineHunk.lineBefore(7, hunks: hunks) == 6)
        #expect(LineHunk.lineBefore(9, hunks: hunks) == 8)
        #expect(LineHunk.lineBefore(10, hunks: hunks) == 11, "after the deletion, two more lines before it")
        // Lines deleted at the very top: git gives a new start of 0.
        #expect(LineHunk.lineBefore(1, hunks: [LineHunk(oldStart: 1, oldLines: 2, newStart: 0, newLines: 0)]) == 3)
    }
}
