// SPDX-License-Identifier: BSD-2-Clause
/*
 * Test programs for the exception model, one per mechanism: this file is
 * built once per -DTEST_<NAME> (tests/coproc/CMakeLists.txt), linked at
 * device address 0 (RETRAM), stack at the top of the first 128 KiB of MCU
 * SRAM2. Register-exact checks are inline assembly.
 *
 * Results block (what test_coproc_exc.c reads), struct res at RES:
 *   done    DONE_MAGIC once the program finished its checks
 *   value   a value the program reports (per test)
 *   count   a counter (per test)
 *   extra   another value
 *   n_log   number of log entries, then log[]: what happened, in order.
 *           Handlers log 0x10 + IRQ number (external) or their exception number.
 *   input   set by the host before the start (not cleared by the program)
 */
#include <stdint.h>

#include "coproc/armv7m_regs.h"

#define RES	   0x10030000u
#define STACK_TOP  0x10020000u
#define PSP_TOP	   0x1001C000u
#define DONE_MAGIC 0x600DF00Du

struct res {
	uint32_t done;
	uint32_t value;
	uint32_t count;
	uint32_t extra;
	uint32_t n_log;
	uint32_t input;
	uint32_t pad[2];
	uint32_t log[56];
};

#define R	((volatile struct res *)RES)
#define REG(a)	(*(volatile uint32_t *)(a))
#define REG8(a) (*(volatile uint8_t *)(a))

static void log_val(uint32_t v)
{
	uint32_t n = R->n_log;

	if (n < 56)
		R->log[n] = v;
	R->n_log = n + 1;
}

static inline void irq_on(unsigned int n, uint8_t prio)
{
	REG8(NVIC_IPR(0) + n) = prio;
	REG(NVIC_ISER(0)) = 1u << n;
}

static inline void pend(unsigned int n)
{
	REG(NVIC_ISPR(0)) = 1u << n;
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

static inline uint32_t ipsr(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, ipsr" : "=r"(v));
	return v;
}

/* CONTROL's ARMv7-M bits (nPRIV, SPSEL, FPCA). */
static inline uint32_t control(void)
{
	uint32_t v;

	__asm__ volatile("mrs %0, control" : "=r"(v));
	return v & 7u;
}

static inline void isb(void)
{
	__asm__ volatile("dsb\n\tisb" ::: "memory");
}

static void sleep_forever(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

void reset(void);
void test(void);
void irq_hook(unsigned int irq, uint32_t excret);

static void unexpected(void)
{
	R->value = ipsr();
	log_val(0xEE);
	sleep_forever();
}

/* Every IRQ: log 0x10 + n, then what the test wants. */
__attribute__((naked)) static void irq_handler(void)
{
	__asm__ volatile("push {r4, lr}\n\t"
			 "mrs r0, ipsr\n\t"
			 "sub r0, r0, #16\n\t"
			 "mov r1, lr\n\t"
			 "bl irq_entry\n\t"
			 "pop {r4, pc}\n\t");
}

__attribute__((used)) static void irq_entry(unsigned int irq, uint32_t excret)
{
	log_val(0x10 + irq);
	irq_hook(irq, excret);
}

static void pendsv_handler(void)
{
	log_val(EXC_PENDSV);
}

static void systick_handler(void)
{
	R->count++;
}

void svc_entry(uint32_t *frame);
void hardfault_entry(uint32_t *frame);

/* SVC and HardFault get their frame (the stack EXC_RETURN names). */
__attribute__((naked)) static void svc_handler(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "b svc_entry\n\t");
}

__attribute__((naked)) static void hardfault_handler(void)
{
	__asm__ volatile("tst lr, #4\n\t"
			 "ite eq\n\t"
			 "mrseq r0, msp\n\t"
			 "mrsne r0, psp\n\t"
			 "b hardfault_entry\n\t");
}

__attribute__((section(".vectors"), used)) static void (*const vectors[16 + 8])(void) = {
	(void (*)(void))STACK_TOP,
	reset,
	unexpected,	   /* NMI */
	hardfault_handler, /* HardFault */
	unexpected,	   /* MemManage */
	unexpected,	   /* BusFault */
	unexpected,	   /* UsageFault */
	0,
	0,
	0,
	0,
	svc_handler,
	unexpected, /* DebugMon */
	0,
	pendsv_handler,
	systick_handler,
	irq_handler,
	irq_handler,
	irq_handler,
	irq_handler, /* IRQ 0-3 */
	irq_handler,
	irq_handler,
	irq_handler,
	irq_handler, /* IRQ 4-7 */
};

void reset(void)
{
	R->done = 0;
	R->value = 0;
	R->count = 0;
	R->extra = 0;
	R->n_log = 0;
	test();
	R->done = DONE_MAGIC;
	sleep_forever();
}

/* ---------------------------------------------------------------- */
#if defined(TEST_BASIC)
/*
 * Entry and return with the integer frame on MSP: the handler clobbers
 * r0-r3 and r12 and they come back; so does SP.
 */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	log_val(excret);
	log_val(ipsr());
	__asm__ volatile("mov r0, #0\n\tmov r1, #0\n\tmov r2, #0\n\tmov r3, #0\n\tmov r12, r0" ::
				 : "r0", "r1", "r2", "r3", "r12");
}

