// SPDX-License-Identifier: BSD-2-Clause
/*
 * The whole chain through the library API (no daemon): board file -> secure
 * world -> alternate boot -> real Cortex-M firmware on the emulated core, and
 * the direct-ELF path, crashes, recovery, watchdog and coredumps.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/file_io.h"
#include "coproc/coproc.h"
#include "normal/drivers/stm32_ipcc.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "demo_sign.h"
#include "sys_fixture.h"
#include "testutil.h"

#define TEE_BOARD "boards/vstm32mp15-m4-tee.dts"
#define ELF_BOARD "boards/vstm32mp15-m4.dts"
#define M33_BOARD "boards/vstm32mp25-m33-tee.dts"
/* The one board of the older vectors (mcuram2 shared, legacy-layout). */
#define LEGACY_BOARD "boards/vstm32mp15-m4-tee-legacy.dts"
#define GREETING     "m4-demo: hello from the coprocessor"
#define OUR_HELLO    "rproc-demo: hello from the coprocessor"

static char fw_dir[4096];

static const char *fw(const char *name)
{
	static char path[8][4096 + 256];
	static int next;
	char *p = path[next++ % 8];

	snprintf(p, sizeof(path[0]), "%s/%s", fw_dir, name);
	return p;
}

/* One of our firmware ELFs, signed with the demo key. */
static const char *signed_fw(const char *elf_name)
{
	return rpt_sign_with_demo_key(fw(elf_name));
}

/* Where the running firmware's table puts its trace buffer. */
static int find_trace(void *ctx, unsigned int idx, uint32_t type, void *body, size_t len)
{
	(void)idx;
	if (type == RSC_TRACE && len >= sizeof(struct fw_rsc_trace))
		*(uint32_t *)ctx = ((struct fw_rsc_trace *)body)->da;
	return 0;
}

static uint32_t trace_da(struct sys *s)
{
	uint32_t da = 0;
	void *table;
	size_t len;

	assert_int_equal(rproc_get_rsc_table(s->rp, &table, &len), 0);
	assert_int_equal(rsc_table_for_each(table, len, find_trace, &da), 0);
	free(table);
	assert_int_not_equal(da, 0);
	return da;
}

static void vector_boots(const char *board, const char *vector, bool legacy)
{
	struct sys *s = sys_up(board, "keys/rsa2048.pub.pem");

	assert_true(s->rp->alt_boot);
	sys_boot(s, rpt_vector_path(vector));
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_true(sys_wait_trace(s, GREETING, 5000));
	/* Only the board that declares the legacy layout starts it, and says so. */
	assert_int_equal(sys_logged(s, "WARNING: legacy layout"), legacy);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	sys_down(s);
}

static void test_vector_boots_through_the_tee(void **state)
{
	(void)state;
	vector_boots(TEE_BOARD, "isolated/signed/m4-demo.rsa2048.sign", false);
	vector_boots(LEGACY_BOARD, "signed/m4-demo.rsa2048.sign", true);
}

static void test_untrusted_image_refused(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL); /* trusts only the demo key */
	char why[RPT_ERROR_MSG_MAX];

	(void)state;
	assert_int_equal(
		rproc_set_firmware(s->rp, rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign")),
		0);
	assert_int_not_equal(rproc_boot(s->rp), 0);
	rproc_last_error(s->rp, why, sizeof(why));
	/* The TA's reason, as the TA wrote it. */
	assert_non_null(strstr(why, "TEE_ERROR_SIGNATURE_INVALID: rproc 0: signature: RSA signature "
				    "does not verify with any of the 1 trusted key"));
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	sys_down(s);
}

