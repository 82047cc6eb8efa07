/* SPDX-License-Identifier: BSD-2-Clause */
/* `--version` of every program of the project: one line, the same shape everywhere. */
#ifndef RPT_TOOLS_VERSION_H
#define RPT_TOOLS_VERSION_H

#include <stdio.h>

#ifndef RPT_VERSION
#error "RPT_VERSION comes from CMake (tools/CMakeLists.txt, rpt_tool)"
#endif

/* Print "PROG (remoteproc-tee) X.Y.Z" on stdout; the caller exits 0. */
static inline void rpt_print_version(const char *prog)
{
	printf("%s (remoteproc-tee) %s\n", prog, RPT_VERSION);
}

#endif
