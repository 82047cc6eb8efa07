// SPDX-License-Identifier: BSD-2-Clause
/*
 * The GlobalPlatform transport over rproc-teed's socket (tee_socket.h):
 * sessions (re-opened after a reconnect), invoke with its memrefs (by
 * registered shared memory, or copied into sealed memfds), the output rules,
 * and the shared memory of tee_shm_alloc. Connections are tee_socket_conn.c's.
 */
#include "normal/tee_client/tee_socket_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "common/ipc_path.h"
#include "common/safe_math.h"
#include "common/tee_result.h"

_Static_assert(TEE_WIRE_ORIGIN_API == TEE_ORIGIN_API && TEE_WIRE_ORIGIN_COMMS == TEE_ORIGIN_COMMS &&
		       TEE_WIRE_ORIGIN_TEE == TEE_ORIGIN_TEE &&
		       TEE_WIRE_ORIGIN_TRUSTED_APP == TEE_ORIGIN_TRUSTED_APP,
	       "wire origins are the client API's");
_Static_assert(TEE_SHM_MAX <= TEE_WIRE_MEMREF_MAX, "a shared memory fits one memref");

/* The memfds and registered memories behind one call's memrefs. */
struct sock_call {
	struct tee_wire_param wire[TEE_NUM_PARAMS]; /* the parameters as sent */
	int fds[TEE_NUM_PARAMS];		    /* memfds, in the order sent */
	unsigned int nfds;
};

static void set_origin(uint32_t *origin, uint32_t value)
{
	if (origin)
		*origin = value;
}

struct tee_socket *tee_socket_of(const struct tee_context *ctx)
{
	return ctx && ctx->ops == &tee_socket_transport ? ctx->priv : NULL;
}

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

/* ---- registered shared memory ---- */

/* Index of the shared memory holding all of [buf, buf + size), or -1. */
static int shm_holding(struct tee_socket *s, const void *buf, size_t size)
{
	uintptr_t p = (uintptr_t)buf;
	unsigned int i;
	int found = -1;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < TEE_SOCKET_MAX_SHMS && found < 0; i++) {
		const struct sock_shm *m = &s->shms[i];

		if (m->used && p >= (uintptr_t)m->addr &&
		    range_inside(p - (uintptr_t)m->addr, size, m->size))
			found = (int)i;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/*
 * The daemon's id of shared memory k on connection c (locked), registering
 * it on first use: 0 and *id, or the daemon refused (*id = 0: the caller
 * copies instead); a negative errno when the exchange failed.
 */
static int shm_id_on(struct tee_socket *s, struct sock_conn *c, unsigned int k, uint32_t *id,
		     struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_REGISTER_SHM, .num_fds = 1}, reply;
	int reply_fds[TEE_WIRE_MAX_FDS];
	unsigned int nreply;
	int fd, ret;

	*id = c->shm_ids[k];
	if (*id)
		return 0;
	/* Only the caller of a call inside it may free it meanwhile: fd and size are stable. */
	pthread_mutex_lock(&s->lock);
	fd = s->shms[k].fd;
	req.shm_size = s->shms[k].size;
	pthread_mutex_unlock(&s->lock);
	ret = tee_socket_exchange(s, c, &req, &fd, &reply, reply_fds, &nreply, err);
	if (ret)
		return ret;
	/* A refusal (its limits) is no failure: this call goes by copy. */
	c->shm_ids[k] = reply.result == TEE_SUCCESS ? reply.shm_id : 0;
	*id = c->shm_ids[k];
	return 0;
}

/* Forget shared memory k on connection c (locked), if registered there. */
static void shm_unregister_on(struct tee_socket *s, struct sock_conn *c, unsigned int k)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_UNREGISTER_SHM}, reply;
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct rpt_error ignored = {0};
	unsigned int nreply;

	if (!c->shm_ids[k])
		return;
	/* A broken connection took the registration with it when it closed. */
	if (c->fd >= 0 && !c->broken) {
		req.shm_id = c->shm_ids[k];
		(void)tee_socket_exchange(s, c, &req, NULL, &reply, reply_fds, &nreply, &ignored);
	}
	c->shm_ids[k] = 0;
}

