/* test_srv.c - srv.c: RFC 2782 SRV ordering (doc/DESIGN.md §3), RFC 3263 §4.4, the RNG. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

/* The statistical tests use fixed seeds, so each run draws the same numbers
 * and gives the same verdict: a failure means the algorithm (or the
 * generator) changed, never bad luck.  Each test rejects at p < 0.001, so a
 * correct algorithm passes a fresh seed 999 times in 1000; the seeds below
 * were not chosen to make anything pass.  The whole file runs in about 0.1 s
 * (4 s under valgrind). */
static const unsigned long stat_n = 100000;

/* Chi-square critical values at p = 0.001 by degrees of freedom. */
static const double chi2_crit[] = {0, 10.828, 13.816, 16.266, 18.467, 20.515};

struct spec {
	uint16_t priority, weight, port;
	const char *target;
};

static void build(struct srv_rec *recs, const struct spec *sp, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		recs[i].priority = sp[i].priority;
		recs[i].weight = sp[i].weight;
		recs[i].port = sp[i].port;
		recs[i].target = rsip_strdup(sp[i].target);
		recs[i].dns_index = i;
	}
}

static void clear_all(struct srv_rec *recs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		srv_rec_clear(&recs[i]);
}

/* "a. c. b." (with ports: "a.:5060 ..."), for is_str diagnostics. */
static const char *order_str(const struct srv_rec *recs, size_t n, int with_port)
{
	static char buf[1024];
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && len < sizeof(buf); i++) {
		int w;
		if (with_port)
			w = snprintf(buf + len, sizeof(buf) - len, "%s%s:%u", i ? " " : "",
				     recs[i].target ? recs[i].target : "(null)",
				     (unsigned)recs[i].port);
		else
			w = snprintf(buf + len, sizeof(buf) - len, "%s%s", i ? " " : "",
				     recs[i].target ? recs[i].target : "(null)");
		if (w < 0)
			break;
		len += (size_t)w;
	}
	return buf;
}

static double chi_square(const unsigned long *obs, const double *p, size_t k, unsigned long n)
{
	double chi2 = 0;

	for (size_t i = 0; i < k; i++) {
		double e = p[i] * (double)n;
		double d = (double)obs[i] - e;
		chi2 += d * d / e;
	}
	return chi2;
}

/* Print observed and expected shares, then the verdict. */
static void check_chi2(const unsigned long *obs, const double *p, size_t k, unsigned long n,
		       const char *name)
{
	double chi2 = chi_square(obs, p, k, n);

	for (size_t i = 0; i < k; i++)
		tap_diag("  %s [%zu]: observed %.4f, expected %.4f", name, i,
			 (double)obs[i] / (double)n, p[i]);
	ok(chi2 < chi2_crit[k - 1], "%s (chi-square %.2f < %.3f, df=%zu, N=%lu)", name, chi2,
	   chi2_crit[k - 1], k - 1, n);
}

/* ------------------------------------------------------------------ */
/* An injected draw: returns the scripted values in turn (DRAW_HI, or the end
 * of the script: hi) and records each call's range. */

#define DRAW_HI UINT64_MAX
#define SCRIPT_MAX 32

struct script {
	const uint64_t *vals;
	size_t nvals, ncalls;
	uint64_t lo[SCRIPT_MAX], hi[SCRIPT_MAX];
};

static uint64_t script_draw(void *arg, uint64_t lo, uint64_t hi)
{
	struct script *sc = arg;
	uint64_t v = sc->ncalls < sc->nvals ? sc->vals[sc->ncalls] : DRAW_HI;

	if (sc->ncalls < SCRIPT_MAX) {
		sc->lo[sc->ncalls] = lo;
		sc->hi[sc->ncalls] = hi;
	}
	sc->ncalls++;
	return v == DRAW_HI ? hi : v;
}

/* Order specs with a script; returns the order string. */
static const char *scripted_order(const struct spec *sp, size_t n, const uint64_t *vals,
				  size_t nvals, struct script *sc, size_t *count)
{
	struct srv_rec recs[16];
	const char *s;

	memset(sc, 0, sizeof(*sc));
	sc->vals = vals;
	sc->nvals = nvals;
	build(recs, sp, n);
	*count = srv_order(recs, n, script_draw, sc);
	s = order_str(recs, *count, 0);
	clear_all(recs, n);
	return s;
}

