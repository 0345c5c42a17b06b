import CLibgit2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open git repository. Owns one `git_repository *`, freed in `deinit`.
///
/// Not `Sendable`: keep one per task or thread and hand out the `Sendable` values it returns.
public final class Repository {
    let pointer: OpaquePointer

    /// The path the caller asked for, used in messages.
    public let requestedPath: String

    /// The oldest commits of a shallow clone (`.git/shallow`), whose parents are not here; empty when not shallow.
    public let shallowBoundary: Set<ObjectID>
    /// git's commit-graph, when the repository has a usable one: first-parent walks read headers from it.
    let commitGraph: CommitGraph?

    /// Opens the repository at `path` (bare or with a work tree), searching upward from it as git does.
    public init(path: String) throws(GitError) {
        _ = Libgit2Runtime.ready
        var repository: OpaquePointer?
        let code = git_repository_open_ext(&repository, path, 0, nil)
        if code == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            throw GitError.notARepository(path: path)
        }
        try check(code, "git_repository_open_ext")
        guard let repository else { throw GitError.notARepository(path: path) }
        self.pointer = repository
        self.requestedPath = path
        let common = String(cString: git_repository_commondir(repository))
        let shallow = git_repository_is_shallow(repository) == 1
        self.shallowBoundary = shallow ? Self.readShallowFile(common + "shallow") : []
        // As git does, a shallow clone's commit-graph is not used (its boundary commits have parents it does not hold).
        self.commitGraph = shallow ? nil : CommitGraph.open(objects: common + "objects")
    }

    /// Clones `url` (a path, `file://`, or an https URL that needs no credentials) bare into `path`, which must not
    /// exist, and opens it: `org` reads repositories its list names by URL this way.
    public static func cloneBare(from url: String, to path: String) throws(GitError) -> Repository {
        _ = Libgit2Runtime.certificatesForHTTPS
        var options = git_clone_options()
        _ = try check(git_evidence_clone_options_init(&options), "git_clone_options_init")
        options.bare = 1
        var repository: OpaquePointer?
        _ = try check(git_clone(&repository, url, path, &options), "git_clone")
        if let repository { git_repository_free(repository) }
        return try Repository(path: path)
    }

    /// The ids listed in a `shallow` file, one hex id per line (the format git and libgit2 share).
    private static func readShallowFile(_ path: String) -> Set<ObjectID> {
        guard let file = fopen(path, "r") else { return [] }
        defer { fclose(file) }
        var ids = Set<ObjectID>()
        var line = [CChar](repeating: 0, count: 128)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if let id = ObjectID(hex: String(text.prefix { !$0.isNewline })) { ids.insert(id) }
        }
        return ids
    }

    /// True when the clone was made with `--filter` (objects it lacks are promised by the remote).
    var isPartialClone: Bool {
        var config: OpaquePointer?
        guard git_repository_config_snapshot(&config, pointer) == 0, let config else { git_error_clear(); return false }
        defer { git_config_free(config) }
        // git writes `remote.NAME.promisor = true` (and, in some versions, `extensions.partialClone = NAME`).
        let found = git_config_foreach_match(config, #"^(remote\..*\.promisor|extensions\.partialclone)$"#, { entry, _ in
            // A value of false (or 0, no, off) turns the promisor off.
            guard let value = entry?.pointee.value else { return 0 }
            return ["false", "0", "no", "off"].contains(String(cString: value).lowercased()) ? 0 : 1
        }, nil) != 0
        git_error_clear()
        return found
    }

    /// The error for an object lookup that failed with `code`: a missing object explained (shallow, partial or
    /// damaged clone), anything else as the repository being unreadable.
    func lookupFailure(_ code: Int32, kind: String, id: ObjectID?) -> GitError {
        let message = takeLastErrorMessage()
        guard code == GIT_ENOTFOUND.rawValue else { return .damaged(repository: requestedPath, message: message) }
        if kind == "commit", let id, let boundary = shallowBoundary.first(where: { (try? header($0).parents.contains(id)) == true }) {
            return .shallowHistory(repository: requestedPath, boundary: boundary.hex)
        }
        return .missingObject(repository: requestedPath, kind: kind, id: id?.hex ?? "unknown", partialClone: isPartialClone)
    }

    deinit { git_repository_free(pointer) }

    /// True for a repository without a work tree.
    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// The `.git` folder (or the bare repository's folder), with a trailing slash.
    public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

    /// The work tree's folder with a trailing slash, nil when bare.
    public var workDirectory: String? { git_repository_workdir(pointer).map { String(cString: $0) } }

    // MARK: - Branches

    /// Resolves the audited branch. `nil` means HEAD's branch (even if it has no commits yet); when HEAD
    /// is detached, the remote's HEAD, then `main`.
    ///
    /// A name is tried as a full reference (`refs/...`), then as `refs/heads/NAME`, `refs/remotes/NAME` and
    /// `refs/remotes/origin/NAME`. Tags are never taken for a branch.
    public func resolveBranch(_ name: String?) throws(GitError) -> Branch {
        if let name {
            let candidates = name.hasPrefix("refs/")
                ? [name]
                : ["refs/heads/\(name)", "refs/remotes/\(name)", "refs/remotes/origin/\(name)"]
            for candidate in candidates {
                if let branch = try lookupBranch(candidate) { return branch }
            }
            // An unborn branch named by HEAD (a new, empty repository) is a branch with no commits.
            if let head = try symbolicHead(), candidates.contains(head) {
                return Branch(reference: head, tip: nil)
            }
            if !name.hasPrefix("refs/"), referenceNames().contains("refs/tags/" + name) {
                throw GitError.tagNotBranch(name: name, repository: requestedPath)
            }
            throw GitError.branchNotFound(name: name, repository: requestedPath)
        }
        if let head = try symbolicHead() {
            return try lookupBranch(head) ?? Branch(reference: head, tip: nil)
        }
        let detached = git_repository_head_detached(pointer) == 1 ? (try? lookupBranch("HEAD"))?.tip : nil
        for fallback in ["refs/remotes/origin/HEAD", "refs/heads/main", "refs/remotes/origin/main"] {
            if let branch = try lookupBranch(fallback) {
                let note = "HEAD is detached" + (detached.map { " at \($0.hex.prefix(12))" } ?? "") + "; auditing \(branch.reference) (give --branch to choose)"
                return Branch(reference: branch.reference, tip: branch.tip, note: note)
            }
        }
        throw GitError.branchNotFound(name: "HEAD", repository: requestedPath)
    }

    /// The branch to audit: `resolveBranch`, refusing one with no commits — a new repository, or a HEAD that names
    /// a branch that does not exist (a stale HEAD), which would otherwise give a signed bundle of nothing.
    public func auditedBranch(_ name: String?) throws(GitError) -> Branch {
        let branch = try resolveBranch(name)
        guard branch.tip == nil else { return branch }
        let others = referenceNames().filter { $0.hasPrefix("refs/heads/") || $0.hasPrefix("refs/remotes/") }.filter { $0 != branch.reference }
        if name == nil, !others.isEmpty {
            throw GitError.headNamesMissingBranch(reference: branch.reference, repository: requestedPath, branches: others)
        }
        throw GitError.emptyBranch(reference: branch.reference, repository: requestedPath)
    }

    /// Every reference's full name, sorted.
    func referenceNames() -> [String] {
        var names = git_strarray()
        guard git_reference_list(&names, pointer) == 0 else { git_error_clear(); return [] }
        defer { git_strarray_dispose(&names) }
        return (0..<names.count).compactMap { names.strings[$0].map { String(cString: $0) } }.sorted()
    }

    /// The reference HEAD names, when HEAD is symbolic (attached or unborn).
    private func symbolicHead() throws(GitError) -> String? {
        var head: OpaquePointer?
        let code = git_reference_lookup(&head, pointer, "HEAD")
        if code == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        if code < 0 { throw GitError.damaged(repository: requestedPath, message: takeLastErrorMessage()) }
        guard let head else { return nil }
        return OwnedReference(adopting: head).symbolicTarget
    }

    /// Looks up a reference by full name and peels it to a commit; nil when there is no such reference.
    private func lookupBranch(_ fullName: String) throws(GitError) -> Branch? {
        var reference: OpaquePointer?
        let code = git_reference_lookup(&reference, pointer, fullName)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EINVALIDSPEC.rawValue { git_error_clear(); return nil }
        if code < 0 { throw GitError.damaged(repository: requestedPath, message: takeLastErrorMessage()) }
        guard let reference else { return nil }
        let owned = OwnedReference(adopting: reference)
        if let target = owned.symbolicTarget {
            // refs/remotes/origin/HEAD -> refs/remotes/origin/main: report the branch it names.
            guard let resolved = try lookupBranch(target) else { return nil }
            return resolved
        }
        return Branch(reference: owned.name, tip: try owned.peeledCommit())
    }

    // MARK: - Objects

    /// Reads one commit into a Swift value.
    public func commit(_ id: ObjectID) throws(GitError) -> CommitRecord {
        try withCommit(id) { commit throws(GitError) in commit.record() }
    }

    /// Reads the header of one commit: parents, tree and committer time.
    public func header(_ id: ObjectID) throws(GitError) -> CommitHeader {
        try withCommit(id) { commit throws(GitError) in commit.header() }
    }

    /// The commit a full or abbreviated (at least 4 hex digits) id names, nil when the repository has no such
    /// commit or the abbreviation is ambiguous.
    public func lookupCommit(_ hex: String) throws(GitError) -> ObjectID? {
        guard (4...40).contains(hex.utf8.count), hex.allSatisfy(\.isHexDigit) else { return nil }
        var oid = git_oid()
        try check(git_oid_fromstrn(&oid, hex, hex.utf8.count), "git_oid_fromstrn")
        var commit: OpaquePointer?
        let code = git_commit_lookup_prefix(&commit, pointer, &oid, hex.utf8.count)
        if code == GIT_ENOTFOUND.rawValue || code == GIT_EAMBIGUOUS.rawValue || code == GIT_EINVALIDSPEC.rawValue {
            git_error_clear()
            return nil
        }
        try check(code, "git_commit_lookup_prefix")
        guard let commit else { return nil }
        let owned = OwnedCommit(adopting: commit)
        return owned.header().id
    }

    func withCommit<Result>(_ id: ObjectID, _ body: (borrowing OwnedCommit) throws(GitError) -> Result) throws(GitError) -> Result {
        var oid = id.raw
        var commit: OpaquePointer?
        let code = git_commit_lookup(&commit, pointer, &oid)
        if code < 0 { throw lookupFailure(code, kind: "commit", id: id) }
        guard let commit else { throw GitError.libgit2(function: "git_commit_lookup", code: -1, message: "no commit \(id)") }
        let owned = OwnedCommit(adopting: commit)
        return try body(owned)
    }

    /// Looks up a tree by id.
    func tree(_ id: ObjectID) throws(GitError) -> OwnedTree {
        var oid = id.raw
        var tree: OpaquePointer?
        let code = git_tree_lookup(&tree, pointer, &oid)
        if code < 0 { throw lookupFailure(code, kind: "tree", id: id) }
        guard let tree else { throw GitError.libgit2(function: "git_tree_lookup", code: -1, message: "no tree \(id)") }
        return OwnedTree(adopting: tree)
    }

    /// Looks up a tree from a `git_oid` that libgit2 lent us.
    func tree(_ oid: UnsafePointer<git_oid>) throws(GitError) -> OwnedTree {
        var tree: OpaquePointer?
        let code = git_tree_lookup(&tree, pointer, oid)
        if code < 0 { throw lookupFailure(code, kind: "tree", id: ObjectID(oid)) }
        guard let tree else { throw GitError.libgit2(function: "git_tree_lookup", code: -1, message: "no tree") }
        return OwnedTree(adopting: tree)
    }

    /// The bytes of a blob.
    public func blob(_ id: ObjectID) throws(GitError) -> [UInt8] {
        var oid = id.raw
        var blob: OpaquePointer?
        let code = git_blob_lookup(&blob, pointer, &oid)
        if code < 0 { throw lookupFailure(code, kind: "blob", id: id) }
        guard let blob else { throw GitError.libgit2(function: "git_blob_lookup", code: -1, message: "no blob \(id)") }
        return OwnedBlob(adopting: blob).bytes()
    }

    /// The id of the blob at `path` in `commit`'s tree; nil when the commit has no file there.
    public func blobID(atPath path: String, in commit: ObjectID) throws(GitError) -> ObjectID? {
        guard let entry = try entry(atPath: path, in: commit), entry.isBlob else { return nil }
        return entry.id
    }

    /// The object at `path` in `commit`'s tree ("" is the root tree itself); nil when there is none.
    func entry(atPath path: String, in commit: ObjectID) throws(GitError) -> (id: ObjectID, isBlob: Bool)? {
        let root = try header(commit).tree
        if path.isEmpty { return (root, false) }
        let tree = try self.tree(root)
        var entry: OpaquePointer?
        let code = git_tree_entry_bypath(&entry, tree.pointer, path)
        if code == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(code, "git_tree_entry_bypath")
        guard let entry else { return nil }
        let owned = OwnedTreeEntry(adopting: entry)
        return (owned.id, owned.isBlob)
    }

    /// The paths of every file under `folder` ("" for the whole tree) as of `commit`, in tree order, descending only
    /// into the folders `descend` allows (given their paths); nil when `commit` has no folder there.
    public func files(under folder: String, in commit: ObjectID, descend: (String) -> Bool = { _ in true }) throws(GitError) -> [String]? {
        guard let entry = try entry(atPath: folder, in: commit), !entry.isBlob else { return nil }
        var found = [String]()
        try collectFiles(entry.id, prefix: folder.isEmpty ? "" : folder + "/", descend: descend, into: &found)
        return found
    }

    private func collectFiles(_ treeID: ObjectID, prefix: String, descend: (String) -> Bool, into found: inout [String]) throws(GitError) {
        let tree = try self.tree(treeID)
        var folders = [(ObjectID, String)]()
        for index in 0..<git_tree_entrycount(tree.pointer) {
            guard let entry = git_tree_entry_byindex(tree.pointer, index) else { continue }
            // The name and id are copied out before the tree is freed.
            let path = prefix + String(cString: git_tree_entry_name(entry))
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_BLOB: found.append(path)
            case GIT_OBJECT_TREE: folders.append((ObjectID(git_tree_entry_id(entry)), path))
            default: break  // submodules are other repositories
            }
        }
        for (id, path) in folders where descend(path) { try collectFiles(id, prefix: path + "/", descend: descend, into: &found) }
    }

    /// The bytes of the file at `path` as of `commit`; nil when the commit has no file there.
    public func blob(atPath path: String, in commit: ObjectID) throws(GitError) -> [UInt8]? {
        guard let id = try blobID(atPath: path, in: commit) else { return nil }
        return try blob(id)
    }

    // MARK: - History

    /// The first-parent history from `tip`, newest first, read lazily one commit at a time.
    public func firstParentHistory(from tip: ObjectID?) -> FirstParentWalk {
        FirstParentWalk(repository: self, next: tip)
    }

    /// The commits a merge brought in: reachable from its other parents and not from its first, in git's
    /// `--date-order` (see `dateOrder`). Read from the commit-graph when it holds them, else by libgit2's revwalk;
    /// both give the same set, and one ordering puts it in order.
    public func commitsMerged(by merge: CommitRecord) throws(GitError) -> [CommitRecord] {
        guard merge.parents.count > 1 else { return [] }
        let others = Array(merge.parents.dropFirst())
        var ids = commitGraph?.reachable(from: others, notFrom: merge.parents[0])
        if ids == nil { ids = try revwalk(from: others, hiding: merge.parents[0]) }
        var merged = [CommitRecord]()
        for id in ids ?? [] { merged.append(try commit(id)) }
        return Self.dateOrder(merged)
    }

    /// The commits reachable from `tips` and not from `hidden`, by libgit2's revwalk.
    private func revwalk(from tips: [ObjectID], hiding hidden: ObjectID) throws(GitError) -> [ObjectID] {
        var walker: OpaquePointer?
        try check(git_revwalk_new(&walker, pointer), "git_revwalk_new")
        guard let walker else { return [] }
        let walk = OwnedRevwalk(adopting: walker)
        for tip in tips { try walk.push(tip) }
        try walk.hide(hidden)
        var ids = [ObjectID]()
        do {
            while let id = try walk.next() { ids.append(id) }
        } catch .libgit2(_, let code, _) where code == GIT_ENOTFOUND.rawValue && !shallowBoundary.isEmpty {
            // The walk ran into a parent the shallow clone does not have.
            throw GitError.shallowHistory(repository: requestedPath, boundary: shallowBoundary.map(\.hex).sorted()[0])
        }
        return ids
    }

    /// `commits` as git's `--date-order` lists them: no commit before all of its children in the set, and otherwise
    /// the latest committer time first; equal times by id, so that the order is the same however they were found.
    static func dateOrder(_ commits: [CommitRecord]) -> [CommitRecord] {
        var children = [ObjectID: Int]()
        let members = Set(commits.map(\.id))
        for commit in commits {
            for parent in commit.parents where members.contains(parent) { children[parent, default: 0] += 1 }
        }
        let byID = Dictionary(commits.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var ready = PriorityQueue<CommitRecord> { $0.committer.time != $1.committer.time ? $0.committer.time > $1.committer.time : $0.id < $1.id }
        for commit in commits where children[commit.id] == nil { ready.push(commit) }
        var ordered = [CommitRecord]()
        while let next = ready.pop() {
            ordered.append(next)
            for parent in next.parents {
                guard let count = children[parent] else { continue }
                if count == 1 {
                    children[parent] = nil
                    if let record = byID[parent] { ready.push(record) }
                } else {
                    children[parent] = count - 1
                }
            }
        }
        return ordered
    }

    /// True when `commit` is reachable from `tip` (or is `tip`).
    public func isAncestor(_ commit: ObjectID, of tip: ObjectID) throws(GitError) -> Bool {
        if commit == tip { return true }
        var ancestor = commit.raw
        var descendant = tip.raw
        return try check(git_graph_descendant_of(pointer, &descendant, &ancestor), "git_graph_descendant_of") == 1
    }
}

