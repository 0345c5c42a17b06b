import COpenSSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The signature schemes a bundle may be signed with.
public enum SignatureAlgorithm: String, Sendable, Codable, CaseIterable {
    /// Ed25519 (RFC 8032) over the raw message; deterministic.
    case ed25519
    /// ECDSA on P-256 over the SHA-256 of the message; DER-encoded signature.
    case ecdsaP256 = "ecdsa-p256"
    /// RSA-PSS with SHA-256, MGF1-SHA-256 and a salt as long as the digest.
    case rsaPSS = "rsa-pss"
}

/// Owns one `EVP_PKEY *` (private or public), freed in `deinit`.
final class OwnedKey {
    let pointer: OpaquePointer

    /// Takes ownership of a key returned by a `PEM_read_*` or keygen call.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { EVP_PKEY_free(pointer) }

    /// The scheme this key signs with, or nil for a key type we do not support.
    var algorithm: SignatureAlgorithm? {
        if git_evidence_key_is_ed25519(pointer) == 1 { return .ed25519 }
        if git_evidence_key_is_rsa(pointer) == 1 { return .rsaPSS }
        if git_evidence_key_is_ec(pointer) == 1 {
            var name = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(pointer, "group", &name, name.count, &length) == 1 else {
                _ = drainOpenSSLErrors()
                return nil
            }
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return group == "prime256v1" || group == "P-256" ? .ecdsaP256 : nil
        }
        return nil
    }

    /// The parameters an RSA-PSS key is restricted to, as `openssl pkey -text` lists them: `SHA2-512, MGF1 with
    /// SHA2-512, salt of at least 64 bytes`.
    var pssRestrictions: String {
        func text(_ name: String) -> String? {
            var value = [CChar](repeating: 0, count: 64)
            var length = 0
            guard EVP_PKEY_get_utf8_string_param(pointer, name, &value, value.count, &length) == 1 else { return nil }
            return String(decoding: value.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        var salt: Int32 = 0
        let parts = [text("digest"), text("mgf1-digest").map { "MGF1 with " + $0 },
                     EVP_PKEY_get_int_param(pointer, "saltlen", &salt) == 1 ? "salt of at least \(salt) bytes" : nil].compactMap { $0 }
        _ = drainOpenSSLErrors()
        return parts.isEmpty ? "other parameters" : parts.joined(separator: ", ")
    }

    /// The DER SubjectPublicKeyInfo of this key's public half.
    func publicKeyDER() throws(CryptoError) -> [UInt8] {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(pointer, &output)
        guard length > 0, let output else { throw CryptoError.openssl(function: "i2d_PUBKEY", errors: drainOpenSSLErrors()) }
        defer { CRYPTO_free(output, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }

    /// Writes PEM through a memory BIO and returns the text.
    func pem(_ write: (OpaquePointer) -> Int32, function: String) throws(CryptoError) -> String {
        let bio = try check(BIO_new(BIO_s_mem()), "BIO_new")
        defer { BIO_free(bio) }
        try check(write(bio), function)
        var data: UnsafeMutablePointer<CChar>?
        let length = git_evidence_bio_mem_data(bio, &data)
        guard length > 0, let data else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
    }

    /// Creates a digest-sign or digest-verify context set up for this key's scheme.
    func withContext<Result>(
        _ algorithm: SignatureAlgorithm,
        initialise: (OpaquePointer, UnsafeMutablePointer<OpaquePointer?>, OpaquePointer?) -> Int32,
        function: String,
        _ body: (OpaquePointer) throws(CryptoError) -> Result
    ) throws(CryptoError) -> Result {
        let context = try check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        // Ed25519 signs the message itself (no pre-hash); the others sign SHA-256 of it.
        let digest = algorithm == .ed25519 ? nil : EVP_sha256()
        try check(initialise(context, &keyContext, digest), function)
        if algorithm == .rsaPSS {
            guard let keyContext, git_evidence_set_rsa_pss(keyContext) == 1 else {
                throw CryptoError.openssl(function: "EVP_PKEY_CTX_set_rsa_padding", errors: drainOpenSSLErrors())
            }
        }
        return try body(context)
    }
}

/// Reads a whole file into bytes; the error names the file.
func readFile(_ path: String) throws(CryptoError) -> [UInt8] {
    guard let file = fopen(path, "rb") else {
        throw CryptoError.unreadable(path: path, reason: String(cString: strerror(errno)))
    }
    defer { fclose(file) }
    var bytes = [UInt8]()
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        bytes.append(contentsOf: chunk.prefix(count))
        if count < chunk.count { break }
    }
    return bytes
}

/// Parses PEM text with `read`, which gets a memory BIO over the bytes (the BIO borrows them, so it lives
/// only inside this call).
func parsePEM(_ pem: [UInt8], source: String, kind: String, _ read: (OpaquePointer) -> OpaquePointer?) throws(CryptoError) -> OwnedKey {
    let key: OpaquePointer? = pem.withUnsafeBytes { buffer in
        guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
        defer { BIO_free(bio) }
        return read(bio)
    }
    guard let key else {
        _ = drainOpenSSLErrors()  // OpenSSL's decoder strings say nothing a user can act on
        throw CryptoError.notPEM(source: source, kind: kind)
    }
    return OwnedKey(adopting: key)
}
