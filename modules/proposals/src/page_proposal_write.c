// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Submitting a proposal on the citizen platform: the form (a resident not yet verified is sent
 * to the verification page and back), the checks, the photo through the base's pipeline, and
 * the proposal itself, public at once or waiting for a moderator as the commune chose. The
 * author's verified contact is never stored with it, shown or sent: only the display name
 * they chose is public.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/map.h"
#include "common/page_util.h"
#include "common/photo.h"
#include "db_proposal.h"
#include "participation/participation.h"

#include <stdlib.h>
#include <string.h>

#define SUBMIT_RATE_PER_MINUTE 3

/* What the form brings, cleaned. */
struct submission {
	const char *type, *title, *body, *quarter, *name, *lat, *lon;
	bool has_point;
	long long lat_e6, lon_e6;
	const struct upload *photo;
};

static json_t *
form_view(struct request *req, const struct submission *s, const char *code, const char *field)
{
	json_t *v = json_pack("{s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i}", "types",
			      proposal_type_options(req, s ? s->type : NULL), "quarters",
			      proposal_quarter_options(req, s ? s->quarter : NULL), "title",
			      s && s->title ? s->title : "", "body", s && s->body ? s->body : "",
			      "name", s && s->name ? s->name : "", "lat", s && s->lat ? s->lat : "",
			      "lon", s && s->lon ? s->lon : "", "title_max", PROPOSAL_TITLE_MAX,
			      "body_max", PROPOSAL_BODY_MAX, "name_max", PROPOSAL_NAME_MAX);
	if (code) {
		json_object_set_new(v, "error",
				    json_pack("{s:s, s:s, s:s}", "code", code, "message",
					      p_t(req, arena_printf(req->arena, "error_%s", code)),
					      "field", field ? field : ""));
		if (field)
			json_object_set_new(v, arena_printf(req->arena, "invalid_%s", field),
					    json_true());
	}
	json_t *map = map_view(req, NULL);
	json_object_set_new(map, "pick_lat", json_string("proposal-lat"));
	json_object_set_new(map, "pick_lon", json_string("proposal-lon"));
	json_object_set_new(map, "label", json_string(p_t(req, "proposal_map_pick_label")));
	json_object_set_new(map, "note", json_string(""));
	json_object_set_new(map, "small", json_true());
	json_object_set_new(v, "map", map);
	json_object_set_new(v, "premoderated", json_boolean(proposal_settings.premoderate));
	http_csrf(req);
	return v;
}

void
page_proposal_new(struct request *req)
{
	struct participant p;
	json_t *v = form_view(req, NULL, NULL, NULL);
	if (!participant_of(req, &p)) {
		char *url = participation_verify_url("/proposals/new");
		json_object_set_new(v, "verify_url", json_string(url));
		free(url);
	}
	http_render(req, 200, "proposal_new", v);
}

/* The form again with what was typed and the error, or the JSON error. */
static void
refuse(struct request *req, enum status st, const struct submission *s, const char *code,
       const char *field)
{
	log_info("proposal refused: %s (%s)", code, field ? field : "-");
	if (req->want_json) {
		http_error(req, st, code, "the proposal does not fit the form's rules");
		return;
	}
	http_render(req, status_http(st), "proposal_new", form_view(req, s, code, field));
}

/* The checks of a submission: NULL, or the code and *field. */
static const char *
check(struct request *req, struct submission *s, const char **field)
{
	const char *code;
	*field = "type";
	if (!proposal_type_is_valid(req->app, s->type))
		return "unknown_type";
	*field = "title";
	if ((code = proposal_text_check(s->title, PROPOSAL_TITLE_MAX, false)))
		return code;
	*field = "body";
	if ((code = proposal_text_check(s->body, PROPOSAL_BODY_MAX, true)))
		return code;
	*field = "quarter";
	if (!proposal_quarter_is_valid(s->quarter))
		return "invalid_quarter";
	*field = "name";
	if ((code = proposal_name_check(s->name)))
		return code;
	*field = "lat";
	bool has_lat = s->lat && !is_blank(s->lat), has_lon = s->lon && !is_blank(s->lon);
	if (has_lat || has_lon) {
		if (!has_lat || !has_lon || !map_parse_degrees(s->lat, 90, &s->lat_e6) ||
		    !map_parse_degrees(s->lon, 180, &s->lon_e6))
			return "invalid_point";
		s->has_point = true;
	}
	*field = NULL;
	return NULL;
}

