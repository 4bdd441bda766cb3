// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * Benchmark baseline: the barest libmicrohttpd server, with the daemon flags, thread pool and
 * connection options of common/src/http.c, answering every request with a fixed text. What our
 * pages cost is measured against it (tests/bench/foundation.sh builds and runs it).
 *
 * usage: baseline_hello PORT [THREADS]   (stops on SIGINT or SIGTERM)
 */
#include <microhttpd.h>

#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* not const: MHD_RESPMEM_PERSISTENT takes a void pointer and never writes through it */
static char hello_body[] = "hello, world\n";

/* the address stored in *req_cls to tell the second call from the first */
static int request_marker;

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
	(void)cls;
	(void)url;
	(void)method;
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
	struct MHD_Response *r = MHD_create_response_from_buffer(sizeof(hello_body) - 1, hello_body,
								 MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	enum MHD_Result rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
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
		fprintf(stderr, "baseline_hello: invalid port or thread count\n");
		return 2;
	}

	/* blocked before the pool starts, so only sigwait below sees them */
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
		fprintf(stderr, "baseline_hello: could not listen on 127.0.0.1:%u\n", port);
		return 1;
	}
	fprintf(stderr, "baseline_hello: listening on 127.0.0.1:%u with %u threads\n", port,
		threads);
	int sig;
	sigwait(&stop, &sig);
	MHD_stop_daemon(d);
	return 0;
}
