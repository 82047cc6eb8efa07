/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secure-world daemon transport: the TEE client API of tee_client.h carried
 * over rproc-teed's Unix socket (protocol in common/tee_wire.h).
 *
 * MEMREF parameters travel as memfds: for each call the caller's buffer is
 * copied into a fresh memfd (sealed against resizing, so the daemon can map
 * it safely), the memfd goes with the request, and output data is copied back
 * from it after the reply. No bulk data ever travels inside a message.
 *
 * Output rules (as the GlobalPlatform client API): on TEE_SUCCESS, VALUE
 * outputs, MEMREF output sizes and data are copied back; on
 * TEE_ERROR_SHORT_BUFFER only the MEMREF output sizes (the size needed) are;
 * on any other result the caller's parameters are left as they were.
 *
 * A broken connection (the daemon went away, or answered something that is
 * not a valid reply) makes this and every later call fail with
 * TEE_ERROR_COMMUNICATION, origin TEE_ORIGIN_COMMS. Calls on one context are
 * serialised (one request on the socket at a time); any thread may make them.
 */
#ifndef RPT_NORMAL_TEE_SOCKET_H
#define RPT_NORMAL_TEE_SOCKET_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/tee_wire.h"
#include "normal/tee_client/tee_client.h"

/*
 * Connect ctx to the daemon listening at path (NULL: the default path of
 * tee_wire_default_path()) and check that it serves us (protocol version,
 * our uid). On failure ctx is untouched, nothing stays open, err says why
 * ("rproc-teed at PATH refused this client: it serves another uid").
 */
int tee_socket_init(struct tee_context *ctx, const char *path, struct rpt_error *err);

/*
 * Why the last call on ctx failed ("rproc-teed at PATH: receive: Connection
 * reset by peer", "TEE_ERROR_SIGNATURE_INVALID from the trusted application"),
 * or "no error". Valid until the next call on ctx.
 */
const char *tee_socket_last_error(const struct tee_context *ctx);

/* One shared memory of a coprocessor, mapped into this process. */
struct tee_shm_region {
	char name[TEE_WIRE_NAME_MAX]; /* reserved-memory name ("mcuram2") */
	uint32_t da;		      /* device address (as the coprocessor sees it) */
	uint64_t pa;		      /* physical address (as the TA reports addresses) */
	uint32_t size;		      /* bytes */
	uint8_t *addr;		      /* our read-write mapping of the whole memory */
};

/* The shared memories of one coprocessor. */
struct tee_shm_set {
	struct tee_shm_region regions[TEE_WIRE_MAX_SHM]; /* mapped regions */
	unsigned int num;				 /* regions in use */
};

/*
 * Ask the daemon for the memories of rproc_id that the normal world may
 * touch (resource table, trace, vrings, buffers; never a secure-only one) and
 * map each one read-write, shared with the secure world and the coprocessor.
 * On failure nothing stays mapped or open.
 */
int tee_socket_map_shared(struct tee_context *ctx, uint32_t rproc_id, struct tee_shm_set *set,
			  struct rpt_error *err);

/* Unmap every region (the set is empty afterwards). Fine on an empty set. */
void tee_socket_unmap_shared(struct tee_shm_set *set);

/*
 * Host pointer of [pa, pa + size) if it lies wholly inside one mapped region,
 * else NULL. Shaped as a tee_rproc_shm_mapper's map (priv: the set).
 */
void *tee_socket_shm_map(void *set, uint64_t pa, size_t size);

#endif
