// SPDX-License-Identifier: BSD-2-Clause
/*
 * The emulated core's costs (issue 13's "keep it fast"), with the bench
 * firmware of bench/fw (one flat image, its mode chosen through the control
 * block of bench_fw.h) on bare cores made with coproc_create():
 *
 *  - compiled, memory-heavy C (CRC32, quicksort, copy and fill loops) on our
 *    emulator against raw Unicorn running the same image in the same memory
 *    layout with no hook at all (best of COMPUTE_RUNS each, taken in turns;
 *    the ratio is of CPU time, which other jobs on a shared host disturb
 *    far less than wall time);
 *  - engine creation (uc_open, CPU model, the two mappings) on its own;
 *  - an interrupt round trip: the host asserts an interrupt line
 *    (coproc_irq_set), the firmware's handler counts it, the host sees the
 *    count (median); with the firmware busy and with it asleep in WFI;
 *  - handler entries per second of host time when the firmware pends its own
 *    interrupt through STIR in a loop, and a 10 kHz SysTick (rate and host CPU);
 *  - host CPU of one idle core and of FLEET_CORES idle cores (WFI loops);
 *  - boot (coproc_boot until the firmware's ready marker) of a core alone
 *    against the FLEET_CORES-th while the others idle.
 *
 * A core without an exception model faults at the firmware's first system
 * control space access or never enters the handler: those figures print
 * "n/a" (no exception model yet) instead of a number.
 *
 * usage: bench_core FIRMWARE.bin [engine|compute|irq|fleet]...  (default: all four)
 * Prints "key value unit" lines for scripts/bench.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unicorn/unicorn.h>

#include "bench_clock.h"
#include "common/file_io.h"
#include "common/safe_math.h"
#include "coproc/coproc_internal.h"
#include "fw/bench_fw.h"

#define COMPUTE_ROUNDS	60u /* about 0.3 s of raw Unicorn */
#define COMPUTE_RUNS	5   /* of each kind, in turns: best of */
#define ENGINE_RUNS	21  /* engine creations: median */
#define BOOT_RUNS	9   /* boots: median */
#define IRQ_ROUND_TRIPS 2000
#define RATE_WINDOW_S	1.0 /* SysTick and STIR rates: host time measured */
#define IDLE_WINDOW_S	2.0 /* idle CPU: host time measured */
#define FLEET_CORES	64u
#define READY_TIMEOUT_S 30.0  /* generous: the 64th boot today waits for busy cores */
#define IRQ_TIMEOUT_S	2.0   /* no handler entry by then: the core takes no interrupt */
#define IRQ_SETTLE_S	20e-6 /* after re-arming: time for the firmware to reach WFI */
#define SYSTICK_HZ	10000u
#define CORE_CLOCK_HZ	209000000u    /* STM32MP15's Cortex-M4, the bare core's default */
#define UNTIL_NEVER	0xFFFFFFFFull /* odd: never a Thumb PC */

static void nap_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000};

	nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static uint8_t *map_zeroed(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror("bench: mmap");
		exit(1);
	}
	return p;
}

/* The firmware image (flat, for device address BENCH_CODE_DA). */
struct fw_image {
	uint8_t *bytes; /* the file */
	size_t len;	/* its size, at most BENCH_CODE_SIZE */
};

/* The two memories of one core, our emulator's or raw Unicorn's. */
struct bench_mem {
	uint8_t *code; /* BENCH_CODE_SIZE bytes at BENCH_CODE_DA */
	uint8_t *ram;  /* BENCH_RAM_SIZE bytes at BENCH_RAM_DA, the control block first */
};

static void mem_init(struct bench_mem *m, const struct fw_image *fw)
{
	m->code = map_zeroed(BENCH_CODE_SIZE);
	m->ram = map_zeroed(BENCH_RAM_SIZE);
	memcpy(m->code, fw->bytes, fw->len);
}

static void mem_fini(struct bench_mem *m)
{
	munmap(m->code, BENCH_CODE_SIZE);
	munmap(m->ram, BENCH_RAM_SIZE);
}

