/// `CC8.1-independent-approval`: enough approvals by people other than the PR author and the change's commit
/// authors; bots never count.
public struct IndependentApproval: ChangeControl {
    public static let id = "CC8.1-independent-approval"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        guard let evidence = change.pullRequest else {
            if let missing = change.missingEvidence {
                return Finding(control: Self.id, status: .fail, on: change, detail: missing.described(change.forge) + ", so its reviews are not shown.",
                               reason: Traceable.evidenceMissing)
            }
            return Finding(control: Self.id, status: .fail, on: change, detail: "No merged \(change.forge.noun), so no review.", reason: Traceable.directPush)
        }
        guard evidence.reviews != nil else {
            return Finding(control: Self.id, status: .fail, on: change,
                           detail: "No \(change.forge == .github ? "reviews" : "approvals") exported for \(evidence.pullRequest.shortReference): approval cannot be shown.")
        }
        let analysis = ApprovalAnalysis(evidence: evidence, change: change.change, policy: policy)
        let approvers = analysis.qualifying.map(\.login)
        let count = "\(approvers.count) of \(policy.requiredApprovals) required approval\(policy.requiredApprovals == 1 ? "" : "s")"
        let notCounted = analysis.notCounted.isEmpty ? "" :
            " Not counted: " + analysis.notCounted.map { "\($0.login) (\($0.reason))" }.joined(separator: ", ") + "."
        if approvers.count >= policy.requiredApprovals {
            return Finding(control: Self.id, status: .pass, on: change,
                           detail: "Approved by \(approvers.joined(separator: ", ")) (\(count)).\(notCounted)")
        }
        return Finding(control: Self.id, status: .fail, on: change, detail: "\(count.prefix(1).uppercased() + count.dropFirst()).\(notCounted)")
    }

    public static let examples: [ControlExample] = [
        ControlExample("approved by a colleague", Example.reviewed(), expect: .pass),
        ControlExample("approval counted after a comment", Example.reviewed(reviews: [
            Example.review("bob", .approved, at: "2026-07-02T15:00:00Z"), Example.review("bob", .commented, at: "2026-07-02T16:00:00Z"),
        ]), expect: .pass),
        ControlExample("no reviews", Example.reviewed(reviews: []), expect: .fail),
        ControlExample("self-approval", Example.reviewed(reviews: [Example.review("alice", .approved)]), expect: .fail),
        ControlExample("approval by an author of one of the commits", Example.reviewed(
            reviews: [Example.review("carol", .approved)],
            commits: [Example.commit(), Example.commit("c0ffee0000000000000000000000000000000003", login: "carol", email: "carol@example.com")]),
            expect: .fail),
        ControlExample("approval by a commit author known by no-reply e-mail", Example.reviewed(
            reviews: [Example.review("dave", .approved)], commits: [],
            change: Example.change(authors: ["alice@example.com", "4711+dave@users.noreply.github.com"])), expect: .fail),
        ControlExample("bot approval by [bot] suffix", Example.reviewed(reviews: [Example.review("renovate[bot]", .approved)]), expect: .fail),
        ControlExample("bot approval by account type", Example.reviewed(reviews: [Example.review("ci-helper", .approved, type: "Bot")]), expect: .fail),
        ControlExample("bot approval by configuration", Example.reviewed(reviews: [Example.review("deploy-robot", .approved)]),
                       policy: ReviewPolicy(bots: ["deploy-robot"]), expect: .fail),
        ControlExample("GitLab project access token bot", Example.reviewed(reviews: [
            Review(id: nil, user: GitLabUser(username: "project_42_bot_5f3a9c").account, state: .approved, submittedAt: nil, commitID: nil),
        ]), expect: .fail),
        ControlExample("GitLab service bot", Example.reviewed(reviews: [
            Review(id: nil, user: GitLabUser(username: "deploy_bot").account, state: .approved, submittedAt: nil, commitID: nil),
        ]), expect: .fail),
        ControlExample("dismissed approval", Example.reviewed(reviews: [Example.review("bob", .dismissed)]), expect: .fail),
        ControlExample("changes requested after approval", Example.reviewed(reviews: [
            Example.review("bob", .approved, at: "2026-07-02T15:00:00Z"), Example.review("bob", .changesRequested, at: "2026-07-02T16:00:00Z"),
        ]), expect: .fail),
        ControlExample("approval after requesting changes", Example.reviewed(reviews: [
            Example.review("bob", .changesRequested, at: "2026-07-02T15:00:00Z"), Example.review("bob", .approved, at: "2026-07-02T16:00:00Z"),
        ]), expect: .pass),
        ControlExample("one of two required approvals", Example.reviewed(), policy: ReviewPolicy(requiredApprovals: 2), expect: .fail),
        ControlExample("two of two required approvals", Example.reviewed(reviews: [
            Example.review("bob", .approved), Example.review("carol", .approved),
        ]), policy: ReviewPolicy(requiredApprovals: 2), expect: .pass),
        ControlExample("approver not on the authorised list", Example.reviewed(), policy: ReviewPolicy(authorisedApprovers: ["carol"]), expect: .fail),
        ControlExample("reviews not exported", Example.reviewed(reviews: nil), expect: .fail),
        ControlExample("direct push", Example.directPush(), expect: .fail),
        ControlExample("pull request evidence missing", Example.directPush(subject: "Add index (#99)", missing: .pullRequest(99)), expect: .fail),
    ]
}
