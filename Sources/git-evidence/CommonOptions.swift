import ArgumentParser
import EvidenceCore
import GitKit
import Foundation

/// Which repository, branch and settings to read.
struct RepositoryOptions: ParsableArguments {
    @Option(help: "The repository (bare or with a work tree); searched upward like git does.")
    var repo: String = "."

    @Option(help: "The audited branch (main, origin/main, refs/heads/main). Default: HEAD's branch.")
    var branch: String?

    @Option(help: "Settings file. Default: .git-evidence.yml in the work tree, else as committed on the branch.")
    var config: String?

    /// Opens the repository, resolves the branch and finds the settings.
    func open() throws -> (Repository, Branch, EvidenceConfig) {
        let repository = try Repository(path: repo)
        let resolved = try repository.auditedBranch(branch)
        if let note = resolved.note { FileHandle.standardError.write(Data("git-evidence: note: \(note)\n".utf8)) }
        let settings = try EvidenceConfig.resolve(explicitPath: config, repository: repository, branch: resolved)
        return (repository, resolved, settings)
    }
}

/// The audit window: `--window`, or `--from`/`--to`, or all of history.
struct WindowOptions: ParsableArguments {
    @Option(help: "A named window in UTC: 2026-Q3, 2026-07 or 2026.")
    var window: String?

    @Option(help: "Window start, inclusive: 2026-07-01 (UTC midnight) or ISO 8601 with offset.")
    var from: String?

    @Option(help: "Window end, exclusive: 2026-10-01 or ISO 8601 with offset.")
    var to: String?

    func validate() throws {
        if window != nil, from != nil || to != nil {
            throw ValidationError("--window cannot be combined with --from/--to")
        }
    }

    /// The window asked for; all of history when no flag is given.
    func resolve() throws -> AuditWindow {
        if let window { return try AuditWindow.named(window) }
        return try AuditWindow.between(from: from, to: to)
    }
}

/// `--ledger`, shared by the commands that read what production ran.
struct LedgerOptions: ParsableArguments {
    @Option(help: ArgumentHelp("A ledger of what production ran: [KIND:]PATH, or KIND:postgresql://... or KIND:mysql://... to read the table live. Repeatable.",
                               discussion: "KIND is alembic, atlas, django, drizzle, events, flyway, golang-migrate, knex, liquibase, prisma, rails or "
                                   + "sqitch; detected from the file's header when left out. A URL may end in #table or #schema.table."))
    var ledger: [String] = []

    @Option(help: ArgumentHelp("Nightly drift runs: the output of `terraform plan -detailed-exitcode -json` (or `terraform show -json`), a file "
                               + "or a folder of WORKSPACE/NIGHT.json files; the folder holding a file names its workspace. Repeatable."))
    var drift: [String] = []

    @Option(help: ArgumentHelp("CloudTrail log files (.json or .json.gz, as S3 delivers them), or a folder of them with the trail's digest "
                               + "files (CloudTrail-Digest/): every change outside terraform.deploy_roles is an exception, and the digest "
                               + "chain shows the logs complete and unaltered. Repeatable."))
    var cloudtrail: [String] = []

    @Option(name: .customLong("cloudtrail-keys"), help: ArgumentHelp("The keys CloudTrail signs digest files with: the output of "
                               + "`aws cloudtrail list-public-keys` (JSON), one file per region. Repeatable."))
    var cloudtrailKeys: [String] = []

    /// The arguments read as sources (a URL without its kind is refused here).
    func sources() throws -> [LedgerSource] {
        try ledger.map(LedgerSource.init(argument:)) + drift.flatMap { try LedgerSource.driftRuns(at: $0) }
            + cloudtrail.flatMap { try LedgerSource.cloudTrailLogs(at: $0) }
            + cloudtrailKeys.map { try LedgerSource.cloudTrailKeys(at: $0) }
    }
}

/// `--quiet`, and the progress line long walks keep on stderr when it is a terminal.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "Print no progress on stderr (there is none unless stderr is a terminal).")
    var quiet = false

    /// A progress reporter for stderr, nil when quiet or when stderr is not a terminal (a pipe or a file).
    var reporter: WalkProgress? {
        guard !quiet, isatty(STDERR_FILENO) == 1 else { return nil }
        return { stage, commits in
            FileHandle.standardError.write(Data("\rgit-evidence: \(stage): \(commits) commits\u{1B}[K".utf8))
        }
    }

    /// A one-line status for stderr ("waiting for the rate limit, 41 s"), nil when the reporter is.
    var line: (@Sendable (String) -> Void)? {
        guard reporter != nil else { return nil }
        return { text in FileHandle.standardError.write(Data("\rgit-evidence: \(text)\u{1B}[K".utf8)) }
    }

    /// Clears the progress line, if one was shown.
    func finish() {
        if reporter != nil { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

/// Green and red for pass and fail, only on a terminal: never into a pipe or a file, never with `NO_COLOR` set
/// (no-color.org) or on a dumb terminal.
enum Colour {
    static let enabled: Bool = {
        let environment = ProcessInfo.processInfo.environment
        return isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }()

    static func pass(_ text: String) -> String { enabled ? "\u{1B}[32m\(text)\u{1B}[0m" : text }
    static func fail(_ text: String) -> String { enabled ? "\u{1B}[31m\(text)\u{1B}[0m" : text }
}

/// `--as-of`, else `SOURCE_DATE_EPOCH` (seconds), else nothing (the command records its own time).
func generatedAt(asOf: String?) throws -> Int64? {
    if let asOf {
        guard let seconds = Timestamp.parse(asOf) else {
            throw EvidenceError.invalidArgument(flag: "--as-of", value: asOf, reason: "expected an ISO 8601 time")
        }
        return seconds
    }
    guard let epoch = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"] else { return nil }
    guard let seconds = Int64(epoch) else {
        throw EvidenceError.invalidArgument(flag: "SOURCE_DATE_EPOCH", value: epoch, reason: "expected whole seconds since 1970")
    }
    return seconds
}

/// `--tsa-roots`: PEM certificates.
func readTSARoots(_ path: String) throws -> [UInt8] {
    guard let bytes = FileManager.default.contents(atPath: path) else { throw EvidenceError.unreadable(file: path, reason: "cannot read it") }
    guard String(decoding: bytes, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
        throw EvidenceError.malformed(file: path, location: "top", reason: "no PEM certificate")
    }
    return [UInt8](bytes)
}
