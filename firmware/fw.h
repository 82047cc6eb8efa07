/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the demo firmware's files. Freestanding: no libc, only the
 * compiler's <stdint.h>/<stddef.h> and the mailbox register map.
 */
#ifndef RPROC_DEMO_FW_H
#define RPROC_DEMO_FW_H

#include <stddef.h>
#include <stdint.h>

#include "coproc/vmmio.h"

/* Trace buffer size; its address is where the linker puts it (ipc-shmem, shared). */
#define FW_TRACE_SIZE 0x800u

/* trace.c: the trace buffer the resource table points the host at. */
extern char trace_buf[FW_TRACE_SIZE];

/* One mailbox register. */
static inline volatile uint32_t *mbox_reg(uint32_t offset)
{
	return (volatile uint32_t *)(VMMIO_BASE + offset);
}

static inline uint32_t mbox_read(uint32_t offset)
{
	return *mbox_reg(offset);
}

static inline void mbox_write(uint32_t offset, uint32_t value)
{
	*mbox_reg(offset) = value;
}

/* trace.c */
void trace_puts(const char *s);
/* Append "<prefix><n>\n" as one line. */
void trace_put_line_u32(const char *prefix, uint32_t n);

/* main.c */
int main(void);

#endif
