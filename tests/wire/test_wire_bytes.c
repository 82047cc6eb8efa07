// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE wire protocol against bytes written out by hand from the layout
 * table in wire/tee_wire.h: every message, request and reply, is encoded from
 * a filled struct and compared with its literal bytes, and the literal bytes
 * are decoded back and every field checked. A round trip alone would pass two
 * fields swapped in both the encoder and the decoder; this does not. Then every
 * shape rule of the decoder, each refusal naming what is wrong.
 *
 * The messages are also the fuzzer's seeds (fuzz/corpus/fuzz_tee_wire: the
 * descriptor count, then the packet); RPT_WIRE_WRITE_SEEDS=1 rewrites them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "testutil.h"
#include "wire/tee_wire.h"

/*
 * ---- the bytes, as tee_wire.h lays them out ----
 * (clang-format is off around the longer ones: one line per field or group.)
 */

#define LE16(v) (uint8_t)((v)&0xffu), (uint8_t)(((v) >> 8) & 0xffu)
#define LE32(v) LE16((v)&0xffffu), LE16(((v) >> 16) & 0xffffu)
#define LE64(v) LE32((uint64_t)(v)&0xffffffffu), LE32(((uint64_t)(v) >> 32) & 0xffffffffu)
#define Z2	0, 0
#define Z4	0, 0, 0, 0
#define Z8	Z4, Z4
#define Z16	Z8, Z8
#define Z32	Z16, Z16
/* Header: magic "RPTW", version 7, op, seq, body_len, num_fds, reserved. */
#define HDR(op, seq, body_len, nfds)                                                               \
	'R', 'P', 'T', 'W', LE16(7), LE16(op), LE32(seq), LE32(body_len), LE32(nfds), Z4
/* Parameter: type, fd_index, a, b, u64 offset, u64 size. */
#define PARAM(type, fd, a, b, off, size)                                                           \
	LE32(type), LE32(fd), LE32(a), LE32(b), LE64(off), LE64(size)
#define PARAM_NONE PARAM(0, 0xFFFFFFFFu, 0, 0, 0, 0)
#define NO_FD	   0xFFFFFFFFu

/* One message: how to fill it, its bytes, and where its reserved body fields are. */
struct wire_case {
	const char *name;		      /* "INVOKE request": the cmocka test's name */
	const char *seed;		      /* its seed file in fuzz/corpus/fuzz_tee_wire */
	void (*fill)(struct tee_wire_msg *m); /* the same message as a struct */
	const uint8_t *bytes;		      /* the packet */
	size_t len;			      /* its length */
	unsigned int rsv[2];		      /* body offsets of reserved u32s (0: none) */
};

static const TEE_UUID test_uuid = {
	0x11223344, 0x5566, 0x7788, {0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01}};

static void none_params(struct tee_wire_msg *m)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++)
		m->params[i].fd_index = TEE_WIRE_FD_NONE;
}

static void set_param(struct tee_wire_param *p, uint32_t type, uint32_t fd, uint32_t a, uint32_t b,
		      uint64_t offset, uint64_t size)
{
	p->type = type;
	p->fd_index = fd;
	p->a = a;
	p->b = b;
	p->offset = offset;
	p->size = size;
}

static void reply_head(struct tee_wire_msg *m, uint16_t op, uint32_t result, uint32_t origin)
{
	m->op = op | TEE_WIRE_OP_REPLY;
	m->seq = 0x01020304;
	m->result = result;
	m->origin = origin;
}

/* HELLO */
static const uint8_t hello_req[] = {HDR(0x0001, 0x01020304, 8, 0), LE32(3), Z4};
static void fill_hello_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_HELLO;
	m->seq = 0x01020304;
	m->version = 3;
}
static const uint8_t hello_rep[] = {HDR(0x8001, 0x01020304, 16, 0), LE32(0xFFFF000Au), LE32(3),
				    LE32(3), Z4};
static void fill_hello_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_HELLO, TEE_ERROR_NOT_SUPPORTED, TEE_WIRE_ORIGIN_TEE);
	m->version = 3;
}

/* OPEN_SESSION: a value, two memrefs naming descriptors 1 and 0, none. */
/* clang-format off */
static const uint8_t open_req[] = {
	HDR(0x0002, 0x21, 144, 2),
	LE32(0x11223344), LE16(0x5566), LE16(0x7788), 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xf0, 0x01,
	PARAM(1, NO_FD, 0xa0a1a2a3u, 0xb0b1b2b3u, 0, 0),
	PARAM(5, 1, 0, 0, 0x1000, 0x2000),
	PARAM(6, 0, 0, 0, 0x200000040ull, 0x30),
	PARAM_NONE,
};
/* clang-format on */
static void fill_open_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_OPEN_SESSION;
	m->seq = 0x21;
	m->num_fds = 2;
	m->uuid = test_uuid;
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_VALUE_INPUT, TEE_WIRE_FD_NONE, 0xa0a1a2a3u,
		  0xb0b1b2b3u, 0, 0);
	set_param(&m->params[1], TEE_PARAM_TYPE_MEMREF_INPUT, 1, 0, 0, 0x1000, 0x2000);
	set_param(&m->params[2], TEE_PARAM_TYPE_MEMREF_OUTPUT, 0, 0, 0, 0x200000040ull, 0x30);
}
/* clang-format off */
static const uint8_t open_rep[] = {
	HDR(0x8002, 0x01020304, 148, 0),
	Z4, LE32(4), LE32(0x2a), Z4,
	PARAM(2, NO_FD, 1, 2, 0, 0),
	PARAM(6, NO_FD, 0, 0, 0, 0x40),
	PARAM_NONE,
	PARAM(7, NO_FD, 0, 0, 0, 0x123456789ull),
	LE32(0), /* no reason: a success */
};
/* clang-format on */
static void fill_open_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_OPEN_SESSION, TEE_SUCCESS, TEE_WIRE_ORIGIN_TRUSTED_APP);
	m->session = 0x2a;
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_VALUE_OUTPUT, TEE_WIRE_FD_NONE, 1, 2, 0, 0);
	set_param(&m->params[1], TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_WIRE_FD_NONE, 0, 0, 0, 0x40);
	set_param(&m->params[3], TEE_PARAM_TYPE_MEMREF_INOUT, TEE_WIRE_FD_NONE, 0, 0, 0,
		  0x123456789ull);
}

