/* test_teluri.c - tel: URIs: parse, compare, AUS (RFC 3966, RFC 4694, RFC 4759, RFC 6116 §3). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static char err[RSIP_ERRLEN];

/* Parse in into *t, which is cleared first (it starts zeroed). */
static rsip_status parse(const char *in, struct tel_uri *t)
{
	tel_uri_clear(t);
	return tel_parse(in, t, err, sizeof(err));
}

static bool is_cleared(const struct tel_uri *t)
{
	return t->number == NULL && t->ext == NULL && t->isub == NULL &&
	       t->phone_context == NULL && t->rn == NULL && t->rn_context == NULL &&
	       t->cic == NULL && t->params == NULL && t->nparams == 0 && !t->npdi &&
	       !t->enumdi && !t->global;
}

/* A refused input: bad-input, the struct left cleared, and a message that
 * names the offending part (needle). */
static void bad(const char *in, const char *needle, const char *why)
{
	struct tel_uri t = {0};
	rsip_status rc = tel_parse(in, &t, err, sizeof(err));

	ok(rc == RSIP_E_BAD_INPUT && is_cleared(&t), "%s: \"%s\" is refused", why, in);
	if (!ok(err[0] != '\0' && strstr(err, needle) != NULL,
		"%s: the message names %s", why, needle))
		tap_diag("  message: %s", err);
	tel_uri_clear(&t);
}

/* tel_equal() of two parsed URIs. */
static void equal(const char *a, const char *b, bool want, const char *why)
{
	struct tel_uri ta = {0}, tb = {0};
	rsip_status ra = tel_parse(a, &ta, err, sizeof(err));
	rsip_status rb = tel_parse(b, &tb, err, sizeof(err));

	ok(ra == RSIP_OK && rb == RSIP_OK && tel_equal(&ta, &tb) == want &&
	   tel_equal(&tb, &ta) == want,
	   "%s: %s %s %s", why, a, want ? "==" : "!=", b);
	tel_uri_clear(&ta);
	tel_uri_clear(&tb);
}

