/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secure-world daemon transport: the TEE client API of tee_client.h carried
 * over rproc-teed's Unix socket (protocol in wire/tee_wire.h), and the
 * coprocessor memories the daemon shares. The daemon's hardware channel
 * (doorbells, events) is in tee_hwchan.h.
 *
 * MEMREF parameters: a buffer inside shared memory of tee_shm_alloc() (a
 * memfd mapped here) is named by its registration (REGISTER_SHM once per
 * connection, then an id and a range: no copy, no descriptor per call, output
 * written in place). Any other buffer is copied into a fresh memfd for the
 * call (sealed against resizing, so the daemon can map it safely), which goes
 * with the request, and output data is copied back from it after the reply.
 * No bulk data ever travels inside a message.
 *
 * Output rules (as the GlobalPlatform client API): on TEE_SUCCESS, VALUE
 * outputs, MEMREF output sizes and data are copied back; on
 * TEE_ERROR_SHORT_BUFFER only the MEMREF output sizes (the size needed) are;
 * on any other result the caller's parameters are left as they were.
 *
 * The daemon is another process and may die or misbehave. A broken exchange
 * (the daemon went away, or answered something that is not a valid reply:
 * truncated, oversized, garbage, the wrong request's answer) fails the call
 * in flight with TEE_ERROR_COMMUNICATION, origin TEE_ORIGIN_COMMS; that call
 * is never retried, since the daemon may have executed it. The next call
 * reconnects: it says HELLO again, re-maps in place every shared-memory set
 * mapped through this context (same addresses, the new daemon's memfds), and
 * re-opens a session on its first use with the parameters it was first opened
 * with (a new daemon's TA starts from OFF). While the daemon cannot be
 * reached every call fails with TEE_ERROR_COMMUNICATION, and
 * tee_socket_last_error() says why.
 *
 * Any thread may make calls. A context holds a small pool of connections
 * (one at first, up to TEE_SOCKET_MAX_CONNS): an exchange holds only its
 * connection, so a caller waiting on a slow reply (a large LOAD_FW, a slow
 * daemon, up to TEE_SOCKET_REPLY_TIMEOUT_S) does not hold up another session,
 * a doorbell or a GET_SHM, which use another connection. Calls of one session
 * go in order on the session's own connection.
 */
#ifndef RPT_NORMAL_TEE_SOCKET_H
#define RPT_NORMAL_TEE_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "wire/tee_wire.h"
#include "normal/tee_client/tee_client.h"

/* Sessions one context holds at once (the daemon allows TEED_MAX_SESSIONS per connection). */
#define TEE_SOCKET_MAX_SESSIONS 16
/* Shared-memory sets one context re-maps after a reconnect. */
#define TEE_SOCKET_MAX_SETS 16
/* A daemon that does not answer a request in this long is treated as gone. */
#define TEE_SOCKET_REPLY_TIMEOUT_S 90

/*
 * Connect ctx to the daemon listening at path (NULL: the default path of
 * tee_wire_default_path()) and check that it serves us (protocol version,
 * our uid). On failure ctx is untouched, nothing stays open, err says why
 * ("rproc-teed at PATH refused this client: it serves another uid").
 */
int tee_socket_init(struct tee_context *ctx, const char *path, struct rpt_error *err);
/*
 * Same, trusting a daemon that runs as server_uid (or root) instead of our own
 * uid (or root): the peer's credentials (SO_PEERCRED) are checked on every
 * connection before anything is sent; another uid gives -EACCES.
 */
int tee_socket_init_as(struct tee_context *ctx, const char *path, uid_t server_uid,
		       struct rpt_error *err);

/*
 * Why the last call on ctx failed (by any thread) ("rproc-teed at PATH: receive: Connection
 * reset by peer", "TEE_ERROR_SIGNATURE_INVALID from the trusted application"),
 * or "no error". Valid until the next call on ctx.
 */
const char *tee_socket_last_error(const struct tee_context *ctx);

/*
 * Reconnect now if the connection is known to be broken (the next call would
 * do it anyway). 0 if connected; -ENOENT or -ECONNREFUSED when no daemon
 * listens at the path any more; another negative errno otherwise.
 */
int tee_socket_reconnect(struct tee_context *ctx, struct rpt_error *err);

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
	struct tee_context *ctx; /* the context that re-maps it after a reconnect, or NULL */
	uint32_t rproc_id;	 /* whose memories */
};

/*
 * Ask the daemon for the memories of rproc_id that the normal world may
 * touch (resource table, trace, vrings, buffers; never a secure-only one) and
 * map each one read-write, shared with the secure world and the coprocessor.
 * The addresses stay valid across reconnects (the context re-maps the set in
 * place); unmap the set before finalizing ctx, or it simply stops following
 * reconnects. On failure nothing stays mapped or open.
 */
int tee_socket_map_shared(struct tee_context *ctx, uint32_t rproc_id, struct tee_shm_set *set,
			  struct rpt_error *err);

/* Unmap every region (the set is empty and detached afterwards). Fine on an empty set. */
void tee_socket_unmap_shared(struct tee_shm_set *set);

/*
 * Look up the host pointer of [pa, pa + size) (size 0 counts as 1 byte): NULL
 * unless it lies wholly inside one mapped region. Maps nothing. Shaped as a
 * tee_rproc_shm_mapper's map (priv: the set).
 */
void *tee_shm_set_lookup(void *set, uint64_t pa, size_t size);

#endif
