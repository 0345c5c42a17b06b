#ifndef GIT_EVIDENCE_CPKCS11_SHIM_H
#define GIT_EVIDENCE_CPKCS11_SHIM_H

// PKCS #11 (Cryptoki) through the header p11-kit ships. A module (SoftHSM2, a YubiHSM, a cloud HSM's client) is
// loaded with dlopen and called through the function list it returns; never through OpenSSL's engine, which
// cannot enumerate a token holding an Ed25519 key. Each helper returns the module's CK_RV unchanged, so the
// Swift side (PKCS11Kit) names it; GIT_EVIDENCE_P11_NO_MODULE means dlopen or C_GetFunctionList failed.
#include <dlfcn.h>
#include <string.h>
// By its path under /usr/include, not through pkg-config, whose flags would also link libp11-kit: the header is
// all this needs, and the library (with libffi) would be loaded and relocated at every start for nothing.
#include <p11-kit-1/p11-kit/pkcs11.h>

#define GIT_EVIDENCE_P11_NO_MODULE 0xFFFFFFFFUL
#define GIT_EVIDENCE_P11_NOT_FOUND 0xFFFFFFFEUL

static inline CK_RV git_evidence_p11_load(const char *path, void **library, CK_FUNCTION_LIST_PTR *functions) {
    *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!*library) return GIT_EVIDENCE_P11_NO_MODULE;
    CK_C_GetFunctionList get = (CK_C_GetFunctionList)dlsym(*library, "C_GetFunctionList");
    if (!get || get(functions) != CKR_OK || !*functions) { dlclose(*library); *library = NULL; return GIT_EVIDENCE_P11_NO_MODULE; }
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    CK_RV rv = (*functions)->C_Initialize(&args);
    if (rv == CKR_CRYPTOKI_ALREADY_INITIALIZED) rv = CKR_OK;
    if (rv != CKR_OK) { dlclose(*library); *library = NULL; }
    return rv;
}

static inline const char *git_evidence_p11_dlerror(void) { return dlerror(); }

static inline void git_evidence_p11_unload(CK_FUNCTION_LIST_PTR functions, void *library) {
    functions->C_Finalize(NULL);
    dlclose(library);
}

/// A 32- or 16-byte space-padded field, trimmed and NUL-terminated into `out`.
static inline void git_evidence_p11_field(const unsigned char *field, size_t size, char *out) {
    size_t length = size;
    while (length > 0 && (field[length - 1] == ' ' || field[length - 1] == 0)) length--;
    memcpy(out, field, length);
    out[length] = 0;
}

/// The slot whose token has `label`; its serial number into `serial` (17 bytes).
static inline CK_RV git_evidence_p11_find_token(CK_FUNCTION_LIST_PTR functions, const char *label, CK_SLOT_ID *slot, char *serial) {
    CK_ULONG count = 0;
    CK_RV rv = functions->C_GetSlotList(CK_TRUE, NULL, &count);
    if (rv != CKR_OK) return rv;
    if (count == 0) return GIT_EVIDENCE_P11_NOT_FOUND;
    CK_SLOT_ID slots[count];
    rv = functions->C_GetSlotList(CK_TRUE, slots, &count);
    if (rv != CKR_OK) return rv;
    for (CK_ULONG i = 0; i < count; i++) {
        CK_TOKEN_INFO info;
        if (functions->C_GetTokenInfo(slots[i], &info) != CKR_OK) continue;
        char found[33];
        git_evidence_p11_field(info.label, sizeof info.label, found);
        if (strcmp(found, label) == 0) {
            *slot = slots[i];
            git_evidence_p11_field(info.serialNumber, sizeof info.serialNumber, serial);
            return CKR_OK;
        }
    }
    return GIT_EVIDENCE_P11_NOT_FOUND;
}

static inline CK_RV git_evidence_p11_open(CK_FUNCTION_LIST_PTR functions, CK_SLOT_ID slot, CK_SESSION_HANDLE *session) {
    return functions->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, session);
}

static inline CK_RV git_evidence_p11_login(CK_FUNCTION_LIST_PTR functions, CK_SESSION_HANDLE session, const char *pin, CK_ULONG length) {
    CK_RV rv = functions->C_Login(session, CKU_USER, (CK_UTF8CHAR_PTR)pin, length);
    return rv == CKR_USER_ALREADY_LOGGED_IN ? CKR_OK : rv;
}

static inline void git_evidence_p11_close(CK_FUNCTION_LIST_PTR functions, CK_SESSION_HANDLE session) {
    functions->C_Logout(session);
    functions->C_CloseSession(session);
}

/// The objects of `class` labelled `label`: the first into `object`, how many into `found` (at most 2 counted).
static inline CK_RV git_evidence_p11_find_object(CK_FUNCTION_LIST_PTR functions, CK_SESSION_HANDLE session, CK_OBJECT_CLASS class,
                                                 const char *label, CK_OBJECT_HANDLE *object, CK_ULONG *found) {
    CK_ATTRIBUTE template[2] = {
        {CKA_CLASS, &class, sizeof class},
        {CKA_LABEL, (void *)label, strlen(label)},
    };
    CK_RV rv = functions->C_FindObjectsInit(session, template, 2);
    if (rv != CKR_OK) return rv;
    CK_OBJECT_HANDLE objects[2];
    rv = functions->C_FindObjects(session, objects, 2, found);
    functions->C_FindObjectsFinal(session);
    if (rv == CKR_OK && *found > 0) *object = objects[0];
    return rv;
}

/// An attribute's value: with `value` NULL, its length into `length`.
static inline CK_RV git_evidence_p11_attribute(CK_FUNCTION_LIST_PTR functions, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                               CK_ATTRIBUTE_TYPE type, void *value, CK_ULONG *length) {
    CK_ATTRIBUTE attribute = {type, value, *length};
    CK_RV rv = functions->C_GetAttributeValue(session, object, &attribute, 1);
    *length = attribute.ulValueLen;
    return rv;
}

/// Signs `data` with `mechanism`; RSA-PSS (`pss` true) with SHA-256, MGF1-SHA-256 and a 32-byte salt. With
/// `signature` NULL, the length into `length`.
static inline CK_RV git_evidence_p11_sign(CK_FUNCTION_LIST_PTR functions, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE key,
                                          CK_MECHANISM_TYPE type, int pss, const unsigned char *data, CK_ULONG size,
                                          unsigned char *signature, CK_ULONG *length) {
    CK_RSA_PKCS_PSS_PARAMS parameters = {CKM_SHA256, CKG_MGF1_SHA256, 32};
    CK_MECHANISM mechanism = {type, pss ? &parameters : NULL, pss ? sizeof parameters : 0};
    CK_RV rv = functions->C_SignInit(session, &mechanism, key);
    if (rv != CKR_OK) return rv;
    return functions->C_Sign(session, (CK_BYTE_PTR)data, size, signature, length);
}

#endif
