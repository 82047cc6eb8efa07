/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secure world as a server (DESIGN section 3, "secure-world daemon"): the
 * remoteproc TA and every coprocessor memory live in this process; normal-world
 * clients reach the TA over a Unix SOCK_SEQPACKET socket speaking the protocol
 * of common/tee_wire.h, and see only the memories the board shares with them,
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
 */
#ifndef RPT_SECURE_TEED_H
#define RPT_SECURE_TEED_H

#include <sys/types.h>

#include "common/error.h"
#include "secure/ta/rproc_ta.h"

/* Connections served at once when the configuration says 0. */
#define TEED_DEFAULT_CLIENTS 16
/* Sessions one connection may hold open. */
#define TEED_MAX_SESSIONS 8

/* How to serve. */
struct teed_config {
	const char *socket_path;  /* where to listen; NULL: tee_wire_default_path() */
	uid_t allowed_uid;	  /* the only peer uid served */
	unsigned int max_clients; /* connections served at once; 0: TEED_DEFAULT_CLIENTS */
	/* Where the server's messages go (one line, no newline); NULL: stderr. */
	void (*log)(void *log_priv, const char *msg);
	void *log_priv;
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

#endif
