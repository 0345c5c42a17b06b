import GitKit

/// `CC8.1-migration-immutable`: a migration already on the branch is never modified, renamed or deleted; new
/// behaviour comes in a new migration. Metadata the tools rewrite (Drizzle's journal, Prisma's lock) is exempt.
public struct MigrationImmutable: ChangeControl {
    public static let id = "CC8.1-migration-immutable"

    public init() {}

    public func evaluate(_ change: CorrelatedChange, policy: ReviewPolicy) -> Finding {
        let scripts = change.migrations.filter(\.isScript)
        guard !scripts.isEmpty else {
            return Finding(control: Self.id, status: .notApplicable, on: change, detail: "No migration script touched.")
        }
        let altered = scripts.filter { $0.status != .added }
        guard altered.isEmpty else {
            return Finding(control: Self.id, status: .fail, on: change, detail: "Already on the branch, then " + altered.map { file in
                switch file.status {
                case .modified: "modified: \(file.path)"
                case .deleted: "deleted: \(file.path)"
                case .renamed: "renamed: \(file.path)"
                case .added: "added: \(file.path)"
                }
            }.joined(separator: "; ") + ".")
        }
        return Finding(control: Self.id, status: .pass, on: change,
                       detail: "Only new migration files: " + scripts.map(\.path).joined(separator: ", ") + ".")
    }

    public static let examples: [ControlExample] = [
        ControlExample("new migrations only, journal updated", Example.migrations([
            Example.sql("drizzle/0007_orders.sql"), Example.sql("drizzle/meta/_journal.json", .modified, isScript: false),
        ]), expect: .pass),
        ControlExample("an applied migration edited", Example.migrations([Example.sql("drizzle/0003_users.sql", .modified)]), expect: .fail),
        ControlExample("a migration deleted", Example.migrations([Example.sql("drizzle/0003_users.sql", .deleted)]), expect: .fail),
        ControlExample("a migration renamed", Example.migrations([Example.sql("drizzle/0003_people.sql", .renamed)]), expect: .fail),
        ControlExample("only metadata", Example.migrations([Example.sql("prisma/migrations/migration_lock.toml", .modified, isScript: false)]),
                       expect: .notApplicable),
        ControlExample("infrastructure only", Example.reviewed(), expect: .notApplicable),
    ]
}
