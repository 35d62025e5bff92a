/* test_resolve.c - whole resolutions through the public API against zone files
 * served in process: the demo (zones/) and the RFC 3263 / RFC 6116
 * branches of tests/zones/. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolvsip.h"
#include "resolve_helpers.h"
#include "tap.h"

static rsip_ctx *new_ctx(const char *dir, uint64_t seed)
{
	rsip_ctx *ctx = NULL;
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", TOP_SRCDIR, dir);
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, path) != RSIP_OK) {
		printf("Bail out! cannot serve %s: %s\n", path, ctx ? rsip_ctx_errmsg(ctx) : "");
		exit(1);
	}
	rsip_ctx_set_seed(ctx, seed);
	return ctx;
}

static void test_demo(void)
{
	rsip_ctx *ctx = new_ctx("zones", 1);
	rsip_result *res = resolve(ctx, "tel:+49-421-201-7028");
	const rsip_target *t;

	is_int(rsip_result_status(res), RSIP_OK, "demo: tel:+49-421-201-7028 resolves");
	ok(rsip_result_has_enum(res), "demo: ENUM was used (RFC 6116)");
	is_str(rsip_result_enum_aus(res), "+494212017028",
	       "RFC 6116 §3.1: visual separators removed from the AUS");
	is_str(rsip_result_enum_domain(res, 0), "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.",
	       "RFC 6116 §3.2: digits reversed and dotted under e164.arpa");
	is_int(rsip_result_enum_record_count(res), 3, "demo: three NAPTR records seen");
	is_int(rsip_result_enum_record(res, 0)->verdict, RSIP_VERDICT_SELECTED,
	       "demo: E2U+sip is selected");
	is_int(rsip_result_enum_record(res, 1)->verdict, RSIP_VERDICT_NOT_SIP,
	       "demo: E2U+pres is not a SIP service");
	is_str(rsip_result_enum_record(res, 1)->result, "pres:jo@tzi.org",
	       "RFC 3402 §3.2: the pres rule still shows what it produced");
	is_str(rsip_result_uri(res), "sip:jo@tzi.org", "demo: ENUM gives sip:jo@tzi.org");
	is_int(rsip_result_enum_uri_count(res), 1, "demo: one SIP URI to try");
	is_str(tgt(res, 0), "tls 134.102.218.67:5061",
	       "RFC 3263 §4.1: SIPS+D2T (lowest ORDER) -> _sips._tcp -> rasen first");
	t = rsip_result_target(res, 0);
	is_str(t ? t->host : NULL, "rasen.tzi.org.", "demo: target host is rasen.tzi.org.");
	is_int(t ? t->family : 0, RSIP_FAMILY_IPV4, "demo: rasen's address is IPv4");
	is_str(tgt(res, 1), "tls 2001:db8:218::65:5061",
	       "RFC 7984 §4: damn (priority 10) after rasen, its IPv6 address first");
	is_str(tgt(res, 2), "tls 134.102.218.65:5061", "RFC 7984 §4: then damn's IPv4 address");
	is_int(rsip_result_target_count(res), 3, "demo: three targets");
	is_int(rsip_result_waves(res), 4, "demo: ENUM, NAPTR, SRV carrying the addresses "
	       "in its additional section, then the AAAA of rasen, whose A alone was there "
	       "(RFC 2782) = 4 waves");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_SECURE,
	       "demo: signed zones with their anchors in zones/trust-anchors are "
	       "secure (RFC 4035 §4.3)");
	ok(rsip_result_error(res) == NULL, "demo: no error sentence on success");
	rsip_result_free(res);

	res = resolve(ctx, "+494212017028");
	is_str(rsip_result_uri(res), "sip:jo@tzi.org", "a bare +E.164 number is ENUM input");
	rsip_result_free(res);

	res = resolve(ctx, "sip:jo@tzi.org;transport=udp");
	is_int(rsip_result_status(res), RSIP_OK, "RFC 3263 §4.1: transport=udp skips NAPTR");
	is_int(rsip_result_step(res, 0)->qtype, 33, "RFC 3263 §4.2: first question is SRV");
	is_str(rsip_result_step(res, 0)->qname, "_sip._udp.tzi.org.",
	       "RFC 3263 §4.2: SRV _sip._udp for transport=udp");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* RFC 2782: the demo's _sip._tcp set (weights 1, 2, 4) over many seeds. */
