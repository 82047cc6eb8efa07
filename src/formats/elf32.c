// SPDX-License-Identifier: BSD-2-Clause
/*
 * ELF32 reader. Every header is copied out of the caller's buffer once, then
 * checked and used from the private copy only (see elf32.h).
 */
#include "formats/elf32.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ELF32 reader uses little-endian ELF headers in place: little-endian hosts only"
#endif

static const char *elf_type_str(unsigned int type)
{
	switch (type) {
	case ET_NONE:
		return "ET_NONE";
	case ET_REL:
		return "ET_REL";
	case ET_EXEC:
		return "ET_EXEC";
	case ET_DYN:
		return "ET_DYN";
	case ET_CORE:
		return "ET_CORE";
	default:
		return "unknown";
	}
}

/* True if [addr, addr + len) runs past the top of the 32-bit address space. */
static bool past_4g(uint32_t addr, uint32_t len)
{
	return (uint64_t)addr + len > ((uint64_t)1 << 32);
}

static int check_ident(const Elf32_Ehdr *eh, struct rpt_error *err)
{
	const unsigned char *id = eh->e_ident;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 || id[EI_MAG2] != ELFMAG2 ||
	    id[EI_MAG3] != ELFMAG3)
		return rpt_error_set(err, RPT_EFORMAT,
				     "ELF header: bad magic %02x %02x %02x %02x (not an ELF file)",
				     id[EI_MAG0], id[EI_MAG1], id[EI_MAG2], id[EI_MAG3]);
	if (id[EI_CLASS] == ELFCLASS64)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"ELF header: class ELFCLASS64: ELF64 not supported (ELF32 only)");
	if (id[EI_CLASS] != ELFCLASS32)
		return rpt_error_set(err, RPT_EFORMAT, "ELF header: bad class %u (ELF32 expected)",
				     id[EI_CLASS]);
	if (id[EI_DATA] == ELFDATA2MSB)
		return rpt_error_set(err, RPT_EFORMAT,
				     "ELF header: ELFDATA2MSB: big-endian not supported");
	if (id[EI_DATA] != ELFDATA2LSB)
		return rpt_error_set(err, RPT_EFORMAT,
				     "ELF header: bad data encoding %u (little-endian expected)",
				     id[EI_DATA]);
	if (id[EI_VERSION] != EV_CURRENT)
		return rpt_error_set(err, RPT_EFORMAT, "ELF header: EI_VERSION %u, expected %u",
				     id[EI_VERSION], EV_CURRENT);
	return 0;
}

static int check_ehdr(const Elf32_Ehdr *eh, size_t size, bool allow_core, struct rpt_error *err)
{
	uint32_t bytes, end;
	int ret;

	ret = check_ident(eh, err);
	if (ret)
		return ret;
	if (eh->e_version != EV_CURRENT)
		return rpt_error_set(err, RPT_EFORMAT, "ELF header: e_version %u, expected %u",
				     eh->e_version, EV_CURRENT);
	if (eh->e_type != ET_EXEC && !(allow_core && eh->e_type == ET_CORE))
		return rpt_error_set(err, RPT_EFORMAT,
				     "ELF header: e_type %u (%s), expected ET_EXEC%s", eh->e_type,
				     elf_type_str(eh->e_type), allow_core ? " or ET_CORE" : "");
	if (eh->e_machine != EM_ARM)
		return rpt_error_set(err, RPT_EFORMAT,
				     "ELF header: e_machine %u, expected EM_ARM (%u)",
				     eh->e_machine, EM_ARM);
	if (eh->e_ehsize != sizeof(Elf32_Ehdr))
		return rpt_error_set(err, RPT_EFORMAT, "ELF header: e_ehsize %u, expected %zu",
				     eh->e_ehsize, sizeof(Elf32_Ehdr));

	if (eh->e_phnum > 0) {
		if (eh->e_phentsize != sizeof(Elf32_Phdr))
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_phentsize %u, expected %zu",
					     eh->e_phentsize, sizeof(Elf32_Phdr));
		if (eh->e_phnum > ELF32_MAX_PHDRS)
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_phnum %u, more than the %u allowed",
					     eh->e_phnum, ELF32_MAX_PHDRS);
		bytes = (uint32_t)eh->e_phnum * sizeof(Elf32_Phdr);
		if (add_overflow(eh->e_phoff, bytes, &end))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"program header table: e_phoff 0x%x + %u bytes wraps past 4 GiB",
				eh->e_phoff, bytes);
		if (!range_inside(eh->e_phoff, bytes, size))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"program header table: e_phoff 0x%x + %u bytes past end of file (%zu bytes)",
				eh->e_phoff, bytes, size);
	}

	if (eh->e_shnum > 0) {
		if (eh->e_shentsize != sizeof(Elf32_Shdr))
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_shentsize %u, expected %zu",
					     eh->e_shentsize, sizeof(Elf32_Shdr));
		if (eh->e_shnum > ELF32_MAX_SHDRS)
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_shnum %u, more than the %u allowed",
					     eh->e_shnum, ELF32_MAX_SHDRS);
		bytes = (uint32_t)eh->e_shnum * sizeof(Elf32_Shdr);
		if (add_overflow(eh->e_shoff, bytes, &end))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"section header table: e_shoff 0x%x + %u bytes wraps past 4 GiB",
				eh->e_shoff, bytes);
		if (!range_inside(eh->e_shoff, bytes, size))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"section header table: e_shoff 0x%x + %u bytes past end of file (%zu bytes)",
				eh->e_shoff, bytes, size);
		if (eh->e_shstrndx != SHN_UNDEF && eh->e_shstrndx >= eh->e_shnum)
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_shstrndx %u out of range (e_shnum %u)",
					     eh->e_shstrndx, eh->e_shnum);
	} else {
		/* e_shnum 0 with a table offset is extended numbering: not for firmware. */
		if (eh->e_shoff != 0)
			return rpt_error_set(
				err, RPT_EFORMAT,
				"ELF header: e_shnum 0 but e_shoff 0x%x (extended section numbering not supported)",
				eh->e_shoff);
		if (eh->e_shstrndx != SHN_UNDEF)
			return rpt_error_set(err, RPT_EFORMAT,
					     "ELF header: e_shstrndx %u but no section headers",
					     eh->e_shstrndx);
	}
	return 0;
}

