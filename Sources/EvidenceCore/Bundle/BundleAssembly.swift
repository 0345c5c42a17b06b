import EvidenceCrypto
import GitKit

/// Who signs the bundle, as the files inside it name the signer (the key itself stays with the `BundleSigner`).
public struct SignerIdentity: Sendable {
    public let keyID: String
    public let algorithm: SignatureAlgorithm
    public let publicKeyPEM: String
    /// What kind of key it is and where it lives.
    public let provenance: Manifest.Signer.Provenance
}

/// What the assemble stage needs besides the evaluated evidence.
public struct AssemblyContext {
    /// For the diffs of each change.
    public let repository: Repository
    /// What the bundle calls it.
    public let identity: RepositoryIdentity
    public let signer: SignerIdentity
    public let templates: ReportTemplates
    /// The bundle this one follows.
    public let previous: Manifest.Previous?
    /// What export noticed besides the pipeline: how the branch was chosen, the windows of this and the previous
    /// bundle, an open window.
    public let diagnostics: [Diagnostic]
    /// `generated_at`: the time of the export, or `--as-of` / `SOURCE_DATE_EPOCH`.
    public let generatedAt: Int64?
    /// The window had not ended when the bundle was made (`--allow-open-window`).
    public var provisional = false
    /// The seal will add an RFC 3161 token (`--tsa-url`).
    public var timestamped = false
    /// `--prepared-by`, for the report's header.
    public var preparedBy: String?
    /// Files the export adds beside the seal (`--oscal`), which VERIFY.txt must not call unlisted.
    public var derived = [String]()
}

