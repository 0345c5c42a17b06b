import GitKit

/// The migration tool a file belongs to, by where it sits and how it is named.
public enum MigrationFlavour: String, Codable, Sendable, Hashable {
    case drizzle, prisma, flyway, rails, django, alembic, sqitch, liquibase
    /// Under a migrations folder, but no tool's own layout.
    case generic
}

/// What the evidence knows about one migration file a change touched.
public struct MigrationFile: Codable, Sendable, Hashable {
    public let path: String
    public let flavour: MigrationFlavour
    public let status: PathStatus
    /// A script that runs against the database; false for metadata (Drizzle's meta/, Prisma's lock file, `__init__.py`).
    public let isScript: Bool
    /// True for a down (undo) migration itself.
    public let isDown: Bool
    /// For an added up-migration: the down migration found for it in the change's tree, if any.
    public let down: String?
    /// For an added up-migration without one: the paths the down convention looked at.
    public let downLookedFor: [String]?
    /// For a Drizzle migration: its journal entry's `when` (ms), which Drizzle's migrator orders by.
    public let journalWhen: Int64?
    /// The ledger rows recording that this file (this or another version of it) ran; empty without ledgers.
    public let applies: [LedgerApply]
    /// For an added Rails, Django or Alembic migration: whether its code can be undone, and what showed it.
    public let reversal: CodeReversal?

    enum CodingKeys: String, CodingKey {
        case path, flavour, status, down, applies, reversal
        case isScript = "is_script"
        case isDown = "is_down"
        case journalWhen = "journal_when"
        case downLookedFor = "down_looked_for"
    }

    public init(path: String, flavour: MigrationFlavour, status: PathStatus, isScript: Bool, isDown: Bool, down: String?,
                downLookedFor: [String]? = nil, journalWhen: Int64? = nil, applies: [LedgerApply] = [], reversal: CodeReversal? = nil) {
        self.path = path
        self.flavour = flavour
        self.status = status
        self.isScript = isScript
        self.isDown = isDown
        self.down = down
        self.downLookedFor = downLookedFor
        self.journalWhen = journalWhen
        self.applies = applies
        self.reversal = reversal
    }
}
