/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rpmsg wire format (Linux rpmsg_internal.h / virtio_rpmsg_bus.c,
 * OpenAMP rpmsg_virtio.h), little-endian, without any state: a message is a
 * 16-byte header (src u32, dst u32, reserved u32, len u16, flags u16) then
 * len bytes of payload; a name-service message (to address 0x35) is a
 * 40-byte body (name[32], addr u32, flags u32: 0 create, 1 destroy).
 *
 * The parsers read bytes the firmware wrote (shared memory, hostile): each
 * reads every field once into private memory and checks it; the caller uses
 * only what they return. Kept apart from the bus so that fuzz/fuzz_rpmsg.c
 * can drive them alone.
 */
#ifndef RPT_NORMAL_RPMSG_RPMSG_MSG_H
#define RPT_NORMAL_RPMSG_RPMSG_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "normal/rpmsg/virtio_rpmsg.h"

/* A message header, as read once from the buffer. */
struct rpmsg_hdr_info {
	uint32_t src;	   /* sender's address */
	uint32_t dst;	   /* recipient's address */
	uint32_t reserved; /* Linux writes 0, reads nothing */
	uint16_t len;	   /* payload bytes */
	uint16_t flags;	   /* Linux writes 0, reads nothing */
};

/* A name-service announcement, as read once. */
struct rpmsg_ns_info {
	char name[RPMSG_NAME_SIZE]; /* NUL-terminated (checked) */
	uint32_t addr;		    /* the firmware's endpoint address */
	uint32_t flags;		    /* RPMSG_NS_CREATE or RPMSG_NS_DESTROY (checked) */
};

/*
 * A received buffer of used_len bytes (what the device says it wrote, at most
 * buf_len, the buffer's size): header into *hdr and, when payload is not
 * NULL, the hdr->len payload bytes copied into payload (room for
 * RPMSG_MAX_PAYLOAD). 0, or -RPT_EFORMAT with err naming the field (used
 * len shorter than a header, len longer than the buffer or than what was
 * written).
 */
int rpmsg_msg_parse(const void *buf, uint32_t used_len, uint32_t buf_len,
		    struct rpmsg_hdr_info *hdr, void *payload, struct rpt_error *err);

/*
 * A name-service message's payload (len bytes): exactly RPMSG_NS_SIZE, a name
 * with a NUL within its 32 bytes, flags 0 or 1. 0 or -RPT_EFORMAT (err).
 */
int rpmsg_ns_parse(const void *payload, size_t len, struct rpmsg_ns_info *ns,
		   struct rpt_error *err);

/*
 * Write a message (header then len payload bytes, len <= RPMSG_MAX_PAYLOAD)
 * at buf, as Linux's rpmsg_send_offchannel_raw does (reserved and flags 0).
 * Returns the bytes written (RPMSG_HDR_SIZE + len).
 */
size_t rpmsg_msg_encode(void *buf, uint32_t src, uint32_t dst, const void *data, uint16_t len);

/* Write a name-service body (RPMSG_NS_SIZE bytes; name cut to 31 characters). */
void rpmsg_ns_encode(void *buf, const char *name, uint32_t addr, uint32_t flags);

#endif
