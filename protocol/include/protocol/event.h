// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_EVENT_H
#define PROTOCOL_EVENT_H

#include "common/status.h"
#include "common/strbuf.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * Event payloads of federation protocol v1: compact UTF-8 JSON made once by the origin and kept
 * verbatim (hashed and signed as bytes, never re-serialized). Members, in this order:
 *   v            1
 *   origin       "official", "citizen" or any [a-z][a-z0-9-]{0,31}
 *   seq          integer >= 1, gapless per origin
 *   prev         lowercase hex SHA-256 of the origin's previous payload; EVENT_GENESIS_PREV
 *                (64 zeros) exactly when seq is 1
 *   type         dotted lowercase, [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+, at most 64 bytes
 *   occurred_at  RFC 3339 UTC with an upper-case T and Z, seconds 00-59, optional 1-9 fraction
 *                digits: "2026-11-26T07:00:00.123Z"
 *   refs         array of {"origin","type","id"} objects (origin as above; type an entity or
 *                event name, [a-z][a-z0-9_]* dot-separated, <= 64 bytes; id a string of 1-128
 *                printable ASCII characters, no space), possibly empty, at most 64 entries
 *   data         object
 * No floating-point numbers anywhere, no NUL character (\u0000) in a string or member name; at
 * most EVENT_MAX_LEN bytes.
 *
 * Reasons (stable snake_case codes for API errors; all 400 but payload_too_large, 413):
 *   payload_too_large, malformed_json, duplicate_key, missing_field, unknown_field, bad_version,
 *   bad_origin, bad_seq, bad_prev, bad_type, bad_occurred_at, bad_refs, bad_data,
 *   float_not_allowed, non_canonical_json.
 * These functions do not log; the caller logs once, with context.
 */

#define EVENT_VERSION 1
/* A payload with committed fields (docs/protocol.md §4.6): nine members, "commit" last. */
#define EVENT_VERSION_COMMITTED 2
#define EVENT_COMMIT_MAX 32
#define EVENT_FIELD_MAX_LEN 64
#define EVENT_MAX_LEN (64 * 1024)
#define EVENT_HASH_HEX_LEN 64
#define EVENT_TYPE_MAX_LEN 64
#define EVENT_ORIGIN_MAX_LEN 32
#define EVENT_REF_ID_MAX_LEN 128
#define EVENT_MAX_REFS 64
/* Size of a buffer for event_format_time: "2026-11-26T07:00:00.123Z" and the NUL. */
#define EVENT_TIME_SIZE 25
#define EVENT_GENESIS_PREV "0000000000000000000000000000000000000000000000000000000000000000"

struct event_ref {
	const char *origin;
	const char *type;
	const char *id;
};

/*
 * An event's fields. To build one, fill it with borrowed pointers (string literals are fine;
 * data may be NULL for {}, refs may be NULL when nr_refs is 0). A parsed event owns everything it
 * points to until event_free.
 */
struct event {
	const char *origin;
	int64_t seq;
	const char *prev;
	const char *type;
	const char *occurred_at;
	const struct event_ref *refs;
	size_t nr_refs;
	json_t *data;
	/* Version 2 only: field name -> 64 hex digits, the salted hash of each field that left data
	 * (NULL: a version 1 payload). */
	json_t *commit;
	/* Private to event.c: what event_free releases; NULL in caller-built events. */
	json_t *owner_root;
	struct event_ref *owner_refs;
};

/*
 * Serialize ev as the canonical payload and append it to out. Checks every field as
 * event_parse would, and rejects floats anywhere in data. Returns 0, or -1 with *reason set
 * (may be NULL) and out left as it was. Does not take ownership of anything in ev.
 */
int event_build(struct strbuf *out, const struct event *ev, const char **reason);

/*
 * Parse the payload bytes[0..len) strictly: duplicate members, a missing or extra member,
 * a wrong type or range, a float anywhere, or any byte difference from what event_build would
 * produce for the same fields (member order, whitespace, escapes) is rejected. On success
 * stores a new event in *out (free it with event_free) and returns STATUS_OK; otherwise
 * returns STATUS_INVALID or STATUS_TOO_LARGE, leaves *out NULL and sets *reason.
 */
enum status event_parse(const void *bytes, size_t len, struct event **out, const char **reason);

/* Free an event made by event_parse; NULL is allowed. */
void event_free(struct event *ev);

/* Write the lowercase hex SHA-256 of payload[0..len) and a NUL into out. */
void event_hash(const void *payload, size_t len, char out[EVENT_HASH_HEX_LEN + 1]);

/*
 * Whether prev_hex (the prev field of an event) is the hash of prev_payload[0..prev_len), the
 * same origin's previous payload. With prev_payload NULL (no previous event), whether prev_hex
 * is EVENT_GENESIS_PREV.
 */
bool event_prev_matches(const void *prev_payload, size_t prev_len, const char *prev_hex);

/* Whether s is a valid origin name, [a-z][a-z0-9-]{0,31}. */
bool event_origin_is_valid(const char *s);

/* A committed field's name: a lower-case letter, then letters, digits or '_', at most 64. */
bool event_field_is_valid(const char *s);

/* Whether s is a valid event type, [a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+, at most 64 bytes. */
bool event_type_is_valid(const char *s);

/* Whether s is an occurred_at timestamp in the form described above, with a real date. */
bool event_time_is_valid(const char *s);

/*
 * Format ts (UTC, truncated to milliseconds) as "YYYY-MM-DDTHH:MM:SS.mmmZ" into out. Returns 0,
 * or -1 when the year is outside 0000-9999.
 */
int event_format_time(char out[EVENT_TIME_SIZE], const struct timespec *ts);

#endif
