// SPDX-License-Identifier: BSD-2-Clause
/*
 * Exception-model test firmware: a fixed sequence of checks of the Cortex-M
 * exception model (SVC, PendSV, NVIC pending/enable, preemption by priority,
 * PRIGROUP, PRIMASK/BASEPRI/FAULTMASK, tail-chaining, FP and integer frames,
 * MSP/PSP, SysTick, WFI, HardFault), each writing what it saw into the
 * results block of exct_results.h: an ordered event log and pass/fail.
 *
 * Built twice from this file: for QEMU's mps2-an386 (-DFW_QEMU: the block is
 * also printed through semihosting and the run ends with SYS_EXIT) and for
 * our STM32MP15 Cortex-M4 (the host reads the block from MCU SRAM2). A check
 * passes when every expectation holds AND its slice of the event log is the
 * expected one, so the log is asserted here; the host then compares the two
 * runs' blocks word for word (tests/fw).
 *
 * External interrupts 0..7 are used as software-pended test lines and are
 * the only ones enabled: nothing raises them on either board while this runs
 * (QEMU's UARTs have their interrupts off at reset; the STM32MP15 board's
 * models use other lines, e.g. the IPCC 103/104, and stay disabled here).
 * Priorities are multiples of 0x20 (QEMU implements 3 bits, STM32 4).
 */
#include "exct_results.h"
#include "fwlib.h"

__attribute__((section(".results"), used)) volatile struct exct_results exct_results;

#define RES (&exct_results)

/* ---- the log ---- */

static unsigned int cur_check; /* index of the running check */
static unsigned int check_ev0; /* event index where it started (after its CHECK event) */
static unsigned int fail_line; /* first failed expectation of the running check */

/* Append one event; handlers and thread code both log, so with interrupts masked. */
static void log_ev(uint32_t ev)
{
	uint32_t pm = cm_get_primask();
	uint32_t n;

	cm_irq_disable();
	n = RES->num_events;
	if (n < EXCT_MAX_EVENTS) {
		RES->event[n] = ev;
		RES->num_events = n + 1;
	}
	cm_set_primask(pm);
}

#define ENTER(exc, er) EXCT_EV(EXCT_EV_ENTER, exc, (er)&0xFFFFu)
#define EXIT(exc)      EXCT_EV(EXCT_EV_EXIT, exc, 0)
#define MARK(step, v)  EXCT_EV(EXCT_EV_MARK, step, v)
#define IRQ(n)	       EXC_EXTERNAL(n)

/* EXC_RETURN low halves: thread/MSP, thread/PSP, handler; E = with FP context. */
#define ER_T_MSP   0xFFF9u
#define ER_T_PSP   0xFFFDu
#define ER_H	   0xFFF1u
#define ER_T_MSP_F 0xFFE9u
#define ER_T_PSP_F 0xFFEDu
#define ER_H_F	   0xFFE1u

#define EXPECT(cond)                                                                               \
	do {                                                                                       \
		if (!(cond) && !fail_line)                                                         \
			fail_line = __LINE__;                                                      \
	} while (0)

/* The events the running check logged so far must be exactly want[0..n). */
static void expect_log(const uint32_t *want, unsigned int n, unsigned int line)
{
	unsigned int i;

	if (RES->num_events - check_ev0 != n && !fail_line)
		fail_line = line;
	for (i = 0; i < n && check_ev0 + i < RES->num_events; i++)
		if (RES->event[check_ev0 + i] != want[i] && !fail_line)
			fail_line = line;
}

#define EXPECT_LOG(...)                                                                            \
	do {                                                                                       \
		static const uint32_t want_[] = {__VA_ARGS__};                                     \
		expect_log(want_, sizeof(want_) / sizeof(want_[0]), __LINE__);                     \
	} while (0)

/* ---- handlers: every test exception goes through one logging dispatcher ---- */

typedef void (*exct_action)(struct fw_frame *frame, uint32_t exc_return);

/* What the handler of exception n does besides logging (set per check). */
static exct_action action[EXC_EXTERNAL(8)];
/* Handler entries per exception (SysTick counts its ticks here). */
static volatile uint32_t taken[EXC_EXTERNAL(8)];
/* SysTick logs its first entry only: how often it fires depends on time. */
static volatile bool systick_logged;

__attribute__((used)) static void isr_c(uint32_t exc_return, struct fw_frame *frame)
{
	uint32_t exc = cm_get_ipsr() & SCB_ICSR_VECTACTIVE_MASK;

	/* Only the exceptions the running check set up are expected. */
	if (exc >= EXC_EXTERNAL(8) || !action[exc]) {
		fw_panic(exc);
		return;
	}
	taken[exc]++;
	if (exc == EXC_SYSTICK) {
		if (systick_logged)
			return;
		systick_logged = true;
	}
	log_ev(ENTER(exc, exc_return));
	if (action[exc])
		action[exc](frame, exc_return);
	log_ev(EXIT(exc));
}

/*
 * The assembly entry of every test exception: the frame is on the stack the
 * interrupted code used (EXC_RETURN bit 2), EXC_RETURN is in LR.
 */
