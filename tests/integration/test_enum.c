/* test_enum.c - ENUM through rsip_resolve() on zones served in process: the RFC
 * examples (RFC 3403 §6.2, RFC 3764 §5, RFC 3824 §5.5, RFC 6116 §4)
 * and the adversarial NAPTR sets (RFC 3402 §3, RFC 3403 §4.1, RFC 6116 §3-§5.2.1,
 * RFC 4694, RFC 4759); the enumservices a client uses (RFC 3402 §3.3 step 4, RFC
 * 4769).  Zones: tests/zones/e164.arpa.zone, enum.test.zone, foo.se.zone. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolvsip.h"
#include "resolve_helpers.h"
#include "tap.h"

static rsip_ctx *new_ctx(uint64_t seed, const char *suffix1, const char *suffix2)
{
	rsip_ctx *ctx = NULL;
	char path[1024];

	snprintf(path, sizeof(path), "%s/tests/zones", TOP_SRCDIR);
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, path) != RSIP_OK) {
		printf("Bail out! cannot serve %s: %s\n", path, ctx ? rsip_ctx_errmsg(ctx) : "");
		exit(1);
	}
	rsip_ctx_set_seed(ctx, seed);
	if (suffix1 != NULL)
		rsip_ctx_add_enum_suffix(ctx, suffix1);
	if (suffix2 != NULL)
		rsip_ctx_add_enum_suffix(ctx, suffix2);
	return ctx;
}

static double elapsed_ms;

/* One check: record i has this verdict, a result containing result (NULL: no
 * check) and a reason containing reason (NULL: no check). */
static void rec_is(const rsip_result *res, size_t i, rsip_verdict verdict, const char *result,
		   const char *reason, const char *name)
{
	const rsip_naptr *n = rsip_result_enum_record(res, i);
	bool good = n != NULL && n->verdict == verdict &&
		    (result == NULL || (n->result != NULL && strstr(n->result, result))) &&
		    (reason == NULL || (n->reason != NULL && strstr(n->reason, reason)));

	if (!ok(good, "%s", name)) {
		if (n == NULL)
			tap_diag("  no record %zu", i);
		else
			tap_diag("  record %zu: %s %s \"%s\" -> %s %s (%s)", i, n->owner, n->flags,
				 n->services, rsip_verdict_name(n->verdict),
				 n->result ? n->result : "-", n->reason ? n->reason : "-");
	}
}

