/// An approval that counts: the reviewer's latest verdict is APPROVED and they are independent of the change.
public struct Approval: Sendable, Hashable {
    public let login: String
    public let submittedAt: GitHubTime?
    public let commitID: String?
    /// Made on the pull request's head commit.
    public let isOnHead: Bool
    /// Submitted at or after the pull request's last commit time.
    public let isAfterLastCommit: Bool

    /// Covers the code that was merged.
    public var isCurrent: Bool { isOnHead || isAfterLastCommit }
}

/// Works out who approved a pull request in a way that counts (SPEC §3 "Approval"):
/// the latest verdict per reviewer decides (a comment leaves it standing; DISMISSED or CHANGES_REQUESTED after
/// APPROVED revokes it); the PR author, every author of the change's commits and bots never count.
public struct ApprovalAnalysis: Sendable {
    /// Approvals that count, ordered by submission time.
    public let qualifying: [Approval]
    /// Reviewers whose review does not count, with why, for the finding's detail.
    public let notCounted: [(login: String, reason: String)]
    /// Time of the pull request's last commit (committer time), when its commits were exported.
    public let lastCommitTime: GitHubTime?

    public init(evidence: PullRequestEvidence, change: Change, policy: ReviewPolicy) {
        let pull = evidence.pullRequest
        var latest = [String: Review]()
        var accounts = [String: GitHubAccount]()
        let ordered = (evidence.reviews ?? []).enumerated().sorted { lhs, rhs in
            // The API lists reviews chronologically; sort by time anyway, keeping list order for ties.
            (lhs.element.submittedAt?.seconds ?? .max, lhs.offset) < (rhs.element.submittedAt?.seconds ?? .max, rhs.offset)
        }.map(\.element)
        for review in ordered where review.state.isVerdict {
            guard let user = review.user else { continue }
            latest[user.login] = review
            accounts[user.login] = user
        }

        let authors = Self.authorLogins(evidence: evidence, change: change)
        let lastCommit = evidence.commits?.compactMap { $0.commit.committer?.date ?? $0.commit.author?.date }.max()
        let head = evidence.headSHA
        var qualifying = [Approval]()
        var notCounted = [(login: String, reason: String)]()
        for login in latest.keys.sorted() {
            let review = latest[login]!
            let account = accounts[login]!
            let reason: String? =
                if review.state != .approved { "latest review \(review.state.rawValue)" }
                else if policy.isBot(account) { "bot" }
                else if login.lowercased() == pull.user?.login.lowercased() { "pull request author" }
                else if authors.contains(login.lowercased()) { "author of a commit in the change" }
                else if !policy.authorisedApprovers.isEmpty && !policy.authorisedApprovers.contains(login) { "not an authorised approver" }
                else { nil }
            if let reason {
                notCounted.append((login, reason))
                continue
            }
            let onHead = review.commitID != nil && review.commitID == head
            let afterLastCommit = review.submittedAt.map { submitted in lastCommit.map { submitted >= $0 } ?? false } ?? false
            qualifying.append(Approval(login: login, submittedAt: review.submittedAt, commitID: review.commitID,
                                       isOnHead: onHead, isAfterLastCommit: afterLastCommit))
        }
        self.qualifying = qualifying.sorted { ($0.submittedAt?.seconds ?? 0, $0.login) < ($1.submittedAt?.seconds ?? 0, $1.login) }
        self.notCounted = notCounted
        self.lastCommitTime = lastCommit
    }

    /// GitHub logins (lowercased: logins are case-insensitive) of everyone who authored the change's commits: the
    /// accounts GitHub linked to the pull request's commits, plus logins read from no-reply e-mails of the change's authors.
    static func authorLogins(evidence: PullRequestEvidence, change: Change) -> Set<String> {
        var logins = Set<String>()
        var loginByEmail = [String: String]()
        for commit in evidence.commits ?? [] {
            if let login = commit.author?.login.lowercased() {
                logins.insert(login)
                if let email = commit.commit.author?.email { loginByEmail[email.lowercased()] = login }
            }
        }
        for email in change.authors {
            if let login = loginByEmail[email.lowercased()] { logins.insert(login) }
            if let login = Self.noreplyLogin(email) { logins.insert(login) }
        }
        return logins
    }

    /// The login in a GitHub no-reply address, `[ID+]LOGIN@users.noreply.github.com` (read by hand: a regex literal is
    /// compiled each time it is evaluated, and this runs for every ledger record).
    static func noreplyLogin(_ email: String) -> String? {
        let lowered = email.lowercased()
        let domain = "@users.noreply.github.com"
        guard lowered.hasSuffix(domain) else { return nil }
        var local = Substring(lowered.dropLast(domain.count))
        if let plus = local.firstIndex(of: "+"), plus > local.startIndex, local[..<plus].allSatisfy(\.isASCIIDigit) {
            local = local[local.index(after: plus)...]
        }
        guard !local.isEmpty, !local.contains("@") else { return nil }
        return String(local)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
