/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Shared between the files of the rproc-teed socket transport; not part of
 * its API:
 *  - tee_socket_conn.c: connections (connect, HELLO, one exchange, reconnect)
 *    and the pool that lets unrelated callers use different connections;
 *  - tee_socket.c: the GlobalPlatform transport (sessions, invoke, memrefs,
 *    registered shared memory);
 *  - tee_socket_shm.c: the coprocessor memories (GET_SHM sets, re-mapped on
 *    reconnect, pa -> pointer lookup);
 *  - tee_hwchan.c: the hardware channel (mailbox requests and events).
 *
 * Locks, always taken in this order: a connection's lock (held across one
 * exchange, which may last TEE_SOCKET_REPLY_TIMEOUT_S), then sets_lock, then
 * lock (tables only, never held while waiting on the daemon; a connection's
 * lock is only ever try-locked under it).
 */
#ifndef RPT_NORMAL_TEE_SOCKET_INTERNAL_H
#define RPT_NORMAL_TEE_SOCKET_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "normal/tee_client/tee_socket.h"

#define SOCK_PATH_MAX sizeof(((struct sockaddr_un *)0)->sun_path)

/*
 * Connections one context opens at most. One is opened at first; another
 * only when a caller finds every open one busy with someone else's exchange.
 */
#define TEE_SOCKET_MAX_CONNS 4
/* Shared memories (tee_shm_alloc) one context holds at once. */
#define TEE_SOCKET_MAX_SHMS 16

/* One connection to the daemon. */
struct sock_conn {
	pthread_mutex_t lock; /* held across one exchange (and the reconnect before it) */
	int fd;		      /* the socket, -1 while there is none */
	uint32_t seq;	      /* number of the last request sent */
	bool broken;	      /* a failed exchange: the stream can no longer be trusted */
	unsigned long gen;    /* (re)connections so far: sessions opened on an older one are gone */
	unsigned int sessions; /* the caller's sessions living on it (under tee_socket.lock) */
	/* The daemon's id of shared memory i on this connection, 0 if not registered here. */
	uint32_t shm_ids[TEE_SOCKET_MAX_SHMS];
};

/*
 * A session as the caller knows it (handle = index + 1), and what it takes to
 * open it again on a new connection after the daemon came back.
 */
struct sock_session {
	bool used;				 /* slot in use */
	bool reopenable;			 /* opened with values only: can be re-opened */
	TEE_UUID uuid;				 /* the TA */
	struct tee_param params[TEE_NUM_PARAMS]; /* the parameters it was opened with */
	unsigned int conn;			 /* its connection (index in conns[]) */
	unsigned long gen;			 /* that connection's gen when it was opened */
	uint32_t remote;			 /* the daemon's handle on that connection */
};

/* A shared memory of tee_shm_alloc: a memfd mapped here, registered per connection. */
struct sock_shm {
	bool used;     /* slot in use */
	int fd;	       /* the memfd (sealed against shrinking and growing) */
	uint8_t *addr; /* our mapping of all of it */
	size_t size;   /* bytes */
};

/* The transport's state (ctx->priv). */
struct tee_socket {
	struct sock_conn conns[TEE_SOCKET_MAX_CONNS]; /* the pool; [0, num_conns) opened once */
	unsigned int num_conns;			      /* slots in use */
	unsigned int next_wait;			      /* slot to wait for when all are busy */
	pthread_mutex_t lock;	     /* guards the tables below and last_error; never waits */
	pthread_mutex_t sets_lock;   /* guards sets[]: mapping, unmapping, re-mapping them */
	struct rpt_error last_error; /* why the last call failed (tee_socket_last_error) */
	char path[SOCK_PATH_MAX];    /* where the daemon is */
	uid_t server_uid; /* the daemon's expected uid (RPT_UID_DEFAULT: ours), root always */
	struct sock_session sessions[TEE_SOCKET_MAX_SESSIONS]; /* the caller's sessions */
	struct sock_shm shms[TEE_SOCKET_MAX_SHMS];	       /* tee_shm_alloc's memories */
	struct tee_shm_set
		*sets[TEE_SOCKET_MAX_SETS]; /* mapped through us: re-mapped on reconnect */
	unsigned int num_sets;
};

extern const struct tee_transport tee_socket_transport;

/* ctx's socket state, NULL if ctx is not a socket context. */
struct tee_socket *tee_socket_of(const struct tee_context *ctx);

/* A greeted connection to the daemon at path: *fd, or nothing open and err set. */
int tee_socket_open_connection(const char *path, uid_t server_uid, int *fd, uint32_t *seq,
			       struct rpt_error *err);

/* Set up the pool (no connection yet) / close every connection. */
int tee_socket_conns_init(struct tee_socket *s, struct rpt_error *err);
void tee_socket_conns_exit(struct tee_socket *s);

/*
 * *out: a live connection for one exchange, locked: an idle one, a new one
 * when every open one is busy (up to TEE_SOCKET_MAX_CONNS), else the next to
 * become free. For a new session (for_session) an idle one that carries no
 * session yet, else a new one, comes first: each session gets a connection
 * of its own while the pool has room. A negative errno with err set if it
 * cannot connect.
 */
int tee_socket_conn_get(struct tee_socket *s, bool for_session, struct sock_conn **out,
			struct rpt_error *err);

/* Same for connection `index` (a session's own), waiting for it if busy. */
int tee_socket_conn_lock(struct tee_socket *s, unsigned int index, struct sock_conn **out,
			 struct rpt_error *err);

/* Release a connection of conn_get/conn_lock. */
void tee_socket_conn_put(struct sock_conn *c);

/*
 * Send req with fds on c (locked) and receive its reply (decoded, matched to
 * the request). Any failure marks the connection broken: after a lost or
 * garbled reply, the next packet could answer the wrong request.
 */
int tee_socket_exchange(struct tee_socket *s, struct sock_conn *c, struct tee_wire_msg *req,
			const int *fds, struct tee_wire_msg *reply, int reply_fds[TEE_WIRE_MAX_FDS],
			unsigned int *nreply_fds, struct rpt_error *err);

/*
 * A request without parameters or descriptors (hardware channel) on any
 * connection: 0 and the reply, or a negative errno with err set.
 */
int tee_socket_simple_request(struct tee_socket *s, struct tee_wire_msg *req,
			      struct tee_wire_msg *reply, struct rpt_error *err);

/* Record why a call failed (or "no error" with a cleared e) for tee_socket_last_error. */
void tee_socket_set_last_error(struct tee_socket *s, const struct rpt_error *e);

/* After a reconnect on c (locked): map every set again onto the new daemon's memfds. */
int tee_socket_remap_sets(struct tee_socket *s, struct sock_conn *c, struct rpt_error *err);

/* Sets keep their mappings but stop following reconnects (the context goes away). */
void tee_socket_detach_sets(struct tee_socket *s);

#endif
