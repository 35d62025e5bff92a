#!/bin/sh
# test_standalone.sh - the repository stands alone: no file cites a document
# its reader does not have (a design or requirements file outside the tree, a
# style guide one directory up, an issue number, the text the project was
# seeded with); README's option table lists every option of sipresolve --help;
# the alias man pages render with "man -l doc/man3/NAME.3" in the source tree;
# zones/README names the algorithm the demo zones are signed with.
. "$(dirname "$0")/lib.sh"
S=$top_srcdir

# ---- citations ------------------------------------------------------------
# The files: git's list in a checkout, else (a release tarball) every file but
# the generated ones.  tests/fuzz/corpus/ holds fuzz inputs, bytes the replay
# checks: not text to cite from.
if git -C "$S" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	files=$(cd "$S" && git ls-files)
else
	files=$(cd "$S" && find . -type f ! -path './autom4te.cache/*' ! -path './build-aux/*' \
		! -path './m4/*' ! -name configure ! -name aclocal.m4 ! -name Makefile.in \
		! -name config.h.in ! -path './_build/*' | sed 's|^\./||')
fi
files=$(printf '%s\n' "$files" | grep -v '^tests/fuzz/corpus/')
ok $? "the files to check are listed"
# The patterns, spelt in two halves so that this file does not match itself.
d=DESI; d=${d}GN
r=REQUIRE; r=${r}MENTS
st=STY; st=${st}LE
i=ssue
sd=seed; sd="$sd doc"
sh='\.\./sha'; sh=${sh}red
pat="$d|$r|\.\./$st|$st\.md|[Ii]$i #?[0-9]|$sd|$sh"
cites=$(cd "$S" && printf '%s\n' "$files" | while IFS= read -r f; do
	[ -f "$f" ] && grep -nIH -E "$pat" "$f"
done | sed "s|doc/$d\.md||g" | grep -E "$pat")
is "$cites" "" "no file cites an outside design, requirements or style document, an issue number or the ${sd}ument (doc/$d.md is ours)"
# the check itself: a citation of each kind is found
for c in "$d.md §5" "$d §5" "$r item 27" "../$st" "i$i 8: x" "the ${sd}ument" "../sha""red/x"; do
	printf '/* %s */\n' "$c" >"$tmp/c.c"
	hit=$(grep -nIH -E "$pat" "$tmp/c.c" | sed "s|doc/$d\.md||g" | grep -E "$pat")
	[ -n "$hit" ]
	ok $? "the citation check finds \"$c\""
done
[ -f "$S/doc/$d.md" ]
ok $? "doc/$d.md, the design records the code cites, is in the tree"

# ---- README's option table --------------------------------------------------
# Every option --help lists (a line starting with two spaces then - or @) is
# in the table of README.md, as `OPT...` at the start of a cell or after ", ".
run --help
is "$rc" 0 "sipresolve --help: exit 0"
opts=$(printf '%s\n' "$out" | grep -E '^  [-@]' |
	grep -oE -- '(^|[ ,/])(--?[a-zA-Z0-9][a-zA-Z0-9-]*|@ADDR)' | sed 's|^[ ,/]||' | sort -u)
[ "$(printf '%s\n' "$opts" | wc -l)" -gt 20 ]
ok $? "--help lists more than 20 options ($(printf '%s\n' "$opts" | wc -l | tr -d ' '))"
table=$(awk '/^\| option \| meaning \|/ { t = 1; next } t && /^\|/ { print; next } t { exit }' \
	"$S/README.md")
[ -n "$table" ]
ok $? "README.md has an option table"
missing=
for o in $opts; do
	printf '%s\n' "$table" | grep -qF -e "\`$o\`" -e "\`$o " -e "\`$o=" -e "\`$o[" -e "\`$o/" ||
		missing="$missing $o"
done
is "$missing" "" "README.md's option table lists every option of sipresolve --help"

# ---- alias man pages in the source tree -----------------------------------
if command -v man >/dev/null 2>&1 && man -l "$S/doc/sipresolve.1" >/dev/null 2>&1; then
	bad=
	n=0
	for p in "$S"/doc/man3/*.3; do
		page=doc/man3/$(basename "$p")
		first=$(cd "$S" && LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>"$tmp/err" |
			sed -n '1p')
		n=$((n + 1))
		# The header names the page shown: its group's for an alias.
		case $first in
		RSIP_*"(3)"* | LIBRESOLVSIP"(3)"*) [ -s "$tmp/err" ] && bad="$bad $page" ;;
		*) bad="$bad $page" ;;
		esac
	done
	is "$bad" "" "man -l doc/man3/NAME.3 from the top of the source tree renders all $n pages"
	first=$(cd "$S" && man -l doc/man3/rsip_resolve_async.3 2>/dev/null | sed -n '1p')
	contains "$first" "RSIP_RESOLVE(3)" "man -l doc/man3/rsip_resolve_async.3 shows rsip_resolve(3)"
else
	ok 0 "# SKIP man is not installed (man -l of the alias pages)"
fi

# ---- zones/README and the demo's DNSSEC algorithm ---------------------------
# RFC 8624 §3.1's numbers; the README names each one the DNSKEYs use.
algs=$(awk '$4 == "DNSKEY" { print $7 }' "$S"/zones/*.zone | sort -u)
[ -n "$algs" ]
ok $? "the demo zones have DNSKEY records (algorithms: $(echo $algs))"
for a in $algs; do
	case $a in
	8) name="RSA/SHA-256" ;;
	13) name="P-256" ;;
	14) name="P-384" ;;
	15) name="Ed25519" ;;
	16) name="Ed448" ;;
	*) name="algorithm $a" ;;
	esac
	grep -qF "$name" "$S/zones/README"
	ok $? "zones/README names $name, the algorithm ($a) of the demo's DNSKEYs"
done
for name in "RSA/SHA-256" "P-256" "P-384" "Ed25519" "Ed448"; do
	grep -qF "$name" "$S/zones/README" || continue
	found=no
	for a in $algs; do
		case $a:$name in 8:RSA/SHA-256 | 13:P-256 | 14:P-384 | 15:Ed25519 | 16:Ed448) found=yes ;; esac
	done
	is "$found" yes "zones/README names $name only if a DNSKEY uses it"
done
done_testing
