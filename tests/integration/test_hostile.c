/* test_hostile.c - the hostile-zone suite: whole resolutions
 * through the public API over zones an attacker controls (tests/hostile/,
 * plus 500 SRV records and 64 KB answers written here), and against DNS
 * servers on loopback that answer SERVFAIL or never answer.  Each case must
 * end with a clear status within its bounds (RFC 6116 §5.2, §5.2.1; RFC
 * 2782; RFC 3263 §4; sipresolve(1), LIMITS). */
#define _GNU_SOURCE /* asprintf, mkdtemp */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "resolvsip.h"
#include "tap.h"

static char zonedir[64];

/* Time bounds are multiplied by $RSIP_TEST_SLOW (an integer, default 1),
 * for slow builds: ThreadSanitizer, valgrind. */
static double slow = 1.0;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool contains(const char *hay, const char *needle)
{
	return hay != NULL && strstr(hay, needle) != NULL;
}

/* ---- the zones ------------------------------------------------------ */

static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[4096];
	size_t n;
	if (in == NULL || out == NULL) {
		printf("Bail out! cannot copy %s to %s: %s\n", from, to, strerror(errno));
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, out);
	fclose(in);
	if (fclose(out) != 0) {
		printf("Bail out! cannot write %s\n", to);
		exit(1);
	}
}

/* gen.hostile.test: the bulky cases.  500 SRV records at _sip._udp.many
 * (RFC 2782), each target with an address; 4000 A records at big (a 64 KB
 * answer: 4000 x 16 octets); 250 NAPTR records of ~250 octets under the
 * ENUM key of +1-555-0111 (another 64 KB answer). */
