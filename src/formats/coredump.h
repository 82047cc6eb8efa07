/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF32 core file writer for coprocessor crash dumps.
 *
 * Layout: ELF header (ET_CORE, EM_ARM, ELFCLASS32, little-endian), one PT_LOAD
 * program header per segment (p_vaddr = p_paddr = da, p_filesz = p_memsz =
 * size, flags RWX), each segment's bytes at a 4-byte aligned offset, then a
 * ".shstrtab" name table and a two-entry section header table (SHT_NULL and
 * .shstrtab) so that binutils' readelf -a accepts the file cleanly.
 * elf32_open_any(allow_core = true) reads the result back.
 *
 * The TA uses coredump_size() + coredump_write() to give GlobalPlatform
 * SHORT_BUFFER semantics (ask the size, then write into the caller's buffer);
 * tools use coredump_build(), which allocates.
 */
#ifndef RPT_FORMATS_COREDUMP_H
#define RPT_FORMATS_COREDUMP_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

/* At most this many segments (the ELF32 reader's program header limit). */
#define COREDUMP_MAX_SEGMENTS 256

struct coredump_segment {
	uint32_t da;	  /* device address of the first byte */
	uint32_t size;	  /* bytes */
	const void *data; /* size bytes (may be NULL only if size is 0) */
};

/*
 * Exact size in bytes of the core file for these segments, without allocating.
 * 0 if the segments cannot be written (too many, NULL data, da + size wrapping
 * past 4 GiB, or a file larger than 4 GiB): a valid core is never empty.
 */
size_t coredump_size(const struct coredump_segment *segs, unsigned int n);

/*
 * Write the core file into buf. Returns 0, -EINVAL for segments that cannot be
 * written, or -ENOSPC if buf_len is smaller than coredump_size() (then nothing
 * at all is written to buf).
 */
int coredump_write(const struct coredump_segment *segs, unsigned int n, uint8_t *buf,
		   size_t buf_len, struct rpt_error *err);

/* Allocate and write the core file; free(*out). On failure *out = NULL, *out_len = 0. */
int coredump_build(const struct coredump_segment *segs, unsigned int n, uint8_t **out,
		   size_t *out_len, struct rpt_error *err);

#endif
