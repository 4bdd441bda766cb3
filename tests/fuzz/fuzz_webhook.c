// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The webhook signature headers (protocol/src/webhook.c). The input is four parts cut at LF:
 * webhook-id, webhook-timestamp, webhook-signature, then the body. Checks: the verification
 * answers one of its four results without reading past anything; only the real signature of
 * our key verifies; a valid id signed by us verifies, also beside the fuzzed entries when those
 * are well-formed, and the id check agrees with the syntax in webhook.h.
 */
#include "fuzz.h"

#include "common/log.h"
#include "protocol/webhook.h"

#define NOW 1764140400 /* 2025-11-26T07:00:00Z */

static struct signing_key *key;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	static const unsigned char seed[ED25519_SEED_LEN] = {42};
	key = signing_key_from_seed(seed);
	FUZZ_CHECK(key != NULL);
	return 0;
}

static bool
id_syntax_ok(const char *id, size_t len)
{
	if (len == 0 || len > WEBHOOK_ID_MAX_LEN)
		return false;
	for (size_t i = 0; i < len; i++)
		if (id[i] < 0x21 || id[i] > 0x7e || id[i] == '.')
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	fuzz_split(data, size, '\n', 4, &p);
	const char *id = p.part[0], *ts = p.part[1], *sig = p.part[2];
	const struct verify_key *keys[] = {signing_key_public(key), NULL};

	FUZZ_CHECK(webhook_id_is_valid(id) == id_syntax_ok(id, strlen(id)));
	enum webhook_result r = webhook_verify(keys, 2, id, ts, sig, p.part[3], p.len[3], NOW);
	FUZZ_CHECK(r == WEBHOOK_OK || r == WEBHOOK_MALFORMED || r == WEBHOOK_STALE_TIMESTAMP ||
		   r == WEBHOOK_BAD_SIGNATURE);
	FUZZ_CHECK(strlen(webhook_result_code(r)) > 0);
	/* missing headers are malformed */
	FUZZ_CHECK(webhook_verify(keys, 2, NULL, ts, sig, "", 0, NOW) == WEBHOOK_MALFORMED);
	FUZZ_CHECK(webhook_verify(keys, 2, id, NULL, sig, "", 0, NOW) == WEBHOOK_MALFORMED);
	FUZZ_CHECK(webhook_verify(keys, 2, id, ts, NULL, "", 0, NOW) == WEBHOOK_MALFORMED);

	struct strbuf mine = STRBUF_INIT;
	/* (signing with a bad id is refused and logged: not fuzzed, the log would drown it) */
	if (webhook_id_is_valid(id)) {
		FUZZ_CHECK(webhook_sign(&mine, key, id, NOW, p.part[3], p.len[3]) == 0);
		char now[24];
		snprintf(now, sizeof(now), "%d", NOW);
		FUZZ_CHECK(webhook_verify(keys, 2, id, now, mine.buf, p.part[3], p.len[3], NOW) ==
			   WEBHOOK_OK);
		/* a fuzzed signature header that is well-formed plus ours: verifies */
		if (r == WEBHOOK_BAD_SIGNATURE && strlen(sig) == p.len[2]) {
			struct strbuf both = STRBUF_INIT;
			strbuf_addf(&both, "%s %s", sig, mine.buf);
			enum webhook_result r2 = webhook_verify(keys, 2, id, now, both.buf,
								p.part[3], p.len[3], NOW);
			FUZZ_CHECK(r2 == WEBHOOK_OK || r2 == WEBHOOK_MALFORMED);
			strbuf_release(&both);
		}
		/* the body is signed: another body does not verify */
		FUZZ_CHECK(webhook_verify(keys, 2, id, now, mine.buf, "x", 1, NOW) != WEBHOOK_OK ||
			   (p.len[3] == 1 && p.part[3][0] == 'x'));
	}
	strbuf_release(&mine);
	fuzz_parts_free(&p);
	return 0;
}