/// A resolved branch: its full reference name and tip (nil when it has no commits yet).
public struct Branch: Hashable, Sendable {
    /// Full reference name, e.g. `refs/heads/main`.
    public let reference: String
    /// The newest commit, nil for an unborn branch.
    public let tip: ObjectID?
    /// What a person should be told about how it was chosen (a detached HEAD), if anything.
    public let note: String?

    public init(reference: String, tip: ObjectID?, note: String? = nil) {
        self.reference = reference
        self.tip = tip
        self.note = note
    }

    /// The short name, e.g. `main` or `origin/main`.
    public var shortName: String {
        for prefix in ["refs/heads/", "refs/remotes/"] where reference.hasPrefix(prefix) {
            return String(reference.dropFirst(prefix.count))
        }
        return reference
    }
}

/// Walks the first-parent chain newest first, one commit per `next()`; holds nothing but the next id. Yields
/// headers only (no message or signatures), so commits that turn out to be no change cost no string copies.
public struct FirstParentWalk {
    private let repository: Repository
    private var nextID: ObjectID?
    /// The next commit's place in the commit-graph, when the last one came from it.
    private var nextPosition: Int?
    /// Where a commit the commit-graph does not hold is read raw, opened at the first such commit: libgit2's
    /// lookup would parse and cache every commit of a walk that reads each once.
    private var objects: RawObjects?

