extension LedgerKind {
    /// `drizzle.__drizzle_migrations`.
    public static let drizzle = LedgerKind(rawValue: "drizzle")
}

/// `drizzle.__drizzle_migrations` (`id, hash, created_at`): `hash` is the SHA-256 of the `.sql` file's bytes and
/// `created_at` the journal entry's `when` in milliseconds — not the time it ran.
public enum DrizzleLedger: TableLedgerFormat {
    public static let kind = LedgerKind.drizzle
    public static let capabilities = LedgerCapabilities(applyTime: false, checksum: true, applier: false, history: true,
                                                        skipsOlderThanNewest: true, flavours: [.drizzle],
                                                        noApplyTime: "__drizzle_migrations records no apply time (created_at is the journal's time, not when it ran)")
    public static let matching = LedgerMatch.checksum([.sha256])
    public static let requiredColumns: [String]? = ["hash", "created_at"]
    public static let liveTable: LiveTable? = LiveTable(name: ["drizzle", "__drizzle_migrations"], columns: ["id", "hash", "created_at"], order: "id",
                                                        mysqlName: ["__drizzle_migrations"])

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        // Drizzle's `id` is a serial number, not a name: the row number and hash identify the row.
        LedgerRecord(ledger: ledger, row: row.row, kind: kind, checksum: try row.required("hash").lowercased(),
                     journalWhen: try row.integer("created_at"))
    }
}
