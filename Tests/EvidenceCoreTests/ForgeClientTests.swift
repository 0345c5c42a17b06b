@testable import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

/// The GitHub client against the fake GitHub on loopback: real HTTP, GitHub's documented paging, ETags, limits and
/// faults. Each test uses its own repository path, so the fake's per-path faults never cross tests.
@Suite struct ForgeClientTests {
    static let token = "ghp_FAKE_TOKEN_0123456789"

    static func server(_ repo: String, items: Int = 5, cap: Int = 2) throws -> (FakeGitHub, String) {
        let fake = try FakeGitHub.shared.get()
        let pulls = (1...items).map { ["number": $0, "title": "PR \($0)", "state": "closed"] as [String: Any] }
        try fake.load(token: token, perPageCap: cap, data: [
            "/repos/acme/\(repo)/pulls": pulls,
            "/repos/acme/\(repo)/pulls/1/reviews": [["id": 1, "state": "APPROVED", "user": ["login": "bob", "type": "User"]]],
        ])
        return (fake, "repos/acme/\(repo)/pulls")
    }

    static func client(_ fake: FakeGitHub, token: String = token, cache: String? = nil, settings: ForgeClient.Settings = fast) throws -> ForgeClient {
        try ForgeClient(apiURL: URL(string: fake.apiURL)!, token: token, cacheFolder: cache, settings: settings)
    }

    static var fast: ForgeClient.Settings {
        var settings = ForgeClient.Settings()
        settings.retryBase = 0.1
        settings.secondaryBackoff = 1.2
        return settings
    }

    /// Arrival times of the requests for `path`, in order.
    static func times(_ fake: FakeGitHub, _ path: String) throws -> [Double] {
        try fake.requests().filter { $0["path"] as? String == path }.compactMap { $0["time"] as? Double }
    }

    @Test func listsArePagedByTheirLinkHeadersAndConcatenatedLikeGhPaginate() throws {
        let (fake, pulls) = try Self.server("paging")
        let client = try Self.client(fake)
        let page = try client.getAll(pulls + "?state=closed&per_page=100")
        #expect(page.status == 200)
        let items = try JSONDocuments.list(PullRequest.self, bytes: page.body, file: "pulls.json")
        #expect(items.map(\.number) == [1, 2, 3, 4, 5])
        #expect(client.exchanges.count == 3, "per_page 100 is capped at 2 by the server: 3 pages")
        #expect(client.exchanges.map(\.url).last?.contains("page=3") == true)
        #expect(client.exchanges.allSatisfy { $0.requestID?.hasPrefix("FAKE:") == true && $0.etag != nil })
        // `stop` ends the paging after the page it says is the last one needed.
        let first = try Self.client(fake).getAll(pulls + "?state=closed&per_page=100") { _ in true }
        #expect(try JSONDocuments.list(PullRequest.self, bytes: first.body, file: "pulls.json").count == 2)
    }

