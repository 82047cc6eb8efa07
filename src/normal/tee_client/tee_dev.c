// SPDX-License-Identifier: BSD-2-Clause
/*
 * Linux TEE device transport: open/invoke/close sessions through the ioctls of
 * <linux/tee.h>. The kernel driver (and whatever sits behind it) is outside
 * this process: every size and value it hands back is checked before it
 * reaches the caller's parameters, and a call that fails leaves those
 * parameters, the driver's shared memory and the session table as they were.
 */
#include "normal/tee_client/tee_dev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/tee.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/error.h"
#include "common/tee_result.h"

/* The driver state behind a tee_context. */
struct tee_dev {
	int fd;			/* the open TEE device */
	struct tee_dev_sys sys; /* system calls, every member set */
	uint32_t gen_caps;	/* TEE_GEN_CAP_* from TEE_IOC_VERSION */
	char *path;		/* device path, for messages */
	struct rpt_error err;	/* why the last operation failed */
};

/* The transport's session handle: the driver's session id. */
struct tee_dev_session {
	uint32_t id; /* session id returned by TEE_IOC_OPEN_SESSION */
};

/* Shared memory behind one MEMREF parameter, held for one call only. */
struct dev_shm {
	int fd;	    /* driver object from SHM_ALLOC / SHM_REGISTER, -1 if none */
	void *map;  /* our mapping of an allocated object, NULL when registered */
	size_t len; /* length of the mapping */
};

/* One open-session or invoke round trip, described for dev_round_trip(). */
struct dev_call {
	char what[48];			    /* "open session", "invoke command 5": message prefix */
	unsigned long request;		    /* TEE_IOC_OPEN_SESSION or TEE_IOC_INVOKE */
	const char *request_name;	    /* its name, for messages */
	void *buf;			    /* the argument: fixed part, then the parameters */
	size_t len;			    /* its exact length (the driver insists on it) */
	struct tee_ioctl_param *ip;	    /* the parameters inside buf */
	const uint32_t *ret;		    /* the TA's result inside buf */
	const uint32_t *ret_origin;	    /* and its origin */
	struct dev_shm shm[TEE_NUM_PARAMS]; /* memory shared for each parameter */
};

/* Argument buffers: the fixed part directly followed by TEE_NUM_PARAMS parameters. */
union dev_open_buf {
	struct tee_ioctl_open_session_arg arg;
	uint8_t raw[sizeof(struct tee_ioctl_open_session_arg) +
		    TEE_NUM_PARAMS * sizeof(struct tee_ioctl_param)];
};

union dev_invoke_buf {
	struct tee_ioctl_invoke_arg arg;
	uint8_t raw[sizeof(struct tee_ioctl_invoke_arg) +
		    TEE_NUM_PARAMS * sizeof(struct tee_ioctl_param)];
};

static const struct tee_transport tee_dev_ops;

/* A failed tee_dev_init has no context to keep its reason in: keep it per thread. */
static _Thread_local struct rpt_error init_err;

static int real_open(const char *path, int flags)
{
	return open(path, flags);
}

static int real_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

static void fill_sys(struct tee_dev_sys *out, const struct tee_dev_sys *in)
{
	static const struct tee_dev_sys none;

	if (!in)
		in = &none;
	out->open = in->open ? in->open : real_open;
	out->close = in->close ? in->close : close;
	out->ioctl = in->ioctl ? in->ioctl : real_ioctl;
	out->mmap = in->mmap ? in->mmap : mmap;
	out->munmap = in->munmap ? in->munmap : munmap;
}

static struct tee_dev *dev_of(const struct tee_context *ctx)
{
	if (!ctx || ctx->ops != &tee_dev_ops)
		return NULL;
	return ctx->priv;
}

/* errno after a failed call; a fake (or broken) layer that forgot to set it still fails. */
static int last_errno(void)
{
	return errno ? errno : EIO;
}

