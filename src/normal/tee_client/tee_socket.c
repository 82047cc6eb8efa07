// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure-world daemon transport (tee_socket.h): requests to rproc-teed over
 * its Unix socket, buffers as sealed memfds, the daemon's shared memories
 * mapped from the memfds it hands out, reconnection after the daemon went
 * away, and the hardware channel (mailbox requests, event subscriptions).
 * The daemon is another process: every reply and every event is decoded and
 * checked like any other bytes from outside.
 */
#include "normal/tee_client/tee_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/safe_math.h"

_Static_assert(TEE_WIRE_ORIGIN_API == TEE_ORIGIN_API && TEE_WIRE_ORIGIN_COMMS == TEE_ORIGIN_COMMS &&
		       TEE_WIRE_ORIGIN_TEE == TEE_ORIGIN_TEE &&
		       TEE_WIRE_ORIGIN_TRUSTED_APP == TEE_ORIGIN_TRUSTED_APP,
	       "wire origins are the client API's");

#define PATH_MAX_UN sizeof(((struct sockaddr_un *)0)->sun_path)

/*
 * A session as the caller knows it (handle = index + 1), and what it takes to
 * open it again on a new connection after the daemon came back.
 */
struct sock_session {
	bool used;				 /* slot in use */
	bool reopenable;			 /* opened with values only: can be re-opened */
	TEE_UUID uuid;				 /* the TA */
	struct tee_param params[TEE_NUM_PARAMS]; /* the parameters it was opened with */
	uint32_t remote;			 /* the daemon's handle on connection `conn` */
	unsigned long conn;			 /* the connection `remote` belongs to */
};

/* The transport's state (ctx->priv). */
struct tee_socket {
	int fd;		      /* connection to the daemon, -1 while there is none */
	uint32_t seq;	      /* number of the last request sent */
	bool broken;	      /* a failed exchange: the stream can no longer be trusted */
	unsigned long conn;   /* number of the current connection (1, 2, ... on reconnects) */
	pthread_mutex_t lock; /* one request on the socket at a time; guards everything */
	struct rpt_error last_error; /* why the last call failed (tee_socket_last_error) */
	char path[PATH_MAX_UN];	     /* where the daemon is */
	uid_t server_uid; /* the daemon's expected uid (RPT_UID_DEFAULT: ours), root always */
	struct sock_session sessions[TEE_SOCKET_MAX_SESSIONS]; /* the caller's sessions */
	struct tee_shm_set
		*sets[TEE_SOCKET_MAX_SETS]; /* mapped through us: re-mapped on reconnect */
	unsigned int num_sets;
};

/* The memfds behind one call's memrefs. */
struct sock_call {
	struct tee_wire_param wire[TEE_NUM_PARAMS]; /* the parameters as sent */
	int fds[TEE_NUM_PARAMS];		    /* memfds, in the order sent */
	unsigned int nfds;
};

static const struct tee_transport socket_transport;

static void set_origin(uint32_t *origin, uint32_t value)
{
	if (origin)
		*origin = value;
}

static struct tee_socket *socket_of(const struct tee_context *ctx)
{
	return ctx && ctx->ops == &socket_transport ? ctx->priv : NULL;
}

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
	char what[PATH_MAX_UN + 16];
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
	struct rpt_error first;
	unsigned int n;
	size_t len;
	int ret;

	rpt_error_clear(&first);
	ret = tee_wire_recv(fd, in, sizeof(in), &len, fds, &n, false, &first);
	if (ret == -ECONNRESET)
		ret = tee_wire_recv(fd, in, sizeof(in), &len, fds, &n, false, err);
	else if (ret)
		return rpt_error_set(err, -ret, "%s", rpt_error_msg(&first));
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

/* A greeted connection to the daemon at path: *fd, or nothing open and err set. */
static int open_connection(const char *path, uid_t server_uid, int *fd, uint32_t *seq,
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

/* The path to use: the caller's (checked) or the default. */
static int choose_path(const char *path, char buf[PATH_MAX_UN], struct rpt_error *err)
{
	int ret;

	if (!path)
		return tee_wire_default_path(buf, PATH_MAX_UN, err);
	ret = tee_wire_check_path(path, err);
	if (!ret)
		memcpy(buf, path, strlen(path) + 1);
	return ret;
}

/* ---- one exchange ---- */

/*
 * Send req with fds and receive its reply (decoded, matched to the request).
 * The caller holds s->lock. Any failure marks the connection broken: after a
 * lost or garbled reply, the next packet could answer the wrong request.
 */
static int exchange(struct tee_socket *s, struct tee_wire_msg *req, const int *fds,
		    struct tee_wire_msg *reply, int reply_fds[TEE_WIRE_MAX_FDS],
		    unsigned int *nreply_fds, struct rpt_error *err)
{
	uint8_t out[TEE_WIRE_REQUEST_MAX], in[TEE_WIRE_REPLY_MAX];
	size_t len;
	int ret;

	*nreply_fds = 0;
	if (s->broken || s->fd < 0)
		return rpt_error_set(err, EPIPE, "connection to rproc-teed at %s lost", s->path);
	req->seq = ++s->seq;
	ret = tee_wire_encode(req, out, sizeof(out), &len, err);
	if (ret)
		return ret; /* our own bug, the stream is intact */
	ret = tee_wire_send(s->fd, out, len, fds, req->num_fds, false, err);
	if (!ret)
		ret = tee_wire_recv(s->fd, in, sizeof(in), &len, reply_fds, nreply_fds, false, err);
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		rpt_error_clear(err);
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
		s->broken = true;
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
	}
	return ret;
}

