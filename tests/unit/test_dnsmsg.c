/* test_dnsmsg.c - DNS messages from wire form record by record (dnsmsg.c,
 * RFC 1035 §4.1): a good message reads as ldns_wire2pkt() reads it; a
 * malformed record is left out with a note naming it and its neighbours are
 * kept; a record that cannot be delimited keeps the records before it; an
 * unreadable header or question fails the message.  The messages are written
 * octet by octet (tests/wire_builder.h). */
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "tap.h"
#include "wire_builder.h"

#define T_A 1
#define T_NS 2
#define T_CNAME 5
#define T_SOA 6
#define T_MX 15
#define T_TXT 16
#define T_AAAA 28
#define T_SRV 33
#define T_NAPTR 35
#define T_OPT 41
#define T_RRSIG 46
#define C_IN 1

struct parsed {
	rsip_status status;
	ldns_pkt *pkt;
	struct rsip_vec notes;
	char all[2048]; /* the notes, joined with " | " */
};

static void parse(const struct wire *w, struct parsed *p)
{
	memset(p, 0, sizeof(*p));
	if (w->over) {
		printf("Bail out! a test message is longer than %d octets\n", WIRE_MAX);
		exit(1);
	}
	p->status = dns_msg_parse(w->b, w->n, &p->pkt, &p->notes);
	for (size_t i = 0; i < p->notes.n; i++) {
		size_t used = strlen(p->all);
		snprintf(p->all + used, sizeof(p->all) - used, "%s%s", i ? " | " : "",
			 (const char *)p->notes.items[i]);
	}
	if (p->notes.n > 0)
		tap_diag("notes: %s", p->all);
}

static void parsed_clear(struct parsed *p)
{
	ldns_pkt_free(p->pkt);
	rsip_vec_clear(&p->notes, free);
}

static bool has(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* The i-th RR of a section as "owner TTL IN TYPE rdata" (rdf_to_str()
 * fields, joined by spaces), or "" past the end; static storage, two at a
 * time. */
static const char *rr_at(const ldns_pkt *pkt, ldns_pkt_section s, size_t i)
{
	static char buf[2][256];
	static int k;
	char *b = buf[k++ % 2];
	ldns_rr_list *l = ldns_pkt_get_section_clone(pkt, s);
	ldns_rr *rr;
	char *str;
	b[0] = '\0';
	if (l != NULL && i < ldns_rr_list_rr_count(l)) {
		rr = ldns_rr_list_rr(l, i);
		str = rdf_to_str(ldns_rr_owner(rr));
		snprintf(b, 256, "%s", str ? str : "?");
		free(str);
		for (size_t f = 0; f < ldns_rr_rd_count(rr); f++) {
			size_t used = strlen(b);
			const ldns_rdf *rdf = ldns_rr_rdf(rr, f);
			if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_INT16) {
				snprintf(b + used, 256 - used, " %u", ldns_rdf2native_int16(rdf));
				continue;
			}
			str = rdf_to_str(rdf);
			snprintf(b + used, 256 - used, " %s", str ? str : "?");
			free(str);
		}
	}
	ldns_rr_list_deep_free(l);
	return b;
}

/* The answer RRs of the given type. */
static size_t count_type(const ldns_pkt *pkt, ldns_rr_type type)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	size_t n = 0;
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++)
		n += ldns_rr_get_type(ldns_rr_list_rr(an, i)) == type;
	return n;
}

/* What ldns_wire2pkt() says of the same octets (the behaviour replaced). */
static ldns_status ldns_says(const struct wire *w)
{
	ldns_pkt *pkt = NULL;
	ldns_status st = ldns_wire2pkt(&pkt, w->b, w->n);
	ldns_pkt_free(pkt);
	return st;
}

static void good_a(struct wire *w, const char *addr4)
{
	size_t at = w_rr(w, NULL, T_A, C_IN, 300);
	w_bytes(w, addr4, 4);
	w_rr_end(w, at);
}

/* RFC 1035 §4.1: a message with every section, compression (§4.1.4) in
 * owners and RDATA, and EDNS (RFC 6891 §6.1.2) reads exactly as ldns reads
 * it: the same text, the same counts, no note. */
