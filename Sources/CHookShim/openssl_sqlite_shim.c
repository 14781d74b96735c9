#include "ahk_shim.h"
#include <openssl/crypto.h>

long ahk_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }
void ahk_openssl_free(void *pointer) { OPENSSL_free(pointer); }
sqlite3_destructor_type ahk_sqlite_transient(void) { return SQLITE_TRANSIENT; }
