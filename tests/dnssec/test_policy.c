/* test_policy.c - DNSSEC from end to end through the public API (RFC
 * 4035 §4.3 states, §5.5 bogus data; RFC 3263 §7, RFC 6116 §7): the
 * signed demo, the policies validate / require / off, trust anchor files, and
 * the zones mkzones.sh signs at test time (tampered, expired, stripped, without
 * an anchor, unsigned beside anchors, unsigned under an anchor). */
#define _GNU_SOURCE /* asprintf, mkdtemp */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolvsip.h"
#include "resolve_helpers.h"
#include "tap.h"

static char gen[64];      /* mkzones.sh output directory */
static char zones[128];   /* gen/zones */

static rsip_ctx *ctx_for(const char *dir, rsip_dnssec_policy policy)
{
	rsip_ctx *ctx = NULL;
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, dir) != RSIP_OK ||
	    rsip_ctx_set_dnssec_policy(ctx, policy) != RSIP_OK) {
		printf("Bail out! cannot serve %s: %s\n", dir, ctx ? rsip_ctx_errmsg(ctx) : "");
		exit(1);
	}
	rsip_ctx_set_seed(ctx, 1);
	return ctx;
}

/* The weakest and the strongest state over the steps, and over the targets. */
static void step_range(const rsip_result *res, rsip_dnssec *lo, rsip_dnssec *hi)
{
	*lo = RSIP_DNSSEC_SECURE;
	*hi = RSIP_DNSSEC_BOGUS;
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		rsip_dnssec d = rsip_result_step(res, i)->dnssec;
		*lo = d < *lo ? d : *lo;
		*hi = d > *hi ? d : *hi;
	}
}

static void target_range(const rsip_result *res, rsip_dnssec *lo, rsip_dnssec *hi)
{
	*lo = RSIP_DNSSEC_SECURE;
	*hi = RSIP_DNSSEC_BOGUS;
	for (size_t i = 0; i < rsip_result_target_count(res); i++) {
		rsip_dnssec d = rsip_result_target(res, i)->dnssec;
		*lo = d < *lo ? d : *lo;
		*hi = d > *hi ? d : *hi;
	}
}

/* The step asking qname/qtype, or NULL. */
static const rsip_step *find_step(const rsip_result *res, const char *qname,
				  const char *qtype)
{
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *st = rsip_result_step(res, i);
		if (strcmp(st->qname, qname) == 0 && st->qtype_name != NULL &&
		    strcmp(st->qtype_name, qtype) == 0)
			return st;
	}
	return NULL;
}

static bool contains(const char *s, const char *needle)
{
	return s != NULL && strstr(s, needle) != NULL;
}

