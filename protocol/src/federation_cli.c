// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Federation subcommands for operators: generate, show, rotate and revoke this platform's signing
 * keys, and pair with the peer by URL and pinned key fingerprint (checked against its published
 * keys).
 */
#include "common/db.h"
#include "common/html.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/tlog_service.h"
#include "protocol/b64.h"
#include "protocol/federation.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int
ensure_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return 0;
	fprintf(stderr, "could not create %s: %s\n", dir, strerror(errno));
	return -1;
}

static const char *
data_dir(struct app *app)
{
	return app->cfg.data_dir ? app->cfg.data_dir : ".";
}

static int
keys_generate(struct app *app)
{
	char *path = fed_key_path(app);
	struct signing_key *key = NULL;
	int rc = 1;
	if (ensure_dir(data_dir(app)) < 0)
		goto out;
	if (access(path, F_OK) == 0) {
		key = signing_key_load(path);
		if (!key)
			goto out;
		printf("%s\n", signing_key_id(key));
		rc = 0;
		goto out;
	}
	key = signing_key_generate();
	if (!key || signing_key_save(key, path) < 0)
		goto out;
	fprintf(stderr, "new signing key written to %s (mode 0600); its fingerprint follows\n",
		path);
	printf("%s\n", signing_key_id(key));
	rc = 0;
out:
	signing_key_free(key);
	free(path);
	return rc;
}

static int
keys_show(struct app *app)
{
	char *path = fed_key_path(app);
	struct signing_key *key = signing_key_load(path);
	free(path);
	if (!key)
		return 1;
	printf("%s\n", signing_key_id(key));
	signing_key_free(key);
	return 0;
}

static char *
x_of(const struct signing_key *key)
{
	unsigned char raw[ED25519_PUBLIC_KEY_LEN];
	verify_key_raw(signing_key_public(key), raw);
	struct strbuf sb = STRBUF_INIT;
	b64url_encode(&sb, raw, sizeof(raw));
	return strbuf_detach(&sb, NULL);
}

/*
 * Rotation: the new key is announced by a keys.rotated event signed with the old key (which the
 * peer already trusts), then becomes the key the daemon loads. The old key stays published.
 */
static int
keys_rotate(struct app *app)
{
	char *path = fed_key_path(app);
	char *next_path = xasprintf("%s.next", path);
	struct signing_key *old = signing_key_load(path), *key = NULL;
	char *retired = NULL, *x = NULL, *old_x = NULL;
	int rc = 1;
	if (!old)
		goto out;
	key = signing_key_generate();
	unlink(next_path);
	if (!key || signing_key_save(key, next_path) < 0)
		goto out;
	fed.self = app->side;
	if (app_migrate(app) < 0)
		goto out;
	x = x_of(key);
	old_x = x_of(old);
	if (db_fed_counter_init(app->side) < 0 || db_begin() < 0)
		goto out;
	if (db_fed_key_add(app->side, signing_key_id(old), old_x, "own") < 0 ||
	    db_fed_key_add(app->side, signing_key_id(key), x, "own") < 0 ||
	    db_fed_key_retire(signing_key_id(old)) < 0 ||
	    fed_emit_with(old, "keys.rotated", NULL,
			  json_pack("{s:s, s:s, s:s}", "kid", signing_key_id(key), "x", x,
				    "previous", signing_key_id(old)),
			  NULL, NULL) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		unlink(next_path);
		goto out;
	}
	retired = xasprintf("%s/retired-%s.pem", data_dir(app), signing_key_id(old));
	if (rename(path, retired) < 0 || rename(next_path, path) < 0) {
		fprintf(stderr, "could not move the key files: %s\n", strerror(errno));
		goto out;
	}
	fprintf(stderr, "rotated: %s -> %s; restart the daemon to sign with the new key\n",
		signing_key_id(old), signing_key_id(key));
	printf("%s\n", signing_key_id(key));
	rc = 0;
out:
	signing_key_free(old);
	signing_key_free(key);
	free(path);
	free(next_path);
	free(retired);
	free(x);
	free(old_x);
	return rc;
}

#define REVOCATION_REASON_MAX 500