static TEE_Result sock_shm_alloc(struct tee_context *ctx, struct tee_shm *shm)
{
	struct tee_socket *s = ctx->priv;
	struct sock_shm *m = NULL;
	unsigned int i;
	void *addr;
	int fd;

	fd = memfd_create("tee-shm", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return TEE_ERROR_OUT_OF_MEMORY;
	/* Sealed against resizing: the daemon's mapping can never fault past the end. */
	if (ftruncate(fd, (off_t)shm->size) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0)
		goto out_close;
	addr = mmap(NULL, shm->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (addr == MAP_FAILED)
		goto out_close;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < TEE_SOCKET_MAX_SHMS && !m; i++)
		if (!s->shms[i].used)
			m = &s->shms[i];
	if (m)
		*m = (struct sock_shm){.used = true, .fd = fd, .addr = addr, .size = shm->size};
	pthread_mutex_unlock(&s->lock);
	if (!m) {
		munmap(addr, shm->size);
		goto out_close;
	}
	shm->buffer = addr;
	shm->priv = m;
	return TEE_SUCCESS;

out_close:
	close(fd);
	return TEE_ERROR_OUT_OF_MEMORY;
}

static void sock_shm_free(struct tee_context *ctx, struct tee_shm *shm)
{
	struct tee_socket *s = ctx->priv;
	struct sock_shm *m = shm->priv;
	unsigned int k = (unsigned int)(m - s->shms), i;

	/* Registered lazily, on whichever connections used it: unregister there. */
	for (i = 0; i < TEE_SOCKET_MAX_CONNS; i++) {
		pthread_mutex_lock(&s->conns[i].lock);
		shm_unregister_on(s, &s->conns[i], k);
		pthread_mutex_unlock(&s->conns[i].lock);
	}
	munmap(m->addr, m->size);
	close(m->fd);
	pthread_mutex_lock(&s->lock);
	memset(m, 0, sizeof(*m));
	pthread_mutex_unlock(&s->lock);
}

/* ---- a call's parameters ---- */

/*
 * A memref into registered shared memory goes by id, without copy; 1 if it
 * did, 0 if this memref must be copied, negative if the connection failed.
 */
static int memref_by_id(struct tee_socket *s, struct sock_conn *c, const struct tee_param *p,
			struct tee_wire_param *w, struct rpt_error *err)
{
	int k = shm_holding(s, p->u.memref.buffer, p->u.memref.size);
	uint32_t id;
	int ret;

	if (k < 0)
		return 0;
	ret = shm_id_on(s, c, (unsigned int)k, &id, err);
	if (ret || !id)
		return ret;
	w->fd_index = TEE_WIRE_FD_SHM;
	w->a = id;
	w->offset = (uint64_t)((uint8_t *)p->u.memref.buffer - s->shms[k].addr);
	w->size = p->u.memref.size;
	return 1;
}

/*
 * The wire parameters of a call on c (locked): a registered id for every
 * memref inside shared memory, a memfd for every other memref with bytes.
 * TEE_ERROR_COMMUNICATION (err says why) if registering broke the connection.
 */
static TEE_Result call_prepare(struct tee_socket *s, struct sock_conn *c,
			       const struct tee_param *params, struct sock_call *call,
			       struct rpt_error *err)
{
	unsigned int i;
	int ret;

	memset(call, 0, sizeof(*call));
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_param *p = &params[i];
		struct tee_wire_param *w = &call->wire[i];

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
		ret = memref_by_id(s, c, p, w, err);
		if (ret < 0) {
			call_free(call);
			return TEE_ERROR_COMMUNICATION;
		}
		if (ret)
			continue;
		ret = make_memfd(p, &call->fds[call->nfds]);
		if (ret) {
			call_free(call);
			return tee_result_from_err(ret);
		}
		w->fd_index = call->nfds++;
		w->size = p->u.memref.size;
	}
	return TEE_SUCCESS;

out_bad:
	call_free(call);
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
/* Output memref i's bytes from the memfd it was shared through (tee_fetch_bytes_fn). */
static int fetch_memfd(void *priv, unsigned int i, void *dst, size_t len)
{
	const struct sock_call *c = priv;

	/* By id, the TA wrote in place: only the size comes back. */
	if (c->wire[i].fd_index == TEE_WIRE_FD_SHM)
		return 0;
	/* check_reply_params: len <= the bytes we shared, so a memfd exists. */
	return read_all(c->fds[c->wire[i].fd_index], dst, len);
}

/* The GlobalPlatform output rule (tee_params_out), from the reply's parameters. */
static int call_finish(const struct sock_call *c, const struct tee_wire_msg *reply,
		       struct tee_param *params)
{
	struct tee_param_reply r[TEE_NUM_PARAMS];
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_wire_param *w = &reply->params[i];

		r[i] = (struct tee_param_reply){.a = w->a, .b = w->b, .size = (size_t)w->size};
	}
	return tee_params_out(params, reply->result, r, fetch_memfd, (void *)c);
}

