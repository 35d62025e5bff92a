/* engine.h - private structures of the resolution engine: the context, the
 * query engine over libunbound, resolutions as state machines, and results. */
#ifndef RSIP_ENGINE_H
#define RSIP_ENGINE_H

#include <pthread.h>
#include <time.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <ldns/ldns.h>
#include <unbound.h>

#include "internal.h"

/* Bounds that every resolution respects, so that a resolution always ends
 * (sipresolve(1), LIMITS).  Per context, set with rsip_ctx_set_limit()
 * (defaults in ctx.c); each resolution takes a copy when it starts. */
struct rsip_limits {
	unsigned max_questions;   /* DNS questions per resolution */
	unsigned max_srv_targets; /* SRV targets whose addresses are asked */
	unsigned max_enum_uris;   /* SIP URIs from ENUM that are located in turn */
	unsigned naptr_hops;      /* ENUM non-terminal hops (RFC 6116 §5.2.1) */
	unsigned deadline_ms;     /* wall-clock time per resolution */
	unsigned question_ms;     /* wall-clock time per question; 0: the deadline */
	unsigned max_addresses;   /* addresses used per host and family */
	unsigned max_targets;     /* targets per result */
	struct ddds_limits ddds;  /* regexp cost and rewrite output length */
};
/* The most non-terminal hops a context may allow (the walk's stack size). */
#define RSIP_NAPTR_HOPS_MAX 16

/* The DNS behind query_ask(): libunbound, or another source with the same
 * asynchronous contract (the in-process fuzzing and test harness): resolve
 * never calls back from within itself; answers come later through cb with a
 * struct ub_result that ub_resolve_free() can free. */
struct query_backend {
	int (*resolve)(void *arg, const char *name, int rrtype, int rrclass,
		       void *mydata, ub_callback_type cb, int *async_id);
	int (*cancel)(void *arg, int async_id);
	void *arg;
};

enum dns_mode {
	DNS_MODE_RESOLVCONF = 0, /* the default */
	DNS_MODE_ZONES,
	DNS_MODE_SERVERS,
	DNS_MODE_RECURSIVE
};

/* Which hosts file the context reads (rsip_ctx_set_hosts_file()). */
enum hosts_choice {
	HOSTS_DEFAULT = 0, /* the system's in resolv.conf mode, else none */
	HOSTS_SYSTEM,      /* /etc/hosts; none when it is missing */
	HOSTS_NONE,
	HOSTS_FILE         /* ctx->hosts_file, which must be readable */
};
#define HOSTS_SYSTEM_FILE "/etc/hosts"

#define RSIP_MAX_TRANSPORTS 7
/* The answer cache's byte budget unless set (rsip_ctx_set_cache_bytes()). */
#define RSIP_CACHE_BYTES_DEFAULT ((size_t)8 << 20)
#define RSIP_FAILED_MAX 256 /* targets remembered as failed, per context */

/* A target marked failed, remembered until a monotonic time (RFC 3263 §4.3). */
struct failed_target {
	rsip_transport transport;
	char address[46];
	uint16_t port;
	double marked;  /* monotonic seconds; remembered for failure_memory */
};

/* What a resolution follows, copied from the context when it starts
 * (ctx_policy()), as the limits are: the phases read these rather than the
 * context, so that a resolution keeps one policy from its first question to
 * its result. */
struct rsip_policy {
	rsip_transport tp_order[RSIP_MAX_TRANSPORTS]; /* preference (RFC 3263 §4.1) */
	size_t tp_count;
	unsigned transports;               /* supported: RSIP_TRANSPORT_* bits */
	unsigned families;                 /* RSIP_FAMILY_* bits asked for */
	bool prefer_ipv4;                  /* IPv4 addresses of a target first */
	rsip_srv_order srv_order;          /* RFC 2782 weighted, or deterministic */
	rsip_dnssec_policy dnssec_policy;  /* RFC 4035 §4.3 */
	rsip_failure_policy failure_policy;
};

/* True when the policy supports the transport. */
static inline bool policy_supports(const struct rsip_policy *p, rsip_transport tp)
{
	return (p->transports & (unsigned)tp) != 0;
}

/* DNSSEC.  Records of an answer's additional section may stand in for the
 * answers to their own questions except under the require policy, whose
 * addresses are all asked for and validated (their state:
 * answer_additional_dnssec() in query.c). */
static inline bool policy_may_use_additional(const struct rsip_policy *p)
{
	return p->dnssec_policy != RSIP_DNSSEC_POLICY_REQUIRE;
}

