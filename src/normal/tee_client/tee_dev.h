/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Linux TEE device transport ("dev:/dev/tee0"): the TEE client API of
 * tee_client.h carried over the ioctl interface of <linux/tee.h>, so that the
 * same normal world drives OP-TEE's remoteproc TA on a real board.
 *
 * MEMREF parameters are shared for the duration of one call: the caller's
 * buffer is registered with TEE_IOC_SHM_REGISTER when the driver advertises
 * TEE_GEN_CAP_REG_MEM (falling back to the copy path if registration fails),
 * otherwise a driver buffer is allocated with TEE_IOC_SHM_ALLOC, mapped, and
 * the data copied in before and out after the call.
 *
 * Output rules (as the GlobalPlatform client API): on TEE_SUCCESS, VALUE
 * outputs, MEMREF output sizes and data are copied back; on
 * TEE_ERROR_SHORT_BUFFER only the MEMREF output sizes (the size needed) are;
 * on any other result the caller's parameters are left as they were.
 */
#ifndef RPT_NORMAL_TEE_DEV_H
#define RPT_NORMAL_TEE_DEV_H

#include <stddef.h>
#include <sys/types.h>

#include "normal/tee_client/tee_client.h"

/*
 * The system calls the transport makes, so that tests can put a fake device
 * behind it. A NULL table, or a NULL member, means the real call.
 */
struct tee_dev_sys {
	int (*open)(const char *path, int flags);		/* open(2) */
	int (*close)(int fd);					/* close(2) */
	int (*ioctl)(int fd, unsigned long request, void *arg); /* ioctl(2), one pointer arg */
	void *(*mmap)(void *addr, size_t len, int prot, int flags, int fd, off_t off); /* mmap(2) */
	int (*munmap)(void *addr, size_t len); /* munmap(2) */
};

/*
 * Open the TEE device at `path`, check that it is OP-TEE with GlobalPlatform
 * sessions (TEE_IOC_VERSION), and make `ctx` use it. Returns 0 or a negative
 * errno: -ENODEV for a TEE that is not OP-TEE, -EOPNOTSUPP when it lacks
 * TEE_GEN_CAP_GP, the errno of a failed open or ioctl otherwise. On failure
 * `ctx` is left untouched and nothing stays open; tee_dev_last_error(ctx)
 * then says why (the reason is kept per thread until the next init).
 */
int tee_dev_init(struct tee_context *ctx, const char *path, const struct tee_dev_sys *sys);

/*
 * Why the last operation on `ctx` failed ("TEE_IOC_OPEN_SESSION: Permission
 * denied", "invoke command 5: TEE_ERROR_SHORT_BUFFER from the trusted
 * application"), or "no error". For a context that is not a TEE device
 * context (a failed tee_dev_init), the calling thread's last init failure.
 * The text stays valid until the next call on `ctx`; a context shared between
 * threads must serialise its calls to get a meaningful answer.
 */
const char *tee_dev_last_error(const struct tee_context *ctx);

/* The TEE_GEN_CAP_* bits the driver advertised (0 if `ctx` is not a TEE device context). */
unsigned int tee_dev_gen_caps(const struct tee_context *ctx);

#endif
