#!/bin/sh
# test_cli.sh - sipresolve's command line: the README demo, the JSON contract of
# sipresolve(1), JSON OUTPUT, exit statuses, errors that name the wrong argument, batch mode.
. "$(dirname "$0")/lib.sh"

# ---- the README demo --------------------------------
run --zones "$ZONES" tel:+49-421-201-7028
is "$rc" 0 "demo: exit 0 when every URI resolved"
contains "$out" "rasen.tzi.org." "demo: the chain goes down to rasen.tzi.org."
contains "$out" "134.102.218.67" "demo: ...and its address 134.102.218.67"
contains "$out" "E2U+sip" "demo: the ENUM NAPTR records are shown"
contains "$out" "selected" "demo: the chosen ENUM record is marked"
contains "$out" "_sips._tcp.tzi.org." "RFC 3263 §4.1: SIPS+D2T leads to _sips._tcp"

# ---- golden output with a fixed seed -----------------------------------
run --zones "$ZONES" --seed 1 tel:+49-421-201-7028 'sip:jo@tzi.org;transport=tcp'
printf '%s\n' "$out" >"$tmp/demo.out"
if diff -u "$top_srcdir/tests/cli/demo.exp" "$tmp/demo.out" >"$tmp/diff"; then
	ok 0 "golden: --seed 1 text output is stable"
else
	ok 1 "golden: --seed 1 text output is stable"
	sed 's/^/#   /' "$tmp/diff" | head -40
fi

# ---- JSON (sipresolve(1), JSON OUTPUT) -------------------------------------------------
run --zones "$ZONES" --json tel:+49-421-201-7028
is "$rc" 0 "json: exit 0"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 1 "json: one line per URI (JSON Lines)"
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }
is "$(j .input)" "tel:+49-421-201-7028" "json: input"
is "$(j .status)" "ok" "json: status ok"
is "$(j 'has("error")')" "false" "json: no error field when ok"
is "$(j .uri)" "sip:jo@tzi.org" "json: uri = sip:jo@tzi.org"
is "$(j .enum.aus)" "+494212017028" "json: enum.aus"
is "$(j '.enum.domains[0]')" "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa." "json: enum.domains"
is "$(j '.enum.uris[0]')" "sip:jo@tzi.org" "json: enum.uris"
for f in owner order preference flags services regexp replacement result verdict; do
	is "$(j ".enum.records[0] | has(\"$f\")")" "true" "json: enum.records[].$f"
done
is "$(j '.enum.records[0].verdict')" "selected" "json: the sip record is selected"
is "$(j '.enum.records[1].verdict')" "not-sip" "json: the pres record is not-sip"
for f in qname qtype rcode dnssec answers; do
	is "$(j ".steps[0] | has(\"$f\")")" "true" "json: steps[].$f"
done
is "$(j '.steps[1].qname')" "tzi.org." "json: the second question is tzi.org. NAPTR"
for f in transport address port family host priority weight dnssec; do
	is "$(j ".targets[0] | has(\"$f\")")" "true" "json: targets[].$f"
done
is "$(j '.targets[0].transport')" "tls" "json: transport in lower case"
is "$(j '.targets[0].address')" "134.102.218.67" "json: bare address"
is "$(j '.targets[0].port | type')" "number" "json: port is a number"
is "$(j '.targets[0].family')" "ipv4" "json: family ipv4"
is "$(j '.targets[1].address')" "2001:db8:218::65" "json: IPv6 address without brackets"
is "$(j '.targets[1].family')" "ipv6" "json: family ipv6"
is "$(j '.dnssec')" "secure" "json: top-level dnssec, the weakest link (the demo is signed)"

run --zones "$TZONES" --json sip:a@192.0.2.7
is "$(j '.targets[0] | has("host")')" "false" "json: host absent for a numeric host"
is "$(j 'has("enum")')" "false" "json: no enum object for sip: input"

# ---- not found, fast -------------------------------
start=$(date +%s%N)
run --zones "$ZONES" sip:nobody@nonexistent.example
end=$(date +%s%N)
is "$rc" 1 "not-found: exit 1"
contains "$out" "not-found" "not-found: said in the output"
ms=$(( (end - start) / 1000000 ))
# (valgrind makes everything slow: the time is not measured under it)
[ "$ms" -lt 1000 ] || [ -n "${RSIP_VALGRIND:-}" ]; ok $? "not-found: well under a second ($ms ms)"
run --zones "$ZONES" --json sip:nobody@nonexistent.example
is "$(j .status)" "not-found" "json: status not-found"
contains "$(j .error)" "nonexistent.example" "json: the error names the domain"

