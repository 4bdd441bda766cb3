// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Database connections: one per thread, registered so shutdown can close them all, reopened
 * transparently after a lost connection; plus transactions and the migration runner.
 */
#include "common/db.h"

#include "common/check.h"
#include "common/embed.h"
#include "common/html.h"
#include "common/log.h"
#include "common/strbuf.h"
#include "common/template.h"
#include "common/xalloc.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * The statements prepared on a connection, by their text: a query runs as a named prepared
 * statement from its second use on, so PostgreSQL parses it once per connection and, when its
 * own estimate says a generic plan is as good as a planned one (plan_cache_mode auto, after
 * five executions), skips the planning too — often most of a short query's time.
 */
#define DB_STMTS_MAX 1024                /* beyond this, statements run unnamed (dynamic SQL) */
#define DB_STMT_SLOTS (2 * DB_STMTS_MAX) /* open addressing, a power of two */
struct db_stmt {
	uint64_t hash; /* 0: empty */
	char *sql;
	unsigned uses; /* prepared at the second */
	bool prepared;
};

struct db_slot {
	bool read; /* the connection to BALADIYA_READ_DATABASE_URL */
	PGconn *conn;
	struct db_stmt *stmts; /* DB_STMT_SLOTS, NULL until the first query */
	size_t nstmts;
	PGconn *listening; /* the connection that ran LISTEN (a new one must LISTEN again) */
	bool in_tx;
	char sqlstate[6];
	struct db_slot *next;
};

/* The statements of a connection that is gone: forgotten (a new one prepares them again). */
static void
stmts_forget(struct db_slot *s)
{
	if (!s->stmts)
		return;
	for (size_t i = 0; i < DB_STMT_SLOTS; i++)
		free(s->stmts[i].sql);
	free(s->stmts);
	s->stmts = NULL;
	s->nstmts = 0;
}

/* Close s's connection and forget what it held. */
static void
slot_close(struct db_slot *s)
{
	if (s->conn)
		PQfinish(s->conn);
	s->conn = NULL;
	s->listening = NULL; /* a new connection must LISTEN again, even at the same address */
	stmts_forget(s);
}

static pthread_mutex_t db_slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct db_slot *db_slots;
static _Thread_local struct db_slot *db_mine, *db_mine_read;
/* the connection string of the reads that may lag (NULL: none); set before serving */
static char *read_conninfo;
static _Thread_local bool reading;
/* after the read database failed to connect, this thread leaves it alone for a while */
#define READ_RETRY_S 5
static _Thread_local time_t read_down_until;

static struct db_slot *
slot_new(bool read)
{
	struct db_slot *s = xcalloc(1, sizeof(*s));
	s->read = read;
	pthread_mutex_lock(&db_slots_lock);
	s->next = db_slots;
	db_slots = s;
	pthread_mutex_unlock(&db_slots_lock);
	return s;
}

static struct db_slot *
db_slot(void)
{
	if (reading)
		return db_mine_read ? db_mine_read : (db_mine_read = slot_new(true));
	return db_mine ? db_mine : (db_mine = slot_new(false));
}

void
db_shutdown(void)
{
	pthread_mutex_lock(&db_slots_lock);
	struct db_slot *s = db_slots;
	db_slots = NULL;
	pthread_mutex_unlock(&db_slots_lock);
	while (s) {
		struct db_slot *next = s->next;
		slot_close(s);
		free(s);
		s = next;
	}
	db_mine = db_mine_read = NULL;
	reading = false;
	free(read_conninfo);
	read_conninfo = NULL;
}

static void
slot_drop(struct db_slot *mine)
{
	if (!mine)
		return;
	pthread_mutex_lock(&db_slots_lock);
	for (struct db_slot **pp = &db_slots; *pp; pp = &(*pp)->next)
		if (*pp == mine) {
			*pp = mine->next;
			break;
		}
	pthread_mutex_unlock(&db_slots_lock);
	slot_close(mine);
	free(mine);
}

void
db_shutdown_thread(void)
{
	slot_drop(db_mine);
	slot_drop(db_mine_read);
	db_mine = db_mine_read = NULL;
	reading = false;
}

void
db_set_read_database(const char *conninfo)
{
	free(read_conninfo);
	read_conninfo = conninfo && *conninfo ? xstrdup(conninfo) : NULL;
}

