import Foundation

/// A folder of GitLab REST exports (API v4), each file the API's answer as it came (pages of a list back to back):
///
/// ```
/// merge_requests.json                  GET /projects/:id/merge_requests?state=merged&target_branch=B&order_by=updated_at
/// merge_requests/{iid}/approvals.json  GET /projects/:id/merge_requests/:iid/approvals
/// merge_requests/{iid}/commits.json    GET /projects/:id/merge_requests/:iid/commits
/// merge_requests/{iid}/pipelines.json  GET /projects/:id/merge_requests/:iid/pipelines
/// pipelines/{id}/jobs.json             GET /projects/:id/pipelines/:id/jobs                  (optional)
/// commits/{sha}/merge_requests.json    GET /projects/:id/repository/commits/:sha/merge_requests (optional)
/// protected_branches/{b}.json          GET /projects/:id/protected_branches/:name          (optional)
/// approval_rules.json                  GET /projects/:id/approval_rules                    (optional)
/// ```
///
/// Read into the common review model, so correlation and every control are the GitHub export's: approvals are
/// APPROVED reviews (time where the instance gives `approved_at`, never a commit), the merge request's pipelines
/// on its head — and its merged-results or merge-train pipelines, which run on GitLab's merge of that head — are
/// its checks, one check per job.
public struct GitLabExport: PullRequestSource, Sendable {
    public let folder: String
    /// Every merge request held, by `iid`, in the common model.
    public let pullRequests: [Int: PullRequest]
    public let reviews: [Int: [Review]]
    /// Oldest first, as the common model lists them (GitLab lists newest first).
    public let commits: [Int: [PullRequestCommit]]
    /// The project's `group/name`, when the files tell it.
    public let project: String?
    private let pipelines: [Int: [GitLabPipeline]]
    private var files: [String: [UInt8]]
    private var diagnostics: [Diagnostic]
    private let lookup: @Sendable (String) throws(EvidenceError) -> [UInt8]?

    /// Reads the folder (or its `gitlab/` subfolder).
    public static func load(folder given: String) throws(EvidenceError) -> GitLabExport {
        let folder = FileManager.default.fileExists(atPath: given + "/merge_requests.json") || !FileManager.default.fileExists(atPath: given + "/gitlab/merge_requests.json")
            ? given : given + "/gitlab"
        let associations = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/commits"))?.sorted()
            .map { "commits/\($0)/merge_requests.json" }.filter { FileManager.default.fileExists(atPath: folder + "/" + $0) } ?? []
        return try make(origin: folder, associations: associations) { file throws(EvidenceError) in
            FileManager.default.fileExists(atPath: folder + "/" + file) ? [UInt8](try readInput(folder + "/" + file)) : nil
        }
    }

    /// The same, from files collected into memory (by path in the export layout), `origin` naming them in messages.
    public static func collected(_ collected: [String: [UInt8]], origin: String) throws(EvidenceError) -> GitLabExport {
        let associations = collected.keys.filter { $0.hasPrefix("commits/") && $0.hasSuffix("/merge_requests.json") }.sorted()
        return try make(origin: origin, associations: associations) { file throws(EvidenceError) in collected[file] }
    }

    private static func make(origin folder: String, associations: [String],
                             lookup: @escaping @Sendable (String) throws(EvidenceError) -> [UInt8]?) throws(EvidenceError) -> GitLabExport {
        var files = [String: [UInt8]]()
        var diagnostics = [Diagnostic]()
        func read(_ file: String) throws(EvidenceError) -> [UInt8]? {
            guard let bytes = try lookup(file) else { return nil }
            files[file] = bytes
            return bytes
        }
        guard let list = try read("merge_requests.json") else { throw EvidenceError.unreadable(file: folder + "/merge_requests.json", reason: "missing") }
        var requests = [Int: MergeRequest]()
        for request in try JSONDocuments.list(MergeRequest.self, bytes: list, file: folder + "/merge_requests.json") { requests[request.iid] = request }
        for file in associations {
            for request in try JSONDocuments.list(MergeRequest.self, bytes: try read(file) ?? [], file: folder + "/" + file) where requests[request.iid] == nil {
                requests[request.iid] = request
            }
        }
        let provenance = try read(GitHubLive.provenanceFile)
        let collected = provenance.flatMap { try? JSONDecoder().decode(GitHubLive.CollectedPulls.self, from: Data($0)).pullRequests }.map(Set.init)
        var reviews = [Int: [Review]]()
        var commits = [Int: [PullRequestCommit]]()
        var pipelines = [Int: [GitLabPipeline]]()
        for iid in requests.keys.sorted() where requests[iid]!.pullRequest.isMerged && collected?.contains(iid) ?? true {
            let base = "merge_requests/\(iid)/"
            if let bytes = try read(base + "approvals.json") {
                reviews[iid] = try JSONDocuments.pages(MergeRequestApprovals.self, bytes: bytes, file: folder + "/" + base + "approvals.json").last?.reviews ?? []
            } else {
                diagnostics.append(Diagnostic(subject: "gitlab:" + base + "approvals.json", message: "missing: MR !\(iid) has no approval evidence"))
            }
            if let bytes = try read(base + "commits.json") {
                commits[iid] = try JSONDocuments.list(GitLabCommit.self, bytes: bytes, file: folder + "/" + base + "commits.json").reversed().map(\.pullRequestCommit)
            } else {
                diagnostics.append(Diagnostic(subject: "gitlab:" + base + "commits.json", message: "missing: MR !\(iid)'s commits are unknown"))
            }
            if let bytes = try read(base + "pipelines.json") {
                pipelines[iid] = try JSONDocuments.list(GitLabPipeline.self, bytes: bytes, file: folder + "/" + base + "pipelines.json")
            }
        }
        let project = Self.project(provenance: provenance, requests: Array(requests.values))
        return GitLabExport(folder: folder, pullRequests: requests.mapValues(\.pullRequest), reviews: reviews, commits: commits, project: project,
                            pipelines: pipelines, files: files, diagnostics: diagnostics, lookup: lookup)
    }

