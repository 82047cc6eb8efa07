// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Linux TEE device transport against a fake /dev/tee0 (fake_tee.c) that
 * checks each ioctl argument at the kernel ABI's byte offsets and answers like
 * OP-TEE's remoteproc TA: every command shape of DESIGN section 4, both ways
 * of sharing memory, the version checks, and driver failures.
 */
#include <errno.h>
#include <linux/tee.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "fake_tee.h"
#include "normal/tee_client/tee_client.h"
#include "normal/tee_client/tee_dev.h"
#include "testutil.h"

#define CAP_GP	TEE_GEN_CAP_GP
#define CAP_REG (TEE_GEN_CAP_GP | TEE_GEN_CAP_REG_MEM)
#define CAP_ALL (TEE_GEN_CAP_GP | TEE_GEN_CAP_REG_MEM | TEE_GEN_CAP_MEMREF_NULL)

/* A command outside the TA contract: the fake TA does not know it. */
#define CMD_UNKNOWN 99

static const TEE_UUID rproc_uuid = TA_RPROC_UUID;

static struct tee_context ctx;
static struct tee_session sess;

static void dev_up(uint32_t caps)
{
	fake_tee_reset(caps);
	memset(&ctx, 0, sizeof(ctx));
	if (tee_dev_init(&ctx, "/dev/tee0", fake_tee_sys()))
		fail_msg("tee_dev_init: %s", tee_dev_last_error(&ctx));
}

/* Tear down and check that nothing stayed open and the ABI was kept throughout. */
static void dev_down(void)
{
	tee_finalize(&ctx);
	assert_string_equal(fake.violation, "");
	assert_false(fake.dev_open);
	assert_int_equal(fake_tee_live_shm(), 0);
	assert_int_equal(fake.sessions, 0);
	fake_tee_cleanup();
}

static void set_value(struct tee_param *p, uint32_t type, uint32_t a, uint32_t b)
{
	p->type = type;
	p->u.value.a = a;
	p->u.value.b = b;
}

static void set_memref(struct tee_param *p, uint32_t type, void *buf, size_t size)
{
	p->type = type;
	p->u.memref.buffer = buf;
	p->u.memref.size = size;
}

static TEE_Result open_rproc(uint32_t id, uint32_t *origin)
{
	struct tee_param p[TEE_NUM_PARAMS];

	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, id, 0);
	return tee_open_session(&ctx, &rproc_uuid, p, &sess, origin);
}

static void open_ok(void)
{
	uint32_t origin;

	if (open_rproc(0, &origin) != TEE_SUCCESS)
		fail_msg("open session: %s", tee_dev_last_error(&ctx));
}

/* START_FW, STOP_FW, RELEASE_FW: rproc id only. */
static TEE_Result simple(uint32_t cmd, uint32_t *origin)
{
	struct tee_param p[TEE_NUM_PARAMS];

	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	return tee_invoke(&sess, cmd, p, origin);
}

static TEE_Result load(const void *img, size_t len, uint32_t *origin)
{
	struct tee_param p[TEE_NUM_PARAMS];

	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	set_memref(&p[1], TEE_PARAM_TYPE_MEMREF_INPUT, (void *)img, len);
	return tee_invoke(&sess, TA_RPROC_CMD_LOAD_FW, p, origin);
}

static TEE_Result coredump(void *buf, size_t *size, uint32_t *origin)
{
	struct tee_param p[TEE_NUM_PARAMS];
	TEE_Result res;

	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	set_memref(&p[1], TEE_PARAM_TYPE_MEMREF_OUTPUT, buf, *size);
	res = tee_invoke(&sess, TA_RPROC_CMD_GET_COREDUMP, p, origin);
	*size = p[1].u.memref.size;
	return res;
}

/* A plausible signed image: the magic, then a recognisable pattern. */
static uint8_t *make_image(size_t len)
{
	uint8_t *img = malloc(len);
	size_t i;

	assert_non_null(img);
	for (i = 0; i < len; i++)
		img[i] = (uint8_t)(i * 7 + 3);
	put_le32(img, 0x3543A468);
	return img;
}

