/* mockdns.c - an in-process DNS for tests: every question the engine asks is
 * answered from a zone given as text, through the context's test backend
 * (struct query_backend, engine.h), with libunbound's asynchronous contract
 * (never from within the question; later, one answer at a time, as a struct
 * ub_result carrying a wire-format DNS message, so that the engine parses it
 * as it parses libunbound's).  No thread, no socket, no clock: a run over the
 * same input gives the same result.  Used by the resolve fuzz target
 * (tests/fuzz/fuzz_resolve.c, whose input format this is: doc/FUZZING.md), the
 * oracle (tests/oracle/) and the phase tests (tests/integration/test_phases.c). */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "mockdns.h"

/* A broken contract of the backend is a crash (the fuzz target's rule). */
#define MOCKDNS_ASSERT(cond)                                                  \
	do {                                                                  \
		if (!(cond)) {                                                \
			fprintf(stderr, "%s:%d: invariant broken: %s\n",      \
				__FILE__, __LINE__, #cond);                   \
			abort();                                              \
		}                                                             \
	} while (0)

#define MAX_CNAME_CHAIN 8
#define MAX_ZONE_RECORDS 4096
#define MAX_DNS_MESSAGE 65535 /* over TCP (RFC 1035 §4.2.2) */

/* The zone is kept in DNS wire form, each record as ldns_rr2wire() writes it
 * (owner name uncompressed, type, class, TTL, RDLENGTH, RDATA), so that an
 * answer is the question followed by the records copied as they are: no
 * ldns_rr per record and answer, only the engine's own parsing allocates. */
struct zone_record {
	size_t off, len;      /* in mockdns.wire */
	size_t owner_len;     /* the owner name, at off */
	uint16_t type;
	size_t rdata_off;     /* in mockdns.wire */
	uint16_t rdlen;
};

struct pending {
	int id;
	uint8_t qname[LDNS_MAX_DOMAINLEN + 1]; /* wire form */
	size_t qname_len;
	int rrtype;
	void *mydata;
	ub_callback_type cb;
	bool dropped; /* a "drop" name: never answered */
};

struct mockdns {
	uint8_t *wire;
	size_t wire_len, wire_cap;
	struct zone_record *rec;
	size_t nrec, rec_cap;
	size_t *controls; /* indexes of the TXT records */
	size_t ncontrols;
	struct pending *q;
	size_t n, cap;
	int next_id;
	bool lifo;
	/* Zone-file state of mockdns_line(). */
	ldns_rdf *origin;
	char *origin_text;
	uint32_t ttl;
	struct query_backend backend;
};

/* The length of the uncompressed name at p (its root label included), or 0
 * when there is none within len bytes. */
static size_t wire_name_len(const uint8_t *p, size_t len)
{
	size_t pos = 0;
	while (pos < len && pos <= LDNS_MAX_DOMAINLEN) {
		if (p[pos] == 0)
			return pos + 1;
		if (p[pos] > 63)
			return 0;
		pos += (size_t)p[pos] + 1;
	}
	return 0;
}

/* Names compared in wire form: case-insensitive (RFC 4343); a length octet
 * is at most 63, below 'A', so lower-casing every octet is safe. */
static bool name_equal(const uint8_t *x, size_t xl, const uint8_t *y, size_t yl)
{
	if (xl != yl)
		return false;
	for (size_t i = 0; i < xl; i++)
		if (rsip_lower(x[i]) != rsip_lower(y[i]))
			return false;
	return true;
}

/* True when name x is strictly below name y. */
static bool name_below(const uint8_t *x, size_t xl, const uint8_t *y, size_t yl)
{
	size_t pos = 0;
	while (pos < xl && xl - pos > yl)
		pos += (size_t)x[pos] + 1;
	return pos > 0 && pos < xl && name_equal(x + pos, xl - pos, y, yl);
}

static const uint8_t *owner_of(const struct mockdns *m, const struct zone_record *r)
{
	return m->wire + r->off;
}

/* The TXT "control" string at name, if any ("rcode=2", "drop", ...). */
static bool has_control(const struct mockdns *m, const uint8_t *name, size_t name_len,
			const char *what)
{
	size_t wl = strlen(what);
	for (size_t i = 0; i < m->ncontrols; i++) {
		const struct zone_record *r = &m->rec[m->controls[i]];
		const uint8_t *txt = m->wire + r->rdata_off;
		if (r->rdlen >= wl + 1 && txt[0] >= wl && memcmp(txt + 1, what, wl) == 0 &&
		    name_equal(owner_of(m, r), r->owner_len, name, name_len))
			return true;
	}
	return false;
}

static int control_rcode(const struct mockdns *m, const uint8_t *name, size_t name_len)
{
	if (m->ncontrols == 0 || !has_control(m, name, name_len, "rcode="))
		return 0;
	for (int rc = 1; rc <= 10; rc++) {
		char want[16];
		snprintf(want, sizeof(want), "rcode=%d", rc);
		if (has_control(m, name, name_len, want))
			return rc;
	}
	return 0;
}

/* A DNS message under construction. */
struct message {
	uint8_t *buf;
	size_t len, cap;
	bool full;
};

/* Append n bytes; false when they do not fit (and nothing more will). */
static bool put(struct message *msg, const void *data, size_t n)
{
	if (msg->full || msg->len + n > MAX_DNS_MESSAGE) {
		msg->full = true;
		return false;
	}
	if (msg->len + n > msg->cap) {
		size_t cap = msg->cap * 2 > msg->len + n ? msg->cap * 2 : msg->len + n;
		uint8_t *b = realloc(msg->buf, cap);
		if (b == NULL) {
			msg->full = true;
			return false;
		}
		msg->buf = b;
		msg->cap = cap;
	}
	memcpy(msg->buf + msg->len, data, n);
	msg->len += n;
	return true;
}

/* An authoritative answer from the zone: the records of the type at the
 * name, CNAMEs followed (a bounded chain), NXDOMAIN when nothing is at or
 * below the name, else NODATA. */
static struct ub_result *answer(const struct mockdns *m, const struct pending *p)
{
	struct ub_result *ubr = calloc(1, sizeof(*ubr));
	struct message msg = {NULL, 0, 0, false};
	const uint8_t *name = p->qname;
	size_t name_len = p->qname_len;
	uint8_t header[12] = {0}, qtail[4];
	unsigned ancount = 0;
	int rcode;

	if (ubr == NULL)
		return NULL;
	ubr->qtype = p->rrtype;
	ubr->qclass = LDNS_RR_CLASS_IN;
	put(&msg, header, sizeof(header));
	put(&msg, p->qname, p->qname_len);
	qtail[0] = (uint8_t)(p->rrtype >> 8);
	qtail[1] = (uint8_t)p->rrtype;
	qtail[2] = 0;
	qtail[3] = LDNS_RR_CLASS_IN;
	put(&msg, qtail, sizeof(qtail));
	if (has_control(m, name, name_len, "bogus")) {
		ubr->bogus = 1;
		ubr->why_bogus = strdup("fuzzed: signature expired");
	} else if (has_control(m, name, name_len, "secure")) {
		ubr->secure = 1;
	}
	rcode = control_rcode(m, name, name_len);
	for (int hop = 0; rcode == 0 && hop <= MAX_CNAME_CHAIN; hop++) {
		bool found = false, exists = false, below = false;
		const struct zone_record *next = NULL;
		for (size_t i = 0; i < m->nrec; i++) {
			const struct zone_record *r = &m->rec[i];
			const uint8_t *owner = owner_of(m, r);
			if (name_equal(owner, r->owner_len, name, name_len)) {
				exists = true;
				if (r->type == p->rrtype) {
					found = true;
					ancount += put(&msg, owner, r->len);
				} else if (r->type == LDNS_RR_TYPE_CNAME && next == NULL &&
					   r->rdlen > 0 &&
					   wire_name_len(m->wire + r->rdata_off, r->rdlen) ==
						   r->rdlen) {
					next = r;
					ancount += put(&msg, owner, r->len);
				}
			} else if (name_below(owner, r->owner_len, name, name_len)) {
				below = true;
			}
		}
		if (found || next == NULL) {
			if (!exists && !below && hop == 0)
				rcode = LDNS_RCODE_NXDOMAIN;
			break;
		}
		name = m->wire + next->rdata_off;
		name_len = next->rdlen;
	}
	if (msg.buf != NULL) {
		/* A complete message: the records that did not fit are left out,
		 * as a server does over TCP. */
		msg.buf[2] = 0x84; /* QR, AA */
		msg.buf[3] = (uint8_t)rcode;
		msg.buf[5] = 1; /* QDCOUNT */
		msg.buf[6] = (uint8_t)(ancount >> 8);
		msg.buf[7] = (uint8_t)ancount;
		ubr->answer_packet = msg.buf;
		ubr->answer_len = (int)msg.len;
	}
	ubr->rcode = rcode;
	ubr->nxdomain = rcode == LDNS_RCODE_NXDOMAIN;
	ubr->havedata = ancount > 0;
	return ubr;
}

static int mock_resolve(void *arg, const char *name, int rrtype, int rrclass, void *mydata,
			ub_callback_type cb, int *async_id)
{
	struct mockdns *m = arg;
	struct pending *p;
	ldns_rdf *rdf = NULL;
	(void)rrclass;

	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct pending *q = realloc(m->q, cap * sizeof(*q));
		if (q == NULL)
			return UB_NOMEM;
		m->q = q;
		m->cap = cap;
	}
	p = &m->q[m->n];
	memset(p, 0, sizeof(*p));
	/* libunbound refuses a name it cannot parse (UB_SYNTAX). */
	if (ldns_str2rdf_dname(&rdf, name) != LDNS_STATUS_OK)
		return UB_SYNTAX;
	MOCKDNS_ASSERT(ldns_rdf_size(rdf) <= sizeof(p->qname));
	p->qname_len = ldns_rdf_size(rdf);
	memcpy(p->qname, ldns_rdf_data(rdf), p->qname_len);
	ldns_rdf_deep_free(rdf);
	p->dropped = has_control(m, p->qname, p->qname_len, "drop");
	p->id = ++m->next_id;
	p->rrtype = rrtype;
	p->mydata = mydata;
	p->cb = cb;
	*async_id = p->id;
	m->n++;
	return 0;
}

