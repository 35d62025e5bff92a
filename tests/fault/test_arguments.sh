#!/bin/sh
# test_arguments.sh - several URIs on the command line are resolved concurrently, as a
# batch is, and printed in argument order (sipresolve(1)): against tests/fault/faultdns
# answering every question 300 ms late (below libunbound's first retry, 376 ms, so that
# each question is answered once), three URIs of two waves each (NAPTR, then SRV with
# the addresses as additional data, RFC 3263 §4.1, RFC 2782) take about 0.6 s, not the
# 1.8 s of one after another.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }
if [ -n "${RSIP_VALGRIND:-}" ]; then
	echo "1..0 # SKIP timed: not under valgrind"
	exit 0
fi

# Three domains, each NAPTR -> SRV (a port of its own, to tell them apart) -> A, AAAA.
{
	printf '$ORIGIN slow.test.\n$TTL 3600\n'
	printf '@ IN SOA ns.slow.test. hostmaster.slow.test. 1 3600 600 86400 60\n'
	printf '@ IN NS ns\nns IN A 127.0.0.1\n'
	n=0
	for d in a b c; do
		n=$((n + 1))
		printf '%s IN NAPTR 10 50 "s" "SIP+D2U" "" _sip._udp.%s\n' "$d" "$d"
		printf '_sip._udp.%s IN SRV 0 1 506%s h.%s\n' "$d" "$n" "$d"
		printf 'h.%s IN A 192.0.2.%s\nh.%s IN AAAA 2001:db8::%s\n' "$d" "$n" "$d" "$n"
	done
} >"$tmp/slow.test.zone"
printf '*.slow.test.\tANY\tdelay 300\n' >"$tmp/slow.rules"

. "$top_srcdir/tests/fault/server.sh"
start_faultdns 60 -z "$tmp/slow.test.zone" -r "$tmp/slow.rules"

# timed NAME ARGS...: sipresolve against the server; sets $out, $err, $rc, $ms.
timed() {
	name=$1
	shift
	t0=$(date +%s%N)
	run "@127.0.0.1#$port" "$@" sip:x@a.slow.test sip:y@b.slow.test sip:z@c.slow.test
	ms=$((($(date +%s%N) - t0) / 1000000))
	is "$rc" 0 "$name: exit 0, every URI resolved"
	[ "$ms" -lt 1300 ]
	ok $? "$name: three URIs of two 300 ms waves each in $ms ms, under 1.3 s (one after another: 1.8 s)"
}

timed text
is "$(printf '%s\n' "$out" | sed -n 's/^Input: //p' | tr '\n' ' ')" \
	"sip:x@a.slow.test sip:y@b.slow.test sip:z@c.slow.test " "text: in argument order"

timed json --json
is "$(printf '%s\n' "$out" | jq -r .input | tr '\n' ' ')" \
	"sip:x@a.slow.test sip:y@b.slow.test sip:z@c.slow.test " "json: in argument order"

timed short --short
is "$(printf '%s\n' "$out" | awk '{ print $3 }' | uniq | tr '\n' ' ')" "5061 5062 5063 " \
	"short: each URI's targets in argument order"

# The exit status stays the highest of the inputs (sipresolve(1) EXIT STATUS).
run "@127.0.0.1#$port" sip:x@a.slow.test sip:y@nothere.slow.test
is "$rc" 1 "several URIs, one not found: exit 1"
run "@127.0.0.1#$port" sip:x@a.slow.test bad sip:y@nothere.slow.test
is "$rc" 2 "several URIs, one malformed: exit 2"
is "$(printf '%s\n' "$out" | sed -n 's/^Input: //p' | tr '\n' ' ')" \
	"sip:x@a.slow.test bad sip:y@nothere.slow.test " "a malformed one keeps its place"

done_testing