/* The RFC examples, resolved to the end. */
static void test_rfc_examples(void)
{
	rsip_ctx *ctx = new_ctx(1, NULL, NULL);
	rsip_result *res;

	res = resolve(ctx, "tel:+1-770-555-1212");
	is_int(rsip_result_status(res), RSIP_OK, "RFC 3403 §6.2: tel:+1-770-555-1212 resolves");
	is_str(rsip_result_enum_domain(res, 0), "2.1.2.1.5.5.5.0.7.7.1.e164.arpa.",
	       "RFC 3403 §6.2: the key 2.1.2.1.5.5.5.0.7.7.1.e164.arpa.");
	rec_is(res, 0, RSIP_VERDICT_SELECTED, "sip:information@foo.se", NULL,
	       "RFC 3403 §6.2, RFC 3824 §7: the old sip+E2U record is selected");
	rec_is(res, 1, RSIP_VERDICT_NOT_REACHED, NULL, "RFC 3403 §4.1",
	       "RFC 3403 §4.1: smtp+E2U (ORDER 102) is not reached after ORDER 100");
	is_str(rsip_result_uri(res), "sip:information@foo.se",
	       "RFC 3403 §6.2: the URI located is sip:information@foo.se");
	is_str(tgt(res, 0), "udp 192.0.2.60:5060", "RFC 3403 §6.2: ...down to foo.se's address");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+44-20-7946-0148");
	is_str(rsip_result_enum_domain(res, 0), "8.4.1.0.6.4.9.7.0.2.4.4.e164.arpa.",
	       "RFC 3764 §5: the key of +44-20-7946-0148");
	rec_is(res, 0, RSIP_VERDICT_SELECTED, "sip:edgar@", NULL,
	       "RFC 3764 §5: the E2U+sip record is selected");
	is_str(tgt(res, 0), "udp 192.0.2.71:5060", "RFC 3764 §5: ...and located");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-202-533-2600");
	is_str(rsip_result_enum_domain(res, 0), "0.0.6.2.3.3.5.2.0.2.1.e164.arpa.",
	       "RFC 3824 §5.5: the key 0.0.6.2.3.3.5.2.0.2.1.e164.arpa.");
	is_str(rsip_result_uri(res), "sip:phoneme@phoneme.enum.test",
	       "RFC 3824 §5.5: the E2U+sip URI is located");
	is_str(tgt(res, 0), "udp 192.0.2.72:5060", "RFC 3824 §5.5: ...down to an address");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+441632960083");
	rec_is(res, 0, RSIP_VERDICT_NO_TARGET, "sip:+441632960083@example.com", NULL,
	       "RFC 6116 §4: E2U+sip first (preference 50); example.com is not served");
	rec_is(res, 1, RSIP_VERDICT_NOT_SIP, "h323:operator@example.com", NULL,
	       "RFC 6116 §4: E2U+h323 second, not a SIP service");
	rec_is(res, 2, RSIP_VERDICT_NOT_SIP, "mailto:info@example.com", NULL,
	       "RFC 6116 §4: E2U+email:mailto third, not a SIP service");
	is_int(rsip_result_enum_uri_count(res), 1, "RFC 6116 §4: one SIP URI to try");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* Loops, hops and dead ends (RFC 6116 §5.2.1). */
static void test_nonterminal(void)
{
	rsip_ctx *ctx = new_ctx(1, NULL, NULL);
	rsip_result *res;

	res = resolve(ctx, "tel:+1-555-020-0001");
	is_int(rsip_result_status(res), RSIP_E_LOOP,
	       "RFC 6116 §5.2.1: a non-terminal rule to its own key is a loop");
	ok(elapsed_ms < 1000, "RFC 6116 §5.2.1: the self-reference ends in under a second "
	   "(%.1f ms)", elapsed_ms);
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "loops back",
	       "RFC 6116 §5.2.1: the self-referencing record says it loops");
	is_int(rsip_result_questions(res), 1, "RFC 6116 §5.2.1: the key is not asked again");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0002");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 6116 §5.2.1: after the loop A->B->A the referring set goes on");
	is_str(rsip_result_uri(res), "sip:afterloop@aonly.sip.test",
	       "RFC 6116 §5.2.1: ...to its next record");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "loop or hop too far",
	       "RFC 6116 §5.2.1: the record leading into the loop is skipped, and says why");
	rec_is(res, 2, RSIP_VERDICT_INVALID, "loopa.sip.test.", "loops back",
	       "RFC 6116 §5.2.1: the record closing the loop B->A is reported");
	rec_is(res, 3, RSIP_VERDICT_SELECTED, "sip:afterloop@", NULL,
	       "records of non-terminal keys are listed where they were "
	       "considered, the referring set's next record after them");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0003");
	is_int(rsip_result_status(res), RSIP_E_LOOP,
	       "RFC 6116 §5.2.1: 6 non-terminal hops count as a loop");
	ok(elapsed_ms < 1000, "RFC 6116 §5.2.1: ...found in under a second (%.1f ms)",
	   elapsed_ms);
	rec_is(res, 5, RSIP_VERDICT_INVALID, "c6.enum.test.", "more than 5",
	       "RFC 6116 §5.2.1: the 6th hop is not taken");
	is_int(rsip_result_questions(res), 6, "RFC 6116 §5.2.1: 6 NAPTR questions, c6 never asked");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0004");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 6116 §5.2.1: 5 non-terminal hops are followed");
	is_str(rsip_result_uri(res), "sip:chain@aonly.sip.test",
	       "RFC 6116 §5.2.1: ...to the terminal rule at c6");
	rec_is(res, 0, RSIP_VERDICT_SELECTED, "c2.enum.test.", "followed",
	       "the non-terminal record that led to the URI is selected");
	ok(rsip_result_step_count(res) > 5 &&
	   strcmp(rsip_result_step(res, 5)->qname, "c6.enum.test.") == 0 &&
	   rsip_result_step(res, 5)->qtype == 35,
	   "RFC 3403 §4.2: each next key is asked; the additional section is never required");
	is_int(rsip_result_enum_record_count(res), 6,
	       "every record on the path is listed (5 non-terminal, 1 terminal)");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0005");
	is_str(rsip_result_uri(res), "sip:after-nx@aonly.sip.test",
	       "RFC 6116 §5.2.1: a non-terminal rule to NXDOMAIN: the next record is used");
	rec_is(res, 0, RSIP_VERDICT_INVALID, "nx.enum.test.", "NXDOMAIN",
	       "RFC 6116 §5.2.1: the dead end is reported with NXDOMAIN");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0006");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 6116 §5.2.1: a lone non-terminal rule to NXDOMAIN: not found");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0007");
	is_str(rsip_result_uri(res), "sip:after-empty@aonly.sip.test",
	       "RFC 6116 §5.2.1: a non-terminal rule to a name without NAPTR: the next record");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "holds no NAPTR record",
	       "RFC 6116 §5.2.1: ...the dead end says the key is empty");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0008");
	is_str(rsip_result_uri(res), "sip:after-bad@aonly.sip.test",
	       "RFC 6116 §5.2.1: a non-terminal rule to only bad records: the next record");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "every record at bad.enum.test. was discarded",
	       "RFC 6116 §5.2.1: an all-discarded key is reported");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "want 3",
	       "RFC 6116 §5.2: the bad records of the next key are listed with their reason");
	rec_is(res, 2, RSIP_VERDICT_INVALID, NULL, "mutually exclusive",
	       "RFC 3403 §4.1: ...both of them");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0013");
	is_int(rsip_result_enum_uri_count(res), 2, "RFC 6116 §5.2: ORDER applies per RRset");
	is_str(rsip_result_enum_uri(res, 0), "sip:child@aonly.sip.test",
	       "RFC 6116 §5.2.1: the non-terminal rule's URIs come at its place");
	is_str(rsip_result_enum_uri(res, 1), "sip:parent@aonly.sip.test",
	       "RFC 6116 §5.2: the child's ORDER 100 does not stop the parent's ORDER 10");
	rec_is(res, 3, RSIP_VERDICT_NOT_REACHED, NULL, "RFC 3403 §4.1",
	       "RFC 3403 §4.1: the parent's ORDER 20 is not reached");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0014");
	is_str(rsip_result_uri(res), "sip:15550200014@aonly.sip.test",
	       "RFC 3402 §3: the rule at the next key applies to the original AUS");
	rsip_result_free(res);

	/* RFC 3402 §3.3 note 2 (AMBIG): rules live for one resolution only */
	res = resolve(ctx, "tel:+1-555-020-0014");
	ok(rsip_result_step_count(res) > 1 &&
	   strcmp(rsip_result_step(res, 0)->qname, "4.1.0.0.0.2.0.5.5.5.1.e164.arpa.") == 0 &&
	   strcmp(rsip_result_step(res, 1)->qname, "aus.enum.test.") == 0,
	   "RFC 3402 §3.3 note 2: a new resolution asks for the rules again (TTLs apply)");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* Malformed records, each dropped with its reason, the
 * good one used (RFC 6116 §5.2: one bad record never aborts the query). */
