/* batch.c - sipresolve's batch driver: up to --concurrency resolutions in
 * flight over the context's descriptor, results written in input order
 * through a reorder ring, the progress line, the summary, and SIGINT. */
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
#include "batch.h"
#include "lines.h"

/* Milliseconds to wait for the context's descriptor before calling
 * rsip_ctx_process() anyway, when no deadline is nearer: a safety net. */
#define POLL_SAFETY_MS 1000

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
void run_batch(struct app *app)
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