static volatile struct bench_ctl *ctl_of(struct bench_mem *m)
{
	return (volatile struct bench_ctl *)(void *)m->ram;
}

/* A fresh control block: what to do, nothing done yet. */
static void ctl_set(struct bench_mem *m, enum bench_mode mode, uint32_t param)
{
	memset(m->ram, 0, sizeof(struct bench_ctl));
	ctl_of(m)->param = param;
	ctl_of(m)->mode = mode;
}

/* One of our cores over its own memories. */
struct bench_core {
	struct bench_mem mem; /* its memories */
	struct coproc *c;     /* the emulated core */
	atomic_bool crashed;  /* the current run stopped on its own (set on the core thread) */
};

static void on_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	struct bench_core *bc = priv;

	(void)type;
	(void)why; /* expected in the interrupt benches until the exception model exists */
	atomic_store(&bc->crashed, true);
}

static void core_init(struct bench_core *bc, const struct fw_image *fw)
{
	struct coproc_mem mems[2];
	struct coproc_events ev = {.crash = on_crash};
	struct rpt_error err = {0};

	mem_init(&bc->mem, fw);
	mems[0] = (struct coproc_mem){"code", BENCH_CODE_DA, bc->mem.code, BENCH_CODE_SIZE};
	mems[1] = (struct coproc_mem){"ram", BENCH_RAM_DA, bc->mem.ram, BENCH_RAM_SIZE};
	atomic_init(&bc->crashed, false);
	bc->c = coproc_create(
		&(struct coproc_config){.cpu = "cortex-m4", .mems = mems, .num_mems = 2}, &ev, bc,
		&err);
	if (!bc->c) {
		fprintf(stderr, "bench: %s\n", rpt_error_msg(&err));
		exit(1);
	}
}

static void core_fini(struct bench_core *bc)
{
	coproc_destroy(bc->c);
	mem_fini(&bc->mem);
}

static void core_boot(struct bench_core *bc, enum bench_mode mode, uint32_t param)
{
	struct rpt_error err = {0};

	ctl_set(&bc->mem, mode, param);
	atomic_store(&bc->crashed, false);
	if (coproc_boot(bc->c, BENCH_CODE_DA, &err)) {
		fprintf(stderr, "bench: boot: %s\n", rpt_error_msg(&err));
		exit(1);
	}
}

static void core_halt(struct bench_core *bc)
{
	struct rpt_error err = {0};

	if (coproc_halt(bc->c, &err)) {
		fprintf(stderr, "bench: halt: %s\n", rpt_error_msg(&err));
		exit(1);
	}
}

/* Has the run ended on its own, or has timeout_s passed since t0? */
static bool core_gave_up(struct bench_core *bc, double t0, double timeout_s)
{
	return atomic_load(&bc->crashed) || bench_now() - t0 > timeout_s;
}

/*
 * Wait until *word == want; false if the core crashed or timeout_s passed.
 * nap > 0: sleep that many microseconds between looks (long waits: leave
 * the host's cores to the emulator); 0: spin (waits measured to the µs).
 */
static bool core_wait(struct bench_core *bc, volatile uint32_t *word, uint32_t want,
		      double timeout_s, long nap)
{
	double t0 = bench_now();

	while (*word != want) {
		if (core_gave_up(bc, t0, timeout_s))
			return false;
		if (nap)
			nap_us(nap);
	}
	return true;
}

/* Boot in `mode` and wait for the ready marker: seconds, or -1. */
static double boot_to_ready(struct bench_core *bc, enum bench_mode mode, uint32_t param)
{
	double t0 = bench_now();

	core_boot(bc, mode, param);
	if (!core_wait(bc, &ctl_of(&bc->mem)->ready, BENCH_READY, READY_TIMEOUT_S, 0))
		return -1;
	return bench_now() - t0;
}

/* ---- compiled C: ours against raw Unicorn ---- */