static void test_kernel_abi(void **state)
{
	(void)state;
	/* What the driver copies from user space, field by field. */
	assert_int_equal(sizeof(struct tee_ioctl_version_data), 12);
	assert_int_equal(offsetof(struct tee_ioctl_version_data, impl_id), 0);
	assert_int_equal(offsetof(struct tee_ioctl_version_data, impl_caps), 4);
	assert_int_equal(offsetof(struct tee_ioctl_version_data, gen_caps), 8);
	assert_int_equal(sizeof(struct tee_ioctl_buf_data), 16);
	assert_int_equal(offsetof(struct tee_ioctl_buf_data, buf_ptr), 0);
	assert_int_equal(offsetof(struct tee_ioctl_buf_data, buf_len), 8);
	assert_int_equal(sizeof(struct tee_ioctl_param), FAKE_PARAM_LEN);
	assert_int_equal(offsetof(struct tee_ioctl_param, attr), 0);
	assert_int_equal(offsetof(struct tee_ioctl_param, a), 8);
	assert_int_equal(offsetof(struct tee_ioctl_param, b), 16);
	assert_int_equal(offsetof(struct tee_ioctl_param, c), 24);
	assert_int_equal(sizeof(struct tee_ioctl_open_session_arg), FAKE_OPEN_ARG_LEN);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, uuid), 0);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, clnt_uuid), 16);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, clnt_login), 32);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, cancel_id), 36);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, session), 40);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, ret), 44);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, ret_origin), 48);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, num_params), 52);
	assert_int_equal(offsetof(struct tee_ioctl_open_session_arg, params), FAKE_OPEN_ARG_LEN);
	assert_int_equal(sizeof(struct tee_ioctl_invoke_arg), FAKE_INVOKE_ARG_LEN);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, func), 0);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, session), 4);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, cancel_id), 8);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, ret), 12);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, ret_origin), 16);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, num_params), 20);
	assert_int_equal(offsetof(struct tee_ioctl_invoke_arg, params), FAKE_INVOKE_ARG_LEN);
	assert_int_equal(sizeof(struct tee_ioctl_shm_alloc_data), 16);
	assert_int_equal(offsetof(struct tee_ioctl_shm_alloc_data, size), 0);
	assert_int_equal(offsetof(struct tee_ioctl_shm_alloc_data, flags), 8);
	assert_int_equal(offsetof(struct tee_ioctl_shm_alloc_data, id), 12);
	assert_int_equal(sizeof(struct tee_ioctl_shm_register_data), 24);
	assert_int_equal(offsetof(struct tee_ioctl_shm_register_data, addr), 0);
	assert_int_equal(offsetof(struct tee_ioctl_shm_register_data, length), 8);
	assert_int_equal(offsetof(struct tee_ioctl_shm_register_data, flags), 16);
	assert_int_equal(offsetof(struct tee_ioctl_shm_register_data, id), 20);
	assert_int_equal(sizeof(struct tee_ioctl_close_session_arg), 4);
	/* Request numbers the fake decodes: _IOR/_IOWR(0xa4, nr, size). */
	assert_int_equal(TEE_IOC_VERSION, FAKE_IOC_VERSION);
	assert_int_equal(TEE_IOC_SHM_ALLOC, FAKE_IOC_SHM_ALLOC);
	assert_int_equal(TEE_IOC_OPEN_SESSION, FAKE_IOC_OPEN_SESSION);
	assert_int_equal(TEE_IOC_INVOKE, FAKE_IOC_INVOKE);
	assert_int_equal(TEE_IOC_CLOSE_SESSION, FAKE_IOC_CLOSE_SESSION);
	assert_int_equal(TEE_IOC_SHM_REGISTER, FAKE_IOC_SHM_REGISTER);
	/* GlobalPlatform parameter types and origins are the driver's numbers. */
	assert_int_equal(TEE_PARAM_TYPE_VALUE_INOUT, TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT);
	assert_int_equal(TEE_PARAM_TYPE_MEMREF_INOUT, TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT);
}

static void test_init_checks_version(void **state)
{
	(void)state;
	dev_up(CAP_REG);
	assert_int_equal(fake.ioctls[0], 1);
	assert_true(fake.dev_open);
	assert_string_equal(ctx.ops->name, "dev");
	assert_int_equal(tee_dev_gen_caps(&ctx), CAP_REG);
	assert_string_equal(tee_dev_last_error(&ctx), "no error");
	dev_down();
	assert_null(ctx.priv);
	assert_int_equal(tee_dev_gen_caps(&ctx), 0);
}

