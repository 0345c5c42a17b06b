import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence export`: the evidence for an audit window.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the evidence for an audit window: the population with its pull requests, and every control's finding.",
        discussion: "Exit 0 written, 1 written but a live collection (--github-repo) was incomplete or, with --fail-on-findings, a control failed; 2 unusable input."
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var window: WindowOptions

    @Option(help: "Folder of GitHub REST exports (pulls.json, pulls/N/reviews.json, ...).")
    var github: String?

    @Option(help: "Folder of GitLab REST exports (merge_requests.json, merge_requests/N/approvals.json, ...), instead of --github.")
    var gitlab: String?

    @OptionGroup var live: GitHubOptions
    @OptionGroup var liveGitLab: GitLabOptions

    @Option(help: "An RFC 3161 time-stamping authority to timestamp the signature (repeatable: tried in order).")
    var tsaUrl: [String] = []

    @OptionGroup var ledgers: LedgerOptions
    @OptionGroup var progress: ProgressOptions

    @Option(help: "The signing key: a PEM private key file (Ed25519, ECDSA P-256 or RSA, not readable by others), or a PKCS #11 URI (pkcs11:token=T;object=O?module-path=/path/module.so&pin-source=env:VAR).")
    var key: String

    @Option(help: "Output folder; written beside it and renamed into place when complete.")
    var out: String

    @Option(help: "Time to record as generated_at (ISO 8601), for a byte-identical re-export. Default: SOURCE_DATE_EPOCH if set, else the time of the export.")
    var asOf: String?

    @Option(help: "The previous bundle: record its SHA256SUMS digest and window, so bundles form a chain.")
    var previous: String?

    @Option(help: "Report templates folder (report.html.mustache, report.md.mustache, assertion.mustache, controls.yml). Default: the installed evidence-templates.")
    var templates: String?

    @Flag(help: "Also write oscal/assessment-results.json: the findings as OSCAL assessment results, citing this bundle's SHA256SUMS (verify derives it again and compares).")
    var oscal = false

    @Flag(help: "Also write OUT.tar.gz, a deterministic archive of the bundle.")
    var archive = false

    @Option(help: "Then archive the bundle to this S3 Object Lock bucket (s3://BUCKET/PREFIX), as `git-evidence archive` does.")
    var archiveTo: String?

    @OptionGroup var s3: S3Options

    @Flag(help: "Replace an existing output folder.")
    var force = false

    @Flag(help: "Export a window that has not ended yet; the bundle and its report say it is provisional.")
    var allowOpenWindow = false

    @Option(help: "What the bundle calls the repository. Default: its origin URL (without credentials), else its folder's name.")
    var repoName: String?

    @Option(help: "Who prepared the evidence, as the report's header names them (a person or team).")
    var preparedBy: String?

    @Flag(help: "Exit 1 when any control fails (for CI). Without it, failures are evidence and the exit is 0.")
    var failOnFindings = false

    @Flag(help: "Write the outcome as JSON on stdout (notes stay on stderr).")
    var json = false

    func validate() throws {
        if window.window == nil && (window.from == nil || window.to == nil) {
            throw ValidationError("export needs an audit window: --window 2026-Q3, or both --from and --to")
        }
        if [github != nil, live.githubRepo != nil, gitlab != nil, liveGitLab.gitlabProject != nil].filter({ $0 }).count != 1 {
            throw ValidationError("give the review evidence: --github FOLDER or --gitlab FOLDER, or collect it live with --github-repo OWNER/NAME or --gitlab-project GROUP/NAME (one of them)")
        }
    }

    func run() throws {
        var request = ExportRequest(
            repository: repository.repo, branch: repository.branch, configPath: repository.config, window: try window.resolve(),
            github: github ?? "", ledgers: try ledgers.sources(), keyPath: key, output: out, force: force, asOf: try generatedAt(asOf: asOf), previous: previous, archive: archive, templates: templates)
        request.progress = progress.reporter
        request.allowOpenWindow = allowOpenWindow
        request.repositoryName = repoName
        request.preparedBy = preparedBy
        request.tsaURLs = tsaUrl
        request.oscal = oscal
        request.gitlab = gitlab
        request.live = try live.request()
        request.live?.progress = progress.line
        request.liveGitLab = try liveGitLab.request(apiURL: live.apiUrl, cache: live.cache)
        request.liveGitLab?.progress = progress.line
        defer { progress.finish() }
        // The bucket is checked before any work, so a wrong one never leaves a bundle half-kept.
        let bucket = try archiveTo.map { try S3Location($0, flag: "--archive-to") }
        let client = try bucket.map { _ in try s3.client() }
        if let bucket, let client, try !client.objectLockEnabled(bucket.bucket) {
            throw EvidenceError.invalidArgument(flag: "--archive-to", value: "s3://\(bucket.bucket)", reason: "the bucket does not have Object Lock enabled; nothing was written")
        }
        let summary = try EvidenceExport.run(request)
        progress.finish()  // the notes below start on a line of their own
        for diagnostic in summary.diagnostics {
            FileHandle.standardError.write(Data("git-evidence: note: \(diagnostic)\n".utf8))
        }
        let failures = summary.failures
        let byControl = Dictionary(grouping: failures, by: \.control).map { "\($0.key) \($0.value.count)" }.sorted()
        if !json {
            print("wrote \(summary.output): \(summary.changes) changes, \(summary.findings.count) findings, \(failures.count) failing"
                  + (byControl.isEmpty ? "" : " (\(byControl.joined(separator: ", ")))"))
        }
        let receipt = try bucket.flatMap { bucket in try client.map { try BundleArchive.run(bundle: summary.output, to: bucket, client: $0, mode: "COMPLIANCE") } }
        if let receipt, let bucket, !json {
            print("archived \(receipt.objects.count) objects to s3://\(bucket.bucket)/\(bucket.key(receipt.bundle))/, COMPLIANCE until \(receipt.retainUntil)")
        }
        if json {
            let outcome = ExportOutcome(summary: summary, archive: request.archive ? summary.output + ".tar.gz" : nil,
                                        receipt: receipt.map { _ in BundleArchive.receiptPath(beside: summary.output) })
            print(String(decoding: try BundleLayout.jsonEncoder.encode(outcome), as: UTF8.self))
        }
        if !summary.notCollected.isEmpty {
            FileHandle.standardError.write(Data(("git-evidence: the live collection is INCOMPLETE: GitHub did not answer \(summary.notCollected.count == 1 ? "1 request" : "\(summary.notCollected.count) requests"); "
                                                 + "the manifest (completeness.not_collected) and the report name them\n").utf8))
            throw ExitCode(1)
        }
        if failOnFindings && !failures.isEmpty { throw ExitCode(1) }
    }
}

/// What `export --json` prints: where the bundle went and what it found.
struct ExportOutcome: Encodable {
    let output: String
    let archive: String?
    let receipt: String?
    let changes: Int
    let findings: [String: Int]
    let failing: [String: Int]
    let diagnostics: [Diagnostic]
    let notCollected: [String]

    init(summary: ExportSummary, archive: String?, receipt: String?) {
        output = summary.output
        self.archive = archive
        self.receipt = receipt
        changes = summary.changes
        findings = Dictionary(grouping: summary.findings, by: \.status.rawValue).mapValues(\.count)
        failing = Dictionary(grouping: summary.failures, by: \.control).mapValues(\.count)
        diagnostics = summary.diagnostics
        notCollected = summary.notCollected
    }

    enum CodingKeys: String, CodingKey {
        case output, archive, receipt, changes, findings, failing, diagnostics
        case notCollected = "not_collected"
    }
}
