import EvidenceCrypto

/// The Merkle tree hash of RFC 6962 §2.1 over the bundle's files: leaf = SHA-256(0x00 || line), node =
/// SHA-256(0x01 || left || right), split at the largest power of two below the count. Each leaf's data is that
/// file's `SHA256SUMS` line (`<hex>  <path>\n`), leaves in path order, so the root fixes names and contents.
public enum MerkleTree {
    public static func root(lines: [String]) throws -> Digest {
        try hash(lines.map { Array($0.utf8) }[...])
    }

    private static func hash(_ leaves: ArraySlice<[UInt8]>) throws -> Digest {
        switch leaves.count {
        case 0:
            return try SHA256.hash([])
        case 1:
            return try SHA256.hash([0x00] + leaves.first!)
        default:
            var split = 1
            while split * 2 < leaves.count { split *= 2 }
            let left = try hash(leaves.prefix(split))
            let right = try hash(leaves.dropFirst(split))
            return try SHA256.hash([0x01] + left.bytes + right.bytes)
        }
    }
}
