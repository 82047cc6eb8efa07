/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TEE remote processor ("st,stm32mp1-m4-tee", Linux tee_remoteproc): every op
 * maps one to one on a command of the remoteproc TA (DESIGN section 4), and
 * the core runs the alternate boot. The normal world never touches secure
 * memory: it sees only what a shared-memory mapper gives it.
 */
#ifndef RPT_NORMAL_TEE_RPROC_H
#define RPT_NORMAL_TEE_RPROC_H

#include "board/board.h"
#include "normal/core/remoteproc.h"
#include "normal/drivers/stm32_common.h"
#include "normal/tee_client/tee_client.h"

/* A resource table larger than this is not a resource table. */
#define TEE_RPROC_RSC_TABLE_MAX (1u << 20)
/* A coredump larger than this is refused (the largest board memory set is far below). */
#define TEE_RPROC_COREDUMP_MAX ((size_t)256 << 20)

/*
 * Turns a physical range of shared memory into a host pointer. In-process it
 * is the platform's mapping of a shared memory; with a secure-world daemon it
 * maps the memfds received. NULL from map: that range cannot be mapped. The
 * driver never asks for an empty range (size is never 0), so a map only
 * checks that [pa, pa + size) lies wholly inside one mapping.
 */
struct tee_rproc_shm_mapper {
	void *(*map)(void *priv, uint64_t pa, size_t size);
	void (*unmap)(void *priv, void *va, size_t size); /* optional */
	void *priv;
};

/* What tee_rproc_create() needs. Copied: the caller's struct may go away. */
struct tee_rproc_config {
	const char *name;		 /* processor name ("m4") */
	const char *firmware;		 /* default firmware name, NULL for "rproc-<name>-fw" */
	struct tee_context *tee;	 /* connection to the TEE (not owned, outlives us) */
	uint32_t rproc_id;		 /* the id the TA knows the processor by */
	const struct board_memory *mems; /* the board's memories of this processor */
	unsigned int num_mems;
	struct tee_rproc_shm_mapper mapper; /* shared memory -> host pointer */
	struct rproc_mbox mbox;		    /* shutdown request and doorbells (ops may be NULL) */
	struct rproc_fw_loader loader;	    /* firmware name -> signed image bytes */
	const struct board_boot *boot;	    /* st,auto-boot, recovery limit (NULL: defaults) */
	struct rproc_subdev_hooks subdevs;  /* the rpmsg buses (all NULL: none) */
	/* where the rproc's messages go (NULL: stderr) */
	void (*log)(void *log_priv, enum rpt_log_level level, const char *line);
	void *log_priv;
};

/*
 * Open the session on the TA (VALUE_IN a = rproc id), map the shared
 * memories, allocate and register the rproc with alt_boot set. NULL on failure.
 *
 * A firmware the TA already runs (started by the boot loader, or by a daemon
 * that was killed) is found and attached to: state "attached", its resource
 * table read from memory through GET_RSC_TABLE, "state stop" stops it. One
 * the TA holds loaded but not started is released. See tee_rproc_probe().
 */
struct rproc *tee_rproc_create(const struct tee_rproc_config *cfg, struct rpt_error *err);
/* Unregister (stopping it if needed), close the session, unmap, free. Safe on NULL. */
void tee_rproc_destroy(struct rproc *rproc);

#endif
