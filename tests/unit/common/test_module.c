// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The base's lookups over the served modules without a daemon: appliers of the peer's events
 * and restorers of the platform's own (recovery, docs/decisions/0010) are found per platform,
 * exact types before "prefix.*", and a type no module takes is STATUS_NOT_FOUND; holding the
 * outbox refuses every emission (OUTBOX_HELD) until released.
 */
#include "common/app.h"
#include "common/module.h"
#include "common/outbox.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

static const char *called;

/* An applier or restorer that records its name and answers answer. */
#define RECORDER(name, answer)                                                                     \
	static enum status name(const struct hook_event *ev)                                       \
	{                                                                                          \
		(void)ev;                                                                          \
		called = #name;                                                                    \
		return answer;                                                                     \
	}

RECORDER(apply_exact, STATUS_OK)
RECORDER(apply_prefix, STATUS_OK)
RECORDER(restore_exact, STATUS_OK)
RECORDER(restore_prefix, STATUS_INVALID)

static const struct hook hooks[] = {
	{"thing.*", apply_prefix}, {"thing.lines", apply_exact}, {NULL, NULL}};
static const struct hook restorers[] = {
	{"thing.*", restore_prefix}, {"thing.lines", restore_exact}, {NULL, NULL}};

static const struct module thing_module = {
	.name = "thing",
	.official = {.hooks = hooks, .restorers = restorers},
	.citizen = {.hooks = hooks},
};
static const struct module empty_module = {.name = "empty"};
static const struct module *const modules[] = {&empty_module, &thing_module, NULL};

static enum status
run(enum status (*fn)(const struct hook_event *), const char *side, const char *type)
{
	struct app app = {.side = side, .modules = modules};
	called = NULL;
	return fn(&(struct hook_event){.app = &app, .origin = side, .type = type});
}

static void
test_restorers(void **state)
{
	(void)state;
	assert_int_equal(run(restorer_apply, "official", "thing.lines"), STATUS_OK);
	assert_string_equal(called, "restore_exact"); /* exact before the prefix */
	assert_int_equal(run(restorer_apply, "official", "thing.published"), STATUS_INVALID);
	assert_string_equal(called, "restore_prefix");
	assert_int_equal(run(restorer_apply, "official", "other.published"), STATUS_NOT_FOUND);
	assert_null(called);
	/* the citizen side of the module has appliers but no restorer */
	assert_int_equal(run(restorer_apply, "citizen", "thing.lines"), STATUS_NOT_FOUND);
	assert_null(called);
}

static void
test_hooks_are_not_restorers(void **state)
{
	(void)state;
	assert_int_equal(run(hook_apply, "official", "thing.lines"), STATUS_OK);
	assert_string_equal(called, "apply_exact");
	assert_int_equal(run(hook_apply, "citizen", "thing.published"), STATUS_OK);
	assert_string_equal(called, "apply_prefix");
	assert_int_equal(run(hook_apply, "citizen", "other"), STATUS_NOT_FOUND);
}

static int emitted;

static int
count_emit(const char *type, json_t *refs, json_t *data, const char *const *committed,
	   char when[OUTBOX_TIME_SIZE])
{
	(void)type;
	(void)committed;
	json_decref(refs);
	json_decref(data);
	strcpy(when, "2026-12-07T00:00:00.000Z");
	emitted++;
	return 0;
}

static void
test_outbox_hold(void **state)
{
	(void)state;
	outbox_set_emitter(count_emit, NULL);
	assert_int_equal(outbox_emit("thing.published", NULL, json_object(), NULL), 0);
	assert_int_equal(emitted, 1);
	outbox_hold("recovering");
	assert_string_equal(outbox_held(), "recovering");
	char when[OUTBOX_TIME_SIZE];
	assert_int_equal(outbox_emit("thing.published", NULL, json_object(), when), OUTBOX_HELD);
	assert_int_equal(emitted, 1); /* the emitter was not called */
	outbox_hold(NULL);
	assert_null(outbox_held());
	assert_int_equal(outbox_emit("thing.published", NULL, json_object(), when), 0);
	assert_int_equal(emitted, 2);
	outbox_set_emitter(NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restorers),
		cmocka_unit_test(test_hooks_are_not_restorers),
		cmocka_unit_test(test_outbox_hold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
