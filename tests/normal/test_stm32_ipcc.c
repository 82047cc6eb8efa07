// SPDX-License-Identifier: BSD-2-Clause
/*
 * The normal world's STM32 IPCC driver (stm32_ipcc: Linux's stm32_ipcc +
 * stm32_rproc as processor 1) on its own, over a double of processor 1's
 * registers: what it writes for a set-up, a kick, a shutdown or detach
 * request; that it acknowledges the firmware's kicks (C1SCR CHnC) and
 * reports them; that a request completes when the firmware clears the
 * channel (TX free), even when that happens before the driver listens; the
 * unwired and absent channels. The same driver over the emulator's model is
 * tests/coproc/test_ipcc.c.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/error.h"
#include "coproc/stm32_ipcc_regs.h"
#include "normal/drivers/stm32_common.h"
#include "normal/drivers/stm32_ipcc.h"

#define MAX_WRITES 64

/* Processor 1's registers as the double keeps them, and what the driver did. */
struct dbl {
	uint32_t channels;	   /* HWCFGR.CHANNELS */
	uint32_t cr, mr;	   /* C1CR, C1MR */
	uint32_t own;		   /* C1TOC2SR: the host's flags */
	uint32_t fw;		   /* C2TOC1SR: the firmware's flags */
	bool running;		   /* what the running op answers */
	bool fail_reads;	   /* every read fails (-EIO) */
	bool fw_takes_at_once;	   /* the firmware clears a host flag as soon as it is set */
	struct stm32_ipcc *drv;	   /* who gets processor 1's lines */
	uint32_t woff[MAX_WRITES]; /* offsets written, in order */
	uint32_t wval[MAX_WRITES]; /* values written */
	unsigned int nw;	   /* writes so far */
	unsigned int kicks[2];	   /* kick events per vring */
	unsigned int acks;	   /* shutdown_ack events */
};

static uint32_t chmask(const struct dbl *d)
{
	return (uint32_t)((1ull << d->channels) - 1);
}

/* Processor 1's lines are levels: deliver them while they are high (the driver guards re-entry). */
static void lines(struct dbl *d)
{
	bool rx = (d->cr & IPCC_CR_RXOIE) && (d->fw & ~d->mr & chmask(d));
	bool tx = (d->cr & IPCC_CR_TXFIE) && (~d->own & ~(d->mr >> 16) & chmask(d));

	if (rx || tx)
		stm32_ipcc_irq(d->drv, rx, tx);
}

static int d_read32(void *priv, uint32_t off, uint32_t *v)
{
	struct dbl *d = priv;

	if (d->fail_reads)
		return -EIO;
	switch (off) {
	case IPCC_C1CR:
		*v = d->cr;
		break;
	case IPCC_C1MR:
		*v = d->mr;
		break;
	case IPCC_C1TOC2SR:
		*v = d->own;
		break;
	case IPCC_C2TOC1SR:
		*v = d->fw;
		break;
	case IPCC_HWCFGR:
		*v = d->channels;
		break;
	default:
		*v = 0;
	}
	return 0;
}

static int d_write32(void *priv, uint32_t off, uint32_t v)
{
	struct dbl *d = priv;

	assert_true(d->nw < MAX_WRITES);
	d->woff[d->nw] = off;
	d->wval[d->nw++] = v;
	switch (off) {
	case IPCC_C1CR:
		d->cr = v;
		break;
	case IPCC_C1MR:
		d->mr = v;
		break;
	case IPCC_C1SCR:
		d->fw &= ~(v & chmask(d));
		d->own |= (v >> 16) & chmask(d);
		if (d->fw_takes_at_once)
			d->own = 0;
		break;
	default:
		break;
	}
	lines(d);
	return 0;
}

static bool d_running(void *priv)
{
	return ((struct dbl *)priv)->running;
}

static const struct stm32_ipcc_hw_ops dbl_ops = {
	.read32 = d_read32,
	.write32 = d_write32,
	.running = d_running,
};

static void ev_kick(void *priv, uint32_t vq)
{
	struct dbl *d = priv;

	assert_true(vq < 2);
	d->kicks[vq]++;
}

