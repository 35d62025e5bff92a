/* test_ddds.c - ddds.c: RFC 3402 §3.2 substitution expressions and their cache, RFC 3403
 * §4.1 and §6 rules (validation before ordering, application). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "tap.h"

static char err[RSIP_ERRLEN];

static bool contains(const char *hay, const char *needle)
{
	return hay != NULL && needle != NULL && strstr(hay, needle) != NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Compile expr, apply it to aus; the status of the step that failed. */
static rsip_status run(const char *expr, const char *aus, char **out)
{
	struct ddds_subst *s = NULL;
	rsip_status st;

	*out = NULL;
	err[0] = '\0';
	st = ddds_subst_compile(expr, &s, err, sizeof(err));
	if (st != RSIP_OK)
		return st;
	st = ddds_subst_apply(s, aus, out, err, sizeof(err));
	ddds_subst_free(s);
	return st;
}

/* One check: expr applied to aus gives want. */
static void subst_is(const char *expr, const char *aus, const char *want, const char *name)
{
	char *got = NULL;
	rsip_status st = run(expr, aus, &got);

	if (st != RSIP_OK) {
		ok(0, "%s", name);
		tap_diag("  status %d: %s", (int)st, err);
	} else {
		is_str(got, want, "%s", name);
	}
	free(got);
}

/* One check: expr compiles and applying it to aus returns want_st, no output. */
static void subst_status(const char *expr, const char *aus, rsip_status want_st,
			 const char *needle, const char *name)
{
	char *got = NULL;
	rsip_status st = run(expr, aus, &got);

	if (!ok(st == want_st && got == NULL && (needle == NULL || contains(err, needle)),
		"%s", name))
		tap_diag("  status %d (want %d), output %s, err \"%s\"", (int)st, (int)want_st,
			 got ? got : "(null)", err);
	free(got);
}

/* One check: compiling expr fails with RSIP_E_BAD_INPUT, err contains needle. */
static void rejects(const char *expr, const char *needle, const char *name)
{
	struct ddds_subst *s = (struct ddds_subst *)&s; /* must be reset to NULL */
	rsip_status st;

	err[0] = '\0';
	st = ddds_subst_compile(expr, &s, err, sizeof(err));
	if (!ok(st == RSIP_E_BAD_INPUT && s == NULL && contains(err, needle), "%s", name))
		tap_diag("  status %d, err \"%s\", want \"%s\"", (int)st, err, needle);
	if (st == RSIP_OK)
		ddds_subst_free(s);
}

/* One check: expr compiles. */
static void accepts(const char *expr, const char *name)
{
	struct ddds_subst *s = NULL;
	rsip_status st;

	err[0] = '\0';
	st = ddds_subst_compile(expr, &s, err, sizeof(err));
	if (!ok(st == RSIP_OK && s != NULL, "%s", name))
		tap_diag("  status %d, err \"%s\"", (int)st, err);
	ddds_subst_free(s);
}

static void test_rfc_examples(void)
{
	/* The demo and RFC 3764 §5 */
	subst_is("!^.*$!sip:jo@tzi.org!", "+494212017028", "sip:jo@tzi.org",
		 "demo: !^.*$!sip:jo@tzi.org! on +494212017028");
	subst_is("!^.*$!sip:edgar@example.com!", "+442079460148", "sip:edgar@example.com",
		 "RFC 3764 §5: E2U+sip example");
	/* RFC 3403 §6.1 (as received, master-file escapes removed) */
	subst_is("!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i", "urn:cid:199606121851.1@bar.example.com",
		 "example.com", "RFC 3403 §6.1: \\2 of the cid rule is example.com");
	subst_is("!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i", "URN:CID:199606121851.1@bar.example.com",
		 "example.com", "RFC 3403 §6.1: the i flag matches URN:CID in upper case");
	subst_status("!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!", "URN:CID:1@bar.example.com",
		     RSIP_E_NOT_FOUND, NULL,
		     "RFC 3402 §3.2: without i the match is case-sensitive");
	/* RFC 3403 §6.2, old ENUM syntax */
	subst_is("!^.*$!sip:information@foo.se!i", "+17705551212", "sip:information@foo.se",
		 "RFC 3403 §6.2: sip+E2U rule");
	subst_is("!^.*$!mailto:information@foo.se!i", "+17705551212",
		 "mailto:information@foo.se", "RFC 3403 §6.2: smtp+E2U rule");
	/* RFC 6116 §4 */
	subst_is("!^(\\+441632960083)$!sip:\\1@example.com!", "+441632960083",
		 "sip:+441632960083@example.com", "RFC 6116 §4: E2U+sip rule with \\1");
	subst_is("!^\\+441632960083$!h323:operator@example.com!", "+441632960083",
		 "h323:operator@example.com", "RFC 6116 §4: E2U+h323 rule");
	subst_is("!^.*$!mailto:info@example.com!", "+441632960083", "mailto:info@example.com",
		 "RFC 6116 §4: E2U+email:mailto rule");
	subst_status("!^(\\+441632960083)$!sip:\\1@example.com!", "+441632960084",
		     RSIP_E_NOT_FOUND, "does not match",
		     "RFC 3402 §3.3: another number does not match");
	/* RFC 3402 §3.2 backreference example */
	subst_is("!(A(B(C)DE)(F)G)!\\1,\\2,\\3,\\4!", "ABCDEFG", "ABCDEFG,BCDE,C,F",
		 "RFC 3402 §3.2: (A(B(C)DE)(F)G) gives \\1..\\4");
	rejects("!(A(B(C)DE)(F)G)!\\5!", "backreference \\5 but the ERE has 4 groups",
		"RFC 3402 §3.2: \\5 of (A(B(C)DE)(F)G) is an error");
}

