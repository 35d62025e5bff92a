#!/bin/sh
# test_modes.sh - sipresolve's modes: the text output for a person (verdicts, the
# path to the targets marked, DNSSEC per question and target, targets last),
# --short, --quiet, colour, batch progress and summary, route sets (RFC 3261
# §8.1.2), responses (RFC 3263 §5), --deterministic (RFC 3263 §4.4),
# --prefer-ipv4, --failed (RFC 3263 §4.3), and the usage errors of the options.
. "$(dirname "$0")/lib.sh"
# line N of $out
line() { printf '%s\n' "$out" | sed -n "$1p"; }

# ---- text: each question, its answers and verdicts, the path, targets last -------
run --zones "$ZONES" --seed 1 tel:+49-421-201-7028
contains "$out" ";; wave 1  8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa. NAPTR -> NOERROR, DNSSEC secure" \
	"text: each question with its rcode and DNSSEC state"
contains "$out" ' * 8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa. 3600 IN NAPTR 10 100 "u" "E2U+sip"' \
	"text: the ENUM record used is marked * (RFC 6116 §5)"
contains "$out" "$(printf '%s\n%s' '"!^.*$!sip:jo@tzi.org!" .' '      => selected: sip:jo@tzi.org')" \
	"text: each ENUM record is followed by its verdict"
contains "$out" "$(printf '%s\n%s' '"!^.*$!pres:jo@tzi.org!" .' '      => not-sip: pres:jo@tzi.org')" \
	"text: a record not used says why (not-sip)"
contains "$out" '   8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa. 3600 IN NAPTR 10 101' \
	"text: a record not used is not marked"
contains "$out" ' * tzi.org. 300 IN NAPTR 50 100 "s" "SIPS+D2T" "" _sips._tcp.tzi.org.' \
	"text: the RFC 3263 NAPTR record whose SRV set gave the targets is marked"
contains "$out" '   tzi.org. 300 IN NAPTR 90 100 "s" "SIP+D2T"' \
	"text: NAPTR records of a later ORDER are not marked (RFC 3403 §4.1)"
contains "$out" ' * _sips._tcp.tzi.org. 300 IN SRV 0 1 5061 rasen.tzi.org.' \
	"text: the SRV records that gave targets are marked"
# RFC 3263 §4.1: a skipped NAPTR record is not on the path, even when the SRV
# fallback asks the name it names and that SRV set gives the targets.
run --zones "$top_srcdir/tests/zones" --seed 1 sip:a@skipnaptr.sip.test
skip_out=$out
contains "$skip_out" '   skipnaptr.sip.test. 300 IN NAPTR 10 10 "s" "SIP+D2U" "!^.*$!x!" _sip._udp.skipnaptr.sip.test.' \
	"text: a skipped NAPTR record whose SRV name the fallback asked is not marked"
contains "$skip_out" ' * _sip._udp.skipnaptr.sip.test. 300 IN SRV 0 1 5060 host.skipnaptr.sip.test.' \
	"text: ...while the fallback's SRV record that gave the target is"
# Each ENUM record's verdict is written under its own answer line, as the library
# links them (rsip_result_answer_enum_record()), also for a record whose text holds
# a NUL octet (RFC 6116 §5.2 discards it) and so matches no field by text.
run --zones "$top_srcdir/tests/zones" --seed 1 tel:+1-555-020-0018
contains "$out" '"!^.*$!sip:nul@aonly.sip.test!\000junk" .
      => invalid (the regexp field holds a NUL octet' \
	"text: an ENUM record's verdict under its answer, a NUL octet in its regexp"
case "$out" in
*"ENUM records:"*) ok 1 "text: no ENUM record left for the list after the questions" ;;
*) ok 0 "text: no ENUM record left for the list after the questions" ;;
esac
run --zones "$ZONES" --seed 1 tel:+49-421-201-7028
case "$out" in
*"_sip._tcp.tzi.org. SRV"*) ok 1 "text: the SRV set of a later NAPTR ORDER is not even asked (RFC 3403 §4.1)" ;;
*) ok 0 "text: the SRV set of a later NAPTR ORDER is not even asked (RFC 3403 §4.1)" ;;
esac
contains "$out" "   => rasen.tzi.org.: 1 IPv4 address from the additional section (RFC 2782), not asked again; it holds no IPv6 address, so AAAA is asked" \
	"text: addresses taken from the SRV answer's additional section are said to be, and the family it lacks is asked"
