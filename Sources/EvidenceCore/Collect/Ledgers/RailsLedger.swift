extension LedgerKind {
    /// Rails' `schema_migrations`.
    public static let rails = LedgerKind(rawValue: "rails")
}

/// ActiveRecord's `schema_migrations(version)`: the versions that have run, one row each (a rollback deletes its
/// row); nothing says when, by whom, or what bytes. `db/migrate/20260701120000_add_orders.rb` is version
/// `20260701120000`.
public enum RailsLedger: TableLedgerFormat {
    public static let kind = LedgerKind.rails
    public static let capabilities = LedgerCapabilities(
        applyTime: false, checksum: false, applier: false, history: false, flavours: [.rails],
        noApplyTime: "schema_migrations records only which versions ran; apply times are not evidenced")
    public static let matching = LedgerMatch.name(.each)
    public static let requiredColumns: [String]? = ["version"]
    public static let liveTable: LiveTable? = LiveTable(name: ["schema_migrations"], columns: ["version"], order: "version")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("version"))
    }

    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard path.contains("db/migrate/"), let match = MigrationInspector.fileName(of: path).firstMatch(of: #/^([0-9]+)_.+\.rb$/#) else { return [] }
        return [MigrationName(String(match.1), path: path)]
    }
}
