// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The peer's "budget.lines" events applied to the mirrored document: part 1 replaces its
 * lines, the next parts append theirs in order; every line is checked like an imported one.
 */
#include "internal.h"

#include "common/log.h"
#include "db_budget.h"
#include "publications/db_publication.h"

static bool
int_in(json_t *v, long long lo, long long hi)
{
	return json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi;
}

enum status
hook_budget_lines(const struct hook_event *ev)
{
	const char *origin = ev->origin;
	json_t *data = ev->data;
	json_t *id = json_object_get(data, "id"), *part = json_object_get(data, "part");
	json_t *parts = json_object_get(data, "parts"), *first = json_object_get(data, "first");
	json_t *lines = json_object_get(data, "lines");
	bool ok =
		int_in(id, 1, 1LL << 53) && int_in(json_object_get(data, "version"), 1, 1000000) &&
		int_in(parts, 1, BUDGET_MAX_LINES) && int_in(part, 1, json_integer_value(parts)) &&
		int_in(first, 1, BUDGET_MAX_LINES) && json_is_array(lines) &&
		json_integer_value(first) - 1 + (long long)json_array_size(lines) <=
			BUDGET_MAX_LINES &&
		(json_integer_value(part) == 1) == (json_integer_value(first) == 1) &&
		(json_array_size(lines) > 0 || json_integer_value(parts) == 1);
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		if (!ok)
			break;
		ok = budget_line_is_valid(l);
	}
	if (!ok) {
		log_warn("budget.lines event from %s does not have the expected fields", origin);
		return STATUS_INVALID;
	}
	long long local;
	enum status st = db_pub_find_local(origin, "budget", json_integer_value(id), &local);
	if (st == STATUS_NOT_FOUND) {
		log_warn("budget.lines event from %s is about budget %lld, which is not mirrored",
			 origin, (long long)json_integer_value(id));
		return STATUS_INVALID;
	}
	if (st != STATUS_OK)
		return st;
	if (json_integer_value(part) == 1)
		return db_budget_lines_set(local, lines) == 0 ? STATUS_OK : STATUS_UNAVAILABLE;
	long long have = db_budget_lines_count(local);
	if (have < 0)
		return STATUS_UNAVAILABLE;
	if (have != json_integer_value(first) - 1) {
		log_warn("budget.lines event from %s: part %lld of budget %lld starts at line %lld,"
			 " but %lld lines are there",
			 origin, (long long)json_integer_value(part),
			 (long long)json_integer_value(id), (long long)json_integer_value(first),
			 have);
		return STATUS_INVALID;
	}
	return db_budget_lines_append(local, json_integer_value(first), lines) == 0
		       ? STATUS_OK
		       : STATUS_UNAVAILABLE;
}
