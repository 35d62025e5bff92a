/* hosts.c - the hosts file (hosts(5)): the addresses a UAC that calls
 * getaddrinfo() finds there before it asks DNS.  Read by default in
 * resolv.conf mode only (rsip_ctx_set_hosts_file()).
 *
 * The file is read here, not with libunbound's ub_ctx_hosts().  That call
 * turns each name into local data of an implicit "transparent" zone: a NAPTR
 * question for a name of the file would then be answered NODATA by
 * libunbound, where a UAC asks DNS for it (only addresses come from the
 * file); one malformed line makes it refuse the whole file; and such an
 * answer looks like any other, so the trace could not say where it came
 * from without a second reading of the file that must agree with
 * libunbound's.  Here the file is read once into a sorted table; the A and
 * AAAA questions of its names are answered from it (query_ask()), the family
 * it does not hold for a name as NODATA (getaddrinfo() does not ask DNS for
 * it either), and every other question goes to DNS as before. */
#define _GNU_SOURCE /* getline */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

struct hosts_rec {
	char *name;          /* absolute, lower case */
	size_t seq;          /* order in the file: answers keep it */
	bool v6;
	char address[INET6_ADDRSTRLEN];
};

/* A host name as hosts(5) allows it: labels of letters, digits, '-' and '_'
 * (in wide use, e.g. in SRV-style names), 1 to 63 octets each, at most 253 in
 * all (RFC 1035 §2.3.4), an optional final dot.  Anything else is skipped, as
 * a line getaddrinfo() would not match either. */
static bool host_name_ok(const char *s)
{
	size_t label = 0, len = strlen(s);
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!rsip_is_alpha(c) && !rsip_is_digit(c) && c != '-' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return label > 0;
}

static int cmp_rec(const void *a, const void *b)
{
	const struct hosts_rec *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void hosts_clear(struct hosts_table *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->recs[i].name);
	free(h->recs);
	h->recs = NULL;
	h->n = 0;
}

/* One line: "ADDRESS NAME [ALIAS...]", '#' to the end of the line a comment.
 * A line whose address is not an IPv4 or IPv6 address (a scoped one such as
 * fe80::1%lo0 included) is skipped. */
