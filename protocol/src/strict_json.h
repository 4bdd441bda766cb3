// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PROTOCOL_STRICT_JSON_H
#define PROTOCOL_STRICT_JSON_H

/*
 * The strict reading of a peer's JSON that event.c (payloads) and dsse.c (envelopes) share;
 * not part of the protocol library's API. None of these functions log.
 */
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Load bytes[0..len) as JSON, refusing duplicate members. Returns STATUS_OK with the value in
 * *out (the caller owns it), or leaves *out NULL, sets *reason and returns STATUS_TOO_LARGE
 * (payload_too_large: over max_len bytes, checked before parsing) or STATUS_INVALID
 * (duplicate_key, malformed_json).
 */
enum status strict_json_load(const void *bytes, size_t len, size_t max_len, json_t **out,
			     const char **reason);

/* Whether v is an object whose members are exactly names[0..n), in any order. */
bool strict_json_has_members(const json_t *v, const char *const *names, size_t n);

/* Like strict_json_has_members, with every member a string. */
bool strict_json_has_strings(const json_t *v, const char *const *names, size_t n);

#endif
