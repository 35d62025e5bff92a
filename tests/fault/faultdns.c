/* faultdns.c - a DNS server for tests on loopback: answers from zone files over UDP and TCP
 * (RFC 1035 §4, RFC 7766 framing, RFC 6891 EDNS) and injects faults chosen by rules.
 *
 * README
 *
 *   faultdns -a ADDR -p PORT [-P PORTFILE] [-t LIFETIME_S] [-l QUERYLOG] -z ZONEFILE...
 *            [-r RULES]
 *
 *   -a ADDR      numeric address to listen on (tests use 127.0.0.x); all traffic stays there
 *   -p PORT      UDP and TCP port; 0 picks a free one, the same number for both
 *   -P PORTFILE  the port number is written there (atomically) once both sockets listen
 *   -t SECONDS   lifetime: the server exits by itself after it (default 120); SIGTERM and
 *                SIGINT end it at once
 *   -l QUERYLOG  one line per question received, "udp|tcp QNAME QTYPE" (QNAME in lower
 *                case), flushed at once, so tests can count questions
 *   -z ZONEFILE  a master file (ldns_zone_new_frm_fp; repeatable): its SOA names the apex
 *   -r RULES     fault rules, one a line, '#' starts a comment:
 *                    NAME QTYPE ACTION [ARGS...]
 *                NAME is an absolute owner (case-insensitive) or "*.suffix." (any name
 *                strictly below suffix); QTYPE a type mnemonic or ANY.  The first rule
 *                that matches a question wins.  Actions:
 *                  drop                       never answer
 *                  delay MS                   the normal answer after MS milliseconds
 *                  rcode NAME [keep-records]  that rcode with no records, or with the
 *                                             records of the normal answer
 *                  drop-first N               drop the first N questions for the name and
 *                                             type, then answer normally
 *                  truncate MODE              UDP: an empty answer with TC=1; TCP: MODE is
 *                                             ok (normal answer), close (close without an
 *                                             answer), garbage (a length-framed message of
 *                                             random octets) or drop (no answer)
 *                  wrong-id                   the normal answer under another ID
 *                  wrong-question             the normal answer for another QNAME
 *                  malformed-a                the normal answer with, before its records,
 *                                             an A record of the owner with 3 octets of RDATA
 *                  naptr-trailing             the normal answer; its first NAPTR carries 2
 *                                             octets after the replacement (in RDLENGTH)
 *                  huge N                     N records of QTYPE (A, AAAA, NAPTR, SRV)
 *                                             made up at the name, as many as fit in 65535
 *                                             octets over TCP; over UDP truncated as usual
 *                  noadditional               no additional section
 *                  additional-only-a          only the A records of SRV targets as
 *                                             additional data (no AAAA)
 *
 * Answers from the zones: an exact match of name and type; a CNAME at the name is put in
 * the answer and its chain followed inside the zones (RFC 1034 §4.3.2; at most 16 links,
 * a loop stops); a DNAME above the name rewrites it with a synthesised CNAME (RFC 6672
 * §3.1); a name with other types only is NODATA and an absent one NXDOMAIN, both with the
 * SOA of the closest enclosing zone (RFC 2308 §2); a name outside every zone is REFUSED.
 * The A and AAAA records of SRV targets go in the additional section (RFC 2782).
 * Messages are written here, not by ldns, so that malformed records can be spliced in:
 * owner names equal to the question's are compressed to a pointer to it (RFC 1035 §4.1.4),
 * every other name is written in full.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <netinet/in.h>

#include <ldns/ldns.h>

#define MAX_CNAME_LINKS 16
#define MAX_CONNS 64
#define TCP_MAX 65535
#define OUR_EDNS_PAYLOAD 1232
#define HDR_LEN 12

/* ---- zones ---------------------------------------------------------------- */

struct zone {
	ldns_rdf *apex;
	ldns_rr *soa;
};

static struct zone *zones;
static size_t nzones;
static ldns_rr **records; /* every record of every zone (SOAs included), sorted by owner */
static size_t nrecords;
static ldns_rr **dnames; /* the DNAME records among them */
static size_t ndnames;

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (q == NULL) {
		fprintf(stderr, "faultdns: out of memory\n");
		exit(1);
	}
	return q;
}

static void add_record(ldns_rr *rr)
{
	static size_t room;
	if (nrecords == room) {
		room = room ? 2 * room : 256;
		records = xrealloc(records, room * sizeof(*records));
	}
	records[nrecords++] = rr;
}

static void load_zone(const char *path)
{
	FILE *fp = fopen(path, "r");
	ldns_zone *z = NULL;
	ldns_status st;
	int line = 0;

	if (fp == NULL) {
		fprintf(stderr, "faultdns: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	st = ldns_zone_new_frm_fp_l(&z, fp, NULL, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(fp);
	if (st != LDNS_STATUS_OK || ldns_zone_soa(z) == NULL) {
		fprintf(stderr, "faultdns: %s:%d: %s\n", path, line,
			st != LDNS_STATUS_OK ? ldns_get_errorstr_by_id(st) : "no SOA record");
		exit(1);
	}
	zones = xrealloc(zones, (nzones + 1) * sizeof(*zones));
	zones[nzones].soa = ldns_rr_clone(ldns_zone_soa(z));
	zones[nzones].apex = ldns_rr_owner(zones[nzones].soa);
	nzones++;
	add_record(ldns_rr_clone(ldns_zone_soa(z)));
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(z)); i++)
		add_record(ldns_rr_clone(ldns_rr_list_rr(ldns_zone_rrs(z), i)));
	ldns_zone_deep_free(z);
}

