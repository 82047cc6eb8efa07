// SPDX-License-Identifier: BSD-2-Clause
/*
 * The fake TEE device. Arguments are decoded at the raw byte offsets of the
 * kernel ABI (include/uapi/linux/tee.h on a 64-bit or 32-bit kernel: the
 * structures are made of __u64/__u32 only, so the offsets are the same), and
 * each rule the real driver enforces (exact buf_len, num_params, zero flags,
 * a memref inside a live shared-memory object) is checked. The TA behind it
 * answers like OP-TEE's remoteproc TA for rproc id 0.
 */
#include "fake_tee.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/safe_math.h"
#include "common/tee_defs.h"

struct fake_tee fake;

/* One decoded struct tee_ioctl_param. */
struct fake_param {
	uint64_t attr; /* offset 0 */
	uint64_t a;    /* offset 8 */
	uint64_t b;    /* offset 16 */
	uint64_t c;    /* offset 24 */
};

#define ATTR_NONE	   0u
#define ATTR_VALUE_IN	   1u
#define ATTR_VALUE_OUT	   2u
#define ATTR_VALUE_INOUT   3u
#define ATTR_MEMREF_IN	   5u
#define ATTR_MEMREF_OUT	   6u
#define ATTR_MEMREF_INOUT  7u
#define FAKE_MEMREF_NULL   UINT64_MAX
#define FAKE_CAP_GP	   1u
#define FAKE_CAP_MEMREF_NL 8u
#define FAKE_MAX_SESSIONS  8u
#define FAKE_IMAGE_MAGIC   0x3543A468u

static bool session_open[FAKE_MAX_SESSIONS];

static const uint8_t rproc_uuid[16] = {0x80, 0xa4, 0xc2, 0x75, 0x0a, 0x47, 0x49, 0x05,
				       0x82, 0x85, 0x14, 0x86, 0xa9, 0x77, 0x1a, 0x08};

static int violate(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int violate(const char *fmt, ...)
{
	va_list ap;

	if (!fake.violation[0]) {
		va_start(ap, fmt);
		vsnprintf(fake.violation, sizeof(fake.violation), fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	uint64_t v;

	memcpy(&v, p + off, sizeof(v));
	return v;
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, sizeof(v));
}

void fake_tee_reset(uint32_t gen_caps)
{
	fake_tee_cleanup();
	memset(&fake, 0, sizeof(fake));
	memset(session_open, 0, sizeof(session_open));
	fake.impl_id = 1; /* TEE_IMPL_ID_OPTEE */
	fake.gen_caps = gen_caps;
	fake.next_id = 7;
	fake.next_session = FAKE_SESSION0;
	fake.rsc_pa = 0x10000000;
	fake.rsc_size = 0xc8;
}

void fake_tee_cleanup(void)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SHM; i++)
		if (fake.shm[i].used && !fake.shm[i].registered)
			free(fake.shm[i].mem);
	memset(fake.shm, 0, sizeof(fake.shm));
	free(fake.image);
	fake.image = NULL;
	fake.image_len = 0;
}

unsigned int fake_tee_live_shm(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < FAKE_MAX_SHM; i++)
		n += fake.shm[i].used;
	return n;
}

static struct fake_shm *shm_by_fd(int fd)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SHM; i++)
		if (fake.shm[i].used && fake.shm[i].fd_open && fake.shm[i].fd == fd)
			return &fake.shm[i];
	return NULL;
}

static struct fake_shm *shm_by_id(uint64_t id)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SHM; i++)
		if (fake.shm[i].used && fake.shm[i].fd_open && (uint64_t)fake.shm[i].id == id)
			return &fake.shm[i];
	return NULL;
}

static struct fake_shm *shm_new(void)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SHM; i++) {
		if (!fake.shm[i].used) {
			memset(&fake.shm[i], 0, sizeof(fake.shm[i]));
			fake.shm[i].used = true;
			fake.shm[i].fd_open = true;
			fake.shm[i].fd = 100 + (int)i;
			fake.shm[i].id = fake.next_id++;
			return &fake.shm[i];
		}
	}
	return NULL;
}

/* The kernel frees an object once its fd is closed and it is unmapped. */
static void shm_maybe_free(struct fake_shm *s)
{
	if (s->fd_open || s->mapped)
		return;
	if (!s->registered)
		free(s->mem);
	memset(s, 0, sizeof(*s));
}