/* ---- parameters ---- */

static int write_all(int fd, const uint8_t *p, size_t n)
{
	off_t off = 0;

	while (n) {
		ssize_t w = pwrite(fd, p, n, off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
		off += w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t n)
{
	off_t off = 0;

	while (n) {
		ssize_t r = pread(fd, p, n, off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		p += r;
		n -= (size_t)r;
		off += r;
	}
	return 0;
}

/*
 * A memfd holding a copy of the buffer, sealed so that the daemon can map it
 * without fearing that it shrinks under the mapping; an input one is also
 * sealed against writes (the TA then reads bytes nobody can change).
 */
static int make_memfd(const struct tee_param *p, int *out)
{
	bool input = p->type != TEE_PARAM_TYPE_MEMREF_OUTPUT;
	int seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
	int fd, ret;

	fd = memfd_create("tee-memref", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)p->u.memref.size) < 0) {
		ret = -errno;
		goto out_close;
	}
	if (input) {
		ret = write_all(fd, p->u.memref.buffer, p->u.memref.size);
		if (ret)
			goto out_close;
	}
	if (p->type == TEE_PARAM_TYPE_MEMREF_INPUT)
		seals |= F_SEAL_WRITE;
	if (fcntl(fd, F_ADD_SEALS, seals) < 0) {
		ret = -errno;
		goto out_close;
	}
	*out = fd;
	return 0;

out_close:
	close(fd);
	return ret;
}

static void call_free(struct sock_call *c)
{
	tee_wire_close_fds(c->fds, c->nfds);
	c->nfds = 0;
}

/* The wire parameters of a call, with a memfd for every memref that has bytes. */
static TEE_Result call_prepare(const struct tee_param *params, struct sock_call *c)
{
	unsigned int i;
	int ret;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_param *p = &params[i];
		struct tee_wire_param *w = &c->wire[i];

		w->type = p->type;
		w->fd_index = TEE_WIRE_FD_NONE;
		if (p->type > TEE_PARAM_TYPE_MEMREF_INOUT || p->type == 4)
			goto out_bad; /* no such type: GlobalPlatform leaves 4 unused */
		if (!tee_param_is_memref(p->type)) {
			if (p->type != TEE_PARAM_TYPE_NONE) {
				w->a = p->u.value.a;
				w->b = p->u.value.b;
			}
			continue;
		}
		if (!p->u.memref.buffer || !p->u.memref.size)
			continue; /* no bytes to share: the TA sees NULL, 0 */
		if ((uint64_t)p->u.memref.size > TEE_WIRE_MEMREF_MAX)
			goto out_bad;
		ret = make_memfd(p, &c->fds[c->nfds]);
		if (ret) {
			call_free(c);
			return ret == -ENOMEM ? TEE_ERROR_OUT_OF_MEMORY : TEE_ERROR_GENERIC;
		}
		w->fd_index = c->nfds++;
		w->size = p->u.memref.size;
	}
	return TEE_SUCCESS;

out_bad:
	call_free(c);
	return TEE_ERROR_BAD_PARAMETERS;
}

static void fill_request(struct tee_wire_msg *req, const struct sock_call *c)
{
	memcpy(req->params, c->wire, sizeof(req->params));
	req->num_fds = c->nfds;
}

/*
 * The reply must name the parameters we sent, and never claim more output
 * bytes than a successful call had room for.
 */
static int check_reply_params(const struct sock_call *c, const struct tee_wire_msg *reply,
			      struct rpt_error *err)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_wire_param *w = &reply->params[i];

		if (w->type != c->wire[i].type)
			return rpt_error_set(err, RPT_EFORMAT, "reply param %u: type %u, sent %u",
					     i, w->type, c->wire[i].type);
		if (reply->result == TEE_SUCCESS && tee_param_is_memref(w->type) &&
		    w->size > c->wire[i].size)
			return rpt_error_set(err, RPT_EFORMAT,
					     "reply param %u: 0x%llx bytes written in 0x%llx", i,
					     (unsigned long long)w->size,
					     (unsigned long long)c->wire[i].size);
	}
	return 0;
}

