#ifndef GIT_EVIDENCE_CLIBGIT2_SHIM_H
#define GIT_EVIDENCE_CLIBGIT2_SHIM_H

// The whole public libgit2 API; GitKit is the only module that imports it.
#include <git2.h>
// The object database's backends, to read a raw object without libgit2's object cache (GitKit's PathFollower).
#include <git2/sys/odb_backend.h>

// git_libgit2_opts is variadic, which Swift cannot call. Each option we set
// gets a fixed-signature wrapper here.

/// Turns off libgit2's re-hashing of every object it reads. git itself does not
/// re-hash on read either; the objects' ids are still what the walk compares.
static inline int git_evidence_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/// Bounds libgit2's object cache, so a long walk keeps a flat memory profile.
static inline int git_evidence_set_cache_max_size(size_t bytes) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)bytes);
}

/// Initialises diff options; GIT_DIFF_OPTIONS_VERSION is a macro Swift cannot see.
static inline int git_evidence_diff_options_init(git_diff_options *options) {
    return git_diff_options_init(options, GIT_DIFF_OPTIONS_VERSION);
}

/// Initialises clone options; GIT_CLONE_OPTIONS_VERSION is a macro Swift cannot see.
static inline int git_evidence_clone_options_init(git_clone_options *options) {
    return git_clone_options_init(options, GIT_CLONE_OPTIONS_VERSION);
}

#endif
