// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The periodic jobs thread. Every replica runs one; only the one holding the elected role
 * "jobs" runs jobs, each when it claims the job's period in job_runs (shared by the replicas,
 * so a take-over continues the schedule instead of starting it again), woken early only to
 * stop.
 */
#include "common/jobs.h"

#include "common/app.h"
#include "common/db.h"
#include "common/leader.h"
#include "common/log.h"
#include "common/module.h"
#include "db_leader.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define JOBS_MAX 16
#define INTERVAL_MAX_S 31536000L

static struct {
	pthread_t thread;
	bool running;
	bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} jobs = {.lock = PTHREAD_MUTEX_INITIALIZER};

long
jobs_interval(const char *spec, const char *name, long dflt)
{
	size_t nlen = strlen(name);
	for (const char *p = spec; p && *p;) {
		const char *end = p + strcspn(p, ",");
		const char *eq = memchr(p, '=', (size_t)(end - p));
		if (eq && (size_t)(eq - p) == nlen && strncmp(p, name, nlen) == 0) {
			char *stop;
			long v = strtol(eq + 1, &stop, 10);
			if (stop == end && stop > eq + 1 && v >= 1 && v <= INTERVAL_MAX_S)
				return v;
		}
		p = *end ? end + 1 : end;
	}
	return dflt;
}

static int
run_one(struct app *app, const struct app_job *j, long interval_s)
{
	int rc = j->run(app);
	if (rc < 0)
		log_warn("job %s failed; it runs again in %ld s", j->name, interval_s);
	return rc;
}

/* The jobs the served modules bring to this platform, in module order. */
static size_t
jobs_list(struct app *app, const struct app_job *out[JOBS_MAX])
{
	size_t n = 0;
	for (const struct module *const *m = app->modules; *m; m++)
		for (const struct app_job *j = module_side(app, *m)->jobs; j && j->name; j++)
			if (n < JOBS_MAX)
				out[n++] = j;
	return n;
}

static long long
now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Claim job j's period and run it when it is due; returns when to look at it again (ms). */
static long long
maybe_run(struct app *app, struct leader *role, const struct app_job *j, long interval_s)
{
	double wait_s = 0;
	/* right before the claim: a holder cut off since the last check does not claim */
	if (!leader_hold(role))
		return now_ms() + LEADER_RETRY_MS;
	int claimed = db_job_claim(j->name, interval_s, leader_instance(app), &wait_s);
	if (claimed < 0)
		return now_ms() + LEADER_RETRY_MS;
	if (claimed == 0) /* run by this or another replica less than interval_s ago */
		return now_ms() + (wait_s > 0.1 ? (long long)(wait_s * 1000) : 100);
	int rc = run_one(app, j, interval_s);
	db_job_done(j->name, rc < 0);
	log_debug("job %s ran on %s", j->name, leader_instance(app));
	return now_ms() + interval_s * 1000LL;
}

static void *
jobs_main(void *arg)
{
	struct app *app = arg;
	long long due[JOBS_MAX] = {0};
	long interval[JOBS_MAX];
	const struct app_job *list[JOBS_MAX];
	size_t n = jobs_list(app, list);
	struct leader *role = leader_new(app, "jobs");
	for (size_t i = 0; i < n; i++)
		interval[i] =
			jobs_interval(app->cfg.job_intervals, list[i]->name, list[i]->interval_s);
	pthread_mutex_lock(&jobs.lock);
	while (!jobs.stopping) {
		long long next;
		pthread_mutex_unlock(&jobs.lock);
		if (!leader_hold(role)) {
			/* another replica runs the jobs: ask again in a second; when this one takes
			 * over, the database says what is due */
			memset(due, 0, sizeof(due));
			next = now_ms() + LEADER_RETRY_MS;
		} else {
			next = 0;
			for (size_t i = 0; i < n; i++) {
				if (due[i] <= now_ms())
					due[i] = maybe_run(app, role, list[i], interval[i]);
				if (!next || due[i] < next)
					next = due[i];
			}
		}
		pthread_mutex_lock(&jobs.lock);
		struct timespec until = {.tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000};
		while (!jobs.stopping) {
			int rc = pthread_cond_timedwait(&jobs.cond, &jobs.lock, &until);
			if (rc == ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&jobs.lock);
	leader_free(role);
	db_shutdown_thread();
	return NULL;
}

int
jobs_start(struct app *app)
{
	const struct app_job *list[JOBS_MAX];
	if (jobs_list(app, list) == 0)
		return 0;
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&jobs.cond, &attr);
	pthread_condattr_destroy(&attr);
	jobs.stopping = false;
	if (pthread_create(&jobs.thread, NULL, jobs_main, app) != 0) {
		log_error("could not start the jobs thread");
		pthread_cond_destroy(&jobs.cond);
		return -1;
	}
	jobs.running = true;
	return 0;
}

void
jobs_stop(void)
{
	if (!jobs.running)
		return;
	pthread_mutex_lock(&jobs.lock);
	jobs.stopping = true;
	pthread_cond_signal(&jobs.cond);
	pthread_mutex_unlock(&jobs.lock);
	pthread_join(jobs.thread, NULL);
	pthread_cond_destroy(&jobs.cond);
	jobs.running = false;
}

int
jobs_run_all(struct app *app)
{
	int failed = 0;
	const struct app_job *list[JOBS_MAX];
	size_t n = jobs_list(app, list);
	for (size_t i = 0; i < n; i++)
		failed += run_one(app, list[i],
				  jobs_interval(app->cfg.job_intervals, list[i]->name,
						list[i]->interval_s)) < 0;
	return failed;
}
