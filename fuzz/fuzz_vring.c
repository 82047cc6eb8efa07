// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the driver side of a split virtqueue
 * (src/normal/rpmsg/virtqueue.c) against ring memory the firmware controls.
 *
 * The input is a script. Byte 0 picks the queue (num 1..32, align 1..4096),
 * then each op byte is either the host's move (post a buffer, take a used
 * one, kick_prepare, disable_cb, enable_cb) or the device's write into the
 * shared ring: an honest device step (take the next avail entry, hand it back with a
 * length), a used element with any id and length, any used.idx, any byte of
 * the descriptor table or anywhere in the ring, used.flags. The ring is an
 * exact-size allocation, so ASan sees any access past it.
 *
 * Beyond the sanitizers, invariants checked after every op (abort() on any):
 *   - num_free <= num, and equals num minus the buffers posted and not yet
 *     returned (a model kept here, never read from the ring);
 *   - a token returned was posted and not returned since, with a length no
 *     more than the one posted;
 *   - add fails with -ENOSPC exactly when nothing is free;
 *   - a refusal (-EIO) marks the queue broken with a reason naming the
 *     queue; a broken queue stays broken and every call then fails.
 * Seeds: fuzz/corpus/fuzz_vring.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "normal/rpmsg/virtqueue.h"

#define FUZZ_MAX_NUM 32u

/* The host's model of one posted buffer (the token handed to the queue points at it). */
struct posted {
	bool out;     /* posted and not returned */
	uint32_t len; /* the length posted */
};

struct script {
	const uint8_t *p; /* next input byte */
	size_t left;	  /* bytes left */
};

static uint8_t next8(struct script *s)
{
	if (!s->left)
		return 0;
	s->left--;
	return *s->p++;
}

static uint16_t next16(struct script *s)
{
	uint16_t lo = next8(s);

	return (uint16_t)(lo | next8(s) << 8);
}

static uint32_t next32(struct script *s)
{
	uint32_t lo = next16(s);

	return lo | (uint32_t)next16(s) << 16;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct posted model[FUZZ_MAX_NUM];
	struct script s = {data, size};
	struct rpt_error err = {0};
	struct virtqueue vq;
	uint32_t num, align, outstanding = 0, i;
	uint16_t dev_used = 0, dev_avail = 0;
	size_t ring_len, used_off;
	uint8_t *ring, cfg;
	bool was_broken = false;

	if (!size)
		return 0;
	cfg = next8(&s);
	num = 1u << (cfg % 6);		 /* 1 .. 32 */
	align = 1u << ((cfg >> 3) % 13); /* 1 .. 4096 */
	ring_len = virtqueue_ring_bytes(num, align);
	if (!ring_len)
		abort();
	ring = malloc(ring_len);
	if (!ring)
		return 0;
	if (virtqueue_init(&vq, "vdev0vring0", ring, ring_len, num, align, &err))
		abort();
	used_off = ring_len - (6u + 8u * num);
	memset(model, 0, sizeof(model));

	while (s.left) {
		uint8_t op = next8(&s);
		void *tok = NULL;
		uint32_t len = 0;
		int ret;

		switch (op % 10) {
		case 0: { /* host: post a buffer */
			uint32_t blen = next16(&s);
			struct posted *m = NULL;

			for (i = 0; i < num && !m; i++)
				if (!model[i].out)
					m = &model[i];
			ret = virtqueue_add(&vq, 0x10040000u + 512u * (op >> 4), blen, op & 0x10,
					    m);
			if (was_broken) {
				if (ret != -EIO)
					abort();
			} else if (!blen) {
				if (ret != -EINVAL)
					abort();
			} else if (outstanding == num) {
				if (ret != -ENOSPC || m)
					abort();
			} else {
				if (ret || !m)
					abort();
				m->out = true;
				m->len = blen;
				outstanding++;
			}
			break;
		}
		case 1: /* host: take what the device handed back */
			rpt_error_clear(&err);
			ret = virtqueue_get_used(&vq, &tok, &len, &err);
			if (ret == 1) {
				struct posted *m = tok;

				if (was_broken || m < model || m >= model + num || !m->out ||
				    len > m->len)
					abort();
				m->out = false;
				outstanding--;
			} else if (ret == -EIO) {
				if (!virtqueue_is_broken(&vq) || err.code != -EIO ||
				    strncmp(err.msg, "vdev0vring0: ", 13) ||
				    strcmp(err.msg, virtqueue_broken_reason(&vq)))
					abort();
				was_broken = true;
			} else if (ret != 0 || was_broken) {
				abort();
			}
			break;
		case 2: { /* device: honest step, the next avail entry handed back */
			uint16_t aidx = get_le16(ring + 16u * num + 2);
			uint16_t id;

			if (aidx == dev_avail)
				break;
			id = get_le16(ring + 16u * num + 4 + 2u * (dev_avail % num));
			dev_avail++;
			len = next16(&s);
			put_le32(ring + used_off + 4 + 8u * (dev_used % num), id);
			put_le32(ring + used_off + 8 + 8u * (dev_used % num), len);
			dev_used++;
			ring[used_off + 2] = (uint8_t)dev_used;
			ring[used_off + 3] = (uint8_t)(dev_used >> 8);
			break;
		}
		case 3: { /* device: any used element at the next slot */
			uint32_t id = next32(&s);

			len = next32(&s);
			put_le32(ring + used_off + 4 + 8u * (dev_used % num), id);
			put_le32(ring + used_off + 8 + 8u * (dev_used % num), len);
			dev_used++;
			ring[used_off + 2] = (uint8_t)dev_used;
			ring[used_off + 3] = (uint8_t)(dev_used >> 8);
			break;
		}
		case 4: /* device: any used.idx */
			dev_used = next16(&s);
			ring[used_off + 2] = (uint8_t)dev_used;
			ring[used_off + 3] = (uint8_t)(dev_used >> 8);
			break;
		case 5: { /* device: one byte of the descriptor table */
			uint16_t off = next16(&s);

			ring[off % (16u * num)] = next8(&s);
			break;
		}
		case 6: { /* device: one byte anywhere in the ring */
			uint16_t off = next16(&s);

			ring[off % ring_len] = next8(&s);
			break;
		}
		case 7: /* device: used.flags */
			ring[used_off] = next8(&s);
			break;
		case 8:
			if (virtqueue_kick_prepare(&vq) && was_broken)
				abort();
			break;
		default:
			if (!(op & 0x10))
				virtqueue_disable_cb(&vq);
			else if (virtqueue_enable_cb(&vq) && was_broken)
				abort();
			break;
		}
		if (virtqueue_num_free(&vq) > num || virtqueue_is_broken(&vq) != was_broken)
			abort();
		if (!was_broken && virtqueue_num_free(&vq) != num - outstanding)
			abort();
	}
	virtqueue_fini(&vq);
	free(ring);
	return 0;
}
