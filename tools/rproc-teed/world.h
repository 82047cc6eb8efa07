/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What rproc-teed adds to the secure world it serves (src/secure/world): the
 * board chosen on the command line (a file, or the built-in one), its log on
 * stderr, and the cores' events relayed to the server's subscribers.
 */
#ifndef RPT_TOOLS_TEED_WORLD_H
#define RPT_TOOLS_TEED_WORLD_H

#include <pthread.h>
#include <stdbool.h>

#include "board/board.h"
#include "common/error.h"
#include "secure/teed/teed.h"
#include "secure/world/secure_world.h"

#define WORLD_MAX_TRUST 8

/* From the command line. */
struct world_options {
	const char *board_path;		    /* --board FILE (.dts or .dtb), or NULL */
	bool builtin;			    /* --builtin: the STM32MP15 layout of DESIGN 6 */
	const char *trust[WORLD_MAX_TRUST]; /* --trust KEY.pem, for every TEE coprocessor */
	unsigned int num_trust;		    /* entries in trust */
	bool trust_only; /* --trust-only: trust holds the only keys (the board's are not trusted) */
	bool no_coproc;	 /* --no-coproc: leave the platform without a core */
	/* rollback counters' directory for coprocessors whose board names no file (NULL: none) */
	const char *state_dir;
};

/* The daemon's secure world. */
struct world {
	struct board board;	    /* read once, never changed after init */
	struct secure_world *sw;    /* platform, keys, cores, TA */
	pthread_mutex_t relay_lock; /* the server may change while cores report */
	struct teed *server;	    /* where events go, NULL: only logged */
};

/* The coprocessors' mailbox and crash injection for the server (priv: the world). */
extern const struct teed_hw_ops world_hw_ops;

/* Bring everything up; on failure nothing stays up and err says what failed. */
int world_init(struct world *w, const struct world_options *o, struct rpt_error *err);

/* Stop the coprocessors, wipe and tear down, in the reverse order. */
void world_exit(struct world *w);

/*
 * Relay the cores' events to server (NULL: only log them). Once this returns,
 * no core posts to the previous server any more: clear it before it goes.
 */
void world_set_server(struct world *w, struct teed *server);

#endif
