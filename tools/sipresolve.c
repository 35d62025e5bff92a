/* sipresolve.c - command-line front end of libresolvsip: main(), the context
 * set up from the options, and each result rendered (the batch driver that
 * runs them: batch.c). */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "resolvsip.h"
#include "options.h"
#include "render.h"
#include "batch.h"

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
void progress_clear(struct app *app)
{
	if (!app->progress.drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	app->progress.drawn = 0;
}

void raise_exit(struct app *app, int status)
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
void render_result(struct app *app, const rsip_result *res, int response, size_t line,
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
int check_output(struct app *app)
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
void write_separator(struct app *app)
{
	if (app->opts->output == OUTPUT_TEXT && app->written > 0)
		fputc('\n', stdout);
	app->written++;
}

/* Write one result now. */
void emit(struct app *app, const rsip_result *res, int response, size_t line)
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
rsip_status start_input(struct app *app, const struct input_arg *input,
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
