/* ctx.c - the context object and its setters: the DNS mode, the hosts file
 * chosen, the DNSSEC policy (RFC 4035 §4.3, §5), transports, families, ENUM
 * suffixes and enumservices (RFC 3402 §3.3 step 4), RNG, limits.  Beside it:
 * anchors.c (zones directory, trust anchors), resolvconf.c (the servers
 * asked), failmem.c (the failure memory), ubsetup.c (libunbound's set-up). */
#define _GNU_SOURCE /* asprintf */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define ROOT_KEY_FILE "/usr/share/dns/root.key"

void ctx_errmsg(rsip_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
}

rsip_status rsip_ctx_new(rsip_ctx **ctxp)
{
	rsip_ctx *ctx;
	pthread_mutexattr_t attr;
	uint64_t seed = 0;

	if (ctxp == NULL)
		return RSIP_E_INVALID;
	*ctxp = NULL;
	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return RSIP_E_NOMEM;
	pthread_mutexattr_init(&attr);
	/* Recursive: a callback may start a new resolution on the same context. */
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&ctx->lock, &attr);
	ctx->dns.lock = &ctx->lock;
	pthread_mutexattr_destroy(&attr);
	ctx->mode = DNS_MODE_RESOLVCONF;
	ctx->root_key_file = ROOT_KEY_FILE;
	ctx->tp_order[0] = RSIP_TRANSPORT_UDP;
	ctx->tp_order[1] = RSIP_TRANSPORT_TCP;
	ctx->tp_order[2] = RSIP_TRANSPORT_TLS;
	ctx->tp_count = 3;
	ctx->transports = RSIP_TRANSPORTS_DEFAULT;
	ctx->families = RSIP_FAMILY_IPV4 | RSIP_FAMILY_IPV6;
	ctx->limits.max_questions = 128;
	ctx->limits.max_srv_targets = 32;
	ctx->limits.max_enum_uris = 8;
	ctx->failure_memory = 32; /* 64*T1: RFC 3261 Timer B */
	ctx->cache_size = 4096;
	ctx->cache_bytes = RSIP_CACHE_BYTES_DEFAULT;
	ctx->limits.max_addresses = 32;
	ctx->limits.max_targets = 64;
	ctx->trace = true;
	ctx->limits.naptr_hops = 5;        /* RFC 6116 §5.2.1 */
	ctx->limits.deadline_ms = 10000;
	ddds_limits_default(&ctx->limits.ddds);
	if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
		seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	rsip_rng_seed(&ctx->rng, seed);
	*ctxp = ctx;
	return RSIP_OK;
}

