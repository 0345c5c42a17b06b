import ArgumentParser
import EvidenceCore
import Foundation

/// Where live review evidence comes from: `--github-repo`, `--api-url`, `--cache`; the token from the environment.
struct GitHubOptions: ParsableArguments {
    @Option(help: "Collect the review evidence live from this GitHub repository (OWNER/NAME); token from GITHUB_TOKEN or GH_TOKEN.")
    var githubRepo: String?

    @Option(help: "The API: https://api.github.com (default), GitHub Enterprise Server's https://HOST/api/v3, or with --gitlab-project https://HOST/api/v4 (default https://gitlab.com/api/v4).")
    var apiUrl: String?

    @Option(help: "Keep ETags and bodies here (created 0700) so a re-run asks only for what changed and an interrupted one resumes.")
    var cache: String?

    @Option(help: "Authenticate as this GitHub App (its id) rather than with GITHUB_TOKEN; needs --app-key and --installation-id.")
    var appId: String?

    @Option(help: "The GitHub App's private key (PEM, as GitHub generates it).")
    var appKey: String?

    @Option(help: "The app's installation on the repository's owner.")
    var installationId: String?

    func request() throws -> GitHubRequest? {
        let app = [appId, appKey, installationId].compactMap { $0 }
        guard app.isEmpty || app.count == 3 else {
            throw ValidationError("a GitHub App needs all three of --app-id, --app-key and --installation-id")
        }
        if !app.isEmpty, githubRepo == nil { throw ValidationError("--app-id is for --github-repo OWNER/NAME") }
        return try githubRepo.map {
            try GitHubRequest(repository: $0, apiURL: apiUrl, cacheFolder: cache,
                              app: appId.map { GitHubApp(id: $0, keyFile: appKey!, installation: installationId!) },
                              environment: ProcessInfo.processInfo.environment)
        }
    }
}

/// Where live GitLab evidence comes from: `--gitlab-project`, with the API and cache given as for GitHub
/// (`--api-url https://HOST/api/v4`, `--cache`); the token from `GITLAB_TOKEN`.
struct GitLabOptions: ParsableArguments {
    @Option(help: "Collect the review evidence live from this GitLab project (GROUP/NAME); token from GITLAB_TOKEN; --api-url https://HOST/api/v4 for a self-managed instance.")
    var gitlabProject: String?

    func request(apiURL: String?, cache: String?) throws -> GitLabRequest? {
        try gitlabProject.map {
            try GitLabRequest(project: $0, apiURL: apiURL, cacheFolder: cache, environment: ProcessInfo.processInfo.environment)
        }
    }
}

/// `git-evidence collect github`: the GitHub export folder a window needs, collected live, with its provenance.
struct Collect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Collect review evidence live, into the export folder `export --github` reads.",
        subcommands: [CollectGitHub.self, CollectGitLab.self]
    )
}

struct CollectGitHub: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "github",
        abstract: "Collect the pull requests, reviews, commits and checks the window's changes need from GitHub's REST API.",
        discussion: "Exit 0 complete, 1 written but incomplete (collection.json and the notes say what is missing), 2 unusable input."
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var live: GitHubOptions
    @OptionGroup var ledgers: LedgerOptions
    @OptionGroup var progress: ProgressOptions

    @Option(help: "The folder to write (pulls.json, pulls/N/..., commits/SHA/..., collection.json); must not exist.")
    var out: String

    @Flag(help: "Write a JSON summary.")
    var json = false

    func validate() throws {
        if live.githubRepo == nil { throw ValidationError("collect github needs --github-repo OWNER/NAME") }
        if window.window == nil && (window.from == nil || window.to == nil) {
            throw ValidationError("collect needs an audit window: --window 2026-Q3, or both --from and --to")
        }
    }

    func run() throws {
        let auditWindow = try window.resolve()
        var request = try live.request()!
        request.progress = progress.line
        try collect(pullRequests: try request.source(since: auditWindow.start), out: out, repository: repository, window: auditWindow,
                    ledgers: ledgers, progress: progress, json: json)
    }
}