static int dev_fail(struct tee_dev *dev, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int dev_fail(struct tee_dev *dev, int code, const char *fmt, ...)
{
	char msg[RPT_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return rpt_error_set(&dev->err, code, "%s", msg);
}

/*
 * What an errno from the driver means to a GlobalPlatform caller (the one
 * table); one it does not know means the call did not get through.
 */
static TEE_Result errno_to_tee(int e)
{
	return tee_result_from_err_or(-e, TEE_ERROR_COMMUNICATION);
}

static const char *origin_name(uint32_t origin)
{
	switch (origin) {
	case TEE_ORIGIN_API:
		return "the client API";
	case TEE_ORIGIN_COMMS:
		return "the TEE driver";
	case TEE_ORIGIN_TEE:
		return "the TEE";
	case TEE_ORIGIN_TRUSTED_APP:
		return "the trusted application";
	default:
		return "an unknown origin";
	}
}

/* GlobalPlatform UUID -> the 16 bytes the driver expects: each field big-endian, in order. */
static void uuid_to_bytes(const TEE_UUID *uuid, uint8_t out[TEE_IOCTL_UUID_LEN])
{
	out[0] = (uint8_t)(uuid->timeLow >> 24);
	out[1] = (uint8_t)(uuid->timeLow >> 16);
	out[2] = (uint8_t)(uuid->timeLow >> 8);
	out[3] = (uint8_t)uuid->timeLow;
	out[4] = (uint8_t)(uuid->timeMid >> 8);
	out[5] = (uint8_t)uuid->timeMid;
	out[6] = (uint8_t)(uuid->timeHiAndVersion >> 8);
	out[7] = (uint8_t)uuid->timeHiAndVersion;
	memcpy(out + 8, uuid->clockSeqAndNode, 8);
}

/* The driver's attribute for a GlobalPlatform parameter type; false if there is none. */
static bool param_attr(uint32_t type, __u64 *attr)
{
	switch (type) {
	case TEE_PARAM_TYPE_NONE:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_NONE;
		return true;
	case TEE_PARAM_TYPE_VALUE_INPUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INPUT;
		return true;
	case TEE_PARAM_TYPE_VALUE_OUTPUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_OUTPUT;
		return true;
	case TEE_PARAM_TYPE_VALUE_INOUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_VALUE_INOUT;
		return true;
	case TEE_PARAM_TYPE_MEMREF_INPUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INPUT;
		return true;
	case TEE_PARAM_TYPE_MEMREF_OUTPUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_OUTPUT;
		return true;
	case TEE_PARAM_TYPE_MEMREF_INOUT:
		*attr = TEE_IOCTL_PARAM_ATTR_TYPE_MEMREF_INOUT;
		return true;
	default:
		return false;
	}
}

static void shm_release(struct tee_dev *dev, struct dev_shm *shm)
{
	if (shm->map)
		dev->sys.munmap(shm->map, shm->len);
	if (shm->fd >= 0)
		dev->sys.close(shm->fd);
	shm->map = NULL;
	shm->fd = -1;
}

static void shm_release_all(struct tee_dev *dev, struct dev_shm shm[TEE_NUM_PARAMS])
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++)
		shm_release(dev, &shm[i]);
}

/* A driver buffer of `len` bytes, mapped here (the copy path). */
static int shm_alloc(struct tee_dev *dev, unsigned int idx, size_t len, struct dev_shm *shm,
		     int32_t *id)
{
	struct tee_ioctl_shm_alloc_data data;
	void *map;
	int fd, e;

	memset(&data, 0, sizeof(data));
	data.size = len;
	fd = dev->sys.ioctl(dev->fd, TEE_IOC_SHM_ALLOC, &data);
	if (fd < 0) {
		e = last_errno();
		return dev_fail(dev, e, "TEE_IOC_SHM_ALLOC (param %u, %zu bytes): %s", idx, len,
				strerror(e));
	}
	/* A smaller object than asked for would let the mapping or the TA run past it. */
	if (data.size < len) {
		dev->sys.close(fd);
		return dev_fail(dev, EPROTO,
				"TEE_IOC_SHM_ALLOC (param %u): driver gave %llu bytes for %zu", idx,
				(unsigned long long)data.size, len);
	}
	map = dev->sys.mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		e = last_errno();
		dev->sys.close(fd);
		return dev_fail(dev, e, "mmap of shared memory (param %u, %zu bytes): %s", idx, len,
				strerror(e));
	}
	shm->fd = fd;
	shm->map = map;
	shm->len = len;
	*id = data.id;
	return 0;
}

