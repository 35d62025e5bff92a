/* ctx.c - the context: DNS mode (zones, servers, resolv.conf, recursion),
 * trust anchors and DNSSEC policy (RFC 4035 §4.3, §5), transports, families,
 * ENUM suffixes and enumservices (RFC 3402 §3.3 step 4), RNG, limits. */
#define _GNU_SOURCE /* vasprintf, mkdtemp */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"

#define ROOT_KEY_FILE "/usr/share/dns/root.key"
#define SYSTEM_RESOLV_CONF "/etc/resolv.conf"
/* The trust anchors of a zones directory (rsip_ctx_set_zones()). */
#define ZONES_ANCHOR_FILE "trust-anchors"
#define MAX_ANCHOR_RRS 1024 /* records read from one trust anchor file */

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

void rsip_ctx_free(rsip_ctx *ctx)
{
	if (ctx == NULL)
		return;
	pthread_mutex_lock(&ctx->lock);
	while (ctx->active != NULL)
		rsip_cancel(ctx, ctx->active->id);
	pthread_mutex_unlock(&ctx->lock);
	if (ctx->ub != NULL)
		ub_ctx_delete(ctx->ub);
	cache_free(ctx->cache);
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
	free(ctx->hosts_path);
	hosts_clear(ctx);
	free(ctx->dnssec_note);
	free(ctx->unreachable_note);
	reach_free(&ctx->reach);
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
static rsip_status setter_begin(rsip_ctx *ctx, bool sets_mode, enum dns_mode mode)
{
	if (ctx->ub != NULL) {
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

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* Read one zone file with ldns: it must parse and hold an SOA, whose owner
 * names the zone.  *apex is malloc'd. */
static rsip_status zone_file_apex(rsip_ctx *ctx, const char *path, char **apex)
{
	FILE *fp = fopen(path, "r");
	ldns_zone *zone = NULL;
	ldns_status st;
	int line = 0;
	ldns_rr *soa;

	if (fp == NULL) {
		ctx_errmsg(ctx, "%s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	st = ldns_zone_new_frm_fp_l(&zone, fp, NULL, 3600, LDNS_RR_CLASS_IN, &line);
	fclose(fp);
	if (st != LDNS_STATUS_OK) {
		ctx_errmsg(ctx, "%s: line %d: %s", path, line, ldns_get_errorstr_by_id(st));
		return RSIP_E_CONFIG;
	}
	soa = ldns_zone_soa(zone);
	if (soa == NULL) {
		ldns_zone_deep_free(zone);
		ctx_errmsg(ctx, "%s: no SOA record: a zone file must start with its SOA", path);
		return RSIP_E_CONFIG;
	}
	*apex = ldns_rdf2str(ldns_rr_owner(soa));
	ldns_zone_deep_free(zone);
	if (*apex == NULL)
		return RSIP_E_NOMEM;
	rsip_strlower(*apex);
	return RSIP_OK;
}

static rsip_status anchor_file_add(rsip_ctx *ctx, const char *path);

/* The anchors of a zones directory: DIR/trust-anchors, when it exists. */
static rsip_status zones_dir_anchors(rsip_ctx *ctx, const char *dir)
{
	char *path;
	rsip_status st = RSIP_OK;
	if (asprintf(&path, "%s/%s", dir, ZONES_ANCHOR_FILE) < 0)
		return RSIP_E_NOMEM;
	if (access(path, F_OK) == 0)
		st = anchor_file_add(ctx, path);
	free(path);
	return st;
}

rsip_status rsip_ctx_set_zones(rsip_ctx *ctx, const char *dir)
{
	DIR *d;
	struct dirent *de;
	struct rsip_vec names = {0};
	rsip_status st;
	char *real;

	if (ctx == NULL || dir == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, true, DNS_MODE_ZONES)) != RSIP_OK)
		return st;
	if (ctx->zone_files.n > 0) {
		ctx_errmsg(ctx, "a zones directory is already set");
		return RSIP_E_CONFIG;
	}
	if (ctx->hosts_choice == HOSTS_SYSTEM || ctx->hosts_choice == HOSTS_FILE) {
		ctx_errmsg(ctx, "zones mode answers from its zones only: a hosts file is "
			   "already set");
		return RSIP_E_CONFIG;
	}
	real = realpath(dir, NULL);
	if (real == NULL || (d = opendir(real)) == NULL) {
		ctx_errmsg(ctx, "zones directory %s: %s", dir, strerror(errno));
		free(real);
		return RSIP_E_CONFIG;
	}
	while ((de = readdir(d)) != NULL) {
		char *name;
		/* Zone files are the *.zone files; anchors and notes may sit beside. */
		if (de->d_name[0] == '.' || !ends_with(de->d_name, ".zone"))
			continue;
		if (asprintf(&name, "%s/%s", real, de->d_name) < 0 ||
		    rsip_vec_push(&names, name) != 0) {
			closedir(d);
			free(real);
			rsip_vec_clear(&names, free);
			return RSIP_E_NOMEM;
		}
	}
	closedir(d);
	if (names.n == 0) {
		ctx_errmsg(ctx, "zones directory %s holds no *.zone file", dir);
		free(real);
		return RSIP_E_CONFIG;
	}
	qsort(names.items, names.n, sizeof(void *), cmp_str);
	st = RSIP_OK;
	for (size_t i = 0; i < names.n && st == RSIP_OK; i++) {
		char *apex = NULL;
		st = zone_file_apex(ctx, names.items[i], &apex);
		if (st != RSIP_OK)
			break;
		for (size_t j = 0; j < ctx->zone_names.n; j++) {
			if (strcmp(ctx->zone_names.items[j], apex) == 0) {
				ctx_errmsg(ctx, "%s and %s both hold zone %s",
					   (char *)ctx->zone_files.items[j],
					   (char *)names.items[i], apex);
				st = RSIP_E_CONFIG;
			}
		}
		if (st == RSIP_OK && rsip_vec_push(&ctx->zone_names, apex) != 0)
			st = RSIP_E_NOMEM;
		else if (st != RSIP_OK)
			free(apex);
		if (st == RSIP_OK) {
			if (rsip_vec_push(&ctx->zone_files, names.items[i]) != 0)
				st = RSIP_E_NOMEM;
			else
				names.items[i] = NULL;
		}
	}
	rsip_vec_clear(&names, free);
	if (st == RSIP_OK)
		st = zones_dir_anchors(ctx, real);
	free(real);
	if (st != RSIP_OK) {
		rsip_vec_clear(&ctx->zone_names, free);
		rsip_vec_clear(&ctx->zone_files, free);
		return st;
	}
	ctx->mode = DNS_MODE_ZONES;
	ctx->mode_set = true;
	return RSIP_OK;
}

static rsip_status server_address(rsip_ctx *ctx, const char *what, const char *word,
				  char **fwd);

rsip_status rsip_ctx_add_server(rsip_ctx *ctx, const char *server)
{
	char addr[INET6_ADDRSTRLEN + IF_NAMESIZE + 2], buf[16];
	const char *hash;
	unsigned long port = 53;
	size_t alen;
	char *entry, *scoped = NULL;
	rsip_status st;

	if (ctx == NULL || server == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, true, DNS_MODE_SERVERS)) != RSIP_OK)
		return st;
	hash = strchr(server, '#');
	alen = hash ? (size_t)(hash - server) : strlen(server);
	if (alen == 0 || alen >= sizeof(addr)) {
		ctx_errmsg(ctx, "'%s' is not a server address (ADDR or ADDR#PORT)", server);
		return RSIP_E_CONFIG;
	}
	memcpy(addr, server, alen);
	addr[alen] = '\0';
	if (strchr(addr, '%') != NULL || (inet_pton(AF_INET6, addr, buf) == 1 &&
					   IN6_IS_ADDR_LINKLOCAL((struct in6_addr *)buf))) {
		/* RFC 4007 §11: a link-local server needs its zone index, which
		 * server_address() checks and keeps as libunbound takes it. */
		if ((st = server_address(ctx, "server", addr, &scoped)) != RSIP_OK)
			return st;
	} else if (inet_pton(AF_INET, addr, buf) != 1 && inet_pton(AF_INET6, addr, buf) != 1) {
		const char *colon = strrchr(addr, ':');
		char v4[INET6_ADDRSTRLEN];
		/* The spellings of other tools: ADDR:PORT, [V6], [V6]:PORT. */
		if (colon != NULL && (size_t)(colon - addr) < sizeof(v4) &&
		    strchr(addr, '[') == NULL) {
			memcpy(v4, addr, (size_t)(colon - addr));
			v4[colon - addr] = '\0';
		} else {
			v4[0] = '\0';
		}
		if (v4[0] != '\0' && inet_pton(AF_INET, v4, buf) == 1)
			ctx_errmsg(ctx, "'%s' is not an IPv4 or IPv6 address: the port goes "
				   "after '#': %s#%s", addr, v4, colon + 1);
		else if (addr[0] == '[')
			ctx_errmsg(ctx, "'%s' is not an IPv4 or IPv6 address: write an IPv6 "
				   "address without brackets, the port after '#' (::1 or ::1#53)",
				   addr);
		else
			ctx_errmsg(ctx, "'%s' is not an IPv4 or IPv6 address (ADDR or ADDR#PORT)",
				   addr);
		return RSIP_E_CONFIG;
	}
	if (hash != NULL) {
		const char *p = hash + 1;
		port = 0;
		for (; *p; p++) {
			if (!rsip_is_digit((unsigned char)*p) || port > 65535) {
				port = 0;
				break;
			}
			port = port * 10 + (unsigned long)(*p - '0');
		}
		if (port == 0 || port > 65535) {
			ctx_errmsg(ctx, "'%s': the port must be a number from 1 to 65535",
				   server);
			free(scoped);
			return RSIP_E_CONFIG;
		}
	}
	if (asprintf(&entry, "%s@%lu", scoped != NULL ? scoped : addr, port) < 0) {
		free(scoped);
		return RSIP_E_NOMEM;
	}
	free(scoped);
	if (rsip_vec_push(&ctx->servers, entry) != 0) {
		free(entry);
		return RSIP_E_NOMEM;
	}
	ctx->mode = DNS_MODE_SERVERS;
	ctx->mode_set = true;
	return RSIP_OK;
}

/* Check one nameserver address of a resolv.conf; on success *fwd is the
 * string for ub_ctx_set_fwd(), malloc'd.  RFC 4007 §11: an IPv6 address may
 * carry a zone index, "%" and an interface name or number; libunbound takes
 * "ADDR%NUMBER" (the name is turned into its number here, so that the scope
 * survives).  A link-local address needs one: without it, every question
 * to it fails to be sent. */
static rsip_status server_address(rsip_ctx *ctx, const char *what, const char *word, char **fwd)
{
	char addr[INET6_ADDRSTRLEN + 1];
	struct in6_addr a6;
	struct in_addr a4;
	const char *zone = strchr(word, '%');
	size_t alen = zone ? (size_t)(zone - word) : strlen(word);
	unsigned long index = 0;

	*fwd = NULL;
	if (alen < sizeof(addr)) {
		memcpy(addr, word, alen);
		addr[alen] = '\0';
	}
	if (alen >= sizeof(addr) ||
	    (inet_pton(AF_INET6, addr, &a6) != 1 && inet_pton(AF_INET, addr, &a4) != 1)) {
		ctx_errmsg(ctx, "%s \"%s\" is not an IP address", what, word);
		return RSIP_E_CONFIG;
	}
	if (zone != NULL) {
		char *end = NULL;
		zone++;
		if (inet_pton(AF_INET, addr, &a4) == 1) {
			ctx_errmsg(ctx, "%s \"%s\": a zone index (%%%s) is for IPv6 addresses "
				   "only (RFC 4007 §11)", what, word, zone);
			return RSIP_E_CONFIG;
		}
		if (*zone >= '0' && *zone <= '9') {
			errno = 0;
			index = strtoul(zone, &end, 10);
			char ifname[IF_NAMESIZE];
			if (*end != '\0' || errno != 0 || index > UINT32_MAX ||
			    if_indextoname((unsigned)index, ifname) == NULL)
				index = 0;
		} else if (*zone != '\0') {
			index = if_nametoindex(zone);
		}
		if (index == 0) {
			ctx_errmsg(ctx, "%s \"%s\": this host has no network interface "
				   "\"%s\" (the zone index after %% names one, RFC 4007 §11)",
				   what, word, zone);
			return RSIP_E_CONFIG;
		}
	} else if (inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LINKLOCAL(&a6)) {
		ctx_errmsg(ctx, "%s \"%s\" is link-local: name its interface with a zone "
			   "index, as in %s%%eth0 (RFC 4007 §11)", what, word, word);
		return RSIP_E_CONFIG;
	}
	if ((zone != NULL ? asprintf(fwd, "%s%%%lu", addr, index) :
			    asprintf(fwd, "%s", addr)) < 0) {
		*fwd = NULL;
		return RSIP_E_NOMEM;
	}
	return RSIP_OK;
}

/* Read the nameservers of a resolv.conf the way resolv.conf(5) describes
 * them: "nameserver ADDRESS" lines (the rest of such a line, and every other
 * keyword, is ignored; '#' and ';' start comments), all of them (glibc asks
 * only the first three).  Unlike glibc, a line it would skip is an error that
 * names the file and the line, and so is a file without any: the servers
 * asked must be the ones the user meant.  Only the system's file (path
 * NULL) follows glibc when it names none or does not exist: 127.0.0.1. */
static rsip_status resolvconf_read(rsip_ctx *ctx, const char *path)
{
	const char *name = path ? path : SYSTEM_RESOLV_CONF;
	struct rsip_vec servers = {0};
	rsip_status st = RSIP_OK;
	char *buf = NULL, *fwd;
	size_t cap = 0;
	unsigned line = 0;
	struct stat sb;
	FILE *fp;

	rsip_vec_clear(&ctx->rc_servers, free);
	ctx->rc_read = false;
	ctx->rc_default = NULL;
	fp = fopen(name, "re");
	if (fp == NULL && path == NULL && errno == ENOENT) {
		ctx->rc_default = "there is no " SYSTEM_RESOLV_CONF;
		goto fallback;
	}
	if (fp == NULL) {
		ctx_errmsg(ctx, "%s: %s", name, strerror(errno));
		return RSIP_E_CONFIG;
	}
	if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
		ctx_errmsg(ctx, "%s: %s: a resolv.conf is a file of \"nameserver ADDRESS\" "
			   "lines", name, strerror(EISDIR));
		fclose(fp);
		return RSIP_E_CONFIG;
	}
	errno = 0;
	while (st == RSIP_OK && getline(&buf, &cap, fp) >= 0) {
		char *p = buf, *word;
		line++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "nameserver", 10) != 0 ||
		    (p[10] != ' ' && p[10] != '\t' && p[10] != '\n' && p[10] != '\r' &&
		     p[10] != '\0'))
			continue;
		p += 10;
		while (*p == ' ' || *p == '\t')
			p++;
		word = p;
		p += strcspn(p, " \t\r\n#;");
		*p = '\0';
		if (*word == '\0') {
			ctx_errmsg(ctx, "%s:%u: nameserver without an address", name, line);
			st = RSIP_E_CONFIG;
			break;
		}
		char what[RSIP_ERRLEN];
		snprintf(what, sizeof(what), "%s:%u: nameserver", name, line);
		st = server_address(ctx, what, word, &fwd);
		if (st == RSIP_OK && rsip_vec_push(&servers, fwd) != 0) {
			free(fwd);
			st = RSIP_E_NOMEM;
		}
		errno = 0;
	}
	if (st == RSIP_OK && ferror(fp)) {
		ctx_errmsg(ctx, "%s: %s", name, strerror(errno ? errno : EIO));
		st = RSIP_E_CONFIG;
	}
	free(buf);
	fclose(fp);
	if (st != RSIP_OK) {
		rsip_vec_clear(&servers, free);
		return st;
	}
	if (servers.n == 0 && path != NULL) {
		ctx_errmsg(ctx, "%s: no nameserver line: name the DNS servers to ask with "
			   "\"nameserver ADDRESS\" lines", name);
		return RSIP_E_CONFIG;
	}
	ctx->rc_servers = servers;
	if (servers.n > 0) {
		ctx->rc_read = true;
		return RSIP_OK;
	}
	ctx->rc_default = SYSTEM_RESOLV_CONF " names no nameserver";
