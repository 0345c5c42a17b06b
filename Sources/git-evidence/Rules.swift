import ArgumentParser
import EvidenceCore

/// `git-evidence rules`: the classification rules in force and where they came from.
struct Rules: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Show which paths count as migrations, infrastructure or the deploy pipeline, and where the settings came from."
    )

    @OptionGroup var repository: RepositoryOptions

    @Flag(help: "Write the rules as JSON.")
    var json = false

    func run() throws {
        let (_, _, settings) = try repository.open()
        let classifier = settings.classifier
        if json {
            let rules: [String: [String]] = [
                "settings": [settings.source], "migrations": classifier.migrationRules.map(\.description),
                "never_migrations": PathClassifier.neverMigrations.map(\.description),
                "infrastructure": classifier.infrastructureRules.map(\.description), "pipeline": classifier.pipelineRules.map(\.description),
                "ignore": classifier.ignored.map(\.description),
            ]
            print(String(decoding: try BundleLayout.jsonEncoder.encode(rules), as: UTF8.self))
            return
        }
        print("settings: \(settings.source)")
        print("migrations:")
        classifier.migrationRules.forEach { print("  \($0)") }
        print("never migrations, wherever they sit:")
        PathClassifier.neverMigrations.forEach { print("  \($0)") }
        print("infrastructure:")
        classifier.infrastructureRules.forEach { print("  \($0)") }
        print("pipeline (how changes reach production):")
        classifier.pipelineRules.forEach { print("  \($0)") }
        if !classifier.ignored.isEmpty {
            print("ignore:")
            classifier.ignored.forEach { print("  \($0)") }
        }
    }
}
