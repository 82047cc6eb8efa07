// SPDX-License-Identifier: BSD-2-Clause
/*
 * The rpmsg bus over a vdev (virtio_rpmsg.h), as Linux's virtio_rpmsg_bus.c
 * with remoteproc_virtio.c under it.
 *
 * Where messages are delivered: in the kick's own context, as Linux's
 * vring_interrupt() -> rpmsg_recv_done() does in the mailbox's interrupt
 * path (with the in-process board, that is the emulated core's thread,
 * inside the firmware's IPCC write), so an answer reaches its endpoint
 * without a thread hand-off. What may block or call back into the
 * remoteproc stays on the bus's receive thread: name-service announcements
 * (the listener), removing a broken device's channels, and any kick that
 * finds the thread draining (rx_lock taken), so messages keep their order.
 *
 * Locks, in the order they nest (never the other way round):
 *  - rx_lock: one drain of the receive ring at a time, and the name-service
 *    message handed to the thread (ns_deferred); the kick's context only
 *    tries it;
 *  - ept_lock: held while an endpoint's callback runs, so that
 *    rpmsg_destroy_ept() can wait for a running one; the stop path never
 *    takes it;
 *  - listener_lock: held while the listener runs and while the channel list
 *    changes, so every channel_add has its one channel_remove, in order;
 *  - lock: the device itself (state, virtqueues, buffers, endpoints, stats);
 *    held only for short work, never while a callback or a kick runs;
 *  - wake_lock: the receive thread's wake-up.
 * A kick's context takes lock only for short work and ept_lock only while a
 * callback runs, never listener_lock: it never waits for a stop, a start or
 * the listener.
 *
 * Every start and stop bumps `epoch`: work a drain picked up
 * before a stop (a message, an announcement) is dropped when it finds the
 * epoch changed, so an old firmware's message never reaches the new run.
 */
#include "normal/rpmsg/virtio_rpmsg.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>

#include "common/safe_math.h"
#include "formats/rsc_table.h"
#include "normal/core/remoteproc.h"
#include "normal/rpmsg/rpmsg_msg.h"
#include "normal/rpmsg/virtqueue.h"

#define RPMSG_MAX_CHANNELS 64u	 /* announced channels kept per device; more are refused */
#define RPMSG_MAX_EPTS	   1024u /* host endpoints per device */
#define RPMSG_NO_EPT_LOGS  8u	 /* "no recipient" lines logged per start, then counted */
#define RPMSG_TX_POLL_MS   1u	 /* a waiting sender looks at the used ring this often */

/* What the receive thread is woken for (wake_lock). */
#define WAKE_RX	    1u /* vring0 kicked: messages to read */
#define WAKE_TX	    2u /* vring1 kicked: transmit buffers to reclaim */
#define WAKE_BROKEN 4u /* a sender found the device broken: remove the channels */

struct rpmsg_endpoint {
	struct virtio_rpmsg *rp;     /* its device */
	uint32_t addr;		     /* host address (src of what it sends) */
	rpmsg_rx_cb cb;		     /* what it receives goes there (may be NULL) */
	void *priv;		     /* passed to cb */
	struct rpmsg_endpoint *next; /* rp->epts list */
};

/*
 * Fields are grouped by the lock that guards them and, inside a group, by
 * alignment (8-byte ones first, bytes last) so the struct carries no
 * padding worth the name.
 */
struct virtio_rpmsg {
	struct rproc_subdev sd; /* registered with the rproc (rp_of: its container) */
	struct rproc *rproc;	/* the processor (not owned) */

	/* ---- the receive thread's wake-up, under wake_lock ---- */
	pthread_mutex_t wake_lock;
	pthread_cond_t wake_cond; /* signalled by vq_interrupt and destroy */
	unsigned long kicks_in;	  /* kicks of our vrings */
	pthread_t thread;	  /* the receive thread */
	unsigned int pending;	  /* WAKE_* bits not handled yet */
	int rx_notifyid;	  /* vring0's notify id, -1 while down */
	int tx_notifyid;	  /* vring1's notify id, -1 while down */
	unsigned int vdev;	  /* vdev number in the table (constant) */
	bool exit;		  /* destroy asks the thread to end */
	bool thread_up;		  /* thread was started (constant after create) */

	/* ---- the drain of vring0, under rx_lock ---- */
	pthread_mutex_t rx_lock;	  /* see the top of the file */
	struct rpmsg_ns_info ns_deferred; /* an announcement a kick's drain left to the thread */
	unsigned long ns_deferred_epoch;  /* the run it came in */
	bool ns_deferred_valid;		  /* ns_deferred waits for the thread: no drain before it */

	pthread_mutex_t ept_lock;		      /* see the top of the file */
	pthread_mutex_t listener_lock;		      /* see the top of the file */
	const struct virtio_rpmsg_listener *listener; /* who hears of channels, or NULL */
	void *listener_priv;			      /* passed to it */