/* Share the caller's own buffer (no copy). Records no message: the caller falls back. */
static int shm_register(struct tee_dev *dev, void *buf, size_t len, struct dev_shm *shm,
			int32_t *id, int *reg_errno)
{
	struct tee_ioctl_shm_register_data data;
	int fd;

	memset(&data, 0, sizeof(data));
	data.addr = (uintptr_t)buf;
	data.length = len;
	fd = dev->sys.ioctl(dev->fd, TEE_IOC_SHM_REGISTER, &data);
	if (fd < 0) {
		*reg_errno = last_errno();
		return -*reg_errno;
	}
	shm->fd = fd;
	shm->map = NULL;
	shm->len = 0;
	*id = data.id;
	return 0;
}

/* Share one MEMREF parameter: registered in place, or copied into a driver buffer. */
static int memref_in(struct tee_dev *dev, unsigned int idx, const struct tee_param *p,
		     struct tee_ioctl_param *ip, struct dev_shm *shm)
{
	void *buf = p->u.memref.buffer;
	size_t size = p->u.memref.size;
	int reg_errno = 0;
	int32_t id = 0;
	int ret;

	if (!buf && size)
		return dev_fail(dev, EINVAL, "param %u: NULL buffer of %zu bytes", idx, size);
	ip->a = 0; /* the whole object is the parameter: offset 0 */
	ip->b = size;
	if (!buf && (dev->gen_caps & TEE_GEN_CAP_MEMREF_NULL)) {
		ip->c = TEE_MEMREF_NULL;
		return 0;
	}
	/* Zero-sized objects cannot be registered: they take the copy path. */
	if (buf && size && (dev->gen_caps & TEE_GEN_CAP_REG_MEM) &&
	    !shm_register(dev, buf, size, shm, &id, &reg_errno)) {
		ip->c = (uint64_t)(uint32_t)id;
		return 0;
	}
	ret = shm_alloc(dev, idx, size ? size : 1, shm, &id);
	if (ret) {
		if (reg_errno)
			rpt_error_prefix(&dev->err, "TEE_IOC_SHM_REGISTER (param %u): %s; then ",
					 idx, strerror(reg_errno));
		return ret;
	}
	if (p->type != TEE_PARAM_TYPE_MEMREF_OUTPUT && size)
		memcpy(shm->map, buf, size);
	ip->c = (uint64_t)(uint32_t)id;
	return 0;
}

/* Caller's parameters -> driver parameters, sharing memory as needed. All or nothing. */
static int params_in(struct tee_dev *dev, const struct tee_param *params, struct dev_call *call)
{
	unsigned int i;
	int ret;

	for (i = 0; i < TEE_NUM_PARAMS; i++)
		call->shm[i].fd = -1;
	if (!params)
		return 0; /* no parameters: all NONE, already zeroed */
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_param *p = &params[i];
		struct tee_ioctl_param *ip = &call->ip[i];

		if (!param_attr(p->type, &ip->attr)) {
			ret = dev_fail(dev, EINVAL, "param %u: unknown type %u", i, p->type);
			goto err;
		}
		if (tee_param_is_value(p->type) && p->type != TEE_PARAM_TYPE_VALUE_OUTPUT) {
			ip->a = p->u.value.a;
			ip->b = p->u.value.b;
		} else if (tee_param_is_memref(p->type)) {
			ret = memref_in(dev, i, p, ip, &call->shm[i]);
			if (ret)
				goto err;
		}
	}
	return 0;
err:
	shm_release_all(dev, call->shm);
	return ret;
}

