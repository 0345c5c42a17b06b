import COpenSSL
import EvidenceErrors

/// What went wrong in the crypto layer, each case with a one-line message.
public enum CryptoError: ReportableError, Equatable {
    /// A libcrypto call failed; `errors` is OpenSSL's whole error queue at that moment, oldest first.
    case openssl(function: String, errors: [String])
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// A PEM file held no key we can use.
    case invalidKey(source: String, reason: String)
    /// The file is not a PEM key of the kind asked for (`private`, `public`).
    case notPEM(source: String, kind: String)
    /// The key's algorithm is not Ed25519, ECDSA P-256 or RSA.
    case unsupportedKey(source: String, reason: String)

    public var description: String {
        switch self {
        case .openssl(let function, let errors):
            return "\(function) failed: " + (errors.isEmpty ? "no error reported by openssl" : errors.joined(separator: "; "))
        case .unreadable(let path, let reason):
            return "\(path): cannot read: \(reason)"
        case .invalidKey(let source, let reason):
            return "\(source): not a usable key: \(reason)"
        case .notPEM(let source, let kind):
            return "\(source): not a PEM \(kind) key"
        case .unsupportedKey(let source, let reason):
            return "\(source): unsupported key: \(reason)"
        }
    }
}

/// Drains OpenSSL's error queue into readable strings, so a failure reports every cause, not just the last one.
func drainOpenSSLErrors() -> [String] {
    var errors = [String]()
    while true {
        let code = ERR_get_error()
        if code == 0 { break }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        errors.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
    return errors
}

/// Checks a libcrypto return value (1 = success); on failure throws with the whole error queue.
func check(_ result: Int32, _ function: String) throws(CryptoError) {
    guard result == 1 else { throw CryptoError.openssl(function: function, errors: drainOpenSSLErrors()) }
}

/// Unwraps a libcrypto pointer result; nil throws with the whole error queue.
func check<T>(_ pointer: T?, _ function: String) throws(CryptoError) -> T {
    guard let pointer else { throw CryptoError.openssl(function: function, errors: drainOpenSSLErrors()) }
    return pointer
}
