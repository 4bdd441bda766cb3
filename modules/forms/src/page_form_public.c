// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The resident's side of a form, without an account: GET /services/{key}/form renders the
 * current version (conditional fields are all shown with their condition stated, and a small
 * script hides them when JavaScript runs); POST stores the file with its attachments and
 * answers with its reference and the private tracking link, shown once.
 */
#include "internal.h"

#include "common/arena.h"
#include "common/db.h"
#include "common/log.h"
#include "common/page_util.h"
#include "common/site.h"
#include "db_forms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The current form of {key}; NULL when it replied (404 form_not_found). */
static json_t *
current_form(struct request *req)
{
	const char *key = http_param(req, "key");
	enum status st = STATUS_NOT_FOUND;
	json_t *form = form_service_is_valid(key) ? db_form_current(key, &st) : NULL;
	if (!form)
		page_read_failed(req, st, "form_not_found", "this service has no online form");
	return form;
}

static const char *
quarter_label(struct request *req, const char *code)
{
	return form_t(req, arena_printf(req->arena, "project_quarter_%s", code));
}

/* The options of a choice, yes/no or quarter field in the reader's language, the one equal
 * to selected (may be NULL) selected. */
static json_t *
field_options(struct request *req, json_t *f, const char *type, const char *selected)
{
	if (!strcmp(type, "quarter"))
		return page_options(req, site_quarters, quarter_label, selected);
	json_t *out = json_array();
	if (!strcmp(type, "yes_no")) {
		static const char *const yes_no[] = {"yes", "no"};
		for (size_t k = 0; k < 2; k++)
			json_array_append_new(
				out,
				json_pack("{s:s, s:s, s:b}", "value", yes_no[k], "label",
					  form_t(req, k ? "forms_no" : "forms_yes"), "selected",
					  selected && !strcmp(selected, yes_no[k])));
		return out;
	}
	size_t i;
	json_t *o;
	json_array_foreach(json_object_get(f, "options"), i, o)
	{
		const char *value = json_string_value(json_object_get(o, "value"));
		json_array_append_new(out,
				      json_pack("{s:s, s:s, s:b}", "value", value, "label",
						form_text(json_object_get(o, "label"), req->lang),
						"selected", selected && !strcmp(selected, value)));
	}
	return out;
}

/* "Only if <label> is <value>": the condition of f in words, for pages without script. */
static json_t *
condition_view(struct request *req, json_t *def, json_t *f)
{
	json_t *c = json_object_get(f, "show_if");
	if (!c)
		return json_null();
	const char *name = json_string_value(json_object_get(c, "field"));
	const char *eq = json_string_value(json_object_get(c, "equals"));
	json_t *g = form_def_field(def, name);
	const char *type = json_string_value(json_object_get(g, "type"));
	const char *value = eq;
	json_t *opts = field_options(req, g, type, NULL);
	size_t i;
	json_t *o;
	json_array_foreach(opts, i,
			   o) if (!strcmp(json_string_value(json_object_get(o, "value")), eq))
		value = arena_strdup(req->arena, json_string_value(json_object_get(o, "label")));
	json_decref(opts);
	return json_pack("{s:s, s:s, s:s, s:s}", "field", name, "id",
			 arena_printf(req->arena, "f-%s", name), "value", eq, "text",
			 arena_printf(req->arena, "%s « %s » = « %s »",
				      form_t(req, "forms_shown_if"),
				      form_text(json_object_get(g, "label"), req->lang), value));
}

/*
 * A refused submission, to show the form again: what the resident typed (values: field name ->
 * the cleaned text; attachments are not kept, the browser cannot be given them back) and
 * what was refused (errors: [{field, code}] in the form's order, field "" for the form).
 */
struct refusal {
	json_t *values, *errors;
	enum status st; /* the first refusal's */
};

static void
refuse(struct refusal *r, enum status st, const char *field, const char *code)
{
	if (json_array_size(r->errors) == 0)
		r->st = st;
	json_array_append_new(r->errors,
			      json_pack("{s:s, s:s}", "field", field ? field : "", "code", code));
}

