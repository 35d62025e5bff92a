/* util.c - small locale-independent helpers shared by the rooms. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int rsip_strcasecmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		int ca = rsip_lower((unsigned char)*a);
		int cb = rsip_lower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
}

int rsip_strncasecmp(const char *a, const char *b, size_t n)
{
	for (; n > 0; a++, b++, n--) {
		int ca = rsip_lower((unsigned char)*a);
		int cb = rsip_lower((unsigned char)*b);
		if (ca != cb || ca == 0)
			return ca - cb;
	}
	return 0;
}

char *rsip_strndup(const char *s, size_t n)
{
	char *d;
	if (s == NULL)
		return NULL;
	d = malloc(n + 1);
	if (d == NULL)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *rsip_strdup(const char *s)
{
	return s ? rsip_strndup(s, strlen(s)) : NULL;
}

void rsip_strlower(char *s)
{
	for (; s && *s; s++)
		*s = (char)rsip_lower((unsigned char)*s);
}

void rsip_seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

void rsip_describe_char(int c, char *buf, size_t len)
{
	c &= 0xff;
	if (c == ' ')
		snprintf(buf, len, "a space");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, len, "'%c'", c);
	else
		snprintf(buf, len, "byte 0x%02X", (unsigned)c);
}

int rsip_vec_push(struct rsip_vec *v, void *item)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 8;
		void **items = realloc(v->items, cap * sizeof(*items));
		if (items == NULL)
			return -1;
		v->items = items;
		v->cap = cap;
	}
	v->items[v->n++] = item;
	return 0;
}

void rsip_vec_clear(struct rsip_vec *v, void (*free_item)(void *))
{
	if (free_item != NULL)
		for (size_t i = 0; i < v->n; i++)
			free_item(v->items[i]);
	free(v->items);
	v->items = NULL;
	v->n = v->cap = 0;
}

bool rsip_name_under(const char *name, const char *zone)
{
	size_t ln = strlen(name), lz = strlen(zone);
	if (strcmp(zone, ".") == 0)
		return true;
	if (ln < lz || strcmp(name + ln - lz, zone) != 0)
		return false;
	return ln == lz || name[ln - lz - 1] == '.';
}
