// SPDX-License-Identifier: BSD-2-Clause
/*
 * The remoteproc TA: sessions, parameter checks, the state machine of DESIGN
 * section 4, and the small commands. LOAD_FW lives in ta_load.c.
 */
#include "secure/ta/rproc_ta.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/tee_result.h"
#include "formats/coredump.h"
#include "ta_internal.h"

#define PT(a, b, c, d)                                                                             \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, TEE_PARAM_TYPE_##c,                \
			TEE_PARAM_TYPE_##d)

void ta_log(struct rproc_ta *ta, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX + 64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (ta->log)
		ta->log(ta->log_priv, msg);
	else
		fprintf(stderr, "remoteproc TA: %s\n", msg);
}

int rproc_ta_init(struct rproc_ta *ta, struct platform *plat, struct rpt_error *err)
{
	unsigned int i;

	memset(ta, 0, sizeof(*ta));
	if (plat->num_rprocs > BOARD_MAX_RPROCS)
		return rpt_error_set(err, EINVAL, "platform has too many coprocessors");
	if (pthread_mutex_init(&ta->lock, NULL))
		return rpt_error_set(err, ENOMEM, "cannot create the TA lock");
	ta->plat = plat;
	for (i = 0; i < plat->num_rprocs; i++) {
		ta->ctx[i].plat = &plat->rprocs[i];
		ta->ctx[i].id = plat->rprocs[i].desc->id;
	}
	ta->num_ctx = plat->num_rprocs;
	return 0;
}

void rproc_ta_exit(struct rproc_ta *ta)
{
	unsigned int i;

	for (i = 0; i < ta->num_ctx; i++) {
		struct ta_rproc_ctx *ctx = &ta->ctx[i];

		if (ctx->state == TA_RPROC_STARTED)
			plat_stop(ctx->plat, NULL);
		ta_wipe_written(ctx);
	}
	pthread_mutex_destroy(&ta->lock);
}

struct ta_rproc_ctx *rproc_ta_ctx(struct rproc_ta *ta, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < ta->num_ctx; i++)
		if (ta->ctx[i].id == id)
			return &ta->ctx[i];
	return NULL;
}

void ta_wipe_written(struct ta_rproc_ctx *ctx)
{
	unsigned int i;

	/*
	 * Nothing written since the last wipe (a LOAD after RELEASE): the firmware
	 * only runs after a LOAD wrote, so every secure byte is still zero.
	 */
	if (ctx->secure_zero && !ctx->num_written)
		return;
	/* Shared memories: what LOAD put there (the rest is the normal world's anyway). */
	for (i = 0; i < ctx->num_written; i++)
		if (plat_da_is_shared(ctx->plat, ctx->written[i].da, ctx->written[i].size))
			plat_set_memory(ctx->plat, ctx->written[i].da, ctx->written[i].size, 0,
					NULL);
	/*
	 * Secure memories whole: the firmware's own run-time writes must not outlive
	 * it. What LOAD wrote is zeroed in place, kept for the next LOAD.
	 */
	plat_wipe_secure(ctx->plat, ctx->written, ctx->num_written);
	ctx->num_written = 0;
	ctx->secure_zero = true;
}

/* A failure's reason for the caller: sanitised into reason (NULL: nobody asked). */
static void give_reason(char *reason, const char *msg)
{
	if (reason)
		tee_reason_sanitize(reason, msg, TEE_REASON_MAX);
}

