/* dnsmsg.c - DNS messages from wire form, record by record (RFC 1035 §4.1).
 *
 * ldns_wire2pkt() gives up on the whole message at the first record it cannot
 * read, and takes some malformed records without a word (trailing octets
 * after the last field, a name read past RDLENGTH into the next record).
 * Here each record is delimited first by its own framing (owner, TYPE, CLASS,
 * TTL, RDLENGTH: RFC 1035 §4.1.3), then its RDATA is checked and decoded on
 * its own, so that one malformed record is left out with a note and its
 * neighbours are kept.  Only a header or question that cannot be read, or a
 * record that cannot be delimited (after which nothing can be found), stops
 * the reading.
 */
#define _GNU_SOURCE /* vasprintf */
#include <stdarg.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define DNS_HEADER_LEN 12    /* RFC 1035 §4.1.1 */
#define DNS_RR_FIXED_LEN 10  /* TYPE, CLASS, TTL, RDLENGTH: RFC 1035 §4.1.3 */
#define DNS_NAME_MAX 255     /* RFC 1035 §3.1, in wire form */
#define DNS_POINTERS_MAX 128 /* a name has at most 127 labels and the root */

/* Why something cannot be read; filled by the checks below. */
struct why {
	char text[192];
};

static bool fail(struct why *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct why *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->text, sizeof(w->text), fmt, ap);
	va_end(ap);
	return false;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The domain name at pos, whose own octets must end by limit ("the message"
 * or "the RDATA" names the limit in the reason).  True with *end just after
 * those octets (after the terminating root label or the first compression
 * pointer).  RFC 1035 §4.1.4: a pointer refers to a prior occurrence of a
 * name, so every pointer must go back before every octet read so far for
 * this name, and what is read after it must lie before the place it left:
 * a loop cannot be written, and at most DNS_POINTERS_MAX are followed. */
static bool name_scan(const uint8_t *wire, size_t pos, size_t limit, const char *where,
		      size_t *end, struct why *w)
{
	size_t p = pos, lowest = pos, bound = limit, total = 0;
	unsigned hops = 0;
	bool jumped = false;

	for (;;) {
		uint8_t c;
		if (p >= bound)
			return jumped ? fail(w, "a compressed name runs past the name it "
					     "continues (RFC 1035 §4.1.4)") :
					fail(w, "the name runs past the end of %s", where);
		c = wire[p];
		if (c == 0) {
			if (!jumped)
				*end = p + 1;
			return true;
		}
		if ((c & 0xc0) == 0xc0) {
			size_t target;
			if (p + 2 > bound)
				return fail(w, "a compression pointer runs past the end of %s",
					    jumped ? "the name it continues" : where);
			target = (size_t)get16(wire + p) & 0x3fff;
			if (!jumped)
				*end = p + 2;
			if (target >= lowest)
				return fail(w, "the compression pointer at octet %zu points to "
					    "octet %zu, not before the name (a loop; RFC 1035 "
					    "§4.1.4: a pointer refers to a prior occurrence)", p,
					    target);
			if (++hops > DNS_POINTERS_MAX)
				return fail(w, "more than %d compression pointers",
					    DNS_POINTERS_MAX);
			bound = lowest;
			lowest = target;
			p = target;
			jumped = true;
			continue;
		}
		if (c & 0xc0) /* 01 and 10: reserved (RFC 1035 §4.1.4, RFC 6891 §5) */
			return fail(w, "label type 0x%02x at octet %zu is not defined "
				    "(RFC 1035 §4.1.4)", c & 0xc0, p);
		if (p + 1 + c > bound)
			return jumped ? fail(w, "a label runs past the name it continues "
					     "(RFC 1035 §4.1.4)") :
					fail(w, "a label runs past the end of %s", where);
		total += 1 + (size_t)c;
		if (total + 1 > DNS_NAME_MAX)
			return fail(w, "the name is longer than %d octets (RFC 1035 §3.1)",
				    DNS_NAME_MAX);
		p += 1 + (size_t)c;
	}
}

static const char *plural(size_t n)
{
	return n == 1 ? "" : "s";
}

/* A name that must fill the RDATA from pos to end exactly (the last field
 * of its type); field names it in the reason. */
static bool rdata_name(const uint8_t *wire, size_t pos, size_t end, const char *field,
		       struct why *w)
{
	size_t name_end = 0;
	struct why inner;
	if (pos >= end)
		return fail(w, "the RDATA ends before the %s", field);
	if (!name_scan(wire, pos, end, "the RDATA", &name_end, &inner))
		return fail(w, "the %s cannot be read: %s", field, inner.text);
	if (name_end < end)
		return fail(w, "%zu octet%s after the last field (the %s)", end - name_end,
			    plural(end - name_end), field);
	return true;
}

/* The RDATA of the types the engine reads, checked against their RFC
 * layout before ldns decodes it (ldns takes some of these malformations
 * without a word).  True when it has the shape of its type, or is of a type
 * not checked here. */
