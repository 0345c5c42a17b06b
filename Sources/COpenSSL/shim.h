#ifndef GIT_EVIDENCE_COPENSSL_SHIM_H
#define GIT_EVIDENCE_COPENSSL_SHIM_H

// libcrypto only: hashing, keys, signatures and RFC 3161 time-stamp tokens. No TLS.
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/ts.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>
#include <string.h>
#include <time.h>

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

// RFC 3161. The TS API is pointer-heavy and owns what it is given, so the whole of each step is here and the Swift
// side (EvidenceCrypto/TimestampToken.swift) sees bytes in and bytes out. Each returns 1 on success, 0 with the
// reason in `error` (and OpenSSL's queue left for the caller to drain).

/// A DER TimeStampReq (v1) over a SHA-256 `digest`, with `nonce` and certReq set; the caller frees *out.
static inline int git_evidence_ts_request(const unsigned char *digest, int digest_length, const unsigned char *nonce, int nonce_length,
                                          unsigned char **out, int *out_length) {
    int ok = 0;
    TS_REQ *request = TS_REQ_new();
    TS_MSG_IMPRINT *imprint = TS_MSG_IMPRINT_new();
    X509_ALGOR *algorithm = X509_ALGOR_new();
    BIGNUM *number = BN_bin2bn(nonce, nonce_length, NULL);
    ASN1_INTEGER *asn1_nonce = number ? BN_to_ASN1_INTEGER(number, NULL) : NULL;
    if (request && imprint && algorithm && asn1_nonce
        && X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL)
        && TS_MSG_IMPRINT_set_algo(imprint, algorithm) && TS_MSG_IMPRINT_set_msg(imprint, (unsigned char *)digest, digest_length)
        && TS_REQ_set_version(request, 1) && TS_REQ_set_msg_imprint(request, imprint) && TS_REQ_set_nonce(request, asn1_nonce)
        && TS_REQ_set_cert_req(request, 1)) {
        *out = NULL;
        *out_length = i2d_TS_REQ(request, out);
        ok = *out_length > 0;
    }
    ASN1_INTEGER_free(asn1_nonce);
    BN_free(number);
    X509_ALGOR_free(algorithm);
    TS_MSG_IMPRINT_free(imprint);
    TS_REQ_free(request);
    return ok;
}

static inline void git_evidence_free(void *pointer) { OPENSSL_free(pointer); }

static inline long long git_evidence_asn1_time(const ASN1_TIME *time) {
    struct tm parts;
    memset(&parts, 0, sizeof parts);
    if (!time || !ASN1_TIME_to_tm(time, &parts)) return -1;
    return (long long)timegm(&parts);
}

/// Reads a DER TimeStampResp: 1 when granted and it holds a token whose imprint is SHA-256 `digest` (and whose
/// nonce is `nonce`, when given); its genTime into *gen_time; the certificates it carries as PEM into a new
/// memory BIO *chain (the caller frees it). `error` gets the reason otherwise.
static inline int git_evidence_ts_read(const unsigned char *der, long length, const unsigned char *digest, int digest_length,
                                       const unsigned char *nonce, int nonce_length, long long *gen_time, BIO **chain,
                                       char *error, size_t error_size) {
    const unsigned char *cursor = der;
    TS_RESP *response = d2i_TS_RESP(NULL, &cursor, length);
    int ok = 0;
    *chain = NULL;
    if (!response || cursor != der + length) { snprintf(error, error_size, "not a DER TimeStampResp"); goto done; }
    long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(TS_RESP_get_status_info(response)));
    if (status != 0 && status != 1) { snprintf(error, error_size, "the TSA did not grant it (PKIStatus %ld)", status); goto done; }
    TS_TST_INFO *info = TS_RESP_get_tst_info(response);
    PKCS7 *token = TS_RESP_get_token(response);
    if (!info || !token) { snprintf(error, error_size, "granted but holds no token"); goto done; }
    TS_MSG_IMPRINT *imprint = TS_TST_INFO_get_msg_imprint(info);
    ASN1_OCTET_STRING *message = TS_MSG_IMPRINT_get_msg(imprint);
    const ASN1_OBJECT *algorithm = NULL;
    X509_ALGOR_get0(&algorithm, NULL, NULL, TS_MSG_IMPRINT_get_algo(imprint));
    if (OBJ_obj2nid(algorithm) != NID_sha256 || ASN1_STRING_length(message) != digest_length
        || memcmp(ASN1_STRING_get0_data(message), digest, digest_length) != 0) {
        snprintf(error, error_size, "its imprint is not the SHA-256 of SHA256SUMS.sig"); goto done;
    }
    if (nonce) {
        BIGNUM *expected = BN_bin2bn(nonce, nonce_length, NULL);
        const ASN1_INTEGER *got = TS_TST_INFO_get_nonce(info);
        BIGNUM *found = got ? ASN1_INTEGER_to_BN(got, NULL) : NULL;
        int same = expected && found && BN_cmp(expected, found) == 0;
        BN_free(expected);
        BN_free(found);
        if (!same) { snprintf(error, error_size, "its nonce is not the request's (a replayed reply?)"); goto done; }
    }
    *gen_time = git_evidence_asn1_time(TS_TST_INFO_get_time(info));
    if (*gen_time < 0) { snprintf(error, error_size, "its genTime cannot be read"); goto done; }
    STACK_OF(X509) *certificates = PKCS7_type_is_signed(token) ? token->d.sign->cert : NULL;
    *chain = BIO_new(BIO_s_mem());
    for (int i = 0; certificates && i < sk_X509_num(certificates); i++) PEM_write_bio_X509(*chain, sk_X509_value(certificates, i));
    ok = 1;
