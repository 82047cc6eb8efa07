// SPDX-License-Identifier: BSD-2-Clause
/*
 * Connections to rproc-teed (tee_socket_internal.h): connect and check who
 * serves there, HELLO, one request/reply exchange, reconnecting after the
 * daemon went away, and the pool of connections that keeps unrelated callers
 * from waiting on each other: an exchange holds only its own connection, so
 * while one caller waits (a large LOAD_FW, a slow or hung daemon) another
 * session, a doorbell or a GET_SHM goes out on another connection. The
 * daemon is another process: every reply is decoded and checked like any
 * other bytes from outside.
 */
#include "normal/tee_client/tee_socket_internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common/ipc_path.h"

/* ---- connecting ---- */

/* Bound every wait on the daemon: a hung daemon fails the call instead of hanging us. */
static void set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = TEE_SOCKET_REPLY_TIMEOUT_S};

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/*
 * Connect, then check who serves there before anything is sent: a socket
 * bound by another user must never receive an image nor be believed.
 */
static int connect_fd(const char *path, uid_t server_uid, int *out, struct rpt_error *err)
{
	char what[SOCK_PATH_MAX + 16];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd, ret;

	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = errno;
		close(fd);
		if (ret == ENOENT || ret == ECONNREFUSED)
			return rpt_error_set(err, ret, "no rproc-teed listening at %s (%s)", path,
					     strerror(ret));
		return rpt_error_set(err, ret, "connect %s: %s", path, strerror(ret));
	}
	snprintf(what, sizeof(what), "rproc-teed at %s", path);
	ret = rpt_check_peer(fd, server_uid, what, err);
	if (ret) {
		close(fd);
		return ret;
	}
	set_timeouts(fd);
	*out = fd;
	return 0;
}

/*
 * The HELLO reply, or the refusal a server sends unasked (seq 0) before it
 * hangs up. A server that closes before reading our HELLO makes the kernel
 * report ECONNRESET once, ahead of the refusal still queued for us: read on.
 */
static int hello_reply(int fd, uint32_t seq, struct tee_wire_msg *reply, struct rpt_error *err)
{
	uint8_t in[TEE_WIRE_REPLY_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int n;
	size_t len;
	int ret;

	/* The last error set wins: the second read's reason replaces the reset's. */
	ret = tee_wire_recv(fd, in, sizeof(in), &len, fds, &n, false, err);
	if (ret == -ECONNRESET)
		ret = tee_wire_recv(fd, in, sizeof(in), &len, fds, &n, false, err);
	if (ret)
		return ret;
	ret = tee_wire_decode(in, len, n, reply, err);
	if (ret) {
		tee_wire_close_fds(fds, n);
		return ret;
	}
	if (reply->op != (TEE_WIRE_OP_HELLO | TEE_WIRE_OP_REPLY) ||
	    (reply->seq != seq && reply->seq))
		return rpt_error_set(err, RPT_EFORMAT, "reply op 0x%04x seq %u to HELLO seq %u",
				     reply->op, reply->seq, seq);
	return 0;
}

static int handshake(int fd, const char *path, uint32_t *seq, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_HELLO, .version = TEE_WIRE_VERSION}, reply;
	uint8_t out[TEE_WIRE_REQUEST_MAX];
	struct rpt_error ignored = {0};
	size_t len;
	int ret;

	req.seq = ++*seq;
	ret = tee_wire_encode(&req, out, sizeof(out), &len, err);
	if (ret)
		return ret;
	/* A refused client may find the server gone already: its reason is still to read. */
	ret = tee_wire_send(fd, out, len, NULL, 0, false, &ignored);
	if (ret && ret != -EPIPE && ret != -ECONNRESET)
		return rpt_error_set(err, -ret, "rproc-teed at %s: %s", path,
				     rpt_error_msg(&ignored));
	ret = hello_reply(fd, req.seq, &reply, err);
	if (ret == -EPIPE || ret == -ECONNRESET)
		return rpt_error_set(err, ECONNREFUSED,
				     "rproc-teed at %s closed the connection at once", path);
	if (ret) {
		rpt_error_prefix(err, "rproc-teed at %s: ", path);
		return ret;
	}
	switch (reply.result) {
	case TEE_SUCCESS:
		return reply.seq ? 0
				 : rpt_error_set(err, RPT_EFORMAT,
						 "rproc-teed at %s: HELLO reply without seq", path);
	case TEE_ERROR_ACCESS_DENIED:
		return rpt_error_set(err, EACCES,
				     "rproc-teed at %s refused this client: it serves another uid",
				     path);
	case TEE_ERROR_BUSY:
		return rpt_error_set(err, EBUSY, "rproc-teed at %s serves too many clients", path);
	default:
		return rpt_error_set(err, ECONNREFUSED, "rproc-teed at %s refused this client: %s",
				     path, tee_result_name(reply.result));
	}
}