static void test_malformed(void)
{
	rsip_ctx *ctx = new_ctx(1, NULL, NULL);
	rsip_result *res;

	res = resolve(ctx, "tel:+1-555-020-0009");
	is_str(rsip_result_uri(res), "sip:good09@aonly.sip.test",
	       "RFC 6116 §5.2: three bad records, the good one is used");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "mutually exclusive",
	       "regexp and replacement both set (RFC 3403 §4.1)");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "neither",
	       "RFC 3403 §4.1: an empty regexp with a '.' replacement");
	rec_is(res, 2, RSIP_VERDICT_INVALID, NULL, "no URI",
	       "RFC 3764 §4: flag u with a replacement only (no Replacement with E2U+sip)");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0010");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.4.2",
	       "flags us are ignored (RFC 6116 §3.4.2)");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.4.2",
	       "RFC 6116 §3.4.2: flag x is ignored");
	rec_is(res, 2, RSIP_VERDICT_SELECTED, "sip:upper@", NULL,
	       "flag U is u (RFC 3403 §4.1: case-insensitive)");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0011");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.4.3", "RFC 6116 §3.4.3: E2U+");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.4.3", "RFC 6116 §3.4.3: E2U+sip:");
	rec_is(res, 2, RSIP_VERDICT_INVALID, NULL, "1 to 32",
	       "RFC 6116 §3.4.3: a 33-character type");
	rec_is(res, 3, RSIP_VERDICT_NOT_SIP, "sip:s13@", NULL,
	       "E2U+p-x is valid but skipped (RFC 6116 §3.4.3)");
	rec_is(res, 4, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.7",
	       "RFC 6116 §3.7: SIP+D2U inside ENUM is not ENUM's");
	rec_is(res, 5, RSIP_VERDICT_SELECTED, "sip:s15@", NULL,
	       "sip+E2U is accepted (RFC 3824 §7) and first");
	rec_is(res, 6, RSIP_VERDICT_FALLBACK, "sip:s16@", NULL,
	       "e2u+SIP is accepted (RFC 6116 §3.6)");
	rec_is(res, 7, RSIP_VERDICT_FALLBACK, "sip:s17@", NULL,
	       "RFC 6116 §3.4.3: a compound E2U+voice:tel+SIP, read left to right, is SIP");
	is_int(rsip_result_enum_uri_count(res), 3, "RFC 6116 §3.4.3: three SIP URIs to try");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0012");
	is_str(rsip_result_enum_uri(res, 0), "sip:first@aonly.sip.test",
	       "RFC 3403 §4.1: ORDER 0 PREFERENCE 0 first");
	is_str(rsip_result_enum_uri(res, 1), "sip:second@aonly.sip.test",
	       "RFC 3403 §4.1: ORDER 0 PREFERENCE 65535 second");
	rec_is(res, 2, RSIP_VERDICT_NOT_REACHED, NULL, NULL,
	       "ORDER 65535 is not reached (RFC 3403 §4.1)");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0023");
	is_str(rsip_result_uri(res), "sip:order20@aonly.sip.test",
	       "RFC 6116 §5.2: no rule of ORDER 10 matched: ORDER 20 is considered");
	rec_is(res, 0, RSIP_VERDICT_NO_MATCH, NULL, NULL,
	       "RFC 3402 §3.3: the ORDER 10 rule did not match the AUS");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0024");
	is_str(rsip_result_uri(res), "sip:+15550200024@aonly.sip.test;user=phone",
	       "RFC 3764 §4: E2U+sip gives a SIP AOR with the number in it");
	{
		int enum_questions = 0;

		for (size_t i = 0; i < rsip_result_step_count(res); i++)
			if (strstr(rsip_result_step(res, i)->qname, "e164.arpa.") != NULL)
				enum_questions++;
		ok(rsip_result_status(res) == RSIP_OK && enum_questions == 1,
		   "RFC 3824: a user=phone SIP URI is located, the ENUM "
		   "query is not repeated (%d ENUM question)", enum_questions);
	}
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0015");
	is_str(rsip_result_uri(res), "sip:good15@aonly.sip.test",
	       "RFC 6116 §5.2: unusable results are dropped, the good one is used");
	rec_is(res, 0, RSIP_VERDICT_INVALID, "not a uri", "absolute URI",
	       "a result that is not a URI (RFC 6116 §3.3)");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "63",
	       "RFC 1035 §2.3.4: a result with a 64-character label");
	rec_is(res, 2, RSIP_VERDICT_INVALID, "tel:", "RFC 3764 §4",
	       "RFC 3764 §4: E2U+sip must give sip: or sips:");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0017");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "backreference \\5",
	       "\\5 with 2 groups (RFC 3402 §3.2)");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "'(?'", "RFC 6116 §5.2: (?{})");
	is_str(rsip_result_uri(res), "sip:15550200017@AONLY.sip.test",
	       "RFC 3402 §3.2: a '#' delimiter, a trailing i, static text kept as written");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-020-0018");
	is_str(rsip_result_uri(res), "sip:good18@aonly.sip.test",
	       "RFC 6116 §5.2: NUL and high octets do not abort the set");
	rec_is(res, 0, RSIP_VERDICT_INVALID, NULL, "NUL",
	       "RFC 6116 §5.2: a NUL octet in the regexp drops the record");
	rec_is(res, 1, RSIP_VERDICT_INVALID, NULL, "UTF-8",
	       "RFC 6116 §5.2: an octet above 0x7F in the regexp (invalid UTF-8)");
	rec_is(res, 2, RSIP_VERDICT_INVALID, NULL, "RFC 6116 §3.4.3",
	       "RFC 6116 §5.2: an octet above 0x7F in the services");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* RFC 3764 §4, RFC 3824: random among equal ORDER and PREFERENCE,
 * reproducible with the seed. */
