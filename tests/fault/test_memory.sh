#!/bin/sh
# test_memory.sh - memory stays bounded when every answer is huge: sipresolve --batch
# at the default concurrency against tests/fault/faultdns, each line a name of its own
# whose answer is 64 KB (tests/fault/memory.rules).  The peak resident set size
# (/usr/bin/time -v) of a batch of ENUM numbers with some 800 NAPTR records each, and of
# one of hosts with 4092 A records each, stays under 256 MiB: the answer cache is bounded
# in bytes (rsip_ctx_set_cache_bytes()), and the targets of a host and of a result are
# bounded (RSIP_LIMIT_ADDRESSES_PER_HOST, RSIP_LIMIT_TARGETS) with a note.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
FDIR="$top_srcdir/tests/fault"
PEAK_MAX_KB=262144 # 256 MiB
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x /usr/bin/time ] || { echo "1..0 # SKIP /usr/bin/time is not installed (package time)"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }
# valgrind and the sanitizers multiply memory and time: nothing to measure there.
if [ -n "${RSIP_VALGRIND:-}" ] || [ -n "${ASAN_OPTIONS:-}" ] || [ -n "${TSAN_OPTIONS:-}" ]; then
	echo "1..0 # SKIP peak memory is not measured under valgrind or sanitizers"
	exit 0
fi

. "$top_srcdir/tests/fault/server.sh"
start_faultdns 120 -z "$FDIR/fault.test.zone" -r "$FDIR/memory.rules"

# batch NAME ARGS...: sipresolve --json --batch $tmp/NAME.in under /usr/bin/time -v, at
# the default concurrency; sets $rc, $peak (KB) and $secs.  Bounded: the server lives
# 120 s, and every URI has the default deadline of 10 s.
batch() {
	name=$1
	shift
	t0=$(date +%s)
	# --timeout 60: this measures memory, not time; 64 KB answers over TCP on a
	# loaded machine (a sanitizer build, other tests beside) can take more than
	# the default 10 s, and a result that timed out holds no addresses to count.
	/usr/bin/time -v "$SIPRESOLVE" "@127.0.0.1#$port" --json --timeout 60 "$@" \
		--batch "$tmp/$name.in" \
		>"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	secs=$(($(date +%s) - t0))
	err=$(cat "$tmp/$name.err")
	check_finding "--batch $name"
	peak=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$tmp/$name.err")
	: "${peak:=0}"
}
lines() { wc -l <"$1" | tr -d ' '; }

# ---- 400 ENUM numbers, some 800 NAPTR records each ------------------------------------
# Their services (SIP+D2U) are no ENUM service: every number is not found, after its
# whole answer went through the DDDS rules (RFC 6116 §3.2) and into the result.
awk 'BEGIN { for (i = 0; i < 400; i++) printf "tel:+1555%07d\n", i }' >"$tmp/naptr.in"
batch naptr --suffix bignaptr.fault.test
is "$(lines "$tmp/naptr.out")" 400 "naptr: a result for each of the 400 numbers (exit $rc)"
is "$(jq -r .status "$tmp/naptr.out" | sort -u | tr '\n' ' ')" "not-found " \
	"naptr: each one not found (no E2U+sip rule)"
n=$(jq '.enum.records | length' "$tmp/naptr.out" | sort -n | head -n 1)
[ "${n:-0}" -ge 700 ]
ok $? "naptr: each answer held hundreds of NAPTR records (at least $n)"
[ "$peak" -gt 0 ] && [ "$peak" -lt "$PEAK_MAX_KB" ]
ok $? "naptr: peak RSS $peak KB, under 256 MiB ($secs s)"

# ---- 220 hosts, 4092 A records each ---------------------------------------------------
# An explicit port: A/AAAA of the host only (RFC 3263 §4.2).
awk 'BEGIN { for (i = 0; i < 220; i++) printf "sip:x@h%d.biga.fault.test:5060\n", i }' \
	>"$tmp/a.in"
batch a
is "$(lines "$tmp/a.out")" 220 "a: a result for each of the 220 hosts (exit $rc)"
is "$(jq -r .status "$tmp/a.out" | sort -u | tr '\n' ' ')" "ok " "a: each one resolved"
is "$(jq '.targets | length' "$tmp/a.out" | sort -u | tr '\n' ' ')" "32 " \
	"a: 32 targets each (RSIP_LIMIT_ADDRESSES_PER_HOST), not 4092"
note='has 40[0-9]+ IPv4 addresses: the first 32 are used, 40[0-9]+ left out'
is "$(jq --arg re "$note" '.notes | map(select(test($re))) | length' "$tmp/a.out" |
	sort -u | tr '\n' ' ')" "1 " "a: each result has a note of the addresses left out"
[ "$peak" -gt 0 ] && [ "$peak" -lt "$PEAK_MAX_KB" ]
ok $? "a: peak RSS $peak KB, under 256 MiB ($secs s)"

stop_server
done_testing
