/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emulated Cortex-M coprocessor (Unicorn engine).
 *
 * Its memories are the board's memories: the host buffers given to
 * coproc_create() (the secure world's memfd mappings) are mapped into the
 * emulator as they are, without a copy, so what the TA loads is what the core
 * runs and what the core writes (trace, vrings) is what the host reads.
 *
 * Each run has its own thread and its own Unicorn engine: coproc_boot()
 * builds a fresh engine (a real reset: no CPU state and no translated code
 * survive from the previous firmware), sets VTOR to the boot address, reads
 * the initial SP and PC from the vector table there and runs until stopped
 * or crashed. The core has a Cortex-M exception model (exc.c: NVIC, SCB and
 * SysTick in the system control space, SVC, PendSV, faults to the firmware's
 * HardFault handler, lock-up reported as a crash); WFI sleeps until an
 * interrupt is due. Nothing hooks single instructions (DESIGN section 7):
 * peripherals are memory-mapped callbacks (the board's: STM32 IPCC, UART,
 * ...), interrupts are taken from a block
 * hook, and stops and crashes requested by other threads are flags the core
 * thread acts on; the watchdog runs on host time in a thread of its own.
 *
 * Threads: the events below are called on the coprocessor's own thread.
 * They must be quick and must not call coproc_halt() or coproc_destroy() (those
 * wait for that very thread: they return -EDEADLK if called from it); defer
 * such work, as Linux defers crash recovery to a workqueue. Every other
 * function may be called from any thread.
 */
#ifndef RPT_COPROC_COPROC_H
#define RPT_COPROC_COPROC_H

#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"
#include "common/error.h"
#include "common/rproc_crash.h"
#include "coproc/coproc_ops.h"

/* At most this many memories per core (as many as a board rproc may have). */
#define COPROC_MAX_MEMS BOARD_MAX_MEMS

enum coproc_state {
	COPROC_STOPPED = 0, /* held in reset (never started, or stopped by the host) */
	COPROC_RUNNING,	    /* executing firmware */
	COPROC_CRASHED,	    /* stopped on its own by a fault or the watchdog; stop() resets it */
};

/* One memory of the core, as the host sees it. */
struct coproc_mem {
	const char *name; /* reserved-memory name, for messages (copied) */
	uint32_t da;	  /* device address (4 KiB aligned) */
	uint8_t *host;	  /* host mapping (4 KiB aligned), not owned, must outlive the core */
	uint32_t size;	  /* bytes (a non-zero multiple of 4 KiB) */
};

/* What the core tells the host. Any may be NULL. Called on the core's thread. */
struct coproc_events {
	/* The core stopped on its own: `type` says how (Linux's numbering), `why` what. */
	void (*crash)(void *priv, enum rproc_crash_type type, const char *why);
};

struct coproc;

/* What a core is made of. */
struct coproc_config {
	const char *cpu; /* "cortex-m4" or "cortex-m33" (NULL: desc's, m4 if it has none) */
	const struct coproc_mem *mems; /* its memories (copied; the host buffers are not) */
	unsigned int num_mems;	       /* how many */
	/*
	 * The board's node for this core (clock, peripherals, boot address),
	 * read once at creation; NULL: a bare core with the defaults (tests).
	 */
	const struct board_rproc *desc;
};

/*
 * Make a core over cfg->mems. Memories must not overlap each other or a
 * peripheral and must not wrap past 4 GiB. The core starts STOPPED.
 */
struct coproc *coproc_create(const struct coproc_config *cfg, const struct coproc_events *ev,
			     void *ev_priv, struct rpt_error *err);

/* Stop the core if it runs, then free everything. NULL is fine. */
void coproc_destroy(struct coproc *c);

/*
 * Configure the watchdog for the next runs: period_ms 0 = no watchdog (the
 * default). With autostart the watchdog is armed from reset, otherwise when
 * the firmware writes VMMIO_WDG_START_KEY. -RPT_ESTATE while running.
 */
int coproc_set_watchdog(struct coproc *c, uint32_t period_ms, bool autostart);

/*
 * Release the core from reset through the vector table at boot_addr (the
 * image's BOOTADDR or the board's default, as the TA decided): VTOR =
 * boot_addr, SP = the word there, PC = the next one (with the Thumb bit).
 * -RPT_ESTATE if running; -RPT_ENOBOOT, saying why in plain words, if
 * boot_addr is not 128-byte aligned (VTOR), no memory holds the table, or no
 * memory holds its reset vector. A CRASHED core is reset first.
 */
int coproc_boot(struct coproc *c, uint32_t boot_addr, struct rpt_error *err);

/*
 * Hold the core in reset: interrupt the emulation (bounded wait), join its
 * threads. Also fine on a STOPPED or CRASHED core (then it only resets the
 * state to STOPPED). -ETIMEDOUT if the core did not stop in time (the events
 * callback is stuck); -EDEADLK from an event callback.
 */
int coproc_halt(struct coproc *c, struct rpt_error *err);

/*
 * The registers of the core when its last run ended (a crash, or a stop by
 * the host), for a coredump's NT_PRSTATUS note; signo names the crash as a
 * Linux signal (COREDUMP_SIG*), 0 after a stop. -RPT_ESTATE while running
 * (they change all the time), -ENODATA if no run has ended since the last
 * start (or ever).
 */
int coproc_get_regs(struct coproc *c, struct coredump_regs *regs);

/*
 * The emulated core as the platform sees any core (struct coproc_ops, priv is
 * the struct coproc *): start is coproc_boot(), stop coproc_halt(), get_regs
 * coproc_get_regs(); the reason of a failure is kept for coproc_last_error().
 */
extern const struct coproc_ops coproc_emu_ops;

/* Why the last start or stop through coproc_emu_ops failed ("" if it did not). */
const char *coproc_last_error(struct coproc *c);

enum coproc_state coproc_state(struct coproc *c);
const char *coproc_state_name(enum coproc_state s);

/*
 * Processor 1's view of the board's IPCC (the STM32 IPCC driver of the
 * normal world, src/normal/drivers/stm32_ipcc.c, works over it): one
 * register access, as a Cortex-A load or store would make it. -ENODEV
 * without an IPCC, -EINVAL for an offset outside the block or unaligned.
 */
int coproc_ipcc_host_read(struct coproc *c, uint32_t offset, uint32_t *value);
int coproc_ipcc_host_write(struct coproc *c, uint32_t offset, uint32_t value);

/* Who listens to processor 1's side of the IPCC. */
struct coproc_ipcc_host {
	/*
	 * Processor 1's lines are high after an access (rx: RX occupied, tx:
	 * TX free; levels: called again after every access while they stay
	 * high). Called on the accessing thread, never with a lock of the model held.
	 */
	void (*irq)(void *priv, bool rx, bool tx);
	/* The block was reset to its reset values (before every run, threads not started). */
	void (*reset)(void *priv);
};

/* Connect processor 1's listener (NULL: none), before the core first runs. */
void coproc_ipcc_host_connect(struct coproc *c, const struct coproc_ipcc_host *host, void *priv);

/*
 * Whether the firmware runs and the host has not asked it to stop: a request
 * sent to it now has somebody to answer.
 */
bool coproc_accepts_requests(struct coproc *c);

/*
 * Copy what the firmware printed on its console UART (the newest bytes that
 * fit, at most COPROC_CONSOLE_SIZE, kept across runs) into buf, NUL-terminated.
 * Returns the bytes copied (without the NUL). Only printable ASCII, newlines
 * and tabs are kept (others read '?').
 */
size_t coproc_console_read(struct coproc *c, char *buf, size_t size);

/*
 * Debug: crash the core from the host, as if it had failed with `type` (the
 * crash event carries `why`; NULL: "injected memory fault", "injected
 * watchdog expiry" or "injected fatal error", which every caller uses). Waits (bounded) until the core has stopped,
 * except when called from an event callback. -RPT_ESTATE if not running,
 * -EINVAL for an unknown type.
 */
int coproc_inject_crash(struct coproc *c, enum rproc_crash_type type, const char *why);

#endif
