/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A secure world for TA tests: an STM32MP15 board (optionally with DDR) or
 * the STM32MP25 M33-in-DDR board, the platform layer over it, a recording
 * coprocessor double, and the TA.
 */
#ifndef RPT_TESTS_TA_FIXTURE_H
#define RPT_TESTS_TA_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "secure/ta/rproc_ta.h"

/* Counts what the platform asked of the coprocessor. */
struct coproc_double {
	int starts;	    /* start() calls */
	int stops;	    /* stop() calls */
	uint32_t boot_addr; /* last boot address */
	int fail_start;	    /* start() returns this if non-zero */
	bool crashed;	    /* the core stopped on its own (registers readable while started) */
	bool have_regs;	    /* get_regs() gives regs (else -ENODATA) */
	struct coredump_regs regs; /* what get_regs() gives */
};

struct ta_fixture {
	struct board board;	 /* one rproc, id 0 */
	struct platform plat;	 /* its secure side */
	struct rproc_ta ta;	 /* the TA under test */
	struct coproc_double co; /* the coprocessor */
	void *sess;		 /* session on rproc 0 */
	char last_log[512];	 /* last message the TA logged */
	unsigned int logs;	 /* messages logged */
};

/* Options of a fixture. keys: NULL-terminated list of vector-relative public key paths. */
struct ta_fixture_opts {
	bool ddr;    /* add the 32 MiB DDR memory (large.elf) */
	bool legacy; /* legacy layout (mcuram2 shared, legacy-layout): the older vectors */
	bool coredump_allowed;
	bool coredump_secure;	    /* debug board: secure memories dumped too */
	bool versioned_only;	    /* refuse images without a security counter */
	const char *rollback_state; /* state file, or NULL */
	const char *const *keys;
	/*
	 * The STM32MP25 M33 with its firmware in DDR (boards/vstm32mp25-m33-ddr-
	 * tee.dts): compatible "st,stm32mp2-m33-tee", whose platform defines the
	 * BOOTADDR TLV. ddr and legacy are ignored then.
	 */
	bool mp2_ddr;
	uint32_t boot_addr; /* the board's default boot address (rproc,boot-address) */
};

struct ta_fixture *ta_fixture_new(const struct ta_fixture_opts *o);
void ta_fixture_free(struct ta_fixture *f);

TEE_Result ta_load(struct ta_fixture *f, const void *img, size_t size);
/* START, STOP or RELEASE. */
TEE_Result ta_simple(struct ta_fixture *f, uint32_t cmd);
TEE_Result ta_get_rsc(struct ta_fixture *f, uint64_t *pa, uint64_t *size);
TEE_Result ta_state_of(struct ta_fixture *f);

/* All coprocessor memory, concatenated (free()). */
uint8_t *ta_snapshot(struct ta_fixture *f, size_t *len);

/*
 * True if every PT_LOAD segment of the given ELF files (vector-relative paths,
 * NULL-terminated) is in coprocessor memory: file bytes then zeros up to memsz.
 */
bool ta_segments_loaded(struct ta_fixture *f, const char *const *elfs);

#endif
