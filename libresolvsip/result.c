/* result.c - the result builder: the only code that sees the fields of a
 * result (targets, trace steps, ENUM details); the other rooms write through
 * its functions (engine.h), callers read through the public accessors. */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct step_rec {
	rsip_step pub;
	bool quiet;              /* trace off: no answers, no notes */
	struct rsip_vec answers; /* char * */
	unsigned char *on_path;  /* answers.n roles (rsip_answer_role, nonzero on the
				    path: pub.answer_on_path), or NULL */
	struct rsip_vec notes;   /* char * */
	char *qname, *why_bogus, *failure;
};

struct target_rec {
	rsip_target pub;
	char *host;
};

struct naptr_rec {
	rsip_naptr pub;
	char *owner, *flags, *services, *regexp, *replacement, *result, *reason;
	struct step_rec *step; /* the step its record came in, or NULL */
	size_t answer_index;   /* its line there (dnsmsg.c) */
};

struct rsip_result {
	rsip_status status;
	char *input;
	char *error;
	char *uri;
	rsip_dnssec dnssec;       /* weakest link of the chain (set at the end) */
	unsigned waves;
	unsigned questions;
	struct rsip_vec steps;    /* struct step_rec * */
	struct rsip_vec targets;  /* struct target_rec * */
	bool has_enum;
	char *enum_aus;
	struct rsip_vec enum_domains; /* char * */
	struct rsip_vec enum_records; /* struct naptr_rec * */
	struct rsip_vec enum_uris;    /* char * */
	struct rsip_vec notes;        /* char *: decisions not tied to a question */
	bool trace;                   /* steps carry answers and notes */
};

rsip_result *result_new(const char *input, bool trace)
{
	rsip_result *res = calloc(1, sizeof(*res));
	if (res == NULL)
		return NULL;
	res->input = rsip_strdup(input ? input : "");
	if (res->input == NULL) {
		free(res);
		return NULL;
	}
	res->dnssec = RSIP_DNSSEC_INDETERMINATE;
	res->trace = trace;
	return res;
}

void result_end(rsip_result *res, rsip_status status, char *error)
{
	res->status = status;
	if (error != NULL) {
		free(res->error);
		res->error = error;
	}
}

static void step_free(void *p)
{
	struct step_rec *st = p;
	rsip_vec_clear(&st->answers, free);
	free(st->on_path);
	rsip_vec_clear(&st->notes, free);
	free(st->qname);
	free(st->why_bogus);
	free(st->failure);
	free(st);
}

static void target_free(void *p)
{
	struct target_rec *t = p;
	free(t->host);
	free(t);
}

static void naptr_free(void *p)
{
	struct naptr_rec *n = p;
	free(n->owner);
	free(n->flags);
	free(n->services);
	free(n->regexp);
	free(n->replacement);
	free(n->result);
	free(n->reason);
	free(n);
}

void rsip_result_free(rsip_result *res)
{
	if (res == NULL)
		return;
	free(res->input);
	free(res->error);
	free(res->uri);
	free(res->enum_aus);
	rsip_vec_clear(&res->steps, step_free);
	rsip_vec_clear(&res->targets, target_free);
	rsip_vec_clear(&res->enum_domains, free);
	rsip_vec_clear(&res->enum_records, naptr_free);
	rsip_vec_clear(&res->enum_uris, free);
	rsip_vec_clear(&res->notes, free);
	free(res);
}

static const char *qtype_name(uint16_t qtype)
{
	switch (qtype) {
	case LDNS_RR_TYPE_NAPTR: return "NAPTR";
	case LDNS_RR_TYPE_SRV: return "SRV";
	case LDNS_RR_TYPE_A: return "A";
	case LDNS_RR_TYPE_AAAA: return "AAAA";
	case LDNS_RR_TYPE_CNAME: return "CNAME";
	}
	return "OTHER";
}

struct step_rec *result_add_step(rsip_result *res, const char *qname,
				 uint16_t qtype, unsigned wave)
{
	struct step_rec *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return NULL;
	st->qname = rsip_strdup(qname);
	if (st->qname == NULL || rsip_vec_push(&res->steps, st) != 0) {
		step_free(st);
		return NULL;
	}
	st->pub.qname = st->qname;
	st->pub.qtype = qtype;
	st->pub.qtype_name = qtype_name(qtype);
	st->pub.rcode = -1;
	st->pub.rcode_name = "NONE";
	st->pub.dnssec = RSIP_DNSSEC_INDETERMINATE;
	st->pub.wave = wave;
	st->quiet = !res->trace;
	if (wave > res->waves)
		res->waves = wave;
	res->questions++;
	return st;
}

