// SPDX-License-Identifier: BSD-2-Clause
/*
 * The hardware channel (tee_hwchan.h): the coprocessors' mailbox as
 * rproc-teed relays it. Requests go out on any idle connection of the
 * context; events come on a connection of their own, each decoded and
 * checked by the wire's one event rule.
 */
#include "normal/tee_client/tee_hwchan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/tee_result.h"
#include "normal/tee_client/tee_socket_internal.h"

/* ---- the hardware channel ---- */

/* One request of the channel (req's op and fields set), its reply's result as an errno. */
static int hw_call(struct tee_context *ctx, struct tee_wire_msg *req, struct tee_wire_msg *reply,
		   struct rpt_error *err)
{
	struct tee_socket *s = tee_socket_of(ctx);
	char name[32];
	int ret;

	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	/* Any idle connection: a doorbell never waits behind someone's slow LOAD_FW. */
	ret = tee_socket_simple_request(s, req, reply, err);
	if (!ret && reply->result != TEE_SUCCESS)
		ret = rpt_error_set(err, tee_result_to_err(reply->result),
				    "rproc-teed: %s of rproc %u: %s",
				    tee_wire_op_name(req->op, name, sizeof(name)), req->rproc_id,
				    tee_result_name(reply->result));
	return ret;
}

static int hw_request(struct tee_context *ctx, uint16_t op, uint32_t rproc_id, uint32_t arg,
		      struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = op}, reply = {0};

	req.rproc_id = rproc_id;
	req.arg = arg;
	return hw_call(ctx, &req, &reply, err);
}

/* What the wire refuses to carry, refused here with the caller's words. */
static int check_ipcc_reg(uint32_t reg, struct rpt_error *err)
{
	if (reg >= TEE_WIRE_IPCC_SIZE || (reg & 3u))
		return rpt_error_set(err, EINVAL,
				     "IPCC register 0x%x: not a 4-byte aligned offset below 0x%x",
				     reg, TEE_WIRE_IPCC_SIZE);
	return 0;
}

int tee_hwchan_ipcc_read(struct tee_context *ctx, uint32_t rproc_id, uint32_t reg, uint32_t *value,
			 struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_IPCC_READ}, reply = {0};
	int ret = check_ipcc_reg(reg, err);

	*value = 0;
	if (ret)
		return ret;
	req.rproc_id = rproc_id;
	req.reg = reg;
	ret = hw_call(ctx, &req, &reply, err);
	if (!ret)
		*value = reply.value;
	return ret;
}

int tee_hwchan_ipcc_write(struct tee_context *ctx, uint32_t rproc_id, uint32_t reg, uint32_t value,
			  struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_IPCC_WRITE}, reply = {0};
	int ret = check_ipcc_reg(reg, err);

	if (ret)
		return ret;
	req.rproc_id = rproc_id;
	req.reg = reg;
	req.value = value;
	return hw_call(ctx, &req, &reply, err);
}

int tee_hwchan_inject_crash(struct tee_context *ctx, uint32_t rproc_id, uint32_t type,
			    struct rpt_error *err)
{
	if (type > TEE_WIRE_CRASH_MAX)
		return rpt_error_set(err, EINVAL, "unknown crash type %u", type);
	return hw_request(ctx, TEE_WIRE_OP_INJECT_CRASH, rproc_id, type, err);
}

/* ---- events ---- */

/* Events that may arrive while the channel is still subscribing. */
#define EVENT_EARLY_MAX 32

struct tee_event_channel {
	int fd;			  /* subscribed connection */
	uint32_t seq;		  /* number of the last request sent */
	char path[SOCK_PATH_MAX]; /* where the daemon is, for messages */
	struct tee_wire_event
		early[EVENT_EARLY_MAX]; /* events that came before the last SUBSCRIBE reply */
	unsigned int early_head;	/* oldest of them */
	unsigned int num_early;
};

static void event_of(const struct tee_wire_msg *m, struct tee_wire_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->rproc_id = m->rproc_id;
	ev->kind = m->kind;
	ev->arg = m->arg;
	memcpy(ev->why, m->why, sizeof(ev->why));
}

/* Receive and decode one message (no descriptor may come with it). */
static int channel_recv(struct tee_event_channel *ch, bool nonblock, struct tee_wire_msg *m,
			struct rpt_error *err)
{
	uint8_t in[TEE_WIRE_REPLY_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int n;
	size_t len;
	int ret;

	ret = tee_wire_recv(ch->fd, in, sizeof(in), &len, fds, &n, nonblock, err);
	if (ret)
		return ret;
	ret = tee_wire_decode(in, len, n, m, err);
	/* Decoding refuses descriptors on every message a channel may get: none is kept. */
	tee_wire_close_fds(fds, n);
	return ret;
}

static int subscribe(struct tee_event_channel *ch, uint32_t rproc_id, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_SUBSCRIBE}, m;
	uint8_t out[TEE_WIRE_REQUEST_MAX];
	size_t len;
	int ret;

