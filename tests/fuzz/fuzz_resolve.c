/* fuzz_resolve.c - libFuzzer target: a whole resolution (RFC 6116 ENUM, RFC
 * 3263 location, RFC 2782 SRV, A/AAAA) over a fuzzed zone.  The engine runs
 * as it does with libunbound, through its asynchronous contract, but every
 * question is answered in process from the zone in the input (the mock DNS
 * of tests/mockdns.c, over struct query_backend): thousands of resolutions a
 * second, no thread, no socket.
 *
 * Input: the first line is the URI to resolve; lines starting with ";;" set
 * the context (";;transports tls,udp", ";;families 4", ";;suffix DOMAIN",
 * ";;limit N VALUE", ";;lifo": answer the newest question first); every
 * other line is a record in zone-file syntax ($ORIGIN and $TTL allowed).
 * A TXT record at a name changes how questions about it are answered:
 * "rcode=N" (that rcode, no records), "drop" (never answered: the
 * resolution's deadline ends it), "bogus", "secure" (the DNSSEC verdict). */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "fuzz.h"
#include "mockdns.h"

struct outcome {
	bool called;
};

static void check_result(const rsip_result *res)
{
	rsip_status st = rsip_result_status(res);
	size_t n = rsip_result_target_count(res);

	FUZZ_ASSERT(st <= RSIP_E_LIMIT);
	/* An ok result has a target; a failed one says why. */
	FUZZ_ASSERT(st != RSIP_OK || n > 0);
	FUZZ_ASSERT(st == RSIP_OK || rsip_result_error(res) != NULL);
	FUZZ_ASSERT(rsip_result_questions(res) == rsip_result_step_count(res));
	for (size_t i = 0; i < n; i++) {
		const rsip_target *t = rsip_result_target(res, i);
		FUZZ_ASSERT(t != NULL && t->address[0] != '\0');
		FUZZ_ASSERT(t->family == RSIP_FAMILY_IPV4 || t->family == RSIP_FAMILY_IPV6);
		(void)rsip_transport_name(t->transport);
	}
	FUZZ_ASSERT(rsip_result_target(res, n) == NULL);
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		FUZZ_ASSERT(s != NULL && s->qname != NULL && s->rcode_name != NULL);
		for (size_t k = 0; k < s->answer_count; k++)
			FUZZ_ASSERT(s->answers[k] != NULL);
		for (size_t k = 0; k < s->note_count; k++)
			FUZZ_ASSERT(s->notes[k] != NULL);
	}
	for (size_t i = 0; i < rsip_result_enum_record_count(res); i++) {
		const rsip_naptr *r = rsip_result_enum_record(res, i);
		FUZZ_ASSERT(r != NULL);
		(void)rsip_verdict_name(r->verdict);
	}
	for (size_t i = 0; i < rsip_result_enum_uri_count(res); i++)
		FUZZ_ASSERT(rsip_result_enum_uri(res, i) != NULL);
	(void)rsip_status_name(st);
	(void)rsip_dnssec_name(rsip_result_dnssec(res));
}

static void on_result(void *arg, rsip_result *res)
{
	struct outcome *o = arg;
	FUZZ_ASSERT(!o->called); /* exactly one callback */
	o->called = true;
	check_result(res);
	rsip_result_free(res);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size), *uri;
	struct mockdns *m = NULL;
	struct outcome o = {false};
	rsip_ctx *ctx = NULL;

	if (text == NULL)
		return 0;
	m = mockdns_new();
	if (m == NULL || rsip_ctx_new(&ctx) != RSIP_OK)
		goto done;
	mockdns_attach(m, ctx);
	rsip_ctx_set_seed(ctx, 1);
	uri = mockdns_load(m, ctx, text);
	if (uri == NULL)
		goto done;
	if (rsip_resolve_async(ctx, uri, on_result, &o, NULL) != RSIP_OK)
		goto done;
	/* Answer until the resolution is over; a question that is never
	 * answered ("drop") leaves it to the deadline, reached at once here. */
	FUZZ_ASSERT(mockdns_run(m, ctx, &o.called, MOCKDNS_MAX_ROUNDS) == 0);
	FUZZ_ASSERT(rsip_ctx_pending(ctx) == 0);
done:
	rsip_ctx_free(ctx);
	/* Questions the engine cancelled are gone; any left is a leak. */
	FUZZ_ASSERT(m == NULL || mockdns_pending(m) == 0 || !o.called);
	mockdns_free(m);
	free(text);
	return 0;
}
