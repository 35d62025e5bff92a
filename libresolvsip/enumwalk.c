/* enumwalk.c - RFC 6116 ENUM resolution driven by DNS answers: E.164 AUS,
 * one NAPTR question per suffix, the DDDS rules of ddds.c applied in order,
 * non-terminal rules followed (RFC 6116 §5.2.1), then the SIP URIs located
 * in turn through RFC 3263 (locate.c). */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* RFC 6116 §5.2.1: more than 5 non-terminal hops MAY be treated as a loop;
 * the bound is the context's RSIP_LIMIT_NAPTR_HOPS (default 5), at most
 * RSIP_NAPTR_HOPS_MAX. */
#define MAX_NONTERMINAL_HOPS RSIP_NAPTR_HOPS_MAX

/* The rules found at one key, being walked. */
struct frame {
	char *key;                 /* absolute */
	struct ddds_rule *rules;   /* sorted (RFC 3403 §4.1) */
	struct naptr_rec **recs;   /* the result's record for each rule */
	size_t n, next;            /* rules and the cursor */
	bool matched;              /* a rule of this set matched... */
	uint16_t matched_order;    /* ...with this ORDER */
	size_t uris_before;        /* SIP URIs collected when this set started */
};

struct suffix_answer {
	char *domain;
	struct ddds_rule *rules;
	size_t n;
	bool nxdomain, failed, answered;
};

struct enum_walk {
	struct tel_uri tel;
	char aus[64];
	struct suffix_answer *sfx;
	size_t nsfx, cur_sfx;
	struct frame stack[MAX_NONTERMINAL_HOPS + 1];
	size_t depth;              /* frames on the stack */
	bool loop_seen;
	bool limit_seen;           /* a rule was dropped at a cost limit */
	struct rsip_vec uri_recs;  /* struct naptr_rec *: one per SIP URI */
	struct rsip_vec uri_keys;  /* uint32 (order<<16|pref) per SIP URI, boxed */
	size_t next_uri;           /* the SIP URI being located */
};

static void frame_clear(struct frame *f)
{
	free(f->key);
	ddds_rules_free(f->rules, f->n);
	free(f->recs);
	memset(f, 0, sizeof(*f));
}

void enum_walk_free(struct enum_walk *w)
{
	if (w == NULL)
		return;
	tel_uri_clear(&w->tel);
	for (size_t i = 0; i < w->nsfx; i++) {
		free(w->sfx[i].domain);
		ddds_rules_free(w->sfx[i].rules, w->sfx[i].n);
	}
	free(w->sfx);
	for (size_t i = 0; i < w->depth; i++)
		frame_clear(&w->stack[i]);
	rsip_vec_clear(&w->uri_recs, NULL);
	rsip_vec_clear(&w->uri_keys, free);
	free(w);
}

static void walk_rules(struct resolution *r);
static void locate_next_uri(struct resolution *r);

/* Push the rules found at key as a new frame; records go into the result. */
static int push_frame(struct resolution *r, const char *key, struct ddds_rule *rules,
		      size_t n)
{
	struct enum_walk *w = r->walk;
	struct frame *f = &w->stack[w->depth];
	memset(f, 0, sizeof(*f));
	f->key = rsip_strdup(key);
	f->rules = rules;
	f->n = n;
	f->uris_before = w->uri_recs.n;
	if (f->key == NULL || (n > 0 && (f->recs = calloc(n, sizeof(*f->recs))) == NULL)) {
		w->depth++;
		return -1;
	}
	w->depth++;
	/* RFC 3403 §4.1, RFC 6116 §5.2: sort by ORDER then PREFERENCE; ties
	 * keep DNS order. */
	ddds_sort(rules, n);
	for (size_t i = 0; i < n; i++)
		if ((f->recs[i] = result_add_enum_record(r->res, &rules[i])) == NULL)
			return -1;
	return 0;
}

static bool key_on_path(const struct enum_walk *w, const char *key)
{
	for (size_t i = 0; i < w->depth; i++)
		if (rsip_strcasecmp(w->stack[i].key, key) == 0)
			return true;
	return false;
}

/* Answer to a non-terminal rule's NAPTR question: its rules become the next
 * frame (RFC 6116 §5.2.1). */
