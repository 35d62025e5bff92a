/* fuzz_resolve.c - libFuzzer target: a whole resolution (RFC 6116 ENUM, RFC
 * 3263 location, RFC 2782 SRV, A/AAAA) over a fuzzed zone.  The engine runs
 * as it does with libunbound, through its asynchronous contract, but every
 * question is answered in process from the zone in the input (struct
 * query_backend): thousands of resolutions a second, no thread, no socket.
 *
 * Input: the first line is the URI to resolve; lines starting with ";;" set
 * the context (";;transports tls,udp", ";;families 4", ";;suffix DOMAIN",
 * ";;limit N VALUE", ";;lifo": answer the newest question first); every
 * other line is a record in zone-file syntax ($ORIGIN and $TTL allowed).
 * A TXT record at a name changes how questions about it are answered:
 * "rcode=N" (that rcode, no records), "drop" (never answered: the
 * resolution's deadline ends it), "bogus", "secure" (the DNSSEC verdict). */
#define _GNU_SOURCE /* asprintf */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "fuzz.h"

#define MAX_CNAME_CHAIN 8

struct pending {
	int id;
	char *name;
	int rrtype;
	void *mydata;
	ub_callback_type cb;
	bool dropped; /* a "drop" name: never answered */
};

struct mockdns {
	ldns_rr_list *zone;
	ldns_rr_list *controls; /* the TXT records of zone (not owned) */
	struct pending *q;
	size_t n, cap;
	int next_id;
	bool lifo;
};

/* Names compared on their wire form without allocating (ldns_dname_compare()
 * copies both names): case-insensitive (RFC 4343); a length octet is at most
 * 63, below 'A', so lower-casing every octet is safe. */
static bool name_equal(const ldns_rdf *a, const ldns_rdf *b)
{
	const uint8_t *x = ldns_rdf_data(a), *y = ldns_rdf_data(b);
	size_t n = ldns_rdf_size(a);
	if (n != ldns_rdf_size(b))
		return false;
	for (size_t i = 0; i < n; i++)
		if (rsip_lower(x[i]) != rsip_lower(y[i]))
			return false;
	return true;
}

/* True when a is strictly below b. */
static bool name_below(const ldns_rdf *a, const ldns_rdf *b)
{
	const uint8_t *x = ldns_rdf_data(a), *y = ldns_rdf_data(b);
	size_t al = ldns_rdf_size(a), bl = ldns_rdf_size(b), pos = 0;
	while (pos < al && al - pos > bl)
		pos += (size_t)x[pos] + 1;
	if (pos == 0 || pos >= al || al - pos != bl)
		return false;
	for (size_t i = 0; i < bl; i++)
		if (rsip_lower(x[pos + i]) != rsip_lower(y[i]))
			return false;
	return true;
}

/* The TXT "control" string at name, if any ("rcode=2", "drop", ...): looked
 * up in the zone's TXT records, which m->controls lists. */
static bool has_control(const struct mockdns *m, const ldns_rdf *name, const char *what)
{
	size_t wl = strlen(what);
	for (size_t i = 0; i < ldns_rr_list_rr_count(m->controls); i++) {
		ldns_rr *rr = ldns_rr_list_rr(m->controls, i);
		const ldns_rdf *txt = ldns_rr_rdf(rr, 0);
		if (ldns_rdf_size(txt) >= wl + 1 && ldns_rdf_data(txt)[0] >= wl &&
		    memcmp(ldns_rdf_data(txt) + 1, what, wl) == 0 &&
		    name_equal(ldns_rr_owner(rr), name))
			return true;
	}
	return false;
}

static int control_rcode(const struct mockdns *m, const ldns_rdf *name)
{
	if (ldns_rr_list_rr_count(m->controls) == 0 || !has_control(m, name, "rcode="))
		return 0;
	for (int rc = 1; rc <= 10; rc++) {
		char want[16];
		snprintf(want, sizeof(want), "rcode=%d", rc);
		if (has_control(m, name, want))
			return rc;
	}
	return 0;
}

