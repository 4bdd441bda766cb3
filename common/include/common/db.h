// SPDX-License-Identifier: AGPL-3.0-or-later
#ifndef COMMON_DB_H
#define COMMON_DB_H

#include "common/status.h"
#include "common/strbuf.h"

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

struct template_value; /* common/template.h */

/*
 * PostgreSQL access for db_<entity>.c files (handlers never include this header).
 * Each thread owns one connection, opened lazily from libpq's PG* environment and reopened
 * after the server restarts. SQL text is always constant (or assembled from constant
 * fragments, struct db_query); values go in params.
 */

/* Close every thread's connection (at shutdown, after the worker threads stopped). */
void db_shutdown(void);

/* Close this thread's connection (a thread about to exit). */
void db_shutdown_thread(void);

/* This thread's connection, reconnecting if needed; NULL when the server is unreachable. */
PGconn *db_conn(void);

/*
 * Run sql with n text parameters (NULL = SQL NULL). Returns the result (caller PQclear()s it)
 * when the status is COMMAND_OK or TUPLES_OK; otherwise logs the error once and returns NULL,
 * and db_last_sqlstate() tells why. Outside a transaction, a query that failed because the
 * connection was lost is retried once on a fresh connection.
 */
PGresult *db_exec(const char *sql, int n, const char *const *params);
#define DB_PARAMS(...)                                                                             \
	(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)), (const char *const[])      \
	{                                                                                          \
		__VA_ARGS__                                                                        \
	}
/*
 * A statement assembled from constant fragments, the conditions a request asks for each with
 * its value as a new parameter: PostgreSQL then plans each combination once (db_exec prepares
 * it from its second use) where a "($n IS NULL OR r.x = $n)" statement is planned again for
 * every request (its generic plan cannot use the indexes, so the custom one always wins:
 * planning took more than executing on the list pages). At most DB_QUERY_PARAMS parameters.
 * Values never go into the text (db_query_limit's page size aside).
 */
#define DB_QUERY_PARAMS 16
struct db_query {
	struct strbuf sql;
	int n;
	const char *params[DB_QUERY_PARAMS];
};
void db_query_init(struct db_query *q, const char *sql);
/* Appends the constant fragment sql. */
void db_query_add(struct db_query *q, const char *sql);
/* Appends the constant fragment sql, each "$?" in it becoming the placeholder of value, a new
 * parameter (NULL: SQL NULL); value must live until db_query_exec. */
void db_query_param(struct db_query *q, const char *sql, const char *value);
/*
 * Appends " LIMIT n". n is the caller's page size, a number of its own, never a client's: as a
 * parameter, a LIMIT makes PostgreSQL plan the statement again for every request (a generic
 * plan assumes it keeps a tenth of the rows, so the custom plan always looks cheaper).
 */
void db_query_limit(struct db_query *q, int n);
/* db_exec of the statement; q is released. */
PGresult *db_query_exec(struct db_query *q);

/* The value at (row, col) of res as a JSON string, or JSON null for SQL NULL. */
json_t *db_text_or_null(PGresult *res, int row, int col);
/*
 * The value at (row, col) of res as JSON (new reference): NULL as null, bool as true/false,
 * int2/int4/int8 as integers, json/jsonb parsed, anything else as a string.
 */
json_t *db_value(PGresult *res, int row, int col);
/* The same value as a template reads it (common/template.h): NULL, BOOL, INTEGER, TEXT
 * (borrowed from res; NULL when not UTF-8, as db_value), json and jsonb as JSON. */
void db_template_value(PGresult *res, int row, int col, struct template_value *v);
/*
 * Row `row` of res as a JSON object keyed by column name, each value as db_value (new
 * reference). Cheaper than building the row as JSON text in SQL and parsing it back.
 */
json_t *db_row_object(PGresult *res, int row);
/* Every row of res as db_row_object() in a new array (res consumed); NULL when res is NULL. */
json_t *db_row_objects(PGresult *res);
/*
 * The answers of a query that returns one row or changes rows, res consumed (NULL: the query
 * failed): db_first_row, the first row as db_row_object with *st OK, or NULL with *st
 * NOT_FOUND (no row) or UNAVAILABLE (failed); db_first_number, the first column of the first
 * row as a number, -1 when failed or no row; db_changed_rows, the rows the command changed, -1
 * when failed.
 */
