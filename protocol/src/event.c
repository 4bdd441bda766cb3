// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Event payloads of the federation protocol: building the canonical compact JSON bytes, the
 * strict parse of a peer's payload (which must be byte for byte what we would have built), and
 * the SHA-256 hash chain through prev. Version 1 payloads have eight members; version 2 adds
 * "commit", the salted hashes of the fields whose content travels beside the envelope
 * (content.c).
 */
#include "protocol/event.h"

#include "common/xalloc.h"
#include "strict_json.h"

#include <openssl/evp.h>
#include <string.h>

static const char *const event_members[] = {"v",           "origin", "seq",  "prev",  "type",
					    "occurred_at", "refs",   "data", "commit"};
/* Version 1 has the first eight; version 2 all nine. */
#define V1_MEMBERS 8
#define V2_MEMBERS 9
static const char *const ref_members[] = {"origin", "type", "id"};

static bool
is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool
event_origin_is_valid(const char *s)
{
	size_t i;

	if (!s || !is_lower(s[0]))
		return false;
	for (i = 1; s[i]; i++)
		if (i >= EVENT_ORIGIN_MAX_LEN || !(is_lower(s[i]) || is_digit(s[i]) || s[i] == '-'))
			return false;
	return true;
}

/* Whether s is [a-z][a-z0-9_]* segments joined by '.', at least min_segments, <= 64 bytes. */
static bool
dotted_name_is_valid(const char *s, size_t min_segments)
{
	size_t segments = 0;
	size_t i = 0;

	if (!s || strlen(s) > EVENT_TYPE_MAX_LEN)
		return false;
	for (;;) {
		if (!is_lower(s[i]))
			return false;
		for (i++; is_lower(s[i]) || is_digit(s[i]) || s[i] == '_'; i++)
			;
		segments++;
		if (!s[i])
			break;
		if (s[i] != '.')
			return false;
		i++;
	}
	return segments >= min_segments;
}

bool
event_field_is_valid(const char *s)
{
	if (!s || !is_lower(*s) || strlen(s) > EVENT_FIELD_MAX_LEN)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == strlen(s);
}

/* The commit member: field name -> 64 lower-case hex digits, at least one, no field also in
 * data. */
static bool
commit_is_valid(json_t *commit, json_t *data)
{
	const char *key;
	json_t *v;
	if (!json_is_object(commit) || json_object_size(commit) < 1 ||
	    json_object_size(commit) > EVENT_COMMIT_MAX)
		return false;
	json_object_foreach(commit, key, v)
	{
		const char *h = json_string_value(v);
		if (!event_field_is_valid(key) || !h || strlen(h) != EVENT_HASH_HEX_LEN ||
		    strspn(h, "0123456789abcdef") != EVENT_HASH_HEX_LEN ||
		    (data && json_object_get(data, key)))
			return false;
	}
	return true;
}

bool
event_type_is_valid(const char *s)
{
	return dotted_name_is_valid(s, 2);
}

static bool
ref_id_is_valid(const char *s)
{
	size_t i;

	if (!s || !s[0])
		return false;
	for (i = 0; s[i]; i++)
		if (i >= EVENT_REF_ID_MAX_LEN || s[i] < 0x21 || s[i] > 0x7e)
			return false;
	return true;
}

