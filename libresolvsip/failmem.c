/* failmem.c - the failure memory (RFC 3263 §4.3): targets the application
 * marked failed, remembered for failure_memory seconds, so that later results
 * try them last (result_finalise() in result.c). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"

rsip_status rsip_ctx_set_failure_memory(rsip_ctx *ctx, unsigned seconds)
{
	if (ctx == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	ctx->failure_memory = seconds;
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

static double now_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool same_target(const struct failed_target *f, const rsip_target *t)
{
	return f->transport == t->transport && f->port == t->port &&
	       strcmp(f->address, t->address) == 0;
}

rsip_status rsip_ctx_mark_failed(rsip_ctx *ctx, const rsip_target *target)
{
	struct failed_target *slot = NULL;
	double now;
	if (ctx == NULL || target == NULL)
		return RSIP_E_INVALID;
	pthread_mutex_lock(&ctx->lock);
	now = now_monotonic();
	for (size_t i = 0; i < ctx->nfailed && slot == NULL; i++)
		if (same_target(&ctx->failed[i], target) ||
		    ctx->failed[i].marked + ctx->failure_memory <= now)
			slot = &ctx->failed[i];
	if (slot == NULL && ctx->nfailed < RSIP_FAILED_MAX)
		slot = &ctx->failed[ctx->nfailed++];
	if (slot == NULL) {
		/* Full: the oldest mark makes room (a ring). */
		slot = &ctx->failed[ctx->failed_next];
		ctx->failed_next = (ctx->failed_next + 1) % RSIP_FAILED_MAX;
	}
	slot->transport = target->transport;
	snprintf(slot->address, sizeof(slot->address), "%s", target->address);
	slot->port = target->port;
	slot->marked = now;
	pthread_mutex_unlock(&ctx->lock);
	return RSIP_OK;
}

bool ctx_target_failed(rsip_ctx *ctx, const rsip_target *t)
{
	double now = now_monotonic();
	for (size_t i = 0; i < ctx->nfailed; i++)
		if (ctx->failed[i].marked + ctx->failure_memory > now &&
		    same_target(&ctx->failed[i], t))
			return true;
	return false;
}
