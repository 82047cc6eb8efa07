// SPDX-License-Identifier: BSD-2-Clause
/*
 * The STM32 IPCC model against the reference manual's rules (RM0436 / RM0457:
 * set/clear through CxSCR, read-only status, masks, RX-occupied and TX-free
 * interrupts of processor 2 as levels, HWCFGR, identification registers,
 * widths), and the normal world's driver of processor 1 (stm32_ipcc, as
 * Linux's stm32_ipcc + stm32_rproc: kick, acknowledgement of firmware kicks,
 * shutdown and detach waiting for the firmware to clear the channel) over
 * the model in this process (stm32_ipcc_coproc). The driver's logic alone,
 * over a register double, is tests/normal/test_stm32_ipcc.c.
 *
 * Processor 2's accesses are made as the firmware's would be
 * (coproc_ipcc_core_access), processor 1's through coproc_ipcc_host_*; the
 * lines are observed where the model drives coproc_irq_set.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/error.h"
#include "common/safe_math.h"
#include "coproc/coproc_internal.h"
#include "coproc/stm32_ipcc_regs.h"
#include "coproc_fixture.h"
#include "fw_rpmsg_host.h"
#include "normal/drivers/stm32_ipcc_coproc.h"
#include "testutil.h"

/* The demo's trace buffer (ipc-shmem). */
#define TRACE_DA  0x10047000u
#define TRACE_LEN 0x800u

struct rig {
	struct fix_board board;
	struct fix_events ev;
	struct coproc *core;
	struct stm32_ipcc *ipcc; /* processor 1's driver, over the model */
};

