/// `CC8.1-migration-reversible`: every migration a change adds can be undone (SPEC §12): an SQL migration by
/// its down migration (the SPEC §2 convention, Flyway's `U` file, sqitch's revert script); a Rails, Django or
/// Alembic migration by its own code (`def down` or a reversible `change`, operations with their reverse, a
/// `downgrade()` that does something).
public struct MigrationReversible: ChangeControl {
    public static let id = "CC8.1-migration-reversible"

    /// Flavours whose migrations are SQL files, judged by the down-file convention.
    static let sqlFlavours: Set<MigrationFlavour> = [.drizzle, .prisma, .flyway, .generic, .sqitch]

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        // A moved or renamed migration was judged when it was added (`immutable` reports the move).
        let added = change.migrations.filter { $0.status == .added && $0.isScript && !$0.isDown }
        let bySQL = added.filter { Self.sqlFlavours.contains($0.flavour) && $0.path.hasSuffix(".sql") }
        let byCode = added.filter { $0.reversal != nil }
        // A migration whose folder uses no down files (an empty list of places looked in) is not judged.
        let missing = bySQL.filter { $0.down == nil && $0.downLookedFor != [] }
        let irreversible = byCode.filter { !$0.reversal!.reversible }
        let conventionUnused = bySQL.isEmpty || (missing.isEmpty && bySQL.allSatisfy { $0.down == nil })
        guard !(conventionUnused && byCode.isEmpty) else {
            if !bySQL.isEmpty {
                return Finding(control: Self.id, status: .notApplicable, on: change,
                               detail: "No down-migration convention in use: the migration folder holds no down file and the settings require none (down_migrations).")
            }
            let others = Set(added.map(\.flavour.rawValue)).sorted()
            return Finding(control: Self.id, status: .notApplicable, on: change,
                           detail: others.isEmpty ? "No new migration." : "Reversibility of \(others.joined(separator: ", ")) migrations is not judged by file layout.")
        }
        var problems = [String]()
        if !missing.isEmpty {
            problems.append("No down migration for: " + missing.map { file in
                file.path + (file.downLookedFor.map { " (looked for \($0.joined(separator: ", ")))" } ?? "")
            }.joined(separator: "; ") + ".")
        }
        if !irreversible.isEmpty {
            problems.append("Cannot be undone: " + irreversible.map { "\($0.path) (\($0.reversal!.reason))" }.joined(separator: "; ") + ".")
        }
        guard problems.isEmpty else { return Finding(control: Self.id, status: .fail, on: change, detail: problems.joined(separator: " ")) }
        var shown = [String]()
        let downs = bySQL.compactMap { file in file.down.map { "\(file.path) -> \($0)" } }
        if !downs.isEmpty { shown.append("Down migrations: " + downs.joined(separator: ", ") + ".") }
        if !byCode.isEmpty { shown.append("Reversible: " + byCode.map { "\($0.path) (\($0.reversal!.reason))" }.joined(separator: ", ") + ".") }
        return Finding(control: Self.id, status: .pass, on: change, detail: shown.joined(separator: " "))
    }

    public static let examples: [ControlExample] = [
        ControlExample("a new migration with its .down.sql", Example.migrations([
            Example.sql("drizzle/0007_orders.sql", down: "drizzle/0007_orders.down.sql"),
            Example.sql("drizzle/0007_orders.down.sql", isDown: true),
        ]), expect: .pass),
        ControlExample("a new Flyway migration with its undo", Example.migrations([
            Example.sql("db/V7__orders.sql", flavour: .flyway, down: "db/U7__drop_orders.sql"),
        ]), expect: .pass),
        ControlExample("a new migration without a down migration", Example.migrations([
            Example.sql("drizzle/0007_orders.sql", downLookedFor: ["drizzle/0007_orders.down.sql", "drizzle/down/0007_orders.sql"]),
        ]), expect: .fail),
        ControlExample("no down convention in use", Example.migrations([Example.sql("drizzle/0007_orders.sql", downLookedFor: [])]),
                       expect: .notApplicable),
        ControlExample("a renamed migration, judged when it was added", Example.migrations([
            Example.sql("drizzle/0007_orders_v2.sql", .renamed, downLookedFor: ["drizzle/0007_orders_v2.down.sql"]),
        ]), expect: .notApplicable),
        ControlExample("only the journal changed", Example.migrations([
            Example.sql("drizzle/meta/_journal.json", .modified, isScript: false),
        ]), expect: .notApplicable),
        ControlExample("a Rails migration with def down", Example.migrations([Example.sql("db/migrate/20260701_add_orders.rb", flavour: .rails,
            reversal: CodeReversal(reversible: true, reason: "def down"))]), expect: .pass),
        ControlExample("a Rails change that calls execute", Example.migrations([Example.sql("db/migrate/20260701_add_orders.rb", flavour: .rails,
            reversal: CodeReversal(reversible: false, reason: "change uses execute, which Rails cannot reverse"))]), expect: .fail),
        ControlExample("a Django RunPython without reverse_code", Example.migrations([Example.sql("shop/migrations/0007_backfill.py", flavour: .django,
            reversal: CodeReversal(reversible: false, reason: "RunPython without reverse_code"))]), expect: .fail),
        ControlExample("an Alembic downgrade that does nothing, beside a reversible SQL file", Example.migrations([
            Example.sql("alembic/versions/ae10_orders.py", flavour: .alembic, reversal: CodeReversal(reversible: false, reason: "downgrade() does nothing")),
            Example.sql("drizzle/0007_orders.sql", down: "drizzle/0007_orders.down.sql"),
        ]), expect: .fail),
        ControlExample("a sqitch deploy script with its revert", Example.migrations([
            Example.sql("deploy/orders.sql", flavour: .sqitch, down: "revert/orders.sql"),
        ]), expect: .pass),
        ControlExample("a Knex migration", Example.migrations([Example.sql("migrations/20260701_orders.js", flavour: .generic)]), expect: .notApplicable),
        ControlExample("no migration at all", Example.reviewed(), expect: .notApplicable),
    ]
}
