/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bench firmware's contract with bench_core (host side): a control block
 * at a fixed device address, written by the host before the core boots (what
 * to do) and by the firmware while it runs (how far it got). Shared by the
 * firmware (cross-compiled) and the host bench, so plain types and #defines.
 *
 * Memory layout (the same for our emulator and for raw Unicorn):
 *   BENCH_CODE_DA  64 KiB  vector table, code, constants, .data's image
 *   BENCH_RAM_DA   64 KiB  the control block, then data, bss, stack
 */
#ifndef RPT_BENCH_FW_H
#define RPT_BENCH_FW_H

#include <stdint.h>

#define BENCH_CODE_DA	0x00000000u
#define BENCH_CODE_SIZE 0x10000u
#define BENCH_RAM_DA	0x10000000u
#define BENCH_RAM_SIZE	0x10000u
#define BENCH_CTL_DA	BENCH_RAM_DA /* the control block, first in RAM */

/* What the firmware does after start-up (bench_ctl.mode). */
enum bench_mode {
	BENCH_MODE_IDLE = 0,	/* ready, then sleep: WFI forever */
	BENCH_MODE_COMPUTE = 1, /* param rounds of CRC32, sort, copy, fill; done; then WFI */
	BENCH_MODE_IRQ = 2,	/* count BENCH_IRQ_HOST (handshake: bench_fw.c); param 1: WFI */
	BENCH_MODE_SELF = 3,	/* pend BENCH_IRQ_SELF through STIR again and again, count */
	BENCH_MODE_SYSTICK = 4, /* SysTick with reload param, count ticks, WFI between */
};

/* The external interrupt lines (NVIC IRQn) the bench uses. */
#define BENCH_IRQ_HOST 0 /* raised by the host with coproc_irq_set() */
#define BENCH_IRQ_SELF 1 /* pended by the firmware itself through STIR */

#define BENCH_READY 0x52454459u /* "REDY": start-up finished, mode entered */
#define BENCH_DONE  0x444F4E45u /* "DONE": the compute rounds finished */

/* At BENCH_CTL_DA. The firmware never clears it: the host owns its reset. */
struct bench_ctl {
	uint32_t mode;	     /* host -> firmware: enum bench_mode */
	uint32_t param;	     /* host -> firmware: rounds, spin/WFI or SysTick reload */
	uint32_t ready;	     /* firmware: BENCH_READY once in its mode */
	uint32_t done;	     /* firmware: BENCH_DONE when the compute rounds end */
	uint32_t result;     /* firmware: checksum of the compute rounds */
	uint32_t irq_count;  /* firmware: entries into the BENCH_IRQ_HOST handler */
	uint32_t self_count; /* firmware: entries into the BENCH_IRQ_SELF handler */
	uint32_t tick_count; /* firmware: SysTick entries */
	uint32_t host_done;  /* host: the irq_count after which it released the line */
	uint32_t armed;	     /* firmware: the irq_count at which it last re-enabled the IRQ */
};

#endif
