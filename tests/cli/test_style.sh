#!/bin/sh
# test_style.sh - the C sources keep to the house width: at most 100 columns,
# tabs of 8 (.clang-format says the same for new code).  One test point per
# directory, naming each line that is too wide.
. "$(dirname "$0")/lib.sh"
command -v perl >/dev/null 2>&1 || { ok 0 "# SKIP perl is not installed"; done_testing; }

for dir in libresolvsip tools tests tests/unit tests/integration tests/dnssec tests/fuzz tests/fault \
	tests/oracle bench doc/examples tests/examples; do
	files=$(find "$top_srcdir/$dir" -maxdepth 1 -name '*.[ch]' | sort)
	[ -n "$files" ] || continue
	# perl: count characters, not bytes (the sources cite "RFC 3261 §19.1").
	wide=$(perl -CSD -ne 'chomp; 1 while s/\t+/" " x (length($&) * 8 - length($`) % 8)/e;
		print "$ARGV:$.: " . length($_) . " columns\n" if length($_) > 100;
		close ARGV if eof' $files | sed "s|$top_srcdir/||")
	is "$wide" "" "the C sources of $dir/ are at most 100 columns wide"
done
[ -f "$top_srcdir/.clang-format" ]
ok $? ".clang-format is in the source tree"
done_testing