static void test_random_ties(void)
{
	int first[3] = {0, 0, 0}, same = 1, runs = 60;

	for (int s = 0; s < runs; s++) {
		rsip_ctx *a = new_ctx((uint64_t)s + 100, NULL, NULL);
		rsip_ctx *b = new_ctx((uint64_t)s + 100, NULL, NULL);
		rsip_result *ra = resolve(a, "tel:+1-555-020-0016");
		rsip_result *rb = resolve(b, "tel:+1-555-020-0016");
		const char *u = rsip_result_enum_uri(ra, 0);

		if (u != NULL && strlen(u) > 4 && u[4] >= 'a' && u[4] <= 'c')
			first[u[4] - 'a']++;
		if (rsip_result_enum_uri_count(ra) != 3 || rsip_result_enum_uri_count(rb) != 3)
			same = 0;
		for (size_t i = 0; same && i < 3; i++)
			same = strcmp(rsip_result_enum_uri(ra, i),
				      rsip_result_enum_uri(rb, i)) == 0;
		if (same)
			same = strcmp(rsip_result_uri(ra), rsip_result_enum_uri(ra, 0)) == 0;
		rsip_result_free(ra);
		rsip_result_free(rb);
		rsip_ctx_free(a);
		rsip_ctx_free(b);
	}
	ok(same, "RFC 3764 §4: the same seed gives the same order, the first URI is located");
	/* each has p = 1/3 of coming first; 60 runs: P(never) = (2/3)^60 < 1e-10 */
	ok(first[0] > 0 && first[1] > 0 && first[2] > 0,
	   "RFC 3764 §4: each of three equal records comes first sometimes (%d/%d/%d)",
	   first[0], first[1], first[2]);
	ok(first[0] + first[1] + first[2] == runs, "RFC 3764 §4: always one of the three first");
}

