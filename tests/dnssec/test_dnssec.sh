#!/bin/sh
# test_dnssec.sh - sipresolve and DNSSEC (RFC 4035 §4.3, §5.5;
# RFC 3263 §7; RFC 6116 §7): the signed README demo, --dnssec policies,
# --trust-anchor, and zones signed now by mkzones.sh: tampered, expired,
# RRSIG removed, signed without an anchor, unsigned beside and under anchors.
# Each case is checked for status, exit code and what the trace says.
. "$(dirname "$0")/../cli/lib.sh"

if ! sh "$top_srcdir/tests/dnssec/mkzones.sh" "$tmp/gen" >"$tmp/mkzones.log" 2>&1; then
	echo "Bail out! mkzones.sh could not sign the test zones:"
	sed 's/^/# /' "$tmp/mkzones.log"
	exit 1
fi
G="$tmp/gen/zones"
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }

# ---- the README demo: secure at every step ---------
run --zones "$ZONES" tel:+49-421-201-7028
is "$rc" 0 "demo: exit 0"
steps=$(printf '%s\n' "$out" | grep -c '^;; wave')
secure=$(printf '%s\n' "$out" | grep -c '^;; wave .*, DNSSEC secure$')
[ "$steps" -gt 0 ] && [ "$steps" -eq "$secure" ]
ok $? "demo: every step is secure ($secure of $steps)"
targets=$(printf '%s\n' "$out" | grep -c '^  [0-9]*\. ')
secure=$(printf '%s\n' "$out" | grep -c '^  [0-9]*\. .*, DNSSEC secure)$')
[ "$targets" -eq 3 ] && [ "$secure" -eq 3 ]
ok $? "demo: every target is secure ($secure of $targets)"
contains "$out" "DNSSEC secure" "demo: the status line says the chain is secure"
run --zones "$ZONES" --json tel:+49-421-201-7028
is "$(j '[.steps[].dnssec] | unique | join(",")')" "secure" "json demo: steps[].dnssec all secure"
is "$(j '[.targets[].dnssec] | unique | join(",")')" "secure" "json demo: targets[].dnssec all secure"
is "$(j .dnssec)" "secure" "json demo: top-level dnssec secure"

# ---- 1. tampered: a record changed after signing --------------------------
run --zones "$G" sip:a@tampered.test
is "$rc" 3 "tampered NAPTR: exit 3"
contains "$out" ";; wave 1  tampered.test. NAPTR -> NOERROR, DNSSEC bogus" \
	"tampered NAPTR: the trace marks the step bogus"
contains "$out" "DNSSEC bogus: validation failure <tampered.test. NAPTR IN>" \
	"tampered NAPTR: the reason is shown on the step's line"
contains "$out" "=> refused: DNSSEC bogus" "tampered NAPTR: the trace says it was refused"
contains "$out" "Status: dnssec-bogus: " "tampered NAPTR: status dnssec-bogus"
case "$out" in *"_sip._udp.tampered.test."*) r=1 ;; *) r=0 ;; esac
ok $r "tampered NAPTR: no fallback to the _sip._udp SRV set (no downgrade, RFC 3263 §7)"
run --zones "$G" --json sip:a@tampered.test
is "$(j .status)" "dnssec-bogus" "json tampered: status dnssec-bogus"
is "$(j '.steps[0].dnssec')" "bogus" "json tampered: steps[0].dnssec bogus"
contains "$(j '.steps[0].why_bogus')" "tampered.test. NAPTR" "json tampered: steps[0].why_bogus"
is "$(j '.targets | length')" "0" "json tampered: no target"
is "$(j .dnssec)" "bogus" "json tampered: top-level dnssec bogus"
contains "$(j .error)" "validation failure" "json tampered: the error carries why_bogus"

run --zones "$G" sip:a@addr.tampered.test
is "$rc" 3 "tampered A: exit 3"
contains "$out" "h1.addr.tampered.test. A -> NOERROR, DNSSEC bogus" "tampered A: that step is bogus"
contains "$out" "h2.addr.tampered.test.: 1 IPv4 address from the additional section" \
	"tampered A: the intact one stays in the secure SRV answer's additional section"
case "$out" in *"192.0.2.2:5060"*) r=1 ;; *) r=0 ;; esac
ok $r "tampered A: no target at all, not even the intact one"