static void uc_check(uc_err e, const char *what)
{
	if (e != UC_ERR_OK) {
		fprintf(stderr, "bench: raw Unicorn: %s: %s\n", what, uc_strerror(e));
		exit(1);
	}
}

/* uc_open, the core's CPU model and the two memories: what every start builds. */
static uc_engine *raw_engine(struct bench_mem *m)
{
	uc_engine *uc;

	uc_check(uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc), "uc_open");
	uc_check(uc_ctl_set_cpu_model(uc, UC_CPU_ARM_CORTEX_M4), "CPU model");
	uc_check(uc_mem_map_ptr(uc, BENCH_CODE_DA, BENCH_CODE_SIZE, UC_PROT_ALL, m->code),
		 "mapping code");
	uc_check(uc_mem_map_ptr(uc, BENCH_RAM_DA, BENCH_RAM_SIZE, UC_PROT_ALL, m->ram),
		 "mapping RAM");
	return uc;
}

/* Wall and CPU seconds of one run of the compute rounds. */
struct compute_time {
	double wall; /* host clock */
	double cpu;  /* CPU time of the threads that ran it: robust on a loaded host */
};

static void keep_best(struct compute_time *best, const struct compute_time *t)
{
	if (t->wall < best->wall)
		best->wall = t->wall;
	if (t->cpu < best->cpu)
		best->cpu = t->cpu;
}

/*
 * The compute rounds on raw Unicorn: no hook, reset from the vector table,
 * run until the firmware's WFI after the rounds returns from uc_emu_start
 * (start-up included: a few hundred instructions). CPU: this thread's.
 */
static void raw_compute(struct bench_mem *m, struct compute_time *t, uint32_t *result)
{
	uint32_t sp = get_le32(m->code), pc = get_le32(m->code + 4);
	uc_engine *uc;
	double t0, c0;

	ctl_set(m, BENCH_MODE_COMPUTE, COMPUTE_ROUNDS);
	uc = raw_engine(m);
	uc_check(uc_reg_write(uc, UC_ARM_REG_SP, &sp), "SP");
	t0 = bench_now();
	c0 = bench_thread_cpu();
	/* No timeout: Unicorn's timer thread would wake every few microseconds beside it. */
	uc_check(uc_emu_start(uc, pc, UNTIL_NEVER, 0, 0), "running");
	t->cpu = bench_thread_cpu() - c0;
	t->wall = bench_now() - t0;
	uc_close(uc);
	if (ctl_of(m)->done != BENCH_DONE) {
		fprintf(stderr, "bench: raw Unicorn stopped before the compute rounds ended\n");
		exit(1);
	}
	*result = ctl_of(m)->result;
}

/*
 * The same on our core, from the ready marker (engine built, running) to
 * done. CPU: the whole process's, while this thread mostly sleeps (it looks
 * every millisecond: a few hundred wake-ups per run).
 */
static void our_compute(struct bench_core *bc, struct compute_time *t, uint32_t *result)
{
	volatile struct bench_ctl *ctl = ctl_of(&bc->mem);
	double t0, c0;

	if (boot_to_ready(bc, BENCH_MODE_COMPUTE, COMPUTE_ROUNDS) < 0) {
		fprintf(stderr, "bench: the compute firmware did not start\n");
		exit(1);
	}
	t0 = bench_now();
	c0 = bench_process_cpu();
	if (!core_wait(bc, &ctl->done, BENCH_DONE, 60, 1000)) {
		fprintf(stderr, "bench: the compute rounds did not end on our core\n");
		exit(1);
	}
	t->cpu = bench_process_cpu() - c0;
	t->wall = bench_now() - t0;
	*result = ctl->result;
	core_halt(bc);
}

