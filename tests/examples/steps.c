/* steps.c - the example of rsip_result(3) that prints the DNS questions of
 * a result, on the zones in the current directory. */
#include "common.h"

int main(void)
{
	rsip_ctx *ctx;
	rsip_result *res = NULL;

	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, "zones") != RSIP_OK ||
	    rsip_resolve(ctx, "sip:jo@tzi.org", &res) != RSIP_OK)
		return 1;
	{
#include "tests/examples/steps.inc"
	}
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	return 0;
}
