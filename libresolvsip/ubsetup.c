/* ubsetup.c - the context's start: the hosts file read, libunbound created
 * and configured for the DNS mode (zones, servers, resolv.conf, recursion),
 * its capacity and log, and the probe of the servers' root keys (RFC 4035
 * §4.3); which names a trust anchor covers. */
#define _GNU_SOURCE /* asprintf, mkdtemp, fopencookie */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

/* Names that libunbound answers itself before any zone is consulted (its
 * default local-zones, RFC 6761 and friends).  A zone given with --zones at or
 * below one of them must still be served, so that default is lifted. */
static const char *const special_use_zones[] = {
	"localhost.", "test.", "invalid.", "onion.", "home.arpa.",
	"resolver.arpa.", "service.arpa.", "local.", "127.in-addr.arpa.",
	"10.in-addr.arpa.", "168.192.in-addr.arpa.", "254.169.in-addr.arpa.",
	"in-addr.arpa.", "ip6.arpa.", NULL
};

/* The default local-zones of libunbound that answer with data of their own:
 * localhost. (a redirect zone: every name below it has 127.0.0.1 and ::1)
 * and the loopback reverse names.  Zones mode answers from its zones only (a
 * name outside them is NXDOMAIN, sipresolve(1)), so they are always lifted,
 * and such names go to the root stub.  The other defaults are empty, and
 * answer NXDOMAIN as the stub does. */
static const char *const answering_default_zones[] = {
	"localhost.", "127.in-addr.arpa.",
	"1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa.", NULL
};

/* RFC 6761 §6.2, RFC 8375: the private-use zones that servers and
 * resolv.conf mode pass on to the servers (lift_private_use_zones()). */
static const char *const private_use_zones[] = {"test.", "home.arpa.", NULL};

/* Read the hosts file the context chose, once.  By default only resolv.conf
 * mode reads the system's, as the system's own resolver does; the test
 * harness (a backend) stands for DNS alone, so it reads none unless told. */
static rsip_status ctx_load_hosts(rsip_ctx *ctx)
{
	rsip_status st = RSIP_OK;
	char err[RSIP_ERRLEN] = "";
	if (ctx->dns.hosts.loaded)
		return RSIP_OK;
	switch (ctx->hosts_choice) {
	case HOSTS_DEFAULT:
		if (ctx->mode == DNS_MODE_RESOLVCONF && ctx->dns.backend == NULL)
			st = hosts_load(&ctx->dns.hosts, HOSTS_SYSTEM_FILE, false, err,
					sizeof(err));
		break;
	case HOSTS_SYSTEM:
		st = hosts_load(&ctx->dns.hosts, HOSTS_SYSTEM_FILE, false, err, sizeof(err));
		break;
	case HOSTS_FILE:
		st = hosts_load(&ctx->dns.hosts, ctx->hosts_file, true, err, sizeof(err));
		break;
	case HOSTS_NONE:
		break;
	}
	if (err[0] != '\0')
		ctx_errmsg(ctx, "%s", err);
	ctx->dns.hosts.loaded = st == RSIP_OK;
	return st;
}

/* What the engine is told of the context (struct dns_engine), once the
 * servers, the anchors and the validator are known. */
static void engine_describe(rsip_ctx *ctx)
{
	struct dns_engine *dns = &ctx->dns;

	dns->validating = ctx->dnssec_policy != RSIP_DNSSEC_POLICY_OFF;
	dns->zones = ctx->mode == DNS_MODE_ZONES;
	dns->forwarded = ctx->mode == DNS_MODE_SERVERS || ctx->mode == DNS_MODE_RESOLVCONF;
	ctx_dns_source(ctx, dns->source, sizeof(dns->source));
	/* The root anchor covers every name but the private-use zones made
	 * insecure beside the automatic one (lift_private_use_zones()). */
	dns->root_all = ctx->root_anchored && ctx->mode == DNS_MODE_RECURSIVE;
	dns->root_some = ctx->root_anchored && !dns->root_all;
	dns->root_exempt = private_use_zones;
	dns->anchors = &ctx->ta_names;
}

/* Write the unbound configuration for zones mode: one auth-zone per file,
 * served for upstream only, and a root stub (SOA and NS only) so that a name
 * outside every zone is NXDOMAIN at once instead of a query to the root
 * servers (doc/DESIGN.md §5). */
