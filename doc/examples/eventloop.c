/* eventloop.c - example: several resolutions in flight at once inside a poll()
 * loop, each result printed as it arrives (RFC 3263 §4, RFC 6116).
 *
 *   eventloop ZONES-DIR|@ADDR[#PORT] URI...
 *
 * Starts every URI with rsip_resolve_async() (on the zones of ZONES-DIR, or
 * asking the server ADDR), then waits on the context's file descriptor
 * together with whatever else the program watches (here: nothing else), at
 * most until the next deadline of a resolution (rsip_ctx_timeout()), and
 * calls rsip_ctx_process() when the descriptor is readable or that time has
 * come: the callbacks run from there, also the RSIP_E_TIMEOUT of a resolution
 * whose server never answers, at its deadline (RSIP_LIMIT_DEADLINE; the
 * environment variable DEADLINE_MS changes it).  Exit 0 when every URI has a
 * target.
 *
 * Outside the source tree:
 *   cc eventloop.c $(pkg-config --cflags --libs libresolvsip) -o eventloop */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>

#include <resolvsip.h>

/* What the program keeps per resolution. */
struct request {
	const char *uri;
	int done;
};

static int failures;

/* Runs from rsip_ctx_process() (or from rsip_resolve_async() itself for a
 * malformed URI).  The result is ours to free. */
static void on_result(void *arg, rsip_result *res)
{
	struct request *req = arg;
	const rsip_target *first = rsip_result_target(res, 0);

	req->done = 1;
	if (first != NULL) {
		printf("%s: %s %s %u (%zu targets, %u DNS questions)\n", req->uri,
		       rsip_transport_name(first->transport), first->address, first->port,
		       rsip_result_target_count(res), rsip_result_questions(res));
	} else {
		printf("%s: %s: %s\n", req->uri, rsip_status_name(rsip_result_status(res)),
		       rsip_result_error(res));
		failures++;
	}
	rsip_result_free(res);
}

int main(int argc, char **argv)
{
	rsip_ctx *ctx = NULL;
	struct request *reqs;
	const char *deadline = getenv("DEADLINE_MS");
	rsip_status st;
	int i, n = argc - 2, rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: eventloop ZONES-DIR|@ADDR[#PORT] URI...\n");
		return 2;
	}
	reqs = calloc((size_t)n, sizeof(*reqs));
	if (reqs == NULL || rsip_ctx_new(&ctx) != RSIP_OK) {
		fprintf(stderr, "eventloop: out of memory\n");
		free(reqs);
		return 1;
	}
	st = argv[1][0] == '@' ? rsip_ctx_add_server(ctx, argv[1] + 1) :
				 rsip_ctx_set_zones(ctx, argv[1]);
	if (st == RSIP_OK && deadline != NULL)
		st = rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, strtoul(deadline, NULL, 10));
	if (st != RSIP_OK) {
		fprintf(stderr, "eventloop: %s\n", rsip_ctx_errmsg(ctx));
		goto done;
	}

	/* All of them in flight at once: their DNS questions overlap. */
	for (i = 0; i < n; i++) {
		reqs[i].uri = argv[i + 2];
		if (rsip_resolve_async(ctx, reqs[i].uri, on_result, &reqs[i], NULL) != RSIP_OK) {
			fprintf(stderr, "eventloop: %s: could not start\n", reqs[i].uri);
			reqs[i].done = 1;
			failures++;
		}
	}

	while (rsip_ctx_pending(ctx) > 0) {
		/* An application adds its own descriptors (sockets, timers) to
		 * this set, and waits no longer than its own timers allow
		 * either; the context needs only its one. */
		struct pollfd pfd = {rsip_ctx_fd(ctx), POLLIN, 0};

		/* Readable, or the next deadline is due: either way, process.
		 * Calling rsip_ctx_process() only when the descriptor is
		 * readable would leave a dead server's resolution waiting for
		 * libunbound to give up, long after its deadline. */
		if (poll(&pfd, 1, rsip_ctx_timeout(ctx)) >= 0 && rsip_ctx_process(ctx) != RSIP_OK)
			break;
	}
	rc = failures == 0 && rsip_ctx_pending(ctx) == 0 ? 0 : 1;
done:
	rsip_ctx_free(ctx);
	free(reqs);
	return rc;
}
