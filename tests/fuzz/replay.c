/* replay.c - the plain driver of the fuzz targets: without
 * libFuzzer and without clang, run every file of the target's corpus
 * (tests/fuzz/corpus/NAME) through LLVMFuzzerTestOneInput() once, as a TAP
 * test for make check.  With arguments, run those files (or directories) instead, to
 * reproduce a crash found by the fuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#error "FUZZ_NAME names the corpus directory"
#endif

/* Run one file; 0, or -1 when it cannot be read. */
static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, got;

	if (fp == NULL) {
		printf("# %s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *b = realloc(buf, cap ? cap * 2 : 4096);
			if (b == NULL) {
				fclose(fp);
				free(buf);
				return -1;
			}
			buf = b;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + len, 1, cap - len, fp);
		len += got;
	} while (got > 0);
	fclose(fp);
	/* libFuzzer never passes NULL; an empty input is a valid input. */
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every file of a directory, in name order; the count, or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	long done = 0;

	if (d == NULL) {
		printf("# %s: %s\n", dir, strerror(errno));
		return -1;
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
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (names[n] == NULL)
			break;
		sprintf(names[n], "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp_name);
	for (size_t i = 0; i < n; i++) {
		if (run_file(names[i]) == 0)
			done++;
		else
			done = -1 - (long)n; /* keeps negative: a file was unreadable */
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	char corpus[4096];
	int failed = 0;
	long n;

	if (argc > 1) {
		for (int i = 1; i < argc; i++) {
			struct stat sb;
			if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode))
				failed |= run_dir(argv[i]) < 0;
			else
				failed |= run_file(argv[i]) != 0;
			printf("# ran %s\n", argv[i]);
		}
		return failed;
	}
	snprintf(corpus, sizeof(corpus), "%s/tests/fuzz/corpus/%s", TOP_SRCDIR, FUZZ_NAME);
	n = run_dir(corpus);
	printf("%sok 1 - tests/fuzz/corpus/%s: %ld inputs replayed through the "
	       "%s target without a crash\n1..1\n", n > 0 ? "" : "not ", FUZZ_NAME, n,
	       FUZZ_NAME);
	return n > 0 ? 0 : 1;
}
