import Foundation
import HTTPKit

/// Region and credentials as the AWS tools find them: `AWS_REGION`/`AWS_DEFAULT_REGION`, `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`; else the profile (`AWS_PROFILE`, or `default`) of
/// `~/.aws/credentials` and `~/.aws/config` (or `AWS_SHARED_CREDENTIALS_FILE`, `AWS_CONFIG_FILE`). Never written.
public struct AWSEnvironment: Sendable {
    public let region: String?
    public let credentials: SigV4.Credentials?

    public init(_ environment: [String: String]) {
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

/// SigV4-signed requests to one AWS service (KMS, S3), each sent with HTTPKit and tried again, up to `attempts`
/// times in all, after a dropped connection or an answer `retry` says is passing (a 5xx, S3's SlowDown), waiting
/// `wait(attempt)` seconds between tries. Credentials are only ever put in the signature.
public struct AWSRequester {
    public let credentials: SigV4.Credentials
    public let region: String
    public let service: String
    public var attempts: Int
    public var wait: (Int) -> Double
    private let transport: HTTPTransport

    public init(credentials: SigV4.Credentials, region: String, service: String, timeout: Double, attempts: Int, wait: @escaping (Int) -> Double) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.attempts = attempts
        self.wait = wait
        transport = HTTPTransport(timeout: timeout)
    }

    /// Sends `method` to `base` (`scheme://host[:port]`) + `path` (not yet encoded; each segment is encoded once)
    /// and `query` (encoded), signed at the moment of each try. The last answer is returned; the last connection
    /// failure is thrown.
    public func send(_ method: String, base: URL, path: String, query: String = "", headers: [(String, String)] = [], body: [UInt8] = [],
                     normalize: Bool, signBody: Bool, retry: (HTTPResponse) -> Bool = { $0.status >= 500 }) throws -> HTTPResponse {
        let host = base.host! + (base.port.map { ":\($0)" } ?? "")
        let encodedPath = path.split(separator: "/", omittingEmptySubsequences: false).map { SigV4.encode(String($0)) }.joined(separator: "/")
        let url = base.absoluteString + encodedPath + (query.isEmpty ? "" : "?" + query)
        var attempt = 0
        while true {
            attempt += 1
            let signed = try SigV4.sign(SigV4.Request(method: method, path: path, query: query, headers: [("Host", host)] + headers, body: body),
                                        credentials: credentials, region: region, service: service, time: Int64(Date().timeIntervalSince1970),
                                        normalize: normalize, signBody: signBody)
            var sent = [String: String]()
            for (name, value) in signed.headers where name != "Host" { sent[name] = value }  // curl sends Host from the URL
            do {
                let response = try transport.send(method: method, url: url, headers: sent, body: method == "PUT" || method == "POST" ? body : nil)
                if retry(response), attempt < attempts {
                    Thread.sleep(forTimeInterval: wait(attempt))
                    continue
                }
                return response
            } catch {
                guard attempt < attempts else { throw error }
                Thread.sleep(forTimeInterval: wait(attempt))
            }
        }
    }

    /// The `<Code>` of an AWS XML error body (`AccessDenied`, `SignatureDoesNotMatch`, ...).
    public static func errorCode(_ response: HTTPResponse) -> String? {
        let text = String(decoding: response.body.prefix(4000), as: UTF8.self)
        guard let start = text.range(of: "<Code>"), let end = text.range(of: "</Code>", range: start.upperBound..<text.endIndex) else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }
}
