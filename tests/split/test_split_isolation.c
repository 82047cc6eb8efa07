// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure world in its own process, through the real binaries: rprocd
 * (--tee socket:PATH) boots the signed vector through rproc-teed and shows
 * its trace, yet never maps a secure memory nor holds a descriptor of one;
 * the shared memories are the only ones it maps. A watchdog crash injected
 * through rprocctl travels to the daemon's core and back as an event, and is
 * recovered. rprocd's --tee is parsed strictly.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "split_fixture.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define GREETING  "m4-demo: hello from the coprocessor"

static struct split sys;

/* What rprocd maps and holds: shared memories only, never retram or mcuram2. */
static void assert_isolated(pid_t pid)
{
	static const char *const shared[] = {"memfd:ipc-shmem", "memfd:vdev0vring0",
					     "memfd:vdev0vring1", "memfd:vdev0buffer"};
	static const char *const private[] = {"memfd:retram", "memfd:mcuram2"};
	unsigned int i;

	for (i = 0; i < sizeof(shared) / sizeof(shared[0]); i++)
		if (!split_maps_contain(pid, shared[i]))
			fail_msg("rprocd does not map %s", shared[i]);
	for (i = 0; i < sizeof(private) / sizeof(private[0]); i++) {
		if (split_maps_contain(pid, private[i]) || split_fds_contain(pid, private[i]))
			fail_msg("rprocd maps or holds the private %s", private[i]);
		/* The daemon, by contrast, holds every memory. */
		assert_true(split_maps_contain(sys.teed.pid, private[i]));
	}
}

static void test_boot_isolated(void **state)
{
	(void)state;
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s",
				   rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_string_equal(split_out(), "running\n");
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", GREETING, 10000));
	/*
	 * The firmware's code went into retram, its data and stack into mcuram2,
	 * which the normal world has no way to reach: no mapping, no descriptor.
	 * Only LOAD_FW (the TA) wrote them.
	 */
	assert_isolated(sys.rprocd.pid);
	assert_int_equal(split_ctl(&sys, "remoteproc0 resource-table"), 0);
	assert_non_null(strstr(split_out(), "vdev0buffer"));
	assert_true(split_wait_log(&sys.rprocd, "secure world in rproc-teed at", 1000));
}

static void test_crash_recovered(void **state)
{
	(void)state;
	assert_int_equal(split_ctl(&sys, "remoteproc0 state"), 0);
	assert_string_equal(split_out(), "running\n");
	/* Off by default (as Linux): the dump read below needs it. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 coredump enabled"), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 crash watchdog"), 0);
	/* The core crashed in rproc-teed; the event brought it to rprocd's recovery. */
	assert_true(split_wait_log(&sys.teed, "coprocessor crashed (watchdog)", 10000));
	assert_true(split_wait_log(&sys.rprocd, "recovered", 10000));
	assert_true(split_wait_ctl(&sys, "remoteproc0 state", "running", 10000));
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", GREETING, 10000));
	assert_int_equal(split_ctl(&sys, "remoteproc0 dump --out %s/core.elf", rpt_tmpdir()), 0);
	assert_isolated(sys.rprocd.pid);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	assert_string_equal(split_out(), "offline\n");
	/* Both daemons are alive and well. */
	assert_true(split_alive(&sys.teed));
	assert_true(split_alive(&sys.rprocd));
}

/* rprocd alone, with a bad or unreachable --tee: its exit status and message. */
static int rprocd_exit(const char *args, const char *needle)
{
	char cap[512];
	int code;

	snprintf(cap, sizeof(cap), "%s/rprocd-cli.out", rpt_tmpdir());
	code = rpt_run_capture(cap, "timeout", args);
	if (!strstr(rpt_captured(cap), needle))
		fail_msg("'%s': no '%s' in:\n%s", args, needle, rpt_captured(cap));
	return code;
}

static void test_tee_option(void **state)
{
	char args[1024], bin[600];
	const char *key = rpt_vector_path("keys/rsa2048.pub.pem");

	(void)state;
	snprintf(bin, sizeof(bin), "30 '%s' --socket '%s/cli.sock'", rpt_binary_path("bin/rprocd"),
		 rpt_tmpdir());
	snprintf(args, sizeof(args), "%s --help", bin);
	assert_int_equal(rprocd_exit(args, "socket:PATH"), 0);
	snprintf(args, sizeof(args), "%s --tee sockets:/x", bin);
	assert_int_equal(rprocd_exit(args, "expected inproc, socket:PATH or dev:PATH"), 2);
	snprintf(args, sizeof(args), "%s --tee socket:", bin);
	assert_int_equal(rprocd_exit(args, "expected inproc"), 2);
	snprintf(args, sizeof(args), "%s --tee dev:", bin);
	assert_int_equal(rprocd_exit(args, "expected inproc"), 2);
	snprintf(args, sizeof(args), "%s --tee INPROC", bin);
	assert_int_equal(rprocd_exit(args, "expected inproc"), 2);
	snprintf(args, sizeof(args), "%s --tee 'socket:%0200d'", bin, 0);
	assert_int_equal(rprocd_exit(args, "socket path"), 2);
	/* The keys belong to the secure world: rproc-teed's --trust, not rprocd's. */
	snprintf(args, sizeof(args), "%s --tee socket:%s --trust '%s'", bin, sys.teed_sock, key);
	assert_int_equal(rprocd_exit(args, "give the keys to rproc-teed"), 2);
	/* Well-formed but nobody there: one clear failure, exit 1. */
	snprintf(args, sizeof(args), "%s --tee socket:%s/nobody.sock", bin, rpt_tmpdir());
	assert_int_equal(rprocd_exit(args, "no rproc-teed listening at"), 1);
	snprintf(args, sizeof(args), "%s --tee dev:%s/no-tee0", bin, rpt_tmpdir());
	assert_int_equal(rprocd_exit(args, "TEE device"), 1);
	/* A board with a processor the normal world loads cannot run on a remote secure world. */
	snprintf(args, sizeof(args), "%s --board '%s' --tee socket:%s", bin,
		 rpt_source_path("boards/vstm32mp15-m4.dts"), sys.teed_sock);
	assert_int_equal(rprocd_exit(args, "in-process"), 1);
}

static int group_setup(void **state)
{
	(void)state;
	split_init(&sys, "iso");
	split_teed_start(&sys, TEE_BOARD, NULL, NULL);
	split_rprocd_start(&sys, TEE_BOARD);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	split_stop(&sys.rprocd);
	split_stop(&sys.teed);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_isolated),
		cmocka_unit_test(test_crash_recovered),
		cmocka_unit_test(test_tee_option),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
