extension LedgerKind {
    /// Alembic's `alembic_version`.
    public static let alembic = LedgerKind(rawValue: "alembic")
}

/// Alembic's `alembic_version(version_num)`: the current head revision (a row per head where branches are not
/// merged). A revision is applied when it is a head or an ancestor of one through `down_revision`; nothing says
/// when or by whom, and an upgrade replaces the row, so the table holds no history.
public enum AlembicLedger: TableLedgerFormat {
    public static let kind = LedgerKind.alembic
    public static let capabilities = LedgerCapabilities(
        applyTime: false, checksum: false, applier: false, history: false, flavours: [.alembic],
        noApplyTime: "alembic_version records only the current head; apply times are not evidenced")
    public static let matching = LedgerMatch.name(.head(.parents))
    public static let requiredColumns: [String]? = ["version_num"]
    public static let liveTable: LiveTable? = LiveTable(name: ["alembic_version"], columns: ["version_num"], order: "version_num")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("version_num"))
    }

    /// A revision script's `revision = "ae1027a6acf"` and `down_revision = "1975ea83b712"` (or `None`, or a tuple
    /// for a merge), with or without a type annotation, as `alembic revision` writes them.
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard path.contains("versions/"), path.hasSuffix(".py") else { return [] }
        var revision: String?
        var parents = [String]()
        for line in String(decoding: try bytes(), as: UTF8.self).split(whereSeparator: \.isNewline) {
            guard let assignment = line.firstMatch(of: #/^(revision|down_revision)\s*(?::[^=]*)?=\s*(.*)$/#) else { continue }
            let values = assignment.2.matches(of: #/["']([^"']+)["']/#).map { String($0.1) }
            if assignment.1 == "revision" { revision = revision ?? values.first } else { parents = values }
        }
        guard let revision else { return [] }
        return [MigrationName(revision, path: path, parents: parents)]
    }
}