/* Is what the driver says about output parameter i believable? */
static int check_out(struct tee_dev *dev, const struct tee_param *p, unsigned int i,
		     const struct tee_ioctl_param *ip, TEE_Result res)
{
	if (tee_param_is_value(p->type) && res == TEE_SUCCESS) {
		if (ip->a > UINT32_MAX || ip->b > UINT32_MAX)
			return dev_fail(
				dev, EPROTO,
				"param %u: value 0x%llx/0x%llx from the driver is wider than 32 bits",
				i, (unsigned long long)ip->a, (unsigned long long)ip->b);
	} else if (tee_param_is_memref(p->type)) {
		if (res == TEE_SUCCESS && ip->b > p->u.memref.size)
			return dev_fail(
				dev, EPROTO,
				"param %u: driver reports %llu bytes written into a %zu-byte buffer",
				i, (unsigned long long)ip->b, p->u.memref.size);
		if (ip->b > SIZE_MAX)
			return dev_fail(dev, EPROTO, "param %u: size %llu from the driver", i,
					(unsigned long long)ip->b);
	}
	return 0;
}

/* tee_fetch_bytes_fn: copy path bytes from the driver's buffer; registered memory is already in place. */
static int fetch_shm(void *priv, unsigned int i, void *dst, size_t len)
{
	const struct dev_call *call = priv;

	if (call->shm[i].map)
		memcpy(dst, call->shm[i].map, len);
	return 0;
}

/*
 * Driver parameters -> caller's parameters, by the one output rule
 * (tee_params_out). Every output is checked before any is written, so a bad
 * reply changes nothing.
 */
static int params_out(struct tee_dev *dev, struct tee_param *params, struct dev_call *call,
		      TEE_Result res)
{
	struct tee_param_reply reply[TEE_NUM_PARAMS];
	unsigned int i;
	int ret;

	if (!params || (res != TEE_SUCCESS && res != TEE_ERROR_SHORT_BUFFER))
		return 0;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		if (!tee_param_is_output(params[i].type))
			continue;
		ret = check_out(dev, &params[i], i, &call->ip[i], res);
		if (ret)
			return ret;
	}
	/* check_out: values fit 32 bits, sizes fit size_t (and the buffer on success). */
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		reply[i].a = (uint32_t)call->ip[i].a;
		reply[i].b = (uint32_t)call->ip[i].b;
		reply[i].size = (size_t)call->ip[i].b;
	}
	return tee_params_out(params, res, reply, fetch_shm, call);
}

/* The origin the driver reports, if it is one GlobalPlatform knows. */
static uint32_t checked_origin(uint32_t origin)
{
	if (origin >= TEE_ORIGIN_API && origin <= TEE_ORIGIN_TRUSTED_APP)
		return origin;
	return TEE_ORIGIN_COMMS;
}

/*
 * Parameters in, the ioctl, parameters out, shared memory released. Returns
 * the result for the caller; *ta_res is what the TEE answered (COMMUNICATION
 * if the request never got an answer), so that open session knows whether a
 * session exists that it must close again.
 */
/*
 * A failure of ours (the device, the parameters), not the TEE's answer: its
 * reason is our message. OP-TEE's own answers carry no text: reason stays "".
 */
static TEE_Result local_failure(struct tee_dev *dev, TEE_Result res, char *reason)
{
	if (dev->err.code)
		snprintf(reason, TEE_REASON_MAX, "%s", rpt_error_msg(&dev->err));
	return res;
}

static TEE_Result dev_round_trip(struct tee_dev *dev, struct dev_call *call,
				 struct tee_param *params, TEE_Result *ta_res, uint32_t *origin,
				 char *reason)
{
	struct tee_ioctl_buf_data data;
	TEE_Result res;
	int e;

	*ta_res = TEE_ERROR_COMMUNICATION;
	*origin = TEE_ORIGIN_API;
	e = params_in(dev, params, call);
	if (e)
		return local_failure(dev, errno_to_tee(e), reason);
	memset(&data, 0, sizeof(data));
	data.buf_ptr = (uintptr_t)call->buf;
	data.buf_len = call->len;
	if (dev->sys.ioctl(dev->fd, call->request, &data) < 0) {
		e = last_errno();
		shm_release_all(dev, call->shm);
		*origin = TEE_ORIGIN_COMMS;
		dev_fail(dev, e, "%s: %s", call->request_name, strerror(e));
		return local_failure(dev, errno_to_tee(e), reason);
	}
	*ta_res = *call->ret;
	*origin = checked_origin(*call->ret_origin);
	e = params_out(dev, params, call, *ta_res);
	shm_release_all(dev, call->shm);
	if (e) {
		*origin = TEE_ORIGIN_COMMS;
		rpt_error_prefix(&dev->err, "%s: ", call->what);
		return local_failure(dev, TEE_ERROR_COMMUNICATION, reason);
	}
	res = *ta_res;
	if (res != TEE_SUCCESS)
		dev_fail(dev, EIO, "%s: %s (0x%08x) from %s", call->what, tee_result_name(res), res,
			 origin_name(*origin));
	return res;
}

