/* resolve_helpers.h - what the tests of whole resolutions share: a blocking
 * resolution that bails out when no result comes back, and a target as one
 * comparable string. */
#ifndef RSIP_TEST_RESOLVE_HELPERS_H
#define RSIP_TEST_RESOLVE_HELPERS_H

#include <stdio.h>
#include <stdlib.h>

#include "resolvsip.h"

/* rsip_resolve(); every status still comes with a result, so none is a
 * broken library: bail out. */
static inline rsip_result *resolve(rsip_ctx *ctx, const char *uri)
{
	rsip_result *res = NULL;
	rsip_resolve(ctx, uri, &res);
	if (res == NULL) {
		printf("Bail out! no result for %s\n", uri);
		exit(1);
	}
	return res;
}

/* "tls 134.102.218.67:5061" for target i, or "" past the end; eight calls
 * may be used at once (in one is_str()). */
static inline const char *tgt(const rsip_result *res, size_t i)
{
	static char buf[8][96];
	static int k;
	const rsip_target *t = rsip_result_target(res, i);
	char *b = buf[k++ % 8];
	if (t == NULL)
		return "";
	snprintf(b, 96, "%s %s:%u", rsip_transport_name(t->transport), t->address, t->port);
	return b;
}

#endif
