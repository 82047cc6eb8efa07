/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure world, assembled once: what OP-TEE and the SoC's secure side are
 * for one board. From a board description, in this order:
 *   platform (memories, rollback state)
 *   -> trusted keys (the board's, plus extra PEM files) and a loud warning
 *      for each coprocessor that trusts the published test-only demo key
 *   -> the emulated cores, attached to the platform (only the secure world
 *      starts and stops them)
 *   -> the remoteproc TA
 *   -> what the board's boot loader starts (rproc,boot-loader-firmware).
 * Teardown runs it backwards: the TA stops what runs and wipes what it
 * loaded, then the cores go, then the memories.
 *
 * Two users: rproc-teed serves it over its socket; vboard's in-process
 * backend calls the TA directly. Both get the cores' events (doorbells,
 * crashes, IPCC lines) by rproc id through one callback table, and reach
 * the mailbox and crash injection through the functions below
 * (the hardware side: on the real SoC, the IPCC and the core's fault lines).
 * Nothing here knows the normal world.
 */
#ifndef RPT_SECURE_WORLD_H
#define RPT_SECURE_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"
#include "common/error.h"
#include "common/log.h"
#include "common/rproc_crash.h"

struct coproc;
struct plat_rproc;
struct rproc_ta;

/* What the cores tell (on the core's own thread: be quick, never stop or destroy the world). */
struct secure_world_events {
	/* The firmware of rproc_id rang the doorbell of virtqueue vq. */
	void (*kick)(void *priv, uint32_t rproc_id, uint32_t vq);
	/* The core of rproc_id stopped on its own: type is an enum coproc_crash_type. */
	void (*crash)(void *priv, uint32_t rproc_id, enum rproc_crash_type type, const char *why);
	/*
	 * Optional: processor 1's IPCC lines of rproc_id are high (rx: RX
	 * occupied, tx: TX free), after every access while they stay so. When
	 * set, processor 1's driver runs elsewhere (rproc-teed's clients, over
	 * the wire's IPCC_READ/IPCC_WRITE): the world runs none, its mailbox
	 * calls say -ENODEV, and the lines go here instead.
	 */
	void (*ipcc_irq)(void *priv, uint32_t rproc_id, bool rx, bool tx);
};

/* How to assemble it. */
struct secure_world_config {
	/*
	 * The board (not owned; must outlive the world, and hold at least one
	 * TEE coprocessor). With state_dir, its coprocessors that name no
	 * rollback-state file get the default one written in.
	 */
	struct board *board;
	const char *const *trust; /* extra trusted public keys (PEM files) of every TEE rproc */
	unsigned int num_trust;	  /* entries in trust */
	/* trust exactly the keys in trust: they replace the board's trusted-keys (--trust-only) */
	bool trust_only;
	const char *state_dir; /* default rollback-state directory; NULL: the board's files */
	bool no_cores;	       /* no emulated cores: nothing can start (rproc-teed --no-coproc) */
	rpt_log_fn *log;       /* every line (TA failures, the demo-key warning); NULL: stderr */
	void *log_priv;	       /* passed to log */
	/* where the cores' events go (NULL: dropped); fixed for the life of the world */
	const struct secure_world_events *events;
	void *events_priv; /* passed to every event */
};

struct secure_world;

/* Assemble everything; on failure nothing stays up and err says what failed. */
int secure_world_create(struct secure_world **out, const struct secure_world_config *cfg,
			struct rpt_error *err);
/* Stop what runs, wipe, tear down in the reverse order, free. Safe on NULL. */
void secure_world_destroy(struct secure_world *w);

/* The TA (for a server or the in-process TEE transport); lives as long as the world. */
struct rproc_ta *secure_world_ta(struct secure_world *w);

/* The platform side of rproc_id (its memories, as the secure world maps them), or NULL. */
struct plat_rproc *secure_world_rproc(struct secure_world *w, uint32_t rproc_id);

/*
 * The emulated core of rproc_id: 0 and *core, -ENOENT if the board has no
 * such rproc, -EOPNOTSUPP if it has no core (no_cores, or not a TEE one).
 */
int secure_world_core(struct secure_world *w, uint32_t rproc_id, struct coproc **core);

struct stm32_ipcc;
/*
 * Processor 1's IPCC driver of rproc_id's core (the normal world's
 * stm32_ipcc, driven here for the daemon's hardware channel): NULL if the
 * board has no such core or its core no IPCC.
 */
struct stm32_ipcc *secure_world_ipcc(struct secure_world *w, uint32_t rproc_id);

/*
 * Debug: make the core of rproc_id fail as a fault of `type` (enum
 * coproc_crash_type) would; the crash comes back as an event, with the
 * core's "injected ..." reason. -EINVAL for an unknown type.
 */
int secure_world_inject_crash(struct secure_world *w, uint32_t rproc_id, uint32_t type);

/* True (and the type of its last crash) if the core of rproc_id is stopped by a crash now. */
bool secure_world_crashed(struct secure_world *w, uint32_t rproc_id, uint32_t *type);

#endif