__attribute__((naked)) static void test_isr(void)
{
	__asm__ volatile("tst lr, #4\n"
			 "ite eq\n"
			 "mrseq r1, msp\n"
			 "mrsne r1, psp\n"
			 "mov r0, lr\n"
			 "push {r0, lr}\n"
			 "bl isr_c\n"
			 "pop {r0, pc}\n");
}

#define TEST_HANDLER(name) void name(void) __attribute__((alias("test_isr")))
TEST_HANDLER(pendsv_handler);
TEST_HANDLER(systick_handler);
TEST_HANDLER(irq0_handler);
TEST_HANDLER(irq1_handler);
TEST_HANDLER(irq2_handler);
TEST_HANDLER(irq3_handler);
TEST_HANDLER(irq4_handler);
TEST_HANDLER(irq5_handler);
TEST_HANDLER(irq6_handler);
TEST_HANDLER(irq7_handler);

/* SVCall: log the immediate (the halfword before the stacked PC) and r0; return r0 + imm. */
__attribute__((used)) static void svc_c(uint32_t exc_return, struct fw_frame *frame)
{
	uint32_t imm = *(const volatile uint16_t *)(uintptr_t)(frame->pc - 2) & 0xFFu;

	taken[EXC_SVCALL]++;
	log_ev(ENTER(EXC_SVCALL, exc_return));
	log_ev(EXCT_EV(EXCT_EV_SVC, imm, frame->r0));
	if (action[EXC_SVCALL])
		action[EXC_SVCALL](frame, exc_return);
	frame->r0 += imm;
	log_ev(EXIT(EXC_SVCALL));
}

__attribute__((naked)) void svc_handler(void)
{
	__asm__ volatile("tst lr, #4\n"
			 "ite eq\n"
			 "mrseq r1, msp\n"
			 "mrsne r1, psp\n"
			 "mov r0, lr\n"
			 "push {r0, lr}\n"
			 "bl svc_c\n"
			 "pop {r0, pc}\n");
}

/* ---- the run ---- */

static void finish(void);

/* Anything unexpected (an exception nobody handles, a fault no check expects): end the run. */
void fw_panic(uint32_t exc)
{
	cm_irq_disable();
	log_ev(EXCT_EV(EXCT_EV_UNEXPECTED, exc, 0));
	if (!fail_line)
		fail_line = 1;
	RES->check[cur_check] = EXCT_FAIL | (fail_line << 8);
	RES->failed++;
	RES->num_checks = cur_check + 1;
	finish();
}

/* Every check starts from the same core state. */
static void reset_state(void)
{
	unsigned int i;

	cm_irq_disable();
	systick_stop();
	for (i = 0; i < 8; i++) {
		nvic_disable(i);
		nvic_clear_pending(i);
		nvic_set_priority(i, 0x80);
	}
	scb_set_priority(EXC_SVCALL, 0x00);
	scb_set_priority(EXC_PENDSV, 0xE0);
	scb_set_priority(EXC_SYSTICK, 0x80);
	scb_set_prigroup(0);
	REG32(SCB_ICSR) = SCB_ICSR_PENDSVCLR;
	for (i = 0; i < EXC_EXTERNAL(8); i++) {
		action[i] = 0;
		taken[i] = 0;
	}
	systick_logged = false;
	cm_set_basepri(0);
	cm_fault_enable();
	/* Thread mode on MSP with no FP context: EXC_RETURN is 0xFFFFFFF9 until a check says. */
	cm_set_control(0);
	cm_isb();
	cm_irq_enable();
}

static void run_check(unsigned int idx, void (*fn)(void))
{
	cur_check = idx;
	fail_line = 0;
	reset_state();
	log_ev(EXCT_EV(EXCT_EV_CHECK, idx, 0));
	check_ev0 = RES->num_events;
	fn();
	reset_state();
	RES->check[idx] = (fail_line ? EXCT_FAIL : EXCT_PASS) | (fail_line << 8);
	if (fail_line)
		RES->failed++;
	RES->num_checks = idx + 1;
}

/* ---- the checks ---- */

static uint32_t svc42(uint32_t arg)
{
	register uint32_t r0 __asm__("r0") = arg;

	__asm__ volatile("svc #42" : "+r"(r0)::"memory");
	return r0;
}

static uint32_t svc7(uint32_t arg)
{
	register uint32_t r0 __asm__("r0") = arg;

	__asm__ volatile("svc #7" : "+r"(r0)::"memory");
	return r0;
}

/* SVC: taken at once, sees its immediate and r0, returns a value through the frame. */
static void check_svc(void)
{
	EXPECT(svc42(0x1000) == 0x1000 + 42);
	EXPECT(svc7(0xBEEF) == 0xBEEF + 7);
	EXPECT(taken[EXC_SVCALL] == 2);
	EXPECT_LOG(ENTER(EXC_SVCALL, ER_T_MSP), EXCT_EV(EXCT_EV_SVC, 42, 0x1000), EXIT(EXC_SVCALL),
		   ENTER(EXC_SVCALL, ER_T_MSP), EXCT_EV(EXCT_EV_SVC, 7, 0xBEEF), EXIT(EXC_SVCALL));
}

static void act_nop(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
}

