// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_TLOG_SERVICE_H
#define PROTOCOL_TLOG_SERVICE_H

#include "common/app.h"
#include "common/http.h"
#include "common/strbuf.h"

struct signing_key;

/*
 * The transparency log in a daemon (tlog_service.c, page_tlog.c): the thread that keeps both
 * trees up to date and signs the own checkpoints, the "tlog" subcommand, the HTTP endpoints.
 */

/* The origin line (the checkpoint's first line and its key name) of origin served at url:
 * "<authority of url, lowercased>/baladiya/<origin>". 0, or -1 when url is not http(s). */
int tlog_origin_line(const char *url, const char *origin, struct strbuf *out);
/* Extend origin's tree to all its stored events, a transaction a batch: the size, or -1. */
long long tlog_catch_up(const char *origin);
/* Catch up and sign a checkpoint of origin's tree with key, stored in tlog_checkpoints: 1 made,
 * 0 when the latest already has that size (or the log is empty, or emitting is held), -2 when
 * the tree is smaller than the latest checkpoint (a restore not complete: never signs a
 * smaller one), -1. *size gets the size. */
int tlog_issue(const char *url, const char *origin, const struct signing_key *key, long long *size);

/* The thread: started by federation_start, stopped by federation_stop. */
int tlog_start(struct app *app);
void tlog_stop(void);
/* "<side>-srv tlog checkpoint". */
int tlog_command(struct app *app, int argc, char **argv);

void api_tlog_checkpoint(struct request *req);
void api_tlog_inclusion(struct request *req);
void api_tlog_consistency(struct request *req);
void api_tlog_tile(struct request *req);

// clang-format off
#define TLOG_ROUTES \
	{"GET", "/federation/v1/checkpoint", api_tlog_checkpoint, ROUTE_API, 0, "tlog_checkpoint"}, \
	{"GET", "/federation/v1/proof/inclusion", api_tlog_inclusion, ROUTE_API, 0, \
	 "tlog_inclusion"}, \
	{"GET", "/federation/v1/proof/consistency", api_tlog_consistency, ROUTE_API, 0, \
	 "tlog_consistency"}, \
	{"GET", "/federation/v1/tile/{origin}/*", api_tlog_tile, ROUTE_API, 0, "tlog_tile"}
// clang-format on

#endif
