/// `CC8.1-traceable`: every change reached the branch through a merged pull request.
public struct Traceable: ChangeControl {
    public static let id = "CC8.1-traceable"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        let note = change.untrustedReference.map { " Not trusted: \($0.reason)." } ?? ""
        guard let evidence = change.pullRequest, let rule = change.match else {
            return Finding(control: Self.id, status: .fail, on: change,
                           detail: "No merged pull request: pushed directly to the branch." + note)
        }
        let pull = evidence.pullRequest
        let merged = pull.mergedAt.map { " merged \($0.text)" } ?? ""
        return Finding(control: Self.id, status: .pass, on: change,
                       detail: "PR #\(pull.number) \"\(pull.title)\"\(merged) (matched by \(rule.rawValue))." + note)
    }

    public static let examples: [ControlExample] = [
        ControlExample("merged pull request", Example.reviewed(), expect: .pass),
        ControlExample("direct push", Example.directPush(), expect: .fail),
        ControlExample("subject names an unknown pull request", Example.directPush(
            subject: "Add index (#99)", untrusted: UntrustedReference(number: 99, reason: "the subject names PR #99, which the GitHub export does not contain")),
            expect: .fail),
    ]
}
