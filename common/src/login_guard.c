// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Sign-in throttling per (account, client), per client and per account, in memory and keyed
 * so that it names no one (see login_guard.h). Nothing here touches passwords.
 */
#include "login_guard.h"

#include "counters.h"

#include "common/client.h"
#include "common/http.h"

#include <string.h>
#include <time.h>

#define WINDOW_S (15 * 60)        /* the per-client and per-account counts */
#define PAIR_FORGET_S (24 * 3600) /* an (account, client) count after its last failure */
#define PAIR_DELAY_FIRST_S 60
#define PAIR_DELAY_MAX_S (15 * 60)

static long client_max = 30, account_max = 100;

void
login_guard_configure(long client_failures, long account_failures)
{
	client_max = client_failures;
	account_max = account_failures;
}

struct login_keys {
	unsigned char pair[CLIENT_KEY_SIZE], client[CLIENT_KEY_SIZE], account[CLIENT_KEY_SIZE];
};

static void
login_keys(struct request *req, const char *username, struct login_keys *k)
{
	client_key(req, arena_printf(req->arena, "login:%s", username), k->pair);
	client_key(req, "login", k->client);
	client_hash("login-account", username, strlen(username), time(NULL), k->account);
}

/* The wait after n failures of one client on one account: none for the first free ones. */
static long
pair_delay_s(long n)
{
	if (n < LOGIN_FREE_FAILURES)
		return 0;
	long d = PAIR_DELAY_FIRST_S;
	for (long i = LOGIN_FREE_FAILURES; i < n && d < PAIR_DELAY_MAX_S; i++)
		d *= 2;
	return d < PAIR_DELAY_MAX_S ? d : PAIR_DELAY_MAX_S;
}

/* Start a new window when the current one is over. */
static void
window_roll(struct counter *c, time_t now)
{
	if (!c->first_s || now - c->first_s >= WINDOW_S) {
		c->first_s = now;
		c->count = 0;
	}
}

enum login_refusal
login_guard_begin(struct request *req, const char *username, int *retry_after_s)
{
	struct login_keys k;
	login_keys(req, username, &k);
	time_t now = counters_now_s();
	enum login_refusal why = LOGIN_ALLOWED;
	long wait = 0;
	counters_lock();
	struct counter *pair = counter_get(k.pair);
	if (pair->count && now - pair->last_s >= PAIR_FORGET_S)
		pair->count = 0;
	struct counter *client = counter_get(k.client);
	window_roll(client, now);
	struct counter *account = counter_get(k.account);
	window_roll(account, now);
	long pair_wait = pair_delay_s(pair->count) - (now - pair->last_s);
	if (pair->count >= LOGIN_FREE_FAILURES && pair_wait > 0) {
		why = LOGIN_WAIT_ACCOUNT_CLIENT;
		wait = pair_wait;
	} else if (client->count >= client_max) {
		why = LOGIN_WAIT_CLIENT;
		wait = WINDOW_S - (now - client->first_s);
	} else if (account->count >= account_max && pair->count > 0) {
		why = LOGIN_WAIT_ACCOUNT;
		wait = WINDOW_S - (now - account->first_s);
	} else {
		pair->count++;
		pair->last_s = now;
		client->count++;
		client->last_s = now;
		account->count++;
		account->last_s = now;
	}
	counters_unlock();
	*retry_after_s = wait > 0 ? (int)wait : 1;
	return why;
}

void
login_guard_end(struct request *req, const char *username, enum status st)
{
	if (st == STATUS_UNAUTHORIZED)
		return; /* the failure counted in login_guard_begin stands */
	struct login_keys k;
	login_keys(req, username, &k);
	counters_lock();
	struct counter *pair = counter_get(k.pair);
	struct counter *client = counter_get(k.client);
	struct counter *account = counter_get(k.account);
	if (st == STATUS_OK)
		pair->count = 0;
	else if (pair->count > 0)
		pair->count--;
	if (client->count > 0)
		client->count--;
	if (account->count > 0)
		account->count--;
	counters_unlock();
}

const char *
login_guard_account_tag(struct request *req, const char *username)
{
	unsigned char key[CLIENT_KEY_SIZE];
	client_hash("login-tag", username, strlen(username), time(NULL), key);
	return arena_printf(req->arena, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
}