struct resolution;
struct answer_cache;

/* reach.c: whether the DNS servers can be reached at all (RFC 1122
 * §4.1.3.3), checked without DNS once a question has waited REACH_AFTER_MS
 * (or its own timeout, when shorter), for at most REACH_WINDOW_MS; the verdict
 * is kept REACH_KEEP_MS.  A healthy server answers before the check. */
#define REACH_AFTER_MS 500   /* libunbound's first retry to a new server: 376 ms */
#define REACH_WINDOW_MS 300
#define REACH_POLL_MS 20     /* how often a check in progress is looked at */
#define REACH_KEEP_MS 5000
#define REACH_GRACE_MS 20    /* for libunbound's own cache and local zones */

struct reach_server {
	struct sockaddr_storage addr;
	socklen_t addrlen;
	char name[INET6_ADDRSTRLEN + 8]; /* ADDR#PORT */
	int fd;       /* during a check: the connected UDP socket, or -1 */
	int err;      /* the errno of the last check; 0: no error came back */
	bool local;   /* err came from connect() or send(), not from an ICMP */
};

struct reach {
	struct reach_server *servers; /* the forwarders, or the root hints */
	size_t n;
	bool route_only;              /* the root hints: connect() only */
	bool incomplete;              /* a server not understood: never dead */
	bool checking;
	struct timespec check_end;
	bool checked;                 /* a verdict is held (see valid_until) */
	bool dead;                    /* every server proved unreachable */
	struct timespec valid_until;
	char *summary;                /* each server and what came back */
	char *note;                   /* the first time none could be reached, why */
};

/* cache.c: answers kept by the context (RFC 1035 §3.2.1, RFC 2308 §5). */
struct cached_answer {
	ldns_pkt *pkt;         /* parsed once; read-only for its users */
	int rcode;
	rsip_dnssec dnssec;
	char *why_bogus;
	char **answers;        /* the answer RRs in presentation format */
	size_t nanswers;
};
/* At most max_entries answers holding at most max_bytes together (entry
 * structures, parsed records, their text); an answer that alone would hold
 * more than an eighth of max_bytes is not kept.  Either bound 0: nothing is
 * kept. */
struct answer_cache *cache_new(size_t max_entries, size_t max_bytes);
/* Entries kept and the bytes they hold, as the byte bound counts them. */
void cache_usage(const struct answer_cache *c, size_t *entries, size_t *bytes);
void cache_free(struct answer_cache *c);
/* A live entry for the question, held for the caller (cache_release() it),
 * or NULL. */
const struct cached_answer *cache_lookup(struct answer_cache *c, const char *qname,
					 uint16_t qtype);
/* Keep an answer when it may be kept (not a failure, not bogus, TTL > 0): the
 * cache takes pkt and answers (an array of n malloc'd strings) and returns the
 * entry held for the caller; NULL when not kept (the caller still owns them). */
const struct cached_answer *cache_store(struct answer_cache *c, const char *qname,
					uint16_t qtype, ldns_pkt *pkt, int rcode,
					rsip_dnssec dnssec, const char *why_bogus,
					char **answers, size_t nanswers);
void cache_release(const struct cached_answer *ca);

/* hosts.c: the hosts file read when the context starts (hosts(5)). */
struct hosts_rec;
struct hosts_table {
	struct hosts_rec *recs; /* sorted by name, then file order */
	size_t n;
	char *path;             /* the file read, NULL when none */
	bool loaded;
};

/* What the engine (query.c) works with, and all it knows of the context:
 * where questions go, the answers kept, the hosts file, whether the servers
 * can be reached, and which names a trust anchor covers.  Filled when the
 * context starts (ubsetup.c); read under *lock. */
struct dns_engine {
	pthread_mutex_t *lock;       /* the context's, held around every callback */
	struct ub_ctx *ub;           /* NULL until the first resolution */
	const struct query_backend *backend; /* NULL: libunbound */
	struct answer_cache *cache;  /* NULL when disabled */
	struct reach reach;          /* can the servers be reached at all */
	struct hosts_table hosts;
	bool validating;             /* libunbound's validator is on */
	bool zones;                  /* the zones are served in process */
	bool forwarded;              /* questions go to forwarders */
	char source[160];            /* where questions go, for messages */
	/* Names under a trust anchor: every name when root_all, every name but
	 * those under root_exempt when root_some, and those under anchors. */
	bool root_all, root_some;
	const char *const *root_exempt;
	const struct rsip_vec *anchors; /* char *: absolute, lower case */
};

