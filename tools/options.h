/* options.h - sipresolve's command line, parsed into a struct (sipresolve(1), OPTIONS). */
#ifndef SIPRESOLVE_OPTIONS_H
#define SIPRESOLVE_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "resolvsip.h"

/* Exit statuses (a contract: sipresolve(1), EXIT STATUS): with several URIs
 * the highest wins. */
enum {
	EXIT_RESOLVED = 0,    /* every URI resolved to at least one target */
	EXIT_NO_TARGET = 1,   /* some URI resolved to no target */
	EXIT_USAGE = 2,       /* usage error or malformed input */
	EXIT_DNS_FAILURE = 3, /* a DNS failure (or another failure) prevented an answer */
	EXIT_INTERRUPTED = 130 /* a batch stopped by SIGINT (128 + 2, as shells say) */
};

/* An option argument together with how the user spelt the option, so that an
 * error can name it: {"--server", "192.0.2.1"} or {"@192.0.2.1", "192.0.2.1"}. */
struct option_arg {
	const char *spelling;
	const char *value;
};

/* A growable list of option arguments, in command-line order. */
struct option_list {
	struct option_arg *items;
	size_t count, cap;
};

/* One input from the command line, in command-line order: a URI (or +E.164
 * number), or with --response the topmost Via header value of a response. */
struct input_arg {
	const char *text;
	int response;                /* non-zero: --response VIA (RFC 3263 §5) */
	size_t line;                 /* its line in the --batch input; 0: an argument */
};

/* --color=WHEN: colour the text output. */
enum colour_mode {
	COLOUR_AUTO = 0,   /* on a terminal that can show it, unless NO_COLOR */
	COLOUR_ALWAYS,
	COLOUR_NEVER
};

/* What is written for each result. */
enum output_mode {
	OUTPUT_TEXT = 0,   /* the whole chain, for a person */
	OUTPUT_JSON,       /* --json: JSON Lines (sipresolve(1), JSON OUTPUT) */
	OUTPUT_SHORT,      /* --short: the targets only, one per line */
	OUTPUT_QUIET       /* --quiet: nothing; only the exit status */
};

struct sipresolve_options {
	/* DNS mode: at most one of zones, servers, resolv_conf, recursive. */
	const char *zones;
	struct option_list servers;
	const char *resolv_conf;
	int recursive;
	const char *mode_spelling;   /* the first mode option given, for errors */
	const char *hosts;           /* --hosts FILE ("": none), or NULL */

	struct option_list trust_anchors;
	int dnssec_policy;           /* rsip_dnssec_policy, or -1 when not given */
	int failure_policy;          /* rsip_failure_policy, or -1 when not given */
	const char *transports;      /* comma list in order of preference, or NULL */
	struct option_list suffixes;
	struct option_list enumservices; /* --enumservice LIST, each a comma list */
	int have_seed;
	uint64_t seed;
	unsigned families;           /* RSIP_FAMILY_* mask; 0 = library default */
	int deterministic;           /* --deterministic: RFC 3263 §4.4 SRV order */
	int prefer_ipv4;             /* --prefer-ipv4: IPv4 first within a target */
	struct option_list failed;   /* --failed TARGET, each checked by
					options_parse_target() */

	/* Route set (RFC 3261 §8.1.2): --outbound-proxy first, then each
	 * --route in order.  route[] points into argv; route_count 0: none. */
	const char **route;
	size_t route_count;
	const char *outbound_proxy;

	enum output_mode output;
	const char *output_spelling; /* the option that chose the output mode */
	enum colour_mode colour;     /* --color */

	/* Bounds per resolution; 0 = the library's default. */
	unsigned long timeout_ms;    /* --timeout, in milliseconds */
	unsigned long question_timeout_ms; /* --question-timeout, in milliseconds */
	unsigned long max_questions; /* --max-questions */
	unsigned long max_addresses; /* --max-addresses: per host and family */
	unsigned long max_targets;   /* --max-targets: per result */
	uint64_t cache_bytes;        /* --cache-bytes, when have_cache_bytes */
	int have_cache_bytes;

	const char *batch;           /* file name, "-" = standard input, or NULL */
	unsigned long concurrency;   /* 1..OPTIONS_CONCURRENCY_MAX */

	struct input_arg *inputs;    /* URI and --response arguments, in order */
	size_t input_count;
};

#define OPTIONS_CONCURRENCY_DEFAULT 100ul
#define OPTIONS_CONCURRENCY_MAX 100000ul

/* What options_parse() tells the caller to do. */
enum options_outcome {
	OPTIONS_RUN = 0,   /* go on and resolve */
	OPTIONS_DONE,      /* --help or --version was printed: exit 0 */
	OPTIONS_USAGE,     /* an error was printed to stderr: exit 2 */
	OPTIONS_NOMEM      /* out of memory (printed): exit 3 */
};

/* Parse argv into opts (which must be options_free()'d afterwards, whatever
 * the outcome).  Messages go to stderr, --help and --version to stdout. */
enum options_outcome options_parse(struct sipresolve_options *opts, int argc,
				   char **argv);

/* Free what options_parse() allocated (not the strings: they are argv's). */
void options_free(struct sipresolve_options *opts);

/* Parse a --failed TARGET, "TRANSPORT:ADDRESS:PORT" (an IPv6 address in
 * brackets) or a line of --short output, "TRANSPORT ADDRESS PORT", into
 * target (transport, family, address in the library's textual form, port).
 * 0, or -1 with a reason for a person in why. */
int options_parse_target(const char *text, rsip_target *target, const char **why);

#endif /* SIPRESOLVE_OPTIONS_H */
