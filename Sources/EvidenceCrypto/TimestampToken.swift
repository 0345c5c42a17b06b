import COpenSSL
import Foundation

/// RFC 3161 time-stamp requests and replies through libcrypto's TS API.
public enum TimestampToken {
    /// A DER TimeStampReq over SHA-256 `digest` with `nonce`, asking for the TSA's certificate.
    public static func request(digest: [UInt8], nonce: [UInt8]) throws(CryptoError) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var length: Int32 = 0
        guard git_evidence_ts_request(digest, Int32(digest.count), nonce, Int32(nonce.count), &out, &length) == 1, let out else {
            throw CryptoError.openssl(function: "i2d_TS_REQ", errors: drainOpenSSLErrors())
        }
        defer { git_evidence_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: Int(length)))
    }

    /// What a reply holds once read: its genTime (seconds since 1970) and the certificates it carries (PEM).
    public struct Reply: Sendable {
        public let genTime: Int64
        public let chainPEM: [UInt8]
    }

    /// Why a reply is not a usable token, in words.
    public struct Failure: Error, Sendable {
        public let reason: String
    }

    /// Reads a TimeStampResp: granted, over SHA-256 `digest`, answering `nonce` when given. The reason otherwise.
    public static func read(_ der: [UInt8], digest: [UInt8], nonce: [UInt8]?) -> Result<Reply, Failure> {
        var genTime: Int64 = 0
        var chain: OpaquePointer?
        var error = [CChar](repeating: 0, count: 256)
        let ok = git_evidence_ts_read(der, der.count, digest, Int32(digest.count), nonce, Int32(nonce?.count ?? 0), &genTime, &chain, &error, error.count)
        defer { if let chain { BIO_free(chain) } }
        _ = drainOpenSSLErrors()
        guard ok == 1, let chain else { return .failure(Failure(reason: Self.text(error))) }
        var data: UnsafeMutablePointer<CChar>?
        let count = git_evidence_bio_mem_data(chain, &data)
        let pem = data.map { Array(UnsafeRawBufferPointer(start: $0, count: count).bindMemory(to: UInt8.self)) } ?? []
        return .success(Reply(genTime: genTime, chainPEM: pem))
    }

    /// Verifies a stored TimeStampResp: the TSA's signature, its chain to `rootsPEM` through `chainPEM` for time
    /// stamping, judged at `genTime` (the token's own, so it outlives the TSA certificate), and the imprint.
    public static func verify(_ der: [UInt8], digest: [UInt8], rootsPEM: [UInt8], chainPEM: [UInt8], genTime: Int64) -> String? {
        var error = [CChar](repeating: 0, count: 256)
        let ok = rootsPEM.withUnsafeBytes { roots in
            chainPEM.withUnsafeBytes { chain in
                git_evidence_ts_verify(der, der.count, digest, Int32(digest.count), roots.baseAddress?.assumingMemoryBound(to: CChar.self), roots.count,
                                       chain.baseAddress?.assumingMemoryBound(to: CChar.self), chain.count, genTime, &error, error.count)
            }
        }
        _ = drainOpenSSLErrors()
        return ok == 1 ? nil : Self.text(error)
    }

    /// `count` random bytes from OpenSSL's CSPRNG (a request's nonce).
    public static func randomBytes(_ count: Int) throws(CryptoError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        guard git_evidence_random(&bytes, Int32(count)) == 1 else { throw CryptoError.openssl(function: "RAND_bytes", errors: drainOpenSSLErrors()) }
        return bytes
    }

    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
