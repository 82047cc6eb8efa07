// SPDX-License-Identifier: BSD-2-Clause
/*
 * The host's side of the STM32 IPCC: what Linux's stm32_ipcc mailbox driver
 * and stm32_rproc do as processor 1, over nothing but processor 1's register
 * accesses and its two interrupt lines (struct stm32_ipcc_hw_ops).
 *
 * - Set-up (stm32_ipcc_probe, then each channel's startup): RXOIE and TXFIE
 *   enabled, every mask set, then RX occupied unmasked for the channels the
 *   host listens on (the two vrings).
 * - Kick (stm32_ipcc_send_data): C1SCR CHnS, nothing else; a vring kick does
 *   not wait for the firmware.
 * - Firmware kick (stm32_ipcc_rx_irq): for every occupied, unmasked channel
 *   of C2TOC1SR, clear it through C1SCR CHnC (the acknowledgement the
 *   firmware polls for before it kicks that channel again) and deliver it
 *   (the kick event of its vring).
 * - Shutdown and detach (stm32_rproc's "shutdown" and "detach" channels, sent
 *   with tx_block): C1SCR CHnS, then TX free unmasked for that channel. The
 *   firmware acknowledges by clearing the flag (its C2SCR CHnC, what ST's
 *   OpenAMP firmware does once it handled the message); the TX free interrupt
 *   then masks the channel again (stm32_ipcc_tx_irq) and completes the
 *   request: for shutdown, the shutdown_ack event.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "coproc/stm32_ipcc_regs.h"
#include "normal/drivers/stm32_common.h"
#include "normal/drivers/stm32_ipcc.h"

struct stm32_ipcc {
	const struct stm32_ipcc_hw_ops *hw; /* processor 1's view of the block */
	void *hw_priv;			    /* its first argument */
	struct stm32_ipcc_events ev;	    /* the user's callbacks */
	void *ev_priv;			    /* their first argument */
	struct stm32_ipcc_chans chans;	    /* what each channel is for */
	uint32_t channels;		    /* HWCFGR.CHANNELS of the instance */
	pthread_mutex_t lock;		    /* one handler or send at a time (recursive) */
	pthread_mutex_t ack_lock;	    /* with ack_cond: protects acked, cancelled */
	pthread_cond_t ack_cond;	    /* broadcast when acked or cancelled becomes true */
	bool acked;			    /* the last shutdown request was acknowledged */
	bool cancelled;			    /* the core crashed since: no answer will come */
};

/* A handler's own register writes must not run the handlers again (Linux: the irq is masked). */
static _Thread_local bool in_handler;

static uint32_t rd(struct stm32_ipcc *ipcc, uint32_t offset)
{
	uint32_t v = 0;

	/* A failed read leaves 0: no channel occupied, nothing to do. */
	ipcc->hw->read32(ipcc->hw_priv, offset, &v);
	return v;
}

static void wr(struct stm32_ipcc *ipcc, uint32_t offset, uint32_t value)
{
	ipcc->hw->write32(ipcc->hw_priv, offset, value);
}

void stm32_ipcc_chans_of(const struct board_rproc *desc, uint32_t channels,
			 struct stm32_ipcc_chans *out)
{
	struct stm32_ipcc_chans *ch = out;

	if (!desc) {
		*ch = (struct stm32_ipcc_chans){{IPCC_CH_VRING0, IPCC_CH_VRING1},
						IPCC_CH_SHUTDOWN,
						IPCC_CH_DETACH,
						IPCC_CH_CRASH};
		return;
	}
	ch->vq[0] = desc->mbox.vq0;
	ch->vq[1] = desc->mbox.vq1;
	ch->shutdown = desc->mbox.shutdown;
	ch->detach = desc->mbox.detach;
	ch->crash = BOARD_MBOX_NONE;
	/* The demo's crash request has a channel of its own when the IPCC has one to spare. */
	if (IPCC_CH_CRASH < channels && ch->vq[0] != IPCC_CH_CRASH && ch->vq[1] != IPCC_CH_CRASH &&
	    ch->shutdown != IPCC_CH_CRASH && ch->detach != IPCC_CH_CRASH)
		ch->crash = IPCC_CH_CRASH;
}

