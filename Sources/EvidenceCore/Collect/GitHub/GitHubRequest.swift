import Foundation

/// What `--github-repo`, `--api-url`, `--cache` and the environment's token ask for: a live GitHub source.
public struct GitHubRequest: Sendable {
    /// `OWNER/NAME`.
    public let repository: String
    /// `https://api.github.com`, or GitHub Enterprise Server's `https://HOST/api/v3`.
    public let apiURL: String
    public let cacheFolder: String?
    /// From `GITHUB_TOKEN` or `GH_TOKEN`, or a GitHub App's; never written or shown.
    let credentials: GitHubCredentials
    public var settings = ForgeClient.Settings()
    /// Told what the collection is doing ("waiting for the rate limit, 41 s"); nil: silent.
    public var progress: (@Sendable (String) -> Void)?

    /// `app`, when given, authenticates as that GitHub App installation instead of the environment's token.
    public init(repository: String, apiURL: String?, cacheFolder: String?, app: GitHubApp? = nil,
                environment: [String: String]) throws(EvidenceError) {
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else {
            throw EvidenceError.invalidArgument(flag: "--github-repo", value: repository, reason: "expected OWNER/NAME")
        }
        let api = apiURL ?? "https://api.github.com"
        guard let url = URL(string: api), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw EvidenceError.invalidArgument(flag: "--api-url", value: api, reason: "expected an http(s) URL such as https://HOST/api/v3")
        }
        self.repository = repository
        self.apiURL = api.hasSuffix("/") ? String(api.dropLast()) : api
        self.cacheFolder = cacheFolder
        if let app {
            guard app.id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }), !app.id.isEmpty else {
                throw EvidenceError.invalidArgument(flag: "--app-id", value: app.id, reason: "expected the app's numeric id or its client id")
            }
            guard app.installation.allSatisfy(\.isNumber), !app.installation.isEmpty else {
                throw EvidenceError.invalidArgument(flag: "--installation-id", value: app.installation, reason: "expected a number")
            }
            credentials = .app(app)
        } else {
            credentials = [environment["GITHUB_TOKEN"], environment["GH_TOKEN"]].compactMap { $0 }.first { !$0.isEmpty }.map { .token($0) } ?? .none
        }
        // Tests shorten the waits through these (a setting, not another code path).
        settings.adopt(environment)
    }

    /// The source reading the pull requests back to `since`.
    public func source(since: Int64?) throws -> GitHubLive {
        GitHubLive(repository: repository, client: try client(), since: since)
    }

    /// A client for this API, token and cache.
    func client() throws -> ForgeClient {
        let client = try ForgeClient(apiURL: URL(string: apiURL)!, credentials: credentials, cacheFolder: cacheFolder, settings: settings)
        client.onProgress = progress
        return client
    }
}
