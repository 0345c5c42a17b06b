import EvidenceCore
import EvidenceTestSupport
import GitKit
import Testing

@Suite struct MigrationInspectorTests {
    /// The repository's changes over all history, newest first, by `classifier`.
    static func changes(in repo: FixtureRepository, classifier: PathClassifier = .defaults) throws -> (Repository, [Change]) {
        let repository = try Repository(path: repo.path)
        var changes = [Change]()
        try ChangeCollector(repository: repository, classifier: classifier).collect(branch: repository.resolveBranch("main"), window: .all) { changes.append($0) }
        return (repository, changes)
    }

    @Test func findsDownMigrationsByEachConventionInTheChangesTree() throws {
        let repo = try FixtureRepository("inspector")
        try repo.write("drizzle/0001_a.sql", "CREATE TABLE a (id int);\n")
        try repo.write("drizzle/0001_a.down.sql", "DROP TABLE a;\n")
        try repo.write("sql/migrations/0002_b.sql", "CREATE TABLE b (id int);\n")
        try repo.write("sql/migrations/down/0002_b.sql", "DROP TABLE b;\n")
        try repo.write("db/migration/V3__c.sql", "CREATE TABLE c (id int);\n")
        try repo.write("db/migration/U3__drop_c.sql", "DROP TABLE c;\n")
        try repo.write("db/migration/V4__d.sql", "CREATE TABLE d (id int);\n")
        try repo.write("drizzle/meta/_journal.json", "{}\n")
        try repo.commit("Migrations", date: "2026-07-01T10:00:00Z")
        try repo.write("drizzle/0001_a.sql", "CREATE TABLE a (id bigint);\n")
        try repo.commit("Edit an applied migration", date: "2026-07-02T10:00:00Z")

        let (repository, changes) = try Self.changes(in: repo, classifier: .defaults)
        let inspector = MigrationInspector(repository: repository)

        let files = Dictionary(uniqueKeysWithValues: try inspector.inspect(changes[1]).map { ($0.path, $0) })
        #expect(files["drizzle/0001_a.sql"]?.down == "drizzle/0001_a.down.sql")
        #expect(files["drizzle/0001_a.sql"]?.flavour == .drizzle)
        #expect(files["sql/migrations/0002_b.sql"]?.down == "sql/migrations/down/0002_b.sql")
        #expect(files["sql/migrations/down/0002_b.sql"]?.isDown == true)
        #expect(files["db/migration/V3__c.sql"]?.down == "db/migration/U3__drop_c.sql")
        #expect(files["db/migration/V3__c.sql"]?.flavour == .flyway)
        #expect(files["db/migration/V4__d.sql"]?.down == nil)
        #expect(files["drizzle/meta/_journal.json"]?.isScript == false)

        let edit = CorrelatedChange(change: changes[0], pullRequest: nil, match: nil, untrustedReference: nil,
                                    migrations: try inspector.inspect(changes[0]))
        let finding = MigrationImmutable().evaluate(edit, policy: .defaults)
        #expect(finding.status == .fail)
        #expect(finding.detail == "Already on the branch, then modified: drizzle/0001_a.sql.")
        let first = CorrelatedChange(change: changes[1], pullRequest: nil, match: nil, untrustedReference: nil,
                                     migrations: try inspector.inspect(changes[1]))
        let reversible = MigrationReversible().evaluate(first, policy: .defaults)
        #expect(reversible.status == .fail)
        #expect(reversible.detail.hasPrefix("No down migration for: db/migration/V4__d.sql (looked for db/migration/V4__d.down.sql, db/migration/down/V4__d.sql, db/migration/U4__*.sql)"))
    }

