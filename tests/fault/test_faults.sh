#!/bin/sh
# test_faults.sh - sipresolve in server mode against tests/fault/faultdns, a DNS server on
# 127.0.0.1 that injects one fault per domain of tests/fault/fault.test.zone (the rules
# are tests/fault/faults.rules).  A failed question (SERVFAIL, REFUSED, no answer, an
# answer that cannot be read) is not an empty answer: it must not make the resolver fall
# back to other records (RFC 3263 §4.1 falls back only when records are absent).  Each
# case checks the exit status and status, that it ends in bounded time, which targets
# come out, and that the trace names the problem.
#
# Points the engine does not meet yet are written as expected failures with the TAP
# directive "# TODO engine: ..."; once the engine meets one it passes, which the harness
# counts as XPASS, a failure: then the TODO comes off.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
FDIR="$top_srcdir/tests/fault"
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }

# ok STATUS NAME, honouring $todo: while it is set, a point is an expected failure.
todo=""
ok() {
	tap_n=$((tap_n + 1))
	if [ -n "$todo" ]; then
		if [ "$1" -eq 0 ]; then
			echo "ok $tap_n - $2 # TODO $todo"
		else
			echo "not ok $tap_n - $2 # TODO $todo"
		fi
	elif [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# ---- the server: port 0, a lifetime, a bounded wait for its port file, a trap ----------
. "$top_srcdir/tests/fault/server.sh"
start_faultdns 120 -l "$tmp/queries.log" -z "$FDIR/fault.test.zone" \
	-z "$FDIR/e164.fault.test.zone" -r "$FDIR/faults.rules"

# ---- the cases run concurrently: each result lands in $tmp/NAME.{json,txt,rc,ms} --------
pids=""
launch() { # launch NAME FORMAT SIPRESOLVE-ARGS...: FORMAT json or txt
	name=$1
	fmt=$2
	shift 2
	[ "$fmt" = json ] && set -- --json "$@"
	(
		t0=$(date +%s%N)
		"$SIPRESOLVE" "@127.0.0.1#$port" "$@" >"$tmp/$name.$fmt" 2>"$tmp/$name.$fmt.err"
		echo $? >"$tmp/$name.$fmt.rc"
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000000)) >"$tmp/$name.$fmt.ms"
	) &
	pids="$pids $!"
}
both() { # both NAME ARGS...: the JSON and the text form of one case
	name=$1
	shift
	launch "$name" json "$@"
	launch "$name" txt "$@"
}
wait_all() {
	for p in $pids; do
		wait "$p"
	done
	pids=""
}

S=fault.test
both good --timeout 2 "sip:x@good.$S"
for c in servfail refused formerr notimp dropped keep srvfail bothfail tcok tcclose tcgarbage wrongid wrongq \
	shorta extra cname; do
	both "$c" --timeout 2 "sip:x@$c.$S"
done
both loop --timeout 2 "sip:x@loop1.$S"
both dname --timeout 2 "sip:x@x.dname.$S"
both dloop --timeout 2 "sip:x@x.dloop1.$S"
both aaaadrop --timeout 4 "sip:x@aaaadrop.$S"
both aaaaslow --timeout 4 --question-timeout 0.5 "sip:x@aaaaslow.$S"
both onlya --timeout 2 "sip:x@onlya.$S"
launch onlya4 json --timeout 2 -4 "sip:x@onlya.$S"
launch probedrop json --timeout 5 "sip:x@probedrop.$S"
both fallback --timeout 2 --on-dns-failure fallback "sip:x@servfail.$S"
both enumsfx --timeout 2 --suffix "efail.$S" --suffix "e164.$S" tel:+1-555-0100
both enumok --timeout 2 --suffix "e164.$S" tel:+1-555-0100
both enumloop --timeout 2 --suffix "e164.$S" tel:+1-555-0199
launch delay json "sip:x@delay.$S"
wait_all
# The huge answers after the others, one at a time: they keep the server busy.
launch hugenaptr json --timeout 3 "sip:x@hugenaptr.$S"
wait_all
launch hugea json --timeout 3 "sip:x@hugea.$S"
wait_all
launch hugea5 json --timeout 3 --max-addresses 5 --max-targets 4 "sip:x@hugea.$S"
wait_all