static void test_global_numbers(void)
{
	struct tel_uri t = {0};

	is_int(parse("tel:+1-201-555-0123", &t), RSIP_OK,
	       "RFC 3966 §6: tel:+1-201-555-0123 parses");
	ok(t.global, "RFC 3966 §5.1.4: a leading '+' makes a global number");
	is_str(t.number, "+12015550123", "RFC 3966 §5.1.1: visual separators removed");
	ok(t.phone_context == NULL && t.nparams == 0 && t.ext == NULL,
	   "RFC 3966 §3: no parameters when none are given");
	is_str(err, "", "RFC 3966 §3: no message on success");

	is_int(parse("TEL:+1-201-555-0123", &t), RSIP_OK,
	       "RFC 3986 §3.1: the scheme is case-insensitive");
	is_str(t.number, "+12015550123", "RFC 3966 §3: TEL: gives the same number");

	is_int(parse("tel:+1-(201)-555.0123", &t), RSIP_OK,
	       "RFC 3966 §3: all of -.() are visual separators");
	is_str(t.number, "+12015550123", "RFC 3966 §5.1.1: -.() removed from the number");

	is_int(parse("+49-421-218-63941", &t), RSIP_OK,
	       "RFC 3966 §5.1.4: a bare '+' number is accepted");
	ok(t.global, "RFC 3966 §5.1.4: the bare number is global");
	is_str(t.number, "+4942121863941", "RFC 3966 §5.1.1: bare number without separators");

	is_int(parse("tel:+(1)", &t), RSIP_OK,
	       "RFC 3966 §3: separators may come right after '+'");
	is_str(t.number, "+1", "RFC 3966 §3: one digit is enough");

	is_int(parse("tel:+1%2D201%2e555", &t), RSIP_OK,
	       "RFC 3966 §3: an escaped separator equals the separator");
	is_str(t.number, "+1201555", "RFC 3966 §3: escaped separators removed too");

	/* RFC 3966 §5.1: no length limit; 16+ digits are valid tel URIs */
	is_int(parse("tel:+1234567890123456", &t), RSIP_OK,
	       "RFC 3966 §5.1: a 16-digit global number parses");
	is_str(t.number, "+1234567890123456", "RFC 3966 §5.1: all 16 digits kept");
	is_int(parse("tel:+12345678901234567890123456789012345678901", &t), RSIP_OK,
	       "RFC 3966 §5.1: a 41-digit global number parses");

	bad("tel:+", "digit", "RFC 3966 §3: tel:+ has no digit");
	bad("tel:+-.()", "digit", "RFC 3966 §3: separators alone are no global number");
	bad("+", "digit", "RFC 3966 §3: a bare '+' has no digit");
	bad("tel:+1 201 555 0123", "space", "RFC 3966 §5.1.1: spaces are not separators");
	bad("tel:+1 201 555 0123", "position 7", "RFC 3966 §5.1.1: the space's position");
	bad("+49 421", "space", "RFC 3966 §5.1.1: spaces in a bare number");
	bad("tel:+1-800-ABC", "'A'", "RFC 3966 §5.1.3: no hex digit in a global number");
	bad("tel:+1-800-ABC", "position 12", "RFC 3966 §5.1.3: the letter's position");
	bad("tel:+1*2", "'*'", "RFC 3966 §5.1.3: no '*' in a global number");
	bad("tel:+1/2", "'/'", "RFC 3966 §3: '/' is not a phonedigit");
	bad("tel:+1+2", "'+'", "RFC 3966 §3: '+' only leads a global number");
	bad("tel:%2B1234", "%2B", "RFC 3966 §3: the leading '+' must not be escaped");
	bad("tel:+1%2", "escape", "RFC 3966 §3: a cut percent escape");
	bad("tel:+1%zz", "escape", "RFC 3966 §3: a percent escape without hex digits");
	bad("tel:+1?x=y", "'?'", "RFC 3966 §3: no query part in a tel URI");
	bad("tel:", "number", "RFC 3966 §3: an empty subscriber");
	bad("sip:+1234@example.com", "tel:", "RFC 3966 §3: another scheme");
	bad("12015550123", "tel:", "RFC 3966 §5.1.4: a bare number needs its '+'");
	tel_uri_clear(&t);
	is_int(tel_parse(NULL, &t, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL input is an invalid call");
	tel_uri_clear(&t);
}

static void test_local_numbers(void)
{
	struct tel_uri t = {0};

	is_int(parse("tel:7042;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §6: tel:7042;phone-context=example.com parses");
	ok(!t.global, "RFC 3966 §5.1.5: no '+' makes a local number");
	is_str(t.number, "7042", "RFC 3966 §6: the local number is 7042");
	is_str(t.phone_context, "example.com", "RFC 3966 §5.1.5: domain phone-context kept");
	is_int(t.nparams, 0, "RFC 3966 §3: phone-context is not a generic parameter");

	is_int(parse("tel:863-1234;phone-context=+1-914-555", &t), RSIP_OK,
	       "RFC 3966 §6: tel:863-1234;phone-context=+1-914-555 parses");
	is_str(t.number, "8631234", "RFC 3966 §5.1.1: separators removed from a local number");
	is_str(t.phone_context, "+1914555",
	       "RFC 3966 §4: a global-digits phone-context loses its separators");

	is_int(parse("tel:911;phone-context=+1", &t), RSIP_OK,
	       "RFC 3966 §5.1.5: tel:911;phone-context=+1 parses");
	ok(!t.global, "RFC 3966 §5.1.5: 911 is local");
	is_str(t.phone_context, "+1", "RFC 3966 §5.1.5: context +1 kept");

	is_int(parse("tel:*21#;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §5.1.3: '*' and '#' in a local number");
	is_str(t.number, "*21#", "RFC 3966 §5.1.3: '*' and '#' kept");
	is_int(parse("tel:AbC-d;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §5.1.3: hex digits in a local number");
	is_str(t.number, "abcd", "RFC 3966 §4: hex digits lower-cased");
	is_int(parse("tel:%2321;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §3: an escaped '#' (%%23) in a local number");
	is_str(t.number, "#21", "RFC 3966 §3: %%23 decodes to '#'");

	is_int(parse("tel:1234;PHONE-CONTEXT=Example.COM.", &t), RSIP_OK,
	       "RFC 3966 §4: parameter names are case-insensitive");
	is_str(t.phone_context, "example.com",
	       "RFC 3966 §3: domain context lower-cased, trailing dot removed");
	is_int(parse("tel:1234;phone-context=example%2Ecom", &t), RSIP_OK,
	       "RFC 3966 §3: %%XX of an unreserved character in a context");
	is_str(t.phone_context, "example.com", "RFC 3966 §3: %%2E decodes to '.'");
	is_int(parse("tel:1234;phone-context=%2B1-914-555", &t), RSIP_OK,
	       "RFC 3966 §3: %%2B in a phone-context value");
	is_str(t.phone_context, "+1914555", "RFC 3966 §3: %%2B decodes to '+'");
	is_int(parse("tel:1234;phone-context=a", &t), RSIP_OK,
	       "RFC 3966 §3: a one-letter toplabel is a domain");
	is_int(parse("tel:1234;phone-context=1a.b-c.example", &t), RSIP_OK,
	       "RFC 3966 §3: domainlabels may start with a digit");
	is_int(parse("tel:1234;foo=bar;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §3: the context may follow other parameters when parsing");

	bad("tel:911", "phone-context", "RFC 3966 §5.1.5: a local number without context");
	bad("tel:7042;ext=1", "phone-context", "RFC 3966 §5.1.5: ext does not replace context");
	bad("tel:-;phone-context=example.com", "number",
	    "RFC 3966 §3: separators alone are no local number");
	bad("tel:12 34;phone-context=example.com", "space",
	    "RFC 3966 §5.1.1: no spaces in a local number");
	bad("tel:12g4;phone-context=example.com", "'g'",
	    "RFC 3966 §3: 'g' is not a hex digit");
	bad("tel:1234;phone-context=example.1com", "phone-context",
	    "RFC 3966 §3: a toplabel starts with a letter");
	bad("tel:1234;phone-context=example.com-", "phone-context",
	    "RFC 3966 §3: a label does not end with '-'");
	bad("tel:1234;phone-context=-a.com", "phone-context",
	    "RFC 3966 §3: a label does not start with '-'");
	bad("tel:1234;phone-context=a..com", "phone-context",
	    "RFC 3966 §3: no empty domain label");
	bad("tel:1234;phone-context=.", "phone-context", "RFC 3966 §3: '.' is no domain");
	bad("tel:1234;phone-context=+", "phone-context",
	    "RFC 3966 §3: a '+' context needs a digit");
	bad("tel:1234;phone-context=+1-a", "phone-context",
	    "RFC 3966 §3: a '+' context takes only digits");
	bad("tel:1234;phone-context=ex_ample.com", "phone-context",
	    "RFC 3966 §3: '_' is not in a domain label");
	bad("tel:1234;phone-context", "phone-context",
	    "RFC 3966 §3: phone-context needs a value");
	bad("tel:1234;phone-context=a.com;phone-context=b.com", "phone-context",
	    "RFC 3966 §3: phone-context at most once");
	tel_uri_clear(&t);
}

static void test_parameters(void)
{
	struct tel_uri t = {0};

	is_int(parse("tel:+1-201-555-0123;ext=1234", &t), RSIP_OK,
	       "RFC 3966 §3: ;ext= parses");
	is_str(t.ext, "1234", "RFC 3966 §3: ext value");
	is_int(parse("tel:+1-201-555-0123;ext=12-34", &t), RSIP_OK,
	       "RFC 3966 §3: ext with a separator");
	is_str(t.ext, "1234", "RFC 3966 §4: ext separators removed");
	is_int(parse("tel:+1-201-555-0123;ext=-", &t), RSIP_OK,
	       "RFC 3966 §3: ;ext=- is grammatical (1*phonedigit)");
	is_str(t.ext, "", "RFC 3966 §3: ;ext=- leaves an empty extension");
	bad("tel:+1-201-555-0123;ext=", "ext", "RFC 3966 §3: ;ext= needs a value");
	bad("tel:+1-201-555-0123;ext=12a", "ext", "RFC 3966 §3: ext takes only digits");
	bad("tel:+1-201-555-0123;ext", "ext", "RFC 3966 §3: ext without '='");

	is_int(parse("tel:+1-201-555-0123;isub=1411", &t), RSIP_OK, "RFC 3966 §5.2: isub parses");
	is_str(t.isub, "1411", "RFC 3966 §5.2: isub value");
	is_int(parse("tel:+1-201-555-0123;isub=%41b", &t), RSIP_OK,
	       "RFC 3966 §3: isub is percent-decoded");
	is_str(t.isub, "Ab", "RFC 3966 §3: %%41 decodes to 'A'");
	/* RFC 3966 errata 202/203: isub ends at the next ';' */
	is_int(parse("tel:+1-201-555-0123;isub=abc;foo=bar", &t), RSIP_OK,
	       "RFC 3966 errata 202/203: isub followed by a parameter");
	is_str(t.isub, "abc", "RFC 3966 errata 202/203: isub does not swallow ';'");
	ok(t.nparams == 1 && strcmp(t.params[0].name, "foo") == 0 &&
	   strcmp(t.params[0].value, "bar") == 0,
	   "RFC 3966 errata 202/203: the parameter after isub is its own");
	is_int(parse("tel:+1-201-555-0123;isub=a/b?c@d", &t), RSIP_OK,
	       "RFC 3966 §3: isub accepts the other uric characters");
	is_str(t.isub, "a/b?c@d", "RFC 3966 §3: isub keeps '/', '?' and '@'");
	bad("tel:+1-201-555-0123;isub=1;ext=2", "isub and ext",
	    "RFC 3966 §5.3: isub with ext");
	bad("tel:+1-201-555-0123;ext=2;isub=1", "isub and ext",
	    "RFC 3966 §5.3: ext with isub");
	bad("tel:+1-201-555-0123;isub=", "isub", "RFC 3966 §3: isub needs a value");

	/* unknown parameters: kept in input order, names lower-cased, values decoded */
	is_int(parse("tel:+1-201-555-0123;Zeta=Bar;alpha;Qux=%2B1%3b2", &t), RSIP_OK,
	       "RFC 3966 §3: unsorted, upper-case generic parameters parse");
	is_int(t.nparams, 3, "RFC 3966 §5.4: all three unknown parameters kept");
	if (t.nparams == 3) {
		is_str(t.params[0].name, "zeta", "RFC 3966 §4: name lower-cased, order kept");
		is_str(t.params[0].value, "Bar", "RFC 3966 §5.4: value forwarded unchanged");
		is_str(t.params[1].name, "alpha", "RFC 3966 §3: second parameter in input order");
		ok(t.params[1].value == NULL, "RFC 3966 §3: a parameter without '=' has no value");
		is_str(t.params[2].value, "+1;2", "RFC 3966 §3: %%2B and %%3b decoded");
	}
	is_int(parse("tel:+1-201-555-0123;x-y-1=a[]/:&+$-_.!~*'()", &t), RSIP_OK,
	       "RFC 3966 §3: every paramchar is accepted in a value");

	/* AMBIG: phone-context on a global number is a generic parameter */
	is_int(parse("tel:+1-201-555-0123;phone-context=example.com", &t), RSIP_OK,
	       "RFC 3966 §5.1.5 AMBIG: phone-context on a global number parses");
	ok(t.phone_context == NULL, "AMBIG: it does not set phone_context on a global number");
	ok(t.nparams == 1 && strcmp(t.params[0].name, "phone-context") == 0 &&
	   strcmp(t.params[0].value, "example.com") == 0,
	   "AMBIG: it is kept as a generic parameter");
	bad("tel:+1;phone-context=a;phone-context=b", "phone-context",
	    "RFC 3966 §3: a generic phone-context at most once");

	/* RFC 3966 §5.4: unknown mandatory parameters */
	bad("tel:+1-201-555-0123;m-x", "m-x", "RFC 3966 §5.4: unknown mandatory m-x");
	bad("tel:+1-201-555-0123;m-x=1", "5.4", "RFC 3966 §5.4: the message cites §5.4");
	bad("tel:+1-201-555-0123;M-Foo=1", "m-foo", "RFC 3966 §5.4: M-Foo is mandatory too");
	is_int(parse("tel:+1-201-555-0123;xm-x=1", &t), RSIP_OK,
	       "RFC 3966 §5.4: only an 'm-' prefix is mandatory");

	/* RFC 3966 §3: each parameter at most once */
	bad("tel:+1;ext=1;ext=2", "ext", "RFC 3966 §3: ext twice");
	bad("tel:+1;isub=1;isub=2", "isub", "RFC 3966 §3: isub twice");
	bad("tel:+1;foo=1;FOO=2", "foo", "RFC 3966 §3: a generic parameter twice, any case");
	bad("tel:+1;foo;foo", "more than once", "RFC 3966 §3: a valueless parameter twice");

	/* malformed parameters */
	bad("tel:+1;foo=a=b", "'='", "RFC 3966 §3: '=' must be escaped in a value");
	bad("tel:+1;foo=a b", "space", "RFC 3966 §3: no space in a value");
	bad("tel:+1;foo=a%4", "escape", "RFC 3966 §3: a cut escape in a value");
	bad("tel:+1;foo=%g1", "escape", "RFC 3966 §3: a non-hex escape in a value");
	bad("tel:+1;foo=%00", "NUL", "RFC 3966 §3: an escaped NUL is refused");
	bad("tel:+1;foo=", "no value", "RFC 3966 §3: '=' without a value");
	bad("tel:+1;fo_o=1", "'_'", "RFC 3966 §3: pname is alphanum and '-'");
	bad("tel:+1;;foo", "empty parameter", "RFC 3966 §3: an empty parameter name");
	bad("tel:+1;", "empty parameter", "RFC 3966 §3: a trailing ';'");
	bad("tel:+1;=x", "empty parameter", "RFC 3966 §3: a value without a name");
	tel_uri_clear(&t);
}

static void test_rfc4694_4759(void)
{
	struct tel_uri t = {0};

	is_int(parse("tel:+1-800-123-4567;cic=+1-6789", &t), RSIP_OK,
	       "RFC 4694 §6: tel:+1-800-123-4567;cic=+1-6789 parses");
	is_str(t.cic, "+16789", "RFC 4694 §6: cic without separators");
	is_int(t.nparams, 0, "RFC 4694 §4: cic is not a generic parameter");

	is_int(parse("tel:+1-202-533-1234;npdi;rn=+1-202-544-0000", &t), RSIP_OK,
	       "RFC 4694 §6: tel:+1-202-533-1234;npdi;rn=+1-202-544-0000 parses");
	ok(t.npdi, "RFC 4694 §6: npdi is set");
	is_str(t.rn, "+12025440000", "RFC 4694 §6: rn without separators");
	ok(t.rn_context == NULL, "RFC 4694 §4: a global rn has no rn-context");

	is_int(parse("tel:+1-202-533-6789;npdi", &t), RSIP_OK,
	       "RFC 4694 §6: tel:+1-202-533-6789;npdi parses");
	ok(t.npdi && t.rn == NULL, "RFC 4694 §6: npdi without rn");
	is_str(t.number, "+12025336789", "RFC 4694 §6: the number");

	is_int(parse("tel:+1-202-533-1234;rn=+1-ab-CD", &t), RSIP_OK,
	       "RFC 4694 §4: global-rn takes hex digits after the first digit");
	is_str(t.rn, "+1abcd", "RFC 4694 §4: rn hex lower-cased");
	is_int(parse("tel:+1-202-533-1234;rn=2025440000;rn-context=+1", &t), RSIP_OK,
	       "RFC 4694 §4: a local rn with rn-context");
	is_str(t.rn, "2025440000", "RFC 4694 §4: local rn value");
	is_str(t.rn_context, "+1", "RFC 4694 §4: rn-context value");
	is_int(parse("tel:+1-202-533-1234;rn-context=Ported.Example.;rn=a-1", &t), RSIP_OK,
	       "RFC 4694 §4: rn-context may come first, with a domain");
	is_str(t.rn_context, "ported.example", "RFC 4694 §4: domain rn-context normalized");
	is_str(t.rn, "a1", "RFC 4694 §4: local rn starting with a hex digit");
	is_int(parse("tel:+1-202-533-1234;cic=6789;cic-context=+1", &t), RSIP_OK,
	       "RFC 4694 §4: a local cic with cic-context");
	is_str(t.cic, "6789", "RFC 4694 §4: local cic value");
	ok(t.nparams == 1 && strcmp(t.params[0].name, "cic-context") == 0 &&
	   strcmp(t.params[0].value, "+1") == 0,
	   "RFC 4694 §4: cic-context is kept among the parameters");

	bad("tel:+1-202-533-1234;rn=2025440000", "rn-context",
	    "RFC 4694 §4: a local rn needs rn-context");
	bad("tel:+1-202-533-1234;rn=+1-202;rn-context=+1", "rn-context",
	    "RFC 4694 §4: rn-context only with a local rn");
	bad("tel:+1-202-533-1234;rn-context=+1", "rn-context",
	    "RFC 4694 §4: rn-context without rn");
	bad("tel:+1-202-533-1234;rn=-123;rn-context=+1", "hex digit",
	    "RFC 4694 §4: a local rn starts with a hex digit");
	bad("tel:+1-202-533-1234;rn=+", "rn", "RFC 4694 §4: rn=+ has no digit");
	bad("tel:+1-202-533-1234;rn=+-1", "rn", "RFC 4694 §4: a digit follows the '+'");
	bad("tel:+1-202-533-1234;rn=12g;rn-context=+1", "'g'",
	    "RFC 4694 §4: a local rn takes hex digits only");
	bad("tel:+1-202-533-1234;rn", "rn", "RFC 4694 §4: rn needs a value");
	bad("tel:+1-202-533-1234;rn=1;rn-context=+1-x", "rn-context",
	    "RFC 4694 §4: a bad rn-context");
	bad("tel:+1-202-533-1234;cic=6789", "cic-context",
	    "RFC 4694 §4: a local cic needs cic-context");
	bad("tel:+1-202-533-1234;cic=+1;cic-context=+1", "cic-context",
	    "RFC 4694 §4: cic-context only with a local cic");
	bad("tel:+1-202-533-6789;npdi;npdi", "npdi", "RFC 4694 §4: npdi twice");
	bad("tel:+1-202-533-6789;npdi;NPDI", "npdi", "RFC 4694 §4: npdi twice, any case");
	bad("tel:+1;rn=+1;rn=+2", "rn", "RFC 4694 §4: rn twice");
	bad("tel:+1;cic=+1;cic=+2", "cic", "RFC 4694 §4: cic twice");
	bad("tel:+1-202-533-6789;npdi=yes", "npdi", "RFC 4694 §4: npdi takes no value");

	is_int(parse("tel:+441632960038;enumdi", &t), RSIP_OK,
	       "RFC 4759: tel:+441632960038;enumdi parses");
	ok(t.enumdi, "RFC 4759: enumdi is set");
	is_int(t.nparams, 0, "RFC 4759: enumdi is not a generic parameter");
	bad("tel:+441632960038;enumdi;enumdi", "enumdi", "RFC 4759: enumdi twice");
	bad("tel:+441632960038;enumdi=1", "enumdi", "RFC 4759: enumdi takes no value");
	tel_uri_clear(&t);
}

static void test_equal(void)
{
	struct tel_uri t = {0};

	equal("tel:+1-(201)-555.0123", "tel:+12015550123", true,
	      "RFC 3966 §4: separators do not count");
	equal("+1-201-555-0123", "tel:+12015550123", true,
	      "RFC 3966 §4: a bare number equals its tel URI");
	equal("tel:+12015550123", "tel:+12015550124", false, "RFC 3966 §4: other digits");
	equal("tel:+1234", "tel:1234;phone-context=+1", false,
	      "RFC 3966 §4: a global and a local number differ");
	equal("tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555",
	      true, "RFC 3966 §4: global-digits contexts compare without separators");
	equal("tel:7042;phone-context=EXAMPLE.com.", "tel:7042;phone-context=example.com", true,
	      "RFC 3966 §4: domain contexts compare as host names");
	equal("tel:7042;phone-context=example.com", "tel:7042;phone-context=example.net",
	      false, "RFC 3966 §4: different contexts");
	equal("tel:ABC;phone-context=example.com", "tel:abc;phone-context=example.com", true,
	      "RFC 3966 §4: hex digits compare case-insensitively");
	equal("tel:+1;a=1;b=2", "tel:+1;b=2;a=1", true,
	      "RFC 3966 §4: parameter order does not count");
	equal("tel:+1;FOO=Bar", "tel:+1;foo=bar", true,
	      "RFC 3966 §4: parameters compare case-insensitively");
	equal("tel:+1;foo=%2B1", "tel:+1;foo=+1", true, "RFC 3966 §3: %2B equals '+' in a value");
	equal("tel:+1;foo=%41", "tel:+1;foo=a", true, "RFC 3966 §3: %41 equals 'A'");
	equal("tel:+1;foo=1", "tel:+1", false,
	      "RFC 3966 §4: a parameter present in only one URI");
	equal("tel:+1;foo=1", "tel:+1;bar=1", false, "RFC 3966 §4: differently named parameters");
	equal("tel:+1;foo=1", "tel:+1;foo=2", false, "RFC 3966 §4: different values");
	equal("tel:+1;foo", "tel:+1;foo=1", false, "RFC 3966 §4: a value against none");
	equal("tel:+1;ext=12-34", "tel:+1;ext=1234", true,
	      "RFC 3966 §4: ext compares without separators");
	equal("tel:+1;ext=1", "tel:+1;ext=2", false, "RFC 3966 §4: different extensions");
	equal("tel:+1;ext=1", "tel:+1", false, "RFC 3966 §4: ext present in only one URI");
	equal("tel:+1;isub=AB", "tel:+1;isub=ab", true, "RFC 3966 §4: isub case-insensitive");
	equal("tel:+1-202-533-6789;npdi", "tel:+1-202-533-6789", false,
	      "RFC 4694 §4: npdi present in only one URI");
	equal("tel:+1;npdi;rn=+1-202", "tel:+1;RN=+1202;NPDI", true,
	      "RFC 4694 §4: rn and npdi in any order and case");
	equal("tel:+1;rn=+1202", "tel:+1;rn=+1203", false, "RFC 4694 §4: different rn");
	equal("tel:+1;cic=+1", "tel:+1", false, "RFC 4694 §4: cic present in only one URI");
	equal("tel:+1;enumdi", "tel:+1", false, "RFC 4759: enumdi present in only one URI");
	equal("tel:+1;phone-context=example.com", "tel:+1", false,
	      "AMBIG: a generic phone-context on a global number counts");
	ok(parse("tel:+1", &t) == RSIP_OK && !tel_equal(&t, NULL) && tel_equal(&t, &t),
	   "API: tel_equal with NULL is false, with itself true");
	tel_uri_clear(&t);
}

static void test_aus(void)
{
	struct tel_uri t = {0};
	char aus[64], small[4];

	ok(parse("tel:+1-201-555-0123", &t) == RSIP_OK &&
	   tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)) == RSIP_OK,
	   "RFC 6116 §3.1: a global number has an AUS");
	is_str(aus, "+12015550123", "RFC 6116 §3.1: the AUS is '+' and the digits");
	ok(parse("tel:+4-4 20", &t) != RSIP_OK, "RFC 3966 §5.1.1: (spaces never reach the AUS)");
	ok(parse("tel:+44-20-7946-0148;ext=12;foo=bar", &t) == RSIP_OK &&
	   tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)) == RSIP_OK,
	   "RFC 6116 §3.1: parameters do not stop the AUS");
	is_str(aus, "+442079460148", "RFC 6116 §3.1: the AUS holds no parameter");
	ok(parse("tel:+123456789012345", &t) == RSIP_OK &&
	   tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)) == RSIP_OK,
	   "E.164: 15 digits have an AUS");
	is_str(aus, "+123456789012345", "E.164: the 15-digit AUS");

	ok(parse("tel:+1234567890123456", &t) == RSIP_OK, "RFC 3966 §5.1: 16 digits parse");
	is_int(tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)), RSIP_E_BAD_INPUT,
	       "E.164: 16 digits have no AUS");
	ok(strstr(err, "15-digit") != NULL && strstr(err, "E.164") != NULL &&
	   strstr(err, "16 digits") != NULL,
	   "E.164: the message names the 15-digit limit and the count");
	is_str(aus, "", "E.164: no AUS is written on error");

	ok(parse("tel:7042;phone-context=example.com", &t) == RSIP_OK,
	   "RFC 3966 §6: the local example parses");
	is_int(tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)), RSIP_E_BAD_INPUT,
	       "RFC 6116 §3.7: a local number has no AUS");
	if (!ok(strstr(err, "tel:7042;phone-context=example.com is a local number "
			    "(phone-context example.com)") != NULL &&
		strstr(err, "RFC 6116 §3.7") != NULL,
		"RFC 6116 §3.7: the message names the number and its context"))
		tap_diag("  message: %s", err);
	ok(parse("tel:911;phone-context=+1", &t) == RSIP_OK &&
	   tel_to_aus(&t, aus, sizeof(aus), err, sizeof(err)) == RSIP_E_BAD_INPUT &&
	   strstr(err, "phone-context +1") != NULL,
	   "RFC 6116 §3.7: tel:911;phone-context=+1 has no AUS either");

	ok(parse("tel:+12015550123", &t) == RSIP_OK &&
	   tel_to_aus(&t, small, sizeof(small), err, sizeof(err)) == RSIP_E_INVALID,
	   "API: a too small AUS buffer is an invalid call");
	is_int(tel_to_aus(NULL, aus, sizeof(aus), err, sizeof(err)), RSIP_E_INVALID,
	       "API: tel_to_aus(NULL) is an invalid call");
	tel_uri_clear(&t);
}

