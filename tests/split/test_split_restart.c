// SPDX-License-Identifier: BSD-2-Clause
/*
 * rprocd killed (SIGKILL) while rproc-teed keeps the firmware (issue 11 item
 * 6), then restarted, as a Linux user would see it through rprocctl:
 *  - a firmware that runs is attached to: state "attached", its resource
 *    table and trace read from memory, "state stop" stops it and the TA is
 *    free for the next image;
 *  - a firmware that crashed meanwhile is not "attached": rproc-teed replays
 *    the crash when rprocd subscribes, and remoteproc handles it;
 *  - an image the TA holds loaded but never started is released: state
 *    "offline", and another image then boots (the TA would otherwise answer
 *    BAD_STATE for a different image).
 * In-process (--tee inproc) the secure world dies with rprocd: nothing to
 * learn there, each start is a cold boot.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo_sign.h"
#include "normal/tee_client/tee_client.h"
#include "normal/tee_client/tee_hwchan.h"
#include "normal/tee_client/tee_socket.h"
#include "split_fixture.h"
#include "testutil.h"

#define TEE_BOARD    "boards/vstm32mp15-m4-tee.dts"
#define VECTOR	     "isolated/signed/m4-demo.rsa2048.sign"
#define OUR_GREETING "rproc-demo: hello from the coprocessor"

static struct split sys;

/* The TA is free again: the shared vector boots and stops; then both daemons go. */
static void boot_vector_and_end(void)
{
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s", rpt_vector_path(VECTOR)), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_string_equal(split_out(), "running\n");
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	split_stop(&sys.rprocd);
	split_stop(&sys.teed);
}

static void test_kill_while_running_then_attach(void **state)
{
	const char *ours = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));

	(void)state;
	split_init(&sys, "restart-run");
	split_teed_start(&sys, TEE_BOARD, NULL, NULL);
	split_rprocd_start(&sys, TEE_BOARD);
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s", ours), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", OUR_GREETING, 10000));

	split_kill(&sys.rprocd);
	/* The dead daemon's socket file stays: the wait must see the new one's. */
	unlink(sys.ctl_sock);
	split_rprocd_start(&sys, TEE_BOARD);
	if (split_ctl(&sys, "remoteproc0 state") || strcmp(split_out(), "attached\n"))
		fail_msg("state after the restart: %s\nrprocd log:\n%s", split_out(),
			 split_log(&sys.rprocd));
	/* The table and the trace come from the running firmware's memory. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 resource-table"), 0);
	assert_non_null(strstr(split_out(), "vdev0buffer"));
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", OUR_GREETING, 10000));
	/* Detached and attached again; the firmware heard the detach request through rproc-teed. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 state detach"), 0);
	assert_string_equal(split_out(), "detached\n");
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	assert_string_equal(split_out(), "attached\n");
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", "rproc-demo: host detached", 10000));
	/* Stopped as in Linux: offline, and the TA released it. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	assert_string_equal(split_out(), "offline\n");
	boot_vector_and_end();
}

/* What a daemon killed between LOAD_FW and START_FW leaves in the TA. */
static void load_only(const char *image)
{
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS];
	struct rpt_error err = {0};
	struct tee_context ctx;
	struct tee_session sess;
	uint32_t origin = 0;
	uint8_t *img;
	size_t len;

	img = rpt_slurp(image, &len);
	assert_int_equal(tee_socket_init(&ctx, sys.teed_sock, &err), 0);
	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_open_session(&ctx, &uuid, p, &sess, &origin), TEE_SUCCESS);
	p[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	p[1].u.memref.buffer = img;
	p[1].u.memref.size = len;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_LOAD_FW, p, &origin), TEE_SUCCESS);
	tee_close_session(&sess);
	tee_finalize(&ctx);
	free(img);
}

/* The firmware crashes while no rprocd runs: the restarted one must not call it attached. */
static void test_crash_while_dead_is_not_attached(void **state)
{
	struct rpt_error err = {0};
	struct tee_context ctx;

	(void)state;
	split_init(&sys, "restart-crash");
	split_teed_start(&sys, TEE_BOARD, NULL, NULL);
	split_rprocd_start(&sys, TEE_BOARD);
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s", rpt_vector_path(VECTOR)), 0);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state start"), 0);
	split_kill(&sys.rprocd);
	/* The hardware faults meanwhile (the debug channel stands in for a real fault). */
	assert_int_equal(tee_socket_init(&ctx, sys.teed_sock, &err), 0);
	assert_int_equal(tee_hwchan_inject_crash(&ctx, 0, 2, &err), 0);
	tee_finalize(&ctx);
	assert_true(split_wait_log(&sys.teed, "coprocessor crashed", 10000));

	unlink(sys.ctl_sock);
	split_rprocd_start(&sys, TEE_BOARD);
	/* The crash reaches it on subscription: handled (recovered or given up), not running. */
	assert_true(split_wait_log(&sys.rprocd, "handling crash #1", 10000));
	/*
	 * Only now is the state what became of the crash: before the worker takes
	 * a reported crash the state reads "crashed", and recovery may then end
	 * offline. The worker logs the line above with the rproc lock held and
	 * keeps it to the end of the handling, so this read waits for that end.
	 */
	assert_int_equal(split_ctl(&sys, "remoteproc0 state"), 0);
	if (strcmp(split_out(), "offline\n") && strcmp(split_out(), "running\n") &&
	    strcmp(split_out(), "crashed\n"))
		fail_msg("state %s after the crash was handled\nrprocd log:\n%s", split_out(),
			 split_log(&sys.rprocd));
	/* Whatever became of it, the user can go on: stop if needed, then boot. */
	if (!strcmp(split_out(), "crashed\n") || !strcmp(split_out(), "running\n"))
		assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	boot_vector_and_end();
}

static void test_loaded_but_stopped_is_released(void **state)
{
	const char *ours = rpt_sign_with_demo_key(rpt_binary_path("firmware/rproc-demo.elf"));

	(void)state;
	split_init(&sys, "restart-load");
	split_teed_start(&sys, TEE_BOARD, NULL, NULL);
	load_only(rpt_vector_path(VECTOR));
	split_rprocd_start(&sys, TEE_BOARD);
	assert_int_equal(split_ctl(&sys, "remoteproc0 state"), 0);
	assert_string_equal(split_out(), "offline\n");
	/* A different image boots: the one left loaded was released, not kept. */
	assert_int_equal(split_ctl(&sys, "remoteproc0 firmware %s", ours), 0);
	if (split_ctl(&sys, "remoteproc0 state start"))
		fail_msg("start: %s\nrprocd log:\n%s", split_out(), split_log(&sys.rprocd));
	assert_string_equal(split_out(), "running\n");
	assert_true(split_wait_ctl(&sys, "remoteproc0 trace", "rproc-demo: hello", 10000));
	assert_int_equal(split_ctl(&sys, "remoteproc0 state stop"), 0);
	split_stop(&sys.rprocd);
	split_stop(&sys.teed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_while_running_then_attach),
		cmocka_unit_test(test_crash_while_dead_is_not_attached),
		cmocka_unit_test(test_loaded_but_stopped_is_released),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