static void ev_ack(void *priv)
{
	((struct dbl *)priv)->acks++;
}

static const struct stm32_ipcc_events dbl_events = {.kick = ev_kick, .shutdown_ack = ev_ack};

/* A double reset as the SoC leaves it (all masked), and the driver probed over it. */
static void up(struct dbl *d, const struct board_rproc *desc)
{
	struct rpt_error err = {0};

	memset(d, 0, sizeof(*d));
	d->channels = STM32MP15_IPCC_CHANNELS;
	d->mr = chmask(d) | chmask(d) << 16;
	d->running = true;
	d->drv = stm32_ipcc_create(&dbl_ops, d, desc, &dbl_events, d, &err);
	if (!d->drv)
		fail_msg("stm32_ipcc_create: %s", rpt_error_msg(&err));
	d->nw = 0;
}

/* The firmware sets its flag of channel ch (HAL_IPCC_NotifyCPU): processor 1's RX. */
static void fw_kick(struct dbl *d, uint32_t ch)
{
	d->fw |= 1u << ch;
	lines(d);
}

/* The firmware clears the host's flag of channel ch (its acknowledgement): processor 1's TX free. */
static void fw_clear(struct dbl *d, uint32_t ch)
{
	d->own &= ~(1u << ch);
	lines(d);
}

static void test_setup(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	/* Both interrupts, RX occupied unmasked for the vrings (channels 1 and 2) only. */
	assert_int_equal(d.cr, IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	assert_int_equal(d.mr, 0x003F003Cu);
	/* Again after a reset of the block, with nothing pending, without a write of C1SCR. */
	d.cr = 0;
	d.mr = 0x003F003Fu;
	stm32_ipcc_setup(d.drv);
	assert_int_equal(d.mr, 0x003F003Cu);
	for (unsigned int i = 0; i < d.nw; i++)
		assert_int_not_equal(d.woff[i], IPCC_C1SCR);
	stm32_ipcc_destroy(d.drv);
}

static void test_kick_posts_and_does_not_wait(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	assert_int_equal(stm32_ipcc_kick(d.drv, 1), 0);
	/* One write: C1SCR CH2S; TX free stays masked (nobody waits for a kick). */
	assert_int_equal(d.nw, 1);
	assert_int_equal(d.woff[0], IPCC_C1SCR);
	assert_int_equal(d.wval[0], IPCC_SCR_CHS(IPCC_CH_VRING1));
	assert_int_equal(d.own, 1u << IPCC_CH_VRING1);
	fw_clear(&d, IPCC_CH_VRING1);
	assert_int_equal(d.acks, 0);
	assert_int_equal(stm32_ipcc_kick(d.drv, 2), -EINVAL);
	/* A firmware that does not run is asked nothing. */
	d.running = false;
	d.nw = 0;
	assert_int_equal(stm32_ipcc_kick(d.drv, 0), -RPT_ESTATE);
	assert_int_equal(stm32_ipcc_request_shutdown(d.drv), -RPT_ESTATE);
	assert_int_equal(d.nw, 0);
	stm32_ipcc_destroy(d.drv);
}

static void test_firmware_kick_is_acknowledged(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	fw_kick(&d, IPCC_CH_VRING1);
	/* The RX handler cleared it (C1SCR CH2C, what the firmware polls for) and reported it. */
	assert_int_equal(d.fw, 0);
	assert_int_equal(d.kicks[1], 1);
	assert_int_equal(d.woff[0], IPCC_C1SCR);
	assert_int_equal(d.wval[0], IPCC_SCR_CHC(IPCC_CH_VRING1));
	fw_kick(&d, IPCC_CH_VRING0);
	fw_kick(&d, IPCC_CH_VRING1);
	assert_int_equal(d.kicks[0], 1);
	assert_int_equal(d.kicks[1], 2);
	/* A channel the host does not listen on (masked) stays occupied, unreported. */
	fw_kick(&d, IPCC_CH_SHUTDOWN);
	assert_int_equal(d.fw, 1u << IPCC_CH_SHUTDOWN);
	assert_int_equal(d.kicks[0] + d.kicks[1], 3);
	stm32_ipcc_destroy(d.drv);
}

static void test_shutdown_completes_on_clear(void **state)
{
	const struct rproc_mbox_ops *mb = &stm32_ipcc_mbox_ops;
	struct dbl d;

	(void)state;
	up(&d, NULL);
	assert_int_equal(mb->request_shutdown(d.drv), 0);
	/* Posted on channel 3, then TX free unmasked for it. */
	assert_int_equal(d.own, 1u << IPCC_CH_SHUTDOWN);
	assert_int_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_SHUTDOWN), 0);
	assert_int_equal(d.acks, 0);
	assert_int_equal(mb->wait_shutdown_ack(d.drv, 1), -ETIMEDOUT);
	fw_clear(&d, IPCC_CH_SHUTDOWN);
	/* The TX free handler masked it again and completed the request. */
	assert_int_equal(d.acks, 1);
	assert_int_not_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_SHUTDOWN), 0);
	assert_int_equal(mb->wait_shutdown_ack(d.drv, 1), 0);
	fw_clear(&d, IPCC_CH_SHUTDOWN);
	assert_int_equal(d.acks, 1);
	/* A new request forgets the old acknowledgement. */
	assert_int_equal(mb->request_shutdown(d.drv), 0);
	assert_int_equal(mb->wait_shutdown_ack(d.drv, 1), -ETIMEDOUT);
	stm32_ipcc_destroy(d.drv);
}