# load NAME: $out (JSON), $text, $rc, $ms, $err of a case; a crash or a valgrind or
# sanitizer finding is a failed point of its own (tests/cli/lib.sh).
load() {
	out=$(cat "$tmp/$1.json")
	text=$(cat "$tmp/$1.txt" 2>/dev/null)
	rc=$(cat "$tmp/$1.json.rc")
	ms=$(cat "$tmp/$1.json.ms")
	err=$(cat "$tmp/$1.json.err")
	check_finding "case $1"
}
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }
targets() { j '[.targets[] | .transport + "/" + .address + "/" + (.port | tostring)] | join(" ")'; }
# bounded MAX_MS WHAT: the run ended within MAX_MS (not checked under valgrind)
bounded() {
	[ "$ms" -lt "$1" ] || [ -n "${RSIP_VALGRIND:-}" ]
	ok $? "$2 ends in bounded time ($ms ms, under $1 ms)"
}
# asked PROTO QNAME QTYPE: the server's query log has that question
asked() { grep -q "^$1 $2 $3\$" "$tmp/queries.log"; }

# ---- control: the unfaulted chain picks TLS (RFC 3263 §4.1 NAPTR order) --------------
load good
is "$rc $(j .status)" "0 ok" "good: exit 0, status ok"
is "$(targets)" "tls/2001:db8::1/5061 tls/192.0.2.1/5061" "good: the TLS targets of the NAPTR"

# ---- a failed NAPTR question where the NAPTR chooses TLS first -----------------------
# RFC 3263 §4.1 falls back to SRV per transport only when there is no NAPTR: a failed
# question says nothing of what exists, and _sip._udp must not be reached through it.
for c in servfail refused formerr notimp dropped; do
	load "$c"
	is "$rc" 3 "$c: NAPTR failed: exit 3"
	if [ "$c" = dropped ]; then
		# No answer at all: the deadline ends it first (libunbound still retrying).
		case $(j .status) in dns-failure | timeout) st=0 ;; *) st=1 ;; esac
		ok $st "$c: status dns-failure or timeout (got $(j .status))"
	else
		is "$(j .status)" dns-failure "$c: status dns-failure"
	fi
	case "$text" in *"no usable NAPTR record"* | *"no SRV record"*) st=1 ;; *) st=0 ;; esac
	ok $st "$c: the trace does not take the failed NAPTR for an absent one"
	# JSON: the failed step says so, naming the server (an empty answer has no failure)
	contains "$(j '.steps[0].failure')" "127.0.0.1#$port" \
		"$c: json steps[0].failure names the server"
	is "$(targets)" "" "$c: no target"
	case " $(targets)" in *" udp/"*) st=1 ;; *) st=0 ;; esac
	ok $st "$c: never a udp target (no downgrade from TLS)"
	todo=""
	bounded 4000 "$c"
	if [ "$c" = dropped ]; then
		contains "$text" "dropped.$S. NAPTR -> no answer" \
			"$c: the trace names the NAPTR question"
	else
		# libunbound reports REFUSED from a forwarder as SERVFAIL
		contains "$text" "$c.$S. NAPTR -> SERVFAIL" \
			"$c: the trace names the NAPTR and SERVFAIL"
	fi
done

# SERVFAIL that still carries the NAPTR records: the records are not used either.
load keep
is "$rc" 3 "keep: NAPTR SERVFAIL with records: exit 3"
is "$(j .status)" dns-failure "keep: status dns-failure"
is "$(targets)" "" "keep: no target"
todo=""
asked udp "_sips._tcp.keep.$S." SRV
is $? 1 "keep: the records of the failed answer are not followed (no _sips._tcp SRV question)"
bounded 4000 keep

# ---- the SRV question the NAPTR chose fails -------------------------------------------
load srvfail
is "$rc" 3 "srvfail: the SRV of SIPS+D2T failed: exit 3"
is "$(j .status)" dns-failure "srvfail: status dns-failure"
is "$(targets)" "" "srvfail: no target (no udp from the next NAPTR)"
todo=""
bounded 4000 srvfail
contains "$text" "_sips._tcp.srvfail.$S. SRV -> SERVFAIL" \
	"srvfail: the trace names the SRV and SERVFAIL"

