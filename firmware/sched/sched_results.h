/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The results block of the scheduler firmware (sched.c), read by the host
 * (tests/fw): QEMU prints it at the end of its run, our core is read after
 * running for a while. Little-endian 32-bit words at SCHED_RESULTS_DA_*.
 */
#ifndef RPT_FW_SCHED_RESULTS_H
#define RPT_FW_SCHED_RESULTS_H

#include <stdint.h>

#define SCHED_MAGIC   0x44484353u /* "SCHD" */
#define SCHED_VERSION 1u
#define SCHED_THREADS 3u

#define SCHED_RESULTS_DA_VSTM32MP15 0x10000000u
#define SCHED_RESULTS_DA_MPS2	    0x00100000u

struct sched_results {
	uint32_t magic;			    /* SCHED_MAGIC once the scheduler runs */
	uint32_t version;		    /* SCHED_VERSION */
	uint32_t ticks;			    /* SysTick interrupts */
	uint32_t switches;		    /* context switches (PendSV that changed thread) */
	uint32_t idle_wakeups;		    /* WFI returns in the idle thread */
	uint32_t corruptions;		    /* failed invariant checks, all threads: must stay 0 */
	uint32_t first_corrupt;		    /* (thread + 1) << 8 | check of the first failure */
	uint32_t faults;		    /* unexpected exceptions (HardFault...): must stay 0 */
	uint32_t iterations[SCHED_THREADS]; /* work loops completed per thread */
	uint32_t preempted[SCHED_THREADS];  /* switches away from a thread that was still ready */
	uint32_t done;			    /* QEMU build: SCHED_DONE when it stopped itself */
};

#define SCHED_DONE 0x454E4F44u /* "DONE" */

#endif
