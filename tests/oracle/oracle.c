/* oracle.c - the digest of what the library says today, for engine changes
 * that must not change it (tests/README.md, "Safety net for engine changes").
 *
 * Two sets of inputs, each rendered as text and as JSON the way sipresolve
 * renders them, a digest line for each:
 *   - every input of the resolve fuzz corpus (the files of tests/fuzz/corpus/resolve),
 *     resolved as the fuzz target resolves it (seed 1, the mock DNS of
 *     tests/mockdns.c) and rendered in process with sipresolve's renderers
 *     (tools/render_text.c, tools/render_json.c);
 *   - every line of tests/oracle/inputs.txt: sipresolve itself, run with
 *     "--seed 1" and the line's arguments (always --zones: answers from zone
 *     files in process), once for text and once with --json, its standard
 *     error and exit status included.
 * Nothing depends on time, ports or the machine's resolver.
 *
 * A digest line: "SUMMARY text=HASH json=HASH  KEY", where SUMMARY is the
 * status, targets, questions and waves of each result, HASH the first 16 hex
 * digits of the SHA-256 of the output, KEY "corpus/FILE" or "sipresolve
 * ARGS".  With --show TEXT, the full outputs of the inputs whose key contains
 * TEXT instead. */
#define _GNU_SOURCE /* open_memstream */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <ldns/sha2.h>

#include "mockdns.h"
#include "render.h"

#ifndef TOP_SRCDIR
#error "TOP_SRCDIR: the source tree"
#endif
#ifndef TOP_BUILDDIR
#error "TOP_BUILDDIR: the build tree (tools/sipresolve)"
#endif

static const char *show; /* --show: a part of the keys to show in full */
static int failures;

/* The first 16 hex digits of the SHA-256 of len bytes at data. */
static void digest(const char *data, size_t len, char out[17])
{
	unsigned char md[32];

	ldns_sha256((const unsigned char *)data, (unsigned)len, md);
	for (int i = 0; i < 8; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void emit(const char *key, const char *summary, const char *text, size_t text_len,
		 const char *json, size_t json_len)
{
	char th[17], jh[17];

	if (show != NULL) {
		if (strstr(key, show) != NULL)
			printf("==== %s\n%s---- text\n%.*s---- json\n%.*s", key, summary,
			       (int)text_len, text, (int)json_len, json);
		return;
	}
	digest(text, text_len, th);
	digest(json, json_len, jh);
	printf("%s text=%s json=%s  %s\n", summary, th, jh, key);
}

/* ---- the fuzz corpus -------------------------------------------------- */

static char *read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, got;

	*len = 0;
	if (fp == NULL)
		return NULL;
	do {
		if (*len + 1 >= cap) {
			char *b = realloc(buf, cap ? cap * 2 : 4096);
			if (b == NULL) {
				free(buf);
				fclose(fp);
				return NULL;
			}
			buf = b;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + *len, 1, cap - *len - 1, fp);
		*len += got;
	} while (got > 0);
	fclose(fp);
	buf[*len] = '\0'; /* as fuzz_cstring(): the input ends at a NUL byte */
	return buf;
}

static void corpus_input(const char *dir, const char *name)
{
	char path[4096 + 300], key[300], summary[128];
	size_t len, text_len = 0, json_len = 0;
	char *data, *uri, *text = NULL, *json = NULL;
	struct mockdns *m = mockdns_new();
	rsip_ctx *ctx = NULL;
	rsip_result *res = NULL;
	struct render_input in;
	FILE *ft, *fj;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(key, sizeof(key), "corpus/%s", name);
	data = read_file(path, &len);
	if (data == NULL || m == NULL || rsip_ctx_new(&ctx) != RSIP_OK) {
		fprintf(stderr, "oracle: %s: %s\n", path, data == NULL ? strerror(errno) :
			"out of memory");
		failures++;
		goto done;
	}
	/* As tests/fuzz/fuzz_resolve.c: seed 1, then the input's settings. */
	mockdns_attach(m, ctx);
	rsip_ctx_set_seed(ctx, 1);
	uri = mockdns_load(m, ctx, data);
	if (uri != NULL)
		res = mockdns_resolve(m, ctx, uri);
	if (res == NULL) {
		emit(key, "no-result", "", 0, "", 0);
		goto done;
	}
	memset(&in, 0, sizeof(in));
	in.source = "-";
	ft = open_memstream(&text, &text_len);
	fj = open_memstream(&json, &json_len);
	if (ft == NULL || fj == NULL) {
		fprintf(stderr, "oracle: out of memory\n");
		failures++;
		if (ft != NULL)
			fclose(ft);
		if (fj != NULL)
			fclose(fj);
		goto done;
	}
	render_text(ft, res, &in, 0);
	if (render_json(fj, res, &in) != 0)
		failures++;
	fclose(ft);
	fclose(fj);
	snprintf(summary, sizeof(summary), "%s %zut %uq %uw",
		 rsip_status_name(rsip_result_status(res)), rsip_result_target_count(res),
		 rsip_result_questions(res), rsip_result_waves(res));
	emit(key, summary, text, text_len, json, json_len);
done:
	free(text);
	free(json);
	rsip_result_free(res);
	rsip_ctx_free(ctx);
	mockdns_free(m);
	free(data);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void corpus(void)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/resolve", TOP_SRCDIR);
	d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "oracle: %s: %s\n", dir, strerror(errno));
		failures++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap ? cap * 2 : 256) * sizeof(*nn));
			if (nn == NULL)
				break;
			names = nn;
			cap = cap ? cap * 2 : 256;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		corpus_input(dir, names[i]);
		free(names[i]);
	}
	free(names);
}

