/// `CC8.1-traceable`: every change reached the branch through a merged pull request.
public struct Traceable: ChangeControl {
    public static let id = "CC8.1-traceable"
    /// The reason of a failure for want of evidence rather than for a direct push.
    public static let evidenceMissing = "pull-request-evidence-missing"
    /// The reason of a failure because the change was pushed straight to the branch.
    public static let directPush = "direct-push"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        let note = change.untrustedReference.map { " Not trusted: \($0.reason)." } ?? ""
        guard let evidence = change.pullRequest, let rule = change.match else {
            switch change.missingEvidence {
            case .pullRequest(let number):
                return Finding(control: Self.id, status: .fail, on: change, detail: MissingReviewEvidence.pullRequest(number).described(change.forge)
                               + ": the \(change.forge == .github ? "subject" : "message") names it, and the \(change.forge.name) export does not hold it.", reason: Self.evidenceMissing)
            case .noPullRequests:
                return Finding(control: Self.id, status: .fail, on: change, detail: MissingReviewEvidence.noPullRequests.described(change.forge)
                               + ": the \(change.forge.name) export holds no \(change.forge.noun)s, so how this change reached the branch is not shown.",
                               reason: Self.evidenceMissing)
            case nil:
                return Finding(control: Self.id, status: .fail, on: change,
                               detail: "No merged \(change.forge.noun): pushed directly to the branch." + note, reason: Self.directPush)
            }
        }
        let pull = evidence.pullRequest
        let merged = pull.mergedAt.map { " merged \($0.text)" } ?? ""
        return Finding(control: Self.id, status: .pass, on: change,
                       detail: "\(pull.shortReference) \"\(pull.title)\"\(merged) (matched by \(rule.rawValue))." + note)
    }

    public static let examples: [ControlExample] = [
        ControlExample("merged pull request", Example.reviewed(), expect: .pass),
        ControlExample("direct push", Example.directPush(), expect: .fail),
        ControlExample("subject names a pull request that was not merged", Example.directPush(
            subject: "Add index (#99)", untrusted: UntrustedReference(number: 99, reason: "the subject names PR #99, which was not merged")),
            expect: .fail),
        // Missing evidence fails too, but says so: it is not a direct push.
        ControlExample("subject names a pull request the export lacks", Example.directPush(subject: "Add index (#99)", missing: .pullRequest(99)),
                       expect: .fail),
        ControlExample("an export with no pull requests", Example.directPush(missing: .noPullRequests), expect: .fail),
    ]
}
