// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The public audit page (/audit, /audit.json) and the periodic audit behind it: every day (the
 * first a day after start; "<side>-srv jobs run" runs it at once) the server runs the auditor's
 * own code (audit.h) against both platforms' public URLs — its own and its peer's — exactly as an
 * outside auditor's baladiya-audit verify-online would, keeping the downloaded logs and the
 * checkpoints seen in <data dir>/audit/ and a summary of the result in the database
 * (fed_audit_summary, so every replica shows it; <data dir>/audit/last.json before), which the
 * page shows beside the heads of both logs held here and the command line to check it all
 * for oneself.
 */
#include "protocol/federation.h"

#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/xalloc.h"
#include "federation_internal.h"
#include "protocol/audit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Problems kept in the summary (the full report is the command's). */
#define AUDIT_SUMMARY_PROBLEMS 20

static char *
audit_dir_path(struct app *app)
{
	return xasprintf("%s/audit", app->cfg.data_dir ? app->cfg.data_dir : ".");
}

/* What the page shows of a report: no evidence (the lines and notes are the command's). */
static json_t *
audit_summary(json_t *report)
{
	json_t *problems = json_array(), *origins = json_array();
	size_t i, j;
	json_t *p, *o, *c;
	json_array_foreach(json_object_get(report, "problems"), i, p)
	{
		if (i >= AUDIT_SUMMARY_PROBLEMS)
			break;
		json_t *q = json_deep_copy(p);
		json_object_del(q, "evidence");
		json_array_append_new(problems, q);
	}
	json_array_foreach(json_object_get(report, "origins"), i, o)
	{
		json_t *copies = json_array();
		json_array_foreach(json_object_get(o, "copies"), j, c)
		{
			json_array_append_new(copies,
					      json_pack("{s:O, s:O, s:O, s:O, s:O*}", "holder",
							json_object_get(c, "holder"), "events",
							json_object_get(c, "events"), "last_seq",
							json_object_get(c, "last_seq"), "last_hash",
							json_object_get(c, "last_hash"), "lag",
							json_object_get(c, "lag")));
		}
		json_array_append_new(origins,
				      json_pack("{s:O, s:O, s:o}", "origin",
						json_object_get(o, "origin"), "agree",
						json_object_get(o, "agree"), "copies", copies));
	}
	return json_pack("{s:O, s:I, s:o, s:o, s:O}", "ok", json_object_get(report, "ok"),
			 "problem_count",
			 (json_int_t)json_array_size(json_object_get(report, "problems")),
			 "problems", problems, "origins", origins, "checkpoints",
			 json_object_get(report, "checkpoints"));
}

/* In the database, so that every replica's page shows it, whichever ran the job. */
static int
write_summary(json_t *summary)
{
	int rc = db_fed_audit_summary_put(summary);
	if (rc < 0)
		log_error("could not store the audit's summary");
	return rc;
}

/* The last summary: the database's, else the file of a version that wrote one (NULL: none). */
static int
read_summary(struct app *app, json_t **out)
{
	if (db_fed_audit_summary_get(out) < 0)
		return -1;
	if (!*out) {
		char *dir = audit_dir_path(app);
		char *path = xasprintf("%s/last.json", dir);
		*out = json_load_file(path, 0, NULL);
		free(path);
		free(dir);
	}
	return 0;
}

/* Forget what was verified of each origin (a full run that found a problem), or keep where
 * this run got to (a run that found none). */
static void
keep_verified(const struct audit *a, json_t *report, bool ok)
{
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(report, "origins"), i, o)
	{
		const char *origin = json_string_value(json_object_get(o, "origin"));
		json_t *st = ok ? audit_base(a, origin) : NULL;
		if (origin && db_fed_audit_verified_put(origin, st) < 0)
			log_error("could not keep what the audit verified of %s's log", origin);
		json_decref(st);
	}
}

/* Start a's origins after what was verified before (kept: {origin: state}): 0, or -1 when a
 * state does not fit (then the run is a full one). */
static int
set_bases(struct audit *a, json_t *kept)
{
	const char *origin, *reason = NULL;
	json_t *st;
	json_object_foreach(kept, origin, st)
	{
		if (audit_set_base(a, origin, st, &reason) < 0) {
			log_warn("the audit's state of %s's log is not usable (%s)", origin,
				 reason);
			return -1;
		}
	}
	return 0;
}

