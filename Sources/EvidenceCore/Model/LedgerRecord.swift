/// What a ledger record says happened.
public enum LedgerEvent: String, Codable, Sendable, Hashable {
    case migrationApplied = "migration_applied"
    /// A migration undone by its tool (sqitch's `revert`): after it, the migration is no longer applied.
    case migrationReverted = "migration_reverted"
    /// A nightly `terraform plan` of a workspace: what differs between the committed configuration and the real
    /// infrastructure (nothing, when there is no drift).
    case terraformDrift = "terraform_drift"
    /// An AWS API call CloudTrail recorded.
    case cloudCall = "cloud_call"
    case terraformApplied = "terraform_applied"
}

/// One row of a ledger, or one event of an event log: what production ran, when, by whom. Rows the same in all
/// but their number, time and run (the same migration run again and again) are read as one record standing for
/// all of them (`repeats`), so what is kept and judged grows with the distinct applies, not with the rows.
public struct LedgerRecord: Codable, Sendable, Hashable {
    /// The ledger as the bundle holds it, e.g. `inputs/ledgers/drizzle/production.csv`.
    public let ledger: String
    /// The row's number (1 = the first row after the header) or the event's line number; for a record standing
    /// for several rows, the first.
    public let row: Int
    public let kind: LedgerKind
    public let event: LedgerEvent
    /// The migration's name as the ledger gives it (Prisma's folder, Flyway's script, the event's `migration`).
    public let migration: String?
    /// The checksum exactly as recorded; nil when the row records none (a Flyway baseline).
    public let checksum: String?
    /// When it ran, where the ledger records a real apply time (Prisma, Flyway, events); nil for Drizzle. For a
    /// record standing for several rows, the first row's.
    public let appliedAt: Int64?
    /// Drizzle's `created_at`: the journal entry's `when` in milliseconds.
    public let journalWhen: Int64?
    /// The environment the event names.
    public let environment: String?
    /// Who ran it: Flyway's `installed_by`, the event's `user_id`.
    public let appliedBy: String?
    /// The deployment run, when the event names one (for several rows: the first row's).
    public let runID: String?
    /// For a Terraform apply: the commit it was applied from.
    public let commit: String?
    /// For a Terraform apply: the workspace.
    public let workspace: String?
    /// For a Terraform apply from a pull request's branch (Atlantis, HCP Terraform's speculative-then-apply VCS
    /// runs): the pull request, whose approval it is judged by, and the branch.
    public let pullRequest: Int?
    public let branch: String?
    /// For an apply from a log that serves several repositories (Atlantis): the repository, `owner/name`, so the
    /// pull request number is read as that repository's.
    public let repository: String?
    /// For a drift run: each resource the plan would change, `address (action)`; empty for none.
    public let drift: [String]?
    /// For a CloudTrail event: the call.
    public let cloud: CloudCall?
    /// False when the ledger says the run failed or was rolled back.
    public let succeeded: Bool
    /// Every row this record stands for, when more than one.
    public private(set) var repeats: LedgerRows?

    enum CodingKeys: String, CodingKey {
        case ledger, row, kind, event, migration, checksum, environment, commit, workspace, succeeded, repeats, branch, drift, cloud, repository
        case pullRequest = "pull_request"
        case appliedAt = "applied_at"
        case journalWhen = "journal_when"
        case appliedBy = "applied_by"
        case runID = "run_id"
    }

    public init(ledger: String, row: Int, kind: LedgerKind, event: LedgerEvent = .migrationApplied, migration: String? = nil,
                checksum: String? = nil, appliedAt: Int64? = nil, journalWhen: Int64? = nil, environment: String? = nil,
                appliedBy: String? = nil, runID: String? = nil, commit: String? = nil, workspace: String? = nil, pullRequest: Int? = nil,
                branch: String? = nil, repository: String? = nil, drift: [String]? = nil, cloud: CloudCall? = nil, succeeded: Bool = true) {
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
        self.pullRequest = pullRequest
        self.branch = branch
        self.repository = repository
        self.drift = drift
        self.cloud = cloud
        self.succeeded = succeeded
    }

