// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The budget CSV import (modules/budgets/src/budget_csv.c). Any file is either refused (with a
 * file error or problems by line, never both empty) or read into lines that each pass the
 * check a peer's lines get (what we import, the peer accepts), and the open-data file written
 * from those lines reads back as the same lines.
 */
#include "fuzz.h"

#include "../../modules/budgets/src/internal.h"
#include "common/log.h"
#include "common/strbuf.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *file_error = NULL;
	struct budget_problems pb = {.list = json_array()};
	json_t *lines = budget_csv_parse((const char *)data, size, &file_error, &pb);
	if (!lines) {
		FUZZ_CHECK((file_error != NULL) != (pb.count > 0));
		FUZZ_CHECK(json_array_size(pb.list) ==
			   (pb.count < BUDGET_ERRORS_KEPT ? pb.count : BUDGET_ERRORS_KEPT));
		goto out;
	}
	FUZZ_CHECK(file_error == NULL && pb.count == 0);
	FUZZ_CHECK(json_array_size(lines) >= 1 && json_array_size(lines) <= BUDGET_MAX_LINES);
	size_t i;
	json_t *l;
	json_array_foreach(lines, i, l)
	{
		FUZZ_CHECK(budget_line_is_valid(l));
	}
	struct strbuf out = STRBUF_INIT;
	budget_csv_write(&out, lines);
	struct budget_problems pb2 = {.list = json_array()};
	json_t *back = budget_csv_parse(out.buf, out.len, &file_error, &pb2);
	if (!back)
		fprintf(stderr, "the written file is refused: %s\n%s\n",
			file_error ? file_error : json_dumps(pb2.list, 0), out.buf);
	FUZZ_CHECK(back != NULL);
	FUZZ_CHECK(json_equal(back, lines));
	json_decref(back);
	json_decref(pb2.list);
	strbuf_release(&out);
	json_decref(lines);
out:
	json_decref(pb.list);
	return 0;
}
