// SPDX-License-Identifier: BSD-2-Clause
/*
 * tee_rproc against a fake TEE transport: the exact commands and parameter
 * types of the remoteproc TA contract (DESIGN section 4), the unwinding of a
 * failed START (RELEASE), GET_RSC_TABLE's "no table" and unmappable answers,
 * the SHORT_BUFFER retry of GET_COREDUMP, the STM32 mailbox around stop.
 * Also the generic TEE client's argument checks.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board.h"
#include "common/safe_math.h"
#include "formats/rsc_table.h"
#include "formats/signed_image.h"
#include "normal/drivers/tee_rproc.h"
#include "normal/tee_client/tee_client.h"
#include "rproc_double.h"

#define PT(a, b, c, d)                                                                             \
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_##a, TEE_PARAM_TYPE_##b, TEE_PARAM_TYPE_##c,                \
			TEE_PARAM_TYPE_##d)

#define MAX_CALLS 32
#define RPROC_ID  3u

/* One command as the fake TEE received it. */
struct call {
	uint32_t cmd;	  /* command id (0 for open session) */
	uint32_t types;	  /* parameter types, packed as the TA sees them */
	uint32_t id;	  /* param0 value a */
	size_t size1;	  /* param1 memref size on entry */
	const void *buf1; /* param1 memref buffer */
};

/* The fake TEE: records, answers as scripted, keeps the "loaded" table in its memory. */
struct fake {
	struct call calls[MAX_CALLS];
	unsigned int ncalls;
	unsigned int opens, closes;
	TEE_UUID uuid;		 /* UUID of the last open */
	TEE_Result load_res;	 /* LOAD_FW answer */
	TEE_Result start_res;	 /* START_FW answer */
	char reason[TEE_REASON_MAX]; /* the reason every failure comes with ("" = none) */
	uint32_t rsc[4];	 /* GET_RSC_TABLE outputs: pa lo/hi, size lo/hi */
	struct tbl table;	 /* the firmware's table, put at pa 0x10000000 by LOAD */
	uint8_t shared[0x46000]; /* shared memory at pa 0x10000000 */
	uint8_t dump[300];	 /* what GET_COREDUMP returns */
	bool refuse_map;	 /* the mapper cannot map anything */
	int maps, unmaps;	 /* mapper calls */
	/* mailbox */
	bool ack; /* the firmware acknowledges shutdown */
	unsigned int shutdown_reqs, waited_ms, kicks, last_vq;
	/* rproc log */
	char lines[32][400];
	unsigned int nlines;
};

static struct fake *F;

static const char *cmd_str(uint32_t cmd)
{
	static const char *const n[] = {"OPEN",	   "LOAD", "START",  "STOP",
					"GET_RSC", "DUMP", "RELEASE"};

	return cmd < 7 ? n[cmd] : "?";
}

static uint32_t pack(const struct tee_param *p)
{
	return TEE_PARAM_TYPES(p[0].type, p[1].type, p[2].type, p[3].type);
}

static void rec(uint32_t cmd, const struct tee_param *p)
{
	struct call *c;

	assert_true(F->ncalls < MAX_CALLS);
	c = &F->calls[F->ncalls++];
	c->cmd = cmd;
	c->types = pack(p);
	c->id = p[0].u.value.a;
	c->size1 = p[1].u.memref.size;
	c->buf1 = p[1].u.memref.buffer;
}

static TEE_Result f_open(struct tee_context *ctx, const TEE_UUID *uuid,
			 struct tee_param params[TEE_NUM_PARAMS], void **handle, uint32_t *origin,
			 char *reason)
{
	(void)ctx;
	(void)reason;
	(void)origin;
	F->opens++;
	F->uuid = *uuid;
	rec(0, params);
	*handle = F;
	return TEE_SUCCESS;
}

static void f_close(struct tee_context *ctx, void *handle)
{
	(void)ctx;
	assert_ptr_equal(handle, F);
	F->closes++;
}

