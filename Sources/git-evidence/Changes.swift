import ArgumentParser
import EvidenceCore

/// `git-evidence changes`: the population of migration and infrastructure changes.
struct Changes: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the changes that touch migrations or infrastructure, newest first."
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var window: WindowOptions

    @Flag(help: "Write JSON Lines, one change per line.")
    var json = false

    func run() throws {
        let (repo, branch, settings) = try repository.open()
        let auditWindow = try window.resolve()
        let collector = ChangeCollector(repository: repo, classifier: settings.classifier)
        try collector.collect(branch: branch, window: auditWindow) { change in
            print(json ? try change.jsonLine() : change.textLine())
        }
    }
}
