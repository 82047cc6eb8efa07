// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board with its secure world elsewhere (vboard.h, SOCKET and DEV).
 *
 * SOCKET: rproc-teed holds the TA, the secure memories and the emulated
 * cores. The drivers' TEE is a thin guard over the socket transport; the
 * shared memories are rproc-teed's memfds; the mailbox goes through the
 * daemon's hardware channel and its events come back on a thread of ours.
 *
 * The guard exists for one case the transport cannot judge: rproc-teed died.
 * Its cores died with it, so a STOP_FW or RELEASE_FW that can no longer reach
 * it has nothing left to do: the guard reports them done (saying so in the
 * log) instead of leaving the processor "crashed" forever, which is what lets
 * a processor end offline, never "running" on a dead TEE. Both commands are
 * idempotent in the TA (STOP when off and RELEASE when off succeed), so when
 * a daemon answers again the guard simply repeats them there.
 *
 * DEV: the Linux TEE device, no emulator and no mailbox (the kernel owns the
 * IPCC on a real board); shared memories through /dev/mem if allowed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/safe_math.h"
#include "normal/tee_client/tee_dev.h"
#include "normal/tee_client/tee_hwchan.h"
#include "vboard/vboard_internal.h"

/* How often the event thread tries to reach a daemon that went away. */
#define EV_RETRY_MS 50
/* How long a start waits for the hardware channel to come back after a reconnect. */
#define EV_WAIT_MS 2000

static struct vboard_proc *proc_of_id(struct vboard *vb, uint32_t id)
{
	unsigned int i;

	for (i = 0; i < vb->num_procs; i++)
		if (vb->procs[i].desc && vb->procs[i].desc->id == id)
			return &vb->procs[i];
	return NULL;
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
	if (cmd == TA_RPROC_CMD_START_FW)
		__atomic_store_n(&p->ta_started, true, __ATOMIC_RELAXED);
	else if (cmd == TA_RPROC_CMD_STOP_FW || cmd == TA_RPROC_CMD_RELEASE_FW)
		__atomic_store_n(&p->ta_started, false, __ATOMIC_RELAXED);
}

static void log_lost(struct vboard *vb, uint32_t cmd)
{
	vb_log(vb, RPROC_LOG_ERR, "remoteproc TA %s: %s", ta_rproc_cmd_name(cmd),
	       tee_socket_last_error(&vb->sock));
}

/*
 * STOP_FW or RELEASE_FW could not reach the daemon. If one answers now, say
 * it again there; if none listens any more, its cores are gone: done.
 */
static TEE_Result stop_on_lost(struct vboard *vb, struct guard_session *gs, uint32_t cmd,
			       struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	struct rpt_error err = {0};
	int ret;

	ret = tee_socket_reconnect(&vb->sock, &err);
	if (!ret)
		return tee_invoke(&gs->inner, cmd, params, origin);
	if (ret != -ENOENT && ret != -ECONNREFUSED) {
		vb_log(vb, RPROC_LOG_ERR, "remoteproc TA %s: %s", ta_rproc_cmd_name(cmd),
		       rpt_error_msg(&err));
		return TEE_ERROR_COMMUNICATION;
	}
	vb_log(vb, RPROC_LOG_WARN,
	       "rproc-teed at %s is gone (%s): the coprocessor it ran went with it, %s is done",
	       vb->teed_path, rpt_error_msg(&err), ta_rproc_cmd_name(cmd));
	if (origin)
		*origin = TEE_ORIGIN_API;
	return TEE_SUCCESS;
}

