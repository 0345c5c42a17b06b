#ifndef GIT_EVIDENCE_CCURL_SHIM_H
#define GIT_EVIDENCE_CCURL_SHIM_H

// libcurl, for the GitHub collector's HTTP: one blocking easy handle per request. curl_easy_setopt and
// curl_easy_getinfo are variadic, which Swift cannot call, so each argument type gets a typed wrapper.
#include <curl/curl.h>

typedef size_t (*git_evidence_curl_data)(char *, size_t, size_t, void *);

static inline CURLcode git_evidence_curl_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode git_evidence_curl_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode git_evidence_curl_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode git_evidence_curl_list(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode git_evidence_curl_function(CURL *handle, CURLoption option, git_evidence_curl_data value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode git_evidence_curl_status(CURL *handle, long *status) {
    return curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, status);
}

#endif