void test(void)
{
	uint32_t out[6];

	irq_on(5, 0x80);
	__asm__ volatile("mov r7, sp\n\t"
			 "ldr r0, =0x11111111\n\t"
			 "ldr r1, =0x22222222\n\t"
			 "ldr r2, =0x33333333\n\t"
			 "ldr r3, =0x44444444\n\t"
			 "ldr r4, =0x55555555\n\t"
			 "mov r12, r4\n\t"
			 "ldr r4, =0xE000E200\n\t" /* NVIC_ISPR(0) */
			 "mov r5, #(1 << 5)\n\t"
			 "str r5, [r4]\n\t"
			 "isb\n\t"
			 "nop\n\t"
			 "str r0, [%0]\n\t"
			 "str r1, [%0, #4]\n\t"
			 "str r2, [%0, #8]\n\t"
			 "str r3, [%0, #12]\n\t"
			 "str r12, [%0, #16]\n\t"
			 "mov r4, sp\n\t"
			 "sub r4, r4, r7\n\t"
			 "str r4, [%0, #20]\n\t"
			 "b 1f\n\t"
			 ".ltorg\n"
			 "1:\n\t"
			 :
			 : "r"(out)
			 : "r0", "r1", "r2", "r3", "r4", "r5", "r7", "r12", "memory");
	R->value = out[0] == 0x11111111u && out[1] == 0x22222222u && out[2] == 0x33333333u &&
		   out[3] == 0x44444444u && out[4] == 0x55555555u;
	R->extra = out[5]; /* SP moved by: 0 */
}

#elif defined(TEST_EXCRET)
/* EXC_RETURN values and the stacks: MSP, PSP, FP frames, stack realignment. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	log_val(excret);
	log_val(control());
	/* Clobber s0 in the handler: the thread's value must come back. */
	__asm__ volatile("vmov s0, %0" ::"r"(0u) : "s0");
}

void test(void)
{
	uint32_t v, sp;

	irq_on(0, 0x80);
	/* 1: thread, MSP, no FP context */
	pend(0);
	/* 2: thread, MSP, FP context: s0 survives the handler */
	__asm__ volatile("vmov s0, %0" ::"r"(0x3F800000u) : "s0");
	pend(0);
	__asm__ volatile("vmov %0, s0" : "=r"(v));
	log_val(v);
	log_val(control());
	/* 3: thread, PSP, no FP context */
	__asm__ volatile("msr control, %0\n\tisb" ::"r"(0u));
	__asm__ volatile("mov r0, sp\n\t"
			 "msr psp, %1\n\t"
			 "msr control, %2\n\t"
			 "isb\n\t"
			 "str %3, [%4]\n\t" /* pend IRQ 0 */
			 "isb\n\t"
			 "nop\n\t"
			 "mov %0, sp\n\t"
			 "msr control, %5\n\t"
			 "isb\n\t"
			 : "=&r"(sp)
			 : "r"(PSP_TOP), "r"(CONTROL_SPSEL), "r"(1u), "r"(NVIC_ISPR(0)), "r"(0u)
			 : "r0", "memory");
	log_val(sp);
	/* 4: MSP 4 bytes off 8-byte alignment: realigned frame, SP comes back exactly */
	__asm__ volatile("mov r4, sp\n\t"
			 "tst r4, #4\n\t"
			 "it eq\n\t"
			 "subeq sp, sp, #4\n\t"
			 "mov r5, sp\n\t"
			 "str %1, [%2]\n\t"
			 "isb\n\t"
			 "nop\n\t"
			 "mov r6, sp\n\t"
			 "sub %0, r6, r5\n\t"
			 "mov sp, r4\n\t"
			 : "=&r"(v)
			 : "r"(1u), "r"(NVIC_ISPR(0))
			 : "r4", "r5", "r6", "memory");
	log_val(v);
}

