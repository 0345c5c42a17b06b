import Foundation

/// Where review evidence comes from. One conforming type per source in `Collect/`: a folder of GitHub REST exports
/// (`GitHubExport`) today; live GitHub and GitLab collectors next. The collect stage asks once, for every change
/// it needs evidence on, and gets back parsed values with the bytes they came from.
public protocol PullRequestSource {
    /// The evidence for `changes` (in order: diagnostics follow it), and the protection of `branch`.
    mutating func collect(for changes: [Change], branch: String) throws -> ReviewEvidence
}

/// A folder of GitHub REST exports (SPEC §2), read into Swift values:
///
/// ```
/// pulls.json                        GET /repos/{o}/{r}/pulls?state=closed&base={branch}
/// pulls/{n}/reviews.json            GET /repos/{o}/{r}/pulls/{n}/reviews
/// pulls/{n}/commits.json            GET /repos/{o}/{r}/pulls/{n}/commits
/// pulls/{n}/compare.json            GET /repos/{o}/{r}/compare/{base}...{head}     (over 250 commits; optional)
/// commits/{sha}/check-runs.json     GET /repos/{o}/{r}/commits/{sha}/check-runs
/// commits/{sha}/status.json         GET /repos/{o}/{r}/commits/{sha}/status        (optional)
/// branches/{branch}/protection.json GET /repos/{o}/{r}/branches/{branch}/protection (optional)
/// environments.json                 GET /repos/{o}/{r}/environments (optional: the gates of deploy jobs)
/// rules/branches/{branch}.json      GET /repos/{o}/{r}/rules/branches/{branch}      (rulesets; optional)
/// ```
///
/// `pulls.json` is required; a missing per-PR or per-commit file is a diagnostic, a malformed one an error. Each
/// file is read once and its bytes kept for the bundle.
public struct GitHubExport: PullRequestSource, Sendable {
    /// The folder holding `pulls.json`; empty for no export.
    public let folder: String
    /// Every pull request in `pulls.json`, by number.
    public let pullRequests: [Int: PullRequest]
    /// Reviews per pull request, for those whose file exists.
    public let reviews: [Int: [Review]]
    /// Commits per pull request, for those whose file exists.
    public let commits: [Int: [PullRequestCommit]]
    /// Every file read, by path relative to `folder`, with its bytes: the inputs the evidence carries.
    public private(set) var files: [String: [UInt8]]
    /// Missing optional files and other things worth telling.
    public private(set) var diagnostics: [Diagnostic]
    /// The files themselves when they were collected into memory rather than read from `folder`.
    private var collected: [String: [UInt8]]? = nil

    /// Reads `pulls.json` and every pull request's reviews and commits. Accepts the folder itself or its parent
    /// when the parent holds a `github/` folder.
    public static func load(folder given: String) throws(EvidenceError) -> GitHubExport {
        let folder = FileManager.default.fileExists(atPath: given + "/pulls.json") || !FileManager.default.fileExists(atPath: given + "/github/pulls.json")
            ? given : given + "/github"
        let associations = (try? FileManager.default.contentsOfDirectory(atPath: folder + "/commits"))?.sorted()
            .map { "commits/\($0)/pulls.json" }.filter { FileManager.default.fileExists(atPath: folder + "/" + $0) } ?? []
        return try make(origin: folder, associations: associations) { file throws(EvidenceError) in
            FileManager.default.fileExists(atPath: folder + "/" + file) ? [UInt8](try readInput(folder + "/" + file)) : nil
        }
    }

    /// The same, from files collected into memory (by path in the export layout), `origin` naming them in messages.
    public static func collected(_ collected: [String: [UInt8]], origin: String) throws(EvidenceError) -> GitHubExport {
        let associations = collected.keys.filter { $0.hasPrefix("commits/") && $0.hasSuffix("/pulls.json") }.sorted()
        var export = try make(origin: origin, associations: associations) { file throws(EvidenceError) in collected[file] }
        export.collected = collected
        return export
    }

