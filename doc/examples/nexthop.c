/* nexthop.c - example: the next hop of a SIP request, as a UAC asks for it
 * (RFC 3263 §4; a tel: URI goes through ENUM, RFC 6116, first).
 *
 *   nexthop [-a] ZONES-DIR URI
 *
 * Prints the first target, "TRANSPORT ADDRESS PORT", or with -a every target
 * in the order a client tries them.  Exit 0 when there is a target, 1 when
 * there is none, 2 on a usage error.
 *
 * Outside the source tree:
 *   cc nexthop.c $(pkg-config --cflags --libs libresolvsip) -o nexthop */
#include <stdio.h>
#include <string.h>

#include <resolvsip.h>

int main(int argc, char **argv)
{
	rsip_ctx *ctx = NULL;
	rsip_result *res = NULL;
	int all = argc > 1 && strcmp(argv[1], "-a") == 0;
	rsip_status st;
	int rc = 1;

	if (argc != 3 + all) {
		fprintf(stderr, "usage: nexthop [-a] ZONES-DIR URI\n");
		return 2;
	}
	/* One context per application: it holds the DNS set-up and the cache. */
	if (rsip_ctx_new(&ctx) != RSIP_OK) {
		fprintf(stderr, "nexthop: out of memory\n");
		return 1;
	}
	/* Serve the zone files of a directory; a real UAC would leave the
	 * default (/etc/resolv.conf) or call rsip_ctx_add_server(). */
	if (rsip_ctx_set_zones(ctx, argv[1 + all]) != RSIP_OK) {
		fprintf(stderr, "nexthop: %s\n", rsip_ctx_errmsg(ctx));
		goto done;
	}
	st = rsip_resolve(ctx, argv[2 + all], &res);
	if (st != RSIP_OK) {
		/* res holds the reason (and the trace) unless memory ran out */
		fprintf(stderr, "nexthop: %s: %s\n", argv[2 + all],
			res != NULL ? rsip_result_error(res) : rsip_strerror(st));
		goto done;
	}
	for (size_t i = 0; i < rsip_result_target_count(res); i++) {
		const rsip_target *t = rsip_result_target(res, i);

		printf("%s %s %u\n", rsip_transport_name(t->transport), t->address, t->port);
		if (!all)
			break;
	}
	rc = 0;
done:
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	return rc;
}
