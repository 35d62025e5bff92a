#!/bin/sh
# test_oracle.sh - the library says today what it said when
# tests/oracle/expected.txt was written: the oracle (tests/oracle/oracle.c)
# renders every resolve fuzz corpus input and every sipresolve run of
# tests/oracle/inputs.txt as text and JSON, and its digest lines must be the
# expected ones.  A changed line names the input whose output changed; see it
# in full with "tests/oracle/oracle --show PART-OF-KEY".  An intended change:
# tests/oracle/update.sh, and the commit message names it.
. "$(dirname "$0")/../cli/lib.sh"
ORACLE="$top_builddir/tests/oracle/oracle"
EXPECTED="$top_srcdir/tests/oracle/expected.txt"

"$ORACLE" >"$tmp/got" 2>"$tmp/err"
rc=$?
is "$rc" 0 "the oracle ran every input (exit 0)"
[ -s "$tmp/err" ] && sed 's/^/#   /' "$tmp/err" | head -20
n=$(wc -l <"$tmp/got" | tr -d ' ')
want=$(wc -l <"$EXPECTED" | tr -d ' ')
is "$n" "$want" "one digest line per input, as many as in tests/oracle/expected.txt"
if diff -u "$EXPECTED" "$tmp/got" >"$tmp/diff"; then
	ok 0 "every input is rendered as in tests/oracle/expected.txt"
else
	ok 1 "every input is rendered as in tests/oracle/expected.txt"
	echo "#   $(grep -c '^+[^+]' "$tmp/diff") inputs changed (- expected, + now); the first:"
	grep '^[-+][^-+]' "$tmp/diff" | head -40 | sed 's/^/#   /'
	echo "#   intended? tests/oracle/update.sh, and name the change in the commit message"
fi
done_testing
