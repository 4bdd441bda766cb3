// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Sign-in throttling per (account, client) and per client in memory, per account in the
 * database (shared by the replicas of a daemon), all keyed so that it names no one (see
 * login_guard.h). Nothing here touches passwords.
 */
#include "login_guard.h"

#include "counters.h"
#include "db_login_guard.h"

#include "common/client.h"
#include "common/http.h"
#include "common/xalloc.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
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
	unsigned char pair[CLIENT_KEY_SIZE], client[CLIENT_KEY_SIZE];
};

static void
login_keys(struct request *req, const char *username, struct login_keys *k)
{
	client_key(req, arena_printf(req->arena, "login:%s", username), k->pair);
	client_key(req, "login", k->client);
}

/* ---- the per-account count, in the database ---- */

static pthread_mutex_t shared_salt_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char shared_salt[32];
static long shared_salt_day = -1;

/*
 * The key of username's row: HMAC-SHA256 under the day's salt that every replica reads from
 * the database (the per-client keys' salt is each process's own). false when the database
 * cannot give the salt.
 */
static bool
account_key(const char *username, unsigned char out[32])
{
	long day = (long)(time(NULL) / 86400);
	unsigned char key[32];
	pthread_mutex_lock(&shared_salt_lock);
	bool have = shared_salt_day == day;
	if (have)
		memcpy(key, shared_salt, sizeof(key));
	pthread_mutex_unlock(&shared_salt_lock);
	if (!have) {
		unsigned char fresh[32];
		if (RAND_bytes(fresh, sizeof(fresh)) != 1)
			die("could not read random bytes from OpenSSL");
		have = db_login_salt(day, fresh, key) == 0;
		OPENSSL_cleanse(fresh, sizeof(fresh));
		if (!have)
			return false;
		pthread_mutex_lock(&shared_salt_lock);
		memcpy(shared_salt, key, sizeof(key));
		shared_salt_day = day;
		pthread_mutex_unlock(&shared_salt_lock);
	}
	static const char label[] = "login-account";
	size_t ulen = strlen(username);
	unsigned char *msg = OPENSSL_malloc(sizeof(label) + ulen);
	if (!msg)
		die("out of memory");
	memcpy(msg, label, sizeof(label)); /* with its NUL, as client_hash does */
	memcpy(msg + sizeof(label), username, ulen);
	unsigned int mdlen = 32;
	if (!HMAC(EVP_sha256(), key, (int)sizeof(key), msg, sizeof(label) + ulen, out, &mdlen))
		die("could not compute an HMAC with OpenSSL");
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_clear_free(msg, sizeof(label) + ulen);
	return true;
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
	bool guarded = false;
	counters_lock();
	struct counter *pair = counter_get(k.pair);
	if (pair->count && now - pair->last_s >= PAIR_FORGET_S)
		pair->count = 0;
	struct counter *client = counter_get(k.client);
	window_roll(client, now);
	long pair_wait = pair_delay_s(pair->count) - (now - pair->last_s);
	if (pair->count >= LOGIN_FREE_FAILURES && pair_wait > 0) {
		why = LOGIN_WAIT_ACCOUNT_CLIENT;
		wait = pair_wait;
	} else if (client->count >= client_max) {
		why = LOGIN_WAIT_CLIENT;
		wait = WINDOW_S - (now - client->first_s);
	}
	guarded = pair->count > 0;
	counters_unlock();
	if (why == LOGIN_ALLOWED) {
		/*
		 * Every client together, on every replica: only a client that already failed on
		 * this account is held back past the ceiling. Without the database nothing is
		 * counted (the password cannot be checked either).
		 */
		unsigned char key[32];
		int left = 1;
		if (account_key(username, key) &&
		    db_login_account_take(key, guarded, account_max, &left) == 0) {
			why = LOGIN_WAIT_ACCOUNT;
			wait = left;
		}
	}
	if (why == LOGIN_ALLOWED) {
		counters_lock();
		pair = counter_get(k.pair);
		client = counter_get(k.client);
		window_roll(client, now);
		pair->count++;
		pair->last_s = now;
		client->count++;
		client->last_s = now;
		counters_unlock();
	}
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
	if (st == STATUS_OK)
		pair->count = 0;
	else if (pair->count > 0)
		pair->count--;
	if (client->count > 0)
		client->count--;
	counters_unlock();
	unsigned char key[32];
	if (account_key(username, key))
		db_login_account_give_back(key);
}

const char *
login_guard_account_tag(struct request *req, const char *username)
{
	/* the start of the shared key, so that every replica's lines name an account alike */
	unsigned char key[CLIENT_KEY_SIZE];
	if (!account_key(username, key))
		client_hash("login-tag", username, strlen(username), time(NULL), key);
	return arena_printf(req->arena, "%02x%02x%02x%02x", key[0], key[1], key[2], key[3]);
}
