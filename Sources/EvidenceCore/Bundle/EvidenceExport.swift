import EvidenceCrypto
import Foundation
import GitKit

/// What `git-evidence export` is asked to do.
public struct ExportRequest: Sendable {
    public var repository: String
    public var branch: String?
    public var configPath: String?
    public var window: AuditWindow
    public var github: String
    /// The ledgers of what production ran (`--ledger`).
    public var ledgers: [LedgerSource]
    public var keyPath: String
    public var output: String
    public var force: Bool
    /// Also write `<output>.tar.gz`.
    public var archive: Bool
    /// The previous bundle of the chain, if any.
    public var previous: String?
    /// The time to record as `generated_at` (from `--as-of` or `SOURCE_DATE_EPOCH`); nil records none.
    public var asOf: Int64?
    /// The report templates folder (`--templates`); nil finds the installed default.
    public var templates: String?
    /// Told how the history walks advance (nil: silent).
    public var progress: WalkProgress?

    public init(repository: String, branch: String?, configPath: String?, window: AuditWindow, github: String, ledgers: [LedgerSource] = [],
                keyPath: String, output: String, force: Bool, asOf: Int64? = nil, previous: String? = nil, archive: Bool = false,
                templates: String? = nil) {
        self.repository = repository
        self.branch = branch
        self.configPath = configPath
        self.window = window
        self.github = github
        self.ledgers = ledgers
        self.keyPath = keyPath
        self.output = output
        self.force = force
        self.asOf = asOf
        self.previous = previous
        self.archive = archive
        self.templates = templates
    }
}

/// What an export wrote.
public struct ExportSummary: Sendable {
    public let output: String
    public let changes: Int
    public let findings: [Finding]
    public let diagnostics: [Diagnostic]

    /// Findings whose status is `fail`.
    public var failures: [Finding] { findings.filter { $0.status == .fail } }
}

/// The export pipeline: collect the population, correlate it with the GitHub export, evaluate the controls and
/// write the evidence. Everything is read and checked before anything is written.
public enum EvidenceExport {
    public static func run(_ request: ExportRequest) throws -> ExportSummary {
        guard let start = request.window.start, let end = request.window.end else {
            throw EvidenceError.invalidArgument(flag: "--window", value: "", reason: "export needs a closed window: --window, or both --from and --to")
        }
        let key = try loadSigningKey(request.keyPath)  // Refuse an unusable or exposed key before any work.
        let publicKey = try key.publicKey()
        let keyID = try publicKey.keyID()
        let templates = try ReportTemplates.load(folder: request.templates)
        let repository = try Repository(path: request.repository)
        let branch = try repository.resolveBranch(request.branch)
        let config = try EvidenceConfig.resolve(explicitPath: request.configPath, repository: repository, branch: branch)
        let derived = try EvidenceDerivation.derive(repository: repository, branch: branch, config: config, github: request.github,
                                                    ledgers: try LedgerLoader.load(request.ledgers), window: request.window,
                                                    progress: request.progress)
        let population = derived.population
        let findings = derived.findings

        var bundle = BundleBuilder()
        var inputs = [Manifest.InputFile]()
        func addInput(_ path: String, source: String, _ bytes: [UInt8]) throws {
            bundle.add(path, bytes)
            inputs.append(Manifest.InputFile(path: path, source: source, sha256: try SHA256.hash(bytes).hex))
        }
        for file in derived.githubFiles {
            let source = derived.githubFolder + "/" + file
            guard let data = FileManager.default.contents(atPath: source) else {
                throw EvidenceError.unreadable(file: source, reason: "vanished while exporting")
            }
            try addInput("inputs/github/" + file, source: source, [UInt8](data))
        }
        for ledger in derived.ledgers {
            try addInput(ledger.bundlePath, source: ledger.source, ledger.bytes)
        }
        for name in ReportTemplates.files {
            try addInput("inputs/templates/" + name, source: templates.folder + "/" + name, templates.sources[name]!)
        }
        if let text = config.text {
            try addInput("inputs/settings/" + EvidenceConfig.fileName, source: config.source, Array(text.utf8))
        }
        for change in population.map(\.change) {
            bundle.add("diffs/\(change.commit).patch", try patch(of: change, in: repository))
        }
        bundle.add(BundleLayout.changes, try derived.changesJSONLines())
        bundle.add("changes.csv", try ChangesTable.csv(derived.records, findings: findings))
        bundle.add(BundleLayout.findings, try derived.findingsJSON())
        bundle.add(BundleLayout.publicKey, Array(try publicKey.pem().utf8))
        let instructions = VerifyInstructions.text(keyID: keyID, algorithm: key.algorithm)
        bundle.add(BundleLayout.instructions, Array(instructions.utf8))
        let info = ReportInfo(repository: request.repository, remoteURL: try repository.remoteURL(), branch: branch.reference, head: branch.tip?.hex,
                              window: Manifest.WindowInfo(start: Timestamp.iso8601UTC(start), end: Timestamp.iso8601UTC(end)), keyID: keyID,
                              algorithm: key.algorithm.rawValue, generatedAt: request.asOf.map(Timestamp.iso8601UTC))
        let report = templates.render(ReportContext.make(derived, info: info, controls: templates.controls, verifyText: instructions))
        bundle.add("report.html", report.html)
        bundle.add("report.md", report.markdown)

        var diagnostics = derived.diagnostics
        let window = Manifest.WindowInfo(start: Timestamp.iso8601UTC(start), end: Timestamp.iso8601UTC(end))
        let previous = try request.previous.map { try previousLink($0, window: window, diagnostics: &diagnostics) }
        let files = try bundle.finish(key: key, keyID: keyID) { merkleRoot, fileCount in
            Manifest(
                schema: Manifest.schemaName, tool: .init(name: "git-evidence", version: toolVersion),
                repository: .init(path: request.repository, remoteURL: try repository.remoteURL(), branch: branch.reference, head: branch.tip?.hex),
                window: window,
                parameters: .init(settingsSource: config.source, migrationRules: config.classifier.migrationRules.map(\.description),
                                  infrastructureRules: config.classifier.infrastructureRules.map(\.description),
                                  ignore: config.classifier.ignored.map(\.pattern), requiredApprovals: config.policy.requiredApprovals,
                                  bots: config.policy.bots.sorted(), authorisedApprovers: config.policy.authorisedApprovers.sorted(),
                                  requiredChecks: config.policy.requiredChecks, downMigrations: config.downMigrations.patterns),
                counts: .init(changes: population.count, findings: Dictionary(grouping: findings, by: \.status.rawValue).mapValues(\.count), files: fileCount),
                inputs: inputs, signer: .init(keyID: keyID, algorithm: key.algorithm.rawValue), previous: previous,
                merkleRoot: merkleRoot, retainUntil: Timestamp.iso8601UTC(Timestamp.addingYears(6, to: end)),
                generatedAt: request.asOf.map(Timestamp.iso8601UTC), diagnostics: diagnostics)
        }

        let staged = try StagedFolder(target: request.output, replacing: request.force)
        do {
            for path in BundleLayout.sorted(files.keys) { try staged.write(path, files[path]!) }
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
        if request.archive {
            try writeArchive(of: files, folder: staged.target, time: end)
        }
        return ExportSummary(output: staged.target, changes: population.count, findings: findings, diagnostics: diagnostics)
    }

    /// Writes `<folder>.tar.gz` beside the folder, through a temporary name renamed into place.
    static func writeArchive(of files: [String: [UInt8]], folder: String, time: Int64) throws {
        let url = URL(fileURLWithPath: folder)
        let target = folder + ".tar.gz"
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tar.gz.partial").path
        let bytes = try TarArchive.gzip(folder: url.lastPathComponent, files: files, time: time)
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
        } catch {
            throw EvidenceError.unwritable(path: target, reason: error.localizedDescription)
        }
        guard rename(temporary, target) == 0 else {
            unlink(temporary)
            throw EvidenceError.unwritable(path: target, reason: String(cString: strerror(errno)))
        }
    }

