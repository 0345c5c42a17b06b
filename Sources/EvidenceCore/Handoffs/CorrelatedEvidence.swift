import GitKit

/// The hand-off from Correlate to Evaluate: every change of the population with its pull request, migrations,
/// Terraform and ledger reconciliation, and every ledger record with what it matched. Nothing is filled in later.
public struct CorrelatedEvidence: Sendable {
    /// The audited branch, as resolved.
    public let branch: Branch
    /// The branch's name as the pull-request host knows it (`main` for `origin/main`).
    public let hostBranch: String
    public let window: AuditWindow
    public let config: EvidenceConfig
    /// The population, newest first.
    public let changes: [CorrelatedChange]
    /// The ledgers read, in bundle-path order.
    public let ledgers: [Ledger]
    /// How their records matched.
    public let reconciliation: LedgerReconciliation
    /// The review evidence as collected: the branch's protection and the files read.
    public let review: ReviewEvidence
    /// Everything noticed on the way, in the order it was noticed: the review source's, untrusted references, ledgers'.
    public let diagnostics: [Diagnostic]
    /// How much of the window the review evidence covers.
    public let completeness: ReviewCompleteness
    /// Where the migration tools' configurations keep their migrations (SPEC §15); nil when not judged (the changes
    /// `why` asks about are no window).
    public internal(set) var migrationSetups: [MigrationSetup]?
    /// How changes reach production from the branch head's workflows (SPEC §15); nil when not judged.
    public internal(set) var deployPath: DeployPath?
}

/// How complete the review evidence is for the window, as the manifest and the top of the report state it.
public struct ReviewCompleteness: Codable, Sendable, Equatable {
    /// Pull requests the export holds.
    public let held: Int
    /// Of them, merged into the audited branch within the window.
    public let mergedInWindow: Int
    /// Pull requests a change of the population correlates with.
    public let correlated: Int
    /// Pull requests merged into the branch in the window whose merge commit is not on it and with which no change
    /// correlates (force-pushed away, or the export is of another repository).
    public let mergedNotOnBranch: [Int]
    /// Changes of the population whose pull request evidence is missing (named by their subject, or no export).
    public let missingEvidence: Int
    /// A live collection's requests that failed after retries (`URL answered STATUS`); nil when the evidence was
    /// read from a folder or every request was answered.
    public let notCollected: [String]?

    enum CodingKeys: String, CodingKey {
        case held, correlated
        case notCollected = "not_collected"
        case mergedInWindow = "merged_in_window"
        case mergedNotOnBranch = "merged_not_on_branch"
        case missingEvidence = "changes_missing_evidence"
    }

    public init(held: Int, mergedInWindow: Int, correlated: Int, mergedNotOnBranch: [Int], missingEvidence: Int, notCollected: [String]? = nil) {
        self.held = held
        self.mergedInWindow = mergedInWindow
        self.correlated = correlated
        self.mergedNotOnBranch = mergedNotOnBranch
        self.missingEvidence = missingEvidence
        self.notCollected = notCollected
    }
}

/// Which SPEC §3 rule tied a change to its pull request.
public enum MatchRule: String, Codable, Sendable, Hashable {
    /// The pull request's `merge_commit_sha` is the change's commit (merge, squash, last commit of a rebase).
    case mergeCommitSHA = "merge_commit_sha"
    /// A GitLab merge request's `squash_commit_sha` is the change's commit (squashed and fast-forwarded).
    case squashCommitSHA = "squash_commit_sha"
    /// The subject says `Merge pull request #N from ...` or ends in `(#N)`; for GitLab, the message says `See merge
    /// request group/name!N` or `Merge branch 'x' into 'y'`.
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
    /// The GitLab project a message's `See merge request group/name!N` names, when it is not the audited one.
    public var project: String? = nil

