// SPDX-License-Identifier: BSD-2-Clause
/*
 * fwlib start-up: the vector table and the reset handler.
 *
 * The table has the 16 system entries of ARMv7-M (initial SP, then Reset ..
 * SysTick) and FWLIB_NUM_IRQS external interrupts. Every handler is a weak
 * alias of default_handler, so a firmware only defines the ones it uses, by
 * name (svc_handler, irq5_handler, ...). The table goes to section
 * .isr_vector, which the linker script places where VTOR points at reset.
 */
#include "fwlib.h"

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

volatile uint32_t fw_unexpected_exc;

__attribute__((weak)) void fw_panic(uint32_t exc)
{
	fw_unexpected_exc = exc;
	cm_irq_disable();
	for (;;)
		cm_wfi();
}

/* Any exception without a handler of its own: unexpected, so stop (and say which). */
void default_handler(void)
{
	fw_panic(cm_get_ipsr() & SCB_ICSR_VECTACTIVE_MASK);
}

#define WEAK_HANDLER(name) void name(void) __attribute__((weak, alias("default_handler")))
WEAK_HANDLER(nmi_handler);
WEAK_HANDLER(hardfault_handler);
WEAK_HANDLER(memmanage_handler);
WEAK_HANDLER(busfault_handler);
WEAK_HANDLER(usagefault_handler);
WEAK_HANDLER(svc_handler);
WEAK_HANDLER(debugmon_handler);
WEAK_HANDLER(pendsv_handler);
WEAK_HANDLER(systick_handler);

/* irq0_handler .. irq<FWLIB_NUM_IRQS - 1>_handler, and the table's entries for them. */
#define IRQ_DECL(n)  WEAK_HANDLER(irq##n##_handler);
#define IRQ_ENTRY(n) irq##n##_handler,
#define IRQ_X10(X, d)                                                                              \
	X(d##0) X(d##1) X(d##2) X(d##3) X(d##4) X(d##5) X(d##6) X(d##7) X(d##8) X(d##9)
#define IRQ_X100(X, d)                                                                             \
	IRQ_X10(X, d##0)                                                                           \
	IRQ_X10(X, d##1)                                                                           \
	IRQ_X10(X, d##2) IRQ_X10(X, d##3) IRQ_X10(X, d##4) IRQ_X10(X, d##5) IRQ_X10(X, d##6)       \
		IRQ_X10(X, d##7) IRQ_X10(X, d##8) IRQ_X10(X, d##9)
/*
 * 0..159: STM32MP15's M4 has 150, the STM32MP25 M33's IPCC1 is 152/153 (QEMU's
 * MPS2 32: the others are never raised there).
 */
#define IRQ_ALL(X)                                                                                 \
	X(0)                                                                                       \
	X(1)                                                                                       \
	X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) IRQ_X10(X, 1) IRQ_X10(X, 2) IRQ_X10(X, 3)          \
		IRQ_X10(X, 4) IRQ_X10(X, 5) IRQ_X10(X, 6) IRQ_X10(X, 7) IRQ_X10(X, 8)              \
			IRQ_X10(X, 9) IRQ_X10(X, 10) IRQ_X10(X, 11) IRQ_X10(X, 12) IRQ_X10(X, 13)  \
				IRQ_X10(X, 14) IRQ_X10(X, 15)

IRQ_ALL(IRQ_DECL)

_Static_assert(FWLIB_NUM_IRQS == 160, "IRQ_ALL lists 160 interrupts");

typedef void (*fw_handler)(void);

/* The vector table: what the core reads at VTOR on reset and on every exception. */
struct fw_vector_table {
	uint32_t *initial_sp;		/* 0: MSP at reset */
	fw_handler system[15];		/* 1..15: Reset .. SysTick */
	fw_handler irq[FWLIB_NUM_IRQS]; /* 16..: external interrupts */
};

__attribute__((section(".isr_vector"), used)) const struct fw_vector_table fw_vectors = {
	.initial_sp = __stack_top,
	.system =
		{
			reset_handler,	    /* 1 Reset */
			nmi_handler,	    /* 2 NMI */
			hardfault_handler,  /* 3 HardFault */
			memmanage_handler,  /* 4 MemManage */
			busfault_handler,   /* 5 BusFault */
			usagefault_handler, /* 6 UsageFault */
			0, 0, 0, 0,	    /* 7..10 reserved */
			svc_handler,	    /* 11 SVCall */
			debugmon_handler,   /* 12 DebugMonitor */
			0,		    /* 13 reserved */
			pendsv_handler,	    /* 14 PendSV */
			systick_handler,    /* 15 SysTick */
		},
	.irq = {IRQ_ALL(IRQ_ENTRY)},
};

/*
 * Reset: copy .data if it is not loaded where it runs (both our layouts load
 * it in place: then there is nothing to copy), clear .bss (again: a restart
 * without a reload begins clean), turn on the FPU, then run main.
 * volatile pointers keep the compiler from calling memcpy/memset, which a
 * -nostdlib build does not have.
 */
void reset_handler(void)
{
	volatile uint32_t *dst;
	const volatile uint32_t *src;

	if ((uintptr_t)__data_load != (uintptr_t)__data_start)
		for (src = __data_load, dst = __data_start; dst < __data_end; src++, dst++)
			*dst = *src;
	for (dst = __bss_start; dst < __bss_end; dst++)
		*dst = 0;
	/* CP10 and CP11 full access: FP instructions no longer fault (NOCP). */
	REG32(SCB_CPACR) |= SCB_CPACR_FPU_FULL;
	/*
	 * FP context on exception entry, not lazily: the frame holds S0-S15 and
	 * FPSCR as soon as an exception is taken with CONTROL.FPCA set. Lazy
	 * stacking only reserves the space and saves on the handler's first FP
	 * instruction; the emulated core has no hook there, so both builds use
	 * the eager form and compare alike.
	 */
	REG32(FPU_FPCCR) = FPU_FPCCR_ASPEN;
	cm_sync();
	main();
	fw_panic(EXC_RESET);
}
