/* resolvsip.h - libresolvsip public API: where does this SIP request go?
 * (RFC 3263 SIP location, RFC 6116 ENUM, RFC 3401-3403 DDDS, RFC 2782 SRV)
 *
 * Walk-through
 * ------------
 * Resolve one URI, synchronously:
 *
 *     rsip_ctx *ctx;
 *     rsip_result *res;
 *     if (rsip_ctx_new(&ctx) != RSIP_OK) ...;
 *     rsip_ctx_set_zones(ctx, "zones");          // or rsip_ctx_add_server(), ...
 *     rsip_resolve(ctx, "tel:+49-421-201-7028", &res);
 *     for (size_t i = 0; i < rsip_result_target_count(res); i++) {
 *         const rsip_target *t = rsip_result_target(res, i);
 *         // try t->transport to t->address port t->port; on failure go on
 *     }
 *     rsip_result_free(res);
 *     rsip_ctx_free(ctx);
 *
 * Inside an event loop: start resolutions with rsip_resolve_async(), watch
 * rsip_ctx_fd() for readability and call rsip_ctx_process() when it is
 * readable, or when rsip_ctx_timeout() milliseconds have passed (deadlines);
 * each callback receives its result.  rsip_ctx_wait() blocks until every
 * outstanding resolution has called back.
 *
 * Threads: one context may be shared by any number of threads once it is
 * configured; rsip_resolve(), rsip_resolve_async(), rsip_ctx_process(),
 * rsip_ctx_wait(), rsip_ctx_fd(), rsip_ctx_timeout(), rsip_ctx_pending(),
 * rsip_cancel(), rsip_ctx_set_seed(), rsip_ctx_set_limit() and
 * rsip_ctx_set_enumservices() may be called concurrently (an internal lock
 * serialises them).  Callbacks run with that lock held, in whichever thread
 * processes the context's answers:
 * rsip_ctx_process(), rsip_ctx_wait(), or rsip_resolve() waiting for its own
 * answer in another thread; a callback may start or cancel resolutions.  An
 * asynchronous resolution can therefore call back before rsip_cancel() is
 * reached: rsip_cancel() then says RSIP_E_INVALID.  The other setters
 * configure the context: call them from one thread before the first
 * resolution.  rsip_ctx_free() must be the last call on a context, when no
 * other thread uses it.  A result belongs to the thread that received it: it
 * is not shared and needs no lock; the strings of rsip_status_name() and
 * friends are constant.  tests/integration/test_threads.c runs all of this
 * under ThreadSanitizer in CI.
 *
 * The synchronous and asynchronous calls run the same engine: every DNS
 * question goes through libunbound's asynchronous API.
 */
#ifndef RESOLVSIP_H
#define RESOLVSIP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RSIP_BUILDING_LIBRARY) && defined(__GNUC__)
#define RSIP_API __attribute__((visibility("default")))
#else
#define RSIP_API
#endif

/** Opaque context: DNS mode, policies, caches.  One per application; see
 * rsip_ctx_new().  Configure it before the first resolution. */
typedef struct rsip_ctx rsip_ctx;

/** Opaque result of one resolution.  Must be rsip_result_free()'d by the
 * caller. */
typedef struct rsip_result rsip_result;

/** One next hop of a result (defined below). */
typedef struct rsip_target rsip_target;

/** Status codes.  0 is success; values are only ever appended. */
typedef enum rsip_status {
	RSIP_OK = 0,             /**< "ok": at least one target */
	RSIP_E_BAD_INPUT = 1,    /**< "bad-input": malformed URI or number */
	RSIP_E_NOT_FOUND = 2,    /**< "not-found": the names do not exist or hold nothing usable */
	RSIP_E_NO_TRANSPORT = 3, /**< "no-transport": nothing we support is offered */
	RSIP_E_LOOP = 4,         /**< "loop": rewriting rules loop or hop too far */
	RSIP_E_DNS_FAILURE = 5,  /**< "dns-failure": SERVFAIL, refused, unreachable */
	RSIP_E_DNSSEC_BOGUS = 6, /**< "dnssec-bogus": validation failed */
	RSIP_E_TIMEOUT = 7,      /**< "timeout": no answer in time */
	RSIP_E_NOMEM = 8,        /**< "no-memory" */
	RSIP_E_CONFIG = 9,       /**< "config": the context setting was refused */
	RSIP_E_INVALID = 10,     /**< "invalid-call": API misuse (NULL, wrong state) */
	/** "dnssec-insecure": the require policy refused an unsigned answer */
	RSIP_E_DNSSEC_INSECURE = 11,
	/** "limit": a configured bound was reached (questions, hops, deadline...) */
	RSIP_E_LIMIT = 12
} rsip_status;

/** Short lower-case name of a status ("ok", "bad-input", ...), as used in
 * sipresolve's JSON.  Never NULL. */
RSIP_API const char *rsip_status_name(rsip_status status);

/** A sentence describing a status.  Never NULL. */
RSIP_API const char *rsip_strerror(rsip_status status);

/** Transports, as bits so that they combine into a mask. */
typedef enum rsip_transport {
	RSIP_TRANSPORT_UDP = 1 << 0,
	RSIP_TRANSPORT_TCP = 1 << 1,
	RSIP_TRANSPORT_TLS = 1 << 2,      /**< TLS over TCP */
	RSIP_TRANSPORT_SCTP = 1 << 3,
	RSIP_TRANSPORT_TLS_SCTP = 1 << 4, /**< TLS over SCTP (RFC 4168) */
	RSIP_TRANSPORT_WS = 1 << 5,       /**< WebSocket (RFC 7118) */
	RSIP_TRANSPORT_WSS = 1 << 6       /**< secure WebSocket (RFC 7118) */
} rsip_transport;

/** The default transports: udp, tcp, tls. */
#define RSIP_TRANSPORTS_DEFAULT \
	(RSIP_TRANSPORT_UDP | RSIP_TRANSPORT_TCP | RSIP_TRANSPORT_TLS)

