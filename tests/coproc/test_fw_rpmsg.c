// SPDX-License-Identifier: BSD-2-Clause
/*
 * The demo firmware's rpmsg (firmware/lib/rpmsg.c, issue 14) on the emulated
 * core, against a small host written in this test (fw_rpmsg_host.c): the
 * exact bytes the firmware writes in the vrings and buffers (name-service
 * announcements, echoes), that it sends nothing before DRIVER_OK and waits
 * for buffers rather than overwriting anything, and that a hostile host
 * (vrings or descriptors pointing outside the shared memories, index jumps)
 * stops the device without the firmware writing anywhere it should not.
 *
 * The firmware's endpoint addresses (0x400 for rpmsg-tty, 0x401 for
 * rpmsg-ping: created in that order) are part of these fixed vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/mman.h>

#include <cmocka.h>

#include "board/board_dt.h"
#include "common/safe_math.h"
#include "coproc_fixture.h"
#include "fw_rpmsg_host.h"
#include "normal/drivers/stm32_ipcc_coproc.h"
#include "testutil.h"

#define TRACE_DA  0x10047000u /* the demo's trace buffer */
#define TRACE_LEN 0x800u
#define TTY_ADDR  0x400u /* the firmware's endpoints, in creation order */
#define PING_ADDR 0x401u
#define HOST_ADDR 0x402u /* ours (any address would do) */

struct rig {
	struct fix_board board;
	struct fix_events ev;
	struct coproc *core;
	struct stm32_ipcc *ipcc;
	struct fwh h;
};