/*
 * One call with parameters (OPEN_SESSION or INVOKE) on connection conn
 * (locked): prepare the memrefs, exchange, check and apply the reply. Why it
 * failed goes to err.
 */
static TEE_Result call_with_params(struct tee_socket *s, struct sock_conn *conn,
				   struct tee_wire_msg *req, struct tee_param *params,
				   struct tee_wire_msg *reply, uint32_t *origin,
				   struct rpt_error *err)
{
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct sock_call c;
	unsigned int nreply;
	TEE_Result res;
	int ret;

	set_origin(origin, TEE_ORIGIN_API);
	res = call_prepare(s, conn, params, &c, err);
	if (res == TEE_ERROR_COMMUNICATION) {
		set_origin(origin, TEE_ORIGIN_COMMS);
		return res;
	}
	if (res) {
		rpt_error_set(err, EINVAL, "cannot share a memref: %s", tee_result_name(res));
		return res;
	}
	fill_request(req, &c);
	set_origin(origin, TEE_ORIGIN_COMMS);
	res = TEE_ERROR_COMMUNICATION;
	/* decode allows no descriptors on these replies: nreply stays 0. */
	ret = tee_socket_exchange(s, conn, req, c.fds, reply, reply_fds, &nreply, err);
	if (ret)
		goto out_free;
	ret = check_reply_params(&c, reply, err);
	if (ret) {
		conn->broken = true;
		rpt_error_prefix(err, "rproc-teed at %s: ", s->path);
		goto out_free;
	}
	ret = call_finish(&c, reply, params);
	if (ret) {
		rpt_error_set(err, -ret, "reading the output back: %s", strerror(-ret));
		goto out_free;
	}
	set_origin(origin, reply->origin);
	res = reply->result;
	if (res != TEE_SUCCESS)
		rpt_error_set(err, EIO, "%s from %s", tee_result_name(res),
			      reply->origin == TEE_ORIGIN_TRUSTED_APP ? "the trusted application"
								      : "rproc-teed");
out_free:
	call_free(&c);
	return res;
}

/*
 * Why the call failed, for the caller: the daemon's own text when the result
 * is its answer (it may say nothing more than the code), else our reason for
 * not getting one (the connection, a local refusal).
 */
