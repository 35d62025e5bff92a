/* resolvconf.c - the DNS servers asked: the --server addresses, the
 * nameservers of a resolv.conf (resolv.conf(5)) as read and checked here, and
 * where the context's questions go, for messages. */
#define _GNU_SOURCE /* asprintf, getline */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine.h"

#define SYSTEM_RESOLV_CONF "/etc/resolv.conf"

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
	if ((st = ctx_setter_begin(ctx, true, DNS_MODE_SERVERS)) != RSIP_OK)
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
rsip_status resolvconf_read(rsip_ctx *ctx, const char *path)
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
	if ((st = ctx_setter_begin(ctx, true, DNS_MODE_RESOLVCONF)) != RSIP_OK)
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
		for (size_t i = 0; i < ctx->dns.reach.n && off + 1 < len; i++) {
			int n = snprintf(buf + off, len - off, "%s%s", i ? ", " : " (",
					 ctx->dns.reach.servers[i].name);
			if (n < 0)
				break;
			off += (size_t)n;
		}
		if (ctx->dns.reach.n > 0 && off + 1 < len)
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
