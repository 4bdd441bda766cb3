// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * json_text (common/src/json_text.c), differentially: any JSON text jansson accepts (NUL in
 * strings allowed) is written back with exactly json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)'s
 * bytes.
 */
#include "fuzz.h"

#include "common/json_text.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *v = json_loadb((const char *)data, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (!v)
		return 0;
	char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (theirs) { /* NULL: deeper than jansson writes */
		struct strbuf ours = STRBUF_INIT;
		json_text_add(&ours, v);
		FUZZ_CHECK(ours.len == strlen(theirs) && memcmp(ours.buf, theirs, ours.len) == 0);
		strbuf_release(&ours);
		free(theirs);
	}
	json_decref(v);
	return 0;
}