static void write_generated_zone(void)
{
	char path[128];
	FILE *fp;
	snprintf(path, sizeof(path), "%s/gen.hostile.test.zone", zonedir);
	fp = fopen(path, "w");
	if (fp == NULL) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
	fputs("$ORIGIN gen.hostile.test.\n$TTL 300\n"
	      "@ SOA ns.hostile.test. hostmaster.hostile.test. 1 3600 600 604800 300\n"
	      "@ NS ns.hostile.test.\n", fp);
	for (int i = 0; i < 500; i++) {
		fprintf(fp, "_sip._udp.many SRV %d %d 5060 t%d.many.gen.hostile.test.\n",
			i % 3, i % 7, i);
		fprintf(fp, "t%d.many A 192.0.%d.%d\n", i, 2 + i / 250, i % 250 + 1);
	}
	for (int i = 0; i < 4000; i++)
		fprintf(fp, "big A 10.0.%d.%d\n", i / 256, i % 256);
	for (int i = 0; i < 250; i++)
		fprintf(fp, "1.1.1.0.5.5.5.1.e164 NAPTR 10 %d \"u\" \"E2U+sip\" "
			"\"!^.*$!sip:user%d@good.hostile.test;x=%0180d!\" .\n", i, i, 0);
	if (fclose(fp) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static void make_zones(void)
{
	char from[1024], to[128];
	snprintf(zonedir, sizeof(zonedir), "/tmp/rsip-hostile-XXXXXX");
	if (mkdtemp(zonedir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(from, sizeof(from), "%s/tests/hostile/hostile.test.zone", TOP_SRCDIR);
	snprintf(to, sizeof(to), "%s/hostile.test.zone", zonedir);
	copy_file(from, to);
	write_generated_zone();
}

static void remove_zones(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/hostile.test.zone", zonedir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/gen.hostile.test.zone", zonedir);
	unlink(path);
	rmdir(zonedir);
}

static rsip_ctx *zones_ctx(void)
{
	rsip_ctx *ctx = NULL;
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_set_zones(ctx, zonedir) != RSIP_OK ||
	    rsip_ctx_add_enum_suffix(ctx, "e164.hostile.test") != RSIP_OK ||
	    rsip_ctx_add_enum_suffix(ctx, "e164.gen.hostile.test") != RSIP_OK) {
		printf("Bail out! cannot serve %s: %s\n", zonedir, ctx ? rsip_ctx_errmsg(ctx) : "");
		exit(1);
	}
	rsip_ctx_set_seed(ctx, 1);
	return ctx;
}

static rsip_result *resolve(rsip_ctx *ctx, const char *uri, double *secs)
{
	rsip_result *res = NULL;
	double t0 = now();
	rsip_resolve(ctx, uri, &res);
	if (secs != NULL)
		*secs = now() - t0;
	if (res == NULL) {
		printf("Bail out! no result for %s\n", uri);
		exit(1);
	}
	return res;
}

/* True when some step of res has a note containing needle. */
static bool has_note(const rsip_result *res, const char *needle)
{
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *st = rsip_result_step(res, i);
		for (size_t k = 0; k < st->note_count; k++)
			if (contains(st->notes[k], needle))
				return true;
	}
	return false;
}

/* A note of the result itself (not of a step) contains needle. */
static bool has_result_note(const rsip_result *res, const char *needle)
{
	for (size_t i = 0; i < rsip_result_note_count(res); i++)
		if (contains(rsip_result_note(res, i), needle))
			return true;
	return false;
}

/* The ENUM record whose regexp contains needle, or NULL. */
static const rsip_naptr *record_with(const rsip_result *res, const char *needle)
{
	for (size_t i = 0; i < rsip_result_enum_record_count(res); i++) {
		const rsip_naptr *n = rsip_result_enum_record(res, i);
		if (contains(n->regexp, needle) || contains(n->replacement, needle))
			return n;
	}
	return NULL;
}

static const rsip_naptr *record_with_reason(const rsip_result *res, const char *needle)
{
	for (size_t i = 0; i < rsip_result_enum_record_count(res); i++) {
		const rsip_naptr *n = rsip_result_enum_record(res, i);
		if (n->reason != NULL && contains(n->reason, needle))
			return n;
	}
	return NULL;
}

/* ---- DNS outcomes ---------------------------------------------------- */

static void test_dns_outcomes(void)
{
	rsip_ctx *ctx = zones_ctx();
	rsip_result *res;
	double secs;

	res = resolve(ctx, "sip:a@cloop.hostile.test", &secs);
	is_int(rsip_result_status(res), RSIP_E_DNS_FAILURE,
	       "CNAME loop (RFC 1034 §3.6.2): dns-failure, not not-found");
	is_str(rsip_result_step(res, 0)->rcode_name, "SERVFAIL",
	       "CNAME loop: the resolver answers SERVFAIL, shown in the trace");
	ok(contains(rsip_result_error(res), "failed"), "CNAME loop: the error says a question "
	   "failed (%s)", rsip_result_error(res));
	ok(secs < 2.0 * slow, "CNAME loop: ends at once (%.0f ms)", secs * 1000);
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@nx.hostile.test", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "NXDOMAIN: not-found");
	is_str(rsip_result_step(res, 0)->rcode_name, "NXDOMAIN", "NXDOMAIN: in the trace");
	is_int(rsip_result_questions(res), 1, "RFC 8020: NXDOMAIN on NAPTR ends it (1 question)");
	rsip_result_free(res);

	res = resolve(ctx, "sip:a@nodata.hostile.test", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "NODATA: not-found");
	is_str(rsip_result_step(res, 0)->rcode_name, "NOERROR", "NODATA: NOERROR...");
	is_int(rsip_result_step(res, 0)->answer_count, 0, "NODATA: ...with no answer");
	ok(contains(rsip_result_error(res), "no address"), "NODATA: the error says no "
	   "address (%s)", rsip_result_error(res));
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0109", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "ENUM NODATA: not-found");
	ok(contains(rsip_result_error(res), "no NAPTR record"), "ENUM NODATA: said so (%s)",
	   rsip_result_error(res));
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* ---- SRV ------------------------------------------------------------- */

static void test_srv(void)
{
	rsip_ctx *ctx = zones_ctx();
	rsip_result *res;
	const rsip_target *t;
	double secs;
	bool distinct = true;

	res = resolve(ctx, "sip:a@many.gen.hostile.test", &secs);
	is_int(rsip_result_status(res), RSIP_OK, "500 SRV records: ok");
	is_int(rsip_result_target_count(res), 32, "500 SRV records: 32 targets resolved "
	       "(RSIP_LIMIT_SRV_TARGETS default)");
	is_int(rsip_result_step(res, 1)->answer_count, 500, "500 SRV records: all in the trace");
	ok(has_note(res, "more than 32 SRV targets"), "500 SRV records: the trace names "
	   "the limit");
	ok(rsip_result_questions(res) <= 128, "500 SRV records: within the question budget "
	   "(%u)", rsip_result_questions(res));
	ok(secs < 5.0 * slow, "500 SRV records: %.0f ms", secs * 1000);
	rsip_result_free(res);

	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_SRV_TARGETS, 500), RSIP_OK,
	       "RSIP_LIMIT_SRV_TARGETS can be raised to 500");
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 500);
	/* The 500 targets' addresses come in the SRV answer's additional
	 * section (RFC 2782), so the budget is shown with a small one. */
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_QUESTIONS, 1);
	res = resolve(ctx, "sip:a@many.gen.hostile.test", NULL);
	is_int(rsip_result_status(res), RSIP_E_LIMIT, "a question budget of 1 stops NAPTR "
	       "then SRV with status limit");
	ok(has_note(res, "question budget of 1 spent"), "question budget: a trace line "
	   "says so");
	is_int(rsip_result_questions(res), 1, "question budget: exactly 1 asked");
	rsip_result_free(res);

	rsip_ctx_set_limit(ctx, RSIP_LIMIT_QUESTIONS, 2000);
	res = resolve(ctx, "sip:a@many.gen.hostile.test", &secs);
	is_int(rsip_result_status(res), RSIP_OK, "500 SRV targets and 2000 questions: ok");
	is_int(rsip_result_target_count(res), 500, "...500 targets");
	for (size_t i = 1; i < rsip_result_target_count(res); i++)
		if (rsip_result_target(res, i - 1)->priority > rsip_result_target(res, i)->priority)
			distinct = false;
	ok(distinct, "RFC 2782: the 500 targets are in priority order");
	ok(secs < 10.0 * slow, "...in %.0f ms", secs * 1000);
	rsip_result_free(res);
	rsip_ctx_free(ctx);

	ctx = zones_ctx();
	res = resolve(ctx, "sip:a@odd.hostile.test", NULL);
	is_int(rsip_result_status(res), RSIP_OK, "SRV targets: an alias, an IP literal, a NUL "
	       "byte: ok");
	is_int(rsip_result_target_count(res), 1, "...one target: the alias's address");
	t = rsip_result_target(res, 0);
	is_str(t ? t->address : NULL, "192.0.2.61", "RFC 2782: an alias target is followed "
	       "(tolerated)");
	is_str(t ? t->host : NULL, "alias.odd.hostile.test.", "...and named by the SRV target");
	ok(has_note(res, "no IPv4 address for 192.0.2.1."), "RFC 2782: an IP literal target is "
	   "a name without address, noted in the trace");
	ok(has_note(res, "a\\000b.odd.hostile.test."), "a NUL byte in a target is asked in "
	   "presentation format, and noted");
	rsip_result_free(res);

	rsip_ctx_set_limit(ctx, RSIP_LIMIT_QUESTIONS, 1);
	res = resolve(ctx, "sip:a@odd.hostile.test", NULL);
	is_int(rsip_result_status(res), RSIP_E_LIMIT, "a budget of 1 question: status limit");
	ok(has_note(res, "question budget of 1 spent"), "...with a trace line");
	ok(contains(rsip_result_error(res), "more than 1 DNS questions"), "...and an error "
	   "(%s)", rsip_result_error(res));
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* ---- 64 KB answers ---------------------------------------------------- */

