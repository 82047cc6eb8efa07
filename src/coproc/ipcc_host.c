// SPDX-License-Identifier: BSD-2-Clause
/*
 * The host's side of the IPCC: what Linux's stm32_ipcc mailbox driver and
 * stm32_rproc do as processor 1, over nothing but processor 1's register
 * accesses (coproc_ipcc_host_read/write) and its two interrupt lines.
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

#include "coproc/coproc_internal.h"
#include "coproc/stm32_ipcc_regs.h"

/* A handler's own register writes must not run the handlers again (Linux: the irq is masked). */
static _Thread_local bool in_handler;

/* The events of what a handler took: after the handler, with no lock of ours held. */
static void report(struct coproc *c, uint32_t rx_done, uint32_t tx_done)
{
	uint32_t vq;

	for (vq = 0; vq < 2; vq++)
		if (c->chans.vq[vq] < IPCC_MAX_CHANNELS && (rx_done & (1u << c->chans.vq[vq])) &&
		    c->ev.kick)
			c->ev.kick(c->ev_priv, vq);
	if (c->chans.shutdown < IPCC_MAX_CHANNELS && (tx_done & (1u << c->chans.shutdown)) &&
	    c->ev.shutdown_ack)
		c->ev.shutdown_ack(c->ev_priv);
}

/* stm32_ipcc_rx_irq and stm32_ipcc_tx_irq: the channels taken go to *rx_done, *tx_done. */
static void handle(struct coproc *c, bool rx, bool tx, uint32_t *rx_done, uint32_t *tx_done)
{
	uint32_t tosr = 0, mr = 0, own = 0, hw = 0, status, ch, n;

	coproc_ipcc_host_read(c, IPCC_HWCFGR, &hw);
	n = hw & IPCC_HWCFGR_CHANNELS_MASK;
	coproc_ipcc_host_read(c, IPCC_C1MR, &mr);
	if (rx) {
		coproc_ipcc_host_read(c, IPCC_C2TOC1SR, &tosr);
		status = tosr & ~mr;
		for (ch = 0; ch < n; ch++) {
			if (!(status & (1u << ch)))
				continue;
			*rx_done |= 1u << ch;
			coproc_ipcc_host_write(c, IPCC_C1SCR, IPCC_SCR_CHC(ch));
		}
	}
	if (tx) {
		coproc_ipcc_host_read(c, IPCC_C1TOC2SR, &own);
		status = ~own & ~(mr >> 16);
		for (ch = 0; ch < n; ch++) {
			if (!(status & (1u << ch)))
				continue;
			coproc_ipcc_host_read(c, IPCC_C1MR, &mr);
			coproc_ipcc_host_write(c, IPCC_C1MR, mr | IPCC_MR_CHFM(ch));
			*tx_done |= 1u << ch;
		}
	}
}

void coproc_ipcc_host_irq(struct coproc *c, bool rx, bool tx)
{
	uint32_t rx_done = 0, tx_done = 0;

	if (in_handler)
		return;
	/* One handler at a time (the core thread's and a host thread's), as one CPU's irq. */
	pthread_mutex_lock(&c->ipcc_host_lock);
	in_handler = true;
	handle(c, rx, tx, &rx_done, &tx_done);
	in_handler = false;
	pthread_mutex_unlock(&c->ipcc_host_lock);
	/*
	 * Linux delivers the message before clearing the channel; here the flag
	 * is cleared first and the event follows at once, outside the lock, so
	 * that an event callback never waits on the host while we hold it.
	 */
	report(c, rx_done, tx_done);
}

void coproc_ipcc_host_init(struct coproc *c)
{
	uint32_t mr = 0, vq;

	if (!c->ipcc)
		return;
	in_handler = true; /* nothing is pending right after a reset */
	coproc_ipcc_host_write(c, IPCC_C1CR, IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	coproc_ipcc_host_read(c, IPCC_C1MR, &mr);
	for (vq = 0; vq < 2; vq++)
		if (c->chans.vq[vq] < IPCC_MAX_CHANNELS)
			mr &= ~IPCC_MR_CHOM(c->chans.vq[vq]);
	coproc_ipcc_host_write(c, IPCC_C1MR, mr);
	in_handler = false;
}

/* Post on channel ch; with wait_ack, TX free unmasked to hear the firmware's acknowledgement. */
static int host_send(struct coproc *c, uint32_t ch, bool wait_ack)
{
	uint32_t mr = 0;
	bool was;
	int ret = 0;

	if (!c->ipcc)
		return -ENODEV;
	if (ch >= c->ipcc->desc.channels)
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->state != COPROC_RUNNING || c->stop_req)
		ret = -RPT_ESTATE;
	pthread_mutex_unlock(&c->lock);
	if (ret)
		return ret;
	/* Recursive: an event callback (inside a handler) may kick back. */
	pthread_mutex_lock(&c->ipcc_host_lock);
	was = in_handler;
	in_handler = true; /* our own writes; a completion found below is handled after */
	coproc_ipcc_host_write(c, IPCC_C1SCR, IPCC_SCR_CHS(ch));
	if (wait_ack) {
		coproc_ipcc_host_read(c, IPCC_C1MR, &mr);
		coproc_ipcc_host_write(c, IPCC_C1MR, mr & ~IPCC_MR_CHFM(ch));
	}
	in_handler = was;
	pthread_mutex_unlock(&c->ipcc_host_lock);
	/* The firmware may have answered between the two writes: its interrupt fired into the guard. */
	if (wait_ack) {
		uint32_t own = 0;

		coproc_ipcc_host_read(c, IPCC_C1TOC2SR, &own);
		if (!(own & (1u << ch)))
			coproc_ipcc_host_irq(c, false, true);
	}
	return 0;
}

int coproc_kick(struct coproc *c, uint32_t vq)
{
	if (vq >= 2 || c->chans.vq[vq] == BOARD_MBOX_NONE)
		return -EINVAL;
	return host_send(c, c->chans.vq[vq], false);
}

int coproc_request_shutdown(struct coproc *c)
{
	if (c->chans.shutdown == BOARD_MBOX_NONE)
		return -ENODEV;
	return host_send(c, c->chans.shutdown, true);
}

int coproc_request_detach(struct coproc *c)
{
	if (c->chans.detach == BOARD_MBOX_NONE)
		return -ENODEV;
	return host_send(c, c->chans.detach, true);
}

int coproc_request_crash(struct coproc *c)
{
	if (c->chans.crash == BOARD_MBOX_NONE)
		return -ENODEV;
	return host_send(c, c->chans.crash, false);
}