/* INVOKE: a value, none, a memref on descriptor 0, a memref without a buffer. */
/* clang-format off */
static const uint8_t invoke_req[] = {
	HDR(0x0003, 0x22, 136, 1),
	LE32(0x2a), LE32(0x0c0d0e0fu),
	PARAM(3, NO_FD, 5, 6, 0, 0),
	PARAM_NONE,
	PARAM(7, 0, 0, 0, 0x10, 0x100),
	PARAM(5, NO_FD, 0, 0, 0, 0),
};
/* clang-format on */
static void fill_invoke_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_INVOKE;
	m->seq = 0x22;
	m->num_fds = 1;
	m->session = 0x2a;
	m->cmd = 0x0c0d0e0fu;
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_VALUE_INOUT, TEE_WIRE_FD_NONE, 5, 6, 0, 0);
	set_param(&m->params[2], TEE_PARAM_TYPE_MEMREF_INOUT, 0, 0, 0, 0x10, 0x100);
	set_param(&m->params[3], TEE_PARAM_TYPE_MEMREF_INPUT, TEE_WIRE_FD_NONE, 0, 0, 0, 0);
}
/* clang-format off */
static const uint8_t invoke_rep[] = {
	HDR(0x8003, 0x01020304, 140, 0),
	LE32(0xFFFF0010u), LE32(4),
	PARAM(3, NO_FD, 7, 8, 0, 0),
	PARAM_NONE,
	PARAM(7, NO_FD, 0, 0, 0, 0x123456789ull),
	PARAM(5, NO_FD, 0, 0, 0, 0),
	LE32(0), /* no reason: the TA had nothing to add */
};
/* clang-format on */
static void fill_invoke_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_INVOKE, TEE_ERROR_SHORT_BUFFER, TEE_WIRE_ORIGIN_TRUSTED_APP);
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_VALUE_INOUT, TEE_WIRE_FD_NONE, 7, 8, 0, 0);
	set_param(&m->params[2], TEE_PARAM_TYPE_MEMREF_INOUT, TEE_WIRE_FD_NONE, 0, 0, 0,
		  0x123456789ull);
	set_param(&m->params[3], TEE_PARAM_TYPE_MEMREF_INPUT, TEE_WIRE_FD_NONE, 0, 0, 0, 0);
}

/* INVOKE failed: the TA's reason follows the parameters, its length first, no NUL. */
static const uint8_t invoke_fail[] = {
	HDR(0x8003, 0x01020304, 165, 0),
	LE32(0xFFFF0001u),
	LE32(4),
	PARAM(1, NO_FD, 1, 0, 0, 0),
	PARAM_NONE,
	PARAM_NONE,
	PARAM_NONE,
	LE32(25),
	's',
	'e',
	'g',
	'm',
	'e',
	'n',
	't',
	' ',
	'[',
	'0',
	'x',
	'0',
	',',
	' ',
	'+',
	'0',
	'x',
	'9',
	')',
	' ',
	'p',
	'a',
	's',
	't',
	'!',
};
/* clang-format on */
static void fill_invoke_fail(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_INVOKE, TEE_ERROR_ACCESS_DENIED, TEE_WIRE_ORIGIN_TRUSTED_APP);
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_VALUE_INPUT, TEE_WIRE_FD_NONE, 1, 0, 0, 0);
	snprintf(m->reason, sizeof(m->reason), "segment [0x0, +0x9) past!");
}
/* clang-format off */

/* CLOSE_SESSION */
static const uint8_t close_req[] = {HDR(0x0004, 0x23, 8, 0), LE32(0x2a), Z4};
static void fill_close_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_CLOSE_SESSION;
	m->seq = 0x23;
	m->session = 0x2a;
}
static const uint8_t close_rep[] = {HDR(0x8004, 0x01020304, 8, 0), LE32(0xFFFF0007u), LE32(3)};
static void fill_close_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_CLOSE_SESSION, TEE_ERROR_BAD_STATE, TEE_WIRE_ORIGIN_TEE);
}

/* GET_SHM: a reply with two entries (a descriptor each), and a failure with none. */
static const uint8_t get_shm_req[] = {HDR(0x0005, 0x24, 8, 0), LE32(2), Z4};
static void fill_get_shm_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_GET_SHM;
	m->seq = 0x24;
	m->rproc_id = 2;
}
/* clang-format off */
static const uint8_t get_shm_rep[] = {
	HDR(0x8005, 0x01020304, 112, 2),
	Z4, LE32(3), LE32(2), Z4,
	'r', 'e', 't', 'r', 'a', 'm', Z16, Z8, Z2,
	LE32(0x00000000u), LE32(0x00010000u), LE64(0x38000000ull),
	'm', 'c', 'u', 'r', 'a', 'm', '2', Z16, Z8, 0,
	LE32(0x10040000u), LE32(0x00008000u), LE64(0x110040000ull),
};
/* clang-format on */
static void fill_get_shm_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_GET_SHM, TEE_SUCCESS, TEE_WIRE_ORIGIN_TEE);
	m->num_shm = 2;
	m->num_fds = 2;
	strcpy(m->shm[0].name, "retram");
	m->shm[0].da = 0;
	m->shm[0].size = 0x10000;
	m->shm[0].pa = 0x38000000ull;
	strcpy(m->shm[1].name, "mcuram2");
	m->shm[1].da = 0x10040000u;
	m->shm[1].size = 0x8000;
	m->shm[1].pa = 0x110040000ull;
}
static const uint8_t get_shm_fail[] = {HDR(0x8005, 0x01020304, 16, 0), LE32(0xFFFF0008u), LE32(3),
				       Z4, Z4};
static void fill_get_shm_fail(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_GET_SHM, TEE_ERROR_ITEM_NOT_FOUND, TEE_WIRE_ORIGIN_TEE);
}

/* The hardware channel: requests, and their replies (result and origin). */
static const uint8_t crash_req[] = {HDR(0x0008, 0x27, 8, 0), LE32(6), LE32(2)};
static void fill_crash_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_INJECT_CRASH;
	m->seq = 0x27;
	m->rproc_id = 6;
	m->arg = 2;
}
static const uint8_t crash_rep[] = {HDR(0x8008, 0x01020304, 8, 0), Z4, LE32(1)};
static void fill_crash_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_INJECT_CRASH, TEE_SUCCESS, TEE_WIRE_ORIGIN_API);
}
static const uint8_t subscribe_req[] = {HDR(0x0009, 0x28, 8, 0), LE32(3), Z4};
static void fill_subscribe_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_SUBSCRIBE;
	m->seq = 0x28;
	m->rproc_id = 3;
}
static const uint8_t subscribe_rep[] = {HDR(0x8009, 0x01020304, 8, 0), LE32(0xFFFF000Au), LE32(3)};
static void fill_subscribe_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_SUBSCRIBE, TEE_ERROR_NOT_SUPPORTED, TEE_WIRE_ORIGIN_TEE);
}
/* EVENT (seq 0): a crash with its reason. */
/* clang-format off */
static const uint8_t event_crash[] = {
	HDR(0x000a, 0, 112, 0),
	LE32(3), LE32(1), LE32(1), Z4,
	'w', 'd', 'g', Z32, Z32, Z16, Z8, Z4, 0,
};
/* clang-format on */
static void fill_event_crash(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_EVENT;
	m->rproc_id = 3;
	m->kind = TEE_WIRE_EVENT_CRASH;
	m->arg = 1;
	strcpy(m->why, "wdg");
}
/* Processor 1's IPCC registers and lines, forwarded. */
static const uint8_t ipcc_read_req[] = {HDR(0x000e, 0x2d, 8, 0), LE32(1), LE32(0x3f0)};
static void fill_ipcc_read_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_IPCC_READ;
	m->seq = 0x2d;
	m->rproc_id = 1;
	m->reg = 0x3f0;
}
static const uint8_t ipcc_read_rep[] = {HDR(0x800e, 0x01020304, 16, 0), Z4, LE32(3),
					LE32(0x00010203), Z4};
