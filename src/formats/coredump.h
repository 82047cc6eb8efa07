/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ELF32 core file writer for coprocessor crash dumps.
 *
 * Layout: ELF header (ET_CORE, EM_ARM, ELFCLASS32, little-endian); when
 * registers are given, a PT_NOTE program header first (as Linux and gdb lay
 * out cores), then one PT_LOAD program header per segment (p_vaddr = p_paddr
 * = da, p_filesz = p_memsz = size, flags RWX); the note (one NT_PRSTATUS,
 * owner "CORE", the 148-byte struct elf_prstatus of 32-bit ARM Linux, which
 * is what gdb's ARM core reader expects) at a 4-byte aligned offset; each
 * segment's bytes at a 4-byte aligned offset; then a ".shstrtab" name table
 * and a two-entry section header table (SHT_NULL and .shstrtab) so that
 * binutils' readelf -a accepts the file cleanly. elf32_open_any(allow_core =
 * true) reads the result back.
 *
 * struct elf_prstatus (ARM, 148 bytes, little-endian), as written:
 *   0 pr_info.si_signo = signo, 4 si_code = 0, 8 si_errno = 0,
 *  12 pr_cursig (16 bits) = signo, 14 padding, 16 pr_sigpend, 20 pr_sighold,
 *  24 pr_pid = 1, 28 pr_ppid, 32 pr_pgrp, 36 pr_sid, 40..71 four timevals (0),
 *  72 pr_reg: 18 words r0..r12, sp, lr, pc, cpsr (= xPSR), orig_r0 (= -1),
 * 144 pr_fpvalid = 0.
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

/* Bytes of the ARM struct elf_prstatus in the NT_PRSTATUS note. */
#define COREDUMP_PRSTATUS_SIZE 148u
/* Bytes of the whole note: header (12), "CORE\0" padded to 8, the descriptor. */
#define COREDUMP_NOTE_SIZE (12u + 8u + COREDUMP_PRSTATUS_SIZE)

/* Linux signal numbers (the same on ARM) that name a crash in pr_cursig. */
#define COREDUMP_SIGILL	 4u  /* fatal error: undefined instruction, bad state */
#define COREDUMP_SIGSEGV 11u /* MMU fault: invalid memory access */
#define COREDUMP_SIGALRM 14u /* the watchdog expired */

/* Registers of the core when it stopped or crashed, for the NT_PRSTATUS note. */
struct coredump_regs {
	uint32_t r[16]; /* r0..r12, sp (r13), lr (r14), pc (r15) */
	uint32_t xpsr;	/* Cortex-M xPSR: stored where gdb reads the ARM cpsr */
	uint32_t signo; /* Linux signal number naming the crash (SIGSEGV...); 0 = stopped */
};

struct coredump_segment {
	uint32_t da;	  /* device address of the first byte */
	uint32_t size;	  /* bytes */
	const void *data; /* size bytes (may be NULL only if size is 0) */
};

/*
 * Exact size in bytes of the core file for these segments (and the register
 * note if regs is not NULL), without allocating. 0 if the segments cannot be
 * written (too many, NULL data, da + size wrapping past 4 GiB, or a file
 * larger than 4 GiB): a valid core is never empty.
 */
size_t coredump_size(const struct coredump_segment *segs, unsigned int n,
		     const struct coredump_regs *regs);

/*
 * Write the core file into buf; regs NULL: no NT_PRSTATUS note. Returns 0,
 * -EINVAL for segments that cannot be written, or -ENOSPC if buf_len is
 * smaller than coredump_size() (then nothing at all is written to buf).
 */
int coredump_write(const struct coredump_segment *segs, unsigned int n,
		   const struct coredump_regs *regs, uint8_t *buf, size_t buf_len,
		   struct rpt_error *err);

/* Allocate and write the core file; free(*out). On failure *out = NULL, *out_len = 0. */
int coredump_build(const struct coredump_segment *segs, unsigned int n,
		   const struct coredump_regs *regs, uint8_t **out, size_t *out_len,
		   struct rpt_error *err);

#endif