static void test_seed_weights(void)
{
	int first_50600 = 0, runs = 200;
	for (int s = 0; s < runs; s++) {
		rsip_ctx *ctx = new_ctx("zones", (uint64_t)s + 1000);
		rsip_result *res = resolve(ctx, "sip:jo@tzi.org;transport=tcp");
		const rsip_target *t = rsip_result_target(res, 0);
		if (t != NULL && t->port == 50600)
			first_50600++;
		rsip_result_free(res);
		rsip_ctx_free(ctx);
	}
	/* P = 4/7 = 0.571; 200 runs: 3.5 sigma band is [0.45, 0.69]. */
	ok(first_50600 > runs * 45 / 100 && first_50600 < runs * 69 / 100,
	   "RFC 2782: weight 4 of 7 comes first about 4/7 of the time (%d/%d)",
	   first_50600, runs);
}

static void test_same_seed(void)
{
	rsip_ctx *a = new_ctx("zones", 42), *b = new_ctx("zones", 42);
	rsip_result *ra = resolve(a, "sip:jo@tzi.org;transport=tcp");
	rsip_result *rb = resolve(b, "sip:jo@tzi.org;transport=tcp");
	int same = rsip_result_target_count(ra) == rsip_result_target_count(rb);
	for (size_t i = 0; same && i < rsip_result_target_count(ra); i++)
		same = strcmp(tgt(ra, i), tgt(rb, i)) == 0;
	ok(same, "the same --seed gives the same order (RFC 2782 weighted order is reproducible)");
	rsip_result_free(ra);
	rsip_result_free(rb);
	rsip_ctx_free(a);
	rsip_ctx_free(b);
}