int tee_socket_open_connection(const char *path, uid_t server_uid, int *fd, uint32_t *seq,
			       struct rpt_error *err)
{
	int ret = connect_fd(path, server_uid, fd, err);

	if (ret)
		return ret;
	ret = handshake(*fd, path, seq, err);
	if (ret) {
		close(*fd);
		*fd = -1;
	}
	return ret;
}

/* ---- one exchange ---- */

int tee_socket_exchange(struct tee_socket *s, struct sock_conn *c, struct tee_wire_msg *req,
			const int *fds, struct tee_wire_msg *reply, int reply_fds[TEE_WIRE_MAX_FDS],
			unsigned int *nreply_fds, struct rpt_error *err)
{
	uint8_t out[TEE_WIRE_REQUEST_MAX], in[TEE_WIRE_REPLY_MAX];
	size_t len;
	int ret;

	*nreply_fds = 0;
	if (c->broken || c->fd < 0)
		return rpt_error_set(err, EPIPE, "connection to rproc-teed at %s lost", s->path);
	req->seq = ++c->seq;
	ret = tee_wire_encode(req, out, sizeof(out), &len, err);
	if (ret)
		return ret; /* our own bug, the stream is intact */
	ret = tee_wire_send(c->fd, out, len, fds, req->num_fds, false, err);
	if (!ret)
		ret = tee_wire_recv(c->fd, in, sizeof(in), &len, reply_fds, nreply_fds, false, err);
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		ret = rpt_error_set(err, ETIMEDOUT, "no reply in %d s", TEE_SOCKET_REPLY_TIMEOUT_S);
	}
	if (!ret) {
		ret = tee_wire_decode(in, len, *nreply_fds, reply, err);
		if (ret)
			tee_wire_close_fds(reply_fds, *nreply_fds);
	}
	if (!ret && (reply->op != (req->op | TEE_WIRE_OP_REPLY) || reply->seq != req->seq)) {
		ret = rpt_error_set(err, RPT_EFORMAT,
				    "reply op 0x%04x seq %u to request op 0x%04x seq %u", reply->op,
				    reply->seq, req->op, req->seq);
		tee_wire_close_fds(reply_fds, *nreply_fds);
	}
	if (ret) {
		*nreply_fds = 0;
		c->broken = true;
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
	}
	return ret;
}

/* ---- the pool ---- */

/*
 * Between requests nothing may arrive on the connection: readable or hung up
 * means the daemon went away (or talks out of turn) while we were idle.
 * Finding out now lets the next request go to a daemon that restarted
 * meanwhile, instead of failing on the dead connection.
 */
static bool idle_connection_dead(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN | POLLRDHUP};

	return poll(&pfd, 1, 0) > 0;
}

/*
 * c (locked) live, opening a new connection if it has none or its last one
 * broke: HELLO, then every shared-memory set re-mapped onto the new daemon's
 * memfds. Sessions and registrations of the old connection are gone with it
 * (gen changes, shm_ids are forgotten).
 */
static int ensure_connected(struct tee_socket *s, struct sock_conn *c, struct rpt_error *err)
{
	int fd = -1, ret;

	if (c->fd >= 0 && !c->broken && idle_connection_dead(c->fd))
		c->broken = true;
	if (c->fd >= 0 && !c->broken)
		return 0;
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	memset(c->shm_ids, 0, sizeof(c->shm_ids));
	ret = tee_socket_open_connection(s->path, s->server_uid, &fd, &c->seq, err);
	if (ret)
		return ret;
	c->fd = fd;
	c->broken = false;
	c->gen++;
	ret = tee_socket_remap_sets(s, c, err);
	if (ret)
		c->broken = true; /* try again, whole, on the next call */
	return ret;
}

int tee_socket_conns_init(struct tee_socket *s, struct rpt_error *err)
{
	unsigned int i;

	for (i = 0; i < TEE_SOCKET_MAX_CONNS; i++) {
		s->conns[i].fd = -1;
		if (pthread_mutex_init(&s->conns[i].lock, NULL)) {
			while (i--)
				pthread_mutex_destroy(&s->conns[i].lock);
			return rpt_error_set(err, ENOMEM, "cannot create the connection locks");
		}
	}
	s->num_conns = 0;
	return 0;
}