static void test_injected(void)
{
	static const struct spec zero_first[] = {
		{0, 10, 5060, "b."}, {0, 0, 5060, "a."}, {0, 20, 5060, "c."}};
	static const struct spec three[] = {
		{0, 10, 5060, "a."}, {0, 20, 5060, "b."}, {0, 30, 5060, "c."}};
	static const struct spec big[] = {
		{0, 65535, 5060, "a."}, {0, 65535, 5060, "b."}, {0, 1, 5060, "c."}};
	static const struct spec zeros[] = {
		{0, 0, 5060, "a."}, {0, 0, 5060, "b."}, {0, 0, 5060, "c."}};
	static const struct spec two_zeros[] = {
		{0, 0, 5060, "z1."}, {0, 5, 5060, "x."}, {0, 0, 5060, "z2."}};
	static const struct spec prio[] = {
		{10, 65535, 5060, "p."}, {0, 0, 5060, "q."}, {5, 1, 5060, "r."},
		{0, 100, 5060, "s."}};
	struct script sc;
	size_t n;

	{
		static const uint64_t v[] = {0, 30};
		is_str(scripted_order(zero_first, 3, v, 2, &sc, &n), "a. c. b.",
		       "RFC 2782: r=0 selects the weight-0 record placed first, r=S the last");
		ok(sc.ncalls == 2 && sc.lo[0] == 0 && sc.hi[0] == 30,
		   "doc/DESIGN.md §3 fix: r drawn from 0..S while weight-0 records remain");
		ok(sc.lo[1] == 1 && sc.hi[1] == 30,
		   "doc/DESIGN.md §3 fix: r drawn from 1..S once no weight-0 record remains");
	}
	{
		static const uint64_t v[] = {10, 21};
		is_str(scripted_order(three, 3, v, 2, &sc, &n), "a. c. b.",
		       "RFC 2782: r equal to a running sum (10) selects that record");
		ok(sc.ncalls == 2 && sc.lo[0] == 1 && sc.hi[0] == 60 && sc.hi[1] == 50,
		   "RFC 2782: S is recomputed over the unordered records after each pick");
	}
	{
		static const uint64_t v[] = {30, 10};
		is_str(scripted_order(three, 3, v, 2, &sc, &n), "b. a. c.",
		       "RFC 2782: r equal to the running sum 30 selects b, not c");
	}
	{
		static const uint64_t v[] = {11, 40};
		is_str(scripted_order(three, 3, v, 2, &sc, &n), "b. c. a.",
		       "RFC 2782: r one past a running sum selects the next record");
	}
	{
		static const uint64_t v[] = {1, 1};
		is_str(scripted_order(three, 3, v, 2, &sc, &n), "a. b. c.",
		       "RFC 2782: the smallest r selects the first record");
	}
	{
		static const uint64_t v[] = {60, 30};
		is_str(scripted_order(three, 3, v, 2, &sc, &n), "c. b. a.",
		       "RFC 2782: r=S selects the last record");
		is_int(sc.ncalls, 2, "RFC 2782: the last record of a priority needs no draw");
	}
	{
		static const uint64_t v[] = {131071, 65535};
		is_str(scripted_order(big, 3, v, 2, &sc, &n), "c. a. b.",
		       "doc/DESIGN.md §3: weights summing past 65535, r=S selects the last");
		is_int(sc.hi[0], 131071, "doc/DESIGN.md §3: the weight sum is 64-bit (131071)");
	}
	{
		/* Fisher-Yates over the weight-0 records: i=2 swaps with 0, then
		 * i=1 swaps with 0: a b c -> c b a -> b c a. */
		static const uint64_t v[] = {0, 0};
		is_str(scripted_order(zeros, 3, v, 2, &sc, &n), "b. c. a.",
		       "doc/DESIGN.md §3: S=0 orders the records as shuffled by the draw");
		ok(sc.ncalls == 2 && sc.hi[0] == 2 && sc.hi[1] == 1,
		   "doc/DESIGN.md §3: S=0 needs only the shuffle's draws");
	}
	{
		/* Shuffle of z1 z2: draw(0,1)=0 swaps them; r=0 then takes z2. */
		static const uint64_t v[] = {0, 0, 3};
		is_str(scripted_order(two_zeros, 3, v, 3, &sc, &n), "z2. x. z1.",
		       "RFC 2782: r=0 takes the first weight-0 record of the shuffled list");
	}
	{
		is_str(scripted_order(prio, 4, NULL, 0, &sc, &n), "s. q. r. p.",
		       "RFC 2782: strict priority order, whatever the weights");
		is_int(sc.ncalls, 1, "RFC 2782: a priority level with one record needs no draw");
	}
	{
		static const uint64_t v[] = {0};
		is_str(scripted_order(prio, 4, v, 1, &sc, &n), "q. s. r. p.",
		       "RFC 2782: weight 0 can come first, within its priority only");
	}
}