/** Lower-case name of one transport ("udp", "tls-sctp", ...). */
RSIP_API const char *rsip_transport_name(rsip_transport transport);

/** Parse a comma-separated list of transport names into a mask.
 * @return RSIP_OK, or RSIP_E_BAD_INPUT naming nothing (the list is wrong). */
RSIP_API rsip_status rsip_transports_parse(const char *list, unsigned *mask);

/** Address families, as bits. */
#define RSIP_FAMILY_IPV4 1u
#define RSIP_FAMILY_IPV6 2u

/** "ipv4" or "ipv6" (a target's family, rsip_target.family); "unknown" for
 * anything else. */
RSIP_API const char *rsip_family_name(unsigned family);

/** DNSSEC state of an answer, a target or a whole chain.  Ordered from the
 * weakest to the strongest, so that the weakest link is the minimum. */
typedef enum rsip_dnssec {
	RSIP_DNSSEC_BOGUS = 0,         /**< validation failed */
	/** not validated (no validator, data from an unvalidated source) */
	RSIP_DNSSEC_INDETERMINATE = 1,
	RSIP_DNSSEC_INSECURE = 2,      /**< provably unsigned, or no trust anchor covers it */
	RSIP_DNSSEC_SECURE = 3         /**< validated from a trust anchor */
} rsip_dnssec;

/** "secure", "insecure", "bogus", "indeterminate". */
RSIP_API const char *rsip_dnssec_name(rsip_dnssec state);

/* ------------------------------------------------------------------ */
/* Context                                                            */

/** Create a context.  DNS mode: the system's resolv.conf unless one of the
 * mode setters below is called.
 * @param ctxp  receives the context; must be rsip_ctx_free()'d by caller.
 * @return RSIP_OK, RSIP_E_NOMEM, RSIP_E_INVALID. */
RSIP_API rsip_status rsip_ctx_new(rsip_ctx **ctxp);

/** Free a context, cancelling outstanding resolutions (their callbacks are
 * not called).  Accepts NULL. */
RSIP_API void rsip_ctx_free(rsip_ctx *ctx);

/** A sentence saying why the last setter on this context failed (empty when
 * none failed).  Owned by the context. */
RSIP_API const char *rsip_ctx_errmsg(const rsip_ctx *ctx);

/** DNS mode: serve every zone file in @p dir in process; nothing leaves the
 * machine, and names outside the zones are NXDOMAIN at once.  Each *.zone
 * file must hold one zone with its SOA record.  When @p dir holds a file
 * named "trust-anchors", its DS/DNSKEY records are trust anchors, as if
 * given to rsip_ctx_add_trust_anchor_file() (signed zones then validate).
 * @return RSIP_OK, RSIP_E_CONFIG (unreadable directory, bad zone file, bad
 *         trust-anchors file, mode already chosen; see rsip_ctx_errmsg()),
 *         RSIP_E_INVALID. */
RSIP_API rsip_status rsip_ctx_set_zones(rsip_ctx *ctx, const char *dir);

/** DNS mode: ask this server, "ADDR" or "ADDR#PORT" (repeatable, in order).
 * @return RSIP_OK, RSIP_E_CONFIG (bad address, another mode chosen). */
RSIP_API rsip_status rsip_ctx_add_server(rsip_ctx *ctx, const char *server);

/** DNS mode: the servers named in a resolv.conf file (NULL: /etc/resolv.conf,
 * which is also the default), read now.  Every "nameserver ADDRESS" line is
 * used; an IPv6 address may carry a zone index, ADDRESS%INTERFACE (RFC 4007
 * §11).  A file that cannot be read, a directory, a nameserver line whose
 * address is no IP address (or a link-local one without a zone index, or an
 * unknown interface), and a file without any nameserver line are errors,
 * rsip_ctx_errmsg() naming the file and the line ("FILE:3: ...").  Only
 * /etc/resolv.conf itself, when path is NULL, follows resolv.conf(5) when
 * it names no server or does not exist: 127.0.0.1 is asked.
 * @return RSIP_OK, RSIP_E_CONFIG, RSIP_E_NOMEM. */
RSIP_API rsip_status rsip_ctx_set_resolvconf(rsip_ctx *ctx, const char *path);

/** The hosts file (hosts(5)) whose addresses a UAC calling getaddrinfo()
 * finds before DNS: @p path, NULL for the system's (/etc/hosts; none when
 * it is missing), "" for none.  By default only resolv.conf mode reads the
 * system's.  The A and AAAA questions of its names are answered from it
 * (the family it does not hold as none), marked so in the trace; other
 * questions go to DNS.  Not in zones mode, which answers from its zones
 * only.  The file is read at the first resolution.
 * @return RSIP_OK, RSIP_E_CONFIG (an unreadable file, zones mode; see
 *         rsip_ctx_errmsg()), RSIP_E_NOMEM, RSIP_E_INVALID. */
RSIP_API rsip_status rsip_ctx_set_hosts_file(rsip_ctx *ctx, const char *path);

/** DNS mode: full recursion from the root servers, validating with the
 * system's root trust anchor (/usr/share/dns/root.key). */
RSIP_API rsip_status rsip_ctx_set_recursive(rsip_ctx *ctx);

/** Add DNSSEC trust anchors from a file of DS or DNSKEY records in zone-file
 * syntax (repeatable).  The file is read now: every record must be a DS or a
 * DNSKEY of class IN.  Answers at or below an anchor's owner validate to
 * secure or bogus (RFC 4035 §4.3); others are insecure.
 * @return RSIP_OK, RSIP_E_CONFIG (unreadable file, a line that is not a DS or
 *         DNSKEY record, no record; see rsip_ctx_errmsg()), RSIP_E_NOMEM,
 *         RSIP_E_INVALID. */
RSIP_API rsip_status rsip_ctx_add_trust_anchor_file(rsip_ctx *ctx,
						    const char *path);

