import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

@Suite struct LedgerReaderTests {
    func read(_ text: String, kind: LedgerKind? = nil, file: String = "ledger.csv") throws -> Ledger {
        try LedgerReader.read(Array(text.utf8), file: file, kind: kind, source: file) { "inputs/ledgers/\($0.rawValue)/\(file)" }
    }

    @Test func drizzleCSVAsPsqlCopyWritesIt() throws {
        let ledger = try read("id,hash,created_at\r\n1,ABCDEF01,1782892800000\r\n2,\"00ff\",1783065600000\r\n\r\n")
        #expect(ledger.kind == .drizzle)
        #expect(ledger.bundlePath == "inputs/ledgers/drizzle/ledger.csv")
        #expect(ledger.records.map(\.checksum) == ["abcdef01", "00ff"])
        #expect(ledger.records.map(\.journalWhen) == [1_782_892_800_000, 1_783_065_600_000])
        #expect(ledger.records.allSatisfy { $0.appliedAt == nil }, "created_at is the journal's time, never an apply time")
        #expect(ledger.records.map(\.row) == [1, 2])
    }

    @Test func drizzleJSONWithNumbersOrStrings() throws {
        let ledger = try read(#"[{"id": 1, "hash": "aa", "created_at": 1782892800000}, {"id": 2, "hash": "bb", "created_at": "1783065600000"}]"#,
                              file: "drizzle.json")
        #expect(ledger.kind == .drizzle)
        #expect(ledger.records.map(\.journalWhen) == [1_782_892_800_000, 1_783_065_600_000])
    }

    @Test func prismaLogsMayHoldNewlinesCommasAndQuotes() throws {
        let text = "id,checksum,finished_at,migration_name,logs,rolled_back_at,started_at,applied_steps_count\n"
            + "a1,CAFE,2026-07-06 13:00:02.000001+00,20260705_email,\"line one, with comma\n\"\"quoted\"\" line two\",,2026-07-06 13:00:01+00,1\n"
            + "a2,beef,,20260706_broken,\"error: relation exists\",,2026-07-07 09:00:00+02,0\n"
            + "a3,f00d,2026-07-08 10:00:00+00,20260707_undone,,2026-07-08 11:00:00+00,2026-07-08 09:59:00+00,1\n"
        let ledger = try read(text)
        #expect(ledger.kind == .prisma)
        #expect(ledger.records.count == 3)
        #expect(ledger.records[0].checksum == "cafe")
        #expect(ledger.records[0].appliedAt == Timestamp.parse("2026-07-06T13:00:02Z"))
        #expect(ledger.records[0].succeeded)
        #expect(ledger.records[1].appliedAt == Timestamp.parse("2026-07-07T07:00:00Z"), "not finished: the start time, in UTC")
        #expect(!ledger.records[1].succeeded)
        #expect(!ledger.records[2].succeeded, "rolled back")
        #expect(ledger.records.map(\.migration) == ["20260705_email", "20260706_broken", "20260707_undone"])
    }

    @Test func flywayHistoryWithBaselineAndFailure() throws {
        let text = """
            installed_rank,version,description,type,script,checksum,installed_by,installed_on,execution_time,success
            1,0,<< Flyway Baseline >>,BASELINE,<< Flyway Baseline >>,,postgres,2026-06-10 11:00:00.123,0,t
            2,1,init,SQL,V1__init.sql,169406234,deploy,2026-07-08 14:00:00.789,12,t
            3,2,broken,SQL,V2__broken.sql,-1288262433,deploy,2026-07-09 14:00:00,3,f

            """
        let ledger = try read(text)
        #expect(ledger.kind == .flyway)
        #expect(ledger.records.map(\.checksum) == [nil, "169406234", "-1288262433"])
        #expect(ledger.records[1].appliedAt == Timestamp.parse("2026-07-08T14:00:00Z"))
        #expect(ledger.records[1].appliedBy == "deploy")
        #expect(ledger.records.map(\.succeeded) == [true, true, false])
    }

    @Test func eventsCountOtherTypesAndReadBothShapesOfTime() throws {
        let text = """
            {"event_id":"1","aggregate_id":"d","event_type":"MigrationApplied","timestamp":"2026-07-02T13:00:00.250Z","user_id":42,"payload":{"migration":"0001_orders","hash":"ABC","environment":"production","run_id":7},"metadata":{}}
            {"event_id":"2","aggregate_id":"u","event_type":"UserSignedUp","timestamp":"2026-07-02T13:00:00Z","user_id":"x","payload":{},"metadata":{}}

            {"event_id":"3","aggregate_id":"d","event_type":"TerraformApplied","timestamp":1783065600000,"user_id":"ops","payload":{"commit":"ABCDEF1","workspace":"prod","run_id":"r-9"},"metadata":{}}
            """
        let ledger = try read(text, file: "events.jsonl")
        #expect(ledger.kind == .events)
        #expect(ledger.otherEvents == 1)
        #expect(ledger.records.map(\.row) == [1, 4])
        let migration = ledger.records[0]
        #expect(migration.event == .migrationApplied && migration.checksum == "abc" && migration.environment == "production")
        #expect(migration.appliedBy == "42" && migration.runID == "7" && migration.appliedAt == Timestamp.parse("2026-07-02T13:00:00Z"))
        let apply = ledger.records[1]
        #expect(apply.event == .terraformApplied && apply.commit == "abcdef1" && apply.workspace == "prod")
        #expect(apply.appliedAt == 1_783_065_600)
    }

