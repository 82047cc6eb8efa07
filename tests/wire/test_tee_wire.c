// SPDX-License-Identifier: BSD-2-Clause
/*
 * The TEE wire protocol on its own: every op round-trips (the hardware
 * channel and its events too), every field that could hide garbage is
 * refused, any bit flip either is refused or decodes to exactly the flipped
 * bytes (no field is ignored), and packet I/O never leaks a descriptor.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "common/ipc_path.h"
#include "wire/tee_wire.h"
#include "testutil.h"

static const TEE_UUID uuid = TA_RPROC_UUID;

static unsigned int count_fds(void)
{
	struct dirent *e;
	unsigned int n = 0;
	DIR *d = opendir("/proc/self/fd");

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

static void none_params(struct tee_wire_msg *m)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		memset(&m->params[i], 0, sizeof(m->params[i]));
		m->params[i].fd_index = TEE_WIRE_FD_NONE;
	}
}

/* A LOAD_FW-shaped INVOKE: value 0 = rproc 0, memref 1 = 0x100 bytes of descriptor 0. */
static void invoke_msg(struct tee_wire_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->op = TEE_WIRE_OP_INVOKE;
	m->seq = 7;
	m->session = 1;
	m->cmd = TA_RPROC_CMD_LOAD_FW;
	none_params(m);
	m->params[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	m->params[0].a = 0;
	m->params[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	m->params[1].fd_index = 0;
	m->params[1].offset = 0x10;
	m->params[1].size = 0x100;
	m->num_fds = 1;
}

static size_t encode_ok(const struct tee_wire_msg *m, uint8_t *buf, size_t cap)
{
	struct rpt_error err = {0};
	size_t len = 0;

	if (tee_wire_encode(m, buf, cap, &len, &err))
		fail_msg("encode: %s", rpt_error_msg(&err));
	return len;
}

static int decode(const uint8_t *buf, size_t len, unsigned int nfds, struct tee_wire_msg *m)
{
	struct rpt_error err = {0};

	return tee_wire_decode(buf, len, nfds, m, &err);
}

/* ---- round trips ---- */

static void roundtrip(const struct tee_wire_msg *m)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg out;
	size_t len = encode_ok(m, buf, sizeof(buf));

	assert_int_equal(decode(buf, len, m->num_fds, &out), 0);
	assert_int_equal(out.op, m->op);
	assert_int_equal(out.seq, m->seq);
	assert_int_equal(out.num_fds, m->num_fds);
	assert_int_equal(out.version, m->version);
	assert_memory_equal(&out.uuid, &m->uuid, sizeof(TEE_UUID));
	assert_int_equal(out.session, m->session);
	assert_int_equal(out.cmd, m->cmd);
	assert_int_equal(out.rproc_id, m->rproc_id);
	assert_int_equal(out.result, m->result);
	assert_int_equal(out.origin, m->origin);
	assert_int_equal(out.num_shm, m->num_shm);
	assert_int_equal(out.arg, m->arg);
	assert_int_equal(out.kind, m->kind);
	assert_memory_equal(out.why, m->why, sizeof(m->why));
	if (m->op == TEE_WIRE_OP_INVOKE || m->op == TEE_WIRE_OP_OPEN_SESSION ||
	    m->op == (TEE_WIRE_OP_INVOKE | TEE_WIRE_OP_REPLY) ||
	    m->op == (TEE_WIRE_OP_OPEN_SESSION | TEE_WIRE_OP_REPLY))
		assert_memory_equal(out.params, m->params, sizeof(m->params));
	assert_memory_equal(out.shm, m->shm, sizeof(m->shm[0]) * m->num_shm);
}

static void test_roundtrip_requests(void **state)
{
	struct tee_wire_msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_HELLO;
	m.seq = 1;
	m.version = TEE_WIRE_VERSION;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_OPEN_SESSION;
	m.seq = 2;
	m.uuid = uuid;
	none_params(&m);
	m.params[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	m.params[0].a = 0x12345678;
	m.params[0].b = 0x9abcdef0;
	roundtrip(&m);

	invoke_msg(&m);
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_CLOSE_SESSION;
	m.seq = 4;
	m.session = 3;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_GET_SHM;
	m.seq = 5;
	m.rproc_id = 2;
	roundtrip(&m);
}

static void shm_entry(struct tee_wire_shm *s, const char *name, uint32_t da, uint32_t size,
		      uint64_t pa)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->name, name);
	s->da = da;
	s->size = size;
	s->pa = pa;
}

