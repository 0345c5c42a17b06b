import EvidenceTestSupport
import Foundation
import Testing

/// Every file of the review and ledger scenario bundles against golden copies, so that moving code between stages
/// cannot change one byte of the evidence unnoticed. The export runs inside a folder of its own whose entries are
/// links to the scenario's repository, GitHub export and ledgers, and a copy of the templates, all named by
/// relative paths: the manifest (which records where each input was read from) and so SHA256SUMS are the same on
/// every machine. `UPDATE_GOLDEN=1` rewrites the golden files; a mismatch prints `diff -u`.
@Suite struct BundleGoldenTests {
    static let files = ["changes.jsonl", "changes.csv", "findings.json", "manifest.json", "report.md", "report.html", "SHA256SUMS"]

    /// Exports `window` of the scenario laid out in a fresh folder; returns the bundle's folder.
    static func export(repository: String, github: String, ledgers: [String: String] = [:]) throws -> String {
        let folder = try TemporaryFolder.make("golden-bundle")
        let manager = FileManager.default
        try manager.createSymbolicLink(atPath: folder + "/repo", withDestinationPath: repository)
        try manager.createSymbolicLink(atPath: folder + "/github", withDestinationPath: github)
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try manager.copyItem(atPath: checkout.appendingPathComponent("evidence-templates").path, toPath: folder + "/templates")
        var arguments = ["export", "--repo", "repo", "--window", "2026-Q3", "--github", "github", "--key", "signing.key.pem",
                         "--out", "evidence", "--as-of", "2026-10-01T08:00:00Z", "--templates", "templates"]
        if !ledgers.isEmpty {
            try manager.createDirectory(atPath: folder + "/ledgers", withIntermediateDirectories: true)
            for (kind, file) in ledgers.sorted(by: { $0.key < $1.key }) {
                let name = "ledgers/" + URL(fileURLWithPath: file).lastPathComponent
                try manager.createSymbolicLink(atPath: folder + "/" + name, withDestinationPath: file)
                arguments += ["--ledger", kind + ":" + name]
            }
        }
        try Data(ReportTests.fixedKey.utf8).write(to: URL(fileURLWithPath: folder + "/signing.key.pem"))
        #expect(chmod(folder + "/signing.key.pem", 0o600) == 0)
        let result = try Command.run(Binary.path, arguments, currentDirectory: folder)
        #expect(result.status == 0, "\(result.stderr)")
        return folder + "/evidence"
    }

    static func expectGoldenBundle(_ bundle: String, _ name: String) throws {
        for file in files {
            let text = try String(contentsOfFile: bundle + "/" + file, encoding: .utf8)
            try ReportTests.expectGolden(text, name + "/" + file)
        }
    }

    @Test func theReviewScenarioBundleMatchesItsGoldenFiles() throws {
        let scenario = try ReviewScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder)
        try Self.expectGoldenBundle(bundle, "review-bundle")
    }

    @Test func theLedgerScenarioBundleMatchesItsGoldenFiles() throws {
        let scenario = try LedgerScenario.shared.get()
        let bundle = try Self.export(repository: scenario.repository.path, github: scenario.github.folder, ledgers: scenario.ledgers)
        try Self.expectGoldenBundle(bundle, "ledger-bundle")
    }
}
