// SPDX-License-Identifier: BSD-2-Clause
/*
 * The driver side of a split virtqueue: see virtqueue.h.
 *
 * Writes follow Linux's virtqueue_add_split() byte for byte: one descriptor
 * per buffer, taken from the head of a free list (0, 1, 2, ... on a fresh
 * queue, freed descriptors go back to the head), desc.next set to the free
 * list's next entry even though NEXT is clear, then the avail ring entry,
 * a release barrier, and avail.idx.
 *
 * The ring is read only in three places: used.idx, one used element, and the
 * descriptor named by a used element (to see whether the device changed it).
 * Each is read once into a local and checked against the private shadow; the
 * ring's copy of anything the host wrote is never trusted.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "normal/rpmsg/virtqueue.h"

static bool is_pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

/*
 * 16-bit loads and stores of the indices the other side reads or writes
 * while we run: one access (no torn value), with the ordering the protocol
 * needs. The fields are 2-byte aligned in a 2-byte aligned ring; a ring that
 * is not takes the byte path behind a full barrier.
 */
static uint16_t vq_load16(const uint8_t *p)
{
	uint16_t v;

	if ((uintptr_t)p & 1u) {
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		v = get_le16(p);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return v;
	}
	v = __atomic_load_n((const uint16_t *)(const void *)p, __ATOMIC_ACQUIRE);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	return v;
}

static void vq_store16(uint8_t *p, uint16_t v)
{
	if ((uintptr_t)p & 1u) {
		__atomic_thread_fence(__ATOMIC_RELEASE);
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		return;
	}
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap16(v);
#endif
	__atomic_store_n((uint16_t *)(void *)p, v, __ATOMIC_RELEASE);
}

/* Bytes of the desc table + avail ring, and of the used ring, for num entries. */
static void ring_parts(uint32_t num, size_t *desc_avail, size_t *used)
{
	/* num <= VRING_NUM_MAX: none of these products can overflow. */
	*desc_avail = (size_t)num * VRING_DESC_SIZE + 2u * (3u + (size_t)num);
	*used = (size_t)6 + (size_t)num * VRING_USED_ELEM_SIZE; /* flags, idx, ring, avail_event */
}

size_t virtqueue_ring_bytes(uint32_t num, uint32_t align)
{
	size_t desc_avail, used, off, total;

	if (!is_pow2(num) || num > VRING_NUM_MAX || !is_pow2(align))
		return 0;
	ring_parts(num, &desc_avail, &used);
	if (add_overflow(desc_avail, (size_t)align - 1u, &off))
		return 0;
	off &= ~((size_t)align - 1u);
	if (add_overflow(off, used, &total))
		return 0;
	return total;
}

int virtqueue_init(struct virtqueue *vq, const char *name, void *ring, size_t ring_len,
		   uint32_t num, uint32_t align, struct rpt_error *err)
{
	size_t need, desc_avail, used;
	uint32_t i;

	memset(vq, 0, sizeof(*vq));
	if (!name)
		name = "virtqueue";
	if (!is_pow2(num) || num > VRING_NUM_MAX)
		return rpt_error_set(err, -EINVAL, "%s: num %u is not a power of two <= %u", name,
				     num, VRING_NUM_MAX);
	if (!is_pow2(align))
		return rpt_error_set(err, -EINVAL, "%s: align %u is not a power of two", name,
				     align);
	need = virtqueue_ring_bytes(num, align);
	if (!need)
		return rpt_error_set(err, -EINVAL, "%s: align %u: the ring size overflows", name,
				     align);
	if (!ring || ring_len < need)
		return rpt_error_set(err, -EINVAL,
				     "%s: ring of %zu bytes, %zu needed for num %u align %u", name,
				     ring ? ring_len : (size_t)0, need, num, align);

	vq->shadow = calloc(num, sizeof(*vq->shadow));
	vq->free_next = calloc(num, sizeof(*vq->free_next));
	if (!vq->shadow || !vq->free_next) {
		virtqueue_fini(vq);
		return rpt_error_set(err, -ENOMEM, "%s: out of memory for %u entries", name, num);
	}
	snprintf(vq->name, sizeof(vq->name), "%s", name);
	ring_parts(num, &desc_avail, &used);
	vq->ring = ring;
	vq->ring_len = ring_len;
	vq->num = num;
	vq->align = align;
	vq->avail_off = (size_t)num * VRING_DESC_SIZE;
	vq->used_off = need - used;
	/* Linux's desc_extra[i].next = i + 1, the last one 0. */
	for (i = 0; i + 1 < num; i++)
		vq->free_next[i] = (uint16_t)(i + 1);
	vq->free_head = 0;
	vq->num_free = num;
	memset(ring, 0, ring_len);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	return 0;
}