bool
db_read_configured(void)
{
	return read_conninfo != NULL;
}

bool
db_read_begin(void)
{
	reading = read_conninfo != NULL && (!read_down_until || time(NULL) >= read_down_until);
	return reading;
}

void
db_read_end(void)
{
	reading = false;
}

bool
db_reading(void)
{
	return reading;
}

static void
db_notice_quiet(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgresql notice: %s", message);
}

/*
 * Whether every connection made so far hands out valid UTF-8: its client encoding is UTF8 and
 * the server checks what it stores (any server encoding but SQL_ASCII, which stores bytes
 * unchecked), so the server converts into UTF-8 what it sends. Then db_row_object makes its
 * strings without checking them again (a tenth of a list page's instructions). 1 yes, -1 a
 * connection did not: checked for the rest of the process.
 */
static atomic_int text_is_utf8;

static void
note_encoding(PGconn *c)
{
	const char *client = PQparameterStatus(c, "client_encoding");
	const char *server = PQparameterStatus(c, "server_encoding");
	bool utf8 =
		client && strcmp(client, "UTF8") == 0 && server && strcmp(server, "SQL_ASCII") != 0;
	int unknown = 0;
	if (!utf8)
		atomic_store(&text_is_utf8, -1);
	else
		atomic_compare_exchange_strong(&text_is_utf8, &unknown, 1);
}

PGconn *
db_conn(void)
{
	struct db_slot *s = db_slot();
	if (s->conn && PQstatus(s->conn) == CONNECTION_OK)
		return s->conn;
	slot_close(s);
	/* connect_timeout keeps a dead server from holding a worker for long; the read slot's
	 * connection string (dbname, expanded) names its servers, the PG* environment the rest */
	const char *keys[] = {"connect_timeout", "application_name", "client_encoding", NULL, NULL};
	const char *vals[] = {"3", "baladiya", "UTF8", NULL, NULL};
	if (s->read) { /* only handler threads, started after db_set_read_database */
		keys[3] = "dbname";
		vals[1] = "baladiya-read";
		vals[3] = read_conninfo;
	}
	PGconn *c = PQconnectdbParams(keys, vals, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		char *msg = xstrdup(PQerrorMessage(c));
		for (char *p = msg; *p; p++)
			if (*p == '\n')
				*p = ' ';
		log_warn("could not connect to the database: %s", msg);
		free(msg);
		PQfinish(c);
		memcpy(s->sqlstate, "08006", 6);
		return NULL;
	}
	PQsetNoticeProcessor(c, db_notice_quiet, NULL);
	note_encoding(c);
	s->conn = c;
	s->in_tx = false;
	return c;
}

const char *
db_last_sqlstate(void)
{
	return db_slot()->sqlstate;
}

bool
db_is_unique_violation(void)
{
	return strcmp(db_slot()->sqlstate, "23505") == 0;
}

static bool
db_result_ok(PGresult *res)
{
	ExecStatusType st = PQresultStatus(res);
	return st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
}

/* FNV-1a of the statement's text, never 0 (0 marks an empty place). */
static uint64_t
stmt_hash(const char *sql)
{
	uint64_t h = 14695981039346656037ULL;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	return h ? h : 1;
}

/* The place of sql among s's statements (taken for it when new and there is room), or NULL. */
static struct db_stmt *
stmt_find(struct db_slot *s, const char *sql)
{
	if (!s->stmts)
		s->stmts = xcalloc(DB_STMT_SLOTS, sizeof(*s->stmts));
	uint64_t h = stmt_hash(sql);
	for (size_t i = h & (DB_STMT_SLOTS - 1);; i = (i + 1) & (DB_STMT_SLOTS - 1)) {
		struct db_stmt *st = &s->stmts[i];
		if (st->hash == h && strcmp(st->sql, sql) == 0)
			return st;
		if (st->hash == 0) {
			if (s->nstmts == DB_STMTS_MAX)
				return NULL;
			s->nstmts++;
			st->hash = h;
			st->sql = xstrdup(sql);
			return st;
		}
	}
}

/*
 * Run sql on c: unnamed the first time this connection sees it (a query run once, like a
 * migration's, costs no more than before), as a prepared statement named after its place
 * from the second on.
 */