# ---- addresses of the target ------------------------------------------------------------
# RFC 7984 §4: A and AAAA of the target both asked; the AAAA is never answered.
load aaaadrop
is "$rc $(j .status)" "0 ok" "aaaadrop: AAAA dropped, A answered: exit 0, status ok"
is "$(targets)" "tls/192.0.2.7/5061" "aaaadrop: the IPv4 target"
[ -n "$(j '.notes[] | select(test("AAAA"))')" ]
ok $? "aaaadrop: a note of the result names the AAAA question"
todo=""
bounded 6000 "aaaadrop (--timeout 4)"
contains "$text" "h.aaaadrop.$S. AAAA -> no answer" "aaaadrop: the trace names the AAAA question"

load bothfail
is "$rc $(j .status)" "3 dns-failure" "bothfail: A and AAAA of the only target SERVFAIL: exit 3"
is "$(targets)" "" "bothfail: no target"
bounded 4000 bothfail
contains "$text" "h.bothfail.$S. A -> SERVFAIL" "bothfail: the trace names the A question"
contains "$text" "h.bothfail.$S. AAAA -> SERVFAIL" "bothfail: the trace names the AAAA question"
contains "$(j .error)" "question for h.bothfail.$S. failed (SERVFAIL from 127.0.0.1#$port" \
	"bothfail: the error names the failed question and the server, not 'see the notes'"

# --question-timeout: an AAAA 3000 ms late is given up after 500 ms; the A target stays
load aaaaslow
is "$rc $(j .status)" "0 ok" "aaaaslow: AAAA given up at --question-timeout 0.5: exit 0, ok"
is "$(targets)" "tls/192.0.2.77/5061" "aaaaslow: the IPv4 target"
[ -n "$(j '.notes[] | select(test("question timeout of 500 ms"))')" ]
ok $? "aaaaslow: a note names the question timeout"
bounded 2500 "aaaaslow (--question-timeout 0.5, the AAAA 3000 ms late)"

# --on-dns-failure fallback: availability over integrity, knowingly (RFC 3263 §4.1)
load fallback
is "$rc $(j .status)" "0 ok" "fallback: a failed NAPTR taken as none: exit 0, ok"
is "$(j '.targets[0].transport')" udp "fallback: SRV per transport, udp (the risk it takes)"
contains "$text" "the failure policy is fallback" "fallback: the trace says why it fell back"

# A failed first ENUM suffix: the second suffix's URI must not stand in for its records.
load enumsfx
is "$rc $(j .status)" "3 dns-failure" "enumsfx: the first suffix SERVFAIL: exit 3, dns-failure"
is "$(j .uri)" "null" "enumsfx: no URI of the second suffix is located"
contains "$(j .error)" "no later suffix is used in its place" "enumsfx: the error says why"

# ---- truncation (RFC 1035 §4.2.1, RFC 7766 §5: TC=1 means ask again over TCP) ---------
load tcok
is "$rc $(j .status)" "0 ok" "tcok: TC=1 over UDP, the TCP answer is used: ok"
is "$(targets)" "tls/2001:db8::9/5061 tls/192.0.2.9/5061" "tcok: the TLS targets"
asked tcp "tcok.$S." NAPTR
ok $? "tcok: the NAPTR was asked again over TCP"
for c in tcclose tcgarbage; do
	load "$c"
		is "$rc" 3 "$c: TC=1, then no usable TCP answer: exit 3"
	case " $(targets)" in *" udp/"*) st=1 ;; *) st=0 ;; esac
	ok $st "$c: never a udp target"
	todo=""
	asked tcp "$c.$S." NAPTR
	ok $? "$c: the NAPTR was asked over TCP"
	bounded 4000 "$c"
	contains "$text" "$c.$S. NAPTR -> SERVFAIL" "$c: the trace names the NAPTR and SERVFAIL"
done

