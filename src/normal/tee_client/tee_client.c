// SPDX-License-Identifier: BSD-2-Clause
/*
 * The transport-independent half of the TEE client API: argument checks, then
 * dispatch to the context's transport. A bad argument is the caller's bug and
 * is reported with origin API without reaching any TEE.
 */
#include "normal/tee_client/tee_client.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/tee_result.h"

static void set_origin(uint32_t *origin, uint32_t value)
{
	if (origin)
		*origin = value;
}

static bool param_type_known(uint32_t type)
{
	switch (type) {
	case TEE_PARAM_TYPE_NONE:
	case TEE_PARAM_TYPE_VALUE_INPUT:
	case TEE_PARAM_TYPE_VALUE_OUTPUT:
	case TEE_PARAM_TYPE_VALUE_INOUT:
	case TEE_PARAM_TYPE_MEMREF_INPUT:
	case TEE_PARAM_TYPE_MEMREF_OUTPUT:
	case TEE_PARAM_TYPE_MEMREF_INOUT:
		return true;
	default:
		return false;
	}
}

/*
 * Known types only, and a memref names memory: a NULL buffer is allowed only
 * with size 0 (an output asking for the size it needs).
 */
static bool params_ok(const struct tee_param *params)
{
	unsigned int i;

	if (!params)
		return true;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		uint32_t t = params[i].type;

		if (!param_type_known(t))
			return false;
		if (t >= TEE_PARAM_TYPE_MEMREF_INPUT && !params[i].u.memref.buffer &&
		    params[i].u.memref.size)
			return false;
	}
	return true;
}

static bool ctx_ok(const struct tee_context *ctx)
{
	return ctx && ctx->ops && ctx->ops->open_session && ctx->ops->invoke;
}

/* Start a call's reason empty, into the caller's buffer or a scratch one. */
static char *reason_start(char *reason, char *scratch)
{
	if (!reason)
		reason = scratch;
	reason[0] = '\0';
	return reason;
}

/* Whatever a transport wrote: made safe for a terminal and bounded, "" on success. */
static void reason_finish(char *reason, TEE_Result res)
{
	char raw[TEE_REASON_MAX];

	if (res == TEE_SUCCESS) {
		reason[0] = '\0';
		return;
	}
	memcpy(raw, reason, sizeof(raw));
	tee_reason_sanitize(reason, raw, sizeof(raw));
}

TEE_Result tee_open_session_reason(struct tee_context *ctx, const TEE_UUID *uuid,
				   struct tee_param params[TEE_NUM_PARAMS],
				   struct tee_session *sess, uint32_t *origin, char *reason)
{
	struct tee_param none[TEE_NUM_PARAMS];
	char scratch[TEE_REASON_MAX];
	void *handle = NULL;
	TEE_Result res;

	reason = reason_start(reason, scratch);
	set_origin(origin, TEE_ORIGIN_API);
	if (!ctx_ok(ctx) || !uuid || !sess || !params_ok(params))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!params) {
		memset(none, 0, sizeof(none));
		params = none;
	}
	res = ctx->ops->open_session(ctx, uuid, params, &handle, origin, reason);
	reason_finish(reason, res);
	if (res != TEE_SUCCESS)
		return res;
	sess->ctx = ctx;
	sess->handle = handle;
	return TEE_SUCCESS;
}

TEE_Result tee_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
			    struct tee_param params[TEE_NUM_PARAMS], struct tee_session *sess,
			    uint32_t *origin)
{
	return tee_open_session_reason(ctx, uuid, params, sess, origin, NULL);
}

void tee_close_session(struct tee_session *sess)
{
	if (!sess || !sess->ctx)
		return;
	if (ctx_ok(sess->ctx) && sess->ctx->ops->close_session)
		sess->ctx->ops->close_session(sess->ctx, sess->handle);
	sess->ctx = NULL;
	sess->handle = NULL;
}

