/* teluri.c - tel: URIs, RFC 3966 §3-5, RFC 4694 §4, RFC 4759; ENUM AUS, RFC 6116 §3.1/§3.7. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ITU-T E.164: at most 15 digits.  This is ENUM policy only: RFC 3966 §5.1
 * forbids assuming any maximum length, so tel_parse() accepts longer numbers
 * and only tel_to_aus() refuses them. */
#define E164_MAX_DIGITS 15

/* The parameters with a meaning of their own, as bits of a "seen" mask. */
enum tel_known_param {
	TP_EXT = 1u << 0,
	TP_ISUB = 1u << 1,
	TP_CONTEXT = 1u << 2,
	TP_RN = 1u << 3,
	TP_RN_CONTEXT = 1u << 4,
	TP_CIC = 1u << 5,
	TP_CIC_CONTEXT = 1u << 6,
	TP_NPDI = 1u << 7,
	TP_ENUMDI = 1u << 8
};

/* What a parse needs to word its errors. */
struct tel_ctx {
	const char *in; /* the whole input, for positions in messages */
	char *err;
	size_t errlen;
	bool rn_local, cic_local;
};

static bool is_alnum(int c)
{
	return rsip_is_digit(c) || rsip_is_alpha(c);
}

/* RFC 3966 §3 visual-separator; §5.1.1: spaces are not among them. */
static bool is_visual_separator(int c)
{
	return c == '-' || c == '.' || c == '(' || c == ')';
}

/* v without its visual separators (RFC 3966 §3), lower-cased, every other
 * character one that allowed() accepts: 0; -1 when out of memory; 1 with
 * *bad the first character refused. */
static int strip_separators(const char *v, bool (*allowed)(int), char **outp, int *bad)
{
	char *d = malloc(strlen(v) + 1), *w = d;

	*outp = NULL;
	if (d == NULL)
		return -1;
	for (const char *p = v; *p; p++) {
		int ch = (unsigned char)*p;
		if (is_visual_separator(ch))
			continue;
		if (!allowed(ch)) {
			*bad = ch;
			free(d);
			return 1;
		}
		*w++ = (char)rsip_lower(ch);
	}
	*w = '\0';
	*outp = d;
	return 0;
}

static bool is_hex_digit(int c)
{
	return rsip_is_hex(c);
}

static bool is_decimal_digit(int c)
{
	return rsip_is_digit(c);
}

/* RFC 3966 §3 paramchar without pct-encoded: param-unreserved / unreserved. */
static bool is_paramchar(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("-_.!~*'()[]/:&+$", c) != NULL);
}

/* The reserved characters that RFC 3966's uric adds to paramchar, minus ';'
 * which ends the value (see parse_param() on errata 202/203). */
static bool is_isub_extra(int c)
{
	return c != '\0' && strchr("?@=,", c) != NULL;
}

