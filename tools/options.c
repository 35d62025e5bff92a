/* options.c - sipresolve's option parsing: getopt_long plus dig-style @SERVER. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

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
	OPT_VERSION
};

static const struct option long_options[] = {
	{"zones", required_argument, NULL, OPT_ZONES},
	{"server", required_argument, NULL, OPT_SERVER},
	{"resolv-conf", required_argument, NULL, OPT_RESOLV_CONF},
	{"trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR},
	{"transports", required_argument, NULL, OPT_TRANSPORTS},
	{"suffix", required_argument, NULL, OPT_SUFFIX},
	{"seed", required_argument, NULL, OPT_SEED},
	{"dnssec", required_argument, NULL, OPT_DNSSEC},
	{"recursive", no_argument, NULL, OPT_RECURSIVE},
	{"json", no_argument, NULL, OPT_JSON},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"concurrency", required_argument, NULL, OPT_CONCURRENCY},
	{"timeout", required_argument, NULL, OPT_TIMEOUT},
	{"max-questions", required_argument, NULL, OPT_MAX_QUESTIONS},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, OPT_VERSION},
	{NULL, 0, NULL, 0}
};

/* "-": return each non-option argument in place (as option 1), so that
 * "@SERVER" keeps its order among --server options; ":": report a missing
 * argument as ':' and print nothing ourselves. */
static const char short_options[] = "-:46h";

static void usage(FILE *out)
{
	fputs("Usage: " PROGRAM " [options] URI...\n"
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
	      "  --trust-anchor FILE    DS/DNSKEY records (zone-file syntax) to validate\n"
	      "                         with (repeatable)\n"
	      "  --dnssec POLICY        validate (default: bogus answers are refused);\n"
	      "                         require and off are not supported yet\n"
	      "  --transports LIST      supported transports in order of preference, a\n"
	      "                         comma list of udp,tcp,tls,sctp,tls-sctp,ws,wss\n"
	      "                         (default udp,tcp,tls)\n"
	      "  --suffix DOMAIN        ENUM suffix, repeatable, in order\n"
	      "                         (default e164.arpa)\n"
	      "  --seed N               fixed seed (0..18446744073709551615) for the SRV\n"
	      "                         weighted choice, for reproducible output\n"
	      "  -4, -6                 only IPv4 / only IPv6 addresses (both: both)\n"
	      "  --timeout SECONDS      give up on a URI after this long, with status\n"
	      "                         timeout (0.001..3600, decimals allowed; default 10)\n"
	      "  --max-questions N      DNS questions one URI may take (1..100000,\n"
	      "                         default 128); more: status limit\n"
	      "\n"
	      "Output and input:\n"
	      "  --json                 one JSON object per URI, one per line (JSON Lines)\n"
	      "  --batch FILE           URIs one per line from FILE ('-' = standard input;\n"
	      "                         blank lines and lines starting with '#' are\n"
	      "                         skipped), resolved concurrently, results written\n"
	      "                         in input order; URI arguments come first\n"
	      "  --concurrency N        resolutions in flight at once in batch mode\n"
	      "                         (1..100000, default 100)\n"
	      "  -h, --help             show this help and exit\n"
	      "  --version              show the version and exit\n"
	      "\n"
	      "Text output is coloured when it goes to a terminal, unless NO_COLOR is set.\n"
	      "\n"
	      "Exit status (with several URIs, the highest that applies):\n"
	      "  0  every URI resolved to at least one target\n"
	      "  1  some URI resolved to no target (not-found, no-transport, loop)\n"
	      "  2  usage error, or malformed input (bad-input)\n"
	      "  3  a DNS failure (dns-failure, dnssec-bogus, timeout), or another\n"
	      "     failure (out of memory, unreadable batch input), prevented an answer\n",
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
		opts->uris[opts->uri_count++] = arg;
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
			return OPTIONS_RUN;
		if (strcmp(arg, "require") == 0 || strcmp(arg, "off") == 0) {
			/* TODO: a DNSSEC policy setter in the library. */
			fprintf(stderr, PROGRAM ": --dnssec %s is not supported yet\n",
				arg);
			return OPTIONS_USAGE;
		}
		return usage_error("--dnssec: '%s' is not one of validate, require, off",
				   arg);
	case OPT_JSON:
		opts->json = 1;
		return OPTIONS_RUN;
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
	case OPT_MAX_QUESTIONS:
		rc = parse_unsigned(arg, UINT64_MAX, &number);
		if (rc == -1)
			return usage_error("--max-questions: '%s' is not a number", arg);
		if (rc == -2 || number < 1 || number > 100000)
			return usage_error("--max-questions: '%s' is out of range "
					   "(1..100000)", arg);
		opts->max_questions = (unsigned long)number;
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
	/* At most argc URIs: one array, sized once. */
	opts->uris = calloc((size_t)(argc > 0 ? argc : 1), sizeof(*opts->uris));
	if (opts->uris == NULL) {
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
		opts->uris[opts->uri_count++] = argv[optind];

	if (opts->uri_count == 0 && opts->batch == NULL)
		out = usage_error("no URI given (and no --batch)");

done:
	if (out == OPTIONS_NOMEM)
		fputs(PROGRAM ": out of memory\n", stderr);
	return out;
}

void options_free(struct sipresolve_options *opts)
{
	free(opts->uris);
	free(opts->servers.items);
	free(opts->trust_anchors.items);
	free(opts->suffixes.items);
	memset(opts, 0, sizeof(*opts));
}
