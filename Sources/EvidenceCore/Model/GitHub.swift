/// The GitHub REST shapes git-evidence reads, with only the fields it uses. Unknown keys are ignored and every
/// field GitHub may omit or send as null is optional.

/// A time as GitHub writes it (ISO 8601, UTC), keeping the original text for the evidence.
public struct GitHubTime: Codable, Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01 UTC.
    public let seconds: Int64
    /// The text as GitHub wrote it.
    public let text: String

    public init(seconds: Int64) {
        self.seconds = seconds
        self.text = Timestamp.iso8601UTC(seconds)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let seconds = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO 8601 time, found '\(text)'")
        }
        self.seconds = seconds
        self.text = text
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    public static func < (lhs: GitHubTime, rhs: GitHubTime) -> Bool { lhs.seconds < rhs.seconds }
}

/// A GitHub user, bot or organisation as it appears in `user`, `author` and `committer` fields.
public struct GitHubAccount: Codable, Sendable, Hashable {
    /// The login, e.g. `octocat` or `dependabot[bot]`.
    public let login: String
    /// `User`, `Bot` or `Organization`.
    public let type: String?

    public init(login: String, type: String? = "User") {
        self.login = login
        self.type = type
    }

    /// GitHub's own marks of a bot: the account type, or the `[bot]` suffix of app accounts.
    public var isBot: Bool { type == "Bot" || login.hasSuffix("[bot]") }
}

/// An item of `GET /repos/{o}/{r}/pulls`.
public struct PullRequest: Codable, Sendable, Hashable {
    /// A branch end of the pull request.
    public struct Ref: Codable, Sendable, Hashable {
        public let ref: String?
        public let sha: String?

        public init(ref: String?, sha: String?) {
            self.ref = ref
            self.sha = sha
        }
    }

    public let number: Int
    public let title: String
    public let body: String?
    public let htmlURL: String?
    public let user: GitHubAccount?
    public let state: String?
    public let createdAt: GitHubTime?
    /// When it last changed: the order a live collection pages the list in.
    public let updatedAt: GitHubTime?
    public let mergedAt: GitHubTime?
    /// For a merged pull request, the commit it put on the base branch; GitHub also fills it for unmerged ones
    /// (a test merge), so it is trusted only with `mergedAt`.
    public let mergeCommitSHA: String?
    public let head: Ref?
    public let base: Ref?
    /// Who merged it: in GitHub's single pull request answer, not in its list, so often absent.
    public let mergedBy: GitHubAccount?
    /// GitLab's squash commit, when the merge request was squashed (beside a merge commit, or alone when
    /// fast-forwarded); GitHub has none.
    public var squashCommitSHA: String? = nil
    /// GitHub's pull request, or a GitLab merge request read into the same shape (`number` is its `iid`).
    public var forge = Forge.github

    enum CodingKeys: String, CodingKey {
        case number, title, body, user, state, head, base
        case mergedBy = "merged_by"
        case htmlURL = "html_url"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case mergedAt = "merged_at"
        case mergeCommitSHA = "merge_commit_sha"
    }

    public init(number: Int, title: String, body: String? = nil, htmlURL: String? = nil, user: GitHubAccount?, state: String? = "closed",
                createdAt: GitHubTime? = nil, updatedAt: GitHubTime? = nil, mergedAt: GitHubTime?, mergeCommitSHA: String?, head: Ref?,
                base: Ref? = nil, mergedBy: GitHubAccount? = nil, squashCommitSHA: String? = nil, forge: Forge = .github) {
        self.number = number
        self.title = title
        self.body = body
        self.htmlURL = htmlURL
        self.user = user
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.mergedAt = mergedAt
        self.mergeCommitSHA = mergeCommitSHA
        self.head = head
        self.base = base
        self.mergedBy = mergedBy
        self.squashCommitSHA = squashCommitSHA
        self.forge = forge
    }

    /// Merged, by GitHub's list shape: list items carry no `merged`, only `merged_at`.
    public var isMerged: Bool { mergedAt != nil }
}

