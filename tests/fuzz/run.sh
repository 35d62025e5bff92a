#!/bin/sh
# run.sh NAME [RUNS [-- LIBFUZZER-OPTIONS...]] - run the libFuzzer target
# tests/fuzz/bin/fuzz_NAME (built by "make fuzz") for RUNS executions (default
# 10 million), new inputs going to tests/fuzz/work/NAME, crashes to
# tests/fuzz/work/NAME-*; then merge what adds coverage into the repository's
# corpus tests/fuzz/corpus/NAME, which make check replays.  The last lines of
# the log (tests/fuzz/work/NAME.log) are libFuzzer's statistics: the counts of
# doc/FUZZING.md.  Run it from the build directory.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 NAME [RUNS [-- OPTIONS...]]" >&2; exit 2; }
name=$1
runs=${2:-10000000}
shift; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
bin=tests/fuzz/bin/fuzz_$name
work=tests/fuzz/work
[ -x "$bin" ] || { echo "$0: $bin is missing: run make fuzz" >&2; exit 2; }
mkdir -p "$work/$name"
# -max_len: the seed zones of the resolve target are a few KB.
"$bin" -runs="$runs" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
	-print_final_stats=1 -artifact_prefix="$work/$name-" "$@" \
	"$work/$name" "$srcdir/tests/fuzz/corpus/$name" >"$work/$name.log" 2>&1 || {
	echo "$0: fuzz_$name stopped: see $work/$name.log" >&2
	tail -n 40 "$work/$name.log" >&2
	exit 1
}
grep -E '^(stat::|Done)' "$work/$name.log"
"$bin" -merge=1 -max_len=8192 "$srcdir/tests/fuzz/corpus/$name" "$work/$name" \
	>"$work/$name.merge.log" 2>&1
echo "tests/fuzz/corpus/$name: $(ls "$srcdir/tests/fuzz/corpus/$name" | wc -l) inputs"