static bool rdata_shape(const uint8_t *wire, size_t rdata, size_t end, uint16_t type,
			uint16_t rclass, struct why *w)
{
	size_t len = end - rdata;
	bool in = rclass == LDNS_RR_CLASS_IN;

	switch (type) {
	case LDNS_RR_TYPE_A:
		/* RFC 1035 §3.4.1: a 32-bit Internet address (class IN) */
		if (in && len != 4)
			return fail(w, "RDATA of %zu octet%s, an A record has 4 (RFC 1035 "
				    "§3.4.1)", len, plural(len));
		return true;
	case LDNS_RR_TYPE_AAAA:
		/* RFC 3596 §2.2: a 128-bit IPv6 address */
		if (in && len != 16)
			return fail(w, "RDATA of %zu octet%s, an AAAA record has 16 (RFC "
				    "3596 §2.2)", len, plural(len));
		return true;
	case LDNS_RR_TYPE_CNAME: /* RFC 1035 §3.3.1 */
	case LDNS_RR_TYPE_NS:    /* RFC 1035 §3.3.11 */
	case LDNS_RR_TYPE_PTR:   /* RFC 1035 §3.3.12 */
	case LDNS_RR_TYPE_DNAME: /* RFC 6672 §2.1 */
		return rdata_name(wire, rdata, end, "name", w);
	case LDNS_RR_TYPE_SRV:
		/* RFC 2782: priority, weight, port (16 bits each), target */
		if (!in)
			return true;
		if (len < 7)
			return fail(w, "RDATA of %zu octet%s, an SRV record has at least 7: "
				    "priority, weight, port and a target name (RFC 2782)",
				    len, plural(len));
		return rdata_name(wire, rdata + 6, end, "target name", w);
	case LDNS_RR_TYPE_NAPTR: {
		/* RFC 3403 §4.1: ORDER, PREFERENCE (16 bits each), FLAGS,
		 * SERVICES, REGEXP (character-strings, RFC 1035 §3.3), then
		 * REPLACEMENT, a domain name */
		static const char *const strings[] = {"FLAGS", "SERVICES", "REGEXP"};
		size_t p = rdata + 4;
		if (!in)
			return true;
		if (len < 4)
			return fail(w, "RDATA of %zu octet%s ends inside ORDER and "
				    "PREFERENCE (RFC 3403 §4.1)", len, plural(len));
		for (size_t i = 0; i < 3; i++) {
			if (p >= end)
				return fail(w, "the RDATA ends before the %s field (RFC 3403 "
					    "§4.1)", strings[i]);
			if (p + 1 + wire[p] > end)
				return fail(w, "the %s character-string of %u octets runs past "
					    "the end of the RDATA (RFC 1035 §3.3)", strings[i],
					    wire[p]);
			p += 1 + (size_t)wire[p];
		}
		return rdata_name(wire, p, end, "REPLACEMENT name", w);
	}
	default:
		return true;
	}
}

/* ------------------------------------------------------------------ */
/* Records as text                                                     */

const char *rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
		"YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE",
	};
	if (rcode < 0)
		return "NONE";
	if ((size_t)rcode < sizeof(names) / sizeof(names[0]))
		return names[rcode];
	return "RCODE?";
}

/* A domain name from wire format to presentation format, lower case, with a
 * trailing dot; special and non-printable octets escaped as RFC 1035 §5.1
 * says.  (Faster than ldns_rdf2str(), which runs printf per label.) */
static char *dname_to_str(const uint8_t *d, size_t size)
{
	/* Each octet takes at most 4 characters (\DDD). */
	char *out = malloc(size * 4 + 2), *o = out;
	size_t i = 0;
	if (out == NULL)
		return NULL;
	while (i < size && d[i] != 0) {
		size_t len = d[i++];
		if (len > 63 || i + len > size) {
			free(out);
			return NULL;
		}
		for (size_t j = 0; j < len; j++, i++) {
			uint8_t c = d[i];
			if (c >= 'A' && c <= 'Z') {
				*o++ = (char)(c + 'a' - 'A');
			} else if (c == '.' || c == '\\' || c == '"' || c == '(' || c == ')' ||
				   c == ';' || c == '@' || c == '$') {
				*o++ = '\\';
				*o++ = (char)c;
			} else if (c < 0x21 || c > 0x7e) {
				*o++ = '\\';
				*o++ = (char)('0' + c / 100);
				*o++ = (char)('0' + c / 10 % 10);
				*o++ = (char)('0' + c % 10);
			} else {
				*o++ = (char)c;
			}
		}
		*o++ = '.';
	}
	if (o == out)
		*o++ = '.'; /* the root */
	*o = '\0';
	return out;
}

/* ldns's *2str() functions start each text in a 64 KB buffer; these start
 * small and grow (an RR is a few dozen octets of text): far less memory
 * traffic per answer. */
