import EvidenceCrypto
import EvidenceErrors
import Foundation
import HTTPKit

/// GitHub's REST API as its documentation asks clients to use it: one request at a time per token, pages followed
/// by `Link: rel="next"` only, conditional requests from a cache (a `304` costs no rate limit), `Retry-After`
/// honoured, a spent primary limit waited out until `X-RateLimit-Reset`, secondary limits (403/429) backed off
/// for at least a minute unless a header says otherwise, and 5xx, timeouts and dropped connections retried with
/// jittered exponential backoff, a bounded number of times. Every request is recorded for `collection.json`; the
/// token is sent and never kept, logged or written.
public final class GitHubClient {
    /// How long to wait, and how often to try again. Tests shorten the waits here; nothing else differs.
    public struct Settings: Sendable {
        /// The first retry's wait after a 5xx or a failed connection; doubled each time, with up to 50% jitter.
        public var retryBase: Double = 1
        /// Tries per request (the first included) before its failure is the answer.
        public var attempts = 5
        /// The least wait after a secondary rate limit that gives no `Retry-After` (GitHub asks for a minute).
        public var secondaryBackoff: Double = 60
        /// The longest single wait; a reset further away than this is an error rather than a hang.
        public var longestWait: Double = 3600
        /// A GitHub App's installation token (valid an hour) is renewed once fewer seconds than this remain.
        public var tokenRefreshMargin: Double = 300

        public init() {}
    }

    /// One request as `collection.json` records it.
    public struct Exchange: Codable, Sendable, Equatable {
        public let method: String
        public let url: String
        public let status: Int
        /// When the response arrived, UTC.
        public let time: String
        public let requestID: String?
        public let etag: String?
        public let apiVersion: String?
        /// True when a `304` was answered from the cache.
        public let fromCache: Bool

        enum CodingKeys: String, CodingKey {
            case method, url, status, time, etag
            case requestID = "request_id"
            case apiVersion = "api_version"
            case fromCache = "from_cache"
        }
    }

    /// A body as read, with the status it came with (after retries) and the next page, if any.
    public struct Page: Sendable {
        public let status: Int
        public let body: [UInt8]
        public let next: URL?
    }

    public let apiURL: URL
    private let credentials: GitHubCredentials
    /// The installation token of a GitHub App and when it expires (seconds since 1970); never written anywhere.
    private var installationToken: (value: String, expires: Double)?
    private let transport: HTTPTransport
    private let cache: ResponseCache?
    public let settings: Settings
    /// Told what the client is waiting for ("waiting for the rate limit, 41 s").
    public var onProgress: ((String) -> Void)?
    /// Every request made, in order.
    public private(set) var exchanges = [Exchange]()
    /// When the primary limit was last reported spent, the time it resets (seconds since 1970).
    private var resetAt: Double?
    private var sleep: (Double) -> Void = { Thread.sleep(forTimeInterval: $0) }

    public convenience init(apiURL: URL, token: String?, cacheFolder: String? = nil, settings: Settings = Settings(),
                            transport: HTTPTransport = HTTPTransport()) throws {
        try self.init(apiURL: apiURL, credentials: token.map { .token($0) } ?? .none, cacheFolder: cacheFolder, settings: settings, transport: transport)
    }

    public init(apiURL: URL, credentials: GitHubCredentials, cacheFolder: String? = nil, settings: Settings = Settings(),
                transport: HTTPTransport = HTTPTransport()) throws {
        self.apiURL = apiURL
        self.credentials = credentials
        self.transport = transport
        self.settings = settings
        self.cache = try cacheFolder.map { try ResponseCache(folder: $0) }
    }

    /// `GET` one URL (relative to the API, or absolute as a `Link` header gives it), answering from the cache on a
    /// `304`. Statuses the caller must judge (404, 403 without a rate limit, 422) come back as pages; a 401 throws.
    public func get(_ target: String) throws -> Page {
        let url = target.hasPrefix("http://") || target.hasPrefix("https://")
            ? URL(string: target)! : apiURL.appendingPathComponent(String(target.split(separator: "?", maxSplits: 1)[0]))
                .appendingQuery(target.split(separator: "?", maxSplits: 1).dropFirst().first.map(String.init))
        let cached = cache?.entry(for: url)
        var headers = Self.headers
        if let etag = cached?.etag { headers["If-None-Match"] = etag }

        var attempt = 0
        while true {
            attempt += 1
            try waitForReset()
            headers["Authorization"] = try bearer().map { "Bearer " + $0 }
            guard let response = try send("GET", url, headers, attempt: attempt) else { continue }
            noteLimits(response)
            if response.status == 304, let cached {
                record(url, response, fromCache: true)
                return Page(status: 200, body: cached.body, next: cached.next)
            }
            record(url, response, fromCache: false)
            switch response.status {
            case 200..<300:
                let next = Self.nextLink(response.header("link"))
                cache?.store(url: url, etag: response.header("etag"), body: response.body, next: next)
                return Page(status: response.status, body: response.body, next: next)
            case 401:
                throw GitHubError.unauthorized(url: url.absoluteString)
            case 403, 429:
                if let wait = rateLimitWait(response) {
                    guard attempt < settings.attempts else { return Page(status: response.status, body: response.body, next: nil) }
                    try pause(wait, "waiting for the rate limit")
                    continue
                }
                return Page(status: response.status, body: response.body, next: nil)
            case 500..<600:
                guard attempt < settings.attempts else { return Page(status: response.status, body: response.body, next: nil) }
                backOff(attempt, because: "GitHub answered \(response.status)")
            default:
                return Page(status: response.status, body: response.body, next: nil)
            }
        }
    }

