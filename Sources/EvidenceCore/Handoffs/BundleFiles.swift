/// The hand-off from Assemble to Seal: every file of the bundle but the seal (path → bytes, and the inputs too long
/// to hold, copied from their files when the bundle is written), and the manifest still to be completed with the
/// Merkle root and the file count.
public struct UnsignedBundle: Sendable {
    public let files: [String: [UInt8]]
    public let copies: [String: InputCopy]
    public let manifest: Manifest

    public init(files: [String: [UInt8]], copies: [String: InputCopy] = [:], manifest: Manifest) {
        self.files = files
        self.copies = copies
        self.manifest = manifest
    }
}

/// The hand-off from Seal to Store: every file of the finished bundle, SHA256SUMS, its signature (and timestamp)
/// and the attestation included.
public struct SealedBundle: Sendable {
    public let files: [String: [UInt8]]
    public let copies: [String: InputCopy]
    public let manifest: Manifest

    public init(files: [String: [UInt8]], copies: [String: InputCopy] = [:], manifest: Manifest) {
        self.files = files
        self.copies = copies
        self.manifest = manifest
    }

    /// Every path of the bundle, held or copied.
    public var paths: [String] { BundleLayout.sorted(Array(files.keys) + Array(copies.keys)) }
}

/// A bundle file copied from an input file when the bundle is written, rather than held in memory (a ledger
/// that grows with every deploy): where it is, and the size and SHA-256 it had when the export read it, which
/// the copy must have too.
public struct InputCopy: Sendable, Hashable {
    public let source: String
    public let size: Int
    public let sha256: String
}

/// A bundle file's contents: bytes held, or an input copied when the bundle is written.
public enum BundleContent: Sendable {
    case bytes([UInt8])
    case copy(InputCopy)
}