static void on_nonterminal(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct enum_walk *w = r->walk;
	struct frame *parent = &w->stack[w->depth - 1];
	struct naptr_rec *rec = parent->recs[parent->next - 1];
	struct ddds_rule *rules;
	size_t n;
	(void)arg;

	if (answer_naptr_rules(a, &rules, &n) != RSIP_OK) {
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	if (n == 0) {
		naptr_rec_set(rec, rec->result, RSIP_VERDICT_INVALID, answer_failed(a) ?
			      "non-terminal: the next key could not be asked" :
			      "non-terminal: the next key holds no NAPTR record");
		step_note(a->step, "dead end: the walk continues in %s (RFC 6116 §5.2.1)",
			  parent->key);
		ddds_rules_free(rules, n);
		return;
	}
	step_note(a->step, "%zu rule%s at the next key", n, n == 1 ? "" : "s");
	if (push_frame(r, a->qname, rules, n) != 0)
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
}

/* True when uri parses as a SIP URI (RFC 3261 §19.1); else the reason. */
static bool sip_uri_ok(const char *uri, char *err, size_t errlen)
{
	struct sip_uri u;
	char why[RSIP_ERRLEN];
	bool good = sip_uri_parse(uri, &u, why, sizeof(why)) == RSIP_OK;

	if (good)
		sip_uri_clear(&u);
	else
		rsip_seterr(err, errlen, "E2U+sip gave a malformed SIP URI: %s", why);
	return good;
}

/* Apply one terminal rule to the AUS (RFC 3402 §3: always the original AUS). */
static void apply_terminal(struct resolution *r, struct frame *f, size_t i)
{
	struct enum_walk *w = r->walk;
	struct ddds_rule *rule = &f->rules[i];
	struct naptr_rec *rec = f->recs[i];
	enum enum_service_kind kind = enum_service_classify(rule->services);
	struct ddds_subst *subst = NULL;
	char err[RSIP_ERRLEN], *out = NULL;
	rsip_status st;

	if (kind == ENUM_SERVICE_INVALID || kind == ENUM_SERVICE_NOT_E2U) {
		/* RFC 6116 §3.4.3 and §3.7: not an E2U service, not ENUM. */
		snprintf(err, sizeof(err), "services \"%s\" is not an E2U enumservice "
			 "(RFC 6116 §3.4.3)", rule->services);
		naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, err);
		return;
	}
	if (ddds_subst_compile(rule->regexp, &subst, err, sizeof(err)) != RSIP_OK) {
		naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, err);
		return;
	}
	ddds_subst_set_limits(subst, &r->limits.ddds);
	st = ddds_subst_apply(subst, w->aus, &out, err, sizeof(err));
	ddds_subst_free(subst);
	if (st == RSIP_E_NOT_FOUND) {
		naptr_rec_set(rec, NULL, RSIP_VERDICT_NO_MATCH, NULL);
		return;
	}
	if (st != RSIP_OK) {
		/* Issue 8: a regexp or output limit drops this rule only. */
		if (st == RSIP_E_LIMIT)
			w->limit_seen = true;
		naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, err);
		return;
	}
	/* RFC 3403 §4.1: this rule matched; other ORDERs are not considered. */
	f->matched = true;
	f->matched_order = rule->order;
	if (kind != ENUM_SERVICE_SIP) {
		naptr_rec_set(rec, out, RSIP_VERDICT_NOT_SIP, NULL);
	} else if (rsip_strncasecmp(out, "sip:", 4) != 0 &&
		   rsip_strncasecmp(out, "sips:", 5) != 0) {
		/* RFC 3764 §4: E2U+sip yields a sip: or sips: AOR. */
		naptr_rec_set(rec, out, RSIP_VERDICT_INVALID,
			      "E2U+sip gave a URI that is not sip: or sips: (RFC 3764 §4)");
	} else if (!sip_uri_ok(out, err, sizeof(err))) {
		/* Issue 8: DNS data, not the user's input: a malformed result
		 * drops the rule (RFC 6116 §5.2), it is never "bad input". */
		naptr_rec_set(rec, out, RSIP_VERDICT_INVALID, err);
	} else {
		uint32_t *key = malloc(sizeof(*key));
		naptr_rec_set(rec, out, RSIP_VERDICT_FALLBACK, NULL);
		if (key == NULL || rsip_vec_push(&w->uri_keys, key) != 0 ||
		    rsip_vec_push(&w->uri_recs, rec) != 0) {
			free(key);
			resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		} else {
			*key = (uint32_t)rule->order << 16 | rule->preference;
		}
	}
	free(out);
}