	/* ---- the device, under lock ---- */
	pthread_mutex_t lock;
	pthread_cond_t cond;		   /* broadcast on state changes and freed tx buffers */
	unsigned long epoch;		   /* bumped at every start and stop */
	struct fw_rsc_vdev *rsc;	   /* our entry in the table in use, NULL while down */
	struct virtqueue rvq;		   /* vring0: the firmware's messages, into rx buffers */
	struct virtqueue svq;		   /* vring1: our messages to the firmware */
	uint8_t *bufs;			   /* host mapping of the buffers (vdev<N>buffer) */
	void *tx_free[RPMSG_MAX_BUFS / 2]; /* transmit buffers back from the firmware */
	size_t num_channels;		   /* entries of channels */
	struct rpmsg_endpoint *epts;	   /* host endpoints */
	struct virtio_rpmsg_stats stats;   /* counters (kicks_in apart) */
	enum virtio_rpmsg_state state;	   /* see the enum */
	uint32_t bufs_da;		   /* their device address */
	uint32_t num_bufs;		   /* buffers in all: half rx, then half tx */
	uint32_t tx_max;	    /* tx buffers used (num_bufs / 2, or fewer descriptors) */
	uint32_t last_sbuf;	    /* transmit buffers handed out once so far */
	uint32_t num_tx_free;	    /* entries of tx_free */
	unsigned int no_ept_logged; /* "no recipient" lines since start */
	unsigned int num_epts;	    /* entries of epts */
	unsigned int tx_waiters;    /* senders waiting for a free buffer */
	struct rpmsg_channel_info channels[RPMSG_MAX_CHANNELS]; /* announced channels */
	bool vqs;						/* rvq and svq are initialised */
	bool ns;						/* name service negotiated */
	char why[RPT_ERROR_MSG_MAX];				/* why it is broken */

	uint8_t rx_payload[RPMSG_MAX_PAYLOAD]; /* the drain (rx_lock): private copy of a payload */
};

/* The bus whose endpoint callback this thread runs, if any (rpmsg_destroy_ept). */
static _Thread_local const struct virtio_rpmsg *in_callback;

static struct virtio_rpmsg *rp_of(struct rproc_subdev *sd)
{
	return (struct virtio_rpmsg *)(void *)((uint8_t *)sd - offsetof(struct virtio_rpmsg, sd));
}

/* ---- helpers ---- */

