import Foundation

/// A repository holding a Django app, an Alembic project, a sqitch project and Rails migrations, each merged
/// through a reviewed pull request, and a PostgreSQL database per tool whose ledger the tool itself wrote by
/// running those migrations: `manage.py migrate`, `alembic upgrade`, `sqitch deploy`/`revert`, ActiveRecord's
/// migrator. The tools run now, so the commits are dated in the past month and the window ends tomorrow.
public final class MigrationToolScenario: Sendable {
    public let repository: FixtureRepository
    public let github: GitHubExportFixture
    public let server: PostgresServer
    /// Commits by name: `django`, `alembic`, `sqitch`, `rails`, `later` (the second round of migrations).
    public let commits: [String: String]
    /// The window: from a day before the first commit to a day after the tools ran.
    public let from: String
    public let to: String
    /// When PR #5 (`later`) was approved; Django ran its 0002 two hours before, under faketime.
    public let laterApproved: String
    /// Each tool's database: the first four written by the tools, the rest from their documented DDL.
    public static let databases = ["django": "tool_django", "alembic": "tool_alembic", "sqitch": "tool_sqitch", "rails": "tool_rails",
                                   "liquibase": "tool_liquibase", "atlas": "tool_atlas", "golang-migrate": "tool_golang_migrate", "knex": "tool_knex"]

    public static let shared = Result { try MigrationToolScenario() }

