import COpenSSL

/// A private key that signs bundles: Ed25519, ECDSA P-256 or RSA (signing with PSS).
public final class SigningKey {
    private let key: OwnedKey

    /// The scheme this key signs with.
    public let algorithm: SignatureAlgorithm

    /// Loads an unencrypted PEM private key (PKCS#8 or traditional); `source` names it in errors.
    public init(pem: [UInt8], source: String) throws(CryptoError) {
        // OpenSSL's default passphrase callback reads the terminal: never let it. An encrypted key is refused.
        if String(decoding: pem, as: UTF8.self).contains("ENCRYPTED") {
            throw CryptoError.invalidKey(source: source, reason: "the private key is encrypted with a passphrase, and git-evidence never asks for one; "
                                             + "give an unencrypted key file readable only by you")
        }
        key = try parsePEM(pem, source: source, kind: "private") { PEM_read_bio_PrivateKey($0, nil, { _, _, _, _ in 0 }, nil) }
        guard let algorithm = key.algorithm else {
            throw CryptoError.unsupportedKey(source: source, reason: "expected Ed25519, ECDSA P-256 or RSA")
        }
        if algorithm == .rsaPSS, EVP_PKEY_get_bits(key.pointer) < 2048 {
            throw CryptoError.unsupportedKey(source: source, reason: "an RSA key of \(EVP_PKEY_get_bits(key.pointer)) bits is too weak; at least 2048 are needed")
        }
        self.algorithm = algorithm
        // An RSA-PSS key may carry parameters (RFC 4055) that forbid SHA-256 or a 32-byte salt; find out now, by
        // signing, rather than after the bundle is assembled.
        if algorithm == .rsaPSS, (try? sign(Array("git-evidence key check".utf8))) == nil {
            _ = drainOpenSSLErrors()
            throw CryptoError.unsupportedKey(source: source, reason: "the RSA-PSS key is restricted to \(key.pssRestrictions), and git-evidence signs "
                                                 + "with SHA-256, MGF1-SHA-256 and a 32-byte salt; use an unrestricted RSA key")
        }
    }

    /// Loads a PEM private key from a file.
    public convenience init(pemFile path: String) throws(CryptoError) {
        try self.init(pem: try readFile(path), source: path)
    }

    /// An Ed25519 key from its 32-byte seed (RFC 8032's "secret key").
    public init(ed25519Seed seed: [UInt8]) throws(CryptoError) {
        let pointer = try check(
            EVP_PKEY_new_raw_private_key(git_evidence_nid_ed25519(), nil, seed, seed.count), "EVP_PKEY_new_raw_private_key")
        key = OwnedKey(adopting: pointer)
        algorithm = .ed25519
    }

    /// Makes a new key pair. RSA keys are 3072 bits.
    public static func generate(_ algorithm: SignatureAlgorithm) throws(CryptoError) -> SigningKey {
        let nid: Int32 = switch algorithm {
        case .ed25519: git_evidence_nid_ed25519()
        case .ecdsaP256: git_evidence_nid_ec()
        case .rsaPSS: git_evidence_nid_rsa()
        }
        let context = try check(EVP_PKEY_CTX_new_id(nid, nil), "EVP_PKEY_CTX_new_id")
        defer { EVP_PKEY_CTX_free(context) }
        try check(EVP_PKEY_keygen_init(context), "EVP_PKEY_keygen_init")
        switch algorithm {
        case .ed25519: break
        case .ecdsaP256:
            guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, git_evidence_nid_prime256v1()) > 0 else {
                throw CryptoError.openssl(function: "EVP_PKEY_CTX_set_ec_paramgen_curve_nid", errors: drainOpenSSLErrors())
            }
        case .rsaPSS:
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(context, 3072) > 0 else {
                throw CryptoError.openssl(function: "EVP_PKEY_CTX_set_rsa_keygen_bits", errors: drainOpenSSLErrors())
            }
        }
        var generated: OpaquePointer?
        try check(EVP_PKEY_keygen(context, &generated), "EVP_PKEY_keygen")
        return try SigningKey(adopting: check(generated, "EVP_PKEY_keygen"), algorithm: algorithm)
    }

    private init(adopting pointer: OpaquePointer, algorithm: SignatureAlgorithm) {
        key = OwnedKey(adopting: pointer)
        self.algorithm = algorithm
    }

    /// The matching public key.
    public func publicKey() throws(CryptoError) -> PublicKey {
        try PublicKey(der: key.publicKeyDER(), source: "generated public key")
    }

    /// The private key as unencrypted PKCS#8 PEM.
    public func privateKeyPEM() throws(CryptoError) -> String {
        try key.pem({ PEM_write_bio_PrivateKey($0, key.pointer, nil, nil, 0, nil, nil) }, function: "PEM_write_bio_PrivateKey")
    }

    /// Signs `message` with RSASSA-PKCS1-v1_5 over its SHA-256: JWS `RS256` (RFC 7518 §3.3), which GitHub asks of
    /// a GitHub App's JWT. Bundles are never signed this way (RSA signs them with PSS); only an RSA key can.
    public func signRS256(_ message: [UInt8], source: String) throws(CryptoError) -> [UInt8] {
        guard algorithm == .rsaPSS, git_evidence_key_is_plain_rsa(key.pointer) == 1 else {
            throw CryptoError.unsupportedKey(source: source, reason: "a GitHub App key is an RSA key (BEGIN RSA PRIVATE KEY), as GitHub generates it")
        }
        let context = try check(EVP_MD_CTX_new(), "EVP_MD_CTX_new")
        defer { EVP_MD_CTX_free(context) }
        // An RSA key's default padding is PKCS #1 v1.5.
        try check(EVP_DigestSignInit(context, nil, EVP_sha256(), nil, key.pointer), "EVP_DigestSignInit")
        var length = 0
        try check(EVP_DigestSign(context, nil, &length, message, message.count), "EVP_DigestSign")
        var signature = [UInt8](repeating: 0, count: length)
        try check(EVP_DigestSign(context, &signature, &length, message, message.count), "EVP_DigestSign")
        return Array(signature.prefix(length))
    }

    /// Signs `message`: Ed25519 over the raw bytes, ECDSA (DER) and RSA-PSS over its SHA-256.
    public func sign(_ message: [UInt8]) throws(CryptoError) -> [UInt8] {
        try key.withContext(algorithm, initialise: { EVP_DigestSignInit($0, $1, $2, nil, key.pointer) }, function: "EVP_DigestSignInit") {
            context throws(CryptoError) in
            var length = 0
            try check(EVP_DigestSign(context, nil, &length, message, message.count), "EVP_DigestSign")
            var signature = [UInt8](repeating: 0, count: length)
            try check(EVP_DigestSign(context, &signature, &length, message, message.count), "EVP_DigestSign")
            return Array(signature.prefix(length))
        }
    }
}
