import Foundation

/// Review evidence collected live from GitHub (SPEC §9): only what the changes asked about need, each response kept
/// byte for byte in the export layout of SPEC §2 (so the bundle's `inputs/github/` reads like a hand-made export),
/// plus `collection.json`, the provenance of every request. Correlation is then the export's own.
public struct GitHubLive: PullRequestSource {
    /// `OWNER/NAME`.
    public let repository: String
    /// The pull-request list is read back to here (newest updated first): the window's start, or the oldest change
    /// asked about when that is older (a change a ledger row ran may predate the window).
    public let since: Int64?
    private let client: ForgeClient
    /// What has been collected, once `collect` has run.
    private var gathered = LiveCollection(forge: .github)

    public init(repository: String, client: ForgeClient, since: Int64?) {
        self.repository = repository
        self.client = client
        self.since = since
    }

    public mutating func collect(for changes: [Change], branch: String) throws -> ReviewEvidence {
        do {
            try fetch(for: changes, branch: branch)
        } catch ForgeError.unauthorized {
            throw ForgeError.rejectedToken(repository: repository, forge: .github)
        }
        var export = try GitHubExport.collected(gathered.files, origin: "github:\(repository)")
        return gathered.evidence(try export.collect(for: changes, branch: branch))
    }

    /// Requests what the changes need and keeps the bodies; then writes `collection.json`.
    mutating func fetch(for changes: [Change], branch: String) throws {
        let base = "repos/\(repository)"
        let oldest = ([since].compactMap { $0 } + changes.compactMap { Timestamp.parse($0.committedAt) }).min()
        let list = try client.getAll("\(base)/pulls?state=closed&base=\(branch)&sort=updated&direction=desc&per_page=100") { page in
            // Sorted by updated_at, newest first: once a page ends before the oldest time needed, the rest is older.
            guard let oldest, let last = (try? JSONDocuments.list(PullRequest.self, bytes: page, file: "pulls.json"))?.last else { return false }
            return (last.updatedAt?.seconds ?? .max) < oldest
        }
        guard list.status == 200 else {
            throw ForgeError.unreachable(url: client.apiURL.absoluteString + "/\(base)/pulls", forge: .github, reason: "GitHub answered \(list.status)")
        }
        gathered.files["pulls.json"] = list.body
        let pulls = try JSONDocuments.list(PullRequest.self, bytes: list.body, file: "pulls.json").filter(\.isMerged)
        var needed = Set<Int>()
        var bySHA = [String: Int]()
        for pull in pulls { if let sha = pull.mergeCommitSHA { bySHA[sha] = min(bySHA[sha] ?? .max, pull.number) } }
        let numbers = Set(pulls.map { $0.number })
        var heads = [Int: String]()
        for pull in pulls { heads[pull.number] = pull.head?.sha }
        for change in changes {
            if let number = bySHA[change.commit] { needed.insert(number); continue }
            if let named = PullRequestMatcher.referencedNumber(in: change.subject), numbers.contains(named) { needed.insert(named); continue }
            // GitHub's own commit → pull request association, which covers rebase merges and subjects without a
            // number; for a merge made outside GitHub, asked of the newest commit it brought in.
            for commit in [change.commit] + change.mergedCommits.prefix(1).map(\.commit) {
                let file = "commits/\(commit)/pulls.json"
                let associated = try client.getAll("\(base)/commits/\(commit)/pulls?per_page=100")
                guard gathered.keep(associated, as: file, url: "\(base)/commits/\(commit)/pulls") else { break }
                let merged = try JSONDocuments.list(PullRequest.self, bytes: associated.body, file: file).filter(\.isMerged)
                for pull in merged {
                    needed.insert(pull.number)
                    heads[pull.number] = pull.head?.sha
                }
                if !merged.isEmpty { break }
            }
        }
        collectedPulls = needed.sorted()
        for number in needed.sorted() {
            let reviews = try client.getAll("\(base)/pulls/\(number)/reviews?per_page=100")
            _ = gathered.keep(reviews, as: "pulls/\(number)/reviews.json", url: "\(base)/pulls/\(number)/reviews")
            let commits = try client.getAll("\(base)/pulls/\(number)/commits?per_page=100")
            if gathered.keep(commits, as: "pulls/\(number)/commits.json", url: "\(base)/pulls/\(number)/commits"),
               (try? JSONDocuments.list(PullRequestCommit.self, bytes: commits.body, file: "commits.json"))?.count ?? 0 >= 250 {
                // GitHub lists at most 250 commits of a pull request: the rest come from the range it merged.
                if let pull = pulls.first(where: { $0.number == number }), let from = pull.base?.sha, let to = pull.head?.sha {
                    let range = try client.getAll("\(base)/compare/\(from)...\(to)?per_page=100")
                    if gathered.keep(range, as: "pulls/\(number)/compare.json", url: "\(base)/compare/\(from)...\(to)") {
                        gathered.notes.append(Diagnostic(subject: "PR #\(number)", message: "GitHub lists at most 250 commits of a pull request; "
                                                + "its commits were collected from the range \(from.prefix(12))...\(to.prefix(12))"))
                    }
                } else {
                    gathered.problems.append(Diagnostic(subject: "github:pulls/\(number)/commits.json",
                                               message: "GitHub lists at most 250 commits of a pull request, and its base and head are unknown"))
                }
            }
            guard let head = heads[number] else { continue }
            let runs = try client.getAll("\(base)/commits/\(head)/check-runs?per_page=100")
            _ = gathered.keep(runs, as: "commits/\(head)/check-runs.json", url: "\(base)/commits/\(head)/check-runs")
            let status = try client.getAll("\(base)/commits/\(head)/status?per_page=100")
            if status.status == 200 { gathered.files["commits/\(head)/status.json"] = status.body }
        }
        // Rulesets are readable without admin rights; classic protection often is not, and then it is only noted.
        let rules = try client.getAll("\(base)/rules/branches/\(branch)?per_page=100")
        if rules.status == 200 { gathered.files["rules/branches/\(branch).json"] = rules.body }
        let protection = try client.get("\(base)/branches/\(branch)/protection")
        if protection.status == 200 {
            gathered.files["branches/\(branch)/protection.json"] = protection.body
        } else {
            gathered.notes.append(Diagnostic(subject: "github:branches/\(branch)/protection.json",
                                       message: "not readable (GitHub answered \(protection.status)); classic branch protection needs admin access"))
        }
        // The deployment environments' gates, for the deploy jobs of the workflows (SPEC §15).
        let environments = try client.getAll("\(base)/environments?per_page=100")
        if environments.status == 200 {
            gathered.files["environments.json"] = environments.body
        } else {
            gathered.notes.append(Diagnostic(subject: "github:environments.json", message: "not readable (GitHub answered \(environments.status))"))
        }
        // Who collected: an app says so itself (an installation token cannot read /user); a token's login, GitHub's.
        var identity = client.appIdentity
        if identity == nil {
            let user = try client.get("user")
            identity = (try? JSONSerialization.jsonObject(with: Data(user.body)) as? [String: Any])?["login"] as? String
        }
        gathered.files[Self.provenanceFile] = try provenance(identity: identity, branch: branch)
    }

    /// `collection.json`.
    public static let provenanceFile = "collection.json"

    /// The part of `collection.json` a reader of the folder needs: which pull requests' evidence was fetched.
    struct CollectedPulls: Decodable {
        let pullRequests: [Int]

        enum CodingKeys: String, CodingKey {
            case pullRequests = "pull_requests_collected"
        }
    }

    /// The pull requests whose reviews, commits and checks were fetched.
    private var collectedPulls = [Int]()


    private func provenance(identity: String?, branch: String) throws -> [UInt8] {
        try CollectionProvenance(repository: repository, client: client, branch: branch, identity: identity, collected: collectedPulls,
                                 problems: gathered.problems, notes: gathered.notes).bytes()
    }
}