static bool
prev_is_valid(const char *s, int64_t seq)
{
	size_t i;

	if (!s)
		return false;
	for (i = 0; s[i]; i++)
		if (i >= EVENT_HASH_HEX_LEN || !(is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	if (i != EVENT_HASH_HEX_LEN)
		return false;
	/* Only the first event has no predecessor, and only it may claim so. */
	return (seq == 1) == !strcmp(s, EVENT_GENESIS_PREV);
}

/* Read n decimal digits at s into *out; false if any is not a digit. */
static bool
read_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static int
days_in_month(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return month == 2 && leap ? 29 : days[month - 1];
}

bool
event_time_is_valid(const char *s)
{
	int year, month, day, hour, min, sec;
	size_t i = 19;

	if (!s || strlen(s) < 20)
		return false;
	if (!read_digits(s, 4, &year) || s[4] != '-' || !read_digits(s + 5, 2, &month) ||
	    s[7] != '-' || !read_digits(s + 8, 2, &day) || s[10] != 'T' ||
	    !read_digits(s + 11, 2, &hour) || s[13] != ':' || !read_digits(s + 14, 2, &min) ||
	    s[16] != ':' || !read_digits(s + 17, 2, &sec))
		return false;
	if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
	    min > 59 || sec > 59)
		return false;
	if (s[i] == '.') {
		size_t start = ++i;
		while (is_digit(s[i]))
			i++;
		if (i == start || i - start > 9)
			return false;
	}
	return s[i] == 'Z' && !s[i + 1];
}

static void
put_digits(char *p, long v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int
event_format_time(char out[EVENT_TIME_SIZE], const struct timespec *ts)
{
	struct tm tm;

	if (!gmtime_r(&ts->tv_sec, &tm) || tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999)
		return -1;
	memcpy(out, "0000-00-00T00:00:00.000Z", EVENT_TIME_SIZE);
	put_digits(out, tm.tm_year + 1900, 4);
	put_digits(out + 5, tm.tm_mon + 1, 2);
	put_digits(out + 8, tm.tm_mday, 2);
	put_digits(out + 11, tm.tm_hour, 2);
	put_digits(out + 14, tm.tm_min, 2);
	/* A leap second from gmtime cannot be written in our format: clamp it. */
	put_digits(out + 17, tm.tm_sec > 59 ? 59 : tm.tm_sec, 2);
	put_digits(out + 20, ts->tv_nsec / 1000000, 3);
	return 0;
}

static bool
has_float(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_real(v))
		return true;
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			if (has_float(child))
				return true;
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, child)
		{
			if (has_float(child))
				return true;
		}
	}
	return false;
}

/*
 * Whether a string or member name in v holds a NUL character: jansson writes it as \u0000,
 * which the parser (like most JSON readers, without JSON_ALLOW_NUL) refuses, so the peer could
 * never accept the event.
 */
static bool
has_nul(json_t *v)
{
	const char *key;
	json_t *child;
	size_t i;

	if (json_is_string(v))
		return strlen(json_string_value(v)) != json_string_length(v);
	if (json_is_array(v)) {
		json_array_foreach(v, i, child)
		{
			if (has_nul(child))
				return true;
		}
	} else if (json_is_object(v)) {
		json_object_foreach(v, key, child)
		{
			if (strlen(key) != json_object_iter_key_len(json_object_key_to_iter(key)) ||
			    has_nul(child))
				return true;
		}
	}
	return false;
}

static bool
ref_is_valid(const struct event_ref *r)
{
	return event_origin_is_valid(r->origin) && dotted_name_is_valid(r->type, 1) &&
	       ref_id_is_valid(r->id);
}

/* Whether obj's members are exactly names[0..n), in that order (the sizes are known equal). */
static bool
members_in_order(json_t *obj, const char *const *names, size_t n)
{
	const char *key;
	json_t *value;
	size_t i = 0;

	json_object_foreach(obj, key, value)
	{
		(void)value;
		if (i >= n || strcmp(key, names[i++]))
			return false;
	}
	return i == n;
}

/* Check the fields both build and parse check; returns the reason or NULL. */
static const char *
check_fields(const struct event *ev)
{
	if (!event_origin_is_valid(ev->origin))
		return "bad_origin";
	if (ev->seq < 1)
		return "bad_seq";
	if (!prev_is_valid(ev->prev, ev->seq))
		return "bad_prev";
	if (!event_type_is_valid(ev->type))
		return "bad_type";
	if (!event_time_is_valid(ev->occurred_at))
		return "bad_occurred_at";
	if (ev->nr_refs > EVENT_MAX_REFS || (ev->nr_refs && !ev->refs))
		return "bad_refs";
	for (size_t i = 0; i < ev->nr_refs; i++)
		if (!ref_is_valid(&ev->refs[i]))
			return "bad_refs";
	if (ev->data && !json_is_object(ev->data))
		return "bad_data";
	if (ev->data && has_float(ev->data))
		return "float_not_allowed";
	if (ev->data && has_nul(ev->data))
		return "bad_data";
	if (ev->commit && !commit_is_valid(ev->commit, ev->data))
		return "bad_commit";
	return NULL;
}

