// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Coordinates from queries and forms (common/src/page_map.c): map_parse_degrees and
 * map_parse_bbox, checked against an independent reading. A degree value is accepted exactly
 * when it matches [+-]?[0-9]{1,3}(\.[0-9]{1,15})? and lies within the limit once rounded; the
 * microdegrees are strtod's value rounded (one unit either way for ties); a box holds four
 * such values within the world, min below max, and written back it reads the same.
 */
#include "fuzz.h"

#include "common/map.h"

#include <math.h>
#include <regex.h>

static regex_t degree_re;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	FUZZ_CHECK(regcomp(&degree_re, "^[+-]?[0-9]{1,3}([.][0-9]{1,15})?$", REG_EXTENDED) == 0);
	return 0;
}

static void
check_degrees(const char *s, long long limit)
{
	long long e6 = 0;
	bool ok = map_parse_degrees(s, limit, &e6);
	bool shape = regexec(&degree_re, s, 0, NULL, 0) == 0;
	if (!shape) {
		FUZZ_CHECK(!ok);
		return;
	}
	double expect = strtod(s, NULL) * 1e6;
	if (!ok) {
		/* refused only when out of range */
		FUZZ_CHECK(fabs(expect) >= (double)limit * 1e6);
		return;
	}
	FUZZ_CHECK(e6 >= -limit * 1000000 && e6 <= limit * 1000000);
	FUZZ_CHECK(fabs((double)e6 - expect) <= 1.0);
	char back[40];
	snprintf(back, sizeof(back), "%s%lld.%06lld", e6 < 0 ? "-" : "", llabs(e6) / 1000000,
		 llabs(e6) % 1000000);
	long long again;
	FUZZ_CHECK(map_parse_degrees(back, limit, &again) && again == e6);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_string(data, size);
	check_degrees(s, 90);
	check_degrees(s, 180);
	long long box[4];
	if (map_parse_bbox(s, box)) {
		FUZZ_CHECK(box[0] < box[2] && box[1] < box[3]);
		for (int i = 0; i < 4; i++)
			FUZZ_CHECK(llabs(box[i]) <= (i % 2 ? 90 : 180) * 1000000LL);
		char back[128];
		long long again[4];
		snprintf(back, sizeof(back),
			 "%s%lld.%06lld,%s%lld.%06lld,%s%lld.%06lld,%s%lld.%06lld",
			 box[0] < 0 ? "-" : "", llabs(box[0]) / 1000000, llabs(box[0]) % 1000000,
			 box[1] < 0 ? "-" : "", llabs(box[1]) / 1000000, llabs(box[1]) % 1000000,
			 box[2] < 0 ? "-" : "", llabs(box[2]) / 1000000, llabs(box[2]) % 1000000,
			 box[3] < 0 ? "-" : "", llabs(box[3]) / 1000000, llabs(box[3]) % 1000000);
		FUZZ_CHECK(map_parse_bbox(back, again) && !memcmp(again, box, sizeof(box)));
	}
	free(s);
	return 0;
}
