// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Benchmark baseline: the barest libmicrohttpd + libpq + jansson server. GET /row answers one
 * row of bench_row, fetched by primary key with PQexecParams on the pool thread's own
 * connection (as common/src/db.c does) and written out as JSON. Our JSON pages are measured
 * against it (tests/bench/foundation.sh creates the table, builds and runs it).
 *
 * usage: baseline_pg PORT [THREADS]   (libpq reads PGHOST, PGPORT, PGDATABASE, PGUSER...)
 * GET /row?id=N answers row N; without id each thread walks rows 1..ROW_COUNT in turn.
 */
#include <jansson.h>
#include <libpq-fe.h>
#include <microhttpd.h>

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW_COUNT 100

/* every thread's connection, so that main can close them all at shutdown */
struct pg_slot {
	PGconn *conn;
	struct pg_slot *next;
};

static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pg_slot *slots;
static _Thread_local struct pg_slot *slot_mine;
static _Thread_local unsigned long row_next;

static char not_found_body[] = "{\"error\":{\"code\":\"not_found\"}}";
static char internal_body[] = "{\"error\":{\"code\":\"internal\"}}";

/* The calling thread's connection, opened on first use and after a loss; NULL when down. */
static PGconn *
pg_conn(void)
{
	if (!slot_mine) {
		slot_mine = calloc(1, sizeof(*slot_mine));
		if (!slot_mine)
			abort();
		pthread_mutex_lock(&slots_lock);
		slot_mine->next = slots;
		slots = slot_mine;
		pthread_mutex_unlock(&slots_lock);
	}
	if (slot_mine->conn && PQstatus(slot_mine->conn) == CONNECTION_OK)
		return slot_mine->conn;
	PQfinish(slot_mine->conn);
	slot_mine->conn = PQconnectdb("application_name=baseline_pg");
	if (PQstatus(slot_mine->conn) != CONNECTION_OK) {
		fprintf(stderr, "baseline_pg: could not connect: %s",
			PQerrorMessage(slot_mine->conn));
		PQfinish(slot_mine->conn);
		slot_mine->conn = NULL;
	}
	return slot_mine->conn;
}

static void
pg_close_all(void)
{
	pthread_mutex_lock(&slots_lock);
	while (slots) {
		struct pg_slot *next = slots->next;
		PQfinish(slots->conn);
		free(slots);
		slots = next;
	}
	pthread_mutex_unlock(&slots_lock);
	slot_mine = NULL; /* the caller's slot was freed above with the others */
}

/* The JSON text of row id (malloc'd, the caller frees), NULL with *status set otherwise. */
static char *
row_json(long long id, unsigned *status)
{
	static const char q[] = "SELECT id, title, body, published_at FROM bench_row WHERE id = $1";
	char idb[32];
	snprintf(idb, sizeof(idb), "%lld", id);
	const char *const params[] = {idb};
	char *out = NULL;
	*status = MHD_HTTP_INTERNAL_SERVER_ERROR;
	PGconn *c = pg_conn();
	if (!c)
		return NULL;
	PGresult *res = PQexecParams(c, q, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		fprintf(stderr, "baseline_pg: query failed: %s", PQresultErrorMessage(res));
		goto out_clear;
	}
	if (PQntuples(res) != 1) {
		*status = MHD_HTTP_NOT_FOUND;
		goto out_clear;
	}
	json_t *row = json_pack("{s:I, s:s, s:s, s:s}", "id",
				(json_int_t)strtoll(PQgetvalue(res, 0, 0), NULL, 10), "title",
				PQgetvalue(res, 0, 1), "body", PQgetvalue(res, 0, 2),
				"published_at", PQgetvalue(res, 0, 3));
	if (row) {
		out = json_dumps(row, JSON_COMPACT);
		json_decref(row);
		*status = MHD_HTTP_OK;
	}
out_clear:
	PQclear(res);
	return out;
}

/* the address stored in *req_cls to tell the second call from the first */
static int request_marker;

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	(void)cls;
	(void)version;
	(void)upload_data;
	(void)upload_data_size;
	/*
	 * Answer on the second call, as the real server does for what it renders: libmicrohttpd
	 * 0.9.75 closes the connection after a response queued on the first call (before it
	 * knows there is no body), and a baseline that reconnects for every request is no
	 * baseline.
	 */
	if (!*req_cls) {
		*req_cls = &request_marker;
		return MHD_YES;
	}
	unsigned status = MHD_HTTP_NOT_FOUND;
	char *body = NULL;
	if (strcmp(method, "GET") == 0 && strcmp(url, "/row") == 0) {
		const char *arg = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "id");
		long long id =
			arg ? strtoll(arg, NULL, 10) : (long long)(row_next++ % ROW_COUNT) + 1;
		body = row_json(id, &status);
	}
	struct MHD_Response *r;
	if (body)
		r = MHD_create_response_from_buffer(strlen(body), body, MHD_RESPMEM_MUST_FREE);
	else if (status == MHD_HTTP_NOT_FOUND)
		r = MHD_create_response_from_buffer(sizeof(not_found_body) - 1, not_found_body,
						    MHD_RESPMEM_PERSISTENT);
	else
		r = MHD_create_response_from_buffer(sizeof(internal_body) - 1, internal_body,
						    MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json");
	enum MHD_Result rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	return rc;
}

int
main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s PORT [THREADS]\n", argv[0]);
		return 2;
	}
	unsigned port = (unsigned)strtoul(argv[1], NULL, 10);
	unsigned threads = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 10) : 4;
	if (port == 0 || port > 65535 || threads == 0) {
		fprintf(stderr, "baseline_pg: invalid port or thread count\n");
		return 2;
	}

	/* fail at start, not on the first request, when the database is not there */
	unsigned status;
	char *probe = row_json(1, &status);
	if (!probe) {
		fprintf(stderr, "baseline_pg: cannot read bench_row id 1 (status %u)\n", status);
		pg_close_all();
		return 1;
	}
	free(probe);
	pg_close_all(); /* the pool threads open their own */

	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);

	struct sockaddr_in addr;
	memset(&addr, 0, sizeof(addr));
	addr.sin_family = AF_INET;
	addr.sin_port = htons((uint16_t)port);
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	struct MHD_Daemon *d = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL, NULL,
		on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
		MHD_OPTION_THREAD_POOL_SIZE, threads, MHD_OPTION_CONNECTION_TIMEOUT, 30U,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
		MHD_OPTION_LISTENING_ADDRESS_REUSE, 1U, MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "baseline_pg: could not listen on 127.0.0.1:%u\n", port);
		pg_close_all();
		return 1;
	}
	fprintf(stderr, "baseline_pg: listening on 127.0.0.1:%u with %u threads\n", port, threads);
	int sig;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	pg_close_all();
	return 0;
}