fallback:
	/* resolv.conf(5): without a nameserver line, the one on this host. */
	fwd = rsip_strdup("127.0.0.1");
	if (fwd == NULL || rsip_vec_push(&ctx->rc_servers, fwd) != 0) {
		free(fwd);
		return RSIP_E_NOMEM;
	}
	ctx->rc_read = true;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_resolvconf(rsip_ctx *ctx, const char *path)
{
	rsip_status st;
	char *copy = NULL;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, true, DNS_MODE_RESOLVCONF)) != RSIP_OK)
		return st;
	if (path != NULL && (copy = rsip_strdup(path)) == NULL)
		return RSIP_E_NOMEM;
	/* Read now, so that a mistake in it is a set-up error, before any
	 * resolution starts. */
	if ((st = resolvconf_read(ctx, path)) != RSIP_OK) {
		free(copy);
		return st;
	}
	free(ctx->resolvconf);
	ctx->resolvconf = copy;
	ctx->mode = DNS_MODE_RESOLVCONF;
	ctx->mode_set = true;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_hosts_file(rsip_ctx *ctx, const char *path)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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

/* Read the hosts file the context chose, once.  By default only resolv.conf
 * mode reads the system's, as the system's own resolver does; the test
 * harness (a backend) stands for DNS alone, so it reads none unless told. */
