/// The tool's version, recorded in every bundle.
public let toolVersion = "0.1.0"

/// `manifest.json`: what the bundle is, how it was made (enough to re-derive the population), and how to check it.
public struct Manifest: Codable, Sendable, Equatable {
    public struct Tool: Codable, Sendable, Equatable {
        public let name: String
        public let version: String
    }

    public struct RepositoryInfo: Codable, Sendable, Equatable {
        /// What the repository is called: `--repo-name`, else its `origin` URL without credentials, else its folder's
        /// name. Never a local path.
        public let name: String
        /// `origin`'s URL without credentials.
        public let remoteURL: String?
        /// Full reference name of the audited branch.
        public let branch: String
        /// The branch's tip when the evidence was made.
        public let head: String?

        enum CodingKeys: String, CodingKey {
            case name, branch, head
            case remoteURL = "remote_url"
            case path  // what bundles before 0.2 recorded in place of the name: the path given
        }

        public init(name: String, remoteURL: String?, branch: String, head: String?) {
            self.name = name
            self.remoteURL = remoteURL
            self.branch = branch
            self.head = head
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? container.decode(String.self, forKey: .path)
            remoteURL = try container.decodeIfPresent(String.self, forKey: .remoteURL)
            branch = try container.decode(String.self, forKey: .branch)
            head = try container.decodeIfPresent(String.self, forKey: .head)
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(remoteURL, forKey: .remoteURL)
            try container.encode(branch, forKey: .branch)
            try container.encode(head, forKey: .head)
        }
    }

    public struct WindowInfo: Codable, Sendable, Equatable {
        public let start: String
        public let end: String

        /// A closed window's ends, in UTC ISO 8601.
        public init(_ window: (start: Int64, end: Int64)) {
            start = Timestamp.iso8601UTC(window.start)
            end = Timestamp.iso8601UTC(window.end)
        }

        /// How `next` follows this window: nil when it starts where this one ends, else "gap" or "overlap".
        public func discontinuity(before next: WindowInfo) -> String? {
            guard end != next.start else { return nil }
            return (Timestamp.parse(end) ?? 0) < (Timestamp.parse(next.start) ?? 0) ? "gap" : "overlap"
        }
    }

    /// The exact rules and policy used.
    public struct Parameters: Codable, Sendable, Equatable {
        public let settingsSource: String
        public let migrationRules: [String]
        public let infrastructureRules: [String]
        /// Absent in bundles made before pipeline files were a kind of path: they were derived without them.
        public let pipelineRules: [String]?
        public let ignore: [String]
        public let requiredApprovals: Int
        public let bots: [String]
        public let authorisedApprovers: [String]
        public let requiredChecks: [String]
        /// The down-migration convention's patterns (absent in bundles made before it was recorded).
        public let downMigrations: [String]?
        /// `fail` when the settings make drift a failure (absent: drift is information).
        public let terraformDrift: String?

        /// The rules and policy of `config`, as the manifest records them.
        public init(_ config: EvidenceConfig) {
            let classifier = config.classifier, policy = config.policy
            settingsSource = config.recordedSource
            migrationRules = classifier.migrationRules.map(\.description)
            infrastructureRules = classifier.infrastructureRules.map(\.description)
            pipelineRules = classifier.pipelineRules.map(\.description)
            ignore = classifier.ignored.map(\.pattern)
            requiredApprovals = policy.requiredApprovals
            bots = policy.bots.sorted()
            authorisedApprovers = policy.authorisedApprovers.sorted()
            requiredChecks = policy.requiredChecks
            downMigrations = config.downMigrations.patterns
            terraformDrift = policy.driftFails ? "fail" : nil
        }

        /// The same, but for where the settings were read from (a path on the exporter's machine).
        public func sameRules(as other: Parameters) -> Bool {
            (migrationRules, infrastructureRules, ignore, requiredApprovals) == (other.migrationRules, other.infrastructureRules, other.ignore,
                                                                               other.requiredApprovals)
                && (bots, authorisedApprovers, requiredChecks, downMigrations ?? []) == (other.bots, other.authorisedApprovers, other.requiredChecks,
                                                                                       other.downMigrations ?? [])
                && terraformDrift == other.terraformDrift
                // A bundle that records no pipeline rules was made before there were any: its settings say nothing of them.
                && (pipelineRules == nil || other.pipelineRules == nil || pipelineRules == other.pipelineRules)
        }

