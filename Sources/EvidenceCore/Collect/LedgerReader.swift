import CSV
import Foundation

/// Reads a ledger export into records (SPEC §2): a migration tool's table as CSV with a header (what psql's
/// `\copy (...) to ... csv header` writes) or as a JSON array of rows, or an event log in JSON Lines. The kind is
/// detected from the header or the rows' keys when not given.
public enum LedgerReader {
    /// The columns each table kind must have; the first kind whose columns are all present is the one detected.
    static let requiredColumns: [(LedgerKind, [String])] = [
        (.drizzle, ["hash", "created_at"]),
        (.prisma, ["checksum", "migration_name"]),
        (.flyway, ["installed_rank", "script", "checksum"]),
    ]

    /// Reads `bytes` (from `file`, named in errors) as a ledger of `kind`, or of the detected kind when nil; the
    /// records name the ledger by the bundle path `name` gives for the kind read.
    public static func read(_ bytes: [UInt8], file: String, kind given: LedgerKind?, source: String,
                            bundlePath name: (LedgerKind) -> String) throws(EvidenceError) -> Ledger {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let start = text.first { !$0.isWhitespace }
        if start == "{" || given == .events {
            guard given == nil || given == .events else {
                throw EvidenceError.malformed(file: file, location: "", reason: "holds JSON Lines events, not a \(given!.rawValue) table")
            }
            return try events(text, file: file, bundlePath: name(.events), source: source, bytes: bytes)
        }
        let table = try start == "[" ? jsonRows(text, file: file) : csvRows(text, file: file)
        let kind: LedgerKind
        if let given { kind = given } else { kind = try detect(table.columns, file: file) }
        let bundlePath = name(kind)
        if let missing = requiredColumns.first(where: { $0.0 == kind })?.1.first(where: { !table.columns.contains($0) }) {
            throw EvidenceError.malformed(file: file, location: "header", reason: "not a \(kind.rawValue) ledger: no column '\(missing)'")
        }
        var records = [LedgerRecord]()
        for (index, row) in table.rows.enumerated() {
            let cells = TableRow(values: row, file: file, row: index + 1)
            records.append(try record(cells, kind: kind, ledger: bundlePath))
        }
        return Ledger(kind: kind, bundlePath: bundlePath, source: source, bytes: bytes, records: records)
    }

    /// The kind whose columns the header holds.
    static func detect(_ columns: [String], file: String) throws(EvidenceError) -> LedgerKind {
        if let (kind, _) = requiredColumns.first(where: { $0.1.allSatisfy(columns.contains) }) { return kind }
        throw EvidenceError.malformed(file: file, location: "header", reason: "cannot tell the ledger kind from columns "
            + columns.joined(separator: ",") + "; give it as drizzle:, prisma:, flyway: or events:")
    }

    // MARK: - Tables

    /// A table's header and rows; a missing value is nil (psql writes NULL as an empty field).
    struct Table {
        var columns: [String]
        var rows: [[String: String]]
    }

