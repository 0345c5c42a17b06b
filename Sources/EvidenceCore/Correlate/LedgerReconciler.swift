/// Matches ledger records to the committed versions of migration files and places Terraform applies on or off
/// the branch (SPEC §3). A record is judged when it belongs to the window: it ran in the window, or — for a
/// ledger without apply times (Drizzle) — the bytes it ran came in a change of the window, or it matches
/// nothing (an unreviewed row is reported in every window until it is explained).
public struct LedgerReconciler {
    public let history: MigrationHistory
    public let window: AuditWindow

    public init(history: MigrationHistory, window: AuditWindow) {
        self.history = history
        self.window = window
    }

    /// What the records of `ledgers` (in the order given) match, and what was left out: computed once, by the
    /// collect stage (which must know the earlier changes judged records ran), and handed to correlation.
    struct Matching: Sendable {
        /// The judged records with the version or branch placement they match, in ledger order then row order; the
        /// change is linked by the correlate stage.
        var matches = [ReconciledRecord]()
        /// The ledger rows that ran each migration path, in record order.
        var applies = [String: [LedgerApply]]()
        var outsideWindow = [String: Int]()

        /// The commits whose bytes a judged record ran, each once, in record order: the changes to correlate when
        /// they are not in the population (a migration merged before the window and applied in it).
        var creditedCommits: [String] {
            var seen = Set<String>()
            return matches.compactMap(\.version?.commit).filter { seen.insert($0).inserted }
        }
    }

    /// Matches every record, leaving out the rows of other windows.
    func match(_ ledgers: [Ledger]) -> Matching {
        var matching = Matching()
        for ledger in ledgers {
            for record in ledger.records {
                func judged(_ inWindow: Bool) -> LedgerRecord? {
                    // A ledger with apply times is judged row by row; without, every row ran the same bytes.
                    let kept = record.appliedAt == nil ? (inWindow ? record : nil) : record.keeping { window.contains($0!) }
                    let left = record.count - (kept?.count ?? 0)
                    if left > 0 { matching.outsideWindow[ledger.bundlePath, default: 0] += left }
                    return kept
                }
                switch record.event {
                case .terraformDrift, .cloudCall:
                    guard let record = judged(record.appliedAt != nil) else { continue }
                    matching.matches.append(ReconciledRecord(record: record))
                case .terraformApplied:
                    // An apply without a time cannot be placed in the window.
                    guard let record = judged(record.appliedAt != nil) else { continue }
                    matching.matches.append(ReconciledRecord(record: record, placement: record.commit.flatMap { history.placements[$0] } ?? .unknown))
                case .migrationApplied, .migrationReverted:
                    let match = history.match(record)
                    // A head (Alembic, golang-migrate) says every migration before it ran, whenever it is judged.
                    for earlier in match.below {
                        matching.applies[earlier.path, default: []].append(LedgerApply(record, version: earlier, succeeded: true))
                    }
                    let version = match.version
                    guard let record = judged(version.map { window.contains($0.committedAt) } ?? true) else { continue }
                    if let version { matching.applies[version.path, default: []].append(LedgerApply(record, version: version)) }
                    matching.matches.append(ReconciledRecord(record: record, version: version, byName: version != nil && !match.byBytes))
                }
            }
        }
        return matching
    }

    /// What each ledger covers, for judging migrations it has no row for.
    static func coverage(_ ledgers: [Ledger]) -> [LedgerCoverage] {
        ledgers.map { ledger in
            LedgerCoverage(ledger: ledger.bundlePath, kind: ledger.kind,
                           newestJournalWhen: ledger.kind.format.capabilities.skipsOlderThanNewest
                               ? ledger.records.compactMap(\.journalWhen).max() : nil,
                           heads: ledger.kind.format.matching.holdsHead ? ledger.records.compactMap(\.migration) : [])
        }
    }
}

extension LedgerApply {
    /// A record's apply of a committed version.
    /// `succeeded` overrides the record's outcome: a failed head (golang-migrate's `dirty`) still says those before it ran.
    init(_ record: LedgerRecord, version: MigrationVersion, succeeded: Bool? = nil) {
        let last = record.repeats?.last
        self.init(ledger: record.ledger, row: record.row, environment: record.environment, appliedAt: record.appliedAt.map(Timestamp.iso8601UTC),
                  appliedBy: record.appliedBy, runID: record.runID, workspace: record.event == .terraformApplied ? record.workspace : nil,
                  commit: version.commit, succeeded: succeeded ?? record.succeeded,
                  reverted: record.event == .migrationReverted,
                  count: record.count, lastRow: last?.row, lastAppliedAt: last?.appliedAt.map(Timestamp.iso8601UTC))
    }
}
