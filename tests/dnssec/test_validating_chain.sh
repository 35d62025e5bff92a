#!/bin/sh
# test_validating_chain.sh - DNSSEC in server and resolv.conf mode (RFC 4033-4035) over a
# chain of trust of our own on loopback: a root zone "." signed now, delegating with a DS
# to example., which delegates with DS records to good.example. and tampered.example.
# (its NAPTR changed after signing).  NSD serves the zones on 127.0.0.1; a validating
# unbound daemon that forwards to NSD, with the test root's DS as its trust anchor,
# serves them on 127.0.0.1 too.  sipresolve asks either with --server (and --resolv-conf):
#   - with --trust-anchor (the test root): secure, and the tampered NAPTR fails, never
#     falling back to its _sip._udp SRV set (RFC 3263 §7);
#   - without: the system's root anchor is loaded, the servers' root does not validate
#     from it, and answers are insecure (never bogus), said once; --dnssec require
#     refuses them.
# tests/dnssec/chain_probe (the library with a test root as "the system's" anchor)
# checks the other side: a root that validates keeps the validator on every answer, and
# the private-use zone test. stays insecure (RFC 6761 §6.2).
# Skipped when nsd or unbound is not installed.
. "$(dirname "$0")/../cli/lib.sh"
. "$top_srcdir/tests/daemon/nsd.sh"

NSD=$(command -v nsd || echo /usr/sbin/nsd)
UNBOUND=$(command -v unbound || echo /usr/sbin/unbound)
PROBE="$top_builddir/tests/dnssec/chain_probe"
for tool in "$NSD" "$UNBOUND"; do
	if [ ! -x "$tool" ]; then
		echo "1..0 # SKIP $(basename "$tool") is not installed (Debian packages nsd, unbound)"
		exit 0
	fi
done
for tool in ldns-keygen ldns-signzone jq; do
	command -v "$tool" >/dev/null ||
		{ echo "1..0 # SKIP $tool is not installed"; exit 0; }
done

nsd_pid=""
unbound_pid=""
rc_pid=""
stop_daemons() {
	for p in $nsd_pid $unbound_pid $rc_pid; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	nsd_pid=""
	unbound_pid=""
	rc_pid=""
}
trap 'stop_daemons; rm -rf "$tmp"' EXIT
j() { printf '%s\n' "$out" | jq -r "$1" 2>/dev/null; }

# ---- the zones, signed now (bottom up: a parent holds its children's DS) ---------------
mkdir -p "$tmp/keys" "$tmp/src" "$tmp/zones"
tab=$(printf '\t')
src() { # src ZONE FILE: the unsigned zone from standard input, with its SOA and NS
	{
		printf '$ORIGIN %s\n$TTL 300\n' "$1"
		printf '@ SOA ns.example. h.example. 1 3600 600 604800 300\n@ NS ns.example.\n'
		cat
	} >"$tmp/src/$2"
}
sign() { # sign ZONE FILE: into zones/FILE; the KSK's DS into keys/FILE.ds
	ksk=$(cd "$tmp/keys" && ldns-keygen -a ECDSAP256SHA256 -k "$1") &&
	zsk=$(cd "$tmp/keys" && ldns-keygen -a ECDSAP256SHA256 "$1") &&
	ldns-signzone -i 20200101000000 -e 20860101000000 -o "$1" -f "$tmp/zones/$2" \
		"$tmp/src/$2" "$tmp/keys/$ksk" "$tmp/keys/$zsk" &&
	cp "$tmp/keys/$ksk.ds" "$tmp/keys/$2.ds"
}
mkchain() {
	src good.example. good.zone <<'Z' &&
@ NAPTR 10 10 "s" "SIPS+D2T" "" _sips._tcp.good.example.
@ NAPTR 20 10 "s" "SIP+D2U" "" _sip._udp.good.example.
_sips._tcp SRV 0 1 5061 h1.good.example.
_sip._udp SRV 0 1 5060 h1.good.example.
h1 A 192.0.2.1
Z
	sign good.example. good.zone &&
	# RFC 3263 §4.1: the NAPTR chooses TLS; the _sip._udp SRV set is what a resolver
	# falling back past a failed NAPTR answer would use (a downgrade, RFC 3263 §7).
	src tampered.example. tampered.zone <<'Z' &&
@ NAPTR 10 10 "s" "SIPS+D2T" "" _sips._tcp.tampered.example.
_sips._tcp SRV 0 1 5061 h1.tampered.example.
_sip._udp SRV 0 1 5060 h1.tampered.example.
h1 A 192.0.2.1
Z
	sign tampered.example. tampered.zone &&
	sed "s/^\(tampered\.example\.${tab}.*NAPTR${tab}\)10 10 /\15 10 /" \
		"$tmp/zones/tampered.zone" >"$tmp/t" && mv "$tmp/t" "$tmp/zones/tampered.zone" &&
	grep -q "NAPTR${tab}5 10 " "$tmp/zones/tampered.zone" &&
	{ src example. example.zone <<'Z'
ns A 127.0.0.1
good NS ns.example.
tampered NS ns.example.
Z
	} && cat "$tmp/keys/good.zone.ds" "$tmp/keys/tampered.zone.ds" >>"$tmp/src/example.zone" &&
	sign example. example.zone &&
	{ src . root.zone <<'Z'
example. NS ns.example.
ns.example. A 127.0.0.1
Z
	} && cat "$tmp/keys/example.zone.ds" >>"$tmp/src/root.zone" &&
	sign . root.zone &&
	cp "$tmp/keys/root.zone.ds" "$tmp/root.ds" &&
	# An unsigned zone under the private-use test. (RFC 6761 §6.2), not delegated.
	src sip.test. sip.test.zone <<'Z' &&
_sip._udp SRV 0 1 5060 h1.sip.test.
h1 A 192.0.2.7
Z
	cp "$tmp/src/sip.test.zone" "$tmp/zones/"
}
if ! mkchain >"$tmp/mkchain.log" 2>&1; then
	echo "Bail out! the test chain could not be signed:"
	sed 's/^/# /' "$tmp/mkchain.log"
	exit 1