/* The code refused for field name, or NULL. */
static const char *
refused_code(const struct refusal *r, const char *name)
{
	size_t i;
	json_t *e;
	json_array_foreach(
		r ? r->errors : NULL, i,
		e) if (!strcmp(json_string_value(json_object_get(e, "field")),
			       name)) return json_string_value(json_object_get(e, "code"));
	return NULL;
}

/* What is said of a refused value beside its field: the field_* codes have a wording for one
 * field ("this field is required"), the others (attachments, contact) their error message. */
static const char *
refused_message(struct request *req, const char *code)
{
	return form_t(req,
		      arena_printf(req->arena,
				   strncmp(code, "field_", 6) ? "error_%s" : "forms_why_%s", code));
}

/* A field's value, error and the ids that describe it (error first, then help). */
static void
field_state(struct request *req, json_t *v, const struct refusal *r, const char *name,
	    bool has_help)
{
	const char *id = json_string_value(json_object_get(v, "id"));
	const char *code = refused_code(r, name);
	const char *by = has_help ? arena_printf(req->arena, "%s-help", id) : "";
	/* every key set, so that a section never finds a name of an outer context */
	json_object_set_new(v, "error",
			    code ? json_string(refused_message(req, code)) : json_false());
	if (code)
		by = arena_printf(req->arena, "%s-error%s%s", id, *by ? " " : "", by);
	json_object_set_new(v, "describedby", json_string(by));
	json_t *typed = r ? json_object_get(r->values, name) : NULL;
	json_object_set_new(v, "value", json_string(typed ? json_string_value(typed) : ""));
}

static json_t *
field_view(struct request *req, json_t *def, json_t *f, const struct refusal *r)
{
	const char *type = json_string_value(json_object_get(f, "type"));
	const char *name = json_string_value(json_object_get(f, "name"));
	const char *help = form_text(json_object_get(f, "help"), req->lang);
	bool attachment = !strcmp(type, "attachment");
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:b, s:o, s:b}", "name", name, "id",
			      arena_printf(req->arena, "f-%s", name), "label",
			      form_text(json_object_get(f, "label"), req->lang), "help", help,
			      "required", json_is_true(json_object_get(f, "required")), "condition",
			      condition_view(req, def, f), "choose_again", attachment && r);
	json_object_set_new(v, arena_printf(req->arena, "is_%s", type), json_true());
	field_state(req, v, r, name, attachment || *help);
	static const char *const copied[] = {"min_length", "max_length", "min", "max", "max_files"};
	for (size_t i = 0; i < sizeof(copied) / sizeof(copied[0]); i++)
		if (json_object_get(f, copied[i]))
			json_object_set(v, copied[i], json_object_get(f, copied[i]));
	if (!strcmp(type, "choice") || !strcmp(type, "yes_no") || !strcmp(type, "quarter"))
		json_object_set_new(v, "options",
				    field_options(req, f, type,
						  json_string_value(json_object_get(v, "value"))));
	if (attachment)
		json_object_set_new(
			v, "multiple",
			json_boolean(json_integer_value(json_object_get(f, "max_files")) > 1));
	return v;
}

/* The summary at the top of a refused form: each error, linked to its field. */
static json_t *
summary_view(struct request *req, json_t *def, const struct refusal *r)
{
	json_t *out = json_array();
	size_t i;
	json_t *e;
	json_array_foreach(r->errors, i, e)
	{
		const char *name = json_string_value(json_object_get(e, "field"));
		const char *code = json_string_value(json_object_get(e, "code"));
		json_t *f = *name ? form_def_field(def, name) : NULL;
		const char *label = f ? form_text(json_object_get(f, "label"), req->lang)
				    : !strcmp(name, "contact") ? form_t(req, "forms_contact")
							       : NULL;
		json_array_append_new(
			out,
			json_pack("{s:b, s:s, s:s, s:s}", "link", label != NULL, "id",
				  arena_printf(req->arena, "f-%s", name), "label",
				  label ? label : "", "message",
				  label ? refused_message(req, code)
					: form_t(req, arena_printf(req->arena, "error_%s", code))));
	}
	return out;
}

