// SPDX-License-Identifier: BSD-2-Clause
/*
 * The in-process transport against a scripted TA: the one output rule of
 * invoke (tee_params_out) holds here as in the other transports. Outputs come
 * back on SUCCESS, only memref sizes on SHORT_BUFFER, nothing otherwise
 * (before, in-process copied values and sizes back whatever the result, and
 * the TA wrote straight into the caller's buffers).
 */
#include "testutil.h"

#include <errno.h>
#include <string.h>

#include "normal/tee_client/tee_client.h"

/* What the scripted TA does on each call. */
struct script {
	TEE_Result res;	     /* what it answers */
	uint32_t types;	     /* the types it was given */
	size_t size_written; /* memref output: bytes it writes / says it needs */
	void *seen_buffer;   /* the buffer it was given for param 2 */
	uint32_t value_a;    /* what it puts in the value output */
};

static struct script ta;

static TEE_Result ta_open(void *priv, uint32_t types, TEE_Param p[TEE_NUM_PARAMS], void **sess,
			  char *reason)
{
	(void)reason;
	(void)priv;
	(void)types;
	(void)p;
	*sess = &ta;
	return TEE_SUCCESS;
}

static void ta_close(void *priv, void *sess)
{
	(void)priv;
	(void)sess;
}

/* Writes everything it can, whatever it answers: the transport must hold the line. */
static TEE_Result ta_invoke(void *priv, void *sess, uint32_t cmd, uint32_t types,
			    TEE_Param p[TEE_NUM_PARAMS], char *reason)
{
	(void)reason;
	(void)priv;
	(void)sess;
	(void)cmd;
	ta.types = types;
	p[1].value.a = ta.value_a;
	p[1].value.b = ta.value_a + 1;
	ta.seen_buffer = p[2].memref.buffer;
	if (ta.size_written <= p[2].memref.size)
		memset(p[2].memref.buffer, 0xAB, ta.size_written);
	p[2].memref.size = ta.size_written;
	return ta.res;
}

static const struct tee_ta_entry entry = {
	.uuid = {0x12345678, 0x9abc, 0xdef0, {1, 2, 3, 4, 5, 6, 7, 8}},
	.open_session = ta_open,
	.close_session = ta_close,
	.invoke = ta_invoke,
};

struct env {
	struct tee_context ctx;
	struct tee_session sess;
	uint8_t buf[64];
	struct tee_param p[TEE_NUM_PARAMS];
};

static int setup(void **state)
{
	static struct env e;
	int fake_ta;

	memset(&e, 0, sizeof(e));
	memset(&ta, 0, sizeof(ta));
	assert_int_equal(tee_inproc_init(&e.ctx, &entry, &fake_ta), 0);
	assert_int_equal(tee_open_session(&e.ctx, &entry.uuid, NULL, &e.sess, NULL), TEE_SUCCESS);
	memset(e.buf, 0x11, sizeof(e.buf));
	e.p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	e.p[1].type = TEE_PARAM_TYPE_VALUE_INOUT;
	e.p[1].u.value.a = 7;
	e.p[1].u.value.b = 8;
	e.p[2].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
	e.p[2].u.memref.buffer = e.buf;
	e.p[2].u.memref.size = sizeof(e.buf);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	tee_close_session(&e->sess);
	tee_finalize(&e->ctx);
	return 0;
}

static void assert_buf(const uint8_t *buf, size_t len, uint8_t byte)
{
	size_t i;

	for (i = 0; i < len; i++)
		assert_int_equal(buf[i], byte);
}

static void test_success_copies_everything(void **state)
{
	struct env *e = *state;
	uint32_t origin = 0;

	ta.res = TEE_SUCCESS;
	ta.size_written = 10;
	ta.value_a = 100;
	assert_int_equal(tee_invoke(&e->sess, 1, e->p, &origin), TEE_SUCCESS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_int_equal(e->p[1].u.value.a, 100);
	assert_int_equal(e->p[1].u.value.b, 101);
	assert_int_equal(e->p[2].u.memref.size, 10);
	assert_buf(e->buf, 10, 0xAB);
	assert_buf(e->buf + 10, sizeof(e->buf) - 10, 0x11);
	assert_int_equal(ta.types,
			 TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_VALUE_INOUT,
					 TEE_PARAM_TYPE_MEMREF_OUTPUT, TEE_PARAM_TYPE_NONE));
}

