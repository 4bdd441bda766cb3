// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * C2SP tile paths (protocol/src/tlog.c, tlog_tile_parse, what the tile endpoint reads):
 * a path that parses has a level 0..6, an index below 10^15 and a width 1..256, and is
 * written back byte for byte (one spelling); whatever parses is also what tlog_tile_path writes.
 */
#include "fuzz.h"

#include "protocol/tlog.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128];
	int level, width;
	long long index;

	if (size >= sizeof(path))
		return 0;
	memcpy(path, data, size);
	path[size] = '\0';
	if (tlog_tile_parse(path, &level, &index, &width) < 0)
		return 0;
	FUZZ_CHECK(level >= 0 && level <= 6);
	FUZZ_CHECK(index >= 0 && index < 1000000000000000LL);
	FUZZ_CHECK(width >= 1 && width <= 256);
	struct strbuf again = STRBUF_INIT;
	tlog_tile_path(level, index, width, &again);
	FUZZ_CHECK(strcmp(again.buf, path) == 0);
	strbuf_release(&again);
	return 0;
}