static rsip_status write_zones_config(rsip_ctx *ctx, char **conf_path)
{
	char tmpl[] = "/tmp/resolvsip-XXXXXX";
	char *path = NULL, *root = NULL;
	FILE *fp;
	bool have_root = false;

	if (mkdtemp(tmpl) == NULL) {
		ctx_errmsg(ctx, "cannot make a temporary directory: %s", strerror(errno));
		return RSIP_E_CONFIG;
	}
	ctx->tmpdir = rsip_strdup(tmpl);
	if (ctx->tmpdir == NULL || asprintf(&path, "%s/unbound.conf", tmpl) < 0)
		return RSIP_E_NOMEM;
	for (size_t i = 0; i < ctx->zone_names.n; i++)
		if (strcmp(ctx->zone_names.items[i], ".") == 0)
			have_root = true;
	if (!have_root) {
		if (asprintf(&root, "%s/root.zone", tmpl) < 0) {
			free(path);
			return RSIP_E_NOMEM;
		}
		fp = fopen(root, "w");
		if (fp == NULL)
			goto io_error;
		fputs(".\t86400\tIN\tSOA\tlocalhost. nobody.invalid. 1 3600 600 86400 60\n"
		      ".\t86400\tIN\tNS\tlocalhost.\n", fp);
		if (fclose(fp) != 0)
			goto io_error;
	}
	fp = fopen(path, "w");
	if (fp == NULL)
		goto io_error;
	/* doc/DESIGN.md §5: validation works on auth-zones with the validator
	 * module; the off policy runs the iterator alone.  val-clean-additional
	 * is libunbound's default, written out because
	 * answer_additional_dnssec() relies on it. */
	if (ctx->dnssec_policy == RSIP_DNSSEC_POLICY_OFF)
		fprintf(fp, "server:\n\tmodule-config: \"iterator\"\n");
	else
		fprintf(fp, "server:\n\tmodule-config: \"validator iterator\"\n"
			"\tval-clean-additional: yes\n");
	/* QNAME minimisation hides nothing in process; it would only make the
	 * AAAA question of a name ask its A first, and take that answer's
	 * DNSSEC failure for its own. */
	fprintf(fp, "\tqname-minimisation: no\n");
	for (const char *const *az = answering_default_zones; *az; az++)
		fprintf(fp, "\tlocal-zone: \"%s\" nodefault\n", *az);
	for (const char *const *sz = special_use_zones; *sz; sz++) {
		bool written = false;
		for (const char *const *az = answering_default_zones; *az; az++)
			written = written || strcmp(*az, *sz) == 0;
		for (size_t i = 0; i < ctx->zone_names.n && !written; i++) {
			if (rsip_name_under(ctx->zone_names.items[i], *sz)) {
				fprintf(fp, "\tlocal-zone: \"%s\" nodefault\n", *sz);
				break;
			}
		}
	}
	for (size_t i = 0; i < ctx->zone_names.n; i++)
		fprintf(fp, "auth-zone:\n\tname: \"%s\"\n\tzonefile: \"%s\"\n"
			"\tfor-upstream: yes\n\tfor-downstream: no\n\tfallback-enabled: no\n",
			(char *)ctx->zone_names.items[i], (char *)ctx->zone_files.items[i]);
	if (!have_root)
		fprintf(fp, "auth-zone:\n\tname: \".\"\n\tzonefile: \"%s\"\n"
			"\tfor-upstream: yes\n\tfor-downstream: no\n\tfallback-enabled: no\n",
			root);
	if (fclose(fp) != 0)
		goto io_error;
	free(root);
	*conf_path = path;
	return RSIP_OK;
io_error:
	ctx_errmsg(ctx, "cannot write the unbound configuration in %s: %s", tmpl,
		   strerror(errno));
	free(path);
	free(root);
	return RSIP_E_CONFIG;
}

static rsip_status ub_check(rsip_ctx *ctx, int err, const char *what)
{
	if (err == 0)
		return RSIP_OK;
	ctx_errmsg(ctx, "%s: %s", what, ub_strerror(err));
	return err == UB_NOMEM ? RSIP_E_NOMEM : RSIP_E_CONFIG;
}

/* RFC 6761 §6.2 and RFC 8375: names under test. and home.arpa. are for
 * private and test deployments; the servers the user named answer for them,
 * rather than libunbound's built-in NXDOMAIN.  ("nodefault" is not honoured
 * through ub_ctx_set_option(); an empty transparent zone passes all on.) */
