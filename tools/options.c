/* options.c - sipresolve's option parsing: getopt_long plus dig-style @SERVER. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resolvsip.h"
#include "options.h"

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "unknown"
#endif

#define PROGRAM "sipresolve"

/* Values of the long options that have no short form. */
enum {
	OPT_ZONES = 256,
	OPT_SERVER,
	OPT_RESOLV_CONF,
	OPT_TRUST_ANCHOR,
	OPT_TRANSPORTS,
	OPT_SUFFIX,
	OPT_SEED,
	OPT_DNSSEC,
	OPT_RECURSIVE,
	OPT_JSON,
	OPT_BATCH,
	OPT_CONCURRENCY,
	OPT_TIMEOUT,
	OPT_MAX_QUESTIONS,
	OPT_VERSION,
	OPT_ROUTE,
	OPT_OUTBOUND_PROXY,
	OPT_RESPONSE,
	OPT_DETERMINISTIC,
	OPT_PREFER_IPV4,
	OPT_FAILED,
	OPT_ON_DNS_FAILURE,
	OPT_QUESTION_TIMEOUT,
	OPT_MAX_ADDRESSES,
	OPT_MAX_TARGETS,
	OPT_CACHE_BYTES,
	OPT_ENUMSERVICE,
	OPT_COLOR,
	OPT_HOSTS
};

static const struct option long_options[] = {
	{"zones", required_argument, NULL, OPT_ZONES},
	{"server", required_argument, NULL, OPT_SERVER},
	{"resolv-conf", required_argument, NULL, OPT_RESOLV_CONF},
	{"trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR},
	{"transports", required_argument, NULL, OPT_TRANSPORTS},
	{"suffix", required_argument, NULL, OPT_SUFFIX},
	{"enumservice", required_argument, NULL, OPT_ENUMSERVICE},
	{"color", optional_argument, NULL, OPT_COLOR},
	{"colour", optional_argument, NULL, OPT_COLOR},
	{"seed", required_argument, NULL, OPT_SEED},
	{"dnssec", required_argument, NULL, OPT_DNSSEC},
	{"recursive", no_argument, NULL, OPT_RECURSIVE},
	{"hosts", required_argument, NULL, OPT_HOSTS},
	{"json", no_argument, NULL, OPT_JSON},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"concurrency", required_argument, NULL, OPT_CONCURRENCY},
	{"short", no_argument, NULL, 's'},
	{"quiet", no_argument, NULL, 'q'},
	{"route", required_argument, NULL, OPT_ROUTE},
	{"outbound-proxy", required_argument, NULL, OPT_OUTBOUND_PROXY},
	{"response", required_argument, NULL, OPT_RESPONSE},
	{"deterministic", no_argument, NULL, OPT_DETERMINISTIC},
	{"prefer-ipv4", no_argument, NULL, OPT_PREFER_IPV4},
	{"failed", required_argument, NULL, OPT_FAILED},
	{"on-dns-failure", required_argument, NULL, OPT_ON_DNS_FAILURE},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"question-timeout", required_argument, NULL, OPT_QUESTION_TIMEOUT},
	{"max-questions", required_argument, NULL, OPT_MAX_QUESTIONS},
	{"max-addresses", required_argument, NULL, OPT_MAX_ADDRESSES},
	{"max-targets", required_argument, NULL, OPT_MAX_TARGETS},
	{"cache-bytes", required_argument, NULL, OPT_CACHE_BYTES},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0}
};

/* "-": return each non-option argument in place (as option 1), so that
 * "@SERVER" keeps its order among --server options; ":": report a missing
 * argument as ':' and print nothing ourselves. */
static const char short_options[] = "-:46hqs";

