// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board's backend with the secure world in rproc-teed (vboard.h,
 * VBOARD_TEE_SOCKET). rproc-teed holds the TA, the secure memories and the
 * emulated cores. The drivers' TEE is a thin guard over the socket
 * transport; the shared memories are rproc-teed's memfds; the mailbox is our
 * own stm32_ipcc driver, whose register accesses go through the daemon's
 * hardware channel (IPCC_READ, IPCC_WRITE) and whose interrupt lines come
 * back as IPCC_IRQ events on a thread of ours. That thread may run the
 * driver's handler, which makes requests: they go out on the context's
 * request connections, never on the event channel, so an event never waits
 * behind a reply that waits behind it.
 *
 * The guard exists for one case the transport cannot judge: rproc-teed died.
 * Its cores died with it, so a STOP_FW or RELEASE_FW that can no longer reach
 * it has nothing left to do: the guard reports them done (saying so in the
 * log) instead of leaving the processor "crashed" forever, which is what lets
 * a processor end offline, never "running" on a dead TEE. Both commands are
 * idempotent in the TA (STOP when off and RELEASE when off succeed), so when
 * a daemon answers again the guard simply repeats them there.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "normal/drivers/stm32_ipcc.h"
#include "normal/tee_client/tee_hwchan.h"
#include "normal/tee_client/tee_socket.h"
#include "vboard/vboard_internal.h"

/* How often the event thread tries to reach a daemon that went away. */
#define EV_RETRY_MS 50
/* How long a start waits for the hardware channel to come back after a reconnect. */
#define EV_WAIT_MS 2000

/* One processor, as this backend drives it. */
struct sock_proc {
	struct tee_shm_set shm;	 /* the shared memories, from rproc-teed's memfds */
	bool ta_started;	 /* START_FW succeeded and no STOP/RELEASE since (atomic) */
	struct stm32_ipcc *ipcc; /* processor 1's driver of its IPCC, NULL if the board has none */
};

struct sock_board {
	struct vboard *vb;			  /* back pointer */
	char path[108];				  /* rproc-teed's socket */
	uid_t uid;				  /* who rproc-teed must run as (or root) */
	struct tee_context sock;		  /* the connection to it (tee guards it) */
	bool sock_up;				  /* sock is open */
	struct tee_context tee;			  /* the guard: the TEE the drivers use */
	struct tee_event_channel *events;	  /* its hardware events (the event thread's) */
	uint32_t ev_ids[BOARD_MAX_RPROCS];	  /* the rproc ids subscribed to */
	unsigned int num_ev_ids;		  /* entries in ev_ids */
	pthread_t ev_thread;			  /* reads events, reconnects the channel */
	bool ev_thread_up;			  /* ev_thread runs */
	int ev_stop[2];				  /* written to stop the event thread */
	pthread_mutex_t ev_lock;		  /* guards ev_connected */
	pthread_cond_t ev_cond;			  /* signalled when the channel is back */
	bool ev_connected;			  /* subscribed: a crash would reach us */
	bool ev_sync_up;			  /* ev_lock and ev_cond exist */
	struct sock_proc procs[BOARD_MAX_RPROCS]; /* same index as vb->procs */
};

static struct sock_board *sb_of(const struct vboard_proc *p)
{
	return p->vb->be;
}

static struct sock_proc *sp_of(const struct vboard_proc *p)
{
	return &sb_of(p)->procs[vboard_proc_index(p)];
}

/* ---- the guard over the socket transport ---- */

/* A session through the guard. */
struct guard_session {
	struct tee_session inner; /* the session on rproc-teed */
	struct vboard_proc *p;	  /* the processor it was opened for, or NULL */
};