static TEE_Result dev_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				   struct tee_param params[TEE_NUM_PARAMS], void **handle,
				   uint32_t *origin, char *reason)
{
	struct tee_dev *dev = ctx->priv;
	struct tee_ioctl_close_session_arg close_arg;
	struct tee_dev_session *sess;
	union dev_open_buf buf;
	struct dev_call call;
	TEE_Result res, ta_res;
	uint32_t unused;

	if (!origin)
		origin = &unused; /* the caller does not want it */
	rpt_error_clear(&dev->err);
	*origin = TEE_ORIGIN_API;
	/* Allocated first: once the TA has a session, nothing may fail before we own it. */
	sess = calloc(1, sizeof(*sess));
	if (!sess) {
		dev_fail(dev, ENOMEM, "open session: out of memory");
		return TEE_ERROR_OUT_OF_MEMORY;
	}
	memset(&buf, 0, sizeof(buf));
	uuid_to_bytes(uuid, buf.arg.uuid);
	buf.arg.clnt_login = TEE_IOCTL_LOGIN_PUBLIC;
	buf.arg.num_params = TEE_NUM_PARAMS;
	memset(&call, 0, sizeof(call));
	snprintf(call.what, sizeof(call.what), "open session");
	call.request = TEE_IOC_OPEN_SESSION;
	call.request_name = "TEE_IOC_OPEN_SESSION";
	call.buf = &buf;
	call.len = sizeof(buf);
	call.ip = buf.arg.params;
	call.ret = &buf.arg.ret;
	call.ret_origin = &buf.arg.ret_origin;
	res = dev_round_trip(dev, &call, params, &ta_res, origin, reason);
	if (res != TEE_SUCCESS) {
		/* The TA accepted but its reply was unusable: do not leave its session open. */
		if (ta_res == TEE_SUCCESS) {
			close_arg.session = buf.arg.session;
			dev->sys.ioctl(dev->fd, TEE_IOC_CLOSE_SESSION, &close_arg);
		}
		free(sess);
		return res;
	}
	sess->id = buf.arg.session;
	*handle = sess;
	return TEE_SUCCESS;
}

static void dev_close_session(struct tee_context *ctx, void *handle)
{
	struct tee_dev *dev = ctx->priv;
	struct tee_dev_session *sess = handle;
	struct tee_ioctl_close_session_arg arg;
	int e;

	rpt_error_clear(&dev->err);
	if (!sess)
		return;
	memset(&arg, 0, sizeof(arg));
	arg.session = sess->id;
	if (dev->sys.ioctl(dev->fd, TEE_IOC_CLOSE_SESSION, &arg) < 0) {
		e = last_errno();
		dev_fail(dev, e, "TEE_IOC_CLOSE_SESSION (session %u): %s", sess->id, strerror(e));
	}
	free(sess);
}

static TEE_Result dev_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			     struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			     char *reason)
{
	struct tee_dev *dev = ctx->priv;
	struct tee_dev_session *sess = handle;
	union dev_invoke_buf buf;
	struct dev_call call;
	TEE_Result ta_res;
	uint32_t unused;

	if (!origin)
		origin = &unused; /* the caller does not want it */
	rpt_error_clear(&dev->err);
	*origin = TEE_ORIGIN_API;
	if (!sess) {
		dev_fail(dev, EINVAL, "invoke command %u: no session", cmd);
		return TEE_ERROR_BAD_PARAMETERS;
	}
	memset(&buf, 0, sizeof(buf));
	buf.arg.func = cmd;
	buf.arg.session = sess->id;
	buf.arg.num_params = TEE_NUM_PARAMS;
	memset(&call, 0, sizeof(call));
	snprintf(call.what, sizeof(call.what), "invoke command %u", cmd);
	call.request = TEE_IOC_INVOKE;
	call.request_name = "TEE_IOC_INVOKE";
	call.buf = &buf;
	call.len = sizeof(buf);
	call.ip = buf.arg.params;
	call.ret = &buf.arg.ret;
	call.ret_origin = &buf.arg.ret_origin;
	return dev_round_trip(dev, &call, params, &ta_res, origin, reason);
}

