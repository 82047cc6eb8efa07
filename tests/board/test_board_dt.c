// SPDX-License-Identifier: BSD-2-Clause
/*
 * Board device trees: the shipped boards parse to exact values, malformed
 * variants are refused with the node and property named, and a corrupted
 * blob never crashes the reader nor leaves a half-filled board behind.
 */
#include "testutil.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board/board_dt.h"

/* A board pre-filled with a pattern, to prove that failures leave it alone. */
static struct board *sentinel_board(void)
{
	struct board *b = malloc(sizeof(*b));

	assert_non_null(b);
	memset(b, 0xA5, sizeof(*b));
	return b;
}

static void assert_board_untouched(const struct board *b)
{
	const uint8_t *p = (const uint8_t *)b;
	size_t i;

	for (i = 0; i < sizeof(*b); i++)
		if (p[i] != 0xA5)
			fail_msg("board byte %zu changed by a failed load", i);
}

/* The absolute form of a directory (the loader makes base directories absolute). */
static const char *real_dir(const char *dir)
{
	static char buf[PATH_MAX];

	assert_non_null(realpath(dir, buf));
	return buf;
}

static void assert_mem(const struct board_memory *got, const struct board_memory *want)
{
	assert_string_equal(got->name, want->name);
	assert_int_equal(got->da, want->da);
	assert_int_equal(got->pa, want->pa);
	assert_int_equal(got->size, want->size);
	assert_int_equal(got->secure, want->secure);
	assert_int_equal(got->loadable, want->loadable);
}

/* The memories of rp equal a reference layout of board.h (legacy: the older vectors'). */
static void assert_layout_mems(const struct board_rproc *rp, bool with_ddr, bool secure_ok,
			       bool legacy)
{
	struct board_rproc *ref = calloc(1, sizeof(*ref));
	unsigned int i;

	assert_non_null(ref);
	if (legacy)
		board_stm32mp15_legacy_layout(ref, with_ddr);
	else
		board_stm32mp15_layout(ref, with_ddr);
	assert_int_equal(rp->num_mems, ref->num_mems);
	for (i = 0; i < ref->num_mems; i++) {
		if (!secure_ok)
			ref->mems[i].secure = false;
		assert_mem(&rp->mems[i], &ref->mems[i]);
	}
	free(ref);
}

static void assert_stm32mp15_mems(const struct board_rproc *rp, bool with_ddr, bool secure_ok)
{
	assert_layout_mems(rp, with_ddr, secure_ok, false);
}

/* One peripheral of a shipped board. */
static void assert_periph(const struct board_periph *p, enum board_periph_kind kind,
			  const char *name, uint32_t da, uint32_t size)
{
	assert_int_equal(p->kind, kind);
	assert_string_equal(p->name, name);
	assert_int_equal(p->da, da);
	assert_int_equal(p->pa, da);
	assert_int_equal(p->size, size);
}

/* The STM32MP15 boards: IPCC (from mboxes) first, then UART4, the watchdog page, RAZ/WI windows. */
static void assert_mp15_periphs(const struct board_rproc *rp)
{
	const struct board_periph *p = rp->periphs;

	assert_int_equal(rp->num_periphs, 5);
	assert_periph(&p[0], BOARD_PERIPH_IPCC, "mailbox", 0x4c001000, 0x400);
	assert_int_equal(p[0].num_irqs, 2);
	assert_int_equal(p[0].irqs[0], 103);
	assert_int_equal(p[0].irqs[1], 104);
	assert_int_equal(p[0].channels, 6);
	assert_periph(&p[1], BOARD_PERIPH_USART, "serial", 0x40010000, 0x400);
	assert_int_equal(p[1].num_irqs, 1);
	assert_int_equal(p[1].irqs[0], 52);
	assert_periph(&p[2], BOARD_PERIPH_VMMIO, "vmmio", 0x4c0f0000, 0x1000);
	assert_int_equal(p[2].num_irqs, 0);
	assert_periph(&p[3], BOARD_PERIPH_RAZWI, "raz-wi", 0x50000000, 0xd000);
	assert_periph(&p[4], BOARD_PERIPH_RAZWI, "raz-wi", 0x50020000, 0x1000);
	assert_ptr_equal(board_find_periph(rp, BOARD_PERIPH_USART), &p[1]);
}

static void assert_ipcc(const struct board_mailbox *mb, uint64_t pa)
{
	assert_string_equal(mb->name, "mailbox");
	assert_int_equal(mb->pa, pa);
	assert_int_equal(mb->da, (uint32_t)pa);
	assert_int_equal(mb->size, 0x400);
	assert_int_equal(mb->vq0, 0);
	assert_int_equal(mb->vq1, 1);
	assert_int_equal(mb->shutdown, 2);
}

/* Policy of the shipped TEE boards, keys resolved against dir. */
static void assert_demo_policy(const struct board_policy *pol, const char *dir)
{
	char want[BOARD_PATH_MAX];
	int n;

	assert_true(pol->coredump_allowed);
	assert_true(pol->allow_unversioned);
	assert_string_equal(pol->rollback_state, "");
	assert_int_equal(pol->num_keys, 1);
	n = snprintf(want, sizeof(want), "%s/../keys/demo-test-only.pub.pem", dir);
	assert_true(n > 0 && (size_t)n < sizeof(want));
	assert_string_equal(pol->trusted_keys[0], want);
}

static struct board *load_ok(const char *path)
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	int ret;

	ret = board_load_file(b, path, &err);
	if (ret)
		fail_msg("%s: %s", path, rpt_error_msg(&err));
	return b;
}

static void check_m4_tee(const struct board *b, const char *dir, bool with_ddr)
{
	const struct board_rproc *rp = &b->rprocs[0];

	assert_int_equal(b->num_rprocs, 1);
	assert_int_equal(rp->id, 0);
	assert_string_equal(rp->name, "m4");
	assert_string_equal(rp->compatible, "st,stm32mp1-m4-tee");
	assert_true(rp->tee);
	assert_string_equal(rp->cpu, "cortex-m4");
	assert_int_equal(rp->watchdog_ms, 0); /* the demo firmware kicks no watchdog */
	assert_int_equal(rp->clock_hz, 209000000u); /* no clock-frequency: the MP15's M4 */
	assert_stm32mp15_mems(rp, with_ddr, true);
	/* The isolated layout: mcuram2 private, the table and trace in shared ipc-shmem. */
	assert_true(board_memory_by_name(rp, "mcuram2")->secure);
	assert_false(board_memory_by_name(rp, "ipc-shmem")->secure);
	assert_false(rp->policy.legacy_layout);
	assert_ipcc(&rp->mbox, 0x4c001000);
	assert_mp15_periphs(rp);
	assert_demo_policy(&rp->policy, dir);
	assert_ptr_equal(board_find_rproc(b, 0), rp);
	assert_null(board_find_rproc(b, 1));
}