/// A review state as GitHub reports it (upper case).
public enum ReviewState: Sendable, Hashable, Codable {
    case approved, changesRequested, commented, dismissed, pending
    /// A state this version does not know; it never counts as an approval.
    case other(String)

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        switch text {
        case "APPROVED": self = .approved
        case "CHANGES_REQUESTED": self = .changesRequested
        case "COMMENTED": self = .commented
        case "DISMISSED": self = .dismissed
        case "PENDING": self = .pending
        default: self = .other(text)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// GitHub's spelling.
    public var rawValue: String {
        switch self {
        case .approved: "APPROVED"
        case .changesRequested: "CHANGES_REQUESTED"
        case .commented: "COMMENTED"
        case .dismissed: "DISMISSED"
        case .pending: "PENDING"
        case .other(let text): text
        }
    }

    /// Whether this review sets the reviewer's verdict: comments and pending drafts leave an earlier verdict standing.
    public var isVerdict: Bool {
        switch self {
        case .approved, .changesRequested, .dismissed: true
        case .commented, .pending, .other: false
        }
    }
}

/// An item of `GET /repos/{o}/{r}/pulls/{n}/reviews`.
public struct Review: Codable, Sendable, Hashable {
    public let id: Int?
    /// Null for a deleted account.
    public let user: GitHubAccount?
    public let state: ReviewState
    /// Absent for a pending review.
    public let submittedAt: GitHubTime?
    /// The commit the review was made on.
    public let commitID: String?

    enum CodingKeys: String, CodingKey {
        case id, user, state
        case submittedAt = "submitted_at"
        case commitID = "commit_id"
    }

    public init(id: Int?, user: GitHubAccount?, state: ReviewState, submittedAt: GitHubTime?, commitID: String?) {
        self.id = id
        self.user = user
        self.state = state
        self.submittedAt = submittedAt
        self.commitID = commitID
    }
}

/// An item of `GET /repos/{o}/{r}/pulls/{n}/commits`.
public struct PullRequestCommit: Codable, Sendable, Hashable {
    /// The git identity and time recorded in the commit.
    public struct GitIdentity: Codable, Sendable, Hashable {
        public let name: String?
        public let email: String?
        public let date: GitHubTime?

        public init(name: String?, email: String?, date: GitHubTime?) {
            self.name = name
            self.email = email
            self.date = date
        }
    }

    /// The git commit itself.
    public struct Details: Codable, Sendable, Hashable {
        public let author: GitIdentity?
        public let committer: GitIdentity?
        public let message: String

        public init(author: GitIdentity?, committer: GitIdentity?, message: String) {
            self.author = author
            self.committer = committer
            self.message = message
        }
    }

    public let sha: String
    public let commit: Details
    /// The GitHub account linked to the author e-mail; null when none is.
    public let author: GitHubAccount?
    public let committer: GitHubAccount?

    public init(sha: String, commit: Details, author: GitHubAccount?, committer: GitHubAccount? = nil) {
        self.sha = sha
        self.commit = commit
        self.author = author
        self.committer = committer
    }
}

/// An item of `check_runs` in `GET /repos/{o}/{r}/commits/{sha}/check-runs`.
public struct CheckRun: Codable, Sendable, Hashable {
    public let id: Int?
    public let name: String
    public let headSHA: String?
    /// `queued`, `in_progress` or `completed` (and a few newer waiting states).
    public let status: String
    /// Null until completed: `success`, `failure`, `neutral`, `cancelled`, `skipped`, `timed_out`, `action_required`, ...
    public let conclusion: String?
    public let startedAt: GitHubTime?
    public let completedAt: GitHubTime?

    enum CodingKeys: String, CodingKey {
        case id, name, status, conclusion
        case headSHA = "head_sha"
        case startedAt = "started_at"
        case completedAt = "completed_at"
    }

    public init(id: Int?, name: String, headSHA: String?, status: String, conclusion: String?, startedAt: GitHubTime? = nil, completedAt: GitHubTime?) {
        self.id = id
        self.name = name
        self.headSHA = headSHA
        self.status = status
        self.conclusion = conclusion
        self.startedAt = startedAt
        self.completedAt = completedAt
    }
}

/// A page of `GET /repos/{o}/{r}/commits/{sha}/check-runs`.
struct CheckRunPage: Codable, Sendable {
    let checkRuns: [CheckRun]

    enum CodingKeys: String, CodingKey {
        case checkRuns = "check_runs"
    }
}

/// A page of `GET /repos/{o}/{r}/compare/{base}...{head}`: the commits of the range, oldest first.
struct ComparePage: Codable, Sendable {
    let commits: [PullRequestCommit]
}

/// An item of `statuses` in `GET /repos/{o}/{r}/commits/{sha}/status`.
public struct CommitStatus: Codable, Sendable, Hashable {
    public let id: Int?
    public let context: String
    /// `success`, `pending`, `failure` or `error`.
    public let state: String
    public let updatedAt: GitHubTime?

