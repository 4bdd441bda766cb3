// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The residents' pages of the catalogue, on both platforms (the citizen one shows the mirror):
 * the catalogue grouped by life event, with a search and filters that are a plain GET form,
 * and each service's sheet (/services/{key}, or its item id), with the links to the online form
 * and the booking (on the official platform; absolute links there from the citizen one), the
 * national portal, the public figures and the residents' reactions.
 */
#include "internal.h"

#include "appointments/appointments.h"
#include "common/app.h"
#include "common/atom.h"
#include "common/check.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/strbuf.h"
#include "common/xalloc.h"
#include "forms/forms.h"
#include "publications/db_publication.h"
#include "publications/page_publication.h"
#include "publications/publication.h"
#include "reactions/reactions.h"

#include <stdio.h>
#include <string.h>

#define QUERY_MAX 200

static const char *
t_get(struct request *req, const char *key)
{
	return i18n_get(req->app->i18n, req->lang, key);
}

static const struct field *
field_of(const char *name)
{
	for (size_t i = 0; i < service_kind.nfields; i++)
		if (strcmp(service_kind.fields[i].name, name) == 0)
			return &service_kind.fields[i];
	return NULL;
}

/* The label of choice v of field name in the reader's language. */
static const char *
choice_label(struct request *req, const char *name, const char *v)
{
	return pub_choice_label(req, &service_kind, field_of(name), v);
}

/* ---- the catalogue ---- */

/*
 * The filter ?name= of a choice field into filter and its select's options into filters; false
 * (replied 400 invalid_filter) for a value the field does not know.
 */
static bool
read_choice(struct request *req, const char *name, json_t *filter, json_t *filters)
{
	const struct field *f = field_of(name);
	const char *v = http_query(req, name);
	json_t *opts = json_array();
	bool known = !v || !*v;
	for (const char *const *c = f->choices; *c; c++) {
		bool sel = v && strcmp(v, *c) == 0;
		known = known || sel;
		json_array_append_new(opts,
				      json_pack("{s:s, s:s, s:b}", "value", *c, "label",
						choice_label(req, name, *c), "selected", sel));
	}
	json_array_append_new(
		filters, json_pack("{s:s, s:s, s:o}", "name", name, "label",
				   t_get(req, arena_printf(req->arena, "field_service_%s", name)),
				   "options", opts));
	if (!known) {
		http_error(req, STATUS_INVALID, "invalid_filter",
			   "a filter has a value this list does not know");
		return false;
	}
	if (v && *v)
		json_object_set_new(filter, name, json_string(v));
	return true;
}

/* One service of the catalogue as a card. */
static json_t *
card(struct request *req, json_t *it)
{
	json_t *data = json_object_get(it, "data");
	const char *key = json_str(data, "key");
	const char *used = NULL;
	const char *title = i18n_pick(json_object_get(data, "title"), req->lang, &used);
	const char *summary = i18n_pick(json_object_get(data, "summary"), req->lang, NULL);
	json_t *c = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "key", key, "title",
			      title ? title : key, "title_lang", used ? used : req->lang, "url",
			      arena_printf(req->arena, "/services/%s", key), "mode",
			      json_str(data, "mode"), "mode_label",
			      choice_label(req, "mode", json_str(data, "mode")));
	if (summary)
		json_object_set_new(c, "summary_lines", text_lines(summary));
	return c;
}

/* The services of list grouped by life event, in the catalogue's order; empty groups left out. */
static json_t *
groups_of(struct request *req, json_t *items)
{
	json_t *groups = json_array();
	for (const char *const *e = service_life_events; *e; e++) {
		json_t *services = json_array();
		size_t i;
		json_t *it;
		json_array_foreach(items, i, it)
		{
			if (strcmp(json_str(json_object_get(it, "data"), "life_event"), *e) == 0)
				json_array_append_new(services, card(req, it));
		}
		if (json_array_size(services))
			json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "life_event", *e,
								"label",
								choice_label(req, "life_event", *e),
								"services", services));
		else
			json_decref(services);
	}
	return groups;
}

/* A service's sheet, for its feed entry: /services/{key}. */
static const char *
sheet_link(struct request *req, json_t *row)
{
	return arena_printf(req->arena, "/services/%s",
			    json_str(json_object_get(row, "data"), "key"));
}

/* The catalogue's filters and search as a query string "life_event=..&mode=..&q=.." (arena),
 * for its feed. */
