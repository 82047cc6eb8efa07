// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 13, the core's side of the boot address: coproc_boot(boot_addr) boots
 * through the vector table at boot_addr (VTOR), not the one at 0, and refuses
 * a table it cannot use (-RPT_ENOBOOT) in words a user understands, leaving
 * the core stopped.
 */
#include <string.h>

#include "common/safe_math.h"
#include "coproc_fixture.h"
#include "testutil.h"

#define VT_DA	   0x10000080u /* a vector table in mcuram2, 128-byte aligned */
#define CODE_DA	   0x10000100u /* the program it names */
#define MARKER_DA  0x10001000u /* where the program writes */
#define MARKER_VAL 0x42u

/*
 * movs r0, #0x42; ldr r1, [pc, #4]; str r0, [r1]; b . ; .word MARKER_DA
 * (Thumb, hand-assembled: the literal is at CODE_DA + 8).
 */
static void put_program(struct fix_board *b, uint32_t reset_vector)
{
	static const uint16_t code[] = {0x2042, 0x4901, 0x6008, 0xE7FE};
	uint8_t *vt = fix_da(b, VT_DA, 8), *p = fix_da(b, CODE_DA, 12);
	unsigned int i;

	put_le32(vt, 0x10040000);	/* initial SP: the end of mcuram2 */
	put_le32(vt + 4, reset_vector); /* reset vector */
	for (i = 0; i < 4; i++) {
		p[2 * i] = (uint8_t)code[i];
		p[2 * i + 1] = (uint8_t)(code[i] >> 8);
	}
	put_le32(p + 8, MARKER_DA);
}

static struct coproc *core_up(struct fix_board *b, struct fix_events *ev)
{
	struct rpt_error err = {0};
	struct coproc *c;

	fix_board_init(b);
	fix_events_init(ev);
	c = coproc_create(&(struct coproc_config){.cpu = "cortex-m33",
						  .mems = b->mems,
						  .num_mems = b->num_mems},
			  &fix_event_ops, ev, &err);
	if (!c)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	return c;
}

static void core_down(struct coproc *c, struct fix_board *b, struct fix_events *ev)
{
	coproc_destroy(c);
	fix_events_fini(ev);
	fix_board_fini(b);
}

/* RETRAM at 0 holds only zeros: a core that ignored boot_addr would never write the marker. */
static void test_boots_through_the_table_at_boot_addr(void **state)
{
	struct rpt_error err = {0};
	struct fix_events ev;
	struct fix_board b;
	struct coproc *c = core_up(&b, &ev);

	(void)state;
	put_program(&b, CODE_DA | 1);
	if (coproc_boot(c, VT_DA, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
	assert_true(fix_wait_word(&b, MARKER_DA, MARKER_VAL));
	assert_int_equal(coproc_state(c), COPROC_RUNNING);
	assert_int_equal(coproc_halt(c, &err), 0);
	core_down(c, &b, &ev);
}

static void expect_refused(struct coproc *c, uint32_t boot_addr, const char *needle)
{
	struct rpt_error err = {0};

	assert_int_equal(coproc_boot(c, boot_addr, &err), -RPT_ENOBOOT);
	if (!strstr(err.msg, needle))
		fail_msg("boot at 0x%08x: '%s' lacks '%s'", boot_addr, err.msg, needle);
	assert_int_equal(coproc_state(c), COPROC_STOPPED);
}

static void test_unusable_tables_refused_in_plain_words(void **state)
{
	struct fix_events ev;
	struct fix_board b;
	struct coproc *c = core_up(&b, &ev);

	(void)state;
	put_program(&b, 0x30000001);
	expect_refused(c, VT_DA + 0x40, "no vector table at 0x100000c0: VTOR needs a 128-byte");
	expect_refused(c, 0x20000000, "no vector table at 0x20000000: no memory of the core");
	expect_refused(c, VT_DA,
		       "reset vector 0x30000001 (vector table at 0x10000080) is not in executable "
		       "memory");
	/* Fixed, the same core starts. */
	put_program(&b, CODE_DA | 1);
	{
		struct rpt_error err = {0};

		assert_int_equal(coproc_boot(c, VT_DA, &err), 0);
		assert_true(fix_wait_word(&b, MARKER_DA, MARKER_VAL));
		assert_int_equal(coproc_halt(c, &err), 0);
	}
	core_down(c, &b, &ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boots_through_the_table_at_boot_addr),
		cmocka_unit_test(test_unusable_tables_refused_in_plain_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
