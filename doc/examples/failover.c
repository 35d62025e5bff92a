/* failover.c - example: send a request to the next hops of a URI in order,
 * failing over as RFC 3263 §4.3 says, with the context remembering failures.
 *
 *   failover ZONES-DIR URI
 *
 * The "send" here fails for the first target (as a 503 or a timeout would)
 * and succeeds for the second, to show the calls a UAC makes. */
#include <stdio.h>
#include <string.h>

#include <resolvsip.h>

/* Stands in for the transaction: returns 0 when a final response came. */
static int send_request(const rsip_target *t, int attempt)
{
	printf("attempt %d: %s %s port %u ... ", attempt, rsip_transport_name(t->transport),
	       t->address, t->port);
	if (attempt == 1) {
		printf("no response (Timer B fired)\n");
		return -1;
	}
	printf("200 OK\n");
	return 0;
}

int main(int argc, char **argv)
{
	rsip_ctx *ctx = NULL;
	rsip_result *res = NULL;
	const rsip_target *t;
	int attempt = 0, rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: failover ZONES-DIR URI\n");
		return 2;
	}
	if (rsip_ctx_new(&ctx) != RSIP_OK)
		return 1;
	if (rsip_ctx_set_zones(ctx, argv[1]) != RSIP_OK) {
		fprintf(stderr, "failover: %s\n", rsip_ctx_errmsg(ctx));
		goto done;
	}
	if (rsip_resolve(ctx, argv[2], &res) != RSIP_OK) {
		fprintf(stderr, "failover: %s: %s\n", argv[2],
			res ? rsip_result_error(res) : "out of memory");
		goto done;
	}
	/* Walk the targets in order; on failure, mark the target failed (the
	 * context puts it last in later results) and take the next one.  Each
	 * retry is a new transaction with a new Via branch (RFC 3263 §4.3). */
	for (t = rsip_result_next_target(ctx, res, NULL); t != NULL;
	     t = rsip_result_next_target(ctx, res, t)) {
		if (send_request(t, ++attempt) == 0) {
			rc = 0;
			break;
		}
	}
	if (rc != 0)
		printf("every target failed\n");
done:
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	return rc;
}
