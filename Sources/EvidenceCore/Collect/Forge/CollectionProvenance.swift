/// `collection.json`: how a live collection went — the repository or project, the API, the branch, who collected
/// (a login, an app, never a token), whether it is complete, which pull or merge requests' evidence was fetched,
/// what could not be collected, and every request made.
struct CollectionProvenance: Encodable {
    let repository: String
    let apiURL: String
    let branch: String
    let identity: String
    let complete: Bool
    let pullRequests: [Int]
    let problems: [Diagnostic]
    let notes: [Diagnostic]
    let requests: [ForgeClient.Exchange]
    let totals: [String: Int]

    enum CodingKeys: String, CodingKey {
        case repository, branch, identity, complete, problems, notes, requests, totals
        case pullRequests = "pull_requests_collected"
        case apiURL = "api_url"
    }

    init(repository: String, client: ForgeClient, branch: String, identity: String?, collected: [Int], problems: [Diagnostic], notes: [Diagnostic]) {
        let exchanges = client.exchanges
        self.repository = repository
        apiURL = client.apiURL.absoluteString
        self.branch = branch
        self.identity = identity ?? "unknown"
        complete = problems.isEmpty
        pullRequests = collected
        self.problems = problems
        self.notes = notes
        requests = exchanges
        totals = ["requests": exchanges.count, "not_modified": exchanges.filter(\.fromCache).count]
    }

    func bytes() throws -> [UInt8] { [UInt8](try BundleLayout.jsonEncoder.encode(self)) + [0x0a] }
}

/// What a live collection has gathered so far: each body by its path in the export layout, what could not be
/// collected (the collection is then incomplete) and what is only worth telling.
struct LiveCollection {
    let forge: Forge
    var files = [String: [UInt8]]()
    /// URL and status of each request still refused after retries, in the order met.
    var problems = [Diagnostic]()
    /// What leaves the collection complete (classic protection unreadable without admin, approval rules on Free).
    var notes = [Diagnostic]()

    /// Keeps a successful body under `file`; anything else is a problem naming the URL and the status.
    mutating func keep(_ page: ForgeClient.Page, as file: String, url: String) -> Bool {
        guard page.status == 200 else {
            problems.append(Diagnostic(subject: forge.rawValue + ":" + file, message: "not collected: GET \(url) answered \(page.status)"))
            return false
        }
        files[file] = page.body
        return true
    }

    /// The export's reading of the collected files, carrying every collected body into the bundle (read by the
    /// export or not: collection.json, rulesets) and the collection's notes and gaps before the export's own.
    func evidence(_ review: ReviewEvidence) -> ReviewEvidence {
        var evidence = ReviewEvidence(changes: review.changes, protection: review.protection, files: files, origin: review.origin,
                                      diagnostics: notes + problems + review.diagnostics, held: review.held, uncollected: problems, rules: review.rules)
        evidence.forge = review.forge
        evidence.gitLabProtection = review.gitLabProtection
        return evidence
    }
}