/*
 * A core that crashed never answers: the wait ends at once with -ECANCELED
 * (not at its timeout), and the next request waits afresh.
 */
static void test_shutdown_wait_cancelled_by_crash(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	assert_int_equal(stm32_ipcc_request_shutdown(d.drv), 0);
	stm32_ipcc_cancel_shutdown_wait(d.drv);
	/* A long timeout: only the cancellation can end this wait quickly. */
	assert_int_equal(stm32_ipcc_wait_shutdown_ack(d.drv, 60000), -ECANCELED);
	assert_int_equal(stm32_ipcc_request_shutdown(d.drv), 0);
	assert_int_equal(stm32_ipcc_wait_shutdown_ack(d.drv, 1), -ETIMEDOUT);
	fw_clear(&d, IPCC_CH_SHUTDOWN);
	assert_int_equal(stm32_ipcc_wait_shutdown_ack(d.drv, 1), 0);
	assert_int_equal(stm32_ipcc_wait_shutdown_ack(NULL, 1), -ENODEV);
	stm32_ipcc_destroy(d.drv);
}

/* The firmware answers before TX free is unmasked: its interrupt was lost in the guard. */
static void test_shutdown_answered_at_once(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	d.fw_takes_at_once = true;
	assert_int_equal(stm32_ipcc_request_shutdown(d.drv), 0);
	assert_int_equal(d.acks, 1);
	assert_int_not_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_SHUTDOWN), 0);
	assert_int_equal(stm32_ipcc_mbox_ops.wait_shutdown_ack(d.drv, 1), 0);
	stm32_ipcc_destroy(d.drv);
}

static void test_detach_and_crash(void **state)
{
	struct dbl d;

	(void)state;
	up(&d, NULL);
	assert_int_equal(stm32_ipcc_request_detach(d.drv), 0);
	assert_int_equal(d.own, 1u << IPCC_CH_DETACH);
	assert_int_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_DETACH), 0);
	fw_clear(&d, IPCC_CH_DETACH);
	/* Completes without a shutdown acknowledgement, masked again. */
	assert_int_equal(d.acks, 0);
	assert_int_not_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_DETACH), 0);
	/* The demo's crash request: channel 5, nobody waits. */
	assert_int_equal(stm32_ipcc_request_crash(d.drv), 0);
	assert_int_equal(d.own, 1u << IPCC_CH_CRASH);
	assert_int_not_equal(d.mr & IPCC_MR_CHFM(IPCC_CH_CRASH), 0);
	stm32_ipcc_destroy(d.drv);
}

