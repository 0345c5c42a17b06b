import EvidenceCrypto
import Foundation
import Yams

/// A public key the auditor trusts, with the period in which it may have signed.
public struct TrustedKey: Sendable {
    /// Where it came from, for messages.
    public let name: String
    public let der: [UInt8]
    public let keyID: String
    /// First second the key may sign, if limited.
    public let notBefore: Int64?
    /// First second the key may no longer sign, if limited (exclusive).
    public let notAfter: Int64?

    /// The key as a verifier.
    public func publicKey() throws -> PublicKey { try PublicKey(der: der, source: name) }

    /// True when `time` is inside the key's validity period.
    public func isValid(at time: Int64) -> Bool {
        if let notBefore, time < notBefore { return false }
        if let notAfter, time >= notAfter { return false }
        return true
    }

    /// The period in words.
    public var period: String {
        "\(notBefore.map(Timestamp.iso8601UTC) ?? "any time") to \(notAfter.map(Timestamp.iso8601UTC) ?? "any time")"
    }
}

/// Reads trusted keys: one PEM file (`--key`), or a folder of them (`--trusted-keys`) where `NAME.pem` may have a
/// `NAME.yml` beside it giving its validity, so bundles signed before a key was rotated keep verifying:
///
/// ```yaml
/// not_before: 2025-01-01          # dates (UTC midnight) or ISO 8601 times
/// not_after: 2026-07-01           # exclusive
/// ```
public enum TrustStore {
    public static func load(keyFile path: String) throws -> [TrustedKey] {
        [try key(path, validity: nil)]
    }

    public static func load(folder: String) throws -> [TrustedKey] {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw EvidenceError.unreadable(file: folder, reason: "not a folder of trusted keys")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".pem") }.sorted()
        guard !names.isEmpty else { throw EvidenceError.unreadable(file: folder, reason: "holds no .pem public keys") }
        return try names.map { name in
            let base = folder + "/" + String(name.dropLast(4))
            let validity = [base + ".yml", base + ".yaml"].first { FileManager.default.fileExists(atPath: $0) }
            return try key(folder + "/" + name, validity: validity)
        }
    }

    private static func key(_ path: String, validity: String?) throws -> TrustedKey {
        try requireRegularFile(path)
        let publicKey = try PublicKey(pemFile: path)
        let (notBefore, notAfter) = try validity.map { file throws in try period(of: [UInt8](try readInput(file)), file: file) } ?? (nil, nil)
        return TrustedKey(name: path, der: publicKey.der, keyID: try publicKey.keyID(), notBefore: notBefore, notAfter: notAfter)
    }

    /// The `not_before` / `not_after` of a key's `NAME.yml`; `file` names it in errors.
    static func period(of bytes: [UInt8], file: String) throws(EvidenceError) -> (notBefore: Int64?, notAfter: Int64?) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw EvidenceError.unreadable(file: file, reason: "not readable UTF-8 text")
        }
        if let line = YAMLAliases.firstAlias(in: text) {
            throw EvidenceError.invalidConfig(file: file, location: "line \(line)", reason: "YAML aliases (*name) are not accepted here")
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch {
            throw EvidenceError.invalidConfig(file: file, location: "", reason: "invalid YAML")
        }
        guard let mapping = node?.mapping else { throw EvidenceError.invalidConfig(file: file, location: "top level", reason: "expected a mapping") }
        var notBefore: Int64?, notAfter: Int64?
        for (keyNode, value) in mapping {
            let field = keyNode.string ?? ""
            guard field == "not_before" || field == "not_after" else {
                throw EvidenceError.invalidConfig(file: file, location: field, reason: "unknown key (expected not_before, not_after)")
            }
            guard let text = value.string, let seconds = Timestamp.parse(text) else {
                throw EvidenceError.invalidConfig(file: file, location: field, reason: "expected a date or ISO 8601 time")
            }
            if field == "not_before" { notBefore = seconds } else { notAfter = seconds }
        }
        return (notBefore, notAfter)
    }
}