static void test_root_target(void)
{
	static const struct spec lone[] = {{0, 0, 0, "."}};
	static const struct spec mixed[] = {
		{0, 0, 0, "."}, {1, 0, 5060, "a."}, {2, 0, 0, "."}, {1, 0, 5061, "b."}};
	static const struct spec all_root[] = {{0, 0, 0, "."}, {1, 0, 0, "."}};
	struct srv_rec recs[4];
	struct script sc;
	size_t n;

	memset(&sc, 0, sizeof(sc));
	build(recs, lone, 1);
	n = srv_order(recs, 1, script_draw, &sc);
	is_int(n, 1, "RFC 2782: a single \".\" target stays (the caller aborts)");
	is_str(recs[0].target, ".", "RFC 2782: the single record keeps its \".\" target");
	clear_all(recs, 1);

	build(recs, mixed, 4);
	n = srv_order(recs, 4, script_draw, &sc);
	is_int(n, 2, "RFC 2782: \".\" among other records is dropped");
	is_str(order_str(recs, n, 1), "a.:5060 b.:5061",
	       "RFC 2782: the remaining records keep their priority order");
	ok(recs[2].target == NULL && recs[3].target == NULL,
	   "RFC 2782: the slots past the new count are cleared");
	clear_all(recs, 4);

	build(recs, all_root, 2);
	n = srv_order(recs, 2, script_draw, &sc);
	ok(n == 1 && strcmp(recs[0].target, ".") == 0,
	   "RFC 2782: only \".\" records -> one \".\" kept (service not offered)");
	clear_all(recs, 2);

	build(recs, lone, 1);
	n = srv_order_deterministic(recs, 1);
	ok(n == 1 && strcmp(recs[0].target, ".") == 0,
	   "RFC 3263 §4.4 with RFC 2782: a single \".\" target stays");
	clear_all(recs, 1);

	build(recs, mixed, 4);
	n = srv_order_deterministic(recs, 4);
	is_str(order_str(recs, n, 1), "a.:5060 b.:5061",
	       "RFC 3263 §4.4 with RFC 2782: \".\" among other records is dropped");
	clear_all(recs, 4);

	is_int(srv_order(recs, 0, script_draw, &sc), 0, "RFC 2782: no records, nothing to order");
}

static void test_deterministic(void)
{
	static const struct spec sp[] = {
		{1, 5, 5060, "b.example.com."},
		{0, 1, 5060, "server1.example.com."},
		{0, 2, 5060, "server2.example.com."},
		{0, 2, 5061, "Alpha.example.com."},
		{0, 2, 5060, "alpha.example.com."},
		{0, 2, 5060, "ALPHA.example.com."},
	};
	static const char *want = "ALPHA.example.com.:5060 alpha.example.com.:5060 "
				  "Alpha.example.com.:5061 server2.example.com.:5060 "
				  "server1.example.com.:5060 b.example.com.:5060";
	struct srv_rec recs[6];
	struct spec rot[6];
	int same = 1;

	build(recs, sp, 6);
	is_int(srv_order_deterministic(recs, 6), 6, "RFC 3263 §4.4: all records kept");
	is_str(order_str(recs, 6, 1), want,
	       "RFC 3263 §4.4: priority, weight descending, target (case-insensitive), port");
	clear_all(recs, 6);
	/* The DNS may rotate an RRset between answers (round robin). */
	for (size_t r = 1; r < 6; r++) {
		for (size_t i = 0; i < 6; i++)
			rot[i] = sp[(i + r) % 6];
		build(recs, rot, 6);
		srv_order_deterministic(recs, 6);
		if (strcmp(order_str(recs, 6, 1), want) != 0)
			same = 0;
		clear_all(recs, 6);
	}
	ok(same, "RFC 3263 §4.4: the order does not depend on the DNS answer's order");
}