void virtqueue_fini(struct virtqueue *vq)
{
	free(vq->shadow);
	free(vq->free_next);
	vq->shadow = NULL;
	vq->free_next = NULL;
	vq->num_free = 0;
	vq->num = 0;
}

/* The first violation wins: mark the queue broken, keep why, return -EIO. */
__attribute__((format(printf, 3, 4))) static int
vq_break(struct virtqueue *vq, struct rpt_error *err, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(vq->why, sizeof(vq->why), "%s: ", vq->name);
	if (n < 0 || (size_t)n >= sizeof(vq->why))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(vq->why + n, sizeof(vq->why) - (size_t)n, fmt, ap);
	va_end(ap);
	vq->broken = true;
	return rpt_error_set(err, -EIO, "%s", vq->why);
}

static uint8_t *desc_at(const struct virtqueue *vq, uint32_t i)
{
	return vq->ring + (size_t)i * VRING_DESC_SIZE;
}

int virtqueue_add(struct virtqueue *vq, uint32_t da, uint32_t len, bool device_writes, void *token)
{
	uint16_t head, flags, slot;
	uint8_t *d;

	if (vq->broken || !vq->shadow)
		return -EIO;
	if (!len)
		return -EINVAL;
	if (!vq->num_free)
		return -ENOSPC;

	head = vq->free_head;
	flags = device_writes ? VRING_DESC_F_WRITE : 0;
	d = desc_at(vq, head);
	put_le32(d, da);
	put_le32(d + 4, 0); /* addr's high half: device addresses are 32-bit */
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	/* Linux writes the free list's next even without NEXT; it stays free_next[head]. */
	put_le16(d + 14, vq->free_next[head]);

	vq->shadow[head] = (struct vq_shadow){
		.da = da, .len = len, .flags = flags, .posted = true, .token = token};
	vq->free_head = vq->free_next[head];
	vq->num_free--;

	slot = (uint16_t)(vq->avail_idx & (vq->num - 1u));
	put_le16(vq->ring + vq->avail_off + VRING_RING_OFF + 2u * (size_t)slot, head);
	/* The entry before the index that publishes it (vq_store16 releases). */
	vq->avail_idx++;
	vq_store16(vq->ring + vq->avail_off + VRING_IDX_OFF, vq->avail_idx);
	return 0;
}

/* The descriptor the device hands back must be exactly what the host posted. */
static int check_desc(struct virtqueue *vq, uint32_t id, struct rpt_error *err)
{
	const struct vq_shadow *s = &vq->shadow[id];
	const uint8_t *d = desc_at(vq, id);
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;

	addr = (uint64_t)get_le32(d) | (uint64_t)get_le32(d + 4) << 32;
	len = get_le32(d + 8);
	flags = get_le16(d + 12);
	next = get_le16(d + 14);
	if (addr != s->da)
		return vq_break(vq, err, "desc[%u].addr 0x%llx changed by the device (posted 0x%x)",
				id, (unsigned long long)addr, s->da);
	if (len != s->len)
		return vq_break(vq, err, "desc[%u].len %u changed by the device (posted %u)", id,
				len, s->len);
	if ((flags & VRING_DESC_F_NEXT) && !(s->flags & VRING_DESC_F_NEXT))
		return vq_break(
			vq, err,
			"desc[%u].flags 0x%x: NEXT set, a chain the host never made (posted 0x%x)",
			id, flags, s->flags);
	if (flags != s->flags)
		return vq_break(vq, err, "desc[%u].flags 0x%x changed by the device (posted 0x%x)",
				id, flags, s->flags);
	if (next != vq->free_next[id])
		return vq_break(vq, err, "desc[%u].next %u changed by the device (posted %u)", id,
				next, vq->free_next[id]);
	return 0;
}