static void rig_up_desc(struct rig *r, const struct board_rproc *desc)
{
	struct rpt_error err = {0};

	fix_board_init(&r->board);
	fix_events_init(&r->ev);
	r->core = coproc_create(&(struct coproc_config){.cpu = "cortex-m4",
							.mems = r->board.mems,
							.num_mems = r->board.num_mems,
							.desc = desc},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	r->ipcc = stm32_ipcc_coproc_create(r->core, desc, &fix_ipcc_events, &r->ev, &err);
	if (!r->ipcc)
		fail_msg("stm32_ipcc_coproc_create: %s", rpt_error_msg(&err));
}

static void rig_up(struct rig *r)
{
	rig_up_desc(r, NULL);
}

static void rig_down(struct rig *r)
{
	coproc_destroy(r->core);
	stm32_ipcc_destroy(r->ipcc);
	fix_events_fini(&r->ev);
	fix_board_fini(&r->board);
}

/* Run "b ." so that the host may post (host requests need a running core). */
static void rig_spin(struct rig *r)
{
	struct rpt_error err = {0};
	uint8_t *retram = fix_da(&r->board, 0, 0x1000);

	retram[0] = 0x00;
	retram[1] = 0x00;
	retram[2] = 0x02;
	retram[3] = 0x10; /* SP 0x10020000 */
	retram[4] = 0x01;
	retram[5] = 0x01;
	retram[6] = 0x00;
	retram[7] = 0x00; /* PC 0x100 | Thumb */
	retram[0x100] = 0xFE;
	retram[0x101] = 0xE7; /* b . */
	if (coproc_boot(r->core, 0, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
}

static void rig_stop(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_halt(r->core, &err))
		fail_msg("coproc_halt: %s", rpt_error_msg(&err));
}

/* Processor 2 (the firmware). */
static uint32_t p2_read(struct rig *r, uint32_t off)
{
	uint32_t v = 0xDEADBEEFu;

	assert_int_equal(coproc_ipcc_core_access(r->core, off, 4, false, &v), 0);
	return v;
}

static void p2_write(struct rig *r, uint32_t off, uint32_t v)
{
	assert_int_equal(coproc_ipcc_core_access(r->core, off, 4, true, &v), 0);
}

/* Processor 1 (the host). */
static uint32_t p1_read(struct rig *r, uint32_t off)
{
	uint32_t v = 0xDEADBEEFu;

	assert_int_equal(coproc_ipcc_host_read(r->core, off, &v), 0);
	return v;
}

static void p1_write(struct rig *r, uint32_t off, uint32_t v)
{
	assert_int_equal(coproc_ipcc_host_write(r->core, off, v), 0);
}

static struct coproc_ipcc_lines lines(struct rig *r)
{
	struct coproc_ipcc_lines l;

	assert_int_equal(coproc_ipcc_lines(r->core, &l), 0);
	return l;
}

/* Take the host's driver out of the way: no interrupt of processor 1 runs its handlers. */
static void host_quiet(struct rig *r)
{
	p1_write(r, IPCC_C1CR, 0);
}

/* ---- the register file ---- */

static void test_reset_values_and_identification(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	assert_int_equal(p2_read(&r, IPCC_HWCFGR), STM32MP15_IPCC_CHANNELS);
	assert_int_equal(p2_read(&r, IPCC_VER), 0x00000010u);
	assert_int_equal(p2_read(&r, IPCC_ID), 0x00100071u);
	assert_int_equal(p2_read(&r, IPCC_SID), 0xA3C5DD01u);
	/* Processor 2 as reset leaves it: interrupts off, every implemented channel masked. */
	assert_int_equal(p2_read(&r, IPCC_C2CR), 0);
	assert_int_equal(p2_read(&r, IPCC_C2MR), 0x003F003Fu);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0);
	/* Processor 1 as the host's driver set it up: both interrupts, RX of the vrings unmasked. */
	assert_int_equal(p1_read(&r, IPCC_C1CR), IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	assert_int_equal(p1_read(&r, IPCC_C1MR), 0x003F003Cu);
	/* Reserved offsets read as zero. */
	assert_int_equal(p2_read(&r, 0x020), 0);
	assert_int_equal(p2_read(&r, 0x3EC), 0);
	rig_down(&r);
}

static void test_set_clear_through_scr(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	host_quiet(&r);
	/* Processor 1 sets channels 1 and 3 (bits 16 + n); only C1TOC2SR changes. */
	p1_write(&r, IPCC_C1SCR, IPCC_SCR_CHS(0) | IPCC_SCR_CHS(2));
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0x5);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0);
	/* Write-only: the set/clear registers read 0. */
	assert_int_equal(p1_read(&r, IPCC_C1SCR), 0);
	assert_int_equal(p2_read(&r, IPCC_C2SCR), 0);
	/* Processor 2 clears channel 1 of the other side's status (its acknowledgement). */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(0));
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0x4);
	/* Processor 2 sets its own; processor 1 clears it. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(1) | IPCC_SCR_CHS(5));
	assert_int_equal(p1_read(&r, IPCC_C2TOC1SR), 0x22);
	p1_write(&r, IPCC_C1SCR, IPCC_SCR_CHC(5));
	assert_int_equal(p1_read(&r, IPCC_C2TOC1SR), 0x2);
	/* Setting and clearing in one write: our own set, the other side's cleared. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(2) | IPCC_SCR_CHS(3));
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0xA);
	/* A processor's CHnC never clears its own flags. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(1) | IPCC_SCR_CHC(3));
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0xA);
	/* Status registers are read-only. */
	p2_write(&r, IPCC_C2TOC1SR, 0);
	p1_write(&r, IPCC_C1TOC2SR, 0x3F);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0xA);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	/* Channels the instance does not have (7..16 of 6) are not there. */
	p1_write(&r, IPCC_C1SCR, 0xFFFF0000u);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0x3F);
	p2_write(&r, IPCC_C2MR, 0xFFFFFFFFu);
	assert_int_equal(p2_read(&r, IPCC_C2MR), 0x003F003Fu);
	p2_write(&r, IPCC_C2CR, 0xFFFFFFFFu);
	assert_int_equal(p2_read(&r, IPCC_C2CR), IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	/* Identification is read-only. */
	p2_write(&r, IPCC_HWCFGR, 0xFF);
	assert_int_equal(p2_read(&r, IPCC_HWCFGR), STM32MP15_IPCC_CHANNELS);
	rig_down(&r);
}