/* elf booted on the STM32MP15 board and greeting (trace at trace_da), vrings placed. */
static void rig_up_elf(struct rig *r, const char *elf, const struct fwh_layout *l,
		       uint32_t trace_da)
{
	struct rpt_error err = {0};

	fix_board_init(&r->board);
	fix_events_init(&r->ev);
	r->core = coproc_create(&(struct coproc_config){.cpu = "cortex-m4",
							.mems = r->board.mems,
							.num_mems = r->board.num_mems},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	r->ipcc = stm32_ipcc_coproc_create(r->core, NULL, &fix_ipcc_events, &r->ev, &err);
	if (!r->ipcc)
		fail_msg("stm32_ipcc_coproc_create: %s", rpt_error_msg(&err));
	fix_load_elf(&r->board, rpt_binary_path(elf));
	fwh_init_layout(&r->h, &r->board, &r->ev, r->core, r->ipcc, l);
	if (coproc_boot(r->core, 0, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
	assert_true(fix_wait_text(&r->board, trace_da, TRACE_LEN,
				  "rproc-demo: hello from the coprocessor\n"));
}

/* The demo booted and greeting, vrings placed (status 0, nothing posted). */
static void rig_up(struct rig *r)
{
	rig_up_elf(r, "firmware/rproc-demo.elf", &fwh_stm32mp15, TRACE_DA);
}

static void rig_down(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_halt(r->core, &err))
		fail_msg("coproc_halt: %s", rpt_error_msg(&err));
	assert_int_equal(fix_crashes(&r->ev), 0);
	coproc_destroy(r->core);
	stm32_ipcc_destroy(r->ipcc);
	fix_events_fini(&r->ev);
	fix_board_fini(&r->board);
}

/* The firmware took our kicks and then finished a whole turn of its loop. */
static void wait_quiet_turn(struct rig *r)
{
	assert_true(fwh_wait_kicks_taken(&r->h));
	assert_true(fwh_wait_turn(&r->h, TRACE_DA, TRACE_LEN));
}

/* No byte of receive buffer k was written since it was posted. */
static void assert_untouched(struct rig *r, unsigned int k)
{
	const uint8_t *b = fwh_buf(&r->h, k);
	unsigned int i;

	for (i = 0; i < FWH_BUF_SIZE; i++)
		if (b[i] != FWH_PATTERN)
			fail_msg("receive buffer %u byte %u is 0x%02x, was never to be written", k,
				 i, b[i]);
}

/* The name-service announcement of rpmsg-tty, exactly (header + 40 bytes). */
static const uint8_t ns_tty[FWH_HDR + 40] = {
	0x00, 0x04, 0x00, 0x00, /* src: the endpoint, 0x400 */
	0x35, 0x00, 0x00, 0x00, /* dst: the name service */
	0x00, 0x00, 0x00, 0x00, /* reserved */
	0x28, 0x00,		/* len 40 */
	0x00, 0x00,		/* flags */
	'r',  'p',  'm',  's',	'g', '-', 't', 't', 'y', 0, 0, 0, 0, 0, 0, 0,
	0,    0,    0,	  0,	0,   0,	  0,   0,   0,	 0, 0, 0, 0, 0, 0, 0, /* name[32] */
	0x00, 0x04, 0x00, 0x00,						      /* addr 0x400 */
	0x00, 0x00, 0x00, 0x00,						      /* flags: create */
};

static const uint8_t ns_ping[FWH_HDR + 40] = {
	0x01, 0x04, 0x00, 0x00, /* src: the endpoint, 0x401 */
	0x35, 0x00, 0x00, 0x00, /* dst: the name service */
	0x00, 0x00, 0x00, 0x00, /* reserved */
	0x28, 0x00,		/* len 40 */
	0x00, 0x00,		/* flags */
	'r',  'p',  'm',  's',	'g', '-', 'p', 'i', 'n', 'g', 0, 0, 0, 0, 0, 0,
	0,    0,    0,	  0,	0,   0,	  0,   0,   0,	 0,   0, 0, 0, 0, 0, 0, /* name[32] */
	0x01, 0x04, 0x00, 0x00,							/* addr 0x401 */
	0x00, 0x00, 0x00, 0x00,							/* flags: create */
};

/* The next used entry of vring 0 is buffer `want_id` holding exactly msg (rest untouched). */
static void assert_sent(struct rig *r, uint32_t want_id, const uint8_t *msg, size_t len)
{
	struct fwh_used u = fwh_next_used(&r->h, FWH_VQ_FW2HOST);
	const uint8_t *b;
	size_t i;

	assert_int_equal(u.id, want_id);
	assert_int_equal(u.len, len);
	b = fwh_buf(&r->h, u.id);
	assert_memory_equal(b, msg, len);
	for (i = len; i < FWH_BUF_SIZE; i++)
		if (b[i] != FWH_PATTERN)
			fail_msg("buffer %u byte %zu beyond the message written", u.id, i);
}

/* DRIVER_OK with n receive buffers posted, kick: both announcements when n >= 2. */
static void bring_up(struct rig *r, unsigned int n)
{
	fwh_set_gfeatures(&r->h, 1);
	fwh_set_status(&r->h, 1);
	fwh_set_status(&r->h, 3);
	fwh_post_rx(&r->h, n);
	fwh_set_status(&r->h, FWH_DRIVER_OK);
	fwh_kick(&r->h, FWH_VQ_FW2HOST);
}

static void bring_up_announced(struct rig *r)
{
	bring_up(r, FWH_NUM);
	assert_true(fwh_wait_used(&r->h, FWH_VQ_FW2HOST, 2));
	assert_sent(r, 0, ns_tty, sizeof(ns_tty));
	assert_sent(r, 1, ns_ping, sizeof(ns_ping));
}

static void test_ns_announcements_exact_bytes(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up(&r, FWH_NUM);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 2));
	/* rpmsg-tty first (created first), in the first buffer posted; then rpmsg-ping. */
	assert_sent(&r, 0, ns_tty, sizeof(ns_tty));
	assert_sent(&r, 1, ns_ping, sizeof(ns_ping));
	assert_true(fix_wait_count(&r.ev, &r.ev.kicks[FWH_VQ_FW2HOST], 1));
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN,
				  "rproc-demo: rpmsg up (DRIVER_OK): rpmsg-tty, rpmsg-ping\n"));
	/* Nothing more: two announcements, the other six buffers untouched, vring 1 unused. */
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 2);
	for (unsigned int k = 2; k < FWH_NUM; k++)
		assert_untouched(&r, k);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_HOST2FW), 0);
	assert_int_equal(fix_kicks(&r.ev, FWH_VQ_HOST2FW), 0);
	/* The firmware never wrote its table: the status is still ours. */
	assert_int_equal(fwh_vdev_byte(&r.h, 24), FWH_DRIVER_OK);
	rig_down(&r);
}

