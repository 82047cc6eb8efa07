/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the TA's command handlers; not part of its interface. */
#ifndef RPT_SECURE_TA_INTERNAL_H
#define RPT_SECURE_TA_INTERNAL_H

#include "secure/ta/rproc_ta.h"

/* LOAD_FW on the bytes of a shared (normal-world) buffer. Returns a negative errno. */
int ta_load_fw(struct rproc_ta *ta, struct ta_rproc_ctx *ctx, const uint8_t *shared, size_t size);

/* The secure-world console: every failure and warning goes here ("remoteproc TA: ..."). */
void ta_log(struct rproc_ta *ta, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Zero every range the TA wrote for this context and forget them, and zero
 * every secure memory of the coprocessor whole (what the firmware wrote there
 * at run time too). Only while the core is held in reset.
 */
void ta_wipe_written(struct ta_rproc_ctx *ctx);

/* ta_start.c: the isolation rule of START (DESIGN section 6). */
struct elf32_file;

/*
 * At LOAD: record each image's vector table and executable segments from its
 * (signed, bound) program headers, and the boot address (plat_boot_address:
 * the signed BOOTADDR or the board's default), whose table is image 1's.
 */
int ta_layout_record(struct ta_rproc_ctx *ctx, const struct elf32_file *elf, unsigned int num_img,
		     uint32_t boot_addr, struct rpt_error *err);

/* Bytes of a vector table the core reads at reset: initial SP and reset vector. */
#define TA_BOOT_VT_BYTES 8u

/*
 * The vector table at boot_addr was loaded: its first TA_BOOT_VT_BYTES lie in
 * one range LOAD wrote. -RPT_ENOBOOT ("no vector table at ...") otherwise.
 */
int ta_check_boot_loaded(const struct ta_rproc_ctx *ctx, uint32_t boot_addr, struct rpt_error *err);

/*
 * At START, before the isolation rule: the core can start (a loaded vector
 * table at the boot address), else -RPT_ENOBOOT in plain words.
 */
int ta_check_bootable(struct ta_rproc_ctx *ctx);

/*
 * At START, after the isolation rule: the reset vector lies in an executable
 * segment of the firmware, else -RPT_ENOBOOT.
 */
int ta_check_reset_vector(struct ta_rproc_ctx *ctx);

/*
 * At START, before the core leaves reset: refuse (-EACCES, reason in
 * ctx->last_error) firmware whose vector table, reset handler, initial stack
 * or any executable segment lies in memory the normal world can write; on a
 * board that declares legacy-layout, log a warning for each instead.
 */
int ta_check_isolation(struct rproc_ta *ta, struct ta_rproc_ctx *ctx);

#endif
