/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF32 little-endian reader for Cortex-M firmware.
 *
 * elf32_open() checks the file header and takes PRIVATE COPIES of the ELF
 * header, the program header table, the section header table and the section
 * name string table. Everything later (segment lookup, section by name) reads
 * those copies only, so a caller whose file buffer is shared with an untrusted
 * party (the TA reading a normal-world buffer) never re-reads metadata that
 * could have changed after it was checked. Segment contents are the one thing
 * still read from the caller's buffer; a caller that cares copies them first.
 */
#ifndef RPT_FORMATS_ELF32_H
#define RPT_FORMATS_ELF32_H

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* Upper bounds that keep hostile headers from asking for huge private copies. */
#define ELF32_MAX_PHDRS 256
#define ELF32_MAX_SHDRS 1024

struct elf32_file {
	const uint8_t *data;  /* the whole file as given (not owned, may be shared) */
	size_t size;	      /* bytes in data */
	Elf32_Ehdr ehdr;      /* private copy of the checked ELF header */
	Elf32_Phdr *phdrs;    /* private copy of e_phnum program headers (owned) */
	Elf32_Shdr *shdrs;    /* private copy of e_shnum section headers, NULL if none (owned) */
	char *shstrtab;	      /* private copy of the section-name string table, NUL-ended (owned) */
	size_t shstrtab_size; /* bytes in shstrtab, not counting the extra NUL we append */
};

/*
 * Parse and check an ELF32 file: magic, class ELFCLASS32, data ELFDATA2LSB,
 * version, e_type (ET_EXEC, or also ET_CORE with allow_core), e_machine EM_ARM,
 * e_phentsize/e_shentsize, tables inside the file, every program header's file
 * range inside the file and filesz <= memsz, every section's file range inside
 * the file (except SHT_NOBITS), e_shstrndx valid. Returns 0 or -RPT_EFORMAT.
 */
int elf32_open(struct elf32_file *elf, const uint8_t *data, size_t size, struct rpt_error *err);

/* Same, accepting ET_CORE files too (for reading back coredumps). */
int elf32_open_any(struct elf32_file *elf, const uint8_t *data, size_t size, bool allow_core,
		   struct rpt_error *err);

/* Free the private copies. Safe on a zeroed or already-closed struct. */
void elf32_close(struct elf32_file *elf);

static inline unsigned int elf32_phnum(const struct elf32_file *elf)
{
	return elf->ehdr.e_phnum;
}

/* The idx-th program header (private copy); NULL if idx is out of range. */
const Elf32_Phdr *elf32_phdr(const struct elf32_file *elf, unsigned int idx);

/* Pointer to a program header's p_filesz file bytes (checked at open). */
const uint8_t *elf32_segment_data(const struct elf32_file *elf, const Elf32_Phdr *ph);

/*
 * Find the section whose name is exactly `name` (NUL-terminated inside the
 * string table: a name cut off at the table's end never matches). Returns 0
 * and copies the header, -ENOENT if absent, -RPT_EFORMAT if two sections have
 * the name.
 */
int elf32_find_section(const struct elf32_file *elf, const char *name, Elf32_Shdr *out,
		       struct rpt_error *err);

/* Name of a section from the private string table, or "" if out of range. */
const char *elf32_section_name(const struct elf32_file *elf, const Elf32_Shdr *sh);

#endif
