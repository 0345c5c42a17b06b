/// The GitLab REST shapes git-evidence reads (API v4), with only the fields it uses. Unknown keys are ignored and
/// every field GitLab may omit or send as null is optional. `GitLabExport` reads them into the common review model
/// (`PullRequest`, `Review`, `PullRequestCommit`, `CheckRun`), so every control judges both hosts alike.

/// A user as GitLab embeds it (`author`, `merge_user`, `approved_by[].user`).
public struct GitLabUser: Codable, Sendable, Hashable {
    public let id: Int?
    public let username: String
    public let name: String?
    /// Only in some answers (`GET /users/:id`); the username rules below hold without it.
    public let bot: Bool?

    public init(id: Int? = nil, username: String, name: String? = nil, bot: Bool? = nil) {
        self.id = id
        self.username = username
        self.name = name
        self.bot = bot
    }

    /// GitLab's marks of a bot: `bot: true`, its service users (`alert_bot`, `support_bot`, `ghost`-style
    /// `*_bot` names) and the users of project and group access tokens (`project_42_bot`, `project_42_bot_3f…`,
    /// `group_7_bot_…`).
    public var isBot: Bool {
        if bot == true || username.hasSuffix("_bot") { return true }
        let parts = username.split(separator: "_", omittingEmptySubsequences: false)
        return parts.count >= 3 && (parts[0] == "project" || parts[0] == "group") && parts[1].allSatisfy(\.isASCIIDigit) && !parts[1].isEmpty
            && parts[2] == "bot"
    }

    /// The account as the common model holds it.
    var account: GitHubAccount { GitHubAccount(login: username, type: isBot ? "Bot" : "User") }
}

/// An item of `GET /projects/:id/merge_requests`.
public struct MergeRequest: Codable, Sendable, Hashable {
    public struct References: Codable, Sendable, Hashable {
        /// `group/name!7`.
        public let full: String?
    }

    public struct DiffRefs: Codable, Sendable, Hashable {
        public let baseSHA: String?
        public let headSHA: String?

        enum CodingKeys: String, CodingKey {
            case baseSHA = "base_sha"
            case headSHA = "head_sha"
        }
    }

    public let id: Int?
    /// The number people use, `!7`: unique within the project.
    public let iid: Int
    public let title: String
    public let description: String?
    /// `merged`, `opened`, `closed`, `locked`.
    public let state: String?
    public let createdAt: GitHubTime?
    public let updatedAt: GitHubTime?
    public let mergedAt: GitHubTime?
    public let author: GitLabUser?
    public let mergeUser: GitLabUser?
    public let mergedBy: GitLabUser?
    public let sourceBranch: String?
    public let targetBranch: String?
    /// The head of the source branch.
    public let sha: String?
    public let mergeCommitSHA: String?
    public let squashCommitSHA: String?
    public let webURL: String?
    public let references: References?
    public let diffRefs: DiffRefs?

    enum CodingKeys: String, CodingKey {
        case id, iid, title, description, state, author, sha, references
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case mergedAt = "merged_at"
        case mergeUser = "merge_user"
        case mergedBy = "merged_by"
        case sourceBranch = "source_branch"
        case targetBranch = "target_branch"
        case mergeCommitSHA = "merge_commit_sha"
        case squashCommitSHA = "squash_commit_sha"
        case webURL = "web_url"
        case diffRefs = "diff_refs"
    }

    /// The merge request in the common model: `number` is the `iid`; an instance that leaves `merged_at` out of a
    /// merged request (GitLab before 13) is dated by its last update, the nearest time it gives.
    var pullRequest: PullRequest {
        let merged = mergedAt ?? (state == "merged" ? updatedAt : nil)
        return PullRequest(number: iid, title: title, body: description, htmlURL: webURL, user: author?.account, state: state,
                           createdAt: createdAt, updatedAt: updatedAt, mergedAt: merged, mergeCommitSHA: mergeCommitSHA,
                           head: PullRequest.Ref(ref: sourceBranch, sha: sha ?? diffRefs?.headSHA),
                           base: PullRequest.Ref(ref: targetBranch, sha: diffRefs?.baseSHA),
                           mergedBy: (mergeUser ?? mergedBy)?.account, squashCommitSHA: squashCommitSHA, forge: .gitlab)
    }
}

/// `GET /projects/:id/merge_requests/:iid/approvals`: who approves the merge request now. GitLab removes approvals
/// when commits are pushed if the project says so; `approved_at` is given by newer instances only.
public struct MergeRequestApprovals: Codable, Sendable, Hashable {
    public struct Approver: Codable, Sendable, Hashable {
        public let user: GitLabUser?
        public let approvedAt: GitHubTime?

        enum CodingKeys: String, CodingKey {
            case user
            case approvedAt = "approved_at"
        }
    }

    public let approvedBy: [Approver]?
    public let approvalsRequired: Int?

    enum CodingKeys: String, CodingKey {
        case approvedBy = "approved_by"
        case approvalsRequired = "approvals_required"
    }

    /// Each approval as an APPROVED review: no commit id (GitLab records none), its time when the instance gives it.
    var reviews: [Review] {
        (approvedBy ?? []).map { Review(id: nil, user: $0.user?.account, state: .approved, submittedAt: $0.approvedAt, commitID: nil) }
    }
}

