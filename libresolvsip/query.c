/* query.c - the query engine: every DNS question goes through
 * ub_resolve_async() on a threaded libunbound context; answers are parsed with
 * ldns, recorded as trace steps, and handed to the resolution's state machine.
 */
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct query {
	struct resolution *r;
	int ub_id;
	char *qname;
	uint16_t qtype;
	unsigned wave;
	struct step_rec *step; /* made when asked, so the trace is in ask order */
	query_cb cb;
	void *arg;
};

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

bool answer_nxdomain(const struct dns_answer *a)
{
	return a->rcode == LDNS_RCODE_NXDOMAIN;
}

bool answer_failed(const struct dns_answer *a)
{
	return a->ub_err != 0 || a->pkt == NULL ||
	       (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN);
}

ldns_rr_list *answer_rrs(const struct dns_answer *a, ldns_rr_type type)
{
	ldns_rr_list *out = ldns_rr_list_new();
	ldns_rr_list *an;
	if (out == NULL || a->pkt == NULL)
		return out;
	an = ldns_pkt_answer(a->pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		ldns_rr *rr = ldns_rr_list_rr(an, i);
		if (ldns_rr_get_type(rr) == type &&
		    ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN)
			ldns_rr_list_push_rr(out, rr);
	}
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
	if (rdf == NULL)
		return NULL;
	if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_STR) {
		/* A character-string: a length octet, then the bytes.  One that
		 * holds a NUL byte cannot be a C string without changing its
		 * meaning: unreadable (issue 8, hostile zones). */
		const uint8_t *d = ldns_rdf_data(rdf);
		size_t len = ldns_rdf_size(rdf);
		if (len == 0 || d[0] > len - 1 || memchr(d + 1, 0, d[0]) != NULL)
			return NULL;
		return rsip_strndup((const char *)d + 1, d[0]);
	}
	if (ldns_rdf_get_type(rdf) == LDNS_RDF_TYPE_DNAME) {
		char *s = rdf_text(rdf);
		rsip_strlower(s);
		return s;
	}
	return rdf_text(rdf);
}

/* Every answer RR of the reply, in presentation format, into the step. */
static void record_answers(struct step_rec *st, ldns_pkt *pkt)
{
	ldns_rr_list *an = ldns_pkt_answer(pkt);
	for (size_t i = 0; i < ldns_rr_list_rr_count(an); i++) {
		char *s = rr_text(ldns_rr_list_rr(an, i));
		size_t len;
		if (s == NULL)
			continue;
		len = strlen(s);
		while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == ' '))
			s[--len] = '\0';
		for (char *p = s; *p; p++)
			if (*p == '\t')
				*p = ' ';
		step_add_answer(st, s);
	}
}

static void query_free(struct query *q)
{
	free(q->qname);
	free(q);
}

static void forget_inflight(struct resolution *r, struct query *q)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		if (r->inflight.items[i] == q) {
			r->inflight.items[i] = r->inflight.items[--r->inflight.n];
			return;
		}
	}
}

static void on_answer(void *arg, int err, struct ub_result *ubr)
{
	struct query *q = arg;
	struct resolution *r = q->r;
	rsip_ctx *ctx = r->ctx;
	struct dns_answer a;

	pthread_mutex_lock(&ctx->lock);
	memset(&a, 0, sizeof(a));
	a.qname = q->qname;
	a.qtype = q->qtype;
	a.ub_err = err;
	a.rcode = -1;
	a.dnssec = RSIP_DNSSEC_INDETERMINATE;
	a.step = q->step;
	if (err == 0 && ubr != NULL) {
		a.rcode = ubr->rcode;
		if (ubr->bogus)
			a.dnssec = RSIP_DNSSEC_BOGUS;
		else if (ubr->secure)
			a.dnssec = RSIP_DNSSEC_SECURE;
		else
			a.dnssec = RSIP_DNSSEC_INSECURE;
		if (ubr->answer_packet != NULL &&
		    ldns_wire2pkt(&a.pkt, ubr->answer_packet, (size_t)ubr->answer_len) !=
			    LDNS_STATUS_OK)
			a.pkt = NULL;
	}
	if (a.step != NULL) {
		a.step->pub.rcode = a.rcode;
		a.step->pub.rcode_name = rcode_name(a.rcode);
		a.step->pub.dnssec = a.dnssec;
		if (ubr != NULL && ubr->bogus && ubr->why_bogus != NULL) {
			a.step->why_bogus = rsip_strdup(ubr->why_bogus);
			a.step->pub.why_bogus = a.step->why_bogus;
		}
		if (err != 0)
			step_note(a.step, "no answer: %s", ub_strerror(err));
		else if (a.pkt == NULL)
			step_note(a.step, "the reply could not be parsed");
		else
			record_answers(a.step, a.pkt);
	}
	if (answer_failed(&a))
		r->dns_failed = true;
	if (a.dnssec == RSIP_DNSSEC_BOGUS)
		r->bogus = true;
	r->pending--;
	forget_inflight(r, q);
	if (!r->finished)
		q->cb(r, q->arg, &a);
	if (a.pkt != NULL)
		ldns_pkt_free(a.pkt);
	if (ubr != NULL)
		ub_resolve_free(ubr);
	query_free(q);
	resolution_settle(r);
	pthread_mutex_unlock(&ctx->lock);
}