static int check_phdr(const Elf32_Phdr *ph, unsigned int idx, size_t size, struct rpt_error *err)
{
	uint32_t end;

	if (ph->p_filesz > ph->p_memsz)
		return rpt_error_set(err, RPT_EFORMAT,
				     "segment %u: p_filesz 0x%x larger than p_memsz 0x%x", idx,
				     ph->p_filesz, ph->p_memsz);
	if (add_overflow(ph->p_offset, ph->p_filesz, &end))
		return rpt_error_set(err, RPT_EFORMAT,
				     "segment %u: p_offset 0x%x + p_filesz 0x%x wraps past 4 GiB",
				     idx, ph->p_offset, ph->p_filesz);
	if (!range_inside(ph->p_offset, ph->p_filesz, size))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"segment %u: p_offset 0x%x + p_filesz 0x%x past end of file (%zu bytes)",
			idx, ph->p_offset, ph->p_filesz, size);
	if (ph->p_type == PT_LOAD) {
		if (past_4g(ph->p_paddr, ph->p_memsz))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"segment %u: p_paddr 0x%x + p_memsz 0x%x runs past 4 GiB", idx,
				ph->p_paddr, ph->p_memsz);
		if (past_4g(ph->p_vaddr, ph->p_memsz))
			return rpt_error_set(
				err, RPT_EFORMAT,
				"segment %u: p_vaddr 0x%x + p_memsz 0x%x runs past 4 GiB", idx,
				ph->p_vaddr, ph->p_memsz);
	}
	return 0;
}

static int check_shdr(const Elf32_Shdr *sh, unsigned int idx, size_t size, struct rpt_error *err)
{
	uint32_t end;

	/* SHT_NULL headers are inactive; SHT_NOBITS sections occupy no file bytes. */
	if (sh->sh_type == SHT_NULL || sh->sh_type == SHT_NOBITS)
		return 0;
	if (add_overflow(sh->sh_offset, sh->sh_size, &end))
		return rpt_error_set(err, RPT_EFORMAT,
				     "section %u: sh_offset 0x%x + sh_size 0x%x wraps past 4 GiB",
				     idx, sh->sh_offset, sh->sh_size);
	if (!range_inside(sh->sh_offset, sh->sh_size, size))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"section %u: sh_offset 0x%x + sh_size 0x%x past end of file (%zu bytes)",
			idx, sh->sh_offset, sh->sh_size, size);
	return 0;
}

int elf32_open_any(struct elf32_file *elf, const uint8_t *data, size_t size, bool allow_core,
		   struct rpt_error *err)
{
	const Elf32_Shdr *strsh;
	size_t bytes, strsize;
	unsigned int i;
	int ret;