static rsip_status ctx_load_hosts(rsip_ctx *ctx)
{
	rsip_status st = RSIP_OK;
	if (ctx->hosts_loaded)
		return RSIP_OK;
	switch (ctx->hosts_choice) {
	case HOSTS_DEFAULT:
		if (ctx->mode == DNS_MODE_RESOLVCONF && ctx->backend == NULL)
			st = hosts_load(ctx, HOSTS_SYSTEM_FILE, false);
		break;
	case HOSTS_SYSTEM:
		st = hosts_load(ctx, HOSTS_SYSTEM_FILE, false);
		break;
	case HOSTS_FILE:
		st = hosts_load(ctx, ctx->hosts_file, true);
		break;
	case HOSTS_NONE:
		break;
	}
	ctx->hosts_loaded = st == RSIP_OK;
	return st;
}

rsip_status rsip_ctx_set_recursive(rsip_ctx *ctx)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, true, DNS_MODE_RECURSIVE)) != RSIP_OK)
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

/* Read a trust anchor file with ldns (the zone-file syntax libunbound reads
 * with ub_ctx_add_ta_file(): $ORIGIN, $TTL, comments): every record must be
 * a DS or a DNSKEY of class IN (RFC 4035 §4.3: the anchors validation starts
 * from).  Their owners go to ctx->ta_names, the file to ctx->ta_files. */
