import Foundation

/// A repository with Drizzle (journal and `down/` folder), Prisma and Flyway migrations and Terraform root
/// modules, its GitHub export, and one ledger of each kind in its real export format, holding each situation the
/// ledger controls judge in 2026-Q3. Checksums in the ledgers are computed with tools independent of the product
/// (`sha256sum`, Python's zlib), so a wrong checksum in the product cannot agree with itself.
public final class LedgerScenario: Sendable {
    public let repository: FixtureRepository
    public let github: GitHubExportFixture
    /// Ledger files by kind: `drizzle`, `prisma`, `flyway`, `events`.
    public let ledgers: [String: String]
    /// Commit ids by name.
    public let commits: [String: String]

    public static let shared = Result { try LedgerScenario() }

    static let drizzleWhen = ["0000_init": 1_781_085_600_000, "0001_orders": 1_782_892_800_000, "0002_items": 1_782_896_400_000,
                              "0003_tags": 1_783_065_600_000]

    private init() throws {
        let repo = try FixtureRepository("ledger-scenario")
        let parent = (repo.path as NSString).deletingLastPathComponent
        let github = try GitHubExportFixture(in: parent)
        var ids = [String: String]()
        var pulls = [[String: Any]]()

        func journal(_ tags: [String]) -> String {
            let entries = tags.enumerated().map { index, tag in
                "    {\"idx\": \(index), \"version\": \"7\", \"when\": \(Self.drizzleWhen[tag]!), \"tag\": \"\(tag)\", \"breakpoints\": true}"
            }
            return "{\n  \"version\": \"7\",\n  \"dialect\": \"postgresql\",\n  \"entries\": [\n" + entries.joined(separator: ",\n") + "\n  ]\n}\n"
        }
        /// A merged pull request: approved by bob at `approved`, merged at `merged` as commit `commit`.
        func reviewed(_ number: Int, _ title: String, commit: String, approved: String, merged: String) throws {
            let head = String(repeating: String(number), count: 40)
            pulls.append(github.pull(number, title: title, author: "alice", mergedAt: merged, mergeCommit: commit, head: head))
            try github.write("pulls/\(number)/reviews.json", [github.review(number * 10, by: "bob", "APPROVED", at: approved, on: head)])
            try github.write("pulls/\(number)/commits.json", [
                github.commit(head, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: "2026-06-30T09:00:00Z",
                              committed: "2026-06-30T09:00:00Z", message: title),
            ])
            try github.write("commits/\(head)/check-runs.json", github.checkRuns([("test", "success")], head: head))
        }

        let files = [
            "drizzle/0000_init.sql": "CREATE TABLE users (id serial PRIMARY KEY);\n",
            "drizzle/down/0000_init.sql": "DROP TABLE users;\n",
            "db/flyway/V1__init.sql": "\u{FEFF}CREATE TABLE t (id int);\r\nINSERT INTO t VALUES (1);\r\n",
            "prisma/migrations/migration_lock.toml": "provider = \"postgresql\"\n",
            "prisma/migrations/20260610000000_init/migration.sql": "CREATE TABLE \"Account\" (\"id\" TEXT NOT NULL);\n",
            "infra/prod/main.tf": Self.pinnedModule(region: "eu-west-1"),
            "infra/prod/.terraform.lock.hcl": "provider \"registry.terraform.io/hashicorp/aws\" {\n  version     = \"5.31.0\"\n  constraints = \"~> 5.0\"\n}\n",
        ]
        for (path, content) in files.sorted(by: { $0.key < $1.key }) { try repo.write(path, content) }
        try repo.write("drizzle/meta/_journal.json", journal(["0000_init"]))
        ids["init"] = try repo.commit("Initial schema and infrastructure", date: "2026-06-10T10:00:00Z")

        // PR #1, a merge commit: 0001_orders with its down file; run in staging before the approval.
        try repo.checkout("feature/orders", from: "main")
        try repo.write("drizzle/0001_orders.sql", "CREATE TABLE orders (\n  id serial PRIMARY KEY,\n  note text DEFAULT 'a, \"quoted\" note'\n);\n")
        try repo.write("drizzle/down/0001_orders.sql", "DROP TABLE orders;\n")
        try repo.write("drizzle/meta/_journal.json", journal(["0000_init", "0001_orders"]))
        try repo.commit("Add orders", date: "2026-07-01T09:00:00Z")
        try repo.checkout("main")
        ids["orders"] = try repo.merge("feature/orders", message: "Merge pull request #1 from acme/feature/orders", date: "2026-07-02T12:00:00Z")
        try reviewed(1, "Add orders table", commit: ids["orders"]!, approved: "2026-07-01T12:00:00Z", merged: "2026-07-02T12:00:00Z")

        // PR #3, squashed: 0003_tags, applied; its journal time is newer than 0002's, which merges later.
        try repo.write("drizzle/0003_tags.sql", "CREATE TABLE tags (id serial PRIMARY KEY);\n")
        try repo.write("drizzle/down/0003_tags.sql", "DROP TABLE tags;\n")
        try repo.write("drizzle/meta/_journal.json", journal(["0000_init", "0001_orders", "0003_tags"]))
        ids["tags"] = try repo.commit("Add tags (#3)", date: "2026-07-04T12:00:00Z")
        try reviewed(3, "Add tags", commit: ids["tags"]!, approved: "2026-07-04T09:00:00Z", merged: "2026-07-04T12:00:00Z")

        // PR #4, squashed: a Prisma migration committed with CRLF line endings (the ledger has the LF checksum).
        try repo.write("prisma/migrations/20260705000000_email/migration.sql", "ALTER TABLE \"Account\" ADD COLUMN \"email\" TEXT;\r\n")
        ids["email"] = try repo.commit("Add account email (#4)", date: "2026-07-06T12:00:00Z")
        try reviewed(4, "Add account email", commit: ids["email"]!, approved: "2026-07-06T10:00:00Z", merged: "2026-07-06T12:00:00Z")

        // PR #5, squashed: Flyway V2, applied after merge.
        try repo.write("db/flyway/V2__add_col.sql", "ALTER TABLE t ADD COLUMN c int;\n")
        ids["flyway"] = try repo.commit("Add column c (#5)", date: "2026-07-08T12:00:00Z")
        try reviewed(5, "Add column c", commit: ids["flyway"]!, approved: "2026-07-08T10:00:00Z", merged: "2026-07-08T12:00:00Z")

        // PR #2, squashed late: 0002_items was generated on 1 July, before 0003 — drizzle's migrator will skip it.
        try repo.write("drizzle/0002_items.sql", "CREATE TABLE items (id serial PRIMARY KEY);\n")
        try repo.write("drizzle/down/0002_items.sql", "DROP TABLE items;\n")
        try repo.write("drizzle/meta/_journal.json", journal(["0000_init", "0001_orders", "0002_items", "0003_tags"]))
        ids["items"] = try repo.commit("Add items (#2)", date: "2026-07-10T12:00:00Z")
        try reviewed(2, "Add items", commit: ids["items"]!, approved: "2026-07-10T09:00:00Z", merged: "2026-07-10T12:00:00Z")

        // A direct push edits the applied V2.
        try repo.write("db/flyway/V2__add_col.sql", "ALTER TABLE t ADD COLUMN c bigint;\n")
        ids["edit"] = try repo.commit("fix column type", author: Author("Dave Hoe", "dave@example.com"), date: "2026-07-12T12:00:00Z")

        // PR #6, squashed: a new root module with an unpinned provider and no lock file.
        try repo.write("infra/staging/main.tf", """
            # staging
            terraform {
              required_providers {
                aws = { source = "hashicorp/aws" }
              }
            }
            provider "aws" {
              region = "eu-west-1" // same region
            }

            """)
        ids["staging"] = try repo.commit("Add staging (#6)", date: "2026-07-15T12:00:00Z")
        try reviewed(6, "Add staging", commit: ids["staging"]!, approved: "2026-07-15T10:00:00Z", merged: "2026-07-15T12:00:00Z")

        // PR #7, squashed: a change to the pinned production module.
        try repo.write("infra/prod/main.tf", Self.pinnedModule(region: "eu-central-1"))
        ids["prod"] = try repo.commit("Move production (#7)", date: "2026-07-16T12:00:00Z")
        try reviewed(7, "Move production", commit: ids["prod"]!, approved: "2026-07-16T10:00:00Z", merged: "2026-07-16T12:00:00Z")

        // A feature branch commit that never reached main.
        try repo.checkout("feature/experiment", from: "main")
        try repo.write("infra/prod/main.tf", Self.pinnedModule(region: "us-east-1"))
        ids["experiment"] = try repo.commit("try us-east-1", date: "2026-07-17T09:00:00Z")
        try repo.checkout("main")

        try github.write("pulls.json", Array(pulls.reversed()))

        // The ledgers, each in the shape its tool's table export has.
        func sql(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: repo.path + "/" + path))) }
        let orders = try Self.sha256(try sql("drizzle/0001_orders.sql"))
        var drizzle = "id,hash,created_at\n"
        drizzle += "1,\(try Self.sha256(try sql("drizzle/0000_init.sql"))),\(Self.drizzleWhen["0000_init"]!)\n"
        drizzle += "2,\(orders),\(Self.drizzleWhen["0001_orders"]!)\n"
        drizzle += "3,\(try Self.sha256(try sql("drizzle/0003_tags.sql"))),\(Self.drizzleWhen["0003_tags"]!)\n"
        drizzle += "4,\(try Self.sha256(Array("ALTER TABLE users ADD COLUMN admin boolean;\n".utf8))),1782000000000\n"  // hand-inserted
        let emailLF = try Self.sha256(Array("ALTER TABLE \"Account\" ADD COLUMN \"email\" TEXT;\n".utf8))
        var prisma = "id,checksum,finished_at,migration_name,logs,rolled_back_at,started_at,applied_steps_count\n"
        prisma += "0b1f,\(try Self.sha256(try sql("prisma/migrations/20260610000000_init/migration.sql"))),2026-06-10 12:00:01.123456+00,20260610000000_init,,,2026-06-10 12:00:00.5+00,1\n"
        prisma += "4c2e,\(emailLF),2026-07-06 13:00:02.000001+00,20260705000000_email,,,2026-07-06 13:00:01+00,1\n"
        prisma += "9a9a,\(try Self.sha256(Array("ALTER TABLE \"Account\" ADD COLUMN \"email\" VARCHAR(9);\n".utf8))),2026-07-07 09:00:00+00,20260705000000_email,\"Edited by hand, then \"\"applied\"\":\nline two, with a comma\",,2026-07-07 08:59:59+00,1\n"
        var flyway = "installed_rank,version,description,type,script,checksum,installed_by,installed_on,execution_time,success\n"
        flyway += "1,0,<< Flyway Baseline >>,BASELINE,<< Flyway Baseline >>,,postgres,2026-06-10 11:00:00.123,0,t\n"
        flyway += "2,1,init,SQL,V1__init.sql,\(try Self.flywayChecksum(try sql("db/flyway/V1__init.sql"))),postgres,2026-06-10 11:00:01.456,12,t\n"
        flyway += "3,2,add col,SQL,V2__add_col.sql,\(try Self.flywayChecksum(Array("ALTER TABLE t ADD COLUMN c int;\n".utf8))),deploy,2026-07-08 14:00:00.789,5,t\n"
        let events = [
            Self.event(1, "MigrationApplied", at: "2026-07-01T10:00:00Z", payload: ["migration": "0001_orders", "hash": orders, "environment": "staging", "run_id": 101]),
            Self.event(2, "MigrationApplied", at: "2026-07-02T13:00:00Z", payload: ["migration": "0001_orders", "hash": orders, "environment": "production", "run_id": 102]),
            Self.event(3, "UserSignedUp", at: "2026-07-03T13:00:00Z", payload: ["plan": "pro"]),
            Self.event(4, "TerraformApplied", at: "2026-07-16T13:00:00Z", payload: ["commit": ids["prod"]!, "workspace": "prod", "run_id": 104]),
            Self.event(5, "TerraformApplied", at: "2026-07-16T11:00:00Z", payload: ["commit": String(ids["prod"]!.prefix(12)), "workspace": "prod", "run_id": 105]),
            Self.event(6, "TerraformApplied", at: "2026-07-17T10:00:00Z", payload: ["commit": ids["experiment"]!, "workspace": "prod", "run_id": 106]),
            Self.event(7, "TerraformApplied", at: "2026-07-18T10:00:00Z", payload: ["commit": "0123456789abcdef0123456789abcdef01234567", "workspace": "prod", "run_id": 107]),
            Self.event(8, "TerraformApplied", at: "2026-10-02T10:00:00Z", payload: ["commit": ids["prod"]!, "workspace": "prod", "run_id": 108]),
        ]
        let folder = parent + "/ledgers"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var ledgers = [String: String]()
        for (kind, name, text) in [("drizzle", "drizzle_migrations.csv", drizzle), ("prisma", "prisma_migrations.csv", prisma),
                                   ("flyway", "flyway_schema_history.csv", flyway), ("events", "deploy-events.jsonl", events.joined(separator: "\n") + "\n")] {
            ledgers[kind] = folder + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        repository = repo
        self.github = github
        self.ledgers = ledgers
        commits = ids
    }

    static func pinnedModule(region: String) -> String {
        """
        terraform {
          required_version = ">= 1.6.0"
          required_providers {
            aws = {
              source  = "hashicorp/aws"
              version = "~> 5.0"
            }
          }
        }

        provider "aws" {
          region = "\(region)"
          default_tags {
            tags = { owner = "platform", note = "${var.env == "prod" ? "p" : "np"}" }
          }
        }

        """
    }

    static func event(_ id: Int, _ type: String, at time: String, payload: [String: Any]) -> String {
        let object: [String: Any] = ["event_id": "evt-\(id)", "aggregate_id": "deploy", "event_type": type, "timestamp": time,
                                     "user_id": "deploy-bot", "payload": payload, "metadata": ["source": "ci"]]
        return String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    /// SHA-256 hex by coreutils' `sha256sum`.
    public static func sha256(_ bytes: [UInt8]) throws -> String {
        let result = try Command.run("/usr/bin/env", ["sha256sum"], input: Data(bytes))
        return String(result.stdout.prefix(64))
    }

    /// Flyway's checksum by Python's zlib: CRC-32 over the lines without terminators, BOM removed, signed.
    public static func flywayChecksum(_ bytes: [UInt8]) throws -> String {
        let script = """
            import sys, zlib
            data = sys.stdin.buffer.read()
            if data.startswith(b"\\xef\\xbb\\xbf"): data = data[3:]
            crc = 0
            for line in data.replace(b"\\r\\n", b"\\n").replace(b"\\r", b"\\n").split(b"\\n"):
                crc = zlib.crc32(line, crc)
            print(crc - (1 << 32) if crc >= (1 << 31) else crc)
            """
        let result = try Command.run("/usr/bin/env", ["python3", "-c", script], input: Data(bytes))
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