static TEE_Result guard_open(struct tee_context *ctx, const TEE_UUID *uuid,
			     struct tee_param params[TEE_NUM_PARAMS], void **handle,
			     uint32_t *origin)
{
	struct vboard *vb = ctx->priv;
	struct guard_session *gs;
	TEE_Result res;

	gs = calloc(1, sizeof(*gs));
	if (!gs)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = tee_open_session(&vb->sock, uuid, params, &gs->inner, origin);
	if (res != TEE_SUCCESS) {
		if (res == TEE_ERROR_COMMUNICATION)
			vb_log(vb, RPROC_LOG_ERR, "remoteproc TA: open session: %s",
			       tee_socket_last_error(&vb->sock));
		free(gs);
		return res;
	}
	if (params[0].type == TEE_PARAM_TYPE_VALUE_INPUT)
		gs->p = proc_of_id(vb, params[0].u.value.a);
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

static void set_connected(struct vboard *vb, bool up)
{
	pthread_mutex_lock(&vb->ev_lock);
	vb->ev_connected = up;
	pthread_cond_broadcast(&vb->ev_cond);
	pthread_mutex_unlock(&vb->ev_lock);
}

/* True once the hardware channel is subscribed (waits at most ms for the event thread). */
static bool wait_connected(struct vboard *vb, unsigned int ms)
{
	struct timespec until;
	bool up;

	vboard_deadline(&until, ms);
	pthread_mutex_lock(&vb->ev_lock);
	while (!vb->ev_connected)
		if (pthread_cond_timedwait(&vb->ev_cond, &vb->ev_lock, &until))
			break;
	up = vb->ev_connected;
	pthread_mutex_unlock(&vb->ev_lock);
	return up;
}

static TEE_Result guard_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			       struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	struct vboard *vb = ctx->priv;
	struct guard_session *gs = handle;
	TEE_Result res;

	/* A core whose crash could not reach us must not run: wait for the channel first. */
	if (cmd == TA_RPROC_CMD_START_FW && !wait_connected(vb, EV_WAIT_MS)) {
		vb_log(vb, RPROC_LOG_ERR,
		       "remoteproc TA START_FW: the hardware channel of rproc-teed at %s is down: "
		       "a crash could not be reported, not starting",
		       vb->teed_path);
		if (origin)
			*origin = TEE_ORIGIN_COMMS;
		return TEE_ERROR_COMMUNICATION;
	}
	res = tee_invoke(&gs->inner, cmd, params, origin);
	if (res == TEE_ERROR_COMMUNICATION) {
		log_lost(vb, cmd);
		if (cmd == TA_RPROC_CMD_STOP_FW || cmd == TA_RPROC_CMD_RELEASE_FW)
			res = stop_on_lost(vb, gs, cmd, params, origin);
	}
	track(gs->p, cmd, res);
	return res;
}

/* The socket context is the board's own (vboard_remote_down finalizes it). */
static void guard_finalize(struct tee_context *ctx)
{
	(void)ctx;
}

/* Shared memory is the socket's own (registered with the daemon: LOAD_FW without a copy). */
static TEE_Result guard_shm_alloc(struct tee_context *ctx, struct tee_shm *shm)
{
	struct vboard *vb = ctx->priv;
	struct tee_shm *inner;
	TEE_Result res;

	inner = malloc(sizeof(*inner));
	if (!inner)
		return TEE_ERROR_OUT_OF_MEMORY;
	res = tee_shm_alloc(&vb->sock, shm->size, inner);
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
	.open_session = guard_open,
	.close_session = guard_close,
	.invoke = guard_invoke,
	.finalize = guard_finalize,
	.shm_alloc = guard_shm_alloc,
	.shm_free = guard_shm_free,
};

/* ---- the mailbox through the hardware channel ---- */

static int sock_request_shutdown(void *priv)
{
	struct vboard_proc *p = priv;
	struct rpt_error err = {0};
	int ret;

	vboard_expect_shutdown_ack(p);
	ret = tee_hwchan_request_shutdown(&p->vb->sock, p->desc->id, &err);
	/* Not running any more is no news to the caller; anything else is worth a line. */
	if (ret && ret != -RPT_ESTATE)
		vb_log(p->vb, RPROC_LOG_WARN, "%s: shutdown request: %s", p->desc->name,
		       rpt_error_msg(&err));
	return ret;
}

static int sock_kick(void *priv, unsigned int vqid)
{
	struct vboard_proc *p = priv;
	struct rpt_error err = {0};
	int ret;

	ret = tee_hwchan_kick(&p->vb->sock, p->desc->id, vqid, &err);
	if (ret)
		vb_log(p->vb, RPROC_LOG_ERR, "%s: kick: %s", p->desc->name, rpt_error_msg(&err));
	return ret;
}