/* What the daemon runs, as far as our calls tell: a hang-up crashes only what ran. */
static void track(struct vboard_proc *p, uint32_t cmd, TEE_Result res)
{
	if (!p || res != TEE_SUCCESS)
		return;
	if (cmd == TA_RPROC_CMD_START_FW) {
		__atomic_store_n(&sp_of(p)->ta_started, true, __ATOMIC_RELAXED);
		/* The start reset the block: processor 1 sets it up again (lines were low). */
		stm32_ipcc_setup(sp_of(p)->ipcc);
	} else if (cmd == TA_RPROC_CMD_STOP_FW || cmd == TA_RPROC_CMD_RELEASE_FW)
		__atomic_store_n(&sp_of(p)->ta_started, false, __ATOMIC_RELAXED);
}

/*
 * STOP_FW or RELEASE_FW could not reach the daemon. If one answers now, say
 * it again there; if none listens any more, its cores are gone: done.
 */
static TEE_Result stop_on_lost(struct sock_board *sb, struct guard_session *gs, uint32_t cmd,
			       struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			       char *reason)
{
	struct rpt_error err = {0};
	int ret;

	ret = tee_socket_reconnect(&sb->sock, &err);
	if (!ret) {
		reason[0] = '\0';
		return tee_invoke_reason(&gs->inner, cmd, params, origin, reason);
	}
	if (ret != -ENOENT && ret != -ECONNREFUSED) {
		vb_log(sb->vb, RPT_LOG_ERR, "remoteproc TA %s: %s", ta_rproc_cmd_name(cmd),
		       rpt_error_msg(&err));
		return TEE_ERROR_COMMUNICATION;
	}
	vb_log(sb->vb, RPT_LOG_WARN,
	       "rproc-teed at %s is gone (%s): the coprocessor it ran went with it, %s is done",
	       sb->path, rpt_error_msg(&err), ta_rproc_cmd_name(cmd));
	if (origin)
		*origin = TEE_ORIGIN_API;
	return TEE_SUCCESS;
}

static TEE_Result guard_open(struct tee_context *ctx, const TEE_UUID *uuid,
			     struct tee_param params[TEE_NUM_PARAMS], void **handle,
			     uint32_t *origin, char *reason)
{
	struct sock_board *sb = ctx->priv;
	struct guard_session *gs;
	TEE_Result res;

	gs = calloc(1, sizeof(*gs));
	if (!gs)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = tee_open_session_reason(&sb->sock, uuid, params, &gs->inner, origin, reason);
	if (res != TEE_SUCCESS) {
		if (res == TEE_ERROR_COMMUNICATION)
			vb_log(sb->vb, RPT_LOG_ERR, "remoteproc TA: open session: %s",
			       tee_socket_last_error(&sb->sock));
		free(gs);
		return res;
	}
	if (params[0].type == TEE_PARAM_TYPE_VALUE_INPUT)
		gs->p = vboard_proc_of_id(sb->vb, params[0].u.value.a);
	*handle = gs;
	return TEE_SUCCESS;
}

static void guard_close(struct tee_context *ctx, void *handle)
{
	struct guard_session *gs = handle;

	(void)ctx;
	tee_close_session(&gs->inner);
	free(gs);
}

static void set_connected(struct sock_board *sb, bool up)
{
	pthread_mutex_lock(&sb->ev_lock);
	sb->ev_connected = up;
	pthread_cond_broadcast(&sb->ev_cond);
	pthread_mutex_unlock(&sb->ev_lock);
}

/* True once the hardware channel is subscribed (waits at most ms for the event thread). */
static bool wait_connected(struct sock_board *sb, unsigned int ms)
{
	struct timespec until;
	bool up;

	vboard_deadline(&until, ms);
	pthread_mutex_lock(&sb->ev_lock);
	while (!sb->ev_connected)
		if (pthread_cond_timedwait(&sb->ev_cond, &sb->ev_lock, &until))
			break;
	up = sb->ev_connected;
	pthread_mutex_unlock(&sb->ev_lock);
	return up;
}