done:
    TS_RESP_free(response);
    return ok;
}

/// Verifies a stored TimeStampResp with libcrypto's TS_RESP_verify_response: the signature, the signer's chain to
/// `roots` (PEM) through the `chain` certificates (PEM) with the purpose timeStampSigning, judged at the token's
/// own genTime (so a token outlives its TSA certificate), and the imprint = SHA-256 `digest`.
static inline int git_evidence_ts_verify(const unsigned char *der, long length, const unsigned char *digest, int digest_length,
                                         const char *roots_pem, long roots_length, const char *chain_pem, long chain_length,
                                         long long gen_time, char *error, size_t error_size) {
    const unsigned char *cursor = der;
    TS_RESP *response = d2i_TS_RESP(NULL, &cursor, length);
    TS_VERIFY_CTX *context = TS_VERIFY_CTX_new();
    X509_STORE *store = X509_STORE_new();
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    int ok = 0, roots = 0;
    if (!response || !context || !store || !untrusted) { snprintf(error, error_size, "not a DER TimeStampResp"); goto done; }
    BIO *bio = BIO_new_mem_buf(roots_pem, (int)roots_length);
    for (X509 *certificate; (certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL)); roots++) {
        X509_STORE_add_cert(store, certificate);
        X509_free(certificate);
    }
    BIO_free(bio);
    ERR_clear_error();
    if (roots == 0) { snprintf(error, error_size, "no certificate in the TSA roots"); goto done; }
    bio = BIO_new_mem_buf(chain_pem, (int)chain_length);
    for (X509 *certificate; (certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL));) sk_X509_push(untrusted, certificate);
    BIO_free(bio);
    ERR_clear_error();
    X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), (time_t)gen_time);
    unsigned char *imprint = OPENSSL_malloc(digest_length);
    memcpy(imprint, digest, digest_length);
    TS_VERIFY_CTX_set_flags(context, TS_VFY_VERSION | TS_VFY_SIGNATURE | TS_VFY_IMPRINT);
    TS_VERIFY_CTX_set_imprint(context, imprint, digest_length);
    TS_VERIFY_CTX_set_store(context, store);
    store = NULL;  // the context owns it now
    TS_VERIFY_CTS_set_certs(context, untrusted);
    untrusted = NULL;
    ok = TS_RESP_verify_response(context, response);
    if (!ok) {
        // TS_RESP_verify_response puts the X509 reason ("Verify error:certificate has expired") in the error's data.
        const char *data = NULL;
        int flags = 0;
        unsigned long code = ERR_peek_last_error_data(&data, &flags);
        const char *reason = code ? ERR_reason_error_string(code) : NULL;
        snprintf(error, error_size, "%s%s%s", reason ? reason : "the token does not verify",
                 data && (flags & ERR_TXT_STRING) && *data ? ": " : "", data && (flags & ERR_TXT_STRING) ? data : "");
    }
done:
    TS_VERIFY_CTX_free(context);
    X509_STORE_free(store);
    sk_X509_pop_free(untrusted, X509_free);
    TS_RESP_free(response);
    return ok;
}

static inline int git_evidence_random(unsigned char *bytes, int count) { return RAND_bytes(bytes, count); }

#endif