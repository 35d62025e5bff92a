/* sipuri.c - sip:/sips: URIs, the parts resolution needs (RFC 3261 §19.1, §25.1). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* What a parse needs to word its errors. */
struct sip_ctx {
	const char *in; /* the whole input, for positions in messages */
	char *err;
	size_t errlen;
};

static bool is_alnum(int c)
{
	return rsip_is_digit(c) || rsip_is_alpha(c);
}

/* RFC 3261 §25.1 unreserved = alphanum / mark */
static bool is_unreserved(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("-_.!~*'()", c) != NULL);
}

/* RFC 3261 §25.1 user-unreserved, which lets ';' and '?' into a user part
 * such as "+358-555-1234567;postd=pp22" (§19.1.6). */
static bool is_user_char(int c)
{
	return is_unreserved(c) || (c != '\0' && strchr("&=+$,;?/", c) != NULL);
}

/* RFC 3261 §25.1 password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
static bool is_password_char(int c)
{
	return is_unreserved(c) || (c != '\0' && strchr("&=+$,", c) != NULL);
}

/* RFC 3261 §25.1 paramchar without escaped: param-unreserved / unreserved */
static bool is_paramchar(int c)
{
	return is_unreserved(c) || (c != '\0' && strchr("[]/:&+$", c) != NULL);
}

/* RFC 3261 §25.1 token */
static bool is_token_char(int c)
{
	return is_alnum(c) || (c != '\0' && strchr("-.!%*_+`'~", c) != NULL);
}

static size_t pos_of(const struct sip_ctx *c, const char *p)
{
	return (size_t)(p - c->in) + 1;
}

static rsip_status nomem(struct sip_ctx *c)
{
	rsip_seterr(c->err, c->errlen, "Out of memory while parsing the SIP URI.");
	return RSIP_E_NOMEM;
}

/* Check [s, e) against a character class where "%" HEX HEX (RFC 3261 §25.1
 * escaped) is also allowed.  what names the part for the message. */
static rsip_status check_chars(struct sip_ctx *c, const char *s, const char *e,
			       bool (*allowed)(int), const char *what)
{
	char desc[16];

	for (const char *p = s; p < e; p++) {
		if (*p == '%') {
			if (e - p >= 3 && rsip_is_hex((unsigned char)p[1]) &&
			    rsip_is_hex((unsigned char)p[2])) {
				p += 2;
				continue;
			}
			rsip_seterr(c->err, c->errlen,
				    "The %s has a bad escape at position %zu; '%%' must be "
				    "followed by two hex digits (RFC 3261 §25.1).", what,
				    pos_of(c, p));
			return RSIP_E_BAD_INPUT;
		}
		if (allowed((unsigned char)*p))
			continue;
		rsip_describe_char((unsigned char)*p, desc, sizeof(desc));
		if (*p == '#')
			rsip_seterr(c->err, c->errlen,
				    "The %s has '#' at position %zu, which must be escaped as "
				    "%%23 (RFC 3261 §19.1.2).", what, pos_of(c, p));
		else
			rsip_seterr(c->err, c->errlen,
				    "The %s has %s at position %zu, which is not allowed there "
				    "unescaped (RFC 3261 §25.1).", what, desc, pos_of(c, p));
		return RSIP_E_BAD_INPUT;
	}
	return RSIP_OK;
}

/* RFC 3261 §25.1 hostname = *( domainlabel "." ) toplabel [ "." ]: labels of
 * alphanumerics with inner '-', the toplabel starting with ALPHA; and the
 * RFC 1035 §2.3.4 limits (63 per label, 253 in all) since it goes to DNS.
 * [s, s+n) has no trailing dot.  Returns true when valid; else explains. */
