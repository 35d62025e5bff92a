#!/bin/sh
# gen-zones.sh DIR - write the benchmark zones and URI lists into DIR:
#   bench.example.zone  SIP domains of three shapes (doc/PERFORMANCE.md):
#     nN  NAPTR (SIPS+D2T, SIP+D2T, SIP+D2U) -> SRV (two targets) -> A and AAAA
#     sN  SRV only (_sip._udp, _sip._tcp, two targets)         -> A and AAAA
#     aN  A and AAAA only
#   e164.arpa.zone      ENUM entries +1555NNNNNNN -> sip:uN@nM.bench.example
#   a.uris  20,000 sip: URIs over 200 NAPTR domains, shuffled   (workload A)
#   b.uris  5,000 sip: URIs, one per domain, all shapes         (workload B)
#   c.uris  20,000 tel: numbers through ENUM to the 200 domains (workload C)
#   names.dnsperf  the questions those workloads ask, for dnsperf
set -e
dir=$1
[ -n "$dir" ] || { echo "usage: gen-zones.sh DIR" >&2; exit 2; }
mkdir -p "$dir"
awk -v dir="$dir" 'BEGIN {
	srand(20261126);
	z = dir "/bench.example.zone";
	print "$ORIGIN bench.example.\n$TTL 3600" > z;
	print "@ SOA ns.bench.example. hostmaster.bench.example. 1 3600 600 604800 3600" > z;
	print "@ NS ns.bench.example.\nns A 192.0.2.53" > z;
	ip = 0;
	for (i = 0; i < 3400; i++) {        # NAPTR domains: 200 for A and C, the rest for B
		d = sprintf("n%d", i);
		printf "%s NAPTR 50 10 \"s\" \"SIPS+D2T\" \"\" _sips._tcp.%s.bench.example.\n", d, d > z;
		printf "%s NAPTR 90 10 \"s\" \"SIP+D2T\" \"\" _sip._tcp.%s.bench.example.\n", d, d > z;
		printf "%s NAPTR 100 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.%s.bench.example.\n", d, d > z;
		split("_sips._tcp 5061 _sip._tcp 5060 _sip._udp 5060", sv, " ");
		for (k = 1; k <= 5; k += 2) {
			printf "%s.%s SRV 10 60 %s s1.%s.bench.example.\n", sv[k], d, sv[k+1], d > z;
			printf "%s.%s SRV 10 40 %s s2.%s.bench.example.\n", sv[k], d, sv[k+1], d > z;
		}
		for (t = 1; t <= 2; t++) {
			ip++;
			printf "s%d.%s A 10.%d.%d.%d\n", t, d, int(ip / 65536) % 256, int(ip / 256) % 256, ip % 256 > z;
			printf "s%d.%s AAAA 2001:db8:%x::%x\n", t, d, int(ip / 65536), ip % 65536 > z;
		}
	}
	for (i = 0; i < 800; i++) {         # SRV-only domains
		d = sprintf("s%d", i);
		printf "%s A 192.0.2.1\n", d > z;
		for (k = 0; k < 2; k++) {
			lbl = k ? "_sip._tcp" : "_sip._udp";
			printf "%s.%s SRV 10 60 5060 h1.%s.bench.example.\n", lbl, d, d > z;
			printf "%s.%s SRV 10 40 5060 h2.%s.bench.example.\n", lbl, d, d > z;
		}
		for (t = 1; t <= 2; t++) {
			ip++;
			printf "h%d.%s A 10.%d.%d.%d\n", t, d, int(ip / 65536) % 256, int(ip / 256) % 256, ip % 256 > z;
			printf "h%d.%s AAAA 2001:db8:%x::%x\n", t, d, int(ip / 65536), ip % 65536 > z;
		}
	}
	for (i = 0; i < 1000; i++) {        # A/AAAA-only domains
		ip++;
		printf "a%d A 10.%d.%d.%d\n", i, int(ip / 65536) % 256, int(ip / 256) % 256, ip % 256 > z;
		printf "a%d AAAA 2001:db8:%x::%x\n", i, int(ip / 65536), ip % 65536 > z;
	}
	close(z);

	e = dir "/e164.arpa.zone";
	print "$ORIGIN e164.arpa.\n$TTL 3600" > e;
	print "@ SOA ns.e164.arpa. hostmaster.e164.arpa. 1 3600 600 604800 3600" > e;
	print "@ NS ns.e164.arpa.\nns A 192.0.2.53" > e;
	for (i = 0; i < 20000; i++) {
		num = sprintf("1555%07d", i);
		key = "";
		for (c = length(num); c >= 1; c--)
			key = key substr(num, c, 1) ".";
		printf "%se164.arpa. NAPTR 10 100 \"u\" \"E2U+sip\" \"!^.*$!sip:u%d@n%d.bench.example!\" .\n", key, i, i % 200 > e;
		printf "%se164.arpa. NAPTR 10 101 \"u\" \"E2U+pres\" \"!^.*$!pres:u%d@n%d.bench.example!\" .\n", key, i, i % 200 > e;
		tel[i] = "tel:+" num;
	}
	close(e);

	# Workload A: 20,000 URIs over 200 NAPTR domains, shuffled.
	for (i = 0; i < 20000; i++)
		a[i] = sprintf("sip:user%d@n%d.bench.example", i, i % 200);
	for (i = 19999; i > 0; i--) { j = int(rand() * (i + 1)); t = a[i]; a[i] = a[j]; a[j] = t; }
	for (i = 0; i < 20000; i++) print a[i] > (dir "/a.uris");
	# Workload B: 5,000 distinct domains: 3,200 NAPTR (not those of A),
	# 800 SRV-only, 1,000 A-only.
	n = 0;
	for (i = 200; i < 3400; i++) b[n++] = sprintf("sip:u@n%d.bench.example", i);
	for (i = 0; i < 800; i++) b[n++] = sprintf("sip:u@s%d.bench.example", i);
	for (i = 0; i < 1000 && n < 5000; i++) b[n++] = sprintf("sip:u@a%d.bench.example", i);
	for (i = n - 1; i > 0; i--) { j = int(rand() * (i + 1)); t = b[i]; b[i] = b[j]; b[j] = t; }
	for (i = 0; i < n; i++) print b[i] > (dir "/b.uris");
	# Workload C: 20,000 tel: numbers, shuffled.
	for (i = 19999; i > 0; i--) { j = int(rand() * (i + 1)); t = tel[i]; tel[i] = tel[j]; tel[j] = t; }
	for (i = 0; i < 20000; i++) print tel[i] > (dir "/c.uris");
	# The questions, for dnsperf: NAPTR, SRV, A, AAAA of the 200 domains.
	q = dir "/names.dnsperf";
	for (i = 0; i < 200; i++) {
		printf "n%d.bench.example NAPTR\n_sips._tcp.n%d.bench.example SRV\n", i, i > q;
		printf "s1.n%d.bench.example A\ns1.n%d.bench.example AAAA\n", i, i > q;
	}
}'