static int hex_value(int c)
{
	if (rsip_is_digit(c))
		return c - '0';
	c = rsip_lower(c);
	return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

static size_t pos_of(const struct tel_ctx *c, const char *p)
{
	return (size_t)(p - c->in) + 1;
}

static rsip_status nomem(struct tel_ctx *c)
{
	rsip_seterr(c->err, c->errlen, "Out of memory while parsing the tel URI.");
	return RSIP_E_NOMEM;
}

/* Read one character of the number at *pp into *ch, decoding %XX (RFC 3966 §3:
 * a character other than reserved and unsafe ones equals its escape).  Sets
 * *escaped.  Returns false (with err set) on a malformed escape. */
static bool read_number_char(struct tel_ctx *c, const char **pp, int *ch, bool *escaped)
{
	const char *p = *pp;
	int hi, lo;

	if (*p != '%') {
		*ch = (unsigned char)*p;
		*escaped = false;
		*pp = p + 1;
		return true;
	}
	hi = hex_value((unsigned char)p[1]);
	lo = hi < 0 ? -1 : hex_value((unsigned char)p[2]);
	if (hi < 0 || lo < 0) {
		rsip_seterr(c->err, c->errlen,
			    "The number has a bad percent escape at position %zu; '%%' must be "
			    "followed by two hex digits (RFC 3966 §3).", pos_of(c, p));
		return false;
	}
	*ch = hi * 16 + lo;
	*escaped = true;
	*pp = p + 3;
	return true;
}

/* The number part, [s, e): RFC 3966 §3 global-number-digits (a '+', then
 * digits and separators, at least one digit) or local-number-digits (hex
 * digits, '*', '#' and separators, at least one that is not a separator). */
static rsip_status parse_number(struct tel_ctx *c, const char *s, const char *e,
				struct tel_uri *out)
{
	char what[16];
	char *num, *w;
	const char *p = s;
	size_t digits = 0;

	num = malloc((size_t)(e - s) + 2);
	if (num == NULL)
		return nomem(c);
	w = num;
	out->global = (*s == '+');
	if (out->global)
		*w++ = *p++;
	while (p < e) {
		const char *at = p;
		int ch;
		bool escaped;

		/* an escape cannot run past e: ';' is not a hex digit */
		if (!read_number_char(c, &p, &ch, &escaped))
			goto bad;
		if (is_visual_separator(ch))
			continue;
		if (rsip_is_digit(ch) ||
		    (!out->global && (rsip_is_hex(ch) || ch == '*' || ch == '#'))) {
			*w++ = (char)rsip_lower(ch);
			digits++;
			continue;
		}
		rsip_describe_char(ch, what, sizeof(what));
		if (ch == ' ')
			rsip_seterr(c->err, c->errlen,
				    "The number has a space at position %zu; tel URIs must not "
				    "use spaces as visual separators, only -.() (RFC 3966 "
				    "§5.1.1).", pos_of(c, at));
		else if (ch == '+' && escaped)
			rsip_seterr(c->err, c->errlen,
				    "The number has an escaped '+' (%%2B) at position %zu; the "
				    "'+' of a global number must not be percent-encoded and "
				    "may only lead it (RFC 3966 §3).", pos_of(c, at));
		else if (out->global && (rsip_is_hex(ch) || ch == '*' || ch == '#'))
			rsip_seterr(c->err, c->errlen,
				    "The global number has %s at position %zu; global numbers "
				    "take only digits and the separators -.() (RFC 3966 "
				    "§5.1.3).", what, pos_of(c, at));
		else
			rsip_seterr(c->err, c->errlen,
				    "The number has %s at position %zu, which is not a %s "
				    "or a visual separator -.() (RFC 3966 §3).", what,
				    pos_of(c, at),
				    out->global ? "digit" : "hex digit, '*', '#'");
		goto bad;
	}
	*w = '\0';
	if (digits == 0) {
		if (out->global)
			rsip_seterr(c->err, c->errlen,
				    "The global number has no digit; '+' must be followed by at "
				    "least one digit (RFC 3966 §3).");
		else
			rsip_seterr(c->err, c->errlen,
				    "The tel URI has no number; a local number needs at least "
				    "one hex digit, '*' or '#' (RFC 3966 §3).");
		goto bad;
	}
	out->number = num;
	return RSIP_OK;
bad:
	free(num);
	return RSIP_E_BAD_INPUT;
}

/* Percent-decode the value [v, v+n) of parameter name into *outp, checking
 * each literal character: RFC 3966 §3 paramchar, or for isub the wider uric
 * (without ';').  A decoded NUL is refused: it cannot live in a C string. */
static rsip_status decode_value(struct tel_ctx *c, const char *name, const char *v,
				size_t n, bool isub, char **outp)
{
	char what[16];
	char *d, *w;
	size_t i;

	*outp = NULL;
	d = malloc(n + 1);
	if (d == NULL)
		return nomem(c);
	w = d;
	for (i = 0; i < n; i++) {
		int ch = (unsigned char)v[i];
		if (ch == '%') {
			int hi = i + 1 < n ? hex_value((unsigned char)v[i + 1]) : -1;
			int lo = i + 2 < n ? hex_value((unsigned char)v[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				rsip_seterr(c->err, c->errlen,
					    "The value of %s has a bad percent escape at "
					    "position %zu; '%%' must be followed by two hex "
					    "digits (RFC 3966 §3).", name, pos_of(c, v + i));
				goto bad;
			}
			if (hi == 0 && lo == 0) {
				rsip_seterr(c->err, c->errlen,
					    "The value of %s has an escaped NUL (%%00) at "
					    "position %zu, which is not supported.", name,
					    pos_of(c, v + i));
				goto bad;
			}
			*w++ = (char)(hi * 16 + lo);
			i += 2;
			continue;
		}
		if (is_paramchar(ch) || (isub && is_isub_extra(ch))) {
			*w++ = (char)ch;
			continue;
		}
		rsip_describe_char(ch, what, sizeof(what));
		rsip_seterr(c->err, c->errlen,
			    "The value of %s has %s at position %zu, which must be "
			    "percent-encoded in a parameter value (RFC 3966 §3).", name, what,
			    pos_of(c, v + i));
		goto bad;
	}
	*w = '\0';
	*outp = d;
	return RSIP_OK;
bad:
	free(d);
	return RSIP_E_BAD_INPUT;
}

/* RFC 3966 §3 domainname = *( domainlabel "." ) toplabel [ "." ], where a
 * label is alphanumerics with inner '-' and the toplabel starts with ALPHA. */
static bool domain_valid(const char *s)
{
	size_t n = strlen(s);
	const char *label = s, *end;

	if (n > 0 && s[n - 1] == '.')
		n--; /* one trailing dot is allowed */
	if (n == 0)
		return false;
	end = s + n;
	while (label < end) {
		const char *p = label;
		while (p < end && *p != '.')
			p++;
		if (p == label || !is_alnum((unsigned char)label[0]) ||
		    !is_alnum((unsigned char)p[-1]))
			return false;
		for (const char *q = label; q < p; q++)
			if (!is_alnum((unsigned char)*q) && *q != '-')
				return false;
		if (p == end) /* the toplabel */
			return rsip_is_alpha((unsigned char)label[0]);
		label = p + 1;
	}
	return false; /* "a..": an empty label before the end */
}

/* Copy "+" digits with the separators removed.  RFC 3966 §3
 * global-number-digits when !hex (at least one DIGIT anywhere); RFC 4694 §4
 * global-hex-digits when hex ("+" 1*3DIGIT *hex-phonedigit: a DIGIT first).
 * Returns 0, 1 on a syntax error, -1 when out of memory. */
static int global_digits(const char *v, bool hex, char **outp)
{
	char *d, *w;
	size_t digits = 0;

	*outp = NULL;
	if (v[0] != '+' || (hex && !rsip_is_digit((unsigned char)v[1])))
		return 1;
	d = malloc(strlen(v) + 1);
	if (d == NULL)
		return -1;
	w = d;
	*w++ = '+';
	for (const char *p = v + 1; *p; p++) {
		int ch = (unsigned char)*p;
		if (is_visual_separator(ch))
			continue;
		if (!rsip_is_digit(ch) && !(hex && rsip_is_hex(ch))) {
			free(d);
			return 1;
		}
		*w++ = (char)rsip_lower(ch);
		digits++;
	}
	*w = '\0';
	if (digits == 0) {
		free(d);
		return 1;
	}
	*outp = d;
	return 0;
}

/* A context value (decoded): RFC 3966 §3 descriptor (hex false) or RFC 4694 §4
 * rn-descriptor (hex true).  Stored as "+" and digits without separators, or
 * as the domain lower-cased without its trailing dot (RFC 3966 §4 compares it
 * as a host name). */
static rsip_status parse_descriptor(struct tel_ctx *c, const char *name, const char *v,
				    bool hex, char **outp)
{
	if (v[0] == '+') {
		int r = global_digits(v, hex, outp);
		if (r < 0)
			return nomem(c);
		if (r > 0) {
			rsip_seterr(c->err, c->errlen,
				    "The value of %s, \"%s\", is not '+' and %s with optional "
				    "separators -.() (RFC %s).", name, v,
				    hex ? "a digit then hex digits" : "digits",
				    hex ? "4694 §4" : "3966 §3");
			return RSIP_E_BAD_INPUT;
		}
		return RSIP_OK;
	}
	if (!domain_valid(v)) {
		rsip_seterr(c->err, c->errlen,
			    "The value of %s, \"%s\", is neither a domain name (labels of "
			    "letters, digits and '-', the last starting with a letter) nor "
			    "'+' and digits (RFC %s).", name, v, hex ? "4694 §4" : "3966 §3");
		return RSIP_E_BAD_INPUT;
	}
	*outp = rsip_strdup(v);
	if (*outp == NULL)
		return nomem(c);
	rsip_strlower(*outp);
	if ((*outp)[strlen(*outp) - 1] == '.')
		(*outp)[strlen(*outp) - 1] = '\0';
	return RSIP_OK;
}

/* RFC 4694 §4: rn and cic are global-hex-digits, or a local hex-phonedigit
 * string starting with a hex digit (which then needs its context).  Stored
 * without separators, hex lower-cased. */
static rsip_status parse_routing_number(struct tel_ctx *c, const char *name,
					const char *v, char **outp, bool *local)
{
	int r, bad;

	*local = (v[0] != '+');
	if (!*local) {
		r = global_digits(v, true, outp);
		if (r < 0)
			return nomem(c);
		if (r > 0) {
			rsip_seterr(c->err, c->errlen,
				    "The value of %s, \"%s\", is not '+', a digit, then hex "
				    "digits and separators -.() (RFC 4694 §4).", name, v);
			return RSIP_E_BAD_INPUT;
		}
		return RSIP_OK;
	}
	if (!rsip_is_hex((unsigned char)v[0])) {
		rsip_seterr(c->err, c->errlen,
			    "The value of %s, \"%s\", must start with '+' or a hex digit "
			    "(RFC 4694 §4).", name, v);
		return RSIP_E_BAD_INPUT;
	}
	r = strip_separators(v, is_hex_digit, outp, &bad);
	if (r < 0)
		return nomem(c);
	if (r > 0) {
		char what[16];
		rsip_describe_char(bad, what, sizeof(what));
		rsip_seterr(c->err, c->errlen,
			    "The value of %s, \"%s\", has %s; only hex digits and the "
			    "separators -.() are allowed (RFC 4694 §4).", name, v, what);
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}

/* RFC 3966 §3 extension = ";ext=" 1*phonedigit, stored without separators:
 * ";ext=-" is grammatical and gives "". */
static rsip_status parse_ext(struct tel_ctx *c, const char *v, char **outp)
{
	int bad, r = strip_separators(v, is_decimal_digit, outp, &bad);
	char what[16];

	if (r < 0)
		return nomem(c);
	if (r > 0) {
		rsip_describe_char(bad, what, sizeof(what));
		rsip_seterr(c->err, c->errlen,
			    "The value of ext, \"%s\", has %s; an extension is digits "
			    "and the separators -.() (RFC 3966 §3).", v, what);
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}

/* Append an unknown (or otherwise unmodelled) parameter; takes ownership. */
static rsip_status add_param(struct tel_ctx *c, struct tel_uri *out, char *name,
			     char *value)
{
	struct tel_param *p;

	p = realloc(out->params, (out->nparams + 1) * sizeof(*p));
	if (p == NULL) {
		free(name);
		free(value);
		return nomem(c);
	}
	out->params = p;
	p[out->nparams].name = name;
	p[out->nparams].value = value;
	out->nparams++;
	return RSIP_OK;
}

static bool param_listed(const struct tel_uri *t, const char *name)
{
	for (size_t i = 0; i < t->nparams; i++)
		if (strcmp(t->params[i].name, name) == 0)
			return true;
	return false;
}

static unsigned known_param_bit(const char *name)
{
	static const struct {
		const char *name;
		unsigned bit;
	} known[] = {
		{"ext", TP_EXT}, {"isub", TP_ISUB}, {"phone-context", TP_CONTEXT},
		{"rn", TP_RN}, {"rn-context", TP_RN_CONTEXT}, {"cic", TP_CIC},
		{"cic-context", TP_CIC_CONTEXT}, {"npdi", TP_NPDI}, {"enumdi", TP_ENUMDI},
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(known[i].name, name) == 0)
			return known[i].bit;
	return 0;
}

/* One parameter: lname is its lower-cased name (owned here), v/vlen its raw
 * value (v NULL when there is no '=').  *seen collects the known ones. */
static rsip_status parse_param(struct tel_ctx *c, char *lname, const char *v, size_t vlen,
			       struct tel_uri *out, unsigned *seen)
{
	unsigned bit = known_param_bit(lname);
	char *value = NULL;
	rsip_status rc;

	/* AMBIG: phone-context belongs to local numbers (RFC 3966 §5.1.5); on a
	 * global number we keep it as a generic parameter in params[] (it
	 * still counts for comparison) and leave phone_context NULL. */
	if (bit == TP_CONTEXT && out->global)
		bit = 0;
	/* RFC 3966 §3, RFC 4694 §4, RFC 4759: each parameter at most once. */
	if ((bit != 0 && (*seen & bit)) || (bit == 0 && param_listed(out, lname))) {
		rsip_seterr(c->err, c->errlen,
			    "The parameter %s appears more than once; each tel URI parameter "
			    "may appear only once (RFC 3966 §3).", lname);
		rc = RSIP_E_BAD_INPUT;
		goto done;
	}
	*seen |= bit;
	/* RFC 3966 §5.4: "m-" marks a mandatory parameter; we know none, and a
	 * URI with an unknown mandatory parameter MUST NOT be used. */
	if (bit == 0 && strncmp(lname, "m-", 2) == 0) {
		rsip_seterr(c->err, c->errlen,
			    "The tel URI has the unknown mandatory parameter %s, so it must not "
			    "be used (RFC 3966 §5.4).", lname);
		rc = RSIP_E_BAD_INPUT;
		goto done;
	}
	if (bit == TP_NPDI || bit == TP_ENUMDI) {
		if (v != NULL) {
			rsip_seterr(c->err, c->errlen,
				    "The parameter %s takes no value (%s).", lname,
				    bit == TP_NPDI ? "RFC 4694 §4" : "RFC 4759");
			rc = RSIP_E_BAD_INPUT;
			goto done;
		}
		if (bit == TP_NPDI)
			out->npdi = true;
		else
			out->enumdi = true;
		rc = RSIP_OK;
		goto done;
	}
	if (v == NULL && bit != 0) {
		rsip_seterr(c->err, c->errlen, "The parameter %s needs a value (RFC %s).",
			    lname,
			    (bit & (TP_EXT | TP_ISUB | TP_CONTEXT)) ? "3966 §3" : "4694 §4");
		rc = RSIP_E_BAD_INPUT;
		goto done;
	}
	if (v != NULL) {
		/* RFC 3966 §3 has isdn-subaddress = ";isub=" 1*uric, and uric
		 * holds ';', so read literally isub swallows every later
		 * parameter; the ABNF has verified errata (EID 202, 203).  We end
		 * the isub value at the next ';' like any other value, and accept
		 * the other reserved characters of uric ("?@=,") in it. */
		rc = decode_value(c, lname, v, vlen, bit == TP_ISUB, &value);
		if (rc != RSIP_OK)
			goto done;
	}
	switch (bit) {
	case TP_EXT:
		rc = parse_ext(c, value, &out->ext);
		break;
	case TP_ISUB:
		out->isub = value;
		value = NULL;
		rc = RSIP_OK;
		break;
	case TP_CONTEXT:
		rc = parse_descriptor(c, lname, value, false, &out->phone_context);
		break;
	case TP_RN:
		rc = parse_routing_number(c, lname, value, &out->rn, &c->rn_local);
		break;
	case TP_RN_CONTEXT:
		rc = parse_descriptor(c, lname, value, true, &out->rn_context);
		break;
	case TP_CIC:
		rc = parse_routing_number(c, lname, value, &out->cic, &c->cic_local);
		break;
	case TP_CIC_CONTEXT: {
		/* RFC 4694 §4 cic-context: no field of its own; checked, then kept
		 * in params[] as given (decoded). */
		char *norm = NULL;
		rc = parse_descriptor(c, lname, value, true, &norm);
		free(norm);
		if (rc == RSIP_OK) {
			rc = add_param(c, out, lname, value);
			lname = NULL;
			value = NULL;
		}
		break;
	}
	default:
		/* RFC 3966 §5.4: unknown optional parameters are kept unchanged. */
		rc = add_param(c, out, lname, value);
		lname = NULL;
		value = NULL;
		break;
	}
done:
	free(lname);
	free(value);
	return rc;
}

/* Rules that span parameters, checked once all are read. */
static rsip_status check_combinations(struct tel_ctx *c, const struct tel_uri *out,
				      unsigned seen)
{
	if ((seen & TP_EXT) && (seen & TP_ISUB)) {
		rsip_seterr(c->err, c->errlen,
			    "The tel URI has both isub and ext; at most one of them may "
			    "appear (RFC 3966 §5.3).");
		return RSIP_E_BAD_INPUT;
	}
	if (!out->global && !(seen & TP_CONTEXT)) {
		rsip_seterr(c->err, c->errlen,
			    "The local number %s has no phone-context parameter; local numbers "
			    "must have one (RFC 3966 §5.1.5).", out->number);
		return RSIP_E_BAD_INPUT;
	}
	if ((seen & TP_RN) && c->rn_local && !(seen & TP_RN_CONTEXT)) {
		rsip_seterr(c->err, c->errlen,
			    "The local routing number rn=%s has no rn-context parameter "
			    "(RFC 4694 §4).", out->rn);
		return RSIP_E_BAD_INPUT;
	}
	if ((seen & TP_RN_CONTEXT) && !((seen & TP_RN) && c->rn_local)) {
		rsip_seterr(c->err, c->errlen,
			    "The parameter rn-context is only allowed with a local rn "
			    "(RFC 4694 §4).");
		return RSIP_E_BAD_INPUT;
	}
	if ((seen & TP_CIC) && c->cic_local && !(seen & TP_CIC_CONTEXT)) {
		rsip_seterr(c->err, c->errlen,
			    "The local carrier code cic=%s has no cic-context parameter "
			    "(RFC 4694 §4).", out->cic);
		return RSIP_E_BAD_INPUT;
	}
	if ((seen & TP_CIC_CONTEXT) && !((seen & TP_CIC) && c->cic_local)) {
		rsip_seterr(c->err, c->errlen,
			    "The parameter cic-context is only allowed with a local cic "
			    "(RFC 4694 §4).");
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}

rsip_status tel_parse(const char *in, struct tel_uri *out, char *err, size_t errlen)
{
	struct tel_ctx c = {in, err, errlen, false, false};
	const char *s, *e, *p;
	unsigned seen = 0;
	rsip_status rc;

	if (out == NULL)
		return RSIP_E_INVALID;
	memset(out, 0, sizeof(*out));
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (in == NULL) {
		rsip_seterr(err, errlen, "No tel URI was given.");
		return RSIP_E_INVALID;
	}
	/* RFC 3986 §3.1: schemes are case-insensitive.  A bare "+..." is taken
	 * as the subscriber part of a tel URI (RFC 3966 §5.1.4). */
	if (rsip_strncasecmp(in, "tel:", 4) == 0) {
		s = in + 4;
	} else if (in[0] == '+') {
		s = in;
	} else {
		rsip_seterr(err, errlen,
			    "\"%.64s\" is neither a tel: URI nor a '+' E.164 number.", in);
		return RSIP_E_BAD_INPUT;
	}
	e = s + strcspn(s, ";");
	rc = parse_number(&c, s, e, out);
	if (rc != RSIP_OK)
		goto done;
	p = e;
	while (*p == ';') {
		const char *name = p + 1, *q = name, *v = NULL;
		size_t vlen = 0;
		char *lname;

		while (*q != '\0' && *q != ';' && *q != '=')
			q++;
		if (q == name) {
			rsip_seterr(err, errlen,
				    "The tel URI has an empty parameter name at position %zu "
				    "(RFC 3966 §3).", pos_of(&c, name));
			rc = RSIP_E_BAD_INPUT;
			goto done;
		}
		/* RFC 3966 §3 pname = 1*( alphanum / "-" ) */
		for (const char *n = name; n < q; n++) {
			if (!is_alnum((unsigned char)*n) && *n != '-') {
				char what[16];
				rsip_describe_char((unsigned char)*n, what, sizeof(what));
				rsip_seterr(err, errlen,
					    "The parameter name \"%.*s\" has %s at position %zu; "
					    "names are letters, digits and '-' (RFC 3966 §3).",
					    (int)(q - name), name, what, pos_of(&c, n));
				rc = RSIP_E_BAD_INPUT;
				goto done;
			}
		}
		if (*q == '=') {
			v = q + 1;
			q = v + strcspn(v, ";");
			vlen = (size_t)(q - v);
			if (vlen == 0) {
				rsip_seterr(err, errlen,
					    "The parameter %.*s has '=' but no value at position "
					    "%zu (RFC 3966 §3).", (int)(v - 1 - name), name,
					    pos_of(&c, v - 1));
				rc = RSIP_E_BAD_INPUT;
				goto done;
			}
			lname = rsip_strndup(name, (size_t)(v - 1 - name));
		} else {
			lname = rsip_strndup(name, (size_t)(q - name));
		}
		if (lname == NULL) {
			rc = nomem(&c);
			goto done;
		}
		rsip_strlower(lname); /* RFC 3966 §4: names compare case-insensitively */
		rc = parse_param(&c, lname, v, vlen, out, &seen);
		if (rc != RSIP_OK)
			goto done;
		p = q;
	}
	rc = check_combinations(&c, out, seen);
done:
	if (rc != RSIP_OK)
		tel_uri_clear(out);
	return rc;
}

void tel_uri_clear(struct tel_uri *t)
{
	if (t == NULL)
		return;
	free(t->number);
	free(t->ext);
	free(t->isub);
	free(t->phone_context);
	free(t->rn);
	free(t->rn_context);
	free(t->cic);
	for (size_t i = 0; i < t->nparams; i++) {
		free(t->params[i].name);
		free(t->params[i].value);
	}
	free(t->params);
	memset(t, 0, sizeof(*t));
}

/* Both NULL, or both set and equal ignoring ASCII case (RFC 3966 §4). */
static bool same_ci(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return rsip_strcasecmp(a, b) == 0;
}

static const struct tel_param *find_param(const struct tel_uri *t, const char *name)
{
	for (size_t i = 0; i < t->nparams; i++)
		if (rsip_strcasecmp(t->params[i].name, name) == 0)
			return &t->params[i];
	return NULL;
}

/* RFC 3966 §4.  The parsed form already has the separators removed and each
 * context normalized, so what is left is field-by-field, case-insensitive
 * comparison, with the unmodelled parameters matched by name. */
bool tel_equal(const struct tel_uri *a, const struct tel_uri *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	if (a->global != b->global || !same_ci(a->number, b->number) ||
	    !same_ci(a->ext, b->ext) || !same_ci(a->isub, b->isub) ||
	    !same_ci(a->phone_context, b->phone_context) || !same_ci(a->rn, b->rn) ||
	    !same_ci(a->rn_context, b->rn_context) || !same_ci(a->cic, b->cic) ||
	    a->npdi != b->npdi || a->enumdi != b->enumdi || a->nparams != b->nparams)
		return false;
	/* Each name appears once, so equal counts and every name of a found in
	 * b with the same value means the same set (RFC 3966 §4: a parameter
	 * present in only one URI makes them unequal). */
	for (size_t i = 0; i < a->nparams; i++) {
		const struct tel_param *pb = find_param(b, a->params[i].name);
		if (pb == NULL || !same_ci(a->params[i].value, pb->value))
			return false;
	}
	return true;
}

rsip_status tel_to_aus(const struct tel_uri *t, char *aus, size_t auslen, char *err,
		       size_t errlen)
{
	size_t len;

	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (aus != NULL && auslen > 0)
		aus[0] = '\0';
	if (t == NULL || t->number == NULL || aus == NULL) {
		rsip_seterr(err, errlen, "tel_to_aus() needs a parsed tel URI and a buffer.");
		return RSIP_E_INVALID;
	}
	/* RFC 6116 §3.7: ENUM is for E.164 numbers only, never local ones. */
	if (!t->global) {
		const char *ctx = t->phone_context ? t->phone_context : "(none)";
		rsip_seterr(err, errlen,
			    "tel:%s;phone-context=%s is a local number (phone-context %s); "
			    "ENUM takes only global E.164 numbers (RFC 6116 §3.7).", t->number,
			    ctx, ctx);
		return RSIP_E_BAD_INPUT;
	}
	len = strlen(t->number);
	if (len < 2) {
		rsip_seterr(err, errlen, "The global number \"%s\" has no digits.", t->number);
		return RSIP_E_INVALID;
	}
	if (len - 1 > E164_MAX_DIGITS) {
		rsip_seterr(err, errlen,
			    "%s has %zu digits, more than E.164's 15-digit limit, so it has no "
			    "ENUM domain (RFC 6116 §3.1).", t->number, len - 1);
		return RSIP_E_BAD_INPUT;
	}
	if (len + 1 > auslen) {
		rsip_seterr(err, errlen, "The AUS buffer of %zu bytes is too small for %s.",
			    auslen, t->number);
		return RSIP_E_INVALID;
	}
	/* RFC 6116 §3.1: the AUS is "+" and the digits, nothing else. */
	memcpy(aus, t->number, len + 1);
	return RSIP_OK;
}

/* ------------------------------------------------------------------ */
/* Emitting: RFC 3966 §3 canonical order                               */

struct tel_out {
	char *buf;
	size_t len, cap;
	bool failed;
};

static void out_bytes(struct tel_out *o, const char *s, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *b;

		while (o->len + n + 1 > cap)
			cap *= 2;
		b = realloc(o->buf, cap);
		if (b == NULL) {
			o->failed = true;
			return;
		}
		o->buf = b;
		o->cap = cap;
	}
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void out_str(struct tel_out *o, const char *s)
{
	out_bytes(o, s, strlen(s));
}

/* A parameter value, percent-encoding every octet that is not RFC 3966 §3
 * paramchar ("emit conservatively": ';', '=', '?', '@', ',', '%', spaces,
 * non-ASCII...). */
static void out_value(struct tel_out *o, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *v != '\0'; v++) {
		unsigned char c = (unsigned char)*v;

		if (is_paramchar(c)) {
			out_bytes(o, v, 1);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			out_bytes(o, e, 3);
		}
	}
}

static void out_param(struct tel_out *o, const char *name, const char *value)
{
	out_str(o, ";");
	out_str(o, name);
	if (value != NULL) {
		out_str(o, "=");
		out_value(o, value);
	}
}

/* One parameter of the sorted tail. */
struct tel_tail {
	const char *name, *value;
};

static int tail_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tel_tail *)a)->name, ((const struct tel_tail *)b)->name);
}