static bool hostname_valid(struct sip_ctx *c, const char *s, size_t n, const char *what)
{
	const char *end = s + n, *label = s;
	char desc[16];

	if (n > 253) {
		rsip_seterr(c->err, c->errlen,
			    "The %s is %zu characters long; a host name may have at most 253 "
			    "(RFC 1035 §2.3.4).", what, n);
		return false;
	}
	for (;;) {
		const char *p = label;
		while (p < end && *p != '.')
			p++;
		if (p == label) {
			rsip_seterr(c->err, c->errlen,
				    "The %s has an empty label at position %zu (RFC 3261 "
				    "§25.1).", what, pos_of(c, label));
			return false;
		}
		if (p - label > 63) {
			rsip_seterr(c->err, c->errlen,
				    "The %s has a label of %zu characters at position %zu; at "
				    "most 63 are allowed (RFC 1035 §2.3.4).", what,
				    (size_t)(p - label), pos_of(c, label));
			return false;
		}
		for (const char *q = label; q < p; q++) {
			if (is_alnum((unsigned char)*q) || *q == '-')
				continue;
			if (*q == ':') {
				rsip_seterr(c->err, c->errlen,
					    "The %s has ':' at position %zu; an IPv6 address "
					    "must be in brackets, [...] (RFC 3261 §25.1).", what,
					    pos_of(c, q));
				return false;
			}
			rsip_describe_char((unsigned char)*q, desc, sizeof(desc));
			rsip_seterr(c->err, c->errlen,
				    "The %s has %s at position %zu; host names are letters, "
				    "digits, '-' and '.' (RFC 3261 §25.1).", what, desc,
				    pos_of(c, q));
			return false;
		}
		if (label[0] == '-' || p[-1] == '-') {
			rsip_seterr(c->err, c->errlen,
				    "The %s has a label starting or ending with '-' at position "
				    "%zu (RFC 3261 §25.1).", what, pos_of(c, label));
			return false;
		}
		if (p == end)
			break;
		label = p + 1;
	}
	if (!rsip_is_alpha((unsigned char)label[0])) {
		rsip_seterr(c->err, c->errlen,
			    "The %s ends in the label \"%.*s\", which does not start with a "
			    "letter, so it is neither a host name nor an IPv4 address (RFC 3261 "
			    "§25.1 toplabel).", what, (int)(end - label), label);
		return false;
	}
	return true;
}

/* RFC 3261 §25.1 IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT,
 * each octet at most 255.  [s, s+n) holds only digits and dots.  Written back
 * without leading zeros, so that nobody reads "010" as octal. */
static rsip_status parse_ipv4(struct sip_ctx *c, const char *s, size_t n, const char *what,
			      char **outp)
{
	unsigned octet[4];
	const char *p = s, *end = s + n;
	char buf[16];

	for (int i = 0; i < 4; i++) {
		const char *start = p;
		unsigned v = 0;
		while (p < end && rsip_is_digit((unsigned char)*p) && p - start < 3)
			v = v * 10 + (unsigned)(*p++ - '0');
		if (p == start || (p < end && *p != '.') || (i < 3 && p == end) ||
		    (i == 3 && p != end)) {
			rsip_seterr(c->err, c->errlen,
				    "The %s \"%.*s\" is neither an IPv4 address (four numbers "
				    "of 1-3 digits) nor a host name (RFC 3261 §25.1).", what,
				    (int)n, s);
			return RSIP_E_BAD_INPUT;
		}
		if (v > 255) {
			rsip_seterr(c->err, c->errlen,
				    "The IPv4 %s \"%.*s\" has the octet %u at position %zu; an "
				    "octet is at most 255.", what, (int)n, s, v, pos_of(c, start));
			return RSIP_E_BAD_INPUT;
		}
		octet[i] = v;
		if (i < 3)
			p++; /* the dot */
	}
	snprintf(buf, sizeof(buf), "%u.%u.%u.%u", octet[0], octet[1], octet[2], octet[3]);
	*outp = rsip_strdup(buf);
	return *outp ? RSIP_OK : nomem(c);
}

/* RFC 3261 §25.1 host = hostname / IPv4address / IPv6reference, in [s, s+n).
 * what names it in messages ("host", "maddr").  Percent-decoding is not
 * done: no name or address needs it. */
