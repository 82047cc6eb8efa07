// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fwlib firmware under QEMU (qemu-system-arm -M mps2-an386, a Cortex-M4F
 * with a long-tested exception model): the oracle the runs on our core are
 * compared with (test_fw_core).
 *
 *   exctest_qemu  every check of firmware/exctest passes (each check asserts
 *                 its own slice of the event log) and the log has the shape
 *                 the contract says: one CHECK event per check, in order
 *   sched_qemu    the scheduler firmware runs 1000 ticks with its 3 threads
 *                 switching, preempted, the idle thread waking from WFI and
 *                 no corruption
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "coproc/armv7m_regs.h"
#include "fw_qemu.h"
#include "testutil.h"

/* Every EXC_RETURN a handler sees is one of the six ARMv7-M defines (low halves here). */
static bool exc_return_ok(uint32_t low)
{
	static const uint32_t ok[] = {0xFFF1, 0xFFF9, 0xFFFD, 0xFFE1, 0xFFE9, 0xFFED};
	unsigned int i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (low == ok[i])
			return true;
	return false;
}

static void exctest_qemu(void **state)
{
	uint32_t words[EXCT_RESULTS_WORDS];
	struct exct_results r;
	unsigned int i, next_check = 0;
	char ev[96];
	size_t n;
	int st;

	(void)state;
	st = fw_qemu_run("exctest-qemu.elf");
	n = fw_qemu_words("exct-words:", words, EXCT_RESULTS_WORDS);
	memcpy(&r, words, sizeof(r));
	if (st)
		fail_msg("exctest under QEMU exited with %d:\n%s", st, fw_qemu_output());
	assert_true(n >= 8 + EXCT_MAX_CHECKS);
	assert_int_equal(r.magic, EXCT_MAGIC);
	assert_int_equal(r.version, EXCT_VERSION);
	assert_int_equal(r.done, EXCT_DONE);
	assert_int_equal(r.num_checks, EXCT_NUM_CHECKS);
	assert_int_equal(r.failed, 0);
	assert_int_equal(n, 8 + EXCT_MAX_CHECKS + r.num_events);
	for (i = 0; i < EXCT_NUM_CHECKS; i++)
		if (r.check[i] != EXCT_PASS)
			fail_msg("check %s: status 0x%x", exct_check_name(i), r.check[i]);
	for (i = 0; i < r.num_events; i++) {
		uint32_t e = r.event[i];

		exct_event_str(e, ev, sizeof(ev));
		switch (EXCT_EV_KIND(e)) {
		case EXCT_EV_CHECK:
			if (EXCT_EV_A(e) != next_check++)
				fail_msg("event %u: %s out of order", i, ev);
			break;
		case EXCT_EV_ENTER:
			if (!exc_return_ok(EXCT_EV_B(e)))
				fail_msg("event %u: %s", i, ev);
			break;
		case EXCT_EV_EXIT:
		case EXCT_EV_SVC:
		case EXCT_EV_MARK:
		case EXCT_EV_FAULT:
			break;
		default:
			fail_msg("event %u: %s", i, ev);
		}
	}
	assert_int_equal(next_check, EXCT_NUM_CHECKS);
	/* The first check's log, spelled out: the firmware asserted it, the host reads it the same. */
	assert_int_equal(r.event[0], EXCT_EV(EXCT_EV_CHECK, 0, 0));
	assert_int_equal(r.event[1], EXCT_EV(EXCT_EV_ENTER, EXC_SVCALL, 0xFFF9));
	assert_int_equal(r.event[2], EXCT_EV(EXCT_EV_SVC, 42, 0x1000));
	assert_int_equal(r.event[3], EXCT_EV(EXCT_EV_EXIT, EXC_SVCALL, 0));
}

static void sched_qemu(void **state)
{
	uint32_t words[sizeof(struct sched_results) / 4];
	struct sched_results r;
	unsigned int i;
	int st;

	(void)state;
	st = fw_qemu_run("sched-qemu.elf");
	fw_qemu_words("sched-words:", words, sizeof(words) / 4);
	memcpy(&r, words, sizeof(r));
	if (st)
		fail_msg("sched under QEMU exited with %d:\n%s", st, fw_qemu_output());
	assert_int_equal(r.magic, SCHED_MAGIC);
	assert_int_equal(r.version, SCHED_VERSION);
	assert_int_equal(r.done, SCHED_DONE);
	assert_int_equal(r.corruptions, 0);
	assert_int_equal(r.faults, 0);
	assert_true(r.ticks >= 1000);
	assert_true(r.switches >= 100);
	assert_true(r.idle_wakeups > 0);
	for (i = 0; i < SCHED_THREADS; i++) {
		assert_true(r.iterations[i] > 0);
		assert_true(r.preempted[i] > 0);
	}
	printf("sched under QEMU: %u ticks, %u switches, %u idle wakeups, iterations %u/%u/%u\n",
	       r.ticks, r.switches, r.idle_wakeups, r.iterations[0], r.iterations[1],
	       r.iterations[2]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exctest_qemu),
		cmocka_unit_test(sched_qemu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
