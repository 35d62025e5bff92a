#!/bin/sh
# gen-batch.sh N DIR - a batch whose bad domains misbehave, for tests/fault/test_batch.sh
# and bench/run: DIR/input holds N lines, sip:u@gI.batch.test for good domains and, one
# line in ten, a domain under drop.batch.test (never answered), slow.batch.test (every
# answer 3 s late) or sf.batch.test (SERVFAIL); DIR/batch.test.zone the good domains'
# NAPTR, SRV and A records (RFC 3263 §4.1, §4.2), DIR/batch.rules faultdns's rules.
set -eu
n=$1
dir=$2
mkdir -p "$dir"
awk -v n="$n" -v dir="$dir" 'BEGIN {
	zone = dir "/batch.test.zone"; rules = dir "/batch.rules"; input = dir "/input"
	print "$ORIGIN batch.test.\n$TTL 300" > zone
	print "@ SOA ns hostmaster 1 3600 600 86400 300\n@ NS ns\nns A 127.0.0.1" > zone
	print "*.drop.batch.test. ANY drop" > rules
	print "*.slow.batch.test. ANY delay 3000" > rules
	print "*.sf.batch.test. ANY rcode SERVFAIL" > rules
	for (i = 0; i < n; i++) {
		k = i % 30
		if (k == 7) { print "sip:u@d" i ".drop.batch.test" > input; continue }
		if (k == 17) { print "sip:u@d" i ".slow.batch.test" > input; continue }
		if (k == 27) { print "sip:u@d" i ".sf.batch.test" > input; continue }
		printf "g%d NAPTR 10 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.g%d\n", i, i > zone
		printf "_sip._udp.g%d SRV 0 0 5060 h.g%d\n", i, i > zone
		printf "h.g%d A 192.0.2.%d\n", i, i % 250 + 1 > zone
		print "sip:u@g" i ".batch.test" > input
	}
}'