static void test_big_answers(void)
{
	rsip_ctx *ctx = zones_ctx();
	rsip_result *res;
	double secs;

	res = resolve(ctx, "sip:a@big.gen.hostile.test:5060", &secs);
	is_int(rsip_result_status(res), RSIP_OK, "a 64 KB answer (4000 A records): ok");
	is_int(rsip_result_target_count(res), 32, "...32 of the 4000 addresses are targets "
	       "(RSIP_LIMIT_ADDRESSES_PER_HOST default)");
	ok(has_result_note(res, "has 4000 IPv4 addresses: the first 32 are used, 3968 left out"),
	   "...and a note says so");
	ok(secs < 10.0 * slow, "...in %.0f ms", secs * 1000);
	rsip_result_free(res);

	rsip_ctx_set_limit(ctx, RSIP_LIMIT_ADDRESSES_PER_HOST, 4000);
	res = resolve(ctx, "sip:a@big.gen.hostile.test:5060", NULL);
	is_int(rsip_result_target_count(res), 64, "4000 addresses per host allowed: 64 targets "
	       "(RSIP_LIMIT_TARGETS default)");
	ok(has_result_note(res, "more than 64 targets: the last 3936 are left out"),
	   "...and a note says so");
	rsip_result_free(res);

	rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 4000);
	res = resolve(ctx, "sip:a@big.gen.hostile.test:5060", NULL);
	is_int(rsip_result_target_count(res), 4000, "both limits raised: all 4000 addresses "
	       "are targets");
	ok(!has_result_note(res, "left out") && !has_note(res, "left out"),
	   "...and no note of a cut");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_ADDRESSES_PER_HOST, 32);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 64);

	res = resolve(ctx, "tel:+1-555-0111", &secs);
	is_int(rsip_result_status(res), RSIP_OK, "a 64 KB NAPTR answer (250 rules): ok");
	is_int(rsip_result_enum_record_count(res), 250, "...250 records considered");
	ok(contains(rsip_result_uri(res), "sip:user0@good.hostile.test"), "RFC 3403 §4.1: "
	   "the best PREFERENCE is located (%s)", rsip_result_uri(res));
	ok(secs < 10.0 * slow, "...in %.0f ms", secs * 1000);
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* ---- ENUM: loops, hops, costs, bytes ------------------------------------ */