static char *rr_text(const ldns_rr *rr)
{
	ldns_buffer *b = ldns_buffer_new(256);
	char *s = NULL;
	if (b != NULL && ldns_rr2buffer_str(b, rr) == LDNS_STATUS_OK)
		s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	return s;
}

static char *rdf_text(const ldns_rdf *rdf)
{
	ldns_buffer *b = ldns_buffer_new(64);
	char *s = NULL;
	if (b != NULL && ldns_rdf2buffer_str(b, rdf) == LDNS_STATUS_OK)
		s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	return s;
}

char *rdf_to_str(const ldns_rdf *rdf)
{
	char buf[INET6_ADDRSTRLEN];
	if (rdf == NULL)
		return NULL;
	switch (ldns_rdf_get_type(rdf)) {
	case LDNS_RDF_TYPE_STR: {
		/* A character-string: a length octet, then the bytes.  One that
		 * holds a NUL byte cannot be a C string without changing its
		 * meaning: unreadable (hostile zones). */
		const uint8_t *d = ldns_rdf_data(rdf);
		size_t len = ldns_rdf_size(rdf);
		if (len == 0 || d[0] > len - 1 || memchr(d + 1, 0, d[0]) != NULL)
			return NULL;
		return rsip_strndup((const char *)d + 1, d[0]);
	}
	case LDNS_RDF_TYPE_DNAME:
		return dname_to_str(ldns_rdf_data(rdf), ldns_rdf_size(rdf));
	case LDNS_RDF_TYPE_A:
		if (ldns_rdf_size(rdf) == 4 && inet_ntop(AF_INET, ldns_rdf_data(rdf), buf,
							 sizeof(buf)) != NULL)
			return rsip_strdup(buf);
		return NULL;
	case LDNS_RDF_TYPE_AAAA:
		if (ldns_rdf_size(rdf) == 16 && inet_ntop(AF_INET6, ldns_rdf_data(rdf), buf,
							  sizeof(buf)) != NULL)
			return rsip_strdup(buf);
		return NULL;
	default:
		return rdf_text(rdf);
	}
}

/* Append to a growing buffer: ldns_buffer_write() does not grow it, so
 * reserve first (a failed reserve leaves the buffer's status not ok). */
static void buf_put(ldns_buffer *b, const void *data, size_t len)
{
	if (ldns_buffer_reserve(b, len))
		ldns_buffer_write(b, data, len);
	else
		b->_status = LDNS_STATUS_MEM_ERR;
}

static void buf_put_u8(ldns_buffer *b, uint8_t c)
{
	buf_put(b, &c, 1);
}

/* A character-string in presentation format, quoted, with '"' and '\\'
 * escaped and non-printable octets as \DDD (RFC 1035 §5.1). */
static void put_charstr(ldns_buffer *b, const ldns_rdf *rdf)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t len = ldns_rdf_size(rdf), n = len ? d[0] : 0;
	buf_put_u8(b, '"');
	for (size_t i = 1; i <= n && i < len; i++) {
		uint8_t c = d[i];
		if (c == '"' || c == '\\') {
			buf_put_u8(b, '\\');
			buf_put_u8(b, c);
		} else if (c < 0x20 || c > 0x7e) {
			char esc[5] = {'\\', (char)('0' + c / 100), (char)('0' + c / 10 % 10),
				       (char)('0' + c % 10), 0};
			buf_put(b, esc, 4);
		} else {
			buf_put_u8(b, c);
		}
	}
	buf_put_u8(b, '"');
}

static void put_str(ldns_buffer *b, char *str)
{
	if (str != NULL)
		buf_put(b, str, strlen(str));
	else
		b->_status = LDNS_STATUS_MEM_ERR; /* an unreadable field: no text */
	free(str);
}

/* One RR in presentation format, "owner TTL IN TYPE rdata" with single
 * spaces, for the trace.  The types resolution meets are written here (the
 * trace of a busy batch is dominated by this); others go through ldns. */
char *rr_to_str(const ldns_rr *rr)
{
	ldns_rr_type type = ldns_rr_get_type(rr);
	const ldns_rr_descriptor *desc = ldns_rr_descript(type);
	ldns_buffer *b;
	char num[16], *out;
	size_t n = ldns_rr_rd_count(rr);
	bool known = (type == LDNS_RR_TYPE_A && n == 1) ||
		     (type == LDNS_RR_TYPE_AAAA && n == 1) ||
		     (type == LDNS_RR_TYPE_CNAME && n == 1) ||
		     (type == LDNS_RR_TYPE_SRV && n == 4) || (type == LDNS_RR_TYPE_NAPTR && n == 6);
	if (!known || ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN || desc == NULL) {
		char *str = rr_text(rr), *p;
		size_t len;
		if (str == NULL)
			return NULL;
		len = strlen(str);
		while (len > 0 && (str[len - 1] == '\n' || str[len - 1] == ' '))
			str[--len] = '\0';
		for (p = str; *p; p++)
			if (*p == '\t')
				*p = ' ';
		return str;
	}
	b = ldns_buffer_new(256);
	if (b == NULL)
		return NULL;
	put_str(b, rdf_to_str(ldns_rr_owner(rr)));
	snprintf(num, sizeof(num), " %u IN ", ldns_rr_ttl(rr));
	buf_put(b, num, strlen(num));
	buf_put(b, desc->_name, strlen(desc->_name));
	for (size_t i = 0; i < n; i++) {
		const ldns_rdf *rdf = ldns_rr_rdf(rr, i);
		buf_put_u8(b, ' ');
		if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_STR)
			put_charstr(b, rdf);
		else if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_INT16)
			buf_put(b, num, (size_t)snprintf(num, sizeof(num), "%u",
							 ldns_rdf2native_int16(rdf)));
		else
			put_str(b, rdf_to_str(rdf));
	}
	buf_put_u8(b, 0);
	out = ldns_buffer_status_ok(b) ? rsip_strdup((char *)ldns_buffer_begin(b)) : NULL;
	ldns_buffer_free(b);
	return out;
}