static void usage(FILE *out)
{
	fputs("Usage: " PROGRAM " [options] URI...\n"
	      "       " PROGRAM " [options] --response VIA...\n"
	      "       " PROGRAM " [options] --batch FILE\n"
	      "Find where a SIP request goes: the ordered next hops (transport, address,\n"
	      "port) of a tel: URI, a +E.164 number, or a sip:/sips: URI, by ENUM (RFC 6116)\n"
	      "and RFC 3263.\n"
	      "\n"
	      "DNS (at most one of these; default: the servers of /etc/resolv.conf):\n"
	      "  --zones DIR            serve every zone file in DIR in process;\n"
	      "                         nothing leaves the machine\n"
	      "  @ADDR[#PORT], --server ADDR[#PORT]\n"
	      "                         ask this DNS server (repeatable, in order)\n"
	      "  --resolv-conf FILE     ask the servers named in FILE\n"
	      "  --recursive            resolve from the root servers, validating with\n"
	      "                         the system's root trust anchor\n"
	      "\n"
	      "Resolution:\n"
	      "  --hosts FILE           addresses of the names in FILE (hosts(5)) come\n"
	      "                         from it, as getaddrinfo() gives them ('': none;\n"
	      "                         default: /etc/hosts in resolv.conf mode only;\n"
	      "                         not with --zones)\n"
	      "  --trust-anchor FILE    DS/DNSKEY records (zone-file syntax) to validate\n"
	      "                         with (repeatable); --zones DIR also reads\n"
	      "                         DIR/trust-anchors when it exists\n"
	      "  --dnssec POLICY        validate (default): a bogus answer is refused and\n"
	      "                         ends the resolution (dnssec-bogus); require:\n"
	      "                         an answer that is not secure is refused too\n"
	      "                         (dnssec-insecure); off: no validation\n"
	      "  --on-dns-failure WHAT  fail (default): a failed NAPTR or SRV question\n"
	      "                         ends the resolution (dns-failure), no fallback;\n"
	      "                         fallback: take it as empty and fall back (an\n"
	      "                         attacker who makes questions fail picks the\n"
	      "                         transport)\n"
	      "  --transports LIST      supported transports in order of preference, a\n"
	      "                         comma list of udp,tcp,tls,sctp,tls-sctp,ws,wss\n"
	      "                         (default udp,tcp,tls)\n"
	      "  --suffix DOMAIN        ENUM suffix, repeatable, in order\n"
	      "                         (default e164.arpa)\n"
	      "  --enumservice LIST     the ENUM enumservices to use, a comma list of\n"
	      "                         E2U+type or E2U+type:subtype whose URI is a SIP\n"
	      "                         URI, repeatable (default E2U+sip,E2U+voice:sip;\n"
	      "                         a carrier's E2U+pstn:sip only when named)\n"
	      "  --seed N               fixed seed (0..18446744073709551615) for the SRV\n"
	      "                         weighted choice, for reproducible output\n"
	      "  --deterministic        SRV records of one priority by weight, target,\n"
	      "                         port, as a stateless proxy must (RFC 3263 §4.4)\n"
	      "  -4, -6                 only IPv4 / only IPv6 addresses (both: both)\n"
	      "  --prefer-ipv4          IPv4 addresses before IPv6 within one target\n"
	      "  --failed TARGET        treat TARGET (TRANSPORT:ADDRESS:PORT, an IPv6\n"
	      "                         address in brackets) as failed just now: it is\n"
	      "                         tried last (RFC 3263 §4.3; repeatable)\n"
	      "\n"
	      "Requests and responses:\n"
	      "  --route URI            a Route header URI (repeatable, in order): the\n"
	      "                         request goes to the first one (RFC 3261 §8.1.2)\n"
	      "  --outbound-proxy URI   an outbound proxy: placed before every --route\n"
	      "  --response VIA         where a response goes whose usual path failed:\n"
	      "                         the topmost Via header value (RFC 3263 §5);\n"
	      "                         repeatable; resolved in order with the URIs\n"
	      "  --timeout SECONDS      give up on a URI after this long, with status\n"
	      "                         timeout (0.001..3600, decimals allowed; default 10)\n"
	      "  --question-timeout SECONDS\n"
	      "                         give up on one DNS question after this long\n"
	      "                         (default: at the deadline): a failed question\n"
	      "  --max-questions N      DNS questions one URI may take (1..100000,\n"
	      "                         default 128); more: status limit\n"
	      "  --max-addresses N      addresses used per host and address family\n"
	      "                         (1..10000, default 32); the others are left\n"
	      "                         out, with a note\n"
	      "  --max-targets N        targets per URI (1..100000, default 64); the\n"
	      "                         others are left out, with a note\n"
	      "  --cache-bytes N[K|M|G] memory the kept DNS answers may hold together\n"
	      "                         (K, M, G: times 1024, 1024^2, 1024^3; default\n"
	      "                         8M; 0: no cache); an answer of more than an\n"
	      "                         eighth of it is used, not kept\n"
	      "\n"
	      "Output and input:\n"
	      "  --json                 one JSON object per input, one per line (JSON Lines)\n"
	      "  -s, --short            the targets only, one per line:\n"
	      "                         TRANSPORT ADDRESS PORT\n"
	      "  -q, --quiet            write nothing; only the exit status tells\n"
	      "  --batch FILE           URIs one per line from FILE ('-' = standard input;\n"
	      "                         blank lines and lines starting with '#' are\n"
	      "                         skipped), resolved concurrently, results written\n"
	      "                         in input order; URI arguments come first; a\n"
	      "                         summary is written to standard error at the end\n"
	      "                         (and a progress line while it runs, when standard\n"
	      "                         error is a terminal)\n"
	      "  --concurrency N        resolutions in flight at once in batch mode\n"
	      "                         (1..100000, default 100)\n"
	      "  --color[=WHEN]         colour the text output: auto (the default: on a\n"
	      "                         terminal, not with TERM=dumb or a non-empty\n"
	      "                         NO_COLOR), always (also for --color alone), never\n"
	      "  -h, --help             show this help and exit\n"
	      "  --version              show the version and exit\n"
	      "\n"

	      "Exit status (with several URIs, the highest that applies):\n"
	      "  0  every URI resolved to at least one target\n"
	      "  1  some URI resolved to no target (not-found, no-transport, loop,\n"
	      "     limit)\n"
	      "  2  usage error, or malformed input (bad-input)\n"
	      "  3  a DNS failure (dns-failure, dnssec-bogus, dnssec-insecure, timeout),\n"
	      "     or another failure (out of memory, a read error on the batch input),\n"
	      "     prevented an answer\n",
	      out);
}

