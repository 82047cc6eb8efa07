// SPDX-License-Identifier: BSD-2-Clause
/*
 * `rproc-sign verify --board FILE.dts` (issue 15): the image run through the
 * real TA against the board's memories and policy, the TA's own reason when
 * it would refuse, through rproc-sign's command line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "craft.h"
#include "testutil.h"
#include "common/file_io.h"
#include "common/safe_math.h"

static char tool[4096];
static char out_path[4096]; /* stdout+stderr of the last run */

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return rpt_run_capture(out_path, tool, args);
}

static const char *output(void)
{
	return rpt_captured(out_path);
}

static void assert_output_has(const char *want)
{
	if (!strstr(output(), want))
		fail_msg("expected \"%s\" in:\n%s", want, output());
}

/* Path helpers, each with its own buffer (several appear in one command line). */
static const char *board(const char *name)
{
	static char buf[4][4096];
	static int next;
	char *p = buf[next++ % 4], rel[256];

	snprintf(rel, sizeof(rel), "boards/%s", name);
	snprintf(p, 4096, "%s", rpt_source_path(rel));
	return p;
}

static const char *vec(const char *rel)
{
	static char buf[4][4096];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 4096, "%s", rpt_vector_path(rel));
	return p;
}

static const char *bin(const char *rel)
{
	static char buf[4][4096];
	static int next;
	char *p = buf[next++ % 4];

	snprintf(p, 4096, "%s", rpt_binary_path(rel));
	return p;
}

#define MP15	    "vstm32mp15-m4-tee.dts"
#define MP15_LEGACY "vstm32mp15-m4-tee-legacy.dts"
#define MP2_DDR	    "vstm32mp25-m33-ddr-tee.dts"

/* Our demo firmware, signed with the demo key the board trusts: it loads and starts. */
static void test_demo_image_ok_on_its_board(void **state)
{
	char want[4200];

	(void)state;
	assert_int_equal(run("verify --board %s %s", board(MP15), bin("firmware/rproc-demo.sign")),
			 0);
	snprintf(want, sizeof(want), "OK: %s rproc 0 (m4) would load and start it", board(MP15));
	assert_output_has(want);
	assert_output_has("demo-test-only.pub.pem"); /* the board's key, resolved from the DTS */
	/* The same with the id named. */
	assert_int_equal(
		run("verify --board %s --rproc 0 %s", board(MP15), bin("firmware/rproc-demo.sign")),
		0);
}

/*
 * A segment whose memsz runs past the end of its memory (program header and
 * hash-table entry agree, re-signed): plain verify says OK, the board refuses
 * it naming the segment and the memory.
 */
static void test_segment_past_its_memory_refused(void **state)
{
	char path[4096], want[4400];
	struct rpt_error err = {0};
	struct craft c;
	size_t ph;
	uint32_t paddr;

	(void)state;
	craft_load(&c, vec("signed/m4-demo.rsa2048.sign"));
	ph = craft_phdr_off(&c, 0, 0);
	paddr = get_le32(c.buf + ph + 12);
	assert_int_equal(paddr, 0);		    /* RETRAM, 64 KiB at 0 */
	put_le32(c.buf + ph + 20, 0x20000);	    /* p_memsz: past RETRAM's end */
	put_le32(craft_entry(&c, 0) + 20, 0x20000); /* the signed copy agrees */
	craft_resign(&c, vec("keys/rsa2048.pem"));
	snprintf(path, sizeof(path), "%s/past.sign", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(path, c.buf, c.size, &err), 0);
	craft_free(&c);

	assert_int_equal(run("verify --key %s %s", vec("keys/rsa2048.pub.pem"), path), 0);
	assert_int_equal(run("verify --board %s --key %s %s", board(MP15_LEGACY),
			     vec("keys/rsa2048.pub.pem"), path),
			 1);
	snprintf(want, sizeof(want),
		 "rproc-sign: verify: %s: would be refused by %s rproc 0: ", path,
		 board(MP15_LEGACY));
	assert_output_has(want);
	assert_output_has("[0x00000000, +0x20000)");
	assert_output_has("retram");
	assert_output_has("runs past");
}

