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
