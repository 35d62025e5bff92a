/* enumwalk.c - RFC 6116 ENUM resolution driven by DNS answers: E.164 AUS,
 * one NAPTR question per suffix, every record validated before ordering
 * (§3.4.2, §3.4.3, §5.2), the DDDS rules of ddds.c applied in order (RFC 3403
 * §4.1), a rule of an enumservice the client does not use passed over (RFC
 * 3402 §3.3 step 4), non-terminal rules followed (§5.2.1); the walk reports
 * the SIP URIs it found to its caller, which locates them in turn (resolve.c)
 * and tells the walk which one gave targets.
 *
 * AMBIG (doc/DESIGN.md §4): ;npdi, ;rn and ;cic (RFC 4694) are number
 * portability and carrier data for the PSTN side; ENUM's AUS is the number
 * itself (RFC 6116 §3.1), and no number-portability dip is made here. */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* RFC 6116 §5.2.1: more than 5 non-terminal hops MAY be treated as a loop;
 * the bound is the context's RSIP_LIMIT_NAPTR_HOPS (default 5), at most
 * RSIP_NAPTR_HOPS_MAX. */
#define MAX_NONTERMINAL_HOPS RSIP_NAPTR_HOPS_MAX

/* What validation made of one rule of a frame. */
struct rule_state {
	struct naptr_rec *rec;       /* the result's record */
	struct ddds_subst *subst;    /* compiled regexp (a cache reference), or NULL */
	enum enum_service_kind kind;
	bool valid;                  /* passed validation (RFC 6116 §5.2) */
	char *reason;                /* why not, until the record is reported */
};

/* The rules found at one key, being walked. */
struct frame {
	char *key;                 /* absolute */
	struct ddds_rule *rules;   /* in the order they are considered */
	struct rule_state *st;     /* same index */
	size_t n, next;            /* rules and the cursor */
	size_t nvalid;             /* rules that passed validation */
	bool matched;              /* a rule of this set the client uses matched... */
	uint16_t matched_order;    /* ...with this ORDER */
	bool passed_over;          /* a rule matched that the client does not use,
				      here or below (RFC 3402 §3.3 step 4) */
	size_t uris_before;        /* SIP URIs collected when this set started */
	struct naptr_rec *via;     /* the non-terminal record that led here */
	bool looped;               /* a rule here or below looped or hopped too far */
};

struct suffix_answer {
	char *domain;
	struct ddds_rule *rules;
	size_t n;
	bool nxdomain, failed, answered;
	bool timed_out;
	char *failure;          /* how its question failed */
	struct step_rec *step;  /* the step of its question */
};

/* A SIP URI to locate, with the non-terminal records that led to it. */
struct uri_entry {
	struct naptr_rec *rec;
	struct naptr_rec *via[MAX_NONTERMINAL_HOPS];
	size_t nvia;
};

struct enum_walk {
	struct tel_uri tel;
	char aus[64];
	struct suffix_answer *sfx;
	size_t nsfx, cur_sfx;
	struct frame stack[MAX_NONTERMINAL_HOPS + 1];
	size_t depth;              /* frames on the stack */
	bool loop_seen;            /* a non-terminal rule looped or hopped too far */
	bool limit_seen;           /* a rule was dropped at a cost limit */
	bool nt_failed;            /* a non-terminal key could not be asked */
	bool passed_over;          /* some rule matched but was not used for its
				      enumservice (RFC 3402 §3.3 step 4) */
	struct rsip_vec uris;      /* struct uri_entry *: the SIP URIs in try order */
	phase_done_fn done;        /* the caller's: the walk is over */
};

static void frame_clear(struct frame *f)
{
	free(f->key);
	ddds_rules_free(f->rules, f->n);
	if (f->st != NULL) {
		for (size_t i = 0; i < f->n; i++) {
			ddds_subst_free(f->st[i].subst);
			free(f->st[i].reason);
		}
	}
	free(f->st);
	memset(f, 0, sizeof(*f));
}

void enum_walk_free(struct enum_walk *w)
{
	if (w == NULL)
		return;
	tel_uri_clear(&w->tel);
	for (size_t i = 0; i < w->nsfx; i++) {
		free(w->sfx[i].domain);
		free(w->sfx[i].failure);
		ddds_rules_free(w->sfx[i].rules, w->sfx[i].n);
	}
	free(w->sfx);
	for (size_t i = 0; i < w->depth; i++)
		frame_clear(&w->stack[i]);
	rsip_vec_clear(&w->uris, free);
	free(w);
}