int step_add_answer(struct step_rec *st, char *text)
{
	if (st->quiet) {
		free(text);
		return 0;
	}
	if (st->on_path != NULL) {
		/* one flag per answer, the new one not on the path */
		unsigned char *p = realloc(st->on_path, st->answers.n + 1);
		if (p == NULL) {
			free(text);
			return -1;
		}
		p[st->answers.n] = 0;
		st->on_path = p;
		st->pub.answer_on_path = p;
	}
	if (text == NULL || rsip_vec_push(&st->answers, text) != 0) {
		free(text);
		return -1;
	}
	st->pub.answers = (const char *const *)st->answers.items;
	st->pub.answer_count = st->answers.n;
	return 0;
}

int step_mark_answer(struct step_rec *st, size_t index, rsip_answer_role role)
{
	if (st == NULL || index >= st->answers.n)
		return 0;
	if (st->on_path == NULL) {
		st->on_path = calloc(st->answers.n, 1);
		if (st->on_path == NULL)
			return -1;
		st->pub.answer_on_path = st->on_path;
	}
	st->on_path[index] = (unsigned char)role; /* nonzero: on the path */
	return 0;
}

int result_note(rsip_result *res, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;
	va_start(ap, fmt);
	n = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if (rsip_vec_push(&res->notes, text) != 0) {
		free(text);
		return -1;
	}
	return 0;
}

/* RFC 3263 §4.3: move targets remembered as failed after the others (stable),
 * flagging them.  Caller holds the context lock. */
static void demote_failed(rsip_result *res, rsip_ctx *ctx)
{
	size_t n = res->targets.n, k = 0, demoted = 0;
	void **sorted;
	if (n < 1 || ctx->nfailed == 0)
		return;
	sorted = malloc(n * sizeof(*sorted));
	if (sorted == NULL)
		return; /* the order stays as resolved: still correct, just not demoted */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct target_rec *t = res->targets.items[i];
			bool failed = ctx_target_failed(ctx, &t->pub);
			if (failed != (pass == 1))
				continue;
			t->pub.recently_failed = failed;
			if (failed)
				demoted++;
			sorted[k++] = t;
		}
	}
	memcpy(res->targets.items, sorted, n * sizeof(*sorted));
	free(sorted);
	if (demoted > 0)
		result_note(res, "%zu target%s marked failed within the last %u s: tried last "
			    "(RFC 3263 §4.3)", demoted, demoted == 1 ? "" : "s",
			    ctx->failure_memory);
}

