// SPDX-License-Identifier: BSD-2-Clause
/* ELF32 reader: the reference firmware files, then hostile mutations of them. */
#include "testutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf32.h"

/* m4-demo.elf facts (readelf -lS). */
#define M4_SIZE		12112u
#define M4_SHOFF	11312u
#define M4_SHNUM	20u
#define M4_RSC_IDX	3u
#define M4_SHSTRTAB_IDX 19u
#define M4_SHSTRTAB_OFF 0x2b58u
#define M4_RSC_NAME_OFF 45u /* sh_name of .resource_table */

struct phdr_want {
	uint32_t offset, vaddr, filesz, memsz, flags;
};

static uint8_t *load(const char *name, size_t *size)
{
	return rpt_slurp(rpt_vector_path(name), size);
}

static Elf32_Ehdr *ehdr_of(uint8_t *buf)
{
	return (Elf32_Ehdr *)buf;
}

static Elf32_Phdr *phdr_of(uint8_t *buf, unsigned int i)
{
	return (Elf32_Phdr *)(buf + ehdr_of(buf)->e_phoff) + i;
}

static Elf32_Shdr *shdr_of(uint8_t *buf, unsigned int i)
{
	return (Elf32_Shdr *)(buf + ehdr_of(buf)->e_shoff) + i;
}

static bool is_zeroed(const struct elf32_file *elf)
{
	static const struct elf32_file zero;

	return memcmp(elf, &zero, sizeof(zero)) == 0;
}

static void check_phdrs(const struct elf32_file *elf, const struct phdr_want *want, unsigned int n)
{
	unsigned int i;

	assert_int_equal(elf32_phnum(elf), n);
	for (i = 0; i < n; i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		assert_non_null(ph);
		assert_int_equal(ph->p_type, PT_LOAD);
		assert_int_equal(ph->p_offset, want[i].offset);
		assert_int_equal(ph->p_vaddr, want[i].vaddr);
		assert_int_equal(ph->p_paddr, want[i].vaddr);
		assert_int_equal(ph->p_filesz, want[i].filesz);
		assert_int_equal(ph->p_memsz, want[i].memsz);
		assert_int_equal(ph->p_flags, want[i].flags);
		assert_int_equal(ph->p_align, 0x1000);
		assert_ptr_equal(elf32_segment_data(elf, ph), elf->data + want[i].offset);
	}
	assert_null(elf32_phdr(elf, n));
	assert_null(elf32_phdr(elf, 0xFFFFFFFFu));
}

/* Open a mutated copy and expect -RPT_EFORMAT with `what` in the message. */
static void expect_reject_any(uint8_t *buf, size_t size, bool allow_core, const char *what)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	int ret;

	memset(&elf, 0xA5, sizeof(elf));
	ret = elf32_open_any(&elf, buf, size, allow_core, &err);
	if (ret == 0)
		elf32_close(&elf);
	assert_int_equal(ret, -RPT_EFORMAT);
	assert_int_equal(err.code, -RPT_EFORMAT);
	if (!strstr(err.msg, what))
		fail_msg("message \"%s\" does not mention \"%s\"", err.msg, what);
	assert_true(is_zeroed(&elf));
}

static void expect_reject(uint8_t *buf, size_t size, const char *what)
{
	expect_reject_any(buf, size, false, what);
}

static void expect_accept(uint8_t *buf, size_t size)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	int ret;

	ret = elf32_open(&elf, buf, size, &err);
	if (ret)
		fail_msg("rejected: %s", rpt_error_msg(&err));
	elf32_close(&elf);
}

