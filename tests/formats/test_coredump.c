// SPDX-License-Identifier: BSD-2-Clause
/* ELF32 core writer: exact sizes, read back with the ELF reader, checked by readelf. */
#include "testutil.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/safe_math.h"
#include "formats/coredump.h"
#include "formats/elf32.h"

static uint8_t seg_a[100];
static uint8_t seg_b[7];

static void fill(uint8_t *p, size_t n, uint8_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static void two_segments(struct coredump_segment segs[2])
{
	fill(seg_a, sizeof(seg_a), 0x11);
	fill(seg_b, sizeof(seg_b), 0x80);
	segs[0] = (struct coredump_segment){.da = 0x10000000, .size = sizeof(seg_a), .data = seg_a};
	/* Unaligned address and odd size: the next offset is padded, the address kept. */
	segs[1] = (struct coredump_segment){.da = 0x10030001, .size = sizeof(seg_b), .data = seg_b};
}

/*
 * 52-byte header + 2 * 32 program headers = 116; seg_a at 116..216; seg_b at
 * 216..223; "\0.shstrtab\0" at 224..235; 2 section headers at 236..316.
 */
#define TWO_SEG_SIZE 316u

static void check_parsed(const uint8_t *core, size_t len, const struct coredump_segment *segs,
			 unsigned int n)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;

	assert_int_equal(elf32_open_any(&elf, core, len, true, &err), 0);
	assert_int_equal(elf.ehdr.e_type, ET_CORE);
	assert_int_equal(elf.ehdr.e_machine, EM_ARM);
	assert_int_equal(elf.ehdr.e_ident[EI_CLASS], ELFCLASS32);
	assert_int_equal(elf.ehdr.e_ident[EI_DATA], ELFDATA2LSB);
	assert_int_equal(elf.ehdr.e_shnum, 2);
	assert_int_equal(elf32_phnum(&elf), n);
	for (unsigned int i = 0; i < n; i++) {
		const Elf32_Phdr *ph = elf32_phdr(&elf, i);

		assert_non_null(ph);
		assert_int_equal(ph->p_type, PT_LOAD);
		assert_int_equal(ph->p_vaddr, segs[i].da);
		assert_int_equal(ph->p_paddr, segs[i].da);
		assert_int_equal(ph->p_filesz, segs[i].size);
		assert_int_equal(ph->p_memsz, segs[i].size);
		assert_int_equal(ph->p_flags, PF_R | PF_W | PF_X);
		assert_int_equal(ph->p_offset % 4, 0);
		if (segs[i].size)
			assert_memory_equal(elf32_segment_data(&elf, ph), segs[i].data,
					    segs[i].size);
	}
	assert_int_equal(elf32_find_section(&elf, ".text", &sh, &err), -ENOENT);
	assert_int_equal(elf32_find_section(&elf, ".shstrtab", &sh, &err), 0);
	assert_int_equal(sh.sh_type, SHT_STRTAB);
	assert_int_equal(sh.sh_offset % 4, 0);
	assert_int_equal(elf.ehdr.e_shoff % 4, 0);
	assert_int_equal(elf.ehdr.e_shoff + 2 * sizeof(Elf32_Shdr), len);
	elf32_close(&elf);

	/* Not an executable: the firmware reader refuses it. */
	assert_int_equal(elf32_open(&elf, core, len, &err), -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "e_type 4 (ET_CORE)"));
}

static void test_build_and_parse(void **state)
{
	struct rpt_error err = {0};
	struct coredump_segment segs[2];
	uint8_t *core = NULL;
	size_t len = 0;

	(void)state;
	two_segments(segs);
	assert_int_equal(coredump_size(segs, 2, NULL), TWO_SEG_SIZE);
	assert_int_equal(coredump_build(segs, 2, NULL, &core, &len, &err), 0);
	assert_int_equal(err.code, 0);
	assert_non_null(core);
	assert_int_equal(len, TWO_SEG_SIZE);
	check_parsed(core, len, segs, 2);
	assert_memory_equal(core + 116, seg_a, sizeof(seg_a));
	assert_memory_equal(core + 216, seg_b, sizeof(seg_b));
	free(core);
}

