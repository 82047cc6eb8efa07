// SPDX-License-Identifier: BSD-2-Clause
/*
 * Secure-world daemon transport (tee_socket.h): requests to rproc-teed over
 * its Unix socket, buffers as sealed memfds, and the daemon's shared memories
 * mapped from the memfds it hands out. The daemon is another process: every
 * reply is decoded and checked like any other bytes from outside.
 */
#include "normal/tee_client/tee_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/safe_math.h"

_Static_assert(TEE_WIRE_ORIGIN_API == TEE_ORIGIN_API && TEE_WIRE_ORIGIN_COMMS == TEE_ORIGIN_COMMS &&
		       TEE_WIRE_ORIGIN_TEE == TEE_ORIGIN_TEE &&
		       TEE_WIRE_ORIGIN_TRUSTED_APP == TEE_ORIGIN_TRUSTED_APP,
	       "wire origins are the client API's");

/* The transport's state (ctx->priv). */
struct tee_socket {
	int fd;			     /* connection to the daemon */
	uint32_t seq;		     /* number of the last request sent */
	bool broken;		     /* a failed exchange: the stream can no longer be trusted */
	pthread_mutex_t lock;	     /* one request on the socket at a time */
	struct rpt_error last_error; /* why the last call failed (tee_socket_last_error) */
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)]; /* where the daemon is */
};

/* The memfds behind one call's memrefs. */
struct sock_call {
	struct tee_wire_param wire[TEE_NUM_PARAMS]; /* the parameters as sent */
	int fds[TEE_NUM_PARAMS];		    /* memfds, in the order sent */
	unsigned int nfds;
};

static const struct tee_transport socket_transport;

static bool is_memref(uint32_t type)
{
	return type == TEE_PARAM_TYPE_MEMREF_INPUT || type == TEE_PARAM_TYPE_MEMREF_OUTPUT ||
	       type == TEE_PARAM_TYPE_MEMREF_INOUT;
}

static void set_origin(uint32_t *origin, uint32_t value)
{
	if (origin)
		*origin = value;
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
	if (s->broken)
		return rpt_error_set(err, EPIPE, "connection to rproc-teed at %s lost earlier",
				     s->path);
	req->seq = ++s->seq;
	ret = tee_wire_encode(req, out, sizeof(out), &len, err);
	if (ret)
		return ret; /* our own bug, the stream is intact */
	ret = tee_wire_send(s->fd, out, len, fds, req->num_fds, false, err);
	if (!ret)
		ret = tee_wire_recv(s->fd, in, sizeof(in), &len, reply_fds, nreply_fds, false, err);
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

static int exchange_locked(struct tee_socket *s, struct tee_wire_msg *req, const int *fds,
			   struct tee_wire_msg *reply, int reply_fds[TEE_WIRE_MAX_FDS],
			   unsigned int *nreply_fds, struct rpt_error *err)
{
	int ret;

	pthread_mutex_lock(&s->lock);
	ret = exchange(s, req, fds, reply, reply_fds, nreply_fds, err);
	pthread_mutex_unlock(&s->lock);
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
		if (!is_memref(p->type)) {
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
		if (reply->result == TEE_SUCCESS && is_memref(w->type) && w->size > c->wire[i].size)
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
 * One call with parameters (OPEN_SESSION or INVOKE): prepare the memfds,
 * exchange, check and apply the reply. Why it failed goes to s->last_error.
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

	pthread_mutex_lock(&s->lock);
	rpt_error_clear(&s->last_error);
	set_origin(origin, TEE_ORIGIN_API);
	res = call_prepare(params, &c);
	if (res) {
		rpt_error_set(&s->last_error, EINVAL, "cannot share a memref: %s",
			      tee_result_name(res));
		goto out_unlock;
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
out_unlock:
	pthread_mutex_unlock(&s->lock);
	return res;
}

/* ---- the transport ---- */

static TEE_Result sock_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				    struct tee_param params[TEE_NUM_PARAMS], void **handle,
				    uint32_t *origin)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_OPEN_SESSION}, reply;
	TEE_Result res;

	req.uuid = *uuid;
	res = call_with_params(ctx->priv, &req, params, &reply, origin);
	if (res != TEE_SUCCESS)
		return res;
	if (!reply.session) {
		/* A session we could never name again: treat the stream as lost. */
		struct tee_socket *s = ctx->priv;

		pthread_mutex_lock(&s->lock);
		s->broken = true;
		rpt_error_set(&s->last_error, RPT_EFORMAT, "OPEN_SESSION reply with session 0");
		pthread_mutex_unlock(&s->lock);
		set_origin(origin, TEE_ORIGIN_COMMS);
		return TEE_ERROR_COMMUNICATION;
	}
	*handle = (void *)(uintptr_t)reply.session;
	return TEE_SUCCESS;
}

