import EvidenceCrypto
import EvidenceErrors
import Foundation

/// What `git-evidence rollup` is asked to do.
public struct RollupRequest {
    /// Bundle folders, `.tar.gz` archives, or `s3://BUCKET/PREFIX/NAME` locations.
    public var bundles: [String]
    /// `--expect`: a file naming, one per line, every repository that should have a bundle.
    public var expected: String?
    /// The keys a member bundle must be signed by, as `verify` takes them.
    public var trusted: [TrustedKey]
    public var tsaRoots: [UInt8]?
    public var requireTimestamp = false
    /// The roll-up's own signing key, as `export --key` takes it.
    public var keyPath: String
    public var output: String
    public var force = false
    public var asOf: Int64?
    public var now = Int64(Date().timeIntervalSince1970)
    public var tsaURLs = [String]()
    public var templates: String?
    /// Also write `oscal/assessment-results.json` over every verified member's findings.
    public var oscal = false
    /// For `s3://` members; made only when one is given.
    public var s3: (() throws -> S3Client)?

    public init(bundles: [String], trusted: [TrustedKey], keyPath: String, output: String) {
        self.bundles = bundles
        self.trusted = trusted
        self.keyPath = keyPath
        self.output = output
    }
}

/// `rollup`: verifies every member bundle exactly as `verify` does, then writes one sealed roll-up naming, per
/// repository, its bundle's digest, signer, whether it verified and why not, and its failing controls; repositories
/// expected and not given are listed as missing. Nothing a member bundle says is believed unless it verified: an
/// unverified bundle contributes its claimed name and the reasons, never its findings.
public enum EvidenceRollup {
    public static func run(_ request: RollupRequest) throws -> (output: String, record: RollupRecord) {
        guard !request.bundles.isEmpty else { throw EvidenceError.invalidArgument(flag: "BUNDLE", value: "", reason: "give at least one bundle") }
        let environment = ProcessInfo.processInfo.environment
        let signer = try bundleSigner(key: request.keyPath, environment: environment)
        let identity = try signer.identity()
        let templates = try ReportTemplates.load(folder: request.templates)
        let report = try RollupReport.load(folder: templates.folder)
        let expected = try request.expected.map(expectedNames)
        let timestamper = request.tsaURLs.isEmpty ? nil : try RFC3161Timestamper(urls: request.tsaURLs)

        var repositories = [RollupRecord.Repository]()
        var assessed = [OSCALAssessment.Assessed]()
        let client = try request.bundles.contains(where: S3Location.isURI) ? request.s3?() : nil
        for given in request.bundles {
            let (entry, member) = try assess(given, request: request, client: client)
            repositories.append(entry)
            if let member { assessed.append(member) }
        }
        let present = Set(repositories.map(\.name))
        for name in expected ?? [] where !present.contains(name) {
            repositories.append(.init(name: name, status: .missing, bundle: nil, problems: ["no bundle was given for this expected repository"]))
        }
        repositories.sort { ($0.name, $0.bundle ?? "") < ($1.name, $1.bundle ?? "") }
        assessed.sort { ($0.manifest.repository.name, $0.location) < ($1.manifest.repository.name, $1.location) }

        let windows = Set(repositories.compactMap(\.window).map { $0.start + ".." + $0.end })
        let shared = windows.count == 1 ? repositories.compactMap(\.window).first : nil
        let latestEnd = repositories.compactMap(\.window).compactMap { Timestamp.parse($0.end) }.max()
        let generated = request.asOf ?? request.now
        let retainUntil = Manifest.retainUntil(windowEnd: max(latestEnd ?? generated, generated))
        let record = RollupRecord(generatedAt: Timestamp.iso8601UTC(generated), window: shared, retainUntil: Timestamp.iso8601UTC(retainUntil),
                                  signer: .init(keyID: identity.keyID, algorithm: identity.algorithm.rawValue, provenance: identity.provenance),
                                  expected: request.expected.map { URL(fileURLWithPath: $0).lastPathComponent }, repositories: repositories)

        var files = [String: [UInt8]]()
        let recordBytes = [UInt8](try BundleLayout.jsonEncoder.encode(record)) + [0x0a]
        files[RollupLayout.record] = recordBytes
        files[RollupLayout.table] = try RollupReport.csv(record)
        let instructions = VerifyInstructions.text(keyID: identity.keyID, algorithm: identity.algorithm, subject: .rollup)
        files[BundleLayout.instructions] = Array(instructions.utf8)
        files[BundleLayout.publicKey] = Array(identity.publicKeyPEM.utf8)
        let rendered = report.render(record, controls: templates.controls, verifyText: instructions)
        files[BundleLayout.reportHTML] = rendered.html
        files[BundleLayout.reportMarkdown] = rendered.markdown
        if request.oscal {
            files[RollupLayout.oscal] = try OSCALAssessment.document(title: "git-evidence assessment results: roll-up of \(record.counts.repositories) repositories",
                                                                     time: record.generatedAt ?? "", assessed: assessed, controls: templates.controls)
        }
        let summary = record.summary(recordSHA256: try SHA256.hash(recordBytes).hex)
        let sealed = try BundleSealing.seal(files, copies: [:], signer: signer, timestamper: timestamper,
                                            statement: { RollupStatement(subject: $0, predicateType: RollupSummary.predicateType, predicate: summary) })
        let staged = try StagedFolder(target: request.output, replacing: request.force)
        do {
            for path in BundleLayout.sorted(sealed.keys) { try staged.write(path, sealed[path]!) }
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
        return (staged.target, record)
    }

    /// The repository names of an `--expect` file: one per line; blank lines and `#` comments are skipped.
    static func expectedNames(_ path: String) throws -> [String] {
        let text = String(decoding: try readInput(path), as: UTF8.self)
        var names = [String]()
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let name = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            guard !name.isEmpty else { continue }
            guard !name.contains(where: { $0.isWhitespace }) else {
                throw EvidenceError.malformed(file: path, location: "line \(number + 1)", reason: "a repository name holds no spaces")
            }
            names.append(name)
        }
        return names
    }

