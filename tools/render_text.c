/* render_text.c - one result for a person: each question with its rcode, DNSSEC state,
 * answers and their verdicts, the path to the targets marked, the targets last
 * (RFC 3263 §4, RFC 6116 §5, RFC 3403 §4.1 in the verdicts the library gives). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolvsip.h"
#include "render.h"

/* ANSI SGR sequences; modest: bold labels, green for the path and for what
 * is good, red for what is wrong. */
#define SGR_BOLD "\033[1m"
#define SGR_GREEN "\033[32m"
#define SGR_RED "\033[31m"
#define SGR_RESET "\033[0m"

static const char *sgr(int colour, const char *code)
{
	return colour ? code : "";
}

/* Write s with control characters as \DDD, so that nothing from the input
 * or from DNS data can drive the terminal.  NULL is written as "-". */
static void put_safe(FILE *out, const char *s)
{
	const unsigned char *p;

	if (s == NULL) {
		fputc('-', out);
		return;
	}
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			fprintf(out, "\\%03u", (unsigned)*p);
		else
			fputc(*p, out);
	}
}

/* Write s as a DNS character-string in presentation format (RFC 1035 §5.1):
 * quoted, with '"' and '\' escaped and other non-printing bytes as \DDD. */
static void put_quoted(FILE *out, const char *s)
{
	const unsigned char *p;

	fputc('"', out);
	for (p = (const unsigned char *)(s != NULL ? s : ""); *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(out, "\\%c", *p);
		else if (*p < 0x20 || *p >= 0x7f)
			fprintf(out, "\\%03u", (unsigned)*p);
		else
			fputc(*p, out);
	}
	fputc('"', out);
}

static const char *plural(unsigned long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

/* The colour of a DNSSEC state: secure is good, bogus is wrong. */
static const char *dnssec_sgr(int colour, rsip_dnssec state)
{
	if (state == RSIP_DNSSEC_SECURE)
		return sgr(colour, SGR_GREEN);
	if (state == RSIP_DNSSEC_BOGUS)
		return sgr(colour, SGR_RED);
	return "";
}

static void put_dnssec(FILE *out, rsip_dnssec state, int colour)
{
	const char *on = dnssec_sgr(colour, state);

	fprintf(out, "DNSSEC %s%s%s", on, rsip_dnssec_name(state),
		*on != '\0' ? SGR_RESET : "");
}

/* ---- ENUM records and the answers they came in ----------------------- */

/* What render_text() works out once per result. */
struct text_state {
	const rsip_result *res;
	size_t nrec;
	unsigned char *shown;    /* per ENUM record: its verdict was written */
	size_t starred;          /* answers marked "*" */
	int colour;
};

static void put_verdict(FILE *out, const rsip_naptr *rec, int colour, int on_path)
{
	fprintf(out, "%s%s%s", on_path ? sgr(colour, SGR_GREEN) : "",
		rsip_verdict_name(rec->verdict), on_path ? sgr(colour, SGR_RESET) : "");
	if (rec->result != NULL) {
		fputs(": ", out);
		put_safe(out, rec->result);
	}
	if (rec->reason != NULL) {
		fputs(" (", out);
		put_safe(out, rec->reason);
		fputc(')', out);
	}
}

/* "ENUM: AUS +494212017028 -> 8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa." */
static void render_enum_head(FILE *out, const rsip_result *res, int colour)
{
	size_t i, n = rsip_result_enum_domain_count(res);

	fprintf(out, "%sENUM:%s AUS ", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET));
	put_safe(out, rsip_result_enum_aus(res));
	for (i = 0; i < n; i++) {
		fputs(i == 0 ? " -> " : ", ", out);
		put_safe(out, rsip_result_enum_domain(res, i));
	}
	fputc('\n', out);
}

/* The ENUM records not written with an answer (none, normally), then the
 * URIs ENUM gave, in the order they are tried. */
static void render_enum_tail(FILE *out, const struct text_state *ts)
{
	size_t i, n, missing = 0;
	int colour = ts->colour;

	for (i = 0; i < ts->nrec; i++) {
		const rsip_naptr *rec = rsip_result_enum_record(ts->res, i);

		if (rec == NULL || ts->shown[i])
			continue;
		if (missing++ == 0)
			fputs("ENUM records:\n", out);
		/* No answer line to mark: the verdict says it (the library sets
		 * "selected" on the record located and on those that led to it). */
		fprintf(out, " %s ", rec->verdict == RSIP_VERDICT_SELECTED ? "*" : " ");
		put_safe(out, rec->owner);
		fprintf(out, " NAPTR %u %u ", (unsigned)rec->order, (unsigned)rec->preference);
		put_quoted(out, rec->flags);
		fputc(' ', out);
		put_quoted(out, rec->services);
		fputc(' ', out);
		put_quoted(out, rec->regexp);
		fputc(' ', out);
		put_safe(out, rec->replacement);
		fputs("\n      => ", out);
		put_verdict(out, rec, colour, rec->verdict == RSIP_VERDICT_SELECTED);
		fputc('\n', out);
	}

	n = rsip_result_enum_uri_count(ts->res);
	fprintf(out, "%sENUM URIs in try order:%s", sgr(colour, SGR_BOLD),
		sgr(colour, SGR_RESET));
	if (n == 0)
		fputs(" none", out);
	for (i = 0; i < n; i++) {
		fprintf(out, " %zu. ", i + 1);
		put_safe(out, rsip_result_enum_uri(ts->res, i));
	}
	fputc('\n', out);
}

