import COpenSSL

/// A public key that checks bundle signatures.
public final class PublicKey {
    private let key: OwnedKey

    /// The scheme this key verifies.
    public let algorithm: SignatureAlgorithm

    /// The DER SubjectPublicKeyInfo.
    public let der: [UInt8]

    /// Loads a PEM public key (`-----BEGIN PUBLIC KEY-----`); `source` names it in errors.
    public convenience init(pem: [UInt8], source: String) throws(CryptoError) {
        let parsed = try parsePEM(pem, source: source, kind: "public") { PEM_read_bio_PUBKEY($0, nil, nil, nil) }
        try self.init(key: parsed, source: source)
    }

    /// Loads a PEM public key from a file.
    public convenience init(pemFile path: String) throws(CryptoError) {
        try self.init(pem: try readFile(path), source: path)
    }

    /// Loads a DER SubjectPublicKeyInfo.
    public convenience init(der: [UInt8], source: String) throws(CryptoError) {
        var cursor: UnsafePointer<UInt8>?
        let pointer: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            cursor = buffer.baseAddress
            return d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let pointer else {
            throw CryptoError.invalidKey(source: source, reason: "not a DER SubjectPublicKeyInfo (\(drainOpenSSLErrors().last ?? "unknown"))")
        }
        try self.init(key: OwnedKey(adopting: pointer), source: source)
    }

    /// Loads an RSA public key given as PKCS #1 `RSAPublicKey` DER, as AWS CloudTrail's `ListPublicKeys` returns
    /// the keys that sign its digest files.
    public convenience init(rsaPKCS1 der: [UInt8], source: String) throws(CryptoError) {
        var cursor: UnsafePointer<UInt8>?
        let pointer: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            cursor = buffer.baseAddress
            return d2i_PublicKey(git_evidence_nid_rsa(), nil, &cursor, buffer.count)
        }
        guard let pointer else {
            throw CryptoError.invalidKey(source: source, reason: "not a DER PKCS #1 RSA public key (\(drainOpenSSLErrors().last ?? "unknown"))")
        }
        try self.init(key: OwnedKey(adopting: pointer), source: source)
    }

    private init(key: OwnedKey, source: String) throws(CryptoError) {
        guard let algorithm = key.algorithm else {
            throw CryptoError.unsupportedKey(source: source, reason: "expected Ed25519, ECDSA P-256 or RSA")
        }
        self.key = key
        self.algorithm = algorithm
        self.der = try key.publicKeyDER()
    }

    /// Key id: lowercase hex SHA-256 of the DER SubjectPublicKeyInfo.
    public func keyID() throws(CryptoError) -> String { try SHA256.hash(der).hex }

    /// The key as PEM text.
    public func pem() throws(CryptoError) -> String {
        try key.pem({ PEM_write_bio_PUBKEY($0, key.pointer) }, function: "PEM_write_bio_PUBKEY")
    }

    /// True when `signature` is this RSA key's RSASSA-PKCS1-v1_5 signature over the SHA-256 of `message`
    /// (`SHA256withRSA`, as CloudTrail signs digest files); false for a wrong or malformed one, or a key not RSA.
    public func verifyRS256(_ signature: [UInt8], over message: [UInt8]) throws(CryptoError) -> Bool {
        guard git_evidence_key_is_plain_rsa(key.pointer) == 1 else { return false }
        let context = try check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        // An RSA key's default padding is PKCS #1 v1.5.
        try check(EVP_DigestVerifyInit(context, nil, EVP_sha256(), nil, key.pointer), "EVP_DigestVerifyInit")
        let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
        _ = drainOpenSSLErrors()
        return result == 1
    }

    /// True when `signature` is this key's signature over `message`; false for a wrong or malformed signature.
    public func verify(_ signature: [UInt8], over message: [UInt8]) throws(CryptoError) -> Bool {
        try key.withContext(algorithm, initialise: { EVP_DigestVerifyInit($0, $1, $2, nil, key.pointer) }, function: "EVP_DigestVerifyInit") {
            context throws(CryptoError) in
            let result = EVP_DigestVerify(context, signature, signature.count, message, message.count)
            // 0 is a bad signature, a negative value a malformed one: both are "not verified", not an error.
            _ = drainOpenSSLErrors()
            return result == 1
        }
    }
}