static rsip_status hosts_line(char *line, size_t *seq, struct hosts_rec **recs, size_t *n,
			      size_t *cap)
{
	char *save = NULL, *tok, *hash = strchr(line, '#');
	unsigned char bin[16];
	char address[INET6_ADDRSTRLEN];
	bool v6;

	if (hash != NULL)
		*hash = '\0';
	tok = strtok_r(line, " \t\r\n", &save);
	if (tok == NULL)
		return RSIP_OK;
	if (inet_pton(AF_INET, tok, bin) == 1)
		v6 = false;
	else if (inet_pton(AF_INET6, tok, bin) == 1)
		v6 = true;
	else
		return RSIP_OK;
	inet_ntop(v6 ? AF_INET6 : AF_INET, bin, address, sizeof(address));
	while ((tok = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
		size_t len = strlen(tok);
		struct hosts_rec *rec;
		if (!host_name_ok(tok))
			continue;
		if (*n == *cap) {
			size_t ncap = *cap ? *cap * 2 : 64;
			struct hosts_rec *grown = realloc(*recs, ncap * sizeof(*grown));
			if (grown == NULL)
				return RSIP_E_NOMEM;
			*recs = grown;
			*cap = ncap;
		}
		rec = &(*recs)[*n];
		rec->name = malloc(len + 2);
		if (rec->name == NULL)
			return RSIP_E_NOMEM;
		memcpy(rec->name, tok, len + 1);
		if (tok[len - 1] != '.')
			memcpy(rec->name + len, ".", 2);
		rsip_strlower(rec->name);
		rec->seq = (*seq)++;
		rec->v6 = v6;
		memcpy(rec->address, address, sizeof(address));
		(*n)++;
	}
	return RSIP_OK;
}

rsip_status hosts_load(struct hosts_table *h, const char *path, bool explicit, char *err,
		       size_t errlen)
{
	FILE *fp = fopen(path, "r");
	struct hosts_rec *recs = NULL;
	size_t n = 0, cap = 0, seq = 0, linecap = 0;
	char *line = NULL;
	rsip_status st = RSIP_OK;

	hosts_clear(h);
	if (fp == NULL) {
		/* The system's file may be missing: then there is none. */
		if (!explicit)
			return RSIP_OK;
		snprintf(err, errlen, "hosts file %s: %s", path, strerror(errno));
		return RSIP_E_CONFIG;
	}
	errno = 0;
	while (st == RSIP_OK && getline(&line, &linecap, fp) >= 0)
		st = hosts_line(line, &seq, &recs, &n, &cap);
	if (st == RSIP_OK && ferror(fp)) {
		snprintf(err, errlen, "hosts file %s: %s", path, strerror(errno ? errno : EIO));
		st = RSIP_E_CONFIG;
	}
	free(line);
	fclose(fp);
	free(h->path);
	h->path = NULL;
	if (st == RSIP_OK && (h->path = rsip_strdup(path)) == NULL)
		st = RSIP_E_NOMEM;
	if (st != RSIP_OK) {
		h->recs = recs;
		h->n = n;
		hosts_clear(h);
		return st;
	}
	if (n > 0)
		qsort(recs, n, sizeof(*recs), cmp_rec);
	h->recs = recs;
	h->n = n;
	return RSIP_OK;
}

/* The first record of name (absolute, any case), or nhosts when none. */
static size_t hosts_find(const struct hosts_table *h, const char *name)
{
	char lower[LDNS_MAX_DOMAINLEN + 2];
	size_t lo = 0, hi = h->n;
	if (h->n == 0 || strlen(name) >= sizeof(lower))
		return h->n;
	memcpy(lower, name, strlen(name) + 1);
	rsip_strlower(lower);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(h->recs[mid].name, lower) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && strcmp(h->recs[lo].name, lower) == 0 ? lo : h->n;
}

bool hosts_has(const struct hosts_table *h, const char *name)
{
	return hosts_find(h, name) < h->n;
}

rsip_status hosts_answer(const struct hosts_table *h, const char *qname, uint16_t qtype,
			 ldns_pkt **out, size_t *count)
{
	size_t first = hosts_find(h, qname);
	bool v6 = qtype == LDNS_RR_TYPE_AAAA;
	ldns_pkt *pkt;
	ldns_rr *rr = NULL;
	char text[LDNS_MAX_DOMAINLEN + 80];

	*out = NULL;
	*count = 0;
	if (first == h->n || (qtype != LDNS_RR_TYPE_A && qtype != LDNS_RR_TYPE_AAAA))
		return RSIP_OK;
	pkt = ldns_pkt_new();
	if (pkt == NULL)
		return RSIP_E_NOMEM;
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_rcode(pkt, LDNS_RCODE_NOERROR);
	snprintf(text, sizeof(text), "%s IN %s", h->recs[first].name, v6 ? "AAAA" : "A");
	if (ldns_rr_new_question_frm_str(&rr, text, NULL, NULL) != LDNS_STATUS_OK ||
	    !ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, rr))
		goto fail;
	rr = NULL; /* the packet's now */
	for (size_t i = first; i < h->n &&
	     strcmp(h->recs[i].name, h->recs[first].name) == 0; i++) {
		const struct hosts_rec *rec = &h->recs[i];
		bool seen = false;
		if (rec->v6 != v6)
			continue;
		/* The same address on two lines is one record (RFC 2181 §5). */
		for (size_t j = first; j < i && !seen; j++)
			seen = h->recs[j].v6 == v6 && strcmp(h->recs[j].address,
								 rec->address) == 0;
		if (seen)
			continue;
		/* TTL 0: the file is read once per context, and this answer is
		 * not kept in the cache. */
		snprintf(text, sizeof(text), "%s 0 IN %s %s", rec->name, v6 ? "AAAA" : "A",
			 rec->address);
		if (ldns_rr_new_frm_str(&rr, text, 0, NULL, NULL) != LDNS_STATUS_OK ||
		    !ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER, rr))
			goto fail;
		rr = NULL;
		(*count)++;
	}
	*out = pkt;
	return RSIP_OK;
fail:
	ldns_rr_free(rr);
	ldns_pkt_free(pkt);
	return RSIP_E_NOMEM;
}