/* Print "sipresolve: MESSAGE" and the hint to stderr. */
static enum options_outcome usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static enum options_outcome usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(PROGRAM ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry '" PROGRAM " --help'.\n", stderr);
	return OPTIONS_USAGE;
}

static int list_push(struct option_list *list, const char *spelling,
		     const char *value)
{
	if (list->count == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 4;
		struct option_arg *items = realloc(list->items,
						   cap * sizeof(*items));
		if (items == NULL)
			return -1;
		list->items = items;
		list->cap = cap;
	}
	list->items[list->count].spelling = spelling;
	list->items[list->count].value = value;
	list->count++;
	return 0;
}

/* Decimal digits only, no sign, no spaces: 0 and *out set, or -1 (not a
 * number) or -2 (above max). */
static int parse_unsigned(const char *text, uint64_t max, uint64_t *out)
{
	uint64_t value = 0;
	const char *p;

	if (*text == '\0')
		return -1;
	for (p = text; *p != '\0'; p++) {
		unsigned digit;

		if (*p < '0' || *p > '9')
			return -1;
		digit = (unsigned)(*p - '0');
		if (value > (max - digit) / 10)
			return -2;
		value = value * 10 + digit;
	}
	*out = value;
	return 0;
}

/* A number of bytes with an optional binary suffix K, M or G ("8M" is
 * 8388608): 0 and *out set, or -1 (not such a number) or -2 (above max). */