static int fake_open(const char *path, int flags)
{
	(void)path;
	if (fake.open_errno) {
		errno = fake.open_errno;
		return -1;
	}
	if ((flags & O_ACCMODE) != O_RDWR)
		return violate("open flags 0x%x: the driver needs O_RDWR", flags);
	if (fake.dev_open)
		return violate("device opened twice");
	fake.dev_open = true;
	return FAKE_DEV_FD;
}

static int fake_close(int fd)
{
	struct fake_shm *s;

	if (fd == FAKE_DEV_FD && fake.dev_open) {
		fake.dev_open = false;
		return 0;
	}
	s = shm_by_fd(fd);
	if (!s)
		return violate("close of unknown fd %d", fd);
	s->fd_open = false;
	shm_maybe_free(s);
	return 0;
}

static void *fake_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	struct fake_shm *s = shm_by_fd(fd);

	if (fake.mmap_errno) {
		errno = fake.mmap_errno;
		return MAP_FAILED;
	}
	if (!s || s->registered || s->mapped) {
		violate("mmap of fd %d: not an allocated, unmapped shm object", fd);
		return MAP_FAILED;
	}
	if (addr || prot != (PROT_READ | PROT_WRITE) || flags != MAP_SHARED || off != 0 || !len ||
	    len > s->size) {
		violate("mmap(%p, %zu, 0x%x, 0x%x, %d, %lld) of a %zu-byte object", addr, len, prot,
			flags, fd, (long long)off, s->size);
		return MAP_FAILED;
	}
	s->mapped = true;
	return s->mem;
}

static int fake_munmap(void *addr, size_t len)
{
	unsigned int i;

	for (i = 0; i < FAKE_MAX_SHM; i++) {
		struct fake_shm *s = &fake.shm[i];

		if (s->used && s->mapped && s->mem == addr) {
			if (!len || len > s->size)
				return violate("munmap of %zu bytes of a %zu-byte object", len,
					       s->size);
			s->mapped = false;
			shm_maybe_free(s);
			return 0;
		}
	}
	return violate("munmap(%p): not mapped", addr);
}

static int ioc_version(uint8_t *p)
{
	wr32(p, 0, fake.impl_id);
	wr32(p, 4, 1); /* TEE_OPTEE_CAP_TZ */
	wr32(p, 8, fake.gen_caps);
	return 0;
}

static int ioc_shm_alloc(uint8_t *p)
{
	uint64_t size = rd64(p, 0);
	struct fake_shm *s;

	if (rd32(p, 8))
		return violate("SHM_ALLOC flags 0x%x, must be 0", rd32(p, 8));
	if (!size || size > (64u << 20))
		return violate("SHM_ALLOC of %llu bytes", (unsigned long long)size);
	s = shm_new();
	if (!s)
		return violate("too many shm objects alive (leak?)");
	s->mem = malloc(size);
	if (!s->mem) {
		s->used = false;
		errno = ENOMEM;
		return -1;
	}
	/* Driver memory is not zeroed: stale bytes show a missing copy. */
	memset(s->mem, 0xa5, size);
	s->size = size;
	wr64(p, 0, fake.alloc_short ? size - 1 : size);
	wr32(p, 12, (uint32_t)s->id);
	fake.allocs++;
	return s->fd;
}

static int ioc_shm_register(uint8_t *p)
{
	uint64_t addr = rd64(p, 0), len = rd64(p, 8);
	struct fake_shm *s;

	if (rd32(p, 16))
		return violate("SHM_REGISTER flags 0x%x, must be 0", rd32(p, 16));
	if (!addr || !len)
		return violate("SHM_REGISTER addr 0x%llx length %llu", (unsigned long long)addr,
			       (unsigned long long)len);
	s = shm_new();
	if (!s)
		return violate("too many shm objects alive (leak?)");
	s->registered = true;
	s->mem = (uint8_t *)(uintptr_t)addr;
	s->size = len;
	wr32(p, 20, (uint32_t)s->id);
	fake.registers++;
	fake.last_reg_addr = (uintptr_t)addr;
	return s->fd;
}

