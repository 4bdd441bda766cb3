// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * template: the Mustache engine behind every page (common/template.h). A source is parsed once
 * (template_parse.c) and rendered by walking its nodes (template_render.c); this file finds the
 * partials a render names: loaded and parsed once per mustache_render call, or once for all in
 * a template_set, the cache the pages use.
 */
#include "common/template.h"

#include "template_internal.h"

#include "common/log.h"
#include "common/xalloc.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A parsed template by name, in mustache_render's list or in a set's hash table. */
struct entry {
	struct entry *next;
	uint32_t hash;
	struct tmpl *tmpl; /* NULL after a syntax error */
	char name[];
};

static struct entry *
entry_new(const char *name, uint32_t hash, struct tmpl *t)
{
	size_t name_len = strlen(name);
	struct entry *e = xmalloc(sizeof(*e) + name_len + 1);

	memcpy(e->name, name, name_len + 1);
	e->hash = hash;
	e->tmpl = t;
	e->next = NULL;
	return e;
}

static void
entry_free(struct entry *e)
{
	tmpl_free(e->tmpl);
	free(e);
}

/* Load and parse name: 1 when the loader does not know it, else 0 with *t (NULL after a syntax
 * error, whose reason is in err). */
static int
load_parse(template_load_fn load, void *ctx, const char *name, struct tmpl **t, struct strbuf *err)
{
	struct strbuf src = STRBUF_INIT;

	if (!load || load(ctx, name, &src) < 0) {
		strbuf_release(&src);
		return 1;
	}
	size_t len;
	char *buf = strbuf_detach(&src, &len);
	*t = tmpl_parse(buf, len, buf, err);
	return 0;
}

/* mustache_render: partials are loaded and parsed once per call. */
struct local {
	template_load_fn load;
	void *ctx;
	struct entry *list;
};

static int
local_resolve(struct render *r, const char *name, const struct tmpl **out)
{
	struct local *l = r->resolve_ctx;
	struct entry *e;

	for (e = l->list; e; e = e->next)
		if (strcmp(e->name, name) == 0)
			break;
	if (!e) {
		struct strbuf err = STRBUF_INIT;
		struct tmpl *t;
		if (load_parse(l->load, l->ctx, name, &t, &err)) {
			strbuf_release(&err);
			return 1;
		}
		e = entry_new(name, 0, t);
		e->next = l->list;
		l->list = e;
		if (!t && r->err)
			strbuf_addf(r->err, "partial \"%s\": %s", name, err.buf);
		strbuf_release(&err);
	}
	*out = e->tmpl;
	return e->tmpl ? 0 : -1;
}

int
mustache_render(const char *tmpl, size_t len, const json_t *data, template_load_fn load, void *ctx,
		struct strbuf *out, struct strbuf *err)
{
	struct local l = {.load = load, .ctx = ctx};
	struct render r = {.out = out, .err = err, .resolve = local_resolve, .resolve_ctx = &l};
	struct strbuf parse_err = STRBUF_INIT;
	int rc = -1;

	struct tmpl *t = tmpl_parse(tmpl, len, NULL, err ? err : &parse_err);
	if (!t)
		goto out;
	rc = tmpl_render(&r, t, data, NULL);
	tmpl_free(t);
out:
	strbuf_release(&parse_err);
	while (l.list) {
		struct entry *e = l.list;
		l.list = e->next;
		entry_free(e);
	}
	return rc;
}

/* template_set: a hash table of parsed templates, only ever added to until freed. */
struct template_set {
	template_load_fn load;
	void *ctx;
	pthread_rwlock_t lock;
	struct entry **buckets;
	size_t nbuckets; /* a power of two */
	size_t nr;
};

static uint32_t
hash_name(const char *s)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

struct template_set *
template_set_new(template_load_fn load, void *ctx)
{
	struct template_set *set = xcalloc(1, sizeof(*set));

	set->load = load;
	set->ctx = ctx;
	set->nbuckets = 64;
	set->buckets = xcalloc(set->nbuckets, sizeof(*set->buckets));
	if (pthread_rwlock_init(&set->lock, NULL))
		die("could not create a template set lock");
	return set;
}

void
template_set_free(struct template_set *set)
{
	if (!set)
		return;
	for (size_t b = 0; b < set->nbuckets; b++) {
		while (set->buckets[b]) {
			struct entry *e = set->buckets[b];
			set->buckets[b] = e->next;
			entry_free(e);
		}
	}
	free(set->buckets);
	pthread_rwlock_destroy(&set->lock);
	free(set);
}

