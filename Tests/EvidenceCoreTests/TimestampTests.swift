import EvidenceCore
import Testing

/// RFC 3339 times, read by hand: the numbers checked against `date -u -d ... +%s`.
@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-07-01", 1_782_864_000), ("2026-07-01T00:00:00Z", 1_782_864_000), ("2026-07-01T12:34:56Z", 1_782_909_296),
        ("2026-07-01T14:34:56+02:00", 1_782_909_296), ("2026-07-01T07:04:56-05:30", 1_782_909_296), ("2026-07-01T12:34:56.789Z", 1_782_909_296),
        ("2024-02-29T00:00:00Z", 1_709_164_800), ("1970-01-01T00:00:00Z", 0), ("9999-12-31T23:59:59Z", 253_402_300_799),
    ])
    func readsDatesAndTimes(text: String, seconds: Int64) {
        #expect(Timestamp.parse(text) == seconds)
    }

    @Test(arguments: ["2026-13-01", "2025-02-29", "2026-07-01T24:00:00Z", "2026-07-01T12:34:56", "2026-07-01 12:34:56Z", "2026-07-01T12:34:56.Z",
                      "2026-07-01T12:34:56+0200", "2026-07-01T12:34:56Zjunk", "10000-01-01T00:00:00Z", "1969-12-31T23:59:59Z", "+99999-01-01", "", "soon"])
    func refusesAnythingElse(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }
}
