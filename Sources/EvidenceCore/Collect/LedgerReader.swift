import Foundation

/// Reads a ledger export into records (SPEC §2): a migration tool's table as CSV with a header or as a JSON array
/// of rows, or an event log in JSON Lines. The kind is detected from the header when not given; each kind's
/// reading is its `LedgerFormat`'s.
public enum LedgerReader {
    /// Reads `bytes` (from `file`, named in errors) as a ledger of `kind`, or of the detected kind when nil; the
    /// records name the ledger by the bundle path `name` gives for the kind read.
    public static func read(_ bytes: [UInt8], file: String, kind given: LedgerKind?, source: String,
                            bundlePath name: (LedgerKind) -> String) throws(EvidenceError) -> Ledger {
        var text = String(decoding: bytes, as: UTF8.self)
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let start = text.first { !$0.isWhitespace }
        let givenFormat = given?.format
        let log = LedgerFormats.all.first { $0.requiredColumns == nil }!
        if start == "{" || (givenFormat != nil && givenFormat!.requiredColumns == nil) {
            if let given, given != log.kind {
                throw EvidenceError.malformed(file: file, location: "", reason: "holds JSON Lines events, not a \(given) table")
            }
            let path = name(log.kind)
            return ledger(log, path, try log.read(text, file: file, ledger: path), source: source, bytes: bytes)
        }
        let table = try LedgerTable.parse(text, file: file)
        let format: any LedgerFormat.Type
        if let givenFormat { format = givenFormat } else { format = try detect(table.columns, file: file) }
        guard let tableFormat = format as? any TableLedgerFormat.Type else {
            preconditionFailure("\(format.kind) declares columns but reads no table")
        }
        let path = name(format.kind)
        return ledger(format, path, try tableFormat.records(in: table, file: file, ledger: path), source: source, bytes: bytes)
    }

    private static func ledger(_ format: any LedgerFormat.Type, _ path: String, _ contents: LedgerContents, source: String, bytes: [UInt8]) -> Ledger {
        Ledger(kind: format.kind, bundlePath: path, source: source, bytes: bytes, records: contents.records,
               otherEvents: contents.otherEvents)
    }

    /// The first kind whose columns the header holds.
    static func detect(_ columns: [String], file: String) throws(EvidenceError) -> any LedgerFormat.Type {
        if let format = LedgerFormats.all.first(where: { $0.requiredColumns.map { $0.allSatisfy(columns.contains) } ?? false }) { return format }
        throw EvidenceError.malformed(file: file, location: "header", reason: "cannot tell the ledger kind from columns "
            + columns.joined(separator: ",") + "; give it as " + LedgerFormats.spelled(LedgerFormats.all.map { $0.kind }))
    }
}