/* Add a record in wire form to the zone; false when it is not one. */
static bool zone_add(struct mockdns *m, const uint8_t *wire, size_t len)
{
	size_t owner_len = wire_name_len(wire, len);
	struct zone_record *r;

	if (owner_len == 0 || len < owner_len + 10 ||
	    len != owner_len + 10 + (((size_t)wire[owner_len + 8] << 8) | wire[owner_len + 9]))
		return false;
	if (m->nrec == m->rec_cap) {
		size_t cap = m->rec_cap ? m->rec_cap * 2 : 32;
		struct zone_record *rec = realloc(m->rec, cap * sizeof(*rec));
		size_t *controls = realloc(m->controls, cap * sizeof(*controls));
		if (rec != NULL)
			m->rec = rec;
		if (controls != NULL)
			m->controls = controls;
		if (rec == NULL || controls == NULL)
			return false;
		m->rec_cap = cap;
	}
	if (m->wire_len + len > m->wire_cap) {
		size_t cap = (m->wire_len + len) * 2;
		uint8_t *w = realloc(m->wire, cap);
		if (w == NULL)
			return false;
		m->wire = w;
		m->wire_cap = cap;
	}
	r = &m->rec[m->nrec];
	r->off = m->wire_len;
	r->len = len;
	r->owner_len = owner_len;
	r->type = (uint16_t)((wire[owner_len] << 8) | wire[owner_len + 1]);
	r->rdata_off = r->off + owner_len + 10;
	r->rdlen = (uint16_t)(len - owner_len - 10);
	memcpy(m->wire + m->wire_len, wire, len);
	m->wire_len += len;
	if (r->type == LDNS_RR_TYPE_TXT && r->rdlen > 0)
		m->controls[m->ncontrols++] = m->nrec;
	m->nrec++;
	return true;
}

