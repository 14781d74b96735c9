/* Bare C libmicrohttpd server: the baseline for `scripts/bench server` and `scripts/bench client`.
 * It uses the same daemon options as ActivityHook's HookHTTPServer (internal polling thread + epoll,
 * a thread pool, suspend/resume allowed, the same connection limit and timeout), so the ratio
 * measures only what the Swift layer costs.
 *   bare_mhd PORT THREADS post         answer every request 200 "ok" after reading its body; like the
 *                                      Swift handler it builds (MUST_COPY) and destroys a response per
 *                                      request, as any server with per-request answers must

 *   bare_mhd PORT THREADS blob BYTES   answer GET with BYTES bytes
 */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct MHD_Response *reply;
static int per_request;

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                               const char *version, const char *data, size_t *size, void **ctx) {
    (void)cls; (void)url; (void)method; (void)version; (void)data;
    if (*ctx == NULL) { *ctx = (void *)1; return MHD_YES; }
    if (*size > 0) { *size = 0; return MHD_YES; }
    if (!per_request) return MHD_queue_response(c, 200, reply);
    struct MHD_Response *r = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: bare_mhd PORT THREADS post|blob [BYTES]\n"); return 2; }
    unsigned port = (unsigned)atoi(argv[1]);
    unsigned threads = (unsigned)atoi(argv[2]);
    if (strcmp(argv[3], "blob") == 0) {
        size_t n = argc > 4 ? (size_t)atol(argv[4]) : 100000;
        char *body = malloc(n);
        for (size_t i = 0; i < n; i++) body[i] = (char)('a' + i % 26);
        reply = MHD_create_response_from_buffer(n, body, MHD_RESPMEM_MUST_FREE);
    } else {
        per_request = 1;
    }
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, (uint16_t)port, NULL, NULL,
        handler, NULL, MHD_OPTION_CONNECTION_LIMIT, 256u, MHD_OPTION_CONNECTION_TIMEOUT, 30u,
        MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_END);
    if (d == NULL) { perror("MHD_start_daemon"); return 1; }
    printf("READY port=%u\n", (unsigned)MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT)->port);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
