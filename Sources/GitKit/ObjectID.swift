import CLibgit2

/// A git object id (SHA-1, 20 bytes), as a Swift value.
///
/// Stored inline (no heap allocation), since a history walk makes several per commit.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
    private var storage: (UInt64, UInt64, UInt32)

    init(_ oid: UnsafePointer<git_oid>) {
        storage = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { target in
            withUnsafeBytes(of: oid.pointee.id) { source in
                target.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: 20)
            }
        }
    }

    /// Copies the 20 bytes at `raw`.
    init(raw: UnsafeRawPointer) {
        storage = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { $0.baseAddress!.copyMemory(from: raw, byteCount: 20) }
    }

    init(bytes: [UInt8]) {
        precondition(bytes.count == 20, "a SHA-1 object id has 20 bytes")
        storage = (0, 0, 0)
        withUnsafeMutableBytes(of: &storage) { target in
            bytes.withUnsafeBytes { target.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 20) }
        }
    }

    /// The raw id bytes.
    public var bytes: [UInt8] {
        withUnsafeBytes(of: storage) { Array($0.prefix(20)) }
    }

    public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
        lhs.storage.0 == rhs.storage.0 && lhs.storage.1 == rhs.storage.1 && lhs.storage.2 == rhs.storage.2
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.0)
        hasher.combine(storage.1)
        hasher.combine(storage.2)
    }

    /// Parses a full 40-digit hexadecimal id; nil for anything else.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 40, let id = digits.withUnsafeBytes({ Self(hexDigits: $0.baseAddress!) }) else { return nil }
        self = id
    }

    /// Parses the 40 hexadecimal digits at `digits`, as a raw commit's `tree` and `parent` lines hold them; nil when
    /// one is not a digit.
    init?(hexDigits digits: UnsafeRawPointer) {
        storage = (0, 0, 0)
        let parsed = withUnsafeMutableBytes(of: &storage) { target in
            for index in 0..<20 {
                guard let high = Self.nibble(digits.load(fromByteOffset: 2 * index, as: UInt8.self)),
                      let low = Self.nibble(digits.load(fromByteOffset: 2 * index + 1, as: UInt8.self)) else { return false }
                target[index] = high << 4 | low
            }
            return true
        }
        if !parsed { return nil }
    }

    /// The lowercase 40-digit hexadecimal form.
    public var hex: String {
        let table = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(40)
        for byte in bytes {
            out.append(table[Int(byte >> 4)])
            out.append(table[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The first 12 hexadecimal digits, for people.
    public var short: String { String(hex.prefix(12)) }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.bytes.lexicographicallyPrecedes(rhs.bytes) }

    /// The id as libgit2 wants it, for calls inside this module.
    var raw: git_oid {
        var oid = git_oid()
        withUnsafeMutableBytes(of: &oid.id) { target in
            withUnsafeBytes(of: storage) { target.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 20) }
        }
        return oid
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
