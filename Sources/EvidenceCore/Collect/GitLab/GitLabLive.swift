import Foundation

/// What `--gitlab-project`, `--api-url`, `--cache` and `GITLAB_TOKEN` ask for: a live GitLab source.
public struct GitLabRequest: Sendable {
    /// `group/name` (subgroups allowed: `group/sub/name`).
    public let project: String
    /// `https://gitlab.com/api/v4`, or a self-managed instance's `https://HOST/api/v4`.
    public let apiURL: String
    public let cacheFolder: String?
    /// From `GITLAB_TOKEN`; never written or shown.
    let token: String?
    public var settings = ForgeClient.Settings()
    public var progress: (@Sendable (String) -> Void)?

    public init(project: String, apiURL: String?, cacheFolder: String?, environment: [String: String]) throws(EvidenceError) {
        let parts = project.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) } }) else {
            throw EvidenceError.invalidArgument(flag: "--gitlab-project", value: project, reason: "expected GROUP/NAME")
        }
        let api = apiURL ?? "https://gitlab.com/api/v4"
        guard let url = URL(string: api), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw EvidenceError.invalidArgument(flag: "--api-url", value: api, reason: "expected an http(s) URL such as https://HOST/api/v4")
        }
        self.project = project
        self.apiURL = api.hasSuffix("/") ? String(api.dropLast()) : api
        self.cacheFolder = cacheFolder
        token = environment["GITLAB_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        settings.adopt(environment)
    }

    /// The source reading the merge requests back to `since`.
    public func source(since: Int64?) throws -> GitLabLive {
        let client = try ForgeClient(apiURL: URL(string: apiURL)!, token: token, forge: .gitlab, cacheFolder: cacheFolder, settings: settings)
        client.onProgress = progress
        return GitLabLive(project: project, client: client, since: since)
    }
}

/// Review evidence collected live from GitLab's REST API (v4): only what the changes need, each answer kept byte
/// for byte in the layout `GitLabExport` reads, plus `collection.json`. Correlation is then the export's own.
public struct GitLabLive: PullRequestSource {
    public let project: String
    public let since: Int64?
    private let client: ForgeClient
    /// What has been collected, once `collect` has run.
    private var gathered = LiveCollection(forge: .gitlab)
    private var collected = [Int]()

    public init(project: String, client: ForgeClient, since: Int64?) {
        self.project = project
        self.client = client
        self.since = since
    }

    public mutating func collect(for changes: [Change], branch: String) throws -> ReviewEvidence {
        do {
            try fetch(for: changes, branch: branch)
        } catch ForgeError.unauthorized {
            throw ForgeError.rejectedToken(repository: project, forge: .gitlab)
        }
        var export = try GitLabExport.collected(gathered.files, origin: "gitlab:\(project)")
        return gathered.evidence(try export.collect(for: changes, branch: branch))
    }

    /// A path segment as GitLab wants it: `group%2Fname`, a branch `feature%2Fx`.
    static func segment(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? text
    }