static void test_parse(void)
{
	char buf[300];
	const char nul_expr[] = "!a\0!b!";

	/* delimiters: RFC 3402 §3.2 delim-char; doc/DESIGN.md §2, Parse */
	subst_is("/^\\+(.*)$/tel:+\\1/", "+4942", "tel:+4942", "RFC 3402 §3.2: '/' delimiter");
	subst_is("#^\\+(.*)$#tel:\\1#", "+4942", "tel:4942", "RFC 3402 §3.2: '#' delimiter");
	subst_is("x^(.*)$xsip:\\1@e\\xample.comx", "+1", "sip:+1@example.com",
		 "RFC 3402 §3.2: 'x' delimiter, \\x in Repl is x");
	subst_is("x^a\\xb$xokx", "axb", "ok",
		 "doc/DESIGN.md §2: letter delimiter, \\x in the ERE is x, not a hex escape");
	rejects("0a0b0", "digit", "RFC 3402 §3.2: '0' delimiter is rejected");
	rejects("5a5b5", "digit", "RFC 3402 §3.2: a POS-DIGIT delimiter is rejected");
	rejects("\\a\\b\\", "not allowed", "RFC 3402 §3.2: '\\' delimiter is rejected");
	rejects("\xc3\xa9" "a\xc3\xa9" "b\xc3\xa9", "not allowed",
		"RFC 3402 §3.2: a non-ASCII delimiter is rejected");
	rejects("iaibi", "flag", "RFC 3402 §3.2: 'i' as delimiter is rejected (AMBIG: always)");
	rejects("", "empty", "RFC 3402 §3.2: an empty expression (NUL delimiter) is rejected");
	rejects(nul_expr, "1 unescaped delimiter '!', want 3",
		"RFC 3402 §3.2: a NUL inside the expression ends it: rejected");
	accepts("\ta\tb\t", "RFC 3402 §3.2: any other octet (TAB) may delimit");

	/* exactly three unescaped delimiters */
	rejects("!!!!", "4 unescaped delimiters '!', want 3", "RFC 3402 §3.2: !!!! is rejected");
	rejects("!a!b", "2 unescaped delimiters '!', want 3",
		"RFC 6116 §5.2: 2 delimiters are rejected");
	rejects("!a!b!c!", "4 unescaped delimiters '!', want 3",
		"RFC 6116 §5.2: 4 delimiters are rejected");
	subst_is("!a\\!b!c!", "a!b", "c", "RFC 3402 §3.2: \\! is an escaped delimiter");
	subst_is("!a\\\\!b!", "a\\", "b",
		 "RFC 3402 §3.2: !a\\\\!b! is valid (a backslash consumes the next byte)");
	rejects("!a!b!\\", "backslash", "RFC 3402 §3.2: a trailing backslash is rejected");

	/* flags */
	subst_is("!^ABC$!x!i", "abc", "x", "RFC 3402 §3.2: trailing i is case-insensitive");
	subst_is("!^ABC$!x!I", "abc", "x", "RFC 3402 §3.2 (RFC 5234 §2.3): flag I is i");
	subst_status("!^ABC$!x!", "abc", RSIP_E_NOT_FOUND, NULL,
		     "RFC 3402 §3.2: no flag is case-sensitive");
	rejects("!a!b!x", "unknown flags 'x'", "RFC 3402 §3.2: only i may follow");
	rejects("!a!b!ii", "unknown flags 'ii'", "RFC 3402 §3.2: flags = \"i\", not ii");
	rejects("!a!b! i", "unknown flags",
		"RFC 3402 §3.2: nothing but i after the third delimiter");

	/* length and emptiness */
	memset(buf, 'a', sizeof(buf));
	buf[0] = '!';
	memcpy(buf + 252, "!x!", 4); /* 255 octets */
	accepts(buf, "RFC 1035 §3.3: a 255-octet expression is accepted");
	memcpy(buf + 253, "!x!", 4); /* 256 octets */
	rejects(buf, "256 octets", "RFC 1035 §3.3: a 256-octet expression is rejected");
	rejects("!!x!", "ERE is empty", "RFC 3402 §3.2: an empty ERE is rejected");
	rejects("!\xff!x!", "not UTF-8", "RFC 6116 §5.2: an invalid UTF-8 ERE is rejected");
	rejects("!a!\xc3!", "not UTF-8", "RFC 6116 §5.2: invalid UTF-8 in Repl is rejected");
	rejects("!a!\xed\xa0\x80!", "not UTF-8", "RFC 6116 §5.2: a UTF-8 surrogate is rejected");
	subst_is("!^\\\xc3\xa9$!ok!", "\xc3\xa9", "ok",
		 "POSIX XBD 9.4.2: a backslash before a non-ASCII character is dropped");
	subst_is("x^[\\x]$xokx", "x", "ok", "RFC 3402 §3.2: \\x in a bracket with 'x' delimiter");
	subst_is("!^(.)$!<\\1>!", "\xc3\xa9", "<\xc3\xa9>",
		 "doc/DESIGN.md §2: PCRE2_UTF: '.' is one code point");
	subst_is("!^\xc3\x89$!ok!i", "\xc3\xa9", "ok", "RFC 3402 §3.2: i folds non-ASCII case");
}

