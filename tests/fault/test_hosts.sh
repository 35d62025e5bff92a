#!/bin/sh
# test_hosts.sh - the hosts file (hosts(5)), as a UAC calling getaddrinfo() sees it: in
# resolv.conf mode (a resolv.conf naming tests/fault/faultdns on port 53 of a loopback
# address; skipped unless root) and with --server, sipresolve --hosts FILE answers the A
# and AAAA questions of FILE's names from FILE, marks them so in the trace, asks DNS
# for nothing else of theirs (not the family FILE lacks, not the SRV target's address
# the server added), goes on to A/AAAA for a name DNS says does not exist (RFC 3263
# §4.1 after RFC 8020), and skips lines it cannot read.  --hosts '' reads none.
# The server serves the zone test. (RFC 6761 §6.2) from hosts.test.zone; its query log
# shows what was asked.  Each of these fails on the code before --hosts existed.
. "$(dirname "$0")/../cli/lib.sh"

FAULTDNS="$top_builddir/tests/fault/faultdns"
command -v jq >/dev/null 2>&1 || { echo "1..0 # SKIP jq is not installed"; exit 0; }
[ -x "$FAULTDNS" ] || { echo "1..0 # SKIP tests/fault/faultdns is not built"; exit 0; }
. "$top_srcdir/tests/fault/server.sh"
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }

rc53=""
stop_rc53() {
	[ -n "$rc53" ] && kill "$rc53" 2>/dev/null && wait "$rc53" 2>/dev/null
	rc53=""
}
trap 'stop_server; stop_rc53; rm -rf "$tmp"' EXIT

start_faultdns 120 -z "$top_srcdir/tests/fault/hosts.test.zone" -l "$tmp/query.log"

# resolv.conf names no port (libunbound reads "nameserver ADDR" and asks port 53): a
# second faultdns on port 53 of a loopback address of its own, when we may bind it.
modes="server"
if [ "$(id -u)" -eq 0 ]; then
	for a in $((150 + $$ % 50)) $((200 + $$ % 50)) $((100 + $$ % 50)); do
		addr=127.0.0.$a
		rm -f "$tmp/port53"
		"$FAULTDNS" -a "$addr" -p 53 -P "$tmp/port53" -t 120 \
			-z "$top_srcdir/tests/fault/hosts.test.zone" -l "$tmp/query.log" \
			2>"$tmp/faultdns53.err" &
		rc53=$!
		for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
			[ -s "$tmp/port53" ] && break
			kill -0 "$rc53" 2>/dev/null || break
			sleep 0.1
		done
		[ -s "$tmp/port53" ] && break
		stop_rc53
	done
	if [ -n "$rc53" ]; then
		printf 'nameserver %s\n' "$addr" >"$tmp/resolv.conf"
		modes="resolvconf server"
		ok 0 "faultdns on $addr#53 for resolv.conf mode"
	else
		ok 0 "# SKIP resolv.conf mode: no loopback address with port 53 free"
	fi
else
	ok 0 "# SKIP resolv.conf mode: port 53 needs root"
fi

H="$tmp/hosts"
cat >"$H" <<'HOSTS'
# hosts(5): ADDRESS NAME [ALIAS...]; '#' starts a comment
127.0.0.1	myhost.test myalias.test	# the canonical name and an alias
::1		myhost.test
127.0.0.3	both.test
127.0.0.2	target.test
fe80::1%lo0	scoped.test
not-an-address	bad.test
127.0.0.4	bad..name good.test
HOSTS

