/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How a coprocessor is started and stopped: the one interface between the
 * core (the emulator of coproc.h, or a test double) and whoever drives it.
 * Both worlds drive a core: the secure platform for the TEE boot, the classic
 * driver (stm32_classic_rproc) for the direct-ELF boot. So it lives here,
 * next to the core, where both may include it, and not in either world.
 */
#ifndef RPT_COPROC_COPROC_OPS_H
#define RPT_COPROC_COPROC_OPS_H

#include <stdint.h>

#include "formats/coredump.h"

struct coproc_ops {
	/*
	 * Release the core from reset through the vector table at boot_addr
	 * (VTOR): initial SP and reset vector from there. -RPT_ENOBOOT if the
	 * firmware cannot start there.
	 */
	int (*start)(void *priv, uint32_t boot_addr);
	/* Hold the core in reset. Must be safe when the core already stopped on its own. */
	int (*stop)(void *priv);
	/*
	 * Optional: the registers when the last run ended (crash or stop).
	 * -RPT_ESTATE while the core runs, -ENODATA if none were captured.
	 */
	int (*get_regs)(void *priv, struct coredump_regs *regs);
	/* Optional: why the last start or stop failed, in words for a user ("" if it did not). */
	const char *(*last_error)(void *priv);
};

#endif