static void fill_ipcc_read_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_IPCC_READ, TEE_SUCCESS, TEE_WIRE_ORIGIN_TEE);
	m->value = 0x00010203;
}
static const uint8_t ipcc_write_req[] = {HDR(0x000f, 0x2e, 16, 0), LE32(2), LE32(0x008),
					 LE32(0x00010000), Z4};
static void fill_ipcc_write_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_IPCC_WRITE;
	m->seq = 0x2e;
	m->rproc_id = 2;
	m->reg = 0x008;
	m->value = 0x00010000;
}
static const uint8_t ipcc_write_rep[] = {HDR(0x800f, 0x01020304, 8, 0), LE32(0xFFFF0008u), LE32(3)};
static void fill_ipcc_write_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_IPCC_WRITE, TEE_ERROR_ITEM_NOT_FOUND, TEE_WIRE_ORIGIN_TEE);
}
static const uint8_t event_ipcc_irq[] = {
	HDR(0x000a, 0, 112, 0), LE32(1), LE32(4), LE32(3), Z4, Z32, Z32, Z32};
static void fill_event_ipcc_irq(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_EVENT;
	m->rproc_id = 1;
	m->kind = TEE_WIRE_EVENT_IPCC_IRQ;
	m->arg = TEE_WIRE_IPCC_IRQ_RX | TEE_WIRE_IPCC_IRQ_TX;
}

/* REGISTER_SHM: a u64 size and exactly one descriptor; the reply's id only on a success. */
static const uint8_t register_shm_req[] = {HDR(0x000c, 0x2b, 8, 1), LE64(0x0ff01000u)};
static void fill_register_shm_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_REGISTER_SHM;
	m->seq = 0x2b;
	m->num_fds = 1;
	m->shm_size = 0x0ff01000u;
}
static const uint8_t register_shm_rep[] = {HDR(0x800c, 0x01020304, 16, 0), Z4, LE32(3), LE32(0x17),
					   Z4};
static void fill_register_shm_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_REGISTER_SHM, TEE_SUCCESS, TEE_WIRE_ORIGIN_TEE);
	m->shm_id = 0x17;
}
static const uint8_t register_shm_fail[] = {HDR(0x800c, 0x01020304, 16, 0), LE32(0xFFFF000Cu),
					    LE32(3), Z4, Z4};
static void fill_register_shm_fail(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_REGISTER_SHM, TEE_ERROR_OUT_OF_MEMORY, TEE_WIRE_ORIGIN_TEE);
}

/* UNREGISTER_SHM */
static const uint8_t unregister_shm_req[] = {HDR(0x000d, 0x2c, 8, 0), LE32(0x17), Z4};
static void fill_unregister_shm_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_UNREGISTER_SHM;
	m->seq = 0x2c;
	m->shm_id = 0x17;
}
static const uint8_t unregister_shm_rep[] = {HDR(0x800d, 0x01020304, 8, 0), LE32(0xFFFF0008u),
					     LE32(3)};
static void fill_unregister_shm_rep(struct tee_wire_msg *m)
{
	reply_head(m, TEE_WIRE_OP_UNREGISTER_SHM, TEE_ERROR_ITEM_NOT_FOUND, TEE_WIRE_ORIGIN_TEE);
}

/*
 * INVOKE with memrefs into registered shared memory (fd_index TEE_WIRE_FD_SHM,
 * a = shm id) and no descriptor: an input, none, an output above 4 GiB, a value.
 */
/* clang-format off */
static const uint8_t invoke_shm_req[] = {
	HDR(0x0003, 0x2d, 136, 0),
	LE32(0x2a), LE32(0x0c0d0e0fu),
	PARAM(5, 0xFFFFFFFEu, 0x17, 0, 0x40, 0x1000),
	PARAM_NONE,
	PARAM(6, 0xFFFFFFFEu, 0x18, 0, 0x100002000ull, 0x800),
	PARAM(1, NO_FD, 9, 10, 0, 0),
};
/* clang-format on */
static void fill_invoke_shm_req(struct tee_wire_msg *m)
{
	m->op = TEE_WIRE_OP_INVOKE;
	m->seq = 0x2d;
	m->session = 0x2a;
	m->cmd = 0x0c0d0e0fu;
	none_params(m);
	set_param(&m->params[0], TEE_PARAM_TYPE_MEMREF_INPUT, TEE_WIRE_FD_SHM, 0x17, 0, 0x40,
		  0x1000);
	set_param(&m->params[2], TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_WIRE_FD_SHM, 0x18, 0,
		  0x100002000ull, 0x800);
	set_param(&m->params[3], TEE_PARAM_TYPE_VALUE_INPUT, TEE_WIRE_FD_NONE, 9, 10, 0, 0);
}

#define CASE(title, id, ...)                                                                       \
	{                                                                                          \
		title, #id, fill_##id, id, sizeof(id),                                             \
		{                                                                                  \
			__VA_ARGS__                                                                \
		}                                                                                  \
	}

