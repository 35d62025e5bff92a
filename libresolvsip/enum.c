/* enum.c - ENUM keys, enumservices and record checks: RFC 6116 §3.1-3.4, §5.2,
 * RFC 3764 §4, RFC 3824 §7; the enumservices a client uses (RFC 3402 §3.3
 * step 4, RFC 4769). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ITU-T E.164 §6: an international number has at most 15 digits; RFC 6116 §3.7
 * and RFC 3966 §5.1 (no length limit): a longer tel: number is valid but is no
 * E.164 number, so it gets no ENUM key. */
#define ENUM_MAX_DIGITS 15
/* RFC 1035 §2.3.4: labels of at most 63 octets, names of at most 255
 * octets in wire form. */
#define DNS_LABEL_MAX 63
#define DNS_NAME_MAX 255

static bool is_ldh(int c)
{
	return rsip_is_alpha(c) || rsip_is_digit(c) || c == '-';
}

/* The ENUM apex: a configured domain such as "e164.arpa" or "ie164.arpa"
 * (RFC 5526), with or without its trailing dot.  Labels of letters, digits,
 * '-' and '_'; the root alone is not an apex.  Returns the length without the
 * trailing dot, or 0 when the suffix is unusable. */
static size_t suffix_check(const char *suffix)
{
	size_t len = strlen(suffix), label = 0;

	if (len > 0 && suffix[len - 1] == '.')
		len--;
	if (len == 0)
		return 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)suffix[i];

		if (c == '.') {
			if (label == 0)
				return 0; /* an empty label: ".x", "x..y" */
			label = 0;
			continue;
		}
		if (!is_ldh(c) && c != '_')
			return 0;
		if (++label > DNS_LABEL_MAX)
			return 0;
	}
	return label > 0 ? len : 0; /* "e164.arpa..": an empty last label */
}

/* RFC 6116 §3.2: remove all but the digits, reverse them, put dots between
 * them and append the apex: "+44-20-7946-0148" (as the AUS "+442079460148")
 * -> "8.4.1.0.6.4.9.7.0.2.4.4.e164.arpa.". */
rsip_status enum_domain(const char *aus, const char *suffix, char *out, size_t outlen)
{
	size_t ndigits, slen, need;
	char *p;

	if (out != NULL && outlen > 0)
		out[0] = '\0';
	if (aus == NULL || suffix == NULL || out == NULL)
		return RSIP_E_INVALID;
	/* RFC 6116 §3.1: the AUS is "+" and the digits of an E.164 number */
	if (aus[0] != '+')
		return RSIP_E_BAD_INPUT;
	for (ndigits = 0; aus[1 + ndigits] != '\0'; ndigits++)
		if (!rsip_is_digit((unsigned char)aus[1 + ndigits]))
			return RSIP_E_BAD_INPUT;
	if (ndigits == 0 || ndigits > ENUM_MAX_DIGITS)
		return RSIP_E_BAD_INPUT;
	slen = suffix_check(suffix);
	if (slen == 0)
		return RSIP_E_BAD_INPUT;
	/* wire form: 2 octets per digit label, the apex, the root octet */
	if (2 * ndigits + slen + 1 + 1 > DNS_NAME_MAX)
		return RSIP_E_BAD_INPUT;
	need = 2 * ndigits + slen + 1 + 1; /* "d." per digit, apex, ".", NUL */
	if (need > outlen)
		return RSIP_E_BAD_INPUT;
	p = out;
	for (size_t i = ndigits; i > 0; i--) {
		*p++ = aus[i];
		*p++ = '.';
	}
	memcpy(p, suffix, slen);
	p += slen;
	*p++ = '.';
	*p = '\0';
	return RSIP_OK;
}

/* Length of a run of ALPHA / DIGIT / "-" (RFC 6116 §3.4.3 type, subtype). */
static size_t part_len(const char *p)
{
	size_t n = 0;

	while (is_ldh((unsigned char)p[n]))
		n++;
	return n;
}

