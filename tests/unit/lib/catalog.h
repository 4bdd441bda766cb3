// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef TESTS_UNIT_CATALOG_H
#define TESTS_UNIT_CATALOG_H

/*
 * For unit tests that check the catalog keys C code builds at run time ("field_%s_%s",
 * "report_status_%s"...): every layer's built-in messages of one language, merged, read from
 * the source tree (SOURCE_DIR, set by tests/unit/CMakeLists.txt).
 */
#include <glob.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline json_t *
test_catalog(const char *lang)
{
	static const char *const layers[] = {"common", "protocol", "modules/*"};
	json_t *all = json_object();
	for (size_t i = 0; i < sizeof(layers) / sizeof(layers[0]); i++) {
		char pattern[512];
		snprintf(pattern, sizeof(pattern), "%s/%s/locales/%s.*json", SOURCE_DIR, layers[i],
			 lang);
		glob_t g;
		if (glob(pattern, 0, NULL, &g) != 0)
			continue;
		for (size_t k = 0; k < g.gl_pathc; k++) {
			json_t *part = json_load_file(g.gl_pathv[k], 0, NULL);
			if (part)
				json_object_update(all, part);
			json_decref(part);
		}
		globfree(&g);
	}
	return all;
}

/* prefix and name joined, malloc'd (the caller frees). */
static inline char *
test_key(const char *prefix, const char *name)
{
	size_t a = strlen(prefix), b = strlen(name);
	char *k = malloc(a + b + 1);
	memcpy(k, prefix, a);
	memcpy(k + a, name, b + 1);
	return k;
}

/* The keys of keys[] (n of them) that no catalog of the three languages has, as one string
 * (empty when all are there), so a failing assert shows them. */
static inline const char *
test_catalog_missing(json_t *const cats[3], char *const *keys, size_t n)
{
	static char missing[4096];
	missing[0] = '\0';
	for (size_t i = 0; i < n; i++)
		for (int l = 0; l < 3; l++)
			if (!json_is_string(json_object_get(cats[l], keys[i]))) {
				strncat(missing, keys[i], sizeof(missing) - strlen(missing) - 2);
				strncat(missing, " ", sizeof(missing) - strlen(missing) - 1);
				break;
			}
	return missing;
}

#endif
