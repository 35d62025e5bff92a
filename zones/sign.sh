#!/bin/sh
# zones/sign.sh - sign the demo zones (DNSSEC, RFC 4033-4035) with fresh keys.
#
# Reads the unsigned sources zones/src/*.zone (edit those), writes the signed
# zones/*.zone that `sipresolve --zones zones` serves, and zones/trust-anchors
# with the DS record of each zone's key-signing key, which rsip_ctx_set_zones()
# loads from the zones directory.  The private keys are made in a temporary
# directory and thrown away: re-run this script after any change.
#
# The signatures are valid from 2020 to 2086.  RRSIG times are 32-bit serial
# numbers (RFC 4034 §3.1.5): a validity window must stay under 68 years, or
# the expiration wraps before the inception.  Needs ldns-keygen and
# ldns-signzone (Debian package ldnsutils).
set -e
cd "$(dirname "$0")"
INCEPTION=20200101000000
EXPIRATION=20860101000000
# Ed25519 (RFC 8080, algorithm 15): validation costs a fraction of ECDSA
# P-256 (bench/run measures the interactive run); RFC 8624 recommends it.
ALGORITHM=ED25519
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

{
	echo "; Trust anchors of the demo zones: the DS of each zone's key-signing key."
	echo "; Written by zones/sign.sh; loaded by --zones from this directory."
} >"$tmp/trust-anchors"
for src in src/*.zone; do
	file=$(basename "$src")
	zone=${file%.zone}.
	ksk=$(cd "$tmp" && ldns-keygen -a "$ALGORITHM" -k "$zone")
	zsk=$(cd "$tmp" && ldns-keygen -a "$ALGORITHM" "$zone")
	ldns-signzone -i "$INCEPTION" -e "$EXPIRATION" -o "$zone" -f "$tmp/$file" \
		"$src" "$tmp/$ksk" "$tmp/$zsk"
	{
		echo "; $zone signed by zones/sign.sh from zones/src/$file: edit that file"
		echo "; and re-run zones/sign.sh (it writes new keys and trust-anchors)."
		sed "s/[[:space:]]*$//" "$tmp/$file"
	} >"$file"
	cat "$tmp/$ksk.ds" >>"$tmp/trust-anchors"
	echo "signed $zone -> zones/$file"
done
mv "$tmp/trust-anchors" trust-anchors
