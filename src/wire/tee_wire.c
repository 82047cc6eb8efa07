// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE wire protocol (tee_wire.h): messages, encoded and decoded with every
 * field checked, from one table row per op. Both ends use the same decoder,
 * and the encoder runs it over its own output, so that neither side can send
 * what the other would refuse. Packets and sockets: tee_wire_io.c.
 */
#include "wire/tee_wire.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

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

/* ---- checks shared by the fields ---- */

static int check_reserved(uint32_t v, size_t at, struct rpt_error *err)
{
	if (v)
		return rpt_error_set(err, RPT_EFORMAT,
				     "reserved field at body byte %zu is 0x%x, not 0", at, v);
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

/* ---- parameters ---- */

static void put_param(struct wcur *w, const struct tee_wire_param *p)
{
	put_u32(w, p->type);
	put_u32(w, p->fd_index);
	put_u32(w, p->a);
	put_u32(w, p->b);
	put_u64(w, p->offset);
	put_u64(w, p->size);
}

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

/* The range of a memref with a buffer: bounded so that offset + size fits an off_t. */
static int check_memref_range(const struct tee_wire_param *p, unsigned int i, struct rpt_error *err)
{
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

/*
 * A request's memref: a range inside one of the packet's descriptors, a range
 * inside a shared memory registered before, or no buffer at all.
 */
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
		return check_memref_range(p, i, err);
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
	return check_memref_range(p, i, err);
}

static int get_params(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
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

/* ---- shared-memory lists (GET_SHM reply) ---- */

static int get_shm(struct rcur *r, struct tee_wire_shm *s, unsigned int i, struct rpt_error *err)
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

/* num_shm entries up to the body's end, each with its descriptor, in the same order. */
static int get_shm_list(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	size_t left = r->len - r->pos;
	unsigned int i;
	int ret;

	if (m->num_shm > TEE_WIRE_MAX_SHM)
		return rpt_error_set(err, RPT_EFORMAT, "%u shared memories, over %u", m->num_shm,
				     TEE_WIRE_MAX_SHM);
	if (left != (size_t)m->num_shm * TEE_WIRE_SHM_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "%zu bytes of entries for %u shared memories", left,
				     m->num_shm);
	if (m->num_fds != m->num_shm)
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors for %u shared memories",
				     m->num_fds, m->num_shm);
	for (i = 0; i < m->num_shm; i++) {
		ret = get_shm(r, &m->shm[i], i, err);
		if (ret)
			return ret;
	}
	return 0;
}

/* ---- the reason of a failed reply ---- */

/*
 * The trailer of a TA call's reply: a length, then that many bytes up to the
 * body's end, printable ASCII only (no NUL, no control character, no escape
 * sequence: the text reaches a terminal), at most TEE_WIRE_REASON_MAX - 1,
 * and none on a success.
 */
static int get_reason(struct rcur *r, struct tee_wire_msg *m, char *member, struct rpt_error *err)
{
	uint32_t len = get_u32(r);
	size_t left = r->len - r->pos;

	if (len > TEE_WIRE_REASON_MAX - 1)
		return rpt_error_set(err, RPT_EFORMAT, "reason of %u bytes, over %u", len,
				     TEE_WIRE_REASON_MAX - 1);
	if (len != left)
		return rpt_error_set(err, RPT_EFORMAT, "reason of %u bytes, %zu left in the body",
				     len, left);
	if (len && m->result == TEE_SUCCESS)
		return rpt_error_set(err, RPT_EFORMAT, "a reason on a success");
	get_bytes(r, member, len);
	member[len] = '\0';
	if (!tee_reason_valid(member, len)) {
		member[0] = '\0';
		return rpt_error_set(err, RPT_EFORMAT,
				     "reason: a byte that is not printable ASCII");
	}
	return 0;
}

/* ---- what each op adds to the layout ---- */

static int check_inject_crash(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (m->arg > TEE_WIRE_CRASH_MAX)
		return rpt_error_set(err, RPT_EFORMAT, "unknown crash type %u", m->arg);
	return 0;
}

/* processor 1's IPCC window: a 4-byte aligned register inside the block */
static int check_ipcc_reg(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (m->reg >= TEE_WIRE_IPCC_SIZE || (m->reg & 3u))
		return rpt_error_set(err, RPT_EFORMAT,
				     "IPCC register 0x%x, not a 4-byte aligned offset below 0x%x",
				     m->reg, TEE_WIRE_IPCC_SIZE);
	return 0;
}

/* A value only when the read worked: a client never uses a failed read's. */
static int check_ipcc_read_reply(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (m->result != TEE_SUCCESS && m->value)
		return rpt_error_set(err, RPT_EFORMAT, "IPCC value 0x%x with result 0x%08x",
				     m->value, m->result);
	return 0;
}

static int check_get_shm_reply(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (m->result != TEE_SUCCESS && m->num_shm)
		return rpt_error_set(err, RPT_EFORMAT, "%u shared memories with a failure",
				     m->num_shm);
	return 0;
}

int tee_wire_event_check(const struct tee_wire_event *ev, struct rpt_error *err)
{
	static const char zeros[TEE_WIRE_WHY_MAX];

	switch (ev->kind) {
	case TEE_WIRE_EVENT_CRASH:
		if (ev->arg > TEE_WIRE_CRASH_MAX)
			return rpt_error_set(err, RPT_EFORMAT, "crash of unknown type %u", ev->arg);
		return check_text(ev->why, sizeof(ev->why), true, "crash reason", err);
	case TEE_WIRE_EVENT_IPCC_IRQ:
		if (ev->arg & ~(TEE_WIRE_IPCC_IRQ_RX | TEE_WIRE_IPCC_IRQ_TX))
			return rpt_error_set(err, RPT_EFORMAT, "IPCC lines 0x%x, known 0x%x",
					     ev->arg, TEE_WIRE_IPCC_IRQ_RX | TEE_WIRE_IPCC_IRQ_TX);
		break;
	default:
		return rpt_error_set(err, RPT_EFORMAT, "unknown event kind %u", ev->kind);
	}
	if (memcmp(ev->why, zeros, sizeof(zeros)))
		return rpt_error_set(err, RPT_EFORMAT, "reason text on a kind %u event", ev->kind);
	return 0;
}

/* An EVENT message: seq 0 (nobody asked), then the one rule of an event. */
static int check_event(const struct tee_wire_msg *m, struct rpt_error *err)
{
	struct tee_wire_event ev = {.rproc_id = m->rproc_id, .kind = m->kind, .arg = m->arg};

	if (m->seq)
		return rpt_error_set(err, RPT_EFORMAT, "seq %u, an event carries 0", m->seq);
	memcpy(ev.why, m->why, sizeof(ev.why));
	return tee_wire_event_check(&ev, err);
}

static int check_register_shm(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (!m->shm_size || m->shm_size > TEE_WIRE_MEMREF_MAX)
		return rpt_error_set(
			err, RPT_EFORMAT, "shared memory of 0x%llx bytes (1 to 0x%llx)",
			(unsigned long long)m->shm_size, (unsigned long long)TEE_WIRE_MEMREF_MAX);
	return 0;
}

/* An id exactly when it worked: a client can never use a failed one. */
static int check_register_shm_reply(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if ((m->result == TEE_SUCCESS) != (m->shm_id != 0))
		return rpt_error_set(err, RPT_EFORMAT, "shm id %u with result 0x%08x", m->shm_id,
				     m->result);
	return 0;
}

static int check_unregister_shm(const struct tee_wire_msg *m, struct rpt_error *err)
{
	if (!m->shm_id)
		return rpt_error_set(err, RPT_EFORMAT, "shm id 0");
	return 0;
}

/* ---- the op table ---- */

/* What a body field is: each kind has one writer (put_field) and one reader (get_field). */
enum wire_kind {
	WIRE_END,    /* no more fields */
	WIRE_U32,    /* a uint32_t member of struct tee_wire_msg */
	WIRE_U64,    /* a uint64_t member of struct tee_wire_msg */
	WIRE_RSV,    /* a u32 that must be 0 */
	WIRE_UUID,   /* a TEE_UUID member: u32, u16, u16, u8[8] */
	WIRE_TEXT,   /* a char[] member: NUL-terminated, zeros after the NUL, may be empty */
	WIRE_PARAMS, /* params[]; in a request the memrefs name every descriptor */
	WIRE_SHM,    /* shm[num_shm] up to the body's end, one descriptor each (last field) */
	WIRE_REASON, /* u32 len, then len bytes of printable ASCII up to the body's end (last) */
};

/* One field of a body, in wire order. */
struct wire_field {
	enum wire_kind kind; /* how it is written and read */
	size_t offset;	     /* where the member is in struct tee_wire_msg (U32, UUID, TEXT) */
	size_t size;	     /* bytes on the wire (SHM: 0, the entries come on top) */
	const char *name;    /* TEXT: the member's name, for messages */
};

#define WIRE_MAX_FIELDS 6

/* A request's body, or a reply's after its result and origin. */
struct wire_body {
	struct wire_field fields[WIRE_MAX_FIELDS]; /* in wire order, up to the first WIRE_END */
	/* Descriptors it carries besides memrefs and a shared-memory list (exactly). */
	unsigned int fds;
	/* Bounds the layout cannot say (a vq, a crash type), on a decoded body; NULL: none. */
	int (*check)(const struct tee_wire_msg *m, struct rpt_error *err);
};

/* Everything the code knows about one op. */
struct wire_op {
	const char *name;	  /* "INVOKE"; NULL for a value that is no op */
	bool unanswered;	  /* sent unasked by the server (EVENT): no reply exists */
	struct wire_body request; /* what the request carries */
	struct wire_body reply;	  /* what the reply carries after result and origin */
};

#define MSG_MEMBER_SIZE(member) sizeof(((struct tee_wire_msg *)0)->member)
/*
 * A field of the row, by member of struct tee_wire_msg. The array size is
 * negative, and the build fails, if the member's size is not the field's.
 */
#define F_U32(member)                                                                              \
	{                                                                                          \
		.kind = WIRE_U32, .offset = offsetof(struct tee_wire_msg, member),                 \
		.size = sizeof(char[MSG_MEMBER_SIZE(member) == 4 ? 4 : -1])                        \
	}
#define F_U64(member)                                                                              \
	{                                                                                          \
		.kind = WIRE_U64, .offset = offsetof(struct tee_wire_msg, member),                 \
		.size = sizeof(char[MSG_MEMBER_SIZE(member) == 8 ? 8 : -1])                        \
	}
#define F_RSV                                                                                      \
	{                                                                                          \
		.kind = WIRE_RSV, .size = 4                                                        \
	}
#define F_UUID(member)                                                                             \
	{                                                                                          \
		.kind = WIRE_UUID, .offset = offsetof(struct tee_wire_msg, member),                \
		.size = sizeof(char[MSG_MEMBER_SIZE(member) == sizeof(TEE_UUID) ? 16 : -1])        \
	}
#define F_TEXT(member)                                                                             \
	{                                                                                          \
		.kind = WIRE_TEXT, .offset = offsetof(struct tee_wire_msg, member),                \
		.size = MSG_MEMBER_SIZE(member), .name = #member                                   \
	}
#define F_PARAMS                                                                                   \
	{                                                                                          \
		.kind = WIRE_PARAMS, .size = (size_t)TEE_NUM_PARAMS * TEE_WIRE_PARAM_SIZE          \
	}
#define F_SHM_LIST                                                                                 \
	{                                                                                          \
		.kind = WIRE_SHM, .size = 0                                                        \
	}
/* The reason trailer: its length (4 bytes) counts in the fixed size, the text comes on top. */
#define F_REASON(member)                                                                           \
	{                                                                                          \
		.kind = WIRE_REASON, .offset = offsetof(struct tee_wire_msg, member),              \
		.size = sizeof(char[MSG_MEMBER_SIZE(member) == TEE_WIRE_REASON_MAX ? 4 : -1])      \
	}

/*
 * One row per op, the only place that says what an op's bodies hold (the
 * layout table of tee_wire.h says the same for readers; the fixed-bytes tests
 * hold the two together). A reply not listed carries result and origin alone.
 */
static const struct wire_op wire_ops[] = {
	[TEE_WIRE_OP_HELLO] = {.name = "HELLO",
			       .request = {.fields = {F_U32(version), F_RSV}},
			       .reply = {.fields = {F_U32(version), F_RSV}}},
	[TEE_WIRE_OP_OPEN_SESSION] = {.name = "OPEN_SESSION",
				      .request = {.fields = {F_UUID(uuid), F_PARAMS}},
				      .reply = {.fields = {F_U32(session), F_RSV, F_PARAMS,
							   F_REASON(reason)}}},
	[TEE_WIRE_OP_INVOKE] = {.name = "INVOKE",
				.request = {.fields = {F_U32(session), F_U32(cmd), F_PARAMS}},
				.reply = {.fields = {F_PARAMS, F_REASON(reason)}}},
	[TEE_WIRE_OP_CLOSE_SESSION] = {.name = "CLOSE_SESSION",
				       .request = {.fields = {F_U32(session), F_RSV}}},
	[TEE_WIRE_OP_GET_SHM] = {.name = "GET_SHM",
				 .request = {.fields = {F_U32(rproc_id), F_RSV}},
				 .reply = {.fields = {F_U32(num_shm), F_RSV, F_SHM_LIST},
					   .check = check_get_shm_reply}},
	[TEE_WIRE_OP_INJECT_CRASH] = {.name = "INJECT_CRASH",
				      .request = {.fields = {F_U32(rproc_id), F_U32(arg)},
						  .check = check_inject_crash}},
	[TEE_WIRE_OP_SUBSCRIBE] = {.name = "SUBSCRIBE",
				   .request = {.fields = {F_U32(rproc_id), F_RSV}}},
	[TEE_WIRE_OP_EVENT] = {.name = "EVENT",
			       .unanswered = true,
			       .request = {.fields = {F_U32(rproc_id), F_U32(kind), F_U32(arg),
						      F_RSV, F_TEXT(why)},
					   .check = check_event}},
	[TEE_WIRE_OP_REGISTER_SHM] =
		{.name = "REGISTER_SHM",
		 .request = {.fields = {F_U64(shm_size)}, .fds = 1, .check = check_register_shm},
		 .reply = {.fields = {F_U32(shm_id), F_RSV}, .check = check_register_shm_reply}},
	[TEE_WIRE_OP_UNREGISTER_SHM] = {.name = "UNREGISTER_SHM",
					.request = {.fields = {F_U32(shm_id), F_RSV},
						    .check = check_unregister_shm}},
	[TEE_WIRE_OP_IPCC_READ] = {.name = "IPCC_READ",
				   .request = {.fields = {F_U32(rproc_id), F_U32(reg)},
					       .check = check_ipcc_reg},
				   .reply = {.fields = {F_U32(value), F_RSV},
					     .check = check_ipcc_read_reply}},
	[TEE_WIRE_OP_IPCC_WRITE] = {.name = "IPCC_WRITE",
				    .request = {.fields = {F_U32(rproc_id), F_U32(reg),
							   F_U32(value), F_RSV},
						.check = check_ipcc_reg}},
};

#define WIRE_NUM_OPS (sizeof(wire_ops) / sizeof(wire_ops[0]))

/* A TA call's reply with the longest reason still fits what a client receives. */
_Static_assert(TEE_WIRE_HDR_SIZE + 16 + TEE_NUM_PARAMS * TEE_WIRE_PARAM_SIZE + 4 +
			       TEE_WIRE_REASON_MAX - 1 <=
		       TEE_WIRE_REPLY_MAX,
	       "a reply with a reason must fit TEE_WIRE_REPLY_MAX");

/* How many fields body b has: those before its first WIRE_END. */
static unsigned int num_fields(const struct wire_body *b)
{
	unsigned int n = 0;

	while (n < WIRE_MAX_FIELDS && b->fields[n].kind != WIRE_END)
		n++;
	return n;
}

/* Bytes every reply starts with: result, origin. */
#define REPLY_HEAD_SIZE 8u

/* The row of a known op (tee_wire_op_known), request or reply. */
static const struct wire_op *wire_op(uint16_t op)
{
	return &wire_ops[op & ~TEE_WIRE_OP_REPLY];
}

/* The body of a known op: the row's request or reply. */
static const struct wire_body *wire_body(uint16_t op)
{
	return (op & TEE_WIRE_OP_REPLY) ? &wire_op(op)->reply : &wire_op(op)->request;
}

/* What a body's fields add up to. */
struct wire_shape {
	size_t size;	  /* bytes of the fixed fields (a shared-memory list adds its entries) */
	bool params;	  /* it has the parameters */
	bool list;	  /* it ends with a shared-memory list */
	bool reason;	  /* it ends with a reason text */
	unsigned int fds; /* descriptors of its own (exactly), besides memrefs and the list */
};

static struct wire_shape body_shape(uint16_t op)
{
	const struct wire_body *b = wire_body(op);
	struct wire_shape s = {.size = (op & TEE_WIRE_OP_REPLY) ? REPLY_HEAD_SIZE : 0,
			       .fds = b->fds};
	unsigned int i;

	for (i = 0; i < num_fields(b); i++) {
		s.size += b->fields[i].size;
		s.params |= b->fields[i].kind == WIRE_PARAMS;
		s.list |= b->fields[i].kind == WIRE_SHM;
		s.reason |= b->fields[i].kind == WIRE_REASON;
	}
	return s;
}

bool tee_wire_op_known(uint16_t op)
{
	uint16_t base = op & (uint16_t)~TEE_WIRE_OP_REPLY;

	if (base >= WIRE_NUM_OPS || !wire_ops[base].name)
		return false;
	/* An event is never answered: "EVENT reply" is not a message. */
	return !((op & TEE_WIRE_OP_REPLY) && wire_ops[base].unanswered);
}

const char *tee_wire_op_name(uint16_t op, char *buf, size_t len)
{
	if (!tee_wire_op_known(op))
		snprintf(buf, len, "op 0x%04x", op);
	else
		snprintf(buf, len, "%s%s", wire_op(op)->name,
			 (op & TEE_WIRE_OP_REPLY) ? " reply" : "");
	return buf;
}

/* ---- encoding ---- */

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

	if (field > sizeof(buf)) {
		w->overflow = true;
		return;
	}
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

static void put_field(struct wcur *w, const struct tee_wire_msg *m, const struct wire_field *f)
{
	const char *member = (const char *)m + f->offset;
	unsigned int i;
	uint64_t v64;
	uint32_t v;

	switch (f->kind) {
	case WIRE_END:
		break;
	case WIRE_U32:
		memcpy(&v, member, sizeof(v));
		put_u32(w, v);
		break;
	case WIRE_U64:
		memcpy(&v64, member, sizeof(v64));
		put_u64(w, v64);
		break;
	case WIRE_RSV:
		put_u32(w, 0);
		break;
	case WIRE_UUID:
		put_uuid(w, (const TEE_UUID *)(const void *)member);
		break;
	case WIRE_TEXT:
		put_text(w, member, f->size);
		break;
	case WIRE_PARAMS:
		for (i = 0; i < TEE_NUM_PARAMS; i++)
			put_param(w, &m->params[i]);
		break;
	case WIRE_SHM:
		for (i = 0; i < m->num_shm && i < TEE_WIRE_MAX_SHM; i++)
			put_shm(w, &m->shm[i]);
		break;
	case WIRE_REASON:
		v = (uint32_t)strnlen(member, TEE_WIRE_REASON_MAX - 1);
		put_u32(w, v);
		put_bytes(w, member, v);
		break;
	}
}

int tee_wire_encode(const struct tee_wire_msg *m, uint8_t *buf, size_t cap, size_t *len,
		    struct rpt_error *err)
{
	struct tee_wire_msg check;
	struct wcur w = {.buf = buf, .cap = cap};
	const struct wire_body *b;
	unsigned int i;
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
	if (m->op & TEE_WIRE_OP_REPLY) {
		put_u32(&w, m->result);
		put_u32(&w, m->origin);
	}
	b = wire_body(m->op);
	for (i = 0; i < num_fields(b); i++)
		put_field(&w, m, &b->fields[i]);
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

static void get_uuid(struct rcur *r, TEE_UUID *u)
{
	u->timeLow = get_u32(r);
	u->timeMid = get_u16(r);
	u->timeHiAndVersion = get_u16(r);
	get_bytes(r, u->clockSeqAndNode, sizeof(u->clockSeqAndNode));
}

static int get_field(struct rcur *r, struct tee_wire_msg *m, const struct wire_field *f,
		     struct rpt_error *err)
{
	char *member = (char *)m + f->offset;
	size_t at = r->pos - TEE_WIRE_HDR_SIZE;
	uint64_t v64;
	uint32_t v;

	switch (f->kind) {
	case WIRE_END:
		return 0;
	case WIRE_U32:
		v = get_u32(r);
		memcpy(member, &v, sizeof(v));
		return 0;
	case WIRE_U64:
		v64 = get_u64(r);
		memcpy(member, &v64, sizeof(v64));
		return 0;
	case WIRE_RSV:
		return check_reserved(get_u32(r), at, err);
	case WIRE_UUID:
		get_uuid(r, (TEE_UUID *)(void *)member);
		return 0;
	case WIRE_TEXT:
		get_bytes(r, member, f->size);
		return check_text(member, f->size, true, f->name, err);
	case WIRE_PARAMS:
		return get_params(r, m, err);
	case WIRE_SHM:
		return get_shm_list(r, m, err);
	case WIRE_REASON:
		return get_reason(r, m, member, err);
	}
	return rpt_error_set(err, RPT_EFORMAT, "field kind %d unknown", (int)f->kind);
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
	if (reserved)
		return rpt_error_set(err, RPT_EFORMAT, "header: reserved field is 0x%x, not 0",
				     reserved);
	return 0;
}

/* Body length and descriptor rules that follow from the op's fields. */
static int check_body_shape(const struct tee_wire_msg *m, uint32_t body_len, struct rpt_error *err)
{
	struct wire_shape s = body_shape(m->op);
	bool reply = m->op & TEE_WIRE_OP_REPLY;

	if (s.list || s.reason ? body_len < s.size : body_len != s.size)
		return rpt_error_set(err, RPT_EFORMAT, "body of %u bytes, the op needs %s%zu",
				     body_len, s.list || s.reason ? "at least " : "", s.size);
	if (s.fds) {
		if (m->num_fds != s.fds)
			return rpt_error_set(err, RPT_EFORMAT, "%u descriptors, the op takes %u",
					     m->num_fds, s.fds);
		return 0;
	}
	/* Descriptors travel with a request's memrefs and a shared-memory list, nowhere else. */
	if (m->num_fds && !s.list && !(s.params && !reply))
		return rpt_error_set(err, RPT_EFORMAT, "%u descriptors on %s that takes none",
				     m->num_fds, reply ? "a reply" : "an op");
	return 0;
}

static int decode_body(struct rcur *r, struct tee_wire_msg *m, struct rpt_error *err)
{
	const struct wire_body *b = wire_body(m->op);
	unsigned int i;
	int ret;

	if (m->op & TEE_WIRE_OP_REPLY) {
		m->result = get_u32(r);
		m->origin = get_u32(r);
		if (m->origin < TEE_WIRE_ORIGIN_API || m->origin > TEE_WIRE_ORIGIN_TRUSTED_APP)
			return rpt_error_set(err, RPT_EFORMAT, "unknown result origin %u",
					     m->origin);
	}
	for (i = 0; i < num_fields(b); i++) {
		ret = get_field(r, m, &b->fields[i], err);
		if (ret)
			return ret;
	}
	return b->check ? b->check(m, err) : 0;
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
		ret = decode_body(&r, m, err);
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