char *tel_format(const struct tel_uri *t)
{
	struct tel_out o = {NULL, 0, 0, false};
	struct tel_tail *tail;
	size_t n = 0;

	if (t == NULL || t->number == NULL)
		return NULL;
	/* rn, rn-context, cic, npdi, enumdi and the generic ones, sorted */
	tail = calloc(t->nparams + 5, sizeof(*tail));
	if (tail == NULL)
		return NULL;
	if (t->rn != NULL)
		tail[n++] = (struct tel_tail){"rn", t->rn};
	if (t->rn_context != NULL)
		tail[n++] = (struct tel_tail){"rn-context", t->rn_context};
	if (t->cic != NULL)
		tail[n++] = (struct tel_tail){"cic", t->cic};
	if (t->npdi)
		tail[n++] = (struct tel_tail){"npdi", NULL};
	if (t->enumdi)
		tail[n++] = (struct tel_tail){"enumdi", NULL};
	for (size_t i = 0; i < t->nparams; i++)
		tail[n++] = (struct tel_tail){t->params[i].name, t->params[i].value};
	qsort(tail, n, sizeof(*tail), tail_cmp); /* names are unique: stable enough */

	out_str(&o, "tel:");
	out_str(&o, t->number);
	/* RFC 3966 §3: "the isdn-subaddress or extension parameter MUST
	 * appear first, if present, followed by the context parameter, if
	 * present, followed by any other parameters in lexicographical
	 * order".  An ext emptied by ";ext=-" is written "-" to stay
	 * grammatical (1*phonedigit). */
	if (t->isub != NULL)
		out_param(&o, "isub", t->isub);
	if (t->ext != NULL)
		out_param(&o, "ext", t->ext[0] != '\0' ? t->ext : "-");
	if (t->phone_context != NULL)
		out_param(&o, "phone-context", t->phone_context);
	for (size_t i = 0; i < n; i++)
		out_param(&o, tail[i].name, tail[i].value);
	free(tail);
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	return o.buf;
}