int
event_build(struct strbuf *out, const struct event *ev, const char **reason)
{
	const char *why;
	json_t *root = NULL, *refs;
	char *text = NULL;
	size_t len;
	int ret = -1;

	why = check_fields(ev);
	if (why)
		goto out;

	refs = json_array();
	for (size_t i = 0; i < ev->nr_refs; i++)
		json_array_append_new(refs,
				      json_pack("{s:s, s:s, s:s}", "origin", ev->refs[i].origin,
						"type", ev->refs[i].type, "id", ev->refs[i].id));
	/* json_pack keeps the member order as written: that order is the format. */
	root = json_pack("{s:i, s:s, s:I, s:s, s:s, s:s, s:o, s:o}", "v", EVENT_VERSION, "origin",
			 ev->origin, "seq", (json_int_t)ev->seq, "prev", ev->prev, "type", ev->type,
			 "occurred_at", ev->occurred_at, "refs", refs, "data",
			 ev->data ? json_incref(ev->data) : json_object());
	if (!root)
		die("could not build an event object");
	if (ev->commit) {
		json_object_set_new(root, "v", json_integer(EVENT_VERSION_COMMITTED));
		json_object_set(root, "commit", ev->commit);
	}
	text = json_dumps(root, JSON_COMPACT);
	if (!text) {
		why = "bad_data";
		goto out;
	}
	len = strlen(text);
	if (len > EVENT_MAX_LEN) {
		why = "payload_too_large";
		goto out;
	}
	strbuf_add(out, text, len);
	ret = 0;
out:
	if (why && reason)
		*reason = why;
	free(text);
	json_decref(root);
	return ret;
}

/*
 * The member set of root: the eight of version 1, or the nine of version 2, no other, and v
 * saying which. Returns the reason or NULL.
 */
static const char *
check_members(json_t *root)
{
	json_t *v;

	if (!json_is_object(root))
		return "malformed_json";
	/* Before the field checks, so that a float gets its own code wherever it is. */
	if (has_float(root))
		return "float_not_allowed";
	for (size_t i = 0; i < V1_MEMBERS; i++)
		if (!json_object_get(root, event_members[i]))
			return "missing_field";
	size_t n = json_object_get(root, "commit") ? V2_MEMBERS : V1_MEMBERS;
	if (json_object_size(root) != n)
		return "unknown_field";
	v = json_object_get(root, "v");
	if (!json_is_integer(v) ||
	    json_integer_value(v) != (n == V1_MEMBERS ? EVENT_VERSION : EVENT_VERSION_COMMITTED))
		return json_is_integer(v) && json_integer_value(v) == EVENT_VERSION_COMMITTED
			       ? "missing_field"
			       : "bad_version";
	return NULL;
}

/* Point ev's refs at the strings of the refs array. Returns the reason or NULL. */
static const char *
read_refs(struct event *ev, const json_t *refs)
{
	if (!json_is_array(refs) || json_array_size(refs) > EVENT_MAX_REFS)
		return "bad_refs";
	ev->owner_refs = xcalloc(json_array_size(refs) + 1, sizeof(*ev->owner_refs));
	ev->refs = ev->owner_refs;
	for (size_t i = 0; i < json_array_size(refs); i++) {
		const json_t *r = json_array_get(refs, i);

		if (!strict_json_has_strings(r, ref_members, ARRAY_SIZE(ref_members)))
			return "bad_refs";
		ev->owner_refs[i].origin = json_string_value(json_object_get(r, "origin"));
		ev->owner_refs[i].type = json_string_value(json_object_get(r, "type"));
		ev->owner_refs[i].id = json_string_value(json_object_get(r, "id"));
	}
	ev->nr_refs = json_array_size(refs);
	return NULL;
}