rsip_status query_ask(struct resolution *r, const char *qname, uint16_t qtype,
		      query_cb cb, void *arg)
{
	struct query *q;
	int err;

	if (r->res->questions >= r->limits.max_questions) {
		/* Issue 8: a limit reached gives a status and a trace line. */
		const ldns_rr_descriptor *desc = ldns_rr_descript(qtype);
		if (r->res->steps.n > 0)
			step_note(r->res->steps.items[r->res->steps.n - 1], "question budget "
				  "of %u spent: %s %s is not asked", r->limits.max_questions,
				  qname, desc != NULL ? desc->_name : "?");
		resolution_finish(r, RSIP_E_LIMIT, "more than %u DNS questions: the "
				  "resolution was stopped at its budget",
				  r->limits.max_questions);
		return RSIP_E_LIMIT;
	}
	q = calloc(1, sizeof(*q));
	if (q == NULL || (q->qname = rsip_strdup(qname)) == NULL) {
		free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	q->r = r;
	q->qtype = qtype;
	q->wave = r->wave;
	q->step = result_add_step(r->res, qname, qtype, r->wave);
	if (q->step == NULL) {
		query_free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	q->cb = cb;
	q->arg = arg;
	if (rsip_vec_push(&r->inflight, q) != 0) {
		query_free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	if (r->ctx->backend != NULL)
		err = r->ctx->backend->resolve(r->ctx->backend->arg, qname, qtype,
					       LDNS_RR_CLASS_IN, q, on_answer, &q->ub_id);
	else
		err = ub_resolve_async(r->ctx->ub, qname, qtype, LDNS_RR_CLASS_IN, q,
				       on_answer, &q->ub_id);
	if (err != 0) {
		forget_inflight(r, q);
		query_free(q);
		resolution_finish(r, RSIP_E_DNS_FAILURE, "cannot ask %s: %s", qname,
				  ub_strerror(err));
		return RSIP_E_DNS_FAILURE;
	}
	r->pending++;
	return RSIP_OK;
}

/* Cancel every question still in flight (the resolution is being dropped). */
void query_cancel_all(struct resolution *r)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		struct query *q = r->inflight.items[i];
		if (r->ctx->backend != NULL)
			r->ctx->backend->cancel(r->ctx->backend->arg, q->ub_id);
		else
			ub_cancel(r->ctx->ub, q->ub_id);
		query_free(q);
	}
	r->inflight.n = 0;
	r->pending = 0;
}

void query_note_unanswered(struct resolution *r)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		struct query *q = r->inflight.items[i];
		step_note(q->step, "no answer within the deadline of %u ms",
			  r->limits.deadline_ms);
	}
}

rsip_status answer_naptr_rules(const struct dns_answer *a, struct ddds_rule **rules,
			       size_t *count)
{
	ldns_rr_list *rrs = answer_rrs(a, LDNS_RR_TYPE_NAPTR);
	size_t n = rrs ? ldns_rr_list_rr_count(rrs) : 0, k = 0;
	struct ddds_rule *out = NULL;

	*rules = NULL;
	*count = 0;
	if (rrs == NULL)
		return RSIP_E_NOMEM;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL) {
		ldns_rr_list_free(rrs);
		return RSIP_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		struct ddds_rule *d = &out[k];
		if (ldns_rr_rd_count(rr) != 6)
			continue;
		d->owner = rdf_to_str(ldns_rr_owner(rr));
		d->order = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		d->preference = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		d->flags = rdf_to_str(ldns_rr_rdf(rr, 2));
		d->services = rdf_to_str(ldns_rr_rdf(rr, 3));
		d->regexp = rdf_to_str(ldns_rr_rdf(rr, 4));
		d->replacement = rdf_to_str(ldns_rr_rdf(rr, 5));
		d->dns_index = i;
		if (d->owner == NULL || d->flags == NULL || d->services == NULL ||
		    d->regexp == NULL || d->replacement == NULL) {
			ddds_rule_clear(d);
			step_note(a->step, "NAPTR record %zu left out: a field cannot be read "
				  "(a NUL byte, or malformed)", i + 1);
			continue;
		}
		k++;
	}
	ldns_rr_list_free(rrs);
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

rsip_status answer_srv_records(const struct dns_answer *a, struct srv_rec **recs,
			       size_t *count)
{
	ldns_rr_list *rrs = answer_rrs(a, LDNS_RR_TYPE_SRV);
	size_t n = rrs ? ldns_rr_list_rr_count(rrs) : 0, k = 0;
	struct srv_rec *out = NULL;

	*recs = NULL;
	*count = 0;
	if (rrs == NULL)
		return RSIP_E_NOMEM;
	if (n > 0 && (out = calloc(n, sizeof(*out))) == NULL) {
		ldns_rr_list_free(rrs);
		return RSIP_E_NOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrs, i);
		struct srv_rec *s = &out[k];
		/* RFC 2782: priority, weight, port, target */
		if (ldns_rr_rd_count(rr) != 4 ||
		    ldns_rdf_get_type(ldns_rr_rdf(rr, 3)) != LDNS_RDF_TYPE_DNAME) {
			step_note(a->step, "SRV record %zu left out: malformed", i + 1);
			continue;
		}
		s->priority = ldns_rdf2native_int16(ldns_rr_rdf(rr, 0));
		s->weight = ldns_rdf2native_int16(ldns_rr_rdf(rr, 1));
		s->port = ldns_rdf2native_int16(ldns_rr_rdf(rr, 2));
		s->target = rdf_to_str(ldns_rr_rdf(rr, 3));
		s->dns_index = i;
		if (s->target == NULL)
			continue;
		k++;
	}
	ldns_rr_list_free(rrs);
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