static rsip_status anchor_file_add(rsip_ctx *ctx, const char *path)
{
	FILE *fp;
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 0;
	size_t count = 0, names_before = ctx->ta_names.n;
	rsip_status st = RSIP_OK;
	char *copy;

	fp = fopen(path, "r");
	if (fp == NULL) {
		ctx_errmsg(ctx, "trust anchor file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	while (st == RSIP_OK && !feof(fp)) {
		ldns_rr *rr = NULL;
		ldns_status ls = ldns_rr_new_frm_fp_l(&rr, fp, &ttl, &origin, &prev, &line);
		char *owner;
		bool seen = false;
		if (ls == LDNS_STATUS_SYNTAX_EMPTY || ls == LDNS_STATUS_SYNTAX_TTL ||
		    ls == LDNS_STATUS_SYNTAX_ORIGIN)
			continue;
		if (ls == LDNS_STATUS_SYNTAX_INCLUDE) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: $INCLUDE is not "
				   "supported", path, line);
			st = RSIP_E_CONFIG;
			break;
		}
		if (ls != LDNS_STATUS_OK) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: %s", path, line,
				   ldns_get_errorstr_by_id(ls));
			st = RSIP_E_CONFIG;
			break;
		}
		if ((ldns_rr_get_type(rr) != LDNS_RR_TYPE_DS &&
		     ldns_rr_get_type(rr) != LDNS_RR_TYPE_DNSKEY) ||
		    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
			ctx_errmsg(ctx, "trust anchor file %s: line %d: a trust anchor is a DS "
				   "or DNSKEY record of class IN", path, line);
			ldns_rr_free(rr);
			st = RSIP_E_CONFIG;
			break;
		}
		if (++count > MAX_ANCHOR_RRS) {
			ctx_errmsg(ctx, "trust anchor file %s: more than %d records", path,
				   MAX_ANCHOR_RRS);
			ldns_rr_free(rr);
			st = RSIP_E_CONFIG;
			break;
		}
		owner = ldns_rdf2str(ldns_rr_owner(rr));
		ldns_rr_free(rr);
		if (owner == NULL) {
			st = RSIP_E_NOMEM;
			break;
		}
		rsip_strlower(owner);
		for (size_t i = 0; i < ctx->ta_names.n && !seen; i++)
			seen = strcmp(ctx->ta_names.items[i], owner) == 0;
		if (seen)
			free(owner);
		else if (rsip_vec_push(&ctx->ta_names, owner) != 0) {
			free(owner);
			st = RSIP_E_NOMEM;
		}
	}
	fclose(fp);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	if (st == RSIP_OK && count == 0) {
		ctx_errmsg(ctx, "trust anchor file %s holds no DS or DNSKEY record", path);
		st = RSIP_E_CONFIG;
	}
	if (st == RSIP_OK) {
		copy = realpath(path, NULL);
		if (copy == NULL || rsip_vec_push(&ctx->ta_files, copy) != 0) {
			free(copy);
			st = RSIP_E_NOMEM;
		}
	}
	if (st != RSIP_OK) {
		while (ctx->ta_names.n > names_before)
			free(ctx->ta_names.items[--ctx->ta_names.n]);
	}
	return st;
}