/* struct tee_ioctl_buf_data -> the argument it points to, checked like the driver does. */
static uint8_t *buf_arg(void *arg, size_t fixed, const char *what)
{
	const uint8_t *bd = arg;
	uint64_t ptr = rd64(bd, 0), len = rd64(bd, 8);
	uint8_t *p;

	if (!ptr || ptr % 8) {
		violate("%s: buf_ptr 0x%llx", what, (unsigned long long)ptr);
		return NULL;
	}
	if (len != fixed + 4 * FAKE_PARAM_LEN) {
		violate("%s: buf_len %llu, expected %zu for 4 params", what,
			(unsigned long long)len, fixed + 4 * FAKE_PARAM_LEN);
		return NULL;
	}
	p = (uint8_t *)(uintptr_t)ptr;
	if (rd32(p, fixed - 4) != 4) {
		violate("%s: num_params %u", what, rd32(p, fixed - 4));
		return NULL;
	}
	return p;
}

static int check_memref(unsigned int i, const struct fake_param *fp)
{
	struct fake_shm *s;

	if (fp->c == FAKE_MEMREF_NULL) {
		if (!(fake.gen_caps & FAKE_CAP_MEMREF_NL))
			return violate("param %u: NULL memref without TEE_GEN_CAP_MEMREF_NULL", i);
		if (fp->a || fp->b)
			return violate("param %u: NULL memref with offset/size", i);
		return 0;
	}
	s = shm_by_id(fp->c);
	if (!s)
		return violate("param %u: shm id %llu not alive", i, (unsigned long long)fp->c);
	if (fp->a)
		return violate("param %u: offset %llu, the transport shares whole objects", i,
			       (unsigned long long)fp->a);
	if (!range_inside(fp->a, fp->b, s->size))
		return violate("param %u: [%llu, +%llu) outside a %zu-byte object", i,
			       (unsigned long long)fp->a, (unsigned long long)fp->b, s->size);
	return 0;
}

/* Decode and check the 4 parameters after the fixed part; fill the GP type word. */
static int read_params(const uint8_t *p, size_t fixed, struct fake_param fp[4], uint32_t *types)
{
	unsigned int i;

	*types = 0;
	for (i = 0; i < 4; i++) {
		const uint8_t *q = p + fixed + i * FAKE_PARAM_LEN;

		fp[i].attr = rd64(q, 0);
		fp[i].a = rd64(q, 8);
		fp[i].b = rd64(q, 16);
		fp[i].c = rd64(q, 24);
		fake.last_memref_c[i] = fp[i].c;
		switch (fp[i].attr) {
		case ATTR_NONE:
		case ATTR_VALUE_OUT:
			if (fp[i].a || fp[i].b || fp[i].c)
				return violate("param %u (attr %llu): stale a/b/c", i,
					       (unsigned long long)fp[i].attr);
			break;
		case ATTR_VALUE_IN:
		case ATTR_VALUE_INOUT:
			if (fp[i].c)
				return violate("param %u: value c 0x%llx", i,
					       (unsigned long long)fp[i].c);
			break;
		case ATTR_MEMREF_IN:
		case ATTR_MEMREF_OUT:
		case ATTR_MEMREF_INOUT:
			if (check_memref(i, &fp[i]))
				return -1;
			break;
		default:
			return violate("param %u: attr 0x%llx", i, (unsigned long long)fp[i].attr);
		}
		*types |= (uint32_t)fp[i].attr << (4 * i);
	}
	return 0;
}

/* Write back what the driver copies to user space: outputs only. */
static void write_params(uint8_t *p, size_t fixed, const struct fake_param fp[4])
{
	unsigned int i;

	for (i = 0; i < 4; i++) {
		uint8_t *q = p + fixed + i * FAKE_PARAM_LEN;

		switch (fp[i].attr) {
		case ATTR_VALUE_OUT:
		case ATTR_VALUE_INOUT:
			wr64(q, 8, fp[i].a);
			wr64(q, 16, fp[i].b);
			wr64(q, 24, fp[i].c);
			break;
		case ATTR_MEMREF_OUT:
		case ATTR_MEMREF_INOUT:
			wr64(q, 16, fp[i].b);
			break;
		default:
			break;
		}
	}
}

#define T(a, b, c, d) TEE_PARAM_TYPES(ATTR_##a, ATTR_##b, ATTR_##c, ATTR_##d)

static uint32_t ta_load(struct fake_param fp[4])
{
	struct fake_shm *s = shm_by_id(fp[1].c);

	if (!s)
		return TEE_ERROR_BAD_PARAMETERS; /* NULL memref: no image */
	if (fake.state == FAKE_STARTED)
		return TEE_ERROR_BAD_STATE;
	free(fake.image);
	fake.image_len = 0;
	fake.image = malloc(fp[1].b ? fp[1].b : 1);
	if (!fake.image)
		return TEE_ERROR_OUT_OF_MEMORY;
	memcpy(fake.image, s->mem + fp[1].a, fp[1].b);
	fake.image_len = fp[1].b;
	if (fake.image_len < 4 || get_le32(fake.image) != FAKE_IMAGE_MAGIC)
		return TEE_ERROR_BAD_FORMAT;
	fake.state = FAKE_LOADED;
	return TEE_SUCCESS;
}

