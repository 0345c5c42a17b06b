import CSV
import Foundation

/// A ledger table's header and rows as read from CSV with a header (what psql's `\copy (...) to ... csv header`
/// writes) or a JSON array of rows; a missing value is nil (psql writes NULL as an empty field).
struct LedgerTable {
    var columns: [String]
    var rows: [[String: String]]

    /// A JSON array when the text starts with `[`, else CSV.
    static func parse(_ text: String, file: String) throws(EvidenceError) -> LedgerTable {
        text.first(where: { !$0.isWhitespace }) == "[" ? try jsonRows(text, file: file) : try csvRows(text, file: file)
    }

    static func csvRows(_ text: String, file: String) throws(EvidenceError) -> LedgerTable {
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
        return LedgerTable(columns: columns, rows: rows)
    }

    static func jsonRows(_ text: String, file: String) throws(EvidenceError) -> LedgerTable {
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
        return LedgerTable(columns: columns.sorted(), rows: rows)
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
