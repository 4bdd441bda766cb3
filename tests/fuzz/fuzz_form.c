// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Form bodies and cookies, through libmicrohttpd as the daemon gets them. The input is five
 * parts cut at LF: Content-Type, Cookie, Accept-Language, the query string, then the body. They
 * make one HTTP request, fed over a socket pair to a libmicrohttpd daemon run in this thread
 * (no listening socket, no thread of its own); its handler does what http.c does with the
 * request: the language (?lang=, the lang cookie, Accept-Language), http_parse_form
 * (common/src/form.c over libmicrohttpd's post processor), the CSRF cookie (http_csrf) and the
 * double-submit comparison. libmicrohttpd parses the Cookie header itself; what our code does
 * with the values is what is fuzzed here. Checks: the language is an enabled one; a form is
 * either parsed (every field valid UTF-8) or answered with an error; the
 * CSRF token is 64 hex digits, the browser's own when it sent a well-formed one.
 */
#include "fuzz.h"

#include "common/app.h"
#include "common/auth.h"
#include "common/html.h"
#include "common/http.h"
#include "common/i18n.h"
#include "common/log.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <sys/socket.h>
#include <unistd.h>

static struct MHD_Daemon *daemon_;
static struct app app = {.side = "citizen", .peer_side = "official"};
static struct i18n *i18n;

struct exchange {
	struct strbuf body;
	bool handled;
};

static bool
is_hex64(const char *s)
{
	return s && strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

static void
check_form(struct request *req)
{
	enum status st = http_parse_form(req);
	if (st != STATUS_OK) {
		FUZZ_CHECK(req->response != NULL && req->status >= 400 && req->status < 500);
		return;
	}
	FUZZ_CHECK(req->response == NULL && json_is_object(req->form));
	const char *key;
	json_t *v;
	json_object_foreach(req->form, key, v)
	{
		FUZZ_CHECK(json_is_string(v));
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		FUZZ_CHECK(utf8_is_valid(key, strlen(key)) && utf8_is_valid(s, len));
		FUZZ_CHECK(http_form(req, key) == s);
	}
	for (const struct upload *u = req->uploads; u; u = u->next) {
		FUZZ_CHECK(u->field && u->filename && u->content_type);
		FUZZ_CHECK(u->data.buf[u->data.len] == '\0');
		FUZZ_CHECK(http_upload(req, u->field) != NULL);
	}
}

/* What http.c does with the request once its body is in. */
static void
handle(struct MHD_Connection *conn, struct exchange *ex)
{
	struct arena *a = arena_new();
	struct request *req = arena_alloc(a, sizeof(*req));
	req->arena = a;
	req->app = &app;
	req->conn = conn;
	req->method = "POST";
	req->path = req->log_path = req->raw_uri = "/form";
	req->body = ex->body;
	strbuf_init(&ex->body, 0);

	const char *q = http_query(req, "lang");
	const char *cookie = http_cookie(req, "lang");
	req->lang = i18n_choose(i18n, q, cookie, http_header(req, "Accept-Language"));
	FUZZ_CHECK(i18n_is_enabled(i18n, req->lang));
	if (q && i18n_is_enabled(i18n, q))
		FUZZ_CHECK(strcasecmp(q, req->lang) == 0);
	req->want_json = true; /* errors as JSON: no templates here */

	if (req->body.len)
		check_form(req);

	const char *have = http_cookie(req, http_cookie_name(req, "csrf"));
	const char *csrf = http_csrf(req);
	FUZZ_CHECK(is_hex64(csrf));
	FUZZ_CHECK(is_hex64(have) ? strcmp(csrf, have) == 0 && !req->set_cookie : req->set_cookie);
	const char *field = http_form(req, "csrf");
	if (have && field)
		FUZZ_CHECK(secure_equals(have, field) == (strcmp(have, field) == 0));

	if (req->response)
		MHD_destroy_response(req->response);
	for (struct upload *u = req->uploads; u; u = u->next)
		strbuf_release(&u->data);
	json_decref(req->form);
	strbuf_release(&req->body);
	arena_free(a);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	struct exchange *ex = cls;
	static int started;
	(void)url;
	(void)method;
	(void)version;
	if (!*req_cls) {
		*req_cls = &started;
		return MHD_YES;
	}
	if (*upload_data_size) {
		strbuf_add(&ex->body, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	handle(conn, ex);
	ex->handled = true;
	static char empty[1];
	struct MHD_Response *r = MHD_create_response_from_buffer(0, empty, MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return rc;
}

static struct exchange exchange;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_LEVEL_ERROR);
	json_t *catalogs = json_pack("{s:{}, s:{}, s:{}}", "ar", "fr", "en");
	i18n = i18n_from_json("ar,fr,en", catalogs);
	json_decref(catalogs);
	FUZZ_CHECK(i18n != NULL);
	strbuf_init(&exchange.body, 0);
	/* as http_start, but driven from here: no listening socket, no thread */
	daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL, on_request, &exchange,
				   MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024,
				   MHD_OPTION_CONNECTION_TIMEOUT, 5U, MHD_OPTION_END);
	FUZZ_CHECK(daemon_ != NULL);
	return 0;
}

/* A header value: up to the first CR (libmicrohttpd would end the line there). */
static void
add_header(struct strbuf *req, const char *name, const char *value)
{
	size_t n = strcspn(value, "\r");
	if (n)
		strbuf_addf(req, "%s: %.*s\r\n", name, (int)n, value);
}

/* Feed one request to the daemon and run it until the connection is gone. */
static void
exchange_run(const struct strbuf *request)
{
	int sv[2];
	FUZZ_CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000)};
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	FUZZ_CHECK(MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&peer, sizeof(peer)) ==
		   MHD_YES);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	size_t sent = 0;
	char buf[4096];
	bool closed = false;
	exchange.handled = false;
	for (int round = 0; round < 10000 && !closed; round++) {
		if (sent < request->len) {
			ssize_t w = write(sv[1], request->buf + sent, request->len - sent);
			if (w > 0)
				sent += (size_t)w;
			if (sent == request->len)
				shutdown(sv[1], SHUT_WR);
		}
		MHD_run(daemon_);
		ssize_t r;
		while ((r = read(sv[1], buf, sizeof(buf))) > 0)
			;
		closed = r == 0;
	}
	close(sv[1]);
	const union MHD_DaemonInfo *info;
	for (int round = 0; round < 100; round++) {
		MHD_run(daemon_);
		info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
		if (!info || info->num_connections == 0)
			break;
	}
	strbuf_reset(&exchange.body);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	fuzz_split(data, size, '\n', 5, &p);
	struct strbuf req = STRBUF_INIT;
	/* the query: printable ASCII but space and '#', as a request line carries it */
	strbuf_addstr(&req, "POST /form");
	if (p.len[3]) {
		strbuf_addch(&req, '?');
		for (size_t i = 0; i < p.len[3]; i++)
			if (p.part[3][i] > 0x20 && p.part[3][i] < 0x7f && p.part[3][i] != '#')
				strbuf_addch(&req, p.part[3][i]);
	}
	strbuf_addstr(&req, " HTTP/1.1\r\nHost: localhost\r\n");
	add_header(&req, "Content-Type", p.part[0]);
	add_header(&req, "Cookie", p.part[1]);
	add_header(&req, "Accept-Language", p.part[2]);
	strbuf_addf(&req, "Content-Length: %zu\r\nConnection: close\r\n\r\n", p.len[4]);
	strbuf_add(&req, p.part[4], p.len[4]);
	exchange_run(&req);
	strbuf_release(&req);
	fuzz_parts_free(&p);
	return 0;
}
