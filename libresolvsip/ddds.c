/* ddds.c - DDDS rules: RFC 3402 §3 (substitution expressions, cached), RFC 3403 §4.1
 * (NAPTR validation and order). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "internal.h"

/* RFC 1035 §3.3: a <character-string>, hence the REGEXP field, holds at most
 * 255 octets (doc/DESIGN.md §2, Parse). */
#define DDDS_EXPR_MAX 255
/* POSIX {RE_DUP_MAX} is at least 255; a larger interval is refused
 * (doc/DESIGN.md §2) so that every ERE we accept is portable. */
#define DDDS_DUP_MAX 255
/* The longest result ddds_subst_apply() builds, NUL excluded.  A URI or a
 * domain name longer than this is no use to anyone (doc/DESIGN.md §2,
 * Repl). */
#define DDDS_OUTPUT_MAX 2048
/* pcre2_match() limits.  100000 steps of the backtracking matcher cost about
 * 2 ms, so "(a+)+$" on a long AUS gives up quickly instead of running for
 * seconds; a real ENUM or URN rule needs a few hundred.  The depth and heap
 * limits bound the backtracking memory (KiB for the heap). */
#define DDDS_MATCH_LIMIT 100000
#define DDDS_DEPTH_LIMIT 10000
#define DDDS_HEAP_LIMIT 4096

/* ------------------------------------------------------------------ */
/* Rules: RFC 3403 §4.1 */

void ddds_rule_clear(struct ddds_rule *r)
{
	if (r == NULL)
		return;
	free(r->owner);
	free(r->flags);
	free(r->services);
	free(r->regexp);
	free(r->replacement);
	free(r->defect);
	memset(r, 0, sizeof(*r));
}

/* RFC 3403 §4.1: ORDER, then PREFERENCE, both ascending ("lower numbers are
 * processed before higher"); RFC 6116 §5.2: ties keep the DNS order. */
static int rule_cmp(const struct ddds_rule *a, const struct ddds_rule *b)
{
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	if (a->preference != b->preference)
		return a->preference < b->preference ? -1 : 1;
	if (a->dns_index != b->dns_index)
		return a->dns_index < b->dns_index ? -1 : 1;
	return 0;
}

/* A binary insertion sort: stable, allocates nothing (so it cannot fail),
 * and a NAPTR RRset is small: even the ~3000 records a 64 KB answer can hold
 * cost only a few megabytes of memmove. */
void ddds_sort(struct ddds_rule *rules, size_t n)
{
	if (rules == NULL)
		return;
	for (size_t i = 1; i < n; i++) {
		struct ddds_rule tmp = rules[i];
		size_t lo = 0, hi = i;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			/* <= 0: after every equal element, hence stable */
			if (rule_cmp(&rules[mid], &tmp) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < i) {
			memmove(&rules[lo + 1], &rules[lo], (i - lo) * sizeof(*rules));
			rules[lo] = tmp;
		}
	}
}

/* RFC 3403 §4.1: "Flags ... A-Z and 0-9", case-insensitive, may be empty. */
bool ddds_flags_valid(const char *flags)
{
	if (flags == NULL)
		return false;
	for (const char *p = flags; *p; p++)
		if (!rsip_is_alpha((unsigned char)*p) && !rsip_is_digit((unsigned char)*p))
			return false;
	return true;
}

/* RFC 3403 §4.1: "The Regexp and Replacement fields are mutually exclusive";
 * a record with both (or neither) is ignored. */
bool ddds_rule_has_one_rewrite(const struct ddds_rule *r)
{
	bool has_regexp, has_replacement;

	if (r == NULL)
		return false;
	has_regexp = r->regexp != NULL && r->regexp[0] != '\0';
	has_replacement = r->replacement != NULL && r->replacement[0] != '\0' &&
			  strcmp(r->replacement, ".") != 0;
	return has_regexp != has_replacement;
}

/* ------------------------------------------------------------------ */
/* Substitution expressions: RFC 3402 §3.2 */

/* One piece of the parsed Repl: literal text or a backreference. */
struct repl_piece {
	unsigned group; /* 1-9, or 0 for literal text */
	size_t off;     /* literal: offset in ddds_subst.lit */
	size_t len;     /* literal: length */
};

struct ddds_subst {
	atomic_uint refs;          /* holders: the compiler's caller, the cache */
	pcre2_code *code;
	pcre2_match_context *mctx; /* the limits; only read by pcre2_match() */
	uint32_t ngroups;          /* capturing groups in the ERE */
	struct repl_piece *pieces;
	size_t npieces;
	char *lit;                 /* the literal text of Repl, unescaped */
	size_t bytes;              /* memory held, for the cache's budget */
};

/* A byte for an error message: itself when printable, else \xNN. */
static const char *show_byte(unsigned char c, char *buf, size_t len)
{
	if (c > 0x20 && c < 0x7f)
		rsip_seterr(buf, len, "%c", c);
	else
		rsip_seterr(buf, len, "\\x%02x", c);
	return buf;
}

static bool is_alnum(int c)
{
	return rsip_is_alpha(c) || rsip_is_digit(c);
}

/* RFC 3629 §4: well-formed UTF-8 (no overlong forms, no surrogates, at most
 * U+10FFFF).  Returns the offset of the first bad byte, or len. */
static size_t utf8_check(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		size_t need;
		unsigned char lo = 0x80, hi = 0xbf; /* range of the 2nd byte */

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			need = 1;
		} else if (c >= 0xe0 && c <= 0xef) {
			need = 2;
			if (c == 0xe0)
				lo = 0xa0;
			else if (c == 0xed)
				hi = 0x9f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			need = 3;
			if (c == 0xf0)
				lo = 0x90;
			else if (c == 0xf4)
				hi = 0x8f;
		} else {
			return i;
		}
		if (len - i <= need || s[i + 1] < lo || s[i + 1] > hi)
			return i;
		for (size_t k = 2; k <= need; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return i;
		i += need + 1;
	}
	return len;
}

/* The POSIX character classes (POSIX XBD 9.3.5); PCRE2 knows the same names
 * with the same meaning in UTF mode without UCP.  PCRE2's extra "word" and
 * "ascii" are not POSIX and are refused. */
