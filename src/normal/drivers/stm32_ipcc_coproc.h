/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The STM32 IPCC driver over the emulator's model in this process: register
 * accesses are coproc_ipcc_host_read/write, processor 1's interrupt lines
 * call stm32_ipcc_irq(), and the block's reset (before every run) is
 * followed by stm32_ipcc_setup(), as Linux's probe follows the SoC's reset.
 */
#ifndef RPT_NORMAL_STM32_IPCC_COPROC_H
#define RPT_NORMAL_STM32_IPCC_COPROC_H

#include "coproc/coproc.h"
#include "normal/drivers/stm32_ipcc.h"

/*
 * The driver of c's IPCC, with desc's channels (NULL: ST's numbering). NULL
 * with err set (-ENODEV) if c has no IPCC. Destroy it after c is destroyed
 * (or at least stopped for good): the core's thread delivers its interrupts.
 */
struct stm32_ipcc *stm32_ipcc_coproc_create(struct coproc *c, const struct board_rproc *desc,
					    const struct stm32_ipcc_events *ev, void *ev_priv,
					    struct rpt_error *err);

#endif