static void get_shm_reply(struct tee_wire_msg *m, unsigned int n)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	m->op = TEE_WIRE_OP_GET_SHM | TEE_WIRE_OP_REPLY;
	m->seq = 9;
	m->origin = TEE_WIRE_ORIGIN_TEE;
	m->num_shm = n;
	m->num_fds = n;
	for (i = 0; i < n; i++)
		shm_entry(&m->shm[i], "mem", 0x10000000 + i * 0x1000, 0x1000,
			  0x10000000ull + i * 0x1000);
}

static void test_roundtrip_replies(void **state)
{
	struct tee_wire_msg m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_HELLO | TEE_WIRE_OP_REPLY;
	m.origin = TEE_WIRE_ORIGIN_TEE;
	m.version = TEE_WIRE_VERSION;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_OPEN_SESSION | TEE_WIRE_OP_REPLY;
	m.result = TEE_ERROR_BAD_PARAMETERS;
	m.origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	m.session = 4;
	none_params(&m);
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_INVOKE | TEE_WIRE_OP_REPLY;
	m.result = TEE_ERROR_SHORT_BUFFER;
	m.origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	none_params(&m);
	m.params[1].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	m.params[1].size = 0x123456789ull;
	m.params[2].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	m.params[2].a = 1;
	m.params[2].b = 2;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_CLOSE_SESSION | TEE_WIRE_OP_REPLY;
	m.origin = TEE_WIRE_ORIGIN_TEE;
	roundtrip(&m);

	get_shm_reply(&m, 0);
	roundtrip(&m);
	get_shm_reply(&m, TEE_WIRE_MAX_SHM);
	roundtrip(&m);
}

/* ---- refusals ---- */

static void test_header_refused(void **state)
{
	struct tee_wire_msg m, out;
	uint8_t buf[TEE_WIRE_REPLY_MAX], bad[TEE_WIRE_REPLY_MAX];
	size_t len, i;

	(void)state;
	invoke_msg(&m);
	len = encode_ok(&m, buf, sizeof(buf));
	assert_int_equal(decode(buf, len, 1, &out), 0);

	/* Every truncation, with the header's length left as it was or made to agree. */
	for (i = 0; i < len; i++) {
		memcpy(bad, buf, len);
		assert_int_equal(decode(bad, i, 1, &out), -RPT_EFORMAT);
		if (i >= TEE_WIRE_HDR_SIZE) {
			put_le32(bad + 12, (uint32_t)(i - TEE_WIRE_HDR_SIZE));
			assert_int_equal(decode(bad, i, 1, &out), -RPT_EFORMAT);
		}
	}
	/* The descriptor count must match what came. */
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);

	memcpy(bad, buf, len);
	put_le32(bad, 0x12345678); /* magic */
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	bad[4] = TEE_WIRE_VERSION - 1; /* version: the one before the hardware channel */
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	bad[6] = TEE_WIRE_OP_IPCC_WRITE + 1; /* op */
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	/* Version 7 retired KICK (6), REQUEST_SHUTDOWN (7) and REQUEST_DETACH (11). */
	bad[6] = 6;
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	bad[6] = 7;
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	bad[6] = 11;
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	bad[6] = 0;
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	put_le32(bad + 12, 0x100000); /* body over the maximum */
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	put_le32(bad + 20, 1); /* reserved */
	assert_int_equal(decode(bad, len, 1, &out), -RPT_EFORMAT);
	memcpy(bad, buf, len);
	put_le32(bad + 16, 17); /* more descriptors than any message carries */
	assert_int_equal(decode(bad, len, 17, &out), -RPT_EFORMAT);
}

