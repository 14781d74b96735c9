#include "ahk_shim.h"
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <sys/socket.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

CURLcode ahk_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
CURLcode ahk_curl_setopt_off(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }
CURLcode ahk_curl_setopt_ptr(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
CURLcode ahk_curl_setopt_str(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
CURLcode ahk_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
CURLcode ahk_curl_setopt_write_cb(CURL *h, CURLoption o, curl_write_callback cb) { return curl_easy_setopt(h, o, cb); }
CURLcode ahk_curl_setopt_read_cb(CURL *h, CURLoption o, curl_read_callback cb) { return curl_easy_setopt(h, o, cb); }
CURLcode ahk_curl_getinfo_long(CURL *h, CURLINFO i, long *out) { return curl_easy_getinfo(h, i, out); }
CURLcode ahk_curl_getinfo_double(CURL *h, CURLINFO i, double *out) { return curl_easy_getinfo(h, i, out); }
CURLcode ahk_curl_getinfo_off(CURL *h, CURLINFO i, curl_off_t *out) { return curl_easy_getinfo(h, i, out); }
CURLcode ahk_curl_getinfo_ptr(CURL *h, CURLINFO i, void **out) { return curl_easy_getinfo(h, i, out); }
CURLMcode ahk_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) { return curl_multi_setopt(m, o, v); }
const char *ahk_curl_default_cainfo(void) {
    const curl_version_info_data *info = curl_version_info(CURLVERSION_NOW);
    return info == NULL ? NULL : info->cainfo;
}

static int ahk_sockopt_user_timeout(void *clientp, curl_socket_t fd, curlsocktype purpose) {
    unsigned int ms = (unsigned int)(uintptr_t)clientp;
    if (purpose == CURLSOCKTYPE_IPCXN && ms > 0) {
        (void)setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &ms, sizeof ms);  /* best effort */
    }
    return CURL_SOCKOPT_OK;
}
CURLcode ahk_curl_set_tcp_user_timeout(CURL *h, unsigned int milliseconds) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_SOCKOPTFUNCTION, ahk_sockopt_user_timeout);
    if (rc != CURLE_OK) return rc;
    return curl_easy_setopt(h, CURLOPT_SOCKOPTDATA, (void *)(uintptr_t)milliseconds);
}
int ahk_curl_active_socket(CURL *h) {
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (curl_easy_getinfo(h, CURLINFO_ACTIVESOCKET, &fd) != CURLE_OK) return -1;
    return fd == CURL_SOCKET_BAD ? -1 : (int)fd;
}

void *ahk_x509_store_new(void) {
    X509_STORE *store = X509_STORE_new();
    /* libcurl's own default, which replacing its store would otherwise drop: a trusted intermediate may
       anchor a chain (X509_V_FLAG_PARTIAL_CHAIN). */
    if (store != NULL) X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
    return store;
}

int ahk_x509_store_add_pem(void *store, const char *pem, size_t length) {
    if (length > INT32_MAX) return -1;
    BIO *bio = BIO_new_mem_buf(pem, (int)length);
    if (bio == NULL) return -1;
    int count = 0;
    X509 *cert;
    while ((cert = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        if (X509_STORE_add_cert((X509_STORE *)store, cert) == 1) count++;  /* a duplicate is not an error */
        X509_free(cert);
    }
    ERR_clear_error();  /* the loop ends on "no start line" at the end of the data */
    BIO_free(bio);
    return count;
}

void ahk_x509_store_free(void *store) { X509_STORE_free((X509_STORE *)store); }

static CURLcode ahk_ssl_ctx_store(CURL *curl, void *ssl_ctx, void *store) {
    (void)curl;
    SSL_CTX_set1_cert_store((SSL_CTX *)ssl_ctx, (X509_STORE *)store);  /* takes its own reference */
    return CURLE_OK;
}

CURLcode ahk_curl_use_x509_store(CURL *handle, void *store) {
    CURLcode rc;
    if ((rc = curl_easy_setopt(handle, CURLOPT_CAINFO, (char *)NULL)) != CURLE_OK) return rc;
    if ((rc = curl_easy_setopt(handle, CURLOPT_CAPATH, (char *)NULL)) != CURLE_OK) return rc;
    if ((rc = curl_easy_setopt(handle, CURLOPT_SSL_CTX_FUNCTION, ahk_ssl_ctx_store)) != CURLE_OK) return rc;
    return curl_easy_setopt(handle, CURLOPT_SSL_CTX_DATA, store);
}

CURLSH *ahk_curl_share_sessions(void) {
    CURLSH *share = curl_share_init();
    if (share == NULL) return NULL;
    /* TLS sessions only: the multi handle already shares its DNS cache and connections among its handles. */
    if (curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return NULL;
    }
    return share;
}
