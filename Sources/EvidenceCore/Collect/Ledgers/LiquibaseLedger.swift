extension LedgerKind {
    /// Liquibase's `DATABASECHANGELOG`.
    public static let liquibase = LedgerKind(rawValue: "liquibase")
}

/// Liquibase's `DATABASECHANGELOG`: a row per changeset, identified by `ID`, `AUTHOR` and `FILENAME` (the changelog
/// as Liquibase was given it), with `DATEEXECUTED` and `EXECTYPE`. `EXECUTED` and `RERAN` ran it; `FAILED`,
/// `SKIPPED` and `MARK_RAN` (recorded as run without running) are not applies. `MD5SUM` is Liquibase's own
/// checksum of the changeset's normalised text: recorded, not recomputed.
public enum LiquibaseLedger: TableLedgerFormat {
    public static let kind = LedgerKind.liquibase
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: false, applier: false, history: true, flavours: [.liquibase])
    public static let matching = LedgerMatch.name(.each)
    public static let requiredColumns: [String]? = ["id", "author", "filename", "dateexecuted"]
    public static let liveTable: LiveTable? = LiveTable(
        name: ["databasechangelog"],
        columns: ["id", "author", "filename", "dateexecuted", "orderexecuted", "exectype", "md5sum", "description", "comments", "tag",
                  "liquibase", "contexts", "labels", "deployment_id"],
        order: "orderexecuted, dateexecuted",
        mysqlName: ["DATABASECHANGELOG"])

    public static func record(_ row: LedgerRow, ledger: String) throws(EvidenceError) -> LedgerRecord {
        let type = row["exectype"]?.uppercased() ?? "EXECUTED"
        guard ["EXECUTED", "RERAN", "FAILED", "SKIPPED", "MARK_RAN"].contains(type) else {
            throw EvidenceError.malformed(file: row.file, location: "row \(row.row), exectype", reason: "'\(type)' is not a Liquibase EXECTYPE")
        }
        let changeset = try row.required("filename") + "::" + row.required("id") + "::" + row.required("author")
        return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: changeset + (["EXECUTED", "RERAN"].contains(type) ? "" : " [\(type)]"),
                            checksum: row["md5sum"], appliedAt: try row.time("dateexecuted"), succeeded: ["EXECUTED", "RERAN"].contains(type))
    }

    /// `id::author::<changelog file name>`: the file name alone, since `FILENAME` is the path Liquibase was given
    /// (`classpath:db/changelog/...`, relative to wherever it ran).
    static func key(id: some StringProtocol, author: some StringProtocol, file: String) -> String {
        "\(id)::\(author)::\(MigrationInspector.fileName(of: file))"
    }

    public static func matchName(of record: LedgerRecord) -> String? {
        guard let changeset = record.migration?.split(separator: " [").first else { return nil }
        let parts = changeset.components(separatedBy: "::")
        guard parts.count >= 3 else { return nil }
        return key(id: parts[parts.count - 2], author: parts[parts.count - 1], file: parts.dropLast(2).joined(separator: "::"))
    }

    /// The changesets a changelog declares: `--changeset author:id` in formatted SQL, `<changeSet id=".." author="..">`
    /// in XML, `changeSet:` with `id:` and `author:` in YAML or JSON.
    public static func names(of path: String, bytes: () throws -> [UInt8]) rethrows -> [MigrationName] {
        guard path.contains("changelog"), ["sql", "xml", "yaml", "yml", "json"].contains(path.split(separator: ".").last ?? "") else { return [] }
        let text = String(decoding: try bytes(), as: UTF8.self)
        var names = [MigrationName]()
        for match in text.matches(of: #/(?m)^\s*--\s*changeset\s+([^:\s]+):(\S+)/#) {
            names.append(MigrationName(key(id: match.2, author: match.1, file: path), path: path))
        }
        let blocks = text.split(separator: "changeSet", omittingEmptySubsequences: false).dropFirst()
        for block in blocks {
            let id = block.firstMatch(of: #/\bid["']?\s*[:=]\s*["']?([^"',\s}>]+)/#)?.1
            let author = block.firstMatch(of: #/\bauthor["']?\s*[:=]\s*["']?([^"',\s}>]+)/#)?.1
            if let id, let author { names.append(MigrationName(key(id: id, author: author, file: path), path: path)) }
        }
        var seen = Set<String>()
        return names.filter { seen.insert($0.name).inserted }
    }
}
