/* test_additional.c - what libunbound leaves in the additional section of an
 * answer, and the DNSSEC state the engine gives those records (RFC
 * 4035 §3.2.1, §4.3; RFC 2782 "Additional data").  White-box: one question
 * through the real query engine (query_ask) on zones signed at test time by
 * mkzones.sh, then dns_addresses() on the additional section and
 * answer_additional_dnssec(). */
#define _GNU_SOURCE /* asprintf, mkdtemp */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "tap.h"

static char zones[256];

struct probe {
	bool answered;
	rsip_dnssec dnssec;
	bool may_use;
	rsip_dnssec additional;
	int a_count;        /* A records of `host` in the additional section */
	char a_first[64];   /* the first of them */
	const char *host;
};

static void on_probe(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct probe *p = arg;
	struct dns_addr *addrs = NULL;
	size_t n = 0;
	bool ok = dns_addresses(a->pkt, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A, &addrs, &n,
				NULL) == RSIP_OK;
	p->answered = true;
	p->dnssec = a->dnssec;
	p->may_use = policy_may_use_additional(&r->policy);
	p->additional = answer_additional_dnssec(a);
	p->a_count = ok ? 0 : -1;
	for (size_t i = 0; i < n; i++) {
		if (addrs[i].v6 || rsip_strcasecmp(addrs[i].owner, p->host) != 0)
			continue;
		if (p->a_count++ == 0)
			snprintf(p->a_first, sizeof(p->a_first), "%s", addrs[i].addr);
	}
	dns_addrs_free(addrs, n);
}

static void probe_done(void *arg, rsip_result *res)
{
	*(bool *)arg = true;
	rsip_result_free(res);
}

/* Ask one SRV question with the given policy; the answer's additional
 * section is examined for host's A records. */
static struct probe ask_srv(rsip_dnssec_policy policy, const char *qname, const char *host)
{
	struct probe p;
	rsip_ctx *ctx = NULL;
	struct resolution *r;
	struct timespec started;
	bool done = false;

	memset(&p, 0, sizeof(p));
	p.host = host;
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, zones) != RSIP_OK ||
	    rsip_ctx_set_dnssec_policy(ctx, policy) != RSIP_OK) {
		printf("Bail out! cannot set up the context: %s\n", rsip_ctx_errmsg(ctx));
		exit(1);
	}
	pthread_mutex_lock(&ctx->lock);
	clock_gettime(CLOCK_MONOTONIC, &started);
	started.tv_sec += 60;
	if (ctx_start(ctx) != RSIP_OK ||
	    (r = resolution_new(ctx, qname, &started, probe_done, &done)) == NULL) {
		printf("Bail out! cannot start: %s\n", rsip_ctx_errmsg(ctx));
		exit(1);
	}
	if (query_ask(r, qname, LDNS_RR_TYPE_SRV, on_probe, &p) != RSIP_OK) {
		printf("Bail out! cannot ask %s\n", qname);
		exit(1);
	}
	pthread_mutex_unlock(&ctx->lock);
	rsip_ctx_wait(ctx);
	ok(done, "%s: the resolution ended", qname);
	rsip_ctx_free(ctx);
	return p;
}

int main(void)
{
	char tmpl[] = "/tmp/rsip-additional-XXXXXX", *cmd;
	struct probe p;

	if (mkdtemp(tmpl) == NULL || asprintf(&cmd, "sh '%s/tests/dnssec/mkzones.sh' '%s' "
					      ">/dev/null", TOP_SRCDIR, tmpl) < 0 ||
	    system(cmd) != 0) {
		printf("Bail out! mkzones.sh could not sign the test zones\n");
		return 1;
	}
	free(cmd);
	snprintf(zones, sizeof(zones), "%s/zones", tmpl);

	/* A secure SRV answer whose second target's A was changed after
	 * signing: libunbound drops that RRset from the additional section
	 * (val_check_nonsecure), the intact one stays, validated. */
	p = ask_srv(RSIP_DNSSEC_POLICY_VALIDATE, "_sip._udp.addr.tampered.test.",
		    "h1.addr.tampered.test.");
	ok(p.answered, "validate: the SRV answer is handed on");
	is_int(p.dnssec, RSIP_DNSSEC_SECURE, "validate: the SRV answer itself is secure");
	is_int(p.a_count, 0, "RFC 4035 §4.3: libunbound removes the tampered A record from "
	       "the additional section of a secure answer");
	p = ask_srv(RSIP_DNSSEC_POLICY_VALIDATE, "_sip._udp.addr.tampered.test.",
		    "h2.addr.tampered.test.");
	is_int(p.a_count, 1, "validate: the intact A record stays in the additional section");
	is_str(p.a_first, "192.0.2.2", "validate: ...with its address");
	is_int(p.additional, RSIP_DNSSEC_SECURE,
	       "validate: what stays beside a secure answer was validated: secure");
	ok(p.may_use, "validate: additional records may be used");

	/* An RRSIG removed: the unsigned A record is dropped too. */
	p = ask_srv(RSIP_DNSSEC_POLICY_VALIDATE, "_sip._udp.stripped.test.", "h1.stripped.test.");
	is_int(p.dnssec, RSIP_DNSSEC_SECURE, "stripped: the SRV answer is secure");
	is_int(p.a_count, 0, "RFC 4035 §3.2.1: an A record without its RRSIG is removed from "
	       "a secure answer's additional section");
	p = ask_srv(RSIP_DNSSEC_POLICY_VALIDATE, "_sip._udp.stripped.test.", "h2.stripped.test.");
	is_int(p.a_count, 1, "stripped: the signed A record of h2 stays");

	/* No anchor: nothing is validated, the records are all there. */
	p = ask_srv(RSIP_DNSSEC_POLICY_VALIDATE, "_sip._udp.noanchor.test.", "h1.noanchor.test.");
	is_int(p.dnssec, RSIP_DNSSEC_INSECURE, "no anchor: the SRV answer is insecure");
	is_int(p.a_count, 1, "no anchor: the additional A record is there");
	is_int(p.additional, RSIP_DNSSEC_INSECURE,
	       "no anchor: additional records beside an insecure answer share its state "
	       "(locate.c asks instead when an anchor covers their owner)");

	/* Off: no validator; the tampered record comes through. */
	p = ask_srv(RSIP_DNSSEC_POLICY_OFF, "_sip._udp.addr.tampered.test.",
		    "h1.addr.tampered.test.");
	is_int(p.dnssec, RSIP_DNSSEC_INDETERMINATE, "off: every state is indeterminate");
	is_str(p.a_first, "192.0.2.66", "off: the tampered A record is in the additional "
	       "section, unvalidated");
	is_int(p.additional, RSIP_DNSSEC_INDETERMINATE, "off: additional records are "
	       "indeterminate");
	ok(p.may_use, "off: additional records may be used");

	/* Require: the addresses are asked for and validated on their own. */
	p = ask_srv(RSIP_DNSSEC_POLICY_REQUIRE, "_sip._udp.good.test.", "h1.good.test.");
	is_int(p.dnssec, RSIP_DNSSEC_SECURE, "require: the secure SRV answer is handed on");
	ok(!p.may_use, "require: additional records are not used");

	if (asprintf(&cmd, "rm -rf '%s'", tmpl) >= 0) {
		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpl);
		free(cmd);
	}
	return tap_done();
}
