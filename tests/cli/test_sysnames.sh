#!/bin/sh
# test_sysnames.sh - names the system answers itself, in zones mode and around the hosts
# file: --zones answers from its zones only, so libunbound's default local-zones
# (localhost. and the loopback reverse names, which hold data) are not answered
# (sipresolve(1): a name outside the zones is NXDOMAIN); --hosts is refused with --zones
# and names a file it cannot read; and the wildcard below an empty non-terminal
# (RFC 4592 §2.2.1), where libunbound's auth-zone answers with the wildcard's data
# (documented in sipresolve(1) under --zones; tests/daemon/test_wildcard_nsd.sh shows
# NSD's NXDOMAIN).  The hosts file's answers: tests/fault/test_hosts.sh.
. "$(dirname "$0")/lib.sh"
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }
command -v jq >/dev/null || { echo "1..0 # SKIP jq is not installed"; exit 0; }

# ---- --zones: libunbound's own answers for localhost. are not given -------------------
# Before the fix: NOERROR, the targets [::1]:5060 and 127.0.0.1:5060.
for host in localhost foo.localhost LOCALHOST; do
	run --zones "$ZONES" --json "sip:x@$host"
	is "$rc $(j .status)" "1 not-found" "--zones: sip:x@$host is not found (no zone holds it)"
	is "$(j '.steps[0].rcode')" "NXDOMAIN" \
		"--zones: $host NAPTR is NXDOMAIN, as for any name outside the zones"
	is "$(j '.targets | length')" "0" "--zones: no 127.0.0.1 or ::1 target for $host"
done
# The loopback reverse names: libunbound's static zone has a PTR at 1.0.0.127.in-addr.arpa.,
# so its NAPTR was NOERROR without records (NODATA) and its A and AAAA were asked.
run --zones "$ZONES" --json sip:x@1.0.0.127.in-addr.arpa
is "$(j '.steps[0].rcode') $(j '.steps | length')" "NXDOMAIN 1" \
	"--zones: 1.0.0.127.in-addr.arpa is NXDOMAIN at its NAPTR question (RFC 8020)"
# A zone of one's own under localhost. is still served (the default is lifted).
mkdir -p "$tmp/lz"
cat >"$tmp/lz/localhost.zone" <<'Z'
$ORIGIN localhost.
$TTL 300
@	SOA	ns.localhost. hostmaster.localhost. 1 3600 600 604800 300
@	NS	ns.localhost.
ns	A	192.0.2.53
sip	A	192.0.2.44
Z
run --zones "$tmp/lz" --short sip:x@sip.localhost
is "$rc $out" "0 udp 192.0.2.44 5060" "--zones: a zone localhost. of its own is served"
run --zones "$tmp/lz" --short sip:x@localhost
is "$rc" 1 "--zones: the apex localhost. of that zone has no address: not found"

# ---- --hosts: errors ----------------------------------------------------------------
run --hosts "$tmp/no-such-hosts" --dnssec off sip:x@example.test
is "$rc" 2 "--hosts with a missing file: exit 2"
contains "$err" "$tmp/no-such-hosts" "--hosts with a missing file: the message names the file"
printf '127.0.0.1 a.test\n' >"$tmp/hosts"
run --zones "$ZONES" --hosts "$tmp/hosts" sip:x@a.test
is "$rc" 2 "--zones --hosts: exit 2 (zones mode answers from its zones only)"
contains "$err" "zones mode answers from its zones only" "--zones --hosts: says why"
run --zones "$ZONES" --hosts '' --short sip:jo@tzi.org
is "$rc" 0 "--zones --hosts '': none, which zones mode has anyway"
run --hosts "$tmp/hosts" --hosts "$tmp/hosts" sip:x@a.test
is "$rc" 2 "--hosts given twice: usage error"

# ---- RFC 4592 §2.2.1: a wildcard below an empty non-terminal ------------------------
# b.example.test exists (it has a.b.example.test below it), so *.example.test does not
# match x.b.example.test: the closest encloser of x.b.example.test is b.example.test, which
# has no wildcard child, and an authoritative server answers NXDOMAIN (RFC 4592 §3.3.3).
# libunbound's auth-zone (1.17.1, and unbound's source as of this writing: it does not
# keep empty non-terminals as names of the zone, so its wildcard search passes them)
# answers with the wildcard's data instead.  This asserts today's behaviour, which
# sipresolve(1) documents under --zones: when a libunbound that gets it right comes, this
# test fails, and the page must change with it.
mkdir -p "$tmp/wz"
cat >"$tmp/wz/example.test.zone" <<'Z'
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
run --zones "$tmp/wz" --json sip:x@y.example.test
is "$(j .status) $(j '.targets[0].address')" "ok 192.0.2.10" \
	"wildcard: y.example.test has the wildcard's NAPTR (RFC 4592 §2.2.1), as it should"
run --zones "$tmp/wz" --json sip:x@b.example.test
is "$(j '.steps[0].rcode') $(j '.steps[0].answers | length')" "NOERROR 0" \
	"wildcard: the empty non-terminal b.example.test is NODATA (RFC 4592 §2.2.2), as it should"
run --zones "$tmp/wz" --json sip:x@x.b.example.test
ver=$(pkg-config --modversion libunbound 2>/dev/null || echo "?")
is "$(j '.steps[0].rcode') $(j '.steps[0].answers[0]')" \
	'NOERROR x.b.example.test. 300 IN NAPTR 10 10 "s" "SIP+D2U" "" _sip._udp.wild.example.test.' \
	"wildcard: libunbound $ver's auth-zone gives x.b.example.test the wildcard's NAPTR (RFC 4592 §3.3.3 says NXDOMAIN; documented)"

done_testing
