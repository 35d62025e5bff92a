/* test_phases.c - characterisation of the two phases over the mock DNS
 * (tests/mockdns.c): the RFC 3263 phase (locate.c) and the RFC 6116 ENUM phase
 * (enumwalk.c), each driven with small zones, as the library behaves today.
 * For each case: the status, the ordered targets, the questions in the order
 * asked with their wave and rcode, the counts of questions and waves, the
 * result's notes, a note of a step, for ENUM the domains, URIs and each
 * record's verdict, and for some the answers that led to the targets
 * (rsip_step.answer_on_path).  An engine change that keeps the behaviour keeps these;
 * one that changes it says so here, case by case (tests/README.md).
 *
 * The mock DNS answers the engine's questions one at a time, oldest first,
 * with no additional section, no DNSSEC and no clock: a "drop" name is never
 * answered and the deadline comes when nothing else is left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mockdns.h"
#include "resolvsip.h"
#include "tap.h"

struct phase_case {
	const char *name;      /* what it shows, with the RFC */
	const char *zone;      /* the mock DNS's input format, lines by '\n' */
	const char *uri;
	const char *status;
	const char *targets;   /* "udp 192.0.2.1:5060 | ..." */
	const char *steps;     /* "1 NAPTR example.test. NOERROR | ...": wave, type, name, rcode */
	unsigned questions, waves;
	const char *notes;     /* the result's notes, " | " between */
	const char *step_note; /* a note one of the steps has (a part of it), or NULL */
	const char *error;     /* a part of the error, or NULL (ok) */
	const char *enum_uris; /* ENUM: the SIP URIs, " | " between; NULL: no ENUM */
	const char *verdicts;  /* ENUM: each record's verdict, " | " between */
	void (*setup)(rsip_ctx *ctx); /* settings the input format has none for, or NULL */
	const char *on_path;   /* the answers on the path, "STEP: RR" with " | " between,
				  STEP counted from 1; NULL: not checked */
};

static char *join_start(char *buf)
{
	buf[0] = '\0';
	return buf;
}

static void join_add(char *buf, size_t size, const char *item)
{
	size_t len = strlen(buf);
	snprintf(buf + len, size - len, "%s%s", len ? " | " : "", item);
}

static const char *targets_of(const rsip_result *res)
{
	static char buf[2048];
	char one[96];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_target_count(res); i++) {
		const rsip_target *t = rsip_result_target(res, i);
		int v6 = t->family == RSIP_FAMILY_IPV6;

		snprintf(one, sizeof(one), "%s %s%s%s:%u", rsip_transport_name(t->transport),
			 v6 ? "[" : "", t->address, v6 ? "]" : "", t->port);
		join_add(buf, sizeof(buf), one);
	}
	return buf;
}

static const char *steps_of(const rsip_result *res)
{
	static char buf[4096];
	char one[320];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		snprintf(one, sizeof(one), "%u %s %s %s", s->wave, s->qtype_name, s->qname,
			 s->rcode_name);
		join_add(buf, sizeof(buf), one);
	}
	return buf;
}

static const char *notes_of(const rsip_result *res)
{
	static char buf[4096];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_note_count(res); i++)
		join_add(buf, sizeof(buf), rsip_result_note(res, i));
	return buf;
}

static int has_step_note(const rsip_result *res, const char *part)
{
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		for (size_t k = 0; k < s->note_count; k++)
			if (strstr(s->notes[k], part) != NULL)
				return 1;
	}
	return 0;
}

static const char *enum_uris_of(const rsip_result *res)
{
	static char buf[2048];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_enum_uri_count(res); i++)
		join_add(buf, sizeof(buf), rsip_result_enum_uri(res, i));
	return buf;
}

static const char *verdicts_of(const rsip_result *res)
{
	static char buf[2048];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_enum_record_count(res); i++) {
		const rsip_naptr *n = rsip_result_enum_record(res, i);
		join_add(buf, sizeof(buf), rsip_verdict_name(n->verdict));
	}
	return buf;
}

/* The answers rsip_step.answer_on_path marks, "STEP: RR", " | " between. */
static const char *on_path_of(const rsip_result *res)
{
	static char buf[4096];
	char one[400];

	join_start(buf);
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		for (size_t k = 0; s->answer_on_path != NULL && k < s->answer_count; k++) {
			if (!s->answer_on_path[k])
				continue;
			snprintf(one, sizeof(one), "%zu: %s", i + 1, s->answers[k]);
			join_add(buf, sizeof(buf), one);
		}
	}
	return buf;
}