/* Outputs back to the caller, under the rules of tee_socket.h. */
static int call_finish(const struct sock_call *c, const struct tee_wire_msg *reply,
		       struct tee_param *params)
{
	unsigned int i;
	int ret;

	if (reply->result != TEE_SUCCESS && reply->result != TEE_ERROR_SHORT_BUFFER)
		return 0;
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_wire_param *w = &reply->params[i];
		struct tee_param *p = &params[i];

		if (p->type == TEE_PARAM_TYPE_VALUE_OUTPUT ||
		    p->type == TEE_PARAM_TYPE_VALUE_INOUT) {
			if (reply->result == TEE_SUCCESS) {
				p->u.value.a = w->a;
				p->u.value.b = w->b;
			}
			continue;
		}
		if (p->type != TEE_PARAM_TYPE_MEMREF_OUTPUT &&
		    p->type != TEE_PARAM_TYPE_MEMREF_INOUT)
			continue;
		if (reply->result == TEE_SUCCESS && w->size) {
			/* check_reply_params: w->size <= the bytes we shared, so a memfd exists. */
			ret = read_all(c->fds[c->wire[i].fd_index], p->u.memref.buffer,
				       (size_t)w->size);
			if (ret)
				return ret;
		}
		p->u.memref.size = (size_t)w->size;
	}
	return 0;
}

/*
 * One call with parameters (OPEN_SESSION or INVOKE) on a live connection:
 * prepare the memfds, exchange, check and apply the reply. The caller holds
 * s->lock; why it failed goes to s->last_error.
 */
static TEE_Result call_with_params(struct tee_socket *s, struct tee_wire_msg *req,
				   struct tee_param *params, struct tee_wire_msg *reply,
				   uint32_t *origin)
{
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct sock_call c;
	unsigned int nreply;
	TEE_Result res;
	int ret;

	set_origin(origin, TEE_ORIGIN_API);
	res = call_prepare(params, &c);
	if (res) {
		rpt_error_set(&s->last_error, EINVAL, "cannot share a memref: %s",
			      tee_result_name(res));
		return res;
	}
	fill_request(req, &c);
	set_origin(origin, TEE_ORIGIN_COMMS);
	res = TEE_ERROR_COMMUNICATION;
	/* decode allows no descriptors on these replies: nreply stays 0. */
	ret = exchange(s, req, c.fds, reply, reply_fds, &nreply, &s->last_error);
	if (ret)
		goto out_free;
	ret = check_reply_params(&c, reply, &s->last_error);
	if (ret) {
		s->broken = true;
		rpt_error_prefix(&s->last_error, "rproc-teed at %s: ", s->path);
		goto out_free;
	}
	ret = call_finish(&c, reply, params);
	if (ret) {
		rpt_error_set(&s->last_error, -ret, "reading the output back: %s", strerror(-ret));
		goto out_free;
	}
	set_origin(origin, reply->origin);
	res = reply->result;
	if (res != TEE_SUCCESS)
		rpt_error_set(&s->last_error, EIO, "%s from %s", tee_result_name(res),
			      reply->origin == TEE_ORIGIN_TRUSTED_APP ? "the trusted application"
								      : "rproc-teed");
out_free:
	call_free(&c);
	return res;
}

/* ---- reconnecting ---- */

static int remap_sets(struct tee_socket *s, struct rpt_error *err);

/*
 * A live connection, opening a new one if there is none or the last one
 * broke: HELLO, then every shared-memory set re-mapped onto the new daemon's
 * memfds. The caller holds s->lock.
 */
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

static int ensure_connected(struct tee_socket *s, struct rpt_error *err)
{
	int fd = -1, ret;

	if (s->fd >= 0 && !s->broken && idle_connection_dead(s->fd))
		s->broken = true;
	if (s->fd >= 0 && !s->broken)
		return 0;
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	ret = open_connection(s->path, s->server_uid, &fd, &s->seq, err);
	if (ret)
		return ret;
	s->fd = fd;
	s->broken = false;
	s->conn++;
	ret = remap_sets(s, err);
	if (ret)
		s->broken = true; /* try again, whole, on the next call */
	return ret;
}

/* The caller's session of this handle, NULL if it names none. */
static struct sock_session *session_of(struct tee_socket *s, void *handle)
{
	uintptr_t h = (uintptr_t)handle;

	if (!h || h > TEE_SOCKET_MAX_SESSIONS || !s->sessions[h - 1].used)
		return NULL;
	return &s->sessions[h - 1];
}

static struct sock_session *free_session(struct tee_socket *s)
{
	unsigned int i;

	for (i = 0; i < TEE_SOCKET_MAX_SESSIONS; i++)
		if (!s->sessions[i].used)
			return &s->sessions[i];
	return NULL;
}

