#!/bin/sh
# test_json.sh - every field sipresolve(1), JSON OUTPUT names in its JSON Lines, with
# its type and its values, on every kind of result; and the fields added since
# (steps[].wave/notes/why_bogus, targets[].source/recently_failed, waves,
# questions, notes, kind, route).
. "$(dirname "$0")/lib.sh"
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }

# One result of every kind the bundled and test zones give, in one batch.
cat >"$tmp/inputs" <<'EOF'
tel:+49-421-201-7028
sip:jo@tzi.org
sip:a@192.0.2.7
sip:a@[2001:db8::7]:5070
sip:nobody@nonexistent.example
sip:bad@@x
tel:+1-555-010-0001
tel:+1-555-010-0002
tel:+1-555-010-0003
tel:+1-555-010-0005
sip:a@dot.sip.test
sips:a@aonly.sip.test
EOF
mkdir "$tmp/zones"
cp "$ZONES"/*.zone "$TZONES"/sip.test.zone "$tmp/zones/"
# The test zones' e164.arpa replaces the demo's: the demo number is added.
cp "$TZONES/e164.arpa.zone" "$tmp/zones/e164.arpa.zone"
printf '%s\n' '$ORIGIN e164.arpa.' \
	'8.2.0.7.1.0.2.1.2.4.9.4 NAPTR 10 100 "u" "E2U+sip" "!^.*$!sip:jo@tzi.org!" .' \
	>>"$tmp/zones/e164.arpa.zone"
"$SIPRESOLVE" --zones "$tmp/zones" --json --seed 1 --transports udp,tcp \
	--batch "$tmp/inputs" >"$tmp/all" 2>"$tmp/err"
is "$(wc -l <"$tmp/all" | tr -d ' ')" 12 "one JSON line per input"
jq -e . "$tmp/all" >/dev/null 2>&1; ok $? "every line is JSON (jq parses it)"

# check NAME FILTER: FILTER (jq, over the slurped array of results) must give
# true.
check() {
	got=$(jq -s -r "$2" "$tmp/all" 2>&1)
	is "$got" true "$1"
}
status_of() { jq -r "select(.input == \"$1\") | .status" "$tmp/all"; }

# ---- the statuses and the error field -----------------------------------------
is "$(status_of tel:+49-421-201-7028)" ok "status ok (tel:)"
is "$(status_of sip:nobody@nonexistent.example)" not-found "status not-found"
is "$(status_of sip:bad@@x)" bad-input "status bad-input"
is "$(status_of tel:+1-555-010-0002)" loop "status loop (RFC 6116 §5.2.1)"
is "$(status_of sips:a@aonly.sip.test)" no-transport \
	"status no-transport (sips: with udp,tcp only, RFC 3263 §4.1)"
check "status: a string, one of the names in sipresolve(1), JSON OUTPUT" \
	'all(.[]; .status | IN("ok", "bad-input", "not-found", "no-transport", "loop",
	    "dns-failure", "dnssec-bogus", "timeout", "dnssec-insecure", "limit"))'
check "input: the input as given, a string" \
	'all(.[]; .input | type == "string") and .[0].input == "tel:+49-421-201-7028"'
check "error: a non-empty string exactly when status is not ok" \
	'all(.[]; if .status == "ok" then has("error") | not
		  else (.error | type == "string" and length > 0) end)'

# ---- enum ---------------------------------------------------------------------
check "enum: present for tel: input, absent for sip: input" \
	'all(.[]; has("enum") == (.input | startswith("tel:")))'
check "enum.aus: + and digits" \
	'all(.[] | select(has("enum")); .enum.aus | test("^[+][0-9]+$"))'
check "enum.domains: an array of absolute names" \
	'all(.[] | select(has("enum")); .enum.domains | type == "array" and length > 0 and
	    all(.[]; type == "string" and endswith(".")))'
check "enum.records: an array of objects" \
	'all(.[] | select(has("enum")); .enum.records | type == "array" and
	    all(.[]; type == "object"))'
for f in owner flags services regexp replacement verdict; do
	check "enum.records[].$f: a string" \
		"all(.[] | .enum.records[]?; .$f | type == \"string\")"
done
for f in order preference; do
	check "enum.records[].$f: a number in 0..65535" \
		"all(.[] | .enum.records[]?; .$f | type == \"number\" and . >= 0 and . <= 65535)"
done
check "enum.records[].result: a string, or null when no rule applied" \
	'all(.[] | .enum.records[]?; .result | type == "string" or type == "null")'
check "enum.records[].verdict: one of the verdict names" \
	'all(.[] | .enum.records[]?; .verdict | IN("selected", "fallback", "not-sip",
	    "invalid", "no-match", "not-reached", "no-target"))'
check "enum.records[].reason: a string when present" \
	'all(.[] | .enum.records[]?; (has("reason") | not) or (.reason | type == "string"))'
check "enum.uris: an array of sip:/sips: URIs" \
	'all(.[] | select(has("enum")); .enum.uris | type == "array" and
	    all(.[]; test("^sips?:")))'
is "$(jq -r 'select(.input == "tel:+1-555-010-0001") | [.enum.records[].verdict] | join(",")' \
	"$tmp/all")" "invalid,selected" \
	"enum.records[].verdict: a malformed record is invalid, the other selected (RFC 6116 §5.2)"
is "$(jq -r 'select(.input == "tel:+1-555-010-0001") | .enum.records[0] | has("reason")' \
	"$tmp/all")" true "enum.records[].reason says why a record is invalid"
is "$(jq -r 'select(.input == "tel:+1-555-010-0005") | [.enum.records[].verdict] | join(",")' \
	"$tmp/all")" "not-sip,selected" \
	"enum.records[].verdict: a rule passed over for its service is not-sip, and the next ORDER is used (RFC 3402 §3.3)"
is "$(jq -r 'select(.input == "tel:+1-555-010-0005") | .enum.uris | length' "$tmp/all")" 1 \
	"enum.uris: the SIP URI of the later ORDER"

# ---- uri ----------------------------------------------------------------------
check "uri: a sip:/sips: string when present; present whenever status is ok" \
	'all(.[]; (has("uri") | not) or (.uri | type == "string" and test("^sips?:"))) and
	 all(.[] | select(.status == "ok"); has("uri"))'
is "$(jq -r 'select(.input == "tel:+49-421-201-7028") | .uri' "$tmp/all")" "sip:jo@tzi.org" \
	"uri: the one ENUM gave for tel: input"

# ---- steps ----------------------------------------------------------------------
check "steps: an array of objects on every result" \
	'all(.[]; .steps | type == "array" and all(.[]; type == "object"))'
check "steps[].qname: an absolute name" 'all(.[] | .steps[]; .qname | type == "string" and endswith("."))'
check "steps[].qtype: a type mnemonic" \
	'all(.[] | .steps[]; .qtype | type == "string" and test("^([A-Z]+|TYPE[0-9]+)$"))'
check "steps[].rcode: an rcode name" \
	'all(.[] | .steps[]; .rcode | type == "string" and test("^[A-Z]+$"))'
check "steps[].dnssec: one of secure, insecure, bogus, indeterminate" \
	'all(.[] | .steps[]; .dnssec | IN("secure", "insecure", "bogus", "indeterminate"))'
check "steps[].answers: an array of strings" \
	'all(.[] | .steps[]; .answers | type == "array" and all(.[]; type == "string"))'
check "steps[].wave: a number from 1" 'all(.[] | .steps[]; .wave | type == "number" and . >= 1)'
check "steps[].notes: an array of strings" \
	'all(.[] | .steps[]; .notes | type == "array" and all(.[]; type == "string"))'
check "steps[].why_bogus: absent unless the step is bogus" \
	'all(.[] | .steps[]; (has("why_bogus") | not) or .dnssec == "bogus")'
check "steps[].answer_roles: one role name per answer, in the order of answers" \
	'all(.[] | .steps[]; (.answer_roles | length) == (.answers | length) and
	    all(.answer_roles[]; IN("none", "enum", "naptr", "srv", "address")))'
check "steps[].answer_roles: the key after the other step keys" \
	'all(.[] | .steps[]; keys_unsorted[-1] == "answer_roles")'
# RFC 3263 §4.1-4.2: the chosen NAPTR, its SRV records and the addresses that
# gave the targets; the NAPTR records of a later ORDER are not on the path.
# (The addresses of rasen.tzi.org. come in the SRV answer's additional section.)
is "$(jq -r 'select(.input == "sip:jo@tzi.org") |
	[.steps[] | "\(.qtype):\(.answer_roles | join(","))"] | join(" ")' "$tmp/all")" \
	"NAPTR:none,naptr,none SRV:srv,srv,srv AAAA:" \
	"steps[].answer_roles: the NAPTR and the SRV records on the path of sip:jo@tzi.org (udp, tcp)"
is "$(jq -r 'select(.input == "tel:+49-421-201-7028") | .steps[0].answer_roles | join(",")' \
	"$tmp/all")" "enum" \
	"steps[].answer_roles: the ENUM record whose URI was located (RFC 6116 §3.4)"
run --zones "$top_srcdir/tests/zones" --json --seed 1 sip:x@aonly.sip.test
is "$(printf '%s\n' "$out" | jq -r '[.steps[] | select(.qtype == "A") | .answer_roles[]] |
	join(",")')" "address" "steps[].answer_roles: the A record that gave the target"
is "$(jq -r 'select(.input == "sip:jo@tzi.org") | .steps[0] | "\(.qname) \(.qtype) \(.rcode)"' \
	"$tmp/all")" "tzi.org. NAPTR NOERROR" "steps: the first question of a sip: URI is NAPTR"
is "$(jq -r 'select(.input == "sip:nobody@nonexistent.example") | .steps[0].rcode' "$tmp/all")" \
	NXDOMAIN "steps[].rcode: NXDOMAIN"
contains "$(jq -r 'select(.input == "sip:jo@tzi.org") | .steps[0].answers[0]' "$tmp/all")" \
	"tzi.org. 300 IN NAPTR 50 100" "steps[].answers: records in presentation format"

# ---- targets --------------------------------------------------------------------
check "targets: an array of objects; non-empty exactly when status is ok" \
	'all(.[]; .targets | type == "array" and all(.[]; type == "object")) and
	 all(.[]; (.targets | length > 0) == (.status == "ok"))'
check "targets[].transport: lower-case name" \
	'all(.[] | .targets[]; .transport | IN("udp", "tcp", "tls", "sctp", "tls-sctp", "ws", "wss"))'
check "targets[].address: bare textual address (no brackets)" \
	'all(.[] | .targets[]; .address | type == "string" and test("^[0-9a-f.:]+$"))'
check "targets[].port: a number in 1..65535" \
	'all(.[] | .targets[]; .port | type == "number" and . >= 1 and . <= 65535)'
check "targets[].family: ipv4 or ipv6, matching the address" \
	'all(.[] | .targets[]; (.family == "ipv6") == (.address | contains(":")) and
	    (.family | IN("ipv4", "ipv6")))'
check "targets[].host: an absolute name, absent exactly for a numeric host" \
	'all(.[] | .targets[]; if .source == "numeric" then has("host") | not
			       else .host | type == "string" and endswith(".") end)'
check "targets[].priority, weight: numbers in 0..65535, 0 without SRV" \
	'all(.[] | .targets[]; (.priority | type == "number" and . >= 0 and . <= 65535) and
	    (.weight | type == "number" and . >= 0 and . <= 65535) and
	    (.source == "srv" or (.priority == 0 and .weight == 0)))'
check "targets[].dnssec: one of the four states" \
	'all(.[] | .targets[]; .dnssec | IN("secure", "insecure", "bogus", "indeterminate"))'
check "targets[].source: numeric, srv or host" \
	'all(.[] | .targets[]; .source | IN("numeric", "srv", "host"))'
check "targets[].recently_failed: a boolean" \
	'all(.[] | .targets[]; .recently_failed | type == "boolean")'
is "$(jq -r 'select(.input == "sip:a@[2001:db8::7]:5070") | .targets[0] |
	"\(.address) \(.port) \(.family) \(has("host"))"' "$tmp/all")" "2001:db8::7 5070 ipv6 false" \
	"targets: a numeric IPv6 host, bare address, its port, no host"
is "$(jq -r 'select(.input == "sip:jo@tzi.org") | .targets[0] |
	"\(.host) \(.priority) \(.weight | IN(2, 4))"' "$tmp/all")" "rasen.tzi.org. 0 true" \
	"targets: host, priority and weight of the SRV record"

# ---- the top-level dnssec, waves, questions, notes, kind --------------------------
check "dnssec: one of the four states, the weakest of the steps" \
	'all(.[]; .dnssec | IN("secure", "insecure", "bogus", "indeterminate")) and
	 all(.[] | select(.steps | length > 0);
	     . as $r | ["bogus", "indeterminate", "insecure", "secure"] as $o |
	     ($o | index($r.dnssec)) == ([$r.steps[].dnssec | . as $d | $o | index($d)] | min))'
check "waves, questions: numbers; questions = steps" \
	'all(.[]; (.waves | type == "number") and (.questions | type == "number") and
	    .questions == (.steps | length))'
check "notes: an array of strings" 'all(.[]; .notes | type == "array" and all(.[]; type == "string"))'
check "kind: request for URI input" 'all(.[]; .kind == "request")'
check "route: absent without a route set" 'all(.[]; has("route") | not)'

# ---- key order: doc/DESIGN.md §1's order, the added keys last ---------------------------
is "$(head -n 1 "$tmp/all" | jq -r 'keys_unsorted | join(" ")')" \
	"input status enum uri steps targets dnssec waves questions notes kind line" \
	"keys in the order of doc/DESIGN.md §1, the added ones after"
is "$(sed -n 5p "$tmp/all" | jq -r 'keys_unsorted | join(" ")')" \
	"input status error uri steps targets dnssec waves questions notes kind line" \
	"error right after status when not ok"
is "$(jq -r .line "$tmp/all" | tr '\n' ' ')" "1 2 3 4 5 6 7 8 9 10 11 12 " \
	"line: each batch result's line in the input, counted from 1"
run --zones "$ZONES" --json sip:jo@tzi.org
is "$(printf '%s\n' "$out" | jq 'has("line")')" false "line: absent for an argument"

# ---- route, response, recently_failed ------------------------------------------
run --zones "$ZONES" --json --outbound-proxy 'sip:tzi.org;lr' --route 'sip:p2.example;lr' \
	sip:bob@example.com
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }
is "$(j '.route | join(" ")')" "sip:tzi.org;lr sip:p2.example;lr" \
	"route: the route set, outbound proxy first (RFC 3261 §8.1.2)"
is "$(j .uri)" "sip:tzi.org;lr" "route: uri is the Route URI located"
is "$(j .input)" "sip:bob@example.com" "route: input is the Request-URI"
run --zones "$TZONES" --json --response 'SIP/2.0/UDP 192.0.2.9:5080;branch=z9hG4bK1'
is "$(j .kind)" response "kind: response for --response (RFC 3263 §5)"
is "$(j 'has("route")')" false "route: absent for a response"
run --zones "$ZONES" --json --seed 1 --failed tls:134.102.218.67:5061 sip:jo@tzi.org
is "$(j '[.targets[].recently_failed] | map(tostring) | join(",")')" "false,false,true" \
	"targets[].recently_failed: true for the failed one, which is last (RFC 3263 §4.3)"

# ---- DNSSEC states on a zone signed here (skipped without ldns-signzone) --------
if command -v ldns-keygen >/dev/null 2>&1 && command -v ldns-signzone >/dev/null 2>&1; then
	mkdir "$tmp/sign" "$tmp/signed"
	cat >"$tmp/sign/signed.test.zone" <<'EOF'
$ORIGIN signed.test.
$TTL 300
@	SOA	ns.signed.test. hostmaster.signed.test. 1 3600 600 604800 300
@	NS	ns.signed.test.
ns	A	192.0.2.53
good	A	192.0.2.61
bad	A	192.0.2.62
EOF
	(cd "$tmp/sign" && key=$(ldns-keygen -a ECDSAP256SHA256 -k signed.test) &&
		ldns-signzone -o signed.test. signed.test.zone "$key" && cp "$key.ds" ta.ds) \
		>/dev/null 2>&1
	# A changed address under the old signature: bogus (RFC 4035 §5.5).
	sed 's/192\.0\.2\.62/192.0.2.99/' "$tmp/sign/signed.test.zone.signed" \
		>"$tmp/signed/signed.test.zone"
	run --zones "$tmp/signed" --trust-anchor "$tmp/sign/ta.ds" --json sip:a@good.signed.test
	is "$(j '[.dnssec, .targets[0].dnssec, (.steps | map(.dnssec) | unique | join(","))] | join(" ")')" \
		"secure secure secure" "dnssec: secure for a signed zone under a trust anchor"
	run --zones "$tmp/signed" --trust-anchor "$tmp/sign/ta.ds" --json sip:a@bad.signed.test
	is "$(j '.dnssec')" bogus "dnssec: bogus when a signature does not verify"
	is "$(j '[.steps[] | select(.dnssec == "bogus") | .why_bogus | type] | unique | join(",")')" \
		string "steps[].why_bogus: a string on a bogus step"
else
	ok 0 "# SKIP ldns-keygen/ldns-signzone not installed"
fi

done_testing