fi

# ---- the daemons: free ports, bounded waits ----------------------------------------------
answers() { # answers PORT NAME: 0 when a server on 127.0.0.1#PORT answers NAME's SOA
	"$SIPRESOLVE" "@127.0.0.1#$1" --dnssec off --json "sip:x@$2" 2>/dev/null |
		grep -q '"rcode":"NOERROR"'
}
start_nsd() { # start_nsd PORT
	nsd_conf "$1" .:root.zone example.:example.zone good.example.:good.zone \
		tampered.example.:tampered.zone sip.test.:sip.test.zone
	"$NSD" -d -c "$tmp/nsd.conf" >"$tmp/nsd.out" 2>&1 &
	nsd_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		answers "$1" good.example && return 0
		kill -0 "$nsd_pid" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}
start_unbound() { # start_unbound ADDR PORT NSD-PORT NAME: its pid in $daemon_pid
	{
		printf 'server:\n\tinterface: %s@%s\n\tport: %s\n\tdo-ip6: no\n' "$1" "$2" "$2"
		printf '\tdo-daemonize: no\n\tusername: ""\n\tchroot: ""\n\tdirectory: "%s"\n' "$tmp"
		printf '\tpidfile: ""\n\tuse-syslog: no\n\tlogfile: "%s/%s.log"\n' "$tmp" "$4"
		printf '\tmodule-config: "validator iterator"\n\ttrust-anchor-file: "%s/root.ds"\n' \
			"$tmp"
		printf '\tdo-not-query-localhost: no\n\taccess-control: 127.0.0.0/8 allow\n'
		printf '\trrset-roundrobin: no\n\tval-log-level: 2\n'
		printf 'remote-control:\n\tcontrol-enable: no\n'
		printf 'forward-zone:\n\tname: "."\n\tforward-addr: 127.0.0.1@%s\n' "$3"
	} >"$tmp/$4.conf"
	"$UNBOUND" -d -c "$tmp/$4.conf" >"$tmp/$4.out" 2>&1 &
	daemon_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		"$SIPRESOLVE" "@$1#$2" --dnssec off --json sip:x@good.example 2>/dev/null |
			grep -q '"rcode":"NOERROR"' && return 0
		kill -0 "$daemon_pid" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}
started=1
for base in $((20000 + $$ % 20000)) $((21000 + $$ % 20000)) $((22000 + $$ % 20000)); do
	N=$base
	U=$((base + 1))
	if start_nsd "$N"; then
		start_unbound 127.0.0.1 "$U" "$N" unbound
		r=$?
		unbound_pid=$daemon_pid
		if [ "$r" -eq 0 ]; then
			started=0
			break
		fi
	fi
	stop_daemons
