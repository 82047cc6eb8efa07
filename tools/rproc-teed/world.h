/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What rproc-teed serves: the board, the secure platform over its memories,
 * the remoteproc TA, and the emulated coprocessors attached to the platform.
 */
#ifndef RPT_TOOLS_TEED_WORLD_H
#define RPT_TOOLS_TEED_WORLD_H

#include <stdbool.h>

#include "board/board.h"
#include "common/error.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"

#define WORLD_MAX_TRUST 8

/* From the command line. */
struct world_options {
	const char *board_path;		    /* --board FILE (.dts or .dtb), or NULL */
	bool builtin;			    /* --builtin: the STM32MP15 layout of DESIGN 6 */
	const char *trust[WORLD_MAX_TRUST]; /* --trust KEY.pem, for every TEE coprocessor */
	unsigned int num_trust;
	bool no_coproc; /* --no-coproc: leave the platform without a core */
};

/* The secure world of the daemon. */
struct world {
	struct board board;		 /* read once, never changed */
	struct platform plat;		 /* memories, keys, rollback state */
	struct rproc_ta ta;		 /* the TA served */
	void *coprocs[BOARD_MAX_RPROCS]; /* struct coproc per platform rproc, or NULL */
	bool plat_up;			 /* platform_init succeeded */
	bool ta_up;			 /* rproc_ta_init succeeded */
};

/* Bring everything up; on failure nothing stays up and err says what failed. */
int world_init(struct world *w, const struct world_options *o, struct rpt_error *err);

/* Stop the coprocessors, wipe and tear down, in the reverse order. */
void world_exit(struct world *w);

#endif
