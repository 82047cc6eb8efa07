/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared by the demo firmware's files. Freestanding: no libc, only the
 * compiler's <stdint.h>/<stddef.h>, fwlib (firmware/lib: vector table,
 * start-up, Cortex-M helpers) and the register maps of the board's
 * peripherals (STM32 IPCC and USART, the emulator's watchdog page).
 */
#ifndef RPROC_DEMO_FW_H
#define RPROC_DEMO_FW_H

#include <stddef.h>
#include <stdint.h>

#include "coproc/stm32_ipcc_regs.h"
#include "coproc/stm32_usart_regs.h"
#include "coproc/vmmio.h"
#include "fwlib.h"

/* Where the board puts them (the STM32MP15 boards by default; -D for another SoC). */
#ifndef FW_IPCC_BASE
#define FW_IPCC_BASE STM32MP15_IPCC_BASE
#endif
#ifndef FW_UART_BASE
#define FW_UART_BASE STM32MP15_UART4_BASE
#endif
#ifndef FW_VMMIO_BASE
#define FW_VMMIO_BASE VMMIO_BASE
#endif
/*
 * The IPCC's interrupts for this core (RX occupied, TX free). Plain decimal
 * numbers: they name the handlers (irq103_handler, ...), see FW_IRQ_HANDLER.
 */
#ifndef FW_IPCC_IRQ_RX
#define FW_IPCC_IRQ_RX 103
#define FW_IPCC_IRQ_TX 104
#endif
_Static_assert((FW_IPCC_IRQ_RX == STM32MP15_IPCC_IRQ_RX &&
		FW_IPCC_IRQ_TX == STM32MP15_IPCC_IRQ_TX) ||
		       (FW_IPCC_IRQ_RX == STM32MP2_IPCC1_IRQ_RX &&
			FW_IPCC_IRQ_TX == STM32MP2_IPCC1_IRQ_TX),
	       "the IPCC interrupts of a known SoC");
_Static_assert(FW_IPCC_IRQ_TX < FWLIB_NUM_IRQS, "the vector table has the IPCC's interrupts");
/* Core clock SysTick counts (STM32MP15's M4: 209 MHz; the STM32MP25's M33: 400 MHz). */
#ifndef FW_CLOCK_HZ
#define FW_CLOCK_HZ 209000000u
#endif

/* fwlib's name of external interrupt n's handler (n expanded first). */
#define FW_IRQ_HANDLER(n)  FW_IRQ_HANDLER_(n)
#define FW_IRQ_HANDLER_(n) irq##n##_handler

/* Trace buffer size; its address is where the linker puts it (ipc-shmem, shared). */
#define FW_TRACE_SIZE 0x800u

/* trace.c: the trace buffer the resource table points the host at. */
extern char trace_buf[FW_TRACE_SIZE];

/* One 32-bit peripheral register. */
static inline volatile uint32_t *reg32(uint32_t base, uint32_t offset)
{
	return (volatile uint32_t *)(base + offset);
}

/* The watchdog page (vmmio.h); time comes from SysTick. */
static inline uint32_t vmmio_read(uint32_t offset)
{
	return *reg32(FW_VMMIO_BASE, offset);
}

static inline void vmmio_write(uint32_t offset, uint32_t value)
{
	*reg32(FW_VMMIO_BASE, offset) = value;
}

/* The IPCC, as processor 2 uses it. */
static inline uint32_t ipcc_read(uint32_t offset)
{
	return *reg32(FW_IPCC_BASE, offset);
}

static inline void ipcc_write(uint32_t offset, uint32_t value)
{
	*reg32(FW_IPCC_BASE, offset) = value;
}

/* Polled console output on the UART: wait for TXE, then TDR. */
static inline void uart_puts(const char *s)
{
	for (; *s; s++) {
		while (!(*reg32(FW_UART_BASE, USART_ISR) & USART_ISR_TXE))
			;
		*reg32(FW_UART_BASE, USART_TDR) = (uint8_t)*s;
	}
}

/* trace.c */
void trace_puts(const char *s);
/* Append "<prefix><n>\n" as one line. */
void trace_put_line_u32(const char *prefix, uint32_t n);

#endif
