// SPDX-License-Identifier: BSD-2-Clause
/* The rpmsg wire format: see rpmsg_msg.h. */
#include "normal/rpmsg/rpmsg_msg.h"

#include <errno.h>
#include <string.h>

#include "common/safe_math.h"

int rpmsg_msg_parse(const void *buf, uint32_t used_len, uint32_t buf_len,
		    struct rpmsg_hdr_info *hdr, void *payload, struct rpt_error *err)
{
	uint8_t raw[RPMSG_HDR_SIZE];

	if (used_len > buf_len)
		return rpt_error_set(err, RPT_EFORMAT, "used len %u longer than its %u-byte buffer",
				     used_len, buf_len);
	if (used_len < RPMSG_HDR_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "used len %u shorter than a message header (%u)", used_len,
				     RPMSG_HDR_SIZE);
	/* One read of the shared bytes; only the private copy is looked at. */
	memcpy(raw, buf, sizeof(raw));
	hdr->src = get_le32(raw);
	hdr->dst = get_le32(raw + 4);
	hdr->reserved = get_le32(raw + 8);
	hdr->len = get_le16(raw + 12);
	hdr->flags = get_le16(raw + 14);
	/* Linux rpmsg_recv_single(): "inbound msg too big". */
	if (hdr->len > RPMSG_MAX_PAYLOAD || hdr->len > buf_len - RPMSG_HDR_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "message len %u longer than its buffer (at most %u)", hdr->len,
				     (buf_len - RPMSG_HDR_SIZE) < RPMSG_MAX_PAYLOAD
					     ? buf_len - RPMSG_HDR_SIZE
					     : RPMSG_MAX_PAYLOAD);
	if (hdr->len > used_len - RPMSG_HDR_SIZE)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"message len %u longer than the %u bytes written after the header",
			hdr->len, used_len - RPMSG_HDR_SIZE);
	if (payload)
		memcpy(payload, (const uint8_t *)buf + RPMSG_HDR_SIZE, hdr->len);
	return 0;
}

int rpmsg_ns_parse(const void *payload, size_t len, struct rpmsg_ns_info *ns, struct rpt_error *err)
{
	const uint8_t *p = payload;

	if (len != RPMSG_NS_SIZE)
		return rpt_error_set(err, RPT_EFORMAT, "name-service message len %zu, expected %u",
				     len, RPMSG_NS_SIZE);
	memcpy(ns->name, p, RPMSG_NAME_SIZE);
	if (!memchr(ns->name, '\0', RPMSG_NAME_SIZE)) {
		ns->name[0] = '\0';
		return rpt_error_set(err, RPT_EFORMAT,
				     "name-service name has no NUL within its %u bytes",
				     RPMSG_NAME_SIZE);
	}
	ns->addr = get_le32(p + RPMSG_NAME_SIZE);
	ns->flags = get_le32(p + RPMSG_NAME_SIZE + 4);
	if (ns->flags != RPMSG_NS_CREATE && ns->flags != RPMSG_NS_DESTROY)
		return rpt_error_set(err, RPT_EFORMAT,
				     "name-service flags 0x%x (expected 0 create or 1 destroy)",
				     ns->flags);
	return 0;
}

size_t rpmsg_msg_encode(void *buf, uint32_t src, uint32_t dst, const void *data, uint16_t len)
{
	uint8_t *p = buf;

	put_le32(p, src);
	put_le32(p + 4, dst);
	put_le32(p + 8, 0);
	put_le16(p + 12, len);
	put_le16(p + 14, 0);
	if (len)
		memcpy(p + RPMSG_HDR_SIZE, data, len);
	return RPMSG_HDR_SIZE + (size_t)len;
}

void rpmsg_ns_encode(void *buf, const char *name, uint32_t addr, uint32_t flags)
{
	uint8_t *p = buf;
	size_t n = strnlen(name, RPMSG_NAME_SIZE - 1);

	memset(p, 0, RPMSG_NAME_SIZE);
	memcpy(p, name, n);
	put_le32(p + RPMSG_NAME_SIZE, addr);
	put_le32(p + RPMSG_NAME_SIZE + 4, flags);
}