static int parse_bytes(const char *text, uint64_t max, uint64_t *out)
{
	size_t len = strlen(text);
	uint64_t scale = 1, value = 0;
	char digits[32];
	int rc;

	if (len > 0) {
		switch (text[len - 1]) {
		case 'K': case 'k': scale = (uint64_t)1 << 10; break;
		case 'M': case 'm': scale = (uint64_t)1 << 20; break;
		case 'G': case 'g': scale = (uint64_t)1 << 30; break;
		default: break;
		}
	}
	if (scale > 1)
		len--;
	if (len == 0 || len >= sizeof(digits))
		return len == 0 ? -1 : -2;
	memcpy(digits, text, len);
	digits[len] = '\0';
	if ((rc = parse_unsigned(digits, max / scale, &value)) != 0)
		return rc;
	*out = value * scale;
	return 0;
}

/* Seconds with up to three decimals ("2", "0.5", "1.250") as milliseconds:
 * 0 and *ms set, or -1 (not such a number). */
static int parse_seconds(const char *text, unsigned long *ms)
{
	unsigned long whole = 0, frac = 0, scale = 100;
	const char *p = text;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (unsigned long)(*p - '0');
		if (whole > 1000000)
			return -1;
	}
	if (*p == '.') {
		if (p[1] < '0' || p[1] > '9')
			return -1;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (scale == 0)
				return -1; /* more than three decimals */
			frac += (unsigned long)(*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p != '\0')
		return -1;
	*ms = whole * 1000 + frac;
	return 0;
}

/* The long option whose value is val, for messages ("--seed"). */
static const char *long_name(int val)
{
	const struct option *o;

	for (o = long_options; o->name != NULL; o++)
		if (o->val == val)
			return o->name;
	return NULL;
}

/* Record a DNS mode option; the modes exclude each other. */
static enum options_outcome choose_mode(struct sipresolve_options *opts,
					const char *spelling, int is_server)
{
	if (opts->mode_spelling != NULL) {
		/* Servers may be repeated; every other mode is given once. */
		if (is_server && opts->servers.count > 0)
			return OPTIONS_RUN;
		if (strcmp(opts->mode_spelling, spelling) == 0)
			return usage_error("%s given more than once", spelling);
		return usage_error("%s and %s cannot be used together",
				   opts->mode_spelling, spelling);
	}
	opts->mode_spelling = spelling;
	return OPTIONS_RUN;
}

static enum options_outcome add_server(struct sipresolve_options *opts,
				       const char *spelling, const char *value)
{
	enum options_outcome out = choose_mode(opts, spelling, 1);

	if (out != OPTIONS_RUN)
		return out;
	if (*value == '@') /* tolerate "--server @ADDR" */
		value++;
	if (*value == '\0')
		return usage_error("%s: no server address", spelling);
	if (list_push(&opts->servers, spelling, value) != 0)
		return OPTIONS_NOMEM;
	return OPTIONS_RUN;
}

/* Inputs, in command-line order; the array holds argc entries, enough for
 * every argument. */
static void add_input(struct sipresolve_options *opts, const char *text, int response)
{
	opts->inputs[opts->input_count].text = text;
	opts->inputs[opts->input_count].response = response;
	opts->input_count++;
}

/* --json, --short and --quiet choose what is written: one of them. */
static enum options_outcome set_output(struct sipresolve_options *opts,
				       enum output_mode mode, const char *spelling)
{
	if (opts->output_spelling != NULL && opts->output != mode)
		return usage_error("%s and %s cannot be used together",
				   opts->output_spelling, spelling);
	opts->output = mode;
	opts->output_spelling = spelling;
	return OPTIONS_RUN;
}

/* "+short", "+trace": dig's option syntax, typed from habit.  A number
 * starts with '+' and a digit, so a letter after '+' is no input. */