static TEE_Result f_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			   struct tee_param p[TEE_NUM_PARAMS], uint32_t *origin, char *reason)
{
	(void)ctx;
	/* What the secure world says with a failure (any bytes: the client sanitises them). */
	memcpy(reason, F->reason, TEE_REASON_MAX);
	assert_ptr_equal(handle, F);
	if (origin)
		*origin = TEE_ORIGIN_TRUSTED_APP;
	rec(cmd, p);
	switch (cmd) {
	case TA_RPROC_CMD_LOAD_FW:
		if (F->load_res == TEE_SUCCESS)
			memcpy(F->shared, F->table.buf, F->table.len);
		return F->load_res;
	case TA_RPROC_CMD_START_FW:
		return F->start_res;
	case TA_RPROC_CMD_GET_RSC_TABLE:
		p[1].u.value.a = F->rsc[0];
		p[1].u.value.b = F->rsc[1];
		p[2].u.value.a = F->rsc[2];
		p[2].u.value.b = F->rsc[3];
		return TEE_SUCCESS;
	case TA_RPROC_CMD_GET_COREDUMP:
		if (p[1].u.memref.size < sizeof(F->dump) || !p[1].u.memref.buffer) {
			p[1].u.memref.size = sizeof(F->dump);
			return TEE_ERROR_SHORT_BUFFER;
		}
		memcpy(p[1].u.memref.buffer, F->dump, sizeof(F->dump));
		p[1].u.memref.size = sizeof(F->dump);
		return TEE_SUCCESS;
	default:
		return TEE_SUCCESS;
	}
}

static const struct tee_transport fake_transport = {
	.name = "fake",
	.open_session = f_open,
	.close_session = f_close,
	.invoke = f_invoke,
};

static void *f_map(void *priv, uint64_t pa, size_t size)
{
	(void)priv;
	if (F->refuse_map || !range_within(pa, size, 0x10000000, sizeof(F->shared)))
		return NULL;
	F->maps++;
	return F->shared + (pa - 0x10000000);
}

static void f_unmap(void *priv, void *va, size_t size)
{
	(void)priv;
	(void)va;
	(void)size;
	F->unmaps++;
}

static int mb_request(void *priv)
{
	(void)priv;
	F->shutdown_reqs++;
	return 0;
}

static int mb_wait(void *priv, unsigned int ms)
{
	(void)priv;
	F->waited_ms = ms;
	return F->ack ? 0 : -ETIMEDOUT;
}

static int mb_kick(void *priv, unsigned int vq)
{
	(void)priv;
	F->kicks++;
	F->last_vq = vq;
	return 0;
}

static const struct rproc_mbox_ops mbox_ops = {mb_request, mb_wait, mb_kick, NULL};

static void log_line(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	if (F->nlines < 32)
		snprintf(F->lines[F->nlines++], sizeof(F->lines[0]), "%s", line);
}

static bool logged(const char *s)
{
	unsigned int i;

	for (i = 0; i < F->nlines; i++)
		if (strstr(F->lines[i], s))
			return true;
	return false;
}

/* A "signed image": only the header matters to the normal world. */
static uint8_t image[64];

static int fw_request(void *priv, const char *name, struct rproc_fw *fw, struct rpt_error *err)
{
	(void)priv;
	(void)name;
	(void)err;
	fw->data = image;
	fw->size = sizeof(image);
	return 0;
}

struct env {
	struct tee_context ctx;
	struct board_rproc desc;
	struct rproc *rproc;
};

static struct env *env_new(unsigned int timeout_ms, bool create)
{
	struct env *e = calloc(1, sizeof(*e));
	struct tee_rproc_config cfg = {0};
	struct rpt_error err = {0};

