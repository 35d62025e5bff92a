/* render_json.c - one result as one line of JSON (JSON Lines), the contract of
 * sipresolve(1), JSON OUTPUT and doc/DESIGN.md §1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "resolvsip.h"
#include "render.h"

/* Length of the well-formed UTF-8 sequence at p (1-4), or 0 when it is not
 * one (bad lead byte, bad continuation, overlong, surrogate, > U+10FFFF).
 * A continuation check stops at the terminating NUL. */
static size_t utf8_sequence_length(const unsigned char *p)
{
	unsigned long cp, min;
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1fu;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0fu;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07u;
		min = 0x10000;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3fu);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

/* A JSON string for s: null for NULL; bytes that are not UTF-8 (the input
 * is the user's, and may be anything) become U+FFFD.  NULL when out of
 * memory. */
static json_t *json_text(const char *s)
{
	static const char replacement[] = "\xef\xbf\xbd";
	const unsigned char *p;
	char *clean, *q;
	json_t *value;
	int valid = 1;

	if (s == NULL)
		return json_null();
	for (p = (const unsigned char *)s; *p != '\0';) {
		size_t len = utf8_sequence_length(p);

		if (len == 0) {
			valid = 0;
			break;
		}
		p += len;
	}
	if (valid) /* checked above: no need for json_string() to check again */
		return json_stringn_nocheck(s, (size_t)(p - (const unsigned char *)s));

	/* Each bad byte becomes three bytes at most. */
	clean = malloc(strlen(s) * 3 + 1);
	if (clean == NULL)
		return NULL;
	q = clean;
	for (p = (const unsigned char *)s; *p != '\0';) {
		size_t len = utf8_sequence_length(p);

		if (len == 0) {
			memcpy(q, replacement, 3);
			q += 3;
			p++;
		} else {
			memcpy(q, p, len);
			q += len;
			p += len;
		}
	}
	*q = '\0';
	value = json_string(clean);
	free(clean);
	return value;
}

/* A JSON array of n strings; NULL when out of memory. */
static json_t *json_text_array(const char *const *items, size_t n)
{
	json_t *array = json_array();
	size_t i;

	if (array == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		/* json_array_append_new() takes the value even when it fails,
		 * and refuses NULL. */
		if (json_array_append_new(array, json_text(items[i])) != 0) {
			json_decref(array);
			return NULL;
		}
	}
	return array;
}

/* Set obj[key]; value may be NULL (a failed allocation): then -1. */
static int put(json_t *obj, const char *key, json_t *value)
{
	return json_object_set_new(obj, key, value);
}

static json_t *enum_record_json(const rsip_naptr *rec)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (put(obj, "owner", json_text(rec->owner)) != 0 ||
	    put(obj, "order", json_integer(rec->order)) != 0 ||
	    put(obj, "preference", json_integer(rec->preference)) != 0 ||
	    put(obj, "flags", json_text(rec->flags)) != 0 ||
	    put(obj, "services", json_text(rec->services)) != 0 ||
	    put(obj, "regexp", json_text(rec->regexp)) != 0 ||
	    put(obj, "replacement", json_text(rec->replacement)) != 0 ||
	    put(obj, "result", json_text(rec->result)) != 0 ||
	    put(obj, "verdict", json_text(rsip_verdict_name(rec->verdict))) != 0)
		goto fail;
	if (rec->reason != NULL && put(obj, "reason", json_text(rec->reason)) != 0)
		goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

/* Each list of the output: element i of one of the result's arrays. */
typedef json_t *(*item_json_fn)(const rsip_result *res, size_t i);

/* obj[key] = [item(res, 0), ..., item(res, n - 1)]; -1 when out of memory. */
static int put_list(json_t *obj, const char *key, const rsip_result *res, size_t n,
		    item_json_fn item)
{
	json_t *array = json_array();

	if (array == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		/* json_array_append_new() takes the value even when it fails,
		 * and refuses NULL. */
		if (json_array_append_new(array, item(res, i)) != 0) {
			json_decref(array);
			return -1;
		}
	}
	return put(obj, key, array);
}

