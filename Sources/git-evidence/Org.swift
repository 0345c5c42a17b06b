import ArgumentParser
import EvidenceCore
import Foundation

/// `git-evidence org`: every repository of a list exported on this machine, N at a time.
struct Org: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Export every repository of repos.yml, each in a process of its own, N at a time; one failing does not stop the rest.",
        discussion: "Bundles go to OUT/bundles/NAME, logs to OUT/logs, the list's names to OUT/expected.txt (for rollup --expect), outcomes to OUT/org.json. "
            + "Exit 0 when every export wrote its bundle, 1 when one did not, 2 unusable input."
    )

    @Option(help: "The repositories: repos.yml (name, path or url, branch, github / github_export / gitlab / gitlab_export, ledgers; defaults: for all).")
    var repos: String

    @OptionGroup var window: WindowOptions

    @Option(help: "How many exports run at once.")
    var jobs = 2

    @Option(help: "Only shard I of N (0-based: every N-th repository from the I-th), as a CI matrix or a Kubernetes Indexed Job picks it.")
    var shard: String?

    @Option(help: "The signing key, as export --key takes it.")
    var key: String

    @Option(help: "Output folder (created if absent; shards may share it).")
    var out: String

    @Option(help: "Time to record as generated_at in every bundle (ISO 8601).")
    var asOf: String?

    @Option(help: "An RFC 3161 time-stamping authority for every bundle (repeatable).")
    var tsaUrl: [String] = []

    @Flag(help: "Also write each bundle's oscal/assessment-results.json.")
    var oscal = false

    @Flag(help: "Replace bundles already in OUT/bundles.")
    var force = false

    @Flag(help: "Write every job's outcome as JSON on stdout.")
    var json = false

    func validate() throws {
        if window.window == nil && (window.from == nil || window.to == nil) {
            throw ValidationError("org needs an audit window: --window 2026-Q3, or both --from and --to")
        }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() throws {
        let list = try OrgRepositories.load(repos)
        let windowArguments = window.window.map { ["--window", $0] } ?? ["--from", window.from!, "--to", window.to!]
        let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
        var request = OrgRequest(repositories: list, jobs: jobs, windowArguments: windowArguments, keyPath: absolute(key), output: out, executable: executable)
        request.shard = try shard.map(parseShard)
        if let asOf { request.exportArguments += ["--as-of", asOf] }
        for url in tsaUrl { request.exportArguments += ["--tsa-url", url] }
        if oscal { request.exportArguments.append("--oscal") }
        if force { request.exportArguments.append("--force") }
        let quiet = json
        request.progress = { line in if !quiet { FileHandle.standardOutput.write(Data((line + "\n").utf8)) } }
        let results = try OrgRun.run(request)
        if json { print(String(decoding: try BundleLayout.jsonEncoder.encode(results), as: UTF8.self)) }
        let failed = results.filter { $0.bundle == nil }
        if !json {
            print("\(results.count - failed.count) of \(results.count) bundles written to \(out)/bundles" + (failed.isEmpty ? "" : "; failed: " + failed.map(\.name).joined(separator: ", ")))
        }
        if !failed.isEmpty { throw ExitCode(1) }
    }

    /// `I/N` with 0 <= I < N.
    private func parseShard(_ text: String) throws -> (index: Int, count: Int) {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let index = parts[0], let count = parts[1], count > 0, (0..<count).contains(index) else {
            throw EvidenceError.invalidArgument(flag: "--shard", value: text, reason: "expected I/N with 0 <= I < N")
        }
        return (index, count)
    }

    /// A key file as the jobs see it: they run with the same working folder, but say it whole in their logs.
    private func absolute(_ path: String) -> String {
        path.contains(":") || path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