static void bench_compute(const struct fw_image *fw)
{
	struct compute_time raw = {1e9, 1e9}, ours = {1e9, 1e9}, t;
	uint32_t raw_result = 0, our_result = 0;
	struct bench_mem raw_mem;
	struct bench_core bc;
	int i;

	mem_init(&raw_mem, fw);
	core_init(&bc, fw);
	for (i = 0; i < COMPUTE_RUNS; i++) {
		raw_compute(&raw_mem, &t, &raw_result);
		keep_best(&raw, &t);
		our_compute(&bc, &t, &our_result);
		keep_best(&ours, &t);
	}
	if (raw_result != our_result) {
		fprintf(stderr, "bench: compute results differ: raw 0x%08x, ours 0x%08x\n",
			raw_result, our_result);
		exit(1);
	}
	printf("compute_rounds %u rounds\n", COMPUTE_ROUNDS);
	printf("compute_raw_ms %.1f ms\n", raw.wall * 1e3);
	printf("compute_ours_ms %.1f ms\n", ours.wall * 1e3);
	printf("compute_raw_cpu_ms %.1f ms\n", raw.cpu * 1e3);
	printf("compute_ours_cpu_ms %.1f ms\n", ours.cpu * 1e3);
	printf("compute_speed_of_raw %.2f x\n", raw.cpu / ours.cpu);
	core_fini(&bc);
	mem_fini(&raw_mem);
}

/* Median time of uc_open + CPU model + the two mappings (uc_close not counted), in ms. */
static double engine_ms(const struct fw_image *fw)
{
	double t[ENGINE_RUNS], t0;
	struct bench_mem m;
	uc_engine *uc;
	int i;

	mem_init(&m, fw);
	for (i = 0; i < ENGINE_RUNS; i++) {
		t0 = bench_now();
		uc = raw_engine(&m);
		t[i] = bench_now() - t0;
		uc_close(uc);
	}
	mem_fini(&m);
	return median(t, ENGINE_RUNS) * 1e3;
}

static void bench_engine(const struct fw_image *fw)
{
	printf("engine_create_ms %.3f ms\n", engine_ms(fw));
}

/* ---- interrupts ---- */

/*
 * Host -> handler -> host, IRQ_ROUND_TRIPS times: assert the line, spin
 * until the handler's count moves, release the line and tell the firmware
 * (host_done), which then re-enables the interrupt (armed) and spins or
 * sleeps in WFI again; the next round trip starts once it has, after
 * IRQ_SETTLE_S more for it to fall asleep. The handler masks the interrupt
 * it took (bench_fw.c says why), so each assert is one entry whatever the
 * host thread's scheduling. The median round trip in microseconds, or -1
 * if the firmware could not enable the interrupt or the handler never ran.
 */
static double irq_round_trip_us(struct bench_core *bc, uint32_t wfi)
{
	volatile struct bench_ctl *ctl = ctl_of(&bc->mem);
	static double t[IRQ_ROUND_TRIPS];
	double t0, us = -1;
	uint32_t n;
	int i;

	if (boot_to_ready(bc, BENCH_MODE_IRQ, wfi) < 0)
		goto out;
	for (i = -1; i < IRQ_ROUND_TRIPS; i++) { /* round trip -1 warms up (translation) */
		n = ctl->irq_count;
		if (!core_wait(bc, &ctl->armed, n, IRQ_TIMEOUT_S, 0))
			goto out;
		for (t0 = bench_now(); bench_now() - t0 < IRQ_SETTLE_S;)
			;
		t0 = bench_now();
		coproc_irq_set(bc->c, BENCH_IRQ_HOST, true);
		if (!core_wait(bc, &ctl->irq_count, n + 1, IRQ_TIMEOUT_S, 0))
			goto out;
		if (i >= 0)
			t[i] = bench_now() - t0;
		coproc_irq_set(bc->c, BENCH_IRQ_HOST, false);
		ctl->host_done = n + 1;
	}
	us = median(t, IRQ_ROUND_TRIPS) * 1e6;
out:
	coproc_irq_set(bc->c, BENCH_IRQ_HOST, false);
	core_halt(bc);
	return us;
}

/*
 * The floor under a round trip to a sleeping core: a host thread wakes
 * another one blocked on a condition variable, which stores a count the
 * first one spins on. Same handshake, same settling, no emulator.
 */
