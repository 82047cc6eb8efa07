// SPDX-License-Identifier: BSD-2-Clause
/*
 * What every backend of the board shares (vboard_internal.h): the log sink,
 * the shutdown acknowledgement, crash reports to the remoteproc, and the
 * configuration of a TEE processor's driver.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "normal/drivers/stm32_ipcc.h"
#include "normal/rpmsg/virtio_rpmsg.h"
#include "vboard/vboard_internal.h"

/* A secure world's lines keep their level on the way to the remoteproc log. */

/* ---- the log ---- */

void vboard_log_line(void *priv, enum rpt_log_level level, const char *line)
{
	struct vboard *vb = priv;

	if (vb->opts.log)
		vb->opts.log(vb->opts.log_priv, level, line);
	else if (level <= RPT_LOG_WARN)
		fprintf(stderr, "%s\n", line);
}

void vb_log(struct vboard *vb, enum rpt_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	vboard_log_line(vb, level, line);
}

void vboard_log_secure(void *vb, enum rpt_log_level level, const char *line)
{
	vboard_log_line(vb, (enum rpt_log_level)level, line);
}

/* ---- processors ---- */

struct vboard_proc *vboard_proc_of_id(struct vboard *vb, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < vb->num_procs; i++)
		if (vb->procs[i].desc->id == id)
			return &vb->procs[i];
	return NULL;
}

unsigned int vboard_proc_index(const struct vboard_proc *p)
{
	return (unsigned int)(p - p->vb->procs);
}

void vboard_tee_config(struct vboard *vb, struct vboard_proc *p, struct tee_rproc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = p->desc->name;
	cfg->tee = vb->tee;
	cfg->rproc_id = p->desc->id;
	cfg->mems = p->desc->mems;
	cfg->num_mems = p->desc->num_mems;
	cfg->loader = vb->fw_loader;
	cfg->boot = &p->desc->boot;
	cfg->log = vboard_log_line;
	cfg->log_priv = vb;
}

int vboard_proc_made(const struct vboard_proc *p, const struct rpt_error *err)
{
	if (p->rproc)
		return 0;
	return err && err->code ? err->code : -ENOMEM;
}

int vboard_check_remote_board(struct vboard *vb, struct rpt_error *err)
{
	unsigned int i;

	if (vb->opts.num_trust)
		return rpt_error_set(err, EINVAL,
				     "extra trusted keys are for the in-process secure world: "
				     "a secure world in another place holds its own keys");
	for (i = 0; i < vb->board.num_rprocs; i++)
		if (!vb->board.rprocs[i].tee)
			return rpt_error_set(err, EINVAL,
					     "%s (%s) is loaded by the normal world: only an "
					     "in-process board can run it",
					     vb->board.rprocs[i].name,
					     vb->board.rprocs[i].compatible);
	return 0;
}

/* ---- mailbox acknowledgements and crashes ---- */

void vboard_deadline(struct timespec *until, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

void vboard_cond_init(pthread_cond_t *cond)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(cond, &attr);
	pthread_condattr_destroy(&attr);
}

/* ---- the mailbox: processor 1's stm32_ipcc driver, whichever backend it runs over ---- */

static int mbox_request_shutdown(void *priv)
{
	return stm32_ipcc_request_shutdown(vboard_proc_ipcc(priv));
}

/* The driver keeps the acknowledgement (and a crash ends the wait: vboard_proc_crashed). */
static int mbox_wait_shutdown_ack(void *priv, unsigned int timeout_ms)
{
	return stm32_ipcc_wait_shutdown_ack(vboard_proc_ipcc(priv), timeout_ms);
}

static int mbox_kick(void *priv, unsigned int vqid)
{
	return stm32_ipcc_kick(vboard_proc_ipcc(priv), vqid);
}

/* The "detach" channel (ST: the 4th IPCC channel, <&ipcc 3>), when the board wires one. */
static int mbox_request_detach(void *priv)
{
	struct vboard_proc *p = priv;

	if (p->desc->mbox.detach == BOARD_MBOX_NONE)
		return 0;
	return stm32_ipcc_request_detach(vboard_proc_ipcc(p));
}

const struct rproc_mbox_ops vboard_mbox_ops = {
	.request_shutdown = mbox_request_shutdown,
	.wait_shutdown_ack = mbox_wait_shutdown_ack,
	.kick = mbox_kick,
	.request_detach = mbox_request_detach,
};

void vboard_proc_kicked(struct vboard_proc *p, uint32_t vq)
{
	__atomic_add_fetch(&p->kicks, 1, __ATOMIC_RELAXED);
	/* lock guards kick_rproc against teardown; the bus only wakes its thread. */
	pthread_mutex_lock(&p->lock);
	if (p->kick_rproc && vq <= (uint32_t)INT32_MAX)
		rproc_vq_interrupt(p->kick_rproc, (int)vq);
	pthread_mutex_unlock(&p->lock);
}

/* ---- the rpmsg bus of vdev 0 ---- */

static int rpmsg_add(void *priv, struct rproc *rproc, struct rpt_error *err)
{
	struct vboard_proc *p = priv;
	struct virtio_rpmsg *rp;

	rp = virtio_rpmsg_create(rproc, 0, err);
	if (!rp)
		return err && err->code ? err->code : -ENOMEM;
	/* Kicks reach the bus from now on: a firmware started at rproc_add() kicks early. */
	pthread_mutex_lock(&p->lock);
	p->rpmsg = rp;
	p->kick_rproc = rproc;
	pthread_mutex_unlock(&p->lock);
	return 0;
}

static void rpmsg_remove(void *priv, struct rproc *rproc)
{
	struct vboard_proc *p = priv;
	struct virtio_rpmsg *rp;

	(void)rproc;
	pthread_mutex_lock(&p->lock);
	rp = p->rpmsg;
	p->rpmsg = NULL;
	p->kick_rproc = NULL;
	pthread_mutex_unlock(&p->lock);
	virtio_rpmsg_destroy(rp);
}

struct rproc_subdev_hooks vboard_rpmsg_hooks(struct vboard_proc *p)
{
	return (struct rproc_subdev_hooks){.add = rpmsg_add, .remove = rpmsg_remove, .priv = p};
}

void vboard_proc_crashed(struct vboard_proc *p, enum rproc_crash_type type, const char *why)
{
	/* lock also guards p->rproc against teardown; reporting only queues work. */
	pthread_mutex_lock(&p->lock);
	if (p->rproc) {
		/* A core that crashed will never acknowledge a shutdown request. */
		stm32_ipcc_cancel_shutdown_wait(vboard_proc_ipcc(p));
		rproc_log(p->rproc, RPT_LOG_ERR, "coprocessor crashed (%s): %s",
			  rproc_crash_to_string((enum rproc_crash_type)type), why);
		rproc_report_crash(p->rproc, (enum rproc_crash_type)type);
	}
	pthread_mutex_unlock(&p->lock);
}
