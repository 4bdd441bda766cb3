// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The proposals' pure logic (modules/proposals/src/proposal.c): which stage moves the commune
 * may make (the same check in the agents' form and in the citizen side's applier), the
 * countdown both platforms show, and the checks of residents' names and texts.
 */
#include "../../../../modules/proposals/src/internal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void
assert_code(const char *want, const char *got, const char *what)
{
	if (want ? !got || strcmp(got, want) != 0 : got != NULL)
		fail_msg("%s: %s, not %s", what, got ? got : "accepted", want ? want : "accepted");
}

static void
test_stage_moves(void **state)
{
	(void)state;
	/* forward moves of the commune, from the threshold's stage on */
	assert_code(NULL, proposal_stage_check("supported", "examined"), "supported->examined");
	assert_code(NULL, proposal_stage_check("supported", "agenda"), "supported->agenda");
	assert_code(NULL, proposal_stage_check("examined", "agenda"), "examined->agenda");
	assert_code(NULL, proposal_stage_check("agenda", "adopted"), "agenda->adopted");
	assert_code(NULL, proposal_stage_check("agenda", "refused"), "agenda->refused");
	assert_code(NULL, proposal_stage_check("examined", "refused"), "examined->refused");
	/* not forwarded: the commune has nothing to answer yet, or the time ran out */
	assert_code("not_forwarded", proposal_stage_check("submitted", "examined"), "submitted");
	assert_code("not_forwarded", proposal_stage_check("expired", "adopted"), "expired");
	/* never backwards, never twice, never after the answer */
	assert_code("stage_backwards", proposal_stage_check("agenda", "examined"), "back");
	assert_code("stage_backwards", proposal_stage_check("examined", "examined"), "same");
	assert_code("already_answered", proposal_stage_check("adopted", "refused"), "answered");
	assert_code("already_answered", proposal_stage_check("refused", "adopted"), "answered");
	/* the citizen's stages are not the commune's to set */
	assert_code("unknown_stage", proposal_stage_check("supported", "supported"), "supported");
	assert_code("unknown_stage", proposal_stage_check("supported", "expired"), "expired");
	assert_code("unknown_stage", proposal_stage_check("supported", "overdue"), "overdue");
	assert_code("unknown_stage", proposal_stage_check("supported", NULL), "null");
	assert_code("unknown_stage", proposal_stage_check("supported", "Adopted"), "case");
}

static void
test_stage_kinds(void **state)
{
	(void)state;
	for (const char *const *s = proposal_stages; *s; s++)
		assert_true(proposal_stage_is_valid(*s));
	assert_false(proposal_stage_is_valid("overdue")); /* a timeline step, not a state */
	assert_false(proposal_stage_is_valid(""));
	assert_true(proposal_stage_is_answered("adopted"));
	assert_true(proposal_stage_is_answered("refused"));
	assert_false(proposal_stage_is_answered("agenda"));
	assert_true(proposal_stage_is_commune("examined"));
	assert_false(proposal_stage_is_commune("submitted"));
}

static void
test_countdown(void **state)
{
	(void)state;
	const long long day = 86400;
	struct countdown c = proposal_countdown(12 * day);
	assert_false(c.overdue);
	assert_int_equal(c.days, 12);
	c = proposal_countdown(11 * day + 1); /* a started day counts as left */
	assert_int_equal(c.days, 12);
	c = proposal_countdown(1);
	assert_false(c.overdue);
	assert_int_equal(c.days, 1);
	c = proposal_countdown(0);
	assert_false(c.overdue);
	assert_int_equal(c.days, 0);
	c = proposal_countdown(-1); /* one second past is overdue by a day */
	assert_true(c.overdue);
	assert_int_equal(c.days, 1);
	c = proposal_countdown(-3 * day);
	assert_true(c.overdue);
	assert_int_equal(c.days, 3);
	c = proposal_countdown(-(2 * day + 5));
	assert_int_equal(c.days, 3);
}

static void
test_names(void **state)
{
	(void)state;
	assert_code(NULL, proposal_name_check("Amel de Tighilt"), "plain");
	assert_code(NULL, proposal_name_check("أمل من تيغيلت"), "arabic");
	assert_code("name_required", proposal_name_check("  "), "blank");
	assert_code("name_required", proposal_name_check(NULL), "null");
	char longname[PROPOSAL_NAME_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_code("display_name_too_long", proposal_name_check(longname), "long");
	assert_code("invalid_display_name", proposal_name_check("<b>Amel</b>"), "markup");
	assert_code("invalid_display_name", proposal_name_check("Amel\xE2\x80\xAEleMA"), "RLO");
	assert_code("invalid_display_name", proposal_name_check("Amel\xE2\x81\xA7x"), "FSI");
	assert_code("invalid_display_name", proposal_name_check("Amel\x01"), "control");
	assert_code("display_name_personal", proposal_name_check("amel@example.org"), "mail");
	assert_code("display_name_personal", proposal_name_check("0555 12 34 56"), "phone");
}

static void
test_texts(void **state)
{
	(void)state;
	assert_code(NULL, proposal_text_check("Un banc\nà l'ombre", 100, true), "multiline");
	assert_code("invalid_text", proposal_text_check("Un banc\nà l'ombre", 100, false), "lf");
	assert_code("empty_text", proposal_text_check(" \n ", 100, true), "blank");
	char *big = malloc(10001);
	memset(big, 'x', 10000);
	big[10000] = '\0';
	assert_code("text_too_long", proposal_text_check(big, PROPOSAL_ARGUMENT_MAX, true), "10k");
	assert_code("text_too_long", proposal_text_check(big, PROPOSAL_BODY_MAX, true), "10k body");
	free(big);
	assert_code("invalid_text", proposal_text_check("a\xE2\x80\xAB b", 100, false), "RLE");
	assert_true(proposal_url_is_valid("https://tiziri.example/deliberations/2025-047"));
	assert_true(proposal_url_is_valid("/publications/12"));
	assert_false(proposal_url_is_valid("//evil.example/x"));
	assert_false(proposal_url_is_valid("javascript:alert(1)"));
	assert_false(proposal_url_is_valid("https://a b"));
	assert_false(proposal_url_is_valid(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_moves), cmocka_unit_test(test_stage_kinds),
		cmocka_unit_test(test_countdown),   cmocka_unit_test(test_names),
		cmocka_unit_test(test_texts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