    static func csvRows(_ text: String, file: String) throws(EvidenceError) -> Table {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "no CSV header row")
        }
        let columns = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var rows = [[String: String]]()
        while let fields = reader.next() {
            if fields == [""] { continue }  // A blank line, such as a trailing one.
            guard fields.count == columns.count else {
                throw EvidenceError.malformed(file: file, location: "row \(rows.count + 1)",
                                              reason: "\(fields.count) fields where the header has \(columns.count)")
            }
            var row = [String: String]()
            for (column, value) in zip(columns, fields) where !value.isEmpty { row[column] = value }
            rows.append(row)
        }
        if let error = reader.error {
            throw EvidenceError.malformed(file: file, location: "row \(rows.count + 1)", reason: "not valid CSV (\(error))")
        }
        return Table(columns: columns, rows: rows)
    }

    static func jsonRows(_ text: String, file: String) throws(EvidenceError) -> Table {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "not valid JSON")
        }
        guard let array = parsed as? [Any] else { throw EvidenceError.malformed(file: file, location: "$", reason: "expected an array of rows") }
        var columns = [String]()
        var rows = [[String: String]]()
        for (index, element) in array.enumerated() {
            guard let object = element as? [String: Any] else {
                throw EvidenceError.malformed(file: file, location: "$[\(index)]", reason: "expected an object")
            }
            var row = [String: String]()
            for (key, value) in object {
                let column = key.lowercased()
                if !columns.contains(column) { columns.append(column) }
                row[column] = scalarText(value)
            }
            rows.append(row)
        }
        return Table(columns: columns.sorted(), rows: rows)
    }

    /// A JSON scalar as the text a CSV export would hold; nil for null.
    static func scalarText(_ value: Any) -> String? {
        switch value {
        case is NSNull: nil
        case let string as String: string
        case let number as NSNumber: number.stringValue
        default: String(describing: value)
        }
    }

    /// One row's cells, with errors that name the row and column.
    struct TableRow {
        let values: [String: String]
        let file: String
        let row: Int

        subscript(_ column: String) -> String? { values[column] }

        func required(_ column: String) throws(EvidenceError) -> String {
            guard let value = values[column] else {
                throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "missing")
            }
            return value
        }

        func time(_ column: String) throws(EvidenceError) -> Int64? {
            guard let value = values[column] else { return nil }
            guard let seconds = Timestamp.parseDatabase(value) else {
                throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "'\(value)' is not a time")
            }
            return seconds
        }

        func integer(_ column: String) throws(EvidenceError) -> Int64? {
            guard let value = values[column] else { return nil }
            guard let number = Int64(value) else {
                throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "'\(value)' is not a whole number")
            }
            return number
        }
    }

    static func record(_ row: TableRow, kind: LedgerKind, ledger: String) throws(EvidenceError) -> LedgerRecord {
        switch kind {
        case .drizzle:
            // Drizzle's `id` is a serial number, not a name: the row number and hash identify the row.
            return LedgerRecord(ledger: ledger, row: row.row, kind: kind, checksum: try row.required("hash").lowercased(),
                                journalWhen: try row.integer("created_at"))
        case .prisma:
            let finished = try row.time("finished_at")
            return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("migration_name"),
                                checksum: try row.required("checksum").lowercased(), appliedAt: finished == nil ? try row.time("started_at") : finished,
                                succeeded: finished != nil && row["rolled_back_at"] == nil)
        case .flyway:
            if let checksum = row["checksum"], Int32(checksum) == nil {
                throw EvidenceError.malformed(file: row.file, location: "row \(row.row), checksum", reason: "'\(checksum)' is not a signed 32-bit number")
            }
            let success = row["success"].map { ["t", "true", "1"].contains($0.lowercased()) } ?? true
            return LedgerRecord(ledger: ledger, row: row.row, kind: kind, migration: try row.required("script"), checksum: row["checksum"],
                                appliedAt: try row.time("installed_on"), appliedBy: row["installed_by"], succeeded: success)
        case .events:
            preconditionFailure("events are read line by line")
        }
    }

    // MARK: - Events

    static func events(_ text: String, file: String, bundlePath: String, source: String, bytes: [UInt8]) throws(EvidenceError) -> Ledger {
        var records = [LedgerRecord]()
        var others = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            guard line.contains(where: { !$0.isWhitespace }) else { continue }
            func malformed(_ location: String, _ reason: String) -> EvidenceError {
                .malformed(file: file, location: location.isEmpty ? "line \(number)" : "line \(number), \(location)", reason: reason)
            }
            guard let event = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                throw malformed("", "not a JSON object")
            }
            guard let type = event["event_type"] as? String else { throw malformed("event_type", "missing") }
            let kind: LedgerEvent
            switch type {
            case "MigrationApplied": kind = .migrationApplied
            case "TerraformApplied": kind = .terraformApplied
            default: others += 1; continue
            }
            guard let payload = event["payload"] as? [String: Any] else { throw malformed("payload", "expected an object") }
            func text(_ key: String) -> String? { payload[key].flatMap(scalarText) }
            guard let timestamp = event["timestamp"], let appliedAt = eventTime(timestamp) else {
                throw malformed("timestamp", "missing or not a time")
            }
            let required = kind == .migrationApplied ? "hash" : "commit"
            guard let key = text(required), !key.isEmpty else { throw malformed("payload.\(required)", "missing") }
            records.append(LedgerRecord(
                ledger: bundlePath, row: number, kind: .events, event: kind, migration: text("migration"),
                checksum: kind == .migrationApplied ? key.lowercased() : nil, appliedAt: appliedAt, environment: text("environment"),
                appliedBy: event["user_id"].flatMap(scalarText), runID: text("run_id"),
                commit: kind == .terraformApplied ? key.lowercased() : nil, workspace: text("workspace"),
                succeeded: (payload["success"] as? Bool) ?? true))
        }
        return Ledger(kind: .events, bundlePath: bundlePath, source: source, bytes: bytes, records: records, otherEvents: others)
    }

    /// An event's time: ISO 8601 text, or a number of seconds (milliseconds when it is that large).
    static func eventTime(_ value: Any) -> Int64? {
        if let text = value as? String { return Timestamp.parseDatabase(text) }
        guard let number = value as? NSNumber else { return nil }
        let raw = number.int64Value
        return raw > 100_000_000_000 ? raw / 1000 : raw
    }
}
