// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Anti-abuse limits: the settings' per-name lists, the bounded in-memory table of per-client
 * counters (keyed by client.c's keyed ids, so it holds no address), the per-client limits of
 * the residents' actions, and the set-up of every limit when the daemon starts serving.
 */
#include "common/limits.h"

#include "counters.h"
#include "login_guard.h"

#include "common/app.h"
#include "common/client.h"
#include "common/log.h"
#include "common/module.h"
#include "common/outbox.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* ---- lists ---- */

struct limit_entry {
	char *name;
	long value;
};

struct limit_list {
	struct limit_entry *entries;
	size_t n;
};

static bool
is_limit_name(const char *s, size_t len)
{
	if (len == 1 && s[0] == '*')
		return true;
	if (len >= 2 && s[len - 2] == '.' && s[len - 1] == '*')
		len -= 2; /* a prefix */
	if (len == 0 || len > 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '.' ||
		      s[i] == '_' || s[i] == '-'))
			return false;
	return true;
}

static void
limit_list_add(struct limit_list *l, const char *name, size_t len, long value)
{
	l->entries = xrealloc(l->entries, (l->n + 1) * sizeof(*l->entries));
	l->entries[l->n].name = xstrndup(name, len);
	l->entries[l->n].value = value;
	l->n++;
}

struct limit_list *
limit_list_parse(const char *setting, const char *spec, long max, struct strbuf *err)
{
	struct limit_list *l = xcalloc(1, sizeof(*l));
	int nerr = 0;
	for (const char *p = spec ? spec : ""; *p;) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		size_t nlen = eq ? (size_t)(eq - p) : len;
		while (nlen && p[nlen - 1] == ' ')
			nlen--;
		const char *name = p;
		while (nlen && *name == ' ') {
			name++;
			nlen--;
		}
		char num[24] = "";
		size_t vlen = eq ? len - (size_t)(eq - p) - 1 : 0;
		if (eq && vlen < sizeof(num))
			memcpy(num, eq + 1, vlen);
		char *end;
		long v = strtol(num, &end, 10);
		while (*end == ' ')
			end++;
		if (len == 0 || strspn(p, " ") >= len) {
			/* an empty item: "a=1,,b=2" or a trailing comma */
		} else if (!eq || !is_limit_name(name, nlen) || !*num || *end || v < 1 || v > max) {
			strbuf_addf(err, "%s: \"%.*s\" is not NAME=N (N 1..%ld)\n", setting,
				    (int)len, p, max);
			nerr++;
		} else {
			limit_list_add(l, name, nlen, v);
		}
		p += len + (p[len] == ',');
	}
	if (nerr) {
		limit_list_free(l);
		return NULL;
	}
	return l;
}

void
limit_list_free(struct limit_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->entries[i].name);
	free(l->entries);
	free(l);
}

long
limit_list_get(const struct limit_list *l, const char *name)
{
	if (!l)
		return 0;
	long star = 0, prefix = 0;
	size_t best = 0;
	for (size_t i = 0; i < l->n; i++) {
		const char *e = l->entries[i].name;
		size_t n = strlen(e);
		if (strcmp(e, name) == 0)
			return l->entries[i].value;
		if (strcmp(e, "*") == 0)
			star = l->entries[i].value;
		else if (n >= 2 && strcmp(e + n - 2, ".*") == 0 && strncmp(e, name, n - 1) == 0 &&
			 n > best) {
			best = n;
			prefix = l->entries[i].value;
		}
	}
	return best ? prefix : star;
}

/* ---- the table of counters ---- */

#define COUNTER_SLOTS 16384
#define COUNTER_PROBES 8
#define COUNTER_KEY_BYTES 16

struct counter_slot {
	unsigned char key[COUNTER_KEY_BYTES]; /* the start of a keyed hash */
	time_t used_s;                        /* 0: free */
	struct counter c;
};

static struct counter_slot counter_slots[COUNTER_SLOTS];
static pthread_mutex_t counters_mutex = PTHREAD_MUTEX_INITIALIZER;

time_t
counters_now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1;
}

