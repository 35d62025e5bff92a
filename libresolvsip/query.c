/* query.c - the query engine: every DNS question goes through
 * ub_resolve_async() on a threaded libunbound context; answers are parsed with
 * ldns, recorded as trace steps, given their DNSSEC state (RFC 4035 §4.3) and
 * judged by the DNSSEC policy, and handed to the resolution's state machine.
 */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

/* The names of a CNAME chain asked after a SERVFAIL, at most, and the time
 * the chain may take. */
#define CNAME_PROBE_MAX 8
#define CNAME_PROBE_MS 1000

struct query {
	struct resolution *r;
	int ub_id;
	char *qname;
	uint16_t qtype;
	unsigned wave;
	size_t seq;            /* index of its step: the order it was asked in */
	struct step_rec *step; /* made when asked, so the trace is in ask order */
	const struct cached_answer *cached; /* answered from the cache: not asked */
	ldns_pkt *hosts;       /* answered from the hosts file: not asked */
	size_t hosts_count;    /* its addresses */
	bool has_expiry;       /* its own timeout comes before the deadline */
	struct timespec expires;
	bool has_check;        /* the servers are checked if it waits until check_at */
	struct timespec check_at;
	bool unreachable;      /* no server can be reached: given up at expires */
	query_cb cb;
	void *arg;
	/* A SERVFAIL held while the CNAME chain from qname is asked, to name a
	 * loop (which libunbound reports as SERVFAIL alone): */
	struct ub_result *held;
	char *chain[CNAME_PROBE_MAX + 1]; /* qname, then each CNAME target */
	size_t nchain;
	struct step_rec *probe;  /* the trace step of the CNAME question in flight */
	char loop[RSIP_ERRLEN];  /* the loop found, or "" */
};

static bool reached(const struct timespec *t, const struct timespec *now)
{
	return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

bool answer_nxdomain(const struct dns_answer *a)
{
	return a->rcode == LDNS_RCODE_NXDOMAIN;
}

bool answer_failed(const struct dns_answer *a)
{
	return a->kind == ANSWER_FAILED;
}

rsip_status answer_failure_status(const struct dns_answer *a)
{
	return a->timed_out ? RSIP_E_TIMEOUT : RSIP_E_DNS_FAILURE;
}

bool failure_ends(const struct resolution *r)
{
	return r->policy.failure_policy != RSIP_FAILURE_POLICY_FALLBACK;
}

/* After a SERVFAIL: whether every server is unreachable, checked now if
 * nothing recent is known (what the kernel knows at once: a route missing, a
 * refusal on loopback); the servers and why, or NULL. */
static const char *servfail_unreachable(struct dns_engine *dns)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	reach_check(&dns->reach, &now);
	return reach_dead(&dns->reach, &now) ? reach_summary(&dns->reach) : NULL;
}

/* Say how a failed answer failed, naming where the question went.
 * libunbound gives a forwarder's REFUSED, and a question none of whose
 * retries was answered, as SERVFAIL; the message says so rather than
 * guess. */
static void describe_failure(struct dns_answer *a, struct dns_engine *dns)
{
	const char *summary, *src = dns->source;
	bool forwarded = dns->forwarded;

	if (a->rcode == LDNS_RCODE_SERVFAIL && !dns->zones &&
	    (summary = servfail_unreachable(dns)) != NULL)
		/* libunbound's SERVFAIL when every send failed (no route). */
		snprintf(a->failure, sizeof(a->failure), "no DNS server can be reached: %s "
			 "(libunbound answered SERVFAIL)", summary);
	else if (a->ub_err != 0)
		snprintf(a->failure, sizeof(a->failure), "libunbound could not ask %s: %s",
			 src, ub_strerror(a->ub_err));
	else if (a->rcode == LDNS_RCODE_SERVFAIL && forwarded)
		snprintf(a->failure, sizeof(a->failure), "SERVFAIL from %s (a SERVFAIL or "
			 "REFUSED of the server, or no reply to any retry: libunbound "
			 "reports them alike)", src);
	else if (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)
		snprintf(a->failure, sizeof(a->failure), "%s from %s", rcode_name(a->rcode),
			 src);
	else
		snprintf(a->failure, sizeof(a->failure), "%s from %s, but the reply could "
			 "not be read", rcode_name(a->rcode), src);
}

rsip_dnssec answer_additional_dnssec(const struct dns_answer *a)
{
	/* See engine.h: what libunbound leaves in a secure answer's
	 * additional section it has validated; nothing else is. */
	return a->dnssec;
}

