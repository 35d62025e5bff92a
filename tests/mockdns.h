/* mockdns.h - an in-process DNS for tests: the engine's questions answered
 * from a zone given as text, through the context's test backend (struct
 * query_backend, ctx_set_backend() in engine.h), in the order asked (or the
 * newest first), one at a time, with no thread, no socket and no clock.
 *
 * The text is the resolve fuzz target's input format (doc/FUZZING.md): lines
 * starting with ";;" set the context (";;transports tls,udp", ";;families 4",
 * ";;suffix DOMAIN", ";;limit N VALUE", ";;lifo": answer the newest question
 * first); every other line is a record in zone-file syntax ($ORIGIN and $TTL
 * allowed; a line starting with a blank has the previous owner).  A TXT
 * record at a name changes how questions about it are answered: "rcode=N"
 * (that rcode, no records), "drop" (never answered: the resolution's deadline
 * ends it), "bogus", "secure" (that DNSSEC verdict).  An answer is
 * authoritative: the records of the type at the name, CNAMEs followed (at
 * most 8), NXDOMAIN when nothing is at or below the name, else NODATA; no
 * additional section, no wildcards.
 *
 * Tests that use it link the library's core (internal symbols), not the
 * shared library. */
#ifndef RSIP_TEST_MOCKDNS_H
#define RSIP_TEST_MOCKDNS_H

#include <stdbool.h>
#include <stddef.h>

#include "resolvsip.h"

struct mockdns;

/* The most answers mockdns_resolve() gives one resolution (the fuzz
 * target's bound). */
#define MOCKDNS_MAX_ROUNDS 100000

/* An empty zone ($ORIGIN ".", $TTL 300); NULL when out of memory. */
struct mockdns *mockdns_new(void);
/* After rsip_ctx_free() of every context attached to it. */
void mockdns_free(struct mockdns *m);
/* Answer ctx's questions from m (before its first resolution). */
void mockdns_attach(struct mockdns *m, rsip_ctx *ctx);
/* One line of the format above (a setting goes to ctx). */
void mockdns_line(struct mockdns *m, rsip_ctx *ctx, const char *line);
/* A whole input: the first non-empty line is the URI, returned (a pointer
 * into text, which is cut into lines); every other line as by
 * mockdns_line().  NULL when text has no line. */
char *mockdns_load(struct mockdns *m, rsip_ctx *ctx, char *text);

/* Answer one question that is not dropped (the oldest, or the newest with
 * ";;lifo"): its callback runs; false when none is left. */
bool mockdns_answer_one(struct mockdns *m, rsip_ctx *ctx);
/* Every resolution of ctx reaches its deadline now (its questions in flight
 * fail as timed out, RSIP_E_TIMEOUT). */
void mockdns_expire(rsip_ctx *ctx);
/* Answer questions until *done (set by a callback); when only dropped
 * questions are left, the deadline comes.  0, or -1 when *done is still
 * false after max_rounds answers or after the deadline. */
int mockdns_run(struct mockdns *m, rsip_ctx *ctx, const bool *done, size_t max_rounds);
/* rsip_resolve_async() answered by m: the result (rsip_result_free() it), or
 * NULL when it did not start or did not end. */
rsip_result *mockdns_resolve(struct mockdns *m, rsip_ctx *ctx, const char *uri);

/* Questions asked and not yet answered or cancelled. */
size_t mockdns_pending(const struct mockdns *m);
/* Questions asked since m was made. */
unsigned mockdns_asked(const struct mockdns *m);

#endif
