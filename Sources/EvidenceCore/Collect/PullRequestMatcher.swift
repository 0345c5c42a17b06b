/// Finds the merged pull request behind a change by SPEC §3's rules, in order. Only merged pull requests are
/// candidates: GitHub fills `merge_commit_sha` for unmerged ones too (a test merge).
public struct PullRequestMatcher: Sendable {
    private let pullRequests: [Int: PullRequest]
    private let byMergeCommit: [String: [Int]]
    private let byCommit: [String: [Int]]
    private let byRebaseKey: [RebaseKey: [Int]]

    /// What a rebase merge keeps of a commit: author e-mail, author time and message.
    struct RebaseKey: Hashable {
        let email: String
        let time: Int64
        let message: String

        init(email: String, time: Int64, message: String) {
            self.email = email.lowercased()
            self.time = time
            // GitHub's API and git agree on the text, not always on trailing newlines or line endings.
            var normalised = message.replacingOccurrences(of: "\r\n", with: "\n")
            while let last = normalised.last, last.isWhitespace { normalised.removeLast() }
            self.message = normalised
        }
    }

    /// Indexes `pullRequests` (by number) and their `commits` (by pull-request number).
    public init(pullRequests: [Int: PullRequest], commits: [Int: [PullRequestCommit]]) {
        self.pullRequests = pullRequests
        var byMergeCommit = [String: [Int]]()
        var byCommit = [String: [Int]]()
        var byRebaseKey = [RebaseKey: [Int]]()
        for (number, pull) in pullRequests where pull.isMerged {
            if let sha = pull.mergeCommitSHA { byMergeCommit[sha, default: []].append(number) }
            for commit in commits[number] ?? [] {
                byCommit[commit.sha, default: []].append(number)
                if let author = commit.commit.author, let email = author.email, let date = author.date {
                    byRebaseKey[RebaseKey(email: email, time: date.seconds, message: commit.commit.message), default: []].append(number)
                }
            }
        }
        self.byMergeCommit = byMergeCommit
        self.byCommit = byCommit
        self.byRebaseKey = byRebaseKey
    }

    /// The pull request and the rule that found it (nil when none did), and any subject reference not trusted.
    public func match(_ change: Change) -> (match: (number: Int, rule: MatchRule)?, untrusted: UntrustedReference?) {
        if let number = earliest(byMergeCommit[change.commit]) {
            return ((number, .mergeCommitSHA), nil)
        }
        var untrusted: UntrustedReference?
        if let named = Self.referencedNumber(in: change.subject) {
            if let pull = pullRequests[named], pull.isMerged {
                return ((named, .subject), nil)
            }
            untrusted = UntrustedReference(
                number: named,
                reason: pullRequests[named] == nil
                    ? "the subject names PR #\(named), which the GitHub export does not contain"
                    : "the subject names PR #\(named), which was not merged")
        }
        let commits = [change.commit] + change.mergedCommits.map(\.commit)
        if let number = earliest(commits.flatMap { byCommit[$0] ?? [] }) {
            return ((number, .pullRequestCommits), untrusted)
        }
        if let time = Timestamp.parse(change.author.time),
           let number = earliest(byRebaseKey[RebaseKey(email: change.author.email, time: time, message: change.message)]) {
            return ((number, .rebaseEquivalent), untrusted)
        }
        return (nil, untrusted)
    }

    /// Of several candidates, the one merged first (it is the one that brought the commit), then the lowest number.
    private func earliest(_ numbers: [Int]?) -> Int? {
        numbers?.min { lhs, rhs in
            let left = pullRequests[lhs]?.mergedAt?.seconds ?? .max, right = pullRequests[rhs]?.mergedAt?.seconds ?? .max
            return left == right ? lhs < rhs : left < right
        }
    }

    /// `Merge pull request #N from ...` or a trailing `(#N)`.
    static func referencedNumber(in subject: String) -> Int? {
        if let match = subject.firstMatch(of: #/^Merge pull request #(\d+) from /#) { return Int(match.1) }
        if let match = subject.firstMatch(of: #/\(#(\d+)\)\s*$/#) { return Int(match.1) }
        return nil
    }
}