static PGresult *
stmt_exec(struct db_slot *s, PGconn *c, const char *sql, int n, const char *const *params)
{
	struct db_stmt *st = stmt_find(s, sql);
	if (!st || st->uses++ == 0)
		return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	char name[24];
	snprintf(name, sizeof(name), "b%zu", (size_t)(st - s->stmts));
	if (!st->prepared) {
		PGresult *pr = PQprepare(c, name, sql, 0, NULL);
		if (PQresultStatus(pr) != PGRES_COMMAND_OK)
			return pr; /* the caller reports it like a failed query */
		PQclear(pr);
		st->prepared = true;
	}
	return PQexecPrepared(c, name, n, params, NULL, NULL, 0);
}

PGresult *
db_exec(const char *sql, int n, const char *const *params)
{
	struct db_slot *s = db_slot();
	s->sqlstate[0] = '\0';
	for (int attempt = 0; attempt < 2; attempt++) {
		PGconn *c = db_conn();
		if (!c && s->read) { /* no standby: the primary answers */
			read_down_until = time(NULL) + READ_RETRY_S;
			reading = false;
			s = db_slot();
			s->sqlstate[0] = '\0';
			c = db_conn();
		}
		if (!c)
			return NULL;
		PGresult *res = stmt_exec(s, c, sql, n, params);
		if (res && db_result_ok(res))
			return res;
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		bool lost = PQstatus(c) != CONNECTION_OK;
		snprintf(s->sqlstate, sizeof(s->sqlstate), "%s", state ? state : "08006");
		if (s->read && (lost || strcmp(s->sqlstate, "25006") == 0)) {
			/* a write on the standby, or the standby gone: the rest of this request
			 * goes to the primary */
			log_debug("read connection: %s; on the primary from here",
				  lost ? "lost" : "a write");
			PQclear(res);
			if (lost)
				slot_close(s);
			reading = false;
			s = db_slot();
			s->sqlstate[0] = '\0';
			attempt = -1;
			continue;
		}
		if (lost) {
			log_warn("lost the database connection: %s", PQerrorMessage(c));
			PQclear(res);
			slot_close(s);
			if (s->in_tx) {
				s->in_tx = false;
				return NULL;
			}
			continue;
		}
		/* unique violations are the caller's business (a conflict), not an error */
		if (strcmp(s->sqlstate, "23505") == 0)
			log_debug("query failed: %s", PQresultErrorMessage(res));
		else
			log_error("query failed (%s): %s", s->sqlstate, PQresultErrorMessage(res));
		PQclear(res);
		return NULL;
	}
	return NULL;
}

int
db_command(const char *sql, int n, const char *const *params)
{
	PGresult *res = db_exec(sql, n, params);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

int
db_ids_past(const char *table)
{
	if (!*table || strspn(table, "abcdefghijklmnopqrstuvwxyz_") != strlen(table))
		die("db_ids_past: not a table name: %s", table);
	char *q = xasprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'),"
			    " (SELECT max(id) FROM %s))",
			    table, table);
	int rc = db_command(q, 0, NULL);
	free(q);
	return rc;
}

int
db_begin(void)
{
	reading = false; /* a transaction is for the primary */
	struct db_slot *s = db_slot();
	if (db_command("BEGIN", 0, NULL) < 0)
		return -1;
	s->in_tx = true;
	return 0;
}

int
db_commit(void)
{
	struct db_slot *s = db_slot();
	int rc = db_command("COMMIT", 0, NULL);
	s->in_tx = false;
	return rc;
}

void
db_rollback(void)
{
	struct db_slot *s = db_slot();
	if (s->conn && PQtransactionStatus(s->conn) != PQTRANS_IDLE) {
		PGresult *res = PQexec(s->conn, "ROLLBACK");
		PQclear(res);
	}
	s->in_tx = false;
}

static int
drain_notifies(PGconn *c)
{
	PGnotify *n;
	int had = 0;
	PQconsumeInput(c);
	while ((n = PQnotifies(c))) {
		had = 1;
		PQfreemem(n);
	}
	return had;
}