    /// Every page of a list, followed by `Link: rel="next"` only, concatenated as `gh api --paginate` writes them;
    /// `stop` looks at each page and ends the paging when it says so (a list sorted by `updated_at` past the window).
    public func getAll(_ target: String, stop: ([UInt8]) -> Bool = { _ in false }) throws -> Page {
        var page = try get(target)
        var body = page.body
        while page.status == 200, let next = page.next, !stop(page.body) {
            page = try get(next.absoluteString)
            guard page.status == 200 else { return Page(status: page.status, body: body, next: nil) }
            body += page.body
        }
        return Page(status: page.status, body: body, next: nil)
    }

    private static let headers = ["Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "git-evidence/\(toolVersion)"]

    // MARK: - Credentials

    /// Who the requests are made as, for `collection.json`: nil when GitHub's `GET /user` must say (a token).
    public var appIdentity: String? {
        if case .app(let app) = credentials { return "GitHub App \(app.id), installation \(app.installation)" }
        return nil
    }

    /// The token to send: the environment's, or a GitHub App's installation token, renewed before it expires.
    private func bearer() throws -> String? {
        switch credentials {
        case .none: return nil
        case .token(let token): return token
        case .app(let app):
            if let current = installationToken, current.expires - Date().timeIntervalSince1970 > settings.tokenRefreshMargin {
                return current.value
            }
            installationToken = try exchange(app)
            return installationToken!.value
        }
    }

    /// `POST /app/installations/{id}/access_tokens` with a JWT the app's key signs (RS256, issued a minute in the
    /// past against clock drift, valid nine minutes, as GitHub documents): an installation token valid an hour.
    private func exchange(_ app: GitHubApp) throws -> (value: String, expires: Double) {
        let url = apiURL.appendingPathComponent("app/installations/\(app.installation)/access_tokens")
        var headers = Self.headers
        headers["Authorization"] = "Bearer " + (try app.jwt(now: Int64(Date().timeIntervalSince1970)))
        var attempt = 0
        while true {
            attempt += 1
            guard let response = try send("POST", url, headers, attempt: attempt) else { continue }
            // The body holds the token: it is read here and never recorded, cached or kept.
            record(url, response, fromCache: false, method: "POST")
            if (500..<600).contains(response.status), attempt < settings.attempts {
                backOff(attempt, because: "GitHub answered \(response.status)")
                continue
            }
            guard response.status == 201,
                  let fields = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any],
                  let token = fields["token"] as? String, !token.isEmpty else {
                throw GitHubError.appRejected(app: app.id, installation: app.installation, status: response.status)
            }
            let expires = (fields["expires_at"] as? String).flatMap(Timestamp.parse).map(Double.init) ?? Date().timeIntervalSince1970 + 3600
            return (token, expires)
        }
    }

    /// One try of a request: its response, or nil after backing off from a failed connection (try again); the
    /// last allowed try's failure is thrown.
    private func send(_ method: String, _ url: URL, _ headers: [String: String], attempt: Int) throws -> HTTPResponse? {
        do {
            return try transport.send(method: method, url: url.absoluteString, headers: headers)
        } catch {
            guard attempt < settings.attempts else { throw GitHubError.unreachable(url: url.absoluteString, reason: error.reason) }
            backOff(attempt, because: error.reason)
            return nil
        }
    }

    // MARK: - Waiting

    /// How long a 403/429 asks to wait, or nil when it is not a rate limit (a permission error).
    func rateLimitWait(_ response: HTTPResponse) -> Double? {
        if let retry = response.header("retry-after").flatMap(Double.init) { return max(retry, 0) }
        if response.header("x-ratelimit-remaining") == "0", let reset = response.header("x-ratelimit-reset").flatMap(Double.init) {
            return max(reset - Date().timeIntervalSince1970, 0) + 1
        }
        let text = String(decoding: response.body.prefix(2000), as: UTF8.self).lowercased()
        if response.status == 429 || text.contains("secondary rate limit") || text.contains("abuse") { return settings.secondaryBackoff }
        return nil
    }

    /// A spent primary limit seen on a successful response is waited out before the next request.
    private func noteLimits(_ response: HTTPResponse) {
        if response.header("x-ratelimit-remaining") == "0", let reset = response.header("x-ratelimit-reset").flatMap(Double.init) {
            resetAt = reset
        }
    }

