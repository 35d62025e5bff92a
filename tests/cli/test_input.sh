#!/bin/sh
# test_input.sh - input as a person types it: a bare number with spaces, a URI in angle
# brackets or with a display name (RFC 3261 §25.1 name-addr), the server spellings of
# other tools (ADDR:PORT, [V6]) and dig's +option habit get what was meant, or a message
# that says what form is wanted.
. "$(dirname "$0")/lib.sh"
DEMO="tls 134.102.218.67 5061"

# ---- a bare number: the spaces people write between digits ---------------------------
run --zones "$ZONES" --short '+49 421 201 7028'
is "$rc" 0 "bare number with spaces: exit 0"
is "$(printf '%s\n' "$out" | head -n 1)" "$DEMO" "bare number with spaces: the demo's first target"
run --zones "$ZONES" --json '+49 421 201-7028'
is "$(printf '%s\n' "$out" | jq -r .input)" "+49 421 201-7028" \
	"bare number with spaces: the JSON input is what was typed"
is "$(printf '%s\n' "$out" | jq -r .enum.aus)" "+494212017028" \
	"bare number with spaces: the AUS has the digits only (RFC 3966 §5.1.1)"
run --zones "$ZONES" --short 'tel:+49 421 201 7028'
is "$rc" 2 "a tel: URI keeps RFC 3966's rule: no spaces (exit 2)"
contains "$err" "must not use spaces" "a tel: URI with spaces: says so"

# ---- RFC 3261 §25.1 name-addr: the URI in angle brackets ----------------------------
run --zones "$ZONES" --short '<sip:jo@tzi.org>'
is "$rc $(printf '%s\n' "$out" | head -n 1)" "0 $DEMO" "<sip:...>: the URI inside is resolved"
run --zones "$ZONES" --short '"Jo" <sip:jo@tzi.org>'
is "$rc $(printf '%s\n' "$out" | head -n 1)" "0 $DEMO" "a display name before <URI> is dropped"
run --zones "$ZONES" --short ' <tel:+49-421-201-7028> '
is "$rc $(printf '%s\n' "$out" | head -n 1)" "0 $DEMO" "<tel:...> with blanks around"
run --zones "$ZONES" --short '<sip:jo@tzi.org'
is "$rc" 2 "'<' without '>': exit 2"
contains "$err" "has '<' without '>'" "'<' without '>': says so"
run --zones "$ZONES" --short '<sip:jo@tzi.org>;tag=1'
is "$rc" 2 "header parameters after '>': exit 2"
contains "$err" "text after '>'" "header parameters after '>': says what is wrong"
run --zones "$ZONES" --short '<>'
contains "$err" "holds no URI" "'<>': says it holds no URI"
printf '%s\n' '<sip:jo@tzi.org>' '+49 421 201 7028' | "$SIPRESOLVE" --zones "$ZONES" --short \
	--batch - >"$tmp/b.out" 2>"$tmp/b.err"
is "$?" 0 "batch: <URI> and a number with spaces both resolve"

# ---- server spellings of other tools ----------------------------------------------------
run @127.0.0.59:53 sip:jo@tzi.org
is "$rc" 2 "@ADDR:PORT: exit 2"
contains "$err" "the port goes after '#': 127.0.0.59#53" "@ADDR:PORT: says to write ADDR#PORT"
run @'[::1]' sip:jo@tzi.org
is "$rc" 2 "@[::1]: exit 2"
contains "$err" "without brackets" "@[::1]: says to write IPv6 without brackets"
run @'[::1]:53' sip:jo@tzi.org
contains "$err" "::1#53" "@[::1]:53: shows the ADDR#PORT form"

# RFC 4007 §11: a link-local server needs its zone index (without one, no question to it
# can be sent, and the user would see only a timeout).
run @fe80::1 sip:jo@tzi.org
is "$rc" 2 "@fe80::1 without a zone index: exit 2, before any question"
contains "$err" "is link-local: name its interface with a zone index" \
	"@fe80::1: says a zone index is needed"
run @'fe80::1%nosuchif' sip:jo@tzi.org
contains "$err" "this host has no network interface \"nosuchif\"" "@fe80::1%nosuchif: names the interface"
run @'127.0.0.1%lo' sip:jo@tzi.org
contains "$err" "is for IPv6 addresses only" "@127.0.0.1%lo: a zone index is for IPv6 only"

# ---- dig's habit -----------------------------------------------------------------------
run --zones "$ZONES" +short sip:jo@tzi.org
is "$rc" 2 "+short: a usage error (exit 2)"
contains "$err" "did you mean --short?" "+short: did you mean --short?"
is "$out" "" "+short: nothing resolved"
run --zones "$ZONES" +trace sip:jo@tzi.org
contains "$err" "is dig's syntax" "+trace: named as dig's syntax"
contains "$err" "options start with --" "+trace: says how options are written"
run --zones "$ZONES" --short +4942120170
is "$rc" 1 "a number (+ and digits) is still an input, not an option"

# ---- batch errors carry their line ------------------------------------------------------
printf '%s\n' sip:jo@tzi.org '' '# a comment' 'sip:bad@@x' >"$tmp/lines"
"$SIPRESOLVE" --zones "$ZONES" --short --batch "$tmp/lines" >"$tmp/l.out" 2>"$tmp/l.err"
contains "$(cat "$tmp/l.err")" "sipresolve: $tmp/lines:4: sip:bad@@x: bad-input:" \
	"--short batch: the error line begins FILE:LINE (blank and comment lines counted)"
printf '%s\n' 'sip:bad@@x' | "$SIPRESOLVE" --zones "$ZONES" --short --batch - 2>"$tmp/l.err" \
	>/dev/null
contains "$(cat "$tmp/l.err")" "sipresolve: -:1: sip:bad@@x" "--batch -: the error line begins -:LINE"
"$SIPRESOLVE" --zones "$ZONES" --batch "$tmp/lines" >"$tmp/l.out" 2>/dev/null
contains "$(cat "$tmp/l.out")" "Input: sip:bad@@x (line 4 of $tmp/lines)" \
	"text batch: the Input line says which line"
run --zones "$ZONES" --short sip:bad@@x
case "$err" in *":1: "*) r=1 ;; *) r=0 ;; esac
ok $r "an argument's error line has no line number"

done_testing