static int sock_request_detach(void *priv)
{
	struct vboard_proc *p = priv;
	struct rpt_error err = {0};
	int ret;

	ret = tee_hwchan_request_detach(&p->vb->sock, p->desc->id, &err);
	if (ret)
		vb_log(p->vb, RPROC_LOG_WARN, "%s: detach request: %s", p->desc->name,
		       rpt_error_msg(&err));
	return ret;
}

static const struct rproc_mbox_ops sock_mbox_ops = {
	.request_shutdown = sock_request_shutdown,
	.wait_shutdown_ack = vboard_wait_shutdown_ack,
	.kick = sock_kick,
	.request_detach = sock_request_detach,
};

int vboard_remote_inject_crash(struct vboard_proc *p, enum rproc_crash_type type)
{
	struct rpt_error err = {0};
	int ret;

	if (p->vb->opts.tee != VBOARD_TEE_SOCKET)
		return -EOPNOTSUPP;
	ret = tee_hwchan_inject_crash(&p->vb->sock, p->desc->id, (uint32_t)type, &err);
	if (ret)
		vb_log(p->vb, RPROC_LOG_ERR, "%s: crash injection: %s", p->desc->name,
		       rpt_error_msg(&err));
	return ret;
}

/* ---- events ---- */

static void dispatch(struct vboard *vb, const struct tee_wire_event *ev)
{
	struct vboard_proc *p = proc_of_id(vb, ev->rproc_id);

	if (!p)
		return; /* an rproc we did not subscribe to: nothing of ours */
	switch (ev->kind) {
	case TEE_WIRE_EVENT_CRASH:
		vboard_proc_crashed(p, (int)ev->arg, ev->why);
		break;
	case TEE_WIRE_EVENT_KICK:
		__atomic_add_fetch(&p->kicks, 1, __ATOMIC_RELAXED);
		break;
	case TEE_WIRE_EVENT_SHUTDOWN_ACK:
		vboard_shutdown_acked(p);
		break;
	}
}

/*
 * The channel hung up: whatever the daemon was running can no longer tell us
 * it crashed. Treat it as crashed (fatal error), as a lost interrupt line
 * would be: recovery then stops it and loads again, or ends offline.
 */
static void channel_lost(struct vboard *vb, const struct rpt_error *why)
{
	unsigned int i;

	vb_log(vb, RPROC_LOG_ERR, "lost the hardware channel of rproc-teed: %s",
	       rpt_error_msg(why));
	set_connected(vb, false);
	tee_event_close(vb->events);
	vb->events = NULL;
	for (i = 0; i < vb->num_procs; i++) {
		struct vboard_proc *p = &vb->procs[i];

		if (__atomic_load_n(&p->ta_started, __ATOMIC_RELAXED))
			vboard_proc_crashed(p, RPROC_FATAL_ERROR,
					    "rproc-teed hung up: the coprocessor is gone with it");
	}
}

static void drain_events(struct vboard *vb)
{
	struct rpt_error err = {0};
	struct tee_wire_event ev;
	int ret;

	while (!(ret = tee_event_next(vb->events, &ev, &err)))
		dispatch(vb, &ev);
	if (ret != -EAGAIN)
		channel_lost(vb, &err);
}

/* Who rproc-teed must run as (or root): --tee-uid, else our own uid. */
static uid_t teed_uid(const struct vboard *vb)
{
	return vb->opts.tee_uid_set ? vb->opts.tee_uid : RPT_UID_DEFAULT;
}

/* Wait for events (ms < 0: forever) or a stop. True when asked to stop. */
static bool wait_events(struct vboard *vb, int ms)
{
	struct pollfd pfd[2] = {{.fd = vb->ev_stop[0], .events = POLLIN}, {.fd = -1}};

	if (vb->events)
		pfd[1] = (struct pollfd){.fd = tee_event_fd(vb->events), .events = POLLIN};
	if (poll(pfd, 2, ms) < 0 && errno != EINTR)
		return true;
	return pfd[0].revents != 0;
}