static void test_m4_tee_dtb(void **state)
{
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp15-m4-tee.dtb"));

	(void)state;
	assert_string_equal(b->model, "vstm32mp15-m4-tee");
	check_m4_tee(b, real_dir(rpt_binary_path("boards")), false);
	free(b);
}

/* The .dts compiled by the loader itself gives the same board, keys next to the source. */
static void test_m4_tee_dts(void **state)
{
	struct board *b = load_ok(rpt_source_path("boards/vstm32mp15-m4-tee.dts"));

	(void)state;
	assert_string_equal(b->model, "vstm32mp15-m4-tee");
	check_m4_tee(b, real_dir(rpt_source_path("boards")), false);
	free(b);
}

static void test_m4_tee_ddr(void **state)
{
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp15-m4-tee-ddr.dtb"));
	const struct board_memory *ddr;

	(void)state;
	assert_string_equal(b->model, "vstm32mp15-m4-tee-ddr");
	check_m4_tee(b, real_dir(rpt_binary_path("boards")), true);
	/* large.elf's segments: 4 x 1 MiB at 0x90000000 + n * 4 MiB. */
	ddr = board_find_memory(&b->rprocs[0], 0x90C00000, 1 << 20);
	assert_non_null(ddr);
	assert_string_equal(ddr->name, "ddr");
	free(b);
}

/* The one test board of the older vectors: mcuram2 shared, and it says so. */
static void test_m4_tee_legacy(void **state)
{
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp15-m4-tee-legacy.dtb"));
	const struct board_rproc *rp = &b->rprocs[0];

	(void)state;
	assert_string_equal(b->model, "vstm32mp15-m4-tee-legacy");
	assert_true(rp->tee);
	assert_layout_mems(rp, false, true, true);
	assert_false(board_memory_by_name(rp, "mcuram2")->secure);
	assert_null(board_memory_by_name(rp, "ipc-shmem"));
	assert_true(rp->policy.legacy_layout);
	assert_demo_policy(&rp->policy, real_dir(rpt_binary_path("boards")));
	free(b);
}

static void test_m4_direct(void **state)
{
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp15-m4.dtb"));
	const struct board_rproc *rp = &b->rprocs[0];

	(void)state;
	assert_string_equal(b->model, "vstm32mp15-m4");
	assert_int_equal(b->num_rprocs, 1);
	assert_int_equal(rp->id, 0);
	assert_string_equal(rp->compatible, "st,stm32mp1-m4");
	assert_false(rp->tee);
	assert_string_equal(rp->cpu, "cortex-m4");
	/* Same memories, none secure: without a TEE nothing could load them. */
	assert_stm32mp15_mems(rp, false, false);
	assert_ipcc(&rp->mbox, 0x4c001000);
	assert_mp15_periphs(rp);
	assert_false(rp->policy.coredump_allowed);
	assert_false(rp->policy.allow_unversioned);
	assert_int_equal(rp->policy.num_keys, 0);
	free(b);
}

static void test_m33_tee(void **state)
{
	static const struct board_memory want[] = {
		{"retram", 0x00000000, 0x0e080000, 128 << 10, true, true},
		{"mcuram2", 0x10000000, 0x0e040000, 256 << 10, true, true},
		{"vdev0vring0", 0x10040000, 0x812f8000, 4 << 10, false, false},
		{"vdev0vring1", 0x10041000, 0x812f9000, 4 << 10, false, false},
		{"vdev0buffer", 0x10042000, 0x812fa000, 16 << 10, false, false},
		{"ipc-shmem", 0x10046000, 0x81200000, 40 << 10, false, true},
	};
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp25-m33-tee.dtb"));
	const struct board_rproc *rp = &b->rprocs[0];
	unsigned int i;

	(void)state;
	assert_string_equal(b->model, "vstm32mp25-m33-tee");
	assert_int_equal(b->num_rprocs, 1);
	assert_string_equal(rp->name, "m33");
	assert_string_equal(rp->compatible, "st,stm32mp2-m33-tee");
	assert_true(rp->tee);
	assert_string_equal(rp->cpu, "cortex-m33");
	assert_int_equal(rp->num_mems, 6);
	for (i = 0; i < 6; i++)
		assert_mem(&rp->mems[i], &want[i]);
	assert_false(rp->policy.legacy_layout);
	assert_ipcc(&rp->mbox, 0x40490000);
	/* STM32MP2: IPCC1 with 16 channels at IRQ 152/153, UART4 at 0x40100000. */
	assert_int_equal(rp->num_periphs, 4);
	assert_periph(&rp->periphs[0], BOARD_PERIPH_IPCC, "mailbox", 0x40490000, 0x400);
	assert_int_equal(rp->periphs[0].irqs[0], 152);
	assert_int_equal(rp->periphs[0].irqs[1], 153);
	assert_int_equal(rp->periphs[0].channels, 16);
	assert_periph(&rp->periphs[1], BOARD_PERIPH_USART, "serial", 0x40100000, 0x400);
	assert_periph(&rp->periphs[2], BOARD_PERIPH_VMMIO, "vmmio", 0x4c0f0000, 0x1000);
	assert_periph(&rp->periphs[3], BOARD_PERIPH_RAZWI, "raz-wi", 0x44200000, 0x10000);
	assert_demo_policy(&rp->policy, real_dir(rpt_binary_path("boards")));
	assert_int_equal(rp->boot.boot_addr, 0); /* the secure image in RETRAM */
	free(b);
}

