// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fwlib firmware on OUR emulated core (in-process, the coproc fixture's
 * STM32MP15 memories), compared with QEMU (fw_qemu.c):
 *
 *   exctest_core_vs_qemu  firmware/exctest runs to its end on our core; its
 *                         results block (MCU SRAM2, exct_results.h) must equal
 *                         the one QEMU prints: same checks run, same pass/fail,
 *                         same event log word for word (logic, not timing:
 *                         nothing in the log depends on time)
 *   sched_core_10s        firmware/sched runs 10 s of host time on our core:
 *                         no corruption, no fault, threads switched and
 *                         preempted, idle woke from WFI
 *
 * Needs the core's exception model (h-exc): registered with ctest only when
 * RPT_FW_CORE_TESTS is on (tests/fw/CMakeLists.txt).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "coproc_fixture.h"
#include "fw_qemu.h"
#include "testutil.h"

/* The exctest run on our core takes well under a second; this is only a bound. */
#define CORE_RUN_TIMEOUT_S 120
/* The scheduler runs this long (host time) before its block is read. */
#define SCHED_RUN_S 10

/* A board with a core on it; torn down by rig_teardown even when a test fails half-way. */
struct rig {
	struct fix_board board; /* the STM32MP15 memories */
	struct fix_events ev;	/* what the core reported */
	struct coproc *core;	/* NULL until created */
	bool up;		/* board and events initialised */
};

static int rig_setup(void **state)
{
	struct rig *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	*state = r;
	return 0;
}

static int rig_teardown(void **state)
{
	struct rig *r = *state;

	coproc_destroy(r->core);
	if (r->up) {
		fix_events_fini(&r->ev);
		fix_board_fini(&r->board);
	}
	free(r);
	return 0;
}

static void rig_start(struct rig *r, const char *elf)
{
	struct rpt_error err = {0};
	char rel[256];

	fix_board_init(&r->board);
	fix_events_init(&r->ev);
	r->up = true;
	snprintf(rel, sizeof(rel), "firmware/%s", elf);
	fix_load_elf(&r->board, rpt_binary_path(rel));
	r->core = coproc_create(&(struct coproc_config){.cpu = "cortex-m4",
							.mems = r->board.mems,
							.num_mems = r->board.num_mems},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	if (coproc_boot(r->core, 0, &err))
		fail_msg("coproc_boot %s: %s", elf, rpt_error_msg(&err));
}

/* Stop the core (the teardown frees it). */
static void rig_stop(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_halt(r->core, &err))
		fail_msg("coproc_halt: %s", rpt_error_msg(&err));
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000};

	nanosleep(&ts, NULL);
}

/* A crash of the core ends the wait at once, with what the core said. */
static void fail_if_crashed(struct rig *r, const char *what)
{
	char why[sizeof(r->ev.crash_why)];

	if (fix_crashes(&r->ev)) {
		pthread_mutex_lock(&r->ev.lock);
		memcpy(why, r->ev.crash_why, sizeof(why));
		pthread_mutex_unlock(&r->ev.lock);
		fail_msg("%s: the core crashed: %s", what, why);
	}
}

/* Copy the block out of the core's memory (it keeps running). */
static void read_block(struct rig *r, uint32_t da, void *out, size_t len)
{
	const volatile uint8_t *src = fix_da(&r->board, da, (uint32_t)len);
	size_t i;

	assert_non_null((const void *)src);
	for (i = 0; i < len; i++)
		((uint8_t *)out)[i] = src[i];
}