rsip_status rsip_ctx_add_trust_anchor_file(rsip_ctx *ctx, const char *path)
{
	rsip_status st;
	if (ctx == NULL || path == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	if (access(path, R_OK) != 0) {
		ctx_errmsg(ctx, "trust anchor file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	return anchor_file_add(ctx, path);
}

rsip_status rsip_ctx_set_dnssec_policy(rsip_ctx *ctx, rsip_dnssec_policy policy)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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

const char *ctx_dns_source(const rsip_ctx *ctx, char *buf, size_t len)
{
	size_t off = 0;

	switch (ctx->mode) {
	case DNS_MODE_ZONES:
		snprintf(buf, len, "the zones served in process");
		break;
	case DNS_MODE_RECURSIVE:
		snprintf(buf, len, "the authoritative servers (recursion from the root)");
		break;
	case DNS_MODE_RESOLVCONF:
		if (ctx->rc_default != NULL) {
			snprintf(buf, len, "the server 127.0.0.1 (%s)", ctx->rc_default);
			break;
		}
		/* Named, so that a message says which servers were asked. */
		off = (size_t)snprintf(buf, len, "the servers of %s",
				       ctx->resolvconf ? ctx->resolvconf : SYSTEM_RESOLV_CONF);
		for (size_t i = 0; i < ctx->reach.n && off + 1 < len; i++) {
			int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : " (",
					 ctx->reach.servers[i].name);
			if (n < 0)
				break;
			off += (size_t)n;
		}
		if (ctx->reach.n > 0 && off + 1 < len)
			snprintf(buf + off, len - off, ")");
		break;
	case DNS_MODE_SERVERS:
		buf[0] = '\0';
		/* "addr@port" as libunbound takes it; shown as sipresolve's
		 * ADDR#PORT. */
		for (size_t i = 0; i < ctx->servers.n && off + 1 < len; i++) {
			const char *s = ctx->servers.items[i];
			const char *at = strchr(s, '@');
			int n = at ? snprintf(buf + off, len - off, "%s%.*s#%s", i ? ", " : "",
					      (int)(at - s), s, at + 1) :
				     snprintf(buf + off, len - off, "%s%s", i ? ", " : "", s);
			if (n < 0)
				break;
			off += (size_t)n;
		}
		break;
	}
	return buf;
}

bool ctx_may_use_additional(const rsip_ctx *ctx)
{
	/* Under require every address is asked for and validated on its own. */
	return ctx->dnssec_policy != RSIP_DNSSEC_POLICY_REQUIRE;
}

rsip_status rsip_ctx_set_transports(rsip_ctx *ctx, unsigned mask)
{
	rsip_status st;
	size_t n = 0;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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

bool ctx_supports(const rsip_ctx *ctx, rsip_transport tp)
{
	return (ctx->transports & (unsigned)tp) != 0;
}

rsip_status rsip_ctx_set_srv_order(rsip_ctx *ctx, rsip_srv_order order)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	ctx->cache_size = entries;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_cache_bytes(rsip_ctx *ctx, size_t bytes)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
		return st;
	ctx->prefer_ipv4 = prefer_ipv4 != 0;
	return RSIP_OK;
}

rsip_status rsip_ctx_set_failure_memory(rsip_ctx *ctx, unsigned seconds)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	ctx->failure_memory = seconds;
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

static double now_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool same_target(const struct failed_target *f, const rsip_target *t)
{
	return f->transport == t->transport && f->port == t->port &&
	       strcmp(f->address, t->address) == 0;
}

rsip_status rsip_ctx_mark_failed(rsip_ctx *ctx, const rsip_target *target)
{
	struct failed_target *slot = NULL;
	double now;
	if (ctx == NULL || target == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	now = now_monotonic();
	for (size_t i = 0; i < ctx->nfailed && slot == NULL; i++)
		if (same_target(&ctx->failed[i], target) ||
		    ctx->failed[i].marked + ctx->failure_memory <= now)
			slot = &ctx->failed[i];
	if (slot == NULL && ctx->nfailed < RSIP_FAILED_MAX)
		slot = &ctx->failed[ctx->nfailed++];
	if (slot == NULL) {
		/* Full: the oldest mark makes room (a ring). */
		slot = &ctx->failed[ctx->failed_next];
		ctx->failed_next = (ctx->failed_next + 1) % RSIP_FAILED_MAX;
	}
	slot->transport = target->transport;
	snprintf(slot->address, sizeof(slot->address), "%s", target->address);
	slot->port = target->port;
	slot->marked = now;
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

bool ctx_target_failed(rsip_ctx *ctx, const rsip_target *t)
{
	double now = now_monotonic();
	for (size_t i = 0; i < ctx->nfailed; i++)
		if (ctx->failed[i].marked + ctx->failure_memory > now &&
		    same_target(&ctx->failed[i], t))
			return true;
	return false;
}

rsip_status rsip_ctx_set_families(rsip_ctx *ctx, unsigned mask)
{
	rsip_status st;
	if (ctx == NULL)
		return RSIP_E_INVALID;
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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
	if ((st = setter_begin(ctx, false, ctx->mode)) != RSIP_OK)
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
	ctx->backend = backend;
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

/* ---- libunbound set-up ------------------------------------------- */

/* True when name is at or below zone (both absolute, lower case). */
static bool name_under(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);
	if (strcmp(zone, ".") == 0)
		return true;
	if (ln < lz || strcmp(name + ln - lz, zone) != 0)
		return false;
	return ln == lz || name[ln - lz - 1] == '.';
}

bool ctx_under_anchor(const rsip_ctx *ctx, const char *name)
{
	char lower[LDNS_MAX_DOMAINLEN + 2];
	bool private_use = false;
	snprintf(lower, sizeof(lower), "%s", name);
	rsip_strlower(lower);
	/* The root anchor covers every name but the private-use zones made
	 * insecure beside the automatic one (lift_private_use_zones()). */
	if (ctx->root_anchored) {
		if (ctx->mode == DNS_MODE_RECURSIVE)
			return true;
		for (const char *const *z = private_use_zones; *z != NULL; z++)
			private_use = private_use || name_under(lower, *z);
		if (!private_use)
			return true;
	}
	for (size_t i = 0; i < ctx->ta_names.n; i++)
		if (name_under(lower, ctx->ta_names.items[i]))
			return true;
	return false;
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
			if (name_under(ctx->zone_names.items[i], *sz)) {
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
 * blocking ub_resolve(), which builds a worker per call).  True when the
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
			reach_check(ctx, &now);
		reach_poll(ctx, &now);
		if (reach_dead(ctx, &now)) {
			*unreachable = true;
			break;
		}
		wait = left > 1000 ? 1000 : left;
		if (ctx->reach.checking && wait > REACH_POLL_MS)
			wait = REACH_POLL_MS;
		else if (reach_wanted(ctx, &now) && ms_between(&now, &check_at) < wait)
			wait = ms_between(&now, &check_at) + 1;
		if (poll(&pfd, 1, (int)(wait > 0 ? wait : 1)) > 0 && ub_process(ub) != 0)
			break;
	}
	if (!p.done) {
		ub_cancel(ub, id);
		if (*unreachable)
			snprintf(why, len, "no DNS server can be reached: %s", reach_summary(ctx));
		else
			snprintf(why, len, "no answer within %u ms", ms);
		return false;
	}
	if (p.err == 0 && !p.result->secure && p.result->rcode == LDNS_RCODE_SERVFAIL) {
		/* libunbound's SERVFAIL when every send failed (no route). */
		clock_gettime(CLOCK_MONOTONIC, &now);
		reach_check(ctx, &now);
		*unreachable = reach_dead(ctx, &now);
	}
	if (*unreachable)
		snprintf(why, len, "no DNS server can be reached: %s", reach_summary(ctx));
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

	if (ctx->ub != NULL)
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
	if (ctx->backend != NULL)
		return RSIP_OK; /* questions go to the harness, not to libunbound */
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
	if (st == RSIP_OK && ctx->reach.n == 0)
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
	    (ctx->cache = cache_new(ctx->cache_size, ctx->cache_bytes)) == NULL)
		st = RSIP_E_NOMEM;
	if (st != RSIP_OK) {
		if (ub != NULL)
			ub_ctx_delete(ub);
		return st;
	}
	ctx->ub = ub;
	return RSIP_OK;
}
