/* setup.c - the set-up example of rsip_ctx_new(3): exit 0 when every
 * setting is taken. */
#include "common.h"

static int example(void)
{
#include "tests/examples/setup.inc"
	printf("configured\n");
	rsip_ctx_free(ctx);
	return 0;
}

int main(void)
{
	return example() == 0 ? 0 : 1;
}