/** Why the answers of this context are not validated, or NULL.  In server
 * and resolv.conf mode, with a DNSSEC policy other than off and no anchor
 * added with rsip_ctx_add_trust_anchor_file(), the first resolution loads
 * the system's root trust anchor (/usr/share/dns/root.key) and asks the
 * servers for the root's DNSKEY records (one question, waited for at most
 * the question timeout, counted in that resolution's deadline).  When they
 * do not validate from the anchor (a forwarder that strips signatures, a
 * server that refuses the question or serves only its own zones), the
 * context goes on without the root anchor: answers are insecure, never
 * bogus, the require policy refuses them, and this sentence says so.  It
 * is also a note of the first result.  Also set when the root anchor cannot
 * be read.  Owned by the context; NULL before the first resolution. */
RSIP_API const char *rsip_ctx_dnssec_note(const rsip_ctx *ctx);

/** NULL, or a sentence saying that no DNS server of the context could be
 * reached, naming each and why ("127.0.0.59#53: connection refused (ICMP
 * port unreachable)"), set the first time the library found every one of
 * them unreachable.  The library checks, without DNS, once a question has
 * waited 500 ms (or its question timeout, when shorter), and keeps what it
 * found for 5 s: meanwhile questions fail at once with RSIP_E_DNS_FAILURE.
 * A server that only drops questions is not unreachable.  Owned by the
 * context; set once, valid until rsip_ctx_free(). */
RSIP_API const char *rsip_ctx_unreachable_note(const rsip_ctx *ctx);

/** What a resolution does with the DNSSEC state of each answer (RFC 4035
 * §4.3 states; RFC 3263 §7 and RFC 6116 §7 name spoofing as the threat). */
typedef enum rsip_dnssec_policy {
	/** The default.  A bogus answer is never used: the resolution ends
	 * with RSIP_E_DNSSEC_BOGUS and no target, without trying any fallback
	 * (another transport, suffix or URI), so that an attacker who can
	 * only break answers cannot steer the choice. */
	RSIP_DNSSEC_POLICY_VALIDATE = 0,
	/** As validate, and an answer that is not secure (insecure, or no
	 * trust anchor covers it) ends the resolution with
	 * RSIP_E_DNSSEC_INSECURE.  Additional-section records are not used:
	 * every address is asked for and validated. */
	RSIP_DNSSEC_POLICY_REQUIRE = 1,
	/** No validation (libunbound runs without its validator module):
	 * every answer is used and every state is RSIP_DNSSEC_INDETERMINATE. */
	RSIP_DNSSEC_POLICY_OFF = 2
} rsip_dnssec_policy;

/** Set the DNSSEC policy (default RSIP_DNSSEC_POLICY_VALIDATE).
 * @return RSIP_OK, RSIP_E_CONFIG (not a policy), RSIP_E_INVALID (NULL, or
 *         the context is already in use). */
RSIP_API rsip_status rsip_ctx_set_dnssec_policy(rsip_ctx *ctx,
						rsip_dnssec_policy policy);

/** What a failed DNS question (SERVFAIL, REFUSED, no answer, an unreadable
 * reply) means.  A failure says nothing of what exists: falling back past it
 * (from NAPTR to SRV per transport, from one SRV set to the next, from one
 * ENUM suffix to the next) would let whoever can make a question fail steer
 * the request, say from TLS to UDP (RFC 3263 §7); a validating resolver
 * answers SERVFAIL for data that fails DNSSEC. */
typedef enum rsip_failure_policy {
	/** The default.  A failed question that chooses among alternatives
	 * (RFC 3263 NAPTR and SRV, an ENUM suffix's or a non-terminal rule's
	 * NAPTR) ends the resolution: RSIP_E_DNS_FAILURE, or RSIP_E_TIMEOUT when
	 * it was not answered in time.  A failed A or AAAA question only drops
	 * that host's addresses of that family, with a note; the resolution
	 * fails when no target is left. */
	RSIP_FAILURE_POLICY_STRICT = 0,
	/** Availability over integrity, for callers who choose it knowingly: a
	 * failed question is taken as an empty one, and the RFC fallbacks
	 * apply (with a note in the trace).  An attacker who can make
	 * questions fail can then choose the transport. */
	RSIP_FAILURE_POLICY_FALLBACK = 1
} rsip_failure_policy;

/** Set the failure policy (default RSIP_FAILURE_POLICY_STRICT).  Applies to
 * the resolutions started afterwards.
 * @return RSIP_OK, RSIP_E_CONFIG (not a policy), RSIP_E_INVALID (NULL). */
RSIP_API rsip_status rsip_ctx_set_failure_policy(rsip_ctx *ctx,
						 rsip_failure_policy policy);

/** Supported transports (a mask of rsip_transport; default
 * RSIP_TRANSPORTS_DEFAULT).  RFC 3263 §4.1 drops the others.  Their order of
 * preference, where the RFC leaves it to the client (SRV without NAPTR), is
 * udp, tcp, tls, sctp, tls-sctp, ws, wss unless set by
 * rsip_ctx_set_transport_order(). */
RSIP_API rsip_status rsip_ctx_set_transports(rsip_ctx *ctx, unsigned mask);

/** Supported transports with their order of preference, as a comma list
 * ("tls,tcp,udp").  Sets the mask too.  @return RSIP_E_CONFIG on a bad list. */
RSIP_API rsip_status rsip_ctx_set_transport_order(rsip_ctx *ctx,
						  const char *list);

/** Address families to return (RSIP_FAMILY_IPV4 | RSIP_FAMILY_IPV6, the
 * default, or one of them). */
RSIP_API rsip_status rsip_ctx_set_families(rsip_ctx *ctx, unsigned mask);

/** Add an ENUM suffix (RFC 6116 §3.2; RFC 5526), in order of preference.  The
 * first call replaces the default, "e164.arpa". */
RSIP_API rsip_status rsip_ctx_add_enum_suffix(rsip_ctx *ctx,
					      const char *domain);