static bool posix_class_known(const char *name, size_t len)
{
	static const char *const names[] = {
		"alnum", "alpha", "blank", "cntrl", "digit", "graph",
		"lower", "print", "punct", "space", "upper", "xdigit",
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
			return true;
	return false;
}

/* Emit the delimiter d as a literal in PCRE2 syntax.  AMBIG (doc/DESIGN.md
 * §2): RFC 3402 §3.2 says an escaped delimiter "will be interpreted as
 * [an] occurrence of that character"; we take \<d> as the literal character
 * everywhere, also when d is an ERE metacharacter ('|', '.', '(', '-' in a
 * bracket ...), since the author had no other way to write it. */
static size_t emit_delim(char *out, size_t o, char d)
{
	if (!is_alnum((unsigned char)d))
		out[o++] = '\\'; /* PCRE2: \ + non-alphanumeric is that literal */
	out[o++] = d;
	return o;
}

/* A POSIX bracket expression starting at ere[*pos] == '['.  Trap (a) of
 * doc/DESIGN.md §2: inside brackets POSIX takes '\' literally (XBD 9.3.5:
 * "the special characters '.', '*', '[', and '\\' shall lose their special
 * meaning within a bracket expression"), so RFC 3403 §6.1's [^\.] excludes
 * both '\' and '.'; PCRE2 gets "\\\\" for it.  The one exception is \<delim>,
 * the delimiter escaped at the RFC 3402 §3.2 level. */
static rsip_status bracket_translate(const char *ere, size_t n, size_t *pos, char delim,
				     char *out, size_t *opos, char *err, size_t errlen)
{
	size_t i = *pos + 1, o = *opos;

	out[o++] = '[';
	if (i < n && ere[i] == '^')
		out[o++] = ere[i++];
	if (i < n && ere[i] == ']') { /* a leading ']' is a member */
		out[o++] = '\\';
		out[o++] = ']';
		i++;
	}
	for (;;) {
		unsigned char c;

		if (i >= n) {
			rsip_seterr(err, errlen, "unterminated bracket expression '[' "
				    "at offset %zu of the ERE", *pos);
			return RSIP_E_BAD_INPUT;
		}
		c = (unsigned char)ere[i];
		if (c == ']') {
			out[o++] = ']';
			i++;
			break;
		}
		if (c == '[' && i + 1 < n && (ere[i + 1] == '.' || ere[i + 1] == '=')) {
			rsip_seterr(err, errlen, "%s '[%c' in a bracket expression is not "
				    "supported", ere[i + 1] == '.' ? "collating symbol" :
				    "equivalence class", ere[i + 1]);
			return RSIP_E_BAD_INPUT;
		}
		if (c == '[' && i + 1 < n && ere[i + 1] == ':') {
			size_t start = i + 2, end = start;

			while (end + 1 < n && !(ere[end] == ':' && ere[end + 1] == ']'))
				end++;
			if (end + 1 >= n) {
				rsip_seterr(err, errlen, "unterminated character class '[:' "
					    "in a bracket expression");
				return RSIP_E_BAD_INPUT;
			}
			if (!posix_class_known(ere + start, end - start)) {
				rsip_seterr(err, errlen, "unknown character class '[:%.*s:]'",
					    (int)(end - start), ere + start);
				return RSIP_E_BAD_INPUT;
			}
			memcpy(out + o, ere + i, end + 2 - i);
			o += end + 2 - i;
			i = end + 2;
			continue;
		}
		if (c == '[') { /* a literal '[' member */
			out[o++] = '\\';
			out[o++] = '[';
			i++;
			continue;
		}
		if (c == '\\') {
			if (i + 1 < n && ere[i + 1] == delim) {
				o = emit_delim(out, o, delim);
				i += 2;
			} else {
				out[o++] = '\\';
				out[o++] = '\\';
				i++; /* the next byte is read on its own */
			}
			continue;
		}
		out[o++] = (char)c;
		i++;
	}
	*pos = i;
	*opos = o;
	return RSIP_OK;
}

/* An interval "{m}", "{m,}" or "{m,n}" at ere[*pos] == '{' (XBD 9.4.6). */
static rsip_status interval_check(const char *ere, size_t n, size_t *pos, char *err,
				  size_t errlen)
{
	size_t i = *pos + 1;
	unsigned long m = 0, mx = 0;
	bool has_max = false, comma = false;

	if (i < n && ere[i] == ',') {
		rsip_seterr(err, errlen, "interval '{,n}' is not POSIX ERE (write '{0,n}')");
		return RSIP_E_BAD_INPUT;
	}
	if (i >= n || !rsip_is_digit((unsigned char)ere[i])) {
		rsip_seterr(err, errlen, "'{' at offset %zu of the ERE does not start an "
			    "interval {m}, {m,} or {m,n} (write '\\{' for a literal)", *pos);
		return RSIP_E_BAD_INPUT;
	}
	for (; i < n && rsip_is_digit((unsigned char)ere[i]); i++)
		if (m <= DDDS_DUP_MAX)
			m = m * 10 + (unsigned long)(ere[i] - '0');
	if (i < n && ere[i] == ',') {
		comma = true;
		for (i++; i < n && rsip_is_digit((unsigned char)ere[i]); i++) {
			has_max = true;
			if (mx <= DDDS_DUP_MAX)
				mx = mx * 10 + (unsigned long)(ere[i] - '0');
		}
	}
	if (i >= n || ere[i] != '}') {
		rsip_seterr(err, errlen, "unterminated interval '{' at offset %zu of the ERE",
			    *pos);
		return RSIP_E_BAD_INPUT;
	}
	if (m > DDDS_DUP_MAX || (has_max && mx > DDDS_DUP_MAX)) {
		rsip_seterr(err, errlen, "interval '%.*s' exceeds RE_DUP_MAX (%d)",
			    (int)(i + 1 - *pos), ere + *pos, DDDS_DUP_MAX);
		return RSIP_E_BAD_INPUT;
	}
	if (comma && has_max && m > mx) {
		rsip_seterr(err, errlen, "interval '%.*s' has its minimum above its maximum",
			    (int)(i + 1 - *pos), ere + *pos);
		return RSIP_E_BAD_INPUT;
	}
	*pos = i + 1;
	return RSIP_OK;
}

/* What precedes the current position, for quantifier checks. */
enum ere_prev {
	PREV_NOTHING, /* start, '(', '|', '^', '$': nothing to repeat */
	PREV_ATOM,
	PREV_QUANT
};

/* Translate a POSIX ERE (still carrying RFC 3402 \<delim> escapes) into a
 * PCRE2 pattern with the same meaning, refusing what POSIX ERE does not have
 * (doc/DESIGN.md §2, ERE to PCRE2).  out has room for 2 * n + 1 bytes:
 * every input byte becomes at most two. */
static rsip_status ere_translate(const char *ere, size_t n, char delim, char *out,
				 char *err, size_t errlen)
{
	size_t i = 0, o = 0;
	enum ere_prev prev = PREV_NOTHING;
	bool branch_empty = true; /* nothing yet since the start, '(' or '|' */
	size_t depth = 0;         /* open groups */
	char cb[8];
	rsip_status st;

	while (i < n) {
		unsigned char c = (unsigned char)ere[i];

		/* XBD 9.4.3: '|' first or last in an ERE or a group, or after
		 * another '|', is undefined, and the grammar has no "()".  They
		 * are refused: PCRE2 would take the empty branch where POSIX
		 * takes the longest (trap (b)). */
		if (branch_empty && (c == '|' || (c == ')' && depth > 0))) {
			rsip_seterr(err, errlen, "empty %s at offset %zu of the ERE",
				    c == '|' || (i > 0 && ere[i - 1] == '|') ?
				    "alternative" : "group", i);
			return RSIP_E_BAD_INPUT;
		}
		branch_empty = c == '(' || c == '|';
		switch (c) {
		case '\\': {
			unsigned char e;

			if (i + 1 >= n) { /* cannot happen: it would escape a delimiter */
				rsip_seterr(err, errlen, "the ERE ends with a backslash");
				return RSIP_E_BAD_INPUT;
			}
			e = (unsigned char)ere[i + 1];
			if (e == (unsigned char)delim) {
				/* a letter delimiter: \x is plain x, not PCRE2's \x */
				o = emit_delim(out, o, delim);
				i += 2;
			} else if (rsip_is_digit(e)) {
				rsip_seterr(err, errlen, "backreference '\\%c' inside the ERE: "
					    "POSIX ERE has no backreferences", e);
				return RSIP_E_BAD_INPUT;
			} else if (rsip_is_alpha(e)) {
				/* \d \w \s \b \A \z \Z \G \K \Q \E \p \x \g \k and every other
				 * letter escape: PCRE2 features, undefined in POSIX ERE */
				rsip_seterr(err, errlen, "'\\%c' is not POSIX ERE", e);
				return RSIP_E_BAD_INPUT;
			} else if (e >= 0x80) {
				i++; /* "\é" is é: drop the backslash, copy the character */
			} else {
				/* \. \* \\ \! ...: a literal, the same in PCRE2 */
				out[o++] = '\\';
				out[o++] = (char)e;
				i += 2;
			}
			prev = PREV_ATOM;
			break;
		}
		case '(':
			if (i + 1 < n && ere[i + 1] == '?') {
				rsip_seterr(err, errlen, "'(?' (a PCRE group or option) is not "
					    "POSIX ERE");
				return RSIP_E_BAD_INPUT;
			}
			if (i + 1 < n && ere[i + 1] == '*') {
				rsip_seterr(err, errlen, "'(*' (a PCRE verb such as "
					    "(*LIMIT_MATCH=n)) is not POSIX ERE");
				return RSIP_E_BAD_INPUT;
			}
			out[o++] = '(';
			i++;
			depth++;
			prev = PREV_NOTHING;
			break;
		case ')':
			/* XBD 9.4.3: ')' is special only when it closes a '(';
			 * PCRE2 wants an unmatched one escaped */
			if (depth > 0)
				depth--;
			else
				out[o++] = '\\';
			out[o++] = ')';
			i++;
			prev = PREV_ATOM;
			break;
		case '|':
		case '^':
		case '$':
			out[o++] = (char)c;
			i++;
			prev = PREV_NOTHING;
			break;
		case '*':
		case '+':
		case '?':
		case '{':
			if (prev == PREV_QUANT && (c == '?' || c == '+')) {
				rsip_seterr(err, errlen, "lazy or possessive quantifier "
					    "('%c' after a quantifier) is not POSIX ERE", c);
				return RSIP_E_BAD_INPUT;
			}
			if (prev == PREV_QUANT) {
				rsip_seterr(err, errlen, "two quantifiers in a row at offset %zu "
					    "of the ERE", i);
				return RSIP_E_BAD_INPUT;
			}
			if (prev == PREV_NOTHING) {
				rsip_seterr(err, errlen, "quantifier '%s' at offset %zu of the ERE "
					    "has nothing to repeat",
					    show_byte(c, cb, sizeof(cb)), i);
				return RSIP_E_BAD_INPUT;
			}
			if (c == '{') {
				size_t start = i;

				st = interval_check(ere, n, &i, err, errlen);
				if (st != RSIP_OK)
					return st;
				memcpy(out + o, ere + start, i - start);
				o += i - start;
			} else {
				out[o++] = (char)c;
				i++;
			}
			prev = PREV_QUANT;
			break;
		case '[':
			st = bracket_translate(ere, n, &i, delim, out, &o, err, errlen);
			if (st != RSIP_OK)
				return st;
			prev = PREV_ATOM;
			break;
		default:
			/* '.', '}', ']' and ordinary characters mean the same in
			 * PCRE2 without PCRE2_EXTENDED */
			out[o++] = (char)c;
			i++;
			prev = PREV_ATOM;
			break;
		}
	}
	if (branch_empty) {
		rsip_seterr(err, errlen, "empty alternative at the end of the ERE");
		return RSIP_E_BAD_INPUT;
	}
	out[o] = '\0';
	return RSIP_OK;
}

/* Parse Repl (RFC 3402 §3.2: repl = *(string / backref)) into pieces.
 * AMBIG choices (doc/DESIGN.md §2, Repl):
 * - \0 is not in the grammar (backref = "\" POS-DIGIT): refused, not taken as
 *   the whole match as Asterisk does;
 * - \\ is one backslash (an extension; the grammar has no way to write one
 *   before a digit), and likewise \ + any other non-alphanumeric character
 *   is that character, as in sed;
 * - \ + a letter other than the delimiter is refused: sed and PCRE give such
 *   escapes meanings (\n, \U ...) that a record author may have meant. */
static rsip_status repl_parse(struct ddds_subst *s, const char *repl, size_t n, char delim,
			      char *err, size_t errlen)
{
	size_t i = 0, nlit = 0;
	char cb[8];

	/* at most one piece per byte; the literal text is no longer than repl */
	s->pieces = calloc(n ? n : 1, sizeof(*s->pieces));
	s->lit = malloc(n + 1);
	if (s->pieces == NULL || s->lit == NULL) {
		rsip_seterr(err, errlen, "out of memory");
		return RSIP_E_NOMEM;
	}
	while (i < n) {
		unsigned char c = (unsigned char)repl[i];
		struct repl_piece *last = s->npieces ? &s->pieces[s->npieces - 1] : NULL;

		if (c == '\\') {
			unsigned char e = (unsigned char)repl[i + 1]; /* i + 1 < n: see scan */

			if (e >= '1' && e <= '9') {
				unsigned g = (unsigned)(e - '0');

				/* RFC 3402 §3.2: "\5..\9 = error - no matching
				 * subexpression"; the record is discarded */
				if (g > s->ngroups) {
					rsip_seterr(err, errlen, "backreference \\%u but the ERE "
						    "has %u group%s", g, (unsigned)s->ngroups,
						    s->ngroups == 1 ? "" : "s");
					return RSIP_E_BAD_INPUT;
				}
				s->pieces[s->npieces].group = g;
				s->npieces++;
				i += 2;
				continue;
			}
			if (e == '0') {
				rsip_seterr(err, errlen, "backreference \\0 is not in the RFC 3402 "
					    "grammar (only \\1 to \\9)");
				return RSIP_E_BAD_INPUT;
			}
			if (e != (unsigned char)delim && rsip_is_alpha(e)) {
				rsip_seterr(err, errlen, "unknown escape '\\%s' in the replacement",
					    show_byte(e, cb, sizeof(cb)));
				return RSIP_E_BAD_INPUT;
			}
			c = e; /* \<delim>, \\, \. ...: the character itself */
			i++;
		}
		if (last == NULL || last->group != 0) {
			last = &s->pieces[s->npieces++];
			last->group = 0;
			last->off = nlit;
			last->len = 0;
		}
		s->lit[nlit++] = (char)c;
		last->len++;
		i++;
	}
	s->lit[nlit] = '\0';
	return RSIP_OK;
}

/* Map a pcre2_compile() error to a status and a sentence. */
static rsip_status compile_error(int code, size_t offset, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[160];

	if (code == PCRE2_ERROR_HEAP_FAILED) {
		rsip_seterr(err, errlen, "out of memory compiling the ERE");
		return RSIP_E_NOMEM;
	}
	if (pcre2_get_error_message(code, msg, sizeof(msg)) < 0)
		rsip_seterr((char *)msg, sizeof(msg), "error %d", code);
	rsip_seterr(err, errlen, "the ERE does not compile: %s (near offset %zu of its "
		    "PCRE2 form)", (const char *)msg, offset);
	return RSIP_E_BAD_INPUT;
}

/* Trap (b) of doc/DESIGN.md §2, AMBIG: POSIX matching is leftmost-longest,
 * PCRE2's leftmost-first.  We match with PCRE2 semantics, a known difference
 * to state in the man page: "^(a|ab)(c|bcd)(d*)$" on "abcd" gives \1=a
 * \2=bcd \3="" (POSIX: ab, c, d), and the unanchored "a|ab" matches "a" of
 * "abc" (POSIX: "ab").  Validating with regcomp(REG_EXTENDED) as well was
 * rejected: glibc expands bounded repeats, so "((a{255}){255}){255}" (21
 * bytes) costs it seconds and gigabytes, and its syntax depends on the
 * locale.  The translator accepts only EREs whose syntax PCRE2 and POSIX
 * read alike (empty alternatives, which PCRE2 would prefer, are refused);
 * only the choice among several matches of an ambiguous ERE can differ.
 * Real rules are anchored ^...$, where the whole match is the same. */
rsip_status ddds_subst_compile(const char *expr, struct ddds_subst **out, char *err,
			       size_t errlen)
{
	struct ddds_subst *s = NULL;
	char *pattern = NULL;
	size_t len, bad, delims[3], ndelim = 0, i;
	unsigned char d;
	bool caseless = false;
	char cb[8];
	int ecode;
	PCRE2_SIZE eoff;
	uint32_t opts;
	rsip_status st = RSIP_E_BAD_INPUT;

	if (out != NULL)
		*out = NULL;
	if (expr == NULL || out == NULL) {
		rsip_seterr(err, errlen, "no substitution expression");
		return RSIP_E_INVALID;
	}
	len = strlen(expr);
	if (len == 0) {
		rsip_seterr(err, errlen, "the substitution expression is empty");
		goto done;
	}
	if (len > DDDS_EXPR_MAX) {
		rsip_seterr(err, errlen, "the substitution expression is %zu octets, more "
			    "than %d", len, DDDS_EXPR_MAX);
		goto done;
	}
	/* RFC 3402 §3.2: "The first character ... shall be used as the
	 * character that delimits"; "digits MUST NOT be used as delimiters"
	 * (POS-DIGIT; we refuse '0' too, it is no less confusing). */
	d = (unsigned char)expr[0];
	if (rsip_is_digit(d)) {
		rsip_seterr(err, errlen, "the delimiter '%c' is a digit (RFC 3402 §3.2)", d);
		goto done;
	}
	/* RFC 2915 excluded '\' (it escapes the delimiter), and a non-ASCII
	 * byte is not a character on its own in UTF-8. */
	if (d == '\\' || d >= 0x80) {
		rsip_seterr(err, errlen, "the delimiter '%s' is not allowed",
			    show_byte(d, cb, sizeof(cb)));
		goto done;
	}
	/* RFC 3402 §3.2 forbids the flag character only when flags follow.
	 * AMBIG: we refuse 'i' (and 'I', RFC 5234 §2.3 strings being
	 * case-insensitive) always, so that "iaibii" needs no guessing. */
	if (d == 'i' || d == 'I') {
		rsip_seterr(err, errlen, "the delimiter '%c' is the flag character "
			    "(RFC 3402 §3.2)", d);
		goto done;
	}
	bad = utf8_check((const unsigned char *)expr, len);
	if (bad != len) {
		rsip_seterr(err, errlen, "the substitution expression is not UTF-8 "
			    "(byte 0x%02x at offset %zu)", (unsigned char)expr[bad], bad);
		goto done;
	}
	/* Find the delimiters: "a backslash consumes the next byte". */
	for (i = 0; i < len; i++) {
		if (expr[i] == '\\') {
			if (i + 1 == len) {
				rsip_seterr(err, errlen, "the substitution expression ends with "
					    "a backslash");
				goto done;
			}
			i++;
			continue;
		}
		if ((unsigned char)expr[i] == d) {
			if (ndelim < 3)
				delims[ndelim] = i;
			ndelim++;
		}
	}
	/* RFC 3402 §3.2: "exactly three non-escaped occurrences"; RFC 6116
	 * §5.2: otherwise the record SHOULD be discarded. */
	if (ndelim != 3) {
		rsip_seterr(err, errlen, "%zu unescaped delimiter%s '%s', want 3", ndelim,
			    ndelim == 1 ? "" : "s", show_byte(d, cb, sizeof(cb)));
		goto done;
	}
	/* flags = "i" (RFC 3402 §3.2), nothing else may follow */
	if (delims[2] + 1 < len) {
		const char *fl = expr + delims[2] + 1;

		if ((fl[0] == 'i' || fl[0] == 'I') && fl[1] == '\0') {
			caseless = true;
		} else {
			rsip_seterr(err, errlen, "unknown flags '%s' after the third delimiter "
				    "(only 'i' is defined)", fl);
			goto done;
		}
	}
	if (delims[1] == 1) {
		rsip_seterr(err, errlen, "the ERE is empty");
		goto done;
	}

	s = calloc(1, sizeof(*s));
	pattern = malloc(2 * (delims[1] - 1) + 1);
	if (s != NULL)
		atomic_init(&s->refs, 1);
	if (s == NULL || pattern == NULL) {
		rsip_seterr(err, errlen, "out of memory");
		st = RSIP_E_NOMEM;
		goto done;
	}
	st = ere_translate(expr + 1, delims[1] - 1, (char)d, pattern, err, errlen);
	if (st != RSIP_OK)
		goto done;
	/* doc/DESIGN.md §2: UTF (code points; invalid UTF-8 in the AUS is
	 * refused), '$' only at the very end, '.' matches any character as in
	 * POSIX without REG_NEWLINE, no \C; RFC 3402 §3.2: 'i' = caseless. */
	opts = PCRE2_UTF | PCRE2_DOLLAR_ENDONLY | PCRE2_DOTALL | PCRE2_NEVER_BACKSLASH_C;
	if (caseless)
		opts |= PCRE2_CASELESS;
	s->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, opts, &ecode,
				&eoff, NULL);
	if (s->code == NULL) {
		st = compile_error(ecode, eoff, err, errlen);
		goto done;
	}
	if (pcre2_pattern_info(s->code, PCRE2_INFO_CAPTURECOUNT, &s->ngroups) != 0) {
		rsip_seterr(err, errlen, "cannot count the groups of the ERE");
		st = RSIP_E_BAD_INPUT;
		goto done;
	}
	s->mctx = pcre2_match_context_create(NULL);
	if (s->mctx == NULL) {
		rsip_seterr(err, errlen, "out of memory");
		st = RSIP_E_NOMEM;
		goto done;
	}
	pcre2_set_match_limit(s->mctx, DDDS_MATCH_LIMIT);
	pcre2_set_depth_limit(s->mctx, DDDS_DEPTH_LIMIT);
	pcre2_set_heap_limit(s->mctx, DDDS_HEAP_LIMIT);
	st = repl_parse(s, expr + delims[1] + 1, delims[2] - delims[1] - 1, (char)d, err,
			errlen);
	if (st != RSIP_OK)
		goto done;
	{
		size_t code_size = 0;

		pcre2_pattern_info(s->code, PCRE2_INFO_SIZE, &code_size);
		s->bytes = sizeof(*s) + code_size + len * (sizeof(struct repl_piece) + 1);
	}
	*out = s;
	s = NULL;
done:
	free(pattern);
	ddds_subst_free(s);
	return st;
}

