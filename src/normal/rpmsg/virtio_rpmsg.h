/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rpmsg bus over one virtio device of a remote processor, as Linux's
 * virtio_rpmsg_bus drives a remoteproc vdev (docs/DESIGN.md section 11):
 * at every start of the processor (a remoteproc sub-device, started after
 * the firmware runs and stopped before it stops) the vrings are set up in
 * their vdev<N>vring<M> memories, 512-byte buffers in vdev<N>buffer (the
 * first half received into, the second half sent from), gfeatures written,
 * status 1 -> 3, the receive buffers posted, status 7 (DRIVER_OK), kick.
 *
 * Channels: the name service (address 0x35) creates and destroys channels
 * from the firmware's announcements; the listener hears of them. Endpoints
 * get host addresses from 0x400 up. A send takes a free transmit buffer,
 * waiting up to a timeout when none is free; it never drops silently.
 *
 * Everything the firmware writes (vrings, message headers, announcements)
 * is hostile: the first violation marks the device broken with one log line
 * naming the field; its channels go away, sends fail with -EIO, and nothing
 * else in the process is affected. The next start of the processor starts
 * afresh.
 *
 * Threads: endpoint callbacks run in the context of the firmware's kick
 * (rproc_vq_interrupt: with the in-process board, the emulated core's own
 * thread; with rproc-teed, the connection's event thread), as Linux's run
 * in the mailbox's interrupt path; or on the bus's receive thread when that
 * one is busy. Like Linux's, they must not block, send, or call the rproc's
 * public API: the firmware waits while they run. The listener's
 * channel_add runs on the receive thread; channel_remove there, or in the
 * stop path of the remoteproc (rproc lock held: the listener must not call
 * the rproc's public API from it). Sends may come from any thread but a
 * callback's.
 */
#ifndef RPT_NORMAL_RPMSG_VIRTIO_RPMSG_H
#define RPT_NORMAL_RPMSG_VIRTIO_RPMSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "formats/virtio_rpmsg_wire.h"

struct rproc;

#define RPMSG_MAX_BUFS	      512u  /* Linux MAX_RPMSG_NUM_BUFS */
#define RPMSG_FIRST_HOST_ADDR 1024u /* 0x400, Linux RPMSG_RESERVED_ADDRESSES */

/* A channel the firmware announced. */
struct rpmsg_channel_info {
	char name[RPMSG_NAME_SIZE]; /* NUL-terminated ("rpmsg-tty") */
	uint32_t dst;		    /* the firmware's address (from the announcement) */
};

/* Who hears of channels (rprocd's tty and socket interfaces, tests). */
struct virtio_rpmsg_listener {
	/* The firmware announced a channel (receive thread). */
	void (*channel_add)(void *priv, const struct rpmsg_channel_info *ch);
	/*
	 * It went away: the firmware destroyed it, or the device goes down
	 * (stop, crash, broken). Every channel added gets exactly one remove.
	 */
	void (*channel_remove)(void *priv, const struct rpmsg_channel_info *ch);
};

/* What a device is doing. */
enum virtio_rpmsg_state {
	VIRTIO_RPMSG_DOWN = 0, /* processor not running, or its table has no such vdev */
	VIRTIO_RPMSG_UP,       /* DRIVER_OK given, messages flow */
	VIRTIO_RPMSG_BROKEN,   /* the firmware broke the rules: nothing flows until restart */
};

/* Counters (since creation). */
struct virtio_rpmsg_stats {
	unsigned long rx;	 /* messages received and delivered */
	unsigned long rx_no_ept; /* received for an address nobody has (dropped, logged) */
	unsigned long tx;	 /* messages sent */
	unsigned long tx_waits;	 /* sends that had to wait for a free buffer */
	unsigned long kicks_in;	 /* kicks from the firmware */
};

struct virtio_rpmsg;
struct rpmsg_endpoint;

/* A message for an endpoint (see Threads above): payload of len bytes from address src. */
typedef void (*rpmsg_rx_cb)(void *priv, const void *data, size_t len, uint32_t src);

/*
 * The bus for vdev number `vdev` (0-based, table order) of rproc, registered
 * as a sub-device: call before rproc_add(). NULL with err set on failure.
 */
struct virtio_rpmsg *virtio_rpmsg_create(struct rproc *rproc, unsigned int vdev,
					 struct rpt_error *err);
/* After rproc_del(): free it. Safe on NULL. */
void virtio_rpmsg_destroy(struct virtio_rpmsg *rp);
/*
 * Set the listener (NULL: none); the channels that exist now are announced
 * to it at once (channel_add, from the calling thread).
 */
void virtio_rpmsg_set_listener(struct virtio_rpmsg *rp, const struct virtio_rpmsg_listener *l,
			       void *priv);
enum virtio_rpmsg_state virtio_rpmsg_state(struct virtio_rpmsg *rp);
/* Why it is broken ("" otherwise) into buf. */
void virtio_rpmsg_broken_reason(struct virtio_rpmsg *rp, char *buf, size_t len);
/* A snapshot of the channels: how many exist (at most max copied to out). */
size_t virtio_rpmsg_channels(struct virtio_rpmsg *rp, struct rpmsg_channel_info *out, size_t max);
void virtio_rpmsg_get_stats(struct virtio_rpmsg *rp, struct virtio_rpmsg_stats *st);
/*
 * Wait until the device is UP (or broken/down after having been up) for at
 * most timeout_ms: 0 when UP, -ETIMEDOUT, -EIO when broken.
 */
int virtio_rpmsg_wait_up(struct virtio_rpmsg *rp, unsigned int timeout_ms);

/*
 * An endpoint at host address addr (RPMSG_ADDR_ANY: the lowest free one
 * from RPMSG_FIRST_HOST_ADDR; a given address below it or in use: -EADDRINUSE
 * / -EINVAL). cb receives what the firmware sends to it. Endpoints outlive
 * processor restarts (their addresses stay theirs); NULL with err on failure.
 */
struct rpmsg_endpoint *rpmsg_create_ept(struct virtio_rpmsg *rp, uint32_t addr, rpmsg_rx_cb cb,
					void *priv, struct rpt_error *err);
/* Remove it; once this returns, its callback no longer runs. Safe on NULL. */
void rpmsg_destroy_ept(struct rpmsg_endpoint *ept);
uint32_t rpmsg_ept_addr(const struct rpmsg_endpoint *ept);
/*
 * Send len (<= RPMSG_MAX_PAYLOAD, else -EMSGSIZE) bytes from ept to firmware
 * address dst. With no free buffer, waits up to timeout_ms (0: not at all)
 * then -ETIMEDOUT ("no free transmit buffer"). -ENOTCONN when the device is
 * not UP, -EIO when broken. err says which.
 */
int rpmsg_sendto(struct rpmsg_endpoint *ept, uint32_t dst, const void *data, size_t len,
		 unsigned int timeout_ms, struct rpt_error *err);

#endif
