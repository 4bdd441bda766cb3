// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_FEDERATION_H
#define PROTOCOL_FEDERATION_H

#include "common/app.h"
#include "common/http.h"
#include "common/module.h"

/*
 * Federation protocol v1 for one daemon (normative text: docs/protocol.md): its signing key,
 * emitting signed events in the writer's transaction, the verified inbox, the catch-up endpoint,
 * the published keys, one ordered sender and one catch-up puller for the paired peer, and the
 * admin status page. Storage is db_federation.c; applying the peer's events is hook_apply()
 * over the appliers the served modules register (common/module.h).
 *
 * Every server serves federation_module (federation_module.c): its routes, subcommands,
 * the profile applier, and a life in the daemon's steps (module.h).
 */
extern const struct module federation_module;

/* open: load the signing key from BALADIYA_DATA_DIR/signing.pem (run "keys generate" first, or
 * serve --generate-key) and register the emitter, for serving and for subcommands that write
 * (demo load). */
int federation_open(struct app *app);
/* start (serving): publish the profile when it changed, start the sender and puller. */
int federation_start(struct app *app);
/* stop: stop the threads. */
void federation_stop(struct app *app);
/* close: unregister the emitter, free the key. */
void federation_close(struct app *app);

/* Subcommands: keys generate|show|rotate, peer pair URL FINGERPRINT... */
extern const struct app_command federation_commands[];

void api_federation_inbox(struct request *req);
void api_federation_events(struct request *req);
void api_federation_keys(struct request *req);
void page_federation_status(struct request *req);
void page_federation_retry(struct request *req);
/* The public audit page (page_audit.c) and the hourly job that audits both logs for it. */
void page_audit(struct request *req);
int federation_audit_run(struct app *app);
/* "<side>-srv audit run [--full]": the same audit now, from what the last one verified (--full:
 * every event again); exit status 0 no problem, 1 problems found, 2 could not run. */
int audit_command(struct app *app, int argc, char **argv);
void api_federation_cosignature(struct request *req);

/* A cosignature's body: {"origin", "size", "cosignature"} (docs/protocol.md, "Cosigning"). */
#define COSIGNATURE_BODY_MAX 4096

/* A catch-up answer's byte cap: lines after the first stop before passing it. */
#define FEDERATION_EVENTS_MAX_BYTES (2 * 1024 * 1024)

/* The federation's route rows. */
/* A delivery's body: a record (an envelope of at most 96 KiB with its content), RECORD_MAX. */
#define FEDERATION_INBOX_MAX (384 * 1024)
// clang-format off
#define FEDERATION_ROUTES \
	{"POST", "/federation/v1/inbox", api_federation_inbox, ROUTE_RAW_BODY | ROUTE_API, \
	 FEDERATION_INBOX_MAX, "federation_inbox"}, \
	{"GET", "/federation/v1/events", api_federation_events, ROUTE_API, 0, "federation_events"}, \
	{"GET", "/.well-known/baladiya-keys", api_federation_keys, ROUTE_API, 0, "federation_keys"}, \
	{"POST", "/federation/v1/cosignature", api_federation_cosignature, \
	 ROUTE_RAW_BODY | ROUTE_API, COSIGNATURE_BODY_MAX, "federation_cosignature"}, \
	{"GET", "/staff/federation", page_federation_status, ROUTE_STAFF | ROUTE_JSON_TWIN, 0, \
	 "federation_status"}, \
	{"POST", "/staff/federation/retry", page_federation_retry, ROUTE_STAFF, 4096, \
	 "federation_retry"}, \
	{"GET", "/audit", page_audit, ROUTE_JSON_TWIN, 0, "federation_audit"}
// clang-format on

#endif
