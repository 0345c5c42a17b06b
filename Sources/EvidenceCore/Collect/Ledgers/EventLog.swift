import Foundation

extension LedgerKind {
    /// An event log in JSON Lines.
    public static let events = LedgerKind(rawValue: "events")
}

/// An event log in JSON Lines, in the event-sourcing shape `{event_id, aggregate_id, event_type, timestamp,
/// user_id, payload, metadata}`: `MigrationApplied` (`migration`, `hash`, `environment`, `run_id`) and
/// `TerraformApplied` (`commit`, `workspace`, `run_id`); events of other types are counted, not judged.
public enum EventLog: LedgerFormat {
    public static let kind = LedgerKind.events
    public static let capabilities = LedgerCapabilities(applyTime: true, checksum: true, applier: true, history: true,
                                                        skipsOlderThanNewest: false, flavours: nil, recordNoun: "line")
    /// A log records whichever checksum its tool uses: a hex digest or Flyway's number.
    public static let matching = LedgerMatch.checksum([.sha256, .crc32])
    public static let requiredColumns: [String]? = nil
    public static let liveTable: LiveTable? = nil

    public static func read(_ bytes: ArraySlice<UInt8>, file: String, ledger: String) throws(EvidenceError) -> LedgerContents {
        var reading = Reading(file: file, ledger: ledger)
        try eachLine(of: bytes) { (line, number) throws(EvidenceError) in try reading.add(line, number: number) }
        return reading.contents
    }

    /// Reads the log at `path` a block at a time (a log written by every deploy grows without end); the ledger
    /// keeps the file's size and digest, and the bundle copies it from the file.
    static func read(fileAt path: String, ledger: String) throws(EvidenceError) -> (LedgerContents, InputCopy) {
        var reading = Reading(file: path, ledger: ledger)
        let copy = try eachLine(ofFile: path) { (line, number) throws(EvidenceError) in try reading.add(line, number: number) }
        return (reading.contents, copy)
    }

    /// A log read line by line, each line parsed on its own and gathered into records as it comes.
    struct Reading {
        let file: String
        let ledger: String
        var groups = LedgerRecordGroups()
        var others = 0

        init(file: String, ledger: String) {
            self.file = file
            self.ledger = ledger
        }

        var contents: LedgerContents { LedgerContents(records: groups.records, otherEvents: others) }

        mutating func add(_ line: ArraySlice<UInt8>, number: Int) throws(EvidenceError) {
            guard line.contains(where: { ![0x20, 0x09, 0x0D].contains($0) }) else { return }
            let file = file
            func malformed(_ location: String, _ reason: String) -> EvidenceError {
                .malformed(file: file, location: location.isEmpty ? "line \(number)" : "line \(number), \(location)", reason: reason)
            }
            guard let event = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any] else {
                throw malformed("", "not a JSON object")
            }
            guard let type = event["event_type"] as? String else { throw malformed("event_type", "missing") }
            let kind: LedgerEvent
            switch type {
            case "MigrationApplied": kind = .migrationApplied
            case "TerraformApplied": kind = .terraformApplied
            default: others += 1; return
            }
            guard let payload = event["payload"] as? [String: Any] else { throw malformed("payload", "expected an object") }
            func text(_ key: String) -> String? { payload[key].flatMap(LedgerTable.scalarText) }
            guard let timestamp = event["timestamp"], let appliedAt = EventLog.eventTime(timestamp) else {
                throw malformed("timestamp", "missing or not a time")
            }
            let required = kind == .migrationApplied ? "hash" : "commit"
            guard let key = text(required), !key.isEmpty else { throw malformed("payload.\(required)", "missing") }
            groups.add(LedgerRecord(
                ledger: ledger, row: number, kind: EventLog.kind, event: kind, migration: text("migration"),
                checksum: kind == .migrationApplied ? key.lowercased() : nil, appliedAt: appliedAt, environment: text("environment"),
                appliedBy: event["user_id"].flatMap(LedgerTable.scalarText), runID: text("run_id"),
                commit: kind == .terraformApplied ? key.lowercased() : nil, workspace: text("workspace"),
                succeeded: (payload["success"] as? Bool) ?? true))
        }
    }

    /// An event's time: ISO 8601 text, or a whole number of seconds (milliseconds when it is that large); nil for
    /// anything else — `true`, a fraction, a number past `Timestamp.plausible` — so the line is refused, not judged
    /// "outside the window".
    static func eventTime(_ value: Any) -> Int64? {
        if let text = value as? String { return Timestamp.parseDatabase(text) }
        guard let number = value as? NSNumber else { return nil }
        let kind = String(cString: number.objCType)
        guard kind != "c" else { return nil }  // JSON true and false
        let raw: Int64
        if kind == "d" || kind == "f" {
            let double = number.doubleValue
            guard double.rounded(.towardZero) == double, abs(double) < 1e15 else { return nil }
            raw = Int64(double)
        } else {
            raw = number.int64Value
        }
        let seconds = raw > 100_000_000_000 ? raw / 1000 : raw
        return Timestamp.plausible.contains(seconds) ? seconds : nil
    }
}
