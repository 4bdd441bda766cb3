// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_TARPIT_H
#define COMMON_TARPIT_H

#include <stdbool.h>

/*
 * The tarpit: an answer that may wait (a 503 server_busy to a small request) is held a moment
 * before it goes, its connection suspended meanwhile, so that a client that asks again as soon
 * as it is answered cannot turn fast refusals into thousands of requests a second. One thread
 * resumes the connections as they come due. Internal to common/src (http.c).
 */
struct MHD_Connection;

/* Start the thread. 0, or -1 (logged). */
int tarpit_start(void);
/* Resume every connection still held, at once, and stop the thread. */
void tarpit_stop(void);
/*
 * Suspend conn (from its access handler, with its answer ready to queue when called again) and
 * resume it delay_ms later. False, and nothing done, when the tarpit is not running: answer at
 * once.
 */
bool tarpit_hold(struct MHD_Connection *conn, long delay_ms);

#endif