# ---- answers that do not belong to the question (RFC 5452 §3) ----------------------
load wrongid
is "$rc" 3 "wrongid: an answer under another ID is ignored: exit 3"
case $(j .status) in dns-failure | timeout) st=0 ;; *) st=1 ;; esac
ok $st "wrongid: status dns-failure or timeout (got $(j .status))"
is "$(targets)" "" "wrongid: no target"
bounded 4000 "wrongid (--timeout 2)"
contains "$text" "wrongid.$S. NAPTR" "wrongid: the trace names the NAPTR question"
load wrongq
is "$rc" 3 "wrongq: an answer for another question is ignored: exit 3"
case " $(targets)" in *" udp/"*) st=1 ;; *) st=0 ;; esac
ok $st "wrongq: never a udp target"
todo=""
bounded 4000 "wrongq (--timeout 2)"
contains "$text" "wrongq.$S. NAPTR -> SERVFAIL" "wrongq: the trace names the NAPTR and SERVFAIL"

# ---- one malformed record beside good ones ---------------------------------------------
# RFC 1035 §3.4.1: A RDATA is 4 octets; the bad record is dropped, the good A kept.
load shorta
is "$rc $(j .status)" "0 ok" "shorta: an A record of 3 octets beside a good one: exit 0, ok"
case " $(targets) " in *" tls/192.0.2.14/5061 "*) st=0 ;; *) st=1 ;; esac
ok $st "shorta: the good A 192.0.2.14 is a target"
[ -n "$(j '.steps[] | select(.qname == "h.shorta.fault.test." and .qtype == "A") |
	.notes[] | select(test("malformed|RDATA|rdata|octets"))')" ]
ok $? "shorta: the trace of the A question names the malformed record"
todo=""
case " $(targets) " in *" tls/2001:db8::14/5061 "*) st=0 ;; *) st=1 ;; esac
ok $st "shorta: the AAAA target is kept"
bounded 4000 shorta