/* Status 0, 1, 3 with buffers posted and kicks on both vrings: nothing is sent. */
static void test_nothing_before_driver_ok(void **state)
{
	static const uint8_t steps[] = {0, 1, 3};
	struct rig r;
	unsigned int i, k;

	(void)state;
	rig_up(&r);
	fwh_set_gfeatures(&r.h, 1);
	fwh_post_rx(&r.h, FWH_NUM);
	for (i = 0; i < sizeof(steps); i++) {
		fwh_set_status(&r.h, steps[i]);
		fwh_kick(&r.h, FWH_VQ_FW2HOST);
		fwh_kick(&r.h, FWH_VQ_HOST2FW);
		wait_quiet_turn(&r);
		assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 0);
		for (k = 0; k < FWH_NUM; k++)
			assert_untouched(&r, k);
		assert_int_equal(fix_kicks(&r.ev, FWH_VQ_FW2HOST), 0);
		assert_int_equal(fix_kicks(&r.ev, FWH_VQ_HOST2FW), 0);
	}
	/* Then DRIVER_OK: the announcements, in the buffers posted long before. */
	fwh_set_status(&r.h, FWH_DRIVER_OK);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 2));
	assert_sent(&r, 0, ns_tty, sizeof(ns_tty));
	assert_sent(&r, 1, ns_ping, sizeof(ns_ping));
	rig_down(&r);
}

/* DRIVER_OK with no buffer posted: the firmware waits, then uses each buffer as it comes. */
static void test_waits_for_buffers(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up(&r, 0);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "rpmsg up (DRIVER_OK)"));
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 0);
	assert_int_equal(fix_kicks(&r.ev, FWH_VQ_FW2HOST), 0);
	/* Nothing written anywhere in the buffer memory (we filled it before). */
	memset(fwh_buf(&r.h, 0), FWH_PATTERN, FWH_BUF_SIZE * 2 * FWH_NUM);
	wait_quiet_turn(&r);
	for (unsigned int k = 0; k < 2 * FWH_NUM; k++)
		assert_untouched(&r, k);
	/* One buffer: one announcement (rpmsg-tty), the other waits. */
	fwh_post_rx(&r.h, 1);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 1));
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 1);
	assert_sent(&r, 0, ns_tty, sizeof(ns_tty));
	assert_true(fix_wait_count(&r.ev, &r.ev.kicks[FWH_VQ_FW2HOST], 1));
	/* The next one: rpmsg-ping. */
	fwh_post_rx(&r.h, 1);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 2));
	assert_sent(&r, 1, ns_ping, sizeof(ns_ping));
	rig_down(&r);
}

/* "hello" to rpmsg-tty comes back from it, exactly; the host's buffer is handed back. */
static void test_echo_tty_exact_bytes(void **state)
{
	static const uint8_t echo[FWH_HDR + 5] = {
		0x00, 0x04, 0x00, 0x00, /* src: rpmsg-tty */
		0x02, 0x04, 0x00, 0x00, /* dst: the sender, 0x402 */
		0x00, 0x00, 0x00, 0x00, /* reserved */
		0x05, 0x00,		/* len */
		0x00, 0x00,		/* flags */
		'h',  'e',  'l',  'l',	'o',
	};
	struct fwh_used u;
	struct rig r;
	uint32_t id;

	(void)state;
	rig_up(&r);
	bring_up_announced(&r);
	id = fwh_send(&r.h, HOST_ADDR, TTY_ADDR, "hello", 5, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 3));
	assert_sent(&r, 2, echo, sizeof(echo));
	/* Our message's buffer back in vring 1, with its descriptor's length (as OpenAMP). */
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 1));
	u = fwh_next_used(&r.h, FWH_VQ_HOST2FW);
	assert_int_equal(u.id, id);
	assert_int_equal(u.len, FWH_BUF_SIZE);
	assert_true(fix_wait_count(&r.ev, &r.ev.kicks[FWH_VQ_FW2HOST], 2));
	assert_true(fix_wait_count(&r.ev, &r.ev.kicks[FWH_VQ_HOST2FW], 1));
	rig_down(&r);
}

/* rpmsg-ping: a full 496-byte payload and an empty one, each back unchanged. */
static void test_echo_ping_full_and_empty(void **state)
{
	uint8_t payload[496], want[FWH_HDR + 496];
	struct rig r;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + 3);
	rig_up(&r);
	bring_up_announced(&r);
	fwh_send(&r.h, HOST_ADDR, PING_ADDR, payload, sizeof(payload), true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 3));
	put_le32(want, PING_ADDR);
	put_le32(want + 4, HOST_ADDR);
	put_le32(want + 8, 0);
	want[12] = (uint8_t)sizeof(payload);
	want[13] = (uint8_t)(sizeof(payload) >> 8);
	want[14] = want[15] = 0;
	memcpy(want + FWH_HDR, payload, sizeof(payload));
	assert_sent(&r, 2, want, sizeof(want));
	fwh_send(&r.h, HOST_ADDR + 1, PING_ADDR, "", 0, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 4));
	put_le32(want + 4, HOST_ADDR + 1);
	want[12] = want[13] = 0;
	assert_sent(&r, 3, want, FWH_HDR);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 2));
	rig_down(&r);
}

