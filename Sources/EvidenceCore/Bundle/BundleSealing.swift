import EvidenceCrypto

/// The seal stage: completes the manifest with the Merkle root and file count, lists every file in SHA256SUMS,
/// signs it, optionally timestamps the signature, and attests the files in a DSSE envelope. The same files and
/// key give the same bytes: Ed25519 is deterministic, JSON keys are sorted and every list has a fixed order (an
/// RFC 3161 token differs by nature: it carries the TSA's time and a nonce).
public enum BundleSealing {
    static func run(_ unsigned: UnsignedBundle, signer: any BundleSigner, timestamper: (any Timestamper)? = nil) throws -> SealedBundle {
        var files = unsigned.files
        var digests = try files.mapValues { try SHA256.hash($0).hex }
        for (path, copy) in unsigned.copies { digests[path] = copy.sha256 }
        let contentLines = BundleLayout.sorted(digests.keys).map { BundleLayout.sumLine(digests[$0]!, $0) }
        var manifest = unsigned.manifest
        manifest.merkleRoot = try MerkleTree.root(lines: contentLines).hex
        manifest.counts.files = digests.count + 1
        let manifestBytes = [UInt8](try BundleLayout.jsonEncoder.encode(manifest)) + [0x0a]
        files[BundleLayout.manifest] = manifestBytes
        let summary = manifest.summary(manifestSHA256: try SHA256.hash(manifestBytes).hex)
        let sealed = try seal(files, copies: unsigned.copies, signer: signer, timestamper: timestamper,
                              statement: { BundleStatement(subject: $0, predicateType: BundleStatement.predicateType, predicate: summary) })
        return SealedBundle(files: sealed, copies: unsigned.copies, manifest: manifest)
    }

    /// Lists `files` and `copies` in SHA256SUMS, signs it, optionally timestamps the signature, and attests every
    /// file (the list and its signature too) in the statement `statement` makes of those subjects. Returns the
    /// files with the seal added. A bundle and a roll-up are sealed alike.
    static func seal<Predicate>(_ files: [String: [UInt8]], copies: [String: InputCopy], signer: any BundleSigner, timestamper: (any Timestamper)?,
                                statement: ([InTotoStatement<Predicate>.Subject]) -> InTotoStatement<Predicate>) throws -> [String: [UInt8]] {
        var files = files
        var digests = try files.mapValues { try SHA256.hash($0).hex }
        for (path, copy) in copies { digests[path] = copy.sha256 }
        let sums = Array(BundleLayout.sorted(digests.keys).map { BundleLayout.sumLine(digests[$0]!, $0) }.joined().utf8)
        let signature = try signer.sign(sums)
        files[BundleLayout.sums] = sums
        files[BundleLayout.signature] = signature
        digests[BundleLayout.sums] = try SHA256.hash(sums).hex
        digests[BundleLayout.signature] = try SHA256.hash(signature).hex
        if let timestamper {
            let (token, chain) = try timestamper.timestamp(signature)
            files[BundleLayout.timestampToken] = token
            files[BundleLayout.timestampChain] = chain
        }
        let subjects = BundleLayout.sorted(digests.keys).map { InTotoStatement<Predicate>.Subject(name: $0, digest: ["sha256": digests[$0]!]) }
        let envelope = try DSSE.sign(payload: [UInt8](try BundleLayout.compactEncoder.encode(statement(subjects))), payloadType: DSSE.inTotoPayloadType,
                                     signer: signer)
        files[BundleLayout.attestation] = [UInt8](try BundleLayout.jsonEncoder.encode(envelope)) + [0x0a]
        return files
    }
}