/*
 * Whether kid is one of this platform's own keys (1), and *revoked whether it is revoked
 * already; 0 when it is not one, -1 on failure.
 */
static int
own_key_state(const char *side, const char *kid, bool *revoked)
{
	json_t *own = db_fed_keys(side);
	size_t i;
	json_t *k;
	int found = own ? 0 : -1;
	json_array_foreach(own, i, k)
	{
		if (strcmp(json_string_value(json_object_get(k, "kid")), kid) == 0) {
			found = 1;
			*revoked = !json_is_null(json_object_get(k, "revoked_after_seq"));
		}
	}
	json_decref(own);
	return found;
}

/*
 * Revocation (protocol.md section 12.1): a keys.revoked event, signed by the current key, says
 * that the key kid signs none of this origin's events after the last one emitted so far. The
 * counter row stays locked from reading that seq to the commit, so no event comes between. The
 * current key cannot be revoked: rotate first, restart the daemon, then revoke the old key.
 */
static int
keys_revoke(struct app *app, const char *kid, const char *reason)
{
	char *path = fed_key_path(app);
	struct signing_key *key = signing_key_load(path);
	char *retired = NULL, *revoked_path = NULL;
	bool revoked = false;
	long long last = 0;
	int rc = 1;
	if (!key)
		goto out;
	if (strlen(reason) > REVOCATION_REASON_MAX || !utf8_is_valid(reason, strlen(reason))) {
		fprintf(stderr, "the reason is public: at most %d bytes of UTF-8\n",
			REVOCATION_REASON_MAX);
		goto out;
	}
	if (strcmp(kid, signing_key_id(key)) == 0) {
		fprintf(stderr,
			"%s is the current signing key: run \"%s-srv keys rotate\", restart the "
			"daemon, then revoke it\n",
			kid, app->side);
		goto out;
	}
	fed.self = app->side;
	if (app_migrate(app) < 0 || db_fed_counter_init(app->side) < 0 || db_begin() < 0)
		goto out;
	int found = own_key_state(app->side, kid, &revoked);
	if (found <= 0 || revoked) {
		if (found == 0)
			fprintf(stderr,
				"%s is not a key of this platform (see "
				"/.well-known/baladiya-keys)\n",
				kid);
		else if (revoked)
			fprintf(stderr, "%s is already revoked\n", kid);
		db_rollback();
		goto out;
	}
	if (db_fed_counter_lock(app->side, &last) < 0 ||
	    db_fed_key_revoke(app->side, kid, last) != 1 ||
	    fed_emit_with(key, "keys.revoked", NULL,
			  json_pack("{s:s, s:I, s:s}", "kid", kid, "last_seq", (json_int_t)last,
				    "reason", reason),
			  NULL, NULL) < 0 ||
	    db_commit() < 0) {
		db_rollback();
		goto out;
	}
	/* the daemon no longer loads it to add a transport signature (a peer ignores it anyway) */
	retired = xasprintf("%s/retired-%s.pem", data_dir(app), kid);
	revoked_path = xasprintf("%s/revoked-%s.pem", data_dir(app), kid);
	if (access(retired, F_OK) == 0 && rename(retired, revoked_path) < 0)
		fprintf(stderr, "could not rename %s: %s\n", retired, strerror(errno));
	fprintf(stderr, "revoked: %s signs none of this platform's events after #%lld\n", kid,
		last);
	printf("%lld\n", last);
	rc = 0;
out:
	signing_key_free(key);
	free(path);
	free(retired);
	free(revoked_path);
	return rc;
}

static int
cmd_keys(struct app *app, int argc, char **argv)
{
	int rc = 2;
	if (argc == 1 && strcmp(argv[0], "generate") == 0)
		rc = keys_generate(app);
	else if (argc == 1 && strcmp(argv[0], "show") == 0)
		rc = keys_show(app);
	else if (argc == 1 && strcmp(argv[0], "rotate") == 0)
		rc = keys_rotate(app);
	else if ((argc == 2 || argc == 3) && strcmp(argv[0], "revoke") == 0)
		rc = keys_revoke(app, argv[1], argc == 3 ? argv[2] : "");
	else
		fprintf(stderr, "usage: %s-srv keys generate|show|rotate|revoke KID [REASON]\n",
			app->side);
	db_shutdown();
	return rc;
}

