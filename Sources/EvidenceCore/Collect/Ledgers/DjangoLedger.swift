extension LedgerKind {
    /// `django_migrations`.
    public static let django = LedgerKind(rawValue: "django")
}

/// `django_migrations(id, app, name, applied)`: a row per migration applied, by app label and file name, with the
/// time it ran. `migrate --fake` writes the same row without running anything, and unapplying deletes it.
public enum DjangoLedger: TableLedgerFormat {
    public static let kind = LedgerKind.django
    public static let capabilities = LedgerCapabilities(
        applyTime: true, checksum: false, applier: false, history: true, flavours: [.django],
        caveat: "django_migrations records `migrate --fake` exactly as an apply, so a row does not show that the operations ran")
    public static let matching = LedgerMatch.name(.each)
    public static let requiredColumns: [String]? = ["app", "name", "applied"]
    public static let liveTable: LiveTable? = LiveTable(name: ["django_migrations"], columns: ["id", "app", "name", "applied"], order: "id")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("app") + "." + row.required("name"),
                     appliedAt: try row.time("applied"))
    }

    /// `blog/migrations/0002_author.py` is `blog.0002_author`: the app label is the folder holding `migrations/`, and
    /// a migration's name starts with its number (`__init__.py`, Alembic's `env.py` are not migrations).
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        let parts = path.split(separator: "/")
        guard parts.count >= 3, parts[parts.count - 2] == "migrations", let file = parts.last, file.hasSuffix(".py"),
              file.first?.isNumber == true else { return [] }
        return [MigrationName(parts[parts.count - 3] + "." + file.dropLast(3), path: path)]
    }
}