        enum CodingKeys: String, CodingKey {
            case bots, ignore
            case downMigrations = "down_migrations"
            case settingsSource = "settings_source"
            case migrationRules = "migration_rules"
            case infrastructureRules = "infrastructure_rules"
            case pipelineRules = "pipeline_rules"
            case requiredApprovals = "required_approvals"
            case authorisedApprovers = "authorised_approvers"
            case requiredChecks = "required_checks"
            case terraformDrift = "terraform_drift"
        }
    }

    public struct Counts: Codable, Sendable, Equatable {
        public let changes: Int
        /// Findings per status.
        public let findings: [String: Int]
        /// Files listed in SHA256SUMS (set by the seal).
        public internal(set) var files: Int
    }

    /// An input file, copied verbatim under `inputs/`.
    public struct InputFile: Codable, Sendable, Equatable {
        /// Where it is in the bundle.
        public let path: String
        /// Where it was read from.
        public let source: String
        public let sha256: String
    }

    public struct Signer: Codable, Sendable, Equatable {
        public let keyID: String
        public let algorithm: String
        /// What kind of key signed (`pem-file`, `pkcs11`, `awskms`) and where it lives: nothing secret. Absent in
        /// bundles made before it was recorded.
        public let provenance: Provenance?

        /// A hardware or cloud key's whereabouts: for PKCS #11 the token's label and serial and the key's label; for
        /// AWS KMS the key's ARN and the alias it was named by.
        public struct Provenance: Codable, Sendable, Equatable {
            public let kind: String
            public let token: String?
            public let tokenSerial: String?
            public let object: String?
            public let keyARN: String?
            public let alias: String?

            public init(kind: String, token: String? = nil, tokenSerial: String? = nil, object: String? = nil, keyARN: String? = nil, alias: String? = nil) {
                self.kind = kind
                self.token = token
                self.tokenSerial = tokenSerial
                self.object = object
                self.keyARN = keyARN
                self.alias = alias
            }

            enum CodingKeys: String, CodingKey {
                case kind, token, object, alias
                case tokenSerial = "token_serial"
                case keyARN = "key_arn"
            }
        }

        public init(keyID: String, algorithm: String, provenance: Provenance? = nil) {
            self.keyID = keyID
            self.algorithm = algorithm
            self.provenance = provenance
        }

        enum CodingKeys: String, CodingKey {
            case algorithm, provenance
            case keyID = "key_id"
        }
    }

    /// The bundle this one follows.
    public struct Previous: Codable, Sendable, Equatable {
        /// SHA-256 of the previous bundle's SHA256SUMS.
        public let sha256sums: String
        public let window: WindowInfo
        /// SHA-256 (lowercase hex) of the previous bundle's archive receipt, when one lies beside it (SPEC §11).
        public var receiptSHA256: String? = nil

        enum CodingKeys: String, CodingKey {
            case sha256sums, window
            case receiptSHA256 = "receipt_sha256"
        }
    }

    public let schema: String
    public let tool: Tool
    public let repository: RepositoryInfo
    public let window: WindowInfo
    public let parameters: Parameters
    public internal(set) var counts: Counts
    public let inputs: [InputFile]
    public let signer: Signer
    public let previous: Previous?
    /// RFC 6962 Merkle tree hash over the SHA256SUMS lines of every listed file but this manifest.
    public internal(set) var merkleRoot: String
    /// Window end + 6 years (HIPAA 164.316(b)(2)(i)).
    public let retainUntil: String
    /// The time of the export, or SOURCE_DATE_EPOCH / --as-of when given, so a re-export can give the same bytes.
    /// Absent only in bundles written before it was always recorded.
    public let generatedAt: String?
    public let diagnostics: [Diagnostic]
    /// The window had not ended when the bundle was made: later changes may be missing from it.
    public let provisional: Bool
    /// How much of the window the review evidence covers (nil in bundles of earlier versions).
    public let completeness: ReviewCompleteness?

    public static let schemaName = "git-evidence/manifest/v1"

    /// How long evidence of a window is kept: six years past its end (HIPAA 164.316(b)(2)(i)).
    public static func retainUntil(windowEnd: Int64) -> Int64 { Timestamp.addingYears(6, to: windowEnd) }