	req.seq = ++ch->seq;
	req.rproc_id = rproc_id;
	ret = tee_wire_encode(&req, out, sizeof(out), &len, err);
	if (!ret)
		ret = tee_wire_send(ch->fd, out, len, NULL, 0, false, err);
	while (!ret) {
		ret = channel_recv(ch, false, &m, err);
		if (ret)
			break;
		if (m.op == TEE_WIRE_OP_EVENT) {
			/* An rproc subscribed before already reports: keep it for tee_event_next. */
			if (ch->num_early == EVENT_EARLY_MAX)
				return rpt_error_set(err, ENOBUFS,
						     "over %d events while subscribing",
						     EVENT_EARLY_MAX);
			event_of(&m,
				 &ch->early[(ch->early_head + ch->num_early++) % EVENT_EARLY_MAX]);
			continue;
		}
		if (m.op != (TEE_WIRE_OP_SUBSCRIBE | TEE_WIRE_OP_REPLY) || m.seq != req.seq)
			return rpt_error_set(err, RPT_EFORMAT,
					     "reply op 0x%04x seq %u to SUBSCRIBE seq %u", m.op,
					     m.seq, req.seq);
		if (m.result == TEE_SUCCESS)
			return 0;
		return rpt_error_set(err, tee_result_to_err(m.result), "SUBSCRIBE to rproc %u: %s",
				     rproc_id, tee_result_name(m.result));
	}
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		ret = rpt_error_set(err, ETIMEDOUT, "no reply in %d s", TEE_SOCKET_REPLY_TIMEOUT_S);
	}
	return ret;
}

int tee_event_open(struct tee_event_channel **out, const char *path, const uint32_t *ids,
		   unsigned int n, struct rpt_error *err)
{
	return tee_event_open_as(out, path, RPT_UID_DEFAULT, ids, n, err);
}

int tee_event_open_as(struct tee_event_channel **out, const char *path, uid_t server_uid,
		      const uint32_t *ids, unsigned int n, struct rpt_error *err)
{
	struct tee_event_channel *ch;
	unsigned int i;
	int ret;

	*out = NULL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return rpt_error_set(err, ENOMEM, "out of memory");
	ch->fd = -1;
	ret = tee_wire_choose_path(path, ch->path, sizeof(ch->path), err);
	if (ret)
		goto out_free;
	ret = tee_socket_open_connection(ch->path, server_uid, &ch->fd, &ch->seq, err);
	if (ret)
		goto out_free;
	for (i = 0; i < n; i++) {
		ret = subscribe(ch, ids[i], err);
		if (ret) {
			rpt_error_prefix(err, "rproc-teed at %s: ", ch->path);
			goto out_close;
		}
	}
	*out = ch;
	return 0;

out_close:
	close(ch->fd);
out_free:
	free(ch);
	return ret;
}

int tee_event_fd(const struct tee_event_channel *ch)
{
	return ch->fd;
}

int tee_event_next(struct tee_event_channel *ch, struct tee_wire_event *ev, struct rpt_error *err)
{
	struct rpt_error why = {0};
	struct tee_wire_msg m;
	char name[32];
	int ret;

	if (ch->num_early) {
		*ev = ch->early[ch->early_head];
		ch->early_head = (ch->early_head + 1) % EVENT_EARLY_MAX;
		ch->num_early--;
		return 0;
	}
	/* Nothing to read is no failure: the caller's err is only for real ones. */
	ret = channel_recv(ch, true, &m, &why);
	if (ret == -EAGAIN || ret == -EWOULDBLOCK)
		return -EAGAIN;
	if (!ret && m.op != TEE_WIRE_OP_EVENT)
		ret = rpt_error_set(&why, RPT_EFORMAT, "%s on the event channel",
				    tee_wire_op_name(m.op, name, sizeof(name)));
	if (ret)
		return rpt_error_set(err, -ret, "rproc-teed at %s: %s", ch->path,
				     rpt_error_msg(&why));
	event_of(&m, ev);
	return 0;
}

void tee_event_close(struct tee_event_channel *ch)
{
	if (!ch)
		return;
	close(ch->fd);
	free(ch);
}
