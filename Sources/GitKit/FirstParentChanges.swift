/// One commit of a first-parent walk with what it changed against its first parent, within a scope.
public struct FirstParentStep: Sendable {
    /// The commit (header only: no message is read until a caller asks for one).
    public let commit: CommitHeader
    /// Its first parent's root tree; nil for a root commit (compared with the empty tree).
    public let parentTree: ObjectID?
    /// The files in scope that differ from the first parent; empty when the commit changed nothing in scope.
    public let files: [TreeChange]
}

/// The one first-parent history walk every command uses: newest first, one commit at a time, each compared with
/// its first parent by the pruned tree compare, with the window's bounds, progress and the clock-skew stop.
///
/// Each commit's header is read once (the parent read for one step is the commit of the next). Commits newer than
/// `until` are read but not compared; the walk ends after more than `skewAllowance` consecutive commits older than
/// `since`, since committer times on a branch are nearly always in order and a few out of order are tolerated, as
/// `git log --since` does. Memory holds one step, not the history.
public struct FirstParentChanges {
    /// Consecutive commits older than `since` read before the walk stops.
    public static let skewAllowance = 5
    /// Commits between two progress reports.
    public static let progressInterval = 2_000

    private let repository: Repository
    private let comparison: Comparison
    private let since: Int64?
    private let until: Int64?
    private let onProgress: ((Int) -> Void)?
    private var walk: FirstParentWalk
    private var pending: CommitHeader??
    private var olderInARow = 0
    /// First-parent commits read so far (compared or not).
    public private(set) var commitsRead = 0

    /// What each commit is compared with its first parent for.
    private enum Comparison {
        /// Every file in the scope.
        case scope(any TreeDiffScope)
        /// One file, followed through the renames a caller finds.
        case path(PathFollower)
    }

    /// Walks from `tip` (nothing when nil). `since` is inclusive and `until` exclusive, in committer seconds;
    /// `onProgress` is told the number of commits read every `progressInterval` commits.
    public init(repository: Repository, from tip: ObjectID?, scope: any TreeDiffScope, since: Int64? = nil, until: Int64? = nil,
                onProgress: ((Int) -> Void)? = nil) {
        self.init(repository: repository, from: tip, comparison: .scope(scope), since: since, until: until, onProgress: onProgress)
    }

    /// Walks from `tip` comparing one file only, as `git log -- PATH` does: a step's `files` is that file's change
    /// (with the `directoryMarkers` found above it), or empty. `follow(_:)` switches to a rename's old name.
    public init(repository: Repository, from tip: ObjectID?, following path: String, directoryMarkers: [String] = [],
                onProgress: ((Int) -> Void)? = nil) throws(GitError) {
        let follower = try PathFollower(repository: repository, path: path, directoryMarkers: directoryMarkers)
        self.init(repository: repository, from: tip, comparison: .path(follower), since: nil, until: nil, onProgress: onProgress)
    }

    private init(repository: Repository, from tip: ObjectID?, comparison: Comparison, since: Int64?, until: Int64?, onProgress: ((Int) -> Void)?) {
        self.repository = repository
        self.comparison = comparison
        self.since = since
        self.until = until
        self.onProgress = onProgress
        self.walk = repository.firstParentHistory(from: tip)
    }

    /// The next commit in the window, with the files it changed in scope (possibly none); nil when the walk is over.
    public mutating func next() throws(GitError) -> FirstParentStep? {
        while let commit = try take() {
            let time = commit.committerTime
            if let since, time < since {
                olderInARow += 1
                if olderInARow > Self.skewAllowance { return nil }
            } else {
                olderInARow = 0
            }
            // A shallow clone's oldest commit has no parent here (libgit2 from 1.7 even reports none): comparing it
            // with the empty tree would call every file added. Before the window the walk ends there; in it, the
            // history asked for is not in the clone.
            if repository.shallowBoundary.contains(commit.id) {
                if let since, time < since { return nil }
                throw GitError.shallowHistory(repository: repository.requestedPath, boundary: commit.id.hex)
            }
            // The first parent is the next commit of the walk: read it once, for its tree and for the next round.
            let parent = try peek()
            if let since, time < since { continue }
            if let until, time >= until { continue }
            let files: [TreeChange] = switch comparison {
            case .scope(let scope): try repository.changedFiles(from: parent?.tree, to: commit.tree, scope: scope)
            case .path(let follower): try follower.change(from: parent?.tree, to: commit.tree).map { [$0] } ?? []
            }
            return FirstParentStep(commit: commit, parentTree: parent?.tree, files: files)
        }
        return nil
    }

    /// The file a walk `following` a path follows now; nil for a walk over a scope.
    public var followedPath: String? {
        if case .path(let follower) = comparison { follower.path } else { nil }
    }

    /// Follows `path` from the next step on: the old name of the file a step renamed.
    public func follow(_ path: String) {
        if case .path(let follower) = comparison { follower.follow(path) }
    }

    /// The next commit in the window that changed something in scope.
    public mutating func nextChange() throws(GitError) -> FirstParentStep? {
        while let step = try next() {
            if !step.files.isEmpty { return step }
        }
        return nil
    }

    private mutating func take() throws(GitError) -> CommitHeader? {
        if let pending {
            self.pending = nil
            return pending
        }
        return try read()
    }

    private mutating func peek() throws(GitError) -> CommitHeader? {
        if let pending { return pending }
        let next = try read()
        pending = .some(next)
        return next
    }

    private mutating func read() throws(GitError) -> CommitHeader? {
        guard let header = try walk.next() else { return nil }
        commitsRead += 1
        if commitsRead % Self.progressInterval == 0 { onProgress?(commitsRead) }
        return header
    }
}