    /// One member: verified as `verify` would (a `.tar.gz` or a bucket's copy unpacked privately first), then read.
    static func assess(_ given: String, request: RollupRequest, client: S3Client?) throws -> (RollupRecord.Repository, OSCALAssessment.Assessed?) {
        // A path that names nothing is a typo, not a bundle that failed to verify.
        if !S3Location.isURI(given) && !FileManager.default.fileExists(atPath: given) {
            throw EvidenceError.unreadable(file: given, reason: "no such bundle (a folder, a .tar.gz or an s3:// location)")
        }
        var cleanup: (() -> Void)?
        defer { cleanup?() }
        let folder: String
        do {
            if S3Location.isURI(given) {
                guard let client else { throw EvidenceError.invalidArgument(flag: "BUNDLE", value: given, reason: "no S3 client for an s3:// bundle") }
                let location = try S3Location(given, flag: "BUNDLE")
                let copy = try ScratchBundle(named: URL(fileURLWithPath: location.prefix).lastPathComponent)
                cleanup = copy.remove
                _ = try BundleArchive.download(location, client: client, into: copy)
                folder = copy.folder
            } else if BundleTarball.isTarball(given) {
                let unpacked = try BundleTarball(unpacking: given)
                cleanup = unpacked.remove
                folder = unpacked.folder
            } else {
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: given, isDirectory: &isFolder), isFolder.boolValue else {
                    throw EvidenceError.unreadable(file: given, reason: "not a bundle folder, .tar.gz or s3:// location")
                }
                folder = given
            }
        } catch let error as any ReportableError {
            // A member that cannot even be opened (an archive that is not one, a bucket that refuses) did not verify.
            return (.init(name: given, status: .notVerified, bundle: given, problems: ["unreadable: \(error.description)"]), nil)
        }
        var verification = VerificationRequest(bundle: folder, trusted: request.trusted)
        verification.tsaRoots = request.tsaRoots
        verification.requireTimestamp = request.requireTimestamp
        let report = try BundleVerifier.verify(verification)
        let reader = BundleReader(folder: folder)
        let manifest = try? reader.manifest()
        let digest = try? BundleLayout.sumsDigest(ofBundle: folder)
        let name = manifest?.repository.name ?? given
        guard report.verified, let manifest, let digest else {
            let problems = report.checks.filter { !$0.passed }.map { "\($0.name): \($0.detail)" }
            return (.init(name: name, status: .notVerified, bundle: given, branch: manifest?.repository.branch, window: manifest?.window,
                          head: manifest?.repository.head, sha256sums: digest, signerKeyID: manifest?.signer.keyID,
                          problems: problems.isEmpty ? ["not an evidence bundle"] : problems), nil)
        }
        let findings = try BundleReader.findings(from: try readInputBytes(folder + "/" + BundleLayout.findings), file: given + "/" + BundleLayout.findings)
        let failing = Dictionary(grouping: findings.filter { $0.status == .fail }, by: \.control).mapValues(\.count)
        let entry = RollupRecord.Repository(name: name, status: .verified, bundle: given, branch: manifest.repository.branch, window: manifest.window,
                                            head: manifest.repository.head, sha256sums: digest, signerKeyID: manifest.signer.keyID,
                                            findings: Dictionary(grouping: findings, by: \.status.rawValue).mapValues(\.count), failingControls: failing)
        return (entry, OSCALAssessment.Assessed(manifest: manifest, findings: findings, sumsDigest: digest, location: given))
    }
}
