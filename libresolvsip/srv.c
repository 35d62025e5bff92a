/* srv.c - SRV order: RFC 2782 weighted selection (bias fixed), RFC 3263 §4.4; a seeded RNG. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* The generator: xoshiro256** (Blackman and Vigna, 2018) with its state filled
 * by splitmix64 (Steele, Lea and Flood), as its authors recommend.  Not for
 * secrets: it only spreads load between servers (RFC 2782 weights). */

static uint64_t rotl64(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

/* One splitmix64 step: a Weyl sequence through a 64-bit finaliser. */
static uint64_t splitmix64_next(uint64_t *state)
{
	uint64_t z;

	*state += UINT64_C(0x9e3779b97f4a7c15);
	z = *state;
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void rsip_rng_seed(struct rsip_rng *rng, uint64_t seed)
{
	uint64_t sm = seed;

	/* Four consecutive splitmix64 outputs are never all zero (its finaliser
	 * is a bijection and its inputs differ), and all-zero is the one state
	 * xoshiro must avoid. */
	for (size_t i = 0; i < 4; i++)
		rng->s[i] = splitmix64_next(&sm);
}

uint64_t rsip_rng_next(struct rsip_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl64(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl64(s[3], 45);
	return result;
}

uint64_t rsip_rng_below(struct rsip_rng *rng, uint64_t bound)
{
	uint64_t threshold, x;

	if (bound <= 1)
		return 0; /* bound 0 breaks the contract: answer 0, not a trap */
	/* Rejection sampling: x % bound is uniform when x is drawn from a range
	 * whose length is a multiple of bound.  threshold = 2^64 mod bound, so
	 * [threshold, 2^64) has 2^64 - (2^64 mod bound) values.  Fewer than half
	 * of the draws are rejected, whatever the bound. */
	threshold = (0 - bound) % bound;
	do {
		x = rsip_rng_next(rng);
	} while (x < threshold);
	return x % bound;
}

uint64_t srv_draw_rng(void *arg, uint64_t lo, uint64_t hi)
{
	struct rsip_rng *rng = arg;

	if (hi <= lo)
		return lo;
	/* hi - lo + 1 wraps to 0 for the full 64-bit range: every output of the
	 * generator is then already uniform. */
	if (hi - lo == UINT64_MAX)
		return rsip_rng_next(rng);
	return lo + rsip_rng_below(rng, hi - lo + 1);
}

/* ------------------------------------------------------------------ */
/* Helpers shared by both orders. */

void srv_rec_clear(struct srv_rec *r)
{
	if (r == NULL)
		return;
	free(r->target);
	r->target = NULL;
}

/* RFC 2782: 'A Target of "." means that the service is decidedly not
 * available at this domain.' */
static bool srv_is_root(const struct srv_rec *r)
{
	return r->target != NULL && strcmp(r->target, ".") == 0;
}

/* RFC 2782 "Usage rules": "If there is precisely one SRV RR, and its Target is
 * "." (the root domain), abort."  A lone "." therefore stays, so the caller
 * can report "service not offered" (no A/AAAA fallback).  Among other
 * records a "." stands for no server and is dropped, its target freed.
 * When every record is "." (several of them), one is kept: the domain still
 * says the service is not offered, and an empty list would instead send the
 * caller to the A/AAAA fallback that RFC 2782 reserves for a missing SRV.
 * The slots past the returned count are zeroed, so srv_rec_clear() on all of
 * the original n records stays safe. */
static size_t srv_drop_root_targets(struct srv_rec *recs, size_t n)
{
	size_t roots = 0, kept = 0;

	for (size_t i = 0; i < n; i++)
		if (srv_is_root(&recs[i]))
			roots++;
	if (roots == 0 || n == 1)
		return n;
	for (size_t i = 0; i < n; i++) {
		bool keep = !srv_is_root(&recs[i]) || (roots == n && kept == 0);
		if (keep) {
			if (kept != i)
				recs[kept] = recs[i];
			kept++;
		} else {
			srv_rec_clear(&recs[i]);
		}
	}
	memset(&recs[kept], 0, (n - kept) * sizeof(recs[0]));
	return kept;
}

/* A stable insertion sort: allocation-free, and a DNS answer holds at most a
 * few thousand SRV records (64 KiB / ~20 bytes), so O(n^2) moves of small
 * structs are cheap.  Binary search finds the slot, memmove opens it; the slot
 * is after every equal element, which keeps equal elements in input order. */
static void srv_sort(struct srv_rec *recs, size_t n,
		     int (*cmp)(const struct srv_rec *, const struct srv_rec *))
{
	for (size_t i = 1; i < n; i++) {
		struct srv_rec key = recs[i];
		size_t lo = 0, hi = i;

		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp(&recs[mid], &key) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < i) {
			memmove(&recs[lo + 1], &recs[lo], (i - lo) * sizeof(recs[0]));
			recs[lo] = key;
		}
	}
}

static int cmp_u16(uint16_t a, uint16_t b)
{
	return (a > b) - (a < b);
}

/* RFC 2782: priority ascending ("lowest number first"); within a priority the
 * weight-0 records come first, as the selection step arranges them. */
static int cmp_priority_zero_first(const struct srv_rec *a, const struct srv_rec *b)
{
	int c = cmp_u16(a->priority, b->priority);

	if (c != 0)
		return c;
	return (a->weight != 0) - (b->weight != 0);
}

static const char *srv_target_text(const struct srv_rec *r)
{
	return r->target != NULL ? r->target : "";
}

/* RFC 3263 §4.4: priority, weight descending, target, port.  The last
 * case-sensitive comparison only settles targets equal but for letter case,
 * so the order never depends on the order of the DNS answer. */
static int cmp_deterministic(const struct srv_rec *a, const struct srv_rec *b)
{
	int c = cmp_u16(a->priority, b->priority);

	if (c == 0)
		c = cmp_u16(b->weight, a->weight);
	if (c == 0)
		c = rsip_strcasecmp(srv_target_text(a), srv_target_text(b));
	if (c == 0)
		c = cmp_u16(a->port, b->port);
	if (c == 0)
		c = strcmp(srv_target_text(a), srv_target_text(b));
	return c;
}

/* ------------------------------------------------------------------ */
/* RFC 2782 weighted selection */

/* Move recs[from] to recs[to] (to <= from), shifting recs[to..from-1] up by
 * one: the rest keeps its relative order. */
static void srv_move_down(struct srv_rec *recs, size_t to, size_t from)
{
	struct srv_rec picked = recs[from];

	if (from == to)
		return;
	memmove(&recs[to + 1], &recs[to], (from - to) * sizeof(recs[0]));
	recs[to] = picked;
}

/* Fisher-Yates: for i = m-1 down to 1, swap recs[i] with recs[draw(0, i)].
 * An injected draw that returns hi leaves the order as it is. */
static void srv_shuffle(struct srv_rec *recs, size_t m, srv_draw_fn draw, void *arg)
{
	for (size_t i = m; i-- > 1;) {
		uint64_t j = draw(arg, 0, i);
		if (j > i)
			j = i; /* a misbehaving injected draw: stay in bounds */
		if (j != i) {
			struct srv_rec t = recs[i];
			recs[i] = recs[j];
			recs[j] = t;
		}
	}
}

/* Order recs[0..m) (one priority, weight-0 records already first) in place.
 *
 * RFC 2782 ("Weight"): "arrange all SRV RRs (that have not been ordered yet)
 * in any order, except that all those with weight 0 are placed at the
 * beginning of the list.  Compute the sum of the weights of those RRs, and
 * with each RR associate the running sum in the selected order.  Then choose
 * a uniform random number between 0 and the sum computed (inclusive), and
 * select the RR whose running sum value is the first in the selected order
 * which is greater than or equal to the random number selected."
 *
 * Known bias (doc/DESIGN.md §3; heimdal PR #161, synapse PR #5864): r is
 * drawn from S + 1 values, and r = 0 always selects the first record of the
 * arrangement, weight or not.  With all weights positive and a random
 * arrangement, P(i) = (w_i + 1/n) / (S + 1): weights 1 and 3 (RFC 2782's own
 * example, "three quarters" for new-fast-box) give 0.3/0.7, not 1/4 and 3/4.
 *
 * The fix keeps the RFC's running-sum step and changes only what r = 0 may
 * mean:
 * - Weight-0 records remain (Z > 0): r in 0..S.  r = 0 selects the first of
 *   them (their running sum is 0), r in 1..S the nonzero record whose share of
 *   the running sum holds r.  The weight-0 group gets 1/(S+1), "a very small
 *   chance of being selected" (RFC 2782), each nonzero record w_i/(S+1).
 * - No weight-0 record: r in 1..S, so each record gets exactly w_i/S, the
 *   "proportionately higher probability" RFC 2782 asks for.
 * - S = 0 (only weight-0 records left): every record is equally likely.
 * Since r >= 1 can never land on a weight-0 record and each nonzero record
 * owns exactly w_i values of r wherever it sits, the arrangement of the
 * nonzero records does not change any probability; only the order of the
 * weight-0 records matters (r = 0, S = 0 take the first of them).  So the
 * weight-0 records are shuffled once (the DNS order is not random: servers
 * send RRsets in a fixed or cyclic order) and keep that order as the others
 * are removed: each pick among them is uniform over those remaining.
 * The sum is 64-bit: 65535 times the number of records overflows 16 bits
 * (and 32 bits past 65537 records). */
static void srv_order_priority(struct srv_rec *recs, size_t m, srv_draw_fn draw, void *arg)
{
	uint64_t sum = 0;
	size_t zeros = 0;

	for (size_t i = 0; i < m; i++) {
		sum += recs[i].weight;
		if (recs[i].weight == 0)
			zeros++;
	}
	srv_shuffle(recs, zeros, draw, arg);

	/* recs[0..k) is ordered; recs[k..m) the remaining arrangement. */
	for (size_t k = 0; k + 1 < m; k++) {
		size_t pick = k;

		if (sum > 0) {
			uint64_t r = draw(arg, zeros > 0 ? 0 : 1, sum);
			uint64_t running = 0;

			/* The first record whose running sum is >= r; a draw
			 * above the sum (only a broken injected one) takes the
			 * last record. */
			pick = m - 1;
			for (size_t i = k; i < m; i++) {
				running += recs[i].weight;
				if (running >= r) {
					pick = i;
					break;
				}
			}
		}
		/* else S = 0: recs[k] is the first of the shuffled weight-0
		 * records, a uniform pick among the remaining. */
		sum -= recs[pick].weight;
		if (recs[pick].weight == 0)
			zeros--;
		srv_move_down(recs, k, pick);
	}
}

size_t srv_order(struct srv_rec *recs, size_t n, srv_draw_fn draw, void *arg)
{
	if (recs == NULL || n == 0)
		return 0;
	/* No source of randomness: the stateless order of RFC 3263 §4.4 is
	 * still a valid order, where a call through NULL would crash. */
	if (draw == NULL)
		return srv_order_deterministic(recs, n);
	n = srv_drop_root_targets(recs, n);
	/* RFC 2782 "Usage rules": "Sort the list by priority (lowest number
	 * first)", then order each priority level on its own: a higher priority
	 * never comes before a lower one, whatever the weights. */
	srv_sort(recs, n, cmp_priority_zero_first);
	for (size_t a = 0; a < n;) {
		size_t b = a + 1;

		while (b < n && recs[b].priority == recs[a].priority)
			b++;
		srv_order_priority(&recs[a], b - a, draw, arg);
		a = b;
	}
	return n;
}

size_t srv_order_deterministic(struct srv_rec *recs, size_t n)
{
	if (recs == NULL || n == 0)
		return 0;
	/* RFC 3263 §4.4: "The stateless proxy MUST define a deterministic order
	 * to the records in that case [same priority] ... One suggestion is to
	 * alphabetize them".  Weight descending first, so the heavier server of
	 * a pair gets the traffic, then the target, then the port. */
	n = srv_drop_root_targets(recs, n);
	srv_sort(recs, n, cmp_deterministic);
	return n;
}