/* PendSV: pending while masked (ICSR shows it), taken when unmasked, clearable. */
static void check_pendsv(void)
{
	uint32_t icsr;

	action[EXC_PENDSV] = act_nop;
	log_ev(MARK(1, 0));
	scb_pend_pendsv();
	log_ev(MARK(2, taken[EXC_PENDSV]));
	cm_irq_disable();
	scb_pend_pendsv();
	icsr = REG32(SCB_ICSR);
	EXPECT(icsr & SCB_ICSR_PENDSVSET);
	EXPECT(((icsr >> SCB_ICSR_VECTPENDING_SHIFT) & 0x1FFu) == EXC_PENDSV);
	log_ev(MARK(3, (icsr >> SCB_ICSR_VECTPENDING_SHIFT) & 0x1FFu));
	cm_irq_enable();
	cm_isb();
	log_ev(MARK(4, taken[EXC_PENDSV]));
	/* Pended then cleared before unmasking: never taken. */
	cm_irq_disable();
	scb_pend_pendsv();
	REG32(SCB_ICSR) = SCB_ICSR_PENDSVCLR;
	EXPECT(!(REG32(SCB_ICSR) & SCB_ICSR_PENDSVSET));
	cm_irq_enable();
	cm_isb();
	EXPECT(taken[EXC_PENDSV] == 2);
	EXPECT_LOG(MARK(1, 0), ENTER(EXC_PENDSV, ER_T_MSP), EXIT(EXC_PENDSV), MARK(2, 1),
		   MARK(3, EXC_PENDSV), ENTER(EXC_PENDSV, ER_T_MSP), EXIT(EXC_PENDSV), MARK(4, 2));
}

/* STIR: a write of the interrupt number pends it; enabled and unmasked, it is taken at once. */
static void check_stir(void)
{
	action[IRQ(0)] = act_nop;
	nvic_enable(0);
	log_ev(MARK(1, 0));
	nvic_trigger(0);
	log_ev(MARK(2, taken[IRQ(0)]));
	EXPECT(taken[IRQ(0)] == 1);
	EXPECT(!nvic_is_pending(0));
	EXPECT_LOG(MARK(1, 0), ENTER(IRQ(0), ER_T_MSP), EXIT(IRQ(0)), MARK(2, 1));
}

/* In its handler an interrupt is active and no longer pending. */
static void act_active(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
	log_ev(MARK(10, (nvic_is_active(1) ? 1u : 0u) | (nvic_is_pending(1) ? 2u : 0u)));
}

/* ISPR/ICPR and ISER/ICER: pending while disabled, taken when enabled, read back right. */
static void check_ispr_enable(void)
{
	action[IRQ(1)] = act_active;
	nvic_set_pending(1); /* disabled: stays pending */
	EXPECT(nvic_is_pending(1));
	EXPECT(!nvic_is_active(1));
	EXPECT(!nvic_is_enabled(1));
	log_ev(MARK(1, taken[IRQ(1)]));
	nvic_clear_pending(1);
	EXPECT(!nvic_is_pending(1));
	nvic_enable(1); /* nothing pending: nothing taken */
	cm_sync();
	EXPECT(nvic_is_enabled(1));
	log_ev(MARK(2, taken[IRQ(1)]));
	nvic_disable(1);
	EXPECT(!nvic_is_enabled(1));
	nvic_set_pending(1);
	log_ev(MARK(3, taken[IRQ(1)]));
	nvic_enable(1); /* pending: taken now */
	cm_sync();
	log_ev(MARK(4, taken[IRQ(1)]));
	EXPECT(!nvic_is_pending(1));
	EXPECT(!nvic_is_active(1));
	EXPECT_LOG(MARK(1, 0), MARK(2, 0), MARK(3, 0), ENTER(IRQ(1), ER_T_MSP), MARK(10, 1),
		   EXIT(IRQ(1)), MARK(4, 1));
}

static void act_pend3(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
	nvic_set_pending(3);
	log_ev(MARK(20, taken[IRQ(3)]));
}

static void act_pend5(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
	nvic_set_pending(5);
	log_ev(MARK(21, taken[IRQ(5)]));
}

static void act_pend6(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
	nvic_set_pending(6);
	log_ev(MARK(22, taken[IRQ(6)]));
}

/*
 * Preemption by priority: a higher-priority interrupt pended by a handler
 * preempts it (nested, EXC_RETURN "handler"); a lower or equal one waits and
 * is tail-chained after it.
 */
static void check_nesting(void)
{
	unsigned int i;

	for (i = 2; i <= 6; i++)
		nvic_enable(i);
	nvic_set_priority(2, 0xC0);
	nvic_set_priority(3, 0x40);
	nvic_set_priority(4, 0x40);
	nvic_set_priority(5, 0xC0);
	nvic_set_priority(6, 0x40);
	action[IRQ(2)] = act_pend3; /* low pends high: preempted */
	action[IRQ(3)] = act_nop;
	action[IRQ(4)] = act_pend5; /* high pends low: after */
	action[IRQ(5)] = act_pend6; /* low pends high (6 is 0x40): preempted */
	action[IRQ(6)] = act_nop;
	nvic_set_pending(2);
	log_ev(MARK(1, 0));
	action[IRQ(5)] = act_nop;
	nvic_set_pending(4);
	log_ev(MARK(2, 0));
	/* Equal priority: 4 pends 6 (both 0x40), 6 waits. */
	action[IRQ(4)] = act_pend6;
	nvic_set_pending(4);
	log_ev(MARK(3, 0));
	EXPECT_LOG(ENTER(IRQ(2), ER_T_MSP), ENTER(IRQ(3), ER_H), EXIT(IRQ(3)), MARK(20, 1),
		   EXIT(IRQ(2)), MARK(1, 0), ENTER(IRQ(4), ER_T_MSP), MARK(21, 0), EXIT(IRQ(4)),
		   ENTER(IRQ(5), ER_T_MSP), EXIT(IRQ(5)), MARK(2, 0), ENTER(IRQ(4), ER_T_MSP),
		   MARK(22, 0), EXIT(IRQ(4)), ENTER(IRQ(6), ER_T_MSP), EXIT(IRQ(6)), MARK(3, 0));
}

