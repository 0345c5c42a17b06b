import Foundation
import GitKit

/// What `git-evidence org` is asked to do.
public struct OrgRequest: Sendable {
    public var repositories: OrgRepositories
    /// `--shard I/N`: only every N-th repository from the I-th (0-based), as a CI matrix or an Indexed Job picks it.
    public var shard: (index: Int, count: Int)?
    /// How many exports run at once.
    public var jobs: Int
    /// The window as export takes it (`--window 2026-Q3`, or `--from … --to …`).
    public var windowArguments: [String]
    public var keyPath: String
    public var output: String
    /// Passed to every export as given: `--as-of`, `--tsa-url`, `--oscal`, `--force`.
    public var exportArguments = [String]()
    /// This program, which runs each export as a process of its own.
    public var executable: String
    /// Told one line per job as it ends.
    public var progress: @Sendable (String) -> Void = { _ in }

    public init(repositories: OrgRepositories, jobs: Int, windowArguments: [String], keyPath: String, output: String, executable: String) {
        self.repositories = repositories
        self.jobs = jobs
        self.windowArguments = windowArguments
        self.keyPath = keyPath
        self.output = output
        self.executable = executable
    }
}

/// How one repository's export went.
public struct OrgJob: Codable, Sendable, Equatable {
    public let name: String
    /// The bundle folder, when the export wrote one.
    public let bundle: String?
    /// export's exit code (0 written; 1 written, and failing controls with --fail-on-findings or an incomplete
    /// collection; 2 unusable input), or -1 when it never ran (the clone failed).
    public let exitCode: Int32
    public let seconds: Double
    /// The export process's peak resident memory (kilobytes, from wait4's rusage).
    public let peakKilobytes: Int
    /// export's summary line, or the one-line error that stopped it.
    public let outcome: String
    /// Where its output went.
    public let log: String

    enum CodingKeys: String, CodingKey {
        case name, bundle, seconds, outcome, log
        case exitCode = "exit_code"
        case peakKilobytes = "peak_kilobytes"
    }
}