static void test_demo(void)
{
	char dir[512];
	rsip_ctx *ctx;
	rsip_result *res;
	rsip_dnssec lo, hi;

	snprintf(dir, sizeof(dir), "%s/zones", TOP_SRCDIR);
	ctx = ctx_for(dir, RSIP_DNSSEC_POLICY_VALIDATE);
	res = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_status(res), RSIP_OK, "demo: resolves");
	step_range(res, &lo, &hi);
	is_int(lo, RSIP_DNSSEC_SECURE, "demo: every step is secure (zones/trust-anchors "
	       "loaded with the zones)");
	target_range(res, &lo, &hi);
	is_int(lo, RSIP_DNSSEC_SECURE, "demo: every target is secure");
	ok(rsip_result_target_count(res) == 3, "demo: three targets");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_SECURE, "demo: the chain is secure");
	rsip_result_free(res);
	is_int(rsip_ctx_set_dnssec_policy(ctx, RSIP_DNSSEC_POLICY_OFF), RSIP_E_INVALID,
	       "the policy cannot change once the context is in use");
	rsip_ctx_free(ctx);

	ctx = ctx_for(dir, RSIP_DNSSEC_POLICY_REQUIRE);
	res = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_status(res), RSIP_OK, "require: the signed demo resolves");
	is_int(rsip_result_target_count(res), 3, "require: all three targets");
	rsip_result_free(res);
	res = resolve(ctx, "sip:nobody@nonexistent.example");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_INSECURE, "require: an NXDOMAIN from "
	       "the unsigned root stub proves nothing: dnssec-insecure");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	ctx = ctx_for(dir, RSIP_DNSSEC_POLICY_OFF);
	res = resolve(ctx, "tel:+49-421-201-7028");
	is_int(rsip_result_status(res), RSIP_OK, "off: the demo resolves");
	step_range(res, &lo, &hi);
	ok(lo == RSIP_DNSSEC_INDETERMINATE && hi == RSIP_DNSSEC_INDETERMINATE,
	   "off: every step is indeterminate (no validator)");
	target_range(res, &lo, &hi);
	ok(lo == RSIP_DNSSEC_INDETERMINATE && hi == RSIP_DNSSEC_INDETERMINATE,
	   "off: every target is indeterminate");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_INDETERMINATE, "off: the chain is "
	       "indeterminate");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* tests/zones: unsigned, no anchor. */
	snprintf(dir, sizeof(dir), "%s/tests/zones", TOP_SRCDIR);
	ctx = ctx_for(dir, RSIP_DNSSEC_POLICY_REQUIRE);
	res = resolve(ctx, "sip:a@aonly.sip.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_INSECURE,
	       "require: an unsigned zone is refused (dnssec-insecure)");
	is_int(rsip_result_target_count(res), 0, "require: ...and gives no target");
	ok(contains(rsip_result_error(res), "aonly.sip.test. NAPTR"),
	   "require: the error names the refused question");
	rsip_result_free(res);
	/* RFC 3263 §4.1: a numeric host asks no question: nothing to refuse. */
	res = resolve(ctx, "sip:a@192.0.2.7");
	is_int(rsip_result_status(res), RSIP_OK, "require: a numeric host asks no question");
	is_int(rsip_result_target(res, 0)->dnssec, RSIP_DNSSEC_INDETERMINATE,
	       "a numeric host that no DNS answer led to is indeterminate");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void test_setters(void)
{
	rsip_ctx *ctx = NULL;
	char path[256], dir[128], *cmd = NULL;
	FILE *fp;

	rsip_ctx_new(&ctx);
	is_int(rsip_ctx_set_dnssec_policy(NULL, RSIP_DNSSEC_POLICY_OFF), RSIP_E_INVALID,
	       "set_dnssec_policy(NULL): invalid");
	is_int(rsip_ctx_set_dnssec_policy(ctx, (rsip_dnssec_policy)7), RSIP_E_CONFIG,
	       "set_dnssec_policy: 7 is no policy");
	is_int(rsip_ctx_add_trust_anchor_file(ctx, "/nonexistent/anchors"), RSIP_E_CONFIG,
	       "trust anchor: a missing file is refused");
	snprintf(path, sizeof(path), "%s/bad-anchor", gen);
	fp = fopen(path, "w");
	fputs("; comment\nexample.test. IN DS 1 13 2 "
	      "0000000000000000000000000000000000000000000000000000000000000000\n"
	      "example.test. IN A 192.0.2.1\n", fp);
	fclose(fp);
	is_int(rsip_ctx_add_trust_anchor_file(ctx, path), RSIP_E_CONFIG,
	       "trust anchor: an A record is refused (RFC 4035 §4.3: DS or DNSKEY)");
	ok(contains(rsip_ctx_errmsg(ctx), "line 3"), "trust anchor: the message names the "
	   "line (%s)", rsip_ctx_errmsg(ctx));
	snprintf(path, sizeof(path), "%s/empty-anchor", gen);
	fp = fopen(path, "w");
	fputs("; nothing\n", fp);
	fclose(fp);
	is_int(rsip_ctx_add_trust_anchor_file(ctx, path), RSIP_E_CONFIG,
	       "trust anchor: a file without records is refused");
	snprintf(path, sizeof(path), "%s/noanchor.ds", gen);
	is_int(rsip_ctx_add_trust_anchor_file(ctx, path), RSIP_OK,
	       "trust anchor: a DS file from ldns-keygen is read");
	rsip_ctx_free(ctx);

	/* A zones directory with a broken trust-anchors file. */
	snprintf(dir, sizeof(dir), "%s/badzones", gen);
	if (asprintf(&cmd, "mkdir -p '%s' && cp '%s/tests/zones/sip.test.zone' '%s/' && "
		     "echo 'sip.test. IN TXT x' > '%s/trust-anchors'", dir, TOP_SRCDIR, dir,
		     dir) < 0 || system(cmd) != 0)
		tap_diag("could not make %s", dir);
	free(cmd);
	rsip_ctx_new(&ctx);
	is_int(rsip_ctx_set_zones(ctx, dir), RSIP_E_CONFIG,
	       "zones: a trust-anchors file that is not DS/DNSKEY is refused");
	ok(contains(rsip_ctx_errmsg(ctx), "trust-anchors"), "zones: ...naming the file");
	rsip_ctx_free(ctx);
}

