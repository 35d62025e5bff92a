#!/bin/sh
# test_resolvconf.sh - a resolv.conf (resolv.conf(5)) with a mistake in it is
# a usage error before any resolution starts: exit 2, the message names the
# file, the line and what is wrong, never the URI; nothing of libunbound's
# own log reaches standard error.  The only DNS traffic: to 127.0.0.213,
# where nothing listens.
. "$(dirname "$0")/lib.sh"
URI=sip:x@a.test

# rc_error NAME NEEDLE FILE-CONTENT: --resolv-conf on it; exit 2, NEEDLE on
# stderr, the URI not blamed, nothing on stdout, no libunbound line.
rc_error() {
	name=$1 needle=$2
	printf '%b' "$3" >"$tmp/r.conf"
	run --resolv-conf "$tmp/r.conf" --timeout 2 "$URI"
	is "$rc" 2 "$name: exit 2"
	contains "$err" "$needle" "$name: the message says '$needle'"
	case "$err" in
	*"$URI"*) ok 1 "$name: the URI is not blamed"; echo "#   $err" ;;
	*) ok 0 "$name: the URI is not blamed" ;;
	esac
	case "$err" in
	*libunbound*) ok 1 "$name: no libunbound log line"; echo "#   $err" | head -3 ;;
	*) ok 0 "$name: no libunbound log line" ;;
	esac
	is "$out" "" "$name: nothing on standard output"
}

rc_error "not an IP address" "$tmp/r.conf:3: nameserver \"not-an-ip\" is not an IP address" \
	'# comment\nsearch example.org\nnameserver not-an-ip\n'
rc_error "nameserver without address" "$tmp/r.conf:2: nameserver without an address" \
	'domain example.org\nnameserver   \n'
# RFC 4007 §11: the zone index names an interface of this host.
rc_error "zone index naming no interface" \
	"$tmp/r.conf:1: nameserver \"fe80::1%nosuch0\": this host has no network interface" \
	'nameserver fe80::1%nosuch0\n'
rc_error "zone index on IPv4" "$tmp/r.conf:1: nameserver \"127.0.0.213%lo\": a zone index" \
	'nameserver 127.0.0.213%lo\n'
rc_error "link-local without zone index" "$tmp/r.conf:2: nameserver \"fe80::53\" is link-local" \
	'nameserver 127.0.0.213\nnameserver fe80::53\n'
rc_error "no nameserver line" "$tmp/r.conf: no nameserver line" \
	'search example.org\noptions ndots:2\n'
rc_error "an empty file" "$tmp/r.conf: no nameserver line" ''

# A directory opens, but holds no lines: no silent 127.0.0.1.
mkdir "$tmp/dir.conf"
run --resolv-conf "$tmp/dir.conf" --timeout 2 "$URI"
is "$rc" 2 "a directory: exit 2"
contains "$err" "$tmp/dir.conf: Is a directory" "a directory: said so"

# In a batch too, before the first line is started.
printf 'nameserver 127.0.0.1\nnameserver 999.1.1.1\n' >"$tmp/r.conf"
printf '%s\n' "$URI" "$URI" | "$SIPRESOLVE" --resolv-conf "$tmp/r.conf" --json --batch - \
	>"$tmp/out" 2>"$tmp/err"
rc=$?
is "$rc" 2 "batch: exit 2"
is "$(cat "$tmp/out")" "" "batch: no result is written"
is "$(cat "$tmp/err")" \
	"sipresolve: --resolv-conf: $tmp/r.conf:2: nameserver \"999.1.1.1\" is not an IP address" \
	"batch: one line naming the file and the line"

# What resolv.conf(5) allows: leading blanks, comments, other keywords, text
# after the address.  A zone index naming an interface that exists is kept
# (lo, by number and by name); --dnssec off asks no question for a
# malformed URI, so nothing is sent to them.
printf '; c\n  nameserver 127.0.0.213 # local\nnameserver fe80::53%%lo\nnameserver fe80::54%%1\n' \
	>"$tmp/r.conf"
run --resolv-conf "$tmp/r.conf" --dnssec off --json 'sip:bad@@x'
is "$rc" 2 "an accepted file: the malformed URI is the exit-2 reason"
contains "$out" '"status":"bad-input"' "an accepted file: the URI is resolved (bad input)"
is "$err" "" "an accepted file: nothing on standard error"

# A server that is not there (nothing on 127.0.0.213#53: ICMP port unreachable):
# dns-failure in our words, naming it (libresolvsip/reach.c), no libunbound line.
printf 'nameserver 127.0.0.213\n' >"$tmp/r.conf"
run --resolv-conf "$tmp/r.conf" --dnssec off --timeout 1 "$URI"
is "$rc" 3 "a server that is not there: exit 3 (dns-failure)"
contains "$out" "no DNS server can be reached: 127.0.0.213#53" \
	"a server that is not there: said in our words, naming it"
is "$(printf '%s\n' "$err" | grep -cv '^sipresolve: note: no DNS server can be reached: ')" 0 \
	"a server that is not there: on standard error only our note, no libunbound line"

# libunbound logs an error for every question it cannot send (the broadcast
# address: connect() fails with EACCES at once, nothing leaves the host; a
# link-local server without a zone index is refused before any question now);
# none of those lines reaches the user.
run --server 255.255.255.255 --dnssec off --timeout 1 "$URI"
is "$rc" 3 "an unreachable server: exit 3"
case "$err" in
*libunbound*) ok 1 "an unreachable server: libunbound's log is not on stderr"
	printf '%s\n' "$err" | head -3 | sed 's/^/#   /' ;;
*) ok 0 "an unreachable server: libunbound's log is not on stderr" ;;
esac
done_testing
