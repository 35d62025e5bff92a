/* render_text.c - one result for a person: ENUM, questions and decisions, targets, status. */
#include <stdio.h>

#include "resolvsip.h"
#include "render.h"

/* ANSI SGR sequences; modest: bold labels, green or red status. */
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

static void render_enum(FILE *out, const rsip_result *res, int colour)
{
	size_t i, n;

	fprintf(out, "%sENUM:%s AUS ", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET));
	put_safe(out, rsip_result_enum_aus(res));
	fputc('\n', out);

	n = rsip_result_enum_domain_count(res);
	for (i = 0; i < n; i++) {
		fputs("  domain ", out);
		put_safe(out, rsip_result_enum_domain(res, i));
		fputc('\n', out);
	}

	n = rsip_result_enum_record_count(res);
	for (i = 0; i < n; i++) {
		const rsip_naptr *rec = rsip_result_enum_record(res, i);

		if (rec == NULL)
			continue;
		fputs("  ", out);
		put_safe(out, rec->owner);
		fprintf(out, " NAPTR %u %u ", (unsigned)rec->order,
			(unsigned)rec->preference);
		put_quoted(out, rec->flags);
		fputc(' ', out);
		put_quoted(out, rec->services);
		fputc(' ', out);
		put_quoted(out, rec->regexp);
		fputc(' ', out);
		put_safe(out, rec->replacement);
		fprintf(out, "\n    => %s", rsip_verdict_name(rec->verdict));
		if (rec->result != NULL) {
			fputs(": ", out);
			put_safe(out, rec->result);
		}
		if (rec->reason != NULL) {
			fputs(" (", out);
			put_safe(out, rec->reason);
			fputc(')', out);
		}
		fputc('\n', out);
	}
	if (n == 0)
		fputs("  no NAPTR records\n", out);

	n = rsip_result_enum_uri_count(res);
	if (n == 0) {
		fputs("  URIs in try order: none\n", out);
		return;
	}
	fputs("  URIs in try order:\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "    %zu. ", i + 1);
		put_safe(out, rsip_result_enum_uri(res, i));
		fputc('\n', out);
	}
}

/* ";; wave 1  tzi.org. NAPTR -> NOERROR (secure)", why it is bogus marked
 * "!!", its answers indented, its decisions marked "=>". */
static void render_step(FILE *out, const rsip_step *step)
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
	fprintf(out, " (%s)\n", rsip_dnssec_name(step->dnssec));
	/* Issue 5: why validation failed, on a line of its own. */
	if (step->dnssec == RSIP_DNSSEC_BOGUS) {
		fputs("    !! DNSSEC bogus: ", out);
		put_safe(out, step->why_bogus != NULL ? step->why_bogus : "no reason given");
		fputc('\n', out);
	}

	for (i = 0; step->answers != NULL && i < step->answer_count; i++) {
		fputs("    ", out);
		put_safe(out, step->answers[i]);
		fputc('\n', out);
	}
	for (i = 0; step->notes != NULL && i < step->note_count; i++) {
		fputs("    => ", out);
		put_safe(out, step->notes[i]);
		fputc('\n', out);
	}
}

/* "  1. tls 134.102.218.67:5061  rasen.tzi.org. (SRV 0/4, insecure)" */
static void render_target(FILE *out, size_t number, const rsip_target *t)
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
		fprintf(out, "(SRV %u/%u", (unsigned)t->priority, (unsigned)t->weight);
		break;
	case RSIP_SOURCE_HOST:
		fprintf(out, "(%s", v6 ? "AAAA" : "A");
		break;
	default:
		fprintf(out, "(%s", render_source_name(t->source));
		break;
	}
	fprintf(out, ", %s)\n", rsip_dnssec_name(t->dnssec));
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

		fprintf(out, ", %zu %s, %u %s, %u %s, DNSSEC %s\n",
			targets, plural(targets, "target", "targets"),
			waves, plural(waves, "wave", "waves"),
			questions, plural(questions, "question", "questions"),
			rsip_dnssec_name(rsip_result_dnssec(res)));
	} else {
		const char *error = rsip_result_error(res);

		fputs(": ", out);
		put_safe(out, error != NULL ? error : rsip_strerror(status));
		fputc('\n', out);
	}
}

void render_text(FILE *out, const rsip_result *res, int colour)
{
	size_t i, n;

	fprintf(out, "%sInput:%s ", sgr(colour, SGR_BOLD), sgr(colour, SGR_RESET));
	put_safe(out, rsip_result_input(res));
	fputc('\n', out);

	/* Without an AUS (malformed tel: input) ENUM never started. */
	if (rsip_result_has_enum(res) && rsip_result_enum_aus(res) != NULL)
		render_enum(out, res, colour);

	n = rsip_result_step_count(res);
	for (i = 0; i < n; i++) {
		const rsip_step *step = rsip_result_step(res, i);

		if (step != NULL)
			render_step(out, step);
	}
	/* Decisions not tied to one question (route set, failover memory...) */
	n = rsip_result_note_count(res);
	for (i = 0; i < n; i++) {
		fputs("=> ", out);
		put_safe(out, rsip_result_note(res, i));
		fputc('\n', out);
	}

	if (rsip_result_uri(res) != NULL) {
		fprintf(out, "%sLocated:%s ", sgr(colour, SGR_BOLD),
			sgr(colour, SGR_RESET));
		put_safe(out, rsip_result_uri(res));
		fputc('\n', out);
	}
	n = rsip_result_target_count(res);
	if (n > 0 && rsip_result_uri(res) == NULL)
		fprintf(out, "%sTargets:%s\n", sgr(colour, SGR_BOLD),
			sgr(colour, SGR_RESET));
	for (i = 0; i < n; i++) {
		const rsip_target *t = rsip_result_target(res, i);

		if (t != NULL)
			render_target(out, i + 1, t);
	}

	render_status(out, res, colour);
}