static void remove_tmpdir(char *dir)
{
	DIR *d;
	struct dirent *de;
	if (dir == NULL)
		return;
	d = opendir(dir);
	if (d != NULL) {
		while ((de = readdir(d)) != NULL) {
			char path[4096];
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
	free(dir);
}

void ctx_destroy(rsip_ctx *ctx)
{
	if (ctx->dns.ub != NULL)
		ub_ctx_delete(ctx->dns.ub);
	cache_free(ctx->dns.cache);
	rsip_vec_clear(&ctx->zone_names, free);
	rsip_vec_clear(&ctx->zone_files, free);
	rsip_vec_clear(&ctx->servers, free);
	rsip_vec_clear(&ctx->rc_servers, free);
	rsip_vec_clear(&ctx->ta_files, free);
	rsip_vec_clear(&ctx->ta_names, free);
	rsip_vec_clear(&ctx->suffixes, free);
	enum_services_release(ctx->enumsvc);
	free(ctx->resolvconf);
	free(ctx->hosts_file);
	free(ctx->dns.hosts.path);
	hosts_clear(&ctx->dns.hosts);
	free(ctx->dnssec_note);
	free(ctx->dns.reach.note);
	reach_free(&ctx->dns.reach);
	remove_tmpdir(ctx->tmpdir);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

const char *rsip_ctx_errmsg(const rsip_ctx *ctx)
{
	return ctx ? ctx->errmsg : "no context";
}

static const char *mode_name(enum dns_mode mode)
{
	switch (mode) {
	case DNS_MODE_ZONES: return "zone files";
	case DNS_MODE_SERVERS: return "named servers";
	case DNS_MODE_RECURSIVE: return "recursion";
	case DNS_MODE_RESOLVCONF: return "resolv.conf";
	}
	return "?";
}

/* Common checks of the setters: a context still being configured, and one
 * DNS mode only. */
rsip_status ctx_setter_begin(rsip_ctx *ctx, bool sets_mode, enum dns_mode mode)
{
	if (ctx->dns.ub != NULL) {
		ctx_errmsg(ctx, "the context is in use: configure it before the first "
			   "resolution");
		return RSIP_E_INVALID;
	}
	if (sets_mode && ctx->mode_set && ctx->mode != mode) {
		ctx_errmsg(ctx, "the DNS mode is already %s; %s cannot be added",
			   mode_name(ctx->mode), mode_name(mode));
		return RSIP_E_CONFIG;
	}
	ctx->errmsg[0] = '\0';
	return RSIP_OK;
}

rsip_status rsip_ctx_set_hosts_file(rsip_ctx *ctx, const char *path)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	/* sipresolve(1): a name outside the zones is NXDOMAIN in zones mode. */
	if (ctx->mode == DNS_MODE_ZONES && ctx->mode_set && (path == NULL || *path != '\0')) {
		ctx_errmsg(ctx, "zones mode answers from its zones only: no hosts file");
		return RSIP_E_CONFIG;
	}
	if (path != NULL && *path != '\0' && access(path, R_OK) != 0) {
		ctx_errmsg(ctx, "hosts file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	free(ctx->hosts_file);
	ctx->hosts_file = NULL;
	if (path == NULL) {
		ctx->hosts_choice = HOSTS_SYSTEM;
	} else if (*path == '\0') {
		ctx->hosts_choice = HOSTS_NONE;
	} else {
		if ((ctx->hosts_file = rsip_strdup(path)) == NULL)
			return RSIP_E_NOMEM;
		ctx->hosts_choice = HOSTS_FILE;
	}
	return RSIP_OK;
}

rsip_status rsip_ctx_set_recursive(rsip_ctx *ctx)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, true, DNS_MODE_RECURSIVE)) != RSIP_OK)
		return st;
	if (access(ctx->root_key_file, R_OK) != 0) {
		ctx_errmsg(ctx, "recursion needs the root trust anchor %s (Debian package "
			   "dns-root-data): %s", ctx->root_key_file, strerror(errno));
		return RSIP_E_CONFIG;
	}
	ctx->mode = DNS_MODE_RECURSIVE;
	ctx->mode_set = true;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_dnssec_policy(rsip_ctx *ctx, rsip_dnssec_policy policy)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (policy != RSIP_DNSSEC_POLICY_VALIDATE && policy != RSIP_DNSSEC_POLICY_REQUIRE &&
	    policy != RSIP_DNSSEC_POLICY_OFF) {
		ctx_errmsg(ctx, "%d is not a DNSSEC policy (validate, require, off)",
			   (int)policy);
		return RSIP_E_CONFIG;
	}
	ctx->dnssec_policy = policy;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_failure_policy(rsip_ctx *ctx, rsip_failure_policy policy)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	if (policy != RSIP_FAILURE_POLICY_STRICT && policy != RSIP_FAILURE_POLICY_FALLBACK) {
		ctx_errmsg(ctx, "%d is not a failure policy (strict, fallback)", (int)policy);
		pthread_mutex_unlock(&ctx->lock);
		return RSIP_E_CONFIG;
	}
	ctx->failure_policy = policy;
	ctx->errmsg[0] = '\0';
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

rsip_status rsip_ctx_set_transports(rsip_ctx *ctx, unsigned mask)
{
	rsip_status st;
	size_t n = 0;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (mask == 0 || (mask & ~0x7fu) != 0) {
		ctx_errmsg(ctx, "the transport mask 0x%x names no transport or an unknown one",
			   mask);
		return RSIP_E_CONFIG;
	}
	for (unsigned bit = 1; bit <= RSIP_TRANSPORT_WSS; bit <<= 1)
		if (mask & bit)
			ctx->tp_order[n++] = (rsip_transport)bit;
	ctx->tp_count = n;
	ctx->transports = mask;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_transport_order(rsip_ctx *ctx, const char *list)
{
	rsip_status st;
	rsip_transport order[RSIP_MAX_TRANSPORTS];
	size_t n;
	unsigned mask;
	char err[RSIP_ERRLEN];
	if (ctx == NULL || list == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (rsip_transport_list_parse(list, order, RSIP_MAX_TRANSPORTS, &n, &mask, err,
				      sizeof(err)) != RSIP_OK) {
		ctx_errmsg(ctx, "%s", err);
		return RSIP_E_CONFIG;
	}
	memcpy(ctx->tp_order, order, n * sizeof(order[0]));
	ctx->tp_count = n;
	ctx->transports = mask;
	return RSIP_OK;
}

void ctx_policy(const rsip_ctx *ctx, struct rsip_policy *p)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->tp_order, ctx->tp_order, sizeof(p->tp_order));
	p->tp_count = ctx->tp_count;
	p->transports = ctx->transports;
	p->families = ctx->families;
	p->prefer_ipv4 = ctx->prefer_ipv4;
	p->srv_order = ctx->srv_order;
	p->dnssec_policy = ctx->dnssec_policy;
	p->failure_policy = ctx->failure_policy;
}

rsip_status rsip_ctx_set_srv_order(rsip_ctx *ctx, rsip_srv_order order)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (order != RSIP_SRV_ORDER_WEIGHTED && order != RSIP_SRV_ORDER_DETERMINISTIC) {
		ctx_errmsg(ctx, "unknown SRV order %d", (int)order);
		return RSIP_E_CONFIG;
	}
	ctx->srv_order = order;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_cache_size(rsip_ctx *ctx, size_t entries)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	ctx->cache_size = entries;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_cache_bytes(rsip_ctx *ctx, size_t bytes)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	ctx->cache_bytes = bytes;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_trace(rsip_ctx *ctx, int trace)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	ctx->trace = trace != 0;
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

rsip_status rsip_ctx_set_prefer_ipv4(rsip_ctx *ctx, int prefer_ipv4)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	ctx->prefer_ipv4 = prefer_ipv4 != 0;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_families(rsip_ctx *ctx, unsigned mask)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (mask == 0 || (mask & ~(RSIP_FAMILY_IPV4 | RSIP_FAMILY_IPV6)) != 0) {
		ctx_errmsg(ctx, "the family mask must be RSIP_FAMILY_IPV4, RSIP_FAMILY_IPV6 "
			   "or both");
		return RSIP_E_CONFIG;
	}
	ctx->families = mask;
	return RSIP_OK;
}

