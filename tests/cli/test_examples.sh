#!/bin/sh
# test_examples.sh - the example programs of doc/examples run against the
# bundled zones and do what the README says: failover (RFC 3263 §4.3), the
# next hop of a UAC (nexthop), resolutions inside a poll() loop (eventloop).
. "$(dirname "$0")/lib.sh"
EX="$top_builddir/doc/examples"

out=$("$EX/failover" "$ZONES" tel:+49-421-201-7028 2>&1); rc=$?
is "$rc" 0 "failover example: exits 0 once a target answers"
contains "$out" "attempt 1: tls 134.102.218.67 port 5061" \
	"failover example: the first target is tried first"
contains "$out" "attempt 2: tls 2001:db8:218::65 port 5061 ... 200 OK" \
	"RFC 3263 §4.3: after the first target failed, the example is handed the second"
out=$("$EX/failover" "$ZONES" sip:nobody@nonexistent.example 2>&1); rc=$?
is "$rc" 1 "failover example: a URI without targets fails cleanly"

# nexthop: the README's first example program.
out=$("$EX/nexthop" "$ZONES" tel:+49-421-201-7028 2>&1); rc=$?
is "$out" "tls 134.102.218.67 5061" "nexthop: the first next hop of the demo (RFC 3263 §4.1)"
is "$rc" 0 "nexthop: exit 0"
out=$("$EX/nexthop" -a "$ZONES" sip:jo@tzi.org 2>&1); rc=$?
is "$out" "$(printf '%s\n' 'tls 134.102.218.67 5061' 'tls 2001:db8:218::65 5061' \
	'tls 134.102.218.65 5061')" "nexthop -a: every next hop in order (RFC 2782 priorities)"
# The same list as sipresolve --short gives.
"$SIPRESOLVE" --zones "$ZONES" --short sip:jo@tzi.org >"$tmp/short"
is "$out" "$(cat "$tmp/short")" "nexthop -a: the list sipresolve --short prints"
out=$("$EX/nexthop" "$ZONES" sip:nobody@nonexistent.example 2>&1); rc=$?
is "$rc" 1 "nexthop: exit 1 without a target"
contains "$out" "nonexistent.example. does not exist (NXDOMAIN)" "nexthop: ...and says why"
out=$("$EX/nexthop" 2>&1); rc=$?
is "$rc" 2 "nexthop: usage error without arguments"
out=$("$EX/nexthop" /nonexistent tel:+1 2>&1); rc=$?
contains "$out" "/nonexistent" "nexthop: a bad zones directory is named"

# eventloop: several resolutions in flight, printed as they arrive.
out=$("$EX/eventloop" "$ZONES" tel:+49-421-201-7028 sip:jo@tzi.org \
	'sip:jo@tzi.org;transport=tcp' sip:nobody@nonexistent.example 'sip:bad@@x' 2>&1); rc=$?
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 5 "eventloop: one line per URI"
contains "$out" "tel:+49-421-201-7028: tls 134.102.218.67 5061 (3 targets, " \
	"eventloop: the ENUM demo resolves inside the poll() loop"
contains "$out" "sip:jo@tzi.org;transport=tcp: tcp " "eventloop: the transport parameter is kept"
contains "$out" "sip:nobody@nonexistent.example: not-found:" "eventloop: a failure is reported"
is "$(printf '%s\n' "$out" | head -n 1 | cut -d: -f1-3)" "sip:bad@@x: bad-input" \
	"eventloop: a malformed URI calls back at once, before the loop"
is "$rc" 1 "eventloop: exit 1 when some URI has no target"
out=$("$EX/eventloop" "$ZONES" sip:jo@tzi.org tel:+49-421-201-7028 2>&1); rc=$?
is "$rc" 0 "eventloop: exit 0 when every URI has a target"
done_testing