static uint32_t ta_coredump(struct fake_param fp[4])
{
	struct fake_shm *s;

	if (!fake.dump)
		return TEE_ERROR_NO_DATA;
	if (fp[1].c == FAKE_MEMREF_NULL || fp[1].b < fake.dump_len) {
		fp[1].b = fake.dump_len;
		return TEE_ERROR_SHORT_BUFFER;
	}
	s = shm_by_id(fp[1].c);
	memcpy(s->mem + fp[1].a, fake.dump, fake.dump_len);
	fp[1].b = fake.overlong_size ? fp[1].b + 16 : fake.dump_len;
	return TEE_SUCCESS;
}

static uint32_t ta_rsc(struct fake_param fp[4])
{
	fp[1].a = (uint32_t)fake.rsc_pa;
	fp[1].b = (uint32_t)(fake.rsc_pa >> 32);
	fp[2].a = (uint32_t)fake.rsc_size;
	fp[2].b = (uint32_t)(fake.rsc_size >> 32);
	if (fake.wide_value)
		fp[1].a |= 1ull << 32;
	return TEE_SUCCESS;
}

static uint32_t ta_echo(struct fake_param fp[4])
{
	struct fake_shm *s = shm_by_id(fp[2].c);
	uint64_t i;

	if (!s || fp[2].b < 8)
		return TEE_ERROR_BAD_PARAMETERS;
	fp[1].a++;
	fp[1].b++;
	for (i = 0; i < fp[2].b; i++)
		s->mem[fp[2].a + i] ^= 0xff;
	fp[2].b -= 8;
	return TEE_SUCCESS;
}

/* The state machine of DESIGN section 4 for the commands without data. */
static uint32_t ta_simple(uint32_t func)
{
	switch (func) {
	case TA_RPROC_CMD_START_FW:
		if (fake.state == FAKE_OFF)
			return TEE_ERROR_BAD_STATE;
		fake.state = FAKE_STARTED;
		return TEE_SUCCESS;
	case TA_RPROC_CMD_STOP_FW:
		if (fake.state == FAKE_LOADED)
			return TEE_ERROR_BAD_STATE;
		fake.state = FAKE_OFF;
		return TEE_SUCCESS;
	default: /* RELEASE_FW */
		if (fake.state == FAKE_STARTED)
			return TEE_ERROR_BAD_STATE;
		fake.state = FAKE_OFF;
		return TEE_SUCCESS;
	}
}