    public enum ToolError: Error, CustomStringConvertible {
        case failed(String)
        public var description: String {
            switch self { case .failed(let reason): "a migration tool failed: \(reason) (make test installs them; run `make deps`)" }
        }
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    private init() throws {
        server = try PostgresServer.shared.get()
        let repo = try FixtureRepository("tool-ledgers")
        repository = repo
        let github = try GitHubExportFixture(in: (repo.path as NSString).deletingLastPathComponent)
        self.github = github
        let start = Date().addingTimeInterval(-30 * 86_400)
        func day(_ days: Double) -> String { Self.iso(start.addingTimeInterval(days * 86_400)) }
        from = String(day(-1).prefix(10))
        to = String(Self.iso(Date().addingTimeInterval(86_400)).prefix(10))
        var ids = [String: String]()
        var pulls = [[String: Any]]()
        func reviewed(_ number: Int, _ title: String, name: String, approved: String, merged: String) throws {
            let commit = try repo.commit("\(title) (#\(number))", date: merged)
            ids[name] = commit
            let head = String(repeating: String(number), count: 40)
            pulls.append(github.pull(number, title: title, author: "alice", mergedAt: merged, mergeCommit: commit, head: head))
            try github.write("pulls/\(number)/reviews.json", [github.review(number * 10, by: "bob", "APPROVED", at: approved, on: head)])
            try github.write("pulls/\(number)/commits.json", [
                github.commit(head, login: "alice", name: "Alice Doe", email: "alice@example.com", authored: approved, committed: approved, message: title),
            ])
            try github.write("commits/\(head)/check-runs.json", github.checkRuns([("test", "success")], head: head, completed: approved))
        }

        try repo.write("README.md", "A shop.\n")
        ids["init"] = try repo.commit("Initial commit", date: day(0))

        for (path, text) in Self.django { try repo.write(path, text) }
        try reviewed(1, "Django orders", name: "django", approved: day(1), merged: day(1.1))
        for (path, text) in Self.alembic { try repo.write(path, text) }
        try reviewed(2, "Alembic orders and items", name: "alembic", approved: day(2), merged: day(2.1))
        for (path, text) in Self.sqitch { try repo.write(path, text) }
        try reviewed(3, "sqitch orders and items", name: "sqitch", approved: day(3), merged: day(3.1))
        for (path, text) in Self.rails { try repo.write(path, text) }
        try reviewed(4, "Rails orders", name: "rails", approved: day(4), merged: day(4.1))
        for (path, text) in Self.later { try repo.write(path, text) }
        let laterApproved = day(5)
        self.laterApproved = laterApproved
        try reviewed(5, "Order notes and an Alembic revision", name: "later", approved: laterApproved, merged: day(5.1))
        for (path, text) in Self.liquibase { try repo.write(path, text) }
        try reviewed(6, "Liquibase orders and items", name: "liquibase", approved: day(6), merged: day(6.1))
        for (path, text) in Self.atlas { try repo.write(path, text) }
        try repo.write("atlas/migrations/atlas.sum", try Self.atlasSum(Self.atlas))
        try reviewed(7, "Atlas orders and items", name: "atlas", approved: day(7), merged: day(7.1))
        for (path, text) in Self.golangMigrate { try repo.write(path, text) }
        try reviewed(8, "golang-migrate orders, items and tags", name: "golang-migrate", approved: day(8), merged: day(8.1))
        for (path, text) in Self.knex { try repo.write(path, text) }
        try reviewed(9, "Knex orders", name: "knex", approved: day(9), merged: day(9.1))
        try github.write("pulls.json", Array(pulls.reversed()))
        commits = ids

        for database in Self.databases.values { try server.createDatabase(database) }
        let python = Self.venvTool("python")
        let port = String(server.port)
        // Django: 0001 now; 0002 under faketime two hours before PR #5's approval; and a row nobody committed.
        let django = ["DB_NAME": Self.databases["django"]!, "DB_PORT": port, "DJANGO_SETTINGS_MODULE": "shopsite.settings", "PYTHONPATH": repo.path + "/django"]
        try Self.tool(python, ["-m", "django", "migrate", "shop", "0001", "-v", "0"], environment: django, in: repo.path + "/django")
        let early = Self.iso(start.addingTimeInterval(5 * 86_400 - 7_200)).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: "")
        try Self.tool("/usr/bin/faketime", [early, python, "-m", "django", "migrate", "shop", "0002", "-v", "0"],
                      environment: django.merging(["TZ": "UTC"]) { $1 }, in: repo.path + "/django")
        try server.psql("INSERT INTO django_migrations (app, name, applied) VALUES ('shop', '0003_hotfix', now());", database: Self.databases["django"]!)
        // Alembic: up to the items revision; PR #5's revision stays pending.
        try Self.tool(Self.venvTool("alembic"), ["-c", "alembic.ini", "upgrade", "2b3c4d5e6f70"],
                      environment: ["DATABASE_URL": "postgresql+psycopg://evidence@127.0.0.1:\(port)/\(Self.databases["alembic"]!)"], in: repo.path + "/alembic")
        // sqitch: deploy both changes, then revert items.
        let target = "db:pg://evidence@127.0.0.1:\(port)/\(Self.databases["sqitch"]!)"
        let sqitch = ["SQITCH_FULLNAME": "Deploy Bot", "SQITCH_EMAIL": "deploy@example.com", "HOME": repo.path]
        try Self.tool("/usr/bin/sqitch", ["deploy", target], environment: sqitch, in: repo.path + "/sqitch")
        try Self.tool("/usr/bin/sqitch", ["revert", "-y", "--to", "orders", target], environment: sqitch, in: repo.path + "/sqitch")
        // Rails: both migrations by ActiveRecord's own migrator; and a version no file has.
        try Self.tool("/usr/bin/ruby", ["-e", Self.railsMigrator],
                      environment: ["DATABASE_URL": server.url(database: Self.databases["rails"]!)], in: repo.path + "/rails")
        try server.psql("INSERT INTO schema_migrations (version) VALUES ('20260801000000');", database: Self.databases["rails"]!)
        try documentedTables(sums: try Self.atlasSum(Self.atlas))
    }