static rsip_status parse_host(struct sip_ctx *c, const char *s, size_t n, const char *what,
			      char **outp, enum sip_host_type *type)
{
	bool numeric = true;

	*outp = NULL;
	if (n == 0) {
		rsip_seterr(c->err, c->errlen, "The %s is empty at position %zu (RFC 3261 §25.1).",
			    what, pos_of(c, s));
		return RSIP_E_BAD_INPUT;
	}
	if (s[0] == '[') {
		char buf[64];
		unsigned char addr[16];

		if (s[n - 1] != ']' || n < 3 || n - 2 >= sizeof(buf)) {
			rsip_seterr(c->err, c->errlen,
				    "The %s \"%.*s\" is not an IPv6 reference \"[address]\" (RFC "
				    "3261 §25.1).", what, (int)n, s);
			return RSIP_E_BAD_INPUT;
		}
		memcpy(buf, s + 1, n - 2);
		buf[n - 2] = '\0';
		if (inet_pton(AF_INET6, buf, addr) != 1) {
			rsip_seterr(c->err, c->errlen,
				    "The %s \"%.*s\" is not a valid IPv6 address (RFC 4291 §2.2).",
				    what, (int)n, s);
			return RSIP_E_BAD_INPUT;
		}
		*type = SIP_HOST_IPV6;
		*outp = rsip_strdup(buf);
		if (*outp == NULL)
			return nomem(c);
		rsip_strlower(*outp);
		return RSIP_OK;
	}
	for (size_t i = 0; i < n; i++)
		if (!rsip_is_digit((unsigned char)s[i]) && s[i] != '.')
			numeric = false;
	/* A toplabel starts with ALPHA, so digits and dots alone can only be an
	 * IPv4 address; "1.2.3.4.example.com" is a host name. */
	if (numeric) {
		*type = SIP_HOST_IPV4;
		return parse_ipv4(c, s, n, what, outp);
	}
	if (s[n - 1] == '.')
		n--; /* RFC 3261 §25.1 hostname: a trailing dot is allowed */
	if (!hostname_valid(c, s, n, what))
		return RSIP_E_BAD_INPUT;
	*type = SIP_HOST_NAME;
	*outp = rsip_strndup(s, n);
	if (*outp == NULL)
		return nomem(c);
	rsip_strlower(*outp); /* RFC 3261 §19.1.4: host names compare case-insensitively */
	return RSIP_OK;
}

/* RFC 3261 §25.1 userinfo = ( user / telephone-subscriber ) [ ":" password ],
 * in [s, e) (the '@' excluded).  The user is kept as written: §19.1.4 makes
 * it case-sensitive, and its escapes are the user's business. */
static rsip_status parse_userinfo(struct sip_ctx *c, const char *s, const char *e,
				  struct sip_uri *out)
{
	const char *colon = memchr(s, ':', (size_t)(e - s));
	const char *uend = colon ? colon : e;
	rsip_status rc;

	/* RFC 3261 §19.1.1: if the @ sign is present, the user MUST NOT be empty */
	if (uend == s) {
		rsip_seterr(c->err, c->errlen,
			    "The URI has an '@' but an empty user at position %zu (RFC 3261 "
			    "§19.1.1).", pos_of(c, s));
		return RSIP_E_BAD_INPUT;
	}
	rc = check_chars(c, s, uend, is_user_char, "user part");
	if (rc != RSIP_OK)
		return rc;
	if (colon != NULL) {
		/* RFC 3261 §19.1.1: ':' starts a password (never stored) */
		rc = check_chars(c, colon + 1, e, is_password_char, "password");
		if (rc != RSIP_OK)
			return rc;
	}
	out->user = rsip_strndup(s, (size_t)(uend - s));
	return out->user ? RSIP_OK : nomem(c);
}

/* RFC 3261 §25.1 port = 1*DIGIT; 0 cannot be a destination, so 1-65535. */
static rsip_status parse_port(struct sip_ctx *c, const char *s, const char *e, int *port)
{
	unsigned long v = 0;

	if (s == e) {
		rsip_seterr(c->err, c->errlen,
			    "The URI has ':' with no port number at position %zu (RFC 3261 "
			    "§25.1).", pos_of(c, s - 1));
		return RSIP_E_BAD_INPUT;
	}
	for (const char *p = s; p < e; p++) {
		if (!rsip_is_digit((unsigned char)*p)) {
			char desc[16];
			rsip_describe_char((unsigned char)*p, desc, sizeof(desc));
			rsip_seterr(c->err, c->errlen,
				    "The port has %s at position %zu; a port is decimal digits "
				    "(RFC 3261 §25.1).", desc, pos_of(c, p));
			return RSIP_E_BAD_INPUT;
		}
		if (v <= 65535)
			v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v == 0 || v > 65535) {
		rsip_seterr(c->err, c->errlen,
			    "The port %.*s is out of range; a port is 1 to 65535.", (int)(e - s),
			    s);
		return RSIP_E_BAD_INPUT;
	}
	*port = (int)v;
	return RSIP_OK;
}