static void test_short_buffer_gives_only_the_size(void **state)
{
	struct env *e = *state;

	ta.res = TEE_ERROR_SHORT_BUFFER;
	ta.size_written = 500; /* needed; writes nothing (more than the buffer) */
	ta.value_a = 100;
	assert_int_equal(tee_invoke(&e->sess, 1, e->p, NULL), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(e->p[2].u.memref.size, 500);
	assert_int_equal(e->p[1].u.value.a, 7); /* values: only on success */
	assert_int_equal(e->p[1].u.value.b, 8);
	assert_buf(e->buf, sizeof(e->buf), 0x11);
}

static void test_failure_copies_nothing(void **state)
{
	struct env *e = *state;

	ta.res = TEE_ERROR_BAD_STATE;
	ta.size_written = 10; /* the TA wrote bytes and a size before failing */
	ta.value_a = 100;
	assert_int_equal(tee_invoke(&e->sess, 1, e->p, NULL), TEE_ERROR_BAD_STATE);
	assert_int_equal(e->p[1].u.value.a, 7);
	assert_int_equal(e->p[1].u.value.b, 8);
	assert_int_equal(e->p[2].u.memref.size, sizeof(e->buf));
	assert_buf(e->buf, sizeof(e->buf), 0x11);
	/* The TA wrote into a buffer of its own (GlobalPlatform temporary memory), not ours. */
	assert_ptr_not_equal(ta.seen_buffer, e->buf);
}

/* A TA claiming more bytes than the buffer holds on SUCCESS is refused, nothing written. */
static void test_success_over_buffer_refused(void **state)
{
	struct env *e = *state;

	ta.res = TEE_SUCCESS;
	ta.size_written = sizeof(e->buf) + 1;
	ta.value_a = 100;
	assert_int_equal(tee_invoke(&e->sess, 1, e->p, NULL), TEE_ERROR_GENERIC);
	assert_int_equal(e->p[1].u.value.a, 7);
	assert_int_equal(e->p[2].u.memref.size, sizeof(e->buf));
}

/* tee_params_out alone: the rule every transport calls. */
static int fetch_fill(void *priv, unsigned int i, void *dst, size_t len)
{
	(void)i;
	memset(dst, *(const uint8_t *)priv, len);
	return 0;
}

static void test_params_out_rule(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS] = {0};
	struct tee_param_reply r[TEE_NUM_PARAMS] = {0};
	uint8_t buf[8], in[4], fill = 0xCD;

	(void)state;
	memset(buf, 0, sizeof(buf));
	memset(in, 0x22, sizeof(in));
	p[0].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	p[1].type = TEE_PARAM_TYPE_MEMREF_INOUT;
	p[1].u.memref.buffer = buf;
	p[1].u.memref.size = sizeof(buf);
	p[2].type = TEE_PARAM_TYPE_MEMREF_INPUT; /* inputs are never written */
	p[2].u.memref.buffer = in;
	p[2].u.memref.size = sizeof(in);
	p[3].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[3].u.value.a = 9;
	r[0].a = 1;
	r[0].b = 2;
	r[1].size = 3;
	r[2].size = 1;
	r[3].a = 5;
	assert_int_equal(tee_params_out(p, TEE_ERROR_GENERIC, r, fetch_fill, &fill), 0);
	assert_int_equal(p[0].u.value.a, 0);
	assert_int_equal(p[1].u.memref.size, sizeof(buf));
	assert_int_equal(tee_params_out(p, TEE_ERROR_SHORT_BUFFER, r, fetch_fill, &fill), 0);
	assert_int_equal(p[0].u.value.a, 0);
	assert_int_equal(p[1].u.memref.size, 3);
	assert_int_equal(buf[0], 0);
	p[1].u.memref.size = sizeof(buf);
	assert_int_equal(tee_params_out(p, TEE_SUCCESS, r, fetch_fill, &fill), 0);
	assert_int_equal(p[0].u.value.a, 1);
	assert_int_equal(p[0].u.value.b, 2);
	assert_int_equal(p[1].u.memref.size, 3);
	assert_int_equal(buf[2], 0xCD);
	assert_int_equal(buf[3], 0);
	assert_int_equal(p[2].u.memref.size, sizeof(in));
	assert_int_equal(in[0], 0x22);
	assert_int_equal(p[3].u.value.a, 9);
	/* More than the buffer on success: refused before anything is written. */
	p[0].u.value.a = 0;
	r[1].size = sizeof(buf) + 1;
	assert_int_equal(tee_params_out(p, TEE_SUCCESS, r, fetch_fill, &fill), -EPROTO);
	assert_int_equal(p[0].u.value.a, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_success_copies_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_buffer_gives_only_the_size, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failure_copies_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_success_over_buffer_refused, setup, teardown),
		cmocka_unit_test(test_params_out_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
