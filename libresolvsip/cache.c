/* cache.c - the context's answer cache: an answer the context already holds
 * is not asked of libunbound again while its TTLs last (RFC 1035 §3.2.1;
 * negative answers for the SOA's TTL and MINIMUM, RFC 2308 §5).  Failures are
 * never cached ("could not ask" is no answer).  Bounded twice, least recently
 * used out first: by entries, and by the bytes the entries really hold, since
 * one answer may hold a few records or 64 KB of them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

/* An answer that alone would take more than this share of the byte budget
 * (1/8) is not kept. */
#define CACHE_LARGEST_SHARE 8

struct cache_entry {
	struct cached_answer pub;
	char *qname;                   /* lower case */
	uint16_t qtype;
	uint32_t hash;
	double expires;                /* monotonic seconds */
	size_t cost;                   /* bytes held, as entry_cost() counts them */
	unsigned refs;                 /* users: the cache itself, and queries */
	struct cache_entry *chain;     /* hash bucket */
	struct cache_entry *older, *newer; /* LRU list */
};

struct answer_cache {
	struct cache_entry **buckets;
	size_t nbuckets, count, max;
	size_t bytes, max_bytes;       /* the entries' cost, and its bound */
	struct cache_entry *oldest, *newest;
	unsigned long hits, misses;
};

static double now_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* FNV-1a over the type and the name in lower case (names compare without
 * case, RFC 4343); no allocation on the lookup path. */
static uint32_t key_hash(const char *qname, uint16_t qtype)
{
	uint32_t h = 2166136261u;
	h = (h ^ (qtype & 0xff)) * 16777619u;
	h = (h ^ (qtype >> 8)) * 16777619u;
	for (; *qname; qname++)
		h = (h ^ (uint8_t)rsip_lower((unsigned char)*qname)) * 16777619u;
	return h;
}

static bool entry_is(const struct cache_entry *e, uint32_t h, const char *qname, uint16_t qtype)
{
	return e->hash == h && e->qtype == qtype && rsip_strcasecmp(e->qname, qname) == 0;
}

struct answer_cache *cache_new(size_t max_entries, size_t max_bytes)
{
	struct answer_cache *c = calloc(1, sizeof(*c));
	size_t n = 64;
	if (c == NULL)
		return NULL;
	while (n < max_entries && n < ((size_t)1 << 24))
		n *= 2;
	c->buckets = calloc(n, sizeof(*c->buckets));
	if (c->buckets == NULL) {
		free(c);
		return NULL;
	}
	c->nbuckets = n;
	c->max = max_entries;
	c->max_bytes = max_bytes;
	return c;
}

void cache_usage(const struct answer_cache *c, size_t *entries, size_t *bytes)
{
	*entries = c != NULL ? c->count : 0;
	*bytes = c != NULL ? c->bytes : 0;
}

/* ---- what an entry costs --------------------------------------------- */

/* The memory malloc takes for a request of n octets: glibc's chunk on a
 * 64-bit machine (a size word, rounded up to 16, at least 32); near enough
 * for other allocators, which round too. */
static size_t heap_cost(size_t n)
{
	size_t c;
	if (n == 0)
		return 0;
	c = (n + sizeof(size_t) + 15) & ~(size_t)15;
	return c < 32 ? 32 : c;
}

static size_t rdf_cost(const ldns_rdf *rdf)
{
	return rdf == NULL ? 0 : heap_cost(sizeof(ldns_rdf)) + heap_cost(ldns_rdf_size(rdf));
}

/* An ldns_rr_list grows its array by doubling from 8 (ldns rr.c). */
static size_t rr_list_cost(const ldns_rr_list *l)
{
	size_t n, cap = 8, cost;
	if (l == NULL)
		return 0;
	n = ldns_rr_list_rr_count(l);
	cost = heap_cost(sizeof(ldns_rr_list));
	if (n > 0) {
		while (cap < n)
			cap *= 2;
		cost += heap_cost(cap * sizeof(ldns_rr *));
	}
	for (size_t i = 0; i < n; i++) {
		const ldns_rr *rr = ldns_rr_list_rr(l, i);
		size_t rd = ldns_rr_rd_count(rr);
		cost += heap_cost(sizeof(ldns_rr)) + rdf_cost(ldns_rr_owner(rr)) +
			heap_cost(rd * sizeof(ldns_rdf *));
		for (size_t j = 0; j < rd; j++)
			cost += rdf_cost(ldns_rr_rdf(rr, j));
	}
	return cost;
}

/* What a kept answer holds: the parsed packet (its records, their owners
 * and fields, one by one as ldns allocates them), the trace's text of the
 * records, the key and the entry itself. */