static void test_enum(void)
{
	rsip_ctx *ctx = zones_ctx();
	rsip_result *res;
	const rsip_naptr *n;
	double secs;

	res = resolve(ctx, "tel:+1-555-0101", &secs);
	is_int(rsip_result_status(res), RSIP_E_LOOP, "RFC 6116 §5.2.1: A -> B -> A is a loop");
	ok(has_note(res, "loop-a.hostile.test. not followed: a loop"), "...a trace line "
	   "says so");
	ok(secs < 2.0 * slow, "...found at once (%.0f ms)", secs * 1000);
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0112", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "three SIP URIs without target: "
	       "not-found");
	is_int(rsip_result_questions(res), 5, "...each located in turn (2 suffixes, then one "
	       "NXDOMAIN NAPTR question per URI, RFC 8020)");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_ENUM_URIS, 2);
	res = resolve(ctx, "tel:+1-555-0112", NULL);
	is_int(rsip_result_questions(res), 4, "RSIP_LIMIT_ENUM_URIS 2: only two located");
	ok(has_note(res, "2 SIP URIs from ENUM tried (RSIP_LIMIT_ENUM_URIS): the other 1"),
	   "...a trace line says so");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_ENUM_URIS, 8);

	res = resolve(ctx, "tel:+1-555-0102", NULL);
	is_int(rsip_result_status(res), RSIP_E_LOOP, "RFC 6116 §5.2.1: a rule to its own key "
	       "is a loop");
	is_int(rsip_result_questions(res), 2, "...asked once (2 suffixes), never again");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0103", NULL);
	is_int(rsip_result_status(res), RSIP_E_LOOP, "RFC 6116 §5.2.1: 6 non-terminal hops "
	       "are taken as a loop (RSIP_LIMIT_NAPTR_HOPS 5)");
	ok(has_note(res, "more than 5 non-terminal hops"), "...a trace line says so");
	rsip_result_free(res);
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_NAPTR_HOPS, 6), RSIP_OK,
	       "RSIP_LIMIT_NAPTR_HOPS can be raised to 6");
	res = resolve(ctx, "tel:+1-555-0103", NULL);
	is_int(rsip_result_status(res), RSIP_OK, "...then the 6-hop chain resolves");
	is_str(rsip_result_uri(res), "sip:chain@good.hostile.test", "...to its terminal rule");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_NAPTR_HOPS, 0);
	res = resolve(ctx, "tel:+1-555-0103", NULL);
	is_int(rsip_result_status(res), RSIP_E_LOOP, "RSIP_LIMIT_NAPTR_HOPS 0: no "
	       "non-terminal rule is followed");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_NAPTR_HOPS, 5);

	res = resolve(ctx, "tel:+1-555-0104", &secs);
	is_int(rsip_result_status(res), RSIP_E_LIMIT, "RFC 6116 §5.2: a regexp that "
	       "backtracks exponentially: status limit");
	n = rsip_result_enum_record(res, 0);
	ok(n != NULL && contains(n->reason, "match limit"), "...its record says which limit "
	   "(%s)", n ? n->reason : "-");
	ok(secs < 1.0 * slow, "...and it ends fast (%.0f ms)", secs * 1000);
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0105", NULL);
	is_int(rsip_result_status(res), RSIP_OK, "RFC 6116 §5.2: a costly rule is dropped, the "
	       "next one is used");
	is_str(rsip_result_uri(res), "sip:ok@good.hostile.test", "...its URI is located");
	n = rsip_result_enum_record(res, 0);
	is_int(n ? (int)n->verdict : -1, RSIP_VERDICT_INVALID, "...the costly rule is invalid");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0110", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "a regexp that backtracks within "
	       "the default match limit: no match, not-found");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_REGEX_MATCH, 1000);
	res = resolve(ctx, "tel:+1-555-0110", NULL);
	is_int(rsip_result_status(res), RSIP_E_LIMIT, "RSIP_LIMIT_REGEX_MATCH 1000 stops it: "
	       "status limit");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_REGEX_MATCH, 100000);

	res = resolve(ctx, "tel:+1-555-0106", NULL);
	is_int(rsip_result_status(res), RSIP_OK, "a NUL byte and invalid UTF-8 in regexps: the "
	       "good rule is used");
	is_str(rsip_result_uri(res), "sip:ok@good.hostile.test", "...its URI is located");
	n = record_with_reason(res, "NUL");
	ok(n != NULL && n->verdict == RSIP_VERDICT_INVALID,
	   "RFC 6116 §5.2: the record with a NUL byte is invalid, and says why (%s)",
	   n ? n->reason : "-");
	n = record_with_reason(res, "UTF-8");
	ok(n != NULL && n->verdict == RSIP_VERDICT_INVALID,
	   "RFC 6116 §5.2: invalid UTF-8 makes the record invalid (%s)", n ? n->reason : "-");
	rsip_result_free(res);

	res = resolve(ctx, "tel:+1-555-0107", NULL);
	is_int(rsip_result_status(res), RSIP_E_NOT_FOUND, "rewrites that are no SIP URI: "
	       "not-found (the input was good: never bad-input)");
	n = record_with(res, "not a uri");
	ok(n != NULL && n->verdict == RSIP_VERDICT_INVALID && contains(n->reason, "URI"),
	   "RFC 6116 §3.3: a result that is not a URI is invalid (%s)", n ? n->reason : "-");
	n = record_with(res, "aaaaaaaa");
	ok(n != NULL && n->verdict == RSIP_VERDICT_INVALID && contains(n->reason, "64"),
	   "RFC 1035 §2.3.4: a 64-octet label makes the record invalid (%s)",
	   n ? n->reason : "-");
	n = record_with(res, "-bad-");
	ok(n != NULL && n->verdict == RSIP_VERDICT_INVALID, "RFC 3261 §25.1: a host label "
	   "starting with '-' makes the record invalid");
	rsip_result_free(res);

	rsip_ctx_set_limit(ctx, RSIP_LIMIT_OUTPUT, 20);
	res = resolve(ctx, "tel:+1-555-0108", NULL);
	is_int(rsip_result_status(res), RSIP_E_LIMIT, "RSIP_LIMIT_OUTPUT 20: a 33-octet "
	       "rewrite is refused, status limit");
	n = rsip_result_enum_record(res, 0);
	ok(n != NULL && contains(n->reason, "longer than 20 octets"), "...the record says so "
	   "(%s)", n ? n->reason : "-");
	rsip_result_free(res);
	rsip_ctx_set_limit(ctx, RSIP_LIMIT_OUTPUT, 2048);
	res = resolve(ctx, "tel:+1-555-0108", NULL);
	is_str(rsip_result_uri(res), "sip:15550108@good.hostile.test", "the default output "
	       "limit lets it through");
	rsip_result_free(res);
	rsip_ctx_free(ctx);
}

