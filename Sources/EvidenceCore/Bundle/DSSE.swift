import EvidenceCrypto
import Foundation

/// Dead Simple Signing Envelope (DSSE v1) carrying an in-toto Statement v1.
public enum DSSE {
    /// The payload type of an in-toto statement.
    public static let inTotoPayloadType = "application/vnd.in-toto+json"

    /// Pre-Authentication Encoding: `DSSEv1 SP LEN(type) SP type SP LEN(body) SP body`, lengths in bytes as
    /// ASCII decimal. This, not the payload, is what is signed.
    public static func preAuthenticationEncoding(payloadType: String, payload: [UInt8]) -> [UInt8] {
        let type = Array(payloadType.utf8)
        return Array("DSSEv1 \(type.count) ".utf8) + type + Array(" \(payload.count) ".utf8) + payload
    }

    /// A signed envelope.
    public struct Envelope: Codable, Sendable, Equatable {
        public struct Signature: Codable, Sendable, Equatable {
            public let keyid: String
            public let sig: String
        }

        public let payloadType: String
        /// Base64 (standard alphabet) of the payload bytes.
        public let payload: String
        public let signatures: [Signature]

        /// The payload bytes, nil when `payload` is not valid base64.
        public var payloadBytes: [UInt8]? { Data(base64Encoded: payload).map { [UInt8]($0) } }
    }

    /// Signs `payload` under `payloadType`; the signature names the signer's key id.
    public static func sign(payload: [UInt8], payloadType: String, signer: any BundleSigner) throws -> Envelope {
        let signature = try signer.sign(preAuthenticationEncoding(payloadType: payloadType, payload: payload))
        return Envelope(payloadType: payloadType, payload: Data(payload).base64EncodedString(),
                        signatures: [.init(keyid: signer.keyID, sig: Data(signature).base64EncodedString())])
    }
}

/// An in-toto Statement v1: what the attestation says about which files. Its predicate is the bundle's summary
/// (`BundleStatement`) or a roll-up's (`RollupStatement`).
public struct InTotoStatement<Predicate: Codable & Sendable & Equatable>: Codable, Sendable, Equatable {
    public struct Subject: Codable, Sendable, Equatable {
        public let name: String
        public let digest: [String: String]
    }

    public static var type: String { "https://in-toto.io/Statement/v1" }

    public let type: String
    public let subject: [Subject]
    public let predicateType: String
    public let predicate: Predicate

    enum CodingKeys: String, CodingKey {
        case type = "_type"
        case subject, predicateType, predicate
    }

    public init(subject: [Subject], predicateType: String, predicate: Predicate) {
        self.type = Self.type
        self.subject = subject
        self.predicateType = predicateType
        self.predicate = predicate
    }
}

/// An evidence bundle's statement: the manifest's summary.
public typealias BundleStatement = InTotoStatement<BundleSummary>

extension InTotoStatement where Predicate == BundleSummary {
    /// Our predicate: the manifest's summary of the evidence bundle.
    public static var predicateType: String { "https://git-evidence.dev/evidence-bundle/v1" }
}
