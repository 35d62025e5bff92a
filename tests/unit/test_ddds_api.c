/* test_ddds_api.c - the public DDDS entry point rsip_ddds_apply(), through the installed
 * library: RFC 3403 §6.1 (URN) and §6.2, RFC 6116 §4 and §5.2, RFC 3402 §3.3, RFC 3403 §4.1. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "resolvsip.h"
#include "tap.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* "outcome:output" of outcome i, for compact checks. */
static const char *shown(const rsip_ddds_result *res, size_t i)
{
	static char buf[8][160];
	static int k;
	char *b = buf[k++ % 8];
	const char *out = rsip_ddds_result_output(res, i);

	snprintf(b, 160, "%s:%s", rsip_ddds_outcome_name(rsip_ddds_result_outcome(res, i)),
		 out ? out : "-");
	return b;
}

/* A tiny DDDS database: the rules bound to each key (RFC 3403 §6.1). */
struct db_key {
	const char *key;
	const rsip_ddds_rule *rules;
	size_t n;
};

static const rsip_ddds_rule cid_urn_arpa[] = {
	/* cid.urn.arpa. IN NAPTR 100 10 "" "" "!^urn:cid:.+@([^\.]+\.)(.*)$!\2!i" . */
	{100, 10, "", "", "!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i", "."},
};

static const rsip_ddds_rule example_com[] = {
	{100, 50, "a", "z3950+N2L+N2C", "", "cidserver.example.com."},
	{100, 50, "a", "rcds+N2C", "", "cidserver.example.com."},
	{100, 50, "s", "http+N2L+N2C+N2R", "", "www.example.com."},
};

static const struct db_key db[] = {
	{"cid.urn.arpa", cid_urn_arpa, N(cid_urn_arpa)},
	{"example.com", example_com, N(example_com)},
};

static const struct db_key *db_lookup(const char *key)
{
	for (size_t i = 0; i < N(db); i++)
		if (strcmp(db[i].key, key) == 0)
			return &db[i];
	return NULL;
}

/* The client of RFC 3403 §6.1 wants a resolver for the URN (N2R). */
static int wants_n2r(void *arg, const rsip_ddds_rule *rule, const char *output)
{
	int *calls = arg;

	(*calls)++;
	(void)output;
	return rule->services != NULL && strstr(rule->services, "N2R") != NULL;
}

