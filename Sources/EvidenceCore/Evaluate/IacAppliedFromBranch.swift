/// `CC8.1-iac-applied-from-branch`: every Terraform apply in a ledger names a commit that was on the audited
/// branch — a state the branch was in (a first-parent commit) — when it ran.
public struct IacAppliedFromBranch: LedgerControl {
    public static let id = "CC8.1-iac-applied-from-branch"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        let record = reconciled.record
        guard record.event == .terraformApplied else { return [] }
        let workspace = record.workspace.map { " workspace \($0)" } ?? ""
        let onBranch: Bool
        if case .onBranch = reconciled.placement { onBranch = true } else { onBranch = false }
        // From a pull request's branch before its merge (Atlantis' flow, which logs the pull request and no commit):
        // the apply is the pull request's, judged by its approval under CC8.1-applied-after-approval, not called off-branch.
        if !onBranch, let pull = reconciled.change?.pullRequest?.pullRequest,
           record.pullRequest == pull.number || (record.commit.map { commit in pull.head?.sha.map { $0.lowercased().hasPrefix(commit) } == true } ?? false) {
            let from = record.commit.map { " from commit \($0)" } ?? ""
            return [Finding(control: Self.id, status: .pass, on: reconciled, commit: reconciled.change!.change.commit, detail: "\(record.described) "
                + "applied\(workspace)\(from), from the branch of \(pull.reference) before its merge into the audited branch"
                + (pull.mergedAt.map { " at \($0.text)" } ?? "") + "; judged by that pull request's approval.")]
        }
        if !onBranch, let number = record.pullRequest {
            let from = record.commit.map { " from commit \($0)" } ?? ""
            return [Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described) applied\(workspace)\(from), from the branch "
                + "of pull request #\(number), which no change of the audited branch merged in the evidence: what it applied never reached the branch.")]
        }
        guard let commit = record.commit else {
            return [Finding(control: Self.id, status: .fail, on: reconciled, detail: "\(record.described) applied\(workspace) a configuration that "
                + "names no commit (uploaded from outside version control), so what it applied is tied to no reviewed change.")]
        }
        func applied(_ part: ReconciledRecord) -> String {
            "\(part.record.described) applied\(workspace) from commit \(commit)"
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
        LedgerControlExample("applied from a merged pull request's branch before the merge", ReconciledRecord(
            record: Example.terraformApply(pullRequest: 7), change: Example.reviewed(),
            placement: .offBranch(commit: "feedface00000000000000000000000000000000")), expect: .pass),
        LedgerControlExample("applied by Atlantis from a pull request's branch (its log names no commit)", ReconciledRecord(
            record: Example.terraformApply(commit: nil, pullRequest: 7), change: Example.reviewed(), placement: .unknown), expect: .pass),
        LedgerControlExample("applied from a pull request no change merged", ReconciledRecord(
            record: Example.terraformApply(pullRequest: 9), placement: .offBranch(commit: "feedface00000000000000000000000000000000")), expect: .fail),
        LedgerControlExample("an apply naming no commit", ReconciledRecord(record: Example.terraformApply(commit: nil), placement: .unknown),
                             expect: .fail),
        LedgerControlExample("a migration apply", ReconciledRecord(record: Example.row(.events)), expect: nil),
    ]
}
