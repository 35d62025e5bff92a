/* batch.h - what sipresolve.c and its batch driver (batch.c) share: the
 * state of a run, and the rendering calls the driver makes. */
#ifndef SIPRESOLVE_BATCH_H
#define SIPRESOLVE_BATCH_H

#include <stddef.h>
#include <stdio.h>

#include "resolvsip.h"
#include "options.h"

#define PROGRAM "sipresolve"

/* Batch mode's progress line on standard error (only on a terminal). */
struct progress {
	int enabled;
	int stdout_tty;      /* results go to the same kind of screen: clear first */
	int drawn;           /* the line is on the screen now */
	size_t total;        /* inputs in all, when known (a regular file) */
	int total_known;
	double last_draw;    /* seconds, monotonic */
};

/* What the end-of-batch summary counts (by exit class, sipresolve(1), EXIT STATUS). */
struct tally {
	size_t results;      /* results delivered, written or not */
	size_t resolved;     /* ok */
	size_t not_found;    /* exit 1: not-found, no-transport, loop, limit */
	size_t bad_input;    /* exit 2: bad-input */
	size_t failed;       /* exit 3: dns-failure, dnssec-bogus, timeout... */
	unsigned long long questions;
};

struct app {
	const struct sipresolve_options *opts;
	rsip_ctx *ctx;
	int colour;          /* text output with ANSI colours */
	size_t written;      /* results written so far (text: blank line between) */
	int exit_status;     /* the highest so far (sipresolve(1), EXIT STATUS) */
	int fatal;           /* non-zero: stop, exit with at least this status */
	struct tally tally;
	struct progress progress;
	double started;      /* seconds, monotonic */
	int dnssec_noted;    /* rsip_ctx_dnssec_note() written to stderr */
	int output_failed;   /* a write to standard output failed, and was said */
	int unreachable_noted; /* rsip_ctx_unreachable_note() written to stderr */
};

/* sipresolve.c */
/* Erase the progress line, so that what comes next starts on a clean line. */
void progress_clear(struct app *app);
void raise_exit(struct app *app, int status);
/* Account for one result's exit status and render it to out (and err). */
void render_result(struct app *app, const rsip_result *res, int response, size_t line,
		   FILE *out, FILE *err);
/* Non-zero when a write to standard output has failed (said once). */
int check_output(struct app *app);
/* Text results are separated by an empty line. */
void write_separator(struct app *app);
/* Write one result now. */
void emit(struct app *app, const rsip_result *res, int response, size_t line);
/* Start the resolution of one input, the way it asks. */
rsip_status start_input(struct app *app, const struct input_arg *input,
			rsip_callback callback, void *arg);

/* batch.c */
/* The batch driver: a --batch file's lines after the URI and --response
 * arguments, or the arguments alone. */
void run_batch(struct app *app);

#endif
