import GitKit

/// The collect stage: walks the branch for the population, hashes every migration version when ledgers are given and
/// matches the ledger records to them, collects the earlier changes judged records ran, and asks the pull-request
/// source about all of them.
enum EvidenceCollection {
    static func run(_ inputs: EvidenceInputs) throws -> CollectedEvidence {
        let collector = ChangeCollector(repository: inputs.repository, classifier: inputs.config.classifier)
        var population = [Change]()
        let window: AuditWindow
        switch inputs.scope {
        case .window(let given):
            window = given
            try collector.collect(branch: inputs.branch, window: given, progress: inputs.progress) { population.append($0) }
        case .changes(let given):
            window = .all
            population = given
        }

        let ledgers = inputs.ledgers.sorted { $0.bundlePath < $1.bundlePath }
        var matching = LedgerReconciler.Matching()
        var credited = [Change]()
        if !ledgers.isEmpty {
            let applies = Set(ledgers.flatMap(\.records).compactMap(\.commit))
            let history = try MigrationHistory.read(repository: inputs.repository, branch: inputs.branch, classifier: inputs.config.classifier,
                                                    placing: applies, progress: inputs.progress)
            matching = LedgerReconciler(history: history, window: window).match(ledgers)
            if inputs.creditsEarlierChanges {
                let known = Set(population.map(\.commit))
                for commit in matching.creditedCommits where !known.contains(commit) {
                    guard let id = ObjectID(hex: commit) else { continue }
                    let header = try inputs.repository.header(id)
                    let parentTree = try header.firstParent.map { try inputs.repository.header($0).tree }
                    if let change = try collector.change(of: header, parentTree: parentTree) { credited.append(change) }
                }
            }
        }
        var source = inputs.pullRequests
        let review = try source.collect(for: population + credited, branch: inputs.hostBranch)
        var collected = CollectedEvidence(inputs: inputs, window: window, population: population, credited: credited, review: review,
                                          ledgers: ledgers, matching: matching)
        // The design of the window: judged for an export's window, not for the changes `why` asks about.
        if case .window(let given) = inputs.scope {
            collected.migrationSetups = try MigrationSetupInspector.setups(inputs.repository, branch: inputs.branch, window: given)
            collected.deployPath = try DeployPathInspector.read(inputs.repository, branch: inputs.branch)
        }
        return collected
    }
}
