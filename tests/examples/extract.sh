#!/bin/sh
# extract.sh FILE NAME OUT - the code example NAME of a man page or of a
# Markdown file, as C: the block after the line '.\" example: NAME' (a man
# page: between .nf and .fi, roff escapes undone) or '<!-- example: NAME -->'
# (Markdown: the fenced block).  A line '...' (roff '\&...') splits it: what
# is before goes to OUT.head (file scope, for the harness), the rest to OUT.
# Fails when NAME is not found, so that a page and its test cannot drift.
set -e
file=$1 name=$2 out=$3
awk -v name="$name" -v head="$out.head" -v body="$out.tmp" '
	BEGIN { state = 0; target = head; n = 0 }
	state == 0 && ($0 == ".\\\" example: " name || $0 == "<!-- example: " name " -->") {
		state = 1; next
	}
	state == 1 && /^\.nf/ { state = 2; roff = 1; next }
	state == 1 && /^```/ { state = 2; roff = 0; next }
	state == 2 && roff && /^\.(RS|RE)/ { next }
	state == 2 && ((roff && /^\.fi/) || (!roff && /^```/)) { state = 3; exit }
	state == 2 {
		line = $0
		if (roff) {
			gsub(/\\-/, "-", line); gsub(/\\&/, "", line); gsub(/\\e/, "\\", line)
		}
		if (line == "...") { target = body; next }
		print line > target; n++
	}
	END {
		if (state != 3 || n == 0) { print "extract.sh: no example " name > "/dev/stderr"; exit 1 }
	}' "$file"
# Without a "..." line everything went to the head: it is the body.
if [ -f "$out.tmp" ]; then
	mv "$out.tmp" "$out"
else
	mv "$out.head" "$out"
	: >"$out.head"
fi
