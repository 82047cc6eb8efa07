/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What both STM32 drivers (stm32_classic_rproc, tee_rproc) share, as Linux's
 * qcom_common.c does for the Qualcomm ones: the IPCC-like mailbox of Linux
 * stm32_rproc.c, used to ask the firmware to shut down and to ring virtqueue
 * doorbells, and the board's start-up settings. The mailbox itself (the
 * emulator's, or a test double) stays behind struct rproc_mbox_ops.
 */
#ifndef RPT_NORMAL_STM32_COMMON_H
#define RPT_NORMAL_STM32_COMMON_H

#include "board/board.h"
#include "normal/core/remoteproc.h"

/* How long a stop waits for the firmware's shutdown acknowledgement by default. */
#define STM32_MBOX_SHUTDOWN_TIMEOUT_MS 500u

/* The mailbox channels the driver uses. */
struct rproc_mbox_ops {
	/* Post the shutdown request to the firmware (IPCC "shutdown" channel). */
	int (*request_shutdown)(void *priv);
	/* Wait at most timeout_ms for the acknowledgement: 0, -ETIMEDOUT, or -ECANCELED if the
	 * core crashed meanwhile (no answer will come). */
	int (*wait_shutdown_ack)(void *priv, unsigned int timeout_ms);
	/* Ring the doorbell of the virtqueue with this notify id. */
	int (*kick)(void *priv, unsigned int vqid);
	/* Tell the firmware the host detached (IPCC "detach" channel); optional. */
	int (*request_detach)(void *priv);
};

/* A mailbox as a driver holds it. ops NULL: the board has none (stop is immediate). */
struct rproc_mbox {
	const struct rproc_mbox_ops *ops; /* the channels, or NULL */
	void *priv;			  /* passed to every op */
	unsigned int shutdown_timeout_ms; /* 0: STM32_MBOX_SHUTDOWN_TIMEOUT_MS */
};

/*
 * Sub-devices the driver's user hangs on the rproc (the rpmsg bus of each
 * vdev): add runs once the rproc is set up, just before rproc_add() (a
 * processor that boots or attaches at rproc_add() starts them too); remove
 * runs after rproc_del(), before the rproc is freed, and also when
 * rproc_add() fails after add succeeded. Both optional.
 */
struct rproc_subdev_hooks {
	int (*add)(void *priv, struct rproc *rproc, struct rpt_error *err);
	void (*remove)(void *priv, struct rproc *rproc);
	void *priv; /* passed to both */
};

/* Run hooks->add (if any) then rproc_add(); on failure nothing stays registered. */
int stm32_rproc_add(struct rproc *rproc, const struct rproc_subdev_hooks *hooks,
		    struct rpt_error *err);
/* rproc_del(), hooks->remove (if any), rproc_free(). Safe on NULL rproc. */
void stm32_rproc_free(struct rproc *rproc, const struct rproc_subdev_hooks *hooks);

/*
 * Before a stop: ask a running firmware to shut down and wait (bounded) for
 * its acknowledgement. Never fails the stop: without an answer it warns
 * "shutdown not acknowledged in N ms, forcing stop" and the caller stops hard.
 * Skipped for a crashed processor, which cannot answer. Returns 0 if acked,
 * -ETIMEDOUT (or the mailbox's error) otherwise, 0 also when skipped.
 */
int stm32_mbox_request_shutdown(struct rproc *rproc, const struct rproc_mbox *mb);

/*
 * Linux stm32_rproc_detach(): tell the firmware we let go of it (the "detach"
 * mailbox channel). Never fails the detach: a firmware that cannot be told
 * keeps running all the same (logged).
 */
void stm32_mbox_notify_detach(struct rproc *rproc, const struct rproc_mbox *mb);

/*
 * The board's start-up settings, before rproc_add(): st,auto-boot and the
 * crash-loop limit (absent: the core's default). NULL boot: nothing.
 */
int stm32_apply_boot(struct rproc *rproc, const struct board_boot *boot, struct rpt_error *err);

/* Ring the doorbell of vqid (logs a failure: a kick has no caller to tell). */
void stm32_mbox_kick(struct rproc *rproc, const struct rproc_mbox *mb, int vqid);

#endif
