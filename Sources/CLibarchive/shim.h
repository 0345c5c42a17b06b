#ifndef GIT_EVIDENCE_CLIBARCHIVE_SHIM_H
#define GIT_EVIDENCE_CLIBARCHIVE_SHIM_H

// libarchive, for the bundle's .tar.gz: written deterministically, read back with every entry checked.
// The AE_IF* file types are macros with casts, which Swift does not import, so they are spelled as functions.
#include <archive.h>
#include <archive_entry.h>

static inline unsigned int git_evidence_archive_regular(void) { return (unsigned int)AE_IFREG; }
static inline unsigned int git_evidence_archive_directory(void) { return (unsigned int)AE_IFDIR; }
static inline unsigned int git_evidence_archive_symlink(void) { return (unsigned int)AE_IFLNK; }

#endif