contains "$out" "   => damn.tzi.org.: 2 addresses from the additional section (RFC 2782), not asked again" \
	"text: both families from the additional section: nothing asked"
contains "$out" "ENUM URIs in try order: 1. sip:jo@tzi.org" "text: the ENUM URIs in try order"
contains "$out" "Status: ok, 3 targets, 4 waves, 4 questions, DNSSEC secure" \
	"text: the status with the chain's DNSSEC state"
contains "$out" "  1. tls 134.102.218.67:5061  rasen.tzi.org. (SRV priority 0, weight 1, DNSSEC secure)" \
	"text: a target with its source and DNSSEC state"
is "$(printf '%s\n' "$out" | tail -n 4 | head -n 1 | cut -c1-7)" "Targets" \
	"text: the numbered targets come last"
is "$(printf '%s\n' "$out" | tail -n 1 | cut -c1-5)" "  3. " "text: ...down to the last target"
case "$out" in *"$(printf '\033')"*) ok 1 "text: no colour with NO_COLOR";; *) ok 0 "text: no colour with NO_COLOR";; esac

run --zones "$TZONES" tel:+1-555-010-0003
contains "$out" ' * 3.0.0.0.0.1.0.5.5.5.1.e164.arpa. 3600 IN NAPTR 10 10 "" "" "" nt.sip.test.' \
	"text: a non-terminal rule on the path is marked (RFC 6116 §5.2.1)"
contains "$out" ' * aonly.sip.test. 300 IN A 192.0.2.20' "text: the address records of the targets are marked"
contains "$out" "aonly.sip.test. NAPTR -> NOERROR (no records), DNSSEC insecure" \
	"text: an empty answer says so"
contains "$out" "  2. udp 192.0.2.20:5060  aonly.sip.test. (A record, DNSSEC insecure)" \
	"text: a target from an A record"
run --zones "$ZONES" sip:nobody@nonexistent.example
is "$(printf '%s\n' "$out" | tail -n 1)" \
	"Status: not-found: nonexistent.example. does not exist (NXDOMAIN)" \
	"text: without targets, the status with the reason is last"

# Colour only on a terminal (script(1) gives one), and never with NO_COLOR.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	env -u NO_COLOR script -qec "'$SIPRESOLVE' --zones '$ZONES' sip:jo@tzi.org" /dev/null \
		>"$tmp/tty" 2>&1
	grep -q "$(printf '\033\\[1mStatus:')" "$tmp/tty"; ok $? "colour: on a terminal"
	NO_COLOR=1 script -qec "'$SIPRESOLVE' --zones '$ZONES' sip:jo@tzi.org" /dev/null \
		>"$tmp/tty" 2>&1
	grep -q "$(printf '\033')" "$tmp/tty"; ok $((!$?)) "colour: NO_COLOR turns it off"
	env -u NO_COLOR "$SIPRESOLVE" --zones "$ZONES" sip:jo@tzi.org >"$tmp/pipe" 2>&1
	grep -q "$(printf '\033')" "$tmp/pipe"; ok $((!$?)) "colour: none into a pipe"
else
	ok 0 "# SKIP script(1) is not available"
fi

# ---- --short and --quiet ----------------------------------------------------------
run --zones "$ZONES" --seed 1 --short tel:+49-421-201-7028
is "$out" "$(printf '%s\n' 'tls 134.102.218.67 5061' 'tls 2001:db8:218::65 5061' \
	'tls 134.102.218.65 5061')" "--short: the targets only, one per line"
