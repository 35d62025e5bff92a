#!/bin/sh
# test_unreachable.sh - DNS servers that are not there.  A port on loopback with nothing
# listening answers an empty datagram with ICMP port unreachable (RFC 1122 §4.1.3.3: UDP
# passes it up as ECONNREFUSED); a network without a route fails connect() at once.
# libunbound reports neither, so its questions waited for the deadline; the library
# checks the servers itself once a question has waited 500 ms (libresolvsip/reach.c),
# and then fails fast with dns-failure (exit 3), naming each server and why
# (doc/HARDENING.md).  A server that drops questions is not unreachable: a timeout, the
# message saying what the check found.  All traffic stays on 127.0.0.x; the case of no
# route runs in a network namespace of its own (unshare -rn), where nothing can leave.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
FDIR="$top_srcdir/tests/fault"
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }

# A UDP port bound neither on the wildcard address nor on 127.0.0.59 or 127.0.0.60
# (/proc/net/udp{,6}: address and port in hex, IPv4 in host order), so that those refuse
# it.
udp_port_free() {
	hex=$(printf '%04X' "$1")
	! cat /proc/net/udp /proc/net/udp6 2>/dev/null |
		grep -Eq " (00000000|3B00007F|3C00007F|0{32}):$hex "
}
dead=""
for p in 5399 5409 5419 5429 5439; do
	if udp_port_free "$p"; then
		dead=$p
		break
	fi
done
[ -n "$dead" ] || { echo "1..0 # SKIP no free UDP port among 5399..5439"; exit 0; }

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# ---- one server, nothing listening: dns-failure long before the deadline (10 s) ----------
t0=$(date +%s%N)
run --json "@127.0.0.59#$dead" sip:x@example.org
ms=$(ms_since "$t0")
is "$rc" 3 "nothing on 127.0.0.59#$dead: exit 3"
is "$(printf '%s\n' "$out" | jq -r .status)" dns-failure \
	"nothing on 127.0.0.59#$dead: dns-failure, not timeout"
contains "$(printf '%s\n' "$out" | jq -r .error)" \
	"no DNS server can be reached: 127.0.0.59#$dead: connection refused (ICMP port unreachable)" \
	"the error names the server and why"
contains "$(printf '%s\n' "$out" | jq -r '.steps[0].failure')" "127.0.0.59#$dead: connection refused" \
	"the failed step names the server and why"
[ "$ms" -lt 2000 ]
ok $? "nothing on 127.0.0.59#$dead: ends in well under 2 s ($ms ms; the deadline is 10 s)"
contains "$err" "sipresolve: note: no DNS server can be reached: 127.0.0.59#$dead" \
	"the context's note on standard error"

t0=$(date +%s%N)
run --dnssec off "@127.0.0.59#$dead" sip:x@example.org
ms=$(ms_since "$t0")
contains "$out" "Status: dns-failure: " "text, no root probe: dns-failure"
contains "$out" "127.0.0.59#$dead: connection refused (ICMP port unreachable)" \
	"text: the trace names the server and why"
[ "$ms" -lt 2000 ]
ok $? "text, no root probe: in well under 2 s ($ms ms)"

# ---- a resolv.conf naming two dead servers (port 53: resolv.conf has no ports) -----------
if udp_port_free 53; then
	printf 'nameserver 127.0.0.59\nnameserver 127.0.0.60\n' >"$tmp/resolv.conf"
	t0=$(date +%s%N)
	run --json --resolv-conf "$tmp/resolv.conf" sip:x@example.org
	ms=$(ms_since "$t0")
	is "$(printf '%s\n' "$out" | jq -r .status)" dns-failure "resolv.conf, two dead servers: dns-failure"
	e=$(printf '%s\n' "$out" | jq -r .error)
	contains "$e" "127.0.0.59#53: connection refused (ICMP port unreachable)" \
		"resolv.conf: the first server named"
	contains "$e" "127.0.0.60#53: connection refused (ICMP port unreachable)" \
		"resolv.conf: the second server named"
	[ "$ms" -lt 2000 ]
	ok $? "resolv.conf, two dead servers: in well under 2 s ($ms ms)"
else
	ok 0 "# SKIP something listens on UDP port 53: 127.0.0.59#53 would not refuse"
fi

# ---- a batch of 200 lines against a dead server: a few seconds, the note once ------------
i=0
: >"$tmp/batch"
while [ "$i" -lt 200 ]; do
	i=$((i + 1))
	echo "sip:u$i@d$i.example.org" >>"$tmp/batch"
