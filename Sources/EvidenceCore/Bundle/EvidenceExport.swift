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
    public var keyPath: String
    public var output: String
    public var force: Bool

    public init(repository: String, branch: String?, configPath: String?, window: AuditWindow, github: String, keyPath: String,
                output: String, force: Bool) {
        self.repository = repository
        self.branch = branch
        self.configPath = configPath
        self.window = window
        self.github = github
        self.keyPath = keyPath
        self.output = output
        self.force = force
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
        _ = try loadSigningKey(request.keyPath)  // Refuse an unusable or exposed key before any work.
        let repository = try Repository(path: request.repository)
        let branch = try repository.resolveBranch(request.branch)
        let config = try EvidenceConfig.resolve(explicitPath: request.configPath, repository: repository, branch: branch)
        var correlator = Correlator(export: try GitHubExport.load(folder: request.github))

        var population = [CorrelatedChange]()
        try ChangeCollector(repository: repository, classifier: config.classifier).collect(branch: branch, window: request.window) { change in
            population.append(try correlator.correlate(change))
        }
        let branchName = branch.shortName.hasPrefix("origin/") ? String(branch.shortName.dropFirst("origin/".count)) : branch.shortName
        let protection = try correlator.protection(branch: branchName)
        let findings = Evaluator.findings(for: population, policy: config.policy)
            + [BranchProtectionEvidence.finding(protection, branch: branchName)]

        let staged = try StagedFolder(target: request.output, replacing: request.force)
        do {
            let lineEncoder = JSONEncoder()
            lineEncoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var lines = [UInt8]()
            for change in population {
                lines += try lineEncoder.encode(EvidenceRecord(change, policy: config.policy))
                lines.append(UInt8(ascii: "\n"))
            }
            try staged.write("changes.jsonl", lines)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            try staged.write("findings.json", [UInt8](try encoder.encode(findings)) + [UInt8(ascii: "\n")])
            try staged.commit()
        } catch {
            staged.discard()
            throw error
        }
        return ExportSummary(output: staged.target, changes: population.count, findings: findings, diagnostics: correlator.allDiagnostics)
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
