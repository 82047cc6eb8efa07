/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF firmware helpers for drivers that load plain ELF files themselves
 * (Linux remoteproc_elf_loader.c): usable directly as rproc_ops entries.
 * Every one parses the firmware afresh with the checked ELF32 reader.
 */
#ifndef RPT_NORMAL_REMOTEPROC_ELF_LOADER_H
#define RPT_NORMAL_REMOTEPROC_ELF_LOADER_H

#include "normal/core/remoteproc.h"

/* sanity_check: a valid ELF32 ARM executable with at least one PT_LOAD segment. */
int rproc_elf_sanity_check(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);
/* get_boot_addr: e_entry (0 if the file cannot be read). */
uint32_t rproc_elf_get_boot_addr(struct rproc *rproc, const struct rproc_fw *fw);
/* parse_fw: cache the ".resource_table" section (none: no table, not an error). */
int rproc_elf_load_rsc_table(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);
/* find_loaded_rsc_table: the section's sh_addr in device memory, mapped. */
int rproc_elf_find_loaded_rsc_table(struct rproc *rproc, const struct rproc_fw *fw, void **table,
				    size_t *len, struct rpt_error *err);
/*
 * load: every PT_LOAD segment at p_paddr into a loadable, mapped memory
 * (file bytes, then zeros up to p_memsz). Every segment is checked before
 * the first byte is written. Registers the segments for the default coredump.
 */
int rproc_elf_load_segments(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err);

#endif