static TEE_Result guard_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			       struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			       char *reason)
{
	struct sock_board *sb = ctx->priv;
	struct guard_session *gs = handle;
	TEE_Result res;

	/* A core whose crash could not reach us must not run: wait for the channel first. */
	if (cmd == TA_RPROC_CMD_START_FW && !wait_connected(sb, EV_WAIT_MS)) {
		vb_log(sb->vb, RPT_LOG_ERR,
		       "remoteproc TA START_FW: the hardware channel of rproc-teed at %s is down: "
		       "a crash could not be reported, not starting",
		       sb->path);
		if (origin)
			*origin = TEE_ORIGIN_COMMS;
		snprintf(reason, TEE_REASON_MAX,
			 "the hardware channel of rproc-teed at %s is down: a crash could not be "
			 "reported, not starting",
			 sb->path);
		return TEE_ERROR_COMMUNICATION;
	}
	res = tee_invoke_reason(&gs->inner, cmd, params, origin, reason);
	if (res == TEE_ERROR_COMMUNICATION) {
		vb_log(sb->vb, RPT_LOG_ERR, "remoteproc TA %s: %s", ta_rproc_cmd_name(cmd),
		       tee_socket_last_error(&sb->sock));
		if (cmd == TA_RPROC_CMD_STOP_FW || cmd == TA_RPROC_CMD_RELEASE_FW)
			res = stop_on_lost(sb, gs, cmd, params, origin, reason);
	}
	track(gs->p, cmd, res);
	return res;
}

/* Shared memory is the socket's own (registered with the daemon: LOAD_FW without a copy). */
static TEE_Result guard_shm_alloc(struct tee_context *ctx, struct tee_shm *shm)
{
	struct sock_board *sb = ctx->priv;
	struct tee_shm *inner;
	TEE_Result res;

	inner = malloc(sizeof(*inner));
	if (!inner)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = tee_shm_alloc(&sb->sock, shm->size, inner);
	if (res != TEE_SUCCESS) {
		free(inner);
		return res;
	}
	shm->buffer = inner->buffer;
	shm->priv = inner;
	return TEE_SUCCESS;
}

static void guard_shm_free(struct tee_context *ctx, struct tee_shm *shm)
{
	(void)ctx;
	tee_shm_free(shm->priv);
	free(shm->priv);
}

static const struct tee_transport guard_transport = {
	.name = "rproc-teed socket (guarded)",
	.reason_where = "rproc-teed's log",
	.open_session = guard_open,
	.close_session = guard_close,
	.invoke = guard_invoke,
	.shm_alloc = guard_shm_alloc,
	.shm_free = guard_shm_free,
};

/* ---- the mailbox through the hardware channel ---- */

/* Processor 1's register accesses, forwarded to the daemon's IPCC model. */
static int ipcc_read32(void *priv, uint32_t offset, uint32_t *value)
{
	struct vboard_proc *p = priv;
	struct rpt_error err = {0};
	int ret;

	ret = tee_hwchan_ipcc_read(&sb_of(p)->sock, p->desc->id, offset, value, &err);
	/* No IPCC (or no core) behind the daemon: the probe's answer, not an error. */
	if (ret == -EOPNOTSUPP)
		return -ENODEV;
	if (ret)
		vb_log(p->vb, RPT_LOG_ERR, "%s: IPCC read: %s", p->desc->name, rpt_error_msg(&err));
	return ret;
}

static int ipcc_write32(void *priv, uint32_t offset, uint32_t value)
{
	struct vboard_proc *p = priv;
	struct rpt_error err = {0};
	int ret;

	ret = tee_hwchan_ipcc_write(&sb_of(p)->sock, p->desc->id, offset, value, &err);
	if (ret)
		vb_log(p->vb, RPT_LOG_ERR, "%s: IPCC write: %s", p->desc->name,
		       rpt_error_msg(&err));
	return ret;
}