TEE_Result tee_invoke_reason(struct tee_session *sess, uint32_t cmd,
			     struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			     char *reason)
{
	struct tee_param none[TEE_NUM_PARAMS];
	char scratch[TEE_REASON_MAX];
	TEE_Result res;

	reason = reason_start(reason, scratch);
	set_origin(origin, TEE_ORIGIN_API);
	if (!sess || !ctx_ok(sess->ctx) || !params_ok(params))
		return TEE_ERROR_BAD_PARAMETERS;
	if (!params) {
		memset(none, 0, sizeof(none));
		params = none;
	}
	res = sess->ctx->ops->invoke(sess->ctx, sess->handle, cmd, params, origin, reason);
	reason_finish(reason, res);
	return res;
}

TEE_Result tee_invoke(struct tee_session *sess, uint32_t cmd,
		      struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	return tee_invoke_reason(sess, cmd, params, origin, NULL);
}

const char *tee_reason_where(const struct tee_context *ctx)
{
	if (ctx && ctx->ops && ctx->ops->reason_where)
		return ctx->ops->reason_where;
	return "the secure world's log";
}

void tee_finalize(struct tee_context *ctx)
{
	if (!ctx || !ctx->ops)
		return;
	if (ctx->ops->finalize)
		ctx->ops->finalize(ctx);
	ctx->ops = NULL;
	ctx->priv = NULL;
}

TEE_Result tee_shm_alloc(struct tee_context *ctx, size_t size, struct tee_shm *shm)
{
	TEE_Result res;

	if (!shm)
		return TEE_ERROR_BAD_PARAMETERS;
	memset(shm, 0, sizeof(*shm));
	if (!ctx || !ctx->ops || !size || size > TEE_SHM_MAX)
		return TEE_ERROR_BAD_PARAMETERS;
	shm->ctx = ctx;
	shm->size = size;
	if (ctx->ops->shm_alloc) {
		res = ctx->ops->shm_alloc(ctx, shm);
		if (res != TEE_SUCCESS)
			memset(shm, 0, sizeof(*shm));
		return res;
	}
	shm->buffer = calloc(1, size);
	if (!shm->buffer) {
		memset(shm, 0, sizeof(*shm));
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	return TEE_SUCCESS;
}

void tee_shm_free(struct tee_shm *shm)
{
	if (!shm || !shm->ctx)
		return;
	if (shm->priv && shm->ctx->ops && shm->ctx->ops->shm_free)
		shm->ctx->ops->shm_free(shm->ctx, shm);
	else
		free(shm->buffer);
	memset(shm, 0, sizeof(*shm));
}

int tee_params_out(struct tee_param params[TEE_NUM_PARAMS], TEE_Result res,
		   const struct tee_param_reply reply[TEE_NUM_PARAMS], tee_fetch_bytes_fn fetch,
		   void *fetch_priv)
{
	unsigned int i;
	int ret;

	if (!params || (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER))
		return 0;
	/* A transport checks this with a message; checked again so no caller buffer overflows. */
	for (i = 0; i < TEE_NUM_PARAMS && res == TEE_SUCCESS; i++)
		if (tee_param_is_output(params[i].type) && tee_param_is_memref(params[i].type) &&
		    reply[i].size > params[i].u.memref.size)
			return -EPROTO;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		struct tee_param *p = &params[i];

		if (!tee_param_is_output(p->type))
			continue;
		if (tee_param_is_value(p->type)) {
			if (res == TEE_SUCCESS) {
				p->u.value.a = reply[i].a;
				p->u.value.b = reply[i].b;
			}
			continue;
		}
		if (res == TEE_SUCCESS && reply[i].size && fetch) {
			ret = fetch(fetch_priv, i, p->u.memref.buffer, reply[i].size);
			if (ret)
				return ret;
		}
		p->u.memref.size = reply[i].size;
	}
	return 0;
}
