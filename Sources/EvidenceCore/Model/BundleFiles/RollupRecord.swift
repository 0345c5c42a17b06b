import Foundation

/// The fixed names of a roll-up bundle (SPEC §14): sealed as a bundle is (SHA256SUMS, its signature, the DSSE
/// attestation, an optional RFC 3161 token), with `rollup.json` in place of a manifest.
public enum RollupLayout {
    /// What the roll-up says about each repository: signed, and what `verify` reads.
    public static let record = "rollup.json"
    /// The same, one row per repository.
    public static let table = "repositories.csv"
    /// The roll-up's OSCAL document (`--oscal`): it cites the member bundles' digests, so it is listed.
    public static let oscal = OSCALAssessment.bundlePath

    /// Whether the folder is a roll-up: its record, and no manifest (what `--force` may replace, and what
    /// `archive` keeps until the record's `retain_until`).
    static func isRollup(_ folder: String) -> Bool {
        var entry = stat()
        return lstat(folder + "/" + record, &entry) == 0 && lstat(folder + "/" + BundleLayout.manifest, &entry) != 0
    }
}

/// `rollup.json`: every repository the roll-up covers, each bundle's digest and whether it verified, and which
/// controls fail where.
public struct RollupRecord: Codable, Sendable, Equatable {
    public static let schemaName = "git-evidence/rollup-v1"

    /// One repository: the bundle given for it (verified or not, and why), or an expected one no bundle was given for.
    public struct Repository: Codable, Sendable, Equatable {
        public enum Status: String, Codable, Sendable {
            case verified
            case notVerified = "not-verified"
            case missing
        }

        /// What the bundle's manifest calls the repository (claimed only, when it did not verify), or the name
        /// `--expect` gave.
        public let name: String
        public let status: Status
        /// The bundle as given: a folder's or archive's name, or its `s3://` location.
        public let bundle: String?
        public let branch: String?
        public let window: Manifest.WindowInfo?
        public let head: String?
        /// SHA-256 of the bundle's SHA256SUMS: what pins it.
        public let sha256sums: String?
        /// The key that signed it (verified), or that its manifest names.
        public let signerKeyID: String?
        /// Each failed check, `name: detail`; empty when it verified.
        public let problems: [String]
        /// Findings by status, from a verified bundle only.
        public let findings: [String: Int]?
        /// The controls with failing findings and how many, from a verified bundle only.
        public let failingControls: [String: Int]

        enum CodingKeys: String, CodingKey {
            case name, status, bundle, branch, window, head, sha256sums, problems, findings
            case signerKeyID = "signer_key_id"
            case failingControls = "failing_controls"
        }

        public init(name: String, status: Status, bundle: String?, branch: String? = nil, window: Manifest.WindowInfo? = nil, head: String? = nil,
                    sha256sums: String? = nil, signerKeyID: String? = nil, problems: [String] = [], findings: [String: Int]? = nil,
                    failingControls: [String: Int] = [:]) {
            self.name = name
            self.status = status
            self.bundle = bundle
            self.branch = branch
            self.window = window
            self.head = head
            self.sha256sums = sha256sums
            self.signerKeyID = signerKeyID
            self.problems = problems
            self.findings = findings
            self.failingControls = failingControls
        }

        /// Writes every key, null where there is no value, so every entry has the same keys.
        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(status, forKey: .status)
            try container.encode(bundle, forKey: .bundle)
            try container.encode(branch, forKey: .branch)
            try container.encode(window, forKey: .window)
            try container.encode(head, forKey: .head)
            try container.encode(sha256sums, forKey: .sha256sums)
            try container.encode(signerKeyID, forKey: .signerKeyID)
            try container.encode(problems, forKey: .problems)
            try container.encode(findings, forKey: .findings)
            try container.encode(failingControls, forKey: .failingControls)
        }
    }

    public struct Counts: Codable, Sendable, Equatable {
        public let repositories: Int
        public let verified: Int
        public let notVerified: Int
        public let missing: Int

        enum CodingKeys: String, CodingKey {
            case repositories, verified, missing
            case notVerified = "not_verified"
        }

        init(_ repositories: [Repository]) {
            self.repositories = repositories.count
            verified = repositories.filter { $0.status == .verified }.count
            notVerified = repositories.filter { $0.status == .notVerified }.count
            missing = repositories.filter { $0.status == .missing }.count
        }
    }

    public let schema: String
    public let tool: Manifest.Tool
    /// `--as-of` / `SOURCE_DATE_EPOCH`, else the time of the roll-up.
    public let generatedAt: String?
    /// The members' window when they all share it; nil when they differ (each entry has its own).
    public let window: Manifest.WindowInfo?
    /// The latest member retention, at least six years past the latest window's end.
    public let retainUntil: String
    public let signer: Manifest.Signer
    /// The `--expect` list's file name, when one was given.
    public let expected: String?
    public let counts: Counts
    /// Sorted by name, then bundle.
    public let repositories: [Repository]

    enum CodingKeys: String, CodingKey {
        case schema, tool, window, signer, expected, counts, repositories
        case generatedAt = "generated_at"
        case retainUntil = "retain_until"
    }

    public init(generatedAt: String?, window: Manifest.WindowInfo?, retainUntil: String, signer: Manifest.Signer, expected: String?,
                repositories: [Repository]) {
        schema = Self.schemaName
        tool = .init(name: "git-evidence", version: toolVersion)
        self.generatedAt = generatedAt
        self.window = window
        self.retainUntil = retainUntil
        self.signer = signer
        self.expected = expected
        self.repositories = repositories
        counts = Counts(repositories)
    }

    /// The attestation's predicate: what the roll-up is, pinned by the record's digest.
    public func summary(recordSHA256: String) -> RollupSummary {
        RollupSummary(counts: counts, window: window, recordSHA256: recordSHA256, keyID: signer.keyID, retainUntil: retainUntil)
    }
}

/// The in-toto predicate of a roll-up.
public struct RollupSummary: Codable, Sendable, Equatable {
    public static let predicateType = "https://git-evidence.dev/evidence-rollup/v1"
    public let counts: RollupRecord.Counts
    public let window: Manifest.WindowInfo?
    public let recordSHA256: String
    public let keyID: String
    public let retainUntil: String

    enum CodingKeys: String, CodingKey {
        case counts, window
        case recordSHA256 = "rollup_sha256"
        case keyID = "key_id"
        case retainUntil = "retain_until"
    }
}

/// A roll-up's statement.
public typealias RollupStatement = InTotoStatement<RollupSummary>
