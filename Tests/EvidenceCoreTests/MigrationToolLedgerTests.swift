import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// Ledgers written by the migration tools themselves — Django, Alembic, sqitch and ActiveRecord, run against a
/// real PostgreSQL server — read live and from psql's CSV export, matched to the committed migrations and judged.
@Suite(.serialized) struct MigrationToolLedgerTests {
    let scenario: MigrationToolScenario

    init() throws {
        scenario = try MigrationToolScenario.shared.get()
    }

    func live(_ kind: LedgerKind, _ tool: String) -> LedgerSource {
        LedgerSource(kind: kind, location: scenario.server.url(database: MigrationToolScenario.databases[tool]!))
    }

    func derive(_ ledgers: [Ledger]) throws -> Derived {
        let repository = try Repository(path: scenario.repository.path)
        return try Derived.derive(repository: repository, branch: try repository.resolveBranch("main"), config: .defaults,
                                  github: scenario.github.folder, ledgers: ledgers, window: try AuditWindow.between(from: scenario.from, to: scenario.to))
    }

    /// What a record says, without which file it came from.
    func facts(_ record: LedgerRecord) -> String {
        "\(record.row) \(record.kind) \(record.event) \(record.migration ?? "-") \(record.checksum ?? "-") \(record.appliedAt ?? -1) "
            + "\(record.appliedBy ?? "-") \(record.succeeded)"
    }

