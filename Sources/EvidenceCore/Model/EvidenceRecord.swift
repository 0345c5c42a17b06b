/// The outcome of one check as the evidence records it.
public struct CheckSummary: Codable, Sendable, Hashable {
    /// Check-run name or status context.
    public let name: String
    /// The conclusion (`success`, `failure`, ...) or, when not completed, the status.
    public let outcome: String
    /// Whether it counts as success.
    public let passed: Bool
}

/// What `changes.jsonl` says about a change's pull request.
public struct PullRequestSummary: Codable, Sendable, Hashable {
    public let number: Int
    public let title: String
    public let url: String?
    public let author: String?
    public let mergedAt: String?
    /// Which SPEC §3 rule matched.
    public let match: MatchRule
    /// The head commit the checks ran on.
    public let headSHA: String?
    /// Logins whose approval counts (latest verdict APPROVED, independent of the change, not a bot).
    public let approvers: [String]
    public let checks: [CheckSummary]

    enum CodingKeys: String, CodingKey {
        case number, title, url, author, match, approvers, checks
        case mergedAt = "merged_at"
        case headSHA = "head_sha"
    }
}

/// One line of `changes.jsonl`: the change as `changes --json` prints it, plus its pull request and migrations.
public struct EvidenceRecord: Encodable, Sendable {
    public let change: Change
    public let pullRequest: PullRequestSummary?
    public let untrustedReference: UntrustedReference?
    /// The migration files touched, with flavour, down migration and the ledger rows that ran them.
    public let migrations: [MigrationFile]
    /// The Terraform module folders touched, with what they pin.
    public let terraform: [TerraformModule]

    enum CodingKeys: String, CodingKey {
        case migrations, terraform
        case pullRequest = "pull_request"
        case untrustedReference = "untrusted_reference"
    }

    public init(_ correlated: CorrelatedChange, policy: ReviewPolicy) {
        change = correlated.change
        untrustedReference = correlated.untrustedReference
        migrations = correlated.migrations
        terraform = correlated.terraform
        pullRequest = correlated.pullRequest.map { evidence in
            let pull = evidence.pullRequest
            let approvers = evidence.reviews == nil ? [] :
                ApprovalAnalysis(evidence: evidence, change: correlated.change, policy: policy).qualifying.map(\.login)
            return PullRequestSummary(
                number: pull.number, title: pull.title, url: pull.htmlURL, author: pull.user?.login, mergedAt: pull.mergedAt?.text,
                match: correlated.match ?? .subject, headSHA: evidence.headSHA, approvers: approvers,
                checks: Tested.latestResults(evidence.checks).map { CheckSummary(name: $0.name, outcome: $0.outcome, passed: $0.passed) })
        }
    }

    /// The change's own keys, then `pull_request` and `untrusted_reference` (null when absent), in one object.
    public func encode(to encoder: Encoder) throws {
        try change.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(pullRequest, forKey: .pullRequest)
        try container.encode(untrustedReference, forKey: .untrustedReference)
        try container.encode(migrations, forKey: .migrations)
        try container.encode(terraform, forKey: .terraform)
    }
}
