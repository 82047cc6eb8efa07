// SPDX-License-Identifier: BSD-2-Clause
#include "ta_fixture.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board_dt.h"
#include "formats/elf32.h"
#include "testutil.h"

static int double_start(void *priv, uint32_t boot_addr)
{
	struct coproc_double *d = priv;

	if (d->fail_start)
		return d->fail_start;
	d->starts++;
	d->boot_addr = boot_addr;
	return 0;
}

static int double_stop(void *priv)
{
	struct coproc_double *d = priv;

	d->stops++;
	return 0;
}

/* Like the emulator: no registers of a running core, the captured ones otherwise. */
static int double_get_regs(void *priv, struct coredump_regs *regs)
{
	struct coproc_double *d = priv;

	if (d->starts > d->stops && !d->crashed)
		return -RPT_ESTATE;
	if (!d->have_regs)
		return -ENODATA;
	*regs = d->regs;
	return 0;
}

static const struct coproc_ops double_ops = {
	.start = double_start, .stop = double_stop, .get_regs = double_get_regs};

static void capture_log(void *priv, const char *msg)
{
	struct ta_fixture *f = priv;

	snprintf(f->last_log, sizeof(f->last_log), "%s", msg);
	f->logs++;
}

/* One memory of the STM32MP25 DDR board (device address = physical address). */
static void add_mp2_mem(struct board_rproc *rp, const char *name, uint32_t da, uint32_t size,
			bool secure, bool loadable)
{
	struct board_memory *m = &rp->mems[rp->num_mems++];

	snprintf(m->name, sizeof(m->name), "%s", name);
	m->da = da;
	m->pa = da;
	m->size = size;
	m->secure = secure;
	m->loadable = loadable;
}

/* The memories of boards/vstm32mp25-m33-ddr-tee.dts (test_board_dt checks that file). */
static void describe_mp2_ddr(struct board_rproc *rp)
{
	snprintf(rp->compatible, sizeof(rp->compatible), "%s", BOARD_COMPAT_M33_TEE);
	snprintf(rp->cpu, sizeof(rp->cpu), "cortex-m33");
	rp->num_mems = 0;
	add_mp2_mem(rp, "cm33-fw", 0x80100000, 9 << 20, true, true);
	add_mp2_mem(rp, "cm33-data", 0x80A00000, 8 << 20, true, true);
	add_mp2_mem(rp, "ipc-shmem", 0x81200000, 0xF8000, false, true);
	add_mp2_mem(rp, "vdev0vring0", 0x812F8000, 4 << 10, false, false);
	add_mp2_mem(rp, "vdev0vring1", 0x812F9000, 4 << 10, false, false);
	add_mp2_mem(rp, "vdev0buffer", 0x812FA000, 24 << 10, false, false);
}

static void describe_board(struct ta_fixture *f, const struct ta_fixture_opts *o)
{
	struct board_rproc *rp = &f->board.rprocs[0];
	unsigned int i;

	snprintf(f->board.model, sizeof(f->board.model), "test-stm32mp15");
	f->board.num_rprocs = 1;
	rp->id = 0;
	snprintf(rp->name, sizeof(rp->name), "m4");
	rp->tee = true;
	rp->boot.boot_addr = o->boot_addr;
	if (o->mp2_ddr)
		describe_mp2_ddr(rp);
	else if (o->legacy)
		board_stm32mp15_legacy_layout(rp, o->ddr);
	else
		board_stm32mp15_layout(rp, o->ddr);
	rp->policy.coredump_allowed = o->coredump_allowed;
	rp->policy.coredump_secure = o->coredump_secure;
	rp->policy.allow_unversioned = !o->versioned_only;
	if (o->rollback_state)
		snprintf(rp->policy.rollback_state, sizeof(rp->policy.rollback_state), "%s",
			 o->rollback_state);
	for (i = 0; o->keys && o->keys[i]; i++)
		snprintf(rp->policy.trusted_keys[i], BOARD_PATH_MAX, "%s",
			 rpt_vector_path(o->keys[i]));
	rp->policy.num_keys = i;
}

