#include "ahk_shim.h"
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

struct MHD_Daemon *ahk_mhd_start(unsigned int flags, const char *host, uint16_t port, int listen_fd,
                                 MHD_AccessHandlerCallback handler, void *handler_cls,
                                 const struct MHD_OptionItem *options, int *error_out) {
    // MHD binds during MHD_start_daemon, so the address may live on this stack frame.
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    const struct sockaddr *addr;
    memset(&in4, 0, sizeof in4);
    memset(&in6, 0, sizeof in6);
    if (inet_pton(AF_INET, host, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons(port);
        addr = (const struct sockaddr *)&in4;
    } else if (inet_pton(AF_INET6, host, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons(port);
        addr = (const struct sockaddr *)&in6;
        flags |= MHD_USE_IPv6;
    } else {
        *error_out = -1;
        return NULL;
    }
    errno = 0;
    struct MHD_Daemon *daemon = listen_fd >= 0
        /* A socket inherited from the process this one replaced (a reload): already bound and listening. */
        ? MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                           MHD_OPTION_LISTEN_SOCKET, (MHD_socket)listen_fd, MHD_OPTION_ARRAY, options, MHD_OPTION_END)
        : MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                           MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_ARRAY, options, MHD_OPTION_END);
    *error_out = daemon == NULL ? (errno == 0 ? EINVAL : errno) : 0;
    return daemon;
}

uint16_t ahk_mhd_bound_port(struct MHD_Daemon *daemon) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

int ahk_mhd_peer(struct MHD_Connection *connection, uint8_t out[16], uint16_t *port) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return 0;
    const struct sockaddr *sa = info->client_addr;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
        memcpy(out, &in4->sin_addr, 4);
        *port = ntohs(in4->sin_port);
        return 4;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        memcpy(out, &in6->sin6_addr, 16);
        *port = ntohs(in6->sin6_port);
        return 16;
    }
    return 0;
}

int ahk_format_address(const uint8_t *address, int length, uint16_t port, char *out, size_t out_len) {
    char host[INET6_ADDRSTRLEN];
    if (length == 4 && inet_ntop(AF_INET, address, host, sizeof host) != NULL) {
        return snprintf(out, out_len, "%s:%u", host, (unsigned)port) > 0 ? 0 : -1;
    }
    if (length == 16 && inet_ntop(AF_INET6, address, host, sizeof host) != NULL) {
        return snprintf(out, out_len, "[%s]:%u", host, (unsigned)port) > 0 ? 0 : -1;
    }
    return -1;
}

void *ahk_mhd_tls_session(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_GNUTLS_SESSION);
    return info == NULL ? NULL : info->tls_session;
}

struct MHD_OptionItem ahk_mhd_option(enum MHD_OPTION option, intptr_t value, void *ptr_value) {
    struct MHD_OptionItem item;
    item.option = option;
    item.value = value;
    item.ptr_value = ptr_value;
    return item;
}

int ahk_mhd_connection_fd(struct MHD_Connection *connection) {
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    return info == NULL ? -1 : (int)info->connect_fd;
}