# RFC 3403 §4.1: a NAPTR's RDATA ends with its replacement; 2 octets more make it bad.
load extra
case " $(targets)" in *" udp/"* | *" tcp/"*) st=1 ;; *) st=0 ;; esac
ok $st "extra: no udp or tcp target (the bad SIP+D2T record is not used)"
is "$rc $(j .status)" "0 ok" "extra: a NAPTR with 2 octets too many beside good ones: exit 0, ok"
is "$(j '.targets[0].transport')" tls "extra: the good NAPTRs choose TLS"
[ -n "$(j '.steps[] | select(.qname == "extra.fault.test." and .qtype == "NAPTR") |
	.notes[] | select(test("malformed|RDATA|rdata|octets|trailing"))')" ]
ok $? "extra: the trace of the NAPTR question names the bad record"
todo=""
bounded 4000 extra

# ---- huge answers: 1000 NAPTR records, 64 KB of A records over TCP ---------------------
load hugenaptr
[ "$rc" -lt 4 ] && [ -n "$(j .status)" ]
ok $? "hugenaptr: 1000 NAPTR records: a result, no crash (exit $rc, $(j .status))"
bounded 5000 "hugenaptr (--timeout 3)"
asked tcp "hugenaptr.$S." NAPTR
ok $? "hugenaptr: the NAPTR answer came over TCP"
load hugea
[ "$rc" -lt 4 ] && [ -n "$(j .status)" ]
ok $? "hugea: 64 KB of A records: a result, no crash (exit $rc, $(j .status), \
$(j '.targets | length') targets)"
bounded 5000 "hugea (--timeout 3)"
asked tcp "hugea.$S." A
ok $? "hugea: the A answer came over TCP"
is "$(j '[.targets[] | select(.family == "ipv4")] | length')" 32 \
	"hugea: 32 of its IPv4 addresses are targets (RSIP_LIMIT_ADDRESSES_PER_HOST)"
contains "$(j '.notes | join(" ")')" "IPv4 addresses: the first 32 are used" \
	"hugea: a note of the result says the others are left out"
load hugea5
# RFC 7984 §4: IPv6 first within a host: 2001:db8::42, then the first 3 of 5 IPv4.
is "$rc $(j '[.targets[] | .address] | join(" ")')" \
	"0 2001:db8::42 127.1.0.0 127.1.0.1 127.1.0.2" \
	"hugea5: --max-addresses 5 --max-targets 4: the IPv6 address and 3 IPv4 ones"
contains "$(j '.notes | join(" ")')" "the first 5 are used" "hugea5: a note of the addresses cut"
contains "$(j '.notes | join(" ")')" "more than 4 targets: the last 2 are left out" \
	"hugea5: a note of the targets cut"

# ---- CNAME chains (RFC 1034 §3.6.2) -----------------------------------------------------
load cname
is "$rc $(j .status)" "0 ok" "cname: a chain of three CNAMEs resolves"
is "$(targets)" "udp/2001:db8::43/5060 udp/192.0.2.43/5060" "cname: the chain's addresses"
bounded 4000 cname
load loop
[ "$rc" -ne 0 ] && [ "$rc" -lt 4 ] && [ "$(j .status)" != ok ]
ok $? "loop: a CNAME loop: not ok, exit $rc, status $(j .status)"
is "$(targets)" "" "loop: no target"
contains "$(j .error)" "a CNAME loop: loop1.fault.test. -> loop2.fault.test. -> loop1.fault.test." \
	"loop: the error names the CNAME loop (RFC 1034 §3.6.2), not only SERVFAIL"
bounded 4000 loop
contains "$text" "loop1.$S." "loop: the trace names the looping name"
# RFC 6672 §3.2: the CNAME synthesised from a DNAME is followed like any other.
load dname
is "$rc $(j .status)" "0 ok" "dname: x.dname.$S through its DNAME resolves"
is "$(targets)" "tls/192.0.2.44/5061" "dname: to the target under dtarget.$S"
bounded 4000 dname
load dloop
[ "$rc" -ne 0 ] && [ "$rc" -lt 4 ] && [ "$(j .status)" != ok ]
ok $? "dloop: a DNAME loop: not ok, exit $rc, status $(j .status)"
is "$(targets)" "" "dloop: no target"
bounded 4000 dloop
contains "$text" "x.dloop1.$S." "dloop: the trace names the looping name"

# ---- the CNAME questions that tell a loop never hold a SERVFAIL back -----------------
load probedrop
is "$rc $(j .status)" "3 dns-failure" \
	"probedrop: a SERVFAIL whose CNAME question is dropped is still dns-failure, not timeout"
bounded 3000 probedrop

# ---- RFC 2782 "Usage rules": additional data spares only the family it holds -----------
load onlya
is "$rc $(j .status)" "0 ok" "onlya: SRV with only the A record as additional data: ok"
is "$(targets)" "tls/2001:db8::88/5061 tls/192.0.2.88/5061" \
	"onlya: the IPv6 address too, though the additional section held only the A record"
asked udp h.onlya.$S. AAAA
ok $? "onlya: the AAAA of the SRV target is asked (RFC 2782)"
! asked udp h.onlya.$S. A
ok $? "onlya: its A, given as additional data, is not asked again"
contains "$text" "it holds no IPv6 address, so AAAA is asked" \
	"onlya: the trace says why the AAAA was asked"
load onlya4
is "$(targets)" "tls/192.0.2.88/5061" "onlya -4: the IPv4 target only"

# ---- ENUM (RFC 6116 §5.2.1: non-terminal rules that loop) ------------------------------
load enumok
is "$rc $(j .status)" "0 ok" "enumok: tel:+1-555-0100 through --suffix e164.$S resolves"
is "$(j .uri)" "sip:enum@good.fault.test" "enumok: to the URI of the NAPTR"
load enumloop
is "$rc $(j .status)" "1 loop" "enumloop: a non-terminal NAPTR loop: status loop, exit 1"
bounded 4000 enumloop

# ---- a slow answer within the default deadline (10 s) -------------------------------------
load delay
is "$rc $(j .status)" "0 ok" "delay: each NAPTR answer 2500 ms late: resolved, in $ms ms"
is "$(j '.targets[0].transport')" tls "delay: the TLS target"
bounded 12000 "delay (default --timeout)"

stop_server
done_testing
