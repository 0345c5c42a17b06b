extension LedgerKind {
    /// `_prisma_migrations`.
    public static let prisma = LedgerKind(rawValue: "prisma")
}

/// `_prisma_migrations`: `checksum` is the SHA-256 of `migration.sql` (LF or CRLF), `finished_at` the apply time;
/// a row never finished, or rolled back, is not an apply.
public enum PrismaLedger: TableLedgerFormat {
    public static let kind = LedgerKind.prisma
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: true, applier: false, history: true,
                                                        skipsOlderThanNewest: false, flavours: [.prisma], recordNoun: "row")
    public static let matching = LedgerMatch.checksum([.sha256])
    public static let requiredColumns: [String]? = ["checksum", "migration_name"]
    public static let liveTable: LiveTable? = LiveTable(
        name: ["_prisma_migrations"],
        columns: ["id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count"],
        order: "started_at, id")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        let finished = try row.time("finished_at")
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("migration_name"),
                            checksum: try row.required("checksum").lowercased(), appliedAt: finished == nil ? try row.time("started_at") : finished,
                            succeeded: finished != nil && row["rolled_back_at"] == nil)
    }
}