for mode in $modes; do
	if [ "$mode" = resolvconf ]; then
		set -- --resolv-conf "$tmp/resolv.conf"
	else
		set -- "@127.0.0.1#$port"
	fi
	# Off: the root probe of server and resolv.conf mode would be one more question.
	set -- "$@" --dnssec off --json

	# myhost.test is not in DNS: NXDOMAIN, and yet the address getaddrinfo() finds.
	: >"$tmp/query.log"
	run "$@" --hosts "$H" sip:x@myhost.test
	is "$rc $(j .status)" "0 ok" "$mode: sip:x@myhost.test resolves from the hosts file"
	is "$(j '[.targets[] | "\(.transport) \(.address) \(.port)"] | join(",")')" \
		"udp ::1 5060,udp 127.0.0.1 5060" \
		"$mode: both of its addresses, udp on 5060 (RFC 3263 §4.1, no SRV)"
	is "$(j '.steps[0].rcode')" "NXDOMAIN" "$mode: its NAPTR was asked of DNS: NXDOMAIN"
	contains "$(j '.steps[0].notes[]')" "the hosts file $H names it" \
		"$mode: the NAPTR step says why the resolution goes on (RFC 8020 aside)"
	is "$(j '[.steps[] | select(.qtype == "A")][0].notes[0]')" \
		"from $H (the hosts file, as getaddrinfo() reads it): not asked of DNS" \
		"$mode: the A step says it came from the hosts file"
	is "$(j '[.steps[] | select(.qtype == "A")][0].answers[0]')" \
		"myhost.test. 0 IN A 127.0.0.1" "$mode: the A step shows the file's address"
	is "$(grep -c 'myhost\.test\. \(A\|AAAA\)$' "$tmp/query.log")" 0 \
		"$mode: no A or AAAA question for myhost.test reached the server"

	# Any case, aliases too (hosts(5)); sips: TLS on 5061.
	run "$@" --hosts "$H" sips:x@MyAlias.Test
	is "$(j '[.targets[] | "\(.transport) \(.address) \(.port)"] | join(",")')" \
		"tls 127.0.0.1 5061" "$mode: an alias, in another case; sips: tls on 5061"

	# both.test is in DNS with both families: the file's IPv4 address only, and the
	# AAAA it lacks is not asked (getaddrinfo() does not ask DNS for it either).
	: >"$tmp/query.log"
	run "$@" --hosts "$H" sip:x@both.test
	is "$(j '[.targets[].address] | join(",")')" "127.0.0.3" \
		"$mode: both.test: the file's address, not DNS's 192.0.2.99 or 2001:db8::99"
	is "$(j '[.steps[] | select(.qtype == "AAAA")][0] | "\(.rcode) \(.answers | length)"')" \
		"NOERROR 0" "$mode: both.test AAAA: none, from the file"
	contains "$(j '[.steps[] | select(.qtype == "AAAA")][0].notes[0]')" \
		"it holds IPv4 addresses only for both.test." "$mode: both.test AAAA: says why"
	is "$(grep -c 'both\.test\. \(A\|AAAA\)$' "$tmp/query.log")" 0 \
		"$mode: no A or AAAA question for both.test reached the server"
	is "$(grep -c 'both\.test\. NAPTR$' "$tmp/query.log")" 1 \
		"$mode: its NAPTR still went to DNS (only addresses come from the file)"

	# An SRV target the file names: its address from the file, not the server's
	# additional A record (RFC 2782) for it.
	run "$@" --hosts "$H" sip:x@srv.test
	is "$(j '[.targets[] | "\(.source) \(.address) \(.port)"] | join(",")')" \
		"srv 127.0.0.2 5060" "$mode: the SRV target's address from the file, not 192.0.2.5"

	# Lines the file cannot give: a scoped address, not an address, a bad name
	# beside a good one.
	run "$@" --hosts "$H" sip:x@scoped.test sip:x@bad.test sip:x@good.test
	is "$(printf '%s\n' "$out" | jq -r .status | tr '\n' ' ')" "not-found not-found ok " \
		"$mode: a scoped or malformed address is skipped; a good name beside a bad one is read"

	# --hosts '': none.
	run "$@" --hosts '' sip:x@myhost.test
	is "$(j .status)" "not-found" "$mode: --hosts '': myhost.test is not found (NXDOMAIN)"
done

# Server mode reads no hosts file unless told: the machine's /etc/hosts is not read.
run "@127.0.0.1#$port" --dnssec off --json sip:x@myhost.test
is "$(j .status)" "not-found" "server mode, no --hosts: myhost.test is not found"

done_testing
