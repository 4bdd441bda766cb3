// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Event payloads and canonical JSON (protocol/src/event.c, strict_json.c). Two modes, chosen by
 * the first byte:
 *   'd': the rest is JSON used as an event's data: when event_build accepts it, event_parse
 *        must accept the bytes it made, with the same fields, and build them again identically;
 *   otherwise the whole input is a payload from a peer: when event_parse accepts it, building
 *        the parsed fields must give the same bytes (one spelling per event), and every field
 *        must pass its own check.
 */
#include "fuzz.h"

#include "common/log.h"
#include "protocol/event.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

static void
check_fields(const struct event *ev)
{
	FUZZ_CHECK(event_origin_is_valid(ev->origin));
	FUZZ_CHECK(event_type_is_valid(ev->type));
	FUZZ_CHECK(event_time_is_valid(ev->occurred_at));
	FUZZ_CHECK(ev->seq >= 1);
	FUZZ_CHECK(strlen(ev->prev) == EVENT_HASH_HEX_LEN);
	FUZZ_CHECK(ev->nr_refs <= EVENT_MAX_REFS);
	FUZZ_CHECK(json_is_object(ev->data));
}

/* A peer's payload: accepted only in its one canonical spelling. */
static void
check_payload(const uint8_t *data, size_t size)
{
	struct event *ev = NULL;
	const char *reason = NULL;
	enum status st = event_parse(data, size, &ev, &reason);
	if (st != STATUS_OK) {
		FUZZ_CHECK(ev == NULL && reason != NULL);
		return;
	}
	check_fields(ev);
	struct strbuf again = STRBUF_INIT;
	const char *why = NULL;
	FUZZ_CHECK(event_build(&again, ev, &why) == 0);
	FUZZ_CHECK(again.len == size && memcmp(again.buf, data, size) == 0);
	char hash[EVENT_HASH_HEX_LEN + 1];
	event_hash(data, size, hash);
	FUZZ_CHECK(event_prev_matches(data, size, hash));
	strbuf_release(&again);
	event_free(ev);
}

/* Our own event with this data: what we build, the peer must parse back to the same. */
static void
check_build(const uint8_t *data, size_t size)
{
	json_error_t err;
	/* what a handler may put in data: any JSON value jansson holds, NUL bytes included */
	json_t *d = json_loadb((const char *)data, size, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);
	if (!d)
		return;
	static const struct event_ref refs[] = {{"official", "project", "12"},
						{"citizen", "report.created", "R-2K4M-9QX7"}};
	struct event ev = {
		.origin = "citizen",
		.seq = 2,
		.prev = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		.type = "report.created",
		.occurred_at = "2026-11-26T07:00:00.123Z",
		.refs = refs,
		.nr_refs = 2,
		.data = d};
	struct strbuf out = STRBUF_INIT;
	const char *why = NULL;
	if (event_build(&out, &ev, &why) == 0) {
		struct event *back = NULL;
		const char *reason = "none";
		enum status st = event_parse(out.buf, out.len, &back, &reason);
		if (st != STATUS_OK)
			fprintf(stderr, "event_build made a payload event_parse refuses (%s): %s\n",
				reason, out.buf);
		FUZZ_CHECK(st == STATUS_OK);
		FUZZ_CHECK(json_equal(back->data, d));
		struct strbuf again = STRBUF_INIT;
		FUZZ_CHECK(event_build(&again, back, &why) == 0);
		FUZZ_CHECK(again.len == out.len && memcmp(again.buf, out.buf, out.len) == 0);
		strbuf_release(&again);
		event_free(back);
	} else {
		FUZZ_CHECK(why != NULL && out.len == 0);
	}
	strbuf_release(&out);
	json_decref(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size && data[0] == 'd')
		check_build(data + 1, size - 1);
	else
		check_payload(data, size);
	return 0;
}