    @Test func aRerunWithTheCacheIsAnsweredByNotModified() throws {
        let (fake, pulls) = try Self.server("cache")
        let cache = try TemporaryFolder.make("github-cache") + "/cache"
        let cold = try Self.client(fake, cache: cache)
        let first = try cold.getAll(pulls + "?state=closed&per_page=100")
        let warm = try Self.client(fake, cache: cache)
        let second = try warm.getAll(pulls + "?state=closed&per_page=100")
        #expect(second.body == first.body, "the cached bodies, byte for byte")
        #expect(warm.exchanges.count == 3 && warm.exchanges.allSatisfy { $0.status == 304 && $0.fromCache })
        #expect(try fake.requests().filter { $0["path"] as? String == "/" + pulls }.suffix(3).allSatisfy { $0["conditional"] as? Bool == true })
        let mode = try FileManager.default.attributesOfItem(atPath: cache)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        for name in try FileManager.default.contentsOfDirectory(atPath: cache) {
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: cache + "/" + name)), as: UTF8.self)
            #expect(!text.contains(Self.token), "the token never reaches the cache: \(name)")
        }
    }

    @Test(arguments: [("retry-after", 1.0), ("primary", 1.0), ("secondary", 1.2)])
    func rateLimitsAreWaitedOutBeforeTheNextTry(kind: String, least: Double) throws {
        let (fake, pulls) = try Self.server("limit-\(kind)")
        try fake.fault("/" + pulls, kind)
        let client = try Self.client(fake)
        var told = [String]()
        client.onProgress = { told.append($0) }
        let page = try client.get(pulls)
        #expect(page.status == 200)
        let times = try Self.times(fake, "/" + pulls)
        #expect(times.count == 2)
        #expect(times[1] - times[0] >= least, "the retry came \(times[1] - times[0]) s after the limit, before the \(least) s asked for")
        #expect(told.contains { $0.hasPrefix("waiting for the rate limit, ") && $0.hasSuffix(" s") }, "\(told)")
    }

    @Test func serverErrorsAndDroppedConnectionsAreRetriedAFewTimes() throws {
        let (fake, pulls) = try Self.server("faults")
        try fake.fault("/" + pulls, "502", count: 2)
        try fake.fault("/" + pulls, "drop")
        let client = try Self.client(fake)
        let page = try client.get(pulls)
        #expect(page.status == 200)
        #expect(try Self.times(fake, "/" + pulls).count == 4)

        try fake.fault("/" + pulls, "502", count: 9)
        let exhausted = try Self.client(fake).get(pulls)
        #expect(exhausted.status == 502, "after the attempts allowed, the failure is the answer")
        #expect(try Self.times(fake, "/" + pulls).count == 4 + ForgeClient.Settings().attempts)
    }

    @Test func aRejectedTokenIsAnErrorThatNeverShowsTheToken() throws {
        let (fake, pulls) = try Self.server("token")
        do {
            _ = try Self.client(fake, token: "ghp_WRONG_TOKEN_987").get(pulls)
            Issue.record("expected an error")
        } catch let error as ForgeError {
            #expect(error == .unauthorized(url: fake.apiURL + "/" + pulls, forge: .github))
            #expect(!String(describing: error).contains("ghp_WRONG_TOKEN_987"))
        }
        let missing = try Self.client(fake).get("repos/acme/token/pulls/9/reviews")
        #expect(missing.status == 404, "a missing resource is the caller's to judge")
        let exchanges = String(decoding: try JSONEncoder().encode(try Self.client(fake).exchanges), as: UTF8.self)
        #expect(!exchanges.contains(Self.token))
    }

    /// A GitHub App's RSA key pair (PKCS #1, as GitHub hands it out) in a fresh folder.
    static func appKey() throws -> (key: String, publicKey: String) {
        let folder = try TemporaryFolder.make("github-app")
        #expect(try Command.run("/usr/bin/env", ["openssl", "genrsa", "-traditional", "-out", folder + "/app.pem", "2048"]).status == 0)
        #expect(try Command.run("/usr/bin/env", ["openssl", "rsa", "-in", folder + "/app.pem", "-pubout", "-out", folder + "/app.pub.pem"]).status == 0)
        return (folder + "/app.pem", folder + "/app.pub.pem")
    }

    /// The installation token is minted with a JWT the fake checks as GitHub does (RS256 by the app's key, issuer,
    /// lifetime), reused while it has time left, and renewed before it expires: the fake refuses an expired token,
    /// so a client that kept one would fail here.
    @Test func aGitHubAppTokenIsMintedFromAJWTAndRenewedBeforeItExpires() throws {
        let (fake, pulls) = try Self.server("app")
        let (key, publicKey) = try Self.appKey()
        try fake.app(id: 4242, installation: 77, publicKey: publicKey, expiresIn: 302)
        var settings = Self.fast
        settings.tokenRefreshMargin = 300  // the default: a token with 302 s left is due for renewal in 2 s
        let client = try ForgeClient(apiURL: URL(string: fake.apiURL)!, credentials: .app(GitHubApp(id: "4242", keyFile: key, installation: "77")),
                                      settings: settings)
        #expect(try client.get(pulls + "?state=closed").status == 200)
        #expect(try client.get(pulls + "?state=closed").status == 200)
        let minted = { try fake.requests().filter { $0["path"] as? String == "/app/installations/77/access_tokens" }.count }
        #expect(try minted() == 1, "a token with time left is reused")
        Thread.sleep(forTimeInterval: 2.5)
        #expect(try client.get(pulls + "?state=closed").status == 200)
        #expect(try minted() == 2, "renewed once fewer than tokenRefreshMargin seconds remain")
        #expect(client.appIdentity == "GitHub App 4242, installation 77")
        #expect(client.exchanges.filter { $0.method == "POST" }.count == 2)

        // A key the app does not hold is refused by GitHub: a clear error naming app and installation.
        let (other, _) = try Self.appKey()
        let stranger = try ForgeClient(apiURL: URL(string: fake.apiURL)!, credentials: .app(GitHubApp(id: "4242", keyFile: other, installation: "77")),
                                        settings: settings)
        #expect(throws: ForgeError.appRejected(app: "4242", installation: "77", status: 401)) { try stranger.get(pulls) }
    }

    /// GitHub lists at most 250 commits of a pull request; a longer one's commits come from the range it merged
    /// (`compare/{base}...{head}`, paged), so a commit past the 250th still ties its change to the pull request.
    @Test func aPullRequestOfMoreThan250CommitsIsReadFromItsRange() throws {
        let fake = try FakeGitHub.shared.get()
        let repo = "acme/long-pr"
        let shas = (0..<260).map { String(format: "%040x", 0xC000 + $0) }
        let commit = { (sha: String) -> [String: Any] in
            ["sha": sha, "commit": ["message": "step", "author": ["name": "Alice", "email": "alice@example.com", "date": "2026-07-01T09:00:00Z"]],
             "author": ["login": "alice", "type": "User"]]
        }
        let base = String(repeating: "b", count: 40)
        try fake.load(token: Self.token, data: [
            "/repos/\(repo)": ["full_name": repo],
            "/repos/\(repo)/pulls": [["number": 1, "title": "Long", "state": "closed", "merged_at": "2026-07-02T12:00:00Z",
                                     "updated_at": "2026-07-02T12:00:00Z", "merge_commit_sha": NSNull(), "user": ["login": "alice", "type": "User"],
                                     "head": ["ref": "long", "sha": shas.last!], "base": ["ref": "main", "sha": base]]],
            "/repos/\(repo)/pulls/1/commits": shas.map(commit),
            "/repos/\(repo)/pulls/1/reviews": [],
            "/repos/\(repo)/compare/\(base)...\(shas.last!)": ["status": "ahead", "total_commits": 260, "commits": shas.map(commit)],
        ])
        // A change whose commit is the 255th: only the range shows it, and only GitHub's association names the PR.
        let person = Signature(name: "Alice", email: "alice@example.com", time: "2026-07-02T12:00:00Z")
        let change = Change(commit: shas[254], parents: [base], author: person, committer: person, committedAt: "2026-07-02T12:00:00Z",
                            subject: "step", message: "step", paths: [], mergedCommits: [], authors: [])
        var source = GitHubLive(repository: repo, client: try Self.client(fake), since: Timestamp.parse("2026-07-01T00:00:00Z"))
        try fake.load(token: Self.token, data: ["/repos/\(repo)/commits/\(shas[254])/pulls": try #require(try fake.data("/repos/\(repo)/pulls") as? [Any])])
        let review = try source.collect(for: [change], branch: "main")
        #expect(review.changes[shas[254]]?.pullRequest?.pullRequest.number == 1)
        #expect(review.changes[shas[254]]?.pullRequest?.commits?.count == 260)
        #expect(review.files["pulls/1/compare.json"] != nil && review.uncollected.isEmpty)
        #expect(review.diagnostics.contains { $0.message.contains("at most 250 commits") })
    }

    @Test func nextLinksAreReadFromGitHubsLinkHeader() {
        let header = #"<https://api.github.com/repositories/1/pulls?page=2>; rel="next", <https://api.github.com/repositories/1/pulls?page=5>; rel="last""#
        #expect(ForgeClient.nextLink(header)?.absoluteString == "https://api.github.com/repositories/1/pulls?page=2")
        #expect(ForgeClient.nextLink(#"<https://api.github.com/x?page=1>; rel="prev""#) == nil)
        #expect(ForgeClient.nextLink(nil) == nil)
    }
}
