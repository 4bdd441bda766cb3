// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_CONTENT_H
#define PROTOCOL_CONTENT_H

/*
 * Committed content (docs/protocol.md §4.6, §6.1, docs/decisions/0008): an event's free text
 * and media leave its signed payload, which keeps a salted SHA-256 of each field ("commit"),
 * and travel beside the envelope in a record, so that either side can erase them and keep the
 * chain and every signature verifiable.
 *
 * A field's content is {"salt": standard base64 of 16 random bytes, "json": the field's value
 * as compact JSON text}; its commitment is the lower-case hex SHA-256 of the salt's 16 bytes
 * followed by the UTF-8 bytes of that text.
 */
#include "common/status.h"
#include "common/strbuf.h"

#include <jansson.h>
#include <stddef.h>

#define CONTENT_SALT_LEN 16
/* Largest JSON text of one field, and of a whole record (envelope, content and withheld). */
#define CONTENT_FIELD_MAX (64 * 1024)
#define RECORD_MAX (384 * 1024)
#define WITHHELD_REASON_MAX 500

/*
 * Move the fields named in fields (NULL-terminated) that data holds out of data: *commit gets
 * field -> commitment, *content field -> {salt, json}. Both are NULL when data holds none of
 * them (the event stays a version 1 payload). Returns 0, or -1 when a value cannot be written.
 */
int content_commit(json_t *data, const char *const *fields, json_t **commit, json_t **content);

/* The commitment of one field's content: salt (CONTENT_SALT_LEN bytes) and JSON text. */
void content_hash(const unsigned char *salt, const char *json, size_t len, char out[65]);

/*
 * Check a record's content and withheld against the payload's commit: every committed field
 * is either in content, matching its commitment, or in withheld (with a reason), never both,
 * and nothing else is there. On STATUS_OK *values holds field -> the parsed value of each
 * field present (a new object, possibly empty). Otherwise *reason is bad_content,
 * missing_content or (withheld without a reason) bad_withheld.
 */
enum status content_verify(json_t *commit, json_t *content, json_t *withheld, json_t **values,
			   const char **reason);

/*
 * A record as it travels (a delivery's body, a catch-up line): a version 1 event travels as
 * its bare envelope; an event with committed fields as
 * {"envelope":{…},"content":{…},"withheld":{…}} (content and withheld may be absent).
 */
struct record {
	const char *envelope; /* the envelope's bytes: into the input, or owned */
	size_t envelope_len;
	json_t *content;  /* borrowed from root, or NULL */
	json_t *withheld; /* borrowed from root, or NULL */
	bool bundled;     /* the input was a record object, not a bare envelope */
	char *owned;
	json_t *root;
};

/*
 * Read bytes[0..len): a bare envelope (returned as it is; its own checks come later) or a
 * record object (strict: members envelope, content, withheld only, objects; the envelope
 * re-serialized compactly, which is the form every origin writes). STATUS_INVALID with
 * malformed_json, duplicate_key or malformed_record; STATUS_TOO_LARGE payload_too_large.
 */
enum status record_parse(const char *bytes, size_t len, struct record *out, const char **reason);
void record_release(struct record *r);

/* Write the record of envelope with its content and withheld (either may be NULL or empty). */
void record_build(struct strbuf *out, const char *envelope, size_t len, json_t *content,
		  json_t *withheld);

#endif