/* Suffixes in list order; RFC 4694, RFC 4759, RFC 6116 §3.7. */
static void test_suffixes_and_tel(void)
{
	rsip_ctx *ctx;
	rsip_result *res;

	ctx = new_ctx(1, "e164.arpa", "enum.test");
	res = resolve(ctx, "tel:+1-555-020-0021");
	is_str(rsip_result_uri(res), "sip:suffix2@aonly.sip.test",
	       "the first suffix gives no SIP URI, the second does");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "mailto:only-mail@", NULL,
	       "the first suffix's record is reported");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-020-0022");
	is_str(rsip_result_uri(res), "sip:e164@aonly.sip.test",
	       "both give one: the first in list order wins");
	rec_is(res, 1, RSIP_VERDICT_NOT_REACHED, NULL, "earlier ENUM suffix",
	       "the later suffix's record is not reached");
	is_int(rsip_result_step(res, 1)->wave, 1, "both suffixes asked at once");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	ctx = new_ctx(1, "enum.test", "e164.arpa");
	res = resolve(ctx, "tel:+1-555-020-0022");
	is_str(rsip_result_uri(res), "sip:enumtest@aonly.sip.test",
	       "the order of the list decides");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	ctx = new_ctx(1, NULL, NULL);
	res = resolve(ctx, "tel:+1-555-020-0019;npdi;rn=+1-555-020-0020");
	is_str(rsip_result_uri(res), "sip:number19@aonly.sip.test",
	       "RFC 4694 §5 (AMBIG): ENUM asks for the number, not the routing number");
	is_str(rsip_result_step(res, 0)->qname, "9.1.0.0.0.2.0.5.5.5.1.e164.arpa.",
	       "RFC 6116 §3.1: the AUS is the number");
	{
		bool asked_rn = false;

		for (size_t i = 0; i < rsip_result_step_count(res); i++)
			if (strcmp(rsip_result_step(res, i)->qname,
				   "0.2.0.0.0.2.0.5.5.5.1.e164.arpa.") == 0)
				asked_rn = true;
		ok(!asked_rn, "RFC 4694 §5: with npdi no dip: the rn's key is never asked");
	}
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-020-0019;cic=+1-555-020-0020");
	is_str(rsip_result_uri(res), "sip:number19@aonly.sip.test",
	       "RFC 4694 §4 (AMBIG): a cic does not change the ENUM key");
	rsip_result_free(res);
	res = resolve(ctx, "+15550200019");
	is_str(rsip_result_uri(res), "sip:number19@aonly.sip.test",
	       "a bare +E.164 number is ENUM input");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-020-0019;enumdi");
	is_int(rsip_result_questions(res), 0, "RFC 4759: ;enumdi asks no ENUM question");
	ok(rsip_result_error(res) != NULL && strstr(rsip_result_error(res), "RFC 4759"),
	   "RFC 4759: the result says why");
	rsip_result_free(res);
	res = resolve(ctx, "tel:555-0019;phone-context=+1-555-020");
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT,
	       "RFC 6116 §3.7: a local number is bad input for ENUM");
	ok(rsip_result_error(res) != NULL && strstr(rsip_result_error(res), "+1555020"),
	   "RFC 6116 §3.7: the error names the phone-context");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-020-0019;m-x=1");
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT,
	       "RFC 3966 §5.4: an unknown mandatory parameter: the URI is not used");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-020-0019-12345");
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT,
	       "RFC 3966 §5.1: 16 digits are a tel URI but no E.164 number for ENUM");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* RFC 3402 §3.3 step 4, RFC 3403 §4.1: a rule of an enumservice the client
 * does not use is passed over; the ORDER cut-off applies after the first
 * rule it uses.  Zone data: +1-555-030-00NN in tests/zones/e164.arpa.zone. */