int
db_wait_notify(const char *channel, int timeout_ms, int wake_fd)
{
	struct db_slot *s = db_slot();
	PGconn *c = db_conn();
	struct pollfd p[2] = {{-1, POLLIN, 0}, {wake_fd, POLLIN, 0}};
	if (c && s->listening != c) {
		char *sql =
			xasprintf("LISTEN %s", channel); /* a constant identifier from our code */
		int rc = db_command(sql, 0, NULL);
		free(sql);
		c = s->conn; /* db_command may have replaced a lost connection */
		s->listening = rc == 0 ? c : NULL;
		/* what was notified before this LISTEN (on a lost connection) is not coming */
		if (rc == 0)
			return 1;
	}
	if (!c || s->listening != c) {
		poll(p + 1, wake_fd >= 0 ? 1 : 0, timeout_ms);
		return -1;
	}
	if (drain_notifies(c))
		return 1;
	p[0].fd = PQsocket(c);
	poll(p, wake_fd >= 0 ? 2 : 1, timeout_ms);
	return drain_notifies(c);
}

int
db_notify(const char *channel)
{
	bool was_reading = reading;
	reading = false; /* a standby cannot notify */
	struct db_slot *s = db_slot();
	int rc = -1;
	/* a transaction that already failed would only fail once more, loudly */
	if (!s->conn || PQtransactionStatus(s->conn) != PQTRANS_INERROR)
		rc = db_command("SELECT pg_notify($1, '')", DB_PARAMS(channel));
	reading = was_reading;
	return rc;
}

char *
db_primary_lsn(void)
{
	PGresult *res = db_exec("SELECT pg_current_wal_lsn()::text", 0, NULL);
	char *lsn = res && PQntuples(res) == 1 ? xstrdup(PQgetvalue(res, 0, 0)) : NULL;
	PQclear(res);
	return lsn;
}

int
db_read_replayed(const char *lsn)
{
	/* on a primary (target_session_attrs fell back to it) everything is there */
	PGresult *res = db_exec("SELECT coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn,"
				" NOT pg_is_in_recovery())",
				DB_PARAMS(lsn));
	int rc = res && PQntuples(res) == 1 ? PQgetvalue(res, 0, 0)[0] == 't' : -1;
	PQclear(res);
	return rc;
}

bool
db_is_healthy(void)
{
	PGresult *res = db_exec("SELECT 1", 0, NULL);
	PQclear(res);
	return res != NULL;
}

/* One migration file and the layer that brings it. */
struct migration {
	const struct embedded_file *file;
	const char *label;
};

static int
cmp_migrations(const void *a, const void *b)
{
	return strcmp(((const struct migration *)a)->file->name,
		      ((const struct migration *)b)->file->name);
}

/* 1 when the file (without "migrations/") was applied under any layer's label, 0 when not, -1
 * on failure: a file is known by its name, so one that moved between layers (the first nine
 * were common's before modules) is not applied again. */
static int
migration_done(const char *file)
{
	PGresult *res = db_exec("SELECT 1 FROM schema_migrations"
				" WHERE substr(name, strpos(name, '/') + 1) = $1",
				DB_PARAMS(file));
	int done = res ? PQntuples(res) > 0 : -1;
	PQclear(res);
	return done;
}

static int
migration_apply(const struct migration *m)
{
	const char *file = m->file->name + 11;
	int done = migration_done(file);
	if (done != 0)
		return done < 0 ? -1 : 0;
	char *key = xasprintf("%s/%s", m->label, file);
	log_info("applying migration %s", key);
	PGconn *c = db_conn();
	int rc = -1;
	if (db_begin() < 0)
		goto out;
	/* a migration file may hold several statements: simple query protocol */
	PGresult *mr = PQexec(c, (const char *)m->file->data);
	bool ok = PQresultStatus(mr) == PGRES_COMMAND_OK || PQresultStatus(mr) == PGRES_TUPLES_OK;
	if (!ok)
		log_error("migration %s failed: %s", key, PQresultErrorMessage(mr));
	PQclear(mr);
	if (!ok ||
	    db_command("INSERT INTO schema_migrations (name) VALUES ($1)", DB_PARAMS(key)) < 0 ||
	    db_commit() < 0)
		db_rollback();
	else
		rc = 0;
out:
	free(key);
	return rc;
}