	assert_non_null(e);
	F = calloc(1, sizeof(*F));
	assert_non_null(F);
	put_le32(image, SIMG_MAGIC);
	tbl_demo(&F->table, NULL);
	F->rsc[0] = 0x10000000;
	F->rsc[2] = (uint32_t)F->table.len;
	F->ack = true;
	for (unsigned int i = 0; i < sizeof(F->dump); i++)
		F->dump[i] = (uint8_t)i;
	e->ctx.ops = &fake_transport;
	/* The fake's table sits where the older vectors keep it: the legacy layout. */
	board_stm32mp15_legacy_layout(&e->desc, false);
	if (!create)
		return e;
	cfg.name = "m4";
	cfg.firmware = "m4-demo.sign";
	cfg.tee = &e->ctx;
	cfg.rproc_id = RPROC_ID;
	cfg.mems = e->desc.mems;
	cfg.num_mems = e->desc.num_mems;
	cfg.mapper.map = f_map;
	cfg.mapper.unmap = f_unmap;
	cfg.mbox.ops = &mbox_ops;
	cfg.mbox.shutdown_timeout_ms = timeout_ms;
	cfg.loader.request = fw_request;
	cfg.log = log_line;
	e->rproc = tee_rproc_create(&cfg, &err);
	if (!e->rproc)
		fail_msg("tee_rproc_create: %s", rpt_error_msg(&err));
	/* Off by default (as Linux): these tests follow the GET_COREDUMP of a recovery. */
	rproc_set_coredump(e->rproc, RPROC_COREDUMP_ENABLED);
	F->ncalls = 0; /* forget the open session */
	return e;
}

static void env_free(struct env *e)
{
	tee_rproc_destroy(e->rproc);
	if (e->rproc) {
		assert_int_equal(F->closes, F->opens);
		assert_int_equal(F->unmaps, F->maps);
	}
	free(F);
	F = NULL;
	free(e);
}

/* The commands so far, as "LOAD GET_RSC START ...". */
static const char *cmds(void)
{
	static char buf[512];
	size_t pos = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < F->ncalls; i++)
		pos += (size_t)snprintf(buf + pos, sizeof(buf) - pos, "%s%s", i ? " " : "",
					cmd_str(F->calls[i].cmd));
	return buf;
}

static void assert_error(struct rproc *rproc, const char *s)
{
	char buf[RPT_ERROR_MSG_MAX];

	rproc_last_error(rproc, buf, sizeof(buf));
	if (!strstr(buf, s))
		fail_msg("error \"%s\" does not say \"%s\"", buf, s);
}

/* ---- TEE client ---- */

static unsigned int transport_calls;

static TEE_Result count_open(struct tee_context *ctx, const TEE_UUID *uuid,
			     struct tee_param params[TEE_NUM_PARAMS], void **handle,
			     uint32_t *origin, char *reason)
{
	(void)reason;
	(void)ctx;
	(void)uuid;
	(void)params;
	(void)origin;
	transport_calls++;
	*handle = &transport_calls;
	return TEE_SUCCESS;
}

static TEE_Result count_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			       struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			       char *reason)
{
	(void)reason;
	(void)ctx;
	(void)handle;
	(void)cmd;
	(void)params;
	(void)origin;
	transport_calls++;
	return TEE_SUCCESS;
}