/* OPEN_SESSION on the current connection; *remote is the daemon's handle. */
static TEE_Result open_remote(struct tee_socket *s, const TEE_UUID *uuid, struct tee_param *params,
			      uint32_t *remote, uint32_t *origin)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_OPEN_SESSION}, reply = {0};
	TEE_Result res;

	req.uuid = *uuid;
	res = call_with_params(s, &req, params, &reply, origin);
	if (res != TEE_SUCCESS)
		return res;
	if (!reply.session) {
		/* A session we could never name again: treat the stream as lost. */
		s->broken = true;
		rpt_error_set(&s->last_error, RPT_EFORMAT,
			      "rproc-teed at %s: OPEN_SESSION reply with session 0", s->path);
		set_origin(origin, TEE_ORIGIN_COMMS);
		return TEE_ERROR_COMMUNICATION;
	}
	*remote = reply.session;
	return TEE_SUCCESS;
}

/* A session opened on an earlier connection: open it again, as it was opened first. */
static TEE_Result reopen(struct tee_socket *s, struct sock_session *ss, uint32_t *origin)
{
	struct tee_param params[TEE_NUM_PARAMS];
	TEE_Result res;

	set_origin(origin, TEE_ORIGIN_COMMS);
	if (!ss->reopenable) {
		rpt_error_set(&s->last_error, EPIPE,
			      "the session was lost with the connection to rproc-teed at %s "
			      "(it was opened with a memref, which cannot be given again)",
			      s->path);
		return TEE_ERROR_COMMUNICATION;
	}
	memcpy(params, ss->params, sizeof(params));
	res = open_remote(s, &ss->uuid, params, &ss->remote, origin);
	if (res != TEE_SUCCESS) {
		rpt_error_prefix(&s->last_error, "re-opening the session after reconnecting: ");
		return res;
	}
	ss->conn = s->conn;
	return TEE_SUCCESS;
}

/* Connected, or TEE_ERROR_COMMUNICATION with the reason in last_error. */
static TEE_Result connected(struct tee_socket *s, uint32_t *origin)
{
	if (!ensure_connected(s, &s->last_error))
		return TEE_SUCCESS;
	set_origin(origin, TEE_ORIGIN_COMMS);
	return TEE_ERROR_COMMUNICATION;
}

/* ---- the transport ---- */

/* Keep what it takes to open the session again: its values (a memref cannot be given again). */
static void remember_open(struct sock_session *ss, const TEE_UUID *uuid,
			  const struct tee_param *params)
{
	unsigned int i;

	ss->uuid = *uuid;
	ss->reopenable = true;
	memset(ss->params, 0, sizeof(ss->params));
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		ss->params[i].type = params[i].type;
		if (tee_param_is_memref(params[i].type))
			ss->reopenable = false;
		else if (params[i].type != TEE_PARAM_TYPE_NONE)
			ss->params[i].u.value = params[i].u.value;
	}
}

static TEE_Result sock_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				    struct tee_param params[TEE_NUM_PARAMS], void **handle,
				    uint32_t *origin)
{
	struct tee_socket *s = ctx->priv;
	struct sock_session *ss;
	TEE_Result res;
	uint32_t remote = 0;

	pthread_mutex_lock(&s->lock);
	rpt_error_clear(&s->last_error);
	set_origin(origin, TEE_ORIGIN_API);
	ss = free_session(s);
	if (!ss) {
		rpt_error_set(&s->last_error, ENOSPC, "all %d sessions of this context are open",
			      TEE_SOCKET_MAX_SESSIONS);
		res = TEE_ERROR_OUT_OF_MEMORY;
		goto out;
	}
	res = connected(s, origin);
	if (res == TEE_SUCCESS)
		res = open_remote(s, uuid, params, &remote, origin);
	if (res != TEE_SUCCESS)
		goto out;
	memset(ss, 0, sizeof(*ss));
	remember_open(ss, uuid, params);
	ss->used = true;
	ss->remote = remote;
	ss->conn = s->conn;
	/* A handle is the slot number, never a pointer. */
	*handle = (void *)(uintptr_t)(ss - s->sessions + 1); // NOLINT(performance-no-int-to-ptr)
out:
	pthread_mutex_unlock(&s->lock);
	return res;
}

static void sock_close_session(struct tee_context *ctx, void *handle)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_CLOSE_SESSION}, reply;
	struct tee_socket *s = ctx->priv;
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err = {0};
	struct sock_session *ss;
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	ss = session_of(s, handle);
	/* Only on its own connection: a daemon that is gone closed it with the connection. */
	if (ss && ss->conn == s->conn && s->fd >= 0 && !s->broken) {
		req.session = ss->remote;
		(void)exchange(s, &req, NULL, &reply, reply_fds, &n, &err);
	}
	if (ss)
		memset(ss, 0, sizeof(*ss));
	pthread_mutex_unlock(&s->lock);
}

