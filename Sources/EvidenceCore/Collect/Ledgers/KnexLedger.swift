extension LedgerKind {
    /// Knex's `knex_migrations`.
    public static let knex = LedgerKind(rawValue: "knex")
}

/// Knex's `knex_migrations(id, name, batch, migration_time)`: a row per migration file run, by file name, with
/// the batch it ran in and when.
public enum KnexLedger: TableLedgerFormat {
    public static let kind = LedgerKind.knex
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: false, history: true, flavours: [.generic])
    public static let matching = LedgerMatch.name(.each)
    public static let requiredColumns: [String]? = ["name", "batch", "migration_time"]
    public static let liveTable: LiveTable? = LiveTable(name: ["knex_migrations"], columns: ["id", "name", "batch", "migration_time"], order: "id")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("name"), appliedAt: try row.time("migration_time"))
    }

    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        let name = MigrationInspector.fileName(of: path)
        guard path.contains("migrations/"), ["js", "ts", "cjs", "mjs"].contains(name.split(separator: ".").last ?? "") else { return [] }
        return [MigrationName(name, path: path)]
    }
}