/* A refused init leaves the context untouched and the device closed, and says why. */
static void init_fails(int expect, const char *msg)
{
	struct tee_context c = {0};

	assert_int_equal(tee_dev_init(&c, "/dev/tee0", fake_tee_sys()), expect);
	assert_null(c.ops);
	assert_null(c.priv);
	assert_false(fake.dev_open);
	assert_string_equal(tee_dev_last_error(&c), msg);
	assert_string_equal(fake.violation, "");
	fake_tee_cleanup();
}

static void test_init_refusals(void **state)
{
	(void)state;
	fake_tee_reset(CAP_GP);
	fake.impl_id = TEE_IMPL_ID_AMDTEE;
	init_fails(-ENODEV, "/dev/tee0: not an OP-TEE device (impl_id 2)");

	fake_tee_reset(TEE_GEN_CAP_REG_MEM);
	init_fails(-EOPNOTSUPP, "/dev/tee0: OP-TEE without GlobalPlatform sessions (gen_caps 0x4)");

	fake_tee_reset(CAP_GP | TEE_GEN_CAP_PRIVILEGED);
	init_fails(-EINVAL, "/dev/tee0: the supplicant's privileged device (use /dev/tee0)");

	fake_tee_reset(CAP_GP);
	fake.open_errno = EACCES;
	init_fails(-EACCES, "/dev/tee0: Permission denied");

	fake_tee_reset(CAP_GP);
	fake.fail_request = TEE_IOC_VERSION;
	fake.fail_errno = ENOTTY;
	init_fails(-ENOTTY, "/dev/tee0: TEE_IOC_VERSION: Inappropriate ioctl for device");
}

/* NULL system-call table: the real open/ioctl on things that are not a TEE. */
static void test_init_real_syscalls(void **state)
{
	struct tee_context c = {0};

	(void)state;
	assert_int_equal(tee_dev_init(&c, "/nonexistent/tee0", NULL), -ENOENT);
	assert_string_equal(tee_dev_last_error(&c), "/nonexistent/tee0: No such file or directory");
	assert_int_equal(tee_dev_init(&c, "/dev/null", NULL), -ENOTTY);
	assert_string_equal(tee_dev_last_error(&c),
			    "/dev/null: TEE_IOC_VERSION: Inappropriate ioctl for device");
	assert_null(c.ops);
	assert_int_equal(tee_dev_init(NULL, "/dev/tee0", NULL), -EINVAL);
}

