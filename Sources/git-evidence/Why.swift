import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence why`: when, why and by whom a migration or Terraform file changed, and whether it ran.
struct Why: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "When, why and by whom a migration or Terraform file changed, when it ran, and whether it can be reverted.",
        discussion: "PATH:LINE narrows to the change that last touched that line (blame along the first-parent history). Exit 1 when nothing is found."
    )

    @OptionGroup var repository: RepositoryOptions

    @Argument(help: "A migration or Terraform file, or PATH:LINE.")
    var path: String?

    @Option(help: "Find the migration or Terraform file TEXT was first added to, then every change that adds or removes it (as git log -S counts; Drizzle's meta/ snapshots are not searched).")
    var grep: String?

    @Flag(name: [.customShort("p"), .long], help: "Print each change's diff of its migration and Terraform files.")
    var patch = false

    @OptionGroup var window: WindowOptions

    @Option(help: "Folder of GitHub REST exports, for pull requests, approvals and checks.")
    var github: String?

    @Option(help: "Folder of GitLab REST exports (merge_requests.json, merge_requests/N/approvals.json, ...), instead of --github.")
    var gitlab: String?

    @OptionGroup var ledgers: LedgerOptions
    @OptionGroup var progress: ProgressOptions

    @Flag(help: "Write the answer as JSON.")
    var json = false

    func validate() throws {
        if (path == nil) == (grep == nil) { throw ValidationError("give a PATH (or PATH:LINE), or --grep TEXT") }
        if github != nil && gitlab != nil { throw ValidationError("give --github or --gitlab, not both") }
        if case .path(let file, _) = target, file.isEmpty || file.hasSuffix("/") {
            throw ValidationError("PATH '\(path ?? "")' names no file")
        }
    }

    /// `db/x.sql:12` → (`db/x.sql`, 12); a path whose last `:` is not followed by a number is a path.
    var target: WhyTarget {
        if let grep { return .grep(grep) }
        let path = path!
        if let colon = path.lastIndex(of: ":"), let line = Int(path[path.index(after: colon)...]) {
            return .path(String(path[..<colon]), line: line)
        }
        return .path(path, line: nil)
    }

    func run() throws {
        let (repo, branch, config) = try repository.open()
        let query = try WhyQuery(repository: repo, branch: branch, config: config, github: github, gitlab: gitlab,
                                 ledgers: try LedgerLoader.load(try ledgers.sources()), window: try window.resolve(), patches: patch,
                                 progress: progress.reporter)
        let answer = try query.answer(target)
        progress.finish()
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(answer), as: UTF8.self))
        } else {
            print(answer.text(branch: branch.shortName))
        }
        // The process ends here, and the system takes libgit2's caches back at once: freeing them one by one (the
        // pack's delta bases) was a twentieth of a short `why`. git leaves them to the exit too (UNLEAK).
        _ = Unmanaged.passRetained(repo)
        // Nothing found is an answer, and exit 1 says so to a script.
        if answer.changes.isEmpty { throw ExitCode(1) }
    }
}
