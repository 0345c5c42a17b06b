/// The settings from `.git-evidence.yml`. Every key is optional; an empty file means the defaults.
///
/// ```yaml
/// paths:
///   migrations:
///     add: ["db/changes/**", "folder-with:flyway.conf"]
///     remove: ["**/drizzle/**"]        # a default rule, spelled as listed by `git-evidence rules`
///   infrastructure:
///     add: ["deploy/**/*.hcl"]
///   ignore: ["vendor/**", "**/testdata/**"]
/// approvals:
///   required: 2
///   bots: ["deploy-robot"]
///   authorised: ["alice", "bob"]
/// checks:
///   required: ["build", "test"]
/// down_migrations: ["{dir}/{stem}.down{ext}", "{dir}/rollback/{name}"]   # replaces the default convention
/// ```
public struct EvidenceConfig: Sendable {
    /// The classification rules in force.
    public internal(set) var classifier: PathClassifier
    /// What the review controls require.
    public let policy: ReviewPolicy
    /// Where down migrations live.
    public let downMigrations: DownConvention
    /// Where the settings came from (a file path, `BRANCH:.git-evidence.yml`, or `defaults`).
    public let source: String
    /// The settings file's text, nil for the defaults; the evidence carries it verbatim.
    public let text: String?
    /// How the bundle names where they came from, with no local path: `work tree:.git-evidence.yml`,
    /// `main:.git-evidence.yml`, `--config NAME` or `defaults`.
    public internal(set) var recordedSource: String

    /// The file name looked for at the repository root.
    public static let fileName = ".git-evidence.yml"

    /// Defaults only.
    public static let defaults = EvidenceConfig(classifier: .defaults, policy: .defaults, source: "defaults", text: nil)

    init(classifier: PathClassifier, policy: ReviewPolicy, downMigrations: DownConvention = .defaults, source: String, text: String?) {
        self.classifier = classifier
        self.policy = policy
        self.downMigrations = downMigrations
        self.source = source
        self.text = text
        self.recordedSource = source
    }
}
