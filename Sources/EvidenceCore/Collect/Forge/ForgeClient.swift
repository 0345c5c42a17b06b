import EvidenceCrypto
import EvidenceErrors
import Foundation
import HTTPKit

/// GitHub's and GitLab's REST APIs as their documentation asks clients to use them: one request at a time per
/// token, pages followed by `Link: rel="next"` (and GitLab's `x-next-page` where it sends no `Link`; keyset pages
/// come by `Link` only; `x-total` is never relied on, GitLab leaves it out past 10,000 items), conditional requests
/// from a cache (a `304` costs no rate limit), `Retry-After` honoured, a spent primary limit waited out until
/// `X-RateLimit-Reset` (GitHub) or `RateLimit-Reset` (GitLab), secondary limits (403/429) backed off for at least
/// a minute unless a header says otherwise, and 5xx, timeouts and dropped connections retried with jittered
/// exponential backoff, a bounded number of times. Every request is recorded for `collection.json`; the token is
/// sent (GitHub: `Authorization: Bearer`, GitLab: `PRIVATE-TOKEN`) and never kept, logged or written.
public final class ForgeClient {
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
        /// A folder where jobs collecting with one token share its rate limit (`GIT_EVIDENCE_RATE_BUDGET`, set by `org`).
        public var sharedBudget: String?
        /// How many jobs share it (`GIT_EVIDENCE_RATE_RESERVE`): each may have a request in flight.
        public var sharedBudgetJobs: Int?

        public init() {}

        /// The waits of `environment`: the shared budget `org` sets up, and a test's scale on the backoffs.
        public mutating func adopt(_ environment: [String: String]) {
            sharedBudget = environment["GIT_EVIDENCE_RATE_BUDGET"]
            sharedBudgetJobs = environment["GIT_EVIDENCE_RATE_RESERVE"].flatMap(Int.init)
            if let scale = environment["GIT_EVIDENCE_GITHUB_WAIT_SCALE"].flatMap(Double.init), scale > 0 {
                retryBase *= scale
                secondaryBackoff *= scale
            }
        }
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
    /// Whose API this is: its headers, its token header and the names of its errors.
    public let forge: Forge
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
    /// The rate limit shared with other jobs using the token, when `org` runs several.
    private let budget: SharedRateBudget?

    public convenience init(apiURL: URL, token: String?, forge: Forge = .github, cacheFolder: String? = nil, settings: Settings = Settings(),
                            transport: HTTPTransport = HTTPTransport()) throws {
        try self.init(apiURL: apiURL, credentials: token.map { .token($0) } ?? .none, forge: forge, cacheFolder: cacheFolder, settings: settings,
                      transport: transport)
    }

    public init(apiURL: URL, credentials: GitHubCredentials, forge: Forge = .github, cacheFolder: String? = nil, settings: Settings = Settings(),
                transport: HTTPTransport = HTTPTransport()) throws {
        self.apiURL = apiURL
        self.forge = forge
        self.credentials = credentials
        self.transport = transport
        self.settings = settings
        self.cache = try cacheFolder.map { try ResponseCache(folder: $0) }
        budget = SharedRateBudget(folder: settings.sharedBudget, apiURL: apiURL, reserve: settings.sharedBudgetJobs)
    }

    /// `GET` one URL (relative to the API, or absolute as a `Link` header gives it), answering from the cache on a
    /// `304`. Statuses the caller must judge (404, 403 without a rate limit, 422) come back as pages; a 401 throws.
    public func get(_ target: String) throws -> Page {
        let url = target.hasPrefix("http://") || target.hasPrefix("https://") ? URL(string: target)! : resolve(target)
        let cached = cache?.entry(for: url)
        var headers = forge.headers
        if let etag = cached?.etag { headers["If-None-Match"] = etag }

        var attempt = 0
        while true {
            attempt += 1
            try waitForReset()
            if let wait = budget?.take(), wait > 0 { try pause(wait, "waiting for the rate limit the other jobs share") }
            if let token = try bearer() {
                let (name, value) = forge.authorization(token)
                headers[name] = value
            }
            guard let response = try send("GET", url, headers, attempt: attempt) else { continue }
            noteLimits(response)
            if response.status == 304, let cached {
                record(url, response, fromCache: true)
                return Page(status: 200, body: cached.body, next: cached.next)
            }
            record(url, response, fromCache: false)
            switch response.status {
            case 200..<300:
                let next = Self.nextLink(response.header("link")) ?? Self.nextPage(response.header("x-next-page"), of: url)
                cache?.store(url: url, etag: response.header("etag"), body: response.body, next: next)
                return Page(status: response.status, body: response.body, next: next)
            case 401:
                throw ForgeError.unauthorized(url: url.absoluteString, forge: forge)
            case 403, 429:
                if let wait = rateLimitWait(response) {
                    guard attempt < settings.attempts else { return Page(status: response.status, body: response.body, next: nil) }
                    try pause(wait, "waiting for the rate limit")
                    continue
                }
                return Page(status: response.status, body: response.body, next: nil)
            case 500..<600:
                guard attempt < settings.attempts else { return Page(status: response.status, body: response.body, next: nil) }
                backOff(attempt, because: "\(forge.name) answered \(response.status)")
            default:
                return Page(status: response.status, body: response.body, next: nil)
            }
        }
    }

