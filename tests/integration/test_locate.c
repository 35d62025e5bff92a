/* test_locate.c - RFC 3263 beyond the basic path: additional-section
 * addresses, deterministic SRV order, address family order, failover memory
 * (§4.3), route sets (RFC 3261 §8.1.2, §16.12), responses (§5), WebSocket
 * default ports (RFC 7118). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolvsip.h"
#include "resolve_helpers.h"
#include "tap.h"

static rsip_ctx *new_ctx(const char *dir)
{
	rsip_ctx *ctx = NULL;
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", TOP_SRCDIR, dir);
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, path) != RSIP_OK) {
		printf("Bail out! cannot serve %s\n", path);
		exit(1);
	}
	rsip_ctx_set_seed(ctx, 3);
	return ctx;
}

static int has_note(const rsip_result *res, const char *needle)
{
	for (size_t i = 0; i < rsip_result_note_count(res); i++)
		if (strstr(rsip_result_note(res, i), needle))
			return 1;
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *st = rsip_result_step(res, i);
		for (size_t j = 0; j < st->note_count; j++)
			if (strstr(st->notes[j], needle))
				return 1;
	}
	return 0;
}

static void test_additional(void)
{
	rsip_ctx *ctx = new_ctx("zones");
	rsip_result *res = resolve(ctx, "sip:jo@tzi.org");
	/* rasen.tzi.org has an A record only: the additional section holds it, and
	 * says nothing of AAAA, which is asked (RFC 2782 "Usage rules"). */
	is_int(rsip_result_waves(res), 3,
	       "RFC 2782/3263 §4.2: SRV answer with the A record as additional data: 3 waves "
	       "(NAPTR, SRV, the AAAA it does not hold)");
	is_int(rsip_result_questions(res), 3,
	       "no A question when the additional section holds the A record, and no SRV "
	       "question for a NAPTR ORDER that is not used (RFC 3403 §4.1)");
	ok(has_note(res, "additional section"), "the trace says the addresses came from the "
	   "additional section");
	ok(has_note(res, "it holds no IPv6 address, so AAAA is asked"),
	   "the trace says why the AAAA was asked");
	is_str(tgt(res, 0), "tls 134.102.218.67:5061", "the target is the same as when asked");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_deterministic(void)
{
	int same = 1;
	char first[96] = "";
	for (int s = 0; s < 20; s++) {
		rsip_ctx *ctx = new_ctx("zones");
		rsip_result *res;
		rsip_ctx_set_seed(ctx, (uint64_t)s);
		rsip_ctx_set_srv_order(ctx, RSIP_SRV_ORDER_DETERMINISTIC);
		res = resolve(ctx, "sip:jo@tzi.org;transport=tcp");
		if (s == 0)
			snprintf(first, sizeof(first), "%s", tgt(res, 0));
		else if (strcmp(first, tgt(res, 0)) != 0)
			same = 0;
		if (s == 0)
			is_str(tgt(res, 0), "tcp 134.102.218.67:50600",
			       "RFC 3263 §4.4: deterministic order puts the heaviest weight first");
		rsip_result_free(res);
		rsip_ctx_free(ctx);
	}
	ok(same, "RFC 3263 §4.4: a stateless proxy's order does not depend on the seed");
}

