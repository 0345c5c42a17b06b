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
/// anyone can re-draw it without git-evidence (`commands` prints the `sha256sum`/`sort` pipeline). The seed is the
/// auditor's, chosen after the bundle is made, so whoever made the bundle cannot steer which changes are drawn
/// (a seed fixed by the bundle, such as its SHA256SUMS digest, changes with any harmless re-export option, and
/// the exporter can re-export until the sample suits). The size follows common SOC 2 practice for a change
/// population: all of it up to 25, else 25. Nothing is written to the bundle.
public struct AuditSample: Codable, Sendable {
    public static let defaultSize = 25

    /// Where the seed came from.
    public enum Seed: Sendable {
        /// The auditor's own (`--seed`).
        case auditor(String)
        /// The SHA-256 of the bundle's SHA256SUMS (`--seed-from-bundle`): fixed by the bundle, so steerable by
        /// whoever made it; for demonstrations.
        case fromBundle
    }

    public let bundle: String
    public let seed: String
    /// `auditor` or `bundle` (the SHA256SUMS digest).
    public let seedSource: String
    public let populationSize: Int
    public let method: String
    /// A POSIX shell pipeline, run inside the bundle folder with coreutils only, that prints the sampled commits.
    public let commands: String
    public let changes: [SampledChange]

    enum CodingKeys: String, CodingKey {
        case bundle, seed, method, commands
        case seedSource = "seed_source"
        case populationSize = "population"
        case changes = "sample"
    }

    /// Draws from `bundle`, refusing one that does not verify: with `trusted` keys, the whole of `verify`; without
    /// them, SHA256SUMS must carry a signature by the bundle's own `signer.pub.pem` (which proves the listing was not
    /// edited after signing, not who signed: `selfChecked` says so). Either way the files read must match it.
    /// A `.tar.gz` bundle (as `export --archive` writes it) is unpacked into a private folder first.
    public static func draw(bundle: String, size: Int?, seed: Seed, trusted: [TrustedKey]?) throws -> (sample: AuditSample, selfChecked: Bool) {
        if let size, size < 1 { throw EvidenceError.invalidArgument(flag: "--size", value: String(size), reason: "expected 1 or more") }
        if case .auditor(let text) = seed, text.isEmpty || text.contains(where: { $0.isNewline }) {
            throw EvidenceError.invalidArgument(flag: "--seed", value: text, reason: "expected one line of text")
        }
        guard BundleTarball.isTarball(bundle) else { return try draw(folder: bundle, shown: bundle, size: size, seed: seed, trusted: trusted) }
        let unpacked = try BundleTarball(unpacking: bundle)
        defer { unpacked.remove() }
        return try draw(folder: unpacked.folder, shown: bundle, size: size, seed: seed, trusted: trusted)
    }

    private static func draw(folder: String, shown bundle: String, size: Int?, seed: Seed, trusted: [TrustedKey]?) throws -> (sample: AuditSample, selfChecked: Bool) {
        let listing = try signedListing(folder, shown: bundle, trusted: trusted)
        let value: String
        switch seed {
        case .auditor(let text): value = text
        case .fromBundle: value = try SHA256.hash(listing.sums).hex
        }
        let records = try BundleReader.changes(from: try listing.file(BundleLayout.changes), file: bundle + "/" + BundleLayout.changes)
        let all = try BundleReader.findings(from: try listing.file(BundleLayout.findings), file: bundle + "/" + BundleLayout.findings)
        let findings = Dictionary(grouping: all.filter { $0.change != nil }, by: { $0.change! })
        let ranked = try records.map { record -> SampledChange in
            let commit = record.change.commit
            return SampledChange(rank: try SHA256.hash(Array("\(value):\(commit)".utf8)).hex, change: record, findings: findings[commit] ?? [])
        }.sorted { $0.rank < $1.rank }
        let count = min(size ?? defaultSize, ranked.count)
        let method = "each of the \(ranked.count) changes is ranked by the SHA-256 of \"SEED:COMMIT\" (lowercase hex); the \(count) smallest ranks are drawn"
        let sample = AuditSample(bundle: bundle, seed: value, seedSource: { if case .auditor = seed { "auditor" } else { "bundle" } }(),
                                 populationSize: ranked.count, method: method, commands: commands(seed: value, count: count),
                                 changes: Array(ranked.prefix(count)))
        return (sample, trusted == nil)
    }

    /// The draw with coreutils alone, inside the bundle folder: the commits of changes.csv (its first column),
    /// each ranked, sorted bytewise, the first `count` kept.
    static func commands(seed: String, count: Int) -> String {
        let quoted = "'" + seed.replacingOccurrences(of: "'", with: "'\\''") + "'"
        return "grep -E '^[0-9a-f]{40,64},' changes.csv | cut -d, -f1 | while read -r c; do "
            + "printf '%s %s\\n' \"$(printf '%s:%s' \(quoted) \"$c\" | sha256sum | cut -c1-64)\" \"$c\"; "
            + "done | LC_ALL=C sort | head -n \(count) | cut -d' ' -f2"
    }

    /// SHA256SUMS of a bundle that verifies (see `draw`), to read files through. A sample of an altered or
    /// unsigned population is no evidence.
    private static func signedListing(_ folder: String, shown bundle: String, trusted: [TrustedKey]?) throws -> SignedListing {
        if let trusted {
            let report = try BundleVerifier.verify(VerificationRequest(bundle: folder, trusted: trusted))
            let failed = report.checks.filter { !$0.passed }
            guard failed.isEmpty else {
                throw EvidenceError.notVerified(bundle: bundle, failed: failed.map { "\($0.name): \($0.detail)" }.joined(separator: "; "))
            }
        }
        let tree = BundleTree(root: folder)
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