/* ---- servers on loopback ------------------------------------------------ */

/* A UDP socket on 127.0.0.1 and an ephemeral port. */
static int loopback_socket(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		printf("Bail out! cannot bind a UDP socket on 127.0.0.1: %s\n", strerror(errno));
		exit(1);
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

struct servfail_server {
	int fd;
	atomic_int stop;
	int answered; /* read after the thread is joined */
};

/* Answer every query with its own header and question, QR set, RCODE
 * SERVFAIL (RFC 1035 §4.1.1). */
static void *servfail_main(void *arg)
{
	struct servfail_server *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd pfd = {s->fd, POLLIN, 0};
		unsigned char buf[4096];
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n;
		if (poll(&pfd, 1, 50) <= 0)
			continue;
		n = recvfrom(s->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
		if (n < 12)
			continue;
		buf[2] |= 0x80;                   /* QR */
		buf[3] = (unsigned char)((buf[3] & 0xf0) | 0x80 | 2); /* RA, SERVFAIL */
		sendto(s->fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
		s->answered++;
	}
	return NULL;
}

static rsip_ctx *server_ctx(unsigned port)
{
	rsip_ctx *ctx = NULL;
	char server[32];
	snprintf(server, sizeof(server), "127.0.0.1#%u", port);
	if (rsip_ctx_new(&ctx) != RSIP_OK || rsip_ctx_add_server(ctx, server) != RSIP_OK) {
		printf("Bail out! cannot use server %s\n", server);
		exit(1);
	}
	return ctx;
}

static void test_servfail(void)
{
	struct servfail_server s;
	unsigned port;
	pthread_t th;
	rsip_ctx *ctx;
	rsip_result *res;
	double secs;

	memset(&s, 0, sizeof(s));
	atomic_init(&s.stop, 0);
	s.fd = loopback_socket(&port);
	pthread_create(&th, NULL, servfail_main, &s);
	ctx = server_ctx(port);
	res = resolve(ctx, "sip:a@example.com", &secs);
	is_int(rsip_result_status(res), RSIP_E_DNS_FAILURE, "a server answering SERVFAIL: "
	       "dns-failure");
	is_str(rsip_result_step(res, 0)->rcode_name, "SERVFAIL", "...SERVFAIL in the trace");
	ok(secs < 8.0 * slow, "...within %.1f s", secs);
	rsip_result_free(res);
	res = resolve(ctx, "tel:+1-555-0100", NULL);
	is_int(rsip_result_status(res), RSIP_E_DNS_FAILURE, "ENUM against SERVFAIL: "
	       "dns-failure");
	ok(contains(rsip_result_error(res), "failed"), "...the error says so (%s)",
	   rsip_result_error(res));
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	atomic_store(&s.stop, 1);
	pthread_join(th, NULL);
	close(s.fd);
	ok(s.answered > 0, "the SERVFAIL server was asked (%d replies)", s.answered);
}

struct async_seen {
	int calls;
	rsip_status status;
};

static void on_result(void *arg, rsip_result *res)
{
	struct async_seen *seen = arg;
	seen->calls++;
	seen->status = rsip_result_status(res);
	rsip_result_free(res);
}

static void test_silent_server(void)
{
	unsigned port;
	int fd = loopback_socket(&port); /* bound, never read: no answer ever */
	rsip_ctx *ctx = server_ctx(port);
	rsip_result *res;
	const rsip_step *st;
	struct async_seen seen = {0, 0};
	int timeout, max_timeout = 0;
	double secs, t0;

	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, 300), RSIP_OK,
	       "RSIP_LIMIT_DEADLINE can be set to 300 ms");
	res = resolve(ctx, "sip:a@example.com", &secs);
	is_int(rsip_result_status(res), RSIP_E_TIMEOUT, "a server that never answers: status "
	       "timeout");
	ok(secs >= 0.29 && secs < 1.5 * slow, "...at the deadline (%.0f ms for 300 ms)",
	   secs * 1000);
	st = rsip_result_step(res, 0);
	is_int(st ? st->rcode : 0, -1, "...the question has no rcode");
	ok(has_note(res, "within the deadline of 300 ms"), "...a trace line says so");
	ok(contains(rsip_result_error(res), "deadline"), "...and the error (%s)",
	   rsip_result_error(res));
	rsip_result_free(res);

	/* An event loop: poll the descriptor with rsip_ctx_timeout(). */
	is_int(rsip_ctx_timeout(ctx), -1, "rsip_ctx_timeout: -1 with nothing outstanding");
	t0 = now();
	rsip_resolve_async(ctx, "sip:b@example.com", on_result, &seen, NULL);
	while (seen.calls == 0 && now() - t0 < 5.0) {
		struct pollfd pfd = {rsip_ctx_fd(ctx), POLLIN, 0};
		timeout = rsip_ctx_timeout(ctx);
		if (timeout > max_timeout)
			max_timeout = timeout;
		poll(&pfd, 1, timeout);
		rsip_ctx_process(ctx);
	}
	secs = now() - t0;
	ok(max_timeout > 0 && max_timeout <= 300, "rsip_ctx_timeout: at most the deadline "
	   "(%d ms)", max_timeout);
	is_int(seen.calls, 1, "event loop: the callback ran once");
	is_int(seen.status, RSIP_E_TIMEOUT, "event loop: with status timeout");
	ok(secs >= 0.29 && secs < 1.5 * slow, "event loop: at the deadline (%.0f ms)", secs * 1000);
	rsip_ctx_free(ctx);
	close(fd);
}

