/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The STM32 classic-boot driver, direct ELF ("st,stm32mp1-m4"; Linux
 * stm32_rproc.c without the TEE): the normal world loads a
 * plain ELF itself into memories it maps (classic boot, no TEE), then starts
 * and stops the core through a coprocessor interface.
 */
#ifndef RPT_NORMAL_STM32_CLASSIC_RPROC_H
#define RPT_NORMAL_STM32_CLASSIC_RPROC_H

#include "board/board.h"
#include "normal/core/remoteproc.h"
#include "normal/drivers/stm32_common.h"
#include "coproc/coproc_ops.h"

/* What stm32_classic_rproc_create() needs. Copied: the caller's struct may go away. */
struct stm32_classic_rproc_config {
	const char *name;		 /* processor name ("m4") */
	const char *firmware;		 /* default firmware name, NULL for "rproc-<name>-fw" */
	const struct rproc_memory *mems; /* its memories; loadable ones need a host mapping */
	unsigned int num_mems;
	const struct coproc_ops *coproc; /* start(boot_addr)/stop of the core (not owned) */
	void *coproc_priv;
	struct rproc_mbox mbox;		   /* shutdown request and doorbells (ops may be NULL) */
	struct rproc_fw_loader loader;	   /* firmware name -> bytes */
	const struct board_boot *boot;	   /* st,auto-boot, recovery limit (NULL: defaults) */
	struct rproc_subdev_hooks subdevs; /* the rpmsg buses (all NULL: none) */
	/* where the rproc's messages go (NULL: stderr) */
	void (*log)(void *log_priv, enum rpt_log_level level, const char *line);
	void *log_priv;
};

/* Allocate, add the memories, register. NULL on failure (reason in err). */
struct rproc *stm32_classic_rproc_create(const struct stm32_classic_rproc_config *cfg,
					 struct rpt_error *err);
/* Unregister (stopping it if needed) and free. Safe on NULL. */
void stm32_classic_rproc_destroy(struct rproc *rproc);

#endif