/** The ENUM enumservices this client uses (RFC 3402 §3.3 step 4: a rule whose
 * service the client does not use is passed over, and the walk goes on, even
 * to a later ORDER).  Each item names one enumservice, compared without case:
 * "E2U+type" or "E2U+type:subtype", and it must be one whose URI is a SIP
 * URI: type "sip" (RFC 3764), or subtype "sip" ("E2U+voice:sip",
 * "E2U+pstn:sip").  An item without a subtype takes that type with any
 * subtypes; a compound services field ("E2U+voice:sip+video:sip", RFC 6116
 * §3.4.3) is used when any of its enumservices is listed.  The default
 * (@p list NULL or @p count 0) is "E2U+sip" and "E2U+voice:sip", what a UA
 * placing a call wants; "E2U+pstn:sip" (RFC 4769) is a carrier's
 * infrastructure ENUM, towards the PSTN side, and is used only when listed.
 * The list is copied; it applies to the resolutions started afterwards, and
 * may be set at any time (thread-safe).
 * @return RSIP_OK; RSIP_E_CONFIG for an item that is not such an
 *         enumservice (rsip_ctx_errmsg() names it; the setting is unchanged);
 *         RSIP_E_INVALID for a NULL context, a NULL @p list with a non-zero
 *         @p count, or a NULL item; RSIP_E_NOMEM. */
RSIP_API rsip_status rsip_ctx_set_enumservices(rsip_ctx *ctx, const char *const *list,
					       size_t count);

/** Seed the random generator used for the RFC 2782 weighted choice, for
 * reproducible orders.  Unseeded contexts draw a seed from the system. */
RSIP_API rsip_status rsip_ctx_set_seed(rsip_ctx *ctx, uint64_t seed);

/** Order of SRV records within one priority (RFC 2782). */
typedef enum rsip_srv_order {
	RSIP_SRV_ORDER_WEIGHTED = 0,     /**< RFC 2782 weighted random (default) */
	RSIP_SRV_ORDER_DETERMINISTIC = 1 /**< RFC 3263 §4.4, for stateless proxies:
					      weight descending, then target, then port */
} rsip_srv_order;

/** How SRV records of equal priority are ordered. */
RSIP_API rsip_status rsip_ctx_set_srv_order(rsip_ctx *ctx, rsip_srv_order order);

/** Within one SRV target, IPv6 addresses come first (the default, RFC 6724
 * precedence for global addresses) or, with a non-zero @p prefer_ipv4, IPv4
 * first.  Addresses of different targets are never interleaved (RFC 7984 §4). */
RSIP_API rsip_status rsip_ctx_set_prefer_ipv4(rsip_ctx *ctx, int prefer_ipv4);

/** How many answers the context keeps, so that what it already knows is not
 * asked again while the TTLs last (default 4096; 0 turns the cache off).  The
 * byte bound of rsip_ctx_set_cache_bytes() applies as well.
 * @return RSIP_OK; RSIP_E_INVALID for a NULL or already used context. */
RSIP_API rsip_status rsip_ctx_set_cache_size(rsip_ctx *ctx, size_t entries);

/** How much memory the kept answers may hold together, in bytes (default
 * 8388608, 8 MiB; 0 turns the cache off; SIZE_MAX leaves only the bound of
 * rsip_ctx_set_cache_size()).  Each answer counts what it really holds: its
 * parsed records, their text for the trace, its name and bookkeeping; the
 * least recently used answers go first.  An answer that alone would hold
 * more than an eighth of @p bytes is used by the resolution that asked for
 * it and not kept.
 * @return RSIP_OK; RSIP_E_INVALID for a NULL or already used context. */
RSIP_API rsip_status rsip_ctx_set_cache_bytes(rsip_ctx *ctx, size_t bytes);

/** Whether results carry the answers and the decisions of every step (1, the
 * default) or only the questions, their rcodes and DNSSEC states (0: faster,
 * for callers that need only the targets). */
RSIP_API rsip_status rsip_ctx_set_trace(rsip_ctx *ctx, int trace);

/* ------------------------------------------------------------------ */
/* Failover (RFC 3263 §4.3)                                           */

/** How long a target marked failed is remembered (default 32 seconds, the
 * 64*T1 of RFC 3261's Timer B; 0 forgets at once).  While remembered, a
 * target is put after the others in later results. */
RSIP_API rsip_status rsip_ctx_set_failure_memory(rsip_ctx *ctx, unsigned seconds);

/** Remember that a target failed: a 503, a transport error, or a timeout with
 * no response at all (RFC 3263 §4.3).  Thread-safe.  The target may belong
 * to any result; it is matched by transport, address and port. */
RSIP_API rsip_status rsip_ctx_mark_failed(rsip_ctx *ctx, const rsip_target *target);

/** Failover in one call: mark @p failed (a target of @p res) failed and return
 * the target to try next, the one after it in @p res, or NULL when none is
 * left.  With @p failed NULL, returns the first target.  The client retries
 * with a new Via branch (RFC 3263 §4.3).  Owned by @p res. */
RSIP_API const rsip_target *rsip_result_next_target(rsip_ctx *ctx, const rsip_result *res,
						    const rsip_target *failed);

/** Bounds on one resolution, so that hostile DNS data (loops, huge record
 * sets, regexps that backtrack exponentially) and silent servers cost a
 * bounded amount of time and memory.  Reaching a bound is never a crash or a
 * hang: the resolution ends with the status named below (or the offending
 * record is dropped, as noted), and a note in the trace says which bound. */
