// SPDX-License-Identifier: BSD-2-Clause
/* ELF32 core file writer (see coredump.h for the layout). */
#include "formats/coredump.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the core writer stores ELF headers in host order: little-endian hosts only"
#endif

/* Segment bytes, the name table and the section headers start 4-byte aligned. */
#define CORE_ALIGN 4u

/* Section 0 is the SHT_NULL entry, section 1 the name table (named by its offset 1). */
static const char core_shstrtab[] = "\0.shstrtab";
#define CORE_SHNUM    2u
#define CORE_SHSTRNDX 1u

/* Owner name of the register note, as Linux and gdb spell it (NUL included, padded to 8). */
static const char core_note_name[8] = "CORE";
/* Offset of pr_reg inside the ARM struct elf_prstatus. */
#define PRSTATUS_REG_OFF 72u
/* orig_r0 of an exception that is not a system call (Linux's entry code stores -1). */
#define PRSTATUS_NO_SYSCALL 0xFFFFFFFFu

struct core_layout {
	unsigned int phnum;  /* program headers: the segments, plus the note if any */
	uint32_t note_off;   /* the NT_PRSTATUS note (0 if none) */
	uint32_t data_start; /* first segment's bytes */
	uint32_t strtab_off; /* the section name table */
	uint32_t shoff;	     /* the section header table */
	uint32_t total;	     /* file size */
};

static bool align_overflow(uint32_t v, uint32_t *res)
{
	uint32_t t;

	if (add_overflow(v, CORE_ALIGN - 1, &t))
		return true;
	*res = t & ~(CORE_ALIGN - 1);
	return false;
}

/* Check every segment and place everything. Returns 0 or -EINVAL. */
static int core_layout(const struct coredump_segment *segs, unsigned int n,
		       const struct coredump_regs *regs, struct core_layout *l,
		       struct rpt_error *err)
{
	uint32_t cur, off;
	unsigned int i;

	if (n > COREDUMP_MAX_SEGMENTS)
		return rpt_error_set(err, EINVAL, "coredump: %u segments, more than the %u allowed",
				     n, COREDUMP_MAX_SEGMENTS);
	if (n && !segs)
		return rpt_error_set(err, EINVAL, "coredump: %u segments but no segment array", n);
	/* n <= COREDUMP_MAX_SEGMENTS: at most 52 + 257 * 32 + 168 bytes, no overflow. */
	l->phnum = n + (regs ? 1u : 0u);
	cur = (uint32_t)sizeof(Elf32_Ehdr) + l->phnum * (uint32_t)sizeof(Elf32_Phdr);
	l->note_off = 0;
	if (regs) {
		l->note_off = (cur + CORE_ALIGN - 1) & ~(CORE_ALIGN - 1);
		cur = l->note_off + COREDUMP_NOTE_SIZE;
	}
	l->data_start = cur;
	for (i = 0; i < n; i++) {
		if (segs[i].size && !segs[i].data)
			return rpt_error_set(err, EINVAL,
					     "coredump: segment %u: %u bytes but no data", i,
					     segs[i].size);
		/* The last byte may be 0xFFFFFFFF, but the range may not wrap to 0. */
		if ((uint64_t)segs[i].da + segs[i].size > ((uint64_t)1 << 32))
			return rpt_error_set(
				err, EINVAL,
				"coredump: segment %u: da 0x%x + size 0x%x runs past 4 GiB", i,
				segs[i].da, segs[i].size);
		if (align_overflow(cur, &off) || add_overflow(off, segs[i].size, &cur))
			return rpt_error_set(err, EINVAL,
					     "coredump: segment %u: core file would exceed 4 GiB",
					     i);
	}
	if (align_overflow(cur, &l->strtab_off) ||
	    add_overflow(l->strtab_off, (uint32_t)sizeof(core_shstrtab), &cur) ||
	    align_overflow(cur, &l->shoff) ||
	    add_overflow(l->shoff, CORE_SHNUM * (uint32_t)sizeof(Elf32_Shdr), &l->total))
		return rpt_error_set(err, EINVAL, "coredump: core file would exceed 4 GiB");
	return 0;
}

size_t coredump_size(const struct coredump_segment *segs, unsigned int n,
		     const struct coredump_regs *regs)
{
	struct core_layout l = {0};

	if (core_layout(segs, n, regs, &l, NULL))
		return 0;
	return l.total;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v)); /* little-endian host (checked above) */
}

/*
 * The NT_PRSTATUS note and its PT_NOTE program header (the first one). buf is
 * zeroed: every field not named in coredump.h stays 0.
 */