/* Decode m after `edit` changed it (encode would refuse it): the edit must be refused. */
static void assert_param_refused(void (*edit)(struct tee_wire_msg *))
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, out;
	size_t len;
	unsigned int i;

	invoke_msg(&m);
	len = encode_ok(&m, buf, sizeof(buf));
	edit(&m);
	/* Re-encode by hand: the encoder would refuse, which is tested separately. */
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		uint8_t *p = buf + TEE_WIRE_HDR_SIZE + 8 + i * TEE_WIRE_PARAM_SIZE;

		put_le32(p, m.params[i].type);
		put_le32(p + 4, m.params[i].fd_index);
		put_le32(p + 8, m.params[i].a);
		put_le32(p + 12, m.params[i].b);
		put_le32(p + 16, (uint32_t)m.params[i].offset);
		put_le32(p + 20, (uint32_t)(m.params[i].offset >> 32));
		put_le32(p + 24, (uint32_t)m.params[i].size);
		put_le32(p + 28, (uint32_t)(m.params[i].size >> 32));
	}
	put_le32(buf + 16, m.num_fds);
	assert_int_equal(decode(buf, len, m.num_fds, &out), -RPT_EFORMAT);
}

static void edit_type(struct tee_wire_msg *m)
{
	m->params[2].type = 4;
}

static void edit_value_fd(struct tee_wire_msg *m)
{
	m->params[0].fd_index = 0;
}

static void edit_none_value(struct tee_wire_msg *m)
{
	m->params[3].a = 1;
}

static void edit_value_size(struct tee_wire_msg *m)
{
	m->params[0].size = 1;
}

static void edit_memref_value(struct tee_wire_msg *m)
{
	m->params[1].b = 1;
}

static void edit_fd_range(struct tee_wire_msg *m)
{
	m->params[1].fd_index = 1;
}

static void edit_fd_twice(struct tee_wire_msg *m)
{
	m->params[2] = m->params[1];
}

static void edit_fd_unnamed(struct tee_wire_msg *m)
{
	m->num_fds = 2;
}

static void edit_no_fd_size(struct tee_wire_msg *m)
{
	m->params[1].fd_index = TEE_WIRE_FD_NONE;
	m->num_fds = 0;
}

static void edit_size_max(struct tee_wire_msg *m)
{
	m->params[1].size = TEE_WIRE_MEMREF_MAX + 1;
}

static void edit_offset_huge(struct tee_wire_msg *m)
{
	m->params[1].offset = UINT64_MAX - 4;
}

static void test_params_refused(void **state)
{
	(void)state;
	assert_param_refused(edit_type);
	assert_param_refused(edit_value_fd);
	assert_param_refused(edit_none_value);
	assert_param_refused(edit_value_size);
	assert_param_refused(edit_memref_value);
	assert_param_refused(edit_fd_range);
	assert_param_refused(edit_fd_twice);
	assert_param_refused(edit_fd_unnamed);
	assert_param_refused(edit_no_fd_size);
	assert_param_refused(edit_size_max);
	assert_param_refused(edit_offset_huge);
}

static void test_replies_refused(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, out;
	size_t len, entry;

	(void)state;
	get_shm_reply(&m, 2);
	len = encode_ok(&m, buf, sizeof(buf));
	entry = TEE_WIRE_HDR_SIZE + 16;
	assert_int_equal(decode(buf, len, 2, &out), 0);
	/* Count and descriptors must agree with the entries. */
	assert_int_equal(decode(buf, len, 1, &out), -RPT_EFORMAT);
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 3);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8, 2);
	/* Name: not terminated, empty, garbage after the NUL. */
	memset(buf + entry, 'A', TEE_WIRE_NAME_MAX);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);
	memset(buf + entry, 0, TEE_WIRE_NAME_MAX);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);
	strcpy((char *)buf + entry, "mem");
	buf[entry + 10] = 'x';
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);
	buf[entry + 10] = 0;
	assert_int_equal(decode(buf, len, 2, &out), 0);
	/* Size 0, a device range past 4 GiB. */
	put_le32(buf + entry + 36, 0);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);
	put_le32(buf + entry + 36, 0x1000);
	put_le32(buf + entry + 32, 0xFFFFF800);
	assert_int_equal(decode(buf, len, 2, &out), -RPT_EFORMAT);

	/* A failure listing memories; an unknown origin; a descriptor index in a reply. */
	get_shm_reply(&m, 1);
	len = encode_ok(&m, buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE, TEE_ERROR_GENERIC);
	assert_int_equal(decode(buf, len, 1, &out), -RPT_EFORMAT);
	put_le32(buf + TEE_WIRE_HDR_SIZE, 0);
	put_le32(buf + TEE_WIRE_HDR_SIZE + 4, 0);
	assert_int_equal(decode(buf, len, 1, &out), -RPT_EFORMAT);

	memset(&m, 0, sizeof(m));
	m.op = TEE_WIRE_OP_INVOKE | TEE_WIRE_OP_REPLY;
	m.origin = TEE_WIRE_ORIGIN_TEE;
	none_params(&m);
	m.params[1].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	len = encode_ok(&m, buf, sizeof(buf));
	put_le32(buf + TEE_WIRE_HDR_SIZE + 8 + TEE_WIRE_PARAM_SIZE + 4, 0);
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);
}