/* Issue 13: ST's Linux DT for the M33 firmware in DDR; it boots at the start of cm33-fw. */
static void test_m33_ddr_tee(void **state)
{
	static const struct board_memory want[] = {
		{"cm33-fw", 0x80100000, 0x80100000, 9 << 20, true, true},
		{"cm33-data", 0x80a00000, 0x80a00000, 8 << 20, true, true},
		{"ipc-shmem", 0x81200000, 0x81200000, 0xf8000, false, true},
		{"vdev0vring0", 0x812f8000, 0x812f8000, 4 << 10, false, false},
		{"vdev0vring1", 0x812f9000, 0x812f9000, 4 << 10, false, false},
		{"vdev0buffer", 0x812fa000, 0x812fa000, 24 << 10, false, false},
	};
	struct board *b = load_ok(rpt_binary_path("boards/vstm32mp25-m33-ddr-tee.dtb"));
	const struct board_rproc *rp = &b->rprocs[0];
	unsigned int i;

	(void)state;
	assert_string_equal(b->model, "vstm32mp25-m33-ddr-tee");
	assert_int_equal(b->num_rprocs, 1);
	assert_string_equal(rp->compatible, "st,stm32mp2-m33-tee");
	assert_true(rp->tee);
	assert_string_equal(rp->cpu, "cortex-m33");
	assert_int_equal(rp->num_mems, 6);
	for (i = 0; i < 6; i++)
		assert_mem(&rp->mems[i], &want[i]);
	/* The vrings and buffers end where ST's do; the stack top lies in cm33-data. */
	assert_int_equal(want[5].da + want[5].size, 0x81300000);
	assert_non_null(board_find_memory(rp, 0x80E00000 - 4, 4));
	assert_false(rp->policy.legacy_layout);
	assert_ipcc(&rp->mbox, 0x40490000);
	assert_demo_policy(&rp->policy, real_dir(rpt_binary_path("boards")));
	assert_int_equal(rp->boot.boot_addr, 0x80100000);
	free(b);
}

/* ------------------------------------------------------------------------ */
/* Hand-written boards.                                                     */

#define HEAD1                                                                                      \
	"/dts-v1/;\n/ {\n\tmodel = \"t\";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"        \
	"\treserved-memory {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n\t\tranges;\n"    \
	"\t\tretram: retram@38000000 { reg = <0x38000000 0x10000>; "                               \
	"rproc,device-address = <0x0>; rproc,secure; rproc,loadable; };\n"                         \
	"\t\tmcuram2: mcuram2@10000000 { reg = <0x10000000 0x40000>; rproc,loadable; };\n"

#define HEAD2                                                                                      \
	"/dts-v1/;\n/ {\n\tmodel = \"t\";\n\t#address-cells = <1>;\n\t#size-cells = <1>;\n"        \
	"\treserved-memory {\n\t\t#address-cells = <2>;\n\t\t#size-cells = <2>;\n\t\tranges;\n"    \
	"\t\tretram: retram@38000000 { reg = <0x0 0x38000000 0x0 0x10000>; "                       \
	"rproc,device-address = <0x0>; rproc,secure; rproc,loadable; };\n"                         \
	"\t\tmcuram2: mcuram2@10000000 { reg = <0x0 0x10000000 0x0 0x40000>; rproc,loadable; };\n"

#define MID                                                                                        \
	"\t};\n\tipcc: mailbox@4c001000 { compatible = \"st,stm32mp1-ipcc\"; "                     \
	"reg = <0x4c001000 0x400>; #mbox-cells = <1>; interrupts = <103 104>; };\n"

/* A TEE M4 node named NAME with id ID and the given extra body. */
#define RPROC(name, id, body)                                                                      \
	"\t" name " {\n\t\tcompatible = \"st,stm32mp1-m4-tee\";\n\t\trproc,id = <" id ">;\n" body  \
	"\t};\n"
#define MEMS "\t\tmemory-region = <&retram>, <&mcuram2>;\n"
#define MBOX                                                                                       \
	"\t\tmboxes = <&ipcc 0>, <&ipcc 1>, <&ipcc 2>;\n\t\tmbox-names = \"vq0\", \"vq1\", \"shutdown\";\n"
#define EVIL(reg, extra) "\t\tevil: evil@20000000 { reg = <" reg ">; " extra " };\n"
/* A root peripheral node labelled LABEL at ADDR (unit address) with the given body. */
#define PERIPH(label, addr, body) "\t" label ": " label "@" addr " { " body " };\n"
#define UART_AT(addr, size)	  "compatible = \"st,stm32h7-uart\"; reg = <" addr " " size ">;"
#define PERIPHS(list)		  "\t\trproc,peripherals = " list ";\n"

/* Write text to <tmpdir>/<name>.dts and return the path (static buffer). */
static const char *write_dts(const char *name, const char *text)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.dts", rpt_tmpdir(), name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Assemble head + resmem extras + MID + nodes + "};". free() the result. */
static char *build_dts(const char *head, const char *resmem, const char *nodes)
{
	char *s = NULL;

	assert_true(asprintf(&s, "%s%s%s%s};\n", head, resmem, MID, nodes) > 0);
	return s;
}

/* A malformed board: refused, every expected fragment in the message, board untouched. */
struct bad_case {
	const char *name;    /* file name and label */
	const char *head;    /* HEAD1 or HEAD2 */
	const char *resmem;  /* extra reserved-memory children */
	const char *nodes;   /* coprocessor nodes */
	const char *want[4]; /* fragments the message must contain (node, property, why) */
};

