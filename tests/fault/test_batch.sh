#!/bin/sh
# test_batch.sh - a batch survives its bad domains: sipresolve --batch against
# tests/fault/faultdns, 3,000 lines in which every tenth domain is dropped, answered
# 3 s late or SERVFAIL (a third each), at the default options and at --concurrency 1000.
# Every good line resolves, results leave in input order, and one slow line does not
# hold up the lines behind it (the reorder buffer, sipresolve(1) "Batch mode").  What
# failed is dns-failure or timeout, never ok: a failed NAPTR is no absence of NAPTR
# (RFC 3263 §4.1).  bench/run runs the 10,000-line version.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
N=3000
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }
if [ -n "${RSIP_VALGRIND:-}" ] || [ -n "${TSAN_OPTIONS:-}" ]; then
	echo "1..0 # SKIP thousands of resolutions at once: not under valgrind or TSan"
	exit 0
fi

. "$top_srcdir/tests/fault/server.sh"

sh "$top_srcdir/bench/gen-batch.sh" "$N" "$tmp"
start_faultdns 300 -z "$tmp/batch.test.zone" -r "$tmp/batch.rules"
good=$(grep -c '@g' "$tmp/input")

# batch NAME ARGS...: sets $rc, $secs, $tmp/NAME.out.  Bounded: every URI has the
# default deadline of 10 s, and the server lives 300 s.
batch() {
	name=$1
	shift
	t0=$(date +%s)
	"$SIPRESOLVE" "@127.0.0.1#$port" --json "$@" --batch "$tmp/input" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	secs=$(($(date +%s) - t0))
	err=$(cat "$tmp/$name.err")
	check_finding "--batch $name"
}

check_batch() {
	name=$1
	is "$(wc -l <"$tmp/$name.out" | tr -d ' ')" "$N" "$name: a result for each of the $N lines (exit $rc, $secs s)"
	jq -r .input "$tmp/$name.out" >"$tmp/$name.order"
	cmp -s "$tmp/$name.order" "$tmp/input"
	ok $? "$name: the results in input order"
	n=$(jq -r 'select((.input | test("@g")) and .status == "ok") | .input' "$tmp/$name.out" | wc -l)
	is "$n" "$good" "$name: every good line resolved ($n of $good)"
	bad=$(jq -r 'select(.input | test("@g") | not) | .status' "$tmp/$name.out" |
		sort -u | tr '\n' ' ')
	case "$bad" in *ok*) r=1 ;; *) r=0 ;; esac
	ok $r "$name: no bad line ok ($bad)"
	n=$(jq -r 'select(.input | test("[.]sf[.]")) | .status' "$tmp/$name.out" | sort -u)
	is "$n" "dns-failure" "$name: a SERVFAIL domain is dns-failure"
}

# 3,000 lines, 100 at a time: before the reorder buffer and libunbound's capacity were
# set, one slow line held the 99 behind it and most good lines timed out.
batch default
check_batch default
# The ceiling: a good line takes milliseconds; only the bad ones wait (up to 10 s).
if [ -n "${ASAN_OPTIONS:-}" ]; then
	skip "default: $N lines in $secs s (no ceiling under the sanitizers)"
else
	[ "$secs" -lt 40 ]
	ok $? "default: $N lines in $secs s, under 40 s"
fi

# --concurrency 1000 (sipresolve(1)'s example): 1,000 lines on the wire at once.
batch wide --concurrency 1000
check_batch wide

stop_server
done_testing