/* RFC 3764 §4 / RFC 3824: among SIP URIs of the same ORDER and PREFERENCE
 * from one rule set, pick at random (reproducible with the context's seed). */
static void shuffle_ties(struct resolution *r, size_t from)
{
	struct enum_walk *w = r->walk;
	size_t i = from;
	while (i < w->uri_recs.n) {
		uint32_t k = *(uint32_t *)w->uri_keys.items[i];
		size_t j = i + 1;
		while (j < w->uri_recs.n && *(uint32_t *)w->uri_keys.items[j] == k)
			j++;
		for (size_t m = j - 1; m > i; m--) {
			size_t pick = i + (size_t)rsip_rng_below(&r->ctx->rng, m - i + 1);
			void *t = w->uri_recs.items[m];
			w->uri_recs.items[m] = w->uri_recs.items[pick];
			w->uri_recs.items[pick] = t;
			t = w->uri_keys.items[m];
			w->uri_keys.items[m] = w->uri_keys.items[pick];
			w->uri_keys.items[pick] = t;
		}
		i = j;
	}
}

/* Walk the rule sets on the stack until a non-terminal rule needs a DNS
 * answer, or the suffix's walk is over. */
static void walk_rules(struct resolution *r)
{
	struct enum_walk *w = r->walk;

	while (w->depth > 0 && !r->finished) {
		struct frame *f = &w->stack[w->depth - 1];
		struct ddds_rule *rule;
		struct naptr_rec *rec;
		if (f->next == f->n) {
			/* Set done; a sub-walk that gave URIs counts as its
			 * referring rule matching (RFC 6116 §5.2.1). */
			bool gave = w->uri_recs.n > f->uris_before || f->matched;
			shuffle_ties(r, f->uris_before);
			frame_clear(f);
			w->depth--;
			if (w->depth > 0 && gave) {
				struct frame *p = &w->stack[w->depth - 1];
				p->matched = true;
				p->matched_order = p->rules[p->next - 1].order;
				naptr_rec_set(p->recs[p->next - 1], NULL, RSIP_VERDICT_FALLBACK,
					      "non-terminal: followed to the next key");
			}
			continue;
		}
		rule = &f->rules[f->next];
		rec = f->recs[f->next];
		f->next++;
		if (f->matched && rule->order != f->matched_order) {
			naptr_rec_set(rec, NULL, RSIP_VERDICT_NOT_REACHED,
				      "another ORDER matched first (RFC 3403 §4.1)");
			continue;
		}
		if (!ddds_flags_valid(rule->flags)) {
			naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID,
				      "flags are not [A-Z0-9] (RFC 3403 §4.1)");
			continue;
		}
		if (!ddds_rule_has_one_rewrite(rule)) {
			naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, "regexp and replacement "
				      "must not both be set, nor both be empty (RFC 3403 §4.1)");
			continue;
		}
		if (rule->flags[0] == '\0') {
			/* RFC 6116 §5.2.1: non-terminal; the replacement is the
			 * next key; Regexp and Services are ignored. */
			if (strcmp(rule->replacement, ".") == 0) {
				naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, "non-terminal rule "
					      "without a replacement (RFC 6116 §5.2.1)");
				continue;
			}
			if (key_on_path(w, rule->replacement)) {
				w->loop_seen = true;
				naptr_rec_set(rec, rule->replacement, RSIP_VERDICT_INVALID,
					      "non-terminal rule loops back to a key already "
					      "on the path (RFC 6116 §5.2.1)");
				if (r->res->steps.n > 0)
					step_note(r->res->steps.items[r->res->steps.n - 1],
						  "%s not followed: a loop (RFC 6116 §5.2.1)",
						  rule->replacement);
				continue;
			}
			if (w->depth > r->limits.naptr_hops) {
				char why[96];
				w->loop_seen = true;
				snprintf(why, sizeof(why), "more than %u non-terminal hops: "
					 "taken as a loop (RFC 6116 §5.2.1)",
					 r->limits.naptr_hops);
				naptr_rec_set(rec, rule->replacement, RSIP_VERDICT_INVALID, why);
				if (r->res->steps.n > 0)
					step_note(r->res->steps.items[r->res->steps.n - 1],
						  "%s not followed: %s", rule->replacement, why);
				continue;
			}
			naptr_rec_set(rec, rule->replacement, RSIP_VERDICT_NO_MATCH,
				      "non-terminal: nothing usable below the next key");
			if (query_ask(r, rule->replacement, LDNS_RR_TYPE_NAPTR, on_nonterminal,
				      NULL) == RSIP_OK)
				r->advance = walk_rules;
			return;
		}
		if (rsip_strcasecmp(rule->flags, "u") != 0) {
			/* RFC 6116 §3.4.2: "u" is ENUM's only terminal flag. */
			naptr_rec_set(rec, NULL, RSIP_VERDICT_INVALID, "unknown flag for ENUM "
				      "(only \"u\" or none, RFC 6116 §3.4.2)");
			continue;
		}
		apply_terminal(r, f, f->next - 1);
	}
	if (r->finished)
		return;
	/* The walk of this suffix is over. */
	if (w->uri_recs.n > 0) {
		for (size_t i = 0; i < w->uri_recs.n; i++) {
			struct naptr_rec *rec = w->uri_recs.items[i];
			char *u = rsip_strdup(rec->result);
			if (u == NULL || rsip_vec_push(&r->res->enum_uris, u) != 0) {
				free(u);
				resolution_finish(r, RSIP_E_NOMEM, "out of memory");
				return;
			}
		}
		/* Later suffixes are not needed (the first in list order that
		 * gives a SIP URI wins). */
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
		w->next_uri = 0;
		locate_next_uri(r);
		return;
	}
	/* Next suffix, if any. */
	for (w->cur_sfx++; w->cur_sfx < w->nsfx; w->cur_sfx++) {
		struct suffix_answer *sa = &w->sfx[w->cur_sfx];
		if (sa->n == 0)
			continue;
		if (push_frame(r, sa->domain, sa->rules, sa->n) != 0) {
			sa->rules = NULL;
			sa->n = 0;
			resolution_finish(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
		sa->rules = NULL;
		sa->n = 0;
		walk_rules(r);
		return;
	}
	/* No suffix gave a SIP URI. */
	{
		bool any_nx = true, any_failed = false, any_records = r->res->enum_records.n > 0;
		for (size_t s = 0; s < w->nsfx; s++) {
			any_nx = any_nx && w->sfx[s].nxdomain;
			any_failed = any_failed || w->sfx[s].failed;
		}
		if (w->loop_seen)
			resolution_finish(r, RSIP_E_LOOP, "the ENUM rules of %s loop or hop too "
					  "far (RFC 6116 §5.2.1)", w->aus);
		else if (w->limit_seen)
			resolution_finish(r, RSIP_E_LIMIT, "no ENUM rule of %s gives a SIP URI "
					  "within the regexp cost and output limits", w->aus);
		else if (any_failed && !any_records)
			resolution_finish(r, RSIP_E_DNS_FAILURE, "the ENUM question for %s "
					  "failed", w->aus);
		else if (any_nx)
			resolution_finish(r, RSIP_E_NOT_FOUND, "%s has no ENUM entry "
					  "(%s does not exist)", w->aus, w->sfx[0].domain);
		else if (!any_records)
			resolution_finish(r, RSIP_E_NOT_FOUND, "%s has no NAPTR record under "
					  "%s", w->aus, w->sfx[0].domain);
		else
			resolution_finish(r, RSIP_E_NOT_FOUND, "no ENUM rule of %s gives a SIP "
					  "URI", w->aus);
	}
}

/* One located SIP URI is done: finish, or fall through to the next one. */
static void uri_located(struct resolution *r, rsip_status status, const char *why)
{
	struct enum_walk *w = r->walk;
	struct naptr_rec *rec = w->uri_recs.items[w->next_uri];
	if (status == RSIP_OK) {
		naptr_rec_set(rec, NULL, RSIP_VERDICT_SELECTED, NULL);
		resolution_finish(r, RSIP_OK, NULL);
		return;
	}
	naptr_rec_set(rec, NULL, RSIP_VERDICT_NO_TARGET, why);
	if (status == RSIP_E_NOMEM || status == RSIP_E_LIMIT ||
	    w->next_uri + 1 >= w->uri_recs.n ||
	    w->next_uri + 1 >= r->limits.max_enum_uris) {
		/* Issue 8: say so when the limit, not the list, ended it. */
		if (w->next_uri + 1 < w->uri_recs.n && status != RSIP_E_NOMEM &&
		    status != RSIP_E_LIMIT && r->res->steps.n > 0)
			step_note(r->res->steps.items[r->res->steps.n - 1], "%u SIP URIs from "
				  "ENUM tried (RSIP_LIMIT_ENUM_URIS): the other %zu are not "
				  "located", r->limits.max_enum_uris,
				  w->uri_recs.n - w->next_uri - 1);
		resolution_finish(r, status, "%s: %s", rec->result, why ? why : "no target");
		return;
	}
	/* Issue 3 item 5: the next SIP URI is tried when one yields no target,
	 * in the next wave (its questions follow these answers). */
	w->next_uri++;
	r->advance = locate_next_uri;
}

static void locate_next_uri(struct resolution *r)
{
	struct enum_walk *w = r->walk;
	struct naptr_rec *rec = w->uri_recs.items[w->next_uri];
	locate_start(r, rec->result, uri_located);
}

static void on_suffix(struct resolution *r, void *arg, const struct dns_answer *a)
{
	struct suffix_answer *sa = &r->walk->sfx[(size_t)(uintptr_t)arg];
	sa->answered = true;
	sa->nxdomain = answer_nxdomain(a);
	sa->failed = answer_failed(a);
	if (answer_naptr_rules(a, &sa->rules, &sa->n) != RSIP_OK)
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
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

void enum_walk_start(struct resolution *r, const char *input)
{
	struct enum_walk *w;
	rsip_ctx *ctx = r->ctx;
	char err[RSIP_ERRLEN];
	rsip_status st;

	w = r->walk = calloc(1, sizeof(*w));
	if (w == NULL) {
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	r->res->has_enum = true;
	st = tel_parse(input, &w->tel, err, sizeof(err));
	if (st != RSIP_OK) {
		resolution_finish(r, st, "%s", st == RSIP_E_NOMEM ? "out of memory" : err);
		return;
	}
	if (w->tel.enumdi) {
		/* RFC 4759: the ENUM query is already done; never repeat it. */
		resolution_finish(r, RSIP_E_NOT_FOUND, "%s carries ;enumdi: ENUM was "
				  "already done (RFC 4759), so no ENUM question is asked", input);
		return;
	}
	if (tel_to_aus(&w->tel, w->aus, sizeof(w->aus), err, sizeof(err)) != RSIP_OK) {
		resolution_finish(r, RSIP_E_BAD_INPUT, "%s", err);
		return;
	}
	r->res->enum_aus = rsip_strdup(w->aus);
	w->sfx = calloc(ctx->suffixes.n, sizeof(*w->sfx));
	if (r->res->enum_aus == NULL || w->sfx == NULL) {
		resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		return;
	}
	w->nsfx = ctx->suffixes.n;
	/* Issue 3 item 6: every suffix is asked at once; the first in list
	 * order that gives a SIP URI wins. */
	for (size_t i = 0; i < w->nsfx; i++) {
		char domain[512];
		if (enum_domain(w->aus, ctx->suffixes.items[i], domain, sizeof(domain)) !=
		    RSIP_OK) {
			resolution_finish(r, RSIP_E_BAD_INPUT, "%s under %s is not a domain name",
					  w->aus, (char *)ctx->suffixes.items[i]);
			return;
		}
		w->sfx[i].domain = rsip_strdup(domain);
		if (w->sfx[i].domain == NULL ||
		    rsip_vec_push(&r->res->enum_domains, rsip_strdup(domain)) != 0) {
			resolution_finish(r, RSIP_E_NOMEM, "out of memory");
			return;
		}
	}
	for (size_t i = 0; i < w->nsfx; i++)
		if (query_ask(r, w->sfx[i].domain, LDNS_RR_TYPE_NAPTR, on_suffix,
			      (void *)(uintptr_t)i) != RSIP_OK)
			return;
	r->advance = after_suffixes;
}