    init(repository: Repository, next: ObjectID?) {
        self.repository = repository
        self.nextID = next
    }

    /// The next commit on the chain, or nil after the root commit.
    public mutating func next() throws(GitError) -> CommitHeader? {
        guard let id = nextID else { return nil }
        if let graph = repository.commitGraph, let position = nextPosition ?? graph.position(of: id), let (header, parent) = graph.header(at: position) {
            nextID = header.firstParent
            nextPosition = parent
            return header
        }
        let objects = if let objects { objects } else { try RawObjects(repository: repository) }
        self.objects = objects
        let header = if let raw = try objects.commitHeader(id) { raw } else { try repository.header(id) }
        nextID = header.firstParent
        nextPosition = nil
        return header
    }
}

extension Repository {
    /// The URL of a remote (default `origin`) as configured, nil when there is no such remote. Read from the
    /// configuration itself: `url.*.insteadOf` rewrites are how this machine fetches, not what the repository is.
    public func remoteURL(named name: String = "origin") throws(GitError) -> String? {
        var config: OpaquePointer?
        try check(git_repository_config_snapshot(&config, pointer), "git_repository_config_snapshot")
        defer { git_config_free(config) }
        var value: UnsafePointer<CChar>?
        let code = git_config_get_string(&value, config, "remote.\(name).url")
        if code == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(code, "git_config_get_string")
        return value.map { String(cString: $0) }
    }
}
