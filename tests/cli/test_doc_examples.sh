#!/bin/sh
# test_doc_examples.sh - every C example of the man pages and of README.md is
# built by make check (tests/examples/: the page's text, extracted at build
# time, inside a harness) and run here; no code block is left unmarked.  The
# event-loop example must deliver the callback of a dead server at its
# deadline (rsip_ctx_timeout()), not when libunbound gives up.  The only DNS
# traffic: to tests/fault/faultdns on 127.0.0.1, which drops the questions.
. "$(dirname "$0")/lib.sh"
EX="$top_builddir/tests/examples"
cd "$top_srcdir" || exit 1 # the examples use "zones"

# Every code block of doc/man3 (.nf then .RS) is an example or a declaration.
for page in doc/man3/*.3; do
	unmarked=$(awk 'prev !~ /^\.\\" (example: |declaration)/ && /^\.nf/ { nf = NR }
		nf == NR - 1 && /^\.RS/ { print FILENAME ":" nf } { prev = $0 }' "$page")
	[ -z "$unmarked" ] || { ok 1 "$page: every code block is marked"; echo "#   $unmarked"; }
done
ok 0 "the code blocks of doc/man3 are each an example or a declaration"
unmarked=$(awk '/^```c/ && prev !~ /^<!-- example: / { print NR } { prev = $0 }' README.md)
is "$unmarked" "" "README.md: every C block is an example"

out=$("$EX/sync" 2>&1); rc=$?
is "$rc" 0 "libresolvsip(3) synchronous use: exit 0"
contains "$out" "target tls 134.102.218.67 5061" "libresolvsip(3) synchronous use: the demo's targets"

out=$("$EX/failover" 2>&1); rc=$?
is "$rc" 0 "libresolvsip(3) failover: exit 0"
is "$(printf '%s\n' "$out" | head -n 2)" "$(printf '%s\n' \
	'attempt 1: tls 134.102.218.67 5061' 'attempt 2: tls 2001:db8:218::65 5061')" \
	"libresolvsip(3) failover: RFC 3263 §4.3, the next target after a failure"

out=$("$EX/next_target" 2>&1); rc=$?
is "$rc" 0 "rsip_result(3) failover: exit 0"
contains "$out" "attempt 2: tls 2001:db8:218::65 5061" "rsip_result(3) failover: the second target"

out=$("$EX/setup" 2>&1); rc=$?
is "$rc" 0 "rsip_ctx_new(3) set-up: exit 0"
is "$out" "configured" "rsip_ctx_new(3) set-up: every setting taken"

out=$("$EX/ddds" 2>&1); rc=$?
is "$rc" 0 "rsip_ddds_apply(3): exit 0"
is "$out" "non-terminal example.com" "rsip_ddds_apply(3): what its comment says (RFC 3402 §3.2)"

out=$("$EX/route" 2>&1); rc=$?
is "$rc" 0 "rsip_resolve(3) route set: exit 0"
contains "$out" "uri sip:proxy.example.com;lr" \
	"rsip_resolve(3) route set: the first Route is located (RFC 3261 §8.1.2)"

out=$("$EX/steps" 2>&1); rc=$?
is "$rc" 0 "rsip_result(3) steps: exit 0"
contains "$out" "_sips._tcp.tzi.org. SRV -> NOERROR" "rsip_result(3) steps: the questions and rcodes"

out=$("$EX/readme" 2>&1); rc=$?
is "$rc" 0 "README.md library example: exit 0"
is "$(printf '%s\n' "$out" | head -n 1)" "tls 134.102.218.67 5061" \
	"README.md library example: the first target of the demo"

# The event loop of libresolvsip(3) and doc/examples/eventloop.c against a
# server that never answers (tests/fault/faultdns dropping the questions of
# dropped.fault.test: a server that refuses is known at once, one that drops
# only at the deadline): each result at the deadline (2 s) + 1 s at most.
FAULTDNS="$top_builddir/tests/fault/faultdns"
[ -x "$FAULTDNS" ] || { echo "Bail out! tests/fault/faultdns is not built"; exit 1; }
. "$top_srcdir/tests/fault/server.sh"
start_faultdns 60 -z "$top_srcdir/tests/fault/fault.test.zone" \
	-r "$top_srcdir/tests/fault/faults.rules"
DEAD="127.0.0.1#$port"
out=$("$EX/eventloop" "$DEAD" 2000 sip:a@dropped.fault.test sip:b@dropped.fault.test 2>&1)
rc=$?
is "$rc" 0 "libresolvsip(3) event loop: exit 0"
is "$(printf '%s\n' "$out" | grep -c '^status timeout')" 2 \
	"libresolvsip(3) event loop: both resolutions end with a timeout"
ms=$(printf '%s\n' "$out" | sed -n 's/^loop \([0-9]*\) ms$/\1/p')
[ -n "$ms" ] && [ "$ms" -ge 1900 ] && [ "$ms" -le 3000 ]
ok $? "libresolvsip(3) event loop: the dead server's callbacks at the deadline (${ms:-?} ms)"

start=$(date +%s%N)
out=$(DEADLINE_MS=2000 "$top_builddir/doc/examples/eventloop" "@$DEAD" sip:a@dropped.fault.test 2>&1)
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
is "$rc" 1 "doc/examples/eventloop, a dead server: exit 1"
contains "$out" "sip:a@dropped.fault.test: timeout:" \
	"doc/examples/eventloop, a dead server: a timeout result"
[ "$ms" -le 3000 ]
ok $? "doc/examples/eventloop, a dead server: at the deadline + 1 s at most ($ms ms)"
done_testing
