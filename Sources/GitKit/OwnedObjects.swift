import CLibgit2

/// Owns one `git_commit *`, freed when this value's lifetime ends.
struct OwnedCommit: ~Copyable {
    private let pointer: OpaquePointer

    /// Takes ownership of a commit returned by `git_commit_lookup`.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_commit_free(pointer) }

    /// Copies what a history walk needs, and no strings, into a Swift value.
    func header() -> CommitHeader {
        CommitHeader(id: ObjectID(git_commit_id(pointer)), parents: parents(), tree: ObjectID(git_commit_tree_id(pointer)),
                     committerTime: Int64(git_commit_time(pointer)))
    }

    private func parents() -> [ObjectID] {
        let count = git_commit_parentcount(pointer)
        var parents = [ObjectID]()
        parents.reserveCapacity(Int(count))
        for index in 0..<count {
            parents.append(ObjectID(git_commit_parent_id(pointer, index)))
        }
        return parents
    }

    /// Copies the fields we use into Swift values; nothing borrowed from C escapes.
    func record() -> CommitRecord {
        CommitRecord(
            id: ObjectID(git_commit_id(pointer)),
            parents: parents(),
            tree: ObjectID(git_commit_tree_id(pointer)),
            author: Person(git_commit_author(pointer)),
            committer: Person(git_commit_committer(pointer)),
            message: git_commit_message(pointer).map { String(cString: $0) } ?? ""
        )
    }
}

/// Owns one `git_tree *`, freed when this value's lifetime ends.
struct OwnedTree: ~Copyable {
    let pointer: OpaquePointer

    /// Takes ownership of a tree returned by `git_tree_lookup`.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_tree_free(pointer) }

    /// Lends the pointer for the duration of `body`; the tree outlives the call.
    func withPointer<Result>(_ body: (OpaquePointer) throws(GitError) -> Result) throws(GitError) -> Result {
        try body(pointer)
    }
}

/// Owns one `git_tree_entry *` from `git_tree_entry_bypath`, freed when this value's lifetime ends.
struct OwnedTreeEntry: ~Copyable {
    private let pointer: OpaquePointer

    /// Takes ownership of an entry that libgit2 allocated for the caller.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_tree_entry_free(pointer) }

    var id: ObjectID { ObjectID(git_tree_entry_id(pointer)) }
    var isBlob: Bool { git_tree_entry_type(pointer) == GIT_OBJECT_BLOB }
}

/// Owns one `git_blob *`, freed when this value's lifetime ends.
struct OwnedBlob: ~Copyable {
    private let pointer: OpaquePointer

    /// Takes ownership of a blob returned by `git_blob_lookup`.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_blob_free(pointer) }

    /// Copies the blob's bytes out of libgit2.
    func bytes() -> [UInt8] {
        let size = Int(git_blob_rawsize(pointer))
        guard size > 0, let raw = git_blob_rawcontent(pointer) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }
}

/// Owns one `git_reference *`, freed when this value's lifetime ends.
struct OwnedReference: ~Copyable {
    private let pointer: OpaquePointer

    /// Takes ownership of a reference returned by a `git_reference_*` lookup.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_reference_free(pointer) }

    /// The full name, e.g. `refs/heads/main`.
    var name: String { String(cString: git_reference_name(pointer)) }

    /// For a symbolic reference, the full name it points at.
    var symbolicTarget: String? {
        guard git_reference_type(pointer) == GIT_REFERENCE_SYMBOLIC, let target = git_reference_symbolic_target(pointer) else {
            return nil
        }
        return String(cString: target)
    }

    /// The commit the reference finally points at.
    func peeledCommit() throws(GitError) -> ObjectID {
        var object: OpaquePointer?
        try check(git_reference_peel(&object, pointer, GIT_OBJECT_COMMIT), "git_reference_peel")
        defer { git_object_free(object) }
        return ObjectID(git_object_id(object))
    }
}

/// Owns one `git_revwalk *`, freed when this value's lifetime ends.
struct OwnedRevwalk: ~Copyable {
    private let pointer: OpaquePointer

    /// Takes ownership of a walker returned by `git_revwalk_new`.
    init(adopting pointer: OpaquePointer) { self.pointer = pointer }

    deinit { git_revwalk_free(pointer) }

    func sort(_ mode: UInt32) throws(GitError) {
        try check(git_revwalk_sorting(pointer, mode), "git_revwalk_sorting")
    }

    func push(_ id: ObjectID) throws(GitError) {
        var oid = id.raw
        try check(git_revwalk_push(pointer, &oid), "git_revwalk_push")
    }

    func hide(_ id: ObjectID) throws(GitError) {
        var oid = id.raw
        try check(git_revwalk_hide(pointer, &oid), "git_revwalk_hide")
    }

    /// The next id, or nil when the walk is over.
    func next() throws(GitError) -> ObjectID? {
        var oid = git_oid()
        let code = git_revwalk_next(&oid, pointer)
        if code == GIT_ITEROVER.rawValue { return nil }
        try check(code, "git_revwalk_next")
        return withUnsafePointer(to: &oid) { ObjectID($0) }
    }
}