static void test_urn_example(void)
{
	const char *aus = "urn:cid:199606121851.1@bar.example.com";
	const struct db_key *k;
	rsip_ddds_result *res = NULL;
	int calls = 0;

	/* First Well Known Rule: 'cid' + ".urn.arpa" (RFC 3403 §6.1) */
	k = db_lookup("cid.urn.arpa");
	is_int(rsip_ddds_apply(aus, k->rules, k->n, "SAUP", NULL, NULL, &res), RSIP_OK,
	       "RFC 3403 §6.1: the rule at cid.urn.arpa applies");
	is_int(rsip_ddds_result_count(res), 1, "RFC 3403 §6.1: one rule, one outcome");
	is_str(shown(res, 0), "non-terminal:example.com",
	       "RFC 3403 §6.1: empty flags, \\2 = example.com is the next key");
	ok(rsip_ddds_result_reason(res, 0) == NULL, "RFC 3403 §6.1: nothing to explain");

	/* RFC 3402 §3.3 step 5: the output is the next key */
	k = db_lookup(rsip_ddds_result_output(res, 0));
	ok(k != NULL, "RFC 3402 §3.3 step 5: the database holds rules at the next key");
	rsip_ddds_result_free(res);
	res = NULL;
	if (k == NULL)
		return;
	is_int(rsip_ddds_apply(aus, k->rules, k->n, "SAUP", NULL, NULL, &res), RSIP_OK,
	       "RFC 3403 §6.1: the rules at example.com apply");
	is_str(shown(res, 0), "terminal:cidserver.example.com.",
	       "RFC 3403 §6.1: z3950+N2L+N2C, flag a: cidserver.example.com.");
	is_str(shown(res, 1), "terminal:cidserver.example.com.",
	       "RFC 3403 §6.1: rcds+N2C, flag a: cidserver.example.com.");
	is_str(shown(res, 2), "terminal:www.example.com.",
	       "RFC 3403 §6.1: http+N2L+N2C+N2R, flag s: www.example.com.");
	ok(rsip_ddds_result_rule(res, 0) == 0 && rsip_ddds_result_rule(res, 1) == 1 &&
	   rsip_ddds_result_rule(res, 2) == 2,
	   "RFC 6116 §5.2: equal ORDER and PREFERENCE keep the order given");
	rsip_ddds_result_free(res);
	res = NULL;

	/* RFC 3402 §3.3 step 4: the client wants N2R */
	is_int(rsip_ddds_apply(aus, k->rules, k->n, "SAUP", wants_n2r, &calls, &res), RSIP_OK,
	       "RFC 3402 §3.3 step 4: with a service filter");
	is_str(shown(res, 0), "rejected:cidserver.example.com.",
	       "RFC 3402 §3.3 step 4: z3950+N2L+N2C is rejected");
	is_str(shown(res, 1), "rejected:cidserver.example.com.",
	       "RFC 3402 §3.3 step 4: rcds+N2C is rejected");
	is_str(shown(res, 2), "terminal:www.example.com.",
	       "RFC 3402 §3.3 step 4: http+N2L+N2C+N2R is the rule used");
	is_int(calls, 3, "RFC 3402 §3.3 step 4: the filter saw each rule with an output");
	rsip_ddds_result_free(res);
	res = NULL;

	/* RFC 3403 §6.1 as written in the master file has \\: that is no rule */
	{
		rsip_ddds_rule masterfile = {100, 10, "", "",
					     "!^urn:cid:.+@([^\\\\.]+\\\\.)(.*)$!\\\\2!i", "."};

		is_int(rsip_ddds_apply(aus, &masterfile, 1, NULL, NULL, NULL, &res),
		       RSIP_E_NOT_FOUND, "RFC 3403 §6.1: the master-file escaping is not "
		       "what a client receives");
		ok(rsip_ddds_result_outcome(res, 0) != RSIP_DDDS_NON_TERMINAL,
		   "RFC 3403 §6.1: ...and gives no key");
		rsip_ddds_result_free(res);
		res = NULL;
	}
}

static void test_enum_examples(void)
{
	static const rsip_ddds_rule rfc3403_62[] = {
		{100, 10, "u", "sip+E2U", "!^.*$!sip:information@foo.se!i", "."},
		{102, 10, "u", "smtp+E2U", "!^.*$!mailto:information@foo.se!i", "."},
	};
	static const rsip_ddds_rule rfc6116_4[] = {
		{100, 52, "u", "E2U+email:mailto", "!^.*$!mailto:info@example.com!", "."},
		{100, 50, "u", "E2U+sip", "!^(\\+441632960083)$!sip:\\1@example.com!", "."},
		{100, 51, "u", "E2U+h323", "!^\\+441632960083$!h323:operator@example.com!", "."},
	};
	rsip_ddds_result *res = NULL;

	is_int(rsip_ddds_apply("+17705551212", rfc3403_62, 2, "u", NULL, NULL, &res), RSIP_OK,
	       "RFC 3403 §6.2: the E.164 example applies");
	is_str(shown(res, 0), "terminal:sip:information@foo.se",
	       "RFC 3403 §6.2: ORDER 100 gives sip:information@foo.se");
	is_str(shown(res, 1), "not-reached:-",
	       "RFC 3403 §4.1: ORDER 102 is not considered after a match in ORDER 100");
	rsip_ddds_result_free(res);
	res = NULL;

	is_int(rsip_ddds_apply("+441632960083", rfc6116_4, 3, "u", NULL, NULL, &res), RSIP_OK,
	       "RFC 6116 §4: the example applies");
	is_str(shown(res, 0), "terminal:sip:+441632960083@example.com",
	       "RFC 6116 §4: preference 50 first: sip:+441632960083@example.com");
	is_str(shown(res, 1), "terminal:h323:operator@example.com",
	       "RFC 6116 §4: then h323:operator@example.com");
	is_str(shown(res, 2), "terminal:mailto:info@example.com",
	       "RFC 6116 §4: then mailto:info@example.com");
	ok(rsip_ddds_result_rule(res, 0) == 1 && rsip_ddds_result_rule(res, 1) == 2 &&
	   rsip_ddds_result_rule(res, 2) == 0,
	   "RFC 3403 §4.1: rsip_ddds_result_rule maps back to the caller's array");
	rsip_ddds_result_free(res);
}

