/* test_threads.c - threads sharing one context: rsip_resolve() from
 * many threads at once, an event-loop thread (rsip_resolve_async,
 * rsip_ctx_process, rsip_cancel), and one changing limits and the seed, all
 * on one rsip_ctx; every result must be right.  CI runs it under
 * ThreadSanitizer (configure --enable-sanitizers=thread), which must stay
 * silent. */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolvsip.h"
#include "tap.h"

#define THREADS 6
#define ROUNDS 30

static rsip_ctx *ctx;

struct expect {
	const char *uri;
	rsip_status status;
	size_t targets;
};

static const struct expect cases[] = {
	{"tel:+49-421-201-7028", RSIP_OK, 3},
	{"sip:jo@tzi.org;transport=tcp", RSIP_OK, 4},
	{"sip:nobody@nonexistent.example", RSIP_E_NOT_FOUND, 0},
	{"sip:bad@@x", RSIP_E_BAD_INPUT, 0},
	{"sips:jo@tzi.org", RSIP_OK, 3},
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

struct worker {
	pthread_t th;
	int index;
	int wrong;       /* results that were not as expected */
	char why[200];
};

static void check(struct worker *w, const struct expect *e, const rsip_result *res)
{
	if (res == NULL || rsip_result_status(res) != e->status ||
	    rsip_result_target_count(res) != e->targets) {
		if (w->wrong++ == 0)
			snprintf(w->why, sizeof(w->why), "%s: status %s, %zu targets", e->uri,
				 res ? rsip_status_name(rsip_result_status(res)) : "none",
				 res ? rsip_result_target_count(res) : 0);
	}
}

static void *sync_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < ROUNDS; i++) {
		const struct expect *e = &cases[(size_t)(i + w->index) % NCASES];
		rsip_result *res = NULL;
		rsip_resolve(ctx, e->uri, &res);
		check(w, e, res);
		rsip_result_free(res);
	}
	return NULL;
}

struct async_call {
	struct worker *w;
	const struct expect *e;
	atomic_int *done;
};

/* May run in any thread that processes the context: this one, or another
 * one inside rsip_resolve() (the callbacks run with the context's lock held,
 * so check() needs no lock of its own; the counter is read without it). */
static void async_done(void *arg, rsip_result *res)
{
	struct async_call *c = arg;
	check(c->w, c->e, res);
	rsip_result_free(res);
	atomic_fetch_add(c->done, 1);
}

/* An event loop of its own: start a batch, cancel one, process until the
 * others have called back. */
static void *loop_main(void *arg)
{
	struct worker *w = arg;
	for (int round = 0; round < ROUNDS / 3; round++) {
		struct async_call calls[NCASES + 1];
		atomic_int done, cancelled_calls;
		int started = 0, id = 0;
		rsip_status cancel;
		atomic_init(&done, 0);
		atomic_init(&cancelled_calls, 0);
		for (size_t i = 0; i < NCASES; i++) {
			calls[i].w = w;
			calls[i].e = &cases[i];
			calls[i].done = &done;
			if (rsip_resolve_async(ctx, cases[i].uri, async_done, &calls[i], NULL) ==
			    RSIP_OK)
				started++;
		}
		/* One more, cancelled at once: once rsip_cancel() has said RSIP_OK
		 * it must never call back (another thread may have processed it
		 * first: then the cancel is refused, and it called back once). */
		calls[NCASES].w = w;
		calls[NCASES].e = &cases[0];
		calls[NCASES].done = &cancelled_calls;
		rsip_resolve_async(ctx, cases[0].uri, async_done, &calls[NCASES], &id);
		cancel = rsip_cancel(ctx, id);
		while (atomic_load(&done) < started) {
			struct pollfd pfd = {rsip_ctx_fd(ctx), POLLIN, 0};
			int ms = rsip_ctx_timeout(ctx);
			poll(&pfd, pfd.fd >= 0 ? 1 : 0, ms < 0 || ms > 20 ? 20 : ms);
			rsip_ctx_process(ctx);
		}
		if (atomic_load(&cancelled_calls) != (cancel == RSIP_OK ? 0 : 1) &&
		    w->wrong++ == 0)
			snprintf(w->why, sizeof(w->why), "rsip_cancel() said %s, and the "
				 "callback ran %d times", rsip_status_name(cancel),
				 atomic_load(&cancelled_calls));
	}
	return NULL;
}

/* Settings that may change while others resolve. */
static void *tuner_main(void *arg)
{
	struct worker *w = arg;
	for (int i = 0; i < ROUNDS * 4; i++) {
		unsigned long v = 0;
		rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, 10000 + (unsigned long)(i % 7));
		rsip_ctx_set_limit(ctx, RSIP_LIMIT_QUESTIONS, 128 + (unsigned long)(i % 3));
		rsip_ctx_get_limit(ctx, RSIP_LIMIT_QUESTIONS, &v);
		rsip_ctx_set_seed(ctx, (uint64_t)i);
		(void)rsip_ctx_pending(ctx);
		(void)rsip_ctx_timeout(ctx);
		if (v < 128 || v > 130) {
			if (w->wrong++ == 0)
				snprintf(w->why, sizeof(w->why), "limit read back as %lu", v);
		}
	}
	return NULL;
}

int main(void)
{
	struct worker w[THREADS + 2];
	char path[1024];

	snprintf(path, sizeof(path), "%s/zones", TOP_SRCDIR);
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, path) != RSIP_OK) {
		printf("Bail out! cannot serve %s\n", path);
		return 1;
	}
	memset(w, 0, sizeof(w));
	for (int i = 0; i < THREADS + 2; i++) {
		void *(*fn)(void *) = i < THREADS ? sync_main :
				      i == THREADS ? loop_main : tuner_main;
		w[i].index = i;
		if (pthread_create(&w[i].th, NULL, fn, &w[i]) != 0) {
			printf("Bail out! pthread_create\n");
			return 1;
		}
	}
	for (int i = 0; i < THREADS + 2; i++)
		pthread_join(w[i].th, NULL);
	for (int i = 0; i < THREADS; i++) {
		if (!ok(w[i].wrong == 0, "thread %d: %d rsip_resolve() calls on the "
			"shared context, each result right", i, ROUNDS))
			tap_diag("  %d wrong; first: %s", w[i].wrong, w[i].why);
	}
	if (!ok(w[THREADS].wrong == 0, "an event-loop thread on the same context: "
		"async results right, a cancelled one never calls back"))
		tap_diag("  %s", w[THREADS].why);
	if (!ok(w[THREADS + 1].wrong == 0, "limits and seed set from another thread "
		"meanwhile"))
		tap_diag("  %s", w[THREADS + 1].why);
	is_int(rsip_ctx_pending(ctx), 0, "nothing left pending");
	rsip_ctx_free(ctx);
	return tap_done();
}