static void test_padding_and_empty(void **state)
{
	static const uint8_t one = 0x5A;
	static const uint8_t three[3] = {1, 2, 3};
	struct rpt_error err = {0};
	struct coredump_segment segs[3] = {
		{.da = 0x2000, .size = 1, .data = &one},
		{.da = 0x3000, .size = 0, .data = NULL},       /* empty: allowed without data */
		{.da = 0xFFFFFFFDu, .size = 3, .data = three}, /* ends exactly at 4 GiB */
	};
	uint8_t *core;
	size_t len;

	(void)state;
	/* 52 + 96 = 148; one at 148; empty at 152; three at 152..155; names 156..167; 168..248. */
	assert_int_equal(coredump_size(segs, 3, NULL), 248);
	assert_int_equal(coredump_build(segs, 3, NULL, &core, &len, &err), 0);
	assert_int_equal(len, 248);
	assert_int_equal(core[149], 0);
	assert_int_equal(core[150], 0);
	assert_int_equal(core[151], 0);
	check_parsed(core, len, segs, 3);
	free(core);

	/* No segments: just the headers and name table (52 + 12 + 80), still a valid core. */
	assert_int_equal(coredump_size(NULL, 0, NULL), 144);
	assert_int_equal(coredump_build(NULL, 0, NULL, &core, &len, &err), 0);
	assert_int_equal(len, 144);
	check_parsed(core, len, NULL, 0);
	free(core);
}

static void test_short_buffer(void **state)
{
	struct coredump_segment segs[2];
	uint8_t *buf, *ref;
	size_t need, i, len;

	(void)state;
	two_segments(segs);
	need = coredump_size(segs, 2, NULL);
	assert_int_equal(need, TWO_SEG_SIZE);
	buf = malloc(need + 16);
	assert_non_null(buf);

	/* Every length short of the need: -ENOSPC and not a byte written. */
	for (len = 0; len < need; len++) {
		struct rpt_error err = {0};

		memset(buf, 0xA5, need + 16);
		assert_int_equal(coredump_write(segs, 2, NULL, buf, len, &err), -ENOSPC);
		assert_int_equal(err.code, -ENOSPC);
		assert_non_null(strstr(err.msg, "needs 316 bytes"));
		for (i = 0; i < need + 16; i++)
			assert_int_equal(buf[i], 0xA5);
	}
	{
		struct rpt_error err = {0};

		assert_int_equal(coredump_write(segs, 2, NULL, NULL, need, &err), -ENOSPC);
	}

	/* Exactly the need: written, nothing past it, same bytes as coredump_build(). */
	{
		struct rpt_error err = {0};

		memset(buf, 0xA5, need + 16);
		assert_int_equal(coredump_write(segs, 2, NULL, buf, need, &err), 0);
		for (i = need; i < need + 16; i++)
			assert_int_equal(buf[i], 0xA5);
		assert_int_equal(coredump_build(segs, 2, NULL, &ref, &len, &err), 0);
		assert_int_equal(len, need);
		assert_memory_equal(buf, ref, need);
		free(ref);
	}
	free(buf);
}