static void test_m4_demo(void **state)
{
	static const struct phdr_want want[] = {
		{0x1000, 0x00000000, 0x61, 0x61, PF_R | PF_W | PF_X},
		{0x2000, 0x10000000, 0xcc, 0xd0, PF_R | PF_W},
		{0x0000, 0x10030000, 0x00, 0x800, PF_R | PF_W},
	};
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *buf = load("elf/m4-demo.elf", &size);

	(void)state;
	assert_int_equal(size, M4_SIZE);
	assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
	assert_int_equal(err.code, 0);
	assert_ptr_equal(elf.data, buf);
	assert_int_equal(elf.size, size);
	assert_int_equal(elf.ehdr.e_entry, 0x8);
	assert_int_equal(elf.ehdr.e_shnum, M4_SHNUM);
	assert_int_equal(elf.shstrtab_size, 0xd5);
	check_phdrs(&elf, want, 3);

	assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), 0);
	assert_int_equal(sh.sh_type, SHT_PROGBITS);
	assert_int_equal(sh.sh_addr, 0x10000000);
	assert_int_equal(sh.sh_offset, 0x2000);
	assert_int_equal(sh.sh_size, 0xc8);
	assert_string_equal(elf32_section_name(&elf, &sh), ".resource_table");

	assert_int_equal(elf32_find_section(&elf, ".trace", &sh, &err), 0);
	assert_int_equal(sh.sh_type, SHT_NOBITS);
	assert_int_equal(sh.sh_addr, 0x10030000);
	assert_int_equal(sh.sh_size, 0x800);

	/* Prefixes, extensions and absent names do not match; absence leaves err alone. */
	assert_int_equal(elf32_find_section(&elf, ".resource", &sh, &err), -ENOENT);
	assert_int_equal(elf32_find_section(&elf, ".resource_table2", &sh, &err), -ENOENT);
	assert_int_equal(elf32_find_section(&elf, "resource_table", &sh, &err), -ENOENT);
	assert_int_equal(elf32_find_section(&elf, ".nothere", &sh, &err), -ENOENT);
	assert_int_equal(err.code, 0);

	elf32_close(&elf);
	assert_true(is_zeroed(&elf));
	elf32_close(&elf); /* twice is fine */
	free(buf);
}

static void test_m33_ns(void **state)
{
	static const struct phdr_want want[] = {
		{0x1000, 0x10000000, 0x130, 0x134, PF_R | PF_W | PF_X},
		{0x0000, 0x10030000, 0x000, 0x800, PF_R | PF_W},
	};
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *buf = load("elf/m33-ns.elf", &size);

	(void)state;
	assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
	assert_int_equal(elf.ehdr.e_entry, 0x10000008);
	check_phdrs(&elf, want, 2);
	assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), 0);
	assert_int_equal(sh.sh_addr, 0x10000064);
	assert_int_equal(sh.sh_offset, 0x1064);
	assert_int_equal(sh.sh_size, 0xc8);
	elf32_close(&elf);
	free(buf);
}

static void test_m33_tfm(void **state)
{
	static const struct phdr_want want[] = {
		{0x1000, 0x00000000, 0x2c, 0x2c, PF_R | PF_W | PF_X},
	};
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *buf = load("elf/m33-tfm.elf", &size);

	(void)state;
	assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
	check_phdrs(&elf, want, 1);
	/* The secure image has no resource table. */
	assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), -ENOENT);
	assert_int_equal(err.code, 0);
	assert_int_equal(elf32_find_section(&elf, ".data", &sh, &err), 0);
	assert_int_equal(sh.sh_addr, 0x28);
	elf32_close(&elf);
	free(buf);
}

static void test_large(void **state)
{
	static const struct phdr_want want[] = {
		{0x001000, 0x00000000, 0x0000c, 0x0000c, PF_R | PF_W | PF_X},
		{0x002000, 0x90000000, 0x100000, 0x100000, PF_R},
		{0x102000, 0x90400000, 0x100000, 0x100000, PF_R},
		{0x202000, 0x90800000, 0x100000, 0x100000, PF_R},
		{0x302000, 0x90c00000, 0x100000, 0x100000, PF_R},
	};
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *buf = load("elf/large.elf", &size);

	(void)state;
	assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
	check_phdrs(&elf, want, 5);
	assert_int_equal(elf32_find_section(&elf, ".blob3", &sh, &err), 0);
	assert_int_equal(sh.sh_addr, 0x90c00000);
	assert_int_equal(sh.sh_size, 0x100000);
	elf32_close(&elf);
	free(buf);
}

