/* test_enum.c - enum.c: RFC 6116 §3.1-3.2 keys, §3.4.3 services, record checks (§3.3,
 * §3.4.2, §5.2, §5.2.1), RFC 3764 §4, RFC 3824 §7. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static char buf[300];

/* One check: the ENUM domain of aus under suffix is want. */
static void domain_is(const char *aus, const char *suffix, const char *want, const char *name)
{
	rsip_status st = enum_domain(aus, suffix, buf, sizeof(buf));

	if (st != RSIP_OK) {
		ok(0, "%s", name);
		tap_diag("  status %d", (int)st);
	} else {
		is_str(buf, want, "%s", name);
	}
}

/* One check: enum_domain refuses aus under suffix with RSIP_E_BAD_INPUT. */
static void domain_bad(const char *aus, const char *suffix, const char *name)
{
	rsip_status st;

	strcpy(buf, "junk");
	st = enum_domain(aus, suffix, buf, sizeof(buf));
	if (!ok(st == RSIP_E_BAD_INPUT && buf[0] == '\0', "%s", name))
		tap_diag("  status %d, out \"%s\"", (int)st, buf);
}

static void test_domain(void)
{
	char small[40], label[80], longsuffix[260];
	size_t need;

	/* RFC 6116 §3.2 */
	domain_is("+494212017028", "e164.arpa", "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.",
		  "RFC 6116 §3.2: the demo number under e164.arpa");
	domain_is("+494212017028", "e164.arpa.", "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.",
		  "RFC 6116 §3.2: a suffix with a trailing dot");
	domain_is("+442079460148", "e164.arpa", "8.4.1.0.6.4.9.7.0.2.4.4.e164.arpa.",
		  "RFC 6116 §3.2: +44-20-7946-0148");
	domain_is("+441632960083", "e164.arpa", "3.8.0.0.6.9.2.3.6.1.4.4.e164.arpa.",
		  "RFC 6116 §4: the $ORIGIN of the example");
	domain_is("+17705551212", "e164.arpa", "2.1.2.1.5.5.5.0.7.7.1.e164.arpa.",
		  "RFC 3403 §6.2: +1-770-555-1212");
	domain_is("+12025332600", "e164.arpa", "0.0.6.2.3.3.5.2.0.2.1.e164.arpa.",
		  "RFC 3824 §5.5: the example key");
	domain_is("+494212017028", "ie164.arpa", "8.2.0.7.1.0.2.1.2.4.9.4.ie164.arpa.",
		  "RFC 6116 §3.2: the apex is configurable (ie164.arpa, RFC 5526)");
	domain_is("+4", "E164.Arpa", "4.E164.Arpa.",
		  "RFC 6116 §3.2: one digit; the suffix is kept as given");
	domain_is("+123456789012345", "e164.arpa",
		  "5.4.3.2.1.0.9.8.7.6.5.4.3.2.1.e164.arpa.",
		  "RFC 6116 §3.1: 15 digits (the E.164 maximum)");
	domain_is("+49", "_enum.example-1.test", "9.4._enum.example-1.test.",
		  "RFC 6116 §3.2: an apex with '-' and '_'");

	/* the AUS: RFC 6116 §3.1, §3.7 */
	domain_bad("494212017028", "e164.arpa", "RFC 6116 §3.1: an AUS without '+' is refused");
	domain_bad("+", "e164.arpa", "RFC 6116 §3.1: '+' without digits is refused");
	domain_bad("", "e164.arpa", "RFC 6116 §3.1: an empty AUS is refused");
	domain_bad("+49-421", "e164.arpa", "RFC 6116 §3.1: separators are not in the AUS");
	domain_bad("+49a", "e164.arpa", "RFC 6116 §3.7: a hex digit is no E.164 digit");
	domain_bad("+49*1", "e164.arpa", "RFC 6116 §3.7: a dial string is refused");
	domain_bad("++49", "e164.arpa", "RFC 6116 §3.1: two '+' are refused");
	domain_bad("+1234567890123456", "e164.arpa",
		   "RFC 6116 §3.7: 16 digits are no E.164 number");
	domain_bad("+49 421", "e164.arpa", "RFC 6116 §3.1: a space is refused");

	/* the suffix */
	domain_bad("+49", ".", "RFC 6116 §3.2: the root is no ENUM apex");
	domain_bad("+49", "", "RFC 6116 §3.2: an empty suffix is refused");
	domain_bad("+49", "..", "RFC 1035 §2.3.4: '..' is refused");
	domain_bad("+49", ".e164.arpa", "RFC 1035 §2.3.4: a leading dot is refused");
	domain_bad("+49", "e164..arpa", "RFC 1035 §2.3.4: an empty label is refused");
	domain_bad("+49", "e164.arpa..", "RFC 1035 §2.3.4: two trailing dots are refused");
	domain_bad("+49", "e164 arpa", "RFC 1035 §2.3.1: a space in the suffix is refused");
	memset(label, 'a', 64);
	strcpy(label + 64, ".arpa");
	domain_bad("+49", label, "RFC 1035 §2.3.4: a 64-octet label is refused");
	strcpy(label + 63, ".arpa");
	is_int(enum_domain("+49", label, buf, sizeof(buf)), RSIP_OK,
	       "RFC 1035 §2.3.4: a 63-octet label is fine");
	/* 255-octet wire limit: 15 digits take 30, the apex 10 labels of 22 */
	longsuffix[0] = '\0';
	for (int i = 0; i < 10; i++)
		strcat(longsuffix, "aaaaaaaaaaaaaaaaaaaaa.");
	strcat(longsuffix, "arpa"); /* 10 * 22 + 4 = 224 characters */
	domain_bad("+123456789012345", longsuffix,
		   "RFC 1035 §3.1: a key of more than 255 octets is refused");
	is_int(enum_domain("+1", longsuffix, buf, sizeof(buf)), RSIP_OK,
	       "RFC 1035 §3.1: a long apex with a short number fits");

	/* the output buffer */
	need = strlen("8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.") + 1;
	is_int(enum_domain("+494212017028", "e164.arpa", small, need), RSIP_OK,
	       "API: an exactly fitting buffer is enough");
	is_str(small, "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.", "API: ... and holds the key");
	is_int(enum_domain("+494212017028", "e164.arpa", small, need - 1), RSIP_E_BAD_INPUT,
	       "API: one byte short is RSIP_E_BAD_INPUT");
	is_str(small, "", "API: ... and leaves an empty string");
	is_int(enum_domain("+494212017028", "e164.arpa", small, 0), RSIP_E_BAD_INPUT,
	       "API: outlen 0 is RSIP_E_BAD_INPUT");
	is_int(enum_domain(NULL, "e164.arpa", buf, sizeof(buf)), RSIP_E_INVALID,
	       "API: a NULL AUS is RSIP_E_INVALID");
	is_int(enum_domain("+49", NULL, buf, sizeof(buf)), RSIP_E_INVALID,
	       "API: a NULL suffix is RSIP_E_INVALID");
	is_int(enum_domain("+49", "e164.arpa", NULL, 10), RSIP_E_INVALID,
	       "API: a NULL buffer is RSIP_E_INVALID");
}

