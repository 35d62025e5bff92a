/* internal.h - private declarations shared by the rooms of libresolvsip.
 * Each section names the file that implements it. */
#ifndef RSIP_INTERNAL_H
#define RSIP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "resolvsip.h"
#include "namespace.h"

#define RSIP_ERRLEN 256 /* size of the error buffers passed to parsers */

/* ------------------------------------------------------------------ */
/* util.c: small helpers, locale-independent (no <ctype.h> in protocol code) */

static inline bool rsip_is_digit(int c) { return c >= '0' && c <= '9'; }
static inline bool rsip_is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static inline bool rsip_is_hex(int c)
{
	return rsip_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int rsip_lower(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
/* ASCII case-insensitive comparisons. */
int rsip_strcasecmp(const char *a, const char *b);
int rsip_strncasecmp(const char *a, const char *b, size_t n);
/* malloc'd copy (NULL in, NULL out); rsip_strndup copies n bytes and ends it. */
char *rsip_strdup(const char *s);
char *rsip_strndup(const char *s, size_t n);
/* Lower-case a string in place (ASCII). */
void rsip_strlower(char *s);
/* True when name is at or below zone (both absolute, lower case). */
bool rsip_name_under(const char *name, const char *zone);
/* snprintf into err (size errlen) when err is not NULL. */
void rsip_seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A character as an error message shows it: 'x', "a space" or "byte 0x07". */
void rsip_describe_char(int c, char *buf, size_t len);

/* A growable array of pointers (strings or structs). */
struct rsip_vec {
	void **items;
	size_t n, cap;
};
int rsip_vec_push(struct rsip_vec *v, void *item); /* 0, or -1 on ENOMEM */
/* Free the array; when free_item is not NULL, call it on each item first. */
void rsip_vec_clear(struct rsip_vec *v, void (*free_item)(void *));

/* ------------------------------------------------------------------ */
/* status.c: names of codes */

/* The transport named by the first len bytes of name (any case), or 0. */
rsip_transport rsip_transport_from_name(const char *name, size_t len);
/* Parse "udp,tcp,tls" into the order of preference (duplicates once) and a
 * mask.  RSIP_E_BAD_INPUT with err naming the bad word. */
rsip_status rsip_transport_list_parse(const char *list, rsip_transport *order,
				      size_t max, size_t *count, unsigned *mask,
				      char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* teluri.c: RFC 3966 tel: URIs, E.164 (RFC 6116 §3.1) */

struct tel_param {
	char *name;  /* lower case */
	char *value; /* percent-decoded; NULL for a parameter without '=' */
};

struct tel_uri {
	bool global;        /* "+" digits; else a local number */
	char *number;       /* global: "+" and digits, separators removed;
			       local: digits, HEX, '*', '#' (hex lower-cased) */
	char *ext;          /* ;ext= (separators removed), or NULL */
	char *isub;         /* ;isub= (decoded), or NULL */
	char *phone_context;/* ;phone-context= (a domain lower-cased without a
			       trailing dot, or "+" digits), or NULL */
	char *rn, *rn_context, *cic; /* RFC 4694, or NULL */
	bool npdi;          /* RFC 4694 ;npdi */
	bool enumdi;        /* RFC 4759 ;enumdi */
	struct tel_param *params; /* every other parameter, in input order */
	size_t nparams;
};

/* Parse a "tel:" URI (scheme case-insensitive) or a bare "+digits" number with
 * optional visual separators (RFC 3966 §3, §5.1.1).  On error returns
 * RSIP_E_BAD_INPUT with a sentence in err naming what is wrong. */
rsip_status tel_parse(const char *in, struct tel_uri *out, char *err,
		      size_t errlen);
void tel_uri_clear(struct tel_uri *t);

/* RFC 3966 §4: URI comparison (both global or both local, digits and
 * phone-context compared without separators, parameters in any order, a
 * parameter present in only one -> unequal, case-insensitive). */
bool tel_equal(const struct tel_uri *a, const struct tel_uri *b);

/* The URI in RFC 3966 §3's emitting order: "tel:", the number without
 * separators, isub or ext, phone-context, then every other parameter sorted
 * by name; names lower-case, values percent-encoded where they hold more than
 * paramchar.  tel_parse() of the result gives an equal URI (RFC 3966 §4).
 * malloc'd; NULL when out of memory or t holds no number. */
char *tel_format(const struct tel_uri *t);

/* The ENUM AUS of a tel: URI: "+" and digits (RFC 6116 §3.1).  A local number
 * is refused (RFC 6116 §3.7) with an error naming its phone-context.
 * aus must have room for 64 bytes. */
rsip_status tel_to_aus(const struct tel_uri *t, char *aus, size_t auslen,
		       char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* sipuri.c: RFC 3261 §19.1 sip:/sips: URIs, the parts resolution needs */

enum sip_host_type { SIP_HOST_NAME, SIP_HOST_IPV4, SIP_HOST_IPV6 };

struct sip_uri {
	bool sips;             /* sips: scheme */
	char *user;            /* userinfo before '@' (no password), or NULL */
	char *host;            /* name lower-cased without trailing dot; IPv4
				  text; IPv6 text without brackets */
	enum sip_host_type host_type;
	int port;              /* -1 when absent */
	char *transport;       /* ;transport= lower-cased, or NULL */
	char *maddr;           /* ;maddr= as host above, or NULL */
	enum sip_host_type maddr_type;
	char *user_param;      /* ;user= lower-cased, or NULL */
	bool lr;               /* ;lr present: a loose router (RFC 3261 §16.12) */
};

/* Parse a sip: or sips: URI (scheme case-insensitive).  RSIP_E_BAD_INPUT with
 * a sentence in err on error (RFC 3261 §19.1: a repeated parameter, a bad
 * host or port; sips with transport=udp). */
rsip_status sip_uri_parse(const char *in, struct sip_uri *out, char *err,
			  size_t errlen);
void sip_uri_clear(struct sip_uri *u);

/* ------------------------------------------------------------------ */
/* via.c: RFC 3261 §20.42 Via header, for RFC 3263 §5 responses */

/* The URI that RFC 3263 §5 locates for a response, from the topmost Via
 * header value: "sip:SENT-BY-HOST[:PORT];transport=T" (*uri malloc'd).
 * RSIP_E_BAD_INPUT with a sentence in err when the Via is malformed. */
rsip_status via_response_uri(const char *via, char **uri, char *err, size_t errlen);

/* The URI inside a Route/Record-Route value: "<sip:...;lr>" or a bare URI,
 * without display name and angle brackets (*uri malloc'd). */
rsip_status route_uri(const char *value, char **uri, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* transport.c: the one table of SIP transports */

struct transport_info {
	rsip_transport tp;
	const char *name;           /* "udp": the URI parameter, --transports */
	const char *naptr_service;  /* "SIP+D2U" (RFC 3263 §4.1) */
	const char *srv_label;      /* "_sip._udp" (RFC 3263 §4.1) */
	uint16_t default_port;      /* RFC 3261 §19.1.2, RFC 7118 §5.5 */
	bool secure;                /* TLS: what a sips URI may use */
	rsip_transport in_sips;     /* the transport a sips URI's parameter means
				       (transport=tcp in sips: is TLS); 0: none */
};
const struct transport_info *transport_info(rsip_transport tp);
/* By name, compared without case; NULL for none. */
const struct transport_info *transport_by_name(const char *name, size_t len);
/* By NAPTR service (RFC 3263 §4.1); NULL for a service RFC 3263 does not use
 * (SIPS+D2U does not exist: TLS runs over no datagram transport). */
const struct transport_info *transport_by_naptr_service(const char *service);

/* ------------------------------------------------------------------ */
/* input.c: what a person types, made into what the parsers take */

/* The input of rsip_resolve() as the parsers want it (*out malloc'd): blanks
 * around it dropped, "<URI>" or a name-addr (RFC 3261 §25.1) gives the URI,
 * and a bare +number loses the spaces between its digits.  RSIP_E_BAD_INPUT
 * with a sentence in err for a '<' without '>' or text after '>'. */
rsip_status input_normalise(const char *in, char **out, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* ddds.c: RFC 3401-3403 rules; knows no ENUM and asks no DNS question */

/* One NAPTR record as the DDDS algorithm sees it (RFC 3403 §4). */
struct ddds_rule {
	char *owner;       /* key it was found at, absolute with trailing dot */
	uint16_t order;
	uint16_t preference;
	char *flags;       /* as in the record (may be "") */
	char *services;
	char *regexp;      /* substitution expression (may be "") */
	char *replacement; /* absolute name with trailing dot; "." = none */
	size_t dns_index;  /* position in the DNS answer, for stable ties */
	size_t answer_index; /* its line among the step's answers (dnsmsg.c) */
	char *defect;      /* why the record could not be read faithfully (a
			      NUL octet in a field...), or NULL */
};
void ddds_rule_clear(struct ddds_rule *r);

/* Sort rules by ORDER then PREFERENCE, ties in DNS order (RFC 3403 §4.1,
 * RFC 6116 §5.2). */
void ddds_sort(struct ddds_rule *rules, size_t n);

/* A compiled substitution expression (RFC 3402 §3.2). */
struct ddds_subst;

/* Parse and compile "delim ere delim repl delim [i]".  RSIP_E_BAD_INPUT with
 * the reason in err when the expression is malformed or uses what POSIX ERE
 * lacks (RFC 3402 §3.2; doc/DESIGN.md §2). */
rsip_status ddds_subst_compile(const char *expr, struct ddds_subst **out,
			       char *err, size_t errlen);
/* Apply to the AUS (RFC 3402 §3: always the original AUS).
 * RSIP_OK: *out (malloc'd) holds the result; RSIP_E_NOT_FOUND: no match;
 * RSIP_E_LIMIT: a limit of struct ddds_limits was reached (pcre2 match,
 * depth or heap limit; output too long); RSIP_E_BAD_INPUT: the rule is
 * unusable (invalid UTF-8 in the AUS...); the reason in err. */
rsip_status ddds_subst_apply(const struct ddds_subst *s, const char *aus,
			     char **out, char *err, size_t errlen);
/* Drop a reference to a compiled expression (the last one frees it). */
void ddds_subst_free(struct ddds_subst *s);

/* The same as ddds_subst_compile(), through a bounded, thread-safe cache
 * shared by the whole process and keyed by the expression string: a repeated
 * expression is compiled once, and a refused one is refused again with the
 * same reason without compiling.  *out is a reference
 * to release with ddds_subst_free(). */
rsip_status ddds_subst_get(const char *expr, struct ddds_subst **out, char *err,
			   size_t errlen);
struct ddds_cache_stats {
	uint64_t hits, misses, evictions;
	size_t entries, capacity;  /* expressions kept, and at most */
	size_t bytes, bytes_max;   /* memory they hold, and at most */
};
void ddds_cache_stats(struct ddds_cache_stats *stats);
/* Empty the cache and zero its counters (for tests). */
void ddds_cache_clear(void);
/* The cost bounds of applying a substitution expression: pcre2_match()'s
 * match, depth and heap (KiB) limits, and the longest result in octets. */
struct ddds_limits {
	uint32_t match, depth, heap;
	size_t output;
};
/* The defaults (match 100000, depth 10000, heap 4096 KiB, output 2048). */
void ddds_limits_default(struct ddds_limits *lim);
/* ddds_subst_apply() under other limits than the defaults (NULL: the
 * defaults); the compiled expression is not changed (it may be shared). */
rsip_status ddds_subst_apply_limited(const struct ddds_subst *s, const char *aus,
				     const struct ddds_limits *lim, char **out, char *err,
				     size_t errlen);

/* RFC 3403 §4.1: flags are [A-Za-z0-9]*.  Returns true when syntactically
 * valid. */
bool ddds_flags_valid(const char *flags);
/* RFC 3403 §4.1: regexp and replacement are mutually exclusive; true when the
 * record sets exactly one of them (an empty regexp and "." count as unset). */
bool ddds_rule_has_one_rewrite(const struct ddds_rule *r);

/* RFC 1035 §2.3.4, §3.1: a legal domain name for a key (presentation form,
 * trailing dot optional; "." and "" are not keys). */
bool ddds_key_valid(const char *name);
/* RFC 3402 §3.3, RFC 3403 §4.1: a rule with flags is terminal; empty flags
 * make it non-terminal (its result is the next key) in every application. */
bool ddds_rule_terminal(const struct ddds_rule *r);
/* Validation before ordering (RFC 3403 §4.1): the record is readable, its
 * flags are letters and digits, each among terminal_flags (the flags the
 * application defines, case-insensitive; NULL accepts any), exactly one of
 * regexp and replacement is set, the replacement is a domain name, the
 * regexp compiles (through the cache: *subst is then a reference to release
 * with ddds_subst_free(), NULL for a replacement rule).  RSIP_E_BAD_INPUT
 * with the reason in err when the record must be dropped. */
rsip_status ddds_rule_check(const struct ddds_rule *r, const char *terminal_flags,
			    struct ddds_subst **subst, char *err, size_t errlen);
/* Apply a checked rule to the AUS (RFC 3402 §3.3 step 3): the regexp's
 * result, or the replacement; for a non-terminal rule the result must be a
 * legal key.  lim: the regexp cost and output limits (NULL: the defaults).
 * RSIP_OK with *out (malloc'd); RSIP_E_NOT_FOUND no match or an empty result,
 * told apart by *empty (may be NULL): true when the rule matched and its
 * result is empty (RFC 3402 §3.3: "until non-empty result are obtained"),
 * the reason in err; RSIP_E_LIMIT a limit was reached; RSIP_E_BAD_INPUT
 * unusable (reason in err); RSIP_E_NOMEM. */
rsip_status ddds_rule_apply(const struct ddds_rule *r, const struct ddds_subst *subst,
			    const char *aus, const struct ddds_limits *lim, char **out,
			    bool *empty, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* enum.c: RFC 6116 on top of ddds.c (keys, enumservices) */

/* The ENUM domain of an AUS under a suffix (RFC 6116 §3.2):
 * "+4942..." + "e164.arpa" -> "8.2.....4.e164.arpa.".  RSIP_E_BAD_INPUT when
 * the AUS is not "+" and digits. */
rsip_status enum_domain(const char *aus, const char *suffix, char *out,
			size_t outlen);

enum enum_service_kind {
	ENUM_SERVICE_INVALID,  /* not the RFC 6116 §3.4.3 syntax */
	ENUM_SERVICE_NOT_E2U,  /* a valid services field, but not E2U */
	ENUM_SERVICE_SIP,      /* E2U naming an enumservice the client uses (any case),
				  or the legacy "sip+E2U" when it uses E2U+sip */
	ENUM_SERVICE_OTHER     /* E2U, but no enumservice the client uses */
};

/* RFC 6116 §3.4.3: type and subtype are 1*32(ALPHA / DIGIT / "-"). */
#define ENUM_PART_MAX 32

/* One enumservice a client uses: a type and at most one subtype ("" when
 * none: then any subtypes of that type). */
struct enum_service_name {
	char type[ENUM_PART_MAX + 1];
	char subtype[ENUM_PART_MAX + 1];
};

/* The enumservices a client uses (RFC 3402 §3.3 step 4: "the client's
 * requirements"), each one whose URI is a SIP URI.  Immutable once made;
 * shared by the context and the resolutions that started under it, counted
 * under the context lock.  NULL stands for the default, E2U+sip and
 * E2U+voice:sip. */
struct enum_services {
	unsigned refs;
	size_t n;
	struct enum_service_name item[];
};

/* Read a caller's list ("E2U+sip", "E2U+pstn:sip", any case): one
 * enumservice per item, of type sip or with the subtype sip.  *out has one
 * reference; n 0 gives NULL (the default).  RSIP_E_CONFIG with err naming the
 * bad item; RSIP_E_NOMEM. */
rsip_status enum_services_new(const char *const *list, size_t n, struct enum_services **out,
			      char *err, size_t errlen);
/* Another reference (NULL stays NULL); drop one, freeing on the last. */
struct enum_services *enum_services_hold(struct enum_services *s);
void enum_services_release(struct enum_services *s);
/* "E2U+sip, E2U+voice:sip": the list for messages, cut to len; buf. */
const char *enum_services_text(const struct enum_services *use, char *buf, size_t len);

/* Classify a NAPTR services field for ENUM (RFC 6116 §3.4.3, RFC 3764 §4,
 * RFC 3824 §7: the old "sip+E2U" is accepted) against the enumservices the
 * client uses (NULL: the default). */
enum enum_service_kind enum_service_classify(const char *services,
					     const struct enum_services *use);

/* Validation of one ENUM record before ordering (RFC 6116 §3.4.2, §3.4.3,
 * §5.2, §5.2.1; RFC 3403 §4.1 through ddds_rule_check()): flags "u" or none;
 * a terminal record has E2U services and a regexp; a non-terminal one a
 * replacement (its regexp and services are ignored).  *kind is the service
 * kind against use (NULL: the default; ENUM_SERVICE_NOT_E2U for a
 * non-terminal record); *subst as in ddds_rule_check().  RSIP_E_BAD_INPUT
 * with the reason in err: drop it. */
rsip_status enum_rule_check(const struct ddds_rule *r, const struct enum_services *use,
			    enum enum_service_kind *kind, struct ddds_subst **subst, char *err,
			    size_t errlen);
/* The result of a terminal ENUM rule: an absolute URI (RFC 6116 §3.3); for
 * a SIP enumservice a sip:/sips: URI that parses (RFC 3764 §4).
 * RSIP_E_BAD_INPUT with the reason in err otherwise. */
rsip_status enum_result_check(enum enum_service_kind kind, const char *uri, char *err,
			      size_t errlen);

/* ------------------------------------------------------------------ */
/* srv.c: RFC 2782 ordering */

/* A small, fast, seedable generator (xoshiro256**, seeded by splitmix64). */
struct rsip_rng {
	uint64_t s[4];
};
void rsip_rng_seed(struct rsip_rng *rng, uint64_t seed);
uint64_t rsip_rng_next(struct rsip_rng *rng);
/* Uniform in [0, bound) without modulo bias; bound > 0. */
uint64_t rsip_rng_below(struct rsip_rng *rng, uint64_t bound);

struct srv_rec {
	uint16_t priority, weight, port;
	char *target;      /* absolute with trailing dot; "." = not offered */
	size_t dns_index;
	size_t answer_index; /* its line among the step's answers (dnsmsg.c) */
};

/* A uniform draw in [lo, hi] (inclusive).  Injectable for tests. */
typedef uint64_t (*srv_draw_fn)(void *arg, uint64_t lo, uint64_t hi);
/* The draw backed by a struct rsip_rng (arg). */
uint64_t srv_draw_rng(void *arg, uint64_t lo, uint64_t hi);

/* Order SRV records in place: strict priority ascending, then within a
 * priority RFC 2782 weighted random selection with its known bias removed
 * (doc/DESIGN.md §3).  A "." target, alone, stays as the only record; among
 * others it is dropped (RFC 2782): returns the new count. */
size_t srv_order(struct srv_rec *recs, size_t n, srv_draw_fn draw, void *arg);
/* Deterministic order for stateless proxies (RFC 3263 §4.4): priority, then
 * weight descending, then target, then port. */
size_t srv_order_deterministic(struct srv_rec *recs, size_t n);
void srv_rec_clear(struct srv_rec *r);

#endif /* RSIP_INTERNAL_H */
