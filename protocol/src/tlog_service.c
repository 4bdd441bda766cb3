// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The transparency log in a daemon: one thread keeps the Merkle tree of both logs a platform
 * stores (its own and its copy of the peer's) up to date with fed_events, in batches of its own
 * transactions, once a second; and it issues a signed
 * checkpoint of the own log at least every BALADIYA_TLOG_CHECKPOINT_MINUTES when the log grew.
 * "tlog checkpoint" does the same on demand. The HTTP side is page_tlog.c. With several
 * replicas, only the one holding the elected role "tlog" (common/leader.h) runs the thread's
 * work; the others ask again every second.
 *
 * Why a thread and not the emitting transaction: the tree's rows would then be one more
 * locked write in every writer's transaction and, for a backlog of peer events, several
 * round trips per event; batched, a thousand leaves cost about what one does
 * (docs/performance-tlog.md).
 */
#include "common/db.h"
#include "common/leader.h"
#include "common/log.h"
#include "common/outbox.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/db_tlog.h"
#include "protocol/tlog.h"
#include "protocol/tlog_service.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define EXTEND_PER_TRANSACTION 5000

/* Set while the daemon stops: a long catch-up (a first start on a large log) ends early. */
static atomic_bool stopping;

int
tlog_origin_line(const char *url, const char *origin, struct strbuf *out)
{
	const char *host = url, *end;

	if (strncasecmp(host, "https://", 8) == 0)
		host += 8;
	else if (strncasecmp(host, "http://", 7) == 0)
		host += 7;
	else
		return -1;
	end = host + strcspn(host, "/?#");
	if (memchr(host, '@', (size_t)(end - host)))
		host = (const char *)memchr(host, '@', (size_t)(end - host)) + 1;
	if (end == host)
		return -1;
	for (const char *p = host; p < end; p++)
		strbuf_addch(out, *p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	strbuf_addf(out, "/baladiya/%s", origin);
	return 0;
}

long long
tlog_catch_up(const char *origin)
{
	long long before = -1, size = 0, behind = db_tlog_behind(origin);

	/* nothing new (the thread asks every second): no transaction, no lock, no write */
	if (behind == 0)
		return db_tlog_size(origin);
	while (size != before && !atomic_load(&stopping)) {
		before = size;
		/* the tree is derived from fed_events: a commit lost in a crash is built again, so
		 * it need not wait for the disk (and slow the writers' commits down) */
		if (db_begin() < 0 ||
		    db_command("SET LOCAL synchronous_commit = off", 0, NULL) < 0) {
			db_rollback();
			return -1;
		}
		size = db_tlog_extend(origin, EXTEND_PER_TRANSACTION);
		if (size < 0 || db_commit() < 0) {
			db_rollback();
			return -1;
		}
	}
	return size;
}

int
tlog_issue(const char *url, const char *origin, const struct signing_key *key, long long *size_out)
{
	struct tlog_checkpoint cp = {0};
	struct strbuf name = STRBUF_INIT, body = STRBUF_INIT, note = STRBUF_INIT;
	long long last = -1;
	tlog_hash last_root;
	int rc = -1;

	if (outbox_held()) {
		/* after a restore, until the peer returned the events it holds (recovery.c): a
		 * checkpoint of the smaller log would read as a rollback to every witness */
		log_info("no checkpoint while emitting is held: %s", outbox_held());
		rc = 0;
		goto out;
	}
	if (tlog_origin_line(url, origin, &name) < 0 || name.len >= sizeof(cp.origin)) {
		log_error("no checkpoint: %s is not an http(s) URL", url);
		goto out;
	}
	if (tlog_catch_up(origin) < 0 || db_begin() < 0)
		goto out;
	/* under the tree row's lock: the size and root are the tree's at this moment */
	cp.size = db_tlog_extend(origin, 1);
	if (cp.size < 0 ||
	    tlog_tree_hash(cp.size, db_tlog_read, db_tlog_ctx(origin), cp.root) < 0 ||
	    db_tlog_checkpoint_latest(origin, false, NULL, &last, last_root) < 0)
		goto rollback;
	if (last > cp.size) {
		/* a checkpoint already made (or cosigned, and kept by the recovery) covers events
		 * this log does not hold: signing a smaller one would read as a rollback */
		log_warn("no checkpoint of %s: the log holds %lld events, less than its latest "
			 "checkpoint (%lld); a restore is not complete",
			 name.buf, cp.size, last);
		rc = -2;
		db_rollback();
		goto done;
	}
	if (last == cp.size || cp.size == 0) {
		rc = 0; /* nothing new since the last one */
		db_rollback();
		goto done;
	}
	snprintf(cp.origin, sizeof(cp.origin), "%s", name.buf);
	tlog_checkpoint_body(&cp, &body);
	if (tlog_note_sign(body.buf, body.len, name.buf, key, &note) < 0 ||
	    db_tlog_checkpoint_put(origin, cp.size, cp.root, note.buf) < 0 || db_commit() < 0)
		goto rollback;
	log_info("signed the checkpoint of %s at size %lld", name.buf, cp.size);
	rc = 1;
done:
	if (size_out)
		*size_out = cp.size;
	goto out;
rollback:
	db_rollback();
out:
	strbuf_release(&name);
	strbuf_release(&body);
	strbuf_release(&note);
	return rc;
}

/* ---- the thread ---- */

static struct {
	pthread_t thread;
	bool started;
	int wake[2];
	long interval_s;
} job = {.wake = {-1, -1}};

/* Sign a checkpoint when the own log grew and the latest is interval_s old (or none). */
static void
maybe_issue(void)
{
	long long last = 0, size = db_tlog_size(fed.self);
	tlog_hash root;
	int have = db_tlog_checkpoint_latest(fed.self, false, NULL, &last, root);
	long long age = have > 0 ? db_tlog_checkpoint_age(fed.self) : -1;

	if (size <= 0 || have < 0 || (have > 0 && (last >= size || age < job.interval_s)))
		return;
	tlog_issue(fed.public_url, fed.self, fed.key, NULL);
}

static void *
tlog_thread(void *arg)
{
	(void)arg;
	struct leader *role = leader_new(fed.app, "tlog");
	while (!atomic_load(&stopping)) {
		if (leader_hold(role)) {
			tlog_catch_up(fed.self);
			tlog_catch_up(fed.app->peer_side);
			maybe_issue();
		}
		/* once a second, not at every emitter's NOTIFY: at 100 events/s that is one tree
		 * transaction a second instead of a hundred */
		struct pollfd pfd = {.fd = job.wake[0], .events = POLLIN};
		poll(&pfd, 1, 1000);
	}
	leader_free(role);
	db_shutdown_thread();
	return NULL;
}

int
tlog_start(struct app *app)
{
	job.interval_s = app->cfg.tlog_checkpoint_min * 60;
	atomic_store(&stopping, false);
	if (pipe(job.wake) < 0)
		return -1;
	if (pthread_create(&job.thread, NULL, tlog_thread, NULL) != 0) {
		close(job.wake[0]);
		close(job.wake[1]);
		return -1;
	}
	job.started = true;
	return 0;
}

void
tlog_stop(void)
{
	if (!job.started)
		return;
	atomic_store(&stopping, true);
	if (write(job.wake[1], "x", 1) < 0)
		log_warn("could not wake the tree's thread");
	pthread_join(job.thread, NULL);
	close(job.wake[0]);
	close(job.wake[1]);
	job.started = false;
}

/* ---- "tlog checkpoint" ---- */

int
tlog_command(struct app *app, int argc, char **argv)
{
	int rc = 2;

	if (argc == 1 && strcmp(argv[0], "checkpoint") == 0) {
		char *path = fed_key_path(app);
		struct signing_key *key = signing_key_load(path);
		char *url = app->cfg.public_url
				    ? xstrdup(app->cfg.public_url)
				    : xasprintf("http://%s:%ld", app->cfg.bind, app->cfg.port);
		long long size = 0;

		free(path);
		rc = 1;
		if (!key)
			fprintf(stderr, "no signing key: run \"%s-srv keys generate\" first\n",
				app->side);
		else if (app_migrate(app) == 0) {
			long long last = 0, marker = 0;
			int pending = fed_restore_unanswered(app, &last, &marker);
			int made = pending ? -1 : tlog_issue(url, app->side, key, &size);

			if (pending > 0)
				fprintf(stderr,
					"a restore is not answered yet: the own log ends at #%lld, "
					"this "
					"platform had signed up to #%lld; no checkpoint until the "
					"peer returned those events (see /staff/federation)\n",
					last, marker);
			else if (made == -2)
				fprintf(stderr,
					"the own log holds %lld events, less than its latest "
					"checkpoint: a restore is not complete (see the alarms on "
					"/staff/federation); no checkpoint\n",
					size);
			if (made >= 0) {
				printf("%s checkpoint of %s at size %lld\n",
				       made ? "signed a" : "no new", app->side, size);
				rc = 0;
			}
		}
		signing_key_free(key);
		free(url);
	} else {
		fprintf(stderr, "usage: %s-srv tlog checkpoint\n", app->side);
	}
	db_shutdown();
	return rc;
}
