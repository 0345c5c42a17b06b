/// Which tool's ledger a record was read from (SPEC §2, §12): `drizzle`, `prisma`, ... Each kind is declared by
/// its `LedgerFormat`, one file per kind in this folder, and known through `LedgerFormats.all`.
public struct LedgerKind: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// The format that reads this kind.
    public var format: any LedgerFormat.Type { LedgerFormats.all.first { $0.kind == self }! }
}

/// What a ledger can show, so a control it cannot evidence says so instead of passing (SPEC §12).
public struct LedgerCapabilities: Sendable, Hashable {
    /// Rows carry the time they ran (Drizzle's `created_at` is the journal's time, not an apply time).
    public let applyTime: Bool
    /// Rows carry the checksum of what ran.
    public let checksum: Bool
    /// Rows name who ran them.
    public let applier: Bool
    /// Every apply is a row (false: the table holds only the current state).
    public let history: Bool
    /// The tool's migrator runs only migrations newer than the newest applied one (Drizzle orders by the
    /// journal's `when`), so an older one without a row is skipped for good, not pending.
    public let skipsOlderThanNewest: Bool
    /// The migration flavours its rows record; nil for a log that records any tool's.
    public let flavours: Set<MigrationFlavour>?
    /// What one record is called in a location: `row` for a table, `line` for a log.
    public let recordNoun: String
    /// What a control that needs an apply time is told when there is none: `alembic_version records only the
    /// current head; apply times are not evidenced`.
    public let noApplyTime: String?
    /// What an apply it records cannot show, said beside every match (Django's `migrate --fake`).
    public let caveat: String?

    public init(applyTime: Bool, checksum: Bool, applier: Bool, history: Bool, skipsOlderThanNewest: Bool = false,
                flavours: Set<MigrationFlavour>?, recordNoun: String = "row", noApplyTime: String? = nil, caveat: String? = nil) {
        self.applyTime = applyTime
        self.checksum = checksum
        self.applier = applier
        self.history = history
        self.skipsOlderThanNewest = skipsOlderThanNewest
        self.flavours = flavours
        self.recordNoun = recordNoun
        self.noApplyTime = noApplyTime
        self.caveat = caveat
    }
}

/// How a ledger's records are matched to committed migration versions (SPEC §12).
public struct LedgerMatch: Sendable, Hashable {
    /// How rows find files by name, where they do.
    public enum Names: Sendable, Hashable {
        /// Every row names one migration it ran (Django, Rails, Knex, Liquibase, sqitch's events, Atlas' hash).
        case each
        /// The table holds the newest migration applied; every one before it is applied too: by `down_revision`
        /// (Alembic, where a merge revision has several), or by version number (golang-migrate).
        case head(HeadOrder)
    }

    public enum HeadOrder: Sendable, Hashable {
        case parents
        case versionNumber
    }

    /// The algorithms a row's checksum may be, tried in order; empty when the tool's checksum is not one this
    /// tool computes (Liquibase's `MD5SUM` is recorded, not recomputed).
    public let checksums: [MigrationChecksum.Algorithm]
    /// Rows without a checksum the history knows are found by the name `LedgerFormat.matchName` gives them.
    public let names: Names?
    /// The name is a digest of the file's bytes (Atlas' `hash`, from `atlas.sum`), so a match by name shows what
    /// ran is what was committed, as a checksum does.
    public let namesAreDigests: Bool

    /// The table holds only the newest migration applied (Alembic, golang-migrate), not a row for each.
    public var holdsHead: Bool {
        if case .head = names { true } else { false }
    }

    public static func checksum(_ algorithms: [MigrationChecksum.Algorithm]) -> LedgerMatch {
        LedgerMatch(checksums: algorithms, names: nil, namesAreDigests: false)
    }

    public static func name(_ names: Names, checksums: [MigrationChecksum.Algorithm] = [], digests: Bool = false) -> LedgerMatch {
        LedgerMatch(checksums: checksums, names: names, namesAreDigests: digests)
    }
}

/// A committed file as one ledger kind names it: Django's `app.name`, Rails' version, Alembic's revision id.
public struct MigrationName: Sendable, Hashable {
    public let name: String
    /// The file named: the path itself, or for Atlas' `atlas.sum` the migration file a line of it names.
    public let path: String
    /// The names this one comes after (Alembic's `down_revision`: none, one, or several for a merge).
    public let parents: [String]

    public init(_ name: String, path: String, parents: [String] = []) {
        self.name = name
        self.path = path
        self.parents = parents
    }
}

