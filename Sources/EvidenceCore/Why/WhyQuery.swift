import Foundation
import GitKit

/// What an engineer asks `why` about.
public enum WhyTarget: Sendable, Hashable {
    /// Every change to a file (followed through renames); with a line, the change that last touched it.
    case path(String, line: Int?)
    /// The change that first added some text to a migration or Terraform file, then the later changes to that file.
    case grep(String)
}

/// One change in a `why` answer: who, when, why (the pull request), approved by whom, run where, revertible?
public struct WhyChange: Encodable, Sendable {
    public let commit: String
    public let committedAt: String
    public let subject: String
    /// `Name <email>` of every author of the change's commits.
    public let authors: [String]
    /// What happened to the file in this change, under the name it had then.
    public let path: ChangedPath
    public let pullRequest: WhyPullRequest?
    /// Ledger rows that ran this file (any version of it), when ledgers were given.
    public let applies: [LedgerApply]
    /// The file's down migration as of this change, by the convention; nil when none (or not a migration script).
    public let down: String?
    /// For a Rails, Django or Alembic migration: whether its own code undoes it.
    public let reversal: CodeReversal?
    /// For an infrastructure file: the commit of the version before this one, to apply again to undo it (empty
    /// when this change added the file).
    public let revertTo: String?
    /// True for a migration script: `down` (or `reversal`) then answers "can we revert?".
    public let isMigration: Bool

    enum CodingKeys: String, CodingKey {
        case commit, subject, authors, path, applies, down, reversal
        case revertTo = "revert_to"
        case committedAt = "committed_at"
        case pullRequest = "pull_request"
        case isMigration = "is_migration"
    }
}

/// The pull request behind a change, as `why` shows it.
public struct WhyPullRequest: Encodable, Sendable {
    public let number: Int
    public let title: String
    public let url: String?
    /// The description's first paragraph: usually the why.
    public let summary: String?
    public let approvers: [String]
    public let checks: [CheckSummary]
}

/// A `why` answer: the changes, oldest first.
public struct WhyAnswer: Encodable, Sendable {
    /// The path asked about, or the file the text was first added to.
    public let path: String?
    /// The text searched for, for `--grep`.
    public let grep: String?
    /// The line asked about.
    public let line: Int?
    /// Every name the file had, newest first.
    public let names: [String]
    public let changes: [WhyChange]
}

/// Answers `why` from the branch's first-parent history: the walk compares trees along the migration and
/// infrastructure rules (a path they do not cover has no answer), so it costs what the population walk costs
/// over all history.
public struct WhyQuery {
    let repository: Repository
    let branch: Branch
    let config: EvidenceConfig
    let github: GitHubExport
    let ledgers: [Ledger]
    let progress: WalkProgress?

    public init(repository: Repository, branch: Branch, config: EvidenceConfig, github: String?, ledgers: [Ledger],
                progress: WalkProgress? = nil) throws {
        self.repository = repository
        self.branch = branch
        self.config = config
        self.github = try github.map { try GitHubExport.load(folder: $0) } ?? .none
        self.ledgers = ledgers
        self.progress = progress
    }

    public func answer(_ target: WhyTarget) throws -> WhyAnswer {
        guard let tip = branch.tip else { return WhyAnswer(path: nil, grep: nil, line: nil, names: [], changes: []) }
        switch target {
        case .path(let path, let line):
            guard config.classifier.mayCover(path) else {
                throw EvidenceError.invalidArgument(flag: "PATH", value: path, reason:
                    "no migration or infrastructure rule covers it, so no change to it is evidence (see git-evidence rules)")
            }
            var (names, commits) = try history(of: path, from: tip)
            let versions = commits
            if let line {
                guard let last = try repository.lastChange(ofLine: line, path: path, at: tip) else {
                    throw EvidenceError.invalidArgument(flag: "PATH:LINE", value: "\(path):\(line)", reason: "the file has no such line on \(branch.shortName)")
                }
                commits = commits.filter { $0.commit == last.hex }
            }
            return WhyAnswer(path: path, grep: nil, line: line, names: names, changes: try describe(commits, versions: versions))
        case .grep(let text):
            guard let first = try firstAddition(of: text, from: tip) else {
                return WhyAnswer(path: nil, grep: text, line: nil, names: [], changes: [])
            }
            // The file under the name it has today; its history from the change that added the text.
            let (names, commits) = try history(of: first.current, from: tip)
            let from = commits.firstIndex { $0.commit == first.commit } ?? 0
            return WhyAnswer(path: first.path, grep: text, line: nil, names: names, changes: try describe(Array(commits[from...]), versions: commits))
        }
    }