static rsip_status lift_private_use_zones(rsip_ctx *ctx, struct ub_ctx *ub, bool root_anchor)
{
	rsip_status st = RSIP_OK;
	char zone[64];
	for (const char *const *z = private_use_zones; *z != NULL && st == RSIP_OK; z++) {
		snprintf(zone, sizeof(zone), "%s transparent", *z);
		st = ub_check(ctx, ub_ctx_set_option(ub, "local-zone:", zone), zone);
		/* They are not delegated from the real root: under its anchor
		 * they could never validate, and would all be bogus.  Only the
		 * automatic anchor: one the user gave is strict. */
		if (st == RSIP_OK && root_anchor)
			st = ub_check(ctx, ub_ctx_set_option(ub, "domain-insecure:", *z), *z);
	}
	return st;
}

/* Room for many questions at once, so that those of slow or silent domains
 * do not hold up the others.  libunbound's library defaults are sized for a
 * few questions (measured: outgoing-range 16, that is 16 UDP questions on the
 * wire at once, the rest queued behind them; num-queries-per-thread 1024,
 * beyond which a new question pushes out one older than jostle-timeout;
 * outgoing-num-tcp 2).  256 on the wire carries the questions of hundreds of
 * resolutions at once, bad domains' among them; a larger range cost memory
 * and time in a cached batch (measured: 4096 was 30% slower).  Each question
 * on the wire holds a socket, so the range stays inside the descriptors this
 * process may open. */
#define UB_OUTGOING_RANGE_MAX 256
#define UB_SPARE_DESCRIPTORS 128 /* for the application's own files and sockets */
#define UB_QUERIES_PER_THREAD "8192"
#define UB_OUTGOING_TCP "8"

static rsip_status set_capacity(rsip_ctx *ctx, struct ub_ctx *ub)
{
	struct rlimit nofile;
	rlim_t range = UB_OUTGOING_RANGE_MAX;
	char value[24];
	rsip_status st;

	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
	    nofile.rlim_cur < range + UB_SPARE_DESCRIPTORS)
		range = nofile.rlim_cur > UB_SPARE_DESCRIPTORS + 16 ?
			nofile.rlim_cur - UB_SPARE_DESCRIPTORS : 16;
	snprintf(value, sizeof(value), "%lu", (unsigned long)range);
	st = ub_check(ctx, ub_ctx_set_option(ub, "outgoing-range:", value), "outgoing-range");
	if (st == RSIP_OK)
		st = ub_check(ctx, ub_ctx_set_option(ub, "num-queries-per-thread:",
						     UB_QUERIES_PER_THREAD),
			      "num-queries-per-thread");
	if (st == RSIP_OK)
		st = ub_check(ctx, ub_ctx_set_option(ub, "outgoing-num-tcp:", UB_OUTGOING_TCP),
			      "outgoing-num-tcp");
	return st;
}

/* libunbound writes its log lines (errors even at verbosity 0: "udp connect
 * failed ...") to stderr, the application's.  They go to this sink instead,
 * which drops them: what matters reaches the application in our words, as a
 * result's status and steps (the question failed, no answer in time) or a
 * setter's message.  The log is one per process in libunbound, so is the
 * sink; it is never closed (libunbound may hold it after a context is gone). */
static ssize_t log_sink_write(void *cookie, const char *buf, size_t size)
{
	(void)cookie;
	(void)buf;
	return (ssize_t)size;
}

static pthread_once_t log_sink_once = PTHREAD_ONCE_INIT;
static FILE *log_sink;

static void log_sink_open(void)
{
	cookie_io_functions_t io = {NULL, log_sink_write, NULL, NULL};
	log_sink = fopencookie(NULL, "w", io);
}

/* Configure a new libunbound context for the context's mode.  root_anchor:
 * validate from the system's root trust anchor (recursion; servers and
 * resolv.conf when the user gave no anchor: see ctx_start()). */