static void query_free(struct query *q)
{
	cache_release(q->cached);
	if (q->held != NULL)
		ub_resolve_free(q->held);
	for (size_t i = 0; i < q->nchain; i++)
		free(q->chain[i]);
	if (q->hosts != NULL)
		ldns_pkt_free(q->hosts);
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

/* True when a trust anchor covers name (absolute): then its answer must be
 * secure (RFC 4035 §4.3), and records of an insecure answer's additional
 * section for it are not used. */
bool dns_under_anchor(const struct dns_engine *dns, const char *name)
{
	char lower[LDNS_MAX_DOMAINLEN + 2];
	bool exempt = false;

	snprintf(lower, sizeof(lower), "%s", name);
	rsip_strlower(lower);
	if (dns->root_all)
		return true;
	if (dns->root_some) {
		for (const char *const *z = dns->root_exempt; z != NULL && *z != NULL; z++)
			exempt = exempt || rsip_name_under(lower, *z);
		if (!exempt)
			return true;
	}
	for (size_t i = 0; dns->anchors != NULL && i < dns->anchors->n; i++)
		if (rsip_name_under(lower, dns->anchors->items[i]))
			return true;
	return false;
}

/* RFC 4035 §4.3: the DNSSEC state of one answer, from libunbound's verdict.
 * *why receives a malloc'd reason when the state is bogus (may stay NULL). */
static rsip_dnssec answer_state(const struct dns_engine *dns, const char *qname, int err,
				const struct ub_result *ubr, char **why)
{
	*why = NULL;
	if (!dns->validating || err != 0 || ubr == NULL)
		return RSIP_DNSSEC_INDETERMINATE; /* no validator, or no answer */
	if (ubr->bogus) {
		*why = rsip_strdup(ubr->why_bogus ? ubr->why_bogus :
				   "libunbound gave no reason");
		return RSIP_DNSSEC_BOGUS;
	}
	if (ubr->secure)
		return RSIP_DNSSEC_SECURE;
	if (ubr->rcode == LDNS_RCODE_NOERROR || ubr->rcode == LDNS_RCODE_NXDOMAIN)
		return RSIP_DNSSEC_INSECURE; /* no anchor covers it, or provably unsigned */
	/* A failure.  In zones mode every answer comes from a zone file in
	 * process, and libunbound answers SERVFAIL without a verdict when a
	 * zone under a trust anchor gives data without signatures (its
	 * iterator takes the server as "DNSSEC-lame": an unsigned zone served
	 * under an anchor, or an RRSIG removed): RFC 4035 §5 calls that bogus,
	 * and so do we, lest stripped signatures pass for a DNS failure. */
	if (dns->zones && ubr->rcode == LDNS_RCODE_SERVFAIL &&
	    dns_under_anchor(dns, qname)) {
		if (asprintf(why, "no valid signature where a trust anchor requires one: "
			     "the zone is served unsigned or the RRSIG is missing "
			     "(libunbound answered SERVFAIL%s%s)",
			     ubr->why_bogus ? ": " : "",
			     ubr->why_bogus ? ubr->why_bogus : "") < 0)
			*why = NULL;
		return RSIP_DNSSEC_BOGUS;
	}
	return RSIP_DNSSEC_INDETERMINATE;
}

/* The DNSSEC policy's verdict on one answer (RFC 4035 §5.5: bogus data is not
 * used): RSIP_OK to use it, else the status that ends the resolution.  A failed
 * answer (SERVFAIL, timeout) holds no data to refuse; it goes on as a DNS
 * failure. */
static rsip_status policy_verdict(const struct rsip_policy *pol, const struct dns_answer *a)
{
	if (pol->dnssec_policy == RSIP_DNSSEC_POLICY_OFF || a->from_hosts)
		return RSIP_OK;
	if (a->dnssec == RSIP_DNSSEC_BOGUS)
		return RSIP_E_DNSSEC_BOGUS;
	if (pol->dnssec_policy == RSIP_DNSSEC_POLICY_REQUIRE && !answer_failed(a) &&
	    a->dnssec != RSIP_DNSSEC_SECURE)
		return RSIP_E_DNSSEC_INSECURE;
	return RSIP_OK;
}

/* Record a refused answer on the resolution: bogus wins over insecure, then
 * the question asked first, so that the outcome does not depend on the
 * order in which the answers of a wave arrive. */
static void refuse(struct resolution *r, const struct query *q, rsip_status status,
		   const char *why)
{
	const char *qtype = q->step ? step_qtype_name(q->step) : NULL;
	char *msg = NULL;
	int n;

	if (r->refusal == RSIP_E_DNSSEC_BOGUS && status != RSIP_E_DNSSEC_BOGUS)
		return;
	if (r->refusal == status && q->seq > r->refusal_seq)
		return;
	if (status == RSIP_E_DNSSEC_BOGUS)
		n = asprintf(&msg, "DNSSEC validation failed for %s %s (%s): a bogus answer "
			     "is never used, and no fallback is tried", q->qname,
			     qtype ? qtype : "?", why ? why : "no reason given");
	else
		n = asprintf(&msg, "%s %s is not DNSSEC-secure (%s), and the require "
			     "policy refuses it", q->qname, qtype ? qtype : "?",
			     rsip_dnssec_name(q->step ? step_dnssec(q->step) :
					      RSIP_DNSSEC_INDETERMINATE));
	if (n < 0)
		msg = NULL;
	free(r->refusal_why);
	r->refusal_why = msg;
	r->refusal = status;
	r->refusal_seq = q->seq;
}

/* Hand an answer to the resolution: fill its trace step, account for
 * failures, run the phase's callback.  Caller holds the lock. */
static void deliver(struct query *q, struct dns_answer *a, const char *why_bogus,
		    char *const *answers, size_t nanswers)
{
	struct resolution *r = q->r;
	struct step_rec *st = a->step;
	rsip_status verdict;

	step_answered(st, a->rcode, a->dnssec, q->cached != NULL, why_bogus, answers, nanswers);
	if (a->kind == ANSWER_FAILED) {
		/* A failure says nothing of what exists: the phase is told it
		 * failed and never sees its records. */
		step_note(st, "failed: %s%s", a->failure,
			  nanswers > 0 ? "; its records are not used" : "");
		step_failed(st, a->failure);
		a->pkt = NULL;
		r->dns_failed = true;
		if (r->first_failure == NULL) {
			const ldns_rr_descriptor *desc = ldns_rr_descript(a->qtype);
			if (asprintf(&r->first_failure, "the %s question for %s failed (%s)",
				     desc != NULL ? desc->_name : "?", a->qname, a->failure) < 0)
				r->first_failure = NULL;
		}
		r->timed_out = r->timed_out || a->timed_out;
	}
	if (a->dnssec == RSIP_DNSSEC_BOGUS)
		r->bogus = true;
	r->pending--;
	forget_inflight(r, q);
	verdict = policy_verdict(&r->policy, a);
	if (verdict != RSIP_OK) {
		a->kind = ANSWER_REFUSED;
		/* Not handed on: the answer decides nothing; the resolution ends
		 * once the wave is in (resolution_settle). */
		step_note(st, verdict == RSIP_E_DNSSEC_BOGUS ?
			  "refused: DNSSEC bogus; never used, and no fallback is tried "
			  "(RFC 4035 §5.5)" :
			  "refused: not DNSSEC-secure, and the policy is require");
		refuse(r, q, verdict, step_why_bogus(st));
	} else if (!r->finished) {
		q->cb(r, q->arg, a);
	}
}

/* What an answer means, decided here once for every phase: data, absence
 * (NXDOMAIN, NODATA), or a failure that says nothing of what exists. */
static void classify(struct dns_answer *a, struct dns_engine *dns)
{
	if (a->ub_err != 0 || a->rcode < 0 || a->pkt == NULL ||
	    (a->rcode != LDNS_RCODE_NOERROR && a->rcode != LDNS_RCODE_NXDOMAIN)) {
		a->kind = ANSWER_FAILED;
		describe_failure(a, dns);
		return;
	}
	if (a->rcode == LDNS_RCODE_NXDOMAIN) {
		a->kind = ANSWER_EMPTY;
		return;
	}
	a->kind = ANSWER_EMPTY;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(a->pkt)); i++) {
		if (ldns_rr_get_type(ldns_rr_list_rr(ldns_pkt_answer(a->pkt), i)) == a->qtype) {
			a->kind = ANSWER_DATA;
			break;
		}
	}
}

