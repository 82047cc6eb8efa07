/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure world as a server (DESIGN section 3, "secure-world daemon"): the
 * remoteproc TA and every coprocessor memory live in this process; normal-world
 * clients reach the TA over a Unix SOCK_SEQPACKET socket speaking the protocol
 * of wire/tee_wire.h, and see only the memories the board shares with them,
 * as memfds.
 *
 * One thread serves every client with a poll loop: TA commands are serialised
 * by the TA's lock anyway, and one thread makes stopping and cleaning up
 * simple. No client can stall it: sockets are non-blocking, and a client that
 * sends garbage, breaks the protocol or does not read its replies is
 * disconnected (its sessions closed) while the others are served on.
 *
 * Only peers of one uid (SO_PEERCRED) are served; others get one refusal
 * message and are disconnected.
 *
 * Registered shared memory (REGISTER_SHM): a client's memfd is checked and
 * mapped once and stays mapped until UNREGISTER_SHM or the client goes, at
 * most TEED_MAX_SHMS of them and TEED_SHM_BYTES_MAX bytes per connection;
 * memrefs name it by id, with no descriptor or mapping per call (why a
 * writable shared input is safe for LOAD_FW: teed_ops.c).
 *
 * The hardware channel (tee_wire.h): the server also relays processor 1's
 * accesses to the coprocessors' IPCC, a debug crash injection, and pushes
 * the hardware's events (a crash, processor 1's IPCC lines) to the
 * connections that subscribed to an rproc. Events come from any thread
 * (teed_post_event, e.g. an emulated core's) into a bounded inbox that the
 * server thread drains; each client has a bounded queue of its own, written
 * without blocking. A client that lets its queue overflow is disconnected,
 * with a log line saying so, and nobody else waits for it.
 */
#ifndef RPT_SECURE_TEED_H
#define RPT_SECURE_TEED_H

#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "wire/tee_wire.h"
#include "secure/ta/rproc_ta.h"

/* Connections served at once when the configuration says 0. */
#define TEED_DEFAULT_CLIENTS 16
/* Sessions one connection may hold open. */
#define TEED_MAX_SESSIONS 8
/*
 * Shared memories one connection may have registered at once, and the bytes
 * they may map in all: a client cannot exhaust the server's address space.
 */
#define TEED_MAX_SHMS	   16
#define TEED_SHM_BYTES_MAX ((uint64_t)1 << 30)
/* Events queued for one client before it counts as not reading them (it is disconnected). */
#define TEED_CLIENT_EVENTS 64
/*
 * Events waiting for the server thread. Doorbells coalesce (one pending per
 * rproc and vq, as an interrupt line), a core crashes once per run and
 * acknowledges once per request: far fewer than this can be pending at once.
 */
#define TEED_INBOX_EVENTS 512

/*
 * The coprocessor hardware the server drives for its clients (the emulated
 * cores in rproc-teed). Called on the server thread; each returns 0 or a
 * negative errno: -ENOENT no such rproc, -RPT_ESTATE the core is not running,
 * -EINVAL a bad argument, -EOPNOTSUPP no hardware behind this rproc. A NULL
 * member answers NOT_SUPPORTED.
 */
struct teed_hw_ops {
	/* Debug: make the core fail as a fault of this type would (the crash comes as an event). */
	int (*inject_crash)(void *priv, uint32_t rproc_id, uint32_t type);
	/*
	 * Optional: true (and the crash type) if the core is stopped by a crash
	 * right now. A client subscribing to such a core gets that crash as an
	 * event: a daemon restarted after the crash could not have seen it, and
	 * would otherwise attach to a core that does not run.
	 */
	bool (*crashed)(void *priv, uint32_t rproc_id, uint32_t *type);
	/*
	 * Optional: processor 1's access to the rproc's IPCC register at reg
	 * (decode made it 4-byte aligned and below TEE_WIRE_IPCC_SIZE):
	 * -EOPNOTSUPP when the core has no IPCC (or there is no core).
	 */
	int (*ipcc_read)(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t *value);
	int (*ipcc_write)(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t value);
};

/* How to serve. */
struct teed_config {
	const char *socket_path;  /* where to listen; NULL: the default, dir created */
	uid_t allowed_uid;	  /* the only peer uid served */
	unsigned int max_clients; /* connections served at once; 0: TEED_DEFAULT_CLIENTS */
	/* Where the server's messages go (one line, no newline); NULL: stderr. */
	void (*log)(void *log_priv, const char *msg);
	void *log_priv;
	const struct teed_hw_ops *hw; /* the coprocessors' mailbox; NULL: none */
	void *hw_priv;		      /* passed to every hw op */
	/*
	 * Test hook, NULL in production: called on the server thread before an
	 * INVOKE reaches the TA (rproc-teed's --test-stall uses it to hold a
	 * command open while a fault test kills the daemon).
	 */
	void (*test_hook_before_invoke)(void *test_hook_priv, uint32_t cmd);
	void *test_hook_priv;
};

struct teed;

/*
 * Listen on the configured socket (mode 0600) for the TA `ta` (not owned;
 * it and its platform must outlive the server). A stale socket file left by
 * a dead server is replaced; a live server's socket or a file that is not a
 * socket is an error.
 */
struct teed *teed_create(struct rproc_ta *ta, const struct teed_config *cfg, struct rpt_error *err);

/* Serve until teed_stop(). 0 when stopped, negative errno if serving failed. */
int teed_run(struct teed *d, struct rpt_error *err);

/* Make teed_run() return soon. Async-signal-safe: may be called from a signal handler. */
void teed_stop(struct teed *d);

/* Disconnect every client (closing its sessions), remove the socket file, free. NULL is fine. */
void teed_destroy(struct teed *d);

/* The path the server listens on. */
const char *teed_socket_path(const struct teed *d);

/*
 * Something the hardware of rproc_id did, for the clients subscribed to it
 * (why: a crash's reason, NULL otherwise; cut to TEE_WIRE_WHY_MAX - 1 bytes).
 * Any thread but a signal handler; never blocks on a client. An event that is
 * not well-formed (unknown kind, vq or type out of range) is logged and
 * dropped. Must not race teed_destroy(): stop posting first.
 */
void teed_post_event(struct teed *d, uint32_t rproc_id, enum tee_wire_event_kind kind, uint32_t arg,
		     const char *why);

#endif