extension ParsableCommand {
    /// Collects what the window's changes need from `pullRequests` into the folder `out` (refused if it exists,
    /// nothing half-written stays), prints the notes and a summary; exit 1 when something was not collected.
    func collect(pullRequests source: any PullRequestSource, out: String, repository: RepositoryOptions, window auditWindow: AuditWindow,
                 ledgers: LedgerOptions, progress: ProgressOptions, json: Bool) throws {
        let (opened, branch, settings) = try repository.open()
        defer { progress.finish() }
        let inputs = EvidenceInputs(repository: opened, branch: branch, config: settings, scope: .window(auditWindow),
                                    pullRequests: source,
                                    ledgers: try LedgerLoader.load(try ledgers.sources()), progress: progress.reporter)
        // Refused before any request; and nothing half-written stays.
        if FileManager.default.fileExists(atPath: out) { throw EvidenceError.unwritable(path: out, reason: "already exists") }
        let folder = try StagedFolder(target: out, replacing: false)
        let review: ReviewEvidence
        do {
            review = try EvidencePipeline.collect(inputs).review
            for (path, bytes) in review.files.sorted(by: { $0.key < $1.key }) { try folder.write(path, bytes) }
            try folder.commit()
        } catch {
            folder.discard()
            throw error
        }
        progress.finish()
        for diagnostic in review.diagnostics { FileHandle.standardError.write(Data("git-evidence: note: \(diagnostic)\n".utf8)) }
        let complete = review.uncollected.isEmpty
        if json {
            let summary: [String: Any] = ["out": out, "files": review.files.count, "complete": complete,
                                          "not_collected": review.uncollected.map(\.description)]
            print(String(decoding: try JSONSerialization.data(withJSONObject: summary, options: [.sortedKeys]), as: UTF8.self))
        } else {
            print("wrote \(out): \(review.files.count) files, " + (complete ? "complete" : "INCOMPLETE: \(review.uncollected.count) requests not answered (see collection.json)"))
        }
        if !complete { throw ExitCode(1) }
    }
}

struct CollectGitLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitlab",
        abstract: "Collect the merge requests, approvals, commits and pipelines the window's changes need from GitLab's REST API (v4).",
        discussion: "Exit 0 complete, 1 written but incomplete (collection.json and the notes say what is missing), 2 unusable input."
    )

    @OptionGroup var repository: RepositoryOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var live: GitLabOptions
    @OptionGroup var ledgers: LedgerOptions
    @OptionGroup var progress: ProgressOptions

    @Option(help: "The GitLab API: https://gitlab.com/api/v4 (default), or a self-managed instance's https://HOST/api/v4.")
    var apiUrl: String?

    @Option(help: "Keep ETags and bodies here (created 0700) so a re-run asks only for what changed and an interrupted one resumes.")
    var cache: String?

    @Option(help: "The folder to write (merge_requests.json, merge_requests/N/..., pipelines/ID/jobs.json, collection.json); must not exist.")
    var out: String

    @Flag(help: "Write a JSON summary.")
    var json = false

    func validate() throws {
        if live.gitlabProject == nil { throw ValidationError("collect gitlab needs --gitlab-project GROUP/NAME") }
        if window.window == nil && (window.from == nil || window.to == nil) {
            throw ValidationError("collect needs an audit window: --window 2026-Q3, or both --from and --to")
        }
    }

    func run() throws {
        let auditWindow = try window.resolve()
        var request = try live.request(apiURL: apiUrl, cache: cache)!
        request.progress = progress.line
        try collect(pullRequests: try request.source(since: auditWindow.start), out: out, repository: repository, window: auditWindow,
                    ledgers: ledgers, progress: progress, json: json)
    }
}
