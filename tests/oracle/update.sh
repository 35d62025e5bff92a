#!/bin/sh
# update.sh - regenerate tests/oracle/expected.txt from the library as it is.
#
# An intended change of what the library or sipresolve says regenerates it,
# and the commit message names the change (which inputs changed, and why);
# "git diff tests/oracle/expected.txt" shows the inputs, and
# "tests/oracle/oracle --show PART-OF-KEY" their output in full.  An engine
# change that should change nothing must not need this script.
#
# Usage: tests/oracle/update.sh [BUILDDIR]   (default: the source tree)
set -e
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=$(cd "${1:-$srcdir}" && pwd)
make -C "$builddir" tools/sipresolve tests/oracle/oracle >/dev/null
"$builddir/tests/oracle/oracle" >"$srcdir/tests/oracle/expected.txt.new"
mv "$srcdir/tests/oracle/expected.txt.new" "$srcdir/tests/oracle/expected.txt"
git -C "$srcdir" diff --stat -- tests/oracle/expected.txt 2>/dev/null || true
