// SPDX-License-Identifier: BSD-2-Clause
/*
 * A read-as-zero, write-ignored window (board node "vst,raz-wi"): where a
 * board lets vendor firmware touch the SoC's clock, pin and system
 * configuration registers (RCC, SYSCFG, GPIO, RIF...) during its init
 * without modelling them. A census of ST's OpenAMP examples found zeros
 * there enough (DESIGN section 10). Anything outside such a window that no
 * memory or model covers still faults.
 */
#include "coproc/coproc_internal.h"

static uint32_t razwi_read(struct coproc_periph *p, uint32_t offset, unsigned int size)
{
	(void)p;
	(void)offset;
	(void)size;
	return 0;
}

static void razwi_write(struct coproc_periph *p, uint32_t offset, unsigned int size, uint32_t value)
{
	(void)p;
	(void)offset;
	(void)size;
	(void)value;
}

const struct coproc_periph_model coproc_razwi_model = {
	.name = "raz-wi",
	.kind = BOARD_PERIPH_RAZWI,
	.read = razwi_read,
	.write = razwi_write,
};