static void test_passed_over(void)
{
	rsip_ctx *ctx = new_ctx(1, NULL, NULL);
	rsip_result *res;

	res = resolve(ctx, "tel:+1-555-030-0001");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 3402 §3.3 step 4: E2U+tel at ORDER 10 does not end the walk");
	is_str(rsip_result_uri(res), "sip:order25@aonly.sip.test",
	       "RFC 3402 §3.3 step 4: ...the E2U+sip URI at ORDER 25 is located");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "tel:+15550300001",
	       "enumservice E2U+tel is not one this client uses; the walk goes on (RFC 3402 §3.3)",
	       "RFC 3402 §3.3 step 4: the E2U+tel record says it was passed over for its service");
	rec_is(res, 1, RSIP_VERDICT_SELECTED, "sip:order25@", NULL,
	       "RFC 3403 §4.1: the ORDER 25 record is selected, not not-reached");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0002");
	is_str(rsip_result_uri(res), "sip:after-mail@aonly.sip.test",
	       "RFC 3402 §3.3 step 4: E2U+email:mailto at ORDER 10, E2U+sip at ORDER 25 used");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "mailto:info@enum.test", "E2U+email:mailto is not one",
	       "RFC 3402 §3.3 step 4: the mailto record is passed over, and says so");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0007");
	is_int(rsip_result_status(res), RSIP_OK,
	       "RFC 3402 §3.3 step 4: a non-terminal rule whose key gives only E2U+tel ends no "
	       "ORDER");
	is_str(rsip_result_uri(res), "sip:after-telonly@aonly.sip.test",
	       "RFC 3402 §3.3 step 4: ...the referring set's ORDER 20 E2U+sip is used");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "telonly.enum.test.", "no URI of an enumservice",
	       "RFC 3402 §3.3 step 4: the non-terminal record says why it gave nothing");
	rec_is(res, 1, RSIP_VERDICT_NOT_SIP, NULL, "E2U+tel is not one",
	       "RFC 3402 §3.3 step 4: the E2U+tel record of the next key is passed over");
	rec_is(res, 2, RSIP_VERDICT_SELECTED, "sip:after-telonly@", NULL,
	       "RFC 3403 §4.1: the ORDER 20 record is selected");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0008");
	is_str(rsip_result_uri(res), "sip:order10@aonly.sip.test",
	       "RFC 3403 §4.1: E2U+tel then E2U+sip in ORDER 10: the E2U+sip one is used");
	rec_is(res, 2, RSIP_VERDICT_NOT_REACHED, NULL, "another ORDER",
	       "RFC 3403 §4.1: ...and ORDER 20 is cut off after the first rule used");
	is_int(rsip_result_enum_uri_count(res), 1, "RFC 3403 §4.1: one SIP URI to try");
	rsip_result_free(res);

	/* The default list: E2U+sip and E2U+voice:sip. */
	res = resolve(ctx, "tel:+1-555-030-0003");
	is_str(rsip_result_uri(res), "sip:voice@aonly.sip.test",
	       "RFC 3402 §3.3: E2U+voice:sip is used by default");
	rec_is(res, 0, RSIP_VERDICT_SELECTED, "sip:voice@", NULL,
	       "RFC 3402 §3.3: ...its record is selected");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0006");
	is_str(rsip_result_uri(res), "sip:upper@aonly.sip.test",
	       "RFC 6116 §3.6: E2U+VOICE:SIP is compared without case");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0004");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 4769: E2U+pstn:sip is not used by default");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "sip:pstn@", "E2U+pstn:sip is not one this client",
	       "RFC 4769: the pstn:sip record is not-sip, passed over for its service");
	ok(rsip_result_error(res) && strstr(rsip_result_error(res), "E2U+sip, E2U+voice:sip"),
	   "RFC 3402 §3.3: the error names the enumservices used (%s)",
	   rsip_result_error(res) ? rsip_result_error(res) : "");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-030-0005");
	is_str(rsip_result_uri(res), "sip:compound@aonly.sip.test",
	       "RFC 6116 §3.4.3: the compound E2U+voice:sip+video:sip is used by default");
	rec_is(res, 0, RSIP_VERDICT_NOT_SIP, "sip:pstn05@", "not one this client uses",
	       "RFC 4769: the pstn:sip record of the same ORDER is passed over");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

