import GitKit

/// The correlate stage: each change with its review evidence, the migrations and Terraform modules in its tree, and
/// the ledger rows that ran its migrations; each ledger record with the change whose bytes it ran. Reads the
/// repository's trees, nothing else, and builds every value once.
enum EvidenceCorrelation {
    static func run(_ collected: CollectedEvidence) throws -> CorrelatedEvidence {
        let inputs = collected.inputs
        let migrations = MigrationInspector(repository: inputs.repository, convention: inputs.config.downMigrations)
        let terraform = TerraformInspector(repository: inputs.repository)
        let matching = collected.matching
        let coverage = LedgerReconciler.coverage(collected.ledgers)

        /// A change with its evidence; `judged` adds the ledger rows that ran its files and the ledgers covering it.
        func correlate(_ change: Change, judged: Bool) throws -> CorrelatedChange {
            let review = collected.review.changes[change.commit] ?? .none
            var files = try migrations.inspect(change)
            if judged {
                files = files.map { file in file.applied(matching.applies[file.path] ?? []) }
            }
            var correlated = CorrelatedChange(change: change, pullRequest: review.pullRequest, match: review.match,
                                              untrustedReference: review.untrustedReference, commitChecks: review.commitChecks,
                                              missingEvidence: review.missingEvidence, migrations: files,
                                              terraform: try terraform.inspect(change), ledgers: judged ? coverage : [])
            correlated.forge = collected.review.forge
            return correlated
        }
        let population = try collected.population.map { try correlate($0, judged: true) }
        let credited = try collected.credited.map { try correlate($0, judged: false) }

        var byCommit = [String: CorrelatedChange]()
        var byPull = [Int: CorrelatedChange]()
        for change in credited + population {
            byCommit[change.change.commit] = change
            if let number = change.pullRequest?.pullRequest.number { byPull[number] = change }
        }
        let heads = Dictionary(collected.review.held.compactMap { pull in pull.head?.sha.map { ($0.lowercased(), pull.number) } },
                               uniquingKeysWith: { first, _ in first })
        /// The change a Terraform apply ran: the branch commit's own change, or — for an apply from a pull request's
        /// branch before merge (Atlantis, speculative VCS runs) — the change that merged that pull request.
        func applied(_ record: LedgerRecord, _ placement: BranchPlacement?) -> CorrelatedChange? {
            if case .onBranch(let commit, _) = placement, let change = byCommit[commit] { return change }
            let pull = record.pullRequest ?? record.commit.flatMap { commit in
                heads[commit] ?? (commit.count < 40 ? heads.first { $0.key.hasPrefix(commit) }?.value : nil)
            }
            return pull.flatMap { byPull[$0] }
        }
        // A log serving several repositories (Atlantis) names each apply's: only this repository's pull requests are its.
        let audited = try Self.repositoryNames(collected.review.held, repository: inputs.repository)
        var otherRepositories = [String: Set<String>]()
        let kept = matching.matches.filter { match in
            guard let named = match.record.repository, !audited.isEmpty, !audited.contains(named.lowercased()) else { return true }
            otherRepositories[match.record.ledger, default: []].insert(named)
            return false
        }
        let records = kept.map { match in
            ReconciledRecord(record: match.record, version: match.version,
                             change: match.record.event == .terraformApplied ? applied(match.record, match.placement)
                                 : match.version.flatMap { byCommit[$0.commit] },
                             placement: match.placement, byName: match.byName)
        }
        let reconciliation = LedgerReconciliation(
            records: records, coverage: coverage, outsideWindow: matching.outsideWindow,
            otherEvents: Dictionary(collected.ledgers.filter { $0.otherEvents > 0 }.map { ($0.bundlePath, $0.otherEvents) }, uniquingKeysWith: +))

        var diagnostics = collected.review.diagnostics
        let forge = collected.review.forge
        for change in population + credited {
            if let untrusted = change.untrustedReference, change.missingEvidence == nil {
                diagnostics.append(Diagnostic(subject: "commit \(change.change.commit.prefix(12))", message: untrusted.reason + "; not trusted"))
            }
            if case .pullRequest(let number) = change.missingEvidence {
                diagnostics.append(Diagnostic(subject: "commit \(change.change.commit.prefix(12))",
                                              message: "\(forge.noun) evidence missing for \(forge.number(number)): the \(forge == .github ? "subject" : "message") names it and the \(forge.name) export does not hold it"))
            }
        }
        for (ledger, count) in reconciliation.outsideWindow.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(Diagnostic(subject: ledger, message: "\(count) record(s) ran outside the window; counted, not judged"))
        }
        for (ledger, names) in otherRepositories.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(Diagnostic(subject: ledger, message: "applies of other repositories (\(names.sorted().joined(separator: ", "))); not judged"))
        }
        for (ledger, count) in reconciliation.otherEvents.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(Diagnostic(subject: ledger, message: "\(count) event(s) of other types; not about migrations or Terraform"))
        }
        let completeness = try Self.completeness(collected.review.held, uncollected: collected.review.uncollected, population: population, inputs: inputs, window: collected.window)
        for number in completeness.mergedNotOnBranch {
            diagnostics.append(Diagnostic(subject: "\(forge.abbreviation) \(forge.number(number))", message: "merged into \(inputs.hostBranch) in the window, but neither its merge commit nor any change of the branch is its"))
        }
        var correlated = CorrelatedEvidence(branch: inputs.branch, hostBranch: inputs.hostBranch, window: collected.window, config: inputs.config,
                                            changes: population, ledgers: collected.ledgers, reconciliation: reconciliation, review: collected.review,
                                            diagnostics: diagnostics, completeness: completeness)
        correlated.migrationSetups = collected.migrationSetups
        correlated.deployPath = collected.deployPath
        return correlated
    }

    /// The `owner/name` (lowercased) this repository goes by on its host: from its pull requests' web addresses and
    /// its `origin` remote. Empty when neither tells.
    static func repositoryNames(_ held: [PullRequest], repository: Repository) throws -> Set<String> {
        var names = Set<String>()
        for pull in held {
            guard let url = pull.htmlURL, let range = url.range(of: "/pull/") ?? url.range(of: "/-/merge_requests/") else { continue }
            if let name = ownerName(String(url[..<range.lowerBound])) { names.insert(name) }
        }
        // The remote as the bundle names the repository: a local folder's clone has none.
        if let remote = try RepositoryIdentity(repository: repository, given: nil, path: "").remoteURL, let name = ownerName(remote) {
            names.insert(name)
        }
        return names
    }

    /// `https://github.com/acme/api.git`, `git@github.com:acme/api.git` → `acme/api`.
    static func ownerName(_ address: String) -> String? {
        var text = address.hasSuffix(".git") ? String(address.dropLast(4)) : address
        if let scheme = text.range(of: "://") { text = String(text[scheme.upperBound...]) }
        else if let colon = text.firstIndex(of: ":") { text = String(text[text.index(after: colon)...]) }
        let parts = text.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return parts.suffix(2).joined(separator: "/").lowercased()
    }

    /// What the export holds against what the window needed.
    static func completeness(_ held: [PullRequest], uncollected: [Diagnostic], population: [CorrelatedChange], inputs: EvidenceInputs, window: AuditWindow) throws -> ReviewCompleteness {
        let merged = held.filter { pull in
            pull.isMerged && (pull.base?.ref == nil || pull.base?.ref == inputs.hostBranch) && pull.mergedAt.map { window.contains($0.seconds) } == true
        }
        let correlated = Set(population.compactMap { $0.pullRequest?.pullRequest.number })
        var notOnBranch = [Int]()
        // A pull request a change of the branch correlates with is on it, whatever its merge commit id says.
        for pull in merged where !correlated.contains(pull.number) {
            let onBranch = try inputs.branch.tip.flatMap { tip throws in
                try pull.mergeCommitSHA.flatMap { try inputs.repository.lookupCommit($0) }.map { try inputs.repository.isAncestor($0, of: tip) }
            } ?? false
            if !onBranch { notOnBranch.append(pull.number) }
        }
        return ReviewCompleteness(held: held.count, mergedInWindow: merged.count,
                                  correlated: correlated.count,
                                  mergedNotOnBranch: notOnBranch.sorted(), missingEvidence: population.filter { $0.missingEvidence != nil }.count,
                                  notCollected: uncollected.isEmpty ? nil : uncollected.map(\.description))
    }
}

extension MigrationFile {
    /// The same file with the ledger rows that ran it.
    func applied(_ applies: [LedgerApply]) -> MigrationFile {
        MigrationFile(path: path, flavour: flavour, status: status, isScript: isScript, isDown: isDown, down: down, downLookedFor: downLookedFor,
                      journalWhen: journalWhen, applies: applies, reversal: reversal)
    }
}