static int name_eq(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

/* Records in the canonical order of their owners (RFC 4034 §6.1), the zone files' order
 * kept among one owner's: a name's records are contiguous and the names below it follow
 * them, so that a lookup is a binary search, not a scan (batch tests load 10^4 names). */

static int by_owner(const void *pa, const void *pb)
{
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	int c = ldns_dname_compare(ldns_rr_owner(records[a]), ldns_rr_owner(records[b]));
	return c != 0 ? c : (a > b) - (a < b);
}

static void index_records(void)
{
	size_t *order = xrealloc(NULL, nrecords * sizeof(*order));
	ldns_rr **sorted = xrealloc(NULL, nrecords * sizeof(*sorted));

	for (size_t i = 0; i < nrecords; i++)
		order[i] = i;
	qsort(order, nrecords, sizeof(*order), by_owner);
	for (size_t i = 0; i < nrecords; i++) {
		sorted[i] = records[order[i]];
		if (ldns_rr_get_type(sorted[i]) == LDNS_RR_TYPE_DNAME) {
			dnames = xrealloc(dnames, (ndnames + 1) * sizeof(*dnames));
			dnames[ndnames++] = sorted[i];
		}
	}
	free(records);
	free(order);
	records = sorted;
}

/* The index of the first record whose owner is NAME or after it in canonical order. */
static size_t first_at_or_after(const ldns_rdf *name)
{
	size_t lo = 0, hi = nrecords;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ldns_dname_compare(ldns_rr_owner(records[mid]), name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int at_or_below(const ldns_rdf *name, const ldns_rdf *apex)
{
	return name_eq(name, apex) || ldns_dname_is_subdomain(name, apex);
}

/* The zone whose apex is the longest one at or above NAME, or -1. */
static long closest_zone(const ldns_rdf *name)
{
	long best = -1;
	uint8_t best_labels = 0;

	for (size_t i = 0; i < nzones; i++) {
		uint8_t labels = ldns_dname_label_count(zones[i].apex);
		if (at_or_below(name, zones[i].apex) && (best < 0 || labels > best_labels)) {
			best = (long)i;
			best_labels = labels;
		}
	}
	return best;
}

/* ---- messages --------------------------------------------------------------- */

struct blob {
	uint8_t *data;
	size_t len;
	size_t owner_len; /* octets of the owner name at the start */
	ldns_rr_type type;
};

struct section {
	struct blob *v;
	size_t n, cap;
};

enum { SEC_ANSWER, SEC_AUTHORITY, SEC_ADDITIONAL, NSECTIONS };

struct answer {
	uint16_t id;
	int rd, aa, tc, cd;
	uint8_t opcode, rcode;
	ldns_rdf *qname; /* the name written in the question (owned) */
	ldns_rr_type qtype;
	ldns_rr_class qclass;
	int edns, edns_do;
	int compress_owner; /* owners equal to qname become a pointer to offset 12 */
	struct section sec[NSECTIONS];
};

static void blob_insert(struct section *s, size_t at, struct blob b)
{
	/* Doubling: a huge answer's thousands of records cost no quadratic copying. */
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	memmove(&s->v[at + 1], &s->v[at], (s->n - at) * sizeof(*s->v));
	s->v[at] = b;
	s->n++;
}

static void clear_sections(struct answer *a)
{
	for (int i = 0; i < NSECTIONS; i++) {
		for (size_t j = 0; j < a->sec[i].n; j++)
			free(a->sec[i].v[j].data);
		free(a->sec[i].v);
		a->sec[i].v = NULL;
		a->sec[i].n = 0;
		a->sec[i].cap = 0;
	}
}

static int section_has(const struct section *s, const ldns_rr *rr, const struct answer *a)
{
	uint8_t *w = NULL;
	size_t len = 0;
	int found = 0;

	if (ldns_rr2wire(&w, rr, LDNS_SECTION_ANSWER, &len) != LDNS_STATUS_OK)
		return 0;
	for (size_t i = 0; i < s->n && !found; i++) {
		const struct blob *b = &s->v[i];
		size_t own = ldns_rdf_size(ldns_rr_owner(rr));
		/* compare past the owner name (which may be compressed), then the owner */
		if (b->type == ldns_rr_get_type(rr) && b->len - b->owner_len == len - own &&
		    memcmp(b->data + b->owner_len, w + own, len - own) == 0) {
			if (b->owner_len == 2 && a->compress_owner)
				found = name_eq(ldns_rr_owner(rr), a->qname);
			else
				found = b->owner_len == own && strncasecmp((char *)b->data,
									   (char *)w, own) == 0;
		}
	}
	free(w);
	return found;
}

static void append_rr(struct answer *a, int section, const ldns_rr *rr)
{
	struct blob b;
	size_t own = ldns_rdf_size(ldns_rr_owner(rr));

	b.type = ldns_rr_get_type(rr);
	if (ldns_rr2wire(&b.data, rr, LDNS_SECTION_ANSWER, &b.len) != LDNS_STATUS_OK) {
		fprintf(stderr, "faultdns: cannot encode a record\n");
		return;
	}
	b.owner_len = own;
	if (a->compress_owner && name_eq(ldns_rr_owner(rr), a->qname)) {
		/* RFC 1035 §4.1.4: a pointer to the question's name at offset 12 */
		b.data[0] = 0xc0;
		b.data[1] = HDR_LEN;
		memmove(b.data + 2, b.data + own, b.len - own);
		b.len -= own - 2;
		b.owner_len = 2;
	}
	blob_insert(&a->sec[section], a->sec[section].n, b);
}

static void add_rr(struct answer *a, int section, const ldns_rr *rr)
{
	if (!section_has(&a->sec[section], rr, a))
		append_rr(a, section, rr); /* RFC 2181 §5: no duplicate records in an RRset */
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The message of A in at most LIMIT octets.  Over UDP an answer or authority section that
 * does not fit leaves every section empty with TC=1; additional records that do not fit
 * are left out without TC (RFC 2181 §9).  Over TCP records are kept while they fit. */
static uint8_t *assemble(const struct answer *a, size_t limit, int tcp, size_t *lenp)
{
	size_t qlen = ldns_rdf_size(a->qname) + 4;
	size_t total = HDR_LEN + qlen + (a->edns ? 11 : 0);
	size_t count[NSECTIONS] = {0, 0, 0};
	int tc = a->tc, full = 0;
	uint8_t *m, *p;

	for (int s = 0; s < NSECTIONS && !full; s++) {
		for (size_t i = 0; i < a->sec[s].n; i++) {
			if (total + a->sec[s].v[i].len > limit) {
				full = 1;
				if (!tcp && s != SEC_ADDITIONAL) {
					tc = 1;
					for (int k = 0; k < NSECTIONS; k++)
						count[k] = 0;
				}
				break;
			}
			total += a->sec[s].v[i].len;
			count[s]++;
		}
	}
	if (tc && !tcp) {
		total = HDR_LEN + qlen + (a->edns ? 11 : 0);
		for (int k = 0; k < NSECTIONS; k++)
			count[k] = 0;
	}
	m = xrealloc(NULL, total);
	put16(m, a->id);
	/* RFC 1035 §4.1.1: QR, the opcode and RD copied, AA, TC, RA, RCODE */
	m[2] = (uint8_t)(0x80 | (a->opcode & 0xf) << 3 | (a->aa ? 0x04 : 0) | (tc ? 0x02 : 0) |
			 (a->rd ? 0x01 : 0));
	m[3] = (uint8_t)(0x80 | (a->cd ? 0x10 : 0) | (a->rcode & 0xf));
	put16(m + 4, 1);
	put16(m + 6, (uint16_t)count[SEC_ANSWER]);
	put16(m + 8, (uint16_t)count[SEC_AUTHORITY]);
	put16(m + 10, (uint16_t)(count[SEC_ADDITIONAL] + (a->edns ? 1 : 0)));
	p = m + HDR_LEN;
	memcpy(p, ldns_rdf_data(a->qname), ldns_rdf_size(a->qname));
	p += ldns_rdf_size(a->qname);
	put16(p, a->qtype);
	put16(p + 2, a->qclass);
	p += 4;
	for (int s = 0; s < NSECTIONS; s++) {
		for (size_t i = 0; i < count[s]; i++) {
			memcpy(p, a->sec[s].v[i].data, a->sec[s].v[i].len);
			p += a->sec[s].v[i].len;
		}
	}
	if (a->edns) {
		/* RFC 6891 §6.1.2: root owner, type OPT, CLASS = our payload, TTL = extended
		 * rcode 0, version 0, DO copied (RFC 3225 §3), no options */
		memset(p, 0, 11);
		put16(p + 1, LDNS_RR_TYPE_OPT);
		put16(p + 3, OUR_EDNS_PAYLOAD);
		p[7] = a->edns_do ? 0x80 : 0;
		p += 11;
	}
	*lenp = (size_t)(p - m);
	return m;
}

/* ---- answering from the zones ---------------------------------------------------- */

enum additional_mode { ADD_ALL, ADD_NONE, ADD_ONLY_A };

static void add_soa(struct answer *a, long zone)
{
	if (zone >= 0)
		add_rr(a, SEC_AUTHORITY, zones[zone].soa);
}

/* A DNAME strictly above NAME inside ZONE, the nearest one (RFC 6672 §2.3), or NULL. */
static ldns_rr *dname_above(const ldns_rdf *name, long zone)
{
	ldns_rr *best = NULL;

	for (size_t i = 0; i < ndnames; i++) {
		ldns_rr *rr = dnames[i];
		if (!ldns_dname_is_subdomain(name, ldns_rr_owner(rr)) ||
		    !at_or_below(ldns_rr_owner(rr), zones[zone].apex))
			continue;
		if (best == NULL || ldns_dname_label_count(ldns_rr_owner(rr)) >
					    ldns_dname_label_count(ldns_rr_owner(best)))
			best = rr;
	}
	return best;
}

/* RFC 6672 §3.1: the CNAME from NAME to NAME with DNAME's owner replaced by its target. */
static ldns_rr *synthesise_cname(const ldns_rdf *name, const ldns_rr *dname)
{
	const ldns_rdf *owner = ldns_rr_owner(dname), *target = ldns_rr_rdf(dname, 0);
	size_t prefix = ldns_rdf_size(name) - ldns_rdf_size(owner);
	uint8_t buf[LDNS_MAX_DOMAINLEN + 256];
	ldns_rr *rr;

	if (prefix + ldns_rdf_size(target) > LDNS_MAX_DOMAINLEN)
		return NULL; /* RFC 6672 §2.2: YXDOMAIN; the chain just stops here */
	memcpy(buf, ldns_rdf_data(name), prefix);
	memcpy(buf + prefix, ldns_rdf_data(target), ldns_rdf_size(target));
	rr = ldns_rr_new(); /* (ldns_rr_new_frm_type() would add an empty field first) */
	ldns_rr_set_type(rr, LDNS_RR_TYPE_CNAME);
	ldns_rr_set_owner(rr, ldns_rdf_clone(name));
	ldns_rr_set_ttl(rr, ldns_rr_ttl(dname));
	ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
	ldns_rr_push_rdf(rr, ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME,
						   prefix + ldns_rdf_size(target), buf));
	return rr;
}

static void add_target_addresses(struct answer *a, const ldns_rdf *target,
				 enum additional_mode mode)
{
	for (size_t i = first_at_or_after(target);
	     i < nrecords && name_eq(ldns_rr_owner(records[i]), target); i++) {
		ldns_rr_type t = ldns_rr_get_type(records[i]);
		if (t == LDNS_RR_TYPE_A || (t == LDNS_RR_TYPE_AAAA && mode == ADD_ALL))
			add_rr(a, SEC_ADDITIONAL, records[i]);
	}
}

/* Fills A with the answer of the zones for its question. */
static void answer_from_zones(struct answer *a, const ldns_rdf *qname, enum additional_mode mode)
{
	ldns_rdf *name = ldns_rdf_clone(qname);
	long zone = closest_zone(name);

	if (zone < 0) {
		a->rcode = LDNS_RCODE_REFUSED; /* RFC 1035 §4.1.1: not ours to answer */
		a->aa = 0;
		ldns_rdf_deep_free(name);
		return;
	}
	a->aa = 1;
	for (int links = 0; links <= MAX_CNAME_LINKS; links++) {
		ldns_rr *dname = dname_above(name, zone), *cname = NULL;
		int exists = 0, matched = 0, below = 0;

		if (dname != NULL) {
			ldns_rr *syn = synthesise_cname(name, dname);
			add_rr(a, SEC_ANSWER, dname);
			if (syn == NULL)
				break;
			if (section_has(&a->sec[SEC_ANSWER], syn, a)) {
				ldns_rr_free(syn);
				break; /* a loop: stop */
			}
			add_rr(a, SEC_ANSWER, syn);
			ldns_rdf_deep_free(name);
			name = ldns_rdf_clone(ldns_rr_rdf(syn, 0));
			ldns_rr_free(syn);
			goto next;
		}
		size_t i = first_at_or_after(name);
		for (; i < nrecords && name_eq(ldns_rr_owner(records[i]), name); i++) {
			ldns_rr *rr = records[i];
			exists = 1;
			if (a->qtype == LDNS_RR_TYPE_ANY || ldns_rr_get_type(rr) == a->qtype) {
				add_rr(a, SEC_ANSWER, rr);
				matched = 1;
			} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME) {
				cname = rr;
			}
		}
		below = i < nrecords && ldns_dname_is_subdomain(ldns_rr_owner(records[i]), name);
		if (matched)
			break;
		if (cname != NULL) {
			/* RFC 1034 §4.3.2 step 3a: put the CNAME, go on with its target */
			if (section_has(&a->sec[SEC_ANSWER], cname, a))
				break; /* a loop: stop */
			add_rr(a, SEC_ANSWER, cname);
			ldns_rdf_deep_free(name);
			name = ldns_rdf_clone(ldns_rr_rdf(cname, 0));
			goto next;
		}
		/* RFC 2308 §2.1/§2.2 (and RFC 6604 §2: the rcode of the chain's last name) */
		if (!exists && !below)
			a->rcode = LDNS_RCODE_NXDOMAIN;
		add_soa(a, zone);
		break;
next:
		zone = closest_zone(name);
		if (zone < 0)
			break; /* the chain leaves our zones: the resolver goes on from here */
	}
	ldns_rdf_deep_free(name);
	/* RFC 2782 "Usage rules": the addresses of the targets as additional data */
	if (mode != ADD_NONE) {
		for (size_t i = 0; i < nrecords; i++) {
			ldns_rr *rr = records[i];
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SRV && ldns_rr_rd_count(rr) == 4 &&
			    section_has(&a->sec[SEC_ANSWER], rr, a))
				add_target_addresses(a, ldns_rr_rdf(rr, 3), mode);
		}
	}
}

/* HUGE N: N made-up records of the question's type at its name, as many as fit in LIMIT
 * (and one more, so that a UDP answer is seen not to fit). */
static void answer_huge(struct answer *a, const ldns_rdf *qname, long n, size_t limit)
{
	char *owner = ldns_rdf2str(qname);
	char text[LDNS_MAX_DOMAINLEN * 2 + 128];
	size_t total = HDR_LEN + ldns_rdf_size(qname) + 4 + (a->edns ? 11 : 0); /* as assemble() */

	a->aa = 1;
	for (long i = 0; i < n && total <= limit; i++) {
		ldns_rr *rr = NULL;
		switch (a->qtype) {
		case LDNS_RR_TYPE_A: /* loopback addresses: nobody is ever sent anything */
			snprintf(text, sizeof(text), "%s 300 IN A 127.1.%ld.%ld", owner,
				 (i >> 8) & 0xff, i & 0xff);
			break;
		case LDNS_RR_TYPE_AAAA: /* RFC 3849 documentation prefix */
			snprintf(text, sizeof(text), "%s 300 IN AAAA 2001:db8::%lx:%lx", owner,
				 (i >> 16) & 0xffff, i & 0xffff);
			break;
		case LDNS_RR_TYPE_NAPTR:
			snprintf(text, sizeof(text), "%s 300 IN NAPTR 10 %ld \"s\" \"SIP+D2U\" "
				 "\"\" _sip._udp.%s", owner, i % 65536, owner);
			break;
		default: /* SRV (checked when the rules were read) */
			snprintf(text, sizeof(text), "%s 300 IN SRV 0 %ld 5060 t%ld.%s", owner,
				 i % 65536, i, owner);
			break;
		}
		if (ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) != LDNS_STATUS_OK)
			break;
		append_rr(a, SEC_ANSWER, rr); /* all distinct: no look for duplicates */
		total += a->sec[SEC_ANSWER].v[a->sec[SEC_ANSWER].n - 1].len;
		ldns_rr_free(rr);
	}
	free(owner);
}

