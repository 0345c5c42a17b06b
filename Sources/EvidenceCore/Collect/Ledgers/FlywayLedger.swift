extension LedgerKind {
    /// `flyway_schema_history`.
    public static let flyway = LedgerKind(rawValue: "flyway")
}

/// `flyway_schema_history`: `checksum` is Flyway's signed CRC-32 over the script's lines; `installed_on` (read as
/// UTC) and `installed_by` say when and by whom; a baseline row has no checksum.
public enum FlywayLedger: TableLedgerFormat {
    public static let kind = LedgerKind.flyway
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: true, applier: true, history: true,
                                                        skipsOlderThanNewest: false, flavours: [.flyway], recordNoun: "row")
    public static let matching = LedgerMatch.checksum([.crc32])
    public static let requiredColumns: [String]? = ["installed_rank", "script", "checksum"]
    public static let liveTable: LiveTable? = LiveTable(
        name: ["flyway_schema_history"],
        columns: ["installed_rank", "version", "description", "type", "script", "checksum", "installed_by", "installed_on", "execution_time", "success"],
        order: "installed_rank")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        if let checksum = row["checksum"], Int32(checksum) == nil {
            throw EvidenceError.malformed(file: row.file, location: "row \(row.row), checksum", reason: "'\(checksum)' is not a signed 32-bit number")
        }
        let success = row["success"].map { ["t", "true", "1"].contains($0.lowercased()) } ?? true
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("script"), checksum: row["checksum"],
                            appliedAt: try row.time("installed_on"), appliedBy: row["installed_by"], succeeded: success)
    }
}
