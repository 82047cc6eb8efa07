/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * fwlib: the Cortex-M core as firmware sees it. Special-register access
 * (PRIMASK, BASEPRI, FAULTMASK, CONTROL, MSP, PSP, IPSR), barriers, sleep,
 * and small helpers for the NVIC, the SCB and SysTick over the register map of
 * src/coproc/armv7m_regs.h (the one the emulator models, so firmware and model
 * cannot disagree on an address). What CMSIS's core_cm4.h gives, in our own
 * words; everything is static inline and freestanding.
 */
#ifndef FWLIB_CM_H
#define FWLIB_CM_H

#include <stdbool.h>
#include <stdint.h>

#include "coproc/armv7m_regs.h"

/* A 32-bit memory-mapped register. */
#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
/* An 8-bit one (NVIC_IPR and SHPR are byte-accessible). */
#define REG8(addr) (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- barriers, sleep, interrupt masks ---- */

static inline void cm_dsb(void)
{
	__asm__ volatile("dsb" ::: "memory");
}

/* Memory accesses before it are seen before those after it (shared rings). */
static inline void cm_dmb(void)
{
	__asm__ volatile("dmb" ::: "memory");
}

static inline void cm_isb(void)
{
	__asm__ volatile("isb" ::: "memory");
}

/* Both: a write to the SCS has taken effect (an interrupt it pends is taken) after this. */
static inline void cm_sync(void)
{
	cm_dsb();
	cm_isb();
}

static inline void cm_wfi(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

static inline void cm_irq_disable(void)
{
	__asm__ volatile("cpsid i" ::: "memory");
}

static inline void cm_irq_enable(void)
{
	__asm__ volatile("cpsie i" ::: "memory");
}

static inline void cm_fault_disable(void)
{
	__asm__ volatile("cpsid f" ::: "memory");
}

static inline void cm_fault_enable(void)
{
	__asm__ volatile("cpsie f" ::: "memory");
}

/* Special registers: MRS/MSR by name. The "memory" clobber orders them with loads/stores. */
#define CM_SPECIAL_REG(name, reg)                                                                  \
	static inline uint32_t cm_get_##name(void)                                                 \
	{                                                                                          \
		uint32_t v;                                                                        \
		__asm__ volatile("mrs %0, " #reg : "=r"(v)::"memory");                             \
		return v;                                                                          \
	}                                                                                          \
	static inline void cm_set_##name(uint32_t v)                                               \
	{                                                                                          \
		__asm__ volatile("msr " #reg ", %0" ::"r"(v) : "memory");                          \
	}

CM_SPECIAL_REG(primask, primask)
CM_SPECIAL_REG(basepri, basepri)
CM_SPECIAL_REG(faultmask, faultmask)
CM_SPECIAL_REG(control, control)
CM_SPECIAL_REG(msp, msp)
CM_SPECIAL_REG(psp, psp)

/* The exception being handled (0 in thread mode). */
static inline uint32_t cm_get_ipsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, ipsr" : "=r"(v));
	return v;
}

/* ---- NVIC: external interrupt n (IRQn, exception 16 + n) ---- */

static inline void nvic_enable(unsigned int irq)
{
	REG32(NVIC_ISER(irq / 32)) = 1u << (irq % 32);
}

/* Disable; the barriers make sure it cannot be taken after this returns. */
static inline void nvic_disable(unsigned int irq)
{
	REG32(NVIC_ICER(irq / 32)) = 1u << (irq % 32);
	cm_sync();
}

static inline bool nvic_is_enabled(unsigned int irq)
{
	return REG32(NVIC_ISER(irq / 32)) & (1u << (irq % 32));
}

static inline void nvic_set_pending(unsigned int irq)
{
	REG32(NVIC_ISPR(irq / 32)) = 1u << (irq % 32);
	cm_sync();
}

static inline void nvic_clear_pending(unsigned int irq)
{
	REG32(NVIC_ICPR(irq / 32)) = 1u << (irq % 32);
	cm_sync();
}

static inline bool nvic_is_pending(unsigned int irq)
{
	return REG32(NVIC_ISPR(irq / 32)) & (1u << (irq % 32));
}

static inline bool nvic_is_active(unsigned int irq)
{
	return REG32(NVIC_IABR(irq / 32)) & (1u << (irq % 32));
}

/* Pend through the software trigger register (what an unprivileged-capable RTOS uses). */
static inline void nvic_trigger(unsigned int irq)
{
	REG32(SCB_STIR) = irq;
	cm_sync();
}

/*
 * Priority as an 8-bit value, most significant bits first: a part implements
 * only the top bits (4 on STM32, 3 on QEMU's MPS2), so use multiples of 0x20
 * to mean the same thing everywhere.
 */
static inline void nvic_set_priority(unsigned int irq, uint8_t prio)
{
	REG8(NVIC_IPR(0) + irq) = prio;
}

/* ---- SCB ---- */

/* Priority of system exception exc (4..15: MemManage .. SysTick). */
static inline void scb_set_priority(unsigned int exc, uint8_t prio)
{
	REG8(SCB_SHPR1 + (exc - 4)) = prio;
}

/* Split priorities: bits [7:PRIGROUP+1] are the group (preemption) priority. */
static inline void scb_set_prigroup(unsigned int prigroup)
{
	uint32_t v = REG32(SCB_AIRCR) & ~(0xFFFF0000u | (7u << SCB_AIRCR_PRIGROUP_SHIFT));

	REG32(SCB_AIRCR) = SCB_AIRCR_VECTKEY | v | ((prigroup & 7u) << SCB_AIRCR_PRIGROUP_SHIFT);
	cm_sync();
}

static inline void scb_pend_pendsv(void)
{
	REG32(SCB_ICSR) = SCB_ICSR_PENDSVSET;
	cm_sync();
}

/* ---- SysTick ---- */

/* Interrupt every reload + 1 core clocks; the counter restarts from reload. */
static inline void systick_start(uint32_t reload)
{
	REG32(SYST_CSR) = 0;
	REG32(SYST_RVR) = reload & SYST_RELOAD_MASK;
	REG32(SYST_CVR) = 0;
	REG32(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
}

static inline void systick_stop(void)
{
	REG32(SYST_CSR) = 0;
	REG32(SCB_ICSR) = SCB_ICSR_PENDSTCLR;
	cm_sync();
}

#endif