static void test_prefer_ipv4(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res;
	rsip_ctx_set_prefer_ipv4(ctx, 1);
	res = resolve(ctx, "sip:a@multi.sip.test");
	is_str(tgt(res, 0), "udp 192.0.2.101:5060", "prefer IPv4: sip-1's A records first");
	is_str(tgt(res, 2), "udp 2001:db8::101:5060", "prefer IPv4: then sip-1's AAAA");
	is_str(tgt(res, 3), "udp 192.0.2.201:5060",
	       "RFC 7984 §4: still all of sip-1 before sip-2");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_failover(void)
{
	rsip_ctx *ctx = new_ctx("zones");
	rsip_result *res = resolve(ctx, "tel:+49-421-201-7028"), *again;
	const rsip_target *t0 = rsip_result_next_target(ctx, res, NULL), *t1;
	is_str(t0 ? t0->address : NULL, "134.102.218.67", "failover: the first target first");
	t1 = rsip_result_next_target(ctx, res, t0);
	ok(t1 == rsip_result_target(res, 1),
	   "RFC 3263 §4.3: after a failure the client is handed the second target");
	ok(rsip_result_next_target(ctx, res, rsip_result_target(res, 2)) == NULL,
	   "failover: after the last target, none is left");
	again = resolve(ctx, "tel:+49-421-201-7028");
	/* rasen (first) and damn's IPv4 address (last) were marked failed. */
	is_str(tgt(again, 0), "tls 2001:db8:218::65:5061",
	       "failover memory: a later result starts with the target that did not fail");
	ok(rsip_result_target(again, 1)->recently_failed &&
	   rsip_result_target(again, 2)->recently_failed &&
	   !rsip_result_target(again, 0)->recently_failed,
	   "failover memory: failed targets are flagged and put last, in their order");
	is_str(tgt(again, 1), "tls 134.102.218.67:5061", "failover memory: rasen after it");
	ok(has_note(again, "marked failed"), "failover memory: the result says so");
	rsip_result_free(again);
	rsip_ctx_set_failure_memory(ctx, 0);
	again = resolve(ctx, "tel:+49-421-201-7028");
	is_str(tgt(again, 0), "tls 134.102.218.67:5061", "failure memory 0: forgotten at once");
	rsip_result_free(again);
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_route(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = NULL;
	const char *loose[] = {"<sip:proxy@srvonly.sip.test;lr>", "<sip:other@aonly.sip.test;lr>"};
	const char *strict[] = {"sip:strict@aonly.sip.test"};

	rsip_resolve_route(ctx, "sip:bob@naptr.sip.test", loose, 2, &res);
	is_str(rsip_result_uri(res), "sip:proxy@srvonly.sip.test;lr",
	       "RFC 3261 §8.1.2: a loose first Route URI is located, not the Request-URI");
	is_str(tgt(res, 0), "udp 2001:db8::10:5060", "...to the proxy's targets");
	ok(has_note(res, "loose router"), "the trace says it is a loose router");
	rsip_result_free(res);

	rsip_resolve_route(ctx, "sip:bob@naptr.sip.test", strict, 1, &res);
	is_str(rsip_result_uri(res), "sip:strict@aonly.sip.test",
	       "RFC 3261 §12.2.1.1: a strict router becomes the Request-URI and is located");
	ok(has_note(res, "strict router"), "the trace says it is a strict router");
	rsip_result_free(res);

	rsip_resolve_route(ctx, "sip:bob@naptr.sip.test", NULL, 0, &res);
	is_str(tgt(res, 0), "tls 192.0.2.1:5061", "an empty route set resolves the Request-URI");
	rsip_result_free(res);

	rsip_resolve_route(ctx, "tel:+1-555-010-0001", loose, 1, &res);
	is_int(rsip_result_has_enum(res), 0,
	       "RFC 3261 §8.1.2: with a route set, a tel: Request-URI needs no ENUM");
	rsip_result_free(res);

	{
		const char *bad[] = {"<sip:proxy@srvonly.sip.test;lr"};
		rsip_resolve_route(ctx, "sip:bob@naptr.sip.test", bad, 1, &res);
		is_int(rsip_result_status(res), RSIP_E_BAD_INPUT, "a malformed Route is bad input");
		rsip_result_free(res);
	}
	rsip_ctx_free(ctx);
}

static void test_response(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = NULL;

	rsip_resolve_response(ctx, "SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bK776asdhds", &res);
	is_str(tgt(res, 0), "udp 192.0.2.9:5070", "RFC 3263 §5: a numeric sent-by is used as is");
	is_int(rsip_result_questions(res), 0, "RFC 3263 §5: no DNS for a numeric sent-by");
	rsip_result_free(res);

	rsip_resolve_response(ctx, "Via: SIP/2.0/TLS [2001:db8::9];branch=z9hG4bK1", &res);
	is_str(tgt(res, 0), "tls 2001:db8::9:5061",
	       "RFC 3263 §5: TLS means TLS over TCP, default port 5061");
	rsip_result_free(res);

	rsip_resolve_response(ctx, "SIP/2.0/TCP aonly.sip.test:5080;branch=z9hG4bK2", &res);
	is_str(tgt(res, 1), "tcp 192.0.2.20:5080", "RFC 3263 §5: a name with a port: A/AAAA");
	is_int(rsip_result_step(res, 0)->qtype, 28,
	       "RFC 3263 §5: a name with a port never asks SRV");
	rsip_result_free(res);

	rsip_resolve_response(ctx, "SIP/2.0/TLS srvonly.sip.test;branch=z9hG4bK3", &res);
	is_str(rsip_result_step(res, 0)->qname, "_sips._tcp.srvonly.sip.test.",
	       "RFC 3263 §5: a name without a port and TLS: SRV _sips._tcp");
	is_str(tgt(res, 0), "tls 2001:db8::10:5071", "...and its targets");
	rsip_result_free(res);

	rsip_resolve_response(ctx, "SIP/2.0/UDP srvonly.sip.test;branch=z9hG4bK4", &res);
	is_str(rsip_result_step(res, 0)->qname, "_sip._udp.srvonly.sip.test.",
	       "RFC 3263 §5: otherwise SRV _sip._<transport>");
	rsip_result_free(res);

	rsip_resolve_response(ctx, "SIP/2.0/FOO host.example", &res);
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT, "an unknown Via transport is bad input");
	rsip_result_free(res);
	rsip_resolve_response(ctx, "HTTP/1.1 host.example", &res);
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT, "a Via without SIP/2.0 is bad input");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_websocket(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res;
	rsip_ctx_set_transport_order(ctx, "udp,tcp,tls,ws,wss");
	res = resolve(ctx, "sip:a@aonly.sip.test;transport=ws");
	is_str(tgt(res, 1), "ws 192.0.2.20:80", "RFC 7118 §5.5: ws without SRV: port 80");
	rsip_result_free(res);
	res = resolve(ctx, "sips:a@aonly.sip.test;transport=ws");
	is_str(tgt(res, 1), "wss 192.0.2.20:443", "RFC 7118 §5.5: sips over ws: wss, port 443");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_sips_naptr(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = resolve(ctx, "sips:a@naptr.sip.test");
	is_str(tgt(res, 0), "tls 192.0.2.1:5061", "RFC 3263 §4.1: a sips URI keeps only SIPS+D2T");
	rsip_result_free(res);
	res = resolve(ctx, "sips:a@sctp.sip.test");
	ok(has_note(res, "only SIPS"), "RFC 3263 §4.1: a sips URI drops SIP+D2S, and says why");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_next_order(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = resolve(ctx, "sip:a@nextorder.sip.test");
	is_str(tgt(res, 0), "udp 192.0.2.60:5062",
	       "RFC 3263 §4.1: the first ORDER has no SRV record, so the next ORDER is used");
	is_int(rsip_result_target_count(res), 1,
	       "RFC 3403 §4.1: the ORDER after the one used is not considered");
	is_int(rsip_result_questions(res), 4, "NAPTR, then one SRV per ORDER until one "
	       "answers, then the AAAA the additional data did not hold: 4 questions");
	is_int(rsip_result_step(res, 2)->wave, 3, "the next ORDER's SRV is a wave of its own");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* RFC 3263 §4.1: a NAPTR service whose SRV targets have no address is left for the
 * next usable NAPTR record, as one whose SRV set is empty is. */
static void test_noaddr_next_order(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = resolve(ctx, "sip:a@noaddr.sip.test");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 3263 §4.1: the first ORDER's SRV target has no address: the next ORDER");
	is_str(tgt(res, 0), "udp 192.0.2.61:5060",
	       "RFC 3263 §4.1: the SIP+D2U service of ORDER 20 gives the target");
	is_int(rsip_result_target_count(res), 1,
	       "RFC 3403 §4.1: ORDER 30 after the one used is not considered");
	ok(has_note(res, "left: no target of _sips._tcp.noaddr.sip.test. has an address"),
	   "the trace says why the SIPS+D2T service was left");
	rsip_result_free(res);
	res = resolve(ctx, "sip:a@noaddr2.sip.test");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 3263 §4.2: every service's SRV targets lack addresses: not-found, the "
	       "domain's own A is not tried (SRV records exist)");
	is_int(rsip_result_target_count(res), 0, "no target from the domain's A record");
	ok(rsip_result_error(res) != NULL &&
	   strstr(rsip_result_error(res), "any SRV target of the NAPTR services") != NULL,
	   "the error says no NAPTR service gave an address");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* RFC 3402 §3.3 step 4, RFC 3263 §4.1: a NAPTR record of a service the client
 * does not use (unknown, or an unsupported transport) at a lower ORDER does
 * not stop a usable one at a higher ORDER (zone: sip.test, unknownsvc). */
static void test_unused_service_order(void)
{
	rsip_ctx *ctx = new_ctx("tests/zones");
	rsip_result *res = resolve(ctx, "sip:a@unknownsvc.sip.test");
	is_str(tgt(res, 0), "tcp 192.0.2.64:5064",
	       "RFC 3402 §3.3 step 4: SIP+D2X (ORDER 10) and SIP+D2S (ORDER 20, sctp not "
	       "supported) are passed over; SIP+D2T at ORDER 30 is used");
	is_int(rsip_result_target_count(res), 1,
	       "RFC 3263 §4.1: only the NAPTR-chosen transport, no SRV fallback per transport");
	ok(has_note(res, "SIP+D2X skipped"), "RFC 3263 §4.1: the trace says SIP+D2X was skipped");
	ok(has_note(res, "SIP+D2S skipped: transport sctp is not supported"),
	   "RFC 3263 §4.1: ...and SIP+D2S, for its transport");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_cache(void)
{
	rsip_ctx *ctx = new_ctx("zones");
	rsip_result *a = resolve(ctx, "tel:+49-421-201-7028"), *b;
	int cached = 0;
	b = resolve(ctx, "tel:+49-421-201-7028");
	for (size_t i = 0; i < rsip_result_step_count(b); i++)
		cached += rsip_result_step(b, i)->from_cache;
	is_int(cached, (long long)rsip_result_step_count(b),
	       "RFC 1035 §3.2.1: a second resolution within the TTLs asks libunbound nothing");
	is_int(rsip_result_step(a, 0)->from_cache, 0, "the first one asked");
	is_str(tgt(b, 0), tgt(a, 0), "the cached answers give the same first target");
	ok(rsip_result_step(b, 0)->answer_count == rsip_result_step(a, 0)->answer_count,
	   "a cached step shows the same answers");
	rsip_result_free(a);
	rsip_result_free(b);
	rsip_ctx_free(ctx);

	ctx = new_ctx("zones");
	rsip_ctx_set_cache_size(ctx, 0);
	a = resolve(ctx, "tel:+49-421-201-7028");
	b = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_step(b, 0)->from_cache, 0, "cache size 0: every question is asked");
	rsip_result_free(a);
	rsip_result_free(b);
	rsip_ctx_free(ctx);

	ctx = new_ctx("zones");
	rsip_ctx_set_trace(ctx, 0);
	a = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_step(a, 0)->answer_count, 0, "trace off: steps carry no answers");
	is_int(rsip_result_target_count(a), 3, "trace off: the same targets");
	rsip_result_free(a);
	rsip_ctx_free(ctx);
}

int main(void)
{
	test_cache();
	test_next_order();
	test_noaddr_next_order();
	test_additional();
	test_deterministic();
	test_prefer_ipv4();
	test_failover();
	test_route();
	test_response();
	test_websocket();
	test_sips_naptr();
	test_unused_service_order();
	return tap_done();
}
