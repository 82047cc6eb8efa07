// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 13 through the command lines a user types: rprocd on the STM32MP25
 * M33 DDR board starts our demo from its signed BOOTADDR (0x80100000), and a
 * firmware whose vector table names a reset handler in data memory is refused
 * with one line saying the firmware cannot start (not "refused by the TEE's
 * policy or memory map"), the sysfs-like state staying "offline", and the
 * daemon's log naming the address.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "crypto/crypto.h"
#include "formats/elf32.h"
#include "rprocd_fixture.h"
#include "signer.h"
#include "demo_sign.h"
#include "testutil.h"


static void test_rprocctl_boot_address(void **state)
{
	const char *out, *nl;
	pid_t pid;

	(void)state;
	rpd_paths();
	pid = rpd_start(rpd_log,
			(const char *const[]){"--board",
					      rpt_source_path("boards/vstm32mp25-m33-ddr-tee.dts"),
					      NULL});

	assert_int_equal(ctl("remoteproc0 firmware %s", rpt_sign_mp2_unstartable()), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	out = output();
	if (!strstr(out, "remoteproc0") || !strstr(out, "the firmware cannot start") ||
	    strstr(out, "policy"))
		fail_msg("rprocctl said '%s'", out);
	nl = strchr(out, '\n'); /* one line */
	assert_non_null(nl);
	assert_int_equal(nl[1], '\0');
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "offline\n");
	assert_true(log_count("reset vector 0x80a00101 (vector table at 0x80100000) is not in "
			      "executable memory") >= 1);

	/* ST-style signed demo: starts at 0x80100000, its trace readable. */
	assert_int_equal(
		ctl("remoteproc0 firmware %s", rpt_binary_path("firmware/rproc-demo-mp2.sign")), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "running\n");
	assert_true(
		wait_output("remoteproc0 trace", "rproc-demo: hello from the coprocessor", 10000));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	rpd_stop(pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rprocctl_boot_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
