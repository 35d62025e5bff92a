#!/bin/sh
# test_colour.sh - colour and terminals: --color=auto|always|never, NO_COLOR (set and not
# empty: no colour, https://no-color.org), TERM=dumb, the progress line only when the batch
# input is not a terminal, and Ctrl-C ending a batch with its summary.  A terminal comes
# from script(1); its points are skipped without it.
. "$(dirname "$0")/lib.sh"
unset NO_COLOR
ESC=$(printf '\033')
has_colour() { case "$1" in *"$ESC["*) return 0 ;; esac; return 1; }

# ---- --color, without a terminal ---------------------------------------------------------
run --zones "$ZONES" --color=always sip:jo@tzi.org
has_colour "$out"; ok $? "--color=always: colour into a pipe"
run --zones "$ZONES" --color sip:jo@tzi.org
has_colour "$out"; ok $? "--color alone means always"
NO_COLOR=1 run --zones "$ZONES" --color=always sip:jo@tzi.org
has_colour "$out"; ok $? "--color=always wins over NO_COLOR"
run --zones "$ZONES" sip:jo@tzi.org
! has_colour "$out"; ok $? "auto: no colour into a pipe"
run --zones "$ZONES" --color=sometimes sip:jo@tzi.org
is "$rc" 2 "--color=sometimes: exit 2"
contains "$err" "'sometimes' is not auto, always or never" "--color=sometimes: says what is wanted"

# ---- on a terminal (script(1)) -----------------------------------------------------------
# tty CMD: run CMD (a shell command line) with a terminal as stdin, stdout and stderr.
if script -qec true /dev/null >/dev/null 2>&1 && [ -z "${RSIP_VALGRIND:-}" ]; then
	tty() { script -qec "$1" /dev/null </dev/null 2>&1; }
	S="'$SIPRESOLVE' --zones '$ZONES'"
	has_colour "$(TERM=xterm tty "$S sip:jo@tzi.org")"
	ok $? "auto on a terminal: colour"
	has_colour "$(TERM=xterm NO_COLOR= tty "$S sip:jo@tzi.org")"
	ok $? "NO_COLOR set but empty: as if unset (no-color.org), colour"
	! has_colour "$(TERM=xterm NO_COLOR=1 tty "$S sip:jo@tzi.org")"
	ok $? "NO_COLOR=1 on a terminal: no colour"
	! has_colour "$(TERM=dumb tty "$S sip:jo@tzi.org")"
	ok $? "TERM=dumb: no colour"
	! has_colour "$(TERM=xterm tty "$S --color=never sip:jo@tzi.org")"
	ok $? "--color=never on a terminal: no colour"
	# A batch typed at the terminal: no progress line (it would run into the typing);
	# the same batch from a file on a terminal's stderr: the progress line.
	printf 'sip:jo@tzi.org\n' >"$tmp/one"
	typed=$(TERM=xterm tty "printf 'sip:jo@tzi.org\n' | script -qec \"$S --short --batch -\" /dev/null")
	# The progress line is redrawn with ESC [ K (erase to the end of the line).
	case "$typed" in *"$ESC[K"*) r=1 ;; *) r=0 ;; esac
	ok $r "--batch - from a terminal: no progress line"
	fromfile=$(TERM=xterm tty "$S --short --batch '$tmp/one'")
	case "$fromfile" in *"/1 ("*"$ESC[K"*) r=0 ;; *) r=1 ;; esac
	ok $r "--batch FILE with stderr on a terminal: the progress line"
else
	for n in 1 2 3 4 5 6 7; do ok 0 "# SKIP script(1) cannot make a terminal here"; done
fi

# ---- Ctrl-C in a batch: the summary so far, exit 130 -----------------------------------
FAULTDNS="$top_builddir/tests/fault/faultdns"
if [ -x "$FAULTDNS" ] && command -v perl >/dev/null 2>&1; then
	. "$top_srcdir/tests/fault/server.sh"
	start_faultdns 60 -z "$top_srcdir/tests/fault/fault.test.zone" \
		-r "$top_srcdir/tests/fault/faults.rules"
	{ echo sip:x@good.fault.test; i=0; while [ $i -lt 30 ]; do
		echo "sip:x$i@delay.fault.test"; i=$((i + 1)); done; } >"$tmp/slow"
	# perl: a background job of a script starts with SIGINT ignored; give it back.
	perl -e '$SIG{INT} = "DEFAULT"; exec @ARGV' "$SIPRESOLVE" "@127.0.0.1#$port" --short \
		--batch "$tmp/slow" >"$tmp/int.out" 2>"$tmp/int.err" &
	pid=$!
	n=0
	while [ ! -s "$tmp/int.out" ] && [ $n -lt 50 ]; do sleep 0.1; n=$((n + 1)); done
	kill -INT "$pid"
	wait "$pid"
	is "$?" 130 "Ctrl-C: exit 130"
	contains "$(cat "$tmp/int.err")" "interrupted after 1 input" "Ctrl-C: the summary so far"
	is "$(head -n 1 "$tmp/int.out")" "tls 2001:db8::1 5061" "Ctrl-C: what was written stays"
	stop_server
fi

done_testing
