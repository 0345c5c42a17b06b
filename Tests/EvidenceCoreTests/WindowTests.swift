import EvidenceCore
import Testing

@Suite struct WindowTests {
    @Test(arguments: [
        ("2026-Q3", "2026-07-01T00:00:00Z", "2026-10-01T00:00:00Z"),
        ("2026-q4", "2026-10-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2026-Q1", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z"),
        ("2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"),
        ("2026-12", "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z"),
        ("2024", "2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    ])
    func namedWindows(name: String, start: String, end: String) throws {
        let window = try AuditWindow.named(name)
        #expect(window.start.map(Timestamp.iso8601UTC) == start)
        #expect(window.end.map(Timestamp.iso8601UTC) == end)
    }

    @Test(arguments: ["2026-Q5", "2026-13", "26-Q1", "2026-Q3-1", "Q3", "2026-1"])
    func badWindowNames(name: String) {
        #expect(throws: EvidenceError.self) { try AuditWindow.named(name) }
    }

    @Test func fromAndToAcceptDatesAndFullTimes() throws {
        let window = try AuditWindow.between(from: "2026-07-01", to: "2026-07-02T00:00:00+02:00")
        #expect(window.start == Timestamp.parse("2026-07-01T00:00:00Z"))
        #expect(window.end.map(Timestamp.iso8601UTC) == "2026-07-01T22:00:00Z")
        #expect(try AuditWindow.between(from: "2026-07-01T10:00:00.750Z", to: nil).start.map(Timestamp.iso8601UTC) == "2026-07-01T10:00:00Z")
        #expect(try AuditWindow.between(from: nil, to: nil) == .all)
        #expect(throws: EvidenceError.self) { try AuditWindow.between(from: "2026-07-01", to: "2026-07-01") }
        #expect(throws: EvidenceError.self) { try AuditWindow.between(from: "July 1st", to: nil) }
        #expect(throws: EvidenceError.self) { try AuditWindow.between(from: "2026-02-30", to: nil) }
    }

    @Test func startIsInclusiveEndExclusive() throws {
        let window = try AuditWindow.named("2026-Q3")
        let start = try #require(window.start), end = try #require(window.end)
        #expect(window.contains(start))
        #expect(!window.contains(start - 1))
        #expect(window.contains(end - 1))
        #expect(!window.contains(end))
    }

    @Test func formatsLocalTimesWithTheirOffset() {
        #expect(Timestamp.iso8601(1_782_907_200, offsetMinutes: -240) == "2026-07-01T08:00:00-04:00")
        #expect(Timestamp.iso8601(1_782_889_200, offsetMinutes: 330) == "2026-07-01T12:30:00+05:30")
        #expect(Timestamp.iso8601UTC(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso8601UTC(-1) == "1969-12-31T23:59:59Z")
        #expect(Timestamp.iso8601UTC(951_782_400) == "2000-02-29T00:00:00Z")
    }
}