/*
 * No running(): whether the core runs is the daemon's to know (a core the
 * boot loader started runs without a START_FW of ours). A request to a
 * stopped core sets its channel, as on the SoC; a crash ends the wait for
 * an acknowledgement (stm32_ipcc_wait_shutdown_ack).
 */
static const struct stm32_ipcc_hw_ops ipcc_hw_ops = {
	.read32 = ipcc_read32,
	.write32 = ipcc_write32,
};

static void ipcc_kicked(void *priv, uint32_t vq)
{
	vboard_proc_kicked(priv, vq);
}

static const struct stm32_ipcc_events ipcc_events = {
	.kick = ipcc_kicked,
};

static struct stm32_ipcc *socket_ipcc(const struct vboard_proc *p)
{
	return sp_of(p)->ipcc;
}

static int socket_inject_crash(struct vboard_proc *p, enum rproc_crash_type type)
{
	struct rpt_error err = {0};
	int ret;

	ret = tee_hwchan_inject_crash(&sb_of(p)->sock, p->desc->id, (uint32_t)type, &err);
	if (ret)
		vb_log(p->vb, RPT_LOG_ERR, "%s: crash injection: %s", p->desc->name,
		       rpt_error_msg(&err));
	return ret;
}

/* ---- events ---- */

static void dispatch(struct sock_board *sb, const struct tee_wire_event *ev)
{
	struct vboard_proc *p = vboard_proc_of_id(sb->vb, ev->rproc_id);

	if (!p)
		return; /* an rproc we did not subscribe to: nothing of ours */
	switch (ev->kind) {
	case TEE_WIRE_EVENT_CRASH:
		vboard_proc_crashed(p, (int)ev->arg, ev->why);
		break;
	case TEE_WIRE_EVENT_IPCC_IRQ:
		/* Processor 1's interrupt: our driver's handler, here (its requests are not events). */
		stm32_ipcc_irq(sp_of(p)->ipcc, ev->arg & TEE_WIRE_IPCC_IRQ_RX,
			       ev->arg & TEE_WIRE_IPCC_IRQ_TX);
		break;
	}
}

/*
 * The channel hung up: whatever the daemon was running can no longer tell us
 * it crashed. Treat it as crashed (fatal error), as a lost interrupt line
 * would be: recovery then stops it and loads again, or ends offline.
 */
static void channel_lost(struct sock_board *sb, const struct rpt_error *why)
{
	struct vboard *vb = sb->vb;
	unsigned int i;

	vb_log(vb, RPT_LOG_ERR, "lost the hardware channel of rproc-teed: %s", rpt_error_msg(why));
	set_connected(sb, false);
	tee_event_close(sb->events);
	sb->events = NULL;
	for (i = 0; i < vb->num_procs; i++)
		if (__atomic_load_n(&sb->procs[i].ta_started, __ATOMIC_RELAXED))
			vboard_proc_crashed(&vb->procs[i], RPROC_FATAL_ERROR,
					    "rproc-teed hung up: the coprocessor is gone with it");
}

static void drain_events(struct sock_board *sb)
{
	struct rpt_error err = {0};
	struct tee_wire_event ev;
	int ret;

	while (!(ret = tee_event_next(sb->events, &ev, &err)))
		dispatch(sb, &ev);
	if (ret != -EAGAIN)
		channel_lost(sb, &err);
}

/* Wait for events (ms < 0: forever) or a stop. True when asked to stop. */
static bool wait_events(struct sock_board *sb, int ms)
{
	struct pollfd pfd[2] = {{.fd = sb->ev_stop[0], .events = POLLIN}, {.fd = -1}};

	if (sb->events)
		pfd[1] = (struct pollfd){.fd = tee_event_fd(sb->events), .events = POLLIN};
	if (poll(pfd, 2, ms) < 0 && errno != EINTR)
		return true;
	return pfd[0].revents != 0;
}

