// SPDX-License-Identifier: BSD-2-Clause
/*
 * The STM32 classic-boot driver (direct ELF): the ELF loader of the core for
 * parse/load, the coprocessor interface for start/stop, the STM32 mailbox for
 * a graceful shutdown request before the hard stop.
 */
#include "normal/drivers/stm32_classic_rproc.h"

#include <errno.h>
#include <stdlib.h>

#include "normal/core/remoteproc_elf_loader.h"

/* The driver's state, rproc->priv. */
struct stm32_classic_rproc {
	const struct coproc_ops *coproc; /* start/stop of the core */
	void *coproc_priv;
	struct rproc_mbox mbox; /* shutdown request, doorbells */
	uint32_t boot_addr;	/* the board's rproc,boot-address: where the vector table is */
	struct rproc_subdev_hooks subdevs; /* the rpmsg buses, around add and free */
};

static int classic_start(struct rproc *rproc, struct rpt_error *err)
{
	struct stm32_classic_rproc *drv = rproc->priv;
	int ret;

	ret = drv->coproc->start(drv->coproc_priv, rproc->bootaddr);
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : -EIO,
				     "the core did not start at 0x%x (error %d)", rproc->bootaddr,
				     ret);
	return 0;
}

static int classic_stop(struct rproc *rproc, struct rpt_error *err)
{
	struct stm32_classic_rproc *drv = rproc->priv;
	int ret;

	stm32_mbox_request_shutdown(rproc, &drv->mbox);
	ret = drv->coproc->stop(drv->coproc_priv);
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : -EIO, "the core did not stop (error %d)",
				     ret);
	return 0;
}

/*
 * A Cortex-M boots through its vector table (VTOR), not from an entry point:
 * the boot address is the board's (STM32MP15's M4: RETRAM at 0, as Linux's
 * stm32_rproc leaves it), never the unsigned ELF e_entry.
 */
static uint32_t classic_get_boot_addr(struct rproc *rproc, const struct rproc_fw *fw)
{
	struct stm32_classic_rproc *drv = rproc->priv;

	(void)fw;
	return drv->boot_addr;
}

static void classic_kick(struct rproc *rproc, int vqid)
{
	struct stm32_classic_rproc *drv = rproc->priv;

	stm32_mbox_kick(rproc, &drv->mbox, vqid);
}

static const struct rproc_ops classic_ops = {
	.start = classic_start,
	.stop = classic_stop,
	.kick = classic_kick,
	.parse_fw = rproc_elf_load_rsc_table,
	.find_loaded_rsc_table = rproc_elf_find_loaded_rsc_table,
	.load = rproc_elf_load_segments,
	.sanity_check = rproc_elf_sanity_check,
	.get_boot_addr = classic_get_boot_addr,
};

struct rproc *stm32_classic_rproc_create(const struct stm32_classic_rproc_config *cfg,
					 struct rpt_error *err)
{
	struct stm32_classic_rproc *drv;
	struct rproc *rproc;
	unsigned int i;

	if (!cfg || !cfg->coproc || !cfg->coproc->start || !cfg->coproc->stop) {
		rpt_error_set(err, EINVAL,
			      "stm32_classic_rproc: a coprocessor with start and stop is needed");
		return NULL;
	}
	drv = calloc(1, sizeof(*drv));
	if (!drv) {
		rpt_error_set(err, ENOMEM, "stm32_classic_rproc: out of memory");
		return NULL;
	}
	drv->coproc = cfg->coproc;
	drv->coproc_priv = cfg->coproc_priv;
	drv->mbox = cfg->mbox;
	drv->subdevs = cfg->subdevs;
	drv->boot_addr = cfg->boot ? cfg->boot->boot_addr : 0;
	rproc = rproc_alloc(cfg->name, &classic_ops, cfg->firmware, drv, err);
	if (!rproc)
		goto free_drv;
	rproc->fw_loader = cfg->loader;
	rproc->log = cfg->log;
	rproc->log_priv = cfg->log_priv;
	for (i = 0; i < cfg->num_mems; i++)
		if (rproc_add_memory(rproc, &cfg->mems[i], err))
			goto free_rproc;
	if (stm32_apply_boot(rproc, cfg->boot, err))
		goto free_rproc;
	if (stm32_rproc_add(rproc, &drv->subdevs, err))
		goto free_rproc;
	return rproc;

free_rproc:
	rproc_free(rproc);
free_drv:
	free(drv);
	return NULL;
}

void stm32_classic_rproc_destroy(struct rproc *rproc)
{
	struct stm32_classic_rproc *drv;

	if (!rproc)
		return;
	drv = rproc->priv;
	stm32_rproc_free(rproc, &drv->subdevs);
	free(drv);
}