/* ---- rules ------------------------------------------------------------------ */

enum action {
	ACT_DROP,
	ACT_DELAY,
	ACT_RCODE,
	ACT_DROP_FIRST,
	ACT_TRUNCATE,
	ACT_WRONG_ID,
	ACT_WRONG_QUESTION,
	ACT_MALFORMED_A,
	ACT_NAPTR_TRAILING,
	ACT_HUGE,
	ACT_NOADDITIONAL,
	ACT_ADDITIONAL_ONLY_A,
};

enum tcp_mode { TCP_OK, TCP_CLOSE, TCP_GARBAGE, TCP_DROP };

struct rule {
	ldns_rdf *name;
	int below; /* "*.suffix.": any name strictly below name */
	int any_type;
	ldns_rr_type type;
	enum action action;
	long arg;
	int keep_records;
	enum tcp_mode mode;
};

static struct rule *rules;
static size_t nrules;

/* drop-first counters, one per rule, name and type */
struct counter {
	struct counter *next;
	size_t rule;
	ldns_rdf *name;
	ldns_rr_type type;
	long seen;
};

static struct counter *counters;

static long count_question(size_t rule, const ldns_rdf *name, ldns_rr_type type)
{
	struct counter *c;

	for (c = counters; c != NULL; c = c->next)
		if (c->rule == rule && c->type == type && name_eq(c->name, name))
			return ++c->seen;
	c = xrealloc(NULL, sizeof(*c));
	c->next = counters;
	c->rule = rule;
	c->name = ldns_rdf_clone(name);
	c->type = type;
	c->seen = 1;
	counters = c;
	return 1;
}

