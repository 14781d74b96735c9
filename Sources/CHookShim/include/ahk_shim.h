// CHookShim: the few prefixed C wrappers ActivityHook needs because Swift cannot call them.
//
// Why each wrapper exists:
//  - libmicrohttpd: MHD_start_daemon, MHD_get_daemon_info and MHD_get_connection_info are C variadics.
//  - libcurl: curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadics with no va_list form.
//  - OpenSSL: BIO_get_mem_data and OPENSSL_free are function-like macros; XN_FLAG_RFC2253 is a
//    macro built from other macros, which Swift does not import.
//  - SQLite: SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift cannot import.
// Every symbol is prefixed ahk_ so it never collides with a library's own names.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <microhttpd.h>
#include <curl/curl.h>
#include <openssl/bio.h>
#include <sqlite3.h>

// MARK: - libmicrohttpd

/// Starts a daemon bound to `host` (an IPv4 or IPv6 literal) and `port` (0 = any free port), with the
/// options of `options` (an array ended by MHD_OPTION_END, passed as MHD_OPTION_ARRAY).
/// On failure returns NULL and sets `*error_out` to -1 for an unparsable host, else to errno.
/// With `listen_fd` >= 0 that socket (bound and listening, e.g. inherited across exec) is used instead.
struct MHD_Daemon *ahk_mhd_start(unsigned int flags, const char *host, uint16_t port, int listen_fd,
                                 MHD_AccessHandlerCallback handler, void *handler_cls,
                                 const struct MHD_OptionItem *options, int *error_out);
/// The port the daemon is bound to (useful after binding port 0); 0 when unknown.
uint16_t ahk_mhd_bound_port(struct MHD_Daemon *daemon);
/// Copies the peer's raw address: `out` receives 4 (IPv4) or 16 (IPv6) bytes, `*port` the port in host
/// order. Returns the address length (4 or 16), or 0 when unknown. Formatting is left to the caller, so
/// requests that never look at the peer do not pay for it.
int ahk_mhd_peer(struct MHD_Connection *connection, uint8_t out[16], uint16_t *port);
/// Formats a raw address from ahk_mhd_peer as "1.2.3.4:5678" or "[::1]:5678"; returns 0 on success.
int ahk_format_address(const uint8_t *address, int length, uint16_t port, char *out, size_t out_len);
/// The GnuTLS session of an HTTPS connection, or NULL.
void *ahk_mhd_tls_session(struct MHD_Connection *connection);
/// Builds an MHD_OptionItem (the struct is trivially initialised, but keeping it here documents the ABI).
struct MHD_OptionItem ahk_mhd_option(enum MHD_OPTION option, intptr_t value, void *ptr_value);
/// The connection's socket descriptor, or -1 (MHD_get_connection_info is variadic).
int ahk_mhd_connection_fd(struct MHD_Connection *connection);

// MARK: - libcurl

CURLcode ahk_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode ahk_curl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ahk_curl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode ahk_curl_setopt_str(CURL *handle, CURLoption option, const char *value);
CURLcode ahk_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);
CURLcode ahk_curl_setopt_write_cb(CURL *handle, CURLoption option, curl_write_callback callback);
CURLcode ahk_curl_setopt_read_cb(CURL *handle, CURLoption option, curl_read_callback callback);
CURLcode ahk_curl_getinfo_long(CURL *handle, CURLINFO info, long *out);
CURLcode ahk_curl_getinfo_double(CURL *handle, CURLINFO info, double *out);
CURLcode ahk_curl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);
CURLcode ahk_curl_getinfo_ptr(CURL *handle, CURLINFO info, void **out);
CURLMcode ahk_curl_multi_setopt_long(CURLM *multi, CURLMoption option, long value);
/// Installs a sockopt callback that sets TCP_USER_TIMEOUT to `milliseconds` on every new socket, so
/// data a dead peer never acknowledges fails the connection (0 leaves the kernel default).
CURLcode ahk_curl_set_tcp_user_timeout(CURL *handle, unsigned int milliseconds);
/// The transfer's connection socket (CURLINFO_ACTIVESOCKET), or -1 when it has none any more.
int ahk_curl_active_socket(CURL *handle);
/// The CA bundle path libcurl was built with (CURLVERSION_NOW is a macro), or NULL.
const char *ahk_curl_default_cainfo(void);
/// A trust store parsed once from PEM (docs/tls-performance.md), shared by every TLS connection of a
/// client through CURLOPT_SSL_CTX_FUNCTION instead of libcurl parsing a CA blob per connection.
void *ahk_x509_store_new(void);
/// Adds every certificate of a PEM buffer; returns how many (0 if it holds none), or -1.
int ahk_x509_store_add_pem(void *store, const char *pem, size_t length);
void ahk_x509_store_free(void *store);
/// Makes `handle` verify peers against `store` only: CAINFO and CAPATH are cleared (so libcurl loads
/// nothing per connection) and the store is attached to each new SSL_CTX.
CURLcode ahk_curl_use_x509_store(CURL *handle, void *store);
/// A share handle for TLS session ids, used from one thread only (no lock callbacks).
CURLSH *ahk_curl_share_sessions(void);

// MARK: - OpenSSL

/// BIO_get_mem_data: points `*data` at the BIO's buffer and returns its length.
long ahk_bio_get_mem_data(BIO *bio, char **data);
/// OPENSSL_free.
void ahk_openssl_free(void *pointer);
/// XN_FLAG_RFC2253: X509_NAME_print_ex flags for an RFC 2253 one-line name ("CN=x,O=y,C=z").
unsigned long ahk_xn_flag_rfc2253(void);

// MARK: - SQLite

/// SQLITE_TRANSIENT: SQLite copies the bound value before the bind call returns.
sqlite3_destructor_type ahk_sqlite_transient(void);

// MARK: - glibc malloc

/// mallopt(M_TRIM_THRESHOLD, trim_threshold) and mallopt(M_ARENA_MAX, arena_max): <malloc.h> is not
/// part of Swift's Glibc module. Returns 0 when both were accepted.
int ahk_malloc_tune(int trim_threshold, int arena_max);
