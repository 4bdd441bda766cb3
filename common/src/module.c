// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * What the served modules bring, looked up for this platform: their side's part, their
 * extensions, and the appliers of peer events.
 */
#include "common/module.h"

#include "common/app.h"
#include "common/outbox.h"

#include <stdbool.h>
#include <string.h>

const struct module_side *
module_side(const struct app *app, const struct module *m)
{
	return strcmp(app->side, "official") == 0 ? &m->official : &m->citizen;
}

static size_t
module_index(const struct app *app, const struct module *m)
{
	size_t i = 0;
	while (app->modules[i] && app->modules[i] != m)
		i++;
	return i;
}

void *
module_state(const struct app *app, const struct module *m)
{
	size_t i = module_index(app, m);
	return app->modules[i] ? app->module_state[i] : NULL;
}

void
module_state_set(struct app *app, const struct module *m, void *state)
{
	size_t i = module_index(app, m);
	if (app->modules[i])
		app->module_state[i] = state;
}

void
module_each_ext(const struct app *app, const char *point, void (*fn)(const void *impl, void *ctx),
		void *ctx)
{
	for (const struct module *const *m = app->modules; *m; m++)
		for (const struct module_ext *e = module_side(app, *m)->extends; e && e->point; e++)
			if (strcmp(e->point, point) == 0)
				fn(e->impl, ctx);
}

json_t *
module_facts(struct app *app, const char *from, const char *to)
{
	json_t *out = json_object();
	for (const struct module *const *m = app->modules; *m; m++) {
		const struct module_side *side = module_side(app, *m);
		if (side->facts && side->facts(app, from, to, out) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* A hook type matches exactly, or as "prefix.*" any type with that prefix. */
static bool
type_matches(const char *pattern, const char *type, bool exact)
{
	size_t n = strlen(pattern);
	bool is_prefix = n >= 2 && strcmp(pattern + n - 2, ".*") == 0;
	if (is_prefix == exact)
		return false;
	return is_prefix ? strncmp(pattern, type, n - 1) == 0 : strcmp(pattern, type) == 0;
}

/* The first entry of the served modules' tables (hooks or restorers) taking ev's type: exact
 * types first, so "budget.lines" is not taken by "budget.*". */
static const struct hook *
find_hook(const struct hook_event *ev, bool restorers)
{
	for (int exact = 1; exact >= 0; exact--)
		for (const struct module *const *m = ev->app->modules; *m; m++) {
			const struct module_side *side = module_side(ev->app, *m);
			for (const struct hook *h = restorers ? side->restorers : side->hooks;
			     h && h->type; h++)
				if (type_matches(h->type, ev->type, exact))
					return h;
		}
	return NULL;
}

enum status
hook_apply(const struct hook_event *ev)
{
	const struct hook *h = find_hook(ev, false);
	if (!h)
		return STATUS_NOT_FOUND;
	/* what it emits follows from the peer's event: no ceiling of ours (outbox.h) */
	outbox_applying_peer(true);
	enum status st = h->apply(ev);
	outbox_applying_peer(false);
	return st;
}

enum status
restorer_apply(const struct hook_event *ev)
{
	const struct hook *h = find_hook(ev, true);
	return h ? h->apply(ev) : STATUS_NOT_FOUND;
}
