// SPDX-License-Identifier: BSD-2-Clause
#include "board/board.h"

#include <stdio.h>
#include <string.h>

#include "common/safe_math.h"

const struct board_rproc *board_find_rproc(const struct board *b, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < b->num_rprocs; i++)
		if (b->rprocs[i].id == id)
			return &b->rprocs[i];
	return NULL;
}

bool board_has_tee(const struct board *b)
{
	unsigned int i;

	for (i = 0; i < b->num_rprocs; i++)
		if (b->rprocs[i].tee)
			return true;
	return false;
}

const struct board_memory *board_find_memory(const struct board_rproc *rp, uint32_t da,
					     uint32_t size)
{
	/*
	 * An empty range is the position da: it must be a byte of the memory,
	 * else [end, end) would "fit" one past the end of every memory.
	 */
	uint32_t len = size ? size : 1;
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++)
		if (range_within(da, len, rp->mems[i].da, rp->mems[i].size))
			return &rp->mems[i];
	return NULL;
}

const struct board_memory *board_memory_by_name(const struct board_rproc *rp, const char *name)
{
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++)
		if (!strcmp(rp->mems[i].name, name))
			return &rp->mems[i];
	return NULL;
}

static void add_mem(struct board_rproc *rp, const char *name, uint32_t da, uint64_t pa,
		    uint32_t size, bool secure, bool loadable)
{
	struct board_memory *m = &rp->mems[rp->num_mems++];

	snprintf(m->name, sizeof(m->name), "%s", name);
	m->da = da;
	m->pa = pa;
	m->size = size;
	m->secure = secure;
	m->loadable = loadable;
}

/* Both STM32MP15 layouts: they differ only in mcuram2's kind and in ipc-shmem. */
static void stm32mp15_mems(struct board_rproc *rp, bool legacy, bool with_ddr)
{
	rp->num_mems = 0;
	add_mem(rp, "retram", 0x00000000, 0x38000000, 64 << 10, true, true);
	add_mem(rp, "mcuram2", 0x10000000, 0x10000000, 256 << 10, !legacy, true);
	add_mem(rp, "vdev0vring0", 0x10040000, 0x10040000, 4 << 10, false, false);
	add_mem(rp, "vdev0vring1", 0x10041000, 0x10041000, 4 << 10, false, false);
	add_mem(rp, "vdev0buffer", 0x10042000, 0x10042000, 16 << 10, false, false);
	if (!legacy)
		add_mem(rp, "ipc-shmem", 0x10046000, 0x10046000, 40 << 10, false, true);
	if (with_ddr)
		add_mem(rp, "ddr", 0x90000000, 0xC0000000, 32 << 20, true, true);
}

void board_stm32mp15_layout(struct board_rproc *rp, bool with_ddr)
{
	stm32mp15_mems(rp, false, with_ddr);
	rp->policy.legacy_layout = false;
}

void board_stm32mp15_legacy_layout(struct board_rproc *rp, bool with_ddr)
{
	stm32mp15_mems(rp, true, with_ddr);
	rp->policy.legacy_layout = true;
}