/* ldns_rr_new_frm_str() costs three 64 KB buffers a record: parsed lines are
 * kept in wire form (by origin, TTL and text), since the fuzzer mutates one
 * line of a zone at a time.  The cache lives in static memory, not on the
 * heap, so that a run allocates exactly what it frees (libFuzzer's leak
 * check re-runs every input that does not). */
#define PARSE_CACHE_SLOTS 65536
#define PARSE_ARENA (32u << 20)
#define PARSE_KEY_MAX 32768
struct parsed_line {
	uint32_t key_off, key_len;  /* in parse_arena */
	uint32_t wire_off, wire_len;
	bool used, parses;
};
static struct parsed_line parse_cache[PARSE_CACHE_SLOTS];
static unsigned char parse_arena[PARSE_ARENA];
static size_t parse_arena_used, parse_cache_used;
static char parse_key[PARSE_KEY_MAX];

/* The record of one zone-file line, added to the zone; false when the line
 * is not a record. */
static bool parse_line(struct mockdns *m, const char *line, uint32_t ttl, const ldns_rdf *origin,
		       const char *origin_text)
{
	uint64_t h = 1469598103934665603ULL;
	int klen = snprintf(parse_key, sizeof(parse_key), "%u %s %s", (unsigned)ttl,
			    origin_text, line);
	bool cacheable = klen >= 0 && (size_t)klen < sizeof(parse_key), ok = false;
	size_t slot = 0, wlen = 0;
	ldns_rr *rr = NULL;
	uint8_t *wire = NULL;
	struct parsed_line *pl;

	if (cacheable) {
		for (int i = 0; i < klen; i++)
			h = (h ^ (unsigned char)parse_key[i]) * 1099511628211ULL;
		for (slot = h % PARSE_CACHE_SLOTS; parse_cache[slot].used;
		     slot = (slot + 1) % PARSE_CACHE_SLOTS) {
			pl = &parse_cache[slot];
			if (pl->key_len == (size_t)klen &&
			    memcmp(parse_arena + pl->key_off, parse_key, (size_t)klen) == 0)
				return pl->parses &&
				       zone_add(m, parse_arena + pl->wire_off, pl->wire_len);
		}
	}
	if (ldns_rr_new_frm_str(&rr, line, ttl, origin, NULL) == LDNS_STATUS_OK &&
	    rr != NULL && ldns_rr2wire(&wire, rr, LDNS_SECTION_ANSWER, &wlen) == LDNS_STATUS_OK)
		ok = zone_add(m, wire, wlen);
	ldns_rr_free(rr);
	if (!ok)
		wlen = 0;
	if (cacheable && (parse_cache_used >= PARSE_CACHE_SLOTS / 2 ||
			  PARSE_ARENA - parse_arena_used < (size_t)klen + wlen)) {
		/* full: start again */
		memset(parse_cache, 0, sizeof(parse_cache));
		parse_cache_used = parse_arena_used = 0;
		slot = h % PARSE_CACHE_SLOTS;
	}
	if (cacheable && (size_t)klen + wlen <= PARSE_ARENA - parse_arena_used) {
		pl = &parse_cache[slot];
		pl->used = true;
		pl->parses = ok;
		pl->key_off = (uint32_t)parse_arena_used;
		pl->key_len = (uint32_t)klen;
		memcpy(parse_arena + parse_arena_used, parse_key, (size_t)klen);
		parse_arena_used += (size_t)klen;
		pl->wire_off = (uint32_t)parse_arena_used;
		pl->wire_len = (uint32_t)wlen;
		if (wlen > 0)
			memcpy(parse_arena + parse_arena_used, wire, wlen);
		parse_arena_used += wlen;
		parse_cache_used++;
	}
	free(wire);
	return ok;
}