static const struct bad_case bad_cases[] = {
	{"no-memory-region", HEAD1, "", RPROC("m4", "0", MBOX), {"/m4: memory-region", "missing"}},
	{"empty-memory-region",
	 HEAD1,
	 "",
	 RPROC("m4", "0", "\t\tmemory-region;\n"),
	 {"/m4: memory-region", "empty"}},
	{"dangling-phandle",
	 HEAD1,
	 "",
	 RPROC("m4", "0", "\t\tmemory-region = <&retram 0x99>;\n"),
	 {"/m4: memory-region", "phandle 0x99", "no node"}},
	{"not-reserved-memory",
	 HEAD1,
	 "",
	 RPROC("m4", "0", "\t\tmemory-region = <&ipcc>;\n"),
	 {"/m4: memory-region", "/mailbox@4c001000", "not a child of /reserved-memory"}},
	{"overlap-physical",
	 HEAD1,
	 "\t\tevil: evil@10001000 { reg = <0x10001000 0x1000>; };\n",
	 RPROC("m4", "0", "\t\tmemory-region = <&retram>, <&mcuram2>, <&evil>;\n"),
	 {"/reserved-memory/evil@10001000: reg", "physical range overlaps",
	  "/reserved-memory/mcuram2@10000000"}},
	{"overlap-device",
	 HEAD1,
	 EVIL("0x20000000 0x1000", "rproc,device-address = <0x8000>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&retram>, <&evil>;\n"),
	 {"/reserved-memory/evil@20000000: rproc,device-address", "device range overlaps",
	  "retram@38000000"}},
	{"same-memory-twice",
	 HEAD1,
	 "",
	 RPROC("m4", "0", "\t\tmemory-region = <&retram>, <&retram>;\n"),
	 {"retram@38000000: reg", "overlaps"}},
	{"shared-across-rprocs",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS) RPROC("m4b", "1", "\t\tmemory-region = <&retram>;\n"),
	 {"retram@38000000: reg", "physical range overlaps", "(memory of /m4)"}},
	{"unknown-compatible",
	 HEAD1,
	 "",
	 "\tm4 {\n\t\tcompatible = \"st,stm32mp1-m7-tee\";\n\t\trproc,id = <0>;\n" MEMS "\t};\n",
	 {"/m4: compatible", "st,stm32mp1-m7-tee", "unknown"}},
	{"missing-reg",
	 HEAD1,
	 "\t\tevil: evil@20000000 { rproc,loadable; };\n",
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"/reserved-memory/evil@20000000: reg", "missing"}},
	{"short-reg",
	 HEAD1,
	 EVIL("0x20000000", ""),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "4 bytes, expected 8"}},
	{"two-ranges",
	 HEAD1,
	 EVIL("0x20000000 0x1000 0x30000000 0x1000", ""),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "16 bytes"}},
	{"zero-size",
	 HEAD1,
	 EVIL("0x20000000 0x0", ""),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "zero size"}},
	{"duplicate-id",
	 HEAD1,
	 EVIL("0x20000000 0x1000", ""),
	 RPROC("m4", "0", MEMS) RPROC("m4b", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"/m4b: rproc,id", "already used by /m4"}},
	{"missing-id",
	 HEAD1,
	 "",
	 "\tm4 {\n\t\tcompatible = \"st,stm32mp1-m4-tee\";\n" MEMS "\t};\n",
	 {"/m4: rproc,id", "missing"}},
	{"long-id", HEAD1, "", RPROC("m4", "0 1", MEMS), {"/m4: rproc,id", "8 bytes"}},
	{"device-wraps-32",
	 HEAD1,
	 EVIL("0x20000000 0x2000", "rproc,device-address = <0xfffff000>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: rproc,device-address", "wraps past 4 GiB"}},
	{"physical-wraps-64",
	 HEAD2,
	 EVIL("0xffffffff 0xfffff000 0x0 0x2000", "rproc,device-address = <0x20000000>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "wraps"}},
	{"above-4g-no-da",
	 HEAD2,
	 EVIL("0x1 0x0 0x0 0x1000", ""),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "above 4 GiB"}},
	{"size-over-32",
	 HEAD2,
	 EVIL("0x0 0x0 0x1 0x0", "rproc,device-address = <0x0>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: reg", "larger than 4 GiB"}},
	{"cpu-unterminated",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tcpu = [63 6f];\n"),
	 {"/m4: cpu", "not NUL-terminated"}},
	{"cpu-unprintable",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tcpu = [63 01 00];\n"),
	 {"/m4: cpu", "non-printable"}},
	{"cpu-too-long",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tcpu = \"cortex-m4-but-longer\";\n"),
	 {"/m4: cpu", "at most 15"}},
	{"cpu-mismatch",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tcpu = \"cortex-m33\";\n"),
	 {"/m4: cpu", "cortex-m33"}},
	{"cpu-two-strings",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tcpu = \"a\", \"b\";\n"),
	 {"/m4: cpu", "2 strings"}},
	{"bool-with-value",
	 HEAD1,
	 EVIL("0x20000000 0x1000", "rproc,secure = <0>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n"),
	 {"evil@20000000: rproc,secure", "must be empty"}},
	{"too-many-memories",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       "\t\tmemory-region = <&retram &retram &retram &retram &retram &retram &retram "
	       "&retram &retram &retram &retram &retram &retram &retram &retram &retram "
	       "&retram>;\n"),
	 {"/m4: memory-region", "17 memories, at most 16"}},
	{"watchdog-bytes",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\trproc,watchdog-ms = [01];\n"),
	 {"/m4: rproc,watchdog-ms", "1 bytes"}},
	{"clock-zero",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tclock-frequency = <0>;\n"),
	 {"/m4: clock-frequency", "0 Hz"}},
	{"clock-over-32",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tclock-frequency = <1 0>;\n"),
	 {"/m4: clock-frequency", "4294967296 Hz"}},
	{"clock-bytes",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tclock-frequency = [01 02];\n"),
	 {"/m4: clock-frequency", "2 bytes"}},
	{"mbox-unknown-name",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS "\t\tmboxes = <&ipcc 0>, <&ipcc 1>;\n\t\tmbox-names = \"vq0\", \"bogus\";\n"),
	 {"/m4: mbox-names", "\"bogus\""}},
	{"mbox-count",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc 0>;\n\t\tmbox-names = \"vq0\", \"vq1\";\n"),
	 {"/m4: mboxes", "8 bytes, expected 2 entries"}},
	{"mbox-no-names",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc 0>;\n"),
	 {"/m4: mbox-names", "missing"}},
	{"mbox-names-only",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tmbox-names = \"vq0\";\n"),
	 {"/m4: mboxes", "missing"}},
	{"mbox-not-ipcc",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tmboxes = <&retram 0>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"retram@38000000: compatible", "st,stm32mp1-ipcc"}},
	{"mbox-channel-twice",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS "\t\tmboxes = <&ipcc 0>, <&ipcc 0>;\n\t\tmbox-names = \"vq0\", \"vq1\";\n"),
	 {"/m4: mboxes", "channel 0 used twice"}},
	{"mbox-name-twice",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS "\t\tmboxes = <&ipcc 0>, <&ipcc 1>;\n\t\tmbox-names = \"vq0\", \"vq0\";\n"),
	 {"/m4: mbox-names", "\"vq0\" listed twice"}},
	{"mbox-channel-range",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc 40>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"/m4: mboxes", "channel 40"}},
	{"mbox-second",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS
	       "\t\tmboxes = <&ipcc 0>, <&other 1>;\n\t\tmbox-names = \"vq0\", \"vq1\";\n"
	       "\t\tother: other { compatible = \"st,stm32mp1-ipcc\"; #mbox-cells = <1>; };\n"),
	 {"/m4: mboxes", "second mailbox"}},
	{"mbox-over-memory",
	 HEAD1,
	 EVIL("0x20000000 0x1000", "rproc,device-address = <0x4c001000>;"),
	 RPROC("m4", "0", "\t\tmemory-region = <&evil>;\n" MBOX),
	 {"/mailbox@4c001000: reg", "overlap memory", "evil@20000000"}},
	{"direct-secure",
	 HEAD1,
	 "",
	 "\tm4 {\n\t\tcompatible = \"st,stm32mp1-m4\";\n\t\trproc,id = <0>;\n" MEMS "\t};\n",
	 {"retram@38000000: rproc,secure", "no TEE"}},
	{"direct-policy",
	 HEAD1,
	 "",
	 "\tm4 {\n\t\tcompatible = \"st,stm32mp1-m4\";\n\t\trproc,id = <0>;\n"
	 "\t\tmemory-region = <&mcuram2>;\n\t\tsecure-policy { coredump-allowed; };\n\t};\n",
	 {"/m4/secure-policy", "only a TEE coprocessor"}},
	{"too-many-keys",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS "\t\tsecure-policy { trusted-keys = \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", "
		    "\"7\", \"8\", \"9\"; };\n"),
	 {"/m4/secure-policy: trusted-keys", "9 keys, at most 8"}},
	{"empty-key",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tsecure-policy { trusted-keys = \"a\", \"\"; };\n"),
	 {"/m4/secure-policy: trusted-keys", "empty string"}},
	{"policy-bool-value",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tsecure-policy { coredump-allowed = \"no\"; };\n"),
	 {"/m4/secure-policy: coredump-allowed", "must be empty"}},
	{"coredump-mode",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\trproc,coredump = \"sometimes\";\n"),
	 {"/m4: rproc,coredump", "\"sometimes\" is not disabled, enabled or inline"}},
	{"coredump-timeout-zero",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\trproc,coredump-timeout-ms = <0>;\n"),
	 {"/m4: rproc,coredump-timeout-ms", "0, expected 1 to 3600000"}},
	{"coredump-timeout-huge",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\trproc,coredump-timeout-ms = <3600001>;\n"),
	 {"/m4: rproc,coredump-timeout-ms", "3600001, expected 1 to 3600000"}},
	{"secure-dump-alone",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS "\t\tsecure-policy { coredump-secure-memories; };\n"),
	 {"/m4/secure-policy: coredump-secure-memories", "without coredump-allowed"}},
	{"no-coprocessor", HEAD1, "", "", {"no coprocessor node"}},
	/* Peripheral nodes (rproc,peripherals and the mailbox's IPCC). */
	{"periph-unknown",
	 HEAD1,
	 "",
	 PERIPH("foo", "40000000", "compatible = \"acme,thing\"; reg = <0x40000000 0x400>;")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&foo>")),
	 {"/foo@40000000: compatible", "not a peripheral this board can model", "st,stm32h7-uart"}},
	{"periph-dangling",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS MBOX PERIPHS("<0x99>")),
	 {"/m4: rproc,peripherals", "entry 0: phandle 0x99 points to no node"}},
	{"periph-odd-bytes",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS MBOX "\t\trproc,peripherals = [00 01];\n"),
	 {"/m4: rproc,peripherals", "2 bytes, not a non-empty list"}},
	{"periph-twice",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", UART_AT("0x40010000", "0x400"))
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>, <&uart>")),
	 {"/m4: rproc,peripherals", "entry 1", "/uart@40010000 listed twice"}},
	{"periph-ipcc-also-listed",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS MBOX PERIPHS("<&ipcc>")),
	 {"/m4: rproc,peripherals", "/mailbox@4c001000 listed twice (or also in mboxes)"}},
	{"periph-ipcc-without-mboxes",
	 HEAD1,
	 "",
	 RPROC("m4", "0", MEMS PERIPHS("<&ipcc>")),
	 {"/m4: rproc,peripherals", "is the mailbox: reference it with mboxes"}},
	{"periph-not-page-aligned",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010400", UART_AT("0x40010400", "0x400"))
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>")),
	 {"/uart@40010400: reg", "device address 0x40010400 does not start a 4 KiB page"}},
	{"periph-too-small",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", UART_AT("0x40010000", "0x20"))
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>")),
	 {"/uart@40010000: reg", "0x20 bytes of registers, st,stm32h7-uart needs 0x400"}},
	{"periph-no-reg",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", "compatible = \"st,stm32h7-uart\";")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>")),
	 {"/uart@40010000: reg", "missing"}},
	{"periph-over-memory",
	 HEAD1,
	 "",
	 PERIPH("rcc", "10000000", "compatible = \"vst,raz-wi\"; reg = <0x10000000 0x1000>;")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&rcc>")),
	 {"/rcc@10000000: reg", "registers overlap memory", "/reserved-memory/mcuram2@10000000"}},
	{"periph-over-memory-device",
	 HEAD1,
	 "",
	 PERIPH("rcc", "50000000",
		"compatible = \"vst,raz-wi\"; reg = <0x50000000 0x1000>; "
		"rproc,device-address = <0x0>;") RPROC("m4", "0", MEMS MBOX PERIPHS("<&rcc>")),
	 {"/rcc@50000000: reg", "registers overlap memory", "/reserved-memory/retram@38000000"}},
	{"periph-share-page",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", UART_AT("0x40010000", "0x400"))
		 PERIPH("rcc", "40010000", "compatible = \"vst,raz-wi\"; reg = <0x40010000 0x10>;")
			 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>, <&rcc>")),
	 {"/rcc@40010000: reg", "share a 4 KiB page with /uart@40010000"}},
	{"periph-over-mailbox-page",
	 HEAD1,
	 "",
	 PERIPH("rcc", "4c001000", "compatible = \"vst,raz-wi\"; reg = <0x4c001000 0x10>;")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&rcc>")),
	 {"/rcc@4c001000: reg", "share a 4 KiB page with /mailbox@4c001000"}},
	{"periph-irq-range",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", UART_AT("0x40010000", "0x400") " interrupts = <52 496>;")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>")),
	 {"/uart@40010000: interrupts", "line 1: IRQ 496, the NVIC has 496"}},
	{"periph-irq-bytes",
	 HEAD1,
	 "",
	 PERIPH("uart", "40010000", UART_AT("0x40010000", "0x400") " interrupts = [00 01];")
		 RPROC("m4", "0", MEMS MBOX PERIPHS("<&uart>")),
	 {"/uart@40010000: interrupts", "2 bytes, not a list of 32-bit cells"}},
	{"ipcc-no-interrupts",
	 HEAD1,
	 "",
	 PERIPH("ipcc2", "4c002000",
		"compatible = \"st,stm32mp1-ipcc\"; reg = <0x4c002000 0x400>; #mbox-cells = <1>;")
		 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc2 0>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"/ipcc2@4c002000: interrupts", "missing (2 lines expected)"}},
	{"ipcc-one-interrupt",
	 HEAD1,
	 "",
	 PERIPH("ipcc2", "4c002000",
		"compatible = \"st,stm32mp1-ipcc\"; reg = <0x4c002000 0x400>; #mbox-cells = <1>; "
		"interrupts = <103>;")
		 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc2 0>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"/ipcc2@4c002000: interrupts", "1 lines, expected 2 (RX occupied, TX free)"}},
	{"ipcc-channels",
	 HEAD1,
	 "",
	 PERIPH("ipcc2", "4c002000",
		"compatible = \"st,stm32mp1-ipcc\"; reg = <0x4c002000 0x400>; #mbox-cells = <1>; "
		"interrupts = <103 104>; vst,channels = <17>;")
		 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc2 0>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"/ipcc2@4c002000: vst,channels", "17, expected 4 to 16"}},
	{"ipcc-channel-beyond",
	 HEAD1,
	 "",
	 RPROC("m4", "0",
	       MEMS "\t\tmboxes = <&ipcc 0>, <&ipcc 6>;\n\t\tmbox-names = \"vq0\", \"vq1\";\n"),
	 {"/m4: mboxes", "entry 1: channel 6, the mailbox has 6 (0 to 5)"}},
	{"ipcc-small",
	 HEAD1,
	 "",
	 PERIPH("ipcc2", "4c002000",
		"compatible = \"st,stm32mp1-ipcc\"; reg = <0x4c002000 0x100>; #mbox-cells = <1>; "
		"interrupts = <103 104>;")
		 RPROC("m4", "0", MEMS "\t\tmboxes = <&ipcc2 0>;\n\t\tmbox-names = \"vq0\";\n"),
	 {"/ipcc2@4c002000: reg", "0x100 bytes of registers, st,stm32mp1-ipcc needs 0x400"}},
};

