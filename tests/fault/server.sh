# server.sh - sourced by the tests of tests/fault after tests/cli/lib.sh: starts
# tests/fault/faultdns on 127.0.0.1 with a port of its choosing and a lifetime, waits
# for its port file (at most 3 s), and stops it at exit.
#
#   start_faultdns LIFETIME_S FAULTDNS-ARGS...   sets $server and $port, or bails out

server=""
stop_server() {
	[ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
	server=""
}
trap 'stop_server; rm -rf "$tmp"' EXIT

start_faultdns() {
	lifetime=$1
	shift
	"$top_builddir/tests/fault/faultdns" -a 127.0.0.1 -p 0 -P "$tmp/port" -t "$lifetime" \
		"$@" 2>"$tmp/faultdns.err" &
	server=$!
	for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 \
		29 30; do
		[ -s "$tmp/port" ] && break
		kill -0 "$server" 2>/dev/null || break
		sleep 0.1
	done
	port=$(cat "$tmp/port" 2>/dev/null)
	[ -n "$port" ]
	ok $? "faultdns listens on 127.0.0.1, port $port (UDP and TCP)"
	if [ -z "$port" ]; then
		sed 's/^/#   /' "$tmp/faultdns.err"
		echo "Bail out! faultdns did not start"
		exit 1
	fi
}
