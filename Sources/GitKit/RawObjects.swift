import CLibgit2

/// Reads objects' bytes from the object database's backends (packs, then loose objects) directly, for a walk that
/// reads each object once: not through libgit2's object cache, which would keep each, nor its parse into a
/// `git_commit` (signatures, message and raw header copied out). An object no backend holds is asked of the object
/// database itself, which looks for new packs and explains what is missing.
///
/// A class: it owns its handle on the object database.
final class RawObjects {
    private let repository: Repository
    private let odb: OpaquePointer
    /// The backends that can read an object, in the order the object database asks them.
    private let backends: [UnsafeMutablePointer<git_odb_backend>]

    init(repository: Repository) throws(GitError) {
        var odb: OpaquePointer?
        _ = try check(git_repository_odb(&odb, repository.pointer), "git_repository_odb")
        guard let odb else { throw GitError.libgit2(function: "git_repository_odb", code: -1, message: "no object database") }
        self.odb = odb
        self.backends = (0..<git_odb_num_backends(odb)).compactMap { index in
            var backend: UnsafeMutablePointer<git_odb_backend>?
            return git_odb_get_backend(&backend, odb, index) == 0 && backend?.pointee.read != nil ? backend : nil
        }
        self.repository = repository
    }

    deinit { git_odb_free(odb) }

    /// Lends the bytes of object `id`, which must be of `type`, to `body`.
    func withBytes<Result>(_ id: ObjectID, _ type: git_object_t,
                           _ body: (UnsafeRawBufferPointer) throws(GitError) -> Result) throws(GitError) -> Result {
        var oid = id.raw
        for backend in backends {
            var data: UnsafeMutableRawPointer?
            var size = 0
            var found = GIT_OBJECT_INVALID
            let code = backend.pointee.read(&data, &size, &found, backend, &oid)
            if code == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                continue
            }
            if code < 0 { throw repository.lookupFailure(code, kind: Self.kind(type), id: id) }
            defer { git_odb_backend_data_free(backend, data) }
            guard found == type else { throw malformed(id, Self.kind(type)) }
            return try body(UnsafeRawBufferPointer(start: data, count: size))
        }
        var object: OpaquePointer?
        let code = git_odb_read(&object, odb, &oid)
        if code < 0 { throw repository.lookupFailure(code, kind: Self.kind(type), id: id) }
        guard let object else { throw GitError.libgit2(function: "git_odb_read", code: -1, message: "no \(Self.kind(type)) \(id)") }
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == type else { throw malformed(id, Self.kind(type)) }
        return try body(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object)))
    }

    /// `tree`, `commit`: named only when a read fails, not for each of a walk's reads.
    private static func kind(_ type: git_object_t) -> String {
        String(cString: git_object_type2string(type))
    }

    /// Commit `id`'s header from its raw bytes; nil when they are laid out as git does not write them, for
    /// libgit2 to read (see `CommitHeader.init(id:raw:)`).
    func commitHeader(_ id: ObjectID) throws(GitError) -> CommitHeader? {
        try withBytes(id, GIT_OBJECT_COMMIT) { (bytes) throws(GitError) in CommitHeader(id: id, raw: bytes) }
    }

    /// An object of the repository that is not what it should be.
    func malformed(_ id: ObjectID, _ kind: String, _ problem: String? = nil) -> GitError {
        .damaged(repository: repository.requestedPath, message: "\(kind) \(id.hex) \(problem ?? "is not a \(kind)")")
    }
}