is "$err" "" "--short: nothing on standard error when resolved"
is "$rc" 0 "--short: exit 0"
run --zones "$ZONES" -s sip:nobody@nonexistent.example
is "$out" "" "-s: nothing on standard output without a target"
contains "$err" "sip:nobody@nonexistent.example: not-found:" "-s: the reason on standard error"
is "$rc" 1 "-s: exit 1 when not found"
run --zones "$ZONES" --quiet tel:+49-421-201-7028
is "$out$err" "" "--quiet: writes nothing"
is "$rc" 0 "--quiet: exit 0 when resolved"
run --zones "$ZONES" -q sip:nobody@nonexistent.example
is "$out$err/$rc" "/1" "-q: writes nothing, exit 1 when not found"
run --zones "$ZONES" -q 'sip:bad@@x'
is "$out$err/$rc" "/2" "-q: writes nothing, exit 2 for malformed input"
run --zones "$ZONES" --short --json sip:jo@tzi.org
is "$rc" 2 "--short with --json: usage error"
contains "$err" "--short and --json cannot be used together" "...which names both options"
run --zones "$ZONES" -q --json sip:jo@tzi.org
contains "$err" "--quiet and --json cannot be used together" "--quiet with --json: usage error"

# ---- batch: summary, progress ----------------------------------------------------
printf '%s\n' tel:+49-421-201-7028 'sip:bad@@x' sip:nobody@nonexistent.example '# comment' \
	sip:jo@tzi.org >"$tmp/batch"
run --zones "$ZONES" --json --batch "$tmp/batch"
contains "$err" "sipresolve: 4 inputs in " "batch: a summary on standard error"
contains "$err" ": 2 resolved, 1 not found, 1 bad input, 0 failed; 8 DNS questions" \
	"batch summary: resolved, not found, bad input, failed, questions asked"
case "$err" in *"$(printf '\r')"*) ok 1 "batch: no progress line when stderr is not a terminal";;
	*) ok 0 "batch: no progress line when stderr is not a terminal";; esac
run --zones "$ZONES" --quiet --batch "$tmp/batch"
is "$out$err/$rc" "/2" "batch --quiet: no summary, only the exit status"
run --zones "$ZONES" --short --batch "$tmp/batch"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 6 "batch --short: every target of every input"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
	script -qec "'$SIPRESOLVE' --zones '$ZONES' --json --batch '$tmp/batch' >/dev/null" \
		/dev/null >"$tmp/tty" 2>&1
	grep -q "sipresolve: [0-4]/4 ([0-9]*%), [0-9]*/s" "$tmp/tty"
	ok $? "batch on a terminal: a progress line done/total, rate"
	grep -q "$(printf '\r\033\\[K')sipresolve: 4 inputs in" "$tmp/tty"
	ok $? "batch on a terminal: the progress line is erased before the summary"
else
	ok 0 "# SKIP script(1) is not available"
	ok 0 "# SKIP script(1) is not available"
fi

# ---- route sets (RFC 3261 §8.1.2, §16.12) -------------------------------------------
run --zones "$ZONES" --seed 1 --route 'sip:tzi.org;lr' sip:bob@example.com
contains "$out" "Route set: sip:tzi.org;lr" "--route: the route set is shown"
contains "$out" "=> route set: sip:tzi.org;lr is a loose router (;lr)" \
	"--route: a loose router is said to be one"
contains "$out" "Located: sip:tzi.org;lr" "--route: the first Route URI is located"
contains "$out" "  1. tls 134.102.218.67:5061" "--route: ...and its targets"
run --zones "$ZONES" --route 'sip:tzi.org' sip:bob@example.com
contains "$out" "is a strict router (no ;lr)" "--route without ;lr: strict routing (RFC 3261 §12.2.1.1)"
run --zones "$ZONES" --route 'sip:p2.example;lr' --outbound-proxy '<sip:tzi.org;lr>' \
	sip:bob@example.com
contains "$out" "Route set: <sip:tzi.org;lr>, sip:p2.example;lr" \
	"--outbound-proxy: placed before the --route URIs"