static void give_reason(char *reason, TEE_Result res, const struct tee_wire_msg *reply,
			const struct rpt_error *err)
{
	if (res == TEE_SUCCESS || reason[0])
		return;
	if (reply->op && reply->result == res)
		snprintf(reason, TEE_REASON_MAX, "%s", reply->reason);
	else if (err->code)
		snprintf(reason, TEE_REASON_MAX, "%s", rpt_error_msg(err));
}

/* ---- sessions ---- */

/* The caller's session of this handle, NULL if it names none. Under s->lock. */
static struct sock_session *session_of(struct tee_socket *s, void *handle)
{
	uintptr_t h = (uintptr_t)handle;

	if (!h || h > TEE_SOCKET_MAX_SESSIONS || !s->sessions[h - 1].used)
		return NULL;
	return &s->sessions[h - 1];
}

/* OPEN_SESSION on connection c (locked); *remote is the daemon's handle. */
static TEE_Result open_remote(struct tee_socket *s, struct sock_conn *c, const TEE_UUID *uuid,
			      struct tee_param *params, uint32_t *remote, uint32_t *origin,
			      char *reason, struct rpt_error *err)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_OPEN_SESSION}, reply = {0};
	TEE_Result res;

	req.uuid = *uuid;
	res = call_with_params(s, c, &req, params, &reply, origin, err);
	if (res != TEE_SUCCESS) {
		give_reason(reason, res, &reply, err);
		return res;
	}
	if (!reply.session) {
		/* A session we could never name again: treat the stream as lost. */
		c->broken = true;
		rpt_error_set(err, RPT_EFORMAT,
			      "rproc-teed at %s: OPEN_SESSION reply with session 0", s->path);
		set_origin(origin, TEE_ORIGIN_COMMS);
		give_reason(reason, TEE_ERROR_COMMUNICATION, &(struct tee_wire_msg){0}, err);
		return TEE_ERROR_COMMUNICATION;
	}
	*remote = reply.session;
	return TEE_SUCCESS;
}

/* A session opened on an earlier connection: open it again, as it was opened first. */
static TEE_Result reopen(struct tee_socket *s, struct sock_conn *c, struct sock_session *ss,
			 uint32_t *origin, char *reason, struct rpt_error *err)
{
	struct tee_param params[TEE_NUM_PARAMS];
	TEE_Result res;

	set_origin(origin, TEE_ORIGIN_COMMS);
	if (!ss->reopenable) {
		rpt_error_set(err, EPIPE,
			      "the session was lost with the connection to rproc-teed at %s "
			      "(it was opened with a memref, which cannot be given again)",
			      s->path);
		return TEE_ERROR_COMMUNICATION;
	}
	memcpy(params, ss->params, sizeof(params));
	res = open_remote(s, c, &ss->uuid, params, &ss->remote, origin, reason, err);
	if (res != TEE_SUCCESS) {
		rpt_error_prefix(err, "re-opening the session after reconnecting: ");
		return res;
	}
	ss->gen = c->gen;
	return TEE_SUCCESS;
}

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

/* ---- the transport ---- */

/* A free session slot, taken (used) so that no other caller gets it; NULL if all are. */
static struct sock_session *take_session(struct tee_socket *s)
{
	struct sock_session *ss = NULL;
	unsigned int i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < TEE_SOCKET_MAX_SESSIONS && !ss; i++) {
		if (!s->sessions[i].used) {
			ss = &s->sessions[i];
			memset(ss, 0, sizeof(*ss));
			ss->used = true;
		}
	}
	pthread_mutex_unlock(&s->lock);
	return ss;
}

static void drop_session(struct tee_socket *s, struct sock_session *ss)
{
	pthread_mutex_lock(&s->lock);
	memset(ss, 0, sizeof(*ss));
	pthread_mutex_unlock(&s->lock);
}