/*
 * A message while every receive buffer is used: it stays in vring 1 (not
 * handed back, not dropped) until the host posts a buffer; then the echo.
 */
static void test_echo_waits_for_a_buffer(void **state)
{
	static const uint8_t echo[FWH_HDR + 3] = {0x00, 0x04, 0, 0, 0x02, 0x04, 0,   0,	  0,  0,
						  0,	0,    3, 0, 0,	  0,	'a', 'b', 'c'};
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up(&r, 2); /* exactly the two announcements */
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 2));
	assert_sent(&r, 0, ns_tty, sizeof(ns_tty));
	assert_sent(&r, 1, ns_ping, sizeof(ns_ping));
	fwh_send(&r.h, HOST_ADDR, TTY_ADDR, "abc", 3, true);
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_HOST2FW), 0);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 2);
	fwh_post_rx(&r.h, 1);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 3));
	assert_sent(&r, 2, echo, sizeof(echo));
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 1));
	rig_down(&r);
}

/* To an address nobody has, or a len beyond the buffer: handed back, no answer; then echo. */
static void test_undeliverable_dropped(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up_announced(&r);
	fwh_send(&r.h, HOST_ADDR, 0x999, "x", 1, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 1));
	/* A header claiming 497 bytes in a 512-byte buffer. */
	fwh_send_hdr(&r.h, HOST_ADDR, TTY_ADDR, "y", 1, 497, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 2));
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 2);
	fwh_send(&r.h, HOST_ADDR, TTY_ADDR, "z", 1, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 3));
	rig_down(&r);
}

/* Without VIRTIO_RPMSG_F_NS in gfeatures nothing is announced; the channels still echo. */
static void test_no_ns_feature(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	fwh_post_rx(&r.h, FWH_NUM);
	fwh_set_status(&r.h, FWH_DRIVER_OK);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "rpmsg up (DRIVER_OK)"));
	wait_quiet_turn(&r);
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 0);
	fwh_send(&r.h, HOST_ADDR, TTY_ADDR, "t", 1, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 1));
	rig_down(&r);
}

/* The host resets the device (status 0) and starts it again: announced again. */
static void test_reset_announces_again(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up_announced(&r);
	fwh_set_status(&r.h, 0);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "rpmsg reset by the host\n"));
	fwh_init(&r.h, &r.board, &r.ev, r.core, r.ipcc); /* fresh rings */
	bring_up_announced(&r);
	rig_down(&r);
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * With rpmsg up and a message waiting for a buffer, the firmware still
 * sleeps (interrupt driven, no polling for DRIVER_OK or buffers): the whole
 * process uses a small part of the time, where a polling loop takes a core.
 */
static void test_idle_while_waiting(void **state)
{
	struct timespec two_s = {.tv_sec = 2};
	uint64_t c0, c1;
	struct rig r;

	(void)state;
	rig_up(&r);
	bring_up(&r, 2);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 2));
	fwh_send(&r.h, HOST_ADDR, TTY_ADDR, "wait", 4, true);
	wait_quiet_turn(&r);
	c0 = cpu_ns();
	nanosleep(&two_s, NULL);
	c1 = cpu_ns();
	print_message("idle demo, rpmsg up, an echo waiting: %llu ms of CPU in 2 s\n",
		      (unsigned long long)((c1 - c0) / 1000000u));
	if (c1 - c0 > 1000000000u)
		fail_msg("the waiting firmware used %llu ms of CPU in 2 s",
			 (unsigned long long)((c1 - c0) / 1000000u));
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_HOST2FW), 0);
	rig_down(&r);
}

/* ---- the STM32MP25 build (rproc-demo-mp2 on its DDR board): its own windows ---- */

#define MP2_BOARD    "boards/vstm32mp25-m33-ddr-tee.dts"
#define MP2_BOOT     0x80100000u /* the vector table (rproc-demo-mp2.ld) */
#define MP2_TRACE_DA 0x81201000u

