import ArgumentParser
import EvidenceCore
import EvidenceErrors
import Foundation

/// `git-evidence verify`: check a bundle offline.
struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle offline: files, signature by a trusted key, attestation, manifest; optionally the chain and the repository.",
        discussion: "Exit 0 verified, 1 not verified (each failed check is named), 2 unusable input."
    )

    @Argument(help: "The bundle folder, or s3://BUCKET/PREFIX/NAME where `archive` put it.")
    var bundle: String

    @Option(help: "The signer's trusted public key (PEM).")
    var key: String?

    @Option(help: "A folder of trusted public keys (NAME.pem, with an optional NAME.yml giving not_before / not_after).")
    var trustedKeys: String?

    @Option(help: "The previous bundle: check that this one chains to it.")
    var previous: String?

    @Option(help: "The repository: re-derive the population and findings from it and the bundle's inputs, and compare.")
    var repo: String?

    @OptionGroup var s3: S3Options

    @Flag(help: "With s3://: also fail unless every object is locked in COMPLIANCE mode until the manifest's retain_until.")
    var checkRetention = false

    @Option(help: "With s3://: read exactly the object versions this archive receipt names (BUNDLE.archive-receipt.json).")
    var receipt: String?

    @Option(help: "The TSA root certificates (PEM) an RFC 3161 token must chain to; the key is then judged at the token's time.")
    var tsaRoots: String?

    @Flag(help: "Fail unless a token verified under --tsa-roots proves when the bundle was signed.")
    var requireTimestamp = false

    @Flag(help: "Fetch the bundle's pull request reviews, commits and checks again from GitHub (--github-repo, your own token in GITHUB_TOKEN) and fail on every difference.")
    var recollect = false

    @OptionGroup var live: GitHubOptions

    @Flag(help: "Write the checks as JSON.")
    var json = false

    func validate() throws {
        if (key == nil) == (trustedKeys == nil) {
            throw ValidationError("give the trusted key: --key PUB.pem or --trusted-keys DIR (one of them)")
        }
        if recollect != (live.githubRepo != nil) {
            throw ValidationError(recollect ? "--recollect needs --github-repo OWNER/NAME: the repository to fetch the evidence from again"
                                            : "--github-repo is for --recollect: fetch the bundle's evidence again and compare")
        }
    }

    func run() throws {
        do { try verify() } catch let error as any ReportableError where json && error.exitCode == 2 {
            // Unusable input still answers in JSON on stdout; the one-line error goes to stderr as always.
            struct Unusable: Encodable { let bundle: String; let verified = false; let error: String; let exit_code: Int32 }
            print(String(decoding: try BundleLayout.jsonEncoder.encode(Unusable(bundle: bundle, error: error.description, exit_code: error.exitCode)), as: UTF8.self))
            throw error
        }
    }

    private func verify() throws {
        let trusted = try key.map { try TrustStore.load(keyFile: $0) } ?? TrustStore.load(folder: trustedKeys!)
        if let key, BundleVerifier.keyIsFromBundle(keyFile: key, bundle: bundle) {
            FileHandle.standardError.write(Data(("warning: \(key) is inside the bundle: trusting the key a bundle carries proves only that it agrees "
                + "with itself, not who signed it; give your own trusted copy of the signer's key\n").utf8))
        }
        var request = VerificationRequest(bundle: bundle, trusted: trusted, previous: previous, repository: repo, recollect: try live.request())
        request.tsaRoots = try tsaRoots.map(readTSARoots)
        request.requireTimestamp = requireTimestamp
        let report: VerificationReport
        if S3Location.isURI(bundle) {
            report = try BundleArchive.verify(try S3Location(bundle, flag: "BUNDLE"), client: try s3.client(), request: request,
                                              receipt: receipt, checkRetention: checkRetention)
        } else {
            if checkRetention || receipt != nil { throw ValidationError("--check-retention and --receipt are for a bundle in a bucket (s3://...)") }
            report = BundleTarball.isTarball(bundle) ? try BundleTarball.verify(bundle, request: request) : try BundleVerifier.verify(request)
        }
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(report), as: UTF8.self))
        } else {
            print(report.verified ? Colour.pass("verified:") + " \(bundle)" : Colour.fail("NOT VERIFIED:") + " \(bundle)")
            for check in report.checks {
                print("  \(check.passed ? Colour.pass("ok  ") : Colour.fail("FAIL"))  \(check.name): \(check.detail)")
            }
        }
        if !report.verified { throw ExitCode(1) }
    }
}