static long parse_number(const char *s, long max, const char *path, int line)
{
	char *end;
	long v;

	errno = 0;
	v = s != NULL ? strtol(s, &end, 10) : -1;
	if (s == NULL || errno != 0 || *end != '\0' || v < 0 || v > max) {
		fprintf(stderr, "faultdns: %s:%d: a number 0..%ld is needed\n", path, line, max);
		exit(2);
	}
	return v;
}

static void rule_error(const char *path, int line, const char *what, const char *word)
{
	fprintf(stderr, "faultdns: %s:%d: %s '%s'\n", path, line, what, word ? word : "");
	exit(2);
}

static void parse_arguments(struct rule *r, char **w, const char *path, int line)
{
	switch (r->action) {
	case ACT_DELAY:
		r->arg = parse_number(w[3], 600000, path, line);
		break;
	case ACT_DROP_FIRST:
		r->arg = parse_number(w[3], 1000000, path, line);
		break;
	case ACT_HUGE:
		r->arg = parse_number(w[3], 1000000, path, line);
		if (r->any_type || (r->type != LDNS_RR_TYPE_A && r->type != LDNS_RR_TYPE_AAAA &&
				      r->type != LDNS_RR_TYPE_NAPTR && r->type != LDNS_RR_TYPE_SRV))
			rule_error(path, line, "huge makes A, AAAA, NAPTR or SRV, not", w[1]);
		break;
	case ACT_RCODE: {
		/* the mnemonics of RFC 6895 §2.3 (ldns spells NOTIMP "NOTIMPL") */
		ldns_lookup_table *lt = ldns_lookup_by_name(ldns_rcodes, w[3]);
		if (strcasecmp(w[3], "NOTIMP") == 0)
			r->arg = LDNS_RCODE_NOTIMPL;
		else if (lt != NULL)
			r->arg = lt->id;
		else
			rule_error(path, line, "unknown rcode", w[3]);
		if (r->arg > 15)
			rule_error(path, line, "not a header rcode (RFC 6891 §6.1.3):", w[3]);
		if (w[4] != NULL && strcmp(w[4], "keep-records") != 0)
			rule_error(path, line, "keep-records or nothing expected, got", w[4]);
		r->keep_records = w[4] != NULL;
		break;
	}
	case ACT_TRUNCATE:
		if (strcmp(w[3], "ok") == 0)
			r->mode = TCP_OK;
		else if (strcmp(w[3], "close") == 0)
			r->mode = TCP_CLOSE;
		else if (strcmp(w[3], "garbage") == 0)
			r->mode = TCP_GARBAGE;
		else if (strcmp(w[3], "drop") == 0)
			r->mode = TCP_DROP;
		else
			rule_error(path, line, "ok, close, garbage or drop expected:", w[3]);
		break;
	default:
		break;
	}
}

