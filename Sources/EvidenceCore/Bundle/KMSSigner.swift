import AWSSigV4
import EvidenceCrypto
import Foundation
import HTTPKit

/// An AWS KMS key as `--key` names it (cosign's convention): `awskms:///alias/NAME`, `awskms:///arn:aws:kms:...`,
/// or `awskms://HOST:PORT/ID` for another endpoint (plain HTTP when HOST is a loopback address, HTTPS otherwise).
public struct KMSKeyURI: Sendable, Equatable {
    /// The key id, alias (`alias/NAME`) or ARN, as given.
    public let keyID: String
    /// `https://kms.REGION.amazonaws.com` unless the URI names a host.
    public let endpoint: String?

    public static func isURI(_ text: String) -> Bool { text.hasPrefix("awskms://") }

    public init(_ text: String) throws(EvidenceError) {
        guard Self.isURI(text) else { throw EvidenceError.invalidArgument(flag: "--key", value: text, reason: "expected an awskms:// URI") }
        let rest = text.dropFirst("awskms://".count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw EvidenceError.invalidArgument(flag: "--key", value: text, reason: "expected awskms:///alias/NAME, awskms:///arn:... or awskms://HOST:PORT/ID")
        }
        let host = String(rest[..<slash])
        let key = String(rest[rest.index(after: slash)...])
        guard !key.isEmpty else { throw EvidenceError.invalidArgument(flag: "--key", value: text, reason: "no key id, alias or ARN") }
        keyID = key
        if host.isEmpty {
            endpoint = nil
        } else {
            let name = host.hasPrefix("[") ? String(host.dropFirst().prefix { $0 != "]" }) : String(host.prefix { $0 != ":" })
            let loopback = name == "localhost" || name == "::1" || name.hasPrefix("127.")
            endpoint = (loopback ? "http://" : "https://") + host
        }
    }

    /// The region an ARN names (`arn:aws:kms:REGION:...`).
    var arnRegion: String? {
        let parts = keyID.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count > 4 && parts[0] == "arn" && parts[2] == "kms" ? String(parts[3]) : nil
    }
}

/// A signer whose key stays in AWS KMS: `GetPublicKey` once, then `Sign` with `MessageType=DIGEST` over the
/// SHA-256 of the signed bytes (KMS takes at most 4096 bytes as RAW, and SHA256SUMS is larger): ECDSA P-256
/// (`ECDSA_SHA_256`, DER as openssl expects) or RSA-PSS (`RSASSA_PSS_SHA_256`, salt as long as the digest). Every
/// signature is checked against the public key before it is used. Requests are signed with SigV4 by our own code.
public final class KMSSigner: BundleSigner {
    public let uri: KMSKeyURI
    public let algorithm: SignatureAlgorithm
    public let publicKey: PublicKey
    public let keyID: String
    /// The key's ARN, as KMS returned it.
    public let keyARN: String
    private let endpoint: URL
    private let requester: AWSRequester

    public init(uri: KMSKeyURI, environment: [String: String]) throws {
        self.uri = uri
        let aws = AWSEnvironment(environment)
        guard let region = uri.arnRegion ?? aws.region else {
            throw EvidenceError.invalidArgument(flag: "--key", value: "awskms:///\(uri.keyID)", reason: "no AWS region: set AWS_REGION or give the key's ARN")
        }
        guard let credentials = aws.credentials else {
            throw EvidenceError.invalidArgument(flag: "--key", value: "awskms:///\(uri.keyID)",
                                                reason: "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in ~/.aws/credentials")
        }
        endpoint = URL(string: uri.endpoint ?? "https://kms.\(region).amazonaws.com")!
        requester = AWSRequester(credentials: credentials, region: region, service: "kms", timeout: 30, attempts: 3, wait: { Double($0) })
        let answer = try Self.call(requester, endpoint: endpoint, uri: uri, action: "GetPublicKey", ["KeyId": uri.keyID])
        guard let der = (answer["PublicKey"] as? String).flatMap({ Data(base64Encoded: $0) }) else {
            throw EvidenceError.unusableKey(file: uri.described, reason: "GetPublicKey answered without a public key")
        }
        let algorithms = answer["SigningAlgorithms"] as? [String] ?? []
        // KeySpec, or its older name, which KMS still returns beside it.
        switch answer["KeySpec"] as? String ?? answer["CustomerMasterKeySpec"] as? String ?? "" {
        case "ECC_NIST_P256" where algorithms.contains("ECDSA_SHA_256"): algorithm = .ecdsaP256
        case let spec where spec.hasPrefix("RSA_") && algorithms.contains("RSASSA_PSS_SHA_256"): algorithm = .rsaPSS
        case let spec:
            throw EvidenceError.unusableKey(file: uri.described, reason: "a \(spec.isEmpty ? "key without a KeySpec" : spec) key; git-evidence signs with ECC_NIST_P256 or RSA keys")
        }
        publicKey = try PublicKey(der: [UInt8](der), source: uri.described)
        keyID = try publicKey.keyID()
        // A first signature before any work: the credentials may sign with this key, and Sign names its ARN.
        let (_, arn) = try Self.signDigest(Array("git-evidence key check".utf8), requester, endpoint: endpoint, uri: uri, algorithm: algorithm,
                                           publicKey: publicKey)
        keyARN = arn
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let (signature, arn) = try Self.signDigest(message, requester, endpoint: endpoint, uri: uri, algorithm: algorithm, publicKey: publicKey)
        guard arn == keyARN else {
            throw EvidenceError.unusableKey(file: uri.described, reason: "Sign used \(arn), not the key it used before (\(keyARN))")
        }
        return signature
    }

