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

/// SHA-1, only to match what a tool records (sqitch's `script_hash`); never for anything this tool signs.
public enum SHA1 {
    /// Lowercase hex of the SHA-1 of `bytes`.
    public static func hex(_ bytes: [UInt8]) throws(CryptoError) -> String {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        try check(EVP_Digest(bytes, bytes.count, &output, &length, EVP_sha1(), nil), "EVP_Digest")
        return hexString(output.prefix(Int(length)))
    }
}