    /// Liquibase, Atlas, golang-migrate and Knex tables as each tool creates them on PostgreSQL, with the rows
    /// each writes: what ran, a row for something no file has, and one that did not complete.
    private func documentedTables(sums: String) throws {
        let hash = { (name: String) in
            String(sums.split(separator: "\n").first { $0.hasPrefix(name + " ") }!.split(separator: " ")[1].dropFirst(3))
        }
        try server.psql("""
            CREATE TABLE public.databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT NULL,
                dateexecuted TIMESTAMP WITHOUT TIME ZONE NOT NULL, orderexecuted INTEGER NOT NULL, exectype VARCHAR(10) NOT NULL,
                md5sum VARCHAR(35), description VARCHAR(255), comments VARCHAR(255), tag VARCHAR(255), liquibase VARCHAR(20),
                contexts VARCHAR(255), labels VARCHAR(255), deployment_id VARCHAR(10));
            INSERT INTO databasechangelog VALUES
                ('1', 'alice', 'db/changelog/changes/001-orders.sql', now() AT TIME ZONE 'UTC', 1, 'EXECUTED', '9:5e1b3c1f4f1a6ad1fa3cb1c2a8e4f3d1', 'sql', '', NULL, '4.29.2', NULL, NULL, '3000000001'),
                ('2', 'alice', 'db/changelog/changes/001-orders.sql', now() AT TIME ZONE 'UTC', 2, 'MARK_RAN', '9:0c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f', 'sql', '', NULL, '4.29.2', NULL, NULL, '3000000001'),
                ('items-1', 'bob', 'classpath:db/changelog/changes/002-items.xml', now() AT TIME ZONE 'UTC', 3, 'EXECUTED', '9:1a2b3c4d5e6f708192a3b4c5d6e7f809', 'createTable tableName=items', '', NULL, '4.29.2', NULL, NULL, '3000000001'),
                ('99', 'mallory', 'db/changelog/changes/001-orders.sql', now() AT TIME ZONE 'UTC', 4, 'EXECUTED', '9:ffffffffffffffffffffffffffffffff', 'sql', '', NULL, '4.29.2', NULL, NULL, '3000000002');
            """, database: Self.databases["liquibase"]!)
        try server.psql("""
            CREATE SCHEMA atlas_schema_revisions;
            CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (version character varying NOT NULL, description character varying NOT NULL,
                type bigint NOT NULL DEFAULT 2, applied bigint NOT NULL DEFAULT 0, total bigint NOT NULL DEFAULT 0, executed_at timestamptz NOT NULL,
                execution_time bigint NOT NULL, error text NULL, error_stmt text NULL, hash character varying NOT NULL, partial_hashes jsonb NULL,
                operator_version character varying NOT NULL, PRIMARY KEY (version));
            INSERT INTO atlas_schema_revisions.atlas_schema_revisions VALUES
                ('20260701000000', 'orders', 2, 1, 1, now(), 1200, NULL, NULL, '\(hash("20260701000000_orders.sql"))', NULL, 'Atlas CLI v0.28.1'),
                ('20260702000000', 'items', 2, 0, 1, now(), 300, 'pq: relation "items" already exists', 'CREATE TABLE items (id int);', '\(hash("20260702000000_items.sql"))', '["h1:x"]', 'Atlas CLI v0.28.1'),
                ('20260703000000', 'hand', 2, 1, 1, now(), 100, NULL, NULL, 'Ry2eJ0oVRrRRWjC5MnbmUs0F1cYbwy5iEVrECK3eFqE=', NULL, 'Atlas CLI v0.28.1');
            """, database: Self.databases["atlas"]!)
        try server.psql("""
            CREATE TABLE IF NOT EXISTS schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);
            INSERT INTO schema_migrations (version, dirty) VALUES (2, true);
            """, database: Self.databases["golang-migrate"]!)
        try server.psql("""
            CREATE TABLE knex_migrations (id serial PRIMARY KEY, name varchar(255), batch integer, migration_time timestamptz);
            CREATE TABLE knex_migrations_lock (index serial PRIMARY KEY, is_locked integer);
            INSERT INTO knex_migrations (name, batch, migration_time) VALUES ('20260701120000_orders.js', 1, now()), ('20260701130000_debug.js', 2, now());
            """, database: Self.databases["knex"]!)
    }

    /// `atlas.sum` as Atlas writes it (computed by Python's hashlib): each file's sum is the running SHA-256 of the
    /// names and bytes of it and every file before it, in base64; the first line sums those lines.
    static func atlasSum(_ files: [(String, String)]) throws -> String {
        let script = """
            import base64, hashlib, json, sys
            files = json.load(sys.stdin)
            running, lines = hashlib.sha256(), []
            for name, text in sorted(files):
                running.update(name.encode()); running.update(text.encode())
                lines.append((name, base64.b64encode(running.copy().digest()).decode()))
            total = hashlib.sha256()
            for name, digest in lines: total.update((name + digest).encode())
            print("h1:" + base64.b64encode(total.digest()).decode())
            for name, digest in lines: print(name + " h1:" + digest)
            """
        let names = files.map { [($0.0 as NSString).lastPathComponent, $0.1] }
        let result = try Command.run("/usr/bin/env", ["python3", "-c", script], input: try JSONSerialization.data(withJSONObject: names))
        guard result.status == 0 else { throw ToolError.failed("atlas.sum: \(result.stderr)") }
        return result.stdout
    }

