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

/// Region and credentials as the AWS tools find them: `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; else the profile (`AWS_PROFILE`, or `default`) of
/// `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`). Never written.
struct AWSEnvironment {
    let region: String?
    let credentials: SigV4.Credentials?

    init(_ environment: [String: String]) {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let profile = environment["AWS_PROFILE"] ?? "default"
        let credentialsFile = Self.ini(environment["AWS_SHARED_CREDENTIALS_FILE"] ?? home + "/.aws/credentials")[profile] ?? [:]
        let config = Self.ini(environment["AWS_CONFIG_FILE"] ?? home + "/.aws/config")
        let configProfile = config[profile == "default" ? "default" : "profile " + profile] ?? [:]
        region = [environment["AWS_REGION"], environment["AWS_DEFAULT_REGION"], configProfile["region"]].compactMap { $0 }.first { !$0.isEmpty }
        if let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty, !secret.isEmpty {
            credentials = SigV4.Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
        } else if let id = credentialsFile["aws_access_key_id"], let secret = credentialsFile["aws_secret_access_key"] {
            credentials = SigV4.Credentials(accessKeyID: id, secretAccessKey: secret, sessionToken: credentialsFile["aws_session_token"])
        } else {
            credentials = nil
        }
    }

    /// `[section]` → key → value of an AWS INI file; empty when it does not exist.
    static func ini(_ path: String) -> [String: [String: String]] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var sections = [String: [String: String]]()
        var current = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") { current = String(line.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces); continue }
            let pair = line.split(separator: "=", maxSplits: 1)
            if pair.count == 2 { sections[current, default: [:]][pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces) }
        }
        return sections
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
    private let region: String
    private let credentials: SigV4.Credentials
    private let transport = HTTPTransport(timeout: 30)

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
        self.region = region
        self.credentials = credentials
        endpoint = URL(string: uri.endpoint ?? "https://kms.\(region).amazonaws.com")!
        let answer = try Self.call(endpoint: endpoint, region: region, credentials: credentials, transport: transport, uri: uri,
                                   action: "GetPublicKey", ["KeyId": uri.keyID])
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
        let (_, arn) = try Self.signDigest(Array("git-evidence key check".utf8), endpoint: endpoint, region: region, credentials: credentials,
                                           transport: transport, uri: uri, algorithm: algorithm, publicKey: publicKey)
        keyARN = arn
    }

    public func sign(_ message: [UInt8]) throws -> [UInt8] {
        let (signature, arn) = try Self.signDigest(message, endpoint: endpoint, region: region, credentials: credentials, transport: transport,
                                                   uri: uri, algorithm: algorithm, publicKey: publicKey)
        guard arn == keyARN else {
            throw EvidenceError.unusableKey(file: uri.described, reason: "Sign used \(arn), not the key it used before (\(keyARN))")
        }
        return signature
    }

    /// `Sign` over the SHA-256 of `message`, checked against the public key; the signature and the key ARN.
    private static func signDigest(_ message: [UInt8], endpoint: URL, region: String, credentials: SigV4.Credentials, transport: HTTPTransport,
                                   uri: KMSKeyURI, algorithm: SignatureAlgorithm, publicKey: PublicKey) throws -> ([UInt8], String) {
        let digest = try SHA256.hash(message).bytes
        let answer = try call(endpoint: endpoint, region: region, credentials: credentials, transport: transport, uri: uri, action: "Sign", [
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
    private static func call(endpoint: URL, region: String, credentials: SigV4.Credentials, transport: HTTPTransport, uri: KMSKeyURI,
                             action: String, _ fields: [String: String]) throws -> [String: Any] {
        let body = [UInt8](try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]))
        let host = endpoint.host! + (endpoint.port.map { ":\($0)" } ?? "")
        var attempt = 0
        while true {
            attempt += 1
            let request = SigV4.Request(method: "POST", path: "/", headers: [
                ("Host", host), ("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "TrentService.\(action)"),
            ], body: body)
            let signed = try SigV4.sign(request, credentials: credentials, region: region, service: "kms", time: Int64(Date().timeIntervalSince1970))
            var headers = [String: String]()
            for (name, value) in signed.headers where name != "Host" { headers[name] = value }
            let response: HTTPResponse
            do {
                response = try transport.send(method: "POST", url: endpoint.absoluteString + "/", headers: headers, body: body)
            } catch {
                guard attempt < 3 else { throw EvidenceError.unusableKey(file: uri.described, reason: "AWS KMS at \(endpoint.absoluteString) could not be reached: \(error.reason)") }
                Thread.sleep(forTimeInterval: Double(attempt))
                continue
            }
            if response.status >= 500, attempt < 3 {
                Thread.sleep(forTimeInterval: Double(attempt))
                continue
            }
            let answer = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
            guard response.status == 200 else {
                // JSON errors name their __type; an authentication failure may come as an XML ErrorResponse.
                let text = String(decoding: response.body.prefix(4000), as: UTF8.self)
                let xmlCode = text.range(of: "<Code>").flatMap { start in text.range(of: "</Code>").map { String(text[start.upperBound..<$0.lowerBound]) } }
                let type = (answer["__type"] as? String ?? xmlCode ?? "").split(separator: "#").last.map(String.init) ?? ""
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
}

extension KMSKeyURI {
    /// How messages name the key.
    public var described: String { "awskms:///\(keyID)" }
}
