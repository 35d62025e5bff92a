#!/bin/sh
# test_write_errors.sh - a write to standard output that fails (a full disk:
# /dev/full; a closed pipe with SIGPIPE ignored) stops sipresolve at once,
# with one message naming the output and the error, exit 3; the rest of the
# batch is not resolved for nothing.  Numeric URIs on the bundled zones: no
# DNS traffic.
. "$(dirname "$0")/lib.sh"
command -v timeout >/dev/null 2>&1 || { ok 0 "# SKIP timeout(1) is not installed"; done_testing; }
[ -w /dev/full ] || { ok 0 "# SKIP no /dev/full"; done_testing; }

# A batch far longer than one buffer of output.
seq 1 100000 | sed 's/.*/sip:u&@192.0.2.1/' >"$tmp/big"

# stops NAME: after a run with stderr in $tmp/err and the status in $rc.
stops() {
	name=$1 why=$2
	err=$(cat "$tmp/err")
	is "$rc" 3 "$name: exit 3"
	is "$err" "sipresolve: cannot write to standard output: $why" \
		"$name: one line, naming the output and the error"
	# The end-of-batch summary would mean the whole batch was resolved.
	case "$err" in
	*" inputs in "*) ok 1 "$name: stopped before the end of the batch" ;;
	*) ok 0 "$name: stopped before the end of the batch" ;;
	esac
}

timeout 60 "$SIPRESOLVE" --zones "$ZONES" --batch "$tmp/big" >/dev/full 2>"$tmp/err"
rc=$?
stops "batch to /dev/full" "No space left on device"

# An endless batch on standard input: only stopping at the first failed write ends it.
yes sip:a@192.0.2.1 2>/dev/null |
	timeout 60 "$SIPRESOLVE" --zones "$ZONES" --json --batch - >/dev/full 2>"$tmp/err"
rc=$?
stops "endless batch to /dev/full" "No space left on device"

# SIGPIPE ignored (as under some daemons and shells): the closed pipe is EPIPE.
(
	trap '' PIPE
	{ timeout 60 "$SIPRESOLVE" --zones "$ZONES" --batch "$tmp/big" 2>"$tmp/err"
	  echo $? >"$tmp/rc"; } | head -n 1 >"$tmp/first"
)
rc=$(cat "$tmp/rc")
stops "batch | head -1, SIGPIPE ignored" "Broken pipe"
contains "$(cat "$tmp/first")" "Input: sip:u1@192.0.2.1" "batch | head -1: the first line came through"

# URIs on the command line: the first failed write stops them too.
timeout 60 "$SIPRESOLVE" --zones "$ZONES" sip:a@192.0.2.1 sip:b@192.0.2.2 sip:c@192.0.2.3 \
	>/dev/full 2>"$tmp/err"
rc=$?
stops "arguments to /dev/full" "No space left on device"
done_testing