static enum options_outcome dig_style_option(const char *arg)
{
	const char *word = arg + 1;
	size_t n = strcspn(word, "=");
	for (size_t i = 0; long_options[i].name != NULL; i++)
		if (strlen(long_options[i].name) == n &&
		    strncmp(long_options[i].name, word, n) == 0)
			return usage_error("'%s' is dig's syntax: did you mean --%s?", arg,
					   long_options[i].name);
	return usage_error("'%s' is dig's syntax, not an input (a number is +DIGITS); "
			   "sipresolve's options start with --", arg);
}

/* Handle one option (or, for opt 1, one non-option argument). */
static enum options_outcome handle_option(struct sipresolve_options *opts,
					  int opt, char *arg)
{
	uint64_t number = 0;
	int rc;

	switch (opt) {
	case 1:
		if (arg[0] == '@')
			return add_server(opts, arg, arg + 1);
		if (arg[0] == '+' && isalpha((unsigned char)arg[1]))
			return dig_style_option(arg);
		add_input(opts, arg, 0);
		return OPTIONS_RUN;
	case OPT_ZONES:
		if (opts->zones == NULL && opts->mode_spelling == NULL)
			opts->zones = arg;
		return choose_mode(opts, "--zones", 0);
	case OPT_SERVER:
		return add_server(opts, "--server", arg);
	case OPT_RESOLV_CONF:
		if (opts->resolv_conf == NULL && opts->mode_spelling == NULL)
			opts->resolv_conf = arg;
		return choose_mode(opts, "--resolv-conf", 0);
	case OPT_RECURSIVE:
		if (opts->recursive) /* harmless repetition */
			return OPTIONS_RUN;
		opts->recursive = 1;
		return choose_mode(opts, "--recursive", 0);
	case OPT_HOSTS:
		if (opts->hosts != NULL)
			return usage_error("--hosts given more than once");
		opts->hosts = arg;
		return OPTIONS_RUN;
	case OPT_TRUST_ANCHOR:
		if (list_push(&opts->trust_anchors, "--trust-anchor", arg) != 0)
			return OPTIONS_NOMEM;
		return OPTIONS_RUN;
	case OPT_TRANSPORTS:
		/* The library checks the list when it is applied. */
		opts->transports = arg;
		return OPTIONS_RUN;
	case OPT_SUFFIX:
		if (*arg == '\0')
			return usage_error("--suffix: the domain is empty");
		if (list_push(&opts->suffixes, "--suffix", arg) != 0)
			return OPTIONS_NOMEM;
		return OPTIONS_RUN;
	case OPT_COLOR:
		/* As ls(1) and grep(1): --color alone means always. */
		if (arg == NULL || strcmp(arg, "always") == 0)
			opts->colour = COLOUR_ALWAYS;
		else if (strcmp(arg, "never") == 0)
			opts->colour = COLOUR_NEVER;
		else if (strcmp(arg, "auto") == 0)
			opts->colour = COLOUR_AUTO;
		else
			return usage_error("--color: '%s' is not auto, always or never", arg);
		return OPTIONS_RUN;
	case OPT_ENUMSERVICE:
		/* The library checks each item when the list is applied. */
		if (*arg == '\0')
			return usage_error("--enumservice: the list is empty");
		if (list_push(&opts->enumservices, "--enumservice", arg) != 0)
			return OPTIONS_NOMEM;
		return OPTIONS_RUN;
	case OPT_SEED:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--seed: '%s' is not a number", arg);
		if (rc == -2)
			return usage_error("--seed: '%s' is out of range "
					   "(0..18446744073709551615)", arg);
		opts->seed = number;
		opts->have_seed = 1;
		return OPTIONS_RUN;
	case OPT_DNSSEC:
		if (strcmp(arg, "validate") == 0)
			opts->dnssec_policy = RSIP_DNSSEC_POLICY_VALIDATE;
		else if (strcmp(arg, "require") == 0)
			opts->dnssec_policy = RSIP_DNSSEC_POLICY_REQUIRE;
		else if (strcmp(arg, "off") == 0)
			opts->dnssec_policy = RSIP_DNSSEC_POLICY_OFF;
		else
			return usage_error("--dnssec: '%s' is not one of validate, require, "
					   "off", arg);
		return OPTIONS_RUN;
	case OPT_ON_DNS_FAILURE:
		if (strcmp(arg, "fail") == 0)
			opts->failure_policy = RSIP_FAILURE_POLICY_STRICT;
		else if (strcmp(arg, "fallback") == 0)
			opts->failure_policy = RSIP_FAILURE_POLICY_FALLBACK;
		else
			return usage_error("--on-dns-failure: '%s' is not one of fail, fallback",
					   arg);
		return OPTIONS_RUN;
	case OPT_JSON:
		return set_output(opts, OUTPUT_JSON, "--json");
	case 's':
		return set_output(opts, OUTPUT_SHORT, "--short");
	case 'q':
		return set_output(opts, OUTPUT_QUIET, "--quiet");
	case OPT_ROUTE:
		if (*arg == '\0')
			return usage_error("--route: the URI is empty");
		/* The outbound proxy, if any, takes slot 0 at the end. */
		opts->route[1 + opts->route_count++] = arg;
		return OPTIONS_RUN;
	case OPT_OUTBOUND_PROXY:
		if (opts->outbound_proxy != NULL)
			return usage_error("--outbound-proxy given more than once");
		if (*arg == '\0')
			return usage_error("--outbound-proxy: the URI is empty");
		opts->outbound_proxy = arg;
		return OPTIONS_RUN;
	case OPT_RESPONSE:
		if (*arg == '\0')
			return usage_error("--response: the Via header value is empty");
		add_input(opts, arg, 1);
		return OPTIONS_RUN;
	case OPT_DETERMINISTIC:
		opts->deterministic = 1;
		return OPTIONS_RUN;
	case OPT_PREFER_IPV4:
		opts->prefer_ipv4 = 1;
		return OPTIONS_RUN;
	case OPT_FAILED: {
		rsip_target target;
		const char *why = NULL;

		if (options_parse_target(arg, &target, &why) != 0)
			return usage_error("--failed: '%s': %s", arg, why);
		if (list_push(&opts->failed, "--failed", arg) != 0)
			return OPTIONS_NOMEM;
		return OPTIONS_RUN;
	}
	case OPT_BATCH:
		if (opts->batch != NULL)
			return usage_error("--batch given more than once");
		if (*arg == '\0')
			return usage_error("--batch: the file name is empty");
		opts->batch = arg;
		return OPTIONS_RUN;
	case OPT_CONCURRENCY:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--concurrency: '%s' is not a number", arg);
		if (rc == -2 || number < 1 || number > OPTIONS_CONCURRENCY_MAX)
			return usage_error("--concurrency: '%s' is out of range (1..%lu)",
					   arg, OPTIONS_CONCURRENCY_MAX);
		opts->concurrency = (unsigned long)number;
		return OPTIONS_RUN;
	case OPT_TIMEOUT: {
		unsigned long ms = 0;
		if (parse_seconds(arg, &ms) != 0)
			return usage_error("--timeout: '%s' is not a number of seconds", arg);
		if (ms < 1 || ms > 3600000)
			return usage_error("--timeout: '%s' is out of range (0.001..3600 "
					   "seconds)", arg);
		opts->timeout_ms = ms;
		return OPTIONS_RUN;
	}
	case OPT_QUESTION_TIMEOUT: {
		unsigned long ms = 0;
		if (parse_seconds(arg, &ms) != 0)
			return usage_error("--question-timeout: '%s' is not a number of seconds",
					   arg);
		if (ms < 1 || ms > 3600000)
			return usage_error("--question-timeout: '%s' is out of range (0.001..3600 "
					   "seconds)", arg);
		opts->question_timeout_ms = ms;
		return OPTIONS_RUN;
	}
	case OPT_MAX_QUESTIONS:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--max-questions: '%s' is not a number", arg);
		if (rc == -2 || number < 1 || number > 100000)
			return usage_error("--max-questions: '%s' is out of range "
					   "(1..100000)", arg);
		opts->max_questions = (unsigned long)number;
		return OPTIONS_RUN;
	case OPT_MAX_ADDRESSES:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--max-addresses: '%s' is not a number", arg);
		if (rc == -2 || number < 1 || number > 10000)
			return usage_error("--max-addresses: '%s' is out of range "
					   "(1..10000)", arg);
		opts->max_addresses = (unsigned long)number;
		return OPTIONS_RUN;
	case OPT_MAX_TARGETS:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--max-targets: '%s' is not a number", arg);
		if (rc == -2 || number < 1 || number > 100000)
			return usage_error("--max-targets: '%s' is out of range "
					   "(1..100000)", arg);
		opts->max_targets = (unsigned long)number;
		return OPTIONS_RUN;
	case OPT_CACHE_BYTES:
		rc = parse_bytes(arg, SIZE_MAX, &number);
		if (rc == -1)
			return usage_error("--cache-bytes: '%s' is not a number of bytes "
					   "(N, NK, NM or NG)", arg);
		if (rc == -2)
			return usage_error("--cache-bytes: '%s' is too large", arg);
		opts->cache_bytes = number;
		opts->have_cache_bytes = 1;
		return OPTIONS_RUN;
	case '4':
		opts->families |= RSIP_FAMILY_IPV4;
		return OPTIONS_RUN;
	case '6':
		opts->families |= RSIP_FAMILY_IPV6;
		return OPTIONS_RUN;
	case 'h':
		usage(stdout);
		return OPTIONS_DONE;
	case OPT_VERSION:
		printf(PROGRAM " (libresolvsip) %s\n", PACKAGE_VERSION);
		return OPTIONS_DONE;
	default:
		return usage_error("internal error: option %d not handled", opt);
	}
}