/*
 * The audit of both logs, fetched into dir from own_url and peer_url: from what was verified
 * before (fed_audit_verified) unless full, or when nothing was, or when that state does not
 * match what the platforms serve now (then in full). The report (a new reference), or NULL with
 * a sentence in err; *ran_full says which it was.
 */
static json_t *
audit_both(const char *own_url, const char *peer_url, const char *dir, bool full, bool *ran_full,
	   struct strbuf *err)
{
	json_t *kept = NULL, *report = NULL;
	if (!full && db_fed_audit_verified_get(&kept) < 0) {
		strbuf_addstr(err, "the database failed");
		return NULL;
	}
	full = full || json_object_size(kept) == 0;
	for (;;) {
		int f = audit_fetch_after(own_url, peer_url, dir, full ? NULL : kept, err);
		if (f == 1) {
			log_warn("the audit runs in full: %s", err->buf);
			strbuf_reset(err);
			full = true;
			continue;
		}
		if (f < 0)
			break;
		struct audit *a = audit_new();
		const char *reason = NULL;
		bool again = false;
		if (audit_load_dir(a, dir, NULL, 0, err) < 0)
			goto next;
		if (!full && set_bases(a, kept) < 0) {
			again = true;
			goto next;
		}
		report = audit_run(a, &reason);
		if (!report) {
			strbuf_addf(err, "cannot read a log in %s: %s", dir, reason);
		} else if (!full && audit_base_mismatch(a)) {
			log_warn("the audit runs in full: a checkpoint below what was verified "
				 "before, at a size it did not verify");
			json_decref(report);
			report = NULL;
			again = true;
		} else if (audit_save_state(a, dir, err) < 0) {
			json_decref(report);
			report = NULL;
		} else if (full || json_is_true(json_object_get(report, "ok"))) {
			/* a run that found a problem moves nothing: the next one sees it again */
			keep_verified(a, report, json_is_true(json_object_get(report, "ok")));
		}
	next:
		audit_free(a);
		if (!again)
			break;
		full = true;
	}
	*ran_full = full;
	json_decref(kept);
	return report;
}

/* One run: the summary stored for the page (a new reference in *out when out is not NULL).
 * 0 every check passed, 1 problems found, 2 the audit could not run, -1 the database failed. */
static int
audit_daily(struct app *app, const char *own_url, bool full, json_t **out)
{
	struct fed_peer peer;
	int have = db_fed_peer_get(&peer, false);
	if (have <= 0 || !own_url)
		return have < 0 ? -1 : 2; /* nothing to audit yet */
	char *dir = audit_dir_path(app);
	struct strbuf err = STRBUF_INIT;
	json_t *report = NULL, *summary;
	char at[EVENT_TIME_SIZE];
	struct timespec now, done;
	bool ran_full = full;
	clock_gettime(CLOCK_REALTIME, &now);
	event_format_time(at, &now);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		strbuf_addf(&err, "cannot create %s: %s", dir, strerror(errno));
	else
		report = audit_both(own_url, peer.url, dir, full, &ran_full, &err);
	int rc = 2;
	if (report) {
		summary = audit_summary(report);
		rc = json_is_true(json_object_get(report, "ok")) ? 0 : 1;
		if (rc == 0)
			log_info("audit of both logs (%s): no problem found",
				 ran_full ? "every event" : "the events since the last audit");
		else
			log_error("ALARM: the audit of both logs found %zu problem(s); run "
				  "baladiya-audit verify %s for the evidence",
				  json_array_size(json_object_get(report, "problems")), dir);
	} else {
		summary = json_pack("{s:b, s:s}", "ok", false, "error", err.buf);
		log_warn("audit of both logs could not run: %s", err.buf);
	}
	clock_gettime(CLOCK_REALTIME, &done);
	json_object_set_new(summary, "at", json_string(at));
	json_object_set_new(summary, "full", json_boolean(ran_full));
	json_object_set_new(summary, "duration_ms",
			    json_integer((json_int_t)((done.tv_sec - now.tv_sec) * 1000 +
						      (done.tv_nsec - now.tv_nsec) / 1000000)));
	if (write_summary(summary) < 0)
		rc = -1;
	if (out)
		*out = summary;
	else
		json_decref(summary);
	json_decref(report);
	strbuf_release(&err);
	free(dir);
	return rc;
}