/* The presentation form of the owner of the last record (a line that starts
 * with a blank has the previous owner), or NULL. */
static char *last_owner(const struct mockdns *m)
{
	const struct zone_record *r;
	ldns_rdf *rdf;
	ldns_buffer *b;
	char *s = NULL;

	if (m->nrec == 0)
		return NULL;
	r = &m->rec[m->nrec - 1];
	rdf = ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, r->owner_len, owner_of(m, r));
	b = ldns_buffer_new(64); /* (ldns_rdf2str() would take 64 KB) */
	if (rdf != NULL && b != NULL && ldns_rdf2buffer_str(b, rdf) == LDNS_STATUS_OK)
		s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	ldns_rdf_deep_free(rdf);
	return s;
}

static void forget(struct mockdns *m, size_t i)
{
	memmove(&m->q[i], &m->q[i + 1], (m->n - i - 1) * sizeof(m->q[0]));
	m->n--;
}

static int mock_cancel(void *arg, int async_id)
{
	struct mockdns *m = arg;
	for (size_t i = 0; i < m->n; i++) {
		if (m->q[i].id == async_id) {
			forget(m, i);
			return 0;
		}
	}
	return UB_NOID;
}

bool mockdns_answer_one(struct mockdns *m, rsip_ctx *ctx)
{
	for (size_t k = 0; k < m->n; k++) {
		size_t i = m->lifo ? m->n - 1 - k : k;
		struct pending p;
		struct ub_result *ubr;
		if (m->q[i].dropped)
			continue;
		p = m->q[i];
		forget(m, i);
		ubr = answer(m, &p);
		pthread_mutex_lock(&ctx->lock);
		if (ubr == NULL)
			p.cb(p.mydata, UB_NOMEM, NULL);
		else
			p.cb(p.mydata, 0, ubr);
		pthread_mutex_unlock(&ctx->lock);
		return true;
	}
	return false;
}