    /// `Sign` over the SHA-256 of `message`, checked against the public key; the signature and the key ARN.
    private static func signDigest(_ message: [UInt8], _ requester: AWSRequester, endpoint: URL, uri: KMSKeyURI, algorithm: SignatureAlgorithm,
                                   publicKey: PublicKey) throws -> ([UInt8], String) {
        let digest = try SHA256.hash(message).bytes
        let answer = try call(requester, endpoint: endpoint, uri: uri, action: "Sign", [
            "KeyId": uri.keyID, "Message": Data(digest).base64EncodedString(), "MessageType": "DIGEST",
            "SigningAlgorithm": algorithm == .ecdsaP256 ? "ECDSA_SHA_256" : "RSASSA_PSS_SHA_256",
        ])
        guard let signature = (answer["Signature"] as? String).flatMap({ Data(base64Encoded: $0) }).map({ [UInt8]($0) }),
              let arn = answer["KeyId"] as? String else {
            throw EvidenceError.unusableKey(file: uri.described, reason: "Sign answered without a signature or key id")
        }
        guard try publicKey.verify(signature, over: message) else {
            throw EvidenceError.unusableKey(file: uri.described, reason: "KMS returned a signature its own public key does not verify")
        }
        return (signature, arn)
    }

    /// Where the key lives, for the manifest: the ARN and the name it was asked for by. Nothing secret.
    public var provenance: Manifest.Signer.Provenance {
        .init(kind: "awskms", keyARN: keyARN, alias: uri.keyID.hasPrefix("alias/") ? uri.keyID : nil)
    }

    /// One KMS JSON 1.1 call, SigV4-signed; retried on 5xx and dropped connections. A rejected credential or
    /// signature is exit 2 naming the key, never the credentials.
    private static func call(_ requester: AWSRequester, endpoint: URL, uri: KMSKeyURI, action: String, _ fields: [String: String]) throws -> [String: Any] {
        let body = [UInt8](try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
        let response: HTTPResponse
        do {
            response = try requester.send("POST", base: endpoint, path: "/", headers: [
                ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.\(action)"),
            ], body: body, normalize: true, signBody: false)
        } catch let error as HTTPTransportError {
            throw EvidenceError.unusableKey(file: uri.described, reason: "AWS KMS at \(endpoint.absoluteString) could not be reached: \(error.reason)")
        }
        let answer = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        guard response.status == 200 else {
            // JSON errors name their __type; an authentication failure may come as an XML ErrorResponse.
            let type = (answer["__type"] as? String ?? AWSRequester.errorCode(response) ?? "").split(separator: "#").last.map(String.init) ?? ""
            let message = answer["message"] as? String ?? answer["Message"] as? String ?? ""
            let credentialsRejected = response.status == 403 || ["UnrecognizedClientException", "InvalidSignatureException", "AccessDeniedException",
                                                                 "IncompleteSignature", "InvalidClientTokenId", "ExpiredTokenException",
                                                                 "SignatureDoesNotMatch"].contains(type)
            throw EvidenceError.unusableKey(file: uri.described, reason: (credentialsRejected ? "AWS KMS rejected the credentials: " : "KMS \(action) failed: ")
                                            + "\(type.isEmpty ? "HTTP \(response.status)" : type)" + (message.isEmpty ? "" : " (\(message))"))
        }
        return answer
    }
}

extension KMSKeyURI {
    /// How messages name the key.
    public var described: String { "awskms:///\(keyID)" }
}