static void act_pend7(struct fw_frame *frame, uint32_t exc_return)
{
	(void)frame;
	(void)exc_return;
	nvic_set_pending(7);
	log_ev(MARK(23, taken[IRQ(7)]));
}

static void act_pend3_pend7(struct fw_frame *frame, uint32_t exc_return)
{
	act_pend3(frame, exc_return);
	act_pend7(frame, exc_return);
}

/*
 * PRIGROUP: with PRIGROUP 5 only bits 7:6 are the group priority, so 0x40 does
 * not preempt 0x60 (same group, lower subpriority) but 0x20 (group 0) does;
 * among pending interrupts of one group the subpriority decides. With
 * PRIGROUP 0, 0x40 preempts 0x60.
 */
static void check_prigroup(void)
{
	nvic_enable(2);
	nvic_enable(3);
	nvic_enable(7);
	nvic_set_priority(2, 0x60);
	nvic_set_priority(3, 0x40);
	nvic_set_priority(7, 0x20);
	action[IRQ(3)] = act_nop;
	action[IRQ(7)] = act_nop;
	scb_set_prigroup(5);
	EXPECT(((REG32(SCB_AIRCR) >> SCB_AIRCR_PRIGROUP_SHIFT) & 7u) == 5);
	EXPECT((REG32(SCB_AIRCR) & 0xFFFF0000u) == SCB_AIRCR_VECTKEYSTAT);
	action[IRQ(2)] = act_pend3_pend7;
	nvic_set_pending(2);
	log_ev(MARK(1, 0));
	/* Both pending at once: the lower subpriority first. */
	cm_irq_disable();
	nvic_set_pending(2);
	nvic_set_pending(3);
	action[IRQ(2)] = act_nop;
	cm_irq_enable();
	cm_isb();
	log_ev(MARK(2, 0));
	scb_set_prigroup(0);
	action[IRQ(2)] = act_pend3;
	nvic_set_pending(2);
	log_ev(MARK(3, 0));
	EXPECT_LOG(ENTER(IRQ(2), ER_T_MSP), MARK(20, 0), ENTER(IRQ(7), ER_H), EXIT(IRQ(7)),
		   MARK(23, 1), EXIT(IRQ(2)), ENTER(IRQ(3), ER_T_MSP), EXIT(IRQ(3)), MARK(1, 0),
		   ENTER(IRQ(3), ER_T_MSP), EXIT(IRQ(3)), ENTER(IRQ(2), ER_T_MSP), EXIT(IRQ(2)),
		   MARK(2, 0), ENTER(IRQ(2), ER_T_MSP), ENTER(IRQ(3), ER_H), EXIT(IRQ(3)),
		   MARK(20, 3), EXIT(IRQ(2)), MARK(3, 0));
}

/* PRIMASK: every configurable-priority exception waits, even priority 0; CPSIE releases it. */
static void check_primask(void)
{
	action[IRQ(0)] = act_nop;
	action[EXC_PENDSV] = act_nop;
	nvic_set_priority(0, 0x00);
	nvic_enable(0);
	cm_irq_disable();
	EXPECT(cm_get_primask() == 1);
	nvic_set_pending(0);
	scb_pend_pendsv();
	log_ev(MARK(1, taken[IRQ(0)] + taken[EXC_PENDSV]));
	EXPECT(nvic_is_pending(0));
	cm_irq_enable();
	cm_isb();
	log_ev(MARK(2, taken[IRQ(0)] + taken[EXC_PENDSV]));
	EXPECT_LOG(MARK(1, 0), ENTER(IRQ(0), ER_T_MSP), EXIT(IRQ(0)), ENTER(EXC_PENDSV, ER_T_MSP),
		   EXIT(EXC_PENDSV), MARK(2, 2));
}

/* BASEPRI: priorities numerically >= BASEPRI wait, higher ones are taken. */
static void check_basepri(void)
{
	action[IRQ(4)] = act_nop;
	action[IRQ(5)] = act_nop;
	nvic_set_priority(4, 0x80);
	nvic_set_priority(5, 0x40);
	nvic_enable(4);
	nvic_enable(5);
	cm_set_basepri(0x80);
	cm_isb();
	EXPECT(cm_get_basepri() == 0x80);
	nvic_set_pending(4);
	log_ev(MARK(1, taken[IRQ(4)]));
	nvic_set_pending(5);
	log_ev(MARK(2, taken[IRQ(5)]));
	EXPECT(nvic_is_pending(4));
	cm_set_basepri(0);
	cm_isb();
	log_ev(MARK(3, taken[IRQ(4)]));
	EXPECT_LOG(MARK(1, 0), ENTER(IRQ(5), ER_T_MSP), EXIT(IRQ(5)), MARK(2, 1),
		   ENTER(IRQ(4), ER_T_MSP), EXIT(IRQ(4)), MARK(3, 1));
}