# ---- 2. an expired signature ---------------------------------------------
run --zones "$G" sip:a@expired.test
is "$rc" 3 "expired: exit 3"
contains "$out" "DNSSEC bogus: " "expired: the reason is shown"
contains "$out" "signature expired" "expired: ...and says the signature expired"
run --zones "$G" --dnssec off sip:a@expired.test
is "$rc" 0 "expired, --dnssec off: exit 0 (validation ignored)"
contains "$out" "(SRV priority 0, weight 1, DNSSEC indeterminate)" "expired, --dnssec off: targets are indeterminate"

# ---- an RRSIG removed after signing --------------------------------------
run --zones "$G" sip:a@stripped.test
is "$rc" 3 "RRSIG removed: exit 3"
contains "$out" "h1.stripped.test. A -> SERVFAIL, DNSSEC bogus" "RRSIG removed: the A step is bogus"
contains "$out" "trust anchor requires one" "RRSIG removed: the reason is shown"

# ---- 3. a signed zone without an anchor ----------------------------------
run --zones "$G" --json sip:a@noanchor.test
is "$rc" 0 "signed, no anchor: exit 0"
is "$(j '[.steps[].dnssec] | unique | join(",")')" "insecure" "signed, no anchor: steps insecure"
is "$(j .dnssec)" "insecure" "signed, no anchor: top-level insecure"
run --zones "$G" --trust-anchor "$tmp/gen/noanchor.ds" --json sip:a@noanchor.test
is "$(j .dnssec)" "secure" "signed, --trust-anchor FILE: secure"
is "$(j '.targets[0].dnssec')" "secure" "signed, --trust-anchor FILE: target secure"
run --zones "$G" --dnssec require sip:a@noanchor.test
is "$rc" 3 "signed, no anchor, --dnssec require: exit 3"
contains "$out" "Status: dnssec-insecure: noanchor.test. NAPTR" \
	"--dnssec require: the status names the refused question"
contains "$out" "=> refused: not DNSSEC-secure" "--dnssec require: the trace says it was refused"

# ---- 4. unsigned beside anchors, unsigned under an anchor ----------------
run --zones "$G" sip:a@unsigned.test
is "$rc" 0 "unsigned beside anchors: exit 0"
contains "$out" "DNSSEC insecure" "unsigned beside anchors: insecure"
run --zones "$G" sip:a@anchored.test
is "$rc" 3 "unsigned under an anchor: exit 3"
contains "$out" "anchored.test. NAPTR -> SERVFAIL, DNSSEC bogus" "unsigned under an anchor: bogus step"
contains "$out" "Status: dnssec-bogus" "unsigned under an anchor: status dnssec-bogus"

# ---- ENUM ----------------------------------------------------------------
run --zones "$G" --json +15550200002
is "$(j '.steps[0].dnssec')" "secure" "ENUM: the ENUM answer is secure"
is "$(j '.targets[0].dnssec')" "insecure" "ENUM: the target of an unanchored URI is insecure"
run --zones "$G" --suffix e164.arpa --suffix enum.test +15550200003
is "$rc" 3 "ENUM record changed after signing: exit 3, no other suffix tried"

# ---- policies and options ------------------------------------------------
run --zones "$G" --dnssec require sip:a@good.test
is "$rc" 0 "--dnssec require on a signed zone: exit 0"
run --zones "$G" --dnssec off --json sip:a@addr.tampered.test
is "$rc" 0 "--dnssec off on the tampered zone: exit 0"
is "$(j '.targets[0].address')" "192.0.2.66" "--dnssec off: the tampered address is used"
is "$(j .dnssec)" "indeterminate" "--dnssec off: indeterminate"
run --zones "$G" --dnssec validate sip:a@good.test
is "$rc" 0 "--dnssec validate: accepted"
run --zones "$G" --dnssec maybe sip:a@good.test
is "$rc" 2 "--dnssec maybe: usage error"
contains "$err" "validate, require, off" "--dnssec maybe: the message lists the policies"
printf 'good.test. IN A 192.0.2.1\n' >"$tmp/bad.anchor"
run --zones "$G" --trust-anchor "$tmp/bad.anchor" sip:a@good.test
is "$rc" 2 "--trust-anchor with an A record: exit 2"
contains "$err" "--trust-anchor $tmp/bad.anchor" "--trust-anchor: the message names the file"

done_testing
