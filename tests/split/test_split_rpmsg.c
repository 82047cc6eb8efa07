// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 14 with the secure world in rproc-teed (--tee socket:PATH): the
 * vrings and buffers are shared memories and the kicks cross the hardware
 * channel, yet users see the same interfaces: the rpmsg-tty channel's
 * ttyRPMSG0 used by standard tools, rpmsg-ping through rprocctl, hang-up at
 * stop and the channels back at start.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "demo_sign.h"
#include "split_fixture.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define WAIT_MS	  20000 /* generous: the machine is shared and loaded */

/* printf to the tty, the echo read back with head, in the interfaces' directory. */
static void assert_tty_echoes(const char *tty)
{
	char out[600], args[1024];

	assert_true(rpt_wait_path(tty, true, WAIT_MS));
	snprintf(out, sizeof(out), "%s/sh.out", rpt_tmpdir());
	snprintf(args, sizeof(args),
		 "-c 'stty -F \"%s\" raw -echo && printf \"split\\n\" >\"%s\" && "
		 "timeout 20 head -c 6 \"%s\"'",
		 tty, tty, tty);
	assert_int_equal(rpt_run_capture(out, "/bin/sh", args), 0);
	assert_string_equal(rpt_captured(out), "split\n");
}

static void test_split_rpmsg(void **state)
{
	const char *img = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));
	struct pollfd pfd;
	struct split sys;
	char tty[300], buf[64];
	ssize_t n;
	int fd, i;

	(void)state;
	split_init(&sys, "rpmsg");
	snprintf(tty, sizeof(tty), "%s/ttyRPMSG0", rpt_tmpdir());
	split_teed_start(&sys, TEE_BOARD, NULL, NULL);
	split_rprocd_start(&sys, TEE_BOARD);
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s", img), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_tty_echoes(tty);
	assert_int_equal(split_ctl(&sys, "remoteproc0 rpmsg send rpmsg-ping split-ping"), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 rpmsg recv rpmsg-ping --timeout 20000"), 0);
	assert_string_equal(split_out(), "split-ping");

	/* Stop: the reader hangs up (EOF/EIO, never a block), the link goes; start: back. */
	fd = open(tty, O_RDWR | O_NOCTTY);
	assert_true(fd >= 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	assert_true(access(tty, F_OK) && errno == ENOENT);
	pfd = (struct pollfd){.fd = fd, .events = POLLIN};
	for (i = 0, n = 1; i < 1000 && n > 0; i++) {
		assert_int_equal(poll(&pfd, 1, WAIT_MS), 1);
		n = read(fd, buf, sizeof(buf));
	}
	assert_true(n == 0 || (n < 0 && errno == EIO));
	close(fd);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_tty_echoes(tty);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	split_stop(&sys.rprocd);
	split_stop(&sys.teed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_rpmsg),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
