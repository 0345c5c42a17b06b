/// What a ledger record says happened.
public enum LedgerEvent: String, Codable, Sendable, Hashable {
    case migrationApplied = "migration_applied"
    case terraformApplied = "terraform_applied"
}

/// One row of a ledger, or one event of an event log: what production ran, when, by whom.
public struct LedgerRecord: Codable, Sendable, Hashable {
    /// The ledger as the bundle holds it, e.g. `inputs/ledgers/drizzle/production.csv`.
    public let ledger: String
    /// The row's number (1 = the first row after the header) or the event's line number.
    public let row: Int
    public let kind: LedgerKind
    public let event: LedgerEvent
    /// The migration's name as the ledger gives it (Prisma's folder, Flyway's script, the event's `migration`).
    public let migration: String?
    /// The checksum exactly as recorded; nil when the row records none (a Flyway baseline).
    public let checksum: String?
    /// When it ran, where the ledger records a real apply time (Prisma, Flyway, events); nil for Drizzle.
    public let appliedAt: Int64?
    /// Drizzle's `created_at`: the journal entry's `when` in milliseconds.
    public let journalWhen: Int64?
    /// The environment the event names.
    public let environment: String?
    /// Who ran it: Flyway's `installed_by`, the event's `user_id`.
    public let appliedBy: String?
    /// The deployment run, when the event names one.
    public let runID: String?
    /// For a Terraform apply: the commit it was applied from.
    public let commit: String?
    /// For a Terraform apply: the workspace.
    public let workspace: String?
    /// False when the ledger says the run failed or was rolled back.
    public let succeeded: Bool

    enum CodingKeys: String, CodingKey {
        case ledger, row, kind, event, migration, checksum, environment, commit, workspace, succeeded
        case appliedAt = "applied_at"
        case journalWhen = "journal_when"
        case appliedBy = "applied_by"
        case runID = "run_id"
    }

    public init(ledger: String, row: Int, kind: LedgerKind, event: LedgerEvent = .migrationApplied, migration: String? = nil,
                checksum: String? = nil, appliedAt: Int64? = nil, journalWhen: Int64? = nil, environment: String? = nil,
                appliedBy: String? = nil, runID: String? = nil, commit: String? = nil, workspace: String? = nil, succeeded: Bool = true) {
        self.ledger = ledger
        self.row = row
        self.kind = kind
        self.event = event
        self.migration = migration
        self.checksum = checksum
        self.appliedAt = appliedAt
        self.journalWhen = journalWhen
        self.environment = environment
        self.appliedBy = appliedBy
        self.runID = runID
        self.commit = commit
        self.workspace = workspace
        self.succeeded = succeeded
    }

    /// `inputs/ledgers/drizzle/production.csv row 3`: where an auditor finds the row.
    public var location: String { "\(ledger) \(kind.format.capabilities.recordNoun) \(row)" }
}

/// A ledger as read: where it came from, what kind it is and its records in file order.
public struct Ledger: Sendable {
    public let kind: LedgerKind
    /// The path the bundle holds it under.
    public let bundlePath: String
    /// Where it was read from: a file path, or a PostgreSQL URL without its password.
    public let source: String
    /// The bytes as read (for a live database: the CSV written from the rows read).
    public let bytes: [UInt8]
    public let records: [LedgerRecord]
    /// Events of other types the log holds; counted, not judged.
    public let otherEvents: Int

    public init(kind: LedgerKind, bundlePath: String, source: String, bytes: [UInt8], records: [LedgerRecord], otherEvents: Int = 0) {
        self.kind = kind
        self.bundlePath = bundlePath
        self.source = source
        self.bytes = bytes
        self.records = records
        self.otherEvents = otherEvents
    }
}

/// A ledger's record of a migration file having run, as `changes.jsonl` shows it on the file.
public struct LedgerApply: Codable, Sendable, Hashable {
    /// The ledger as the bundle holds it.
    public let ledger: String
    public let row: Int
    public let environment: String?
    /// When it ran (ISO 8601 UTC), where the ledger records it.
    public let appliedAt: String?
    public let appliedBy: String?
    public let runID: String?
    /// The commit that introduced the bytes that ran (an earlier version when the file was edited since).
    public let commit: String
    public let succeeded: Bool

    enum CodingKeys: String, CodingKey {
        case ledger, row, environment, commit, succeeded
        case appliedAt = "applied_at"
        case appliedBy = "applied_by"
        case runID = "run_id"
    }

    /// The same apply with the ledger named otherwise (its source, outside a bundle).
    public func naming(_ ledger: String) -> LedgerApply {
        LedgerApply(ledger: ledger, row: row, environment: environment, appliedAt: appliedAt, appliedBy: appliedBy, runID: runID,
                    commit: commit, succeeded: succeeded)
    }

    public init(ledger: String, row: Int, environment: String?, appliedAt: String?, appliedBy: String?, runID: String?, commit: String,
                succeeded: Bool) {
        self.ledger = ledger
        self.row = row
        self.environment = environment
        self.appliedAt = appliedAt
        self.appliedBy = appliedBy
        self.runID = runID
        self.commit = commit
        self.succeeded = succeeded
    }
}
