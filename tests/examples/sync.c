/* sync.c - the synchronous example of libresolvsip(3), on the zones in the
 * current directory ("zones"): its targets are printed as it frees them. */
#include "common.h"
#define rsip_result_free(r) (show_result(r), rsip_result_free(r))

static int example(void)
{
#include "tests/examples/sync.inc"
	return 0;
}

int main(void)
{
	return example() == 0 ? 0 : 1;
}
