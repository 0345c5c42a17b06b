import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence archive`: a bundle into a write-once S3 Object Lock bucket.
struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "Upload a bundle to an S3 Object Lock bucket, locked until its retain_until, and write a receipt beside it.",
        discussion: "Exit 0 archived (BUNDLE.archive-receipt.json written), 1 an upload or read-back failed (named; run again to resume), 2 unusable input."
    )

    @Argument(help: "The bundle folder.")
    var bundle: String

    @Option(help: "Where: s3://BUCKET/PREFIX (the bundle goes under PREFIX/<bundle name>/).")
    var to: String

    @OptionGroup var s3: S3Options

    @Option(help: "The Object Lock mode: compliance (default; nobody can shorten it) or governance.")
    var mode: String = "compliance"

    @Flag(help: "Write the receipt to stdout as JSON.")
    var json = false

    func validate() throws {
        guard ["compliance", "governance"].contains(mode.lowercased()) else { throw ValidationError("--mode is compliance or governance") }
    }

    func run() throws {
        let location = try S3Location(to, flag: "--to")
        let receipt = try BundleArchive.run(bundle: bundle, to: location, client: try s3.client(), mode: mode.uppercased())
        if json {
            print(String(decoding: try BundleLayout.jsonEncoder.encode(receipt), as: UTF8.self))
        } else {
            print("archived \(receipt.objects.count) objects to s3://\(location.bucket)/\(location.key(receipt.bundle))/, \(receipt.mode) until \(receipt.retainUntil); "
                  + "receipt: \(BundleArchive.receiptPath(beside: bundle))")
        }
    }
}

/// `--endpoint-url` and `--region` for S3; credentials from the AWS environment or profile.
struct S3Options: ParsableArguments {
    @Option(help: "An S3-compatible endpoint (path-style addressing), e.g. http://127.0.0.1:9000.")
    var endpointUrl: String?

    @Option(help: "The bucket's region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's).")
    var region: String?

    func client() throws -> S3Client {
        try S3Client(endpoint: endpointUrl, region: region, environment: ProcessInfo.processInfo.environment)
    }
}
