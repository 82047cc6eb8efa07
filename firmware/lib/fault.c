// SPDX-License-Identifier: BSD-2-Clause
/*
 * fwlib HardFault handler. Faults escalate here when their own handler is
 * disabled (the reset state): an undefined instruction, a bad access, a bad
 * EXC_RETURN. It records what happened in fw_last_fault, then asks the
 * firmware (fw_fault_hook) whether to resume; if not, it stops in fw_panic.
 */
#include "fwlib.h"

struct fw_fault fw_last_fault;

__attribute__((weak)) bool fw_fault_hook(struct fw_fault *f, struct fw_frame *frame)
{
	(void)f;
	(void)frame;
	return false;
}

/* The C half: frame = the stacked registers of the faulting code, lr = EXC_RETURN. */
__attribute__((used)) static void hardfault_c(struct fw_frame *frame, uint32_t exc_return)
{
	struct fw_fault *f = &fw_last_fault;

	f->count++;
	f->exc_return = exc_return;
	f->frame = *frame;
	f->cfsr = REG32(SCB_CFSR);
	f->hfsr = REG32(SCB_HFSR);
	f->bfar = REG32(SCB_BFAR);
	if (!fw_fault_hook(f, frame))
		fw_panic(EXC_HARDFAULT);
}

/*
 * The assembly half: find the frame on the stack the faulting code used
 * (EXC_RETURN bit 2: process stack), keep EXC_RETURN, call the C half, then
 * return through EXC_RETURN (the frame may have been changed to resume
 * elsewhere).
 */
__attribute__((naked)) void hardfault_handler(void)
{
	__asm__ volatile("tst lr, #4\n"
			 "ite eq\n"
			 "mrseq r0, msp\n"
			 "mrsne r0, psp\n"
			 "mov r1, lr\n"
			 "push {r1, lr}\n"
			 "bl hardfault_c\n"
			 "pop {r1, pc}\n");
}