static TEE_Result sock_open_session(struct tee_context *ctx, const TEE_UUID *uuid,
				    struct tee_param params[TEE_NUM_PARAMS], void **handle,
				    uint32_t *origin, char *reason)
{
	const struct tee_wire_msg none = {0}; /* no reply came */
	struct tee_socket *s = ctx->priv;
	struct rpt_error err = {0};
	struct sock_session *ss;
	struct sock_conn *c;
	uint32_t remote = 0;
	TEE_Result res;

	set_origin(origin, TEE_ORIGIN_API);
	ss = take_session(s);
	if (!ss) {
		rpt_error_set(&err, ENOSPC, "all %d sessions of this context are open",
			      TEE_SOCKET_MAX_SESSIONS);
		res = TEE_ERROR_OUT_OF_MEMORY;
		give_reason(reason, res, &none, &err);
		goto out;
	}
	/* Any idle connection: the session lives on it from now on. */
	if (tee_socket_conn_get(s, true, &c, &err)) {
		set_origin(origin, TEE_ORIGIN_COMMS);
		res = TEE_ERROR_COMMUNICATION;
		give_reason(reason, res, &none, &err);
		goto out_drop;
	}
	res = open_remote(s, c, uuid, params, &remote, origin, reason, &err);
	if (res == TEE_SUCCESS) {
		remember_open(ss, uuid, params);
		ss->remote = remote;
		ss->conn = (unsigned int)(c - s->conns);
		ss->gen = c->gen;
		pthread_mutex_lock(&s->lock);
		c->sessions++;
		pthread_mutex_unlock(&s->lock);
	}
	tee_socket_conn_put(c);
	if (res != TEE_SUCCESS)
		goto out_drop;
	/* A handle is the slot number, never a pointer. */
	*handle = (void *)(uintptr_t)(ss - s->sessions + 1); // NOLINT(performance-no-int-to-ptr)
	goto out;

out_drop:
	drop_session(s, ss);
out:
	tee_socket_set_last_error(s, &err);
	return res;
}

static void sock_close_session(struct tee_context *ctx, void *handle)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_CLOSE_SESSION}, reply;
	struct tee_socket *s = ctx->priv;
	int reply_fds[TEE_WIRE_MAX_FDS];
	struct rpt_error err = {0};
	struct sock_session *ss;
	struct sock_conn *c;
	unsigned int n;

	pthread_mutex_lock(&s->lock);
	ss = session_of(s, handle);
	pthread_mutex_unlock(&s->lock);
	if (!ss)
		return;
	c = &s->conns[ss->conn];
	pthread_mutex_lock(&c->lock);
	/* Only on its own connection: a daemon that is gone closed it with the connection. */
	if (ss->gen == c->gen && c->fd >= 0 && !c->broken) {
		req.session = ss->remote;
		(void)tee_socket_exchange(s, c, &req, NULL, &reply, reply_fds, &n, &err);
	}
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_lock(&s->lock);
	c->sessions--;
	pthread_mutex_unlock(&s->lock);
	drop_session(s, ss);
}

static TEE_Result sock_invoke(struct tee_context *ctx, void *handle, uint32_t cmd,
			      struct tee_param params[TEE_NUM_PARAMS], uint32_t *origin,
			      char *reason)
{
	struct tee_wire_msg req = {.op = TEE_WIRE_OP_INVOKE}, reply = {0};
	struct tee_socket *s = ctx->priv;
	struct rpt_error err = {0};
	struct sock_session *ss;
	struct sock_conn *c;
	TEE_Result res;

	set_origin(origin, TEE_ORIGIN_API);
	pthread_mutex_lock(&s->lock);
	ss = session_of(s, handle);
	pthread_mutex_unlock(&s->lock);
	if (!ss) {
		rpt_error_set(&err, EINVAL, "no session %p on this context", handle);
		res = TEE_ERROR_BAD_PARAMETERS;
		give_reason(reason, res, &reply, &err);
		goto out;
	}
	/* The session's own connection: its calls go in order, nobody else's wait. */
	if (tee_socket_conn_lock(s, ss->conn, &c, &err)) {
		set_origin(origin, TEE_ORIGIN_COMMS);
		res = TEE_ERROR_COMMUNICATION;
		give_reason(reason, res, &reply, &err);
		goto out;
	}
	res = ss->gen != c->gen ? reopen(s, c, ss, origin, reason, &err) : TEE_SUCCESS;
	if (res == TEE_SUCCESS) {
		req.session = ss->remote;
		req.cmd = cmd;
		res = call_with_params(s, c, &req, params, &reply, origin, &err);
	}
	give_reason(reason, res, &reply, &err);
	tee_socket_conn_put(c);
out:
	tee_socket_set_last_error(s, &err);
	return res;
}

