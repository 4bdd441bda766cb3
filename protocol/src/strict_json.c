// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Strict reading of a peer's JSON shared by the event payload and DSSE envelope parsers: a size
 * cap before parsing, no duplicate members, and objects with exactly the expected members.
 */
#include "strict_json.h"

enum status
strict_json_load(const void *bytes, size_t len, size_t max_len, json_t **out, const char **reason)
{
	json_error_t err;

	*out = NULL;
	if (len > max_len) {
		*reason = "payload_too_large";
		return STATUS_TOO_LARGE;
	}
	*out = json_loadb(bytes, len, JSON_REJECT_DUPLICATES, &err);
	if (!*out) {
		*reason = json_error_code(&err) == json_error_duplicate_key ? "duplicate_key"
									    : "malformed_json";
		return STATUS_INVALID;
	}
	return STATUS_OK;
}

bool
strict_json_has_members(const json_t *v, const char *const *names, size_t n)
{
	if (!json_is_object(v) || json_object_size(v) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_object_get(v, names[i]))
			return false;
	return true;
}

bool
strict_json_has_strings(const json_t *v, const char *const *names, size_t n)
{
	if (!strict_json_has_members(v, names, n))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!json_is_string(json_object_get(v, names[i])))
			return false;
	return true;
}