static uint32_t ta_invoke(uint32_t func, uint32_t types, struct fake_param fp[4])
{
	if (TEE_PARAM_TYPE_GET(types, 0) != ATTR_VALUE_IN || fp[0].a != 0)
		return TEE_ERROR_BAD_PARAMETERS;
	switch (func) {
	case TA_RPROC_CMD_LOAD_FW:
		if (types != T(VALUE_IN, MEMREF_IN, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_load(fp);
	case TA_RPROC_CMD_START_FW:
	case TA_RPROC_CMD_STOP_FW:
	case TA_RPROC_CMD_RELEASE_FW:
		if (types != T(VALUE_IN, NONE, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_simple(func);
	case TA_RPROC_CMD_GET_RSC_TABLE:
		if (types != T(VALUE_IN, VALUE_OUT, VALUE_OUT, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_rsc(fp);
	case TA_RPROC_CMD_GET_COREDUMP:
		if (types != T(VALUE_IN, MEMREF_OUT, NONE, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_coredump(fp);
	case FAKE_CMD_ECHO:
		if (types != T(VALUE_IN, VALUE_INOUT, MEMREF_INOUT, NONE))
			return TEE_ERROR_BAD_PARAMETERS;
		return ta_echo(fp);
	default:
		return TEE_ERROR_NOT_SUPPORTED;
	}
}

static int ioc_open_session(void *arg)
{
	uint8_t *p = buf_arg(arg, FAKE_OPEN_ARG_LEN, "OPEN_SESSION");
	static const uint8_t zero[16];
	struct fake_param fp[4];
	uint32_t types, ret, origin = 4; /* TEEC_ORIGIN_TRUSTED_APP */

	if (!p)
		return -1;
	if (memcmp(p + 16, zero, 16) || rd32(p, 32) != 0 || rd32(p, 36) != 0)
		return violate("OPEN_SESSION: clnt_uuid/clnt_login/cancel_id not public/0");
	if (read_params(p, FAKE_OPEN_ARG_LEN, fp, &types))
		return -1;
	if (memcmp(p, rproc_uuid, 16)) {
		ret = TEE_ERROR_ITEM_NOT_FOUND;
		origin = 3; /* TEEC_ORIGIN_TEE: no such TA */
	} else if (fake.wide_value && types == T(VALUE_IN, VALUE_OUT, NONE, NONE)) {
		ret = TEE_SUCCESS; /* and an output the client cannot take */
		fp[1].a = 1ull << 32;
	} else if (types != T(VALUE_IN, NONE, NONE, NONE) || fp[0].a != 0) {
		ret = TEE_ERROR_BAD_PARAMETERS;
	} else if (fake.next_session - FAKE_SESSION0 >= FAKE_MAX_SESSIONS) {
		ret = TEE_ERROR_OUT_OF_MEMORY;
	} else {
		ret = TEE_SUCCESS;
	}
	if (fake.reply_ret) {
		ret = fake.reply_ret;
		origin = fake.reply_origin;
	}
	if (ret == TEE_SUCCESS) {
		session_open[fake.next_session - FAKE_SESSION0] = true;
		wr32(p, 40, fake.next_session++);
		fake.sessions++;
	}
	wr32(p, 44, ret);
	wr32(p, 48, origin);
	write_params(p, FAKE_OPEN_ARG_LEN, fp);
	return 0;
}

static bool session_valid(uint32_t id)
{
	return id >= FAKE_SESSION0 && id - FAKE_SESSION0 < FAKE_MAX_SESSIONS &&
	       session_open[id - FAKE_SESSION0];
}

static int ioc_invoke(void *arg)
{
	uint8_t *p = buf_arg(arg, FAKE_INVOKE_ARG_LEN, "INVOKE");
	struct fake_param fp[4];
	uint32_t types, ret, origin = 4;

	if (!p)
		return -1;
	if (!session_valid(rd32(p, 4)))
		return violate("INVOKE: session %u not open", rd32(p, 4));
	if (rd32(p, 8))
		return violate("INVOKE: cancel_id %u", rd32(p, 8));
	if (read_params(p, FAKE_INVOKE_ARG_LEN, fp, &types))
		return -1;
	fake.last_func = rd32(p, 0);
	ret = ta_invoke(fake.last_func, types, fp);
	if (fake.reply_ret) {
		ret = fake.reply_ret;
		origin = fake.reply_origin;
	}
	wr32(p, 12, ret);
	wr32(p, 16, origin);
	write_params(p, FAKE_INVOKE_ARG_LEN, fp);
	return 0;
}

static int ioc_close_session(const uint8_t *p)
{
	uint32_t id = rd32(p, 0);

	if (!session_valid(id))
		return violate("CLOSE_SESSION: session %u not open", id);
	session_open[id - FAKE_SESSION0] = false;
	fake.sessions--;
	return 0;
}

static int fake_ioctl(int fd, unsigned long request, void *arg)
{
	if (fd != FAKE_DEV_FD || !fake.dev_open)
		return violate("ioctl on fd %d, not the open device", fd);
	fake.ioctls[request & 0xf]++;
	if (fake.fail_request == request) {
		errno = fake.fail_errno;
		return -1;
	}
	switch (request) {
	case FAKE_IOC_VERSION:
		return ioc_version(arg);
	case FAKE_IOC_SHM_ALLOC:
		return ioc_shm_alloc(arg);
	case FAKE_IOC_SHM_REGISTER:
		return ioc_shm_register(arg);
	case FAKE_IOC_OPEN_SESSION:
		return ioc_open_session(arg);
	case FAKE_IOC_INVOKE:
		return ioc_invoke(arg);
	case FAKE_IOC_CLOSE_SESSION:
		return ioc_close_session(arg);
	default:
		return violate("unknown ioctl 0x%lx", request);
	}
}

static const struct tee_dev_sys fake_sys = {
	.open = fake_open,
	.close = fake_close,
	.ioctl = fake_ioctl,
	.mmap = fake_mmap,
	.munmap = fake_munmap,
};

const struct tee_dev_sys *fake_tee_sys(void)
{
	return &fake_sys;
}
