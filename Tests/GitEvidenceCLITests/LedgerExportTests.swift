import EvidenceTestSupport
import Foundation
import Testing

/// `export --ledger` end to end: ledger files and a live PostgreSQL table go into the bundle, and the bundle
/// verifies, re-derived from its own copies.
@Suite(.serialized) struct LedgerExportTests {
    let scenario: LedgerScenario
    let key: String
    let publicKey: String

    init() throws {
        scenario = try LedgerScenario.shared.get()
        let keys = try SigningKeyPair("ledger-key")
        key = keys.key
        publicKey = keys.publicKey
    }

    func export(_ ledgers: [String]) throws -> (Command.Result, String) {
        let output = try TemporaryFolder.make("ledger-export") + "/evidence"
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", key, "--out", output, "--as-of", "2026-10-01T08:00:00Z"] + ledgers.flatMap { ["--ledger", $0] })
        return (result, output)
    }

    func manifestInputs(_ bundle: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(manifest["inputs"] as? [[String: Any]])
    }

    @Test func ledgerFilesAreCarriedVerbatimAndTheBundleVerifies() throws {
        let (result, output) = try export([scenario.ledgers["events"]!, "drizzle:" + scenario.ledgers["drizzle"]!, scenario.ledgers["prisma"]!,
                                           scenario.ledgers["flyway"]!])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("CC8.1-applied-as-reviewed 2"), "\(result.stdout)")
        #expect(result.stderr.contains("git-evidence: note: inputs/ledgers/flyway/flyway_schema_history.csv: 2 record(s) ran outside the window"))
        for (kind, name) in [("drizzle", "drizzle_migrations.csv"), ("prisma", "prisma_migrations.csv"), ("flyway", "flyway_schema_history.csv"),
                             ("events", "deploy-events.jsonl")] {
            let copy = try Data(contentsOf: URL(fileURLWithPath: "\(output)/inputs/ledgers/\(kind)/\(name)"))
            #expect(copy == (try Data(contentsOf: URL(fileURLWithPath: scenario.ledgers[kind]!))), "\(kind) copied verbatim")
        }
        let sums = try String(contentsOfFile: output + "/SHA256SUMS", encoding: .utf8)
        #expect(sums.contains("  inputs/ledgers/events/deploy-events.jsonl\n"))
        #expect(try manifestInputs(output).contains { $0["path"] as? String == "inputs/ledgers/prisma/prisma_migrations.csv" })

        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("ok    population: re-derived 8 changes and their findings"))

        let lines = try String(contentsOfFile: output + "/changes.jsonl", encoding: .utf8).split(separator: "\n")
        let orders = try #require(lines.first { $0.contains(#""commit":"\#(scenario.commits["orders"]!)","committed_at""#) })
        #expect(orders.contains(#""applies":[{"#))
        #expect(orders.contains(#""environment":"production""#))
        let table = try String(contentsOfFile: output + "/changes.csv", encoding: .utf8)
        #expect(table.hasPrefix("commit,committed_at,author_name,author_email,subject,paths,pull_request,pull_request_title,pull_request_url,"
            + "match,approvers,checks,applied,failed_controls\r\n"))
        #expect(table.contains("drizzle/0001_orders.sql: (inputs/ledgers/drizzle/drizzle_migrations.csv:2); drizzle/0001_orders.sql: staging "
            + "2026-07-01T10:00:00Z (inputs/ledgers/events/deploy-events.jsonl:1); drizzle/0001_orders.sql: production 2026-07-02T13:00:00Z "
            + "(inputs/ledgers/events/deploy-events.jsonl:2),CC8.1-applied-after-approval\r\n"), "\(table)")
    }

    @Test func aLedgerCopyWithARowRemovedIsNamedByVerify() throws {
        let (result, output) = try export(["drizzle:" + scenario.ledgers["drizzle"]!])
        #expect(result.status == 0, "\(result.stderr)")
        let copy = output + "/inputs/ledgers/drizzle/drizzle_migrations.csv"
        let text = try String(contentsOfFile: copy, encoding: .utf8)
        try Data((text.split(separator: "\n").dropLast().joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: copy))
        let verify = try Binary.run(["verify", output, "--key", publicKey])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("do not match SHA256SUMS: inputs/ledgers/drizzle/drizzle_migrations.csv"), "\(verify.stdout)")
    }

    @Test func aLiveTableIsReadIntoTheBundleWithoutItsPassword() throws {
        let server = try PostgresServer.shared.get()
        try server.createDatabase("production")
        try server.psql("""
            CREATE SCHEMA IF NOT EXISTS "drizzle";
            CREATE TABLE IF NOT EXISTS "drizzle"."__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);
            \\copy drizzle.__drizzle_migrations FROM '\(scenario.ledgers["drizzle"]!)' WITH (FORMAT csv, HEADER)

            """, database: "production")
        // trust authentication ignores the password; it is there to prove it never reaches the bundle.
        let url = "postgresql://evidence:s3cret@127.0.0.1:\(server.port)/production"
        let (result, output) = try export(["drizzle:" + url])
        #expect(result.status == 0, "\(result.stderr)")
        let copy = try String(contentsOfFile: output + "/inputs/ledgers/drizzle/production.csv", encoding: .utf8)
        #expect(copy == (try String(contentsOfFile: scenario.ledgers["drizzle"]!, encoding: .utf8)), "COPY ... csv header writes what \\copy wrote")
        let input = try #require(try manifestInputs(output).first { $0["path"] as? String == "inputs/ledgers/drizzle/production.csv" })
        #expect(input["source"] as? String == "postgresql://evidence:***@127.0.0.1:\(server.port)/production")
        let everything = try FileManager.default.subpathsOfDirectory(atPath: output).compactMap { FileManager.default.contents(atPath: output + "/" + $0) }
        #expect(everything.count > 10)
        #expect(!everything.contains { $0.range(of: Data("s3cret".utf8)) != nil })
        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func aLiveMariaDBTableIsReadIntoTheBundleWithoutItsPassword() throws {
        let server = try MariaDBServer.shared.get()
        try server.createDatabase("production")
        try server.sql("CREATE TABLE `__drizzle_migrations` (`id` serial PRIMARY KEY, `hash` text NOT NULL, `created_at` bigint);", database: "production")
        let rows = try String(contentsOfFile: scenario.ledgers["drizzle"]!, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            return "(\(fields[0]), '\(fields[1])', \(fields[2].isEmpty ? "NULL" : String(fields[2])))"
        }
        try server.sql("INSERT INTO __drizzle_migrations VALUES " + rows.joined(separator: ", ") + ";", database: "production")
        let url = server.url(database: "production")
        let (result, output) = try export(["drizzle:" + url])
        #expect(result.status == 0, "\(result.stderr)")
        // The same bytes psql's \copy wrote from PostgreSQL, so a MySQL ledger reads and verifies alike.
        let copy = try String(contentsOfFile: output + "/inputs/ledgers/drizzle/production.csv", encoding: .utf8)
        #expect(copy == (try String(contentsOfFile: scenario.ledgers["drizzle"]!, encoding: .utf8)))
        let input = try #require(try manifestInputs(output).first { $0["path"] as? String == "inputs/ledgers/drizzle/production.csv" })
        #expect(input["source"] as? String == "mysql://\(MariaDBServer.user):***@127.0.0.1:\(server.port)/production")
        let everything = try FileManager.default.subpathsOfDirectory(atPath: output).compactMap { FileManager.default.contents(atPath: output + "/" + $0) }
        #expect(everything.count > 10)
        #expect(!everything.contains { $0.range(of: Data(MariaDBServer.password.utf8)) != nil })
        #expect(!result.stdout.contains(MariaDBServer.password) && !result.stderr.contains(MariaDBServer.password))
        let verify = try Binary.run(["verify", output, "--key", publicKey, "--repo", scenario.repository.path])
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
    }

    @Test func anUnreachableDatabaseIsExitTwoAndWritesNothing() throws {
        let output = try TemporaryFolder.make("ledger-unreachable") + "/evidence"
        let result = try Binary.run(["export", "--repo", scenario.repository.path, "--window", "2026-Q3", "--github", scenario.github.folder,
                                     "--key", key, "--out", output, "--ledger", "prisma:postgresql://app:pw@127.0.0.1:1/app?connect_timeout=5"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("git-evidence: error: postgresql://app:***@127.0.0.1:1/app?connect_timeout=5: cannot read: cannot connect: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
