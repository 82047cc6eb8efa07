// SPDX-License-Identifier: BSD-2-Clause
/*
 * In-process transport: the remoteproc TA linked into this program. Converts
 * the client's parameters to the TA's (packed types + TEE_Param) and back,
 * and only knows one TA: any other UUID is ITEM_NOT_FOUND, as a TEE without
 * that TA would answer.
 */
#include <errno.h>
#include <string.h>

#include "normal/tee_client/tee_client.h"
#include "secure/ta/rproc_ta.h"

static const TEE_UUID rproc_ta_uuid = TA_RPROC_UUID;

static uint32_t to_ta_params(const struct tee_param *in, TEE_Param *out)
{
	uint32_t types = 0;
	unsigned int i;

	memset(out, 0, sizeof(TEE_Param) * TEE_NUM_PARAMS);
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		types |= (in[i].type & 0xFu) << (i * 4);
		switch (in[i].type) {
		case TEE_PARAM_TYPE_VALUE_INPUT:
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			out[i].value.a = in[i].u.value.a;
			out[i].value.b = in[i].u.value.b;
			break;
		case TEE_PARAM_TYPE_MEMREF_INPUT:
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			out[i].memref.buffer = in[i].u.memref.buffer;
			out[i].memref.size = in[i].u.memref.size;
			break;
		default:
			break;
		}
	}
	return types;
}

/* Outputs go back: values, and a memref's size (written, or needed on SHORT_BUFFER). */
static void from_ta_params(const TEE_Param *in, struct tee_param *out)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		switch (out[i].type) {
		case TEE_PARAM_TYPE_VALUE_OUTPUT:
		case TEE_PARAM_TYPE_VALUE_INOUT:
			out[i].u.value.a = in[i].value.a;
			out[i].u.value.b = in[i].value.b;
			break;
		case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		case TEE_PARAM_TYPE_MEMREF_INOUT:
			out[i].u.memref.size = in[i].memref.size;
			break;
		default:
			break;
		}
	}
}

static TEE_Result inproc_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				      struct tee_param params[TEE_NUM_PARAMS], void **handle,
				      uint32_t *origin)
{
	TEE_Param tp[TEE_NUM_PARAMS];
	TEE_Result res;
	uint32_t types;

	if (memcmp(uuid, &rproc_ta_uuid, sizeof(*uuid))) {
		if (origin)
			*origin = TEE_ORIGIN_TEE;
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	types = to_ta_params(params, tp);
	res = rproc_ta_open_session(ctx->priv, types, tp, handle);
	from_ta_params(tp, params);
	if (origin)
		*origin = TEE_ORIGIN_TRUSTED_APP;
	return res;
}

static void inproc_close_session(struct tee_context *ctx, void *handle)
{
	rproc_ta_close_session(ctx->priv, handle);
}

static TEE_Result inproc_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
				struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	TEE_Param tp[TEE_NUM_PARAMS];
	TEE_Result res;
	uint32_t types;

	types = to_ta_params(params, tp);
	res = rproc_ta_invoke(ctx->priv, handle, cmd, types, tp);
	from_ta_params(tp, params);
	if (origin)
		*origin = TEE_ORIGIN_TRUSTED_APP;
	return res;
}

static void inproc_finalize(struct tee_context *ctx)
{
	ctx->priv = NULL; /* the TA belongs to whoever made it */
}

static const struct tee_transport inproc_transport = {
	.name = "in-process",
	.open_session = inproc_open_session,
	.close_session = inproc_close_session,
	.invoke = inproc_invoke,
	.finalize = inproc_finalize,
};

int tee_inproc_init(struct tee_context *ctx, struct rproc_ta *ta)
{
	if (!ctx || !ta)
		return -EINVAL;
	ctx->ops = &inproc_transport;
	ctx->priv = ta;
	return 0;
}
