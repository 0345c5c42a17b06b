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

    public init(repository: Repository, classifier: PathClassifier) {
        self.repository = repository
        self.classifier = classifier
    }

    /// Calls `body` with each change on `branch` in `window`, newest first. Returns how many commits were read.
    @discardableResult
    public func collect(branch: Branch, window: AuditWindow, progress: WalkProgress? = nil, _ body: (Change) throws -> Void) throws -> Int {
        var walk = FirstParentChanges(repository: repository, from: branch.tip, scope: classifier, since: window.start, until: window.end,
                                      onProgress: progress.map { report in { report("reading the branch's history", $0) } })
        while let step = try walk.nextChange() {
            if let change = try change(of: step) { try body(change) }
        }
        return walk.commitsRead
    }

    /// The change one step of the walk makes, or nil when none of its files is classified. The full commit is
    /// read only when it is a change.
    public func change(of step: FirstParentStep) throws -> Change? {
        try change(of: step.commit, files: step.files)
    }

    /// The change a commit makes against its first parent's tree (the empty tree for a root commit), or nil when
    /// it touches no migration or infrastructure path. The full commit is read only when it is a change.
    public func change(of commit: CommitHeader, parentTree: ObjectID?) throws -> Change? {
        try change(of: commit, files: try repository.changedFiles(from: parentTree, to: commit.tree, scope: classifier))
    }

    private func change(of commit: CommitHeader, files: [TreeChange]) throws -> Change? {
        guard !files.isEmpty else { return nil }
        let record = try repository.commit(commit.id)
        var paths = [ChangedPath]()
        for file in files {
            let kind = classifier.classify(file.path, markers: file.markers)
                ?? file.oldPath.flatMap { classifier.classify($0, markers: file.markers) }
            guard let kind else { continue }
            if kind == .pipeline, try !deployScriptsChanged(file, at: commit.id) { continue }
            paths.append(ChangedPath(path: file.path, kind: kind, status: file.status, oldPath: file.oldPath))
        }
        guard !paths.isEmpty else { return nil }
        let merged = record.isMerge ? try repository.commitsMerged(by: record) : []
        return Change(record: record, paths: paths, merged: merged)
    }

    /// A `package.json` is part of the deploy path through its `scripts` only, and a Makefile through the targets
    /// the commit's workflows run (SPEC §15): a change that leaves those as they were (a dependency bump, a build
    /// target) is not a pipeline change. Every other pipeline file always is.
    func deployScriptsChanged(_ file: TreeChange, at commit: ObjectID) throws -> Bool {
        switch file.path.split(separator: "/").last {
        case "package.json":
            func scripts(_ blob: ObjectID?) throws -> [String: String] {
                try blob.map { DeployPathInspector.packageScripts(try repository.blob($0)) } ?? [:]
            }
            return try scripts(file.oldBlob) != scripts(file.newBlob)
        case "Makefile":
            func recipes(_ blob: ObjectID?) throws -> [String: String] {
                try blob.map { DeployPathInspector.makeTargets(try repository.blob($0)) } ?? [:]
            }
            let named = try DeployPathInspector.makeTargetsNamed(in: repository, at: commit)
            let (before, after) = (try recipes(file.oldBlob), try recipes(file.newBlob))
            return named.contains { before["make:" + $0] != after["make:" + $0] }
        default:
            return true
        }
    }
}
