// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_FEDERATION_H
#define PROTOCOL_FEDERATION_H

#include "common/app.h"
#include "common/hooks.h"

/*
 * Federation protocol v1 for one daemon (normative text: docs/protocol.md): its signing key,
 * emitting signed events in the writer's transaction, the verified inbox, the catch-up endpoint,
 * the published keys, one ordered sender and one catch-up puller for the paired peer, and the
 * admin status page. Storage is common/db_federation.c; applying events is common/hooks.c plus
 * the server's own hooks.
 */

/*
 * app->on_start: load the signing key from BALADIYA_DATA_DIR/signing.pem (run "keys generate"
 * first), register the emitter, publish the profile when it changed, start the threads.
 * extra_hooks: the server's own appliers (NULL-type terminated), kept for the process lifetime.
 */
int federation_start(struct app *app, const struct hook *extra_hooks);
/* app->on_cli: load the key and register the emitter without starting threads (for
 * subcommands that write, like demo load). */
int federation_open(struct app *app);
/* app->on_stop: stop the threads, free the key. */
void federation_stop(struct app *app);

/* Subcommands: keys generate|show|rotate, peer pair URL FINGERPRINT... */
extern const struct app_command federation_commands[];

void api_federation_inbox(struct request *req);
void api_federation_events(struct request *req);
void api_federation_keys(struct request *req);
void page_federation_status(struct request *req);
void page_federation_retry(struct request *req);

/* The federation rows of a server's route table. */
#define FEDERATION_INBOX_MAX (96 * 1024)
// clang-format off
#define FEDERATION_ROUTES \
	{"POST", "/federation/v1/inbox", api_federation_inbox, ROUTE_RAW_BODY | ROUTE_API, \
	 FEDERATION_INBOX_MAX, "federation_inbox"}, \
	{"GET", "/federation/v1/events", api_federation_events, ROUTE_API, 0, "federation_events"}, \
	{"GET", "/.well-known/baladiya-keys", api_federation_keys, ROUTE_API, 0, "federation_keys"}, \
	{"GET", "/staff/federation", page_federation_status, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, \
	 "federation_status"}, \
	{"POST", "/staff/federation/retry", page_federation_retry, ROUTE_STAFF, 4096, \
	 "federation_retry"}
// clang-format on

#endif