static void sock_close_session(struct tee_context *ctx, void *handle)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_CLOSE_SESSION}, reply;
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err = {0};
	unsigned int n;

	req.session = (uint32_t)(uintptr_t)handle;
	/* Nothing to report: a daemon that is gone closed the session with the connection. */
	(void)exchange_locked(ctx->priv, &req, NULL, &reply, reply_fds, &n, &err);
}

static TEE_Result sock_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			      struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_INVOKE}, reply;

	req.session = (uint32_t)(uintptr_t)handle;
	req.cmd = cmd;
	return call_with_params(ctx->priv, &req, params, &reply, origin);
}

static void sock_finalize(struct tee_context *ctx)
{
	struct tee_socket *s = ctx->priv;

	if (!s)
		return;
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

/* ---- connecting ---- */

static int connect_to(struct tee_socket *s, struct rpt_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int ret;

	s->fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return rpt_error_set(err, errno, "socket: %s", strerror(errno));
	memcpy(sa.sun_path, s->path, strlen(s->path) + 1);
	if (connect(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = errno;
		close(s->fd);
		s->fd = -1;
		if (ret == ENOENT || ret == ECONNREFUSED)
			return rpt_error_set(err, ret, "no rproc-teed listening at %s (%s)",
					     s->path, strerror(ret));
		return rpt_error_set(err, ret, "connect %s: %s", s->path, strerror(ret));
	}
	return 0;
}

/*
 * The HELLO reply, or the refusal a server sends unasked (seq 0) before it
 * hangs up. A server that closes before reading our HELLO makes the kernel
 * report ECONNRESET once, ahead of the refusal still queued for us: read on.
 */
static int hello_reply(struct tee_socket *s, struct tee_wire_msg *reply, struct rpt_error *err)
{
	uint8_t in[TEE_WIRE_REPLY_MAX];
	int fds[TEE_WIRE_MAX_FDS];
	struct rpt_error first;
	unsigned int n;
	size_t len;
	int ret;

	rpt_error_clear(&first);
	ret = tee_wire_recv(s->fd, in, sizeof(in), &len, fds, &n, false, &first);
	if (ret == -ECONNRESET)
		ret = tee_wire_recv(s->fd, in, sizeof(in), &len, fds, &n, false, err);
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
	    (reply->seq != s->seq && reply->seq))
		return rpt_error_set(err, RPT_EFORMAT, "reply op 0x%04x seq %u to HELLO seq %u",
				     reply->op, reply->seq, s->seq);
	return 0;
}

static int handshake(struct tee_socket *s, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_HELLO, .version = TEE_WIRE_VERSION}, reply;
	uint8_t out[TEE_WIRE_REQUEST_MAX];
	struct rpt_error ignored = {0};
	size_t len;
	int ret;

	req.seq = ++s->seq;
	ret = tee_wire_encode(&req, out, sizeof(out), &len, err);
	if (ret)
		return ret;
	/* A refused client may find the server gone already: its reason is still to read. */
	ret = tee_wire_send(s->fd, out, len, NULL, 0, false, &ignored);
	if (ret && ret != -EPIPE && ret != -ECONNRESET)
		return rpt_error_set(err, -ret, "rproc-teed at %s: %s", s->path,
				     rpt_error_msg(&ignored));
	ret = hello_reply(s, &reply, err);
	if (ret == -EPIPE || ret == -ECONNRESET)
		return rpt_error_set(err, ECONNREFUSED,
				     "rproc-teed at %s closed the connection at once", s->path);
	if (ret) {
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
		return ret;
	}
	switch (reply.result) {
	case TEE_SUCCESS:
		return reply.seq ? 0
				 : rpt_error_set(err, RPT_EFORMAT,
						 "rproc-teed at %s: HELLO reply without seq",
						 s->path);
	case TEE_ERROR_ACCESS_DENIED:
		return rpt_error_set(err, EACCES,
				     "rproc-teed at %s refused this client: it serves another uid",
				     s->path);
	case TEE_ERROR_BUSY:
		return rpt_error_set(err, EBUSY, "rproc-teed at %s serves too many clients",
				     s->path);
	default:
		return rpt_error_set(err, ECONNREFUSED, "rproc-teed at %s refused this client: %s",
				     s->path, tee_result_name(reply.result));
	}
}

