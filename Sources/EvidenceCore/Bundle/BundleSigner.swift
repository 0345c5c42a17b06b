import EvidenceCrypto
import Foundation

/// What signs a bundle's SHA256SUMS and attestation. One conforming type per kind of key: a PEM file, a PKCS #11
/// token (`PKCS11Signer.swift`); AWS KMS next. The private key never leaves the signer.
public protocol BundleSigner {
    var algorithm: SignatureAlgorithm { get }
    /// The public key bundles name and verifiers check against.
    var publicKey: PublicKey { get }
    /// Lowercase hex SHA-256 of the DER public key.
    var keyID: String { get }
    /// A signature over `message` (raw bytes: the signer hashes as its algorithm requires).
    func sign(_ message: [UInt8]) throws -> [UInt8]
    /// What kind of key it is and where it lives, for the manifest; nothing secret.
    var provenance: Manifest.Signer.Provenance { get }
}

/// The signer a `--key` names: a PKCS #11 URI, an AWS KMS key, or a PEM private key file.
public func bundleSigner(key: String, environment: [String: String]) throws -> any BundleSigner {
    if PKCS11URI.isURI(key) { return try PKCS11Signer(uri: try PKCS11URI(key), environment: environment) }
    if KMSKeyURI.isURI(key) { return try KMSSigner(uri: try KMSKeyURI(key), environment: environment) }
    return try PEMFileSigner(path: key)
}

extension BundleSigner {
    /// How the bundle's files name this signer.
    public func identity() throws -> SignerIdentity {
        SignerIdentity(keyID: keyID, algorithm: algorithm, publicKeyPEM: try publicKey.pem(), provenance: provenance)
    }
}

/// A signer holding a PEM private key file (Ed25519, ECDSA P-256 or RSA-PSS) through OpenSSL.
public struct PEMFileSigner: BundleSigner {
    private let key: SigningKey
    public let publicKey: PublicKey
    public let keyID: String
    public var algorithm: SignatureAlgorithm { key.algorithm }

    /// Loads the key, refusing one that group or others can read (as ssh does).
    public init(path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased())
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw EvidenceError.unusableKey(file: path, reason: "not a regular file") }
        // A public key given by mistake is named as such, not met with advice to chmod it.
        if let text = FileManager.default.contents(atPath: path).map({ String(decoding: $0.prefix(64 << 10), as: UTF8.self) }),
           text.contains("-----BEGIN PUBLIC KEY-----"), !text.contains("PRIVATE KEY-----") {
            throw EvidenceError.unusableKey(file: path, reason: "is a public key; export signs with the private key (keygen writes it as signing.key.pem)")
        }
        if info.st_mode & 0o077 != 0 {
            throw EvidenceError.unusableKey(file: path, reason: String(format: "private key is readable by group or others (mode %03o); run chmod 600 %@",
                                                                     info.st_mode & 0o777, path))
        }
        try self.init(key: try SigningKey(pemFile: path))
    }

    /// Signs with a key already loaded.
    public init(key: SigningKey) throws {
        self.key = key
        publicKey = try key.publicKey()
        keyID = try publicKey.keyID()
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] { try key.sign(message) }

    public var provenance: Manifest.Signer.Provenance { .init(kind: "pem-file") }
}

/// An RFC 3161 time-stamping authority: a token over the SHA-256 of `SHA256SUMS.sig` (SPEC §10). No conforming type
/// yet; the seal stage stores what one returns as `SHA256SUMS.sig.tsr` and `tsa-chain.pem`.
public protocol Timestamper {
    /// The token and the TSA's certificate chain (PEM) for `signature`.
    func timestamp(_ signature: [UInt8]) throws -> (token: [UInt8], chain: [UInt8])
}