/* Load text as a .dts: refused, with every fragment of want in the message. */
static void expect_refused(const char *name, const char *text, const char *const want[4])
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	unsigned int i;
	int ret;

	ret = board_load_file(b, write_dts(name, text), &err);
	if (!ret)
		fail_msg("%s: accepted", name);
	assert_true(ret < 0);
	assert_int_equal(err.code, ret);
	for (i = 0; i < 4 && want[i]; i++)
		if (!strstr(err.msg, want[i]))
			fail_msg("%s: message \"%s\" lacks \"%s\"", name, err.msg, want[i]);
	assert_board_untouched(b);
	free(b);
}

static void test_refused(void **state)
{
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		char *text;

		text = build_dts(c->head, c->resmem, c->nodes);
		expect_refused(c->name, text, c->want);
		free(text);
	}
}

/* #address-cells of /reserved-memory outside 1..2. */
static void test_bad_cells(void **state)
{
	static const char *const want[4] = {"/reserved-memory: #address-cells", "3, only 1 or 2"};
	static const char text[] =
		"/dts-v1/;\n/ {\n\treserved-memory {\n\t\t#address-cells = <3>;\n"
		"\t\t#size-cells = <1>;\n\t\tr: r@0 { reg = <0 0 0 0x1000>; };\n\t};\n"
		"\tm4 { compatible = \"st,stm32mp1-m4-tee\"; rproc,id = <0>; memory-region = <&r>; };\n"
		"};\n";

	(void)state;
	expect_refused("address-cells-3", text, want);
}