    /// `inputs/ledgers/drizzle/production.csv row 3`, or `... lines 4-90 (12 lines)` for several: where an auditor
    /// finds the rows.
    public var location: String {
        let noun = kind.format.capabilities.recordNoun
        guard let repeats else { return "\(ledger) \(noun) \(row)" }
        return "\(ledger) \(noun)s \(row)-\(repeats.last.row) (\(repeats.count) \(noun)s)"
    }

    /// How many rows it stands for.
    public var count: Int { repeats?.count ?? 1 }

    /// The rows it stands for, in file order, each with its apply time.
    public var rows: [(row: Int, appliedAt: Int64?)] {
        guard let repeats else { return [(row, appliedAt)] }
        return repeats.rows.indices.map { (Int(repeats.rows[$0]), repeats.times.isEmpty ? nil : repeats.times[$0]) }
    }

    /// The earliest and latest apply times of its rows.
    public var appliedRange: ClosedRange<Int64>? {
        guard let repeats, !repeats.times.isEmpty else { return appliedAt.map { $0...$0 } }
        return repeats.times.min()!...repeats.times.max()!
    }

    /// What makes two rows the same apply: everything but the row's number, time and run (and whether it has a
    /// time, so a record's rows all have one or none).
    struct Identity: Hashable {
        let ledger: String, kind: LedgerKind, event: LedgerEvent, migration: String?, checksum: String?, journalWhen: Int64?
        let environment: String?, appliedBy: String?, commit: String?, workspace: String?, pullRequest: Int?, branch: String?, repository: String?
        let drift: [String]?, cloud: CloudCall?, succeeded: Bool, timed: Bool
    }

    var identity: Identity {
        Identity(ledger: ledger, kind: kind, event: event, migration: migration, checksum: checksum, journalWhen: journalWhen,
                 environment: environment, appliedBy: appliedBy, commit: commit, workspace: workspace, pullRequest: pullRequest,
                 branch: branch, repository: repository, drift: drift, cloud: cloud, succeeded: succeeded, timed: appliedAt != nil)
    }

    /// Stands for `other`'s row too (the same identity, read later).
    mutating func absorb(_ other: LedgerRecord) {
        var all = repeats ?? LedgerRows(row: row, appliedAt: appliedAt)
        repeats = nil  // The only reference to the rows while they grow, so appending never copies them.
        all.append(row: other.row, appliedAt: other.appliedAt)
        repeats = all
    }

    /// The same record standing only for the rows whose apply time `keep` accepts (nil when none); the first kept
    /// row becomes its row (its run is known only when that is still the first).
    func keeping(_ keep: (Int64?) -> Bool) -> LedgerRecord? {
        guard repeats != nil else { return keep(appliedAt) ? self : nil }
        let kept = rows.filter { keep($0.appliedAt) }
        guard let first = kept.first else { return nil }
        if kept.count == count { return self }
        var record = LedgerRecord(ledger: ledger, row: first.row, kind: kind, event: event, migration: migration, checksum: checksum,
                                  appliedAt: first.appliedAt, journalWhen: journalWhen, environment: environment, appliedBy: appliedBy,
                                  runID: first.row == row ? runID : nil, commit: commit, workspace: workspace, pullRequest: pullRequest,
                                  branch: branch, repository: repository, drift: drift, cloud: cloud, succeeded: succeeded)
        if kept.count > 1 {
            record.repeats = LedgerRows(rows: kept.map { Int32(clamping: $0.row) }, times: appliedAt == nil ? [] : kept.map { $0.appliedAt! })
        }
        return record
    }
}

/// The rows one record stands for: numbers and apply times side by side, 12 bytes a row (the rows of one record
/// all have a time or none do).
public struct LedgerRows: Codable, Sendable, Hashable {
    public private(set) var rows: [Int32]
    /// Empty when the ledger records no apply times.
    public private(set) var times: [Int64]