static void test_open_close_session(void **state)
{
	uint32_t origin = 0;

	(void)state;
	dev_up(CAP_GP);
	assert_int_equal(open_rproc(0, NULL), TEE_SUCCESS);
	tee_close_session(&sess);
	/* The fake answers ITEM_NOT_FOUND unless the UUID bytes are exactly the TA's. */
	assert_int_equal(open_rproc(0, &origin), TEE_SUCCESS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_non_null(sess.handle);
	assert_int_equal(fake.sessions, 1);
	assert_int_equal(fake.ioctls[2], 2);
	tee_close_session(&sess);
	assert_int_equal(fake.sessions, 0);
	assert_int_equal(fake.ioctls[5], 2);
	dev_down();
}

static void test_two_sessions(void **state)
{
	struct tee_session first;
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	first = sess;
	open_ok();
	assert_int_equal(fake.sessions, 2);
	assert_int_equal(simple(TA_RPROC_CMD_STOP_FW, &origin), TEE_SUCCESS);
	tee_close_session(&first);
	/* The second session still works after the first is gone. */
	assert_int_equal(simple(TA_RPROC_CMD_RELEASE_FW, &origin), TEE_SUCCESS);
	tee_close_session(&sess);
	dev_down();
}

static void test_open_session_ta_errors(void **state)
{
	static const TEE_UUID other = {
		0x80a4c275, 0x0a47, 0x4905, {0x82, 0x85, 0x14, 0x86, 0xa9, 0x77, 0x1a, 0x09}};
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	memset(&sess, 0, sizeof(sess));
	assert_int_equal(tee_open_session(&ctx, &other, p, &sess, &origin),
			 TEE_ERROR_ITEM_NOT_FOUND);
	assert_int_equal(origin, TEE_ORIGIN_TEE);
	assert_null(sess.handle);
	assert_string_equal(tee_dev_last_error(&ctx),
			    "open session: TEE_ERROR_ITEM_NOT_FOUND (0xffff0008) from the TEE");

	/* An rproc id the board does not have. */
	assert_int_equal(open_rproc(5, &origin), TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_int_equal(fake.sessions, 0);
	dev_down();
}

static void test_open_session_ioctl_fails(void **state)
{
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	fake.fail_request = TEE_IOC_OPEN_SESSION;
	fake.fail_errno = EACCES;
	assert_int_equal(open_rproc(0, &origin), TEE_ERROR_ACCESS_DENIED);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_string_equal(tee_dev_last_error(&ctx), "TEE_IOC_OPEN_SESSION: Permission denied");
	dev_down();
}

/* The TA opened a session but its reply cannot be used: the session is closed again. */
static void test_open_session_bad_reply_closes(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	fake.wide_value = true;
	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	set_value(&p[1], TEE_PARAM_TYPE_VALUE_OUTPUT, 0x1234, 0x5678);
	assert_int_equal(tee_open_session(&ctx, &rproc_uuid, p, &sess, &origin),
			 TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_int_equal(fake.sessions, 0);
	assert_int_equal(fake.ioctls[5], 1);
	assert_int_equal(p[1].u.value.a, 0x1234);
	assert_non_null(strstr(tee_dev_last_error(&ctx), "open session: param 1: value"));
	dev_down();
}

static void check_loaded(const uint8_t *img, size_t len)
{
	assert_int_equal(fake.last_func, TA_RPROC_CMD_LOAD_FW);
	assert_int_equal(fake.image_len, len);
	assert_memory_equal(fake.image, img, len);
	assert_int_equal(fake_tee_live_shm(), 0);
}

static void test_load_copy_path(void **state)
{
	size_t len = 3 * 4096 + 13;
	uint8_t *img = make_image(len);
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	assert_int_equal(load(img, len, &origin), TEE_SUCCESS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	check_loaded(img, len);
	assert_int_equal(fake.allocs, 1);
	assert_int_equal(fake.registers, 0);
	tee_close_session(&sess);
	dev_down();
	free(img);
}

static void test_load_register_path(void **state)
{
	size_t len = 5000;
	uint8_t *img = make_image(len);
	uint32_t origin;

	(void)state;
	dev_up(CAP_REG);
	open_ok();
	assert_int_equal(load(img, len, &origin), TEE_SUCCESS);
	check_loaded(img, len);
	assert_int_equal(fake.registers, 1);
	assert_int_equal(fake.allocs, 0);
	assert_ptr_equal((void *)fake.last_reg_addr, img);
	tee_close_session(&sess);
	dev_down();
	free(img);
}

/* Registration refused (a read-only mapping gives EFAULT): the copy path still works. */
static void test_load_register_falls_back(void **state)
{
	size_t len = 777;
	uint8_t *img = make_image(len);
	uint32_t origin;

	(void)state;
	dev_up(CAP_REG);
	open_ok();
	fake.fail_request = TEE_IOC_SHM_REGISTER;
	fake.fail_errno = EFAULT;
	assert_int_equal(load(img, len, &origin), TEE_SUCCESS);
	check_loaded(img, len);
	assert_int_equal(fake.allocs, 1);
	assert_string_equal(tee_dev_last_error(&ctx), "no error");
	tee_close_session(&sess);
	dev_down();
	free(img);
}

static void test_ta_error_passthrough(void **state)
{
	uint8_t junk[64] = {1, 2, 3};
	uint32_t origin;

	(void)state;
	dev_up(CAP_REG);
	open_ok();
	assert_int_equal(load(junk, sizeof(junk), &origin), TEE_ERROR_BAD_FORMAT);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_string_equal(
		tee_dev_last_error(&ctx),
		"invoke command 1: TEE_ERROR_BAD_FORMAT (0xffff0005) from the trusted application");
	/* The next call starts with a clean slate. */
	assert_int_equal(simple(TA_RPROC_CMD_STOP_FW, &origin), TEE_SUCCESS);
	assert_string_equal(tee_dev_last_error(&ctx), "no error");

	/* Any code and origin the TEE gives come back as they are ... */
	fake.reply_ret = TEE_ERROR_TARGET_DEAD;
	fake.reply_origin = TEE_ORIGIN_TEE;
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEE_ORIGIN_TEE);
	/* ... but an origin GlobalPlatform does not know is not passed on. */
	fake.reply_origin = 9;
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_ERROR_TARGET_DEAD);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	fake.reply_ret = 0;
	assert_int_equal(simple(CMD_UNKNOWN, &origin), TEE_ERROR_NOT_SUPPORTED);
	/* A caller may not want the origin. */
	assert_int_equal(simple(CMD_UNKNOWN, NULL), TEE_ERROR_NOT_SUPPORTED);
	tee_close_session(&sess);
	dev_down();
}

/* DESIGN section 4's state machine, as the TA reports it through the driver. */
static void test_state_commands(void **state)
{
	uint8_t *img = make_image(256);
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_ERROR_BAD_STATE);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_int_equal(fake.last_func, TA_RPROC_CMD_START_FW);
	assert_int_equal(load(img, 256, &origin), TEE_SUCCESS);
	assert_int_equal(simple(TA_RPROC_CMD_STOP_FW, &origin), TEE_ERROR_BAD_STATE);
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_SUCCESS);
	assert_int_equal(fake.state, FAKE_STARTED);
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_SUCCESS);
	assert_int_equal(simple(TA_RPROC_CMD_RELEASE_FW, &origin), TEE_ERROR_BAD_STATE);
	assert_int_equal(simple(TA_RPROC_CMD_STOP_FW, &origin), TEE_SUCCESS);
	assert_int_equal(simple(TA_RPROC_CMD_STOP_FW, &origin), TEE_SUCCESS);
	assert_int_equal(simple(TA_RPROC_CMD_RELEASE_FW, &origin), TEE_SUCCESS);
	assert_int_equal(fake.last_func, TA_RPROC_CMD_RELEASE_FW);
	assert_int_equal(fake.state, FAKE_OFF);
	tee_close_session(&sess);
	dev_down();
	free(img);
}