static const struct wire_case cases[] = {
	CASE("HELLO request", hello_req, 4),
	CASE("HELLO reply", hello_rep, 12),
	CASE("OPEN_SESSION request", open_req, 0),
	CASE("OPEN_SESSION reply", open_rep, 12),
	CASE("INVOKE request", invoke_req, 0),
	CASE("INVOKE reply", invoke_rep, 0),
	CASE("CLOSE_SESSION request", close_req, 4),
	CASE("CLOSE_SESSION reply", close_rep, 0),
	CASE("GET_SHM request", get_shm_req, 4),
	CASE("GET_SHM reply", get_shm_rep, 12),
	CASE("GET_SHM reply (failure)", get_shm_fail, 12),
	CASE("INJECT_CRASH request", crash_req, 0),
	CASE("INJECT_CRASH reply", crash_rep, 0),
	CASE("SUBSCRIBE request", subscribe_req, 4),
	CASE("SUBSCRIBE reply", subscribe_rep, 0),
	CASE("EVENT (crash)", event_crash, 12),
	CASE("REGISTER_SHM request", register_shm_req, 0),
	CASE("REGISTER_SHM reply", register_shm_rep, 12),
	CASE("REGISTER_SHM reply (failure)", register_shm_fail, 12),
	CASE("UNREGISTER_SHM request", unregister_shm_req, 4),
	CASE("UNREGISTER_SHM reply", unregister_shm_rep, 0),
	CASE("IPCC_READ request", ipcc_read_req, 0),
	CASE("IPCC_READ reply", ipcc_read_rep, 12),
	CASE("IPCC_WRITE request", ipcc_write_req, 12),
	CASE("IPCC_WRITE reply", ipcc_write_rep, 0),
	CASE("EVENT (IPCC lines)", event_ipcc_irq, 12),
	CASE("INVOKE request (memrefs by shm id)", invoke_shm_req, 0),
	CASE("INVOKE reply (failure with its reason)", invoke_fail, 0),
};

#define NUM_CASES (sizeof(cases) / sizeof(cases[0]))

static const struct wire_case *case_named(const char *seed);

/* ---- helpers ---- */

static unsigned int case_nfds(const struct wire_case *c)
{
	return get_le32(c->bytes + 16);
}

static size_t case_body(const struct wire_case *c)
{
	return c->len - TEE_WIRE_HDR_SIZE;
}

static void assert_param_equal(const struct tee_wire_param *a, const struct tee_wire_param *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->fd_index, b->fd_index);
	assert_int_equal(a->a, b->a);
	assert_int_equal(a->b, b->b);
	assert_int_equal(a->offset, b->offset);
	assert_int_equal(a->size, b->size);
}

/* Every field, one by one (a failure names the field). */
static void assert_msg_equal(const struct tee_wire_msg *a, const struct tee_wire_msg *b)
{
	unsigned int i;

	assert_int_equal(a->op, b->op);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->num_fds, b->num_fds);
	assert_int_equal(a->version, b->version);
	assert_int_equal(a->uuid.timeLow, b->uuid.timeLow);
	assert_int_equal(a->uuid.timeMid, b->uuid.timeMid);
	assert_int_equal(a->uuid.timeHiAndVersion, b->uuid.timeHiAndVersion);
	assert_memory_equal(a->uuid.clockSeqAndNode, b->uuid.clockSeqAndNode, 8);
	assert_int_equal(a->session, b->session);
	assert_int_equal(a->cmd, b->cmd);
	assert_int_equal(a->rproc_id, b->rproc_id);
	assert_int_equal(a->arg, b->arg);
	assert_int_equal(a->kind, b->kind);
	assert_int_equal(a->reg, b->reg);
	assert_int_equal(a->value, b->value);
	assert_memory_equal(a->why, b->why, sizeof(a->why));
	assert_string_equal(a->reason, b->reason);
	assert_int_equal(a->result, b->result);
	assert_int_equal(a->origin, b->origin);
	assert_int_equal(a->num_shm, b->num_shm);
	assert_int_equal(a->shm_id, b->shm_id);
	assert_int_equal(a->shm_size, b->shm_size);
	for (i = 0; i < TEE_NUM_PARAMS; i++)
		assert_param_equal(&a->params[i], &b->params[i]);
	for (i = 0; i < TEE_WIRE_MAX_SHM; i++) {
		assert_memory_equal(a->shm[i].name, b->shm[i].name, sizeof(a->shm[i].name));
		assert_int_equal(a->shm[i].da, b->shm[i].da);
		assert_int_equal(a->shm[i].size, b->shm[i].size);
		assert_int_equal(a->shm[i].pa, b->shm[i].pa);
	}
}

/*
 * Decode: refused with -RPT_EFORMAT, the message prefixed with the op's name
 * (if `op` is given) and naming the problem (`want`), nothing left in out.
 */
static void expect_refused(const uint8_t *buf, size_t len, unsigned int nfds, const char *op,
			   const char *want)
{
	static const struct tee_wire_msg zero;
	struct rpt_error err = {0};
	struct tee_wire_msg out;

	memset(&out, 0x5a, sizeof(out));
	if (tee_wire_decode(buf, len, nfds, &out, &err) != -RPT_EFORMAT)
		fail_msg("accepted, though it should be refused for \"%s\"", want);
	if (!strstr(rpt_error_msg(&err), want))
		fail_msg("\"%s\" does not say \"%s\"", rpt_error_msg(&err), want);
	if (op && strncmp(rpt_error_msg(&err), op, strlen(op)))
		fail_msg("\"%s\" does not start with \"%s\"", rpt_error_msg(&err), op);
	assert_memory_equal(&out, &zero, sizeof(out));
}

/* A copy of case c's bytes with room for edits. */
static size_t copy_case(const struct wire_case *c, uint8_t *buf, size_t cap)
{
	assert_true(c->len <= cap);
	memcpy(buf, c->bytes, c->len);
	return c->len;
}

/* "INVOKE reply: " from a case's header. */
static const char *case_prefix(const struct wire_case *c, char *buf, size_t len)
{
	char name[32];

	snprintf(buf, len, "%s: ", tee_wire_op_name(get_le16(c->bytes + 6), name, sizeof(name)));
	return buf;
}

/* ---- fixed bytes ---- */

static void test_fixed_bytes(void **state)
{
	const struct wire_case *c = *state;
	uint8_t buf[TEE_WIRE_MSG_MAX];
	struct rpt_error err = {0};
	struct tee_wire_msg m, out;
	size_t len = 0;

	memset(&m, 0, sizeof(m));
	c->fill(&m);
	if (tee_wire_encode(&m, buf, sizeof(buf), &len, &err))
		fail_msg("%s: encode: %s", c->name, rpt_error_msg(&err));
	assert_int_equal(len, c->len);
	assert_memory_equal(buf, c->bytes, c->len);
	if (tee_wire_decode(c->bytes, c->len, case_nfds(c), &out, &err))
		fail_msg("%s: decode: %s", c->name, rpt_error_msg(&err));
	assert_msg_equal(&out, &m);
}

