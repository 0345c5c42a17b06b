import GitKit

/// Walks the audited branch's first-parent history and yields the population of changes (SPEC §3).
///
/// Reads one commit at a time and keeps nothing but the change being built, so memory does not grow with
/// history. Each commit is compared with its first parent by tree object ids, descending only into subtrees
/// that differ and that the rules allow.
public struct ChangeCollector {
    /// The repository being audited.
    public let repository: Repository
    /// Which paths count.
    public let classifier: PathClassifier

    /// How many consecutive first-parent commits older than the window's start are read before the walk stops.
    /// Committer times on a branch are nearly always in order; this tolerates a little clock skew, as `git log
    /// --since` does.
    public static let skewAllowance = 5

    public init(repository: Repository, classifier: PathClassifier) {
        self.repository = repository
        self.classifier = classifier
    }

    /// Calls `body` with each change on `branch` in `window`, newest first. Returns how many commits were read.
    @discardableResult
    public func collect(branch: Branch, window: AuditWindow, progress: WalkProgress? = nil, _ body: (Change) throws -> Void) throws -> Int {
        guard let tip = branch.tip else { return 0 }
        var walk = repository.firstParentHistory(from: tip)
        var current = try walk.next()
        var read = current == nil ? 0 : 1
        var olderInARow = 0
        while let commit = current {
            let time = commit.committerTime
            if let start = window.start, time < start {
                olderInARow += 1
                if olderInARow > Self.skewAllowance { break }
            } else {
                olderInARow = 0
            }
            // The first parent is the next commit of the walk: read it once, for its tree and for the next round.
            let parent = try walk.next()
            if parent != nil { read += 1 }
            if read % WalkProgressInterval.commits == 0 { progress?("reading the branch's history", read) }
            if window.contains(time), let change = try change(of: commit, parentTree: parent?.tree) {
                try body(change)
            }
            current = parent
        }
        return read
    }

    /// The change a commit makes against its first parent's tree (the empty tree for a root commit), or nil when
    /// it touches no migration or infrastructure path. The full commit is read only when it is a change.
    public func change(of commit: CommitHeader, parentTree: ObjectID?) throws -> Change? {
        let files = try repository.changedFiles(from: parentTree, to: commit.tree, scope: classifier)
        guard !files.isEmpty else { return nil }
        let record = try repository.commit(commit.id)
        let paths = files.compactMap { file -> ChangedPath? in
            let kind = classifier.classify(file.path, markers: file.markers)
                ?? file.oldPath.flatMap { classifier.classify($0, markers: file.markers) }
            guard let kind else { return nil }
            return ChangedPath(path: file.path, kind: kind, status: file.status, oldPath: file.oldPath)
        }
        let merged = record.isMerge ? try repository.commitsMerged(by: record) : []
        return Change(record: record, paths: paths, merged: merged)
    }
}
