import CLibgit2

/// libgit2's process-wide state, set up once before the first repository opens.
enum Libgit2Runtime {
    /// Initialises libgit2 once. The object cache is bounded so that memory stays flat on long walks,
    /// and object re-hashing on read is off (git does not re-hash on read either).
    static let ready: Void = {
        git_libgit2_init()
        _ = git_evidence_set_strict_hash_verification(0)
        _ = git_evidence_set_cache_max_size(16 * 1024 * 1024)
    }()
}