/* Nothing is read from the caller's buffer after open, except segment bytes. */
static void test_private_copies(void **state)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	Elf32_Shdr sh;
	size_t size;
	uint8_t *buf = load("elf/m4-demo.elf", &size);

	(void)state;
	assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
	memset(buf, 0xFF, sizeof(Elf32_Ehdr) + 3 * sizeof(Elf32_Phdr));
	memset(buf + M4_SHOFF, 0xFF, M4_SHNUM * sizeof(Elf32_Shdr));
	memset(buf + M4_SHSTRTAB_OFF, 'x', 0xd5);
	assert_int_equal(elf.ehdr.e_phnum, 3);
	assert_int_equal(elf32_phdr(&elf, 1)->p_vaddr, 0x10000000);
	assert_int_equal(elf32_phdr(&elf, 1)->p_filesz, 0xcc);
	assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), 0);
	assert_int_equal(sh.sh_offset, 0x2000);
	elf32_close(&elf);
	free(buf);
}

static void test_reject_header(void **state)
{
	size_t size;
	uint8_t *orig = load("elf/m4-demo.elf", &size);
	uint8_t *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
#define MUTATE(stmt, what)                                                                         \
	do {                                                                                       \
		memcpy(buf, orig, size);                                                           \
		stmt;                                                                              \
		expect_reject(buf, size, what);                                                    \
	} while (0)

	MUTATE(buf[0] = 0x7e, "magic");
	MUTATE(buf[EI_MAG3] = 'G', "magic");
	MUTATE(buf[EI_CLASS] = ELFCLASS64, "ELF64 not supported");
	MUTATE(buf[EI_CLASS] = ELFCLASSNONE, "class");
	MUTATE(buf[EI_DATA] = ELFDATA2MSB, "big-endian");
	MUTATE(buf[EI_DATA] = 3, "data encoding");
	MUTATE(buf[EI_VERSION] = 2, "EI_VERSION");
	MUTATE(ehdr_of(buf)->e_version = 2, "e_version");
	MUTATE(ehdr_of(buf)->e_type = ET_DYN, "e_type 3");
	MUTATE(ehdr_of(buf)->e_type = ET_REL, "e_type");
	MUTATE(ehdr_of(buf)->e_type = ET_CORE, "e_type 4");
	MUTATE(ehdr_of(buf)->e_machine = EM_X86_64, "e_machine 62");
	MUTATE(ehdr_of(buf)->e_machine = EM_AARCH64, "e_machine");
	MUTATE(ehdr_of(buf)->e_ehsize = 64, "e_ehsize 64");
	MUTATE(ehdr_of(buf)->e_phentsize = 56, "e_phentsize 56");
	MUTATE(ehdr_of(buf)->e_phentsize = 0, "e_phentsize 0");
	MUTATE(ehdr_of(buf)->e_shentsize = 64, "e_shentsize 64");
	MUTATE(ehdr_of(buf)->e_phnum = ELF32_MAX_PHDRS + 1, "e_phnum 257");
	MUTATE(ehdr_of(buf)->e_phnum = 0xFFFF, "e_phnum");
	MUTATE(ehdr_of(buf)->e_shnum = ELF32_MAX_SHDRS + 1, "e_shnum 1025");
	MUTATE(ehdr_of(buf)->e_phoff = (uint32_t)size, "program header table");
	MUTATE(ehdr_of(buf)->e_phoff = (uint32_t)size - 95, "past end of file");
	MUTATE(ehdr_of(buf)->e_phoff = 0xFFFFFFF0u, "wraps");
	MUTATE(ehdr_of(buf)->e_phoff = 0xFFFFFFE0u, "program header table: e_phoff 0xffffffe0");
	MUTATE(ehdr_of(buf)->e_shoff = (uint32_t)size - 10, "section header table");
	MUTATE(ehdr_of(buf)->e_shoff = 0xFFFFFFF0u, "wraps");
	MUTATE(ehdr_of(buf)->e_shstrndx = M4_SHNUM, "e_shstrndx 20 out of range");
	MUTATE(ehdr_of(buf)->e_shstrndx = 0xFFFF, "e_shstrndx");
	MUTATE(ehdr_of(buf)->e_shstrndx = 1, "SHT_STRTAB");
	MUTATE(ehdr_of(buf)->e_shnum = 0, "extended section numbering");
	MUTATE((ehdr_of(buf)->e_shnum = 0, ehdr_of(buf)->e_shoff = 0), "no section headers");

	/* ET_CORE is only for elf32_open_any(allow_core), and EXEC is accepted there too. */
	memcpy(buf, orig, size);
	ehdr_of(buf)->e_type = ET_CORE;
	{
		struct rpt_error err = {0};
		struct elf32_file elf;

		assert_int_equal(elf32_open_any(&elf, buf, size, true, &err), 0);
		elf32_close(&elf);
		assert_int_equal(elf32_open_any(&elf, orig, size, true, &err), 0);
		elf32_close(&elf);
	}
	ehdr_of(buf)->e_machine = EM_386;
	expect_reject_any(buf, size, true, "e_machine");

	/* The other fields of a valid file still allow these edge values. */
	memcpy(buf, orig, size);
	ehdr_of(buf)->e_shstrndx = SHN_UNDEF; /* no names at all */
	{
		struct rpt_error err = {0};
		struct elf32_file elf;
		Elf32_Shdr sh;

		assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
		assert_null(elf.shstrtab);
		assert_int_equal(elf32_find_section(&elf, ".resource_table", &sh, &err), -ENOENT);
		assert_string_equal(elf32_section_name(&elf, &elf.shdrs[3]), "");
		elf32_close(&elf);
	}
	/* No section headers at all is fine (e_shentsize is then not checked). */
	memcpy(buf, orig, size);
	ehdr_of(buf)->e_shnum = 0;
	ehdr_of(buf)->e_shoff = 0;
	ehdr_of(buf)->e_shstrndx = 0;
	ehdr_of(buf)->e_shentsize = 0;
	expect_accept(buf, size);

	/* Short files. */
	expect_reject(orig, 0, "shorter than the 52-byte header");
	expect_reject(orig, sizeof(Elf32_Ehdr) - 1, "51 bytes");
	{
		struct rpt_error err = {0};
		struct elf32_file elf;

		assert_int_equal(elf32_open(&elf, NULL, 0, &err), -RPT_EFORMAT);
		assert_true(is_zeroed(&elf));
	}
#undef MUTATE
	free(buf);
	free(orig);
}