/* ---- the limits API ------------------------------------------------------ */

static void test_limits_api(void)
{
	rsip_ctx *ctx = NULL;
	unsigned long v = 0;
	static const struct {
		rsip_limit which;
		unsigned long def;
	} defaults[] = {
		{RSIP_LIMIT_QUESTIONS, 128}, {RSIP_LIMIT_SRV_TARGETS, 32},
		{RSIP_LIMIT_NAPTR_HOPS, 5}, {RSIP_LIMIT_ENUM_URIS, 8},
		{RSIP_LIMIT_REGEX_MATCH, 100000}, {RSIP_LIMIT_REGEX_DEPTH, 10000},
		{RSIP_LIMIT_REGEX_HEAP, 4096}, {RSIP_LIMIT_OUTPUT, 2048},
		{RSIP_LIMIT_DEADLINE, 10000}, {RSIP_LIMIT_ADDRESSES_PER_HOST, 32},
		{RSIP_LIMIT_TARGETS, 64},
	};
	rsip_ctx_new(&ctx);
	for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
		rsip_ctx_get_limit(ctx, defaults[i].which, &v);
		is_int(v, defaults[i].def, "limit %d defaults to %lu", (int)defaults[i].which,
		       defaults[i].def);
	}
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_QUESTIONS, 0), RSIP_E_CONFIG,
	       "a limit out of range is refused");
	ok(contains(rsip_ctx_errmsg(ctx), "questions"), "...naming it (%s)",
	   rsip_ctx_errmsg(ctx));
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_NAPTR_HOPS, 17), RSIP_E_CONFIG,
	       "NAPTR hops above 16 are refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_DEADLINE, 3600001), RSIP_E_CONFIG,
	       "a deadline above an hour is refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_ADDRESSES_PER_HOST, 0), RSIP_E_CONFIG,
	       "0 addresses per host are refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_ADDRESSES_PER_HOST, 10001), RSIP_E_CONFIG,
	       "more than 10000 addresses per host are refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 0), RSIP_E_CONFIG,
	       "0 targets are refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 100001), RSIP_E_CONFIG,
	       "more than 100000 targets are refused");
	is_int(rsip_ctx_set_limit(ctx, RSIP_LIMIT_TARGETS, 100000), RSIP_OK,
	       "100000 targets are allowed");
	rsip_ctx_get_limit(ctx, RSIP_LIMIT_TARGETS, &v);
	is_int(v, 100000, "...and read back");
	is_int(rsip_ctx_set_limit(ctx, (rsip_limit)99, 1), RSIP_E_INVALID,
	       "an unknown limit is an invalid call");
	is_int(rsip_ctx_get_limit(ctx, RSIP_LIMIT_QUESTIONS, NULL), RSIP_E_INVALID,
	       "get_limit without a place for the value is an invalid call");
	is_int(rsip_ctx_set_limit(NULL, RSIP_LIMIT_QUESTIONS, 1), RSIP_E_INVALID,
	       "set_limit without a context is an invalid call");
	rsip_ctx_get_limit(ctx, RSIP_LIMIT_QUESTIONS, &v);
	is_int(v, 128, "a refused value leaves the limit as it was");
	rsip_ctx_free(ctx);
}

static void test_input_bound(void)
{
	rsip_ctx *ctx = zones_ctx();
	char *big = malloc(RSIP_INPUT_MAX + 2);
	rsip_result *res;
	memcpy(big, "sip:", 4);
	memset(big + 4, 'a', RSIP_INPUT_MAX - 2);
	big[RSIP_INPUT_MAX + 1] = '\0';
	res = resolve(ctx, big, NULL);
	is_int(rsip_result_status(res), RSIP_E_BAD_INPUT, "an input over RSIP_INPUT_MAX is "
	       "bad input");
	ok(contains(rsip_result_error(res), "longer than 8192"), "...said so (%s)",
	   rsip_result_error(res));
	rsip_result_free(res);
	free(big);
	rsip_ctx_free(ctx);
}

int main(void)
{
	const char *env = getenv("RSIP_TEST_SLOW");
	if (env != NULL && atoi(env) > 1)
		slow = atoi(env);
	make_zones();
	test_limits_api();
	test_dns_outcomes();
	test_srv();
	test_big_answers();
	test_enum();
	test_input_bound();
	test_servfail();
	test_silent_server();
	remove_zones();
	return tap_done();
}