/* A model longer than struct board keeps. */
static void test_long_model(void **state)
{
	static const char *const want[4] = {"/: model", "70 bytes long, at most 63"};
	static const char text[] =
		"/dts-v1/;\n/ {\n\tmodel = "
		"\"0123456789012345678901234567890123456789012345678901234567890123456789\";\n"
		"\treserved-memory {\n\t\t#address-cells = <1>;\n\t\t#size-cells = <1>;\n"
		"\t\tr: r@0 { reg = <0 0x1000>; };\n\t};\n"
		"\tm4 { compatible = \"st,stm32mp1-m4-tee\"; rproc,id = <0>; memory-region = <&r>; };\n"
		"};\n";

	(void)state;
	expect_refused("long-model", text, want);
}

/* Nine coprocessors, each with its own memory: one more than BOARD_MAX_RPROCS. */
static void test_too_many_rprocs(void **state)
{
	static const char *const want[4] = {"/m8: rproc,id", "more than 8 coprocessors"};
	char *resmem = NULL, *nodes = NULL, *text, *tmp;
	unsigned int i;

	(void)state;
	assert_true(asprintf(&resmem, "%s", "") >= 0);
	assert_true(asprintf(&nodes, "%s", "") >= 0);
	for (i = 0; i <= BOARD_MAX_RPROCS; i++) {
		assert_true(asprintf(&tmp, "%s\t\tm%u: m%u@%x { reg = <0x%x 0x1000>; };\n", resmem,
				     i, i, 0x20000000 + i * 0x1000, 0x20000000 + i * 0x1000) > 0);
		free(resmem);
		resmem = tmp;
		assert_true(asprintf(&tmp,
				     "%s\tm%u { compatible = \"st,stm32mp1-m4-tee\"; "
				     "rproc,id = <%u>; memory-region = <&m%u>; };\n",
				     nodes, i, i, i) > 0);
		free(nodes);
		nodes = tmp;
	}
	text = build_dts(HEAD1, resmem, nodes);
	expect_refused("too-many-rprocs", text, want);
	free(text);
	free(nodes);
	free(resmem);
}

