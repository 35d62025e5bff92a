#!/bin/sh
# test_badinput.sh - every malformed option, URI and batch
# line gets a message that names it and exit status 2 (in a batch, a
# bad-input result for that line, and the batch goes on); nothing crashes.
# Also the limits of the command line: --timeout, --max-questions, --max-addresses,
# --max-targets, --cache-bytes.
. "$(dirname "$0")/lib.sh"
HZONES="$top_srcdir/tests/hostile"

# usage_error NAME NEEDLE ARGS...: exit 2, nothing on stdout, a message on
# stderr naming NEEDLE and pointing at --help.
usage_error() {
	name=$1 needle=$2
	shift 2
	run "$@"
	is "$rc" 2 "$name: exit 2"
	contains "$err" "$needle" "$name: the message names '$needle'"
	is "$out" "" "$name: nothing on standard output"
}

# ---- options --------------------------------------------------------------
usage_error "unknown long option" "--bogus" --bogus tel:+1
usage_error "unknown short option" "-x" -x tel:+1
usage_error "ambiguous abbreviation" "--t" --t udp tel:+1
usage_error "missing argument" "--zones" --zones
usage_error "missing argument of --timeout" "--timeout" tel:+1 --timeout
usage_error "argument to a flag" "--json" --json=yes tel:+1
usage_error "--seed not a number" "--seed" --seed abc tel:+1
usage_error "--seed negative" "'-1'" --seed -1 tel:+1
usage_error "--seed too big" "18446744073709551616" --seed 18446744073709551616 tel:+1
usage_error "--seed empty" "--seed" --seed '' tel:+1
usage_error "--concurrency 0" "'0' is out of range" --concurrency 0 tel:+1
usage_error "--concurrency too big" "100001" --concurrency 100001 tel:+1
usage_error "--concurrency not a number" "'1e3'" --concurrency 1e3 tel:+1
usage_error "--timeout 0" "--timeout: '0' is out of range" --timeout 0 tel:+1
usage_error "--timeout negative" "'-1'" --timeout -1 tel:+1
usage_error "--timeout words" "'soon'" --timeout soon tel:+1
usage_error "--timeout 4 decimals" "'1.2345'" --timeout 1.2345 tel:+1
usage_error "--timeout below 1 ms" "'0.0005'" --timeout 0.0005 tel:+1
usage_error "--timeout above an hour" "'3601'" --timeout 3601 tel:+1
usage_error "--timeout trailing dot" "'1.'" --timeout 1. tel:+1
usage_error "--max-questions 0" "--max-questions: '0'" --max-questions 0 tel:+1
usage_error "--max-questions too big" "'100001'" --max-questions 100001 tel:+1
usage_error "--max-questions words" "'many'" --max-questions many tel:+1
usage_error "--max-addresses 0" "--max-addresses: '0'" --max-addresses 0 tel:+1
usage_error "--max-addresses too big" "'10001'" --max-addresses 10001 tel:+1
usage_error "--max-targets 0" "--max-targets: '0'" --max-targets 0 tel:+1
usage_error "--max-targets too big" "'100001'" --max-targets 100001 tel:+1
usage_error "--cache-bytes unknown suffix" "--cache-bytes: '8X'" --cache-bytes 8X tel:+1
usage_error "--cache-bytes a suffix alone" "'M'" --cache-bytes M tel:+1
usage_error "--cache-bytes too big" "'99999999999G'" --cache-bytes 99999999999G tel:+1
usage_error "--dnssec unknown" "'sometimes'" --dnssec sometimes tel:+1
usage_error "--transports unknown" "pigeon" --zones "$ZONES" --transports udp,pigeon tel:+1
usage_error "--transports empty" "--transports" --zones "$ZONES" --transports '' tel:+1
usage_error "--suffix empty" "--suffix" --suffix '' tel:+1
usage_error "--suffix not a domain" "a..b" --zones "$ZONES" --suffix a..b tel:+1
usage_error "--zones missing" "/nonexistent/zones" --zones /nonexistent/zones tel:+1
usage_error "--zones a file" "$ZONES/README" --zones "$ZONES/README" tel:+1
usage_error "--zones without zone files" "no *.zone file" --zones "$top_srcdir/doc" tel:+1
usage_error "--server not an address" "not-an-address" --server not-an-address tel:+1
usage_error "--server port too big" "99999" --server '127.0.0.1#99999' tel:+1
usage_error "--server empty port" "127.0.0.1#" --server '127.0.0.1#' tel:+1
usage_error "@ without address" "@" @ tel:+1
usage_error "--resolv-conf missing" "/nonexistent/resolv.conf" \
	--resolv-conf /nonexistent/resolv.conf tel:+1
