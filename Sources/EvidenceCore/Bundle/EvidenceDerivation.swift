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
    /// The ledgers read, in bundle-path order.
    public let ledgers: [Ledger]
    /// How their records matched.
    public let reconciliation: LedgerReconciliation

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
    /// Collects the population, correlates it with the GitHub export and the ledgers, and evaluates every control.
    /// Ledgers are judged in bundle-path order, so the order they were given in does not change the evidence.
    public static func derive(repository: Repository, branch: Branch, config: EvidenceConfig, github: String, ledgers given: [Ledger] = [],
                              window: AuditWindow, progress: WalkProgress? = nil) throws -> DerivedEvidence {
        var correlator = Correlator(export: try GitHubExport.load(folder: github))
        var population = [CorrelatedChange]()
        let collector = ChangeCollector(repository: repository, classifier: config.classifier)
        let migrations = MigrationInspector(repository: repository, convention: config.downMigrations)
        let terraform = TerraformInspector(repository: repository)
        func correlate(_ change: Change) throws -> CorrelatedChange {
            var correlated = try correlator.correlate(change)
            correlated.migrations = try migrations.inspect(change)
            correlated.terraform = try terraform.inspect(change)
            return correlated
        }
        try collector.collect(branch: branch, window: window, progress: progress) { population.append(try correlate($0)) }

        let ledgers = given.sorted { $0.bundlePath < $1.bundlePath }
        var reconciliation = LedgerReconciliation.none
        var diagnostics = [Diagnostic]()
        if !ledgers.isEmpty {
            let applies = Set(ledgers.flatMap(\.records).compactMap(\.commit))
            let history = try MigrationHistory.read(repository: repository, branch: branch, classifier: config.classifier, placing: applies,
                                                    progress: progress)
            // A row can run bytes a change before the window introduced: correlate that change too.
            let reconciler = LedgerReconciler(history: history, window: window) { commit in
                guard let id = ObjectID(hex: commit) else { return nil }
                let header = try repository.header(id)
                let parentTree = try header.parents.first.map { try repository.header($0).tree }
                return try collector.change(of: header, parentTree: parentTree).map(correlate)
            }
            reconciliation = try reconciler.reconcile(ledgers, population: &population)
            for index in population.indices { population[index].ledgers = reconciliation.coverage }
            for (ledger, count) in reconciliation.outsideWindow.sorted(by: { $0.key < $1.key }) {
                diagnostics.append(Diagnostic(subject: ledger, message: "\(count) record(s) ran outside the window; counted, not judged"))
            }
            for (ledger, count) in reconciliation.otherEvents.sorted(by: { $0.key < $1.key }) {
                diagnostics.append(Diagnostic(subject: ledger, message: "\(count) event(s) of other types; not about migrations or Terraform"))
            }
        }
        let branchName = branch.shortName.hasPrefix("origin/") ? String(branch.shortName.dropFirst("origin/".count)) : branch.shortName
        let protection = try correlator.protection(branch: branchName)
        let findings = Evaluator.findings(for: population, ledgers: reconciliation, policy: config.policy)
            + [BranchProtectionEvidence.finding(protection, branch: branchName)]
        return DerivedEvidence(population: population, records: population.map { EvidenceRecord($0, policy: config.policy) }, findings: findings,
                               diagnostics: correlator.allDiagnostics + diagnostics, githubFiles: correlator.filesRead,
                               githubFolder: correlator.folder, ledgers: ledgers, reconciliation: reconciliation)
    }
}
