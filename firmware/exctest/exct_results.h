/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The results block of the exception-model test firmware (exctest.c): the
 * contract between the firmware, the QEMU runner and the test that runs it on
 * our core (tests/fw). Plain C, included by the firmware and by host code.
 *
 * Layout (little-endian 32-bit words at EXCT_RESULTS_DA_*):
 *
 *   word 0           magic    EXCT_MAGIC, written first (the block is valid)
 *   word 1           version  EXCT_VERSION
 *   word 2           num_checks   how many checks ran (EXCT_NUM_CHECKS when all did)
 *   word 3           num_events   entries used in event[] (at most EXCT_MAX_EVENTS)
 *   word 4           done     EXCT_DONE once the run is over (written last)
 *   word 5           failed   checks that failed
 *   words 8..        check[EXCT_MAX_CHECKS]  per check, in EXCT_CHECKS order:
 *                    bits 7:0 status (EXCT_NOT_RUN/PASS/FAIL), bits 31:8 the
 *                    source line of its first failed expectation (0 if none)
 *   then             event[EXCT_MAX_EVENTS]  the ordered log (EXCT_EV_*)
 *
 * An event word: bits 31:24 the kind, 23:16 a (exception number, check or
 * step), 15:0 b (a value: EXC_RETURN's low half, an argument, a flag set).
 * Everything logged is logic, never time or an address, so the same binary
 * logic gives the same log on every faithful Cortex-M.
 */
#ifndef RPT_FW_EXCT_RESULTS_H
#define RPT_FW_EXCT_RESULTS_H

#include <stdint.h>

#define EXCT_MAGIC   0x54435845u /* "EXCT" */
#define EXCT_VERSION 1u
#define EXCT_DONE    0x454E4F44u /* "DONE" */

/* Where the block is (first in the data region of fwlib's linker scripts). */
#define EXCT_RESULTS_DA_VSTM32MP15 0x10000000u
#define EXCT_RESULTS_DA_MPS2	   0x00100000u

#define EXCT_MAX_CHECKS 32u
#define EXCT_MAX_EVENTS 512u

/* The checks, in the order they run: X(index, name). */
#define EXCT_CHECKS(X)                                                                             \
	X(0, svc)                                                                                  \
	X(1, pendsv)                                                                               \
	X(2, stir)                                                                                 \
	X(3, ispr_enable)                                                                          \
	X(4, nesting)                                                                              \
	X(5, prigroup)                                                                             \
	X(6, primask)                                                                              \
	X(7, basepri)                                                                              \
	X(8, faultmask)                                                                            \
	X(9, tailchain)                                                                            \
	X(10, fp_frame)                                                                            \
	X(11, nofp_frame)                                                                          \
	X(12, psp)                                                                                 \
	X(13, systick)                                                                             \
	X(14, wfi)                                                                                 \
	X(15, hardfault_udf)                                                                       \
	X(16, hardfault_bus)                                                                       \
	X(17, scs_regs)
#define EXCT_NUM_CHECKS 18u

enum exct_status {
	EXCT_NOT_RUN = 0, /* the run stopped before it */
	EXCT_PASS = 1,
	EXCT_FAIL = 2,
};

/* Event kinds (bits 31:24). */
enum exct_event_kind {
	EXCT_EV_CHECK = 1,	/* a check starts: a = its index */
	EXCT_EV_ENTER = 2,	/* a handler runs: a = exception number, b = EXC_RETURN & 0xFFFF */
	EXCT_EV_EXIT = 3,	/* it is about to return: a = exception number */
	EXCT_EV_SVC = 4,	/* SVCall: a = the immediate, b = stacked r0 & 0xFFFF */
	EXCT_EV_MARK = 5,	/* thread code reached step a; b = what it saw (check-defined) */
	EXCT_EV_FAULT = 6,	/* HardFault handler: a = kind (1 UDF, 2 bad access), b = 1 if the
			      stacked PC is the faulting function's */
	EXCT_EV_UNEXPECTED = 7, /* an exception no check expected: a = its number; the run ends */
};

#define EXCT_EV(kind, a, b)                                                                        \
	(((uint32_t)(kind) << 24) | (((uint32_t)(a)&0xFFu) << 16) | ((uint32_t)(b)&0xFFFFu))
#define EXCT_EV_KIND(e) ((e) >> 24)
#define EXCT_EV_A(e)	(((e) >> 16) & 0xFFu)
#define EXCT_EV_B(e)	((e)&0xFFFFu)

struct exct_results {
	uint32_t magic;			 /* EXCT_MAGIC */
	uint32_t version;		 /* EXCT_VERSION */
	uint32_t num_checks;		 /* checks run */
	uint32_t num_events;		 /* entries of event[] used */
	uint32_t done;			 /* EXCT_DONE when the run is over */
	uint32_t failed;		 /* checks with status EXCT_FAIL */
	uint32_t reserved[2];		 /* 0 */
	uint32_t check[EXCT_MAX_CHECKS]; /* status | first failed line << 8 */
	uint32_t event[EXCT_MAX_EVENTS]; /* the ordered log */
};

/* Words of the block (the QEMU build prints them all, "exct-words" lines). */
#define EXCT_RESULTS_WORDS (sizeof(struct exct_results) / 4u)

#endif