static void test_invalid(void **state)
{
	static const uint8_t byte = 1;
	struct coredump_segment bad_data = {.da = 0x1000, .size = 10, .data = NULL};
	struct coredump_segment wrap = {.da = 0xFFFFFF00u, .size = 0x200, .data = &byte};
	struct coredump_segment *many;
	uint8_t buf[512];
	uint8_t *core = (uint8_t *)1;
	size_t len = 99;

	(void)state;
	assert_int_equal(coredump_size(&bad_data, 1, NULL), 0);
	{
		struct rpt_error err = {0};

		memset(buf, 0xA5, sizeof(buf));
		assert_int_equal(coredump_write(&bad_data, 1, NULL, buf, sizeof(buf), &err),
				 -EINVAL);
		assert_non_null(strstr(err.msg, "segment 0: 10 bytes but no data"));
		assert_int_equal(buf[0], 0xA5);
	}
	assert_int_equal(coredump_size(&wrap, 1, NULL), 0);
	{
		struct rpt_error err = {0};

		assert_int_equal(coredump_build(&wrap, 1, NULL, &core, &len, &err), -EINVAL);
		assert_null(core);
		assert_int_equal(len, 0);
		assert_non_null(
			strstr(err.msg, "segment 0: da 0xffffff00 + size 0x200 runs past 4 GiB"));
	}

	/* Too many segments for an ELF32 reader; exactly the limit is fine. */
	many = calloc(COREDUMP_MAX_SEGMENTS + 1, sizeof(*many));
	assert_non_null(many);
	assert_int_equal(coredump_size(many, COREDUMP_MAX_SEGMENTS + 1, NULL), 0);
	{
		struct rpt_error err = {0};

		assert_int_equal(
			coredump_build(many, COREDUMP_MAX_SEGMENTS + 1, NULL, &core, &len, &err),
			-EINVAL);
		assert_non_null(strstr(err.msg, "257 segments"));
	}
	/* 52 + 256 * 32 = 8244; names 8244..8255; section headers 8256..8336. */
	assert_int_equal(coredump_size(many, COREDUMP_MAX_SEGMENTS, NULL), 8336);
	{
		struct rpt_error err = {0};

		assert_int_equal(
			coredump_build(many, COREDUMP_MAX_SEGMENTS, NULL, &core, &len, &err), 0);
		check_parsed(core, len, many, COREDUMP_MAX_SEGMENTS);
		free(core);
	}
	free(many);

	/* Segments whose total passes 4 GiB cannot be described by ELF32 offsets. */
	{
		struct coredump_segment huge[2] = {
			{.da = 0, .size = 0xFFFFFF00u, .data = &byte},
			{.da = 0, .size = 0x1000, .data = &byte},
		};
		struct rpt_error err = {0};

		assert_int_equal(coredump_size(huge, 2, NULL), 0);
		assert_int_equal(coredump_write(huge, 2, NULL, buf, sizeof(buf), &err), -EINVAL);
		assert_non_null(strstr(err.msg, "exceed 4 GiB"));
	}
}

/* Run `tool -a -W` on the file: exit status 0 and nothing at all on stderr. */
static void readelf_clean(const char *tool, const char *path)
{
	char cmd[1024], errpath[512];
	struct stat st;
	int ret;

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", tool);
	if (system(cmd) != 0) {
		fprintf(stderr, "note: %s not installed, not run\n", tool);
		return;
	}
	snprintf(errpath, sizeof(errpath), "%s/%s.stderr", rpt_tmpdir(), tool);
	snprintf(cmd, sizeof(cmd), "%s -a -W '%s' >/dev/null 2>'%s'", tool, path, errpath);
	ret = system(cmd);
	assert_int_equal(ret, 0);
	assert_int_equal(stat(errpath, &st), 0);
	if (st.st_size != 0) {
		size_t n;
		uint8_t *msg = rpt_slurp(errpath, &n);

		fail_msg("%s printed warnings: %.*s", tool, (int)n, (const char *)msg);
	}
}

static void test_readelf(void **state)
{
	struct rpt_error err = {0};
	struct coredump_segment segs[2];
	char path[512];
	uint8_t *core;
	size_t len;
	FILE *f;

	(void)state;
	two_segments(segs);
	assert_int_equal(coredump_build(segs, 2, NULL, &core, &len, &err), 0);
	snprintf(path, sizeof(path), "%s/core.elf", rpt_tmpdir());
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(core, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(core);

	readelf_clean("arm-none-eabi-readelf", path);
	readelf_clean("readelf", path);
	remove(path);
}

/* Hex text to bytes (the expected note is written out by hand, not by the writer's code). */
static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned int b;

	while (hex[0] && hex[1] && n < cap && sscanf(hex, "%2x", &b) == 1) {
		out[n++] = (uint8_t)b;
		hex += 2;
	}
	return n;
}

/*
 * The NT_PRSTATUS note, byte for byte: 12-byte header (namesz 5, descsz 148,
 * type 1), "CORE" padded to 8, then the 32-bit ARM struct elf_prstatus:
 * si_signo 11 at 0, pr_cursig 11 at 12, pr_pid 1 at 24, pr_reg (r0..r15,
 * cpsr = xPSR, orig_r0 = -1) at 72, pr_fpvalid 0 at 144. The PT_NOTE program
 * header comes first; the PT_LOAD follows the note.
 */