static json_t *enum_domain_item(const rsip_result *res, size_t i)
{
	return json_text(rsip_result_enum_domain(res, i));
}

static json_t *enum_record_item(const rsip_result *res, size_t i)
{
	const rsip_naptr *rec = rsip_result_enum_record(res, i);
	return rec != NULL ? enum_record_json(rec) : NULL;
}

static json_t *enum_uri_item(const rsip_result *res, size_t i)
{
	return json_text(rsip_result_enum_uri(res, i));
}

/* "enum": {aus, domains, records, uris} (doc/DESIGN.md §1). */
static json_t *enum_json(const rsip_result *res)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (put(obj, "aus", json_text(rsip_result_enum_aus(res))) != 0 ||
	    put_list(obj, "domains", res, rsip_result_enum_domain_count(res),
		     enum_domain_item) != 0 ||
	    put_list(obj, "records", res, rsip_result_enum_record_count(res),
		     enum_record_item) != 0 ||
	    put_list(obj, "uris", res, rsip_result_enum_uri_count(res), enum_uri_item) != 0) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

/* "answer_roles": the role of each answer, in the order of "answers". */
static json_t *answer_roles_json(const rsip_result *res, size_t i, size_t n)
{
	json_t *array = json_array();

	if (array == NULL)
		return NULL;
	for (size_t k = 0; k < n; k++)
		if (json_array_append_new(array, json_text(rsip_answer_role_name(
						     rsip_result_answer_role(res, i, k)))) != 0) {
			json_decref(array);
			return NULL;
		}
	return array;
}