/* An authoritative answer from the zone: the records of the type at the
 * name, CNAMEs followed (a bounded chain), NXDOMAIN when nothing is at or
 * below the name, else NODATA. */
static struct ub_result *answer(const struct mockdns *m, const char *qname, int qtype)
{
	struct ub_result *ubr = calloc(1, sizeof(*ubr));
	ldns_pkt *pkt = NULL;
	ldns_rdf *name = NULL, *qrdf = NULL;
	ldns_rr *question;
	uint8_t *wire = NULL;
	size_t wlen = 0;
	ldns_buffer *buf = NULL;
	int rcode = LDNS_RCODE_NOERROR;

	if (ubr == NULL)
		return NULL;
	ubr->qtype = qtype;
	ubr->qclass = LDNS_RR_CLASS_IN;
	if (ldns_str2rdf_dname(&qrdf, qname) != LDNS_STATUS_OK) {
		ubr->rcode = LDNS_RCODE_FORMERR;
		return ubr;
	}
	pkt = ldns_pkt_new();
	question = ldns_rr_new();
	if (pkt == NULL || question == NULL) {
		ldns_rr_free(question);
		goto done;
	}
	ldns_rr_set_owner(question, ldns_rdf_clone(qrdf));
	ldns_rr_set_type(question, (ldns_rr_type)qtype);
	ldns_rr_set_class(question, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(question, true);
	ldns_pkt_push_rr(pkt, LDNS_SECTION_QUESTION, question);
	ldns_pkt_set_qr(pkt, true);
	ldns_pkt_set_aa(pkt, true);
	if (has_control(m, qrdf, "bogus")) {
		ubr->bogus = 1;
		ubr->why_bogus = strdup("fuzzed: signature expired");
	} else if (has_control(m, qrdf, "secure")) {
		ubr->secure = 1;
	}
	rcode = control_rcode(m, qrdf);
	name = ldns_rdf_clone(qrdf);
	for (int hop = 0; rcode == 0 && name != NULL && hop <= MAX_CNAME_CHAIN; hop++) {
		bool found = false, exists = false, below = false;
		ldns_rdf *next = NULL;
		for (size_t i = 0; i < ldns_rr_list_rr_count(m->zone); i++) {
			ldns_rr *rr = ldns_rr_list_rr(m->zone, i);
			const ldns_rdf *owner = ldns_rr_owner(rr);
			if (name_equal(owner, name)) {
				exists = true;
				if ((int)ldns_rr_get_type(rr) == qtype) {
					found = true;
					ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER,
							 ldns_rr_clone(rr));
				} else if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME &&
					   next == NULL && ldns_rr_rd_count(rr) == 1) {
					next = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
					ldns_pkt_push_rr(pkt, LDNS_SECTION_ANSWER,
							 ldns_rr_clone(rr));
				}
			} else if (name_below(owner, name)) {
				below = true;
			}
		}
		if (found || next == NULL) {
			if (!exists && !below && hop == 0)
				rcode = LDNS_RCODE_NXDOMAIN;
			ldns_rdf_deep_free(next);
			break;
		}
		ldns_rdf_deep_free(name);
		name = next;
	}
	ldns_rdf_deep_free(name);
	ldns_pkt_set_rcode(pkt, (uint8_t)rcode);
	ubr->rcode = rcode;
	ubr->nxdomain = rcode == LDNS_RCODE_NXDOMAIN;
	ubr->havedata = ldns_pkt_ancount(pkt) > 0;
	/* (ldns_pkt2wire() would start from a 64 KB buffer.) */
	buf = ldns_buffer_new(512);
	if (buf != NULL && ldns_pkt2buffer_wire(buf, pkt) == LDNS_STATUS_OK) {
		wlen = ldns_buffer_position(buf);
		wire = ldns_buffer_export(buf);
		ubr->answer_packet = wire;
		ubr->answer_len = (int)wlen;
	}
	ldns_buffer_free(buf);
