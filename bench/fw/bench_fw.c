// SPDX-License-Identifier: BSD-2-Clause
/*
 * The bench firmware: compiled, memory-heavy C (CRC32, a sort, copy and fill
 * loops) and the interrupt and idle workloads of bench_core, chosen by the
 * host through the control block (bench_fw.h). One image for every mode, so
 * that boot figures and compute figures come from the same code.
 *
 * Written like real firmware: a vector table with handlers, NVIC/SysTick
 * through their registers, WFI when there is nothing to do. On a core
 * without an exception model the interrupt modes fault at their first system
 * control space access; the host reports that as "n/a".
 */
#include <stdint.h>

#include "bench_fw.h"
#include "coproc/armv7m_regs.h"

#define REG(addr) (*(volatile uint32_t *)(addr))
#define CTL	  ((volatile struct bench_ctl *)BENCH_CTL_DA)

/* Sizes of the compute working set (in .noinit: filled before use, never cleared). */
#define BUF_WORDS  4096u /* 16 KiB */
#define SORT_WORDS 1024u

extern uint32_t __stack_top[];
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];

void reset_handler(void);
void systick_handler(void);
void irq_host_handler(void);
void irq_self_handler(void);

static uint32_t buf[BUF_WORDS] __attribute__((section(".noinit")));
static uint32_t copy[BUF_WORDS] __attribute__((section(".noinit")));
static uint32_t sorted[SORT_WORDS] __attribute__((section(".noinit")));
static uint32_t crc_table[256];
static uint32_t seed = 0x12345678u; /* in .data: start-up must copy it */

/* Any other exception: nothing to recover; the host times out. */
static void fault_handler(void)
{
	for (;;)
		;
}

/* Initial SP, the 15 system exceptions, then IRQ 0 and 1. */
struct vector_table {
	uint32_t *initial_sp;
	void (*handler[15 + 2])(void);
};

__attribute__((section(".isr_vector"), used)) const struct vector_table vectors = {
	.initial_sp = __stack_top,
	.handler =
		{
			reset_handler,	  /* Reset */
			fault_handler,	  /* NMI */
			fault_handler,	  /* HardFault */
			fault_handler,	  /* MemManage */
			fault_handler,	  /* BusFault */
			fault_handler,	  /* UsageFault */
			0, 0, 0, 0,	  /* reserved */
			fault_handler,	  /* SVCall */
			fault_handler,	  /* DebugMonitor */
			0,		  /* reserved */
			fault_handler,	  /* PendSV */
			systick_handler,  /* SysTick */
			irq_host_handler, /* IRQ 0: BENCH_IRQ_HOST */
			irq_self_handler, /* IRQ 1: BENCH_IRQ_SELF */
		},
};

void systick_handler(void)
{
	CTL->tick_count++;
}

/*
 * The host's line is level-sensitive and the host is not a device that
 * deasserts when told: like a driver deferring to a thread, mask the source
 * here and let thread mode re-enable it once the host has released the line
 * (irq_rearm). Otherwise a host thread preempted between assert and release
 * would see the handler run thousands of times.
 */
void irq_host_handler(void)
{
	CTL->irq_count++; /* the acknowledgement the host waits for */
	REG(NVIC_ICER(BENCH_IRQ_HOST / 32)) = 1u << (BENCH_IRQ_HOST % 32);
}

void irq_self_handler(void)
{
	CTL->self_count++;
}