struct ta_fixture *ta_fixture_new(const struct ta_fixture_opts *o)
{
	struct ta_fixture *f = calloc(1, sizeof(*f));
	struct rpt_error err = {0};
	TEE_Param p[4] = {0};

	assert_non_null(f);
	describe_board(f, o);
	if (platform_init(&f->plat, &f->board, &err))
		fail_msg("platform_init: %s", rpt_error_msg(&err));
	platform_attach_coproc(platform_rproc(&f->plat, 0), &double_ops, &f->co);
	if (rproc_ta_init(&f->ta, &f->plat, &err))
		fail_msg("rproc_ta_init: %s", rpt_error_msg(&err));
	f->ta.log = capture_log;
	f->ta.log_priv = f;
	p[0].value.a = 0;
	assert_int_equal(rproc_ta_open_session(&f->ta,
					       TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0),
					       p, &f->sess),
			 TEE_SUCCESS);
	return f;
}

void ta_fixture_free(struct ta_fixture *f)
{
	rproc_ta_close_session(&f->ta, f->sess);
	rproc_ta_exit(&f->ta);
	platform_exit(&f->plat);
	free(f);
}

TEE_Result ta_load(struct ta_fixture *f, const void *img, size_t size)
{
	TEE_Param p[4] = {0};

	p[0].value.a = 0;
	p[1].memref.buffer = (void *)img;
	p[1].memref.size = size;
	return rproc_ta_invoke(
		&f->ta, f->sess, TA_RPROC_CMD_LOAD_FW,
		TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_INPUT, 0, 0), p);
}

TEE_Result ta_simple(struct ta_fixture *f, uint32_t cmd)
{
	TEE_Param p[4] = {0};

	return rproc_ta_invoke(&f->ta, f->sess, cmd,
			       TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0), p);
}

TEE_Result ta_get_rsc(struct ta_fixture *f, uint64_t *pa, uint64_t *size)
{
	TEE_Param p[4] = {0};
	TEE_Result res;

	res = rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_GET_RSC_TABLE,
			      TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
					      TEE_PARAM_TYPE_VALUE_OUTPUT,
					      TEE_PARAM_TYPE_VALUE_OUTPUT, 0),
			      p);
	*pa = (uint64_t)p[1].value.b << 32 | p[1].value.a;
	*size = (uint64_t)p[2].value.b << 32 | p[2].value.a;
	return res;
}

uint8_t *ta_snapshot(struct ta_fixture *f, size_t *len)
{
	struct plat_rproc *rp = platform_rproc(&f->plat, 0);
	size_t total = 0, pos = 0;
	unsigned int i;
	uint8_t *buf;

	for (i = 0; i < rp->num_mems; i++)
		total += rp->mems[i].desc->size;
	buf = malloc(total);
	assert_non_null(buf);
	for (i = 0; i < rp->num_mems; i++) {
		memcpy(buf + pos, rp->mems[i].host, rp->mems[i].desc->size);
		pos += rp->mems[i].desc->size;
	}
	*len = total;
	return buf;
}

static bool elf_loaded(struct ta_fixture *f, const char *path)
{
	struct plat_rproc *rp = platform_rproc(&f->plat, 0);
	struct rpt_error err = {0};
	struct elf32_file elf;
	bool ok = true;
	unsigned int i;
	uint32_t k;
	size_t size;
	uint8_t *data = rpt_slurp(rpt_vector_path(path), &size);

	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	for (i = 0; i < elf32_phnum(&elf) && ok; i++) {
		const Elf32_Phdr *ph = elf32_phdr(&elf, i);
		const uint8_t *mem;

		if (ph->p_type != PT_LOAD)
			continue;
		mem = plat_da_to_va(rp, ph->p_paddr, ph->p_memsz);
		ok = mem && !memcmp(mem, elf32_segment_data(&elf, ph), ph->p_filesz);
		for (k = ph->p_filesz; ok && k < ph->p_memsz; k++)
			ok = mem[k] == 0;
	}
	elf32_close(&elf);
	free(data);
	return ok;
}

bool ta_segments_loaded(struct ta_fixture *f, const char *const *elfs)
{
	for (; *elfs; elfs++)
		if (!elf_loaded(f, *elfs))
			return false;
	return true;
}