/* Serving, the jobs thread calls every job at start, before the HTTP server listens: the first
 * audit waits for the next day (jobs run, a command, runs it at once). Jobs thread only. An audit
 * that could not run (a platform unreachable) is recorded as such, shown on the page and logged,
 * not a failed job: the job itself did what it could. */
static bool skipped_start;

int
federation_audit_run(struct app *app)
{
	if (fed.threads_started && !skipped_start) {
		skipped_start = true;
		return 0;
	}
	return audit_daily(app, fed.public_url, false, NULL) < 0 ? -1 : 0;
}

int
audit_command(struct app *app, int argc, char **argv)
{
	bool full = argc == 2 && strcmp(argv[1], "--full") == 0;
	if (argc < 1 || argc > 2 || strcmp(argv[0], "run") != 0 || (argc == 2 && !full)) {
		fprintf(stderr, "usage: %s-srv audit run [--full]\n", app->side);
		return 2;
	}
	char *url = app->cfg.public_url ? xstrdup(app->cfg.public_url)
					: xasprintf("http://%s:%ld", app->cfg.bind, app->cfg.port);
	json_t *summary = NULL;
	int rc = app_migrate(app) < 0 ? -1 : audit_daily(app, url, full, &summary);
	if (summary) {
		printf("audit of both logs (%s) in %lld ms: %s\n",
		       json_is_true(json_object_get(summary, "full")) ? "full"
								      : "since the last one",
		       (long long)json_integer_value(json_object_get(summary, "duration_ms")),
		       rc == 0   ? "no problem found"
		       : rc == 1 ? "problems found (see /audit)"
				 : json_string_value(json_object_get(summary, "error")));
	} else if (rc == 2) {
		fprintf(stderr, "nothing to audit: no peer paired\n");
	}
	json_decref(summary);
	free(url);
	db_shutdown();
	return rc < 0 ? 2 : rc;
}

void
page_audit(struct request *req)
{
	long long seq = 0;
	char hash[EVENT_HASH_HEX_LEN + 1] = EVENT_GENESIS_PREV;
	struct fed_peer peer;
	int head = db_fed_counter_head(fed.self, &seq, hash);
	int have = head < 0 ? -1 : db_fed_peer_get(&peer, false);
	if (head < 0 || have < 0) {
		page_db_unavailable(req);
		return;
	}
	json_t *view = json_pack("{s:s, s:I, s:s}", "origin", fed.self, "own_last_seq",
				 (json_int_t)seq, "own_last_hash", hash);
	const char *own_url = fed.public_url ? fed.public_url : "<url>";
	if (have) {
		json_object_set_new(view, "peer",
				    json_pack("{s:s, s:s, s:I, s:s, s:I, s:I}", "name", peer.name,
					      "url", peer.url, "applied_seq",
					      (json_int_t)peer.applied_seq, "applied_hash",
					      peer.applied_hash, "acked_seq",
					      (json_int_t)peer.acked_seq, "lag",
					      (json_int_t)(seq - peer.acked_seq)));
	} else {
		json_object_set_new(view, "peer", json_null());
	}
	json_object_set_new(view, "command",
			    json_sprintf("baladiya-audit verify-online %s %s audit/", own_url,
					 have ? peer.url : "<url>"));
	/* a fork or a rollback this platform's witness saw: both signed notes, for anyone to check
	 */
	json_t *alarms = db_fed_checkpoint_alarms();
	if (!alarms) {
		json_decref(view);
		page_db_unavailable(req);
		return;
	}
	json_object_set_new(view, "has_checkpoint_alarms", json_boolean(json_array_size(alarms)));
	json_object_set_new(view, "checkpoint_alarms", alarms);
	json_t *last = NULL;
	if (read_summary(req->app, &last) < 0) {
		json_decref(view);
		page_db_unavailable(req);
		return;
	}
	if (json_is_object(last)) {
		json_object_set_new(
			last, "has_problems",
			json_boolean(json_array_size(json_object_get(last, "problems"))));
		json_object_set_new(
			last, "has_checkpoints",
			json_boolean(json_array_size(json_object_get(last, "checkpoints"))));
		json_object_set_new(view, "audit", last);
	} else {
		json_decref(last);
		json_object_set_new(view, "audit", json_null());
	}
	http_render(req, 200, "audit", view);
}