static int step_vnote(struct step_rec *st, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
static int step_vnote(struct step_rec *st, const char *fmt, va_list ap)
{
	char *text;
	if (st == NULL || st->quiet)
		return st == NULL ? -1 : 0;
	if (vasprintf(&text, fmt, ap) < 0)
		return -1;
	if (rsip_vec_push(&st->notes, text) != 0) {
		free(text);
		return -1;
	}
	st->pub.notes = (const char *const *)st->notes.items;
	st->pub.note_count = st->notes.n;
	return 0;
}

int step_note(struct step_rec *st, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = step_vnote(st, fmt, ap);
	va_end(ap);
	return rc;
}

int result_note_last_step(rsip_result *res, const char *fmt, ...)
{
	va_list ap;
	int rc;
	if (res->steps.n == 0)
		return 0;
	va_start(ap, fmt);
	rc = step_vnote(res->steps.items[res->steps.n - 1], fmt, ap);
	va_end(ap);
	return rc;
}

size_t result_step_count(const rsip_result *res)
{
	return res->steps.n;
}

int result_add_target(rsip_result *res, const rsip_target *t, const char *host)
{
	struct target_rec *rec;
	for (size_t i = 0; i < res->targets.n; i++) {
		const rsip_target *o = &((struct target_rec *)res->targets.items[i])->pub;
		if (o->transport == t->transport && o->port == t->port &&
		    strcmp(o->address, t->address) == 0)
			return 0;
	}
	rec = calloc(1, sizeof(*rec));
	if (rec == NULL)
		return -1;
	rec->pub = *t;
	if (host != NULL && (rec->host = rsip_strdup(host)) == NULL) {
		free(rec);
		return -1;
	}
	rec->pub.host = rec->host;
	if (rsip_vec_push(&res->targets, rec) != 0) {
		target_free(rec);
		return -1;
	}
	return 0;
}

struct naptr_rec *result_add_enum_record(rsip_result *res,
					 const struct ddds_rule *rule)
{
	struct naptr_rec *n = calloc(1, sizeof(*n));
	if (n == NULL)
		return NULL;
	n->owner = rsip_strdup(rule->owner);
	n->flags = rsip_strdup(rule->flags);
	n->services = rsip_strdup(rule->services);
	n->regexp = rsip_strdup(rule->regexp);
	n->replacement = rsip_strdup(rule->replacement);
	if (n->owner == NULL || n->flags == NULL || n->services == NULL ||
	    n->regexp == NULL || n->replacement == NULL ||
	    rsip_vec_push(&res->enum_records, n) != 0) {
		naptr_free(n);
		return NULL;
	}
	n->pub.owner = n->owner;
	n->pub.order = rule->order;
	n->pub.preference = rule->preference;
	n->pub.flags = n->flags;
	n->pub.services = n->services;
	n->pub.regexp = n->regexp;
	n->pub.replacement = n->replacement;
	n->pub.verdict = RSIP_VERDICT_NOT_REACHED;
	return n;
}

void naptr_rec_set(struct naptr_rec *rec, const char *result,
		   rsip_verdict verdict, const char *reason)
{
	if (result != NULL && result != rec->result) {
		free(rec->result);
		rec->result = rsip_strdup(result);
	}
	if (reason != rec->reason) {
		free(rec->reason);
		rec->reason = reason ? rsip_strdup(reason) : NULL;
	}
	rec->pub.result = rec->result;
	rec->pub.reason = rec->reason;
	rec->pub.verdict = verdict;
}

void naptr_rec_at(struct naptr_rec *rec, struct step_rec *step, size_t answer_index)
{
	rec->step = step;
	rec->answer_index = answer_index;
}

int naptr_rec_mark(const struct naptr_rec *rec)
{
	return step_mark_answer(rec->step, rec->answer_index, RSIP_ROLE_ENUM);
}

const char *naptr_rec_result(const struct naptr_rec *rec)
{
	return rec->result;
}

const char *naptr_rec_reason(const struct naptr_rec *rec)
{
	return rec->reason;
}

size_t result_target_count(const rsip_result *res)
{
	return res->targets.n;
}

unsigned result_question_count(const rsip_result *res)
{
	return res->questions;
}

int result_set_uri(rsip_result *res, const char *uri)
{
	char *copy = rsip_strdup(uri);
	if (copy == NULL)
		return -1;
	free(res->uri);
	res->uri = copy;
	return 0;
}

int result_begin_enum(rsip_result *res, const char *aus)
{
	res->has_enum = true;
	free(res->enum_aus);
	res->enum_aus = rsip_strdup(aus);
	return res->enum_aus != NULL ? 0 : -1;
}

static int push_copy(struct rsip_vec *v, const char *s)
{
	char *copy = rsip_strdup(s);
	if (copy == NULL || rsip_vec_push(v, copy) != 0) {
		free(copy);
		return -1;
	}
	return 0;
}

int result_add_enum_domain(rsip_result *res, const char *domain)
{
	return push_copy(&res->enum_domains, domain);
}

int result_add_enum_uri(rsip_result *res, const char *uri)
{
	return push_copy(&res->enum_uris, uri);
}

size_t result_enum_record_count(const rsip_result *res)
{
	return res->enum_records.n;
}

int result_place_enum_records(rsip_result *res, const struct naptr_rec *via, size_t n)
{
	struct rsip_vec *v = &res->enum_records;
	size_t at = 0, first = v->n - n;
	void **moved;

	while (at < first && v->items[at] != via)
		at++;
	if (++at >= first)
		return 0; /* via is the last of the older records, or absent */
	moved = malloc(n * sizeof(*moved));
	if (moved == NULL)
		return -1;
	memcpy(moved, &v->items[first], n * sizeof(*moved));
	memmove(&v->items[at + n], &v->items[at], (first - at) * sizeof(*v->items));
	memcpy(&v->items[at], moved, n * sizeof(*moved));
	free(moved);
	return 0;
}

const char *step_qtype_name(const struct step_rec *st)
{
	return st->pub.qtype_name;
}

rsip_dnssec step_dnssec(const struct step_rec *st)
{
	return st->pub.dnssec;
}

const char *step_why_bogus(const struct step_rec *st)
{
	return st->pub.why_bogus;
}

bool step_quiet(const struct step_rec *st)
{
	return st->quiet;
}

void step_set_rcode(struct step_rec *st, int rcode)
{
	st->pub.rcode = rcode;
	st->pub.rcode_name = rcode_name(rcode);
}

void step_set_dnssec(struct step_rec *st, rsip_dnssec dnssec)
{
	st->pub.dnssec = dnssec;
}

void step_answered(struct step_rec *st, int rcode, rsip_dnssec dnssec, bool from_cache,
		   const char *why_bogus, char *const *answers, size_t n)
{
	step_set_rcode(st, rcode);
	st->pub.dnssec = dnssec;
	st->pub.from_cache = from_cache;
	if (dnssec == RSIP_DNSSEC_BOGUS && why_bogus != NULL) {
		free(st->why_bogus);
		st->why_bogus = rsip_strdup(why_bogus);
		st->pub.why_bogus = st->why_bogus;
	}
	for (size_t i = 0; !st->quiet && i < n; i++)
		step_add_answer(st, rsip_strdup(answers[i]));
}

void step_failed(struct step_rec *st, const char *failure)
{
	free(st->failure);
	st->failure = rsip_strdup(failure);
	st->pub.failure = st->failure;
}

/* ---- the end ------------------------------------------------------ */

/* The weakest DNSSEC state of the steps that led to the result. */
static rsip_dnssec chain_dnssec(const rsip_result *res)
{
	rsip_dnssec weakest = RSIP_DNSSEC_SECURE;
	if (res->steps.n == 0)
		return RSIP_DNSSEC_INDETERMINATE;
	for (size_t i = 0; i < res->steps.n; i++) {
		const struct step_rec *st = res->steps.items[i];
		if (st->pub.dnssec < weakest)
			weakest = st->pub.dnssec;
	}
	return weakest;
}

/* Each target's DNSSEC state is the weakest link of its path (RFC 4035
 * §4.3): locate.c gives the NAPTR, SRV and address answers of its URI; the
 * answers asked before that URI was located (ENUM, URIs that gave no target)
 * chose the URI, so they count too.  A numeric host adds no answer: its
 * target has the state of the answers that led to it, and indeterminate when
 * no DNS answer did (a sip: URI with an IP address). */
static void targets_dnssec(rsip_result *res, size_t uri_first_step)
{
	rsip_dnssec before = RSIP_DNSSEC_SECURE;
	size_t n = uri_first_step < res->steps.n ? uri_first_step : res->steps.n;

	for (size_t i = 0; i < n; i++) {
		const struct step_rec *st = res->steps.items[i];
		if (st->pub.dnssec < before)
			before = st->pub.dnssec;
	}
	for (size_t i = 0; i < res->targets.n; i++) {
		struct target_rec *t = res->targets.items[i];
		if (t->pub.source == RSIP_SOURCE_NUMERIC)
			t->pub.dnssec = n > 0 ? before : RSIP_DNSSEC_INDETERMINATE;
		else if (before < t->pub.dnssec)
			t->pub.dnssec = before;
	}
}

void result_finalise(rsip_result *res, const struct result_outcome *o, rsip_ctx *ctx)
{
	if (res->status == RSIP_E_DNSSEC_BOGUS || res->status == RSIP_E_DNSSEC_INSECURE) {
		/* A refused answer never yields a target (none is made after
		 * one; this keeps it so). */
		rsip_vec_clear(&res->targets, target_free);
	}
	targets_dnssec(res, o->uri_first_step);
	demote_failed(res, ctx);
	res->dnssec = chain_dnssec(res);
	if (res->status == RSIP_OK && res->targets.n == 0)
		res->status = RSIP_E_NOT_FOUND;
	/* Nothing found after a question failed (SERVFAIL, a CNAME loop, no
	 * answer) is not "does not exist": the failure may have hidden the
	 * answer.  Never report "could not ask" as not-found. */
	if (res->status == RSIP_E_NOT_FOUND && o->dns_failed) {
		char *msg = NULL;
		res->status = o->timed_out ? RSIP_E_TIMEOUT : RSIP_E_DNS_FAILURE;
		if (asprintf(&msg, "%s; and %s, which may have hidden the answer",
			     res->error ? res->error : "nothing found",
			     o->first_failure ? o->first_failure : "a DNS question failed") >= 0) {
			free(res->error);
			res->error = msg;
		}
	}
	if (res->status != RSIP_OK && res->error == NULL)
		res->error = rsip_strdup(rsip_strerror(res->status));
}

/* ---- accessors ---------------------------------------------------- */

rsip_status rsip_result_status(const rsip_result *res)
{
	return res ? res->status : RSIP_E_INVALID;
}

const char *rsip_result_input(const rsip_result *res)
{
	return res ? res->input : NULL;
}

const char *rsip_result_error(const rsip_result *res)
{
	return res ? res->error : NULL;
}

const char *rsip_result_uri(const rsip_result *res)
{
	return res ? res->uri : NULL;
}

rsip_dnssec rsip_result_dnssec(const rsip_result *res)
{
	return res ? res->dnssec : RSIP_DNSSEC_INDETERMINATE;
}

unsigned rsip_result_waves(const rsip_result *res)
{
	return res ? res->waves : 0;
}

unsigned rsip_result_questions(const rsip_result *res)
{
	return res ? res->questions : 0;
}

size_t rsip_result_target_count(const rsip_result *res)
{
	return res ? res->targets.n : 0;
}

const rsip_target *rsip_result_target(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->targets.n)
		return NULL;
	return &((struct target_rec *)res->targets.items[i])->pub;
}

