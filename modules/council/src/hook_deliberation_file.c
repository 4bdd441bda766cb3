// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The peer's "deliberation.file_added" events: the file's metadata recorded under the mirrored
 * deliberation (the bytes stay on the origin, where readers are sent).
 */
#include "internal.h"

#include "common/check.h"
#include "common/log.h"
#include "db_council.h"
#include "publications/db_publication.h"

#include <string.h>

enum status
hook_deliberation_file(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	const char *type = ev->type;
	json_t *data = ev->data;
	json_t *did = json_object_get(data, "deliberation_id");
	json_t *fid = json_object_get(data, "file_id");
	json_t *size = json_object_get(data, "size");
	const char *name = json_string_value(json_object_get(data, "name"));
	const char *sha = json_string_value(json_object_get(data, "sha256"));
	const char *ctype = json_string_value(json_object_get(data, "content_type"));
	if (!json_is_object(data) || !json_is_integer(did) || json_integer_value(did) <= 0 ||
	    !json_is_integer(fid) || json_integer_value(fid) <= 0 || !json_is_integer(size) ||
	    json_integer_value(size) < 16 || json_integer_value(size) > COUNCIL_FILE_MAX_BYTES ||
	    !name || !council_file_name_is_sane(name) || !is_sha256_hex(sha) || !ctype ||
	    strcmp(ctype, COUNCIL_CONTENT_TYPE) != 0) {
		log_warn("%s event from %s does not have the expected fields", type, origin);
		return STATUS_INVALID;
	}
	long long local = -1;
	enum status st = db_pub_find_local(origin, "deliberation", json_integer_value(did), &local);
	if (st == STATUS_UNAVAILABLE)
		return st;
	if (st != STATUS_OK) {
		log_warn(
			"%s event from %s names deliberation %lld, which this mirror does not hold",
			type, origin, (long long)json_integer_value(did));
		return STATUS_INVALID;
	}
	st = db_pub_file_mirror(json_integer_value(fid), local, name, ctype,
				json_integer_value(size), sha);
	return st == STATUS_CONFLICT ? STATUS_INVALID : st;
}
