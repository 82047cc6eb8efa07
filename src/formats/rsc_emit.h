/* SPDX-License-Identifier: BSD-2-Clause */
/* Describe a validated resource table through the emitter (text or JSON). */
#ifndef RPT_FORMATS_RSC_EMIT_H
#define RPT_FORMATS_RSC_EMIT_H

#include <stddef.h>

#include "common/emit.h"

/* An "entries" array: one object per entry with its decoded fields. */
void rsc_table_emit(struct emit *e, void *table, size_t len);

#endif