/* DESIGN section 6: the older vectors keep their stack in shared MCU SRAM2. */
static void test_legacy_layout_per_board(void **state)
{
	(void)state;
	assert_int_equal(run("verify --board %s --key %s %s", board(MP15),
			     vec("keys/rsa2048.pub.pem"), vec("signed/m4-demo.rsa2048.sign")),
			 1);
	assert_output_has("would be refused by");
	assert_output_has("not in memory shared with the normal world");
	assert_int_equal(run("verify --board %s --key %s %s", board(MP15_LEGACY),
			     vec("keys/rsa2048.pub.pem"), vec("signed/m4-demo.rsa2048.sign")),
			 0);
	assert_output_has("OK: ");
	/* Accepted, but the TA's warning reaches the user. */
	assert_output_has("warning: verify: ");
	assert_output_has("WARNING: legacy layout");
	/* The isolated vectors are fine on the isolated board. */
	assert_int_equal(run("verify --board %s --key %s %s", board(MP15),
			     vec("keys/rsa2048.pub.pem"),
			     vec("isolated/signed/m4-demo.rsa2048.sign")),
			 0);
}

/* The STM32MP25 demo (BOOTADDR TLV, firmware in DDR): its board only. */
static void test_mp2_demo_on_mp2_board_only(void **state)
{
	(void)state;
	assert_int_equal(
		run("verify --board %s %s", board(MP2_DDR), bin("firmware/rproc-demo-mp2.sign")),
		0);
	assert_output_has("OK: ");
	assert_int_equal(
		run("verify --board %s %s", board(MP15), bin("firmware/rproc-demo-mp2.sign")), 1);
	assert_output_has("would be refused by");
	assert_output_has("0x801"); /* a segment in the MP2's DDR, which the MP15 board lacks */
}

/* Keys: the board's (resolved from the DTS) without --key, exactly --key's with it. */
static void test_untrusted_key_refused(void **state)
{
	(void)state;
	/* Signed with rsa2048: the board trusts only the demo key. */
	assert_int_equal(run("verify --board %s %s", board(MP15),
			     vec("isolated/signed/m4-demo.rsa2048.sign")),
			 1);
	assert_output_has("would be refused by");
	assert_output_has("signature");
	/* --key replaces the board's keys: the demo-key image is refused then. */
	assert_int_equal(run("verify --board %s --key %s %s", board(MP15),
			     vec("keys/rsa2048.pub.pem"), bin("firmware/rproc-demo.sign")),
			 1);
	assert_output_has("signature");
	/* A key file that cannot be read is a failure, not a usage error. */
	assert_int_equal(run("verify --board %s --key /nonexistent.pem %s", board(MP15),
			     bin("firmware/rproc-demo.sign")),
			 1);
	assert_output_has("/nonexistent.pem");
	/* So is a board file that cannot be read. */
	assert_int_equal(run("verify --board /nonexistent.dts %s", bin("firmware/rproc-demo.sign")),
			 1);
	assert_output_has("/nonexistent.dts");
}

static void test_board_usage_errors_exit_2(void **state)
{
	const char *img = bin("firmware/rproc-demo.sign");

	(void)state;
	assert_int_equal(run("verify --board %s", board(MP15)), 2);
	assert_int_equal(run("verify --board %s %s %s", board(MP15), img, img), 2);
	assert_int_equal(run("verify --board"), 2);
	assert_int_equal(run("verify --board %s --board %s %s", board(MP15), board(MP15), img), 2);
	assert_int_equal(run("verify --rproc 0 %s", img), 2);
	assert_int_equal(run("verify --board %s --rproc zero %s", board(MP15), img), 2);
	assert_output_has("--rproc 'zero'");
	assert_int_equal(run("verify --board %s --rproc -1 %s", board(MP15), img), 2);
	assert_int_equal(run("verify --board %s --rproc 0 --rproc 0 %s", board(MP15), img), 2);
	/* An id the board does not have: the TEE ids it has are named. */
	assert_int_equal(run("verify --board %s --rproc 3 %s", board(MP15), img), 2);
	assert_output_has("its TEE coprocessors: 0");
	assert_int_equal(run("verify --board %s --bogus %s", board(MP15), img), 2);
}

