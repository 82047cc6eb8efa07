// SPDX-License-Identifier: BSD-2-Clause
/*
 * Reset and vector table. The loader has already put .data in place and
 * zero-filled .bss (p_memsz beyond p_filesz); the reset handler clears .bss
 * again anyway, so a restart without reload still begins from a clean state.
 */
#include "fw.h"

extern uint32_t __stack_top[];
extern uint32_t __bss_start[];
extern uint32_t __bss_end[];

void reset_handler(void);

/*
 * Any exception: there is nothing to recover, so stop here. (The emulator has
 * no exception model and reports faults itself; real silicon would land here.)
 */
static void fault_handler(void)
{
	for (;;)
		;
}

/* The Cortex-M vector table: initial SP, then the 15 system exception handlers. */
struct vector_table {
	uint32_t *initial_sp;
	void (*handler[15])(void);
};

__attribute__((section(".isr_vector"), used)) const struct vector_table vectors = {
	.initial_sp = __stack_top,
	.handler =
		{
			reset_handler, /* Reset */
			fault_handler, /* NMI */
			fault_handler, /* HardFault */
			fault_handler, /* MemManage */
			fault_handler, /* BusFault */
			fault_handler, /* UsageFault */
			0, 0, 0, 0,    /* reserved */
			fault_handler, /* SVCall */
			fault_handler, /* DebugMonitor */
			0,	       /* reserved */
			fault_handler, /* PendSV */
			fault_handler, /* SysTick */
		},
};

void reset_handler(void)
{
	volatile uint32_t *p;

	/* volatile: keeps the compiler from turning the loop into a memset call. */
	for (p = __bss_start; p < __bss_end; p++)
		*p = 0;
	main();
	fault_handler();
}
