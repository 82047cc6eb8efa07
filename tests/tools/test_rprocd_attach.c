// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd + rprocctl as a Linux remoteproc user drives them, for what the
 * board decides at start-up (the shipped TEE board with properties added):
 *  - rproc,boot-loader-firmware: the boot loader started the firmware before
 *    rprocd: it shows "attached", its table and trace are read from memory,
 *    "state detach" lets go (the firmware hears it on the detach channel and
 *    runs on), "state start" attaches again, "state stop" stops it;
 *  - st,auto-boot: rprocd boots the processor at start;
 *  - rproc,recovery-limit (and its default): a firmware that faults at reset
 *    is recovered N times, then stays "crashed" with one log line.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/file_io.h"
#include "demo_sign.h"
#include "rprocd_fixture.h"
#include "testutil.h"

#define HELLO	"rproc-demo: hello from the coprocessor"
#define WAIT_MS 20000

static char fw_dir[512];
static pid_t daemon_pid;

/* Our firmware `elf` (build-relative), signed with the demo key, as rproc-m4-fw in fw_dir. */
static void install_default_firmware(const char *elf)
{
	struct rpt_error err = {0};
	char path[600];
	uint8_t *img;
	size_t len;

	img = rpt_slurp(rpt_sign_with_demo_key(rpt_binary_path(elf)), &len);
	snprintf(path, sizeof(path), "%s/rproc-m4-fw", fw_dir);
	assert_int_equal(rpt_write_file_atomic(path, img, len, &err), 0);
	free(img);
}

static void start_daemon(const char *board)
{
	daemon_pid = rpd_start(
		rpd_log, (const char *const[]){"--board", board, "--firmware-dir", fw_dir, NULL});
}

static void stop_daemon(void)
{
	rpd_stop(daemon_pid);
}

static void assert_state(const char *want)
{
	if (ctl("remoteproc0 state") || strcmp(output(), want))
		fail_msg("state: '%s', expected '%s'; rprocd log:\n%s", output(), want,
			 rpt_captured(rpd_log));
}

static void test_boot_loader_start_is_attached(void **state)
{
	char props[700];

	(void)state;
	snprintf(props, sizeof(props), "rproc,boot-loader-firmware = \"%s\";",
		 rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf")));
	start_daemon(board_with("bootloader", props, ""));
	/* cat state: the boot loader's firmware runs, we attached to it. */
	assert_state("attached\n");
	assert_int_equal(log_count("already runs a firmware the TEE loaded"), 1);
	assert_int_equal(log_count("Booting fw image"), 0);
	/* Its resource table and trace are read from the running firmware's memory. */
	assert_int_equal(ctl("remoteproc0 resource-table"), 0);
	assert_non_null(strstr(output(), "vdev0buffer"));
	assert_true(wait_output("remoteproc0 trace", HELLO, WAIT_MS));
	/* rpmsg to the firmware we attached to. */
	assert_true(wait_output("remoteproc0 rpmsg list", "rpmsg-ping", WAIT_MS));
	assert_int_equal(ctl("remoteproc0 rpmsg send rpmsg-ping 'ping 1'"), 0);
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout 20000"), 0);
	assert_string_equal(output(), "ping 1");

	/* echo detach > state: it runs on without us. */
	assert_int_equal(ctl("remoteproc0 state detach"), 0);
	assert_string_equal(output(), "detached\n");
	assert_state("detached\n");
	assert_int_equal(ctl("remoteproc0 trace"), 1);
	assert_int_equal(ctl("remoteproc0 state detach"), 1);
	assert_non_null(strstr(output(), "remoteproc0: detach: not attached (state detached)"));
	/* echo start > state: attached again, not re-loaded; it heard the detach request. */
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "attached\n");
	assert_int_equal(log_count("Booting fw image"), 0);
	assert_true(
		wait_output("remoteproc0 trace", "rproc-demo: host detached, running on", WAIT_MS));
	/* Its channels again, as after a restart: the bus starts afresh. */
	assert_true(wait_output("remoteproc0 rpmsg list", "rpmsg-ping", WAIT_MS));
	assert_int_equal(ctl("remoteproc0 rpmsg send rpmsg-ping 'ping 2'"), 0);
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout 20000"), 0);
	assert_string_equal(output(), "ping 2");

	/* echo stop > state: stopped and released like a firmware we booted. */
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");
	assert_state("offline\n");
	assert_int_equal(ctl("remoteproc0 state detach"), 1);
	stop_daemon();
}