/*
 * Point ev's fields at the members of root, which stays their owner. A member that is not a
 * string leaves a NULL, which check_fields rejects. Returns the reason or NULL.
 */
static const char *
read_fields(struct event *ev, json_t *root)
{
	json_t *seq = json_object_get(root, "seq");

	ev->origin = json_string_value(json_object_get(root, "origin"));
	if (!json_is_integer(seq))
		return "bad_seq";
	ev->seq = json_integer_value(seq);
	ev->prev = json_string_value(json_object_get(root, "prev"));
	ev->type = json_string_value(json_object_get(root, "type"));
	ev->occurred_at = json_string_value(json_object_get(root, "occurred_at"));
	ev->data = json_object_get(root, "data");
	if (!json_is_object(ev->data))
		return "bad_data";
	ev->commit = json_object_get(root, "commit");
	return read_refs(ev, json_object_get(root, "refs"));
}

/*
 * The bytes are signed and hashed as they are, so accept only the one spelling our builder
 * makes: member order, whitespace, escapes, number forms. Re-serializing keeps the member order
 * it was given, so that is checked on its own. Returns the reason or NULL.
 */
static const char *
check_canonical(json_t *root, const void *bytes, size_t len)
{
	json_t *refs = json_object_get(root, "refs");
	char *canon;
	bool same;

	if (!members_in_order(root, event_members, json_object_size(root)))
		return "non_canonical_json";
	for (size_t i = 0; i < json_array_size(refs); i++)
		if (!members_in_order(json_array_get(refs, i), ref_members,
				      ARRAY_SIZE(ref_members)))
			return "non_canonical_json";
	canon = json_dumps(root, JSON_COMPACT);
	same = canon && strlen(canon) == len && !memcmp(canon, bytes, len);
	free(canon);
	return same ? NULL : "non_canonical_json";
}

enum status
event_parse(const void *bytes, size_t len, struct event **out, const char **reason)
{
	struct event *ev = NULL;
	const char *why = NULL;
	json_t *root;
	enum status st;

	*out = NULL;
	st = strict_json_load(bytes, len, EVENT_MAX_LEN, &root, &why);
	if (st != STATUS_OK)
		goto out;
	st = STATUS_INVALID;
	why = check_members(root);
	if (why)
		goto out;
	ev = xcalloc(1, sizeof(*ev));
	ev->owner_root = root;
	root = NULL;
	why = read_fields(ev, ev->owner_root);
	if (!why)
		why = check_fields(ev);
	if (!why)
		why = check_canonical(ev->owner_root, bytes, len);
	if (why)
		goto out;
	*out = ev;
	ev = NULL;
	st = STATUS_OK;
out:
	if (why && reason)
		*reason = why;
	event_free(ev);
	json_decref(root);
	return st;
}

void
event_free(struct event *ev)
{
	if (!ev)
		return;
	free(ev->owner_refs);
	json_decref(ev->owner_root);
	free(ev);
}

void
event_hash(const void *payload, size_t len, char out[EVENT_HASH_HEX_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int digest_len = 0;

	if (EVP_Digest(payload ? payload : (const void *)"", len, digest, &digest_len, EVP_sha256(),
		       NULL) != 1 ||
	    digest_len != EVENT_HASH_HEX_LEN / 2)
		die("could not compute SHA-256 with OpenSSL");
	for (unsigned int i = 0; i < digest_len; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[EVENT_HASH_HEX_LEN] = '\0';
}

bool
event_prev_matches(const void *prev_payload, size_t prev_len, const char *prev_hex)
{
	char hash[EVENT_HASH_HEX_LEN + 1];

	if (!prev_hex)
		return false;
	if (!prev_payload)
		return !strcmp(prev_hex, EVENT_GENESIS_PREV);
	event_hash(prev_payload, prev_len, hash);
	return !strcmp(prev_hex, hash);
}
