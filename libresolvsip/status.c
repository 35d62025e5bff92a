/* status.c - names and messages of status codes, transports, DNSSEC states
 * and verdicts. */
#include <string.h>

#include "internal.h"

static const struct {
	const char *name;
	const char *text;
} status_table[] = {
	[RSIP_OK] = {"ok", "resolved to at least one target"},
	[RSIP_E_BAD_INPUT] = {"bad-input", "the input is not a valid URI or number"},
	[RSIP_E_NOT_FOUND] = {"not-found", "the DNS holds no usable data for it"},
	[RSIP_E_NO_TRANSPORT] = {"no-transport", "no supported transport is offered"},
	[RSIP_E_LOOP] = {"loop", "rewriting rules loop or go too far"},
	[RSIP_E_DNS_FAILURE] = {"dns-failure", "a DNS server failed to answer"},
	[RSIP_E_DNSSEC_BOGUS] = {"dnssec-bogus", "DNSSEC validation failed"},
	[RSIP_E_TIMEOUT] = {"timeout", "no answer came in time"},
	[RSIP_E_NOMEM] = {"no-memory", "out of memory"},
	[RSIP_E_CONFIG] = {"config", "the context setting was refused"},
	[RSIP_E_INVALID] = {"invalid-call", "invalid argument or call"},
	[RSIP_E_DNSSEC_INSECURE] = {"dnssec-insecure",
				    "the DNSSEC policy requires signed answers, and one was not"},
	[RSIP_E_LIMIT] = {"limit", "a configured limit was reached"},
};

const char *rsip_status_name(rsip_status status)
{
	if ((unsigned)status < sizeof(status_table) / sizeof(status_table[0]))
		return status_table[status].name;
	return "unknown";
}

const char *rsip_strerror(rsip_status status)
{
	if ((unsigned)status < sizeof(status_table) / sizeof(status_table[0]))
		return status_table[status].text;
	return "unknown status";
}

const char *rsip_transport_name(rsip_transport transport)
{
	const struct transport_info *t = transport_info(transport);
	return t != NULL ? t->name : "unknown";
}

/* The transport named by a word of a --transports list ("udp", "TLS"), or 0. */
rsip_transport rsip_transport_from_name(const char *name, size_t len)
{
	const struct transport_info *t = transport_by_name(name, len);
	return t != NULL ? t->tp : 0;
}

rsip_status rsip_transports_parse(const char *list, unsigned *mask)
{
	rsip_transport order[16];
	size_t n;
	return rsip_transport_list_parse(list, order, 16, &n, mask, NULL, 0);
}

rsip_status rsip_transport_list_parse(const char *list, rsip_transport *order,
				      size_t max, size_t *count, unsigned *mask,
				      char *err, size_t errlen)
{
	const char *p = list;
	*count = 0;
	*mask = 0;
	if (list == NULL || *list == '\0') {
		rsip_seterr(err, errlen, "the transport list is empty");
		return RSIP_E_BAD_INPUT;
	}
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		rsip_transport tp = rsip_transport_from_name(p, len);
		if (tp == 0) {
			rsip_seterr(err, errlen, "'%.*s' is not a transport (udp, tcp, tls, "
				    "sctp, tls-sctp, ws, wss)", (int)len, p);
			return RSIP_E_BAD_INPUT;
		}
		if ((*mask & tp) == 0) {
			if (*count == max)
				return RSIP_E_BAD_INPUT;
			order[(*count)++] = tp;
			*mask |= tp;
		}
		if (end == NULL)
			break;
		p = end + 1;
	}
	return RSIP_OK;
}

const char *rsip_dnssec_name(rsip_dnssec state)
{
	switch (state) {
	case RSIP_DNSSEC_SECURE: return "secure";
	case RSIP_DNSSEC_INSECURE: return "insecure";
	case RSIP_DNSSEC_BOGUS: return "bogus";
	case RSIP_DNSSEC_INDETERMINATE: return "indeterminate";
	}
	return "indeterminate";
}

const char *rsip_family_name(unsigned family)
{
	switch (family) {
	case RSIP_FAMILY_IPV4: return "ipv4";
	case RSIP_FAMILY_IPV6: return "ipv6";
	}
	return "unknown";
}

const char *rsip_source_name(rsip_source source)
{
	switch (source) {
	case RSIP_SOURCE_NUMERIC: return "numeric";
	case RSIP_SOURCE_SRV: return "srv";
	case RSIP_SOURCE_HOST: return "host";
	}
	return "unknown";
}

const char *rsip_answer_role_name(rsip_answer_role role)
{
	switch (role) {
	case RSIP_ROLE_NONE: return "none";
	case RSIP_ROLE_ENUM: return "enum";
	case RSIP_ROLE_NAPTR: return "naptr";
	case RSIP_ROLE_SRV: return "srv";
	case RSIP_ROLE_ADDRESS: return "address";
	}
	return "unknown";
}

const char *rsip_verdict_name(rsip_verdict verdict)
{
	switch (verdict) {
	case RSIP_VERDICT_SELECTED: return "selected";
	case RSIP_VERDICT_FALLBACK: return "fallback";
	case RSIP_VERDICT_NOT_SIP: return "not-sip";
	case RSIP_VERDICT_INVALID: return "invalid";
	case RSIP_VERDICT_NO_MATCH: return "no-match";
	case RSIP_VERDICT_NOT_REACHED: return "not-reached";
	case RSIP_VERDICT_NO_TARGET: return "no-target";
	}
	return "unknown";
}
