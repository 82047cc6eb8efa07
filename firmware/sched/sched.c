// SPDX-License-Identifier: BSD-2-Clause
/*
 * A small preemptive scheduler, the way a Cortex-M RTOS port does it:
 *
 *   - SVC 0 starts the first thread (thread mode on the process stack);
 *   - SysTick ticks (1 kHz at FW_CLOCK_HZ) and pends PendSV (time slice);
 *   - PendSV, at the lowest priority, switches context: it saves R4-R11,
 *     EXC_RETURN and, when the thread has FP context (EXC_RETURN bit 4 clear),
 *     S16-S31 on the thread's stack (the core saved R0-R3, R12, LR, PC, xPSR,
 *     S0-S15 and FPSCR in the exception frame), then restores the next one's;
 *   - 3 worker threads on their own stacks, each doing integer and FP work
 *     and checking invariants only a broken context switch could break;
 *   - an idle thread that sleeps with WFI when every worker sleeps.
 *
 * Failures count in the results block (sched_results.h). The QEMU build
 * (-DFW_QEMU) stops itself after SCHED_QEMU_TICKS ticks and prints the block
 * through semihosting; on our core it runs until the host stops it.
 */
#include "fwlib.h"
#include "sched_results.h"

#ifndef FW_CLOCK_HZ
#define FW_CLOCK_HZ 209000000u /* STM32MP15's M4 */
#endif
#define TICK_HZ		 1000u
#define SCHED_QEMU_TICKS 1000u

__attribute__((section(".results"), used)) volatile struct sched_results sched_results;
#define RES (&sched_results)

/* ---- threads ---- */

#define STACK_WORDS 512u /* 2 KiB per thread: frame 26 words + 25 saved + the C code's */
#define NUM_TCB	    (SCHED_THREADS + 1u) /* the workers, then idle */
#define IDLE	    SCHED_THREADS

/* A thread as the scheduler keeps it. */
struct tcb {
	uint32_t sp;	    /* saved PSP (first field: the PendSV code uses offset 0) */
	uint32_t wake_tick; /* sleeping until ticks reaches this (0: ready) */
	uint64_t stack[STACK_WORDS / 2]; /* its stack, 8-byte aligned */
};

static struct tcb tcbs[NUM_TCB];
/* The running thread's TCB; PendSV and the start SVC read it by name. */
struct tcb *volatile sched_current;

static void corrupt(unsigned int thread, unsigned int check)
{
	if (!RES->corruptions++)
		RES->first_corrupt = (thread + 1) << 8 | check;
}

/*
 * Every EPOCH_TICKS ticks each worker, the first time it runs, sleeps until
 * EPOCH_SLEEP ticks into the epoch: all three are asleep together then and
 * idle (WFI) runs, however slowly the host runs the threads' work.
 */
#define EPOCH_TICKS 200u
#define EPOCH_SLEEP 50u

/* Sleep until tick `until` (now if it passed): not ready, PendSV picks another thread. */
static void sleep_until(uint32_t until)
{
	cm_irq_disable();
	sched_current->wake_tick = until ? until : 1u;
	scb_pend_pendsv();
	cm_irq_enable();
	cm_isb();
}

static void sleep_ticks(uint32_t n)
{
	sleep_until(RES->ticks + n);
}

/*
 * Register check: fill R4-R11 and S0-S31 with values that depend on the
 * thread and the round, spin long enough for SysTick to preempt now and then,
 * then read them all back. Only a context switch that loses or mixes a
 * thread's registers changes them. Returns the number of wrong registers.
 */
static uint32_t check_registers(uint32_t seed)
{
	uint32_t want[8], fp_want[32], got[8], fp_got[32], bad = 0, i;

	for (i = 0; i < 8; i++)
		want[i] = seed * 0x9E3779B9u + i;
	for (i = 0; i < 32; i++)
		fp_want[i] = seed ^ (0x3F800000u + (i << 16));
	__asm__ volatile("ldmia %0, {r4-r11}\n"
			 "vldmia %1, {s0-s31}\n"
			 "mov r0, #2000\n"
			 "1: subs r0, r0, #1\n"
			 "bne 1b\n"
			 "stmia %2, {r4-r11}\n"
			 "vstmia %3, {s0-s31}\n" ::"r"(want),
			 "r"(fp_want), "r"(got), "r"(fp_got)
			 : "r0", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "s0", "s1", "s2",
			   "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "s12", "s13",
			   "s14", "s15", "s16", "s17", "s18", "s19", "s20", "s21", "s22", "s23",
			   "s24", "s25", "s26", "s27", "s28", "s29", "s30", "s31", "cc", "memory");
	for (i = 0; i < 8; i++)
		bad += got[i] != want[i];
	for (i = 0; i < 32; i++)
		bad += fp_got[i] != fp_want[i];
	return bad;
}