/* The default enumservices: what a UAC placing a call wants.  RFC 3764 §4
 * E2U+sip, and E2U+voice:sip (RFC 4415, RFC 6118), which real ENUM data uses
 * for the same sip: URIs.  Not E2U+pstn:sip: RFC 4769 registers it for a
 * carrier's infrastructure ENUM (routing to the PSTN side), opt-in. */
static const struct enum_service_name default_services[] = {
	{"sip", ""},
	{"voice", "sip"},
};

static void use_list(const struct enum_services *use, const struct enum_service_name **items,
		     size_t *n)
{
	if (use == NULL) {
		*items = default_services;
		*n = sizeof(default_services) / sizeof(default_services[0]);
	} else {
		*items = use->item;
		*n = use->n;
	}
}

static bool part_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && rsip_strncasecmp(p, name, n) == 0;
}

/* Is the enumservice type (type, tlen) with the subtypes subs (":a:b", slen
 * octets) one the client uses?  RFC 6116 §3.6: compared without case.  An
 * item without a subtype takes the type with any subtypes (RFC 3764 §4
 * registers "sip" without one, so "E2U+sip:x" stays SIP); one with a
 * subtype wants the type naming that subtype. */
static bool service_used(const char *type, size_t tlen, const char *subs, size_t slen,
			 const struct enum_services *use)
{
	const struct enum_service_name *items;
	size_t n;

	use_list(use, &items, &n);
	for (size_t i = 0; i < n; i++) {
		if (!part_is(type, tlen, items[i].type))
			continue;
		if (items[i].subtype[0] == '\0')
			return true;
		for (size_t k = 0; k < slen;) {
			size_t len = part_len(subs + k + 1); /* past the ':' */

			if (part_is(subs + k + 1, len, items[i].subtype))
				return true;
			k += 1 + len;
		}
	}
	return false;
}

/* RFC 6116 §3.4.3, after the leading "E2U":
 *   1*("+" enumservice), enumservice = type *(":" subtype),
 *   type = subtype = 1*32(ALPHA / DIGIT / "-").
 * A compound field is read left to right (RFC 6116 §3.4.3); one enumservice
 * the client uses is enough.  An unknown enumservice is skipped, not the
 * record (RFC 6116 §3.4.3): without a used one the field is OTHER,
 * and the walk passes the rule over (RFC 3402 §3.3 step 4).  Private "P-"
 * types (RFC 6116 §3.4.3: "MUST be discarded" outside the private network)
 * can never be listed (the list holds only types sip and subtypes sip), so
 * they fall into OTHER and are skipped too. */
static enum enum_service_kind classify_e2u(const char *p, const struct enum_services *use)
{
	bool used = false;

	if (*p == '\0')
		return ENUM_SERVICE_INVALID; /* "E2U" alone names no enumservice */
	while (*p != '\0') {
		const char *type, *subs;
		size_t n;

		if (*p++ != '+')
			return ENUM_SERVICE_INVALID;
		n = part_len(p);
		if (n == 0 || n > ENUM_PART_MAX)
			return ENUM_SERVICE_INVALID;
		type = p;
		p += n;
		subs = p;
		while (*p == ':') {
			size_t m = part_len(p + 1);

			if (m == 0 || m > ENUM_PART_MAX)
				return ENUM_SERVICE_INVALID;
			p += 1 + m;
		}
		if (!used && service_used(type, n, subs, (size_t)(p - subs), use))
			used = true;
	}
	return used ? ENUM_SERVICE_SIP : ENUM_SERVICE_OTHER;
}

/* One item of a caller's list: "E2U+" type [":" subtype] (RFC 6116 §3.4.3
 * syntax, one enumservice, any case).  Its URI must be a SIP URI: type sip
 * (RFC 3764 §4) or subtype sip (voice:sip, pstn:sip, RFC 4769); the walk
 * locates what it gives through RFC 3263, which takes only sip: and sips:. */