static TEE_Result rsc_table(struct tee_param p[TEE_NUM_PARAMS], uint32_t *origin)
{
	memset(p, 0, sizeof(*p) * TEE_NUM_PARAMS);
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	set_value(&p[1], TEE_PARAM_TYPE_VALUE_OUTPUT, 0xdeadbeef, 0xdeadbeef);
	set_value(&p[2], TEE_PARAM_TYPE_VALUE_OUTPUT, 0xdeadbeef, 0xdeadbeef);
	return tee_invoke(&sess, TA_RPROC_CMD_GET_RSC_TABLE, p, origin);
}

static void test_get_rsc_table(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	assert_int_equal(rsc_table(p, &origin), TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, 0x10000000);
	assert_int_equal(p[1].u.value.b, 0);
	assert_int_equal(p[2].u.value.a, 0xc8);
	assert_int_equal(p[2].u.value.b, 0);
	/* 64-bit address and size: hi words in b. */
	fake.rsc_pa = 0x123456780ull;
	fake.rsc_size = 0x100000004ull;
	assert_int_equal(rsc_table(p, &origin), TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, 0x23456780);
	assert_int_equal(p[1].u.value.b, 1);
	assert_int_equal(p[2].u.value.a, 4);
	assert_int_equal(p[2].u.value.b, 1);
	/* No table: 0/0. */
	fake.rsc_pa = 0;
	fake.rsc_size = 0;
	assert_int_equal(rsc_table(p, &origin), TEE_SUCCESS);
	assert_int_equal(p[1].u.value.a, 0);
	assert_int_equal(p[2].u.value.a, 0);
	/* A wrong parameter-type set reaches the TA, which refuses it. */
	p[2].type = TEE_PARAM_TYPE_VALUE_INPUT;
	assert_int_equal(tee_invoke(&sess, TA_RPROC_CMD_GET_RSC_TABLE, p, &origin),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	tee_close_session(&sess);
	dev_down();
}

/* A value the driver widened past 32 bits is refused, and no output is touched. */
static void test_rsc_table_wide_value_refused(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	fake.wide_value = true;
	assert_int_equal(rsc_table(p, &origin), TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_int_equal(p[1].u.value.a, 0xdeadbeef);
	assert_int_equal(p[2].u.value.a, 0xdeadbeef);
	assert_non_null(strstr(
		tee_dev_last_error(&ctx),
		"invoke command 4: param 1: value 0x110000000/0x0 from the driver is wider than 32 bits"));
	tee_close_session(&sess);
	dev_down();
}

static uint8_t dump_bytes[300];

static void dump_setup(void)
{
	size_t i;

	for (i = 0; i < sizeof(dump_bytes); i++)
		dump_bytes[i] = (uint8_t)(0x40 + i % 61);
	fake.dump = dump_bytes;
	fake.dump_len = sizeof(dump_bytes);
}

/* Copy path: SHORT_BUFFER with the needed size (data untouched), then the data. */
static void test_coredump_copy_path(void **state)
{
	uint8_t small[16], big[512];
	size_t size;
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	dump_setup();
	memset(small, 0x11, sizeof(small));
	size = sizeof(small);
	assert_int_equal(coredump(small, &size, &origin), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(origin, TEE_ORIGIN_TRUSTED_APP);
	assert_int_equal(size, sizeof(dump_bytes));
	assert_int_equal(small[0], 0x11);
	/* Size query with no buffer: without MEMREF_NULL a 0-byte driver buffer stands in. */
	size = 0;
	assert_int_equal(coredump(NULL, &size, &origin), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(size, sizeof(dump_bytes));
	assert_true(fake.last_memref_c[1] != TEE_MEMREF_NULL);

	memset(big, 0x22, sizeof(big));
	size = sizeof(big);
	assert_int_equal(coredump(big, &size, &origin), TEE_SUCCESS);
	assert_int_equal(size, sizeof(dump_bytes));
	assert_memory_equal(big, dump_bytes, sizeof(dump_bytes));
	assert_int_equal(big[sizeof(dump_bytes)], 0x22);
	assert_int_equal(fake.allocs, 3);
	tee_close_session(&sess);
	dev_down();
}

static void test_coredump_register_path(void **state)
{
	uint8_t buf[sizeof(dump_bytes)];
	size_t size = 0;
	uint32_t origin;

	(void)state;
	dev_up(CAP_ALL);
	open_ok();
	dump_setup();
	assert_int_equal(coredump(NULL, &size, &origin), TEE_ERROR_SHORT_BUFFER);
	assert_int_equal(size, sizeof(dump_bytes));
	assert_true(fake.last_memref_c[1] == TEE_MEMREF_NULL);
	assert_int_equal(fake.allocs + fake.registers, 0);
	assert_int_equal(coredump(buf, &size, &origin), TEE_SUCCESS);
	assert_int_equal(size, sizeof(dump_bytes));
	assert_memory_equal(buf, dump_bytes, sizeof(dump_bytes));
	assert_int_equal(fake.registers, 1);
	assert_int_equal(fake.allocs, 0);
	/* Nothing to dump. */
	fake.dump = NULL;
	assert_int_equal(coredump(buf, &size, &origin), TEE_ERROR_NO_DATA);
	tee_close_session(&sess);
	dev_down();
}

/* "Success, and I wrote more than your buffer holds": refused, size left as it was. */
static void test_coredump_overlong_refused(void **state)
{
	uint8_t buf[400];
	size_t size = sizeof(buf);
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	dump_setup();
	fake.overlong_size = true;
	assert_int_equal(coredump(buf, &size, &origin), TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_int_equal(size, sizeof(buf));
	assert_string_equal(
		tee_dev_last_error(&ctx),
		"invoke command 5: param 1: driver reports 416 bytes written into a 400-byte buffer");
	tee_close_session(&sess);
	dev_down();
}

static void test_invoke_ioctl_fails(void **state)
{
	uint8_t *img = make_image(100);
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	fake.fail_request = TEE_IOC_INVOKE;
	fake.fail_errno = EIO;
	assert_int_equal(load(img, 100, &origin), TEE_ERROR_COMMUNICATION);
	assert_int_equal(origin, TEE_ORIGIN_COMMS);
	assert_string_equal(tee_dev_last_error(&ctx), "TEE_IOC_INVOKE: Input/output error");
	assert_int_equal(fake_tee_live_shm(), 0);
	fake.fail_errno = ENOMEM;
	assert_int_equal(simple(TA_RPROC_CMD_START_FW, &origin), TEE_ERROR_OUT_OF_MEMORY);
	fake.fail_request = 0;
	tee_close_session(&sess);
	dev_down();
	free(img);
}

static void test_close_session_ioctl_fails(void **state)
{
	(void)state;
	dev_up(CAP_GP);
	open_ok();
	fake.fail_request = TEE_IOC_CLOSE_SESSION;
	fake.fail_errno = EIO;
	tee_close_session(&sess);
	assert_string_equal(tee_dev_last_error(&ctx),
			    "TEE_IOC_CLOSE_SESSION (session 81): Input/output error");
	/* Our handle is gone either way (LSan checks); the fake still counts it. */
	fake.sessions = 0;
	dev_down();
}

/* Shared-memory failures: nothing reaches the TA, nothing stays allocated or mapped. */
static void test_shm_failures(void **state)
{
	uint8_t *img = make_image(4096);
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	fake.fail_request = TEE_IOC_SHM_ALLOC;
	fake.fail_errno = ENOMEM;
	assert_int_equal(load(img, 4096, &origin), TEE_ERROR_OUT_OF_MEMORY);
	assert_int_equal(origin, TEE_ORIGIN_API);
	assert_string_equal(tee_dev_last_error(&ctx),
			    "TEE_IOC_SHM_ALLOC (param 1, 4096 bytes): Cannot allocate memory");
	fake.fail_request = 0;

	fake.mmap_errno = ENOMEM;
	assert_int_equal(load(img, 4096, &origin), TEE_ERROR_OUT_OF_MEMORY);
	assert_string_equal(tee_dev_last_error(&ctx),
			    "mmap of shared memory (param 1, 4096 bytes): Cannot allocate memory");
	fake.mmap_errno = 0;

	fake.alloc_short = true;
	assert_int_equal(load(img, 4096, &origin), TEE_ERROR_COMMUNICATION);
	assert_string_equal(tee_dev_last_error(&ctx),
			    "TEE_IOC_SHM_ALLOC (param 1): driver gave 4095 bytes for 4096");
	assert_int_equal(fake.ioctls[3], 0);
	assert_int_equal(fake_tee_live_shm(), 0);
	assert_int_equal(fake.state, FAKE_OFF);
	tee_close_session(&sess);
	dev_down();
	free(img);
}

/* Register refused and the copy path too: both reasons, in order. */
static void test_register_then_alloc_fail(void **state)
{
	uint8_t *img = make_image(64);
	uint32_t origin;

	(void)state;
	dev_up(CAP_REG);
	open_ok();
	fake.fail_request = TEE_IOC_SHM_REGISTER;
	fake.fail_errno = EFAULT;
	fake.mmap_errno = EAGAIN;
	assert_int_equal(load(img, 64, &origin), TEE_ERROR_COMMUNICATION);
	assert_string_equal(
		tee_dev_last_error(&ctx),
		"TEE_IOC_SHM_REGISTER (param 1): Bad address; then mmap of shared memory (param 1, 64 bytes): Resource temporarily unavailable");
	assert_int_equal(fake_tee_live_shm(), 0);
	tee_close_session(&sess);
	dev_down();
	free(img);
}

/*
 * Parameters the transport refuses itself (the generic layer catches them
 * first, so call the transport directly): a memref already shared for an
 * earlier parameter is released again.
 */
static void test_transport_refuses_bad_params(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint8_t buf[32];
	char reason[TEE_REASON_MAX] = "";
	uint32_t origin;

	(void)state;
	dev_up(CAP_GP);
	open_ok();
	memset(p, 0, sizeof(p));
	set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
	set_memref(&p[1], TEE_PARAM_TYPE_MEMREF_INPUT, buf, sizeof(buf));
	set_memref(&p[2], TEE_PARAM_TYPE_MEMREF_OUTPUT, NULL, 10);
	assert_int_equal(ctx.ops->invoke(&ctx, sess.handle, CMD_UNKNOWN, p, &origin, reason),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(origin, TEE_ORIGIN_API);
	assert_string_equal(tee_dev_last_error(&ctx), "param 2: NULL buffer of 10 bytes");
	p[2].type = 4;
	assert_int_equal(ctx.ops->invoke(&ctx, sess.handle, CMD_UNKNOWN, p, &origin, reason),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_string_equal(tee_dev_last_error(&ctx), "param 2: unknown type 4");
	assert_int_equal(ctx.ops->invoke(&ctx, NULL, CMD_UNKNOWN, p, &origin, reason),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(fake.ioctls[3], 0);
	assert_int_equal(fake_tee_live_shm(), 0);
	tee_close_session(&sess);
	dev_down();
}

/* INOUT shapes, both ways of sharing: inputs reach the TA, outputs come back on success only. */
static void test_inout_shapes(void **state)
{
	struct tee_param p[TEE_NUM_PARAMS];
	uint8_t buf[48];
	char reason[TEE_REASON_MAX];
	uint32_t origin;
	int caps;

	(void)state;
	for (caps = 0; caps < 2; caps++) {
		dev_up(caps ? CAP_REG : CAP_GP);
		open_ok();
		memset(buf, 0x5a, sizeof(buf));
		memset(p, 0, sizeof(p));
		set_value(&p[0], TEE_PARAM_TYPE_VALUE_INPUT, 0, 0);
		set_value(&p[1], TEE_PARAM_TYPE_VALUE_INOUT, 7, 8);
		set_memref(&p[2], TEE_PARAM_TYPE_MEMREF_INOUT, buf, sizeof(buf));
		assert_int_equal(tee_invoke(&sess, FAKE_CMD_ECHO, p, &origin), TEE_SUCCESS);
		assert_int_equal(p[1].u.value.a, 8);
		assert_int_equal(p[1].u.value.b, 9);
		assert_int_equal(p[2].u.memref.size, sizeof(buf) - 8);
		assert_int_equal(buf[0], 0xa5);
		assert_int_equal(buf[sizeof(buf) - 9], 0xa5);
		/* The copy path brings back only the bytes the TA says it wrote. */
		assert_int_equal(buf[sizeof(buf) - 1], caps ? 0xa5 : 0x5a);
		assert_int_equal(fake.allocs + fake.registers, 1);

		/* Not a success: the caller's outputs stay as they were. */
		p[2].u.memref.size = sizeof(buf);
		assert_int_equal(tee_invoke_reason(&sess, CMD_UNKNOWN, p, &origin, reason),
				 TEE_ERROR_NOT_SUPPORTED);
		/* OP-TEE answers the code alone: no text is made up, the user is sent to its log. */
		assert_string_equal(reason, "");
		assert_non_null(strstr(tee_reason_where(sess.ctx), "OP-TEE reports only the code"));
		assert_non_null(strstr(tee_reason_where(sess.ctx), "secure world's console"));
		assert_int_equal(fake.last_func, CMD_UNKNOWN);
		assert_int_equal(p[1].u.value.a, 8);
		assert_int_equal(p[2].u.memref.size, sizeof(buf));
		tee_close_session(&sess);
		dev_down();
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernel_abi),
		cmocka_unit_test(test_init_checks_version),
		cmocka_unit_test(test_init_refusals),
		cmocka_unit_test(test_init_real_syscalls),
		cmocka_unit_test(test_open_close_session),
		cmocka_unit_test(test_two_sessions),
		cmocka_unit_test(test_open_session_ta_errors),
		cmocka_unit_test(test_open_session_ioctl_fails),
		cmocka_unit_test(test_open_session_bad_reply_closes),
		cmocka_unit_test(test_load_copy_path),
		cmocka_unit_test(test_load_register_path),
		cmocka_unit_test(test_load_register_falls_back),
		cmocka_unit_test(test_ta_error_passthrough),
		cmocka_unit_test(test_state_commands),
		cmocka_unit_test(test_get_rsc_table),
		cmocka_unit_test(test_rsc_table_wide_value_refused),
		cmocka_unit_test(test_coredump_copy_path),
		cmocka_unit_test(test_coredump_register_path),
		cmocka_unit_test(test_coredump_overlong_refused),
		cmocka_unit_test(test_invoke_ioctl_fails),
		cmocka_unit_test(test_close_session_ioctl_fails),
		cmocka_unit_test(test_shm_failures),
		cmocka_unit_test(test_register_then_alloc_fail),
		cmocka_unit_test(test_transport_refuses_bad_params),
		cmocka_unit_test(test_inout_shapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
