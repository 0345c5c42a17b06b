/// Finds the merged pull request behind a change by SPEC §3's rules, in order. Only merged pull requests are
/// candidates: GitHub fills `merge_commit_sha` for unmerged ones too (a test merge). For GitLab the same rules
/// speak GitLab: `merge_commit_sha` or `squash_commit_sha`, then the default messages' `See merge request
/// group/name!N` or `Merge branch 'x' into 'y'`, then the merge request's commits.
public struct PullRequestMatcher: Sendable {
    private let pullRequests: [Int: PullRequest]
    private let forge: Forge
    /// GitLab's `group/name` of the project, lowercased, when known: a reference to another project's `!N` is not its.
    private let project: String?
    private let byMergeCommit: [String: [Int]]
    private let bySquashCommit: [String: [Int]]
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
    public init(pullRequests: [Int: PullRequest], commits: [Int: [PullRequestCommit]], forge: Forge = .github, project: String? = nil) {
        self.pullRequests = pullRequests
        self.forge = forge
        self.project = project?.lowercased()
        var byMergeCommit = [String: [Int]]()
        var bySquashCommit = [String: [Int]]()
        var byCommit = [String: [Int]]()
        var byRebaseKey = [RebaseKey: [Int]]()
        for (number, pull) in pullRequests where pull.isMerged {
            if let sha = pull.mergeCommitSHA { byMergeCommit[sha, default: []].append(number) }
            if let sha = pull.squashCommitSHA { bySquashCommit[sha, default: []].append(number) }
            for commit in commits[number] ?? [] {
                byCommit[commit.sha, default: []].append(number)
                if let author = commit.commit.author, let email = author.email, let date = author.date {
                    byRebaseKey[RebaseKey(email: email, time: date.seconds, message: commit.commit.message), default: []].append(number)
                }
            }
        }
        self.byMergeCommit = byMergeCommit
        self.bySquashCommit = bySquashCommit
        self.byCommit = byCommit
        self.byRebaseKey = byRebaseKey
    }

