/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared between the files of the board assembly; not part of its API. */
#ifndef RPT_VBOARD_INTERNAL_H
#define RPT_VBOARD_INTERNAL_H

#include <time.h>

#include "normal/drivers/tee_rproc.h"
#include "vboard/vboard.h"

/* A message to the board's log (or stderr). */
void vb_log(struct vboard *vb, enum rproc_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * What every TEE processor's driver gets whatever the secure world: name,
 * id, memories, firmware loader, log. The caller adds the TEE, the mapper and
 * the mailbox.
 */
void vboard_tee_config(struct vboard *vb, struct vboard_proc *p, struct tee_rproc_config *cfg);

/* Mailbox: wait (bounded) for the acknowledgement of the pending shutdown request. */
int vboard_wait_shutdown_ack(void *priv, unsigned int timeout_ms);
/* Forget any earlier acknowledgement before a new request. */
void vboard_expect_shutdown_ack(struct vboard_proc *p);
/* The firmware acknowledged the shutdown request. */
void vboard_shutdown_acked(struct vboard_proc *p);
/* The core stopped on its own: log and report it to the remoteproc (any thread). */
void vboard_proc_crashed(struct vboard_proc *p, int type, const char *why);

/* ---- the secure world elsewhere (vboard_remote.c): SOCKET and DEV ---- */

/* Connect to the secure world named by the options (and start the event thread). */
int vboard_remote_up(struct vboard *vb, struct rpt_error *err);
/* Once every processor exists: start following the hardware's events (SOCKET). */
int vboard_remote_start(struct vboard *vb, struct rpt_error *err);
/* The remoteproc of one processor, driven through the remote TEE. */
int vboard_remote_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err);
/* After every remoteproc is gone: stop the event thread, unmap, disconnect. */
void vboard_remote_down(struct vboard *vb);
/* vboard_inject_crash() for a remote secure world. */
int vboard_remote_inject_crash(struct vboard_proc *p, enum rproc_crash_type type);

/* A CLOCK_MONOTONIC deadline ms milliseconds from now (the conditions use that clock). */
void vboard_deadline(struct timespec *until, unsigned int ms);

#endif
