// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE wire protocol (tee_wire.h): encoding, decoding with every field
 * checked, and packet I/O with descriptors. Both ends use the same decoder,
 * and the encoder runs it over its own output, so that neither side can send
 * what the other would refuse.
 */
#include "common/tee_wire.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/safe_math.h"

/* ---- byte cursors ---- */

/* A writer over a fixed buffer; `overflow` once a put did not fit (nothing is written then). */
struct wcur {
	uint8_t *buf;  /* destination */
	size_t cap;    /* its size */
	size_t pos;    /* bytes written */
	bool overflow; /* a put did not fit */
};

/* A reader over received bytes; past the end it reads zeros and sets `short_read`. */
struct rcur {
	const uint8_t *buf; /* the bytes */
	size_t len;	    /* how many */
	size_t pos;	    /* bytes consumed */
	bool short_read;    /* a get ran past the end */
};

static void put_bytes(struct wcur *w, const void *src, size_t n)
{
	if (w->overflow || !range_inside(w->pos, n, w->cap)) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->pos, src, n);
	w->pos += n;
}

static void put_u16(struct wcur *w, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};

	put_bytes(w, b, sizeof(b));
}

static void put_u32(struct wcur *w, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	put_bytes(w, b, sizeof(b));
}

static void put_u64(struct wcur *w, uint64_t v)
{
	put_u32(w, (uint32_t)v);
	put_u32(w, (uint32_t)(v >> 32));
}

static void get_bytes(struct rcur *r, void *dst, size_t n)
{
	if (r->short_read || !range_inside(r->pos, n, r->len)) {
		r->short_read = true;
		memset(dst, 0, n);
		return;
	}
	memcpy(dst, r->buf + r->pos, n);
	r->pos += n;
}

static uint16_t get_u16(struct rcur *r)
{
	uint8_t b[2];

	get_bytes(r, b, sizeof(b));
	return get_le16(b);
}

static uint32_t get_u32(struct rcur *r)
{
	uint8_t b[4];

	get_bytes(r, b, sizeof(b));
	return get_le32(b);
}

static uint64_t get_u64(struct rcur *r)
{
	uint64_t lo = get_u32(r);

	return lo | (uint64_t)get_u32(r) << 32;
}

/* ---- op names and body sizes ---- */

bool tee_wire_op_known(uint16_t op)
{
	uint16_t base = op & (uint16_t)~TEE_WIRE_OP_REPLY;

	/* An event is never answered: "EVENT reply" is not a message. */
	if (base == TEE_WIRE_OP_EVENT)
		return !(op & TEE_WIRE_OP_REPLY);
	return (base >= TEE_WIRE_OP_HELLO && base < TEE_WIRE_OP_EVENT) ||
	       (base >= TEE_WIRE_OP_REQUEST_DETACH && base <= TEE_WIRE_OP_UNREGISTER_SHM);
}

const char *tee_wire_op_name(uint16_t op, char *buf, size_t len)
{
	static const char *const names[] = {
		[TEE_WIRE_OP_HELLO] = "HELLO",
		[TEE_WIRE_OP_OPEN_SESSION] = "OPEN_SESSION",
		[TEE_WIRE_OP_INVOKE] = "INVOKE",
		[TEE_WIRE_OP_CLOSE_SESSION] = "CLOSE_SESSION",
		[TEE_WIRE_OP_GET_SHM] = "GET_SHM",
		[TEE_WIRE_OP_KICK] = "KICK",
		[TEE_WIRE_OP_REQUEST_SHUTDOWN] = "REQUEST_SHUTDOWN",
		[TEE_WIRE_OP_INJECT_CRASH] = "INJECT_CRASH",
		[TEE_WIRE_OP_SUBSCRIBE] = "SUBSCRIBE",
		[TEE_WIRE_OP_EVENT] = "EVENT",
		[TEE_WIRE_OP_REQUEST_DETACH] = "REQUEST_DETACH",
		[TEE_WIRE_OP_REGISTER_SHM] = "REGISTER_SHM",
		[TEE_WIRE_OP_UNREGISTER_SHM] = "UNREGISTER_SHM",
	};

	if (!tee_wire_op_known(op))
		snprintf(buf, len, "op 0x%04x", op);
	else
		snprintf(buf, len, "%s%s", names[op & ~TEE_WIRE_OP_REPLY],
			 (op & TEE_WIRE_OP_REPLY) ? " reply" : "");
	return buf;
}