static const char *
catalogue_query(struct request *req, json_t *filter, const char *q)
{
	struct strbuf qs = STRBUF_INIT;
	const char *key;
	json_t *v;
	json_object_foreach(filter, key, v)
	{
		strbuf_addf(&qs, "%s%s=", qs.len ? "&" : "", key);
		strbuf_addurlenc(&qs, json_string_value(v));
	}
	if (q && *q) {
		strbuf_addstr(&qs, qs.len ? "&q=" : "q=");
		strbuf_addurlenc(&qs, q);
	}
	const char *out = arena_strdup(req->arena, qs.buf);
	strbuf_release(&qs);
	return out;
}

void
page_service_catalogue(struct request *req)
{
	json_t *filter = json_object(), *filters = json_array(), *list = NULL;
	const char *q = http_query(req, "q");
	enum status st = STATUS_UNAVAILABLE;
	if (!read_choice(req, "life_event", filter, filters) ||
	    !read_choice(req, "mode", filter, filters))
		goto out;
	if (q && utf8_length(q) > QUERY_MAX) {
		http_error(req, STATUS_INVALID, "query_too_long", "the search is too long");
		goto out;
	}
	list = db_pub_list(service_kind.name, NULL, filter, q && *q ? q : NULL, NULL, SERVICES_MAX,
			   false, &st);
	if (!list) {
		page_db_unavailable(req);
		goto out;
	}
	json_t *items = json_object_get(list, "items");
	const char *query = catalogue_query(req, filter, q);
	if (feed_wanted(req)) {
		pub_feed(req, &service_kind, items, t_get(req, "nav_services"), query, sheet_link);
		goto out;
	}
	bool searched = (q && *q) || json_object_size(filter);
	json_t *view = json_pack("{s:o, s:I, s:s, s:b, s:O}", "groups", groups_of(req, items),
				 "count", (json_int_t)json_array_size(items), "q", q ? q : "",
				 "searched", searched, "filters", filters);
	json_object_set_new(view, "has_services", json_boolean(json_array_size(items) > 0));
	feed_advertise(req, t_get(req, "nav_services"), query);
	http_render(req, 200, "service_catalogue", view);
out:
	json_decref(list);
	json_decref(filter);
	json_decref(filters);
}

/* ---- the sheet ---- */

/* "4.5" from tenths (an arena string); NULL for json null. */
static const char *
tenths_text(struct request *req, json_t *v)
{
	if (!json_is_integer(v))
		return NULL;
	long long n = json_integer_value(v);
	return arena_printf(req->arena, "%lld.%lld", n / 10, n % 10);
}

static const char *
pct_text(struct request *req, json_t *v)
{
	return json_is_integer(v)
		       ? arena_printf(req->arena, "%lld %%", (long long)json_integer_value(v))
		       : NULL;
}

/* What the figures f show, as texts (the page's; the JSON keeps f). */
json_t *
service_figures_shown(struct request *req, json_t *f)
{
	const char *next = json_str(f, "next_free");
	json_t *s = json_object();
	const char *v;
	if ((v = tenths_text(req, json_object_get(f, "median_days_tenths"))))
		json_object_set_new(s, "median", json_string(v));
	if ((v = tenths_text(req, json_object_get(f, "p90_days_tenths"))))
		json_object_set_new(s, "p90", json_string(v));
	if ((v = pct_text(req, json_object_get(f, "within_delay_pct"))))
		json_object_set_new(s, "within", json_string(v));
	if ((v = pct_text(req, json_object_get(f, "no_show_pct"))))
		json_object_set_new(s, "no_show", json_string(v));
	if (*next) /* "2026-12-08T09:30:00+01:00" -> "2026-12-08 09:30" */
		json_object_set_new(
			s, "next_free",
			json_sprintf("%.10s %.5s", next, strlen(next) > 11 ? next + 11 : ""));
	json_object_set(s, "files", json_object_get(f, "files"));
	json_object_set(s, "decided", json_object_get(f, "decided"));
	json_object_set(s, "bookings", json_object_get(f, "bookings"));
	json_object_set(s, "min_sample", json_object_get(f, "min_sample"));
	json_object_set(s, "has_forms", json_object_get(f, "form_offered"));
	json_object_set(s, "has_bookings", json_object_get(f, "booking_offered"));
	json_object_set_new(s, "has_any",
			    json_boolean(json_is_true(json_object_get(f, "form_offered")) ||
					 json_is_true(json_object_get(f, "booking_offered"))));
	return s;
}

/*
 * Where the form and the booking of key are, when offered: on the official platform its own
 * paths (asked of the forms and appointments modules now); on the citizen platform the
 * official's absolute addresses, as the mirrored figures last said.
 */