    @Test func aDownPatternFillsEachPlaceholderOnce() {
        let convention = DownConvention(patterns: ["{dir}/{stem}.down{ext}", "{dir}/{x{name}", "{dir}/U{version}__*{ext}"])
        // A folder whose name looks like a placeholder is not filled again; an unknown brace stays as written.
        #expect(convention.candidates(for: "db/{name}/0001_a.sql", version: "1")
            == ["db/{name}/0001_a.down.sql", "db/{name}/{x0001_a.sql", "db/{name}/U1__*.sql"])
        #expect(convention.candidates(for: "0002_b.up.sql", version: nil) == ["0002_b.down.sql", "0002_b.up.down.sql", "{x0002_b.up.sql"])
        #expect(convention.isDown("db/x/{x0001_a.sql"))
        #expect(convention.isDown("db/x/U7__undo.sql"))
        #expect(!convention.isDown("db/x/0001_a.sql"))
    }

    @Test func theDownConventionIsConfigurable() throws {
        let repo = try FixtureRepository("inspector-convention")
        try repo.write("sql/0001_a.sql", "CREATE TABLE a (id int);\n")
        try repo.write("sql/rollback/0001_a.undo.sql", "DROP TABLE a;\n")
        try repo.write("sql/0002_b.sql", "CREATE TABLE b (id int);\n")
        try repo.write("sql/0002_b.down.sql", "DROP TABLE b;\n")
        try repo.commit("Migrations", date: "2026-07-01T10:00:00Z")
        let config = try EvidenceConfig.parse("""
            paths:
              migrations:
                add: ["sql/**"]
            down_migrations: ["{dir}/rollback/{stem}.undo{ext}"]
            """, source: "settings.yml")
        let (repository, changes) = try Self.changes(in: repo, classifier: config.classifier)
        let files = Dictionary(uniqueKeysWithValues: try MigrationInspector(repository: repository, convention: config.downMigrations)
            .inspect(changes[0]).map { ($0.path, $0) })
        #expect(files["sql/0001_a.sql"]?.down == "sql/rollback/0001_a.undo.sql")
        #expect(files["sql/rollback/0001_a.undo.sql"]?.isDown == true)
        #expect(files["sql/0002_b.down.sql"]?.isDown == false, "the default convention no longer applies")
        #expect(files["sql/0002_b.sql"]?.downLookedFor == ["sql/rollback/0002_b.undo.sql"])

        let none = try EvidenceConfig.parse("down_migrations: []\n", source: "settings.yml")
        let change = CorrelatedChange(change: changes[0], pullRequest: nil, match: nil, untrustedReference: nil,
                                      migrations: try MigrationInspector(repository: repository, convention: none.downMigrations).inspect(changes[0]))
        #expect(MigrationReversible().evaluate(change, policy: .defaults).status == .notApplicable)
    }

    /// Without settings requiring them, down files are looked for only where the folder shows the convention in
    /// use: a folder holding none is not judged; with `down_migrations` set, every new migration is.
    @Test func reversibilityIsJudgedWhereTheConventionIsInUse() throws {
        let repo = try FixtureRepository("inspector-in-use")
        try repo.write("drizzle/0001_a.sql", "CREATE TABLE a (id int);\n")
        try repo.write("drizzle/0001_a.down.sql", "DROP TABLE a;\n")
        try repo.write("drizzle/0002_b.sql", "CREATE TABLE b (id int);\n")
        try repo.write("db/migrations/0001_c.sql", "CREATE TABLE c (id int);\n")
        try repo.commit("Migrations", date: "2026-07-01T10:00:00Z")
        try repo.move("db/migrations/0001_c.sql", "db/migrations/0001_c_renamed.sql")
        try repo.commit("Rename", date: "2026-07-02T10:00:00Z")
        let (repository, changes) = try Self.changes(in: repo, classifier: .defaults)
        func judged(_ change: Change, _ convention: DownConvention) throws -> (files: [String: MigrationFile], finding: Finding) {
            let files = try MigrationInspector(repository: repository, convention: convention).inspect(change)
            let correlated = CorrelatedChange(change: change, pullRequest: nil, match: nil, untrustedReference: nil, migrations: files)
            return (Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0) }), MigrationReversible().evaluate(correlated, policy: .defaults))
        }
        let added = try #require(changes.first { $0.subject == "Migrations" })
        let defaults = try judged(added, .defaults)
        #expect(defaults.files["drizzle/0002_b.sql"]?.downLookedFor == ["drizzle/0002_b.down.sql", "drizzle/down/0002_b.sql"], "drizzle/ uses down files")
        #expect(defaults.files["db/migrations/0001_c.sql"]?.downLookedFor == [], "db/migrations/ holds none: not judged")
        #expect(defaults.finding.status == .fail)
        #expect(defaults.finding.detail == "No down migration for: drizzle/0002_b.sql (looked for drizzle/0002_b.down.sql, drizzle/down/0002_b.sql).")

        let required = try EvidenceConfig.parse("down_migrations: [\"{dir}/{stem}.down{ext}\"]\n", source: "settings.yml").downMigrations
        #expect(try judged(added, required).files["db/migrations/0001_c.sql"]?.downLookedFor == ["db/migrations/0001_c.down.sql"])

        let renamed = try #require(changes.first { $0.subject == "Rename" })
        let moved = try judged(renamed, required)
        #expect(moved.finding.status == .notApplicable, "a renamed migration was judged when it was added: \(moved.finding.detail)")
    }

    /// A folder holding Drizzle's journal is Drizzle's wherever it lives, so ledger controls know its flavour.
    @Test func aFolderWithDrizzlesJournalIsDrizzleAnywhere() throws {
        let repo = try FixtureRepository("inspector-drizzle-anywhere")
        try repo.write("apps/server/migrations/0000_init.sql", "CREATE TABLE a (id int);\n")
        try repo.write("apps/server/migrations/meta/_journal.json", #"{"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1751500000000,"tag":"0000_init","breakpoints":true}]}"#)
        try repo.write("apps/server/migrations/meta/0000_snapshot.json", "{}\n")
        try repo.write("db/migrations/0001_other.sql", "CREATE TABLE b (id int);\n")
        try repo.commit("Migrations", date: "2026-07-01T10:00:00Z")
        let (repository, changes) = try Self.changes(in: repo, classifier: .defaults)
        let files = Dictionary(uniqueKeysWithValues: try MigrationInspector(repository: repository).inspect(changes[0]).map { ($0.path, $0) })
        #expect(files["apps/server/migrations/0000_init.sql"]?.flavour == .drizzle)
        #expect(files["apps/server/migrations/0000_init.sql"]?.journalWhen == 1_751_500_000_000)
        #expect(files["apps/server/migrations/meta/0000_snapshot.json"]?.flavour == .drizzle)
        #expect(files["db/migrations/0001_other.sql"]?.flavour == .generic)
    }
}
