/* sipresolve.c - command-line front end of libresolvsip: options, context, batch driver. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "resolvsip.h"
#include "options.h"
#include "render.h"

#define PROGRAM "sipresolve"

/* Milliseconds to wait for the context's descriptor before calling
 * rsip_ctx_process() anyway, when no deadline is nearer: a safety net. */
#define POLL_SAFETY_MS 1000

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

/* Ctrl-C in a batch: stop starting resolutions, write the summary so far. */
static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The first SIGINT ends the batch in order; a second one, the default.  An
 * ignored SIGINT (a background job of a script) stays ignored. */
static void catch_interrupt(void)
{
	struct sigaction sa, old;

	if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESETHAND; /* no SA_RESTART: poll() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --color=auto: a terminal that shows colour (not TERM=dumb), and no
 * NO_COLOR: set and not empty means no colour (https://no-color.org). */
static int want_colour(enum colour_mode mode)
{
	const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");

	if (mode != COLOUR_AUTO)
		return mode == COLOUR_ALWAYS;
	return isatty(STDOUT_FILENO) && (no_color == NULL || *no_color == '\0') &&
	       (term == NULL || strcmp(term, "dumb") != 0);
}

/* Erase the progress line, so that what comes next starts on a clean line. */
static void progress_clear(struct app *app)
{
	if (!app->progress.drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	app->progress.drawn = 0;
}

static void raise_exit(struct app *app, int status)
{
	if (status > app->exit_status)
		app->exit_status = status;
}

/* sipresolve(1), EXIT STATUS: 0 a target; 1 no target; 2 malformed input; 3 DNS failure. */
static int exit_for_status(rsip_status status)
{
	switch (status) {
	case RSIP_OK:
		return EXIT_RESOLVED;
	case RSIP_E_NOT_FOUND:
	case RSIP_E_NO_TRANSPORT:
	case RSIP_E_LOOP:
	case RSIP_E_LIMIT:
		return EXIT_NO_TARGET;
	case RSIP_E_BAD_INPUT:
	case RSIP_E_CONFIG:
		return EXIT_USAGE;
	case RSIP_E_DNS_FAILURE:
	case RSIP_E_DNSSEC_BOGUS:
	case RSIP_E_DNSSEC_INSECURE:
	case RSIP_E_TIMEOUT:
	case RSIP_E_NOMEM:
	case RSIP_E_INVALID:
		return EXIT_DNS_FAILURE;
	}
	return EXIT_DNS_FAILURE; /* a status appended after this was written */
}

/* Count a result for the end-of-batch summary. */
static void tally_result(struct tally *t, const rsip_result *res, int exit_class)
{
	t->results++;
	t->questions += rsip_result_questions(res);
	switch (exit_class) {
	case EXIT_RESOLVED:
		t->resolved++;
		break;
	case EXIT_NO_TARGET:
		t->not_found++;
		break;
	case EXIT_USAGE:
		t->bad_input++;
		break;
	default:
		t->failed++;
		break;
	}
}

/* Account for one result's exit status and render it to out (and err, for
 * --short's error lines); the caller writes the separator between results.
 * A result saying the DNS mode could not be set up stops everything: every
 * other would fail the same way. */
static void render_result(struct app *app, const rsip_result *res, int response, size_t line,
			  FILE *out,
			  FILE *err)
{
	rsip_status status = rsip_result_status(res);
	const struct sipresolve_options *o = app->opts;
	struct render_input in;
	int exit_class;

	if (app->fatal)
		return;
	if (status == RSIP_E_CONFIG) {
		const char *msg = rsip_ctx_errmsg(app->ctx);

		if (msg == NULL || *msg == '\0')
			msg = rsip_result_error(res);
		progress_clear(app);
		fprintf(stderr, PROGRAM ": %s\n", msg != NULL ? msg :
			rsip_strerror(status));
		app->fatal = EXIT_USAGE;
		return;
	}
	/* Why answers are not validated: once per run, for the person, also
	 * when the output is for a program (JSON, --short). */
	if (!app->dnssec_noted && o->output != OUTPUT_QUIET &&
	    rsip_ctx_dnssec_note(app->ctx) != NULL) {
		progress_clear(app);
		fprintf(stderr, PROGRAM ": note: %s\n", rsip_ctx_dnssec_note(app->ctx));
		app->dnssec_noted = 1;
	}
	/* No server can be reached: said once, not in every result's place. */
	if (!app->unreachable_noted && o->output != OUTPUT_QUIET &&
	    rsip_ctx_unreachable_note(app->ctx) != NULL) {
		progress_clear(app);
		fprintf(stderr, PROGRAM ": note: %s\n", rsip_ctx_unreachable_note(app->ctx));
		app->unreachable_noted = 1;
	}
	if (status == RSIP_OK && rsip_result_target_count(res) == 0)
		exit_class = EXIT_NO_TARGET; /* not expected: ok means a target */
	else
		exit_class = exit_for_status(status);
	raise_exit(app, exit_class);
	tally_result(&app->tally, res, exit_class);

	memset(&in, 0, sizeof(in));
	in.response = response;
	in.line = line;
	in.source = o->batch != NULL && strcmp(o->batch, "-") != 0 ? o->batch : "-";
	if (!response) { /* RFC 3263 §5: a response follows Via, not Route */
		in.route = o->route;
		in.route_count = o->route_count;
	}
	if (app->progress.stdout_tty && o->output != OUTPUT_QUIET)
		progress_clear(app);
	switch (o->output) {
	case OUTPUT_JSON:
		if (render_json(out, res, &in) != 0) {
			fputs(PROGRAM ": out of memory\n", stderr);
			app->fatal = EXIT_DNS_FAILURE;
			return;
		}
		break;
	case OUTPUT_SHORT:
		progress_clear(app); /* an error line may go to stderr */
		render_short(out, err, res, &in);
		break;
	case OUTPUT_QUIET:
		break;
	case OUTPUT_TEXT:
		render_text(out, res, &in, app->colour);
		break;
	}
}

/* After each write to standard output: when it failed (a closed pipe with
 * SIGPIPE ignored, a full disk), say so at once and stop, exit 3, rather than
 * resolve the rest for nothing (sipresolve(1), EXIT STATUS).  errno is still
 * the failed write's.  Non-zero when the output has failed. */
static int check_output(struct app *app)
{
	int error = errno;

	if (app->output_failed || !ferror(stdout))
		return app->output_failed;
	progress_clear(app);
	fprintf(stderr, PROGRAM ": cannot write to standard output: %s\n",
		strerror(error != 0 ? error : EIO));
	app->output_failed = 1;
	app->fatal = EXIT_DNS_FAILURE;
	raise_exit(app, EXIT_DNS_FAILURE);
	return 1;
}

/* Text results are separated by an empty line. */
static void write_separator(struct app *app)
{
	if (app->opts->output == OUTPUT_TEXT && app->written > 0)
		fputc('\n', stdout);
	app->written++;
}

/* Write one result now. */
static void emit(struct app *app, const rsip_result *res, int response, size_t line)
{
	if (app->fatal)
		return;
	if (rsip_result_status(res) != RSIP_E_CONFIG)
		write_separator(app);
	render_result(app, res, response, line, stdout, stderr);
}

/* A setter refused its option: say which, with the context's reason. */
static int setting_failed(struct app *app, const char *option, const char *value,
			  rsip_status status)
{
	const char *msg = rsip_ctx_errmsg(app->ctx);

	if (msg == NULL || *msg == '\0')
		msg = rsip_strerror(status);
	if (option == NULL)
		fprintf(stderr, PROGRAM ": %s\n", msg);
	else
		fprintf(stderr, PROGRAM ": %s%s%s: %s\n", option, value != NULL ? " " : "",
			value != NULL ? value : "", msg);
	return status == RSIP_E_NOMEM ? EXIT_DNS_FAILURE : EXIT_USAGE;
}

/* --enumservice LIST...: the items of every comma list, in order, as one list
 * for the library, which checks them.  0, or the exit status. */
static int apply_enumservices(struct app *app)
{
	const struct option_list *l = &app->opts->enumservices;
	const char **items = NULL;
	char **copies = NULL;
	size_t n = 0, max = 0, i;
	rsip_status st = RSIP_E_NOMEM;
	int rc;

	if (l->count == 0)
		return 0;
	for (i = 0; i < l->count; i++)
		for (const char *p = l->items[i].value; p != NULL; p = strchr(p + 1, ','))
			max++;
	items = calloc(max, sizeof(*items));
	copies = calloc(l->count, sizeof(*copies));
	if (items == NULL || copies == NULL)
		goto done;
	for (i = 0; i < l->count; i++) {
		char *p = copies[i] = strdup(l->items[i].value);

		if (p == NULL)
			goto done;
		for (;;) {
			char *comma = strchr(p, ',');

			items[n++] = p;
			if (comma == NULL)
				break;
			*comma = '\0';
			p = comma + 1;
		}
	}
	st = rsip_ctx_set_enumservices(app->ctx, items, n);
done:
	rc = st == RSIP_OK ? 0 : setting_failed(app, "--enumservice", NULL, st);
	for (i = 0; copies != NULL && i < l->count; i++)
		free(copies[i]);
	free(copies);
	free(items);
	return rc;
}

/* Apply the options to the context: 0, or the exit status. */
static int apply_options(struct app *app)
{
	const struct sipresolve_options *o = app->opts;
	rsip_status st;
	size_t i;
	int rc;

	if (o->zones != NULL && (st = rsip_ctx_set_zones(app->ctx, o->zones)) != RSIP_OK)
		return setting_failed(app, "--zones", o->zones, st);
	for (i = 0; i < o->servers.count; i++) {
		const struct option_arg *s = &o->servers.items[i];

		st = rsip_ctx_add_server(app->ctx, s->value);
		if (st != RSIP_OK)
			/* "@ADDR" names itself; "--server" needs its value */
			return setting_failed(app, s->spelling,
					      s->spelling[0] == '@' ? NULL : s->value, st);
	}
	/* The message names the file and the line ("FILE:3: ..."). */
	if (o->resolv_conf != NULL &&
	    (st = rsip_ctx_set_resolvconf(app->ctx, o->resolv_conf)) != RSIP_OK)
		return setting_failed(app, "--resolv-conf", NULL, st);
	/* No DNS mode given: the system's resolv.conf, read now, so that a
	 * mistake in it is said before any resolution starts. */
	if (o->mode_spelling == NULL && (st = rsip_ctx_set_resolvconf(app->ctx, NULL)) != RSIP_OK)
		return setting_failed(app, NULL, NULL, st);
	if (o->recursive && (st = rsip_ctx_set_recursive(app->ctx)) != RSIP_OK)
		return setting_failed(app, "--recursive", NULL, st);
	if (o->hosts != NULL && (st = rsip_ctx_set_hosts_file(app->ctx, o->hosts)) != RSIP_OK)
		return setting_failed(app, "--hosts", o->hosts, st);
	for (i = 0; i < o->trust_anchors.count; i++) {
		const char *path = o->trust_anchors.items[i].value;

		st = rsip_ctx_add_trust_anchor_file(app->ctx, path);
		if (st != RSIP_OK)
			return setting_failed(app, "--trust-anchor", path, st);
	}
	if (o->dnssec_policy >= 0 &&
	    (st = rsip_ctx_set_dnssec_policy(app->ctx,
					     (rsip_dnssec_policy)o->dnssec_policy)) != RSIP_OK)
		return setting_failed(app, "--dnssec", NULL, st);
	if (o->failure_policy >= 0 &&
	    (st = rsip_ctx_set_failure_policy(app->ctx,
					      (rsip_failure_policy)o->failure_policy)) != RSIP_OK)
		return setting_failed(app, "--on-dns-failure", NULL, st);
	if (o->transports != NULL &&
	    (st = rsip_ctx_set_transport_order(app->ctx, o->transports)) != RSIP_OK)
		return setting_failed(app, "--transports", o->transports, st);
	if (o->families != 0 &&
	    (st = rsip_ctx_set_families(app->ctx, o->families)) != RSIP_OK)
		return setting_failed(app, o->families == RSIP_FAMILY_IPV4 ? "-4" :
				      o->families == RSIP_FAMILY_IPV6 ? "-6" : "-4 -6",
				      NULL, st);
	for (i = 0; i < o->suffixes.count; i++) {
		const char *suffix = o->suffixes.items[i].value;

		st = rsip_ctx_add_enum_suffix(app->ctx, suffix);
		if (st != RSIP_OK)
			return setting_failed(app, "--suffix", suffix, st);
	}
	if ((rc = apply_enumservices(app)) != 0)
		return rc;
	if (o->timeout_ms != 0 &&
	    (st = rsip_ctx_set_limit(app->ctx, RSIP_LIMIT_DEADLINE, o->timeout_ms)) != RSIP_OK) {
		char ms[32];

		snprintf(ms, sizeof(ms), "%lu ms", o->timeout_ms);
		return setting_failed(app, "--timeout", ms, st);
	}
	if (o->question_timeout_ms != 0 &&
	    (st = rsip_ctx_set_limit(app->ctx, RSIP_LIMIT_QUESTION_TIMEOUT,
				     o->question_timeout_ms)) != RSIP_OK)
		return setting_failed(app, "--question-timeout", NULL, st);
	if (o->max_questions != 0 &&
	    (st = rsip_ctx_set_limit(app->ctx, RSIP_LIMIT_QUESTIONS,
				     o->max_questions)) != RSIP_OK) {
		char n[32];

		snprintf(n, sizeof(n), "%lu", o->max_questions);
		return setting_failed(app, "--max-questions", n, st);
	}
	if (o->max_addresses != 0 &&
	    (st = rsip_ctx_set_limit(app->ctx, RSIP_LIMIT_ADDRESSES_PER_HOST,
				     o->max_addresses)) != RSIP_OK) {
		char n[32];

		snprintf(n, sizeof(n), "%lu", o->max_addresses);
		return setting_failed(app, "--max-addresses", n, st);
	}
	if (o->max_targets != 0 &&
	    (st = rsip_ctx_set_limit(app->ctx, RSIP_LIMIT_TARGETS, o->max_targets)) != RSIP_OK) {
		char n[32];

		snprintf(n, sizeof(n), "%lu", o->max_targets);
		return setting_failed(app, "--max-targets", n, st);
	}
	if (o->have_cache_bytes &&
	    (st = rsip_ctx_set_cache_bytes(app->ctx, (size_t)o->cache_bytes)) != RSIP_OK)
		return setting_failed(app, "--cache-bytes", NULL, st);
	if (o->have_seed && (st = rsip_ctx_set_seed(app->ctx, o->seed)) != RSIP_OK) {
		char seed[24];

		snprintf(seed, sizeof(seed), "%llu", (unsigned long long)o->seed);
		return setting_failed(app, "--seed", seed, st);
	}
	if (o->deterministic &&
	    (st = rsip_ctx_set_srv_order(app->ctx, RSIP_SRV_ORDER_DETERMINISTIC)) != RSIP_OK)
		return setting_failed(app, "--deterministic", NULL, st);
	if (o->prefer_ipv4 && (st = rsip_ctx_set_prefer_ipv4(app->ctx, 1)) != RSIP_OK)
		return setting_failed(app, "--prefer-ipv4", NULL, st);
	/* --short and --quiet show no trace: the library need not write one. */
	if ((o->output == OUTPUT_SHORT || o->output == OUTPUT_QUIET) &&
	    (st = rsip_ctx_set_trace(app->ctx, 0)) != RSIP_OK)
		return setting_failed(app, o->output_spelling, NULL, st);
	for (i = 0; i < o->failed.count; i++) {
		const char *text = o->failed.items[i].value, *why = NULL;
		rsip_target target;

		/* Checked by options_parse() already. */
		if (options_parse_target(text, &target, &why) != 0) {
			fprintf(stderr, PROGRAM ": --failed %s: %s\n", text, why);
			return EXIT_USAGE;
		}
		st = rsip_ctx_mark_failed(app->ctx, &target);
		if (st != RSIP_OK)
			return setting_failed(app, "--failed", text, st);
	}
	return 0;
}

/* Start the resolution of one input, the way it asks (a URI with or without
 * the route set, or a Via value). */
static rsip_status start_input(struct app *app, const struct input_arg *input,
			       rsip_callback callback, void *arg)
{
	const struct sipresolve_options *o = app->opts;

	if (input->response)
		return rsip_resolve_response_async(app->ctx, input->text, callback, arg, NULL);
	if (o->route_count > 0)
		return rsip_resolve_route_async(app->ctx, input->text, o->route, o->route_count,
						callback, arg, NULL);
	return rsip_resolve_async(app->ctx, input->text, callback, arg, NULL);
}

/* ------------------------------------------------------------------ */
/* Batch mode: up to --concurrency resolutions in flight, results written
 * in input order.  A result that comes before those of earlier lines is
 * rendered at once and held as text, so that one slow line does not stop
 * the lines behind it: at most REORDER_LINES(concurrency) lines and
 * REORDER_BYTES of held output (sipresolve(1), "Batch mode"); when either is
 * reached, no line starts until the earliest one is done. */
#define REORDER_BYTES ((size_t)4 << 20)
#define REORDER_LINES_MIN 65536ul
#define REORDER_LINES(concurrency) \
	((concurrency) * 4 > REORDER_LINES_MIN ? (concurrency) * 4 : REORDER_LINES_MIN)

/* Lines from a descriptor through one buffer that grows only with the
 * longest line. */
struct line_reader {
	int fd;
	const char *name;   /* for messages */
	char *buf;
	size_t cap;         /* bytes allocated; one is kept for a final NUL */
	size_t start, end;  /* unconsumed bytes: buf[start..end) */
	int eof;            /* read() returned 0, or failed */
	int discard;        /* dropping the rest of a line that was cut */
	char *escaped;      /* a line with its NUL bytes written \000 */
	size_t lineno;      /* lines returned so far: the last one's number */
};

/* The longest batch line passed on whole (the library refuses a URI longer
 * than RSIP_INPUT_MAX anyway). */
#define BATCH_LINE_MAX 65536

#define READ_CHUNK 65536

/* Read once into the buffer.  0, or -1 with errno (the reader is then at
 * eof). */
static int reader_fill(struct line_reader *r)
{
	ssize_t n;

	if (r->start == r->end)
		r->start = r->end = 0;
	if (r->cap - r->end < READ_CHUNK / 4 + 1 && r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	if (r->cap - r->end < READ_CHUNK / 4 + 1) {
		size_t cap = r->cap ? r->cap * 2 : READ_CHUNK;
		char *buf = realloc(r->buf, cap);

		if (buf == NULL) {
			r->eof = 1;
			errno = ENOMEM;
			return -1;
		}
		r->buf = buf;
		r->cap = cap;
	}
	do
		n = read(r->fd, r->buf + r->end, r->cap - 1 - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->eof = 1;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	r->end += (size_t)n;
	return 0;
}

/* The next whole line in the buffer, NUL-terminated in place (valid until
 * the next reader_fill()), its length in *len, or NULL when more must be
 * read.  At eof, an unterminated last line counts.  A line of BATCH_LINE_MAX
 * bytes or more is cut there (the rest, up to its newline, is dropped): the
 * library refuses it as too long, so that it still gets its bad-input result
 * and memory stays bounded. */
static char *reader_next(struct line_reader *r, size_t *len)
{
	char *line, *nl;
	size_t avail;

	for (;;) {
		if (r->start == r->end)
			return NULL;
		line = r->buf + r->start;
		avail = r->end - r->start;
		nl = memchr(line, '\n', avail);
		if (!r->discard)
			break;
		/* The rest of a line that was cut. */
		if (nl == NULL) {
			r->start = r->end;
			return NULL;
		}
		r->start = (size_t)(nl - r->buf) + 1;
		r->discard = 0;
	}
	if (nl != NULL && (size_t)(nl - line) < BATCH_LINE_MAX) {
		*nl = '\0';
		*len = (size_t)(nl - line);
		r->start = (size_t)(nl - r->buf) + 1;
		return line;
	}
	if (avail >= BATCH_LINE_MAX) {
		line[BATCH_LINE_MAX] = '\0'; /* a byte of the line, or buf[end] */
		*len = BATCH_LINE_MAX;
		if (nl != NULL && (size_t)(nl - line) == BATCH_LINE_MAX) {
			r->start = (size_t)(nl - r->buf) + 1;
		} else {
			r->start += BATCH_LINE_MAX + (avail > BATCH_LINE_MAX);
			r->discard = 1;
		}
		return line;
	}
	if (!r->eof)
		return NULL;
	r->buf[r->end] = '\0'; /* cap > end always: one byte is kept */
	*len = avail;
	r->start = r->end;
	return line;
}

/* reader_next(), counting the lines for messages (a cut line counts once). */
static char *reader_line(struct line_reader *r, size_t *len)
{
	char *line = reader_next(r, len);

	if (line != NULL)
		r->lineno++;
	return line;
}

/* Strip a trailing CR and surrounding blanks of the line of len bytes; NULL
 * for a line to skip (blank, or a '#' comment).  A NUL byte in the line is
 * written "\000" (into r->escaped), so that the URI is not silently cut at
 * it: no URI grammar allows a backslash, and the result names the line. */
static char *batch_clean_line(struct line_reader *r, char *line, size_t len)
{
	char *end = line + len, *out;
	size_t nuls = 0;

	while (end > line && (end[-1] == '\r' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	while (line < end && (*line == ' ' || *line == '\t'))
		line++;
	if (line == end || *line == '#')
		return NULL;
	for (char *p = line; p < end; p++)
		nuls += *p == '\0';
	if (nuls == 0)
		return line;
	out = realloc(r->escaped, (size_t)(end - line) + 3 * nuls + 1);
	if (out == NULL)
		return line; /* cut at the NUL: still a result for the line */
	r->escaped = out;
	for (char *p = line; p < end; p++) {
		if (*p == '\0') {
			memcpy(out, "\\000", 4);
			out += 4;
		} else {
			*out++ = *p;
		}
	}
	*out = '\0';
	return r->escaped;
}

struct batch;

/* What a resolution's callback is given: its batch and its line's sequence. */
struct ticket {
	struct batch *batch;
	size_t seq;
};

struct slot {
	struct ticket *ticket; /* while the resolution is in flight */
	char *out, *err;      /* the rendered result, for standard output and error */
	size_t out_len, err_len;
	int done;             /* the result is here, not yet written */
	int called;           /* the callback ran (done may be cleared since) */
	int response;         /* the input was a --response Via value */
	size_t line;          /* its line in the batch input; 0: an argument */
	int separate;         /* a separator goes before it (not for a fatal result) */
};

struct batch {
	struct app *app;
	struct slot *slots;   /* the reorder window, a ring indexed by sequence */
	size_t window;        /* its size: grows, doubling, up to max_window */
	size_t max_window;    /* REORDER_LINES */
	size_t started;       /* sequence numbers handed out */
	size_t next_write;    /* sequence of the next result to write */
	size_t in_flight;     /* started, not called back */
	size_t held_bytes;    /* rendered, not written */
};

static void slot_clear(struct batch *b, struct slot *slot)
{
	b->held_bytes -= slot->out_len + slot->err_len;
	free(slot->out);
	free(slot->err);
	slot->out = slot->err = NULL;
	slot->out_len = slot->err_len = 0;
	slot->done = 0;
}

/* Write the results that are next in input order. */
static void batch_flush(struct batch *b)
{
	while (b->next_write < b->started) {
		struct slot *slot = &b->slots[b->next_write % b->window];

		if (!slot->done)
			break;
		if (!b->app->fatal) {
			if (b->app->progress.stdout_tty)
				progress_clear(b->app);
			if (slot->separate)
				write_separator(b->app);
			errno = 0;
			fwrite(slot->out, 1, slot->out_len, stdout);
			check_output(b->app);
			if (slot->err_len > 0) {
				progress_clear(b->app);
				fwrite(slot->err, 1, slot->err_len, stderr);
			}
		}
		slot_clear(b, slot);
		b->next_write++;
	}
}

/* Render a result into the slot's two buffers: 0, or -1 (out of memory). */
static int batch_render(struct batch *b, struct slot *slot, const rsip_result *result)
{
	/* Only --short writes error lines with its results. */
	int want_err = b->app->opts->output == OUTPUT_SHORT;
	FILE *out = open_memstream(&slot->out, &slot->out_len);
	FILE *err = out != NULL && want_err ? open_memstream(&slot->err, &slot->err_len) : NULL;
	int failed = out == NULL || (want_err && err == NULL);

	if (!failed) {
		slot->separate = rsip_result_status(result) != RSIP_E_CONFIG;
		render_result(b->app, result, slot->response, slot->line, out,
			      err != NULL ? err : stderr);
	}
	failed |= out != NULL && fclose(out) != 0;
	failed |= err != NULL && fclose(err) != 0;
	b->held_bytes += slot->out_len + slot->err_len;
	return failed ? -1 : 0;
}

/* May run inside rsip_resolve_async() (malformed input), or inside
 * rsip_ctx_process().  The result next in input order is written at once;
 * one that comes early is rendered and held. */
static void batch_callback(void *arg, rsip_result *result)
{
	struct ticket *ticket = arg;
	struct batch *b = ticket->batch;
	struct slot *slot = &b->slots[ticket->seq % b->window];
	int next = ticket->seq == b->next_write;

	free(ticket);
	slot->ticket = NULL;
	b->in_flight--;
	if (next && result != NULL) {
		errno = 0;
		emit(b->app, result, slot->response, slot->line);
		check_output(b->app);
		rsip_result_free(result);
		slot->called = 1;
		b->next_write++;
		batch_flush(b);
		return;
	}
	if (result == NULL || batch_render(b, slot, result) != 0) {
		if (!b->app->fatal)
			fputs(PROGRAM ": out of memory\n", stderr);
		raise_exit(b->app, EXIT_DNS_FAILURE);
		b->app->fatal = EXIT_DNS_FAILURE;
	}
	rsip_result_free(result);
	slot->done = 1;
	slot->called = 1;
	batch_flush(b);
}

/* Double the ring (its slots move to their places in the larger one): 0, or
 * -1 (out of memory: the batch goes on in the ring it has). */
static int batch_grow(struct batch *b)
{
	size_t window = b->window * 2 < b->max_window ? b->window * 2 : b->max_window;
	struct slot *slots = calloc(window, sizeof(*slots));

	if (slots == NULL)
		return -1;
	for (size_t seq = b->next_write; seq < b->started; seq++)
		slots[seq % window] = b->slots[seq % b->window];
	free(b->slots);
	b->slots = slots;
	b->window = window;
	return 0;
}

/* Start one resolution in the next slot: 0, or -1 (fatal, printed). */
static int batch_start(struct batch *b, const struct input_arg *input)
{
	struct ticket *ticket = malloc(sizeof(*ticket));
	size_t seq = b->started;
	struct slot *slot = &b->slots[seq % b->window];
	rsip_status st;

	if (ticket == NULL) {
		fputs(PROGRAM ": out of memory\n", stderr);
		b->app->fatal = EXIT_DNS_FAILURE;
		return -1;
	}
	ticket->batch = b;
	ticket->seq = seq;
	slot->ticket = ticket;
	slot->done = 0;
	slot->called = 0;
	slot->response = input->response;
	slot->line = input->line;
	/* Counted before the call: the callback may come before it returns. */
	b->started++;
	b->in_flight++;
	st = start_input(b->app, input, batch_callback, ticket);
	if (st == RSIP_OK || b->slots[seq % b->window].called)
		return 0;
	free(ticket);
	b->slots[seq % b->window].ticket = NULL;
	b->started--;
	b->in_flight--;
	progress_clear(b->app);
	if (st == RSIP_E_CONFIG) {
		const char *msg = rsip_ctx_errmsg(b->app->ctx);

		fprintf(stderr, PROGRAM ": %s\n", msg != NULL && *msg != '\0' ? msg :
			rsip_strerror(st));
		b->app->fatal = EXIT_USAGE;
	} else {
		fprintf(stderr, PROGRAM ": %s: %s\n", input->text, rsip_strerror(st));
		b->app->fatal = EXIT_DNS_FAILURE;
	}
	return -1;
}

/* The next input of the batch: the command-line ones first, then the
 * reader's lines (URIs); NULL when none is at hand (*exhausted tells
 * whether any will come).  A line is valid until the next reader_fill(). */
static const struct input_arg *batch_next_input(struct app *app, size_t *arg_index,
						struct line_reader *r, struct input_arg *line_input,
						int *exhausted)
{
	char *line;
	size_t len = 0;

	*exhausted = 0;
	if (*arg_index < app->opts->input_count)
		return &app->opts->inputs[(*arg_index)++];
	while ((line = reader_line(r, &len)) != NULL) {
		line = batch_clean_line(r, line, len);
		if (line != NULL) {
			line_input->text = line;
			line_input->response = 0;
			line_input->line = r->lineno;
			return line_input;
		}
	}
	*exhausted = r->eof;
	return NULL;
}

/* How long to block for answers: until the next deadline of a resolution
 * (rsip_ctx_timeout(): the library ends it then, in rsip_ctx_process()), at
 * most POLL_SAFETY_MS. */
static int wait_ms(rsip_ctx *ctx)
{
	int ms = rsip_ctx_timeout(ctx);

	return ms < 0 || ms > POLL_SAFETY_MS ? POLL_SAFETY_MS : ms;
}

/* Wait for input or answers (flushing what was written before blocking),
 * read or process them.  0, or -1 (fatal, printed). */
static int batch_wait(struct batch *b, struct line_reader *r, int want_input)
{
	struct pollfd fds[2];
	nfds_t nfds = 0;
	int ctx_fd = rsip_ctx_fd(b->app->ctx);
	int pending = rsip_ctx_pending(b->app->ctx) > 0;
	int input_index = -1, ctx_index = -1;
	int rc;

	if (want_input) {
		input_index = (int)nfds;
		fds[nfds].fd = r->fd;
		fds[nfds].events = POLLIN;
		nfds++;
	}
	if (pending && ctx_fd >= 0) {
		ctx_index = (int)nfds;
		fds[nfds].fd = ctx_fd;
		fds[nfds].events = POLLIN;
		nfds++;
	}
	if (nfds == 0 && !pending) {
		/* Waiting for a result no resolution will deliver. */
		fputs(PROGRAM ": internal error: a resolution never called back\n",
		      stderr);
		b->app->fatal = EXIT_DNS_FAILURE;
		return -1;
	}

	rc = poll(fds, nfds, 0);
	if (rc == 0) {
		errno = 0;
		fflush(stdout); /* about to block: let the reader see the results */
		if (check_output(b->app))
			return -1;
		rc = poll(fds, nfds, pending ? wait_ms(b->app->ctx) : -1);
	}
	if (rc < 0) {
		if (errno == EINTR)
			return 0;
		fprintf(stderr, PROGRAM ": poll: %s\n", strerror(errno));
		b->app->fatal = EXIT_DNS_FAILURE;
		return -1;
	}

	if (input_index >= 0 && fds[input_index].revents != 0 && reader_fill(r) != 0) {
		fprintf(stderr, PROGRAM ": %s: %s\n", r->name, strerror(errno));
		raise_exit(b->app, EXIT_DNS_FAILURE);
	}
	/* On the descriptor, or on the safety timeout. */
	if (pending && (ctx_index < 0 || fds[ctx_index].revents != 0 || rc == 0)) {
		rsip_status st = rsip_ctx_process(b->app->ctx);

		if (st != RSIP_OK) {
			fprintf(stderr, PROGRAM ": %s\n", rsip_strerror(st));
			b->app->fatal = EXIT_DNS_FAILURE;
			return -1;
		}
	}
	return 0;
}

/* Inputs in a batch file, counted the way batch_clean_line() skips lines
 * (blank, or '#' first), for the progress line's total.  Only for a regular
 * file; one pass with one buffer.  0 when it cannot be counted. */
static int count_batch_lines(const char *path, size_t *count)
{
	char buf[READ_CHUNK];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int at_start = 1, counted = 0;
	size_t n = 0;
	ssize_t got;

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t i;

		do
			got = read(fd, buf, sizeof(buf));
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			break;
		for (i = 0; i < got; i++) {
			char c = buf[i];

			if (c == '\n') {
				at_start = 1;
				counted = 0;
			} else if (at_start && !counted && c != ' ' && c != '\t' && c != '\r') {
				if (c != '#')
					n++;
				counted = 1;
			}
		}
	}
	close(fd);
	if (got < 0)
		return 0;
	*count = n;
	return 1;
}

/* "1:02:03" or "2:03". */
static void format_duration(char *buf, size_t size, double seconds)
{
	unsigned long s = seconds > 0 ? (unsigned long)(seconds + 0.5) : 0;

	if (s >= 3600)
		snprintf(buf, size, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(buf, size, "%lu:%02lu", s / 60, s % 60);
}

/* Redraw the progress line, at most four times a second (or now, with
 * force): done/total, rate, time left. */
static void progress_draw(struct app *app, int force)
{
	struct progress *p = &app->progress;
	double now, elapsed, rate;
	size_t done = app->tally.results;
	char left[32];

	if (!p->enabled || app->fatal)
		return;
	now = now_seconds();
	if (!force && now - p->last_draw < 0.25)
		return;
	p->last_draw = now;
	elapsed = now - app->started;
	rate = elapsed > 0 ? (double)done / elapsed : 0;
	fputs("\r" PROGRAM ": ", stderr);
	if (p->total_known && p->total > 0) {
		fprintf(stderr, "%zu/%zu (%zu%%), %.0f/s", done, p->total,
			(size_t)((double)done * 100.0 / (double)p->total), rate);
		if (rate > 0 && done < p->total) {
			format_duration(left, sizeof(left), (double)(p->total - done) / rate);
			fprintf(stderr, ", %s left", left);
		}
	} else {
		fprintf(stderr, "%zu done, %.0f/s", done, rate);
	}
	fputs("\033[K", stderr);
	fflush(stderr);
	p->drawn = 1;
}

/* The end-of-batch summary, on standard error (not with --quiet, nor after
 * a fatal error, which said what happened). */
static void batch_summary(struct app *app)
{
	const struct tally *t = &app->tally;
	double wall = now_seconds() - app->started;
	char duration[32];

	progress_clear(app);
	if (app->opts->output == OUTPUT_QUIET || app->fatal)
		return;
	format_duration(duration, sizeof(duration), wall);
	fprintf(stderr, PROGRAM ": %s%zu %s in %.3f s (%s, %.0f/s): %zu resolved, %zu not found, "
		"%zu bad input, %zu failed; %llu DNS %s\n", interrupted ? "interrupted after " : "",
		t->results,
		t->results == 1 ? "input" : "inputs", wall, duration,
		wall > 0 ? (double)t->results / wall : 0.0, t->resolved, t->not_found,
		t->bad_input, t->failed, t->questions, t->questions == 1 ? "question" :
		"questions");
}

/* The batch driver; with no --batch file, for the URI and --response
 * arguments alone: resolved concurrently all the same, printed in argument
 * order, without the progress line and summary. */
static void run_batch(struct app *app)
{
	const char *path = app->opts->batch;
	struct line_reader reader;
	struct input_arg line_input;
	struct batch b;
	size_t arg_index = 0;
	int exhausted = 0;
	struct stat sb;
	size_t i;

	memset(&reader, 0, sizeof(reader));
	memset(&b, 0, sizeof(b));
	b.app = app;
	b.max_window = REORDER_LINES(app->opts->concurrency);
	b.window = 2 * app->opts->concurrency < b.max_window ? 2 * app->opts->concurrency :
							      b.max_window;
	app->started = now_seconds();

	if (path == NULL) {
		reader.fd = -1;
		reader.name = "the command line";
		reader.eof = 1;
	} else if (strcmp(path, "-") == 0) {
		reader.fd = STDIN_FILENO;
		reader.name = "standard input";
	} else {
		reader.fd = open(path, O_RDONLY | O_CLOEXEC);
		reader.name = path;
		if (reader.fd < 0) {
			fprintf(stderr, PROGRAM ": --batch %s: %s\n", path, strerror(errno));
			app->fatal = EXIT_USAGE;
			return;
		}
		/* A directory opens, but is no file of lines: a usage error. */
		if (fstat(reader.fd, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			fprintf(stderr, PROGRAM ": --batch %s: %s\n", path, strerror(EISDIR));
			close(reader.fd);
			app->fatal = EXIT_USAGE;
			return;
		}
	}
	/* The progress line: on a terminal only, never with --quiet, not for
	 * the arguments alone, and not while a person types the input there
	 * (the line would run into it). */
	if (path != NULL && isatty(STDERR_FILENO) && !isatty(reader.fd) &&
	    app->opts->output != OUTPUT_QUIET) {
		struct stat st;

		app->progress.enabled = 1;
		app->progress.stdout_tty = isatty(STDOUT_FILENO);
		if (reader.fd != STDIN_FILENO && fstat(reader.fd, &st) == 0 &&
		    S_ISREG(st.st_mode) && count_batch_lines(path, &app->progress.total)) {
			app->progress.total += app->opts->input_count;
			app->progress.total_known = 1;
		}
	}
	b.slots = calloc(b.window, sizeof(*b.slots));
	if (b.slots == NULL) {
		fputs(PROGRAM ": out of memory\n", stderr);
		app->fatal = EXIT_DNS_FAILURE;
		goto done;
	}

	if (path != NULL)
		catch_interrupt(); /* the arguments alone: Ctrl-C as before */
	while (!app->fatal && !interrupted) {
		int window_full = 0;

		/* Fill the window from what is at hand. */
		while (!app->fatal && !interrupted) {
			const struct input_arg *input;

			if (b.started - b.next_write >= b.window && b.window < b.max_window)
				(void)batch_grow(&b);
			if (b.in_flight >= app->opts->concurrency ||
			    b.started - b.next_write >= b.window || b.held_bytes >= REORDER_BYTES) {
				window_full = 1;
				break;
			}
			input = batch_next_input(app, &arg_index, &reader, &line_input,
						 &exhausted);
			if (input == NULL || batch_start(&b, input) != 0)
				break;
		}
		progress_draw(app, 0);
		if (app->fatal)
			break;
		if (exhausted && b.next_write == b.started)
			break; /* all read, all written */
		/* Read more input only when there is room for it. */
		if (batch_wait(&b, &reader, !window_full && !exhausted) != 0)
			break;
	}
	/* Interrupted: what was written is whole and in input order; the
	 * resolutions in flight are dropped with the context. */
	if (interrupted)
		raise_exit(app, EXIT_INTERRUPTED);
	if (path != NULL)
		batch_summary(app);

done:
	/* After a fatal error: results that came back but were not written, and
	 * the tickets of resolutions still in flight (freeing the context cancels
	 * them without a callback). */
	for (i = 0; b.slots != NULL && i < b.window; i++) {
		free(b.slots[i].ticket);
		slot_clear(&b, &b.slots[i]);
	}
	free(b.slots);
	free(reader.buf);
	free(reader.escaped);
	if (reader.fd >= 0 && reader.fd != STDIN_FILENO)
		close(reader.fd);
}

/* Open /dev/null on any of descriptors 0-2 that is closed, so that no
 * descriptor the library opens (a pipe, a socket) is taken for one of them:
 * "--batch -" would read it, and results could be written into it. */
static void open_standard_descriptors(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			exit(EXIT_DNS_FAILURE); /* nowhere to say so */
	}
}

int main(int argc, char **argv)
{
	struct sipresolve_options opts;
	struct app app;
	rsip_status st;
	int status;

	open_standard_descriptors();
	memset(&app, 0, sizeof(app));
	switch (options_parse(&opts, argc, argv)) {
	case OPTIONS_RUN:
		break;
	case OPTIONS_DONE:
		options_free(&opts);
		return fflush(stdout) == 0 ? EXIT_RESOLVED : EXIT_DNS_FAILURE;
	case OPTIONS_USAGE:
		options_free(&opts);
		return EXIT_USAGE;
	case OPTIONS_NOMEM:
	default:
		options_free(&opts);
		return EXIT_DNS_FAILURE;
	}
	app.opts = &opts;
	app.colour = opts.output == OUTPUT_TEXT && want_colour(opts.colour);

	st = rsip_ctx_new(&app.ctx);
	if (st != RSIP_OK) {
		fprintf(stderr, PROGRAM ": cannot create a context: %s\n", rsip_strerror(st));
		options_free(&opts);
		return EXIT_DNS_FAILURE;
	}
	status = apply_options(&app);
	if (status != 0) {
		app.fatal = status;
	} else {
		run_batch(&app); /* a file's lines, or the arguments alone */
	}
	rsip_ctx_free(app.ctx); /* cancels what a fatal error left in flight */

	raise_exit(&app, app.fatal);
	errno = 0;
	fflush(stdout);
	check_output(&app);
	options_free(&opts);
	return app.exit_status;
}