struct sleeper {
	pthread_mutex_t lock;	/* protects the three flags */
	pthread_cond_t wake;	/* signalled with go or quit */
	bool asleep;		/* blocked in the wait (set by the sleeper) */
	bool go;		/* host: answer once */
	bool quit;		/* host: leave */
	_Atomic uint32_t count; /* sleeper: answers so far */
};

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;

	pthread_mutex_lock(&s->lock);
	for (;;) {
		s->asleep = true;
		while (!s->go && !s->quit)
			pthread_cond_wait(&s->wake, &s->lock);
		s->asleep = false;
		if (s->quit)
			break;
		s->go = false;
		atomic_fetch_add(&s->count, 1);
	}
	pthread_mutex_unlock(&s->lock);
	return NULL;
}

/* Median microseconds of IRQ_ROUND_TRIPS wake-and-answer round trips. */
static double wake_round_trip_us(void)
{
	static double t[IRQ_ROUND_TRIPS];
	struct sleeper s = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};
	pthread_t th;
	double t0;
	uint32_t n;
	bool asleep;
	int i;

	atomic_init(&s.count, 0);
	if (pthread_create(&th, NULL, sleeper_main, &s))
		return -1;
	for (i = 0; i < IRQ_ROUND_TRIPS; i++) {
		do {
			pthread_mutex_lock(&s.lock);
			asleep = s.asleep;
			pthread_mutex_unlock(&s.lock);
		} while (!asleep);
		for (t0 = bench_now(); bench_now() - t0 < IRQ_SETTLE_S;)
			;
		n = atomic_load(&s.count);
		t0 = bench_now();
		pthread_mutex_lock(&s.lock);
		s.go = true;
		pthread_cond_signal(&s.wake);
		pthread_mutex_unlock(&s.lock);
		while (atomic_load(&s.count) == n)
			;
		t[i] = bench_now() - t0;
	}
	pthread_mutex_lock(&s.lock);
	s.quit = true;
	pthread_cond_signal(&s.wake);
	pthread_mutex_unlock(&s.lock);
	pthread_join(th, NULL);
	return median(t, IRQ_ROUND_TRIPS) * 1e6;
}

/*
 * Boot in `mode`, let it run RATE_WINDOW_S: *count's increase per second of
 * host time, and the process's CPU meanwhile as a fraction of one core.
 * -1 if the core did not get there or the count never moved.
 */
static double count_rate(struct bench_core *bc, enum bench_mode mode, uint32_t param,
			 volatile uint32_t *count, double *cpu)
{
	double t0, c0, rate = -1;
	uint32_t n0;

	if (boot_to_ready(bc, mode, param) < 0)
		goto out;
	nap_us(100000); /* past the start: translation, first entries */
	if (atomic_load(&bc->crashed))
		goto out;
	n0 = *count;
	c0 = bench_process_cpu();
	t0 = bench_now();
	nap_us((long)(RATE_WINDOW_S * 1e6));
	t0 = bench_now() - t0;
	*cpu = (bench_process_cpu() - c0) / t0;
	if (!atomic_load(&bc->crashed) && *count != n0)
		rate = (double)(uint32_t)(*count - n0) / t0;
out:
	core_halt(bc);
	return rate;
}

/* "key value unit", value with `decimals` digits, or "n/a" when negative (not measurable). */
static void print_or_na(const char *key, double v, int decimals, const char *unit)
{
	if (v < 0)
		printf("%s n/a %s\n", key, unit);
	else
		printf("%s %.*f %s\n", key, decimals, v, unit);
}

