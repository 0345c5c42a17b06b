import Foundation
import GitKit

/// The evidence derived from a repository and a GitHub export for a window: what `export` writes and what
/// `verify --repo` derives again to compare.
public struct DerivedEvidence {
    public let population: [CorrelatedChange]
    public let records: [EvidenceRecord]
    public let findings: [Finding]
    public let diagnostics: [Diagnostic]
    /// The GitHub files read, relative to `githubFolder`, sorted.
    public let githubFiles: [String]
    public let githubFolder: String

    /// `changes.jsonl` as the bundle holds it.
    public func changesJSONLines() throws -> [UInt8] {
        let encoder = BundleLayout.compactEncoder
        return try records.flatMap { [UInt8](try encoder.encode($0)) + [0x0a] }
    }

    /// `findings.json` as the bundle holds it.
    public func findingsJSON() throws -> [UInt8] {
        [UInt8](try BundleLayout.jsonEncoder.encode(findings)) + [0x0a]
    }
}

public enum EvidenceDerivation {
    public static func derive(repository: Repository, branch: Branch, config: EvidenceConfig, github: String, window: AuditWindow) throws -> DerivedEvidence {
        var correlator = Correlator(export: try GitHubExport.load(folder: github))
        var population = [CorrelatedChange]()
        let inspector = MigrationInspector(repository: repository)
        try ChangeCollector(repository: repository, classifier: config.classifier).collect(branch: branch, window: window) { change in
            var correlated = try correlator.correlate(change)
            correlated.migrations = try inspector.inspect(change)
            population.append(correlated)
        }
        let branchName = branch.shortName.hasPrefix("origin/") ? String(branch.shortName.dropFirst("origin/".count)) : branch.shortName
        let protection = try correlator.protection(branch: branchName)
        let findings = Evaluator.findings(for: population, policy: config.policy)
            + [BranchProtectionEvidence.finding(protection, branch: branchName)]
        return DerivedEvidence(population: population, records: population.map { EvidenceRecord($0, policy: config.policy) }, findings: findings,
                               diagnostics: correlator.allDiagnostics, githubFiles: correlator.filesRead, githubFolder: correlator.folder)
    }
}
