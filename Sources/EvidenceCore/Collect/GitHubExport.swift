import Foundation

/// A folder of GitHub REST exports (SPEC §2), read into Swift values:
///
/// ```
/// pulls.json                        GET /repos/{o}/{r}/pulls?state=closed&base={branch}
/// pulls/{n}/reviews.json            GET /repos/{o}/{r}/pulls/{n}/reviews
/// pulls/{n}/commits.json            GET /repos/{o}/{r}/pulls/{n}/commits
/// commits/{sha}/check-runs.json     GET /repos/{o}/{r}/commits/{sha}/check-runs
/// commits/{sha}/status.json         GET /repos/{o}/{r}/commits/{sha}/status        (optional)
/// branches/{branch}/protection.json GET /repos/{o}/{r}/branches/{branch}/protection (optional)
/// ```
///
/// `pulls.json` is required; a missing per-PR or per-commit file is a diagnostic, a malformed one an error.
public struct GitHubExport: Sendable {
    /// The folder holding `pulls.json`.
    public let folder: String
    /// Every pull request in `pulls.json`, by number.
    public let pullRequests: [Int: PullRequest]
    /// Reviews per pull request, for those whose file exists.
    public let reviews: [Int: [Review]]
    /// Commits per pull request, for those whose file exists.
    public let commits: [Int: [PullRequestCommit]]
    /// Every file read, relative to `folder`, sorted: the inputs the evidence carries.
    public private(set) var filesRead: [String]
    /// Missing optional files and other things worth telling.
    public private(set) var diagnostics: [Diagnostic]

    /// Reads `pulls.json` and every pull request's reviews and commits. Accepts the folder itself or its parent
    /// when the parent holds a `github/` folder.
    public static func load(folder given: String) throws(EvidenceError) -> GitHubExport {
        let folder = FileManager.default.fileExists(atPath: given + "/pulls.json") || !FileManager.default.fileExists(atPath: given + "/github/pulls.json")
            ? given : given + "/github"
        var diagnostics = [Diagnostic]()
        var files = ["pulls.json"]
        let pulls = try JSONDocuments.list(PullRequest.self, file: folder + "/pulls.json")
        var byNumber = [Int: PullRequest]()
        for pull in pulls { byNumber[pull.number] = pull }  // pages can overlap if the list moved during export; last wins
        var reviews = [Int: [Review]]()
        var commits = [Int: [PullRequestCommit]]()
        /// Reads an optional per-PR list; a missing file is a diagnostic.
        func optionalList<Item: Decodable>(_ item: Item.Type, _ file: String, missing: String) throws(EvidenceError) -> [Item]? {
            guard FileManager.default.fileExists(atPath: folder + "/" + file) else {
                diagnostics.append(Diagnostic(subject: folder + "/" + file, message: "missing: " + missing))
                return nil
            }
            files.append(file)
            return try JSONDocuments.list(item, file: folder + "/" + file)
        }
        for number in byNumber.keys.sorted() where byNumber[number]!.isMerged {
            reviews[number] = try optionalList(Review.self, "pulls/\(number)/reviews.json", missing: "PR #\(number) has no review evidence")
            commits[number] = try optionalList(PullRequestCommit.self, "pulls/\(number)/commits.json", missing: "PR #\(number)'s commits are unknown")
        }
        return GitHubExport(folder: folder, pullRequests: byNumber, reviews: reviews, commits: commits, filesRead: files.sorted(), diagnostics: diagnostics)
    }

    /// No export: every change correlates to no pull request (for `why` without `--github`).
    public static let none = GitHubExport(folder: "", pullRequests: [:], reviews: [:], commits: [:], filesRead: [], diagnostics: [])

    /// The check runs and statuses recorded for a commit; both files are optional, and when neither exists that is
    /// a diagnostic if `reportMissing`.
    public mutating func checks(for sha: String, reportMissing: Bool) throws(EvidenceError) -> CheckEvidence {
        if folder.isEmpty { return CheckEvidence(sha: sha, runs: [], statuses: []) }
        let runs = try pagesIfExported(CheckRunPage.self, "commits/\(sha)/check-runs.json")
        let statuses = try pagesIfExported(CombinedStatus.self, "commits/\(sha)/status.json")
        if runs == nil && statuses == nil && reportMissing {
            diagnostics.append(Diagnostic(subject: folder + "/commits/\(sha)/check-runs.json",
                                          message: "missing: no check runs or statuses exported for \(sha.prefix(12))"))
        }
        return CheckEvidence(sha: sha, runs: runs?.flatMap(\.checkRuns) ?? [], statuses: statuses?.flatMap(\.statuses) ?? [])
    }

    /// The branch's protection settings, when exported.
    public mutating func protection(branch: String) throws(EvidenceError) -> BranchProtection? {
        try pagesIfExported(BranchProtection.self, "branches/\(branch)/protection.json")?.last
    }

    /// The pages of an optional object endpoint's file, recorded as read; nil when it was not exported.
    private mutating func pagesIfExported<Page: Decodable>(_ page: Page.Type, _ file: String) throws(EvidenceError) -> [Page]? {
        guard FileManager.default.fileExists(atPath: folder + "/" + file) else { return nil }
        let pages = try JSONDocuments.pages(page, file: folder + "/" + file)
        record(file)
        return pages
    }

    private mutating func record(_ file: String) {
        if !filesRead.contains(file) {
            filesRead.append(file)
            filesRead.sort()
        }
    }
}

/// The checks recorded on one commit: GitHub check runs and commit statuses.
public struct CheckEvidence: Sendable, Hashable {
    /// The commit they ran on.
    public let sha: String
    public let runs: [CheckRun]
    public let statuses: [CommitStatus]

    public init(sha: String, runs: [CheckRun], statuses: [CommitStatus]) {
        self.sha = sha
        self.runs = runs
        self.statuses = statuses
    }
}
