// SPDX-License-Identifier: BSD-2-Clause
#include "board/board.h"

#include <stdio.h>
#include <string.h>

#include "common/safe_math.h"
#include "coproc/stm32_ipcc_regs.h"
#include "coproc/stm32_usart_regs.h"
#include "coproc/vmmio.h"

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

const struct board_periph *board_find_periph(const struct board_rproc *rp,
					     enum board_periph_kind kind)
{
	unsigned int i;

	for (i = 0; i < rp->num_periphs; i++)
		if (rp->periphs[i].kind == kind)
			return &rp->periphs[i];
	return NULL;
}

static void add_periph(struct board_rproc *rp, const char *name, enum board_periph_kind kind,
		       uint32_t da, uint32_t size)
{
	struct board_periph *p = &rp->periphs[rp->num_periphs++];

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->kind = kind;
	p->pa = da;
	p->da = da;
	p->size = size;
}

void board_stm32mp15_periphs(struct board_rproc *rp)
{
	struct board_periph *p;

	rp->num_periphs = 0;
	add_periph(rp, "mailbox", BOARD_PERIPH_IPCC, STM32MP15_IPCC_BASE, IPCC_SIZE);
	p = &rp->periphs[0];
	p->irqs[0] = STM32MP15_IPCC_IRQ_RX;
	p->irqs[1] = STM32MP15_IPCC_IRQ_TX;
	p->num_irqs = 2;
	p->channels = STM32MP15_IPCC_CHANNELS;
	add_periph(rp, "serial", BOARD_PERIPH_USART, STM32MP15_UART4_BASE, USART_SIZE);
	p = &rp->periphs[1];
	p->irqs[0] = STM32MP15_UART4_IRQ;
	p->num_irqs = 1;
	add_periph(rp, "vmmio", BOARD_PERIPH_VMMIO, VMMIO_BASE, VMMIO_SIZE);
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
	board_stm32mp15_periphs(rp);
	rp->policy.legacy_layout = false;
}

void board_stm32mp15_legacy_layout(struct board_rproc *rp, bool with_ddr)
{
	stm32mp15_mems(rp, true, with_ddr);
	board_stm32mp15_periphs(rp);
	rp->policy.legacy_layout = true;
}