struct rsip_ctx {
	pthread_mutex_t lock;        /* recursive: guards everything below */
	struct dns_engine dns;       /* the engine's part (query.c) */
	enum dns_mode mode;
	bool mode_set;
	struct rsip_vec zone_names;  /* char *: zone apex, absolute */
	struct rsip_vec zone_files;  /* char *: absolute path, same index */
	struct rsip_vec servers;     /* char *: "addr@port" for libunbound */
	char *resolvconf;            /* NULL: /etc/resolv.conf */
	struct rsip_vec rc_servers;  /* char *: its nameservers, for libunbound */
	bool rc_read;                /* rc_servers holds what the file names */
	const char *rc_default;      /* why 127.0.0.1 is asked (resolv.conf(5)), or NULL */
	/* The hosts file (hosts.c, rsip_ctx_set_hosts_file()) chosen; what
	 * was read is dns.hosts. */
	enum hosts_choice hosts_choice;
	char *hosts_file;            /* HOSTS_FILE: its path */
	struct rsip_vec ta_files;    /* char * */
	struct rsip_vec ta_names;    /* char *: owners of the anchors, absolute, lower case */
	rsip_dnssec_policy dnssec_policy;
	rsip_failure_policy failure_policy;
	char *tmpdir;                /* generated unbound config and root stub */
	const char *root_key_file;   /* the system's root anchor (ROOT_KEY_FILE) */
	bool root_anchored;          /* validating from it (recursion, or the probe
					of ctx_start() found the servers' root secure) */
	char *dnssec_note;           /* why answers are not validated, or NULL */
	bool dnssec_noted;           /* a result carries dnssec_note already */
	/* Transport preference order and the supported mask. */
	rsip_transport tp_order[RSIP_MAX_TRANSPORTS];
	size_t tp_count;
	unsigned transports;
	unsigned families;
	struct rsip_vec suffixes;    /* char *: ENUM suffixes, absolute */
	bool suffixes_set;
	struct enum_services *enumsvc; /* the enumservices used; NULL: the default */
	struct rsip_rng rng;
	struct rsip_limits limits;
	size_t cache_size;           /* entries; 0 disables */
	size_t cache_bytes;          /* bytes the entries may hold; 0 disables */
	bool trace;                  /* record answers and notes in the steps */
	rsip_srv_order srv_order;
	bool prefer_ipv4;
	unsigned failure_memory;     /* seconds */
	struct failed_target failed[RSIP_FAILED_MAX];
	size_t nfailed;              /* entries used (a ring once full) */
	size_t failed_next;          /* the slot the next mark takes when full */
	char errmsg[RSIP_ERRLEN];
	/* Resolutions in flight. */
	struct resolution *active;
	size_t pending;
	int next_id;
};

/* ctx.c: the context object and its setters */
/* The checks every setter makes first: a context still being configured, and
 * one DNS mode only (sets_mode: the setter chooses mode).  Clears errmsg. */
rsip_status ctx_setter_begin(rsip_ctx *ctx, bool sets_mode, enum dns_mode mode);
/* Free the context and what it owns; no resolution may be active
 * (rsip_ctx_free() in resolve.c cancels them first). */
void ctx_destroy(rsip_ctx *ctx);
/* Answer questions from backend instead of libunbound (before the first
 * resolution; for the fuzzing and test harness). */
void ctx_set_backend(rsip_ctx *ctx, const struct query_backend *backend);
/* Take path (which must outlive the context) as the system's root trust
 * anchor instead of /usr/share/dns/root.key (before the first resolution;
 * for tests that sign a root of their own). */