/* Every layer's migrations in one list sorted by file name; -1 when a name is there twice. */
static int
migrations_collect(const struct embedded_file *const *sets, const char *const *labels, int nsets,
		   struct migration **out, size_t *nr)
{
	size_t alloc = 0;
	*out = NULL;
	*nr = 0;
	for (int i = 0; i < nsets; i++)
		for (const struct embedded_file *f = sets[i]; f && f->name; f++)
			if (strncmp(f->name, "migrations/", 11) == 0) {
				ALLOC_GROW(*out, *nr + 1, alloc);
				(*out)[(*nr)++] = (struct migration){f, labels[i]};
			}
	if (*nr)
		qsort(*out, *nr, sizeof(**out), cmp_migrations);
	for (size_t i = 1; i < *nr; i++)
		if (strcmp((*out)[i].file->name, (*out)[i - 1].file->name) == 0) {
			log_error("migration %s is in both %s and %s", (*out)[i].file->name + 11,
				  (*out)[i - 1].label, (*out)[i].label);
			return -1;
		}
	return 0;
}

int
db_migrate(const struct embedded_file *const *sets, const char *const *labels, int nsets)
{
	int rc = -1;
	struct migration *list = NULL;
	size_t nr = 0;
	if (migrations_collect(sets, labels, nsets, &list, &nr) < 0) {
		free(list);
		return -1;
	}
	/* one advisory lock id for the whole project: concurrent starters wait for each other */
	if (db_command("SELECT pg_advisory_lock(7310901)", 0, NULL) < 0) {
		free(list);
		return -1;
	}
	if (db_command("CREATE TABLE IF NOT EXISTS schema_migrations ("
		       " name text PRIMARY KEY,"
		       " applied_at timestamptz NOT NULL DEFAULT now())",
		       0, NULL) < 0)
		goto out;
	for (size_t i = 0; i < nr; i++)
		if (migration_apply(&list[i]) < 0)
			goto out;
	rc = 0;
out:
	db_command("SELECT pg_advisory_unlock(7310901)", 0, NULL);
	free(list);
	return rc;
}

long
db_migrations_pending(const struct embedded_file *const *sets, const char *const *labels, int nsets)
{
	struct migration *list = NULL;
	size_t nr = 0;
	if (migrations_collect(sets, labels, nsets, &list, &nr) < 0) {
		free(list);
		return -1;
	}
	/* the names as one text[] literal (NNNN_<verb>_<object>.sql: no quote, no backslash) */
	struct strbuf names = STRBUF_INIT;
	strbuf_addch(&names, '{');
	for (size_t i = 0; i < nr; i++)
		strbuf_addf(&names, "%s\"%s\"", i ? "," : "", list[i].file->name + 11);
	strbuf_addch(&names, '}');
	free(list);
	/* a database never migrated has no table yet: every migration is pending */
	long long done = db_first_number(
		db_exec("SELECT (to_regclass('schema_migrations') IS NOT NULL)::int", 0, NULL));
	if (done > 0)
		done = db_first_number(
			db_exec("SELECT count(DISTINCT substr(name, strpos(name, '/') + 1))"
				" FROM schema_migrations"
				" WHERE substr(name, strpos(name, '/') + 1) = ANY($1::text[])",
				DB_PARAMS(names.buf)));
	strbuf_release(&names);
	return done < 0 ? -1 : (long)((long long)nr - done);
}

json_t *
db_text_or_null(PGresult *res, int row, int col)
{
	return PQgetisnull(res, row, col) ? json_null() : json_string(PQgetvalue(res, row, col));
}

/* Type OIDs of PostgreSQL's catalog (pg_type.dat), stable across versions. */
#define OID_BOOL 16
#define OID_INT8 20
#define OID_INT2 21
#define OID_INT4 23
#define OID_JSON 114
#define OID_JSONB 3802

json_t *
db_value(PGresult *res, int row, int col)
{
	if (PQgetisnull(res, row, col))
		return json_null();
	const char *v = PQgetvalue(res, row, col);
	size_t len = (size_t)PQgetlength(res, row, col);
	json_t *j;
	switch (PQftype(res, col)) {
	case OID_BOOL:
		return json_boolean(v[0] == 't');
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		return json_integer(strtoll(v, NULL, 10));
	case OID_JSON:
	case OID_JSONB:
		j = json_loadb(v, len, JSON_DECODE_ANY, NULL);
		break;
	default:
		/* NULL when not UTF-8: a database in another encoding */
		j = atomic_load(&text_is_utf8) > 0 ? json_stringn_nocheck(v, len)
						   : json_stringn(v, len);
		break;
	}
	return j ? j : json_null();
}