static void exctest_core_vs_qemu(void **state)
{
	uint32_t words[EXCT_RESULTS_WORDS];
	struct exct_results core, qemu;
	char a[96], b[96];
	unsigned int i, waited;
	struct rig *r = *state;
	int st;

	/* The oracle first: if QEMU disagrees with the firmware, nothing to compare. */
	st = fw_qemu_run("exctest-qemu.elf");
	if (st)
		fail_msg("exctest under QEMU exited with %d:\n%s", st, fw_qemu_output());
	fw_qemu_words("exct-words:", words, EXCT_RESULTS_WORDS);
	memcpy(&qemu, words, sizeof(qemu));
	assert_int_equal(qemu.done, EXCT_DONE);

	rig_start(r, "exctest.elf");
	for (waited = 0; waited < CORE_RUN_TIMEOUT_S * 100; waited++) {
		read_block(r, EXCT_RESULTS_DA_VSTM32MP15, &core, sizeof(core));
		if (core.done == EXCT_DONE)
			break;
		fail_if_crashed(r, "exctest");
		sleep_ms(10);
	}
	read_block(r, EXCT_RESULTS_DA_VSTM32MP15, &core, sizeof(core));
	fail_if_crashed(r, "exctest");
	rig_stop(r);

	if (core.magic != EXCT_MAGIC || core.version != EXCT_VERSION)
		fail_msg("our core: no results block (magic 0x%08x version %u)", core.magic,
			 core.version);
	/* Events first: the first divergence says most about what the core got wrong. */
	for (i = 0; i < core.num_events && i < qemu.num_events; i++)
		if (core.event[i] != qemu.event[i])
			fail_msg("event %u differs: QEMU %s, our core %s", i,
				 exct_event_str(qemu.event[i], a, sizeof(a)),
				 exct_event_str(core.event[i], b, sizeof(b)));
	if (core.done != EXCT_DONE)
		fail_msg("our core did not finish in %d s (%u checks, %u events, last %s)",
			 CORE_RUN_TIMEOUT_S, core.num_checks, core.num_events,
			 core.num_events
				 ? exct_event_str(core.event[core.num_events - 1], a, sizeof(a))
				 : "none");
	for (i = 0; i < EXCT_MAX_CHECKS; i++)
		if (core.check[i] != qemu.check[i])
			fail_msg(
				"check %s: QEMU status 0x%x, our core 0x%x (bits 31:8: failing line "
				"of firmware/exctest/exctest.c)",
				exct_check_name(i), qemu.check[i], core.check[i]);
	assert_int_equal(core.num_events, qemu.num_events);
	assert_int_equal(core.num_checks, qemu.num_checks);
	assert_int_equal(core.failed, qemu.failed);
	assert_int_equal(core.failed, 0);
}

static void sched_core_10s(void **state)
{
	struct sched_results res;
	unsigned int i, waited;
	struct rig *r = *state;

	rig_start(r, "sched.elf");
	for (waited = 0; waited < SCHED_RUN_S * 10; waited++) {
		fail_if_crashed(r, "sched");
		sleep_ms(100);
	}
	read_block(r, SCHED_RESULTS_DA_VSTM32MP15, &res, sizeof(res));
	fail_if_crashed(r, "sched");
	assert_int_equal(coproc_state(r->core), COPROC_RUNNING);
	rig_stop(r);

	printf("sched on our core, %d s: %u ticks, %u switches, %u idle wakeups, "
	       "iterations %u/%u/%u, corruptions %u\n",
	       SCHED_RUN_S, res.ticks, res.switches, res.idle_wakeups, res.iterations[0],
	       res.iterations[1], res.iterations[2], res.corruptions);
	assert_int_equal(res.magic, SCHED_MAGIC);
	assert_int_equal(res.version, SCHED_VERSION);
	if (res.corruptions)
		fail_msg("%u corruption(s), first: thread %u check %u", res.corruptions,
			 (res.first_corrupt >> 8) - 1, res.first_corrupt & 0xFF);
	assert_int_equal(res.faults, 0);
	/* Counts, not rates: the machine may be loaded; 10 s gives thousands of ticks. */
	assert_true(res.ticks >= 100);
	assert_true(res.switches >= 100);
	assert_true(res.idle_wakeups > 0);
	for (i = 0; i < SCHED_THREADS; i++) {
		assert_true(res.iterations[i] > 0);
		assert_true(res.preempted[i] > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(exctest_core_vs_qemu, rig_setup, rig_teardown),
		cmocka_unit_test_setup_teardown(sched_core_10s, rig_setup, rig_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