static void test_round_trip(void)
{
	struct wire w;
	struct parsed p;
	ldns_pkt *ref = NULL;
	char *mine_s, *ref_s;
	size_t at, owner;

	w_header(&w, 0, 1, 3, 1, 3);
	w_question(&w, "t.test", T_NAPTR);
	at = w_rr(&w, NULL, T_NAPTR, C_IN, 300);
	w_naptr(&w, 10, 20, "s", "SIPS+D2T", "", "_sips._tcp.t.test");
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_NAPTR, C_IN, 300);
	w_naptr(&w, 20, 20, "s", "SIP+D2U", "", "_sip._udp.t.test");
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_CNAME, C_IN, 60);
	w_u8(&w, 3);
	w_bytes(&w, "www", 3);
	w_ptr(&w, 12); /* www.t.test. */
	w_rr_end(&w, at);
	owner = w.n;
	at = w_rr(&w, "test", T_SOA, C_IN, 600);
	w_name(&w, "ns.test");
	w_u8(&w, 10);
	w_bytes(&w, "hostmaster", 10);
	w_ptr(&w, owner);
	w_u32(&w, 1);
	w_u32(&w, 3600);
	w_u32(&w, 600);
	w_u32(&w, 86400);
	w_u32(&w, 300);
	w_rr_end(&w, at);
	at = w_rr(&w, "sip.t.test", T_A, C_IN, 300);
	w_bytes(&w, "\x7f\x00\x00\x01", 4);
	w_rr_end(&w, at);
	/* OPT: UDP size 1232, DO set, one option (RFC 6891 §6.1.2) */
	w_u8(&w, 0);
	w_u16(&w, T_OPT);
	w_u16(&w, 1232);
	w_u32(&w, 0x00008000);
	w_u16(&w, 6);
	w_u16(&w, 10);
	w_u16(&w, 2);
	w_u16(&w, 0xabcd);
	at = w_rr(&w, "sip.t.test", T_AAAA, C_IN, 300);
	w_bytes(&w, "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
	w_rr_end(&w, at);

	parse(&w, &p);
	ok(ldns_wire2pkt(&ref, w.b, w.n) == LDNS_STATUS_OK, "RFC 1035 §4.1: ldns reads the "
	   "good message");
	is_int(p.status, RSIP_OK, "RFC 1035 §4.1: the good message is read");
	is_int(p.notes.n, 0, "no note on a good message");
	if (p.pkt != NULL && ref != NULL) {
		mine_s = ldns_pkt2str(p.pkt);
		ref_s = ldns_pkt2str(ref);
		is_str(mine_s, ref_s, "record by record, the same packet as ldns_wire2pkt() "
		       "(ldns_pkt2str: header, every section, EDNS)");
		free(mine_s);
		free(ref_s);
		is_int(ldns_pkt_ancount(p.pkt), 3, "ANCOUNT 3");
		is_int(ldns_pkt_nscount(p.pkt), 1, "NSCOUNT 1");
		is_int(ldns_pkt_arcount(p.pkt), ldns_pkt_arcount(ref),
		       "ARCOUNT without the OPT, as ldns counts it (RFC 6891 §6.1.1)");
		is_int(ldns_rr_list_rr_count(ldns_pkt_additional(p.pkt)), 2,
		       "the additional list holds A and AAAA, the OPT is the packet's EDNS");
		is_int(ldns_pkt_edns_udp_size(p.pkt), 1232, "EDNS UDP size from OPT's CLASS");
		ok(ldns_pkt_edns_do(p.pkt), "EDNS DO bit from OPT's TTL (RFC 3225 §3)");
		ok(ldns_pkt_edns(p.pkt), "ldns_pkt_edns(): the packet has EDNS");
		ok(ldns_rdf_compare(ldns_pkt_edns_data(p.pkt), ldns_pkt_edns_data(ref)) == 0,
		   "EDNS options as ldns keeps them");
		is_int(ldns_pkt_get_rcode(p.pkt), 0, "RCODE from the header");
		is_str(rr_at(p.pkt, LDNS_SECTION_ANSWER, 2), "t.test. www.t.test.",
		       "RFC 1035 §4.1.4: a compressed name in RDATA");
	}
	ldns_pkt_free(ref);
	parsed_clear(&p);
}