static void test_validation(void)
{
	static const rsip_ddds_rule set[] = {
		/* ORDER 10: every record malformed, validated before ordering */
		{10, 10, "u", "E2U+sip", "!^.*$!sip:bad@x.example!!", "."},
		{10, 11, "u", "E2U+sip", "!^.*$!sip:a@x.example!", "x.example."},
		{10, 12, "us", "E2U+sip", "!^.*$!sip:a@x.example!", "."},
		{10, 13, "u!", "E2U+sip", "!^.*$!sip:a@x.example!", "."},
		{10, 14, "u", "E2U+sip", "!^(a)(b)$!\\5!", "."},
		{10, 15, "u", "E2U+sip", "", "."},
		{10, 16, "", "", "", "bad..name."},
		/* ORDER 20: the good record */
		{20, 10, "u", "E2U+sip", "!^.*$!sip:good@x.example!", "."},
		/* ORDER 30: not reached */
		{30, 10, "u", "E2U+sip", "!^.*$!sip:later@x.example!", "."},
	};
	static const char *const why[] = {
		"want 3", "mutually exclusive", "unknown flag 's'", "letters and digits",
		"backreference \\5", "neither", "not a domain name",
	};
	rsip_ddds_result *res = NULL;
	bool all = true;

	is_int(rsip_ddds_apply("+15550100001", set, N(set), "u", NULL, NULL, &res), RSIP_OK,
	       "RFC 6116 §5.2: malformed records never abort the set");
	for (size_t i = 0; i < N(why); i++) {
		const char *r = rsip_ddds_result_reason(res, i);

		if (rsip_ddds_result_outcome(res, i) != RSIP_DDDS_INVALID || r == NULL ||
		    strstr(r, why[i]) == NULL) {
			all = false;
			tap_diag("  outcome %zu: %s (%s), want invalid (%s)", i, shown(res, i),
				 r ? r : "no reason", why[i]);
		}
	}
	ok(all, "RFC 3403 §4.1: each malformed record is invalid, with its reason");
	is_str(shown(res, 7), "terminal:sip:good@x.example",
	       "RFC 6116 §5.2: the good record of ORDER 20 is used");
	is_str(shown(res, 8), "not-reached:-",
	       "RFC 3403 §4.1: invalid records are no match: ORDER 20 matched, 30 is not reached");
	rsip_ddds_result_free(res);
}

static int reject_all(void *arg, const rsip_ddds_rule *rule, const char *output)
{
	(void)arg;
	(void)rule;
	(void)output;
	return 0;
}

