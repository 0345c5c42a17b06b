import EvidenceCrypto
import Foundation

/// AWS Signature Version 4 (header signing), over libcrypto's SHA-256 and HMAC, for the KMS signer and the S3
/// archive. Checked case by case against AWS's published signing test suite (`Tests/AWSSigV4Tests`).
public enum SigV4 {
    public struct Credentials: Sendable, Equatable {
        public let accessKeyID: String
        public let secretAccessKey: String
        public let sessionToken: String?

        public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.sessionToken = sessionToken
        }
    }

    /// A request to sign: the method, the path as sent (not yet encoded), the raw query, the headers in order
    /// (a name may repeat) and the body.
    public struct Request: Sendable {
        public var method: String
        public var path: String
        public var query: String
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(method: String, path: String, query: String = "", headers: [(name: String, value: String)], body: [UInt8] = []) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.body = body
        }
    }

    /// What signing produced, with its intermediate steps (the test suite checks each).
    public struct Signed: Sendable {
        public let canonicalRequest: String
        public let stringToSign: String
        public let signature: String
        /// The headers to send: the request's, plus `X-Amz-Date`, the session token, the payload hash when asked,
        /// and `Authorization`.
        public let headers: [(name: String, value: String)]
    }

    /// Signs `request` for `service` in `region` at `time` (seconds since 1970). `normalize` removes `.`/`..`
    /// segments and repeated slashes from the path (every service but S3); `signBody` adds
    /// `X-Amz-Content-SHA256`; `omitSessionToken` adds the token after signing (as STS wants).
    public static func sign(_ request: Request, credentials: Credentials, region: String, service: String, time: Int64,
                            normalize: Bool = true, signBody: Bool = false, omitSessionToken: Bool = false) throws -> Signed {
        let amzDate = Self.format(time, "yyyyMMdd'T'HHmmss'Z'")
        let day = String(amzDate.prefix(8))
        let payloadHash = try SHA256.hash(request.body).hex
        var headers = request.headers
        headers.append(("X-Amz-Date", amzDate))
        if signBody { headers.append(("X-Amz-Content-SHA256", payloadHash)) }
        if let token = credentials.sessionToken, !omitSessionToken { headers.append(("X-Amz-Security-Token", token)) }

        var grouped = [String: [String]]()
        for (name, value) in headers { grouped[name.lowercased(), default: []].append(Self.trim(value)) }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!.joined(separator: ","))\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let canonicalRequest = [request.method, Self.canonicalPath(request.path, normalize: normalize), Self.canonicalQuery(request.query),
                                canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, try SHA256.hash(Array(canonicalRequest.utf8)).hex].joined(separator: "\n")
        var key = try HMACSHA256.mac(key: Array("AWS4\(credentials.secretAccessKey)".utf8), Array(day.utf8))
        for part in [region, service, "aws4_request"] { key = try HMACSHA256.mac(key: key, Array(part.utf8)) }
        let signature = try HMACSHA256.mac(key: key, Array(stringToSign.utf8)).map { String(format: "%02x", $0) }.joined()
        headers.append(("Authorization", "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)"))
        if let token = credentials.sessionToken, omitSessionToken { headers.append(("X-Amz-Security-Token", token)) }
        return Signed(canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature, headers: headers)
    }

    /// Leading and trailing space off, inner runs of spaces (and folded lines) as one space.
    static func trim(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).joined(separator: " ")
    }

    static func canonicalPath(_ path: String, normalize: Bool) -> String {
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        if normalize {
            var kept = [String]()
            for segment in segments.dropFirst() {
                switch segment {
                case "", ".": continue
                case "..": _ = kept.popLast()
                default: kept.append(segment)
                }
            }
            let trailing = path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..")
            segments = [""] + kept + (trailing && !kept.isEmpty ? [""] : [])
            if kept.isEmpty { return "/" }
        }
        let encoded = segments.map(Self.encode).joined(separator: "/")
        return encoded.isEmpty ? "/" : encoded
    }

    static func canonicalQuery(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        let pairs = query.split(separator: "&").map { part -> (String, String) in
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in text.removingPercentEncoding ?? String(text) }
            return (Self.encode(decode(pieces[0])), pieces.count > 1 ? Self.encode(decode(pieces[1])) : "")
        }
        return pairs.sorted { $0.0 == $1.0 ? $0.1 < $1.1 : $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
    }

    /// RFC 3986 percent-encoding of everything but the unreserved characters.
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    static func format(_ time: Int64, _ pattern: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = pattern
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(time)))
    }
}