/* RFC 1035 §3.4.1: an A record's RDATA is 4 octets.  ldns refuses the whole
 * message for a record of 3; here the good A next to it is kept. */
static void test_short_a(void)
{
	struct wire w;
	struct parsed p;
	size_t at;

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "h.test", T_A);
	at = w_rr(&w, NULL, T_A, C_IN, 300);
	w_bytes(&w, "\x01\x02\x03", 3);
	w_rr_end(&w, at);
	good_a(&w, "\x7f\x00\x00\x02");
	ok(ldns_says(&w) != LDNS_STATUS_OK, "ldns_wire2pkt() refuses the whole message for "
	   "an A of 3 octets (%s)", ldns_get_errorstr_by_id(ldns_says(&w)));
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 1035 §3.4.1: A of 3 octets: the message is read");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "one A kept, ANCOUNT 1");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ANSWER, 0) : "", "h.test. 127.0.0.2",
	       "the good A is the one kept");
	is_int(p.notes.n, 1, "one note");
	ok(has(p.all, "answer record 1 of 2 (h.test. A)"), "the note names section, index, "
	   "owner and type");
	ok(has(p.all, "RDATA of 3 octets, an A record has 4"), "the note says what is wrong");
	parsed_clear(&p);

	/* 5 octets: ldns takes the first 4 and reads the next record from the
	 * fifth octet. */
	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "h.test", T_A);
	at = w_rr(&w, NULL, T_A, C_IN, 300);
	w_bytes(&w, "\x01\x02\x03\x04\x05", 5);
	w_rr_end(&w, at);
	good_a(&w, "\x7f\x00\x00\x02");
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "RFC 1035 §3.4.1: A of 5 octets left "
	       "out, the good one kept");
	ok(has(p.all, "RDATA of 5 octets, an A record has 4"), "noted");
	parsed_clear(&p);
}

/* RFC 3596 §2.2: an AAAA record's RDATA is 16 octets. */
static void test_short_aaaa(void)
{
	struct wire w;
	struct parsed p;
	size_t at;

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "h.test", T_AAAA);
	at = w_rr(&w, NULL, T_AAAA, C_IN, 300);
	w_bytes(&w, "0123456789abcde", 15);
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_AAAA, C_IN, 300);
	w_bytes(&w, "\x20\x01\x0d\xb8\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01", 16);
	w_rr_end(&w, at);
	ok(ldns_says(&w) != LDNS_STATUS_OK, "ldns_wire2pkt() refuses the whole message for "
	   "an AAAA of 15 octets");
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 3596 §2.2: AAAA of 15 octets: the message is read");
	is_int(p.pkt ? count_type(p.pkt, LDNS_RR_TYPE_AAAA) : 99, 1, "one AAAA kept");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ANSWER, 0) : "", "h.test. 2001:db8::1",
	       "the good AAAA");
	ok(has(p.all, "answer record 1 of 2 (h.test. AAAA): RDATA of 15 octets, an AAAA "
	       "record has 16"), "the note names it");
	parsed_clear(&p);
}

static void naptr_rr(struct wire *w, unsigned order, const char *services,
		     const char *replacement, size_t extra)
{
	size_t at = w_rr(w, NULL, T_NAPTR, C_IN, 300);
	w_naptr(w, order, 10, "s", services, "", replacement);
	for (size_t i = 0; i < extra; i++)
		w_u8(w, 0xab);
	w_rr_end(w, at); /* RDLENGTH counts the extra octets */
}

/* RFC 3403 §4.1: REPLACEMENT is the last field; octets after it (counted by
 * RDLENGTH) make the record malformed.  ldns loses the whole set when such
 * a record comes first (it reads the next record from the extra octets) and
 * takes it without a word when it comes last; here it is left out, noted,
 * either way. */
