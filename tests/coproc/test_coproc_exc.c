// SPDX-License-Identifier: BSD-2-Clause
/*
 * The exception model of the emulated core, one test per mechanism: the
 * programs of progs/exc_prog.c (one build per mechanism) write what
 * happened, in order, into a results block in SRAM that the tests read.
 * Timing is never asserted tightly: a loaded 2-core host may stall the core
 * thread, so rates are checked within wide bounds and waits poll.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "common/safe_math.h"
#include "coproc/armv7m_regs.h"
#include "coproc/coproc_internal.h"
#include "coproc_fixture.h"
#include "testutil.h"

/* The results block of exc_prog.c. */
#define RES	   0x10030000u
#define RES_DONE   (RES + 0x00u)
#define RES_VALUE  (RES + 0x04u)
#define RES_COUNT  (RES + 0x08u)
#define RES_EXTRA  (RES + 0x0Cu)
#define RES_NLOG   (RES + 0x10u)
#define RES_INPUT  (RES + 0x14u)
#define RES_LOG	   (RES + 0x20u)
#define DONE_MAGIC 0x600DF00Du
#define PSP_TOP	   0x1001C000u

struct rig {
	struct fix_board board;
	struct fix_events ev;
	struct coproc *core;
};

static void rig_up(struct rig *r, const char *cpu, const char *prog)
{
	struct rpt_error err = {0};
	char rel[96];

	fix_board_init(&r->board);
	fix_events_init(&r->ev);
	r->core = coproc_create(&(struct coproc_config){.cpu = cpu,
							.mems = r->board.mems,
							.num_mems = r->board.num_mems},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	snprintf(rel, sizeof(rel), "tests/coproc/progs/exc_%s.elf", prog);
	fix_load_elf(&r->board, rpt_binary_path(rel));
}

static void rig_down(struct rig *r)
{
	coproc_destroy(r->core);
	fix_events_fini(&r->ev);
	fix_board_fini(&r->board);
}

static void rig_boot_at(struct rig *r, uint32_t boot_addr)
{
	struct rpt_error err = {0};

	if (coproc_boot(r->core, boot_addr, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
}

static void rig_stop(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_halt(r->core, &err))
		fail_msg("coproc_halt: %s", rpt_error_msg(&err));
	assert_int_equal(coproc_state(r->core), COPROC_STOPPED);
}

static uint32_t word(struct rig *r, uint32_t da)
{
	const volatile uint8_t *p = fix_da(&r->board, da, 4);

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Boot, wait for the program to finish, compare its log with `want`. */
static void expect_log(struct rig *r, const uint32_t *want, unsigned int n)
{
	unsigned int i, got;

	if (!fix_wait_word(&r->board, RES_DONE, DONE_MAGIC))
		fail_msg("program did not finish (log %u entries, crashes %u: %s)",
			 word(r, RES_NLOG), fix_crashes(&r->ev), r->ev.crash_why);
	got = word(r, RES_NLOG);
	for (i = 0; i < n && i < got; i++)
		if (word(r, RES_LOG + 4 * i) != want[i])
			fail_msg("log[%u] = 0x%x, expected 0x%x", i, word(r, RES_LOG + 4 * i),
				 want[i]);
	assert_int_equal(got, n);
	assert_int_equal(fix_crashes(&r->ev), 0);
}

static void run_expect(const char *cpu, const char *prog, const uint32_t *want, unsigned int n)
{
	struct rig r;

	rig_up(&r, cpu, prog);
	rig_boot_at(&r, 0);
	expect_log(&r, want, n);
	rig_stop(&r);
	rig_down(&r);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_entry_return_integer_frame(void **state)
{
	/* IRQ 5, EXC_RETURN thread/MSP/no FP, IPSR 21 in the handler. */
	static const uint32_t want[] = {0x15, 0xFFFFFFF9u, 21};
	const char *cpus[] = {"cortex-m4", "cortex-m33"};
	unsigned int i;
	struct rig r;

	(void)state;
	for (i = 0; i < 2; i++) {
		rig_up(&r, cpus[i], "basic");
		rig_boot_at(&r, 0);
		expect_log(&r, want, N(want));
		assert_int_equal(word(&r, RES_VALUE), 1); /* r0-r3, r12 came back */
		assert_int_equal(word(&r, RES_EXTRA), 0); /* and SP */
		rig_stop(&r);
		rig_down(&r);
	}
}

static void test_exc_return_frames(void **state)
{
	static const uint32_t want[] = {
		/* thread, MSP, no FP context */
		0x10, 0xFFFFFFF9u, 0,
		/* FP context: 26-word frame, s0 and CONTROL.FPCA come back */
		0x10, 0xFFFFFFE9u, 0, 0x3F800000u, CONTROL_FPCA,
		/* PSP: the handler runs on MSP with SPSEL clear; PSP comes back */
		0x10, 0xFFFFFFFDu, 0, PSP_TOP,
		/* MSP off 8-byte alignment: realigned frame, SP restored exactly */
		0x10, 0xFFFFFFF9u, 0, 0};

	(void)state;
	run_expect("cortex-m4", "excret", want, N(want));
}

static void test_nesting_and_tail_chain(void **state)
{
	/* IRQ1 (higher) preempts IRQ0; IRQ2 (lower) waits and tail-chains (thread EXC_RETURN). */
	static const uint32_t want[] = {0x10, 0x11, 0xA1, 0xA2, 0x12, 0xFFFFFFF9u, 0xB0};

	(void)state;
	run_expect("cortex-m4", "nest", want, N(want));
	run_expect("cortex-m33", "nest", want, N(want));
}

static void test_prigroup(void **state)
{
	static const uint32_t want[] = {0x10, 0xA0, 0x11, 0xB5, 0x10, 0x11, 0xA0, 0xB0};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "prigroup");
	rig_boot_at(&r, 0);
	expect_log(&r, want, N(want));
	/* AIRCR reads VECTKEYSTAT; a write without VECTKEY changed nothing. */
	assert_int_equal(word(&r, RES_VALUE), SCB_AIRCR_VECTKEYSTAT | 5u << 8);
	assert_int_equal(word(&r, RES_EXTRA), SCB_AIRCR_VECTKEYSTAT | 5u << 8);
	rig_stop(&r);
	rig_down(&r);
}

static void test_masking(void **state)
{
	/* PRIMASK holds IRQ0; BASEPRI 0x80 holds 0x80, not 0x40; FAULTMASK holds all. */
	static const uint32_t want[] = {1, 0x10, 2, 3, 0x11, 4, 0x10, 5, 6, 0x11, 7};

	(void)state;
	run_expect("cortex-m4", "mask", want, N(want));
}

static void test_svc_and_pendsv(void **state)
{
	/* SVC (IPSR 11, immediate 42); PendSV pended inside it tail-chains; then from thread. */
	static const uint32_t want[] = {11, 42, 0x5E, 14, 0xB1, 14, 0xB2};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "svc");
	rig_boot_at(&r, 0);
	expect_log(&r, want, N(want));
	assert_int_equal(word(&r, RES_VALUE), 0xF0);  /* SHPR3 byte read back */
	assert_int_equal(word(&r, RES_EXTRA), 0x5AC); /* r0 the handler put in the frame */
	rig_stop(&r);
	rig_down(&r);
}

static void test_unprivileged_thread_masking(void **state)
{
	/* BASEPRI set by an SVC handler holds IRQ 0 in an unprivileged thread (CONTROL 1). */
	static const uint32_t want[] = {1, CONTROL_NPRIV, 0x10, 2};

	(void)state;
	run_expect("cortex-m4", "unpriv", want, N(want));
}

static void test_stir_and_icsr(void **state)
{
	/* STIR pends IRQ3; with PRIMASK set, ICSR.VECTPENDING names IRQ 4 (20) and ISPR shows it. */
	static const uint32_t want[] = {0x13, 0xB3, 20, 1u << 4, 0x14, 0xB4};

	(void)state;
	run_expect("cortex-m4", "stir", want, N(want));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

static void test_systick_rate(void **state)
{
	uint64_t t0, t1, c0, c1, hz;
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "systick");
	/* 1 kHz at the M4's default 209 MHz core clock. */
	put_le32(fix_da(&r.board, RES_INPUT, 4), 209000000u / 1000u - 1u);
	rig_boot_at(&r, 0);
	assert_true(fix_wait_word(&r.board, RES_DONE, DONE_MAGIC));
	assert_int_equal(word(&r, RES_EXTRA), 208999u);
	/* CALIB.TENMS: 10 ms of the reference clock (209 MHz / 8) less one. */
	assert_int_equal(word(&r, RES_VALUE), 209000000u / 8u / 100u - 1u);
	t0 = now_ns();
	c0 = word(&r, RES_COUNT);
	sleep_ms(1000);
	c1 = word(&r, RES_COUNT);
	t1 = now_ns();
	hz = (c1 - c0) * 1000000000u / (t1 - t0);
	/* A stalled host loses ticks (they coalesce), never adds them. */
	if (hz < 100 || hz > 1300)
		fail_msg("SysTick at %llu Hz, expected about 1000", (unsigned long long)hz);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_stop(&r);
	rig_down(&r);
}

static void test_wfi_sleeps_and_wakes(void **state)
{
	uint64_t c0, c1;
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "wfi");
	rig_boot_at(&r, 0);
	assert_true(fix_wait_word(&r.board, RES_DONE, DONE_MAGIC));
	sleep_ms(50);
	/* Idle in WFI: the whole process (core thread included) uses ~no CPU. */
	c0 = cpu_ns();
	sleep_ms(500);
	c1 = cpu_ns();
	if (c1 - c0 > 100000000u)
		fail_msg("an idle core used %llu ms of CPU in 500 ms",
			 (unsigned long long)((c1 - c0) / 1000000u));
	/* A peripheral line wakes it: the handler runs, then it sleeps again. */
	coproc_irq_set(r.core, 6, true);
	coproc_irq_set(r.core, 6, false);
	assert_true(fix_wait_word(&r.board, RES_LOG, 0x16));
	assert_true(word(&r, RES_COUNT) >= 1);
	/* The host stops a sleeping core at once. */
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_sleep_on_exit(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "sleeponexit");
	rig_boot_at(&r, 0);
	assert_true(fix_wait_word(&r.board, RES_DONE, DONE_MAGIC));
	sleep_ms(100);
	/* The handler ran; the thread did not go on (it would log 0xBB). */
	assert_int_equal(word(&r, RES_NLOG), 1);
	assert_int_equal(word(&r, RES_LOG), 0x16);
	/*
	 * The next interrupt is taken from the sleep, and the core sleeps
	 * again. A pulse (as STIR gives), not a line raised then lowered: a
	 * line held while the host thread is descheduled pends again after
	 * each handler, so how many times it runs is up to the host scheduler.
	 */
	coproc_irq_pend(r.core, 6);
	assert_true(fix_wait_word(&r.board, RES_NLOG, 2));
	assert_int_equal(word(&r, RES_LOG + 4), 0x16);
	sleep_ms(50);
	assert_int_equal(word(&r, RES_NLOG), 2);
	/* And the host stops it there. */
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_irq_level_semantics(void **state)
{
	uint32_t n1, n2;
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "wfi");
	rig_boot_at(&r, 0);
	assert_true(fix_wait_word(&r.board, RES_DONE, DONE_MAGIC));
	/* Out of range lines are ignored. */
	coproc_irq_set(r.core, COPROC_NUM_IRQ, true);
	/* Held high, the line pends again after every handler. */
	coproc_irq_set(r.core, 6, true);
	assert_true(fix_wait_word(&r.board, RES_LOG, 0x16));
	sleep_ms(20);
	n1 = word(&r, RES_COUNT);
	sleep_ms(50);
	assert_true(word(&r, RES_COUNT) > n1);
	/* Released: no more. */
	coproc_irq_set(r.core, 6, false);
	sleep_ms(50);
	n1 = word(&r, RES_COUNT);
	sleep_ms(100);
	n2 = word(&r, RES_COUNT);
	assert_int_equal(n1, n2);
	rig_stop(&r);
	rig_down(&r);
}

static void test_inject_crash_in_wfi(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "wfi");
	rig_boot_at(&r, 0);
	assert_true(fix_wait_word(&r.board, RES_DONE, DONE_MAGIC));
	sleep_ms(20);
	assert_int_equal(coproc_inject_crash(r.core, RPROC_WATCHDOG, NULL), 0);
	assert_int_equal(coproc_state(r.core), COPROC_CRASHED);
	assert_true(fix_wait_count(&r.ev, &r.ev.crashes, 1));
	assert_int_equal(r.ev.crash_type, RPROC_WATCHDOG);
	rig_stop(&r);
	rig_down(&r);
}