    enum CodingKeys: String, CodingKey {
        case id, context, state
        case updatedAt = "updated_at"
    }

    public init(id: Int?, context: String, state: String, updatedAt: GitHubTime?) {
        self.id = id
        self.context = context
        self.state = state
        self.updatedAt = updatedAt
    }
}

/// `GET /repos/{o}/{r}/commits/{sha}/status` (the combined status).
struct CombinedStatus: Codable, Sendable {
    let statuses: [CommitStatus]
}

/// `GET /repos/{o}/{r}/branches/{branch}/protection`, the fields an auditor asks about.
public struct BranchProtection: Codable, Sendable, Hashable {
    public struct Enabled: Codable, Sendable, Hashable {
        public let enabled: Bool?
    }

    public struct StatusChecks: Codable, Sendable, Hashable {
        public struct Check: Codable, Sendable, Hashable {
            public let context: String
        }

        public let strict: Bool?
        public let contexts: [String]?
        public let checks: [Check]?
    }

    public struct Reviews: Codable, Sendable, Hashable {
        public let dismissStaleReviews: Bool?
        public let requireCodeOwnerReviews: Bool?
        public let requiredApprovingReviewCount: Int?
        public let requireLastPushApproval: Bool?

        enum CodingKeys: String, CodingKey {
            case dismissStaleReviews = "dismiss_stale_reviews"
            case requireCodeOwnerReviews = "require_code_owner_reviews"
            case requiredApprovingReviewCount = "required_approving_review_count"
            case requireLastPushApproval = "require_last_push_approval"
        }
    }

    public let requiredStatusChecks: StatusChecks?
    public let enforceAdmins: Enabled?
    public let requiredPullRequestReviews: Reviews?
    public let allowForcePushes: Enabled?
    public let allowDeletions: Enabled?
    public let requiredLinearHistory: Enabled?

    enum CodingKeys: String, CodingKey {
        case requiredStatusChecks = "required_status_checks"
        case enforceAdmins = "enforce_admins"
        case requiredPullRequestReviews = "required_pull_request_reviews"
        case allowForcePushes = "allow_force_pushes"
        case allowDeletions = "allow_deletions"
        case requiredLinearHistory = "required_linear_history"
    }
}

/// One rule in force on a branch, from `GET /repos/{o}/{r}/rules/branches/{branch}` (rulesets, readable without
/// admin rights): its type (`pull_request`, `required_status_checks`, `non_fast_forward`, `deletion`, ...), the
/// ruleset it comes from, and its parameters as GitHub gives them, each `name: value`, sorted.
public struct BranchRule: Decodable, Sendable, Hashable {
    public let type: String
    public let rulesetSourceType: String?
    public let rulesetSource: String?
    public let rulesetID: Int?
    public let parameters: [String]

    enum CodingKeys: String, CodingKey {
        case type, parameters
        case rulesetSourceType = "ruleset_source_type"
        case rulesetSource = "ruleset_source"
        case rulesetID = "ruleset_id"
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        rulesetSourceType = try container.decodeIfPresent(String.self, forKey: .rulesetSourceType)
        rulesetSource = try container.decodeIfPresent(String.self, forKey: .rulesetSource)
        rulesetID = try container.decodeIfPresent(Int.self, forKey: .rulesetID)
        let values = try container.decodeIfPresent([String: JSONText].self, forKey: .parameters) ?? [:]
        parameters = values.keys.sorted().map { "\($0): \(values[$0]!.text)" }
    }
}

/// Any JSON value, kept only as compact text for people to read.
struct JSONText: Decodable, Hashable {
    let text: String

    init(from decoder: Decoder) throws {
        let single = try decoder.singleValueContainer()
        if single.decodeNil() { text = "null" }
        else if let value = try? single.decode(Bool.self) { text = value ? "true" : "false" }
        else if let value = try? single.decode(Int.self) { text = String(value) }
        else if let value = try? single.decode(Double.self) { text = String(value) }
        else if let value = try? single.decode(String.self) { text = value }
        else if let values = try? single.decode([JSONText].self) { text = "[" + values.map(\.text).joined(separator: ", ") + "]" }
        else {
            let values = try single.decode([String: JSONText].self)
            text = "{" + values.keys.sorted().map { "\($0): \(values[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }
}