static void load_rules(const char *path)
{
	static const struct {
		const char *word;
		enum action action;
		int args;
	} actions[] = {
		{"drop", ACT_DROP, 0},
		{"delay", ACT_DELAY, 1},
		{"rcode", ACT_RCODE, 1},
		{"drop-first", ACT_DROP_FIRST, 1},
		{"truncate", ACT_TRUNCATE, 1},
		{"wrong-id", ACT_WRONG_ID, 0},
		{"wrong-question", ACT_WRONG_QUESTION, 0},
		{"malformed-a", ACT_MALFORMED_A, 0},
		{"naptr-trailing", ACT_NAPTR_TRAILING, 0},
		{"huge", ACT_HUGE, 1},
		{"noadditional", ACT_NOADDITIONAL, 0},
		{"additional-only-a", ACT_ADDITIONAL_ONLY_A, 0},
	};
	FILE *fp = fopen(path, "r");
	char buf[1024];
	int line = 0;

	if (fp == NULL) {
		fprintf(stderr, "faultdns: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (fgets(buf, sizeof(buf), fp) != NULL) {
		char *w[5] = {NULL, NULL, NULL, NULL, NULL}, *save = NULL, *hash;
		struct rule r;
		size_t nw = 0, k;

		line++;
		if ((hash = strchr(buf, '#')) != NULL)
			*hash = '\0';
		for (char *t = strtok_r(buf, " \t\r\n", &save); t != NULL;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (nw == 5)
				rule_error(path, line, "too many words at", t);
			w[nw++] = t;
		}
		if (nw == 0)
			continue;
		if (nw < 3)
			rule_error(path, line, "NAME QTYPE ACTION expected, got", w[0]);
		memset(&r, 0, sizeof(r));
		if (strncmp(w[0], "*.", 2) == 0) {
			r.below = 1;
			w[0] += 2;
		}
		if (w[0][0] == '\0' || w[0][strlen(w[0]) - 1] != '.' ||
		    ldns_str2rdf_dname(&r.name, w[0]) != LDNS_STATUS_OK)
			rule_error(path, line, "not an absolute name:", w[0]);
		if (strcasecmp(w[1], "ANY") == 0)
			r.any_type = 1;
		else if ((r.type = ldns_get_rr_type_by_name(w[1])) == 0)
			rule_error(path, line, "not a type:", w[1]);
		for (k = 0; k < sizeof(actions) / sizeof(actions[0]); k++)
			if (strcmp(w[2], actions[k].word) == 0)
				break;
		if (k == sizeof(actions) / sizeof(actions[0]))
			rule_error(path, line, "unknown action", w[2]);
		r.action = actions[k].action;
		if (nw < 3 + (size_t)actions[k].args)
			rule_error(path, line, "an argument is missing after", w[2]);
		parse_arguments(&r, w, path, line);
		if (nw > 3 + (size_t)actions[k].args + (r.action == ACT_RCODE))
			rule_error(path, line, "too many arguments for", w[2]);
		rules = xrealloc(rules, (nrules + 1) * sizeof(*rules));
		rules[nrules++] = r;
	}
	fclose(fp);
}

static long match_rule(const ldns_rdf *qname, ldns_rr_type qtype)
{
	for (size_t i = 0; i < nrules; i++) {
		const struct rule *r = &rules[i];
		if (!r->any_type && r->type != qtype)
			continue;
		if (r->below ? ldns_dname_is_subdomain(qname, r->name) : name_eq(qname, r->name))
			return (long)i;
	}
	return -1;
}

/* ---- one question ------------------------------------------------------------ */

enum reply_kind { REPLY_NONE, REPLY_SEND, REPLY_CLOSE };

struct reply {
	enum reply_kind kind;
	uint8_t *data;
	size_t len;
	long delay_ms;
};

static FILE *querylog;

static void log_question(int tcp, const ldns_rdf *qname, ldns_rr_type qtype)
{
	char *name, *type;

	if (querylog == NULL)
		return;
	name = qname ? ldns_rdf2str(qname) : NULL;
	type = qname ? ldns_rr_type2str(qtype) : NULL;
	for (char *p = name; p != NULL && *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	fprintf(querylog, "%s %s %s\n", tcp ? "tcp" : "udp", name ? name : "-", type ? type : "-");
	fflush(querylog);
	free(name);
	free(type);
}

/* RFC 1035 §4.1.1: an answer of only the header, for a query we cannot read. */
static void reply_header_only(struct reply *out, const uint8_t *q, uint8_t rcode)
{
	out->kind = REPLY_SEND;
	out->len = HDR_LEN;
	out->data = xrealloc(NULL, HDR_LEN);
	memset(out->data, 0, HDR_LEN);
	memcpy(out->data, q, 2);
	out->data[2] = (uint8_t)(0x80 | (q[2] & 0x79)); /* QR, opcode and RD copied */
	out->data[3] = (uint8_t)(0x80 | rcode);
}

static void splice_malformed_a(struct answer *a)
{
	/* an A record of the owner whose RDATA is 3 octets (RFC 1035 §3.4.1 wants 4) */
	static const uint8_t bad[] = {0xc0, HDR_LEN, 0, 1, 0, 1, 0, 0, 1, 44, 0, 3, 192, 0, 2};
	struct blob b;

	b.len = sizeof(bad);
	b.data = xrealloc(NULL, b.len);
	memcpy(b.data, bad, b.len);
	b.owner_len = 2;
	b.type = LDNS_RR_TYPE_A;
	blob_insert(&a->sec[SEC_ANSWER], 0, b);
}

static void splice_naptr_trailing(struct answer *a)
{
	struct section *s = &a->sec[SEC_ANSWER];

	for (size_t i = 0; i < s->n; i++) {
		struct blob *b = &s->v[i];
		size_t rdlen_at = b->owner_len + 8;
		uint16_t rdlen;
		if (b->type != LDNS_RR_TYPE_NAPTR)
			continue;
		/* RFC 3403 §4.1: the record ends with the replacement; 2 octets follow it */
		rdlen = (uint16_t)(b->data[rdlen_at] << 8 | b->data[rdlen_at + 1]);
		put16(b->data + rdlen_at, (uint16_t)(rdlen + 2));
		b->data = xrealloc(b->data, b->len + 2);
		b->data[b->len] = 0xde;
		b->data[b->len + 1] = 0xad;
		b->len += 2;
		return;
	}
}

static void handle_query(int tcp, const uint8_t *q, size_t qlen, struct reply *out)
{
	ldns_pkt *pkt = NULL;
	const ldns_rr *question;
	struct answer a;
	const struct rule *r = NULL;
	enum additional_mode mode = ADD_ALL;
	size_t limit;
	long ri;

	memset(out, 0, sizeof(*out));
	if (qlen < HDR_LEN)
		return; /* not even a header: nothing to answer to */
	if ((q[2] & 0x80) != 0)
		return; /* a response: never answer one (RFC 1035 §4.1.1 QR) */
	if (ldns_wire2pkt(&pkt, q, qlen) != LDNS_STATUS_OK ||
	    ldns_pkt_qdcount(pkt) != 1 || ldns_rr_list_rr_count(ldns_pkt_question(pkt)) != 1) {
		log_question(tcp, NULL, 0);
		reply_header_only(out, q, LDNS_RCODE_FORMERR);
		ldns_pkt_free(pkt);
		return;
	}
	question = ldns_rr_list_rr(ldns_pkt_question(pkt), 0);
	log_question(tcp, ldns_rr_owner(question), ldns_rr_get_type(question));
	if (ldns_pkt_get_opcode(pkt) != LDNS_PACKET_QUERY) {
		reply_header_only(out, q, LDNS_RCODE_NOTIMPL);
		ldns_pkt_free(pkt);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.id = ldns_pkt_id(pkt);
	a.rd = ldns_pkt_rd(pkt);
	a.cd = ldns_pkt_cd(pkt);
	a.opcode = LDNS_PACKET_QUERY;
	a.qname = ldns_rdf_clone(ldns_rr_owner(question));
	a.qtype = ldns_rr_get_type(question);
	a.qclass = ldns_rr_get_class(question);
	a.compress_owner = 1;
	/* RFC 6891 §7: an OPT in the answer only when the query had one; §6.2.5: a payload
	 * below 512 counts as 512 */
	a.edns = ldns_pkt_edns(pkt);
	a.edns_do = a.edns && ldns_pkt_edns_do(pkt);
	limit = 512;
	if (a.edns && ldns_pkt_edns_udp_size(pkt) > 512)
		limit = ldns_pkt_edns_udp_size(pkt);
	if (tcp)
		limit = TCP_MAX; /* RFC 7766 §8: the 2-octet length bounds a TCP message */

	ri = match_rule(a.qname, a.qtype);
	if (ri >= 0)
		r = &rules[ri];
	if (r != NULL) {
		switch (r->action) {
		case ACT_DROP:
			goto none;
		case ACT_DROP_FIRST:
			if (count_question((size_t)ri, a.qname, a.qtype) <= r->arg)
				goto none;
			break;
		case ACT_TRUNCATE:
			if (!tcp) {
				a.tc = 1; /* RFC 1035 §4.1.1 TC: the client asks again over TCP */
				a.aa = 1;
				goto send;
			}
			if (r->mode == TCP_DROP)
				goto none;
			if (r->mode == TCP_CLOSE) {
				out->kind = REPLY_CLOSE;
				goto done;
			}
			if (r->mode == TCP_GARBAGE) {
				out->kind = REPLY_SEND;
				out->len = 64 + (size_t)(random() % 64);
				out->data = xrealloc(NULL, out->len);
				for (size_t i = 0; i < out->len; i++)
					out->data[i] = (uint8_t)random();
				goto done;
			}
			break;
		case ACT_NOADDITIONAL:
			mode = ADD_NONE;
			break;
		case ACT_ADDITIONAL_ONLY_A:
			mode = ADD_ONLY_A;
			break;
		case ACT_WRONG_QUESTION: {
			/* another name in the question; the records keep their own owners */
			ldns_rdf *label = NULL, *other;
			ldns_str2rdf_dname(&label, "wrong-question");
			other = ldns_dname_cat_clone(label, a.qname);
			ldns_rdf_deep_free(label);
			if (other != NULL) {
				a.compress_owner = 0;
				ldns_rdf_deep_free(a.qname);
				a.qname = other;
			}
			break;
		}
		default:
			break;
		}
	}
	if (r != NULL && r->action == ACT_HUGE) {
		answer_huge(&a, ldns_rr_owner(question), r->arg, limit);
	} else if (r == NULL || r->action != ACT_RCODE || r->keep_records) {
		answer_from_zones(&a, ldns_rr_owner(question), mode);
	} else {
		a.aa = closest_zone(a.qname) >= 0;
	}
	if (r != NULL) {
		switch (r->action) {
		case ACT_RCODE:
			a.rcode = (uint8_t)r->arg;
			break;
		case ACT_WRONG_ID:
			a.id = (uint16_t)(a.id ^ 0x5a5a);
			break;
		case ACT_MALFORMED_A:
			splice_malformed_a(&a);
			break;
		case ACT_NAPTR_TRAILING:
			splice_naptr_trailing(&a);
			break;
		case ACT_DELAY:
			out->delay_ms = r->arg;
			break;
		default:
			break;
		}
	}
send:
	out->kind = REPLY_SEND;
	out->data = assemble(&a, limit, tcp, &out->len);
	goto done;
none:
	out->kind = REPLY_NONE;
done:
	clear_sections(&a);
	ldns_rdf_deep_free(a.qname);
	ldns_pkt_free(pkt);
}

/* ---- the server ------------------------------------------------------------ */

struct conn {
	int fd; /* -1: free */
	unsigned gen;
	uint8_t in[2 + TCP_MAX];
	size_t inlen;
	uint8_t *out;
	size_t outlen;
};

struct pending {
	struct pending *next;
	double when;
	int tcp;
	struct sockaddr_storage peer;
	socklen_t peerlen;
	size_t conn;
	unsigned gen;
	uint8_t *data;
	size_t len;
};

static struct conn conns[MAX_CONNS];
static struct pending *pendings;
static volatile sig_atomic_t stop_now;
static int udp_fd = -1;

static void on_signal(int sig)
{
	(void)sig;
	stop_now = 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void conn_close(size_t i)
{
	if (conns[i].fd >= 0)
		close(conns[i].fd);
	conns[i].fd = -1;
	conns[i].gen++;
	conns[i].inlen = 0;
	free(conns[i].out);
	conns[i].out = NULL;
	conns[i].outlen = 0;
}

static void conn_flush(size_t i)
{
	struct conn *c = &conns[i];

	while (c->outlen > 0) {
		ssize_t n = send(c->fd, c->out, c->outlen, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				conn_close(i);
			return;
		}
		memmove(c->out, c->out + n, c->outlen - (size_t)n);
		c->outlen -= (size_t)n;
	}
}

static void conn_queue(size_t i, const uint8_t *data, size_t len)
{
	struct conn *c = &conns[i];

	if (len > TCP_MAX)
		len = TCP_MAX;
	c->out = xrealloc(c->out, c->outlen + 2 + len);
	put16(c->out + c->outlen, (uint16_t)len); /* RFC 7766 §8: the length first */
	memcpy(c->out + c->outlen + 2, data, len);
	c->outlen += 2 + len;
	conn_flush(i);
}

static void deliver(int tcp, const struct sockaddr_storage *peer, socklen_t peerlen, size_t ci,
		    const uint8_t *data, size_t len)
{
	if (tcp)
		conn_queue(ci, data, len);
	else
		sendto(udp_fd, data, len, 0, (const struct sockaddr *)peer, peerlen);
}

/* Answers or schedules the reply to one question; 0 when a TCP connection must close. */
static int serve(int tcp, const uint8_t *q, size_t qlen, const struct sockaddr_storage *peer,
		 socklen_t peerlen, size_t ci)
{
	struct reply rep;

	handle_query(tcp, q, qlen, &rep);
	if (rep.kind == REPLY_CLOSE)
		return 0;
	if (rep.kind == REPLY_SEND && rep.delay_ms > 0) {
		struct pending *p = xrealloc(NULL, sizeof(*p));
		memset(p, 0, sizeof(*p));
		p->when = now() + (double)rep.delay_ms / 1000.0;
		p->tcp = tcp;
		if (!tcp) {
			memcpy(&p->peer, peer, sizeof(p->peer));
			p->peerlen = peerlen;
		}
		p->conn = ci;
		p->gen = tcp ? conns[ci].gen : 0;
		p->data = rep.data;
		p->len = rep.len;
		p->next = pendings;
		pendings = p;
		return 1;
	}
	if (rep.kind == REPLY_SEND)
		deliver(tcp, peer, peerlen, ci, rep.data, rep.len);
	free(rep.data);
	return 1;
}

/* Sends the delayed answers that are due; returns the time of the next one (or 0). */
static double run_pendings(void)
{
	struct pending **pp = &pendings;
	double t = now(), next = 0;

	while (*pp != NULL) {
		struct pending *p = *pp;
		if (p->when > t) {
			if (next == 0 || p->when < next)
				next = p->when;
			pp = &p->next;
			continue;
		}
		if (!p->tcp || (conns[p->conn].fd >= 0 && conns[p->conn].gen == p->gen))
			deliver(p->tcp, &p->peer, p->peerlen, p->conn, p->data, p->len);
		*pp = p->next;
		free(p->data);
		free(p);
	}
	return next;
}

static void conn_read(size_t i)
{
	struct conn *c = &conns[i];
	ssize_t n = recv(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen, 0);

	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(i);
		return;
	}
	c->inlen += (size_t)n;
	/* RFC 7766 §6.2.1: several queries on one connection, each length-framed */
	while (c->fd >= 0 && c->inlen >= 2) {
		size_t len = (size_t)c->in[0] << 8 | c->in[1];
		if (c->inlen < 2 + len)
			break;
		if (!serve(1, c->in + 2, len, NULL, 0, i)) {
			conn_close(i);
			return;
		}
		if (c->fd < 0)
			return;
		memmove(c->in, c->in + 2 + len, c->inlen - 2 - len);
		c->inlen -= 2 + len;
	}
}

/* Room for a burst of questions (a batch puts thousands on the wire at once): the
 * kernel's default buffer holds a few hundred, and the harness's own drops must not
 * pass for faults; the rules make those.  SO_RCVBUFFORCE passes rmem_max as root. */
#define UDP_RECEIVE_BUFFER (8 << 20)

static void grow_receive_buffer(int fd)
{
	int size = UDP_RECEIVE_BUFFER;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
}

static int set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int open_sockets(const char *addr, long port, int *tcp_fd, long *bound)
{
	struct addrinfo hints, *ai = NULL;
	int one = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	hints.ai_socktype = SOCK_DGRAM;
	if (getaddrinfo(addr, NULL, &hints, &ai) != 0 || ai == NULL) {
		fprintf(stderr, "faultdns: '%s' is not a numeric address\n", addr);
		exit(2);
	}
	/* port 0: the kernel picks the UDP port; TCP must get the same one, else again */
	for (int attempt = 0; attempt < 64; attempt++) {
		struct sockaddr_storage sa;
		socklen_t salen = (socklen_t)ai->ai_addrlen;

		memcpy(&sa, ai->ai_addr, ai->ai_addrlen);
		if (sa.ss_family == AF_INET)
			((struct sockaddr_in *)&sa)->sin_port = htons((uint16_t)port);
		else
			((struct sockaddr_in6 *)&sa)->sin6_port = htons((uint16_t)port);
		udp_fd = socket(sa.ss_family, SOCK_DGRAM, 0);
		if (udp_fd >= 0)
			grow_receive_buffer(udp_fd);
		if (udp_fd < 0 || bind(udp_fd, (struct sockaddr *)&sa, salen) != 0 ||
		    getsockname(udp_fd, (struct sockaddr *)&sa, &salen) != 0)
			goto fail;
		*bound = ntohs(sa.ss_family == AF_INET ? ((struct sockaddr_in *)&sa)->sin_port
						       : ((struct sockaddr_in6 *)&sa)->sin6_port);
		*tcp_fd = socket(sa.ss_family, SOCK_STREAM, 0);
		if (*tcp_fd < 0)
			goto fail;
		setsockopt(*tcp_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (bind(*tcp_fd, (struct sockaddr *)&sa, salen) == 0 && listen(*tcp_fd, 16) == 0) {
			set_nonblock(udp_fd);
			set_nonblock(*tcp_fd);
			freeaddrinfo(ai);
			return 0;
		}
		close(*tcp_fd);
		close(udp_fd);
		if (port != 0)
			break;
		continue;
fail:
		break;
	}
	fprintf(stderr, "faultdns: cannot listen on %s port %ld: %s\n", addr, port,
		strerror(errno));
	freeaddrinfo(ai);
	return -1;
}

static void write_portfile(const char *path, long port)
{
	char tmp[4096];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (fp == NULL || fprintf(fp, "%ld\n", port) < 0 || fclose(fp) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "faultdns: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: faultdns -a ADDR -p PORT [-P PORTFILE] [-t LIFETIME_S] "
			"[-l QUERYLOG] -z ZONEFILE... [-r RULES]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *addr = NULL, *portfile = NULL, *logpath = NULL, *rulepath = NULL;
	long port = -1, lifetime = 120, bound = 0;
	int opt, tcp_fd = -1;
	double deadline;
	struct sigaction sa;

	/* A huge answer takes and gives back megabytes: keep them rather than
	 * fault them in again for the next one. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 64 << 20);

	while ((opt = getopt(argc, argv, "a:p:P:t:l:z:r:")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = parse_number(optarg, 65535, "-p", 0);
			break;
		case 'P':
			portfile = optarg;
			break;
		case 't':
			lifetime = parse_number(optarg, 86400, "-t", 0);
			break;
		case 'l':
			logpath = optarg;
			break;
		case 'z':
			load_zone(optarg);
			break;
		case 'r':
			rulepath = optarg;
			break;
		default:
			usage();
		}
	}
	if (addr == NULL || port < 0 || nzones == 0 || optind != argc)
		usage();
	index_records();
	if (rulepath != NULL)
		load_rules(rulepath);
	if (logpath != NULL && (querylog = fopen(logpath, "a")) == NULL) {
		fprintf(stderr, "faultdns: %s: %s\n", logpath, strerror(errno));
		return 1;
	}
	srandom((unsigned)time(NULL) ^ (unsigned)getpid());
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < MAX_CONNS; i++)
		conns[i].fd = -1;
	if (open_sockets(addr, port, &tcp_fd, &bound) != 0)
		return 1;
	if (portfile != NULL)
		write_portfile(portfile, bound);
	deadline = now() + (double)lifetime;

	while (!stop_now) {
		struct pollfd pfd[2 + MAX_CONNS];
		size_t map[2 + MAX_CONNS], np = 2;
		double t, next = run_pendings(), until = deadline;
		int timeout;

		t = now();
		if (t >= deadline)
			break;
		if (next > 0 && next < until)
			until = next;
		timeout = (int)((until - t) * 1000.0) + 1;
		pfd[0] = (struct pollfd){udp_fd, POLLIN, 0};
		pfd[1] = (struct pollfd){tcp_fd, POLLIN, 0};
		for (size_t i = 0; i < MAX_CONNS; i++) {
			if (conns[i].fd < 0)
				continue;
			pfd[np] = (struct pollfd){conns[i].fd,
						  (short)(POLLIN | (conns[i].outlen ? POLLOUT : 0)),
						  0};
			map[np++] = i;
		}
		if (poll(pfd, np, timeout) < 0) {
			if (errno == EINTR)
				continue;
			perror("faultdns: poll");
			break;
		}
		for (int burst = 0; burst < 64 && (pfd[0].revents & POLLIN); burst++) {
			uint8_t buf[TCP_MAX];
			struct sockaddr_storage peer;
			socklen_t peerlen = sizeof(peer);
			ssize_t n = recvfrom(udp_fd, buf, sizeof(buf), 0, (struct sockaddr *)&peer,
					     &peerlen);
			if (n < 0)
				break;
			serve(0, buf, (size_t)n, &peer, peerlen, 0);
		}
		if (pfd[1].revents & POLLIN) {
			int fd = accept(tcp_fd, NULL, NULL);
			size_t i;
			for (i = 0; fd >= 0 && i < MAX_CONNS; i++)
				if (conns[i].fd < 0)
					break;
			if (fd >= 0 && i == MAX_CONNS) {
				close(fd); /* full: RFC 7766 §6.2.2 lets a server close */
			} else if (fd >= 0) {
				set_nonblock(fd);
				conns[i].fd = fd;
				conns[i].inlen = 0;
			}
		}
		for (size_t k = 2; k < np; k++) {
			size_t i = map[k];
			if (conns[i].fd != pfd[k].fd)
				continue;
			if (pfd[k].revents & POLLOUT)
				conn_flush(i);
			if (conns[i].fd >= 0 && (pfd[k].revents & (POLLIN | POLLHUP | POLLERR)))
				conn_read(i);
		}
	}
	for (size_t i = 0; i < MAX_CONNS; i++)
		conn_close(i);
	close(udp_fd);
	close(tcp_fd);
	if (querylog != NULL)
		fclose(querylog);
	return 0;
}