/// An item of `GET /projects/:id/merge_requests/:iid/commits` (newest first, as GitLab lists them).
public struct GitLabCommit: Codable, Sendable, Hashable {
    public let id: String
    public let message: String?
    public let title: String?
    public let authorName: String?
    public let authorEmail: String?
    public let authoredDate: GitHubTime?
    public let committerName: String?
    public let committerEmail: String?
    public let committedDate: GitHubTime?

    enum CodingKeys: String, CodingKey {
        case id, message, title
        case authorName = "author_name"
        case authorEmail = "author_email"
        case authoredDate = "authored_date"
        case committerName = "committer_name"
        case committerEmail = "committer_email"
        case committedDate = "committed_date"
    }

    /// The commit in the common model. GitLab links no account to a commit, so authors are known by e-mail only.
    var pullRequestCommit: PullRequestCommit {
        PullRequestCommit(sha: id, commit: .init(author: .init(name: authorName, email: authorEmail, date: authoredDate),
                                                 committer: .init(name: committerName, email: committerEmail, date: committedDate),
                                                 message: message ?? title ?? ""),
                          author: nil)
    }
}

/// An item of `GET /projects/:id/merge_requests/:iid/pipelines`.
public struct GitLabPipeline: Codable, Sendable, Hashable {
    public let id: Int
    public let sha: String?
    /// A branch, or `refs/merge-requests/7/head` (a merge request pipeline), `.../merge` (merged results) or
    /// `.../train` (a merge train).
    public let ref: String?
    /// `success`, `failed`, `canceled`, `skipped`, `running`, `pending`, `created`, `manual`, ...
    public let status: String
    public let source: String?
    public let createdAt: GitHubTime?
    public let updatedAt: GitHubTime?
    public let webURL: String?

    enum CodingKeys: String, CodingKey {
        case id, sha, ref, status, source
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case webURL = "web_url"
    }

    /// Ran on GitLab's merge of the source into the target (merged results or a merge train), not on a commit of
    /// the branch.
    var isMergedResult: Bool { (ref ?? "").hasSuffix("/merge") || (ref ?? "").hasSuffix("/train") }
}

/// An item of `GET /projects/:id/pipelines/:pipeline_id/jobs`.
public struct GitLabJob: Codable, Sendable, Hashable {
    public let id: Int?
    public let name: String
    public let stage: String?
    public let status: String
    public let allowFailure: Bool?
    public let startedAt: GitHubTime?
    public let finishedAt: GitHubTime?

    enum CodingKeys: String, CodingKey {
        case id, name, stage, status
        case allowFailure = "allow_failure"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }
}

/// `GET /projects/:id/protected_branches/:name`.
public struct GitLabProtectedBranch: Codable, Sendable, Hashable {
    public struct AccessLevel: Codable, Sendable, Hashable {
        public let accessLevel: Int?
        public let description: String?

        enum CodingKeys: String, CodingKey {
            case accessLevel = "access_level"
            case description = "access_level_description"
        }
    }

    public let name: String?
    public let pushAccessLevels: [AccessLevel]?
    public let mergeAccessLevels: [AccessLevel]?
    public let allowForcePush: Bool?
    public let codeOwnerApprovalRequired: Bool?

    enum CodingKeys: String, CodingKey {
        case name
        case pushAccessLevels = "push_access_levels"
        case mergeAccessLevels = "merge_access_levels"
        case allowForcePush = "allow_force_push"
        case codeOwnerApprovalRequired = "code_owner_approval_required"
    }
}

/// An item of `GET /projects/:id/approval_rules`.
public struct GitLabApprovalRule: Codable, Sendable, Hashable {
    public let id: Int?
    public let name: String
    public let ruleType: String?
    public let approvalsRequired: Int?

    enum CodingKeys: String, CodingKey {
        case id, name
        case ruleType = "rule_type"
        case approvalsRequired = "approvals_required"
    }
}

/// What GitLab says protects the audited branch: its protected-branch settings and the project's approval rules.
public struct GitLabBranchProtection: Sendable, Hashable {
    public let branch: GitLabProtectedBranch?
    public let approvalRules: [GitLabApprovalRule]?
}

extension GitLabJob {
    /// The job as a check run. A failed job GitLab allows to fail leaves the pipeline passing (with a warning),
    /// so it is `neutral`; a manual job nobody ran is `skipped` when it may be skipped, else still waiting.
    func checkRun(sha: String) -> CheckRun {
        let (state, conclusion) = GitLabPipeline.conclusion(status, allowFailure: allowFailure ?? false)
        return CheckRun(id: id, name: name, headSHA: sha, status: state, conclusion: conclusion, startedAt: startedAt, completedAt: finishedAt)
    }
}

extension GitLabPipeline {
    /// A GitLab job or pipeline status as a check run's status and conclusion.
    static func conclusion(_ status: String, allowFailure: Bool) -> (status: String, conclusion: String?) {
        switch status {
        case "success": ("completed", "success")
        case "failed": ("completed", allowFailure ? "neutral" : "failure")
        case "canceled", "canceling": ("completed", "cancelled")
        case "skipped": ("completed", "skipped")
        case "manual": allowFailure ? ("completed", "skipped") : ("manual", nil)
        default: (status, nil)
        }
    }

    /// The pipeline itself as one check run, when its jobs were not exported.
    var checkRun: CheckRun {
        let (state, conclusion) = Self.conclusion(status, allowFailure: false)
        return CheckRun(id: id, name: "pipeline", headSHA: sha, status: state, conclusion: conclusion, startedAt: createdAt, completedAt: updatedAt)
    }
}