    init(row: Int, appliedAt: Int64?) {
        rows = [Int32(clamping: row)]
        times = appliedAt.map { [$0] } ?? []
    }

    init(rows: [Int32], times: [Int64]) {
        self.rows = rows
        self.times = times
    }

    mutating func append(row: Int, appliedAt: Int64?) {
        rows.append(Int32(clamping: row))
        if let appliedAt { times.append(appliedAt) }
    }

    public var count: Int { rows.count }
    var last: (row: Int, appliedAt: Int64?) { (Int(rows.last!), times.last) }
}

/// Gathers a ledger's records as they are read, one record per identity, in the order each was first seen.
struct LedgerRecordGroups {
    private(set) var records = [LedgerRecord]()
    private var index = [LedgerRecord.Identity: Int]()

    mutating func add(_ record: LedgerRecord) {
        let identity = record.identity
        if let at = index[identity] { records[at].absorb(record) } else {
            index[identity] = records.count
            records.append(record)
        }
    }
}

/// A ledger as read: where it came from, what kind it is and its records in file order.
public struct Ledger: Sendable {
    public let kind: LedgerKind
    /// The path the bundle holds it under.
    public let bundlePath: String
    /// Where it was read from: a file path, or a PostgreSQL URL without its password.
    public let source: String
    /// What the bundle keeps of it, verbatim: the bytes as read (for a live database, the CSV written from the
    /// rows read), or for a log read as a stream the file to copy, with its size and digest as read.
    public let content: BundleContent
    public let records: [LedgerRecord]
    /// Events of other types the log holds; counted, not judged.
    public let otherEvents: Int

    public init(kind: LedgerKind, bundlePath: String, source: String, content: BundleContent, records: [LedgerRecord], otherEvents: Int = 0) {
        self.kind = kind
        self.bundlePath = bundlePath
        self.source = source
        self.content = content
        self.records = records
        self.otherEvents = otherEvents
    }

    public init(kind: LedgerKind, bundlePath: String, source: String, bytes: [UInt8], records: [LedgerRecord], otherEvents: Int = 0) {
        self.init(kind: kind, bundlePath: bundlePath, source: source, content: .bytes(bytes), records: records, otherEvents: otherEvents)
    }

    /// The bytes, when they are held (not for a log that is copied from its file).
    public var bytes: [UInt8]? {
        if case .bytes(let bytes) = content { return bytes }
        return nil
    }
}

/// A ledger's record of a migration file having run, as `changes.jsonl` shows it on the file. The same run
/// repeated (rows the same but for number, time and run) is one apply with its `count` and its last row.
public struct LedgerApply: Codable, Sendable, Hashable {
    /// The ledger as the bundle holds it.
    public let ledger: String
    /// The row (the first, when it stands for several).
    public let row: Int
    public let environment: String?
    /// When it ran (ISO 8601 UTC), where the ledger records it.
    public let appliedAt: String?
    public let appliedBy: String?
    public let runID: String?
    /// For a Terraform apply: the workspace.
    public let workspace: String?
    /// The commit that introduced the bytes that ran (an earlier version when the file was edited since); for a
    /// Terraform apply, the commit it applied.
    public let commit: String
    public let succeeded: Bool
    /// The row undid it (sqitch's `revert`) rather than ran it.
    public let reverted: Bool
    /// How many rows ran it so (1 unless repeated).
    public let count: Int
    /// For a repeated run: the last row and its time.
    public let lastRow: Int?
    public let lastAppliedAt: String?

