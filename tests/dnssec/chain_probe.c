/* chain_probe.c - for tests/dnssec/test_validating_chain.sh: resolve one URI in server
 * mode with a test root's anchor standing for the system's root anchor (the automatic
 * one of ctx_start(), RFC 4035 §4.3), and print "STATUS DNSSEC NOTE" (NOTE: "-" when the
 * context has none).
 * Usage: chain_probe SERVER ROOT-ANCHOR-FILE URI */
#include <stdio.h>

#include "engine.h"

int main(int argc, char **argv)
{
	rsip_ctx *ctx = NULL;
	rsip_result *res = NULL;
	const char *note;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: %s SERVER ROOT-ANCHOR-FILE URI\n", argv[0]);
		return 2;
	}
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_add_server(ctx, argv[1]) != RSIP_OK) {
		fprintf(stderr, "%s: %s\n", argv[1], ctx ? rsip_ctx_errmsg(ctx) : "no context");
		goto done;
	}
	ctx_set_root_key_file(ctx, argv[2]);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, 5000);
	rsip_resolve(ctx, argv[3], &res); /* the status is the result's */
	if (res == NULL) {
		fprintf(stderr, "%s: no result\n", argv[3]);
		goto done;
	}
	note = rsip_ctx_dnssec_note(ctx);
	printf("%s %s %s\n", rsip_status_name(rsip_result_status(res)),
	       rsip_dnssec_name(rsip_result_dnssec(res)), note != NULL ? note : "-");
	rc = 0;
done:
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	return rc;
}