static struct entry *
set_find(const struct template_set *set, const char *name, uint32_t hash)
{
	struct entry *e = set->buckets[hash & (set->nbuckets - 1)];

	for (; e; e = e->next)
		if (e->hash == hash && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void
set_insert(struct template_set *set, struct entry *e)
{
	if (set->nr >= set->nbuckets) {
		size_t nb = set->nbuckets * 2;
		struct entry **buckets = xcalloc(nb, sizeof(*buckets));
		for (size_t b = 0; b < set->nbuckets; b++) {
			while (set->buckets[b]) {
				struct entry *x = set->buckets[b];
				set->buckets[b] = x->next;
				x->next = buckets[x->hash & (nb - 1)];
				buckets[x->hash & (nb - 1)] = x;
			}
		}
		free(set->buckets);
		set->buckets = buckets;
		set->nbuckets = nb;
	}
	e->next = set->buckets[e->hash & (set->nbuckets - 1)];
	set->buckets[e->hash & (set->nbuckets - 1)] = e;
	set->nr++;
}

/*
 * Find or load, parse and cache name. Missing templates are not cached (dynamic names come
 * from data, and the cache must not grow with it); syntax errors are, and logged once.
 */
static int
set_resolve(struct render *r, const char *name, const struct tmpl **out)
{
	struct template_set *set = r->resolve_ctx;
	uint32_t hash = hash_name(name);
	struct entry *e;

	pthread_rwlock_rdlock(&set->lock);
	e = set_find(set, name, hash);
	pthread_rwlock_unlock(&set->lock);
	if (!e) {
		struct strbuf err = STRBUF_INIT;
		struct tmpl *t;
		if (load_parse(set->load, set->ctx, name, &t, &err)) {
			strbuf_release(&err);
			return 1;
		}

		/* Another thread may have won the race; keep the first. */
		pthread_rwlock_wrlock(&set->lock);
		e = set_find(set, name, hash);
		bool inserted = !e;
		if (inserted) {
			e = entry_new(name, hash, t);
			set_insert(set, e);
		}
		pthread_rwlock_unlock(&set->lock);
		if (!inserted)
			tmpl_free(t);
		else if (!t)
			log_error("could not parse template \"%s\": %s", name, err.buf);
		strbuf_release(&err);
	}
	*out = e->tmpl;
	return e->tmpl ? 0 : -1;
}

int
template_render_rows(struct template_set *set, const char *name, const json_t *data,
		     const struct template_rows *rows, struct strbuf *out)
{
	struct strbuf err = STRBUF_INIT;
	struct render r = {.out = out, .err = &err, .resolve = set_resolve, .resolve_ctx = set};
	const struct tmpl *t;
	int rc = set_resolve(&r, name, &t);

	if (rc > 0)
		log_error("could not render template \"%s\": not found", name);
	if (rc)
		goto out;
	rc = tmpl_render(&r, t, data, rows);
	if (rc < 0 && err.len)
		log_error("could not render template \"%s\": %s", name, err.buf);
out:
	strbuf_release(&err);
	return rc ? -1 : 0;
}

int
template_render(struct template_set *set, const char *name, const json_t *data, struct strbuf *out)
{
	return template_render_rows(set, name, data, NULL, out);
}

void
template_value_text(struct template_value *v, const char *s)
{
	*v = s ? (struct template_value){TEMPLATE_TEXT, s, strlen(s)}
	       : (struct template_value){TEMPLATE_NULL};
}

json_t *
template_row_json(const struct template_rows *rows, size_t i)
{
	json_t *o = json_object();
	for (size_t f = 0; f < rows->nfields; f++) {
		struct template_value v = {TEMPLATE_ABSENT, NULL, 0, 0, NULL};
		json_t *j = NULL;
		rows->get(rows->self, i, f, &v);
		switch (v.type) {
		case TEMPLATE_ABSENT:
			continue;
		case TEMPLATE_NULL:
			j = json_null();
			break;
		case TEMPLATE_TEXT:
			j = json_stringn_nocheck(v.text, v.len);
			break;
		case TEMPLATE_INTEGER:
			j = json_integer(v.integer);
			break;
		case TEMPLATE_BOOL:
			j = json_boolean(v.integer);
			break;
		case TEMPLATE_JSON:
			j = v.json;
			break;
		}
		json_object_set_new_nocheck(o, rows->fields[f], j);
	}
	return o;
}

json_t *
template_rows_json(const struct template_rows *rows)
{
	json_t *a = json_array();
	for (size_t i = 0; i < rows->n; i++)
		json_array_append_new(a, template_row_json(rows, i));
	return a;
}
