import ZlibKit
import EvidenceCrypto

/// The checksums migration tools record in their ledgers, computed from a migration file's bytes, so a ledger
/// row can be matched to the exact committed version of the file.
public enum MigrationChecksum {
    /// The checksums ledgers record, as the history's index keys them.
    public enum Algorithm: String, Sendable, Hashable {
        /// SHA-256 hex (Drizzle, Prisma, most event logs).
        case sha256
        /// Flyway's signed CRC-32, in decimal.
        case crc32
        /// SHA-1 hex of the raw bytes: sqitch's `script_hash` of a deploy script.
        case sha1

        /// The index key of a checksum: `sha256:<hex>`, `crc32:<signed>`.
        func key(_ checksum: String) -> String { rawValue + ":" + checksum }
    }

    /// Drizzle's `__drizzle_migrations.hash`: lowercase hex SHA-256 of the raw `.sql` bytes.
    public static func drizzle(_ bytes: [UInt8]) throws -> String { try SHA256.hash(bytes).hex }

    /// Every value Prisma's `_prisma_migrations.checksum` may hold for `migration.sql`: SHA-256 hex of the bytes,
    /// of their CRLF and LF variants (a checkout with other line endings), and the non-zero-padded hex that older
    /// Prisma versions wrote (each byte as `{:x}`).
    public static func prisma(_ bytes: [UInt8]) throws -> Set<String> {
        var values = Set<String>()
        for variant in [bytes, toLF(bytes), toCRLF(bytes)] {
            let digest = try SHA256.hash(variant)
            values.insert(digest.hex)
            values.insert(digest.bytes.map { String($0, radix: 16) }.joined())
        }
        return values
    }

    /// sqitch's `changes.script_hash`: lowercase hex SHA-1 of the deploy script's bytes as they are.
    public static func sqitch(_ bytes: [UInt8]) throws -> String { try SHA1.hex(bytes) }

    /// Flyway's `flyway_schema_history.checksum`: CRC-32 over the UTF-8 bytes of each line, with a leading BOM
    /// removed and the line terminators (`\n`, `\r\n`, `\r`) left out, as a signed 32-bit number.
    public static func flyway(_ bytes: [UInt8]) -> Int32 {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        var crc = CRC32()
        var lineStart = content.startIndex
        var index = content.startIndex
        func feed(_ line: ArraySlice<UInt8>) { crc.update(line) }
        while index < content.endIndex {
            let byte = content[index]
            if byte == 0x0A || byte == 0x0D {
                feed(content[lineStart..<index])
                if byte == 0x0D, content.index(after: index) < content.endIndex, content[content.index(after: index)] == 0x0A {
                    index = content.index(after: index)
                }
                lineStart = content.index(after: index)
            }
            index = content.index(after: index)
        }
        if lineStart < content.endIndex { feed(content[lineStart...]) }
        return Int32(bitPattern: crc.value)
    }

    static func toLF(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for (index, byte) in bytes.enumerated() where !(byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) {
            out.append(byte)
        }
        return out
    }

    static func toCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 20)
        for byte in toLF(bytes) {
            if byte == 0x0A { out.append(0x0D) }
            out.append(byte)
        }
        return out
    }
}