static void bench_irq(const struct fw_image *fw)
{
	struct bench_core bc;
	volatile struct bench_ctl *ctl;
	double cpu = 0, rate;

	core_init(&bc, fw);
	ctl = ctl_of(&bc.mem);
	print_or_na("irq_round_trip_busy_us", irq_round_trip_us(&bc, 0), 2, "us");
	print_or_na("irq_round_trip_wfi_us", irq_round_trip_us(&bc, 1), 2, "us");
	print_or_na("thread_wake_round_trip_us", wake_round_trip_us(), 2, "us");
	rate = count_rate(&bc, BENCH_MODE_SELF, 0, &ctl->self_count, &cpu);
	print_or_na("irq_self_per_s", rate, 0, "/s");
	print_or_na("irq_self_us", rate > 0 ? 1e6 / rate : -1, 2, "us");
	rate = count_rate(&bc, BENCH_MODE_SYSTICK, CORE_CLOCK_HZ / SYSTICK_HZ, &ctl->tick_count,
			  &cpu);
	printf("systick_asked_per_s %u /s\n", SYSTICK_HZ);
	print_or_na("systick_per_s", rate, 0, "/s");
	print_or_na("systick_cpu_pct", rate < 0 ? -1 : cpu * 100, 1, "%");
	core_fini(&bc);
}

/* ---- idle cores and the 64th boot ---- */

/*
 * Seconds the process's threads have been runnable so far: running plus
 * waiting for a host core (/proc/self/task/N/schedstat, fields 1 and 2).
 * On a shared host a busy thread gets what the others leave it, but it is
 * runnable all the time: this is what the process would use if it could.
 * -1 if the kernel does not keep these statistics.
 */
static double process_runnable(void)
{
	DIR *d = opendir("/proc/self/task");
	unsigned long long run, wait, total = 0;
	struct dirent *e;
	char path[300];
	bool any = false;
	FILE *f;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/schedstat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue; /* the thread has just ended */
		if (fscanf(f, "%llu %llu", &run, &wait) == 2) {
			total += run + wait;
			any = true;
		}
		fclose(f);
	}
	closedir(d);
	return any ? (double)total / 1e9 : -1;
}

/* Host cores used (CPU time) and wanted (runnable time) over IDLE_WINDOW_S, in % of one. */
struct idle_usage {
	double cpu_pct;	     /* CPU time / wall time */
	double runnable_pct; /* runnable time / wall time, -1 if unknown */
};

/*
 * Under load, reading every thread's file takes a while and each thread is
 * read at a different moment: time the window from the middle of the first
 * reading to the middle of the last.
 */
static void idle_usage(struct idle_usage *u)
{
	double t0 = bench_now(), c0 = bench_process_cpu(), r0 = process_runnable(),
	       m0 = (t0 + bench_now()) / 2;
	double t1, c1, r1, m1;

	nap_us((long)(IDLE_WINDOW_S * 1e6));
	t1 = bench_now();
	c1 = bench_process_cpu();
	r1 = process_runnable();
	m1 = (t1 + bench_now()) / 2;
	u->cpu_pct = (c1 - c0) / (t1 - t0) * 100;
	u->runnable_pct = r0 < 0 || r1 < 0 ? -1 : (r1 - r0) / (m1 - m0) * 100;
}

static void print_idle(const char *tag, const struct idle_usage *u)
{
	char key[64];

	printf("idle_%s_cpu_pct %.1f %%\n", tag, u->cpu_pct);
	snprintf(key, sizeof(key), "idle_%s_runnable_pct", tag);
	print_or_na(key, u->runnable_pct, 1, "%");
}

/* n boots of bc to its ready marker, seconds each in t (left running after the last). */
static void boot_times(struct bench_core *bc, double *t, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (i)
			core_halt(bc);
		t[i] = boot_to_ready(bc, BENCH_MODE_IDLE, 0);
		if (t[i] < 0) {
			fprintf(stderr, "bench: the idle firmware did not start\n");
			exit(1);
		}
	}
}

/*
 * Boot of a core alone against the FLEET_CORES-th while the others idle,
 * medians of BOOT_RUNS boots each; the boots alone are taken half before the
 * fleet starts and half after it stops, so that a shared host's load drifting
 * meanwhile weighs on both sides. A core's very first boot (its pages
 * faulted in, its thread's malloc arena made) is printed apart. Host CPU of
 * one idle core and of the whole idle fleet.
 */
