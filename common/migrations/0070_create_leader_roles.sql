-- The background roles that only one replica of a daemon may play at a time (common/leader.h):
-- each is elected by a session-level advisory lock (lock_key) held on a dedicated connection.
-- The holder writes its row when it takes the role; a row is current while the connection
-- whose backend is pid still holds lock_key (read from pg_locks), so a holder that died is
-- never shown as holding.
CREATE TABLE leader_roles (
	role text PRIMARY KEY,
	lock_key bigint NOT NULL,
	holder text NOT NULL,
	pid integer NOT NULL,
	since timestamptz NOT NULL
);
COMMENT ON TABLE leader_roles IS
	'the replica (BALADIYA_INSTANCE) that last took each elected role, the backend pid of its lock connection and when';

-- The periodic jobs' bookkeeping, shared by the replicas (common/src/jobs.c): a job runs when
-- the replica holding the jobs role claims its period here (started_at older than the job's
-- interval), so a period is run once however many replicas there are and whoever holds the role.
CREATE TABLE job_runs (
	job text PRIMARY KEY,
	started_at timestamptz NOT NULL,
	finished_at timestamptz,
	runs bigint NOT NULL DEFAULT 1,
	holder text NOT NULL,
	failed boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE job_runs IS
	'when each periodic job last started and finished, how many times it ran, on which replica';
