/// `CC8.1-migration-reversible`: every SQL migration a change adds has its down migration (SPEC §2 convention).
public struct MigrationReversible: ChangeControl {
    public static let id = "CC8.1-migration-reversible"

    /// Flavours whose migrations are SQL files, judged by the down-file convention.
    static let sqlFlavours: Set<MigrationFlavour> = [.drizzle, .prisma, .flyway, .generic]

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        // A moved or renamed migration was judged when it was added (`immutable` reports the move).
        let added = change.migrations.filter { $0.status == .added && $0.isScript && !$0.isDown }
        let judged = added.filter { Self.sqlFlavours.contains($0.flavour) && $0.path.hasSuffix(".sql") }
        guard !judged.isEmpty else {
            let others = Set(added.map(\.flavour.rawValue)).sorted()
            return Finding(control: Self.id, status: .notApplicable, on: change,
                           detail: others.isEmpty ? "No new migration." : "Reversibility of \(others.joined(separator: ", ")) migrations is not judged by file layout.")
        }
        // A migration whose folder uses no down files (an empty list of places looked in) is not judged.
        let missing = judged.filter { $0.down == nil && $0.downLookedFor != [] }
        if missing.isEmpty, judged.allSatisfy({ $0.down == nil }) {
            return Finding(control: Self.id, status: .notApplicable, on: change,
                           detail: "No down-migration convention in use: the migration folder holds no down file and the settings require none (down_migrations).")
        }
        guard missing.isEmpty else {
            return Finding(control: Self.id, status: .fail, on: change, detail: "No down migration for: " + missing.map { file in
                file.path + (file.downLookedFor.map { " (looked for \($0.joined(separator: ", ")))" } ?? "")
            }.joined(separator: "; ") + ".")
        }
        return Finding(control: Self.id, status: .pass, on: change,
                       detail: "Down migrations: " + judged.compactMap { file in file.down.map { "\(file.path) -> \($0)" } }.joined(separator: ", ") + ".")
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
        ControlExample("a Rails migration", Example.migrations([Example.sql("db/migrate/20260701_add_orders.rb", flavour: .rails)]), expect: .notApplicable),
        ControlExample("no migration at all", Example.reviewed(), expect: .notApplicable),
    ]
}
