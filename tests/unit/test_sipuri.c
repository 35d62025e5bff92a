/* test_sipuri.c - sip:/sips: URI parsing (RFC 3261 §19.1, §25.1). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

static char err[RSIP_ERRLEN];

/* Parse in into *u, which is cleared first (it starts zeroed). */
static rsip_status parse(const char *in, struct sip_uri *u)
{
	sip_uri_clear(u);
	return sip_uri_parse(in, u, err, sizeof(err));
}

static bool is_cleared(const struct sip_uri *u)
{
	return !u->sips && u->user == NULL && u->host == NULL && u->port == -1 &&
	       u->transport == NULL && u->maddr == NULL && u->user_param == NULL;
}

/* A refused input: bad-input, the struct left cleared, and a message that
 * names the offending part (needle). */
static void bad(const char *in, const char *needle, const char *why)
{
	struct sip_uri u;
	rsip_status rc = sip_uri_parse(in, &u, err, sizeof(err));

	ok(rc == RSIP_E_BAD_INPUT && is_cleared(&u), "%s: \"%s\" is refused", why, in);
	if (!ok(err[0] != '\0' && strstr(err, needle) != NULL,
		"%s: the message names %s", why, needle))
		tap_diag("  message: %s", err);
	sip_uri_clear(&u);
}