#define PARAMS_SIZE (TEE_NUM_PARAMS * TEE_WIRE_PARAM_SIZE)

/* Body size of an op whose size is fixed; GET_SHM replies add their entries to this. */
static size_t body_size(uint16_t op)
{
	switch (op) {
	case TEE_WIRE_OP_HELLO:
	case TEE_WIRE_OP_CLOSE_SESSION:
	case TEE_WIRE_OP_GET_SHM:
	case TEE_WIRE_OP_KICK:
	case TEE_WIRE_OP_REQUEST_SHUTDOWN:
	case TEE_WIRE_OP_INJECT_CRASH:
	case TEE_WIRE_OP_SUBSCRIBE:
	case TEE_WIRE_OP_REQUEST_DETACH:
	case TEE_WIRE_OP_CLOSE_SESSION | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_KICK | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_REQUEST_SHUTDOWN | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_INJECT_CRASH | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_SUBSCRIBE | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_REQUEST_DETACH | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_REGISTER_SHM:
	case TEE_WIRE_OP_UNREGISTER_SHM:
	case TEE_WIRE_OP_UNREGISTER_SHM | TEE_WIRE_OP_REPLY:
		return 8;
	case TEE_WIRE_OP_EVENT:
		return TEE_WIRE_EVENT_BODY;
	case TEE_WIRE_OP_HELLO | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_GET_SHM | TEE_WIRE_OP_REPLY:
	case TEE_WIRE_OP_REGISTER_SHM | TEE_WIRE_OP_REPLY:
		return 16;
	case TEE_WIRE_OP_OPEN_SESSION:
	case TEE_WIRE_OP_OPEN_SESSION | TEE_WIRE_OP_REPLY:
		return 16 + PARAMS_SIZE;
	case TEE_WIRE_OP_INVOKE:
	case TEE_WIRE_OP_INVOKE | TEE_WIRE_OP_REPLY:
		return 8 + PARAMS_SIZE;
	default:
		return 0;
	}
}

static bool has_params(uint16_t op)
{
	uint16_t base = op & (uint16_t)~TEE_WIRE_OP_REPLY;

	return base == TEE_WIRE_OP_OPEN_SESSION || base == TEE_WIRE_OP_INVOKE;
}

/* ---- encoding ---- */

static void put_param(struct wcur *w, const struct tee_wire_param *p)
{
	put_u32(w, p->type);
	put_u32(w, p->fd_index);
	put_u32(w, p->a);
	put_u32(w, p->b);
	put_u64(w, p->offset);
	put_u64(w, p->size);
}

static void put_params(struct wcur *w, const struct tee_wire_msg *m)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++)
		put_param(w, &m->params[i]);
}

static void put_uuid(struct wcur *w, const TEE_UUID *u)
{
	put_u32(w, u->timeLow);
	put_u16(w, u->timeMid);
	put_u16(w, u->timeHiAndVersion);
	put_bytes(w, u->clockSeqAndNode, sizeof(u->clockSeqAndNode));
}

/* A text field: up to the NUL only, the bytes after it go out as zeros, as decode requires. */
static void put_text(struct wcur *w, const char *text, size_t field)
{
	char buf[TEE_WIRE_WHY_MAX > TEE_WIRE_NAME_MAX ? TEE_WIRE_WHY_MAX : TEE_WIRE_NAME_MAX];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, text, strnlen(text, field - 1));
	put_bytes(w, buf, field);
}

static void put_shm(struct wcur *w, const struct tee_wire_shm *s)
{
	put_text(w, s->name, sizeof(s->name));
	put_u32(w, s->da);
	put_u32(w, s->size);
	put_u64(w, s->pa);
}

static void put_event_body(struct wcur *w, const struct tee_wire_msg *m)
{
	put_u32(w, m->rproc_id);
	put_u32(w, m->kind);
	put_u32(w, m->arg);
	put_u32(w, 0);
	put_text(w, m->why, sizeof(m->why));
}

