/* eventloop.c - example: several resolutions in flight at once inside a poll()
 * loop, each result printed as it arrives (RFC 3263 §4, RFC 6116).
 *
 *   eventloop ZONES-DIR URI...
 *
 * Starts every URI with rsip_resolve_async(), then waits on the context's file
 * descriptor together with whatever else the program watches (here: nothing
 * else, and a deadline), and calls rsip_ctx_process() when it is readable;
 * the callbacks run from there.  Resolutions still in flight at the deadline
 * are cancelled with rsip_cancel().  Exit 0 when every URI has a target.
 *
 * Outside the source tree:
 *   cc eventloop.c $(pkg-config --cflags --libs libresolvsip) -o eventloop */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <resolvsip.h>

#define DEADLINE_MS 10000

/* What the program keeps per resolution. */
struct request {
	const char *uri;
	int id;          /* for rsip_cancel() */
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

static long elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
}

int main(int argc, char **argv)
{
	rsip_ctx *ctx = NULL;
	struct request *reqs;
	struct timespec start;
	int i, n = argc - 2, rc = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: eventloop ZONES-DIR URI...\n");
		return 2;
	}
	reqs = calloc((size_t)n, sizeof(*reqs));
	if (reqs == NULL || rsip_ctx_new(&ctx) != RSIP_OK) {
		fprintf(stderr, "eventloop: out of memory\n");
		free(reqs);
		return 1;
	}
	if (rsip_ctx_set_zones(ctx, argv[1]) != RSIP_OK) {
		fprintf(stderr, "eventloop: %s\n", rsip_ctx_errmsg(ctx));
		goto done;
	}

	/* All of them in flight at once: their DNS questions overlap. */
	for (i = 0; i < n; i++) {
		reqs[i].uri = argv[i + 2];
		if (rsip_resolve_async(ctx, reqs[i].uri, on_result, &reqs[i], &reqs[i].id) !=
		    RSIP_OK) {
			fprintf(stderr, "eventloop: %s: could not start\n", reqs[i].uri);
			reqs[i].done = 1;
			failures++;
		}
	}

	clock_gettime(CLOCK_MONOTONIC, &start);
	while (rsip_ctx_pending(ctx) > 0) {
		/* An application adds its own descriptors (sockets, timers) to
		 * this set; the context needs only its one. */
		struct pollfd pfd = {rsip_ctx_fd(ctx), POLLIN, 0};
		long left = DEADLINE_MS - elapsed_ms(&start);

		if (left <= 0)
			break;
		if (poll(&pfd, 1, (int)left) > 0 && (pfd.revents & POLLIN))
			rsip_ctx_process(ctx); /* runs the callbacks of what is done */
	}
	/* The deadline passed: drop what is left; no callback will come. */
	for (i = 0; i < n; i++) {
		if (!reqs[i].done && rsip_cancel(ctx, reqs[i].id) == RSIP_OK) {
			printf("%s: cancelled at the deadline\n", reqs[i].uri);
			failures++;
		}
	}
	rc = failures == 0 ? 0 : 1;
done:
	rsip_ctx_free(ctx);
	free(reqs);
	return rc;
}
