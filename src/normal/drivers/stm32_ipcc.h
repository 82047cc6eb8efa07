/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The STM32 IPCC mailbox as Linux's stm32_ipcc driver and stm32_rproc drive
 * it from processor 1 (the Cortex-A host): set-up, vring kicks, the
 * acknowledgement of the firmware's kicks, and the shutdown and detach
 * requests the firmware acknowledges by clearing the channel.
 *
 * The driver sees nothing but processor 1's view of the block (struct
 * stm32_ipcc_hw_ops: 32-bit register reads and writes at the offsets of
 * coproc/stm32_ipcc_regs.h) and its two interrupt lines, which the backend
 * delivers to stm32_ipcc_irq(). Backends: the emulator in this process
 * (stm32_ipcc_coproc.h), the emulator in rproc-teed with the registers and
 * lines carried over the hardware channel (vboard_socket.c: IPCC_READ,
 * IPCC_WRITE, the IPCC_IRQ event), or a test double.
 */
#ifndef RPT_NORMAL_STM32_IPCC_H
#define RPT_NORMAL_STM32_IPCC_H

#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"
#include "common/error.h"

/* Processor 1's view of one IPCC. */
struct stm32_ipcc_hw_ops {
	/* Read the 32-bit register at offset: 0 or a negative errno. */
	int (*read32)(void *priv, uint32_t offset, uint32_t *value);
	/*
	 * Write it. The backend delivers processor 1's lines that the write
	 * raised (stm32_ipcc_irq) once the write is done, as a level interrupt.
	 */
	int (*write32)(void *priv, uint32_t offset, uint32_t value);
	/* Optional: whether processor 2 runs, so that a request has somebody to answer it. */
	bool (*running)(void *priv);
};

/* What the driver tells its user (Linux: the mailbox clients' rx callbacks). Any may be NULL. */
struct stm32_ipcc_events {
	/* The firmware kicked the channel of vring vq (0 or 1); already acknowledged. */
	void (*kick)(void *priv, uint32_t vq);
	/* The firmware acknowledged the pending shutdown request (cleared the channel). */
	void (*shutdown_ack)(void *priv);
};

/* The channel indexes the host uses (the board's mboxes), or BOARD_MBOX_NONE. */
struct stm32_ipcc_chans {
	uint32_t vq[2];	   /* vring 0 and vring 1 kicks */
	uint32_t shutdown; /* shutdown request (the firmware acknowledges) */
	uint32_t detach;   /* detach notice (the firmware acknowledges) */
	uint32_t crash;	   /* the demo's debug crash request (IPCC_CH_CRASH) */
};

struct stm32_ipcc;

/*
 * The channels of board node desc on an IPCC of `channels` channels (NULL
 * desc: ST's numbering, as on a bare core in the tests). The demo's crash
 * request gets IPCC_CH_CRASH when the instance has it and nothing else uses it.
 */
void stm32_ipcc_chans_of(const struct board_rproc *desc, uint32_t channels,
			 struct stm32_ipcc_chans *out);

/*
 * Probe: read the channel count (HWCFGR), take desc's channels and set the
 * block up (stm32_ipcc_setup). Events go to ev (copied) with ev_priv.
 * NULL with err set on failure (-ENODEV: no IPCC behind hw).
 */
struct stm32_ipcc *stm32_ipcc_create(const struct stm32_ipcc_hw_ops *hw, void *hw_priv,
				     const struct board_rproc *desc,
				     const struct stm32_ipcc_events *ev, void *ev_priv,
				     struct rpt_error *err);
/* Free it; its backend delivers no interrupt any more. NULL is fine. */
void stm32_ipcc_destroy(struct stm32_ipcc *ipcc);

/*
 * Processor 1's configuration of a block fresh from reset (Linux: probe,
 * then each channel's startup): both interrupts enabled, RX occupied
 * unmasked for the two vring channels only.
 */
void stm32_ipcc_setup(struct stm32_ipcc *ipcc);

/* Processor 1's interrupt lines are high (rx: RX occupied, tx: TX free). Any thread. */
void stm32_ipcc_irq(struct stm32_ipcc *ipcc, bool rx, bool tx);

/*
 * Requests: -ENODEV without an IPCC (NULL) or when the board wires no such
 * channel, -RPT_ESTATE if processor 2 does not run.
 */
/* Kick the firmware on the channel of vring vq (0 or 1; else -EINVAL). Does not wait. */
int stm32_ipcc_kick(struct stm32_ipcc *ipcc, uint32_t vq);
/* Ask for a shutdown: the acknowledgement comes as the shutdown_ack event. */
int stm32_ipcc_request_shutdown(struct stm32_ipcc *ipcc);
/* Tell the firmware the host detached (it runs on and acknowledges). */
int stm32_ipcc_request_detach(struct stm32_ipcc *ipcc);
/* Debug: ask the demo firmware to crash itself (it never acknowledges). */
int stm32_ipcc_request_crash(struct stm32_ipcc *ipcc);
/*
 * Wait up to timeout_ms for the acknowledgement of the last shutdown
 * request: 0, -ETIMEDOUT, -ECANCELED when stm32_ipcc_cancel_shutdown_wait()
 * said none will come, -ENODEV without an IPCC.
 */
int stm32_ipcc_wait_shutdown_ack(struct stm32_ipcc *ipcc, unsigned int timeout_ms);
/* The core crashed: end a wait for the acknowledgement now (until the next request). */
void stm32_ipcc_cancel_shutdown_wait(struct stm32_ipcc *ipcc);

/*
 * The driver as the STM32 remoteproc drivers' mailbox (priv: the struct
 * stm32_ipcc). wait_shutdown_ack waits on the driver's own record of the
 * acknowledgement (also given to the shutdown_ack event); a request
 * without a detach channel is a no-op there, as stm32_rproc's.
 */
struct rproc_mbox_ops; /* normal/drivers/stm32_common.h: the daemon's side needs no more */
extern const struct rproc_mbox_ops stm32_ipcc_mbox_ops;

#endif