static void put_request_body(struct wcur *w, const struct tee_wire_msg *m)
{
	switch (m->op) {
	case TEE_WIRE_OP_HELLO:
		put_u32(w, m->version);
		put_u32(w, 0);
		break;
	case TEE_WIRE_OP_OPEN_SESSION:
		put_uuid(w, &m->uuid);
		put_params(w, m);
		break;
	case TEE_WIRE_OP_INVOKE:
		put_u32(w, m->session);
		put_u32(w, m->cmd);
		put_params(w, m);
		break;
	case TEE_WIRE_OP_CLOSE_SESSION:
		put_u32(w, m->session);
		put_u32(w, 0);
		break;
	case TEE_WIRE_OP_GET_SHM:
	case TEE_WIRE_OP_REQUEST_SHUTDOWN:
	case TEE_WIRE_OP_SUBSCRIBE:
	case TEE_WIRE_OP_REQUEST_DETACH:
		put_u32(w, m->rproc_id);
		put_u32(w, 0);
		break;
	case TEE_WIRE_OP_KICK:
	case TEE_WIRE_OP_INJECT_CRASH:
		put_u32(w, m->rproc_id);
		put_u32(w, m->arg);
		break;
	case TEE_WIRE_OP_EVENT:
		put_event_body(w, m);
		break;
	case TEE_WIRE_OP_REGISTER_SHM:
		put_u64(w, m->shm_size);
		break;
	case TEE_WIRE_OP_UNREGISTER_SHM:
		put_u32(w, m->shm_id);
		put_u32(w, 0);
		break;
	}
}

static void put_reply_body(struct wcur *w, const struct tee_wire_msg *m)
{
	unsigned int i;

	put_u32(w, m->result);
	put_u32(w, m->origin);
	switch (m->op & ~TEE_WIRE_OP_REPLY) {
	case TEE_WIRE_OP_HELLO:
		put_u32(w, m->version);
		put_u32(w, 0);
		break;
	case TEE_WIRE_OP_OPEN_SESSION:
		put_u32(w, m->session);
		put_u32(w, 0);
		put_params(w, m);
		break;
	case TEE_WIRE_OP_INVOKE:
		put_params(w, m);
		break;
	case TEE_WIRE_OP_GET_SHM:
		put_u32(w, m->num_shm);
		put_u32(w, 0);
		for (i = 0; i < m->num_shm && i < TEE_WIRE_MAX_SHM; i++)
			put_shm(w, &m->shm[i]);
		break;
	case TEE_WIRE_OP_REGISTER_SHM:
		put_u32(w, m->shm_id);
		put_u32(w, 0);
		break;
	}
}

int tee_wire_encode(const struct tee_wire_msg *m, uint8_t *buf, size_t cap, size_t *len,
		    struct rpt_error *err)
{
	struct tee_wire_msg check;
	struct wcur w = {.buf = buf, .cap = cap};
	char name[32];
	int ret;

	if (!tee_wire_op_known(m->op))
		return rpt_error_set(err, EINVAL, "cannot encode %s",
				     tee_wire_op_name(m->op, name, sizeof(name)));
	put_u32(&w, TEE_WIRE_MAGIC);
	put_u16(&w, TEE_WIRE_VERSION);
	put_u16(&w, m->op);
	put_u32(&w, m->seq);
	put_u32(&w, 0); /* body_len, known at the end */
	put_u32(&w, m->num_fds);
	put_u32(&w, 0);
	if (m->op & TEE_WIRE_OP_REPLY)
		put_reply_body(&w, m);
	else
		put_request_body(&w, m);
	if (w.overflow)
		return rpt_error_set(err, EMSGSIZE, "%s: message over %zu bytes",
				     tee_wire_op_name(m->op, name, sizeof(name)), cap);
	put_le32(buf + 12, (uint32_t)(w.pos - TEE_WIRE_HDR_SIZE));
	/* What we send must be what the peer accepts: run the peer's checks on it. */
	ret = tee_wire_decode(buf, w.pos, m->num_fds, &check, err);
	if (ret) {
		rpt_error_prefix(err, "refusing to send an invalid message: ");
		return -EINVAL;
	}
	*len = w.pos;
	return 0;
}

/* ---- decoding ---- */

static void get_param(struct rcur *r, struct tee_wire_param *p)
{
	p->type = get_u32(r);
	p->fd_index = get_u32(r);
	p->a = get_u32(r);
	p->b = get_u32(r);
	p->offset = get_u64(r);
	p->size = get_u64(r);
}

/* Fields a type does not use must be zero (FD_NONE for fd_index), so garbage never hides. */
static int check_param_unused(const struct tee_wire_param *p, unsigned int i, bool reply,
			      struct rpt_error *err)
{
	bool memref = tee_param_is_memref(p->type);
	/* A memref into a registered shared memory names it in a (checked by the caller). */
	bool by_id = memref && !reply && p->fd_index == TEE_WIRE_FD_SHM;