static void test_clear(void)
{
	struct srv_rec r;

	memset(&r, 0, sizeof(r));
	srv_rec_clear(&r);
	ok(r.target == NULL, "srv_rec_clear accepts a zeroed record");
	r.target = rsip_strdup("sip.example.com.");
	srv_rec_clear(&r);
	ok(r.target == NULL, "srv_rec_clear frees the target and resets it");
	srv_rec_clear(&r);
	ok(r.target == NULL, "srv_rec_clear twice is harmless");
}

/* ------------------------------------------------------------------ */
/* The generator */

static void test_rng(void)
{
	/* splitmix64 from state 0 and xoshiro256** from state {0, 0, 0, 1}:
	 * the outputs of the authors' reference implementations. */
	static const uint64_t splitmix0[] = {
		UINT64_C(0xe220a8397b1dcdaf), UINT64_C(0x6e789e6aa1b965f4),
		UINT64_C(0x06c45d188009454f), UINT64_C(0xf88bb8a8724c81ec)};
	static const uint64_t xoshiro0001[] = {
		UINT64_C(0x0000000000000000), UINT64_C(0x0000000000000000),
		UINT64_C(0x0000000000001680), UINT64_C(0x02d0000000001680),
		UINT64_C(0x02d0005a2d001680), UINT64_C(0x0000005a2d0b4120),
		UINT64_C(0x68b45a5a2d0b57a0), UINT64_C(0x68b48716ad000120),
		UINT64_C(0x1cb48716b2a00288), UINT64_C(0x11b10070bdeb59bc)};
	static const double third[] = {1.0 / 3, 1.0 / 3, 1.0 / 3};
	struct rsip_rng a, b;
	unsigned long counts[3] = {0, 0, 0};
	int good = 1, differ = 0;
	uint64_t bound, v;

	rsip_rng_seed(&a, 0);
	ok(memcmp(a.s, splitmix0, sizeof(splitmix0)) == 0,
	   "rng: seed 0 fills the state with splitmix64's reference outputs");
	a.s[0] = a.s[1] = a.s[2] = 0;
	a.s[3] = 1;
	for (size_t i = 0; i < 10; i++)
		if (rsip_rng_next(&a) != xoshiro0001[i])
			good = 0;
	ok(good, "rng: xoshiro256** matches its reference outputs from state {0,0,0,1}");

	rsip_rng_seed(&a, 42);
	rsip_rng_seed(&b, 42);
	good = 1;
	for (int i = 0; i < 1000; i++)
		if (rsip_rng_next(&a) != rsip_rng_next(&b))
			good = 0;
	ok(good, "rng: the same seed gives the same sequence");
	rsip_rng_seed(&b, 43);
	for (int i = 0; i < 1000; i++)
		if (rsip_rng_next(&a) != rsip_rng_next(&b))
			differ++;
	ok(differ > 990, "rng: seeds 42 and 43 give different sequences");

	rsip_rng_seed(&a, 3);
	good = 1;
	for (unsigned long i = 0; i < stat_n; i++) {
		v = rsip_rng_below(&a, 3);
		if (v >= 3)
			good = 0;
		else
			counts[v]++;
	}
	ok(good, "rng: rsip_rng_below(3) stays below 3");
	check_chi2(counts, third, 3, stat_n, "rng: rsip_rng_below(3) is uniform");

	good = 1;
	for (int i = 0; i < 100; i++)
		if (rsip_rng_below(&a, 1) != 0)
			good = 0;
	ok(good, "rng: rsip_rng_below(1) is 0");
	/* 2^63 + 1 rejects almost half of the draws: the worst case. */
	bound = (UINT64_C(1) << 63) + 1;
	good = 1;
	for (int i = 0; i < 1000; i++)
		if (rsip_rng_below(&a, bound) >= bound)
			good = 0;
	ok(good, "rng: rsip_rng_below(2^63 + 1) stays below its bound");

	/* hi - lo + 1 wraps to 0 here: the draw must neither divide by it nor
	 * loop for ever. */
	v = 0;
	for (int i = 0; i < 1000; i++)
		v |= srv_draw_rng(&a, 0, UINT64_MAX);
	ok(v >> 63 == 1, "doc/DESIGN.md §3: srv_draw_rng(0, UINT64_MAX) returns (full range)");
	good = 1;
	for (int i = 0; i < 1000; i++) {
		v = srv_draw_rng(&a, UINT64_MAX - 2, UINT64_MAX);
		if (v < UINT64_MAX - 2)
			good = 0;
		v = srv_draw_rng(&a, 1, UINT64_MAX);
		if (v < 1)
			good = 0;
	}
	ok(good, "doc/DESIGN.md §3: srv_draw_rng stays in [lo, hi] at the top of the range");
	is_int(srv_draw_rng(&a, 7, 7), 7, "doc/DESIGN.md §3: srv_draw_rng(7, 7) is 7");
}

