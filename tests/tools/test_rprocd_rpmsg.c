// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 14 end to end: the demo firmware's rpmsg channels through rprocd.
 * Its "rpmsg-tty" channel is a pseudo-terminal behind <dir>/ttyRPMSG0 that
 * standard tools use as a serial line (stty, printf, head, cat, pyserial,
 * picocom, screen); its "rpmsg-ping" channel a message socket <dir>/rpmsg0
 * and rprocctl's rpmsg list/send/recv. Stop, crash and recovery hang the tty up (a reader never
 * blocks forever) and the channels come back with the firmware.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "demo_sign.h"
#include "rprocd_fixture.h"
#include "testutil.h"

/* Generous: the machine is shared and loaded. */
#define WAIT_MS 20000

static pid_t daemon_pid;
static char tty[108], sock[108];

/* The daemon with the demo firmware running; its interfaces in the test's directory. */
static void start_running(void)
{
	const char *img = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));

	rpd_paths();
	snprintf(tty, sizeof(tty), "%s/ttyRPMSG0", rpt_tmpdir());
	snprintf(sock, sizeof(sock), "%s/rpmsg0", rpt_tmpdir());
	daemon_pid = rpd_start(rpd_log, NULL);
	assert_int_equal(ctl("remoteproc0 firmware %s", img), 0);
	assert_int_equal(ctl("remoteproc0 state start"), 0);
}

/*
 * After each test: a daemon a failed assertion left running goes, so that it
 * holds neither the output ctest waits on nor the next test's names.
 */
static int reap_daemon(void **state)
{
	(void)state;
	if (daemon_pid > 0 && waitpid(daemon_pid, NULL, WNOHANG) == 0) {
		kill(daemon_pid, SIGKILL);
		waitpid(daemon_pid, NULL, 0);
	}
	daemon_pid = 0;
	return 0;
}

/* Run a shell line in the interfaces' directory; output in rpd_out. */
static int sh(const char *line)
{
	char args[2048];

	snprintf(args, sizeof(args), "-c 'cd \"%s\" && %s'", rpt_tmpdir(), line);
	return rpt_run_capture(rpd_out, "/bin/sh", args);
}

/* The tty echoes what standard tools write: one line and raw binary bytes. */
static void assert_tty_echoes(void)
{
	assert_true(rpt_wait_path(tty, true, WAIT_MS));
	assert_int_equal(sh("stty -F ttyRPMSG0 raw -echo && printf \"hello\\n\" >ttyRPMSG0 && "
			    "timeout 20 head -c 6 ttyRPMSG0"),
			 0);
	assert_string_equal(rpt_captured(rpd_out), "hello\n");
}

/* fd reports hang-up within WAIT_MS: EOF or EIO, never a block. */
static void assert_hung_up(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	char buf[64];
	ssize_t n;
	int i;

	/* Echoes still buffered come first; then the end. */
	for (i = 0; i < 1000; i++) {
		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			break;
	}
	assert_true(n == 0 || (n < 0 && (errno == EIO || errno == ECONNRESET)));
}

static void test_tty_with_standard_tools(void **state)
{
	char line[700];

	(void)state;
	start_running();
	assert_tty_echoes();
	/* `echo hello > ttyRPMSG0` then `cat ttyRPMSG0`, as ST's examples do. */
	assert_int_equal(
		sh(": >cat.out && echo hello >ttyRPMSG0 && { cat ttyRPMSG0 >cat.out & } && "
		   "for i in $(seq 2000); do [ $(wc -c <cat.out) -ge 6 ] && break; "
		   "sleep 0.01; done; kill $! && cat cat.out"),
		0);
	assert_string_equal(rpt_captured(rpd_out), "hello\n");
	/* Binary bytes go through unchanged (raw: no CR/LF translation, no control characters). */
	assert_int_equal(sh("printf \"a\\r\\003\\377z\" >ttyRPMSG0 && timeout 20 head -c 5 "
			    "ttyRPMSG0 | od -An -tx1"),
			 0);
	assert_non_null(strstr(rpt_captured(rpd_out), "61 0d 03 ff 7a"));
	/* A line longer than one message (496 bytes) arrives whole. */
	assert_int_equal(sh("head -c 1500 /dev/zero | tr \"\\\\0\" x >ttyRPMSG0 && "
			    "timeout 20 head -c 1500 ttyRPMSG0 | wc -c"),
			 0);
	assert_int_equal(atoi(rpt_captured(rpd_out)), 1500);
	/*
	 * 30000 random bytes (61 messages) and their echo, byte for byte: nothing
	 * lost, nothing changed (within what the pty and the queue hold for a
	 * reader that starts late on a loaded machine).
	 */
	assert_int_equal(sh("head -c 30000 /dev/urandom >big && "
			    "{ timeout 60 head -c 30000 ttyRPMSG0 >back & } && "
			    "cat big >ttyRPMSG0 && wait && cmp big back && echo same"),
			 0);
	assert_string_equal(rpt_captured(rpd_out), "same\n");
	/* Python's serial module (Debian's python3-serial, for Debian's python3). */
	snprintf(line, sizeof(line), "/usr/bin/python3 %s ttyRPMSG0",
		 rpt_source_path("tests/tools/rpmsg_pyserial.py"));
	assert_int_equal(sh(line), 0);
	assert_string_equal(rpt_captured(rpd_out), "pyserial\n");
	rpd_stop(daemon_pid);
	/* The daemon gone: its link too. */
	assert_true(rpt_wait_path(tty, false, WAIT_MS));
}

