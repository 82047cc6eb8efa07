// SPDX-License-Identifier: BSD-2-Clause
#include "fw_rpmsg_host.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/safe_math.h"
#include "coproc/stm32_ipcc_regs.h"

/* Offsets in a legacy vring of FWH_NUM entries aligned to FWH_ALIGN. */
#define AVAIL_OFF (16u * FWH_NUM)
#define USED_OFF  ((AVAIL_OFF + 2u * (3u + FWH_NUM) + FWH_ALIGN - 1u) & ~(FWH_ALIGN - 1u))
#define RING_LEN  (USED_OFF + 6u + 8u * FWH_NUM)
/* In the vdev entry (Linux fw_rsc_vdev): gfeatures, status, vring[i].da. */
#define VDEV_GFEATURES 16u
#define VDEV_STATUS    24u
#define VDEV_VRING(i)  (28u + 20u * (i))
#define RSC_VDEV       3u

uint8_t *fwh_at(struct fwh *h, uint32_t da, uint32_t len)
{
	uint8_t *p = fix_da(h->board, da, len);

	if (!p)
		fail_msg("0x%08x (+0x%x) is not on the board", da, len);
	return p;
}

static uint8_t *ring(struct fwh *h, uint32_t vq)
{
	return fwh_at(h, h->ring_da[vq], RING_LEN);
}

/* Host writes are seen by the core thread in program order. */
static void fence(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

const struct fwh_layout fwh_stm32mp15 = {
	.table_da = FWH_TABLE_DA,
	.ring_da = {FWH_VRING0_DA, FWH_VRING1_DA},
	.buf_da = FWH_BUF_DA,
};

void fwh_init(struct fwh *h, struct fix_board *b, struct fix_events *ev, struct coproc *core,
	      struct stm32_ipcc *ipcc)
{
	fwh_init_layout(h, b, ev, core, ipcc, &fwh_stm32mp15);
}

void fwh_init_layout(struct fwh *h, struct fix_board *b, struct fix_events *ev, struct coproc *core,
		     struct stm32_ipcc *ipcc, const struct fwh_layout *l)
{
	uint8_t *t;
	uint32_t i, n, off;

	memset(h, 0, sizeof(*h));
	h->board = b;
	h->ev = ev;
	h->core = core;
	h->ipcc = ipcc;
	h->ring_da[0] = l->ring_da[0];
	h->ring_da[1] = l->ring_da[1];
	h->buf_da = l->buf_da;
	t = fwh_at(h, l->table_da, 16);
	n = get_le32(t + 4);
	assert_int_equal(get_le32(t), 1);
	assert_true(n <= 8);
	t = fwh_at(h, l->table_da, 16 + 4 * n);
	for (i = 0; i < n && !h->vdev_da; i++) {
		off = get_le32(t + 16 + 4 * i);
		if (get_le32(fwh_at(h, l->table_da + off, 4)) == RSC_VDEV)
			h->vdev_da = l->table_da + off;
	}
	assert_true(h->vdev_da != 0);
	t = fwh_at(h, h->vdev_da, VDEV_VRING(2));
	for (i = 0; i < 2; i++) {
		/* The demo's table: num 8, align 16, notify ids 0 and 1. */
		assert_int_equal(get_le32(t + VDEV_VRING(i) + 4), FWH_ALIGN);
		assert_int_equal(get_le32(t + VDEV_VRING(i) + 8), FWH_NUM);
		memset(ring(h, i), 0, RING_LEN);
		put_le32(t + VDEV_VRING(i), h->ring_da[i]);
	}
	h->tx_next = FWH_NUM;
	fence();
}

void fwh_set_status(struct fwh *h, uint8_t status)
{
	fence();
	*(volatile uint8_t *)fwh_at(h, h->vdev_da + VDEV_STATUS, 1) = status;
	fence();
}

void fwh_set_gfeatures(struct fwh *h, uint32_t features)
{
	put_le32(fwh_at(h, h->vdev_da + VDEV_GFEATURES, 4), features);
	fence();
}

uint8_t fwh_vdev_byte(struct fwh *h, uint32_t off)
{
	return *(volatile uint8_t *)fwh_at(h, h->vdev_da + off, 1);
}

void fwh_driver_ok(struct fwh *h)
{
	fwh_set_gfeatures(h, 1u); /* VIRTIO_RPMSG_F_NS */
	fwh_set_status(h, 1);
	fwh_set_status(h, 3);
	fwh_set_status(h, FWH_DRIVER_OK);
}

uint32_t fwh_rx_buf_da(struct fwh *h, unsigned int k)
{
	return h->buf_da + (k % FWH_NUM) * FWH_BUF_SIZE;
}

void fwh_post(struct fwh *h, uint32_t vq, uint32_t id, uint32_t da, uint32_t len, uint16_t flags)
{
	uint8_t *r = ring(h, vq), *d = r + 16 * (id % FWH_NUM);

	put_le32(d, da);
	put_le32(d + 4, 0);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, 0);
	put_le16(r + AVAIL_OFF + 4 + 2 * (h->avail_idx[vq] % FWH_NUM), (uint16_t)id);
	fence(); /* the entry before the index */
	h->avail_idx[vq]++;
	put_le16(r + AVAIL_OFF + 2, h->avail_idx[vq]);
	fence();
}

