// SPDX-License-Identifier: BSD-2-Clause
/*
 * The watchdog and tick page (vmmio.h, board node "vst,vmmio"): what is left
 * of the private mailbox page once the STM32 IPCC took the doorbells and the
 * requests. The firmware is as hostile as any other input: only aligned
 * 32-bit accesses at known offsets do something.
 */
#include "coproc/coproc_internal.h"
#include "coproc/vmmio.h"

uint32_t coproc_tick_ms(const struct coproc *c)
{
	return (uint32_t)((coproc_now_ns() - c->reset_ns) / 1000000u);
}

static uint32_t vmmio_read(struct coproc_periph *p, uint32_t offset, unsigned int size)
{
	struct coproc *c = p->core;

	if (size != 4)
		return 0;
	switch (offset) {
	case VMMIO_ID:
		return VMMIO_ID_VALUE;
	case VMMIO_VERSION:
		return VMMIO_VERSION_V2;
	case VMMIO_TICK_MS:
		return coproc_tick_ms(c);
	case VMMIO_WDG_PERIOD_MS:
		return c->wdg.period_ms;
	case VMMIO_WDG_STATUS:
		return atomic_load(&c->wdg.armed) ? VMMIO_WDG_STATUS_ARMED : 0;
	default:
		return 0;
	}
}

static void vmmio_write(struct coproc_periph *p, uint32_t offset, unsigned int size, uint32_t value)
{
	if (size == 4 && offset == VMMIO_WDG_KEY)
		coproc_wdg_key(p->core, value);
}

const struct coproc_periph_model coproc_vmmio_model = {
	.name = "vmmio",
	.kind = BOARD_PERIPH_VMMIO,
	.read = vmmio_read,
	.write = vmmio_write,
};