    /// `control` findings as `ledger row → status`.
    func statuses(_ evidence: Derived, _ control: String) -> [String: FindingStatus] {
        var statuses = [String: FindingStatus]()
        for finding in evidence.findings where finding.control == control {
            let location = finding.detail.firstMatch(of: #/inputs/ledgers/[a-z-]+/[^ ]+ (row|line)s? [0-9-]+/#).map { String($0.0) } ?? "-"
            statuses[location] = finding.status
        }
        return statuses
    }

    func deployed(_ evidence: Derived, _ change: String) throws -> Finding {
        try #require(evidence.findings.first { $0.control == "CC8.1-deployed" && $0.change == scenario.commits[change] })
    }

    @Test func eachToolsTableReadsLiveAsItsCSVExport() throws {
        let exports: [(LedgerKind, String, String)] = [
            (.django, "django", "SELECT id, app, name, applied FROM django_migrations ORDER BY id"),
            (.alembic, "alembic", "SELECT version_num FROM alembic_version"),
            (.sqitch, "sqitch", "SELECT * FROM sqitch.changes ORDER BY committed_at"),
            (.rails, "rails", "SELECT version FROM schema_migrations ORDER BY version"),
        ]
        for (kind, tool, query) in exports {
            let live = try LedgerLoader.load([self.live(kind, tool)])[0]
            // The kind of an export is told from its header alone.
            let file = try LedgerLoader.load([LedgerSource(kind: nil, location: try scenario.export(query, tool: tool))])[0]
            #expect(file.kind == kind)
            #expect(live.records.map(facts) == file.records.map(facts), "\(kind)")
            #expect(!live.records.isEmpty)
        }
    }

    @Test func djangoRowsAreMatchedByAppAndNameAndNeverPassByteForByte() throws {
        let evidence = try derive(try LedgerLoader.load([live(.django, "django")]))
        let ledger = "inputs/ledgers/django/\(MigrationToolScenario.databases["django"]!).csv"
        #expect(statuses(evidence, "CC8.1-applied-as-reviewed") == [
            "\(ledger) row 1": .info,     // shop.0001_initial: matched by name only
            "\(ledger) row 2": .info,     // shop.0002_order_note
            "\(ledger) row 3": .fail,     // shop.0003_hotfix: no committed file has it
        ])
        let first = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("\(ledger) row 1") })
        #expect(first.change == scenario.commits["django"] && first.pullRequest == 1 && first.paths == ["django/shop/migrations/0001_initial.py"])
        #expect(first.detail.contains("Matched by name only") && first.detail.contains("migrate --fake"))
        let hotfix = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.status == .fail })
        #expect(hotfix.detail.contains("shop.0003_hotfix, which no committed migration file is") && hotfix.change == nil)
        // Django records real apply times: 0002 ran (under faketime) two hours before PR #5 was approved.
        #expect(statuses(evidence, "CC8.1-applied-after-approval") == ["\(ledger) row 1": .pass, "\(ledger) row 2": .fail])
        let early = try #require(evidence.findings.first { $0.control == "CC8.1-applied-after-approval" && $0.status == .fail })
        #expect(early.detail.contains("before the first qualifying approval (bob at \(scenario.laterApproved))"))
        #expect(try deployed(evidence, "django").status == .pass)
    }

    @Test func anAlembicHeadAppliesItsAncestorsAndNothingAfterIt() throws {
        let evidence = try derive(try LedgerLoader.load([live(.alembic, "alembic")]))
        let ledger = "inputs/ledgers/alembic/\(MigrationToolScenario.databases["alembic"]!).csv"
        #expect(statuses(evidence, "CC8.1-applied-as-reviewed") == ["\(ledger) row 1": .info])
        let reason = try #require(evidence.findings.first { $0.control == "CC8.1-applied-after-approval" })
        #expect(reason.status == .notApplicable && reason.detail.hasSuffix("alembic_version records only the current head; apply times are not evidenced."))
        // The head 2b3c4d5e6f70 and its ancestor 1a2b3c4d5e6f came in PR #2: both applied by the one row.
        let applied = try deployed(evidence, "alembic")
        #expect(applied.status == .pass)
        #expect(applied.detail.contains("1a2b3c4d5e6f_orders.py: applied (\(ledger) row 1)"))
        #expect(applied.detail.contains("2b3c4d5e6f70_items.py: applied (\(ledger) row 1)"))
        // PR #5's 3c4d5e6f7081 comes after the head: pending.
        let later = try deployed(evidence, "later")
        #expect(later.detail.contains("3c4d5e6f7081_tags.py: pending: not at or before the head 2b3c4d5e6f70 that \(ledger) records"))
    }

    @Test func sqitchChangesMatchByScriptHashAndEventsShowTheRevert() throws {
        // Live, both registry tables are read: changes, then events beside them.
        let ledgers = try LedgerLoader.load([live(.sqitch, "sqitch")])
        #expect(ledgers.map(\.bundlePath) == ["inputs/ledgers/sqitch/tool_sqitch.csv", "inputs/ledgers/sqitch/tool_sqitch-events.csv"])
        #expect(ledgers[1].source == scenario.server.url(database: "tool_sqitch") + "#sqitch.events")
        // The events table exported by psql reads as the same records, its kind told from its header.
        let events = try LedgerLoader.load([LedgerSource(kind: nil, location: try scenario.export("SELECT * FROM sqitch.events ORDER BY committed_at", tool: "sqitch"))])[0]
        #expect(events.kind == .sqitch && events.records.map(facts) == ledgers[1].records.map(facts))
        let evidence = try derive(ledgers)
        let changes = "inputs/ledgers/sqitch/\(MigrationToolScenario.databases["sqitch"]!).csv"
        // sqitch.changes holds what is deployed now: orders, by the SHA-1 of deploy/orders.sql.
        #expect(ledgers[0].records.map(\.migration) == ["orders"])
        let orders = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("\(changes) row 1") })
        #expect(orders.status == .pass && orders.paths == ["sqitch/deploy/orders.sql"] && orders.pullRequest == 3)
        #expect(orders.detail.contains("by Deploy Bot <deploy@example.com>"))
        // The events: deploy orders, deploy items, revert items; items is reverted, not applied.
        #expect(ledgers[1].records.map(\.event) == [.migrationApplied, .migrationApplied, .migrationReverted])
        let state = try deployed(evidence, "sqitch")
        #expect(state.status == .info)
        #expect(state.detail.contains("sqitch/deploy/orders.sql: applied ("))
        #expect(state.detail.contains("sqitch/deploy/items.sql: reverted (inputs/ledgers/sqitch/tool_sqitch-events.csv row 3"))
        #expect(!state.detail.contains("revert/items.sql") && !state.detail.contains("verify/"))
    }

    @Test func railsVersionsMatchTheirFilesAndAStrayVersionFails() throws {
        let evidence = try derive(try LedgerLoader.load([live(.rails, "rails")]))
        let ledger = "inputs/ledgers/rails/\(MigrationToolScenario.databases["rails"]!).csv"
        #expect(statuses(evidence, "CC8.1-applied-as-reviewed") == ["\(ledger) row 1": .info, "\(ledger) row 2": .info, "\(ledger) row 3": .fail])
        #expect(statuses(evidence, "CC8.1-applied-after-approval").values.allSatisfy { $0 == .notApplicable })
        #expect(try deployed(evidence, "rails").status == .pass)
        // Reversibility by the code: create_table in a change is; an `up` without `down` is not.
        let reversible = try #require(evidence.findings.first { $0.control == "CC8.1-migration-reversible" && $0.change == scenario.commits["rails"] })
        #expect(reversible.status == .fail)
        #expect(reversible.detail == "Cannot be undone: rails/db/migrate/20260702120000_add_note.rb (def up without def down).")
        for name in ["django", "alembic", "sqitch"] {
            let finding = try #require(evidence.findings.first { $0.control == "CC8.1-migration-reversible" && $0.change == scenario.commits[name] })
            #expect(finding.status == .pass, "\(name): \(finding.detail)")
        }
        let sqitch = try #require(evidence.findings.first { $0.control == "CC8.1-migration-reversible" && $0.change == scenario.commits["sqitch"] })
        #expect(sqitch.detail == "Down migrations: sqitch/deploy/items.sql -> sqitch/revert/items.sql, sqitch/deploy/orders.sql -> sqitch/revert/orders.sql.")
    }
}

