#!/bin/sh
# mkzones.sh OUT - DNSSEC test zones (RFC 4033-4035) signed now with fresh keys,
# for tests/dnssec: OUT/zones/*.zone with OUT/zones/trust-anchors, and
# OUT/noanchor.ds, the anchor that is not in the zones directory.
#
#   good.test.        signed, anchored: secure at every step
#   tampered.test.    signed, anchored, then changed: its NAPTR record and the
#                     A record of h1.addr.tampered.test. (bogus)
#   stripped.test.    signed, anchored, then the RRSIG of h1's A removed
#   expired.test.     signed, anchored, signatures expired in 2021
#   noanchor.test.    signed, no anchor in the zones directory (insecure)
#   unsigned.test.    unsigned, no anchor (insecure beside the anchors)
#   anchored.test.    unsigned, but an anchor names it (bogus)
#   e164.arpa.        signed, anchored: ENUM entries leading to the above,
#                     one of them changed after signing
#   enum.test.        signed, anchored: a second ENUM suffix
# Needs ldns-keygen and ldns-signzone (Debian package ldnsutils).
set -e
out=$1
[ -n "$out" ] || { echo "usage: $0 OUT" >&2; exit 2; }
for tool in ldns-keygen ldns-signzone; do
	command -v "$tool" >/dev/null ||
		{ echo "$tool not found (Debian package ldnsutils)" >&2; exit 1; }
done
mkdir -p "$out/keys" "$out/src" "$out/zones"
keys=$out/keys
zones=$out/zones
tab=$(printf '\t')

# src ZONE: the unsigned zone from standard input, with its SOA and NS.
src() {
	{
		printf '$ORIGIN %s\n$TTL 300\n' "$1"
		printf '@ SOA ns.%s h.%s 1 3600 600 604800 300\n@ NS ns.%s\nns A 192.0.2.53\n' \
			"$1" "$1" "$1"
		cat
	} >"$out/src/$1zone"
}

# sign ZONE [INCEPTION EXPIRATION]: sign src into zones, KSK's DS into $keys.
sign() {
	ksk=$(cd "$keys" && ldns-keygen -a ECDSAP256SHA256 -k "$1")
	zsk=$(cd "$keys" && ldns-keygen -a ECDSAP256SHA256 "$1")
	ldns-signzone -i "${2:-20200101000000}" -e "${3:-20860101000000}" -o "$1" \
		-f "$zones/$1zone" "$out/src/$1zone" "$keys/$ksk" "$keys/$zsk"
	cp "$keys/$ksk.ds" "$keys/$1ds"
}

src good.test. <<'Z'
@ NAPTR 10 10 "s" "SIPS+D2T" "" _sips._tcp.good.test.
@ NAPTR 20 10 "s" "SIP+D2U" "" _sip._udp.good.test.
_sips._tcp SRV 0 1 5061 h1.good.test.
_sip._udp SRV 0 1 5060 h1.good.test.
h1 A 192.0.2.1
h1 AAAA 2001:db8::1
Z
sign good.test.

# RFC 3263 §4.1: NAPTR for TLS, and an SRV set for UDP that a resolver falling
# back from a broken NAPTR answer would use (a downgrade).
src tampered.test. <<'Z'
@ NAPTR 10 10 "s" "SIPS+D2T" "" _sips._tcp.tampered.test.
_sips._tcp SRV 0 1 5061 h1.tampered.test.
_sip._udp SRV 0 1 5060 h1.tampered.test.
h1 A 192.0.2.1
_sip._udp.addr SRV 0 1 5060 h1.addr.tampered.test.
_sip._udp.addr SRV 1 1 5060 h2.addr.tampered.test.
h1.addr A 192.0.2.1
h2.addr A 192.0.2.2
Z
sign tampered.test.
sed -e "s/^\(tampered\.test\.${tab}.*NAPTR${tab}\)10 10 /\15 10 /" \
    -e "s/^\(h1\.addr\.tampered\.test\.${tab}.*${tab}A${tab}\)192\.0\.2\.1$/\1192.0.2.66/" \
	"$zones/tampered.test.zone" >"$zones/t" && mv "$zones/t" "$zones/tampered.test.zone"
