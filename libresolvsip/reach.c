/* reach.c - whether the context's DNS servers can be reached at all, found
 * without DNS: the error the kernel reports on a connected UDP socket (RFC
 * 1122 §4.1.3.3: UDP passes ICMP errors up; RFC 792 and RFC 4443 §3.1: port
 * and network unreachable), which libunbound 1.17 never reports. */
#define _GNU_SOURCE /* asprintf */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine.h"

/* libunbound 1.17's built-in root hints (iterator/iter_hints.c), the
 * servers recursion starts from: only their routes are checked, nothing is
 * sent to them. */
static const char *const root_hints[] = {
	"198.41.0.4", "170.247.170.2", "192.33.4.12", "199.7.91.13", "192.203.230.10",
	"192.5.5.241", "192.112.36.4", "198.97.190.53", "192.36.148.17", "192.58.128.30",
	"193.0.14.129", "199.7.83.42", "202.12.27.33",
	"2001:503:ba3e::2:30", "2801:1b8:10::b", "2001:500:2::c", "2001:500:2d::d",
	"2001:500:a8::e", "2001:500:2f::f", "2001:500:12::d0d", "2001:500:1::53",
	"2001:7fe::53", "2001:503:c27::2:30", "2001:7fd::1", "2001:500:9f::42",
	"2001:dc3::35", NULL
};

static void ts_add_ms(struct timespec *t, unsigned ms)
{
	t->tv_sec += (time_t)(ms / 1000);
	t->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (t->tv_nsec >= 1000000000L) {
		t->tv_sec++;
		t->tv_nsec -= 1000000000L;
	}
}

static bool ts_reached(const struct timespec *t, const struct timespec *now)
{
	return now->tv_sec > t->tv_sec || (now->tv_sec == t->tv_sec && now->tv_nsec >= t->tv_nsec);
}

/* One server, "ADDR[%INDEX][@PORT]" as resolvconf.c gives it to libunbound.  One
 * that cannot be read here makes the set incomplete: never called dead. */
static rsip_status add_server(struct reach *rc, const char *spec)
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *at = strchr(spec, '@'), *pct;
	size_t len = at ? (size_t)(at - spec) : strlen(spec);
	unsigned long port = at ? strtoul(at + 1, NULL, 10) : 53; /* RFC 1035 §4.2 */
	unsigned long scope = 0;
	struct reach_server *s, *grown;

	if (len == 0 || len >= sizeof(addr) || port == 0 || port > 65535) {
		rc->incomplete = true;
		return RSIP_OK;
	}
	memcpy(addr, spec, len);
	addr[len] = '\0';
	if ((pct = strchr(addr, '%')) != NULL) {
		/* RFC 4007 §11: the zone index, a number by now. */
		scope = strtoul(pct + 1, NULL, 10);
		addr[pct - addr] = '\0';
	}
	grown = realloc(rc->servers, (rc->n + 1) * sizeof(*rc->servers));
	if (grown == NULL) {
		rc->incomplete = true;
		return RSIP_E_NOMEM;
	}
	rc->servers = grown;
	s = &rc->servers[rc->n];
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	if (inet_pton(AF_INET, addr, &((struct sockaddr_in *)&s->addr)->sin_addr) == 1) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&s->addr;
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		s->addrlen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, addr, &((struct sockaddr_in6 *)&s->addr)->sin6_addr) == 1) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&s->addr;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		sin6->sin6_scope_id = (uint32_t)scope;
		s->addrlen = sizeof(*sin6);
	} else {
		rc->incomplete = true;
		return RSIP_OK;
	}
	snprintf(s->name, sizeof(s->name), "%.*s#%lu", (int)len, spec, port);
	rc->n++;
	return RSIP_OK;
}