    enum CodingKeys: String, CodingKey {
        case ledger, row, environment, commit, succeeded, count, reverted, workspace
        case appliedAt = "applied_at"
        case appliedBy = "applied_by"
        case runID = "run_id"
        case lastRow = "last_row"
        case lastAppliedAt = "last_applied_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(ledger: try container.decode(String.self, forKey: .ledger), row: try container.decode(Int.self, forKey: .row),
                  environment: try container.decodeIfPresent(String.self, forKey: .environment),
                  appliedAt: try container.decodeIfPresent(String.self, forKey: .appliedAt),
                  appliedBy: try container.decodeIfPresent(String.self, forKey: .appliedBy),
                  runID: try container.decodeIfPresent(String.self, forKey: .runID),
                  workspace: try container.decodeIfPresent(String.self, forKey: .workspace), commit: try container.decode(String.self, forKey: .commit),
                  succeeded: try container.decode(Bool.self, forKey: .succeeded),
                  reverted: try container.decodeIfPresent(Bool.self, forKey: .reverted) ?? false,
                  count: try container.decodeIfPresent(Int.self, forKey: .count) ?? 1,
                  lastRow: try container.decodeIfPresent(Int.self, forKey: .lastRow),
                  lastAppliedAt: try container.decodeIfPresent(String.self, forKey: .lastAppliedAt))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ledger, forKey: .ledger)
        try container.encode(row, forKey: .row)
        try container.encodeIfPresent(environment, forKey: .environment)
        try container.encodeIfPresent(appliedAt, forKey: .appliedAt)
        try container.encodeIfPresent(appliedBy, forKey: .appliedBy)
        try container.encodeIfPresent(runID, forKey: .runID)
        try container.encodeIfPresent(workspace, forKey: .workspace)
        try container.encode(commit, forKey: .commit)
        try container.encode(succeeded, forKey: .succeeded)
        if reverted { try container.encode(reverted, forKey: .reverted) }
        // One row is written as before; a repeated run adds how many and where it ended.
        if count > 1 {
            try container.encode(count, forKey: .count)
            try container.encodeIfPresent(lastRow, forKey: .lastRow)
            try container.encodeIfPresent(lastAppliedAt, forKey: .lastAppliedAt)
        }
    }

    /// The same apply with the ledger named otherwise (its source, outside a bundle).
    public func naming(_ ledger: String) -> LedgerApply {
        LedgerApply(ledger: ledger, row: row, environment: environment, appliedAt: appliedAt, appliedBy: appliedBy, runID: runID,
                    workspace: workspace, commit: commit, succeeded: succeeded, reverted: reverted, count: count, lastRow: lastRow, lastAppliedAt: lastAppliedAt)
    }

    /// `row 3`, or `rows 3-90 (12 rows)` for a repeated run.
    public var rows: String {
        guard count > 1, let lastRow else { return "row \(row)" }
        return "rows \(row)-\(lastRow) (\(count) rows)"
    }

    /// `inputs/ledgers/events/deploys.jsonl:3`, or `...:3-90, 12 rows` for a repeated run.
    public var place: String {
        guard count > 1, let lastRow else { return "\(ledger):\(row)" }
        return "\(ledger):\(row)-\(lastRow), \(count) rows"
    }

    /// When it ran: the time, or the first and last rows' times of a repeated run.
    public var time: String? {
        guard let appliedAt else { return nil }
        guard count > 1, let lastAppliedAt, lastAppliedAt != appliedAt else { return appliedAt }
        return appliedAt + " to " + lastAppliedAt
    }

    public init(ledger: String, row: Int, environment: String?, appliedAt: String?, appliedBy: String?, runID: String?, workspace: String? = nil, commit: String,
                succeeded: Bool, reverted: Bool = false, count: Int = 1, lastRow: Int? = nil, lastAppliedAt: String? = nil) {
        self.ledger = ledger
        self.row = row
        self.environment = environment
        self.appliedAt = appliedAt
        self.appliedBy = appliedBy
        self.runID = runID
        self.workspace = workspace
        self.commit = commit
        self.succeeded = succeeded
        self.reverted = reverted
        self.count = count
        self.lastRow = lastRow
        self.lastAppliedAt = lastAppliedAt
    }
}