    enum CodingKeys: String, CodingKey {
        case schema, tool, repository, window, parameters, counts, inputs, signer, previous, diagnostics, provisional, completeness
        case merkleRoot = "merkle_root"
        case retainUntil = "retain_until"
        case generatedAt = "generated_at"
    }

    public init(schema: String, tool: Tool, repository: RepositoryInfo, window: WindowInfo, parameters: Parameters, counts: Counts,
                inputs: [InputFile], signer: Signer, previous: Previous?, merkleRoot: String, retainUntil: String, generatedAt: String?,
                diagnostics: [Diagnostic], provisional: Bool, completeness: ReviewCompleteness?) {
        self.schema = schema
        self.tool = tool
        self.repository = repository
        self.window = window
        self.parameters = parameters
        self.counts = counts
        self.inputs = inputs
        self.signer = signer
        self.previous = previous
        self.merkleRoot = merkleRoot
        self.retainUntil = retainUntil
        self.generatedAt = generatedAt
        self.diagnostics = diagnostics
        self.provisional = provisional
        self.completeness = completeness
    }

    /// Reads manifests of earlier versions too (no `provisional`: their windows were closed; no `completeness`), so bundles
    /// kept for six years keep verifying.
    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(schema: try container.decode(String.self, forKey: .schema), tool: try container.decode(Tool.self, forKey: .tool),
                  repository: try container.decode(RepositoryInfo.self, forKey: .repository), window: try container.decode(WindowInfo.self, forKey: .window),
                  parameters: try container.decode(Parameters.self, forKey: .parameters), counts: try container.decode(Counts.self, forKey: .counts),
                  inputs: try container.decode([InputFile].self, forKey: .inputs), signer: try container.decode(Signer.self, forKey: .signer),
                  previous: try container.decodeIfPresent(Previous.self, forKey: .previous),
                  merkleRoot: try container.decode(String.self, forKey: .merkleRoot), retainUntil: try container.decode(String.self, forKey: .retainUntil),
                  generatedAt: try container.decodeIfPresent(String.self, forKey: .generatedAt),
                  diagnostics: try container.decode([Diagnostic].self, forKey: .diagnostics),
                  provisional: try container.decodeIfPresent(Bool.self, forKey: .provisional) ?? false,
                  completeness: try container.decodeIfPresent(ReviewCompleteness.self, forKey: .completeness))
    }

    /// Writes `previous` and `generated_at` as null rather than leaving them out.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(schema, forKey: .schema)
        try container.encode(tool, forKey: .tool)
        try container.encode(repository, forKey: .repository)
        try container.encode(window, forKey: .window)
        try container.encode(parameters, forKey: .parameters)
        try container.encode(counts, forKey: .counts)
        try container.encode(inputs, forKey: .inputs)
        try container.encode(signer, forKey: .signer)
        try container.encode(previous, forKey: .previous)
        try container.encode(merkleRoot, forKey: .merkleRoot)
        try container.encode(retainUntil, forKey: .retainUntil)
        try container.encode(generatedAt, forKey: .generatedAt)
        try container.encode(diagnostics, forKey: .diagnostics)
        try container.encode(provisional, forKey: .provisional)
        try container.encode(completeness, forKey: .completeness)
    }

    /// What the attestation's predicate carries.
    public func summary(manifestSHA256: String) -> BundleSummary {
        BundleSummary(repository: repository.name, branch: repository.branch, head: repository.head, window: window,
                      counts: counts, merkleRoot: merkleRoot, manifestSHA256: manifestSHA256, keyID: signer.keyID, retainUntil: retainUntil)
    }
}

/// The in-toto predicate: the manifest's summary.
public struct BundleSummary: Codable, Sendable, Equatable {
    public let repository: String
    public let branch: String
    public let head: String?
    public let window: Manifest.WindowInfo
    public let counts: Manifest.Counts
    public internal(set) var merkleRoot: String
    public let manifestSHA256: String
    public let keyID: String
    public let retainUntil: String

    enum CodingKeys: String, CodingKey {
        case repository, branch, head, window, counts
        case merkleRoot = "merkle_root"
        case manifestSHA256 = "manifest_sha256"
        case keyID = "key_id"
        case retainUntil = "retain_until"
    }
}