size_t rsip_result_note_count(const rsip_result *res)
{
	return res ? res->notes.n : 0;
}

const char *rsip_result_note(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->notes.n)
		return NULL;
	return res->notes.items[i];
}

const rsip_target *rsip_result_next_target(rsip_ctx *ctx, const rsip_result *res,
					   const rsip_target *failed)
{
	size_t i;
	if (res == NULL)
		return NULL;
	if (failed == NULL)
		return rsip_result_target(res, 0);
	if (ctx != NULL)
		rsip_ctx_mark_failed(ctx, failed);
	for (i = 0; i < res->targets.n; i++)
		if (&((struct target_rec *)res->targets.items[i])->pub == failed)
			return rsip_result_target(res, i + 1);
	return NULL; /* not a target of this result */
}

size_t rsip_result_step_count(const rsip_result *res)
{
	return res ? res->steps.n : 0;
}

const rsip_step *rsip_result_step(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->steps.n)
		return NULL;
	return &((struct step_rec *)res->steps.items[i])->pub;
}

rsip_answer_role rsip_result_answer_role(const rsip_result *res, size_t i, size_t answer)
{
	const struct step_rec *st;

	if (res == NULL || i >= res->steps.n)
		return RSIP_ROLE_NONE;
	st = res->steps.items[i];
	if (st->on_path == NULL || answer >= st->answers.n)
		return RSIP_ROLE_NONE;
	return (rsip_answer_role)st->on_path[answer];
}

