// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * `citizen-srv open311 key add NAME | key list | key revoke NAME`: the Open311 API keys. A new
 * key is shown once; only its SHA-256 is stored.
 */
#include "internal.h"

#include "common/app.h"
#include "common/db.h"
#include "common/page_util.h"
#include "db_open311.h"
#include "parse.h"
#include "reports/report.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

static int
key_add(const char *name)
{
	if (!open311_is_key_name(name)) {
		fprintf(stderr, "a key name is 1 to 64 letters, digits, '.', '_' or '-', starting "
				"with a letter or digit\n");
		return 2;
	}
	/* 256 random bits, the same shape as a tracking token; only the hash is stored */
	char key[SECRET_TOKEN_SIZE], sha[SHA256_HEX_SIZE];
	secret_token_new(key, sha);
	enum status st = db_open311_key_add(name, sha);
	int rc = 0;
	if (st == STATUS_OK) {
		fprintf(stderr, "new Open311 key \"%s\"; it is shown once, here:\n", name);
		printf("%s\n", key);
	} else if (st == STATUS_CONFLICT) {
		fprintf(stderr, "there is already a key named \"%s\"\n", name);
		rc = 3;
	} else {
		fprintf(stderr, "could not store the key: the database failed\n");
		rc = 1;
	}
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

static int
key_list(void)
{
	json_t *keys = db_open311_key_list();
	if (!keys)
		return 1;
	size_t i;
	json_t *k;
	json_array_foreach(keys, i, k)
	{
		const char *revoked = json_string_value(json_object_get(k, "revoked_at"));
		const char *used = json_string_value(json_object_get(k, "last_used_at"));
		printf("%s\tcreated %s\t%s%s\tlast used %s\n", json_str(k, "name"),
		       json_str(k, "created_at"), revoked ? "revoked " : "live",
		       revoked ? revoked : "", used ? used : "never");
	}
	json_decref(keys);
	return 0;
}

static int
key_revoke(const char *name)
{
	enum status st = db_open311_key_revoke(name);
	if (st == STATUS_OK) {
		fprintf(stderr, "key \"%s\" revoked\n", name);
		return 0;
	}
	fprintf(stderr,
		st == STATUS_NOT_FOUND ? "no live key named \"%s\"\n"
				       : "could not revoke \"%s\": the database failed\n",
		name);
	return 1;
}

int
open311_cli(struct app *app, int argc, char **argv)
{
	int rc = 2;
	bool add = argc == 3 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "add") == 0;
	bool list = argc == 2 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "list") == 0;
	bool revoke = argc == 3 && strcmp(argv[0], "key") == 0 && strcmp(argv[1], "revoke") == 0;
	if (!add && !list && !revoke) {
		fprintf(stderr, "usage: %s-srv open311 key add NAME | key list | key revoke NAME\n",
			app->side);
		return 2;
	}
	if (app_migrate(app) < 0) {
		rc = 1;
		goto out;
	}
	rc = add ? key_add(argv[2]) : list ? key_list() : key_revoke(argv[2]);
out:
	db_shutdown();
	return rc;
}
