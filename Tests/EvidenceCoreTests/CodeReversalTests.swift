import EvidenceCore
import EvidenceTestSupport
import Foundation
import Testing

/// Whether a Rails, Django or Alembic migration can be undone, as read from its code — and, for each case, what
/// the tool itself does when asked to undo it against a real PostgreSQL database: the reading must agree.
@Suite(.serialized) struct CodeReversalTests {
    static let rails: [(name: String, body: String, reversible: Bool)] = [
        ("create_table", "def change\n    create_table :orders do |t|\n      t.integer :total\n    end\n  end", true),
        ("up_only", "def up\n    add_column :accounts, :note, :text\n  end", false),
        ("execute", "def change\n    execute \"CREATE INDEX accounts_name ON accounts (name)\"\n  end", false),
        ("remove_typed", "def change\n    remove_column :accounts, :name, :string\n  end", true),
        ("remove_untyped", "def change\n    remove_column :accounts, :name\n  end", false),
        ("up_and_down", "def up\n    execute \"ALTER TABLE accounts ADD COLUMN note text\"\n  end\n\n  def down\n    execute \"ALTER TABLE accounts DROP COLUMN note\"\n  end", true),
        ("reversible_block", "def change\n    reversible do |dir|\n      dir.up { execute \"ALTER TABLE accounts ADD COLUMN note text\" }\n      dir.down { execute \"ALTER TABLE accounts DROP COLUMN note\" }\n    end\n  end", true),
    ]

    static let django: [(name: String, operation: String, reversible: Bool)] = [
        ("add_field", "migrations.AddField(model_name=\"account\", name=\"note\", field=models.TextField(default=\"\"))", true),
        ("run_python", "migrations.RunPython(forwards)", false),
        ("run_python_noop", "migrations.RunPython(forwards, reverse_code=migrations.RunPython.noop)", true),
        ("run_python_pair", "migrations.RunPython(forwards, backwards)", true),
        ("run_sql", "migrations.RunSQL(\"UPDATE shop_account SET name = upper(name)\")", false),
        ("run_sql_pair", "migrations.RunSQL(\"CREATE INDEX a_name ON shop_account (name)\", reverse_sql=\"DROP INDEX a_name\")", true),
    ]

    static let alembic: [(name: String, downgrade: String, reversible: Bool)] = [
        ("drops", "    op.drop_column(\"accounts\", \"note\")", true),
        ("pass", "    \"\"\"Nothing to undo.\"\"\"\n    pass", false),
        ("comment", "    # op.drop_column(\"accounts\", \"note\")\n    pass", false),
    ]

    /// The tables, columns and indexes of `database`, leaving out the tools' own ledger tables: what an undo must restore.
    static func schema(_ database: String) throws -> String {
        try PostgresServer.shared.get().psql("""
            \\pset tuples_only on
            SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'
              AND table_name NOT IN ('schema_migrations', 'ar_internal_metadata', 'django_migrations', 'alembic_version') ORDER BY 1;
            SELECT indexname FROM pg_indexes WHERE schemaname = 'public'
              AND tablename NOT IN ('schema_migrations', 'ar_internal_metadata', 'django_migrations', 'alembic_version') ORDER BY 1;
            """, database: database)
    }

    /// Undone: the tool's undo succeeded and left the schema as it was before the migration ran.
    static func undone(_ run: Command.Result, before: String, after: String) -> Bool { run.status == 0 && before == after }