static const struct fwh_layout mp2_layout = {
	.table_da = 0x81200000u,
	.ring_da = {0x812F8000u, 0x812F9000u},
	.buf_da = 0x812FA000u,
};

/* The board's M33 with the board's memories (mapped here) and peripherals, the demo booted. */
static void rig_up_mp2(struct rig *r, struct board *bd)
{
	struct rpt_error err = {0};
	const struct board_rproc *desc;
	unsigned int i;

	if (board_load_file(bd, rpt_source_path(MP2_BOARD), &err))
		fail_msg("%s: %s", MP2_BOARD, rpt_error_msg(&err));
	desc = &bd->rprocs[0];
	assert_true(desc->num_mems <= FIX_MAX_MEMS);
	memset(&r->board, 0, sizeof(r->board));
	for (i = 0; i < desc->num_mems; i++) {
		struct coproc_mem *m = &r->board.mems[i];

		m->name = desc->mems[i].name;
		m->da = desc->mems[i].da;
		m->size = desc->mems[i].size;
		m->host = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			       -1, 0);
		assert_true(m->host != MAP_FAILED);
		r->board.num_mems++;
	}
	fix_events_init(&r->ev);
	r->core = coproc_create(&(struct coproc_config){.mems = r->board.mems,
							.num_mems = r->board.num_mems,
							.desc = desc},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	r->ipcc = stm32_ipcc_coproc_create(r->core, desc, &fix_ipcc_events, &r->ev, &err);
	if (!r->ipcc)
		fail_msg("stm32_ipcc_coproc_create: %s", rpt_error_msg(&err));
	fix_load_elf(&r->board, rpt_binary_path("firmware/rproc-demo-mp2.elf"));
	fwh_init_layout(&r->h, &r->board, &r->ev, r->core, r->ipcc, &mp2_layout);
	if (coproc_boot(r->core, MP2_BOOT, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
	assert_true(fix_wait_text(&r->board, MP2_TRACE_DA, TRACE_LEN,
				  "rproc-demo: hello from the coprocessor\n"));
}

/* The same bytes on the M33: vrings and buffers in the STM32MP25's own memories. */
static void test_mp2_announce_and_echo(void **state)
{
	static const uint8_t echo[FWH_HDR + 2] = {0x01, 0x04, 0, 0, 0x02, 0x04, 0, 0,	0,
						  0,	0,    0, 2, 0,	  0,	0, 'o', 'k'};
	struct board *bd = calloc(1, sizeof(*bd));
	struct rig r;

	(void)state;
	assert_non_null(bd);
	rig_up_mp2(&r, bd);
	bring_up_announced(&r);
	fwh_send(&r.h, HOST_ADDR, PING_ADDR, "ok", 2, true);
	assert_true(fwh_wait_used(&r.h, FWH_VQ_FW2HOST, 3));
	assert_sent(&r, 2, echo, sizeof(echo));
	assert_true(fwh_wait_used(&r.h, FWH_VQ_HOST2FW, 1));
	assert_true(fix_wait_text(&r.board, MP2_TRACE_DA, TRACE_LEN, "rpmsg up (DRIVER_OK)"));
	rig_down(&r);
	free(bd);
}

/* The legacy-layout build (table at 0x10000000 in MCU SRAM2): the same channels. */
static void test_legacy_announces(void **state)
{
	const struct fwh_layout legacy = {
		.table_da = 0x10000000u,
		.ring_da = {FWH_VRING0_DA, FWH_VRING1_DA},
		.buf_da = FWH_BUF_DA,
	};
	struct rig r;

	(void)state;
	rig_up_elf(&r, "firmware/rproc-demo-legacy.elf", &legacy, 0x10030000u);
	bring_up_announced(&r);
	rig_down(&r);
}

/* ---- a hostile host: the device stops, nothing is written where it must not be ---- */

/* Run the demo with the vdev in a broken state; `why` must be in the trace. */
static void assert_broken_quietly(struct rig *r, const char *why)
{
	char line[200];

	snprintf(line, sizeof(line), "rproc-demo: rpmsg stopped, host broke a rule: %s\n", why);
	assert_true(fix_wait_text(&r->board, TRACE_DA, TRACE_LEN, line));
	wait_quiet_turn(r);
	assert_int_equal(coproc_state(r->core), COPROC_RUNNING);
}

/* A vring placed over the firmware's private memory (its stack in MCU SRAM2). */
static void test_hostile_vring_da(void **state)
{
	uint8_t *vdev;
	struct rig r;

	(void)state;
	rig_up(&r);
	vdev = fwh_at(&r.h, r.h.vdev_da, 68);
	put_le32(vdev + 28 + 20, 0x1003F000u); /* vring 1 under the stack top */
	bring_up(&r, FWH_NUM);
	assert_broken_quietly(&r, "vring 1 da (vdev entry) unaligned or outside the vring memory");
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 0);
	for (unsigned int k = 0; k < FWH_NUM; k++)
		assert_untouched(&r, k);
	assert_int_equal(fix_kicks(&r.ev, FWH_VQ_FW2HOST), 0);
	rig_down(&r);
}

/* A receive buffer whose descriptor points at the firmware's code (RETRAM). */
static void test_hostile_descriptor_addr(void **state)
{
	uint8_t code[FWH_BUF_SIZE];
	struct rig r;

	(void)state;
	rig_up(&r);
	memcpy(code, fwh_at(&r.h, 0x100, sizeof(code)), sizeof(code));
	bring_up(&r, 0);
	fwh_post(&r.h, FWH_VQ_FW2HOST, 0, 0x100, FWH_BUF_SIZE, 2);
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_broken_quietly(&r, "descriptor addr/len outside the buffer memory");
	assert_memory_equal(fwh_at(&r.h, 0x100, sizeof(code)), code, sizeof(code));
	assert_int_equal(fwh_used_idx(&r.h, FWH_VQ_FW2HOST), 0);
	rig_down(&r);
}

/* A descriptor reaching past the end of vdev0buffer, and one far too long (wraps). */
static void test_hostile_descriptor_len(void **state)
{
	static const uint32_t lens[] = {0x4001u, 0xFFFFFFF0u};
	struct rig r;
	unsigned int i;

	(void)state;
	for (i = 0; i < 2; i++) {
		rig_up(&r);
		bring_up(&r, 0);
		memset(fwh_buf(&r.h, 0), FWH_PATTERN, FWH_BUF_SIZE);
		fwh_post(&r.h, FWH_VQ_FW2HOST, 0, FWH_BUF_DA, lens[i], 2);
		fwh_kick(&r.h, FWH_VQ_FW2HOST);
		assert_broken_quietly(&r, "descriptor addr/len outside the buffer memory");
		assert_untouched(&r, 0);
		rig_down(&r);
	}
}

/* avail.idx jumping ahead by more than the ring, and a descriptor index out of range. */
static void test_hostile_avail(void **state)
{
	struct rig r;
	uint8_t *avail;

	(void)state;
	rig_up(&r);
	bring_up(&r, 0);
	avail = fwh_at(&r.h, FWH_VRING0_DA + 16 * FWH_NUM, 4);
	avail[2] = FWH_NUM + 1;
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_broken_quietly(&r, "avail.idx moved by more than the ring size");
	rig_down(&r);

	rig_up(&r);
	bring_up(&r, 0);
	avail = fwh_at(&r.h, FWH_VRING0_DA + 16 * FWH_NUM, 6);
	avail[4] = FWH_NUM; /* ring[0]: descriptor 8 of 8 */
	avail[2] = 1;
	fwh_kick(&r.h, FWH_VQ_FW2HOST);
	assert_broken_quietly(&r, "avail ring entry: descriptor index out of range");
	rig_down(&r);
}

/* xorshift32: the same hostile rings on every run. */
static uint32_t next_rand(uint32_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/*
 * Rings full of random bytes, many times over (each round a reset and a new
 * DRIVER_OK, so the firmware takes the rings afresh), some of the words
 * pointing back into the rings, the buffers or the firmware's private
 * memories: the firmware never crashes, never writes its code or its table,
 * and still takes kicks afterwards.
 */
static void test_hostile_random_rings(void **state)
{
	static const uint32_t targets[] = {0x00000100u,	  0x10000000u, 0x1003F000u, FWH_VRING0_DA,
					   FWH_VRING1_DA, FWH_BUF_DA,  0x10046000u, 0xF0000000u};
	uint8_t *code_now, *ring, *code = malloc(0x1000), table[0xc8];
	uint32_t x = 0x14u, round, i;
	struct rig r;

	(void)state;
	assert_non_null(code);
	rig_up(&r);
	memcpy(code, fwh_at(&r.h, 0, 0x1000), 0x1000);
	fwh_set_gfeatures(&r.h, 1);
	/* The whole table (0xc8 bytes) as the host set it up, status DRIVER_OK. */
	memcpy(table, fwh_at(&r.h, FWH_TABLE_DA, sizeof(table)), sizeof(table));
	table[r.h.vdev_da - FWH_TABLE_DA + 24] = FWH_DRIVER_OK;
	for (round = 0; round < 60; round++) {
		fwh_set_status(&r.h, 0);
		fwh_kick(&r.h, FWH_VQ_FW2HOST);
		assert_true(fwh_wait_kicks_taken(&r.h));
		for (i = 0; i < 2; i++) {
			uint32_t w;

			ring = fwh_at(&r.h, r.h.ring_da[i], 0x1000);
			for (w = 0; w < 0x1000 / 4; w++) {
				uint32_t v = next_rand(&x);

				/* Small values (indexes, lengths) and addresses, not only noise. */
				if (round & 1)
					v = (v & 8) ? targets[v % 8] + (v >> 24) : v & 0x1FF;
				put_le32(ring + 4 * w, v);
			}
			if (!(round & 1))
				continue;
			/* Mostly plausible: a few entries, descriptors near or in the buffers. */
			for (w = 0; w < FWH_NUM; w++) {
				uint32_t v = next_rand(&x);

				put_le32(ring + 16 * w, (v & 1 ? FWH_BUF_DA : targets[v % 8]) +
								((v >> 8) & 0x3FFCu));
				put_le32(ring + 16 * w + 4, (v & 0x30) ? 0 : 1);
				put_le32(ring + 16 * w + 8, (v >> 20) & 0x3FF);
				ring[16 * FWH_NUM + 4 + 2 * w] = (uint8_t)((v >> 12) % 10);
				ring[16 * FWH_NUM + 5 + 2 * w] = 0;
			}
			ring[16 * FWH_NUM + 2] = (uint8_t)(1 + next_rand(&x) % FWH_NUM);
			ring[16 * FWH_NUM + 3] = 0;
		}
		/* Messages with plausible headers: to the two channels, any length. */
		ring = fwh_at(&r.h, FWH_BUF_DA, 0x4000);
		for (i = 0; i < 0x4000; i += 4)
			put_le32(ring + i, (i & 0x1F0)	     ? next_rand(&x)
					   : (i & 0xC) == 4  ? 0x400u + (next_rand(&x) & 1)
					   : (i & 0xC) == 12 ? next_rand(&x) & 0x3FF
							     : next_rand(&x));
		fwh_set_status(&r.h, FWH_DRIVER_OK);
		fwh_kick(&r.h, FWH_VQ_FW2HOST);
		fwh_kick(&r.h, FWH_VQ_HOST2FW);
		assert_true(fwh_wait_kicks_taken(&r.h));
	}
	assert_true(fwh_wait_turn(&r.h, TRACE_DA, TRACE_LEN));
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	code_now = fwh_at(&r.h, 0, 0x1000);
	assert_memory_equal(code_now, code, 0x1000);
	/* The firmware never writes its table: exactly what the host wrote last. */
	assert_memory_equal(fwh_at(&r.h, FWH_TABLE_DA, sizeof(table)), table, sizeof(table));
	free(code);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_announcements_exact_bytes),
		cmocka_unit_test(test_nothing_before_driver_ok),
		cmocka_unit_test(test_waits_for_buffers),
		cmocka_unit_test(test_echo_tty_exact_bytes),
		cmocka_unit_test(test_echo_ping_full_and_empty),
		cmocka_unit_test(test_echo_waits_for_a_buffer),
		cmocka_unit_test(test_undeliverable_dropped),
		cmocka_unit_test(test_no_ns_feature),
		cmocka_unit_test(test_reset_announces_again),
		cmocka_unit_test(test_idle_while_waiting),
		cmocka_unit_test(test_mp2_announce_and_echo),
		cmocka_unit_test(test_legacy_announces),
		cmocka_unit_test(test_hostile_vring_da),
		cmocka_unit_test(test_hostile_descriptor_addr),
		cmocka_unit_test(test_hostile_descriptor_len),
		cmocka_unit_test(test_hostile_avail),
		cmocka_unit_test(test_hostile_random_rings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
