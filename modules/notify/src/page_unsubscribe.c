// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * /unsubscribe/{token}: the link in every follow message, without signing in. GET only shows a
 * one-button confirmation (mail scanners fetch links: a GET changes nothing); POST stops the
 * follow, from that form or from a mail client's RFC 8058 one-click POST, which carries no
 * cookie, hence no CSRF check (ROUTE_RAW_BODY): the token itself is the credential.
 */
#include "db_notify.h"
#include "internal.h"

#include "common/arena.h"
#include "common/log.h"
#include "common/page_util.h"

static void
unknown(struct request *req, enum status st)
{
	page_read_failed(req, st, "unsubscribe_unknown",
			 "this unsubscribe link is not valid or was already used");
}

void
page_unsubscribe(struct request *req)
{
	char sha[SHA256_HEX_SIZE];
	json_t *follow = NULL;
	enum status st = STATUS_NOT_FOUND;
	secret_private_headers(req);
	if (secret_token_hash(http_param(req, "token"), sha))
		st = db_notify_follow_by_token(sha, &follow);
	if (st != STATUS_OK) {
		unknown(req, st);
		return;
	}
	json_t *v =
		json_pack("{s:s}", "action",
			  arena_printf(req->arena, "/unsubscribe/%s", http_param(req, "token")));
	json_decref(follow);
	http_render(req, 200, "notify_unsubscribe", v);
}

void
page_unsubscribe_post(struct request *req)
{
	char sha[SHA256_HEX_SIZE];
	enum status st = STATUS_NOT_FOUND;
	secret_private_headers(req);
	if (secret_token_hash(http_param(req, "token"), sha))
		st = db_notify_unfollow(sha);
	if (st != STATUS_OK) {
		unknown(req, st);
		return;
	}
	log_info("notify: a follow was stopped by its unsubscribe link");
	http_render(req, 200, "notify_unsubscribed", json_pack("{s:b}", "done", 1));
}
