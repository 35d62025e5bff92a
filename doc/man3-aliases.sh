#!/bin/sh
# man3-aliases.sh MAN3DIR SRCDIR PAGE... - run by "make install" (install-data-hook):
# each PAGE whose .TH line names another page is an alias page (a symbolic link
# in the source tree, so that "man -l doc/man3/rsip_cancel.3" works there; a copy
# in the release tarball).  Installed, it becomes the one line ".so man3/NAME.3",
# which man finds relative to the top of the manual tree.  A PAGE is read from
# the build directory, else from SRCDIR.
set -e
man3dir=$1
srcdir=$2
shift 2
for page in "$@"; do
	if [ -f "$page" ]; then file=$page; else file=$srcdir/$page; fi
	base=$(basename "$page" .3)
	name=$(sed -n 's/^\.TH \([^ ]*\) .*/\1/p' "$file" | sed 1q | tr '[:upper:]' '[:lower:]')
	[ -n "$name" ] || { echo "$0: $file has no .TH line" >&2; exit 1; }
	[ "$name" != "$base" ] || continue
	echo " alias $man3dir/$base.3 -> man3/$name.3"
	echo ".so man3/$name.3" >"$man3dir/$base.3"
done
