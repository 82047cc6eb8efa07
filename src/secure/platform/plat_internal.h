/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the files of the platform layer; not part of its API. */
#ifndef RPT_SECURE_PLAT_INTERNAL_H
#define RPT_SECURE_PLAT_INTERNAL_H

#include "secure/platform/platform.h"

/* Read this rproc's counter from its rollback state file (missing = none). */
int plat_rollback_load(struct plat_rproc *rp, struct rpt_error *err);

#endif