    /// A change and the file's entry in it.
    struct FileChange {
        let commit: String
        let change: Change
        let path: ChangedPath
    }

    /// Walks newest first, following renames back; returns the names and the changes, oldest first.
    func history(of path: String, from tip: ObjectID) throws -> ([String], [FileChange]) {
        let collector = ChangeCollector(repository: repository, classifier: config.classifier)
        var names = [path]
        var current = path
        var found = [FileChange]()
        var walk = FirstParentChanges(repository: repository, from: tip, scope: config.classifier,
                                      onProgress: progress.map { report in { report("following \(current)", $0) } })
        while let step = try walk.nextChange() {
            if let file = step.files.first(where: { $0.path == current }) {
                if let change = try collector.change(of: step), let entry = change.paths.first(where: { $0.path == current }) {
                    found.append(FileChange(commit: step.commit.id.hex, change: change, path: entry))
                }
                if let old = file.oldPath { current = old; names.append(old) }
                if file.status == .added { break }
            }
        }
        return (names, found.reversed())
    }

    /// The oldest first-parent change whose new version of a migration or infrastructure file holds `text` when
    /// the version before did not, with the name that file has at the tip (renames since followed forward).
    func firstAddition(of text: String, from tip: ObjectID) throws -> (commit: String, path: String, current: String)? {
        let needle = Array(text.utf8)
        var oldest: (position: Int, commit: String, path: String)?
        var renames = [(position: Int, from: String, to: String)]()  // newest first
        var position = 0
        var walk = FirstParentChanges(repository: repository, from: tip, scope: config.classifier,
                                      onProgress: progress.map { report in { report("searching every version", $0) } })
        while let step = try walk.next() {
            for file in step.files {
                if let old = file.oldPath { renames.append((position, old, file.path)) }
                guard let blob = file.newBlob, Self.contains(try repository.blob(blob), needle) else { continue }
                if let old = file.oldBlob, Self.contains(try repository.blob(old), needle) { continue }
                oldest = (position, step.commit.id.hex, file.path)
            }
            position += 1
        }
        guard let oldest else { return nil }
        var current = oldest.path
        for rename in renames.reversed() where rename.position < oldest.position && rename.from == current { current = rename.to }
        return (oldest.commit, oldest.path, current)
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        haystack.firstRange(of: needle) != nil
    }