static void *event_thread(void *arg)
{
	struct vboard *vb = arg;
	struct rpt_error err;

	for (;;) {
		if (!vb->events) {
			rpt_error_clear(&err);
			if (tee_event_open_as(&vb->events, vb->teed_path, teed_uid(vb), vb->ev_ids,
					      vb->num_ev_ids, &err)) {
				vb->events = NULL;
				if (wait_events(vb, EV_RETRY_MS))
					break;
				continue;
			}
			set_connected(vb, true);
			vb_log(vb, RPROC_LOG_INFO, "hardware channel of rproc-teed at %s is back",
			       vb->teed_path);
		}
		if (wait_events(vb, -1))
			break;
		drain_events(vb);
	}
	return NULL;
}

/* Subscribe to every processor's events now (what happens before the thread runs waits in the socket). */
static int open_events(struct vboard *vb, struct rpt_error *err)
{
	pthread_condattr_t attr;
	unsigned int i;
	int ret;

	/* wait_connected's deadlines are CLOCK_MONOTONIC: so must the condition's clock be. */
	pthread_mutex_init(&vb->ev_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&vb->ev_cond, &attr);
	pthread_condattr_destroy(&attr);
	vb->ev_sync_up = true;
	for (i = 0; i < vb->board.num_rprocs; i++)
		vb->ev_ids[vb->num_ev_ids++] = vb->board.rprocs[i].id;
	if (pipe2(vb->ev_stop, O_CLOEXEC | O_NONBLOCK) < 0)
		return rpt_error_set(err, errno, "pipe: %s", strerror(errno));
	ret = tee_event_open_as(&vb->events, vb->teed_path, teed_uid(vb), vb->ev_ids,
				vb->num_ev_ids, err);
	vb->ev_connected = !ret;
	return ret;
}

int vboard_remote_start(struct vboard *vb, struct rpt_error *err)
{
	int ret;

	if (vb->opts.tee != VBOARD_TEE_SOCKET)
		return 0;
	/* Only now: the thread looks processors up, which must all exist by then. */
	ret = pthread_create(&vb->ev_thread, NULL, event_thread, vb);
	if (ret)
		return rpt_error_set(err, ret, "cannot start the event thread: %s", strerror(ret));
	vb->ev_thread_up = true;
	return 0;
}

static void stop_events(struct vboard *vb)
{
	ssize_t n;

	if (vb->ev_thread_up) {
		n = write(vb->ev_stop[1], "x", 1);
		(void)n;
		pthread_join(vb->ev_thread, NULL);
		vb->ev_thread_up = false;
	}
	tee_event_close(vb->events);
	vb->events = NULL;
	if (vb->ev_stop[0] >= 0) {
		close(vb->ev_stop[0]);
		close(vb->ev_stop[1]);
	}
	vb->ev_stop[0] = vb->ev_stop[1] = -1;
	if (vb->ev_sync_up) {
		pthread_cond_destroy(&vb->ev_cond);
		pthread_mutex_destroy(&vb->ev_lock);
	}
	vb->ev_sync_up = false;
}

/* ---- connecting ---- */

/* Only what the remote secure world can drive: every processor a TEE one, no local keys. */
static int check_remote_board(struct vboard *vb, struct rpt_error *err)
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

static int socket_up(struct vboard *vb, struct rpt_error *err)
{
	int ret;

	if (vb->opts.tee_path) {
		ret = tee_wire_check_path(vb->opts.tee_path, err);
		if (ret)
			return ret;
		snprintf(vb->teed_path, sizeof(vb->teed_path), "%s", vb->opts.tee_path);
	} else {
		ret = tee_wire_default_path(vb->teed_path, sizeof(vb->teed_path), err);
		if (ret)
			return ret;
	}
	ret = tee_socket_init_as(&vb->sock, vb->teed_path, teed_uid(vb), err);
	if (ret)
		return ret;
	vb->sock_up = true;
	vb->tee = (struct tee_context){.ops = &guard_transport, .priv = vb};
	vb->tee_up = true;
	return open_events(vb, err);
}

