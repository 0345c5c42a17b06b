import EvidenceTestSupport
import Foundation
import Testing

/// Progress on stderr only when it is a terminal, never with --quiet.
@Suite struct ProgressTests {
    /// 4,500 first-parent commits, one migration change among them (fast-import, fixed dates).
    static let repository = Result { () throws -> String in
        let repo = try FixtureRepository("progress")
        var stream = ""
        for index in 0..<4_500 {
            let time = 1_782_864_000 + index * 60
            let message = "commit \(index)\n"
            stream += "commit refs/heads/main\nmark :\(index + 1)\ncommitter Dev <dev@example.com> \(time) +0000\ndata \(message.utf8.count)\n\(message)"
            if index > 0 { stream += "from :\(index)\n" }
            let body = index == 4_000 ? "CREATE TABLE t (id int);\n" : "\(index)\n"
            stream += "M 100644 inline \(index == 4_000 ? "drizzle/0001_t.sql" : "src/counter.txt")\ndata \(body.utf8.count)\n\(body)\n"
        }
        let result = try Command.run("/usr/bin/env", ["git", "-C", repo.path, "fast-import", "--quiet"], input: Data(stream.utf8))
        guard result.status == 0 else { throw FixtureError.commandFailed(result.stderr) }
        return repo.path
    }

    /// Runs the binary under `script`, so its stderr is a terminal; stdout goes to a file. Returns what the terminal saw.
    func onATerminal(_ arguments: [String]) throws -> String {
        let folder = try TemporaryFolder.make("pty")
        let command = ([Binary.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + " > '\(folder)/stdout'"
        let result = try Command.run("/usr/bin/script", ["-qec", command, folder + "/typescript"])
        #expect(result.status == 0, "\(result.stdout)")
        return try String(contentsOfFile: folder + "/typescript", encoding: .utf8)
    }

    @Test func longWalksShowProgressOnATerminalOnly() throws {
        let repo = try Self.repository.get()
        let terminal = try onATerminal(["changes", "--repo", repo, "--json"])
        #expect(terminal.contains("\rgit-evidence: reading the branch's history: 4000 commits"))
        #expect(!(try onATerminal(["changes", "--repo", repo, "--json", "--quiet"])).contains("git-evidence:"))
        let piped = try Binary.run(["changes", "--repo", repo, "--json"])
        #expect(piped.status == 0 && piped.stderr.isEmpty, "no progress into a pipe")
        #expect(piped.stdout.split(separator: "\n").count == 1)
        let why = try onATerminal(["why", "--repo", repo, "--grep", "CREATE TABLE t"])
        #expect(why.contains("\rgit-evidence: searching every version: 4000 commits"))
    }
}
