#!/bin/sh
# test_symbols.sh - the shared library exports the rsip_* API and nothing else:
# exactly the names of libresolvsip/libresolvsip.sym (skipped when the shared
# library is not built, or without nm).
. "$(dirname "$0")/lib.sh"
lib="$top_builddir/libresolvsip/.libs/libresolvsip.so"
if [ ! -f "$lib" ] || ! command -v nm >/dev/null 2>&1; then
	echo "1..0 # SKIP no shared library ($lib) or no nm"
	exit 0
fi
nm -D --defined-only "$lib" | awk '{ print $NF }' | LC_ALL=C sort -u >"$tmp/exported"
LC_ALL=C sort -u "$top_srcdir/libresolvsip/libresolvsip.sym" >"$tmp/listed"

other=$(grep -v '^rsip_' "$tmp/exported" | tr '\n' ' ')
is "$other" "" "nm -D --defined-only: only rsip_* symbols are exported"
missing=$(comm -13 "$tmp/exported" "$tmp/listed" | tr '\n' ' ')
is "$missing" "" "every name of libresolvsip.sym is exported"
extra=$(comm -23 "$tmp/exported" "$tmp/listed" | tr '\n' ' ')
is "$extra" "" "nothing outside libresolvsip.sym is exported"
# Every exported function is declared in the one installed header.
for name in $(cat "$tmp/exported"); do
	grep -q "[ *]$name(" "$top_srcdir/libresolvsip/resolvsip.h"
	ok $? "$name is declared in resolvsip.h"
done

# The static library: every global name carries the prefix rsip_ (the API)
# or rsip__ (internal, libresolvsip/namespace.h), so that linking it never
# clashes with an application's own names.
archive="$top_builddir/libresolvsip/.libs/libresolvsip.a"
if [ -f "$archive" ]; then
	bare=$(nm --defined-only -g "$archive" 2>/dev/null |
		awk 'NF == 3 && $2 ~ /[TDBRC]/ { print $3 }' | grep -v '^rsip_' | sort -u |
		tr '\n' ' ')
	is "$bare" "" "the static library defines no global name without the rsip_ prefix"
fi

done_testing
