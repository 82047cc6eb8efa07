/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the TA's command handlers; not part of its interface. */
#ifndef RPT_SECURE_TA_INTERNAL_H
#define RPT_SECURE_TA_INTERNAL_H

#include "secure/ta/rproc_ta.h"

/* LOAD_FW on the bytes of a shared (normal-world) buffer. Returns a negative errno. */
int ta_load_fw(struct rproc_ta *ta, struct ta_rproc_ctx *ctx, const uint8_t *shared, size_t size);

/* One line to the TA's log (the platform's, else stderr). */
void ta_log(struct rproc_ta *ta, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Zero every range the TA wrote for this context and forget them. */
void ta_wipe_written(struct ta_rproc_ctx *ctx);

#endif
