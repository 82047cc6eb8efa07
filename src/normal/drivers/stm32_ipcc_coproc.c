// SPDX-License-Identifier: BSD-2-Clause
/*
 * The STM32 IPCC driver's backend over the emulator in this process: the
 * model's processor-1 register entry points and its processor-1 lines.
 */
#include <errno.h>

#include "coproc/stm32_ipcc_regs.h"
#include "normal/drivers/stm32_ipcc_coproc.h"

static int co_read32(void *priv, uint32_t offset, uint32_t *value)
{
	return coproc_ipcc_host_read(priv, offset, value);
}

static int co_write32(void *priv, uint32_t offset, uint32_t value)
{
	return coproc_ipcc_host_write(priv, offset, value);
}

static bool co_running(void *priv)
{
	return coproc_accepts_requests(priv);
}

static const struct stm32_ipcc_hw_ops coproc_hw_ops = {
	.read32 = co_read32,
	.write32 = co_write32,
	.running = co_running,
};

/* Processor 1's lines, as the model drives them. */
static void co_irq(void *priv, bool rx, bool tx)
{
	stm32_ipcc_irq(priv, rx, tx);
}

/* The block was reset (a new run): processor 1 sets it up again. */
static void co_reset(void *priv)
{
	stm32_ipcc_setup(priv);
}

static const struct coproc_ipcc_host coproc_host = {
	.irq = co_irq,
	.reset = co_reset,
};

struct stm32_ipcc *stm32_ipcc_coproc_create(struct coproc *c, const struct board_rproc *desc,
					    const struct stm32_ipcc_events *ev, void *ev_priv,
					    struct rpt_error *err)
{
	struct stm32_ipcc *ipcc;
	uint32_t v;

	if (coproc_ipcc_host_read(c, IPCC_HWCFGR, &v) == -ENODEV) {
		rpt_error_set(err, ENODEV, "the board gives this core no IPCC");
		return NULL;
	}
	ipcc = stm32_ipcc_create(&coproc_hw_ops, c, desc, ev, ev_priv, err);
	if (ipcc)
		coproc_ipcc_host_connect(c, &coproc_host, ipcc);
	return ipcc;
}