    /// `group/name`: as `collection.json` names it, else from a merge request's `references.full` or web address.
    static func project(provenance: [UInt8]?, requests: [MergeRequest]) -> String? {
        if let provenance, let fields = try? JSONSerialization.jsonObject(with: Data(provenance)) as? [String: Any],
           let project = fields["repository"] as? String { return project }
        for request in requests.sorted(by: { $0.iid < $1.iid }) {
            if let full = request.references?.full, let bang = full.lastIndex(of: "!") { return String(full[..<bang]) }
            if let url = request.webURL, let range = url.range(of: "/-/merge_requests/"), let name = EvidenceCorrelation.ownerName(String(url[..<range.lowerBound])) {
                return name
            }
        }
        return nil
    }

    public mutating func collect(for changes: [Change], branch: String) throws -> ReviewEvidence {
        let matcher = PullRequestMatcher(pullRequests: pullRequests, commits: commits, forge: .gitlab, project: project)
        let found = try matcher.reviews(for: changes, reviews: reviews, commits: commits, headChecks: { pull throws(EvidenceError) in
            try checks(for: pull)
        }, commitChecks: { sha in CheckEvidence(sha: sha, runs: [], statuses: []) })
        let protected = try optional(GitLabProtectedBranch.self, "protected_branches/\(branch).json")?.last
        let rules = try optional(GitLabApprovalRule.self, "approval_rules.json", list: true)
        var review = ReviewEvidence(changes: found, protection: nil, files: files, origin: folder, diagnostics: diagnostics,
                                    held: pullRequests.keys.sorted().map { pullRequests[$0]! })
        review.forge = .gitlab
        review.gitLabProtection = protected == nil && rules == nil ? nil : GitLabBranchProtection(branch: protected, approvalRules: rules)
        return review
    }

    /// The merge request's checks: the jobs of its pipelines that ran on its head commit, and of its merged-results
    /// and merge-train pipelines made after that head was committed (they run on GitLab's merge of it); a pipeline
    /// whose jobs were not exported counts as one check named `pipeline`.
    mutating func checks(for pull: PullRequest) throws(EvidenceError) -> CheckEvidence {
        let head = pull.head?.sha ?? commits[pull.number]?.last?.sha ?? "unknown"
        guard let all = pipelines[pull.number] else {
            diagnostics.append(Diagnostic(subject: "gitlab:merge_requests/\(pull.number)/pipelines.json",
                                          message: "missing: no pipelines exported for MR !\(pull.number)"))
            return CheckEvidence(sha: head, runs: [], statuses: [])
        }
        var runs = [CheckRun]()
        let counted = Self.counted(all, head: head, commits: commits[pull.number] ?? [])
        for pipeline in counted.sorted(by: { $0.id < $1.id }) {
            if let jobs = try optional(GitLabJob.self, "pipelines/\(pipeline.id)/jobs.json", list: true) {
                runs += jobs.map { $0.checkRun(sha: pipeline.sha ?? head) }
            } else {
                runs.append(pipeline.checkRun)
            }
        }
        return CheckEvidence(sha: head, runs: runs, statuses: [])
    }

    /// The pipelines that check `head`: those on it, and merged-results or merge-train pipelines created after it
    /// was committed (`commits` as the common model lists them).
    static func counted(_ pipelines: [GitLabPipeline], head: String, commits: [PullRequestCommit]) -> [GitLabPipeline] {
        let headCommit = commits.first { $0.sha == head }
        let headTime = (headCommit?.commit.committer?.date ?? headCommit?.commit.author?.date)?.seconds
        return pipelines.filter { pipeline in
            pipeline.sha == head || (pipeline.isMergedResult && headTime.map { (pipeline.createdAt?.seconds ?? .min) >= $0 } ?? false)
        }
    }

    /// An optional file's values (a list's items, or an object's pages), kept for the bundle; nil when not exported.
    private mutating func optional<Value: Decodable>(_ type: Value.Type, _ file: String, list: Bool = false) throws(EvidenceError) -> [Value]? {
        var bytes = files[file]
        if bytes == nil { bytes = try lookup(file) }
        guard let bytes else { return nil }
        files[file] = bytes
        return list ? try JSONDocuments.list(type, bytes: bytes, file: folder + "/" + file) : try JSONDocuments.pages(type, bytes: bytes, file: folder + "/" + file)
    }
}
