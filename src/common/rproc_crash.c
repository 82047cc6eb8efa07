// SPDX-License-Identifier: BSD-2-Clause
#include "common/rproc_crash.h"

const char *rproc_crash_to_string(enum rproc_crash_type type)
{
	switch (type) {
	case RPROC_MMUFAULT:
		return "mmufault";
	case RPROC_WATCHDOG:
		return "watchdog";
	case RPROC_FATAL_ERROR:
		return "fatal error";
	default:
		return "unknown";
	}
}
