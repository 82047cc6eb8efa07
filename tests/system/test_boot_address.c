// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 13, the boot address end to end through the library API: the STM32MP25
 * M33 board with its firmware in DDR (boards/vstm32mp25-m33-ddr-tee.dts) boots
 * our demo linked at 0x80100000 and signed as ST signs (BOOTADDR TLV), through
 * the TEE in-process, on the emulated core; and a firmware that cannot start
 * says why, in words a user understands, up to the normal world's error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "crypto/crypto.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "signer.h"
#include "sys_fixture.h"
#include "demo_sign.h"
#include "testutil.h"

#define MP2_BOARD "boards/vstm32mp25-m33-ddr-tee.dts"
#define MP2_ELF	  "firmware/rproc-demo-mp2.elf"
#define MP2_SIGN  "firmware/rproc-demo-mp2.sign"
#define OUR_HELLO "rproc-demo: hello from the coprocessor"

static int find_trace(void *ctx, unsigned int idx, uint32_t type, void *body, size_t len)
{
	(void)idx;
	if (type == RSC_TRACE && len >= sizeof(struct fw_rsc_trace))
		*(uint32_t *)ctx = ((struct fw_rsc_trace *)body)->da;
	return 0;
}

/* The build's own rproc-demo-mp2.sign: --plat-tlv 0x10001 0x80100000, the demo key. */
static void test_m33_ddr_boots_from_bootaddr(void **state)
{
	struct sys *s = sys_up(MP2_BOARD, NULL);
	uint32_t da = 0;
	void *table;
	size_t len;

	(void)state;
	assert_true(s->rp->alt_boot);
	sys_boot(s, rpt_binary_path(MP2_SIGN));
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_true(sys_wait_trace(s, OUR_HELLO, 10000));
	/* The table the TA reported is in ipc-shmem, the trace right after it. */
	assert_int_equal(rproc_get_rsc_table(s->rp, &table, &len), 0);
	assert_int_equal(rsc_table_for_each(table, len, find_trace, &da), 0);
	free(table);
	assert_int_equal(da, 0x81201000);
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	sys_down(s);
}

static void test_cannot_start_says_why(void **state)
{
	struct sys *s = sys_up(MP2_BOARD, NULL);
	char why[RPT_ERROR_MSG_MAX];

	(void)state;
	assert_int_equal(rproc_set_firmware(s->rp, rpt_sign_mp2_unstartable()), 0);
	assert_int_not_equal(rproc_boot(s->rp), 0);
	rproc_last_error(s->rp, why, sizeof(why));
	/* The normal world's words: what happened, not "policy or memory map". */
	if (!strstr(why, "TEE_ERROR_BAD_FORMAT") || !strstr(why, "the firmware cannot start") ||
	    strstr(why, "policy"))
		fail_msg("boot error '%s'", why);
	/* The secure world's console names the address. */
	if (!sys_logged(s, "reset vector 0x80a00101 (vector table at 0x80100000) is not in "
			   "executable memory"))
		fail_msg("secure log lacks the reason:\n%s", s->log);
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	assert_string_equal(rproc_state_string(rproc_get_state(s->rp)), "offline");
	/* And the good image still boots on the same board afterwards. */
	sys_boot(s, rpt_binary_path(MP2_SIGN));
	assert_true(sys_wait_trace(s, OUR_HELLO, 10000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_m33_ddr_boots_from_bootaddr),
		cmocka_unit_test(test_cannot_start_says_why),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