static void on_answer(void *arg, int err, struct ub_result *ubr);

static int ask_backend(struct dns_engine *dns, struct query *q, const char *qname, uint16_t qtype)
{
	if (dns->backend != NULL)
		return dns->backend->resolve(dns->backend->arg, qname, qtype, LDNS_RR_CLASS_IN,
					     q, on_answer, &q->ub_id);
	return ub_resolve_async(dns->ub, qname, qtype, LDNS_RR_CLASS_IN, q, on_answer,
				&q->ub_id);
}

/* The target of the CNAME record owned by name in a CNAME answer (malloc'd),
 * or NULL; the answer's records go to the probe's trace step. */
static char *cname_target(const struct ub_result *ubr, const char *name, struct step_rec *st)
{
	ldns_pkt *pkt = NULL;
	char *target = NULL;
	step_set_rcode(st, ubr->rcode);
	if (ubr->rcode != LDNS_RCODE_NOERROR || ubr->answer_packet == NULL ||
	    ldns_wire2pkt(&pkt, ubr->answer_packet, (size_t)ubr->answer_len) != LDNS_STATUS_OK)
		return NULL;
	for (size_t i = 0; i < ldns_rr_list_rr_count(ldns_pkt_answer(pkt)); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_answer(pkt), i);
		char *owner;
		step_add_answer(st, rr_to_str(rr));
		if (target != NULL || ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME ||
		    ldns_rr_rd_count(rr) != 1)
			continue;
		owner = rdf_to_str(ldns_rr_owner(rr));
		if (owner != NULL && rsip_strcasecmp(owner, name) == 0)
			target = rdf_to_str(ldns_rr_rdf(rr, 0));
		free(owner);
	}
	ldns_pkt_free(pkt);
	return target;
}