grep -q "NAPTR${tab}5 10 " "$zones/tampered.test.zone"
grep -q "${tab}192\.0\.2\.66$" "$zones/tampered.test.zone"

src stripped.test. <<'Z'
_sip._udp SRV 0 1 5060 h1.stripped.test.
_sip._udp SRV 1 1 5060 h2.stripped.test.
h1 A 192.0.2.1
h2 A 192.0.2.2
Z
sign stripped.test.
grep -v "^h1\.stripped\.test\.${tab}.*RRSIG${tab}A " "$zones/stripped.test.zone" >"$zones/t"
mv "$zones/t" "$zones/stripped.test.zone"
if grep -q "^h1\.stripped\.test\.${tab}.*RRSIG${tab}A " "$zones/stripped.test.zone"; then
	exit 1
fi

src expired.test. <<'Z'
_sip._udp SRV 0 1 5060 h1.expired.test.
h1 A 192.0.2.1
Z
sign expired.test. 20200101000000 20210101000000

src noanchor.test. <<'Z'
_sip._udp SRV 0 1 5060 h1.noanchor.test.
h1 A 192.0.2.1
Z
sign noanchor.test.

src unsigned.test. <<'Z'
_sip._udp SRV 0 1 5060 h1.unsigned.test.
h1 A 192.0.2.1
Z
cp "$out/src/unsigned.test.zone" "$zones/"

# A key made for anchored.test., whose zone is then served unsigned.
src anchored.test. <<'Z'
_sip._udp SRV 0 1 5060 h1.anchored.test.
h1 A 192.0.2.1
Z
ksk=$(cd "$keys" && ldns-keygen -a ECDSAP256SHA256 -k anchored.test.)
cp "$keys/$ksk.ds" "$keys/anchored.test.ds"
cp "$out/src/anchored.test.zone" "$zones/"

# ENUM (RFC 6116): +1-555-020-000N.
src e164.arpa. <<'Z'
1.0.0.0.0.2.0.5.5.5.1 NAPTR 10 10 "u" "E2U+sip" "!^.*$!sip:a@good.test!" .
2.0.0.0.0.2.0.5.5.5.1 NAPTR 10 10 "u" "E2U+sip" "!^.*$!sip:a@noanchor.test!" .
3.0.0.0.0.2.0.5.5.5.1 NAPTR 10 10 "u" "E2U+sip" "!^.*$!sip:a@good.test!" .
4.0.0.0.0.2.0.5.5.5.1 NAPTR 10 10 "u" "E2U+sip" "!^.*$!sip:a@192.0.2.9!" .
Z
sign e164.arpa.
sed "s/^\(3\.0\.0\.0\.0\.2\.0\.5\.5\.5\.1\.e164\.arpa\.${tab}.*\)sip:a@good\.test/\1sip:a@unsigned.test/" \
	"$zones/e164.arpa.zone" >"$zones/t" && mv "$zones/t" "$zones/e164.arpa.zone"
grep -q "sip:a@unsigned.test" "$zones/e164.arpa.zone"

src enum.test. <<'Z'
3.0.0.0.0.2.0.5.5.5.1 NAPTR 10 10 "u" "E2U+sip" "!^.*$!sip:a@good.test!" .
Z
sign enum.test.

{
	echo "; anchors of the DNSSEC test zones (noanchor.test. is left out)"
	for z in good tampered stripped expired anchored enum; do
		cat "$keys/$z.test.ds"
	done
	cat "$keys/e164.arpa.ds"
} >"$zones/trust-anchors"
cp "$keys/noanchor.test.ds" "$out/noanchor.ds"