static size_t entry_cost(const struct cache_entry *e)
{
	const ldns_pkt *pkt = e->pub.pkt;
	size_t cost = heap_cost(sizeof(*e)) + heap_cost(strlen(e->qname) + 1);
	if (pkt != NULL)
		cost += heap_cost(sizeof(ldns_pkt)) + heap_cost(sizeof(ldns_hdr)) +
			rr_list_cost(ldns_pkt_question(pkt)) + rr_list_cost(ldns_pkt_answer(pkt)) +
			rr_list_cost(ldns_pkt_authority(pkt)) +
			rr_list_cost(ldns_pkt_additional(pkt)) +
			rdf_cost(ldns_pkt_answerfrom(pkt)) + rdf_cost(ldns_pkt_edns_data(pkt));
	if (e->pub.why_bogus != NULL)
		cost += heap_cost(strlen(e->pub.why_bogus) + 1);
	cost += heap_cost(e->pub.nanswers * sizeof(char *));
	for (size_t i = 0; i < e->pub.nanswers; i++)
		cost += heap_cost(strlen(e->pub.answers[i]) + 1);
	return cost;
}

static void entry_free(struct cache_entry *e)
{
	for (size_t i = 0; i < e->pub.nanswers; i++)
		free(e->pub.answers[i]);
	free(e->pub.answers);
	if (e->pub.pkt != NULL)
		ldns_pkt_free(e->pub.pkt);
	free(e->pub.why_bogus);
	free(e->qname);
	free(e);
}

void cache_release(const struct cached_answer *ca)
{
	struct cache_entry *e = (struct cache_entry *)ca;
	if (e != NULL && --e->refs == 0)
		entry_free(e);
}

/* Take an entry out of the table and the LRU list (users may still hold it). */
static void entry_unlink(struct answer_cache *c, struct cache_entry *e)
{
	struct cache_entry **pp = &c->buckets[e->hash & (c->nbuckets - 1)];
	while (*pp != NULL && *pp != e)
		pp = &(*pp)->chain;
	if (*pp == e)
		*pp = e->chain;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		c->oldest = e->newer;
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		c->newest = e->older;
	c->count--;
	c->bytes -= e->cost;
	cache_release(&e->pub);
}

void cache_free(struct answer_cache *c)
{
	if (c == NULL)
		return;
	while (c->oldest != NULL)
		entry_unlink(c, c->oldest);
	free(c->buckets);
	free(c);
}

const struct cached_answer *cache_lookup(struct answer_cache *c, const char *qname,
					 uint16_t qtype)
{
	struct cache_entry *e;
	uint32_t h;
	if (c == NULL)
		return NULL;
	h = key_hash(qname, qtype);
	for (e = c->buckets[h & (c->nbuckets - 1)]; e != NULL; e = e->chain)
		if (entry_is(e, h, qname, qtype))
			break;
	if (e == NULL) {
		c->misses++;
		return NULL;
	}
	if (e->expires <= now_monotonic()) {
		entry_unlink(c, e);
		c->misses++;
		return NULL;
	}
	/* Most recently used goes to the new end. */
	if (c->newest != e) {
		if (e->older != NULL)
			e->older->newer = e->newer;
		else
			c->oldest = e->newer;
		e->newer->older = e->older;
		e->older = c->newest;
		e->newer = NULL;
		c->newest->newer = e;
		c->newest = e;
	}
	c->hits++;
	e->refs++;
	return &e->pub;
}

/* How long an answer may be kept: the smallest TTL of its records; for a
 * negative answer, the SOA's TTL bounded by its MINIMUM (RFC 2308 §5).  0 for
 * an answer that must not be kept. */
static uint32_t answer_ttl(const ldns_pkt *pkt, int rcode)
{
	ldns_rr_list *sections[3] = {ldns_pkt_answer(pkt), ldns_pkt_authority(pkt),
				     ldns_pkt_additional(pkt)};
	uint32_t ttl = UINT32_MAX;
	bool negative = rcode == LDNS_RCODE_NXDOMAIN ||
			ldns_rr_list_rr_count(sections[0]) == 0;
	bool have_soa = false;
	for (int s = 0; s < 3; s++) {
		for (size_t i = 0; i < ldns_rr_list_rr_count(sections[s]); i++) {
			ldns_rr *rr = ldns_rr_list_rr(sections[s], i);
			uint32_t t = ldns_rr_ttl(rr);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_OPT)
				continue;
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_SOA && s == 1) {
				have_soa = true;
				if (ldns_rr_rd_count(rr) == 7) {
					uint32_t min = ldns_rdf2native_int32(ldns_rr_rdf(rr, 6));
					if (min < t)
						t = min;
				}
			}
			if (t < ttl)
				ttl = t;
		}
	}
	if (negative && !have_soa)
		return 0; /* RFC 2308 §5: no SOA, no negative caching */
	if (ttl == UINT32_MAX)
		return 0;
	return ttl > 86400 ? 86400 : ttl;
}

