#!/bin/sh
# Quick start: install what is missing (Debian packages), build, and resolve
# the demo tel:+49-421-201-7028 on the bundled zones.
set -e
cd "$(dirname "$0")"
.ci/install-deps
[ -x configure ] || autoreconf -fi
[ -f Makefile ] || ./configure --quiet
make -j"$(nproc)" --quiet
echo
echo "$ tools/sipresolve --zones zones tel:+49-421-201-7028"
tools/sipresolve --zones zones tel:+49-421-201-7028