typedef enum rsip_limit {
	/** DNS questions per resolution (default 128, 1..100000).  Reached:
	 * RSIP_E_LIMIT. */
	RSIP_LIMIT_QUESTIONS = 0,
	/** SRV targets whose addresses are asked, per resolution of one URI
	 * (default 32, 1..10000).  The further targets are left out, with a
	 * note in the trace. */
	RSIP_LIMIT_SRV_TARGETS = 1,
	/** ENUM non-terminal NAPTR hops (default 5, RFC 6116 §5.2.1; 0..16).
	 * A rule beyond is taken as a loop: dropped; RSIP_E_LOOP when nothing
	 * else gives a SIP URI. */
	RSIP_LIMIT_NAPTR_HOPS = 2,
	/** SIP URIs from ENUM located in turn when one gives no target
	 * (default 8, 1..1000). */
	RSIP_LIMIT_ENUM_URIS = 3,
	/** Regexp cost: pcre2 match limit per rule (default 100000,
	 * 1..100000000); depth limit (default 10000, 1..10000000); heap limit
	 * in KiB (default 4096, 1..1048576).  A rule that reaches one is
	 * dropped; RSIP_E_LIMIT when nothing else gives a SIP URI. */
	RSIP_LIMIT_REGEX_MATCH = 4,
	RSIP_LIMIT_REGEX_DEPTH = 5,
	RSIP_LIMIT_REGEX_HEAP = 6,
	/** The longest result of a DDDS rewrite, in octets (default 2048,
	 * 1..65535); a longer one is dropped like a regexp over its cost. */
	RSIP_LIMIT_OUTPUT = 7,
	/** Milliseconds a resolution may take from its start (default 10000,
	 * 1..3600000).  Reached: RSIP_E_TIMEOUT, even when a server never
	 * answers; see rsip_ctx_timeout() for event loops. */
	RSIP_LIMIT_DEADLINE = 8,
	/** Addresses used per host and address family (default 32,
	 * 1..10000): of an A or AAAA answer, or of an SRV answer's additional
	 * section, the first ones in DNS order; the rest are left out, with a
	 * note in the result.  Per family, so that many IPv6 addresses never
	 * crowd out the IPv4 ones (RFC 7984 §4 wants both). */
	RSIP_LIMIT_ADDRESSES_PER_HOST = 9,
	/** Targets per result (default 64, 1..100000): the first ones in the
	 * order they are to be tried; the rest are left out, with a note in
	 * the result. */
	RSIP_LIMIT_TARGETS = 10,
	/** Milliseconds one DNS question may wait for its answer (default 0:
	 * until the deadline; 0..3600000).  A question whose time runs out is
	 * a failed one (see rsip_failure_policy): an A or AAAA question drops
	 * that family's addresses of its host, the targets known are
	 * delivered. */
	RSIP_LIMIT_QUESTION_TIMEOUT = 11
} rsip_limit;

/** Set one limit.  May be called at any time, from any thread: it applies to
 * the resolutions started afterwards.
 * @return RSIP_OK; RSIP_E_CONFIG when @p value is outside the range above
 *         (see rsip_ctx_errmsg()); RSIP_E_INVALID for a NULL context or an
 *         unknown @p which. */
RSIP_API rsip_status rsip_ctx_set_limit(rsip_ctx *ctx, rsip_limit which,
					unsigned long value);

/** Read one limit into @p *value.
 * @return RSIP_OK, RSIP_E_INVALID (NULL argument, unknown @p which). */
RSIP_API rsip_status rsip_ctx_get_limit(const rsip_ctx *ctx, rsip_limit which,
					unsigned long *value);

/* ------------------------------------------------------------------ */
/* Resolution                                                         */

/** The longest input rsip_resolve() and rsip_resolve_async() accept, in
 * octets; a longer one is RSIP_E_BAD_INPUT (bounded work). */
#define RSIP_INPUT_MAX 8192

/** Resolve a tel: URI, a bare "+E.164" number, or a sip:/sips: URI to the
 * ordered list of next hops, waiting for the answer.
 * @param resp  receives the result (also on failure, with the trace and the
 *              error); must be rsip_result_free()'d by caller.  NULL only
 *              when the return is RSIP_E_NOMEM or RSIP_E_INVALID.
 * @return the result's status. */
RSIP_API rsip_status rsip_resolve(rsip_ctx *ctx, const char *uri,
				  rsip_result **resp);

/** Called once per asynchronous resolution, from rsip_ctx_process() or
 * rsip_ctx_wait(), or from rsip_resolve_async() itself when the input is
 * malformed or every answer needed was in the context's cache.  @p result
 * belongs to the callee: rsip_result_free() it. */
typedef void (*rsip_callback)(void *arg, rsip_result *result);

/** Start a resolution; @p callback receives the result.  The first one of a
 * context in server or resolv.conf mode without an anchor of the caller's
 * waits here for one question (see rsip_ctx_dnssec_note()).
 * @param idp  receives an id for rsip_cancel() (may be NULL).
 * @return RSIP_OK when started (or already called back), RSIP_E_NOMEM,
 *         RSIP_E_CONFIG (the DNS mode could not be set up), RSIP_E_INVALID. */
RSIP_API rsip_status rsip_resolve_async(rsip_ctx *ctx, const char *uri,
					rsip_callback callback, void *arg,
					int *idp);

/** A file descriptor that becomes readable when answers are waiting; then
 * call rsip_ctx_process().  -1 before the first resolution has started. */
RSIP_API int rsip_ctx_fd(rsip_ctx *ctx);

/** Process the answers that have arrived, without blocking; runs callbacks.
 * Also ends with RSIP_E_TIMEOUT (calling back) every resolution whose
 * deadline (RSIP_LIMIT_DEADLINE) has passed: an event loop must call it when
 * rsip_ctx_timeout() milliseconds have passed, even if rsip_ctx_fd() never
 * became readable. */
RSIP_API rsip_status rsip_ctx_process(rsip_ctx *ctx);

/** Milliseconds until the earliest deadline of the outstanding resolutions
 * (or a question's own timeout, or the check of the servers' reachability:
 * every 20 ms while it runs, see rsip_ctx_unreachable_note()): the longest
 * an event loop may wait before calling rsip_ctx_process().
 * 0 when one is already due; -1 when no resolution is outstanding. */
RSIP_API int rsip_ctx_timeout(rsip_ctx *ctx);

/** Block until every outstanding resolution has called back. */
RSIP_API rsip_status rsip_ctx_wait(rsip_ctx *ctx);

