#!/usr/bin/env python3
# make-seeds.py - write the hand-made seed inputs of the fuzz targets into
# tests/fuzz/corpus/NAME/seed-*.  The fuzzer's own finds are added
# with tests/fuzz/run.sh; this script only needs to run again when the seeds change.
import os
import struct
import sys

top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
corpus = os.path.join(top, "tests", "fuzz", "corpus")


def write(target, name, data):
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


# ---- tel: (RFC 3966, RFC 4694, RFC 4759) --------------------------------
tel = [
    "tel:+1-201-555-0123", "tel:7042;phone-context=example.com",
    "tel:863-1234;phone-context=+1-914-555", "+49-421-201-7028",
    "tel:+1-(201)-555.0123", "tel:+12015550123;ext=1234",
    "tel:+1-800-123-4567;cic=+1-6789", "tel:+1-202-533-1234;npdi;rn=+1-202-544-0000",
    "tel:+1-202-533-6789;npdi", "tel:+441632960038;enumdi", "tel:911;phone-context=+1",
    "tel:+1;isub=%41b;ext=1", "tel:*21#;phone-context=example.com.",
    "tel:+12345678901234567890", "tel:+1;m-x=y", "tel:+1;%2B=%2b", "tel:+",
    "TEL:+1;Foo=Bar;ABC", "tel:+1-201-555-0123\0tel:+12015550123",
    "tel:7042;phone-context=Example.COM\0tel:7042;phone-context=example.com.",
]
for i, s in enumerate(tel):
    write("teluri", "%02d" % i, s)

# ---- sip: (RFC 3261 §19.1, RFC 3263) --------------------------------------
sip = [
    "sip:jo@tzi.org", "sips:alice@example.com;transport=tcp", "sip:example.com:5060",
    "sip:+358-555-1234567;postd=pp22@foo.com;user=phone", "sip:a@[2001:db8::1]:5061",
    "sip:a@192.0.2.1;maddr=[::1]", "sip:a@example.com;maddr=1.2.3.4.example.com",
    "sips:a@example.com;transport=udp", "sip:a@example.com;TRANSPORT=TLS",
    "sip:a@example.com;transport=foo;lr", "sip:a:secret@example.com?subject=x&h=y",
    "sip:a@example.com;transport=udp;transport=tcp", "sip:%61lice@EXAMPLE.com.",
    "sip:a@256.1.1.1", "sip:a@" + "a" * 64 + ".example.com", "SIP:x@y.z;ttl=255;method=INVITE",
]
for i, s in enumerate(sip):
    write("sipuri", "%02d" % i, s)

# ---- substitution expressions (RFC 3402 §3.2, doc/DESIGN.md §2) ------
subst = [
    "!^.*$!sip:jo@tzi.org!", "!^(\\+441632960083)$!sip:\\1@example.com!",
    "!^urn:cid:.+@([^\\.]+\\.)(.*)$!\\2!i\0urn:cid:199606121851.1@bar.example.com",
    "/^\\+(.*)$/tel:+\\1/", "#^\\+(.*)$#tel:\\1#", "xaxbx", "!(a+)+$!x!\0" + "a" * 40 + "!",
    "!^(a|aa)+$!x!\0" + "a" * 30 + "b", "!^(a|ab)(c|bcd)(d*)$!\\1-\\2-\\3!\0abcd",
    "![[:digit:]]{3}!x!", "!a{2,3}!\\!!\0aaa", "!(?{})!x!", "!(*LIMIT_MATCH=9)a!x!",
    "!\\d!x!", "!^(.*)$!\\1\\1\\1\\1\\1\\1\\1\\1\\1!\0" + "b" * 250, "!\xc3\xa9!x!\0\xc3\xa9",
    "!\xff!x!", "!a!\\5!", "!!!!", "!a!b", "!^\\+1(.)(.)(.)$!sip:\\3\\2\\1@x.example!i\0+1234",
]
for i, s in enumerate(subst):
    write("subst", "%02d" % i, s)


# ---- raw DNS answer packets ----------------------------------------------
def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def cstr(s):
    s = s.encode("utf-8", "surrogateescape") if isinstance(s, str) else s
    return bytes([len(s)]) + s


def rr(owner, rtype, rdata, ttl=300):
    return name(owner) + struct.pack("!HHIH", rtype, 1, ttl, len(rdata)) + rdata


def packet(qname, qtype, answers, rcode=0, extra=b""):
    hdr = struct.pack("!HHHHHH", 0x1234, 0x8400 | rcode, 1, len(answers), 0, 0)
    return hdr + name(qname) + struct.pack("!HH", qtype, 1) + b"".join(answers) + extra


NAPTR, SRV, A, AAAA, CNAME = 35, 33, 1, 28, 5


def naptr(owner, order, pref, flags, svc, regexp, repl):
    return rr(owner, NAPTR, struct.pack("!HH", order, pref) + cstr(flags) + cstr(svc) +
              cstr(regexp) + name(repl))


def srv(owner, prio, weight, port, target):
    return rr(owner, SRV, struct.pack("!HHH", prio, weight, port) + name(target))