/* The answer RRs of a reply in presentation format, for the trace: a malloc'd
 * array of *n malloc'd strings.  RRSIGs are left out: the step's DNSSEC state
 * says what they proved.  Every other record has its line, so that a decoded
 * record's answer_index (answer_index_of()) names its line; out of memory,
 * there are no lines at all rather than lines out of place. */
char **dns_answer_strings(const ldns_pkt *pkt, size_t *n)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t count = ldns_rr_list_rr_count(an);
	char **out = count ? calloc(count, sizeof(*out)) : NULL;
	*n = 0;
	for (size_t i = 0; out != NULL && i < count; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, i);
		char *str;
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG)
			continue;
		if ((str = rr_to_str(rr)) == NULL)
			str = rsip_strdup("; a record that cannot be shown");
		if (str == NULL) {
			dns_strings_free(out, *n);
			*n = 0;
			return NULL;
		}
		out[(*n)++] = str;
	}
	return out;
}

/* The index of the answer section's record i among the lines of
 * dns_answer_strings(): the records before it that are not RRSIGs.  Called
 * in order (i ascending) with *shown counting. */
static size_t answer_index_of(const ldns_rr *rr, size_t *shown)
{
	size_t at = *shown;
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
		(*shown)++;
	return at;
}

void dns_strings_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* ------------------------------------------------------------------ */
/* Reading a reply                                                     */

/* "A", "NAPTR", or "TYPE65280" (RFC 3597 §5) for a type ldns does not name. */
static void type_name(uint16_t type, char *buf, size_t len)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	if (d != NULL && d->_type == type && d->_name != NULL)
		snprintf(buf, len, "%s", d->_name);
	else
		snprintf(buf, len, "TYPE%u", type);
}

/* The owner name at pos in presentation format (malloc'd), for a note; the
 * name has passed name_scan(). */
static char *owner_text(const uint8_t *wire, size_t len, size_t pos)
{
	ldns_rdf *rdf = NULL;
	char *s = NULL;
	if (ldns_wire2dname(&rdf, wire, len, &pos) == LDNS_STATUS_OK)
		s = rdf_to_str(rdf);
	ldns_rdf_deep_free(rdf);
	return s;
}

