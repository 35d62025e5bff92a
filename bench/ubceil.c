/* ubceil.c - the ceiling: how many questions per second libunbound answers
 * in process from its cache, pipelined through ub_resolve_async() on a
 * threaded context (doc/DESIGN.md §5, doc/PERFORMANCE.md).  Benchmark tool.
 *
 *   ubceil SERVER[@PORT] NAMES-FILE ROUNDS IN-FLIGHT
 *
 * NAMES-FILE holds "name TYPE" lines (dnsperf's format).  One warm-up round
 * fills the cache; then ROUNDS rounds over the names are timed.  Prints
 * "N questions in S s: R/s". */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unbound.h>

#define MAX_NAMES 100000

static int answered;

static void on_answer(void *arg, int err, struct ub_result *result)
{
	(void)arg;
	(void)err;
	answered++;
	if (result != NULL)
		ub_resolve_free(result);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int type_number(const char *t)
{
	if (strcmp(t, "NAPTR") == 0)
		return 35;
	if (strcmp(t, "SRV") == 0)
		return 33;
	if (strcmp(t, "AAAA") == 0)
		return 28;
	return 1;
}

/* Ask total questions, at most inflight at once; returns the seconds taken. */
static double run(struct ub_ctx *ub, char **names, int *types, int n, int total, int inflight)
{
	double t0 = now();
	int sent = 0;
	answered = 0;
	while (answered < total) {
		while (sent < total && sent - answered < inflight) {
			if (ub_resolve_async(ub, names[sent % n], types[sent % n], 1, NULL,
					     on_answer, NULL) != 0) {
				fprintf(stderr, "ubceil: cannot ask\n");
				exit(1);
			}
			sent++;
		}
		struct pollfd p = {ub_fd(ub), POLLIN, 0};
		poll(&p, 1, 100);
		ub_process(ub);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	static char *names[MAX_NAMES];
	static int types[MAX_NAMES];
	char name[256], type[16];
	struct ub_ctx *ub;
	FILE *f;
	int n = 0, rounds, inflight;
	double secs;

	if (argc != 5) {
		fprintf(stderr, "usage: ubceil SERVER[@PORT] NAMES-FILE ROUNDS IN-FLIGHT\n");
		return 2;
	}
	rounds = atoi(argv[3]);
	inflight = atoi(argv[4]);
	if ((f = fopen(argv[2], "r")) == NULL) {
		perror(argv[2]);
		return 1;
	}
	while (n < MAX_NAMES && fscanf(f, "%255s %15s", name, type) == 2) {
		names[n] = strdup(name);
		types[n++] = type_number(type);
	}
	fclose(f);
	if (n == 0 || rounds < 1 || inflight < 1) {
		fprintf(stderr, "ubceil: nothing to ask\n");
		return 2;
	}
	ub = ub_ctx_create();
	if (ub == NULL || ub_ctx_async(ub, 1) != 0 ||
	    ub_ctx_set_option(ub, "do-not-query-localhost:", "no") != 0 ||
	    ub_ctx_set_fwd(ub, argv[1]) != 0) {
		fprintf(stderr, "ubceil: cannot set up libunbound\n");
		return 1;
	}
	run(ub, names, types, n, n, inflight); /* warm the cache */
	secs = run(ub, names, types, n, n * rounds, inflight);
	printf("%d questions in %.3f s: %.0f/s\n", n * rounds, secs, n * rounds / secs);
	ub_ctx_delete(ub);
	return 0;
}