static void bench_fleet(const struct fw_image *fw)
{
	static struct bench_core fleet[FLEET_CORES];
	double alone[2 * BOOT_RUNS], last[BOOT_RUNS], first_alone, first_last;
	struct bench_core *lone = &fleet[0], *newest = &fleet[FLEET_CORES - 1];
	struct idle_usage u;
	unsigned int i;

	for (i = 0; i < FLEET_CORES; i++)
		core_init(&fleet[i], fw);
	boot_times(lone, alone, BOOT_RUNS);
	first_alone = alone[0];
	idle_usage(&u);
	print_idle("one", &u);
	for (i = 1; i < FLEET_CORES - 1; i++) {
		if (boot_to_ready(&fleet[i], BENCH_MODE_IDLE, 0) < 0) {
			fprintf(stderr, "bench: idle core %u did not start\n", i);
			exit(1);
		}
	}
	printf("engine_create_fleet_ms %.3f ms\n", engine_ms(fw));
	boot_times(newest, last, BOOT_RUNS);
	first_last = last[0];
	printf("idle_fleet_cores %u cores\n", FLEET_CORES);
	idle_usage(&u);
	print_idle("fleet", &u);
	for (i = 1; i < FLEET_CORES; i++)
		core_halt(&fleet[i]);
	core_halt(lone);
	boot_times(lone, alone + BOOT_RUNS, BOOT_RUNS);
	printf("boot_alone_ms %.3f ms\n", median(alone, 2 * BOOT_RUNS) * 1e3);
	printf("boot_alone_first_ms %.3f ms\n", first_alone * 1e3);
	printf("boot_last_ms %.3f ms\n", median(last, BOOT_RUNS) * 1e3);
	printf("boot_last_first_ms %.3f ms\n", first_last * 1e3);
	printf("boot_last_vs_alone %.1f x\n",
	       median(last, BOOT_RUNS) / median(alone, 2 * BOOT_RUNS));
	for (i = 0; i < FLEET_CORES; i++)
		core_fini(&fleet[i]);
}

/* The parts, in the order they run (cheapest first, the 64-core fleet last). */
static const struct {
	const char *name;			/* on the command line */
	void (*run)(const struct fw_image *fw); /* the part */
} parts[] = {
	{"engine", bench_engine},
	{"compute", bench_compute},
	{"irq", bench_irq},
	{"fleet", bench_fleet},
};

#define NUM_PARTS (sizeof(parts) / sizeof(parts[0]))

/* Is part p asked for (argv[2..]; none named: every part)? -1 if a name is unknown. */
static int wanted(int argc, char **argv, size_t p)
{
	size_t i;
	int a, found = argc <= 2;

	for (a = 2; a < argc; a++) {
		for (i = 0; i < NUM_PARTS && strcmp(argv[a], parts[i].name); i++)
			;
		if (i == NUM_PARTS)
			return -1;
		found |= i == p;
	}
	return found;
}

int main(int argc, char **argv)
{
	struct rpt_error err = {0};
	struct fw_image fw;
	size_t p;

	if (argc < 2 || wanted(argc, argv, 0) < 0) {
		fprintf(stderr, "usage: bench_core FIRMWARE.bin [engine|compute|irq|fleet]...\n");
		return 2;
	}
	if (rpt_read_file(argv[1], &fw.bytes, &fw.len, &err)) {
		fprintf(stderr, "bench: %s\n", rpt_error_msg(&err));
		return 1;
	}
	if (fw.len < 8 || fw.len > BENCH_CODE_SIZE) {
		fprintf(stderr, "bench: %s: %zu bytes (8 to %u expected)\n", argv[1], fw.len,
			BENCH_CODE_SIZE);
		return 1;
	}
	for (p = 0; p < NUM_PARTS; p++)
		if (wanted(argc, argv, p))
			parts[p].run(&fw);
	free(fw.bytes);
	return 0;
}
