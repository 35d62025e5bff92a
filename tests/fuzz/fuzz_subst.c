/* fuzz_subst.c - libFuzzer target: RFC 3402 §3.2 substitution expressions,
 * parsed and compiled (ddds_subst_compile: the ERE -> PCRE2 translation) and
 * applied (ddds_subst_apply) within the default cost limits.  The input is
 * the expression, then optionally a NUL byte and the AUS. */
#include <string.h>

#include "internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size), err[RSIP_ERRLEN], *out = NULL;
	const char *aus = "+4942120170";
	struct ddds_subst *s = NULL;
	struct ddds_limits lim;
	rsip_status st;

	if (in == NULL)
		return 0;
	if (memchr(in, '\0', size) != NULL)
		aus = in + strlen(in) + 1;
	err[0] = '\0';
	st = ddds_subst_compile(in, &s, err, sizeof(err));
	FUZZ_ASSERT(st == RSIP_OK || st == RSIP_E_BAD_INPUT || st == RSIP_E_NOMEM);
	FUZZ_ASSERT((st == RSIP_OK) == (s != NULL));
	if (st == RSIP_E_BAD_INPUT)
		FUZZ_ASSERT(err[0] != '\0');
	if (s != NULL) {
		/* RFC 3402 §3.2: at most 255 octets; three delimiters. */
		FUZZ_ASSERT(strlen(in) <= 255);
		st = ddds_subst_apply(s, aus, &out, err, sizeof(err));
		FUZZ_ASSERT(st == RSIP_OK || st == RSIP_E_NOT_FOUND || st == RSIP_E_LIMIT ||
			    st == RSIP_E_BAD_INPUT || st == RSIP_E_NOMEM);
		FUZZ_ASSERT((st == RSIP_OK) == (out != NULL));
		ddds_limits_default(&lim);
		if (out != NULL) {
			/* doc/DESIGN.md §2: non-empty, and the output cap holds. */
			FUZZ_ASSERT(out[0] != '\0' && strlen(out) <= lim.output);
			free(out);
			out = NULL;
		}
		/* A tight budget gives a result or a limit, never more work. */
		lim.match = 50;
		lim.output = 16;
		st = ddds_subst_apply_limited(s, aus, &lim, &out, err, sizeof(err));
		if (out != NULL)
			FUZZ_ASSERT(strlen(out) <= 16);
		free(out);
		ddds_subst_free(s);
	}
	free(in);
	return 0;
}
