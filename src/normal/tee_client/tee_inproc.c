// SPDX-License-Identifier: BSD-2-Clause
/*
 * In-process transport: a TA linked into this program, reached through its
 * entry points (struct tee_ta_entry). Converts the client's parameters to the
 * TA's (packed types + TEE_Param) and back, and only knows that one TA: any
 * other UUID is ITEM_NOT_FOUND, as a TEE without that TA would answer.
 *
 * Memref outputs go through a bounce buffer, as GlobalPlatform's temporary
 * memory references do, so that the one output rule (tee_params_out) holds
 * here too: a failed call leaves the caller's buffers as they were. Inputs are
 * shared as they are (no copy: the TA only reads them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "normal/tee_client/tee_client.h"

/* ctx->priv. */
struct tee_inproc {
	const struct tee_ta_entry *entry; /* the TA's entry points (not owned) */
	void *ta;			  /* the TA instance given to them (not owned) */
};

/* One call's TA parameters and the bounce buffers of its memref outputs. */
struct inproc_call {
	TEE_Param tp[TEE_NUM_PARAMS]; /* what the TA sees */
	void *bounce[TEE_NUM_PARAMS]; /* memref output i: the TA's buffer, or NULL */
};

static void call_free(struct inproc_call *c)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++)
		free(c->bounce[i]);
}

/* Caller's parameters -> the TA's. Returns the packed types, or TEE_ERROR_* in *res. */
static uint32_t call_prepare(struct inproc_call *c, const struct tee_param *in, TEE_Result *res)
{
	uint32_t types = 0;
	unsigned int i;

	memset(c, 0, sizeof(*c));
	*res = TEE_SUCCESS;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_param *p = &in[i];
		TEE_Param *t = &c->tp[i];

		types |= (p->type & 0xFu) << (i * 4);
		if (tee_param_is_value(p->type)) {
			t->value.a = p->u.value.a;
			t->value.b = p->u.value.b;
			continue;
		}
		if (!tee_param_is_memref(p->type))
			continue;
		t->memref.buffer = p->u.memref.buffer;
		t->memref.size = p->u.memref.size;
		if (!tee_param_is_output(p->type) || !p->u.memref.size)
			continue;
		c->bounce[i] = malloc(p->u.memref.size);
		if (!c->bounce[i]) {
			call_free(c);
			*res = TEE_ERROR_OUT_OF_MEMORY;
			return 0;
		}
		if (p->type == TEE_PARAM_TYPE_MEMREF_INOUT)
			memcpy(c->bounce[i], p->u.memref.buffer, p->u.memref.size);
		t->memref.buffer = c->bounce[i];
	}
	return types;
}

static int fetch_bounce(void *priv, unsigned int i, void *dst, size_t len)
{
	struct inproc_call *c = priv;

	if (!c->bounce[i])
		return -EPROTO; /* the TA wrote into a zero-sized buffer: cannot happen */
	memcpy(dst, c->bounce[i], len);
	return 0;
}

/* The TA's answer -> the caller's parameters (tee_params_out), then the bounce buffers go. */
static TEE_Result call_finish(struct inproc_call *c, struct tee_param *params, TEE_Result res)
{
	struct tee_param_reply reply[TEE_NUM_PARAMS];
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		reply[i].a = c->tp[i].value.a;
		reply[i].b = c->tp[i].value.b;
		reply[i].size = tee_param_is_memref(params[i].type) ? c->tp[i].memref.size : 0;
	}
	if (tee_params_out(params, res, reply, fetch_bounce, c))
		res = TEE_ERROR_GENERIC; /* the TA claims more bytes than the buffer holds */
	call_free(c);
	return res;
}

static TEE_Result inproc_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				      struct tee_param params[TEE_NUM_PARAMS], void **handle,
				      uint32_t *origin, char *reason)
{
	struct tee_inproc *ip = ctx->priv;
	struct inproc_call c;
	TEE_Result res;
	uint32_t types;

	if (memcmp(uuid, &ip->entry->uuid, sizeof(*uuid))) {
		if (origin)
			*origin = TEE_ORIGIN_TEE;
		return TEE_ERROR_ITEM_NOT_FOUND;
	}
	types = call_prepare(&c, params, &res);
	if (res != TEE_SUCCESS)
		return res; /* origin API: nothing reached the TA */
	res = ip->entry->open_session(ip->ta, types, c.tp, handle, reason);
	if (origin)
		*origin = TEE_ORIGIN_TRUSTED_APP;
	return call_finish(&c, params, res);
}

static void inproc_close_session(struct tee_context *ctx, void *handle)
{
	struct tee_inproc *ip = ctx->priv;

	ip->entry->close_session(ip->ta, handle);
}

static TEE_Result inproc_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
				struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
				char *reason)
{
	struct tee_inproc *ip = ctx->priv;
	struct inproc_call c;
	TEE_Result res;
	uint32_t types;

	types = call_prepare(&c, params, &res);
	if (res != TEE_SUCCESS)
		return res;
	res = ip->entry->invoke(ip->ta, handle, cmd, types, c.tp, reason);
	if (origin)
		*origin = TEE_ORIGIN_TRUSTED_APP;
	return call_finish(&c, params, res);
}

static void inproc_finalize(struct tee_context *ctx)
{
	free(ctx->priv); /* the TA belongs to whoever made it */
	ctx->priv = NULL;
}

static const struct tee_transport inproc_transport = {
	.name = "in-process",
	/* The TA in this process logs to this process's log. */
	.reason_where = "the secure world's lines in this daemon's log (\"remoteproc TA: ...\")",
	.open_session = inproc_open_session,
	.close_session = inproc_close_session,
	.invoke = inproc_invoke,
	.finalize = inproc_finalize,
};

int tee_inproc_init(struct tee_context *ctx, const struct tee_ta_entry *entry, void *ta)
{
	struct tee_inproc *ip;

	if (!ctx || !entry || !entry->open_session || !entry->close_session || !entry->invoke ||
	    !ta)
		return -EINVAL;
	ip = calloc(1, sizeof(*ip));
	if (!ip)
		return -ENOMEM;
	ip->entry = entry;
	ip->ta = ta;
	ctx->ops = &inproc_transport;
	ctx->priv = ip;
	return 0;
}