    /// Reads `pulls.json`, the pull requests GitHub associates with commits (`commits/{sha}/pulls.json`, which
    /// covers rebase merges), and every merged one's reviews and commits, through `lookup` (nil: no such file).
    private static func make(origin folder: String, associations: [String],
                             lookup: (String) throws(EvidenceError) -> [UInt8]?) throws(EvidenceError) -> GitHubExport {
        var diagnostics = [Diagnostic]()
        var files = [String: [UInt8]]()
        func read(_ file: String) throws(EvidenceError) -> [UInt8] {
            guard let bytes = try lookup(file) else { throw EvidenceError.unreadable(file: folder + "/" + file, reason: "missing") }
            files[file] = bytes
            return bytes
        }
        let pulls = try JSONDocuments.list(PullRequest.self, bytes: try read("pulls.json"), file: folder + "/pulls.json")
        var byNumber = [Int: PullRequest]()
        for pull in pulls { byNumber[pull.number] = pull }  // pages can overlap if the list moved during export; last wins
        for file in associations {
            for pull in try JSONDocuments.list(PullRequest.self, bytes: try read(file), file: folder + "/" + file) where byNumber[pull.number] == nil {
                byNumber[pull.number] = pull
            }
        }
        var reviews = [Int: [Review]]()
        var commits = [Int: [PullRequestCommit]]()
        /// Reads an optional per-PR list; a missing file is a diagnostic.
        func optionalList<Item: Decodable>(_ item: Item.Type, _ file: String, missing: String) throws(EvidenceError) -> [Item]? {
            guard let bytes = try lookup(file) else {
                diagnostics.append(Diagnostic(subject: "github:" + file, message: "missing: " + missing))
                return nil
            }
            files[file] = bytes
            return try JSONDocuments.list(item, bytes: bytes, file: folder + "/" + file)
        }
        // A live collection fetches only the pull requests the changes need and says which in collection.json;
        // the others' evidence was never asked for, which is not a gap.
        let collected = try lookup(GitHubLive.provenanceFile).flatMap { bytes in
            try? JSONDecoder().decode(GitHubLive.CollectedPulls.self, from: Data(bytes)).pullRequests
        }.map(Set.init)
        for number in byNumber.keys.sorted() where byNumber[number]!.isMerged && collected?.contains(number) ?? true {
            reviews[number] = try optionalList(Review.self, "pulls/\(number)/reviews.json", missing: "PR #\(number) has no review evidence")
            commits[number] = try optionalList(PullRequestCommit.self, "pulls/\(number)/commits.json", missing: "PR #\(number)'s commits are unknown")
            // GitHub lists at most 250 commits of a pull request; a longer one's are the range base...head.
            let range = "pulls/\(number)/compare.json"
            if let bytes = try lookup(range) {
                files[range] = bytes
                let all = try JSONDocuments.pages(ComparePage.self, bytes: bytes, file: folder + "/" + range).flatMap(\.commits)
                if !all.isEmpty { commits[number] = all }
            }
        }
        return GitHubExport(folder: folder, pullRequests: byNumber, reviews: reviews, commits: commits, files: files, diagnostics: diagnostics)
    }

    /// No export: every change correlates to no pull request (for `why` without `--github`).
    public static let none = GitHubExport(folder: "", pullRequests: [:], reviews: [:], commits: [:], files: [:], diagnostics: [])

    public mutating func collect(for changes: [Change], branch: String) throws -> ReviewEvidence {
        let matcher = PullRequestMatcher(pullRequests: pullRequests, commits: commits)
        let found = try matcher.reviews(for: changes, reviews: reviews, commits: commits, headChecks: { pull throws(EvidenceError) in
            try (pull.head?.sha ?? commits[pull.number]?.last?.sha).map { sha throws(EvidenceError) in try checks(for: sha, reportMissing: true) }
                ?? CheckEvidence(sha: "unknown", runs: [], statuses: [])
        }, commitChecks: { sha throws(EvidenceError) in try checks(for: sha, reportMissing: false) })
        let protection = try pagesIfExported(BranchProtection.self, "branches/\(branch)/protection.json")?.last
        let rules = try pagesIfExported(BranchRule.self, "rules/branches/\(branch).json")
        let environments = try pagesIfExported(GitHubEnvironmentPage.self, "environments.json")?.flatMap(\.environments)
        var evidence = ReviewEvidence(changes: found, protection: protection, files: files, origin: folder, diagnostics: diagnostics,
                                      held: pullRequests.keys.sorted().map { pullRequests[$0]! }, rules: rules)
        evidence.environments = environments
        return evidence
    }

    /// The check runs and statuses recorded for a commit; both files are optional, and when neither exists that is
    /// a diagnostic if `reportMissing`.
    mutating func checks(for sha: String, reportMissing: Bool) throws(EvidenceError) -> CheckEvidence {
        if folder.isEmpty { return CheckEvidence(sha: sha, runs: [], statuses: []) }
        let runs = try pagesIfExported(CheckRunPage.self, "commits/\(sha)/check-runs.json")
        let statuses = try pagesIfExported(CombinedStatus.self, "commits/\(sha)/status.json")
        if runs == nil && statuses == nil && reportMissing {
            diagnostics.append(Diagnostic(subject: "github:commits/\(sha)/check-runs.json",
                                          message: "missing: no check runs or statuses exported for \(sha.prefix(12))"))
        }
        return CheckEvidence(sha: sha, runs: runs?.flatMap(\.checkRuns) ?? [], statuses: statuses?.flatMap(\.statuses) ?? [])
    }

    /// The pages of an optional object endpoint's file, kept as read; nil when it was not exported.
    private mutating func pagesIfExported<Page: Decodable>(_ page: Page.Type, _ file: String) throws(EvidenceError) -> [Page]? {
        if folder.isEmpty { return nil }
        let path = folder + "/" + file
        let bytes: [UInt8]
        if let known = files[file] {
            bytes = known
        } else if let collected {
            guard let found = collected[file] else { return nil }
            bytes = found
        } else {
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            bytes = [UInt8](try readInput(path))
        }
        let pages = try JSONDocuments.pages(page, bytes: bytes, file: path)
        files[file] = bytes
        return pages
    }
}