	if (p->type != TEE_PARAM_TYPE_NONE && !memref && !tee_param_is_value(p->type))
		return rpt_error_set(err, RPT_EFORMAT, "param %u: unknown type %u", i, p->type);
	if ((!memref || reply) && p->fd_index != TEE_WIRE_FD_NONE)
		return rpt_error_set(err, RPT_EFORMAT, "param %u: descriptor index %u on a %s", i,
				     p->fd_index, reply ? "reply" : "non-memref parameter");
	if (!tee_param_is_value(p->type) && (by_id ? p->b : p->a || p->b))
		return rpt_error_set(err, RPT_EFORMAT, "param %u: value fields set on type %u", i,
				     p->type);
	if (!memref && (p->offset || p->size))
		return rpt_error_set(err, RPT_EFORMAT, "param %u: memref fields set on type %u", i,
				     p->type);
	if (memref && reply && p->offset)
		return rpt_error_set(err, RPT_EFORMAT, "param %u: offset set in a reply", i);
	return 0;
}

/* A request's memref: a range inside one of the packet's descriptors, or no buffer at all. */
static int check_memref_request(const struct tee_wire_param *p, unsigned int i, uint32_t num_fds,
				uint32_t *used, struct rpt_error *err)
{
	if (p->fd_index == TEE_WIRE_FD_SHM) {
		/* Whether the id is registered, and the range inside it, is the server's check. */
		if (!p->a)
			return rpt_error_set(err, RPT_EFORMAT, "param %u: memref into shm id 0", i);
		if (!p->size)
			return rpt_error_set(err, RPT_EFORMAT,
					     "param %u: empty memref into shm %u (send no buffer)",
					     i, p->a);
		goto bounds;
	}
	if (p->fd_index == TEE_WIRE_FD_NONE) {
		if (p->offset || p->size)
			return rpt_error_set(err, RPT_EFORMAT,
					     "param %u: memref of 0x%llx bytes with no descriptor",
					     i, (unsigned long long)p->size);
		return 0;
	}
	if (p->fd_index >= num_fds)
		return rpt_error_set(err, RPT_EFORMAT,
				     "param %u: descriptor index %u, but %u descriptors came", i,
				     p->fd_index, num_fds);
	if (*used & (1u << p->fd_index))
		return rpt_error_set(err, RPT_EFORMAT, "param %u: descriptor %u named twice", i,
				     p->fd_index);
	*used |= 1u << p->fd_index;
bounds:
	if (p->size > TEE_WIRE_MEMREF_MAX)
		return rpt_error_set(
			err, RPT_EFORMAT, "param %u: memref of 0x%llx bytes, over 0x%llx", i,
			(unsigned long long)p->size, (unsigned long long)TEE_WIRE_MEMREF_MAX);
	/* Keeps offset + size within off_t for the receiver's fstat/mmap checks. */
	if (p->offset > (uint64_t)INT64_MAX - TEE_WIRE_MEMREF_MAX)
		return rpt_error_set(err, RPT_EFORMAT, "param %u: memref offset 0x%llx too large",
				     i, (unsigned long long)p->offset);
	return 0;
}

static int decode_params(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	bool reply = m->op & TEE_WIRE_OP_REPLY;
	uint32_t used = 0;
	unsigned int i, n;
	int ret;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		struct tee_wire_param *p = &m->params[i];

		get_param(r, p);
		ret = check_param_unused(p, i, reply, err);
		if (ret)
			return ret;
		if (tee_param_is_memref(p->type) && !reply) {
			ret = check_memref_request(p, i, m->num_fds, &used, err);
			if (ret)
				return ret;
		}
	}
	/* Every descriptor must be named: an unnamed one is a confused or hostile peer. */
	n = (unsigned int)__builtin_popcount(used);
	if (n != m->num_fds)
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors came, memrefs name %u",
				     m->num_fds, n);
	return 0;
}

static void get_uuid(struct rcur *r, TEE_UUID *u)
{
	u->timeLow = get_u32(r);
	u->timeMid = get_u16(r);
	u->timeHiAndVersion = get_u16(r);
	get_bytes(r, u->clockSeqAndNode, sizeof(u->clockSeqAndNode));
}

static int check_reserved(uint32_t v, const char *where, struct rpt_error *err)
{
	if (v)
		return rpt_error_set(err, RPT_EFORMAT, "%s: reserved field is 0x%x, not 0", where,
				     v);
	return 0;
}

/*
 * A text field of `field` bytes: NUL-terminated inside the field and only
 * zeros after the NUL, so that no byte travels unseen. Empty only if allowed.
 */
