// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Committed content: salted commitments of an event's erasable fields, and the records that
 * carry the content beside the signed envelope (protocol/content.h).
 */
#include "protocol/content.h"

#include "common/xalloc.h"
#include "protocol/b64.h"
#include "protocol/event.h"
#include "strict_json.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <string.h>

void
content_hash(const unsigned char *salt, const char *json, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(ctx, salt, CONTENT_SALT_LEN) != 1 ||
	    EVP_DigestUpdate(ctx, json, len) != 1 || EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		die("SHA-256 failed");
	EVP_MD_CTX_free(ctx);
	for (unsigned i = 0; i < 32; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int
content_commit(json_t *data, const char *const *fields, json_t **commit, json_t **content)
{
	*commit = *content = NULL;
	for (size_t i = 0; fields && fields[i]; i++) {
		json_t *v = json_object_get(data, fields[i]);
		if (!v)
			continue;
		char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		unsigned char salt[CONTENT_SALT_LEN];
		if (!text || RAND_bytes(salt, sizeof(salt)) != 1) {
			free(text);
			json_decref(*commit);
			json_decref(*content);
			*commit = *content = NULL;
			return -1;
		}
		char h[65];
		content_hash(salt, text, strlen(text), h);
		struct strbuf s = STRBUF_INIT;
		b64_encode(&s, salt, sizeof(salt));
		if (!*commit) {
			*commit = json_object();
			*content = json_object();
		}
		json_object_set_new(*commit, fields[i], json_string(h));
		json_object_set_new(*content, fields[i],
				    json_pack("{s:s, s:s}", "salt", s.buf, "json", text));
		strbuf_release(&s);
		free(text);
		json_object_del(data, fields[i]);
	}
	return 0;
}

/* One field's content checked against its commitment; its parsed value, or NULL. */
static json_t *
field_value(json_t *item, const char *commitment)
{
	static const char *const members[] = {"salt", "json"};
	if (!strict_json_has_strings(item, members, 2))
		return NULL;
	json_t *j = json_object_get(item, "json");
	const char *salt = json_string_value(json_object_get(item, "salt"));
	const char *text = json_string_value(j);
	size_t len = json_string_length(j);
	unsigned char raw[CONTENT_SALT_LEN];
	char h[65];
	if (len > CONTENT_FIELD_MAX || strlen(text) != len ||
	    b64_decode_exact(salt, strlen(salt), raw, sizeof(raw)) < 0)
		return NULL;
	content_hash(raw, text, len, h);
	if (strcmp(h, commitment) != 0)
		return NULL;
	return json_loadb(text, len, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
}

enum status
content_verify(json_t *commit, json_t *content, json_t *withheld, json_t **values,
	       const char **reason)
{
	const char *key;
	json_t *v;
	*values = json_object();
	if ((content && !json_is_object(content)) || (withheld && !json_is_object(withheld)))
		goto bad;
	/* nothing beside what is committed */
	json_object_foreach(content, key, v) if (!json_object_get(commit, key)) goto bad;
	json_object_foreach(withheld, key, v)
	{
		const char *why = json_string_value(v);
		if (!json_object_get(commit, key) || json_object_get(content, key))
			goto bad;
		if (!why || !*why || strlen(why) != json_string_length(v) ||
		    json_string_length(v) > WITHHELD_REASON_MAX * 4) {
			*reason = "bad_withheld";
			goto fail;
		}
	}
	json_object_foreach(commit, key, v)
	{
		json_t *item = json_object_get(content, key);
		if (!item) {
			if (json_object_get(withheld, key))
				continue;
			*reason = "missing_content";
			goto fail;
		}
		json_t *value = field_value(item, json_string_value(v));
		if (!value)
			goto bad;
		json_object_set_new(*values, key, value);
	}
	return STATUS_OK;
bad:
	*reason = "bad_content";
fail:
	json_decref(*values);
	*values = NULL;
	return STATUS_INVALID;
}

enum status
record_parse(const char *bytes, size_t len, struct record *out, const char **reason)
{
	static const char prefix[] = "{\"envelope\":";
	memset(out, 0, sizeof(*out));
	if (len < sizeof(prefix) - 1 || memcmp(bytes, prefix, sizeof(prefix) - 1) != 0) {
		out->envelope = bytes;
		out->envelope_len = len;
		return STATUS_OK;
	}
	out->bundled = true;
	enum status st = strict_json_load(bytes, len, RECORD_MAX, &out->root, reason);
	if (st != STATUS_OK)
		return st;
	json_t *env = json_object_get(out->root, "envelope");
	out->content = json_object_get(out->root, "content");
	out->withheld = json_object_get(out->root, "withheld");
	size_t n = 1 + (out->content != NULL) + (out->withheld != NULL);
	if (!json_is_object(env) || json_object_size(out->root) != n ||
	    (out->content && !json_is_object(out->content)) ||
	    (out->withheld && !json_is_object(out->withheld))) {
		*reason = "malformed_record";
		record_release(out);
		return STATUS_INVALID;
	}
	out->owned = json_dumps(env, JSON_COMPACT);
	if (!out->owned)
		die("out of memory");
	out->envelope = out->owned;
	out->envelope_len = strlen(out->owned);
	return STATUS_OK;
}

void
record_release(struct record *r)
{
	free(r->owned);
	json_decref(r->root);
	memset(r, 0, sizeof(*r));
}

void
record_build(struct strbuf *out, const char *envelope, size_t len, json_t *content,
	     json_t *withheld)
{
	strbuf_addstr(out, "{\"envelope\":");
	strbuf_add(out, envelope, len);
	if (json_object_size(content)) {
		char *t = json_dumps(content, JSON_COMPACT);
		strbuf_addstr(out, ",\"content\":");
		strbuf_addstr(out, t);
		free(t);
	}
	if (json_object_size(withheld)) {
		char *t = json_dumps(withheld, JSON_COMPACT);
		strbuf_addstr(out, ",\"withheld\":");
		strbuf_addstr(out, t);
		free(t);
	}
	strbuf_addch(out, '}');
}