static void sock_finalize(struct tee_context *ctx)
{
	struct tee_socket *s = ctx->priv;

	if (!s)
		return;
	tee_socket_detach_sets(s);
	tee_socket_conns_exit(s);
	pthread_mutex_destroy(&s->sets_lock);
	pthread_mutex_destroy(&s->lock);
	free(s);
	ctx->priv = NULL;
}

const struct tee_transport tee_socket_transport = {
	.name = "rproc-teed socket",
	.reason_where = "rproc-teed's log",
	.open_session = sock_open_session,
	.close_session = sock_close_session,
	.invoke = sock_invoke,
	.finalize = sock_finalize,
	.shm_alloc = sock_shm_alloc,
	.shm_free = sock_shm_free,
};

int tee_socket_init(struct tee_context *ctx, const char *path, struct rpt_error *err)
{
	return tee_socket_init_as(ctx, path, RPT_UID_DEFAULT, err);
}

int tee_socket_init_as(struct tee_context *ctx, const char *path, uid_t server_uid,
		       struct rpt_error *err)
{
	struct tee_socket *s;
	struct sock_conn *c;
	int ret;

	if (!ctx)
		return rpt_error_set(err, EINVAL, "tee_socket_init: no context");
	s = calloc(1, sizeof(*s));
	if (!s)
		return rpt_error_set(err, ENOMEM, "out of memory");
	s->server_uid = server_uid;
	ret = tee_wire_choose_path(path, s->path, sizeof(s->path), err);
	if (ret)
		goto out_free;
	if (pthread_mutex_init(&s->lock, NULL)) {
		ret = rpt_error_set(err, ENOMEM, "cannot create the socket lock");
		goto out_free;
	}
	if (pthread_mutex_init(&s->sets_lock, NULL)) {
		ret = rpt_error_set(err, ENOMEM, "cannot create the socket lock");
		goto out_lock;
	}
	ret = tee_socket_conns_init(s, err);
	if (ret)
		goto out_sets_lock;
	/* The first connection now: a daemon that is not there fails init. */
	ret = tee_socket_conn_get(s, false, &c, err);
	if (ret)
		goto out_conns;
	tee_socket_conn_put(c);
	ctx->ops = &tee_socket_transport;
	ctx->priv = s;
	return 0;

out_conns:
	tee_socket_conns_exit(s);
out_sets_lock:
	pthread_mutex_destroy(&s->sets_lock);
out_lock:
	pthread_mutex_destroy(&s->lock);
out_free:
	free(s);
	return ret;
}

int tee_socket_reconnect(struct tee_context *ctx, struct rpt_error *err)
{
	struct tee_socket *s = tee_socket_of(ctx);
	struct sock_conn *c;
	int ret;

	if (!s)
		return rpt_error_set(err, EINVAL, "not a connection to rproc-teed");
	ret = tee_socket_conn_get(s, false, &c, err);
	if (!ret)
		tee_socket_conn_put(c);
	return ret;
}

const char *tee_socket_last_error(const struct tee_context *ctx)
{
	const struct tee_socket *s = tee_socket_of(ctx);

	if (!s)
		return "not a connection to rproc-teed";
	return s->last_error.code ? rpt_error_msg(&s->last_error) : "no error";
}
