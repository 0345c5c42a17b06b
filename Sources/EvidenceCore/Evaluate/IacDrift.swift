/// `CC8.1-iac-drift`: the nightly `terraform plan` of each workspace finds the infrastructure as committed.
/// Each run in the window is a finding: `pass` when nothing differs, else `info` naming every resource that
/// would change (`fail` with `terraform.drift: fail` in the settings); a run that failed says drift is not known
/// that night; a workspace with no run in the window is said (`coverage`).
public struct IacDrift: LedgerControl {
    public static let id = "CC8.1-iac-drift"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        let record = reconciled.record
        guard record.event == .terraformDrift else { return [] }
        let workspace = record.workspace ?? "default"
        guard record.succeeded else {
            return [Finding(control: Self.id, status: .info, on: reconciled, detail: "\(record.described): \(record.migration ?? "the plan failed"); "
                + "whether workspace \(workspace) drifted that night is not known.")]
        }
        let drift = record.drift ?? []
        guard !drift.isEmpty else {
            return [Finding(control: Self.id, status: .pass, on: reconciled,
                            detail: "\(record.described): workspace \(workspace) is as its committed configuration says; no drift.")]
        }
        return [Finding(control: Self.id, status: policy.driftFails ? .fail : .info, on: reconciled, detail: "\(record.described): workspace "
            + "\(workspace) differs from its committed configuration in \(drift.count) resource(s): \(drift.joined(separator: ", ")).")]
    }

    /// One finding for each workspace the ledgers know (from drift runs at any time, and from Terraform applies)
    /// that has no drift run in the window, when any drift run was given.
    static func coverage(_ correlated: CorrelatedEvidence) -> [Finding] {
        let runs = correlated.ledgers.filter { $0.kind == .drift }.flatMap(\.records)
        guard !runs.isEmpty else { return [] }
        let judged = Set(correlated.reconciliation.records.filter { $0.record.event == .terraformDrift }.compactMap(\.record.workspace))
        var known = Set(runs.compactMap(\.workspace))
        for ledger in correlated.ledgers {
            for record in ledger.records where record.event == .terraformApplied { if let workspace = record.workspace { known.insert(workspace) } }
        }
        return known.subtracting(judged).sorted().map { workspace in
            let last = runs.filter { $0.workspace == workspace }.compactMap(\.appliedAt).max()
            return Finding(control: id, status: .info, change: nil, pullRequest: nil, paths: [], detail: "Workspace \(workspace) has no drift run in "
                + "the window" + (last.map { " (its last: \(Timestamp.iso8601UTC($0)))" } ?? "") + ": whether it was changed outside Terraform is not evidenced.")
        }
    }

    static func run(_ drift: [String]?, succeeded: Bool = true) -> ReconciledRecord {
        ReconciledRecord(record: LedgerRecord(ledger: "inputs/ledgers/drift/prod@2026-07-16.json", row: 1, kind: .drift, event: .terraformDrift,
                                              migration: succeeded ? nil : "plan failed: Error: No valid credential sources found",
                                              appliedAt: Timestamp.parse("2026-07-16T02:00:00Z"), workspace: "prod", drift: drift, succeeded: succeeded))
    }

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("a night without drift", run([]), expect: .pass),
        LedgerControlExample("a resource changed outside Terraform", run(["aws_security_group.web (update)"]), expect: .info),
        LedgerControlExample("drift where the settings make it a failure", run(["aws_security_group.web (update)"]),
                             policy: { var policy = ReviewPolicy.defaults; policy.driftFails = true; return policy }(), expect: .fail),
        LedgerControlExample("a plan that failed", run([], succeeded: false), expect: .info),
        LedgerControlExample("a terraform apply", ReconciledRecord(record: Example.terraformApply(), placement: .unknown), expect: nil),
    ]
}