static void test_reject_segments_sections(void **state)
{
	size_t size;
	uint8_t *orig = load("elf/m4-demo.elf", &size);
	uint8_t *buf = malloc(size);

	(void)state;
	assert_non_null(buf);
#define MUTATE(stmt, what)                                                                         \
	do {                                                                                       \
		memcpy(buf, orig, size);                                                           \
		stmt;                                                                              \
		expect_reject(buf, size, what);                                                    \
	} while (0)

	MUTATE(phdr_of(buf, 1)->p_offset = (uint32_t)size - 0x10, "segment 1: p_offset");
	MUTATE(phdr_of(buf, 1)->p_offset = (uint32_t)size - 0xcb, "past end of file (12112 bytes)");
	MUTATE(phdr_of(buf, 1)->p_offset = 0xFFFFFF80u,
	       "segment 1: p_offset 0xffffff80 + p_filesz 0xcc wraps");
	MUTATE((phdr_of(buf, 0)->p_filesz = 0x62),
	       "segment 0: p_filesz 0x62 larger than p_memsz 0x61");
	MUTATE((phdr_of(buf, 1)->p_filesz = 0xFFFFFFFFu, phdr_of(buf, 1)->p_memsz = 0xFFFFFFFFu),
	       "segment 1");
	MUTATE(phdr_of(buf, 2)->p_offset = (uint32_t)size + 1, "segment 2");
	MUTATE(phdr_of(buf, 2)->p_paddr = 0xFFFFFF00u,
	       "segment 2: p_paddr 0xffffff00 + p_memsz 0x800 runs past 4 GiB");
	MUTATE(phdr_of(buf, 2)->p_vaddr = 0xFFFFFF00u, "p_vaddr");

	MUTATE(shdr_of(buf, 3)->sh_offset = (uint32_t)size, "section 3: sh_offset");
	MUTATE(shdr_of(buf, 3)->sh_size = 0x10000, "section 3");
	MUTATE(shdr_of(buf, 7)->sh_offset = 0xFFFFFFF0u,
	       "section 7: sh_offset 0xfffffff0 + sh_size 0x3b8 wraps");
	MUTATE(shdr_of(buf, M4_SHSTRTAB_IDX)->sh_size = 0x10000, "section 19");
	MUTATE(shdr_of(buf, M4_SHSTRTAB_IDX)->sh_type = SHT_PROGBITS,
	       "section 19 (e_shstrndx): sh_type 1");

	/* SHT_NOBITS sections have no file bytes: any offset/size is fine. */
	memcpy(buf, orig, size);
	shdr_of(buf, 6)->sh_offset = 0xFFFFFFF0u;
	shdr_of(buf, 6)->sh_size = 0x7FFFFFFF;
	expect_accept(buf, size);
	/* A zero-size segment may sit at the very end of the file. */
	memcpy(buf, orig, size);
	phdr_of(buf, 2)->p_offset = (uint32_t)size;
	expect_accept(buf, size);
#undef MUTATE
	free(buf);
	free(orig);
}