static void test_hardfault_handler(void **state)
{
	/* UDF: HardFault (IPSR 3) skips it and returns; unmapped read: HardFault again. */
	static const uint32_t want[] = {3, 0xB0, 3};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "hardfault");
	rig_boot_at(&r, 0);
	expect_log(&r, want, N(want));
	assert_int_equal(word(&r, RES_COUNT), 2);
	assert_true(word(&r, RES_EXTRA) & SCB_HFSR_FORCED);
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	rig_stop(&r);
	rig_down(&r);
}

static void test_lockup_is_a_crash(void **state)
{
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "lockup");
	rig_boot_at(&r, 0);
	assert_true(fix_wait_count(&r.ev, &r.ev.crashes, 1));
	assert_true(fix_wait_state(r.core, COPROC_CRASHED));
	/* The handler ran (log 3) and its own bad access locked the core up. */
	assert_int_equal(word(&r, RES_LOG), 3);
	assert_int_not_equal(word(&r, RES_DONE), DONE_MAGIC);
	assert_int_equal(r.ev.crash_type, RPROC_MMUFAULT);
	assert_non_null(strstr(r.ev.crash_why, "0x20000000"));
	assert_non_null(strstr(r.ev.crash_why, "locks up"));
	rig_stop(&r);
	rig_down(&r);
}