    @Test(arguments: [
        ("id,name\n1,x\n", nil as LedgerKind?, "ledger.csv: header: cannot tell the ledger kind from columns id,name; give it as alembic:, atlantis:, atlas:, cloudtrail-digest:, cloudtrail-keys:, cloudtrail:, django:, drift:, drizzle:, events:, flyway:, golang-migrate:, knex:, liquibase:, prisma:, rails:, sqitch: or tfc:"),
        ("id,hash,created_at\n1,aa,1782892800000\n", LedgerKind.prisma, "ledger.csv: header: not a prisma ledger: no column 'checksum'"),
        ("id,hash,created_at\n1,aa,yesterday\n", nil, "ledger.csv: row 1, created_at: 'yesterday' is not a whole number"),
        ("id,hash,created_at\n1,aa\n", nil, "ledger.csv: row 1: 2 fields where the header has 3"),
        ("installed_rank,script,checksum,installed_on\n1,V1__a.sql,12,soon\n", nil, "ledger.csv: row 1, installed_on: 'soon' is not a time"),
        ("installed_rank,script,checksum\n1,V1__a.sql,99999999999\n", nil, "ledger.csv: row 1, checksum: '99999999999' is not a signed 32-bit number"),
        ("{\"event_type\":\"MigrationApplied\",\"timestamp\":\"2026-07-01T00:00:00Z\",\"payload\":{}}\n", nil, "ledger.csv: line 1, payload.hash: missing"),
        ("{\"event_type\":\"MigrationApplied\",\"payload\":{\"hash\":\"a\"}}\n", nil, "ledger.csv: line 1, timestamp: missing or not a time"),
        ("{\"event_type\":\"MigrationApplied\"}\nnot json\n", nil, "ledger.csv: line 1, payload: expected an object"),
        ("{}\n", LedgerKind.drizzle, "ledger.csv: holds JSON Lines events, not a drizzle table"),
    ])
    func unusableLedgersNameTheFileAndPlace(text: String, kind: LedgerKind?, message: String) {
        #expect(throws: EvidenceError.self) { try read(text, kind: kind) }
        do { _ = try read(text, kind: kind) } catch { #expect("\(error)" == message) }
    }

    /// A nonsense time is unusable input, never a record that falls "outside the window" and escapes judgement.
    @Test(arguments: ["true", "1e300", "-1e300", "9223372036854775807", "1782892800.5", "\"999999999-07-01T00:00:00Z\"", "\"1969-12-31T23:59:59Z\""])
    func nonsenseEventTimesAreRefused(timestamp: String) {
        let line = #"{"event_type":"MigrationApplied","timestamp":\#(timestamp),"payload":{"hash":"aa"}}"# + "\n"
        #expect(throws: EvidenceError.malformed(file: "ledger.csv", location: "line 1, timestamp", reason: "missing or not a time")) {
            try read(line)
        }
    }