static void *event_thread(void *arg)
{
	struct sock_board *sb = arg;
	struct rpt_error err;

	for (;;) {
		if (!sb->events) {
			rpt_error_clear(&err);
			if (tee_event_open_as(&sb->events, sb->path, sb->uid, sb->ev_ids,
					      sb->num_ev_ids, &err)) {
				sb->events = NULL;
				if (wait_events(sb, EV_RETRY_MS))
					break;
				continue;
			}
			set_connected(sb, true);
			vb_log(sb->vb, RPT_LOG_INFO, "hardware channel of rproc-teed at %s is back",
			       sb->path);
		}
		if (wait_events(sb, -1))
			break;
		drain_events(sb);
	}
	return NULL;
}

/* Subscribe to every processor's events now (what happens before the thread runs waits in the socket). */
static int open_events(struct sock_board *sb, struct rpt_error *err)
{
	struct vboard *vb = sb->vb;
	unsigned int i;
	int ret;

	/* wait_connected's deadlines are CLOCK_MONOTONIC: so must the condition's clock be. */
	pthread_mutex_init(&sb->ev_lock, NULL);
	vboard_cond_init(&sb->ev_cond);
	sb->ev_sync_up = true;
	for (i = 0; i < vb->board.num_rprocs; i++)
		sb->ev_ids[sb->num_ev_ids++] = vb->board.rprocs[i].id;
	if (pipe2(sb->ev_stop, O_CLOEXEC | O_NONBLOCK) < 0)
		return rpt_error_set(err, errno, "pipe: %s", strerror(errno));
	ret = tee_event_open_as(&sb->events, sb->path, sb->uid, sb->ev_ids, sb->num_ev_ids, err);
	sb->ev_connected = !ret;
	return ret;
}

static void stop_events(struct sock_board *sb)
{
	ssize_t n;

	if (sb->ev_thread_up) {
		n = write(sb->ev_stop[1], "x", 1);
		(void)n;
		pthread_join(sb->ev_thread, NULL);
		sb->ev_thread_up = false;
	}
	tee_event_close(sb->events);
	sb->events = NULL;
	if (sb->ev_stop[0] >= 0) {
		close(sb->ev_stop[0]);
		close(sb->ev_stop[1]);
	}
	sb->ev_stop[0] = sb->ev_stop[1] = -1;
	if (sb->ev_sync_up) {
		pthread_cond_destroy(&sb->ev_cond);
		pthread_mutex_destroy(&sb->ev_lock);
	}
	sb->ev_sync_up = false;
}

/* ---- processors ---- */

/*
 * What the daemon shares must be what the board file says is shared, and
 * nothing secure: a daemon serving another board is refused, not guessed at.
 */
static int check_shared(const struct vboard_proc *p, struct rpt_error *err)
{
	const struct tee_shm_set *set = &sp_of(p)->shm;
	unsigned int i, k, shared = 0;

	for (i = 0; i < p->desc->num_mems; i++) {
		const struct board_memory *m = &p->desc->mems[i];
		bool found = false;

		for (k = 0; k < set->num; k++) {
			const struct tee_shm_region *r = &set->regions[k];

			if (strcmp(r->name, m->name))
				continue;
			if (m->secure)
				return rpt_error_set(err, EPERM,
						     "rproc-teed hands out %s, a secure memory",
						     m->name);
			if (r->da != m->da || r->pa != m->pa || r->size != m->size)
				return rpt_error_set(err, RPT_EFORMAT,
						     "rproc-teed's %s is not the board file's "
						     "(da 0x%x pa 0x%llx size 0x%x there)",
						     m->name, r->da, (unsigned long long)r->pa,
						     r->size);
			found = true;
		}
		if (!m->secure && !found)
			return rpt_error_set(err, ENOENT,
					     "rproc-teed does not share %s: another board there?",
					     m->name);
		shared += !m->secure;
	}
	if (set->num != shared)
		return rpt_error_set(err, RPT_EFORMAT,
				     "rproc-teed shares %u memories, the board file %u", set->num,
				     shared);
	return 0;
}