rsip_status reach_init(rsip_ctx *ctx)
{
	struct reach *rc = &ctx->dns.reach;
	rsip_status st = RSIP_OK;

	switch (ctx->mode) {
	case DNS_MODE_SERVERS:
		for (size_t i = 0; i < ctx->servers.n && st == RSIP_OK; i++)
			st = add_server(rc, ctx->servers.items[i]);
		break;
	case DNS_MODE_RESOLVCONF:
		/* The addresses resolvconf.c read from the file and gave libunbound. */
		for (size_t i = 0; i < ctx->rc_servers.n && st == RSIP_OK; i++)
			st = add_server(rc, ctx->rc_servers.items[i]);
		break;
	case DNS_MODE_RECURSIVE:
		rc->route_only = true;
		for (const char *const *h = root_hints; *h != NULL && st == RSIP_OK; h++)
			st = add_server(rc, *h);
		break;
	case DNS_MODE_ZONES:
		break; /* in process: nothing to reach */
	}
	return st;
}

static void close_sockets(struct reach *rc)
{
	for (size_t i = 0; i < rc->n; i++) {
		if (rc->servers[i].fd >= 0)
			close(rc->servers[i].fd);
		rc->servers[i].fd = -1;
	}
}

void reach_free(struct reach *rc)
{
	close_sockets(rc);
	free(rc->servers);
	free(rc->summary);
	rc->servers = NULL;
	rc->summary = NULL;
	rc->n = 0;
}

/* An error that proves the server cannot be reached from here. */
static bool proves_unreachable(int err)
{
	return err == ECONNREFUSED || err == ENETUNREACH || err == EHOSTUNREACH ||
	       err == EADDRNOTAVAIL || err == EACCES || err == EPERM;
}

static const char *error_text(const struct reach_server *s)
{
	switch (s->err) {
	case ECONNREFUSED:
		return "connection refused (ICMP port unreachable)";
	case ENETUNREACH:
		return s->local ? "network unreachable (no route)" :
		       "network unreachable (ICMP)";
	case EHOSTUNREACH:
		return s->local ? "host unreachable (no route)" : "host unreachable (ICMP)";
	case EADDRNOTAVAIL:
		return "no local address to reach it from";
	case EACCES:
	case EPERM:
		return "not permitted (a broadcast address, or a firewall rule)";
	}
	return "no error came back (it drops the questions, or they are lost on the way)";
}

/* "127.0.0.59#53: connection refused (...); 127.0.0.60#53: ..." for a few
 * servers; counts per reason for the root hints. */