/// Liquibase, Atlas, golang-migrate and Knex tables made from each tool's documented DDL, read live.
@Suite(.serialized) struct DocumentedLedgerTableTests {
    let tools: MigrationToolLedgerTests

    init() throws { tools = try MigrationToolLedgerTests() }

    func ledger(_ tool: String) -> String { "inputs/ledgers/\(tool)/\(MigrationToolScenario.databases[tool]!).csv" }

    @Test func liquibaseChangesetsMatchByIdAuthorAndFileAndOnlyExecutedOnesApply() throws {
        let kind = LedgerKind.liquibase
        let evidence = try tools.derive(try LedgerLoader.load([tools.live(kind, "liquibase")]))
        let at = ledger("liquibase")
        #expect(tools.statuses(evidence, "CC8.1-applied-as-reviewed") == ["\(at) row 1": .info, "\(at) row 2": .info, "\(at) row 3": .info, "\(at) row 4": .fail])
        let marked = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("\(at) row 2") })
        #expect(marked.detail.contains("[MARK_RAN]") && marked.detail.contains("not run"))
        // classpath: and the folder Liquibase ran from do not matter: the changeset is in the committed file.
        let items = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("\(at) row 3") })
        #expect(items.paths == ["liquibase/db/changelog/changes/002-items.xml"] && items.pullRequest == 6)
        #expect(tools.statuses(evidence, "CC8.1-applied-after-approval")["\(at) row 1"] == .pass)
        // The master changelog includes the others and runs nothing itself: it is not waiting for a row.
        let state = try tools.deployed(evidence, "liquibase")
        #expect(state.status == .pass && !state.detail.contains("db.changelog-master.xml"), "\(state.detail)")
    }

    @Test func atlasRevisionsMatchByTheSumOfTheFileAndAnErrorIsNoApply() throws {
        let evidence = try tools.derive(try LedgerLoader.load([tools.live(.atlas, "atlas")]))
        let at = ledger("atlas")
        // Atlas' hash is atlas.sum's sum of the bytes: a match is byte for byte, and a sum nothing has fails.
        #expect(tools.statuses(evidence, "CC8.1-applied-as-reviewed") == ["\(at) row 1": .pass, "\(at) row 2": .pass, "\(at) row 3": .fail])
        let state = try tools.deployed(evidence, "atlas")
        #expect(state.status == .info)
        #expect(state.detail.contains("20260701000000_orders.sql: applied ("))
        #expect(state.detail.contains("20260702000000_items.sql: not applied: its runs failed, were rolled back or were not run ("))
    }

    @Test func aGolangMigrateVersionAppliesEveryLowerOneAndDirtyIsAFailure() throws {
        let evidence = try tools.derive(try LedgerLoader.load([tools.live(.golangMigrate, "golang-migrate")]))
        let at = ledger("golang-migrate")
        let state = try tools.deployed(evidence, "golang-migrate")
        #expect(state.detail.contains("go/migrations/000001_orders.up.sql: applied (\(at) row 1)"))
        #expect(state.detail.contains("go/migrations/000002_items.up.sql: not applied: its runs failed"))
        #expect(state.detail.contains("go/migrations/000003_tags.up.sql: pending: not at or before the head 2 that \(at) records"))
        #expect(!state.detail.contains(".down.sql"))
        // Each .up.sql has its .down.sql by golang-migrate's own naming.
        let reversible = try #require(evidence.findings.first { $0.control == "CC8.1-migration-reversible" && $0.change == tools.scenario.commits["golang-migrate"] })
        #expect(reversible.status == .pass, "\(reversible.detail)")
    }

    @Test func knexRowsMatchByFileName() throws {
        let evidence = try tools.derive(try LedgerLoader.load([tools.live(.knex, "knex")]))
        let at = ledger("knex")
        #expect(tools.statuses(evidence, "CC8.1-applied-as-reviewed") == ["\(at) row 1": .info, "\(at) row 2": .fail])
        #expect(tools.statuses(evidence, "CC8.1-applied-after-approval") == ["\(at) row 1": .pass])
        #expect(try tools.deployed(evidence, "knex").status == .pass)
    }
}
