import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// How each migration tool's committed files are named for its ledger, and what its rows say, on the shapes the
/// tools write: Alembic's merge revisions, Liquibase's changelog formats, sqitch's nested changes.
@Suite struct LedgerFormatTests {
    func names(_ format: any LedgerFormat.Type, _ path: String, _ text: String = "") -> [MigrationName] {
        format.names(of: path, bytes: { Array(text.utf8) })
    }

    @Test func alembicRevisionsNameTheirParentsIncludingAMerge() {
        let merge = """
            \"\"\"merge heads\"\"\"
            revision = 'c0ffee000001'
            down_revision = ('ae1027a6acf', '1975ea83b712')
            branch_labels = None
            """
        #expect(names(AlembicLedger.self, "migrations/versions/c0ffee000001_merge.py", merge)
                == [MigrationName("c0ffee000001", path: "migrations/versions/c0ffee000001_merge.py", parents: ["ae1027a6acf", "1975ea83b712"])])
        let typed = "revision: str = \"aa11\"\ndown_revision: Union[str, Sequence[str], None] = None\n"
        #expect(names(AlembicLedger.self, "alembic/versions/aa11_init.py", typed).first?.parents == [])
        #expect(names(AlembicLedger.self, "alembic/env.py", typed).isEmpty)
        #expect(names(AlembicLedger.self, "alembic/versions/README", typed).isEmpty)
    }

    @Test func otherToolsNameTheirFilesAsTheirLedgersDo() {
        #expect(names(DjangoLedger.self, "apps/shop/migrations/0002_author.py").map(\.name) == ["shop.0002_author"])
        #expect(names(DjangoLedger.self, "apps/shop/migrations/__init__.py").isEmpty)
        #expect(names(RailsLedger.self, "db/migrate/20260701120000_add_orders.rb").map(\.name) == ["20260701120000"])
        #expect(names(GolangMigrateLedger.self, "db/migrations/000042_orders.up.sql").map(\.name) == ["42"])
        #expect(names(GolangMigrateLedger.self, "db/migrations/000042_orders.down.sql").isEmpty)
        #expect(names(KnexLedger.self, "migrations/20260701_orders.ts").map(\.name) == ["20260701_orders.ts"])
        #expect(names(SqitchLedger.self, "db/deploy/app/orders.sql").map(\.name) == ["app/orders"])
        #expect(names(SqitchLedger.self, "db/revert/orders.sql").isEmpty)
        let sum = "h1:total=\n20260701_orders.sql h1:AAAA=\n20260702_items.sql h1:BBBB=\n"
        #expect(names(AtlasLedger.self, "db/migrations/atlas.sum", sum)
                == [MigrationName("AAAA=", path: "db/migrations/20260701_orders.sql"), MigrationName("BBBB=", path: "db/migrations/20260702_items.sql")])
    }

    @Test func liquibaseChangesetsAreReadFromEachChangelogFormat() {
        let yaml = """
            databaseChangeLog:
              - changeSet:
                  id: create-orders
                  author: alice
                  changes:
                    - createTable:
                        tableName: orders
              - changeSet:
                  id: "2"
                  author: "bob"
            """
        #expect(names(LiquibaseLedger.self, "src/main/resources/db/changelog/orders.yaml", yaml).map(\.name)
                == ["create-orders::alice::orders.yaml", "2::bob::orders.yaml"])
        let json = #"{"databaseChangeLog": [{"changeSet": {"id": "7", "author": "carol", "changes": []}}]}"#
        #expect(names(LiquibaseLedger.self, "db/changelog/x.json", json).map(\.name) == ["7::carol::x.json"])
        let xml = #"<databaseChangeLog><changeSet author="dave" id="8"><sql>SELECT 1</sql></changeSet></databaseChangeLog>"#
        #expect(names(LiquibaseLedger.self, "db/changelog/x.xml", xml).map(\.name) == ["8::dave::x.xml"])
        #expect(names(LiquibaseLedger.self, "db/changelog/master.xml", #"<databaseChangeLog><include file="x.xml"/></databaseChangeLog>"#).isEmpty)
        let record = LedgerRecord(ledger: "l", row: 1, kind: .liquibase, migration: "classpath:db/changelog/x.xml::8::dave [MARK_RAN]")
        #expect(LiquibaseLedger.matchName(of: record) == "8::dave::x.xml")
    }

    func read(_ text: String, kind: LedgerKind? = nil) throws -> Ledger {
        try LedgerReader.read(Array(text.utf8), file: "ledger.csv", kind: kind, source: "ledger.csv") { "inputs/ledgers/\($0.rawValue)/ledger.csv" }
    }

    @Test func rowsSayWhatTheirToolMeans() throws {
        let golang = try read("version,dirty\n42,true\n")
        #expect(golang.kind == .golangMigrate && golang.records[0].migration == "42" && !golang.records[0].succeeded)
        let rails = try read("version\n20260701120000\n")
        #expect(rails.kind == .rails && rails.records[0].appliedAt == nil)
        let atlas = try read("version,description,type,executed_at,hash,error\n1,baseline,1,2026-07-01 10:00:00+00,h1:AAAA=,\n2,orders,2,2026-07-02 10:00:00+00,h1:BBBB=,boom\n")
        #expect(atlas.kind == .atlas && atlas.records[0].checksum == nil && atlas.records[1].succeeded == false)
        #expect(AtlasLedger.matchName(of: atlas.records[1]) == "BBBB=")
        let knex = try read("id,name,batch,migration_time\n1,20260701_orders.js,1,2026-07-02 10:00:00+00\n")
        #expect(knex.kind == .knex && knex.records[0].appliedAt == Timestamp.parse("2026-07-02T10:00:00Z"))
    }

    @Test(arguments: [
        ("version,dirty\n42,maybe\n", "ledger.csv: row 1, dirty: 'maybe' is not true or false"),
        ("version,dirty\nv42,false\n", "ledger.csv: row 1, version: 'v42' is not a whole number"),
        ("id,author,filename,dateexecuted,exectype\n1,a,f.sql,2026-07-01 10:00:00,RAN\n", "ledger.csv: row 1, exectype: 'RAN' is not a Liquibase EXECTYPE"),
        ("event,change_id,change,committed_at\nundeploy,1,orders,2026-07-01 10:00:00+00\n", "ledger.csv: row 1, event: 'undeploy' is not a sqitch event"),
        ("id,app,name,applied\n1,shop,0001_initial,never\n", "ledger.csv: row 1, applied: 'never' is not a time"),
    ])
    func unusableRowsNameTheFileRowAndColumn(text: String, message: String) {
        do { _ = try read(text); Issue.record("accepted: \(text)") } catch { #expect("\(error)" == message) }
    }
}
