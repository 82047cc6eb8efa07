// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the ELF32 reader on arbitrary bytes. Everything reachable
 * from an accepted file is walked (segment bytes, section names, the resource
 * table found by name) so that ASan checks every range the reader vouched for.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "formats/elf32.h"
#include "formats/rsc_table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile uint8_t sink;

/* Read the first and last byte of a range the reader says is inside the file. */
static void touch(const uint8_t *p, size_t len)
{
	if (!len)
		return;
	sink ^= p[0];
	sink ^= p[len - 1];
}

static int visit(void *ctx, unsigned int idx, uint32_t type, void *body, size_t body_len)
{
	(void)ctx;
	(void)idx;
	(void)type;
	touch(body, body_len);
	return 0;
}

static void walk_rsc(const struct elf32_file *elf)
{
	struct rpt_error err = {0};
	Elf32_Shdr sh;
	uint8_t *copy;

	if (elf32_find_section(elf, RSC_TABLE_SECTION, &sh, &err))
		return;
	if (sh.sh_type == SHT_NOBITS || !sh.sh_size)
		return;
	/* A private, mutable copy, as the loader makes before using the table. */
	copy = malloc(sh.sh_size);
	if (!copy)
		return;
	memcpy(copy, elf->data + sh.sh_offset, sh.sh_size);
	if (rsc_table_validate(copy, sh.sh_size, &err) == 0)
		rsc_table_for_each(copy, sh.sh_size, visit, NULL);
	free(copy);
}

static void walk(const uint8_t *data, size_t size, bool allow_core)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	unsigned int i;

	if (elf32_open_any(&elf, data, size, allow_core, &err)) {
		/* A failure always says why and leaves nothing allocated. */
		if (!err.code || !err.msg[0] || elf.phdrs || elf.shdrs || elf.shstrtab)
			abort();
		return;
	}
	for (i = 0; i < elf32_phnum(&elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(&elf, i);
		const uint8_t *p = elf32_segment_data(&elf, ph);

		if (!p)
			abort();
		touch(p, ph->p_filesz);
	}
	for (i = 0; i < elf.ehdr.e_shnum; i++) {
		const Elf32_Shdr *sh = &elf.shdrs[i];
		const char *name = elf32_section_name(&elf, sh);
		Elf32_Shdr found;

		sink ^= (uint8_t)strlen(name);
		if (sh->sh_type != SHT_NOBITS && sh->sh_type != SHT_NULL)
			touch(data + sh->sh_offset, sh->sh_size);
		/* A name cut at the table end must never be found. */
		if (name[0] && elf32_find_section(&elf, name, &found, &err) == 0 &&
		    strcmp(elf32_section_name(&elf, &found), name) != 0)
			abort();
	}
	walk_rsc(&elf);
	elf32_close(&elf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	walk(data, size, false);
	walk(data, size, true);
	return 0;
}