contains "$out" "Located: sip:tzi.org;lr" "--outbound-proxy: it is where the request goes"
is "$rc" 0 "--outbound-proxy: exit 0"
printf '%s\n' sip:a@example.com tel:+1-555-0100 >"$tmp/rbatch"
run --zones "$ZONES" --short --route 'sip:tzi.org;transport=tcp;lr' --batch "$tmp/rbatch"
is "$(printf '%s\n' "$out" | cut -d' ' -f1 | sort -u)" tcp \
	"--route in batch mode: every input goes through the route set"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 8 "--route in batch mode: 4 targets per input"
run --zones "$ZONES" --route 'sip:bad@@x;lr' sip:bob@example.com
is "$rc" 2 "--route: a malformed Route URI is bad input"
contains "$out" "Status: bad-input: route sip:bad@@x;lr" "--route: the error names the route"

# ---- responses (RFC 3263 §5) -----------------------------------------------------
run --zones "$TZONES" --short --response 'SIP/2.0/UDP 192.0.2.9:5080;branch=z9hG4bK1'
is "$out" "udp 192.0.2.9 5080" "--response: a numeric sent-by, its port and the Via transport"
run --zones "$TZONES" --short --response 'SIP/2.0/TCP 192.0.2.9;branch=z9hG4bK1'
is "$out" "tcp 192.0.2.9 5060" "--response: no port: the transport's default"
run --zones "$TZONES" --short --response 'SIP/2.0/UDP aonly.sip.test:5099;branch=z9hG4bK1'
is "$out" "$(printf '%s\n' 'udp 2001:db8::20 5099' 'udp 192.0.2.20 5099')" \
	"--response: a name with a port: its A/AAAA records"
run --zones "$TZONES" --short --response 'SIP/2.0/TLS srvonly.sip.test;branch=z9hG4bK1'
is "$out" "$(printf '%s\n' 'tls 2001:db8::10 5071' 'tls 192.0.2.10 5071')" \
	"--response: a name without a port over TLS: SRV _sips._tcp"
run --zones "$TZONES" --response 'Via: SIP/2.0/UDP srvonly.sip.test;branch=z9hG4bK1'
contains "$out" "Input (Via of a response): Via: SIP/2.0/UDP srvonly.sip.test" \
	"--response: the text says it is a response's Via"
contains "$out" "=> response: Via sent-by located as sip:srvonly.sip.test;transport=udp" \
	"--response: the note says how it was located"
run --zones "$TZONES" --route 'sip:aonly.sip.test;lr' --short sip:a@srvonly.sip.test \
	--response 'SIP/2.0/UDP 192.0.2.9:5080;branch=z9hG4bK1'
is "$out" "$(printf '%s\n' 'udp 2001:db8::20 5060' 'udp 192.0.2.20 5060' 'udp 192.0.2.9 5080')" \
	"--response with URIs: in command-line order; the route set is not used for a response"
run --zones "$TZONES" --response 'SIP/2.0/UDP'
is "$rc" 2 "--response: a malformed Via is bad input"

# ---- --deterministic (RFC 3263 §4.4), --prefer-ipv4, --failed (RFC 3263 §4.3) -----
for seed in 1 2 3 4 5 6; do
	"$SIPRESOLVE" --zones "$ZONES" --deterministic --seed $seed -s 'sip:jo@tzi.org;transport=tcp'
done | sort | uniq -c | awk '{print $1}' | sort -u >"$tmp/det"
is "$(cat "$tmp/det")" 6 "--deterministic: the same order whatever the seed"
run --zones "$ZONES" --deterministic -s 'sip:jo@tzi.org;transport=tcp'
is "$(printf '%s\n' "$out" | cut -d' ' -f3 | tr '\n' ' ')" "50600 5060 5060 5060 " \
	"--deterministic: weight descending (4, 2, 1) within a priority"
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
	"$SIPRESOLVE" --zones "$ZONES" --seed $seed -s 'sip:jo@tzi.org;transport=tcp' | head -n 1
