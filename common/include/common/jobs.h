// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_JOBS_H
#define COMMON_JOBS_H

/*
 * Periodic jobs of a daemon (retention limits and other housekeeping), run once per interval
 * across all the replicas of a daemon: the replica elected for the role "jobs"
 * (common/leader.h) runs a job when it claims the job's period in the database (job_runs: the
 * last start is older than the interval, or there is none), so neither a second replica nor a
 * take-over after the holder died runs a period twice. The same jobs run once from the command
 * line with "jobs run" (for cron, or an operator), outside that bookkeeping.
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

/*
 * The interval of job name: the value given for it in spec ("job=seconds,...", seconds from 1
 * to 31,536,000; BALADIYA_JOB_INTERVALS), else dflt. A malformed spec entry is ignored.
 */
long jobs_interval(const char *spec, const char *name, long dflt);

#endif
