import GitKit

/// Which changes the pipeline is about.
public enum PopulationScope: Sendable {
    /// The branch's first-parent changes in a window (export, verify --repo).
    case window(AuditWindow)
    /// Changes the caller chose (why: every change of one file), with ledgers judged over all history.
    case changes([Change])
}

/// What the pipeline starts from: the repository, the branch, the settings, which changes, where the review
/// evidence comes from and the ledgers read.
public struct EvidenceInputs {
    public let repository: Repository
    public let branch: Branch
    public let config: EvidenceConfig
    public let scope: PopulationScope
    public var pullRequests: any PullRequestSource
    /// The ledgers, as read (any order: the pipeline judges them in bundle-path order).
    public let ledgers: [Ledger]
    /// Also correlate the changes before the population whose bytes a judged ledger record ran, so those records
    /// are judged by their pull request (export and verify do; why asks about one file and does not).
    public let creditsEarlierChanges: Bool
    public let progress: WalkProgress?

    public init(repository: Repository, branch: Branch, config: EvidenceConfig, scope: PopulationScope, pullRequests: any PullRequestSource,
                ledgers: [Ledger] = [], creditsEarlierChanges: Bool = true, progress: WalkProgress? = nil) {
        self.repository = repository
        self.branch = branch
        self.config = config
        self.scope = scope
        self.pullRequests = pullRequests
        self.ledgers = ledgers
        self.creditsEarlierChanges = creditsEarlierChanges
        self.progress = progress
    }

    /// The branch's name as the pull-request host knows it: `main` for `origin/main`.
    var hostBranch: String {
        branch.shortName.hasPrefix("origin/") ? String(branch.shortName.dropFirst("origin/".count)) : branch.shortName
    }
}

/// The hand-off from Collect to Correlate: the population, the earlier changes ledger records are credited to, the
/// review evidence for all of them, the ledgers and what their records matched.
public struct CollectedEvidence {
    public let inputs: EvidenceInputs
    public let window: AuditWindow
    /// The population, newest first.
    public let population: [Change]
    /// Changes outside the population whose bytes a judged ledger record ran, in the order the records name them.
    public let credited: [Change]
    public let review: ReviewEvidence
    /// The ledgers, in bundle-path order.
    public let ledgers: [Ledger]
    /// The ledger records matched to the migration versions of the branch's history (empty without ledgers).
    let matching: LedgerReconciler.Matching
    /// Where the migration tools' configurations keep their migrations, at the head and as changed in the window.
    var migrationSetups: [MigrationSetup]?
    /// The branch head's deploy jobs and the state-changing commands in them.
    var deployPath: DeployPath?
}

/// The hand-off from Evaluate to Assemble: the correlated evidence and every control's finding.
public struct EvaluatedEvidence: Sendable {
    public let correlated: CorrelatedEvidence
    /// Per-change findings in population order, then per-record findings in ledger order, then the branch's.
    public let findings: [Finding]
}
