/* route.c - the route-set example of rsip_resolve(3) on the zones in the
 * current directory: the located URI is the Route's. */
#include "common.h"
#define rsip_result_free(r) (show_result(r), rsip_result_free(r))

int main(void)
{
	rsip_ctx *ctx;

	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, "zones") != RSIP_OK)
		return 1;
	{
#include "tests/examples/route.inc"
	}
	rsip_ctx_free(ctx);
	return 0;
}