static void walk_rules(struct resolution *r);

/* The walk is over: tell the caller, with a sentence (printf format) unless
 * it gave SIP URIs. */
static void walk_end(struct resolution *r, rsip_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void walk_end(struct resolution *r, rsip_status st, const char *fmt, ...)
{
	char *why = NULL;
	va_list ap;
	if (fmt != NULL) {
		va_start(ap, fmt);
		if (vasprintf(&why, fmt, ap) < 0)
			why = NULL;
		va_end(ap);
	}
	r->walk->done(r, st, why);
	free(why);
}

/* ------------------------------------------------------------------ */
/* Reading the records                                                 */

/* Every NAPTR record of an answer as a DDDS rule, in DNS order, the ones that
 * cannot be read faithfully included (with their defect): they are reported
 * and dropped, never silently lost (RFC 6116 §5.2). */
static rsip_status naptr_rules(const struct dns_answer *a, struct ddds_rule **rules,
			       size_t *count)
{
	return answer_naptr_rules(a, DNS_NAPTR_KEEP_DEFECTIVE, rules, count);
}

/* ------------------------------------------------------------------ */
/* Rule sets                                                           */

/* RFC 3764 §4 and RFC 3824 §7: among records of the same ORDER and PREFERENCE
 * the client picks at random; they are put in a random order here, drawn from
 * the context's generator (reproducible with its seed).  rules is already
 * sorted, so the ties are runs. */
static void shuffle_ties(struct rsip_rng *rng, struct ddds_rule *rules, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i + 1;

		while (j < n && rules[j].order == rules[i].order &&
		       rules[j].preference == rules[i].preference)
			j++;
		for (size_t m = j - 1; m > i; m--) {
			size_t pick = i + (size_t)rsip_rng_below(rng, m - i + 1);
			struct ddds_rule t = rules[m];

			rules[m] = rules[pick];
			rules[pick] = t;
		}
		i = j;
	}
}

/* Push the rules found at key as a new frame (taking rules).  Every record
 * is validated first, in DNS order, before ordering (RFC 6116 §3.4.2,
 * §5.2: a bad record is dropped and reported, the others go on); then they
 * are sorted (RFC 3403 §4.1), ties shuffled, and reported in that order. */
static int push_frame(struct resolution *r, const char *key, struct ddds_rule *rules,
		      size_t n, struct naptr_rec *via, struct step_rec *step)
{
	struct enum_walk *w = r->walk;
	struct frame *f = &w->stack[w->depth];
	struct rule_state *by_dns = NULL;
	char err[RSIP_ERRLEN];
	int rc = -1;

	memset(f, 0, sizeof(*f));
	w->depth++;
	f->rules = rules;
	f->n = n;
	f->via = via;
	f->uris_before = w->uris.n;
	f->key = rsip_strdup(key);
	if (f->key == NULL || (n > 0 && ((f->st = calloc(n, sizeof(*f->st))) == NULL ||
					 (by_dns = calloc(n, sizeof(*by_dns))) == NULL)))
		goto done;
	for (size_t i = 0; i < n; i++) {
		struct rule_state *s = &by_dns[i];
		rsip_status st;

		rules[i].dns_index = i;
		err[0] = '\0';
		st = enum_rule_check(&rules[i], r->enumsvc, &s->kind, &s->subst, err,
				     sizeof(err));
		if (st == RSIP_E_NOMEM)
			goto done;
		s->valid = st == RSIP_OK;
		if (!s->valid && (s->reason = rsip_strdup(err)) == NULL)
			goto done;
	}
	ddds_sort(rules, n);
	shuffle_ties(r->rng, rules, n);
	for (size_t i = 0; i < n; i++) {
		struct rule_state *s = &f->st[i];

		*s = by_dns[rules[i].dns_index];
		memset(&by_dns[rules[i].dns_index], 0, sizeof(*s));
		if ((s->rec = result_add_enum_record(r->res, &rules[i])) == NULL)
			goto done;
		naptr_rec_at(s->rec, step, rules[i].answer_index); /* rsip_step.answer_on_path */
		if (s->valid) {
			f->nvalid++;
		} else {
			naptr_rec_set(s->rec, NULL, RSIP_VERDICT_INVALID, s->reason);
			free(s->reason);
			s->reason = NULL;
		}
	}
	if (via != NULL && result_place_enum_records(r->res, via, n) != 0)
		goto done;
	rc = 0;
done:
	if (by_dns != NULL) {
		for (size_t i = 0; i < n; i++) {
			ddds_subst_free(by_dns[i].subst);
			free(by_dns[i].reason);
		}
		free(by_dns);
	}
	return rc;
}

