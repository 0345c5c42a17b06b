/// `CC8.1-iac-applied-from-branch`: every Terraform apply in a ledger names a commit that was on the audited
/// branch — a state the branch was in (a first-parent commit) — when it ran.
public struct IacAppliedFromBranch: LedgerControl {
    public static let id = "CC8.1-iac-applied-from-branch"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        let record = reconciled.record
        guard record.event == .terraformApplied, let commit = record.commit else { return [] }
        func applied(_ part: ReconciledRecord) -> String {
            "\(part.record.described) applied\(record.workspace.map { " workspace \($0)" } ?? "") from commit \(commit)"
        }
        switch reconciled.placement ?? .unknown {
        case .onBranch(let full, let since):
            // Each apply is judged on its own time: those before the commit reached the branch fail.
            return reconciled.parts { time in time.map { $0 < since } ?? false }.map { early, part in
                early
                    ? Finding(control: Self.id, status: .fail, on: part, commit: full, detail: "\(applied(part)), which reached the branch only at "
                        + "\(Timestamp.iso8601UTC(since)), after the apply.")
                    : Finding(control: Self.id, status: .pass, on: part, commit: full, detail: "\(applied(part)), a commit of the audited branch.")
            }
        case .offBranch(let full):
            let named = full == commit ? "" : " (\(full))"
            return [Finding(control: Self.id, status: .fail, on: reconciled, commit: full, detail: "\(applied(reconciled))\(named), which is in the "
                + "repository but was never a state of the audited branch.")]
        case .unknown:
            return [Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(applied(reconciled)), which is not in the repository.")]
        }
    }

    static let onBranch = BranchPlacement.onBranch(commit: Example.change().commit, since: Timestamp.parse("2026-07-03T12:00:00Z")!)

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("applied from a branch commit", ReconciledRecord(record: Example.terraformApply(), placement: onBranch), expect: .pass),
        LedgerControlExample("applied before the commit reached the branch", ReconciledRecord(
            record: Example.terraformApply(at: "2026-07-03T09:00:00Z"), placement: onBranch), expect: .fail),
        LedgerControlExample("applied from a feature branch", ReconciledRecord(
            record: Example.terraformApply(), placement: .offBranch(commit: "feedface00000000000000000000000000000000")), expect: .fail),
        LedgerControlExample("applied from an unknown commit", ReconciledRecord(record: Example.terraformApply(), placement: .unknown), expect: .fail),
        LedgerControlExample("a migration apply", ReconciledRecord(record: Example.row(.events)), expect: nil),
    ]
}