static json_t *step_json(const rsip_result *res, size_t i, const rsip_step *step)
{
	json_t *obj = json_object();
	char qtype[16];
	const char *qtype_name = step->qtype_name;

	if (obj == NULL)
		return NULL;
	if (qtype_name == NULL) {
		/* RFC 3597 §5 spelling of a type without a mnemonic */
		snprintf(qtype, sizeof(qtype), "TYPE%u", (unsigned)step->qtype);
		qtype_name = qtype;
	}
	if (put(obj, "qname", json_text(step->qname)) != 0 ||
	    put(obj, "qtype", json_text(qtype_name)) != 0 ||
	    put(obj, "rcode", json_text(step->rcode_name != NULL ?
					step->rcode_name : "NONE")) != 0 ||
	    put(obj, "dnssec", json_text(rsip_dnssec_name(step->dnssec))) != 0)
		goto fail;
	if (put(obj, "answers", json_text_array(step->answers,
						 step->answers != NULL ?
						 step->answer_count : 0)) != 0 ||
	    put(obj, "wave", json_integer(step->wave)) != 0 ||
	    put(obj, "notes", json_text_array(step->notes,
					       step->notes != NULL ?
					       step->note_count : 0)) != 0)
		goto fail;
	if (step->why_bogus != NULL &&
	    put(obj, "why_bogus", json_text(step->why_bogus)) != 0)
		goto fail;
	/* Added: a failed question, told apart from an empty answer. */
	if (step->failure != NULL && put(obj, "failure", json_text(step->failure)) != 0)
		goto fail;
	/* Added: which answers led to the targets, and how. */
	if (put(obj, "answer_roles", answer_roles_json(res, i, step->answers != NULL ?
						       step->answer_count : 0)) != 0)
		goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *target_json(const rsip_target *t)
{
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (put(obj, "transport", json_text(rsip_transport_name(t->transport))) != 0 ||
	    put(obj, "address", json_text(t->address)) != 0 ||
	    put(obj, "port", json_integer(t->port)) != 0 ||
	    put(obj, "family", json_text(rsip_family_name(t->family))) != 0)
		goto fail;
	/* doc/DESIGN.md §1: host is absent for a numeric host */
	if (t->host != NULL && put(obj, "host", json_text(t->host)) != 0)
		goto fail;
	if (put(obj, "priority", json_integer(t->priority)) != 0 ||
	    put(obj, "weight", json_integer(t->weight)) != 0 ||
	    put(obj, "dnssec", json_text(rsip_dnssec_name(t->dnssec))) != 0 ||
	    put(obj, "source", json_text(rsip_source_name(t->source))) != 0)
		goto fail;
	/* Added after the first fields (doc/DESIGN.md §1): RFC 3263 §4.3, marked failed within
	 * the context's failure memory and so moved last. */
	if (put(obj, "recently_failed", json_boolean(t->recently_failed)) != 0)
		goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

static json_t *step_item(const rsip_result *res, size_t i)
{
	const rsip_step *step = rsip_result_step(res, i);
	return step != NULL ? step_json(res, i, step) : NULL;
}

static json_t *target_item(const rsip_result *res, size_t i)
{
	const rsip_target *t = rsip_result_target(res, i);
	return t != NULL ? target_json(t) : NULL;
}

static json_t *note_item(const rsip_result *res, size_t i)
{
	return json_text(rsip_result_note(res, i));
}

/* The whole object, keys in the order of doc/DESIGN.md §1, the added ones last. */
static json_t *result_json(const rsip_result *res, const struct render_input *in)
{
	rsip_status status = rsip_result_status(res);
	json_t *obj = json_object();

	if (obj == NULL)
		return NULL;
	if (put(obj, "input", json_text(rsip_result_input(res))) != 0 ||
	    put(obj, "status", json_text(rsip_status_name(status))) != 0)
		goto fail;
	if (status != RSIP_OK) {
		const char *error = rsip_result_error(res);

		if (put(obj, "error", json_text(error != NULL ? error :
						rsip_strerror(status))) != 0)
			goto fail;
	}
	if (rsip_result_has_enum(res) && put(obj, "enum", enum_json(res)) != 0)
		goto fail;
	if (rsip_result_uri(res) != NULL &&
	    put(obj, "uri", json_text(rsip_result_uri(res))) != 0)
		goto fail;

	if (put_list(obj, "steps", res, rsip_result_step_count(res), step_item) != 0 ||
	    put_list(obj, "targets", res, rsip_result_target_count(res), target_item) != 0)
		goto fail;
	if (put(obj, "dnssec", json_text(rsip_dnssec_name(rsip_result_dnssec(res)))) != 0 ||
	    put(obj, "waves", json_integer(rsip_result_waves(res))) != 0 ||
	    put(obj, "questions", json_integer(rsip_result_questions(res))) != 0)
		goto fail;

	/* Added after the first fields (doc/DESIGN.md §1): decisions not tied to one question. */
	if (put_list(obj, "notes", res, rsip_result_note_count(res), note_item) != 0)
		goto fail;

	/* How the input was asked: "request" (where a request goes, RFC 3263
	 * §4, through the route set if any) or "response" (RFC 3263 §5). */
	if (put(obj, "kind", json_text(in != NULL && in->response ? "response" :
				       "request")) != 0)
		goto fail;
	if (in != NULL && in->route_count > 0) {
		/* RFC 3261 §8.1.2: the route set, outbound proxy first */
		if (put(obj, "route", json_text_array(in->route, in->route_count)) != 0)
			goto fail;
	}
	/* A --batch line: where it is in the input, counted from 1. */
	if (in != NULL && in->line > 0 && put(obj, "line", json_integer((json_int_t)in->line)) != 0)
		goto fail;
	return obj;
fail:
	json_decref(obj);
	return NULL;
}

int render_json(FILE *out, const rsip_result *res, const struct render_input *in)
{
	json_t *obj = result_json(res, in);
	char *text;

	if (obj == NULL)
		return -1;
	/* JSON_PRESERVE_ORDER: the keys in insertion order, the order of
	 * doc/DESIGN.md §1 (jansson >= 2.8 keeps it anyway). */
	text = json_dumps(obj, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(obj);
	if (text == NULL)
		return -1;
	fputs(text, out);
	fputc('\n', out);
	free(text);
	return 0;
}