/* Any single bit flipped: refused, or a message that encodes back to exactly those bytes. */
static void test_bit_flips(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX], bad[TEE_WIRE_REPLY_MAX], again[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, out;
	size_t len, bit, len2;
	unsigned int accepted = 0;

	(void)state;
	invoke_msg(&m);
	len = encode_ok(&m, buf, sizeof(buf));
	for (bit = 0; bit < len * 8; bit++) {
		memcpy(bad, buf, len);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (decode(bad, len, 1, &out))
			continue;
		accepted++;
		len2 = encode_ok(&out, again, sizeof(again));
		assert_int_equal(len2, len);
		assert_memory_equal(again, bad, len);
	}
	/* Flips in seq, session, cmd, values and sizes are legal: some must have passed. */
	assert_true(accepted > 0);
}

static void test_encode_refuses(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct rpt_error err = {0};
	struct tee_wire_msg m;
	size_t len;

	(void)state;
	invoke_msg(&m);
	m.params[1].fd_index = 3;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), -EINVAL);
	assert_non_null(strstr(rpt_error_msg(&err), "descriptor"));
	invoke_msg(&m);
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_encode(&m, buf, 40, &len, &err), -EMSGSIZE);
	memset(&m, 0, sizeof(m));
	m.op = 77;
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, &err), -EINVAL);
}

/* ---- the hardware channel ---- */

static void hw_request(struct tee_wire_msg *m, uint16_t op, uint32_t id, uint32_t arg)
{
	memset(m, 0, sizeof(*m));
	m->op = op;
	m->seq = 11;
	m->rproc_id = id;
	m->arg = arg;
}

static void event_msg(struct tee_wire_msg *m, uint32_t kind, uint32_t arg, const char *why)
{
	memset(m, 0, sizeof(*m));
	m->op = TEE_WIRE_OP_EVENT;
	m->rproc_id = 3;
	m->kind = kind;
	m->arg = arg;
	if (why)
		strcpy(m->why, why);
}

