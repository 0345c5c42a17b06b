import Foundation
import GitKit

/// What `git-evidence export` is asked to do.
public struct ExportRequest: Sendable {
    public var repository: String
    public var branch: String?
    public var configPath: String?
    public var window: AuditWindow
    public var github: String
    /// A folder of GitLab exports to read instead (`--gitlab`).
    public var gitlab: String?
    /// The ledgers of what production ran (`--ledger`).
    public var ledgers: [LedgerSource]
    public var keyPath: String
    public var output: String
    public var force: Bool
    /// Also write `<output>.tar.gz`.
    public var archive: Bool
    /// The previous bundle of the chain, if any.
    public var previous: String?
    /// The time to record as `generated_at` (from `--as-of` or `SOURCE_DATE_EPOCH`); nil records the time of the export.
    public var asOf: Int64?
    /// The report templates folder (`--templates`); nil finds the installed default.
    public var templates: String?
    /// Told how the history walks advance (nil: silent).
    public var progress: WalkProgress?
    /// RFC 3161 time-stamping authorities, tried in order (`--tsa-url`); empty: no timestamp.
    public var tsaURLs = [String]()
    /// Collect the review evidence live from GitHub instead of reading `github` (`--github-repo`).
    public var live: GitHubRequest?
    /// Collect it live from GitLab instead (`--gitlab-project`).
    public var liveGitLab: GitLabRequest?
    /// What to call the repository (`--repo-name`); nil: its `origin` URL, else its folder's name.
    public var repositoryName: String?
    /// Export a window that has not ended (`--allow-open-window`): the bundle is marked provisional.
    public var allowOpenWindow = false
    /// Who prepared the evidence, as the report's header names them (`--prepared-by`).
    public var preparedBy: String?
    /// Also write `oscal/assessment-results.json` (`--oscal`).
    public var oscal = false
    /// The time now, which an open window is judged against (the clock; tests may set it).
    public var now = Int64(Date().timeIntervalSince1970)

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
    /// What a live collection asked GitHub for and did not get: the bundle is written, and incomplete.
    public let notCollected: [String]

    /// Findings whose status is `fail`.
    public var failures: [Finding] { findings.filter { $0.status == .fail } }
}

/// `export`: every stage of the pipeline, for a closed window. Everything is read and checked before anything is
/// written; an unusable or exposed key is refused before any work.
public enum EvidenceExport {
    public static func run(_ request: ExportRequest) throws -> ExportSummary {
        let bounds = try request.window.closed()
        // A window not yet over (by the clock, and by --as-of when it claims an earlier time) cannot be evidenced
        // whole: later changes would be missing. Only on request, and then the bundle says it is provisional.
        let judgedAt = min(request.now, request.asOf ?? request.now)
        let provisional = bounds.end > judgedAt
        if provisional && !request.allowOpenWindow {
            throw EvidenceError.invalidArgument(flag: "--window", value: Manifest.WindowInfo(bounds).start + ".." + Manifest.WindowInfo(bounds).end,
                                                reason: "the window has not ended (it ends \(Timestamp.iso8601UTC(bounds.end))); "
                                                    + "pass --allow-open-window for a provisional bundle")
        }
        let environment = ProcessInfo.processInfo.environment
        let signer = try bundleSigner(key: request.keyPath, environment: environment)
        let templates = try ReportTemplates.load(folder: request.templates)
        let repository = try Repository(path: request.repository)
        let branch = try repository.auditedBranch(request.branch)
        let config = try EvidenceConfig.resolve(explicitPath: request.configPath, repository: repository, branch: branch)
        let ledgers = try LedgerLoader.load(request.ledgers)
        let source: any PullRequestSource = if let live = request.live { try live.source(since: bounds.start) }
            else if let live = request.liveGitLab { try live.source(since: bounds.start) }
            else if let gitlab = request.gitlab { try GitLabExport.load(folder: gitlab) } else { try GitHubExport.load(folder: request.github) }
        let inputs = EvidenceInputs(repository: repository, branch: branch, config: config, scope: .window(request.window),
                                    pullRequests: source, ledgers: ledgers, progress: request.progress)
        let evaluated = try EvidencePipeline.derive(inputs)

        var notes = [Diagnostic]()
        if let note = branch.note { notes.append(Diagnostic(subject: branch.reference, message: note)) }
        if provisional {
            notes.append(Diagnostic(subject: "window", message: "provisional: the window ends \(Timestamp.iso8601UTC(bounds.end)), after this bundle was made"))
        }
        let window = Manifest.WindowInfo(bounds)
        let previous = try request.previous.map { try previousLink($0, window: window, diagnostics: &notes) }
        let identity = try RepositoryIdentity(repository: repository, given: request.repositoryName, path: request.repository)
        if let diagnostic = identity.diagnostic { notes.append(diagnostic) }
        var context = AssemblyContext(repository: repository, identity: identity, signer: try signer.identity(), templates: templates,
                                      previous: previous, diagnostics: notes, generatedAt: request.asOf ?? request.now, provisional: provisional)
        let timestamper = request.tsaURLs.isEmpty ? nil : try RFC3161Timestamper(urls: request.tsaURLs)
        context.timestamped = timestamper != nil
        context.preparedBy = request.preparedBy
        context.derived = request.oscal ? [OSCALAssessment.bundlePath] : []
        var sealed = try EvidencePipeline.seal(try EvidencePipeline.assemble(evaluated, context: context), signer: signer, timestamper: timestamper)
        if request.oscal {
            // It cites the sealed SHA256SUMS, so it is added after the seal, beside the files the list covers.
            var files = sealed.files
            files[OSCALAssessment.bundlePath] = try OSCALAssessment.document(bundle: sealed.manifest, findings: evaluated.findings,
                                                                             sums: sealed.files[BundleLayout.sums]!, controls: templates.controls)
            sealed = SealedBundle(files: files, copies: sealed.copies, manifest: sealed.manifest)
        }
        let output = try EvidencePipeline.store(sealed, at: FolderDestination(target: request.output, replacing: request.force,
                                                                             archive: request.archive, archiveTime: bounds.end,
                                                                             protecting: [repository.gitDirectory] + (repository.workDirectory.map { [$0] } ?? [])))
        return ExportSummary(output: output, changes: evaluated.correlated.changes.count, findings: evaluated.findings,
                             diagnostics: sealed.manifest.diagnostics, notCollected: evaluated.correlated.completeness.notCollected ?? [])
    }

    /// The previous bundle's SHA256SUMS digest and window; a gap or overlap between the windows is reported.
    static func previousLink(_ folder: String, window: Manifest.WindowInfo, diagnostics: inout [Diagnostic]) throws -> Manifest.Previous {
        let digest = try BundleLayout.sumsDigest(ofBundle: folder)
        let manifest = try BundleReader(folder: folder).manifest()
        if let kind = manifest.window.discontinuity(before: window) {
            diagnostics.append(Diagnostic(subject: "previous bundle", message: "\(kind) between windows: the previous bundle ends \(manifest.window.end), this one starts \(window.start)"))
        }
        var link = Manifest.Previous(sha256sums: digest, window: manifest.window)
        link.receiptSHA256 = try BundleArchive.receiptDigest(beside: folder)
        return link
    }
}