static struct submission
read_form(struct request *req)
{
	struct submission s = {
		.type = http_form(req, "type"),
		.title = text_clean(req, http_form(req, "title")),
		.body = text_clean(req, http_form(req, "body")),
		.quarter = http_form(req, "quarter"),
		.name = text_clean(req, http_form(req, "name")),
		.lat = text_clean(req, http_form(req, "lat")),
		.lon = text_clean(req, http_form(req, "lon")),
	};
	for (const struct upload *u = req->uploads; u; u = u->next)
		if (strcmp(u->field, "photo") == 0 && u->data.len > 0)
			s.photo = u;
	return s;
}

/* The photo, the proposal and (unless pre-moderated) its event, in the caller's transaction. */
static json_t *
create_in_tx(struct request *req, const struct submission *s, enum status *st, const char **code)
{
	char ref[PUBLIC_REF_SIZE];
	public_ref_new(PROPOSAL_REF_LETTER, ref);
	char *photo_text = NULL;
	if (s->photo) {
		json_t *p = photo_store(s->photo->data.buf, s->photo->data.len, st, code);
		if (!p)
			return NULL;
		photo_text = json_dumps(p, JSON_COMPACT);
		json_decref(p);
	}
	struct proposal_new in = {
		.ref = ref,
		.type = s->type,
		.title = s->title,
		.body = s->body,
		.quarter = s->quarter,
		.author_name = s->name,
		.lang = req->lang,
		.lat_e6 = s->has_point ? &s->lat_e6 : NULL,
		.lon_e6 = s->has_point ? &s->lon_e6 : NULL,
		.photo = photo_text,
		.pending = proposal_settings.premoderate,
		.threshold = proposal_settings.threshold,
	};
	json_t *row = db_proposal_create(PROPOSAL_OWNER, &in, st);
	free(photo_text);
	*code = "database_unavailable";
	if (!row && *st == STATUS_NOT_FOUND) {
		*st = STATUS_CONFLICT;
		*code = "duplicate_proposal";
	}
	if (!row || in.pending)
		return row;
	json_t *r = proposal_publish(row, st);
	json_decref(row);
	if (!r && *st == STATUS_TOO_MANY)
		*code = "busy_try_later";
	return r;
}

void
page_proposal_create(struct request *req)
{
	struct participant p;
	if (!participant_of(req, &p)) {
		participation_require(req, "/proposals/new");
		return;
	}
	struct submission s = read_form(req);
	const char *field, *code = check(req, &s, &field);
	if (code) {
		refuse(req, STATUS_INVALID, &s, code, field);
		return;
	}
	if (!page_rate_allow(req, "proposal", SUBMIT_RATE_PER_MINUTE, "too_many_proposals",
			     "too many proposals from this connection; wait a minute"))
		return;
	enum status st = STATUS_UNAVAILABLE;
	json_t *row = NULL;
	code = "database_unavailable";
	if (db_begin() == 0) {
		row = create_in_tx(req, &s, &st, &code);
		if (row && db_commit() < 0) {
			json_decref(row);
			row = NULL;
			st = STATUS_UNAVAILABLE;
		}
		if (!row)
			db_rollback();
	}
	if (!row) {
		if (st == STATUS_TOO_MANY)
			page_busy(req);
		else if (st == STATUS_INVALID)
			refuse(req, st, &s, code, "photo");
		else if (st == STATUS_CONFLICT)
			refuse(req, st, &s, code, "title");
		else
			page_write_failed(req, STATUS_UNAVAILABLE, "proposal_not_found", "");
		return;
	}
	log_info("proposal %s submitted (%s)", json_str(row, "ref"), json_str(row, "visibility"));
	http_cache_bump();
	json_t *v = json_pack("{s:o}", "proposal", proposal_view(req, row));
	json_decref(row);
	http_render(req, 201, "proposal_created", v);
}
