// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_AUDIT_H
#define PROTOCOL_AUDIT_H

#include "common/strbuf.h"

#include <jansson.h>
#include <stdbool.h>

/*
 * The auditor (docs/protocol.md section 15): checks copies of the origins' logs as an outsider
 * holds them — files of catch-up lines (section 10.1), one per (holder, origin) — against each
 * origin's key document, with no database and no configuration. For every copy: each record is
 * verified as the receiver verifies it (record_verify.c: envelope, signature, payload, origin,
 * committed content), trusting at first only the origin's genesis key and then the keys its own
 * keys.rotated events announce, minus what its keys.revoked events revoke; seq gapless from 1;
 * prev = the hash of the previous payload. Then the copies of one origin's log are compared
 * envelope by envelope as far as both go (a difference is equivocation, with both lines as
 * evidence), the lag of each mirror is reported, and each copy's events are summed up per
 * type (count and digest).
 *
 * Checkpoints (tlog.h): each is verified with the origin's keys trusted at its size, its
 * cosignatures looked for under the other origins' keys and log names, and its root compared
 * with the tree of the first size events of a copy that holds them; one that no copy covers is
 * a rolled-back log, a root that differs is a fork (with the notes as evidence), and an
 * origin's latest checkpoint smaller than one seen before is a rolled-back checkpoint.
 *
 * A kind's digest is the lower-case hex SHA-256 of the hex hashes (event_hash) of its events in
 * seq order, each followed by "\n".
 */

struct audit;

struct audit *audit_new(void);
void audit_free(struct audit *a);

/*
 * Take origin's key document (section 3.4: {"origin", "keys":[JWK…]}, oldest first). Its first
 * key is the genesis key unless genesis_kid (may be NULL) pins another one of its keys. Returns
 * 0, or -1 with *reason set (bad_key_document, unknown_genesis_key, duplicate_origin).
 */
int audit_add_keys(struct audit *a, json_t *doc, const char *genesis_kid, const char **reason);

/*
 * Add the copy of origin's log that holder serves, as the file path of its catch-up lines. The
 * file is read by audit_run (and again for evidence). 0, or -1 (bad origin or holder name).
 */
int audit_add_copy(struct audit *a, const char *origin, const char *holder, const char *path);

/*
 * Add a checkpoint of origin's log (a C2SP signed note with any cosignatures), as holder served
 * it, or, with holder NULL, as an earlier run saw it (the state an auditor keeps, so that a log
 * rolled back since is caught). 0, or -1 (bad names, over TLOG_NOTE_MAX).
 */
int audit_add_checkpoint(struct audit *a, const char *origin, const char *holder, const char *note,
			 size_t len);

/*
 * Check everything added. Returns the report (a new reference), or NULL when a file cannot be
 * read (*reason set to its path's problem). The report's "ok" is true when no problem was
 * found; its members are documented in docs/protocol.md section 15.
 */
json_t *audit_run(struct audit *a, const char **reason);

/* After audit_run: the checkpoints whose signature verified, [{origin, note}] without
 * duplicates, for the state of the next run (a new reference). */
json_t *audit_seen(const struct audit *a);

/*
 * Audits that go on from the part of a log verified before (the platforms' daily audit,
 * docs/protocol.md §15.4). audit_base, after audit_run: the state to keep for origin, a new
 * object {seq, hash, root, edge, keys, checkpoints} — the last seq every copy holds (verified),
 * its event hash, the tree's root at that size and its right edge (tlog.h), the keys trusted
 * there ({key: base64 raw, revoked_after_seq}), and the roots of the checkpoints verified up to
 * it ({"<size>": root}); NULL when there is none. audit_set_base, before audit_run, after
 * audit_add_keys: origin's copies then hold only the lines after seq, the first of which must
 * chain on hash; they are verified with those keys, the checkpoints above seq against the edge
 * extended with the new leaves, those below it against the roots kept. 0, or -1 with *reason
 * (unknown_origin, bad_base). audit_base_mismatch, after audit_run: a checkpoint below a base
 * at a size the base kept no root for was seen (the report cannot judge it: run in full).
 */
int audit_set_base(struct audit *a, const char *origin, json_t *base, const char **reason);
json_t *audit_base(const struct audit *a, const char *origin);
bool audit_base_mismatch(const struct audit *a);

/* The report as human text (one line per fact, then each problem). */
void audit_report_text(const json_t *report, struct strbuf *out);

/*
 * Files (audit_files.c). audit_fetch downloads into dir, from the platforms at url_a and
 * url_b: <dir>/<origin>/keys.json (each one's key document), checkpoint-<o>.txt (the latest
 * checkpoint it serves of each log, when it has one) and events-<o>.ndjson (its copy of each
 * log, verbatim), then <dir>/sources.json. audit_load_dir adds such a directory to a, with the
 * checkpoints an earlier run kept in <dir>/state.json; genesis[0..n) are "<origin>=<kid>" pins.
 * audit_save_state writes that state (audit_seen). audit_dir does load, run and save in one, and
 * returns the report. Each returns 0 (or the report), or -1 (NULL) with a sentence in err.
 */
int audit_fetch(const char *url_a, const char *url_b, const char *dir, struct strbuf *err);
/* audit_fetch, but the copies of each origin named in bases ({origin: audit_base's object}) are
 * fetched after its seq only, once each platform shows that it still serves that seq with that
 * hash; 1 (with a sentence in err) when one does not: the state kept does not match. */
int audit_fetch_after(const char *url_a, const char *url_b, const char *dir, json_t *bases,
		      struct strbuf *err);
int audit_load_dir(struct audit *a, const char *dir, char *const *genesis, int ngenesis,
		   struct strbuf *err);
int audit_save_state(const struct audit *a, const char *dir, struct strbuf *err);
json_t *audit_dir(const char *dir, char *const *genesis, int ngenesis, struct strbuf *err);

#endif