static void test_unwired_and_absent(void **state)
{
	struct board_rproc *desc = calloc(1, sizeof(*desc));
	struct dbl d;

	(void)state;
	assert_non_null(desc);
	desc->mbox.vq0 = 0;
	desc->mbox.vq1 = BOARD_MBOX_NONE;
	desc->mbox.shutdown = BOARD_MBOX_NONE;
	desc->mbox.detach = BOARD_MBOX_NONE;
	up(&d, desc);
	free(desc);
	/* Only vring 0 listened on. */
	assert_int_equal(d.mr, 0x003F003Eu);
	assert_int_equal(stm32_ipcc_kick(d.drv, 1), -EINVAL);
	assert_int_equal(stm32_ipcc_request_shutdown(d.drv), -ENODEV);
	assert_int_equal(stm32_ipcc_request_detach(d.drv), -ENODEV);
	/* As stm32_rproc: no detach channel, nobody to tell, not a failure of the detach. */
	assert_int_equal(stm32_ipcc_mbox_ops.request_detach(d.drv), 0);
	assert_int_equal(d.nw, 0);
	stm32_ipcc_destroy(d.drv);
	/* No IPCC at all. */
	assert_int_equal(stm32_ipcc_kick(NULL, 0), -ENODEV);
	assert_int_equal(stm32_ipcc_request_shutdown(NULL), -ENODEV);
	assert_int_equal(stm32_ipcc_request_detach(NULL), -ENODEV);
	assert_int_equal(stm32_ipcc_request_crash(NULL), -ENODEV);
	stm32_ipcc_destroy(NULL);
}

static void test_probe_fails_without_registers(void **state)
{
	struct rpt_error err = {0};
	struct dbl d = {.fail_reads = true};

	(void)state;
	assert_null(stm32_ipcc_create(&dbl_ops, &d, NULL, &dbl_events, &d, &err));
	assert_int_equal(err.code, -EIO);
	assert_non_null(strstr(err.msg, "IPCC"));
	assert_int_equal(d.nw, 0);
}

static void test_channels_of_board(void **state)
{
	struct board_rproc desc = {0};
	struct stm32_ipcc_chans ch;

	(void)state;
	desc.mbox.vq0 = 0;
	desc.mbox.vq1 = 1;
	desc.mbox.shutdown = 2;
	desc.mbox.detach = 3;
	stm32_ipcc_chans_of(&desc, STM32MP2_IPCC1_CHANNELS, &ch);
	assert_int_equal(ch.vq[1], 1);
	assert_int_equal(ch.detach, 3);
	assert_int_equal(ch.crash, IPCC_CH_CRASH);
	/* No channel 5 on a 4-channel instance, nor when the board uses it. */
	stm32_ipcc_chans_of(&desc, 4, &ch);
	assert_int_equal(ch.crash, BOARD_MBOX_NONE);
	desc.mbox.detach = IPCC_CH_CRASH;
	stm32_ipcc_chans_of(&desc, STM32MP2_IPCC1_CHANNELS, &ch);
	assert_int_equal(ch.crash, BOARD_MBOX_NONE);
	/* No board node: ST's numbering. */
	stm32_ipcc_chans_of(NULL, 0, &ch);
	assert_int_equal(ch.vq[0], IPCC_CH_VRING0);
	assert_int_equal(ch.shutdown, IPCC_CH_SHUTDOWN);
	assert_int_equal(ch.crash, IPCC_CH_CRASH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_setup),
		cmocka_unit_test(test_kick_posts_and_does_not_wait),
		cmocka_unit_test(test_firmware_kick_is_acknowledged),
		cmocka_unit_test(test_shutdown_completes_on_clear),
		cmocka_unit_test(test_shutdown_wait_cancelled_by_crash),
		cmocka_unit_test(test_shutdown_answered_at_once),
		cmocka_unit_test(test_detach_and_crash),
		cmocka_unit_test(test_unwired_and_absent),
		cmocka_unit_test(test_probe_fails_without_registers),
		cmocka_unit_test(test_channels_of_board),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
