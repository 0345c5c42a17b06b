// Why this file exists: Debian's libgit2 1.5 is built with mbedTLS, and git_libgit2_init parses the whole system CA
// bundle (/etc/ssl/certs/ca-certificates.crt, about 140 certificates in PEM) with mbedtls_x509_crt_parse_file. That
// is about 5 ms, more than a `why PATH:LINE` answer takes, and it serves only libgit2's own https transport, which
// this tool uses for one thing: `org` cloning a repository by https URL.
//
// So this executable defines mbedtls_x509_crt_parse_file itself. The dynamic linker binds libgit2's call to it (an
// executable's definitions come first), and while git_evidence_libgit2_init runs, the call is set aside: the chain
// libgit2 hands over stays empty and the file is remembered. git_evidence_load_certificates reads that file into that
// same chain (the one libgit2's TLS configuration verifies with) through the real function, before an https clone;
// a certificate is then checked exactly as it was. Any other call, at any other time, goes straight to mbedTLS.
// With a libgit2 built on another TLS library the function is never called and nothing changes.

#include "libgit2_startup.h"

#include <dlfcn.h>
#include <git2.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if __has_include(<mbedtls/x509_crt.h>)
#include <mbedtls/x509_crt.h>
#define HAVE_MBEDTLS_HEADERS 1
typedef mbedtls_x509_crt certificate_chain;
#else
typedef void certificate_chain;
#endif

typedef int (*parse_file_function)(certificate_chain *chain, const char *path);

static int deferring;         // only while git_evidence_libgit2_init runs
static certificate_chain *deferred_chain;  // the chain libgit2 keeps in its TLS configuration
static char *deferred_path;   // the file it asked to have read into it
static pthread_once_t loading = PTHREAD_ONCE_INIT;

static parse_file_function real_parse_file(void) {
    return (parse_file_function)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
}

int mbedtls_x509_crt_parse_file(certificate_chain *chain, const char *path) {
    if (deferring && deferred_chain == NULL && chain != NULL && path != NULL) {
        deferred_path = strdup(path);
        if (deferred_path != NULL) {
            deferred_chain = chain;
            return 0;  // read nothing, certificates or failures, yet
        }
    }
    parse_file_function real = real_parse_file();
    return real != NULL ? real(chain, path) : -0x2900;  // MBEDTLS_ERR_X509_FILE_IO_ERROR
}

int git_evidence_libgit2_init(void) {
    deferring = 1;
    int result = git_libgit2_init();
    deferring = 0;
    return result;
}

static void load(void) {
    parse_file_function real = real_parse_file();
    // A failure leaves the chain empty, as it left libgit2's at init: every server's certificate then fails.
    if (deferred_chain != NULL && real != NULL) (void)real(deferred_chain, deferred_path);
}

void git_evidence_load_certificates(void) {
    pthread_once(&loading, load);
}

int git_evidence_certificates_held(void) {
#ifdef HAVE_MBEDTLS_HEADERS
    if (deferred_chain == NULL) return -1;
    int count = 0;
    for (const mbedtls_x509_crt *certificate = deferred_chain; certificate != NULL; certificate = certificate->next) {
        if (certificate->raw.len != 0) count++;
    }
    return count;
#else
    return -1;
#endif
}