/* The message for getopt's '?' (unknown option, or an argument given to an
 * option that takes none) or ':' (missing argument). */
static enum options_outcome getopt_error(int opt, char **argv)
{
	/* For a long option, optind has moved past the offending argument. */
	const char *word = optind > 0 ? argv[optind - 1] : "";
	const char *name = long_name(optopt);
	int is_long = strncmp(word, "--", 2) == 0;

	if (opt == ':') {
		if (name != NULL && (optopt >= 256 || is_long))
			return usage_error("option '--%s' requires an argument", name);
		return usage_error("option '-%c' requires an argument", optopt);
	}
	if (name != NULL && (optopt >= 256 || is_long))
		return usage_error("option '--%s' takes no argument", name);
	if (optopt != 0)
		return usage_error("unknown option '-%c'", optopt);
	return usage_error("unknown or ambiguous option '%s'", word);
}

enum options_outcome options_parse(struct sipresolve_options *opts, int argc,
				   char **argv)
{
	enum options_outcome out = OPTIONS_RUN;
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->concurrency = OPTIONS_CONCURRENCY_DEFAULT;
	opts->dnssec_policy = -1;
	opts->failure_policy = -1;
	/* At most argc inputs and argc route entries (plus the outbound
	 * proxy): arrays sized once. */
	opts->inputs = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*opts->inputs));
	opts->route = calloc((size_t)(argc > 0 ? argc : 1) + 1, sizeof(*opts->route));
	if (opts->inputs == NULL || opts->route == NULL) {
		fputs(PROGRAM ": out of memory\n", stderr);
		return OPTIONS_NOMEM;
	}

	opterr = 0;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL))
	       != -1) {
		if (opt == '?' || opt == ':')
			out = getopt_error(opt, argv);
		else
			out = handle_option(opts, opt, optarg);
		if (out != OPTIONS_RUN)
			goto done;
	}
	/* After "--": every remaining argument is a URI, even one starting
	 * with '-' or '@'. */
	for (; optind < argc; optind++)
		add_input(opts, argv[optind], 0);

	if (opts->input_count == 0 && opts->batch == NULL)
		out = usage_error("no URI given (and no --batch)");
	/* RFC 3261 §8.1.2: an outbound proxy is the first entry of the
	 * route set; slot 0 was kept free for it. */
	if (opts->outbound_proxy != NULL) {
		opts->route[0] = opts->outbound_proxy;
		opts->route_count++;
	} else if (opts->route_count > 0) {
		memmove(opts->route, opts->route + 1,
			opts->route_count * sizeof(*opts->route));
	}

