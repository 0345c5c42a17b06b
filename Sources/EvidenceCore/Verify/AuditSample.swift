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
/// the first N). The default seed is the bundle's SHA256SUMS digest — fixed by the bundle, not chosen by whoever
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

    public static func draw(bundle: String, size: Int?, seed: String?) throws -> AuditSample {
        if let size, size < 1 { throw EvidenceError.invalidArgument(flag: "--size", value: String(size), reason: "expected 1 or more") }
        let seed = try seed ?? BundleLayout.sumsDigest(ofBundle: bundle)
        let records = try BundleReader.changes(from: try listedFile(BundleLayout.changes, in: bundle), file: bundle + "/" + BundleLayout.changes)
        let all = try BundleReader.findings(from: try listedFile(BundleLayout.findings, in: bundle), file: bundle + "/" + BundleLayout.findings)
        let findings = Dictionary(grouping: all.filter { $0.change != nil }, by: { $0.change! })
        let ranked = try records.map { record -> SampledChange in
            let commit = record.change.commit
            return SampledChange(rank: try SHA256.hash(Array("\(seed):\(commit)".utf8)).hex, change: record, findings: findings[commit] ?? [])
        }.sorted { $0.rank < $1.rank }
        let count = min(size ?? defaultSize, ranked.count)
        return AuditSample(bundle: bundle, seed: seed, populationSize: ranked.count, changes: Array(ranked.prefix(count)))
    }

    /// Reads a bundle file, refusing one that does not match its SHA256SUMS line: a sample of an altered
    /// population is no evidence (run `verify` for the whole check).
    static func listedFile(_ name: String, in bundle: String) throws -> [UInt8] {
        let path = bundle + "/" + name
        let sums = String(decoding: try readInput(bundle + "/" + BundleLayout.sums), as: UTF8.self)
        guard let line = sums.split(separator: "\n").first(where: { $0.hasSuffix("  " + name) }) else {
            throw EvidenceError.malformed(file: bundle + "/" + BundleLayout.sums, location: "", reason: "does not list \(name)")
        }
        let bytes = [UInt8](try readInput(path))
        guard try SHA256.hash(bytes).hex == line.prefix(64) else {
            throw EvidenceError.malformed(file: path, location: "", reason: "does not match SHA256SUMS; run git-evidence verify")
        }
        return bytes
    }
}
