/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the emulated coprocessor: shared by coproc.c (life cycle), core.c
 * (the Unicorn engine and the core thread), mailbox.c (the MMIO page) and
 * watchdog.c. Not for users: they see coproc.h only.
 *
 * Locking: `ctl` serialises the host's start/stop/destroy/configuration; it
 * is held while a run is created or torn down. `lock` protects the run state
 * shared with the core and watchdog threads and is only ever held briefly
 * (never across an event callback or a join). The registers the firmware
 * polls at full speed are atomics, so the MMIO path takes no lock.
 */
#ifndef RPT_COPROC_INTERNAL_H
#define RPT_COPROC_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <unicorn/unicorn.h>

#include "coproc/coproc.h"

#define COPROC_NAME_MAX 32
#define COPROC_WHY_MAX	200
#define COPROC_PAGE	0x1000u
/* How long coproc_halt() waits for the core thread to leave the emulator. */
#define COPROC_STOP_TIMEOUT_MS 2000u
/* How often a stop is re-sent while waiting (a stop sent between two runs of the engine is lost). */
#define COPROC_STOP_RETRY_MS 2u

/* One memory of the core (private copy of a struct coproc_mem). */
struct coproc_region {
	char name[COPROC_NAME_MAX]; /* for messages */
	uint32_t da;		    /* device address */
	uint8_t *host;		    /* host mapping, not owned */
	uint32_t size;		    /* bytes */
};

/* What a Unicorn hook saw go wrong; written and read on the core thread only. */
struct coproc_fault {
	bool set;	    /* a fault was recorded in this run (the first one is kept) */
	bool is_intr;	    /* a CPU exception (else a memory access) */
	uint32_t intno;	    /* the exception number, if is_intr */
	uc_mem_type access; /* UC_MEM_*_UNMAPPED / *_PROT, if a memory access */
	uint64_t addr;	    /* the address accessed */
	int size;	    /* bytes accessed */
};

/* How a run ended, decided once by the core thread. */
struct coproc_outcome {
	bool crashed;		    /* report a crash (else a plain stop) */
	enum rproc_crash_type type; /* how it crashed */
	char why[COPROC_WHY_MAX];   /* message of the crash event */
};

/* The mailbox registers the host sets and the firmware polls. */
struct coproc_mbox {
	_Atomic uint32_t db_status; /* host->firmware doorbells not yet cleared, bit n = vq n */
	_Atomic uint32_t req;	    /* VMMIO_REQ_* requests pending */
};

/* The independent watchdog. */
struct coproc_wdg {
	uint32_t period_ms;	      /* configured period (0 = none); fixed during a run */
	bool autostart;		      /* armed from reset rather than by the firmware */
	_Atomic bool armed;	      /* counting down in this run */
	_Atomic uint64_t deadline_ns; /* monotonic time it expires unless refreshed */
	bool thread_live;	      /* its thread exists and is not joined (under ctl) */
	pthread_t thread;	      /* that thread */
};

struct coproc {
	int uc_model;				    /* UC_CPU_ARM_CORTEX_* */
	char cpu[16];				    /* "cortex-m4" / "cortex-m33" */
	struct coproc_region mems[COPROC_MAX_MEMS]; /* its memories */
	unsigned int num_mems;
	struct coproc_events ev; /* the host's callbacks */
	void *ev_priv;		 /* their first argument */

	pthread_mutex_t ctl; /* one start/stop/destroy/configure at a time */
	bool thread_live;    /* core thread exists and is not joined (under ctl) */
	pthread_t thread;    /* the core thread of the current/last run */

	pthread_mutex_t lock;		    /* protects the fields below */
	pthread_cond_t cond;		    /* broadcast on state changes and host requests */
	enum coproc_state state;	    /* RUNNING while the core thread is in its loop */
	unsigned long run_gen;		    /* runs started so far: tells one run from the next */
	uc_engine *uc;			    /* engine of the current/last run, NULL if none */
	bool stop_req;			    /* host wants the core in reset */
	bool crash_req;			    /* a crash was injected (host or watchdog) */
	int crash_req_type;		    /* its type */
	char crash_req_why[COPROC_WHY_MAX]; /* and message */
	struct rpt_error last_err;	    /* last failure of the ops adapters */
	struct coredump_regs last_regs;	    /* registers when the last run ended */
	bool regs_valid;		    /* last_regs belongs to a run that ended */

	/* Fixed while a run lasts (set before its threads start). */
	uint64_t reset_ns;	   /* monotonic time of the reset (VMMIO_TICK_MS origin) */
	uint32_t boot_vtor;	   /* VTOR at reset: the boot address, where the table is */
	uint32_t boot_sp;	   /* initial SP from the vector table */
	uint32_t boot_pc;	   /* initial PC from the vector table */
	struct coproc_fault fault; /* core thread only */
	struct coproc_mbox mbox;
	struct coproc_wdg wdg;
};

/* ---- time (coproc.c) ---- */
uint64_t coproc_now_ns(void);

/* ---- the engine and the core thread (core.c) ---- */

/* err <- "coprocessor: <what>: <Unicorn's reason>" (EIO). */
int coproc_uc_fail(struct rpt_error *err, uc_err e, const char *what);
/*
 * Drive external interrupt line `irq` (the NVIC's IRQn, 0-based) of the
 * core: level true asserts it, false releases it. Any thread (peripheral
 * models on the core thread, the host on its own); wakes a sleeping core.
 */
void coproc_irq_set(struct coproc *c, unsigned int irq, bool level);

/* A fresh engine with the core's memories, the mailbox and the fault hooks. */
int coproc_engine_open(struct coproc *c, uc_engine **out, struct rpt_error *err);
/* Put SP/LR/PC of a fresh engine to their reset values. */
int coproc_engine_reset(struct coproc *c, uc_engine *uc, struct rpt_error *err);
/* Core thread entry (arg: struct coproc *). */
void *coproc_core_main(void *arg);
/* True when called from c's core thread (an event callback). */
bool coproc_on_core_thread(const struct coproc *c);
/*
 * With c->lock held: make the core thread leave the emulator and wait until
 * it has (state no longer RUNNING). Bounded by timeout_ms; -ETIMEDOUT.
 */
int coproc_interrupt_locked(struct coproc *c, unsigned int timeout_ms);
/* With c->lock held: record an injected crash (first one wins) and wake everybody. */
void coproc_request_crash_locked(struct coproc *c, enum rproc_crash_type type, const char *why);

/* ---- the peripherals (mailbox.c) ---- */
/* Map the core's peripherals (MMIO callbacks) into a fresh engine. */
int coproc_periph_map(struct coproc *c, uc_engine *uc, struct rpt_error *err);
void coproc_mbox_reset(struct coproc *c);
uint64_t coproc_mbox_read(uc_engine *uc, uint64_t offset, unsigned int size, void *priv);
void coproc_mbox_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
		       void *priv);

/* ---- the watchdog (watchdog.c) ---- */
void coproc_wdg_reset(struct coproc *c, uint64_t now_ns);
/* The firmware wrote `key` to VMMIO_WDG_KEY. */
void coproc_wdg_key(struct coproc *c, uint32_t key);
/* Watchdog thread entry (arg: struct coproc *). */
void *coproc_wdg_main(void *arg);

#endif