/* The committed seed corpus is these messages (RPT_WIRE_WRITE_SEEDS=1 rewrites it). */
static void test_seed_corpus(void **state)
{
	const char *write = getenv("RPT_WIRE_WRITE_SEEDS");
	char rel[128];
	unsigned int i;

	(void)state;
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];
		uint8_t seed[TEE_WIRE_MSG_MAX + 1];
		uint8_t *have;
		size_t n;

		snprintf(rel, sizeof(rel), "fuzz/corpus/fuzz_tee_wire/%s", c->seed);
		seed[0] = (uint8_t)case_nfds(c);
		memcpy(seed + 1, c->bytes, c->len);
		if (write && !strcmp(write, "1")) {
			FILE *f = fopen(rpt_source_path(rel), "wb");

			assert_non_null(f);
			assert_int_equal(fwrite(seed, 1, c->len + 1, f), c->len + 1);
			assert_int_equal(fclose(f), 0);
		}
		have = rpt_slurp(rpt_source_path(rel), &n);
		if (!have)
			fail_msg("%s: no seed %s (RPT_WIRE_WRITE_SEEDS=1 writes it)", c->name, rel);
		assert_int_equal(n, c->len + 1);
		assert_memory_equal(have, seed, n);
		free(have);
	}
}

/* ---- the shape rules ---- */

/* Every op's body, one u32 short or long (the header agreeing), is refused by length. */
static void test_wrong_length(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	char prefix[48], want[96];
	unsigned int i;

	(void)state;
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];
		uint16_t op = get_le16(c->bytes + 6);
		bool list = op == (TEE_WIRE_OP_GET_SHM | TEE_WIRE_OP_REPLY);
		/* A TA call's reply ends with its reason: the length says where the body ends. */
		bool reason = op == (TEE_WIRE_OP_INVOKE | TEE_WIRE_OP_REPLY) ||
			      op == (TEE_WIRE_OP_OPEN_SESSION | TEE_WIRE_OP_REPLY);
		size_t len = copy_case(c, buf, sizeof(buf));
		size_t body = case_body(c);

		case_prefix(c, prefix, sizeof(prefix));
		if (reason) {
			/* Fixed part: result, origin, (session, rsv,) params, the reason's length. */
			size_t fixed = (op & ~TEE_WIRE_OP_REPLY) == TEE_WIRE_OP_INVOKE ? 140 : 148;

			/* One byte short: below the fixed part, or a reason cut short. */
			put_le32(buf + 12, (uint32_t)(body - 1));
			if (body - 1 < fixed)
				snprintf(want, sizeof(want),
					 "body of %zu bytes, the op needs at least %zu", body - 1,
					 fixed);
			else
				snprintf(want, sizeof(want),
					 "reason of %zu bytes, %zu left in the body", body - fixed,
					 body - 1 - fixed);
			expect_refused(buf, len - 1, case_nfds(c), prefix, want);
			/* Four bytes long: more than the reason's length says. */
			memset(buf + len, 0, 4);
			put_le32(buf + 12, (uint32_t)(body + 4));
			snprintf(want, sizeof(want), "reason of %zu bytes, %zu left in the body",
				 body - fixed, body + 4 - fixed);
			expect_refused(buf, len + 4, case_nfds(c), prefix, want);
			continue;
		}
		/* One u32 short. */
		put_le32(buf + 12, (uint32_t)(body - 4));
		if (list && body - 4 >= 16)
			snprintf(want, sizeof(want), "%zu bytes of entries for", body - 4 - 16);
		else
			snprintf(want, sizeof(want), "body of %zu bytes, the op needs %s%zu",
				 body - 4, list ? "at least " : "", list ? (size_t)16 : body);
		expect_refused(buf, len - 4, case_nfds(c), prefix, want);
		/* One u32 long (zeros: a reserved-looking tail is still too long). */
		memset(buf + len, 0, 4);
		put_le32(buf + 12, (uint32_t)(body + 4));
		if (list)
			snprintf(want, sizeof(want), "%zu bytes of entries for", body + 4 - 16);
		else
			snprintf(want, sizeof(want), "body of %zu bytes, the op needs %zu",
				 body + 4, body);
		expect_refused(buf, len + 4, case_nfds(c), prefix, want);
	}
}

/* Trailing garbage after the body the header announces; a header cut short. */
static void test_trailing_garbage(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	char want[96];
	unsigned int i;

	(void)state;
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];
		size_t len = copy_case(c, buf, sizeof(buf));

		memcpy(buf + len, "junk", 4);
		snprintf(want, sizeof(want), "header says %zu body bytes, the packet carries %zu",
			 case_body(c), case_body(c) + 4);
		expect_refused(buf, len + 4, case_nfds(c), NULL, want);
	}
	expect_refused(cases[0].bytes, TEE_WIRE_HDR_SIZE - 1, 0, NULL,
		       "truncated header: 23 of 24 bytes");
}

/* Each reserved field of each body, and the header's. */
static void test_reserved_nonzero(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	char prefix[48], want[96];
	unsigned int i, j, tested = 0;

	(void)state;
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];

		case_prefix(c, prefix, sizeof(prefix));
		for (j = 0; j < 2 && c->rsv[j]; j++) {
			size_t len = copy_case(c, buf, sizeof(buf));

			put_le32(buf + TEE_WIRE_HDR_SIZE + c->rsv[j], 0x5a);
			snprintf(want, sizeof(want),
				 "reserved field at body byte %u is 0x5a, not 0", c->rsv[j]);
			expect_refused(buf, len, case_nfds(c), prefix, want);
			tested++;
		}
		copy_case(c, buf, sizeof(buf));
		put_le32(buf + 20, 1);
		expect_refused(buf, c->len, case_nfds(c), prefix, "header: reserved field is 0x1");
	}
	assert_true(tested >= 14); /* every case with reserved body fields, at least */
}

/* Magic, version, op, descriptor counts: the header's own rules. */
static void test_header_rules(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len;

	(void)state;
	len = copy_case(&cases[4], buf, sizeof(buf)); /* INVOKE request, one descriptor */
	put_le32(buf, 0x57545053);
	expect_refused(buf, len, 1, "INVOKE: ", "bad magic 0x57545053");
	len = copy_case(&cases[4], buf, sizeof(buf));
	buf[4] = 2;
	expect_refused(buf, len, 1, "INVOKE: ", "protocol version 2, this side speaks 7");
	buf[4] = 3;
	buf[5] = 1;
	expect_refused(buf, len, 1, "INVOKE: ", "protocol version 259, this side speaks 7");
	/* A peer of the version before the reason text (4) is refused by name. */
	len = copy_case(&cases[4], buf, sizeof(buf));
	buf[4] = 4;
	expect_refused(buf, len, 1, "INVOKE: ", "protocol version 4, this side speaks 7");
	/* And one of the version before the forwarded IPCC registers (5). */
	len = copy_case(&cases[4], buf, sizeof(buf));
	buf[4] = 5;
	expect_refused(buf, len, 1, "INVOKE: ", "protocol version 5, this side speaks 7");
	/* And one of the version that still had KICK, REQUEST_SHUTDOWN, REQUEST_DETACH (6). */
	len = copy_case(&cases[4], buf, sizeof(buf));
	buf[4] = 6;
	expect_refused(buf, len, 1, "INVOKE: ", "protocol version 6, this side speaks 7");
	len = copy_case(&cases[4], buf, sizeof(buf));
	put_le32(buf + 12, TEE_WIRE_BODY_MAX + 1);
	expect_refused(buf, len, 1, "INVOKE: ", "body of 65537 bytes, over 65536");
	len = copy_case(&cases[4], buf, sizeof(buf));
	expect_refused(buf, len, 0, "INVOKE: ", "header says 1 descriptors, the packet carries 0");
	put_le32(buf + 16, 17);
	expect_refused(buf, len, 17, "INVOKE: ", "17 descriptors, over 16");
	/* Ops that do not exist: past the table, 0, an event's reply, other high bits. */
	len = copy_case(&cases[0], buf, sizeof(buf));
	buf[6] = 0x10;
	expect_refused(buf, len, 0, NULL, "unknown op 0x0010");
	buf[6] = 0;
	expect_refused(buf, len, 0, NULL, "unknown op 0x0000");
	buf[6] = 0x01;
	buf[7] = 0x40;
	expect_refused(buf, len, 0, NULL, "unknown op 0x4001");
	len = copy_case(case_named("event_crash"), buf, sizeof(buf)); /* EVENT */
	buf[7] = 0x80;
	expect_refused(buf, len, 0, NULL, "unknown op 0x800a");
}

