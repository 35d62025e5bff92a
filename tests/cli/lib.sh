# lib.sh - TAP helpers for the command-line tests (sourced).
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
SIPRESOLVE="$top_builddir/tools/sipresolve"
ZONES="$top_srcdir/zones"
TZONES="$top_srcdir/tests/zones"
export NO_COLOR=1
tap_n=0
tap_failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# With RSIP_VALGRIND set (make check-valgrind), every sipresolve
# runs under valgrind's memcheck; an error or a leak exits 99.  So does a
# sanitizer finding in a --enable-sanitizers build (see Makefile.am).
FINDING_RC=99
if [ -n "${RSIP_VALGRIND:-}" ]; then
	cat >"$tmp/sipresolve" <<EOS
#!/bin/sh
exec "$top_builddir/libtool" --mode=execute valgrind --quiet --error-exitcode=$FINDING_RC \\
	--leak-check=full --show-leak-kinds=definite,indirect,possible \\
	--errors-for-leak-kinds=definite,indirect,possible --track-fds=no \\
	"$SIPRESOLVE" "\$@"
EOS
	chmod +x "$tmp/sipresolve"
	SIPRESOLVE="$tmp/sipresolve"
fi

ok() { # ok CONDITION-STATUS NAME
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_failed=$((tap_failed + 1))
	fi
}

# run ARGS...: runs sipresolve; sets $out, $err, $rc.  A valgrind or
# sanitizer finding is a failed test point of its own.
run() {
	"$SIPRESOLVE" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
	check_finding "$@"
}

# check_finding ARGS...: after a run, fail when valgrind or a sanitizer
# reported something, or sipresolve died of a signal; under valgrind, also
# pass a point per clean run (the evidence of doc/HARDENING.md).
check_finding() {
	if [ "$rc" -eq "$FINDING_RC" ] || [ "$rc" -ge 128 ]; then
		ok 1 "no memory error, leak or crash: sipresolve $*"
		printf '%s\n' "$err" | sed 's/^/#   /' | head -40
	elif [ -n "${RSIP_VALGRIND:-}" ]; then
		ok 0 "valgrind: no memory error or leak: sipresolve $*"
	fi
}

is() { # is GOT WANT NAME
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got '$1', want '$2'"
	fi
}

contains() { # contains TEXT NEEDLE NAME
	case "$1" in
	*"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; echo "#   '$2' not found in:"; printf '%s\n' "$1" | sed 's/^/#   /' | head -20 ;;
	esac
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