    private func waitForReset() throws {
        guard let reset = resetAt else { return }
        resetAt = nil
        let wait = reset - Date().timeIntervalSince1970 + 1
        if wait > 0 { try pause(wait, "waiting for the rate limit") }
    }

    private func backOff(_ attempt: Int, because reason: String) {
        let base = settings.retryBase * pow(2, Double(attempt - 1))
        let wait = base + Double.random(in: 0...(base / 2))
        onProgress?("\(reason); retrying in \(Int(wait.rounded(.up))) s")
        sleep(wait)
    }

    private func pause(_ seconds: Double, _ what: String) throws {
        guard seconds <= settings.longestWait else {
            throw GitHubError.rateLimited(url: apiURL.absoluteString, seconds: Int(seconds))
        }
        onProgress?("\(what), \(Int(seconds.rounded(.up))) s")
        sleep(seconds)
    }

    private func record(_ url: URL, _ response: HTTPResponse, fromCache: Bool, method: String = "GET") {
        exchanges.append(Exchange(method: method, url: url.absoluteString, status: response.status,
                                  time: Timestamp.iso8601UTC(Int64(Date().timeIntervalSince1970)), requestID: response.header("x-github-request-id"),
                                  etag: response.header("etag"), apiVersion: response.header("x-github-api-version-selected"), fromCache: fromCache))
    }

    /// The `rel="next"` URL of a `Link` header.
    static func nextLink(_ header: String?) -> URL? {
        guard let header else { return nil }
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count >= 2, pieces.dropFirst().contains(where: { $0 == #"rel="next""# }),
                  pieces[0].hasPrefix("<"), pieces[0].hasSuffix(">") else { continue }
            return URL(string: String(pieces[0].dropFirst().dropLast()))
        }
        return nil
    }
}

/// What talking to GitHub can end in, beyond a status the caller judges. No message holds the token.
public enum GitHubError: ReportableError, Equatable {
    case unauthorized(url: String)
    case rejectedToken(repository: String)
    case appRejected(app: String, installation: String, status: Int)
    case unreachable(url: String, reason: String)
    case rateLimited(url: String, seconds: Int)

    public var description: String {
        switch self {
        case .unauthorized(let url): "\(url): GitHub rejected the token (401); check GITHUB_TOKEN or GH_TOKEN"
        case .appRejected(let app, let installation, let status):
            "GitHub did not issue an installation token for app \(app), installation \(installation) (\(status)); check --app-id, --installation-id and the key"
        case .rejectedToken(let repository): "GitHub rejected the token for \(repository) (401); check GITHUB_TOKEN or GH_TOKEN"
        case .unreachable(let url, let reason): "\(url): GitHub could not be reached after retries: \(reason)"
        case .rateLimited(let url, let seconds): "\(url): the rate limit resets in \(seconds) s, longer than git-evidence waits; run again later"
        }
    }
}

/// ETags and bodies of earlier responses, in a folder only the user can read (0700): never a token.
final class ResponseCache {
    struct Entry {
        let etag: String
        let body: [UInt8]
        let next: URL?
    }

    let folder: String

    init(folder: String) throws {
        self.folder = folder
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder)
        } catch {
            throw EvidenceError.unwritable(path: folder, reason: "cannot create the cache folder")
        }
    }

    private func key(_ url: URL) -> String { (try? SHA256.hash(Array(url.absoluteString.utf8)).hex) ?? "" }

    func entry(for url: URL) -> Entry? {
        let base = folder + "/" + key(url)
        guard let meta = FileManager.default.contents(atPath: base + ".json"),
              let fields = try? JSONSerialization.jsonObject(with: meta) as? [String: String], let etag = fields["etag"],
              let body = FileManager.default.contents(atPath: base + ".body") else { return nil }
        return Entry(etag: etag, body: [UInt8](body), next: fields["next"].flatMap(URL.init(string:)))
    }

    func store(url: URL, etag: String?, body: [UInt8], next: URL?) {
        guard let etag else { return }
        let base = folder + "/" + key(url)
        var fields = ["url": url.absoluteString, "etag": etag]
        if let next { fields["next"] = next.absoluteString }
        // The body first: an entry whose metadata exists is whole, so an interrupted run resumes from what it has.
        guard FileManager.default.createFile(atPath: base + ".body", contents: Data(body), attributes: [.posixPermissions: 0o600]),
              let meta = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return }
        _ = FileManager.default.createFile(atPath: base + ".json", contents: meta, attributes: [.posixPermissions: 0o600])
    }
}

extension URL {
    /// This URL with `query` (already encoded) appended, nil leaving it as it is.
    func appendingQuery(_ query: String?) -> URL {
        guard let query, !query.isEmpty else { return self }
        return URL(string: absoluteString + "?" + query) ?? self
    }
}
