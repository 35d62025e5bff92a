#!/bin/sh
# test_layers.sh - the rooms of libresolvsip call each other only down, or
# through a back-edge named in tests/layers/allowed.txt (its header says
# which way is down and what an exception line means).
#
# nm(1) on the objects of the core convenience library gives, for every
# global symbol, the room (.c file) that defines it and the rooms that use
# it; each use in another room is a call FROM -> TO.  Printed as comments:
# which room calls which, and with what.  Fails on a call that is neither
# down nor an exception, on an exception that is no longer a call, and on a
# room without a level.
. "$(dirname "$0")/../cli/lib.sh"
NM=${NM:-nm}
ALLOWED="$top_srcdir/tests/layers/allowed.txt"

# The objects: the convenience archive libtool builds, else the plain ones.
lib="$top_builddir/libresolvsip/.libs/libresolvsip-core.a"
if [ -f "$lib" ]; then
	set -- "$lib"
else
	set -- "$top_builddir"/libresolvsip/*.o
fi
$NM -P -A -g "$@" >"$tmp/nm" 2>"$tmp/nm.err"
ok $? "$NM reads the library's objects ($(printf '%s' "$*" | sed "s|$top_builddir/||g"))"

# "room NAME" for each object, "call FROM TO SYMBOL" for each use of a symbol
# that another object defines.  nm -P -A: "FILE[MEMBER]: NAME TYPE ..." for
# an archive, "FILE: NAME TYPE ..." for an object.
awk '
	{
		obj = $1
		sub(/:$/, "", obj)
		sub(/\]$/, "", obj)
		sub(/.*[\[\/]/, "", obj)
		sub(/^.*_la-/, "", obj)  # libtool: libresolvsip_core_la-ctx.o
		sub(/\.o$/, "", obj)
		rooms[obj] = 1
		if ($3 == "U")
			used[obj " " $2] = 1
		else if ($3 ~ /^[A-TV-Z]$/)
			def[$2] = obj
	}
	END {
		for (r in rooms)
			print "room " r
		for (k in used) {
			split(k, f, " ")
			if ((f[2] in def) && def[f[2]] != f[1]) {
				sym = f[2]
				sub(/^rsip__/, "", sym)
				print "call " f[1] " " def[f[2]] " " sym
			}
		}
	}' "$tmp/nm" | sort >"$tmp/graph"
nrooms=$(grep -c '^room ' "$tmp/graph")
ncalls=$(grep -c '^call ' "$tmp/graph")
[ "$nrooms" -ge 10 ] && [ "$ncalls" -ge 10 ]
ok $? "the objects hold the rooms and their calls ($nrooms rooms, $ncalls calls)"

# check ALLOWED GRAPH: one line per finding ("up FROM -> TO: SYMBOL ...",
# "stale LINE", "nolevel ROOM", "gone ROOM", "unreadable LINE"), and the
# room-to-room listing ("edge FROM -> TO KIND: SYMBOLS").
check() {
	awk '
	FNR == NR {
		if ($0 ~ /^[ \t]*(#|$)/)
			next
		if ($1 == "level" && $2 ~ /^[0-9]+:$/) {
			for (i = 3; i <= NF; i++)
				level[$i] = $2 + 0
			next
		}
		if ($2 == "->" && $3 ~ /:$/ && NF >= 4) {
			to = $3
			sub(/:$/, "", to)
			k = $1 " " to " " $4
			exc[k] = $0
			next
		}
		print "unreadable " $0
		next
	}
	$1 == "room" {
		present[$2] = 1
		if (!($2 in level))
			print "nolevel " $2
		next
	}
	$1 == "call" {
		from = $2; to = $3; sym = $4
		k = from " " to " " sym
		pair = from " -> " to
		if ((from in level) && (to in level) && level[to] < level[from]) {
			kind = "down"
		} else if (k in exc) {
			kind = "exception"
			used[k] = 1
		} else {
			kind = "NOT ALLOWED"
			print "up " from " -> " to ": " sym " (level " \
				((from in level) ? level[from] : "?") " -> " \
				((to in level) ? level[to] : "?") ")"
		}
		names[pair " " kind] = names[pair " " kind] " " sym
	}
	END {
		for (k in exc)
			if (!(k in used))
				print "stale " exc[k]
		for (r in level)
			if (!(r in present))
				print "gone " r
		for (p in names) {
			split(p, f, " ")
			kind = p
			sub(/^[^ ]+ -> [^ ]+ /, "", kind)
			print "edge " f[1] " -> " f[3] " " kind ":" names[p]
		}
	}' "$1" "$2" | sort
}

check "$ALLOWED" "$tmp/graph" >"$tmp/report"
echo "# which room calls which (down: to a lower level; exception: allowed.txt):"
grep '^edge ' "$tmp/report" | sed 's/^edge /#   /'
findings() { # findings KIND NAME: a test point, passing when none is found
	grep "^$1 " "$tmp/report" | sed "s/^$1 //" >"$tmp/found"
	if [ -s "$tmp/found" ]; then
		ok 1 "$2"
		sed 's/^/#   /' "$tmp/found"
	else
		ok 0 "$2"
	fi
}
findings unreadable "every line of allowed.txt is a comment, a level or an exception"
findings nolevel "every room has a level in allowed.txt (a new .c file needs one)"
findings gone "every room of allowed.txt is an object of the library"
findings up "every call goes down or is a named exception (a new back-edge needs a line)"
findings stale "every exception is still a call (a removed back-edge removes its line)"

# The check itself: without its first exception line the allowed list must
# reject that call; a call from the bottom to the top is never allowed; an
# exception for a call that is not made is stale.
first=$(grep -m1 -E '^[a-z_]+ -> ' "$ALLOWED")
if [ -n "$first" ]; then
	grep -v -x -F "$first" "$ALLOWED" >"$tmp/allowed.less"
	check "$tmp/allowed.less" "$tmp/graph" | grep -q -F "up ${first%% (*} (level"
	ok $? "self-check: dropping the exception '${first%% (*}' fails the test on that call"
fi
# Raising the engine above the phases must turn their calls into it into
# back-edges.
sed 's/^level \([0-9]*\): query$/level 99: query/' "$ALLOWED" >"$tmp/allowed.raised"
check "$tmp/allowed.raised" "$tmp/graph" | grep -q "^up locate -> query: "
ok $? "self-check: the engine (query) raised above the phases fails the test on their calls"
{ cat "$tmp/graph"; echo "call util resolve invented_upcall"; } >"$tmp/graph.more"
check "$ALLOWED" "$tmp/graph.more" | grep -q -x "up util -> resolve: invented_upcall (level 0 -> [0-9]*)"
ok $? "self-check: a new call up (util -> resolve) fails the test"
{ cat "$ALLOWED"; echo "util -> resolve: invented_stale (no such call)"; } >"$tmp/allowed.more"
check "$tmp/allowed.more" "$tmp/graph" | grep -q -x -F "stale util -> resolve: invented_stale (no such call)"
ok $? "self-check: an exception for a call that is not made fails the test"
# The shape the rooms keep: no back-edge at all; the engine calls nothing of
# the phases, the context or the API; no phase calls the context or the API.
grep -E '^[a-z_]+ -> ' "$ALLOWED" >"$tmp/exceptions"
[ ! -s "$tmp/exceptions" ]
ok $? "allowed.txt names no exception: every call goes down"
sed 's/^/#   /' "$tmp/exceptions"
calls_into() { # FROM-ROOMS TO-ROOMS: the calls from one set into the other
	awk -v from=" $1 " -v to=" $2 " '$1 == "call" && index(from, " " $2 " ") &&
		index(to, " " $3 " ") { print $2 " -> " $3 ": " $4 }' "$tmp/graph"
}
context="ctx anchors resolvconf ubsetup failmem"
calls_into "query cache reach hosts" "locate enumwalk resolve ddds_api $context" >"$tmp/found"
[ ! -s "$tmp/found" ]
ok $? "the engine (query.c, its cache, reach, hosts) calls nothing of the phases, the context or the API"
sed 's/^/#   /' "$tmp/found"
calls_into "locate enumwalk" "resolve ddds_api $context" >"$tmp/found"
[ ! -s "$tmp/found" ]
ok $? "no phase (locate.c, enumwalk.c) calls the context or the API (resolve.c)"
sed 's/^/#   /' "$tmp/found"
calls_into "locate" "enumwalk" >"$tmp/found"
calls_into "enumwalk" "locate" >>"$tmp/found"
[ ! -s "$tmp/found" ]
ok $? "the two phases do not call each other (resolve.c links them)"
sed 's/^/#   /' "$tmp/found"

# tools/ is a client of the public API: every library symbol its objects use
# is an rsip_* function of resolvsip.h, none internal (rsip__*), and its
# sources hold no SRV owner label: the library names what it asked.
set -- "$top_builddir"/tools/sipresolve-*.o
if [ -f "$1" ]; then
	$NM -P -g "$@" 2>/dev/null | awk '$2 == "U" { print $1 }' | sort -u >"$tmp/tools.used"
	awk '$3 ~ /^[A-TV-Z]$/ { print $2 }' "$tmp/nm" | sort -u >"$tmp/lib.defined"
	comm -12 "$tmp/tools.used" "$tmp/lib.defined" >"$tmp/tools.lib"
	grep -v -E '^rsip_[a-z]' "$tmp/tools.lib" >"$tmp/found"
	[ -s "$tmp/tools.lib" ] && [ ! -s "$tmp/found" ]
	ok $? "tools/ uses only rsip_* API symbols of the library ($(wc -l <"$tmp/tools.lib") used)"
	sed 's/^/#   /' "$tmp/found"
else
	ok 0 "# SKIP tools/ objects are not built"
fi
grep -n -F '_sip._' "$top_srcdir"/tools/*.c "$top_srcdir"/tools/*.h >"$tmp/found"
[ ! -s "$tmp/found" ]
ok $? "tools/ holds no '_sip._' label"
sed 's/^/#   /' "$tmp/found"
done_testing
