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
#include "rpmsg.h"

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

/*
 * The rpmsg vdev (rsc_table.c): two vrings of FW_VRING_NUM entries, used
 * rings aligned to FW_VRING_ALIGN, which the host places in the board's
 * vdev0vring0/vdev0vring1 memories (FW_VRING_DA, FW_VRING_SIZE bytes for
 * both); 2 * FW_VRING_NUM buffers of 512 bytes in the vdev0buffer carveout
 * (FW_VDEV_BUF_DA, FW_VDEV_BUF_SIZE). The rpmsg layer accepts vrings and
 * buffers only there. Another board gives its own (rproc-demo-mp2:
 * 0x812F8000 and 0x812FA000).
 */
#define FW_VRING_NUM   8u
#define FW_VRING_ALIGN 16u
#ifndef FW_VRING_DA
#define FW_VRING_DA 0x10040000u
#endif
#define FW_VRING_SIZE 0x2000u
#ifndef FW_VDEV_BUF_DA
#define FW_VDEV_BUF_DA 0x10042000u
#endif
#define FW_VDEV_BUF_SIZE 0x4000u
_Static_assert(2u * FW_VRING_NUM * RPMSG_BUF_SIZE <= FW_VDEV_BUF_SIZE,
	       "the rpmsg buffers fit in vdev0buffer");

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

/* rsc_table.c: the rpmsg vdev entry of our resource table (shared: the host writes it). */
volatile struct rpmsg_rsc_vdev *fw_rsc_vdev(void);

/* trace.c */
void trace_puts(const char *s);
/* Append "<prefix><n>\n" as one line. */
void trace_put_line_u32(const char *prefix, uint32_t n);
/* Append "<prefix><text>\n" as one line (cut to 158 characters). */
void trace_put_line2(const char *prefix, const char *text);

#endif