/** Number of resolutions started and not yet called back. */
RSIP_API size_t rsip_ctx_pending(const rsip_ctx *ctx);

/** Where a request goes when it has a route set (RFC 3261 §8.1.2, §16.12;
 * RFC 3608 Service-Route): the first Route URI when it is a loose router
 * (;lr), else, per strict routing (RFC 3261 §12.2.1.1), the Request-URI it
 * becomes, which is that same first Route URI.  With no route (count 0),
 * @p request_uri is resolved as by rsip_resolve().  An outbound proxy is a
 * route set of one URI, placed first.  Route entries may be bare URIs or
 * name-addr forms ("<sip:p1.example.com;lr>").
 * @return the result's status; *resp as for rsip_resolve(). */
RSIP_API rsip_status rsip_resolve_route(rsip_ctx *ctx, const char *request_uri,
					const char *const *route, size_t count,
					rsip_result **resp);
/** The asynchronous form of rsip_resolve_route(). */
RSIP_API rsip_status rsip_resolve_route_async(rsip_ctx *ctx, const char *request_uri,
					      const char *const *route, size_t count,
					      rsip_callback callback, void *arg, int *idp);

/** Where to send a response when sending it the usual way failed (RFC 3263
 * §5): from the topmost Via header value ("SIP/2.0/UDP host:port;branch=..."):
 * a numeric sent-by: that address, the Via transport, the sent-by port or the
 * transport's default; a name with a port: its A/AAAA; a name without a port:
 * SRV _sips._tcp for TLS, else _sip._<transport>, in RFC 2782 order.
 * @return the result's status; *resp as for rsip_resolve(). */
RSIP_API rsip_status rsip_resolve_response(rsip_ctx *ctx, const char *via, rsip_result **resp);
/** The asynchronous form of rsip_resolve_response(). */
RSIP_API rsip_status rsip_resolve_response_async(rsip_ctx *ctx, const char *via,
						 rsip_callback callback, void *arg, int *idp);

/** Cancel a resolution; its callback will not be called.
 * @return RSIP_OK, RSIP_E_INVALID (no such id). */
RSIP_API rsip_status rsip_cancel(rsip_ctx *ctx, int id);

/* ------------------------------------------------------------------ */
/* Results                                                            */

/** Where a target's address came from. */
typedef enum rsip_source {
	RSIP_SOURCE_NUMERIC = 0, /**< the URI's host is an IP address */
	RSIP_SOURCE_SRV = 1,     /**< SRV target, then A/AAAA */
	RSIP_SOURCE_HOST = 2     /**< A/AAAA of the URI's host (no SRV) */
} rsip_source;

/** "numeric", "srv", "host"; "unknown" for anything else. */
RSIP_API const char *rsip_source_name(rsip_source source);

/** One next hop.  Owned by its result. */
struct rsip_target {
	rsip_transport transport;
	unsigned family;      /**< RSIP_FAMILY_IPV4 or RSIP_FAMILY_IPV6 */
	char address[46];     /**< textual address, no brackets */
	uint16_t port;
	const char *host;     /**< the name the address came from (absolute,
				   with trailing dot); NULL for a numeric host */
	uint16_t priority;    /**< SRV priority (0 without SRV) */
	uint16_t weight;      /**< SRV weight (0 without SRV) */
	rsip_dnssec dnssec;   /**< weakest link of the path to this target */
	rsip_source source;
	int recently_failed;  /**< marked failed (rsip_ctx_mark_failed()) within
				   the context's failure memory: moved last */
};

/** One DNS question asked for a resolution, with its answer and the
 * decisions taken on it.  Owned by its result. */
typedef struct rsip_step {
	const char *qname;       /**< absolute, trailing dot */
	uint16_t qtype;          /**< RR type number */
	const char *qtype_name;  /**< "NAPTR", "SRV", "A", "AAAA" */
	int rcode;               /**< DNS rcode; -1 when no answer came */
	const char *rcode_name;  /**< "NOERROR", "NXDOMAIN", ..., "NONE" */
	rsip_dnssec dnssec;
	const char *why_bogus;   /**< NULL unless bogus */
	unsigned wave;           /**< 1 = first round of questions */
	size_t answer_count;
	const char *const *answers; /**< the answer RRs in presentation format */
	size_t note_count;
	const char *const *notes;   /**< decisions, for a person */
	int from_cache;          /**< answered from the context's cache, not asked */
	/** NULL unless the question failed (SERVFAIL, REFUSED, no answer in
	 * time...): how, naming the server.  A failed question is not an empty
	 * one: its records, if any, are not used.  (Added after the fields
	 * above; a result is allocated by the library, so the layout grows only
	 * at the end.) */
	const char *failure;
	/** NULL, or answer_count flags: answer_on_path[i] is nonzero when
	 * answers[i] led to the targets, as the phase that read it decided:
	 * the RFC 3263 NAPTR record whose SRV set gave targets, the SRV
	 * records and the A/AAAA records that gave targets, the ENUM NAPTR
	 * records selected and the non-terminal records that led to them.
	 * NULL when none did (or the trace is off).  (Added after failure,
	 * for the same reason.) */
	const unsigned char *answer_on_path;
} rsip_step;

/** The part one answer of a step played: on the path to a target, and how,
 * as the phase that read it decided (rsip_result_answer_role()). */
typedef enum rsip_answer_role {
	RSIP_ROLE_NONE = 0,    /**< led to no target */
	/** an ENUM NAPTR record whose URI was located, or a non-terminal one
	 * that led to it (RFC 6116 §5.2.1) */
	RSIP_ROLE_ENUM = 1,
	RSIP_ROLE_NAPTR = 2,   /**< the RFC 3263 §4.1 NAPTR whose SRV set gave targets */
	RSIP_ROLE_SRV = 3,     /**< an SRV record that gave a target (RFC 3263 §4.2) */
	RSIP_ROLE_ADDRESS = 4  /**< an A or AAAA record whose address is a target's */
} rsip_answer_role;