/* FAULTMASK: like PRIMASK for interrupts, SVC-free; CPSIE F releases in priority order. */
static void check_faultmask(void)
{
	action[IRQ(0)] = act_nop;
	action[EXC_PENDSV] = act_nop;
	nvic_set_priority(0, 0x00);
	nvic_enable(0);
	cm_fault_disable();
	EXPECT(cm_get_faultmask() == 1);
	scb_pend_pendsv();
	nvic_set_pending(0);
	log_ev(MARK(1, taken[IRQ(0)] + taken[EXC_PENDSV]));
	cm_fault_enable();
	cm_isb();
	log_ev(MARK(2, taken[IRQ(0)] + taken[EXC_PENDSV]));
	EXPECT_LOG(MARK(1, 0), ENTER(IRQ(0), ER_T_MSP), EXIT(IRQ(0)), ENTER(EXC_PENDSV, ER_T_MSP),
		   EXIT(EXC_PENDSV), MARK(2, 2));
}

/*
 * Tail-chaining: five exceptions pending at once run back to back by
 * priority, then exception number, each with the EXC_RETURN of the first
 * entry (back to thread mode on MSP).
 */
static void check_tailchain(void)
{
	unsigned int i;

	for (i = 4; i <= 7; i++) {
		action[IRQ(i)] = act_nop;
		nvic_enable(i);
	}
	action[EXC_PENDSV] = act_nop;
	nvic_set_priority(4, 0x80);
	nvic_set_priority(5, 0x40);
	nvic_set_priority(6, 0x80);
	nvic_set_priority(7, 0xE0);
	cm_irq_disable();
	nvic_set_pending(7);
	nvic_set_pending(6);
	scb_pend_pendsv();
	nvic_set_pending(4);
	nvic_set_pending(5);
	log_ev(MARK(1, 0));
	cm_irq_enable();
	cm_isb();
	log_ev(MARK(2, 0));
	EXPECT_LOG(MARK(1, 0), ENTER(IRQ(5), ER_T_MSP), EXIT(IRQ(5)), ENTER(IRQ(4), ER_T_MSP),
		   EXIT(IRQ(4)), ENTER(IRQ(6), ER_T_MSP), EXIT(IRQ(6)), ENTER(EXC_PENDSV, ER_T_MSP),
		   EXIT(EXC_PENDSV), ENTER(IRQ(7), ER_T_MSP), EXIT(IRQ(7)), MARK(2, 0));
}

/* ---- FP context ---- */

static const uint32_t fp_thread_pattern[16] = {
	0x3F800000, 0x40000000, 0x40400000, 0x40800000, 0x40A00000, 0x40C00000,
	0x40E00000, 0x41000000, 0x41100000, 0x41200000, 0x41300000, 0x41400000,
	0x41500000, 0x41600000, 0x41700000, 0x41800000,
};
static const uint32_t fp_isr_pattern[16] = {
	0xDEAD0000, 0xDEAD0001, 0xDEAD0002, 0xDEAD0003, 0xDEAD0004, 0xDEAD0005,
	0xDEAD0006, 0xDEAD0007, 0xDEAD0008, 0xDEAD0009, 0xDEAD000A, 0xDEAD000B,
	0xDEAD000C, 0xDEAD000D, 0xDEAD000E, 0xDEAD000F,
};
/* FPSCR the thread sets (round towards zero, flush-to-zero) and the one the ISR sets. */
#define FPSCR_THREAD 0x01C00000u
#define FPSCR_ISR    0x00400000u

/*
 * In the FP handler: FPCA is clear on entry; the frame holds the thread's
 * S0-S15 and FPSCR (words 8..24: no lazy stacking); then it uses FP itself
 * (S0-S15, FPSCR clobbered) and lets a higher-priority interrupt preempt it,
 * which must see EXC_RETURN "handler, FP frame".
 */
static void act_fp(struct fw_frame *frame, uint32_t exc_return)
{
	const volatile uint32_t *ext = (const volatile uint32_t *)frame;
	uint32_t seen = 0, i;

	if (cm_get_control() & CONTROL_FPCA)
		seen |= 1;
	for (i = 0; i < 16; i++)
		if (ext[8 + i] != fp_thread_pattern[i])
			seen |= 2;
	if (ext[24] != FPSCR_THREAD)
		seen |= 4;
	if (exc_return & EXC_RETURN_FTYPE)
		seen |= 8;
	log_ev(MARK(30, seen));
	__asm__ volatile("vldmia %0, {s0-s15}\n"
			 "vmsr fpscr, %1\n" ::"r"(fp_isr_pattern),
			 "r"(FPSCR_ISR)
			 : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
			   "s12", "s13", "s14", "s15", "memory");
	nvic_set_pending(3);
	/* The nested handler used no FP: ours is still here. */
	{
		uint32_t after[16], fpscr;

		__asm__ volatile("vstmia %1, {s0-s15}\n"
				 "vmrs %0, fpscr\n"
				 : "=r"(fpscr)
				 : "r"(after)
				 : "memory");
		seen = 0;
		for (i = 0; i < 16; i++)
			if (after[i] != fp_isr_pattern[i])
				seen |= 1;
		if (fpscr != FPSCR_ISR)
			seen |= 2;
		log_ev(MARK(31, seen));
	}
}

