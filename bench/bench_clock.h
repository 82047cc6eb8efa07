/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The clocks the benchmarks read, in seconds: wall time (monotonic), the
 * whole process's CPU time (every thread: ours, the emulated cores', the
 * bus's) and the calling thread's.
 */
#ifndef RPT_BENCH_CLOCK_H
#define RPT_BENCH_CLOCK_H

#include <time.h>

static inline double bench_clock(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static inline double bench_now(void)
{
	return bench_clock(CLOCK_MONOTONIC);
}

static inline double bench_process_cpu(void)
{
	return bench_clock(CLOCK_PROCESS_CPUTIME_ID);
}

static inline double bench_thread_cpu(void)
{
	return bench_clock(CLOCK_THREAD_CPUTIME_ID);
}

#endif
