/// The hand-off from Assemble to Seal: every file of the bundle but the seal (path → bytes), and the manifest
/// still to be completed with the Merkle root and the file count.
public struct UnsignedBundle: Sendable {
    public let files: [String: [UInt8]]
    public let manifest: Manifest
}

/// The hand-off from Seal to Store: every file of the finished bundle, SHA256SUMS, its signature (and timestamp)
/// and the attestation included.
public struct SealedBundle: Sendable {
    public let files: [String: [UInt8]]
    public let manifest: Manifest
}