/* ------------------------------------------------------------------ */
/* Seeded statistical tests (doc/DESIGN.md §3) */

/* recs gets shallow copies of tmpl: srv_order frees no target but ".", and
 * these templates have none. */
static void copy_recs(struct srv_rec *recs, const struct srv_rec *tmpl, size_t n)
{
	memcpy(recs, tmpl, n * sizeof(recs[0]));
}

/* Count which record (dns_index) srv_order puts first. */
static void count_first(const struct spec *sp, size_t n, uint64_t seed, srv_draw_fn draw,
			int shuffle_dns, unsigned long *counts)
{
	struct srv_rec tmpl[8], recs[8];
	struct rsip_rng rng;

	build(tmpl, sp, n);
	rsip_rng_seed(&rng, seed);
	for (size_t i = 0; i < n; i++)
		counts[i] = 0;
	for (unsigned long it = 0; it < stat_n; it++) {
		copy_recs(recs, tmpl, n);
		/* A random DNS order: what the textbook formula assumes. */
		for (size_t i = n; shuffle_dns && i-- > 1;) {
			size_t j = (size_t)rsip_rng_below(&rng, i + 1);
			struct srv_rec t = recs[i];
			recs[i] = recs[j];
			recs[j] = t;
		}
		srv_order(recs, n, draw, &rng);
		counts[recs[0].dns_index]++;
	}
	clear_all(tmpl, n);
}

/* The textbook RFC 2782 draw: r from 0..S even without weight-0 records. */
static uint64_t textbook_draw(void *arg, uint64_t lo, uint64_t hi)
{
	(void)lo;
	return srv_draw_rng(arg, 0, hi);
}

static void test_first_pick(void)
{
	/* RFC 2782 example: "three quarters" of the connections to new-fast-box. */
	static const struct spec rfc2782[] = {
		{0, 1, 9, "old-slow-box.example.com."},
		{0, 3, 9, "new-fast-box.example.com."},
		{1, 0, 9, "sysadmins-box.example.com."},
		{1, 0, 9, "server.example.com."}};
	static const double p2782[] = {0.25, 0.75};
	static const double p2782_biased[] = {0.3, 0.7};
	/* RFC 3263 §4.1: server2 (weight 2) first 2/3 of the time. */
	static const struct spec rfc3263[] = {
		{0, 1, 5060, "server1.example.com."}, {0, 2, 5060, "server2.example.com."}};
	static const double p3263[] = {1.0 / 3, 2.0 / 3};
	static const struct spec four[] = {
		{0, 10, 5060, "a."}, {0, 20, 5060, "b."}, {0, 30, 5060, "c."},
		{0, 40, 5060, "d."}};
	static const double pfour[] = {0.1, 0.2, 0.3, 0.4};
	/* Weight 0 gets 1/(S+1) = 1/16 as a group, 1/32 each. */
	static const struct spec zeros[] = {
		{0, 0, 5060, "z1."}, {0, 5, 5060, "a."}, {0, 0, 5060, "z2."},
		{0, 10, 5060, "b."}};
	static const double pzeros[] = {1.0 / 32, 5.0 / 16, 1.0 / 32, 10.0 / 16};
	static const struct spec rare[] = {{0, 0, 5060, "z."}, {0, 99, 5060, "a."}};
	static const double prare[] = {0.01, 0.99};
	unsigned long c[4];

	count_first(rfc2782, 4, 2782, srv_draw_rng, 0, c);
	check_chi2(c, p2782, 2, stat_n, "RFC 2782 example: new-fast-box first 3/4 of the time");
	count_first(rfc2782, 4, 2783, srv_draw_rng, 1, c);
	check_chi2(c, p2782, 2, stat_n, "RFC 2782 example: 3/4 also when the DNS order varies");
	/* The same test on the textbook draw: it must see the known bias, or
	 * the tests above could not tell the fix from the bias. */
	count_first(rfc2782, 4, 2784, textbook_draw, 1, c);
	ok(chi_square(c, p2782, 2, stat_n) > chi2_crit[1],
	   "doc/DESIGN.md §3 known bias: the textbook 0..S draw fails the 3/4 test (%.4f)",
	   (double)c[1] / (double)stat_n);
	check_chi2(c, p2782_biased, 2, stat_n,
		   "doc/DESIGN.md §3 known bias: textbook draw gives (w_i+1/n)/(S+1) = 0.7");

	count_first(rfc3263, 2, 3263, srv_draw_rng, 0, c);
	check_chi2(c, p3263, 2, stat_n, "RFC 3263 §4.1 example: server2 first 2/3 of the time");
	count_first(four, 4, 4, srv_draw_rng, 0, c);
	check_chi2(c, pfour, 4, stat_n, "RFC 2782: first pick of weights 10,20,30,40 is w_i/S");
	count_first(zeros, 4, 0, srv_draw_rng, 0, c);
	check_chi2(c, pzeros, 4, stat_n,
		   "doc/DESIGN.md §3: weight-0 share 1/(S+1), even among them, w_i/(S+1) else");
	count_first(rare, 2, 99, srv_draw_rng, 0, c);
	check_chi2(c, prare, 2, stat_n, "RFC 2782: weight 0 next to weight 99 first 1/100");
}