static void test_roundtrip_hw_channel(void **state)
{
	static const uint16_t ops[] = {TEE_WIRE_OP_INJECT_CRASH, TEE_WIRE_OP_SUBSCRIBE};
	struct tee_wire_msg m;
	char name[32];
	unsigned int i;

	(void)state;
	hw_request(&m, TEE_WIRE_OP_INJECT_CRASH, 0, TEE_WIRE_CRASH_MAX);
	roundtrip(&m);
	hw_request(&m, TEE_WIRE_OP_SUBSCRIBE, 2, 0);
	roundtrip(&m);
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.op = ops[i] | TEE_WIRE_OP_REPLY;
		m.seq = 5;
		m.result = TEE_ERROR_BAD_STATE;
		m.origin = TEE_WIRE_ORIGIN_TEE;
		roundtrip(&m);
	}
	event_msg(&m, TEE_WIRE_EVENT_CRASH, 1, "watchdog not refreshed in 500 ms");
	roundtrip(&m);
	event_msg(&m, TEE_WIRE_EVENT_CRASH, 0, NULL); /* a crash may say nothing */
	roundtrip(&m);
	event_msg(&m, TEE_WIRE_EVENT_IPCC_IRQ, TEE_WIRE_IPCC_IRQ_RX | TEE_WIRE_IPCC_IRQ_TX, NULL);
	roundtrip(&m);
	/* A reason as long as the field allows is cut, never unterminated. */
	event_msg(&m, TEE_WIRE_EVENT_CRASH, 2, NULL);
	memset(m.why, 'w', sizeof(m.why));
	{
		uint8_t buf[TEE_WIRE_REPLY_MAX];
		struct tee_wire_msg out;
		size_t len = encode_ok(&m, buf, sizeof(buf));

		assert_int_equal(decode(buf, len, 0, &out), 0);
		assert_int_equal(strlen(out.why), TEE_WIRE_WHY_MAX - 1);
	}
	assert_string_equal(tee_wire_op_name(TEE_WIRE_OP_EVENT, name, sizeof(name)), "EVENT");
	assert_false(tee_wire_op_known(TEE_WIRE_OP_EVENT | TEE_WIRE_OP_REPLY));
	assert_true(tee_wire_op_known(TEE_WIRE_OP_SUBSCRIBE | TEE_WIRE_OP_REPLY));
}

/* Encode m, apply the byte edit at body offset off, decode: must be refused. */
static void assert_body_edit_refused(const struct tee_wire_msg *m, size_t off, uint32_t value)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg out;
	size_t len = encode_ok(m, buf, sizeof(buf));

	put_le32(buf + TEE_WIRE_HDR_SIZE + off, value);
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);
}

static void test_hw_channel_refused(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, out;
	size_t len;

	(void)state;
	/* Requests: an unknown crash type, reserved fields. */
	hw_request(&m, TEE_WIRE_OP_INJECT_CRASH, 0, 0);
	assert_body_edit_refused(&m, 4, TEE_WIRE_CRASH_MAX + 1);
	hw_request(&m, TEE_WIRE_OP_SUBSCRIBE, 0, 0);
	assert_body_edit_refused(&m, 4, 1);

	/* Events: unknown kind, arguments out of range, reserved, text where none belongs. */
	event_msg(&m, TEE_WIRE_EVENT_IPCC_IRQ, TEE_WIRE_IPCC_IRQ_RX, NULL);
	assert_body_edit_refused(&m, 4, 0);
	assert_body_edit_refused(&m, 4, 2); /* version 7 retired the doorbell event */
	assert_body_edit_refused(&m, 4, 3); /* and the shutdown acknowledgement */
	assert_body_edit_refused(&m, 4, 5); /* past IPCC_IRQ, the last kind */
	assert_body_edit_refused(&m, 12, 1);
	assert_body_edit_refused(&m, 16 + TEE_WIRE_WHY_MAX - 4, 0x01000000);
	/* IPCC lines: only RX occupied and TX free exist; no text. */
	assert_body_edit_refused(&m, 8, 4);
	assert_body_edit_refused(&m, 16, 'x');
	event_msg(&m, TEE_WIRE_EVENT_CRASH, 0, "fault");
	assert_body_edit_refused(&m, 8, TEE_WIRE_CRASH_MAX + 1);
	/* A crash reason not terminated, or with bytes after its end. */
	assert_body_edit_refused(&m, 16 + TEE_WIRE_WHY_MAX - 4, 0x41414141);
	len = encode_ok(&m, buf, sizeof(buf));
	memset(buf + TEE_WIRE_HDR_SIZE + 16, 'A', TEE_WIRE_WHY_MAX);
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);

	/* An event has seq 0, no descriptors, never the reply bit, and its exact size. */
	event_msg(&m, TEE_WIRE_EVENT_IPCC_IRQ, TEE_WIRE_IPCC_IRQ_TX, NULL);
	len = encode_ok(&m, buf, sizeof(buf));
	assert_int_equal(decode(buf, len, 0, &out), 0);
	put_le32(buf + 8, 1);
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);
	put_le32(buf + 8, 0);
	put_le32(buf + 16, 1);
	assert_int_equal(decode(buf, len, 1, &out), -RPT_EFORMAT);
	put_le32(buf + 16, 0);
	buf[7] = 0x80;
	assert_int_equal(decode(buf, len, 0, &out), -RPT_EFORMAT);
	buf[7] = 0;
	put_le32(buf + 12, TEE_WIRE_EVENT_BODY - 8);
	assert_int_equal(decode(buf, len - 8, 0, &out), -RPT_EFORMAT);
	/* The encoder refuses what the decoder would. */
	m.seq = 3;
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, NULL), -EINVAL);
	event_msg(&m, 9, 0, NULL);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, NULL), -EINVAL);
	hw_request(&m, TEE_WIRE_OP_INJECT_CRASH, 0, TEE_WIRE_CRASH_MAX + 1);
	assert_int_equal(tee_wire_encode(&m, buf, sizeof(buf), &len, NULL), -EINVAL);
}