void ddds_limits_default(struct ddds_limits *lim)
{
	lim->match = DDDS_MATCH_LIMIT;
	lim->depth = DDDS_DEPTH_LIMIT;
	lim->heap = DDDS_HEAP_LIMIT;
	lim->output = DDDS_OUTPUT_MAX;
}

/* Drop one reference; the last one frees.  A compiled expression is only
 * read once built (pcre2_match() with a shared code and match context is
 * thread-safe), so holders in several threads need no lock. */
void ddds_subst_free(struct ddds_subst *s)
{
	if (s == NULL || atomic_fetch_sub(&s->refs, 1) != 1)
		return;
	pcre2_code_free(s->code);
	pcre2_match_context_free(s->mctx);
	free(s->pieces);
	free(s->lit);
	free(s);
}

/* Map a negative pcre2_match() result to a status and a sentence. */
static rsip_status match_error(int rc, char *err, size_t errlen)
{
	PCRE2_UCHAR msg[160];

	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		rsip_seterr(err, errlen, "the ERE does not match the AUS");
		return RSIP_E_NOT_FOUND;
	case PCRE2_ERROR_NOMEMORY:
		rsip_seterr(err, errlen, "out of memory matching the ERE");
		return RSIP_E_NOMEM;
	case PCRE2_ERROR_MATCHLIMIT:
	case PCRE2_ERROR_DEPTHLIMIT:
	case PCRE2_ERROR_HEAPLIMIT:
		rsip_seterr(err, errlen, "the ERE backtracks too much: matching gave up at "
			    "the %s limit", rc == PCRE2_ERROR_MATCHLIMIT ? "match" :
			    rc == PCRE2_ERROR_DEPTHLIMIT ? "depth" : "heap");
		return RSIP_E_LIMIT;
	default:
		break;
	}
	if (pcre2_get_error_message(rc, msg, sizeof(msg)) < 0)
		rsip_seterr((char *)msg, sizeof(msg), "error %d", rc);
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		rsip_seterr(err, errlen, "the AUS is not valid UTF-8: %s", (const char *)msg);
	else
		rsip_seterr(err, errlen, "matching failed: %s", (const char *)msg);
	return RSIP_E_BAD_INPUT;
}