static int dev_up(struct vboard *vb, struct rpt_error *err)
{
	const char *path = vb->opts.tee_path ? vb->opts.tee_path : "/dev/tee0";
	int ret;

	ret = tee_dev_init(&vb->tee, path, NULL);
	if (ret)
		return rpt_error_set(err, -ret, "TEE device %s: %s", path,
				     tee_dev_last_error(&vb->tee));
	vb->tee_up = true;
	vb_log(vb, RPROC_LOG_INFO,
	       "TEE device %s: no emulator and no mailbox here (the kernel owns the IPCC on a "
	       "real board); this daemon only drives the remoteproc TA",
	       path);
	return 0;
}

int vboard_remote_up(struct vboard *vb, struct rpt_error *err)
{
	int ret = check_remote_board(vb, err);

	if (ret)
		return ret;
	return vb->opts.tee == VBOARD_TEE_SOCKET ? socket_up(vb, err) : dev_up(vb, err);
}

void vboard_remote_down(struct vboard *vb)
{
	unsigned int i;

	stop_events(vb);
	for (i = 0; i < vb->num_procs; i++) {
		struct vboard_proc *p = &vb->procs[i];
		unsigned int m;

		tee_socket_unmap_shared(&p->shm);
		for (m = 0; m < BOARD_MAX_MEMS; m++) {
			if (p->dev_maps[m])
				munmap(p->dev_maps[m], p->desc->mems[m].size);
			p->dev_maps[m] = NULL;
		}
	}
	if (vb->tee_up)
		tee_finalize(&vb->tee);
	vb->tee_up = false;
	if (vb->sock_up)
		tee_finalize(&vb->sock);
	vb->sock_up = false;
}

/* ---- processors ---- */

/*
 * What the daemon shares must be what the board file says is shared, and
 * nothing secure: a daemon serving another board is refused, not guessed at.
 */
static int check_shared(const struct vboard_proc *p, struct rpt_error *err)
{
	const struct tee_shm_set *set = &p->shm;
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
	struct tee_rproc_config cfg;
	int ret;

	ret = tee_socket_map_shared(&vb->sock, p->desc->id, &p->shm, err);
	if (!ret)
		ret = check_shared(p, err);
	if (ret)
		return ret;
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){.map = tee_shm_set_lookup, .priv = &p->shm};
	cfg.mbox = (struct rproc_mbox){.ops = &sock_mbox_ops, .priv = p};
	p->rproc = tee_rproc_create(&cfg, err);
	return p->rproc ? 0 : (err && err->code ? err->code : -ENOMEM);
}

/* DEV: the shared memories at their physical addresses, as the kernel driver would ioremap them. */
static void dev_map_shared(struct vboard *vb, struct vboard_proc *p)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned int i;
	int fd;

	fd = open("/dev/mem", O_RDWR | O_SYNC | O_CLOEXEC);
	if (fd < 0) {
		vb_log(vb, RPROC_LOG_WARN,
		       "%s: /dev/mem: %s: shared memories unmapped (no trace, no resource table)",
		       p->desc->name, strerror(errno));
		return;
	}
	for (i = 0; i < p->desc->num_mems; i++) {
		const struct board_memory *m = &p->desc->mems[i];
		void *va;

		if (m->secure || m->pa % (uint64_t)page || m->pa > (uint64_t)INT64_MAX)
			continue;
		va = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m->pa);
		if (va != MAP_FAILED)
			p->dev_maps[i] = va;
	}
	close(fd);
}

static void *dev_shm_map(void *priv, uint64_t pa, size_t size)
{
	struct vboard_proc *p = priv;
	unsigned int i;

	for (i = 0; i < p->desc->num_mems; i++) {
		const struct board_memory *m = &p->desc->mems[i];

		if (p->dev_maps[i] && range_within(pa, size ? size : 1, m->pa, m->size))
			return p->dev_maps[i] + (pa - m->pa);
	}
	return NULL;
}

static int dev_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct tee_rproc_config cfg;

	dev_map_shared(vb, p);
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){.map = dev_shm_map, .priv = p};
	/* No mailbox: a stop is immediate, as for a board without one. */
	p->rproc = tee_rproc_create(&cfg, err);
	return p->rproc ? 0 : (err && err->code ? err->code : -ENOMEM);
}

int vboard_remote_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	return vb->opts.tee == VBOARD_TEE_SOCKET ? socket_proc_create(vb, p, err)
						 : dev_proc_create(vb, p, err);
}