static void test_nonexistent(void)
{
	rsip_ctx *ctx = new_ctx("zones", 1);
	struct timespec t0, t1;
	rsip_result *res;
	double ms;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	res = resolve(ctx, "sip:nobody@nonexistent.example");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "offline zones: a name outside every zone is not found");
	ok(ms < 2000, "offline zones: NXDOMAIN comes at once, not after a root timeout (%.1f ms)",
	   ms);
	is_str(rsip_result_step(res, 0)->rcode_name, "NXDOMAIN", "the trace shows NXDOMAIN");
	is_int(rsip_result_questions(res), 1,
	       "RFC 8020: NXDOMAIN on the NAPTR name ends the search (1 question)");
	ok(rsip_result_error(res) && strstr(rsip_result_error(res), "nonexistent.example"),
	   "the error names the missing domain");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_rfc3263(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones", 7);
	rsip_result *res;

	res = resolve(ctx, "sip:a@naptr.sip.test");
	is_str(tgt(res, 0), "tls 192.0.2.1:5061",
	       "RFC 3263 §4.1 example: a TLS client uses SIPS+D2T");
	is_int(rsip_result_target_count(res), 1,
	       "RFC 3403 §4.1: NAPTR records of another ORDER are not used");
	is_int(rsip_result_waves(res), 3, "NAPTR, SRV with the A record as additional data, "
	       "the AAAA it does not hold (RFC 2782): 3 waves");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@srvonly.sip.test");
	is_str(tgt(res, 0), "udp 2001:db8::10:5060",
	       "RFC 3263 §4.1: no NAPTR -> SRV per transport, udp first by preference");
	is_str(tgt(res, 2), "tcp 2001:db8::10:5070", "RFC 3263 §4.1: then _sip._tcp");
	is_int(rsip_result_target_count(res), 4, "sip: URI without NAPTR: udp and tcp sets");
	rsip_result_free(res);

	res = resolve(ctx, "sips:a@srvonly.sip.test");
	is_str(tgt(res, 0), "tls 2001:db8::10:5071",
	       "RFC 3263 §4.1: a sips URI asks only _sips._tcp");
	is_int(rsip_result_target_count(res), 2, "sips URI: only TLS targets");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@aonly.sip.test");
	is_str(tgt(res, 0), "udp 2001:db8::20:5060",
	       "RFC 3263 §4.1: no NAPTR, no SRV -> UDP on port 5060, IPv6 first");
	is_str(tgt(res, 1), "udp 192.0.2.20:5060", "RFC 3263 §4.1: then the A record");
	is_int(rsip_result_target(res, 0)->source, RSIP_SOURCE_HOST, "source is the URI host");
	rsip_result_free(res);

	res = resolve(ctx, "sips:a@aonly.sip.test");
	is_str(tgt(res, 1), "tls 192.0.2.20:5061",
	       "RFC 3263 §4.1: no SRV for sips -> TLS over TCP on 5061");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@dot.sip.test");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 2782: a lone '.' target means not offered");
	is_int(rsip_result_target_count(res), 0, "RFC 2782: no A fallback after '.'");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@sctp.sip.test");
	is_str(tgt(res, 0), "udp 192.0.2.40:5060",
	       "RFC 3263 §4.1: NAPTR with only unsupported transports counts as no NAPTR");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@emptysrv.sip.test");
	is_str(tgt(res, 0), "udp 192.0.2.50:5060",
	       "AMBIG (doc/DESIGN.md §4): a usable NAPTR, an empty SRV set: A/AAAA fallback");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@multi.sip.test");
	is_str(tgt(res, 0), "udp 2001:db8::101:5060", "RFC 7984 §4: sip-1's AAAA first");
	is_str(tgt(res, 1), "udp 192.0.2.101:5060", "RFC 7984 §4: then sip-1's A records");
	is_str(tgt(res, 2), "udp 192.0.2.102:5060", "RFC 7984 §4: all of sip-1 before sip-2");
	is_str(tgt(res, 3), "udp 2001:db8::201:5060", "RFC 7984 §4: then sip-2, never interleaved");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@192.0.2.7");
	is_str(tgt(res, 0), "udp 192.0.2.7:5060", "RFC 3263 §4.1: numeric host, UDP, 5060");
	is_int(rsip_result_questions(res), 0, "RFC 3263 §4.1: numeric host asks no DNS question");
	rsip_result_free(res);

	res = resolve(ctx, "sips:a@[2001:db8::7]:5999");
	is_str(tgt(res, 0), "tls 2001:db8::7:5999",
	       "RFC 3263 §4.1: numeric IPv6 sips host with port -> TLS on that port");
	is_int(rsip_result_target(res, 0)->family, RSIP_FAMILY_IPV6, "IPv6 family");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@aonly.sip.test:5080");
	is_str(tgt(res, 1), "udp 192.0.2.20:5080", "RFC 3263 §4.2: explicit port -> A/AAAA only");
	is_int(rsip_result_step(res, 0)->qtype, 28, "RFC 3263 §4.2: explicit port never asks SRV");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@srvonly.sip.test;transport=tls");
	is_str(tgt(res, 0), "tls 2001:db8::10:5071",
	       "RFC 5630 §3.2.2: deprecated transport=tls -> _sips._tcp");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@nowhere.test;maddr=srvonly.sip.test");
	is_str(tgt(res, 0), "udp 2001:db8::10:5060", "RFC 3263 §4: maddr is the TARGET");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@srvonly.sip.test;transport=sctp");
	is_int(rsip_result_status(res), RSIP_E_NO_TRANSPORT,
	       "RFC 3263 §4.1: an unsupported transport parameter gives no-transport");
	rsip_result_free(res);

	res = resolve(ctx, "http://example.com/");
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT, "not a SIP or tel URI: bad input");
	ok(rsip_result_error(res) != NULL, "bad input has an error sentence");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_enum(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones", 7);
	rsip_result *res;

	res = resolve(ctx, "tel:+441632960083");
	is_str(rsip_result_enum_uri(res, 0), "sip:+441632960083@example.com",
	       "RFC 6116 §4: the sip rule with a backreference");
	is_str(rsip_result_enum_record(res, 1)->result, "h323:operator@example.com",
	       "RFC 6116 §4: the h323 rule");
	is_str(rsip_result_enum_record(res, 2)->result, "mailto:info@example.com",
	       "RFC 6116 §4: the mailto rule");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 6116 §4 example: example.com is not served here, so not found");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-010-0001");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 6116 §5.2: a malformed record does not abort the set");
	is_str(rsip_result_uri(res), "sip:good@aonly.sip.test", "the good record is used");
	is_int(rsip_result_enum_record(res, 0)->verdict, RSIP_VERDICT_INVALID,
	       "the malformed record is reported invalid");
	ok(rsip_result_enum_record(res, 0)->reason != NULL, "...with a reason");
	rsip_result_free(res);

	{
		struct timespec t0, t1;
		double ms;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		res = resolve(ctx, "tel:+1-555-010-0002");
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
		is_int(rsip_result_status(res), RSIP_E_LOOP,
		       "RFC 6116 §5.2.1: looping non-terminal rules end with status loop");
		ok(ms < 1000, "RFC 6116 §5.2.1: the loop ends in under a second (%.1f ms)", ms);
		rsip_result_free(res);
	}

	res = resolve(ctx, "tel:+1-555-010-0003");
	is_str(rsip_result_uri(res), "sip:nt@aonly.sip.test",
	       "RFC 6116 §5.2.1: a non-terminal rule is followed to the next key");
	is_int(rsip_result_status(res), RSIP_OK, "non-terminal path resolves");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-010-0004");
	is_str(rsip_result_uri(res), "sip:y@aonly.sip.test",
	       "a SIP URI without target falls through to the next one");
	is_int(rsip_result_enum_record(res, 0)->verdict, RSIP_VERDICT_NO_TARGET,
	       "the first URI is reported as no-target");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-010-0005");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 3402 §3.3 step 4: E2U+pres in ORDER 10 is passed over, not a match");
	is_int(rsip_result_enum_record(res, 0)->verdict, RSIP_VERDICT_NOT_SIP,
	       "RFC 3402 §3.3 step 4: the ORDER 10 E2U+pres record is not-sip");
	is_int(rsip_result_enum_record(res, 1)->verdict, RSIP_VERDICT_SELECTED,
	       "RFC 3403 §4.1: the ORDER 20 E2U+sip record is reached and selected");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-010-9999");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "a number without ENUM entry");
	rsip_result_free(res);

	res = resolve(ctx, "tel:7042;phone-context=example.com");
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT,
	       "RFC 6116 §3.7: a local number is not ENUM input");
	ok(rsip_result_error(res) && strstr(rsip_result_error(res), "example.com"),
	   "RFC 6116 §3.7: the error names the phone-context");
	is_int(rsip_result_questions(res), 0, "a local number asks no question");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+441632960038;enumdi");
	is_int(rsip_result_questions(res), 0, "RFC 4759: ;enumdi -> no ENUM question");
	ok(rsip_result_error(res) && strstr(rsip_result_error(res), "enumdi"),
	   "RFC 4759: the result says why");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_suffixes(void)
{
	rsip_ctx *ctx = NULL;
	char path[1024];
	rsip_result *res;
	snprintf(path, sizeof(path), "%s/zones", TOP_SRCDIR);
	rsip_ctx_new(&ctx);
	rsip_ctx_set_zones(ctx, path);
	rsip_ctx_add_enum_suffix(ctx, "e164.example");
	rsip_ctx_add_enum_suffix(ctx, "e164.arpa");
	res = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_enum_domain_count(res), 2, "two ENUM suffixes, two domains asked");
	is_str(rsip_result_enum_domain(res, 0), "8.2.0.7.1.0.2.1.2.4.9.4.e164.example.",
	       "RFC 6116 §3.2: the apex is configurable; list order kept");
	is_str(rsip_result_uri(res), "sip:jo@tzi.org", "the second suffix answers");
	is_int(rsip_result_step(res, 1)->wave, 1, "both suffixes are asked in the first wave");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