static void test_bad_widths(void **state)
{
	uint32_t v;
	struct rig r;

	(void)state;
	rig_up(&r);
	host_quiet(&r);
	/* Byte and halfword stores do nothing; such loads read 0 (word-only registers). */
	v = 0x00010000u;
	assert_int_equal(coproc_ipcc_core_access(r.core, IPCC_C2SCR + 2, 2, true, &v), 0);
	v = 0x01;
	assert_int_equal(coproc_ipcc_core_access(r.core, IPCC_C2SCR + 2, 1, true, &v), 0);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0);
	assert_int_equal(coproc_ipcc_core_access(r.core, IPCC_HWCFGR, 1, false, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(coproc_ipcc_core_access(r.core, IPCC_C2MR, 2, false, &v), 0);
	assert_int_equal(v, 0);
	/* The host's accesses are words at aligned offsets inside the block. */
	assert_int_equal(coproc_ipcc_host_read(r.core, 0x2, &v), -EINVAL);
	assert_int_equal(coproc_ipcc_host_write(r.core, IPCC_SIZE, 0), -EINVAL);
	rig_down(&r);
}

/* ---- processor 2's interrupts ---- */

static void test_rx_occupied_interrupt(void **state)
{
	struct coproc_ipcc_lines l;
	struct rig r;

	(void)state;
	rig_up(&r);
	host_quiet(&r);
	/* Occupied but RXOIE off: no interrupt. */
	p1_write(&r, IPCC_C1SCR, IPCC_SCR_CHS(2));
	p2_write(&r, IPCC_C2MR, 0x003F003Bu); /* unmask RX of channel 3 only */
	assert_false(lines(&r).p2_rx);
	p2_write(&r, IPCC_C2CR, IPCC_CR_RXOIE);
	l = lines(&r);
	assert_true(l.p2_rx);
	assert_false(l.p2_tx);
	assert_int_equal(l.p2_rx_calls, 1);
	/* A second occupied channel that is masked changes nothing. */
	p1_write(&r, IPCC_C1SCR, IPCC_SCR_CHS(0));
	assert_int_equal(lines(&r).p2_rx_calls, 1);
	/* Masking the occupied channel drops the line; unmasking raises it again (a level). */
	p2_write(&r, IPCC_C2MR, 0x003F003Fu);
	assert_false(lines(&r).p2_rx);
	p2_write(&r, IPCC_C2MR, 0x003F003Bu);
	assert_true(lines(&r).p2_rx);
	/* Clearing it (the firmware's acknowledgement) drops it. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(2));
	l = lines(&r);
	assert_false(l.p2_rx);
	assert_int_equal(l.p2_rx_calls, 4); /* up, down, up, down: one call per change */
	/* Processor 1's own flags never raise processor 1's RX. */
	assert_false(l.p1_rx);
	rig_down(&r);
}

static void test_tx_free_interrupt(void **state)
{
	struct coproc_ipcc_lines l;
	struct rig r;

	(void)state;
	rig_up(&r);
	host_quiet(&r);
	/* The firmware sends on channel 2, then unmasks TX free for it (HAL_IPCC_NotifyCPU). */
	p2_write(&r, IPCC_C2CR, IPCC_CR_TXFIE);
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(1));
	p2_write(&r, IPCC_C2MR, 0x003F003Fu & ~IPCC_MR_CHFM(1));
	assert_false(lines(&r).p2_tx); /* still occupied */
	/* The host clears it: free again, the TX free line rises. */
	p1_write(&r, IPCC_C1SCR, IPCC_SCR_CHC(1));
	l = lines(&r);
	assert_true(l.p2_tx);
	assert_false(l.p2_rx);
	assert_int_equal(l.p2_tx_calls, 1);
	/* The firmware's handler masks it again: the line drops. */
	p2_write(&r, IPCC_C2MR, 0x003F003Fu);
	l = lines(&r);
	assert_false(l.p2_tx);
	assert_int_equal(l.p2_tx_calls, 2);
	/* TXFIE off: a free, unmasked channel raises nothing. */
	p2_write(&r, IPCC_C2CR, 0);
	p2_write(&r, IPCC_C2MR, 0x003F003Fu & ~IPCC_MR_CHFM(4));
	assert_false(lines(&r).p2_tx);
	rig_down(&r);
}

static void test_mp2_ipcc1_sixteen_channels(void **state)
{
	struct board_rproc *desc = calloc(1, sizeof(*desc));
	struct rig r;

	(void)state;
	assert_non_null(desc);
	desc->periphs[0] =
		(struct board_periph){.name = "mailbox",
				      .kind = BOARD_PERIPH_IPCC,
				      .pa = STM32MP2_IPCC1_BASE,
				      .da = STM32MP2_IPCC1_BASE,
				      .size = IPCC_SIZE,
				      .irqs = {STM32MP2_IPCC1_IRQ_RX, STM32MP2_IPCC1_IRQ_TX},
				      .num_irqs = 2,
				      .channels = STM32MP2_IPCC1_CHANNELS};
	desc->num_periphs = 1;
	desc->mbox.vq0 = 0;
	desc->mbox.vq1 = 1;
	desc->mbox.shutdown = 2;
	desc->mbox.detach = 3;
	rig_up_desc(&r, desc);
	free(desc); /* read once at creation */
	assert_int_equal(p2_read(&r, IPCC_HWCFGR), 16);
	assert_int_equal(p2_read(&r, IPCC_C2MR), 0xFFFFFFFFu);
	host_quiet(&r);
	p1_write(&r, IPCC_C1SCR, 0xFFFF0000u);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0xFFFF);
	rig_down(&r);
}

