/* resolve.c - resolutions: start (tel:/E.164 to ENUM, sip:/sips: to RFC 3263),
 * advance wave by wave, deliver; the synchronous and event-loop APIs. */
#define _GNU_SOURCE /* vasprintf */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine.h"

static void resolution_unlink(struct resolution *r)
{
	rsip_ctx *ctx = r->ctx;
	if (r->prev != NULL)
		r->prev->next = r->next;
	else if (ctx->active == r)
		ctx->active = r->next;
	if (r->next != NULL)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	ctx->pending--;
}

static void resolution_free(struct resolution *r)
{
	query_cancel_all(r);
	rsip_vec_clear(&r->inflight, NULL);
	locate_free(r->loc);
	enum_walk_free(r->walk);
	rsip_result_free(r->res);
	free(r->refusal_why);
	free(r->first_failure);
	enum_services_release(r->enumsvc);
	free(r);
}

/* Hand the result to the caller and drop the resolution. */
static void resolution_deliver(struct resolution *r)
{
	rsip_result *res = r->res;
	rsip_callback cb = r->cb;
	void *arg = r->cb_arg;

	struct result_outcome o = {r->uri_first_step, r->dns_failed, r->timed_out,
				   r->first_failure};

	query_cancel_all(r);
	result_finalise(res, &o, r->ctx);
	r->res = NULL;
	resolution_unlink(r);
	resolution_free(r);
	cb(arg, res);
}

/* ---- deadlines ------------------------------------------ */