/* RFC 1034 §3.6.2 forbids CNAME loops, and a resolver that meets one answers
 * SERVFAIL, which says nothing of why.  So a SERVFAIL is held while the CNAME
 * of qname, then of each target, is asked (a few questions, only after a
 * failure): a name met twice is a loop, named in the failure.  True while the
 * chain is being asked (the held answer comes back through on_answer). */
static bool probe_cname_chain(struct query *q, int err, struct ub_result *ubr)
{
	struct dns_engine *dns = q->r->dns;
	char *next = NULL;

	if (q->held == NULL) {
		/* The question's own answer: probe only a SERVFAIL of a type a
		 * CNAME can stand in for. */
		if (err != 0 || ubr == NULL || ubr->rcode != LDNS_RCODE_SERVFAIL ||
		    q->qtype == LDNS_RR_TYPE_CNAME || q->r->finished ||
		    (!dns->zones && servfail_unreachable(dns) != NULL) ||
		    (q->chain[0] = rsip_strdup(q->qname)) == NULL)
			return false;
		q->nchain = 1;
		q->held = ubr;
		/* The answer is known; the chain only says why: it may hold the
		 * answer back CNAME_PROBE_MS at most (give_up() then delivers it). */
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += (long)CNAME_PROBE_MS * 1000000L;
		while (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (!q->has_expiry || reached(&until, &q->expires)) {
			q->has_expiry = true;
			q->expires = until;
		}
	} else {
		/* The answer to the CNAME of the last name of the chain. */
		if (err == 0 && ubr != NULL) {
			char *why = NULL;
			step_set_dnssec(q->probe, answer_state(dns, q->chain[q->nchain - 1], err,
							       ubr, &why));
			free(why);
			next = cname_target(ubr, q->chain[q->nchain - 1], q->probe);
		}
		if (ubr != NULL)
			ub_resolve_free(ubr);
		if (next == NULL)
			return false; /* no CNAME there, or that failed: no loop seen */
		for (size_t i = 0; i < q->nchain; i++) {
			if (rsip_strcasecmp(q->chain[i], next) != 0)
				continue;
			size_t off = (size_t)snprintf(q->loop, sizeof(q->loop), "a CNAME loop:");
			for (size_t j = i; j < q->nchain && off < sizeof(q->loop); j++)
				off += (size_t)snprintf(q->loop + off, sizeof(q->loop) - off,
							" %s ->", q->chain[j]);
			if (off < sizeof(q->loop))
				snprintf(q->loop + off, sizeof(q->loop) - off, " %s (RFC 1034 "
					 "§3.6.2)", next);
			free(next);
			return false;
		}
		if (q->nchain == CNAME_PROBE_MAX) {
			free(next);
			return false;
		}
		q->chain[q->nchain++] = next;
	}
	/* A step of its own: the trace shows the chain, and every question
	 * asked is one of the result's questions. */
	q->probe = result_add_step(q->r->res, q->chain[q->nchain - 1], LDNS_RR_TYPE_CNAME,
				   q->wave);
	if (q->probe == NULL)
		return false;
	step_note(q->probe, "asked after the SERVFAIL of %s: is it a CNAME loop? (RFC 1034 "
		  "§3.6.2)", q->qname);
	return ask_backend(dns, q, q->chain[q->nchain - 1], LDNS_RR_TYPE_CNAME) == 0;
}

/* Read libunbound's answer to q, classify it, keep it, hand it to the phase,
 * and free q and the answer.  Caller holds the lock. */
static void take_answer(struct query *q, int err, struct ub_result *ubr)
{
	struct dns_engine *dns = q->r->dns;
	struct dns_answer a;
	char **answers = NULL;
	size_t nanswers = 0;
	const struct cached_answer *kept = NULL;
	ldns_pkt *pkt;
	char *why = NULL;

	memset(&a, 0, sizeof(a));
	a.qname = q->qname;
	a.qtype = q->qtype;
	a.ub_err = err;
	a.rcode = -1;
	a.step = q->step;
	a.dnssec = answer_state(dns, q->qname, err, ubr, &why);
	if (err == 0 && ubr != NULL) {
		a.rcode = ubr->rcode;
		/* Record by record: a malformed record is left out with a
		 * note, its neighbours kept (RFC 1035 §4.1). */
		struct rsip_vec notes = {0};
		if (ubr->answer_packet != NULL &&
		    dns_msg_parse(ubr->answer_packet, (size_t)ubr->answer_len, &a.pkt,
				  &notes) != RSIP_OK)
			a.pkt = NULL;
		for (size_t i = 0; i < notes.n; i++)
			step_note(a.step, "%s", (char *)notes.items[i]);
		rsip_vec_clear(&notes, free);
	}
	pkt = a.pkt;
	classify(&a, dns);
	if (a.kind == ANSWER_FAILED && q->loop[0] != '\0') {
		/* The loop first: it is why, and the failure text may be cut. */
		char both[sizeof(q->loop) + sizeof(a.failure) + 2];
		size_t n = (size_t)snprintf(both, sizeof(both), "%s; %s", q->loop, a.failure);
		if (n >= sizeof(a.failure))
			n = sizeof(a.failure) - 1;
		memcpy(a.failure, both, n);
		a.failure[n] = '\0';
	}
	/* The trace's text of the answer, made once: the cache keeps it. */
	if (pkt != NULL && !step_quiet(a.step))
		answers = dns_answer_strings(pkt, &nanswers);
	/* Keep what may be kept; the cache then owns the packet and strings. */
	if (a.kind != ANSWER_FAILED && dns->cache != NULL)
		kept = cache_store(dns->cache, q->qname, q->qtype, pkt, a.rcode, a.dnssec,
				   why, answers, nanswers);
	deliver(q, &a, why, answers, nanswers);
	free(why);
	if (kept != NULL) {
		cache_release(kept);
	} else {
		dns_strings_free(answers, nanswers);
		if (pkt != NULL)
			ldns_pkt_free(pkt);
	}
	if (ubr != NULL)
		ub_resolve_free(ubr);
	query_free(q);
}

static void on_answer(void *arg, int err, struct ub_result *ubr)
{
	struct query *q = arg;
	struct resolution *r = q->r;
	struct dns_engine *dns = r->dns;

	pthread_mutex_lock(dns->lock);
	if (probe_cname_chain(q, err, ubr)) {
		pthread_mutex_unlock(dns->lock);
		return;
	}
	if (q->held != NULL) {
		/* The chain is asked: back to the held SERVFAIL. */
		ubr = q->held;
		q->held = NULL;
		err = 0;
	}
	take_answer(q, err, ubr);
	resolution_settle(r);
	pthread_mutex_unlock(dns->lock);
}

/* An answer from the hosts file, marked in the trace: libunbound never saw
 * the question. */
static void deliver_hosts(struct resolution *r, struct query *q)
{
	struct dns_answer a;
	char **answers = NULL;
	size_t nanswers = 0;
	bool v6 = q->qtype == LDNS_RR_TYPE_AAAA;

	memset(&a, 0, sizeof(a));
	a.qname = q->qname;
	a.qtype = q->qtype;
	a.rcode = LDNS_RCODE_NOERROR;
	a.pkt = q->hosts;
	/* No DNS answer led to it: like a numeric host, not validated. */
	a.dnssec = RSIP_DNSSEC_INDETERMINATE;
	a.from_hosts = true;
	a.step = q->step;
	classify(&a, r->dns);
	if (!step_quiet(q->step))
		answers = dns_answer_strings(q->hosts, &nanswers);
	if (q->hosts_count > 0)
		step_note(q->step, "from %s (the hosts file, as getaddrinfo() reads it): not "
			  "asked of DNS", r->dns->hosts.path);
	else
		step_note(q->step, "from %s (the hosts file, as getaddrinfo() reads it): it "
			  "holds %s addresses only for %s, and DNS is not asked for the others",
			  r->dns->hosts.path, v6 ? "IPv4" : "IPv6", q->qname);
	deliver(q, &a, NULL, answers, nanswers);
	dns_strings_free(answers, nanswers);
}

bool query_deliver_cached(struct resolution *r)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		struct query *q = r->inflight.items[i];
		const struct cached_answer *ca = q->cached;
		struct dns_answer a;
		if (q->hosts != NULL) {
			deliver_hosts(r, q);
			query_free(q);
			return true;
		}
		if (ca == NULL)
			continue;
		memset(&a, 0, sizeof(a));
		a.qname = q->qname;
		a.qtype = q->qtype;
		a.rcode = ca->rcode;
		a.pkt = ca->pkt;
		a.dnssec = ca->dnssec;
		a.step = q->step;
		classify(&a, r->dns);
		deliver(q, &a, ca->why_bogus, ca->answers, ca->nanswers);
		query_free(q);
		return true;
	}
	return false;
}