static int check_text(const char *text, size_t field, bool empty_ok, const char *what,
		      struct rpt_error *err)
{
	const char *nul = memchr(text, '\0', field);

	if (!nul || (nul == text && !empty_ok))
		return rpt_error_set(err, RPT_EFORMAT, "%s %s", what,
				     nul ? "empty" : "not terminated");
	for (; nul < text + field; nul++)
		if (*nul)
			return rpt_error_set(err, RPT_EFORMAT, "%s: bytes after the text's end",
					     what);
	return 0;
}

static int decode_shm(struct rcur *r, struct tee_wire_shm *s, unsigned int i, struct rpt_error *err)
{
	char what[48];
	uint64_t end;
	int ret;

	get_bytes(r, s->name, sizeof(s->name));
	s->da = get_u32(r);
	s->size = get_u32(r);
	s->pa = get_u64(r);
	snprintf(what, sizeof(what), "shared memory %u: name", i);
	ret = check_text(s->name, sizeof(s->name), false, what, err);
	if (ret)
		return ret;
	if (!s->size)
		return rpt_error_set(err, RPT_EFORMAT, "shared memory %u (%s): size 0", i, s->name);
	if ((uint64_t)s->da + s->size > (uint64_t)UINT32_MAX + 1 ||
	    add_overflow(s->pa, (uint64_t)s->size, &end))
		return rpt_error_set(err, RPT_EFORMAT, "shared memory %u (%s): range wraps", i,
				     s->name);
	return 0;
}