/* The five cases. */
static void test_cases(void)
{
	rsip_ctx *ctx = ctx_for(zones, RSIP_DNSSEC_POLICY_VALIDATE);
	rsip_result *res;
	const rsip_step *st;
	rsip_dnssec lo, hi;

	/* 1. A record changed after signing. */
	res = resolve(ctx, "sip:a@tampered.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS,
	       "tampered NAPTR: dnssec-bogus (RFC 4035 §5.5)");
	is_int(rsip_result_target_count(res), 0, "tampered NAPTR: no target");
	is_int(rsip_result_step_count(res), 1, "tampered NAPTR: no SRV fallback is asked (the "
	       "_sip._udp set would be a downgrade from TLS; RFC 3263 §7)");
	st = rsip_result_step(res, 0);
	is_int(st->dnssec, RSIP_DNSSEC_BOGUS, "tampered NAPTR: the step is bogus");
	ok(contains(st->why_bogus, "tampered.test. NAPTR"),
	   "tampered NAPTR: why_bogus names the RRset (%s)", st->why_bogus);
	ok(contains(rsip_result_error(res), st->why_bogus ? st->why_bogus : "?"),
	   "tampered NAPTR: the error carries why_bogus");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_BOGUS, "tampered NAPTR: the chain is bogus");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@addr.tampered.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS,
	       "tampered A of one SRV target: dnssec-bogus");
	is_int(rsip_result_target_count(res), 0, "tampered A: not even the intact target is "
	       "given");
	st = find_step(res, "h1.addr.tampered.test.", "A");
	ok(st && st->dnssec == RSIP_DNSSEC_BOGUS && st->why_bogus != NULL,
	   "tampered A: that step is bogus, with why_bogus");
	st = find_step(res, "h2.addr.tampered.test.", "A");
	ok(st == NULL || st->dnssec == RSIP_DNSSEC_SECURE, "tampered A: the other target's "
	   "A is secure, asked or from the secure SRV answer's additional section");
	rsip_result_free(res);

	/* 2. An expired signature. */
	res = resolve(ctx, "sip:a@expired.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS, "expired signature: dnssec-bogus");
	st = rsip_result_step(res, 0);
	ok(st && contains(st->why_bogus, "expired"), "expired signature: why_bogus says so (%s)",
	   st ? st->why_bogus : "");
	rsip_result_free(res);

	/* An RRSIG removed: libunbound answers SERVFAIL (DNSSEC-lame). */
	res = resolve(ctx, "sip:a@stripped.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS, "RRSIG removed: dnssec-bogus, "
	       "not a mere dns-failure");
	st = find_step(res, "h1.stripped.test.", "A");
	ok(st && st->dnssec == RSIP_DNSSEC_BOGUS && contains(st->why_bogus, "trust anchor"),
	   "RRSIG removed: the A step is bogus, why_bogus names the anchor");
	st = find_step(res, "h1.stripped.test.", "AAAA");
	ok(st && st->dnssec == RSIP_DNSSEC_SECURE, "RRSIG removed: h1's AAAA NODATA is still "
	   "secure (its NSEC is signed)");
	rsip_result_free(res);

	/* 3. A signed zone without an anchor. */
	res = resolve(ctx, "sip:a@noanchor.test");
	is_int(rsip_result_status(res), RSIP_OK, "signed, no anchor: resolves");
	step_range(res, &lo, &hi);
	ok(lo == RSIP_DNSSEC_INSECURE && hi == RSIP_DNSSEC_INSECURE,
	   "signed, no anchor: every step is insecure");
	is_int(rsip_result_target(res, 0)->dnssec, RSIP_DNSSEC_INSECURE,
	       "signed, no anchor: the target is insecure");
	rsip_result_free(res);

	/* 4. Unsigned beside anchors, and unsigned under an anchor. */
	res = resolve(ctx, "sip:a@unsigned.test");
	is_int(rsip_result_status(res), RSIP_OK, "unsigned beside anchors: resolves");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_INSECURE,
	       "unsigned beside anchors: insecure (no anchor covers it)");
	rsip_result_free(res);
	res = resolve(ctx, "sip:a@anchored.test");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS,
	       "unsigned under an anchor: bogus (RFC 4035 §5: signatures expected)");
	st = rsip_result_step(res, 0);
	ok(st && contains(st->why_bogus, "trust anchor"), "unsigned under an anchor: "
	   "why_bogus (%s)", st ? st->why_bogus : "");
	rsip_result_free(res);

	/* ENUM: the answers that chose the URI count for its targets. */
	res = resolve(ctx, "+15550200001");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_SECURE, "ENUM to a signed zone: secure");
	rsip_result_free(res);
	res = resolve(ctx, "+15550200002");
	is_int(rsip_result_status(res), RSIP_OK, "ENUM to an unanchored zone: resolves");
	is_int(rsip_result_step(res, 0)->dnssec, RSIP_DNSSEC_SECURE,
	       "ENUM to an unanchored zone: the ENUM step is secure");
	is_int(rsip_result_target(res, 0)->dnssec, RSIP_DNSSEC_INSECURE,
	       "ENUM to an unanchored zone: the target is insecure (weakest link)");
	rsip_result_free(res);
	res = resolve(ctx, "+15550200004");
	is_int(rsip_result_target(res, 0)->dnssec, RSIP_DNSSEC_SECURE,
	       "ENUM to a numeric host: the target has the ENUM answer's state");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* A second anchor file, as --trust-anchor. */
	ctx = ctx_for(zones, RSIP_DNSSEC_POLICY_VALIDATE);
	{
		char path[256];
		snprintf(path, sizeof(path), "%s/noanchor.ds", gen);
		rsip_ctx_add_trust_anchor_file(ctx, path);
	}
	res = resolve(ctx, "sip:a@noanchor.test");
	is_int(rsip_result_dnssec(res), RSIP_DNSSEC_SECURE,
	       "signed, anchor given separately: secure");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* No fallback to another ENUM suffix past a bogus answer. */
	ctx = ctx_for(zones, RSIP_DNSSEC_POLICY_VALIDATE);
	rsip_ctx_add_enum_suffix(ctx, "e164.arpa");
	rsip_ctx_add_enum_suffix(ctx, "enum.test");
	res = resolve(ctx, "+15550200003");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS, "ENUM record changed after "
	       "signing: dnssec-bogus, although enum.test. holds a good entry");
	is_int(rsip_result_target_count(res), 0, "...and no target from the other suffix");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* Require: bogus wins over insecure, whatever order the answers come. */
	ctx = ctx_for(zones, RSIP_DNSSEC_POLICY_REQUIRE);
	rsip_ctx_add_enum_suffix(ctx, "unsigned.test");
	rsip_ctx_add_enum_suffix(ctx, "e164.arpa");
	res = resolve(ctx, "+15550200003");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_BOGUS, "require: an insecure and a "
	       "bogus answer in one wave give dnssec-bogus");
	rsip_result_free(res);
	res = resolve(ctx, "+15550200002");
	is_int(rsip_result_status(res), RSIP_E_DNSSEC_INSECURE,
	       "require: ENUM leading to an unanchored zone: dnssec-insecure");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* Off: validation ignored, the tampered data is used. */
	ctx = ctx_for(zones, RSIP_DNSSEC_POLICY_OFF);
	res = resolve(ctx, "sip:a@addr.tampered.test");
	is_int(rsip_result_status(res), RSIP_OK, "off: the tampered zone resolves");
	ok(rsip_result_target_count(res) > 0 &&
	   strcmp(rsip_result_target(res, 0)->address, "192.0.2.66") == 0,
	   "off: ...to the tampered address");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

int main(void)
{
	char tmpl[] = "/tmp/rsip-policy-XXXXXX", *cmd;

	if (mkdtemp(tmpl) == NULL || asprintf(&cmd, "sh '%s/tests/dnssec/mkzones.sh' '%s' "
					      ">/dev/null", TOP_SRCDIR, tmpl) < 0 ||
	    system(cmd) != 0) {
		printf("Bail out! mkzones.sh could not sign the test zones\n");
		return 1;
	}
	free(cmd);
	snprintf(gen, sizeof(gen), "%s", tmpl);
	snprintf(zones, sizeof(zones), "%s/zones", tmpl);
	test_demo();
	test_setters();
	test_cases();
	if (asprintf(&cmd, "rm -rf '%s'", tmpl) >= 0) {
		if (system(cmd) != 0)
			tap_diag("could not remove %s", tmpl);
		free(cmd);
	}
	return tap_done();
}
