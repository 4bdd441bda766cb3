// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef PUBLICATIONS_PUBLICATION_H
#define PUBLICATIONS_PUBLICATION_H

#include "common/outbox.h"
#include "common/status.h"

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * What the commune publishes, as kinds of one general mechanism: a kind is a list of typed
 * fields; items are validated against it, stored in one table (db_publication.c),
 * go draft -> published -> (edited, every version kept) -> unpublished with a public reason,
 * and every public change is an event "<kind>.published|updated|unpublished" that the peer
 * mirrors. Pages are generic too (page_publication.c) with per-kind templates.
 */
enum field_type {
	FIELD_TEXT,     /* per-language short text {"ar": .., "fr": ..}, ≤ max characters */
	FIELD_MARKDOWN, /* per-language Markdown, ≤ max characters */
	FIELD_CHOICE,   /* one of choices (labels: t["<kind>_<field>_<choice>"]) */
	FIELD_INT,      /* integer in [min, max] */
	FIELD_DATE,     /* YYYY-MM-DD */
	FIELD_BOOL,     /* checkbox */
	FIELD_PATTERN,  /* ASCII text matching the kind's check (e.g. a deliberation number) */
};

/* Largest serialized data of one item (bytes): it must fit in one event with its envelope. */
#define PUBLICATION_DATA_MAX OUTBOX_DATA_MAX

struct field {
	const char *name;
	enum field_type type;
	bool required;
	long long min, max;               /* FIELD_INT bounds; max characters for texts */
	const char *const *choices;       /* NULL-terminated, FIELD_CHOICE */
	bool filter;                      /* offered as a list filter */
	bool (*check)(const char *value); /* FIELD_PATTERN */
};

/* A field's row in a kind's table: a text or Markdown (max characters), a choice (filt: a list
 * filter), an integer in [lo, hi] (INTF: a list filter), a date, a checkbox. */
#define PUB_TEXT(n, req, max)                                                                      \
	{                                                                                          \
		n, FIELD_TEXT, req, 0, max, NULL, false, NULL                                      \
	}
#define PUB_MARKDOWN(n, max)                                                                       \
	{                                                                                          \
		n, FIELD_MARKDOWN, false, 0, max, NULL, false, NULL                                \
	}
#define PUB_CHOICE(n, req, list, filt)                                                             \
	{                                                                                          \
		n, FIELD_CHOICE, req, 0, 0, list, filt, NULL                                       \
	}
#define PUB_INT(n, req, lo, hi)                                                                    \
	{                                                                                          \
		n, FIELD_INT, req, lo, hi, NULL, false, NULL                                       \
	}
#define PUB_INTF(n, req, lo, hi)                                                                   \
	{                                                                                          \
		n, FIELD_INT, req, lo, hi, NULL, true, NULL                                        \
	}
#define PUB_DATE(n, req)                                                                           \
	{                                                                                          \
		n, FIELD_DATE, req, 0, 0, NULL, false, NULL                                        \
	}
#define PUB_BOOL(n)                                                                                \
	{                                                                                          \
		n, FIELD_BOOL, false, 0, 0, NULL, false, NULL                                      \
	}

struct kind {
	const char *name; /* "project": event types "project.published"... */
	const char *path; /* "projects": /projects, /staff/projects */
	const struct field *fields;
	size_t nfields;
	const char *title_field;  /* a FIELD_TEXT shown as the item's title */
	const char *sort_date;    /* a FIELD_DATE to sort the list by (NULL: published_at) */
	const char *write_action; /* the grant staff need to write items of this kind */
	/* a FIELD_PATTERN no two own items of this kind share (a service's key), or NULL */
	const char *unique_field;
	/* the template of an item's page when not "publication_item" (a kind with its own page) */
	const char *item_template;
};

/* The kinds this module serves (NULL-name terminated). */
extern const struct kind publication_kinds[];

/*
 * A kind another module brings (its fields, pages and templates live in that module): it
 * lists {PUB_KIND_EXT, &its_kind} in its extends, and the publications module's open adds it
 * to the lookups below (at most PUB_KINDS_EXTRA of them), on the platforms that serve it.
 */
#define PUB_KIND_EXT "publication.kind"
#define PUB_KINDS_EXTRA 8
struct app;
/* The publications module's open: collect the other modules' kinds; its close forgets them. */
int publication_kinds_open(struct app *app);
void publication_kinds_close(struct app *app);

/* The kind called name or served at path: the built-in ones, then the other modules'. */
const struct kind *publication_kind(const char *name);
const struct kind *publication_kind_by_path(const char *path);

/*
 * Read an item's fields from a form (lookup returns the value of a field name, NULL when
 * absent; per-language fields are "<field>_<lang>" for each of langs) into a new data object.
 * On failure returns NULL and sets *error (a stable code like "title_required",
 * "progress_out_of_range") and *field; the partial data (what was typed) goes to *partial so the
 * form can be shown again.
 */
json_t *publication_from_form(const struct kind *k,
			      const char *(*lookup)(void *ctx, const char *name), void *ctx,
			      json_t *langs, const char **error, const char **field,
			      json_t **partial);

/* Check a data object received from the peer against the kind (types, bounds, choices, and a
 * project's milestones [{date, text}]). */
bool publication_data_is_valid(const struct kind *k, json_t *data);

#endif