static int decode_get_shm_reply(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	m->num_shm = get_u32(r);
	ret = check_reserved(get_u32(r), "GET_SHM reply", err);
	if (ret)
		return ret;
	if (m->num_shm > TEE_WIRE_MAX_SHM)
		return rpt_error_set(err, RPT_EFORMAT, "GET_SHM reply: %u memories, over %u",
				     m->num_shm, TEE_WIRE_MAX_SHM);
	if (m->result != TEE_SUCCESS && m->num_shm)
		return rpt_error_set(err, RPT_EFORMAT, "GET_SHM reply: memories with a failure");
	if (r->len - r->pos != (size_t)m->num_shm * TEE_WIRE_SHM_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "GET_SHM reply: %zu bytes of entries for %u memories",
				     r->len - r->pos, m->num_shm);
	if (m->num_fds != m->num_shm)
		return rpt_error_set(err, RPT_EFORMAT,
				     "GET_SHM reply: %u descriptors for %u memories", m->num_fds,
				     m->num_shm);
	for (i = 0; i < m->num_shm; i++) {
		ret = decode_shm(r, &m->shm[i], i, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* The argument of an event must fit its kind; only a crash carries a reason. */
int tee_wire_event_check(const struct tee_wire_event *ev, struct rpt_error *err)
{
	static const char zeros[TEE_WIRE_WHY_MAX];

	switch (ev->kind) {
	case TEE_WIRE_EVENT_CRASH:
		if (ev->arg > TEE_WIRE_CRASH_MAX)
			return rpt_error_set(err, RPT_EFORMAT, "crash of unknown type %u", ev->arg);
		return check_text(ev->why, sizeof(ev->why), true, "crash reason", err);
	case TEE_WIRE_EVENT_KICK:
		if (ev->arg >= TEE_WIRE_MAX_VQ)
			return rpt_error_set(err, RPT_EFORMAT,
					     "doorbell of vq %u, a mailbox has %u", ev->arg,
					     TEE_WIRE_MAX_VQ);
		break;
	case TEE_WIRE_EVENT_SHUTDOWN_ACK:
		if (ev->arg)
			return rpt_error_set(err, RPT_EFORMAT,
					     "shutdown acknowledgement with argument %u", ev->arg);
		break;
	default:
		return rpt_error_set(err, RPT_EFORMAT, "unknown event kind %u", ev->kind);
	}
	if (memcmp(ev->why, zeros, sizeof(zeros)))
		return rpt_error_set(err, RPT_EFORMAT, "reason text on a kind %u event", ev->kind);
	return 0;
}

static int check_event(const struct tee_wire_msg *m, struct rpt_error *err)
{
	struct tee_wire_event ev = {.rproc_id = m->rproc_id, .kind = m->kind, .arg = m->arg};

	if (m->seq)
		return rpt_error_set(err, RPT_EFORMAT, "seq %u, an event carries 0", m->seq);
	memcpy(ev.why, m->why, sizeof(ev.why));
	return tee_wire_event_check(&ev, err);
}

static int decode_event(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	int ret;

	m->rproc_id = get_u32(r);
	m->kind = get_u32(r);
	m->arg = get_u32(r);
	ret = check_reserved(get_u32(r), "EVENT", err);
	if (ret)
		return ret;
	get_bytes(r, m->why, sizeof(m->why));
	return check_event(m, err);
}

/* KICK and INJECT_CRASH: the rproc id and an argument bounded by the op. */
static int decode_hw_arg(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	m->rproc_id = get_u32(r);
	m->arg = get_u32(r);
	if (m->op == TEE_WIRE_OP_KICK && m->arg >= TEE_WIRE_MAX_VQ)
		return rpt_error_set(err, RPT_EFORMAT, "vq %u, a mailbox has %u doorbells", m->arg,
				     TEE_WIRE_MAX_VQ);
	if (m->op == TEE_WIRE_OP_INJECT_CRASH && m->arg > TEE_WIRE_CRASH_MAX)
		return rpt_error_set(err, RPT_EFORMAT, "unknown crash type %u", m->arg);
	return 0;
}

static int decode_request(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	switch (m->op) {
	case TEE_WIRE_OP_HELLO:
		m->version = get_u32(r);
		return check_reserved(get_u32(r), "HELLO", err);
	case TEE_WIRE_OP_OPEN_SESSION:
		get_uuid(r, &m->uuid);
		return decode_params(r, m, err);
	case TEE_WIRE_OP_INVOKE:
		m->session = get_u32(r);
		m->cmd = get_u32(r);
		return decode_params(r, m, err);
	case TEE_WIRE_OP_CLOSE_SESSION:
		m->session = get_u32(r);
		return check_reserved(get_u32(r), "CLOSE_SESSION", err);
	case TEE_WIRE_OP_KICK:
	case TEE_WIRE_OP_INJECT_CRASH:
		return decode_hw_arg(r, m, err);
	case TEE_WIRE_OP_EVENT:
		return decode_event(r, m, err);
	case TEE_WIRE_OP_REGISTER_SHM:
		m->shm_size = get_u64(r);
		if (!m->shm_size || m->shm_size > TEE_WIRE_MEMREF_MAX)
			return rpt_error_set(err, RPT_EFORMAT,
					     "shared memory of 0x%llx bytes (1 to 0x%llx)",
					     (unsigned long long)m->shm_size,
					     (unsigned long long)TEE_WIRE_MEMREF_MAX);
		return 0;
	case TEE_WIRE_OP_UNREGISTER_SHM:
		m->shm_id = get_u32(r);
		if (!m->shm_id)
			return rpt_error_set(err, RPT_EFORMAT, "shm id 0");
		return check_reserved(get_u32(r), "UNREGISTER_SHM", err);
	default: /* GET_SHM, REQUEST_SHUTDOWN, SUBSCRIBE, REQUEST_DETACH: the rproc id alone */
		m->rproc_id = get_u32(r);
		return check_reserved(get_u32(r), "request", err);
	}
}

static int decode_reply(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	int ret;

	m->result = get_u32(r);
	m->origin = get_u32(r);
	if (m->origin < TEE_WIRE_ORIGIN_API || m->origin > TEE_WIRE_ORIGIN_TRUSTED_APP)
		return rpt_error_set(err, RPT_EFORMAT, "unknown result origin %u", m->origin);
	switch (m->op & ~TEE_WIRE_OP_REPLY) {
	case TEE_WIRE_OP_HELLO:
		m->version = get_u32(r);
		return check_reserved(get_u32(r), "HELLO reply", err);
	case TEE_WIRE_OP_OPEN_SESSION:
		m->session = get_u32(r);
		ret = check_reserved(get_u32(r), "OPEN_SESSION reply", err);
		return ret ? ret : decode_params(r, m, err);
	case TEE_WIRE_OP_INVOKE:
		return decode_params(r, m, err);
	case TEE_WIRE_OP_GET_SHM:
		return decode_get_shm_reply(r, m, err);
	case TEE_WIRE_OP_REGISTER_SHM:
		m->shm_id = get_u32(r);
		/* An id exactly when it worked: a client can never use a failed one. */
		if ((m->result == TEE_SUCCESS) != (m->shm_id != 0))
			return rpt_error_set(err, RPT_EFORMAT, "shm id %u with result 0x%08x",
					     m->shm_id, m->result);
		return check_reserved(get_u32(r), "REGISTER_SHM reply", err);
	default: /* CLOSE_SESSION and the hardware channel: result and origin alone */
		return 0;
	}
}

/* The header alone: everything that can be checked before looking at the body. */
static int decode_header(const uint8_t *buf, size_t len, unsigned int nfds, struct tee_wire_msg *m,
			 uint32_t *body_len, struct rpt_error *err)
{
	struct rcur r = {.buf = buf, .len = len};
	uint32_t magic, reserved;
	uint16_t version;
	char name[32];

	if (len < TEE_WIRE_HDR_SIZE)
		return rpt_error_set(err, RPT_EFORMAT, "truncated header: %zu of %u bytes", len,
				     TEE_WIRE_HDR_SIZE);
	magic = get_u32(&r);
	version = get_u16(&r);
	m->op = get_u16(&r);
	m->seq = get_u32(&r);
	*body_len = get_u32(&r);
	m->num_fds = get_u32(&r);
	reserved = get_u32(&r);
	if (magic != TEE_WIRE_MAGIC)
		return rpt_error_set(err, RPT_EFORMAT, "bad magic 0x%08x", magic);
	if (version != TEE_WIRE_VERSION)
		return rpt_error_set(err, RPT_EFORMAT, "protocol version %u, this side speaks %u",
				     version, TEE_WIRE_VERSION);
	if (!tee_wire_op_known(m->op))
		return rpt_error_set(err, RPT_EFORMAT, "unknown %s",
				     tee_wire_op_name(m->op, name, sizeof(name)));
	if (*body_len > TEE_WIRE_BODY_MAX)
		return rpt_error_set(err, RPT_EFORMAT, "body of %u bytes, over %u", *body_len,
				     TEE_WIRE_BODY_MAX);
	if (*body_len != len - TEE_WIRE_HDR_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header says %u body bytes, the packet carries %zu", *body_len,
				     len - TEE_WIRE_HDR_SIZE);
	if (m->num_fds != nfds)
		return rpt_error_set(err, RPT_EFORMAT,
				     "header says %u descriptors, the packet carries %u",
				     m->num_fds, nfds);
	if (nfds > TEE_WIRE_MAX_FDS)
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors, over %u", nfds,
				     TEE_WIRE_MAX_FDS);
	return check_reserved(reserved, "header", err);
}

/* Body length and descriptor rules that depend on the op alone. */
static int check_body_shape(const struct tee_wire_msg *m, uint32_t body_len, struct rpt_error *err)
{
	size_t want = body_size(m->op);
	bool variable = m->op == (TEE_WIRE_OP_GET_SHM | TEE_WIRE_OP_REPLY);

	if (variable ? body_len < want : body_len != want)
		return rpt_error_set(err, RPT_EFORMAT, "body of %u bytes, %s needs %s%zu", body_len,
				     "this op", variable ? "at least " : "", want);
	if (m->op == TEE_WIRE_OP_REGISTER_SHM) {
		if (m->num_fds != 1)
			return rpt_error_set(err, RPT_EFORMAT,
					     "%u descriptors, REGISTER_SHM takes exactly 1",
					     m->num_fds);
		return 0;
	}
	if (m->num_fds && !has_params(m->op) && !variable)
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors on an op that takes none",
				     m->num_fds);
	if (m->num_fds && has_params(m->op) && (m->op & TEE_WIRE_OP_REPLY))
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors on a reply", m->num_fds);
	return 0;
}

int tee_wire_decode(const uint8_t *buf, size_t len, unsigned int nfds, struct tee_wire_msg *m,
		    struct rpt_error *err)
{
	struct rcur r = {.buf = buf, .len = len, .pos = TEE_WIRE_HDR_SIZE};
	uint32_t body_len = 0;
	char name[32];
	int ret;

	memset(m, 0, sizeof(*m));
	ret = decode_header(buf, len, nfds, m, &body_len, err);
	if (!ret)
		ret = check_body_shape(m, body_len, err);
	if (!ret)
		ret = (m->op & TEE_WIRE_OP_REPLY) ? decode_reply(&r, m, err)
						  : decode_request(&r, m, err);
	/* Sizes were checked first, so a short read here is a bug in this file. */
	if (!ret && (r.short_read || r.pos != r.len))
		ret = rpt_error_set(err, RPT_EFORMAT, "body of %zu bytes, %zu decoded", r.len,
				    r.pos);
	if (ret) {
		rpt_error_prefix(err, "%s: ", tee_wire_op_name(m->op, name, sizeof(name)));
		memset(m, 0, sizeof(*m));
		return -RPT_EFORMAT;
	}
	return 0;
}

/* ---- sockets ---- */

/* Control buffer for TEE_WIRE_MAX_FDS descriptors, aligned as the cmsg macros need. */
union fd_control {
	char buf[CMSG_SPACE(sizeof(int) * TEE_WIRE_MAX_FDS)];
	struct cmsghdr align;
};

void tee_wire_close_fds(int *fds, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (fds[i] >= 0)
			close(fds[i]);
		fds[i] = -1;
	}
}

