// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * The periodic jobs thread: a simple schedule (each job at start, then every interval_s),
 * woken early only to stop.
 */
#include "common/jobs.h"

#include "common/app.h"
#include "common/db.h"
#include "common/log.h"
#include "common/module.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#define JOBS_MAX 16

static struct {
	pthread_t thread;
	bool running;
	bool stopping;
	pthread_mutex_t lock;
	pthread_cond_t cond;
} jobs = {.lock = PTHREAD_MUTEX_INITIALIZER};

static int
run_one(struct app *app, const struct app_job *j)
{
	int rc = j->run(app);
	if (rc < 0)
		log_warn("job %s failed; it runs again in %ld s", j->name, j->interval_s);
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

static void *
jobs_main(void *arg)
{
	struct app *app = arg;
	struct timespec due[JOBS_MAX] = {0};
	const struct app_job *list[JOBS_MAX];
	size_t n = jobs_list(app, list);
	pthread_mutex_lock(&jobs.lock);
	while (!jobs.stopping) {
		struct timespec now, next = {0};
		clock_gettime(CLOCK_MONOTONIC, &now);
		for (size_t i = 0; i < n; i++) {
			const struct app_job *j = list[i];
			if (due[i].tv_sec <= now.tv_sec) {
				pthread_mutex_unlock(&jobs.lock);
				run_one(app, j);
				pthread_mutex_lock(&jobs.lock);
				clock_gettime(CLOCK_MONOTONIC, &now);
				due[i].tv_sec = now.tv_sec + j->interval_s;
			}
			if (!next.tv_sec || due[i].tv_sec < next.tv_sec)
				next = due[i];
		}
		while (!jobs.stopping) {
			int rc = pthread_cond_timedwait(&jobs.cond, &jobs.lock, &next);
			if (rc == ETIMEDOUT)
				break;
		}
	}
	pthread_mutex_unlock(&jobs.lock);
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
		failed += run_one(app, list[i]) < 0;
	return failed;
}