struct async_seen {
	int calls;
	rsip_status status;
};

static void on_result(void *arg, rsip_result *res)
{
	struct async_seen *s = arg;
	s->calls++;
	s->status = rsip_result_status(res);
	rsip_result_free(res);
}

static void test_async(void)
{
	rsip_ctx *ctx = new_ctx("zones", 1);
	struct async_seen seen[3] = {{0, 0}};
	int id = 0;
	rsip_resolve_async(ctx, "tel:+49-421-201-7028", on_result, &seen[0], &id);
	rsip_resolve_async(ctx, "sip:jo@tzi.org", on_result, &seen[1], NULL);
	rsip_resolve_async(ctx, "sip:x@nonexistent.example", on_result, &seen[2], NULL);
	ok(id > 0, "rsip_resolve_async gives an id");
	ok(rsip_ctx_fd(ctx) >= 0, "the context has a file descriptor for event loops");
	is_int(rsip_ctx_pending(ctx), 3, "three resolutions pending");
	rsip_ctx_wait(ctx);
	is_int(seen[0].calls + seen[1].calls + seen[2].calls, 3, "each callback ran once");
	is_int(seen[0].status, RSIP_OK, "async tel: resolves");
	is_int(seen[2].status, RSIP_E_NOT_FOUND, "async nonexistent: not found");
	rsip_resolve_async(ctx, "sip:jo@tzi.org", on_result, &seen[1], &id);
	is_int(seen[1].calls, 2, "every answer in the context's cache: called back at once");
	rsip_ctx_free(ctx);

	ctx = new_ctx("zones", 1);
	rsip_resolve_async(ctx, "sip:jo@tzi.org", on_result, &seen[1], &id);
	is_int(rsip_cancel(ctx, id), RSIP_OK, "a pending resolution can be cancelled");
	rsip_ctx_wait(ctx);
	is_int(seen[1].calls, 2, "a cancelled resolution never calls back");
	is_int(rsip_cancel(ctx, id), RSIP_E_INVALID, "cancelling twice is refused");
	rsip_ctx_free(ctx);
}