    /// A path under the API (its query already encoded). The path is encoded here, but an escape the caller made
    /// stays as made: GitLab names a project `group%2Fname` in one path segment.
    func resolve(_ target: String) -> URL {
        let parts = target.split(separator: "?", maxSplits: 1)
        var allowed = CharacterSet.urlPathAllowed
        allowed.insert("%")
        let path = String(parts[0]).addingPercentEncoding(withAllowedCharacters: allowed) ?? String(parts[0])
        let base = apiURL.absoluteString.hasSuffix("/") ? String(apiURL.absoluteString.dropLast()) : apiURL.absoluteString
        return URL(string: base + "/" + path)!.appendingQuery(parts.dropFirst().first.map(String.init))
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
        var headers = forge.headers
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
                throw ForgeError.appRejected(app: app.id, installation: app.installation, status: response.status)
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
            guard attempt < settings.attempts else { throw ForgeError.unreachable(url: url.absoluteString, forge: forge, reason: error.reason) }
            backOff(attempt, because: error.reason)
            return nil
        }
    }

    // MARK: - Waiting

    /// How long a 403/429 asks to wait, or nil when it is not a rate limit (a permission error).
    func rateLimitWait(_ response: HTTPResponse) -> Double? {
        if let retry = response.header("retry-after").flatMap(Double.init) { return max(retry, 0) }
        if let reset = spentLimitReset(response) { return max(reset - Date().timeIntervalSince1970, 0) + 1 }
        let text = String(decoding: response.body.prefix(2000), as: UTF8.self).lowercased()
        if response.status == 429 || text.contains("secondary rate limit") || text.contains("abuse") { return settings.secondaryBackoff }
        return nil
    }

    /// A spent primary limit seen on a successful response is waited out before the next request.
    private func noteLimits(_ response: HTTPResponse) {
        if let reset = spentLimitReset(response) { resetAt = reset }
        if let limit = reportedLimits(response).first { budget?.note(remaining: limit.remaining, reset: limit.reset) }
    }

    /// What is left of the primary limit and when it resets (seconds since 1970), as each header family reports it:
    /// GitHub's `X-RateLimit-*`, GitLab's `RateLimit-*`.
    private func reportedLimits(_ response: HTTPResponse) -> [(remaining: Int, reset: Double)] {
        ["x-ratelimit-", "ratelimit-"].compactMap { prefix in
            guard let remaining = response.header(prefix + "remaining").flatMap(Int.init),
                  let reset = response.header(prefix + "reset").flatMap(Double.init) else { return nil }
            return (remaining, reset)
        }
    }

    /// When a spent primary limit resets.
    private func spentLimitReset(_ response: HTTPResponse) -> Double? {
        reportedLimits(response).first { $0.remaining == 0 }?.reset
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
            throw ForgeError.rateLimited(url: apiURL.absoluteString, forge: forge, seconds: Int(seconds))
        }
        onProgress?("\(what), \(Int(seconds.rounded(.up))) s")
        sleep(seconds)
    }

    private func record(_ url: URL, _ response: HTTPResponse, fromCache: Bool, method: String = "GET") {
        exchanges.append(Exchange(method: method, url: url.absoluteString, status: response.status,
                                  time: Timestamp.iso8601UTC(Int64(Date().timeIntervalSince1970)), requestID: response.header(forge.requestIDHeader),
                                  etag: response.header("etag"), apiVersion: forge.versionHeader.flatMap(response.header), fromCache: fromCache))
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

    /// GitLab's offset pagination without a `Link` header: `x-next-page` (empty on the last page) put in `page=`.
    static func nextPage(_ header: String?, of url: URL) -> URL? {
        guard let header, let page = Int(header.trimmingCharacters(in: .whitespaces)), page > 0,
              var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        parts.percentEncodedQueryItems = (parts.percentEncodedQueryItems ?? []).filter { $0.name != "page" } + [URLQueryItem(name: "page", value: String(page))]
        return parts.url
    }
}

/// What talking to GitHub or GitLab can end in, beyond a status the caller judges. No message holds the token.
public enum ForgeError: ReportableError, Equatable {
    case unauthorized(url: String, forge: Forge)
    case rejectedToken(repository: String, forge: Forge)
    case appRejected(app: String, installation: String, status: Int)
    case unreachable(url: String, forge: Forge, reason: String)
    case rateLimited(url: String, forge: Forge, seconds: Int)

    public var description: String {
        switch self {
        case .unauthorized(let url, let forge): "\(url): \(forge.name) rejected the token (401); check \(forge.tokenVariables)"
        case .appRejected(let app, let installation, let status):
            "GitHub did not issue an installation token for app \(app), installation \(installation) (\(status)); check --app-id, --installation-id and the key"
        case .rejectedToken(let repository, let forge): "\(forge.name) rejected the token for \(repository) (401); check \(forge.tokenVariables)"
        case .unreachable(let url, let forge, let reason): "\(url): \(forge.name) could not be reached after retries: \(reason)"
        case .rateLimited(let url, _, let seconds): "\(url): the rate limit resets in \(seconds) s, longer than git-evidence waits; run again later"
        }
    }
}

extension Forge {
    /// The headers every request of this API carries.
    var headers: [String: String] {
        switch self {
        case .github: ["Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "git-evidence/\(toolVersion)"]
        case .gitlab: ["Accept": "application/json", "User-Agent": "git-evidence/\(toolVersion)"]
        }
    }

    /// The header a token travels in.
    func authorization(_ token: String) -> (name: String, value: String) {
        self == .github ? ("Authorization", "Bearer " + token) : ("PRIVATE-TOKEN", token)
    }

    /// The response header naming the request, for `collection.json`.
    var requestIDHeader: String { self == .github ? "x-github-request-id" : "x-request-id" }
    /// The response header naming the API version answered, where there is one.
    var versionHeader: String? { self == .github ? "x-github-api-version-selected" : nil }
    /// Where the token is read from.
    var tokenVariables: String { self == .github ? "GITHUB_TOKEN or GH_TOKEN" : "GITLAB_TOKEN" }
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
