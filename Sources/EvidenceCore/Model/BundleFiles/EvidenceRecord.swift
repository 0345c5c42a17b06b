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
    /// `gitlab` for a merge request; absent for a GitHub pull request (the bundles before GitLab say nothing).
    public var forge: Forge? = nil

    /// `pull request #7` or `merge request !7`.
    public var reference: String { (forge ?? .github).noun + " " + (forge ?? .github).number(number) }

    enum CodingKeys: String, CodingKey {
        case number, title, url, author, match, approvers, checks, forge
        case mergedAt = "merged_at"
        case headSHA = "head_sha"
    }
}

/// One line of `changes.jsonl`: the change as `changes --json` prints it, plus its pull request and migrations.
/// Written by the assemble stage, read back by `BundleReader`.
public struct EvidenceRecord: Codable, Sendable, Hashable {
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

    public init(change: Change, pullRequest: PullRequestSummary?, untrustedReference: UntrustedReference?, migrations: [MigrationFile],
                terraform: [TerraformModule]) {
        self.change = change
        self.pullRequest = pullRequest
        self.untrustedReference = untrustedReference
        self.migrations = migrations
        self.terraform = terraform
    }

    /// Reads a line of `changes.jsonl`: the change's own keys and the four keys added to them.
    public init(from decoder: Decoder) throws {
        change = try Change(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        pullRequest = try container.decodeIfPresent(PullRequestSummary.self, forKey: .pullRequest)
        untrustedReference = try container.decodeIfPresent(UntrustedReference.self, forKey: .untrustedReference)
        migrations = try container.decode([MigrationFile].self, forKey: .migrations)
        terraform = try container.decode([TerraformModule].self, forKey: .terraform)
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