int virtqueue_get_used(struct virtqueue *vq, void **token, uint32_t *len, struct rpt_error *err)
{
	const uint8_t *used = NULL, *elem;
	uint16_t used_idx, pending, slot;
	uint32_t outstanding, id, ulen;
	int ret;

	if (vq->broken)
		return rpt_error_set(err, -EIO, "%s", vq->why);
	if (!vq->shadow)
		return rpt_error_set(err, -EIO, "%s: not set up", vq->name);

	used = vq->ring + vq->used_off;
	used_idx = vq_load16(used + VRING_IDX_OFF); /* acquire: the entries after it */
	pending = (uint16_t)(used_idx - vq->last_used);
	if (!pending)
		return 0;
	outstanding = vq->num - vq->num_free;
	if (pending > outstanding)
		return vq_break(
			vq, err,
			"used.idx %u jumps %u entries past the %u consumed, only %u buffers posted",
			used_idx, pending, vq->last_used, outstanding);

	slot = (uint16_t)(vq->last_used & (vq->num - 1u));
	elem = used + VRING_RING_OFF + (size_t)slot * VRING_USED_ELEM_SIZE;
	id = get_le32(elem);
	ulen = get_le32(elem + 4);
	if (id >= vq->num)
		return vq_break(vq, err, "used.ring[%u].id %u >= num %u", slot, id, vq->num);
	if (!vq->shadow[id].posted)
		return vq_break(vq, err, "used.ring[%u].id %u was not posted (or already returned)",
				slot, id);
	if (ulen > vq->shadow[id].len)
		return vq_break(vq, err, "used.ring[%u].len %u > posted length %u of desc[%u]",
				slot, ulen, vq->shadow[id].len, id);
	ret = check_desc(vq, id, err);
	if (ret)
		return ret;

	/* Linux's detach_buf_split(): back to the head of the free list. */
	if (token)
		*token = vq->shadow[id].token;
	if (len)
		*len = ulen;
	vq->shadow[id].posted = false;
	vq->shadow[id].token = NULL;
	vq->free_next[id] = vq->free_head;
	vq->free_head = (uint16_t)id;
	vq->num_free++;
	vq->last_used++;
	return 1;
}

bool virtqueue_kick_prepare(struct virtqueue *vq)
{
	uint16_t flags;

	if (vq->broken || !vq->shadow || vq->avail_idx == vq->kicked_avail)
		return false;
	vq->kicked_avail = vq->avail_idx;
	/* Linux's virtio_mb(): avail.idx is visible before used.flags is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	flags = vq_load16(vq->ring + vq->used_off + VRING_FLAGS_OFF);
	return !(flags & VRING_USED_F_NO_NOTIFY);
}

void virtqueue_disable_cb(struct virtqueue *vq)
{
	if (vq->broken || !vq->shadow)
		return;
	vq_store16(vq->ring + vq->avail_off + VRING_FLAGS_OFF, VRING_AVAIL_F_NO_INTERRUPT);
}

bool virtqueue_enable_cb(struct virtqueue *vq)
{
	uint16_t used_idx;

	if (vq->broken || !vq->shadow)
		return false;
	vq_store16(vq->ring + vq->avail_off + VRING_FLAGS_OFF, 0);
	/* Linux's virtio_mb(): the flag is visible before used.idx is read again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	used_idx = vq_load16(vq->ring + vq->used_off + VRING_IDX_OFF);
	return used_idx == vq->last_used;
}

uint32_t virtqueue_num_free(const struct virtqueue *vq)
{
	return vq->num_free;
}

bool virtqueue_is_broken(const struct virtqueue *vq)
{
	return vq->broken;
}

const char *virtqueue_broken_reason(const struct virtqueue *vq)
{
	return vq->broken ? vq->why : "";
}
