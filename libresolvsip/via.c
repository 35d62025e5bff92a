/* via.c - RFC 3261 §20.42 / §25.1 Via and Route header values, as far as
 * RFC 3263 §5 (responses) and RFC 3261 §8.1.2 / §16.12 (route sets) need. */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* RFC 3261 §25.1: SLASH = SWS "/" SWS */
static const char *expect_slash(const char *p)
{
	p = skip_ws(p);
	if (*p != '/')
		return NULL;
	return skip_ws(p + 1);
}

static size_t token_len(const char *p)
{
	size_t n = 0;
	while (rsip_is_alpha((unsigned char)p[n]) || rsip_is_digit((unsigned char)p[n]) ||
	       p[n] == '-' || p[n] == '.' || p[n] == '!' || p[n] == '%' || p[n] == '*' ||
	       p[n] == '_' || p[n] == '+' || p[n] == '`' || p[n] == '\'' || p[n] == '~')
		n++;
	return n;
}

rsip_status via_response_uri(const char *via, char **uri, char *err, size_t errlen)
{
	/* Via transport -> URI transport parameter.  "TLS" is TLS over TCP
	 * (RFC 3263 §5), which transport=tls selects (_sips._tcp). */
	static const struct {
		const char *via, *param;
	} map[] = {
		{"UDP", "udp"}, {"TCP", "tcp"}, {"TLS", "tls"}, {"SCTP", "sctp"},
		{"TLS-SCTP", "tls-sctp"}, {"WS", "ws"}, {"WSS", "wss"},
	};
	const char *p, *host, *hend, *param = NULL;
	size_t n;

	*uri = NULL;
	if (via == NULL) {
		rsip_seterr(err, errlen, "no Via header value");
		return RSIP_E_BAD_INPUT;
	}
	p = skip_ws(via);
	/* An optional header name: "Via:" or the compact "v:". */
	if (rsip_strncasecmp(p, "via", 3) == 0 && *skip_ws(p + 3) == ':')
		p = skip_ws(skip_ws(p + 3) + 1);
	else if ((*p == 'v' || *p == 'V') && *skip_ws(p + 1) == ':')
		p = skip_ws(skip_ws(p + 1) + 1);
	/* sent-protocol = protocol-name SLASH protocol-version SLASH transport */
	n = token_len(p);
	if (n != 3 || rsip_strncasecmp(p, "SIP", 3) != 0) {
		rsip_seterr(err, errlen, "the Via '%s' does not start with SIP/2.0/<transport> "
			    "(RFC 3261 §20.42)", via);
		return RSIP_E_BAD_INPUT;
	}
	if ((p = expect_slash(p + n)) == NULL || (n = token_len(p)) == 0 ||
	    (p = expect_slash(p + n)) == NULL || (n = token_len(p)) == 0) {
		rsip_seterr(err, errlen, "the Via '%s' has no SIP/2.0/<transport> "
			    "(RFC 3261 §20.42)", via);
		return RSIP_E_BAD_INPUT;
	}
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].via) == n && rsip_strncasecmp(p, map[i].via, n) == 0)
			param = map[i].param;
	if (param == NULL) {
		rsip_seterr(err, errlen, "the Via transport '%.*s' is not one of UDP, TCP, TLS, "
			    "SCTP, TLS-SCTP, WS, WSS", (int)n, p);
		return RSIP_E_BAD_INPUT;
	}
	/* LWS sent-by: host [":" port], up to a ';' (via-params) or ','
	 * (the next, lower Via). */
	host = skip_ws(p + n);
	if (host == p + n) {
		rsip_seterr(err, errlen, "the Via '%s' needs white space before its sent-by",
			    via);
		return RSIP_E_BAD_INPUT;
	}
	hend = host + strcspn(host, ";, \t\r\n");
	if (hend == host) {
		rsip_seterr(err, errlen, "the Via '%s' has no sent-by host", via);
		return RSIP_E_BAD_INPUT;
	}
	if (asprintf(uri, "sip:%.*s;transport=%s", (int)(hend - host), host, param) < 0) {
		*uri = NULL;
		return RSIP_E_NOMEM;
	}
	return RSIP_OK;
}

rsip_status route_uri(const char *value, char **uri, char *err, size_t errlen)
{
	const char *p, *lt, *gt;
	size_t len;

	*uri = NULL;
	if (value == NULL) {
		rsip_seterr(err, errlen, "no Route value");
		return RSIP_E_BAD_INPUT;
	}
	p = skip_ws(value);
	lt = strchr(p, '<');
	if (lt != NULL) {
		/* name-addr: [display-name] "<" addr-spec ">" (RFC 3261 §25.1) */
		gt = strchr(lt, '>');
		if (gt == NULL) {
			rsip_seterr(err, errlen, "the Route '%s' has '<' without '>'", value);
			return RSIP_E_BAD_INPUT;
		}
		p = lt + 1;
		len = (size_t)(gt - p);
	} else {
		len = strcspn(p, " \t\r\n,");
	}
	if (len == 0) {
		rsip_seterr(err, errlen, "the Route '%s' holds no URI", value);
		return RSIP_E_BAD_INPUT;
	}
	*uri = rsip_strndup(p, len);
	return *uri ? RSIP_OK : RSIP_E_NOMEM;
}
