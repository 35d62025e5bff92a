/* transport.c - what the RFCs say of each SIP transport, in one table: its name
 * (the URI transport parameter, RFC 3261 §19.1.1), the NAPTR service that
 * selects it (RFC 3263 §4.1, registry §9; RFC 7118 for WebSocket), its SRV
 * labels (RFC 3263 §4.1), its default port (RFC 3261 §19.1.2, RFC 7118 §5.5)
 * and whether it is secure (a sips URI uses only those, RFC 3261 §19.1). */
#include <string.h>

#include "internal.h"

/* AMBIG: RFC 7118 defines no SRV label for WebSocket; we use _sip._ws and
 * _sips._ws. */
static const struct transport_info transports[] = {
	{RSIP_TRANSPORT_UDP, "udp", "SIP+D2U", "_sip._udp", 5060, false, 0},
	{RSIP_TRANSPORT_TCP, "tcp", "SIP+D2T", "_sip._tcp", 5060, false, RSIP_TRANSPORT_TLS},
	{RSIP_TRANSPORT_TLS, "tls", "SIPS+D2T", "_sips._tcp", 5061, true, RSIP_TRANSPORT_TLS},
	{RSIP_TRANSPORT_SCTP, "sctp", "SIP+D2S", "_sip._sctp", 5060, false,
	 RSIP_TRANSPORT_TLS_SCTP},
	{RSIP_TRANSPORT_TLS_SCTP, "tls-sctp", "SIPS+D2S", "_sips._sctp", 5061, true,
	 RSIP_TRANSPORT_TLS_SCTP},
	{RSIP_TRANSPORT_WS, "ws", "SIP+D2W", "_sip._ws", 80, false, RSIP_TRANSPORT_WSS},
	{RSIP_TRANSPORT_WSS, "wss", "SIPS+D2W", "_sips._ws", 443, true, RSIP_TRANSPORT_WSS},
};
#define TRANSPORT_COUNT (sizeof(transports) / sizeof(transports[0]))

const struct transport_info *transport_info(rsip_transport tp)
{
	for (size_t i = 0; i < TRANSPORT_COUNT; i++)
		if (transports[i].tp == tp)
			return &transports[i];
	return NULL;
}

const struct transport_info *transport_by_name(const char *name, size_t len)
{
	for (size_t i = 0; i < TRANSPORT_COUNT; i++)
		if (strlen(transports[i].name) == len &&
		    rsip_strncasecmp(transports[i].name, name, len) == 0)
			return &transports[i];
	return NULL;
}

const struct transport_info *transport_by_naptr_service(const char *service)
{
	/* RFC 3403 §4.1: services are compared without case. */
	for (size_t i = 0; i < TRANSPORT_COUNT; i++)
		if (rsip_strcasecmp(service, transports[i].naptr_service) == 0)
			return &transports[i];
	return NULL;
}