/// The assemble stage: every file of the bundle but its seal — the population and findings as JSON and CSV, the
/// verbatim inputs, each change's diff, the reports, the signer's public key and VERIFY.txt — and the manifest
/// to be completed by the seal.
public enum BundleAssembly {
    static func run(_ evaluated: EvaluatedEvidence, context: AssemblyContext) throws -> UnsignedBundle {
        let correlated = evaluated.correlated
        let config = correlated.config
        let bounds = try correlated.window.closed()
        let records = correlated.changes.map { EvidenceRecord($0, policy: config.policy) }
        var files = [String: [UInt8]]()
        var copies = [String: InputCopy]()
        var inputs = [Manifest.InputFile]()
        func addInput(_ path: String, source: String, _ bytes: [UInt8]) throws {
            try addInput(path, source: source, .bytes(bytes))
        }
        func addInput(_ path: String, source: String, _ content: BundleContent) throws {
            let digest: String
            switch content {
            case .bytes(let bytes):
                files[path] = bytes
                digest = try SHA256.hash(bytes).hex
            case .copy(let copy):
                copies[path] = copy
                digest = copy.sha256
            }
            inputs.append(Manifest.InputFile(path: path, source: source, sha256: digest))
        }
        for name in correlated.review.files.keys.sorted() {
            let forge = correlated.review.forge
            try addInput(forge.inputsFolder + "/" + name, source: forge.rawValue + ":" + name, correlated.review.files[name]!)
        }
        for ledger in correlated.ledgers {
            try addInput(ledger.bundlePath, source: Self.recorded(ledgerSource: ledger.source), ledger.content)
        }
        for name in ReportTemplates.files {
            try addInput(BundleLayout.templateInputs + "/" + name, source: "templates:" + name, context.templates.sources[name]!)
        }
        if let text = config.text {
            try addInput(BundleLayout.settingsInput, source: config.recordedSource, Array(text.utf8))
        }
        for change in correlated.changes.map(\.change) {
            files[BundleLayout.diff(of: change.commit)] = try patch(of: change, in: context.repository)
        }
        files[BundleLayout.changes] = try changesJSONLines(records)
        files[BundleLayout.changesTable] = try ChangesTable.csv(records, findings: evaluated.findings)
        files[BundleLayout.findings] = try findingsJSON(evaluated.findings)
        files[BundleLayout.publicKey] = Array(context.signer.publicKeyPEM.utf8)
        let instructions = VerifyInstructions.text(keyID: context.signer.keyID, algorithm: context.signer.algorithm, derived: context.derived)
        files[BundleLayout.instructions] = Array(instructions.utf8)

        let window = Manifest.WindowInfo(bounds)
        let branch = correlated.branch
        let generatedAt = context.generatedAt.map(Timestamp.iso8601UTC)
        let identity = context.identity
        // The remote is shown beside the name only when it says something the name does not.
        let info = ReportInfo(repository: identity.name, remoteURL: identity.remoteURL == identity.name ? nil : identity.remoteURL,
                              branch: branch.reference, head: branch.tip?.hex,
                              window: window, keyID: context.signer.keyID, algorithm: context.signer.algorithm.rawValue, generatedAt: generatedAt,
                              provisional: context.provisional, timestamped: context.timestamped, completeness: correlated.completeness,
                              diagnostics: correlated.diagnostics + context.diagnostics, preparedBy: context.preparedBy,
                              signerKind: context.signer.provenance.kind)
        let report = context.templates.render(ReportContext.make(evaluated, records: records, info: info, controls: context.templates.controls,
                                                                 verifyText: instructions))
        files[BundleLayout.reportHTML] = report.html
        files[BundleLayout.reportMarkdown] = report.markdown

        let manifest = Manifest(
            schema: Manifest.schemaName, tool: .init(name: "git-evidence", version: toolVersion),
            repository: .init(name: context.identity.name, remoteURL: context.identity.remoteURL, branch: branch.reference, head: branch.tip?.hex),
            window: window,
            parameters: Manifest.Parameters(config),
            counts: .init(changes: records.count, findings: Dictionary(grouping: evaluated.findings, by: \.status.rawValue).mapValues(\.count), files: 0),
            inputs: inputs, signer: .init(keyID: context.signer.keyID, algorithm: context.signer.algorithm.rawValue, provenance: context.signer.provenance), previous: context.previous,
            merkleRoot: "", retainUntil: Timestamp.iso8601UTC(Manifest.retainUntil(windowEnd: bounds.end)), generatedAt: generatedAt,
            diagnostics: correlated.diagnostics + context.diagnostics, provisional: context.provisional, completeness: correlated.completeness)
        return UnsignedBundle(files: files, copies: copies, manifest: manifest)
    }

    /// A ledger's source as the bundle records it: a database URL as given (its password already masked), a
    /// file by its name only.
    static func recorded(ledgerSource: String) -> String {
        ledgerSource.contains("://") ? ledgerSource : "ledger:" + (ledgerSource.split(separator: "/").last.map(String.init) ?? ledgerSource)
    }

    /// `changes.jsonl`: one record per line, keys sorted.
    public static func changesJSONLines(_ records: [EvidenceRecord]) throws -> [UInt8] {
        let encoder = BundleLayout.compactEncoder
        return try records.flatMap { [UInt8](try encoder.encode($0)) + [0x0a] }
    }

    /// `findings.json`.
    public static func findingsJSON(_ findings: [Finding]) throws -> [UInt8] {
        [UInt8](try BundleLayout.jsonEncoder.encode(findings)) + [0x0a]
    }

    /// The migration and infrastructure part of a change's diff against its first parent.
    static func patch(of change: Change, in repository: Repository) throws -> [UInt8] {
        guard let id = ObjectID(hex: change.commit) else { return [] }
        let tree = try repository.commit(id).tree
        let parentTree = try change.parents.first.flatMap(ObjectID.init(hex:)).map { try repository.commit($0).tree }
        let paths = change.paths.flatMap { [$0.path] + ($0.oldPath.map { [$0] } ?? []) }
        return try repository.patch(from: parentTree, to: tree, paths: paths)
    }
}
