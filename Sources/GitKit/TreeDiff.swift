import CLibgit2

/// How a path changed between a commit and its first parent.
public enum PathStatus: String, Sendable, Codable, Hashable {
    case added, modified, deleted, renamed
}

/// One changed file, as the pruned tree compare reports it.
public struct TreeChange: Hashable, Sendable {
    /// The path after the change (for a deletion, the path that was removed).
    public var path: String
    /// For a rename, where the file came from.
    public var oldPath: String?
    /// What happened to it.
    public var status: PathStatus
    /// The blob before, nil when added.
    public var oldBlob: ObjectID?
    /// The blob after, nil when deleted.
    public var newBlob: ObjectID?
    /// The directory markers (see `TreeDiffScope.directoryMarkers`) found in the file's folder or any folder
    /// above it, on the side(s) where the file exists.
    public var markers: Set<String>

    public init(path: String, oldPath: String? = nil, status: PathStatus, oldBlob: ObjectID?, newBlob: ObjectID?, markers: Set<String> = []) {
        self.path = path
        self.oldPath = oldPath
        self.status = status
        self.oldBlob = oldBlob
        self.newBlob = newBlob
        self.markers = markers
    }
}

/// Tells the tree compare which parts of the tree can matter, so it descends only there.
public protocol TreeDiffScope {
    /// Relative paths whose presence marks a folder (e.g. `meta/_journal.json`); checked in every folder visited.
    var directoryMarkers: [String] { get }
    /// Whether anything under `directory` (no trailing slash; "" is the root) can matter. False prunes it.
    func mayMatch(under directory: String) -> Bool
    /// Whether a changed file matters, given the markers found above it.
    func matches(path: String, markers: Set<String>) -> Bool
}

extension Repository {
    /// Lends the tree with id `oid` (nil lends nil) to `body`; the tree is freed when `body` returns.
    func withTree<Result>(oid: UnsafePointer<git_oid>?, _ body: (OpaquePointer?) throws(GitError) -> Result) throws(GitError) -> Result {
        guard let oid else { return try body(nil) }
        let tree = try self.tree(oid)
        return try tree.withPointer(body)
    }

    /// Lends the tree with id `id` (nil lends nil) to `body`; the tree is freed when `body` returns.
    func withTree<Result>(_ id: ObjectID?, _ body: (OpaquePointer?) throws(GitError) -> Result) throws(GitError) -> Result {
        guard let id else { return try body(nil) }
        let tree = try self.tree(id)
        return try tree.withPointer(body)
    }

    /// The files that differ between two root trees, restricted to `scope`.
    ///
    /// Equal subtrees (same object id) are skipped without being read, and subtrees the scope rules out are
    /// never opened, so the cost follows the size of the change, not of the repository. Exact renames
    /// (a deleted and an added file with the same blob) are paired as `renamed`.
    public func changedFiles(from oldTree: ObjectID?, to newTree: ObjectID?, scope: some TreeDiffScope) throws(GitError) -> [TreeChange] {
        if oldTree == newTree { return [] }
        var compare = TreeCompare(repository: self, scope: scope)
        try withTree(oldTree) { old throws(GitError) in
            try withTree(newTree) { new throws(GitError) in
                try compare.compare(old: old, new: new, directory: "", oldMarkers: [], newMarkers: [])
            }
        }
        return Self.pairExactRenames(compare.changes)
    }

    /// Pairs each deletion with an addition of the same blob, when that pairing is unambiguous.
    static func pairExactRenames(_ changes: [TreeChange]) -> [TreeChange] {
        var added = [ObjectID: [Int]]()
        var deleted = [ObjectID: [Int]]()
        for (index, change) in changes.enumerated() {
            if change.status == .added, let blob = change.newBlob { added[blob, default: []].append(index) }
            if change.status == .deleted, let blob = change.oldBlob { deleted[blob, default: []].append(index) }
        }
        var result = changes
        var dropped = Set<Int>()
        for (blob, deletions) in deleted {
            guard deletions.count == 1, let additions = added[blob], additions.count == 1 else { continue }
            let from = changes[deletions[0]]
            result[additions[0]].status = .renamed
            result[additions[0]].oldPath = from.path
            result[additions[0]].oldBlob = blob
            result[additions[0]].markers.formUnion(from.markers)
            dropped.insert(deletions[0])
        }
        return result.enumerated().filter { !dropped.contains($0.offset) }.map(\.element).sorted { $0.path < $1.path }
    }
}

/// The recursive compare behind `changedFiles`. Works on pointers lent by owners that outlive it.
private struct TreeCompare<Scope: TreeDiffScope> {
    let repository: Repository
    let scope: Scope
    /// Each marker with its path split into names once, e.g. `meta/_journal.json` -> ["meta", "_journal.json"].
    let markers: [(marker: String, names: [String])]
    var changes: [TreeChange] = []

    init(repository: Repository, scope: Scope) {
        self.repository = repository
        self.scope = scope
        self.markers = scope.directoryMarkers.map { ($0, $0.split(separator: "/").map(String.init)) }
    }

    private static var treeMode: git_filemode_t { GIT_FILEMODE_TREE }