/* A ";;" line: a context setting. */
static void apply_setting(rsip_ctx *ctx, struct mockdns *m, const char *line)
{
	unsigned long which, value;
	if (strncmp(line, ";;transports ", 13) == 0)
		rsip_ctx_set_transport_order(ctx, line + 13);
	else if (strcmp(line, ";;families 4") == 0)
		rsip_ctx_set_families(ctx, RSIP_FAMILY_IPV4);
	else if (strcmp(line, ";;families 6") == 0)
		rsip_ctx_set_families(ctx, RSIP_FAMILY_IPV6);
	else if (strncmp(line, ";;suffix ", 9) == 0)
		rsip_ctx_add_enum_suffix(ctx, line + 9);
	else if (strcmp(line, ";;lifo") == 0)
		m->lifo = true;
	else if (sscanf(line, ";;limit %lu %lu", &which, &value) == 2) {
		which %= 9;
		/* Keep one run short: a few thousand questions at most. */
		if ((which == RSIP_LIMIT_QUESTIONS || which == RSIP_LIMIT_SRV_TARGETS) &&
		    value > 2000)
			value = 2000;
		rsip_ctx_set_limit(ctx, (rsip_limit)which, value);
	}
}


struct mockdns *mockdns_new(void)
{
	struct mockdns *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->origin = ldns_dname_new_frm_str(".");
	m->origin_text = strdup(".");
	m->ttl = 300;
	if (m->origin == NULL || m->origin_text == NULL) {
		mockdns_free(m);
		return NULL;
	}
	m->backend.resolve = mock_resolve;
	m->backend.cancel = mock_cancel;
	m->backend.arg = m;
	return m;
}