/** "none", "enum", "naptr", "srv", "address"; "unknown" for anything else. */
RSIP_API const char *rsip_answer_role_name(rsip_answer_role role);

/** Verdict on one ENUM NAPTR record. */
typedef enum rsip_verdict {
	RSIP_VERDICT_SELECTED = 0,    /**< its URI is the one located */
	RSIP_VERDICT_FALLBACK = 1,    /**< a SIP URI tried after the selected one */
	RSIP_VERDICT_NOT_SIP = 2,     /**< valid, but of no enumservice the client uses
					   (rsip_ctx_set_enumservices()): passed over,
					   RFC 3402 §3.3 step 4 */
	RSIP_VERDICT_INVALID = 3,     /**< malformed: dropped (see reason) */
	RSIP_VERDICT_NO_MATCH = 4,    /**< its regexp did not match the AUS */
	RSIP_VERDICT_NOT_REACHED = 5, /**< of another ORDER, after a match (RFC 3403 §4.1) */
	RSIP_VERDICT_NO_TARGET = 6    /**< a SIP URI located without a target; the next was tried */
} rsip_verdict;

/** "selected", "fallback", "not-sip", "invalid", "no-match", "not-reached",
 * "no-target". */
RSIP_API const char *rsip_verdict_name(rsip_verdict verdict);

/** One ENUM NAPTR record with what became of it.  Owned by its result. */
typedef struct rsip_naptr {
	const char *owner;
	uint16_t order;
	uint16_t preference;
	const char *flags;
	const char *services;
	const char *regexp;
	const char *replacement;
	const char *result;      /**< the URI (or key) the rule produced, or NULL */
	rsip_verdict verdict;
	const char *reason;      /**< why, for a person; NULL when obvious */
} rsip_naptr;

/** Free a result.  Accepts NULL. */
RSIP_API void rsip_result_free(rsip_result *res);

RSIP_API rsip_status rsip_result_status(const rsip_result *res);
/** The input as given. */
RSIP_API const char *rsip_result_input(const rsip_result *res);
/** A sentence saying what went wrong; NULL when the status is RSIP_OK. */
RSIP_API const char *rsip_result_error(const rsip_result *res);
/** The SIP/SIPS URI that was located (for tel: input, the one ENUM gave);
 * NULL when none was reached. */
RSIP_API const char *rsip_result_uri(const rsip_result *res);
/** Weakest DNSSEC state along the chain. */
RSIP_API rsip_dnssec rsip_result_dnssec(const rsip_result *res);
/** Sequential waves of DNS questions the resolution took. */
RSIP_API unsigned rsip_result_waves(const rsip_result *res);
/** DNS questions asked. */
RSIP_API unsigned rsip_result_questions(const rsip_result *res);

RSIP_API size_t rsip_result_target_count(const rsip_result *res);
/** The i-th target, in the order a client must try them; NULL past the end. */
RSIP_API const rsip_target *rsip_result_target(const rsip_result *res,
					       size_t i);

/** Decisions not tied to one DNS question (route set, failover memory,
 * ENUM dip indicator...), for a person, in order. */
RSIP_API size_t rsip_result_note_count(const rsip_result *res);
RSIP_API const char *rsip_result_note(const rsip_result *res, size_t i);

RSIP_API size_t rsip_result_step_count(const rsip_result *res);
RSIP_API const rsip_step *rsip_result_step(const rsip_result *res, size_t i);
/** The role of answers[answer] of step i (rsip_step.answer_on_path says
 * the same as a flag); RSIP_ROLE_NONE past the end or with the trace off. */
RSIP_API rsip_answer_role rsip_result_answer_role(const rsip_result *res, size_t i,
						  size_t answer);
/** When answers[answer] of step i is an ENUM record of the result, set *record
 * to its index (rsip_result_enum_record()) and return 1; else return 0. */
RSIP_API int rsip_result_answer_enum_record(const rsip_result *res, size_t i, size_t answer,
					    size_t *record);

/** Non-zero when ENUM was used (tel: or +E.164 input). */
RSIP_API int rsip_result_has_enum(const rsip_result *res);
/** The ENUM AUS, "+" and digits; NULL without ENUM. */
RSIP_API const char *rsip_result_enum_aus(const rsip_result *res);
/** The ENUM domains asked (one per suffix), in suffix order. */
RSIP_API size_t rsip_result_enum_domain_count(const rsip_result *res);
RSIP_API const char *rsip_result_enum_domain(const rsip_result *res,
					     size_t i);
/** Every NAPTR record seen by ENUM, in the order they were considered. */
RSIP_API size_t rsip_result_enum_record_count(const rsip_result *res);
RSIP_API const rsip_naptr *rsip_result_enum_record(const rsip_result *res,
						   size_t i);
/** The SIP/SIPS URIs ENUM produced, in the order they are tried. */
RSIP_API size_t rsip_result_enum_uri_count(const rsip_result *res);
RSIP_API const char *rsip_result_enum_uri(const rsip_result *res, size_t i);

/* ------------------------------------------------------------------ */
/* DDDS on given rules (RFC 3401-3403), for any DDDS application       */

/* The DDDS engine behind ENUM, on its own: rules in, rules applied, outcomes
 * out.  It asks no DNS question: the caller fetches the rules bound to a key
 * (NAPTR records, RFC 3403) and hands them over with its Application Unique
 * String; a non-terminal outcome gives the next key to fetch.  Example, the
 * URN of RFC 3403 §6.1:
 *
 *     rsip_ddds_rule cid = {100, 10, "", "",
 *                           "!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i", "."};
 *     rsip_ddds_result *res;
 *     rsip_ddds_apply("urn:cid:199606121851.1@bar.example.com", &cid, 1,
 *                     NULL, NULL, NULL, &res);
 *     // rsip_ddds_result_outcome(res, 0) == RSIP_DDDS_NON_TERMINAL
 *     // rsip_ddds_result_output(res, 0) is "example.com": ask its rules next
 *     rsip_ddds_result_free(res);
 */