static void test_ere(void)
{
	static const char letters[] = "dwsbAzZGKQEpxgkC";
	char expr[16], name[96], want[16];

	/* RFC 3402 §3.2 (a POSIX ERE): PCRE-only syntax is refused */
	rejects("!(?i)a!x!", "'(?'", "RFC 3402 §3.2: (?i) is rejected");
	rejects("!(?{})!x!", "'(?'", "RFC 3402 §3.2: (?{}) is rejected");
	rejects("!(?:a)!x!", "'(?'", "RFC 3402 §3.2: (?:) is rejected");
	rejects("!(*LIMIT_MATCH=9)a!x!", "'(*'", "RFC 3402 §3.2: (*LIMIT_MATCH=9) is rejected");
	rejects("!(*UTF)a!x!", "'(*'", "RFC 3402 §3.2: (*UTF) is rejected");
	for (size_t i = 0; letters[i] != '\0'; i++) {
		rsip_seterr(expr, sizeof(expr), "!a\\%c!x!", letters[i]);
		rsip_seterr(name, sizeof(name), "RFC 3402 §3.2: \\%c is rejected", letters[i]);
		rsip_seterr(want, sizeof(want), "'\\%c'", letters[i]);
		rejects(expr, want, name);
	}
	rejects("!a*?!x!", "lazy or possessive", "RFC 3402 §3.2: lazy *? is rejected");
	rejects("!a+?!x!", "lazy or possessive", "RFC 3402 §3.2: lazy +? is rejected");
	rejects("!a?\?!x!", "lazy or possessive", "RFC 3402 §3.2: lazy ?? is rejected");
	rejects("!a{2}?!x!", "lazy or possessive", "RFC 3402 §3.2: lazy {2}? is rejected");
	rejects("!a*+!x!", "lazy or possessive", "RFC 3402 §3.2: possessive *+ is rejected");
	rejects("!a++!x!", "lazy or possessive", "RFC 3402 §3.2: possessive ++ is rejected");
	rejects("!a**!x!", "two quantifiers", "POSIX XBD 9.4.6: ** is undefined, rejected");
	rejects("!*a!x!", "nothing to repeat", "POSIX XBD 9.4.6: a leading * is rejected");
	rejects("!a|+b!x!", "nothing to repeat", "POSIX XBD 9.4.6: + after | is rejected");
	rejects("!(a)\\1!x!", "backreference '\\1' inside the ERE",
		"RFC 3402 §3.2: a backreference in the ERE is rejected");
	rejects("!a{,3}!x!", "{,n}", "RFC 3402 §3.2: {,n} is rejected");
	rejects("!a{256}!x!", "RE_DUP_MAX", "RFC 3402 §3.2: an interval above 255 is rejected");
	rejects("!a{1,256}!x!", "RE_DUP_MAX", "RFC 3402 §3.2: {1,256} is rejected");
	rejects("!a{99999999999999999999}!x!", "RE_DUP_MAX",
		"RFC 3402 §3.2: a huge interval does not overflow");
	rejects("!a{3,2}!x!", "minimum above", "POSIX XBD 9.4.6: {3,2} is rejected");
	rejects("!a{x}!x!", "does not start an interval",
		"POSIX XBD 9.4.6: '{' without an interval is rejected");
	rejects("!a{2!x!", "unterminated interval", "POSIX XBD 9.4.6: {2 is rejected");
	accepts("!^a{255}$!ok!", "RFC 3402 §3.2: {255} (RE_DUP_MAX) is accepted");
	subst_is("!^a{2,3}b{1,}c{2}$!ok!", "aaabbcc", "ok", "POSIX XBD 9.4.6: intervals match");
	subst_is("!^a\\{2}$!ok!", "a{2}", "ok", "POSIX XBD 9.4.2: \\{ is a literal brace");
	rejects("![[.a.]]!x!", "collating symbol", "RFC 3402 §3.2: [[.x.]] is rejected");
	rejects("![[=a=]]!x!", "equivalence class", "RFC 3402 §3.2: [[=x=]] is rejected");
	rejects("![[:word:]]!x!", "unknown character class",
		"POSIX XBD 9.3.5: [[:word:]] (PCRE) is rejected");
	rejects("![abc!x!", "unterminated bracket", "POSIX XBD 9.3.5: [abc is rejected");
	rejects("![[:digit:]!x!", "unterminated bracket",
		"POSIX XBD 9.3.5: [[:digit:] is rejected");
	rejects("![[:digit!x!", "unterminated character class",
		"POSIX XBD 9.3.5: [[:digit is rejected");
	rejects("!a||b!x!", "empty alternative", "POSIX XBD 9.4.3: || is rejected");
	rejects("!|a!x!", "empty alternative", "POSIX XBD 9.4.3: a leading | is rejected");
	rejects("!a|!x!", "empty alternative", "POSIX XBD 9.4.3: a trailing | is rejected");
	rejects("!(a|)!x!", "empty alternative", "POSIX XBD 9.4.3: | before ) is rejected");
	rejects("!x()!x!", "empty group", "POSIX XBD 9.4.3: () is rejected");
	subst_is("!^(a)|(b)$!x\\2!", "b", "xb", "POSIX XBD 9.4.3: alternation of two groups");
	subst_is("!^a)$!ok!", "a)", "ok", "POSIX XBD 9.4.3: an unmatched ) is a literal");
	subst_is("!^(a))$!\\1!", "a)", "a", "POSIX XBD 9.4.3: ) after a closed group is a literal");
	rejects("!(a!x!", "does not compile", "POSIX XBD 9.4: an unbalanced ( is rejected");
	subst_is("!^\\+[[:digit:]]+$!ok!", "+4942", "ok", "POSIX XBD 9.3.5: [[:digit:]] works");
	subst_is("!^[[:alpha:][:space:]]+$!ok!", "a b", "ok",
		 "POSIX XBD 9.3.5: two classes in one bracket");

	/* trap (a): '\' is literal inside a bracket expression */
	subst_status("!^[^\\.]+$!ok!", "a\\b", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2 trap (a): [^\\.] excludes a backslash");
	subst_status("!^[^\\.]+$!ok!", "a.b", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2 trap (a): [^\\.] excludes a dot");
	subst_is("!^[^\\.]+$!ok!", "ab", "ok", "doc/DESIGN.md §2 trap (a): [^\\.] takes letters");
	subst_is("!^[a\\]+$!ok!", "a\\a", "ok",
		 "doc/DESIGN.md §2 trap (a): [a\\] holds a backslash");
	subst_is("!^[\\d]+$!ok!", "d\\d", "ok", "doc/DESIGN.md §2 trap (a): [\\d] is '\\' and 'd'");
	subst_status("!^[\\d]+$!ok!", "42", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2 trap (a): [\\d] is no digit class");
	subst_is("!^[\\!]$!ok!", "!", "ok", "RFC 3402 §3.2: [\\!] holds the delimiter");
	subst_status("!^[\\!]$!ok!", "\\", RSIP_E_NOT_FOUND, NULL,
		     "RFC 3402 §3.2: [\\!] holds only the delimiter");
	subst_is("!^[]a]+$!ok!", "]a]", "ok", "POSIX XBD 9.3.5: a leading ] is a member");
	subst_is("!^[^]a]$!ok!", "b", "ok", "POSIX XBD 9.3.5: [^]a] takes b");
	subst_status("!^[^]a]$!ok!", "]", RSIP_E_NOT_FOUND, NULL,
		     "POSIX XBD 9.3.5: [^]a] refuses ]");
	subst_is("!^[a[]+$!ok!", "[a", "ok", "POSIX XBD 9.3.5: [ is a member");
	subst_status("!^a\\.b$!ok!", "axb", RSIP_E_NOT_FOUND, NULL,
		     "POSIX XBD 9.4.2: \\. outside brackets is a literal dot");

	/* metacharacter delimiters (AMBIG: \<d> is the literal delimiter) */
	subst_is("|^a\\|b$|X|", "a|b", "X", "doc/DESIGN.md §2: \\| with '|' delimiter is literal");
	subst_status("|^a\\|b$|X|", "a", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2: \\| with '|' delimiter is no alternation");
	subst_is(".^a\\.b$.X.", "a.b", "X", "doc/DESIGN.md §2: \\. with '.' delimiter is literal");
	subst_status(".^a\\.b$.X.", "axb", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2: \\. with '.' delimiter is no wildcard");
	subst_is("(^a\\(b$(X(", "a(b", "X", "doc/DESIGN.md §2: \\( with '(' delimiter is literal");
	subst_is("-^[a\\-c]$-X-", "-", "X",
		 "doc/DESIGN.md §2: \\- with '-' delimiter in a bracket is literal");
	subst_status("-^[a\\-c]$-X-", "b", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2: [a\\-c] with '-' delimiter is no range");

	/* PCRE2 options */
	subst_status("!^abc$!ok!", "abc\n", RSIP_E_NOT_FOUND, NULL,
		     "doc/DESIGN.md §2: DOLLAR_ENDONLY: $ does not match before a final newline");
	subst_is("!^a.b$!ok!", "a\nb", "ok", "doc/DESIGN.md §2: DOTALL: . matches a newline");

	/* a maximal ERE (RFC 3402 §3.2; 255 octets, RFC 1035 §3.3) */
	{
		char big[256], aus[256];
		double t0;

		big[0] = '!';
		big[1] = '^';
		memset(big + 2, 'a', 248);
		memcpy(big + 250, "$!x!", 5); /* 254 octets */
		memset(aus, 'a', 248);
		aus[248] = '\0';
		subst_is(big, aus, "x", "RFC 3402 §3.2: a 248-literal ERE matches");
		memcpy(big, "!((a{255}){255}){255}", 21);
		memcpy(big + 21, "$!x!", 5);
		t0 = now();
		rejects(big, "does not compile",
			"doc/DESIGN.md §2: nested {255} intervals are refused");
		ok(now() - t0 < 1.0, "doc/DESIGN.md §2: refusing nested intervals is fast");
	}
}

static void test_traps(void)
{
	/* trap (b): PCRE2 is leftmost-first (AMBIG, documented in ddds.c) */
	subst_is("!^(a|ab)(c|bcd)(d*)$!\\1-\\2-\\3!", "abcd", "a-bcd-",
		 "doc/DESIGN.md §2 trap (b): leftmost-first groups (POSIX: ab-c-d)");
	subst_is("!a|ab!X!", "abc", "Xbc",
		 "doc/DESIGN.md §2 trap (b): unanchored a|ab matches a (POSIX: ab)");
	/* trap (c): sed keeps the unmatched text (AMBIG, documented in ddds.c) */
	subst_is("!^\\+44(.*)$!0\\1!", "+441632960083", "01632960083",
		 "doc/DESIGN.md §2 trap (c): an anchored ERE replaces the whole AUS");
	subst_is("!\\+44!0!", "+441632960083", "01632960083",
		 "doc/DESIGN.md §2 trap (c): unanchored: the rest of the AUS is kept");
	subst_is("!1632!X!", "+441632960083", "+44X960083",
		 "doc/DESIGN.md §2 trap (c): unanchored: text on both sides is kept");
	subst_is("!3!X!", "+441632960083", "+4416X2960083",
		 "doc/DESIGN.md §2 trap (c): only the first match is replaced");
	subst_is("!x*!Y!", "ab", "Yab", "doc/DESIGN.md §2 trap (c): an empty match at 0");
	subst_is("!^!sip:!", "jo@tzi.org", "sip:jo@tzi.org",
		 "doc/DESIGN.md §2 trap (c): ^ alone prefixes the AUS");
}

static void test_repl(void)
{
	subst_is("!^(.)(.)(.)(.)(.)(.)(.)(.)(.)$!\\9\\8\\7\\6\\5\\4\\3\\2\\1!", "123456789",
		 "987654321", "RFC 6116 §5.2: nine backreferences");
	subst_is("!^(.)(.)(.)(.)(.)(.)(.)(.)(.)(.)$!\\1\\10!", "abcdefghij", "aa0",
		 "RFC 3402 §3.2: \\10 is \\1 then the digit 0");
	rejects("!^(a)(b)$!\\5!", "backreference \\5 but the ERE has 2 groups",
		"RFC 3402 §3.2: \\5 with 2 groups is rejected");
	rejects("!^ab$!\\1!", "backreference \\1 but the ERE has 0 groups",
		"RFC 3402 §3.2: \\1 without groups is rejected");
	rejects("!^(a)$!\\0!", "\\0", "doc/DESIGN.md §2: \\0 is rejected (AMBIG)");
	rejects("!^(a)$!x\\ny!", "unknown escape '\\n'",
		"doc/DESIGN.md §2: \\n in Repl is rejected (AMBIG)");
	subst_is("!^(a)|(b)$![\\1][\\2]!", "b", "[][b]",
		 "RFC 3402 §3.2: an unset group gives an empty string");
	subst_is("!^(a)|(b)$![\\1][\\2]!", "a", "[a][]",
		 "RFC 3402 §3.2: a group after the last set one gives an empty string");
	subst_is("!^(x?)y$![\\1]!", "y", "[]", "RFC 3402 §3.2: an empty group is empty");
	subst_is("!^.*$!a\\!b!", "z", "a!b", "RFC 3402 §3.2: \\<delim> in Repl is the delimiter");
	subst_is("!^.*$!a\\\\b!", "z", "a\\b", "doc/DESIGN.md §2: \\\\ in Repl is a backslash");
	subst_is("!^(x)$!\\\\1!", "x", "\\1", "doc/DESIGN.md §2: \\\\1 is a backslash and 1");
	subst_is("!^(.*)$!sip:\\1@example\\.com!", "+1", "sip:+1@example.com",
		 "doc/DESIGN.md §2: \\. in Repl is a dot (AMBIG, as sed)");
	subst_status("!^.*$!!", "+1", RSIP_E_NOT_FOUND, "empty",
		     "doc/DESIGN.md §2: an empty result goes to the next rule");
	subst_is("!^(ABC)$!\\1!i", "AbC", "AbC",
		 "RFC 3402 §3.2: i does not lower-case backreferences (MAY)");
	subst_is("!^(\\+44)(.*)$!sip:\\2\\2@x!", "+4412", "sip:1212@x",
		 "RFC 3402 §3.2: a backreference may repeat");
}

static void test_apply(void)
{
	struct ddds_subst *s = NULL;
	char *out = (char *)&s, aus[300], repl9[64];
	double t0;
	rsip_status st;

	/* reuse of one compiled expression (RFC 3402 §3: the rules apply to the original AUS) */
	st = ddds_subst_compile("!^\\+(.*)$!sip:\\1@example.com!", &s, err, sizeof(err));
	is_int(st, RSIP_OK, "RFC 3402 §3: compile once");
	st = ddds_subst_apply(s, "+4942", &out, err, sizeof(err));
	is_str(st == RSIP_OK ? out : NULL, "sip:4942@example.com",
	       "RFC 3402 §3: first AUS");
	free(out);
	st = ddds_subst_apply(s, "+1770", &out, err, sizeof(err));
	is_str(st == RSIP_OK ? out : NULL, "sip:1770@example.com",
	       "RFC 3402 §3: the same expression applied to another AUS");
	free(out);
	out = (char *)&s;
	st = ddds_subst_apply(s, "4942", &out, err, sizeof(err));
	ok(st == RSIP_E_NOT_FOUND && out == NULL && contains(err, "does not match"),
	   "RFC 3402 §3.3: no match is RSIP_E_NOT_FOUND, no output");
	/* invalid UTF-8 in the AUS (RFC 6116 §5.2: must not crash) */
	st = ddds_subst_apply(s, "+\xff\xfe", &out, err, sizeof(err));
	ok(st == RSIP_E_BAD_INPUT && out == NULL && contains(err, "UTF-8"),
	   "RFC 6116 §5.2: invalid UTF-8 in the AUS is RSIP_E_BAD_INPUT");
	st = ddds_subst_apply(s, "+4\xc3", &out, err, sizeof(err));
	ok(st == RSIP_E_BAD_INPUT && contains(err, "UTF-8"),
	   "RFC 6116 §5.2: a truncated UTF-8 sequence is RSIP_E_BAD_INPUT");
	st = ddds_subst_apply(NULL, "+1", &out, err, sizeof(err));
	is_int(st, RSIP_E_INVALID, "API: a NULL expression is RSIP_E_INVALID");
	st = ddds_subst_apply(s, NULL, &out, err, sizeof(err));
	is_int(st, RSIP_E_INVALID, "API: a NULL AUS is RSIP_E_INVALID");
	ddds_subst_free(s);
	ddds_subst_free(NULL);
	is_int(ddds_subst_compile(NULL, &s, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL expression string is RSIP_E_INVALID");
	is_int(ddds_subst_compile("!a!b!", NULL, NULL, 0), RSIP_E_INVALID,
	       "API: a NULL out pointer is RSIP_E_INVALID");
	is_int(ddds_subst_compile("!!!!", &s, NULL, 0), RSIP_E_BAD_INPUT,
	       "API: err may be NULL");

	/* the output cap */
	memset(aus, 'a', 200);
	aus[200] = '\0';
	strcpy(repl9, "!^(.*)$!\\1\\1\\1\\1\\1\\1\\1\\1\\1\\1!");
	st = run(repl9, aus, &out);
	ok(st == RSIP_OK && out != NULL && strlen(out) == 2000,
	   "doc/DESIGN.md §2: a 2000-octet result is allowed");
	free(out);
	memset(aus, 'a', 250);
	aus[250] = '\0';
	subst_status(repl9, aus, RSIP_E_LIMIT, "longer than 2048",
		     "doc/DESIGN.md §2: a 2500-octet result is refused");

	/* catastrophic backtracking (RFC 6116 §5.2; sipresolve(1), LIMITS) */
	memset(aus, 'a', 59);
	aus[59] = '!';
	aus[60] = '\0';
	t0 = now();
	subst_status("!(a+)+$!x!", aus, RSIP_E_LIMIT, "limit",
		     "RFC 6116 §5.2: (a+)+$ on a 60-char AUS hits the match limit");
	ok(now() - t0 < 1.0, "RFC 6116 §5.2: (a+)+$ on a 60-char AUS finishes fast (%.1f ms)",
	   (now() - t0) * 1000);
	t0 = now();
	subst_status("!^(a|aa)+$!x!", aus, RSIP_E_LIMIT, "limit",
		     "RFC 6116 §5.2: ^(a|aa)+$ on a 60-char AUS hits the match limit");
	ok(now() - t0 < 1.0, "RFC 6116 §5.2: ^(a|aa)+$ finishes fast");
	aus[59] = 'a';
	subst_is("!(a+)+$!x!", aus, "x", "RFC 6116 §5.2: (a+)+$ still matches a good AUS");

	/* The limits are the caller's to set (rsip_ctx_set_limit), per
	 * application: a compiled expression is shared and never changed. */
	{
		struct ddds_subst *cs = NULL;
		struct ddds_limits lim;

		ddds_limits_default(&lim);
		is_int(lim.output, 2048, "the default output cap is 2048 octets");
		lim.output = 10;
		ddds_subst_compile("!^.*$!sip:x@example.com!", &cs, err, sizeof(err));
		is_int(ddds_subst_apply_limited(cs, "+1", &lim, &out, err, sizeof(err)),
		       RSIP_E_LIMIT, "a lowered output cap refuses a 19-octet result");
		ok(contains(err, "longer than 10"), "...and says so (%s)", err);
		ddds_limits_default(&lim);
		is_int(ddds_subst_apply_limited(cs, "+1", &lim, &out, err, sizeof(err)), RSIP_OK,
		       "the defaults restored, the rule applies");
		free(out);
		ddds_subst_free(cs);
		cs = NULL;
		ddds_subst_compile("!(1+)+$!x!", &cs, err, sizeof(err));
		is_int(ddds_subst_apply(cs, "+1111111111!", &out, err, sizeof(err)),
		       RSIP_E_NOT_FOUND, "(1+)+$ on 10 ones and a '!': no match "
		       "within the default limits");
		lim.match = 100;
		is_int(ddds_subst_apply_limited(cs, "+1111111111!", &lim, &out, err, sizeof(err)),
		       RSIP_E_LIMIT, "...and a match limit of 100 stops it");
		ok(contains(err, "match limit"), "...saying which limit (%s)", err);
		ddds_limits_default(&lim);
		lim.depth = 2;
		is_int(ddds_subst_apply_limited(cs, "+1111111111!", &lim, &out, err, sizeof(err)),
		       RSIP_E_LIMIT, "a depth limit of 2 stops it too");
		ddds_subst_free(cs);
	}
}

static struct ddds_rule mk(uint16_t order, uint16_t pref, size_t idx)
{
	struct ddds_rule r;

	memset(&r, 0, sizeof(r));
	r.order = order;
	r.preference = pref;
	r.dns_index = idx;
	return r;
}

static void test_sort(void)
{
	struct ddds_rule r[8], big[500];
	static const size_t want[8] = {6, 4, 2, 1, 3, 0, 5, 7};
	bool same = true, sorted = true;
	uint32_t x = 12345;

	r[0] = mk(100, 52, 0);
	r[1] = mk(100, 50, 1);
	r[2] = mk(90, 60, 2);
	r[3] = mk(100, 50, 3);
	r[4] = mk(0, 65535, 4);
	r[5] = mk(65535, 0, 5);
	r[6] = mk(0, 0, 6);
	r[7] = mk(65535, 65535, 7);
	ddds_sort(r, 8);
	for (size_t i = 0; i < 8; i++)
		if (r[i].dns_index != want[i])
			same = false;
	ok(same, "RFC 3403 §4.1: ORDER then PREFERENCE, 0 and 65535 at the ends");
	is_int(r[0].order, 0, "RFC 3403 §4.1: ORDER 0 sorts first");
	is_int(r[7].preference, 65535, "RFC 3403 §4.1: ORDER/PREF 65535 sorts last");
	ok(r[3].dns_index == 1 && r[4].dns_index == 3,
	   "RFC 6116 §5.2: equal ORDER and PREFERENCE keep the DNS order");

	/* RFC 6116 §4: preferences 50, 51, 52 given out of order */
	r[0] = mk(100, 52, 0);
	r[1] = mk(100, 50, 1);
	r[2] = mk(100, 51, 2);
	ddds_sort(r, 3);
	ok(r[0].preference == 50 && r[1].preference == 51 && r[2].preference == 52,
	   "RFC 6116 §4: E2U+sip (50), E2U+h323 (51), E2U+email:mailto (52)");
	/* ties listed against the DNS order are put back in DNS order */
	r[0] = mk(10, 10, 2);
	r[1] = mk(10, 10, 1);
	ddds_sort(r, 2);
	ok(r[0].dns_index == 1 && r[1].dns_index == 2,
	   "RFC 6116 §5.2: ties follow dns_index");
	/* stable when even dns_index ties */
	for (size_t i = 0; i < 6; i++) {
		r[i] = mk(5, 5, 0);
		r[i].owner = (char *)"abcdef" + i;
	}
	r[2].order = 1;
	ddds_sort(r, 6);
	ok(r[0].owner[0] == 'c' && r[1].owner[0] == 'a' && r[2].owner[0] == 'b' &&
	   r[3].owner[0] == 'd' && r[4].owner[0] == 'e' && r[5].owner[0] == 'f',
	   "RFC 6116 §5.2: the sort is stable");
	ddds_sort(r, 0);
	ddds_sort(NULL, 3);
	ok(1, "RFC 3403 §4.1: sorting 0 rules or NULL does nothing");
	/* 500 rules in pseudo-random order */
	for (size_t i = 0; i < 500; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = mk((uint16_t)((x >> 16) % 4), (uint16_t)((x >> 8) % 3), i);
	}
	ddds_sort(big, 500);
	for (size_t i = 1; i < 500; i++) {
		const struct ddds_rule *a = &big[i - 1], *b = &big[i];

		if (a->order > b->order || (a->order == b->order &&
		    (a->preference > b->preference || (a->preference == b->preference &&
		     a->dns_index > b->dns_index))))
			sorted = false;
	}
	ok(sorted, "RFC 3403 §4.1: 500 rules sort by ORDER, PREFERENCE, DNS order");
}

static void test_rules(void)
{
	struct ddds_rule r;

	/* RFC 3403 §4.1: flags syntax */
	ok(ddds_flags_valid(""), "RFC 3403 §4.1: empty flags are valid");
	ok(ddds_flags_valid("u"), "RFC 3403 §4.1: flags u");
	ok(ddds_flags_valid("us"), "RFC 3403 §4.1: flags us are syntactically valid");
	ok(ddds_flags_valid("x"), "RFC 3403 §4.1: flag x is syntactically valid");
	ok(ddds_flags_valid("U"), "RFC 3403 §4.1: flag U is valid (case-insensitive)");
	ok(ddds_flags_valid("S0"), "RFC 3403 §4.1: flags are A-Z and 0-9");
	ok(!ddds_flags_valid("u!"), "RFC 3403 §4.1: flags u! are invalid");
	ok(!ddds_flags_valid("u s"), "RFC 3403 §4.1: a space is no flag");
	ok(!ddds_flags_valid("\xc3\xbc"), "RFC 3403 §4.1: a non-ASCII flag is invalid");
	ok(!ddds_flags_valid(NULL), "API: NULL flags are invalid");

	/* RFC 3403 §4.1: regexp and replacement */
	memset(&r, 0, sizeof(r));
	r.regexp = (char *)"!^.*$!sip:jo@tzi.org!";
	r.replacement = (char *)".";
	ok(ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: regexp with replacement '.'");
	r.regexp = (char *)"";
	r.replacement = (char *)"_sip._udp.example.com.";
	ok(ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: replacement with an empty regexp");
	r.regexp = (char *)"!^.*$!x!";
	ok(!ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: regexp and replacement both set");
	r.regexp = (char *)"";
	r.replacement = (char *)".";
	ok(!ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: empty regexp with '.' replacement");
	r.regexp = NULL;
	r.replacement = NULL;
	ok(!ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: neither set (NULL)");
	r.regexp = (char *)"!a!b!";
	r.replacement = (char *)"";
	ok(ddds_rule_has_one_rewrite(&r), "RFC 3403 §4.1: an empty replacement counts as unset");
	ok(!ddds_rule_has_one_rewrite(NULL), "API: a NULL rule has no rewrite");

	/* ddds_rule_clear */
	memset(&r, 0, sizeof(r));
	ddds_rule_clear(&r);
	ok(r.owner == NULL && r.flags == NULL, "API: clearing a zeroed rule");
	r.owner = rsip_strdup("8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa.");
	r.flags = rsip_strdup("u");
	r.services = rsip_strdup("E2U+sip");
	r.regexp = rsip_strdup("!^.*$!sip:jo@tzi.org!");
	r.replacement = rsip_strdup(".");
	r.order = 10;
	ddds_rule_clear(&r);
	ok(r.owner == NULL && r.flags == NULL && r.services == NULL && r.regexp == NULL &&
	   r.replacement == NULL && r.order == 0, "API: clearing frees and zeroes a rule");
	ddds_rule_clear(NULL);
	ok(1, "API: clearing NULL does nothing");
}

/* ---- the cache of compiled expressions ---- */

struct cache_worker {
	int id;
	int bad; /* lookups that gave a wrong answer */
};

/* Each thread looks up 64 expressions (some shared with the others, some
 * its own) many times, applying each: the answers must be right. */
static void *cache_work(void *arg)
{
	struct cache_worker *cw = arg;
	char expr[64], want[64], e[RSIP_ERRLEN];

	for (int round = 0; round < 200; round++) {
		for (int k = 0; k < 64; k++) {
			struct ddds_subst *s = NULL;
			char *out = NULL;
			int tag = k < 32 ? k : 1000 * (cw->id + 1) + k;

			snprintf(expr, sizeof(expr), "!^(.*)$!sip:\\1@h%d.test!", tag);
			snprintf(want, sizeof(want), "sip:+1@h%d.test", tag);
			if (ddds_subst_get(expr, &s, e, sizeof(e)) != RSIP_OK ||
			    ddds_subst_apply(s, "+1", &out, e, sizeof(e)) != RSIP_OK ||
			    strcmp(out, want) != 0)
				cw->bad++;
			free(out);
			ddds_subst_free(s);
		}
	}
	return NULL;
}

static void test_cache(void)
{
	struct ddds_subst *a = NULL, *b = NULL, *keep = NULL;
	struct ddds_cache_stats st;
	struct cache_worker cw[4];
	pthread_t th[4];
	char expr[64], e1[RSIP_ERRLEN], e2[RSIP_ERRLEN], *out = NULL;
	double t0, t_compile, t_cached;
	int bad = 0;

	ddds_cache_clear();
	ddds_cache_stats(&st);
	ok(st.entries == 0 && st.hits == 0 && st.misses == 0,
	   "the cache starts empty");
	is_int(ddds_subst_get("!^.*$!sip:jo@tzi.org!", &a, err, sizeof(err)), RSIP_OK,
	       "a first lookup compiles");
	is_int(ddds_subst_get("!^.*$!sip:jo@tzi.org!", &b, err, sizeof(err)), RSIP_OK,
	       "a second lookup succeeds");
	ok(a != NULL && a == b, "the same expression is compiled once and shared");
	ddds_cache_stats(&st);
	ok(st.misses == 1 && st.hits == 1 && st.entries == 1,
	   "one miss, then one hit (%llu, %llu)",
	   (unsigned long long)st.misses, (unsigned long long)st.hits);
	ddds_subst_free(b);
	is_int(ddds_subst_apply(a, "+494212017028", &out, err, sizeof(err)), RSIP_OK,
	       "a cached expression applies");
	is_str(out, "sip:jo@tzi.org", "...with the right result");
	free(out);
	ddds_subst_free(a);

	/* refusals are cached with their reason */
	is_int(ddds_subst_get("!^(a)$!\\5!", &a, e1, sizeof(e1)), RSIP_E_BAD_INPUT,
	       "RFC 3402 §3.2: a refused expression is refused through the cache");
	is_int(ddds_subst_get("!^(a)$!\\5!", &b, e2, sizeof(e2)), RSIP_E_BAD_INPUT,
	       "RFC 3402 §3.2: ...and again from the cache");
	ok(a == NULL && b == NULL && strcmp(e1, e2) == 0 && contains(e2, "backreference \\5"),
	   "a cached refusal gives the same reason");
	ddds_cache_stats(&st);
	is_int((long long)st.hits, 2, "the refusal was a hit the second time");

	/* bounded: the least recently used entries go */
	ddds_cache_clear();
	ddds_subst_get("!^(.*)$!keep-\\1!", &keep, err, sizeof(err));
	for (int i = 0; i < 600; i++) {
		snprintf(expr, sizeof(expr), "!^(.*)$!x%d-\\1!", i);
		ddds_subst_get(expr, &a, err, sizeof(err));
		ddds_subst_free(a);
	}
	ddds_cache_stats(&st);
	ok(st.entries == st.capacity && st.capacity == 256 && st.evictions == 601 - 256,
	   "at most 256 entries, the oldest evicted (%zu entries, %llu "
	   "evictions)", st.entries, (unsigned long long)st.evictions);
	out = NULL;
	ok(ddds_subst_apply(keep, "+1", &out, err, sizeof(err)) == RSIP_OK &&
	   strcmp(out, "keep-+1") == 0,
	   "an evicted expression still held stays usable");
	free(out);
	ddds_subst_free(keep);
	/* bounded in memory too: big compiled expressions */
	ddds_cache_clear();
	{
		char big[256];
		size_t n = 0;
		int compiled = 0;

		/* about 45 KB each once compiled; 100 of them would be 4.5 MB */
		for (int i = 0; i < 100; i++) {
			n = (size_t)snprintf(big, sizeof(big), "!^%d", i);
			for (int k = 0; k < 12; k++)
				n += (size_t)snprintf(big + n, sizeof(big) - n, "(a|b){255}");
			snprintf(big + n, sizeof(big) - n, "$!x!");
			compiled += ddds_subst_get(big, &a, err, sizeof(err)) == RSIP_OK;
			ddds_subst_free(a);
		}
		ddds_cache_stats(&st);
		ok(compiled == 100 && st.bytes <= st.bytes_max && st.entries < 100 &&
		   st.evictions > 0,
		   "100 big expressions stay within %zu bytes (%zu bytes, %zu "
		   "entries)", st.bytes_max, st.bytes, st.entries);
	}
	ok(ddds_subst_get(NULL, &a, err, sizeof(err)) == RSIP_E_INVALID &&
	   ddds_subst_get("!a!b!", NULL, err, sizeof(err)) == RSIP_E_INVALID,
	   "API: ddds_subst_get with NULL is an invalid call");
	memset(expr, 'a', sizeof(expr));
	{
		char big[300];

		memset(big, 'a', sizeof(big));
		big[0] = '!';
		memcpy(big + 290, "!b!", 4);
		is_int(ddds_subst_get(big, &a, err, sizeof(err)), RSIP_E_BAD_INPUT,
		       "RFC 1035 §3.3: a 293-octet expression is refused, not cached");
	}

	/* threads: the same and different expressions at once */
	ddds_cache_clear();
	for (int i = 0; i < 4; i++) {
		cw[i].id = i;
		cw[i].bad = 0;
		pthread_create(&th[i], NULL, cache_work, &cw[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		bad += cw[i].bad;
	}
	ddds_cache_stats(&st);
	ok(bad == 0, "4 threads x 12800 lookups, every answer right (%d wrong)",
	   bad);
	ok(st.entries == 32 + 4 * 32 && st.hits + st.misses == 4 * 200 * 64 && st.misses >= 160,
	   "thread-safe counts: %zu entries, %llu hits, %llu misses",
	   st.entries, (unsigned long long)st.hits, (unsigned long long)st.misses);

	/* measured: a cached lookup against a compile */
	ddds_cache_clear();
	t0 = now();
	for (int i = 0; i < 2000; i++) {
		ddds_subst_compile("!^\\+44(.*)$!sip:0\\1@example.com;user=phone!i", &a, err,
				   sizeof(err));
		ddds_subst_free(a);
	}
	t_compile = (now() - t0) / 2000;
	t0 = now();
	for (int i = 0; i < 2000; i++) {
		ddds_subst_get("!^\\+44(.*)$!sip:0\\1@example.com;user=phone!i", &a, err,
			       sizeof(err));
		ddds_subst_free(a);
	}
	t_cached = (now() - t0) / 2000;
	/* a measurement for the record, not a test: timings vary with the load */
	tap_diag("cached lookup %.2f us, compile %.2f us", t_cached * 1e6,
		 t_compile * 1e6);
	ddds_cache_stats(&st);
	ok(st.misses == 1 && st.hits == 1999,
	   "2000 lookups of one expression compile it once");
	ddds_cache_clear();
}

/* ---- validation before ordering and application (RFC 3403 §4.1) ---- */

static struct ddds_rule rule(const char *flags, const char *services, const char *regexp,
			     const char *replacement)
{
	struct ddds_rule r;

	memset(&r, 0, sizeof(r));
	r.owner = (char *)"k.example.";
	r.flags = (char *)flags;
	r.services = (char *)services;
	r.regexp = (char *)regexp;
	r.replacement = (char *)replacement;
	return r;
}

/* One check: ddds_rule_check refuses r (with terminal flags tf) and the
 * reason holds needle. */
static void check_refuses(struct ddds_rule r, const char *tf, const char *needle,
			  const char *name)
{
	struct ddds_subst *s = (struct ddds_subst *)&s;
	rsip_status st;

	err[0] = '\0';
	st = ddds_rule_check(&r, tf, &s, err, sizeof(err));
	if (!ok(st == RSIP_E_BAD_INPUT && s == NULL && contains(err, needle), "%s", name))
		tap_diag("  status %d, err \"%s\", want \"%s\"", (int)st, err, needle);
	if (st == RSIP_OK)
		ddds_subst_free(s);
}

/* One check: r is valid and applied to aus gives want_st and want. */
static void rule_gives(struct ddds_rule r, const char *tf, const char *aus,
		       rsip_status want_st, const char *want, const char *name)
{
	struct ddds_subst *s = NULL;
	char *out = NULL;
	rsip_status st;

	err[0] = '\0';
	st = ddds_rule_check(&r, tf, &s, err, sizeof(err));
	if (st == RSIP_OK)
		st = ddds_rule_apply(&r, s, aus, NULL, &out, NULL, err, sizeof(err));
	if (!ok(st == want_st && (want == NULL ? out == NULL :
				  out != NULL && strcmp(out, want) == 0), "%s", name))
		tap_diag("  status %d (want %d), out %s, err \"%s\"", (int)st, (int)want_st,
			 out ? out : "(null)", err);
	free(out);
	ddds_subst_free(s);
}

static void test_key_valid(void)
{
	char name[300];

	ok(ddds_key_valid("example.com"), "RFC 3403 §6.1: example.com is a key");
	ok(ddds_key_valid("example.com."), "RFC 1035 §3.1: a trailing dot is fine");
	ok(ddds_key_valid("_sip._udp.example.com."), "RFC 2782: '_' labels are keys");
	ok(ddds_key_valid("a\\.b.example."), "RFC 1035 §5.1: an escaped dot in a label");
	ok(ddds_key_valid("\\065bc.example."), "RFC 1035 §5.1: a \\DDD escape");
	ok(!ddds_key_valid("."), "RFC 3403 §4.1: '.' means no replacement, no key");
	ok(!ddds_key_valid(""), "RFC 3403 §4.1: an empty name is no key");
	ok(!ddds_key_valid(NULL), "API: NULL is no key");
	ok(!ddds_key_valid("a..b"), "RFC 1035 §3.1: an empty label");
	ok(!ddds_key_valid(".a"), "RFC 1035 §3.1: a leading dot");
	ok(!ddds_key_valid("a b.example"), "RFC 1035 §2.3.1: a space is no key character");
	ok(!ddds_key_valid("caf\xc3\xa9.example"), "RFC 1035 §2.3.1: non-ASCII is no key");
	ok(!ddds_key_valid("\\256.example"), "RFC 1035 §5.1: \\256 is no octet");
	memset(name, 'a', 63);
	strcpy(name + 63, ".example.");
	ok(ddds_key_valid(name), "RFC 1035 §2.3.4: a 63-octet label");
	memset(name, 'a', 64);
	strcpy(name + 64, ".example.");
	ok(!ddds_key_valid(name), "RFC 1035 §2.3.4: a 64-octet label is no key");
	for (int i = 0; i < 64; i++)
		memcpy(name + 4 * i, "abc.", 4);
	name[256] = '\0';
	ok(!ddds_key_valid(name), "RFC 1035 §3.1: a 256-octet name is no key");
	name[252] = '\0'; /* 63 labels of 3: 253 octets in wire form */
	ok(ddds_key_valid(name), "RFC 1035 §3.1: a 253-octet name is a key");
}

static void test_rule_check(void)
{
	const char *urn = "urn:cid:199606121851.1@bar.example.com";

	/* RFC 3403 §6.1, through validation and application */
	rule_gives(rule("", "", "!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i", "."), NULL, urn,
		   RSIP_OK, "example.com",
		   "RFC 3403 §6.1: the cid.urn.arpa rule gives the next key example.com");
	rule_gives(rule("a", "z3950+N2L+N2C", "", "cidserver.example.com."), "SAUP", urn,
		   RSIP_OK, "cidserver.example.com.",
		   "RFC 3403 §6.1: an empty regexp uses the replacement");
	rule_gives(rule("u", "E2U+sip", "!^.*$!sip:info@foo.se!", "."), "u", "+1", RSIP_OK,
		   "sip:info@foo.se", "RFC 3403 §6.2: a terminal u rule");
	rule_gives(rule("U", "E2U+sip", "!^.*$!sip:info@foo.se!", "."), "u", "+1", RSIP_OK,
		   "sip:info@foo.se", "flag U is u (RFC 3403 §4.1: any case)");
	rule_gives(rule("u", "E2U+sip", "!^\\+44.*$!sip:uk@foo.se!", "."), "u", "+1",
		   RSIP_E_NOT_FOUND, NULL, "RFC 3402 §3.3: no match");
	rule_gives(rule("", "", "!^(.*)$!\\1 x!", "."), NULL, "a", RSIP_E_BAD_INPUT, NULL,
		   "RFC 3403 §4.1: a non-terminal result that is no legal key is refused");
	rule_gives(rule("", "", "!^.*$!aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
			"aaaaa.example!", "."), NULL, "a", RSIP_E_BAD_INPUT, NULL,
		   "RFC 1035 §2.3.4: a next key with a 64-octet label is refused");
	rule_gives(rule("s", "", "", "_sip._udp.example.com."), NULL, "x", RSIP_OK,
		   "_sip._udp.example.com.", "RFC 3403 §4.1: a replacement rule gives its name");
	rule_gives(rule("u", "E2U+sip", "!^(.*)$!sip:\\1@x!", "."), "u", "+44",
		   RSIP_OK, "sip:+44@x", "RFC 3402 §3: applied to the original AUS");

	/* what makes a record invalid, before ordering */
	check_refuses(rule("u!", "E2U+sip", "!a!b!", "."), NULL, "letters and digits",
		      "RFC 3403 §4.1: flags must be letters and digits");
	check_refuses(rule("us", "E2U+sip", "!a!b!", "."), "u", "unknown flag 's'",
		      "RFC 6116 §3.4.2: flags us: s is not defined by ENUM");
	check_refuses(rule("x", "E2U+sip", "!a!b!", "."), "u", "unknown flag 'x'",
		      "RFC 6116 §3.4.2: flag x is not defined by ENUM");
	check_refuses(rule("u", "E2U+sip", "!^.*$!sip:a@b!", "b.example."), NULL,
		      "mutually exclusive",
		      "regexp and replacement both set (RFC 3403 §4.1)");
	check_refuses(rule("u", "E2U+sip", "", "."), NULL, "neither",
		      "RFC 3403 §4.1: an empty regexp with a '.' replacement");
	check_refuses(rule("", "", "", "a..b."), NULL, "not a domain name",
		      "RFC 3403 §4.1: the replacement must be a domain name");
	check_refuses(rule("u", "E2U+sip", "!^(a)(b)$!\\5!", "."), NULL, "backreference",
		      "RFC 3402 §3.2: \\5 with 2 groups drops the record");
	check_refuses(rule("u", "E2U+sip", "!a!b!c!", "."), NULL, "4 unescaped",
		      "RFC 6116 §5.2: 4 delimiters drop the record");
	{
		struct ddds_rule r = rule("u", "E2U+sip", "!^.*$!sip:a@b!", ".");

		r.defect = (char *)"the regexp field holds a NUL octet";
		check_refuses(r, NULL, "NUL", "RFC 6116 §5.2: a record read with a NUL is "
			      "dropped with its reason");
	}
	{
		struct ddds_subst *s = NULL;
		char *out = NULL;

		ok(ddds_rule_check(NULL, NULL, &s, err, sizeof(err)) == RSIP_E_INVALID,
		   "API: checking NULL is an invalid call");
		ok(ddds_rule_apply(NULL, NULL, "x", NULL, &out, NULL, err, sizeof(err)) ==
		   RSIP_E_INVALID, "API: applying NULL is an invalid call");
		ok(ddds_rule_terminal(NULL) == false, "API: NULL is no terminal rule");
	}
	{
		/* RFC 3402 §3.3: "until non-empty result are obtained": an
		 * empty result and no match are both the next rule; *empty
		 * tells them apart, so no caller reads the message. */
		struct ddds_rule r = rule("u", "E2U+sip", "!^\\+1(.*)$!\\1!", ".");
		struct ddds_subst *s = NULL;
		char *out = NULL;
		bool empty = false;

		ok(ddds_rule_check(&r, "u", &s, err, sizeof(err)) == RSIP_OK &&
		   ddds_rule_apply(&r, s, "+1", NULL, &out, &empty, err, sizeof(err)) ==
		   RSIP_E_NOT_FOUND && empty && out == NULL,
		   "RFC 3402 §3.3: a match with an empty result sets *empty");
		ok(ddds_rule_apply(&r, s, "+2", NULL, &out, &empty, err, sizeof(err)) ==
		   RSIP_E_NOT_FOUND && !empty, "RFC 3402 §3.3: no match leaves *empty false");
		ok(ddds_rule_apply(&r, s, "+12", NULL, &out, &empty, err, sizeof(err)) ==
		   RSIP_OK && !empty && out != NULL && strcmp(out, "2") == 0,
		   "RFC 3402 §3.3: a result leaves *empty false");
		free(out);
		ddds_subst_free(s);
	}
}

int main(void)
{
	test_rfc_examples();
	test_parse();
	test_ere();
	test_traps();
	test_repl();
	test_apply();
	test_sort();
	test_rules();
	test_cache();
	test_key_valid();
	test_rule_check();
	return tap_done();
}