static TEE_Result sock_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			      struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_INVOKE}, reply = {0};
	struct tee_socket *s = ctx->priv;
	struct sock_session *ss;
	TEE_Result res;

	pthread_mutex_lock(&s->lock);
	rpt_error_clear(&s->last_error);
	set_origin(origin, TEE_ORIGIN_API);
	ss = session_of(s, handle);
	if (!ss) {
		rpt_error_set(&s->last_error, EINVAL, "no session %p on this context", handle);
		res = TEE_ERROR_BAD_PARAMETERS;
		goto out;
	}
	res = connected(s, origin);
	if (res == TEE_SUCCESS && ss->conn != s->conn)
		res = reopen(s, ss, origin);
	if (res != TEE_SUCCESS)
		goto out;
	req.session = ss->remote;
	req.cmd = cmd;
	res = call_with_params(s, &req, params, &reply, origin);
out:
	pthread_mutex_unlock(&s->lock);
	return res;
}

static void sock_finalize(struct tee_context *ctx)
{
	struct tee_socket *s = ctx->priv;
	unsigned int i;

	if (!s)
		return;
	/* Sets still mapped keep their mappings, but no longer follow reconnects. */
	for (i = 0; i < s->num_sets; i++)
		s->sets[i]->ctx = NULL;
	if (s->fd >= 0)
		close(s->fd);
	pthread_mutex_destroy(&s->lock);
	free(s);
	ctx->priv = NULL;
}

static const struct tee_transport socket_transport = {
	.name = "rproc-teed socket",
	.open_session = sock_open_session,
	.close_session = sock_close_session,
	.invoke = sock_invoke,
	.finalize = sock_finalize,
};

int tee_socket_init(struct tee_context *ctx, const char *path, struct rpt_error *err)
{
	return tee_socket_init_as(ctx, path, RPT_UID_DEFAULT, err);
}

int tee_socket_init_as(struct tee_context *ctx, const char *path, uid_t server_uid,
		       struct rpt_error *err)
{
	struct tee_socket *s;
	int ret;

	if (!ctx)
		return rpt_error_set(err, EINVAL, "tee_socket_init: no context");
	s = calloc(1, sizeof(*s));
	if (!s)
		return rpt_error_set(err, ENOMEM, "out of memory");
	s->fd = -1;
	s->server_uid = server_uid;
	ret = choose_path(path, s->path, err);
	if (ret)
		goto out_free;
	if (pthread_mutex_init(&s->lock, NULL)) {
		ret = rpt_error_set(err, ENOMEM, "cannot create the socket lock");
		goto out_free;
	}
	ret = ensure_connected(s, err);
	if (ret)
		goto out_lock;
	ctx->ops = &socket_transport;
	ctx->priv = s;
	return 0;

out_lock:
	pthread_mutex_destroy(&s->lock);
out_free:
	free(s);
	return ret;
}

int tee_socket_reconnect(struct tee_context *ctx, struct rpt_error *err)
{
	struct tee_socket *s = socket_of(ctx);
	int ret;

	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	pthread_mutex_lock(&s->lock);
	ret = ensure_connected(s, err);
	pthread_mutex_unlock(&s->lock);
	return ret;
}

const char *tee_socket_last_error(const struct tee_context *ctx)
{
	const struct tee_socket *s = socket_of(ctx);

	if (!s)
		return "not a connection to rproc-teed";
	return s->last_error.code ? rpt_error_msg(&s->last_error) : "no error";
}

/* ---- shared memories ---- */

static void unregister_set(struct tee_socket *s, struct tee_shm_set *set)
{
	unsigned int i;

	for (i = 0; i < s->num_sets; i++) {
		if (s->sets[i] == set) {
			s->sets[i] = s->sets[--s->num_sets];
			s->sets[s->num_sets] = NULL;
			return;
		}
	}
}

void tee_socket_unmap_shared(struct tee_shm_set *set)
{
	struct tee_socket *s = socket_of(set->ctx);

	if (s) {
		pthread_mutex_lock(&s->lock);
		unregister_set(s, set);
		pthread_mutex_unlock(&s->lock);
	}
	set->ctx = NULL;
	while (set->num) {
		struct tee_shm_region *r = &set->regions[--set->num];

		munmap(r->addr, r->size);
		memset(r, 0, sizeof(*r));
	}
}

/* Map one memory from its memfd, after checking the file really is that big. */
static int map_region(struct tee_shm_region *r, const struct tee_wire_shm *w, int fd,
		      struct rpt_error *err)
{
	struct stat st;
	void *addr;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "shared memory %s: fstat: %s", w->name,
				     strerror(errno));
	/* Touching a mapping past the file's end faults: the size must really be there. */
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < w->size)
		return rpt_error_set(err, RPT_EFORMAT,
				     "shared memory %s: descriptor of %lld bytes for 0x%x", w->name,
				     (long long)st.st_size, w->size);
	addr = mmap(NULL, w->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED)
		return rpt_error_set(err, errno, "shared memory %s: mmap of 0x%x bytes: %s",
				     w->name, w->size, strerror(errno));
	memcpy(r->name, w->name, sizeof(r->name));
	r->da = w->da;
	r->pa = w->pa;
	r->size = w->size;
	r->addr = addr;
	return 0;
}

