/* test_util.c - the locale-independent helpers of util.c */
#include <stdlib.h>

#include "internal.h"
#include "tap.h"

int main(void)
{
	struct rsip_vec v = {0};
	char *s;

	is_int(rsip_strcasecmp("E2U+SIP", "e2u+sip"), 0, "strcasecmp folds ASCII case");
	ok(rsip_strcasecmp("sip", "sips") < 0, "strcasecmp orders a prefix first");
	is_int(rsip_strncasecmp("SIP+D2U", "sip+d2t", 5), 0, "strncasecmp stops at n");
	s = rsip_strndup("tzi.org.example", 7);
	is_str(s, "tzi.org", "strndup copies n bytes");
	rsip_strlower(s);
	free(s);
	s = rsip_strdup("Rasen.TZI.org");
	rsip_strlower(s);
	is_str(s, "rasen.tzi.org", "strlower lowers ASCII only");
	free(s);
	for (int i = 0; i < 100; i++)
		rsip_vec_push(&v, rsip_strdup("x"));
	is_int(v.n, 100, "vec grows past its first capacity");
	rsip_vec_clear(&v, free);
	is_int(v.n, 0, "vec_clear empties");
	return tap_done();
}
