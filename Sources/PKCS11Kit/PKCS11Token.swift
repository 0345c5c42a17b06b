import CPKCS11
import EvidenceErrors

/// What a PKCS #11 module said, named: the CK_RV's name from the standard and the call that returned it.
public struct PKCS11Error: ReportableError, Equatable {
    public let call: String
    public let code: UInt
    /// What the module, URI or token is (the URI without any PIN), for the message.
    public let subject: String

    public var description: String {
        switch code {
        case UInt(GIT_EVIDENCE_P11_NO_MODULE): "\(subject): \(call)"
        case UInt(GIT_EVIDENCE_P11_NOT_FOUND): "\(subject): \(call)"
        case UInt(CKR_PIN_INCORRECT): "\(subject): the token refused the PIN (CKR_PIN_INCORRECT)"
        case UInt(CKR_PIN_LOCKED): "\(subject): the token's PIN is locked (CKR_PIN_LOCKED)"
        default: "\(subject): \(call) failed: \(Self.name(code)) (0x\(String(code, radix: 16)))"
        }
    }

    /// The names of the return values a signer meets (PKCS #11 v3.0 §5.1).
    static func name(_ code: UInt) -> String {
        let names: [UInt: String] = [
            0x0: "CKR_OK", 0x1: "CKR_CANCEL", 0x2: "CKR_HOST_MEMORY", 0x3: "CKR_SLOT_ID_INVALID", 0x5: "CKR_GENERAL_ERROR",
            0x6: "CKR_FUNCTION_FAILED", 0x7: "CKR_ARGUMENTS_BAD", 0x30: "CKR_DEVICE_ERROR", 0x31: "CKR_DEVICE_MEMORY",
            0x32: "CKR_DEVICE_REMOVED", 0x54: "CKR_FUNCTION_NOT_SUPPORTED", 0x60: "CKR_KEY_HANDLE_INVALID",
            0x63: "CKR_KEY_TYPE_INCONSISTENT", 0x68: "CKR_KEY_FUNCTION_NOT_PERMITTED", 0x70: "CKR_MECHANISM_INVALID",
            0x71: "CKR_MECHANISM_PARAM_INVALID", 0x82: "CKR_OBJECT_HANDLE_INVALID", 0x90: "CKR_OPERATION_ACTIVE",
            0x91: "CKR_OPERATION_NOT_INITIALIZED", 0xA0: "CKR_PIN_INCORRECT", 0xA1: "CKR_PIN_INVALID", 0xA2: "CKR_PIN_LEN_RANGE",
            0xA3: "CKR_PIN_EXPIRED", 0xA4: "CKR_PIN_LOCKED", 0xB0: "CKR_SESSION_CLOSED", 0xB1: "CKR_SESSION_COUNT",
            0xB3: "CKR_SESSION_HANDLE_INVALID", 0xE0: "CKR_TOKEN_NOT_PRESENT", 0xE1: "CKR_TOKEN_NOT_RECOGNIZED",
            0x100: "CKR_USER_ALREADY_LOGGED_IN", 0x101: "CKR_USER_NOT_LOGGED_IN", 0x102: "CKR_USER_PIN_NOT_INITIALIZED",
            0x103: "CKR_USER_TYPE_INVALID", 0x150: "CKR_BUFFER_TOO_SMALL", 0x190: "CKR_CRYPTOKI_NOT_INITIALIZED",
            0x191: "CKR_CRYPTOKI_ALREADY_INITIALIZED",
        ]
        return names[code] ?? "CKR_VENDOR_OR_UNKNOWN"
    }
}

/// A private key on a PKCS #11 token, with the module loaded, a session open and the user logged in for as long
/// as this lives: all three are released in `deinit`, in reverse order. No PKCS #11 type leaves this module.
public final class PKCS11Token {
    /// The key types a signer handles (`CKA_KEY_TYPE`, never the curve's encoding: OpenSC writes Ed25519's
    /// parameters as the string "edwards25519").
    public enum KeyType: Sendable, Equatable {
        case ed25519, ecdsa, rsa
    }