static int add_note(struct rsip_vec *notes, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int add_note(struct rsip_vec *notes, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (rsip_vec_push(notes, text) != 0) {
		free(text);
		return -1;
	}
	return 0;
}

struct section {
	ldns_pkt_section id;
	const char *name;
	unsigned count; /* as the header says */
};

/* One resource record of a section, at *pos: left out with a note when
 * malformed, pushed onto pkt otherwise.  *pos moves to the next record.
 * RSIP_OK; RSIP_E_DNS_FAILURE when it cannot be delimited (w says why;
 * nothing after it can be found); RSIP_E_NOMEM. */
static rsip_status read_rr(ldns_pkt *pkt, const uint8_t *wire, size_t len, size_t *pos,
			   const struct section *sec, unsigned index, struct rsip_vec *notes,
			   unsigned *edns, struct why *w)
{
	size_t start = *pos, owner_end = 0, rdata, end, p;
	uint16_t type, rclass, rdlen;
	const ldns_rr_descriptor *desc;
	ldns_rr *rr = NULL;
	ldns_status st;
	struct why bad;
	char tname[16], *owner;
	int n;

	/* RFC 1035 §4.1.3: the framing */
	if (start >= len) {
		fail(w, "the message ends before it (%zu octets; the header counts %u %s "
		     "records, RFC 1035 §4.1.1)", len, sec->count, sec->name);
		return RSIP_E_DNS_FAILURE;
	}
	if (!name_scan(wire, start, len, "the message", &owner_end, w))
		return RSIP_E_DNS_FAILURE;
	if (owner_end + DNS_RR_FIXED_LEN > len) {
		fail(w, "the message ends inside its TYPE, CLASS, TTL and RDLENGTH (RFC 1035 "
		     "§4.1.3)");
		return RSIP_E_DNS_FAILURE;
	}
	type = get16(wire + owner_end);
	rclass = get16(wire + owner_end + 2);
	rdlen = get16(wire + owner_end + 8);
	rdata = owner_end + DNS_RR_FIXED_LEN;
	if (rdata + rdlen > len) {
		fail(w, "RDLENGTH %u runs past the end of the message (%zu octet%s left; RFC "
		     "1035 §4.1.3)", rdlen, len - rdata, plural(len - rdata));
		return RSIP_E_DNS_FAILURE;
	}
	end = rdata + rdlen;
	*pos = end;

	/* The RDATA: the shape of its type, then ldns on this record alone
	 * (bounded by its RDLENGTH: a name cannot run into the next record). */
	p = start;
	if (!rdata_shape(wire, rdata, end, type, rclass, &bad)) {
		/* the note below */
	} else if ((st = ldns_wire2rr(&rr, wire, end, &p, sec->id)) != LDNS_STATUS_OK) {
		if (st == LDNS_STATUS_MEM_ERR)
			return RSIP_E_NOMEM;
		fail(&bad, "the RDATA cannot be read: %s", ldns_get_errorstr_by_id(st));
		rr = NULL;
	} else if (p != end) {
		fail(&bad, "%zu octet%s after the last field", end - p, plural(end - p));
	} else if (rdlen > 0 && (desc = ldns_rr_descript(type)) != NULL &&
		   ldns_rr_rd_count(rr) < ldns_rr_descriptor_minimum(desc)) {
		/* (RDATA of 0 octets is left alone: an OPT without options) */
		fail(&bad, "the RDATA ends after %zu of its %zu fields", ldns_rr_rd_count(rr),
		     ldns_rr_descriptor_minimum(desc));
	} else {
		bad.text[0] = '\0';
	}
	if (bad.text[0] != '\0') {
		ldns_rr_free(rr);
		type_name(type, tname, sizeof(tname));
		owner = owner_text(wire, len, start);
		n = add_note(notes, "malformed record left out: %s record %u of %u (%s %s): %s",
			     sec->name, index, sec->count, owner ? owner : "?", tname,
			     bad.text);
		free(owner);
		return n == 0 ? RSIP_OK : RSIP_E_NOMEM;
	}

	/* What ldns_wire2pkt() does with the additional section's OPT
	 * (RFC 6891 §6.1.3: UDP size in CLASS; extended RCODE, version and
	 * flags in TTL) and TSIG (RFC 8945 §4.1): kept in the packet's own
	 * fields, not in the list. */
	if (sec->id == LDNS_SECTION_ADDITIONAL && type == LDNS_RR_TYPE_OPT) {
		uint32_t ttl = get32(wire + owner_end + 4);
		ldns_pkt_set_edns_udp_size(pkt, rclass);
		ldns_pkt_set_edns_extended_rcode(pkt, (uint8_t)(ttl >> 24));
		ldns_pkt_set_edns_version(pkt, (uint8_t)(ttl >> 16));
		ldns_pkt_set_edns_z(pkt, (uint16_t)ttl);
		if (ldns_rr_rdf(rr, 0) != NULL) {
			ldns_rdf *data = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
			if (data == NULL) {
				ldns_rr_free(rr);
				return RSIP_E_NOMEM;
			}
			ldns_rdf_deep_free(ldns_pkt_edns_data(pkt));
			ldns_pkt_set_edns_data(pkt, data);
		}
		ldns_rr_free(rr);
		(*edns)++;
		return RSIP_OK;
	}
	if (sec->id == LDNS_SECTION_ADDITIONAL && type == LDNS_RR_TYPE_TSIG) {
		ldns_rr_free(ldns_pkt_tsig(pkt));
		ldns_pkt_set_tsig(pkt, rr);
		return RSIP_OK;
	}
	if (!ldns_pkt_push_rr(pkt, sec->id, rr)) {
		ldns_rr_free(rr);
		return RSIP_E_NOMEM;
	}
	return RSIP_OK;
}

/* RFC 1035 §4.1.1: the header, as ldns_wire2pkt() reads it; the counts
 * start at 0 and grow with each record kept. */
static void read_header(ldns_pkt *pkt, const uint8_t *wire)
{
	ldns_pkt_set_id(pkt, LDNS_ID_WIRE(wire));
	ldns_pkt_set_qr(pkt, LDNS_QR_WIRE(wire));
	ldns_pkt_set_opcode(pkt, LDNS_OPCODE_WIRE(wire));
	ldns_pkt_set_aa(pkt, LDNS_AA_WIRE(wire));
	ldns_pkt_set_tc(pkt, LDNS_TC_WIRE(wire));
	ldns_pkt_set_rd(pkt, LDNS_RD_WIRE(wire));
	ldns_pkt_set_ra(pkt, LDNS_RA_WIRE(wire));
	ldns_pkt_set_ad(pkt, LDNS_AD_WIRE(wire));
	ldns_pkt_set_cd(pkt, LDNS_CD_WIRE(wire));
	ldns_pkt_set_rcode(pkt, LDNS_RCODE_WIRE(wire));
	ldns_pkt_set_qdcount(pkt, 0);
	ldns_pkt_set_ancount(pkt, 0);
	ldns_pkt_set_nscount(pkt, 0);
	ldns_pkt_set_arcount(pkt, 0);
}

/* RFC 1035 §4.1.2: every question must be read. */
static rsip_status read_questions(ldns_pkt *pkt, const uint8_t *wire, size_t len, size_t *pos,
				  unsigned count, struct why *w)
{
	for (unsigned i = 1; i <= count; i++) {
		size_t name_end = 0, p = *pos;
		ldns_rr *rr = NULL;
		ldns_status st;
		struct why inner;
		if (!name_scan(wire, *pos, len, "the message", &name_end, &inner)) {
			fail(w, "question %u of %u: %s", i, count, inner.text);
			return RSIP_E_DNS_FAILURE;
		}
		if (name_end + 4 > len) {
			fail(w, "question %u of %u: the message ends inside its QTYPE and "
			     "QCLASS (RFC 1035 §4.1.2)", i, count);
			return RSIP_E_DNS_FAILURE;
		}
		st = ldns_wire2rr(&rr, wire, name_end + 4, &p, LDNS_SECTION_QUESTION);
		if (st == LDNS_STATUS_MEM_ERR)
			return RSIP_E_NOMEM;
		if (st != LDNS_STATUS_OK || p != name_end + 4) {
			ldns_rr_free(rr);
			fail(w, "question %u of %u: %s", i, count, ldns_get_errorstr_by_id(st));
			return RSIP_E_DNS_FAILURE;
		}
		if (!ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, rr)) {
			ldns_rr_free(rr);
			return RSIP_E_NOMEM;
		}
		*pos = name_end + 4;
	}
	return RSIP_OK;
}

