import EvidenceCrypto
import Foundation

/// `verify` of a roll-up: the same seal checks as a bundle's (files, signature by a trusted key valid at its time,
/// timestamp, attestation), then that `rollup.json` agrees with its signature and attestation. The member bundles
/// are not opened: each is pinned by its SHA256SUMS digest, and verified on its own.
enum RollupVerifier {
    static func verify(_ request: VerificationRequest, tree: BundleTree) throws -> VerificationReport {
        guard let files = try BundleVerifier.fileChecks(tree) else { return BundleVerifier.unlistedFolder(request, tree: tree) }
        var checks = files.checks
        let bytes = files.intact(RollupLayout.record) ? tree.read(RollupLayout.record) : nil
        let record = bytes.flatMap { try? BundleReader.rollup(from: $0, file: RollupLayout.record) }
        let signing = try BundleVerifier.signatureChecks(tree, sums: files.sums, request: request,
                                                         claimed: record?.generatedAt.flatMap(Timestamp.parse),
                                                         windowEnd: record?.window.flatMap { Timestamp.parse($0.end) })
        checks += signing.checks
        let (attested, statement) = BundleVerifier.attestation(tree, listing: files.listing, sumsBytes: files.sums, signer: signing.signer,
                                                               as: RollupSummary.self)
        checks.append(attested)
        if let record, let bytes {
            checks.append(try consistency(record, bytes: bytes, tree: tree, signer: signing.signer, statement: statement))
        } else {
            checks.append(VerificationCheck(name: "rollup", passed: false, detail: "\(RollupLayout.record) is missing, altered or not a roll-up"))
        }
        return VerificationReport(bundle: request.bundle, checks: checks)
    }

    /// `rollup`: the record is a roll-up, names the key that signed it, its counts are its entries', its retention at
    /// least six years past the latest window, and the attestation's predicate is its summary.
    static func consistency(_ record: RollupRecord, bytes: [UInt8], tree: BundleTree, signer: TrustedKey?,
                            statement: RollupStatement?) throws -> VerificationCheck {
        var problems = [String]()
        if record.schema != RollupRecord.schemaName { problems.append("schema is \(record.schema), not \(RollupRecord.schemaName)") }
        if let signer, record.signer.keyID != signer.keyID {
            problems.append("signer.key_id \(record.signer.keyID.prefix(16)) is not the signing key \(signer.keyID.prefix(16))")
        }
        problems += BundleVerifier.signerFileProblems(tree, signer: signer)
        if record.counts != RollupRecord.Counts(record.repositories) { problems.append("counts differ from the repositories listed") }
        if let end = record.repositories.compactMap(\.window).compactMap({ Timestamp.parse($0.end) }).max(),
           (Timestamp.parse(record.retainUntil) ?? 0) < Manifest.retainUntil(windowEnd: end) {
            problems.append("retain_until \(record.retainUntil) is earlier than the latest window's end + 6 years")
        }
        if let statement, statement.predicate != record.summary(recordSHA256: try SHA256.hash(bytes).hex) {
            problems.append("the attestation's predicate is not the summary of \(RollupLayout.record)")
        }
        return VerificationCheck(name: "rollup", passed: problems.isEmpty,
                                 detail: problems.isEmpty ? "\(record.counts.repositories) repositories: \(record.counts.verified) verified, "
                                     + "\(record.counts.notVerified) not verified, \(record.counts.missing) missing; key, counts, retention and attestation agree"
                                     : problems.joined(separator: "; "))
    }
}