/* find_section on a mutated m4-demo.elf (must open fine first). */
static int find_in(uint8_t *buf, size_t size, const char *name, struct rpt_error *err)
{
	struct elf32_file elf;
	Elf32_Shdr sh;
	int ret;

	ret = elf32_open(&elf, buf, size, err);
	if (ret)
		fail_msg("rejected: %s", rpt_error_msg(err));
	ret = elf32_find_section(&elf, name, &sh, err);
	elf32_close(&elf);
	return ret;
}

static void test_section_names(void **state)
{
	struct rpt_error err = {0};
	size_t size;
	uint8_t *orig = load("elf/m4-demo.elf", &size);
	uint8_t *buf = malloc(size);
	Elf32_Shdr *str;

	(void)state;
	assert_non_null(buf);
	assert_memory_equal(orig + M4_SHSTRTAB_OFF + M4_RSC_NAME_OFF, ".resource_table", 16);

	/* The table ends right after ".res" (no NUL): neither ".res" nor the full name matches. */
	memcpy(buf, orig, size);
	str = shdr_of(buf, M4_SHSTRTAB_IDX);
	str->sh_size = M4_RSC_NAME_OFF + 4;
	assert_int_equal(find_in(buf, size, ".res", &err), -ENOENT);
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);
	assert_int_equal(find_in(buf, size, ".text", &err), 0); /* earlier names still work */

	/* The table ends right after ".resource_table", its NUL left outside. */
	str->sh_size = M4_RSC_NAME_OFF + 15;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);
	/* One more byte takes the NUL in: found. */
	str->sh_size = M4_RSC_NAME_OFF + 16;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), 0);

	/* ".res" written as the last bytes of the full table (its final NUL replaced). */
	memcpy(buf, orig, size);
	memcpy(buf + M4_SHSTRTAB_OFF + 0xd5 - 4, ".res", 4);
	shdr_of(buf, 3)->sh_name = 0xd5 - 4;
	assert_int_equal(find_in(buf, size, ".res", &err), -ENOENT);
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);

	/* ".resource_table" without NUL as the last bytes of the table. */
	memcpy(buf, orig, size);
	memcpy(buf + M4_SHSTRTAB_OFF + 0xd5 - 15, ".resource_table", 15);
	shdr_of(buf, 3)->sh_name = 0xd5 - 15;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);

	/* sh_name past the table never matches, and has no name. */
	memcpy(buf, orig, size);
	shdr_of(buf, 3)->sh_name = 0xd5;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);
	shdr_of(buf, 3)->sh_name = 0xFFFFFFF0u;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -ENOENT);
	{
		struct elf32_file elf;

		assert_int_equal(elf32_open(&elf, buf, size, &err), 0);
		assert_string_equal(elf32_section_name(&elf, &elf.shdrs[3]), "");
		assert_string_equal(elf32_section_name(&elf, &elf.shdrs[4]), ".data");
		elf32_close(&elf);
	}
	assert_int_equal(err.code, 0);

	/* Two sections named ".resource_table": refused, not "the first one". */
	memcpy(buf, orig, size);
	shdr_of(buf, 4)->sh_name = M4_RSC_NAME_OFF;
	assert_int_equal(find_in(buf, size, ".resource_table", &err), -RPT_EFORMAT);
	assert_int_equal(err.code, -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "sections 3 and 4"));
	assert_non_null(strstr(err.msg, "\".resource_table\""));
	/* The other names are unaffected. */
	rpt_error_clear(&err);
	assert_int_equal(find_in(buf, size, ".text", &err), 0);

	free(buf);
	free(orig);
}