static void note_ack(struct stm32_ipcc *ipcc)
{
	pthread_mutex_lock(&ipcc->ack_lock);
	ipcc->acked = true;
	pthread_cond_broadcast(&ipcc->ack_cond);
	pthread_mutex_unlock(&ipcc->ack_lock);
}

/* The events of what a handler took: after the handler, with no lock of ours held. */
static void report(struct stm32_ipcc *ipcc, uint32_t rx_done, uint32_t tx_done)
{
	const struct stm32_ipcc_chans *ch = &ipcc->chans;
	uint32_t vq;

	for (vq = 0; vq < 2; vq++)
		if (ch->vq[vq] < IPCC_MAX_CHANNELS && (rx_done & (1u << ch->vq[vq])) &&
		    ipcc->ev.kick)
			ipcc->ev.kick(ipcc->ev_priv, vq);
	if (ch->shutdown < IPCC_MAX_CHANNELS && (tx_done & (1u << ch->shutdown))) {
		note_ack(ipcc);
		if (ipcc->ev.shutdown_ack)
			ipcc->ev.shutdown_ack(ipcc->ev_priv);
	}
}

/* stm32_ipcc_rx_irq and stm32_ipcc_tx_irq: the channels taken go to *rx_done, *tx_done. */
static void handle(struct stm32_ipcc *ipcc, bool rx, bool tx, uint32_t *rx_done, uint32_t *tx_done)
{
	uint32_t mr = rd(ipcc, IPCC_C1MR), status, ch;

	if (rx) {
		status = rd(ipcc, IPCC_C2TOC1SR) & ~mr;
		for (ch = 0; ch < ipcc->channels; ch++) {
			if (!(status & (1u << ch)))
				continue;
			*rx_done |= 1u << ch;
			wr(ipcc, IPCC_C1SCR, IPCC_SCR_CHC(ch));
		}
	}
	if (tx) {
		status = ~rd(ipcc, IPCC_C1TOC2SR) & ~(mr >> 16);
		for (ch = 0; ch < ipcc->channels; ch++) {
			if (!(status & (1u << ch)))
				continue;
			wr(ipcc, IPCC_C1MR, rd(ipcc, IPCC_C1MR) | IPCC_MR_CHFM(ch));
			*tx_done |= 1u << ch;
		}
	}
}

void stm32_ipcc_irq(struct stm32_ipcc *ipcc, bool rx, bool tx)
{
	uint32_t rx_done = 0, tx_done = 0;

	if (!ipcc || in_handler)
		return;
	/* One handler at a time (the core thread's and a host thread's), as one CPU's irq. */
	pthread_mutex_lock(&ipcc->lock);
	in_handler = true;
	handle(ipcc, rx, tx, &rx_done, &tx_done);
	in_handler = false;
	pthread_mutex_unlock(&ipcc->lock);
	/*
	 * Linux delivers the message before clearing the channel; here the flag
	 * is cleared first and the event follows at once, outside the lock, so
	 * that an event callback never waits on the host while we hold it.
	 */
	report(ipcc, rx_done, tx_done);
}

