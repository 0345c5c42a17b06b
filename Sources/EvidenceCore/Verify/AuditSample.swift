import EvidenceCrypto

/// One sampled change: its record of `changes.jsonl` and its findings, with the rank that chose it.
public struct SampledChange: Codable, Sendable {
    /// `SHA-256("<seed>:<commit>")` in hex: the sample is the changes with the smallest ranks.
    public let rank: String
    /// The change as `changes.jsonl` holds it.
    public let change: EvidenceRecord
    /// The findings about this change, as `findings.json` holds them.
    public let findings: [Finding]

    public var commit: String { change.change.commit }
}

/// A reproducible random sample of a bundle's population for an auditor's tests of detail.
///
/// Each change is ranked by the SHA-256 of `<seed>:<commit>` and the sample is the `size` smallest ranks, so
/// anyone can re-draw it without git-evidence (`printf '%s:%s' SEED COMMIT | sha256sum` per change, sort, take
/// the first N). The default seed is the SHA-256 of the bundle's SHA256SUMS — fixed by the bundle, not chosen by whoever
/// draws — and the default size follows common SOC 2 practice for a change population: all of it up to 25, else 25.
public struct AuditSample: Codable, Sendable {
    public static let defaultSize = 25

    public let bundle: String
    public let seed: String
    public let populationSize: Int
    public let changes: [SampledChange]

    enum CodingKeys: String, CodingKey {
        case bundle, seed
        case populationSize = "population"
        case changes = "sample"
    }

    /// Draws from `bundle`, refusing one that does not verify: with `trusted` keys, the whole of `verify`; without
    /// them, SHA256SUMS must carry a signature by the bundle's own `signer.pub.pem` (which proves the listing was not
    /// edited after signing, not who signed: `selfChecked` says so). Either way the files read must match it.
    public static func draw(bundle: String, size: Int?, seed: String?, trusted: [TrustedKey]?) throws -> (sample: AuditSample, selfChecked: Bool) {
        if let size, size < 1 { throw EvidenceError.invalidArgument(flag: "--size", value: String(size), reason: "expected 1 or more") }
        let listing = try signedListing(bundle, trusted: trusted)
        let seed = try seed ?? SHA256.hash(listing.sums).hex
        let records = try BundleReader.changes(from: try listing.file(BundleLayout.changes), file: bundle + "/" + BundleLayout.changes)
        let all = try BundleReader.findings(from: try listing.file(BundleLayout.findings), file: bundle + "/" + BundleLayout.findings)
        let findings = Dictionary(grouping: all.filter { $0.change != nil }, by: { $0.change! })
        let ranked = try records.map { record -> SampledChange in
            let commit = record.change.commit
            return SampledChange(rank: try SHA256.hash(Array("\(seed):\(commit)".utf8)).hex, change: record, findings: findings[commit] ?? [])
        }.sorted { $0.rank < $1.rank }
        let count = min(size ?? defaultSize, ranked.count)
        return (AuditSample(bundle: bundle, seed: seed, populationSize: ranked.count, changes: Array(ranked.prefix(count))), trusted == nil)
    }

    /// SHA256SUMS of a bundle that verifies (see `draw`), to read files through. A sample of an altered or
    /// unsigned population is no evidence.
    private static func signedListing(_ bundle: String, trusted: [TrustedKey]?) throws -> SignedListing {
        if let trusted {
            let report = try BundleVerifier.verify(VerificationRequest(bundle: bundle, trusted: trusted))
            let failed = report.checks.filter { !$0.passed }
            guard failed.isEmpty else {
                throw EvidenceError.notVerified(bundle: bundle, failed: failed.map { "\($0.name): \($0.detail)" }.joined(separator: "; "))
            }
        }
        let tree = BundleTree(root: bundle)
        guard let sums = tree.read(BundleLayout.sums) else { throw EvidenceError.notVerified(bundle: bundle, failed: "SHA256SUMS is missing") }
        if trusted == nil {
            guard let signature = tree.read(BundleLayout.signature) else {
                throw EvidenceError.notVerified(bundle: bundle, failed: "SHA256SUMS.sig is missing: the population is not signed")
            }
            guard let pem = tree.read(BundleLayout.publicKey) else {
                throw EvidenceError.notVerified(bundle: bundle, failed: "signer.pub.pem is missing; give the signer's key with --key")
            }
            let key = try PublicKey(pem: pem, source: bundle + "/" + BundleLayout.publicKey)
            guard try key.verify(signature, over: sums) else {
                throw EvidenceError.notVerified(bundle: bundle, failed: "SHA256SUMS.sig does not verify with the bundle's signer.pub.pem")
            }
        }
        let listing = SumsListing(sums)
        guard listing.problems.isEmpty else { throw EvidenceError.notVerified(bundle: bundle, failed: BundleVerifier.bounded(listing.problems)) }
        return SignedListing(bundle: bundle, tree: tree, sums: sums, listing: listing)
    }

    /// Reads bundle files only when they match their SHA256SUMS line, compared by name as bytes.
    private struct SignedListing {
        let bundle: String
        let tree: BundleTree
        let sums: [UInt8]
        let listing: SumsListing

        func file(_ name: String) throws -> [UInt8] {
            guard let entry = listing.entries.first(where: { Array($0.path.utf8) == Array(name.utf8) }) else {
                throw EvidenceError.notVerified(bundle: bundle, failed: "SHA256SUMS does not list \(name)")
            }
            guard let bytes = tree.read(name), try SHA256.hash(bytes).hex == entry.digest else {
                throw EvidenceError.notVerified(bundle: bundle, failed: "\(name) does not match SHA256SUMS")
            }
            return bytes
        }
    }
}