done:
	ldns_pkt_free(pkt);
	ldns_rdf_deep_free(qrdf);
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
	p->name = strdup(name);
	if (p->name == NULL)
		return UB_NOMEM;
	/* libunbound refuses a name it cannot parse (UB_SYNTAX). */
	if (ldns_str2rdf_dname(&rdf, name) != LDNS_STATUS_OK) {
		free(p->name);
		return UB_SYNTAX;
	}
	p->dropped = has_control(m, rdf, "drop");
	ldns_rdf_deep_free(rdf);
	p->id = ++m->next_id;
	p->rrtype = rrtype;
	p->mydata = mydata;
	p->cb = cb;
	*async_id = p->id;
	m->n++;
	return 0;
}

/* ldns_rr_new_frm_str() costs three 64 KB buffers a record: parsed lines are
 * kept (by origin, TTL and text), since the fuzzer mutates one line of a
 * zone at a time.  The cache lives in static memory, not on the heap, so that
 * a run allocates exactly what it frees (libFuzzer's leak check re-runs every
 * input that does not); a cached record is kept in wire form and rebuilt,
 * also on a miss, so that a line means the same whether cached or not. */
#define PARSE_CACHE_SLOTS 65536
#define PARSE_ARENA (32u << 20)
struct parsed_line {
	uint32_t key_off, key_len;  /* in parse_arena */
	uint32_t wire_off, wire_len;
	bool used, parses;
};
static struct parsed_line parse_cache[PARSE_CACHE_SLOTS];
static unsigned char parse_arena[PARSE_ARENA];
static size_t parse_arena_used, parse_cache_used;

static ldns_rr *rr_from_wire(const unsigned char *wire, size_t len)
{
	ldns_rr *rr = NULL;
	size_t pos = 0;
	if (ldns_wire2rr(&rr, wire, len, &pos, LDNS_SECTION_ANSWER) != LDNS_STATUS_OK)
		return NULL;
	return rr;
}

