/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared bits of the rproc-sign subcommands. */
#ifndef RPT_TOOLS_CLI_H
#define RPT_TOOLS_CLI_H

#include "common/error.h"

/* Exit codes of every tool of the project. */
#define EXIT_OK	   0
#define EXIT_FAIL  1 /* the operation failed (verification, I/O) */
#define EXIT_USAGE 2 /* the command line is wrong */

/* "rproc-sign: <msg>" on stderr; returns code for `return cli_fail(...)`. */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A failure carried in an rpt_error: "rproc-sign: <what>: <reason>". */
int cli_fail_err(int code, const char *what, const struct rpt_error *err);

int cmd_sign(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_keygen(int argc, char **argv);
int cmd_getpub(int argc, char **argv);

#endif