static void test_naptr_trailing(void)
{
	struct wire w;
	struct parsed p;

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "t.test", T_NAPTR);
	naptr_rr(&w, 10, "SIP+D2U", "_sip._udp.t.test", 2);
	naptr_rr(&w, 20, "SIPS+D2T", "_sips._tcp.t.test", 0);
	ok(ldns_says(&w) != LDNS_STATUS_OK, "ldns_wire2pkt() refuses the whole message for "
	   "a NAPTR with 2 octets after its REPLACEMENT (%s)",
	   ldns_get_errorstr_by_id(ldns_says(&w)));
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 3403 §4.1: the message is read");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "the good NAPTR kept");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ANSWER, 0) : "",
	       "t.test. 20 10 s SIPS+D2T  _sips._tcp.t.test.", "it is the SIPS+D2T record");
	ok(has(p.all, "answer record 1 of 2 (t.test. NAPTR)") &&
	   has(p.all, "2 octets after the last field"), "the note names it and says what is "
	   "wrong");
	parsed_clear(&p);

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "t.test", T_NAPTR);
	naptr_rr(&w, 20, "SIPS+D2T", "_sips._tcp.t.test", 0);
	naptr_rr(&w, 10, "SIP+D2U", "_sip._udp.t.test", 2);
	ok(ldns_says(&w) == LDNS_STATUS_OK, "ldns_wire2pkt() takes the same record without a "
	   "word when it is the last");
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "RFC 3403 §4.1: here it is left out "
	       "too");
	ok(has(p.all, "answer record 2 of 2 (t.test. NAPTR): 2 octets after the last field"),
	   "and noted");
	parsed_clear(&p);

	/* RDLENGTH 4: ORDER and PREFERENCE only (ldns: a NAPTR of 2 fields). */
	w_header(&w, 0, 1, 1, 0, 0);
	w_question(&w, "t.test", T_NAPTR);
	{
		size_t at = w_rr(&w, NULL, T_NAPTR, C_IN, 300);
		w_u16(&w, 1);
		w_u16(&w, 2);
		w_rr_end(&w, at);
	}
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 0, "RFC 3403 §4.1: a NAPTR that ends "
	       "after PREFERENCE is left out");
	ok(has(p.all, "the RDATA ends before the FLAGS field"), "noted");
	parsed_clear(&p);

	/* A character-string longer than what is left of the RDATA. */
	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "t.test", T_NAPTR);
	{
		size_t at = w_rr(&w, NULL, T_NAPTR, C_IN, 300);
		w_u16(&w, 1);
		w_u16(&w, 2);
		w_string(&w, "s");
		w_u8(&w, 40);
		w_bytes(&w, "SIP", 3);
		w_rr_end(&w, at);
	}
	naptr_rr(&w, 20, "SIPS+D2T", "_sips._tcp.t.test", 0);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "RFC 1035 §3.3: a SERVICES string "
	       "past the RDATA: left out, the next kept");
	ok(has(p.all, "the SERVICES character-string of 40 octets runs past the end of the "
	       "RDATA"), "noted");
	parsed_clear(&p);
}

/* RFC 2782: priority, weight, port and a target name that ends exactly at
 * RDLENGTH.  ldns reads a name past RDLENGTH into the next record. */
static void test_srv(void)
{
	struct wire w;
	struct parsed p;
	size_t at;

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "_sip._udp.t.test", T_SRV);
	at = w_rr(&w, NULL, T_SRV, C_IN, 300);
	w_u16(&w, 0);
	w_u16(&w, 0);
	w_u16(&w, 5060);
	w_u8(&w, 4);
	w_bytes(&w, "test", 4); /* no root label: the name runs short */
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_SRV, C_IN, 300);
	w_srv(&w, 1, 0, 5061, "sip.t.test");
	w_rr_end(&w, at);
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 2782: SRV whose target runs short: the message is read");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "the good SRV kept");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ANSWER, 0) : "",
	       "_sip._udp.t.test. 1 0 5061 sip.t.test.", "it is the second");
	ok(has(p.all, "answer record 1 of 2 (_sip._udp.t.test. SRV): the target name cannot "
	       "be read: the name runs past the end of the RDATA"), "noted");
	parsed_clear(&p);

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "_sip._udp.t.test", T_SRV);
	at = w_rr(&w, NULL, T_SRV, C_IN, 300);
	w_u16(&w, 0);
	w_u16(&w, 0);
	w_u16(&w, 5060);
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_SRV, C_IN, 300);
	w_srv(&w, 1, 0, 5061, "sip.t.test");
	w_u8(&w, 0);
	w_rr_end(&w, at);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 0, "RFC 2782: SRV without target, and "
	       "SRV with an octet after its target: both left out");
	ok(has(p.all, "RDATA of 6 octets, an SRV record has at least 7") &&
	   has(p.all, "record 2 of 2 (_sip._udp.t.test. SRV): 1 octet after the last field "
	       "(the target name)"), "both noted");
	parsed_clear(&p);
}

