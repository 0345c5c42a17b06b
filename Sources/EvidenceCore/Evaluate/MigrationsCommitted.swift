/// `CC8.1-migrations-committed` (SPEC §15): a design test. A Drizzle config whose `out` folder the branch does not
/// hold (or holds empty), or a Prisma schema with no `migrations/` beside it, means schema changes reach the
/// database without a committed, reviewable migration (`drizzle-kit push`, `prisma db push`). Judged at the branch
/// head and at each change of such a file in the window; a configuration not read without running it is `info`
/// with the reason, never a pass; a repository with neither tool has one `not_applicable` finding.
public enum MigrationsCommitted {
    public static let id = "CC8.1-migrations-committed"

    /// A setup and the status it must produce.
    public struct Example: Sendable {
        public let name: String
        public let setup: MigrationSetup
        public let expected: FindingStatus
    }

    public static func findings(_ setups: [MigrationSetup]) -> [Finding] {
        guard !setups.isEmpty else {
            return [Finding(control: id, status: .notApplicable, change: nil, pullRequest: nil, paths: [],
                            detail: "No Drizzle config (drizzle.config.*) or Prisma schema (schema.prisma) on the branch.")]
        }
        return setups.map(finding)
    }

    static func finding(_ setup: MigrationSetup) -> Finding {
        let when = setup.atHead ? "At the branch head (\(setup.commit.prefix(12)))" : "As changed in \(setup.commit.prefix(12)) (\(setup.committedAt))"
        let names = setup.tool == .drizzle ? "out folder" : "migrations folder"
        let bypass = setup.tool == .drizzle ? "drizzle-kit push" : "prisma db push"
        let (status, detail): (FindingStatus, String) = switch setup.state {
        case .committed(let count):
            (.pass, "\(when), \(setup.config) keeps its migrations in \(setup.folder ?? ""), which holds \(count) migration\(count == 1 ? "" : "s").")
        case .missing:
            (.fail, "\(when), \(setup.config) names the \(names) \(setup.folder ?? ""), which the branch does not hold: schema changes reach the "
                + "database without a committed migration (\(bypass)).")
        case .empty:
            (.fail, "\(when), \(setup.config) names the \(names) \(setup.folder ?? ""), which holds no migration: schema changes reach the "
                + "database without a committed migration (\(bypass)).")
        case .undetermined(let reason):
            (.info, "\(when), where \(setup.config) keeps its migrations is not known: \(reason). Check that its migrations are committed.")
        case .notApplicable(let reason):
            (.notApplicable, "\(when), \(setup.config): \(reason).")
        }
        return Finding(control: id, status: status, change: nil, pullRequest: nil, paths: [setup.config], detail: detail)
    }

    public static var examples: [Example] {
        func setup(_ tool: MigrationSetup.Tool, _ config: String, _ folder: String?, _ state: MigrationSetup.State, atHead: Bool = true) -> MigrationSetup {
            MigrationSetup(tool: tool, config: config, commit: String(repeating: "a", count: 40), committedAt: "2026-07-01T00:00:00Z",
                           atHead: atHead, folder: folder, state: state)
        }
        return [
            Example(name: "a Drizzle project whose out folder holds its SQL", setup: setup(.drizzle, "drizzle.config.ts", "drizzle", .committed(count: 4)),
                    expected: .pass),
            Example(name: "a Drizzle config naming an out folder never committed (schema pushed)",
                    setup: setup(.drizzle, "drizzle.config.ts", "src/db/migrations", .missing), expected: .fail),
            Example(name: "an out folder holding only a .gitkeep", setup: setup(.drizzle, "apps/api/drizzle.config.json", "apps/api/drizzle", .empty),
                    expected: .fail),
            Example(name: "a config changed in the window to an out folder that is not there",
                    setup: setup(.drizzle, "drizzle.config.ts", "migrations", .missing, atHead: false), expected: .fail),
            Example(name: "an out computed at run time", setup: setup(.drizzle, "drizzle.config.ts", nil,
                                                                        .undetermined(reason: "its out is computed, not a string literal")), expected: .info),
            Example(name: "a Prisma schema with its migrations", setup: setup(.prisma, "prisma/schema.prisma", "prisma/migrations", .committed(count: 12)),
                    expected: .pass),
            Example(name: "a Prisma schema with no migrations folder", setup: setup(.prisma, "prisma/schema.prisma", "prisma/migrations", .missing),
                    expected: .fail),
            Example(name: "a Prisma schema on MongoDB", setup: setup(.prisma, "schema.prisma", nil, .notApplicable(reason: "the datasource is MongoDB")),
                    expected: .notApplicable),
        ]
    }
}
