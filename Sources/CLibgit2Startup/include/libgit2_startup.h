#ifndef GIT_EVIDENCE_LIBGIT2_STARTUP_H
#define GIT_EVIDENCE_LIBGIT2_STARTUP_H

// libgit2 started without reading the system's CA certificates, which it reads only for an https clone: see
// libgit2_startup.c.

/// git_libgit2_init, with the CA certificate file that libgit2 parses at init (when built with mbedTLS, as Debian's
/// is) set aside and not read.
int git_evidence_libgit2_init(void);

/// Reads the set-aside certificates into the chain libgit2 verifies servers with; once, before the first https
/// clone. Nothing to do when libgit2 set none aside (another TLS library, or no certificate file).
void git_evidence_load_certificates(void);

/// How many certificates that chain holds: 0 before they are read; -1 when libgit2 set none aside or this build has
/// no mbedTLS headers. For tests.
int git_evidence_certificates_held(void);

#endif