usage_error "--trust-anchor missing" "/nonexistent/anchor" --zones "$ZONES" \
	--trust-anchor /nonexistent/anchor tel:+1
usage_error "two DNS modes" "--server" --zones "$ZONES" --server 192.0.2.1 tel:+1
usage_error "--zones twice" "--zones given more than once" --zones "$ZONES" --zones "$ZONES" tel:+1
usage_error "--batch twice" "--batch given more than once" --batch a --batch b
usage_error "--batch empty" "--batch" --batch ''
usage_error "--batch missing" "/nonexistent/batch" --zones "$ZONES" --batch /nonexistent/batch
usage_error "--batch a directory" "$ZONES" --zones "$ZONES" --batch "$ZONES"
usage_error "no URI" "no URI" --zones "$ZONES"
contains "$err" "--help" "usage errors point at --help"

# ---- URIs -------------------------------------------------------------------
# bad_uri URI NEEDLE: exit 2; one JSON result naming the URI, status
# bad-input, an error saying NEEDLE.
bad_uri() {
	run --zones "$HZONES" --json -- "$1"
	is "$rc" 2 "bad URI '$1': exit 2"
	is "$(printf '%s\n' "$out" | jq -r .status 2>/dev/null)" "bad-input" \
		"bad URI '$1': status bad-input"
	is "$(printf '%s\n' "$out" | jq -r .input 2>/dev/null)" "$1" "bad URI '$1': the result names it"
	contains "$(printf '%s\n' "$out" | jq -r .error 2>/dev/null)" "$2" \
		"bad URI '$1': the error says why ($2)"
}
bad_uri 'sip:bad@@x' "'@' at position 9"
bad_uri 'sip:' "host is empty"
bad_uri 'sips:' "host is empty"
bad_uri 'sip:a@' "host is empty"
bad_uri 'sip:a@b:99999' "port 99999 is out of range"
bad_uri 'sip:a@b:0x' "port has 'x'"
bad_uri 'sip:a@[::1' "no closing ']'"
bad_uri 'sip:a@b;transport=udp;transport=tcp' "more than once"
bad_uri 'sips:a@b;transport=udp' "transport=udp"
bad_uri 'sip:a@b;maddr=256.1.1.1' "octet 256"
bad_uri 'sip:%zz@x' "bad escape"
bad_uri "sip:a@$(printf '%064d' 0 | tr 0 a).example" "label of 64 characters"
bad_uri 'sip:a	b@x' "byte 0x09"
bad_uri 'tel:' "no number"
bad_uri 'tel:+' "no digit"
bad_uri 'tel:1234' "phone-context"
bad_uri 'tel:+1;isub=1;ext=2' "both isub and ext"
bad_uri 'tel:+1;ext=1;ext=2' "more than once"
bad_uri 'tel:+1;m-x=1' "mandatory parameter m-x"
bad_uri 'tel:+1-555 0100' "space"
bad_uri '+' "no digit"
bad_uri 'x' "not a tel:, sip: or sips: URI"
bad_uri 'http://example.com/' "not a tel:, sip: or sips: URI"
bad_uri '' "not a tel:, sip: or sips: URI"
run --zones "$HZONES" --json "$(printf 'sip:\377\376@x')"
is "$rc" 2 "invalid UTF-8 in a URI: exit 2"
is "$(printf '%s\n' "$out" | jq -r .status 2>/dev/null)" "bad-input" \
	"invalid UTF-8 in a URI: bad-input, and the JSON is still valid"
long="sip:$(printf '%09000d' 0)@example.com"
run --zones "$HZONES" --json "$long"
is "$rc" 2 "a 9000-octet URI: exit 2"
contains "$(printf '%s\n' "$out" | jq -r .error)" "longer than 8192 octets" \
	"a 9000-octet URI: refused as too long"
run --zones "$HZONES" 'sip:bad@@x'
contains "$out" "Input: sip:bad@@x" "text output: the bad URI is named"
contains "$out" "bad-input" "text output: with its status"

# ---- batch lines ------------------------------------------------------------
{
	printf 'sip:a@good.hostile.test:5060\n'
	printf 'sip:bad@@x\n'
	printf 'sip:a@good.hostile.test\000trailing junk\n'
	printf '   \t\n# a comment\n\n'
	printf 'tel:+1-555 0100\r\n'
	printf 'sip:%070000d@example.com\n' 0
	printf 'sip:a@good.hostile.test:5060\r\n'
	printf '  sip:b@good.hostile.test:5061  \n'
	printf 'no-newline-at-the-end'
} >"$tmp/batch"
run --zones "$HZONES" --json --batch "$tmp/batch"
is "$rc" 2 "batch with bad lines: exit 2"
is "$(printf '%s\n' "$out" | jq -r .status | tr '\n' ' ')" \
	"ok bad-input bad-input bad-input bad-input ok ok bad-input " \
	"batch: one result per line in order; bad lines are bad-input, the rest resolves"
