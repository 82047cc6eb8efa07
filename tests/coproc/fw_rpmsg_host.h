/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small virtio-rpmsg host for the firmware tests, written in the test on
 * purpose (the real bus is src/normal/rpmsg): on the coproc fixture's board
 * it places the demo's two vrings in vdev0vring0/1, posts 512-byte buffers
 * from vdev0buffer (receive buffers first, send buffers in the second
 * half, as Linux), writes gfeatures and the status in the firmware's own
 * resource table, kicks through processor 1's IPCC driver, and reads back
 * what the firmware wrote byte for byte. Every wait is bounded
 * (FIX_WAIT_MS) and fails the test when it runs out.
 */
#ifndef RPT_TESTS_COPROC_FW_RPMSG_HOST_H
#define RPT_TESTS_COPROC_FW_RPMSG_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coproc_fixture.h"

#define FWH_TABLE_DA   0x10046000u /* the demo's resource table (isolated layout) */
#define FWH_VRING0_DA  0x10040000u /* vdev0vring0 */
#define FWH_VRING1_DA  0x10041000u /* vdev0vring1 */
#define FWH_BUF_DA     0x10042000u /* vdev0buffer */
#define FWH_BUF_SIZE   512u
#define FWH_NUM	       8u  /* the demo's vrings: 8 entries, */
#define FWH_ALIGN      16u /* used ring aligned to 16 */
#define FWH_HDR	       16u
#define FWH_NS_ADDR    0x35u
#define FWH_VQ_FW2HOST 0u    /* vring 0 */
#define FWH_VQ_HOST2FW 1u    /* vring 1 */
#define FWH_PATTERN    0xA5u /* fills every buffer before it is posted */
#define FWH_DRIVER_OK  7u    /* ACKNOWLEDGE | DRIVER | DRIVER_OK */

/* The host side of the demo's vdev. */
struct fwh {
	struct fix_board *board; /* memories */
	struct fix_events *ev;	 /* kicks the firmware rang (per vring) */
	struct coproc *core;	 /* for processor 1's IPCC registers */
	struct stm32_ipcc *ipcc; /* processor 1's driver: our kicks */
	uint32_t vdev_da;	 /* the vdev entry in the firmware's table */
	uint32_t ring_da[2];	 /* where the vrings are placed */
	uint32_t buf_da;	 /* vdev0buffer */
	uint16_t avail_idx[2];	 /* what we last wrote in avail.idx */
	uint16_t last_used[2];	 /* used entries read so far */
	unsigned int rx_next;	 /* next receive buffer (0..FWH_NUM-1, then wraps) */
	unsigned int tx_next;	 /* next send buffer (FWH_NUM..2*FWH_NUM-1, then wraps) */
};

/* Where a board has the firmware's table, the vring memories and vdev0buffer. */
struct fwh_layout {
	uint32_t table_da;   /* the resource table */
	uint32_t ring_da[2]; /* vdev0vring0, vdev0vring1 */
	uint32_t buf_da;     /* vdev0buffer */
};

/* The STM32MP15 boards (FWH_TABLE_DA, FWH_VRING0_DA, ...). */
extern const struct fwh_layout fwh_stm32mp15;

/* A used entry as the firmware wrote it. */
struct fwh_used {
	uint32_t id;  /* descriptor index */
	uint32_t len; /* bytes it says it used */
};

/*
 * Find the vdev entry in the firmware's table (loaded on the board), place
 * the vrings (da written in the entry, ring memory zeroed). Nothing posted,
 * status left as it is (0).
 */
void fwh_init(struct fwh *h, struct fix_board *b, struct fix_events *ev, struct coproc *core,
	      struct stm32_ipcc *ipcc);
/* The same on another board's layout. */
void fwh_init_layout(struct fwh *h, struct fix_board *b, struct fix_events *ev, struct coproc *core,
		     struct stm32_ipcc *ipcc, const struct fwh_layout *l);
/* The status byte (ACKNOWLEDGE 1, DRIVER 2, DRIVER_OK 4); gfeatures as given. */
void fwh_set_status(struct fwh *h, uint8_t status);
void fwh_set_gfeatures(struct fwh *h, uint32_t features);
/* The vdev entry's byte at offset off (status is at 24). */
uint8_t fwh_vdev_byte(struct fwh *h, uint32_t off);
/* Linux's order: gfeatures (VIRTIO_RPMSG_F_NS), status 1, 3, then (after posting) 7. */
void fwh_driver_ok(struct fwh *h);
/* Post n empty receive buffers (512 bytes, filled with FWH_PATTERN) in vring 0. */
void fwh_post_rx(struct fwh *h, unsigned int n);
/*
 * Write descriptor id of vring vq (addr da, len, flags) and publish it in
 * the avail ring: any values, for the hostile cases.
 */
void fwh_post(struct fwh *h, uint32_t vq, uint32_t id, uint32_t da, uint32_t len, uint16_t flags);
/* Device address of receive buffer k (0..FWH_NUM-1), descriptor k of vring 0. */
uint32_t fwh_rx_buf_da(struct fwh *h, unsigned int k);
/*
 * Post a message (header src/dst/len, flags 0, then payload) in the next
 * send buffer in vring 1; kick unless told not to. Returns its descriptor index.
 */
uint32_t fwh_send(struct fwh *h, uint32_t src, uint32_t dst, const void *payload, uint16_t len,
		  bool kick);
/* The same with hdr_len in the header's len field (a lie when it differs from len). */
uint32_t fwh_send_hdr(struct fwh *h, uint32_t src, uint32_t dst, const void *payload, uint16_t len,
		      uint16_t hdr_len, bool kick);
/* Ring vring vq's doorbell (asserts the driver took it). */
void fwh_kick(struct fwh *h, uint32_t vq);
/* Wait until the firmware took our kicks (C1TOC2SR vring bits clear). */
bool fwh_wait_kicks_taken(struct fwh *h);
/* The firmware's used.idx of vring vq, as it is now. */
uint16_t fwh_used_idx(struct fwh *h, uint32_t vq);
/* Wait until used.idx of vq reaches want (mod 2^16 distance). */
bool fwh_wait_used(struct fwh *h, uint32_t vq, uint16_t want);
/* The next used entry of vq (it must be there). */
struct fwh_used fwh_next_used(struct fwh *h, uint32_t vq);
/*
 * Host pointer to buffer id of vdev0buffer: receive buffers 0..7 are vring 0's
 * descriptors 0..7, send buffers 8..15 vring 1's descriptors 0..7 (id + 8).
 */
uint8_t *fwh_buf(struct fwh *h, uint32_t id);
/* Host pointer to da (len bytes on the board). */
uint8_t *fwh_at(struct fwh *h, uint32_t da, uint32_t len);
/* Wait until C2TOC1SR of processor 2 has none of the vring bits (our driver took its kicks). */
bool fwh_wait_fw_kicks_acked(struct fwh *h);

/*
 * Wait until the firmware finished at least one whole turn of its loop
 * after this call: a heartbeat line newer than any in its trace (at da, len
 * bytes) now (the heartbeat is the last thing a turn does, every 500 ms).
 */
bool fwh_wait_turn(struct fwh *h, uint32_t trace_da, uint32_t trace_len);

#endif