rsip_status dns_msg_parse(const uint8_t *wire, size_t len, ldns_pkt **pktp,
			  struct rsip_vec *notes)
{
	struct section secs[3] = {
		{LDNS_SECTION_ANSWER, "answer", 0},
		{LDNS_SECTION_AUTHORITY, "authority", 0},
		{LDNS_SECTION_ADDITIONAL, "additional", 0},
	};
	ldns_pkt *pkt = NULL;
	rsip_status status = RSIP_OK;
	size_t pos = DNS_HEADER_LEN;
	unsigned edns = 0;
	struct why w;
	bool cut = false;

	*pktp = NULL;
	if (wire == NULL || len < DNS_HEADER_LEN) {
		status = add_note(notes, "the reply cannot be read: %zu octet%s, shorter than "
				  "a DNS header (12, RFC 1035 §4.1.1)", wire ? len : 0,
				  plural(wire ? len : 0)) == 0 ? RSIP_E_DNS_FAILURE : RSIP_E_NOMEM;
		goto done;
	}
	if ((pkt = ldns_pkt_new()) == NULL) {
		status = RSIP_E_NOMEM;
		goto done;
	}
	read_header(pkt, wire);
	secs[0].count = LDNS_ANCOUNT(wire);
	secs[1].count = LDNS_NSCOUNT(wire);
	secs[2].count = LDNS_ARCOUNT(wire);
	status = read_questions(pkt, wire, len, &pos, LDNS_QDCOUNT(wire), &w);
	if (status == RSIP_E_DNS_FAILURE) {
		status = add_note(notes, "the reply cannot be read: %s", w.text) == 0 ?
				 RSIP_E_DNS_FAILURE : RSIP_E_NOMEM;
		goto done;
	}
	if (status != RSIP_OK)
		goto done;
	for (size_t s = 0; s < 3 && !cut; s++) {
		for (unsigned i = 1; i <= secs[s].count; i++) {
			status = read_rr(pkt, wire, len, &pos, &secs[s], i, notes, &edns, &w);
			if (status == RSIP_E_NOMEM)
				goto done;
			if (status == RSIP_E_DNS_FAILURE) {
				/* RFC 1035 §4.1.3: without this record's length the
				 * next one cannot be found. */
				size_t lost = secs[s].count - i + 1;
				size_t kept = ldns_pkt_ancount(pkt) + ldns_pkt_nscount(pkt) +
					      ldns_pkt_arcount(pkt) + edns +
					      (ldns_pkt_tsig(pkt) != NULL);
				for (size_t t = s + 1; t < 3; t++)
					lost += secs[t].count;
				status = add_note(notes, "%s record %u of %u cannot be delimited: "
						  "%s; nothing after it can be found: %zu "
						  "record%s lost; %zu read before it kept",
						  secs[s].name, i, secs[s].count, w.text, lost,
						  plural(lost), kept) == 0 ? RSIP_OK :
									     RSIP_E_NOMEM;
				if (status != RSIP_OK)
					goto done;
				cut = true;
				break;
			}
		}
	}
	if (!cut && pos < len &&
	    add_note(notes, "%zu octet%s after the last record of the reply ignored", len - pos,
		     plural(len - pos)) != 0) {
		status = RSIP_E_NOMEM;
		goto done;
	}
	ldns_pkt_set_size(pkt, len);
	pkt->_edns_present = edns > 0; /* as ldns_wire2pkt() sets it */
	status = RSIP_OK;
done:
	if (status != RSIP_OK) {
		ldns_pkt_free(pkt);
		pkt = NULL;
	}
	*pktp = pkt;
	return status;
}

