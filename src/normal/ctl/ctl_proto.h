/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The control protocol between rprocctl and rprocd, over a Unix stream socket.
 *
 * Request:  u32 length | argc words, each NUL-terminated (the rprocctl argv)
 * Reply:    u32 length | u8 status | text or bytes
 *
 * Lengths are little-endian and exclude the length field. Status is the exit
 * code rprocctl returns: 0 ok, 1 the operation failed, 2 usage error. A
 * connection carries one request and one reply. Both sides bound every size.
 */
#ifndef RPT_NORMAL_CTL_PROTO_H
#define RPT_NORMAL_CTL_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"

#define CTL_REQUEST_MAX (16u << 10)  /* a request: a few words and a path */
#define CTL_REPLY_MAX	(256u << 20) /* a reply: up to a whole coredump */
#define CTL_MAX_ARGS	16

enum ctl_status {
	CTL_OK = 0,
	CTL_FAIL = 1,
	CTL_USAGE = 2,
};

/* A decoded request: words point into the caller's buffer. */
struct ctl_request {
	int argc;
	const char *argv[CTL_MAX_ARGS];
};

/* Send/receive one length-prefixed frame. recv allocates (free()); max bounds it. */
int ctl_send_frame(int fd, const void *data, size_t len, struct rpt_error *err);
int ctl_recv_frame(int fd, uint8_t **data, size_t *len, size_t max, struct rpt_error *err);

/* Encode argv as a request body (free()). */
int ctl_encode_request(int argc, char **argv, uint8_t **out, size_t *len, struct rpt_error *err);
/* Decode a request body in place: every word NUL-terminated, at most CTL_MAX_ARGS. */
int ctl_decode_request(uint8_t *body, size_t len, struct ctl_request *req, struct rpt_error *err);

/* Send a reply: status then payload. */
int ctl_send_reply(int fd, enum ctl_status status, const void *data, size_t len,
		   struct rpt_error *err);

#endif
