#!/bin/sh
# test_daemon.sh - the same zones served by a real unbound daemon on loopback
# and asked through --server give the same targets as the in-process zones.
# Skipped when the unbound daemon is not installed.
. "$(dirname "$0")/../cli/lib.sh"

UNBOUND=$(command -v unbound || echo /usr/sbin/unbound)
if [ ! -x "$UNBOUND" ]; then
	echo "1..0 # SKIP the unbound daemon is not installed"
	exit 0
fi

# The zones of one directory plus a root stub, so that names outside them
# are NXDOMAIN, as in process.
printf '.\t86400\tIN\tSOA\tlocalhost. nobody.invalid. 1 3600 600 86400 60\n.\t86400\tIN\tNS\tlocalhost.\n' \
	>"$tmp/root.stub"

start_daemon() { # start_daemon DIR PORT: 0 when it answers
	dir=$1
	port=$2
	{
		printf 'server:\n\tinterface: 127.0.0.1@%s\n\tport: %s\n' "$port" "$port"
		printf '\tdo-daemonize: no\n\tusername: ""\n\tchroot: ""\n\tdirectory: "%s"\n' "$tmp"
		printf '\tpidfile: ""\n\tuse-syslog: no\n\tlogfile: "%s/unbound.log"\n' "$tmp"
		printf '\tmodule-config: "iterator"\n\taccess-control: 127.0.0.0/8 allow\n'
		printf '\tlocal-zone: "test." nodefault\n\tdo-ip6: no\n\trrset-roundrobin: no\n'
		printf 'remote-control:\n\tcontrol-enable: no\n'
		for f in "$dir"/*.zone; do
			apex=$(awk '$0 !~ /^[;$]/ && $0 ~ /SOA/ { print $1; exit }' "$f")
			origin=$(awk '/^\$ORIGIN/ { print $2; exit }' "$f")
			[ "$apex" = "@" ] && apex=$origin
			printf 'auth-zone:\n\tname: "%s"\n\tzonefile: "%s"\n' "$apex" "$f"
			printf '\tfor-downstream: yes\n\tfor-upstream: yes\n\tfallback-enabled: no\n'
		done
		printf 'auth-zone:\n\tname: "."\n\tzonefile: "%s/root.stub"\n' "$tmp"
		printf '\tfor-downstream: yes\n\tfor-upstream: yes\n\tfallback-enabled: no\n'
	} >"$tmp/unbound.conf"
	"$UNBOUND" -d -c "$tmp/unbound.conf" >"$tmp/daemon.out" 2>&1 &
	daemon=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		if "$SIPRESOLVE" "@127.0.0.1#$port" --json sip:nobody@nonexistent.invalid 2>/dev/null |
		   grep -q '"rcode":"NXDOMAIN"'; then
			return 0
		fi
		kill -0 "$daemon" 2>/dev/null || return 1
		sleep 0.25
	done
	return 1
}

stop_daemon() {
	kill "$daemon" 2>/dev/null
	wait "$daemon" 2>/dev/null
	daemon=""
}
trap 'stop_daemon; rm -rf "$tmp"' EXIT

# Targets, with a fixed seed, as "status transport/address/port..." lines.
targets() { jq -r '.status + " " + ([.targets[] | .transport + "/" + .address + "/" +
	(.port|tostring)] | join(" "))'; }

compare() { # compare DIR URI...: one daemon for DIR, each URI both ways
	dir=$1
	shift
	started=1
	for port in $((20000 + $$ % 20000)) $((21000 + $$ % 20000)) $((22000 + $$ % 20000)); do
		if start_daemon "$dir" "$port"; then
			started=0
			break
		fi
		stop_daemon
	done
	ok "$started" "an unbound daemon serves $(basename "$dir")/*.zone on 127.0.0.1#$port"
	if [ "$started" -ne 0 ]; then
		sed 's/^/#   /' "$tmp/daemon.out" "$tmp/unbound.log" 2>/dev/null | tail -20
		return
	fi
	for uri in "$@"; do
		want=$("$SIPRESOLVE" --zones "$dir" --seed 9 --json "$uri" | targets)
		got=$("$SIPRESOLVE" "@127.0.0.1#$port" --seed 9 --json "$uri" | targets)
		is "$got" "$want" "daemon and in-process agree: $uri"
	done
	stop_daemon
}

compare "$ZONES" tel:+49-421-201-7028 sip:jo@tzi.org 'sip:jo@tzi.org;transport=tcp' \
	sips:jo@tzi.org sip:nobody@nonexistent.example
compare "$TZONES" sip:a@naptr.sip.test sip:a@srvonly.sip.test sip:a@aonly.sip.test \
	sip:a@dot.sip.test sip:a@sctp.sip.test sip:a@emptysrv.sip.test sip:a@multi.sip.test \
	tel:+1-555-010-0001 tel:+1-555-010-0003 tel:+1-555-010-0004 tel:+441632960083

done_testing