/* A key path that does not fit BOARD_PATH_MAX once resolved. */
static void test_long_key_path(void **state)
{
	static const char *const want[4] = {"/m4/secure-policy: trusted-keys", "longer than 255"};
	char longname[300], *nodes = NULL, *text;

	(void)state;
	memset(longname, 'k', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_true(
		asprintf(&nodes,
			 RPROC("m4", "0", MEMS "\t\tsecure-policy { trusted-keys = \"%s\"; };\n"),
			 longname) > 0);
	text = build_dts(HEAD1, "", nodes);
	expect_refused("long-key", text, want);
	free(text);
	free(nodes);
}

/* Defaults, optional parts and path resolution on an accepted hand-written board. */
static void test_defaults_and_paths(void **state)
{
	static const char nodes[] = RPROC(
		"m4", "3",
		MEMS
		"\t\tsecure-policy {\n\t\t\trollback-state = \"state/rb\";\n"
		"\t\t\ttrusted-keys = \"k1.pem\", \"/abs/k2.pem\";\n\t\t};\n") "\tm4b {\n\t\tcompatible = \"st,stm32mp1-m4\";\n\t\trproc,id = <7>;\n"
									       "\t\tmemory-region = <&big>;\n\t\trproc,watchdog-ms = <250>;\n"
									       "\t\tclock-frequency = <0 64000000>;\n\t};\n";
	static const char resmem[] = "\t\tbig: big@100000000 { reg = <0x1 0x0 0x0 0x1000>; "
				     "rproc,device-address = <0xfffff000>; rproc,loadable; };\n";
	char *text = NULL, want[BOARD_PATH_MAX + 4096];
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	const struct board_rproc *rp;

	(void)state;
	/* HEAD2 (two cells) so that big@100000000 can sit above 4 GiB. */
	text = build_dts(HEAD2, resmem, nodes);
	if (board_load_file(b, write_dts("defaults", text), &err))
		fail_msg("%s", rpt_error_msg(&err));
	assert_int_equal(b->num_rprocs, 2);

	rp = board_find_rproc(b, 3);
	assert_non_null(rp);
	assert_string_equal(rp->cpu, "cortex-m4"); /* from the compatible */
	assert_int_equal(rp->watchdog_ms, 0);
	assert_string_equal(rp->mbox.name, ""); /* no mboxes: no mailbox */
	/* And no peripheral: everything outside memory faults. */
	assert_int_equal(rp->num_periphs, 0);
	assert_int_equal(rp->mbox.vq0, BOARD_MBOX_NONE);
	assert_int_equal(rp->mbox.shutdown, BOARD_MBOX_NONE);
	assert_false(rp->policy.coredump_allowed);
	assert_false(rp->policy.coredump_secure);
	/* Coredumps off unless the board says otherwise (Linux's default); Linux's 5 min wait. */
	assert_int_equal(rp->coredump, BOARD_COREDUMP_DISABLED);
	assert_int_equal(rp->coredump_timeout_ms, 300000);
	snprintf(want, sizeof(want), "%s/state/rb", real_dir(rpt_tmpdir()));
	assert_string_equal(rp->policy.rollback_state, want);
	assert_int_equal(rp->policy.num_keys, 2);
	snprintf(want, sizeof(want), "%s/k1.pem", real_dir(rpt_tmpdir()));
	assert_string_equal(rp->policy.trusted_keys[0], want);
	assert_string_equal(rp->policy.trusted_keys[1], "/abs/k2.pem");

	rp = board_find_rproc(b, 7);
	assert_non_null(rp);
	assert_false(rp->tee);
	assert_int_equal(rp->watchdog_ms, 250);
	assert_int_equal(rp->clock_hz, 64000000u); /* two cells */
	assert_int_equal(rp->num_mems, 1);
	assert_int_equal(rp->mems[0].pa, 0x100000000ULL);
	assert_int_equal(rp->mems[0].da, 0xfffff000); /* ends exactly at 4 GiB: allowed */
	assert_non_null(board_find_memory(rp, 0xfffffff0, 0x10));
	free(text);
	free(b);
}

/* A board picks the coredump mode, the inline wait and (debug boards) secure memories in dumps. */
static void test_coredump_properties(void **state)
{
	static const char *const modes[] = {"disabled", "enabled", "inline"};
	char nodes[1024];
	struct rpt_error err = {0};
	struct board *b = malloc(sizeof(*b));
	char *text;
	unsigned int i;

	(void)state;
	assert_non_null(b);
	for (i = 0; i < 3; i++) {
		snprintf(
			nodes, sizeof(nodes),
			RPROC("m4", "0",
			      MEMS
			      "\t\trproc,coredump = \"%s\";\n"
			      "\t\trproc,coredump-timeout-ms = <1500>;\n"
			      "\t\tsecure-policy { coredump-allowed; coredump-secure-memories; };\n"),
			modes[i]);
		text = build_dts(HEAD1, "", nodes);
		if (board_load_file(b, write_dts("coredump", text), &err))
			fail_msg("%s", rpt_error_msg(&err));
		assert_int_equal(b->rprocs[0].coredump, (enum board_coredump)i);
		assert_int_equal(b->rprocs[0].coredump_timeout_ms, 1500);
		assert_true(b->rprocs[0].policy.coredump_allowed);
		assert_true(b->rprocs[0].policy.coredump_secure);
		free(text);
	}
	free(b);
}

/* Issue 11, item 3: no shipped board lets secure memory into a coredump. */
static void test_shipped_boards_keep_secure_memory_out_of_dumps(void **state)
{
	static const char *const boards[] = {"vstm32mp15-m4-tee", "vstm32mp15-m4",
					     "vstm32mp25-m33-tee", "vstm32mp15-m4-tee-ddr",
					     "vstm32mp25-m33-ddr-tee"};
	char path[256];
	unsigned int i, r;

	(void)state;
	for (i = 0; i < sizeof(boards) / sizeof(boards[0]); i++) {
		struct board *b;

		snprintf(path, sizeof(path), "boards/%s.dtb", boards[i]);
		b = load_ok(rpt_binary_path(path));
		for (r = 0; r < b->num_rprocs; r++)
			if (b->rprocs[r].policy.coredump_secure)
				fail_msg("%s: %s sets coredump-secure-memories", boards[i],
					 b->rprocs[r].name);
		free(b);
	}
}

/* board_load_dtb with no base directory keeps relative paths as written. */
static void test_dtb_no_base_dir(void **state)
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	size_t size;
	uint8_t *dtb = rpt_slurp(rpt_binary_path("boards/vstm32mp15-m4-tee.dtb"), &size);

	(void)state;
	if (board_load_dtb(b, dtb, size, NULL, &err))
		fail_msg("%s", rpt_error_msg(&err));
	assert_string_equal(b->rprocs[0].policy.trusted_keys[0], "../keys/demo-test-only.pub.pem");
	free(dtb);
	free(b);
}

