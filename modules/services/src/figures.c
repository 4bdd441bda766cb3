// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The services' public figures: computed on the official platform by a periodic job from what
 * the forms and appointments modules count (aggregates only), stored, and emitted as
 * "service.figures" only when they changed; the citizen platform stores what the event carries.
 * Both platforms then show the stored object as it is, so their pages and JSON agree.
 */
#include "internal.h"

#include "appointments/appointments.h"
#include "common/app.h"
#include "common/db.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/module.h"
#include "common/outbox.h"
#include "db_service.h"
#include "forms/forms.h"
#include "publications/db_publication.h"
#include "publications/publication.h"

#include <string.h>

/* The figures of one published service now, from the two contracts: a new object or NULL. */
static json_t *
compute(const char *key, json_t *data)
{
	json_t *delay = json_object_get(data, "legal_delay_days");
	int legal = json_is_integer(delay) ? (int)json_integer_value(delay) : 0;
	int min = (int)services_settings.min_sample;
	bool form = false, booking = false;
	json_t *ff = NULL, *af = NULL, *out = NULL;
	if (forms_offered(key, &form) == STATUS_OK &&
	    appointments_offered(key, &booking) == STATUS_OK &&
	    forms_figures(key, legal, min, &ff) == STATUS_OK &&
	    appointments_figures(key, min, &af) == STATUS_OK)
		out = service_figures_make(key, form, booking, ff, af, min);
	json_decref(ff);
	json_decref(af);
	return out;
}

/*
 * Store and emit fig for key when it differs from what is stored, in one transaction.
 * Returns 1 when emitted, 0 when unchanged, OUTBOX_BUSY, or -1.
 */
static int
publish_if_changed(const char *key, json_t *fig)
{
	json_t *had = NULL;
	char when[OUTBOX_TIME_SIZE] = "";
	if (db_begin() < 0)
		return -1;
	if (db_service_figures_get(key, true, &had) != STATUS_OK) {
		db_rollback();
		return -1;
	}
	bool same = had && json_equal(had, fig);
	json_decref(had);
	if (same) {
		db_rollback();
		return 0;
	}
	json_t *refs =
		json_pack("[{s:s, s:s, s:s}]", "origin", "official", "type", "service", "id", key);
	int rc = outbox_emit("service.figures", refs, json_deep_copy(fig), when);
	if (rc == 0 && (db_service_figures_put(key, fig, when) != STATUS_OK || db_commit() < 0))
		rc = -1;
	if (rc != 0) {
		db_rollback();
		return rc;
	}
	return 1;
}

int
services_figures_run(struct app *app)
{
	json_t *own = db_pub_list_own(app->side, service_kind.name, SERVICES_MAX);
	if (!own) {
		log_warn("services figures: the services could not be read");
		return -1;
	}
	int emitted = 0, rc = 0;
	size_t i;
	json_t *it;
	json_array_foreach(own, i, it)
	{
		json_t *data = json_object_get(it, "data");
		const char *key = json_string_value(json_object_get(data, "key"));
		if (strcmp(json_string_value(json_object_get(it, "status")), "published") != 0 ||
		    !service_key_is_valid(key))
			continue;
		json_t *fig = compute(key, data);
		int r = fig ? publish_if_changed(key, fig) : -1;
		json_decref(fig);
		if (r == OUTBOX_BUSY) {
			/* the ceiling of this minute: the next run goes on */
			log_warn("services figures: the event ceiling is reached; the rest waits");
			break;
		}
		if (r < 0) {
			log_warn("services figures of %s could not be computed or stored", key);
			rc = -1;
			continue;
		}
		emitted += r;
	}
	json_decref(own);
	if (emitted)
		log_info("services figures: %d service(s) changed, emitted", emitted);
	return rc;
}

enum status
hook_service_figures(const struct hook_event *ev)
{
	/* the commune's own figures: only the official platform computes them */
	if (strcmp(ev->origin, "official") != 0 || !service_figures_are_valid(ev->data)) {
		log_warn("service.figures event from %s does not have the expected fields",
			 ev->origin);
		return STATUS_INVALID;
	}
	const char *key = json_string_value(json_object_get(ev->data, "service"));
	return db_service_figures_put(key, ev->data, ev->occurred_at);
}

json_t *
service_figures_view(const char *key)
{
	json_t *f = NULL;
	if (db_service_figures_get(key, false, &f) != STATUS_OK)
		return NULL;
	return f ? f : json_null();
}

int
services_accountability_fill(struct request *req, json_t *view)
{
	json_t *all = db_service_figures_all();
	enum status st;
	json_t *list = all ? db_pub_list(service_kind.name, NULL, NULL, NULL, NULL, SERVICES_MAX,
					 false, &st)
			   : NULL;
	if (!list) {
		json_decref(all);
		return -1;
	}
	/* the published services' titles, then their figures in the order of their keys */
	json_t *titles = json_object(), *rows = json_array(), *it, *fig;
	size_t i;
	json_array_foreach(json_object_get(list, "items"), i, it)
	{
		json_t *data = json_object_get(it, "data");
		const char *title = i18n_pick(json_object_get(data, "title"), req->lang, NULL);
		const char *key = json_string_value(json_object_get(data, "key"));
		if (key)
			json_object_set_new(titles, key, json_string(title ? title : key));
	}
	const char *key;
	json_object_foreach(all, key, fig)
	{
		json_t *title = json_object_get(titles, key);
		if (title)
			json_array_append_new(
				rows,
				json_pack("{s:s, s:O, s:s, s:O, s:o}", "service", key, "title",
					  title, "url",
					  arena_printf(req->arena, "/services/%s", key), "figures",
					  fig, "shown", service_figures_shown(req, fig)));
	}
	json_decref(titles);
	json_decref(list);
	json_decref(all);
	json_object_set_new(view, "has_services_figures", json_boolean(json_array_size(rows)));
	json_object_set_new(view, "services_figures", rows);
	json_object_set_new(view, "min_sample_services",
			    json_integer(services_settings.min_sample));
	return 0;
}
