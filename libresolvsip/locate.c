/* locate.c - RFC 3263 §4 client: from a sip:/sips: URI to the ordered list of
 * (transport, address, port) targets through NAPTR, SRV (RFC 2782) and A/AAAA
 * (RFC 7984), wave by wave. */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

#define MAX_NAPTR_SRV 8 /* SRV questions made from one NAPTR set */

/* One address of a host, and the answer it came in (for
 * rsip_step.answer_on_path). */
struct addr_entry {
	char *addr;              /* textual */
	struct step_rec *step;   /* NULL: from the additional section */
	size_t answer_index;
};

/* A/AAAA of one host. */
struct addr_lookup {
	char *host;              /* absolute */
	struct rsip_vec v4, v6;  /* struct addr_entry *, in DNS order */
	rsip_dnssec dnssec;      /* weakest of its answers */
	bool known_v4, known_v6; /* this family came as additional data: not asked */
	bool asked;              /* its questions were asked (a later NAPTR ORDER
				    may plan the same host again) */
};

/* One SRV question and its ordered records. */
struct srv_lookup {
	char *name;              /* _sip._udp.example.com. */
	rsip_transport tp;
	struct srv_rec *recs;
	size_t n;
	bool not_offered;        /* a lone "." target (RFC 2782) */
	bool from_naptr;
	uint16_t naptr_order, naptr_pref;
	struct step_rec *naptr_step; /* the NAPTR record it came from: its step */
	size_t naptr_answer;         /* and its line there */
	rsip_dnssec dnssec;
	struct step_rec *step;
	struct dns_addr *additional; /* A/AAAA RRs of the answer's additional section */
	size_t nadditional;
	rsip_dnssec additional_dnssec; /* their state (answer_additional_dnssec()) */
	bool asked;              /* its question was asked (a NAPTR set is asked
				    one ORDER at a time) */
	bool ordered;            /* srv_order() ran on it */
	bool exhausted;          /* its targets gave no address: left for the
				    next NAPTR ORDER */
};

/* One future target: an address lookup and how to reach it. */
struct plan {
	rsip_transport tp;
	uint16_t port, priority, weight;
	rsip_source source;
	rsip_dnssec path;        /* weakest link before the addresses */
	size_t addr;             /* index into loc->addrs */
	/* The records it came from, for rsip_step.answer_on_path: */
	struct step_rec *srv_step, *naptr_step; /* NULL: none */
	size_t srv_answer, naptr_answer;
};

struct locate {
	struct sip_uri uri;
	phase_done_fn done;
	const char *target;      /* maddr, else host (RFC 3263 §4) */
	enum sip_host_type ttype;
	rsip_transport tp_param; /* from the transport parameter, or 0 */
	char *target_abs;        /* target with a trailing dot */
	rsip_dnssec naptr_dnssec;
	bool via_naptr;
	size_t naptr_unusable;   /* NAPTR records there, none of them usable */
	bool hosts_only;         /* NXDOMAIN, but the hosts file names the target */
	bool addr_failed;        /* an A or AAAA question failed... */
	bool addr_timed_out;     /* ...or was not answered in time */
	struct srv_lookup *srvs;
	size_t nsrv;
	struct addr_lookup *addrs;
	size_t naddr;
	struct plan *plans;
	size_t nplan;
};

/* ---- transports (the table is transport.c's) ------------------------- */

static bool tp_secure(rsip_transport tp)
{
	const struct transport_info *t = transport_info(tp);
	return t != NULL && t->secure;
}

static uint16_t default_port(rsip_transport tp)
{
	const struct transport_info *t = transport_info(tp);
	return t != NULL ? t->default_port : 5060;
}

static const char *srv_label(rsip_transport tp)
{
	const struct transport_info *t = transport_info(tp);
	return t != NULL ? t->srv_label : "_sip._udp";
}

/* RFC 3263 §4.1: NAPTR service -> transport; 0 for a service that is not SIP
 * or that RFC 3263 forbids (SIPS+D2U). */
static rsip_transport naptr_transport(const char *service)
{
	const struct transport_info *t = transport_by_naptr_service(service);
	return t != NULL ? t->tp : 0;
}

/* RFC 3263 §4.1 "transport" parameter (lower-cased by the URI parser) ->
 * transport, given the scheme: in a sips URI, tcp means TLS over TCP; the
 * deprecated transport=tls means TLS over TCP (RFC 5630 §3.2.2). */
static rsip_transport param_transport(const char *value, bool sips)
{
	const struct transport_info *t = transport_by_name(value, strlen(value));
	if (t == NULL)
		return 0;
	return sips && t->in_sips != 0 ? t->in_sips : t->tp;
}

/* RFC 3263 §4.1: without a transport parameter, UDP for sip and TCP (TLS) for
 * sips; when the context does not support that one, the next supported
 * transport of the same security. */
