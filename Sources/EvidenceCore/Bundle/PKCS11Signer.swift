import EvidenceCrypto
import Foundation
import PKCS11Kit

/// An RFC 7512 PKCS #11 URI as `--key` takes it:
/// `pkcs11:token=evidence;object=signing?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=env:PKCS11_PIN`.
/// The PIN comes from `pin-source` (`env:VAR`, or `file:PATH`); `pin-value` is refused, since a PIN in a command
/// line is seen by every user of the machine and lands in shell history.
public struct PKCS11URI: Sendable, Equatable {
    public let token: String
    public let object: String
    public let modulePath: String
    public let pinSource: String

    public static func isURI(_ text: String) -> Bool { text.hasPrefix("pkcs11:") }

    public init(_ text: String) throws(EvidenceError) {
        func refuse(_ reason: String) -> EvidenceError { .invalidArgument(flag: "--key", value: Self.redacted(text), reason: reason) }
        guard Self.isURI(text) else { throw refuse("expected a pkcs11: URI") }
        let body = text.dropFirst("pkcs11:".count)
        let parts = body.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = [String: String](), query = [String: String]()
        for (text, separator, into) in [(parts[0], ";" as Character, 0), (parts.count > 1 ? parts[1] : "", "&" as Character, 1)] {
            for attribute in text.split(separator: separator) {
                let pair = attribute.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard pair.count == 2, let name = pair[0].removingPercentEncoding, let value = pair[1].removingPercentEncoding else {
                    throw refuse("'\(attribute)' is not NAME=VALUE")
                }
                if into == 0 { path[name] = value } else { query[name] = value }
            }
        }
        if query["pin-value"] != nil || path["pin-value"] != nil {
            throw refuse("pin-value puts the PIN in the command line; give pin-source=env:VAR instead")
        }
        guard let token = path["token"], !token.isEmpty else { throw refuse("no token= (the token's label)") }
        guard let object = path["object"], !object.isEmpty else { throw refuse("no object= (the key's label)") }
        guard let module = query["module-path"], module.hasPrefix("/") else { throw refuse("no module-path= (the PKCS #11 module, an absolute path)") }
        guard let pin = query["pin-source"], pin.hasPrefix("env:") || pin.hasPrefix("file:") else {
            throw refuse("no pin-source=env:VAR or pin-source=file:PATH for the user PIN")
        }
        self.token = token
        self.object = object
        modulePath = module
        pinSource = pin
    }

    /// The URI with any `pin-value` taken out, for messages.
    static func redacted(_ text: String) -> String {
        text.replacingOccurrences(of: #"pin-value=[^&;]*"#, with: "pin-value=REDACTED", options: .regularExpression)
    }

    /// How messages name the key: token and object, never the PIN.
    public var described: String { "pkcs11:token=\(token);object=\(object)" }

    /// The user PIN, read from where `pin-source` says; never kept beyond the login.
    func pin(environment: [String: String]) throws(EvidenceError) -> String {
        if pinSource.hasPrefix("env:") {
            let name = String(pinSource.dropFirst("env:".count))
            guard let pin = environment[name], !pin.isEmpty else {
                throw EvidenceError.invalidArgument(flag: "--key", value: described, reason: "pin-source names \(name), which is not set")
            }
            return pin
        }
        var path = String(pinSource.dropFirst("file:".count))
        if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
        let text = String(decoding: try readInput(path), as: UTF8.self)
        return text.hasSuffix("\n") ? String(text.dropLast()) : text
    }
}

/// A signer whose private key stays on a PKCS #11 token (an HSM, SoftHSM2): Ed25519 with `CKM_EDDSA`, ECDSA
/// P-256 with `CKM_ECDSA` over the SHA-256 (r‖s turned into the DER openssl expects), RSA-PSS with
/// `CKM_SHA256_RSA_PKCS_PSS`. The public key is read from the token's public key object of the same label.
public final class PKCS11Signer: BundleSigner {
    public let uri: PKCS11URI
    public let algorithm: SignatureAlgorithm
    public let publicKey: PublicKey
    public let keyID: String
    private let token: PKCS11Token

