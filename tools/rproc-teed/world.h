/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What rproc-teed serves: the board, the secure platform over its memories,
 * the remoteproc TA, and the emulated coprocessors attached to the platform.
 */
#ifndef RPT_TOOLS_TEED_WORLD_H
#define RPT_TOOLS_TEED_WORLD_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "board/board.h"
#include "common/error.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"
#include "secure/teed/teed.h"

#define WORLD_MAX_TRUST 8

/* From the command line. */
struct world_options {
	const char *board_path;		    /* --board FILE (.dts or .dtb), or NULL */
	bool builtin;			    /* --builtin: the STM32MP15 layout of DESIGN 6 */
	const char *trust[WORLD_MAX_TRUST]; /* --trust KEY.pem, for every TEE coprocessor */
	unsigned int num_trust;
	bool no_coproc; /* --no-coproc: leave the platform without a core */
	/* rollback counters' directory for coprocessors whose board names no file (NULL: none) */
	const char *state_dir;
};

struct world;

/* Where the events of one core go: its world and the rproc id the clients know. */
struct world_core {
	struct world *w;     /* back pointer */
	uint32_t id;	     /* the board's rproc id */
	uint32_t last_crash; /* type of its last crash (written on the core's thread, atomic) */
};

/* Receives the cores' events (on the core's thread): the server's teed_post_event. */
typedef void (*world_event_sink)(void *priv, uint32_t rproc_id, enum tee_wire_event_kind kind,
				 uint32_t arg, const char *why);

/* The secure world of the daemon. */
struct world {
	struct board board;			   /* read once, never changed */
	struct platform plat;			   /* memories, keys, rollback state */
	struct rproc_ta ta;			   /* the TA served */
	void *coprocs[BOARD_MAX_RPROCS];	   /* struct coproc per platform rproc, or NULL */
	struct world_core cores[BOARD_MAX_RPROCS]; /* event context of each core */
	bool plat_up;				   /* platform_init succeeded */
	bool ta_up;				   /* rproc_ta_init succeeded */
	pthread_mutex_t sink_lock;		   /* the sink may change while cores report */
	world_event_sink sink;			   /* where events go, NULL: only logged */
	void *sink_priv;
};

/*
 * The coprocessors' mailbox and crash injection for the server (priv: the
 * world). Without the emulator every op answers -EOPNOTSUPP.
 */
extern const struct teed_hw_ops world_hw_ops;

/* Bring everything up; on failure nothing stays up and err says what failed. */
int world_init(struct world *w, const struct world_options *o, struct rpt_error *err);

/* Stop the coprocessors, wipe and tear down, in the reverse order. */
void world_exit(struct world *w);

/*
 * Send the cores' events to sink (NULL: only log them). Once this returns, no
 * core calls the previous sink any more: clear it before the server goes.
 */
void world_set_event_sink(struct world *w, world_event_sink sink, void *priv);

#endif
