#!/bin/sh
# test_wildcard_nsd.sh - RFC 4592 §2.2.1 served right: the zone of
# tests/cli/test_sysnames.sh (*.example.test. NAPTR, a.b.example.test. A, so that
# b.example.test. is an empty non-terminal) from NSD on 127.0.0.1, asked in server mode:
# x.b.example.test is NXDOMAIN (RFC 4592 §3.3.3: its closest encloser b.example.test has
# no wildcard child), where --zones (libunbound's auth-zone) gives it the wildcard's
# answer (sipresolve(1), --zones).  Skipped when nsd is not installed.
. "$(dirname "$0")/../cli/lib.sh"
. "$top_srcdir/tests/daemon/nsd.sh"

NSD=$(command -v nsd || echo /usr/sbin/nsd)
[ -x "$NSD" ] || { echo "1..0 # SKIP nsd is not installed (Debian package nsd)"; exit 0; }
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }

nsd_pid=""
stop_nsd() {
	[ -n "$nsd_pid" ] && kill "$nsd_pid" 2>/dev/null && wait "$nsd_pid" 2>/dev/null
	nsd_pid=""
}
trap 'stop_nsd; rm -rf "$tmp"' EXIT

mkdir -p "$tmp/zones"
cat >"$tmp/zones/example.test.zone" <<'Z'
$ORIGIN example.test.
$TTL 300
@		SOA	ns.example.test. hostmaster.example.test. 1 3600 600 604800 300
@		NS	ns.example.test.
ns		A	192.0.2.53
*		NAPTR	10 10 "s" "SIP+D2U" "" _sip._udp.wild.example.test.
_sip._udp.wild	SRV	0 1 5060 h.example.test.
h		A	192.0.2.10
a.b		A	192.0.2.20
Z

start_nsd() { # start_nsd PORT: 0 once NSD answers on 127.0.0.1#PORT (at most 5 s)
	nsd_conf "$1" example.test.:example.test.zone
	"$NSD" -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
	nsd_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		"$SIPRESOLVE" "@127.0.0.1#$1" --dnssec off --json sip:x@y.example.test \
			2>/dev/null | grep -q '"status":"ok"' && return 0
		kill -0 "$nsd_pid" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}
started=1
for p in $((23000 + $$ % 20000)) $((24000 + $$ % 20000)) $((25000 + $$ % 20000)); do
	if start_nsd "$p"; then
		started=0
		port=$p
		break
	fi
	stop_nsd
done
ok "$started" "NSD serves example.test. on 127.0.0.1#${port:-?}"
if [ "$started" -ne 0 ]; then
	tail -n 20 "$tmp/nsd.out" "$tmp/nsd.log" 2>/dev/null | sed 's/^/#   /'
	echo "Bail out! NSD did not start"
	exit 1
fi

run "@127.0.0.1#$port" --dnssec off --json sip:x@x.b.example.test
is "$rc $(j .status)" "1 not-found" "NSD: sip:x@x.b.example.test is not found"
is "$(j '.steps[0].rcode') $(j '.steps[0].answers | length')" "NXDOMAIN 0" \
	"NSD: x.b.example.test NAPTR is NXDOMAIN: no wildcard below the empty non-terminal b (RFC 4592 §3.3.3)"
run "@127.0.0.1#$port" --dnssec off --json sip:x@b.example.test
is "$(j '.steps[0].rcode') $(j '.steps[0].answers | length')" "NOERROR 0" \
	"NSD: the empty non-terminal b.example.test is NODATA (RFC 4592 §2.2.2)"
run "@127.0.0.1#$port" --dnssec off --json sip:x@y.example.test
is "$(j .status) $(j '.targets[0].address')" "ok 192.0.2.10" \
	"NSD: y.example.test has the wildcard's NAPTR (RFC 4592 §2.2.1)"

done_testing
