/// One classification rule: a path pattern, or a marker file that makes a whole folder count.
public enum PathRule: Hashable, Sendable, CustomStringConvertible {
    /// Paths matching the glob.
    case glob(Glob)
    /// Every file in a folder that holds `marker` (a relative path such as `meta/_journal.json`), at any depth
    /// below it. Decided per commit from that commit's tree, so a folder that moves is followed.
    case folderWith(marker: String)

    /// How rules are spelled in `.git-evidence.yml`: a glob, or `folder-with:<marker>`.
    public init(spelling: String) {
        if spelling.hasPrefix(Self.markerPrefix) {
            self = .folderWith(marker: String(spelling.dropFirst(Self.markerPrefix.count)))
        } else {
            self = .glob(Glob(spelling))
        }
    }

    static let markerPrefix = "folder-with:"

    public var description: String {
        switch self {
        case .glob(let glob): return glob.pattern
        case .folderWith(let marker): return Self.markerPrefix + marker
        }
    }

    /// True when `path` matches, given the markers found in its folder or above.
    func matches(_ path: PathSegments, markers: Set<String>) -> Bool {
        switch self {
        case .glob(let glob): return glob.matches(path)
        case .folderWith(let marker): return markers.contains(marker)
        }
    }
}

extension PathRule {
    /// The default migration rules (SPEC §2): they need no configuration on common layouts.
    public static let defaultMigrationRules: [PathRule] = [
        "**/migrations/**",                 // Django, Prisma, Knex, generic
        "**/data-migrations/**",            // data migrations kept apart from schema ones
        "**/data_migrations/**",
        "**/drizzle/**",                    // Drizzle's default output folder
        "**/db/migrate/**",                 // Rails
        "**/alembic/versions/**",           // Alembic
        "**/migrations/versions/**",        // Flask-Migrate (Alembic under migrations/)
        "**/[0-9]*_*/migration.sql",        // Prisma's <timestamp>_<name>/migration.sql in any folder
        "**/V[0-9]*__*.sql",                // Flyway versioned
        "**/U[0-9]*__*.sql",                // Flyway undo
        "**/R__*.sql",                      // Flyway repeatable
        "**/db/changelog/**",               // Liquibase (Spring Boot's default place)
        "**/sqitch.plan",                   // sqitch: the plan and the deploy, revert and verify scripts beside it
        "**/deploy/*.sql",
        "**/revert/*.sql",
        "**/verify/*.sql",
        "folder-with:meta/_journal.json",   // Drizzle, wherever its `out` folder lives
        "folder-with:migration_lock.toml",  // Prisma, wherever its migrations folder lives
    ].map(PathRule.init(spelling:))

    /// The default pipeline rules (SPEC §15): what decides how a change reaches production. GitHub Actions reads
    /// workflows from `.github/workflows/` only; GitLab its root `.gitlab-ci.yml` (and, by convention, the files it
    /// includes from `.gitlab/ci/`); Atlantis its root `atlantis.yaml`. A leading `/` anchors a name to the root, as
    /// in `.gitignore`.
    public static let defaultPipelineRules: [PathRule] = [
        ".github/workflows/*.yml",
        ".github/workflows/*.yaml",
        "/.gitlab-ci.yml",
        ".gitlab/ci/**/*.yml",
        "/atlantis.yaml",
        "/atlantis.yml",
        "/package.json",  // counted only when its scripts change: a dependency bump is not the deploy path
        "/Makefile",      // counted only when a target the workflows run changes
    ].map(PathRule.init(spelling:))

    /// The default infrastructure rules: Terraform configuration, variables and the provider lock file.
    public static let defaultInfrastructureRules: [PathRule] = [
        "**/*.tf",
        "**/*.tf.json",
        "**/*.tfvars",
        "**/*.tfvars.json",
        "**/.terraform.lock.hcl",
    ].map(PathRule.init(spelling:))
}
