// SPDX-License-Identifier: BSD-2-Clause
/*
 * The whole chain in one process: remoteproc core -> tee_rproc -> TEE client
 * (in-process transport) -> the real remoteproc TA -> platform layer -> a
 * recording coprocessor double. The reference signed images boot through the
 * alternate boot on the STM32MP15 layout trusting only rsa2048.pub.pem.
 */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "normal/core/rproc_fw_file.h"
#include "normal/drivers/tee_rproc.h"
#include "normal/tee_client/tee_client.h"
#include "ta_fixture.h"

#define VDEV_OFF 0x88u /* body of the vdev entry in m4-demo's table */
/* Where vectors/isolated's m4-demo keeps its table and trace (shared ipc-shmem, README). */
#define RSC_PA	 0x10046000u
#define TRACE_PA 0x10047000u

struct env {
	struct ta_fixture *f;	 /* board, platform, TA, coprocessor double */
	struct tee_context ctx;	 /* in-process TEE */
	struct rproc_fw_dir dir; /* vectors/isolated/signed */
	struct rproc *rproc;
	char lines[32][400]; /* the rproc's log */
	unsigned int nlines;
};

/* The platform's mapping of a shared memory, as the in-process world has it. */
static void *map_shared(void *priv, uint64_t pa, size_t size)
{
	struct env *e = priv;
	struct plat_rproc *rp = platform_rproc(&e->f->plat, 0);
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = rp->mems[i].desc;

		if (!m->secure && range_within(pa, size, m->pa, m->size))
			return rp->mems[i].host + (pa - m->pa);
	}
	return NULL;
}

static void log_line(void *priv, enum rpt_log_level level, const char *line)
{
	struct env *e = priv;

	(void)level;
	if (e->nlines < 32)
		snprintf(e->lines[e->nlines++], sizeof(e->lines[0]), "%s", line);
}

static struct env *env_new(const char *firmware)
{
	static const char *const keys[] = {"keys/rsa2048.pub.pem", NULL};
	struct ta_fixture_opts o = {.coredump_allowed = true, .keys = keys};
	struct env *e = calloc(1, sizeof(*e));
	struct tee_rproc_config cfg = {0};
	struct rpt_error err = {0};

	assert_non_null(e);
	e->f = ta_fixture_new(&o);
	assert_int_equal(tee_inproc_init(&e->ctx, &rproc_ta_entry, &e->f->ta), 0);
	assert_int_equal(
		rproc_fw_dir_loader(&cfg.loader, &e->dir, rpt_vector_path("isolated/signed")), 0);
	cfg.name = "m4";
	cfg.firmware = firmware;
	cfg.tee = &e->ctx;
	cfg.rproc_id = 0;
	cfg.mems = e->f->board.rprocs[0].mems;
	cfg.num_mems = e->f->board.rprocs[0].num_mems;
	cfg.mapper.map = map_shared;
	cfg.mapper.priv = e;
	cfg.log = log_line;
	cfg.log_priv = e;
	e->rproc = tee_rproc_create(&cfg, &err);
	if (!e->rproc)
		fail_msg("tee_rproc_create: %s", rpt_error_msg(&err));
	/* Off by default (as Linux): the recovery tests read the dump. */
	rproc_set_coredump(e->rproc, RPROC_COREDUMP_ENABLED);
	return e;
}

static void env_free(struct env *e)
{
	tee_rproc_destroy(e->rproc);
	tee_finalize(&e->ctx);
	ta_fixture_free(e->f);
	free(e);
}

static uint8_t *shared_va(struct env *e, uint32_t pa)
{
	uint8_t *p = map_shared(e, pa, 1);

	assert_non_null(p);
	return p;
}

static void test_signed_image_boots(void **state)
{
	static const char hello[] = "m4-demo: hello from the coprocessor\n";
	struct env *e = env_new("m4-demo.rsa2048.sign");
	struct ta_rproc_ctx *ctx = rproc_ta_ctx(&e->f->ta, 0);
	struct fw_rsc_vdev *v;
	char buf[128];

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_RUNNING);
	assert_int_equal(ctx->state, TA_RPROC_STARTED);
	assert_int_equal(e->f->co.starts, 1);
	/* The TA's loaded table got our vrings, through the shared memory. */
	v = (struct fw_rsc_vdev *)(shared_va(e, RSC_PA) + VDEV_OFF);
	assert_int_equal(v->id, 7);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->vring[1].da, 0x10041000);
	assert_int_equal(v->vring[0].notifyid, 0);
	assert_int_equal(v->vring[1].notifyid, 1);
	/* Trace: what the firmware would write at start. */
	memcpy(shared_va(e, TRACE_PA), hello, sizeof(hello));
	assert_int_equal(rproc_trace_read(e->rproc, 0, buf, sizeof(buf)), strlen(hello));
	assert_string_equal(buf, hello);
	/* Shutdown: stopped, released, the TA wiped the firmware. */
	assert_int_equal(rproc_shutdown(e->rproc), 0);
	assert_int_equal(e->f->co.stops, 1);
	assert_int_equal(ctx->state, TA_RPROC_OFF);
	assert_int_equal(v->id, 0);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	env_free(e);
}

