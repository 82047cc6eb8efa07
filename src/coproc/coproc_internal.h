/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the emulated coprocessor: shared by coproc.c (life cycle), core.c
 * (the Unicorn engine and the core thread), exc.c (the exception model),
 * scs.c (NVIC, SCB, SysTick), mailbox.c (the MMIO page) and watchdog.c. Not
 * for users: they see coproc.h only.
 *
 * Locking: `ctl` serialises the host's start/stop/destroy/configuration; it
 * is held while a run is created or torn down. `lock` protects the run state
 * shared with the core, timer and watchdog threads and is only ever held
 * briefly (never across an event callback or a join). The registers the
 * firmware polls at full speed are atomics, so the MMIO path takes no lock
 * (SysTick writes excepted). The core thread sleeps (WFI) on exc.wake_lock,
 * taken after `lock` when both are needed. Nobody but the core thread calls
 * uc_emu_stop(), and it only to end the run.
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

/* One memory of the core (private copy of a struct coproc_mem). */
struct coproc_region {
	char name[COPROC_NAME_MAX]; /* for messages */
	uint32_t da;		    /* device address */
	uint8_t *host;		    /* host mapping, not owned */
	uint32_t size;		    /* bytes */
};

/* What the memory hook saw go wrong; written and read on the core thread only. */
struct coproc_fault {
	bool set;	    /* a fault was recorded in this run (the first one is kept) */
	uc_mem_type access; /* UC_MEM_*_UNMAPPED / *_PROT */
	uint64_t addr;	    /* the address accessed */
	int size;	    /* bytes accessed */
};

/* How a run ended, decided once by the core thread. */
struct coproc_outcome {
	bool crashed;		    /* report a crash (else a plain stop) */
	enum rproc_crash_type type; /* how it crashed */
	char why[COPROC_WHY_MAX];   /* message of the crash event */
};

/* Bytes of the console log a core keeps (the newest win). */
#define COPROC_CONSOLE_SIZE 4096u

struct coproc_periph;

/*
 * One peripheral model (one file each: ipcc.c, usart.c, vmmio.c, razwi.c).
 * read/write run on the core thread for the firmware's accesses (and on the
 * host's threads for the IPCC's processor 1): offset is within the block
 * (below desc.size), size 1, 2 or 4 and naturally aligned; the model decides
 * what other widths do. Interrupt lines go through coproc_irq_set().
 */
struct coproc_periph_model {
	const char *name;	     /* for messages ("stm32-ipcc") */
	enum board_periph_kind kind; /* the board nodes it models */
	/* Optional: allocate p->state (at coproc_create). */
	int (*create)(struct coproc_periph *p, struct rpt_error *err);
	/* Optional: the reset values, before every run (threads of the run not yet started). */
	void (*reset)(struct coproc_periph *p);
	uint32_t (*read)(struct coproc_periph *p, uint32_t offset, unsigned int size);
	void (*write)(struct coproc_periph *p, uint32_t offset, unsigned int size, uint32_t value);
	/* Optional: free p->state (at coproc_destroy). */
	void (*destroy)(struct coproc_periph *p);
};

/* One peripheral of a core: the board's node and the model's state. */
struct coproc_periph {
	const struct coproc_periph_model *model; /* its ops */
	struct coproc *core;			 /* the core it belongs to */
	struct board_periph desc;		 /* the board's node (copied) */
	uint32_t map_size;			 /* desc.size rounded up to whole pages */
	void *state;				 /* the model's, NULL if it keeps none */
};

/* The core's console: a ring of the last COPROC_CONSOLE_SIZE bytes the UART sent. */
struct coproc_console {
	pthread_mutex_t lock;	       /* protects the fields below (UART vs host reader) */
	char buf[COPROC_CONSOLE_SIZE]; /* the ring */
	uint64_t total;		       /* bytes ever written: buf[total % size] is next */
};

/* External interrupt lines modelled (ICTR.INTLINESNUM = words - 1). */
#define COPROC_IRQ_WORDS 15u
#define COPROC_NUM_IRQ	 (32u * COPROC_IRQ_WORDS)
/* Implemented priority bits (the STM32 NVICs: the top 4 of 8). */
#define COPROC_PRIO_MASK 0xF0u