    public init(uri: PKCS11URI, environment: [String: String]) throws {
        self.uri = uri
        token = try PKCS11Token(module: uri.modulePath, token: uri.token, object: uri.object, pin: try uri.pin(environment: environment),
                                subject: uri.described)
        let der: [UInt8]
        switch token.keyType {
        case .ed25519:
            algorithm = .ed25519
            let point = DER.octetStringContents(try token.publicAttribute(.ecPoint))
            guard point.count == 32 else { throw EvidenceError.unusableKey(file: uri.described, reason: "an Ed25519 public key of \(point.count) bytes") }
            der = DER.sequence([DER.sequence([DER.oid([0x2B, 0x65, 0x70])]), DER.bitString(point)])
        case .ecdsa:
            algorithm = .ecdsaP256
            let prime256v1: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
            guard try token.publicAttribute(.ecParams) == prime256v1 else {
                throw EvidenceError.unusableKey(file: uri.described, reason: "an ECDSA key on a curve other than P-256")
            }
            let point = DER.octetStringContents(try token.publicAttribute(.ecPoint))
            guard point.count == 65, point.first == 0x04 else { throw EvidenceError.unusableKey(file: uri.described, reason: "not an uncompressed P-256 point") }
            der = DER.sequence([DER.sequence([DER.oid([0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01]), prime256v1]), DER.bitString(point)])
        case .rsa:
            algorithm = .rsaPSS
            let modulus = try token.publicAttribute(.modulus)
            guard modulus.drop(while: { $0 == 0 }).count * 8 >= 2048 else {
                throw EvidenceError.unusableKey(file: uri.described, reason: "an RSA key under 2048 bits is too weak")
            }
            let key = DER.sequence([DER.integer(modulus), DER.integer(try token.publicAttribute(.publicExponent))])
            der = DER.sequence([DER.sequence([DER.oid([0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01]), [0x05, 0x00]]), DER.bitString(key)])
        }
        publicKey = try PublicKey(der: der, source: uri.described)
        keyID = try publicKey.keyID()
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        switch algorithm {
        case .ed25519:
            return try token.sign(message, .eddsa)
        case .ecdsaP256:
            let raw = try token.sign(try SHA256.hash(message).bytes, .ecdsa)
            guard raw.count == 64 else { throw EvidenceError.unusableKey(file: uri.described, reason: "the token's ECDSA signature is \(raw.count) bytes, not r‖s of 64") }
            return DER.sequence([DER.integer(Array(raw.prefix(32))), DER.integer(Array(raw.suffix(32)))])
        case .rsaPSS:
            return try token.sign(message, .rsaPSSSHA256)
        }
    }

    /// Where the key lives, for the manifest: token label and serial, object label. Nothing secret.
    public var provenance: Manifest.Signer.Provenance {
        .init(kind: "pkcs11", token: token.tokenLabel, tokenSerial: token.tokenSerial, object: token.objectLabel)
    }
}

/// The little DER (X.690) a public key and an ECDSA signature need.
enum DER {
    static func length(_ count: Int) -> [UInt8] {
        if count < 0x80 { return [UInt8(count)] }
        var bytes = [UInt8]()
        var rest = count
        while rest > 0 { bytes.insert(UInt8(rest & 0xFF), at: 0); rest >>= 8 }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func tagged(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] { [tag] + length(content.count) + content }
    static func sequence(_ items: [[UInt8]]) -> [UInt8] { tagged(0x30, items.flatMap { $0 }) }
    static func oid(_ encoded: [UInt8]) -> [UInt8] { tagged(0x06, encoded) }
    static func bitString(_ bytes: [UInt8]) -> [UInt8] { tagged(0x03, [0x00] + bytes) }

    /// An unsigned big-endian integer: leading zeros dropped, one put back when the high bit is set.
    static func integer(_ unsigned: [UInt8]) -> [UInt8] {
        var bytes = Array(unsigned.drop { $0 == 0 })
        if bytes.isEmpty || bytes[0] & 0x80 != 0 { bytes.insert(0, at: 0) }
        return tagged(0x02, bytes)
    }

    /// `CKA_EC_POINT` is a DER OCTET STRING holding the point; some modules give the point bare.
    static func octetStringContents(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x04 else { return bytes }
        var index = 1
        var count = Int(bytes[1])
        index = 2
        if count & 0x80 != 0 {
            let size = count & 0x7F
            guard size <= 2, bytes.count >= 2 + size else { return bytes }
            count = bytes[2..<(2 + size)].reduce(0) { $0 << 8 | Int($1) }
            index = 2 + size
        }
        return bytes.count == index + count ? Array(bytes[index...]) : bytes
    }
}
