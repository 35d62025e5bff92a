/* ddds_api.c - the public DDDS entry point: given rules applied to an AUS,
 * RFC 3402 §3.3 steps 3-6 and RFC 3403 §4.1 (validation, order, ORDER cut-off),
 * on top of ddds.c; no DNS inside. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The most rules one call takes: a 64 KB NAPTR answer holds about 3000. */
#define DDDS_API_MAX_RULES 65535

struct ddds_outcome_rec {
	size_t rule;               /* index in the caller's array */
	rsip_ddds_outcome outcome;
	char *output;
	char *reason;
};

struct rsip_ddds_result {
	size_t n;
	struct ddds_outcome_rec *o;
};

const char *rsip_ddds_outcome_name(rsip_ddds_outcome outcome)
{
	switch (outcome) {
	case RSIP_DDDS_TERMINAL: return "terminal";
	case RSIP_DDDS_NON_TERMINAL: return "non-terminal";
	case RSIP_DDDS_NO_MATCH: return "no-match";
	case RSIP_DDDS_INVALID: return "invalid";
	case RSIP_DDDS_NOT_REACHED: return "not-reached";
	case RSIP_DDDS_REJECTED: return "rejected";
	}
	return "unknown";
}

void rsip_ddds_result_free(rsip_ddds_result *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->n; i++) {
		free(res->o[i].output);
		free(res->o[i].reason);
	}
	free(res->o);
	free(res);
}

/* The caller's rule as ddds.c sees it: the same strings (only read), NULL
 * fields as empty ones, NULL replacement as "." (none). */
static void rule_view(const rsip_ddds_rule *in, size_t index, struct ddds_rule *out)
{
	memset(out, 0, sizeof(*out));
	out->order = in->order;
	out->preference = in->preference;
	out->flags = (char *)(in->flags ? in->flags : "");
	out->services = (char *)(in->services ? in->services : "");
	out->regexp = (char *)(in->regexp ? in->regexp : "");
	out->replacement = (char *)(in->replacement && in->replacement[0] ? in->replacement :
				    ".");
	out->owner = (char *)"";
	out->dns_index = index;
}

/* Set an outcome's reason from err (nothing when err is empty).  -1 when out
 * of memory. */
static int set_reason(struct ddds_outcome_rec *o, const char *err)
{
	if (err[0] == '\0')
		return 0;
	o->reason = rsip_strdup(err);
	return o->reason == NULL ? -1 : 0;
}

