/* ddds.c - the example of rsip_ddds_apply(3): prints the outcome and output
 * of each rule as the example frees the result. */
#include "common.h"

static void show_ddds(const rsip_ddds_result *res)
{
	for (size_t i = 0; res != NULL && i < rsip_ddds_result_count(res); i++)
		printf("%s %s\n", rsip_ddds_outcome_name(rsip_ddds_result_outcome(res, i)),
		       rsip_ddds_result_output(res, i) ? rsip_ddds_result_output(res, i) : "-");
}
#define rsip_ddds_result_free(r) (show_ddds(r), rsip_ddds_result_free(r))

int main(void)
{
#include "tests/examples/ddds.inc"
	return 0;
}
