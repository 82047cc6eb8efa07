/* SPDX-License-Identifier: BSD-2-Clause */
/* rprocd: the daemon that owns a virtual board and answers rprocctl. */
#ifndef RPT_TOOLS_RPROCD_H
#define RPT_TOOLS_RPROCD_H

#include <stdbool.h>
#include <stddef.h>

#include "normal/core/remoteproc.h"
#include "normal/ctl/ctl_proto.h"

#define RPROCD_MAX_PROCS 8

struct rpif;

/* One remote processor the daemon serves. */
struct rprocd_proc {
	struct rproc *rproc; /* the remoteproc (owned by the board assembly) */
	/* Make the coprocessor crash for real (debugfs "crash"); NULL: report only. */
	int (*inject_crash)(void *priv, enum rproc_crash_type type);
	void *priv; /* passed to inject_crash and console_read */
	/*
	 * What the firmware printed on its console UART, NUL-terminated: the
	 * length, or a negative errno (-EOPNOTSUPP: not visible from here).
	 */
	long (*console_read)(void *priv, char *buf, size_t size);
};

struct rprocd {
	struct rprocd_proc procs[RPROCD_MAX_PROCS]; /* in remoteproc<N> order */
	unsigned int num_procs;
	struct rpif *rpmsg; /* the rpmsg channels' ttys and sockets (NULL: none) */
};

/*
 * Execute one rprocctl request. The reply (text, or the coredump's bytes) is
 * malloc'ed into *out; the return value is the status rprocctl exits with.
 * Never fails for bad input: that is a CTL_USAGE or CTL_FAIL reply.
 */
enum ctl_status rprocd_handle(struct rprocd *d, const struct ctl_request *req, char **out,
			      size_t *out_len);

#endif