done | sort -u | wc -l | tr -d ' ' >"$tmp/rand"
[ "$(cat "$tmp/rand")" -gt 1 ]; ok $? "without --deterministic the weighted order varies with the seed (RFC 2782)"
run --zones "$ZONES" -s --seed 1 sip:jo@tzi.org
is "$(line 2)" "tls 2001:db8:218::65 5061" "default: IPv6 first within one SRV target"
run --zones "$ZONES" -s --seed 1 --prefer-ipv4 sip:jo@tzi.org
is "$(line 2)" "tls 134.102.218.65 5061" "--prefer-ipv4: IPv4 first within one SRV target"
is "$(line 1)" "tls 134.102.218.67 5061" "--prefer-ipv4: targets stay in SRV order (RFC 7984 §4)"
run --zones "$ZONES" --seed 1 --failed tls:134.102.218.67:5061 sip:jo@tzi.org
is "$(printf '%s\n' "$out" | tail -n 1)" \
	"  3. tls 134.102.218.67:5061  rasen.tzi.org. (SRV priority 0, weight 1, DNSSEC secure, recently failed: tried last)" \
	"--failed: the failed target is last and says so (RFC 3263 §4.3)"
contains "$out" "=> 1 target marked failed within the last 32 s: tried last" \
	"--failed: the result's note says so"
run --zones "$ZONES" -s --seed 1 --failed 'tls:[2001:db8:218:0::65]:5061' --failed \
	'tls 134.102.218.65 5061' sip:jo@tzi.org
is "$(line 1)" "tls 134.102.218.67 5061" "--failed: the --short form; IPv6 in any spelling"
run --zones "$ZONES" -s --seed 1 --failed tls:134.102.218.67:5060 sip:jo@tzi.org
is "$(line 1)" "tls 134.102.218.67 5061" "--failed: another port is another target"

# ---- usage errors name the argument --------------------------------------------------
usage() { # usage NEEDLE NAME ARGS...
	needle=$1 name=$2
	shift 2
	run "$@"
	if [ "$rc" -eq 2 ]; then
		contains "$err" "$needle" "$name"
	else
		ok 1 "$name (exit $rc, not 2)"
	fi
}
usage "--failed: 'tls:2001:db8::1:5061': an IPv6 address must be in brackets" \
	"--failed: an IPv6 address without brackets" --failed tls:2001:db8::1:5061 tel:+1
usage "--failed: 'pigeon:192.0.2.1:5060': unknown transport" "--failed: an unknown transport" \
	--failed pigeon:192.0.2.1:5060 tel:+1
usage "--failed: 'udp:192.0.2.1:0': the port" "--failed: port 0" --failed udp:192.0.2.1:0 tel:+1
usage "--failed: 'udp:example.com:5060': the address is not" "--failed: a name, not an address" \
	--failed udp:example.com:5060 tel:+1
usage "--outbound-proxy given more than once" "--outbound-proxy twice" \
	--outbound-proxy sip:a --outbound-proxy sip:b tel:+1
usage "--route: the URI is empty" "--route ''" --route '' tel:+1
usage "--response: the Via header value is empty" "--response ''" --response '' tel:+1
usage "--concurrency: '0' is out of range" "--concurrency 0" --concurrency 0 --batch - 
usage "option '--route' requires an argument" "--route without its argument" --route
usage "option '--deterministic' takes no argument" "--deterministic=x" --deterministic=x tel:+1
usage "@: no server address" "@ without an address" @ tel:+1
usage "--batch given more than once" "--batch twice" --batch a --batch b
usage "no URI given" "nothing to resolve" --zones "$ZONES"
run --help
for opt in --short --quiet --route --outbound-proxy --response --deterministic --prefer-ipv4 \
	--failed --batch --concurrency @ADDR --version; do
	contains "$out" "$opt" "--help lists $opt"
done
run --version
is "$(printf '%s\n' "$out" | head -n 1 | cut -d' ' -f1-2)" "sipresolve (libresolvsip)" \
	"--version: name and version"

done_testing