/* Descriptors only with a request's memrefs and a shared-memory list. */
static void test_descriptor_rules(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	char prefix[48];
	unsigned int i;

	(void)state;
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];
		uint16_t op = get_le16(c->bytes + 6);
		size_t len;

		if (case_nfds(c) || op == (TEE_WIRE_OP_GET_SHM | TEE_WIRE_OP_REPLY) ||
		    op == TEE_WIRE_OP_OPEN_SESSION || op == TEE_WIRE_OP_INVOKE)
			continue;
		len = copy_case(c, buf, sizeof(buf));
		put_le32(buf + 16, 1);
		expect_refused(buf, len, 1, case_prefix(c, prefix, sizeof(prefix)),
			       (op & TEE_WIRE_OP_REPLY) ? "1 descriptors on a reply that takes none"
							: "1 descriptors on an op that takes none");
	}
}

/* INVOKE request (param i at body 8 + 32 i) with param p's u32 at `off` set to v. */
static void invoke_edit(unsigned int p, size_t off, uint32_t v, unsigned int nfds, const char *want)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len = copy_case(&cases[4], buf, sizeof(buf));

	put_le32(buf + TEE_WIRE_HDR_SIZE + 8 + p * TEE_WIRE_PARAM_SIZE + off, v);
	put_le32(buf + 16, nfds);
	expect_refused(buf, len, nfds, "INVOKE: ", want);
}

static void test_param_rules(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len;

	(void)state;
	invoke_edit(1, 0, 4, 1, "param 1: unknown type 4");
	invoke_edit(1, 0, 8, 1, "param 1: unknown type 8");
	invoke_edit(2, 4, 1, 1, "param 2: descriptor index 1, but 1 descriptors came");
	invoke_edit(2, 4, 0xFFFFFFFDu, 1, "param 2: descriptor index 4294967293, but 1");
	/* TEE_WIRE_FD_SHM names a registered shared memory by its id, in a: never 0. */
	invoke_edit(2, 4, 0xFFFFFFFEu, 1, "param 2: memref into shm id 0");
	invoke_edit(2, 0, 7, 2, "2 descriptors came, memrefs name 1");
	invoke_edit(3, 4, 0, 1, "param 3: descriptor 0 named twice");
	invoke_edit(0, 4, 0, 1, "param 0: descriptor index 0 on a non-memref parameter");
	invoke_edit(1, 8, 1, 1, "param 1: value fields set on type 0");
	invoke_edit(2, 12, 1, 1, "param 2: value fields set on type 7");
	invoke_edit(0, 24, 1, 1, "param 0: memref fields set on type 3");
	invoke_edit(3, 24, 1, 1, "param 3: memref of 0x1 bytes with no descriptor");
	invoke_edit(2, 24, 0x10000001, 1, "param 2: memref of 0x10000001 bytes, over 0x10000000");
	invoke_edit(2, 20, 0x80000000u, 1, "param 2: memref offset 0x8000000000000010 too large");
	/* Replies: no descriptor index, no offset. */
	len = copy_case(&cases[5], buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8 + 2 * TEE_WIRE_PARAM_SIZE + 4, 0);
	expect_refused(buf, len, 0, "INVOKE reply: ", "param 2: descriptor index 0 on a reply");
	len = copy_case(&cases[5], buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8 + 2 * TEE_WIRE_PARAM_SIZE + 16, 8);
	expect_refused(buf, len, 0, "INVOKE reply: ", "param 2: offset set in a reply");
	/* OPEN_SESSION's parameters follow the same rules. */
	len = copy_case(&cases[2], buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 16 + 3 * TEE_WIRE_PARAM_SIZE, 9);
	expect_refused(buf, len, 2, "OPEN_SESSION: ", "param 3: unknown type 9");
}

