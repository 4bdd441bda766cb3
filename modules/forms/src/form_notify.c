// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * A resident who gave a contact and agreed to be notified follows their file (module notify):
 * each status change the agents make is queued as a change of the file, and the follower gets
 * at most one message an hour listing the changes, in the language they filed in, with an
 * unsubscribe link and the file's private tracking link. That link is kept only in the follow
 * row (notify_follow_private: beside the contact, erased with it; form_files keeps its hash),
 * so the messages of a follow lost or never made fall back to the service's public sheet.
 */
#include "db_forms.h"
#include "internal.h"

#include "common/log.h"
#include "notify/notify.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>

int
form_notify_follow(const char *ref, const char *contact, const char *lang,
		   const char *tracking_token)
{
	const char *channel;
	char to[NOTIFY_CONTACT_SIZE], token[SECRET_TOKEN_SIZE],
		path[sizeof("/forms/track/") + SECRET_TOKEN_SIZE];
	if (!notify_contact_parse(contact, &channel, to)) {
		log_warn("form file %s: the contact cannot be written to, no notifications", ref);
		return 0;
	}
	snprintf(path, sizeof(path), "/forms/track/%s", tracking_token);
	int rc = notify_follow_private("form_file", ref, channel, to, lang, path, token);
	OPENSSL_cleanse(path, sizeof(path));
	return rc;
}

int
form_notify_status(json_t *file, const char *status)
{
	char key[48], path[80];
	const char *ref = json_string_value(json_object_get(file, "ref"));
	snprintf(key, sizeof(key), "forms_notify_%s",
		 form_status_is_valid(status) ? status : "received");
	snprintf(path, sizeof(path), "/services/%s",
		 json_string_value(json_object_get(file, "service")));
	json_t *vars = json_pack("{s:s}", "ref", ref);
	int rc = notify_item_changed("form_file", ref, ref, path, key, vars);
	json_decref(vars);
	if (rc == 0 && json_is_true(json_object_get(file, "notify_consent")))
		rc = db_file_notified(json_integer_value(json_object_get(file, "id")), status);
	/* closed is final: the contact is kept only until this last change is sent */
	if (rc == 0 && !strcmp(status, "closed"))
		rc = notify_item_ended("form_file", ref);
	return rc;
}