/* Index of an ordering of the three records 0, 1, 2. */
static size_t perm_index(const struct srv_rec *recs)
{
	return recs[0].dns_index * 2 + (recs[1].dns_index > recs[2].dns_index ? 1 : 0);
}

static void count_orderings(const struct spec *sp, uint64_t seed, unsigned long *counts)
{
	struct srv_rec tmpl[3], recs[3];
	struct rsip_rng rng;

	build(tmpl, sp, 3);
	rsip_rng_seed(&rng, seed);
	for (size_t i = 0; i < 6; i++)
		counts[i] = 0;
	for (unsigned long it = 0; it < stat_n; it++) {
		copy_recs(recs, tmpl, 3);
		srv_order(recs, 3, srv_draw_rng, &rng);
		counts[perm_index(recs)]++;
	}
	clear_all(tmpl, 3);
}

static void test_orderings(void)
{
	static const struct spec w124[] = {
		{0, 1, 5060, "a."}, {0, 2, 5060, "b."}, {0, 4, 5060, "c."}};
	static const struct spec w000[] = {
		{0, 0, 5060, "a."}, {0, 0, 5060, "b."}, {0, 0, 5060, "c."}};
	static const double w[3] = {1, 2, 4};
	static const double uniform[6] = {1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6, 1.0 / 6};
	double p[6];
	unsigned long c[6];
	int all = 1;

	/* P(a, b, c) = w_a / S * w_b / (S - w_a): the product of the
	 * conditional probabilities of RFC 2782's repeated selection. */
	for (size_t a = 0; a < 3; a++)
		for (size_t b = 0; b < 3; b++) {
			size_t third = 3 - a - b;
			if (b == a)
				continue;
			p[a * 2 + (b > third ? 1 : 0)] = w[a] / 7 * (w[b] / (7 - w[a]));
		}
	count_orderings(w124, 124, c);
	check_chi2(c, p, 6, stat_n, "RFC 2782: all 6 orderings of weights 1,2,4");

	count_orderings(w000, 0, c);
	for (size_t i = 0; i < 6; i++)
		if (c[i] == 0)
			all = 0;
	ok(all, "doc/DESIGN.md §3: all weights 0, every ordering occurs");
	check_chi2(c, uniform, 6, stat_n, "doc/DESIGN.md §3: all weights 0, orderings uniform");
}

static void test_priority_runs(void)
{
	static const struct spec sp[] = {
		{1, 65535, 5060, "a."}, {0, 0, 5060, "b."}, {1, 65535, 5060, "c."},
		{0, 1, 5060, "d."}, {1, 0, 5060, "e."}};
	struct srv_rec tmpl[5], recs[5];
	struct rsip_rng rng;
	int good = 1;

	build(tmpl, sp, 5);
	rsip_rng_seed(&rng, 1000);
	for (int it = 0; it < 1000; it++) {
		copy_recs(recs, tmpl, 5);
		if (srv_order(recs, 5, srv_draw_rng, &rng) != 5)
			good = 0;
		for (size_t i = 1; i < 5; i++)
			if (recs[i].priority < recs[i - 1].priority)
				good = 0;
	}
	ok(good, "RFC 2782: over 1,000 runs priority 1 never comes before priority 0");
	clear_all(tmpl, 5);
}

