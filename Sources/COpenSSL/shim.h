#ifndef GIT_EVIDENCE_COPENSSL_SHIM_H
#define GIT_EVIDENCE_COPENSSL_SHIM_H

// libcrypto only: hashing, keys and signatures. No TLS.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/bio.h>
#include <openssl/x509.h>

// BIO_get_mem_data is a macro over BIO_ctrl, which Swift cannot import.
static inline long git_evidence_bio_mem_data(BIO *bio, char **data) {
    return BIO_get_mem_data(bio, data);
}

// EVP_PKEY_CTX_set_rsa_padding and friends take int constants that are macros
// in some OpenSSL versions; wrapping them keeps the Swift side version-neutral.
static inline int git_evidence_set_rsa_pss(EVP_PKEY_CTX *ctx) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PSS_PADDING) <= 0) return 0;
    // Salt length = digest length, the common RSA-PSS choice that
    // `openssl dgst -sigopt rsa_pss_saltlen:digest` also uses.
    return EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, RSA_PSS_SALTLEN_DIGEST) > 0;
}

// EVP_PKEY_id reports the key type; the NID constants are macros.
static inline int git_evidence_key_is_ed25519(const EVP_PKEY *key) { return EVP_PKEY_id(key) == EVP_PKEY_ED25519; }
static inline int git_evidence_key_is_ec(const EVP_PKEY *key) { return EVP_PKEY_id(key) == EVP_PKEY_EC; }
static inline int git_evidence_key_is_rsa(const EVP_PKEY *key) { return EVP_PKEY_id(key) == EVP_PKEY_RSA || EVP_PKEY_id(key) == EVP_PKEY_RSA_PSS; }
static inline int git_evidence_nid_ed25519(void) { return EVP_PKEY_ED25519; }
static inline int git_evidence_nid_ec(void) { return EVP_PKEY_EC; }
static inline int git_evidence_key_is_plain_rsa(const EVP_PKEY *key) { return EVP_PKEY_id(key) == EVP_PKEY_RSA; }
static inline int git_evidence_nid_rsa(void) { return EVP_PKEY_RSA; }
static inline int git_evidence_nid_prime256v1(void) { return NID_X9_62_prime256v1; }

#endif
