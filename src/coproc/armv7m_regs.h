/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Cortex-M system control space (ARMv7-M / ARMv8-M mainline, the parts an
 * M4/M33 firmware uses): register addresses and bits, as the Architecture
 * Reference Manual names them. Shared by the emulator's model of the SCS
 * (src/coproc) and the example firmware (firmware/), so plain #defines only:
 * a freestanding cross-compiled firmware includes it too.
 */
#ifndef RPT_COPROC_ARMV7M_REGS_H
#define RPT_COPROC_ARMV7M_REGS_H

#define SCS_BASE 0xE000E000u
#define SCS_SIZE 0x1000u

/* Interrupt controller type: INTLINESNUM in bits 3:0 = (lines / 32) - 1. */
#define SCS_ICTR 0xE000E004u
/* Auxiliary control. */
#define SCS_ACTLR 0xE000E008u

/* SysTick. */
#define SYST_CSR	   0xE000E010u
#define SYST_CSR_ENABLE	   (1u << 0)
#define SYST_CSR_TICKINT   (1u << 1)
#define SYST_CSR_CLKSOURCE (1u << 2)   /* 1: the core clock */
#define SYST_CSR_COUNTFLAG (1u << 16)  /* cleared by a read of CSR or any write to CVR */
#define SYST_RVR	   0xE000E014u /* reload value, 24 bits */
#define SYST_CVR	   0xE000E018u /* current value, 24 bits; any write clears it */
#define SYST_CALIB	   0xE000E01Cu
#define SYST_CALIB_NOREF   (1u << 31)
#define SYST_CALIB_SKEW	   (1u << 30)
#define SYST_RELOAD_MASK   0x00FFFFFFu

/* NVIC: one bit per external interrupt, 32 per word. */
#define NVIC_ISER(n) (0xE000E100u + 4u * (n)) /* set-enable */
#define NVIC_ICER(n) (0xE000E180u + 4u * (n)) /* clear-enable */
#define NVIC_ISPR(n) (0xE000E200u + 4u * (n)) /* set-pending */
#define NVIC_ICPR(n) (0xE000E280u + 4u * (n)) /* clear-pending */
#define NVIC_IABR(n) (0xE000E300u + 4u * (n)) /* active (read-only) */
#define NVIC_IPR(n)  (0xE000E400u + 4u * (n)) /* priority, one byte per interrupt */

/* System control block. */
#define SCB_CPUID		   0xE000ED00u
#define SCB_ICSR		   0xE000ED04u
#define SCB_ICSR_NMIPENDSET	   (1u << 31)
#define SCB_ICSR_PENDSVSET	   (1u << 28)
#define SCB_ICSR_PENDSVCLR	   (1u << 27)
#define SCB_ICSR_PENDSTSET	   (1u << 26)
#define SCB_ICSR_PENDSTCLR	   (1u << 25)
#define SCB_ICSR_ISRPENDING	   (1u << 22)
#define SCB_ICSR_VECTPENDING_SHIFT 12 /* bits 20:12 */
#define SCB_ICSR_RETTOBASE	   (1u << 11)
#define SCB_ICSR_VECTACTIVE_MASK   0x1FFu
#define SCB_VTOR		   0xE000ED08u /* bits 6:0 reserved (table aligned to 128 bytes or more) */
#define SCB_VTOR_TBLOFF_MASK	   0xFFFFFF80u /* bits 31:7: where a vector table can start */
#define SCB_AIRCR		   0xE000ED0Cu
#define SCB_AIRCR_VECTKEY	   0x05FA0000u /* must accompany every write */
#define SCB_AIRCR_VECTKEYSTAT	   0xFA050000u /* what reads return in bits 31:16 */
#define SCB_AIRCR_PRIGROUP_SHIFT   8	       /* bits 10:8 */
#define SCB_AIRCR_SYSRESETREQ	   (1u << 2)
#define SCB_SCR			   0xE000ED10u
#define SCB_SCR_SLEEPONEXIT	   (1u << 1)
#define SCB_SCR_SEVONPEND	   (1u << 4)
#define SCB_CCR			   0xE000ED14u
#define SCB_CCR_UNALIGN_TRP	   (1u << 3)
#define SCB_CCR_DIV_0_TRP	   (1u << 4)
#define SCB_CCR_STKALIGN	   (1u << 9)
#define SCB_SHPR1                                                                                  \
	0xE000ED18u /* priorities of exceptions 4..7 (MemManage, BusFault, UsageFault, SecureFault) */
#define SCB_SHPR2	   0xE000ED1Cu /* 8..11 (SVCall in bits 31:24) */
#define SCB_SHPR3	   0xE000ED20u /* 12..15 (PendSV bits 23:16, SysTick bits 31:24) */
#define SCB_SHCSR	   0xE000ED24u
#define SCB_CFSR	   0xE000ED28u
#define SCB_HFSR	   0xE000ED2Cu
#define SCB_HFSR_FORCED	   (1u << 30)
#define SCB_MMFAR	   0xE000ED34u
#define SCB_BFAR	   0xE000ED38u
#define SCB_CPACR	   0xE000ED88u /* CP10/CP11 (the FPU) in bits 23:20 */
#define SCB_CPACR_FPU_FULL (0xFu << 20)
#define SCB_STIR	   0xE000EF00u /* write an IRQ number to pend it */
#define FPU_FPCCR	   0xE000EF34u
#define FPU_FPCCR_ASPEN	   (1u << 31) /* FP context saved on exception entry */
#define FPU_FPCCR_LSPEN	   (1u << 30) /* lazily */
#define FPU_FPCAR	   0xE000EF38u
#define FPU_FPDSCR	   0xE000EF3Cu

/* CPUID values (implementer ARM, the revision QEMU and ST's parts report). */
#define CPUID_CORTEX_M4	 0x410FC241u
#define CPUID_CORTEX_M33 0x410FD210u

/* Exception numbers (IPSR values); external interrupt n is 16 + n. */
#define EXC_RESET	1
#define EXC_NMI		2
#define EXC_HARDFAULT	3
#define EXC_MEMMANAGE	4
#define EXC_BUSFAULT	5
#define EXC_USAGEFAULT	6
#define EXC_SVCALL	11
#define EXC_DEBUGMON	12
#define EXC_PENDSV	14
#define EXC_SYSTICK	15
#define EXC_EXTERNAL(n) (16 + (n))

/* EXC_RETURN (LR on exception entry): bits that say where to return to. */
#define EXC_RETURN_PREFIX     0xFF000000u
#define EXC_RETURN_THREAD_MSP 0xFFFFFFF9u
#define EXC_RETURN_THREAD_PSP 0xFFFFFFFDu
#define EXC_RETURN_HANDLER    0xFFFFFFF1u
#define EXC_RETURN_SPSEL      (1u << 2) /* return to the process stack */
#define EXC_RETURN_MODE	      (1u << 3) /* return to thread mode */
#define EXC_RETURN_FTYPE      (1u << 4) /* 0: the frame holds FP context */

/* CONTROL */
#define CONTROL_NPRIV (1u << 0)
#define CONTROL_SPSEL (1u << 1)
#define CONTROL_FPCA  (1u << 2)

#endif
