/* render.h - sipresolve's renderers of one result: text for a person, JSON Lines. */
#ifndef SIPRESOLVE_RENDER_H
#define SIPRESOLVE_RENDER_H

#include <stdio.h>

#include "resolvsip.h"

/* What sipresolve knows of a result besides the result: how it was asked. */
struct render_input {
	int response;                 /* a Via value, by rsip_resolve_response() */
	const char *const *route;     /* the route set of rsip_resolve_route() */
	size_t route_count;           /* 0: no route set */
	const char *source;           /* the --batch input ("-": standard input)... */
	size_t line;                  /* ...and the input's line in it; 0: an argument */
};

/* Write res for a person (sipresolve(1), TEXT OUTPUT): the input, the ENUM
 * details, each DNS question with its rcode, DNSSEC state and answers, each
 * record's verdict, the records that led to the targets marked "*", the
 * status, and the numbered targets last.
 * colour: non-zero to use ANSI colours (stdout is a terminal, no NO_COLOR).
 * Write errors are left for the caller to find with ferror(). */
void render_text(FILE *out, const rsip_result *res, const struct render_input *in,
		 int colour);

/* --short: the targets only, one per line, "TRANSPORT ADDRESS PORT".  A
 * result without a target writes one line to err instead:
 * "sipresolve: INPUT: STATUS: ERROR". */
void render_short(FILE *out, FILE *err, const rsip_result *res, const struct render_input *in);

/* Write res as one JSON object on one line (JSON Lines), with the fields and
 * key order of doc/DESIGN.md §1, then the fields added since.  Write errors are
 * left for ferror().
 * @return 0, or -1 when out of memory (nothing was written). */
int render_json(FILE *out, const rsip_result *res, const struct render_input *in);

#endif /* SIPRESOLVE_RENDER_H */
