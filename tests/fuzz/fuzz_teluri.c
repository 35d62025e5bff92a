/* fuzz_teluri.c - libFuzzer target: RFC 3966 tel: URIs (tel_parse,
 * tel_equal), the ENUM AUS and domain (RFC 6116 §3.1-3.2).  The input is one
 * URI, or two separated by a NUL byte (compared both ways). */
#include <string.h>

#include "internal.h"
#include "fuzz.h"

static void check_one(const struct tel_uri *t)
{
	char aus[64], err[RSIP_ERRLEN], domain[512];

	FUZZ_ASSERT(t->number != NULL);
	/* RFC 3966 §4: a URI equals itself. */
	FUZZ_ASSERT(tel_equal(t, t));
	if (tel_to_aus(t, aus, sizeof(aus), err, sizeof(err)) == RSIP_OK) {
		/* RFC 6116 §3.1: the AUS is "+" and digits. */
		FUZZ_ASSERT(aus[0] == '+' && aus[1] != '\0');
		for (const char *p = aus + 1; *p; p++)
			FUZZ_ASSERT(*p >= '0' && *p <= '9');
		FUZZ_ASSERT(enum_domain(aus, "e164.arpa.", domain, sizeof(domain)) ==
			    RSIP_OK);
		FUZZ_ASSERT(strlen(domain) == 2 * (strlen(aus) - 1) + strlen("e164.arpa."));
	} else {
		FUZZ_ASSERT(err[0] != '\0');
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size), *second, err[RSIP_ERRLEN];
	struct tel_uri a, b;
	rsip_status sa, sb;

	if (in == NULL)
		return 0;
	second = memchr(in, '\0', size) ? in + strlen(in) + 1 : NULL;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	err[0] = '\0';
	sa = tel_parse(in, &a, err, sizeof(err));
	FUZZ_ASSERT(sa == RSIP_OK || sa == RSIP_E_BAD_INPUT || sa == RSIP_E_NOMEM);
	if (sa == RSIP_E_BAD_INPUT)
		FUZZ_ASSERT(err[0] != '\0'); /* a message that says why */
	if (sa == RSIP_OK)
		check_one(&a);
	if (second != NULL && second <= in + size) {
		sb = tel_parse(second, &b, err, sizeof(err));
		if (sb == RSIP_OK)
			check_one(&b);
		if (sa == RSIP_OK && sb == RSIP_OK)
			FUZZ_ASSERT(tel_equal(&a, &b) == tel_equal(&b, &a));
		tel_uri_clear(&b);
	}
	tel_uri_clear(&a);
	free(in);
	return 0;
}