/* Files that are not boards at all. */
static void test_bad_files(void **state)
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	char path[PATH_MAX];
	FILE *f;

	(void)state;
	/* dtc's own complaint reaches the message. */
	assert_true(board_load_file(b, write_dts("syntax", "/dts-v1/;\n/ { a = <1 ; };\n"), &err) <
		    0);
	assert_non_null(strstr(err.msg, "dtc failed"));
	assert_non_null(strstr(err.msg, "syntax.dts"));
	assert_board_untouched(b);

	rpt_error_clear(&err);
	snprintf(path, sizeof(path), "%s/garbage.dtb", rpt_tmpdir());
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("this is not a device tree blob, not at all", f);
	fclose(f);
	assert_true(board_load_file(b, path, &err) < 0);
	assert_non_null(strstr(err.msg, "garbage.dtb: device tree: bad header"));
	assert_board_untouched(b);

	rpt_error_clear(&err);
	snprintf(path, sizeof(path), "%s/absent.dtb", rpt_tmpdir());
	assert_true(board_load_file(b, path, &err) < 0);
	assert_non_null(strstr(err.msg, "absent.dtb"));
	assert_board_untouched(b);

	rpt_error_clear(&err);
	assert_true(board_load_dtb(b, "", 0, NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "shorter than a header"));
	assert_board_untouched(b);
	free(b);
}

/* A header whose totalsize claims more than the bytes given. */
static void test_totalsize_lies(void **state)
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	size_t size;
	uint8_t *dtb = rpt_slurp(rpt_binary_path("boards/vstm32mp15-m4-tee.dtb"), &size);

	(void)state;
	assert_true(board_load_dtb(b, dtb, size - 1, NULL, &err) < 0);
	assert_non_null(strstr(err.msg, "device tree"));
	assert_board_untouched(b);
	free(dtb);
	free(b);
}

/* ------------------------------------------------------------------------ */
/* Corruption: never a crash, never a half-filled board.                    */

static uint32_t rng_state = 0x2545F491u;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* An accepted board must still be self-consistent. */
static void assert_sane(const struct board *b)
{
	unsigned int i, j;

	assert_true(b->num_rprocs >= 1 && b->num_rprocs <= BOARD_MAX_RPROCS);
	assert_true(memchr(b->model, 0, sizeof(b->model)) != NULL);
	for (i = 0; i < b->num_rprocs; i++) {
		const struct board_rproc *rp = &b->rprocs[i];

		assert_true(rp->num_mems >= 1 && rp->num_mems <= BOARD_MAX_MEMS);
		assert_true(rp->policy.num_keys <= BOARD_MAX_KEYS);
		for (j = 0; j < rp->num_mems; j++) {
			assert_true(rp->mems[j].size > 0);
			assert_true((uint64_t)rp->mems[j].da + rp->mems[j].size <= 1ULL << 32);
		}
	}
}

/* Load [data, data + size) from an exact-size heap copy (so ASan sees overreads). */
static void load_corrupt(const uint8_t *data, size_t size)
{
	struct rpt_error err = {0};
	struct board *b = sentinel_board();
	uint8_t *copy = malloc(size ? size : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, data, size);
	ret = board_load_dtb(b, copy, size, "/base", &err);
	if (ret) {
		assert_true(ret < 0);
		assert_true(err.msg[0] != '\0');
		assert_board_untouched(b);
	} else {
		assert_sane(b);
	}
	free(copy);
	free(b);
}

static void test_corrupt_flips(void **state)
{
	size_t size, i;
	uint8_t *dtb = rpt_slurp(rpt_binary_path("boards/vstm32mp15-m4-tee.dtb"), &size);
	uint8_t *work = malloc(size);
	unsigned int iter, n;

	(void)state;
	assert_non_null(work);
	for (iter = 0; iter < 4000; iter++) {
		memcpy(work, dtb, size);
		n = 1 + rng() % 4;
		for (i = 0; i < n; i++) {
			size_t at = rng() % size;

			/* Half of the flips are single bits, half whole random bytes. */
			if (rng() & 1)
				work[at] ^= (uint8_t)(1u << (rng() % 8));
			else
				work[at] = (uint8_t)rng();
		}
		load_corrupt(work, size);
	}
	free(work);
	free(dtb);
}

static void test_corrupt_truncate(void **state)
{
	const char *boards[] = {"boards/vstm32mp15-m4-tee.dtb", "boards/vstm32mp25-m33-tee.dtb"};
	size_t size, len;
	unsigned int k;

	(void)state;
	for (k = 0; k < 2; k++) {
		uint8_t *dtb = rpt_slurp(rpt_binary_path(boards[k]), &size);

		for (len = 0; len < size; len += 64)
			load_corrupt(dtb, len);
		load_corrupt(dtb, size); /* the whole blob still loads */
		free(dtb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coredump_properties),
		cmocka_unit_test(test_shipped_boards_keep_secure_memory_out_of_dumps),
		cmocka_unit_test(test_m4_tee_dtb),
		cmocka_unit_test(test_m4_tee_dts),
		cmocka_unit_test(test_m4_tee_ddr),
		cmocka_unit_test(test_m4_tee_legacy),
		cmocka_unit_test(test_m4_direct),
		cmocka_unit_test(test_m33_tee),
		cmocka_unit_test(test_m33_ddr_tee),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_bad_cells),
		cmocka_unit_test(test_long_model),
		cmocka_unit_test(test_too_many_rprocs),
		cmocka_unit_test(test_long_key_path),
		cmocka_unit_test(test_defaults_and_paths),
		cmocka_unit_test(test_dtb_no_base_dir),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_totalsize_lies),
		cmocka_unit_test(test_corrupt_flips),
		cmocka_unit_test(test_corrupt_truncate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