/* ---- sipresolve over the zones ---------------------------------------- */

/* The output of a shell command, its standard error and exit status
 * included; NULL when it could not be run. */
static char *run_command(const char *cmd, size_t *len)
{
	FILE *p = popen(cmd, "r");
	char *out = NULL;
	FILE *m;
	char buf[4096];
	size_t got;
	int st;

	if (p == NULL)
		return NULL;
	m = open_memstream(&out, len);
	if (m == NULL) {
		pclose(p);
		return NULL;
	}
	while ((got = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, got, m);
	st = pclose(p);
	fprintf(m, "exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : 128);
	fclose(m);
	return out;
}

/* "ok 3t 3q 3w" for each JSON line of out ("+" between them), or what is
 * wrong with it. */
static void json_summary(const char *out, char *summary, size_t size)
{
	const char *line = out;
	size_t used = 0;

	summary[0] = '\0';
	while (*line == '{') {
		const char *end = strchr(line, '\n');
		json_error_t err;
		json_t *o = json_loadb(line, end ? (size_t)(end - line) : strlen(line), 0, &err);
		const char *status = json_string_value(json_object_get(o, "status"));
		int k = snprintf(summary + used, size - used, "%s%s %zut %lldq %lldw",
				 used ? "+" : "", status ? status : "unreadable",
				 json_array_size(json_object_get(o, "targets")),
				 json_integer_value(json_object_get(o, "questions")),
				 json_integer_value(json_object_get(o, "waves")));
		json_decref(o);
		if (k < 0 || (size_t)k >= size - used)
			break;
		used += (size_t)k;
		if (end == NULL)
			break;
		line = end + 1;
	}
	if (used == 0)
		snprintf(summary, size, "no-result");
}

static void sipresolve_input(const char *args)
{
	char *cmd = NULL, *text = NULL, *json = NULL, key[4200], summary[1024];
	size_t text_len = 0, json_len = 0;
	const char *env = "NO_COLOR=1 LC_ALL=C";

	snprintf(key, sizeof(key), "sipresolve %s", args);
	if (strncmp(args, "--zones ", 8) != 0) {
		fprintf(stderr, "oracle: not a --zones run: %s\n", args);
		failures++;
		return;
	}
	if (asprintf(&cmd, "cd '%s' && %s '%s/tools/sipresolve' --seed 1 %s 2>&1", TOP_SRCDIR,
		     env, TOP_BUILDDIR, args) < 0)
		cmd = NULL;
	if (cmd != NULL)
		text = run_command(cmd, &text_len);
	free(cmd);
	if (asprintf(&cmd, "cd '%s' && %s '%s/tools/sipresolve' --seed 1 --json %s 2>&1",
		     TOP_SRCDIR, env, TOP_BUILDDIR, args) < 0)
		cmd = NULL;
	if (cmd != NULL)
		json = run_command(cmd, &json_len);
	free(cmd);
	if (text == NULL || json == NULL) {
		fprintf(stderr, "oracle: cannot run sipresolve %s\n", args);
		failures++;
	} else {
		json_summary(json, summary, sizeof(summary));
		emit(key, summary, text, text_len, json, json_len);
	}
	free(text);
	free(json);
}

static void sipresolve_inputs(void)
{
	char path[4096], line[4096];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/tests/oracle/inputs.txt", TOP_SRCDIR);
	fp = fopen(path, "r");
	if (fp == NULL) {
		fprintf(stderr, "oracle: %s: %s\n", path, strerror(errno));
		failures++;
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		sipresolve_input(line);
	}
	fclose(fp);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--show") == 0) {
		show = argv[2];
	} else if (argc != 1) {
		fprintf(stderr, "usage: oracle [--show PART-OF-KEY]\n");
		return 2;
	}
	corpus();
	sipresolve_inputs();
	if (fflush(stdout) != 0 || ferror(stdout))
		failures++;
	return failures ? 1 : 0;
}
