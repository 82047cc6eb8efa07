// SPDX-License-Identifier: BSD-2-Clause
/*
 * Direct-ELF driver: the ELF helpers of the core for parse/load, the
 * coprocessor interface for start/stop, the STM32 mailbox for a graceful
 * shutdown request before the hard stop.
 */
#include "normal/drivers/elf_rproc.h"

#include <errno.h>
#include <stdlib.h>

#include "normal/core/rproc_elf.h"

/* The driver's state, rproc->priv. */
struct elf_rproc {
	const struct coproc_ops *coproc; /* start/stop of the core */
	void *coproc_priv;
	struct rproc_mbox mbox; /* shutdown request, doorbells */
};

static int elf_rproc_start(struct rproc *rproc, struct rpt_error *err)
{
	struct elf_rproc *drv = rproc->priv;
	int ret;

	ret = drv->coproc->start(drv->coproc_priv, rproc->bootaddr);
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : -EIO,
				     "the core did not start at 0x%x (error %d)", rproc->bootaddr,
				     ret);
	return 0;
}

static int elf_rproc_stop(struct rproc *rproc, struct rpt_error *err)
{
	struct elf_rproc *drv = rproc->priv;
	int ret;

	stm32_rproc_request_shutdown(rproc, &drv->mbox);
	ret = drv->coproc->stop(drv->coproc_priv);
	if (ret)
		return rpt_error_set(err, ret < 0 ? ret : -EIO, "the core did not stop (error %d)",
				     ret);
	return 0;
}

static void elf_rproc_kick(struct rproc *rproc, int vqid)
{
	struct elf_rproc *drv = rproc->priv;

	stm32_rproc_kick(rproc, &drv->mbox, vqid);
}

static const struct rproc_ops elf_rproc_ops = {
	.start = elf_rproc_start,
	.stop = elf_rproc_stop,
	.kick = elf_rproc_kick,
	.parse_fw = rproc_elf_load_rsc_table,
	.find_loaded_rsc_table = rproc_elf_find_loaded_rsc_table,
	.load = rproc_elf_load_segments,
	.sanity_check = rproc_elf_sanity_check,
	.get_boot_addr = rproc_elf_get_boot_addr,
};

struct rproc *elf_rproc_create(const struct elf_rproc_config *cfg, struct rpt_error *err)
{
	struct elf_rproc *drv;
	struct rproc *rproc;
	unsigned int i;

	if (!cfg || !cfg->coproc || !cfg->coproc->start || !cfg->coproc->stop) {
		rpt_error_set(err, EINVAL,
			      "elf_rproc: a coprocessor with start and stop is needed");
		return NULL;
	}
	drv = calloc(1, sizeof(*drv));
	if (!drv) {
		rpt_error_set(err, ENOMEM, "elf_rproc: out of memory");
		return NULL;
	}
	drv->coproc = cfg->coproc;
	drv->coproc_priv = cfg->coproc_priv;
	drv->mbox = cfg->mbox;
	rproc = rproc_alloc(cfg->name, &elf_rproc_ops, cfg->firmware, drv, err);
	if (!rproc)
		goto free_drv;
	rproc->fw_loader = cfg->loader;
	rproc->log = cfg->log;
	rproc->log_priv = cfg->log_priv;
	for (i = 0; i < cfg->num_mems; i++)
		if (rproc_add_memory(rproc, &cfg->mems[i], err))
			goto free_rproc;
	if (stm32_rproc_apply_boot(rproc, cfg->boot, err))
		goto free_rproc;
	if (rproc_add(rproc, err))
		goto free_rproc;
	return rproc;

free_rproc:
	rproc_free(rproc);
free_drv:
	free(drv);
	return NULL;
}

void elf_rproc_destroy(struct rproc *rproc)
{
	void *drv;

	if (!rproc)
		return;
	drv = rproc->priv;
	rproc_free(rproc);
	free(drv);
}
