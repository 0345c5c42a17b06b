import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence changes`: the population of migration and infrastructure changes.
struct Changes: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "changes",
        abstract: "List the changes that touch migrations or infrastructure, newest first."
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var progress: ProgressOptions

    @Flag(help: "Write JSON Lines, one change per line.")
    var json = false

    func run() throws {
        let (repo, branch, settings) = try repository.open()
        let auditWindow = try window.resolve()
        let collector = ChangeCollector(repository: repo, classifier: settings.classifier)
        // The list goes to stdout as it is found; a progress line on the same terminal would run into it.
        let reporter = isatty(STDOUT_FILENO) == 1 ? nil : progress.reporter
        defer { if reporter != nil { progress.finish() } }
        try collector.collect(branch: branch, window: auditWindow, progress: reporter) { change in
            print(json ? try change.jsonLine() : change.textLine())
        }
    }
}
