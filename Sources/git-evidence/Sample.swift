import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence sample`: a reproducible random sample of a bundle's population.
struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Draw a reproducible random sample of a bundle's changes for testing in detail.",
        discussion: """
            Each change is ranked by SHA-256 of "SEED:COMMIT" and the smallest ranks are drawn, so anyone can draw the \
            same sample, with or without git-evidence (the commands are printed). The seed is the auditor's (--seed), \
            chosen after the bundle is made, so whoever made the bundle cannot steer the sample; --seed-from-bundle \
            uses the bundle's SHA256SUMS digest instead, for demonstrations, with a warning. The default size is the \
            whole population up to 25 changes, else 25. Nothing is written to the bundle. A bundle that does not \
            verify is refused (exit 1): with --key or --trusted-keys, every check of `verify`; without, SHA256SUMS \
            must be signed by the bundle's own signer.pub.pem (which shows the listing is as signed, not who signed it).
            """
    )

    @Argument(help: "The bundle folder.")
    var bundle: String

    @Option(help: "How many changes to draw (default: all up to 25, else 25).")
    var size: Int?

    @Option(help: "The auditor's seed: any line of text chosen after the bundle was made (a die roll, a public random value).")
    var seed: String?

    @Flag(help: "Use the SHA-256 of the bundle's SHA256SUMS as the seed (for demonstrations: the bundle's maker can steer it).")
    var seedFromBundle = false

    @Option(help: "The signer's trusted public key (PEM): the bundle must verify with it before it is sampled.")
    var key: String?

    @Option(help: "A folder of trusted public keys, as for verify.")
    var trustedKeys: String?

    @Flag(help: "Write the sample as JSON.")
    var json = false

    func validate() throws {
        if key != nil && trustedKeys != nil { throw ValidationError("give one of --key and --trusted-keys") }
        if seed != nil && seedFromBundle { throw ValidationError("give one of --seed and --seed-from-bundle") }
        if seed == nil && !seedFromBundle {
            throw ValidationError("--seed is required: the auditor chooses it after the bundle is made (--seed-from-bundle for a demonstration)")
        }
    }

    func run() throws {
        let trusted = try key.map { try TrustStore.load(keyFile: $0) } ?? trustedKeys.map { try TrustStore.load(folder: $0) }
        let (sample, selfChecked) = try AuditSample.draw(bundle: bundle, size: size, seed: seed.map { .auditor($0) } ?? .fromBundle, trusted: trusted)
        if seedFromBundle {
            FileHandle.standardError.write(Data(("warning: the seed is the bundle's own SHA256SUMS digest, which whoever made the bundle can steer "
                + "by re-exporting; an auditor's sample takes --seed\n").utf8))
        }
        if selfChecked {
            FileHandle.standardError.write(Data(("note: \(bundle): SHA256SUMS.sig checked against the bundle's own signer.pub.pem only; "
                + "pass --key or --trusted-keys to check it against a key you trust\n").utf8))
        }
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(sample), as: UTF8.self))
            return
        }
        print("sample of \(sample.changes.count) from \(sample.populationSize) changes in \(bundle)")
        print("seed: \(sample.seed)" + (sample.seedSource == "bundle" ? " (the bundle's SHA256SUMS digest)" : ""))
        print("method: \(sample.method)")
        print("reproduce, inside the bundle folder, with coreutils alone:\n  \(sample.commands)")
        for (index, sampled) in sample.changes.enumerated() {
            let change = sampled.change.change
            print("\n\(index + 1). \(change.commit.prefix(12))  \(change.committedAt)  \(change.subject)")
            if let pull = sampled.change.pullRequest {
                print("   \(pull.reference): \(pull.title) \(pull.url ?? "")")
                print("   approvers: \(pull.approvers.isEmpty ? "none that count" : pull.approvers.joined(separator: ", "))")
            } else {
                print("   no merged pull or merge request")
            }
            let failing = sampled.findings.filter { $0.status == .fail }
            print("   diff: \(BundleLayout.diff(of: change.commit)); \(sampled.findings.count) findings, \(failing.count) failing")
            for finding in failing {
                print("   \(Colour.fail("FAIL")) \(finding.control): \(finding.detail)")
            }
        }
    }
}