static void run_case(const struct phase_case *c)
{
	struct mockdns *m = mockdns_new();
	rsip_ctx *ctx = NULL;
	rsip_result *res;
	char *zone = strdup(c->zone), *line, *save = NULL;
	const char *error;

	if (m == NULL || zone == NULL || rsip_ctx_new(&ctx) != RSIP_OK) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	mockdns_attach(m, ctx);
	rsip_ctx_set_seed(ctx, 1);
	for (line = strtok_r(zone, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
		mockdns_line(m, ctx, line);
	if (c->setup != NULL)
		c->setup(ctx);
	res = mockdns_resolve(m, ctx, c->uri);
	if (!ok(res != NULL, "%s: %s gives a result", c->name, c->uri)) {
		rsip_ctx_free(ctx);
		mockdns_free(m);
		free(zone);
		return;
	}
	is_str(rsip_status_name(rsip_result_status(res)), c->status, "%s: status", c->name);
	is_str(targets_of(res), c->targets, "%s: the targets, in order", c->name);
	is_str(steps_of(res), c->steps, "%s: the questions (wave, type, name, rcode), in order",
	       c->name);
	is_int(rsip_result_questions(res), c->questions, "%s: %u questions", c->name,
	       c->questions);
	is_int(rsip_result_waves(res), c->waves, "%s: %u waves", c->name, c->waves);
	is_int(mockdns_asked(m), c->questions, "%s: each question reached the DNS once",
	       c->name);
	is_str(notes_of(res), c->notes, "%s: the result's notes", c->name);
	if (c->step_note != NULL && !ok(has_step_note(res, c->step_note),
					"%s: a step notes \"%s\"", c->name, c->step_note)) {
		for (size_t i = 0; i < rsip_result_step_count(res); i++) {
			const rsip_step *s = rsip_result_step(res, i);
			for (size_t k = 0; k < s->note_count; k++)
				tap_diag("  step %zu notes: %s", i + 1, s->notes[k]);
		}
	}
	error = rsip_result_error(res);
	if (c->error == NULL)
		ok(error == NULL, "%s: no error", c->name);
	else if (!ok(error != NULL && strstr(error, c->error) != NULL, "%s: the error says \"%s\"",
		     c->name, c->error))
		tap_diag("  error: %s", error ? error : "(none)");
	if (c->enum_uris != NULL) {
		ok(rsip_result_has_enum(res), "%s: the result has ENUM details", c->name);
		is_str(enum_uris_of(res), c->enum_uris, "%s: the SIP URIs from ENUM, in order",
		       c->name);
		is_str(verdicts_of(res), c->verdicts, "%s: each NAPTR record's verdict", c->name);
	} else {
		ok(!rsip_result_has_enum(res), "%s: no ENUM details", c->name);
	}
	if (c->on_path != NULL)
		is_str(on_path_of(res), c->on_path, "%s: the answers that led to the targets",
		       c->name);
	ok(mockdns_pending(m) == 0, "%s: no question left in flight", c->name);
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	mockdns_free(m);
	free(zone);
}

/* ---- RFC 3263: locate.c ------------------------------------------------ */

/* NAPTR, SRV and addresses of one domain. */
#define ZONE_NAPTR                                                                    \
	"example.test. NAPTR 50 50 \"s\" \"SIPS+D2T\" \"\" _sips._tcp.example.test.\n"     \
	"example.test. NAPTR 90 50 \"s\" \"SIP+D2T\" \"\" _sip._tcp.example.test.\n"       \
	"example.test. NAPTR 100 50 \"s\" \"SIP+D2U\" \"\" _sip._udp.example.test.\n"      \
	"_sips._tcp.example.test. SRV 0 1 5061 a.example.test.\n"                          \
	"_sips._tcp.example.test. SRV 10 1 5061 b.example.test.\n"                         \
	"_sip._tcp.example.test. SRV 0 1 5060 a.example.test.\n"                           \
	"_sip._udp.example.test. SRV 0 1 5060 b.example.test.\n"                           \
	"a.example.test. A 192.0.2.1\n"                                                    \
	"a.example.test. AAAA 2001:db8::1\n"                                               \
	"b.example.test. A 192.0.2.2\n"

/* SRV records, no NAPTR. */
#define ZONE_SRV                                                                      \
	"_sip._udp.srv.test. SRV 0 1 5060 h.srv.test.\n"                                  \
	"_sip._tcp.srv.test. SRV 0 1 5070 h.srv.test.\n"                                  \
	"h.srv.test. A 192.0.2.10\n"

/* Addresses only. */
#define ZONE_HOST "host.test. A 192.0.2.20\nhost.test. AAAA 2001:db8::20\n"

/* SRV target "." for UDP and TCP. */
#define ZONE_DOT                                                                      \
	"_sip._udp.dot.test. SRV 0 0 0 .\n"                                               \
	"_sip._tcp.dot.test. SRV 0 0 0 .\n"                                               \
	"dot.test. A 192.0.2.40\n"

/* Two IPv4 addresses and one IPv6 address. */
#define ZONE_MULTI                                                                    \
	"multi.test. A 192.0.2.51\n"                                                      \
	"multi.test. A 192.0.2.52\n"                                                      \
	"multi.test. AAAA 2001:db8::51\n"

static void one_address(rsip_ctx *ctx)
{
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_ADDRESSES_PER_HOST, 1);
}

static void two_targets(rsip_ctx *ctx)
{
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 2);
}

