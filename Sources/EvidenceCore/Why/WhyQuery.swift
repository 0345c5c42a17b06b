import Foundation
import GitKit
#if canImport(Glibc)
import Glibc
#endif

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
    /// When no pull request is shown, why, in a few words: `none: pushed directly to the branch`, or which evidence
    /// is not there (a merge subject names #141 and no export was given). Never a direct push for want of evidence.
    public let withoutPullRequest: String?
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
    /// When ledgers were given and no apply of this version succeeded: `never ran` or `failed`; nil otherwise.
    public let notRun: String?
    /// With `--patch`: the change's diff of its migration and infrastructure files, as `git diff` prints it.
    public let patch: String?

    enum CodingKeys: String, CodingKey {
        case commit, subject, authors, path, applies, down, reversal, patch
        case notRun = "not_run"
        case revertTo = "revert_to"
        case committedAt = "committed_at"
        case pullRequest = "pull_request"
        case withoutPullRequest = "without_pull_request"
        case isMigration = "is_migration"
    }
}

/// The pull request behind a change, as `why` shows it.
public struct WhyPullRequest: Encodable, Sendable {
    /// `github` or `gitlab`.
    public let forge: Forge
    /// `pull request #7` or `merge request !7`.
    public let reference: String
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
    let reviews: any PullRequestSource & Sendable
    /// Whether a GitHub or GitLab export was given: without one, a change with no pull request is not known to
    /// have been pushed directly.
    let reviewsGiven: Bool
    let ledgers: [Ledger]
    /// Only the changes committed in it are answered (the history before still gives each its revert path).
    let window: AuditWindow
    /// Print each change's diff of its migration and infrastructure files.
    let patches: Bool
    let progress: WalkProgress?