static void test_config_errors(void)
{
	rsip_ctx *ctx = NULL;
	rsip_ctx_new(&ctx);
	is_int(rsip_ctx_set_zones(ctx, "/nonexistent/dir"), RSIP_E_CONFIG,
	       "a missing zones directory is refused");
	ok(strstr(rsip_ctx_errmsg(ctx), "/nonexistent/dir") != NULL, "...naming the directory");
	is_int(rsip_ctx_add_server(ctx, "not-an-address"), RSIP_E_CONFIG,
	       "a server that is not an address is refused");
	is_int(rsip_ctx_add_server(ctx, "127.0.0.1#99999"), RSIP_E_CONFIG,
	       "a server port above 65535 is refused");
	is_int(rsip_ctx_add_server(ctx, "127.0.0.1#5353"), RSIP_OK, "ADDR#PORT is accepted");
	is_int(rsip_ctx_set_recursive(ctx), RSIP_E_CONFIG, "one DNS mode only");
	is_int(rsip_ctx_set_transport_order(ctx, "udp,carrier-pigeon"), RSIP_E_CONFIG,
	       "an unknown transport is refused");
	ok(strstr(rsip_ctx_errmsg(ctx), "carrier-pigeon") != NULL, "...naming it");
	rsip_ctx_free(ctx);
}