/*
 * Compiled FP and integer work whose result is known: a float series summed
 * with the compiler's own register use, and an integer checksum of the same
 * terms. Run twice per round, the two results must agree bit for bit.
 */
static void work(uint32_t seed, float *fsum, uint32_t *isum)
{
	float f = 0.0f, x = 1.0f + (float)(seed & 7);
	uint32_t s = seed, i;

	for (i = 0; i < 200; i++) {
		f = f * 0.5f + x / (float)(i + 1);
		s = s * 1664525u + 1013904223u + i;
	}
	*fsum = f;
	*isum = s;
}

static void worker(uint32_t id)
{
	uint32_t round = 0, epoch = 0, isum0, isum1;
	float fsum0, fsum1;

	for (;;) {
		round++;
		if (check_registers(id * 1000003u + round))
			corrupt(id, 1);
		work(id + round, &fsum0, &isum0);
		work(id + round, &fsum1, &isum1);
		if (fsum0 != fsum1 || isum0 != isum1)
			corrupt(id, 2);
		/* The current thread is this one, and its stack pointer is in its stack. */
		{
			uint32_t psp = cm_get_psp();
			uint32_t lo = (uint32_t)(uintptr_t)tcbs[id].stack;

			if (sched_current != &tcbs[id] || psp < lo ||
			    psp > lo + sizeof(tcbs[id].stack) ||
			    !(cm_get_control() & CONTROL_SPSEL))
				corrupt(id, 3);
		}
		RES->iterations[id]++;
		/*
		 * Between sleeps a thread runs for several ticks (preempted by
		 * the time slice); sometimes all three sleep and idle runs.
		 */
		if (round % 128 == 0)
			sleep_ticks(5 + id);
		if (RES->ticks / EPOCH_TICKS != epoch) {
			epoch = RES->ticks / EPOCH_TICKS;
			sleep_until(epoch * EPOCH_TICKS + EPOCH_SLEEP);
		}
	}
}

static void worker0(void)
{
	worker(0);
}

static void worker1(void)
{
	worker(1);
}

static void worker2(void)
{
	worker(2);
}

/* Runs when every worker sleeps: WFI until the next interrupt (SysTick at the latest). */
static void idle(void)
{
	for (;;) {
		cm_wfi();
		RES->idle_wakeups++;
	}
}

/* A thread's entry must not return; if one does, count it as corruption. */
static void thread_exit(void)
{
	corrupt(IDLE, 4);
	for (;;)
		cm_wfi();
}

/*
 * The first context of a thread, as PendSV would have saved it: the
 * exception frame the core unstacks (xPSR with the Thumb bit, PC = entry,
 * LR = thread_exit), under it R4-R11 and EXC_RETURN "thread, PSP, no FP".
 */
static void thread_init(struct tcb *t, void (*entry)(void))
{
	uint32_t *sp = (uint32_t *)(t->stack + STACK_WORDS / 2);
	unsigned int i;

	*--sp = 0x01000000u;			  /* xPSR: Thumb */
	*--sp = (uint32_t)(uintptr_t)entry & ~1u; /* PC */
	*--sp = (uint32_t)(uintptr_t)thread_exit; /* LR */
	for (i = 0; i < 5; i++)
		*--sp = 0;	       /* R12, R3..R0 */
	*--sp = EXC_RETURN_THREAD_PSP; /* EXC_RETURN */
	for (i = 0; i < 8; i++)
		*--sp = 0; /* R11..R4 */
	t->sp = (uint32_t)(uintptr_t)sp;
	t->wake_tick = 0;
}

/* ---- the exception handlers ---- */

/*
 * PendSV's C half, with interrupts masked: pick the next thread. Round robin
 * over the ready workers after the current one; idle if none is ready.
 */