static void now_monotonic(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

/* Milliseconds from now to t, rounded up; 0 when t has passed. */
static long ms_until(const struct timespec *t, const struct timespec *now)
{
	long long ns = (long long)(t->tv_sec - now->tv_sec) * 1000000000LL +
		       (t->tv_nsec - now->tv_nsec);
	if (ns <= 0)
		return 0;
	if (ns / 1000000 >= 0x7fffffffLL)
		return 0x7fffffffL;
	return (long)((ns + 999999) / 1000000);
}

/* Whether the servers can be reached (reach.c): start a check once a
 * question has waited long enough, read one in progress, and once every
 * server is known unreachable fail every question in flight. */
static void ctx_reach(rsip_ctx *ctx, const struct timespec *now)
{
	reach_poll(&ctx->dns.reach, now);
	if (reach_wanted(&ctx->dns.reach, now)) {
		for (struct resolution *r = ctx->active; r != NULL; r = r->next) {
			if (!r->finished && query_check_due(r, now)) {
				reach_check(&ctx->dns.reach, now);
				break;
			}
		}
	}
	if (reach_dead(&ctx->dns.reach, now))
		for (struct resolution *r = ctx->active; r != NULL; r = r->next)
			if (!r->finished)
				query_doom_all(r, now);
}

/* Handle one resolution with something due at a time, and start over: a
 * callback may start or cancel resolutions.  Bounded: each round gives up at
 * least one question or ends one resolution, and a question asked meanwhile
 * runs out later than now.  A question that ran out is a failed answer to its
 * phase, which goes on with what it has: at the deadline, the targets known
 * are delivered, and nothing more is asked. */
void ctx_expire(rsip_ctx *ctx, const struct timespec *now)
{
	ctx_reach(ctx, now);
	for (;;) {
		struct resolution *r;
		for (r = ctx->active; r != NULL; r = r->next)
			if (resolution_due(r, now))
				break;
		if (r == NULL)
			return;
		resolution_expire(r, now);
	}
}

int rsip_ctx_timeout(rsip_ctx *ctx)
{
	struct timespec now;
	long best = -1;
	if (ctx == NULL)
		return -1;
	now_monotonic(&now);
	pthread_mutex_lock(&ctx->lock);
	for (struct resolution *r = ctx->active; r != NULL; r = r->next) {
		struct timespec when;
		long ms;
		resolution_next_wake(r, &now, &when);
		ms = ms_until(&when, &now);
		if (best < 0 || ms < best)
			best = ms;
	}
	if (best > 0) {
		/* A check of the servers in progress is looked at soon. */
		struct timespec when;
		if (reach_next_wake(&ctx->dns.reach, &now, &when) && ms_until(&when, &now) < best)
			best = ms_until(&when, &now);
	}
	pthread_mutex_unlock(&ctx->lock);
	return (int)best;
}

/* True for a bare E.164 number or a tel: URI (scheme case-insensitive). */
static bool is_tel_input(const char *s)
{
	return s[0] == '+' || rsip_strncasecmp(s, "tel:", 4) == 0;
}

/* A phase is over: so is the resolution. */
static void located(struct resolution *r, rsip_status status, const char *why)
{
	if (status == RSIP_OK)
		resolution_finish(r, RSIP_OK, NULL);
	else
		resolution_finish(r, status, "%s", why ? why : rsip_strerror(status));
}

/* RFC 3263 for one URI.  The steps before it chose that URI (ENUM, earlier
 * URIs): result_finalise() (result.c) counts them in each target's DNSSEC state. */
static void locate_uri(struct resolution *r, const char *uri, phase_done_fn done)
{
	r->uri_first_step = result_step_count(r->res);
	locate_start(r, uri, done);
}

/* ---- tel: and E.164: the ENUM walk, then its SIP URIs in turn ------- */

static void enum_uri_located(struct resolution *r, rsip_status status, const char *why);

static void locate_enum_uri(struct resolution *r)
{
	locate_uri(r, enum_walk_uri(r->walk, r->enum_uri), enum_uri_located);
}

/* One SIP URI of the walk is located: the resolution ends with its targets,
 * or the next URI is tried in the next wave (its questions follow these
 * answers), in the order of the rules that gave them (RFC 3403 §4.1). */
static void enum_uri_located(struct resolution *r, rsip_status status, const char *why)
{
	struct enum_walk *w = r->walk;
	size_t i = r->enum_uri, n = enum_walk_uri_count(w);
	/* A URI left for a DNS failure is no URI without targets: the next
	 * one is not tried in its place (RFC 3263 §7). */
	bool failed = (status == RSIP_E_DNS_FAILURE || status == RSIP_E_TIMEOUT) &&
		      failure_ends(r);

	if (status == RSIP_OK) {
		if (enum_walk_uri_chosen(w, i) != RSIP_OK)
			resolution_finish(r, RSIP_E_NOMEM, "out of memory");
		else
			resolution_finish(r, RSIP_OK, NULL);
		return;
	}
	enum_walk_uri_no_target(w, i, why);
	if (failed || status == RSIP_E_NOMEM || status == RSIP_E_LIMIT || i + 1 >= n ||
	    i + 1 >= r->limits.max_enum_uris) {
		/* Say so when the limit, not the list, ended it. */
		if (i + 1 < n && !failed && status != RSIP_E_NOMEM && status != RSIP_E_LIMIT)
			result_note_last_step(r->res, "%u SIP URIs from ENUM tried "
					      "(RSIP_LIMIT_ENUM_URIS): the other %zu are not "
					      "located", r->limits.max_enum_uris, n - i - 1);
		resolution_finish(r, status, "%s: %s", enum_walk_uri(w, i),
				  why ? why : "no target");
		return;
	}
	r->enum_uri++;
	r->advance = locate_enum_uri;
}

/* The walk is over: it found SIP URIs, or says why not. */
static void enum_walked(struct resolution *r, rsip_status status, const char *why)
{
	if (status != RSIP_OK) {
		located(r, status, why);
		return;
	}
	r->enum_uri = 0;
	locate_enum_uri(r);
}

void resolution_begin_uri(struct resolution *r, const char *uri)
{
	if (is_tel_input(uri))
		enum_walk_start(r, uri, &r->ctx->suffixes, enum_walked);
	else if (rsip_strncasecmp(uri, "sip:", 4) == 0 || rsip_strncasecmp(uri, "sips:", 5) == 0)
		locate_uri(r, uri, located);
	else
		resolution_finish(r, RSIP_E_BAD_INPUT, "'%s' is not a tel:, sip: or sips: URI "
				  "nor a +E.164 number", uri);
}

/* A URI or number as a person gives it: "<sip:...>", a name-addr, "+49 421 ..."
 * (input.c), then by its scheme. */
static void begin_input(struct resolution *r, const char *input)
{
	char err[RSIP_ERRLEN], *uri = NULL;
	rsip_status st = input_normalise(input, &uri, err, sizeof(err));
	if (st != RSIP_OK) {
		resolution_finish(r, st, "%s", st == RSIP_E_NOMEM ? "out of memory" : err);
		return;
	}
	resolution_begin_uri(r, uri);
	free(uri);
}

/* What a resolution starts from: a URI, a route set, or a Via header. */
struct start {
	const char *uri;
	const char *const *route;
	size_t route_count;
	const char *via;
};

/* RFC 3261 §8.1.2 and §16.12: with a route set, the request goes to the
 * first Route URI (loose routing), or, when that URI lacks ;lr, to the
 * Request-URI it becomes under strict routing (§12.2.1.1): the same URI. */
static void begin_route(struct resolution *r, const struct start *s)
{
	char err[RSIP_ERRLEN], *first = NULL;
	struct sip_uri u;
	rsip_status st;

	st = route_uri(s->route[0], &first, err, sizeof(err));
	if (st == RSIP_OK && sip_uri_parse(first, &u, err, sizeof(err)) != RSIP_OK)
		st = RSIP_E_BAD_INPUT;
	if (st != RSIP_OK) {
		resolution_finish(r, st, "route %s: %s", s->route[0],
				  st == RSIP_E_NOMEM ? "out of memory" : err);
		free(first);
		return;
	}
	if (u.lr)
		result_note(r->res, "route set: %s is a loose router (;lr): the request goes "
			    "there, Request-URI %s unchanged (RFC 3261 §8.1.2, §16.12)", first,
			    s->uri);
	else
		result_note(r->res, "route set: %s is a strict router (no ;lr): it becomes the "
			    "Request-URI and the request goes there (RFC 3261 §12.2.1.1)", first);
	sip_uri_clear(&u);
	locate_uri(r, first, located);
	free(first);
}

/* RFC 3263 §5: a response whose usual path failed goes to the sent-by of
 * the topmost Via, located like a URI with that transport. */
static void begin_response(struct resolution *r, const struct start *s)
{
	char err[RSIP_ERRLEN], *uri = NULL;
	rsip_status st = via_response_uri(s->via, &uri, err, sizeof(err));
	if (st != RSIP_OK) {
		resolution_finish(r, st, "%s", st == RSIP_E_NOMEM ? "out of memory" : err);
		return;
	}
	result_note(r->res, "response: Via sent-by located as %s (RFC 3263 §5)", uri);
	locate_uri(r, uri, located);
	free(uri);
}

struct resolution *resolution_new(rsip_ctx *ctx, const char *input, const struct timespec *started,
				  rsip_callback callback, void *arg)
{
	struct resolution *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->res = result_new(input, ctx->trace)) == NULL) {
		free(r);
		return NULL;
	}
	r->ctx = ctx;
	r->dns = &ctx->dns;
	r->rng = &ctx->rng;
	r->on_end = resolution_deliver;
	r->cb = callback;
	r->cb_arg = arg;
	r->wave = 1;
	/* Why nothing validates: said once, on the first result. */
	if (ctx->dnssec_note != NULL && !ctx->dnssec_noted) {
		result_note(r->res, "DNSSEC: %s", ctx->dnssec_note);
		ctx->dnssec_noted = true;
	}
	/* The limits in force when it starts, and its deadline. */
	r->limits = ctx->limits;
	/* The transports, families, orders and policies it follows. */
	ctx_policy(ctx, &r->policy);
	/* RFC 3402 §3.3 step 4: the enumservices it uses, fixed from here on */
	r->enumsvc = enum_services_hold(ctx->enumsvc);
	resolution_start_clock(r, started);
	if (++ctx->next_id <= 0)
		ctx->next_id = 1;
	r->id = ctx->next_id;
	r->next = ctx->active;
	if (ctx->active != NULL)
		ctx->active->prev = r;
	ctx->active = r;
	ctx->pending++;
	return r;
}