/* ---- the host's driver (processor 1) ---- */

static void test_host_kick_and_firmware_clear(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	/* Not running: nothing is posted. */
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 0), -RPT_ESTATE);
	rig_spin(&r);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 1), 0);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 1u << IPCC_CH_VRING1);
	/* A kick does not wait: the firmware takes it whenever it polls, and clears it. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_VRING1));
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 0), 0);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 1u << IPCC_CH_VRING0);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 2), -EINVAL);
	assert_int_equal(fix_acks(&r.ev), 0);
	rig_stop(&r);
	rig_down(&r);
}

static void test_host_acknowledges_firmware_kicks(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	rig_spin(&r);
	/* The firmware kicks vring 1: the host's RX handler takes it and clears the flag. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(IPCC_CH_VRING1));
	assert_int_equal(fix_kicks(&r.ev, 1), 1);
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 0);
	/* So it may kick again at once, and each kick is one event. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(IPCC_CH_VRING1));
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(IPCC_CH_VRING0));
	assert_int_equal(fix_kicks(&r.ev, 1), 2);
	assert_int_equal(fix_kicks(&r.ev, 0), 1);
	assert_false(lines(&r).p1_rx);
	/* A channel the host does not listen on (masked) stays occupied: nobody clears it. */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHS(IPCC_CH_SHUTDOWN));
	assert_int_equal(p2_read(&r, IPCC_C2TOC1SR), 1u << IPCC_CH_SHUTDOWN);
	assert_int_equal(fix_kicks(&r.ev, 2), 0);
	rig_stop(&r);
	rig_down(&r);
}

static void test_host_shutdown_waits_for_clear(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	assert_int_equal(stm32_ipcc_request_shutdown(r.ipcc), -RPT_ESTATE);
	rig_spin(&r);
	assert_int_equal(stm32_ipcc_request_shutdown(r.ipcc), 0);
	/* Posted on channel 3, TX free unmasked for it: the host listens for the clear. */
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 1u << IPCC_CH_SHUTDOWN);
	assert_int_equal(p1_read(&r, IPCC_C1MR) & IPCC_MR_CHFM(IPCC_CH_SHUTDOWN), 0);
	assert_int_equal(fix_acks(&r.ev), 0);
	/* The firmware acknowledges by clearing it (C2SCR CH3C). */
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_SHUTDOWN));
	assert_int_equal(fix_acks(&r.ev), 1);
	/* The TX free handler masked the channel again: no second acknowledgement. */
	assert_int_not_equal(p1_read(&r, IPCC_C1MR) & IPCC_MR_CHFM(IPCC_CH_SHUTDOWN), 0);
	assert_false(lines(&r).p1_tx);
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_SHUTDOWN));
	assert_int_equal(fix_acks(&r.ev), 1);
	rig_stop(&r);
	rig_down(&r);
}

static void test_host_detach_and_crash_channels(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	rig_spin(&r);
	assert_int_equal(stm32_ipcc_request_detach(r.ipcc), 0);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 1u << IPCC_CH_DETACH);
	p2_write(&r, IPCC_C2SCR, IPCC_SCR_CHC(IPCC_CH_DETACH));
	/* Detach completes silently (no shutdown acknowledgement) and masks the channel again. */
	assert_int_equal(fix_acks(&r.ev), 0);
	assert_int_not_equal(p1_read(&r, IPCC_C1MR) & IPCC_MR_CHFM(IPCC_CH_DETACH), 0);
	/* The demo's crash request is channel 5. */
	assert_int_equal(stm32_ipcc_request_crash(r.ipcc), 0);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 1u << IPCC_CH_CRASH);
	rig_stop(&r);
	/* A new run starts from the reset values: nothing posted survives. */
	rig_spin(&r);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	rig_stop(&r);
	rig_down(&r);
}

/* Poll (bounded) until C2TOC1SR equals want. */
static bool wait_c2_status(struct rig *r, uint32_t want)
{
	unsigned int ms;

	for (ms = 0; ms < FIX_WAIT_MS; ms += 2) {
		if (p2_read(r, IPCC_C2TOC1SR) == want)
			return true;
		usleep(2000);
	}
	return false;
}