static void write_note(const struct coredump_regs *regs, const struct core_layout *l, uint8_t *buf)
{
	uint8_t *note = buf + l->note_off;
	uint8_t *desc = note + 12 + sizeof(core_note_name);
	Elf32_Phdr ph;
	unsigned int i;

	put32(note, sizeof("CORE"));
	put32(note + 4, COREDUMP_PRSTATUS_SIZE);
	put32(note + 8, NT_PRSTATUS);
	memcpy(note + 12, core_note_name, sizeof(core_note_name));
	put32(desc, regs->signo);	 /* pr_info.si_signo */
	desc[12] = (uint8_t)regs->signo; /* pr_cursig, a short */
	desc[13] = (uint8_t)(regs->signo >> 8);
	put32(desc + 24, 1); /* pr_pid: the one thread */
	for (i = 0; i < 16; i++)
		put32(desc + PRSTATUS_REG_OFF + (size_t)4 * i, regs->r[i]);
	put32(desc + PRSTATUS_REG_OFF + (size_t)4 * 16, regs->xpsr);	      /* cpsr */
	put32(desc + PRSTATUS_REG_OFF + (size_t)4 * 17, PRSTATUS_NO_SYSCALL); /* orig_r0 */

	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_NOTE;
	ph.p_offset = l->note_off;
	ph.p_filesz = COREDUMP_NOTE_SIZE;
	/*
	 * Linux writes p_memsz 0 for notes; gdb and readelf ignore it. Ours
	 * equals p_filesz because our ELF reader (shared with the TA, which must
	 * stay strict) requires p_filesz <= p_memsz of every segment.
	 */
	ph.p_memsz = COREDUMP_NOTE_SIZE;
	ph.p_align = CORE_ALIGN;
	memcpy(buf + sizeof(Elf32_Ehdr), &ph, sizeof(ph));
}

static void write_headers(const struct core_layout *l, uint8_t *buf)
{
	Elf32_Ehdr eh;
	Elf32_Shdr sh;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS32;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_ARM;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = l->phnum ? (uint32_t)sizeof(Elf32_Ehdr) : 0;
	eh.e_shoff = l->shoff;
	eh.e_flags = EF_ARM_EABI_VER5;
	eh.e_ehsize = sizeof(Elf32_Ehdr);
	eh.e_phentsize = sizeof(Elf32_Phdr);
	eh.e_phnum = (Elf32_Half)l->phnum;
	eh.e_shentsize = sizeof(Elf32_Shdr);
	eh.e_shnum = CORE_SHNUM;
	eh.e_shstrndx = CORE_SHSTRNDX;
	memcpy(buf, &eh, sizeof(eh));

	/*
	 * A section table holding just the name table: binutils' readelf -a
	 * fails (exit 1, no message) on a file without any section headers.
	 */
	memcpy(buf + l->strtab_off, core_shstrtab, sizeof(core_shstrtab));
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = 1; /* ".shstrtab" */
	sh.sh_type = SHT_STRTAB;
	sh.sh_offset = l->strtab_off;
	sh.sh_size = sizeof(core_shstrtab);
	sh.sh_addralign = 1;
	/* Section 0 stays all zero (SHT_NULL). */
	memcpy(buf + l->shoff + CORE_SHSTRNDX * sizeof(Elf32_Shdr), &sh, sizeof(sh));
}

int coredump_write(const struct coredump_segment *segs, unsigned int n,
		   const struct coredump_regs *regs, uint8_t *buf, size_t buf_len,
		   struct rpt_error *err)
{
	struct core_layout l = {0};
	unsigned int i, first;
	uint32_t off, cur;
	Elf32_Phdr ph;
	int ret;

	ret = core_layout(segs, n, regs, &l, err);
	if (ret)
		return ret;
	if (!buf || buf_len < l.total)
		return rpt_error_set(err, ENOSPC, "coredump: needs %u bytes, buffer has %zu",
				     l.total, buf ? buf_len : (size_t)0);

	/* Zero everything first: padding and section 0 are defined too. */
	memset(buf, 0, l.total);
	write_headers(&l, buf);
	if (regs)
		write_note(regs, &l, buf);
	first = regs ? 1u : 0u; /* the note's program header comes first */

	/* Same walk as core_layout(), which has checked it cannot overflow. */
	cur = l.data_start;
	for (i = 0; i < n; i++) {
		off = (cur + CORE_ALIGN - 1) & ~(CORE_ALIGN - 1);
		cur = off + segs[i].size;
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_offset = off;
		ph.p_vaddr = segs[i].da;
		ph.p_paddr = segs[i].da;
		ph.p_filesz = segs[i].size;
		ph.p_memsz = segs[i].size;
		ph.p_flags = PF_R | PF_W | PF_X;
		/* 1: file offsets need not be congruent with unaligned device addresses. */
		ph.p_align = 1;
		memcpy(buf + sizeof(Elf32_Ehdr) + (size_t)(first + i) * sizeof(Elf32_Phdr), &ph,
		       sizeof(ph));
		if (segs[i].size)
			memcpy(buf + off, segs[i].data, segs[i].size);
	}
	return 0;
}

int coredump_build(const struct coredump_segment *segs, unsigned int n,
		   const struct coredump_regs *regs, uint8_t **out, size_t *out_len,
		   struct rpt_error *err)
{
	struct core_layout l = {0};
	uint8_t *buf;
	int ret;

	if (!out || !out_len)
		return rpt_error_set(err, EINVAL, "coredump: no output pointer");
	*out = NULL;
	*out_len = 0;
	ret = core_layout(segs, n, regs, &l, err);
	if (ret)
		return ret;
	buf = l.total ? malloc(l.total) : NULL; /* a valid layout is never empty */
	if (!buf)
		return rpt_error_set(err, ENOMEM, "coredump: cannot allocate %u bytes", l.total);
	ret = coredump_write(segs, n, regs, buf, l.total, err);
	if (ret) {
		free(buf);
		return ret;
	}
	*out = buf;
	*out_len = l.total;
	return 0;
}
