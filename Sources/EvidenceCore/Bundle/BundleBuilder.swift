import EvidenceCrypto
import Foundation

/// The fixed names of a bundle (SPEC §5).
public enum BundleLayout {
    public static let manifest = "manifest.json"
    /// The population, one change per line.
    public static let changes = "changes.jsonl"
    public static let findings = "findings.json"
    public static let sums = "SHA256SUMS"
    public static let signature = "SHA256SUMS.sig"
    public static let attestation = "attestation.intoto.json"
    public static let publicKey = "signer.pub.pem"
    public static let instructions = "VERIFY.txt"
    /// Files that are not (and cannot be) listed in SHA256SUMS: the list itself and what signs it.
    public static let unlisted: Set<String> = [sums, signature, attestation]

    /// Orders paths by their UTF-8 bytes, as `LC_ALL=C sort` does.
    public static func sorted(_ paths: some Sequence<String>) -> [String] {
        paths.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// SHA-256 of another bundle's SHA256SUMS: what a chained bundle records, and verify compares.
    public static func sumsDigest(ofBundle folder: String) throws -> String {
        let sums = folder + "/" + BundleLayout.sums
        guard FileManager.default.fileExists(atPath: sums) else {
            throw EvidenceError.unreadable(file: folder, reason: "not a bundle (no SHA256SUMS)")
        }
        return try SHA256.hash(fileAt: sums).hex
    }

    /// One GNU `sha256sum` line.
    public static func sumLine(_ digest: String, _ path: String) -> String { "\(digest)  \(path)\n" }

    /// JSON for files people read: sorted keys, indented.
    public static var jsonEncoder: JSONEncoder { encoder([.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) }

    /// JSON on one line (JSON Lines, signed payloads): sorted keys, so equal values always give equal bytes.
    public static var compactEncoder: JSONEncoder { encoder([.sortedKeys, .withoutEscapingSlashes]) }

    private static func encoder(_ formatting: JSONEncoder.OutputFormatting) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = formatting
        return encoder
    }
}

/// Collects a bundle's files, then hashes, lists, signs and attests them. The same files and key give the same
/// bytes: Ed25519 is deterministic, JSON keys are sorted and every list has a fixed order.
public struct BundleBuilder {
    public private(set) var files: [String: [UInt8]] = [:]

    public init() {}

    public mutating func add(_ path: String, _ bytes: [UInt8]) { files[path] = bytes }

    /// Adds the manifest (made from the Merkle root and the file count), SHA256SUMS, its signature and the DSSE
    /// attestation, and returns every file of the finished bundle.
    public mutating func finish(key: SigningKey, keyID: String, manifest makeManifest: (_ merkleRoot: String, _ fileCount: Int) throws -> Manifest) throws -> [String: [UInt8]] {
        var digests = try files.mapValues { try SHA256.hash($0).hex }
        let contentLines = BundleLayout.sorted(digests.keys).map { BundleLayout.sumLine(digests[$0]!, $0) }
        let manifest = try makeManifest(try MerkleTree.root(lines: contentLines).hex, files.count + 1)
        let manifestBytes = [UInt8](try BundleLayout.jsonEncoder.encode(manifest)) + [0x0a]
        files[BundleLayout.manifest] = manifestBytes
        digests[BundleLayout.manifest] = try SHA256.hash(manifestBytes).hex

        let sums = Array(BundleLayout.sorted(digests.keys).map { BundleLayout.sumLine(digests[$0]!, $0) }.joined().utf8)
        files[BundleLayout.sums] = sums
        files[BundleLayout.signature] = try key.sign(sums)
        digests[BundleLayout.sums] = try SHA256.hash(sums).hex
        digests[BundleLayout.signature] = try SHA256.hash(files[BundleLayout.signature]!).hex

        let statement = InTotoStatement(
            subject: BundleLayout.sorted(digests.keys).map { .init(name: $0, digest: ["sha256": digests[$0]!]) },
            predicate: manifest.summary(manifestSHA256: digests[BundleLayout.manifest]!))
        let envelope = try DSSE.sign(payload: [UInt8](try BundleLayout.compactEncoder.encode(statement)), payloadType: DSSE.inTotoPayloadType, key: key, keyID: keyID)
        files[BundleLayout.attestation] = [UInt8](try BundleLayout.jsonEncoder.encode(envelope)) + [0x0a]
        return files
    }
}

/// `VERIFY.txt`: how to check the bundle with stock tools, with the exact commands for this key's algorithm.
enum VerifyInstructions {
    static func text(keyID: String, algorithm: SignatureAlgorithm) -> String {
        let signatureCheck = switch algorithm {
        case .ed25519:
            "openssl pkeyutl -verify -pubin -inkey TRUSTED.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig"
        case .ecdsaP256:
            "openssl dgst -sha256 -verify TRUSTED.pub.pem -signature SHA256SUMS.sig SHA256SUMS"
        case .rsaPSS:
            "openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest -verify TRUSTED.pub.pem -signature SHA256SUMS.sig SHA256SUMS"
        }
        return """
        How to verify this evidence bundle
        ==================================

        Signed with \(algorithm.rawValue) key \(keyID)
        (key id = SHA-256 of the DER public key). Use your own trusted copy of the signer's public key
        (TRUSTED.pub.pem below), not the signer.pub.pem inside the bundle, which is only a convenience.

        With git-evidence:

            git-evidence verify BUNDLE --key TRUSTED.pub.pem

        With openssl and sha256sum alone, inside the bundle folder:

        1. The key is the one you trust (prints its key id):

            openssl pkey -pubin -in TRUSTED.pub.pem -outform DER | sha256sum

        2. The signature over the list of files:

            \(signatureCheck)

        3. Every listed file is present and unchanged:

            sha256sum --check --strict SHA256SUMS

        4. No file was added that the list does not name (prints nothing when the bundle is complete):

            find . -type f ! -name SHA256SUMS ! -name SHA256SUMS.sig ! -name attestation.intoto.json | sed 's|^\\./||' | LC_ALL=C sort | diff - <(cut -c67- SHA256SUMS)

        attestation.intoto.json is a DSSE envelope (in-toto Statement v1) over the same files, signed with the same
        key, for tools that read in-toto attestations. manifest.json records how the evidence was made and its
        merkle_root: the RFC 6962 Merkle tree hash over the SHA256SUMS lines of every file but the manifest.

        """
    }
}