done
t0=$(date +%s%N)
"$SIPRESOLVE" --json "@127.0.0.59#$dead" --batch "$tmp/batch" >"$tmp/batch.out" 2>"$tmp/batch.err"
rc=$?
ms=$(ms_since "$t0")
err=$(cat "$tmp/batch.err")
check_finding --batch dead
is "$rc" 3 "batch against a dead server: exit 3"
is "$(wc -l <"$tmp/batch.out" | tr -d ' ')" 200 "batch: a result for each of the 200 lines"
is "$(jq -r .status "$tmp/batch.out" | sort -u | tr '\n' ' ')" "dns-failure " \
	"batch: every line dns-failure"
is "$(jq -r .input "$tmp/batch.out" | sed -n '1p;200p' | tr '\n' ' ')" \
	"sip:u1@d1.example.org sip:u200@d200.example.org " "batch: in input order"
is "$(grep -c 'note: no DNS server can be reached' "$tmp/batch.err")" 1 \
	"batch: the note once on standard error, not once a line"
[ "$ms" -lt 5000 ]
ok $? "batch of 200 against a dead server: a few seconds ($ms ms; it took 30 s before)"

# ---- a server that drops the question is not unreachable: a timeout, saying so -----------
. "$top_srcdir/tests/fault/server.sh"
printf 'dropped.fault.test.\tNAPTR\tdrop\n' >"$tmp/drop.rules"
start_faultdns 60 -z "$FDIR/fault.test.zone" -r "$tmp/drop.rules"
t0=$(date +%s%N)
run --json --timeout 2 "@127.0.0.1#$port" sip:x@dropped.fault.test
ms=$(ms_since "$t0")
is "$(printf '%s\n' "$out" | jq -r .status)" timeout "a dropping server: timeout, not dns-failure"
e=$(printf '%s\n' "$out" | jq -r .error)
contains "$e" "no answer from 127.0.0.1#$port within the deadline of 2000 ms" \
	"a dropping server: the error names the server asked"
contains "$e" "checked: 127.0.0.1#$port: no error came back" \
	"a dropping server: checked, and found not unreachable"
[ "$ms" -ge 1900 ]
ok $? "a dropping server waits its deadline ($ms ms): dropping is not refusing"

# One dropping, one dead: not every server is unreachable, so a timeout naming both.
run --json --timeout 2 "@127.0.0.1#$port" "@127.0.0.59#$dead" sip:x@dropped.fault.test
is "$(printf '%s\n' "$out" | jq -r .status)" timeout "a dropping and a dead server: timeout"
e=$(printf '%s\n' "$out" | jq -r .error)
contains "$e" "127.0.0.59#$dead: connection refused (ICMP port unreachable)" \
	"a dropping and a dead server: the dead one named, and why"
contains "$e" "127.0.0.1#$port: no error came back" \
	"a dropping and a dead server: the dropping one named"
run --timeout 2 "@127.0.0.1#$port" sip:x@good.fault.test
is "$rc" 0 "the same server answers a good domain (its check never ran)"
stop_server

# ---- no route at all: a network namespace of our own, where nothing can leave -----------
if unshare -rn true 2>/dev/null; then
	t0=$(date +%s%N)
	unshare -rn "$SIPRESOLVE" --json --recursive sip:x@example.org >"$tmp/ns1" 2>"$tmp/ns1.err"
	rc=$?
	ms=$(ms_since "$t0")
	is "$rc" 3 "no route, --recursive: exit 3"
	is "$(jq -r .status "$tmp/ns1")" dns-failure "no route, --recursive: dns-failure"
	contains "$(jq -r .error "$tmp/ns1")" \
		"no DNS server can be reached: the root servers (libunbound's hints, 26 addresses):" \
		"no route, --recursive: the error says the root servers cannot be reached"
	contains "$(jq -r .error "$tmp/ns1")" "network unreachable (no route)" \
		"no route, --recursive: and why"
	[ "$ms" -lt 2000 ]
	ok $? "no route, --recursive: in well under 2 s ($ms ms)"
	unshare -rn "$SIPRESOLVE" --json @192.0.2.1 sip:x@example.org >"$tmp/ns2" 2>"$tmp/ns2.err"
	is "$(jq -r .status "$tmp/ns2")" dns-failure "no route to the server: dns-failure"
	contains "$(jq -r .error "$tmp/ns2")" \
		"no DNS server can be reached: 192.0.2.1#53: network unreachable (no route)" \
		"no route to the server: the error names it and why"
else
	ok 0 "# SKIP unshare -rn does not work here (no user or network namespaces): the no-route cases"
fi

done_testing