    public init(number: Int, reason: String, project: String? = nil) {
        self.number = number
        self.reason = reason
        self.project = project
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

/// A change with everything correlation found for it: its pull request, migrations with the ledger rows that ran
/// them, Terraform modules, and the ledgers that cover it. Immutable once correlated.
public struct CorrelatedChange: Sendable, Hashable {
    public let change: Change
    /// The merged pull request that brought it, if any.
    public let pullRequest: PullRequestEvidence?
    /// Which rule found it.
    public let match: MatchRule?
    /// A number the subject names of a pull request that was never merged.
    public let untrustedReference: UntrustedReference?
    /// For a change without a pull request: checks recorded on the commit itself, if exported.
    public let commitChecks: CheckEvidence?
    /// For a change without a pull request: evidence it should have that no export holds.
    public let missingEvidence: MissingReviewEvidence?
    /// The migration files it touched, as found in its tree, with the ledger rows that ran them.
    public let migrations: [MigrationFile]
    /// The Terraform module folders it touched, as committed.
    public let terraform: [TerraformModule]
    /// The ledgers given, and what each records; empty when no ledger was given.
    public let ledgers: [LedgerCoverage]
    /// Where its review evidence is hosted: GitHub's pull requests or GitLab's merge requests.
    public var forge = Forge.github

    public init(change: Change, pullRequest: PullRequestEvidence?, match: MatchRule?, untrustedReference: UntrustedReference?,
                commitChecks: CheckEvidence? = nil, missingEvidence: MissingReviewEvidence? = nil, migrations: [MigrationFile] = [],
                terraform: [TerraformModule] = [], ledgers: [LedgerCoverage] = []) {
        self.change = change
        self.pullRequest = pullRequest
        self.match = match
        self.untrustedReference = untrustedReference
        self.commitChecks = commitChecks
        self.missingEvidence = missingEvidence
        self.migrations = migrations
        self.terraform = terraform
        self.ledgers = ledgers
    }
}

/// A ledger record with what it was matched to: the hand-off from Correlate to the ledger controls.
public struct ReconciledRecord: Sendable, Hashable {
    public let record: LedgerRecord
    /// For a migration apply: the committed version whose checksum it records; nil when none has it.
    public let version: MigrationVersion?
    /// The change that introduced those bytes, with its pull request; nil for an unmatched row.
    public let change: CorrelatedChange?
    /// For a Terraform apply: where its commit stands relative to the branch.
    public let placement: BranchPlacement?
    /// The version was found by the migration's name, not by a checksum of its bytes (Django, Rails, Alembic, ...):
    /// that the committed bytes are what ran is not evidenced.
    public let byName: Bool

    public init(record: LedgerRecord, version: MigrationVersion? = nil, change: CorrelatedChange? = nil, placement: BranchPlacement? = nil,
                byName: Bool = false) {
        self.record = record
        self.version = version
        self.change = change
        self.placement = placement
        self.byName = byName
    }
}

/// What one ledger covers, for judging migrations it has no row for (`CC8.1-deployed`).
public struct LedgerCoverage: Sendable, Hashable {
    /// The ledger as the bundle holds it.
    public let ledger: String
    public let kind: LedgerKind
    /// The newest `created_at` of a Drizzle ledger (ms): Drizzle's migrator runs only migrations whose journal
    /// `when` is newer, so an older one without a row is never applied.
    public let newestJournalWhen: Int64?
    /// For a ledger holding only the head (Alembic, golang-migrate): the heads it records.
    public let heads: [String]

    public init(ledger: String, kind: LedgerKind, newestJournalWhen: Int64? = nil, heads: [String] = []) {
        self.ledger = ledger
        self.kind = kind
        self.newestJournalWhen = newestJournalWhen
        self.heads = heads
    }

    /// Whether this ledger would hold a row for a migration of `flavour`: a tool's table records its own
    /// migrations; an event log records any tool's.
    public func records(_ flavour: MigrationFlavour) -> Bool {
        kind.format.capabilities.flavours?.contains(flavour) ?? true
    }
}

/// How the ledgers were read and matched: what the report's reconciliation shows.
public struct LedgerReconciliation: Sendable {
    /// Every record of every ledger, in ledger order then row order.
    public let records: [ReconciledRecord]
    /// What each ledger covers.
    public let coverage: [LedgerCoverage]
    /// Records left out because they ran outside the window, by ledger.
    public let outsideWindow: [String: Int]
    /// Events of other types, by ledger.
    public let otherEvents: [String: Int]

    public static let none = LedgerReconciliation(records: [], coverage: [], outsideWindow: [:], otherEvents: [:])
}


/// One version of a migration file: the bytes a path held, and the first-parent commit that brought them onto
/// the branch (the change a ledger row matching them is credited to).
public struct MigrationVersion: Sendable, Hashable {
    public let path: String
    /// The blob id of those bytes.
    public let blob: String
    /// The first-parent commit that first brought these bytes onto the branch.
    public let commit: String
    /// That commit's committer time.
    public let committedAt: Int64
}

/// Where a commit a Terraform apply names stands relative to the audited branch.
public enum BranchPlacement: Sendable, Hashable {
    /// A first-parent commit of the branch (a state the branch was in), committed at `since`.
    case onBranch(commit: String, since: Int64)
    /// In the repository, but never a state of the branch (a feature branch, or a commit a merge brought in).
    case offBranch(commit: String)
    /// Not in the repository at all.
    case unknown
}