    mutating func fetch(for changes: [Change], branch: String) throws {
        let base = "projects/" + Self.segment(project)
        let oldest = ([since].compactMap { $0 } + changes.compactMap { Timestamp.parse($0.committedAt) }).min()
        let after = oldest.map { "&updated_after=" + Timestamp.iso8601UTC($0) } ?? ""
        let list = try client.getAll("\(base)/merge_requests?state=merged&target_branch=\(Self.segment(branch))&order_by=updated_at&sort=desc\(after)&per_page=100") { page in
            guard let oldest, let last = (try? JSONDocuments.list(MergeRequest.self, bytes: page, file: "merge_requests.json"))?.last else { return false }
            return (last.updatedAt?.seconds ?? .max) < oldest
        }
        guard list.status == 200 else {
            throw ForgeError.unreachable(url: client.apiURL.absoluteString + "/\(base)/merge_requests", forge: .gitlab, reason: "GitLab answered \(list.status)")
        }
        gathered.files["merge_requests.json"] = list.body
        var requests = [Int: MergeRequest]()
        for request in try JSONDocuments.list(MergeRequest.self, bytes: list.body, file: "merge_requests.json") { requests[request.iid] = request }
        let pulls = requests.mapValues(\.pullRequest)
        let matcher = PullRequestMatcher(pullRequests: pulls, commits: [:], forge: .gitlab, project: project)
        var needed = Set<Int>()
        for change in changes {
            if let match = matcher.match(change).match { needed.insert(match.number); continue }
            // GitLab's own commit → merge request association (fast-forward and rebase merges, custom messages).
            let file = "commits/\(change.commit)/merge_requests.json"
            let associated = try client.getAll("\(base)/repository/commits/\(change.commit)/merge_requests?per_page=100")
            guard gathered.keep(associated, as: file, url: "\(base)/repository/commits/\(change.commit)/merge_requests") else { continue }
            for request in try JSONDocuments.list(MergeRequest.self, bytes: associated.body, file: file) where request.pullRequest.isMerged {
                needed.insert(request.iid)
                requests[request.iid] = requests[request.iid] ?? request
            }
        }
        collected = needed.sorted()
        for iid in collected {
            let path = "\(base)/merge_requests/\(iid)"
            _ = gathered.keep(try client.get("\(path)/approvals"), as: "merge_requests/\(iid)/approvals.json", url: "\(path)/approvals")
            let commits = try client.getAll("\(path)/commits?per_page=100")
            let listed = gathered.keep(commits, as: "merge_requests/\(iid)/commits.json", url: "\(path)/commits")
                ? (try? JSONDocuments.list(GitLabCommit.self, bytes: commits.body, file: "commits.json"))?.reversed().map(\.pullRequestCommit) ?? [] : []
            let pipelines = try client.getAll("\(path)/pipelines?per_page=100")
            guard gathered.keep(pipelines, as: "merge_requests/\(iid)/pipelines.json", url: "\(path)/pipelines"),
                  let all = try? JSONDocuments.list(GitLabPipeline.self, bytes: pipelines.body, file: "pipelines.json") else { continue }
            let head = requests[iid]?.pullRequest.head?.sha ?? listed.last?.sha ?? ""
            for pipeline in GitLabExport.counted(all, head: head, commits: listed) {
                let jobs = try client.getAll("\(base)/pipelines/\(pipeline.id)/jobs?per_page=100")
                _ = gathered.keep(jobs, as: "pipelines/\(pipeline.id)/jobs.json", url: "\(base)/pipelines/\(pipeline.id)/jobs")
            }
        }
        let protected = try client.get("\(base)/protected_branches/\(Self.segment(branch))")
        if protected.status == 200 {
            gathered.files["protected_branches/\(branch).json"] = protected.body
        } else {
            gathered.notes.append(Diagnostic(subject: "gitlab:protected_branches/\(branch).json",
                                    message: protected.status == 404 ? "GitLab answered 404: \(branch) is not a protected branch (or the token cannot see it)"
                                        : "not readable (GitLab answered \(protected.status))"))
        }
        // Approval rules are a paid feature; a Free instance answers 403 or 404, which is a note, not a gap.
        let rules = try client.getAll("\(base)/approval_rules?per_page=100")
        if rules.status == 200 {
            gathered.files["approval_rules.json"] = rules.body
        } else {
            gathered.notes.append(Diagnostic(subject: "gitlab:approval_rules.json", message: "not readable (GitLab answered \(rules.status)); approval rules need GitLab Premium"))
        }
        let user = try client.get("user")
        let identity = (try? JSONSerialization.jsonObject(with: Data(user.body)) as? [String: Any])?["username"] as? String
        gathered.files[GitHubLive.provenanceFile] = try CollectionProvenance(repository: project, client: client, branch: branch, identity: identity,
                                                                    collected: collected, problems: gathered.problems, notes: gathered.notes).bytes()
    }

}