/* On error the struct is cleared even when it was partly filled. */
static void test_cleared_on_error(void)
{
	struct tel_uri t = {0};

	ok(parse("tel:+1;foo=1;bar;ext=1;isub=2", &t) == RSIP_E_BAD_INPUT && is_cleared(&t),
	   "API: a partly parsed URI is cleared on error");
	ok(parse("tel:1;phone-context=example.com;rn=1", &t) == RSIP_E_BAD_INPUT &&
	   is_cleared(&t), "API: cleared after a late cross-parameter error");
	tel_uri_clear(&t);
	tel_uri_clear(&t);
	tel_uri_clear(NULL);
	ok(is_cleared(&t), "API: tel_uri_clear twice and on NULL is safe");
}

/* One check: tel_format() of in is want, and parses back to an equal URI. */
static void format_is(const char *in, const char *want, const char *name)
{
	struct tel_uri a = {0}, b = {0};
	char *out = NULL;

	if (tel_parse(in, &a, err, sizeof(err)) != RSIP_OK) {
		ok(0, "%s", name);
		tap_diag("  %s does not parse: %s", in, err);
		return;
	}
	out = tel_format(&a);
	is_str(out, want, "%s", name);
	ok(out != NULL && tel_parse(out, &b, err, sizeof(err)) == RSIP_OK && tel_equal(&a, &b),
	   "%s: the output parses back to an equal URI (RFC 3966 §4)", name);
	free(out);
	tel_uri_clear(&a);
	tel_uri_clear(&b);
}