done:
	if (out == OPTIONS_NOMEM)
		fputs(PROGRAM ": out of memory\n", stderr);
	return out;
}

/* --failed TARGET: "tls:192.0.2.1:5061", "tls:[2001:db8::1]:5061", or the
 * --short line "tls 2001:db8::1 5061".  The address is given back in
 * inet_ntop() form, the form the library writes, since the failed-target
 * memory matches addresses as text (rsip_ctx_mark_failed()). */
int options_parse_target(const char *text, rsip_target *target, const char **why)
{
	char name[16], address[64];
	const char *p = text, *end;
	unsigned char binary[16];
	unsigned mask = 0;
	uint64_t port = 0;
	size_t len;
	int space;

	memset(target, 0, sizeof(*target));
	/* The transport name, up to ':' or ' '. */
	for (end = p; *end != '\0' && *end != ':' && *end != ' '; end++)
		;
	len = (size_t)(end - p);
	space = *end == ' ';
	if (*end == '\0' || len == 0 || len >= sizeof(name)) {
		*why = "not TRANSPORT:ADDRESS:PORT";
		return -1;
	}
	memcpy(name, p, len);
	name[len] = '\0';
	if (rsip_transports_parse(name, &mask) != RSIP_OK || mask == 0 ||
	    (mask & (mask - 1)) != 0) {
		*why = "unknown transport (udp, tcp, tls, sctp, tls-sctp, ws, wss)";
		return -1;
	}
	target->transport = (rsip_transport)mask;
	p = end + 1;
	while (space && *p == ' ')
		p++;

	/* The address: "[v6]", or up to the last ':' (or the next ' '). */
	if (*p == '[') {
		end = strchr(++p, ']');
		if (end == NULL) {
			*why = "no ']' after the IPv6 address";
			return -1;
		}
		len = (size_t)(end - p);
		end++;
	} else {
		end = space ? strchr(p, ' ') : strrchr(p, ':');
		if (end == NULL) {
			*why = "no port after the address";
			return -1;
		}
		len = (size_t)(end - p);
	}
	if (len == 0 || len >= sizeof(address)) {
		*why = "no address";
		return -1;
	}
	memcpy(address, p, len);
	address[len] = '\0';
	if ((space ? *end != ' ' : *end != ':')) {
		*why = "no port after the address";
		return -1;
	}
	p = end + 1;
	while (space && *p == ' ')
		p++;
	if (parse_unsigned(p, 65535, &port) != 0 || port == 0) {
		*why = "the port is not a number in 1..65535";
		return -1;
	}
	target->port = (uint16_t)port;

	if (inet_pton(AF_INET, address, binary) == 1) {
		target->family = RSIP_FAMILY_IPV4;
		inet_ntop(AF_INET, binary, target->address, sizeof(target->address));
	} else if (inet_pton(AF_INET6, address, binary) == 1) {
		if (!space && text[strlen(name) + 1] != '[') {
			*why = "an IPv6 address must be in brackets: [ADDRESS]:PORT";
			return -1;
		}
		target->family = RSIP_FAMILY_IPV6;
		inet_ntop(AF_INET6, binary, target->address, sizeof(target->address));
	} else {
		*why = "the address is not an IPv4 or IPv6 address";
		return -1;
	}
	return 0;
}

void options_free(struct sipresolve_options *opts)
{
	free(opts->inputs);
	free((void *)opts->route);
	free(opts->failed.items);
	free(opts->servers.items);
	free(opts->trust_anchors.items);
	free(opts->suffixes.items);
	free(opts->enumservices.items);
	memset(opts, 0, sizeof(*opts));
}