# ---- exit statuses and errors -------------------------------------------
run --zones "$ZONES" 'sip:bad@@x'
is "$rc" 2 "malformed URI: exit 2"
run --zones "$ZONES" --json 'tel:+1-555 0100'
is "$(j .status)" "bad-input" "json: a space in a tel: URI is bad input (RFC 3966 §5.1.1)"
run --zones "$ZONES" tel:+49-421-201-7028 sip:nobody@nonexistent.example
is "$rc" 1 "several URIs: the highest status applies (0 and 1 -> 1)"
run --zones "$ZONES" sip:nobody@nonexistent.example 'sip:bad@@x'
is "$rc" 2 "several URIs: 1 and 2 -> 2"
run --zones "$ZONES" --seed abc tel:+1
is "$rc" 2 "usage: a bad --seed is exit 2"
contains "$err" "--seed" "usage: the error names --seed"
run --zones /nonexistent/zones tel:+1
is "$rc" 2 "usage: a missing zones directory is exit 2"
contains "$err" "/nonexistent/zones" "usage: the error names the directory"
run --zones "$ZONES" --transports udp,pigeon tel:+1
is "$rc" 2 "usage: an unknown transport is exit 2"
contains "$err" "pigeon" "usage: the error names the transport"
run --zones "$ZONES"
is "$rc" 2 "usage: no URI is exit 2"
run --zones "$ZONES" --server 192.0.2.1 tel:+1
is "$rc" 2 "usage: two DNS modes are exit 2"
run --bogus-option
is "$rc" 2 "usage: an unknown option is exit 2"
contains "$err" "bogus-option" "usage: the error names the option"
run --help
is "$rc" 0 "--help: exit 0"
contains "$out" "--zones" "--help lists the options"
run --version
contains "$out" "sipresolve" "--version prints the name and version"

# ---- transports, families, suffixes --------------------------------------
run --zones "$TZONES" --json --transports udp sip:a@naptr.sip.test
is "$(j '.targets[0].transport')" "udp" "--transports udp: RFC 3263 §4.1 drops SIPS+D2T and SIP+D2T"
run --zones "$TZONES" --json -4 sip:a@aonly.sip.test
is "$(j '[.targets[].family] | unique | join(",")')" "ipv4" "-4: only IPv4 addresses"
run --zones "$TZONES" --json -6 sip:a@aonly.sip.test
is "$(j '[.targets[].family] | unique | join(",")')" "ipv6" "-6: only IPv6 addresses"
run --zones "$ZONES" --json --suffix e164.example --suffix e164.arpa tel:+49-421-201-7028
is "$(j '.enum.domains | length')" "2" "--suffix twice: two ENUM domains asked"
is "$(j .uri)" "sip:jo@tzi.org" "--suffix: the first suffix that answers wins"

# ---- batch ----------------------------------------------------------------
printf '%s\n' tel:+49-421-201-7028 '# a comment' '' 'sip:bad@@x' sip:nobody@nonexistent.example \
	sip:jo@tzi.org >"$tmp/batch"
run --zones "$ZONES" --json --batch "$tmp/batch"
is "$(printf '%s\n' "$out" | wc -l | tr -d ' ')" 4 "batch: one result per URI line"
is "$(printf '%s\n' "$out" | jq -r .input | tr '\n' ' ')" \
	"tel:+49-421-201-7028 sip:bad@@x sip:nobody@nonexistent.example sip:jo@tzi.org " \
	"batch: results in input order"
is "$(printf '%s\n' "$out" | jq -r .status | tr '\n' ' ')" "ok bad-input not-found ok " \
	"batch: a bad line gives bad-input and the batch goes on"
is "$rc" 2 "batch: exit status is the highest (2)"
printf 'sip:jo@tzi.org\n' | "$SIPRESOLVE" --zones "$ZONES" --json --batch - >"$tmp/out" 2>/dev/null
is "$(jq -r .status "$tmp/out")" "ok" "batch: '-' reads standard input"

done_testing
