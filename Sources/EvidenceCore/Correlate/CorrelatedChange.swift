/// Which SPEC §3 rule tied a change to its pull request.
public enum MatchRule: String, Codable, Sendable, Hashable {
    /// The pull request's `merge_commit_sha` is the change's commit (merge, squash, last commit of a rebase).
    case mergeCommitSHA = "merge_commit_sha"
    /// The subject says `Merge pull request #N from ...` or ends in `(#N)`.
    case subject
    /// The change's commit (or a commit a merge brought in) is in the pull request's commit list.
    case pullRequestCommits = "pr_commits"
    /// A rebase merge wrote a new commit with the same author e-mail, author date and message as a PR commit.
    case rebaseEquivalent = "rebase_equivalent"
}

/// A pull-request number a subject names that cannot be trusted.
public struct UntrustedReference: Codable, Sendable, Hashable {
    /// The number in the subject.
    public let number: Int
    /// Why it is not trusted.
    public let reason: String

    public init(number: Int, reason: String) {
        self.number = number
        self.reason = reason
    }
}

/// A pull request with the evidence exported for it.
public struct PullRequestEvidence: Sendable, Hashable {
    public let pullRequest: PullRequest
    /// Nil when the reviews file was not exported.
    public let reviews: [Review]?
    /// Nil when the commits file was not exported.
    public let commits: [PullRequestCommit]?
    /// The checks on the pull request's head commit.
    public let checks: CheckEvidence

    public init(pullRequest: PullRequest, reviews: [Review]?, commits: [PullRequestCommit]?, checks: CheckEvidence) {
        self.pullRequest = pullRequest
        self.reviews = reviews
        self.commits = commits
        self.checks = checks
    }

    /// The head commit the checks and current approvals are judged on: `head.sha`, else the last listed commit.
    public var headSHA: String? { pullRequest.head?.sha ?? commits?.last?.sha }
}

/// A change with what correlation found for it: the hand-off from Correlate to Evaluate.
public struct CorrelatedChange: Sendable, Hashable {
    public let change: Change
    /// The merged pull request that brought it, if any.
    public let pullRequest: PullRequestEvidence?
    /// Which rule found it.
    public let match: MatchRule?
    /// A number the subject names that no export knows, or that was never merged.
    public let untrustedReference: UntrustedReference?
    /// For a change without a pull request: checks recorded on the commit itself, if exported.
    public let commitChecks: CheckEvidence?
    /// The migration files it touched, as found in its tree, with the ledger rows that ran them.
    public var migrations: [MigrationFile]
    /// The Terraform module folders it touched, as committed.
    public var terraform: [TerraformModule]
    /// The ledgers given, and what each records; empty when no ledger was given.
    public var ledgers: [LedgerCoverage]

    public init(change: Change, pullRequest: PullRequestEvidence?, match: MatchRule?, untrustedReference: UntrustedReference?,
                commitChecks: CheckEvidence? = nil, migrations: [MigrationFile] = [], terraform: [TerraformModule] = [],
                ledgers: [LedgerCoverage] = []) {
        self.change = change
        self.pullRequest = pullRequest
        self.match = match
        self.untrustedReference = untrustedReference
        self.commitChecks = commitChecks
        self.migrations = migrations
        self.terraform = terraform
        self.ledgers = ledgers
    }
}