/* ------------------------------------------------------------------ */
/* Records as typed values: each type decoded here, once               */

/* Mark a record defective, keeping the first reason.  -1 when out of
 * memory (a defect must never be lost: the record would pass for good). */
static int set_defect(struct ddds_rule *d, const char *what, const char *why)
{
	if (d->defect != NULL)
		return 0;
	if (asprintf(&d->defect, "the %s %s", what, why) < 0) {
		d->defect = NULL;
		return -1;
	}
	return 0;
}

/* A <character-string> field as text, for DNS_NAPTR_KEEP_DEFECTIVE.  RFC
 * 6116 §5.2: a record must never crash the client nor be read as something
 * it is not; a NUL octet would cut a C string short (a regexp "...!\0junk"
 * read as "..."), so it is shown as \000 and the record is marked
 * defective.  NULL when out of memory. */
static char *field_text(const ldns_rdf *rdf, const char *what, struct ddds_rule *d)
{
	const uint8_t *p;
	size_t len, nul = 0;
	char *s, *o;

	if (rdf == NULL || ldns_rdf_get_type(rdf) != LDNS_RDF_TYPE_STR ||
	    ldns_rdf_size(rdf) == 0 || ldns_rdf_data(rdf)[0] > ldns_rdf_size(rdf) - 1)
		return set_defect(d, what, "field cannot be read") == 0 ? rsip_strdup("") : NULL;
	p = ldns_rdf_data(rdf) + 1;
	len = ldns_rdf_data(rdf)[0];
	for (size_t i = 0; i < len; i++)
		nul += p[i] == '\0';
	if (nul > 0 && set_defect(d, what, "field holds a NUL octet (RFC 6116 §5.2: "
				  "discarded)") != 0)
		return NULL;
	s = malloc(len + 3 * nul + 1);
	if (s == NULL)
		return NULL;
	o = s;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '\0') {
			memcpy(o, "\\000", 4);
			o += 4;
		} else {
			*o++ = (char)p[i];
		}
	}
	*o = '\0';
	return s;
}

/* One NAPTR record read the ENUM way: every record kept, its defect named. */
static int naptr_keep(const ldns_rr *rr, struct ddds_rule *d)
{
	d->owner = rdf_to_str(ldns_rr_owner(rr));
	if (ldns_rr_rd_count(rr) != 6) {
		if (set_defect(d, "NAPTR record", "does not have the 6 fields of "
			       "RFC 3403 §4.1") != 0) {
			free(d->owner); /* out of memory, caught below */
			d->owner = NULL;
		}
		d->flags = rsip_strdup("");
		d->services = rsip_strdup("");
		d->regexp = rsip_strdup("");
		d->replacement = rsip_strdup(".");
	} else {
		d->order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		d->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		d->flags = field_text(ldns_rr_rdf(rr, 2), "flags", d);
		d->services = field_text(ldns_rr_rdf(rr, 3), "services", d);
		d->regexp = field_text(ldns_rr_rdf(rr, 4), "regexp", d);
		d->replacement = rdf_to_str(ldns_rr_rdf(rr, 5));
	}
	return d->owner == NULL || d->flags == NULL || d->services == NULL ||
	       d->regexp == NULL || d->replacement == NULL ? -1 : 0;
}

/* One NAPTR record read the RFC 3263 way: 1 when it is left out. */
static int naptr_plain(const ldns_rr *rr, struct ddds_rule *d)
{
	if (ldns_rr_rd_count(rr) != 6)
		return 1;
	d->owner = rdf_to_str(ldns_rr_owner(rr));
	d->order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
	d->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
	d->flags = rdf_to_str(ldns_rr_rdf(rr, 2));
	d->services = rdf_to_str(ldns_rr_rdf(rr, 3));
	d->regexp = rdf_to_str(ldns_rr_rdf(rr, 4));
	d->replacement = rdf_to_str(ldns_rr_rdf(rr, 5));
	return d->owner == NULL || d->flags == NULL || d->services == NULL ||
	       d->regexp == NULL || d->replacement == NULL ? 1 : 0;
}