done
ok "$started" "NSD serves the signed chain on 127.0.0.1#$N, a validating unbound on 127.0.0.1#$U"
if [ "$started" -ne 0 ]; then
	tail -n 20 "$tmp/nsd.out" "$tmp/nsd.log" "$tmp/unbound.out" "$tmp/unbound.log" \
		2>/dev/null | sed 's/^/#   /'
	echo "Bail out! the daemons did not start"
	exit 1
fi
TA="$tmp/root.ds"
# resolv.conf names no port (libunbound reads "nameserver ADDR" and asks port 53): a
# second validating unbound on port 53 of another loopback address, when we may bind it.
RC=127.0.0.$((100 + $$ % 100))
printf 'nameserver %s\n' "$RC" >"$tmp/resolv.conf"
rc_skip=""
if [ "$(id -u)" -ne 0 ]; then
	rc_skip="# SKIP port 53 needs root"
elif start_unbound "$RC" 53 "$N" unbound53; then
	rc_pid=$daemon_pid
else
	kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	rc_skip="# SKIP no unbound on $RC#53"
fi

# ---- the chain validates from the test root (--trust-anchor: strict, no probe) -----------
run @127.0.0.1#$U --trust-anchor "$TA" --json sip:a@good.example
is "$rc" 0 "unbound, --trust-anchor: good.example exit 0"
is "$(j .dnssec)" "secure" "unbound, --trust-anchor: the chain is secure"
is "$(j '[.targets[].dnssec] | unique | join(",")')" "secure" "unbound, --trust-anchor: targets secure"
is "$(j '[.notes[]? | select(startswith("DNSSEC"))] | length')" "0" \
	"unbound, --trust-anchor: no note: the user's anchor is not probed"
is "$err" "" "unbound, --trust-anchor: nothing on standard error"
run @127.0.0.1#$N --trust-anchor "$TA" --dnssec require --json sip:a@good.example
is "$rc" 0 "NSD, --trust-anchor, --dnssec require: good.example exit 0"
is "$(j .dnssec)" "secure" "NSD, --trust-anchor: the chain validates in sipresolve itself"
if [ -z "$rc_skip" ]; then
	run --resolv-conf "$tmp/resolv.conf" --trust-anchor "$TA" --json sip:a@good.example
	is "$rc" 0 "--resolv-conf, --trust-anchor: good.example exit 0"
	is "$(j .dnssec)" "secure" "--resolv-conf, --trust-anchor: secure"
else
	ok 0 "--resolv-conf, --trust-anchor $rc_skip"
fi

# ---- a NAPTR changed after signing: no answer, no fallback to UDP (RFC 3263 §7) ----------
# Without an anchor of its own sipresolve takes the daemon's verdict: SERVFAIL, a failed
# question.  With the anchor, libunbound asks with the CD bit (RFC 4035 §4.9.2), gets
# the tampered record and finds it bogus itself.
for ta in "dns-failure:" "dnssec-bogus:--trust-anchor $TA"; do
	want=${ta%%:*}
	ta=${ta#*:}
	# shellcheck disable=SC2086
	run @127.0.0.1#$U $ta --json sip:a@tampered.example
	is "$rc" 3 "unbound ${ta:+(--trust-anchor) }and the tampered NAPTR: exit 3"
	is "$(j .status)" "$want" "unbound ${ta:+(--trust-anchor) }and the tampered NAPTR: $want"
	is "$(j '[.targets[] | select(.transport == "udp")] | length')" "0" \
		"unbound, tampered NAPTR: no udp target (no fallback to _sip._udp)"
	case "$out" in *"_sip._udp.tampered.example."*) r=1 ;; *) r=0 ;; esac
	ok $r "unbound, tampered NAPTR: the _sip._udp SRV set is never asked"
done
run @127.0.0.1#$N --trust-anchor "$TA" --json sip:a@tampered.example
is "$rc" 3 "NSD, --trust-anchor, tampered NAPTR: exit 3"
is "$(j .status)" "dnssec-bogus" "NSD, --trust-anchor, tampered NAPTR: dnssec-bogus"
is "$(j '.steps[0].dnssec')" "bogus" "NSD, --trust-anchor, tampered NAPTR: the NAPTR step is bogus"
is "$(j '.targets | length')" "0" "NSD, --trust-anchor, tampered NAPTR: no target"