/* tls 192.0.2.1:5061 failed just now (RFC 3263 §4.3). */
static void a_failed(rsip_ctx *ctx)
{
	rsip_target t;

	memset(&t, 0, sizeof(t));
	t.transport = RSIP_TRANSPORT_TLS;
	t.family = RSIP_FAMILY_IPV4;
	snprintf(t.address, sizeof(t.address), "192.0.2.1");
	t.port = 5061;
	rsip_ctx_mark_failed(ctx, &t);
}

static void fallback(rsip_ctx *ctx)
{
	rsip_ctx_set_failure_policy(ctx, RSIP_FAILURE_POLICY_FALLBACK);
}

static const struct phase_case locate_cases[] = {
	{
		.name = "RFC 3263 §4.1 NAPTR, §4.2 SRV in priority order, then A/AAAA",
		.zone = ZONE_NAPTR,
		.uri = "sip:alice@example.test",
		.status = "ok",
		.targets = "tls [2001:db8::1]:5061 | tls 192.0.2.1:5061 | tls 192.0.2.2:5061",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sips._tcp.example.test. NOERROR | "
			"3 AAAA a.example.test. NOERROR | 3 A a.example.test. NOERROR | "
			"3 AAAA b.example.test. NOERROR | 3 A b.example.test. NOERROR",
		.questions = 6, .waves = 3,
		.notes = "",
		.step_note = "SIPS+D2T order 50 preference 50 -> _sips._tcp.example.test. (tls)",
		.on_path = "1: example.test. 300 IN NAPTR 50 50 \"s\" \"SIPS+D2T\" \"\" "
			"_sips._tcp.example.test. | "
			"2: _sips._tcp.example.test. 300 IN SRV 0 1 5061 a.example.test. | "
			"2: _sips._tcp.example.test. 300 IN SRV 10 1 5061 b.example.test. | "
			"3: a.example.test. 300 IN AAAA 2001:db8::1 | "
			"4: a.example.test. 300 IN A 192.0.2.1 | "
			"6: b.example.test. 300 IN A 192.0.2.2",
	},
	{
		.name = "RFC 3263 §4.1 transport=tcp: no NAPTR, the SRV of TCP",
		.zone = ZONE_NAPTR,
		.uri = "sip:alice@example.test;transport=tcp",
		.status = "ok",
		.targets = "tcp [2001:db8::1]:5060 | tcp 192.0.2.1:5060",
		.steps = "1 SRV _sip._tcp.example.test. NOERROR | "
			"2 AAAA a.example.test. NOERROR | 2 A a.example.test. NOERROR",
		.questions = 3, .waves = 2,
		.notes = "",
		.step_note = "used for tcp",
	},
	{
		.name = "RFC 3263 §4.1 sips: only the SIPS+D2T record",
		.zone = ZONE_NAPTR,
		.uri = "sips:alice@example.test",
		.status = "ok",
		.targets = "tls [2001:db8::1]:5061 | tls 192.0.2.1:5061 | tls 192.0.2.2:5061",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sips._tcp.example.test. NOERROR | "
			"3 AAAA a.example.test. NOERROR | 3 A a.example.test. NOERROR | "
			"3 AAAA b.example.test. NOERROR | 3 A b.example.test. NOERROR",
		.questions = 6, .waves = 3,
		.notes = "",
		.step_note = "SIP+D2T skipped: a sips URI uses only SIPS services (RFC 3263 §4.1)",
	},
	{
		.name = "RFC 3263 §4.1 only the transports the client supports",
		.zone = ";;transports udp\n" ZONE_NAPTR,
		.uri = "sip:alice@example.test",
		.status = "ok",
		.targets = "udp 192.0.2.2:5060",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sip._udp.example.test. NOERROR | "
			"3 AAAA b.example.test. NOERROR | 3 A b.example.test. NOERROR",
		.questions = 4, .waves = 3,
		.notes = "",
		.step_note = "SIPS+D2T skipped: transport tls is not supported",
	},
	{
		.name = "RFC 3263 §4.1 no NAPTR: an SRV question per transport",
		.zone = ZONE_SRV,
		.uri = "sip:a@srv.test",
		.status = "ok",
		.targets = "udp 192.0.2.10:5060 | tcp 192.0.2.10:5070",
		.steps = "1 NAPTR srv.test. NOERROR | 2 SRV _sip._udp.srv.test. NOERROR | "
			"2 SRV _sip._tcp.srv.test. NOERROR | 3 AAAA h.srv.test. NOERROR | "
			"3 A h.srv.test. NOERROR",
		.questions = 5, .waves = 3,
		.notes = "",
		.step_note = "used for tcp (after the preferred set)",
	},
	{
		.name = "RFC 3263 §4.1 no NAPTR, no SRV: the host's addresses, UDP 5060",
		.zone = ZONE_HOST,
		.uri = "sip:a@host.test",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR host.test. NOERROR | 2 SRV _sip._udp.host.test. NXDOMAIN | "
			"2 SRV _sip._tcp.host.test. NXDOMAIN | 3 AAAA host.test. NOERROR | "
			"3 A host.test. NOERROR",
		.questions = 5, .waves = 3,
		.notes = "",
		.step_note = "no SRV record: A/AAAA of host.test. over udp (RFC 3263 §4.1)",
	},
	{
		.name = "RFC 3263 §4.1 sips: no NAPTR, no SRV: TLS 5061",
		.zone = ZONE_HOST,
		.uri = "sips:a@host.test",
		.status = "ok",
		.targets = "tls [2001:db8::20]:5061 | tls 192.0.2.20:5061",
		.steps = "1 NAPTR host.test. NOERROR | 2 SRV _sips._tcp.host.test. NXDOMAIN | "
			"3 AAAA host.test. NOERROR | 3 A host.test. NOERROR",
		.questions = 4, .waves = 3,
		.notes = "",
		.step_note = "no SRV record: A/AAAA of host.test. over tls (RFC 3263 §4.1)",
	},
	{
		.name = "RFC 3263 §4.2 a port in the URI: addresses only",
		.zone = ZONE_HOST,
		.uri = "sip:a@host.test:5080",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5080 | udp 192.0.2.20:5080",
		.steps = "1 AAAA host.test. NOERROR | 1 A host.test. NOERROR",
		.questions = 2, .waves = 1,
		.notes = "",
	},
	{
		.name = "RFC 3263 §4.2 the address families asked: IPv4 only",
		.zone = ";;families 4\n" ZONE_HOST,
		.uri = "sip:a@host.test",
		.status = "ok",
		.targets = "udp 192.0.2.20:5060",
		.steps = "1 NAPTR host.test. NOERROR | 2 SRV _sip._udp.host.test. NXDOMAIN | "
			"2 SRV _sip._tcp.host.test. NXDOMAIN | 3 A host.test. NOERROR",
		.questions = 4, .waves = 3,
		.notes = "",
		.step_note = "no SRV record: A/AAAA of host.test. over udp",
	},
	{
		.name = "RFC 3263 §4.1 a numeric host: no question",
		.zone = "",
		.uri = "sip:a@192.0.2.7;transport=tcp",
		.status = "ok",
		.targets = "tcp 192.0.2.7:5060",
		.steps = "",
		.questions = 0, .waves = 0,
		.notes = "",
	},
	{
		.name = "RFC 3263 §4.1 maddr: its host is located",
		.zone = ZONE_SRV ZONE_HOST,
		.uri = "sip:a@host.test;maddr=srv.test",
		.status = "ok",
		.targets = "udp 192.0.2.10:5060 | tcp 192.0.2.10:5070",
		.steps = "1 NAPTR srv.test. NOERROR | 2 SRV _sip._udp.srv.test. NOERROR | "
			"2 SRV _sip._tcp.srv.test. NOERROR | 3 AAAA h.srv.test. NOERROR | "
			"3 A h.srv.test. NOERROR",
		.questions = 5, .waves = 3,
		.notes = "",
		.step_note = "1. h.srv.test. port 5060 (priority 0, weight 1)",
	},
	{
		.name = "RFC 3263 §4.1, §7: a failed NAPTR question ends it (no SRV fallback)",
		.zone = "fail.test. TXT \"rcode=2\"\nfail.test. A 192.0.2.30\n",
		.uri = "sip:a@fail.test",
		.status = "dns-failure",
		.targets = "",
		.steps = "1 NAPTR fail.test. SERVFAIL | 1 CNAME fail.test. SERVFAIL",
		.questions = 2, .waves = 1,
		.notes = "",
		.step_note = "asked after the SERVFAIL of fail.test.: is it a CNAME loop? (RFC "
			"1034 §3.6.2)",
		.error = "its records choose the transport, so no SRV fallback is tried (RFC "
			"3263 §4.1, §7)",
	},
	{
		.name = "RFC 3263 §4.1: no answer to NAPTR: the deadline, no SRV fallback",
		.zone = "slow.test. TXT \"drop\"\n",
		.uri = "sip:a@slow.test",
		.status = "timeout",
		.targets = "",
		.steps = "1 NAPTR slow.test. NONE",
		.questions = 1, .waves = 1,
		.notes = "",
		.step_note = "within the deadline of 10000 ms",
		.error = "the NAPTR question for slow.test. failed (no answer",
	},
	{
		.name = "RFC 8020: NXDOMAIN: nothing below the name is asked",
		.zone = "",
		.uri = "sip:a@nowhere.test",
		.status = "not-found",
		.targets = "",
		.steps = "1 NAPTR nowhere.test. NXDOMAIN",
		.questions = 1, .waves = 1,
		.notes = "",
		.step_note = "nowhere.test. does not exist: nothing below it either (RFC 8020)",
		.error = "nowhere.test. does not exist (NXDOMAIN)",
	},
	{
		.name = "RFC 2782: an SRV target of \".\": no service",
		.zone = ZONE_DOT,
		.uri = "sip:a@dot.test",
		.status = "not-found",
		.targets = "",
		.steps = "1 NAPTR dot.test. NOERROR | 2 SRV _sip._udp.dot.test. NOERROR | "
			"2 SRV _sip._tcp.dot.test. NOERROR",
		.questions = 3, .waves = 2,
		.notes = "",
		.step_note = "target \".\": _sip._udp.dot.test. is decidedly not offered here "
			"(RFC 2782)",
		.error = "SIP is decidedly not offered at dot.test. (SRV target \".\", RFC "
			"2782)",
	},
	{
		.name = "RFC 1034 §3.6.2: a CNAME at the host",
		.zone = "alias.test. CNAME host.test.\n" ZONE_HOST,
		.uri = "sip:a@alias.test",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR alias.test. NOERROR | "
			"2 SRV _sip._udp.alias.test. NXDOMAIN | "
			"2 SRV _sip._tcp.alias.test. NXDOMAIN | 3 AAAA alias.test. NOERROR | "
			"3 A alias.test. NOERROR",
		.questions = 5, .waves = 3,
		.notes = "",
		.step_note = "no SRV record: A/AAAA of alias.test. over udp",
		.on_path = "4: host.test. 300 IN AAAA 2001:db8::20 | "
			"5: host.test. 300 IN A 192.0.2.20",
	},
	{
		.name = "RFC 3263 §4.2: a host whose address questions fail is left out",
		.zone = ZONE_NAPTR "b.example.test. TXT \"rcode=2\"\n",
		.uri = "sips:alice@example.test",
		.status = "ok",
		.targets = "tls [2001:db8::1]:5061 | tls 192.0.2.1:5061",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sips._tcp.example.test. NOERROR | "
			"3 AAAA a.example.test. NOERROR | 3 A a.example.test. NOERROR | "
			"3 AAAA b.example.test. SERVFAIL | 3 A b.example.test. SERVFAIL | "
			"3 CNAME b.example.test. SERVFAIL | 3 CNAME b.example.test. SERVFAIL",
		.questions = 8, .waves = 3,
		.notes = "b.example.test. AAAA failed (SERVFAIL from the servers of "
			"/etc/resolv.conf (a SERVFAIL or REFUSED of the server, or no reply "
			"to any retry: libunbound reports them alike)): the IPv6 addresses "
			"of b.example.test. are left out | "
			"b.example.test. A failed (SERVFAIL from the servers of "
			"/etc/resolv.conf (a SERVFAIL or REFUSED of the server, or no reply "
			"to any retry: libunbound reports them alike)): the IPv4 addresses "
			"of b.example.test. are left out",
		.step_note = "asked after the SERVFAIL of b.example.test.",
	},
	{
		.name = "RFC 3263 §4.2: the addresses-per-host limit",
		.zone = ZONE_MULTI,
		.uri = "sip:a@multi.test:5060",
		.status = "ok",
		.targets = "udp [2001:db8::51]:5060 | udp 192.0.2.51:5060",
		.steps = "1 AAAA multi.test. NOERROR | 1 A multi.test. NOERROR",
		.questions = 2, .waves = 1,
		.notes = "multi.test. has 2 IPv4 addresses: the first 1 are used, 1 left out "
			"(the limit of 1 addresses per host and family)",
		.step_note = "multi.test.: 1 IPv4 addresses left out (the limit of 1 per host and "
			"family)",
		.setup = one_address,
		.on_path = "1: multi.test. 300 IN AAAA 2001:db8::51 | "
			"2: multi.test. 300 IN A 192.0.2.51",
	},
	{
		.name = "RFC 3263 §4.2: the targets limit",
		.zone = ZONE_NAPTR,
		.uri = "sips:alice@example.test",
		.status = "ok",
		.targets = "tls [2001:db8::1]:5061 | tls 192.0.2.1:5061",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sips._tcp.example.test. NOERROR | "
			"3 AAAA a.example.test. NOERROR | 3 A a.example.test. NOERROR | "
			"3 AAAA b.example.test. NOERROR | 3 A b.example.test. NOERROR",
		.questions = 6, .waves = 3,
		.notes = "more than 2 targets: the last 1 are left out (the targets limit)",
		.step_note = "2. b.example.test. port 5061 (priority 10, weight 1)",
		.setup = two_targets,
		.on_path = "1: example.test. 300 IN NAPTR 50 50 \"s\" \"SIPS+D2T\" \"\" "
			"_sips._tcp.example.test. | "
			"2: _sips._tcp.example.test. 300 IN SRV 0 1 5061 a.example.test. | "
			"3: a.example.test. 300 IN AAAA 2001:db8::1 | "
			"4: a.example.test. 300 IN A 192.0.2.1",
	},
	{
		.name = "RFC 3263 §4.3: a target marked failed is tried last",
		.zone = ZONE_NAPTR,
		.uri = "sips:alice@example.test",
		.status = "ok",
		.targets = "tls [2001:db8::1]:5061 | tls 192.0.2.2:5061 | tls 192.0.2.1:5061",
		.steps = "1 NAPTR example.test. NOERROR | "
			"2 SRV _sips._tcp.example.test. NOERROR | "
			"3 AAAA a.example.test. NOERROR | 3 A a.example.test. NOERROR | "
			"3 AAAA b.example.test. NOERROR | 3 A b.example.test. NOERROR",
		.questions = 6, .waves = 3,
		.notes = "1 target marked failed within the last 32 s: tried last (RFC 3263 "
			"§4.3)",
		.step_note = "1. a.example.test. port 5061 (priority 0, weight 1)",
		.setup = a_failed,
	},
};

