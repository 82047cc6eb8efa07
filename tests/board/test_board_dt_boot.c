// SPDX-License-Identifier: BSD-2-Clause
/*
 * Board device trees, start-up properties of a coprocessor: st,auto-boot,
 * rproc,boot-address, rproc,boot-loader-firmware, rproc,recovery-limit and the "detach" mailbox
 * channel. Valid forms give exact values, absent ones the defaults, wrong ones
 * are refused naming the node and the property.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board_dt.h"
#include "common/file_io.h"

/* One coprocessor (compatible as given) with one memory and a mailbox; props in its node. */
static const char *dts(const char *name, const char *compatible, const char *props)
{
	static char path[512];
	struct rpt_error err = {0};
	char text[4096];

	snprintf(text, sizeof(text),
		 "/dts-v1/;\n/ {\n\tmodel = \"t\";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"
		 "\treserved-memory {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
		 "\t\tranges;\n\t\tram: ram@10000000 {\n\t\t\treg = <0x10000000 0x40000>;\n"
		 "\t\t\trproc,loadable;\n\t\t};\n\t};\n"
		 "\tipcc: mailbox@4c001000 {\n\t\tcompatible = \"st,stm32mp1-ipcc\";\n"
		 "\t\treg = <0x4c001000 0x400>;\n\t\t#mbox-cells = <1>;\n"
		 "\t\tinterrupts = <103 104>;\n\t};\n"
		 "\tm4 {\n\t\tcompatible = \"%s\";\n\t\trproc,id = <0>;\n"
		 "\t\tmemory-region = <&ram>;\n%s\n\t};\n};\n",
		 compatible, props);
	snprintf(path, sizeof(path), "%s/%s.dts", rpt_tmpdir(), name);
	assert_int_equal(rpt_write_file_atomic(path, text, strlen(text), &err), 0);
	return path;
}

static struct board *load_ok(const char *path)
{
	struct rpt_error err = {0};
	struct board *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	if (board_load_file(b, path, &err))
		fail_msg("%s: %s", path, rpt_error_msg(&err));
	return b;
}

static void load_fails(const char *path, const char *want1, const char *want2)
{
	struct rpt_error err = {0};
	struct board *b = calloc(1, sizeof(*b));

	assert_non_null(b);
	assert_true(board_load_file(b, path, &err) < 0);
	if (!strstr(err.msg, want1) || !strstr(err.msg, want2))
		fail_msg("message '%s' lacks '%s' or '%s'", err.msg, want1, want2);
	free(b);
}

static void test_defaults(void **state)
{
	struct board *b = load_ok(dts("defaults", BOARD_COMPAT_M4_TEE, ""));
	const struct board_rproc *rp = &b->rprocs[0];

	(void)state;
	assert_false(rp->boot.auto_boot);
	assert_int_equal(rp->boot.boot_addr, 0); /* STM32MP15: the M4 boots at 0 */
	assert_string_equal(rp->boot.loader_firmware, "");
	assert_false(rp->boot.has_recovery_limit);
	assert_int_equal(rp->mbox.detach, BOARD_MBOX_NONE);
	free(b);
}

static void test_values(void **state)
{
	struct board *b = load_ok(dts("values", BOARD_COMPAT_M4_TEE,
				      "st,auto-boot;\nrproc,boot-loader-firmware = \"fw.sign\";\n"
				      "rproc,recovery-limit = <5 2000>;\n"
				      "mboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>, <&ipcc 3>;\n"
				      "mbox-names = \"vq0\", \"vq1\", \"shutdown\", \"detach\";"));
	const struct board_rproc *rp = &b->rprocs[0];
	(void)state;
	assert_true(rp->boot.auto_boot);
	/* Relative to the board file's directory, as trusted-keys. */
	assert_non_null(strstr(rp->boot.loader_firmware, "/fw.sign"));
	assert_true(rp->boot.loader_firmware[0] == '/');
	assert_true(rp->boot.has_recovery_limit);
	assert_int_equal(rp->boot.recovery_limit, 5);
	assert_int_equal(rp->boot.recovery_window_ms, 2000);
	assert_int_equal(rp->mbox.shutdown, 2);
	assert_int_equal(rp->mbox.detach, 3);
	free(b);

	/* <0 0>: no limit at all (Linux), given explicitly. */
	b = load_ok(dts("nolimit", BOARD_COMPAT_M4, "rproc,recovery-limit = <0 0>;"));
	assert_true(b->rprocs[0].boot.has_recovery_limit);
	assert_int_equal(b->rprocs[0].boot.recovery_limit, 0);
	free(b);
}

static void test_refused(void **state)
{
	(void)state;
	load_fails(dts("ab", BOARD_COMPAT_M4_TEE, "st,auto-boot = <1>;"), "st,auto-boot",
		   "must be empty");
	load_fails(dts("rl1", BOARD_COMPAT_M4_TEE, "rproc,recovery-limit = <5>;"),
		   "rproc,recovery-limit", "expected <count window-ms>");
	load_fails(dts("rl2", BOARD_COMPAT_M4_TEE, "rproc,recovery-limit = <65 1000>;"),
		   "rproc,recovery-limit", "count 65, at most 64");
	load_fails(dts("rl3", BOARD_COMPAT_M4_TEE, "rproc,recovery-limit = <3 0>;"),
		   "rproc,recovery-limit", "needs a window");
	/* Without a TEE nothing could tell a later daemon what runs. */
	load_fails(dts("blf", BOARD_COMPAT_M4, "rproc,boot-loader-firmware = \"fw.elf\";"),
		   "rproc,boot-loader-firmware", "only a TEE coprocessor");
	load_fails(dts("dup", BOARD_COMPAT_M4_TEE,
		       "mboxes = <&ipcc 2>, <&ipcc 2>;\nmbox-names = \"shutdown\", \"detach\";"),
		   "mboxes", "channel 2 used twice");
	load_fails(
		dts("name", BOARD_COMPAT_M4_TEE, "mboxes = <&ipcc 3>;\nmbox-names = \"detached\";"),
		"mbox-names", "(vq0, vq1, shutdown, detach)");
}

/* Issue 13: rproc,boot-address, the vector table an image without BOOTADDR boots through. */
static void test_boot_address(void **state)
{
	struct board *b;

	(void)state;
	b = load_ok(dts("ba", BOARD_COMPAT_M33_TEE, "rproc,boot-address = <0x10000080>;"));
	assert_int_equal(b->rprocs[0].boot.boot_addr, 0x10000080);
	free(b);
	/* The last 8 bytes of the memory still hold SP and the reset vector. */
	b = load_ok(dts("baend", BOARD_COMPAT_M4_TEE, "rproc,boot-address = <0x1003ff80>;"));
	assert_int_equal(b->rprocs[0].boot.boot_addr, 0x1003ff80);
	free(b);
	load_fails(dts("ba1", BOARD_COMPAT_M33_TEE, "rproc,boot-address = <0x10000040>;"),
		   "rproc,boot-address", "0x10000040 is not 128-byte aligned");
	load_fails(dts("ba2", BOARD_COMPAT_M33_TEE, "rproc,boot-address = <0x80100000>;"),
		   "rproc,boot-address", "no memory of the coprocessor");
	load_fails(dts("ba3", BOARD_COMPAT_M33_TEE, "rproc,boot-address = <0 0x10000000>;"),
		   "rproc,boot-address", "expected one 32-bit cell");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_boot_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
