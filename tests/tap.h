/* tap.h - a minimal TAP producer for the unit and integration tests.
 * Each check prints "ok N - name" or "not ok N - name"; tap_done() prints the
 * plan and returns the exit status.  Run by automake's tap-driver.sh. */
#ifndef RSIP_TAP_H
#define RSIP_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline int tap_ok(int cond, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;
	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Diagnostic line, shown in the log. */
#define tap_diag(...) \
	do { printf("# "); printf(__VA_ARGS__); putchar('\n'); } while (0)

#define ok(cond, ...) tap_ok((cond) ? 1 : 0, __VA_ARGS__)

#define is_int(got, want, ...)                                            \
	do {                                                              \
		long long g_ = (long long)(got), w_ = (long long)(want);  \
		if (!ok(g_ == w_, __VA_ARGS__))                          \
			tap_diag("  got %lld, want %lld", g_, w_);       \
	} while (0)

#define is_str(got, want, ...)                                            \
	do {                                                              \
		const char *g_ = (got), *w_ = (want);                     \
		int same_ = (g_ == NULL || w_ == NULL) ? g_ == w_         \
						       : strcmp(g_, w_) == 0; \
		if (!ok(same_, __VA_ARGS__))                              \
			tap_diag("  got \"%s\", want \"%s\"",             \
				 g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
