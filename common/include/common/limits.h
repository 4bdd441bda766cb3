// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_LIMITS_H
#define COMMON_LIMITS_H

#include "common/strbuf.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Anti-abuse limits: lists of per-name numbers as the settings write them, the bounded
 * in-memory table of per-client counters, and the daemon's set-up of every limit at start
 * (limits_start: trusted proxies, per-client limits, sign-in throttling, ceilings on signed
 * events). Modules name their scopes and event types; the base names none.
 */
struct app;

/*
 * A list "name=N,prefix.*=N,*=N" (names of letters, digits and . _ -). Lookup takes the exact
 * name, else the longest matching "prefix.*", else "*".
 */
struct limit_list;

/* The list of spec (NULL or "": empty), values 1..max; NULL with a line appended to err for
 * each mistake, naming setting. Free with limit_list_free. */
struct limit_list *limit_list_parse(const char *setting, const char *spec, long max,
				    struct strbuf *err);
void limit_list_free(struct limit_list *l);
/* The value for name, or 0 when no entry matches (l may be NULL). */
long limit_list_get(const struct limit_list *l, const char *name);

/*
 * The per-client limit of scope: BALADIYA_RATE_LIMITS' value when it names scope (or "*"),
 * else default_per_minute.
 */
long rate_limit_for(const char *scope, long default_per_minute);

/*
 * One more action of the client whose keyed id is key (client_key: the scope is in it), at
 * most max per window_s seconds: true when allowed (then counted); false when the window is
 * full, with *retry_after_s (may be NULL) the seconds until it ends. A fixed window per key in
 * a table of fixed size; when every slot a key may take is busy the least recent one is taken
 * over (which can only let a client do more, never lock anyone out).
 */
bool rate_allow(const unsigned char key[32], long max, long window_s, int *retry_after_s);

/* At the start of serving, from app's settings: every limit above, the sign-in throttling
 * and the modules' ceilings on signed events. Returns 0, or -1 (logged) for a bad setting. */
int limits_start(struct app *app);
/* At shutdown: forget them all (ceilings off, salt wiped). */
void limits_stop(void);

#endif