static rsip_transport fallback_transport(const struct rsip_policy *pol, bool sips)
{
	static const rsip_transport sip_pref[] = {RSIP_TRANSPORT_UDP, RSIP_TRANSPORT_TCP,
						  RSIP_TRANSPORT_SCTP, RSIP_TRANSPORT_WS};
	static const rsip_transport sips_pref[] = {RSIP_TRANSPORT_TLS, RSIP_TRANSPORT_TLS_SCTP,
						   RSIP_TRANSPORT_WSS};
	const rsip_transport *pref = sips ? sips_pref : sip_pref;
	size_t n = sips ? 3 : 4;
	for (size_t i = 0; i < n; i++)
		if (policy_supports(pol, pref[i]))
			return pref[i];
	return 0;
}

static const char *supported_list(const struct rsip_policy *pol, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < pol->tp_count && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
					rsip_transport_name(pol->tp_order[i]));
	return buf;
}

/* ---- state ---------------------------------------------------------- */

static void addr_entry_free(void *p)
{
	struct addr_entry *e = p;
	if (e != NULL)
		free(e->addr);
	free(e);
}

/* Append an address (taken) that came in step's answer at index.  -1 when
 * out of memory (addr freed). */
static int push_addr(struct rsip_vec *fam, char *addr, struct step_rec *step, size_t index)
{
	struct addr_entry *e = addr != NULL ? calloc(1, sizeof(*e)) : NULL;
	if (e == NULL || rsip_vec_push(fam, e) != 0) {
		free(e);
		free(addr);
		return -1;
	}
	e->addr = addr;
	e->step = step;
	e->answer_index = index;
	return 0;
}

void locate_free(struct locate *loc)
{
	if (loc == NULL)
		return;
	sip_uri_clear(&loc->uri);
	free(loc->target_abs);
	for (size_t i = 0; i < loc->nsrv; i++) {
		for (size_t j = 0; j < loc->srvs[i].n; j++)
			srv_rec_clear(&loc->srvs[i].recs[j]);
		free(loc->srvs[i].recs);
		free(loc->srvs[i].name);
		dns_addrs_free(loc->srvs[i].additional, loc->srvs[i].nadditional);
	}
	free(loc->srvs);
	for (size_t i = 0; i < loc->naddr; i++) {
		free(loc->addrs[i].host);
		rsip_vec_clear(&loc->addrs[i].v4, addr_entry_free);
		rsip_vec_clear(&loc->addrs[i].v6, addr_entry_free);
	}
	free(loc->addrs);
	free(loc->plans);
	free(loc);
}

static void loc_done(struct resolution *r, rsip_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void loc_done(struct resolution *r, rsip_status st, const char *fmt, ...)
{
	char *why = NULL;
	va_list ap;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&why, fmt, ap) < 0)
			why = NULL;
		va_end(ap);
	}
	r->loc->done(r, st, why);
	free(why);
}

/* RFC 3263 §4.1: no transport the URI allows is one the context supports. */
static void loc_no_transport(struct resolution *r)
{
	char buf[64];
	loc_done(r, RSIP_E_NO_TRANSPORT, "no transport for a %s URI is supported (%s)",
		 r->loc->uri.sips ? "sips" : "sip", supported_list(&r->policy, buf, sizeof(buf)));
}

static size_t add_addr_lookup(struct locate *loc, const char *host)
{
	struct addr_lookup *a;
	for (size_t i = 0; i < loc->naddr; i++)
		if (strcmp(loc->addrs[i].host, host) == 0)
			return i;
	a = realloc(loc->addrs, (loc->naddr + 1) * sizeof(*a));
	if (a == NULL)
		return (size_t)-1;
	loc->addrs = a;
	memset(&a[loc->naddr], 0, sizeof(*a));
	a[loc->naddr].host = rsip_strdup(host);
	if (a[loc->naddr].host == NULL)
		return (size_t)-1;
	a[loc->naddr].dnssec = RSIP_DNSSEC_SECURE;
	return loc->naddr++;
}

