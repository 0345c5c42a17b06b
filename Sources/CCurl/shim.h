#ifndef GIT_EVIDENCE_CCURL_SHIM_H
#define GIT_EVIDENCE_CCURL_SHIM_H

// libcurl, for the forge collectors', TSA's and AWS's HTTP: one blocking easy handle per request, opened on first
// use (lazy_library.h). curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call, so each
// argument type gets a typed wrapper.
#include <curl/curl.h>
#include "lazy_library.h"

GIT_EVIDENCE_LIBRARY(git_evidence_curl_library, "libcurl", "libcurl.so.4")
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_global_init)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_init)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_cleanup)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_perform)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_strerror)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_slist_append)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_slist_free_all)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_setopt)
GIT_EVIDENCE_LAZY(git_evidence_curl_library, curl_easy_getinfo)

typedef size_t (*git_evidence_curl_data)(char *, size_t, size_t, void *);

static inline CURLcode git_evidence_curl_long(CURL *handle, CURLoption option, long value) {
    return git_evidence_curl_easy_setopt()(handle, option, value);
}
static inline CURLcode git_evidence_curl_string(CURL *handle, CURLoption option, const char *value) {
    return git_evidence_curl_easy_setopt()(handle, option, value);
}
static inline CURLcode git_evidence_curl_pointer(CURL *handle, CURLoption option, void *value) {
    return git_evidence_curl_easy_setopt()(handle, option, value);
}
static inline CURLcode git_evidence_curl_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return git_evidence_curl_easy_setopt()(handle, option, value);
}
static inline CURLcode git_evidence_curl_function(CURL *handle, CURLoption option, git_evidence_curl_data value) {
    return git_evidence_curl_easy_setopt()(handle, option, value);
}
static inline CURLcode git_evidence_curl_status(CURL *handle, long *status) {
    return git_evidence_curl_easy_getinfo()(handle, CURLINFO_RESPONSE_CODE, status);
}

#endif