static void on_async(void *arg, rsip_result *res)
{
	*(rsip_result **)arg = res;
}

/* The enumservices the caller chooses: rsip_ctx_set_enumservices(). */
static void test_set_enumservices(void)
{
	const char *pstn[] = {"E2U+sip", "e2u+PSTN:Sip"};
	const char *only_sip[] = {"E2U+SIP"};
	const char *bad[] = {"E2U+sip", "E2U+tel"};
	rsip_ctx *ctx = new_ctx(1, NULL, NULL);
	rsip_result *res, *early = NULL;

	is_int(rsip_ctx_set_enumservices(ctx, pstn, 2), RSIP_OK,
	       "RFC 4769: E2U+sip and E2U+pstn:sip may be chosen");
	res = resolve(ctx, "tel:+1-555-030-0004");
	is_str(rsip_result_uri(res), "sip:pstn@aonly.sip.test",
	       "RFC 4769: E2U+pstn:sip is used once chosen (listed in another case)");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-030-0005");
	is_str(rsip_result_uri(res), "sip:pstn05@aonly.sip.test",
	       "RFC 4769: ...first in its ORDER by preference");
	is_int(rsip_result_enum_uri_count(res), 1,
	       "RFC 3402 §3.3: the compound voice:sip+video:sip is not used when not chosen");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-030-0003");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 3402 §3.3: E2U+voice:sip is not used when the list leaves it out");
	rsip_result_free(res);

	is_int(rsip_ctx_set_enumservices(ctx, bad, 2), RSIP_E_CONFIG,
	       "RFC 3402 §3.3: E2U+tel gives no SIP URI: the list is refused");
	ok(strstr(rsip_ctx_errmsg(ctx), "'E2U+tel'") != NULL,
	   "RFC 3402 §3.3: the message names the bad item (%s)", rsip_ctx_errmsg(ctx));
	res = resolve(ctx, "tel:+1-555-030-0004");
	is_str(rsip_result_uri(res), "sip:pstn@aonly.sip.test",
	       "a refused list leaves the one before in force");
	rsip_result_free(res);
	is_int(rsip_ctx_set_enumservices(ctx, NULL, 1), RSIP_E_INVALID,
	       "API: a NULL list of 1 is RSIP_E_INVALID");
	is_int(rsip_ctx_set_enumservices(NULL, pstn, 2), RSIP_E_INVALID,
	       "API: a NULL context is RSIP_E_INVALID");

	is_int(rsip_ctx_set_enumservices(ctx, NULL, 0), RSIP_OK, "NULL, 0 restores the default");
	res = resolve(ctx, "tel:+1-555-030-0004");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 4769: ...and E2U+pstn:sip is no longer used");
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-030-0003");
	is_str(rsip_result_uri(res), "sip:voice@aonly.sip.test",
	       "RFC 3402 §3.3: ...and E2U+voice:sip is again");
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	/* A resolution keeps the list it started with: the NAPTR answer comes
	 * after the change (a fresh context: nothing is cached). */
	ctx = new_ctx(1, NULL, NULL);
	is_int(rsip_resolve_async(ctx, "tel:+1-555-030-0003", on_async, &early, NULL), RSIP_OK,
	       "a resolution under the default list starts");
	ok(early == NULL, "...and waits for its NAPTR answer");
	is_int(rsip_ctx_set_enumservices(ctx, only_sip, 1), RSIP_OK,
	       "the list changes while it is in flight");
	rsip_ctx_wait(ctx);
	ok(early != NULL && rsip_result_uri(early) != NULL &&
	   strcmp(rsip_result_uri(early), "sip:voice@aonly.sip.test") == 0,
	   "RFC 3402 §3.3: the resolution in flight used the list it started with "
	   "(E2U+voice:sip)");
	rsip_result_free(early);
	res = resolve(ctx, "tel:+1-555-030-0003");
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND,
	       "RFC 3402 §3.3: the next resolution uses the new list (E2U+sip only)");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

int main(void)
{
	test_rfc_examples();
	test_nonterminal();
	test_malformed();
	test_random_ties();
	test_suffixes_and_tel();
	test_passed_over();
	test_set_enumservices();
	return tap_done();
}