/* Bit flips over an event: refused, or exactly the flipped bytes again. */
static void test_event_bit_flips(void **state)
{
	uint8_t buf[TEE_WIRE_REPLY_MAX], bad[TEE_WIRE_REPLY_MAX], again[TEE_WIRE_REPLY_MAX];
	struct tee_wire_msg m, out;
	size_t len, bit;
	unsigned int accepted = 0;

	(void)state;
	event_msg(&m, TEE_WIRE_EVENT_CRASH, 1, "wdg");
	len = encode_ok(&m, buf, sizeof(buf));
	for (bit = 0; bit < len * 8; bit++) {
		memcpy(bad, buf, len);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		if (decode(bad, len, 0, &out))
			continue;
		accepted++;
		assert_int_equal(encode_ok(&out, again, sizeof(again)), len);
		assert_memory_equal(again, bad, len);
	}
	/* Flips in the rproc id and the reason's letters are legal. */
	assert_true(accepted > 0);
}

/* ---- paths ---- */

/*
 * The default socket is in the private runtime directory of common/ipc_path.h
 * (issue 11 item 5: no longer the predictable /tmp/rproc-teed-$UID.sock).
 */
static void test_default_path(void **state)
{
	char buf[108], dir[108], want[160], longdir[200];
	struct rpt_error err = {0};
	const char *old = getenv("XDG_RUNTIME_DIR");
	char *saved = old ? strdup(old) : NULL;

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/4242", 1);
	assert_int_equal(tee_wire_default_path(buf, sizeof(buf), &err), 0);
	assert_int_equal(rpt_runtime_dir(dir, sizeof(dir), &err), 0);
	snprintf(want, sizeof(want), "%s/rproc-teed.sock", dir);
	assert_string_equal(buf, want);
	assert_null(strstr(buf, "/tmp/rproc-teed-"));
	setenv("XDG_RUNTIME_DIR", "relative/dir", 1);
	assert_int_equal(tee_wire_default_path(buf, sizeof(buf), &err), 0);
	assert_int_equal(rpt_runtime_dir(dir, sizeof(dir), &err), 0);
	snprintf(want, sizeof(want), "%s/rproc-teed.sock", dir);
	assert_string_equal(buf, want);
	assert_null(strstr(buf, "relative"));
	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = 0;
	setenv("XDG_RUNTIME_DIR", longdir, 1);
	/* Root ignores $XDG_RUNTIME_DIR (/run/rproc-tee); anyone else gets it, too long here. */
	assert_int_equal(tee_wire_default_path(buf, sizeof(buf), &err),
			 geteuid() == 0 ? 0 : -ENAMETOOLONG);
	if (saved)
		setenv("XDG_RUNTIME_DIR", saved, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	free(saved);
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_check_path("", &err), -EINVAL);
}

