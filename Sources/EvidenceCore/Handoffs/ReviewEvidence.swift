/// What a `PullRequestSource` hands to correlation: for each change asked about, its pull request (by SPEC §3's
/// rules) with reviews, commits and checks; the branch's protection; and every file read, byte for byte, so
/// nothing is read twice and the bundle carries exactly what was judged.
public struct ReviewEvidence: Sendable {
    /// What was found for each change, by commit id.
    public let changes: [String: ChangeReview]
    /// Which host the evidence is from: its nouns in every message, and the bundle's `inputs/github` or `inputs/gitlab`.
    public var forge = Forge.github
    /// The audited branch's protection, when the source holds it.
    public let protection: BranchProtection?
    /// GitLab's protection of the branch and the project's approval rules, when the source is GitLab.
    public var gitLabProtection: GitLabBranchProtection?
    /// The rules of rulesets in force on the branch, when the source holds them.
    public let rules: [BranchRule]?
    /// The repository's deployment environments (`environments.json`); nil when not exported or collected.
    public var environments: [GitHubEnvironment]?
    /// Every file read, by its path inside the source (`pulls.json`, `pulls/7/reviews.json`, ...).
    public let files: [String: [UInt8]]
    /// Where the files were read from (a folder), so the manifest can say.
    public let origin: String
    /// Missing optional files and other things worth telling, in the order noticed.
    public let diagnostics: [Diagnostic]
    /// Every pull request the source holds, whether or not a change correlates with it: what completeness is
    /// measured against.
    public let held: [PullRequest]
    /// What a live source asked for and could not get (URL and status): the evidence is incomplete. Empty for a
    /// folder, whose gaps are diagnostics.
    public let uncollected: [Diagnostic]

    public init(changes: [String: ChangeReview], protection: BranchProtection?, files: [String: [UInt8]], origin: String,
                diagnostics: [Diagnostic], held: [PullRequest] = [], uncollected: [Diagnostic] = [], rules: [BranchRule]? = nil) {
        self.changes = changes
        self.protection = protection
        self.rules = rules
        self.files = files
        self.origin = origin
        self.diagnostics = diagnostics
        self.held = held
        self.uncollected = uncollected
    }
}

/// What review evidence one change has.
public struct ChangeReview: Sendable, Hashable {
    /// The merged pull request that brought it, with its reviews, commits and checks.
    public let pullRequest: PullRequestEvidence?
    /// Which rule found it.
    public let match: MatchRule?
    /// A number the subject names that the source does not know, or that was never merged.
    public let untrustedReference: UntrustedReference?
    /// For a change without a pull request: checks recorded on the commit itself, if any.
    public let commitChecks: CheckEvidence?
    /// For a change without a pull request: evidence it should have that the source does not hold.
    public let missingEvidence: MissingReviewEvidence?
    /// The host of the pull request (or of the missing one).
    public var forge = Forge.github

    public init(pullRequest: PullRequestEvidence?, match: MatchRule?, untrustedReference: UntrustedReference?, commitChecks: CheckEvidence?,
                missingEvidence: MissingReviewEvidence? = nil) {
        self.pullRequest = pullRequest
        self.match = match
        self.untrustedReference = untrustedReference
        self.commitChecks = commitChecks
        self.missingEvidence = missingEvidence
    }

    /// No pull request and no checks.
    public static let none = ChangeReview(pullRequest: nil, match: nil, untrustedReference: nil, commitChecks: nil)
}

/// Review evidence a change should have and the source does not hold. Never read as a direct push: the change may
/// well have been reviewed, and the evidence is what is missing.
public enum MissingReviewEvidence: Sendable, Hashable {
    /// The subject names pull request #N (`Merge pull request #N`, `... (#N)`) and the source does not hold it.
    case pullRequest(Int)
    /// The source holds no pull requests at all, so whether the change came through one cannot be told.
    case noPullRequests

    /// `Pull request evidence missing for #12` (GitLab: `Merge request evidence missing for !12`), as findings begin.
    public func described(_ forge: Forge) -> String {
        let noun = forge.noun.prefix(1).uppercased() + forge.noun.dropFirst()
        return switch self {
        case .pullRequest(let number): "\(noun) evidence missing for \(forge.number(number))"
        case .noPullRequests: "\(noun) evidence missing"
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