    @Test(arguments: ["999999999-07-01 00:00:00", "10000-01-01 00:00:00+00", "0000-07-01 00:00:00"])
    func nonsenseTableTimesAreRefused(time: String) {
        #expect(throws: EvidenceError.malformed(file: "ledger.csv", location: "row 1, installed_on", reason: "'\(time)' is not a time")) {
            try read("installed_rank,script,checksum,installed_on\n1,V1__a.sql,12,\(time)\n")
        }
    }

    @Test func eventLogsWithWindowsLineEndingsAreRead() throws {
        let line = #"{"event_type":"MigrationApplied","timestamp":"2026-07-02T13:00:00Z","payload":{"hash":"AA","migration":"0001"}}"#
        let ledger = try read(line + "\r\n" + line + "\r\n", file: "events.jsonl")
        #expect(ledger.kind == .events)
        #expect(ledger.records.count == 1, "the same run twice is one record")
        #expect(ledger.records[0].rows.map(\.row) == [1, 2])
        #expect(ledger.records[0].checksum == "aa")
    }

    /// Rows the same but for number, time and run are one record that keeps every row's number and time; a row
    /// differing in anything judged (environment, who, outcome, checksum, having a time at all) is its own.
    @Test func repeatedRunsAreOneRecordKeepingEveryRow() throws {
        func line(_ time: String, environment: String = "production", by user: String = "deploy-bot", hash: String = "aa", run: Int) -> String {
            #"{"event_type":"MigrationApplied","timestamp":"\#(time)","user_id":"\#(user)","payload":{"hash":"\#(hash)","migration":"0001","environment":"\#(environment)","run_id":"r\#(run)"}}"#
        }
        let lines = [line("2026-07-05T10:00:00Z", run: 1), line("2026-07-03T10:00:00Z", run: 2), line("2026-07-04T10:00:00Z", environment: "staging", run: 3),
                     #"{"event_type":"Signup","timestamp":"2026-07-04T10:00:00Z","payload":{}}"#, line("2026-07-09T10:00:00Z", run: 5),
                     line("2026-07-06T10:00:00Z", by: "alice", run: 6), line("2026-07-07T10:00:00Z", hash: "bb", run: 7)]
        let ledger = try read(lines.joined(separator: "\n") + "\n", file: "events.jsonl")
        #expect(ledger.otherEvents == 1)
        #expect(ledger.records.map(\.row) == [1, 3, 6, 7], "in the order each was first seen")
        let production = ledger.records[0]
        #expect(production.count == 3)
        #expect(production.rows.map(\.row) == [1, 2, 5])
        #expect(production.rows.map(\.appliedAt) == ["2026-07-05T10:00:00Z", "2026-07-03T10:00:00Z", "2026-07-09T10:00:00Z"].map(Timestamp.parse))
        #expect(production.appliedRange == Timestamp.parse("2026-07-03T10:00:00Z")!...Timestamp.parse("2026-07-09T10:00:00Z")!)
        #expect(production.runID == "r1", "the first row's run")
        #expect(production.location == "inputs/ledgers/events/events.jsonl lines 1-5 (3 lines)")
        #expect(ledger.records[1...].allSatisfy { $0.count == 1 && $0.repeats == nil })
    }

    @Test func ledgerArgumentsNameTheirKind() throws {
        #expect(try LedgerSource(argument: "drizzle:exports/ledger.csv") == LedgerSource(kind: .drizzle, location: "exports/ledger.csv"))
        #expect(try LedgerSource(argument: "exports/ledger.csv") == LedgerSource(kind: nil, location: "exports/ledger.csv"))
        #expect(try LedgerSource(argument: "prisma:postgresql://app@db/app").isDatabase)
        #expect(throws: EvidenceError.self) { try LedgerSource(argument: "events:postgresql://app@db/app") }
        #expect(throws: EvidenceError.self) { try LedgerSource(argument: "drizzle:") }
        #expect(try LedgerSource(argument: "golang-migrate:exports/ledger.csv") == LedgerSource(kind: .golangMigrate, location: "exports/ledger.csv"))
        // A kind not known is named as such, not read as a file called "flask:ledger.csv".
        let known = "alembic, atlantis, atlas, cloudtrail, cloudtrail-digest, cloudtrail-keys, django, drift, drizzle, events, flyway, golang-migrate, knex, liquibase, prisma, rails, sqitch, tfc"
        #expect(throws: EvidenceError.invalidArgument(flag: "--ledger", value: "flask:exports/ledger.csv",
                                                      reason: "unknown ledger kind flask (known: \(known))")) {
            try LedgerSource(argument: "flask:exports/ledger.csv")
        }
        #expect(throws: EvidenceError.invalidArgument(flag: "--ledger", value: "mysql:mysql://app:***@db/app",
                                                      reason: "unknown ledger kind mysql (known: \(known))")) {
            try LedgerSource(argument: "mysql:mysql://app:secret@db/app")
        }
        // A bare URL's scheme is not a kind: it is asked for.
        #expect(throws: EvidenceError.invalidArgument(flag: "--ledger", value: "postgresql://app:***@db/app",
                                                      reason: "give the table's kind: alembic:, atlas:, django:, drizzle:, flyway:, golang-migrate:, knex:, liquibase:, prisma:, rails: or sqitch: before the URL")) {
            try LedgerSource(argument: "postgresql://app:secret@db/app")
        }
        // A file whose name has a colon is still a file.
        let folder = try TemporaryFolder.make("colon")
        FileManager.default.createFile(atPath: folder + "/v2:ledger.csv", contents: Data())
        #expect(try LedgerSource(argument: folder + "/v2:ledger.csv").kind == nil)
    }

    @Test func databaseTimesAreReadInUTC() {
        #expect(Timestamp.parseDatabase("2026-07-06 13:00:02.123456+00") == Timestamp.parse("2026-07-06T13:00:02Z"))
        #expect(Timestamp.parseDatabase("2026-07-06 13:00:02+05:30") == Timestamp.parse("2026-07-06T07:30:02Z"))
        #expect(Timestamp.parseDatabase("2026-07-06 13:00:02-0700") == Timestamp.parse("2026-07-06T20:00:02Z"))
        #expect(Timestamp.parseDatabase("2026-07-06 13:00:02") == Timestamp.parse("2026-07-06T13:00:02Z"))
        #expect(Timestamp.parseDatabase("2026-07-06T13:00:02.5Z") == Timestamp.parse("2026-07-06T13:00:02Z"))
        #expect(Timestamp.parseDatabase("13:00") == nil)
        // Found by `make fuzz`: long enough with its blanks, too short without them (it crashed).
        #expect(Timestamp.parseDatabase("                   Z%") == nil)
        #expect(Timestamp.parseDatabase(" 2026-07-06 13:00:02 ") == Timestamp.parse("2026-07-06T13:00:02Z"))
    }
}
