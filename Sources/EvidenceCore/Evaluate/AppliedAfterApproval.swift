/// `CC8.1-applied-after-approval`: a migration ran only after its pull request was approved and merged. Judged
/// only where the ledger records a real apply time (Prisma, Flyway, Django, sqitch, Liquibase, Atlas, Knex,
/// events); a row of a ledger that records none (Drizzle, whose `created_at` is the journal's time; Rails,
/// Alembic, golang-migrate) is `not_applicable` with the reason. A Terraform apply (events, `tfc`) is judged the
/// same way by the change it applied; one from a pull request's branch before the merge (Atlantis' flow) only by
/// that pull request's approval.
public struct AppliedAfterApproval: LedgerControl {
    public static let id = "CC8.1-applied-after-approval"

    public init() {}

    public func evaluate(_ reconciled: ReconciledRecord, policy: ReviewPolicy) -> [Finding] {
        let record = reconciled.record
        guard let change = reconciled.change else { return [] }
        let ran: (ReconciledRecord) -> String
        // A Terraform apply from a pull request's branch runs before the merge by design (Atlantis): only the
        // approval must come first. One from the branch ran a merged commit.
        var beforeMergeAllowed = false
        switch record.event {
        case .migrationApplied:
            guard let version = reconciled.version else { return [] }
            guard record.appliedAt != nil else {
                let reason = record.kind.format.capabilities.noApplyTime ?? "the row records no apply time"
                return [Finding(control: Self.id, status: .notApplicable, on: reconciled,
                                detail: "\(record.described) ran \(version.path); whether before approval is not evidenced: \(reason).")]
            }
            ran = { "\($0.record.described) ran \(version.path)" }
        case .terraformApplied:
            // Atlantis logs the pull request, not the commit.
            guard record.appliedAt != nil, record.commit != nil || record.pullRequest != nil else { return [] }
            if case .onBranch = reconciled.placement {} else { beforeMergeAllowed = true }
            let from = record.commit.map { "from commit \($0.prefix(12))" } ?? "from the branch of pull request #\(record.pullRequest!)"
            ran = { "\($0.record.described) applied\(record.workspace.map { " workspace \($0)" } ?? "") \(from)" }
        case .migrationReverted, .terraformDrift, .cloudCall:
            return []
        }
        // A Terraform apply's findings are on the change it applied (a migration's, on the version's change).
        let applied = record.event == .terraformApplied ? change.change.commit : nil
        guard let evidence = change.pullRequest else {
            return [Finding(control: Self.id, status: .fail, on: reconciled, commit: applied,
                            detail: "\(ran(reconciled)); the change reached the branch without a merged pull request.")]
        }
        let pull = evidence.pullRequest
        var approval: (login: String, at: Int64)?
        if evidence.reviews != nil, let first = ApprovalAnalysis(evidence: evidence, change: change.change, policy: policy).qualifying.first,
           let approved = first.submittedAt?.seconds {
            approval = (first.login, approved)
        }
        let merged = pull.mergedAt?.seconds
        // Each row is judged on its own time; rows with the same problems share a finding.
        return reconciled.parts { time -> [String] in
            var problems = [String]()
            if evidence.reviews == nil {
                problems.append("but the reviews of \(pull.reference) were not exported")
            } else if let approval {
                if time! < approval.at { problems.append("before the first qualifying approval (\(approval.login) at \(Timestamp.iso8601UTC(approval.at)))") }
            } else {
                problems.append("but \(pull.reference) has no qualifying approval")
            }
            if let merged, time! < merged, !beforeMergeAllowed {
                problems.append("before \(pull.reference) was merged at \(Timestamp.iso8601UTC(merged))")
            }
            return problems
        }.map { problems, part in
            problems.isEmpty
                ? Finding(control: Self.id, status: .pass, on: part, commit: applied, detail: "\(ran(part)) after \(pull.reference) was approved"
                    + (beforeMergeAllowed ? ", from its branch before the merge." : " and merged."))
                : Finding(control: Self.id, status: .fail, on: part, commit: applied, detail: "\(ran(part)) " + problems.joined(separator: " and ") + ".")
        }
    }

    static func ranAt(_ time: String, kind: LedgerKind = .events, change: CorrelatedChange = Example.reviewed()) -> ReconciledRecord {
        ReconciledRecord(record: Example.row(kind, at: time), version: AppliedAsReviewed.version, change: change)
    }

    public static let examples: [LedgerControlExample] = [
        LedgerControlExample("ran after approval and merge", ranAt("2026-07-04T10:00:00Z"), expect: .pass),
        LedgerControlExample("ran before approval", ranAt("2026-07-02T11:00:00Z"), expect: .fail),
        LedgerControlExample("ran after approval, before merge", ranAt("2026-07-03T11:00:00Z"), expect: .fail),
        LedgerControlExample("prisma finished_at after merge", ranAt("2026-07-04T10:00:00Z", kind: .prisma), expect: .pass),
        LedgerControlExample("ran, but the change was a direct push", ranAt("2026-07-04T10:00:00Z", change: Example.directPush()), expect: .fail),
        LedgerControlExample("ran, the only approval was revoked", ranAt("2026-07-04T10:00:00Z", change: Example.reviewed(reviews: [
            Example.review("bob", .approved), Example.review("bob", .dismissed, at: "2026-07-02T16:00:00Z"),
        ])), expect: .fail),
        LedgerControlExample("drizzle records no apply time", ReconciledRecord(record: Example.row(.drizzle), version: AppliedAsReviewed.version,
                                                                              change: Example.reviewed()), expect: .notApplicable),
        LedgerControlExample("alembic records only the head", ReconciledRecord(
            record: Example.row(.alembic, migration: "ae1027a6acf", checksum: nil), version: AppliedAsReviewed.version, change: Example.reviewed(),
            byName: true), expect: .notApplicable),
        LedgerControlExample("django applied before approval", ReconciledRecord(
            record: Example.row(.django, migration: "shop.0007_orders", checksum: nil, at: "2026-07-02T11:00:00Z"), version: AppliedAsReviewed.django,
            change: Example.reviewed(), byName: true), expect: .fail),
        LedgerControlExample("unmatched row", ReconciledRecord(record: Example.row(.events)), expect: nil),
        LedgerControlExample("terraform applied from the pull request's branch after approval, before merge", ReconciledRecord(
            record: Example.terraformApply(at: "2026-07-03T11:00:00Z"), change: Example.reviewed(),
            placement: .offBranch(commit: "feedface00000000000000000000000000000000")), expect: .pass),
        LedgerControlExample("terraform applied from the pull request's branch before approval", ReconciledRecord(
            record: Example.terraformApply(at: "2026-07-02T11:00:00Z"), change: Example.reviewed(),
            placement: .offBranch(commit: "feedface00000000000000000000000000000000")), expect: .fail),
        LedgerControlExample("terraform applied from the branch after approval and merge", ReconciledRecord(
            record: Example.terraformApply(), change: Example.reviewed(), placement: IacAppliedFromBranch.onBranch), expect: .pass),
    ]
}
