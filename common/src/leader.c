// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Elected roles (common/leader.h): one replica at a time plays each, by holding a session-level
 * PostgreSQL advisory lock on a connection of the role's own. Losing the connection loses the
 * role; the others ask again every second. Feature-agnostic: the roles are named by their users.
 */
#include "common/leader.h"

#include "common/app.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "db_leader.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct leader {
	char *role;
	char *app_name; /* application_name of its connection, for pg_stat_activity */
	const char *instance;
	int64_t key;
	PGconn *conn;
	bool held;
	bool unreachable;        /* the last connection attempt failed (logged once) */
	struct timespec checked; /* monotonic time of the last question to the database */
};

static pthread_once_t instance_once = PTHREAD_ONCE_INIT;
static char instance_name[256];
static const struct app *instance_app;

static void
instance_init(void)
{
	const char *set = instance_app->cfg.instance;
	if (set && *set) {
		snprintf(instance_name, sizeof(instance_name), "%s", set);
		return;
	}
	char host[200] = "localhost";
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	snprintf(instance_name, sizeof(instance_name), "%s:%ld", host, instance_app->cfg.port);
}

const char *
leader_instance(const struct app *app)
{
	instance_app = app;
	pthread_once(&instance_once, instance_init);
	return instance_name;
}

int64_t
leader_key(const char *role)
{
	uint64_t h = 14695981039346656037ULL;
	for (const char *p = "baladiya-leader/"; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (const char *p = role; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	/* the same bits as a signed bigint, without an implementation-defined conversion */
	return h <= INT64_MAX ? (int64_t)h : -(int64_t)(UINT64_MAX - h) - 1;
}

struct leader *
leader_new(const struct app *app, const char *role)
{
	struct leader *l = xcalloc(1, sizeof(*l));
	l->role = xstrdup(role);
	l->instance = leader_instance(app);
	/* application_name holds at most 63 bytes */
	l->app_name = xasprintf("baladiya %.40s", role);
	l->key = leader_key(role);
	return l;
}

static long
ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000L + (now.tv_nsec - t->tv_nsec) / 1000000L;
}

static void
drop_connection(struct leader *l)
{
	if (l->conn)
		PQfinish(l->conn);
	l->conn = NULL;
}

/* A replica without the role: try to take it (connecting first when needed). */
static void
try_take(struct leader *l)
{
	if (!l->conn || PQstatus(l->conn) != CONNECTION_OK) {
		drop_connection(l);
		l->conn = db_leader_connect(l->app_name, l->unreachable);
		l->unreachable = !l->conn;
		if (!l->conn)
			return;
	}
	int got = db_leader_try(l->conn, l->key);
	if (got < 0) {
		drop_connection(l);
		return;
	}
	if (got == 0)
		return;
	l->held = true;
	/* shown on the staff federation page: who holds it, since when */
	db_leader_note(l->conn, l->role, l->key, l->instance);
	log_info("this replica (%s) now holds the role %s", l->instance, l->role);
}

bool
leader_hold(struct leader *l)
{
	if (l->checked.tv_sec && ms_since(&l->checked) < LEADER_RETRY_MS)
		return l->held;
	if (l->held) {
		char err[256];
		if (db_leader_ping(l->conn, err) < 0) {
			/* the session (and its lock) is gone, or about to be: stop acting now */
			log_warn("this replica (%s) lost the role %s: %s", l->instance, l->role,
				 err);
			l->held = false;
			drop_connection(l);
		}
	} else {
		try_take(l);
	}
	clock_gettime(CLOCK_MONOTONIC, &l->checked);
	return l->held;
}

bool
leader_is_held(const struct leader *l)
{
	return l->held;
}

void
leader_free(struct leader *l)
{
	if (!l)
		return;
	if (l->held)
		log_info("this replica (%s) gives up the role %s", l->instance, l->role);
	drop_connection(l); /* the session ends: its advisory lock is released */
	free(l->role);
	free(l->app_name);
	free(l);
}

json_t *
leader_roles(void)
{
	return db_leader_roles();
}
