/* input.c - what a person types as the input of a resolution, made into what
 * the RFC rooms parse: a name-addr's URI (RFC 3261 §20.10, §25.1), and a bare
 * +E.164 number with the spaces people write between its digits. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static bool is_blank(int c)
{
	return c == ' ' || c == '\t';
}

rsip_status input_normalise(const char *in, char **out, char *err, size_t errlen)
{
	const char *s = in, *e, *lt, *gt;
	char *buf, *w;

	*out = NULL;
	while (is_blank((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank((unsigned char)e[-1]))
		e--;
	lt = memchr(s, '<', (size_t)(e - s));
	if (lt != NULL) {
		/* name-addr = [display-name] "<" addr-spec ">" (RFC 3261 §25.1), as
		 * a From, To or Contact header shows it: the URI inside.  Header
		 * parameters after ">" belong to the header, not the URI. */
		gt = memchr(lt, '>', (size_t)(e - lt));
		if (gt == NULL) {
			rsip_seterr(err, errlen, "'%s' has '<' without '>'", in);
			return RSIP_E_BAD_INPUT;
		}
		if (gt + 1 != e) {
			rsip_seterr(err, errlen, "'%s' has text after '>'; give the URI alone or "
				    "as <URI> (RFC 3261 §25.1 name-addr)", in);
			return RSIP_E_BAD_INPUT;
		}
		s = lt + 1;
		e = gt;
		while (s < e && is_blank((unsigned char)*s))
			s++;
		while (e > s && is_blank((unsigned char)e[-1]))
			e--;
		if (s == e) {
			rsip_seterr(err, errlen, "'%s' holds no URI between '<' and '>'", in);
			return RSIP_E_BAD_INPUT;
		}
	}
	buf = malloc((size_t)(e - s) + 1);
	if (buf == NULL)
		return RSIP_E_NOMEM;
	if (*s == '+') {
		/* A bare number is no tel: URI yet: besides RFC 3966's visual
		 * separators (-.()), which tel_parse() takes, people write spaces
		 * between the digits ("+49 421 201 7028"); they go, up to the
		 * first parameter.  A tel: URI keeps RFC 3966 §5.1.1's rule. */
		const char *semi = memchr(s, ';', (size_t)(e - s));
		w = buf;
		for (const char *p = s; p < e; p++)
			if (!(is_blank((unsigned char)*p) && (semi == NULL || p < semi)))
				*w++ = *p;
		*w = '\0';
	} else {
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = '\0';
	}
	*out = buf;
	return RSIP_OK;
}
