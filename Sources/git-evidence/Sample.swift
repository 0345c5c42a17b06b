import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence sample`: a reproducible random sample of a bundle's population.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw a reproducible random sample of a bundle's changes for testing in detail.",
        discussion: """
            Each change is ranked by SHA-256 of "SEED:COMMIT" and the smallest ranks are drawn, so anyone can draw the \
            same sample, with or without git-evidence. The default seed is the bundle's SHA256SUMS digest; the default \
            size is the whole population up to 25 changes, else 25.
            """
    )

    @Argument(help: "The bundle folder.")
    var bundle: String

    @Option(help: "How many changes to draw (default: all up to 25, else 25).")
    var size: Int?

    @Option(help: "The seed (default: the SHA-256 of the bundle's SHA256SUMS).")
    var seed: String?

    @Flag(help: "Write the sample as JSON.")
    var json = false

    func run() throws {
        let sample = try AuditSample.draw(bundle: bundle, size: size, seed: seed)
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(sample), as: UTF8.self))
            return
        }
        print("sample of \(sample.changes.count) from \(sample.populationSize) changes in \(bundle) (seed \(sample.seed))")
        for (index, sampled) in sample.changes.enumerated() {
            let change = sampled.change.change
            print("\n\(index + 1). \(change.commit.prefix(12))  \(change.committedAt)  \(change.subject)")
            if let pull = sampled.change.pullRequest {
                print("   pull request #\(pull.number): \(pull.title) \(pull.url ?? "")")
                print("   approvers: \(pull.approvers.isEmpty ? "none that count" : pull.approvers.joined(separator: ", "))")
            } else {
                print("   no merged pull request")
            }
            let failing = sampled.findings.filter { $0.status == .fail }
            print("   diff: \(BundleLayout.diff(of: change.commit)); \(sampled.findings.count) findings, \(failing.count) failing")
            for finding in failing {
                print("   FAIL \(finding.control): \(finding.detail)")
            }
        }
    }
}
