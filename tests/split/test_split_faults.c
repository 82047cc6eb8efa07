// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-teed killed (SIGKILL) under rprocd's feet: during LOAD_FW, during
 * START_FW (rproc-teed's --test-stall holds the command open), and while the
 * firmware runs. Each time rprocctl gets one clear line, the processor ends
 * offline (never "running" on a dead TEE), rprocd lives on, and once
 * rproc-teed is back `state start` works again: rprocd reconnects on demand,
 * re-opens its session, re-maps the shared memories (the trace shows).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "split_fixture.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define DDR_BOARD "boards/vstm32mp15-m4-tee-ddr.dts"
#define GREETING  "m4-demo: hello from the coprocessor"

static struct split sys;

/* The processor settles offline: a dead TEE runs nothing. */
static void assert_ends_offline(void)
{
	if (!split_wait_ctl(&sys, "remoteproc0 state", "offline", 10000))
		fail_msg("state is '%s' 10 s after rproc-teed died; rprocd log:\n%s", split_out(),
			 split_log(&sys.rprocd));
	assert_true(split_alive(&sys.rprocd));
	assert_int_equal(split_ctl(&sys, "list"), 0);
	assert_non_null(strstr(split_out(), "remoteproc0"));
}

/* rproc-teed back (without a stall): start works, the trace reaches rprocd, stop works. */
static void assert_works_again(void)
{
	split_teed_start(&sys, DDR_BOARD, NULL, NULL);
	if (split_ctl(&sys, "remoteproc0 state start"))
		fail_msg("start after the restart: %s\nrprocd log:\n%s", split_out(),
			 split_log(&sys.rprocd));
	assert_string_equal(split_out(), "running\n");
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", GREETING, 10000));
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	assert_string_equal(split_out(), "offline\n");
}

/* `state start` in the background, rproc-teed killed while it stalls before cmd. */
static void kill_during(const char *cmd, const char *stall)
{
	char out[512];
	const char *text;
	pid_t ctl;

	split_kill(&sys.teed);
	split_teed_start(&sys, DDR_BOARD, NULL, stall);
	snprintf(out, sizeof(out), "%s/start-%s.out", rpt_tmpdir(), cmd);
	ctl = split_ctl_async(&sys, out, "remoteproc0 state start");
	if (!split_wait_log(&sys.teed, "TEST: stalling", 10000))
		fail_msg("rproc-teed never reached %s:\n%s", cmd, split_log(&sys.teed));
	split_kill(&sys.teed);
	assert_int_equal(split_ctl_wait(ctl, 30000), 1);
	text = rpt_captured(out);
	if (!split_one_line(text) || !strstr(text, "remoteproc0: start failed") ||
	    !strstr(text, cmd) || !strstr(text, "TEE_ERROR_COMMUNICATION"))
		fail_msg("rprocctl said:\n%s", text);
	assert_ends_offline();
	/* rprocd's log names the TEE and why it failed. */
	assert_true(split_wait_log(&sys.rprocd, "rproc-teed at", 1000));
}

static void test_kill_during_load(void **state)
{
	(void)state;
	/* The large image on the DDR board: the longest LOAD_FW there is, held open too. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s",
				   rpt_vector_path("isolated/signed/large.rsa2048.sign")),
			 0);
	kill_during("LOAD_FW", "LOAD_FW:20000");
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s",
				   rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_works_again();
}

static void test_kill_during_start(void **state)
{
	(void)state;
	kill_during("START_FW", "START_FW:20000");
	assert_works_again();
}

static void test_kill_while_running(void **state)
{
	(void)state;
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_string_equal(split_out(), "running\n");
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", GREETING, 10000));
	split_kill(&sys.teed);
	/* The hang-up is the crash report (fatal); recovery cannot reach the TA. */
	assert_ends_offline();
	assert_true(split_wait_log(&sys.rprocd, "crashed (fatal error)", 1000));
	assert_true(split_wait_log(&sys.rprocd, "is now offline", 1000));
	/* While nobody listens: one clear line, still offline. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 1);
	assert_true(split_one_line(split_out()));
	assert_non_null(strstr(split_out(), "TEE_ERROR_COMMUNICATION"));
	assert_int_equal(split_ctl(&sys, "remoteproc0 state"), 0);
	assert_string_equal(split_out(), "offline\n");
	/* Issue 15: with the secure world gone nothing runs, and trace says so. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 trace"), 1);
	assert_true(split_one_line(split_out()));
	assert_non_null(strstr(split_out(), "remoteproc0: no trace0: not running (state offline)"));
	assert_works_again();
}

static int group_setup(void **state)
{
	(void)state;
	split_init(&sys, "faults");
	split_teed_start(&sys, DDR_BOARD, NULL, NULL);
	split_rprocd_start(&sys, DDR_BOARD);
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s",
				   rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	split_stop(&sys.rprocd);
	if (sys.teed.pid)
		split_stop(&sys.teed);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_while_running),
		cmocka_unit_test(test_kill_during_load),
		cmocka_unit_test(test_kill_during_start),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
