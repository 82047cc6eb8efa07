/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwlib: a small freestanding library for our example Cortex-M firmware.
 *
 *   startup.c   vector table (16 system entries + FWLIB_NUM_IRQS external
 *               interrupts), reset handler (.data/.bss, FPU, then main), weak
 *               default handlers every firmware may override by name
 *   fault.c     the HardFault handler: records the fault (struct fw_fault),
 *               lets the firmware recover (fw_fault_hook) or stops
 *   semihost.c  ARM semihosting (SYS_WRITE0, SYS_EXIT) for QEMU builds only:
 *               the emulated core has no debugger to answer BKPT 0xAB
 *   cm.h        special registers, NVIC/SCB/SysTick helpers
 *
 * The linker script provides __stack_top, __data_load, __data_start,
 * __data_end, __bss_start, __bss_end (see lib/sections.ld.inc).
 */
#ifndef FWLIB_FWLIB_H
#define FWLIB_FWLIB_H

#include <stdbool.h>
#include <stdint.h>

#include "cm.h"

/*
 * External interrupts in the vector table: STM32MP15's M4 has 150, the
 * STM32MP25 M33's IPCC1 is 152/153 (QEMU's MPS2 32).
 */
#define FWLIB_NUM_IRQS 160

/* The firmware's entry, called by the reset handler with .data/.bss ready and the FPU on. */
int main(void);

/* Handler names (weak: a firmware defines the ones it uses). */
void reset_handler(void);
void nmi_handler(void);
void hardfault_handler(void);
void memmanage_handler(void);
void busfault_handler(void);
void usagefault_handler(void);
void svc_handler(void);
void debugmon_handler(void);
void pendsv_handler(void);
void systick_handler(void);
/* External interrupt n is irq<n>_handler, e.g. irq103_handler for STM32MP15's IPCC RX. */

/* The exception frame the core pushes on entry (the basic 8 words). */
struct fw_frame {
	uint32_t r0, r1, r2, r3, r12; /* caller-saved registers */
	uint32_t lr;		      /* of the interrupted code */
	uint32_t pc;		      /* where it returns to */
	uint32_t xpsr;		      /* with the Thumb bit (24) set */
};

/* What the HardFault handler saw last; firmware and host may read it (it is in .bss). */
struct fw_fault {
	uint32_t count;	       /* HardFaults taken since reset */
	uint32_t exc_return;   /* LR on entry: which stack, FP frame or not */
	struct fw_frame frame; /* the stacked registers (a copy) */
	uint32_t cfsr;	       /* configurable fault status (0 where not modelled) */
	uint32_t hfsr;	       /* HardFault status: FORCED = an escalated fault */
	uint32_t bfar;	       /* bus fault address, when CFSR says it is valid */
};

extern struct fw_fault fw_last_fault;

/*
 * Called by the HardFault handler with the fault recorded and the live frame
 * (the handler returns to frame->pc). Return true to resume (after changing
 * frame->pc: a faulting instruction would fault again), false to stop in
 * fw_panic(). Weak: by default, stop.
 */
bool fw_fault_hook(struct fw_fault *f, struct fw_frame *frame);

/*
 * Unrecoverable: a fault nobody handles, an exception with no handler
 * (exc = its number). Weak: by default, record and sleep forever.
 */
void fw_panic(uint32_t exc);
/* The exception number of the last unexpected exception (0: none). */
extern volatile uint32_t fw_unexpected_exc;

/* ---- semihosting (QEMU only: BKPT 0xAB is a debug event everywhere else) ---- */
void semihost_write0(const char *s);
__attribute__((noreturn)) void semihost_exit(int status);
/* Small formatting helpers on top of semihost_write0 (no printf in a freestanding build). */
void semihost_puthex(uint32_t v);
void semihost_putdec(uint32_t v);

#endif
