import Foundation

/// Reads a ledger export into records (SPEC §2): a migration tool's table as CSV with a header or as a JSON array
/// of rows, or an event log in JSON Lines. The kind is detected from the header when not given; each kind's
/// reading is its `LedgerFormat`'s. Rows are read one at a time and gathered into records as they come (rows
/// the same but for number, time and run become one record). An event log file is read a block at a time and
/// copied into the bundle from the file, so a long log costs 12 bytes a row of a repeated run, not its length.
public enum LedgerReader {
    /// Reads `bytes` (from `file`, named in errors) as a ledger of `kind`, or of the detected kind when nil; the
    /// records name the ledger by the bundle path `name` gives for the kind read.
    public static func read(_ bytes: [UInt8], file: String, kind given: LedgerKind?, source: String,
                            bundlePath name: (LedgerKind) -> String) throws(EvidenceError) -> Ledger {
        let body = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? bytes[3...] : bytes[...]
        let start = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let givenFormat = given?.format
        let log = EventLog.self
        if let givenFormat, givenFormat.requiredColumns == nil {
            // A document kind named (the event log, HCP Terraform's runs): read as that kind.
            let path = name(givenFormat.kind)
            return ledger(givenFormat, path, try givenFormat.read(body, file: file, ledger: path), source: source, bytes: bytes)
        }
        if start == UInt8(ascii: "{") || bytes.starts(with: [0x1F, 0x8B]) {
            if let given { throw EvidenceError.malformed(file: file, location: "", reason: "holds JSON Lines events, not a \(given) table") }
            let format = documentKind(body) ?? log
            let path = name(format.kind)
            return ledger(format, path, try format.read(body, file: file, ledger: path), source: source, bytes: bytes)
        }
        var format: (any TableLedgerFormat.Type)?
        var path = ""
        var groups = LedgerRecordGroups()
        try LedgerTable.read(String(decoding: body, as: UTF8.self), file: file) { (columns) throws(EvidenceError) in
            let chosen: any LedgerFormat.Type
            if let givenFormat { chosen = givenFormat } else { chosen = try detect(columns, file: file) }
            guard let table = chosen as? any TableLedgerFormat.Type else { preconditionFailure("\(chosen.kind) declares columns but reads no table") }
            try table.check(columns, file: file)
            format = table
            path = name(table.kind)
        } row: { (row) throws(EvidenceError) in
            groups.add(try format!.record(row, ledger: path))
        }
        return ledger(format!, path, LedgerContents(records: groups.records, otherEvents: 0), source: source, bytes: bytes)
    }

    /// Reads the ledger file at `path` as `read(_:)` does, an event log a block at a time (it grows with every
    /// deploy; the bundle copies it from the file), a table whole.
    public static func read(fileAt path: String, kind given: LedgerKind?, source: String,
                            bundlePath name: (LedgerKind) -> String) throws(EvidenceError) -> Ledger {
        let log = EventLog.self
        let streamed: Bool
        if let given { streamed = given == log.kind } else {
            let object = try firstByte(of: path) == UInt8(ascii: "{")
            let head = object ? firstBlock(of: path) : []
            streamed = object && documentKind(head) == nil
        }
        if streamed {
            let bundlePath = name(log.kind)
            let (contents, copy) = try log.read(fileAt: path, ledger: bundlePath)
            return Ledger(kind: log.kind, bundlePath: bundlePath, source: source, content: .copy(copy), records: contents.records,
                          otherEvents: contents.otherEvents)
        }
        return try read(try readInputBytes(path), file: path, kind: given, source: source, bundlePath: name)
    }

    /// The JSON document kind the first bytes show — HCP Terraform runs, a Terraform plan, a CloudTrail log (gzipped
    /// as S3 delivers it, or not), Atlantis' log — or nil for an event log.
    /// Told from the first 64 KiB: an event log's lines carry `event_type`; HCP Terraform's runs are JSON:API
    /// `"type": "runs"`; a plan has a UI version message or `format_version`; CloudTrail holds `"Records": [`;
    /// Atlantis' log lines are `level`, `caller` and `msg`.
    static func documentKind(_ bytes: some Collection<UInt8>) -> (any LedgerFormat.Type)? {
        if bytes.starts(with: [0x1F, 0x8B]) { return CloudTrailLedger.self }
        let head = String(decoding: bytes.prefix(1 << 16), as: UTF8.self)
        let events = head.contains("\"event_type\"")
        if !events, head.contains(#/"type"\s*:\s*"runs"/#) { return TfcLedger.self }
        if DriftLedger.isPlan(head) { return DriftLedger.self }
        if AtlantisLedger.isLog(head) { return AtlantisLedger.self }
        return !events && head.contains(#/"Records"\s*:\s*\[/#) ? CloudTrailLedger.self : nil
    }

    /// The file's first 64 KiB (fewer when it is shorter).
    static func firstBlock(of path: String) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: 1 << 16)) ?? Data())
    }

    /// The first byte of the file that is not white space, after a UTF-8 BOM (all three bytes, as `read(_:)` skips
    /// it); nil when there is none.
    static func firstByte(of path: String) throws(EvidenceError) -> UInt8? {
        try requireRegularFile(path)
        guard let file = fopen(path, "rb") else { throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased()) }
        defer { fclose(file) }
        if (0..<3).map({ _ in getc(file) }) != [0xEF, 0xBB, 0xBF] { rewind(file) }
        while true {
            let byte = getc(file)
            if byte == EOF {
                if ferror(file) != 0 { throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased()) }
                return nil
            }
            if ![0x20, 0x09, 0x0A, 0x0D].contains(byte) { return UInt8(byte) }
        }
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