/* The form's page: fresh (r NULL) or again after a refusal, with what was typed. */
static void
render_form(struct request *req, json_t *form, const struct refusal *r)
{
	json_t *def = json_object_get(form, "definition"), *fields = json_array();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		json_array_append_new(fields, field_view(req, def, f, r));
	}
	char key[FORM_KEY_SIZE];
	form_new_key(key);
	const char *service = http_param(req, "key");
	json_t *view = json_pack("{s:s, s:O, s:s, s:s, s:o, s:s, s:s, s:i}", "service", service,
				 "version", json_object_get(form, "version"), "title",
				 form_text(json_object_get(def, "title"), req->lang), "intro",
				 form_text(json_object_get(def, "intro"), req->lang), "fields",
				 fields, "form_key", key, "action",
				 arena_printf(req->arena, "/services/%s/form", service),
				 "file_max_mib", (int)(FORM_FILE_MAX_BYTES >> 20));
	json_t *c = r ? json_object_get(r->values, "contact") : NULL;
	const char *code = refused_code(r, "contact");
	json_object_set_new(view, "has_errors", json_boolean(r != NULL));
	json_object_set_new(view, "errors", r ? summary_view(req, def, r) : json_array());
	json_object_set_new(view, "contact",
			    json_pack("{s:s, s:b, s:s}", "value", c ? json_string_value(c) : "",
				      "notify",
				      r && json_is_true(json_object_get(r->values, "notify")),
				      "error", code ? refused_message(req, code) : ""));
	secret_private_headers(req); /* a re-shown form carries what the resident typed */
	http_csrf(req);
	http_render(req, r ? status_http(r->st) : 200, "form", view);
}

void
page_form(struct request *req)
{
	json_t *form = current_form(req);
	if (!form)
		return;
	render_form(req, form, NULL);
	json_decref(form);
}

/* The answers of the form's fields in order (conditions see the earlier answers); each one
 * refused goes to r, each one typed to r->values. */
static json_t *
read_answers(struct request *req, json_t *def, struct refusal *r)
{
	char today[11];
	form_today(time(NULL), today);
	json_t *answers = json_object();
	size_t i;
	json_t *f;
	json_array_foreach(json_object_get(def, "fields"), i, f)
	{
		const char *name = json_string_value(json_object_get(f, "name"));
		if (!strcmp(json_string_value(json_object_get(f, "type")), "attachment"))
			continue;
		const char *typed = text_clean(req, http_form(req, name));
		if (typed && *typed)
			json_object_set_new(r->values, name, json_string(typed));
		if (!form_field_shown(def, f, answers))
			continue;
		json_t *v = NULL;
		const char *code = form_value_check(f, typed, today, &v);
		if (code)
			refuse(r, STATUS_INVALID, name, code);
		else if (v)
			json_object_set_new(answers, name, v);
	}
	return answers;
}

/* The optional contact and consent into *nf; refusals go to r. */
static void
read_contact(struct request *req, struct db_new_file *nf, struct refusal *r)
{
	const char *contact = text_clean(req, http_form(req, "contact"));
	const char *notify = http_form(req, "notify");
	nf->contact = NULL;
	nf->contact_kind = NULL;
	nf->notify_consent = notify && !strcmp(notify, "yes");
	json_object_set_new(r->values, "notify", json_boolean(nf->notify_consent));
	if (contact && *contact) {
		json_object_set_new(r->values, "contact", json_string(contact));
		nf->contact_kind = form_is_email(contact)   ? "email"
				   : form_is_phone(contact) ? "phone"
							    : NULL;
		if (!nf->contact_kind) {
			refuse(r, STATUS_INVALID, "contact", "invalid_contact");
			return;
		}
		nf->contact = contact;
	}
	if (nf->notify_consent && !nf->contact)
		refuse(r, STATUS_INVALID, "contact", "consent_needs_contact");
}

/* Write the file in one transaction: its id, 0 for a replayed form, -1. */
static long long
store_file(struct db_new_file *nf, const char *lang, const char *token,
	   const struct form_upload *ups, size_t nups)
{
	if (db_begin() < 0)
		return -1;
	long long id = db_file_create(nf);
	if (id > 0 &&
	    (form_store_uploads(id, 0, ups, nups) < 0 ||
	     (nf->notify_consent && form_notify_follow(nf->ref, nf->contact, lang, token) < 0) ||
	     db_status_add(id, "received", "{}", "resident", 0) < 0 || db_commit() < 0))
		id = -1;
	if (id <= 0)
		db_rollback();
	return id;
}

