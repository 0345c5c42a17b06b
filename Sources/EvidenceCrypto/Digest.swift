import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A SHA-256 digest value.
public struct Digest: Hashable, Sendable, CustomStringConvertible {
    /// The 32 digest bytes.
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    /// Lowercase hexadecimal, as `sha256sum` prints it.
    public var hex: String { hexString(bytes) }

    public var description: String { hex }
}

/// Lowercase hexadecimal of `bytes`.
public func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let table = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for byte in bytes {
        out.append(table[Int(byte >> 4)])
        out.append(table[Int(byte & 0x0f)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// The bytes hexadecimal text spells (either case), `hexString`'s inverse; nil for an odd length, an empty text or a
/// character that is not a hex digit.
public func bytes(fromHex text: String) -> [UInt8]? {
    func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
    let digits = Array(text.utf8)
    guard digits.count % 2 == 0, !digits.isEmpty else { return nil }
    var bytes = [UInt8]()
    bytes.reserveCapacity(digits.count / 2)
    for index in stride(from: 0, to: digits.count, by: 2) {
        guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
        bytes.append(high << 4 | low)
    }
    return bytes
}

/// Streaming SHA-256 over libcrypto. Owns one `EVP_MD_CTX *`, freed when this value's lifetime ends.
public struct SHA256: ~Copyable {
    private let context: OpaquePointer

    /// Starts a new digest.
    public init() throws(CryptoError) {
        let created = try check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        guard EVP_DigestInit_ex(created, EVP_sha256(), nil) == 1 else {
            let errors = drainOpenSSLErrors()
            EVP_MD_CTX_free(created)
            throw CryptoError.openssl(function: "EVP_DigestInit_ex", errors: errors)
        }
        context = created
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) throws(CryptoError) {
        guard bytes.count > 0 else { return }
        try check(EVP_DigestUpdate(context, bytes.baseAddress, bytes.count), "EVP_DigestUpdate")
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: [UInt8]) throws(CryptoError) {
        guard !bytes.isEmpty else { return }
        try check(EVP_DigestUpdate(context, bytes, bytes.count), "EVP_DigestUpdate")
    }

    /// Ends the digest and returns it.
    public consuming func finish() throws(CryptoError) -> Digest {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try check(EVP_DigestFinal_ex(context, &output, &length), "EVP_DigestFinal_ex")
        return Digest(bytes: Array(output.prefix(Int(length))))
    }

    /// The digest of `bytes`.
    public static func hash(_ bytes: [UInt8]) throws(CryptoError) -> Digest {
        var hasher = try SHA256()
        try hasher.update(bytes)
        return try hasher.finish()
    }

    /// The digest of a file, read in 1 MiB blocks so memory stays flat whatever its size.
    public static func hash(fileAt path: String) throws(CryptoError) -> Digest {
        guard let file = fopen(path, "rb") else {
            throw CryptoError.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var hasher = try SHA256()
        let capacity = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = fread(buffer.baseAddress, 1, capacity, file)
            if count > 0 { try hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count])) }
            if count < capacity {
                if ferror(file) != 0 { throw CryptoError.unreadable(path: path, reason: String(cString: strerror(errno))) }
                break
            }
        }
        return try hasher.finish()
    }
}

/// HMAC-SHA256 (RFC 2104) through libcrypto: what AWS Signature Version 4 derives its keys and signatures with.
public enum HMACSHA256 {
    public static func mac(key: [UInt8], _ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        guard HMAC(EVP_sha256(), key, Int32(key.count), message, message.count, &output, &length) != nil else {
            throw CryptoError.openssl(function: "HMAC", errors: drainOpenSSLErrors())
        }
        return Array(output.prefix(Int(length)))
    }
}

/// SHA-1, only to match what a tool records (sqitch's `script_hash`) and for name-based UUIDs; never for anything
/// this tool signs or pins.
public enum SHA1 {
    /// Lowercase hex of the SHA-1 of `bytes`.
    public static func hex(_ bytes: [UInt8]) throws(CryptoError) -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try check(EVP_Digest(bytes, bytes.count, &output, &length, EVP_sha1(), nil), "EVP_Digest")
        return hexString(output.prefix(Int(length)))
    }
}