is "$(printf '%s\n' "$out" | jq -r .input | sed -n 3p)" 'sip:a@good.hostile.test\000trailing junk' \
	"batch: a NUL byte is shown as backslash-000, not cut off silently"
contains "$(printf '%s\n' "$out" | jq -r .error | sed -n 5p)" "longer than 8192 octets" \
	"batch: a 70 KB line is one bad-input result"
is "$(printf '%s\n' "$out" | jq -r .input | sed -n 8p)" "no-newline-at-the-end" \
	"batch: the last line without a newline counts"
printf '' >"$tmp/empty"
run --zones "$HZONES" --json --batch "$tmp/empty"
is "$rc:$out" "0:" "batch: an empty file gives no result and exit 0"

# ---- limits on the command line ----------------------------------------------
run --zones "$HZONES" --json --max-questions 1 sip:a@odd.hostile.test
is "$rc" 1 "--max-questions 1: exit 1 (no target)"
is "$(printf '%s\n' "$out" | jq -r .status)" "limit" "--max-questions 1: status limit"
contains "$(printf '%s\n' "$out" | jq -r '.steps[0].notes[]')" "question budget of 1 spent" \
	"--max-questions 1: a trace line says so"
# tzi.org's TLS SRV set: rasen (one IPv4 address), damn (one IPv4, one IPv6).
run --zones "$ZONES" --json --seed 1 --max-targets 2 sip:x@tzi.org
is "$rc $(printf '%s\n' "$out" | jq '.targets | length')" "0 2" "--max-targets 2: 2 targets"
contains "$(printf '%s\n' "$out" | jq -r '.notes[]')" \
	"more than 2 targets: the last 1 are left out" "--max-targets 2: a note says so"
run --zones "$ZONES" --json --max-addresses 1 -4 sip:x@tzi.org
is "$rc $(printf '%s\n' "$out" | jq '.targets | length')" "0 2" \
	"--max-addresses 1: one IPv4 address per host, both hosts"
is "$(printf '%s\n' "$out" | jq '[.notes[]? | select(test("left out"))] | length')" 0 \
	"--max-addresses 1: nothing was cut, and no note says so"
for v in 0 4096 64K 1m 1G; do
	run --zones "$ZONES" --json --cache-bytes "$v" sip:x@tzi.org
	is "$rc $(printf '%s\n' "$out" | jq -r .status)" "0 ok" "--cache-bytes $v: resolves"
done
run --zones "$HZONES" --json sip:a@cloop.hostile.test
is "$rc" 3 "a CNAME loop: exit 3"
is "$(printf '%s\n' "$out" | jq -r .status)" "dns-failure" "a CNAME loop: dns-failure"
run --zones "$HZONES" --json --suffix e164.hostile.test tel:+1-555-0101
is "$(printf '%s\n' "$out" | jq -r .status)" "loop" "an ENUM loop: status loop"
run --zones "$HZONES" --json --suffix e164.hostile.test tel:+1-555-0104
is "$(printf '%s\n' "$out" | jq -r .status)" "limit" \
	"a regexp that backtracks exponentially: status limit"

# A DNS server on loopback that never answers (perl-base is essential on
# Debian): --timeout ends the resolution with status timeout, exit 3.
perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", Proto => "udp") or die;
	open(my $f, ">", $ARGV[0]) or die; print $f $s->sockport, "\n"; close($f);
	sleep 30;' "$tmp/port" &
silent=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
port=$(cat "$tmp/port")
start=$(date +%s%N)
run --server "127.0.0.1#$port" --timeout 0.4 --json sip:a@example.com
end=$(date +%s%N)
kill "$silent" 2>/dev/null
ms=$(( (end - start) / 1000000 ))
is "$rc" 3 "--timeout 0.4 and a silent server: exit 3"
is "$(printf '%s\n' "$out" | jq -r .status)" "timeout" "--timeout 0.4: status timeout"
contains "$(printf '%s\n' "$out" | jq -r .error)" "deadline of 400 ms" "--timeout 0.4: the error says so"
[ "$ms" -ge 400 ] && { [ "$ms" -lt 3000 ] || [ -n "${RSIP_VALGRIND:-}" ]; }
ok $? "--timeout 0.4: ends at the deadline ($ms ms)"

done_testing