static void dev_finalize(struct tee_context *ctx)
{
	struct tee_dev *dev = dev_of(ctx);

	if (!dev)
		return;
	dev->sys.close(dev->fd);
	free(dev->path);
	free(dev);
	ctx->priv = NULL;
}

static const struct tee_transport tee_dev_ops = {
	.name = "dev",
	/* OP-TEE's TA answers a code and nothing else: its reason is on OP-TEE's side. */
	.reason_where = "OP-TEE reports only the code: the reason is in the secure world's "
			"console (OP-TEE's log on its UART, or the kernel log if it forwards it)",
	.open_session = dev_open_session,
	.close_session = dev_close_session,
	.invoke = dev_invoke,
	.finalize = dev_finalize,
};

/* Is this OP-TEE, speaking GlobalPlatform, and not the supplicant's device? */
static int check_version(struct tee_dev *dev)
{
	struct tee_ioctl_version_data ver;
	int e;

	memset(&ver, 0, sizeof(ver));
	if (dev->sys.ioctl(dev->fd, TEE_IOC_VERSION, &ver) < 0) {
		e = last_errno();
		return rpt_error_set(&init_err, e, "%s: TEE_IOC_VERSION: %s", dev->path,
				     strerror(e));
	}
	if (ver.impl_id != TEE_IMPL_ID_OPTEE)
		return rpt_error_set(&init_err, ENODEV, "%s: not an OP-TEE device (impl_id %u)",
				     dev->path, ver.impl_id);
	if (!(ver.gen_caps & TEE_GEN_CAP_GP))
		return rpt_error_set(&init_err, EOPNOTSUPP,
				     "%s: OP-TEE without GlobalPlatform sessions (gen_caps 0x%x)",
				     dev->path, ver.gen_caps);
	/* Sessions opened there would be mixed into tee-supplicant's request queue. */
	if (ver.gen_caps & TEE_GEN_CAP_PRIVILEGED)
		return rpt_error_set(&init_err, EINVAL,
				     "%s: the supplicant's privileged device (use /dev/tee0)",
				     dev->path);
	dev->gen_caps = ver.gen_caps;
	return 0;
}

int tee_dev_init(struct tee_context *ctx, const char *path, const struct tee_dev_sys *sys)
{
	struct tee_dev *dev;
	int ret, e;

	rpt_error_clear(&init_err);
	if (!ctx || !path)
		return rpt_error_set(&init_err, EINVAL, "tee_dev_init: no context or device path");
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return rpt_error_set(&init_err, ENOMEM, "%s: out of memory", path);
	dev->path = strdup(path);
	if (!dev->path) {
		ret = rpt_error_set(&init_err, ENOMEM, "%s: out of memory", path);
		goto err_free_dev;
	}
	fill_sys(&dev->sys, sys);
	dev->fd = dev->sys.open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		e = last_errno();
		ret = rpt_error_set(&init_err, e, "%s: %s", path, strerror(e));
		goto err_free_path;
	}
	ret = check_version(dev);
	if (ret)
		goto err_close;
	ctx->ops = &tee_dev_ops;
	ctx->priv = dev;
	return 0;

err_close:
	dev->sys.close(dev->fd);
err_free_path:
	free(dev->path);
err_free_dev:
	free(dev);
	return ret;
}

const char *tee_dev_last_error(const struct tee_context *ctx)
{
	struct tee_dev *dev = dev_of(ctx);

	return rpt_error_msg(dev ? &dev->err : &init_err);
}

unsigned int tee_dev_gen_caps(const struct tee_context *ctx)
{
	struct tee_dev *dev = dev_of(ctx);

	return dev ? dev->gen_caps : 0;
}