static void test_boot_address_is_vtor(void **state)
{
	static const uint32_t want[] = {0x15, 0xFFFFFFF9u, 21};
	uint8_t *retram;
	struct rpt_error err = {0};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4", "basic");
	/* Move the vector table to 0x8000 and wipe the one at 0: only VTOR finds it. */
	retram = fix_da(&r.board, 0, 0x10000);
	memcpy(retram + 0x8000, retram, 0x60);
	memset(retram, 0, 0x60);
	rig_boot_at(&r, 0x8000);
	expect_log(&r, want, N(want));
	rig_stop(&r);
	/* A boot address in no memory: a plain reason, and nothing runs. */
	assert_int_equal(coproc_boot(r.core, 0x20000000u, &err), -RPT_ENOBOOT);
	assert_non_null(strstr(err.msg, "no vector table at 0x20000000"));
	assert_int_equal(coproc_state(r.core), COPROC_STOPPED);
	rig_down(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_entry_return_integer_frame),
		cmocka_unit_test(test_exc_return_frames),
		cmocka_unit_test(test_nesting_and_tail_chain),
		cmocka_unit_test(test_prigroup),
		cmocka_unit_test(test_masking),
		cmocka_unit_test(test_svc_and_pendsv),
		cmocka_unit_test(test_unprivileged_thread_masking),
		cmocka_unit_test(test_stir_and_icsr),
		cmocka_unit_test(test_systick_rate),
		cmocka_unit_test(test_wfi_sleeps_and_wakes),
		cmocka_unit_test(test_sleep_on_exit),
		cmocka_unit_test(test_irq_level_semantics),
		cmocka_unit_test(test_inject_crash_in_wfi),
		cmocka_unit_test(test_hardfault_handler),
		cmocka_unit_test(test_lockup_is_a_crash),
		cmocka_unit_test(test_boot_address_is_vtor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
