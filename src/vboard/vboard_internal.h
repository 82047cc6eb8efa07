/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the board assembly; not part of its API. vboard.c builds the board
 * and picks one backend from vboard_opts.tee; each backend is one file
 * (vboard_inproc.c, vboard_socket.c, vboard_tee_dev.c) behind struct
 * vboard_backend; what they all share (log sink, shutdown acknowledgement,
 * crash reports, driver configuration) is vboard_common.c.
 */
#ifndef RPT_VBOARD_INTERNAL_H
#define RPT_VBOARD_INTERNAL_H

#include <pthread.h>
#include <time.h>

#include "board/board.h"
#include "common/log.h"
#include "normal/drivers/tee_rproc.h"
#include "vboard/vboard.h"

/*
 * Where the secure world is, as operations. Called in this order: up, then
 * proc_create for every processor, then start; down once every remoteproc is
 * gone (also after a failure anywhere, with whatever was built).
 */
struct vboard_backend {
	const char *name; /* "inproc", "socket", "dev" */
	/* Check the board, reach or build the secure world; set vb->be, vb->tee, vb->where. */
	int (*up)(struct vboard *vb, struct rpt_error *err);
	/* Create p->rproc with its driver, shared-memory mapper and mailbox. */
	int (*proc_create)(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err);
	/* Optional: every processor exists; start following the hardware's events. */
	int (*start)(struct vboard *vb, struct rpt_error *err);
	/* Optional (NULL: -EOPNOTSUPP): crash p's core as a fault of `type` would. */
	int (*inject_crash)(struct vboard_proc *p, enum rproc_crash_type type);
	/* Optional: p's emulated core when it runs in this process. */
	struct coproc *(*core)(const struct vboard_proc *p);
	/* Optional: processor 1's driver of p's IPCC (it runs in this process). */
	struct stm32_ipcc *(*ipcc)(const struct vboard_proc *p);
	/* Optional: vboard_test_secure_view(). */
	const uint8_t *(*secure_view)(struct vboard_proc *p, const struct board_memory *m);
	/* Tear down what up and proc_create built (the remoteprocs are gone); free vb->be. */
	void (*down)(struct vboard *vb);
};

extern const struct vboard_backend vboard_inproc_backend;
extern const struct vboard_backend vboard_socket_backend;
extern const struct vboard_backend vboard_tee_dev_backend;

/* One coprocessor of the board and everything that drives it. */
struct vboard_proc {
	struct vboard *vb;		/* back pointer */
	const struct board_rproc *desc; /* its board description */
	struct rproc *rproc;		/* the remoteproc (lock guards it against teardown) */
	pthread_mutex_t lock;		/* protects rproc and kick_rproc */
	unsigned long kicks;		/* doorbells the firmware rang (atomic) */
	/* the rpmsg bus of vdev 0 (created before rproc_add, destroyed after rproc_del) */
	struct virtio_rpmsg *rpmsg;
	/* where the firmware's kicks go: set with rpmsg, before p->rproc is (lock) */
	struct rproc *kick_rproc;
};

struct vboard {
	struct board board;		      /* the description (read once) */
	struct vboard_opts opts;	      /* as given */
	struct rproc_fw_dir fw_dir;	      /* where firmware names resolve */
	struct rproc_fw_loader fw_loader;     /* reads them (for every processor) */
	const struct vboard_backend *backend; /* chosen once, from opts.tee */
	void *be;			      /* the backend's own state, NULL before up */
	struct tee_context *tee;	      /* the TEE the drivers use (the backend's), or NULL */
	char where[160];		      /* vboard_where() */
	struct vboard_proc procs[BOARD_MAX_RPROCS]; /* one per coprocessor of the board */
	unsigned int num_procs;			    /* procs set up (their lock exists) */
};

/* ---- shared by every backend (vboard_common.c) ---- */

/* The one log sink: the caller's callback, else stderr for errors and warnings. */
void vboard_log_line(void *vb, enum rpt_log_level level, const char *line);
/* Format a message into vboard_log_line(). */
void vb_log(struct vboard *vb, enum rpt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The same sink for a secure world (its levels are numbered like remoteproc's). */
void vboard_log_secure(void *vb, enum rpt_log_level level, const char *line);

/* The processor with this rproc id, or NULL. */
struct vboard_proc *vboard_proc_of_id(struct vboard *vb, uint32_t id);
/* Its index in vb->procs (the backends keep their per-processor state at the same index). */
unsigned int vboard_proc_index(const struct vboard_proc *p);

/*
 * What every TEE processor's driver gets whatever the secure world: name,
 * id, memories, TEE, firmware loader, log. The caller adds the mapper and
 * the mailbox.
 */
void vboard_tee_config(struct vboard *vb, struct vboard_proc *p, struct tee_rproc_config *cfg);
/* After a driver's create: 0 if p->rproc exists, else the error it recorded. */
int vboard_proc_made(const struct vboard_proc *p, const struct rpt_error *err);

/* Only what a secure world elsewhere can drive: every processor a TEE one, no local keys. */
int vboard_check_remote_board(struct vboard *vb, struct rpt_error *err);

/*
 * A TEE processor's mailbox (priv: its struct vboard_proc): the stm32_ipcc
 * driver of vboard_proc_ipcc(), over whichever backend reaches the IPCC.
 */
extern const struct rproc_mbox_ops vboard_mbox_ops;
/* The firmware rang the doorbell of vring vq (IPCC channel index = notify id): to the bus. */
void vboard_proc_kicked(struct vboard_proc *p, uint32_t vq);
/*
 * The rpmsg bus of a processor's vdev 0, hung on its rproc by the driver
 * (in-process and rproc-teed backends: both map the vdev memories here).
 */
struct rproc_subdev_hooks vboard_rpmsg_hooks(struct vboard_proc *p);
/* The core stopped on its own: log and report it to the remoteproc (any thread). */
void vboard_proc_crashed(struct vboard_proc *p, enum rproc_crash_type type, const char *why);

/* A CLOCK_MONOTONIC deadline ms milliseconds from now (the conditions use that clock). */
void vboard_deadline(struct timespec *until, unsigned int ms);
/* A condition variable whose timed waits take vboard_deadline()s. */
void vboard_cond_init(pthread_cond_t *cond);

#endif