rsip_status rsip_ddds_apply(const char *aus, const rsip_ddds_rule *rules, size_t count,
			    const char *terminal_flags, rsip_ddds_accept_fn accept,
			    void *accept_arg, rsip_ddds_result **resp)
{
	rsip_ddds_result *res = NULL;
	struct ddds_rule *view = NULL;
	struct ddds_subst **subst = NULL;
	char **invalid = NULL; /* by input index: why the rule was dropped */
	char err[RSIP_ERRLEN];
	bool matched = false, found = false;
	uint16_t matched_order = 0;
	rsip_status st = RSIP_E_NOMEM;

	if (resp != NULL)
		*resp = NULL;
	if (aus == NULL || resp == NULL || (rules == NULL && count > 0) ||
	    count > DDDS_API_MAX_RULES)
		return RSIP_E_INVALID;
	res = calloc(1, sizeof(*res));
	if (res == NULL)
		return RSIP_E_NOMEM;
	if (count > 0 && ((res->o = calloc(count, sizeof(*res->o))) == NULL ||
			  (view = calloc(count, sizeof(*view))) == NULL ||
			  (subst = calloc(count, sizeof(*subst))) == NULL ||
			  (invalid = calloc(count, sizeof(*invalid))) == NULL))
		goto done;
	res->n = count;

	/* Validation before ordering (RFC 3403 §4.1; RFC 6116 §5.2: one bad
	 * record never aborts the others). */
	for (size_t i = 0; i < count; i++) {
		rule_view(&rules[i], i, &view[i]);
		err[0] = '\0';
		st = ddds_rule_check(&view[i], terminal_flags, &subst[i], err, sizeof(err));
		if (st == RSIP_E_NOMEM)
			goto done;
		if (st != RSIP_OK && (invalid[i] = rsip_strdup(err)) == NULL) {
			st = RSIP_E_NOMEM;
			goto done;
		}
	}
	/* RFC 3403 §4.1: ORDER, then PREFERENCE; ties in the order given. */
	ddds_sort(view, count);

	for (size_t k = 0; k < count; k++) {
		const struct ddds_rule *r = &view[k];
		size_t i = r->dns_index;
		struct ddds_outcome_rec *o = &res->o[k];
		char *out = NULL;
		bool empty;

		o->rule = i;
		if (invalid[i] != NULL) {
			o->outcome = RSIP_DDDS_INVALID;
			o->reason = invalid[i];
			invalid[i] = NULL;
			continue;
		}
		/* RFC 3403 §4.1: "once a match is found the client MUST NOT
		 * consider records with a different Order" */
		if (matched && r->order != matched_order) {
			o->outcome = RSIP_DDDS_NOT_REACHED;
			continue;
		}
		err[0] = '\0';
		st = ddds_rule_apply(r, subst[i], aus, NULL, &out, &empty, err, sizeof(err));
		if (st == RSIP_E_NOMEM)
			goto done;
		if (st != RSIP_OK) {
			/* RFC 3402 §3.3 step 3: no (non-empty) output, the next rule */
			o->outcome = st == RSIP_E_NOT_FOUND ? RSIP_DDDS_NO_MATCH :
				     RSIP_DDDS_INVALID;
			if (o->outcome == RSIP_DDDS_INVALID || empty) {
				if (set_reason(o, err) != 0) {
					st = RSIP_E_NOMEM;
					goto done;
				}
			}
			continue;
		}
		o->output = out;
		/* RFC 3402 §3.3 step 4: a service the client cannot use sends it
		 * back to step 3; the rule is no match. */
		if (accept != NULL && !accept(accept_arg, &rules[i], out)) {
			o->outcome = RSIP_DDDS_REJECTED;
			continue;
		}
		o->outcome = ddds_rule_terminal(r) ? RSIP_DDDS_TERMINAL : RSIP_DDDS_NON_TERMINAL;
		matched = true;
		matched_order = r->order;
		found = true;
	}
	st = found ? RSIP_OK : RSIP_E_NOT_FOUND;
	*resp = res;
	res = NULL;
done:
	for (size_t i = 0; i < count && view != NULL; i++) {
		if (subst != NULL)
			ddds_subst_free(subst[i]);
		if (invalid != NULL)
			free(invalid[i]);
	}
	free(view);
	free(subst);
	free(invalid);
	rsip_ddds_result_free(res);
	return st;
}

size_t rsip_ddds_result_count(const rsip_ddds_result *res)
{
	return res ? res->n : 0;
}

rsip_ddds_outcome rsip_ddds_result_outcome(const rsip_ddds_result *res, size_t i)
{
	if (res == NULL || i >= res->n)
		return RSIP_DDDS_INVALID;
	return res->o[i].outcome;
}

size_t rsip_ddds_result_rule(const rsip_ddds_result *res, size_t i)
{
	if (res == NULL || i >= res->n)
		return (size_t)-1;
	return res->o[i].rule;
}

const char *rsip_ddds_result_output(const rsip_ddds_result *res, size_t i)
{
	if (res == NULL || i >= res->n)
		return NULL;
	return res->o[i].output;
}

const char *rsip_ddds_result_reason(const rsip_ddds_result *res, size_t i)
{
	if (res == NULL || i >= res->n)
		return NULL;
	return res->o[i].reason;
}
