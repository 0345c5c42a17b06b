@testable import EvidenceCore
import Foundation
import Testing

/// A record standing for a run repeated over many rows is judged row by row: each outcome its rows have is one
/// finding naming those rows, so nothing is lost by keeping one record instead of every row.
@Suite struct RepeatedRunTests {
    /// The events rows `rows` (number, time), all the same apply of the example migration in production.
    func repeated(_ rows: [(Int, String)], event: LedgerEvent = .migrationApplied) -> LedgerRecord {
        var groups = LedgerRecordGroups()
        for (row, time) in rows {
            groups.add(LedgerRecord(ledger: "inputs/ledgers/events/deploys.jsonl", row: row, kind: .events, event: event,
                                    migration: event == .migrationApplied ? "0007_orders" : nil, checksum: event == .migrationApplied ? "9f3c00" : nil,
                                    appliedAt: Timestamp.parse(time), environment: "production", appliedBy: "deploy-bot", runID: "run-\(row)",
                                    commit: event == .terraformApplied ? String(Example.change().commit.prefix(12)) : nil,
                                    workspace: event == .terraformApplied ? "prod" : nil))
        }
        #expect(groups.records.count == 1)
        return groups.records[0]
    }

    @Test func rowsBeforeTheApprovalFailAndTheRestPassEachNamed() {
        // The example pull request is approved at 2026-07-03T10:00:00Z and merged at 2026-07-03T12:00:00Z.
        let record = repeated([(4, "2026-07-05T10:00:00Z"), (9, "2026-07-02T11:00:00Z"), (12, "2026-07-03T11:00:00Z"), (20, "2026-07-04T10:00:00Z"),
                               (21, "2026-07-02T09:00:00Z")])
        let findings = AppliedAfterApproval().evaluate(ReconciledRecord(record: record, version: AppliedAsReviewed.version, change: Example.reviewed()),
                                                       policy: .defaults)
        #expect(findings.map(\.status) == [.pass, .fail, .fail])
        #expect(findings[0].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl lines 4-20 (2 lines) (production, 2026-07-04T10:00:00Z to "
            + "2026-07-05T10:00:00Z, by deploy-bot) ran drizzle/0007_orders.sql after"), "\(findings[0].detail)")
        #expect(findings[1].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl lines 9-21 (2 lines) (production, 2026-07-02T09:00:00Z to "
            + "2026-07-02T11:00:00Z, by deploy-bot) ran drizzle/0007_orders.sql before the first qualifying approval"), "\(findings[1].detail)")
        #expect(findings[1].detail.contains(" and before pull request #7 was merged"))
        #expect(findings[2].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl line 12 (production, 2026-07-03T11:00:00Z, by deploy-bot) "
            + "ran drizzle/0007_orders.sql before pull request #7 was merged"), "\(findings[2].detail)")
        #expect(findings.allSatisfy { $0.change == Example.change().commit && $0.paths == ["drizzle/0007_orders.sql"] })
        // Every row is in exactly one finding's record.
        let reviewed = AppliedAsReviewed().evaluate(ReconciledRecord(record: record, version: AppliedAsReviewed.version, change: Example.reviewed()),
                                                    policy: .defaults)
        #expect(reviewed.map(\.status) == [.pass], "the bytes are the same in every row: one finding")
        #expect(reviewed[0].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl lines 4-21 (5 lines)"))
    }

    @Test func aTerraformApplyRepeatedBeforeAndAfterTheCommitReachedTheBranch() {
        let record = repeated([(5, "2026-07-03T09:00:00Z"), (6, "2026-07-04T10:00:00Z"), (8, "2026-07-03T11:00:00Z")], event: .terraformApplied)
        let findings = IacAppliedFromBranch().evaluate(ReconciledRecord(record: record, placement: IacAppliedFromBranch.onBranch), policy: .defaults)
        #expect(findings.map(\.status) == [.fail, .pass])
        #expect(findings[0].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl lines 5-8 (2 lines) (production, 2026-07-03T09:00:00Z to 2026-07-03T11:00:00Z"))
        #expect(findings[1].detail.hasPrefix("inputs/ledgers/events/deploys.jsonl line 6 (production, 2026-07-04T10:00:00Z, by deploy-bot) applied"),
                "a single remaining row is described as one, without its run (only the first row's run is kept)")
    }

    /// The window is judged row by row too: the rows outside it are counted, the rest still one record.
    @Test func rowsOutsideTheWindowAreCountedAndTheRestJudged() throws {
        let record = repeated([(1, "2026-06-30T23:00:00Z"), (2, "2026-07-01T01:00:00Z"), (3, "2026-10-01T00:00:00Z"), (4, "2026-08-01T00:00:00Z")])
        let ledger = Ledger(kind: .events, bundlePath: record.ledger, source: "deploys.jsonl", bytes: [], records: [record])
        let history = MigrationHistory()
        let matching = LedgerReconciler(history: history, window: try AuditWindow.named("2026-Q3")).match([ledger])
        #expect(matching.outsideWindow == [record.ledger: 2])
        #expect(matching.matches.map { $0.record.rows.map(\.row) } == [[2, 4]])
        #expect(matching.matches[0].record.runID == nil, "the first kept row is not the first row: its run is not known")
    }
}