void stm32_ipcc_setup(struct stm32_ipcc *ipcc)
{
	uint32_t mr, vq;
	bool was;

	if (!ipcc)
		return;
	pthread_mutex_lock(&ipcc->lock);
	was = in_handler;
	in_handler = true; /* nothing is pending right after a reset */
	wr(ipcc, IPCC_C1CR, IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	mr = rd(ipcc, IPCC_C1MR);
	for (vq = 0; vq < 2; vq++)
		if (ipcc->chans.vq[vq] < IPCC_MAX_CHANNELS)
			mr &= ~IPCC_MR_CHOM(ipcc->chans.vq[vq]);
	wr(ipcc, IPCC_C1MR, mr);
	in_handler = was;
	pthread_mutex_unlock(&ipcc->lock);
}

/* Post on channel ch; with wait_ack, TX free unmasked to hear the firmware's acknowledgement. */
static int send(struct stm32_ipcc *ipcc, uint32_t ch, bool wait_ack)
{
	bool was;

	if (ch >= ipcc->channels)
		return -EINVAL;
	if (ipcc->hw->running && !ipcc->hw->running(ipcc->hw_priv))
		return -RPT_ESTATE;
	/* Recursive: an event callback (inside a handler) may kick back. */
	pthread_mutex_lock(&ipcc->lock);
	was = in_handler;
	in_handler = true; /* our own writes; a completion found below is handled after */
	wr(ipcc, IPCC_C1SCR, IPCC_SCR_CHS(ch));
	if (wait_ack)
		wr(ipcc, IPCC_C1MR, rd(ipcc, IPCC_C1MR) & ~IPCC_MR_CHFM(ch));
	in_handler = was;
	pthread_mutex_unlock(&ipcc->lock);
	/* The firmware may have answered between the two writes: its interrupt fired into the guard. */
	if (wait_ack && !(rd(ipcc, IPCC_C1TOC2SR) & (1u << ch)))
		stm32_ipcc_irq(ipcc, false, true);
	return 0;
}

int stm32_ipcc_kick(struct stm32_ipcc *ipcc, uint32_t vq)
{
	if (!ipcc)
		return -ENODEV;
	if (vq >= 2 || ipcc->chans.vq[vq] == BOARD_MBOX_NONE)
		return -EINVAL;
	return send(ipcc, ipcc->chans.vq[vq], false);
}

int stm32_ipcc_request_shutdown(struct stm32_ipcc *ipcc)
{
	if (!ipcc || ipcc->chans.shutdown == BOARD_MBOX_NONE)
		return -ENODEV;
	pthread_mutex_lock(&ipcc->ack_lock);
	ipcc->acked = false;
	ipcc->cancelled = false;
	pthread_mutex_unlock(&ipcc->ack_lock);
	return send(ipcc, ipcc->chans.shutdown, true);
}

int stm32_ipcc_request_detach(struct stm32_ipcc *ipcc)
{
	if (!ipcc || ipcc->chans.detach == BOARD_MBOX_NONE)
		return -ENODEV;
	return send(ipcc, ipcc->chans.detach, true);
}

int stm32_ipcc_request_crash(struct stm32_ipcc *ipcc)
{
	if (!ipcc || ipcc->chans.crash == BOARD_MBOX_NONE)
		return -ENODEV;
	return send(ipcc, ipcc->chans.crash, false);
}

struct stm32_ipcc *stm32_ipcc_create(const struct stm32_ipcc_hw_ops *hw, void *hw_priv,
				     const struct board_rproc *desc,
				     const struct stm32_ipcc_events *ev, void *ev_priv,
				     struct rpt_error *err)
{
	struct stm32_ipcc *ipcc;
	pthread_mutexattr_t attr;
	pthread_condattr_t cattr;
	uint32_t hwcfg = 0;
	int ret;

	ret = hw->read32(hw_priv, IPCC_HWCFGR, &hwcfg);
	if (ret) {
		rpt_error_set(err, ret, "IPCC: cannot read its configuration (%d)", ret);
		return NULL;
	}
	ipcc = calloc(1, sizeof(*ipcc));
	if (!ipcc) {
		rpt_error_set(err, ENOMEM, "IPCC: out of memory");
		return NULL;
	}
	ipcc->hw = hw;
	ipcc->hw_priv = hw_priv;
	if (ev)
		ipcc->ev = *ev;
	ipcc->ev_priv = ev_priv;
	ipcc->channels = hwcfg & IPCC_HWCFGR_CHANNELS_MASK;
	if (ipcc->channels > IPCC_MAX_CHANNELS)
		ipcc->channels = IPCC_MAX_CHANNELS;
	stm32_ipcc_chans_of(desc, ipcc->channels, &ipcc->chans);
	if (pthread_mutexattr_init(&attr))
		goto fail_attr;
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
	ret = pthread_mutex_init(&ipcc->lock, &attr);
	pthread_mutexattr_destroy(&attr);
	if (ret)
		goto fail_attr;
	if (pthread_mutex_init(&ipcc->ack_lock, NULL))
		goto fail_lock;
	if (pthread_condattr_init(&cattr))
		goto fail_ack_lock;
	/* Timed waits on the monotonic clock: a wall-clock step must not end or stretch them. */
	pthread_condattr_setclock(&cattr, CLOCK_MONOTONIC);
	ret = pthread_cond_init(&ipcc->ack_cond, &cattr);
	pthread_condattr_destroy(&cattr);
	if (ret)
		goto fail_ack_lock;
	stm32_ipcc_setup(ipcc);
	return ipcc;

fail_ack_lock:
	pthread_mutex_destroy(&ipcc->ack_lock);
fail_lock:
	pthread_mutex_destroy(&ipcc->lock);
fail_attr:
	free(ipcc);
	rpt_error_set(err, ENOMEM, "IPCC: cannot create its locks");
	return NULL;
}

void stm32_ipcc_destroy(struct stm32_ipcc *ipcc)
{
	if (!ipcc)
		return;
	pthread_cond_destroy(&ipcc->ack_cond);
	pthread_mutex_destroy(&ipcc->ack_lock);
	pthread_mutex_destroy(&ipcc->lock);
	free(ipcc);
}

/* ---- as struct rproc_mbox_ops ---- */

static int mbox_request_shutdown(void *priv)
{
	return stm32_ipcc_request_shutdown(priv);
}

void stm32_ipcc_cancel_shutdown_wait(struct stm32_ipcc *ipcc)
{
	if (!ipcc)
		return;
	pthread_mutex_lock(&ipcc->ack_lock);
	ipcc->cancelled = true;
	pthread_cond_broadcast(&ipcc->ack_cond);
	pthread_mutex_unlock(&ipcc->ack_lock);
}

int stm32_ipcc_wait_shutdown_ack(struct stm32_ipcc *ipcc, unsigned int timeout_ms)
{
	struct timespec until;
	int ret = 0;

	if (!ipcc)
		return -ENODEV;
	clock_gettime(CLOCK_MONOTONIC, &until);
	until.tv_sec += timeout_ms / 1000u;
	until.tv_nsec += (long)(timeout_ms % 1000u) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ipcc->ack_lock);
	while (!ipcc->acked && !ipcc->cancelled && !ret)
		ret = pthread_cond_timedwait(&ipcc->ack_cond, &ipcc->ack_lock, &until);
	/* A core that crashed meanwhile will never answer: say so now, not at the timeout. */
	ret = ipcc->acked ? 0 : ipcc->cancelled ? -ECANCELED : -ETIMEDOUT;
	pthread_mutex_unlock(&ipcc->ack_lock);
	return ret;
}

static int mbox_wait_shutdown_ack(void *priv, unsigned int timeout_ms)
{
	return stm32_ipcc_wait_shutdown_ack(priv, timeout_ms);
}

static int mbox_kick(void *priv, unsigned int vqid)
{
	return stm32_ipcc_kick(priv, vqid);
}

static int mbox_request_detach(void *priv)
{
	struct stm32_ipcc *ipcc = priv;

	/* Nobody to tell without ST's "detach" channel (stm32_rproc_detach: no mbox, no-op). */
	if (ipcc->chans.detach == BOARD_MBOX_NONE)
		return 0;
	return stm32_ipcc_request_detach(ipcc);
}

const struct rproc_mbox_ops stm32_ipcc_mbox_ops = {
	.request_shutdown = mbox_request_shutdown,
	.wait_shutdown_ack = mbox_wait_shutdown_ack,
	.kick = mbox_kick,
	.request_detach = mbox_request_detach,
};