void tee_socket_conns_exit(struct tee_socket *s)
{
	unsigned int i;

	for (i = 0; i < TEE_SOCKET_MAX_CONNS; i++) {
		if (s->conns[i].fd >= 0)
			close(s->conns[i].fd);
		s->conns[i].fd = -1;
		pthread_mutex_destroy(&s->conns[i].lock);
	}
}

/* The open connections' indexes, those carrying the fewest sessions first. Under s->lock. */
static void by_load(const struct tee_socket *s, unsigned int order[TEE_SOCKET_MAX_CONNS])
{
	unsigned int i, k, n = s->num_conns;

	for (i = 0; i < TEE_SOCKET_MAX_CONNS; i++)
		order[i] = i;
	/* Insertion sort: a handful of connections. */
	for (i = 1; i < n; i++) {
		for (k = i; k > 0 && s->conns[order[k - 1]].sessions > s->conns[i].sessions; k--)
			order[k] = order[k - 1];
		order[k] = i;
	}
}

/* A new slot of the pool, locked (nobody holds a slot past num_conns: this cannot wait). */
static struct sock_conn *new_conn(struct tee_socket *s)
{
	struct sock_conn *c = &s->conns[s->num_conns++];

	pthread_mutex_lock(&c->lock);
	return c;
}

/*
 * Lock a connection for the caller: an idle one (the least loaded with
 * sessions first), a new one, or else wait for one. A new session gets a
 * connection of its own while the pool has room, so that none of its calls
 * waits behind another session's.
 */
static struct sock_conn *take_conn(struct tee_socket *s, bool for_session)
{
	unsigned int order[TEE_SOCKET_MAX_CONNS], i;
	struct sock_conn *c = NULL;
	bool wait = false;

	pthread_mutex_lock(&s->lock);
	by_load(s, order);
	if (for_session && s->num_conns < TEE_SOCKET_MAX_CONNS &&
	    (!s->num_conns || s->conns[order[0]].sessions))
		c = new_conn(s);
	for (i = 0; i < s->num_conns && !c; i++)
		if (!pthread_mutex_trylock(&s->conns[order[i]].lock))
			c = &s->conns[order[i]];
	if (!c && s->num_conns < TEE_SOCKET_MAX_CONNS)
		c = new_conn(s);
	if (!c && for_session) {
		c = &s->conns[order[0]];
		wait = true;
	} else if (!c) {
		c = &s->conns[s->next_wait];
		s->next_wait = (s->next_wait + 1) % TEE_SOCKET_MAX_CONNS;
		wait = true;
	}
	pthread_mutex_unlock(&s->lock);
	/* Every connection is busy and the pool is full: wait, but not under s->lock. */
	if (wait)
		pthread_mutex_lock(&c->lock);
	return c;
}

/* c is locked: make it live, or unlock it. */
static int conn_ready(struct tee_socket *s, struct sock_conn *c, struct sock_conn **out,
		      struct rpt_error *err)
{
	int ret = ensure_connected(s, c, err);

	if (ret) {
		pthread_mutex_unlock(&c->lock);
		return ret;
	}
	*out = c;
	return 0;
}

int tee_socket_conn_get(struct tee_socket *s, bool for_session, struct sock_conn **out,
			struct rpt_error *err)
{
	return conn_ready(s, take_conn(s, for_session), out, err);
}

int tee_socket_conn_lock(struct tee_socket *s, unsigned int index, struct sock_conn **out,
			 struct rpt_error *err)
{
	pthread_mutex_lock(&s->conns[index].lock);
	return conn_ready(s, &s->conns[index], out, err);
}

void tee_socket_conn_put(struct sock_conn *c)
{
	pthread_mutex_unlock(&c->lock);
}

int tee_socket_simple_request(struct tee_socket *s, struct tee_wire_msg *req,
			      struct tee_wire_msg *reply, struct rpt_error *err)
{
	int fds[TEE_WIRE_MAX_FDS];
	struct sock_conn *c;
	unsigned int nfds;
	int ret;

	ret = tee_socket_conn_get(s, false, &c, err);
	if (ret)
		return ret;
	ret = tee_socket_exchange(s, c, req, NULL, reply, fds, &nfds, err);
	/* decode allows no descriptors on these replies: nfds is 0. */
	tee_socket_conn_put(c);
	return ret;
}

void tee_socket_set_last_error(struct tee_socket *s, const struct rpt_error *e)
{
	pthread_mutex_lock(&s->lock);
	s->last_error = *e;
	pthread_mutex_unlock(&s->lock);
}
