/// `CC8.1-approval-current`: at least one qualifying approval covers the final code: made on the head commit or
/// submitted after the pull request's last commit.
public struct ApprovalCurrent: ChangeControl {
    public static let id = "CC8.1-approval-current"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        guard let evidence = change.pullRequest, evidence.reviews != nil else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No reviews to judge.")
        }
        let analysis = ApprovalAnalysis(evidence: evidence, change: change.change, policy: policy)
        guard !analysis.qualifying.isEmpty else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No qualifying approval.")
        }
        let last = analysis.lastCommitTime.map { " (last commit \($0.text))" } ?? ""
        if let current = analysis.qualifying.first(where: \.isCurrent) {
            let when = current.submittedAt.map { " at \($0.text)" } ?? ""
            let why = current.isAfterLastCommit ? "after the last commit\(last)" : "on the head commit \(evidence.headSHA?.prefix(12) ?? "")"
            return Finding(control: Self.id, status: .pass, on: change, detail: "\(current.login) approved\(when), \(why).")
        }
        // GitLab records no commit per approval, and older instances no time: whether it came after the last push
        // is then not shown either way (GitLab may also be set to remove approvals on push; the export does not say).
        let undated = analysis.qualifying.filter { $0.submittedAt == nil && $0.commitID == nil }
        if !undated.isEmpty {
            return Finding(control: Self.id, status: .info, on: change,
                           detail: "\(undated.map(\.login).joined(separator: ", ")) approved; the source gives no time or commit for "
                               + "\(undated.count == 1 ? "the approval" : "these approvals") (GitLab's approved_at), so whether it covers the last commit\(last) is not shown.")
        }
        let approvals = analysis.qualifying.map { "\($0.login) at \($0.submittedAt?.text ?? "unknown time")" }.joined(separator: ", ")
        return Finding(control: Self.id, status: .fail, on: change,
                       detail: "Commits were pushed after every qualifying approval\(last): \(approvals).")
    }

    public static let examples: [ControlExample] = [
        ControlExample("approved after the last commit", Example.reviewed(reviews: [
            Example.review("bob", .approved, at: "2026-07-02T15:00:00Z", on: "0ld0000000000000000000000000000000000000"),
        ]), expect: .pass),
        ControlExample("approved on the head commit", Example.reviewed(
            reviews: [Example.review("bob", .approved, at: "2026-07-02T08:00:00Z")], commits: [Example.commit(at: "2026-07-02T09:00:00Z")]),
            expect: .pass),
        ControlExample("stale approval: commit pushed afterwards", Example.reviewed(
            reviews: [Example.review("bob", .approved, at: "2026-07-02T08:00:00Z", on: "0ld0000000000000000000000000000000000000")],
            commits: [Example.commit("0ld0000000000000000000000000000000000000", at: "2026-07-02T07:00:00Z"), Example.commit(at: "2026-07-02T09:00:00Z")]),
            expect: .fail),
        ControlExample("a stale approval and a current one", Example.reviewed(reviews: [
            Example.review("bob", .approved, at: "2026-07-02T08:00:00Z", on: "0ld0000000000000000000000000000000000000"),
            Example.review("carol", .approved, at: "2026-07-02T10:00:00Z", on: "0ld0000000000000000000000000000000000000"),
        ]), expect: .pass),
        // An approval GitLab lists without approved_at (older instances): neither pass nor fail.
        ControlExample("a GitLab approval with no time", Example.reviewed(reviews: [
            Review(id: nil, user: GitLabUser(username: "bob").account, state: .approved, submittedAt: nil, commitID: nil),
        ]), expect: .info),
        ControlExample("no qualifying approval", Example.reviewed(reviews: [Example.review("alice", .approved)]), expect: .notApplicable),
        ControlExample("direct push", Example.directPush(), expect: .notApplicable),
    ]
}