#elif defined(TEST_NEST)
/* IRQ0 (0x80) pends IRQ1 (0x40: preempts) and IRQ2 (0xC0: waits, then tail-chains). */
void irq_hook(unsigned int irq, uint32_t excret)
{
	if (irq == 0) {
		pend(1);
		log_val(0xA1);
		pend(2);
		log_val(0xA2);
	} else if (irq == 2) {
		log_val(excret);
	}
}

void test(void)
{
	irq_on(0, 0x80);
	irq_on(1, 0x40);
	irq_on(2, 0xC0);
	pend(0);
	log_val(0xB0);
}

#elif defined(TEST_PRIGROUP)
/* IRQ0 (0x90) pends IRQ1 (0x80): no preemption with PRIGROUP 5 (same group), with 0 it does. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)excret;
	if (irq == 0) {
		pend(1);
		log_val(0xA0);
	}
}

void test(void)
{
	irq_on(0, 0x90);
	irq_on(1, 0x80);
	REG(SCB_AIRCR) = SCB_AIRCR_VECTKEY | 5u << SCB_AIRCR_PRIGROUP_SHIFT;
	pend(0);
	log_val(0xB5);
	R->value = REG(SCB_AIRCR);
	REG(SCB_AIRCR) = 0; /* no key: ignored */
	R->extra = REG(SCB_AIRCR);
	REG(SCB_AIRCR) = SCB_AIRCR_VECTKEY;
	pend(0);
	log_val(0xB0);
}

#elif defined(TEST_MASK)
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

void test(void)
{
	irq_on(0, 0x80);
	irq_on(1, 0x40);
	__asm__ volatile("cpsid i" ::: "memory");
	pend(0);
	log_val(1);
	__asm__ volatile("cpsie i\n\tisb" ::: "memory");
	log_val(2);
	__asm__ volatile("msr basepri, %0\n\tisb" ::"r"(0x80u) : "memory");
	pend(0);
	log_val(3);
	pend(1);
	log_val(4);
	__asm__ volatile("msr basepri, %0\n\tisb" ::"r"(0u) : "memory");
	log_val(5);
	__asm__ volatile("cpsid f" ::: "memory");
	pend(1);
	log_val(6);
	__asm__ volatile("cpsie f\n\tisb" ::: "memory");
	log_val(7);
}

#elif defined(TEST_SVC)
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

void svc_entry(uint32_t *frame)
{
	log_val(ipsr());
	log_val(((const uint8_t *)frame[6])[-2]); /* the SVC's immediate */
	frame[0] = 0x5AC;			  /* the caller's r0: a return value */
	/* PendSV at the lowest priority: runs once this handler returns (tail-chain). */
	REG(SCB_ICSR) = SCB_ICSR_PENDSVSET;
	isb();
	log_val(0x5E);
}

void test(void)
{
	register uint32_t r0 __asm__("r0") = 0;

	REG(SCB_SHPR2) = 0x80u << 24; /* SVCall */
	REG(SCB_SHPR3) = 0xF0u << 16; /* PendSV */
	__asm__ volatile("svc #42" : "+r"(r0)::"memory");
	R->extra = r0;
	log_val(0xB1);
	REG(SCB_ICSR) = SCB_ICSR_PENDSVSET;
	isb();
	log_val(0xB2);
	R->value = REG8(SCB_SHPR3 + 2);
}

