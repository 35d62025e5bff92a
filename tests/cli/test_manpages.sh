#!/bin/sh
# test_manpages.sh - the man pages: each renders without a warning (man -l, as
# lintian runs it, or groff -ww) from the source tree, every exported rsip_*
# function has a page, every alias page points at a page that exists, every
# page is installed, and installed alias pages are .so lines that man reads.
. "$(dirname "$0")/lib.sh"
DOC="$top_srcdir/doc"
pages=$(cd "$DOC" && ls sipresolve.1 man3/*.3)

# render PAGE: the warnings, on standard output.  Run from a directory that is
# neither doc/ nor the top of the manual tree: an alias page must render from
# anywhere in the source tree ("man -l doc/man3/rsip_cancel.3"), which a ".so
# man3/x.3" line, relative to the working directory, does not.
if command -v man >/dev/null 2>&1 &&
	man --warnings -E UTF-8 -l -Tutf8 "$DOC/sipresolve.1" >/dev/null 2>&1; then
	render() {
		(cd "$tmp" && LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 "$DOC/$1" 2>&1 >/dev/null)
	}
	how="man -l"
elif command -v groff >/dev/null 2>&1; then
	render() { (cd "$tmp" && groff -ww -z -t -man "$DOC/$1" 2>&1); }
	how="groff -ww"
fi
# alias_target FILE: the page an alias page stands for (empty for a page of
# its own): the target of its symbolic link in the source tree, or, in a
# release tarball (tar dereferences links), the page its .TH line names.
alias_target() {
	if [ -h "$1" ]; then
		readlink "$1"
	else
		name=$(sed -n 's/^\.TH \([^ ]*\) .*/\1/p' "$1" | sed 1q | tr '[:upper:]' '[:lower:]')
		base=$(basename "$1")
		[ "$name" = "${base%.*}" ] || echo "$name.${base##*.}"
	fi
}
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
	target=$(alias_target "$page")
	[ -n "$target" ] && page="$DOC/man3/$target"
	grep -q "$name(" "$page"
	ok $? "$name: documented in $(basename "$page")"
done

# Alias pages point at pages of their own in the same directory (no ".so"
# line, which would not render from the source tree); every page is installed.
for page in $pages; do
	target=$(alias_target "$DOC/$page")
	if [ -n "$target" ]; then
		case $target in
		*/*) false ;;
		*) [ -f "$DOC/man3/$target" ] && [ -z "$(alias_target "$DOC/man3/$target")" ] &&
			{ [ -h "$DOC/$page" ] || cmp -s "$DOC/$page" "$DOC/man3/$target"; } ;;
		esac
		ok $? "$page: an alias of man3/$target, a page of its own in the same directory"
	fi
	! grep -q '^\.so' "$DOC/$page"
	ok $? "$page: no .so line (it would not render in the source tree)"
	grep -q "doc/$page" "$top_srcdir/Makefile.am"
	ok $? "$page is installed (Makefile.am)"
done

# Installed, each alias page is a ".so man3/PAGE.3" line (doc/man3-aliases.sh,
# make install's install-data-hook), which man reads from the manual tree.
mkdir -p "$tmp/man/man3"
for page in $pages; do
	case $page in man3/*) cp "$DOC/$page" "$tmp/man/man3/" ;; esac
done
(cd "$DOC/.." && sh "$top_srcdir/doc/man3-aliases.sh" "$tmp/man/man3" . \
	$(cd "$DOC/.." && ls doc/man3/*.3)) >/dev/null
ok $? "doc/man3-aliases.sh writes the installed alias pages"
is "$(cat "$tmp/man/man3/rsip_resolve_async.3")" ".so man3/rsip_resolve.3" \
	"installed rsip_resolve_async.3 is a .so line to man3/rsip_resolve.3"
is "$(grep -L '^\.so' "$tmp/man/man3"/*.3 | wc -l | tr -d ' ')" \
	"$(for p in "$DOC"/man3/*.3; do [ -n "$(alias_target "$p")" ] || echo "$p"; done | wc -l | tr -d ' ')" \
	"installed: the pages of their own keep their text"
if [ "${how:-}" = "man -l" ]; then
	warnings=$(cd "$tmp/man" && LC_ALL=C.UTF-8 MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 man3/rsip_resolve_async.3 2>&1 >/dev/null)
	is "$warnings" "" "installed: man -l man3/rsip_resolve_async.3 from the manual tree"
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -M "$tmp/man" rsip_resolve_async 2>&1 | head -n 1)
	contains "$out" "RSIP_RESOLVE(3)" "installed: man -M MANDIR rsip_resolve_async shows rsip_resolve(3)"
	out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -M "$DOC" rsip_resolve_async 2>&1 | head -n 1)
	contains "$out" "RSIP_RESOLVE(3)" "source tree: man -M doc rsip_resolve_async shows rsip_resolve(3)"
else
	ok 0 "# SKIP man is not installed (installed alias pages)"
fi

# The synopsis of sipresolve(1) and its options agree with --help.
run --help
for opt in $(printf '%s\n' "$out" | grep -o -- '--[a-z0-9-]*' | sort -u); do
	grep -q -- "$(printf '%s' "$opt" | sed 's/-/\\\\-/g')" "$DOC/sipresolve.1"
	ok $? "sipresolve(1) documents $opt"
done

done_testing
