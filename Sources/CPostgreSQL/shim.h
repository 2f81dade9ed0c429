#ifndef TASKMASTER_CPOSTGRESQL_SHIM_H
#define TASKMASTER_CPOSTGRESQL_SHIM_H
#include <libpq-fe.h>
#include <poll.h>

/// Waits up to `timeout_ms` (0: just looks) for the connection's socket to become readable.
/// Returns > 0 when readable (data, EOF or error), 0 on timeout, < 0 when there is no socket or poll failed.
static inline int taskmaster_pq_wait_readable(const PGconn *conn, int timeout_ms) {
    int fd = PQsocket(conn);
    if (fd < 0) {
        return -1;
    }
    struct pollfd descriptor = { .fd = fd, .events = POLLIN };
    return poll(&descriptor, 1, timeout_ms);
}

/// `PG_DIAG_SQLSTATE` is a character macro, which Swift does not import.
static inline int taskmaster_pq_diag_sqlstate(void) {
    return PG_DIAG_SQLSTATE;
}
#endif
