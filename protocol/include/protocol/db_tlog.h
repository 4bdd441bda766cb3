// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_DB_TLOG_H
#define PROTOCOL_DB_TLOG_H

#include "common/strbuf.h"
#include "protocol/tlog.h"

#include <stdbool.h>
#include <stdint.h>

/*
 * The SQL of the transparency log (protocol/src/tlog.c is the pure part). Each origin's tree is
 * kept here for both logs a platform stores: its own and its copy of the peer's. Functions run
 * on the calling thread's connection, inside the caller's transaction when there is one, and
 * return 0 / -1 (logged) unless said otherwise.
 */

/* The tlog_reader over origin's stored hashes (ctx is the origin name, a const char *, passed
 * as db_tlog_ctx(origin)). */
int db_tlog_read(void *origin, const long long *indexes, size_t n, tlog_hash *out);
static inline void *
db_tlog_ctx(const char *origin)
{
	return (void *)(uintptr_t)origin; /* only ever read */
}
/* How many leaves of origin's tree are stored (≤ its number of events), or -1. */
long long db_tlog_size(const char *origin);
/* How many of origin's events the tree does not hold yet (without locking), or -1. */
long long db_tlog_behind(const char *origin);
/* Add the leaves of origin's events beyond the tree's size, in seq order, at most max of them
 * (0: all); returns the new size, or -1. Safe to call from any replica at any time: it locks
 * the origin's tree row. */
long long db_tlog_extend(const char *origin, long long max);

/*
 * Checkpoints of any origin, as signed notes exactly as received or made: own ones (made by
 * this platform) and the peer's (fetched and checked). Cosignature lines are kept apart, per
 * (origin, size, witness), and appended to the note when it is served.
 */
int db_tlog_checkpoint_put(const char *origin, long long size, const tlog_hash root,
			   const char *note);
/* The latest stored checkpoint of origin (largest size): 1 with note (and size, root) filled,
 * 0 when none, -1. The note has its cosignature lines appended when with_cosignatures. */
int db_tlog_checkpoint_latest(const char *origin, bool with_cosignatures, struct strbuf *note,
			      long long *size, tlog_hash root);
/* The stored checkpoint of origin at exactly size: same answers. */
int db_tlog_checkpoint_at(const char *origin, long long size, bool with_cosignatures,
			  struct strbuf *note, tlog_hash root);
/*
 * The latest checkpoint of peer that self's own log records as cosigned (its newest
 * checkpoint.cosigned naming peer): 1 with size, root (base64, the record's) and the record's
 * envelope filled, 0 when none, -1. The log outlives a database restore (the peer returns it),
 * the stored checkpoints do not: the witness takes the larger of the two as what it vouched for.
 */
int db_tlog_cosigned_recorded(const char *self, const char *peer, long long *size,
			      struct strbuf *root, struct strbuf *envelope);
/* Seconds since origin's latest checkpoint was stored here, or -1 (none, or failed). */
long long db_tlog_checkpoint_age(const char *origin);
/* The seq of origin's event whose hash (lowercase hex, fed_events.hash) is hash: the seq, 0 when
 * none, -1. */
long long db_tlog_seq_of_hash(const char *origin, const char *hash);
/* The stored hashes of level in [start, start + count), concatenated into out, as the C2SP
 * tlog-tiles hash tile holds them: 1, or 0 when the tree does not hold them all yet, -1. */
int db_tlog_tile(const char *origin, int level, long long start, int count, struct strbuf *out);
/* Store the cosignature line of witness on origin's checkpoint of size: 1 stored, 0 already
 * there, -1. */
int db_tlog_cosignature_put(const char *origin, long long size, const char *witness,
			    const char *line);

#endif
