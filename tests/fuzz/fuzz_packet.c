/* fuzz_packet.c - libFuzzer target: a raw DNS answer packet, as a server
 * (or an attacker on the path) may send it, through what the engine does with
 * an answer: ldns_wire2pkt(), the trace (every RR in presentation format),
 * NAPTR records as DDDS rules (RFC 3403 §4.1 order, flags, services, RFC
 * 3402 §3.2 rewrites, RFC 6116 §3.4.3 enumservices), SRV records (RFC 2782
 * order, random and deterministic) and A/AAAA addresses. */
#include <string.h>

#include "engine.h"
#include "fuzz.h"

static uint64_t draw_first(void *arg, uint64_t lo, uint64_t hi)
{
	(void)arg;
	(void)hi;
	return lo;
}

static void naptr_rules(const struct dns_answer *a, enum dns_naptr_policy policy,
			rsip_result *res)
{
	struct ddds_rule *rules;
	size_t n;
	char err[RSIP_ERRLEN];

	if (answer_naptr_rules(a, policy, &rules, &n) != RSIP_OK)
		return;
	ddds_sort(rules, n);
	for (size_t i = 0; i < n; i++) {
		const struct ddds_rule *d = &rules[i];
		struct naptr_rec *rec = result_add_enum_record(res, d);
		struct ddds_subst *s = NULL;
		char *out = NULL;

		/* RFC 3403 §4.1: sorted by ORDER, then PREFERENCE, then DNS order. */
		if (i > 0) {
			const struct ddds_rule *p = &rules[i - 1];
			FUZZ_ASSERT(p->order < d->order ||
				    (p->order == d->order && (p->preference < d->preference ||
				     (p->preference == d->preference &&
				      p->dns_index < d->dns_index))));
		}
		(void)ddds_flags_valid(d->flags);
		(void)ddds_rule_has_one_rewrite(d);
		(void)enum_service_classify(d->services, NULL);
		if (d->regexp[0] != '\0' &&
		    ddds_subst_compile(d->regexp, &s, err, sizeof(err)) == RSIP_OK) {
			if (ddds_subst_apply(s, "+4942120170", &out, err, sizeof(err)) ==
			    RSIP_OK) {
				struct sip_uri u;
				memset(&u, 0, sizeof(u));
				if (sip_uri_parse(out, &u, err, sizeof(err)) == RSIP_OK)
					sip_uri_clear(&u);
			}
			ddds_subst_free(s);
		}
		if (rec != NULL)
			naptr_rec_set(rec, out, out ? RSIP_VERDICT_FALLBACK :
				      RSIP_VERDICT_INVALID, out ? NULL : err);
		free(out);
	}
	ddds_rules_free(rules, n);
}

/* A deep copy of n records (srv_order frees the targets it drops), or NULL. */
static struct srv_rec *srv_copy(const struct srv_rec *recs, size_t n)
{
	struct srv_rec *copy = calloc(n, sizeof(*copy));
	for (size_t i = 0; copy != NULL && i < n; i++) {
		copy[i] = recs[i];
		copy[i].target = strdup(recs[i].target);
		if (copy[i].target == NULL) {
			srv_recs_free(copy, i);
			return NULL;
		}
	}
	return copy;
}

static void srv_records(const struct dns_answer *a, uint64_t seed)
{
	struct srv_rec *recs, *copy;
	size_t n, m;
	struct rsip_rng rng;

	if (answer_srv_records(a, &recs, &n) != RSIP_OK)
		return;
	if (n > 0 && (copy = srv_copy(recs, n)) != NULL) {
		rsip_rng_seed(&rng, seed);
		m = srv_order(copy, n, srv_draw_rng, &rng);
		FUZZ_ASSERT(m <= n && (m > 0 || n == 0));
		/* RFC 2782: strict priority order. */
		for (size_t i = 1; i < m; i++)
			FUZZ_ASSERT(copy[i - 1].priority <= copy[i].priority);
		srv_recs_free(copy, n);
	}
	if (n > 0 && (copy = srv_copy(recs, n)) != NULL) {
		m = srv_order(copy, n, draw_first, NULL);
		FUZZ_ASSERT(m <= n);
		srv_recs_free(copy, n);
	}
	if (n > 0 && (copy = srv_copy(recs, n)) != NULL) {
		m = srv_order_deterministic(copy, n);
		FUZZ_ASSERT(m <= n);
		srv_recs_free(copy, n);
	}
	srv_recs_free(recs, n);
}

static void addresses(const struct dns_answer *a, ldns_rr_type type)
{
	struct dns_addr *addrs;
	size_t n, seen;

	if (dns_addresses(a->pkt, LDNS_SECTION_ANSWER, type, &addrs, &n, &seen) == RSIP_OK) {
		FUZZ_ASSERT(n <= seen);
		dns_addrs_free(addrs, n);
	}
	if (dns_addresses(a->pkt, LDNS_SECTION_ADDITIONAL, type, &addrs, &n, &seen) == RSIP_OK)
		dns_addrs_free(addrs, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	ldns_pkt *pkt = NULL;
	struct dns_answer a;
	rsip_result *res;
	ldns_rr_list *an;
	uint64_t seed = 0;

	if (ldns_wire2pkt(&pkt, data, size) != LDNS_STATUS_OK)
		return 0;
	res = result_new("fuzz", true);
	memset(&a, 0, sizeof(a));
	a.qname = "fuzz.example.";
	a.qtype = LDNS_RR_TYPE_NAPTR;
	a.rcode = ldns_pkt_get_rcode(pkt);
	a.pkt = pkt;
	a.dnssec = RSIP_DNSSEC_INSECURE;
	a.step = res ? result_add_step(res, a.qname, a.qtype, 1) : NULL;
	(void)answer_nxdomain(&a);
	(void)answer_failed(&a);
	(void)rcode_name(a.rcode);
	/* The trace: what query.c's record_answers() does. */
	an = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		char *s = ldns_rr2str(ldns_rr_list_rr(an, i));
		if (s != NULL && a.step != NULL)
			step_add_answer(a.step, s);
		else
			free(s);
	}
	for (size_t i = 0; i < size && i < 8; i++)
		seed = seed << 8 | data[i];
	if (res != NULL) {
		/* Both policies: RFC 3263's (leave out) and ENUM's (keep, defective). */
		naptr_rules(&a, DNS_NAPTR_LEAVE_OUT_UNREADABLE, res);
		naptr_rules(&a, DNS_NAPTR_KEEP_DEFECTIVE, res);
	}
	srv_records(&a, seed);
	addresses(&a, LDNS_RR_TYPE_A);
	addresses(&a, LDNS_RR_TYPE_AAAA);
	rsip_result_free(res);
	ldns_pkt_free(pkt);
	return 0;
}