static rsip_status ub_configure(rsip_ctx *ctx, bool root_anchor, struct ub_ctx **ubp)
{
	struct ub_ctx *ub;
	rsip_status st = RSIP_OK;
	char *conf = NULL;

	*ubp = NULL;
	ub = ub_ctx_create();
	if (ub == NULL) {
		ctx_errmsg(ctx, "cannot create the libunbound context");
		return RSIP_E_NOMEM;
	}
	/* Threaded, and before any other setting (doc/DESIGN.md §5). */
	st = ub_check(ctx, ub_ctx_async(ub, 1), "libunbound async mode");
	pthread_once(&log_sink_once, log_sink_open);
	if (st == RSIP_OK && log_sink == NULL) {
		ctx_errmsg(ctx, "cannot open a sink for libunbound's log");
		st = RSIP_E_NOMEM;
	}
	if (st == RSIP_OK)
		st = ub_check(ctx, ub_ctx_debugout(ub, log_sink), "libunbound log");
	/* Keep the servers' record order: RFC 3403 §4.1 ties and our traces
	 * follow DNS order, and --seed must give the same output every run. */
	if (st == RSIP_OK)
		st = ub_check(ctx, ub_ctx_set_option(ub, "rrset-roundrobin:", "no"),
			      "rrset-roundrobin");
	if (st == RSIP_OK)
		st = set_capacity(ctx, ub);
	/* Other modes: the same modules as in zones mode (above). */
	if (st == RSIP_OK && ctx->mode != DNS_MODE_ZONES) {
		bool off = ctx->dnssec_policy == RSIP_DNSSEC_POLICY_OFF;
		st = ub_check(ctx, ub_ctx_set_option(ub, "module-config:", off ? "iterator" :
						     "validator iterator"), "module-config");
		if (st == RSIP_OK && !off)
			st = ub_check(ctx, ub_ctx_set_option(ub, "val-clean-additional:", "yes"),
				      "val-clean-additional");
	}
	switch (ctx->mode) {
	case DNS_MODE_ZONES:
		if (st == RSIP_OK)
			st = write_zones_config(ctx, &conf);
		if (st == RSIP_OK)
			st = ub_check(ctx, ub_ctx_config(ub, conf), "zones configuration");
		break;
	case DNS_MODE_SERVERS:
		/* Servers on loopback are allowed (a local resolver, a test daemon). */
		if (st == RSIP_OK)
			st = ub_check(ctx, ub_ctx_set_option(ub, "do-not-query-localhost:",
							     "no"), "servers");
		if (st == RSIP_OK)
			st = lift_private_use_zones(ctx, ub, root_anchor);
		for (size_t i = 0; i < ctx->servers.n && st == RSIP_OK; i++)
			st = ub_check(ctx, ub_ctx_set_fwd(ub, ctx->servers.items[i]),
				      ctx->servers.items[i]);
		break;
	case DNS_MODE_RESOLVCONF:
		if (st == RSIP_OK)
			st = ub_check(ctx, ub_ctx_set_option(ub, "do-not-query-localhost:",
							     "no"), "resolv.conf");
		if (st == RSIP_OK)
			st = lift_private_use_zones(ctx, ub, root_anchor);
		/* The library's default mode: the system's file is read here. */
		if (st == RSIP_OK && !ctx->rc_read)
			st = resolvconf_read(ctx, ctx->resolvconf);
		/* The addresses resolvconf_read() checked, rather than
		 * ub_ctx_resolvconf(), which drops a zone index and takes a
		 * file without nameservers for 127.0.0.1. */
		for (size_t i = 0; i < ctx->rc_servers.n && st == RSIP_OK; i++)
			st = ub_check(ctx, ub_ctx_set_fwd(ub, ctx->rc_servers.items[i]),
				      ctx->rc_servers.items[i]);
		break;
	case DNS_MODE_RECURSIVE:
		break;
	}
	if (st == RSIP_OK && root_anchor)
		st = ub_check(ctx, ub_ctx_add_ta_file(ub, ctx->root_key_file),
			      ctx->root_key_file);
	/* Under the off policy there is no validator to give anchors to. */
	for (size_t i = 0; i < ctx->ta_files.n && st == RSIP_OK &&
	     ctx->dnssec_policy != RSIP_DNSSEC_POLICY_OFF; i++)
		st = ub_check(ctx, ub_ctx_add_ta_file(ub, ctx->ta_files.items[i]),
			      ctx->ta_files.items[i]);
	free(conf);
	if (st != RSIP_OK) {
		ub_ctx_delete(ub);
		return st;
	}
	*ubp = ub;
	return RSIP_OK;
}

/* The answer to the root probe (ctx_start()). */
struct root_probe {
	bool done;
	int err;
	struct ub_result *result;
};

static void root_probe_done(void *arg, int err, struct ub_result *result)
{
	struct root_probe *p = arg;
	p->done = true;
	p->err = err;
	p->result = result;
}

static long ms_between(const struct timespec *from, const struct timespec *to)
{
	return (long)(to->tv_sec - from->tv_sec) * 1000L +
	       (to->tv_nsec - from->tv_nsec) / 1000000L;
}