void mockdns_free(struct mockdns *m)
{
	if (m == NULL)
		return;
	free(m->q);
	ldns_rdf_deep_free(m->origin);
	free(m->origin_text);
	free(m->controls);
	free(m->rec);
	free(m->wire);
	free(m);
}

void mockdns_attach(struct mockdns *m, rsip_ctx *ctx)
{
	ctx_set_backend(ctx, &m->backend);
}

void mockdns_line(struct mockdns *m, rsip_ctx *ctx, const char *line)
{
	char *full = NULL;

	if (strncmp(line, ";;", 2) == 0) {
		apply_setting(ctx, m, line);
		return;
	}
	if (strncmp(line, "$ORIGIN ", 8) == 0) {
		ldns_rdf *o2 = ldns_dname_new_frm_str(line + 8);
		char *t2 = strdup(line + 8);
		if (o2 != NULL && t2 != NULL) {
			ldns_rdf_deep_free(m->origin);
			free(m->origin_text);
			m->origin = o2;
			m->origin_text = t2;
		} else {
			ldns_rdf_deep_free(o2);
			free(t2);
		}
		return;
	}
	if (strncmp(line, "$TTL ", 5) == 0) {
		m->ttl = (uint32_t)strtoul(line + 5, NULL, 10);
		return;
	}
	/* A line that starts with a blank has the previous owner. */
	if (line[0] == ' ' || line[0] == '\t') {
		char *owner = last_owner(m);
		if (owner != NULL && asprintf(&full, "%s%s", owner, line) >= 0)
			line = full;
		free(owner);
	}
	/* Bounded: a zone of at most MAX_ZONE_RECORDS records. */
	if (m->nrec < MAX_ZONE_RECORDS)
		parse_line(m, line, m->ttl, m->origin, m->origin_text);
	free(full);
}

char *mockdns_load(struct mockdns *m, rsip_ctx *ctx, char *text)
{
	char *save = NULL, *uri = strtok_r(text, "\n", &save), *line;

	if (uri == NULL)
		return NULL;
	while ((line = strtok_r(NULL, "\n", &save)) != NULL)
		mockdns_line(m, ctx, line);
	return uri;
}

size_t mockdns_pending(const struct mockdns *m)
{
	return m->n;
}

unsigned mockdns_asked(const struct mockdns *m)
{
	return (unsigned)m->next_id;
}

void mockdns_expire(rsip_ctx *ctx)
{
	struct timespec far = {(time_t)1 << 40, 0};

	pthread_mutex_lock(&ctx->lock);
	ctx_expire(ctx, &far);
	pthread_mutex_unlock(&ctx->lock);
}

int mockdns_run(struct mockdns *m, rsip_ctx *ctx, const bool *done, size_t max_rounds)
{
	size_t rounds = 0;

	while (!*done) {
		if (rounds++ >= max_rounds)
			return -1;
		if (!mockdns_answer_one(m, ctx)) {
			mockdns_expire(ctx);
			if (!*done)
				return -1;
		}
	}
	return 0;
}

struct collect {
	bool done;
	rsip_result *res;
};

static void collect_result(void *arg, rsip_result *res)
{
	struct collect *c = arg;
	c->done = true;
	c->res = res;
}

rsip_result *mockdns_resolve(struct mockdns *m, rsip_ctx *ctx, const char *uri)
{
	struct collect c = {false, NULL};
	int id = 0;

	if (rsip_resolve_async(ctx, uri, collect_result, &c, &id) != RSIP_OK)
		return NULL;
	if (mockdns_run(m, ctx, &c.done, MOCKDNS_MAX_ROUNDS) != 0) {
		/* Not over: its callback must not come to this frame later. */
		rsip_cancel(ctx, id);
		return NULL;
	}
	return c.res;
}