rsip_status dns_naptr_rules(const ldns_pkt *pkt, enum dns_naptr_policy policy,
			    struct ddds_rule **rules, size_t *count, struct rsip_vec *notes)
{
	ldns_rr_list *an = pkt != NULL ? ldns_pkt_answer(pkt) : NULL;
	size_t n = an != NULL ? ldns_rr_list_rr_count(an) : 0, k = 0, i = 0, shown = 0;
	struct ddds_rule *out = NULL;

	*rules = NULL;
	*count = 0;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL)
		return RSIP_E_NOMEM;
	for (size_t j = 0; j < n; j++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, j);
		size_t at = answer_index_of(rr, &shown);
		struct ddds_rule *d = &out[k];
		bool plain = policy == DNS_NAPTR_LEAVE_OUT_UNREADABLE;
		int bad;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NAPTR ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			continue;
		bad = plain ? naptr_plain(rr, d) : naptr_keep(rr, d);
		d->dns_index = i++;
		d->answer_index = at;
		if (bad && !plain) {
			ddds_rules_free(out, k + 1);
			return RSIP_E_NOMEM;
		}
		if (bad) {
			/* RFC 3263 §4.1 chooses among records it can read. */
			bool fields = ldns_rr_rd_count(rr) == 6;
			ddds_rule_clear(d);
			if (fields && add_note(notes, "NAPTR record %zu left out: a field cannot "
					       "be read (a NUL byte, or malformed)", i) != 0) {
				ddds_rules_free(out, k);
				return RSIP_E_NOMEM;
			}
			continue;
		}
		k++;
	}
	*rules = out;
	*count = k;
	return RSIP_OK;
}

void ddds_rules_free(struct ddds_rule *rules, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ddds_rule_clear(&rules[i]);
	free(rules);
}

rsip_status dns_srv_records(const ldns_pkt *pkt, struct srv_rec **recs, size_t *count,
			    struct rsip_vec *notes)
{
	ldns_rr_list *an = pkt != NULL ? ldns_pkt_answer(pkt) : NULL;
	size_t n = an != NULL ? ldns_rr_list_rr_count(an) : 0, k = 0, i = 0, shown = 0;
	struct srv_rec *out = NULL;

	*recs = NULL;
	*count = 0;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL)
		return RSIP_E_NOMEM;
	for (size_t j = 0; j < n; j++) {
		const ldns_rr *rr = ldns_rr_list_rr(an, j);
		size_t at = answer_index_of(rr, &shown);
		struct srv_rec *s = &out[k];

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_SRV ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN)
			continue;
		i++;
		/* RFC 2782: priority, weight, port, target */
		if (ldns_rr_rd_count(rr) != 4 ||
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 3)) != LDNS_RDF_TYPE_DNAME) {
			if (add_note(notes, "SRV record %zu left out: malformed", i) != 0)
				break;
			continue;
		}
		s->priority = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		s->weight = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		s->port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
		s->target = rdf_to_str(ldns_rr_rdf(rr, 3));
		s->dns_index = i - 1;
		s->answer_index = at;
		if (s->target == NULL)
			continue;
		k++;
	}
	*recs = out;
	*count = k;
	return RSIP_OK;
}

void srv_recs_free(struct srv_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		srv_rec_clear(&recs[i]);
	free(recs);
}

rsip_status dns_addresses(const ldns_pkt *pkt, ldns_pkt_section section, ldns_rr_type type,
			  struct dns_addr **addrs, size_t *count, size_t *seen)
{
	bool both = section == LDNS_SECTION_ADDITIONAL;
	ldns_rr_list *rrs = pkt == NULL ? NULL : both ? ldns_pkt_additional(pkt) :
			    ldns_pkt_answer(pkt);
	size_t n = rrs ? ldns_rr_list_rr_count(rrs) : 0, k = 0;
	struct dns_addr *out = NULL;

	*addrs = NULL;
	*count = 0;
	if (seen != NULL)
		*seen = 0;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL)
		return RSIP_E_NOMEM;
	for (size_t i = 0, shown = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		struct dns_addr *d = &out[k];
		size_t at = answer_index_of(rr, &shown);
		if (ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN ||
		    (both ? t != LDNS_RR_TYPE_A && t != LDNS_RR_TYPE_AAAA : t != type))
			continue;
		if (seen != NULL)
			(*seen)++;
		d->v6 = t == LDNS_RR_TYPE_AAAA;
		d->answer_index = both ? DNS_NOT_AN_ANSWER : at;
		d->owner = rdf_to_str(ldns_rr_owner(rr));
		d->addr = ldns_rr_rd_count(rr) == 1 ? rdf_to_str(ldns_rr_rdf(rr, 0)) : NULL;
		if (d->owner == NULL || d->addr == NULL) {
			/* unreadable: no address of its name */
			free(d->owner);
			free(d->addr);
			memset(d, 0, sizeof(*d));
			continue;
		}
		k++;
	}
	*addrs = out;
	*count = k;
	return RSIP_OK;
}

void dns_addrs_free(struct dns_addr *addrs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(addrs[i].owner);
		free(addrs[i].addr);
	}
	free(addrs);
}
