import GitKit

/// Decides which paths are migrations or infrastructure, and tells the tree compare where to look.
public struct PathClassifier: TreeDiffScope, Sendable {
    /// Rules whose matches are migrations.
    public let migrationRules: [PathRule]
    /// Rules whose matches are infrastructure.
    public let infrastructureRules: [PathRule]
    /// Rules whose matches are the pipeline that carries changes to production (SPEC §15).
    public let pipelineRules: [PathRule]
    /// Paths that are never classified (vendored code, fixtures).
    public let ignored: [Glob]

    public let directoryMarkers: [String]
    /// Ignore patterns as folder patterns: `vendor/**` ignores the folder `vendor` and so prunes it.
    private let ignoredFolders: [Glob]
    private let everywhere: Bool
    private let globs: [Glob]

    /// The defaults of SPEC §2.
    public static let defaults = PathClassifier(migrationRules: PathRule.defaultMigrationRules,
                                                infrastructureRules: PathRule.defaultInfrastructureRules,
                                                pipelineRules: PathRule.defaultPipelineRules)

    public init(migrationRules: [PathRule], infrastructureRules: [PathRule], pipelineRules: [PathRule] = [], ignored: [Glob] = []) {
        self.migrationRules = migrationRules
        self.infrastructureRules = infrastructureRules
        self.pipelineRules = pipelineRules
        self.ignored = ignored
        self.ignoredFolders = ignored.map { $0.pattern.hasSuffix("/**") ? Glob(String($0.pattern.dropLast(3))) : $0 }
        var markers = [String]()
        var globs = [Glob]()
        for rule in migrationRules + infrastructureRules + pipelineRules {
            switch rule {
            case .glob(let glob): globs.append(glob)
            case .folderWith(let marker): if !markers.contains(marker) { markers.append(marker) }
            }
        }
        self.directoryMarkers = markers
        self.globs = globs
        // A marker can turn up in any folder, so the compare must be free to visit them all.
        self.everywhere = !markers.isEmpty || globs.contains { $0.literalPrefix.isEmpty }
    }

    /// The same rules without the infrastructure and pipeline ones: the scope of the walk over migration history.
    public var migrationsOnly: PathClassifier {
        PathClassifier(migrationRules: migrationRules, infrastructureRules: [], ignored: ignored)
    }

    /// The same rules without the pipeline ones: what a bundle made before pipeline paths were a kind (its
    /// manifest records no `pipeline_rules`) was derived with.
    public var withoutPipeline: PathClassifier {
        PathClassifier(migrationRules: migrationRules, infrastructureRules: infrastructureRules, ignored: ignored)
    }

    /// False for a path no rule covers whatever folder it sat in (every marker a rule names present): a
    /// question about it has no answer in the history, so `why` says so without walking it.
    public func mayCover(_ path: String) -> Bool {
        var markers = Set<String>()
        for rule in migrationRules + infrastructureRules + pipelineRules {
            if case .folderWith(let marker) = rule { markers.insert(marker) }
        }
        return classify(path, markers: markers) != nil
    }

    /// Infrastructure first: Terraform files are known by their type, wherever they sit, and a `.tf` file is
    /// never a SQL migration even inside a migrations folder; then the pipeline's files, which are never migrations.
    public func classify(_ path: String, markers: Set<String> = []) -> PathKind? {
        if isIgnored(path) { return nil }
        let segments = PathSegments(path)
        if infrastructureRules.contains(where: { $0.matches(segments, markers: markers) }) { return .infrastructure }
        if pipelineRules.contains(where: { $0.matches(segments, markers: markers) }) { return .pipeline }
        if migrationRules.contains(where: { $0.matches(segments, markers: markers) }), Self.notAMigration(path) == nil { return .migration }
        return nil
    }

    /// Files that sit where migrations do and are not migrations, whatever the rules, checked against real layouts:
    /// why, or nil for a file that may be one. Listed by `rules`.
    public static let neverMigrations = [
        "test code: spec/**/migrations/**, tests/**/migrations/**, test/**/migrations/**",
        "documentation: README*, *.md, *.rst, *.txt, *.adoc",
        "Alembic configuration: alembic.ini, script.py.mako, env.py",
        "in a Django migrations/ package, Python files other than NNNN_*.py and __init__.py (helpers such as migrations/tasks/)",
    ]

    static func notAMigration(_ path: String) -> String? {
        let parts = path.split(separator: "/")
        guard let name = parts.last else { return nil }
        let folders = parts.dropLast()
        if let migrations = folders.lastIndex(of: "migrations"),
           folders[..<migrations].contains(where: { ["spec", "tests", "test", "__tests__"].contains($0) }) {
            return "test code"
        }
        let lower = name.lowercased()
        if lower.hasPrefix("readme") || [".md", ".rst", ".txt", ".adoc"].contains(where: { lower.hasSuffix($0) }) { return "documentation" }
        if ["alembic.ini", "script.py.mako", "env.py"].contains(name) { return "Alembic configuration" }
        if name.hasSuffix(".py"), let migrations = folders.lastIndex(of: "migrations") {
            let below = folders[folders.index(after: migrations)...]
            if below.isEmpty {
                // A Django migrations package: its modules are numbered; `__init__.py` marks the package.
                if name != "__init__.py", name.firstMatch(of: #/^\d{4}_\w*\.py$/#) == nil { return "not a Django migration module" }
            } else if below.first != "versions" {
                return "a helper package inside migrations/"  // Alembic's versions/ under migrations/ (Flask-Migrate) counts
            }
        }
        return nil
    }

    public func mayMatch(under directory: String) -> Bool {
        if ignoredFolders.contains(where: { $0.matches(directory) }) { return false }
        return everywhere || globs.contains { $0.mayMatch(under: directory) }
    }

    /// True when an ignore pattern matches the path or one of the folders above it (as in `.gitignore`).
    func isIgnored(_ path: String) -> Bool {
        guard !ignored.isEmpty else { return false }
        if ignored.contains(where: { $0.matches(path) }) { return true }
        var folder = Substring(path)
        while let slash = folder.lastIndex(of: "/") {
            folder = folder[..<slash]
            if ignoredFolders.contains(where: { $0.matches(String(folder)) }) { return true }
        }
        return false
    }

    public func matches(path: String, markers: Set<String>) -> Bool {
        classify(path, markers: markers) != nil
    }
}