/* Trap (c) of doc/DESIGN.md §2, AMBIG: only the first match is replaced,
 * and the text of the AUS before and after it is kept, as sed's s///
 * does: RFC 3402 §3.1 calls the expression "similar to Unix sed-style
 * substitution".  (Asterisk outputs Repl alone.)  The usual anchored rules
 * "^...$" match the whole AUS, where both readings agree; "!\+44!0!" on
 * "+441632960083" gives "01632960083" here, "0" in Asterisk.
 * The 'i' flag does not lower-case backreferences (RFC 3402 §3.2: MAY). */
rsip_status ddds_subst_apply(const struct ddds_subst *s, const char *aus, char **out,
			     char *err, size_t errlen)
{
	return ddds_subst_apply_limited(s, aus, NULL, out, err, errlen);
}

static rsip_status subst_apply(const struct ddds_subst *s, const char *aus,
			       const struct ddds_limits *lim, char **out, bool *empty,
			       char *err, size_t errlen);

rsip_status ddds_subst_apply_limited(const struct ddds_subst *s, const char *aus,
				     const struct ddds_limits *lim, char **out, char *err,
				     size_t errlen)
{
	return subst_apply(s, aus, lim, out, NULL, err, errlen);
}

/* ddds_subst_apply_limited(); *empty (may be NULL) is set when the
 * expression matched but gave an empty result. */