static int map_all(struct tee_shm_set *set, const struct tee_wire_msg *reply, const int *fds,
		   struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < reply->num_shm; i++) {
		ret = map_region(&set->regions[set->num], &reply->shm[i], fds[i], err);
		if (ret) {
			tee_socket_unmap_shared(set);
			return ret;
		}
		set->num++;
	}
	return 0;
}

/* GET_SHM for rproc_id on the current connection; the reply's descriptors are the caller's. */
static int get_shm(struct tee_socket *s, uint32_t rproc_id, struct tee_wire_msg *reply,
		   int fds[TEE_WIRE_MAX_FDS], unsigned int *nfds, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_GET_SHM};
	unsigned int i;
	int ret;

	/* Defined whatever happens below (the analyzers cannot follow decode's guarantees). */
	memset(reply, 0, sizeof(*reply));
	for (i = 0; i < TEE_WIRE_MAX_FDS; i++)
		fds[i] = -1;
	req.rproc_id = rproc_id;
	ret = exchange(s, &req, NULL, reply, fds, nfds, err);
	if (ret)
		return ret;
	if (reply->result == TEE_SUCCESS)
		return 0;
	/* decode allows no descriptors on a failure: none to close. */
	return rpt_error_set(err, reply->result == TEE_ERROR_ITEM_NOT_FOUND ? ENOENT : EIO,
			     "rproc-teed: shared memories of rproc %u: %s", rproc_id,
			     tee_result_name(reply->result));
}

/* A daemon that came back must share the very same memories, or our addresses mean nothing. */
static int check_same_layout(const struct tee_shm_set *set, const struct tee_wire_msg *reply,
			     struct rpt_error *err)
{
	unsigned int i;

	if (reply->num_shm != set->num)
		return rpt_error_set(err, RPT_EFORMAT,
				     "rproc %u: %u shared memories now, %u before the reconnect",
				     set->rproc_id, reply->num_shm, set->num);
	for (i = 0; i < set->num; i++) {
		const struct tee_shm_region *r = &set->regions[i];
		const struct tee_wire_shm *w = &reply->shm[i];

		if (strcmp(r->name, w->name) || r->da != w->da || r->pa != w->pa ||
		    r->size != w->size)
			return rpt_error_set(
				err, RPT_EFORMAT,
				"rproc %u: shared memory %u is %s (pa 0x%llx, 0x%x bytes) "
				"now, it was %s (pa 0x%llx, 0x%x bytes)",
				set->rproc_id, i, w->name, (unsigned long long)w->pa, w->size,
				r->name, (unsigned long long)r->pa, r->size);
	}
	return 0;
}

/* Put the new daemon's memfd where the old mapping was: every pointer into it stays valid. */
static int remap_region(struct tee_shm_region *r, int fd, struct rpt_error *err)
{
	struct stat st;
	void *addr;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "shared memory %s: fstat: %s", r->name,
				     strerror(errno));
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size < r->size)
		return rpt_error_set(err, RPT_EFORMAT,
				     "shared memory %s: descriptor of %lld bytes for 0x%x", r->name,
				     (long long)st.st_size, r->size);
	addr = mmap(r->addr, r->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
	if (addr == MAP_FAILED)
		return rpt_error_set(err, errno, "shared memory %s: mmap: %s", r->name,
				     strerror(errno));
	return 0;
}

static int remap_set(struct tee_socket *s, struct tee_shm_set *set, struct rpt_error *err)
{
	struct tee_wire_msg reply;
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int i, nfds;
	int ret;

	ret = get_shm(s, set->rproc_id, &reply, fds, &nfds, err);
	if (ret)
		return ret;
	ret = check_same_layout(set, &reply, err);
	for (i = 0; !ret && i < set->num; i++)
		ret = remap_region(&set->regions[i], fds[i], err);
	tee_wire_close_fds(fds, nfds);
	if (ret)
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
	return ret;
}

static int remap_sets(struct tee_socket *s, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < s->num_sets; i++) {
		ret = remap_set(s, s->sets[i], err);
		if (ret)
			return ret;
	}
	return 0;
}

int tee_socket_map_shared(struct tee_context *ctx, uint32_t rproc_id, struct tee_shm_set *set,
			  struct rpt_error *err)
{
	struct tee_socket *s = socket_of(ctx);
	struct tee_wire_msg reply;
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int nfds = 0;
	int ret;

