// SPDX-License-Identifier: BSD-2-Clause
/*
 * The coprocessor's console end to end: the demo firmware writes a line to
 * its UART (the STM32 USART model at UART4), the core keeps it in its
 * console log, and `rprocctl remoteprocN console` shows it through rprocd,
 * as the trace is shown. Both boots: through the TEE (the secure world's
 * core) and the classic ELF boot (the normal world's own core).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_sign.h"
#include "rprocd_fixture.h"
#include "testutil.h"

#define CONSOLE_LINE "rproc-demo: console up on UART4\n"
/* Generous: the machine is shared and loaded. */
#define WAIT_MS 20000

static pid_t daemon_pid;

static void start_daemon(const char *board)
{
	rpd_paths();
	daemon_pid =
		rpd_start(rpd_log, board ? (const char *const[]){"--board", board, NULL} : NULL);
}

static void test_console_shows_the_firmware_line(void **state)
{
	const char *img = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));

	(void)state;
	start_daemon(NULL);
	/* Nothing printed yet: an empty console, not an error. */
	assert_int_equal(ctl("remoteproc0 console"), 0);
	assert_string_equal(output(), "");
	assert_int_equal(ctl("remoteproc0 firmware %s", img), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_true(wait_output("remoteproc0 console", CONSOLE_LINE, WAIT_MS));
	/* The firmware's CR LF is one line break; nothing else came out of the UART. */
	assert_string_equal(output(), CONSOLE_LINE);
	/* Wrong use: one line, exit status 2. */
	assert_int_equal(ctl("remoteproc0 console now"), 2);
	assert_non_null(strstr(output(), "takes no argument"));
	/* The log survives a stop (as a serial console's scrollback would). */
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_int_equal(ctl("remoteproc0 console"), 0);
	assert_string_equal(output(), CONSOLE_LINE);
	rpd_stop(daemon_pid);
}

static void test_console_classic_boot(void **state)
{
	(void)state;
	start_daemon(rpt_source_path("boards/vstm32mp15-m4.dts"));
	assert_int_equal(ctl("remoteproc0 firmware %s", rpt_binary_path("firmware/rproc-demo.elf")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_true(wait_output("remoteproc0 console", CONSOLE_LINE, WAIT_MS));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	rpd_stop(daemon_pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_shows_the_firmware_line),
		cmocka_unit_test(test_console_classic_boot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