void fwh_post_rx(struct fwh *h, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++, h->rx_next++) {
		uint32_t id = h->rx_next % FWH_NUM;

		memset(fwh_at(h, fwh_rx_buf_da(h, id), FWH_BUF_SIZE), FWH_PATTERN, FWH_BUF_SIZE);
		fwh_post(h, FWH_VQ_FW2HOST, id, fwh_rx_buf_da(h, id), FWH_BUF_SIZE,
			 2 /* VRING_DESC_F_WRITE */);
	}
}

uint32_t fwh_send(struct fwh *h, uint32_t src, uint32_t dst, const void *payload, uint16_t len,
		  bool kick)
{
	return fwh_send_hdr(h, src, dst, payload, len, len, kick);
}

uint32_t fwh_send_hdr(struct fwh *h, uint32_t src, uint32_t dst, const void *payload, uint16_t len,
		      uint16_t hdr_len, bool kick)
{
	uint32_t k = h->tx_next++ % FWH_NUM, da = h->buf_da + (FWH_NUM + k) * FWH_BUF_SIZE;
	uint8_t *b = fwh_at(h, da, FWH_BUF_SIZE);

	assert_true(len <= FWH_BUF_SIZE - FWH_HDR);
	memset(b, FWH_PATTERN, FWH_BUF_SIZE);
	put_le32(b, src);
	put_le32(b + 4, dst);
	put_le32(b + 8, 0);
	put_le16(b + 12, hdr_len);
	put_le16(b + 14, 0);
	memcpy(b + FWH_HDR, payload, len);
	fwh_post(h, FWH_VQ_HOST2FW, k, da, FWH_BUF_SIZE, 0);
	if (kick)
		fwh_kick(h, FWH_VQ_HOST2FW);
	return k;
}

void fwh_kick(struct fwh *h, uint32_t vq)
{
	assert_int_equal(stm32_ipcc_kick(h->ipcc, vq), 0);
}

static void nap(void)
{
	usleep(2000);
}

bool fwh_wait_kicks_taken(struct fwh *h)
{
	uint32_t v = ~0u;
	unsigned int ms;

	for (ms = 0; ms < FIX_WAIT_MS; ms += 2) {
		assert_int_equal(coproc_ipcc_host_read(h->core, IPCC_C1TOC2SR, &v), 0);
		if (!(v & ((1u << IPCC_CH_VRING0) | (1u << IPCC_CH_VRING1))))
			return true;
		nap();
	}
	return false;
}

bool fwh_wait_fw_kicks_acked(struct fwh *h)
{
	uint32_t v = ~0u;
	unsigned int ms;

	for (ms = 0; ms < FIX_WAIT_MS; ms += 2) {
		assert_int_equal(coproc_ipcc_host_read(h->core, IPCC_C2TOC1SR, &v), 0);
		if (!(v & ((1u << IPCC_CH_VRING0) | (1u << IPCC_CH_VRING1))))
			return true;
		nap();
	}
	return false;
}

uint16_t fwh_used_idx(struct fwh *h, uint32_t vq)
{
	const volatile uint8_t *p = ring(h, vq) + USED_OFF + 2;

	return (uint16_t)(p[0] | p[1] << 8);
}

bool fwh_wait_used(struct fwh *h, uint32_t vq, uint16_t want)
{
	unsigned int ms;

	for (ms = 0; ms < FIX_WAIT_MS; ms += 2) {
		if ((uint16_t)(fwh_used_idx(h, vq) - h->last_used[vq]) >=
		    (uint16_t)(want - h->last_used[vq]))
			return true;
		nap();
	}
	return false;
}

struct fwh_used fwh_next_used(struct fwh *h, uint32_t vq)
{
	uint8_t *e;
	struct fwh_used u;

	assert_true(fwh_used_idx(h, vq) != h->last_used[vq]);
	fence();
	e = ring(h, vq) + USED_OFF + 4 + 8 * (h->last_used[vq] % FWH_NUM);
	u.id = get_le32(e);
	u.len = get_le32(e + 4);
	h->last_used[vq]++;
	return u;
}

uint8_t *fwh_buf(struct fwh *h, uint32_t id)
{
	assert_true(id < 2 * FWH_NUM);
	return fwh_at(h, h->buf_da + id * FWH_BUF_SIZE, FWH_BUF_SIZE);
}

/* The highest heartbeat number in the trace (0: none yet). */
static unsigned long last_heartbeat(struct fwh *h, uint32_t da, uint32_t len)
{
	const volatile uint8_t *t = fwh_at(h, da, len);
	char *c = calloc(1, (size_t)len + 1), *p;
	unsigned long n = 0, v;
	uint32_t i;

	assert_non_null(c);
	for (i = 0; i < len; i++)
		c[i] = (char)t[i];
	for (p = c; (p = strstr(p, "heartbeat ")) != NULL;) {
		p += strlen("heartbeat ");
		v = strtoul(p, NULL, 10);
		if (v > n)
			n = v;
	}
	free(c);
	return n;
}

bool fwh_wait_turn(struct fwh *h, uint32_t trace_da, uint32_t trace_len)
{
	char line[64];

	snprintf(line, sizeof(line), "heartbeat %lu\n", last_heartbeat(h, trace_da, trace_len) + 1);
	return fix_wait_text(h->board, trace_da, trace_len, line);
}
