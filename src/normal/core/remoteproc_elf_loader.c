// SPDX-License-Identifier: BSD-2-Clause
/* The ELF loader (Linux remoteproc_elf_loader.c): see remoteproc_elf_loader.h. */
#include "normal/core/remoteproc_elf_loader.h"

#include <errno.h>
#include <string.h>

#include "common/safe_math.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "formats/signed_image.h"

int rproc_elf_sanity_check(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct elf32_file elf;
	unsigned int i, loads = 0;
	int ret;

	(void)rproc;
	/* The image a TEE board takes, given to a board that loads ELF itself: say which it is. */
	if (fw->size >= 4 && get_le32(fw->data) == SIMG_MAGIC)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"this is a signed image (made by rproc-sign), not an ELF file: "
			"this processor boots plain ELF firmware; a TEE board takes "
			"the signed image (its processor's compatible ends in \"-tee\", "
			"e.g. \"st,stm32mp1-m4-tee\" in boards/vstm32mp15-m4-tee.dts)");
	ret = elf32_open(&elf, fw->data, fw->size, err);
	if (ret)
		return ret;
	for (i = 0; i < elf32_phnum(&elf); i++)
		if (elf32_phdr(&elf, i)->p_type == PT_LOAD)
			loads++;
	elf32_close(&elf);
	if (!loads)
		return rpt_error_set(err, RPT_EFORMAT, "ELF file has no loadable segment");
	return 0;
}

uint32_t rproc_elf_get_boot_addr(struct rproc *rproc, const struct rproc_fw *fw)
{
	struct elf32_file elf;
	uint32_t entry;

	(void)rproc;
	if (elf32_open(&elf, fw->data, fw->size, NULL))
		return 0;
	entry = elf.ehdr.e_entry;
	elf32_close(&elf);
	return entry;
}

/* The resource table section: 0, -ENOENT if absent, or an error. */
static int find_rsc_section(struct elf32_file *elf, Elf32_Shdr *sh, struct rpt_error *err)
{
	int ret;

	ret = elf32_find_section(elf, RSC_TABLE_SECTION, sh, err);
	if (ret)
		return ret;
	if (sh->sh_type == SHT_NOBITS || !sh->sh_size)
		return rpt_error_set(err, RPT_EFORMAT, "%s section has no bytes in the file",
				     RSC_TABLE_SECTION);
	return 0;
}

int rproc_elf_load_rsc_table(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct elf32_file elf;
	Elf32_Shdr sh;
	int ret;

	ret = elf32_open(&elf, fw->data, fw->size, err);
	if (ret)
		return ret;
	ret = find_rsc_section(&elf, &sh, err);
	if (ret == -ENOENT) {
		/* Firmware without resources is allowed (Linux: "no resource table found"). */
		rproc_log(rproc, RPT_LOG_INFO, "no resource table found in %s", rproc->firmware);
		ret = 0;
	} else if (!ret) {
		/* elf32_open checked that the section's file range lies inside the file. */
		ret = rproc_cache_rsc_table(rproc, fw->data + sh.sh_offset, sh.sh_size, err);
	}
	elf32_close(&elf);
	return ret;
}

int rproc_elf_find_loaded_rsc_table(struct rproc *rproc, const struct rproc_fw *fw, void **table,
				    size_t *len, struct rpt_error *err)
{
	struct elf32_file elf;
	Elf32_Shdr sh;
	int ret;

	*table = NULL;
	*len = 0;
	ret = elf32_open(&elf, fw->data, fw->size, err);
	if (ret)
		return ret;
	ret = find_rsc_section(&elf, &sh, err);
	if (ret == -ENOENT) {
		ret = 0;
	} else if (!ret) {
		*table = rproc_da_to_va(rproc, sh.sh_addr, sh.sh_size);
		if (!*table)
			ret = rpt_error_set(
				err, RPT_ERANGE,
				"%s at da 0x%x size 0x%x is not in a memory the normal world maps",
				RSC_TABLE_SECTION, sh.sh_addr, sh.sh_size);
		else
			*len = sh.sh_size;
	}
	elf32_close(&elf);
	return ret;
}

/* A segment may go only into one loadable memory that the normal world maps. */
static int check_segment(struct rproc *rproc, unsigned int idx, const Elf32_Phdr *ph,
			 struct rpt_error *err)
{
	const struct rproc_memory *mem = rproc_find_memory(rproc, ph->p_paddr, ph->p_memsz);

	if (!mem)
		return rpt_error_set(
			err, RPT_ERANGE,
			"segment %u: da 0x%x memsz 0x%x is not wholly inside one memory of the processor",
			idx, ph->p_paddr, ph->p_memsz);
	if (!mem->loadable)
		return rpt_error_set(err, RPT_ERANGE,
				     "segment %u: da 0x%x is in memory %s, which takes no firmware",
				     idx, ph->p_paddr, mem->name);
	if (!rproc_da_to_va(rproc, ph->p_paddr, ph->p_memsz))
		return rpt_error_set(err, RPT_ERANGE,
				     "segment %u: da 0x%x is in memory %s, not mapped here", idx,
				     ph->p_paddr, mem->name);
	return 0;
}

int rproc_elf_load_segments(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct elf32_file elf;
	const Elf32_Phdr *ph;
	unsigned int i;
	uint8_t *va;
	int ret;

	ret = elf32_open(&elf, fw->data, fw->size, err);
	if (ret)
		return ret;
	/* Check them all first: a refused firmware leaves memory untouched. */
	for (i = 0; i < elf32_phnum(&elf); i++) {
		ph = elf32_phdr(&elf, i);
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		ret = check_segment(rproc, i, ph, err);
		if (ret)
			goto out;
	}
	rproc_coredump_cleanup(rproc);
	for (i = 0; i < elf32_phnum(&elf); i++) {
		ph = elf32_phdr(&elf, i);
		if (ph->p_type != PT_LOAD || !ph->p_memsz)
			continue;
		va = rproc_da_to_va(rproc, ph->p_paddr, ph->p_memsz);
		memcpy(va, elf32_segment_data(&elf, ph), ph->p_filesz);
		memset(va + ph->p_filesz, 0, ph->p_memsz - ph->p_filesz);
		ret = rproc_coredump_add_segment(rproc, ph->p_paddr, ph->p_memsz);
		if (ret) {
			rpt_error_set(err, ret, "segment %u: cannot register it for coredumps", i);
			goto out;
		}
	}
out:
	elf32_close(&elf);
	return ret;
}
