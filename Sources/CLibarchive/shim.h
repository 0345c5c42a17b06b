#ifndef GIT_EVIDENCE_CLIBARCHIVE_SHIM_H
#define GIT_EVIDENCE_CLIBARCHIVE_SHIM_H

// libarchive, for the bundle's .tar.gz: written deterministically, read back with every entry checked. Opened on
// first use (../CCurl/lazy_library.h).
// The AE_IF* file types are macros with casts, which Swift does not import, so they are spelled as functions.
#include <archive.h>
#include <archive_entry.h>
#include "../CCurl/lazy_library.h"

GIT_EVIDENCE_LIBRARY(git_evidence_archive_library, "libarchive", "libarchive.so.13")
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_filetype)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_free)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_hardlink)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_new)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_pathname)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_filetype)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_gid)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_mtime)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_pathname)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_perm)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_size)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_entry_set_uid)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_error_string)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_data)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_free)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_new)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_next_header)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_open_memory)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_support_filter_gzip)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_read_support_format_tar)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_add_filter_gzip)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_close)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_data)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_free)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_header)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_new)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_open)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_set_bytes_in_last_block)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_set_filter_option)
GIT_EVIDENCE_LAZY(git_evidence_archive_library, archive_write_set_format_ustar)

static inline unsigned int git_evidence_archive_regular(void) { return (unsigned int)AE_IFREG; }
static inline unsigned int git_evidence_archive_directory(void) { return (unsigned int)AE_IFDIR; }
static inline unsigned int git_evidence_archive_symlink(void) { return (unsigned int)AE_IFLNK; }

#endif