__attribute__((used)) static void sched_next(void)
{
	struct tcb *prev = sched_current, *next = &tcbs[IDLE];
	unsigned int cur = (unsigned int)(prev - tcbs), i, n;

	for (i = 1; i <= SCHED_THREADS; i++) {
		n = (cur + i) % SCHED_THREADS;
		if (tcbs[n].wake_tick && (int32_t)(RES->ticks - tcbs[n].wake_tick) >= 0)
			tcbs[n].wake_tick = 0;
		if (!tcbs[n].wake_tick) {
			next = &tcbs[n];
			break;
		}
	}
	if (next != prev) {
		RES->switches++;
		if (cur < SCHED_THREADS && !prev->wake_tick)
			RES->preempted[cur]++;
	}
	sched_current = next;
}

__attribute__((naked)) void pendsv_handler(void)
{
	__asm__ volatile("mrs r0, psp\n"
			 "isb\n"
			 "tst lr, #0x10\n"
			 "it eq\n"
			 "vstmdbeq r0!, {s16-s31}\n"
			 "stmdb r0!, {r4-r11, lr}\n"
			 "ldr r3, =sched_current\n"
			 "ldr r2, [r3]\n"
			 "str r0, [r2]\n"
			 "cpsid i\n"
			 "bl sched_next\n"
			 "cpsie i\n"
			 "ldr r3, =sched_current\n"
			 "ldr r2, [r3]\n"
			 "ldr r0, [r2]\n"
			 "ldmia r0!, {r4-r11, lr}\n"
			 "tst lr, #0x10\n"
			 "it eq\n"
			 "vldmiaeq r0!, {s16-s31}\n"
			 "msr psp, r0\n"
			 "isb\n"
			 "bx lr\n"
			 ".ltorg\n");
}

/* SVC 0 from main: leave the MSP for good and run the first thread from its fresh stack. */
__attribute__((naked)) void svc_handler(void)
{
	__asm__ volatile("ldr r3, =sched_current\n"
			 "ldr r2, [r3]\n"
			 "ldr r0, [r2]\n"
			 "ldmia r0!, {r4-r11, lr}\n"
			 "msr psp, r0\n"
			 "isb\n"
			 "bx lr\n"
			 ".ltorg\n");
}

#ifdef FW_QEMU
static void report(void)
{
	const volatile uint32_t *w = (const volatile uint32_t *)RES;
	unsigned int i;

	RES->done = SCHED_DONE;
	for (i = 0; i < sizeof(*RES) / 4; i++) {
		semihost_write0(i % 8 ? " " : i ? "\nsched-words: " : "sched-words: ");
		semihost_puthex(w[i]);
	}
	semihost_write0("\nsched: ticks ");
	semihost_putdec(RES->ticks);
	semihost_write0(" switches ");
	semihost_putdec(RES->switches);
	semihost_write0(" corruptions ");
	semihost_putdec(RES->corruptions);
	semihost_write0("\n");
	semihost_exit(RES->corruptions || RES->faults);
}
#endif

void systick_handler(void)
{
	RES->ticks++;
#ifdef FW_QEMU
	if (RES->ticks >= SCHED_QEMU_TICKS)
		report();
#endif
	scb_pend_pendsv();
}

/* Anything else (a fault, an unexpected interrupt): count it, stop scheduling. */
void fw_panic(uint32_t exc)
{
	(void)exc;
	RES->faults++;
	cm_irq_disable();
#ifdef FW_QEMU
	report();
#endif
	for (;;)
		cm_wfi();
}

int main(void)
{
	unsigned int i;

	for (i = 0; i < sizeof(*RES) / 4; i++)
		((volatile uint32_t *)RES)[i] = 0;
	RES->version = SCHED_VERSION;
	RES->magic = SCHED_MAGIC;
	thread_init(&tcbs[0], worker0);
	thread_init(&tcbs[1], worker1);
	thread_init(&tcbs[2], worker2);
	thread_init(&tcbs[IDLE], idle);
	sched_current = &tcbs[0];
	/* SVC above everything else; PendSV below SysTick, the lowest of all. */
	scb_set_priority(EXC_SVCALL, 0x00);
	scb_set_priority(EXC_SYSTICK, 0x80);
	scb_set_priority(EXC_PENDSV, 0xE0);
	systick_start(FW_CLOCK_HZ / TICK_HZ - 1);
	__asm__ volatile("svc #0" ::: "memory");
	/* Not reached: the threads never return to the main stack. */
	fw_panic(0);
	return 0;
}
