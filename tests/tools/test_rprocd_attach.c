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
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "demo_sign.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define COMPAT	  "compatible = \"st,stm32mp1-m4-tee\";"
#define HELLO	  "rproc-demo: hello from the coprocessor"
#define WAIT_MS	  20000

static char sock[512], out_path[512], log_path[512], fw_dir[512];
static pid_t daemon_pid;

static int ctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ctl(const char *fmt, ...)
{
	char words[1024], args[1024 + 600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(words, sizeof(words), fmt, ap);
	va_end(ap);
	snprintf(args, sizeof(args), "--socket '%s' %s", sock, words);
	return rpt_run_capture(out_path, rpt_binary_path("tools/rprocctl/rprocctl"), args);
}

static const char *output(void)
{
	return rpt_captured(out_path);
}

static bool wait_output(const char *cmd, const char *needle, int ms)
{
	for (; ms > 0; ms -= 20) {
		if (ctl("%s", cmd) == 0 && strstr(output(), needle))
			return true;
		usleep(20 * 1000);
	}
	return false;
}

/* s with every `from` replaced by `to` (malloc'ed); `from` must occur. */
static char *replace_all(const char *s, const char *from, const char *to)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	const char *p;
	char *out, *o;

	for (p = strstr(s, from); p; p = strstr(p + fl, from))
		n++;
	assert_true(n > 0);
	out = malloc(strlen(s) + n * tl + 1);
	assert_non_null(out);
	for (o = out, p = s;;) {
		const char *hit = strstr(p, from);

		if (!hit)
			break;
		memcpy(o, p, (size_t)(hit - p));
		o += hit - p;
		memcpy(o, to, tl);
		o += tl;
		p = hit + fl;
	}
	strcpy(o, p);
	return out;
}

/*
 * The shipped TEE board (with ST's "detach" mailbox channel) with `props`
 * added to the coprocessor node, written to the test's directory: its
 * relative paths made absolute. Returns the file's path.
 */
static const char *board_with(const char *name, const char *props)
{
	static char path[512];
	char src_dir[600], *text, *t1, *t2, with[1024];
	struct rpt_error err = {0};
	size_t len;

	text = (char *)rpt_slurp(rpt_source_path(TEE_BOARD), &len);
	text = realloc(text, len + 1);
	assert_non_null(text);
	text[len] = '\0';
	snprintf(src_dir, sizeof(src_dir), "\"%s/../", rpt_source_path("boards"));
	t1 = replace_all(text, "\"../", src_dir);
	snprintf(with, sizeof(with), "%s\n%s", COMPAT, props);
	t2 = replace_all(t1, COMPAT, with);
	snprintf(path, sizeof(path), "%s/%s.dts", rpt_tmpdir(), name);
	assert_int_equal(rpt_write_file_atomic(path, t2, strlen(t2), &err), 0);
	free(text);
	free(t1);
	free(t2);
	return path;
}

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
	struct stat st;
	int i;

	unlink(sock);
	daemon_pid = fork();
	assert_true(daemon_pid >= 0);
	if (daemon_pid == 0) {
		if (!freopen(log_path, "w", stderr))
			_exit(126);
		execl(rpt_binary_path("tools/rprocd/rprocd"), "rprocd", "--socket", sock, "--board",
		      board, "--firmware-dir", fw_dir, (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 1000 && stat(sock, &st); i++)
		usleep(10 * 1000);
	if (stat(sock, &st))
		fail_msg("rprocd did not listen; its log:\n%s", rpt_captured(log_path));
}

static void stop_daemon(void)
{
	int st;

	assert_int_equal(kill(daemon_pid, SIGTERM), 0);
	assert_int_equal(waitpid(daemon_pid, &st, 0), daemon_pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* Lines of the daemon's log holding needle. */
static unsigned int log_count(const char *needle)
{
	const char *p = rpt_captured(log_path);
	unsigned int n = 0;

	for (p = strstr(p, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void assert_state(const char *want)
{
	if (ctl("remoteproc0 state") || strcmp(output(), want))
		fail_msg("state: '%s', expected '%s'; rprocd log:\n%s", output(), want,
			 rpt_captured(log_path));
}

static void test_boot_loader_start_is_attached(void **state)
{
	char props[700];

	(void)state;
	snprintf(props, sizeof(props), "rproc,boot-loader-firmware = \"%s\";",
		 rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf")));
	start_daemon(board_with("bootloader", props));
	/* cat state: the boot loader's firmware runs, we attached to it. */
	assert_state("attached\n");
	assert_int_equal(log_count("already runs a firmware the TEE loaded"), 1);
	assert_int_equal(log_count("Booting fw image"), 0);
	/* Its resource table and trace are read from the running firmware's memory. */
	assert_int_equal(ctl("remoteproc0 resource-table"), 0);
	assert_non_null(strstr(output(), "vdev0buffer"));
	assert_true(wait_output("remoteproc0 trace", HELLO, WAIT_MS));

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
	start_daemon(board_with("bootloader-bad", props));
	assert_state("offline\n");
	assert_int_equal(log_count("boot loader: m4: starting"), 1);
	assert_int_equal(log_count("left offline"), 1);
	stop_daemon();
}

static void test_auto_boot(void **state)
{
	(void)state;
	install_default_firmware("firmware/rproc-demo.elf");
	start_daemon(board_with("autoboot", "st,auto-boot;"));
	/* Booted by rprocd at start, with its default firmware name. */
	assert_state("running\n");
	assert_true(wait_output("remoteproc0 trace", HELLO, WAIT_MS));
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	stop_daemon();

	/* Without st,auto-boot it waits for "state start". */
	start_daemon(board_with("no-autoboot", ""));
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
			 rpt_captured(log_path));
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
	crash_loop(board_with("limit", "rproc,recovery-limit = <3 60000>;"), 3,
		   "3 recoveries within 60000 ms: crash loop, recovery stopped");
}

static void test_crash_loop_default_limit(void **state)
{
	(void)state;
	crash_loop(board_with("default-limit", ""), 10,
		   "10 recoveries within 60000 ms: crash loop, recovery stopped");
}

static int setup(void **state)
{
	(void)state;
	snprintf(sock, sizeof(sock), "%s/rprocd.sock", rpt_tmpdir());
	snprintf(out_path, sizeof(out_path), "%s/out.txt", rpt_tmpdir());
	snprintf(log_path, sizeof(log_path), "%s/rprocd.log", rpt_tmpdir());
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