static void sleep_forever(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

static uint32_t next_rand(void)
{
	seed = seed * 1664525u + 1013904223u;
	return seed;
}

static void crc_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		for (c = i, j = 0; j < 8; j++)
			c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t crc32(const uint32_t *p, uint32_t words)
{
	const uint8_t *b = (const uint8_t *)p;
	uint32_t crc = 0xFFFFFFFFu, i;

	for (i = 0; i < words * 4; i++)
		crc = crc_table[(crc ^ b[i]) & 0xFF] ^ (crc >> 8);
	return ~crc;
}

static void fill(uint32_t *dst, uint32_t words, uint32_t v)
{
	while (words--)
		*dst++ = v;
}

static void copy_words(uint32_t *dst, const uint32_t *src, uint32_t words)
{
	while (words--)
		*dst++ = *src++;
}

static void quicksort(uint32_t *a, int lo, int hi)
{
	while (lo < hi) {
		uint32_t pivot = a[lo + (hi - lo) / 2], t;
		int i = lo, j = hi;

		while (i <= j) {
			while (a[i] < pivot)
				i++;
			while (a[j] > pivot)
				j--;
			if (i <= j) {
				t = a[i];
				a[i++] = a[j];
				a[j--] = t;
			}
		}
		/* Recurse into the smaller half: the stack stays O(log n). */
		if (j - lo < hi - i) {
			quicksort(a, lo, j);
			lo = i;
		} else {
			quicksort(a, i, hi);
			hi = j;
		}
	}
}

/* One round touches every buffer: fill, CRC, copy, sort, check, clear. */
static uint32_t compute_round(void)
{
	uint32_t i, sum;

	for (i = 0; i < BUF_WORDS; i++)
		buf[i] = next_rand();
	sum = crc32(buf, BUF_WORDS);
	copy_words(copy, buf, BUF_WORDS);
	copy_words(sorted, copy + (sum & 1023u), SORT_WORDS);
	quicksort((uint32_t *)sorted, 0, SORT_WORDS - 1);
	for (i = 1; i < SORT_WORDS; i++)
		if (sorted[i - 1] > sorted[i])
			sum ^= 0xBADu; /* never: the result would show it */
	sum += crc32(sorted, SORT_WORDS);
	fill(copy, BUF_WORDS, sum);
	return sum ^ copy[BUF_WORDS - 1];
}

static void compute(uint32_t rounds)
{
	uint32_t r, result = 0;

	crc_init();
	for (r = 0; r < rounds; r++)
		result = (result << 1 | result >> 31) ^ compute_round();
	CTL->result = result;
	CTL->done = BENCH_DONE;
}

static void nvic_enable(uint32_t irq)
{
	REG(NVIC_IPR(irq / 4)) &= ~(0xFFu << (irq % 4 * 8)); /* the highest priority */
	REG(NVIC_ISER(irq / 32)) = 1u << (irq % 32);
}

/*
 * Thread mode of BENCH_MODE_IRQ: once the host has released the line after
 * the last interrupt (host_done), drop what it left pending and re-enable;
 * then spin, or sleep in WFI until the next one (wfi).
 */
__attribute__((noreturn)) static void irq_loop(uint32_t wfi)
{
	uint32_t n;

	for (;;) {
		n = CTL->irq_count;
		if (CTL->armed != n && CTL->host_done == n) {
			REG(NVIC_ICPR(BENCH_IRQ_HOST / 32)) = 1u << (BENCH_IRQ_HOST % 32);
			REG(NVIC_ISER(BENCH_IRQ_HOST / 32)) = 1u << (BENCH_IRQ_HOST % 32);
			CTL->armed = n;
		}
		if (wfi && CTL->armed == n)
			__asm__ volatile("wfi");
	}
}

static void run_mode(void)
{
	uint32_t param = CTL->param;

	switch (CTL->mode) {
	case BENCH_MODE_COMPUTE:
		CTL->ready = BENCH_READY;
		compute(param);
		break;
	case BENCH_MODE_IRQ:
		nvic_enable(BENCH_IRQ_HOST);
		CTL->ready = BENCH_READY;
		irq_loop(param);
	case BENCH_MODE_SELF:
		nvic_enable(BENCH_IRQ_SELF);
		CTL->ready = BENCH_READY;
		for (;;)
			REG(SCB_STIR) = BENCH_IRQ_SELF;
	case BENCH_MODE_SYSTICK:
		REG(SYST_RVR) = (param - 1) & SYST_RELOAD_MASK;
		REG(SYST_CVR) = 0;
		REG(SYST_CSR) = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
		CTL->ready = BENCH_READY;
		break;
	default:
		CTL->ready = BENCH_READY;
		break;
	}
}

void reset_handler(void)
{
	uint32_t *src = __data_load, *dst;

	for (dst = __data_start; dst < __data_end;)
		*dst++ = *src++;
	for (dst = __bss_start; dst < __bss_end;)
		*dst++ = 0;
	run_mode();
	sleep_forever();
}