    /// Correlates each change with its pull request and the ledgers (the pipeline's collect and correlate stages,
    /// over all history), and says whether the file can be reverted.
    func describe(_ changes: [FileChange], versions: [FileChange]) throws -> [WhyChange] {
        let inspector = MigrationInspector(repository: repository, convention: config.downMigrations)
        let inputs = EvidenceInputs(repository: repository, branch: branch, config: config, scope: .changes(changes.map(\.change)),
                                    pullRequests: github, ledgers: ledgers, creditsEarlierChanges: false, progress: progress)
        let correlated = try EvidencePipeline.correlate(try EvidencePipeline.collect(inputs))
        let population = correlated.changes
        let terraform = correlated.reconciliation.records.filter { $0.record.event == .terraformApplied }
        let sources = Dictionary(ledgers.map { ($0.bundlePath, $0.source) }, uniquingKeysWith: { first, _ in first })
        return try zip(changes, population).map { file, correlated in
            // Approvers and checks exactly as changes.jsonl records them.
            let pull = EvidenceRecord(correlated, policy: config.policy).pullRequest.map { summary in
                WhyPullRequest(number: summary.number, title: summary.title, url: summary.url,
                               summary: Self.firstParagraph(correlated.pullRequest?.pullRequest.body), approvers: summary.approvers,
                               checks: summary.checks)
            }
            let migration = file.path.kind == .migration && MigrationInspector.isScript(file.path.path) && file.path.status != .deleted
                && !inspector.convention.isDown(file.path.path)
            let down = migration ? try inspector.downMigration(for: file.path.path, at: ObjectID(hex: file.commit)!) : nil
            let reversal = migration ? try inspector.reversal(for: file.path.path, at: ObjectID(hex: file.commit)!) : nil
            // Outside a bundle, name each ledger by where it was read from.
            let ran = file.path.kind == .infrastructure ? Self.applies(of: file, versions: versions, records: terraform)
                : correlated.migrations.first { $0.path == file.path.path }?.applies ?? []
            let applies = ran.map { $0.naming(sources[$0.ledger] ?? $0.ledger) }
            // A merge's authors are those of the commits it brought in, not whoever pressed the button.
            var authors = [String]()
            for person in file.change.mergedCommits.isEmpty ? [file.change.author] : file.change.mergedCommits.map(\.author) {
                let name = "\(person.name) <\(person.email)>"
                if !authors.contains(name) { authors.append(name) }
            }
            return WhyChange(commit: file.commit, committedAt: file.change.committedAt, subject: file.change.subject, authors: authors,
                             path: file.path, pullRequest: pull, applies: applies, down: down, reversal: reversal,
                             revertTo: file.path.kind == .infrastructure && file.path.status != .deleted ? Self.previousVersion(of: file, versions: versions) : nil,
                             isMigration: migration)
        }
    }

    /// The commit of the version before `file`'s in `versions` (oldest first); empty when `file` added it.
    static func previousVersion(of file: FileChange, versions: [FileChange]) -> String {
        guard file.path.status != .added, let index = versions.firstIndex(where: { $0.commit == file.commit }), index > 0 else { return "" }
        return versions[index - 1].commit
    }

    /// The Terraform applies that ran this version of an infrastructure file: those from a commit of the branch
    /// while the version was the branch's (from its change up to the next one), and those from the branch of the
    /// pull request its change merged. Which folder a workspace runs the ledgers do not say, so every workspace's
    /// applies in that time are listed.
    static func applies(of file: FileChange, versions: [FileChange], records: [ReconciledRecord]) -> [LedgerApply] {
        guard file.path.status != .deleted, let start = Timestamp.parse(file.change.committedAt) else { return [] }
        let next = versions.firstIndex { $0.commit == file.commit }.flatMap { index in
            index + 1 < versions.count ? Timestamp.parse(versions[index + 1].change.committedAt) : nil
        }
        return records.compactMap { reconciled in
            let record = reconciled.record
            switch reconciled.placement {
            case .onBranch(let commit, let since) where since >= start && next.map({ since < $0 }) ?? true:
                return LedgerApply(record, version: MigrationVersion(path: file.path.path, blob: "", commit: commit, committedAt: since))
            default:
                // Atlantis logs the pull request, not the commit: the apply ran the pull request's change.
                guard reconciled.change?.change.commit == file.commit else { return nil }
                return LedgerApply(record, version: MigrationVersion(path: file.path.path, blob: "", commit: record.commit ?? file.commit,
                                                                     committedAt: start))
            }
        }
    }

    /// The first paragraph of a pull request's description, on one line.
    static func firstParagraph(_ body: String?) -> String? {
        guard let body else { return nil }
        let normalized = body.replacingOccurrences(of: "\r\n", with: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        guard let paragraph = normalized.components(separatedBy: "\n\n").first, !paragraph.isEmpty else { return nil }
        return paragraph.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
