// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_LINGER_H
#define COMMON_LINGER_H

#include <stddef.h>

/*
 * Lingering close, for answers given before the request's body was read (413, 401, 503...):
 * closing a socket that still has unread bytes makes the kernel reset the connection, and the
 * client, still sending, loses the answer. http.c hands such a socket here as libmicrohttpd
 * finishes with it; one thread half-closes it (the answer is followed by FIN), reads and
 * discards what the client still sends, up to a budget, and closes it at the client's end, at
 * the budget or at the deadline. Internal to common/src.
 */

#define LINGER_MAX_SOCKETS 64        /* beyond that, sockets close at once, as before */
#define LINGER_MAX_BYTES (32u << 20) /* discarded per socket at most */
#define LINGER_TIMEOUT_MS 10000      /* per socket */

/* Start the thread. 0, or -1 (logged). */
int linger_start(void);
/* Close every socket still lingering and stop the thread. */
void linger_stop(void);
/* Linger on a duplicate of fd (the caller keeps fd), discarding at most max_bytes
 * (capped at LINGER_MAX_BYTES). */
void linger_add(int fd, size_t max_bytes);

#endif