/* A shell line that must succeed; its output shown when it does not. */
static void sh_ok(const char *line)
{
	if (sh(line))
		fail_msg("`%s` failed:\n%s", line, rpt_captured(rpd_out));
}

/* An interactive program (picocom, screen) on ttyRPMSG0: tests/tools/rpmsg_terminal.py. */
static void terminal(const char *prog_args)
{
	char line[700];

	snprintf(line, sizeof(line), "/usr/bin/python3 %s %s",
		 rpt_source_path("tests/tools/rpmsg_terminal.py"), prog_args);
	sh_ok(line);
	assert_string_equal(rpt_captured(rpd_out), "echoed, exit 0\n");
}

/* Left by the last program as a plain `echo >` and `head` still use it: no stty first. */
static void assert_tty_still_echoes(void)
{
	sh_ok("printf \"again\\n\" >ttyRPMSG0 && timeout 20 head -c 6 ttyRPMSG0");
	assert_string_equal(rpt_captured(rpd_out), "again\n");
}

/*
 * picocom and screen as users type them on a board (`picocom
 * /dev/ttyRPMSG0`, `screen /dev/ttyRPMSG0 115200`): a typed line comes back
 * on their screen, their own way out ends them with status 0, and the tty is
 * anyone's again afterwards (screen leaves it exclusive: TIOCEXCL).
 */