/* Replace the first `from` of s (a malloc()ed string) by `to`. */
static char *replace(char *s, const char *from, const char *to)
{
	char *at = strstr(s, from), *out;
	size_t len;

	assert_non_null(at);
	len = strlen(s) - strlen(from) + strlen(to) + 1;
	out = malloc(len);
	assert_non_null(out);
	snprintf(out, len, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	free(s);
	return out;
}

/*
 * A board with two TEE coprocessors (the MP15 board plus a second M4, id 2,
 * with one private RAM of its own): which one to check must be said.
 */
static void test_two_tee_rprocs_need_rproc(void **state)
{
	char path[4096], key[4200];
	struct rpt_error err = {0};
	size_t size;
	char *dts = (char *)rpt_slurp(board(MP15), &size);

	(void)state;
	dts = realloc(dts, size + 1);
	assert_non_null(dts);
	dts[size] = 0;
	dts = replace(dts, "\t\tretram: retram@38000000 {",
		      "\t\tm4b_ram: m4b-ram@20000000 {\n"
		      "\t\t\treg = <0x20000000 0x10000>;\n"
		      "\t\t\trproc,secure;\n"
		      "\t\t\trproc,loadable;\n"
		      "\t\t};\n\n"
		      "\t\tretram: retram@38000000 {");
	snprintf(key, sizeof(key), "\"%s\"", rpt_source_path("keys/demo-test-only.pub.pem"));
	dts = replace(dts, "\"../keys/demo-test-only.pub.pem\"", key);
	dts = replace(dts, "\tm4 {",
		      "\tm4b {\n"
		      "\t\tcompatible = \"st,stm32mp1-m4-tee\";\n"
		      "\t\trproc,id = <2>;\n"
		      "\t\tcpu = \"cortex-m4\";\n"
		      "\t\tmemory-region = <&m4b_ram>;\n"
		      "\t};\n\n"
		      "\tm4 {");
	snprintf(path, sizeof(path), "%s/two.dts", rpt_tmpdir());
	assert_int_equal(rpt_write_file_atomic(path, dts, strlen(dts), &err), 0);
	free(dts);

	assert_int_equal(run("verify --board %s %s", path, bin("firmware/rproc-demo.sign")), 2);
	assert_output_has("has 2 TEE coprocessors (2, 0): say which with --rproc ID");
	assert_int_equal(
		run("verify --board %s --rproc 0 %s", path, bin("firmware/rproc-demo.sign")), 0);
	assert_output_has("rproc 0 (m4) would load and start it");
	/*
	 * The second M4 (with the demo key): its policy says nothing, so no
	 * allow-unversioned: the security counter rule refuses the demo image.
	 */
	assert_int_equal(run("verify --board %s --rproc 2 --key %s %s", path,
			     rpt_source_path("keys/demo-test-only.pub.pem"),
			     bin("firmware/rproc-demo.sign")),
			 1);
	assert_output_has(" rproc 2: ");
	assert_output_has("image has no security counter and the board requires one");
}

/* A board without a TEE coprocessor loads no signed image: a failure naming why. */
static void test_board_without_tee(void **state)
{
	(void)state;
	assert_int_equal(run("verify --board %s %s", board("vstm32mp15-m4.dts"),
			     bin("firmware/rproc-demo.sign")),
			 1);
	assert_output_has("no TEE coprocessor");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demo_image_ok_on_its_board),
		cmocka_unit_test(test_segment_past_its_memory_refused),
		cmocka_unit_test(test_legacy_layout_per_board),
		cmocka_unit_test(test_mp2_demo_on_mp2_board_only),
		cmocka_unit_test(test_untrusted_key_refused),
		cmocka_unit_test(test_board_usage_errors_exit_2),
		cmocka_unit_test(test_two_tee_rprocs_need_rproc),
		cmocka_unit_test(test_board_without_tee),
	};

	snprintf(tool, sizeof(tool), "%s", rpt_binary_path("bin/rproc-sign"));
	snprintf(out_path, sizeof(out_path), "%s/out.txt", rpt_tmpdir());
	return cmocka_run_group_tests(tests, NULL, NULL);
}