	if (!elf)
		return rpt_error_set(err, EINVAL, "elf32_open: no output struct");
	memset(elf, 0, sizeof(*elf));
	if (!data && size)
		return rpt_error_set(err, EINVAL, "elf32_open: NULL buffer of %zu bytes", size);
	if (size < sizeof(Elf32_Ehdr))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"ELF header: file of %zu bytes, shorter than the %zu-byte header", size,
			sizeof(Elf32_Ehdr));

	memcpy(&elf->ehdr, data, sizeof(elf->ehdr));
	ret = check_ehdr(&elf->ehdr, size, allow_core, err);
	if (ret)
		goto fail;

	if (elf->ehdr.e_phnum) {
		bytes = (size_t)elf->ehdr.e_phnum * sizeof(Elf32_Phdr);
		elf->phdrs = malloc(bytes);
		if (!elf->phdrs) {
			ret = rpt_error_set(err, ENOMEM, "program header table: out of memory");
			goto fail;
		}
		memcpy(elf->phdrs, data + elf->ehdr.e_phoff, bytes);
		for (i = 0; i < elf->ehdr.e_phnum; i++) {
			ret = check_phdr(&elf->phdrs[i], i, size, err);
			if (ret)
				goto fail;
		}
	}

	if (elf->ehdr.e_shnum) {
		bytes = (size_t)elf->ehdr.e_shnum * sizeof(Elf32_Shdr);
		elf->shdrs = malloc(bytes);
		if (!elf->shdrs) {
			ret = rpt_error_set(err, ENOMEM, "section header table: out of memory");
			goto fail;
		}
		memcpy(elf->shdrs, data + elf->ehdr.e_shoff, bytes);
		for (i = 0; i < elf->ehdr.e_shnum; i++) {
			ret = check_shdr(&elf->shdrs[i], i, size, err);
			if (ret)
				goto fail;
		}
	}

	if (elf->ehdr.e_shnum && elf->ehdr.e_shstrndx != SHN_UNDEF) {
		strsh = &elf->shdrs[elf->ehdr.e_shstrndx];
		if (strsh->sh_type != SHT_STRTAB) {
			ret = rpt_error_set(
				err, RPT_EFORMAT,
				"section %u (e_shstrndx): sh_type %u, expected SHT_STRTAB",
				elf->ehdr.e_shstrndx, strsh->sh_type);
			goto fail;
		}
		/* Inside the file (checked above), so sh_size + 1 cannot wrap a size_t. */
		strsize = strsh->sh_size;
		elf->shstrtab = malloc(strsize + 1);
		if (!elf->shstrtab) {
			ret = rpt_error_set(err, ENOMEM, "section name table: out of memory");
			goto fail;
		}
		memcpy(elf->shstrtab, data + strsh->sh_offset, strsize);
		elf->shstrtab[strsize] = '\0';
		elf->shstrtab_size = strsize;
	}

	elf->data = data;
	elf->size = size;
	return 0;

fail:
	elf32_close(elf);
	return ret;
}

int elf32_open(struct elf32_file *elf, const uint8_t *data, size_t size, struct rpt_error *err)
{
	return elf32_open_any(elf, data, size, false, err);
}

void elf32_close(struct elf32_file *elf)
{
	if (!elf)
		return;
	free(elf->phdrs);
	free(elf->shdrs);
	free(elf->shstrtab);
	memset(elf, 0, sizeof(*elf));
}

const Elf32_Phdr *elf32_phdr(const struct elf32_file *elf, unsigned int idx)
{
	if (!elf || !elf->phdrs || idx >= elf->ehdr.e_phnum)
		return NULL;
	return &elf->phdrs[idx];
}

const uint8_t *elf32_segment_data(const struct elf32_file *elf, const Elf32_Phdr *ph)
{
	/* Checked at open for our own copies; checked again for a header from elsewhere. */
	if (!elf || !ph || !elf->data || !range_inside(ph->p_offset, ph->p_filesz, elf->size))
		return NULL;
	return elf->data + ph->p_offset;
}

/* True if the table holds exactly `name` (with its NUL) at offset `off`. */
static bool name_at(const struct elf32_file *elf, uint32_t off, const char *name, size_t len)
{
	/* len + 1 bytes, the NUL included, must lie inside the table itself. */
	if (!range_inside(off, (uint64_t)len + 1, elf->shstrtab_size))
		return false;
	return memcmp(elf->shstrtab + off, name, len + 1) == 0;
}

int elf32_find_section(const struct elf32_file *elf, const char *name, Elf32_Shdr *out,
		       struct rpt_error *err)
{
	unsigned int i, found = 0;
	bool have = false;
	size_t len;

	if (!elf || !name)
		return rpt_error_set(err, EINVAL, "elf32_find_section: NULL argument");
	/*
	 * Absence is not an error for callers (the resource table is optional),
	 * so -ENOENT is returned without recording a message in err.
	 */
	if (!elf->shdrs || !elf->shstrtab)
		return -ENOENT;
	len = strlen(name);
	for (i = 0; i < elf->ehdr.e_shnum; i++) {
		if (elf->shdrs[i].sh_type == SHT_NULL)
			continue;
		if (!name_at(elf, elf->shdrs[i].sh_name, name, len))
			continue;
		if (have)
			return rpt_error_set(err, RPT_EFORMAT,
					     "sections %u and %u are both named \"%s\"", found, i,
					     name);
		have = true;
		found = i;
	}
	if (!have)
		return -ENOENT;
	if (out)
		*out = elf->shdrs[found];
	return 0;
}

const char *elf32_section_name(const struct elf32_file *elf, const Elf32_Shdr *sh)
{
	if (!elf || !sh || !elf->shstrtab || sh->sh_name >= elf->shstrtab_size)
		return "";
	/* The private copy has a NUL appended, so a name cut at the end stays a string. */
	return elf->shstrtab + sh->sh_name;
}