int tee_wire_send(int sock, const uint8_t *buf, size_t len, const int *fds, unsigned int nfds,
		  bool nonblock, struct rpt_error *err)
{
	struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union fd_control ctl;
	struct cmsghdr *cm;
	ssize_t n;

	if (nfds > TEE_WIRE_MAX_FDS)
		return rpt_error_set(err, EINVAL, "%u descriptors, over %u", nfds,
				     TEE_WIRE_MAX_FDS);
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	do
		n = sendmsg(sock, &mh, MSG_NOSIGNAL | (nonblock ? MSG_DONTWAIT : 0));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rpt_error_set(err, errno, "send: %s", strerror(errno));
	if ((size_t)n != len)
		return rpt_error_set(err, EIO, "send: %zd of %zu bytes went out", n, len);
	return 0;
}

/*
 * Collect the descriptors of every SCM_RIGHTS message (all of them, to close
 * them on error). False if a control message is not SCM_RIGHTS or there were
 * more descriptors than fit fds[] (the extra ones are closed here).
 */
static bool collect_fds(struct msghdr *mh, int fds[TEE_WIRE_MAX_FDS], unsigned int *nfds)
{
	struct cmsghdr *cm;
	bool ok = true;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		size_t i, n;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS ||
		    cm->cmsg_len < CMSG_LEN(0)) {
			ok = false;
			continue;
		}
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (*nfds < TEE_WIRE_MAX_FDS) {
				fds[(*nfds)++] = fd;
			} else {
				close(fd);
				ok = false;
			}
		}
	}
	return ok;
}