/* Which answers led to the targets, and how, as the library says it: the
 * ENUM record located (RFC 6116 §3.4), the NAPTR whose SRV set gave targets
 * (RFC 3263 §4.1), the SRV records (§4.2) and the A/AAAA records (§4.2). */
static void test_answer_roles(void)
{
	rsip_ctx *ctx = new_ctx("zones", 1);
	rsip_result *res = resolve(ctx, "tel:+49-421-201-7028");
	size_t record = 99, naptr = 0, srv = 0, none = 0;

	is_int(rsip_result_answer_role(res, 0, 0), RSIP_ROLE_ENUM,
	       "roles: the E2U+sip record of the ENUM answer led to the URI located");
	ok(rsip_result_answer_enum_record(res, 0, 0, &record) && record == 0,
	   "roles: that answer is ENUM record 0 of the result, the selected one");
	ok(rsip_result_answer_enum_record(res, 0, 1, &record) && record == 1,
	   "roles: the next answer is ENUM record 1 (E2U+pres)");
	is_int(rsip_result_answer_role(res, 0, 1), RSIP_ROLE_NONE,
	       "roles: the E2U+pres record led to no target");
	ok(!rsip_result_answer_enum_record(res, 1, 0, &record),
	   "roles: an answer of the RFC 3263 NAPTR question is no ENUM record");
	for (size_t i = 1; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		for (size_t k = 0; k < s->answer_count; k++) {
			rsip_answer_role role = rsip_result_answer_role(res, i, k);
			naptr += role == RSIP_ROLE_NAPTR;
			srv += role == RSIP_ROLE_SRV;
			none += role == RSIP_ROLE_NONE;
			if ((role != RSIP_ROLE_NONE) != (s->answer_on_path != NULL &&
							 s->answer_on_path[k] != 0))
				ok(0, "roles: %s answer %zu: role and answer_on_path disagree",
				   s->qname, k);
		}
	}
	is_int((long)naptr, 1, "roles: one NAPTR record of tzi.org. (SIPS+D2T) gave targets");
	is_int((long)srv, 2, "roles: both SRV records of _sips._tcp.tzi.org. gave targets");
	ok(none > 0, "roles: the NAPTR records of the later ORDERs led to no target");
	is_int(rsip_result_answer_role(res, 0, 1000), RSIP_ROLE_NONE,
	       "roles: an answer past the end has none");
	is_int(rsip_result_answer_role(res, 1000, 0), RSIP_ROLE_NONE,
	       "roles: a step past the end has none");
	ok(!rsip_result_answer_enum_record(res, 1000, 0, &record),
	   "roles: a step past the end holds no ENUM record");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	ctx = new_ctx("tests/zones", 1);
	res = resolve(ctx, "sip:x@aonly.sip.test");
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		if (s->qtype == 1 || s->qtype == 28)
			is_int(rsip_result_answer_role(res, i, 0), RSIP_ROLE_ADDRESS,
			       "roles: the %s record of aonly.sip.test. gave a target",
			       s->qtype_name);
	}
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	is_str(rsip_answer_role_name(RSIP_ROLE_ADDRESS), "address", "names: address role");
	is_str(rsip_answer_role_name((rsip_answer_role)99), "unknown", "names: unknown role");
	is_str(rsip_family_name(RSIP_FAMILY_IPV6), "ipv6", "names: ipv6");
	is_str(rsip_family_name(0), "unknown", "names: no family");
	is_str(rsip_source_name(RSIP_SOURCE_SRV), "srv", "names: source srv");
	is_str(rsip_source_name((rsip_source)7), "unknown", "names: unknown source");
}

int main(void)
{
	test_demo();
	test_seed_weights();
	test_same_seed();
	test_nonexistent();
	test_rfc3263();
	test_enum();
	test_suffixes();
	test_async();
	test_config_errors();
	test_answer_roles();
	return tap_done();
}
