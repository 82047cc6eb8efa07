// SPDX-License-Identifier: BSD-2-Clause
/*
 * libFuzzer target: the rpmsg messages the firmware writes into the host's
 * receive buffers (src/normal/rpmsg/rpmsg_msg.c), as the bus reads them.
 * Input: used len (u32, little-endian: what the device claims it wrote),
 * then the buffer's bytes (at most 512; the rest of the buffer is zero).
 * Checked: a message is accepted only when its payload lies inside what was
 * written; a name-service body only with a NUL-terminated name and flags 0
 * or 1; what is accepted encodes back to the same bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "normal/rpmsg/rpmsg_msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[RPMSG_BUF_SIZE] = {0}, payload[RPMSG_MAX_PAYLOAD], again[RPMSG_BUF_SIZE];
	struct rpmsg_hdr_info hdr;
	struct rpmsg_ns_info ns;
	struct rpt_error err;
	uint32_t used_len;
	size_t n;

	if (size < 4)
		return 0;
	used_len = get_le32(data);
	n = size - 4 < sizeof(buf) ? size - 4 : sizeof(buf);
	memcpy(buf, data + 4, n);
	if (rpmsg_msg_parse(buf, used_len, sizeof(buf), &hdr, payload, &err)) {
		if (!err.msg[0])
			abort(); /* every refusal names its field */
		return 0;
	}
	if (used_len < RPMSG_HDR_SIZE || used_len > sizeof(buf) || hdr.len > RPMSG_MAX_PAYLOAD ||
	    hdr.len > used_len - RPMSG_HDR_SIZE)
		abort();
	if (memcmp(payload, buf + RPMSG_HDR_SIZE, hdr.len))
		abort();
	/* Round trip: header fields the host writes (reserved and flags are 0 there). */
	rpmsg_msg_encode(again, hdr.src, hdr.dst, payload, hdr.len);
	if (memcmp(again, buf, 8) || memcmp(again + 12, buf + 12, 2) ||
	    memcmp(again + RPMSG_HDR_SIZE, buf + RPMSG_HDR_SIZE, hdr.len))
		abort();
	if (rpmsg_ns_parse(payload, hdr.len, &ns, &err)) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	if (hdr.len != RPMSG_NS_SIZE || !memchr(ns.name, '\0', sizeof(ns.name)) ||
	    (ns.flags != RPMSG_NS_CREATE && ns.flags != RPMSG_NS_DESTROY))
		abort();
	rpmsg_ns_encode(again, ns.name, ns.addr, ns.flags);
	if (memcmp(again + RPMSG_NAME_SIZE, payload + RPMSG_NAME_SIZE, 8) ||
	    strcmp((const char *)again, ns.name))
		abort();
	return 0;
}