static void test_reproducible(void)
{
	struct spec sp[20];
	struct srv_rec tmpl[20], recs[20];
	struct rsip_rng rng;
	char first[1024], names[20][8];
	int same = 1, varied = 0;

	for (size_t i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "h%zu.", i);
		sp[i].priority = (uint16_t)(i % 3);
		sp[i].weight = (uint16_t)(i % 4 == 0 ? 0 : i * 7);
		sp[i].port = 5060;
		sp[i].target = names[i];
	}
	build(tmpl, sp, 20);
	copy_recs(recs, tmpl, 20);
	rsip_rng_seed(&rng, 7);
	srv_order(recs, 20, srv_draw_rng, &rng);
	snprintf(first, sizeof(first), "%s", order_str(recs, 20, 0));
	for (int k = 0; k < 3; k++) {
		copy_recs(recs, tmpl, 20);
		rsip_rng_seed(&rng, 7);
		srv_order(recs, 20, srv_draw_rng, &rng);
		if (strcmp(order_str(recs, 20, 0), first) != 0)
			same = 0;
	}
	ok(same, "doc/DESIGN.md §3: the same seed gives the same order");
	for (uint64_t seed = 8; seed < 18; seed++) {
		copy_recs(recs, tmpl, 20);
		rsip_rng_seed(&rng, seed);
		srv_order(recs, 20, srv_draw_rng, &rng);
		if (strcmp(order_str(recs, 20, 0), first) != 0)
			varied++;
	}
	ok(varied >= 9, "doc/DESIGN.md §3: different seeds give different orders (%d of 10)",
	   varied);
	clear_all(tmpl, 20);
}

/* srv_draw_rng that remembers the largest hi it was asked for. */
struct max_draw {
	struct rsip_rng rng;
	uint64_t max_hi;
};

static uint64_t max_draw_fn(void *arg, uint64_t lo, uint64_t hi)
{
	struct max_draw *m = arg;

	if (hi > m->max_hi)
		m->max_hi = hi;
	return srv_draw_rng(&m->rng, lo, hi);
}

static void test_many(void)
{
	enum { MANY = 500 };
	struct srv_rec *recs = calloc(MANY, sizeof(*recs));
	unsigned char *seen = calloc(MANY, 1);
	uint64_t sum[3] = {0, 0, 0}, want_max = 0;
	struct max_draw md;
	char name[32];
	size_t n;
	int good = 1;

	if (recs == NULL || seen == NULL) {
		ok(0, "RFC 2782: 500 records (out of memory)");
		free(recs);
		free(seen);
		return;
	}
	for (size_t i = 0; i < MANY; i++) {
		snprintf(name, sizeof(name), "h%03zu.example.com.", i);
		recs[i].priority = (uint16_t)(2 - i % 3);
		recs[i].weight = (uint16_t)(i % 10 == 0 ? 0 : 65535 - i);
		recs[i].port = 5060;
		recs[i].target = rsip_strdup(name);
		recs[i].dns_index = i;
		sum[2 - i % 3] += recs[i].weight;
	}
	for (size_t p = 0; p < 3; p++)
		if (sum[p] > want_max)
			want_max = sum[p];
	memset(&md, 0, sizeof(md));
	rsip_rng_seed(&md.rng, 500);
	n = srv_order(recs, MANY, max_draw_fn, &md);
	is_int(n, MANY, "RFC 2782: 500 records, all kept");
	for (size_t i = 0; i < n; i++) {
		if (recs[i].dns_index >= MANY || seen[recs[i].dns_index])
			good = 0;
		else
			seen[recs[i].dns_index] = 1;
		if (i > 0 && recs[i].priority < recs[i - 1].priority)
			good = 0;
	}
	ok(good, "RFC 2782: 500 records, a permutation in priority order");
	is_int(md.max_hi, want_max,
	       "RFC 2782: weights summing past 65535 (%llu) do not overflow",
	       (unsigned long long)want_max);
	clear_all(recs, MANY);
	free(recs);
	free(seen);
}

int main(void)
{
	test_injected();
	test_root_target();
	test_deterministic();
	test_clear();
	test_rng();
	test_first_pick();
	test_orderings();
	test_priority_runs();
	test_reproducible();
	test_many();
	return tap_done();
}