/* A boot loader that cannot start its image leaves the core off; the system comes up. */
static void test_boot_loader_failure_leaves_it_offline(void **state)
{
	char props[700];

	(void)state;
	/* The plain ELF: not a signed image, the TA refuses it. */
	snprintf(props, sizeof(props), "rproc,boot-loader-firmware = \"%s\";",
		 rpt_binary_path("firmware/rproc-demo.elf"));
	start_daemon(board_with("bootloader-bad", props, ""));
	assert_state("offline\n");
	assert_int_equal(log_count("boot loader: m4: starting"), 1);
	assert_int_equal(log_count("left offline"), 1);
	stop_daemon();
}

static void test_auto_boot(void **state)
{
	(void)state;
	install_default_firmware("firmware/rproc-demo.elf");
	start_daemon(board_with("autoboot", "st,auto-boot;", ""));
	/* Booted by rprocd at start, with its default firmware name. */
	assert_state("running\n");
	assert_true(wait_output("remoteproc0 trace", HELLO, WAIT_MS));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	stop_daemon();

	/* Without st,auto-boot it waits for "state start". */
	start_daemon(board_with("no-autoboot", "", ""));
	assert_state("offline\n");
	stop_daemon();
}

/* A firmware that faults at reset: recovered `limit` times, then crashed for good. */
static void crash_loop(const char *board, unsigned int limit, const char *line)
{
	char loop_line[200];
	int ms;

	install_default_firmware("firmware/rproc-demo-faulty.elf");
	start_daemon(board);
	ctl("remoteproc0 state start");
	for (ms = WAIT_MS; ms > 0 && !log_count("crash loop"); ms -= 20)
		usleep(20 * 1000);
	if (!log_count("crash loop"))
		fail_msg("no crash-loop limit in %d ms; rprocd log:\n%s", WAIT_MS,
			 rpt_captured(rpd_log));
	snprintf(loop_line, sizeof(loop_line), "remoteproc0: m4 crashed again after %s", line);
	assert_int_equal(log_count(loop_line), 1);
	assert_state("crashed\n");
	/* It stays so: no more recovery, no more line. */
	usleep(300 * 1000);
	assert_state("crashed\n");
	assert_int_equal(log_count("crash loop"), 1);
	assert_int_equal(log_count("recovering m4"), limit);
	assert_int_equal(log_count("handling crash #"), limit + 1);
	/* echo stop > state works from crashed. */
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");
	stop_daemon();
}

static void test_crash_loop_limit_from_board(void **state)
{
	(void)state;
	crash_loop(board_with("limit", "rproc,recovery-limit = <3 60000>;", ""), 3,
		   "3 recoveries within 60000 ms: crash loop, recovery stopped");
}

static void test_crash_loop_default_limit(void **state)
{
	(void)state;
	crash_loop(board_with("default-limit", "", ""), 10,
		   "10 recoveries within 60000 ms: crash loop, recovery stopped");
}

static int setup(void **state)
{
	(void)state;
	rpd_paths();
	snprintf(fw_dir, sizeof(fw_dir), "%s/fw", rpt_tmpdir());
	mkdir(fw_dir, 0700);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_loader_start_is_attached),
		cmocka_unit_test(test_boot_loader_failure_leaves_it_offline),
		cmocka_unit_test(test_auto_boot),
		cmocka_unit_test(test_crash_loop_limit_from_board),
		cmocka_unit_test(test_crash_loop_default_limit),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