#define kind_is(services, want, name) \
	is_int(enum_service_classify(services, NULL), want, "%s", name)

static void test_services(void)
{
	char t32[64], t33[64];

	memset(t32, 0, sizeof(t32));
	memcpy(t32, "E2U+", 4);
	memset(t32 + 4, 'a', 32);
	memcpy(t33, t32, sizeof(t33));
	t33[36] = 'a';

	/* SIP: RFC 3764 §4, RFC 6116 §3.6 */
	kind_is("E2U+sip", ENUM_SERVICE_SIP, "RFC 3764 §4: E2U+sip");
	kind_is("e2u+SIP", ENUM_SERVICE_SIP, "RFC 6116 §3.6: e2u+SIP (case-insensitive)");
	kind_is("E2U+SIP", ENUM_SERVICE_SIP, "RFC 3764: legacy E2U+SIP");
	kind_is("E2U+Sip", ENUM_SERVICE_SIP, "RFC 6116 §3.6: mixed case");
	kind_is("E2U+voice:tel+sip", ENUM_SERVICE_SIP,
		"RFC 6116 §3.4.3: compound, sip second (read left to right)");
	kind_is("E2U+sip+voice:tel", ENUM_SERVICE_SIP, "RFC 6116 §3.4.3: compound, sip first");
	kind_is("E2U+p-x+sip", ENUM_SERVICE_SIP,
		"RFC 6116 §3.4.3: a private type is skipped, sip is kept");
	kind_is("E2U+sip:x", ENUM_SERVICE_SIP, "RFC 6116 §3.4.3: type sip with a subtype (AMBIG)");
	kind_is("sip+E2U", ENUM_SERVICE_SIP, "RFC 3824 §7: legacy sip+E2U");
	kind_is("SIP+e2u", ENUM_SERVICE_SIP, "RFC 3824 §7: legacy SIP+e2u");
	/* RFC 3402 §3.3 step 4: the default list also holds E2U+voice:sip */
	kind_is("E2U+voice:sip", ENUM_SERVICE_SIP, "RFC 3402 §3.3: E2U+voice:sip used by default");
	kind_is("E2U+VOICE:SIP", ENUM_SERVICE_SIP, "RFC 6116 §3.6: E2U+VOICE:SIP, any case");
	kind_is("E2U+voice:sip+video:sip", ENUM_SERVICE_SIP,
		"RFC 6116 §3.4.3: compound voice:sip+video:sip, one listed is enough");
	kind_is("E2U+video:sip+voice:sip", ENUM_SERVICE_SIP,
		"RFC 6116 §3.4.3: compound, the listed one second");

	/* OTHER: E2U without sip */
	kind_is("E2U+pres", ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: E2U+pres");
	kind_is("E2U+email:mailto", ENUM_SERVICE_OTHER, "RFC 6116 §4: E2U+email:mailto");
	kind_is("E2U+h323", ENUM_SERVICE_OTHER, "RFC 6116 §4: E2U+h323");
	kind_is("E2U+voice:tel", ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: voice:tel is no SIP");
	kind_is("E2U+pstn:sip", ENUM_SERVICE_OTHER,
		"RFC 4769: E2U+pstn:sip is not used by default (carriers' ENUM, opt-in)");
	kind_is("E2U+sips", ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: type sips is not sip");
	kind_is("E2U+p-x", ENUM_SERVICE_OTHER,
		"E2U+p-x (private, RFC 6116 §3.4.3) is skipped");
	kind_is("E2U+p-sip", ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: p-sip is private, not sip");
	kind_is("smtp+E2U", ENUM_SERVICE_OTHER, "RFC 3403 §6.2: legacy smtp+E2U");
	kind_is(t32, ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: a 32-character type");
	kind_is("E2U+a:b:c+d-e", ENUM_SERVICE_OTHER, "RFC 6116 §3.4.3: two subtypes");

	/* INVALID */
	kind_is("E2U+", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: E2U+");
	kind_is("E2U+sip:", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: E2U+sip:");
	kind_is("E2U", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: E2U needs one enumservice");
	kind_is(t33, ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: a 33-character type");
	kind_is("E2U+voice:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", ENUM_SERVICE_INVALID,
		"RFC 6116 §3.4.3: a 33-character subtype");
	kind_is("E2U++sip", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: an empty enumservice");
	kind_is("E2U+sip+", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: a trailing '+'");
	kind_is("E2U+sip ", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: a trailing space");
	kind_is("E2U+si_p", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: '_' is not allowed");
	kind_is("E2U+:x", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: a subtype needs a type");
	kind_is("E2U+voice::tel", ENUM_SERVICE_INVALID, "RFC 6116 §3.4.3: an empty subtype");
	kind_is("+E2U", ENUM_SERVICE_INVALID, "RFC 3403 §4.1: an empty first token");
	kind_is("SIP+D2U ", ENUM_SERVICE_INVALID, "RFC 3403 §4.1: a space in services");
	kind_is(NULL, ENUM_SERVICE_INVALID, "API: NULL services");

	/* NOT_E2U: RFC 6116 §3.7 */
	kind_is("SIP+D2U", ENUM_SERVICE_NOT_E2U, "RFC 6116 §3.7: SIP+D2U inside ENUM");
	kind_is("SIPS+D2T", ENUM_SERVICE_NOT_E2U, "RFC 3263 §4.1: SIPS+D2T");
	kind_is("http+N2L+N2C+N2R", ENUM_SERVICE_NOT_E2U, "RFC 3403 §6.1: http+N2L+N2C+N2R");
	kind_is("z3950+N2L+N2C", ENUM_SERVICE_NOT_E2U, "RFC 3403 §6.1: z3950+N2L+N2C");
	kind_is("", ENUM_SERVICE_NOT_E2U, "RFC 3403 §4.1: empty services (non-terminal)");
	kind_is("E2Ux+sip", ENUM_SERVICE_NOT_E2U, "RFC 6116 §3.4.3: E2Ux is not E2U");
	kind_is("sip+E2U+x", ENUM_SERVICE_NOT_E2U, "RFC 3824 §7: only sip+E2U is legacy");
}

static char err[RSIP_ERRLEN];

/* A caller's list of enumservices (RFC 3402 §3.3 step 4): what it accepts,
 * what it refuses and how it classifies. */
static void test_service_list(void)
{
	const char *pstn[] = {"E2U+sip", "e2u+PSTN:SIP"};
	const char *only_pstn[] = {"E2U+pstn:sip"};
	const char *bad_tel[] = {"E2U+sip", "E2U+tel"};
	const char *bad[] = {"", "sip", "E2U+voice:sip+video:sip", "E2U+voice:", "E2U+a:b:sip",
			     "E2U+email:mailto", "E2U+p-x", "E2U+sip ", "E2U+pstn:tel"};
	struct enum_services *use = NULL, *held;
	char text[128];

	is_int(enum_services_new(pstn, 2, &use, err, sizeof(err)), RSIP_OK,
	       "RFC 4769: E2U+sip,E2U+pstn:sip is a list a client may use");
	is_int(enum_service_classify("E2U+pstn:sip", use), ENUM_SERVICE_SIP,
	       "RFC 4769: E2U+pstn:sip is used when listed");
	is_int(enum_service_classify("e2u+Pstn:Sip", use), ENUM_SERVICE_SIP,
	       "RFC 6116 §3.6: listed and record compared without case");
	is_int(enum_service_classify("E2U+voice:sip", use), ENUM_SERVICE_OTHER,
	       "RFC 3402 §3.3: E2U+voice:sip is not used when the list leaves it out");
	is_int(enum_service_classify("E2U+sip:x", use), ENUM_SERVICE_SIP,
	       "RFC 3764 §4: an item without subtype takes the type with any subtype");
	is_int(enum_service_classify("sip+E2U", use), ENUM_SERVICE_SIP,
	       "RFC 3824 §7: the legacy sip+E2U is E2U+sip");
	is_int(enum_service_classify("E2U+pstn:tel", use), ENUM_SERVICE_OTHER,
	       "RFC 4769: pstn:tel is not pstn:sip");
	is_int(enum_service_classify("E2U+pstn:sip+email:mailto", use), ENUM_SERVICE_SIP,
	       "RFC 6116 §3.4.3: compound with a listed enumservice");
	is_int(enum_service_classify("E2U+pstn", use), ENUM_SERVICE_OTHER,
	       "RFC 4769: pstn without the subtype sip is not pstn:sip");
	is_str(enum_services_text(use, text, sizeof(text)), "E2U+sip, E2U+PSTN:SIP",
	       "the list for messages");
	held = enum_services_hold(use);
	ok(held == use, "hold gives the same list");
	enum_services_release(use);
	is_int(enum_service_classify("E2U+pstn:sip", held), ENUM_SERVICE_SIP,
	       "a held list outlives the first release");
	enum_services_release(held);

	is_int(enum_services_new(only_pstn, 1, &use, err, sizeof(err)), RSIP_OK,
	       "RFC 4769: a list of E2U+pstn:sip alone");
	is_int(enum_service_classify("E2U+sip", use), ENUM_SERVICE_OTHER,
	       "RFC 3402 §3.3: E2U+sip is not used when the list leaves it out");
	is_int(enum_service_classify("sip+E2U", use), ENUM_SERVICE_OTHER,
	       "RFC 3824 §7: ...nor its legacy form");
	enum_services_release(use);

	is_int(enum_services_new(NULL, 0, &use, err, sizeof(err)), RSIP_OK,
	       "an empty list is the default");
	ok(use == NULL, "...given as NULL");
	is_str(enum_services_text(NULL, text, sizeof(text)), "E2U+sip, E2U+voice:sip",
	       "the default list: E2U+sip, E2U+voice:sip");

	err[0] = '\0';
	is_int(enum_services_new(bad_tel, 2, &use, err, sizeof(err)), RSIP_E_CONFIG,
	       "RFC 3402 §3.3: E2U+tel gives no SIP URI: refused");
	ok(strstr(err, "'E2U+tel'") != NULL, "the reason names the bad item (%s)", err);
	ok(use == NULL, "nothing is made of a refused list");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		is_int(enum_services_new(&bad[i], 1, &use, err, sizeof(err)), RSIP_E_CONFIG,
		       "RFC 6116 §3.4.3: '%s' is refused", bad[i]);
		ok(bad[i][0] == '\0' ? strstr(err, "empty") != NULL : strstr(err, bad[i]) != NULL,
		   "...and the reason names it (%s)", err);
	}
	is_int(enum_services_new(NULL, 1, &use, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL list of 1 is RSIP_E_INVALID");
}

static struct ddds_rule rec(const char *flags, const char *services, const char *regexp,
			    const char *replacement)
{
	struct ddds_rule r;

	memset(&r, 0, sizeof(r));
	r.owner = (char *)"3.8.0.0.6.9.2.3.6.1.4.4.e164.arpa.";
	r.order = 100;
	r.preference = 10;
	r.flags = (char *)flags;
	r.services = (char *)services;
	r.regexp = (char *)regexp;
	r.replacement = (char *)replacement;
	return r;
}

/* One check: the ENUM record is valid, of this kind. */
static void rec_valid(struct ddds_rule r, enum enum_service_kind want, const char *name)
{
	struct ddds_subst *s = NULL;
	enum enum_service_kind kind;
	rsip_status st = enum_rule_check(&r, NULL, &kind, &s, err, sizeof(err));

	if (!ok(st == RSIP_OK && kind == want, "%s", name))
		tap_diag("  status %d, kind %d (want %d), err \"%s\"", (int)st, (int)kind,
			 (int)want, err);
	ddds_subst_free(s);
}

/* One check: the ENUM record is dropped with a reason holding needle. */
static void rec_invalid(struct ddds_rule r, const char *needle, const char *name)
{
	struct ddds_subst *s = NULL;
	enum enum_service_kind kind;
	rsip_status st = enum_rule_check(&r, NULL, &kind, &s, err, sizeof(err));

	if (!ok(st == RSIP_E_BAD_INPUT && s == NULL && strstr(err, needle) != NULL, "%s", name))
		tap_diag("  status %d, err \"%s\", want \"%s\"", (int)st, err, needle);
	ddds_subst_free(s);
}

static void test_records(void)
{
	struct ddds_cache_stats before, after;
	char t33[64];

	memcpy(t33, "E2U+", 4);
	memset(t33 + 4, 'a', 33);
	t33[37] = '\0';

	/* RFC 6116 §4, RFC 3403 §6.2 */
	rec_valid(rec("u", "E2U+sip", "!^(\\+441632960083)$!sip:\\1@example.com!", "."),
		  ENUM_SERVICE_SIP, "RFC 6116 §4: the E2U+sip record is valid");
	rec_valid(rec("u", "E2U+email:mailto", "!^.*$!mailto:info@example.com!", "."),
		  ENUM_SERVICE_OTHER, "RFC 6116 §4: the E2U+email:mailto record is valid");
	rec_valid(rec("u", "sip+E2U", "!^.*$!sip:information@foo.se!i", "."),
		  ENUM_SERVICE_SIP, "RFC 3403 §6.2: the old sip+E2U record is valid");
	rec_valid(rec("U", "e2u+SIP", "!^.*$!sip:a@b.example!", "."), ENUM_SERVICE_SIP,
		  "flag U and e2u+SIP (RFC 6116 §3.6: any case)");
	rec_valid(rec("u", "E2U+p-x+sip", "!^.*$!sip:a@b.example!", "."), ENUM_SERVICE_SIP,
		  "RFC 6116 §3.4.3: compound, the private type skipped");
	rec_valid(rec("", "", "", "nt.example."), ENUM_SERVICE_NOT_E2U,
		  "RFC 6116 §5.2.1: a non-terminal record with a replacement");
	rec_valid(rec("", "whatever junk!", "", "nt.example."), ENUM_SERVICE_NOT_E2U,
		  "RFC 6116 §5.2.1: a non-terminal record's services are ignored");

	/* RFC 6116 §3.4.2: flags */
	rec_invalid(rec("us", "E2U+sip", "!^.*$!sip:a@b!", "."), "not ENUM's",
		    "flags us are not ENUM's (RFC 6116 §3.4.2)");
	rec_invalid(rec("x", "E2U+sip", "!^.*$!sip:a@b!", "."), "RFC 6116 §3.4.2",
		    "RFC 6116 §3.4.2: flag x is not ENUM's");
	rec_invalid(rec("u ", "E2U+sip", "!^.*$!sip:a@b!", "."), "letters and digits",
		    "RFC 3403 §4.1: a space in flags");
	/* RFC 6116 §3.4.3: services */
	rec_invalid(rec("u", "E2U+", "!^.*$!sip:a@b!", "."), "RFC 6116 §3.4.3",
		    "RFC 6116 §3.4.3: services E2U+");
	rec_invalid(rec("u", "E2U+sip:", "!^.*$!sip:a@b!", "."), "RFC 6116 §3.4.3",
		    "RFC 6116 §3.4.3: services E2U+sip:");
	rec_invalid(rec("u", t33, "!^.*$!sip:a@b!", "."), "1 to 32",
		    "RFC 6116 §3.4.3: a 33-character type");
	rec_invalid(rec("u", "SIP+D2U", "!^.*$!sip:a@b!", "."), "not an E2U",
		    "SIP+D2U inside ENUM (RFC 6116 §3.7)");
	rec_invalid(rec("u", "", "!^.*$!sip:a@b!", "."), "not an E2U",
		    "RFC 6116 §3.7: a terminal record without services");
	/* RFC 3403 §4.1, RFC 6116 §5.2.1: regexp and replacement */
	rec_invalid(rec("u", "E2U+sip", "!^.*$!sip:a@b!", "x.example."), "mutually exclusive",
		    "RFC 3403 §4.1: regexp and replacement both set");
	rec_invalid(rec("u", "E2U+sip", "", "x.example."), "domain name is no URI",
		    "RFC 3764 §4: no Replacement with E2U+sip");
	rec_invalid(rec("u", "E2U+sip", "", "."), "neither",
		    "RFC 3403 §4.1: an empty regexp with a '.' replacement");
	rec_invalid(rec("", "", "!^.*$!x.example!", "."), "without a replacement",
		    "RFC 6116 §5.2.1: a non-terminal record needs a replacement");
	rec_invalid(rec("", "", "", "."), "without a replacement",
		    "RFC 6116 §5.2.1: a non-terminal record to '.' is discarded");
	rec_invalid(rec("", "", "!^.*$!x!", "nt.example."), "mutually exclusive",
		    "RFC 3403 §4.1: a non-terminal record with both set");
	/* RFC 3402 §3.2 through the record */
	rec_invalid(rec("u", "E2U+sip", "!^(a)(b)$!sip:\\5@x!", "."), "backreference \\5",
		    "RFC 3402 §3.2: \\5 with 2 groups");
	rec_invalid(rec("u", "E2U+sip", "!^.*$!sip:a@b!!", "."), "want 3",
		    "RFC 6116 §5.2: 4 delimiters");
	rec_invalid(rec("u", "E2U+sip", "!(?{})!x!", "."), "'(?'",
		    "RFC 3402 §3.2: (?{}) in a record");
	{
		struct ddds_rule r = rec("u", "E2U+sip", "!^.*$!sip:a@b!", ".");

		r.defect = (char *)"the regexp field holds a NUL octet";
		rec_invalid(r, "NUL", "RFC 6116 §5.2: a NUL octet drops the record");
	}

	/* the engine's path goes through the cache */
	ddds_cache_stats(&before);
	rec_valid(rec("u", "E2U+sip", "!^.*$!sip:cached@example.com!", "."), ENUM_SERVICE_SIP,
		  "a record checked once");
	rec_valid(rec("u", "E2U+sip", "!^.*$!sip:cached@example.com!", "."), ENUM_SERVICE_SIP,
		  "the same regexp checked again");
	ddds_cache_stats(&after);
	ok(after.misses - before.misses == 1 && after.hits - before.hits == 1,
	   "ENUM record checks compile a repeated regexp once");

	/* results: RFC 6116 §3.3, RFC 3764 §4 */
	is_int(enum_result_check(ENUM_SERVICE_SIP, "sip:+441632960083@example.com", err,
				 sizeof(err)), RSIP_OK, "RFC 6116 §4: the sip result is usable");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "mailto:info@example.com", err,
				 sizeof(err)), RSIP_OK, "RFC 6116 §4: mailto is an absolute URI");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "h323:operator@example.com", err,
				 sizeof(err)), RSIP_OK, "RFC 6116 §4: h323 is an absolute URI");
	is_int(enum_result_check(ENUM_SERVICE_SIP, "SIPS:a@b.example", err, sizeof(err)),
	       RSIP_OK, "RFC 3764 §4: a sips: URI, scheme in any case");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "not a uri", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 6116 §3.3: a result that is not a URI");
	ok(strstr(err, "absolute URI") != NULL, "RFC 6116 §3.3: ...is refused as no absolute URI");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "1tel:+1", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 3986 §3.1: a scheme starts with a letter");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "mailto:", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 3986 §4.3: a scheme alone is no URI");
	is_int(enum_result_check(ENUM_SERVICE_OTHER, "sip:caf\xc3\xa9@x", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 3986 §2: non-ASCII is no URI");
	is_int(enum_result_check(ENUM_SERVICE_SIP, "tel:+441632960083", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 3764 §4: E2U+sip giving tel: is refused");
	ok(strstr(err, "RFC 3764") != NULL, "RFC 3764 §4: ...naming the RFC");
	is_int(enum_result_check(ENUM_SERVICE_SIP, "sip:a@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
				 "aaaaaaaaaaaaaaaaaaaaaaaaaa.example", err, sizeof(err)),
	       RSIP_E_BAD_INPUT, "RFC 1035 §2.3.4: a SIP result with a 64-character label");
	ok(strstr(err, "63") != NULL, "RFC 1035 §2.3.4: ...is refused by the label limit");
	is_int(enum_result_check(ENUM_SERVICE_SIP, NULL, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL result is an invalid call");
	is_int(enum_rule_check(NULL, NULL, NULL, NULL, err, sizeof(err)), RSIP_E_INVALID,
	       "API: checking a NULL record is an invalid call");
	ddds_cache_clear();
}

int main(void)
{
	test_domain();
	test_services();
	test_service_list();
	test_records();
	return tap_done();
}