static void vector_elf_boots_directly(const char *vector)
{
	struct sys *s = sys_up(ELF_BOARD, NULL);

	assert_false(s->rp->alt_boot);
	sys_boot(s, rpt_vector_path(vector));
	assert_true(sys_wait_trace(s, GREETING, 5000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

/* The direct-ELF board has no secure memory: both layouts run there. */
static void test_vector_elf_boots_directly(void **state)
{
	(void)state;
	vector_elf_boots_directly("elf/m4-demo.elf");
	vector_elf_boots_directly("isolated/elf/m4-demo.elf");
}

static void test_two_image_firmware_on_m33(void **state)
{
	struct sys *s = sys_up(M33_BOARD, "keys/rsa2048.pub.pem");

	(void)state;
	sys_boot(s, rpt_vector_path("isolated/signed/multi.rsa2048.sign"));
	/* The secure image at 0x0 boots first and hands over: the non-secure greeting shows. */
	assert_true(sys_wait_trace(s, GREETING, 5000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

static void test_demo_firmware_greets_beats_and_acks(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);

	(void)state;
	sys_boot(s, fw("rproc-demo.sign"));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	assert_true(sys_wait_trace(s, "rproc-demo: heartbeat 2", 5000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_false(sys_logged(s, "not acknowledged"));
	sys_down(s);
}

static void test_no_ack_is_stopped_after_timeout(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);

	(void)state;
	sys_boot(s, signed_fw("rproc-demo-noack.elf"));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_true(sys_logged(s, "shutdown not acknowledged in 500 ms, forcing stop"));
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	sys_down(s);
}

/* The vring addresses of the table in use. */
static void vrings(struct rproc *rp, uint32_t da[2])
{
	size_t len;
	void *t;
	const struct resource_table *rt;
	unsigned int i;

	assert_int_equal(rproc_get_rsc_table(rp, &t, &len), 0);
	rt = t;
	da[0] = da[1] = 0;
	for (i = 0; i < rt->num; i++) {
		const struct fw_rsc_hdr *h = (const void *)((const uint8_t *)t + rt->offset[i]);

		if (h->type == RSC_VDEV) {
			const struct fw_rsc_vdev *v = (const void *)h->data;

			da[0] = v->vring[0].da;
			da[1] = v->vring[1].da;
		}
	}
	free(t);
}

static void test_crash_recovery_keeps_vrings(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);
	struct rproc_stats st;
	uint32_t before[2], after[2];

	(void)state;
	sys_boot(s, fw("rproc-demo.sign"));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	vrings(s->rp, before);
	assert_int_not_equal(before[0], FW_RSC_ADDR_ANY);
	assert_int_equal(vboard_inject_crash(vboard_proc(s->vb, 0), RPROC_MMUFAULT), 0);
	assert_true(sys_wait_crashes(s, 1, 5000));
	assert_true(sys_wait_state(s, RPROC_RUNNING, 5000));
	rproc_get_stats(s->rp, &st);
	assert_int_equal(st.crashes, 1);
	assert_int_equal(st.recoveries, 1);
	vrings(s->rp, after);
	assert_memory_equal(before, after, sizeof(before));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

static void test_recovery_disabled_stays_crashed(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);

	(void)state;
	rproc_set_recovery(s->rp, false);
	sys_boot(s, fw("rproc-demo.sign"));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	/* A real bad access by the firmware, asked for through the mailbox. */
	assert_int_equal(stm32_ipcc_request_crash(vboard_proc_ipcc(vboard_proc(s->vb, 0))), 0);
	assert_true(sys_wait_state(s, RPROC_CRASHED, 5000));
	rproc_flush_crash_work(s->rp);
	usleep(100 * 1000);
	assert_int_equal(rproc_get_state(s->rp), RPROC_CRASHED);
	assert_true(sys_logged(s, "mmufault"));
	assert_int_equal(rproc_recover(s->rp), 0);
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

static void test_watchdog_not_refreshed_is_a_watchdog_crash(void **state)
{
	const char *board = sys_board_variant(ELF_BOARD, "rproc,id = <0>;",
					      "rproc,id = <0>;\n\t\trproc,watchdog-ms = <100>;");
	struct sys *s = sys_up(board, NULL);

	(void)state;
	rproc_set_recovery(s->rp, false);
	sys_boot(s, fw("rproc-demo-nowdg.elf"));
	assert_true(sys_wait_state(s, RPROC_CRASHED, 5000));
	rproc_flush_crash_work(s->rp);
	assert_true(sys_logged(s, "type watchdog"));
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);

	/* The same board with the firmware that refreshes it keeps running. */
	s = sys_up(board, NULL);
	sys_boot(s, fw("rproc-demo.elf"));
	usleep(400 * 1000);
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

static bool memmem_found(const uint8_t *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n)) != NULL;
}

static void test_coredump_opens_with_readelf(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);
	struct rpt_error err = {0};
	struct elf32_file core;
	char path[4096], cmd[8192];
	uint8_t *dump;
	size_t len;

	(void)state;
	rproc_set_coredump(s->rp, RPROC_COREDUMP_ENABLED); /* off by default, as Linux */
	sys_boot(s, fw("rproc-demo.sign"));
	assert_true(sys_wait_trace(s, OUR_HELLO, 5000));
	assert_int_equal(vboard_inject_crash(vboard_proc(s->vb, 0), RPROC_FATAL_ERROR), 0);
	assert_true(sys_wait_crashes(s, 1, 5000));
	assert_true(sys_wait_state(s, RPROC_RUNNING, 5000));
	assert_int_equal(rproc_get_coredump(s->rp, &dump, &len), 0);
	assert_int_equal(elf32_open_any(&core, dump, len, true, &err), 0);
	assert_int_equal(core.ehdr.e_type, ET_CORE);
	elf32_close(&core);
	assert_true(memmem_found(dump, len, OUR_HELLO));
	snprintf(path, sizeof(path), "%s/core.elf", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(path, dump, len, &err), 0);
	snprintf(cmd, sizeof(cmd), "arm-none-eabi-readelf -lW '%s' >/dev/null 2>&1", path);
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	snprintf(cmd, sizeof(cmd),
		 "command -v gdb-multiarch >/dev/null || exit 0; gdb-multiarch -batch -nx "
		 "-ex 'set architecture arm' -ex 'core-file %s' -ex 'x/s 0x%08x' 2>&1 | "
		 "grep -q 'hello from the coprocessor'",
		 path, trace_da(s));
	assert_int_equal(WEXITSTATUS(system(cmd)), 0);
	free(dump);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	sys_down(s);
}

static void test_double_boot_single_shutdown(void **state)
{
	struct sys *s = sys_up(TEE_BOARD, NULL);

	(void)state;
	sys_boot(s, fw("rproc-demo.sign"));
	assert_int_equal(rproc_boot(s->rp), 0);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_int_equal(rproc_get_state(s->rp), RPROC_RUNNING);
	assert_int_equal(rproc_set_firmware(s->rp, fw("rproc-demo.sign")), -EBUSY);
	assert_int_equal(rproc_shutdown(s->rp), 0);
	assert_int_equal(rproc_get_state(s->rp), RPROC_OFFLINE);
	sys_down(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_boots_through_the_tee),
		cmocka_unit_test(test_untrusted_image_refused),
		cmocka_unit_test(test_vector_elf_boots_directly),
		cmocka_unit_test(test_two_image_firmware_on_m33),
		cmocka_unit_test(test_demo_firmware_greets_beats_and_acks),
		cmocka_unit_test(test_no_ack_is_stopped_after_timeout),
		cmocka_unit_test(test_crash_recovery_keeps_vrings),
		cmocka_unit_test(test_recovery_disabled_stays_crashed),
		cmocka_unit_test(test_watchdog_not_refreshed_is_a_watchdog_crash),
		cmocka_unit_test(test_coredump_opens_with_readelf),
		cmocka_unit_test(test_double_boot_single_shutdown),
	};

	snprintf(fw_dir, sizeof(fw_dir), "%s", rpt_binary_path("firmware"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