/* RFC 1035 §3.3.1: a CNAME is one name; other types through ldns: their
 * RDATA must be read whole, and hold every field of the type. */
static void test_other_types(void)
{
	struct wire w;
	struct parsed p;
	size_t at;

	w_header(&w, 0, 1, 4, 0, 0);
	w_question(&w, "h.test", T_TXT);
	at = w_rr(&w, NULL, T_CNAME, C_IN, 300);
	w_name(&w, "a.test");
	w_u16(&w, 0x0102);
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_TXT, C_IN, 300);
	w_u8(&w, 20);
	w_bytes(&w, "short", 5);
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_MX, C_IN, 300);
	w_u16(&w, 10);
	w_name(&w, "mx.test");
	w_u8(&w, 7);
	w_rr_end(&w, at);
	at = w_rr(&w, NULL, T_TXT, C_IN, 300);
	w_string(&w, "good");
	w_rr_end(&w, at);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "three malformed records left out, "
	       "the good TXT kept");
	ok(has(p.all, "(h.test. CNAME): 2 octets after the last field (the name)"),
	   "RFC 1035 §3.3.1: CNAME with 2 octets after its name");
	ok(has(p.all, "(h.test. TXT): the RDATA cannot be read"), "RFC 1035 §3.3.14: a TXT "
	   "string past its RDATA");
	ok(has(p.all, "(h.test. MX): 1 octet after the last field"), "RFC 1035 §3.3.9: MX "
	   "with an octet after its exchange");
	parsed_clear(&p);

	/* RFC 1035 §3.3.13: SOA ending after MNAME, RNAME and SERIAL */
	w_header(&w, 0, 1, 0, 1, 0);
	w_question(&w, "h.test", T_A);
	at = w_rr(&w, "test", T_SOA, C_IN, 300);
	w_name(&w, "ns.test");
	w_name(&w, "hostmaster.test");
	w_u32(&w, 1);
	w_rr_end(&w, at);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_nscount(p.pkt) : 99, 0, "RFC 1035 §3.3.13: an SOA of 3 fields "
	       "is left out");
	ok(has(p.all, "authority record 1 of 1 (test. SOA): the RDATA ends after 3 of its 7 "
	       "fields"), "noted");
	parsed_clear(&p);
}

/* RFC 1035 §4.1.4: a pointer refers to a prior occurrence.  An owner whose
 * pointer loops cannot be read, so the record cannot be delimited: the
 * records before it are kept, the rest of the message is lost, noted. */