/*
 * FP frame: the thread fills S0-S15 and FPSCR, an interrupt whose handler
 * uses FP is taken (EXC_RETURN 0xFFFFFFE9, FP frame), and after the return
 * the thread finds its registers intact. One asm block, so the compiler
 * cannot move FP registers around the interrupt.
 */
static void check_fp_frame(void)
{
	uint32_t after[16], fpscr, bad = 0, i;

	nvic_set_priority(2, 0x80);
	nvic_set_priority(3, 0x40);
	nvic_enable(2);
	nvic_enable(3);
	action[IRQ(2)] = act_fp;
	action[IRQ(3)] = act_nop;
	__asm__ volatile("vldmia %2, {s0-s15}\n"
			 "vmsr fpscr, %3\n"
			 "str %5, [%4]\n"
			 "dsb\n"
			 "isb\n"
			 "vstmia %1, {s0-s15}\n"
			 "vmrs %0, fpscr\n"
			 : "=&r"(fpscr)
			 : "r"(after), "r"(fp_thread_pattern), "r"(FPSCR_THREAD), "r"(NVIC_ISPR(0)),
			   "r"(1u << 2)
			 : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
			   "s12", "s13", "s14", "s15", "memory");
	for (i = 0; i < 16; i++)
		if (after[i] != fp_thread_pattern[i])
			bad |= 1;
	if (fpscr != FPSCR_THREAD)
		bad |= 2;
	if (!(cm_get_control() & CONTROL_FPCA))
		bad |= 4;
	log_ev(MARK(1, bad));
	EXPECT(bad == 0);
	EXPECT_LOG(ENTER(IRQ(2), ER_T_MSP_F), MARK(30, 0), ENTER(IRQ(3), ER_H_F), EXIT(IRQ(3)),
		   MARK(31, 0), EXIT(IRQ(2)), MARK(1, 0));
}

/* Without FP context (CONTROL.FPCA clear) the frame is the basic one: EXC_RETURN 0xFFFFFFF9. */
static void check_nofp_frame(void)
{
	action[IRQ(2)] = act_nop;
	nvic_enable(2);
	/* Use FP (FPCA set), then drop the context: a fresh thread that has not used FP. */
	__asm__ volatile("vmov s0, %0" ::"r"(0u) : "s0");
	EXPECT(cm_get_control() & CONTROL_FPCA);
	cm_set_control(cm_get_control() & ~CONTROL_FPCA);
	cm_isb();
	EXPECT(!(cm_get_control() & CONTROL_FPCA));
	nvic_set_pending(2);
	log_ev(MARK(1, cm_get_control() & CONTROL_FPCA));
	EXPECT_LOG(ENTER(IRQ(2), ER_T_MSP), EXIT(IRQ(2)), MARK(1, 0));
}

/* ---- MSP / PSP ---- */

static uint64_t psp_stack[128]; /* thread stack for check_psp, 8-byte aligned */

static bool on_psp_stack(uint32_t sp)
{
	return sp >= (uint32_t)(uintptr_t)psp_stack && sp <= (uint32_t)(uintptr_t)(psp_stack + 128);
}

/* In a handler: the frame is on the PSP, the handler itself runs on the MSP. */
static void act_psp(struct fw_frame *frame, uint32_t exc_return)
{
	uint32_t here = (uint32_t)(uintptr_t)&here;
	uint32_t seen = 0;

	(void)exc_return;
	if ((uint32_t)(uintptr_t)frame == cm_get_psp())
		seen |= 1;
	if (on_psp_stack((uint32_t)(uintptr_t)frame))
		seen |= 2;
	if (!on_psp_stack(here))
		seen |= 4;
	if (!(cm_get_control() & CONTROL_SPSEL))
		seen |= 8; /* handler mode always uses the MSP; SPSEL reads 0 there */
	log_ev(MARK(40, seen));
}

/*
 * Thread mode on the process stack: switch with CONTROL.SPSEL, take an SVC and
 * an interrupt there (EXC_RETURN 0xFFFFFFFD, frame on PSP, handler on MSP),
 * come back to PSP, then to MSP.
 */
static void check_psp(void)
{
	uint32_t ctl;

	action[EXC_SVCALL] = act_psp;
	action[IRQ(1)] = act_psp;
	nvic_enable(1);
	/*
	 * Switch stacks, work and switch back in one asm block: the compiler
	 * must not keep anything on the MSP-relative stack across the switch.
	 */
	__asm__ volatile("mrs r4, msp\n"
			 "msr psp, %1\n"
			 "movs r5, #2\n"
			 "msr control, r5\n"
			 "isb\n"
			 "movs r0, #5\n"
			 "svc #1\n"
			 "str %3, [%2]\n"
			 "dsb\n"
			 "isb\n"
			 "mrs %0, control\n"
			 "movs r5, #0\n"
			 "msr control, r5\n"
			 "isb\n"
			 : "=&r"(ctl)
			 : "r"(psp_stack + 128), "r"(NVIC_ISPR(0)), "r"(1u << 1)
			 : "r0", "r1", "r2", "r3", "r4", "r5", "r12", "lr", "memory", "cc");
	log_ev(MARK(1, ctl));
	EXPECT(ctl == CONTROL_SPSEL);
	EXPECT(!(cm_get_control() & CONTROL_SPSEL));
	EXPECT_LOG(ENTER(EXC_SVCALL, ER_T_PSP), EXCT_EV(EXCT_EV_SVC, 1, 5), MARK(40, 15),
		   EXIT(EXC_SVCALL), ENTER(IRQ(1), ER_T_PSP), MARK(40, 15), EXIT(IRQ(1)),
		   MARK(1, CONTROL_SPSEL));
}