/* ---- RFC 6116: enumwalk.c ------------------------------------------- */

/* +1-555-0100: a SIP rule and a presence rule of one ORDER. */
#define ZONE_E164_TERMINAL                                                            \
	"0.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 100 \"u\" \"E2U+sip\" "                       \
	"\"!^.*$!sip:alice@host.test!\" .\n"                                               \
	"0.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 101 \"u\" \"E2U+pres\" "                      \
	"\"!^.*$!pres:alice@host.test!\" .\n" ZONE_HOST

/* +1-555-0101: a non-terminal rule to next.enum.test. */
#define ZONE_E164_NONTERMINAL                                                         \
	"1.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 10 \"\" \"\" \"\" next.enum.test.\n"          \
	"next.enum.test. NAPTR 10 10 \"u\" \"E2U+sip\" \"!^.*$!sip:bob@host.test!\" .\n"   \
	ZONE_HOST

/* +1-555-0102: a -> b -> a. */
#define ZONE_E164_LOOP                                                                \
	"2.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 10 \"\" \"\" \"\" a.loop.test.\n"             \
	"a.loop.test. NAPTR 10 10 \"\" \"\" \"\" b.loop.test.\n"                           \
	"b.loop.test. NAPTR 10 10 \"\" \"\" \"\" a.loop.test.\n" ZONE_HOST