# ---- the system's root anchor, servers whose root is not the real one ---------------------
note="returns no DNSSEC data for the root that validates with /usr/share/dns/root.key"
for srv in "$N:NSD" "$U:unbound"; do
	p=${srv%%:*}
	name=${srv#*:}
	if [ ! -r /usr/share/dns/root.key ]; then
		ok 0 "$name, automatic anchor # SKIP /usr/share/dns/root.key is not installed"
		continue
	fi
	run @127.0.0.1#$p --json sip:a@good.example
	is "$rc" 0 "$name, automatic anchor: good.example exit 0"
	is "$(j .dnssec)" "insecure" "$name, automatic anchor: insecure, not bogus"
	is "$(j '[.notes[] | select(startswith("DNSSEC: the server 127.0.0.1#'"$p"' '"$note"'"))] |
		length')" "1" "$name, automatic anchor: the result's note says why"
	contains "$err" "sipresolve: note: the server 127.0.0.1#$p $note" \
		"$name, automatic anchor: said on standard error"
	contains "$err" "answers are insecure, not validated" \
		"$name, automatic anchor: ...plainly"
	run @127.0.0.1#$p --dnssec require sip:a@good.example tel:+15550100001
	is "$rc" 3 "$name, automatic anchor, --dnssec require: exit 3"
	contains "$out" "Status: dnssec-insecure: good.example. NAPTR is not DNSSEC-secure" \
		"$name, --dnssec require: the insecure answer is refused"
	is "$(printf '%s\n' "$err" | grep -c 'sipresolve: note: ')" "1" \
		"$name, --dnssec require: the note once for two inputs"
done
if [ -z "$rc_skip" ]; then
	run --resolv-conf "$tmp/resolv.conf" --json sip:a@good.example
	is "$(j .dnssec)" "insecure" "--resolv-conf, automatic anchor: insecure"
	contains "$err" "note: the servers of $tmp/resolv.conf ($RC#53) return no DNSSEC data for the root" \
		"--resolv-conf, automatic anchor: the note names the file and its servers"
else
	ok 0 "--resolv-conf, automatic anchor $rc_skip"
fi
run @127.0.0.1#$N --json --dnssec off sip:a@good.example
is "$err" "" "--dnssec off: no anchor, no probe, no note"

# ---- --trust-anchor in the other modes ---------------------------------------------------
run --recursive --trust-anchor "$TA" --json sip:a@nobody.invalid
is "$(j .status)" "not-found" "--recursive --trust-anchor: loaded (invalid. answered at once)"
G="$tmp/zonesdir"
mkdir -p "$G"
cp "$tmp/zones/good.zone" "$G/good.example.zone"
run --zones "$G" --trust-anchor "$tmp/keys/good.zone.ds" --json sip:a@good.example
is "$(j .dnssec)" "secure" "--zones --trust-anchor: secure"

# ---- a root that validates from the system's anchor (chain_probe sets it) ---------------
if [ -x "$PROBE" ]; then
	got=$("$PROBE" "127.0.0.1#$N" "$TA" sip:a@good.example 2>&1)
	is "$got" "ok secure -" "the servers' root validates: the chain is secure, no note"
	got=$("$PROBE" "127.0.0.1#$N" "$TA" sip:a@tampered.example 2>&1)
	is "$got" "dnssec-bogus bogus -" "the servers' root validates: the tampered NAPTR is bogus"
	got=$("$PROBE" "127.0.0.1#$N" "$TA" sip:a@sip.test 2>&1)
	is "$got" "ok insecure -" "RFC 6761 §6.2: the private-use test. is insecure, not bogus"
	got=$("$PROBE" "127.0.0.1#$N" "$tmp/keys/good.zone.ds" sip:a@good.example 2>&1)
	contains "$got" "ok insecure the server 127.0.0.1#$N returns no DNSSEC data for the root" \
		"the servers' root does not validate: insecure, with the note"
	got=$("$PROBE" "127.0.0.1#$N" "$tmp/no-such.key" sip:a@good.example 2>&1)
	is "$got" "ok insecure the root trust anchor $tmp/no-such.key cannot be read (No such \
file or directory): answers are insecure, not validated" \
		"an unreadable root anchor: no failure, insecure, with the note"
else
	ok 1 "tests/dnssec/chain_probe is built"
fi

done_testing