static int add_plan(struct locate *loc, const struct plan *p)
{
	struct plan *n = realloc(loc->plans, (loc->nplan + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	loc->plans = n;
	n[loc->nplan++] = *p;
	return 0;
}

static rsip_dnssec dnssec_min(rsip_dnssec a, rsip_dnssec b)
{
	return a < b ? a : b;
}

/* ---- wave: addresses ------------------------------------------------ */

struct addr_ask {
	struct locate *loc;
	size_t idx;
};

/* The addresses-per-host limit left some out: said in the result, never
 * silently, and on the step they came from. */
static void note_addresses_cut(struct resolution *r, struct step_rec *step, const char *host,
			       bool v6, size_t used, size_t cut)
{
	result_note(r->res, "%s has %zu %s addresses: the first %zu are used, %zu left out "
		    "(the limit of %u addresses per host and family)", host, used + cut,
		    v6 ? "IPv6" : "IPv4", used, cut, r->limits.max_addresses);
	if (step != NULL)
		step_note(step, "%s: %zu %s addresses left out (the limit of %u per host and "
			  "family)", host, cut, v6 ? "IPv6" : "IPv4", r->limits.max_addresses);
}

static void on_address(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct addr_lookup *al = &r->loc->addrs[(size_t)(uintptr_t)arg];
	ldns_rr_type type = a->qtype == LDNS_RR_TYPE_AAAA ? LDNS_RR_TYPE_AAAA : LDNS_RR_TYPE_A;
	struct dns_addr *addrs = NULL;
	struct rsip_vec *fam;
	size_t cut = 0, n = 0, seen = 0;

	if (answer_failed(a)) {
		/* This family's addresses of this host are left out; the other
		 * family and the other targets still serve (RFC 7984 §4). */
		r->loc->addr_failed = true;
		r->loc->addr_timed_out = r->loc->addr_timed_out || a->timed_out;
		result_note(r->res, "%s %s failed (%s): the %s addresses of %s are left out",
			    a->qname, type == LDNS_RR_TYPE_A ? "A" : "AAAA", a->failure,
			    type == LDNS_RR_TYPE_A ? "IPv4" : "IPv6", al->host);
		return;
	}
	if (dns_addresses(a->pkt, LDNS_SECTION_ANSWER, type, &addrs, &n, &seen) != RSIP_OK)
		n = seen = 0;
	al->dnssec = dnssec_min(al->dnssec, a->dnssec);
	fam = type == LDNS_RR_TYPE_A ? &al->v4 : &al->v6;
	for (size_t i = 0; i < n; i++) {
		if (fam->n >= r->limits.max_addresses) {
			cut++;
			continue;
		}
		push_addr(fam, addrs[i].addr, a->step, addrs[i].answer_index);
		addrs[i].addr = NULL;
	}
	if (seen == 0)
		step_note(a->step, "no %s address for %s", type == LDNS_RR_TYPE_A ? "IPv4" : "IPv6",
			  al->host);
	if (cut > 0)
		note_addresses_cut(r, a->step, al->host, type == LDNS_RR_TYPE_AAAA, fam->n, cut);
	dns_addrs_free(addrs, n);
}

static void after_srv(struct resolution *r);

static bool any_exhausted(const struct locate *loc)
{
	for (size_t i = 0; i < loc->nsrv; i++)
		if (loc->srvs[i].exhausted)
			return true;
	return false;
}

/* RFC 3263 §4.1: the services of one NAPTR ORDER gave SRV records but no
 * target has an address: the client goes on to the next usable NAPTR record,
 * as it does when a service's SRV set is empty.  Not after a failed address
 * question (unless the failure policy is fallback): a failure says nothing of
 * what exists, and the next ORDER may be a weaker transport (RFC 3263 §7).
 * True when the walk went on. */
static bool next_naptr_service(struct resolution *r)
{
	struct locate *loc = r->loc;
	bool left = false, more = false;
	if (!loc->via_naptr)
		return false;
	for (size_t i = 0; i < loc->nsrv; i++) {
		if (!loc->srvs[i].asked)
			more = true;
		else if (!loc->srvs[i].exhausted && loc->srvs[i].n > 0 &&
			 !loc->srvs[i].not_offered)
			left = true;
	}
	if (!left)
		return false;
	for (size_t i = 0; i < loc->nsrv; i++) {
		struct srv_lookup *sl = &loc->srvs[i];
		if (!sl->asked || sl->exhausted || sl->n == 0 || sl->not_offered)
			continue;
		sl->exhausted = true;
		step_note(sl->step, "left: no target of %s has an address; %s", sl->name,
			  more ? "the next NAPTR order is tried (RFC 3263 §4.1)" :
			  "no NAPTR order is left");
	}
	if (!more)
		return false;
	loc->nplan = 0;
	after_srv(r);
	return true;
}

static void after_addresses(struct resolution *r)
{
	struct locate *loc = r->loc;
	size_t cut = 0;
	for (size_t i = 0; i < loc->nplan; i++) {
		const struct plan *p = &loc->plans[i];
		struct addr_lookup *al = &loc->addrs[p->addr];
		/* RFC 7984 §4: all addresses of one target together, IPv6 first
		 * (RFC 6724's precedence for global addresses), never interleaved
		 * with another target's. */
		struct rsip_vec *fam[2] = {&al->v6, &al->v4};
		if (r->policy.prefer_ipv4) {
			fam[0] = &al->v4;
			fam[1] = &al->v6;
		}
		for (int f = 0; f < 2; f++) {
			for (size_t j = 0; j < fam[f]->n; j++) {
				rsip_target t;
				/* The targets limit keeps the first ones in the order
				 * they are to be tried. */
				if (result_target_count(r->res) >= r->limits.max_targets) {
					cut++;
					continue;
				}
				memset(&t, 0, sizeof(t));
				t.transport = p->tp;
				t.family = fam[f] == &al->v6 ? RSIP_FAMILY_IPV6 : RSIP_FAMILY_IPV4;
				const struct addr_entry *e = fam[f]->items[j];
				snprintf(t.address, sizeof(t.address), "%s", e->addr);
				t.port = p->port;
				t.priority = p->priority;
				t.weight = p->weight;
				t.source = p->source;
				t.dnssec = dnssec_min(p->path, al->dnssec);
				/* These records gave the target (also when it is
				 * one already listed). */
				if (result_add_target(r->res, &t, al->host) != 0 ||
				    step_mark_answer(e->step, e->answer_index,
						     RSIP_ROLE_ADDRESS) != 0 ||
				    step_mark_answer(p->srv_step, p->srv_answer,
						     RSIP_ROLE_SRV) != 0 ||
				    step_mark_answer(p->naptr_step, p->naptr_answer,
						     RSIP_ROLE_NAPTR) != 0) {
					loc_done(r, RSIP_E_NOMEM, "out of memory");
					return;
				}
			}
		}
	}
	if (cut > 0)
		result_note(r->res, "more than %u targets: the last %zu are left out (the "
			    "targets limit)", r->limits.max_targets, cut);
	if (result_target_count(r->res) > 0)
		loc_done(r, RSIP_OK, NULL);
	else if (!(loc->addr_failed && failure_ends(r)) && next_naptr_service(r))
		return;
	else if (loc->addr_failed && failure_ends(r))
		loc_done(r, loc->addr_timed_out ? RSIP_E_TIMEOUT : RSIP_E_DNS_FAILURE,
			 "no address for %s: %s", loc->naddr ? loc->addrs[0].host : loc->target_abs,
			 r->first_failure ? r->first_failure : "its A/AAAA questions failed");
	else if (any_exhausted(loc))
		loc_done(r, RSIP_E_NOT_FOUND, "no address (A/AAAA) for any SRV target of the "
			 "NAPTR services of %s", loc->target_abs);
	else if (loc->naptr_unusable > 0 && loc->nplan > 0 &&
		 loc->plans[0].source == RSIP_SOURCE_HOST)
		loc_done(r, RSIP_E_NOT_FOUND, "%s has %zu NAPTR record%s but none this client "
			 "can use, no SRV record for a supported transport, and no address "
			 "(A/AAAA) (RFC 3263 §4.1-4.2)", loc->target_abs, loc->naptr_unusable,
			 loc->naptr_unusable == 1 ? "" : "s");
	else
		loc_done(r, RSIP_E_NOT_FOUND, "no address (A/AAAA) for %s",
			 loc->naddr ? loc->addrs[0].host : loc->target_abs);
}

/* Ask A and AAAA (as the families allow) of every planned host at once. */
static void ask_addresses(struct resolution *r)
{
	struct locate *loc = r->loc;
	for (size_t i = 0; i < loc->naddr; i++) {
		struct addr_lookup *al = &loc->addrs[i];
		if (al->asked)
			continue;
		al->asked = true;
		/* RFC 2782 "Usage rules": additional data spares only the
		 * family it holds; the other one is asked. */
		if ((r->policy.families & RSIP_FAMILY_IPV6) && !al->known_v6 &&
		    query_ask(r, al->host, LDNS_RR_TYPE_AAAA, on_address,
			      (void *)(uintptr_t)i) != RSIP_OK)
			return;
		if ((r->policy.families & RSIP_FAMILY_IPV4) && !al->known_v4 &&
		    query_ask(r, al->host, LDNS_RR_TYPE_A, on_address,
			      (void *)(uintptr_t)i) != RSIP_OK)
			return;
	}
	r->advance = after_addresses;
}

/* RFC 3263 §4.2: no SRV: A/AAAA of the target, on the port of the URI or the
 * transport's default. */
static void plan_host(struct resolution *r, rsip_transport tp, int port)
{
	struct locate *loc = r->loc;
	struct plan p;
	memset(&p, 0, sizeof(p));
	p.tp = tp;
	p.port = port > 0 ? (uint16_t)port : default_port(tp);
	p.source = RSIP_SOURCE_HOST;
	p.path = loc->naptr_dnssec;
	for (size_t i = 0; i < loc->nsrv; i++)
		p.path = dnssec_min(p.path, loc->srvs[i].dnssec);
	p.addr = add_addr_lookup(loc, loc->target_abs);
	if (p.addr == (size_t)-1 || add_plan(loc, &p) != 0) {
		loc_done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	ask_addresses(r);
}

/* ---- wave: SRV ------------------------------------------------------ */

static void on_srv(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct srv_lookup *sl = &r->loc->srvs[(size_t)(uintptr_t)arg];

	sl->step = a->step;
	if (answer_failed(a)) {
		/* RFC 3263 §4.1-4.2 fall back to other SRV sets and to A/AAAA
		 * only when records are absent; a failure says nothing of them
		 * (RFC 3263 §7: the fallback could be steered, say from TLS to
		 * UDP). */
		if (failure_ends(r)) {
			loc_done(r, answer_failure_status(a), "the SRV question %s failed (%s): "
				 "no other SRV set nor A/AAAA fallback is tried in its place "
				 "(RFC 3263 §4.1, §7)", sl->name, a->failure);
			return;
		}
		step_note(a->step, "taken as no SRV record: the failure policy is fallback");
		sl->dnssec = a->dnssec;
		return;
	}
	sl->dnssec = a->dnssec;
	sl->additional_dnssec = answer_additional_dnssec(a);
	if (answer_srv_records(a, &sl->recs, &sl->n) != RSIP_OK)
		loc_done(r, RSIP_E_NOMEM, "out of memory");
	/* RFC 2782 ("Usage rules") and RFC 3263 §4.2: the targets' addresses
	 * in the additional section may be used without asking again.  Kept
	 * here; used in after_srv() when the policy allows. */
	if (sl->n > 0 && dns_addresses(a->pkt, LDNS_SECTION_ADDITIONAL, LDNS_RR_TYPE_A,
				       &sl->additional, &sl->nadditional, NULL) != RSIP_OK)
		sl->nadditional = 0;
}

/* Fill a new address lookup from an SRV answer's additional section, for the
 * families the context wants; each family found there is not asked again. */
static void addresses_from_additional(struct resolution *r, struct srv_lookup *sl,
				      struct addr_lookup *al)
{
	size_t found[2] = {0, 0}, cut[2] = {0, 0};
	if (sl->nadditional == 0 || al->asked || al->known_v4 || al->known_v6 ||
	    !policy_may_use_additional(&r->policy))
		return;
	/* A target the hosts file names has the file's addresses, as
	 * getaddrinfo() gives them, whatever the server added (query_ask()). */
	if (hosts_has(&r->dns->hosts, al->host))
		return;
	/* Unvalidated data for a name a trust anchor covers is asked for and
	 * validated instead (see answer_additional_dnssec() in engine.h). */
	if (sl->additional_dnssec != RSIP_DNSSEC_SECURE && dns_under_anchor(r->dns, al->host))
		return;
	for (size_t i = 0; i < sl->nadditional; i++) {
		struct dns_addr *d = &sl->additional[i];
		bool v6 = d->v6;
		if (rsip_strcasecmp(d->owner, al->host) != 0 ||
		    !(r->policy.families & (v6 ? RSIP_FAMILY_IPV6 : RSIP_FAMILY_IPV4)))
			continue;
		if ((v6 ? al->v6.n : al->v4.n) >= r->limits.max_addresses) {
			cut[v6]++;
			continue;
		}
		/* not in the answer section: no line to mark */
		if (push_addr(v6 ? &al->v6 : &al->v4, rsip_strdup(d->addr), NULL,
			      DNS_NOT_AN_ANSWER) != 0)
			continue;
		found[v6]++;
	}
	if (found[0] + found[1] == 0)
		return;
	/* RFC 2782 "Usage rules": the additional section may hold the
	 * records of one family only; a family it does not hold says nothing
	 * of that family's records, so only the families found are taken as
	 * known (the other one is asked in the address wave). */
	al->known_v4 = found[0] > 0;
	al->known_v6 = found[1] > 0;
	al->dnssec = sl->additional_dnssec;
	if (found[0] > 0 && found[1] > 0)
		step_note(sl->step, "%s: %zu addresses from the additional section (RFC 2782), "
			  "not asked again", al->host, found[0] + found[1]);
	else if (r->policy.families & (found[0] ? RSIP_FAMILY_IPV6 : RSIP_FAMILY_IPV4))
		step_note(sl->step, "%s: %zu %s address%s from the additional section (RFC "
			  "2782), not asked again; it holds no %s address, so %s is asked",
			  al->host, found[0] + found[1], found[0] ? "IPv4" : "IPv6",
			  found[0] + found[1] == 1 ? "" : "es", found[0] ? "IPv6" : "IPv4",
			  found[0] ? "AAAA" : "A");
	else
		step_note(sl->step, "%s: %zu address%s from the additional section (RFC 2782), "
			  "not asked again", al->host, found[0] + found[1],
			  found[0] + found[1] == 1 ? "" : "es");
	for (int v6 = 0; v6 < 2; v6++)
		if (cut[v6] > 0)
			note_addresses_cut(r, sl->step, al->host, v6, v6 ? al->v6.n : al->v4.n,
					   cut[v6]);
}

/* RFC 2782: priority, then weighted random order within a priority.  Done
 * once the wave is in, in question order, so that a seed gives the same
 * order whatever order the answers arrived in. */
static void order_srv(struct resolution *r, struct srv_lookup *sl)
{
	if (sl->n == 0)
		return;
	if (r->policy.srv_order == RSIP_SRV_ORDER_DETERMINISTIC)
		sl->n = srv_order_deterministic(sl->recs, sl->n);
	else
		sl->n = srv_order(sl->recs, sl->n, srv_draw_rng, r->rng);
	if (sl->n == 1 && strcmp(sl->recs[0].target, ".") == 0) {
		sl->not_offered = true;
		step_note(sl->step, "target \".\": %s is decidedly not offered here (RFC 2782)",
			  sl->name);
		return;
	}
	for (size_t i = 0; i < sl->n; i++)
		step_note(sl->step, "%zu. %s port %u (priority %u, weight %u)", i + 1,
			  sl->recs[i].target, sl->recs[i].port, sl->recs[i].priority,
			  sl->recs[i].weight);
}

static void ask_srvs(struct resolution *r);

static void after_srv(struct resolution *r)
{
	struct locate *loc = r->loc;
	struct srv_lookup *first = NULL;
	bool not_offered = false, exhausted = false;
	size_t targets = 0;

	for (size_t i = 0; i < loc->nsrv; i++) {
		if (loc->srvs[i].asked && !loc->srvs[i].ordered) {
			order_srv(r, &loc->srvs[i]);
			loc->srvs[i].ordered = true;
		}
	}
	for (size_t i = 0; i < loc->nsrv; i++) {
		struct srv_lookup *sl = &loc->srvs[i];
		if (!sl->asked) {
			/* RFC 3403 §4.1: an ORDER after the one used is not
			 * considered; its SRV question is not even asked. */
			if (first != NULL)
				break;
			/* Nothing usable yet: the next ORDER's SRV sets (the
			 * next usable NAPTR records, RFC 3263 §4.1). */
			ask_srvs(r);
			return;
		}
		if (sl->not_offered)
			not_offered = true;
		if (sl->exhausted)
			exhausted = true;
		if (sl->n == 0 || sl->not_offered || sl->exhausted)
			continue;
		/* RFC 3403 §4.1: once a NAPTR rule is used, records of another
		 * ORDER are not considered; the same ORDER's next preferences
		 * follow in the list (RFC 3263 §4.3 failover). */
		if (first != NULL && sl->from_naptr && sl->naptr_order != first->naptr_order) {
			step_note(sl->step, "not used: NAPTR order %u follows order %u "
				  "(RFC 3403 §4.1)", sl->naptr_order, first->naptr_order);
			continue;
		}
		if (first == NULL)
			first = sl;
		step_note(sl->step, "used for %s%s", rsip_transport_name(sl->tp),
			  sl == first ? "" : " (after the preferred set)");
		for (size_t j = 0; j < sl->n; j++) {
			struct plan p;
			if (targets >= r->limits.max_srv_targets) {
				step_note(sl->step, "more than %u SRV targets: the rest are "
					  "not resolved", r->limits.max_srv_targets);
				break;
			}
			memset(&p, 0, sizeof(p));
			p.tp = sl->tp;
			p.port = sl->recs[j].port;
			p.priority = sl->recs[j].priority;
			p.weight = sl->recs[j].weight;
			p.source = RSIP_SOURCE_SRV;
			p.path = dnssec_min(loc->naptr_dnssec, sl->dnssec);
			p.srv_step = sl->step;
			p.srv_answer = sl->recs[j].answer_index;
			p.naptr_step = sl->naptr_step;
			p.naptr_answer = sl->naptr_answer;
			p.addr = add_addr_lookup(loc, sl->recs[j].target);
			if (p.addr == (size_t)-1 || add_plan(loc, &p) != 0) {
				loc_done(r, RSIP_E_NOMEM, "out of memory");
				return;
			}
			addresses_from_additional(r, sl, &loc->addrs[p.addr]);
			targets++;
		}
	}
	if (first != NULL) {
		ask_addresses(r);
		return;
	}
	if (not_offered) {
		loc_done(r, RSIP_E_NOT_FOUND, "SIP is decidedly not offered at %s (SRV target "
			 "\".\", RFC 2782)", loc->target_abs);
		return;
	}
	/* AMBIG: SRV records exist, only their targets have no address: that
	 * is not the "no SRV records" of RFC 3263 §4.2, so the domain's own
	 * A/AAAA are not tried in their place. */
	if (exhausted) {
		loc_done(r, RSIP_E_NOT_FOUND, "no address (A/AAAA) for any SRV target of the "
			 "NAPTR services of %s", loc->target_abs);
		return;
	}
	/* RFC 3263 §4.1: no SRV records: UDP for sip, TCP (TLS) for sips, on the
	 * default port.  AMBIG (doc/DESIGN.md §4): NAPTR records whose SRV
	 * sets are all empty fall back the same way. */
	{
		/* RFC 3263 §4.2: a transport parameter keeps its transport. */
		rsip_transport tp = loc->tp_param ? loc->tp_param :
				    fallback_transport(&r->policy, loc->uri.sips);
		char buf[64];
		if (tp == 0) {
			loc_done(r, RSIP_E_NO_TRANSPORT, "no SRV record, and no transport for %s "
				 "is supported (%s)", loc->uri.sips ? "sips" : "sip",
				 supported_list(&r->policy, buf, sizeof(buf)));
			return;
		}
		if (loc->nsrv > 0)
			step_note(loc->srvs[loc->nsrv - 1].step, "no SRV record: A/AAAA of %s "
				  "over %s (RFC 3263 §4.1)", loc->target_abs,
				  rsip_transport_name(tp));
		plan_host(r, tp, -1);
	}
}

static int add_srv_lookup(struct locate *loc, const char *name, rsip_transport tp)
{
	struct srv_lookup *n = realloc(loc->srvs, (loc->nsrv + 1) * sizeof(*n));
	if (n == NULL)
		return -1;
	loc->srvs = n;
	memset(&n[loc->nsrv], 0, sizeof(*n));
	n[loc->nsrv].name = rsip_strdup(name);
	n[loc->nsrv].tp = tp;
	n[loc->nsrv].dnssec = RSIP_DNSSEC_SECURE;
	if (n[loc->nsrv].name == NULL)
		return -1;
	loc->nsrv++;
	return 0;
}

/* Ask the SRV questions not asked yet: all of them for the SRV sets of the
 * supported transports (no NAPTR), or, from a NAPTR set, those of the next
 * ORDER only: once a record of one ORDER is used, the others are not
 * considered (RFC 3403 §4.1), so asking them would cost questions for
 * nothing, and a further wave only when a whole ORDER gives no SRV record. */
static void ask_srvs(struct resolution *r)
{
	struct locate *loc = r->loc;
	bool have_order = false;
	uint16_t order = 0;
	for (size_t i = 0; i < loc->nsrv; i++) {
		struct srv_lookup *sl = &loc->srvs[i];
		if (sl->asked)
			continue;
		if (sl->from_naptr && have_order && sl->naptr_order != order)
			break;
		have_order = true;
		order = sl->naptr_order;
		sl->asked = true;
		if (query_ask(r, sl->name, LDNS_RR_TYPE_SRV, on_srv, (void *)(uintptr_t)i) !=
		    RSIP_OK)
			return;
	}
	r->advance = after_srv;
}

/* RFC 3263 §4.1: no (usable) NAPTR: an SRV question per supported transport
 * of the URI's scheme (_sip for sip, _sips for sips), in the context's order
 * of preference. */
static void srv_fallback(struct resolution *r)
{
	struct locate *loc = r->loc;
	for (size_t i = 0; i < r->policy.tp_count; i++) {
		rsip_transport tp = r->policy.tp_order[i];
		char *name;
		if (tp_secure(tp) != loc->uri.sips)
			continue;
		if (asprintf(&name, "%s.%s", srv_label(tp), loc->target_abs) < 0 ||
		    add_srv_lookup(loc, name, tp) != 0) {
			free(name);
			loc_done(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
		free(name);
	}
	if (loc->nsrv == 0) {
		loc_no_transport(r);
		return;
	}
	ask_srvs(r);
}

/* ---- wave: NAPTR ---------------------------------------------------- */

static void on_naptr(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct locate *loc = r->loc;
	struct ddds_rule *rules;
	size_t n, used = 0;
	(void)arg;

	loc->naptr_dnssec = a->dnssec;
	if (answer_failed(a)) {
		/* RFC 3263 §4.1 falls back to SRV per transport only when there
		 * is no NAPTR record; a failed question says nothing of them, and
		 * falling back would let whoever can make it fail choose the
		 * transport (RFC 3263 §7). */
		if (failure_ends(r)) {
			loc_done(r, answer_failure_status(a), "the NAPTR question for %s failed "
				 "(%s): its records choose the transport, so no SRV fallback is "
				 "tried (RFC 3263 §4.1, §7)", loc->target_abs, a->failure);
			return;
		}
		step_note(a->step, "taken as no NAPTR record: the failure policy is fallback; "
			  "SRV for each supported transport (RFC 3263 §4.1)");
		return;
	}
	/* RFC 8020: NXDOMAIN means nothing exists at or below the name, so no
	 * SRV or address record either. */
	if (answer_nxdomain(a)) {
		/* getaddrinfo() still finds a name of the hosts file: its
		 * addresses, with the transport of RFC 3263 §4.1 for no SRV. */
		if (hosts_has(&r->dns->hosts, loc->target_abs)) {
			step_note(a->step, "%s does not exist in DNS: nothing below it either "
				  "(RFC 8020), so no SRV record; the hosts file %s names it: its "
				  "A/AAAA (RFC 3263 §4.1)", loc->target_abs, r->dns->hosts.path);
			loc->hosts_only = true;
			return;
		}
		step_note(a->step, "%s does not exist: nothing below it either (RFC 8020)",
			  loc->target_abs);
		loc_done(r, RSIP_E_NOT_FOUND, "%s does not exist (NXDOMAIN)", loc->target_abs);
		return;
	}
	if (answer_naptr_rules(a, DNS_NAPTR_LEAVE_OUT_UNREADABLE, &rules, &n) != RSIP_OK) {
		loc_done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	/* RFC 3403 §4.1: ORDER, then PREFERENCE; ties in DNS order. */
	ddds_sort(rules, n);
	for (size_t i = 0; i < n && !r->finished; i++) {
		const struct ddds_rule *d = &rules[i];
		rsip_transport tp = naptr_transport(d->services);
		struct srv_lookup *sl;
		if (tp == 0) {
			step_note(a->step, "%s skipped: not a SIP service RFC 3263 §4.1 uses%s",
				  d->services, rsip_strcasecmp(d->services, "SIPS+D2U") == 0 ?
				  " (SIPS over UDP does not exist)" : "");
		} else if (rsip_strcasecmp(d->flags, "s") != 0 || d->regexp[0] != '\0' ||
			   strcmp(d->replacement, ".") == 0) {
			step_note(a->step, "%s skipped: RFC 3263 §4.1 wants flag \"s\", no "
				  "regexp and an SRV name as replacement", d->services);
		} else if (loc->uri.sips && !tp_secure(tp)) {
			step_note(a->step, "%s skipped: a sips URI uses only SIPS services "
				  "(RFC 3263 §4.1)", d->services);
		} else if (!policy_supports(&r->policy, tp)) {
			step_note(a->step, "%s skipped: transport %s is not supported",
				  d->services, rsip_transport_name(tp));
		} else if (used == MAX_NAPTR_SRV) {
			step_note(a->step, "%s skipped: more than %d usable records",
				  d->services, MAX_NAPTR_SRV);
		} else if (add_srv_lookup(loc, d->replacement, tp) != 0) {
			loc_done(r, RSIP_E_NOMEM, "out of memory");
		} else {
			used++;
			sl = &loc->srvs[loc->nsrv - 1];
			sl->from_naptr = true;
			sl->naptr_order = d->order;
			sl->naptr_pref = d->preference;
			sl->naptr_step = a->step;
			sl->naptr_answer = d->answer_index;
			step_note(a->step, "%s order %u preference %u -> %s (%s)", d->services,
				  d->order, d->preference, d->replacement, rsip_transport_name(tp));
		}
	}
	ddds_rules_free(rules, n);
	loc->via_naptr = used > 0;
	if (used == 0)
		loc->naptr_unusable = n;
	if (!r->finished && used == 0)
		step_note(a->step, "no usable NAPTR record: SRV for each supported transport "
			  "(RFC 3263 §4.1)");
}

static void after_naptr(struct resolution *r)
{
	if (r->loc->hosts_only) {
		rsip_transport tp = fallback_transport(&r->policy, r->loc->uri.sips);
		if (tp == 0)
			loc_no_transport(r);
		else
			plan_host(r, tp, -1);
		return;
	}
	if (r->loc->via_naptr)
		ask_srvs(r);
	else
		srv_fallback(r);
}

/* ---- start ---------------------------------------------------------- */

void locate_start(struct resolution *r, const char *uri, phase_done_fn done)
{
	struct locate *loc;
	char err[RSIP_ERRLEN], buf[64];
	rsip_transport tp = 0;

	locate_free(r->loc);
	loc = r->loc = calloc(1, sizeof(*loc));
	if (loc == NULL) {
		done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	loc->done = done;
	loc->naptr_dnssec = RSIP_DNSSEC_SECURE;
	if (sip_uri_parse(uri, &loc->uri, err, sizeof(err)) != RSIP_OK) {
		loc_done(r, RSIP_E_BAD_INPUT, "%s", err);
		return;
	}
	/* The URI being located; a malformed one is never "located". */
	if (result_set_uri(r->res, uri) != 0) {
		loc_done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	/* RFC 3263 §4: the TARGET is maddr when present, else the host. */
	loc->target = loc->uri.maddr ? loc->uri.maddr : loc->uri.host;
	loc->ttype = loc->uri.maddr ? loc->uri.maddr_type : loc->uri.host_type;
	if (asprintf(&loc->target_abs, "%s.", loc->target) < 0) {
		loc_done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	if (loc->uri.transport != NULL) {
		tp = loc->tp_param = param_transport(loc->uri.transport, loc->uri.sips);
		if (tp == 0 || !policy_supports(&r->policy, tp)) {
			loc_done(r, RSIP_E_NO_TRANSPORT, "transport=%s is not supported here (%s)",
				 loc->uri.transport, supported_list(&r->policy, buf, sizeof(buf)));
			return;
		}
	}
	if (loc->ttype != SIP_HOST_NAME) {
		/* RFC 3263 §4.1-4.2: a numeric TARGET needs no DNS: the transport
		 * parameter, else UDP for sip and TCP (TLS) for sips; the URI's
		 * port, else the default. */
		rsip_target t;
		unsigned fam = loc->ttype == SIP_HOST_IPV6 ? RSIP_FAMILY_IPV6 : RSIP_FAMILY_IPV4;
		if (tp == 0)
			tp = fallback_transport(&r->policy, loc->uri.sips);
		if (tp == 0) {
			loc_no_transport(r);
			return;
		}
		if ((r->policy.families & fam) == 0) {
			loc_done(r, RSIP_E_NO_TRANSPORT,
				 "%s is an %s address, and that family is excluded", loc->target,
				 fam == RSIP_FAMILY_IPV6 ? "IPv6" : "IPv4");
			return;
		}
		memset(&t, 0, sizeof(t));
		t.transport = tp;
		t.family = fam;
		snprintf(t.address, sizeof(t.address), "%s", loc->target);
		t.port = loc->uri.port > 0 ? (uint16_t)loc->uri.port : default_port(tp);
		t.source = RSIP_SOURCE_NUMERIC;
		t.dnssec = RSIP_DNSSEC_INDETERMINATE;
		if (result_add_target(r->res, &t, NULL) != 0)
			loc_done(r, RSIP_E_NOMEM, "out of memory");
		else
			loc_done(r, RSIP_OK, NULL);
		return;
	}
	if (loc->uri.port > 0) {
		/* RFC 3263 §4.1-4.2: an explicit port means A/AAAA only, never SRV. */
		if (tp == 0)
			tp = fallback_transport(&r->policy, loc->uri.sips);
		if (tp == 0) {
			loc_no_transport(r);
			return;
		}
		plan_host(r, tp, loc->uri.port);
		return;
	}
	if (tp != 0) {
		/* RFC 3263 §4.2: transport given, no port: SRV for that transport
		 * (TLS: _sips._tcp, also for transport=tls), then A/AAAA. */
		char *name;
		if (asprintf(&name, "%s.%s", srv_label(tp), loc->target_abs) < 0 ||
		    add_srv_lookup(loc, name, tp) != 0) {
			free(name);
			loc_done(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
		free(name);
		ask_srvs(r);
		return;
	}
	/* RFC 3263 §4.1: no transport, no port: NAPTR first. */
	if (query_ask(r, loc->target_abs, LDNS_RR_TYPE_NAPTR, on_naptr, NULL) == RSIP_OK)
		r->advance = after_naptr;
}
