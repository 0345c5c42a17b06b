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
            size is the whole population up to 25 changes, else 25. A bundle that does not verify is refused (exit 1): \
            with --key or --trusted-keys, every check of `verify`; without, SHA256SUMS must be signed by the bundle's \
            own signer.pub.pem (which shows the listing is as signed, not who signed it).
            """
    )

    @Argument(help: "The bundle folder.")
    var bundle: String

    @Option(help: "How many changes to draw (default: all up to 25, else 25).")
    var size: Int?

    @Option(help: "The seed (default: the SHA-256 of the bundle's SHA256SUMS).")
    var seed: String?

    @Option(help: "The signer's trusted public key (PEM): the bundle must verify with it before it is sampled.")
    var key: String?

    @Option(help: "A folder of trusted public keys, as for verify.")
    var trustedKeys: String?

    @Flag(help: "Write the sample as JSON.")
    var json = false

    func validate() throws {
        if key != nil && trustedKeys != nil { throw ValidationError("give one of --key and --trusted-keys") }
    }

    func run() throws {
        let trusted = try key.map { try TrustStore.load(keyFile: $0) } ?? trustedKeys.map { try TrustStore.load(folder: $0) }
        let (sample, selfChecked) = try AuditSample.draw(bundle: bundle, size: size, seed: seed, trusted: trusted)
        if selfChecked {
            FileHandle.standardError.write(Data(("note: \(bundle): SHA256SUMS.sig checked against the bundle's own signer.pub.pem only; "
                + "pass --key or --trusted-keys to check it against a key you trust\n").utf8))
        }
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
