/* fuzz_sipuri.c - libFuzzer target: RFC 3261 §19.1 sip:/sips: URIs
 * (sip_uri_parse) as they come from SIP messages and from ENUM rewrites. */
#include <string.h>

#include "internal.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = fuzz_cstring(data, size), err[RSIP_ERRLEN];
	struct sip_uri u;
	rsip_status st;

	if (in == NULL)
		return 0;
	memset(&u, 0, sizeof(u));
	err[0] = '\0';
	st = sip_uri_parse(in, &u, err, sizeof(err));
	FUZZ_ASSERT(st == RSIP_OK || st == RSIP_E_BAD_INPUT || st == RSIP_E_NOMEM);
	if (st == RSIP_E_BAD_INPUT)
		FUZZ_ASSERT(err[0] != '\0');
	if (st == RSIP_OK) {
		/* What locate.c relies on. */
		FUZZ_ASSERT(u.host != NULL && u.host[0] != '\0');
		FUZZ_ASSERT(u.port == -1 || (u.port >= 0 && u.port <= 65535));
		/* RFC 1035 §2.3.4: a name for DNS is at most 253 octets. */
		if (u.host_type == SIP_HOST_NAME)
			FUZZ_ASSERT(strlen(u.host) <= 253);
		if (u.maddr != NULL && u.maddr_type == SIP_HOST_NAME)
			FUZZ_ASSERT(strlen(u.maddr) <= 253);
		/* RFC 3261 §26.2: sips never goes over UDP. */
		if (u.sips && u.transport != NULL)
			FUZZ_ASSERT(strcmp(u.transport, "udp") != 0);
		/* Parsing is idempotent on the same input. */
		{
			struct sip_uri again;
			memset(&again, 0, sizeof(again));
			FUZZ_ASSERT(sip_uri_parse(in, &again, err, sizeof(err)) == RSIP_OK);
			FUZZ_ASSERT(strcmp(again.host, u.host) == 0);
			sip_uri_clear(&again);
		}
	}
	sip_uri_clear(&u);
	free(in);
	return 0;
}