static void test_format(void)
{
	struct tel_uri t = {0};

	/* RFC 3966 §3: emit isub/ext, then phone-context, then the
	 * rest sorted; any order is accepted when parsing */
	format_is("tel:+1-201-555-0123", "tel:+12015550123",
		  "RFC 3966 §3: a bare global number is emitted without separators");
	format_is("tel:+1-201-555-0123;zeta=1;Alpha=2;ext=12-3", "tel:+12015550123;ext=123;"
		  "alpha=2;zeta=1", "RFC 3966 §3: ext first, then the others sorted");
	format_is("tel:7042;foo=x;ISUB=ab;phone-context=Example.COM", "tel:7042;isub=ab;"
		  "phone-context=example.com;foo=x",
		  "RFC 3966 §3: isub, then phone-context, then the rest");
	format_is("tel:+1-202-533-1234;rn=+1-202-544-0000;npdi;cic=+1-6789;abc",
		  "tel:+12025331234;abc;cic=+16789;npdi;rn=+12025440000",
		  "RFC 3966 §3, RFC 4694 §4: rn, npdi and cic sort with the others");
	format_is("tel:+441632960038;enumdi;a=1", "tel:+441632960038;a=1;enumdi",
		  "RFC 3966 §3, RFC 4759: enumdi sorts with the others");
	format_is("tel:863-1234;phone-context=+1-914-555", "tel:8631234;phone-context=+1914555",
		  "RFC 3966 §6: a +digits phone-context without separators");
	/* RFC 3966 §3: ';', '=', '?' must be escaped inside values */
	format_is("tel:+1;foo=%3B%3d%3F%2b", "tel:+1;foo=%3B%3D%3F+",
		  "RFC 3966 §3: ; = ? are escaped in values, + need not be");
	format_is("tel:+1;isub=a/b?c@d", "tel:+1;isub=a/b%3Fc%40d",
		  "RFC 3966 §3: an isub's ? and @ are escaped when emitted");
	format_is("tel:+1;ext=-", "tel:+1;ext=-", "RFC 3966 §3: ;ext=- stays grammatical");
	format_is("tel:+1;foo=%41%7e", "tel:+1;foo=A~",
		  "RFC 3966 §3: %XX of an unreserved character is the character");
	bad("tel:+1;foo=a?b", "'?'", "RFC 3966 §3: a '?' inside a value must be escaped");
	bad("tel:+1;foo=a=b", "'='", "RFC 3966 §3: a '=' inside a value must be escaped");
	ok(tel_format(NULL) == NULL && tel_format(&t) == NULL,
	   "API: tel_format of NULL or an empty URI is NULL");
}

int main(void)
{
	test_global_numbers();
	test_local_numbers();
	test_parameters();
	test_rfc4694_4759();
	test_equal();
	test_aus();
	test_cleared_on_error();
	test_format();
	return tap_done();
}