#elif defined(TEST_STIR)
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

void test(void)
{
	irq_on(3, 0x80);
	irq_on(4, 0x80);
	REG(SCB_STIR) = 3;
	isb();
	log_val(0xB3);
	__asm__ volatile("cpsid i" ::: "memory");
	REG(SCB_STIR) = 4;
	log_val((REG(SCB_ICSR) >> SCB_ICSR_VECTPENDING_SHIFT) & 0x1FFu);
	log_val(REG(NVIC_ISPR(0)));
	__asm__ volatile("cpsie i\n\tisb" ::: "memory");
	log_val(0xB4);
}

#elif defined(TEST_UNPRIV)
/* A handler masks interrupts (BASEPRI) for an unprivileged thread, which reads it as 0. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

void svc_entry(uint32_t *frame)
{
	uint32_t basepri = ((const uint8_t *)frame[6])[-2] == 1 ? 0x40u : 0u;

	__asm__ volatile("msr basepri, %0" ::"r"(basepri) : "memory");
}

void test(void)
{
	irq_on(0, 0x80);
	__asm__ volatile("msr control, %0\n\tisb" ::"r"(CONTROL_NPRIV) : "memory");
	__asm__ volatile("svc #1" ::: "memory");
	pend(0); /* masked by BASEPRI 0x40 */
	log_val(1);
	log_val(control());
	__asm__ volatile("svc #2" ::: "memory"); /* unmasks: IRQ 0 tail-chains */
	log_val(2);
}

#elif defined(TEST_SYSTICK)
/* SysTick on the core clock with the reload the host chose (input); the thread sleeps. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

void test(void)
{
	REG(SYST_RVR) = R->input;
	REG(SYST_CVR) = 0;
	REG(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
	R->value = REG(SYST_CALIB);
	R->extra = REG(SYST_RVR);
	R->done = DONE_MAGIC;
	sleep_forever();
}

#elif defined(TEST_WFI)
/* Sleep; the host raises IRQ 6. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
	R->count++;
}

void test(void)
{
	irq_on(6, 0x80);
	R->done = DONE_MAGIC;
	sleep_forever();
}

#elif defined(TEST_SLEEPONEXIT)
/* With SCR.SLEEPONEXIT the thread never runs again after the first handler. */
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
	R->done = DONE_MAGIC;
}

void test(void)
{
	irq_on(6, 0x80);
	REG(SCB_SCR) = SCB_SCR_SLEEPONEXIT;
	pend(6);
	log_val(0xBB); /* never */
}

#elif defined(TEST_HARDFAULT)
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

/* First fault (UDF): skip it and return. Second (unmapped read): report and stop. */
void hardfault_entry(uint32_t *frame)
{
	log_val(ipsr());
	if (++R->count == 1) {
		frame[6] += 2; /* past the 16-bit UDF */
		return;
	}
	R->extra = REG(SCB_HFSR);
	R->value = frame[6];
	R->done = DONE_MAGIC;
	sleep_forever();
}

void test(void)
{
	__asm__ volatile(".short 0xDE00" ::: "memory"); /* UDF */
	log_val(0xB0);
	(void)REG(0x20000000u); /* nothing there */
	log_val(0xBB);		/* never */
}

#elif defined(TEST_LOCKUP)
void irq_hook(unsigned int irq, uint32_t excret)
{
	(void)irq;
	(void)excret;
}

/* A fault inside HardFault: the core locks up. */
void hardfault_entry(uint32_t *frame)
{
	(void)frame;
	log_val(3);
	(void)REG(0x20000000u);
	R->done = DONE_MAGIC;
}

void test(void)
{
	__asm__ volatile(".short 0xDE00" ::: "memory");
}

#else
#error "define one TEST_<NAME>"
#endif

#if !defined(TEST_SVC) && !defined(TEST_UNPRIV)
void svc_entry(uint32_t *frame)
{
	(void)frame;
	unexpected();
}
#endif

#if !defined(TEST_HARDFAULT) && !defined(TEST_LOCKUP)
void hardfault_entry(uint32_t *frame)
{
	(void)frame;
	unexpected();
}
#endif
