extension LedgerKind {
    /// Atlas' `atlas_schema_revisions`.
    public static let atlas = LedgerKind(rawValue: "atlas")
}

/// Atlas' `atlas_schema_revisions`: a row per migration file run, with `executed_at`, and `hash`, the file's sum
/// from the `atlas.sum` committed beside the migrations (`<file> h1:<base64>`), which Atlas checks before it runs
/// anything. A row with an `error` did not complete; `type` 1 is a baseline, recording no run.
public enum AtlasLedger: TableLedgerFormat {
    public static let kind = LedgerKind.atlas
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: true, applier: false, history: true, flavours: [.generic])
    public static let matching = LedgerMatch.name(.each, digests: true)
    public static let requiredColumns: [String]? = ["version", "hash", "executed_at"]
    public static let liveTable: LiveTable? = LiveTable(
        name: ["atlas_schema_revisions", "atlas_schema_revisions"],
        columns: ["version", "description", "type", "applied", "total", "executed_at", "execution_time", "error", "error_stmt", "hash",
                  "operator_version"],
        order: "executed_at, version")

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        let version = try row.required("version")
        let baseline = try row.integer("type") == 1
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: row["description"].map { version + "_" + $0 } ?? version,
                            checksum: baseline ? nil : try row.required("hash"), appliedAt: try row.time("executed_at"),
                            succeeded: row["error"] == nil)
    }

    static func unprefixed(_ hash: some StringProtocol) -> String {
        String(hash.hasPrefix("h1:") ? hash.dropFirst(3) : hash[...])
    }

    public static func matchName(of record: LedgerRecord) -> String? { record.checksum.map(unprefixed) }

    /// Each line of `atlas.sum` after the first (the sum of all): the file it names, beside the sum file.
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard MigrationInspector.fileName(of: path) == "atlas.sum" else { return [] }
        let folder = MigrationInspector.folder(of: path)
        return String(decoding: try bytes(), as: UTF8.self).split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let fields = line.split(separator: " ")
            guard fields.count == 2 else { return nil }
            return MigrationName(unprefixed(fields[1]), path: (folder.isEmpty ? "" : folder + "/") + fields[0])
        }
    }
}