static void test_basic(void)
{
	struct sip_uri u = {0};

	is_int(parse("sip:alice@atlanta.com", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: sip:alice@atlanta.com parses");
	ok(!u.sips, "RFC 3261 §19.1.1: the sip scheme is not sips");
	is_str(u.user, "alice", "RFC 3261 §19.1.1: the user part");
	is_str(u.host, "atlanta.com", "RFC 3261 §19.1.1: the host part");
	is_int(u.host_type, SIP_HOST_NAME, "RFC 3261 §25.1: a host name");
	is_int(u.port, -1, "RFC 3261 §19.1.4: an omitted port stays absent (-1)");
	ok(u.transport == NULL && u.maddr == NULL && u.user_param == NULL,
	   "RFC 3261 §19.1.1: no parameters when none are given");
	is_str(err, "", "RFC 3261 §19.1.1: no message on success");

	is_int(parse("SIPS:Alice@AtLanTa.CoM.", &u), RSIP_OK,
	       "RFC 3261 §19.1.4: the scheme is case-insensitive");
	ok(u.sips, "RFC 3261 §19.1.4: sips is told apart from sip");
	is_str(u.user, "Alice", "RFC 3261 §19.1.4: userinfo keeps its case");
	is_str(u.host, "atlanta.com",
	       "RFC 3261 §19.1.4: host lower-cased, trailing dot removed");

	is_int(parse("sip:atlanta.com", &u), RSIP_OK, "RFC 3261 §19.1.1: userinfo is optional");
	ok(u.user == NULL, "RFC 3261 §19.1.1: no user without '@'");

	is_int(parse("sip:alice:secret@atlanta.com;transport=tcp", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: a password parses");
	is_str(u.user, "alice", "RFC 3261 §19.1.1: ':' ends the user, password dropped");
	is_str(u.transport, "tcp", "RFC 3261 §19.1.1: transport after a password");

	is_int(parse("sip:alice:@atlanta.com", &u), RSIP_OK,
	       "RFC 3261 §25.1: the password may be empty");
	is_str(u.user, "alice", "RFC 3261 §25.1: user before an empty password");

	/* RFC 3261 §19.1.6 */
	is_int(parse("sip:+358-555-1234567;postd=pp22@foo.com;user=phone", &u), RSIP_OK,
	       "RFC 3261 §19.1.6: a telephone-subscriber user part parses");
	is_str(u.user, "+358-555-1234567;postd=pp22",
	       "RFC 3261 §19.1.6: ';' before '@' belongs to the user");
	is_str(u.host, "foo.com", "RFC 3261 §19.1.6: the host follows the '@'");
	is_str(u.user_param, "phone", "RFC 3261 §19.1.1: user=phone");
	is_int(parse("sip:+1-212-555-1212:1234@gateway.com;user=Phone", &u), RSIP_OK,
	       "RFC 3261 §19.1.3: a telephone number with a password");
	is_str(u.user, "+1-212-555-1212", "RFC 3261 §19.1.3: the number as user");
	is_str(u.user_param, "phone", "RFC 3261 §19.1.4: user= value lower-cased");
	is_int(parse("sip:%61lice@atlanta.com", &u), RSIP_OK,
	       "RFC 3261 §19.1.2: an escaped user part");
	is_str(u.user, "%61lice", "RFC 3261 §19.1.4: the user is kept as written");
	is_int(parse("sip:a%23b&=+$,;?/-_.!~*'()@x.com", &u), RSIP_OK,
	       "RFC 3261 §25.1: every user-unreserved character");

	is_int(parse("sip:alice@atlanta.com?subject=project%20x&priority=urgent", &u), RSIP_OK,
	       "RFC 3261 §19.1.3: headers after '?' parse");
	is_str(u.host, "atlanta.com", "RFC 3261 §19.1.1: headers do not touch the host");
	is_int(parse("sip:atlanta.com;transport=tcp?x=;y", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: headers are ignored");
	is_str(u.transport, "tcp", "RFC 3261 §19.1.1: parameters before the headers");

	is_int(parse("sip:ALICE@AtLanTa.CoM;Transport=UDP", &u), RSIP_OK,
	       "RFC 3261 §19.1.4: mixed-case example parses");
	is_str(u.user, "ALICE", "RFC 3261 §19.1.4: user keeps its case");
	is_str(u.transport, "udp", "RFC 3261 §19.1.4: transport value lower-cased");
	sip_uri_clear(&u);
}

static void test_hosts(void)
{
	struct sip_uri u = {0};

	is_int(parse("sip:1.2.3.4", &u), RSIP_OK, "RFC 3261 §25.1: an IPv4 host");
	is_int(u.host_type, SIP_HOST_IPV4, "RFC 3261 §25.1: IPv4address");
	is_str(u.host, "1.2.3.4", "RFC 3261 §25.1: IPv4 text");
	is_int(parse("sip:255.255.255.255:5060", &u), RSIP_OK, "RFC 3261 §25.1: octets of 255");
	is_int(parse("sip:01.002.3.4", &u), RSIP_OK, "RFC 3261 §25.1: 1*3DIGIT leading zeros");
	is_str(u.host, "1.2.3.4", "RFC 3261 §25.1: leading zeros dropped, never octal");
	is_int(parse("sip:1.2.3.4.example.com", &u), RSIP_OK,
	       "RFC 3261 §25.1: 1.2.3.4.example.com parses");
	is_int(u.host_type, SIP_HOST_NAME, "RFC 3261 §25.1: 1.2.3.4.example.com is a hostname");
	is_str(u.host, "1.2.3.4.example.com", "RFC 3261 §25.1: the whole name kept");
	is_int(parse("sip:a-b.c-d.e1", &u), RSIP_OK, "RFC 3261 §25.1: inner '-' in labels");
	is_int(parse("sip:x", &u), RSIP_OK, "RFC 3261 §25.1: a one-letter toplabel");

	is_int(parse("sip:[::1]", &u), RSIP_OK, "RFC 3261 §25.1: an IPv6 reference");
	is_int(u.host_type, SIP_HOST_IPV6, "RFC 3261 §25.1: IPv6reference");
	is_str(u.host, "::1", "RFC 3261 §25.1: IPv6 stored without brackets");
	is_int(parse("sips:bob@[2001:DB8::1]:5061;transport=tcp", &u), RSIP_OK,
	       "RFC 3261 §25.1: IPv6 with a port and a parameter");
	is_str(u.host, "2001:db8::1", "RFC 3261 §19.1.4: IPv6 text lower-cased");
	is_int(u.port, 5061, "RFC 3261 §25.1: the port after ']'");
	is_int(parse("sip:[::ffff:192.0.2.1]", &u), RSIP_OK,
	       "RFC 3261 §25.1: an IPv4-mapped IPv6 reference");

	bad("sip:256.1.1.1", "256", "RFC 3261 §25.1: an IPv4 octet above 255");
	bad("sip:1.2.3.256:5060", "256", "RFC 3261 §25.1: the last octet above 255");
	bad("sip:1.2.3", "1.2.3", "RFC 3261 §25.1: three numbers are no address");
	bad("sip:1.2.3.4.5", "1.2.3.4.5", "RFC 3261 §25.1: five numbers are no address");
	bad("sip:1234.1.1.1", "IPv4", "RFC 3261 §25.1: 1*3DIGIT per octet");
	bad("sip:1.2.3.4.", "IPv4", "RFC 3261 §25.1: a numeric name with a trailing dot");
	bad("sip:1..2.3", "IPv4", "RFC 3261 §25.1: an empty octet");
	bad("sip:example.123", "123", "RFC 3261 §25.1: a toplabel starts with a letter");
	bad("sip:exa_mple.com", "'_'", "RFC 3261 §25.1: '_' is not in a hostname");
	bad("sip:-a.com", "'-'", "RFC 3261 §25.1: a label does not start with '-'");
	bad("sip:a-.com", "'-'", "RFC 3261 §25.1: a label does not end with '-'");
	bad("sip:a..com", "empty label", "RFC 3261 §25.1: no empty label");
	bad("sip:.com", "empty label", "RFC 3261 §25.1: no leading dot");
	bad("sip:exa mple.com", "space", "RFC 3261 §25.1: no space in a host");
	bad("sip:", "empty", "RFC 3261 §25.1: a host is required");
	bad("sip:alice@", "empty", "RFC 3261 §25.1: a host after '@' is required");
	bad("sip:alice@;transport=tcp", "host", "RFC 3261 §25.1: no host before parameters");
	bad("sip:a.com/path", "'/'", "RFC 3261 §25.1: no path in a SIP URI");
	bad("sip:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", "63",
	    "RFC 1035 §2.3.4: a 64-character label");
	bad("sip:[::1", "']'", "RFC 3261 §25.1: an IPv6 reference without ']'");
	bad("sip:[zz::1]", "IPv6", "RFC 3261 §25.1: an invalid IPv6 address");
	bad("sip:[1.2.3.4]", "IPv6", "RFC 3261 §25.1: IPv4 in brackets is not IPv6");
	bad("sip:[]", "IPv6", "RFC 3261 §25.1: empty brackets");
	bad("sip:[::1]x", "'x'", "RFC 3261 §25.1: text after the IPv6 reference");
	bad("sip:::1", "host", "RFC 3261 §25.1: IPv6 needs its brackets");
	sip_uri_clear(&u);
}

static void test_ports(void)
{
	struct sip_uri u = {0};

	is_int(parse("sip:example.com:5060", &u), RSIP_OK,
	       "RFC 3261 §19.1.4: sip:example.com:5060 parses");
	is_int(u.port, 5060, "RFC 3261 §19.1.4: an explicit :5060 is kept");
	is_str(u.host, "example.com", "RFC 3261 §25.1: host before the port");
	is_int(parse("sip:example.com:1", &u), RSIP_OK, "RFC 3261 §25.1: port 1");
	is_int(u.port, 1, "RFC 3261 §25.1: port 1 value");
	is_int(parse("sip:example.com:65535;lr", &u), RSIP_OK, "RFC 3261 §25.1: port 65535");
	is_int(u.port, 65535, "RFC 3261 §25.1: port 65535 value");
	is_int(parse("sip:1.2.3.4:05061", &u), RSIP_OK, "RFC 3261 §25.1: a port with a leading 0");
	is_int(u.port, 5061, "RFC 3261 §25.1: leading zero ignored");

	bad("sip:example.com:0", "port", "RFC 3261 §25.1: port 0");
	bad("sip:example.com:65536", "65536", "RFC 3261 §25.1: port 65536");
	bad("sip:example.com:99999", "99999", "RFC 3261 §25.1: port 99999");
	bad("sip:example.com:99999999999999999999999", "port",
	    "RFC 3261 §25.1: a port that would overflow");
	bad("sip:example.com:", "port", "RFC 3261 §25.1: ':' without a port");
	bad("sip:example.com:;transport=tcp", "port", "RFC 3261 §25.1: ':' then parameters");
	bad("sip:example.com:50a", "'a'", "RFC 3261 §25.1: a port is decimal");
	bad("sip:example.com:-1", "'-'", "RFC 3261 §25.1: no negative port");
	bad("sip:example.com:5060:5061", "':'", "RFC 3261 §25.1: two ports");
	sip_uri_clear(&u);
}

static void test_params(void)
{
	struct sip_uri u = {0};

	is_int(parse("sip:alice@atlanta.com;TRANSPORT=TLS", &u), RSIP_OK,
	       "RFC 3261 §19.1.4: TRANSPORT=TLS parses");
	is_str(u.transport, "tls", "RFC 3261 §19.1.4: parameter names and values case-folded");
	is_int(parse("sip:alice@atlanta.com;transport=foo", &u), RSIP_OK,
	       "RFC 3261 §25.1: transport=foo (other-transport token) parses");
	is_str(u.transport, "foo", "RFC 3261 §25.1: an unknown transport is left to the resolver");
	is_int(parse("sip:alice@atlanta.com;transport=udp", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: sip with transport=udp");
	is_str(u.transport, "udp", "RFC 3261 §19.1.1: transport=udp value");
	is_int(parse("sips:alice@atlanta.com;transport=tcp", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: sips with a reliable transport");
	is_int(parse("sips:alice@atlanta.com;transport=foo", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: sips with an unknown transport is left to the resolver");

	bad("sips:alice@atlanta.com;transport=udp", "transport=udp",
	    "RFC 3261 §19.1.1: sips with transport=udp");
	bad("SIPS:alice@atlanta.com;Transport=UDP", "sips",
	    "RFC 3261 §19.1.1: sips with transport=UDP in any case");

	is_int(parse("sip:alice@atlanta.com;maddr=[::1]", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: maddr=[::1] parses");
	is_str(u.maddr, "::1", "RFC 3261 §19.1.1: maddr IPv6 without brackets");
	is_int(u.maddr_type, SIP_HOST_IPV6, "RFC 3261 §19.1.1: maddr type IPv6");
	is_str(u.host, "atlanta.com", "RFC 3261 §19.1.1: the host is kept beside maddr");
	is_int(parse("sip:alice@atlanta.com;maddr=239.255.255.1;ttl=15", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: the maddr/ttl example parses");
	is_str(u.maddr, "239.255.255.1", "RFC 3261 §19.1.1: maddr IPv4 value");
	is_int(u.maddr_type, SIP_HOST_IPV4, "RFC 3261 §19.1.1: maddr type IPv4");
	is_int(parse("sip:alice@atlanta.com:5070;maddr=Proxy.Example.COM.;transport=tcp", &u),
	       RSIP_OK, "RFC 3261 §19.1.1: maddr as a host name");
	is_str(u.maddr, "proxy.example.com", "RFC 3261 §19.1.4: maddr name lower-cased");
	is_int(u.maddr_type, SIP_HOST_NAME, "RFC 3261 §19.1.1: maddr type name");
	ok(u.port == 5070 && strcmp(u.transport, "tcp") == 0,
	   "RFC 3261 §19.1.1: port and transport kept for maddr");

	bad("sip:a.com;maddr=256.0.0.1", "256", "RFC 3261 §19.1.1: maddr with a bad IPv4");
	bad("sip:a.com;maddr=::1", "brackets", "RFC 3261 §19.1.1: maddr IPv6 needs brackets");
	bad("sip:a.com;maddr=[::g]", "maddr", "RFC 3261 §19.1.1: maddr with a bad IPv6");
	bad("sip:a.com;maddr=ex_ample.com", "maddr", "RFC 3261 §19.1.1: maddr with a bad name");
	bad("sip:a.com;maddr", "maddr", "RFC 3261 §25.1: maddr needs a value");
	bad("sip:a.com;transport", "transport", "RFC 3261 §25.1: transport needs a value");
	bad("sip:a.com;transport=", "transport", "RFC 3261 §25.1: transport= needs a value");
	bad("sip:a.com;user=", "user", "RFC 3261 §25.1: user= needs a value");

	/* RFC 3261 §19.1.1: any given parameter-name MUST NOT appear more than once */
	bad("sip:a.com;transport=udp;transport=tcp", "transport",
	    "RFC 3261 §19.1.1: transport twice");
	bad("sip:a.com;transport=udp;TRANSPORT=udp", "TRANSPORT",
	    "RFC 3261 §19.1.1: transport twice, any case");
	bad("sip:a.com;maddr=1.2.3.4;maddr=1.2.3.5", "maddr", "RFC 3261 §19.1.1: maddr twice");
	bad("sip:a.com;user=phone;user=ip", "user", "RFC 3261 §19.1.1: user twice");
	bad("sip:a.com;lr;lr", "lr", "RFC 3261 §19.1.1: lr twice");
	bad("sip:a.com;foo=1;Foo=2", "Foo", "RFC 3261 §19.1.1: an unknown parameter twice");
	bad("sip:a.com;lr;transport=tcp;lr=1", "more than once",
	    "RFC 3261 §19.1.1: a repeat with and without value");
	is_int(parse("sip:a.com;transport=tcp;transports=udp;trans=x", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: names sharing a prefix are different");
	is_str(u.transport, "tcp", "RFC 3261 §19.1.1: transports= is not transport=");

	is_int(parse("sip:a.com;lr;ttl=15;method=INVITE;foo;x-y=%41[]/:&+$", &u), RSIP_OK,
	       "RFC 3261 §19.1.1: lr, ttl, method and unknown parameters parse");
	ok(u.transport == NULL && u.maddr == NULL && u.user_param == NULL,
	   "RFC 3261 §19.1.1: unknown parameters are ignored");

	bad("sip:a.com;", "empty parameter", "RFC 3261 §25.1: a trailing ';'");
	bad("sip:a.com;;lr", "empty parameter", "RFC 3261 §25.1: an empty parameter");
	bad("sip:a.com;=x", "empty parameter", "RFC 3261 §25.1: a value without a name");
	bad("sip:a.com;foo=a b", "space", "RFC 3261 §25.1: no space in a value");
	bad("sip:a.com;foo=a\"b", "'\"'", "RFC 3261 §25.1: no '\"' in a value");
	bad("sip:a.com;fo<o=1", "'<'", "RFC 3261 §25.1: no '<' in a parameter name");
	bad("sip:a.com;foo=%4", "escape", "RFC 3261 §25.1: a cut escape in a value");
	bad("sip:a.com;transport=t(c)p", "'('", "RFC 3261 §25.1: transport is a token");
	sip_uri_clear(&u);
}

static void test_userinfo(void)
{
	struct sip_uri u = {0};

	bad("sip:@atlanta.com", "empty user", "RFC 3261 §19.1.1: '@' with an empty user");
	bad("sip::pw@atlanta.com", "empty user", "RFC 3261 §19.1.1: a password without a user");
	bad("sip:al#ice@atlanta.com", "%23", "RFC 3261 §19.1.2: '#' must be escaped as %23");
	bad("sip:al ice@atlanta.com", "space", "RFC 3261 §25.1: no space in a user");
	bad("sip:al%2@atlanta.com", "escape", "RFC 3261 §25.1: a cut escape in a user");
	bad("sip:al%zzice@atlanta.com", "escape", "RFC 3261 §25.1: a non-hex escape in a user");
	bad("sip:alice:pa;ss@atlanta.com", "password", "RFC 3261 §25.1: no ';' in a password");
	bad("sip:alice:p:w@atlanta.com", "':'", "RFC 3261 §25.1: no second ':' in a password");
	bad("sip:alice@atlanta.com@biloxi.com", "'@'",
	    "RFC 3261 §25.1: a second '@' is no part of a host");
	is_int(parse("sip:alice@atlanta.com", &u), RSIP_OK, "RFC 3261 §19.1.1: a plain user");
	sip_uri_clear(&u);
}

static void test_schemes(void)
{
	struct sip_uri u = {0};

	bad("tel:+12015550123", "sip:", "RFC 3261 §19.1: tel: is not a SIP URI");
	bad("sipx:alice@atlanta.com", "sip:", "RFC 3261 §19.1: an unknown scheme");
	bad("sip", "sip:", "RFC 3261 §19.1: a scheme without ':'");
	bad("", "sip:", "RFC 3261 §19.1: an empty string");
	bad("alice@atlanta.com", "sip:", "RFC 3261 §19.1: no scheme");
	is_int(sip_uri_parse(NULL, &u, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL input is an invalid call");
	ok(is_cleared(&u), "API: the struct is cleared after an invalid call");
	is_int(sip_uri_parse("sip:a.com", NULL, err, sizeof(err)), RSIP_E_INVALID,
	       "API: a NULL output is an invalid call");
	is_int(sip_uri_parse("sip:a.com", &u, NULL, 0), RSIP_OK,
	       "API: a NULL err buffer is not needed");
	sip_uri_clear(&u);
	is_int(sip_uri_parse("sip:256.1.1.1", &u, NULL, 0), RSIP_E_BAD_INPUT,
	       "API: errors without an err buffer still return bad-input");
	is_int(parse("sips:alice@atlanta.com;user=phone;transport=tcp;maddr=[::1]", &u), RSIP_OK,
	       "API: a URI with every field parses");
	sip_uri_clear(&u);
	ok(is_cleared(&u), "API: sip_uri_clear resets every field");
	sip_uri_clear(&u);
	sip_uri_clear(NULL);
	ok(is_cleared(&u), "API: sip_uri_clear twice and on NULL is safe");
	ok(parse("sip:alice@atlanta.com;transport=tcp;maddr=[::1];user=phone;foo;foo", &u) ==
	   RSIP_E_BAD_INPUT && is_cleared(&u),
	   "API: a partly parsed URI is cleared on error");
	sip_uri_clear(&u);
}

int main(void)
{
	test_basic();
	test_hosts();
	test_ports();
	test_params();
	test_userinfo();
	test_schemes();
	return tap_done();
}
