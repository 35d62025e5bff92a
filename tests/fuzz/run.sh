#!/bin/sh
# run.sh NAME [RUNS [-- LIBFUZZER-OPTIONS...]] - run the libFuzzer target
# tests/fuzz/bin/fuzz_NAME (built by "make fuzz") for RUNS executions (default
# 10 million), new inputs going to tests/fuzz/work/NAME, crashes to
# tests/fuzz/work/NAME-*; then merge what adds coverage into the repository's
# corpus tests/fuzz/corpus/NAME, which make check replays.  With FUZZ_JOBS=N
# (default 1), N processes share the work: each runs RUNS/N executions on the
# same corpus directory, as libFuzzer's -jobs does.  The last lines of each log
# (tests/fuzz/work/NAME.log, or NAME.1.log ... NAME.N.log) are libFuzzer's
# statistics: the counts of doc/FUZZING.md.  Run it from the build directory.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 NAME [RUNS [-- OPTIONS...]]" >&2; exit 2; }
name=$1
runs=${2:-10000000}
jobs=${FUZZ_JOBS:-1}
shift; [ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
case $jobs in ''|*[!0-9]*|0) echo "$0: FUZZ_JOBS must be a positive number" >&2; exit 2;; esac
srcdir=$(cd "$(dirname "$0")/../.." && pwd)
bin=tests/fuzz/bin/fuzz_$name
work=tests/fuzz/work
[ -x "$bin" ] || { echo "$0: $bin is missing: run make fuzz" >&2; exit 2; }
mkdir -p "$work/$name"
# No allocation stacks (ASan's malloc_context_size=0): a fifth more executions
# a second, the same errors found.  For the stacks of a crash, run the binary
# on the crash file with ASAN_OPTIONS set to something else (or empty).
ASAN_OPTIONS=${ASAN_OPTIONS-malloc_context_size=0}
export ASAN_OPTIONS
# -max_len: the seed zones of the resolve target are a few KB.
fuzz() { # LOG RUNS [OPTIONS...]
	log=$1 n=$2
	shift 2
	"$bin" -runs="$n" -max_len=8192 -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/$name-" "$@" \
		"$work/$name" "$srcdir/tests/fuzz/corpus/$name" >"$log" 2>&1
}
if [ "$jobs" -eq 1 ]; then
	logs=$work/$name.log
	fuzz "$logs" "$runs" "$@" || failed=$logs
else
	logs= pids=
	i=1
	while [ "$i" -le "$jobs" ]; do
		fuzz "$work/$name.$i.log" $((runs / jobs)) "$@" &
		pids="$pids $!" logs="$logs $work/$name.$i.log"
		i=$((i + 1))
	done
	failed=
	i=1
	for pid in $pids; do
		wait "$pid" || failed="$failed $work/$name.$i.log"
		i=$((i + 1))
	done
fi
if [ -n "${failed:-}" ]; then
	for log in $failed; do
		echo "$0: fuzz_$name stopped: see $log" >&2
		tail -n 40 "$log" >&2
	done
	exit 1
fi
for log in $logs; do
	echo "$log:"
	grep -E '^(stat::|Done)' "$log"
done
"$bin" -merge=1 -max_len=8192 "$srcdir/tests/fuzz/corpus/$name" "$work/$name" \
	>"$work/$name.merge.log" 2>&1
echo "tests/fuzz/corpus/$name: $(ls "$srcdir/tests/fuzz/corpus/$name" | wc -l) inputs"