    /// The pull request and the rule that found it (nil when none did), and any subject reference not trusted.
    public func match(_ change: Change) -> (match: (number: Int, rule: MatchRule)?, untrusted: UntrustedReference?) {
        if let number = earliest(byMergeCommit[change.commit]) {
            return ((number, .mergeCommitSHA), nil)
        }
        if let number = earliest(bySquashCommit[change.commit]) {
            return ((number, .squashCommitSHA), nil)
        }
        var untrusted: UntrustedReference?
        let reference = forge == .github ? Self.referencedNumber(in: change.subject).map { (number: $0, where: "subject") }
            : gitLabReference(in: change)
        if let (named, place) = reference {
            if let pull = pullRequests[named], pull.isMerged {
                return ((named, .subject), nil)
            }
            let name = "\(forge.abbreviation) \(forge.number(named))"
            untrusted = UntrustedReference(
                number: named,
                reason: pullRequests[named] == nil
                    ? "the \(place) names \(name), which the \(forge.name) export does not contain"
                    : "the \(place) names \(name), which was not merged")
        } else if forge == .gitlab, let other = Self.gitLabMessageReference(change.message), let project, other.project != project {
            untrusted = UntrustedReference(number: other.number, reason: "the message names merge request \(other.project)!\(other.number) of another project",
                                           project: other.project)
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

    /// The merge request a GitLab default message names: `See merge request group/name!N` (of this project, when
    /// it is known), else the one merged request whose source branch `Merge branch 'x' into 'y'` names and that
    /// was merged at or before the commit.
    private func gitLabReference(in change: Change) -> (number: Int, where: String)? {
        if let named = Self.gitLabMessageReference(change.message), project == nil || named.project == project {
            return (named.number, "message")
        }
        guard let match = change.subject.firstMatch(of: #/^Merge branch '(.+)' into '(.+)'$/#) else { return nil }
        let committed = Timestamp.parse(change.committedAt) ?? .max
        let candidates = pullRequests.values.filter { pull in
            pull.isMerged && pull.head?.ref == String(match.1) && (pull.base?.ref == nil || pull.base?.ref == String(match.2))
                && (pull.mergedAt?.seconds ?? .max) <= committed + 300
        }
        // A branch name used again later: the latest merge at or before this commit is the one it records.
        return candidates.max { ($0.mergedAt?.seconds ?? 0, $0.number) < ($1.mergedAt?.seconds ?? 0, $1.number) }.map { ($0.number, "subject") }
    }

    /// `See merge request group/name!N` in a message, the project lowercased.
    static func gitLabMessageReference(_ message: String) -> (project: String, number: Int)? {
        guard let match = message.firstMatch(of: #/See merge request ([A-Za-z0-9_.\-/]+)!(\d+)/#), let number = Int(match.2) else { return nil }
        return (String(match.1).lowercased(), number)
    }

    /// `Merge pull request #N from ...` or a trailing `(#N)`. Read directly rather than with a regex literal, which
    /// is built again at every call: this runs for every change.
    static func referencedNumber(in subject: String) -> Int? {
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        let merge = "Merge pull request #"
        if subject.hasPrefix(merge) {
            let rest = subject.dropFirst(merge.count)
            let digits = rest.prefix(while: isDigit)
            if !digits.isEmpty, rest.dropFirst(digits.count).hasPrefix(" from ") { return Int(digits) }
        }
        // `(#N)` with nothing after it but white space.
        guard let close = subject.lastIndex(where: { !$0.isWhitespace }), subject[close] == ")" else { return nil }
        let inside = subject[..<close]
        let digits = inside.reversed().prefix(while: isDigit)
        guard !digits.isEmpty, inside.dropLast(digits.count).hasSuffix("(#") else { return nil }
        return Int(inside.suffix(digits.count))
    }
}

extension PullRequestMatcher {
    /// Each change's review evidence, by commit id: its merged pull request with `reviews`, `commits` and the
    /// checks `headChecks` finds for it; or, for a change without one, the checks on the commit itself and what
    /// evidence it should have and the source does not hold.
    func reviews(for changes: [Change], reviews: [Int: [Review]], commits: [Int: [PullRequestCommit]],
                 headChecks: (PullRequest) throws(EvidenceError) -> CheckEvidence,
                 commitChecks: (String) throws(EvidenceError) -> CheckEvidence) throws(EvidenceError) -> [String: ChangeReview] {
        var found = [String: ChangeReview]()
        for change in changes {
            let (match, untrusted) = self.match(change)
            guard let match, let pull = pullRequests[match.number] else {
                // A direct push may still have CI results on the commit itself.
                let checks = try commitChecks(change.commit)
                // A subject naming a pull request the source does not hold (or another project's merge request) is
                // missing evidence, not a direct push; so is every change when the source holds no pull requests at all.
                let missing: MissingReviewEvidence?
                if let untrusted, pullRequests[untrusted.number] == nil || untrusted.project != nil {
                    missing = .pullRequest(untrusted.number)
                } else {
                    missing = pullRequests.isEmpty && untrusted == nil ? .noPullRequests : nil
                }
                var review = ChangeReview(pullRequest: nil, match: nil, untrustedReference: untrusted,
                                          commitChecks: checks.runs.isEmpty && checks.statuses.isEmpty ? nil : checks, missingEvidence: missing)
                review.forge = forge
                found[change.commit] = review
                continue
            }
            let evidence = PullRequestEvidence(pullRequest: pull, reviews: reviews[pull.number], commits: commits[pull.number], checks: try headChecks(pull))
            var review = ChangeReview(pullRequest: evidence, match: match.rule, untrustedReference: untrusted, commitChecks: nil)
            review.forge = forge
            found[change.commit] = review
        }
        return found
    }
}
