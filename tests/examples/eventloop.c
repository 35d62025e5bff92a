/* eventloop.c - the event-loop example of libresolvsip(3), with two URIs
 * against the server ADDR#PORT and a deadline of MS milliseconds; prints
 * each result and, at the end, how long the loop ran.
 *   eventloop ADDR#PORT MS URI1 URI2 */
#include "common.h"
#define rsip_result_free(r) (show_result(r), rsip_result_free(r))

#include "tests/examples/eventloop.inc.head"

int main(int argc, char **argv)
{
	rsip_ctx *ctx;
	const char *uri1, *uri2;
	void *arg1 = NULL, *arg2 = NULL;
	struct timespec start;

	if (argc != 5 || rsip_ctx_new(&ctx) != RSIP_OK)
		return 2;
	if (rsip_ctx_add_server(ctx, argv[1]) != RSIP_OK ||
	    rsip_ctx_set_dnssec_policy(ctx, RSIP_DNSSEC_POLICY_OFF) != RSIP_OK ||
	    rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, strtoul(argv[2], NULL, 10)) != RSIP_OK) {
		fprintf(stderr, "%s\n", rsip_ctx_errmsg(ctx));
		return 2;
	}
	uri1 = argv[3];
	uri2 = argv[4];
	clock_gettime(CLOCK_MONOTONIC, &start);
#include "tests/examples/eventloop.inc"
	printf("loop %ld ms\n", ms_since(&start));
	rsip_ctx_free(ctx);
	return 0;
}