static rsip_status subst_apply(const struct ddds_subst *s, const char *aus,
			       const struct ddds_limits *lim, char **out, bool *empty,
			       char *err, size_t errlen)
{
	pcre2_match_data *md = NULL;
	pcre2_match_context *mctx = NULL; /* this call's limits, when not the defaults */
	PCRE2_SIZE *ov;
	size_t len, total, o, output_max = lim ? lim->output : DDDS_OUTPUT_MAX;
	char *res;
	int rc;
	rsip_status st;

	if (out != NULL)
		*out = NULL;
	if (s == NULL || aus == NULL || out == NULL) {
		rsip_seterr(err, errlen, "no expression or no AUS");
		return RSIP_E_INVALID;
	}
	len = strlen(aus);
	md = pcre2_match_data_create_from_pattern(s->code, NULL);
	if (md == NULL) {
		st = RSIP_E_NOMEM;
		rsip_seterr(err, errlen, "out of memory");
		goto done;
	}
	/* A compiled expression is shared (ddds_subst_get()'s cache) and never
	 * changed: other limits than the defaults live in a match context of
	 * this call's own (rsip_ctx_set_limit()). */
	if (lim != NULL && (lim->match != DDDS_MATCH_LIMIT || lim->depth != DDDS_DEPTH_LIMIT ||
			    lim->heap != DDDS_HEAP_LIMIT)) {
		mctx = pcre2_match_context_create(NULL);
		if (mctx == NULL) {
			st = RSIP_E_NOMEM;
			rsip_seterr(err, errlen, "out of memory");
			goto done;
		}
		pcre2_set_match_limit(mctx, lim->match);
		pcre2_set_depth_limit(mctx, lim->depth);
		pcre2_set_heap_limit(mctx, lim->heap);
	}
	rc = pcre2_match(s->code, (PCRE2_SPTR)aus, len, 0, 0, md, mctx ? mctx : s->mctx);
	if (rc < 0) {
		st = match_error(rc, err, errlen);
		goto done;
	}
	ov = pcre2_get_ovector_pointer(md);
	/* the length first, so that an oversized result is never built */
	total = ov[0] + (len - ov[1]);
	for (size_t k = 0; k < s->npieces && total <= output_max; k++) {
		unsigned g = s->pieces[k].group;

		if (g == 0)
			total += s->pieces[k].len;
		else if ((int)g < rc && ov[2 * g] != PCRE2_UNSET)
			total += ov[2 * g + 1] - ov[2 * g];
	}
	if (total > output_max) {
		rsip_seterr(err, errlen, "the result would be longer than %zu octets",
			    output_max);
		st = RSIP_E_LIMIT;
		goto done;
	}
	/* RFC 3402 §3.3: rules apply "until non-empty result are obtained" */
	if (total == 0) {
		if (empty != NULL)
			*empty = true;
		rsip_seterr(err, errlen, "the rule matched but its result is empty");
		st = RSIP_E_NOT_FOUND;
		goto done;
	}
	res = malloc(total + 1);
	if (res == NULL) {
		rsip_seterr(err, errlen, "out of memory");
		st = RSIP_E_NOMEM;
		goto done;
	}
	memcpy(res, aus, ov[0]);
	o = ov[0];
	for (size_t k = 0; k < s->npieces; k++) {
		unsigned g = s->pieces[k].group;

		if (g == 0) {
			memcpy(res + o, s->lit + s->pieces[k].off, s->pieces[k].len);
			o += s->pieces[k].len;
		} else if ((int)g < rc && ov[2 * g] != PCRE2_UNSET) {
			/* an unset group (RFC 3402 §3.2 "possibly empty") adds "" */
			memcpy(res + o, aus + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
			o += ov[2 * g + 1] - ov[2 * g];
		}
	}
	memcpy(res + o, aus + ov[1], len - ov[1]);
	o += len - ov[1];
	res[o] = '\0';
	*out = res;
	st = RSIP_OK;
done:
	pcre2_match_context_free(mctx);
	pcre2_match_data_free(md);
	return st;
}

/* ------------------------------------------------------------------ */
/* The cache of compiled expressions                  */

/* ENUM and S-NAPTR zones repeat a few expressions ("!^.*$!sip:...!") over and
 * over, and a PCRE2 compile costs tens of microseconds where a lookup costs
 * well under one.  One cache serves every context and thread of the process:
 * it is keyed by the expression string alone (the AUS is not part of a
 * compiled expression), holds refusals too, so that a hostile record seen
 * again is not compiled again, and is bounded: at most DDDS_CACHE_MAX
 * entries and DDDS_CACHE_BYTES of memory, the least recently used ones
 * dropped for a new one.  Entries
 * are reference-counted, so dropping one never frees an expression that a
 * resolution still holds. */
#define DDDS_CACHE_MAX 256
/* ...and at most this much memory: a 255-octet ERE can compile to 50 KB and
 * more ("(a|b){255}" repeated), so the entry count alone does not bound it.
 * An expression bigger than a sixteenth of the budget is not kept. */
#define DDDS_CACHE_BYTES (4u << 20)

struct cache_entry {
	size_t bytes;              /* charged to the budget */
	char *expr;
	uint64_t hash;
	uint64_t used;             /* cache tick of the last lookup */
	struct ddds_subst *subst;  /* NULL for a refusal */
	rsip_status st;            /* RSIP_OK or RSIP_E_BAD_INPUT */
	char *err;                 /* the reason of a refusal */
};

static struct {
	pthread_mutex_t lock;
	struct cache_entry entries[DDDS_CACHE_MAX];
	size_t n;
	size_t bytes;              /* sum of the entries' bytes */
	uint64_t tick;
	uint64_t hits, misses, evictions;
} cache = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* FNV-1a, 64 bits: a cheap filter before strcmp(). */
static uint64_t expr_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3u;
	}
	return h;
}