e = "8.2.0.7.1.0.2.1.2.4.9.4.e164.arpa."
packets = {
    "enum": packet(e, NAPTR, [
        naptr(e, 10, 100, "u", "E2U+sip", "!^.*$!sip:jo@tzi.org!", "."),
        naptr(e, 10, 101, "u", "E2U+pres", "!^.*$!pres:jo@tzi.org!", "."),
        naptr(e, 10, 102, "u", "E2U+email:mailto", "!^.*$!mailto:jo@tzi.org!", ".")]),
    "rfc3263": packet("tzi.org.", NAPTR, [
        naptr("tzi.org.", 50, 100, "s", "SIPS+D2T", "", "_sips._tcp.tzi.org."),
        naptr("tzi.org.", 90, 100, "s", "SIP+D2T", "", "_sip._tcp.tzi.org."),
        naptr("tzi.org.", 100, 100, "s", "SIP+D2U", "", "_sip._udp.tzi.org.")]),
    "srv": packet("_sip._tcp.tzi.org.", SRV, [
        srv("_sip._tcp.tzi.org.", 0, 1, 5060, "damn.tzi.org."),
        srv("_sip._tcp.tzi.org.", 0, 2, 5060, "rasen.tzi.org."),
        srv("_sip._tcp.tzi.org.", 0, 4, 50600, "rasen.tzi.org."),
        srv("_sip._tcp.tzi.org.", 1, 0, 5060, "."),
        srv("_sip._tcp.tzi.org.", 1, 0, 5060, "backup.tzi.org.")]),
    "srvdot": packet("_sip._udp.x.", SRV, [srv("_sip._udp.x.", 0, 0, 0, ".")]),
    "addr": packet("damn.tzi.org.", A, [
        rr("damn.tzi.org.", A, bytes([134, 102, 218, 65])),
        rr("damn.tzi.org.", AAAA, bytes.fromhex("20010db8021800000000000000000065"))]),
    "cname": packet("a.x.", A, [rr("a.x.", CNAME, name("b.x.")),
                                rr("b.x.", A, bytes([192, 0, 2, 1]))]),
    "nxdomain": packet("nope.x.", NAPTR, [], rcode=3),
    "servfail": packet("x.", SRV, [], rcode=2),
    "nul": packet(e, NAPTR, [
        naptr(e, 10, 10, "u", "E2U+sip", "!^.*$!sip:a\0b@x.example!", "."),
        naptr(e, 10, 11, "u", "E2U+sip", "!^.*$!sip:\xff\xfe@x.example!", "."),
        naptr(e, 10, 12, "", "", "", "next.example."),
        naptr(e, 65535, 0, "us", "e2u+SIP:", "!^(a+)+$!x!i", "x.")]),
    "compress": bytes.fromhex("12348400000100010000000003777777076578616d706c6503636f6d0000"
                              "010001c00c000100010000012c0004c0000201"),
    "pointer-loop": bytes.fromhex("123484000001000100000000c00c00010001c00c000100010000012c"
                                  "0004c0000201"),
    "overrun": packet(e, NAPTR, [rr(e, NAPTR, struct.pack("!HH", 1, 1) + b"\x05u")]),
}
for k, v in packets.items():
    write("packet", k, v)

# ---- whole resolutions over a zone (the test zones and hostile ones) -------
def zone(*names):
    return "".join(open(os.path.join(top, n), encoding="utf-8").read() for n in names)


demo = zone("zones/tzi.org.zone", "zones/e164.arpa.zone")
tests = zone("tests/zones/sip.test.zone", "tests/zones/e164.arpa.zone")
resolve = {
    "demo-tel": "tel:+49-421-201-7028\n" + demo,
    "demo-sip": "sip:jo@tzi.org\n" + demo,
    "demo-tcp": "sip:jo@tzi.org;transport=tcp\n;;transports tls,tcp\n" + demo,
    "demo-v6": "sips:jo@tzi.org\n;;families 6\n;;lifo\n" + demo,
    "naptr": "sip:a@naptr.sip.test\n" + tests,
    "srvonly": "sips:a@srvonly.sip.test\n" + tests,
    "multi": "sip:a@multi.sip.test\n" + tests,
    "dot": "sip:a@dot.sip.test\n" + tests,
    "enum-loop": "tel:+1-555-010-0002\n" + tests,
    "enum-nt": "tel:+1-555-010-0003\n;;limit 2 1\n" + tests,
    "enum-fallback": "tel:+1-555-010-0004\n" + tests,
    "enum-order": "tel:+1-555-010-0005\n" + tests,
    "numeric": "sip:a@192.0.2.7:5070;transport=tcp\n",
    "bad": "sip:bad@@x\n",
    "hostile": """sip:a@h.example
$ORIGIN h.example.
@ NAPTR 10 10 "s" "SIP+D2U" "" _sip._udp.h.example.
_sip._udp SRV 0 1 5060 c1.h.example.
_sip._udp SRV 0 1 5060 192.0.2.1.
_sip._udp SRV 0 1 5060 drop.h.example.
c1 CNAME c2
c2 CNAME c1
drop TXT "drop"
""",
    "hostile-enum": """tel:+1-555-0100
;;suffix e164.example
;;limit 4 1000
$ORIGIN 0.0.1.0.5.5.5.1.e164.example.
@ NAPTR 10 10 "u" "E2U+sip" "!^(.+)+x$!sip:\\\\1@x.example!" .
@ NAPTR 10 11 "u" "E2U+sip" "!^.*$!sip:no-such-uri!" .
@ NAPTR 10 12 "" "" "" a.example.
a.example. NAPTR 1 1 "" "" "" b.example.
b.example. NAPTR 1 1 "" "" "" a.example.
b.example. TXT "rcode=2"
""",
    "timeout": "sip:a@t.example\nt.example. TXT \"drop\"\n",
    "bogus": "sip:a@b.example\nb.example. TXT \"bogus\"\nb.example. A 192.0.2.9\n",
}
for k, v in resolve.items():
    write("resolve", k, v)
