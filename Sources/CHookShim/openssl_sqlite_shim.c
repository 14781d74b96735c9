#include "ahk_shim.h"
#include <openssl/crypto.h>
#include <openssl/x509.h>

long ahk_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
void ahk_openssl_free(void *pointer) { OPENSSL_free(pointer); }
unsigned long ahk_xn_flag_rfc2253(void) { return XN_FLAG_RFC2253; }
sqlite3_destructor_type ahk_sqlite_transient(void) { return SQLITE_TRANSIENT; }