/* Keep only what a later use of the answer reads: the answer and
 * additional records without their signatures (the DNSSEC verdict is kept
 * beside them), and no authority section (its SOA served the negative TTL
 * already).  A signed zone's answers shrink to a fraction. */
static void slim(ldns_pkt *pkt)
{
	ldns_rr_list *keep[2] = {NULL, NULL};
	ldns_rr_list *sections[2] = {ldns_pkt_answer(pkt), ldns_pkt_additional(pkt)};
	for (int s = 0; s < 2; s++) {
		ldns_rr_list *l = sections[s];
		ldns_rr_list *k = ldns_rr_list_new();
		if (k == NULL)
			return; /* keep the packet as it is: only bigger */
		for (size_t i = 0; i < ldns_rr_list_rr_count(l); i++) {
			ldns_rr *rr = ldns_rr_list_rr(l, i);
			ldns_rr_type t = ldns_rr_get_type(rr);
			if (t == LDNS_RR_TYPE_RRSIG || t == LDNS_RR_TYPE_NSEC ||
			    t == LDNS_RR_TYPE_NSEC3) {
				ldns_rr_free(rr);
			} else if (!ldns_rr_list_push_rr(k, rr)) {
				ldns_rr_free(rr);
			}
		}
		ldns_rr_list_set_rr_count(l, 0);
		keep[s] = k;
	}
	ldns_rr_list_free(ldns_pkt_answer(pkt));
	ldns_pkt_set_answer(pkt, keep[0]);
	ldns_pkt_set_ancount(pkt, (uint16_t)ldns_rr_list_rr_count(keep[0]));
	ldns_rr_list_free(ldns_pkt_additional(pkt));
	ldns_pkt_set_additional(pkt, keep[1]);
	ldns_pkt_set_arcount(pkt, (uint16_t)ldns_rr_list_rr_count(keep[1]));
	ldns_rr_list_deep_free(ldns_pkt_authority(pkt));
	ldns_pkt_set_authority(pkt, ldns_rr_list_new());
	ldns_pkt_set_nscount(pkt, 0);
}

const struct cached_answer *cache_store(struct answer_cache *c, const char *qname,
					uint16_t qtype, ldns_pkt *pkt, int rcode,
					rsip_dnssec dnssec, const char *why_bogus,
					char **answers, size_t nanswers)
{
	struct cache_entry *e;
	uint32_t ttl;
	if (c == NULL || c->max == 0 || c->max_bytes == 0 || pkt == NULL ||
	    dnssec == RSIP_DNSSEC_BOGUS ||
	    (rcode != LDNS_RCODE_NOERROR && rcode != LDNS_RCODE_NXDOMAIN) ||
	    ldns_pkt_tc(pkt) || (ttl = answer_ttl(pkt, rcode)) == 0)
		return NULL;
	e = calloc(1, sizeof(*e));
	if (e == NULL || (e->qname = rsip_strdup(qname)) == NULL) {
		free(e);
		return NULL;
	}
	rsip_strlower(e->qname);
	e->qtype = qtype;
	slim(pkt);
	e->pub.pkt = pkt;
	e->pub.rcode = rcode;
	e->pub.dnssec = dnssec;
	e->pub.why_bogus = why_bogus ? rsip_strdup(why_bogus) : NULL;
	e->pub.answers = answers;
	e->pub.nanswers = nanswers;
	e->cost = entry_cost(e);
	/* One answer may not crowd out the many: a big one is used by the
	 * resolution that asked, and not kept. */
	if (e->cost > c->max_bytes / CACHE_LARGEST_SHARE) {
		free(e->pub.why_bogus);
		free(e->qname);
		free(e);
		return NULL;
	}
	/* Replace an older entry of the same question. */
	e->hash = key_hash(qname, qtype);
	for (struct cache_entry *o = c->buckets[e->hash & (c->nbuckets - 1)]; o; o = o->chain) {
		if (entry_is(o, e->hash, qname, qtype)) {
			entry_unlink(c, o);
			break;
		}
	}
	while (c->oldest != NULL && (c->count >= c->max || c->bytes + e->cost > c->max_bytes))
		entry_unlink(c, c->oldest);
	e->expires = now_monotonic() + ttl;
	e->refs = 2; /* the cache, and the caller */
	e->chain = c->buckets[e->hash & (c->nbuckets - 1)];
	c->buckets[e->hash & (c->nbuckets - 1)] = e;
	e->older = c->newest;
	if (c->newest != NULL)
		c->newest->newer = e;
	else
		c->oldest = e;
	c->newest = e;
	c->count++;
	c->bytes += e->cost;
	return &e->pub;
}