    /// The Python venv's tool (Django and Alembic are installed there by `make test`).
    public static func venvTool(_ name: String) -> String {
        let python = ProcessInfo.processInfo.environment["SSLIB_PYTHON"] ?? ".build/interop-venv/bin/python"
        return (python as NSString).deletingLastPathComponent + "/" + name
    }

    static func tool(_ executable: String, _ arguments: [String], environment: [String: String], in folder: String) throws {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let result = try Command.run(executable, arguments, environment: merged, currentDirectory: folder)
        guard result.status == 0 else {
            throw ToolError.failed("\(([executable] + arguments).joined(separator: " ")): \(result.stderr.suffix(1_500))")
        }
    }

    /// A CSV export of `query` from a tool's database, as psql's `\copy ... csv header` writes it.
    public func export(_ query: String, tool: String) throws -> String {
        let folder = try TemporaryFolder.make("tool-export")
        let file = folder + "/\(tool).csv"
        try server.psql("\\copy (\(query)) TO '\(file)' WITH (FORMAT csv, HEADER)", database: Self.databases[tool]!)
        return file
    }

    static let railsMigrator = """
        require "active_record"
        ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))
        ActiveRecord::Migration.verbose = false
        ActiveRecord::MigrationContext.new(["db/migrate"], ActiveRecord::SchemaMigration).migrate
        """

    static let django: [(String, String)] = [
        ("django/shopsite/__init__.py", ""),
        ("django/shopsite/settings.py", """
            import os
            SECRET_KEY = "fixture"
            INSTALLED_APPS = ["shop"]
            USE_TZ = True
            DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": os.environ["DB_NAME"], "USER": "evidence",
                                     "HOST": "127.0.0.1", "PORT": os.environ["DB_PORT"]}}

            """),
        ("django/shop/__init__.py", ""),
        ("django/shop/migrations/__init__.py", ""),
        ("django/shop/migrations/0001_initial.py", """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                initial = True
                dependencies = []
                operations = [
                    migrations.CreateModel(name="Order", fields=[("id", models.BigAutoField(primary_key=True)), ("total", models.IntegerField())]),
                ]

            """),
    ]

    static let alembic: [(String, String)] = [
        ("alembic/alembic.ini", "[alembic]\nscript_location = migrations\n"),
        ("alembic/migrations/env.py", """
            import os
            from alembic import context
            from sqlalchemy import create_engine, pool

            with create_engine(os.environ["DATABASE_URL"], poolclass=pool.NullPool).connect() as connection:
                context.configure(connection=connection)
                with context.begin_transaction():
                    context.run_migrations()

            """),
        ("alembic/migrations/versions/1a2b3c4d5e6f_orders.py", """
            \"\"\"orders

            Revision ID: 1a2b3c4d5e6f
            Revises:
            \"\"\"
            from alembic import op
            import sqlalchemy as sa

            revision = "1a2b3c4d5e6f"
            down_revision = None
            branch_labels = None
            depends_on = None


            def upgrade():
                op.create_table("orders", sa.Column("id", sa.Integer, primary_key=True))


            def downgrade():
                op.drop_table("orders")

            """),
        ("alembic/migrations/versions/2b3c4d5e6f70_items.py", """
            \"\"\"items\"\"\"
            from typing import Union
            from alembic import op
            import sqlalchemy as sa

            revision: str = "2b3c4d5e6f70"
            down_revision: Union[str, None] = "1a2b3c4d5e6f"


            def upgrade() -> None:
                op.create_table("items", sa.Column("id", sa.Integer, primary_key=True))


            def downgrade() -> None:
                op.drop_table("items")

            """),
    ]