/* SysTick, counted on host time. Written by the core thread under c->lock. */
struct coproc_systick {
	uint32_t csr;	    /* ENABLE, TICKINT, CLKSOURCE as written */
	uint32_t rvr;	    /* reload value (24 bits) */
	uint32_t held;	    /* counter value while disabled */
	uint64_t origin_ns; /* time the counter was (as if) 0 and reloaded: wraps count from it */
	uint64_t seen;	    /* wraps at the last CSR read (COUNTFLAG), core thread only */
	bool flag;	    /* COUNTFLAG latched across a re-base, core thread only */
	uint64_t fired;	    /* wraps already pended as SysTick exceptions (timer thread) */
	uint64_t last_fire; /* when the timer thread last pended one */
	uint64_t wait_ns;   /* the timer thread waits until then (UINT64_MAX: a state change) */
	bool timer_live;    /* the timer thread exists and is not joined (under ctl) */
	pthread_t timer;    /* that thread */
};

/*
 * The exception model (exc.c) and the system control space (scs.c). The
 * atomics are what other threads may touch (peripherals, the host, the
 * timer); everything else belongs to the core thread.
 */
struct coproc_exc {
	_Atomic uint32_t attn;	   /* look at pending work (block hook) */
	pthread_mutex_t wake_lock; /* with wake_cond: the core thread sleeps in WFI on them */
	pthread_cond_t wake_cond;  /* broadcast when attn is set from another thread, if sleeping */
	_Atomic bool sleeping;	   /* the core thread waits (or is about to) on wake_cond */
	_Atomic bool leave;	   /* the host decided the run ends */
	_Atomic uint32_t pend[COPROC_IRQ_WORDS];  /* NVIC pending bits */
	_Atomic uint32_t level[COPROC_IRQ_WORDS]; /* interrupt line levels */
	_Atomic uint32_t sys_pend;		  /* pending NMI/PendSV/SysTick, bit = number */
	uint32_t enable[COPROC_IRQ_WORDS];	  /* NVIC enable bits */
	uint32_t active[COPROC_IRQ_WORDS];	  /* NVIC active bits */
	uint8_t prio[COPROC_NUM_IRQ];		  /* NVIC priorities */
	uint32_t sys_active;			  /* active system exceptions, bit = number */
	uint8_t sys_prio[16];			  /* SHPR1-3 bytes (4..15) */
	uint32_t vtor;				  /* vector table offset */
	uint32_t prigroup;			  /* AIRCR.PRIGROUP */
	uint32_t scr, ccr, shcsr, cpacr, actlr;	  /* SCB registers as written */
	uint32_t cfsr, hfsr, mmfar, bfar;	  /* fault status */
	uint32_t fpccr, fpcar, fpdscr;		  /* FPU context control */
	bool event;				  /* WFE event register */
	bool lockup;				  /* the core locked up: outcome in `why` */
	enum rproc_crash_type lockup_type;	  /* how to report it */
	char why[COPROC_WHY_MAX];		  /* what locked it up */
	struct coproc_systick systick;
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
	uint32_t clock_hz;	   /* core clock: SysTick counts at it */
	uint32_t cpuid;		   /* SCB CPUID of the modelled core */
	struct coproc_exc exc;	   /* NVIC, SCB, SysTick state of the run */
	struct coproc_fault fault; /* core thread only */
	struct coproc_wdg wdg;

	/* Fixed from creation: the board's peripherals and their models. */
	struct coproc_periph periphs[BOARD_MAX_PERIPHS];
	unsigned int num_periphs;
	struct coproc_periph *ipcc;		  /* the mailbox among periphs, NULL if none */
	const struct coproc_ipcc_host *ipcc_host; /* processor 1's listener, NULL if none */
	void *ipcc_host_priv;			  /* its first argument */
	struct coproc_console console;		  /* what the firmware printed */
};

/* ---- time (coproc.c) ---- */
uint64_t coproc_now_ns(void);

/* The memory of the core holding [da, da + size) whole, or NULL (memories are fixed). */
const struct coproc_region *coproc_find_region(const struct coproc *c, uint32_t da, uint32_t size);

/* ---- the engine and the core thread (core.c) ---- */

/*
 * Core thread: read or write len bytes of the core's address space as the
 * engine's uc_mem_read/uc_mem_write do (false where those fail), straight
 * through the host mapping when one memory holds the whole range (Unicorn's
 * own path costs a region lookup and, for writes, a translated-code
 * invalidation with allocations: per exception frame, too dear).
 */
bool coproc_mem_read(const struct coproc *c, uc_engine *uc, uint32_t da, void *buf, uint32_t len);
bool coproc_mem_write(const struct coproc *c, uc_engine *uc, uint32_t da, const void *buf,
		      uint32_t len);