	memset(set, 0, sizeof(*set));
	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	pthread_mutex_lock(&s->lock);
	if (s->num_sets == TEE_SOCKET_MAX_SETS) {
		ret = rpt_error_set(err, ENOSPC, "already %d shared-memory sets on this context",
				    TEE_SOCKET_MAX_SETS);
		goto out;
	}
	ret = ensure_connected(s, err);
	if (!ret)
		ret = get_shm(s, rproc_id, &reply, fds, &nfds, err);
	if (!ret)
		ret = map_all(set, &reply, fds, err);
	/* The mappings keep the memories; the descriptors are not needed any more. */
	tee_wire_close_fds(fds, nfds);
	if (ret)
		goto out;
	set->ctx = ctx;
	set->rproc_id = rproc_id;
	s->sets[s->num_sets++] = set;
out:
	pthread_mutex_unlock(&s->lock);
	return ret;
}

/* ---- the hardware channel ---- */

static int hw_errno(TEE_Result res)
{
	switch (res) {
	case TEE_ERROR_ITEM_NOT_FOUND:
		return ENOENT;
	case TEE_ERROR_BAD_STATE:
		return RPT_ESTATE;
	case TEE_ERROR_BAD_PARAMETERS:
		return EINVAL;
	case TEE_ERROR_NOT_SUPPORTED:
		return EOPNOTSUPP;
	case TEE_ERROR_OUT_OF_MEMORY:
		return ENOMEM;
	default:
		return EIO;
	}
}

static int hw_request(struct tee_context *ctx, uint16_t op, uint32_t rproc_id, uint32_t arg,
		      struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = op}, reply = {0};
	struct tee_socket *s = socket_of(ctx);
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int nfds;
	char name[32];
	int ret;

	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	req.rproc_id = rproc_id;
	req.arg = arg;
	pthread_mutex_lock(&s->lock);
	ret = ensure_connected(s, err);
	if (!ret)
		ret = exchange(s, &req, NULL, &reply, fds, &nfds, err);
	/* decode allows no descriptors on these replies: nfds is 0. */
	if (!ret && reply.result != TEE_SUCCESS)
		ret = rpt_error_set(err, hw_errno(reply.result), "rproc-teed: %s of rproc %u: %s",
				    tee_wire_op_name(op, name, sizeof(name)), rproc_id,
				    tee_result_name(reply.result));
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int tee_socket_kick(struct tee_context *ctx, uint32_t rproc_id, uint32_t vq, struct rpt_error *err)
{
	if (vq >= TEE_WIRE_MAX_VQ)
		return rpt_error_set(err, EINVAL, "vq %u: a mailbox has %u doorbells", vq,
				     TEE_WIRE_MAX_VQ);
	return hw_request(ctx, TEE_WIRE_OP_KICK, rproc_id, vq, err);
}

int tee_socket_request_shutdown(struct tee_context *ctx, uint32_t rproc_id, struct rpt_error *err)
{
	return hw_request(ctx, TEE_WIRE_OP_REQUEST_SHUTDOWN, rproc_id, 0, err);
}

int tee_socket_request_detach(struct tee_context *ctx, uint32_t rproc_id, struct rpt_error *err)
{
	return hw_request(ctx, TEE_WIRE_OP_REQUEST_DETACH, rproc_id, 0, err);
}

int tee_socket_inject_crash(struct tee_context *ctx, uint32_t rproc_id, uint32_t type,
			    struct rpt_error *err)
{
	if (type > TEE_WIRE_CRASH_MAX)
		return rpt_error_set(err, EINVAL, "unknown crash type %u", type);
	return hw_request(ctx, TEE_WIRE_OP_INJECT_CRASH, rproc_id, type, err);
}

/* ---- events ---- */

/* Events that may arrive while the channel is still subscribing. */
#define EVENT_EARLY_MAX 32

struct tee_event_channel {
	int fd;			/* subscribed connection */
	uint32_t seq;		/* number of the last request sent */
	char path[PATH_MAX_UN]; /* where the daemon is, for messages */
	struct tee_event
		early[EVENT_EARLY_MAX]; /* events that came before the last SUBSCRIBE reply */
	unsigned int early_head;	/* oldest of them */
	unsigned int num_early;
};

static void event_of(const struct tee_wire_msg *m, struct tee_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->rproc_id = m->rproc_id;
	ev->kind = m->kind;
	ev->arg = m->arg;
	memcpy(ev->why, m->why, sizeof(ev->why));
}

/* Receive and decode one message (no descriptor may come with it). */
static int channel_recv(struct tee_event_channel *ch, bool nonblock, struct tee_wire_msg *m,
			struct rpt_error *err)
{
	uint8_t in[TEE_WIRE_REPLY_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int n;
	size_t len;
	int ret;

	ret = tee_wire_recv(ch->fd, in, sizeof(in), &len, fds, &n, nonblock, err);
	if (ret)
		return ret;
	ret = tee_wire_decode(in, len, n, m, err);
	/* Decoding refuses descriptors on every message a channel may get: none is kept. */
	tee_wire_close_fds(fds, n);
	return ret;
}

static int subscribe(struct tee_event_channel *ch, uint32_t rproc_id, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_SUBSCRIBE}, m;
	uint8_t out[TEE_WIRE_REQUEST_MAX];
	size_t len;
	int ret;