    static let sqitch: [(String, String)] = [
        ("sqitch/sqitch.conf", "[core]\n\tengine = pg\n"),
        ("sqitch/sqitch.plan", """
            %syntax-version=1.0.0
            %project=shop

            orders 2026-07-01T10:00:00Z Alice Doe <alice@example.com> # Orders table.
            items [orders] 2026-07-02T10:00:00Z Alice Doe <alice@example.com> # Items table.

            """),
        ("sqitch/deploy/orders.sql", "BEGIN;\nCREATE TABLE orders (id int PRIMARY KEY);\nCOMMIT;\n"),
        ("sqitch/revert/orders.sql", "BEGIN;\nDROP TABLE orders;\nCOMMIT;\n"),
        ("sqitch/verify/orders.sql", "SELECT id FROM orders WHERE false;\n"),
        ("sqitch/deploy/items.sql", "BEGIN;\nCREATE TABLE items (id int PRIMARY KEY);\nCOMMIT;\n"),
        ("sqitch/revert/items.sql", "BEGIN;\nDROP TABLE items;\nCOMMIT;\n"),
        ("sqitch/verify/items.sql", "SELECT id FROM items WHERE false;\n"),
    ]

    static let rails: [(String, String)] = [
        ("rails/db/migrate/20260701120000_create_orders.rb", """
            class CreateOrders < ActiveRecord::Migration[6.1]
              def change
                create_table :orders do |t|
                  t.integer :total
                end
              end
            end

            """),
        ("rails/db/migrate/20260702120000_add_note.rb", """
            class AddNote < ActiveRecord::Migration[6.1]
              def up
                execute "ALTER TABLE orders ADD COLUMN note text"
              end
            end

            """),
    ]

    static let liquibase: [(String, String)] = [
        ("liquibase/db/changelog/db.changelog-master.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                <include file="db/changelog/changes/001-orders.sql"/>
                <include file="db/changelog/changes/002-items.xml"/>
            </databaseChangeLog>

            """),
        ("liquibase/db/changelog/changes/001-orders.sql", """
            --liquibase formatted sql

            --changeset alice:1
            CREATE TABLE orders (id int PRIMARY KEY);
            --rollback DROP TABLE orders;

            --changeset alice:2 runOnChange:false
            CREATE INDEX orders_id ON orders (id);

            """),
        ("liquibase/db/changelog/changes/002-items.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <databaseChangeLog xmlns="http://www.liquibase.org/xml/ns/dbchangelog">
                <changeSet id="items-1" author="bob">
                    <createTable tableName="items">
                        <column name="id" type="int"/>
                    </createTable>
                </changeSet>
            </databaseChangeLog>

            """),
    ]

    static let atlas: [(String, String)] = [
        ("atlas/migrations/20260701000000_orders.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n"),
        ("atlas/migrations/20260702000000_items.sql", "CREATE TABLE items (id int);\n"),
    ]

    static let golangMigrate: [(String, String)] = [
        ("go/migrations/000001_orders.up.sql", "CREATE TABLE orders (id int PRIMARY KEY);\n"),
        ("go/migrations/000001_orders.down.sql", "DROP TABLE orders;\n"),
        ("go/migrations/000002_items.up.sql", "CREATE TABLE items (id int PRIMARY KEY);\n"),
        ("go/migrations/000002_items.down.sql", "DROP TABLE items;\n"),
        ("go/migrations/000003_tags.up.sql", "CREATE TABLE tags (id int PRIMARY KEY);\n"),
        ("go/migrations/000003_tags.down.sql", "DROP TABLE tags;\n"),
    ]

    static let knex: [(String, String)] = [
        ("knex/migrations/20260701120000_orders.js", """
            exports.up = (knex) => knex.schema.createTable("orders", (table) => { table.increments("id"); });
            exports.down = (knex) => knex.schema.dropTable("orders");

            """),
    ]

    /// PR #5: Django's 0002 (applied before approval) and an Alembic revision after the head (never applied).
    static let later: [(String, String)] = [
        ("django/shop/migrations/0002_order_note.py", """
            from django.db import migrations, models


            class Migration(migrations.Migration):
                dependencies = [("shop", "0001_initial")]
                operations = [migrations.AddField(model_name="order", name="note", field=models.TextField(default=""))]

            """),
        ("alembic/migrations/versions/3c4d5e6f7081_tags.py", """
            from alembic import op
            import sqlalchemy as sa

            revision = "3c4d5e6f7081"
            down_revision = "2b3c4d5e6f70"


            def upgrade():
                op.create_table("tags", sa.Column("id", sa.Integer, primary_key=True))


            def downgrade():
                op.drop_table("tags")

            """),
    ]
}
