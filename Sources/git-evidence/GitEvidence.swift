import ArgumentParser
import EvidenceCore
import EvidenceErrors
import Foundation

/// The root command. `git evidence <command>` works too, as git runs `git-evidence` for it.
struct GitEvidence: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "git-evidence",
        abstract: "Turn a repository's history into signed audit evidence for SOC 2 CC8.1 and HIPAA.",
        version: toolVersion,
        subcommands: [Changes.self, Collect.self, Export.self, Archive.self, Verify.self, Rollup.self, Org.self, Sample.self, Why.self, Keygen.self, Rules.self]
    )
}

/// Runs the command line and maps every failure to the product's exit codes: 0 ok, 1 where a command says so,
/// 2 for unusable input (bad flags included), each with a one-line message on stderr.
@main
enum Main {
    static func main() {
        // A file-size limit (ulimit -f) must fail a write with EFBIG, which export reports and cleans up after, not
        // kill the process half-way with SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try GitEvidence.parseAsRoot()
            try command.run()
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            let code = GitEvidence.exitCode(for: error)
            if code == .success {
                print(GitEvidence.fullMessage(for: error))  // --help, --version
                Foundation.exit(0)
            }
            // Our own errors name the file or flag; a flag the parser rejects gets a pointer to --help.
            if let error = error as? any ReportableError {
                FileHandle.standardError.write(Data("git-evidence: error: \(error.description)\n".utf8))
                Foundation.exit(error.exitCode)
            }
            let line = GitEvidence.message(for: error) + (code == .validationFailure ? " (see git-evidence --help)" : "")
            FileHandle.standardError.write(Data("git-evidence: error: \(line)\n".utf8))
            Foundation.exit(2)
        }
    }
}