/** One rule bound to a key: the fields of a NAPTR record (RFC 3403 §4.1).
 * The strings belong to the caller and are only read during the call. */
typedef struct rsip_ddds_rule {
	uint16_t order;          /**< lower first; once a rule matched, other
				      ORDERs are not considered */
	uint16_t preference;     /**< lower first within one ORDER */
	const char *flags;       /**< letters and digits; "" (or NULL): the rule is
				      non-terminal, its output is the next key */
	const char *services;    /**< the application's service field ("" or NULL
				      for none); passed to the accept callback */
	const char *regexp;      /**< substitution expression (RFC 3402 §3.2) as
				      received, e.g. "!^.*$!sip:info@example.com!";
				      "" or NULL: none */
	const char *replacement; /**< a domain name; ".", "" or NULL: none */
} rsip_ddds_rule;

/** What became of one rule. */
typedef enum rsip_ddds_outcome {
	RSIP_DDDS_TERMINAL = 0,     /**< a terminal rule gave its output (RFC 3402 §3.3 step 6) */
	RSIP_DDDS_NON_TERMINAL = 1, /**< the output is the next key (RFC 3402 §3.3 step 5) */
	RSIP_DDDS_NO_MATCH = 2,     /**< the regexp did not match the AUS, or gave "" */
	RSIP_DDDS_INVALID = 3,      /**< malformed or unusable: dropped (see the reason) */
	RSIP_DDDS_NOT_REACHED = 4,  /**< another ORDER matched first (RFC 3403 §4.1) */
	RSIP_DDDS_REJECTED = 5      /**< the accept callback refused its service
				         (RFC 3402 §3.3 step 4) */
} rsip_ddds_outcome;

/** "terminal", "non-terminal", "no-match", "invalid", "not-reached",
 * "rejected".  Never NULL. */
RSIP_API const char *rsip_ddds_outcome_name(rsip_ddds_outcome outcome);

/** Does the client want this rule's service (RFC 3402 §3.3 step 4)?  Called
 * for each rule that produced an output, in order, with that output.
 * @return non-zero to accept; a refused rule is RSIP_DDDS_REJECTED and does
 *         not count as a match. */
typedef int (*rsip_ddds_accept_fn)(void *arg, const rsip_ddds_rule *rule,
				   const char *output);

/** Opaque outcomes of rsip_ddds_apply().  Must be rsip_ddds_result_free()'d
 * by the caller. */
typedef struct rsip_ddds_result rsip_ddds_result;

/** Apply the rules bound to one key to the Application Unique String.
 *
 * Every rule is validated first (RFC 3403 §4.1: flags are letters and
 * digits, each among @p terminal_flags when given; regexp and replacement
 * are mutually exclusive; the replacement is a domain name; the regexp
 * follows RFC 3402 §3.2 with a POSIX ERE).  A bad rule is dropped and
 * reported, never aborting the others.  The valid ones are ordered by ORDER,
 * then PREFERENCE, ties in the order given (RFC 3403 §4.1, RFC 6116 §5.2), and
 * applied to @p aus (always the original AUS, RFC 3402 §3): the regexp's
 * result, or the replacement.  Once a rule produced an output that was
 * accepted, rules of another ORDER are not considered; those of the same
 * ORDER are still applied, as fallbacks in order.  A non-terminal output must
 * be a legal domain name.  To go on after a non-terminal output led nowhere
 * (RFC 6116 §5.2.1), call again without that rule.
 *
 * @param aus             the Application Unique String (UTF-8).
 * @param rules           @p count rules, in the order the database gave them.
 * @param count           at most 65535.
 * @param terminal_flags  the flags the application defines, e.g. "u" for
 *                        ENUM or "SAUP" for RFC 3404, any case; a rule with
 *                        another flag is invalid.  NULL accepts any flag.
 * @param accept          service filter, or NULL to accept every rule.
 * @param accept_arg      passed to @p accept.
 * @param resp            receives one outcome per rule, in the order the rules
 *                        were considered; must be rsip_ddds_result_free()'d by
 *                        the caller.  NULL only on RSIP_E_NOMEM and
 *                        RSIP_E_INVALID.
 * @return RSIP_OK when some rule gave an accepted output; RSIP_E_NOT_FOUND
 *         when none did (the outcomes say why); RSIP_E_NOMEM; RSIP_E_INVALID
 *         (NULL aus, resp or rules with a count, more than 65535 rules). */
RSIP_API rsip_status rsip_ddds_apply(const char *aus, const rsip_ddds_rule *rules,
				     size_t count, const char *terminal_flags,
				     rsip_ddds_accept_fn accept, void *accept_arg,
				     rsip_ddds_result **resp);

/** Free outcomes.  Accepts NULL. */
RSIP_API void rsip_ddds_result_free(rsip_ddds_result *res);

/** Number of outcomes: the number of rules given. */
RSIP_API size_t rsip_ddds_result_count(const rsip_ddds_result *res);

/** The i-th outcome, in the order the rules were considered (invalid rules
 * keep their place by ORDER and PREFERENCE).  RSIP_DDDS_INVALID past the end. */
RSIP_API rsip_ddds_outcome rsip_ddds_result_outcome(const rsip_ddds_result *res,
						    size_t i);

/** Index, in the caller's array, of the rule of the i-th outcome; (size_t)-1
 * past the end. */
RSIP_API size_t rsip_ddds_result_rule(const rsip_ddds_result *res, size_t i);

/** The output of the i-th outcome: the terminal result, or the next key;
 * also the output of a rejected rule.  NULL otherwise.  Owned by the
 * result. */
RSIP_API const char *rsip_ddds_result_output(const rsip_ddds_result *res, size_t i);

/** Why the i-th rule was dropped or did not apply, for a person; NULL when
 * there is nothing to say.  Owned by the result. */
RSIP_API const char *rsip_ddds_result_reason(const rsip_ddds_result *res, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* RESOLVSIP_H */