/* Refuse a call before it reaches a context: log it and give it as the reason. */
static TEE_Result refuse_call(struct rproc_ta *ta, char *reason, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static TEE_Result refuse_call(struct rproc_ta *ta, char *reason, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ta_log(ta, "%s", msg);
	give_reason(reason, msg);
	return TEE_ERROR_BAD_PARAMETERS;
}

TEE_Result rproc_ta_open_session_reason(struct rproc_ta *ta, uint32_t param_types,
					TEE_Param params[TEE_NUM_PARAMS], void **session,
					char *reason)
{
	struct ta_rproc_ctx *ctx;

	give_reason(reason, "");
	if (param_types != PT(VALUE_INPUT, NONE, NONE, NONE))
		return refuse_call(ta, reason,
				   "open session: parameter types 0x%04x, the TA takes 0x%04x",
				   param_types, PT(VALUE_INPUT, NONE, NONE, NONE));
	pthread_mutex_lock(&ta->lock);
	/* Only the board's coprocessors exist: no context is ever made for another id. */
	ctx = rproc_ta_ctx(ta, params[0].value.a);
	if (ctx)
		ctx->sessions++;
	pthread_mutex_unlock(&ta->lock);
	if (!ctx)
		return refuse_call(ta, reason, "open session: rproc id %u is not on this board",
				   params[0].value.a);
	*session = ctx;
	return TEE_SUCCESS;
}

TEE_Result rproc_ta_open_session(struct rproc_ta *ta, uint32_t param_types,
				 TEE_Param params[TEE_NUM_PARAMS], void **session)
{
	return rproc_ta_open_session_reason(ta, param_types, params, session, NULL);
}

void rproc_ta_close_session(struct rproc_ta *ta, void *session)
{
	struct ta_rproc_ctx *ctx = session;

	pthread_mutex_lock(&ta->lock);
	if (ctx && ctx->sessions)
		ctx->sessions--;
	pthread_mutex_unlock(&ta->lock);
}

static int cmd_start(struct rproc_ta *ta, struct ta_rproc_ctx *ctx)
{
	int ret;

	if (ctx->state == TA_RPROC_STARTED)
		return 0;
	if (ctx->state != TA_RPROC_LOADED)
		return rpt_error_set(&ctx->last_error, RPT_ESTATE,
				     "START_FW with no firmware loaded");
	ret = ta_check_bootable(ctx);
	if (!ret)
		ret = ta_check_isolation(ta, ctx);
	if (!ret)
		ret = ta_check_reset_vector(ctx);
	if (ret)
		return ret;
	ret = plat_start(ctx->plat, ctx->boot_addr, &ctx->last_error);
	if (!ret)
		ctx->state = TA_RPROC_STARTED;
	return ret;
}

static int cmd_stop(struct ta_rproc_ctx *ctx)
{
	int ret;

	if (ctx->state == TA_RPROC_OFF)
		return 0;
	if (ctx->state != TA_RPROC_STARTED)
		return rpt_error_set(&ctx->last_error, RPT_ESTATE,
				     "STOP_FW on firmware that was loaded but never started");
	ret = plat_stop(ctx->plat, &ctx->last_error);
	if (ret)
		return ret;
	/* Memory keeps the stopped firmware until RELEASE or the next LOAD: Linux dumps it now. */
	ctx->state = TA_RPROC_OFF;
	ctx->dump_valid = true;
	ctx->has_rsc = false;
	return 0;
}

static int cmd_release(struct ta_rproc_ctx *ctx)
{
	if (ctx->state == TA_RPROC_STARTED)
		return rpt_error_set(&ctx->last_error, RPT_ESTATE,
				     "RELEASE_FW while the firmware runs (stop it first)");
	ta_wipe_written(ctx);
	ctx->state = TA_RPROC_OFF;
	ctx->dump_valid = false;
	ctx->has_rsc = false;
	memset(ctx->image_id, 0, sizeof(ctx->image_id));
	return 0;
}

static int cmd_get_rsc_table(struct ta_rproc_ctx *ctx, TEE_Param *params)
{
	uint64_t pa = 0, size = 0;
	int ret;

	if (ctx->state == TA_RPROC_OFF)
		return rpt_error_set(&ctx->last_error, RPT_ESTATE,
				     "GET_RSC_TABLE with no firmware loaded");
	if (ctx->has_rsc) {
		ret = plat_da_to_pa(ctx->plat, ctx->rsc_da, ctx->rsc_size, &pa, &ctx->last_error);
		if (ret)
			return ret;
		size = ctx->rsc_size;
	}
	params[1].value.a = (uint32_t)pa;
	params[1].value.b = (uint32_t)(pa >> 32);
	params[2].value.a = (uint32_t)size;
	params[2].value.b = (uint32_t)(size >> 32);
	return 0;
}

/*
 * GET_COREDUMP: the memories the board's policy lets out (plat_dump_segments)
 * and the registers of the core when it stopped or crashed. Only of a core
 * that is not running: after STOP (the memory still holds the firmware, as
 * Linux dumps it on recovery) or while STARTED if the core has crashed.
 */
static int cmd_get_coredump(struct ta_rproc_ctx *ctx, TEE_Param *params)
{
	struct coredump_segment segs[BOARD_MAX_MEMS];
	struct coredump_regs regs;
	bool have_regs;
	size_t need;
	int n, ret;

	n = plat_dump_segments(ctx->plat, segs, &ctx->last_error);
	if (n < 0)
		return n;
	if (ctx->state != TA_RPROC_STARTED && !ctx->dump_valid)
		return rpt_error_set(&ctx->last_error, ENODATA,
				     "GET_COREDUMP: no firmware to dump");
	ret = plat_get_regs(ctx->plat, &regs, NULL); /* without registers: no note */
	if (ret == -RPT_ESTATE || (ret && ctx->state == TA_RPROC_STARTED))
		return rpt_error_set(&ctx->last_error, RPT_ESTATE,
				     "GET_COREDUMP while the firmware runs (stop it first)");
	have_regs = !ret;
	need = coredump_size(segs, (unsigned int)n, have_regs ? &regs : NULL);
	if (!need)
		return rpt_error_set(&ctx->last_error, EINVAL, "GET_COREDUMP: memories too large");
	if (params[1].memref.size < need || !params[1].memref.buffer) {
		params[1].memref.size = need;
		return -ENOSPC;
	}
	params[1].memref.size = need;
	return coredump_write(segs, (unsigned int)n, have_regs ? &regs : NULL,
			      params[1].memref.buffer, need, &ctx->last_error);
}

/* Exact parameter types per command: anything else is BAD_PARAMETERS. */
static uint32_t expected_types(uint32_t cmd)
{
	switch (cmd) {
	case TA_RPROC_CMD_LOAD_FW:
		return PT(VALUE_INPUT, MEMREF_INPUT, NONE, NONE);
	case TA_RPROC_CMD_START_FW:
	case TA_RPROC_CMD_STOP_FW:
	case TA_RPROC_CMD_RELEASE_FW:
		return PT(VALUE_INPUT, NONE, NONE, NONE);
	case TA_RPROC_CMD_GET_RSC_TABLE:
		return PT(VALUE_INPUT, VALUE_OUTPUT, VALUE_OUTPUT, NONE);
	case TA_RPROC_CMD_GET_COREDUMP:
		return PT(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE);
	default:
		return 0;
	}
}

static int dispatch(struct rproc_ta *ta, struct ta_rproc_ctx *ctx, uint32_t cmd, TEE_Param *p)
{
	switch (cmd) {
	case TA_RPROC_CMD_LOAD_FW:
		return ta_load_fw(ta, ctx, p[1].memref.buffer, p[1].memref.size);
	case TA_RPROC_CMD_START_FW:
		return cmd_start(ta, ctx);
	case TA_RPROC_CMD_STOP_FW:
		return cmd_stop(ctx);
	case TA_RPROC_CMD_GET_RSC_TABLE:
		return cmd_get_rsc_table(ctx, p);
	case TA_RPROC_CMD_GET_COREDUMP:
		return cmd_get_coredump(ctx, p);
	case TA_RPROC_CMD_RELEASE_FW:
		return cmd_release(ctx);
	default:
		return -EINVAL;
	}
}

TEE_Result rproc_ta_invoke_reason(struct rproc_ta *ta, void *session, uint32_t cmd,
				  uint32_t param_types, TEE_Param params[TEE_NUM_PARAMS],
				  char *reason)
{
	struct ta_rproc_ctx *ctx = session;
	uint32_t want = expected_types(cmd);
	TEE_Result res;
	int ret;

	give_reason(reason, "");
	/* An unknown command id is a bad parameter for OP-TEE's TA too. */
	if (!want)
		return refuse_call(ta, reason, "command %u unknown", cmd);
	if (!ctx)
		return refuse_call(ta, reason, "%s without a session", ta_rproc_cmd_name(cmd));
	if (param_types != want)
		return refuse_call(ta, reason, "%s: parameter types 0x%04x, it takes 0x%04x",
				   ta_rproc_cmd_name(cmd), param_types, want);
	/* The session was opened for one id; a command for another is refused. */
	if (params[0].value.a != ctx->id)
		return refuse_call(ta, reason, "%s for rproc id %u on a session of rproc %u",
				   ta_rproc_cmd_name(cmd), params[0].value.a, ctx->id);
	pthread_mutex_lock(&ta->lock);
	rpt_error_clear(&ctx->last_error);
	ret = dispatch(ta, ctx, cmd, params);
	res = tee_result_from_err(ret);
	if (ret && ret != -ENOSPC) {
		ta_log(ta, "rproc %u: %s failed (%s): %s", ctx->id, ta_rproc_cmd_name(cmd),
		       tee_result_name(res), rpt_error_msg(&ctx->last_error));
		/* Read under the lock: the next command on this id clears it. */
		give_reason(reason, rpt_error_msg(&ctx->last_error));
	}
	pthread_mutex_unlock(&ta->lock);
	return res;
}

TEE_Result rproc_ta_invoke(struct rproc_ta *ta, void *session, uint32_t cmd, uint32_t param_types,
			   TEE_Param params[TEE_NUM_PARAMS])
{
	return rproc_ta_invoke_reason(ta, session, cmd, param_types, params, NULL);
}

static TEE_Result entry_open_session(void *ta, uint32_t param_types,
				     TEE_Param params[TEE_NUM_PARAMS], void **session, char *reason)
{
	return rproc_ta_open_session_reason(ta, param_types, params, session, reason);
}

static void entry_close_session(void *ta, void *session)
{
	rproc_ta_close_session(ta, session);
}

static TEE_Result entry_invoke(void *ta, void *session, uint32_t cmd, uint32_t param_types,
			       TEE_Param params[TEE_NUM_PARAMS], char *reason)
{
	return rproc_ta_invoke_reason(ta, session, cmd, param_types, params, reason);
}

const struct tee_ta_entry rproc_ta_entry = {
	.uuid = TA_RPROC_UUID,
	.open_session = entry_open_session,
	.close_session = entry_close_session,
	.invoke = entry_invoke,
};