/* Ask the servers for ". DNSKEY" through the asynchronous API and wait at
 * most ms for the answer (the context's fd, poll, ub_process: never the
 * blocking call of libunbound, which builds a worker per call).  True when the
 * answer validated from the root anchor; else why says how it did not, and
 * *unreachable whether that is because no server can be reached (checked
 * as for any question that waits: reach.c). */
static bool root_probe_secure(rsip_ctx *ctx, struct ub_ctx *ub, unsigned ms, char *why,
			      size_t len, bool *unreachable)
{
	struct root_probe p = {false, 0, NULL};
	struct timespec now, end, check_at;
	int id = 0, err, fd;
	bool secure = false;

	*unreachable = false;
	err = ub_resolve_async(ub, ".", LDNS_RR_TYPE_DNSKEY, LDNS_RR_CLASS_IN, &p,
			       root_probe_done, &id);
	if (err != 0) {
		snprintf(why, len, "%s", ub_strerror(err));
		return false;
	}
	fd = ub_fd(ub);
	clock_gettime(CLOCK_MONOTONIC, &end);
	check_at = end;
	check_at.tv_sec += (time_t)(REACH_AFTER_MS / 1000);
	check_at.tv_nsec += (long)(REACH_AFTER_MS % 1000) * 1000000L;
	if (check_at.tv_nsec >= 1000000000L) {
		check_at.tv_sec++;
		check_at.tv_nsec -= 1000000000L;
	}
	end.tv_sec += (time_t)(ms / 1000);
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (!p.done && fd >= 0) {
		struct pollfd pfd = {fd, POLLIN, 0};
		long left, wait;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = ms_between(&now, &end);
		if (left <= 0)
			break;
		if (ms_between(&check_at, &now) >= 0)
			reach_check(&ctx->dns.reach, &now);
		reach_poll(&ctx->dns.reach, &now);
		if (reach_dead(&ctx->dns.reach, &now)) {
			*unreachable = true;
			break;
		}
		wait = left > 1000 ? 1000 : left;
		if (ctx->dns.reach.checking && wait > REACH_POLL_MS)
			wait = REACH_POLL_MS;
		else if (reach_wanted(&ctx->dns.reach, &now) && ms_between(&now, &check_at) < wait)
			wait = ms_between(&now, &check_at) + 1;
		if (poll(&pfd, 1, (int)(wait > 0 ? wait : 1)) > 0 && ub_process(ub) != 0)
			break;
	}
	if (!p.done) {
		ub_cancel(ub, id);
		if (*unreachable)
			snprintf(why, len, "no DNS server can be reached: %s",
				 reach_summary(&ctx->dns.reach));
		else
			snprintf(why, len, "no answer within %u ms", ms);
		return false;
	}
	if (p.err == 0 && !p.result->secure && p.result->rcode == LDNS_RCODE_SERVFAIL) {
		/* libunbound's SERVFAIL when every send failed (no route). */
		clock_gettime(CLOCK_MONOTONIC, &now);
		reach_check(&ctx->dns.reach, &now);
		*unreachable = reach_dead(&ctx->dns.reach, &now);
	}
	if (*unreachable)
		snprintf(why, len, "no DNS server can be reached: %s",
			 reach_summary(&ctx->dns.reach));
	else if (p.err != 0)
		snprintf(why, len, "%s", ub_strerror(p.err));
	else if (p.result->secure)
		secure = true;
	else if (p.result->bogus)
		snprintf(why, len, "bogus: %s", p.result->why_bogus ? p.result->why_bogus :
			 "libunbound gave no reason");
	else if (p.result->rcode != LDNS_RCODE_NOERROR)
		snprintf(why, len, "%s%s%s", rcode_name(p.result->rcode),
			 p.result->why_bogus ? ": " : "",
			 p.result->why_bogus ? p.result->why_bogus : "");
	else if (!p.result->havedata)
		snprintf(why, len, "NOERROR without a DNSKEY record");
	else
		snprintf(why, len, "DNSKEY records without a valid signature");
	ub_resolve_free(p.result);
	return secure;
}