static size_t
collect(char *data, size_t size, size_t n, void *arg)
{
	struct strbuf *sb = arg;
	if (sb->len + size * n > 1024 * 1024)
		return 0;
	strbuf_add(sb, data, size * n);
	return size * n;
}

static int
peer_pair(struct app *app, const char *url, char **fingerprints, int nfp)
{
	struct strbuf body = STRBUF_INIT;
	char *keys_url = xasprintf("%s/.well-known/baladiya-keys", url);
	json_t *doc = NULL;
	int rc = 1;
	CURL *c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, keys_url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
	CURLcode cc = curl_easy_perform(c);
	curl_easy_cleanup(c);
	if (cc != CURLE_OK) {
		fprintf(stderr, "could not fetch %s: %s\n", keys_url, curl_easy_strerror(cc));
		goto out;
	}
	json_error_t err;
	doc = json_loadb(body.buf, body.len, JSON_REJECT_DUPLICATES, &err);
	const char *origin = json_string_value(json_object_get(doc, "origin"));
	json_t *keys = json_object_get(doc, "keys");
	if (!origin || !event_origin_is_valid(origin) || !json_is_array(keys)) {
		fprintf(stderr, "%s is not a Baladiya key set\n", keys_url);
		goto out;
	}
	if (strcmp(origin, app->side) == 0) {
		fprintf(stderr, "%s is this platform's own origin (%s), not a peer\n", url, origin);
		goto out;
	}
	if (db_fed_counter_init(app->side) < 0 || db_begin() < 0)
		goto out;
	for (int f = 0; f < nfp; f++) {
		bool found = false;
		size_t i;
		json_t *k;
		json_array_foreach(keys, i, k)
		{
			const char *reason = NULL;
			struct verify_key *vk = verify_key_from_jwk(k, &reason);
			if (vk && strcmp(verify_key_id(vk), fingerprints[f]) == 0) {
				found = true;
				if (db_fed_key_add(origin, fingerprints[f],
						   json_string_value(json_object_get(k, "x")),
						   "pairing") < 0) {
					verify_key_free(vk);
					db_rollback();
					goto out;
				}
			}
			verify_key_free(vk);
		}
		if (!found) {
			fprintf(stderr,
				"no key with fingerprint %s at %s: check the fingerprint with the "
				"peer's operator\n",
				fingerprints[f], keys_url);
			db_rollback();
			goto out;
		}
	}
	/* the NOTIFY wakes a running daemon's sender at once */
	if (db_fed_peer_upsert(origin, url) < 0 || db_fed_notify() < 0 || db_commit() < 0) {
		db_rollback();
		goto out;
	}
	printf("paired with \"%s\" at %s (%d key%s pinned)\n", origin, url, nfp,
	       nfp > 1 ? "s" : "");
	rc = 0;
out:
	json_decref(doc);
	strbuf_release(&body);
	free(keys_url);
	return rc;
}

static int
cmd_peer(struct app *app, int argc, char **argv)
{
	int rc = 2;
	if (argc >= 3 && strcmp(argv[0], "pair") == 0) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		if (app_migrate(app) == 0)
			rc = peer_pair(app, argv[1], argv + 2, argc - 2);
		else
			rc = 1;
		curl_global_cleanup();
	} else {
		fprintf(stderr, "usage: %s-srv peer pair URL FINGERPRINT [FINGERPRINT...]\n",
			app->side);
	}
	db_shutdown();
	return rc;
}

const struct app_command federation_commands[] = {
	{"keys", cmd_keys, "keys generate|show|rotate|revoke KID   signing keys"},
	{"peer", cmd_peer, "peer pair URL FINGERPRINT   pin the peer's key and pair with it"},
	{"tlog", tlog_command, "tlog checkpoint   sign a checkpoint of this platform's log now"},
	{"audit", audit_command,
	 "audit run [--full]   the audit of both logs now, from the last one (--full: every "
	 "event)"},
	{NULL, NULL, NULL},
};