/// `org`: the per-repository exports of a `repos.yml`, each a separate `git-evidence export` process, `jobs` at a time;
/// one failing never stops the rest. Bundles go to `OUT/bundles/NAME`, each job's output to `OUT/logs/NAME.log`,
/// the whole list's names to `OUT/expected.txt` (for `rollup --expect`) and every job's outcome to `OUT/org.json`
/// (`OUT/org-I-of-N.json` for a shard).
/// Live collection in the jobs shares one rate-limit budget per API host (`SharedRateBudget`).
public enum OrgRun {
    public static func run(_ request: OrgRequest) throws -> [OrgJob] {
        // A key every export would refuse is said once, before any work, not once per repository.
        if !PKCS11URI.isURI(request.keyPath) && !KMSKeyURI.isURI(request.keyPath) {
            _ = try PEMFileSigner(path: request.keyPath)
        }
        let entries = request.shard.map { request.repositories.shard($0.index, of: $0.count) } ?? request.repositories.repositories
        let root = URL(fileURLWithPath: request.output).standardized.path
        for folder in ["", "/bundles", "/logs", "/clones", "/cache", "/.rate-limit"] {
            do { try FileManager.default.createDirectory(atPath: root + folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) } catch {
                throw EvidenceError.unwritable(path: root + folder, reason: "cannot create it")
            }
        }
        try write(Array(request.repositories.repositories.map { $0.name + "\n" }.joined().utf8), to: root + "/expected.txt")

        let lock = NSLock()
        nonisolated(unsafe) var next = 0
        nonisolated(unsafe) var finished = 0
        nonisolated(unsafe) var results = [OrgJob?](repeating: nil, count: entries.count)
        let group = DispatchGroup()
        for _ in 0..<max(1, min(request.jobs, entries.count)) {
            group.enter()
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    lock.lock()
                    let index = next
                    next += 1
                    lock.unlock()
                    guard index < entries.count else { return }
                    let job = run(entries[index], request: request, root: root)
                    lock.lock()
                    results[index] = job
                    finished += 1
                    let line = "[\(String(repeating: " ", count: String(entries.count).count - String(finished).count))\(finished)/\(entries.count)] "
                        + "\(job.name): \(job.bundle == nil ? "FAILED: " : "")\(job.outcome) "
                        + (job.exitCode < 0 ? String(format: "(%.1f s)", job.seconds)
                            : String(format: "(%.1f s, peak %d MB)", job.seconds, job.peakKilobytes / 1024))
                    request.progress(line)
                    lock.unlock()
                }
            }
        }
        group.wait()
        let jobs = results.compactMap { $0 }
        // Shards sharing the folder each keep their own record.
        let record = request.shard.map { "/org-\($0.index)-of-\($0.count).json" } ?? "/org.json"
        try write([UInt8](try BundleLayout.jsonEncoder.encode(jobs)) + [0x0a], to: root + record)
        return jobs
    }

    /// One repository: cloned first when the list gives a URL, then exported in a process of its own.
    static func run(_ entry: OrgRepositories.Entry, request: OrgRequest, root: String) -> OrgJob {
        let started = Date()
        let log = root + "/logs/" + entry.slug + ".log"
        let bundle = root + "/bundles/" + entry.slug
        var path = entry.path ?? ""
        if let url = entry.url {
            path = root + "/clones/" + entry.slug + ".git"
            try? FileManager.default.removeItem(atPath: path)
            do { _ = try Repository.cloneBare(from: url, to: path) } catch {
                return OrgJob(name: entry.name, bundle: nil, exitCode: -1, seconds: Date().timeIntervalSince(started), peakKilobytes: 0,
                              outcome: "cannot clone \(url): \(error.description)", log: log)
            }
        }
        var arguments = ["export", "--repo", path] + request.windowArguments + ["--key", request.keyPath, "--out", bundle, "--repo-name", entry.name, "--quiet"]
        if let branch = entry.branch { arguments += ["--branch", branch] }
        if let config = entry.config { arguments += ["--config", config] }
        if let github = entry.github { arguments += ["--github-repo", github, "--cache", root + "/cache/" + entry.slug] }
        if let folder = entry.githubExport { arguments += ["--github", folder] }
        if let gitlab = entry.gitlab { arguments += ["--gitlab-project", gitlab, "--cache", root + "/cache/" + entry.slug] }
        if let folder = entry.gitlabExport { arguments += ["--gitlab", folder] }
        if let api = entry.apiURL { arguments += ["--api-url", api] }
        for ledger in entry.ledgers { arguments += ["--ledger", ledger] }
        arguments += request.exportArguments
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_EVIDENCE_RATE_BUDGET"] = root + "/.rate-limit"
        environment["GIT_EVIDENCE_RATE_RESERVE"] = String(request.jobs)
        let (code, peak) = spawn(request.executable, arguments, environment: environment, output: log)
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n").map(String.init)
        let written = FileManager.default.fileExists(atPath: bundle + "/SHA256SUMS") && (code == 0 || code == 1)
        let outcome = written ? (lines.first { $0.hasPrefix("wrote ") }.map { String($0.dropFirst("wrote ".count)).replacingOccurrences(of: bundle + ": ", with: "") } ?? "written")
            : (lines.last { $0.hasPrefix("git-evidence: error: ") }.map { String($0.dropFirst("git-evidence: error: ".count)) } ?? "export exited \(code)")
        return OrgJob(name: entry.name, bundle: written ? bundle : nil, exitCode: code, seconds: Date().timeIntervalSince(started),
                      peakKilobytes: peak, outcome: outcome, log: log)
    }

    /// Runs `executable` with `arguments`, standard output and error to the file `output`; returns its exit code (128 +
    /// the signal when one ended it) and its peak resident memory in kilobytes.
    static func spawn(_ executable: String, _ arguments: [String], environment: [String: String], output: String) -> (Int32, Int) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, executable, &actions, nil, argv, envp) == 0 else { return (127, 0) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        // WIFEXITED / WEXITSTATUS are macros: the low seven bits are the signal, the next eight the exit code.
        let signal = status & 0x7f
        return (signal == 0 ? (status >> 8) & 0xff : 128 + signal, usage.ru_maxrss)
    }

    private static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else { throw EvidenceError.unwritable(path: path, reason: "cannot write it") }
    }
}