    public init(repository: Repository, branch: Branch, config: EvidenceConfig, github: String?, gitlab: String? = nil, ledgers: [Ledger],
                window: AuditWindow = .all, patches: Bool = false, progress: WalkProgress? = nil) throws {
        self.window = window
        self.patches = patches
        self.repository = repository
        self.branch = branch
        self.config = config
        reviewsGiven = github != nil || gitlab != nil
        self.reviews = if let gitlab { try GitLabExport.load(folder: gitlab) } else { try github.map { try GitHubExport.load(folder: $0) } ?? GitHubExport.none }
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
            if let line { return try answer(path: path, line: line, tip: tip) }
            let (names, commits) = try history(of: path, from: tip)
            return WhyAnswer(path: path, grep: nil, line: nil, names: names, changes: try describe(inWindow(commits), versions: commits))
        case .grep(let text):
            let hits = try pickaxe(text, from: tip)
            guard let first = hits.first else { return WhyAnswer(path: nil, grep: text, line: nil, names: [], changes: []) }
            // Each file's changes are described with that file's history (for its revert path), then put back in order.
            var described = [String: WhyChange]()
            for path in Set(hits.map(\.path)).sorted() {
                let (_, versions) = try history(of: path, from: tip)
                let mine = Set(hits.filter { $0.path == path }.map(\.commit))
                let picked = versions.filter { mine.contains($0.commit) && $0.path.path == path }
                for change in try describe(inWindow(picked), versions: versions) { described[change.commit + "\u{0}" + path] = change }
            }
            return WhyAnswer(path: first.path, grep: text, line: nil, names: [],
                             changes: hits.compactMap { described[$0.commit + "\u{0}" + $0.path] })
        }
    }

    /// The changes committed in the window asked for (all of them without one).
    func inWindow(_ changes: [FileChange]) -> [FileChange] {
        changes.filter { change in Timestamp.parse(change.change.committedAt).map { window.contains($0) } ?? true }
    }

    /// The change that last touched line `line` of `path`, as `git blame --first-parent` finds it, in the one walk of
    /// the file's history: each change to the file passes the line on to the version before unless its line diff
    /// touched it. The walk goes on only as far as the change before that one (its revert path). A file deleted
    /// since is blamed as the last commit that had it left it.
    func answer(path: String, line: Int, tip: ObjectID) throws -> WhyAnswer {
        var blame: LineBlame? = LineBlame(line: line, place: branch.shortName)
        let (names, versions) = try history(of: path, from: tip, blaming: &blame)
        guard let last = blame?.found else {
            throw EvidenceError.invalidArgument(flag: "PATH:LINE", value: "\(path):\(line)", reason: "the file has no such line on \(blame?.place ?? "")")
        }
        return WhyAnswer(path: path, grep: nil, line: line, names: names,
                         changes: try describe(inWindow(versions.filter { $0.commit == last }), versions: versions))
    }

    /// One line followed back through a file's changes, newest first.
    struct LineBlame {
        /// The line, in the version the walk has reached.
        var line: Int
        /// Where the blamed version is, for a message: the branch, or the commit before the file's deletion.
        var place: String
        /// The commit that last touched it, once found.
        var found: String?
        /// The version blamed has been reached (a deletion at the tip comes before it).
        var started = false
        /// The version blamed has no such line.
        var beyondEnd = false

        init(line: Int, place: String) {
            self.line = line
            self.place = place
        }

        /// Passes the line back through `file`, a change of `commit` (an exact rename with its blob on both sides);
        /// sets `found` when that change's line diff touched it.
        mutating func pass(_ file: TreeChange, of commit: CommitHeader, in repository: Repository) throws {
            guard found == nil, !beyondEnd else { return }
            guard let new = file.newBlob else {
                if !started, let parent = commit.firstParent {
                    place = "\(parent.short), the last commit that had it (deleted in \(commit.id.short))"
                }
                return
            }
            if !started {
                started = true
                beyondEnd = try line < 1 || line > repository.lineCount(of: new)
                if beyondEnd { return }
            }
            // A file added here brought every line it has; an exact rename none.
            guard let old = file.oldBlob else {
                found = commit.id.hex
                return
            }
            if old == new { return }
            if let before = LineHunk.lineBefore(line, hunks: try repository.lineHunks(from: old, to: new)) {
                line = before
            } else {
                found = commit.id.hex
            }
        }
    }

    /// A change and the file's entry in it.
    struct FileChange {
        let commit: String
        let change: Change
        let path: ChangedPath
    }

    /// Walks newest first, following renames back; returns the names and the changes, oldest first. The walk
    /// compares this one path only (no other folder is opened). A change that adds the file (which may be a
    /// rename) is compared again along the rules, for a rename's old name; with `--patch`, every change is, for
    /// its whole diff of migration and infrastructure files.
    /// With `blaming`, the line is passed back through each change, and the walk stops at the change before the
    /// one that touched it: what its revert path needs.
    func history(of path: String, from tip: ObjectID, blaming blame: inout LineBlame?) throws -> ([String], [FileChange]) {
        let collector = ChangeCollector(repository: repository, classifier: config.classifier)
        var names = [path]
        var found = [FileChange]()
        var walk = try FirstParentChanges(repository: repository, from: tip, following: path, directoryMarkers: config.classifier.directoryMarkers,
                                          onProgress: progress.map { report in { report("following \(path)", $0) } })
        while let step = try walk.nextChange(), let file = step.files.first {
            // A root commit renames nothing.
            let whole = patches || (file.status == .added && step.parentTree != nil)
            let change = try whole ? collector.change(of: step.commit, parentTree: step.parentTree) : collector.change(of: step)
            let entry = change?.paths.first { $0.path == file.path }
            // An exact rename carries the lines over as they were.
            var passed = file
            if entry?.status == .renamed { passed.oldBlob = file.newBlob }
            try blame?.pass(passed, of: step.commit, in: repository)
            if blame?.beyondEnd == true { break }
            guard let change, let entry else { continue }
            found.append(FileChange(commit: step.commit.id.hex, change: change, path: entry))
            if let through = blame?.found, found.count > 1, found[found.count - 2].commit == through { break }
            if let old = entry.oldPath { walk.follow(old); names.append(old) }
            if entry.status == .added { break }
        }
        return (names, found.reversed())
    }

    /// The file's whole history (no line blamed).
    func history(of path: String, from tip: ObjectID) throws -> ([String], [FileChange]) {
        var none: LineBlame?
        return try history(of: path, from: tip, blaming: &none)
    }

    /// Every first-parent change whose diff adds or removes `text` in a migration or infrastructure file —
    /// where the number of times the file holds it changes, as `git log -S` counts — oldest first, from the first
    /// that added it. Drizzle's `meta/` snapshots and journal repeat every schema as JSON and are metadata, not
    /// what runs: they are not searched.
    func pickaxe(_ text: String, from tip: ObjectID) throws -> [(commit: String, path: String)] {
        let needle = Array(text.utf8)
        var hits = [(commit: String, path: String)]()
        var walk = FirstParentChanges(repository: repository, from: tip, scope: config.classifier,
                                      onProgress: progress.map { report in { report("searching every version", $0) } })
        while let step = try walk.next() {
            for file in step.files where !Self.isDrizzleMetadata(file.path) {
                let now = try file.newBlob.map { Self.occurrences(of: needle, in: try repository.blob($0)) } ?? 0
                let before = try file.oldBlob.map { Self.occurrences(of: needle, in: try repository.blob($0)) } ?? 0
                if now != before { hits.append((step.commit.id.hex, file.path)) }
            }
        }
        // The oldest is where the text first came: there was none before it.
        return hits.reversed()
    }

    /// `drizzle/meta/0001_snapshot.json`, `drizzle/meta/_journal.json`.
    static func isDrizzleMetadata(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        guard parts.count >= 2, parts[parts.count - 2] == "meta", let name = parts.last else { return false }
        return name == "_journal.json" || name.hasSuffix("_snapshot.json")
    }

    /// How many times `needle` occurs in `haystack`, not overlapping: `memchr` finds each candidate first byte and
    /// `memcmp` checks the rest, over the bytes themselves.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8]) -> Int {
        guard let head = needle.first, haystack.count >= needle.count else { return 0 }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { pin in
                let base = hay.baseAddress!
                let last = hay.count - pin.count  // the last offset a match can start at
                var count = 0
                var offset = 0
                while offset <= last, let found = memchr(base + offset, Int32(head), last - offset + 1) {
                    let at = base.distance(to: UnsafeRawPointer(found))
                    if memcmp(found, pin.baseAddress!, pin.count) == 0 {
                        count += 1
                        offset = at + pin.count
                    } else {
                        offset = at + 1
                    }
                }
                return count
            }
        }
    }

    /// Correlates each change with its pull request and the ledgers (the pipeline's collect and correlate stages,
    /// over all history), and says whether the file can be reverted.
    func describe(_ changes: [FileChange], versions: [FileChange]) throws -> [WhyChange] {
        let inspector = MigrationInspector(repository: repository, convention: config.downMigrations)
        let inputs = EvidenceInputs(repository: repository, branch: branch, config: config, scope: .changes(changes.map(\.change)),
                                    pullRequests: reviews, ledgers: ledgers, creditsEarlierChanges: false, progress: progress)
        let correlated = try EvidencePipeline.correlate(try EvidencePipeline.collect(inputs))
        let population = correlated.changes
        let terraform = correlated.reconciliation.records.filter { $0.record.event == .terraformApplied }
        let sources = Dictionary(ledgers.map { ($0.bundlePath, $0.source) }, uniquingKeysWith: { first, _ in first })
        return try zip(changes, population).map { file, correlated in
            // Approvers and checks exactly as changes.jsonl records them.
            let pull = EvidenceRecord(correlated, policy: config.policy).pullRequest.map { summary in
                WhyPullRequest(forge: summary.forge ?? .github, reference: summary.reference, number: summary.number, title: summary.title, url: summary.url,
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
            // Said only where a ledger could have shown it: a migration with migration ledgers, a Terraform file with apply ledgers.
            let judges = file.path.kind == .infrastructure ? ledgers.contains { $0.records.contains { $0.event == .terraformApplied } }
                : ledgers.contains { $0.records.contains { $0.event == .migrationApplied } }
            // A new migration is said as CC8.1-deployed says it (pending, skipped by Drizzle's migrator, failed, reverted).
            let added = migration && file.path.status == .added ? correlated.migrations.first { $0.path == file.path.path } : nil
            // Outside a bundle, each ledger by where it was read from, as the applies are.
            let coverage = correlated.ledgers.map { LedgerCoverage(ledger: sources[$0.ledger] ?? $0.ledger, kind: $0.kind,
                                                                   newestJournalWhen: $0.newestJournalWhen, heads: $0.heads) }
            let standing = coverage.isEmpty ? nil : added.map { Deployed.state(of: $0.applied(applies), ledgers: coverage) }
            let notRun: String? = if let standing {
                standing.applied == false ? standing.text : nil
            } else if !judges || file.path.status == .deleted || !(migration || file.path.kind == .infrastructure) {
                nil
            } else if applies.isEmpty {
                "never ran: no ledger given records an apply of this version"
            } else {
                applies.contains(where: { $0.succeeded && !$0.reverted }) ? nil : "failed: no apply of this version succeeded"
            }
            return WhyChange(commit: file.commit, committedAt: file.change.committedAt, subject: file.change.subject, authors: authors,
                             path: file.path, pullRequest: pull, withoutPullRequest: pull == nil ? Self.withoutPullRequest(correlated, reviewsGiven: reviewsGiven) : nil, applies: applies, down: down, reversal: reversal,
                             revertTo: file.path.kind == .infrastructure && file.path.status != .deleted ? Self.previousVersion(of: file, versions: versions) : nil,
                             isMigration: migration, notRun: notRun, patch: patches ? try patch(of: file.change) : nil)
        }
    }

    /// Why `change` shows no pull request: pushed directly only when the export given holds the branch's pull
    /// requests and none is the change's, as CC8.1-traceable judges it; otherwise which evidence is not there.
    static func withoutPullRequest(_ change: CorrelatedChange, reviewsGiven: Bool) -> String {
        let forge = change.forge
        let noExport = "no GitHub or GitLab export was given (--github DIR or --gitlab DIR)"
        switch change.missingEvidence {
        case .pullRequest(let number):
            if let project = change.untrustedReference?.project { return "not shown: the message names \(project)\(forge.number(number)), another project's \(forge.noun)" }
            return "not shown: the \(forge == .github ? "subject" : "message") names \(forge.number(number)), and "
                + (reviewsGiven ? "the \(forge.name) export given does not hold it" : noExport)
        case .noPullRequests:
            return reviewsGiven ? "not shown: the \(forge.name) export given holds no \(forge.noun)s" : "not known: " + noExport
        case nil:
            return "none: pushed directly to the branch" + (change.untrustedReference.map { "; \($0.reason)" } ?? "")
        }
    }

    /// The change's diff of its migration and infrastructure files (under old and new names), against its first parent.
    func patch(of change: Change) throws -> String {
        guard let id = ObjectID(hex: change.commit) else { return "" }
        let tree = try repository.header(id).tree
        let parentTree = try change.parents.first.flatMap(ObjectID.init(hex:)).map { try repository.header($0).tree }
        let paths = change.paths.flatMap { [$0.path] + ($0.oldPath.map { [$0] } ?? []) }
        return String(decoding: try repository.patch(from: parentTree, to: tree, paths: paths), as: UTF8.self)
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