static bool key_on_path(const struct enum_walk *w, const char *key)
{
	for (size_t i = 0; i < w->depth; i++)
		if (rsip_strcasecmp(w->stack[i].key, key) == 0)
			return true;
	return false;
}

/* The non-terminal record being followed from the frame on top. */
static struct naptr_rec *followed_rec(struct enum_walk *w)
{
	struct frame *p = &w->stack[w->depth - 1];

	return p->st[p->next - 1].rec;
}

/* Answer to a non-terminal rule's NAPTR question: its rules become the next
 * frame (RFC 6116 §5.2.1); a key with nothing is a dead end, and the walk
 * goes on in the referring set. */
static void on_nonterminal(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct enum_walk *w = r->walk;
	struct naptr_rec *rec = followed_rec(w);
	struct ddds_rule *rules;
	char why[RSIP_ERRLEN];
	size_t n;
	(void)arg;

	if (naptr_rules(a, &rules, &n) != RSIP_OK) {
		walk_end(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	if (answer_failed(a) && failure_ends(r)) {
		/* The next key's rules are unknown, not absent: the walk does
		 * not go on in the referring set past them (RFC 3402 §3.3 goes
		 * on only when a rule gives no match). */
		free(rules);
		walk_end(r, answer_failure_status(a), "the NAPTR question for %s, the "
			 "next key of a non-terminal ENUM rule, failed (%s)", a->qname,
			 a->failure);
		return;
	}
	if (n == 0) {
		if (answer_failed(a)) {
			w->nt_failed = true;
			snprintf(why, sizeof(why), "non-terminal: the next key %s could not be "
				 "asked (%s)", a->qname, rcode_name(a->rcode));
		} else {
			snprintf(why, sizeof(why), "non-terminal: the next key %s %s; the walk "
				 "goes on in this set (RFC 6116 §5.2.1)", a->qname,
				 answer_nxdomain(a) ? "does not exist (NXDOMAIN)" :
				 "holds no NAPTR record");
		}
		naptr_rec_set(rec, naptr_rec_result(rec), RSIP_VERDICT_INVALID, why);
		step_note(a->step, "dead end: the walk continues in %s (RFC 6116 §5.2.1)",
			  w->stack[w->depth - 1].key);
		free(rules);
		return;
	}
	step_note(a->step, "%zu rule%s at the next key", n, n == 1 ? "" : "s");
	if (push_frame(r, a->qname, rules, n, rec, a->step) != 0)
		walk_end(r, RSIP_E_NOMEM, "out of memory");
}

/* A terminal rule that matched, of no enumservice the client uses: its
 * verdict (not-sip) says it was passed over for its service. */
static void pass_over(struct naptr_rec *rec, const char *out, const char *services)
{
	char why[RSIP_ERRLEN];
	/* RFC 6116 §3.4.3: "E2U+a+b" names two enumservices */
	bool compound = rsip_strncasecmp(services, "E2U+", 4) == 0 &&
			strchr(services + 4, '+') != NULL;

	snprintf(why, sizeof(why), compound ? "no enumservice of %.120s is one this client "
		 "uses; the walk goes on (RFC 3402 §3.3)" : "enumservice %.120s is not one this "
		 "client uses; the walk goes on (RFC 3402 §3.3)", services);
	naptr_rec_set(rec, out, RSIP_VERDICT_NOT_SIP, why);
}

/* Apply one valid terminal rule to the AUS (RFC 3402 §3: always the
 * original AUS). */
static void apply_terminal(struct resolution *r, struct frame *f, size_t i)
{
	struct enum_walk *w = r->walk;
	struct ddds_rule *rule = &f->rules[i];
	struct rule_state *s = &f->st[i];
	char err[RSIP_ERRLEN], *out = NULL;
	struct uri_entry *u;
	rsip_status st;
	bool empty;

	err[0] = '\0';
	st = ddds_rule_apply(rule, s->subst, w->aus, &r->limits.ddds, &out, &empty, err,
			     sizeof(err));
	if (st == RSIP_E_NOT_FOUND) {
		/* no match, or an empty result: the next rule (RFC 3402 §3.3) */
		naptr_rec_set(s->rec, NULL, RSIP_VERDICT_NO_MATCH,
			      empty ? err : NULL);
		return;
	}
	if (st == RSIP_E_NOMEM) {
		walk_end(r, st, "out of memory");
		return;
	}
	if (st != RSIP_OK) {
		/* RFC 6116 §5.2: a rule that cannot be applied (match limit...)
		 * is dropped; it is no match.  A regexp or output
		 * limit drops this rule only. */
		if (st == RSIP_E_LIMIT)
			w->limit_seen = true;
		naptr_rec_set(s->rec, NULL, RSIP_VERDICT_INVALID, err);
		return;
	}
	st = enum_result_check(s->kind, out, err, sizeof(err));
	if (st != RSIP_OK) {
		/* A result that is no URI is a bad record, not a match. */
		if (st == RSIP_E_NOMEM)
			walk_end(r, st, "out of memory");
		else
			naptr_rec_set(s->rec, out, RSIP_VERDICT_INVALID, err);
		free(out);
		return;
	}
	if (s->kind != ENUM_SERVICE_SIP) {
		/* RFC 3402 §3.3 step 4, RFC 3403 §4.1: a rule whose service does
		 * not meet the client's requirements is passed over, back to
		 * step 3; it is no match, so it sets no ORDER. */
		pass_over(s->rec, out, rule->services);
		f->passed_over = true;
		w->passed_over = true;
		free(out);
		return;
	}
	/* RFC 3403 §4.1: a rule the client uses matched; other ORDERs are not
	 * considered. */
	f->matched = true;
	f->matched_order = rule->order;
	naptr_rec_set(s->rec, out, RSIP_VERDICT_FALLBACK, NULL);
	free(out);
	u = calloc(1, sizeof(*u));
	if (u == NULL || rsip_vec_push(&w->uris, u) != 0) {
		free(u);
		walk_end(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	u->rec = s->rec;
	for (size_t k = 1; k < w->depth; k++)
		u->via[u->nvia++] = w->stack[k].via;
}

/* The frame on top is walked: pop it, and tell its referring record what
 * came of it (RFC 6116 §5.2.1). */
static void frame_done(struct resolution *r)
{
	struct enum_walk *w = r->walk;
	struct frame *f = &w->stack[w->depth - 1];
	bool gave_sip = w->uris.n > f->uris_before, matched = f->matched, looped = f->looped;
	bool passed = f->passed_over;
	size_t nvalid = f->nvalid;
	char key[RSIP_ERRLEN], why[2 * RSIP_ERRLEN];
	rsip_verdict verdict;
	struct frame *p;

	snprintf(key, sizeof(key), "%s", f->key);
	frame_clear(f);
	w->depth--;
	if (w->depth == 0)
		return;
	p = &w->stack[w->depth - 1];
	if (gave_sip || matched) {
		/* a sub-walk that gave a result counts as its referring rule
		 * matching (RFC 3403 §4.1, within the referring set) */
		p->matched = true;
		p->matched_order = p->rules[p->next - 1].order;
	}
	if (gave_sip) {
		verdict = RSIP_VERDICT_FALLBACK;
		snprintf(why, sizeof(why), "non-terminal: followed to %s", key);
	} else if (passed) {
		/* RFC 3402 §3.3 step 4: what matched below is of no enumservice
		 * the client uses, so this rule is passed over too, and sets no
		 * ORDER in the referring set. */
		p->passed_over = true;
		p->looped = p->looped || looped;
		verdict = RSIP_VERDICT_NOT_SIP;
		snprintf(why, sizeof(why), "non-terminal: the rules at %s give no URI of an "
			 "enumservice this client uses; the walk goes on in this set (RFC 3402 "
			 "§3.3)", key);
	} else if (looped) {
		/* RFC 6116 §5.2.1: on a loop, skip the record and continue in
		 * the referring set */
		p->looped = true;
		verdict = RSIP_VERDICT_INVALID;
		snprintf(why, sizeof(why), "non-terminal: the rules at %s loop or hop too far; "
			 "the walk goes on in this set (RFC 6116 §5.2.1)", key);
	} else if (nvalid == 0) {
		verdict = RSIP_VERDICT_INVALID;
		snprintf(why, sizeof(why), "non-terminal: every record at %s was discarded; "
			 "the walk goes on in this set (RFC 6116 §5.2.1)", key);
	} else {
		verdict = RSIP_VERDICT_NO_MATCH;
		snprintf(why, sizeof(why), "non-terminal: no rule at %s gave a result; the "
			 "walk goes on in this set (RFC 6116 §5.2.1)", key);
	}
	naptr_rec_set(followed_rec(w), NULL, verdict, why);
}

/* The walk found no SIP URI under any suffix: say why. */
static void walk_failed(struct resolution *r)
{
	struct enum_walk *w = r->walk;
	bool any_nx = true, any_failed = false, any_records = result_enum_record_count(r->res) > 0;
	char use[RSIP_ERRLEN];

	for (size_t s = 0; s < w->nsfx; s++) {
		any_nx = any_nx && w->sfx[s].nxdomain;
		any_failed = any_failed || w->sfx[s].failed;
	}
	if (w->loop_seen)
		walk_end(r, RSIP_E_LOOP, "the ENUM rules of %s loop or hop too "
			 "far (RFC 6116 §5.2.1)", w->aus);
	else if (w->limit_seen)
		walk_end(r, RSIP_E_LIMIT, "no ENUM rule of %s gives a SIP URI "
			 "within the regexp cost and output limits", w->aus);
	else if (any_failed && !any_records)
		walk_end(r, RSIP_E_DNS_FAILURE, "the ENUM question for %s "
			 "failed", w->aus);
	else if (w->nt_failed)
		walk_end(r, RSIP_E_DNS_FAILURE, "a non-terminal ENUM rule of %s "
			 "leads to a key that could not be asked", w->aus);
	else if (any_nx)
		walk_end(r, RSIP_E_NOT_FOUND, "%s has no ENUM entry "
			 "(%s does not exist)", w->aus, w->sfx[0].domain);
	else if (!any_records)
		walk_end(r, RSIP_E_NOT_FOUND, "%s has no NAPTR record under "
			 "%s", w->aus, w->sfx[0].domain);
	else if (w->passed_over)
		walk_end(r, RSIP_E_NOT_FOUND, "no ENUM rule of %s gives a SIP URI of "
			 "an enumservice this client uses (%s; RFC 3402 §3.3)", w->aus,
			 enum_services_text(r->enumsvc, use, sizeof(use)));
	else
		walk_end(r, RSIP_E_NOT_FOUND, "no ENUM rule of %s gives a SIP "
			 "URI", w->aus);
}

/* The walk of a suffix gave SIP URIs: list them, report the later suffixes'
 * records as not reached, and locate the first URI. */
static void walk_succeeded(struct resolution *r)
{
	struct enum_walk *w = r->walk;

	for (size_t i = 0; i < w->uris.n; i++) {
		struct uri_entry *u = w->uris.items[i];

		if (result_add_enum_uri(r->res, naptr_rec_result(u->rec)) != 0) {
			walk_end(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
	}
	/* The first suffix in list order that gives a SIP URI wins; the later
	 * ones were asked at once but are not used. */
	for (size_t s = w->cur_sfx + 1; s < w->nsfx; s++) {
		struct suffix_answer *sa = &w->sfx[s];

		ddds_sort(sa->rules, sa->n);
		for (size_t i = 0; i < sa->n; i++) {
			struct naptr_rec *rec = result_add_enum_record(r->res, &sa->rules[i]);

			if (rec != NULL)
				naptr_rec_set(rec, NULL, RSIP_VERDICT_NOT_REACHED,
					      "an earlier ENUM suffix gave a SIP URI");
		}
	}
	walk_end(r, RSIP_OK, NULL);
}

/* Walk the rule sets on the stack until a non-terminal rule needs a DNS
 * answer, or the suffix's walk is over. */
static void walk_rules(struct resolution *r)
{
	struct enum_walk *w = r->walk;

	while (w->depth > 0 && !r->finished) {
		struct frame *f = &w->stack[w->depth - 1];
		struct ddds_rule *rule;
		struct rule_state *s;

		if (f->next == f->n) {
			frame_done(r);
			continue;
		}
		rule = &f->rules[f->next];
		s = &f->st[f->next];
		f->next++;
		if (!s->valid)
			continue; /* dropped before ordering, already reported */
		if (f->matched && rule->order != f->matched_order) {
			naptr_rec_set(s->rec, NULL, RSIP_VERDICT_NOT_REACHED,
				      "another ORDER matched first (RFC 3403 §4.1)");
			continue;
		}
		if (!ddds_rule_terminal(rule)) {
			/* RFC 6116 §5.2.1: non-terminal; the replacement is the
			 * next key; Regexp and Services are ignored. */
			if (key_on_path(w, rule->replacement)) {
				w->loop_seen = true;
				f->looped = true;
				naptr_rec_set(s->rec, rule->replacement, RSIP_VERDICT_INVALID,
					      "non-terminal rule loops back to a key already "
					      "on the path; the walk goes on in this set "
					      "(RFC 6116 §5.2.1)");
				result_note_last_step(r->res, "%s not followed: a loop "
						      "(RFC 6116 §5.2.1)", rule->replacement);
				continue;
			}
			if (w->depth > r->limits.naptr_hops) {
				char why[96];
				w->loop_seen = true;
				f->looped = true;
				snprintf(why, sizeof(why), "more than %u non-terminal hops: "
					 "taken as a loop (RFC 6116 §5.2.1)",
					 r->limits.naptr_hops);
				naptr_rec_set(s->rec, rule->replacement, RSIP_VERDICT_INVALID, why);
				result_note_last_step(r->res, "%s not followed: %s",
						      rule->replacement, why);
				continue;
			}
			naptr_rec_set(s->rec, rule->replacement, RSIP_VERDICT_NO_MATCH,
				      "non-terminal: following the next key");
			if (query_ask(r, rule->replacement, LDNS_RR_TYPE_NAPTR, on_nonterminal,
				      NULL) == RSIP_OK)
				r->advance = walk_rules;
			return;
		}
		apply_terminal(r, f, f->next - 1);
	}
	if (r->finished)
		return;
	/* The walk of this suffix is over. */
	if (w->uris.n > 0) {
		walk_succeeded(r);
		return;
	}
	/* Next suffix, if any. */
	for (w->cur_sfx++; w->cur_sfx < w->nsfx; w->cur_sfx++) {
		struct suffix_answer *sa = &w->sfx[w->cur_sfx];
		struct ddds_rule *rules = sa->rules;
		size_t n = sa->n;

		if (sa->failed) {
			/* A failed question says nothing of the suffix's records:
			 * a later suffix's URI must not stand in for them
			 * (RFC 3263 §7; RFC 3402 §3.3 goes to the next rule only
			 * on an answer). */
			if (failure_ends(r)) {
				rsip_status st = sa->timed_out ? RSIP_E_TIMEOUT :
						 RSIP_E_DNS_FAILURE;
				walk_end(r, st, "the ENUM question %s NAPTR failed "
					 "(%s): no later suffix is used in its place",
					 sa->domain, sa->failure);
				return;
			}
			result_note(r->res, "the ENUM question %s NAPTR failed (%s): taken as no "
				    "record, the failure policy is fallback", sa->domain,
				    sa->failure);
		}
		if (n == 0)
			continue;
		sa->rules = NULL;
		sa->n = 0;
		if (push_frame(r, sa->domain, rules, n, NULL, sa->step) != 0) {
			walk_end(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
		walk_rules(r);
		return;
	}
	walk_failed(r);
}

size_t enum_walk_uri_count(const struct enum_walk *w)
{
	return w->uris.n;
}

const char *enum_walk_uri(const struct enum_walk *w, size_t i)
{
	const struct uri_entry *u = w->uris.items[i];
	return naptr_rec_result(u->rec);
}

rsip_status enum_walk_uri_chosen(struct enum_walk *w, size_t i)
{
	struct uri_entry *u = w->uris.items[i];

	naptr_rec_set(u->rec, NULL, RSIP_VERDICT_SELECTED, NULL);
	if (naptr_rec_mark(u->rec) != 0)
		return RSIP_E_NOMEM;
	/* the non-terminal records on its path led to it */
	for (size_t k = 0; k < u->nvia; k++) {
		naptr_rec_set(u->via[k], NULL, RSIP_VERDICT_SELECTED, naptr_rec_reason(u->via[k]));
		if (naptr_rec_mark(u->via[k]) != 0)
			return RSIP_E_NOMEM;
	}
	return RSIP_OK;
}

void enum_walk_uri_no_target(struct enum_walk *w, size_t i, const char *why)
{
	struct uri_entry *u = w->uris.items[i];
	naptr_rec_set(u->rec, NULL, RSIP_VERDICT_NO_TARGET, why);
}

static void on_suffix(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct suffix_answer *sa = &r->walk->sfx[(size_t)(uintptr_t)arg];
	sa->answered = true;
	sa->step = a->step;
	sa->nxdomain = answer_nxdomain(a);
	sa->failed = answer_failed(a);
	sa->timed_out = a->timed_out;
	if (sa->failed && (sa->failure = rsip_strdup(a->failure)) == NULL) {
		walk_end(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	if (naptr_rules(a, &sa->rules, &sa->n) != RSIP_OK)
		walk_end(r, RSIP_E_NOMEM, "out of memory");
	else if (sa->n == 0)
		step_note(a->step, sa->nxdomain ? "no ENUM entry here (NXDOMAIN)" :
			  "no NAPTR record here");
}

static void after_suffixes(struct resolution *r)
{
	struct enum_walk *w = r->walk;
	w->cur_sfx = (size_t)-1;
	w->depth = 0;
	/* walk_rules' "next suffix" step starts at cur_sfx + 1 = 0. */
	walk_rules(r);
}

void enum_walk_start(struct resolution *r, const char *input, const struct rsip_vec *suffixes,
		     phase_done_fn done)
{
	struct enum_walk *w;
	char err[RSIP_ERRLEN];
	rsip_status st;

	w = r->walk = calloc(1, sizeof(*w));
	if (w == NULL) {
		done(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	w->done = done;
	st = tel_parse(input, &w->tel, err, sizeof(err));
	if (st != RSIP_OK) {
		walk_end(r, st, "%s", st == RSIP_E_NOMEM ? "out of memory" : err);
		return;
	}
	if (tel_to_aus(&w->tel, w->aus, sizeof(w->aus), err, sizeof(err)) != RSIP_OK) {
		walk_end(r, RSIP_E_BAD_INPUT, "%s", err);
		return;
	}
	/* ENUM applies from here on: the result carries its details. */
	if (result_begin_enum(r->res, w->aus) != 0) {
		walk_end(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	if (w->tel.enumdi) {
		/* RFC 4759: the ENUM query is already done; never repeat it. */
		walk_end(r, RSIP_E_NOT_FOUND, "%s carries ;enumdi: ENUM was "
			 "already done (RFC 4759), so no ENUM question is asked", input);
		return;
	}
	w->sfx = calloc(suffixes->n, sizeof(*w->sfx));
	if (w->sfx == NULL) {
		walk_end(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	w->nsfx = suffixes->n;
	/* Every suffix is asked at once; the first in list order that gives a
	 * SIP URI wins. */
	for (size_t i = 0; i < w->nsfx; i++) {
		char domain[512];
		if (enum_domain(w->aus, suffixes->items[i], domain, sizeof(domain)) !=
		    RSIP_OK) {
			walk_end(r, RSIP_E_BAD_INPUT, "%s under %s is not a domain name",
				 w->aus, (char *)suffixes->items[i]);
			return;
		}
		w->sfx[i].domain = rsip_strdup(domain);
		if (w->sfx[i].domain == NULL ||
		    result_add_enum_domain(r->res, domain) != 0) {
			walk_end(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
	}
	for (size_t i = 0; i < w->nsfx; i++)
		if (query_ask(r, w->sfx[i].domain, LDNS_RR_TYPE_NAPTR, on_suffix,
			      (void *)(uintptr_t)i) != RSIP_OK)
			return;
	r->advance = after_suffixes;
}