static ldns_rr *parse_line(const char *line, uint32_t ttl, const ldns_rdf *origin,
			   const char *origin_text)
{
	char *key = NULL;
	uint64_t h = 1469598103934665603ULL;
	size_t slot, klen, wlen = 0;
	ldns_rr *rr = NULL, *out = NULL;
	uint8_t *wire = NULL;
	struct parsed_line *pl;

	if (asprintf(&key, "%u %s %s", (unsigned)ttl, origin_text, line) < 0)
		return NULL;
	klen = strlen(key);
	for (const char *p = key; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (slot = h % PARSE_CACHE_SLOTS; parse_cache[slot].used;
	     slot = (slot + 1) % PARSE_CACHE_SLOTS) {
		pl = &parse_cache[slot];
		if (pl->key_len == klen && memcmp(parse_arena + pl->key_off, key, klen) == 0) {
			free(key);
			return pl->parses ? rr_from_wire(parse_arena + pl->wire_off,
							 pl->wire_len) : NULL;
		}
	}
	if (ldns_rr_new_frm_str(&rr, line, ttl, origin, NULL) == LDNS_STATUS_OK &&
	    rr != NULL && ldns_rr2wire(&wire, rr, LDNS_SECTION_ANSWER, &wlen) == LDNS_STATUS_OK)
		out = rr_from_wire(wire, wlen);
	ldns_rr_free(rr);
	if (parse_cache_used >= PARSE_CACHE_SLOTS / 2 ||
	    PARSE_ARENA - parse_arena_used < klen + wlen) { /* full: start again */
		memset(parse_cache, 0, sizeof(parse_cache));
		parse_cache_used = parse_arena_used = 0;
		slot = h % PARSE_CACHE_SLOTS;
	}
	if (klen + wlen <= PARSE_ARENA - parse_arena_used) {
		pl = &parse_cache[slot];
		pl->used = true;
		pl->parses = out != NULL;
		pl->key_off = (uint32_t)parse_arena_used;
		pl->key_len = (uint32_t)klen;
		memcpy(parse_arena + parse_arena_used, key, klen);
		parse_arena_used += klen;
		pl->wire_off = (uint32_t)parse_arena_used;
		pl->wire_len = out != NULL ? (uint32_t)wlen : 0;
		if (out != NULL) {
			memcpy(parse_arena + parse_arena_used, wire, wlen);
			parse_arena_used += wlen;
		}
		parse_cache_used++;
	}
	free(wire);
	free(key);
	return out;
}

/* ldns_rdf2str() without its 64 KB buffer. */
static char *small_rdf2str(const ldns_rdf *rdf)
{
	ldns_buffer *b = ldns_buffer_new(64);
	char *s = NULL;
	if (b != NULL && ldns_rdf2buffer_str(b, rdf) == LDNS_STATUS_OK)
		s = ldns_buffer_export2str(b);
	ldns_buffer_free(b);
	return s;
}

static void forget(struct mockdns *m, size_t i)
{
	free(m->q[i].name);
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

/* Answer one question that is not dropped; false when none is left. */
static bool answer_one(rsip_ctx *ctx, struct mockdns *m)
{
	for (size_t k = 0; k < m->n; k++) {
		size_t i = m->lifo ? m->n - 1 - k : k;
		struct pending p;
		struct ub_result *ubr;
		if (m->q[i].dropped)
			continue;
		p = m->q[i];
		m->q[i].name = NULL;
		forget(m, i);
		ubr = answer(m, p.name, p.rrtype);
		free(p.name);
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

struct outcome {
	bool called;
};

static void check_result(const rsip_result *res)
{
	rsip_status st = rsip_result_status(res);
	size_t n = rsip_result_target_count(res);

	FUZZ_ASSERT(st <= RSIP_E_LIMIT);
	/* An ok result has a target; a failed one says why. */
	FUZZ_ASSERT(st != RSIP_OK || n > 0);
	FUZZ_ASSERT(st == RSIP_OK || rsip_result_error(res) != NULL);
	FUZZ_ASSERT(rsip_result_questions(res) == rsip_result_step_count(res));
	for (size_t i = 0; i < n; i++) {
		const rsip_target *t = rsip_result_target(res, i);
		FUZZ_ASSERT(t != NULL && t->address[0] != '\0');
		FUZZ_ASSERT(t->family == RSIP_FAMILY_IPV4 || t->family == RSIP_FAMILY_IPV6);
		(void)rsip_transport_name(t->transport);
	}
	FUZZ_ASSERT(rsip_result_target(res, n) == NULL);
	for (size_t i = 0; i < rsip_result_step_count(res); i++) {
		const rsip_step *s = rsip_result_step(res, i);
		FUZZ_ASSERT(s != NULL && s->qname != NULL && s->rcode_name != NULL);
		for (size_t k = 0; k < s->answer_count; k++)
			FUZZ_ASSERT(s->answers[k] != NULL);
		for (size_t k = 0; k < s->note_count; k++)
			FUZZ_ASSERT(s->notes[k] != NULL);
	}
	for (size_t i = 0; i < rsip_result_enum_record_count(res); i++) {
		const rsip_naptr *r = rsip_result_enum_record(res, i);
		FUZZ_ASSERT(r != NULL);
		(void)rsip_verdict_name(r->verdict);
	}
	for (size_t i = 0; i < rsip_result_enum_uri_count(res); i++)
		FUZZ_ASSERT(rsip_result_enum_uri(res, i) != NULL);
	(void)rsip_status_name(st);
	(void)rsip_dnssec_name(rsip_result_dnssec(res));
}

static void on_result(void *arg, rsip_result *res)
{
	struct outcome *o = arg;
	FUZZ_ASSERT(!o->called); /* exactly one callback */
	o->called = true;
	check_result(res);
	rsip_result_free(res);
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstring(data, size), *line, *save = NULL, *uri;
	struct mockdns m;
	struct query_backend backend;
	ldns_rdf *origin = NULL, *prev = NULL;
	char *origin_text = NULL;
	uint32_t ttl = 300;
	struct outcome o = {false};
	rsip_ctx *ctx = NULL;
	size_t rounds = 0;

	if (text == NULL)
		return 0;
	memset(&m, 0, sizeof(m));
	m.zone = ldns_rr_list_new();
	m.controls = ldns_rr_list_new();
	if (m.zone == NULL || m.controls == NULL || rsip_ctx_new(&ctx) != RSIP_OK)
		goto done;
	backend.resolve = mock_resolve;
	backend.cancel = mock_cancel;
	backend.arg = &m;
	ctx_set_backend(ctx, &backend);
	rsip_ctx_set_seed(ctx, 1);
	uri = strtok_r(text, "\n", &save);
	if (uri == NULL)
		goto done;
	origin = ldns_dname_new_frm_str(".");
	origin_text = strdup(".");
	while ((line = strtok_r(NULL, "\n", &save)) != NULL) {
		ldns_rr *rr = NULL;
		char *full = NULL;
		if (strncmp(line, ";;", 2) == 0) {
			apply_setting(ctx, &m, line);
			continue;
		}
		if (strncmp(line, "$ORIGIN ", 8) == 0) {
			ldns_rdf *o2 = ldns_dname_new_frm_str(line + 8);
			char *t2 = strdup(line + 8);
			if (o2 != NULL && t2 != NULL) {
				ldns_rdf_deep_free(origin);
				free(origin_text);
				origin = o2;
				origin_text = t2;
			} else {
				ldns_rdf_deep_free(o2);
				free(t2);
			}
			continue;
		}
		if (strncmp(line, "$TTL ", 5) == 0) {
			ttl = (uint32_t)strtoul(line + 5, NULL, 10);
			continue;
		}
		/* A line that starts with a blank has the previous owner. */
		if ((line[0] == ' ' || line[0] == '\t') && prev != NULL) {
			char *owner = small_rdf2str(prev);
			if (owner != NULL && asprintf(&full, "%s%s", owner, line) >= 0)
				line = full;
			free(owner);
		}
		/* Bounded: a zone of at most 4096 records. */
		if (ldns_rr_list_rr_count(m.zone) < 4096 &&
		    (rr = parse_line(line, ttl, origin, origin_text)) != NULL) {
			ldns_rr_list_push_rr(m.zone, rr);
			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_TXT && ldns_rr_rd_count(rr) > 0)
				ldns_rr_list_push_rr(m.controls, rr);
			ldns_rdf_deep_free(prev);
			prev = ldns_rdf_clone(ldns_rr_owner(rr));
		}
		free(full);
	}
	if (rsip_resolve_async(ctx, uri, on_result, &o, NULL) != RSIP_OK)
		goto done;
	/* Answer until the resolution is over; a question that is never
	 * answered ("drop") leaves it to the deadline, reached at once here. */
	while (!o.called) {
		FUZZ_ASSERT(rounds++ < 100000);
		if (!answer_one(ctx, &m)) {
			struct timespec far = {(time_t)1 << 40, 0};
			pthread_mutex_lock(&ctx->lock);
			ctx_expire(ctx, &far);
			pthread_mutex_unlock(&ctx->lock);
			FUZZ_ASSERT(o.called);
		}
	}
	FUZZ_ASSERT(rsip_ctx_pending(ctx) == 0);
done:
	rsip_ctx_free(ctx);
	/* Questions the engine cancelled are gone; any left is a leak. */
	FUZZ_ASSERT(m.n == 0 || !o.called);
	for (size_t i = 0; i < m.n; i++)
		free(m.q[i].name);
	free(m.q);
	ldns_rdf_deep_free(origin);
	free(origin_text);
	ldns_rdf_deep_free(prev);
	ldns_rr_list_free(m.controls);
	ldns_rr_list_deep_free(m.zone);
	free(text);
	return 0;
}