void
counters_lock(void)
{
	pthread_mutex_lock(&counters_mutex);
}

void
counters_unlock(void)
{
	pthread_mutex_unlock(&counters_mutex);
}

struct counter *
counter_get(const unsigned char *key)
{
	size_t h = (size_t)key[0] << 16 | (size_t)key[1] << 8 | key[2];
	struct counter_slot *slot = NULL, *oldest = NULL;
	for (size_t i = 0; i < COUNTER_PROBES && !slot; i++) {
		struct counter_slot *s = &counter_slots[(h + i) % COUNTER_SLOTS];
		if (s->used_s && memcmp(s->key, key, COUNTER_KEY_BYTES) == 0)
			slot = s;
		else if (!oldest || s->used_s < oldest->used_s)
			oldest = s;
	}
	if (!slot) {
		slot = oldest;
		memcpy(slot->key, key, COUNTER_KEY_BYTES);
		memset(&slot->c, 0, sizeof(slot->c));
	}
	slot->used_s = counters_now_s();
	return &slot->c;
}

/* ---- per-client limits ---- */

static struct limit_list *rate_overrides;

long
rate_limit_for(const char *scope, long default_per_minute)
{
	long v = limit_list_get(rate_overrides, scope);
	return v ? v : default_per_minute;
}

bool
rate_allow(const unsigned char key[32], long max, long window_s, int *retry_after_s)
{
	time_t now = counters_now_s();
	counters_lock();
	struct counter *c = counter_get(key);
	if (!c->first_s || now - c->first_s >= window_s) {
		c->first_s = now;
		c->count = 0;
	}
	bool ok = c->count < max;
	if (ok) {
		c->count++;
		c->last_s = now;
	} else if (retry_after_s) {
		*retry_after_s = (int)(window_s - (now - c->first_s));
	}
	counters_unlock();
	return ok;
}

/* ---- ceilings on signed events ---- */

/* The ceiling of a type that neither the settings nor its module name, per minute. */
#define EVENT_CEILING_DEFAULT 600

static struct limit_list *ceiling_overrides, *ceiling_defaults;

static long
event_ceiling(const char *type)
{
	long v = limit_list_get(ceiling_overrides, type);
	if (!v)
		v = limit_list_get(ceiling_defaults, type);
	return v ? v : EVENT_CEILING_DEFAULT;
}

static void
add_module_ceilings(const void *impl, void *ctx)
{
	for (const struct outbox_ceiling *c = impl; c->type; c++)
		limit_list_add(ctx, c->type, strlen(c->type), c->per_minute);
}

/* ---- the daemon's set-up ---- */

#define LIMIT_MAX 1000000

int
limits_start(struct app *app)
{
	const struct app_config *cfg = &app->cfg;
	struct strbuf err = STRBUF_INIT;
	limits_stop();
	client_set_trusted_proxies(cfg->trusted_proxies, &err);
	rate_overrides =
		limit_list_parse("BALADIYA_RATE_LIMITS", cfg->rate_limits, LIMIT_MAX, &err);
	ceiling_overrides =
		limit_list_parse("BALADIYA_EVENT_CEILINGS", cfg->event_ceilings, LIMIT_MAX, &err);
	ceiling_defaults = xcalloc(1, sizeof(*ceiling_defaults));
	module_each_ext(app, OUTBOX_CEILINGS_EXT, add_module_ceilings, ceiling_defaults);
	login_guard_configure(cfg->login_client_failures, cfg->login_account_failures);
	int rc = 0;
	if (err.len) {
		err.buf[err.len - 1] = '\0'; /* one log line per mistake, without the last LF */
		log_error("invalid limits: %s", err.buf);
		limits_stop();
		rc = -1;
	} else {
		outbox_set_ceilings(event_ceiling);
	}
	strbuf_release(&err);
	return rc;
}

void
limits_stop(void)
{
	outbox_set_ceilings(NULL);
	limit_list_free(rate_overrides);
	limit_list_free(ceiling_overrides);
	limit_list_free(ceiling_defaults);
	rate_overrides = ceiling_overrides = ceiling_defaults = NULL;
	client_reset();
}