/// The table a live ledger is read from: its default name, its columns in the order the tool creates them, and
/// the ordering key.
public struct LiveTable: Sendable, Hashable {
    /// `[schema, table]` or `[table]`.
    public let name: [String]
    public let columns: [String]
    public let order: String
    /// The name on MySQL and MariaDB where the tool uses another (Liquibase's `DATABASECHANGELOG`, for names are
    /// case-sensitive there; Drizzle's table in the database itself, MySQL having no schemas).
    public let mysqlName: [String]?

    public init(name: [String], columns: [String], order: String, mysqlName: [String]? = nil) {
        self.name = name
        self.columns = columns
        self.order = order
        self.mysqlName = mysqlName
    }
}

/// A migration tool's record of what ran: how to read it, how to match it, what it can show. One conforming type
/// per tool in `Collect/Ledgers/`, listed in `LedgerFormats.all`; nothing outside this folder asks which kind a
/// ledger is.
public protocol LedgerFormat: Sendable {
    static var kind: LedgerKind { get }
    static var capabilities: LedgerCapabilities { get }
    static var matching: LedgerMatch { get }
    /// For a table: the columns that tell the kind from a header (and must be present). Nil for a JSON Lines log.
    static var requiredColumns: [String]? { get }
    /// The table read from a live database; nil for a ledger that is only a file.
    static var liveTable: LiveTable? { get }
    /// Tables read beside it from the same database, each its own ledger (sqitch's `events` beside `changes`).
    static var liveCompanions: [LiveTable] { get }
    /// The records of a ledger's bytes (after any byte-order mark); a table's rows come through `TableLedgerFormat`.
    static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents
    /// For a kind matched by name: the names a committed migration file at `path` goes by; `bytes` reads it, for
    /// the kinds whose names are inside the file (Alembic's revision, Liquibase's changesets, `atlas.sum`).
    static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName]
    /// The name a record is found by among `names(of:)`.
    static func matchName(of record: LedgerRecord) -> String?
}

extension LedgerFormat {
    public static var liveCompanions: [LiveTable] { [] }
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] { [] }
    public static func matchName(of record: LedgerRecord) -> String? { record.migration }
}

/// The records a ledger file holds, and how many events of other kinds it counted without judging them.
public struct LedgerContents: Sendable {
    public let records: [LedgerRecord]
    public let otherEvents: Int
}

/// A ledger that is a table: read as CSV with a header or a JSON array of rows, then row by row.
public protocol TableLedgerFormat: LedgerFormat {
    /// One row's record; `row.row` is its number (1 = the first after the header).
    static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord
}

extension TableLedgerFormat {
    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        var groups = LedgerRecordGroups()
        try LedgerTable.read(String(decoding: bytes, as: UTF8.self), file: file) { (columns) throws(EvidenceError) in
            try check(columns, file: file)
        } row: { (row) throws(EvidenceError) in
            groups.add(try record(row, ledger: ledger))
        }
        return LedgerContents(records: groups.records, otherEvents: 0)
    }

    /// Throws unless the header holds every column this kind requires.
    static func check(_ columns: [String], file: String) throws(EvidenceError) {
        if let missing = requiredColumns?.first(where: { !columns.contains($0) }) {
            throw EvidenceError.malformed(file: file, location: "header", reason: "not a \(kind) ledger: no column '\(missing)'")
        }
    }
}

/// Every ledger kind, in the order a header is tried against their columns.
public enum LedgerFormats {
    /// A header is tried in this order, so a kind whose columns include another's comes first (golang-migrate's
    /// `version, dirty` before Rails' `version`).
    public static let all: [any LedgerFormat.Type] = [
        DrizzleLedger.self, PrismaLedger.self, FlywayLedger.self, DjangoLedger.self, KnexLedger.self, LiquibaseLedger.self,
        SqitchLedger.self, AtlasLedger.self, GolangMigrateLedger.self, AlembicLedger.self, RailsLedger.self, EventLog.self, TfcLedger.self, AtlantisLedger.self,
        DriftLedger.self, CloudTrailLedger.self, CloudTrailDigestLedger.self, CloudTrailKeysLedger.self,
    ]

    /// The kinds whose rows find files by name.
    static let byName: [any LedgerFormat.Type] = all.filter { $0.matching.names != nil }

    /// The format of a kind named on the command line or by a bundle folder; nil when there is none.
    public static func named(_ name: String) -> (any LedgerFormat.Type)? {
        all.first { $0.kind.rawValue == name }
    }

    /// The kinds read live from a database.
    public static var liveKinds: [LedgerKind] { all.filter { $0.liveTable != nil }.map { $0.kind } }

    /// Kinds as a user types them, for messages: `drizzle:, prisma: or flyway:`.
    static func spelled(_ kinds: [LedgerKind]) -> String {
        let names = kinds.map { $0.rawValue + ":" }.sorted()
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
