#!/bin/sh
# test_completion.sh - the bash completion of sipresolve (doc/bash-completion):
# options, directories and files, transport lists; skipped without bash.
. "$(dirname "$0")/lib.sh"
command -v bash >/dev/null 2>&1 || { echo "1..0 # SKIP bash is not installed"; exit 0; }
COMPLETION="$top_srcdir/doc/bash-completion/sipresolve"

# complete WORD...: the completions of the last word, sorted, one line.
complete() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_sipresolve
		printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort | tr "\n" " "
	' bash "$COMPLETION" sipresolve "$@"
}

bash -n "$COMPLETION"; ok $? "the completion file is valid bash"
is "$(complete --tr)" "--transports --trust-anchor " "options: --tr"
is "$(complete --transports udp,t)" "udp,tcp udp,tls udp,tls-sctp " \
	"--transports: the next element of the list"
is "$(complete --transports udp,tcp,)" "udp,tcp,sctp udp,tcp,tls udp,tcp,tls-sctp udp,tcp,ws udp,tcp,wss " \
	"--transports: no transport twice"
is "$(complete --dnssec r)" "require " "--dnssec: the policies"
is "$(complete --color = a)" "always auto " "--color=: its values"
mkdir "$tmp/zdir" "$tmp/zdir2"
: >"$tmp/zfile"
is "$(complete --zones "$tmp/z")" "$tmp/zdir $tmp/zdir2 " "--zones: directories only"
is "$(complete --zones = "$tmp/z")" "$tmp/zdir $tmp/zdir2 " "--zones=: directories only"
is "$(complete --batch "$tmp/zf")" "$tmp/zfile " "--batch: files"
is "$(complete --trust-anchor "$tmp/zf")" "$tmp/zfile " "--trust-anchor: files"
is "$(complete --zones zones si)" "sip: sips: " "an argument: a URI scheme"

# Every long option of --help is completed.
all=$(complete --)
run --help
for opt in $(printf '%s\n' "$out" | grep -o -- '--[a-z0-9-]*' | sort -u); do
	case " $all" in *" $opt "*) ok 0 "completes $opt" ;; *) ok 1 "completes $opt" ;; esac
done

done_testing