json_t *db_first_row(PGresult *res, enum status *st);
long long db_first_number(PGresult *res);
int db_changed_rows(PGresult *res);
/* The bytes of a bytea value read as hex text (encode(x, 'hex'), or bytea's own "\\x..."
 * output) in a new NUL-terminated buffer (xmalloc), their number in *len. */
char *db_hex_bytes(const char *hex, size_t *len);
/*
 * A module's facts (module.h, module_side.facts) in SQL: DB_FACT(name, col) is the select list
 * "name, rows whose col is in [$1, $2), the newest such col as RFC 3339 UTC" ($1 / $2 NULL:
 * unbounded), one row per fact (UNION ALL); db_facts_add adds each row of res (consumed) to out
 * as name -> {count, latest}: 0, or -1 when res is NULL (the query failed, logged).
 */
#define DB_FACT_IN(col)                                                                            \
	"($1::timestamptz IS NULL OR " col " >= $1) AND ($2::timestamptz IS NULL OR " col " < $2)"
#define DB_FACT(name, col)                                                                         \
	name ", count(*) FILTER (WHERE " DB_FACT_IN(                                               \
		col) "), to_char(max(" col                                                         \
		     ") FILTER (WHERE " DB_FACT_IN(                                                \
			     col) ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
int db_facts_add(PGresult *res, json_t *out);

/* Convenience: db_exec then PQclear; returns 0 or -1. */
int db_command(const char *sql, int n, const char *const *params);
/*
 * Moves the id sequence of table (a caller's constant: [a-z_]+, with a serial "id") past the
 * largest id it holds, after rows were written under ids of their own (a restore, own rows
 * keeping the ids their events carry). 0 or -1.
 */
int db_ids_past(const char *table);

/* The SQLSTATE of this thread's last failed db_exec ("" when none, "08006" when no server). */
const char *db_last_sqlstate(void);
bool db_is_unique_violation(void);

/* Transactions on this thread's connection. db_rollback is safe to call when none is open. */
int db_begin(void);
int db_commit(void);
void db_rollback(void);

/*
 * Wait up to timeout_ms for a NOTIFY on channel (LISTENing first, again after a reconnect), or
 * for input on wake_fd (-1: none). Returns 1 when notified, and at once when it has just
 * started LISTENing (a notification sent before may have been missed: act as if notified); 0
 * otherwise; -1 when the database is unreachable (after waiting timeout_ms).
 */
int db_wait_notify(const char *channel, int timeout_ms, int wake_fd);

/* NOTIFY channel (empty payload) on this thread's connection: inside a transaction it is
 * delivered at commit, and not at all on rollback. 0, or -1 (logged; nothing is sent in a
 * transaction that already failed). */
int db_notify(const char *channel);

/*
 * Reads that may lag (issue 16): with a second connection string (BALADIYA_READ_DATABASE_URL,
 * for instance libpq multi-host with target_session_attrs=prefer-standby), the statements a
 * thread runs between db_read_begin() (true when configured) and db_read_end() go to a second
 * per-thread connection. A transaction (db_begin), a NOTIFY, a write refused there (SQLSTATE
 * 25006) or a lost standby sends the rest of them to the primary. Unset: one database.
 */
void db_set_read_database(const char *conninfo);
bool db_read_configured(void);
bool db_read_begin(void);
void db_read_end(void);
/* True while this thread's statements go to the read connection. */
bool db_reading(void);
/* The primary's current WAL position as text (malloc'd), NULL on failure. */
char *db_primary_lsn(void);
/* On the read connection: 1 when it has replayed up to lsn (or is a primary), 0 when not yet,
 * -1 on failure. */
int db_read_replayed(const char *lsn);

/* True when SELECT 1 answers within the connection's timeouts. */
bool db_is_healthy(void);

/*
 * Apply the embedded migrations of every set ("migrations/NNNN_<verb>_<object>.sql", numbers
 * unique across the sets) in one order by file name, under a session advisory lock, each file
 * in its own transaction, recording "<label>/<file>". A file is known by its name: applied
 * under any label, it is not applied again. Returns 0 or -1 (logged; also for a name in two
 * sets).
 */
struct embedded_file;
int db_migrate(const struct embedded_file *const *sets, const char *const *labels, int nsets);
/* How many of those sets' migrations the database has not recorded (0: at the level this binary
 * expects; a newer binary's extra ones, recorded, do not count); -1 when it cannot say. */
long db_migrations_pending(const struct embedded_file *const *sets, const char *const *labels,
			   int nsets);

#endif