static char *describe(const struct reach *rc)
{
	char *out = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&out, &size);

	if (fp == NULL)
		return NULL;
	if (rc->route_only) {
		fprintf(fp, "the root servers (libunbound's hints, %zu addresses):", rc->n);
		for (size_t i = 0; i < rc->n; i++) {
			const char *text = error_text(&rc->servers[i]);
			size_t count = 0;
			bool seen = false;
			for (size_t j = 0; j < i && !seen; j++)
				seen = strcmp(error_text(&rc->servers[j]), text) == 0;
			if (seen)
				continue;
			for (size_t j = i; j < rc->n; j++)
				count += strcmp(error_text(&rc->servers[j]), text) == 0;
			fprintf(fp, "%s %zu %s", i ? "," : "", count, text);
		}
	} else {
		for (size_t i = 0; i < rc->n; i++)
			fprintf(fp, "%s%s: %s", i ? "; " : "", rc->servers[i].name,
				error_text(&rc->servers[i]));
	}
	if (fclose(fp) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The check is over: keep its verdict for REACH_KEEP_MS. */
static void conclude(struct reach *rc, const struct timespec *now)
{
	bool dead = rc->n > 0;

	close_sockets(rc);
	dead = dead && !rc->incomplete;
	for (size_t i = 0; i < rc->n; i++)
		dead = dead && proves_unreachable(rc->servers[i].err);
	rc->checking = false;
	rc->checked = true;
	rc->dead = dead;
	rc->valid_until = *now;
	ts_add_ms(&rc->valid_until, REACH_KEEP_MS);
	free(rc->summary);
	rc->summary = describe(rc);
	if (rc->summary == NULL)
		rc->dead = dead = false; /* out of memory: claim nothing */
	if (dead && rc->note == NULL && rc->summary != NULL &&
	    asprintf(&rc->note, "no DNS server can be reached: %s; questions "
		     "fail at once for %u s, then the servers are checked again", rc->summary,
		     REACH_KEEP_MS / 1000) < 0)
		rc->note = NULL;
}

/* Read what came back on each socket, without blocking. */
static void collect(struct reach *rc)
{
	for (size_t i = 0; i < rc->n; i++) {
		struct reach_server *s = &rc->servers[i];
		char byte;
		ssize_t n;

		if (s->fd < 0)
			continue;
		n = recv(s->fd, &byte, sizeof(byte), MSG_DONTWAIT);
		if (n >= 0) {
			/* It answered even an empty datagram: it is there. */
			close(s->fd);
			s->fd = -1;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			s->err = errno;
			close(s->fd);
			s->fd = -1;
		}
	}
}

static bool all_settled(const struct reach *rc)
{
	for (size_t i = 0; i < rc->n; i++)
		if (rc->servers[i].fd >= 0)
			return false;
	return true;
}

/* Open a connected UDP socket to each server: connect() fails at once
 * without a route; otherwise an empty datagram (not DNS: a server drops it,
 * RFC 1035 §4.1.1 needs a 12-octet header) draws an ICMP port unreachable
 * from a host with nothing on the port.  Route-only: nothing is sent. */
static void begin(struct reach *rc, const struct timespec *now)
{

	rc->checking = true;
	rc->check_end = *now;
	ts_add_ms(&rc->check_end, REACH_WINDOW_MS);
	for (size_t i = 0; i < rc->n; i++) {
		struct reach_server *s = &rc->servers[i];
		int fd = socket(s->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

		s->err = 0;
		s->local = true;
		s->fd = -1;
		if (fd < 0)
			continue; /* no descriptor: no evidence either way */
		if (connect(fd, (const struct sockaddr *)&s->addr, s->addrlen) != 0 ||
		    (!rc->route_only && send(fd, "", 0, 0) < 0)) {
			s->err = errno;
			close(fd);
			continue;
		}
		if (rc->route_only) {
			close(fd);
			continue;
		}
		s->local = false;
		s->fd = fd;
	}
	/* A refusal on loopback or a route missing is known at once. */
	collect(rc);
	if (all_settled(rc))
		conclude(rc, now);
}

bool reach_dead(const struct reach *rc, const struct timespec *now)
{
	return rc->checked && rc->dead && !ts_reached(&rc->valid_until, now);
}

bool reach_wanted(const struct reach *rc, const struct timespec *now)
{
	return rc->n > 0 && !rc->checking && (!rc->checked || ts_reached(&rc->valid_until, now));
}

void reach_check(struct reach *rc, const struct timespec *now)
{
	if (reach_wanted(rc, now))
		begin(rc, now);
}

void reach_poll(struct reach *rc, const struct timespec *now)
{

	if (!rc->checking)
		return;
	collect(rc);
	if (all_settled(rc) || ts_reached(&rc->check_end, now))
		conclude(rc, now);
}

bool reach_next_wake(const struct reach *rc, const struct timespec *now, struct timespec *when)
{
	struct timespec t = *now;

	if (!rc->checking)
		return false;
	ts_add_ms(&t, REACH_POLL_MS);
	*when = ts_reached(&t, &rc->check_end) ? t : rc->check_end;
	return true;
}

const char *reach_summary(const struct reach *rc)
{
	return rc->checked ? rc->summary : NULL;
}

const char *rsip_ctx_unreachable_note(const rsip_ctx *ctx)
{
	const char *note;
	if (ctx == NULL)
		return NULL;
	pthread_mutex_lock((pthread_mutex_t *)&ctx->lock);
	note = ctx->dns.reach.note;
	pthread_mutex_unlock((pthread_mutex_t *)&ctx->lock);
	return note;
}