static rsip_status service_name_parse(const char *item, struct enum_service_name *out,
				      char *err, size_t errlen)
{
	const char *p = item;
	size_t t, s = 0;

	if (*item == '\0') {
		rsip_seterr(err, errlen, "an empty enumservice in the list");
		return RSIP_E_CONFIG;
	}
	if (rsip_strncasecmp(p, "E2U+", 4) != 0)
		goto syntax;
	p += 4;
	t = part_len(p);
	if (t == 0 || t > ENUM_PART_MAX)
		goto syntax;
	if (p[t] == ':') {
		s = part_len(p + t + 1);
		if (s == 0 || s > ENUM_PART_MAX)
			goto syntax;
	}
	if (p[t + (s ? 1 + s : 0)] != '\0')
		goto syntax;
	memcpy(out->type, p, t);
	out->type[t] = '\0';
	memcpy(out->subtype, p + t + 1, s);
	out->subtype[s] = '\0';
	if (!part_is(out->type, t, "sip") && !part_is(out->subtype, s, "sip")) {
		rsip_seterr(err, errlen, "'%.80s' is not an enumservice whose URI is a SIP URI "
			    "(only type sip, or subtype sip, as in E2U+sip, E2U+voice:sip, "
			    "E2U+pstn:sip)", item);
		return RSIP_E_CONFIG;
	}
	return RSIP_OK;
syntax:
	rsip_seterr(err, errlen, "'%.80s' is not one enumservice: E2U+type or "
		    "E2U+type:subtype, each 1 to 32 letters, digits or '-' (RFC 6116 §3.4.3)",
		    item);
	return RSIP_E_CONFIG;
}

rsip_status enum_services_new(const char *const *list, size_t n, struct enum_services **out,
			      char *err, size_t errlen)
{
	struct enum_services *s;

	*out = NULL;
	if (n == 0)
		return RSIP_OK;
	if (list == NULL || n > (SIZE_MAX - sizeof(*s)) / sizeof(s->item[0])) {
		rsip_seterr(err, errlen, "no list");
		return RSIP_E_INVALID;
	}
	s = calloc(1, sizeof(*s) + n * sizeof(s->item[0]));
	if (s == NULL)
		return RSIP_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		rsip_status st;

		if (list[i] == NULL) {
			free(s);
			rsip_seterr(err, errlen, "item %zu of the list is NULL", i);
			return RSIP_E_INVALID;
		}
		if ((st = service_name_parse(list[i], &s->item[i], err, errlen)) != RSIP_OK) {
			free(s);
			return st;
		}
	}
	s->n = n;
	s->refs = 1;
	*out = s;
	return RSIP_OK;
}

struct enum_services *enum_services_hold(struct enum_services *s)
{
	if (s != NULL)
		s->refs++;
	return s;
}

void enum_services_release(struct enum_services *s)
{
	if (s != NULL && --s->refs == 0)
		free(s);
}