static void test_tee_client_checks_arguments(void **state)
{
	static const struct tee_transport counting = {
		.name = "count", .open_session = count_open, .invoke = count_invoke};
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_context ctx = {.ops = &counting};
	struct tee_session sess = {0};
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin = 0;

	(void)state;
	memset(p, 0, sizeof(p));
	transport_calls = 0;
	assert_int_equal(tee_open_session(NULL, &uuid, p, &sess, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	assert_int_equal(tee_open_session(&ctx, NULL, p, &sess, &origin), TEE_ERROR_BAD_PARAMETERS);
	p[2].type = 4; /* not a parameter type */
	assert_int_equal(tee_open_session(&ctx, &uuid, p, &sess, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	p[2].type = TEE_PARAM_TYPE_MEMREF_INPUT; /* NULL buffer with a size */
	p[2].u.memref.size = 16;
	assert_int_equal(tee_open_session(&ctx, &uuid, p, &sess, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(transport_calls, 0);
	/* NULL with size 0 is a size query: allowed. */
	p[2].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	p[2].u.memref.size = 0;
	assert_int_equal(tee_open_session(&ctx, &uuid, p, &sess, &origin), TEE_SUCCESS);
	assert_int_equal(transport_calls, 1);
	assert_int_equal(tee_invoke(&sess, 1, NULL, &origin), TEE_SUCCESS);
	assert_int_equal(transport_calls, 2);
	tee_close_session(&sess);
	assert_int_equal(tee_invoke(&sess, 1, NULL, &origin), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	assert_int_equal(transport_calls, 2);
	tee_finalize(&ctx);
	assert_null(ctx.ops);
}

/* ---- tee_rproc ---- */

static void test_session_per_rproc(void **state)
{
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct env *e = env_new(0, false);
	struct tee_rproc_config cfg = {0};
	struct rpt_error err = {0};

	(void)state;
	cfg.name = "m4";
	cfg.tee = &e->ctx;
	cfg.rproc_id = RPROC_ID;
	cfg.mems = e->desc.mems;
	cfg.num_mems = e->desc.num_mems;
	cfg.mapper.map = f_map;
	cfg.mapper.unmap = f_unmap;
	e->rproc = tee_rproc_create(&cfg, &err);
	assert_non_null(e->rproc);
	assert_true(e->rproc->alt_boot);
	assert_int_equal(F->opens, 1);
	assert_memory_equal(&F->uuid, &uuid, sizeof(uuid));
	assert_int_equal(F->calls[0].types, PT(VALUE_INPUT, NONE, NONE, NONE));
	assert_int_equal(F->calls[0].id, RPROC_ID);
	/* Shared memories are mapped for the core, the secure one is not. */
	assert_null(e->rproc->mems[0].va); /* retram */
	assert_non_null(e->rproc->mems[1].va);
	env_free(e);
}

static void test_boot_and_shutdown_commands(void **state)
{
	struct env *e = env_new(0, true);
	struct fw_rsc_vdev *v;
	unsigned int i;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_string_equal(cmds(), "LOAD GET_RSC START");
	assert_int_equal(F->calls[0].types, PT(VALUE_INPUT, MEMREF_INPUT, NONE, NONE));
	assert_ptr_equal(F->calls[0].buf1, image);
	assert_int_equal(F->calls[0].size1, sizeof(image));
	assert_int_equal(F->calls[1].types, PT(VALUE_INPUT, VALUE_OUTPUT, VALUE_OUTPUT, NONE));
	assert_int_equal(F->calls[2].types, PT(VALUE_INPUT, NONE, NONE, NONE));
	/* Resources were handled on the TA's loaded table, through the mapping. */
	v = (struct fw_rsc_vdev *)(F->shared + F->table.off[2] + 4);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->vring[1].da, 0x10041000);
	assert_int_equal(rproc_kick(e->rproc, 1), 0);
	assert_int_equal(F->kicks, 1);
	assert_int_equal(F->last_vq, 1);
	F->ncalls = 0;
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	assert_string_equal(cmds(), "STOP RELEASE");
	assert_int_equal(F->shutdown_reqs, 1);
	assert_int_equal(F->waited_ms, STM32_MBOX_SHUTDOWN_TIMEOUT_MS);
	assert_false(logged("forcing stop"));
	for (i = 0; i < F->ncalls; i++) {
		assert_int_equal(F->calls[i].types, PT(VALUE_INPUT, NONE, NONE, NONE));
		assert_int_equal(F->calls[i].id, RPROC_ID);
	}
	assert_int_equal(F->maps, F->unmaps + 4); /* only the 4 shared memories stay mapped */
	env_free(e);
}

static void test_failed_start_releases(void **state)
{
	struct env *e = env_new(0, true);

	(void)state;
	F->start_res = TEE_ERROR_GENERIC;
	assert_int_equal(rproc_boot(e->rproc), -EIO);
	assert_string_equal(cmds(), "LOAD GET_RSC START RELEASE");
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	assert_error(e->rproc, "start failed: TA START_FW: TEE_ERROR_GENERIC");
	assert_true(logged("remoteproc0: start failed: TA START_FW"));
	env_free(e);
}

static void test_untrusted_image_refused(void **state)
{
	struct env *e = env_new(0, true);

	(void)state;
	F->load_res = TEE_ERROR_SIGNATURE_INVALID;
	assert_int_equal(rproc_boot(e->rproc), -RPT_ESIGNATURE);
	/* A failed LOAD leaves nothing loaded in the TA: nothing to release. */
	assert_string_equal(cmds(), "LOAD");
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	/* The TEE gave the code alone: no cause is guessed, the user is told where to look. */
	assert_error(e->rproc, "load failed: TA LOAD_FW: TEE_ERROR_SIGNATURE_INVALID (no reason "
			       "given: see the secure world's log)");
	env_free(e);
}

/* The secure world's own reason reaches the error as it said it, made safe and bounded. */
static void test_reason_carried_sanitised(void **state)
{
	struct env *e = env_new(0, true);
	char buf[RPT_ERROR_MSG_MAX * 2];
	size_t i;

	(void)state;
	F->load_res = TEE_ERROR_ACCESS_DENIED;
	snprintf(F->reason, sizeof(F->reason), "segment [0x0, +0x140b0) runs past retram");
	assert_int_equal(rproc_boot(e->rproc), -EACCES);
	assert_error(e->rproc, "load failed: TA LOAD_FW: TEE_ERROR_ACCESS_DENIED: segment [0x0, "
			       "+0x140b0) runs past retram");
	rproc_last_error(e->rproc, buf, sizeof(buf));
	assert_null(strstr(buf, "policy or memory map"));
	/* Hostile: an escape sequence, a forged line, bytes over 0x7f, and no NUL at all. */
	memset(F->reason, 'x', sizeof(F->reason));
	memcpy(F->reason, "\x1b[2J\nremoteproc0: running\r\xff", 27);
	assert_int_equal(rproc_boot(e->rproc), -EACCES);
	rproc_last_error(e->rproc, buf, sizeof(buf));
	assert_non_null(strstr(buf, "TEE_ERROR_ACCESS_DENIED: ?[2J?remoteproc0: running??xxx"));
	for (i = 0; buf[i]; i++)
		assert_true(buf[i] >= 0x20 && buf[i] < 0x7f);
	/* Cut to what a reason may hold, and saying so. */
	assert_non_null(strstr(buf, "xxx..."));
	env_free(e);
}

static void test_plain_elf_refused_before_the_ta(void **state)
{
	struct env *e = env_new(0, true);

	(void)state;
	memcpy(image,
	       "\x7f"
	       "ELF",
	       4);
	assert_int_not_equal(rproc_boot(e->rproc), 0);
	assert_string_equal(cmds(), "");
	assert_error(e->rproc, "this is an ELF file, not a signed image");
	assert_error(e->rproc, "sign it with `rproc-sign sign --in FW.elf --out FW.sign --key KEY.pem`");
	env_free(e);
}

static void test_no_resource_table(void **state)
{
	struct env *e = env_new(0, true);
	char buf[8];

	(void)state;
	memset(F->rsc, 0, sizeof(F->rsc));
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_string_equal(cmds(), "LOAD GET_RSC START");
	assert_null(e->rproc->table_ptr);
	assert_int_equal(rproc_trace_read(e->rproc, 0, buf, sizeof(buf)), -ENOENT);
	/* Recovery without a table: nothing to save or restore. */
	F->ncalls = 0;
	rproc_report_crash(e->rproc, RPROC_WATCHDOG);
	rproc_flush_crash_work(e->rproc);
	assert_string_equal(cmds(), "STOP DUMP DUMP LOAD GET_RSC START");
	assert_null(e->rproc->cached_table);
	env_free(e);
}

static void run_bad_table(struct env *e, const char *msg)
{
	assert_int_not_equal(rproc_boot(e->rproc), 0);
	assert_string_equal(cmds(), "LOAD GET_RSC RELEASE");
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	assert_error(e->rproc, msg);
	F->ncalls = 0;
}

static void test_unmappable_table(void **state)
{
	struct env *e = env_new(0, true);

	(void)state;
	/* Outside every memory of the board. */
	F->rsc[0] = 0x50000000;
	run_bad_table(e, "resource table at pa 0x50000000 size 0xc8 is outside every memory");
	/* In secure memory (retram is at pa 0x38000000). */
	F->rsc[0] = 0x38000100;
	run_bad_table(e, "is in memory retram, which the normal world cannot map");
	/* In shared memory, but the mapper cannot map it. */
	F->rsc[0] = 0x10000000;
	F->refuse_map = true;
	run_bad_table(e, "cannot map the resource table at pa 0x10000000 size 0xc8");
	F->refuse_map = false;
	/* A 64-bit address above 4 GiB, a size with a high word, half of a "no table". */
	F->rsc[1] = 1;
	run_bad_table(e, "outside every memory");
	F->rsc[1] = 0;
	F->rsc[3] = 1;
	run_bad_table(e, "TA GET_RSC_TABLE: resource table at pa 0x10000000 with size 0x1000000c8");
	F->rsc[3] = 0;
	F->rsc[2] = 0;
	run_bad_table(e, "with size 0x0");
	env_free(e);
}

static void test_crash_recovery_with_coredump_retry(void **state)
{
	struct env *e = env_new(0, true);
	struct fw_rsc_vdev *v;
	uint8_t *dump;
	size_t len;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_vdev_set_status(e->rproc, 0, 0xf), 0);
	F->ncalls = 0;
	rproc_report_crash(e->rproc, RPROC_WATCHDOG);
	rproc_flush_crash_work(e->rproc);
	/* Crashed: no shutdown request, the firmware cannot answer. */
	assert_int_equal(F->shutdown_reqs, 0);
	assert_string_equal(cmds(), "STOP DUMP DUMP LOAD GET_RSC START");
	assert_int_equal(F->calls[1].types, PT(VALUE_INPUT, MEMREF_OUTPUT, NONE, NONE));
	assert_int_equal(F->calls[1].size1, 0);
	assert_int_equal(F->calls[2].size1, sizeof(F->dump));
	assert_int_equal(rproc_get_coredump(e->rproc, &dump, &len), 0);
	assert_int_equal(len, sizeof(F->dump));
	assert_memory_equal(dump, F->dump, len);
	free(dump);
	/* LOAD rewrote the pristine table; the cache brought back what we wrote. */
	v = (struct fw_rsc_vdev *)(F->shared + F->table.off[2] + 4);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->status, 0xf);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_RUNNING);
	env_free(e);
}

static void test_shutdown_not_acknowledged(void **state)
{
	struct env *e = env_new(0, true);

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	F->ack = false;
	F->ncalls = 0;
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	/* Warned, and stopped hard all the same. */
	assert_true(logged("remoteproc0: shutdown not acknowledged in 500 ms, forcing stop"));
	assert_string_equal(cmds(), "STOP RELEASE");
	env_free(e);

	e = env_new(20, true);
	assert_int_equal(rproc_boot(e->rproc), 0);
	F->ack = false;
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	assert_int_equal(F->waited_ms, 20);
	assert_true(logged("shutdown not acknowledged in 20 ms"));
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tee_client_checks_arguments),
		cmocka_unit_test(test_session_per_rproc),
		cmocka_unit_test(test_boot_and_shutdown_commands),
		cmocka_unit_test(test_failed_start_releases),
		cmocka_unit_test(test_untrusted_image_refused),
		cmocka_unit_test(test_reason_carried_sanitised),
		cmocka_unit_test(test_plain_elf_refused_before_the_ta),
		cmocka_unit_test(test_no_resource_table),
		cmocka_unit_test(test_unmappable_table),
		cmocka_unit_test(test_crash_recovery_with_coredump_retry),
		cmocka_unit_test(test_shutdown_not_acknowledged),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