/* ---- questions --------------------------------------------------------- */

/* One answer line: " * RR" when the library says it led to the targets
 * (rsip_result_answer_role()), then, for an ENUM record, its verdict
 * (rsip_result_answer_enum_record()). */
static void render_answer(FILE *out, struct text_state *ts, const rsip_step *step,
			  size_t step_index, size_t i)
{
	size_t index = 0;
	int on_path = rsip_result_answer_role(ts->res, step_index, i) != RSIP_ROLE_NONE;
	int colour = ts->colour;
	const rsip_naptr *rec = NULL;

	if (ts->nrec > 0 && rsip_result_answer_enum_record(ts->res, step_index, i, &index) &&
	    index < ts->nrec)
		rec = rsip_result_enum_record(ts->res, index);
	if (on_path) {
		fprintf(out, " %s*%s ", sgr(colour, SGR_GREEN), sgr(colour, SGR_RESET));
		ts->starred++;
	} else
		fputs("   ", out);
	put_safe(out, step->answers[i]);
	fputc('\n', out);
	if (rec != NULL && !ts->shown[index]) {
		ts->shown[index] = 1;
		fputs("      => ", out);
		put_verdict(out, rec, colour, on_path);
		fputc('\n', out);
	}
}

/* ";; wave 1  tzi.org. NAPTR -> NOERROR, DNSSEC insecure", its answers, its
 * decisions marked "=>". */
static void render_step(FILE *out, struct text_state *ts, const rsip_step *step,
			size_t step_index)
{
	size_t i;

	fprintf(out, ";; wave %u  ", step->wave);
	put_safe(out, step->qname);
	if (step->qtype_name != NULL)
		fprintf(out, " %s", step->qtype_name);
	else
		fprintf(out, " TYPE%u", (unsigned)step->qtype);
	if (step->rcode < 0)
		fputs(" -> no answer", out);
	else if (step->rcode_name != NULL)
		fprintf(out, " -> %s", step->rcode_name);
	else
		fprintf(out, " -> RCODE%d", step->rcode);
	if (step->rcode == 0 && (step->answers == NULL || step->answer_count == 0))
		fputs(" (no records)", out); /* NODATA, RFC 2308 §2.2 */
	fputs(", ", out);
	put_dnssec(out, step->dnssec, ts->colour);
	if (step->why_bogus != NULL) {
		fputs(": ", out);
		put_safe(out, step->why_bogus);
	}
	fputc('\n', out);

	for (i = 0; step->answers != NULL && i < step->answer_count; i++)
		render_answer(out, ts, step, step_index, i);
	for (i = 0; step->notes != NULL && i < step->note_count; i++) {
		fputs("   => ", out);
		put_safe(out, step->notes[i]);
		fputc('\n', out);
	}
}

/* ---- targets and status ----------------------------------------------- */

/* "  1. tls 134.102.218.67:5061  rasen.tzi.org. (SRV priority 0, weight 1,
 * DNSSEC insecure)" */
static void render_target(FILE *out, size_t number, const rsip_target *t, int colour)
{
	int v6 = t->family == RSIP_FAMILY_IPV6;

	fprintf(out, "  %zu. %s %s", number, rsip_transport_name(t->transport),
		v6 ? "[" : "");
	put_safe(out, t->address);
	fprintf(out, "%s:%u  ", v6 ? "]" : "", (unsigned)t->port);
	if (t->host != NULL) {
		put_safe(out, t->host);
		fputc(' ', out);
	}
	switch (t->source) {
	case RSIP_SOURCE_SRV:
		fprintf(out, "(SRV priority %u, weight %u", (unsigned)t->priority,
			(unsigned)t->weight);
		break;
	case RSIP_SOURCE_HOST:
		fprintf(out, "(%s record", v6 ? "AAAA" : "A");
		break;
	case RSIP_SOURCE_NUMERIC:
		fputs("(numeric host", out);
		break;
	default:
		fprintf(out, "(%s", rsip_source_name(t->source));
		break;
	}
	fputs(", ", out);
	put_dnssec(out, t->dnssec, colour);
	/* RFC 3263 §4.3: marked failed within the context's memory */
	if (t->recently_failed)
		fprintf(out, ", %srecently failed: tried last%s", sgr(colour, SGR_RED),
			sgr(colour, SGR_RESET));
	fputs(")\n", out);
}

