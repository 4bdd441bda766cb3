// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_COUNTERS_H
#define COMMON_COUNTERS_H

/*
 * The process's table of per-key counters behind the per-client limits (limits.c) and the
 * sign-in throttling (login_guard.c): fixed size, keys are keyed hashes (client.h), so nothing
 * in it names a client. For those two files only.
 */
#include <stdbool.h>
#include <time.h>

struct counter {
	time_t first_s; /* monotonic seconds: when the current window started */
	time_t last_s;  /* the last time it was counted */
	long count;
};

/* Monotonic seconds, never 0. */
time_t counters_now_s(void);
/* Hold the table's lock around counter_get and every use of what it returns. */
void counters_lock(void);
void counters_unlock(void);
/*
 * The counter of key (its first 16 bytes are used), zeroed when new; when every slot the key
 * may take is busy the least recently counted one is taken over.
 */
struct counter *counter_get(const unsigned char *key);

#endif