const char *enum_services_text(const struct enum_services *use, char *buf, size_t len)
{
	const struct enum_service_name *items;
	size_t n, off = 0;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	use_list(use, &items, &n);
	for (size_t i = 0; i < n && off < len; i++) {
		int w = snprintf(buf + off, len - off, "%sE2U+%s%s%s", i ? ", " : "",
				 items[i].type, items[i].subtype[0] ? ":" : "", items[i].subtype);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* A services field of another DDDS application ("SIP+D2U", "http+N2L+N2C",
 * S-NAPTR "aaa:diameter.tls.tcp"): '+'-separated non-empty tokens of
 * letters, digits, '-', '.', ':' and '_' (RFC 3403 §4.1 leaves the syntax
 * to the application; RFC 2915 had protocol *("+" rs)). */
static bool services_generic_valid(const char *p)
{
	size_t n = 0;

	for (;; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '+' || c == '\0') {
			if (n == 0)
				return false;
			if (c == '\0')
				return true;
			n = 0;
		} else if (is_ldh(c) || c == '.' || c == ':' || c == '_') {
			n++;
		} else {
			return false;
		}
	}
}

enum enum_service_kind enum_service_classify(const char *services,
					     const struct enum_services *use)
{
	const char *plus;

	if (services == NULL)
		return ENUM_SERVICE_INVALID;
	/* RFC 3403 §4.1: an empty services field is legal (non-terminal
	 * records); it is simply not ENUM (RFC 6116 §3.7) */
	if (services[0] == '\0')
		return ENUM_SERVICE_NOT_E2U;
	plus = strchr(services, '+');
	if ((plus == NULL && rsip_strcasecmp(services, "E2U") == 0) ||
	    (plus == services + 3 && rsip_strncasecmp(services, "E2U", 3) == 0))
		return classify_e2u(services + 3, use);
	/* RFC 3764 §4 / RFC 3824 §7 / RFC 6116 §5.2: the RFC 2916 syntax
	 * "sip+E2U" SHOULD still be accepted; "mailto+E2U" is ENUM too. */
	if (plus != NULL && rsip_strcasecmp(plus + 1, "E2U") == 0) {
		size_t n = part_len(services);

		/* the legacy form of "E2U+type" (no subtypes) */
		if (services + n == plus && n > 0 && n <= ENUM_PART_MAX)
			return service_used(services, n, plus, 0, use) ? ENUM_SERVICE_SIP :
			       ENUM_SERVICE_OTHER;
	}
	return services_generic_valid(services) ? ENUM_SERVICE_NOT_E2U :
	       ENUM_SERVICE_INVALID;
}

/* ------------------------------------------------------------------ */
/* ENUM records: validation before ordering, results                    */

static bool rewrite_set(const char *field, bool replacement)
{
	return field != NULL && field[0] != '\0' &&
	       !(replacement && strcmp(field, ".") == 0);
}

rsip_status enum_rule_check(const struct ddds_rule *r, const struct enum_services *use,
			    enum enum_service_kind *kind, struct ddds_subst **subst, char *err,
			    size_t errlen)
{
	rsip_status st;

	if (subst != NULL)
		*subst = NULL;
	if (kind != NULL)
		*kind = ENUM_SERVICE_INVALID;
	if (r == NULL || subst == NULL || kind == NULL) {
		rsip_seterr(err, errlen, "no rule");
		return RSIP_E_INVALID;
	}
	if (r->defect != NULL) {
		rsip_seterr(err, errlen, "%s", r->defect);
		return RSIP_E_BAD_INPUT;
	}
	/* RFC 3403 §4.1: flags are letters and digits (the reason comes from
	 * ddds_rule_check, which checks them first) */
	if (!ddds_flags_valid(r->flags))
		return ddds_rule_check(r, "u", subst, err, errlen);
	/* RFC 6116 §3.4.2: "u" is ENUM's only flag, any case (RFC 3403 §4.1); a
	 * record with another one is ignored, which is decided here, before
	 * ordering. */
	if (r->flags[0] != '\0' && rsip_strcasecmp(r->flags, "u") != 0) {
		rsip_seterr(err, errlen, "flags \"%s\" are not ENUM's (only \"u\" or none, "
			    "RFC 6116 §3.4.2)", r->flags);
		return RSIP_E_BAD_INPUT;
	}
	if (r->flags[0] == '\0') {
		/* RFC 6116 §5.2.1: non-terminal; the Replacement is the next key,
		 * Regexp and Services are ignored (the regexp must still not be
		 * set beside the replacement: RFC 3403 §4.1, checked below). */
		if (!rewrite_set(r->replacement, true)) {
			rsip_seterr(err, errlen, "non-terminal rule (empty flags) without a "
				    "replacement to follow (RFC 6116 §5.2.1)");
			return RSIP_E_BAD_INPUT;
		}
		*kind = ENUM_SERVICE_NOT_E2U;
	} else {
		/* RFC 6116 §3.4.3, §3.7: a terminal record must name E2U
		 * enumservices, in their syntax. */
		*kind = enum_service_classify(r->services, use);
		if (*kind == ENUM_SERVICE_INVALID) {
			rsip_seterr(err, errlen, "services \"%s\" do not follow \"E2U\" "
				    "1*(\"+\" type *(\":\" subtype)), each part 1 to 32 "
				    "letters, digits or '-' (RFC 6116 §3.4.3)",
				    r->services ? r->services : "");
			return RSIP_E_BAD_INPUT;
		}
		if (*kind == ENUM_SERVICE_NOT_E2U) {
			rsip_seterr(err, errlen, "services \"%s\" is not an E2U enumservice, so "
				    "the record is not ENUM's (RFC 6116 §3.7)", r->services);
			return RSIP_E_BAD_INPUT;
		}
	}
	st = ddds_rule_check(r, "u", subst, err, errlen);
	if (st != RSIP_OK)
		return st;
	/* RFC 6116 §3.4.2: "u" means the Regexp yields a URI; a replacement
	 * alone is a domain name (RFC 3764 §4: no Replacement with E2U+sip). */
	if (r->flags[0] != '\0' && !rewrite_set(r->regexp, false)) {
		rsip_seterr(err, errlen, "flag \"u\" with a replacement and no regexp: a "
			    "domain name is no URI (RFC 6116 §3.4.2)");
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}

/* RFC 3986 §4.3 absolute-URI = scheme ":" hier-part [ "?" query ], scheme =
 * ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ).  The rest is checked for what
 * a URI never holds: spaces, controls, octets outside ASCII. */
static bool absolute_uri(const char *s)
{
	const char *p = s;

	if (!rsip_is_alpha((unsigned char)*p))
		return false;
	while (rsip_is_alpha((unsigned char)*p) || rsip_is_digit((unsigned char)*p) ||
	       *p == '+' || *p == '-' || *p == '.')
		p++;
	if (*p != ':' || p[1] == '\0')
		return false;
	for (p++; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

rsip_status enum_result_check(enum enum_service_kind kind, const char *uri, char *err,
			      size_t errlen)
{
	struct sip_uri su;
	char why[RSIP_ERRLEN];
	rsip_status st;

	if (uri == NULL) {
		rsip_seterr(err, errlen, "no result");
		return RSIP_E_INVALID;
	}
	/* RFC 6116 §3.3: the result is a URI */
	if (!absolute_uri(uri)) {
		rsip_seterr(err, errlen, "the result \"%.80s\" is not an absolute URI "
			    "(RFC 6116 §3.3, RFC 3986 §4.3)", uri);
		return RSIP_E_BAD_INPUT;
	}
	if (kind != ENUM_SERVICE_SIP)
		return RSIP_OK;
	/* RFC 3764 §4: E2U+sip yields a sip: or sips: address of record, and so
	 * do the other enumservices a client may use (subtype sip); one that
	 * cannot be located (a 64-octet label...) is dropped here. */
	if (rsip_strncasecmp(uri, "sip:", 4) != 0 && rsip_strncasecmp(uri, "sips:", 5) != 0) {
		rsip_seterr(err, errlen, "an enumservice of SIP URIs gave a URI that is "
			    "not sip: or sips: (RFC 3764 §4)");
		return RSIP_E_BAD_INPUT;
	}
	st = sip_uri_parse(uri, &su, why, sizeof(why));
	sip_uri_clear(&su);
	if (st == RSIP_E_NOMEM) {
		rsip_seterr(err, errlen, "out of memory");
		return st;
	}
	if (st != RSIP_OK) {
		rsip_seterr(err, errlen, "an enumservice of SIP URIs gave an unusable "
			    "SIP URI: %s", why);
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}