static void test_reply_rules(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len, entry = TEE_WIRE_HDR_SIZE + 16;
	unsigned int i;

	(void)state;
	/* Every reply: an origin GlobalPlatform defines. */
	for (i = 0; i < NUM_CASES; i++) {
		const struct wire_case *c = &cases[i];
		char prefix[48];

		if (!(get_le16(c->bytes + 6) & TEE_WIRE_OP_REPLY))
			continue;
		len = copy_case(c, buf, sizeof(buf));
		put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 5);
		expect_refused(buf, len, case_nfds(c), case_prefix(c, prefix, sizeof(prefix)),
			       "unknown result origin 5");
		put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0);
		expect_refused(buf, len, case_nfds(c), prefix, "unknown result origin 0");
	}
	/*
	 * The reason of a failed TA call: printable ASCII only (a hostile daemon's
	 * escape sequence, newline or NUL never reaches a terminal), bounded, none
	 * on a success.
	 */
	{
		const struct wire_case *f = &cases[NUM_CASES - 1]; /* INVOKE reply with a reason */
		size_t text = TEE_WIRE_HDR_SIZE + 140;
		static const char bad[] = {'\x1b', '\n', '\r', '\0', '\x7f', '\x80', '\t'};
		uint8_t big[TEE_WIRE_MSG_MAX];

		for (i = 0; i < sizeof(bad); i++) {
			len = copy_case(f, buf, sizeof(buf));
			buf[text + 3] = (uint8_t)bad[i];
			expect_refused(buf, len, 0, "INVOKE reply: ",
				       "reason: a byte that is not printable ASCII");
		}
		len = copy_case(f, buf, sizeof(buf));
		put_le32(buf + TEE_WIRE_HDR_SIZE, TEE_SUCCESS);
		expect_refused(buf, len, 0, "INVOKE reply: ", "a reason on a success");
		/* 256 bytes of text: one over what a reason may hold. */
		len = copy_case(f, big, sizeof(big));
		memset(big + text, 'a', TEE_WIRE_REASON_MAX);
		put_le32(big + text - 4, TEE_WIRE_REASON_MAX);
		put_le32(big + 12, (uint32_t)(text + TEE_WIRE_REASON_MAX - TEE_WIRE_HDR_SIZE));
		expect_refused(big, text + TEE_WIRE_REASON_MAX, 0,
			       "INVOKE reply: ", "reason of 256 bytes, over 255");
		/* 255: the most there is, accepted whole. */
		put_le32(big + text - 4, TEE_WIRE_REASON_MAX - 1);
		put_le32(big + 12, (uint32_t)(text + TEE_WIRE_REASON_MAX - 1 - TEE_WIRE_HDR_SIZE));
		{
			struct rpt_error err = {0};
			struct tee_wire_msg m;

			assert_int_equal(
				tee_wire_decode(big, text + TEE_WIRE_REASON_MAX - 1, 0, &m, &err),
				0);
			assert_int_equal(strlen(m.reason), TEE_WIRE_REASON_MAX - 1);
		}
	}
	/* GET_SHM: count against entries and descriptors, a failure listing memories. */
	len = copy_case(&cases[9], buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 3);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "96 bytes of entries for 3 shared memories");
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 17);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "17 shared memories, over 16");
	len = copy_case(&cases[9], buf, sizeof(buf));
	put_le32(buf + 16, 1);
	expect_refused(buf, len, 1, "GET_SHM reply: ", "1 descriptors for 2 shared memories");
	len = copy_case(&cases[9], buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE, TEE_ERROR_GENERIC);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "2 shared memories with a failure");
	/* Entries: the name (unterminated, empty, bytes after its end), size, range. */
	len = copy_case(&cases[9], buf, sizeof(buf));
	memset(buf + entry, 'A', TEE_WIRE_NAME_MAX);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "shared memory 0: name not terminated");
	memset(buf + entry, 0, TEE_WIRE_NAME_MAX);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "shared memory 0: name empty");
	len = copy_case(&cases[9], buf, sizeof(buf));
	buf[entry + 48 + 20] = 'x';
	expect_refused(buf, len, 2,
		       "GET_SHM reply: ", "shared memory 1: name: bytes after the text's end");
	len = copy_case(&cases[9], buf, sizeof(buf));
	put_le32(buf + entry + 48 + 36, 0);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "shared memory 1 (mcuram2): size 0");
	put_le32(buf + entry + 48 + 36, 0x1000);
	put_le32(buf + entry + 48 + 32, 0xFFFFF800u);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "shared memory 1 (mcuram2): range wraps");
	len = copy_case(&cases[9], buf, sizeof(buf));
	put_le32(buf + entry + 40, 0xFFFFFFFFu);
	put_le32(buf + entry + 44, 0xFFFFFFFFu);
	expect_refused(buf, len, 2, "GET_SHM reply: ", "shared memory 0 (retram): range wraps");
}