/* Every prefix of m4-demo.elf: rejected cleanly, or accepted once all tables fit. */
static void test_truncations(void **state)
{
	size_t size, len, accepted = 0;
	uint8_t *orig = load("elf/m4-demo.elf", &size);
	size_t tables_end = M4_SHOFF + M4_SHNUM * sizeof(Elf32_Shdr);

	(void)state;
	assert_int_equal(tables_end, size);
	for (len = 0; len <= tables_end; len++) {
		/* An exact-size copy so that ASan sees any read past `len`. */
		uint8_t *buf = malloc(len ? len : 1);
		struct rpt_error err = {0};
		struct elf32_file elf;
		int ret;

		assert_non_null(buf);
		memcpy(buf, orig, len);
		ret = elf32_open(&elf, buf, len, &err);
		if (ret == 0) {
			accepted++;
			assert_int_equal(len, tables_end);
			elf32_close(&elf);
		} else {
			assert_int_equal(ret, -RPT_EFORMAT);
			assert_int_equal(err.code, ret);
			assert_true(err.msg[0] != '\0');
			assert_true(is_zeroed(&elf));
		}
		free(buf);
	}
	assert_int_equal(accepted, 1);
	free(orig);
}

/* Every header byte set to a few hostile values: never a crash, never a half-open struct. */
static void test_header_bytes(void **state)
{
	static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
	size_t size, pos, region;
	uint8_t *orig = load("elf/m4-demo.elf", &size);
	uint8_t *buf = malloc(size);
	unsigned int v, rejected = 0;

	(void)state;
	assert_non_null(buf);
	region = sizeof(Elf32_Ehdr) + 3 * sizeof(Elf32_Phdr);
	for (pos = 0; pos < region; pos++) {
		for (v = 0; v < sizeof(values); v++) {
			struct rpt_error err = {0};
			struct elf32_file elf;
			Elf32_Shdr sh;

			memcpy(buf, orig, size);
			buf[pos] = values[v];
			if (elf32_open(&elf, buf, size, &err)) {
				assert_true(is_zeroed(&elf));
				assert_true(err.msg[0] != '\0');
				rejected++;
				continue;
			}
			(void)elf32_find_section(&elf, ".resource_table", &sh, &err);
			for (unsigned int i = 0; i < elf32_phnum(&elf); i++)
				assert_non_null(elf32_segment_data(&elf, elf32_phdr(&elf, i)));
			elf32_close(&elf);
		}
	}
	assert_true(rejected > 0);
	free(buf);
	free(orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_m4_demo),
		cmocka_unit_test(test_m33_ns),
		cmocka_unit_test(test_m33_tfm),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_private_copies),
		cmocka_unit_test(test_reject_header),
		cmocka_unit_test(test_reject_segments_sections),
		cmocka_unit_test(test_section_names),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_header_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