static void test_order_and_outcomes(void)
{
	static const rsip_ddds_rule edges[] = {
		{65535, 65535, "u", "E2U+sip", "!^.*$!sip:last@x.example!", "."},
		{0, 65535, "u", "E2U+sip", "!^.*$!sip:b@x.example!", "."},
		{0, 0, "u", "E2U+sip", "!^\\+44.*$!sip:uk@x.example!", "."},
		{0, 1, "u", "E2U+sip", "!^.*$!!", "."},
	};
	static const rsip_ddds_rule fallthrough[] = {
		{10, 10, "u", "E2U+pres", "!^.*$!pres:a@x.example!", "."},
		{20, 10, "u", "E2U+sip", "!^.*$!sip:a@x.example!", "."},
	};
	static const rsip_ddds_rule nulls[] = {
		{1, 1, NULL, NULL, NULL, "next.example."},
		{2, 1, NULL, NULL, NULL, NULL},
	};
	static const rsip_ddds_rule badkey[] = {
		{1, 1, "", "", "!^(.*)$!\\1 with spaces!", "."},
	};
	rsip_ddds_result *res = NULL;
	size_t i;

	is_int(rsip_ddds_apply("+15550100001", edges, N(edges), "u", NULL, NULL, &res), RSIP_OK,
	       "RFC 3403 §4.1: ORDER/PREFERENCE 0 and 65535");
	is_str(shown(res, 0), "no-match:-", "RFC 3402 §3.3: ORDER 0 PREF 0 first: no match");
	is_str(shown(res, 1), "no-match:-", "RFC 3402 §3.3: an empty result is no match");
	ok(rsip_ddds_result_reason(res, 1) && strstr(rsip_ddds_result_reason(res, 1), "empty"),
	   "RFC 3402 §3.3: ...and says so");
	is_str(shown(res, 2), "terminal:sip:b@x.example", "RFC 3403 §4.1: ORDER 0 PREF 65535");
	is_str(shown(res, 3), "not-reached:-", "RFC 3403 §4.1: ORDER 65535 is not reached");
	rsip_ddds_result_free(res);
	res = NULL;

	/* RFC 3402 §3.3 step 4: a rejected service is no match */
	is_int(rsip_ddds_apply("+1", fallthrough, 2, "u", NULL, NULL, &res), RSIP_OK,
	       "RFC 3403 §4.1: without a filter");
	is_str(shown(res, 1), "not-reached:-", "RFC 3403 §4.1: pres matched, ORDER 20 unseen");
	rsip_ddds_result_free(res);
	res = NULL;
	is_int(rsip_ddds_apply("+1", fallthrough, 2, "u", reject_all, NULL, &res),
	       RSIP_E_NOT_FOUND, "RFC 3402 §3.3 step 4: every service refused: not found");
	is_str(shown(res, 0), "rejected:pres:a@x.example",
	       "RFC 3402 §3.3 step 4: the refused rule keeps its output");
	is_str(shown(res, 1), "rejected:sip:a@x.example",
	       "RFC 3402 §3.3 step 4: a refusal is no match, ORDER 20 is considered");
	rsip_ddds_result_free(res);
	res = NULL;

	/* NULL fields: empty flags, no regexp; NULL replacement is none */
	is_int(rsip_ddds_apply("x", nulls, 2, NULL, NULL, NULL, &res), RSIP_OK,
	       "API: NULL fields are empty ones");
	is_str(shown(res, 0), "non-terminal:next.example.",
	       "RFC 3403 §4.1: a replacement rule without flags gives the next key");
	is_str(shown(res, 1), "invalid:-", "RFC 3403 §4.1: no regexp, no replacement: invalid");
	rsip_ddds_result_free(res);
	res = NULL;

	/* RFC 3403 §4.1: a non-terminal result must be a legal key */
	is_int(rsip_ddds_apply("a", badkey, 1, NULL, NULL, NULL, &res), RSIP_E_NOT_FOUND,
	       "RFC 3403 §4.1: a next key with spaces is no key");
	ok(rsip_ddds_result_outcome(res, 0) == RSIP_DDDS_INVALID &&
	   strstr(rsip_ddds_result_reason(res, 0), "legal domain name") != NULL,
	   "RFC 3403 §4.1: ...the rule is invalid, and says why");
	rsip_ddds_result_free(res);
	res = NULL;

	/* the API */
	is_int(rsip_ddds_apply("x", NULL, 0, NULL, NULL, NULL, &res), RSIP_E_NOT_FOUND,
	       "API: no rules: not found");
	is_int(rsip_ddds_result_count(res), 0, "API: ...with no outcome");
	rsip_ddds_result_free(res);
	res = (rsip_ddds_result *)&res;
	is_int(rsip_ddds_apply(NULL, edges, 1, NULL, NULL, NULL, &res), RSIP_E_INVALID,
	       "API: a NULL AUS is an invalid call");
	ok(res == NULL, "API: ...and *resp is NULL");
	is_int(rsip_ddds_apply("x", NULL, 1, NULL, NULL, NULL, &res), RSIP_E_INVALID,
	       "API: NULL rules with a count is an invalid call");
	is_int(rsip_ddds_apply("x", edges, 65536, NULL, NULL, NULL, &res), RSIP_E_INVALID,
	       "API: more than 65535 rules is an invalid call");
	is_int(rsip_ddds_apply("x", edges, 1, NULL, NULL, NULL, NULL), RSIP_E_INVALID,
	       "API: a NULL resp is an invalid call");
	ok(rsip_ddds_result_count(NULL) == 0 && rsip_ddds_result_output(NULL, 0) == NULL &&
	   rsip_ddds_result_reason(NULL, 0) == NULL &&
	   rsip_ddds_result_rule(NULL, 0) == (size_t)-1 &&
	   rsip_ddds_result_outcome(NULL, 0) == RSIP_DDDS_INVALID,
	   "API: accessors on NULL");
	rsip_ddds_result_free(NULL);
	for (i = 0; i <= RSIP_DDDS_REJECTED; i++)
		if (strcmp(rsip_ddds_outcome_name((rsip_ddds_outcome)i), "unknown") == 0)
			break;
	ok(i > RSIP_DDDS_REJECTED && strcmp(rsip_ddds_outcome_name(RSIP_DDDS_NON_TERMINAL),
					    "non-terminal") == 0,
	   "API: every outcome has a name");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* RFC 6116 §5.2: hostile expressions cost milliseconds, and a set of them
 * does not hide the good rule. */
static void test_hostile(void)
{
	rsip_ddds_rule set[41];
	char exprs[40][64], aus[64];
	rsip_ddds_result *res = NULL;
	double t0, dt;
	bool all = true;

	memset(aus, 'a', 40);
	aus[40] = '!';
	aus[41] = '\0';
	for (int i = 0; i < 40; i++) {
		/* forty different catastrophic patterns: no cache can help */
		snprintf(exprs[i], sizeof(exprs[i]), "!(a+)+%c?$!x!", 'b' + i % 20);
		if (i >= 20)
			snprintf(exprs[i], sizeof(exprs[i]), "!(a|aa)+%c?$!x!", 'b' + i % 20);
		set[i] = (rsip_ddds_rule){1, (uint16_t)i, "u", "E2U+x", exprs[i], "."};
	}
	set[40] = (rsip_ddds_rule){1, 100, "u", "E2U+x", "!^(a+)!ok:\\1!", "."};
	t0 = now();
	is_int(rsip_ddds_apply(aus, set, 41, NULL, NULL, NULL, &res), RSIP_OK,
	       "RFC 6116 §5.2: 40 catastrophic expressions and a good one");
	dt = now() - t0;
	for (int i = 0; i < 40; i++) {
		const char *r = rsip_ddds_result_reason(res, (size_t)i);

		if (rsip_ddds_result_outcome(res, (size_t)i) != RSIP_DDDS_INVALID ||
		    r == NULL || strstr(r, "limit") == NULL)
			all = false;
	}
	ok(all, "doc/DESIGN.md §2: each catastrophic expression stops at a pcre2 limit");
	ok(rsip_ddds_result_outcome(res, 40) == RSIP_DDDS_TERMINAL,
	   "RFC 6116 §5.2: the good rule after them is still used");
	ok(dt < 2.0, "doc/DESIGN.md §2: 40 catastrophic expressions take %.0f ms in all", dt * 1e3);
	rsip_ddds_result_free(res);
}

int main(void)
{
	test_urn_example();
	test_enum_examples();
	test_validation();
	test_order_and_outcomes();
	test_hostile();
	return tap_done();
}