static void cache_entry_clear(struct cache_entry *e)
{
	free(e->expr);
	free(e->err);
	ddds_subst_free(e->subst);
	memset(e, 0, sizeof(*e));
}

/* Caller holds the lock.  The entry for expr, or NULL. */
static struct cache_entry *cache_find(const char *expr, uint64_t hash)
{
	for (size_t i = 0; i < cache.n; i++) {
		struct cache_entry *e = &cache.entries[i];

		if (e->hash == hash && strcmp(e->expr, expr) == 0)
			return e;
	}
	return NULL;
}

/* Caller holds the lock.  Drop the least recently used entry. */
static void cache_evict_one(void)
{
	size_t lru = 0;

	for (size_t i = 1; i < cache.n; i++)
		if (cache.entries[i].used < cache.entries[lru].used)
			lru = i;
	cache.bytes -= cache.entries[lru].bytes;
	cache_entry_clear(&cache.entries[lru]);
	cache.entries[lru] = cache.entries[--cache.n];
	memset(&cache.entries[cache.n], 0, sizeof(cache.entries[cache.n]));
	cache.evictions++;
}

/* Caller holds the lock.  Hand out what the entry holds. */
static rsip_status cache_give(struct cache_entry *e, struct ddds_subst **out, char *err,
			      size_t errlen)
{
	e->used = ++cache.tick;
	if (e->subst == NULL) {
		rsip_seterr(err, errlen, "%s", e->err);
		return e->st;
	}
	atomic_fetch_add(&e->subst->refs, 1);
	*out = e->subst;
	return RSIP_OK;
}

