/* test_cache.c - the context's answer cache (cache.c): what is kept and for
 * how long (RFC 1035 §3.2.1 TTLs, RFC 2308 §5 negative answers), what is never
 * kept (failures, bogus, TTL 0), LRU eviction. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "tap.h"

/* A reply to qname/qtype with the given RRs (zone-file lines) in the answer
 * and authority sections. */
static ldns_pkt *reply(const char *qname, ldns_rr_type qtype, int rcode,
		       const char *const *answer, const char *const *authority)
{
	ldns_pkt *p = ldns_pkt_query_new(ldns_dname_new_frm_str(qname), qtype,
					 LDNS_RR_CLASS_IN, LDNS_RD);
	ldns_pkt_set_qr(p, true);
	ldns_pkt_set_rcode(p, (uint8_t)rcode);
	for (; answer && *answer; answer++) {
		ldns_rr *rr = NULL;
		ldns_rr_new_frm_str(&rr, *answer, 3600, NULL, NULL);
		ldns_pkt_push_rr(p, LDNS_SECTION_ANSWER, rr);
	}
	for (; authority && *authority; authority++) {
		ldns_rr *rr = NULL;
		ldns_rr_new_frm_str(&rr, *authority, 3600, NULL, NULL);
		ldns_pkt_push_rr(p, LDNS_SECTION_AUTHORITY, rr);
	}
	return p;
}

static int keep(struct answer_cache *c, const char *qname, ldns_rr_type qtype, ldns_pkt *p,
		rsip_dnssec dnssec)
{
	const struct cached_answer *ca = cache_store(c, qname, qtype, p, ldns_pkt_get_rcode(p),
						     dnssec, NULL, NULL, 0);
	if (ca == NULL) {
		ldns_pkt_free(p);
		return 0;
	}
	cache_release(ca);
	return 1;
}

static int have(struct answer_cache *c, const char *qname, ldns_rr_type qtype)
{
	const struct cached_answer *ca = cache_lookup(c, qname, qtype);
	cache_release(ca);
	return ca != NULL;
}

int main(void)
{
	struct answer_cache *c = cache_new(3);
	const char *a1[] = {"x.test. 300 IN A 192.0.2.1", NULL};
	const char *a0[] = {"z.test. 0 IN A 192.0.2.1", NULL};
	const char *soa[] = {"test. 600 IN SOA ns.test. h.test. 1 3600 600 86400 1", NULL};
	const char *s1[] = {"s.test. 1 IN A 192.0.2.9", NULL};

	ok(keep(c, "x.test.", LDNS_RR_TYPE_A, reply("x.test.", LDNS_RR_TYPE_A, 0, a1, NULL),
		RSIP_DNSSEC_INSECURE), "RFC 1035 §3.2.1: a positive answer with a TTL is kept");
	ok(have(c, "X.Test.", LDNS_RR_TYPE_A), "RFC 4343: found again whatever the case");
	ok(!have(c, "x.test.", LDNS_RR_TYPE_AAAA), "another type is another question");
	ok(!keep(c, "z.test.", LDNS_RR_TYPE_A, reply("z.test.", LDNS_RR_TYPE_A, 0, a0, NULL),
		 RSIP_DNSSEC_INSECURE), "RFC 1035 §3.2.1: TTL 0 is not kept");
	ok(!keep(c, "f.test.", LDNS_RR_TYPE_A, reply("f.test.", LDNS_RR_TYPE_A, 2, NULL, NULL),
		 RSIP_DNSSEC_INDETERMINATE), "a SERVFAIL is never kept");
	ok(!keep(c, "b.test.", LDNS_RR_TYPE_A, reply("b.test.", LDNS_RR_TYPE_A, 0, a1, NULL),
		 RSIP_DNSSEC_BOGUS), "a bogus answer is never kept");
	ok(!keep(c, "n.test.", LDNS_RR_TYPE_A, reply("n.test.", LDNS_RR_TYPE_A, 3, NULL, NULL),
		 RSIP_DNSSEC_INSECURE), "RFC 2308 §5: NXDOMAIN without an SOA is not kept");
	ok(keep(c, "n.test.", LDNS_RR_TYPE_A, reply("n.test.", LDNS_RR_TYPE_A, 3, NULL, soa),
		RSIP_DNSSEC_INSECURE), "RFC 2308 §5: NXDOMAIN with the SOA is kept");
	ok(!keep(c, "n2.test.", LDNS_RR_TYPE_A, reply("n2.test.", LDNS_RR_TYPE_A, 0, NULL, NULL),
		 RSIP_DNSSEC_INSECURE), "RFC 2308 §5: NODATA without an SOA is not kept");
	ok(keep(c, "s.test.", LDNS_RR_TYPE_A, reply("s.test.", LDNS_RR_TYPE_A, 0, s1, NULL),
		RSIP_DNSSEC_SECURE), "a one-second answer is kept");
	/* Three entries now (x, n, s): a fourth pushes out the least recent. */
	have(c, "x.test.", LDNS_RR_TYPE_A); /* x becomes the most recent */
	keep(c, "y.test.", LDNS_RR_TYPE_A, reply("y.test.", LDNS_RR_TYPE_A, 0, a1, NULL),
	     RSIP_DNSSEC_INSECURE);
	ok(!have(c, "n.test.", LDNS_RR_TYPE_A), "LRU: the least recently used entry goes");
	ok(have(c, "x.test.", LDNS_RR_TYPE_A), "LRU: a recently used entry stays");
	sleep(2);
	ok(!have(c, "s.test.", LDNS_RR_TYPE_A),
	   "RFC 1035 §3.2.1: an entry is not used after its TTL (1 s; 2 s later)");
	ok(have(c, "y.test.", LDNS_RR_TYPE_A), "...while one with 300 s is");
	{
		/* The SOA MINIMUM (1 s) bounds the negative TTL (RFC 2308 §5). */
		keep(c, "m.test.", LDNS_RR_TYPE_A, reply("m.test.", LDNS_RR_TYPE_A, 3, NULL, soa),
		     RSIP_DNSSEC_INSECURE);
		ok(have(c, "m.test.", LDNS_RR_TYPE_A), "a negative answer is found at once");
		sleep(2);
		ok(!have(c, "m.test.", LDNS_RR_TYPE_A),
		   "RFC 2308 §5: a negative answer lasts min(SOA TTL, MINIMUM) = 1 s");
	}
	cache_free(c);
	c = cache_new(0);
	ok(!keep(c, "x.test.", LDNS_RR_TYPE_A, reply("x.test.", LDNS_RR_TYPE_A, 0, a1, NULL),
		 RSIP_DNSSEC_INSECURE), "a cache of size 0 keeps nothing");
	cache_free(c);
	return tap_done();
}