int tee_wire_recv(int sock, uint8_t *buf, size_t cap, size_t *len, int fds[TEE_WIRE_MAX_FDS],
		  unsigned int *nfds, bool nonblock, struct rpt_error *err)
{
	struct iovec iov = {.iov_base = buf, .iov_len = cap};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	union fd_control ctl;
	ssize_t n;
	int ret;

	*nfds = 0;
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC | (nonblock ? MSG_DONTWAIT : 0));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		ret = errno;
		return rpt_error_set(err, ret, "receive: %s", strerror(ret));
	}
	if (!collect_fds(&mh, fds, nfds)) {
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "packet with a control message other than up to %u descriptors",
				    TEE_WIRE_MAX_FDS);
		goto out_close;
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		ret = rpt_error_set(err, RPT_EFORMAT, "packet with more than %u descriptors",
				    TEE_WIRE_MAX_FDS);
		goto out_close;
	}
	if (mh.msg_flags & MSG_TRUNC) {
		ret = rpt_error_set(err, RPT_EFORMAT, "packet over %zu bytes", cap);
		goto out_close;
	}
	/* A zero-length packet is what a closed connection reads as too: treat both alike. */
	if (!n) {
		ret = rpt_error_set(err, EPIPE, "connection closed by the peer");
		goto out_close;
	}
	*len = (size_t)n;
	return 0;

out_close:
	tee_wire_close_fds(fds, *nfds);
	*nfds = 0;
	return ret;
}

/* ---- socket paths ---- */

int tee_wire_check_path(const char *path, struct rpt_error *err)
{
	struct sockaddr_un sa;
	size_t n = path ? strlen(path) : 0;

	if (!n)
		return rpt_error_set(err, EINVAL, "empty socket path");
	if (n >= sizeof(sa.sun_path))
		return rpt_error_set(err, ENAMETOOLONG,
				     "socket path %.40s...: %zu bytes, a Unix socket takes %zu",
				     path, n, sizeof(sa.sun_path) - 1);
	return 0;
}

int tee_wire_default_path(char *buf, size_t len, struct rpt_error *err)
{
	/* Clients only compute it: the directory is the server's to create. */
	return rpt_default_socket(RPT_TEED_SOCKET_NAME, 0, buf, len, err);
}
