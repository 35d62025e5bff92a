#!/bin/sh
# test_messages.sh - the message of a result says what happened, on its own: --short
# and a program's error field show no trace, so no message may send the reader to one.
. "$(dirname "$0")/lib.sh"
HZONES="$top_srcdir/tests/hostile"

# ---- RFC 1034 §3.6.2: a CNAME loop is named, not only "SERVFAIL" ------------------------
run --zones "$HZONES" --short sip:a@cloop.hostile.test
is "$rc" 3 "CNAME loop: exit 3"
contains "$err" "a CNAME loop: cloop.hostile.test. -> cloop2.hostile.test. -> cloop.hostile.test. (RFC 1034 §3.6.2)" \
	"CNAME loop: the message names the loop"
run --zones "$HZONES" sip:a@cloop.hostile.test
contains "$out" "=> failed: a CNAME loop: cloop.hostile.test. -> cloop2.hostile.test." \
	"CNAME loop: the failed step of the trace names it too"
run --zones "$HZONES" --json sip:a@cloop.hostile.test
contains "$(printf '%s\n' "$out" | jq -r '.steps[0].failure')" "a CNAME loop:" \
	"CNAME loop: the JSON step's failure names it"

# ---- a failure that may have hidden the answer: which question, and how -----------------
run --zones "$HZONES" --short --on-dns-failure fallback sip:a@cloop.hostile.test
is "$rc" 3 "fallback policy, nothing found after a failure: exit 3"
contains "$err" "the NAPTR question for cloop.hostile.test. failed (a CNAME loop:" \
	"the message names the failed question and why"
case "$err" in *"see the"*) r=1 ;; *) r=0 ;; esac
ok $r "--short: no message says 'see the trace' or 'see the notes'"

# ---- RFC 3263 §4.1: a NAPTR set with no usable record says so -------------------------------
run --zones "$TZONES" --short sip:a@unusable.sip.test
is "$rc" 1 "unusable NAPTR set, no SRV, no address: not-found, exit 1"
contains "$err" "unusable.sip.test. has 2 NAPTR records but none this client can use" \
	"the message says the NAPTR records were there and unusable"

done_testing