/* Copy a token value lower-cased (transport, user: RFC 3261 §19.1.4 compares
 * them case-insensitively). */
static rsip_status token_value(struct sip_ctx *c, const char *name, const char *v,
			       const char *e, char **outp)
{
	for (const char *p = v; p < e; p++) {
		if (!is_token_char((unsigned char)*p) || !is_paramchar((unsigned char)*p)) {
			char desc[16];
			rsip_describe_char((unsigned char)*p, desc, sizeof(desc));
			rsip_seterr(c->err, c->errlen,
				    "The value of %s has %s at position %zu, which is not a "
				    "token character (RFC 3261 §25.1).", name, desc,
				    pos_of(c, p));
			return RSIP_E_BAD_INPUT;
		}
	}
	*outp = rsip_strndup(v, (size_t)(e - v));
	if (*outp == NULL)
		return nomem(c);
	rsip_strlower(*outp);
	return RSIP_OK;
}

/* Was the parameter name [n, n+len) already used in [first, upto)?  Names
 * compare case-insensitively (RFC 3261 §19.1.4). */
static bool param_seen(const char *first, const char *upto, const char *n, size_t len)
{
	const char *p = first;

	while (p < upto) {
		const char *name = p + 1;
		size_t l = strcspn(name, "=;?");
		if (l == len && rsip_strncasecmp(name, n, len) == 0)
			return true;
		p = name + strcspn(name, ";?");
	}
	return false;
}

/* RFC 3261 §25.1 uri-parameters = *( ";" uri-parameter ), from p (at a ';')
 * to '?' or the end.  *endp receives where they stop. */
static rsip_status parse_params(struct sip_ctx *c, const char *p, struct sip_uri *out,
				const char **endp)
{
	const char *first = p;
	rsip_status rc;

	while (*p == ';') {
		const char *name = p + 1;
		size_t nlen = strcspn(name, "=;?");
		const char *v = NULL, *e = name + nlen;
		char **field = NULL;

		rc = RSIP_OK;
		if (nlen == 0) {
			rsip_seterr(c->err, c->errlen,
				    "The URI has an empty parameter name at position %zu (RFC "
				    "3261 §25.1).", pos_of(c, name));
			return RSIP_E_BAD_INPUT;
		}
		rc = check_chars(c, name, e, is_paramchar, "parameter name");
		if (rc != RSIP_OK)
			return rc;
		if (*e == '=') {
			v = e + 1;
			e = v + strcspn(v, ";?");
			if (e == v) {
				rsip_seterr(c->err, c->errlen,
					    "The parameter %.*s has '=' but no value at position "
					    "%zu (RFC 3261 §25.1).", (int)nlen, name,
					    pos_of(c, v - 1));
				return RSIP_E_BAD_INPUT;
			}
			rc = check_chars(c, v, e, is_paramchar, "parameter value");
			if (rc != RSIP_OK)
				return rc;
		}
		/* RFC 3261 §19.1.1: a parameter name MUST NOT appear twice */
		if (param_seen(first, p, name, nlen)) {
			rsip_seterr(c->err, c->errlen,
				    "The parameter %.*s appears more than once at position %zu; "
				    "each URI parameter may appear only once (RFC 3261 §19.1.1).",
				    (int)nlen, name, pos_of(c, name));
			return RSIP_E_BAD_INPUT;
		}
		if (nlen == 9 && rsip_strncasecmp(name, "transport", 9) == 0)
			field = &out->transport;
		else if (nlen == 4 && rsip_strncasecmp(name, "user", 4) == 0)
			field = &out->user_param;
		else if (nlen == 5 && rsip_strncasecmp(name, "maddr", 5) == 0)
			field = &out->maddr;
		/* RFC 3261 §16.12: lr marks a loose router (route sets). */
		if (nlen == 2 && rsip_strncasecmp(name, "lr", 2) == 0)
			out->lr = true;
		/* RFC 3261 §19.1.1: other parameters (ttl, method, unknown
		 * ones) do not change where the request goes; ignored. */
		if (field != NULL && v == NULL) {
			rsip_seterr(c->err, c->errlen,
				    "The parameter %.*s needs a value (RFC 3261 §25.1).",
				    (int)nlen, name);
			return RSIP_E_BAD_INPUT;
		}
		if (field == &out->maddr) {
			/* RFC 3261 §19.1.1: maddr = host, overriding the host */
			rc = parse_host(c, v, (size_t)(e - v), "maddr", &out->maddr,
					&out->maddr_type);
		} else if (field != NULL) {
			/* RFC 3261 §25.1: transport and user take any token; the
			 * resolver decides which transports it supports. */
			rc = token_value(c, field == &out->transport ? "transport" : "user",
					 v, e, field);
		}
		if (rc != RSIP_OK)
			return rc;
		p = e;
	}
	*endp = p;
	return RSIP_OK;
}

