#ifndef GIT_EVIDENCE_LAZY_LIBRARY_H
#define GIT_EVIDENCE_LAZY_LIBRARY_H

// Libraries most runs never call (libcurl, libpq, libmariadb, libarchive) are opened on first use rather than at
// start: loading them and the thirty libraries they need was a third of a short command's time (`why`, `verify`).
// git keeps libcurl out of its main binary for the same reason. Each module's shim names its library's soname (the
// ABI its -dev package installs) and, for each function it uses, declares with GIT_EVIDENCE_LAZY a getter that
// resolves the function once. Callers ask `..._unavailable()` (and say its line when there is one) before
// calling a getter; a getter that still finds nothing stops the process with the loader's message.
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

/// The loader's last message (why a library did not open), or a fixed text.
static inline const char *_Nonnull git_evidence_library_error(void) {
    const char *message = dlerror();
    return message ? message : "not found";
}

/// `opener()` opens `soname` once per module that asks (dlopen counts its users), NULL when it cannot be loaded;
/// `opener##_unavailable()` is NULL once it is open, else the one line to say (`name (soname) could not be loaded:
/// the loader's reason`), so the soname and the wording are written once.
#define GIT_EVIDENCE_LIBRARY(opener, name, soname)                                       \
    static inline void *_Nullable opener(void) {                                         \
        static void *library;                                                            \
        void *found = __atomic_load_n(&library, __ATOMIC_ACQUIRE);                       \
        if (!found) {                                                                    \
            found = dlopen(soname, RTLD_NOW | RTLD_LOCAL);                               \
            __atomic_store_n(&library, found, __ATOMIC_RELEASE);                         \
        }                                                                                \
        return found;                                                                    \
    }                                                                                    \
    static inline const char *_Nullable opener##_unavailable(void) {                     \
        static __thread char message[512];                                               \
        if (opener()) return NULL;                                                       \
        snprintf(message, sizeof message, "%s (%s) could not be loaded: %s", name, soname, \
                 git_evidence_library_error());                                          \
        return message;                                                                  \
    }

static inline void *_Nonnull git_evidence_symbol(void *_Nullable library, const char *_Nonnull name) {
    void *found = library ? dlsym(library, name) : NULL;
    if (!found) {
        fprintf(stderr, "git-evidence: error: %s could not be loaded: %s\n", name, git_evidence_library_error());
        abort();
    }
    return found;
}

/// `git_evidence_NAME()` is the library's NAME, typed as its header declares it, resolved on first call. `&name`
/// appears only inside __typeof__, so the binary does not link against the library.
#define GIT_EVIDENCE_LAZY(opener, name)                                                  \
    static inline __typeof__(&name) _Nonnull git_evidence_##name(void) {                 \
        static __typeof__(&name) function;                                               \
        __typeof__(&name) found = __atomic_load_n(&function, __ATOMIC_ACQUIRE);          \
        if (!found) {                                                                    \
            found = (__typeof__(&name))git_evidence_symbol(opener(), #name);             \
            __atomic_store_n(&function, found, __ATOMIC_RELEASE);                        \
        }                                                                                \
        return found;                                                                    \
    }

#endif
