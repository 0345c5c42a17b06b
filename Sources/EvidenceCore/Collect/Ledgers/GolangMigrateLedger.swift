extension LedgerKind {
    /// golang-migrate's `schema_migrations`.
    public static let golangMigrate = LedgerKind(rawValue: "golang-migrate")
}

/// golang-migrate's `schema_migrations(version, dirty)`: one row, the newest version applied; every lower one has
/// run. `dirty` means that version failed part way. `000042_add_orders.up.sql` is version 42.
public enum GolangMigrateLedger: TableLedgerFormat {
    public static let kind = LedgerKind.golangMigrate
    public static let capabilities = LedgerCapabilities(
        applyTime: false, checksum: false, applier: false, history: false, flavours: [.generic],
        noApplyTime: "schema_migrations records only the current version and whether it is dirty; apply times are not evidenced")
    public static let matching = LedgerMatch.name(.head(.versionNumber))
    public static let requiredColumns: [String]? = ["version", "dirty"]
    public static let liveTable: LiveTable? = LiveTable(name: ["schema_migrations"], columns: ["version", "dirty"], order: "version")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        let text = try row.required("version")
        guard let version = Int64(text) else {
            throw EvidenceError.malformed(file: row.file, location: "row \(row.row), version", reason: "'\(text)' is not a whole number")
        }
        let dirty = try row.required("dirty").lowercased()
        guard ["t", "true", "1", "f", "false", "0"].contains(dirty) else {
            throw EvidenceError.malformed(file: row.file, location: "row \(row.row), dirty", reason: "'\(dirty)' is not true or false")
        }
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: String(version), succeeded: ["f", "false", "0"].contains(dirty))
    }

    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard let match = MigrationInspector.fileName(of: path).firstMatch(of: #/^([0-9]+)_.*\.up\.[a-z]+$/#),
              let version = Int64(match.1) else { return [] }
        return [MigrationName(String(version), path: path)]
    }
}