    public let tokenLabel: String
    public let tokenSerial: String
    public let objectLabel: String
    public let keyType: KeyType
    private let functions: CK_FUNCTION_LIST_PTR
    private let library: UnsafeMutableRawPointer
    private let session: CK_SESSION_HANDLE
    private let privateKey: CK_OBJECT_HANDLE
    private let publicKeyObject: CK_OBJECT_HANDLE
    private let subject: String

    /// Loads `module`, opens the token labelled `token`, logs in with `pin` and finds the private key and the
    /// public key labelled `object`. `subject` names the key in messages (never the PIN).
    public init(module: String, token: String, object: String, pin: String, subject: String) throws(PKCS11Error) {
        self.subject = subject
        var library: UnsafeMutableRawPointer?
        var functions: CK_FUNCTION_LIST_PTR?
        let loaded = git_evidence_p11_load(module, &library, &functions)
        guard loaded == CKR_OK, let library, let functions else {
            let reason = loaded == GIT_EVIDENCE_P11_NO_MODULE
                ? "cannot load the PKCS #11 module \(module): " + (git_evidence_p11_dlerror().map { String(cString: $0) } ?? "no C_GetFunctionList")
                : "C_Initialize"
            throw PKCS11Error(call: reason, code: UInt(loaded), subject: subject)
        }
        // From here every failure unloads what was loaded.
        var slot = CK_SLOT_ID(0)
        var serial = [CChar](repeating: 0, count: 17)
        var opened = CK_SESSION_HANDLE(0)
        func fail(_ call: String, _ code: CK_RV, session: Bool = false) -> PKCS11Error {
            if session { git_evidence_p11_close(functions, opened) }
            git_evidence_p11_unload(functions, library)
            return PKCS11Error(call: call, code: UInt(code), subject: subject)
        }
        var rv = git_evidence_p11_find_token(functions, token, &slot, &serial)
        if rv == GIT_EVIDENCE_P11_NOT_FOUND { throw fail("no token labelled '\(token)' in \(module)", rv) }
        if rv != CKR_OK { throw fail("C_GetSlotList", rv) }
        rv = git_evidence_p11_open(functions, slot, &opened)
        if rv != CKR_OK { throw fail("C_OpenSession", rv) }
        rv = git_evidence_p11_login(functions, opened, pin, CK_ULONG(pin.utf8.count))
        if rv != CKR_OK { throw fail("C_Login", rv, session: true) }

        var key = CK_OBJECT_HANDLE(0), publicKey = CK_OBJECT_HANDLE(0), count = CK_ULONG(0)
        rv = git_evidence_p11_find_object(functions, opened, CK_OBJECT_CLASS(CKO_PRIVATE_KEY), object, &key, &count)
        if rv != CKR_OK { throw fail("C_FindObjects", rv, session: true) }
        if count == 0 { throw fail("no private key labelled '\(object)' on token '\(token)'", CK_RV(GIT_EVIDENCE_P11_NOT_FOUND), session: true) }
        if count > 1 { throw fail("more than one private key labelled '\(object)' on token '\(token)'", CK_RV(GIT_EVIDENCE_P11_NOT_FOUND), session: true) }
        rv = git_evidence_p11_find_object(functions, opened, CK_OBJECT_CLASS(CKO_PUBLIC_KEY), object, &publicKey, &count)
        if rv != CKR_OK { throw fail("C_FindObjects", rv, session: true) }
        if count != 1 { throw fail("no single public key labelled '\(object)' on token '\(token)' (the bundle must name it)", CK_RV(GIT_EVIDENCE_P11_NOT_FOUND), session: true) }

        var type = CK_KEY_TYPE(0)
        var length = CK_ULONG(MemoryLayout<CK_KEY_TYPE>.size)
        rv = git_evidence_p11_attribute(functions, opened, key, CK_ATTRIBUTE_TYPE(CKA_KEY_TYPE), &type, &length)
        if rv != CKR_OK { throw fail("C_GetAttributeValue(CKA_KEY_TYPE)", rv, session: true) }
        switch type {
        case CK_KEY_TYPE(CKK_EC_EDWARDS): keyType = .ed25519
        case CK_KEY_TYPE(CKK_EC): keyType = .ecdsa
        case CK_KEY_TYPE(CKK_RSA): keyType = .rsa
        default: throw fail("the key '\(object)' is of type 0x\(String(type, radix: 16)), not Ed25519, ECDSA or RSA", CK_RV(GIT_EVIDENCE_P11_NOT_FOUND), session: true)
        }
        self.functions = functions
        self.library = library
        self.session = opened
        self.privateKey = key
        self.publicKeyObject = publicKey
        tokenLabel = token
        tokenSerial = String(decoding: serial.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        objectLabel = object
    }

    deinit {
        git_evidence_p11_close(functions, session)
        git_evidence_p11_unload(functions, library)
    }

    /// Public-key attributes: `ec_point` (CKA_EC_POINT, as the module stores it), `ec_params`, `modulus`,
    /// `public_exponent`.
    public enum Attribute: Sendable {
        case ecPoint, ecParams, modulus, publicExponent

        var type: CK_ATTRIBUTE_TYPE {
            switch self {
            case .ecPoint: CK_ATTRIBUTE_TYPE(CKA_EC_POINT)
            case .ecParams: CK_ATTRIBUTE_TYPE(CKA_EC_PARAMS)
            case .modulus: CK_ATTRIBUTE_TYPE(CKA_MODULUS)
            case .publicExponent: CK_ATTRIBUTE_TYPE(CKA_PUBLIC_EXPONENT)
            }
        }
    }

    /// One attribute of the public key object.
    public func publicAttribute(_ attribute: Attribute) throws(PKCS11Error) -> [UInt8] {
        var length = CK_ULONG(0)
        var rv = git_evidence_p11_attribute(functions, session, publicKeyObject, attribute.type, nil, &length)
        guard rv == CKR_OK else { throw PKCS11Error(call: "C_GetAttributeValue", code: UInt(rv), subject: subject) }
        var value = [UInt8](repeating: 0, count: Int(length))
        rv = value.withUnsafeMutableBytes { git_evidence_p11_attribute(functions, session, publicKeyObject, attribute.type, $0.baseAddress, &length) }
        guard rv == CKR_OK else { throw PKCS11Error(call: "C_GetAttributeValue", code: UInt(rv), subject: subject) }
        return Array(value.prefix(Int(length)))
    }

    /// The mechanisms a signer uses.
    public enum Mechanism: Sendable {
        /// Pure Ed25519 over the message (`CKM_EDDSA`).
        case eddsa
        /// ECDSA over a digest the caller made (`CKM_ECDSA`): r‖s, each as long as the curve.
        case ecdsa
        /// RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt over the message (`CKM_SHA256_RSA_PKCS_PSS`).
        case rsaPSSSHA256
    }

    /// The token's signature over `data`.
    public func sign(_ data: [UInt8], _ mechanism: Mechanism) throws(PKCS11Error) -> [UInt8] {
        let (type, pss): (CK_MECHANISM_TYPE, Int32) = switch mechanism {
        case .eddsa: (CK_MECHANISM_TYPE(CKM_EDDSA), 0)
        case .ecdsa: (CK_MECHANISM_TYPE(CKM_ECDSA), 0)
        case .rsaPSSSHA256: (CK_MECHANISM_TYPE(CKM_SHA256_RSA_PKCS_PSS), 1)
        }
        // One call into a buffer large enough for RSA-16384: a length query would leave the operation active.
        var signature = [UInt8](repeating: 0, count: 2048)
        var length = CK_ULONG(signature.count)
        let rv = signature.withUnsafeMutableBytes { buffer in
            git_evidence_p11_sign(functions, session, privateKey, type, pss, data, CK_ULONG(data.count),
                                  buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
        }
        guard rv == CKR_OK else { throw PKCS11Error(call: "C_Sign", code: UInt(rv), subject: subject) }
        return Array(signature.prefix(Int(length)))
    }
}