static void test_pointer_loop(void)
{
	struct wire w;
	struct parsed p;
	size_t here;

	w_header(&w, 0, 1, 3, 0, 1);
	w_question(&w, "h.test", T_A);
	good_a(&w, "\x7f\x00\x00\x01");
	here = w.n;
	w_u8(&w, 1);
	w_bytes(&w, "x", 1);
	w_ptr(&w, here); /* x.x.x.x... */
	w_u16(&w, T_A);
	w_u16(&w, C_IN);
	w_u32(&w, 300);
	w_u16(&w, 4);
	w_bytes(&w, "\x7f\x00\x00\x02", 4);
	good_a(&w, "\x7f\x00\x00\x03");
	good_a(&w, "\x7f\x00\x00\x04");
	ok(ldns_says(&w) != LDNS_STATUS_OK, "ldns_wire2pkt() refuses the whole message");
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 1035 §4.1.4: a pointer loop in one owner: the message "
	       "is read up to it");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "the record before it kept");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ANSWER, 0) : "", "h.test. 127.0.0.1",
	       "it is the first");
	is_int(p.pkt ? ldns_pkt_arcount(p.pkt) : 99, 0, "nothing after it (additional)");
	ok(has(p.all, "answer record 2 of 3 cannot be delimited") && has(p.all, "a loop") &&
	   has(p.all, "3 records lost; 1 read before it kept"), "noted: where, why, "
	   "what is lost and kept");
	parsed_clear(&p);

	/* A pointer forward, and a pointer to itself. */
	w_header(&w, 0, 1, 1, 0, 0);
	w_question(&w, "h.test", T_A);
	w_ptr(&w, w.n);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 0, "RFC 1035 §4.1.4: a pointer to "
	       "itself: nothing kept");
	ok(has(p.all, "points to octet 24, not before the name"), "noted");
	parsed_clear(&p);

	/* A label type 01 (RFC 1035 §4.1.4: reserved). */
	w_header(&w, 0, 1, 1, 0, 0);
	w_question(&w, "h.test", T_A);
	w_u8(&w, 0x41);
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 1035 §4.1.4: label type 0x40 in an owner: read up "
	       "to it");
	ok(has(p.all, "label type 0x40 at octet 24 is not defined"), "noted");
	parsed_clear(&p);

	/* RFC 1035 §3.1: a name of more than 255 octets (five labels of 63). */
	w_header(&w, 0, 1, 1, 0, 0);
	w_question(&w, "h.test", T_A);
	for (int i = 0; i < 5; i++) {
		w_u8(&w, 63);
		for (int k = 0; k < 63; k++)
			w_u8(&w, 'a');
	}
	w_u8(&w, 0);
	parse(&w, &p);
	ok(has(p.all, "the name is longer than 255 octets"), "RFC 1035 §3.1: an owner over "
	   "255 octets cannot be read");
	parsed_clear(&p);
}

/* RFC 1035 §4.1.3: RDLENGTH past the end of the message, and counts that
 * claim more records than the message holds (§4.1.1). */
static void test_framing(void)
{
	struct wire w;
	struct parsed p;
	size_t at;

	w_header(&w, 0, 1, 2, 0, 0);
	w_question(&w, "h.test", T_A);
	good_a(&w, "\x7f\x00\x00\x01");
	at = w_rr(&w, NULL, T_A, C_IN, 300);
	w_bytes(&w, "\x7f\x00\x00\x02", 4);
	w_rr_end_len(&w, at, 200);
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 1035 §4.1.3: RDLENGTH past the end: read up to it");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "the record before it kept");
	ok(has(p.all, "answer record 2 of 2 cannot be delimited: RDLENGTH 200 runs past the "
	       "end of the message (4 octets left"), "noted");
	parsed_clear(&p);

	w_header(&w, 0, 1, 3, 0, 0);
	w_question(&w, "h.test", T_A);
	good_a(&w, "\x7f\x00\x00\x01");
	parse(&w, &p);
	is_int(p.status, RSIP_OK, "RFC 1035 §4.1.1: ANCOUNT 3, one record: read");
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "the one there kept, ANCOUNT 1");
	ok(has(p.all, "answer record 2 of 3 cannot be delimited: the message ends before it") &&
	   has(p.all, "2 records lost; 1 read before it kept"), "noted");
	parsed_clear(&p);

	/* A malformed record in the additional section, its SRV kept. */
	w_header(&w, 0, 1, 1, 0, 2);
	w_question(&w, "_sip._udp.t.test", T_SRV);
	at = w_rr(&w, NULL, T_SRV, C_IN, 300);
	w_srv(&w, 0, 0, 5060, "sip.t.test");
	w_rr_end(&w, at);
	at = w_rr(&w, "sip.t.test", T_A, C_IN, 300);
	w_bytes(&w, "\x7f\x00", 2);
	w_rr_end(&w, at);
	at = w_rr(&w, "sip.t.test", T_A, C_IN, 300);
	w_bytes(&w, "\x7f\x00\x00\x05", 4);
	w_rr_end(&w, at);
	w_u16(&w, 0xdead);
	parse(&w, &p);
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 99, 1, "RFC 2782: the SRV kept");
	is_int(p.pkt ? ldns_pkt_arcount(p.pkt) : 99, 1, "RFC 1035 §3.4.1: of the additional "
	       "A records, the good one kept");
	is_str(p.pkt ? rr_at(p.pkt, LDNS_SECTION_ADDITIONAL, 0) : "",
	       "sip.t.test. 127.0.0.5", "it is the second");
	ok(has(p.all, "additional record 1 of 2 (sip.t.test. A): RDATA of 2 octets"),
	   "the bad one noted");
	ok(has(p.all, "2 octets after the last record of the reply ignored"),
	   "RFC 1035 §4.1: octets after the last record noted");
	parsed_clear(&p);
}

