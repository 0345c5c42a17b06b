import CSV
import Foundation

/// A ledger table's header and rows as read from CSV with a header (what psql's `\copy (...) to ... csv header`
/// writes) or a JSON array of rows; a missing value is nil (psql writes NULL as an empty field).
enum LedgerTable {
    /// Hands the header to `header`, then each row in order to `row`: a CSV row as it is read, never the whole
    /// table at once. A JSON array when the text starts with `[` (its columns are every key any row has), else CSV.
    static func read(_ text: String, file: String, header: ([String]) throws(EvidenceError) -> Void,
                     row: (LedgerRow) throws(EvidenceError) -> Void) throws(EvidenceError) {
        if text.first(where: { !$0.isWhitespace }) == "[" {
            let (columns, rows) = try jsonRows(text, file: file)
            try header(columns)
            for (index, values) in rows.enumerated() { try row(LedgerRow(values: values, file: file, row: index + 1)) }
        } else {
            try csvRows(text, file: file, header: header, row: row)
        }
    }

    static func csvRows(_ text: String, file: String, header: ([String]) throws(EvidenceError) -> Void,
                        row: (LedgerRow) throws(EvidenceError) -> Void) throws(EvidenceError) {
        let reader: CSVReader
        do { reader = try CSVReader(string: text, hasHeaderRow: true) } catch {
            throw EvidenceError.malformed(file: file, location: "", reason: "no CSV header row")
        }
        let columns = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        try header(columns)
        var count = 0
        while let fields = reader.next() {
            if fields == [""] { continue }  // A blank line, such as a trailing one.
            count += 1
            guard fields.count == columns.count else {
                throw EvidenceError.malformed(file: file, location: "row \(count)", reason: "\(fields.count) fields where the header has \(columns.count)")
            }
            var values = [String: String]()
            for (column, value) in zip(columns, fields) where !value.isEmpty { values[column] = value }
            try row(LedgerRow(values: values, file: file, row: count))
        }
        if let error = reader.error {
            throw EvidenceError.malformed(file: file, location: "row \(count + 1)", reason: "not valid CSV (\(error))")
        }
    }

    static func jsonRows(_ text: String, file: String) throws(EvidenceError) -> (columns: [String], rows: [[String: String]]) {
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
        return (columns.sorted(), rows)
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
}

/// One row's cells, with errors that name the row and column.
public struct LedgerRow {
    let values: [String: String]
    /// The file it was read from, for errors.
    public let file: String
    /// Its number: 1 is the first row after the header.
    public let row: Int

    public subscript(_ column: String) -> String? { values[column] }

    public func required(_ column: String) throws(EvidenceError) -> String {
        guard let value = values[column] else {
            throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "missing")
        }
        return value
    }

    public func time(_ column: String) throws(EvidenceError) -> Int64? {
        guard let value = values[column] else { return nil }
        guard let seconds = Timestamp.parseDatabase(value) else {
            throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "'\(value)' is not a time")
        }
        return seconds
    }

    public func integer(_ column: String) throws(EvidenceError) -> Int64? {
        guard let value = values[column] else { return nil }
        guard let number = Int64(value) else {
            throw EvidenceError.malformed(file: file, location: "row \(row), \(column)", reason: "'\(value)' is not a whole number")
        }
        return number
    }
}
