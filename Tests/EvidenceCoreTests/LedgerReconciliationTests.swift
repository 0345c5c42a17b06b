import EvidenceCore
import EvidenceTestSupport
import Foundation
import GitKit
import Testing

/// The ledger controls on a repository with Drizzle, Prisma, Flyway and Terraform and one ledger of each kind.
@Suite struct LedgerReconciliationTests {
    let scenario: LedgerScenario
    let evidence: Derived

    init() throws {
        let scenario = try LedgerScenario.shared.get()
        self.scenario = scenario
        let repository = try Repository(path: scenario.repository.path)
        let ledgers = try LedgerLoader.load(["drizzle", "prisma", "flyway", "events"].map {
            LedgerSource(kind: nil, location: scenario.ledgers[$0]!)
        })
        evidence = try Derived.derive(repository: repository, branch: try repository.resolveBranch("main"), config: .defaults,
                                                 github: scenario.github.folder, ledgers: ledgers, window: try AuditWindow.named("2026-Q3"))
    }

    /// Findings of `control`, as `location → status` for record findings.
    func byRecord(_ control: String) -> [String: FindingStatus] {
        var statuses = [String: FindingStatus]()
        for finding in evidence.findings where finding.control == control {
            let location = finding.detail.firstMatch(of: #/inputs/ledgers/[a-z]+/[^ ]+ (row|line) \d+/#).map { String($0.0) } ?? "?"
            statuses[location] = finding.status
        }
        return statuses
    }

    func onChange(_ control: String, _ name: String) -> Finding? {
        evidence.findings.first { $0.control == control && $0.change == scenario.commits[name] }
    }

    @Test func everyRowInTheWindowIsMatchedOrReported() {
        #expect(byRecord("CC8.1-applied-as-reviewed") == [
            "inputs/ledgers/drizzle/drizzle_migrations.csv row 2": .pass,
            "inputs/ledgers/drizzle/drizzle_migrations.csv row 3": .pass,
            "inputs/ledgers/drizzle/drizzle_migrations.csv row 4": .fail,          // hand-inserted
            "inputs/ledgers/prisma/prisma_migrations.csv row 2": .pass,            // the LF checksum of a CRLF file
            "inputs/ledgers/prisma/prisma_migrations.csv row 3": .fail,            // edited by hand before it ran
            "inputs/ledgers/flyway/flyway_schema_history.csv row 3": .pass,        // the V2 that was reviewed, before the edit
            "inputs/ledgers/events/deploy-events.jsonl line 1": .pass,
            "inputs/ledgers/events/deploy-events.jsonl line 2": .pass,
        ])
        // Rows that ran before the window (or, for Drizzle, whose bytes came before it) are counted, not judged.
        #expect(evidence.diagnostics.contains(Diagnostic(subject: "inputs/ledgers/drizzle/drizzle_migrations.csv",
                                                         message: "1 record(s) ran outside the window; counted, not judged")))
        #expect(evidence.diagnostics.contains(Diagnostic(subject: "inputs/ledgers/flyway/flyway_schema_history.csv",
                                                         message: "2 record(s) ran outside the window; counted, not judged")))
        #expect(evidence.diagnostics.contains(Diagnostic(subject: "inputs/ledgers/events/deploy-events.jsonl",
                                                         message: "1 event(s) of other types; not about migrations or Terraform")))
    }

    @Test func anUnmatchedRowIsTiedToNoChangeAndNamesItsHash() throws {
        let hand = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("drizzle_migrations.csv row 4") })
        #expect(hand.change == nil && hand.pullRequest == nil && hand.paths.isEmpty)
        #expect(hand.detail.contains(try LedgerScenario.sha256(Array("ALTER TABLE users ADD COLUMN admin boolean;\n".utf8))))
        let matched = try #require(evidence.findings.first { $0.control == "CC8.1-applied-as-reviewed" && $0.detail.contains("flyway_schema_history.csv row 3") })
        #expect(matched.change == scenario.commits["flyway"] && matched.pullRequest == 5 && matched.paths == ["db/flyway/V2__add_col.sql"])
    }

    @Test func appliesBeforeApprovalFailOnlyWhereTheLedgerKnowsTheTime() throws {
        #expect(byRecord("CC8.1-applied-after-approval") == [
            "inputs/ledgers/events/deploy-events.jsonl line 1": .fail,        // staging, before bob approved
            "inputs/ledgers/events/deploy-events.jsonl line 2": .pass,
            "inputs/ledgers/prisma/prisma_migrations.csv row 2": .pass,
            "inputs/ledgers/flyway/flyway_schema_history.csv row 3": .pass,
            // Drizzle's created_at is the journal's time: not evidence either way, and said so.
            "inputs/ledgers/drizzle/drizzle_migrations.csv row 2": .notApplicable,
            "inputs/ledgers/drizzle/drizzle_migrations.csv row 3": .notApplicable,
            // Terraform applies are judged by the change they applied: line 5 ran before PR #7 was merged.
            "inputs/ledgers/events/deploy-events.jsonl line 4": .pass,
            "inputs/ledgers/events/deploy-events.jsonl line 5": .fail,
        ])
        let early = try #require(evidence.findings.first { $0.control == "CC8.1-applied-after-approval" && $0.status == .fail })
        #expect(early.detail == "inputs/ledgers/events/deploy-events.jsonl line 1 (staging, 2026-07-01T10:00:00Z, by deploy-bot, run 101) ran "
            + "drizzle/0001_orders.sql before the first qualifying approval (bob at 2026-07-01T12:00:00Z) and before pull request #1 was merged at 2026-07-02T12:00:00Z.")
        #expect(early.change == scenario.commits["orders"] && early.pullRequest == 1)
    }

    @Test func terraformAppliesMustComeFromTheBranch() throws {
        #expect(byRecord("CC8.1-iac-applied-from-branch") == [
            "inputs/ledgers/events/deploy-events.jsonl line 4": .pass,
            "inputs/ledgers/events/deploy-events.jsonl line 5": .fail,   // applied before the commit reached main
            "inputs/ledgers/events/deploy-events.jsonl line 6": .fail,   // a feature-branch commit
            "inputs/ledgers/events/deploy-events.jsonl line 7": .fail,   // not in the repository
        ])
        let feature = try #require(evidence.findings.first { $0.control == "CC8.1-iac-applied-from-branch" && $0.detail.contains("line 6") })
        #expect(feature.change == scenario.commits["experiment"], "tied to the commit it ran, not to any change of the population")
        #expect(feature.detail.hasSuffix("from commit \(scenario.commits["experiment"]!), which is in the repository but was never a state of the audited branch."))
        let pass = try #require(evidence.findings.first { $0.control == "CC8.1-iac-applied-from-branch" && $0.detail.contains("line 4") })
        #expect(pass.change == scenario.commits["prod"])
    }

    @Test func deployedSaysAppliedPendingOrSkipped() throws {
        #expect(onChange("CC8.1-deployed", "orders")?.status == .pass)
        #expect(onChange("CC8.1-deployed", "tags")?.status == .pass)
        #expect(onChange("CC8.1-deployed", "email")?.status == .pass)
        #expect(onChange("CC8.1-deployed", "flyway")?.status == .pass)
        let items = try #require(onChange("CC8.1-deployed", "items"))
        #expect(items.status == .info)
        #expect(items.detail == "drizzle/0002_items.sql: skipped: its journal when 1782896400000 is not newer than the newest created_at "
            + "1783065600000 in inputs/ledgers/drizzle/drizzle_migrations.csv, so drizzle's migrator will never apply it.")
        #expect(onChange("CC8.1-deployed", "edit")?.status == .notApplicable)
    }

    @Test func migrationControlsOnTheScenario() {
        #expect(onChange("CC8.1-migration-immutable", "edit")?.status == .fail)
        #expect(onChange("CC8.1-migration-reversible", "orders")?.status == .pass)   // down/ folder
        // db/flyway/ holds no undo file at all: the convention is not in use there, so V2 is not judged.
        #expect(onChange("CC8.1-migration-reversible", "flyway")?.status == .notApplicable)
    }

    @Test func iacPinnedJudgesRootModules() throws {
        let staging = try #require(onChange("CC8.1-iac-pinned", "staging"))
        #expect(staging.status == .fail)
        #expect(staging.detail == "infra/staging: no required_version, provider aws has no version constraint, no committed .terraform.lock.hcl.")
        let prod = try #require(onChange("CC8.1-iac-pinned", "prod"))
        #expect(prod.status == .pass)
        #expect(prod.detail == "infra/prod: terraform >= 1.6.0, aws ~> 5.0, lock file committed.")
    }

    @Test func changesShowTheirLedgerMatches() throws {
        let record = try #require(evidence.records.first { $0.change.commit == scenario.commits["orders"] })
        let file = try #require(record.migrations.first { $0.path == "drizzle/0001_orders.sql" })
        #expect(file.journalWhen == 1_782_892_800_000)
        #expect(file.applies.map(\.ledger) == ["inputs/ledgers/drizzle/drizzle_migrations.csv", "inputs/ledgers/events/deploy-events.jsonl",
                                               "inputs/ledgers/events/deploy-events.jsonl"])
        let production = try #require(file.applies.last)
        #expect(production.environment == "production" && production.appliedAt == "2026-07-02T13:00:00Z")
        #expect(production.appliedBy == "deploy-bot" && production.runID == "102" && production.commit == scenario.commits["orders"])
    }

    @Test func theOrderLedgersAreGivenInDoesNotChangeTheEvidence() throws {
        let repository = try Repository(path: scenario.repository.path)
        let reversed = try LedgerLoader.load(["events", "flyway", "prisma", "drizzle"].map { LedgerSource(kind: nil, location: scenario.ledgers[$0]!) })
        let again = try Derived.derive(repository: repository, branch: try repository.resolveBranch("main"), config: .defaults,
                                                  github: scenario.github.folder, ledgers: reversed, window: try AuditWindow.named("2026-Q3"))
        #expect(try again.findingsJSON() == evidence.findingsJSON())
        #expect(try again.changesJSONLines() == evidence.changesJSONLines())
    }
}