void ctx_set_root_key_file(rsip_ctx *ctx, const char *path);
void ctx_errmsg(rsip_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The context's policy now, for a resolution that starts (struct rsip_policy). */
void ctx_policy(const rsip_ctx *ctx, struct rsip_policy *p);

/* resolvconf.c: the servers asked */
/* Read the nameservers of path (NULL: /etc/resolv.conf) into ctx->rc_servers.
 * RSIP_E_CONFIG with ctx->errmsg naming the file and line. */
rsip_status resolvconf_read(rsip_ctx *ctx, const char *path);
/* Where the context's questions go, for messages that name the server:
 * "127.0.0.1#5353", "the servers of /etc/resolv.conf", ... */
const char *ctx_dns_source(const rsip_ctx *ctx, char *buf, size_t len);

/* failmem.c: the failure memory (RFC 3263 §4.3) */
/* True while the target is remembered as failed.  Caller holds the lock. */
bool ctx_target_failed(rsip_ctx *ctx, const rsip_target *t);

/* ubsetup.c: the context's start and libunbound */
/* Create and configure the libunbound context on first use.  Caller holds the
 * lock.  RSIP_E_CONFIG with ctx->errmsg on failure. */
rsip_status ctx_start(rsip_ctx *ctx);

/* hosts.c: the hosts file (hosts(5)).  Caller holds the lock. */
/* Read path into the context's table (replacing it).  A file that cannot
 * be opened is RSIP_E_CONFIG, err naming it, when explicit, else no table. */
rsip_status hosts_load(struct hosts_table *h, const char *path, bool explicit, char *err,
		       size_t errlen);
void hosts_clear(struct hosts_table *h);
/* True when the hosts file holds an address for name (absolute). */
bool hosts_has(const struct hosts_table *h, const char *name);
/* For an A or AAAA question of a name of the hosts file: *out a reply
 * holding the file's addresses of that family (*count of them; none:
 * NODATA).  *out NULL for any other question.  RSIP_OK or RSIP_E_NOMEM. */
rsip_status hosts_answer(const struct hosts_table *h, const char *qname, uint16_t qtype,
			 ldns_pkt **out, size_t *count);

/* reach.c (see struct reach).  Caller holds the lock.  The servers of the
 * context's mode; none in zones mode. */
rsip_status reach_init(rsip_ctx *ctx);
void reach_free(struct reach *rc);
/* True while every server is known unreachable. */
bool reach_dead(const struct reach *rc, const struct timespec *now);
/* True when a check may start now (servers, none running, no verdict). */
bool reach_wanted(const struct reach *rc, const struct timespec *now);
/* Start a check when one is wanted; what is known at once is concluded. */
void reach_check(struct reach *rc, const struct timespec *now);
/* Read a running check's sockets; conclude when all told or its time is up. */
void reach_poll(struct reach *rc, const struct timespec *now);
/* While a check runs, when to look at it next. */
bool reach_next_wake(const struct reach *rc, const struct timespec *now,
		     struct timespec *when);
/* What the last check found, server by server, or NULL. */
const char *reach_summary(const struct reach *rc);

/* ------------------------------------------------------------------ */
/* result.c: the result under construction */

/* The result and its parts are defined in result.c only: every other room
 * writes them through the functions below, and reads them through these
 * or the public accessors. */
struct step_rec;   /* one question of the trace (rsip_step) */
struct naptr_rec;  /* one ENUM record (rsip_naptr) */

/* trace: the steps carry answers and notes (rsip_ctx_set_trace()). */
rsip_result *result_new(const char *input, bool trace);
/* The outcome: status, and error (taken; NULL keeps the sentence held). */
void result_end(rsip_result *res, rsip_status status, char *error);
struct step_rec *result_add_step(rsip_result *res, const char *qname,
				 uint16_t qtype, unsigned wave);
int step_add_answer(struct step_rec *st, char *text); /* takes text */
/* The answer at index (a decoded record's answer_index) of st led to the
 * targets, in that role (rsip_result_answer_role()).  Nothing for a NULL
 * step, an index past the answers (DNS_NOT_AN_ANSWER, a quiet step).  -1 on
 * ENOMEM. */
int step_mark_answer(struct step_rec *st, size_t index, rsip_answer_role role);
int result_note(rsip_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A note on the last step (none: nothing), or -1 on ENOMEM. */
int result_note_last_step(rsip_result *res, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Steps so far. */
size_t result_step_count(const rsip_result *res);
int step_note(struct step_rec *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append a target unless the same transport, address and port is already
 * there.  Returns 0, or -1 on ENOMEM. */
int result_add_target(rsip_result *res, const rsip_target *t,
		      const char *host);
struct naptr_rec *result_add_enum_record(rsip_result *res,
					 const struct ddds_rule *rule);
void naptr_rec_set(struct naptr_rec *rec, const char *result,
		   rsip_verdict verdict, const char *reason);
/* The record came as answer answer_index (a decoded record's) of step. */
void naptr_rec_at(struct naptr_rec *rec, struct step_rec *step, size_t answer_index);
/* Its answer led to the targets (RSIP_ROLE_ENUM).  -1 on ENOMEM. */
int naptr_rec_mark(const struct naptr_rec *rec);
const char *naptr_rec_result(const struct naptr_rec *rec);
const char *naptr_rec_reason(const struct naptr_rec *rec);

/* What the result holds so far. */
size_t result_target_count(const rsip_result *res);
unsigned result_question_count(const rsip_result *res);
/* The URI being located (RFC 3263).  -1 on ENOMEM. */
int result_set_uri(rsip_result *res, const char *uri);
/* ENUM applies: the AUS (RFC 6116 §3.1), the domains asked, the SIP URIs
 * found.  -1 on ENOMEM. */
int result_begin_enum(rsip_result *res, const char *aus);
int result_add_enum_domain(rsip_result *res, const char *domain);
int result_add_enum_uri(rsip_result *res, const char *uri);
size_t result_enum_record_count(const rsip_result *res);
/* The last n ENUM records were found at the key via led to: list them right
 * after via (the records in the order they were considered, depth first).
 * -1 on ENOMEM. */
int result_place_enum_records(rsip_result *res, const struct naptr_rec *via, size_t n);

/* A step's question and answer. */
const char *step_qtype_name(const struct step_rec *st);
rsip_dnssec step_dnssec(const struct step_rec *st);
const char *step_why_bogus(const struct step_rec *st);
bool step_quiet(const struct step_rec *st); /* the trace is off */
void step_set_rcode(struct step_rec *st, int rcode);
void step_set_dnssec(struct step_rec *st, rsip_dnssec dnssec);
/* The answer came: its rcode, DNSSEC state (why_bogus when bogus), whether
 * from the cache, and its records as text (copied unless quiet). */
void step_answered(struct step_rec *st, int rcode, rsip_dnssec dnssec, bool from_cache,
		   const char *why_bogus, char *const *answers, size_t n);
/* The question failed (how: a sentence). */
void step_failed(struct step_rec *st, const char *failure);

/* How the resolution went, for its result's last touches (result_finalise()). */
struct result_outcome {
	size_t uri_first_step;    /* the first step of the URI located last */
	bool dns_failed;          /* some question failed */
	bool timed_out;           /* some question was not answered in time */
	const char *first_failure; /* the first failed question, or NULL */
};
/* The result as it is delivered: no target after a refused answer, each
 * target's DNSSEC state the weakest link of its path, targets remembered as
 * failed last (ctx: its failure memory, lock held), the chain's DNSSEC state,
 * not-found told apart from a failure that may have hidden the answer, and
 * an error sentence for every status but RSIP_OK. */
void result_finalise(rsip_result *res, const struct result_outcome *o, rsip_ctx *ctx);

/* ------------------------------------------------------------------ */
/* dnsmsg.c: DNS messages from wire form (RFC 1035 §4.1) */

/* Parse a reply record by record.  A record that is malformed (its RDATA
 * not of its type's shape or size, octets after its last field) is left out
 * and a note naming it (section, index, owner, type, what is wrong) is
 * appended to notes; the counts of *pkt are those of the records kept.  When
 * a record cannot be delimited (its owner name unreadable, RDLENGTH past the
 * end), nothing after it can be found: a note says so and the records read
 * before it are kept.  The additional section's OPT and TSIG go to the
 * packet's own fields, as ldns_wire2pkt() puts them.
 * @param pkt    receives the packet, ldns_pkt_free()'d by caller; NULL
 *               unless RSIP_OK.
 * @param notes  char *: malloc'd notes are appended (also on failure); the
 *               caller frees them.
 * @return RSIP_OK; RSIP_E_DNS_FAILURE when the header or a question cannot
 *         be read (a note says why); RSIP_E_NOMEM. */
rsip_status dns_msg_parse(const uint8_t *wire, size_t len, ldns_pkt **pkt,
			  struct rsip_vec *notes);

/* Records as text and as typed values.  Each record type is decoded here
 * only, so that every phase reads a record alike. */

/* "NOERROR", "NXDOMAIN", ..., or "NONE" when no answer came. */
const char *rcode_name(int rcode);
/* An ldns rdf as a malloc'd string: a name in presentation format with
 * trailing dot, or a character-string's raw bytes (no quotes, no escapes). */
char *rdf_to_str(const ldns_rdf *rdf);
/* One RR in presentation format, "owner TTL IN TYPE rdata" (malloc'd). */
char *rr_to_str(const ldns_rr *rr);
/* The answer RRs of a reply in presentation format, for the trace: a malloc'd
 * array of *n malloc'd strings, RRSIGs left out (the step's answers).  Every
 * record this room decodes from the answer section carries answer_index, the
 * index of its line here: the records before it that are not RRSIGs (out of
 * memory there are no lines).  A record of the additional section has
 * DNS_NOT_AN_ANSWER. */
char **dns_answer_strings(const ldns_pkt *pkt, size_t *n);
void dns_strings_free(char **v, size_t n);
#define DNS_NOT_AN_ANSWER ((size_t)-1)
/* How NAPTR records that cannot be read faithfully are decoded: */
enum dns_naptr_policy {
	/* RFC 3263 §4.1 chooses among the records it can read: one without
	 * the 6 fields of RFC 3403 §4.1 is left out, one with an unreadable
	 * field (a NUL byte) is left out with a note. */
	DNS_NAPTR_LEAVE_OUT_UNREADABLE,
	/* RFC 6116 §5.2: every record is kept and reported, a defective one
	 * with its defect set (a NUL octet shown as \000). */
	DNS_NAPTR_KEEP_DEFECTIVE,
};
/* The NAPTR records of the answer section as DDDS rules, in DNS order; notes
 * (char *, malloc'd) on records left out are appended to notes.  Free with
 * ddds_rules_free().  pkt may be NULL (no records). */
rsip_status dns_naptr_rules(const ldns_pkt *pkt, enum dns_naptr_policy policy,
			    struct ddds_rule **rules, size_t *count, struct rsip_vec *notes);
void ddds_rules_free(struct ddds_rule *rules, size_t n);
/* The SRV records of the answer section (RFC 2782), in DNS order; malformed
 * ones are left out with a note.  Free with srv_recs_free(). */
rsip_status dns_srv_records(const ldns_pkt *pkt, struct srv_rec **recs, size_t *count,
			    struct rsip_vec *notes);
void srv_recs_free(struct srv_rec *recs, size_t n);

/* One A or AAAA record. */
struct dns_addr {
	char *owner; /* absolute, lower case, trailing dot */
	char *addr;  /* presentation form */
	bool v6;
	size_t answer_index; /* its line among the step's answers (below) */
};
/* The addresses of a section in DNS order: in the answer section those of
 * type (A or AAAA), in the additional section both types.  *seen (may be
 * NULL) counts the records of the types, read or not; unreadable ones are
 * left out.  Free with dns_addrs_free(). */
rsip_status dns_addresses(const ldns_pkt *pkt, ldns_pkt_section section, ldns_rr_type type,
			  struct dns_addr **addrs, size_t *count, size_t *seen);
void dns_addrs_free(struct dns_addr *addrs, size_t n);

/* ------------------------------------------------------------------ */
/* query.c: the query engine over ub_resolve_async */

/* What an answer means, decided once by the engine (query.c classify()):
 * a phase sees the records of DATA and EMPTY answers only. */
enum answer_kind {
	ANSWER_DATA = 0, /* NOERROR with records of the type asked */
	ANSWER_EMPTY,    /* NXDOMAIN or NODATA: absence, the RFC fallbacks apply */
	ANSWER_FAILED,   /* no answer, SERVFAIL, REFUSED..., unreadable: says
			    nothing of what exists */
	ANSWER_REFUSED   /* bogus, or insecure under require: never handed on */
};

struct dns_answer {
	const char *qname;
	uint16_t qtype;
	int ub_err;            /* libunbound error, 0 when an answer came */
	int rcode;             /* -1 when no answer came */
	ldns_pkt *pkt;         /* the reply; NULL when none, and for a failure */
	rsip_dnssec dnssec;
	enum answer_kind kind;
	bool timed_out;        /* no answer before the question's time ran out */
	bool from_hosts;       /* from the hosts file, not DNS (hosts.c) */
	char failure[320];     /* for ANSWER_FAILED: how, naming the server */
	struct step_rec *step; /* the trace step, for notes */
};

typedef void (*query_cb)(struct resolution *r, void *arg,
			 const struct dns_answer *a);

/* Ask a question in the current wave.  The answer comes to cb; when every
 * question of the wave has been answered, r->advance runs.  Returns RSIP_OK,
 * or a status after which the caller stops (budget spent: RSIP_E_LIMIT with
 * the reason set on r; RSIP_E_NOMEM). */
rsip_status query_ask(struct resolution *r, const char *qname, uint16_t qtype,
		      query_cb cb, void *arg);
/* Deliver one answer that came from the context's cache or the hosts file,
 * if one is waiting: true when one was delivered.  Run by resolution_settle(). */
bool query_deliver_cached(struct resolution *r);
/* Cancel every question of r still in flight. */
void query_cancel_all(struct resolution *r);
/* Give up every question of r still in flight whose own time has run out
 * at now, or all of them when all is set (the deadline): each is handed to its
 * phase as a failed answer (timed_out).  Returns how many were given up. */
size_t query_expire(struct resolution *r, const struct timespec *now, bool all);
/* The earliest time a question of r in flight runs out (its own timeout, or
 * the moment it has the servers checked, when a check is wanted at now), or
 * false when none has one before the deadline. */
bool query_next_expiry(const struct resolution *r, const struct timespec *now,
		       struct timespec *when);
/* True when a question of r has waited long enough to have the servers
 * checked (reach.c). */
bool query_check_due(const struct resolution *r, const struct timespec *now);
/* Every question of r in flight fails at now: no server can be reached. */
void query_doom_all(struct resolution *r, const struct timespec *now);
/* The status a failed answer ends a resolution with: RSIP_E_TIMEOUT when it
 * timed out, RSIP_E_DNS_FAILURE otherwise. */
rsip_status answer_failure_status(const struct dns_answer *a);
/* Whether the phase must end the resolution on a failed answer of a question
 * that chooses among alternatives (DNS failure is not absence), or may go on
 * as if it were empty because the caller chose availability. */
bool failure_ends(const struct resolution *r);
/* The DNSSEC state of the additional section's records: SECURE when the
 * answer is secure, the answer's own state otherwise (the caller must not use
 * them, but ask, when their owner is under a trust anchor: see
 * addresses_from_additional() in locate.c).  Why: libunbound's validator
 * (validator.c validate_msg_signatures, val_utils.c val_check_nonsecure, with
 * val-clean-additional: yes, which ubsetup.c sets) checks every additional RRset
 * signed by the answer's own zone key and, in a secure answer, removes each
 * RRset that is not secure: an A record changed after signing, or one whose
 * RRSIG is missing, is dropped from the SRV answer (tests/dnssec checks this
 * on zones signed at test time).  In an insecure answer nothing in the
 * additional section is validated: a record there for a name no anchor covers
 * is as insecure as the answer; one for a name under an anchor could be a
 * forgery that the validator never saw.  A bogus answer is never used. */
rsip_dnssec answer_additional_dnssec(const struct dns_answer *a);
/* True when a trust anchor of the context is at or above name (absolute). */
bool dns_under_anchor(const struct dns_engine *dns, const char *name);
/* True when the answer says the name does not exist (NXDOMAIN). */
bool answer_nxdomain(const struct dns_answer *a);
/* True when no answer came, or the server failed (SERVFAIL, REFUSED...), or
 * the reply could not be read: kind ANSWER_FAILED. */
bool answer_failed(const struct dns_answer *a);
/* dns_naptr_rules() and dns_srv_records() on the answer, their notes on
 * its step. */
rsip_status answer_naptr_rules(const struct dns_answer *a, enum dns_naptr_policy policy,
			       struct ddds_rule **rules, size_t *count);
rsip_status answer_srv_records(const struct dns_answer *a, struct srv_rec **recs,
			       size_t *count);

/* The resolution's life (query.c).  The engine knows no protocol: the
 * phases register what runs next (r->advance, each question's query_cb),
 * the owner what runs at the end (r->on_end). */
/* End the resolution with a status and a sentence (printf format; NULL for
 * RSIP_OK).  The result is delivered once no question is in flight. */
void resolution_finish(struct resolution *r, rsip_status status,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Run r->advance while the wave is complete; once finished, r->on_end.
 * Called after every answer and after a phase has asked its questions. */
void resolution_settle(struct resolution *r);
/* The deadline: limits.deadline_ms after started (CLOCK_MONOTONIC). */
void resolution_start_clock(struct resolution *r, const struct timespec *started);
/* True when r has something due at now: its deadline, or a question's own
 * timeout. */
bool resolution_due(const struct resolution *r, const struct timespec *now);
/* Give up what is due at now (resolution_due()) and settle r, which may end
 * it (r->on_end). */
void resolution_expire(struct resolution *r, const struct timespec *now);
/* When r next has something due: its deadline, or earlier. */
void resolution_next_wake(const struct resolution *r, const struct timespec *now,
			  struct timespec *when);

/* ------------------------------------------------------------------ */
/* resolve.c: resolutions */

struct locate;
struct enum_walk;

struct resolution {
	rsip_ctx *ctx;        /* resolve.c's: the engine and the phases never read it */
	struct dns_engine *dns; /* the context's engine part */
	struct rsip_rng *rng;   /* the context's, for RFC 2782 weighted order */
	int id;
	rsip_callback cb;
	void *cb_arg;
	rsip_result *res;
	unsigned wave;        /* the wave being asked (1 = first) */
	unsigned pending;     /* questions in flight */
	struct rsip_vec inflight;  /* struct query * */
	void (*advance)(struct resolution *r); /* runs when the wave is answered */
	void (*on_end)(struct resolution *r);  /* the owner's: delivers, frees r */
	bool finished;
	struct rsip_limits limits;    /* the context's, when it started */
	struct timespec deadline;     /* CLOCK_MONOTONIC: ends with RSIP_E_TIMEOUT */
	bool past_deadline;   /* the deadline came: no new question is asked */
	struct rsip_policy policy;    /* the context's, when it started */
	struct enum_services *enumsvc; /* the context's, when it started (held) */
	bool dns_failed;      /* some question failed (SERVFAIL, timeout...) */
	char *first_failure;  /* "the A question for h. failed (why)", malloc'd */
	bool timed_out;       /* some question was not answered in time */
	bool bogus;           /* some answer was DNSSEC-bogus */
	/* An answer the DNSSEC policy refused: the wave's other
	 * answers still come in, then the resolution ends with this status
	 * (bogus before insecure, then the earliest question asked). */
	rsip_status refusal;  /* RSIP_OK, RSIP_E_DNSSEC_BOGUS or _INSECURE */
	size_t refusal_seq;   /* index of the refused question's step */
	char *refusal_why;
	size_t uri_first_step; /* first step of the URI being located: the steps
				  before it (ENUM, earlier URIs) chose that URI */
	size_t enum_uri;       /* the SIP URI of the ENUM walk being located */
	struct locate *loc;
	struct enum_walk *walk;
	struct resolution *prev, *next;
};

/* A resolution of input in flight on ctx (started: when its deadline
 * counts from), delivered to callback; NULL when out of memory.  Caller holds
 * the lock, after ctx_start(). */
struct resolution *resolution_new(rsip_ctx *ctx, const char *input,
				  const struct timespec *started, rsip_callback callback,
				  void *arg);
/* End with RSIP_E_TIMEOUT every resolution whose deadline is at or before
 * now (CLOCK_MONOTONIC), delivering it.  Caller holds the lock. */
void ctx_expire(rsip_ctx *ctx, const struct timespec *now);

/* A phase reports to its caller once, when it is over: RSIP_OK, or a status
 * and why (a sentence, or NULL).  The caller decides what comes next; the
 * phase never ends the resolution itself. */
typedef void (*phase_done_fn)(struct resolution *r, rsip_status status, const char *why);

/* locate.c: RFC 3263 client; done is called when the URI is located
 * (targets appended to r->res) or gave nothing (status says why). */
void locate_start(struct resolution *r, const char *uri, phase_done_fn done);
/* Start at a URI given by the caller (sip:, sips:, tel: or +E.164): ENUM for
 * tel:, else RFC 3263 directly; the resolution finishes with its outcome. */
void resolution_begin_uri(struct resolution *r, const char *uri);
void locate_free(struct locate *loc);

/* enumwalk.c: RFC 6116 resolution driven by DNS answers.  done is called
 * with RSIP_OK when the walk gave SIP URIs (enum_walk_uri()), else with the
 * status and why. */
void enum_walk_start(struct resolution *r, const char *input, const struct rsip_vec *suffixes,
		     phase_done_fn done);
/* The SIP URIs of a walk that gave them, in the order they are tried. */
size_t enum_walk_uri_count(const struct enum_walk *w);
const char *enum_walk_uri(const struct enum_walk *w, size_t i);
/* URI i gave targets: its record and the non-terminal records that led to
 * it are selected and on the path.  RSIP_E_NOMEM. */
rsip_status enum_walk_uri_chosen(struct enum_walk *w, size_t i);
/* URI i gave no target (why: a sentence, or NULL). */
void enum_walk_uri_no_target(struct enum_walk *w, size_t i, const char *why);
void enum_walk_free(struct enum_walk *w);

#endif /* RSIP_ENGINE_H */