int rsip_result_answer_enum_record(const rsip_result *res, size_t i, size_t answer,
				   size_t *record)
{
	const struct step_rec *st;

	if (res == NULL || i >= res->steps.n)
		return 0;
	st = res->steps.items[i];
	if (answer >= st->answers.n)
		return 0;
	/* The walk said where each record came (naptr_rec_at()). */
	for (size_t k = 0; k < res->enum_records.n; k++) {
		const struct naptr_rec *rec = res->enum_records.items[k];

		if (rec->step == st && rec->answer_index == answer) {
			if (record != NULL)
				*record = k;
			return 1;
		}
	}
	return 0;
}

int rsip_result_has_enum(const rsip_result *res)
{
	return res ? res->has_enum : 0;
}

const char *rsip_result_enum_aus(const rsip_result *res)
{
	return res ? res->enum_aus : NULL;
}

size_t rsip_result_enum_domain_count(const rsip_result *res)
{
	return res ? res->enum_domains.n : 0;
}

const char *rsip_result_enum_domain(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->enum_domains.n)
		return NULL;
	return res->enum_domains.items[i];
}

size_t rsip_result_enum_record_count(const rsip_result *res)
{
	return res ? res->enum_records.n : 0;
}

const rsip_naptr *rsip_result_enum_record(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->enum_records.n)
		return NULL;
	return &((struct naptr_rec *)res->enum_records.items[i])->pub;
}

size_t rsip_result_enum_uri_count(const rsip_result *res)
{
	return res ? res->enum_uris.n : 0;
}

const char *rsip_result_enum_uri(const rsip_result *res, size_t i)
{
	if (res == NULL || i >= res->enum_uris.n)
		return NULL;
	return res->enum_uris.items[i];
}
