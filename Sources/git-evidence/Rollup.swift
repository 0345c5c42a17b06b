import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence rollup`: verify many repositories' bundles and seal one answer per control across them.
struct Rollup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollup",
        abstract: "Verify every bundle, then write one signed roll-up: per repository its bundle digest, signer, verified or not and why, failing controls.",
        discussion: "Exit 0 when every bundle verified and no expected repository is missing; 1 when the roll-up was written and says otherwise; 2 unusable input."
    )

    @Argument(help: "The bundles: folders, .tar.gz archives, or s3://BUCKET/PREFIX/NAME locations.")
    var bundles: [String] = []

    @Option(help: "A file naming every repository that should have a bundle, one per line (as its manifest names it); those without one are listed as missing.")
    var expect: String?

    @Option(help: "A trusted public key (PEM) the bundles must be signed by.")
    var trustedKey: String?

    @Option(help: "A folder of trusted public keys (NAME.pem, with an optional NAME.yml giving not_before / not_after), as verify --trusted-keys takes it.")
    var trustedKeys: String?

    @Option(help: "The TSA root certificates (PEM) the bundles' RFC 3161 tokens must chain to.")
    var tsaRoots: String?

    @Flag(help: "Count a bundle as verified only when a token under --tsa-roots proves when it was signed.")
    var requireTimestamp = false

    @Option(help: "The roll-up's signing key: a PEM private key file, a PKCS #11 URI or an AWS KMS key (as export --key).")
    var key: String

    @Option(help: "An RFC 3161 time-stamping authority for the roll-up's signature (repeatable: tried in order).")
    var tsaUrl: [String] = []

    @Option(help: "Output folder; written beside it and renamed into place when complete.")
    var out: String

    @Option(help: "Time to record as generated_at (ISO 8601), for a byte-identical roll-up. Default: SOURCE_DATE_EPOCH if set, else now.")
    var asOf: String?

    @Option(help: "Report templates folder (rollup.html.mustache, rollup.md.mustache, controls.yml). Default: the installed evidence-templates.")
    var templates: String?

    @Flag(help: "Also write oscal/assessment-results.json: one OSCAL result per verified bundle, its findings citing that bundle's SHA256SUMS.")
    var oscal = false

    @OptionGroup var s3: S3Options

    @Flag(help: "Replace an existing output folder.")
    var force = false

    @Flag(help: "Write the roll-up record (rollup.json) on stdout.")
    var json = false

    func validate() throws {
        if bundles.isEmpty { throw ValidationError("give the bundles to roll up") }
        if (trustedKey == nil) == (trustedKeys == nil) {
            throw ValidationError("give the key the bundles must be signed by: --trusted-key PUB.pem or --trusted-keys DIR (one of them)")
        }
    }

    func run() throws {
        let trusted = try trustedKey.map { try TrustStore.load(keyFile: $0) } ?? TrustStore.load(folder: trustedKeys!)
        var request = RollupRequest(bundles: bundles, trusted: trusted, keyPath: key, output: out)
        request.expected = expect
        request.tsaRoots = try tsaRoots.map(readTSARoots)
        request.requireTimestamp = requireTimestamp
        request.tsaURLs = tsaUrl
        request.asOf = try generatedAt(asOf: asOf)
        request.templates = templates
        request.oscal = oscal
        request.force = force
        let options = s3
        request.s3 = { try options.client() }
        let (output, record) = try EvidenceRollup.run(request)
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(record), as: UTF8.self))
        } else {
            print("wrote \(output): \(record.counts.repositories) repositories, \(record.counts.verified) verified, "
                  + "\(record.counts.notVerified) not verified, \(record.counts.missing) missing")
            for entry in record.repositories where entry.status != .verified {
                print("  \(Colour.fail(entry.status == .missing ? "MISSING     " : "NOT VERIFIED"))  \(entry.name)"
                      + (entry.problems.first.map { ": " + $0 } ?? "") + (entry.problems.count > 1 ? " (and \(entry.problems.count - 1) more)" : ""))
            }
        }
        if record.counts.notVerified > 0 || record.counts.missing > 0 { throw ExitCode(1) }
    }
}
