#!/bin/sh
# test_install_dirs.sh - ./configure --prefix=P && make install writes only
# under P, also where bash-completion's pkg-config file names /usr/share for
# completions (a Debian desktop): a non-root install under $HOME must work.
# --with-bash-completion-dir=DIR still chooses.  configure runs in a copy of
# the files it needs (the source tree may be configured already), and
# "make -n install-data" lists where each file would go; nothing is built or
# installed.
. "$(dirname "$0")/lib.sh"
S=$top_srcdir
[ -x "$S/configure" ] && [ -f "$S/Makefile.in" ] ||
	{ ok 0 "# SKIP no configure script (run autoreconf)"; done_testing; }

src=$tmp/src
mkdir -p "$src/libresolvsip" "$src/doc/man3" "$src/doc/bash-completion" "$tmp/pc"
# -p keeps the times, so that make sees nothing to regenerate.
(cd "$S" && cp -p configure configure.ac aclocal.m4 Makefile.am Makefile.in config.h.in \
	libresolvsip.pc.in "$src/" && cp -pR build-aux "$src/" && { [ ! -d m4 ] || cp -pR m4 "$src/"; } &&
	cp -p libresolvsip/resolvsip.h libresolvsip/libresolvsip.sym "$src/libresolvsip/" &&
	cp -p doc/sipresolve.1 "$src/doc/" && cp -p doc/man3/*.3 "$src/doc/man3/" &&
	cp -p doc/bash-completion/sipresolve "$src/doc/bash-completion/")
ok $? "a copy of what configure and make install-data need"

# bash-completion as Debian installs it (whether or not this host has it).
cat >"$tmp/pc/bash-completion.pc" <<'EOF'
prefix=/usr
datadir=${prefix}/share
completionsdir=${datadir}/bash-completion/completions
Name: bash-completion
Description: programmable completion for the bash shell
Version: 2.11
EOF
PKG_CONFIG_PATH="$tmp/pc${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH

# destinations PREFIX [CONFIGURE-ARGS]: configure the copy, then print every
# directory "make -n install-data" would write to, one per line.
destinations() {
	prefix=$1
	shift
	(cd "$src" && ./configure --quiet --cache-file="$tmp/config.cache" --prefix="$prefix" "$@" >"$tmp/configure.out" 2>&1) ||
		{ sed 's/^/#   /' "$tmp/configure.out" | tail -20; return 1; }
	(cd "$src" && make -n install-data 2>&1) >"$tmp/install.out" ||
		{ sed 's/^/#   /' "$tmp/install.out" | tail -20; return 1; }
	# The install and mkdir lines end with the destination, quoted.
	grep -E "(install|mkdir)" "$tmp/install.out" | grep -oE "'/[^']*'" | tr -d "'" | sort -u
}

P=$tmp/home/rsip
dirs=$(destinations "$P")
ok $? "configure --prefix=$P; make -n install-data"
outside=$(printf '%s\n' "$dirs" | grep -v "^$P/")
is "$outside" "" "make install writes nothing outside the prefix"
contains "$dirs" "$P/share/bash-completion/completions" \
	"the bash completion goes to DATADIR/bash-completion/completions"
contains "$dirs" "$P/share/man/man1" "the man pages too (a sanity check of the listing)"

dirs=$(destinations "$P" --with-bash-completion-dir="$tmp/bc")
ok $? "configure --with-bash-completion-dir"
contains "$dirs" "$tmp/bc" "--with-bash-completion-dir=DIR chooses the directory"
done_testing