rsip_status sip_uri_parse(const char *in, struct sip_uri *out, char *err, size_t errlen)
{
	struct sip_ctx c = {in, err, errlen};
	const char *s, *at, *h, *hend, *p;
	rsip_status rc;

	if (out == NULL)
		return RSIP_E_INVALID;
	memset(out, 0, sizeof(*out));
	out->port = -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (in == NULL) {
		rsip_seterr(err, errlen, "No SIP URI was given.");
		return RSIP_E_INVALID;
	}
	/* RFC 3261 §19.1.4: the scheme is case-insensitive; sip and sips differ */
	if (rsip_strncasecmp(in, "sip:", 4) == 0) {
		s = in + 4;
	} else if (rsip_strncasecmp(in, "sips:", 5) == 0) {
		s = in + 5;
		out->sips = true;
	} else {
		rsip_seterr(err, errlen, "\"%.64s\" is not a sip: or sips: URI.", in);
		return RSIP_E_BAD_INPUT;
	}
	/* RFC 3261 §25.1: neither user nor password, host, parameters nor
	 * headers hold a raw '@', so the first '@' ends the userinfo, even in
	 * "+358-555-1234567;postd=pp22@foo.com;user=phone" (§19.1.6). */
	at = strchr(s, '@');
	if (at != NULL) {
		rc = parse_userinfo(&c, s, at, out);
		if (rc != RSIP_OK)
			goto done;
		h = at + 1;
	} else {
		h = s;
	}
	if (*h == '[') {
		hend = strchr(h, ']');
		if (hend == NULL) {
			rsip_seterr(err, errlen,
				    "The IPv6 reference at position %zu has no closing ']' (RFC "
				    "3261 §25.1).", pos_of(&c, h));
			rc = RSIP_E_BAD_INPUT;
			goto done;
		}
		hend++;
	} else {
		hend = h + strcspn(h, ":;?");
	}
	rc = parse_host(&c, h, (size_t)(hend - h), "host", &out->host, &out->host_type);
	if (rc != RSIP_OK)
		goto done;
	p = hend;
	if (*p == ':') {
		const char *pe = p + 1 + strcspn(p + 1, ";?");
		rc = parse_port(&c, p + 1, pe, &out->port);
		if (rc != RSIP_OK)
			goto done;
		p = pe;
	}
	rc = parse_params(&c, p, out, &p);
	if (rc != RSIP_OK)
		goto done;
	/* RFC 3261 §19.1.1: headers (after '?') do not affect resolution */
	if (*p != '\0' && *p != '?') {
		char desc[16];
		rsip_describe_char((unsigned char)*p, desc, sizeof(desc));
		rsip_seterr(err, errlen, "The URI has %s at position %zu after the host (RFC "
			    "3261 §25.1).", desc, pos_of(&c, p));
		rc = RSIP_E_BAD_INPUT;
		goto done;
	}
	/* RFC 3261 §19.1.1: for a SIPS URI the transport MUST be reliable */
	if (out->sips && out->transport != NULL && strcmp(out->transport, "udp") == 0) {
		rsip_seterr(err, errlen,
			    "A sips: URI cannot have transport=udp; SIPS needs a reliable "
			    "transport (RFC 3261 §19.1.1).");
		rc = RSIP_E_BAD_INPUT;
		goto done;
	}
done:
	if (rc != RSIP_OK)
		sip_uri_clear(out);
	return rc;
}

void sip_uri_clear(struct sip_uri *u)
{
	if (u == NULL)
		return;
	free(u->user);
	free(u->host);
	free(u->transport);
	free(u->maddr);
	free(u->user_param);
	memset(u, 0, sizeof(*u));
	u->port = -1;
}