/* +1-555-0103: six non-terminal hops before the terminal rule. */
#define ZONE_E164_HOPS                                                                \
	"3.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 10 \"\" \"\" \"\" h1.hop.test.\n"             \
	"h1.hop.test. NAPTR 10 10 \"\" \"\" \"\" h2.hop.test.\n"                           \
	"h2.hop.test. NAPTR 10 10 \"\" \"\" \"\" h3.hop.test.\n"                           \
	"h3.hop.test. NAPTR 10 10 \"\" \"\" \"\" h4.hop.test.\n"                           \
	"h4.hop.test. NAPTR 10 10 \"\" \"\" \"\" h5.hop.test.\n"                           \
	"h5.hop.test. NAPTR 10 10 \"\" \"\" \"\" h6.hop.test.\n"                           \
	"h6.hop.test. NAPTR 10 10 \"u\" \"E2U+sip\" \"!^.*$!sip:far@host.test!\" .\n"      \
	ZONE_HOST

/* +1-555-0104: ORDER 20 after ORDER 10; in ORDER 10, preference 5 first; the
 * first URI's host has no address. */
#define ZONE_E164_ORDER                                                               \
	"4.0.1.0.5.5.5.1.e164.arpa. NAPTR 20 1 \"u\" \"E2U+sip\" "                         \
	"\"!^.*$!sip:order20@host.test!\" .\n"                                             \
	"4.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 9 \"u\" \"E2U+sip\" "                         \
	"\"!^.*$!sip:pref9@host.test!\" .\n"                                               \
	"4.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 5 \"u\" \"E2U+sip\" "                         \
	"\"!^.*$!sip:pref5@gone.test!\" .\n" ZONE_HOST

