/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The virtual board, assembled: from a board description to running remote
 * processors. For each coprocessor of the board it creates the emulated core
 * over the board's memories, and the remoteproc with the driver its
 * `compatible` asks for:
 *  - "…-tee": the secure world (platform layer + remoteproc TA) in this
 *    process, reached through the in-process TEE transport, and tee_rproc
 *    (alternate boot);
 *  - "st,stm32mp1-m4": memories owned by the normal world and elf_rproc
 *    (classic boot).
 * The mailbox (shutdown request, doorbells) and the core's crash reports are
 * wired to the remoteproc as on the real SoC. rprocd, the integration tests
 * and the benchmarks all build the system through this one function.
 */
#ifndef RPT_VBOARD_VBOARD_H
#define RPT_VBOARD_VBOARD_H

#include <pthread.h>
#include <stdbool.h>

#include "board/board.h"
#include "coproc/coproc.h"
#include "normal/core/remoteproc.h"
#include "normal/tee_client/tee_client.h"
#include "secure/ta/rproc_ta.h"

#define VBOARD_MAX_TRUST 8

struct vboard_opts {
	const char *board_path;		     /* .dts or .dtb */
	const char *trust[VBOARD_MAX_TRUST]; /* extra trusted public keys (PEM) */
	unsigned int num_trust;
	const char *firmware_dir; /* relative firmware names resolve here */
	/* where every message goes (remoteproc, TA); NULL: stderr */
	void (*log)(void *log_priv, enum rproc_log_level level, const char *line);
	void *log_priv;
};

struct vboard;

/* One coprocessor of the board and everything that drives it. */
struct vboard_proc {
	struct vboard *vb;		  /* back pointer */
	const struct board_rproc *desc;	  /* its board description */
	struct rproc *rproc;		  /* the remoteproc */
	struct coproc *core;		  /* the emulated Cortex-M */
	uint8_t *nw_maps[BOARD_MAX_MEMS]; /* normal-world memories (direct-ELF boards) */
	struct rproc_memory nw_mems[BOARD_MAX_MEMS];
	pthread_mutex_t ack_lock; /* protects shutdown_acked */
	pthread_cond_t ack_cond;  /* signalled when the firmware acknowledges */
	bool shutdown_acked;	  /* acknowledgement of the pending request */
	unsigned long kicks;	  /* doorbells the firmware rang */
};

struct vboard {
	struct board board;	 /* the description (read once) */
	struct vboard_opts opts; /* as given */
	struct platform plat;	 /* secure world: memories, keys, rollback */
	bool plat_up;
	struct rproc_ta ta; /* secure world: the TA */
	bool ta_up;
	struct tee_context tee; /* in-process TEE client context */
	bool tee_up;
	struct vboard_proc procs[BOARD_MAX_RPROCS];
	unsigned int num_procs;
};

/* Build everything; on failure nothing is left (reason in err). */
int vboard_create(struct vboard **out, const struct vboard_opts *opts, struct rpt_error *err);
/* Shut every processor down and free everything. Safe on NULL. */
void vboard_destroy(struct vboard *vb);

/* Make the core crash for real: a fault, the watchdog or a fatal error (debugfs "crash"). */
int vboard_inject_crash(struct vboard_proc *p, enum rproc_crash_type type);

#endif
