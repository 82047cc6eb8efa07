// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd and rprocctl end to end, through their command lines only: the
 * shared vector boots through the TEE, its trace shows, a watchdog crash is
 * recovered, a tampered image is refused; every wrong command gets one clear
 * line and the documented exit code, and the daemon survives them all.
 */
#include <signal.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "common/safe_math.h"
#include "testutil.h"

static char sock[512], out_path[512], log_path[512];
static pid_t daemon_pid;

static int ctl(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int ctl(const char *fmt, ...)
{
	char words[4096], args[4096 + 600];
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

/* Exactly one line of output. */
static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && nl[1] == '\0';
}

static void start_daemon(void)
{
	struct stat st;
	int i;

	snprintf(sock, sizeof(sock), "%s/rprocd.sock", rpt_tmpdir());
	snprintf(out_path, sizeof(out_path), "%s/out.txt", rpt_tmpdir());
	snprintf(log_path, sizeof(log_path), "%s/rprocd.log", rpt_tmpdir());
	daemon_pid = fork();
	assert_true(daemon_pid >= 0);
	if (daemon_pid == 0) {
		freopen(log_path, "w", stderr);
		execl(rpt_binary_path("tools/rprocd/rprocd"), "rprocd", "--socket", sock, "--trust",
		      rpt_vector_path("keys/rsa2048.pub.pem"), (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && stat(sock, &st); i++)
		usleep(10 * 1000);
	assert_int_equal(stat(sock, &st), 0);
}

static void stop_daemon(void)
{
	int st;

	assert_int_equal(kill(daemon_pid, SIGTERM), 0);
	assert_int_equal(waitpid(daemon_pid, &st, 0), daemon_pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
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

static void test_vector_end_to_end(void **state)
{
	char tampered[600];
	size_t len;
	uint8_t *img;
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(ctl("remoteproc0 firmware %s",
			     rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_string_equal(output(), "running\n");
	assert_true(wait_output("remoteproc0 trace", "m4-demo: hello from the coprocessor", 5000));
	assert_int_equal(ctl("remoteproc0 resource-table"), 0);
	assert_non_null(strstr(output(), "vdev0buffer"));

	assert_int_equal(ctl("remoteproc0 crash watchdog"), 0);
	assert_true(wait_output("remoteproc0 state", "running", 5000));
	assert_true(wait_output("remoteproc0 trace", "hello from the coprocessor", 5000));
	assert_int_equal(ctl("remoteproc0 dump --out %s/core.elf", rpt_tmpdir()), 0);

	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_string_equal(output(), "offline\n");

	/* One code byte changed: refused, and the processor stays offline. */
	img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	/* The image starts after header, TLV area and signature padded to 8; code at 0x1000. */
	img[20 + get_le32(img + 8) + ((get_le32(img + 12) + 7) & ~7u) + 0x1000 + 0x10] ^= 0x01;
	snprintf(tampered, sizeof(tampered), "%s/tampered.sign", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(tampered, img, len, &err), 0);
	free(img);
	assert_int_equal(ctl("remoteproc0 firmware %s", tampered), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "remoteproc0"));
	assert_int_equal(ctl("remoteproc0 state"), 0);
	assert_string_equal(output(), "offline\n");
}

static void test_errors_have_one_line_and_exit_codes(void **state)
{
	static const struct {
		const char *args;
		int code;
		const char *needle;
	} cases[] = {
		{"", 2, "usage"},
		{"remoteproc0", 2, "usage"},
		{"remoteproc0 state jump", 2, "not start or stop"},
		{"remoteproc0 state stop", 1, "not running"},
		{"remoteproc0 recovery maybe", 2, "not enabled, disabled or recover"},
		{"remoteproc0 recovery recover", 1, "not crashed"},
		{"remoteproc0 coredump sometimes", 2, "not disabled, enabled or inline"},
		{"remoteproc0 trace x", 2, "not a trace number"},
		{"remoteproc0 trace 7", 1, "no trace7"},
		{"remoteproc0 crash meteor", 2, "not mmufault, watchdog or fatal"},
		{"remoteproc0 crash", 1, "not running"},
		{"remoteproc0 dump", 2, "dump --out"},
		{"remoteproc0 frobnicate", 2, "unknown command"},
		{"remoteproc0 state start now", 2, "too many arguments"},
		{"remoteproc9 state", 1, "no such remote processor"},
		{"remoteproc0 firmware /no/such/file.sign", 1, "No such file"},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int code = ctl("%s", cases[i].args);
		const char *o = output();

		if (code != cases[i].code || !strstr(o, cases[i].needle) ||
		    (cases[i].code != 2 && !one_line(o)))
			fail_msg("'%s': exit %d, output '%s'", cases[i].args, code, o);
	}
	/* The daemon survived all of them. */
	assert_int_equal(ctl("list"), 0);
	assert_non_null(strstr(output(), "remoteproc0"));
}

static void test_daemon_not_running(void **state)
{
	char saved[512];

	(void)state;
	snprintf(saved, sizeof(saved), "%s", sock);
	snprintf(sock, sizeof(sock), "%s/nobody-here.sock", rpt_tmpdir());
	assert_int_equal(ctl("list"), 1);
	assert_true(one_line(output()));
	assert_non_null(strstr(output(), "is rprocd running?"));
	snprintf(sock, sizeof(sock), "%s", saved);
}

static int setup(void **state)
{
	(void)state;
	start_daemon();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	stop_daemon();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_end_to_end),
		cmocka_unit_test(test_errors_have_one_line_and_exit_codes),
		cmocka_unit_test(test_daemon_not_running),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