/* RFC 1035 §4.1.1, §4.1.2: without the header or the question the reply is
 * not read at all. */
static void test_unreadable(void)
{
	struct wire w;
	struct parsed p;

	w_header(&w, 0, 1, 1, 0, 0);
	w.n = 7;
	parse(&w, &p);
	is_int(p.status, RSIP_E_DNS_FAILURE, "RFC 1035 §4.1.1: a header of 7 octets: the "
	       "reply cannot be read");
	ok(p.pkt == NULL, "no packet");
	ok(has(p.all, "7 octets, shorter than a DNS header (12"), "noted");
	parsed_clear(&p);

	memset(&p, 0, sizeof(p));
	p.status = dns_msg_parse(NULL, 0, &p.pkt, &p.notes);
	is_int(p.status, RSIP_E_DNS_FAILURE, "no reply at all: cannot be read");
	parsed_clear(&p);

	w_header(&w, 0, 1, 0, 0, 0);
	w_u8(&w, 6);
	w_bytes(&w, "h.t", 3);
	parse(&w, &p);
	is_int(p.status, RSIP_E_DNS_FAILURE, "RFC 1035 §4.1.2: a question whose name runs "
	       "past the end: the reply cannot be read");
	ok(p.pkt == NULL, "no packet");
	ok(has(p.all, "the reply cannot be read: question 1 of 1: a label runs past the "
	       "end of the message"), "noted");
	parsed_clear(&p);

	w_header(&w, 0, 2, 0, 0, 0);
	w_question(&w, "h.test", T_A);
	w_name(&w, "h.test");
	w_u16(&w, T_A);
	parse(&w, &p);
	is_int(p.status, RSIP_E_DNS_FAILURE, "RFC 1035 §4.1.2: the second question without "
	       "its QCLASS: cannot be read");
	ok(has(p.all, "question 2 of 2: the message ends inside its QTYPE and QCLASS"), "noted");
	parsed_clear(&p);
}

/* An RRSIG over type (RFC 4034 §3.1), with a short signature. */
static void w_rrsig(struct wire *w, const char *owner, unsigned type)
{
	size_t at = w_rr(w, owner, T_RRSIG, C_IN, 300);
	w_u16(w, type);
	w_u8(w, 8);
	w_u8(w, 2);
	w_u32(w, 300);
	w_u32(w, 2000000000u);
	w_u32(w, 1000000000u);
	w_u16(w, 12345);
	w_name(w, "t.test");
	w_bytes(w, "signature", 9);
	w_rr_end(w, at);
}

/* Each decoded record knows its line among the step's answers
 * (dns_answer_strings(): the answer section, RRSIGs left out), whatever
 * stands between: a CNAME (RFC 1034 §3.6.2), RRSIGs (RFC 4034 §3.1), other
 * types, another class, and a NAPTR record that the RFC 3263 policy leaves
 * out (a NUL octet). */
