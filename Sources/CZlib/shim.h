#ifndef GIT_EVIDENCE_CZLIB_SHIM_H
#define GIT_EVIDENCE_CZLIB_SHIM_H

// zlib, for the deterministic .tar.gz of a bundle.
#include <zlib.h>

// deflateInit2 is a macro (it passes ZLIB_VERSION and the struct size), which Swift cannot call.
// windowBits 15 + 16 asks for a gzip wrapper; zlib writes its header with mtime 0 and no file name,
// so the same input always gives the same bytes.
static inline int git_evidence_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

// inflateInit2 likewise; windowBits 15 + 16 reads a gzip wrapper (CloudTrail's .json.gz log files).
static inline int git_evidence_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 16);
}

#endif