static void test_prstatus_note_bytes(void **state)
{
	static const char want_hex[] =
		"050000009400000001000000434f5245000000000b0000000000000000000000"
		"0b00000000000000000000000100000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000000000a0"
		"010000a0020000a0030000a0040000a0050000a0060000a0070000a0080000a0"
		"090000a00a0000a00b0000a00c0000a00d0000a00e0000a00f0000a000000021"
		"ffffffff00000000";
	static const uint8_t seg[4] = {0xde, 0xad, 0xbe, 0xef};
	struct coredump_segment s = {.da = 0x10000000, .size = sizeof(seg), .data = seg};
	struct coredump_regs regs = {.xpsr = 0x21000000, .signo = COREDUMP_SIGSEGV};
	struct rpt_error err = {0};
	uint8_t want[COREDUMP_NOTE_SIZE];
	Elf32_Phdr note, load;
	uint8_t *core;
	size_t len;
	unsigned int i;

	(void)state;
	assert_int_equal(unhex(want_hex, want, sizeof(want)), COREDUMP_NOTE_SIZE);
	for (i = 0; i < 16; i++)
		regs.r[i] = 0xA0000000u | i;
	/* 52 + 2 * 32 = 116: note 116..284, segment 284..288, names 288..299, shdrs 300..380. */
	assert_int_equal(coredump_size(&s, 1, &regs), 380);
	assert_int_equal(coredump_build(&s, 1, &regs, &core, &len, &err), 0);
	assert_int_equal(len, 380);
	assert_int_equal(get_le16(core + 44), 2); /* e_phnum: the note and the segment */
	memcpy(&note, core + 52, sizeof(note));
	memcpy(&load, core + 52 + 32, sizeof(load));
	assert_int_equal(note.p_type, PT_NOTE);
	assert_int_equal(note.p_offset, 116);
	assert_int_equal(note.p_filesz, COREDUMP_NOTE_SIZE);
	assert_int_equal(note.p_align, 4);
	assert_memory_equal(core + 116, want, COREDUMP_NOTE_SIZE);
	assert_int_equal(load.p_type, PT_LOAD);
	assert_int_equal(load.p_offset, 284);
	assert_int_equal(load.p_vaddr, 0x10000000);
	assert_memory_equal(core + 284, seg, sizeof(seg));
	free(core);
}

/* With registers the core still reads back, and binutils reads the note cleanly. */
static void test_note_readelf(void **state)
{
	struct coredump_regs regs = {.r = {1, 2, 3}, .xpsr = 0x01000000, .signo = COREDUMP_SIGILL};
	struct rpt_error err = {0};
	struct coredump_segment segs[2];
	struct elf32_file elf;
	char path[512], cmd[1200];
	uint8_t *core;
	size_t len;
	FILE *f;

	(void)state;
	two_segments(segs);
	assert_int_equal(coredump_build(segs, 2, &regs, &core, &len, &err), 0);
	assert_int_equal(len, coredump_size(segs, 2, &regs));
	assert_int_equal(len, TWO_SEG_SIZE + 32 + COREDUMP_NOTE_SIZE);
	assert_int_equal(elf32_open_any(&elf, core, len, true, &err), 0);
	assert_int_equal(elf32_phnum(&elf), 3);
	assert_int_equal(elf32_phdr(&elf, 0)->p_type, PT_NOTE);
	assert_int_equal(elf32_phdr(&elf, 1)->p_vaddr, segs[0].da);
	assert_memory_equal(elf32_segment_data(&elf, elf32_phdr(&elf, 2)), seg_b, sizeof(seg_b));
	elf32_close(&elf);
	snprintf(path, sizeof(path), "%s/core-note.elf", rpt_tmpdir());
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(core, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(core);
	readelf_clean("readelf", path);
	snprintf(cmd, sizeof(cmd), "readelf -n '%s' | grep -q 'NT_PRSTATUS'", path);
	assert_int_equal(system(cmd), 0);
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_build_and_parse), cmocka_unit_test(test_padding_and_empty),
		cmocka_unit_test(test_short_buffer),	cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_readelf),		cmocka_unit_test(test_prstatus_note_bytes),
		cmocka_unit_test(test_note_readelf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
