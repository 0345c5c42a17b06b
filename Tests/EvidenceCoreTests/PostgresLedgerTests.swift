import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// Ledgers read live from a real PostgreSQL server, in the tables the tools create with their own DDL.
@Suite(.serialized) struct PostgresLedgerTests {
    static let drizzleDDL = """
        CREATE SCHEMA IF NOT EXISTS "drizzle";
        CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
        """
    static let prismaDDL = """
        CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
            "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
            "checksum"              VARCHAR(64) NOT NULL,
            "finished_at"           TIMESTAMPTZ,
            "migration_name"        VARCHAR(255) NOT NULL,
            "logs"                  TEXT,
            "rolled_back_at"        TIMESTAMPTZ,
            "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
            "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
        );
        """
    static let flywayDDL = """
        CREATE TABLE "public"."flyway_schema_history" (
            "installed_rank" INT NOT NULL,
            "version" VARCHAR(50),
            "description" VARCHAR(200) NOT NULL,
            "type" VARCHAR(20) NOT NULL,
            "script" VARCHAR(1000) NOT NULL,
            "checksum" INTEGER,
            "installed_by" VARCHAR(100) NOT NULL,
            "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
            "execution_time" INTEGER NOT NULL,
            "success" BOOLEAN NOT NULL
        );
        ALTER TABLE "public"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
        CREATE INDEX "flyway_schema_history_s_idx" ON "public"."flyway_schema_history" ("success");
        """

    let server: PostgresServer
    let scenario: LedgerScenario

    init() throws {
        server = try PostgresServer.shared.get()
        scenario = try LedgerScenario.shared.get()
    }

    /// A database holding the scenario's three ledger tables, loaded from its CSV files with psql's `\copy`.
    func loadScenarioTables(_ database: String) throws {
        try server.createDatabase(database)
        try server.psql(Self.drizzleDDL + Self.prismaDDL + Self.flywayDDL + """

            \\copy drizzle.__drizzle_migrations FROM '\(scenario.ledgers["drizzle"]!)' WITH (FORMAT csv, HEADER)
            \\copy _prisma_migrations FROM '\(scenario.ledgers["prisma"]!)' WITH (FORMAT csv, HEADER)
            \\copy flyway_schema_history FROM '\(scenario.ledgers["flyway"]!)' WITH (FORMAT csv, HEADER)

            """, database: database)
    }

    /// What a record says, without which file it came from.
    func facts(_ record: LedgerRecord) -> String {
        "\(record.row) \(record.kind) \(record.migration ?? "-") \(record.checksum ?? "-") \(record.appliedAt ?? -1) \(record.journalWhen ?? -1) "
            + "\(record.appliedBy ?? "-") \(record.succeeded)"
    }

    @Test func liveTablesReadAsTheirFileExports() throws {
        try loadScenarioTables("scenario")
        for kind in [LedgerKind.drizzle, .prisma, .flyway] {
            let live = try LedgerLoader.load([LedgerSource(kind: kind, location: server.url(database: "scenario"))])[0]
            let file = try LedgerLoader.load([LedgerSource(kind: kind, location: scenario.ledgers[kind.rawValue]!)])[0]
            #expect(live.bundlePath == "inputs/ledgers/\(kind.rawValue)/scenario.csv")
            #expect(live.records.map(facts) == file.records.map(facts), "\(kind)")
            #expect(live.source == server.url(database: "scenario"))
        }
        let drizzle = try LedgerLoader.load([LedgerSource(kind: .drizzle, location: server.url(database: "scenario"))])[0]
        #expect(String(decoding: drizzle.bytes ?? [], as: UTF8.self).hasPrefix("id,hash,created_at\n1,"))
    }

    @Test func liveLedgersGiveTheSameFindingsAsFiles() throws {
        try loadScenarioTables("findings")
        let repository = try Repository(path: scenario.repository.path)
        let branch = try repository.resolveBranch("main")
        let window = try AuditWindow.named("2026-Q3")
        func derive(_ sources: [LedgerSource]) throws -> String {
            let evidence = try Derived.derive(repository: repository, branch: branch, config: .defaults, github: scenario.github.folder,
                                                         ledgers: try LedgerLoader.load(sources), window: window)
            return String(decoding: try evidence.findingsJSON(), as: UTF8.self)
        }
        let kinds: [LedgerKind] = [.drizzle, .prisma, .flyway]
        let live = try derive(kinds.map { LedgerSource(kind: $0, location: server.url(database: "findings")) })
        let files = try derive(kinds.map { LedgerSource(kind: $0, location: scenario.ledgers[$0.rawValue]!) })
        let renamed = files.replacingOccurrences(of: "drizzle_migrations.csv", with: "findings.csv")
            .replacingOccurrences(of: "prisma_migrations.csv", with: "findings.csv").replacingOccurrences(of: "flyway_schema_history.csv", with: "findings.csv")
        #expect(live == renamed)
        #expect(live.contains("\"status\" : \"fail\""))
    }

    @Test func prismaLogsWithNewlinesSurviveTheRoundTrip() throws {
        try server.createDatabase("prisma_logs")
        try server.psql(Self.prismaDDL + """
            INSERT INTO _prisma_migrations VALUES ('a1', 'cafe', '2026-07-06 15:00:02+02', '20260705_email',
              E'line one, with a comma\\n"quoted" line two', NULL, '2026-07-06 15:00:01+02', 1);
            """, database: "prisma_logs")
        let ledger = try LedgerLoader.load([LedgerSource(kind: .prisma, location: server.url(database: "prisma_logs"))])[0]
        #expect(ledger.records.count == 1)
        #expect(ledger.records[0].appliedAt == Timestamp.parse("2026-07-06T13:00:02Z"), "read in UTC though the server runs in Europe/Berlin")
        #expect(String(decoding: ledger.bytes ?? [], as: UTF8.self).contains("\"line one, with a comma\n\"\"quoted\"\" line two\""))
    }

    @Test func aCustomTableIsNamedAfterTheURL() throws {
        try server.createDatabase("custom")
        try server.psql("""
            CREATE SCHEMA app; CREATE TABLE app.migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
            INSERT INTO app.migrations (hash, created_at) VALUES ('aa', 1), ('bb', 2);
            """, database: "custom")
        let ledger = try LedgerLoader.load([LedgerSource(kind: .drizzle, location: server.url(database: "custom") + "#app.migrations")])[0]
        #expect(ledger.records.map(\.checksum) == ["aa", "bb"])
    }

    @Test func unreachableOrMissingTablesAreOneLineErrors() throws {
        try server.createDatabase("empty")
        do {
            _ = try LedgerLoader.load([LedgerSource(kind: .flyway, location: server.url(database: "empty"))])
            Issue.record("a missing table must be an error")
        } catch {
            #expect("\(error)" == "\(server.url(database: "empty")): cannot read: cannot read table flyway_schema_history: "
                + "ERROR:  relation \"flyway_schema_history\" does not exist")
        }
        do {
            _ = try LedgerLoader.load([LedgerSource(kind: .drizzle, location: "postgresql://evidence:hunter2@127.0.0.1:1/none?connect_timeout=5")])
            Issue.record("a refused connection must be an error")
        } catch {
            let message = "\(error)"
            #expect(message.hasPrefix("postgresql://evidence:***@127.0.0.1:1/none?connect_timeout=5: cannot read: cannot connect: "), "\(message)")
            #expect(!message.contains("hunter2") && !message.contains("\n"))
        }
    }
}