/* +1-555-0105: mail only. */
#define ZONE_E164_MAIL                                                                \
	"5.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 10 \"u\" \"E2U+email:mailto\" "               \
	"\"!^.*$!mailto:carol@host.test!\" .\n" ZONE_HOST

/* +1-555-0107 under two suffixes, an entry under the second only... */
#define ZONE_E164_SUFFIXES                                                            \
	";;suffix e164.one.test\n"                                                        \
	";;suffix e164.two.test\n"                                                        \
	"7.0.1.0.5.5.5.1.e164.two.test. NAPTR 10 10 \"u\" \"E2U+sip\" "                    \
	"\"!^.*$!sip:two@host.test!\" .\n" ZONE_HOST
/* ...and the first one's question fails. */
#define ZONE_E164_SUFFIX1_FAILS                                                       \
	ZONE_E164_SUFFIXES "7.0.1.0.5.5.5.1.e164.one.test. TXT \"rcode=2\"\n"

/* +1-555-0108: a non-terminal rule to a key whose question fails, then a
 * terminal rule of the same ORDER. */
#define ZONE_E164_NTFAIL                                                              \
	"8.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 10 \"\" \"\" \"\" broken.enum.test.\n"        \
	"8.0.1.0.5.5.5.1.e164.arpa. NAPTR 10 20 \"u\" \"E2U+sip\" "                        \
	"\"!^.*$!sip:after@host.test!\" .\n"                                               \
	"broken.enum.test. TXT \"rcode=2\"\n" ZONE_HOST