rsip_status ddds_subst_get(const char *expr, struct ddds_subst **out, char *err,
			   size_t errlen)
{
	struct ddds_subst *s = NULL;
	struct cache_entry *e, fresh;
	char reason[RSIP_ERRLEN] = "";
	uint64_t hash;
	rsip_status st;

	if (out != NULL)
		*out = NULL;
	if (expr == NULL || out == NULL) {
		rsip_seterr(err, errlen, "no substitution expression");
		return RSIP_E_INVALID;
	}
	/* Longer ones cannot come from DNS and are refused without a trace. */
	if (strlen(expr) > DDDS_EXPR_MAX)
		return ddds_subst_compile(expr, out, err, errlen);
	hash = expr_hash(expr);
	pthread_mutex_lock(&cache.lock);
	e = cache_find(expr, hash);
	if (e != NULL) {
		cache.hits++;
		st = cache_give(e, out, err, errlen);
		pthread_mutex_unlock(&cache.lock);
		return st;
	}
	cache.misses++;
	pthread_mutex_unlock(&cache.lock);

	/* Compile outside the lock: other threads' lookups go on meanwhile. */
	st = ddds_subst_compile(expr, &s, reason, sizeof(reason));
	if (st != RSIP_OK && st != RSIP_E_BAD_INPUT) { /* out of memory: not cached */
		rsip_seterr(err, errlen, "%s", reason);
		return st;
	}
	memset(&fresh, 0, sizeof(fresh));
	fresh.expr = rsip_strdup(expr);
	fresh.err = st == RSIP_OK ? NULL : rsip_strdup(reason);
	if (fresh.expr == NULL || (st != RSIP_OK && fresh.err == NULL)) {
		/* No room to remember it: still a valid answer for this caller. */
		free(fresh.expr);
		free(fresh.err);
		rsip_seterr(err, errlen, "%s", reason);
		*out = s;
		return st;
	}
	fresh.hash = hash;
	fresh.subst = s;
	fresh.st = st;
	fresh.bytes = sizeof(fresh) + 2 * (strlen(expr) + 1) + (s != NULL ? s->bytes : 0);
	if (fresh.bytes > DDDS_CACHE_BYTES / 16) {
		/* too big to keep: this caller alone gets it */
		free(fresh.expr);
		free(fresh.err);
		rsip_seterr(err, errlen, "%s", reason);
		*out = s;
		return st;
	}

	pthread_mutex_lock(&cache.lock);
	e = cache_find(expr, hash); /* another thread may have been faster */
	if (e == NULL) {
		while (cache.n > 0 && (cache.n == DDDS_CACHE_MAX ||
				       cache.bytes + fresh.bytes > DDDS_CACHE_BYTES))
			cache_evict_one();
		e = &cache.entries[cache.n++];
		*e = fresh;
		cache.bytes += fresh.bytes;
		memset(&fresh, 0, sizeof(fresh));
	}
	st = cache_give(e, out, err, errlen);
	pthread_mutex_unlock(&cache.lock);
	cache_entry_clear(&fresh); /* the loser of a race drops its copy */
	return st;
}

void ddds_cache_stats(struct ddds_cache_stats *stats)
{
	if (stats == NULL)
		return;
	pthread_mutex_lock(&cache.lock);
	stats->hits = cache.hits;
	stats->misses = cache.misses;
	stats->evictions = cache.evictions;
	stats->entries = cache.n;
	stats->capacity = DDDS_CACHE_MAX;
	stats->bytes = cache.bytes;
	stats->bytes_max = DDDS_CACHE_BYTES;
	pthread_mutex_unlock(&cache.lock);
}

void ddds_cache_clear(void)
{
	pthread_mutex_lock(&cache.lock);
	for (size_t i = 0; i < cache.n; i++)
		cache_entry_clear(&cache.entries[i]);
	cache.n = 0;
	cache.bytes = 0;
	cache.hits = cache.misses = cache.evictions = 0;
	pthread_mutex_unlock(&cache.lock);
}

/* Free the cache when the library is unloaded (or the program ends), so
 * that leak checkers see nothing left behind. */
