/* next_target.c - the failover loop of rsip_result(3) on the zones in the
 * current directory: the first target "fails", the second takes it. */
#include "common.h"

static int attempts;

static int send_request(rsip_transport transport, const char *address, unsigned port)
{
	printf("attempt %d: %s %s %u\n", ++attempts, rsip_transport_name(transport),
	       address, port);
	return attempts == 1 ? -1 : 0;
}

int main(void)
{
	rsip_ctx *ctx;
	rsip_result *res = NULL;

	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, "zones") != RSIP_OK ||
	    rsip_resolve(ctx, "tel:+49-421-201-7028", &res) != RSIP_OK)
		return 1;
	{
#include "tests/examples/next_target.inc"
	}
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	return 0;
}