static const struct phase_case enum_cases[] = {
	{
		.name = "RFC 6116 §3.2, §5.1: a terminal E2U+sip rule, then RFC 3263",
		.zone = ZONE_E164_TERMINAL,
		.uri = "tel:+1-555-0100",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 0.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR host.test. NOERROR | 3 SRV _sip._udp.host.test. NXDOMAIN | "
			"3 SRV _sip._tcp.host.test. NXDOMAIN | 4 AAAA host.test. NOERROR | "
			"4 A host.test. NOERROR",
		.questions = 6, .waves = 4,
		.notes = "",
		.step_note = "no usable NAPTR record: SRV for each supported transport (RFC 3263 "
			"§4.1)",
		.enum_uris = "sip:alice@host.test",
		.verdicts = "selected | not-sip",
	},
	{
		.name = "RFC 6116 §3.1: a bare +E.164 number",
		.zone = ZONE_E164_TERMINAL,
		.uri = "+15550100",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 0.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR host.test. NOERROR | 3 SRV _sip._udp.host.test. NXDOMAIN | "
			"3 SRV _sip._tcp.host.test. NXDOMAIN | 4 AAAA host.test. NOERROR | "
			"4 A host.test. NOERROR",
		.questions = 6, .waves = 4,
		.notes = "",
		.step_note = "no SRV record: A/AAAA of host.test. over udp",
		.enum_uris = "sip:alice@host.test",
		.verdicts = "selected | not-sip",
	},
	{
		.name = "RFC 6116 §5.2.1: a non-terminal rule, then a terminal one",
		.zone = ZONE_E164_NONTERMINAL,
		.uri = "tel:+1-555-0101",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 1.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR next.enum.test. NOERROR | 3 NAPTR host.test. NOERROR | "
			"4 SRV _sip._udp.host.test. NXDOMAIN | "
			"4 SRV _sip._tcp.host.test. NXDOMAIN | 5 AAAA host.test. NOERROR | "
			"5 A host.test. NOERROR",
		.questions = 7, .waves = 5,
		.notes = "",
		.step_note = "1 rule at the next key",
		.enum_uris = "sip:bob@host.test",
		.verdicts = "selected | selected",
		.on_path = "1: 1.0.1.0.5.5.5.1.e164.arpa. 300 IN NAPTR 10 10 \"\" \"\" \"\" "
			"next.enum.test. | "
			"2: next.enum.test. 300 IN NAPTR 10 10 \"u\" \"E2U+sip\" "
			"\"!^.*$!sip:bob@host.test!\" . | "
			"6: host.test. 300 IN AAAA 2001:db8::20 | "
			"7: host.test. 300 IN A 192.0.2.20",
	},
	{
		.name = "RFC 6116 §5.2.1: non-terminal rules that loop",
		.zone = ZONE_E164_LOOP,
		.uri = "tel:+1-555-0102",
		.status = "loop",
		.targets = "",
		.steps = "1 NAPTR 2.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR a.loop.test. NOERROR | 3 NAPTR b.loop.test. NOERROR",
		.questions = 3, .waves = 3,
		.notes = "",
		.step_note = "a.loop.test. not followed: a loop (RFC 6116 §5.2.1)",
		.error = "the ENUM rules of +15550102 loop or hop too far (RFC 6116 §5.2.1)",
		.enum_uris = "",
		.verdicts = "invalid | invalid | invalid",
	},
	{
		.name = "RFC 6116 §5.2.1: more non-terminal hops than allowed",
		.zone = ZONE_E164_HOPS,
		.uri = "tel:+1-555-0103",
		.status = "loop",
		.targets = "",
		.steps = "1 NAPTR 3.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR h1.hop.test. NOERROR | 3 NAPTR h2.hop.test. NOERROR | "
			"4 NAPTR h3.hop.test. NOERROR | 5 NAPTR h4.hop.test. NOERROR | "
			"6 NAPTR h5.hop.test. NOERROR",
		.questions = 6, .waves = 6,
		.notes = "",
		.step_note = "h6.hop.test. not followed: more than 5 non-terminal hops: taken as "
			"a loop (RFC 6116 §5.2.1)",
		.error = "the ENUM rules of +15550103 loop or hop too far (RFC 6116 §5.2.1)",
		.enum_uris = "",
		.verdicts = "invalid | invalid | invalid | invalid | invalid | invalid",
	},
	{
		.name = "RFC 3403 §4.1: ORDER, then PREFERENCE; URIs tried in turn",
		.zone = ZONE_E164_ORDER,
		.uri = "tel:+1-555-0104",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 4.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR gone.test. NXDOMAIN | 3 NAPTR host.test. NOERROR | "
			"4 SRV _sip._udp.host.test. NXDOMAIN | "
			"4 SRV _sip._tcp.host.test. NXDOMAIN | 5 AAAA host.test. NOERROR | "
			"5 A host.test. NOERROR",
		.questions = 7, .waves = 5,
		.notes = "",
		.step_note = "gone.test. does not exist: nothing below it either (RFC 8020)",
		.enum_uris = "sip:pref5@gone.test | sip:pref9@host.test",
		.verdicts = "no-target | selected | not-reached",
	},
	{
		.name = "RFC 3402 §3.3 step 4: no enumservice the client uses",
		.zone = ZONE_E164_MAIL,
		.uri = "tel:+1-555-0105",
		.status = "not-found",
		.targets = "",
		.steps = "1 NAPTR 5.0.1.0.5.5.5.1.e164.arpa. NOERROR",
		.questions = 1, .waves = 1,
		.notes = "",
		.error = "gives a SIP URI of an enumservice this client uses (E2U+sip, "
			"E2U+voice:sip; RFC 3402 §3.3)",
		.enum_uris = "",
		.verdicts = "not-sip",
	},
	{
		.name = "RFC 6116 §3.2: no entry under the suffix",
		.zone = ZONE_HOST,
		.uri = "tel:+1-555-0106",
		.status = "not-found",
		.targets = "",
		.steps = "1 NAPTR 6.0.1.0.5.5.5.1.e164.arpa. NXDOMAIN",
		.questions = 1, .waves = 1,
		.notes = "",
		.step_note = "no ENUM entry here (NXDOMAIN)",
		.error = "+15550106 has no ENUM entry (6.0.1.0.5.5.5.1.e164.arpa. does not "
			"exist)",
		.enum_uris = "",
		.verdicts = "",
	},
	{
		.name = "RFC 6116 §3.2: suffixes in order, the first has no entry",
		.zone = ZONE_E164_SUFFIXES,
		.uri = "tel:+1-555-0107",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 7.0.1.0.5.5.5.1.e164.one.test. NXDOMAIN | "
			"1 NAPTR 7.0.1.0.5.5.5.1.e164.two.test. NOERROR | "
			"2 NAPTR host.test. NOERROR | 3 SRV _sip._udp.host.test. NXDOMAIN | "
			"3 SRV _sip._tcp.host.test. NXDOMAIN | 4 AAAA host.test. NOERROR | "
			"4 A host.test. NOERROR",
		.questions = 7, .waves = 4,
		.notes = "",
		.step_note = "no ENUM entry here (NXDOMAIN)",
		.enum_uris = "sip:two@host.test",
		.verdicts = "selected",
	},
	{
		.name = "RFC 6116 §3.2, RFC 3263 §7: suffixes in order, the first failed",
		.zone = ZONE_E164_SUFFIX1_FAILS,
		.uri = "tel:+1-555-0107",
		.status = "dns-failure",
		.targets = "",
		.steps = "1 NAPTR 7.0.1.0.5.5.5.1.e164.one.test. SERVFAIL | "
			"1 NAPTR 7.0.1.0.5.5.5.1.e164.two.test. NOERROR | "
			"1 CNAME 7.0.1.0.5.5.5.1.e164.one.test. SERVFAIL",
		.questions = 3, .waves = 1,
		.notes = "",
		.step_note = "no NAPTR record here",
		.error = "e164.one.test. NAPTR failed (SERVFAIL",
		.enum_uris = "",
		.verdicts = "",
	},
	{
		.name = "RFC 6116 §5.2.1: a non-terminal key that failed",
		.zone = ZONE_E164_NTFAIL,
		.uri = "tel:+1-555-0108",
		.status = "dns-failure",
		.targets = "",
		.steps = "1 NAPTR 8.0.1.0.5.5.5.1.e164.arpa. NOERROR | "
			"2 NAPTR broken.enum.test. SERVFAIL | "
			"2 CNAME broken.enum.test. SERVFAIL",
		.questions = 3, .waves = 2,
		.notes = "",
		.step_note = "asked after the SERVFAIL of broken.enum.test.",
		.error = "the next key of a non-terminal ENUM rule, failed (SERVFAIL",
		.enum_uris = "",
		.verdicts = "no-match | not-reached",
	},
	{
		.name = "RFC 6116 §3.2: the first suffix failed, the failure policy is fallback",
		.zone = ZONE_E164_SUFFIX1_FAILS,
		.uri = "tel:+1-555-0107",
		.status = "ok",
		.targets = "udp [2001:db8::20]:5060 | udp 192.0.2.20:5060",
		.steps = "1 NAPTR 7.0.1.0.5.5.5.1.e164.one.test. SERVFAIL | "
			"1 NAPTR 7.0.1.0.5.5.5.1.e164.two.test. NOERROR | "
			"1 CNAME 7.0.1.0.5.5.5.1.e164.one.test. SERVFAIL | "
			"2 NAPTR host.test. NOERROR | 3 SRV _sip._udp.host.test. NXDOMAIN | "
			"3 SRV _sip._tcp.host.test. NXDOMAIN | 4 AAAA host.test. NOERROR | "
			"4 A host.test. NOERROR",
		.questions = 8, .waves = 4,
		.notes = "the ENUM question 7.0.1.0.5.5.5.1.e164.one.test. NAPTR failed "
			"(SERVFAIL from the servers of /etc/resolv.conf (a SERVFAIL or "
			"REFUSED of the server, or no reply to any retry: libunbound reports "
			"them alike)): taken as no record, the failure policy is fallback",
		.step_note = "no NAPTR record here",
		.enum_uris = "sip:two@host.test",
		.verdicts = "selected",
		.setup = fallback,
	},
};

int main(void)
{
	for (size_t i = 0; i < sizeof(locate_cases) / sizeof(locate_cases[0]); i++)
		run_case(&locate_cases[i]);
	for (size_t i = 0; i < sizeof(enum_cases) / sizeof(enum_cases[0]); i++)
		run_case(&enum_cases[i]);
	return tap_done();
}