static void test_tty_with_picocom_and_screen(void **state)
{
	int fd, excl = 1, i;

	(void)state;
	start_running();
	assert_true(rpt_wait_path(tty, true, WAIT_MS));
	terminal("picocom ttyRPMSG0");
	assert_tty_still_echoes();
	/* A baud rate is a pty's to accept (and ignore). */
	terminal("picocom ttyRPMSG0 -b 115200");
	assert_tty_still_echoes();
	terminal("screen ttyRPMSG0 115200");
	fd = open(tty, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	for (i = 0; i < WAIT_MS / 10 && excl; i++) {
		assert_int_equal(ioctl(fd, TIOCGEXCL, &excl), 0);
		if (excl)
			usleep(10 * 1000);
	}
	close(fd);
	assert_int_equal(excl, 0);
	assert_tty_still_echoes();
	/* And once more: screen again, then picocom after it. */
	terminal("screen ttyRPMSG0 115200");
	terminal("picocom ttyRPMSG0 -b 115200");
	assert_tty_still_echoes();
	rpd_stop(daemon_pid);
	assert_true(rpt_wait_path(tty, false, WAIT_MS));
}

static void test_list_send_recv(void **state)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[600], user[108];
	const char *line;
	unsigned int ping;
	int fd;

	(void)state;
	start_running();
	assert_true(rpt_wait_path(sock, true, WAIT_MS));
	assert_true(rpt_wait_path(tty, true, WAIT_MS));
	assert_int_equal(ctl("remoteproc0 rpmsg list"), 0);
	assert_non_null(strstr(output(), "CHANNEL"));
	assert_non_null(strstr(output(), "rpmsg-tty"));
	assert_non_null(strstr(output(), tty));
	assert_non_null(strstr(output(), "rpmsg-ping"));
	assert_non_null(strstr(output(), sock));

	assert_int_equal(ctl("remoteproc0 rpmsg send rpmsg-ping 'ping 1'"), 0);
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout 20000"), 0);
	assert_string_equal(output(), "ping 1");
	/* Nothing more: exit 1, one line naming the processor. */
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout 100"), 1);
	assert_string_equal(output(),
			    "remoteproc0: rpmsg recv rpmsg-ping: nothing received in 100 ms\n");
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-tty --timeout 100"), 1);
	assert_int_equal(ctl("remoteproc0 rpmsg send no-such-channel x"), 1);
	assert_non_null(strstr(output(), "remoteproc0: rpmsg send no-such-channel: no rpmsg"));
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout soon"), 2);
	assert_int_equal(ctl("remoteproc0 rpmsg send rpmsg-ping"), 2);
	assert_int_equal(ctl("remoteproc0 rpmsg bogus"), 2);
	/* Sent through the tty channel: the echo goes to the terminal. */
	assert_int_equal(ctl("remoteproc0 rpmsg send ttyRPMSG0 via-ctl"), 0);
	assert_int_equal(sh("timeout 20 head -c 7 ttyRPMSG0"), 0);
	assert_string_equal(rpt_captured(rpd_out), "via-ctl");

	/* The message socket: one message per read/write. */
	assert_true(strlen(sock) < sizeof(sa.sun_path));
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, "one", 3, 0), 3);
	assert_int_equal(send(fd, "two!", 4, 0), 4);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 3);
	assert_memory_equal(buf, "one", 3);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "two!", 4);
	memset(buf, 'p', sizeof(buf));
	assert_int_equal(send(fd, buf, 496, 0), 496);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 496);
	close(fd);

	/*
	 * A user endpoint (rpmsg create, as RPMSG_CREATE_EPT_IOCTL) to the
	 * firmware's ping address, read from the list: its own socket, its own
	 * address, the echo comes back to it.
	 */
	assert_int_equal(ctl("remoteproc0 rpmsg list"), 0);
	line = strstr(output(), "rpmsg-ping");
	assert_non_null(line);
	assert_int_equal(sscanf(line, "rpmsg-ping %x", &ping), 1);
	assert_int_equal(ctl("remoteproc0 rpmsg create my-ept 0x%x", ping), 0);
	snprintf(user, sizeof(user), "%s/rpmsg1\n", rpt_tmpdir());
	assert_string_equal(output(), user);
	user[strlen(user) - 1] = '\0';
	fd = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	assert_true(fd >= 0);
	memcpy(sa.sun_path, user, strlen(user) + 1);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(send(fd, "mine", 4, 0), 4);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 4);
	assert_memory_equal(buf, "mine", 4);
	assert_int_equal(ctl("remoteproc0 rpmsg destroy rpmsg-ping"), 1);
	assert_int_equal(ctl("remoteproc0 rpmsg destroy my-ept"), 0);
	assert_hung_up(fd);
	close(fd);
	assert_true(access(user, F_OK) && errno == ENOENT);
	rpd_stop(daemon_pid);
}

static void test_stop_crash_recovery_hang_up_and_come_back(void **state)
{
	int fd;

	(void)state;
	start_running();
	assert_tty_echoes();

	/* Stop: the reader hangs up, the link is gone when stop returns. */
	fd = open(tty, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(ctl("remoteproc0 state stop"), 0);
	assert_true(access(tty, F_OK) && errno == ENOENT);
	assert_true(access(sock, F_OK) && errno == ENOENT);
	assert_hung_up(fd);
	close(fd);
	assert_int_equal(ctl("remoteproc0 rpmsg list"), 0);
	assert_null(strstr(output(), "rpmsg-tty"));
	/* A reader started now finds nothing to wait on (no link), the shell says so. */
	assert_true(sh("timeout 20 cat ttyRPMSG0") != 0);

	/* Start: announced again, the same names. */
	assert_int_equal(ctl("remoteproc0 state start"), 0);
	assert_tty_echoes();
	assert_true(rpt_wait_path(sock, true, WAIT_MS));

	/* Crash with recovery: hang-up, then back with the recovered firmware. */
	fd = open(tty, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(ctl("remoteproc0 crash watchdog"), 0);
	assert_hung_up(fd);
	close(fd);
	assert_true(wait_output("remoteproc0 state", "running", WAIT_MS));
	assert_tty_echoes();
	assert_int_equal(ctl("remoteproc0 rpmsg send rpmsg-ping back"), 0);
	assert_int_equal(ctl("remoteproc0 rpmsg recv rpmsg-ping --timeout 20000"), 0);
	assert_string_equal(output(), "back");
	assert_true(log_count("ttyRPMSG0 hung up") >= 2);
	rpd_stop(daemon_pid);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_tty_with_standard_tools, reap_daemon),
		cmocka_unit_test_teardown(test_tty_with_picocom_and_screen, reap_daemon),
		cmocka_unit_test_teardown(test_list_send_recv, reap_daemon),
		cmocka_unit_test_teardown(test_stop_crash_recovery_hang_up_and_come_back,
					  reap_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
