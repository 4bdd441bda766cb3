// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The catalog keys the publication pages build at run time from the kinds' tables: every
 * kind's navigation label and not-found error, every field's label, every choice's label, in
 * the three built-in languages. Adding a field or a choice without its labels fails here.
 */
#include "publications/publication.h"

#include "catalog.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#define MAX_KEYS 512

static json_t *cats[3];

static int
setup(void **state)
{
	(void)state;
	cats[0] = test_catalog("ar");
	cats[1] = test_catalog("fr");
	cats[2] = test_catalog("en");
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	for (int i = 0; i < 3; i++)
		json_decref(cats[i]);
	return 0;
}

static char *keys[MAX_KEYS];
static size_t nkeys;

/* The key made of parts joined by '_' (empty parts left out), added to keys[]. */
static void
add(const char *a, const char *b, const char *c)
{
	assert_true(nkeys < MAX_KEYS);
	char buf[160];
	snprintf(buf, sizeof(buf), "%s%s%s%s%s", a, *b ? "_" : "", b, *c ? "_" : "", c);
	keys[nkeys++] = strdup(buf);
}

static void
release(void)
{
	while (nkeys)
		free(keys[--nkeys]);
}

static void
test_kind_keys(void **state)
{
	(void)state;
	size_t kinds = 0;
	for (const struct kind *k = publication_kinds; k->name; k++, kinds++) {
		add("nav", k->path, "");
		add("error", k->name, "not_found");
		for (size_t i = 0; i < k->nfields; i++) {
			const struct field *f = &k->fields[i];
			add("field", k->name, f->name);
			for (const char *const *c = f->choices; f->type == FIELD_CHOICE && *c; c++)
				add(k->name, f->name, *c);
		}
	}
	assert_true(kinds >= 4);
	assert_true(nkeys > 60); /* the tables were read */
	assert_string_equal(test_catalog_missing(cats, keys, nkeys), "");
	release();
}

static void
test_status_keys(void **state)
{
	(void)state;
	add("status", "draft", "");
	add("status", "published", "");
	add("status", "unpublished", "");
	add("map_label", "projects", "");
	add("map_label", "project", "");
	assert_string_equal(test_catalog_missing(cats, keys, nkeys), "");
	release();
}

/* The check itself: a key no catalog has is reported. */
static void
test_missing_is_reported(void **state)
{
	(void)state;
	add("field", "project", "no_such_field");
	assert_string_equal(test_catalog_missing(cats, keys, nkeys),
			    "field_project_no_such_field ");
	release();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kind_keys),
		cmocka_unit_test(test_status_keys),
		cmocka_unit_test(test_missing_is_reported),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