static void add_ms(struct timespec *t, unsigned ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

/* The question goes no further than at: no server can be reached. */
static void doom(struct query *q, const struct timespec *at)
{
	q->unreachable = true;
	if (!q->has_expiry || reached(at, &q->expires)) {
		q->has_expiry = true;
		q->expires = *at;
	}
}

rsip_status query_ask(struct resolution *r, const char *qname, uint16_t qtype,
		      query_cb cb, void *arg)
{
	struct timespec now;
	struct query *q;
	int err;

	if (r->past_deadline) {
		/* The deadline came while a phase went on with what it had: no
		 * question is asked after it. */
		const ldns_rr_descriptor *desc = ldns_rr_descript(qtype);
		resolution_finish(r, RSIP_E_TIMEOUT, "the deadline of %u ms came before %s %s "
				  "could be asked", r->limits.deadline_ms, qname,
				  desc != NULL ? desc->_name : "?");
		return RSIP_E_TIMEOUT;
	}
	if (result_question_count(r->res) >= r->limits.max_questions) {
		/* A limit reached gives a status and a trace line. */
		const ldns_rr_descriptor *desc = ldns_rr_descript(qtype);
		result_note_last_step(r->res, "question budget of %u spent: %s %s is not "
				      "asked", r->limits.max_questions, qname,
				      desc != NULL ? desc->_name : "?");
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
	q->cb = cb;
	q->arg = arg;
	q->step = result_add_step(r->res, qname, qtype, r->wave);
	q->seq = result_step_count(r->res) - 1;
	if (q->step == NULL) {
		query_free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	/* The addresses of a name of the hosts file come from the file, as
	 * getaddrinfo() gives them to a UAC, not from DNS (hosts.c). */
	if (hosts_answer(&r->dns->hosts, qname, qtype, &q->hosts, &q->hosts_count) != RSIP_OK) {
		query_free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	/* What the context already knows is not asked again (TTL-respecting);
	 * resolution_settle() delivers it, and the hosts file's answer. */
	if (q->hosts == NULL)
		q->cached = cache_lookup(r->dns->cache, qname, qtype);
	if (q->cached != NULL || q->hosts != NULL) {
		if (rsip_vec_push(&r->inflight, q) != 0) {
			query_free(q);
			resolution_finish(r, RSIP_E_NOMEM, "out of memory");
			return RSIP_E_NOMEM;
		}
		r->pending++;
		return RSIP_OK;
	}
	if (rsip_vec_push(&r->inflight, q) != 0) {
		query_free(q);
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return RSIP_E_NOMEM;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (r->limits.question_ms > 0) {
		/* Its own timeout, when that comes before the deadline. */
		struct timespec t = now;
		add_ms(&t, r->limits.question_ms);
		if (reached(&t, &r->deadline)) {
			q->has_expiry = true;
			q->expires = t;
		}
	}
	if (r->dns->reach.n > 0) {
		/* Unanswered for this long, the servers are checked (reach.c); a
		 * healthy server has answered by then. */
		unsigned after = REACH_AFTER_MS;
		if (r->limits.question_ms > 0 && r->limits.question_ms < after)
			after = r->limits.question_ms;
		q->check_at = now;
		add_ms(&q->check_at, after);
		q->has_check = reached(&q->check_at, &r->deadline); /* before the deadline */
	}
	err = ask_backend(r->dns, q, qname, qtype);
	if (err != 0) {
		forget_inflight(r, q);
		query_free(q);
		resolution_finish(r, RSIP_E_DNS_FAILURE, "cannot ask %s: %s", qname,
				  ub_strerror(err));
		return RSIP_E_DNS_FAILURE;
	}
	r->pending++;
	if (reach_dead(&r->dns->reach, &now)) {
		/* Every server is known unreachable: a moment for libunbound's
		 * cache and local zones, then it fails. */
		add_ms(&now, REACH_GRACE_MS);
		doom(q, &now);
	}
	return RSIP_OK;
}

/* Cancel every question still in flight (the resolution is being dropped). */
void query_cancel_all(struct resolution *r)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		struct query *q = r->inflight.items[i];
		if (q->cached != NULL)
			; /* answered from the cache: nothing was asked */
		else if (r->dns->backend != NULL)
			r->dns->backend->cancel(r->dns->backend->arg, q->ub_id);
		else
			ub_cancel(r->dns->ub, q->ub_id);
		query_free(q);
	}
	r->inflight.n = 0;
	r->pending = 0;
}

/* Hand a question that ran out of time to its phase as a failed answer. */
static void give_up(struct query *q, bool deadline)
{
	struct resolution *r = q->r;
	struct dns_engine *dns = r->dns;
	struct dns_answer a;
	const char *checked, *src = dns->source;

	if (dns->backend != NULL)
		dns->backend->cancel(dns->backend->arg, q->ub_id);
	else
		ub_cancel(dns->ub, q->ub_id);
	if (q->held != NULL) {
		/* Time ran out while the CNAME chain was asked: the question was
		 * answered, SERVFAIL, and that is what it gives (the chain was
		 * only to say why; it must not make a failure a timeout). */
		struct ub_result *held = q->held;
		if (q->probe != NULL)
			step_note(q->probe, "no answer in time: whether it is a CNAME loop "
				  "is not known");
		q->held = NULL;
		take_answer(q, 0, held);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.qname = q->qname;
	a.qtype = q->qtype;
	a.rcode = -1;
	a.step = q->step;
	a.dnssec = RSIP_DNSSEC_INDETERMINATE;
	a.kind = ANSWER_FAILED;
	a.timed_out = true;
	checked = reach_summary(&dns->reach);
	if (q->unreachable && checked != NULL) {
		/* Not a timeout: known unreachable (reach.c). */
		a.timed_out = false;
		snprintf(a.failure, sizeof(a.failure), "no DNS server can be reached: %s",
			 checked);
	} else if (deadline) {
		snprintf(a.failure, sizeof(a.failure), "no answer from %s within the deadline "
			 "of %u ms%s%s%s", src, r->limits.deadline_ms, checked ? " (checked: " : "",
			 checked ? checked : "", checked ? ")" : "");
	} else {
		snprintf(a.failure, sizeof(a.failure), "no answer from %s within the question "
			 "timeout of %u ms%s%s%s", src, r->limits.question_ms,
			 checked ? " (checked: " : "", checked ? checked : "", checked ? ")" : "");
	}
	deliver(q, &a, NULL, NULL, 0);
	query_free(q);
}

size_t query_expire(struct resolution *r, const struct timespec *now, bool all)
{
	size_t given_up = 0;

	/* deliver() takes the question out of r->inflight (and a phase may
	 * end the resolution meanwhile): look again from the start each
	 * time.  Bounded: every round removes one question. */
	for (;;) {
		struct query *due = NULL;
		for (size_t i = 0; i < r->inflight.n && due == NULL; i++) {
			struct query *q = r->inflight.items[i];
			if (q->cached == NULL &&
			    (all || (q->has_expiry && reached(&q->expires, now))))
				due = q;
		}
		if (due == NULL)
			return given_up;
		give_up(due, all);
		given_up++;
	}
}

bool query_next_expiry(const struct resolution *r, const struct timespec *now,
		       struct timespec *when)
{
	bool any = false, check = reach_wanted(&r->dns->reach, now);
	for (size_t i = 0; i < r->inflight.n; i++) {
		const struct query *q = r->inflight.items[i];
		if (q->cached != NULL)
			continue;
		if (q->has_expiry && (!any || reached(&q->expires, when))) {
			*when = q->expires;
			any = true;
		}
		if (check && q->has_check && (!any || reached(&q->check_at, when))) {
			*when = q->check_at;
			any = true;
		}
	}
	return any;
}

bool query_check_due(const struct resolution *r, const struct timespec *now)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		const struct query *q = r->inflight.items[i];
		if (q->cached == NULL && q->has_check && reached(&q->check_at, now))
			return true;
	}
	return false;
}

void query_doom_all(struct resolution *r, const struct timespec *now)
{
	for (size_t i = 0; i < r->inflight.n; i++) {
		struct query *q = r->inflight.items[i];
		if (q->cached == NULL)
			doom(q, now);
	}
}

/* A decoder's notes on the step of its answer. */
static void notes_to_step(struct step_rec *step, struct rsip_vec *notes)
{
	for (size_t i = 0; i < notes->n; i++)
		step_note(step, "%s", (char *)notes->items[i]);
	rsip_vec_clear(notes, free);
}

rsip_status answer_naptr_rules(const struct dns_answer *a, enum dns_naptr_policy policy,
			       struct ddds_rule **rules, size_t *count)
{
	struct rsip_vec notes = {0};
	rsip_status st = dns_naptr_rules(a->pkt, policy, rules, count, &notes);
	notes_to_step(a->step, &notes);
	return st;
}

rsip_status answer_srv_records(const struct dns_answer *a, struct srv_rec **recs,
			       size_t *count)
{
	struct rsip_vec notes = {0};
	rsip_status st = dns_srv_records(a->pkt, recs, count, &notes);
	notes_to_step(a->step, &notes);
	return st;
}

/* ---- the resolution's life: waves, deadlines, its end --------------- */

void resolution_finish(struct resolution *r, rsip_status status, const char *fmt, ...)
{
	va_list ap;
	if (r->finished)
		return;
	r->finished = true;
	if (r->refusal != RSIP_OK && status != RSIP_E_NOMEM) {
		/* An answer the DNSSEC policy refused decides the outcome,
		 * whatever else the wave led to. */
		result_end(r->res, r->refusal, r->refusal_why);
		r->refusal_why = NULL;
		return;
	}
	if (fmt != NULL && status != RSIP_OK) {
		char *msg = NULL;
		va_start(ap, fmt);
		if (vasprintf(&msg, fmt, ap) < 0)
			msg = NULL;
		va_end(ap);
		result_end(r->res, status, msg);
	} else {
		result_end(r->res, status, NULL);
	}
}

void resolution_settle(struct resolution *r)
{
	while (!r->finished) {
		void (*next)(struct resolution *);
		/* Answers the context already held come first, one by one, as if
		 * they had just arrived. */
		if (query_deliver_cached(r))
			continue;
		if (r->pending > 0)
			break;
		next = r->advance;
		r->advance = NULL;
		if (r->refusal != RSIP_OK) {
			/* resolution_finish() reports the refusal. */
			resolution_finish(r, r->refusal, NULL);
			break;
		}
		if (next == NULL) {
			resolution_finish(r, RSIP_E_NOT_FOUND, NULL);
			break;
		}
		r->wave++;
		next(r);
	}
	if (!r->finished && r->past_deadline)
		resolution_finish(r, RSIP_E_TIMEOUT, "no answer within the deadline of %u ms",
				  r->limits.deadline_ms);
	if (r->finished)
		r->on_end(r); /* the owner delivers the result and frees r */
}

void resolution_start_clock(struct resolution *r, const struct timespec *started)
{
	r->deadline = *started;
	add_ms(&r->deadline, r->limits.deadline_ms);
}

bool resolution_due(const struct resolution *r, const struct timespec *now)
{
	struct timespec q;
	if (r->finished)
		return false;
	if (reached(&r->deadline, now))
		return true;
	q = r->deadline;
	return query_next_expiry(r, now, &q) && reached(&q, now);
}

/* A question that ran out is a failed answer to its phase, which goes on
 * with what it has: at the deadline, the targets known are delivered, and
 * nothing more is asked. */
void resolution_expire(struct resolution *r, const struct timespec *now)
{
	bool deadline = reached(&r->deadline, now);
	if (deadline)
		r->past_deadline = true;
	if (query_expire(r, now, deadline) == 0 && deadline)
		resolution_finish(r, RSIP_E_TIMEOUT, "no answer within the deadline of %u ms",
				  r->limits.deadline_ms);
	resolution_settle(r);
}

void resolution_next_wake(const struct resolution *r, const struct timespec *now,
			  struct timespec *when)
{
	*when = r->deadline;
	query_next_expiry(r, now, when);
}
