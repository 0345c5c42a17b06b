/// The audit period: start inclusive, end exclusive, in UTC seconds. Either end may be open.
public struct AuditWindow: Hashable, Sendable, Codable {
    /// First second in the window, nil for "since the beginning".
    public let start: Int64?
    /// First second after the window, nil for "until now".
    public let end: Int64?

    /// All of history.
    public static let all = AuditWindow(start: nil, end: nil)

    public init(start: Int64?, end: Int64?) {
        self.start = start
        self.end = end
    }

    /// Both ends of a closed window, as a bundle needs them; an open window is refused.
    public func closed() throws(EvidenceError) -> (start: Int64, end: Int64) {
        guard let start, let end else {
            throw EvidenceError.invalidArgument(flag: "--window", value: "", reason: "export needs a closed window: --window, or both --from and --to")
        }
        return (start, end)
    }

    /// True when `time` lies in `[start, end)`.
    public func contains(_ time: Int64) -> Bool {
        if let start, time < start { return false }
        if let end, time >= end { return false }
        return true
    }

    /// Parses `--window`: `YYYY-Qn`, `YYYY-MM` or `YYYY`, in UTC.
    public static func named(_ text: String) throws(EvidenceError) -> AuditWindow {
        let invalid = EvidenceError.invalidArgument(flag: "--window", value: text, reason: "expected YYYY, YYYY-MM or YYYY-Qn (e.g. 2026-Q3)")
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let yearPart = parts.first, yearPart.count == 4, let year = Int64(yearPart), year >= 1970 else { throw invalid }
        switch parts.count {
        case 1:
            return AuditWindow(start: Timestamp.seconds(year: year, month: 1, day: 1), end: Timestamp.seconds(year: year + 1, month: 1, day: 1))
        case 2 where parts[1].uppercased().hasPrefix("Q"):
            guard parts[1].count == 2, let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) else { throw invalid }
            let month = (quarter - 1) * 3 + 1
            return AuditWindow(start: Timestamp.seconds(year: year, month: month, day: 1), end: monthStart(year: year, month: month + 3))
        case 2:
            guard parts[1].count == 2, let month = Int(parts[1]), (1...12).contains(month) else { throw invalid }
            return AuditWindow(start: Timestamp.seconds(year: year, month: month, day: 1), end: monthStart(year: year, month: month + 1))
        default:
            throw invalid
        }
    }

    /// Builds the window from `--from`/`--to` (`YYYY-MM-DD` or full ISO 8601); the start must precede the end.
    public static func between(from: String?, to: String?) throws(EvidenceError) -> AuditWindow {
        let start = try from.map { text throws(EvidenceError) in try parseDate(text, flag: "--from") }
        let end = try to.map { text throws(EvidenceError) in try parseDate(text, flag: "--to") }
        if let start, let end, start >= end {
            throw EvidenceError.invalidArgument(flag: "--to", value: to ?? "", reason: "must be later than --from \(from ?? "")")
        }
        return AuditWindow(start: start, end: end)
    }

    private static func parseDate(_ text: String, flag: String) throws(EvidenceError) -> Int64 {
        guard let seconds = Timestamp.parse(text) else {
            throw EvidenceError.invalidArgument(flag: flag, value: text, reason: "expected a date (2026-07-01) or an ISO 8601 time (2026-07-01T00:00:00Z)")
        }
        return seconds
    }

    private static func monthStart(year: Int64, month: Int) -> Int64 {
        month > 12 ? Timestamp.seconds(year: year + 1, month: month - 12, day: 1) : Timestamp.seconds(year: year, month: month, day: 1)
    }
}