static void deadline_in(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

static bool ts_before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static void wake(struct virtio_rpmsg *rp, unsigned int bits)
{
	pthread_mutex_lock(&rp->wake_lock);
	rp->pending |= bits;
	pthread_cond_signal(&rp->wake_cond);
	pthread_mutex_unlock(&rp->wake_lock);
}

/* The status byte and gfeatures live in the firmware's table (shared memory). */
static void set_status(struct virtio_rpmsg *rp, uint8_t status)
{
	__atomic_store_n(&rp->rsc->status, status, __ATOMIC_SEQ_CST);
}

static uint8_t get_status(struct virtio_rpmsg *rp)
{
	return __atomic_load_n(&rp->rsc->status, __ATOMIC_SEQ_CST);
}

/*
 * The firmware broke the rules (or the set-up cannot work): one log line
 * naming the field, senders woken (-EIO), the receive thread removes the
 * channels. Later violations are not logged: the first one is the story.
 */
static void broken_locked(struct virtio_rpmsg *rp, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void broken_locked(struct virtio_rpmsg *rp, const char *fmt, ...)
{
	va_list ap;

	if (rp->state == VIRTIO_RPMSG_BROKEN)
		return;
	va_start(ap, fmt);
	vsnprintf(rp->why, sizeof(rp->why), fmt, ap);
	va_end(ap);
	rp->state = VIRTIO_RPMSG_BROKEN;
	rproc_log(rp->rproc, RPT_LOG_ERR, "vdev%u: rpmsg device broken: %s", rp->vdev, rp->why);
	pthread_cond_broadcast(&rp->cond);
	wake(rp, WAKE_BROKEN);
}

static uint32_t buf_index(const struct virtio_rpmsg *rp, const void *token)
{
	return (uint32_t)(((const uint8_t *)token - rp->bufs) / RPMSG_BUF_SIZE);
}

static uint32_t buf_da(const struct virtio_rpmsg *rp, const void *token)
{
	return rp->bufs_da + buf_index(rp, token) * RPMSG_BUF_SIZE;
}

static void vqs_fini_locked(struct virtio_rpmsg *rp)
{
	if (rp->vqs) {
		virtqueue_fini(&rp->rvq);
		virtqueue_fini(&rp->svq);
	}
	memset(&rp->rvq, 0, sizeof(rp->rvq));
	memset(&rp->svq, 0, sizeof(rp->svq));
	rp->vqs = false;
	rp->bufs = NULL;
	rp->num_bufs = rp->tx_max = rp->last_sbuf = rp->num_tx_free = 0;
}

/* Move the channel list out (caller holds listener_lock and lock). */
static size_t take_channels_locked(struct virtio_rpmsg *rp, struct rpmsg_channel_info *out)
{
	size_t n = rp->num_channels;

	memcpy(out, rp->channels, n * sizeof(*out));
	rp->num_channels = 0;
	return n;
}

static void tell_removed(struct virtio_rpmsg *rp, const struct rpmsg_channel_info *chs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (rp->listener && rp->listener->channel_remove)
			rp->listener->channel_remove(rp->listener_priv, &chs[i]);
}

/* A broken device's channels go away (receive thread). */
static void drop_channels_if_broken(struct virtio_rpmsg *rp)
{
	struct rpmsg_channel_info gone[RPMSG_MAX_CHANNELS];
	size_t n = 0;

	pthread_mutex_lock(&rp->listener_lock);
	pthread_mutex_lock(&rp->lock);
	if (rp->state == VIRTIO_RPMSG_BROKEN)
		n = take_channels_locked(rp, gone);
	pthread_mutex_unlock(&rp->lock);
	tell_removed(rp, gone, n);
	pthread_mutex_unlock(&rp->listener_lock);
}

/* ---- start: Linux's virtio probe of a remoteproc vdev ---- */

/*
 * Vrings, buffers, receive buffers posted (rproc_virtio_find_vqs +
 * rpmsg_probe). A positive return: the firmware's set-up cannot work
 * (broken, logged); negative: host failure (the boot fails).
 */
static int setup_locked(struct virtio_rpmsg *rp, const struct rproc_vdev_info *info,
			struct rpt_error *err)
{
	struct rpt_error e = {0};
	char name[32];
	uint32_t i, need;
	int ret;

	if (info->num_vrings < 2) {
		broken_locked(rp, "num_of_vrings %u: rpmsg needs 2", info->num_vrings);
		return 1;
	}
	for (i = 0; i < 2; i++) {
		const struct rproc_vring_info *v = &info->vring[i];
		struct virtqueue *vq = i ? &rp->svq : &rp->rvq;

		snprintf(name, sizeof(name), "vdev%uvring%u", rp->vdev, i);
		if (!v->va) {
			broken_locked(rp, "%s at da 0x%x is not mapped in the normal world", name,
				      v->da);
			return 1;
		}
		ret = virtqueue_init(vq, name, v->va, v->len, v->num, v->align, &e);
		if (ret == -ENOMEM)
			return rpt_error_set(err, ENOMEM, "vdev%u: out of memory", rp->vdev);
		if (ret) {
			if (i)
				virtqueue_fini(&rp->rvq);
			broken_locked(rp, "%s", rpt_error_msg(&e)); /* names the vring */
			return 1;
		}
	}
	rp->vqs = true;
	/* Linux: twice the receive ring's entries, at most MAX_RPMSG_NUM_BUFS. */
	rp->num_bufs =
		info->vring[0].num < RPMSG_MAX_BUFS / 2 ? info->vring[0].num * 2 : RPMSG_MAX_BUFS;
	need = rp->num_bufs * RPMSG_BUF_SIZE;
	if (!info->buffer) {
		broken_locked(rp, "no vdev%ubuffer memory for the %u buffers", rp->vdev,
			      rp->num_bufs);
		return 1;
	}
	if (!info->buffer->va) {
		broken_locked(rp, "%s is not mapped in the normal world", info->buffer->name);
		return 1;
	}
	if (info->buffer->size < need) {
		broken_locked(rp, "%s: 0x%x bytes, %u buffers of %u need 0x%x", info->buffer->name,
			      info->buffer->size, rp->num_bufs, RPMSG_BUF_SIZE, need);
		return 1;
	}
	rp->bufs = info->buffer->va;
	rp->bufs_da = info->buffer->da;
	/* Transmit buffers: the second half, no more than vring1 has descriptors. */
	rp->tx_max = rp->num_bufs / 2;
	if (rp->tx_max > info->vring[1].num)
		rp->tx_max = info->vring[1].num;
	/* The first half, posted for the firmware to write into (Linux: add_inbuf). */
	for (i = 0; i < rp->num_bufs / 2; i++) {
		uint8_t *b = rp->bufs + (size_t)i * RPMSG_BUF_SIZE;

		ret = virtqueue_add(&rp->rvq, rp->bufs_da + i * RPMSG_BUF_SIZE, RPMSG_BUF_SIZE,
				    true, b);
		if (ret) {
			broken_locked(rp, "vdev%uvring0: cannot post receive buffer %u (%s)",
				      rp->vdev, i, rpt_strerror(ret));
			return 1;
		}
	}
	/* Linux: "suppress tx-complete interrupts"; senders look for themselves. */
	virtqueue_disable_cb(&rp->svq);
	return 0;
}

static int rp_start(struct rproc_subdev *sd, struct rpt_error *err)
{
	struct virtio_rpmsg *rp = rp_of(sd);
	struct rproc_vdev_info info;
	uint32_t dfeatures, gfeatures, id;
	bool notify = false;
	int ret = 0, nid = -1;

	pthread_mutex_lock(&rp->lock);
	vqs_fini_locked(rp);
	rp->epoch++;
	rp->state = VIRTIO_RPMSG_DOWN;
	rp->why[0] = '\0';
	rp->rsc = NULL;
	rp->no_ept_logged = 0;
	if (rproc_vdev_info(rp->rproc, rp->vdev, &info))
		goto out; /* no such vdev: no rpmsg, nothing to say */
	id = get_le32((const uint8_t *)info.rsc + offsetof(struct fw_rsc_vdev, id));
	if (id != VIRTIO_ID_RPMSG) {
		rproc_log(rp->rproc, RPT_LOG_INFO,
			  "vdev%u is virtio device %u, not rpmsg: left alone", rp->vdev, id);
		goto out;
	}
	rp->rsc = info.rsc;
	/* Linux: reset, ACKNOWLEDGE, DRIVER, then the negotiated features (legacy device). */
	set_status(rp, 0);
	set_status(rp, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	set_status(rp, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
	dfeatures = get_le32((const uint8_t *)rp->rsc + offsetof(struct fw_rsc_vdev, dfeatures));
	gfeatures = dfeatures & (1u << VIRTIO_RPMSG_F_NS);
	put_le32((uint8_t *)rp->rsc + offsetof(struct fw_rsc_vdev, gfeatures), gfeatures);
	rp->ns = gfeatures & (1u << VIRTIO_RPMSG_F_NS);
	ret = setup_locked(rp, &info, err);
	if (ret) {
		/* Linux: a probe that fails adds FAILED to the status. */
		set_status(rp, (uint8_t)(get_status(rp) | VIRTIO_CONFIG_S_FAILED));
		vqs_fini_locked(rp);
		ret = ret < 0 ? ret : 0;
		goto out;
	}
	/* Everything the firmware reads is written before it may look (DRIVER_OK). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	set_status(rp, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
			       VIRTIO_CONFIG_S_DRIVER_OK);
	rp->state = VIRTIO_RPMSG_UP;
	rproc_log(rp->rproc, RPT_LOG_INFO,
		  "vdev%u: rpmsg up: status 0x1 -> 0x3 -> 0x7, gfeatures 0x%x, %u + %u buffers",
		  rp->vdev, gfeatures, rp->num_bufs / 2, rp->num_bufs / 2);
	notify = virtqueue_kick_prepare(&rp->rvq);
out:
	pthread_cond_broadcast(&rp->cond);
	pthread_mutex_lock(&rp->wake_lock);
	rp->rx_notifyid = rp->tx_notifyid = -1;
	if (rp->state == VIRTIO_RPMSG_UP) {
		rp->rx_notifyid = nid = info.vring[0].notifyid;
		rp->tx_notifyid = info.vring[1].notifyid;
		/* A kick that came meanwhile may be about this run: look once. */
		rp->pending |= WAKE_RX;
		pthread_cond_signal(&rp->wake_cond);
	}
	pthread_mutex_unlock(&rp->wake_lock);
	pthread_mutex_unlock(&rp->lock);
	if (notify)
		rproc_vq_notify(rp->rproc, nid);
	return ret;
}

/*
 * Linux rpmsg_remove(): the device is reset (status 0 in the table), the
 * channels go (listener), senders are woken with -ENOTCONN.
 */
static void rp_stop(struct rproc_subdev *sd, bool crashed)
{
	struct virtio_rpmsg *rp = rp_of(sd);
	struct rpmsg_channel_info gone[RPMSG_MAX_CHANNELS];
	size_t n;

	(void)crashed; /* the same teardown: the new firmware announces again */
	pthread_mutex_lock(&rp->listener_lock);
	pthread_mutex_lock(&rp->lock);
	if (rp->rsc)
		set_status(rp, 0);
	rp->rsc = NULL;
	vqs_fini_locked(rp);
	rp->state = VIRTIO_RPMSG_DOWN;
	rp->epoch++;
	n = take_channels_locked(rp, gone);
	pthread_cond_broadcast(&rp->cond);
	pthread_mutex_lock(&rp->wake_lock);
	rp->rx_notifyid = rp->tx_notifyid = -1;
	pthread_mutex_unlock(&rp->wake_lock);
	pthread_mutex_unlock(&rp->lock);
	tell_removed(rp, gone, n);
	pthread_mutex_unlock(&rp->listener_lock);
}

static void rx_drain(struct virtio_rpmsg *rp, bool in_kick);
static void tx_reclaim_locked(struct virtio_rpmsg *rp);

/*
 * The firmware kicked vring notifyid: receive in this context (see the top
 * of the file), or leave it to the receive thread while that one drains.
 */
static void rp_vq_interrupt(struct rproc_subdev *sd, int notifyid)
{
	struct virtio_rpmsg *rp = rp_of(sd);
	unsigned int bits = 0;
	bool to_thread;

	pthread_mutex_lock(&rp->wake_lock);
	if (notifyid >= 0 && notifyid == rp->rx_notifyid)
		bits = WAKE_RX;
	else if (notifyid >= 0 && notifyid == rp->tx_notifyid)
		bits = WAKE_TX;
	if (bits)
		rp->kicks_in++;
	pthread_mutex_unlock(&rp->wake_lock);
	if (!bits)
		return;
	if (pthread_mutex_trylock(&rp->rx_lock)) {
		wake(rp, bits); /* the thread drains now: it looks again when done */
		return;
	}
	if ((bits & WAKE_RX) && !rp->ns_deferred_valid)
		rx_drain(rp, true);
	to_thread = rp->ns_deferred_valid;
	pthread_mutex_unlock(&rp->rx_lock);
	pthread_mutex_lock(&rp->lock);
	if ((bits & WAKE_TX) || rp->tx_waiters)
		tx_reclaim_locked(rp);
	pthread_mutex_unlock(&rp->lock);
	if (to_thread)
		wake(rp, WAKE_RX);
}

/* ---- receiving ---- */

/* Take back the transmit buffers the firmware used (lock held). */
static void tx_reclaim_locked(struct virtio_rpmsg *rp)
{
	struct rpt_error e = {0};
	uint32_t len;
	void *token;
	int ret;

	if (rp->state != VIRTIO_RPMSG_UP)
		return;
	while (rp->num_tx_free < RPMSG_MAX_BUFS / 2) {
		ret = virtqueue_get_used(&rp->svq, &token, &len, &e);
		if (ret < 0) {
			broken_locked(rp, "%s", rpt_error_msg(&e));
			return;
		}
		if (!ret)
			break;
		rp->tx_free[rp->num_tx_free++] = token;
		pthread_cond_broadcast(&rp->cond);
	}
}

/* A name-service announcement: create or destroy a channel, tell the listener. */
static void deliver_ns(struct virtio_rpmsg *rp, unsigned long epoch, const struct rpmsg_ns_info *ns)
{
	struct rpmsg_channel_info ch = {0};
	bool added = false, removed = false;
	size_t i;

	memcpy(ch.name, ns->name, sizeof(ch.name));
	ch.dst = ns->addr;
	pthread_mutex_lock(&rp->listener_lock);
	pthread_mutex_lock(&rp->lock);
	if (rp->epoch != epoch || rp->state != VIRTIO_RPMSG_UP)
		goto unlock;
	for (i = 0; i < rp->num_channels; i++)
		if (!strcmp(rp->channels[i].name, ch.name) && rp->channels[i].dst == ch.dst)
			break;
	if (ns->flags == RPMSG_NS_DESTROY) {
		if (i == rp->num_channels) {
			/* Linux: "rpmsg_destroy_channel failed" and nothing else. */
			rproc_log(rp->rproc, RPT_LOG_WARN,
				  "vdev%u: destroy of unknown channel \"%s\" addr 0x%x ignored",
				  rp->vdev, ch.name, ch.dst);
			goto unlock;
		}
		rp->channels[i] = rp->channels[--rp->num_channels];
		removed = true;
	} else if (i < rp->num_channels) {
		rproc_log(rp->rproc, RPT_LOG_WARN,
			  "vdev%u: channel \"%s\" addr 0x%x already exists: announcement ignored",
			  rp->vdev, ch.name, ch.dst);
	} else if (rp->num_channels == RPMSG_MAX_CHANNELS) {
		rproc_log(rp->rproc, RPT_LOG_WARN,
			  "vdev%u: channel \"%s\" refused: already %u channels", rp->vdev, ch.name,
			  RPMSG_MAX_CHANNELS);
	} else {
		rp->channels[rp->num_channels++] = ch;
		added = true;
	}
unlock:
	pthread_mutex_unlock(&rp->lock);
	if (added && rp->listener && rp->listener->channel_add)
		rp->listener->channel_add(rp->listener_priv, &ch);
	if (removed)
		tell_removed(rp, &ch, 1);
	pthread_mutex_unlock(&rp->listener_lock);
}

/* A message for a host endpoint: its callback, under ept_lock. */
static void deliver_ept(struct virtio_rpmsg *rp, unsigned long epoch,
			const struct rpmsg_hdr_info *hdr)
{
	struct rpmsg_endpoint *ept;
	rpmsg_rx_cb cb = NULL;
	void *priv = NULL;

	pthread_mutex_lock(&rp->ept_lock);
	pthread_mutex_lock(&rp->lock);
	if (rp->epoch != epoch || rp->state != VIRTIO_RPMSG_UP) {
		pthread_mutex_unlock(&rp->lock);
		goto out;
	}
	for (ept = rp->epts; ept; ept = ept->next)
		if (ept->addr == hdr->dst)
			break;
	if (ept) {
		cb = ept->cb;
		priv = ept->priv;
		rp->stats.rx++;
	} else {
		rp->stats.rx_no_ept++;
		if (rp->no_ept_logged < RPMSG_NO_EPT_LOGS) {
			rp->no_ept_logged++;
			rproc_log(rp->rproc, RPT_LOG_WARN,
				  "vdev%u: message from 0x%x to 0x%x (%u bytes) has no recipient%s",
				  rp->vdev, hdr->src, hdr->dst, hdr->len,
				  rp->no_ept_logged == RPMSG_NO_EPT_LOGS ? " (no more such lines)"
									 : "");
		}
	}
	pthread_mutex_unlock(&rp->lock);
	if (cb) {
		in_callback = rp;
		cb(priv, rp->rx_payload, hdr->len, hdr->src);
		in_callback = NULL;
	}
out:
	pthread_mutex_unlock(&rp->ept_lock);
}

/*
 * Linux rpmsg_recv_done(): every used receive buffer, one at a time: read
 * and check it (private copy), post it again, deliver; kick once at the end
 * if the firmware wants it. rx_lock held. In a kick's context (in_kick) a
 * name-service message goes to the thread (ns_deferred) and the drain ends
 * there, so what follows it is delivered after it.
 */
static void rx_drain(struct virtio_rpmsg *rp, bool in_kick)
{
	struct rpmsg_hdr_info hdr;
	struct rpmsg_ns_info ns;
	struct rpt_error e = {0};
	unsigned long epoch = 0;
	bool reposted = false, notify, is_ns;
	uint32_t len;
	uint8_t status;
	void *token;
	int ret, nid;

	for (;;) {
		pthread_mutex_lock(&rp->lock);
		if (rp->state != VIRTIO_RPMSG_UP || (reposted && rp->epoch != epoch)) {
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		epoch = rp->epoch;
		status = get_status(rp);
		if (status & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED)) {
			broken_locked(rp, "vdev%u status 0x%x: the firmware set %s", rp->vdev,
				      status,
				      status & VIRTIO_CONFIG_S_FAILED ? "FAILED" : "NEEDS_RESET");
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		/* After an announcement left to the thread, only the kick is left. */
		ret = rp->ns_deferred_valid ? 0 : virtqueue_get_used(&rp->rvq, &token, &len, &e);
		if (ret <= 0) {
			if (ret < 0)
				broken_locked(rp, "%s", rpt_error_msg(&e));
			notify = ret == 0 && reposted && virtqueue_kick_prepare(&rp->rvq);
			nid = rp->rx_notifyid;
			pthread_mutex_unlock(&rp->lock);
			if (notify)
				rproc_vq_notify(rp->rproc, nid);
			return;
		}
		ret = rpmsg_msg_parse(token, len, RPMSG_BUF_SIZE, &hdr, rp->rx_payload, &e);
		if (ret) {
			broken_locked(rp, "vdev%uvring0 buffer %u: %s", rp->vdev,
				      buf_index(rp, token), rpt_error_msg(&e));
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		/* Linux: the buffer goes back to the firmware at once; the copy is ours. */
		ret = virtqueue_add(&rp->rvq, buf_da(rp, token), RPMSG_BUF_SIZE, true, token);
		if (ret) {
			broken_locked(rp, "vdev%uvring0: cannot post receive buffer %u again (%s)",
				      rp->vdev, buf_index(rp, token), rpt_strerror(ret));
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		reposted = true;
		is_ns = rp->ns && hdr.dst == RPMSG_NS_ADDR;
		if (is_ns && rpmsg_ns_parse(rp->rx_payload, hdr.len, &ns, &e)) {
			broken_locked(rp, "vdev%uvring0 buffer %u: %s", rp->vdev,
				      buf_index(rp, token), rpt_error_msg(&e));
			pthread_mutex_unlock(&rp->lock);
			return;
		}
		if (is_ns && in_kick) {
			rp->ns_deferred = ns;
			rp->ns_deferred_epoch = epoch;
			rp->ns_deferred_valid = true;
		}
		pthread_mutex_unlock(&rp->lock);
		if (rp->ns_deferred_valid)
			continue;
		if (is_ns)
			deliver_ns(rp, epoch, &ns);
		else
			deliver_ept(rp, epoch, &hdr);
	}
}

static void *rx_thread(void *arg)
{
	struct virtio_rpmsg *rp = arg;
	unsigned int bits;

	for (;;) {
		pthread_mutex_lock(&rp->wake_lock);
		while (!rp->pending && !rp->exit)
			pthread_cond_wait(&rp->wake_cond, &rp->wake_lock);
		bits = rp->pending;
		rp->pending = 0;
		if (rp->exit) {
			pthread_mutex_unlock(&rp->wake_lock);
			return NULL;
		}
		pthread_mutex_unlock(&rp->wake_lock);
		pthread_mutex_lock(&rp->rx_lock);
		if (rp->ns_deferred_valid) {
			rp->ns_deferred_valid = false;
			deliver_ns(rp, rp->ns_deferred_epoch, &rp->ns_deferred);
		}
		if (bits & WAKE_RX)
			rx_drain(rp, false);
		pthread_mutex_unlock(&rp->rx_lock);
		/*
		 * A firmware that answers a message has usually given its buffer
		 * back too: a waiting sender gets it now, not at its next look.
		 */
		pthread_mutex_lock(&rp->lock);
		if ((bits & WAKE_TX) || rp->tx_waiters)
			tx_reclaim_locked(rp);
		pthread_mutex_unlock(&rp->lock);
		drop_channels_if_broken(rp);
	}
}

/* ---- creation ---- */

struct virtio_rpmsg *virtio_rpmsg_create(struct rproc *rproc, unsigned int vdev,
					 struct rpt_error *err)
{
	struct virtio_rpmsg *rp;
	pthread_condattr_t attr;
	int ret;

	if (!rproc) {
		rpt_error_set(err, EINVAL, "virtio_rpmsg: no rproc");
		return NULL;
	}
	rp = calloc(1, sizeof(*rp));
	if (!rp) {
		rpt_error_set(err, ENOMEM, "%s: vdev%u: out of memory", rproc->dev_name, vdev);
		return NULL;
	}
	rp->rproc = rproc;
	rp->vdev = vdev;
	rp->rx_notifyid = rp->tx_notifyid = -1;
	rp->sd.start = rp_start;
	rp->sd.stop = rp_stop;
	rp->sd.vq_interrupt = rp_vq_interrupt;
	pthread_mutex_init(&rp->wake_lock, NULL);
	pthread_cond_init(&rp->wake_cond, NULL);
	pthread_mutex_init(&rp->rx_lock, NULL);
	pthread_mutex_init(&rp->ept_lock, NULL);
	pthread_mutex_init(&rp->listener_lock, NULL);
	pthread_mutex_init(&rp->lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&rp->cond, &attr);
	pthread_condattr_destroy(&attr);
	ret = pthread_create(&rp->thread, NULL, rx_thread, rp);
	if (ret) {
		rpt_error_set(err, ret, "%s: vdev%u: cannot start the receive thread: %s",
			      rproc->dev_name, vdev, strerror(ret));
		virtio_rpmsg_destroy(rp);
		return NULL;
	}
	rp->thread_up = true;
	rproc_add_subdev(rproc, &rp->sd);
	return rp;
}

void virtio_rpmsg_destroy(struct virtio_rpmsg *rp)
{
	struct rpmsg_endpoint *ept;

	if (!rp)
		return;
	if (rp->thread_up) {
		pthread_mutex_lock(&rp->wake_lock);
		rp->exit = true;
		pthread_cond_signal(&rp->wake_cond);
		pthread_mutex_unlock(&rp->wake_lock);
		pthread_join(rp->thread, NULL);
		rproc_remove_subdev(rp->rproc, &rp->sd);
	}
	vqs_fini_locked(rp);
	while ((ept = rp->epts)) {
		rp->epts = ept->next;
		free(ept);
	}
	pthread_cond_destroy(&rp->cond);
	pthread_mutex_destroy(&rp->lock);
	pthread_mutex_destroy(&rp->listener_lock);
	pthread_mutex_destroy(&rp->ept_lock);
	pthread_mutex_destroy(&rp->rx_lock);
	pthread_cond_destroy(&rp->wake_cond);
	pthread_mutex_destroy(&rp->wake_lock);
	free(rp);
}

/* ---- what users look at ---- */

void virtio_rpmsg_set_listener(struct virtio_rpmsg *rp, const struct virtio_rpmsg_listener *l,
			       void *priv)
{
	struct rpmsg_channel_info now[RPMSG_MAX_CHANNELS];
	size_t n, i;

	pthread_mutex_lock(&rp->listener_lock);
	rp->listener = l;
	rp->listener_priv = priv;
	pthread_mutex_lock(&rp->lock);
	n = rp->num_channels;
	memcpy(now, rp->channels, n * sizeof(now[0]));
	pthread_mutex_unlock(&rp->lock);
	for (i = 0; l && l->channel_add && i < n; i++)
		l->channel_add(priv, &now[i]);
	pthread_mutex_unlock(&rp->listener_lock);
}

enum virtio_rpmsg_state virtio_rpmsg_state(struct virtio_rpmsg *rp)
{
	enum virtio_rpmsg_state s;

	pthread_mutex_lock(&rp->lock);
	s = rp->state;
	pthread_mutex_unlock(&rp->lock);
	return s;
}

void virtio_rpmsg_broken_reason(struct virtio_rpmsg *rp, char *buf, size_t len)
{
	if (!len)
		return;
	pthread_mutex_lock(&rp->lock);
	snprintf(buf, len, "%s", rp->state == VIRTIO_RPMSG_BROKEN ? rp->why : "");
	pthread_mutex_unlock(&rp->lock);
}

size_t virtio_rpmsg_channels(struct virtio_rpmsg *rp, struct rpmsg_channel_info *out, size_t max)
{
	size_t n;

	pthread_mutex_lock(&rp->lock);
	n = rp->num_channels;
	if (out)
		memcpy(out, rp->channels, (n < max ? n : max) * sizeof(*out));
	pthread_mutex_unlock(&rp->lock);
	return n;
}

void virtio_rpmsg_get_stats(struct virtio_rpmsg *rp, struct virtio_rpmsg_stats *st)
{
	pthread_mutex_lock(&rp->lock);
	*st = rp->stats;
	pthread_mutex_unlock(&rp->lock);
	pthread_mutex_lock(&rp->wake_lock);
	st->kicks_in = rp->kicks_in;
	pthread_mutex_unlock(&rp->wake_lock);
}

int virtio_rpmsg_wait_up(struct virtio_rpmsg *rp, unsigned int timeout_ms)
{
	struct timespec until;
	int ret = 0;

	deadline_in(&until, timeout_ms);
	pthread_mutex_lock(&rp->lock);
	while (rp->state == VIRTIO_RPMSG_DOWN && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&rp->cond, &rp->lock, &until);
	ret = rp->state == VIRTIO_RPMSG_UP	 ? 0
	      : rp->state == VIRTIO_RPMSG_BROKEN ? -EIO
						 : -ETIMEDOUT;
	pthread_mutex_unlock(&rp->lock);
	return ret;
}

/* ---- endpoints ---- */

static struct rpmsg_endpoint *ept_find_locked(struct virtio_rpmsg *rp, uint32_t addr)
{
	struct rpmsg_endpoint *e;

	for (e = rp->epts; e; e = e->next)
		if (e->addr == addr)
			return e;
	return NULL;
}

struct rpmsg_endpoint *rpmsg_create_ept(struct virtio_rpmsg *rp, uint32_t addr, rpmsg_rx_cb cb,
					void *priv, struct rpt_error *err)
{
	struct rpmsg_endpoint *ept;

	ept = calloc(1, sizeof(*ept));
	if (!ept) {
		rpt_error_set(err, ENOMEM, "%s: vdev%u: out of memory", rp->rproc->dev_name,
			      rp->vdev);
		return NULL;
	}
	pthread_mutex_lock(&rp->lock);
	if (rp->num_epts >= RPMSG_MAX_EPTS) {
		rpt_error_set(err, ENOSPC, "%s: vdev%u: already %u endpoints", rp->rproc->dev_name,
			      rp->vdev, RPMSG_MAX_EPTS);
		goto fail;
	}
	if (addr == RPMSG_ADDR_ANY) {
		/* Linux idr_alloc(RPMSG_RESERVED_ADDRESSES, 0): the lowest free one. */
		for (addr = RPMSG_FIRST_HOST_ADDR; ept_find_locked(rp, addr); addr++)
			;
	} else if (addr < RPMSG_FIRST_HOST_ADDR) {
		rpt_error_set(err, EINVAL,
			      "%s: vdev%u: endpoint address 0x%x is reserved (below 0x%x)",
			      rp->rproc->dev_name, rp->vdev, addr, RPMSG_FIRST_HOST_ADDR);
		goto fail;
	} else if (ept_find_locked(rp, addr)) {
		rpt_error_set(err, EADDRINUSE, "%s: vdev%u: endpoint address 0x%x is in use",
			      rp->rproc->dev_name, rp->vdev, addr);
		goto fail;
	}
	ept->rp = rp;
	ept->addr = addr;
	ept->cb = cb;
	ept->priv = priv;
	ept->next = rp->epts;
	rp->epts = ept;
	rp->num_epts++;
	pthread_mutex_unlock(&rp->lock);
	return ept;

fail:
	pthread_mutex_unlock(&rp->lock);
	free(ept);
	return NULL;
}

void rpmsg_destroy_ept(struct rpmsg_endpoint *ept)
{
	struct virtio_rpmsg *rp;
	struct rpmsg_endpoint **pp;

	if (!ept)
		return;
	rp = ept->rp;
	pthread_mutex_lock(&rp->lock);
	for (pp = &rp->epts; *pp; pp = &(*pp)->next) {
		if (*pp == ept) {
			*pp = ept->next;
			rp->num_epts--;
			break;
		}
	}
	pthread_mutex_unlock(&rp->lock);
	/* A callback running now finishes first (unless this is that callback). */
	if (in_callback != rp) {
		pthread_mutex_lock(&rp->ept_lock);
		pthread_mutex_unlock(&rp->ept_lock);
	}
	free(ept);
}

uint32_t rpmsg_ept_addr(const struct rpmsg_endpoint *ept)
{
	return ept->addr;
}

/* ---- sending (Linux rpmsg_send_offchannel_raw) ---- */

/* Linux rpmsg_downref_sleepers(): the last waiting sender turns tx interrupts off again. */
static void tx_downref_locked(struct virtio_rpmsg *rp)
{
	if (!--rp->tx_waiters && rp->state == VIRTIO_RPMSG_UP)
		virtqueue_disable_cb(&rp->svq);
}

/* A free transmit buffer (Linux get_a_tx_buf), or NULL. */
static void *get_tx_buf_locked(struct virtio_rpmsg *rp)
{
	/* Linux: every buffer once, in order, then those the firmware gave back. */
	if (rp->last_sbuf < rp->tx_max)
		return rp->bufs + (size_t)(rp->num_bufs / 2 + rp->last_sbuf++) * RPMSG_BUF_SIZE;
	if (rp->num_tx_free)
		return rp->tx_free[--rp->num_tx_free];
	tx_reclaim_locked(rp);
	if (rp->state == VIRTIO_RPMSG_UP && rp->num_tx_free)
		return rp->tx_free[--rp->num_tx_free];
	return NULL;
}

int rpmsg_sendto(struct rpmsg_endpoint *ept, uint32_t dst, const void *data, size_t len,
		 unsigned int timeout_ms, struct rpt_error *err)
{
	struct virtio_rpmsg *rp = ept->rp;
	const char *dev = rp->rproc->dev_name;
	struct timespec until, now, poll;
	bool waited = false, notify;
	void *buf = NULL;
	size_t n;
	int ret, nid;

	if (len > RPMSG_MAX_PAYLOAD)
		return rpt_error_set(err, EMSGSIZE,
				     "%s: vdev%u: %zu bytes: at most %u fit a message", dev,
				     rp->vdev, len, RPMSG_MAX_PAYLOAD);
	if (dst == RPMSG_ADDR_ANY || (len && !data))
		return rpt_error_set(err, EINVAL, "%s: vdev%u: no destination or no data", dev,
				     rp->vdev);
	deadline_in(&until, timeout_ms);
	pthread_mutex_lock(&rp->lock);
	for (;;) {
		if (rp->state == VIRTIO_RPMSG_BROKEN) {
			ret = rpt_error_set(err, EIO, "%s: vdev%u: rpmsg device broken: %s", dev,
					    rp->vdev, rp->why);
			goto out;
		}
		if (rp->state != VIRTIO_RPMSG_UP) {
			ret = rpt_error_set(
				err, ENOTCONN,
				"%s: vdev%u: rpmsg device not up (processor not running)", dev,
				rp->vdev);
			goto out;
		}
		buf = get_tx_buf_locked(rp);
		if (buf)
			break;
		if (rp->state != VIRTIO_RPMSG_UP)
			continue; /* reclaiming found it broken */
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!timeout_ms || !ts_before(&now, &until)) {
			ret = rpt_error_set(err, ETIMEDOUT,
					    "%s: vdev%u: no free transmit buffer: the firmware has "
					    "not consumed the %u in flight (waited %u ms)",
					    dev, rp->vdev, rp->tx_max, timeout_ms);
			goto out;
		}
		if (!waited) {
			rp->stats.tx_waits++;
			waited = true;
		}
		/*
		 * Linux rpmsg_upref_sleepers(): the first waiting sender asks the
		 * firmware to kick vring1 when it gives a buffer back (the receive
		 * thread then reclaims it and wakes us). A firmware that ignores
		 * it is covered too: we look at the used ring every millisecond.
		 */
		if (!rp->tx_waiters++ && !virtqueue_enable_cb(&rp->svq)) {
			tx_downref_locked(rp); /* buffers came back meanwhile: take them */
			continue;
		}
		deadline_in(&poll, RPMSG_TX_POLL_MS);
		pthread_cond_timedwait(&rp->cond, &rp->lock,
				       ts_before(&poll, &until) ? &poll : &until);
		tx_downref_locked(rp);
	}
	n = rpmsg_msg_encode(buf, ept->addr, dst, data, (uint16_t)len);
	ret = virtqueue_add(&rp->svq, buf_da(rp, buf), (uint32_t)n, false, buf);
	if (ret) {
		rp->tx_free[rp->num_tx_free++] = buf;
		broken_locked(rp, "vdev%uvring1: cannot post transmit buffer %u (%s)", rp->vdev,
			      buf_index(rp, buf), rpt_strerror(ret));
		ret = rpt_error_set(err, EIO, "%s: vdev%u: rpmsg device broken: %s", dev, rp->vdev,
				    rp->why);
		goto out;
	}
	rp->stats.tx++;
	notify = virtqueue_kick_prepare(&rp->svq);
	nid = rp->tx_notifyid;
	pthread_mutex_unlock(&rp->lock);
	if (notify)
		rproc_vq_notify(rp->rproc, nid);
	return 0;

out:
	pthread_mutex_unlock(&rp->lock);
	return ret;
}
