#!/bin/sh
# test_manpages.sh - the man pages: each renders without a warning (man -l, as
# lintian runs it, or groff -ww), every exported rsip_* function has a page,
# every alias page points at a page that exists, and every page is installed.
. "$(dirname "$0")/lib.sh"
DOC="$top_srcdir/doc"
pages=$(cd "$DOC" && ls sipresolve.1 man3/*.3)

# render PAGE: the warnings, on standard output (run in doc/ so that ".so
# man3/x.3" is found, as it is under /usr/share/man).
if command -v man >/dev/null 2>&1 &&
	man --warnings -E UTF-8 -l -Tutf8 "$DOC/sipresolve.1" >/dev/null 2>&1; then
	render() {
		(cd "$DOC" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 "$1" 2>&1 >/dev/null)
	}
	how="man -l"
elif command -v groff >/dev/null 2>&1; then
	render() { (cd "$DOC" && groff -ww -z -t -man "$1" 2>&1); }
	how="groff -ww"
fi
for page in $pages; do
	if [ -n "${how:-}" ]; then
		warnings=$(render "$page")
		is "$warnings" "" "$how $page: no warning"
	else
		ok 0 "# SKIP neither man nor groff is installed ($page)"
	fi
done

# Every exported function has a page, and its page names it in its
# synopsis as "name(".
for name in $(cat "$top_srcdir/libresolvsip/libresolvsip.sym"); do
	page="$DOC/man3/$name.3"
	if [ ! -f "$page" ]; then
		ok 1 "$name has a page in doc/man3"
		continue
	fi
	target=$(sed -n 's|^\.so man3/\(.*\)$|\1|p' "$page")
	[ -n "$target" ] && page="$DOC/man3/$target"
	grep -q "$name(" "$page"
	ok $? "$name: documented in $(basename "$page")"
done

# Alias pages point at pages that exist; every page is installed.
for page in $pages; do
	target=$(sed -n 's|^\.so \(man3/.*\)$|\1|p' "$DOC/$page")
	if [ -n "$target" ]; then
		[ -f "$DOC/$target" ] && [ "$(wc -l <"$DOC/$page")" -eq 1 ]
		ok $? "$page: one .so line to an existing page"
	fi
	grep -q "doc/$page" "$top_srcdir/Makefile.am"
	ok $? "$page is installed (Makefile.am)"
done

# The synopsis of sipresolve(1) and its options agree with --help.
run --help
for opt in $(printf '%s\n' "$out" | grep -o -- '--[a-z0-9-]*' | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$DOC/sipresolve.1"
	ok $? "sipresolve(1) documents $opt"
done

done_testing