static int socket_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct sock_proc *sp = sp_of(p);
	struct tee_rproc_config cfg;
	struct rpt_error ierr = {0};
	int ret;

	ret = tee_socket_map_shared(&sb_of(p)->sock, p->desc->id, &sp->shm, err);
	if (!ret)
		ret = check_shared(p, err);
	if (ret)
		return ret;
	/* Probe processor 1's driver (its set-up goes to the daemon); no IPCC: no mailbox. */
	sp->ipcc = stm32_ipcc_create(&ipcc_hw_ops, p, p->desc, &ipcc_events, p, &ierr);
	if (!sp->ipcc && ierr.code != -ENODEV)
		return rpt_error_set(err, ierr.code, "%s: IPCC: %s", p->desc->name,
				     rpt_error_msg(&ierr));
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){.map = tee_shm_set_lookup, .priv = &sp->shm};
	cfg.mbox = (struct rproc_mbox){.ops = &vboard_mbox_ops, .priv = p};
	/* The vrings and buffers are rproc-teed's shared memfds, mapped here (check_shared). */
	cfg.subdevs = vboard_rpmsg_hooks(p);
	p->rproc = tee_rproc_create(&cfg, err);
	return vboard_proc_made(p, err);
}

/* ---- the backend ---- */

static int socket_up(struct vboard *vb, struct rpt_error *err)
{
	struct sock_board *sb;
	int ret;

	sb = calloc(1, sizeof(*sb));
	if (!sb)
		return rpt_error_set(err, ENOMEM, "out of memory");
	sb->vb = vb;
	sb->ev_stop[0] = sb->ev_stop[1] = -1;
	vb->be = sb;
	ret = vboard_check_remote_board(vb, err);
	if (!ret)
		ret = tee_wire_choose_path(vb->opts.tee_path, sb->path, sizeof(sb->path), err);
	if (ret)
		return ret;
	/* Who rproc-teed must run as (or root): --tee-uid, else our own uid. */
	sb->uid = vb->opts.tee_uid_set ? vb->opts.tee_uid : RPT_UID_DEFAULT;
	snprintf(vb->where, sizeof(vb->where), "secure world in rproc-teed at %s", sb->path);
	ret = tee_socket_init_as(&sb->sock, sb->path, sb->uid, err);
	if (ret)
		return ret;
	sb->sock_up = true;
	sb->tee = (struct tee_context){.ops = &guard_transport, .priv = sb};
	vb->tee = &sb->tee;
	return open_events(sb, err);
}

/* Only now: the event thread looks processors up, which must all exist by then. */
static int socket_start(struct vboard *vb, struct rpt_error *err)
{
	struct sock_board *sb = vb->be;
	int ret;

	ret = pthread_create(&sb->ev_thread, NULL, event_thread, sb);
	if (ret)
		return rpt_error_set(err, ret, "cannot start the event thread: %s", strerror(ret));
	sb->ev_thread_up = true;
	return 0;
}

static void socket_down(struct vboard *vb)
{
	struct sock_board *sb = vb->be;
	unsigned int i;

	/* The event thread is gone: nothing runs a driver's handler any more. */
	stop_events(sb);
	for (i = 0; i < vb->num_procs; i++) {
		stm32_ipcc_destroy(sb->procs[i].ipcc);
		sb->procs[i].ipcc = NULL;
		tee_socket_unmap_shared(&sb->procs[i].shm);
	}
	if (vb->tee)
		tee_finalize(vb->tee);
	vb->tee = NULL;
	if (sb->sock_up)
		tee_finalize(&sb->sock);
	free(sb);
	vb->be = NULL;
}

const struct vboard_backend vboard_socket_backend = {
	.name = "socket",
	.up = socket_up,
	.proc_create = socket_proc_create,
	.start = socket_start,
	.inject_crash = socket_inject_crash,
	.ipcc = socket_ipcc,
	.down = socket_down,
};