/* The hardware channel's arguments, and what an event may carry. */
static void test_hw_channel_rules(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len, why = TEE_WIRE_HDR_SIZE + 16;

	(void)state;
	len = copy_case(case_named("crash_req"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 3);
	expect_refused(buf, len, 0, "INJECT_CRASH: ", "unknown crash type 3");

	len = copy_case(case_named("event_crash"), buf, sizeof(buf)); /* crash event */
	put_le32(buf + 8, 1);
	expect_refused(buf, len, 0, "EVENT: ", "seq 1, an event carries 0");
	len = copy_case(case_named("event_crash"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 5);
	expect_refused(buf, len, 0, "EVENT: ", "unknown event kind 5");
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0);
	expect_refused(buf, len, 0, "EVENT: ", "unknown event kind 0");
	len = copy_case(case_named("event_crash"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 3);
	expect_refused(buf, len, 0, "EVENT: ", "crash of unknown type 3");
	len = copy_case(case_named("event_crash"), buf, sizeof(buf));
	memset(buf + why, 'A', TEE_WIRE_WHY_MAX);
	expect_refused(buf, len, 0, "EVENT: ", "why not terminated");
	len = copy_case(case_named("event_crash"), buf, sizeof(buf));
	buf[why + TEE_WIRE_WHY_MAX - 1] = 'x';
	expect_refused(buf, len, 0, "EVENT: ", "why: bytes after the text's end");

	len = copy_case(case_named("event_ipcc_irq"), buf, sizeof(buf));
	buf[why] = 'x';
	expect_refused(buf, len, 0, "EVENT: ", "reason text on a kind 4 event");
	/* Version 7 retired the doorbell (2) and shutdown acknowledgement (3) events. */
	len = copy_case(case_named("event_ipcc_irq"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 2);
	expect_refused(buf, len, 0, "EVENT: ", "unknown event kind 2");
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 3);
	expect_refused(buf, len, 0, "EVENT: ", "unknown event kind 3");

	/* Processor 1's IPCC: a register outside the block or unaligned never reaches it. */
	len = copy_case(case_named("ipcc_read_req"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0x400);
	expect_refused(buf, len, 0, "IPCC_READ: ",
		       "IPCC register 0x400, not a 4-byte aligned offset below 0x400");
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0xFFFFFFFCu);
	expect_refused(buf, len, 0, "IPCC_READ: ",
		       "IPCC register 0xfffffffc, not a 4-byte aligned offset below 0x400");
	len = copy_case(case_named("ipcc_write_req"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0x00A);
	expect_refused(buf, len, 0, "IPCC_WRITE: ",
		       "IPCC register 0xa, not a 4-byte aligned offset below 0x400");
	len = copy_case(case_named("ipcc_read_rep"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE, 0xFFFF0008u);
	expect_refused(buf, len, 0,
		       "IPCC_READ reply: ", "IPCC value 0x10203 with result 0xffff0008");
	len = copy_case(case_named("event_ipcc_irq"), buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 4);
	expect_refused(buf, len, 0, "EVENT: ", "IPCC lines 0x4, known 0x3");
}

/* The case whose seed is `seed` (the new cases are found by name, not by index). */
static const struct wire_case *case_named(const char *seed)
{
	unsigned int i;

	for (i = 0; i < NUM_CASES; i++)
		if (!strcmp(cases[i].seed, seed))
			return &cases[i];
	fail_msg("no case %s", seed);
	return NULL;
}

/* Case `seed` with the u32 at body byte `at` set to v and `nfds` descriptors, refused for `want`. */
static void shm_edit(const char *seed, size_t at, uint32_t v, unsigned int nfds, const char *want)
{
	const struct wire_case *c = case_named(seed);
	uint8_t buf[TEE_WIRE_MSG_MAX];
	size_t len = copy_case(c, buf, sizeof(buf));
	char prefix[48];

	put_le32(buf + TEE_WIRE_HDR_SIZE + at, v);
	put_le32(buf + 16, nfds);
	expect_refused(buf, len, nfds, case_prefix(c, prefix, sizeof(prefix)), want);
}

/* Body byte of param p's u32 at `off` in an INVOKE request or reply (params from body byte 8). */
#define INVOKE_PARAM(p, off) (8 + (p)*TEE_WIRE_PARAM_SIZE + (off))

/* Registered shared memory: REGISTER_SHM, UNREGISTER_SHM, memrefs by shm id. */
static void test_shm_rules(void **state)
{
	(void)state;
	/* REGISTER_SHM: exactly one descriptor, a size of 1 .. TEE_WIRE_MEMREF_MAX. */
	shm_edit("register_shm_req", 4, 0, 0, "0 descriptors, the op takes 1");
	shm_edit("register_shm_req", 4, 0, 2, "2 descriptors, the op takes 1");
	shm_edit("register_shm_req", 0, 0, 1, "shared memory of 0x0 bytes (1 to 0x10000000)");
	shm_edit("register_shm_req", 0, 0x10000001u, 1,
		 "shared memory of 0x10000001 bytes (1 to 0x10000000)");
	/* The size's high half is read: 4 GiB + 0x0ff01000 is over too. */
	shm_edit("register_shm_req", 4, 1, 1, "shared memory of 0x10ff01000 bytes");
	/* Its reply: an id exactly on a success, the reserved field 0. */
	shm_edit("register_shm_rep", 8, 0, 0, "shm id 0 with result 0x00000000");
	shm_edit("register_shm_fail", 8, 5, 0, "shm id 5 with result 0xffff000c");
	shm_edit("register_shm_rep", 12, 1, 0, "reserved field at body byte 12 is 0x1, not 0");
	shm_edit("register_shm_fail", 12, 0x80000000u, 0,
		 "reserved field at body byte 12 is 0x80000000, not 0");
	/* UNREGISTER_SHM: never id 0, which no REGISTER_SHM answers. */
	shm_edit("unregister_shm_req", 0, 0, 0, "UNREGISTER_SHM: shm id 0");
	/* A memref by id: a range of 1 .. TEE_WIRE_MEMREF_MAX bytes, b 0, an offset in bounds. */
	shm_edit("invoke_shm_req", INVOKE_PARAM(0, 24), 0, 0,
		 "param 0: empty memref into shm 23 (send no buffer)");
	shm_edit("invoke_shm_req", INVOKE_PARAM(2, 24), 0x10000001u, 0,
		 "param 2: memref of 0x10000001 bytes, over 0x10000000");
	shm_edit("invoke_shm_req", INVOKE_PARAM(0, 12), 1, 0,
		 "param 0: value fields set on type 5");
	shm_edit("invoke_shm_req", INVOKE_PARAM(2, 20), 0x80000000u, 0,
		 "param 2: memref offset 0x8000000000002000 too large");
	shm_edit("invoke_shm_req", INVOKE_PARAM(2, 8), 0, 0, "param 2: memref into shm id 0");
	/* It names no descriptor: one that came anyway is unnamed. */
	shm_edit("invoke_shm_req", INVOKE_PARAM(0, 24), 0x1000, 1,
		 "1 descriptors came, memrefs name 0");
	/* TEE_WIRE_FD_SHM only on a request's memref: not on a value, not in a reply. */
	shm_edit("invoke_shm_req", INVOKE_PARAM(3, 4), TEE_WIRE_FD_SHM, 0,
		 "param 3: descriptor index 4294967294 on a non-memref parameter");
	shm_edit("invoke_rep", INVOKE_PARAM(2, 4), TEE_WIRE_FD_SHM, 0,
		 "param 2: descriptor index 4294967294 on a reply");
}

/* The encoder runs the same rules: it names what it refuses, nothing goes out. */
static void test_encoder_refuses(void **state)
{
	uint8_t buf[TEE_WIRE_MSG_MAX];
	struct rpt_error err = {0};
	struct tee_wire_msg m;
	size_t len = 0;

	(void)state;
	memset(&m, 0, sizeof(m));
	fill_ipcc_read_req(&m);
	m.reg = 0x3f2;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), -EINVAL);
	assert_non_null(
		strstr(rpt_error_msg(&err), "refusing to send an invalid message: IPCC_READ"));
	rpt_error_clear(&err);
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_EVENT | TEE_WIRE_OP_REPLY;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), -EINVAL);
	assert_string_equal(rpt_error_msg(&err), "cannot encode op 0x800a");
	rpt_error_clear(&err);
	memset(&m, 0, sizeof(m));
	fill_register_shm_rep(&m);
	m.shm_id = 0;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), -EINVAL);
	assert_string_equal(rpt_error_msg(&err),
			    "refusing to send an invalid message: REGISTER_SHM "
			    "reply: shm id 0 with result 0x00000000");
	rpt_error_clear(&err);
	memset(&m, 0, sizeof(m));
	fill_get_shm_rep(&m);
	assert_int_equal(tee_wire_encode(&m, buf, 100, &len, &err), -EMSGSIZE);
	assert_string_equal(rpt_error_msg(&err), "GET_SHM reply: message over 100 bytes");
	assert_int_equal(len, 0);
}

int main(void)
{
	static const struct CMUnitTest rules[] = {
		cmocka_unit_test(test_seed_corpus),	 cmocka_unit_test(test_wrong_length),
		cmocka_unit_test(test_trailing_garbage), cmocka_unit_test(test_reserved_nonzero),
		cmocka_unit_test(test_header_rules),	 cmocka_unit_test(test_descriptor_rules),
		cmocka_unit_test(test_param_rules),	 cmocka_unit_test(test_reply_rules),
		cmocka_unit_test(test_hw_channel_rules), cmocka_unit_test(test_shm_rules),
		cmocka_unit_test(test_encoder_refuses),
	};
	struct CMUnitTest tests[NUM_CASES + sizeof(rules) / sizeof(rules[0])];
	unsigned int i;

	/* One test per message, named after it. */
	for (i = 0; i < NUM_CASES; i++) {
		memset(&tests[i], 0, sizeof(tests[i]));
		tests[i].name = cases[i].name;
		tests[i].test_func = test_fixed_bytes;
		tests[i].initial_state = (void *)&cases[i];
	}
	memcpy(&tests[NUM_CASES], rules, sizeof(rules));
	return _cmocka_run_group_tests("test_wire_bytes", tests, sizeof(tests) / sizeof(tests[0]),
				       NULL, NULL);
}