rsip_status rsip_ctx_add_enum_suffix(rsip_ctx *ctx, const char *domain)
{
	rsip_status st;
	char *abs;
	size_t len;
	ldns_rdf *rdf = NULL;
	if (ctx == NULL || domain == NULL)
		return RSIP_E_INVALID;
	if ((st = ctx_setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	len = strlen(domain);
	if (len == 0 || strcmp(domain, ".") == 0 ||
	    ldns_str2rdf_dname(&rdf, domain) != LDNS_STATUS_OK) {
		ctx_errmsg(ctx, "ENUM suffix '%s' is not a domain name", domain);
		return RSIP_E_CONFIG;
	}
	ldns_rdf_deep_free(rdf);
	if (asprintf(&abs, "%s%s", domain, domain[len - 1] == '.' ? "" : ".") < 0)
		return RSIP_E_NOMEM;
	rsip_strlower(abs);
	if (!ctx->suffixes_set) {
		rsip_vec_clear(&ctx->suffixes, free);
		ctx->suffixes_set = true;
	}
	if (rsip_vec_push(&ctx->suffixes, abs) != 0) {
		free(abs);
		return RSIP_E_NOMEM;
	}
	return RSIP_OK;
}

rsip_status rsip_ctx_set_enumservices(rsip_ctx *ctx, const char *const *list, size_t count)
{
	struct enum_services *use;
	char err[RSIP_ERRLEN];
	rsip_status st;

	if (ctx == NULL || (list == NULL && count > 0))
		return RSIP_E_INVALID;
	err[0] = '\0';
	st = enum_services_new(list, count, &use, err, sizeof(err));
	pthread_mutex_lock(&ctx->lock);
	if (st != RSIP_OK) {
		ctx_errmsg(ctx, "%s", st == RSIP_E_NOMEM ? "out of memory" : err);
		pthread_mutex_unlock(&ctx->lock);
		return st;
	}
	/* Resolutions in flight keep the list they started with (their own
	 * reference); later ones take this one. */
	enum_services_release(ctx->enumsvc);
	ctx->enumsvc = use;
	ctx->errmsg[0] = '\0';
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

rsip_status rsip_ctx_set_seed(rsip_ctx *ctx, uint64_t seed)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	rsip_rng_seed(&ctx->rng, seed);
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

/* ---- limits -------------------------------------------- */

/* The range of each limit, and its name for messages. */
struct limit_def {
	const char *name;
	unsigned long min, max;
};

static const struct limit_def limit_defs[] = {
	[RSIP_LIMIT_QUESTIONS] = {"questions", 1, 100000},
	[RSIP_LIMIT_SRV_TARGETS] = {"SRV targets", 1, 10000},
	[RSIP_LIMIT_NAPTR_HOPS] = {"NAPTR hops", 0, RSIP_NAPTR_HOPS_MAX},
	[RSIP_LIMIT_ENUM_URIS] = {"ENUM URIs", 1, 1000},
	[RSIP_LIMIT_REGEX_MATCH] = {"regexp match limit", 1, 100000000},
	[RSIP_LIMIT_REGEX_DEPTH] = {"regexp depth limit", 1, 10000000},
	[RSIP_LIMIT_REGEX_HEAP] = {"regexp heap limit (KiB)", 1, 1048576},
	[RSIP_LIMIT_OUTPUT] = {"rewrite output length", 1, 65535},
	[RSIP_LIMIT_DEADLINE] = {"deadline (ms)", 1, 3600000},
	[RSIP_LIMIT_ADDRESSES_PER_HOST] = {"addresses per host and family", 1, 10000},
	[RSIP_LIMIT_TARGETS] = {"targets", 1, 100000},
	[RSIP_LIMIT_QUESTION_TIMEOUT] = {"question timeout (ms)", 0, 3600000},
};

static bool limit_known(rsip_limit which)
{
	return (unsigned)which < sizeof(limit_defs) / sizeof(limit_defs[0]) &&
	       limit_defs[which].name != NULL;
}

rsip_status rsip_ctx_set_limit(rsip_ctx *ctx, rsip_limit which, unsigned long value)
{
	const struct limit_def *def;
	struct rsip_limits *l;

	if (ctx == NULL || !limit_known(which))
		return RSIP_E_INVALID;
	def = &limit_defs[which];
	pthread_mutex_lock(&ctx->lock);
	if (value < def->min || value > def->max) {
		ctx_errmsg(ctx, "the %s limit must be from %lu to %lu, not %lu", def->name,
			   def->min, def->max, value);
		pthread_mutex_unlock(&ctx->lock);
		return RSIP_E_CONFIG;
	}
	l = &ctx->limits;
	switch (which) {
	case RSIP_LIMIT_QUESTIONS: l->max_questions = (unsigned)value; break;
	case RSIP_LIMIT_SRV_TARGETS: l->max_srv_targets = (unsigned)value; break;
	case RSIP_LIMIT_NAPTR_HOPS: l->naptr_hops = (unsigned)value; break;
	case RSIP_LIMIT_ENUM_URIS: l->max_enum_uris = (unsigned)value; break;
	case RSIP_LIMIT_REGEX_MATCH: l->ddds.match = (uint32_t)value; break;
	case RSIP_LIMIT_REGEX_DEPTH: l->ddds.depth = (uint32_t)value; break;
	case RSIP_LIMIT_REGEX_HEAP: l->ddds.heap = (uint32_t)value; break;
	case RSIP_LIMIT_OUTPUT: l->ddds.output = (size_t)value; break;
	case RSIP_LIMIT_DEADLINE: l->deadline_ms = (unsigned)value; break;
	case RSIP_LIMIT_QUESTION_TIMEOUT: l->question_ms = (unsigned)value; break;
	case RSIP_LIMIT_ADDRESSES_PER_HOST: l->max_addresses = (unsigned)value; break;
	case RSIP_LIMIT_TARGETS: l->max_targets = (unsigned)value; break;
	}
	ctx->errmsg[0] = '\0';
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

rsip_status rsip_ctx_get_limit(const rsip_ctx *ctx, rsip_limit which, unsigned long *value)
{
	const struct rsip_limits *l;
	unsigned long v = 0;

	if (ctx == NULL || value == NULL || !limit_known(which))
		return RSIP_E_INVALID;
	pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
	l = &ctx->limits;
	switch (which) {
	case RSIP_LIMIT_QUESTIONS: v = l->max_questions; break;
	case RSIP_LIMIT_SRV_TARGETS: v = l->max_srv_targets; break;
	case RSIP_LIMIT_NAPTR_HOPS: v = l->naptr_hops; break;
	case RSIP_LIMIT_ENUM_URIS: v = l->max_enum_uris; break;
	case RSIP_LIMIT_REGEX_MATCH: v = l->ddds.match; break;
	case RSIP_LIMIT_REGEX_DEPTH: v = l->ddds.depth; break;
	case RSIP_LIMIT_REGEX_HEAP: v = l->ddds.heap; break;
	case RSIP_LIMIT_OUTPUT: v = (unsigned long)l->ddds.output; break;
	case RSIP_LIMIT_DEADLINE: v = l->deadline_ms; break;
	case RSIP_LIMIT_QUESTION_TIMEOUT: v = l->question_ms; break;
	case RSIP_LIMIT_ADDRESSES_PER_HOST: v = l->max_addresses; break;
	case RSIP_LIMIT_TARGETS: v = l->max_targets; break;
	}
	pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
	*value = v;
	return RSIP_OK;
}

void ctx_set_backend(rsip_ctx *ctx, const struct query_backend *backend)
{
	ctx->dns.backend = backend;
}

void ctx_set_root_key_file(rsip_ctx *ctx, const char *path)
{
	ctx->root_key_file = path;
}

const char *rsip_ctx_dnssec_note(const rsip_ctx *ctx)
{
	const char *note;
	if (ctx == NULL)
		return NULL;
	pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
	note = ctx->dnssec_note;
	pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
	return note;
}