/* ---- SysTick, WFI ---- */

/* Bounded busy wait for cond: the checks never hang on a core that does not deliver. */
#define SPIN_LIMIT 20000000u

/* SysTick: counts down at the core clock, fires and reloads; COUNTFLAG says it wrapped. */
static void check_systick(void)
{
	uint32_t i, csr;

	action[EXC_SYSTICK] = act_nop;
	systick_start(9999);
	for (i = 0; i < SPIN_LIMIT && taken[EXC_SYSTICK] < 3; i++)
		;
	csr = REG32(SYST_CSR);
	systick_stop();
	log_ev(MARK(1, taken[EXC_SYSTICK] >= 3));
	EXPECT(taken[EXC_SYSTICK] >= 3);
	EXPECT(csr & SYST_CSR_COUNTFLAG);
	EXPECT((csr & 7u) == (SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE));
	EXPECT(REG32(SYST_RVR) == 9999);
	EXPECT_LOG(ENTER(EXC_SYSTICK, ER_T_MSP), EXIT(EXC_SYSTICK), MARK(1, 1));
}

/* WFI: the core sleeps until an interrupt (here SysTick) wakes it and is taken. */
static void check_wfi(void)
{
	uint32_t before, i;

	action[EXC_SYSTICK] = act_nop;
	systick_start(99999);
	for (i = 0; i < 3; i++) {
		before = taken[EXC_SYSTICK];
		cm_wfi();
		if (taken[EXC_SYSTICK] != before)
			break;
	}
	systick_stop();
	log_ev(MARK(1, taken[EXC_SYSTICK] >= 1));
	EXPECT(taken[EXC_SYSTICK] >= 1);
	EXPECT_LOG(ENTER(EXC_SYSTICK, ER_T_MSP), EXIT(EXC_SYSTICK), MARK(1, 1));
}

/* ---- HardFault ---- */

/* The kind of fault the running check provokes (0: none is expected). */
static volatile uint32_t fault_expected;
/* Where the faulting function starts (its PC as stacked: Thumb bit clear). */
static volatile uint32_t fault_fn;

/* Each faulting instruction is the first of its own function, so the frame's LR returns. */
__attribute__((naked, noinline)) static void do_udf(void)
{
	__asm__ volatile("udf #7\n"
			 "bx lr\n");
}

__attribute__((naked, noinline)) static uint32_t do_bad_load(__attribute__((unused)) uint32_t addr)
{
	__asm__ volatile("ldr r0, [r0]\n"
			 "bx lr\n");
}

/*
 * Recover from the expected fault: log it, resume at the faulting function's
 * return address. (A real firmware would report and reset; see fault.c.)
 */
bool fw_fault_hook(struct fw_fault *f, struct fw_frame *frame)
{
	uint32_t kind = fault_expected;

	if (!kind)
		return false;
	fault_expected = 0;
	log_ev(ENTER(EXC_HARDFAULT, f->exc_return));
	log_ev(EXCT_EV(EXCT_EV_FAULT, kind, (frame->pc & ~1u) == fault_fn));
	frame->pc = frame->lr & ~1u;
	log_ev(EXIT(EXC_HARDFAULT));
	return true;
}

/* An address no board maps: the vendor region above the PPB, a bus error everywhere. */
#define BAD_ADDRESS 0xF0000000u

/* UDF escalates to HardFault (UsageFault is disabled); the handler recovers. */
static void check_hardfault_udf(void)
{
	uint32_t before = fw_last_fault.count;

	fault_fn = (uint32_t)(uintptr_t)do_udf & ~1u;
	fault_expected = 1;
	do_udf();
	log_ev(MARK(1, fw_last_fault.count - before));
	EXPECT(fw_last_fault.count == before + 1);
	EXPECT_LOG(ENTER(EXC_HARDFAULT, ER_T_MSP), EXCT_EV(EXCT_EV_FAULT, 1, 1),
		   EXIT(EXC_HARDFAULT), MARK(1, 1));
}

/* A load from unmapped memory: BusFault escalated to HardFault; the handler recovers. */
static void check_hardfault_bus(void)
{
	uint32_t before = fw_last_fault.count;

	fault_fn = (uint32_t)(uintptr_t)do_bad_load & ~1u;
	fault_expected = 2;
	do_bad_load(BAD_ADDRESS);
	log_ev(MARK(1, fw_last_fault.count - before));
	EXPECT(fw_last_fault.count == before + 1);
	EXPECT_LOG(ENTER(EXC_HARDFAULT, ER_T_MSP), EXCT_EV(EXCT_EV_FAULT, 2, 1),
		   EXIT(EXC_HARDFAULT), MARK(1, 1));
}

