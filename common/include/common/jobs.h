// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_JOBS_H
#define COMMON_JOBS_H

/*
 * Periodic jobs of a daemon (retention limits and other housekeeping): one thread runs each
 * job once at start and then every interval, on its own database connection. The same jobs
 * run once from the command line with "jobs run" (for cron, or an operator).
 */
struct app;

struct app_job {
	const char *name;
	long interval_s;
	int (*run)(struct app *app); /* 0, or -1 (logged by the job; retried next interval) */
};

/* Start the thread for the jobs the served modules bring (nothing to do without any). */
int jobs_start(struct app *app);
/* Stop it and wait for the job in progress. */
void jobs_stop(void);
/* Run every job once, in order; returns the number that failed. */
int jobs_run_all(struct app *app);

#endif
