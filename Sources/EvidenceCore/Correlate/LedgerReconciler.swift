/// A ledger record with what it was matched to: the hand-off from Correlate to the ledger controls.
public struct ReconciledRecord: Sendable, Hashable {
    public let record: LedgerRecord
    /// For a migration apply: the committed version whose checksum it records; nil when none has it.
    public let version: MigrationVersion?
    /// The change that introduced those bytes, with its pull request; nil for an unmatched row.
    public let change: CorrelatedChange?
    /// For a Terraform apply: where its commit stands relative to the branch.
    public let placement: BranchPlacement?

    public init(record: LedgerRecord, version: MigrationVersion? = nil, change: CorrelatedChange? = nil, placement: BranchPlacement? = nil) {
        self.record = record
        self.version = version
        self.change = change
        self.placement = placement
    }
}

/// What one ledger covers, for judging migrations it has no row for (`CC8.1-deployed`).
public struct LedgerCoverage: Sendable, Hashable {
    /// The ledger as the bundle holds it.
    public let ledger: String
    public let kind: LedgerKind
    /// The newest `created_at` of a Drizzle ledger (ms): Drizzle's migrator runs only migrations whose journal
    /// `when` is newer, so an older one without a row is never applied.
    public let newestJournalWhen: Int64?

    public init(ledger: String, kind: LedgerKind, newestJournalWhen: Int64? = nil) {
        self.ledger = ledger
        self.kind = kind
        self.newestJournalWhen = newestJournalWhen
    }

    /// Whether this ledger would hold a row for a migration of `flavour`: a tool's table records its own
    /// migrations; an event log records any tool's.
    public func records(_ flavour: MigrationFlavour) -> Bool {
        kind.format.capabilities.flavours?.contains(flavour) ?? true
    }
}

/// How the ledgers were read and matched: what the report's reconciliation shows.
public struct LedgerReconciliation: Sendable {
    /// Every record of every ledger, in ledger order then row order.
    public let records: [ReconciledRecord]
    /// What each ledger covers.
    public let coverage: [LedgerCoverage]
    /// Records left out because they ran outside the window, by ledger.
    public let outsideWindow: [String: Int]
    /// Events of other types, by ledger.
    public let otherEvents: [String: Int]

    public static let none = LedgerReconciliation(records: [], coverage: [], outsideWindow: [:], otherEvents: [:])
}

/// Matches ledger records to the committed versions of migration files and places Terraform applies on or off
/// the branch (SPEC §3). A record is judged when it belongs to the window: it ran in the window, or — for a
/// ledger without apply times (Drizzle) — the bytes it ran came in a change of the window, or it matches
/// nothing (an unreviewed row is reported in every window until it is explained).
public struct LedgerReconciler {
    public let history: MigrationHistory
    public let window: AuditWindow
    /// Correlates the change at a commit outside the population (a migration merged before the window and applied in it).
    let correlate: (String) throws -> CorrelatedChange?

    public init(history: MigrationHistory, window: AuditWindow, correlate: @escaping (String) throws -> CorrelatedChange?) {
        self.history = history
        self.window = window
        self.correlate = correlate
    }

    /// Reconciles `ledgers` and records each match on the population's migration files.
    public func reconcile(_ ledgers: [Ledger], population: inout [CorrelatedChange]) throws -> LedgerReconciliation {
        var byCommit = [String: Int]()
        for (index, change) in population.enumerated() { byCommit[change.change.commit] = index }
        var outside = [String: CorrelatedChange?]()
        var records = [ReconciledRecord]()
        var outsideWindow = [String: Int]()
        for ledger in ledgers {
            for record in ledger.records {
                switch record.event {
                case .terraformApplied:
                    guard let applied = record.appliedAt, window.contains(applied) else {
                        outsideWindow[ledger.bundlePath, default: 0] += 1
                        continue
                    }
                    records.append(ReconciledRecord(record: record, placement: record.commit.flatMap { history.placements[$0] } ?? .unknown))
                case .migrationApplied:
                    let version = history.version(matching: record)
                    let inWindow: Bool = if let applied = record.appliedAt { window.contains(applied) }
                        else if let version { window.contains(version.committedAt) }
                        else { true }
                    guard inWindow else {
                        outsideWindow[ledger.bundlePath, default: 0] += 1
                        continue
                    }
                    var change: CorrelatedChange?
                    if let version {
                        if let index = byCommit[version.commit] {
                            change = population[index]
                        } else if let known = outside[version.commit] {
                            change = known
                        } else {
                            change = try correlate(version.commit)
                            outside[version.commit] = change
                        }
                        let apply = LedgerApply(record, version: version)
                        for index in population.indices {
                            for file in population[index].migrations.indices where population[index].migrations[file].path == version.path {
                                population[index].migrations[file].applies.append(apply)
                            }
                        }
                    }
                    records.append(ReconciledRecord(record: record, version: version, change: change))
                }
            }
        }
        let coverage = ledgers.map { ledger in
            LedgerCoverage(ledger: ledger.bundlePath, kind: ledger.kind,
                           newestJournalWhen: ledger.kind.format.capabilities.skipsOlderThanNewest ? ledger.records.compactMap(\.journalWhen).max() : nil)
        }
        return LedgerReconciliation(records: records, coverage: coverage, outsideWindow: outsideWindow,
                                    otherEvents: Dictionary(ledgers.filter { $0.otherEvents > 0 }.map { ($0.bundlePath, $0.otherEvents) },
                                                            uniquingKeysWith: +))
    }
}