/* ---- registers firmware reads back ---- */

/* In a handler: VECTACTIVE is this exception, RETTOBASE says whether it is the only one active. */
static void act_scs(struct fw_frame *frame, uint32_t exc_return)
{
	uint32_t icsr = REG32(SCB_ICSR), exc = cm_get_ipsr() & SCB_ICSR_VECTACTIVE_MASK;
	uint32_t seen = 0;

	(void)frame;
	(void)exc_return;
	if ((icsr & SCB_ICSR_VECTACTIVE_MASK) == exc)
		seen |= 1;
	if (icsr & SCB_ICSR_RETTOBASE)
		seen |= 2;
	log_ev(MARK(exc, seen));
	if (exc == IRQ(2))
		nvic_set_pending(3);
}

/*
 * The system control space as firmware reads it back: a Cortex-M4 (CPUID
 * implementer and part; the revision differs between parts), VTOR 0, CCR
 * STKALIGN (reset value), CPACR and FPCCR as the start-up code wrote them,
 * VECTACTIVE 0 in thread mode, priorities as written (multiples of 0x20);
 * in handlers VECTACTIVE and RETTOBASE (set alone, clear when nested).
 */
static void check_scs_regs(void)
{
	uint32_t cpuid = REG32(SCB_CPUID), fpccr = REG32(FPU_FPCCR), seen = 0;

	if ((cpuid & 0xFF00FFF0u) == (CPUID_CORTEX_M4 & 0xFF00FFF0u))
		seen |= 1;
	if (REG32(SCB_VTOR) == 0)
		seen |= 2;
	if (REG32(SCB_CCR) & SCB_CCR_STKALIGN)
		seen |= 4;
	if ((REG32(SCB_CPACR) & SCB_CPACR_FPU_FULL) == SCB_CPACR_FPU_FULL)
		seen |= 8;
	if ((fpccr & (FPU_FPCCR_ASPEN | FPU_FPCCR_LSPEN)) == FPU_FPCCR_ASPEN)
		seen |= 0x10;
	if ((REG32(SCB_ICSR) & SCB_ICSR_VECTACTIVE_MASK) == 0)
		seen |= 0x20;
	if (((REG32(SCB_SHPR3) >> 16) & 0xFFu) == 0xE0)
		seen |= 0x40;
	nvic_set_priority(2, 0xA0);
	if (REG8(NVIC_IPR(0) + 2) == 0xA0)
		seen |= 0x80;
	log_ev(MARK(1, seen));
	EXPECT(seen == 0xFF);
	nvic_set_priority(3, 0x40);
	action[IRQ(2)] = act_scs;
	action[IRQ(3)] = act_scs;
	nvic_enable(2);
	nvic_enable(3);
	nvic_set_pending(2);
	EXPECT_LOG(MARK(1, 0xFF), ENTER(IRQ(2), ER_T_MSP), MARK(IRQ(2), 3), ENTER(IRQ(3), ER_H),
		   MARK(IRQ(3), 1), EXIT(IRQ(3)), EXIT(IRQ(2)));
}

/* ---- main ---- */

#ifdef FW_QEMU
#define CHECK_NAME(i, name) #name,
static const char *const check_names[] = {EXCT_CHECKS(CHECK_NAME)};

/* The report: one line per check, then the block as hex words for the host (tests/fw). */
static void report(void)
{
	const volatile uint32_t *w = (const volatile uint32_t *)RES;
	unsigned int i;

	for (i = 0; i < EXCT_NUM_CHECKS; i++) {
		uint32_t st = RES->check[i];

		semihost_write0("exct: ");
		semihost_write0(check_names[i]);
		semihost_write0((st & 0xFF) == EXCT_PASS   ? " pass"
				: (st & 0xFF) == EXCT_FAIL ? " FAIL at line "
							   : " not run");
		if ((st & 0xFF) == EXCT_FAIL)
			semihost_putdec(st >> 8);
		semihost_write0("\n");
	}
	/* The header, the checks and the events used: the rest is zero. */
	for (i = 0; i < 8 + EXCT_MAX_CHECKS + RES->num_events; i++) {
		if (i % 8 == 0)
			semihost_write0(i ? "\nexct-words:" : "exct-words:");
		semihost_write0(" ");
		semihost_puthex(w[i]);
	}
	semihost_write0("\nexct: ");
	semihost_putdec(RES->num_checks - RES->failed);
	semihost_write0("/");
	semihost_putdec(EXCT_NUM_CHECKS);
	semihost_write0(" checks passed\n");
	semihost_exit(RES->failed || RES->num_checks != EXCT_NUM_CHECKS);
}
#endif

static void finish(void)
{
	cm_irq_disable();
	RES->done = EXCT_DONE;
	cm_dsb();
#ifdef FW_QEMU
	report();
#endif
	for (;;)
		cm_wfi();
}

#define CHECK_RUN(i, name) run_check(i, check_##name);

int main(void)
{
	unsigned int i;

	for (i = 0; i < EXCT_RESULTS_WORDS; i++)
		((volatile uint32_t *)RES)[i] = 0;
	RES->version = EXCT_VERSION;
	RES->magic = EXCT_MAGIC;
	EXCT_CHECKS(CHECK_RUN)
	finish();
	return 0;
}