void
db_template_value(PGresult *res, int row, int col, struct template_value *v)
{
	*v = (struct template_value){TEMPLATE_NULL};
	if (PQgetisnull(res, row, col))
		return;
	const char *s = PQgetvalue(res, row, col);
	size_t len = (size_t)PQgetlength(res, row, col);
	switch (PQftype(res, col)) {
	case OID_BOOL:
		*v = (struct template_value){TEMPLATE_BOOL, .integer = s[0] == 't'};
		break;
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
		*v = (struct template_value){TEMPLATE_INTEGER, .integer = strtoll(s, NULL, 10)};
		break;
	case OID_JSON:
	case OID_JSONB:
		v->json = json_loadb(s, len, JSON_DECODE_ANY, NULL);
		v->type = v->json ? TEMPLATE_JSON : TEMPLATE_NULL;
		break;
	default:
		if (atomic_load(&text_is_utf8) > 0 || utf8_is_valid(s, len))
			*v = (struct template_value){TEMPLATE_TEXT, s, len};
		break;
	}
}

json_t *
db_row_object(PGresult *res, int row)
{
	json_t *o = json_object();
	int n = PQnfields(res);
	for (int col = 0; col < n; col++)
		json_object_set_new_nocheck(o, PQfname(res, col), db_value(res, row, col));
	return o;
}

void
db_query_init(struct db_query *q, const char *sql)
{
	strbuf_init(&q->sql, 512);
	q->n = 0;
	strbuf_addstr(&q->sql, sql);
}

void
db_query_add(struct db_query *q, const char *sql)
{
	strbuf_addstr(&q->sql, sql);
}

void
db_query_param(struct db_query *q, const char *sql, const char *value)
{
	if (q->n == DB_QUERY_PARAMS)
		die("db_query: more than %d parameters", DB_QUERY_PARAMS);
	q->params[q->n++] = value;
	for (const char *p; (p = strstr(sql, "$?")); sql = p + 2) {
		strbuf_add(&q->sql, sql, (size_t)(p - sql));
		strbuf_addf(&q->sql, "$%d", q->n);
	}
	strbuf_addstr(&q->sql, sql);
}

void
db_query_limit(struct db_query *q, int n)
{
	strbuf_addf(&q->sql, " LIMIT %d", n);
}

PGresult *
db_query_exec(struct db_query *q)
{
	PGresult *res = db_exec(q->sql.buf, q->n, q->params);
	strbuf_release(&q->sql);
	return res;
}

json_t *
db_row_objects(PGresult *res)
{
	if (!res)
		return NULL;
	json_t *a = json_array();
	for (int i = 0; i < PQntuples(res); i++)
		json_array_append_new(a, db_row_object(res, i));
	PQclear(res);
	return a;
}

json_t *
db_first_row(PGresult *res, enum status *st)
{
	*st = res ? STATUS_NOT_FOUND : STATUS_UNAVAILABLE;
	json_t *o = res && PQntuples(res) ? db_row_object(res, 0) : NULL;
	if (o)
		*st = STATUS_OK;
	PQclear(res);
	return o;
}

long long
db_first_number(PGresult *res)
{
	long long n = res && PQntuples(res) ? strtoll(PQgetvalue(res, 0, 0), NULL, 10) : -1;
	PQclear(res);
	return n;
}

int
db_changed_rows(PGresult *res)
{
	if (!res)
		return -1;
	int n = atoi(PQcmdTuples(res));
	PQclear(res);
	return n;
}

char *
db_hex_bytes(const char *hex, size_t *len)
{
	if (hex[0] == '\\' && hex[1] == 'x')
		hex += 2;
	size_t n = strlen(hex) / 2;
	char *b = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		b[i] = (char)(hex_digit_value(hex[2 * i]) << 4 | hex_digit_value(hex[2 * i + 1]));
	b[n] = '\0';
	*len = n;
	return b;
}

int
db_facts_add(PGresult *res, json_t *out)
{
	if (!res)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		json_object_set_new(out, PQgetvalue(res, i, 0),
				    json_pack("{s:I, s:o}", "count",
					      (json_int_t)strtoll(PQgetvalue(res, i, 1), NULL, 10),
					      "latest", db_text_or_null(res, i, 2)));
	PQclear(res);
	return 0;
}
