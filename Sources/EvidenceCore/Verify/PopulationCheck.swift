import Foundation
import GitKit

/// `verify --repo`: derives the evidence again from the repository and the bundle's own `inputs/` (its settings
/// file and GitHub export) for the manifest's branch and window, and compares it with the bundle's
/// `changes.jsonl` and `findings.json`. A rewritten history, a change left out or slipped in, or an edited
/// finding shows up as a difference.
enum PopulationCheck {
    static func check(bundle: String, manifest: Manifest, repository path: String) throws -> VerificationCheck {
        let name = "population"
        let repository = try Repository(path: path)
        let branch: Branch
        do {
            branch = try repository.resolveBranch(manifest.repository.branch)
        } catch {
            return VerificationCheck(name: name, passed: false, detail: "the repository has no branch \(manifest.repository.branch)")
        }
        // The head the bundle was made at must be a state of this branch (the branch may have moved on since), and
        // the population is derived at that head: a bundle made mid-quarter keeps verifying after the branch moves.
        var derivedAt = branch
        if let head = manifest.repository.head {
            guard let id = try repository.lookupCommit(head), id.hex == head else {
                return VerificationCheck(name: name, passed: false, detail: "the repository does not have the bundle's head \(head.prefix(12)); "
                                             + "fetch \(branch.shortName) and verify again")
            }
            guard let tip = branch.tip, try repository.isAncestor(id, of: tip) else {
                return VerificationCheck(name: name, passed: false, detail: "the bundle's head \(head.prefix(12)) is not on \(branch.shortName) in \(path)")
            }
            derivedAt = Branch(reference: branch.reference, tip: id)
        }
        guard let start = Timestamp.parse(manifest.window.start), let end = Timestamp.parse(manifest.window.end) else {
            return VerificationCheck(name: name, passed: false, detail: "the manifest's window is not readable")
        }
        let settingsFile = bundle + "/" + BundleLayout.settingsInput
        var config = FileManager.default.fileExists(atPath: settingsFile)
            ? try EvidenceConfig.load(file: settingsFile) : EvidenceConfig.defaults
        if manifest.parameters.pipelineRules == nil { config.classifier = config.classifier.withoutPipeline }
        let rules = (config.classifier.migrationRules.map(\.description), config.classifier.infrastructureRules.map(\.description),
                     config.classifier.pipelineRules.map(\.description))
        guard rules.0 == manifest.parameters.migrationRules, rules.1 == manifest.parameters.infrastructureRules,
              rules.2 == manifest.parameters.pipelineRules ?? [] else {
            return VerificationCheck(name: name, passed: false, detail: "the bundle's settings file does not give the rules its manifest records")
        }
        let ledgers = try LedgerLoader.loadBundled(bundle: bundle)
        let derived = try EvidencePipeline.derive(EvidenceInputs(
            repository: repository, branch: derivedAt, config: config, scope: .window(AuditWindow(start: start, end: end)),
            pullRequests: try reviewSource(bundle: bundle), ledgers: ledgers))
        let population = derived.correlated.changes.map { EvidenceRecord($0, policy: config.policy) }

        let recorded = (FileManager.default.contents(atPath: bundle + "/" + BundleLayout.changes).map { [UInt8]($0) } ?? [])
        let derivedLines = try BundleAssembly.changesJSONLines(population)
        var problems = [String]()
        if recorded != derivedLines {
            // Line by line, so one altered line does not hide the others' commits.
            let recordedCommits = recorded.split(separator: 0x0a).compactMap { line in
                (try? BundleReader.changes(from: Array(line), file: BundleLayout.changes))?.first?.change.commit
            }
            let derivedCommits = population.map(\.change.commit)
            let missing = derivedCommits.filter { !recordedCommits.contains($0) }
            let extra = recordedCommits.filter { !derivedCommits.contains($0) }
            if !missing.isEmpty { problems.append("changes in the repository but not in the bundle: " + missing.map { String($0.prefix(12)) }.joined(separator: ", ")) }
            if !extra.isEmpty { problems.append("changes in the bundle but not in the repository: " + extra.map { String($0.prefix(12)) }.joined(separator: ", ")) }
            if missing.isEmpty && extra.isEmpty { problems.append("changes.jsonl differs from the re-derived population (same commits, different details)") }
        }
        let recordedFindings = FileManager.default.contents(atPath: bundle + "/" + BundleLayout.findings).map { [UInt8]($0) } ?? []
        if recordedFindings != (try BundleAssembly.findingsJSON(derived.findings)) { problems.append("findings.json differs from the re-derived findings") }
        return VerificationCheck(name: name, passed: problems.isEmpty,
                                 detail: problems.isEmpty ? "re-derived \(population.count) changes and their findings from \(path): identical" : problems.joined(separator: "; "))
    }

    /// The review evidence the bundle carries: its GitLab export when it has one, else its GitHub export.
    static func reviewSource(bundle: String) throws(EvidenceError) -> any PullRequestSource {
        let gitlab = bundle + "/" + BundleLayout.gitlabInputs
        if FileManager.default.fileExists(atPath: gitlab + "/merge_requests.json") { return try GitLabExport.load(folder: gitlab) }
        return try GitHubExport.load(folder: bundle + "/" + BundleLayout.githubInputs)
    }
}