static void
submitted(struct request *req, const char *ref, const char *token, json_t *def)
{
	const char *url =
		arena_printf(req->arena, "%s/forms/track/%s", page_public_base(req), token);
	secret_private_headers(req);
	if (req->want_json) {
		http_json(req, 201, json_pack("{s:s, s:s}", "ref", ref, "tracking_url", url));
		return;
	}
	http_render(req, 201, "form_created",
		    json_pack("{s:s, s:s, s:s}", "ref", ref, "tracking_url", url, "title",
			      form_text(json_object_get(def, "title"), req->lang)));
}

/* A refused submission: the form again in the resident's language with what they typed and
 * the errors, or the JSON twin's first code with every field's. The log line names fields
 * and codes only, never what was typed. */
static void
refused(struct request *req, json_t *form, const struct refusal *r)
{
	json_t *first = json_array_get(r->errors, 0);
	const char *code = json_string_value(json_object_get(first, "code"));
	log_warn("%s %s rejected: %s (%zu refusals, first field \"%s\")", req->method,
		 req->log_path, code, json_array_size(r->errors),
		 json_string_value(json_object_get(first, "field")));
	if (!req->want_json) {
		render_form(req, form, r);
		return;
	}
	secret_private_headers(req);
	http_json(req, status_http(r->st),
		  json_pack("{s:{s:s, s:s, s:O}}", "error", "code", code, "message",
			    form_t(req, arena_printf(req->arena, "error_%s", code)), "fields",
			    r->errors));
}

/* Check everything the resident sent; the answers (refusals in r), the uploads in ups. */
static json_t *
read_submission(struct request *req, json_t *def, struct db_new_file *nf, struct refusal *r,
		struct form_upload *ups, size_t *nups)
{
	if (!form_key_is_valid(nf->submit_key))
		refuse(r, STATUS_INVALID, NULL, "invalid_form_key");
	json_t *answers = read_answers(req, def, r);
	read_contact(req, nf, r);
	enum status st;
	const char *field = NULL;
	const char *code = form_take_uploads(req, def, answers, ups, nups, &st, &field);
	if (code)
		refuse(r, st, field, code);
	return answers;
}

void
page_form_submit(struct request *req)
{
	if (!page_rate_allow(req, "form_submit", FORM_SUBMIT_PER_MINUTE, "too_many_submissions",
			     "too many files from this connection; try again in a minute"))
		return;
	json_t *form = current_form(req);
	if (!form)
		return;
	json_t *def = json_object_get(form, "definition");
	struct db_new_file nf = {.service = http_param(req, "key"),
				 .submit_key = http_form(req, "form_key")};
	struct refusal r = {json_object(), json_array(), STATUS_INVALID};
	struct form_upload ups[FORM_FILES_MAX];
	size_t nups = 0;
	json_t *answers = read_submission(req, def, &nf, &r, ups, &nups);
	if (json_array_size(r.errors)) {
		refused(req, form, &r);
		goto out;
	}
	char ref[FORM_REF_SIZE], token[SECRET_TOKEN_SIZE], sha[SHA256_HEX_SIZE];
	form_new_ref(ref);
	secret_token_new(token, sha);
	nf.ref = ref;
	nf.tracking_sha256 = sha;
	nf.version_id = json_integer_value(json_object_get(form, "id"));
	char *text = json_dumps(answers, JSON_COMPACT);
	nf.answers = arena_strdup(req->arena, text);
	free(text);
	long long id = store_file(&nf, req->lang, token, ups, nups);
	if (id == 0)
		http_error(req, STATUS_CONFLICT, "form_replayed", "this form was sent already");
	else if (id < 0)
		page_db_unavailable(req);
	else {
		log_info("form file %s received for %s", ref, nf.service);
		submitted(req, ref, token, def);
	}
out:
	json_decref(r.values);
	json_decref(r.errors);
	json_decref(answers);
	json_decref(form);
}