static void test_answer_index(void)
{
	struct wire w;
	struct parsed p;
	struct ddds_rule *rules = NULL;
	struct srv_rec *srv = NULL;
	struct dns_addr *addrs = NULL;
	struct rsip_vec notes = {0};
	char **lines = NULL;
	size_t at, nl = 0, nr = 0, ns = 0, na = 0;

	w_header(&w, 0, 1, 11, 0, 0);
	w_question(&w, "t.test", T_NAPTR);
	at = w_rr(&w, NULL, T_CNAME, C_IN, 300);         /* line 0 */
	w_name(&w, "n.t.test");
	w_rr_end(&w, at);
	w_rrsig(&w, "t.test", T_CNAME);                  /* no line */
	at = w_rr(&w, "n.t.test", T_NAPTR, C_IN, 300);   /* line 1, left out */
	w_u16(&w, 10);
	w_u16(&w, 10);
	w_string(&w, "s");
	w_bytes(&w, "\x08SIP+D2U\0", 9);
	w_string(&w, "");
	w_name(&w, "_sip._udp.t.test");
	w_rr_end(&w, at);
	w_rrsig(&w, "n.t.test", T_NAPTR);                /* no line */
	at = w_rr(&w, "n.t.test", T_NAPTR, C_IN, 300);   /* line 2 */
	w_naptr(&w, 20, 10, "s", "SIP+D2T", "", "_sip._tcp.t.test");
	w_rr_end(&w, at);
	at = w_rr(&w, "n.t.test", T_TXT, C_IN, 300);     /* line 3 */
	w_string(&w, "text");
	w_rr_end(&w, at);
	at = w_rr(&w, "n.t.test", T_SRV, C_IN, 300);     /* line 4 */
	w_srv(&w, 0, 0, 5060, "sip.t.test");
	w_rr_end(&w, at);
	w_rrsig(&w, "n.t.test", T_SRV);                  /* no line */
	at = w_rr(&w, "n.t.test", T_A, 3, 300);          /* line 5: class CH, not decoded */
	w_bytes(&w, "\x7f\0\0\x01", 4);
	w_rr_end(&w, at);
	at = w_rr(&w, "n.t.test", T_A, C_IN, 300);       /* line 6 */
	w_bytes(&w, "\xc0\0\x02\x01", 4);
	w_rr_end(&w, at);
	at = w_rr(&w, "n.t.test", T_NAPTR, C_IN, 300);   /* line 7 */
	w_naptr(&w, 30, 10, "s", "SIPS+D2T", "", "_sips._tcp.t.test");
	w_rr_end(&w, at);
	parse(&w, &p);
	if (p.pkt != NULL) {
		lines = dns_answer_strings(p.pkt, &nl);
		dns_naptr_rules(p.pkt, DNS_NAPTR_LEAVE_OUT_UNREADABLE, &rules, &nr, &notes);
		dns_srv_records(p.pkt, &srv, &ns, &notes);
		dns_addresses(p.pkt, LDNS_SECTION_ANSWER, LDNS_RR_TYPE_A, &addrs, &na, NULL);
	}
	is_int(p.pkt ? ldns_pkt_ancount(p.pkt) : 0, 11, "RFC 1035 §4.1: all 11 records read");
	is_int((long long)nl, 8, "8 lines: the 3 RRSIGs have none");
	is_int((long long)nr, 2, "RFC 3263 §4.1: the NAPTR with a NUL octet is left out");
	ok(nr == 2 && rules[0].answer_index == 2 && rules[1].answer_index == 7,
	   "the NAPTR records are lines 2 and 7");
	ok(nr == 2 && nl == 8 && has(lines[rules[0].answer_index], "SIP+D2T") &&
	   has(lines[rules[1].answer_index], "SIPS+D2T"), "and those lines are theirs");
	ok(ns == 1 && srv[0].answer_index == 4 && nl == 8 &&
	   has(lines[srv[0].answer_index], " SRV 0 0 5060 sip.t.test."),
	   "RFC 2782: the SRV record is line 4");
	ok(na == 1 && addrs[0].answer_index == 6 && nl == 8 &&
	   has(lines[addrs[0].answer_index], " IN A 192.0.2.1"),
	   "the A record of class IN is line 6 (the one of class CH is line 5)");
	ddds_rules_free(rules, nr);
	nr = 0;
	if (p.pkt != NULL)
		dns_naptr_rules(p.pkt, DNS_NAPTR_KEEP_DEFECTIVE, &rules, &nr, &notes);
	ok(nr == 3 && rules[0].answer_index == 1 && rules[0].defect != NULL &&
	   rules[1].answer_index == 2 && rules[2].answer_index == 7,
	   "RFC 6116 §5.2: the ENUM policy keeps the defective one, line 1");
	ddds_rules_free(rules, nr);
	srv_recs_free(srv, ns);
	dns_addrs_free(addrs, na);
	dns_strings_free(lines, nl);
	rsip_vec_clear(&notes, free);
	parsed_clear(&p);
}

int main(void)
{
	test_round_trip();
	test_short_a();
	test_short_aaaa();
	test_naptr_trailing();
	test_srv();
	test_other_types();
	test_pointer_loop();
	test_framing();
	test_unreadable();
	test_answer_index();
	return tap_done();
}