int tee_socket_init(struct tee_context *ctx, const char *path, struct rpt_error *err)
{
	struct tee_socket *s;
	int ret;

	if (!ctx)
		return rpt_error_set(err, EINVAL, "tee_socket_init: no context");
	s = calloc(1, sizeof(*s));
	if (!s)
		return rpt_error_set(err, ENOMEM, "out of memory");
	s->fd = -1;
	if (path)
		ret = tee_wire_check_path(path, err);
	else
		ret = tee_wire_default_path(s->path, sizeof(s->path), err);
	if (ret)
		goto out_free;
	if (path)
		memcpy(s->path, path, strlen(path) + 1);
	if (pthread_mutex_init(&s->lock, NULL)) {
		ret = rpt_error_set(err, ENOMEM, "cannot create the socket lock");
		goto out_free;
	}
	ret = connect_to(s, err);
	if (ret)
		goto out_lock;
	ret = handshake(s, err);
	if (ret)
		goto out_close;
	ctx->ops = &socket_transport;
	ctx->priv = s;
	return 0;

out_close:
	close(s->fd);
out_lock:
	pthread_mutex_destroy(&s->lock);
out_free:
	free(s);
	return ret;
}

/* ---- shared memories ---- */

void tee_socket_unmap_shared(struct tee_shm_set *set)
{
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

int tee_socket_map_shared(struct tee_context *ctx, uint32_t rproc_id, struct tee_shm_set *set,
			  struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_GET_SHM}, reply;
	int fds[TEE_WIRE_MAX_FDS];
	unsigned int nfds;
	int ret;

	memset(set, 0, sizeof(*set));
	if (!ctx || ctx->ops != &socket_transport || !ctx->priv)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	req.rproc_id = rproc_id;
	ret = exchange_locked(ctx->priv, &req, NULL, &reply, fds, &nfds, err);
	if (ret)
		return ret;
	if (reply.result != TEE_SUCCESS)
		ret = rpt_error_set(err, reply.result == TEE_ERROR_ITEM_NOT_FOUND ? ENOENT : EIO,
				    "rproc-teed: shared memories of rproc %u: %s", rproc_id,
				    tee_result_name(reply.result));
	else
		ret = map_all(set, &reply, fds, err);
	/* The mappings keep the memories; the descriptors are not needed any more. */
	tee_wire_close_fds(fds, nfds);
	return ret;
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

const char *tee_socket_last_error(const struct tee_context *ctx)
{
	const struct tee_socket *s;

	if (!ctx || ctx->ops != &socket_transport || !ctx->priv)
		return "not a connection to rproc-teed";
	s = ctx->priv;
	return s->last_error.code ? rpt_error_msg(&s->last_error) : "no error";
}
