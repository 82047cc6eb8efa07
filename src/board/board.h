/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A board, as data: its coprocessors, their memories and the secure world's
 * policy for each. Filled from a device tree (board_dt.c) or, in tests, by
 * hand. Both worlds read it; neither changes it after start-up.
 */
#ifndef RPT_BOARD_BOARD_H
#define RPT_BOARD_BOARD_H

#include <stdbool.h>
#include <stdint.h>

#define BOARD_MAX_RPROCS   8
#define BOARD_MAX_MEMS     16
#define BOARD_MAX_KEYS     8
#define BOARD_NAME_MAX     32
#define BOARD_PATH_MAX     256

/* One memory of a coprocessor (a reserved-memory node). */
struct board_memory {
	char name[BOARD_NAME_MAX]; /* reserved-memory node name: "retram", "mcuram2", ... */
	uint32_t da;               /* device address, as the coprocessor sees it */
	uint64_t pa;               /* physical address, as the host sees it */
	uint32_t size;             /* bytes */
	bool secure;               /* after load only the secure world may touch it */
	bool loadable;             /* firmware segments may be loaded into it */
};

/* What the secure world allows for one coprocessor. */
struct board_policy {
	bool coredump_allowed;                  /* GET_COREDUMP permitted (default: no) */
	bool allow_unversioned;                 /* accept images without a security counter */
	char rollback_state[BOARD_PATH_MAX];    /* file keeping the highest counter ("" = none) */
	char trusted_keys[BOARD_MAX_KEYS][BOARD_PATH_MAX]; /* PEM public keys */
	unsigned int num_keys;
};

/* One coprocessor. */
struct board_rproc {
	uint32_t id;                               /* rproc id the TA is addressed with */
	char name[BOARD_NAME_MAX];                 /* device-tree node name ("m4") */
	char compatible[48];                       /* "st,stm32mp1-m4-tee" or "st,stm32mp1-m4" */
	bool tee;                                  /* loaded through the TA (alternate boot) */
	char cpu[16];                              /* "cortex-m4" or "cortex-m33" */
	struct board_memory mems[BOARD_MAX_MEMS];  /* its memories, from memory-region */
	unsigned int num_mems;
	struct board_policy policy;                /* secure-world policy */
	uint32_t watchdog_ms;                      /* watchdog period, 0 = none */
};

struct board {
	char model[64];                            /* "vstm32mp15-m4-tee" */
	struct board_rproc rprocs[BOARD_MAX_RPROCS];
	unsigned int num_rprocs;
};

/* The coprocessor with this rproc id, or NULL. */
const struct board_rproc *board_find_rproc(const struct board *b, uint32_t id);

/* The memory that wholly holds [da, da + size) (no wrap), or NULL. */
const struct board_memory *board_find_memory(const struct board_rproc *rp, uint32_t da,
					     uint32_t size);

/* The memory with this reserved-memory name, or NULL. */
const struct board_memory *board_memory_by_name(const struct board_rproc *rp, const char *name);

/*
 * The STM32MP15 layout of DESIGN section 6 (retram secure, mcuram2 and the
 * vdev memories shared), for tests and as the built-in default. With
 * with_ddr, a 32 MiB DDR memory at 0x90000000 is added (large.elf).
 */
void board_stm32mp15_layout(struct board_rproc *rp, bool with_ddr);

#endif
