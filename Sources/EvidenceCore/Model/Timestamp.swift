import Foundation

/// Seconds since 1970-01-01 UTC, with the conversions the evidence needs. Formatting is done by hand so that it
/// is exact and independent of locale and time-zone settings.
public enum Timestamp {
    /// `2026-07-01T12:00:00Z`.
    public static func iso8601UTC(_ seconds: Int64) -> String {
        iso8601(seconds, offsetMinutes: 0)
    }

    /// `2026-07-01T14:00:00+02:00` (`Z` for UTC): the local time at the given offset.
    public static func iso8601(_ seconds: Int64, offsetMinutes: Int32) -> String {
        let local = seconds + Int64(offsetMinutes) * 60
        let (days, secondOfDay) = floorDivide(local, 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        var text = padded(year, 4) + "-" + padded(Int64(month), 2) + "-" + padded(Int64(day), 2) + "T" + padded(secondOfDay / 3600, 2) + ":"
            + padded(secondOfDay / 60 % 60, 2) + ":" + padded(secondOfDay % 60, 2)
        guard offsetMinutes != 0 else { return text + "Z" }
        let magnitude = Int64(abs(Int(offsetMinutes)))
        text += (offsetMinutes < 0 ? "-" : "+") + padded(magnitude / 60, 2) + ":" + padded(magnitude % 60, 2)
        return text
    }

    /// `value` in decimal with leading zeros to `width` digits (`%0Nlld`, without the cost of `String(format:)`,
    /// which dominated writing a large ledger's evidence).
    private static func padded(_ value: Int64, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let body = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return value < 0 ? "-" + body : body
    }

    /// `2026-07-01`, the UTC date.
    public static func dateUTC(_ seconds: Int64) -> String {
        let (year, month, day) = civilDate(fromDays: floorDivide(seconds, 86_400).quotient)
        return String(format: "%04lld-%02d-%02d", year, month, day)
    }

    /// The same UTC date and time `years` later (29 February becomes 28 February in a common year).
    public static func addingYears(_ years: Int64, to seconds: Int64) -> Int64 {
        let (days, secondOfDay) = floorDivide(seconds, 86_400)
        let (year, month, day) = civilDate(fromDays: days)
        let target = year + years
        return Self.seconds(year: target, month: month, day: min(day, daysIn(month: month, year: target))) + secondOfDay
    }

    /// Seconds at 00:00:00 UTC of a calendar date.
    public static func seconds(year: Int64, month: Int, day: Int) -> Int64 {
        daysFromCivil(year: year, month: month, day: day) * 86_400
    }

    /// The times evidence can hold: 1970-01-01 up to the end of year 9999. A time outside it (`true`, 1e300, a year
    /// 999999999) is unusable input, never a record that lands "outside the window" and so escapes judgement.
    public static let plausible: ClosedRange<Int64> = 0...(253_402_300_800 - 1)

    /// Parses `YYYY-MM-DD` (midnight UTC) or a full ISO 8601 / RFC 3339 time with `Z` or an offset, with or
    /// without fractional seconds (which are dropped). Nil for anything else, or outside `plausible`.
    public static func parse(_ text: String) -> Int64? {
        parseAnyYear(text).flatMap { plausible.contains($0) ? $0 : nil }
    }

    private static func parseAnyYear(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int64(byte - 0x30)
            }
            return value
        }
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        // YYYY-MM-DD
        guard let year = number(0..<4), byte(4) == UInt8(ascii: "-"), let month = number(5..<7), byte(7) == UInt8(ascii: "-"),
              let day = number(8..<10), (1...12).contains(month), (1...Int64(daysIn(month: Int(month), year: year))).contains(day) else { return nil }
        let date = seconds(year: year, month: Int(month), day: Int(day))
        if bytes.count == 10 { return date }
        // THH:MM:SS[.fraction](Z|±HH:MM), as RFC 3339 writes it; the fraction is dropped.
        guard byte(10) == UInt8(ascii: "T"), let hour = number(11..<13), byte(13) == UInt8(ascii: ":"), let minute = number(14..<16),
              byte(16) == UInt8(ascii: ":"), let second = number(17..<19), hour < 24, minute < 60, second < 60 else { return nil }
        var index = 19
        if byte(index) == UInt8(ascii: ".") {
            index += 1
            let digits = index
            while let next = byte(index), next >= 0x30 && next <= 0x39 { index += 1 }
            guard index > digits else { return nil }
        }
        var offset: Int64 = 0
        switch byte(index) {
        case UInt8(ascii: "Z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = byte(index) == UInt8(ascii: "-") ? -1 : 1
            guard let hours = number((index + 1)..<(index + 3)), byte(index + 3) == UInt8(ascii: ":"),
                  let minutes = number((index + 4)..<(index + 6)), hours < 24, minutes < 60 else { return nil }
            offset = sign * (hours * 3600 + minutes * 60)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        return date + hour * 3600 + minute * 60 + second - offset
    }

    /// Also reads the text PostgreSQL writes for `timestamp` and `timestamptz` columns: `2026-07-03 10:15:02.123+00`,
    /// `2026-07-03 10:15:02+05:30`, and `2026-07-03 10:15:02` without a zone, which is taken as UTC (Flyway's
    /// `installed_on` is a `timestamp` in the database's zone, UTC on the servers we know of).
    public static func parseDatabase(_ text: String) -> Int64? {
        if let seconds = parse(text) { return seconds }
        // Trimmed first: a text of 19 characters with blanks around fewer was once indexed past its end.
        var value = text.trimmingCharacters(in: .whitespaces)
        guard value.count >= 19 else { return nil }
        value.replaceSubrange(value.index(value.startIndex, offsetBy: 10)...value.index(value.startIndex, offsetBy: 10), with: "T")
        // Fractional seconds are dropped by `parse` anyway; PostgreSQL writes up to six digits.
        let fraction = value.index(value.startIndex, offsetBy: 19)
        if fraction < value.endIndex, value[fraction] == "." {
            let digitsEnd = value[value.index(after: fraction)...].firstIndex { !$0.isNumber } ?? value.endIndex
            value.removeSubrange(fraction..<digitsEnd)
        }
        let clock = value.dropFirst(11)
        if let sign = clock.lastIndex(where: { $0 == "+" || $0 == "-" }) {
            let zone = value[sign...]
            if zone.count == 3 { value += ":00" }  // `+00` → `+00:00`
            else if zone.count == 5, !zone.contains(":") { value.insert(":", at: value.index(sign, offsetBy: 3)) }
        } else if !clock.hasSuffix("Z") {
            value += "Z"
        }
        return parse(value)
    }

    static func daysIn(month: Int, year: Int64) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        var quotient = value / divisor
        var remainder = value % divisor
        if remainder < 0 { quotient -= 1; remainder += divisor }
        return (quotient, remainder)
    }

    // Howard Hinnant's days-from-civil and civil-from-days algorithms (proleptic Gregorian calendar).
    private static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civilDate(fromDays days: Int64) -> (year: Int64, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
