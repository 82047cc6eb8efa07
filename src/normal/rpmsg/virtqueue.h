/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The driver side (the host's) of one split virtqueue in the legacy layout
 * (virtio 0.9.5 / Linux vring.h, little-endian): descriptor table, then the
 * avail ring, then the used ring aligned to `align`. The host posts buffers
 * (desc + avail); the device (the firmware) hands them back in the used ring.
 *
 * Everything in the ring memory is shared with the firmware, so it is
 * hostile: the host never reads back what it wrote (a private shadow of
 * every posted descriptor is the truth), and what the device writes (used
 * ring entries and index, and any change to a descriptor the host owns) is
 * checked before it is believed. The first violation marks the queue
 * broken with a message naming the field; a broken queue does nothing more.
 */
#ifndef RPT_NORMAL_RPMSG_VIRTQUEUE_H
#define RPT_NORMAL_RPMSG_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "formats/virtio_rpmsg_wire.h"

/* One posted buffer as the host knows it (the shadow of its descriptor). */
struct vq_shadow {
	uint32_t da;	/* device address written in desc.addr */
	uint32_t len;	/* bytes written in desc.len */
	uint16_t flags; /* desc.flags written (VRING_DESC_F_WRITE or 0) */
	bool posted;	/* owned by the device right now */
	void *token;	/* the caller's handle, returned by virtqueue_get_used */
};

/* One virtqueue, driver side. Fields are private to virtqueue.c. */
struct virtqueue {
	char name[32];		    /* for messages: "vdev0vring0" */
	uint8_t *ring;		    /* host mapping of the ring memory */
	size_t ring_len;	    /* bytes mapped at ring */
	uint32_t num;		    /* entries (power of two) */
	uint32_t align;		    /* used ring alignment */
	size_t avail_off, used_off; /* offsets of the avail and used rings in ring */
	struct vq_shadow *shadow;   /* num entries: what the host posted at each index */
	uint16_t free_head;	    /* next free descriptor (free list through free_next) */
	uint16_t *free_next;	    /* num entries */
	uint32_t num_free;	    /* descriptors not posted */
	uint16_t avail_idx;	    /* the host's avail.idx (what it last wrote) */
	uint16_t last_used;	    /* used entries consumed so far (mod 2^16) */
	uint16_t kicked_avail;	    /* avail_idx at the last kick_prepare */
	bool broken;		    /* a violation was seen: the queue does nothing more */
	char why[160];		    /* the first violation, naming the field */
};

/* Bytes of a vring of num entries with this used-ring alignment (Linux vring_size()). */
size_t virtqueue_ring_bytes(uint32_t num, uint32_t align);

/*
 * Set up vq over ring_len bytes at ring (zeroed here: a fresh queue). num a
 * power of two <= VRING_NUM_MAX, align a power of two, the rings must
 * fit in ring_len. 0 or a negative errno (err says which value is wrong).
 */
int virtqueue_init(struct virtqueue *vq, const char *name, void *ring, size_t ring_len,
		   uint32_t num, uint32_t align, struct rpt_error *err);
/* Free the shadow. The ring memory is left as it is. Safe on a zeroed vq. */
void virtqueue_fini(struct virtqueue *vq);

/*
 * Post one buffer [da, da + len) (device_writes: the device fills it, an rx
 * buffer) with the caller's token: written to a free descriptor and the
 * avail ring. -ENOSPC when every descriptor is posted, -EIO if broken.
 */
int virtqueue_add(struct virtqueue *vq, uint32_t da, uint32_t len, bool device_writes, void *token);
/*
 * The next buffer the device handed back: 1 and *token, *len (bytes the
 * device wrote, checked <= the posted length) set; 0 if none; -EIO if the
 * queue is or becomes broken (err, if given, holds the reason naming the
 * field: used.idx jump, used id out of range or not posted, used len,
 * descriptor changed by the device).
 */
int virtqueue_get_used(struct virtqueue *vq, void **token, uint32_t *len, struct rpt_error *err);
/* Whether the device wants a kick for what was added since the last call (used.flags). */
bool virtqueue_kick_prepare(struct virtqueue *vq);
/* Ask the device not to kick us when it uses buffers (avail.flags; Linux disable_cb). */
void virtqueue_disable_cb(struct virtqueue *vq);
/*
 * Ask the device to kick us again when it uses buffers (avail.flags cleared;
 * Linux enable_cb): true if the caller may sleep until the next kick, false
 * if used buffers are already waiting (take them with virtqueue_get_used
 * first: their kick may have been skipped) or the queue is broken.
 */
bool virtqueue_enable_cb(struct virtqueue *vq);
/* Descriptors not posted (free for virtqueue_add). */
uint32_t virtqueue_num_free(const struct virtqueue *vq);
bool virtqueue_is_broken(const struct virtqueue *vq);
/* The first violation ("" if none). */
const char *virtqueue_broken_reason(const struct virtqueue *vq);

#endif