__attribute__((destructor)) static void ddds_cache_unload(void)
{
	ddds_cache_clear();
}

/* ------------------------------------------------------------------ */
/* Rules: validation before ordering, application (RFC 3403 §4.1)       */

/* RFC 1035 §2.3.4 and §3.1: a domain name in presentation form (as ldns
 * prints it, "\." and "\DDD" escapes counting as one octet), with or without
 * its trailing dot: labels of 1 to 63 octets, at most 255 octets in wire
 * form; printable ASCII only (a name from a regexp with a space or a control
 * character in it is no key).  The root alone is not a key. */
bool ddds_key_valid(const char *name)
{
	size_t wire = 1, label = 0; /* the root octet */
	const char *p;

	if (name == NULL || name[0] == '\0' || strcmp(name, ".") == 0)
		return false;
	for (p = name; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (c == '.') {
			if (label == 0)
				return false; /* ".x", "x..y" */
			wire += label + 1;
			label = 0;
			continue;
		}
		if (c == '\\') {
			if (rsip_is_digit((unsigned char)p[1])) {
				if (!rsip_is_digit((unsigned char)p[2]) ||
				    !rsip_is_digit((unsigned char)p[3]) ||
				    (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0') > 255)
					return false;
				p += 3;
			} else if (p[1] > 0x20 && p[1] < 0x7f) {
				p++;
			} else {
				return false;
			}
		}
		if (++label > 63)
			return false;
	}
	if (label > 0)
		wire += label + 1; /* a last label without its trailing dot */
	return wire <= 255;
}

bool ddds_rule_terminal(const struct ddds_rule *r)
{
	return r != NULL && r->flags != NULL && r->flags[0] != '\0';
}

/* A field is "set" when it is not empty (and, for the replacement, not "."). */
static bool regexp_set(const struct ddds_rule *r)
{
	return r->regexp != NULL && r->regexp[0] != '\0';
}

static bool replacement_set(const struct ddds_rule *r)
{
	return r->replacement != NULL && r->replacement[0] != '\0' &&
	       strcmp(r->replacement, ".") != 0;
}

rsip_status ddds_rule_check(const struct ddds_rule *r, const char *terminal_flags,
			    struct ddds_subst **subst, char *err, size_t errlen)
{
	char cb[8];

	if (subst != NULL)
		*subst = NULL;
	if (r == NULL || subst == NULL) {
		rsip_seterr(err, errlen, "no rule");
		return RSIP_E_INVALID;
	}
	if (r->defect != NULL) {
		rsip_seterr(err, errlen, "%s", r->defect);
		return RSIP_E_BAD_INPUT;
	}
	if (!ddds_flags_valid(r->flags)) {
		rsip_seterr(err, errlen, "flags \"%s\" are not letters and digits "
			    "(RFC 3403 §4.1)", r->flags ? r->flags : "");
		return RSIP_E_BAD_INPUT;
	}
	/* RFC 3403 §4.1: "It is up to the Application ... to define the Flags";
	 * a flag it does not define makes the record unusable. */
	if (terminal_flags != NULL) {
		for (const char *f = r->flags; *f != '\0'; f++) {
			const char *t = terminal_flags;

			while (*t != '\0' && rsip_lower((unsigned char)*t) !=
			       rsip_lower((unsigned char)*f))
				t++;
			if (*t == '\0') {
				rsip_seterr(err, errlen, "unknown flag '%s' (the application "
					    "defines \"%s\"; RFC 3403 §4.1)",
					    show_byte((unsigned char)*f, cb, sizeof(cb)),
					    terminal_flags);
				return RSIP_E_BAD_INPUT;
			}
		}
	}
	/* RFC 3403 §4.1: "The fields are also mutually exclusive.  If a
	 * record is returned that has values for both fields then it is
	 * considered to be in error". */
	if (!ddds_rule_has_one_rewrite(r)) {
		if (regexp_set(r))
			rsip_seterr(err, errlen, "regexp and replacement are both set; they "
				    "are mutually exclusive (RFC 3403 §4.1)");
		else
			rsip_seterr(err, errlen, "neither a regexp nor a replacement: the rule "
				    "rewrites to nothing (RFC 3403 §4.1)");
		return RSIP_E_BAD_INPUT;
	}
	/* RFC 3403 §4.1: the replacement "MUST be a fully qualified domain-name" */
	if (replacement_set(r)) {
		if (!ddds_key_valid(r->replacement)) {
			rsip_seterr(err, errlen, "the replacement \"%s\" is not a domain name "
				    "(RFC 3403 §4.1)", r->replacement);
			return RSIP_E_BAD_INPUT;
		}
		return RSIP_OK;
	}
	return ddds_subst_get(r->regexp, subst, err, errlen);
}

rsip_status ddds_rule_apply(const struct ddds_rule *r, const struct ddds_subst *subst,
			    const char *aus, const struct ddds_limits *lim, char **out,
			    bool *empty, char *err, size_t errlen)
{
	rsip_status st;

	if (out != NULL)
		*out = NULL;
	if (empty != NULL)
		*empty = false;
	if (r == NULL || aus == NULL || out == NULL) {
		rsip_seterr(err, errlen, "no rule or no AUS");
		return RSIP_E_INVALID;
	}
	if (subst == NULL) {
		/* RFC 3403 §4.1: the replacement "is used when the regular
		 * expression is a simple replacement operation". */
		if (!replacement_set(r)) {
			rsip_seterr(err, errlen, "the rule was not checked");
			return RSIP_E_INVALID;
		}
		*out = rsip_strdup(r->replacement);
		if (*out == NULL) {
			rsip_seterr(err, errlen, "out of memory");
			return RSIP_E_NOMEM;
		}
		return RSIP_OK;
	}
	/* RFC 3402 §3: always applied to the original AUS */
	st = subst_apply(subst, aus, lim, out, empty, err, errlen);
	if (st != RSIP_OK || ddds_rule_terminal(r))
		return st;
	/* RFC 3402 §3.3 step 5: a non-terminal result is the next key; RFC 3403
	 * §4.1: check that it is a legal one. */
	if (!ddds_key_valid(*out)) {
		rsip_seterr(err, errlen, "the rule gave \"%.64s\", which is no legal domain "
			    "name for the next key (RFC 3403 §4.1)", *out);
		free(*out);
		*out = NULL;
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}
