// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The pure parts of the elected roles and of the jobs' schedule: the advisory lock key of a
 * role is FNV-1a 64 of "baladiya-leader/<role>" as a signed bigint (every replica, of any
 * version, must compute the same, or two would hold "one" role), and BALADIYA_JOB_INTERVALS
 * overrides a job's interval only with a well-formed entry naming exactly that job.
 */
#include "common/jobs.h"
#include "common/leader.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void
test_key_known_answers(void **state)
{
	(void)state;
	/* computed apart (Python), unsigned results above 2^63 wrapped to negative */
	assert_true(leader_key("jobs") == INT64_C(-6360984519006237511));
	assert_true(leader_key("tlog") == INT64_C(-3463025036214861737));
	assert_true(leader_key("federation-sender/citizen") == INT64_C(-7690799627983204011));
	assert_true(leader_key("") == INT64_C(4114368018780488761));
}

static void
test_key_distinct(void **state)
{
	(void)state;
	const char *roles[] = {"jobs",
			       "tlog",
			       "notify-sender",
			       "federation-sender/citizen",
			       "federation-puller/citizen",
			       "federation-sender/official",
			       "federation-puller/official"};
	size_t n = sizeof(roles) / sizeof(roles[0]);
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			assert_true(leader_key(roles[i]) != leader_key(roles[j]));
	/* the migrations' own advisory lock (common/src/db.c) is never a role's */
	for (size_t i = 0; i < n; i++)
		assert_true(leader_key(roles[i]) != 7310901);
}

static void
test_job_intervals(void **state)
{
	(void)state;
	assert_int_equal(jobs_interval(NULL, "a", 30), 30);
	assert_int_equal(jobs_interval("", "a", 30), 30);
	assert_int_equal(jobs_interval("a=2", "a", 30), 2);
	assert_int_equal(jobs_interval("b=5,a=2", "a", 30), 2);
	assert_int_equal(jobs_interval("a=2,b=5", "b", 30), 5);
	/* a prefix or a longer name is another job */
	assert_int_equal(jobs_interval("ab=2", "a", 30), 30);
	assert_int_equal(jobs_interval("a=2", "ab", 30), 30);
	/* malformed or out of range: ignored */
	assert_int_equal(jobs_interval("a=", "a", 30), 30);
	assert_int_equal(jobs_interval("a=x", "a", 30), 30);
	assert_int_equal(jobs_interval("a=2s", "a", 30), 30);
	assert_int_equal(jobs_interval("a=0", "a", 30), 30);
	assert_int_equal(jobs_interval("a=-3", "a", 30), 30);
	assert_int_equal(jobs_interval("a=31536001", "a", 30), 30);
	assert_int_equal(jobs_interval("a", "a", 30), 30);
	assert_int_equal(jobs_interval(",,a=7,", "a", 30), 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_known_answers),
		cmocka_unit_test(test_key_distinct),
		cmocka_unit_test(test_job_intervals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