/* err <- "coprocessor: <what>: <Unicorn's reason>" (EIO). */
int coproc_uc_fail(struct rpt_error *err, uc_err e, const char *what);
/*
 * Drive external interrupt line `irq` (the NVIC's IRQn, 0-based) of the
 * core: level true asserts it, false releases it. Any thread (peripheral
 * models on the core thread, the host on its own), with or without c->lock
 * held; wakes a sleeping core. Asserting pends the interrupt; while the line
 * stays asserted it pends again each time its handler returns (level
 * sensitive, as the NVIC); lines beyond the modelled ones are ignored.
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

/* ---- the exception model (exc.c) ---- */
/* Reset the exception state for a new run (before the threads start). */
void coproc_exc_reset(struct coproc *c);
/* Add the block and exception hooks to a fresh engine. */
int coproc_exc_hooks(struct coproc *c, uc_engine *uc, struct rpt_error *err);
/*
 * Tell the core thread to look at pending work; wakes a sleeping core. Any
 * thread, with or without c->lock held.
 */
void coproc_exc_kick(struct coproc *c);
/*
 * Core thread, engine stopped: a synchronous fault at return address *pc
 * (`what` says what happened, `type` how to report it if it is fatal).
 * Enters the firmware's HardFault handler (true, *pc = the handler) or
 * records a lock-up in c->exc (false).
 */
bool coproc_exc_fault(struct coproc *c, uc_engine *uc, uint32_t *pc, enum rproc_crash_type type,
		      const char *what);
/* Pend external interrupt irq once (STIR, ISPR), whatever its line does. */
void coproc_irq_pend(struct coproc *c, unsigned int irq);
/* The pending, enabled exception taken next, 0 if none (ICSR.VECTPENDING). */
unsigned int coproc_exc_pending(struct coproc *c);
/* Core thread, engine stopped at a WFI (wfe: a WFE): sleep until woken. */
void coproc_exc_sleep(struct coproc *c, uc_engine *uc, bool wfe);
/* The core thread is to leave the emulator (c->lock held). */
void coproc_exc_leave_locked(struct coproc *c);

/* ---- the system control space (scs.c) ---- */
/* Map the SCS (NVIC, SCB, SysTick) into a fresh engine. */
int coproc_scs_map(struct coproc *c, uc_engine *uc, struct rpt_error *err);
/* Timer thread entry (arg: struct coproc *): pends SysTick on host time. */
void *coproc_timer_main(void *arg);

/* ---- the peripherals (periph.c and one file per model) ---- */
extern const struct coproc_periph_model coproc_ipcc_model;
extern const struct coproc_periph_model coproc_usart_model;
extern const struct coproc_periph_model coproc_vmmio_model;
extern const struct coproc_periph_model coproc_razwi_model;

/*
 * Make the models of the board's peripherals (desc NULL: the STM32MP15 set
 * of board_stm32mp15_periphs) and check that none overlaps a memory.
 */
int coproc_periphs_create(struct coproc *c, const struct board_rproc *desc, struct rpt_error *err);
void coproc_periphs_destroy(struct coproc *c);
/* Reset every model before a run. */
void coproc_periphs_reset(struct coproc *c);
/* Map the core's peripherals (MMIO callbacks) into a fresh engine. */
int coproc_periph_map(struct coproc *c, uc_engine *uc, struct rpt_error *err);

/* The IPCC's interrupt lines as the model drives them (tests look at them). */
struct coproc_ipcc_lines {
	bool p1_rx, p1_tx; /* processor 1 (host): RX occupied, TX free */
	bool p2_rx, p2_tx; /* processor 2 (this core), as last given to coproc_irq_set */
	unsigned long p2_rx_calls, p2_tx_calls; /* coproc_irq_set calls made for each */
};
int coproc_ipcc_lines(struct coproc *c, struct coproc_ipcc_lines *out);
/* One access as the core's firmware makes it (processor 2), any width: for tests. */
int coproc_ipcc_core_access(struct coproc *c, uint32_t offset, unsigned int size, bool write,
			    uint32_t *value);

/* ---- the console (usart.c) ---- */
void coproc_console_putc(struct coproc *c, uint8_t byte);

/* ---- the watchdog (watchdog.c) ---- */
void coproc_wdg_reset(struct coproc *c, uint64_t now_ns);
/* Milliseconds since the core left reset (VMMIO_TICK_MS). */
uint32_t coproc_tick_ms(const struct coproc *c);
/* The firmware wrote `key` to VMMIO_WDG_KEY. */
void coproc_wdg_key(struct coproc *c, uint32_t key);
/* Watchdog thread entry (arg: struct coproc *). */
void *coproc_wdg_main(void *arg);

#endif