	req.seq = ++ch->seq;
	req.rproc_id = rproc_id;
	ret = tee_wire_encode(&req, out, sizeof(out), &len, err);
	if (!ret)
		ret = tee_wire_send(ch->fd, out, len, NULL, 0, false, err);
	while (!ret) {
		ret = channel_recv(ch, false, &m, err);
		if (ret)
			break;
		if (m.op == TEE_WIRE_OP_EVENT) {
			/* An rproc subscribed before already reports: keep it for tee_event_next. */
			if (ch->num_early == EVENT_EARLY_MAX)
				return rpt_error_set(err, ENOBUFS,
						     "over %d events while subscribing",
						     EVENT_EARLY_MAX);
			event_of(&m,
				 &ch->early[(ch->early_head + ch->num_early++) % EVENT_EARLY_MAX]);
			continue;
		}
		if (m.op != (TEE_WIRE_OP_SUBSCRIBE | TEE_WIRE_OP_REPLY) || m.seq != req.seq)
			return rpt_error_set(err, RPT_EFORMAT,
					     "reply op 0x%04x seq %u to SUBSCRIBE seq %u", m.op,
					     m.seq, req.seq);
		if (m.result == TEE_SUCCESS)
			return 0;
		return rpt_error_set(err, hw_errno(m.result), "SUBSCRIBE to rproc %u: %s", rproc_id,
				     tee_result_name(m.result));
	}
	if (ret == -EAGAIN || ret == -EWOULDBLOCK) {
		rpt_error_clear(err);
		ret = rpt_error_set(err, ETIMEDOUT, "no reply in %d s", TEE_SOCKET_REPLY_TIMEOUT_S);
	}
	return ret;
}

int tee_event_open(struct tee_event_channel **out, const char *path, const uint32_t *ids,
		   unsigned int n, struct rpt_error *err)
{
	return tee_event_open_as(out, path, RPT_UID_DEFAULT, ids, n, err);
}

int tee_event_open_as(struct tee_event_channel **out, const char *path, uid_t server_uid,
		      const uint32_t *ids, unsigned int n, struct rpt_error *err)
{
	struct tee_event_channel *ch;
	unsigned int i;
	int ret;

	*out = NULL;
	ch = calloc(1, sizeof(*ch));
	if (!ch)
		return rpt_error_set(err, ENOMEM, "out of memory");
	ch->fd = -1;
	ret = choose_path(path, ch->path, err);
	if (ret)
		goto out_free;
	ret = open_connection(ch->path, server_uid, &ch->fd, &ch->seq, err);
	if (ret)
		goto out_free;
	for (i = 0; i < n; i++) {
		ret = subscribe(ch, ids[i], err);
		if (ret) {
			rpt_error_prefix(err, "rproc-teed at %s: ", ch->path);
			goto out_close;
		}
	}
	*out = ch;
	return 0;

out_close:
	close(ch->fd);
out_free:
	free(ch);
	return ret;
}

int tee_event_fd(const struct tee_event_channel *ch)
{
	return ch->fd;
}

int tee_event_next(struct tee_event_channel *ch, struct tee_event *ev, struct rpt_error *err)
{
	struct rpt_error why;
	struct tee_wire_msg m;
	char name[32];
	int ret;

	if (ch->num_early) {
		*ev = ch->early[ch->early_head];
		ch->early_head = (ch->early_head + 1) % EVENT_EARLY_MAX;
		ch->num_early--;
		return 0;
	}
	/* Nothing to read is no failure: the caller's err is only for real ones. */
	rpt_error_clear(&why);
	ret = channel_recv(ch, true, &m, &why);
	if (ret == -EAGAIN || ret == -EWOULDBLOCK)
		return -EAGAIN;
	if (!ret && m.op != TEE_WIRE_OP_EVENT)
		ret = rpt_error_set(&why, RPT_EFORMAT, "%s on the event channel",
				    tee_wire_op_name(m.op, name, sizeof(name)));
	if (ret)
		return rpt_error_set(err, -ret, "rproc-teed at %s: %s", ch->path,
				     rpt_error_msg(&why));
	event_of(&m, ev);
	return 0;
}

void tee_event_close(struct tee_event_channel *ch)
{
	if (!ch)
		return;
	close(ch->fd);
	free(ch);
}

void *tee_socket_shm_map(void *set, uint64_t pa, size_t size)
{
	struct tee_shm_set *s = set;
	uint64_t len = size ? size : 1;
	unsigned int i;

	for (i = 0; i < s->num; i++) {
		struct tee_shm_region *r = &s->regions[i];

		if (range_within(pa, len, r->pa, r->size))
			return r->addr + (pa - r->pa);
	}
	return NULL;
}
