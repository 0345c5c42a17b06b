/// `CC8.1-deployed` (informational): whether each migration a change added reached the ledgers given — applied,
/// pending (no row yet), or, for Drizzle, skipped: its journal `when` is not newer than the newest applied row's
/// `created_at`, and Drizzle's migrator only runs newer ones, so it will never run.
public struct Deployed: ChangeControl {
    public static let id = "CC8.1-deployed"
    public static let isInformational = true

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        let added = change.migrations.filter { $0.status == .added && $0.isScript && !$0.isDown }
        guard !added.isEmpty else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No new migration.")
        }
        guard !change.ledgers.isEmpty else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No ledger given.")
        }
        var states = [String]()
        var covered = false
        var allApplied = true
        for file in added {
            let state = Self.state(of: file, ledgers: change.ledgers)
            states.append("\(file.path): \(state.text)")
            guard let applied = state.applied else { continue }
            covered = true
            if !applied { allApplied = false }
        }
        guard covered else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: states.joined(separator: "; ") + ".")
        }
        return Finding(control: Self.id, status: allApplied ? .pass : .info, on: change, detail: states.joined(separator: "; ") + ".")
    }

    /// Where a new migration stands in the ledgers that record its flavour: `applied` true or false, with the words
    /// (`applied (...)`, `reverted (...)`, `not applied: ...`, `skipped: ...`, `pending: ...`); `applied` nil when no
    /// ledger given records migrations of its kind. `why` says the same of each version.
    static func state(of file: MigrationFile, ledgers all: [LedgerCoverage]) -> (applied: Bool?, text: String) {
        let ledgers = all.filter { $0.records(file.flavour) }
        guard !ledgers.isEmpty else { return (nil, "no ledger given records \(file.flavour.rawValue) migrations") }
        // Applied in any ledger that records it counts; each ledger has its own rows for it. A run the ledger
        // records as failed or rolled back (Prisma's unfinished or rolled-back row) is not an apply.
        func described(_ apply: LedgerApply) -> String {
            let place = [apply.environment, apply.time.map { "at \($0)" }, apply.appliedBy.map { "by \($0)" }].compactMap { $0 }
            return "\(apply.ledger) \(apply.rows)" + (place.isEmpty ? "" : " " + place.joined(separator: " "))
        }
        // A revert (sqitch) undoes the applies before it in its ledger: what stands is each ledger's last word.
        var standing = [LedgerApply]()
        var reverts = [LedgerApply]()
        for apply in file.applies where apply.succeeded {
            if apply.reverted {
                standing.removeAll { $0.ledger == apply.ledger }
                reverts.append(apply)
            } else {
                standing.append(apply)
                reverts.removeAll { $0.ledger == apply.ledger }
            }
        }
        let applied = standing.map(described)
        let failed = file.applies.filter { !$0.succeeded }.map(described)
        let failures = failed.isEmpty ? "" : "; failed, rolled back or not run: " + failed.joined(separator: "; ")
        if !applied.isEmpty { return (true, "applied (\(applied.joined(separator: "; "))\(failures))") }
        if !reverts.isEmpty { return (false, "reverted (\(reverts.map(described).joined(separator: "; "))\(failures))") }
        if !failed.isEmpty { return (false, "not applied: its runs failed, were rolled back or were not run (\(failed.joined(separator: "; ")))") }
        if let drizzle = ledgers.first(where: { $0.kind.format.capabilities.skipsOlderThanNewest }), let when = file.journalWhen,
           let newest = drizzle.newestJournalWhen, when <= newest {
            return (false, "skipped: its journal when \(when) is not newer than the newest created_at \(newest) in "
                + "\(drizzle.ledger), so drizzle's migrator will never apply it")
        }
        // A head ledger (Alembic, golang-migrate) has a row only for the newest; the rest are below it.
        let heads = ledgers.filter { $0.kind.format.matching.holdsHead }
        let rows = ledgers.filter { !heads.contains($0) }
        return (false, "pending: " + (
            (rows.isEmpty ? [] : ["no row in " + rows.map(\.ledger).joined(separator: ", ")])
                + heads.map { coverage in
                    coverage.heads.isEmpty ? "\(coverage.ledger) records no head"
                        : "not at or before the head \(coverage.heads.joined(separator: ", ")) that \(coverage.ledger) records"
                }).joined(separator: "; "))
    }

    static let production = LedgerCoverage(ledger: "inputs/ledgers/drizzle/production.csv", kind: .drizzle, newestJournalWhen: 1_751_500_000_000)

    public static let examples: [ControlExample] = [
        ControlExample("applied", Example.deployed(Example.sql("drizzle/0007_orders.sql", journalWhen: 1_751_600_000_000, applies: [
            Example.apply(ledger: production.ledger, row: 8),
        ]), ledgers: [production]), expect: .pass),
        ControlExample("only a rolled-back run", Example.deployed(Example.sql("drizzle/0007_orders.sql", journalWhen: 1_751_600_000_000, applies: [
            Example.apply(ledger: production.ledger, row: 8, succeeded: false),
        ]), ledgers: [production]), expect: .info),
        ControlExample("no row yet, newer than the newest applied", Example.deployed(
            Example.sql("drizzle/0007_orders.sql", journalWhen: 1_751_600_000_000), ledgers: [production]), expect: .info),
        ControlExample("no row, older than the newest applied: skipped", Example.deployed(
            Example.sql("drizzle/0007_orders.sql", journalWhen: 1_751_400_000_000), ledgers: [production]), expect: .info),
        ControlExample("prisma migration, only an events ledger", Example.deployed(
            Example.sql("prisma/migrations/20260701_orders/migration.sql", flavour: .prisma),
            ledgers: [LedgerCoverage(ledger: "inputs/ledgers/events/deploys.jsonl", kind: .events)]), expect: .info),
        ControlExample("prisma migration, only a drizzle ledger", Example.deployed(
            Example.sql("prisma/migrations/20260701_orders/migration.sql", flavour: .prisma), ledgers: [production]), expect: .notApplicable),
        ControlExample("deployed, then reverted", Example.deployed(Example.sql("deploy/orders.sql", flavour: .sqitch, applies: [
            Example.apply(ledger: "inputs/ledgers/sqitch/events.csv", row: 1),
            Example.apply(ledger: "inputs/ledgers/sqitch/events.csv", row: 2, reverted: true),
        ]), ledgers: [LedgerCoverage(ledger: "inputs/ledgers/sqitch/events.csv", kind: .sqitch)]), expect: .info),
        ControlExample("an alembic revision not below the head", Example.deployed(
            Example.sql("alembic/versions/ae1027a6acf_orders.py", flavour: .alembic),
            ledgers: [LedgerCoverage(ledger: "inputs/ledgers/alembic/production.csv", kind: .alembic)]), expect: .info),
        ControlExample("no ledger given", Example.deployed(Example.sql("drizzle/0007_orders.sql"), ledgers: []), expect: .notApplicable),
        ControlExample("infrastructure only", Example.reviewed(), expect: .notApplicable),
    ]
}
