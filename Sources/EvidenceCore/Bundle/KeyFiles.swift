import EvidenceCrypto
import Foundation

/// Writes a new signing key pair: `signing.key.pem` (mode 0600, never overwritten) and `signing.pub.pem`.
public enum KeyFiles {
    public static let privateName = "signing.key.pem"
    public static let publicName = "signing.pub.pem"

    /// Makes a key pair in `folder` (created if missing) and returns the public key's id.
    public static func generate(_ algorithm: SignatureAlgorithm, in folder: String) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let privatePath = folder + "/" + privateName
        let publicPath = folder + "/" + publicName
        for path in [privatePath, publicPath] where FileManager.default.fileExists(atPath: path) {
            throw EvidenceError.unwritable(path: path, reason: "already exists; refusing to overwrite a key")
        }
        let key = try SigningKey.generate(algorithm)
        let publicKey = try key.publicKey()
        // O_EXCL with mode 0600: the private key is never readable by others, not even for a moment.
        try create(privatePath, Array(try key.privateKeyPEM().utf8), mode: 0o600)
        do {
            try create(publicPath, Array(try publicKey.pem().utf8), mode: 0o644)
        } catch {
            unlink(privatePath)
            throw error
        }
        return try publicKey.keyID()
    }

    private static func create(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(EvidenceError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, mode)
        guard descriptor >= 0 else { throw EvidenceError.unwritable(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        // The umask may have narrowed the mode; set it exactly.
        _ = fchmod(descriptor, mode)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw EvidenceError.unwritable(path: path, reason: String(cString: strerror(errno))) }
    }
}
