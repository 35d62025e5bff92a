#!/bin/sh
# bench/batch-memory.sh - sipresolve's batch mode at scale: batches of N lines
# (default 10,000, 100,000 and 1,000,000) on the bundled zones, each run under
# /usr/bin/time -v; prints lines, wall time, rate and peak RSS.  A flat peak
# RSS across N shows that memory does not grow with the input (the README
# records a run).  Not run by make check.
#
#   bench/batch-memory.sh [N...]
#   SIPRESOLVE=/path/to/sipresolve CONCURRENCY=100 bench/batch-memory.sh 1000000
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
SIPRESOLVE=${SIPRESOLVE:-$top/tools/sipresolve}
CONCURRENCY=${CONCURRENCY:-100}
[ $# -gt 0 ] || set -- 10000 100000 1000000
[ -x "$SIPRESOLVE" ] || { echo "build first: $SIPRESOLVE is missing" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The input: a fixed mix of what the bundled zones answer and what they do
# not, every name but the demo's different, so that the cache keeps growing
# unless it is bounded:
#   30% tel:+49-421-201-7028      ENUM, then RFC 3263 (ok, 5 questions)
#   20% sip:userN@tzi.org          RFC 3263 NAPTR/SRV (ok)
#   10% sips:userN@tzi.org         (ok, TLS only)
#   10% sip:userN@tzi.org;transport=udp   SRV only (ok)
#   15% tel:+1555NNNNNNN           a different ENUM domain each (not found)
#    5% sip:userN@hostN.nonexistent.example  a different domain each (not found)
#   10% malformed lines            (bad input; the batch goes on)
generate() {
	awk -v n="$1" 'BEGIN {
		for (i = 0; i < n; i++) {
			k = i % 20
			if (k < 6) print "tel:+49-421-201-7028"
			else if (k < 10) print "sip:user" i "@tzi.org"
			else if (k < 12) print "sips:user" i "@tzi.org"
			else if (k < 14) print "sip:user" i "@tzi.org;transport=udp"
			else if (k < 17) printf "tel:+1555%07d\n", i % 10000000
			else if (k < 18) print "sip:user" i "@host" i ".nonexistent.example"
			else if (k < 19) print "sip:bad@@x" i
			else print "not a uri " i
		}
	}'
}

printf '%10s %10s %10s %12s %8s\n' lines wall/s lines/s "peak RSS/KB" exit
for n in "$@"; do
	generate "$n" >"$work/in"
	set +e
	/usr/bin/time -v "$SIPRESOLVE" --zones "$top/zones" --json --concurrency "$CONCURRENCY" \
		--batch "$work/in" >/dev/null 2>"$work/time"
	rc=$?
	set -e
	rss=$(sed -n 's/^.*Maximum resident set size (kbytes): //p' "$work/time")
	wall=$(sed -n 's/^.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time" |
		awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
	printf '%10s %10.1f %10.0f %12s %8s\n' "$n" "$wall" "$(echo "$n $wall" |
		awk '{ print ($2 > 0 ? $1 / $2 : 0) }')" "$rss" "$rc"
	grep '^sipresolve:' "$work/time" | sed 's/^/    /' || true
done
