import GitKit

/// Compact builders for the controls' examples: a pull request by alice, reviewed by others, with checks.
enum Example {
    static let head = "c0ffee0000000000000000000000000000000002"

    static func time(_ text: String) -> GitHubTime { GitHubTime(seconds: Timestamp.parse(text)!) }

    static func change(subject: String = "Add orders table (#7)", authors: [String] = ["alice@example.com"]) -> Change {
        Change(commit: "5a5a000000000000000000000000000000000001", parents: ["5a5a000000000000000000000000000000000000"],
               author: Signature(name: "Alice", email: authors[0], time: "2026-07-02T09:00:00Z"),
               committer: Signature(name: "GitHub", email: "noreply@github.com", time: "2026-07-03T12:00:00Z"),
               committedAt: "2026-07-03T12:00:00Z", subject: subject, message: subject + "\n",
               paths: [ChangedPath(path: "drizzle/0007_orders.sql", kind: .migration, status: .added, oldPath: nil)],
               mergedCommits: [], authors: authors)
    }

    static func review(_ login: String, _ state: ReviewState, at: String = "2026-07-02T15:00:00Z", on commit: String? = head,
                       type: String = "User") -> Review {
        Review(id: nil, user: GitHubAccount(login: login, type: type), state: state, submittedAt: time(at), commitID: commit)
    }

    static func commit(_ sha: String = head, login: String? = "alice", email: String = "alice@example.com", at: String = "2026-07-02T09:00:00Z") -> PullRequestCommit {
        let identity = PullRequestCommit.GitIdentity(name: login, email: email, date: time(at))
        return PullRequestCommit(sha: sha, commit: .init(author: identity, committer: identity, message: "work"),
                                 author: login.map { GitHubAccount(login: $0) })
    }

    static func run(_ name: String, _ conclusion: String?, status: String = "completed", at: String = "2026-07-02T10:00:00Z") -> CheckRun {
        CheckRun(id: nil, name: name, headSHA: head, status: status, conclusion: conclusion, completedAt: conclusion == nil ? nil : time(at))
    }

    static func reviewed(reviews: [Review]? = [review("bob", .approved)], commits: [PullRequestCommit]? = [commit()],
                         runs: [CheckRun] = [run("test", "success")], statuses: [CommitStatus] = [],
                         author: String = "alice", change: Change = change()) -> CorrelatedChange {
        let pull = PullRequest(number: 7, title: "Add orders table", htmlURL: "https://github.com/acme/api/pull/7",
                               user: GitHubAccount(login: author), mergedAt: time("2026-07-03T12:00:00Z"),
                               mergeCommitSHA: change.commit, head: .init(ref: "feature/orders", sha: head), base: .init(ref: "main", sha: nil))
        let evidence = PullRequestEvidence(pullRequest: pull, reviews: reviews, commits: commits,
                                           checks: CheckEvidence(sha: head, runs: runs, statuses: statuses))
        return CorrelatedChange(change: change, pullRequest: evidence, match: .mergeCommitSHA, untrustedReference: nil)
    }

    static func migrations(_ files: [MigrationFile]) -> CorrelatedChange {
        var change = reviewed()
        change.migrations = files
        return change
    }

    static func sql(_ path: String, _ status: PathStatus = .added, flavour: MigrationFlavour = .drizzle, down: String? = nil,
                    isScript: Bool = true, isDown: Bool = false) -> MigrationFile {
        MigrationFile(path: path, flavour: flavour, status: status, isScript: isScript, isDown: isDown, down: down)
    }

    static func directPush(subject: String = "hotfix: add index", untrusted: UntrustedReference? = nil, checks: CheckEvidence? = nil) -> CorrelatedChange {
        CorrelatedChange(change: change(subject: subject), pullRequest: nil, match: nil, untrustedReference: untrusted, commitChecks: checks)
    }
}
