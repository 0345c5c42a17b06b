import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// Ledgers read live from a real MariaDB server through libmariadb: written by Alembic itself (through PyMySQL)
/// and in the tables the other tools create on MySQL, each read as the same rows from PostgreSQL are.
@Suite(.serialized) struct MySQLLedgerTests {
    let server: MariaDBServer
    let tools: MigrationToolScenario

    init() throws {
        server = try MariaDBServer.shared.get()
        tools = try MigrationToolScenario.shared.get()
    }

    func facts(_ record: LedgerRecord) -> String {
        "\(record.row) \(record.kind) \(record.event) \(record.migration ?? "-") \(record.checksum ?? "-") \(record.appliedAt ?? -1) "
            + "\(record.appliedBy ?? "-") \(record.succeeded)"
    }

    func load(_ kind: LedgerKind, _ location: String) throws -> Ledger {
        try LedgerLoader.load([LedgerSource(kind: kind, location: location)])[0]
    }

    @Test func alembicWritesItsHeadToMariaDBAndItReadsAsOnPostgres() throws {
        try server.createDatabase("alembic_ledger")
        let url = "mysql+pymysql://\(MariaDBServer.user):\(MariaDBServer.password)@127.0.0.1:\(server.port)/alembic_ledger"
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = url
        let python = ProcessInfo.processInfo.environment["SSLIB_PYTHON"] ?? ".build/interop-venv/bin/python"
        let alembic = (python as NSString).deletingLastPathComponent + "/alembic"
        let run = try Command.run(alembic, ["-c", "alembic.ini", "upgrade", "2b3c4d5e6f70"], environment: environment,
                                  currentDirectory: tools.repository.path + "/alembic")
        #expect(run.status == 0, "\(run.stderr)")
        let live = try load(.alembic, server.url(database: "alembic_ledger"))
        let postgres = try load(.alembic, tools.server.url(database: MigrationToolScenario.databases["alembic"]!))
        #expect(live.records.map(facts) == postgres.records.map(facts))
        #expect(live.bundlePath == "inputs/ledgers/alembic/alembic_ledger.csv")
        // The URL is recorded without its password.
        #expect(live.source == "mysql://\(MariaDBServer.user):***@127.0.0.1:\(server.port)/alembic_ledger")
    }

    @Test func eachToolsMySQLTableReadsAsTheSameRowsOnPostgres() throws {
        try server.createDatabase("tables")
        try server.sql("""
            CREATE TABLE `django_migrations` (`id` bigint AUTO_INCREMENT NOT NULL PRIMARY KEY, `app` varchar(255) NOT NULL,
                `name` varchar(255) NOT NULL, `applied` datetime(6) NOT NULL);
            INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0001_initial', '2026-07-04 10:00:00.123456'),
                ('shop', '0002_order_note', '2026-07-05 11:00:00');
            CREATE TABLE `schema_migrations` (`version` bigint NOT NULL, `dirty` boolean NOT NULL, PRIMARY KEY (`version`));
            INSERT INTO schema_migrations VALUES (2, 1);
            CREATE TABLE `DATABASECHANGELOG` (`ID` VARCHAR(255) NOT NULL, `AUTHOR` VARCHAR(255) NOT NULL, `FILENAME` VARCHAR(255) NOT NULL,
                `DATEEXECUTED` datetime NOT NULL, `ORDEREXECUTED` INT NOT NULL, `EXECTYPE` VARCHAR(10) NOT NULL, `MD5SUM` VARCHAR(35) NULL,
                `DESCRIPTION` VARCHAR(255) NULL, `COMMENTS` VARCHAR(255) NULL, `TAG` VARCHAR(255) NULL, `LIQUIBASE` VARCHAR(20) NULL,
                `CONTEXTS` VARCHAR(255) NULL, `LABELS` VARCHAR(255) NULL, `DEPLOYMENT_ID` VARCHAR(10) NULL);
            INSERT INTO DATABASECHANGELOG VALUES ('1', 'alice', 'db/changelog/changes/001-orders.sql', '2026-07-06 09:00:00', 1, 'EXECUTED',
                '9:5e1b', 'sql', 'a "quoted", comma', NULL, '4.29.2', NULL, NULL, '3000000001');
            CREATE TABLE `__drizzle_migrations` (`id` serial PRIMARY KEY, `hash` text NOT NULL, `created_at` bigint);
            INSERT INTO __drizzle_migrations (hash, created_at) VALUES ('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1782892800000);
            """, database: "tables")
        try tools.server.createDatabase("mysql_twins")
        try tools.server.psql("""
            CREATE TABLE django_migrations (id bigserial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL);
            INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0001_initial', '2026-07-04 10:00:00.123456+00'),
                ('shop', '0002_order_note', '2026-07-05 11:00:00+00');
            CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
            INSERT INTO schema_migrations VALUES (2, true);
            CREATE TABLE databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT NULL,
                dateexecuted TIMESTAMP NOT NULL, orderexecuted INTEGER NOT NULL, exectype VARCHAR(10) NOT NULL, md5sum VARCHAR(35),
                description VARCHAR(255), comments VARCHAR(255), tag VARCHAR(255), liquibase VARCHAR(20), contexts VARCHAR(255),
                labels VARCHAR(255), deployment_id VARCHAR(10));
            INSERT INTO databasechangelog VALUES ('1', 'alice', 'db/changelog/changes/001-orders.sql', '2026-07-06 09:00:00', 1, 'EXECUTED',
                '9:5e1b', 'sql', 'a "quoted", comma', NULL, '4.29.2', NULL, NULL, '3000000001');
            CREATE SCHEMA drizzle;
            CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
            INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 1782892800000);
            """, database: "mysql_twins")
        for kind in [LedgerKind.django, .golangMigrate, .liquibase, .drizzle] {
            let mysql = try load(kind, server.url(database: "tables"))
            let postgres = try load(kind, tools.server.url(database: "mysql_twins"))
            #expect(!mysql.records.isEmpty)
            #expect(mysql.records.map(facts) == postgres.records.map(facts), "\(kind)")
        }
        // A table the URL names after `#`: the same rows from another name.
        try server.sql("CREATE TABLE app_migrations LIKE django_migrations; INSERT INTO app_migrations SELECT * FROM django_migrations;", database: "tables")
        let named = try load(.django, server.url(database: "tables") + "#app_migrations")
        #expect(named.records.count == 2)
    }

    @Test func aWrongPasswordOrMissingTableIsOneLineWithoutThePassword() throws {
        let wrong = "mysql://\(MariaDBServer.user):not-the-password@127.0.0.1:\(server.port)/tables"
        do {
            _ = try load(.django, wrong)
            Issue.record("a wrong password was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.hasPrefix("mysql://\(MariaDBServer.user):***@127.0.0.1:\(server.port)/tables: cannot read: cannot connect: Access denied"))
            #expect(!text.contains("not-the-password") && !text.contains("\n"))
        }
        try server.createDatabase("empty")
        #expect(throws: (any Error).self) { try load(.knex, server.url(database: "empty")) }
        do { _ = try load(.knex, server.url(database: "empty")) } catch {
            #expect("\(error)".contains("cannot read table knex_migrations: Table 'empty.knex_migrations' doesn't exist"))
            #expect(!"\(error)".contains(MariaDBServer.password))
        }
        #expect(throws: EvidenceError.self) { try load(.django, "mysql://evidence@127.0.0.1:\(server.port)") }
    }
}