static void
add_links(struct request *req, const char *key, json_t *fig, json_t *view)
{
	struct app *app = req->app;
	bool form = false, booking = false;
	const char *base = "";
	if (strcmp(app->side, "official") == 0) {
		if (forms_offered(key, &form) != STATUS_OK ||
		    appointments_offered(key, &booking) != STATUS_OK)
			log_warn("service %s: whether it takes files or bookings is unknown", key);
	} else {
		form = json_is_true(json_object_get(fig, "form_offered"));
		booking = json_is_true(json_object_get(fig, "booking_offered"));
		base = app->cfg.peer_url;
		if (!base)
			form = booking = false; /* nowhere to send the resident */
	}
	if (form)
		json_object_set_new(view, "form_url",
				    json_sprintf("%s/services/%s/form", base, key));
	if (booking)
		json_object_set_new(view, "book_url",
				    json_sprintf("%s/services/%s/book", base, key));
}

static void
add_fact(struct request *req, json_t *facts, const char *name, const char *label_key,
	 const char *value)
{
	json_array_append_new(facts, json_pack("{s:s, s:s, s:s}", "name", name, "label",
					       t_get(req, label_key), "value", value));
}

/* The sheet's facts: life event, mode, department, fees, delay, where and when. */
static void
add_facts(struct request *req, json_t *data, json_t *view)
{
	json_t *facts = json_array();
	json_t *fees = json_object_get(data, "fees_da");
	json_t *delay = json_object_get(data, "legal_delay_days");
	const char *v;
	add_fact(req, facts, "life_event", "field_service_life_event",
		 choice_label(req, "life_event", json_str(data, "life_event")));
	add_fact(req, facts, "mode", "field_service_mode",
		 choice_label(req, "mode", json_str(data, "mode")));
	if ((v = i18n_pick(json_object_get(data, "department"), req->lang, NULL)))
		add_fact(req, facts, "department", "field_service_department", v);
	if (json_is_integer(fees))
		add_fact(req, facts, "fees_da", "field_service_fees_da",
			 json_integer_value(fees) == 0
				 ? t_get(req, "service_fees_free")
				 : arena_printf(req->arena, "%s %s",
						pub_digits_text(req, json_integer_value(fees)),
						t_get(req, "currency")));
	if (json_is_integer(delay) && json_integer_value(delay) > 0)
		add_fact(req, facts, "legal_delay_days", "field_service_legal_delay_days",
			 arena_printf(req->arena, "%lld %s", (long long)json_integer_value(delay),
				      t_get(req, "service_days")));
	if ((v = i18n_pick(json_object_get(data, "place"), req->lang, NULL)))
		add_fact(req, facts, "place", "field_service_place", v);
	v = i18n_pick(json_object_get(data, "hours"), req->lang, NULL);
	add_fact(req, facts, "hours", "field_service_hours",
		 v ? v : t_get(req, "service_hours_default"));
	json_object_set_new(view, "service_facts", facts);
}

void
service_item_view(struct request *req, json_t *item, json_t *view)
{
	json_t *data = json_object_get(item, "data");
	const char *key = json_str(data, "key");
	bool published = strcmp(json_str(item, "status"), "published") == 0;
	json_t *fig = service_figures_view(key);
	json_object_set_new(view, "key", json_string(key));
	json_object_set_new(view, "figures", fig ? json_incref(fig) : json_null());
	if (json_is_object(fig))
		json_object_set_new(view, "figures_shown", service_figures_shown(req, fig));
	if (published) {
		add_facts(req, data, view);
		add_links(req, key, fig, view);
		const char *url = json_str(data, "portal_url");
		if (*url && strcmp(json_str(data, "mode"), "portal") == 0)
			json_object_set_new(view, "portal_url", json_string(url));
	}
	json_decref(fig);
	reaction_item_extras(req, item, view);
}

/* The sheet's item: by key, or by item id (the links of the history and the mirror). */
static json_t *
load_sheet(struct request *req, enum status *st)
{
	const char *ref = http_param(req, "key");
	*st = STATUS_NOT_FOUND;
	if (ref && strspn(ref, "0123456789") == strlen(ref)) {
		long long id = page_parse_id(ref);
		return id > 0 ? db_pub_get(service_kind.name, id, false, st) : NULL;
	}
	if (!service_key_is_valid(ref))
		return NULL;
	return db_pub_get_by_value(service_kind.name, "key", ref, st);
}

void
page_service_sheet(struct request *req)
{
	enum status st;
	json_t *item = load_sheet(req, &st);
	if (!item) {
		page_read_failed(req, st, "service_not_found", "there is no such service");
		return;
	}
	json_t *view = pub_item_view(req, &service_kind, item);
	json_decref(item);
	http_render(req, 200, service_kind.item_template, view);
}
