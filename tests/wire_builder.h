/* wire_builder.h - DNS messages in wire form written octet by octet (RFC 1035
 * §4.1), for the tests that feed the engine replies a server could send,
 * malformed ones included: names uncompressed or as pointers, RDLENGTH right
 * or given on purpose. */
#ifndef RSIP_TEST_WIRE_BUILDER_H
#define RSIP_TEST_WIRE_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WIRE_MAX 4096

struct wire {
	uint8_t b[WIRE_MAX];
	size_t n;
	bool over; /* something did not fit: the test is wrong */
};

static inline void w_bytes(struct wire *w, const void *data, size_t len)
{
	if (w->n + len > WIRE_MAX) {
		w->over = true;
		return;
	}
	memcpy(w->b + w->n, data, len);
	w->n += len;
}

static inline void w_u8(struct wire *w, unsigned v)
{
	uint8_t c = (uint8_t)v;
	w_bytes(w, &c, 1);
}

static inline void w_u16(struct wire *w, unsigned v)
{
	w_u8(w, v >> 8);
	w_u8(w, v & 0xff);
}

static inline void w_u32(struct wire *w, uint32_t v)
{
	w_u16(w, v >> 16);
	w_u16(w, v & 0xffff);
}

/* A name from "www.example.test" (with or without the final dot; "." is the
 * root), uncompressed (RFC 1035 §3.1). */
static inline void w_name(struct wire *w, const char *name)
{
	const char *p = name;
	while (*p != '\0' && strcmp(p, ".") != 0) {
		const char *dot = strchr(p, '.');
		size_t len = dot ? (size_t)(dot - p) : strlen(p);
		w_u8(w, (unsigned)len);
		w_bytes(w, p, len);
		p += len;
		if (*p == '.')
			p++;
	}
	w_u8(w, 0);
}

/* A compression pointer to offset (RFC 1035 §4.1.4). */
static inline void w_ptr(struct wire *w, size_t offset)
{
	w_u16(w, 0xc000 | (unsigned)offset);
}

/* The header (RFC 1035 §4.1.1): a response, RD and RA set, with rcode. */
static inline void w_header(struct wire *w, unsigned rcode, unsigned qd, unsigned an,
			    unsigned ns, unsigned ar)
{
	w->n = 0;
	w->over = false;
	w_u16(w, 0x4242);
	w_u16(w, 0x8180 | (rcode & 0xf));
	w_u16(w, qd);
	w_u16(w, an);
	w_u16(w, ns);
	w_u16(w, ar);
}

/* Change one count of the header: 0 QD, 1 AN, 2 NS, 3 AR. */
static inline void w_set_count(struct wire *w, int which, unsigned count)
{
	w->b[4 + 2 * which] = (uint8_t)(count >> 8);
	w->b[5 + 2 * which] = (uint8_t)count;
}

/* A question of class IN (RFC 1035 §4.1.2). */
static inline void w_question(struct wire *w, const char *qname, unsigned qtype)
{
	w_name(w, qname);
	w_u16(w, qtype);
	w_u16(w, 1);
}

/* A record's owner, TYPE, CLASS, TTL and a place for RDLENGTH (RFC 1035
 * §4.1.3); owner NULL: a pointer to the question's name (offset 12).  The
 * RDATA follows; w_rr_end() writes its length there. */
static inline size_t w_rr(struct wire *w, const char *owner, unsigned type, unsigned rclass,
			  uint32_t ttl)
{
	size_t at;
	if (owner == NULL)
		w_ptr(w, 12);
	else
		w_name(w, owner);
	w_u16(w, type);
	w_u16(w, rclass);
	w_u32(w, ttl);
	at = w->n;
	w_u16(w, 0);
	return at;
}

/* RDLENGTH: the octets written since w_rr(). */
static inline void w_rr_end(struct wire *w, size_t at)
{
	size_t len = w->n - at - 2;
	w->b[at] = (uint8_t)(len >> 8);
	w->b[at + 1] = (uint8_t)len;
}

/* RDLENGTH as given, whatever was written. */
static inline void w_rr_end_len(struct wire *w, size_t at, unsigned rdlength)
{
	w->b[at] = (uint8_t)(rdlength >> 8);
	w->b[at + 1] = (uint8_t)rdlength;
}

/* A character-string (RFC 1035 §3.3). */
static inline void w_string(struct wire *w, const char *s)
{
	w_u8(w, (unsigned)strlen(s));
	w_bytes(w, s, strlen(s));
}

/* NAPTR RDATA (RFC 3403 §4.1). */
static inline void w_naptr(struct wire *w, unsigned order, unsigned pref, const char *flags,
			   const char *services, const char *regexp, const char *replacement)
{
	w_u16(w, order);
	w_u16(w, pref);
	w_string(w, flags);
	w_string(w, services);
	w_string(w, regexp);
	w_name(w, replacement);
}

/* SRV RDATA (RFC 2782). */
static inline void w_srv(struct wire *w, unsigned prio, unsigned weight, unsigned port,
			 const char *target)
{
	w_u16(w, prio);
	w_u16(w, weight);
	w_u16(w, port);
	w_name(w, target);
}

#endif