static void test_crash_recovery_keeps_vrings(void **state)
{
	struct env *e = env_new("m4-demo.rsa2048.sign");
	struct rpt_error err = {0};
	struct elf32_file core;
	struct rproc_stats st;
	struct fw_rsc_vdev *v;
	uint8_t *dump;
	size_t len;
	unsigned int i, shared;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), 0);
	assert_int_equal(rproc_vdev_set_status(e->rproc, 0, 0x7), 0);
	rproc_report_crash(e->rproc, RPROC_WATCHDOG);
	rproc_flush_crash_work(e->rproc);
	rproc_get_stats(e->rproc, &st);
	assert_int_equal(st.crashes, 1);
	assert_int_equal(st.recoveries, 1);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_RUNNING);
	/* Stopped, re-authenticated and loaded by the TA, started again. */
	assert_int_equal(e->f->co.stops, 1);
	assert_int_equal(e->f->co.starts, 2);
	v = (struct fw_rsc_vdev *)(shared_va(e, RSC_PA) + VDEV_OFF);
	assert_int_equal(v->vring[0].da, 0x10040000);
	assert_int_equal(v->vring[1].da, 0x10041000);
	assert_int_equal(v->status, 0x7);
	/* The TA's coredump: an ELF core of the board's memories the normal world shares. */
	assert_int_equal(rproc_get_coredump(e->rproc, &dump, &len), 0);
	assert_int_equal(elf32_open_any(&core, dump, len, true, &err), 0);
	assert_int_equal(core.ehdr.e_type, ET_CORE);
	for (i = 0, shared = 0; i < e->f->board.rprocs[0].num_mems; i++)
		shared += !e->f->board.rprocs[0].mems[i].secure;
	assert_int_equal(elf32_phnum(&core), shared);
	elf32_close(&core);
	free(dump);
	env_free(e);
}

static void test_untrusted_key_refused(void **state)
{
	struct env *e = env_new("m4-demo.ecp256.sign");
	char buf[RPT_ERROR_MSG_MAX];
	unsigned int i;
	bool seen = false;

	(void)state;
	assert_int_equal(rproc_boot(e->rproc), -RPT_ESIGNATURE);
	assert_int_equal(rproc_get_state(e->rproc), RPROC_OFFLINE);
	assert_int_equal(e->f->co.starts, 0);
	assert_int_equal(rproc_ta_ctx(&e->f->ta, 0)->state, TA_RPROC_OFF);
	rproc_last_error(e->rproc, buf, sizeof(buf));
	/* The TA's own reason, through the in-process transport, not a text guessed from the code. */
	assert_non_null(strstr(buf, "load failed: TA LOAD_FW: TEE_ERROR_SIGNATURE_INVALID: rproc 0: "
				    "signature: ECDSA P-256 signature does not verify with any of "
				    "the 1 trusted key"));
	for (i = 0; i < e->nlines; i++)
		seen |= strstr(e->lines[i],
			       "remoteproc0: load failed: TA LOAD_FW: TEE_ERROR_SIGNATURE_INVALID") !=
			NULL;
	assert_true(seen);
	/* No byte of the refused image reached the shared memory. */
	assert_int_equal(shared_va(e, RSC_PA)[0], 0);
	env_free(e);
}

/* The in-process transport: one TA by UUID, parameters converted both ways. */
static void test_inproc_transport(void **state)
{
	static const TEE_UUID other = {0x12345678, 0x1, 0x2, {1, 2, 3, 4, 5, 6, 7, 8}};
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct env *e = env_new("m4-demo.rsa2048.sign");
	struct tee_param p[TEE_NUM_PARAMS];
	struct tee_session sess = {0};
	uint32_t origin = 0;

	(void)state;
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_open_session(&e->ctx, &other, p, &sess, &origin),
			 TEE_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(origin, TEE_ORIGIN_TEE);
	p[0].u.value.a = 9; /* not on the board */
	assert_int_equal(tee_open_session(&e->ctx, &uuid, p, &sess, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	p[0].u.value.a = 0;
	assert_int_equal(tee_open_session(&e->ctx, &uuid, p, &sess, &origin), TEE_SUCCESS);
	assert_int_equal(rproc_boot(e->rproc), 0);
	/* Value outputs come back. */
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[1].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	p[2].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_GET_RSC_TABLE, p, &origin), TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, RSC_PA);
	assert_int_equal(p[2].u.value.a, 0xc8);
	/* A memref output's needed size comes back with SHORT_BUFFER (of a stopped core). */
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_STOP_FW, p, &origin), TEE_SUCCESS);
	p[1].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_GET_COREDUMP, p, &origin),
			 TEE_ERROR_SHORT_BUFFER);
	assert_true(p[1].u.memref.size > 0);
	/* The wrong parameter types are the TA's to refuse. */
	p[1].type = TEE_PARAM_TYPE_NONE;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_LOAD_FW, p, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	tee_close_session(&sess);
	env_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_signed_image_boots),
		cmocka_unit_test(test_crash_recovery_keeps_vrings),
		cmocka_unit_test(test_untrusted_key_refused),
		cmocka_unit_test(test_inproc_transport),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