    /// The previous bundle's SHA256SUMS digest and window; a gap or overlap between the windows is reported.
    static func previousLink(_ folder: String, window: Manifest.WindowInfo, diagnostics: inout [Diagnostic]) throws -> Manifest.Previous {
        let digest = try BundleLayout.sumsDigest(ofBundle: folder)
        guard let data = FileManager.default.contents(atPath: folder + "/" + BundleLayout.manifest) else {
            throw EvidenceError.unreadable(file: folder + "/" + BundleLayout.manifest, reason: "missing")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw EvidenceError.malformed(file: folder + "/" + BundleLayout.manifest, location: "", reason: "not a git-evidence manifest")
        }
        if let kind = manifest.window.discontinuity(before: window) {
            diagnostics.append(Diagnostic(subject: folder, message: "\(kind) between windows: the previous bundle ends \(manifest.window.end), this one starts \(window.start)"))
        }
        return Manifest.Previous(sha256sums: digest, window: manifest.window)
    }

    /// The migration and infrastructure part of a change's diff against its first parent.
    static func patch(of change: Change, in repository: Repository) throws -> [UInt8] {
        guard let id = ObjectID(hex: change.commit) else { return [] }
        let tree = try repository.commit(id).tree
        let parentTree = try change.parents.first.flatMap(ObjectID.init(hex:)).map { try repository.commit($0).tree }
        let paths = change.paths.flatMap { [$0.path] + ($0.oldPath.map { [$0] } ?? []) }
        return try repository.patch(from: parentTree, to: tree, paths: paths)
    }

    /// Loads the signing key, refusing one that group or others can read (as ssh does).
    public static func loadSigningKey(_ path: String) throws -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw EvidenceError.unreadable(file: path, reason: String(cString: strerror(errno)).lowercased())
        }
        if info.st_mode & 0o077 != 0 {
            throw EvidenceError.unusableKey(file: path, reason: String(format: "private key is readable by group or others (mode %03o); run chmod 600 %@",
                                                                     info.st_mode & 0o777, path))
        }
        return try SigningKey(pemFile: path)
    }
}
