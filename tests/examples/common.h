/* common.h - for the harnesses of the documentation's code examples
 * (tests/examples/extract.sh takes each from its page at build time; the
 * harness gives it the variables it assumes and shows what it did). */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <resolvsip.h>

/* Print a result's status and targets (the harnesses wrap
 * rsip_result_free() with it: the examples free what they resolved). */
static inline void show_result(const rsip_result *res)
{
	if (res == NULL)
		return;
	printf("status %s uri %s\n", rsip_status_name(rsip_result_status(res)),
	       rsip_result_uri(res) ? rsip_result_uri(res) : "-");
	for (size_t i = 0; i < rsip_result_target_count(res); i++) {
		const rsip_target *t = rsip_result_target(res, i);
		printf("target %s %s %u\n", rsip_transport_name(t->transport), t->address,
		       t->port);
	}
}

static inline long ms_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}
