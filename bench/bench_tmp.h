/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The benchmarks' scratch files (boards, images, rproc-teed's socket and log)
 * live in one private directory per run, made with mkdtemp (mode 0700,
 * unpredictable name) and removed at exit: never a fixed name in /tmp that
 * another local user could create first or point a symlink through.
 */
#ifndef RPT_BENCH_TMP_H
#define RPT_BENCH_TMP_H

#include <stddef.h>

/* The directory (created on first use), or NULL with a message on stderr. */
const char *bench_tmpdir(void);

/* buf = "<bench_tmpdir()>/name"; -1 (message on stderr) if there is none or it does not fit. */
int bench_tmp_path(char *buf, size_t len, const char *name);

#endif