/*
 * The demo firmware, end to end: it kicks a vring only once the host cleared
 * its previous kick on that channel. With the host's RX interrupt off nobody
 * clears it, so after its name-service announcements (vring 0 kicked, left
 * unacknowledged) the echo of our message waits to kick vring 0 (the buffer
 * it returns in vring 1 is kicked at once: that channel is free); once the
 * host listens again, the pending kick is taken and the waiting one comes.
 */
static void test_demo_waits_for_host_ack(void **state)
{
	struct rpt_error err = {0};
	struct fwh h;
	struct rig r;

	(void)state;
	rig_up(&r);
	fix_load_elf(&r.board, rpt_binary_path("firmware/rproc-demo.elf"));
	fwh_init(&h, &r.board, &r.ev, r.core, r.ipcc);
	if (coproc_boot(r.core, 0, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	host_quiet(&r);
	fwh_post_rx(&h, FWH_NUM);
	fwh_driver_ok(&h);
	fwh_kick(&h, FWH_VQ_FW2HOST);
	/* Both announcements sent, vring 0 kicked: its flag is up, unacknowledged. */
	assert_true(fwh_wait_used(&h, FWH_VQ_FW2HOST, 2));
	assert_true(wait_c2_status(&r, 1u << IPCC_CH_VRING0));
	/* Our message: echoed, its buffer returned and vring 1 kicked; vring 0's kick waits. */
	fwh_send(&h, 0x402, 0x400, "ack?", 4, true);
	assert_true(fwh_wait_used(&h, FWH_VQ_FW2HOST, 3));
	assert_true(fwh_wait_used(&h, FWH_VQ_HOST2FW, 1));
	assert_true(wait_c2_status(&r, (1u << IPCC_CH_VRING0) | (1u << IPCC_CH_VRING1)));
	assert_true(fwh_wait_kicks_taken(&h));
	assert_true(fwh_wait_turn(&h, TRACE_DA, TRACE_LEN));
	assert_int_equal(fix_kicks(&r.ev, 0), 0);
	assert_int_equal(fix_kicks(&r.ev, 1), 0);
	/* The host listens again: both pending kicks are taken, then the waiting one comes. */
	p1_write(&r, IPCC_C1CR, IPCC_CR_RXOIE | IPCC_CR_TXFIE);
	assert_true(fix_wait_count(&r.ev, &r.ev.kicks[0], 2));
	assert_true(wait_c2_status(&r, 0));
	assert_true(fwh_wait_turn(&h, TRACE_DA, TRACE_LEN));
	rig_stop(&r);
	assert_int_equal(fix_kicks(&r.ev, 0), 2);
	assert_int_equal(fix_kicks(&r.ev, 1), 1);
	rig_down(&r);
}

/* A board that wires no detach channel: the request has nowhere to go. */
static void test_host_unwired_channel(void **state)
{
	struct board_rproc *desc = calloc(1, sizeof(*desc));
	struct rig r;

	(void)state;
	assert_non_null(desc);
	board_stm32mp15_periphs(desc);
	desc->mbox.vq0 = 0;
	desc->mbox.vq1 = 1;
	desc->mbox.shutdown = 2;
	desc->mbox.detach = BOARD_MBOX_NONE;
	rig_up_desc(&r, desc);
	free(desc);
	rig_spin(&r);
	assert_int_equal(stm32_ipcc_request_detach(r.ipcc), -ENODEV);
	assert_int_equal(p2_read(&r, IPCC_C1TOC2SR), 0);
	rig_stop(&r);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset_values_and_identification),
		cmocka_unit_test(test_set_clear_through_scr),
		cmocka_unit_test(test_bad_widths),
		cmocka_unit_test(test_rx_occupied_interrupt),
		cmocka_unit_test(test_tx_free_interrupt),
		cmocka_unit_test(test_mp2_ipcc1_sixteen_channels),
		cmocka_unit_test(test_host_kick_and_firmware_clear),
		cmocka_unit_test(test_host_acknowledges_firmware_kicks),
		cmocka_unit_test(test_host_shutdown_waits_for_clear),
		cmocka_unit_test(test_host_detach_and_crash_channels),
		cmocka_unit_test(test_host_unwired_channel),
		cmocka_unit_test(test_demo_waits_for_host_ack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
