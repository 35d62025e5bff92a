#!/bin/sh
# test_examples.sh - the example programs of doc/examples run against the
# bundled zones and do what the README says.
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

done_testing