/* The one choice of rproc-teed's socket for a client: the given path, checked, or the default. */
static void test_choose_path(void **state)
{
	char buf[108], def[108], small[8];
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(tee_wire_choose_path(NULL, buf, sizeof(buf), &err), 0);
	assert_int_equal(tee_wire_default_path(def, sizeof(def), &err), 0);
	assert_string_equal(buf, def);
	assert_int_equal(tee_wire_choose_path("/run/x/teed.sock", buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, "/run/x/teed.sock");
	assert_int_equal(tee_wire_choose_path("", buf, sizeof(buf), &err), -EINVAL);
	assert_non_null(strstr(rpt_error_msg(&err), "empty socket path"));
	memset(small, 'z', sizeof(small));
	assert_int_equal(tee_wire_choose_path("/tmp/longer", small, sizeof(small), &err),
			 -ENAMETOOLONG);
	assert_int_equal(small[0], 'z'); /* nothing written on a refusal */
}

/* ---- sockets ---- */

static void test_packets_and_fds(void **state)
{
	uint8_t out[64] = {1, 2, 3}, in[128];
	int sv[2], fds[TEE_WIRE_MAX_FDS], send_fds[3];
	struct rpt_error err = {0};
	unsigned int nfds, before, i;
	size_t len;

	(void)state;
	before = count_fds();
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (i = 0; i < 3; i++)
		send_fds[i] = sv[0];
	assert_int_equal(tee_wire_send(sv[0], out, sizeof(out), send_fds, 3, false, &err), 0);
	assert_int_equal(tee_wire_recv(sv[1], in, sizeof(in), &len, fds, &nfds, false, &err), 0);
	assert_int_equal(len, sizeof(out));
	assert_int_equal(nfds, 3);
	assert_memory_equal(in, out, sizeof(out));
	tee_wire_close_fds(fds, nfds);

	/* Longer than the receiver takes: refused, its descriptor closed. */
	assert_int_equal(tee_wire_send(sv[0], out, sizeof(out), send_fds, 1, false, &err), 0);
	assert_int_equal(tee_wire_recv(sv[1], in, 16, &len, fds, &nfds, false, &err), -RPT_EFORMAT);
	assert_int_equal(nfds, 0);
	assert_int_equal(tee_wire_send(sv[0], out, sizeof(out), send_fds, 17, false, &err),
			 -EINVAL);

	/* Nothing waiting, non-blocking; then the peer gone. */
	assert_int_equal(tee_wire_recv(sv[1], in, sizeof(in), &len, fds, &nfds, true, &err),
			 -EAGAIN);
	close(sv[0]);
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_recv(sv[1], in, sizeof(in), &len, fds, &nfds, false, &err),
			 -EPIPE);
	rpt_error_clear(&err);
	assert_int_equal(tee_wire_send(sv[1], out, sizeof(out), NULL, 0, false, &err), -EPIPE);
	close(sv[1]);
	assert_int_equal(count_fds(), before);
}

/* More descriptors than any message may carry, sent by hand: all closed on receipt. */
static void test_too_many_fds(void **state)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 24)];
		struct cmsghdr align;
	} ctl;
	uint8_t out[8] = {0}, in[64];
	struct iovec iov = {.iov_base = out, .iov_len = sizeof(out)};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	int sv[2], many[24], fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err = {0};
	unsigned int nfds, before, i;
	struct cmsghdr *cm;
	size_t len;

	(void)state;
	before = count_fds();
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	for (i = 0; i < 24; i++)
		many[i] = sv[0];
	memset(&ctl, 0, sizeof(ctl));
	mh.msg_control = ctl.buf;
	mh.msg_controllen = sizeof(ctl.buf);
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(many));
	memcpy(CMSG_DATA(cm), many, sizeof(many));
	assert_int_equal(sendmsg(sv[0], &mh, 0), (ssize_t)sizeof(out));
	assert_int_equal(tee_wire_recv(sv[1], in, sizeof(in), &len, fds, &nfds, false, &err),
			 -RPT_EFORMAT);
	assert_int_equal(nfds, 0);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(count_fds(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip_requests),
		cmocka_unit_test(test_roundtrip_replies),
		cmocka_unit_test(test_header_refused),
		cmocka_unit_test(test_params_refused),
		cmocka_unit_test(test_replies_refused),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_encode_refuses),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_choose_path),
		cmocka_unit_test(test_packets_and_fds),
		cmocka_unit_test(test_too_many_fds),
		cmocka_unit_test(test_roundtrip_hw_channel),
		cmocka_unit_test(test_hw_channel_refused),
		cmocka_unit_test(test_event_bit_flips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