static rsip_status start_resolution(rsip_ctx *ctx, const char *input, const struct start *s,
				    rsip_callback callback, void *arg, int *idp)
{
	struct resolution *r;
	struct timespec started;
	rsip_status st;

	if (idp != NULL)
		*idp = 0;
	if (ctx == NULL || input == NULL || callback == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	/* The deadline counts from here: the first resolution's includes the
	 * wait of ctx_start() for the servers' root keys. */
	now_monotonic(&started);
	st = ctx_start(ctx);
	if (st != RSIP_OK) {
		pthread_mutex_unlock(&ctx->lock);
		return st;
	}
	r = resolution_new(ctx, input, &started, callback, arg);
	if (r == NULL) {
		pthread_mutex_unlock(&ctx->lock);
		return RSIP_E_NOMEM;
	}
	if (idp != NULL)
		*idp = r->id;

	if (strnlen(input, RSIP_INPUT_MAX + 1) > RSIP_INPUT_MAX)
		resolution_finish(r, RSIP_E_BAD_INPUT, "the input is longer than %d octets",
				  RSIP_INPUT_MAX);
	else if (s->via != NULL)
		begin_response(r, s);
	else if (s->route_count > 0)
		begin_route(r, s);
	else
		begin_input(r, s->uri);
	resolution_settle(r);
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

rsip_status rsip_resolve_async(rsip_ctx *ctx, const char *uri, rsip_callback callback,
			       void *arg, int *idp)
{
	struct start s = {uri, NULL, 0, NULL};
	return start_resolution(ctx, uri, &s, callback, arg, idp);
}

rsip_status rsip_resolve_route_async(rsip_ctx *ctx, const char *request_uri,
				     const char *const *route, size_t count,
				     rsip_callback callback, void *arg, int *idp)
{
	struct start s = {request_uri, route, count, NULL};
	if (count > 0 && route == NULL)
		return RSIP_E_INVALID;
	for (size_t i = 0; i < count; i++)
		if (route[i] == NULL)
			return RSIP_E_INVALID;
	return start_resolution(ctx, request_uri, &s, callback, arg, idp);
}

rsip_status rsip_resolve_response_async(rsip_ctx *ctx, const char *via,
					rsip_callback callback, void *arg, int *idp)
{
	struct start s = {NULL, NULL, 0, via};
	return start_resolution(ctx, via, &s, callback, arg, idp);
}

/* Wait for answers, at most until the next deadline and at most 50 ms (a
 * bounded wait: another thread sharing the context may process our answer,
 * and then only its flag tells), then process them. */
static void wait_and_process(rsip_ctx *ctx)
{
	int fd = rsip_ctx_fd(ctx), ms = rsip_ctx_timeout(ctx);
	if (ms < 0 || ms > 50)
		ms = 50;
	if (ms > 0) {
		struct pollfd pfd = {fd, POLLIN, 0};
		poll(&pfd, fd >= 0 ? 1 : 0, ms);
	}
	rsip_ctx_process(ctx);
}

struct sync_wait {
	rsip_result *res;
	bool done;
};

static void sync_done(void *arg, rsip_result *res)
{
	struct sync_wait *w = arg;
	w->res = res;
	w->done = true;
}

/* Wait for the resolution that start() begins; shared by the synchronous
 * calls. */
static rsip_status wait_for(rsip_ctx *ctx, rsip_status st, struct sync_wait *w,
			    rsip_result **resp)
{
	if (st != RSIP_OK)
		return st;
	for (;;) {
		bool done;
		pthread_mutex_lock(&ctx->lock);
		done = w->done; /* set under the lock, by whichever thread processed */
		pthread_mutex_unlock(&ctx->lock);
		if (done)
			break;
		wait_and_process(ctx);
	}
	*resp = w->res;
	return rsip_result_status(w->res);
}

rsip_status rsip_resolve(rsip_ctx *ctx, const char *uri, rsip_result **resp)
{
	struct sync_wait w = {NULL, false};
	if (resp == NULL)
		return RSIP_E_INVALID;
	*resp = NULL;
	return wait_for(ctx, rsip_resolve_async(ctx, uri, sync_done, &w, NULL), &w, resp);
}

rsip_status rsip_resolve_route(rsip_ctx *ctx, const char *request_uri,
			       const char *const *route, size_t count, rsip_result **resp)
{
	struct sync_wait w = {NULL, false};
	if (resp == NULL)
		return RSIP_E_INVALID;
	*resp = NULL;
	return wait_for(ctx, rsip_resolve_route_async(ctx, request_uri, route, count,
						      sync_done, &w, NULL), &w, resp);
}

rsip_status rsip_resolve_response(rsip_ctx *ctx, const char *via, rsip_result **resp)
{
	struct sync_wait w = {NULL, false};
	if (resp == NULL)
		return RSIP_E_INVALID;
	*resp = NULL;
	return wait_for(ctx, rsip_resolve_response_async(ctx, via, sync_done, &w, NULL), &w,
			resp);
}

int rsip_ctx_fd(rsip_ctx *ctx)
{
	int fd = -1;
	if (ctx == NULL)
		return -1;
	pthread_mutex_lock(&ctx->lock);
	if (ctx->dns.ub != NULL)
		fd = ub_fd(ctx->dns.ub);
	pthread_mutex_unlock(&ctx->lock);
	return fd;
}

rsip_status rsip_ctx_process(rsip_ctx *ctx)
{
	struct timespec now;
	int err = 0;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	if (ctx->dns.ub != NULL)
		err = ub_process(ctx->dns.ub);
	now_monotonic(&now);
	ctx_expire(ctx, &now);
	pthread_mutex_unlock(&ctx->lock);
	return err == 0 ? RSIP_OK : RSIP_E_DNS_FAILURE;
}

rsip_status rsip_ctx_wait(rsip_ctx *ctx)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	while (rsip_ctx_pending(ctx) > 0)
		wait_and_process(ctx);
	return RSIP_OK;
}

size_t rsip_ctx_pending(const rsip_ctx *ctx)
{
	size_t n;
	if (ctx == NULL)
		return 0;
	pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
	n = ctx->pending;
	pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
	return n;
}

/* The API frees a context: the resolutions in flight first (this room owns
 * them), then the context itself (ctx.c). */
void rsip_ctx_free(rsip_ctx *ctx)
{
	if (ctx == NULL)
		return;
	pthread_mutex_lock(&ctx->lock);
	while (ctx->active != NULL)
		rsip_cancel(ctx, ctx->active->id);
	pthread_mutex_unlock(&ctx->lock);
	ctx_destroy(ctx);
}

rsip_status rsip_cancel(rsip_ctx *ctx, int id)
{
	struct resolution *r;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	for (r = ctx->active; r != NULL; r = r->next)
		if (r->id == id)
			break;
	if (r == NULL) {
		pthread_mutex_unlock(&ctx->lock);
		return RSIP_E_INVALID;
	}
	resolution_unlink(r);
	resolution_free(r);
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}