    @Test func railsReadingAgreesWithActiveRecordsRollback() throws {
        let server = try PostgresServer.shared.get()
        for (index, migration) in Self.rails.enumerated() {
            let database = "reversal_rails_\(index)"
            try server.createDatabase(database)
            try server.psql("CREATE TABLE accounts (id serial PRIMARY KEY, name varchar);", database: database)
            let folder = try TemporaryFolder.make("rails-reversal")
            try FileManager.default.createDirectory(atPath: folder + "/db/migrate", withIntermediateDirectories: true)
            let path = "db/migrate/20260701120000_\(migration.name).rb"
            let text = "class \(migration.name.split(separator: "_").map { $0.capitalized }.joined()) < ActiveRecord::Migration[6.1]\n  \(migration.body)\nend\n"
            try text.write(toFile: folder + "/" + path, atomically: true, encoding: .utf8)
            let reading = try #require(CodeReversal.judge(.rails, path: path, text: text))
            #expect(reading.reversible == migration.reversible, "\(migration.name): \(reading.reason)")
            let environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": server.url(database: database)]) { $1 }
            let script = """
                require "active_record"
                ActiveRecord::Base.establish_connection(ENV.fetch("DATABASE_URL"))
                ActiveRecord::Migration.verbose = false
                context = ActiveRecord::MigrationContext.new(["db/migrate"], ActiveRecord::SchemaMigration)
                context.migrate
                context.rollback
                """
            let before = try Self.schema(database)
            // A migration with only `def up` rolls back without a word and leaves its column: the schema shows it.
            let rollback = try Command.run("/usr/bin/ruby", ["-e", script], environment: environment, currentDirectory: folder)
            #expect(Self.undone(rollback, before: before, after: try Self.schema(database)) == migration.reversible,
                    "\(migration.name): ActiveRecord says \(rollback.stderr.prefix(300))")
        }
    }

    @Test func djangoReadingAgreesWithMigrateBackwards() throws {
        let server = try PostgresServer.shared.get()
        let tools = try MigrationToolScenario.shared.get()
        let python = MigrationToolScenario.venvTool("python")
        for (index, migration) in Self.django.enumerated() {
            let database = "reversal_django_\(index)"
            try server.createDatabase(database)
            let folder = try TemporaryFolder.make("django-reversal")
            try FileManager.default.copyItem(atPath: tools.repository.path + "/django/shopsite", toPath: folder + "/shopsite")
            try FileManager.default.createDirectory(atPath: folder + "/shop/migrations", withIntermediateDirectories: true)
            for file in ["shop/__init__.py", "shop/migrations/__init__.py"] { try "".write(toFile: folder + "/" + file, atomically: true, encoding: .utf8) }
            try String("""
                from django.db import migrations, models


                class Migration(migrations.Migration):
                    initial = True
                    operations = [migrations.CreateModel(name="Account", fields=[("id", models.BigAutoField(primary_key=True)), ("name", models.TextField())])]

                """).write(toFile: folder + "/shop/migrations/0001_initial.py", atomically: true, encoding: .utf8)
            let text = """
                from django.db import migrations, models


                def forwards(apps, schema_editor):
                    pass


                def backwards(apps, schema_editor):
                    pass


                class Migration(migrations.Migration):
                    dependencies = [("shop", "0001_initial")]
                    operations = [
                        \(migration.operation),
                    ]

                """
            let path = "shop/migrations/0002_\(migration.name).py"
            try text.write(toFile: folder + "/" + path, atomically: true, encoding: .utf8)
            let reading = try #require(CodeReversal.judge(.django, path: path, text: text))
            #expect(reading.reversible == migration.reversible, "\(migration.name): \(reading.reason)")
            let environment = ProcessInfo.processInfo.environment.merging([
                "DB_NAME": database, "DB_PORT": String(server.port), "DJANGO_SETTINGS_MODULE": "shopsite.settings", "PYTHONPATH": folder,
            ]) { $1 }
            let first = try Command.run(python, ["-m", "django", "migrate", "shop", "0001", "-v", "0"], environment: environment, currentDirectory: folder)
            #expect(first.status == 0, "\(first.stderr)")
            let before = try Self.schema(database)
            let forward = try Command.run(python, ["-m", "django", "migrate", "shop", "-v", "0"], environment: environment, currentDirectory: folder)
            #expect(forward.status == 0, "\(forward.stderr)")
            let backward = try Command.run(python, ["-m", "django", "migrate", "shop", "0001", "-v", "0"], environment: environment, currentDirectory: folder)
            #expect(Self.undone(backward, before: before, after: try Self.schema(database)) == migration.reversible,
                    "\(migration.name): Django says \(backward.stderr.suffix(300))")
        }
    }

    @Test func alembicReadingAgreesWithWhatDowngradeLeaves() throws {
        let server = try PostgresServer.shared.get()
        let alembic = MigrationToolScenario.venvTool("alembic")
        for (index, migration) in Self.alembic.enumerated() {
            let database = "reversal_alembic_\(index)"
            try server.createDatabase(database)
            try server.psql("CREATE TABLE accounts (id serial PRIMARY KEY);", database: database)
            let folder = try TemporaryFolder.make("alembic-reversal")
            try FileManager.default.createDirectory(atPath: folder + "/migrations/versions", withIntermediateDirectories: true)
            try String("[alembic]\nscript_location = migrations\n").write(toFile: folder + "/alembic.ini", atomically: true, encoding: .utf8)
            let tools = try MigrationToolScenario.shared.get()
            try FileManager.default.copyItem(atPath: tools.repository.path + "/alembic/migrations/env.py", toPath: folder + "/migrations/env.py")
            let text = """
                from alembic import op
                import sqlalchemy as sa

                revision = "ab12cd34ef56"
                down_revision = None


                def upgrade():
                    op.add_column("accounts", sa.Column("note", sa.Text))


                def downgrade():
                \(migration.downgrade)

                """
            let path = "migrations/versions/ab12cd34ef56_\(migration.name).py"
            try text.write(toFile: folder + "/" + path, atomically: true, encoding: .utf8)
            let reading = try #require(CodeReversal.judge(.alembic, path: path, text: text))
            #expect(reading.reversible == migration.reversible, "\(migration.name): \(reading.reason)")
            let environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": "postgresql+psycopg://evidence@127.0.0.1:\(server.port)/\(database)"]) { $1 }
            let before = try Self.schema(database)
            let upgrade = try Command.run(alembic, ["-c", "alembic.ini", "upgrade", "head"], environment: environment, currentDirectory: folder)
            #expect(upgrade.status == 0, "\(upgrade.stderr)")
            // A downgrade() of `pass` succeeds and leaves the column: the schema shows it.
            let downgrade = try Command.run(alembic, ["-c", "alembic.ini", "downgrade", "base"], environment: environment, currentDirectory: folder)
            #expect(Self.undone(downgrade, before: before, after: try Self.schema(database)) == migration.reversible,
                    "\(migration.name): alembic says \(downgrade.stderr.suffix(300))")
        }
    }
}
