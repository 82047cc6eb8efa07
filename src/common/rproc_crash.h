/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Why a coprocessor stopped on its own: Linux's enum rproc_crash_type, with
 * its names and numbers. One type for every layer: the core that detects the
 * crash (src/coproc), the TEE wire that carries it (the numbers are part of
 * the protocol), the remoteproc core that recovers (rproc_report_crash) and
 * rprocd that injects one on request.
 */
#ifndef RPT_COMMON_RPROC_CRASH_H
#define RPT_COMMON_RPROC_CRASH_H

#include <stdbool.h>

enum rproc_crash_type {
	RPROC_MMUFAULT = 0,    /* "mmufault": invalid memory access */
	RPROC_WATCHDOG = 1,    /* "watchdog": watchdog not refreshed in time */
	RPROC_FATAL_ERROR = 2, /* "fatal error": undefined instruction, fault, lockup */
};

/* The largest type: what a decoder checks a number from outside against. */
#define RPROC_CRASH_MAX ((unsigned int)RPROC_FATAL_ERROR)

/* Linux rproc_crash_to_string(): "mmufault", "watchdog", "fatal error", or "unknown". */
const char *rproc_crash_to_string(enum rproc_crash_type type);

/* Is this number (from another process, a test, a command line) a crash type? */
static inline bool rproc_crash_type_valid(unsigned int type)
{
	return type <= RPROC_CRASH_MAX;
}

#endif