rsip_status ctx_start(rsip_ctx *ctx)
{
	struct ub_ctx *ub;
	rsip_status st = RSIP_OK;
	bool automatic = false;

	if (ctx->dns.ub != NULL)
		return RSIP_OK;
	if (!ctx->suffixes_set && ctx->suffixes.n == 0) {
		char *def = rsip_strdup("e164.arpa.");
		if (def == NULL || rsip_vec_push(&ctx->suffixes, def) != 0) {
			free(def);
			return RSIP_E_NOMEM;
		}
	}
	if ((st = ctx_load_hosts(ctx)) != RSIP_OK)
		return st;
	if (ctx->dns.backend != NULL) {
		engine_describe(ctx);
		return RSIP_OK; /* questions go to the harness, not to libunbound */
	}
	/* RFC 4035 §4.3: validation starts from a trust anchor.  A forwarder
	 * is asked like the root would be: from the system's root anchor,
	 * unless the user named anchors of their own (those are strict: no
	 * probe, no downgrade). */
	if ((ctx->mode == DNS_MODE_SERVERS || ctx->mode == DNS_MODE_RESOLVCONF) &&
	    ctx->dnssec_policy != RSIP_DNSSEC_POLICY_OFF && ctx->ta_files.n == 0) {
		automatic = access(ctx->root_key_file, R_OK) == 0;
		if (!automatic && asprintf(&ctx->dnssec_note, "the root trust anchor %s cannot "
					   "be read (%s): answers are insecure, not validated",
					   ctx->root_key_file, strerror(errno)) < 0)
			ctx->dnssec_note = NULL;
	}
	st = ub_configure(ctx, automatic || (ctx->mode == DNS_MODE_RECURSIVE &&
					     ctx->dnssec_policy != RSIP_DNSSEC_POLICY_OFF),
			  &ub);
	/* The servers whose reachability is checked (reach.c): those just
	 * given to libunbound, the resolv.conf's read by now. */
	if (st == RSIP_OK && ctx->dns.reach.n == 0)
		st = reach_init(ctx);
	if (st == RSIP_OK && automatic) {
		/* Servers that return no DNSSEC data for the root (a forwarder
		 * stripping RRSIGs or the DO bit, an authoritative server
		 * refusing ". DNSKEY", one serving only test zones) would make
		 * every answer bogus.  Their answers are insecure instead, said
		 * once; the validator stays, so the require policy refuses them.
		 * An on-path attacker can do the same (doc/HARDENING.md). */
		unsigned ms = ctx->limits.question_ms;
		char why[600], src[160];
		bool unreachable;
		if (ms == 0 || ms > ctx->limits.deadline_ms)
			ms = ctx->limits.deadline_ms;
		if (root_probe_secure(ctx, ub, ms, why, sizeof(why), &unreachable)) {
			ctx->root_anchored = true;
		} else if (unreachable) {
			/* Nothing was learnt of the servers' DNSSEC: the same
			 * downgrade as for no answer, saying why. */
			ub_ctx_delete(ub);
			if (asprintf(&ctx->dnssec_note, "the servers could not be asked for "
				     "the root's DNSKEY (no DNS server can be reached); answers "
				     "are insecure, not validated") < 0)
				ctx->dnssec_note = NULL;
			st = ub_configure(ctx, false, &ub);
		} else {
			ub_ctx_delete(ub);
			ctx_dns_source(ctx, src, sizeof(src));
			if (asprintf(&ctx->dnssec_note, "%s%s return%s no DNSSEC data for the "
				     "root that validates with %s (. DNSKEY: %s); answers are "
				     "insecure, not validated",
				     ctx->mode == DNS_MODE_RESOLVCONF ? "" :
				     ctx->servers.n > 1 ? "the servers " : "the server ", src,
				     (ctx->mode == DNS_MODE_SERVERS && ctx->servers.n == 1) ||
				     (ctx->mode == DNS_MODE_RESOLVCONF && ctx->rc_default) ? "s" :
				     "", ctx->root_key_file, why) < 0)
				ctx->dnssec_note = NULL;
			st = ub_configure(ctx, false, &ub);
		}
	}
	if (ctx->mode == DNS_MODE_RECURSIVE && ctx->dnssec_policy != RSIP_DNSSEC_POLICY_OFF)
		ctx->root_anchored = true;
	if (st == RSIP_OK && ctx->cache_size > 0 && ctx->cache_bytes > 0 &&
	    (ctx->dns.cache = cache_new(ctx->cache_size, ctx->cache_bytes)) == NULL)
		st = RSIP_E_NOMEM;
	if (st != RSIP_OK) {
		if (ub != NULL)
			ub_ctx_delete(ub);
		return st;
	}
	ctx->dns.ub = ub;
	engine_describe(ctx);
	return RSIP_OK;
}
