/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The normal world's only way into the secure world: a GlobalPlatform-shaped
 * TEE client API (context, session on a TA by UUID, invoke with 4 params).
 * Transports live behind it: in-process (the TA linked in), a secure-world
 * daemon over a Unix socket, or the Linux TEE device.
 */
#ifndef RPT_NORMAL_TEE_CLIENT_H
#define RPT_NORMAL_TEE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/tee_defs.h"
#include "common/tee_result.h"

struct tee_transport;
struct tee_shm;

/* A connection to one TEE. */
struct tee_context {
	const struct tee_transport *ops; /* the transport */
	void *priv;			 /* transport state */
};

/* An open session on a TA. */
struct tee_session {
	struct tee_context *ctx; /* its TEE */
	void *handle;		 /* transport's session handle */
};

/* A parameter as the client gives it (same meaning as the TA's TEE_Param). */
struct tee_param {
	uint32_t type; /* TEE_PARAM_TYPE_* */
	union {
		struct {
			void *buffer; /* client memory, shared for the call */
			size_t size;  /* in: its size; out: bytes written or needed */
		} memref;
		struct {
			uint32_t a;
			uint32_t b;
		} value;
	} u;
};

/*
 * The functions a transport provides. open_session and invoke get reason:
 * TEE_REASON_MAX bytes (common/tee_result.h), "" on entry, never NULL; on a
 * failure the transport writes there why, as the TEE or the transport itself
 * said it (the caller sanitises it again: a transport's peer is hostile).
 */
struct tee_transport {
	const char *name;
	/*
	 * Where the reason of a failure is when none came with the result, for
	 * the user's message ("see rproc-teed's log"); NULL: nowhere to point.
	 */
	const char *reason_where;
	TEE_Result (*open_session)(struct tee_context *ctx, const TEE_UUID *uuid,
				   struct tee_param params[TEE_NUM_PARAMS], void **handle,
				   uint32_t *origin, char *reason);
	void (*close_session)(struct tee_context *ctx, void *handle);
	TEE_Result (*invoke)(struct tee_context *ctx, void *handle, uint32_t cmd,
			     struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			     char *reason);
	void (*finalize)(struct tee_context *ctx);
	/*
	 * Optional: memory the TEE can reach without a copy (shm->size set;
	 * fill buffer and priv). NULL: tee_shm_alloc gives plain memory, which
	 * memrefs share as any other buffer.
	 */
	TEE_Result (*shm_alloc)(struct tee_context *ctx, struct tee_shm *shm);
	/* Give back what shm_alloc gave (no call may be using it). */
	void (*shm_free)(struct tee_context *ctx, struct tee_shm *shm);
};

/*
 * Memory shared with the TEE for many calls (GlobalPlatform's
 * TEEC_AllocateSharedMemory, OP-TEE's TEE_IOC_SHM_ALLOC / SHM_REGISTER): a
 * memref whose buffer lies inside it reaches the TEE without a copy where
 * the transport can (rproc-teed's socket: a memfd registered once per
 * connection), and like any other buffer where it cannot.
 */
struct tee_shm {
	struct tee_context *ctx; /* the TEE it is shared with */
	void *buffer;		 /* size bytes, zero-filled at first */
	size_t size;		 /* bytes */
	void *priv;		 /* the transport's handle; NULL: plain memory */
};

/* Where a failure came from (GlobalPlatform TEEC_ORIGIN_*). */
#define TEE_ORIGIN_API	       1
#define TEE_ORIGIN_COMMS       2
#define TEE_ORIGIN_TEE	       3
#define TEE_ORIGIN_TRUSTED_APP 4

TEE_Result tee_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
			    struct tee_param params[TEE_NUM_PARAMS], struct tee_session *sess,
			    uint32_t *origin);
void tee_close_session(struct tee_session *sess);
TEE_Result tee_invoke(struct tee_session *sess, uint32_t cmd,
		      struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin);
void tee_finalize(struct tee_context *ctx);

/*
 * tee_open_session() and tee_invoke() that also hand back why a call failed:
 * reason (TEE_REASON_MAX bytes of common/tee_result.h, or NULL) holds the
 * secure world's own text, printable ASCII and bounded, or "" when the TEE
 * gave the code alone (then tee_reason_where() says where to look). "" on
 * success.
 */
TEE_Result tee_open_session_reason(struct tee_context *ctx, const TEE_UUID *uuid,
				   struct tee_param params[TEE_NUM_PARAMS],
				   struct tee_session *sess, uint32_t *origin, char *reason);
TEE_Result tee_invoke_reason(struct tee_session *sess, uint32_t cmd,
			     struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			     char *reason);
/*
 * Where the reason of ctx's failures is when a result came without one
 * ("rproc-teed's log", "the secure world's console: OP-TEE reports only the
 * code"): never NULL.
 */
const char *tee_reason_where(const struct tee_context *ctx);

/*
 * size bytes (1 .. TEE_SHM_MAX) of shared memory for ctx in *shm. Free it
 * before finalizing ctx. TEE_ERROR_BAD_PARAMETERS for a bad size,
 * TEE_ERROR_OUT_OF_MEMORY when it cannot be had.
 */
TEE_Result tee_shm_alloc(struct tee_context *ctx, size_t size, struct tee_shm *shm);
/* Free it (no call may be using it). Fine on a zeroed or freed one. */
void tee_shm_free(struct tee_shm *shm);

/* Largest shared memory: the largest memref (the largest file the tools read whole). */
#define TEE_SHM_MAX ((size_t)256 << 20)

/*
 * In-process transport: the TA runs in this process (tests, simplest demo),
 * reached through its entry points (for the remoteproc TA: rproc_ta_entry,
 * with its struct rproc_ta as `ta`). Neither is owned. -EINVAL, -ENOMEM.
 */
int tee_inproc_init(struct tee_context *ctx, const struct tee_ta_entry *entry, void *ta);

/* ---- for transports ---- */

/* What the TEE answered in one parameter, as a transport received it. */
struct tee_param_reply {
	uint32_t a; /* value outputs: the TA's value.a */
	uint32_t b; /* value outputs: the TA's value.b */
	/* memref outputs: bytes written (SUCCESS, at most the caller's size: checked by the
	 * transport) or bytes needed (SHORT_BUFFER) */
	size_t size;
};

/*
 * Bring the bytes of memref output i (len > 0, at most the caller's buffer)
 * into dst, from wherever the transport shared them (a mapping, a memfd, a
 * bounce buffer). 0 or a negative errno.
 */
typedef int (*tee_fetch_bytes_fn)(void *priv, unsigned int i, void *dst, size_t len);

/*
 * The output rule of open_session and invoke, the same for every transport
 * (GlobalPlatform TEEC_InvokeCommand): on TEE_SUCCESS every output goes back
 * (values, memref bytes then size); on TEE_ERROR_SHORT_BUFFER only the memref
 * outputs' sizes (what the TA needs); on any other result nothing, so the
 * caller's parameters are as they were. Inputs are never written. Returns 0,
 * or the first error of fetch (outputs before it were written).
 */
int tee_params_out(struct tee_param params[TEE_NUM_PARAMS], TEE_Result res,
		   const struct tee_param_reply reply[TEE_NUM_PARAMS], tee_fetch_bytes_fn fetch,
		   void *fetch_priv);

#endif