static void render_status(FILE *out, const rsip_result *res, int colour)
{
	rsip_status status = rsip_result_status(res);

	fprintf(out, "%sStatus:%s %s%s%s", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET),
		sgr(colour, status == RSIP_OK ? SGR_GREEN : SGR_RED),
		rsip_status_name(status), sgr(colour, SGR_RESET));
	if (status == RSIP_OK) {
		size_t targets = rsip_result_target_count(res);
		unsigned waves = rsip_result_waves(res);
		unsigned questions = rsip_result_questions(res);

		fprintf(out, ", %zu %s, %u %s, %u %s, ",
			targets, plural(targets, "target", "targets"),
			waves, plural(waves, "wave", "waves"),
			questions, plural(questions, "question", "questions"));
		put_dnssec(out, rsip_result_dnssec(res), colour);
		fputc('\n', out);
	} else {
		const char *error = rsip_result_error(res);

		fputs(": ", out);
		put_safe(out, error != NULL ? error : rsip_strerror(status));
		fputc('\n', out);
	}
}

void render_text(FILE *out, const rsip_result *res, const struct render_input *in,
		 int colour)
{
	struct text_state ts;
	int has_enum = rsip_result_has_enum(res) && rsip_result_enum_aus(res) != NULL;
	size_t i, n;

	memset(&ts, 0, sizeof(ts));
	ts.res = res;
	ts.colour = colour;
	ts.nrec = has_enum ? rsip_result_enum_record_count(res) : 0;
	if (ts.nrec > 0) {
		ts.shown = calloc(ts.nrec, 1);
		if (ts.shown == NULL)
			/* Out of memory: the records go in the list after the
			 * questions. */
			ts.nrec = 0;
	}

	fprintf(out, "%sInput%s:%s ", sgr(colour, SGR_BOLD),
		in != NULL && in->response ? " (Via of a response)" : "",
		sgr(colour, SGR_RESET));
	put_safe(out, rsip_result_input(res));
	if (in != NULL && in->line > 0) {
		fputs(" (line ", out);
		fprintf(out, "%zu of ", in->line);
		put_safe(out, strcmp(in->source, "-") == 0 ? "standard input" : in->source);
		fputc(')', out);
	}
	fputc('\n', out);
	if (in != NULL && in->route_count > 0) {
		fprintf(out, "%sRoute set:%s ", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET));
		for (i = 0; i < in->route_count; i++) {
			if (i > 0)
				fputs(", ", out);
			put_safe(out, in->route[i]);
		}
		fputc('\n', out);
	}

	/* Without an AUS (malformed tel: input) ENUM never started. */
	if (has_enum)
		render_enum_head(out, res, colour);

	n = rsip_result_step_count(res);
	for (i = 0; i < n; i++) {
		const rsip_step *step = rsip_result_step(res, i);

		if (step != NULL)
			render_step(out, &ts, step, i);
	}
	if (has_enum) {
		if (ts.shown == NULL) {
			/* Without the per-record memory, list every record. */
			ts.nrec = rsip_result_enum_record_count(res);
			ts.shown = calloc(ts.nrec > 0 ? ts.nrec : 1, 1);
		}
		if (ts.shown != NULL)
			render_enum_tail(out, &ts);
	}
	/* Decisions not tied to one question (route set, failover memory...) */
	n = rsip_result_note_count(res);
	for (i = 0; i < n; i++) {
		fputs("=> ", out);
		put_safe(out, rsip_result_note(res, i));
		fputc('\n', out);
	}

	if (rsip_result_uri(res) != NULL) {
		fprintf(out, "%sLocated:%s ", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET));
		put_safe(out, rsip_result_uri(res));
		fputc('\n', out);
	}
	render_status(out, res, colour);

	n = rsip_result_target_count(res);
	if (n > 0)
		fprintf(out, "%sTargets%s, in the order to try them%s:\n", sgr(colour, SGR_BOLD),
			sgr(colour, SGR_RESET), ts.starred > 0 ?
			" (* above: the records they came from)" : "");
	for (i = 0; i < n; i++) {
		const rsip_target *t = rsip_result_target(res, i);

		if (t != NULL)
			render_target(out, i + 1, t, colour);
	}
	free(ts.shown);
}

void render_short(FILE *out, FILE *err, const rsip_result *res, const struct render_input *in)
{
	size_t i, n = rsip_result_target_count(res);
	rsip_status status = rsip_result_status(res);

	for (i = 0; i < n; i++) {
		const rsip_target *t = rsip_result_target(res, i);

		if (t == NULL)
			continue;
		fprintf(out, "%s ", rsip_transport_name(t->transport));
		put_safe(out, t->address);
		fprintf(out, " %u\n", (unsigned)t->port);
	}
	if (n == 0) {
		const char *error = rsip_result_error(res);

		fputs("sipresolve: ", err);
		if (in != NULL && in->line > 0) {
			/* FILE:LINE: as compilers write it, for a batch line */
			put_safe(err, in->source);
			fprintf(err, ":%zu: ", in->line);
		}
		put_safe(err, rsip_result_input(res));
		fprintf(err, ": %s: ", rsip_status_name(status));
		put_safe(err, error != NULL ? error : rsip_strerror(status));
		fputc('\n', err);
	}
}