    mutating func compare(old: OpaquePointer?, new: OpaquePointer?, directory: String, oldMarkers: Set<String>, newMarkers: Set<String>) throws(GitError) {
        var oldMarkers = oldMarkers
        var newMarkers = newMarkers
        if !markers.isEmpty {
            if let old { oldMarkers.formUnion(try markersPresent(in: old)) }
            if let new { newMarkers.formUnion(try markersPresent(in: new)) }
        }
        let prefix = directory.isEmpty ? "" : directory + "/"

        // Both entry lists are sorted in git's order, which `git_tree_entry_cmp` implements: walk them side by
        // side, one comparison per step. Same name, same id and same mode means nothing below changed.
        let oldCount = old.map { git_tree_entrycount($0) } ?? 0
        let newCount = new.map { git_tree_entrycount($0) } ?? 0
        var oldIndex = 0, newIndex = 0
        while oldIndex < oldCount || newIndex < newCount {
            let before = oldIndex < oldCount ? git_tree_entry_byindex(old, oldIndex) : nil
            let after = newIndex < newCount ? git_tree_entry_byindex(new, newIndex) : nil
            let order: Int32 = switch (before, after) {
            case (let before?, let after?): git_tree_entry_cmp(before, after)
            case (nil, _): 1
            case (_, nil): -1
            }
            if order < 0 {
                oldIndex += 1
                try compareEntries(old: before, new: nil, path: prefix + String(cString: git_tree_entry_name(before)),
                                   oldMarkers: oldMarkers, newMarkers: newMarkers)
            } else if order > 0 {
                newIndex += 1
                try compareEntries(old: nil, new: after, path: prefix + String(cString: git_tree_entry_name(after)),
                                   oldMarkers: oldMarkers, newMarkers: newMarkers)
            } else {
                oldIndex += 1
                newIndex += 1
                if git_oid_equal(git_tree_entry_id(before), git_tree_entry_id(after)) == 1,
                   git_tree_entry_filemode(before) == git_tree_entry_filemode(after) {
                    continue
                }
                try compareEntries(old: before, new: after, path: prefix + String(cString: git_tree_entry_name(after)),
                                   oldMarkers: oldMarkers, newMarkers: newMarkers)
            }
        }
    }

    /// Compares two entries of the same name (either may be absent); descends into trees the scope allows.
    private mutating func compareEntries(old: OpaquePointer?, new: OpaquePointer?, path: String, oldMarkers: Set<String>, newMarkers: Set<String>) throws(GitError) {
        let oldIsTree = old.map { git_tree_entry_filemode($0) == Self.treeMode } ?? false
        let newIsTree = new.map { git_tree_entry_filemode($0) == Self.treeMode } ?? false
        let oldFile = oldIsTree ? nil : old
        let newFile = newIsTree ? nil : new

        if oldIsTree || newIsTree, scope.mayMatch(under: path) {
            let oldID: UnsafePointer<git_oid>? = oldIsTree ? old.map { git_tree_entry_id($0) } : nil
            let newID: UnsafePointer<git_oid>? = newIsTree ? new.map { git_tree_entry_id($0) } : nil
            try repository.withTree(oid: oldID) { oldTree throws(GitError) in
                try repository.withTree(oid: newID) { newTree throws(GitError) in
                    try compare(old: oldTree, new: newTree, directory: path, oldMarkers: oldMarkers, newMarkers: newMarkers)
                }
            }
        }

        switch (oldFile, newFile) {
        case (nil, nil):
            return
        case (let before?, nil):
            report(TreeChange(path: path, status: .deleted, oldBlob: ObjectID(git_tree_entry_id(before)), newBlob: nil, markers: oldMarkers))
        case (nil, let after?):
            report(TreeChange(path: path, status: .added, oldBlob: nil, newBlob: ObjectID(git_tree_entry_id(after)), markers: newMarkers))
        case (let before?, let after?):
            report(TreeChange(path: path, status: .modified, oldBlob: ObjectID(git_tree_entry_id(before)),
                              newBlob: ObjectID(git_tree_entry_id(after)), markers: oldMarkers.union(newMarkers)))
        }
    }

    private mutating func report(_ change: TreeChange) {
        if scope.matches(path: change.path, markers: change.markers) { changes.append(change) }
    }

    /// The markers this folder holds. A one-part marker is a name lookup; a longer one walks its folders.
    private func markersPresent(in tree: OpaquePointer) throws(GitError) -> [String] {
        var present = [String]()
        for (marker, names) in markers where try holds(names[...], in: tree) { present.append(marker) }
        return present
    }

    private func holds(_ names: ArraySlice<String>, in tree: OpaquePointer) throws(GitError) -> Bool {
        guard let name = names.first, let entry = git_tree_entry_byname(tree, name) else { return false }
        let rest = names.dropFirst()
        if rest.isEmpty { return true }
        guard git_tree_entry_filemode(entry) == Self.treeMode else { return false }
        return try repository.withTree(oid: git_tree_entry_id(entry)) { subtree throws(GitError) in
            try holds(rest, in: subtree!)
        }
    }
}
