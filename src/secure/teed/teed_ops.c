// SPDX-License-Identifier: BSD-2-Clause
/*
 * What each request of the wire protocol does in the secure world: sessions
 * on the TA, invoking it with the client's buffers mapped from the memfds
 * that came with the request, handing out the shared memories, and the
 * hardware channel (processor 1's IPCC registers, crash injection, event
 * subscriptions).
 *
 * A client's descriptor is hostile: it may be no memfd at all, smaller than
 * the memref says, or a file the client can still shrink (a mapping past a
 * file's end faults, and would kill the whole secure world). So a memref is
 * mapped only if it names a regular file sealed against shrinking, whose real
 * size (fstat) holds the range, and which is not a coprocessor memory.
 *
 * Registered shared memory (REGISTER_SHM) passes the same checks once and
 * stays mapped read-write until UNREGISTER_SHM or the client goes; memrefs
 * then name it by id. The client can still write those bytes while the TA
 * runs, so a TA command may read a registered input only once for each use:
 * LOAD_FW copies every header and segment into private or coprocessor memory
 * first and hashes and parses the copy (secure/ta/ta_load.c, "nothing is read
 * twice from the shared buffer"), so a change after the copy changes nothing
 * that was checked. Ids are per connection: a client reaches only its own.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "common/tee_result.h"
#include "secure/teed/teed_internal.h"

/* The TEE_Params of one call and the mappings behind its memrefs. */
struct teed_call {
	uint32_t types;			  /* TEE_PARAM_TYPES of the request */
	TEE_Param params[TEE_NUM_PARAMS]; /* what the TA sees */
	void *map[TEE_NUM_PARAMS];	  /* mapping of each memref, or NULL */
	size_t map_len[TEE_NUM_PARAMS];	  /* its length */
};

static bool is_memfile(struct teed *d, const struct stat *st)
{
	unsigned int i;

	for (i = 0; i < d->num_memfiles; i++)
		if (d->memfiles[i].dev == st->st_dev && d->memfiles[i].ino == st->st_ino)
			return true;
	return false;
}

/* Everything that must hold before mapping [offset, offset + size) of fd. */
static int check_memref_fd(struct teed *d, int fd, uint64_t offset, uint64_t size, bool writable,
			   struct rpt_error *err)
{
	struct stat st;
	int seals;

	if (fstat(fd, &st) < 0)
		return rpt_error_set(err, errno, "fstat: %s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return rpt_error_set(err, RPT_EFORMAT, "descriptor is not a memfd (mode 0%o)",
				     (unsigned int)st.st_mode);
	seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return rpt_error_set(err, RPT_EFORMAT,
				     "memfd not sealed against shrinking (F_SEAL_SHRINK)");
	if (writable && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return rpt_error_set(err, RPT_EFORMAT, "output memfd is sealed against writes");
	if (!range_inside(offset, size, (uint64_t)st.st_size))
		return rpt_error_set(err, RPT_EFORMAT,
				     "memref [0x%llx, +0x%llx) beyond the memfd's 0x%llx bytes",
				     (unsigned long long)offset, (unsigned long long)size,
				     (unsigned long long)st.st_size);
	/* Loading firmware from coprocessor memory into itself would overlap the copy. */
	if (is_memfile(d, &st))
		return rpt_error_set(err, RPT_EFORMAT, "memref names a coprocessor memory");
	return 0;
}

static int map_memref(struct teed *d, struct teed_call *call, unsigned int i, int fd,
		      const struct tee_wire_param *wp, struct rpt_error *err)
{
	bool writable = wp->type != TEE_PARAM_TYPE_MEMREF_INPUT;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t start, delta;
	void *base;
	int ret;

	ret = check_memref_fd(d, fd, wp->offset, wp->size, writable, err);
	if (ret)
		return ret;
	if (!wp->size)
		return 0; /* no bytes: the TA gets NULL, 0 */
	/* No overflow: decode bounded offset and size (TEE_WIRE_MEMREF_MAX). */
	start = wp->offset & ~(page - 1);
	delta = wp->offset - start;
	base = mmap(NULL, (size_t)(delta + wp->size), PROT_READ | (writable ? PROT_WRITE : 0),
		    MAP_SHARED, fd, (off_t)start);
	if (base == MAP_FAILED)
		return rpt_error_set(err, errno, "mmap of 0x%llx bytes: %s",
				     (unsigned long long)wp->size, strerror(errno));
	call->map[i] = base;
	call->map_len[i] = (size_t)(delta + wp->size);
	call->params[i].memref.buffer = (uint8_t *)base + delta;
	call->params[i].memref.size = (size_t)wp->size;
	return 0;
}

static void call_unmap(struct teed_call *call)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		if (call->map[i])
			munmap(call->map[i], call->map_len[i]);
		call->map[i] = NULL;
	}
}

/* A memref into one of the client's registered shared memories: no mapping per call. */
static int shm_memref(struct teed_client *c, struct teed_call *call, unsigned int i,
		      const struct tee_wire_param *wp, struct rpt_error *err)
{
	const struct teed_shm *shm = wp->a <= TEED_MAX_SHMS ? &c->shms[wp->a - 1] : NULL;

	/* decode: a != 0, size != 0, both bounded. */
	if (!shm || !shm->addr)
		return rpt_error_set(err, RPT_EFORMAT, "memref into shm %u, not registered here",
				     wp->a);
	if (!range_inside(wp->offset, wp->size, shm->size))
		return rpt_error_set(err, RPT_EFORMAT,
				     "memref [0x%llx, +0x%llx) beyond shm %u's 0x%zx bytes",
				     (unsigned long long)wp->offset, (unsigned long long)wp->size,
				     wp->a, shm->size);
	call->params[i].memref.buffer = shm->addr + wp->offset;
	call->params[i].memref.size = (size_t)wp->size;
	return 0;
}

/* Build the TA's parameters from the request; the memrefs are mapped from fds. */
static int call_map(struct teed *d, struct teed_client *c, struct teed_call *call,
		    const struct tee_wire_msg *req, const int *fds, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	memset(call, 0, sizeof(*call));
	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		const struct tee_wire_param *wp = &req->params[i];

		call->types |= wp->type << (4 * i);
		if (!tee_param_is_memref(wp->type)) {
			call->params[i].value.a = wp->a;
			call->params[i].value.b = wp->b;
			continue;
		}
		/* decode checked fd_index < num_fds when it is not FD_NONE or FD_SHM. */
		if (wp->fd_index == TEE_WIRE_FD_NONE)
			continue;
		if (wp->fd_index == TEE_WIRE_FD_SHM)
			ret = shm_memref(c, call, i, wp, err);
		else
			ret = map_memref(d, call, i, fds[wp->fd_index], wp, err);
		if (ret) {
			rpt_error_prefix(err, "param %u: ", i);
			call_unmap(call);
			return ret;
		}
	}
	return 0;
}

/* The reply's parameters: the request's types, with the values and sizes the TA left. */
static void call_reply(const struct teed_call *call, const struct tee_wire_msg *req,
		       struct tee_wire_msg *reply)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		struct tee_wire_param *wp = &reply->params[i];

		wp->type = req->params[i].type;
		wp->fd_index = TEE_WIRE_FD_NONE;
		if (tee_param_is_memref(wp->type)) {
			wp->a = 0;
			wp->size = call->params[i].memref.size;
		} else if (wp->type != TEE_PARAM_TYPE_NONE) {
			wp->a = call->params[i].value.a;
			wp->b = call->params[i].value.b;
		}
	}
}

/* A reply that carries the request's parameter types back unchanged (failures). */
static void echo_params(const struct tee_wire_msg *req, struct tee_wire_msg *reply)
{
	unsigned int i;

	for (i = 0; i < TEE_NUM_PARAMS; i++) {
		reply->params[i] = req->params[i];
		reply->params[i].fd_index = TEE_WIRE_FD_NONE;
		reply->params[i].offset = 0;
		/* A memref by shm id named it in a: a reply memref carries a size only. */
		if (tee_param_is_memref(req->params[i].type))
			reply->params[i].a = 0;
	}
}

/* ---- ops ---- */

static void *session_of(struct teed_client *c, uint32_t handle)
{
	if (!handle || handle > TEED_MAX_SESSIONS)
		return NULL;
	return c->sessions[handle - 1];
}

static int free_session_slot(struct teed_client *c)
{
	unsigned int i;

	for (i = 0; i < TEED_MAX_SESSIONS; i++)
		if (!c->sessions[i])
			return (int)i;
	return -1;
}

static int op_open_session(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
			   const int *fds, struct tee_wire_msg *reply, struct rpt_error *err)
{
	static const TEE_UUID rproc_uuid = TA_RPROC_UUID;
	struct teed_call call;
	void *sess = NULL;
	int slot, ret;

	echo_params(req, reply);
	if (memcmp(&req->uuid, &rproc_uuid, sizeof(rproc_uuid))) {
		reply->result = TEE_ERROR_ITEM_NOT_FOUND;
		reply->origin = TEE_WIRE_ORIGIN_TEE;
		snprintf(reply->reason, sizeof(reply->reason),
			 "rproc-teed serves the remoteproc TA only (another UUID asked)");
		return 0;
	}
	slot = free_session_slot(c);
	if (slot < 0) {
		teed_log(d, "client %u: all %d sessions in use", c->id, TEED_MAX_SESSIONS);
		reply->result = TEE_ERROR_OUT_OF_MEMORY;
		reply->origin = TEE_WIRE_ORIGIN_TEE;
		snprintf(reply->reason, sizeof(reply->reason),
			 "rproc-teed: all %d sessions of this client are open", TEED_MAX_SESSIONS);
		return 0;
	}
	ret = call_map(d, c, &call, req, fds, err);
	if (ret)
		return ret;
	reply->result =
		rproc_ta_open_session_reason(d->ta, call.types, call.params, &sess, reply->reason);
	reply->origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	call_unmap(&call);
	call_reply(&call, req, reply);
	if (reply->result == TEE_SUCCESS) {
		c->sessions[slot] = sess;
		reply->session = (uint32_t)slot + 1;
	}
	return 0;
}

static int op_invoke(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
		     const int *fds, struct tee_wire_msg *reply, struct rpt_error *err)
{
	void *sess = session_of(c, req->session);
	struct teed_call call;
	int ret;

	echo_params(req, reply);
	if (!sess) {
		reply->result = TEE_ERROR_BAD_PARAMETERS;
		reply->origin = TEE_WIRE_ORIGIN_TEE;
		snprintf(reply->reason, sizeof(reply->reason),
			 "rproc-teed: session %u is not open on this connection", req->session);
		return 0;
	}
	ret = call_map(d, c, &call, req, fds, err);
	if (ret)
		return ret;
	if (d->test_hook_before_invoke)
		d->test_hook_before_invoke(d->test_hook_priv, req->cmd);
	reply->result = rproc_ta_invoke_reason(d->ta, sess, req->cmd, call.types, call.params,
					       reply->reason);
	reply->origin = TEE_WIRE_ORIGIN_TRUSTED_APP;
	call_unmap(&call);
	call_reply(&call, req, reply);
	return 0;
}

static void op_close_session(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
			     struct tee_wire_msg *reply)
{
	void *sess = session_of(c, req->session);

	if (!sess) {
		reply->result = TEE_ERROR_BAD_PARAMETERS;
		reply->origin = TEE_WIRE_ORIGIN_TEE;
		return;
	}
	rproc_ta_close_session(d->ta, sess);
	c->sessions[req->session - 1] = NULL;
	reply->result = TEE_SUCCESS;
	reply->origin = TEE_WIRE_ORIGIN_TEE;
}

/* The rproc's memories the normal world may touch, never a secure one. */
static void op_get_shm(struct teed *d, const struct tee_wire_msg *req, struct tee_wire_msg *reply,
		       int *reply_fds)
{
	struct plat_rproc *rp = platform_rproc(d->ta->plat, req->rproc_id);
	unsigned int i;

	reply->origin = TEE_WIRE_ORIGIN_TEE;
	if (!rp) {
		reply->result = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	reply->result = TEE_SUCCESS;
	for (i = 0; i < rp->num_mems && reply->num_shm < TEE_WIRE_MAX_SHM; i++) {
		const struct plat_memory *pm = &rp->mems[i];
		struct tee_wire_shm *s = &reply->shm[reply->num_shm];

		if (pm->desc->secure || pm->fd < 0)
			continue;
		memcpy(s->name, pm->desc->name, strnlen(pm->desc->name, sizeof(s->name) - 1));
		s->da = pm->desc->da;
		s->size = pm->desc->size;
		s->pa = pm->desc->pa;
		reply_fds[reply->num_shm++] = pm->fd;
	}
	reply->num_fds = reply->num_shm;
}

int teed_rproc_index(struct teed *d, uint32_t rproc_id)
{
	struct plat_rproc *rp = platform_rproc(d->ta->plat, rproc_id);

	return rp ? (int)(rp - d->ta->plat->rprocs) : -1;
}

/* ---- the hardware channel ---- */

/*
 * INJECT_CRASH, IPCC_READ, IPCC_WRITE: straight to the hardware of an rproc
 * on the board (decode bounded the args: a crash type, an aligned register
 * inside the IPCC block).
 */
static void op_hw(struct teed *d, const struct tee_wire_msg *req, struct tee_wire_msg *reply)
{
	const struct teed_hw_ops *hw = d->hw;
	int ret = -EOPNOTSUPP;

	reply->origin = TEE_WIRE_ORIGIN_TEE;
	if (teed_rproc_index(d, req->rproc_id) < 0) {
		reply->result = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	if (req->op == TEE_WIRE_OP_INJECT_CRASH && hw && hw->inject_crash)
		ret = hw->inject_crash(d->hw_priv, req->rproc_id, req->arg);
	else if (req->op == TEE_WIRE_OP_IPCC_READ && hw && hw->ipcc_read)
		ret = hw->ipcc_read(d->hw_priv, req->rproc_id, req->reg, &reply->value);
	else if (req->op == TEE_WIRE_OP_IPCC_WRITE && hw && hw->ipcc_write)
		ret = hw->ipcc_write(d->hw_priv, req->rproc_id, req->reg, req->value);
	/* A failed read carries no value (the reply's rule). */
	if (ret)
		reply->value = 0;
	reply->result = tee_result_from_err(ret);
}

/* A core that crashed before the client subscribed: the client learns it now (teed_hw_ops). */
static void replay_crash(struct teed *d, uint32_t rproc_id)
{
	uint32_t type = 0;

	if (d->hw && d->hw->crashed && d->hw->crashed(d->hw_priv, rproc_id, &type))
		teed_post_event(d, rproc_id, TEE_WIRE_EVENT_CRASH, type,
				"the core had crashed before this client subscribed");
}

/* From now on the rproc's events go to this connection too. */
static void op_subscribe(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
			 struct tee_wire_msg *reply)
{
	int idx = teed_rproc_index(d, req->rproc_id);

	reply->origin = TEE_WIRE_ORIGIN_TEE;
	if (idx < 0) {
		reply->result = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	if (!c->events)
		c->events = calloc(TEED_CLIENT_EVENTS, sizeof(*c->events));
	if (!c->events) {
		reply->result = TEE_ERROR_OUT_OF_MEMORY;
		return;
	}
	c->subs |= 1u << idx;
	reply->result = TEE_SUCCESS;
	replay_crash(d, req->rproc_id);
}

/* ---- registered shared memory ---- */

static void shm_unmap(struct teed_client *c, struct teed_shm *shm)
{
	munmap(shm->addr, shm->size);
	c->shm_bytes -= shm->size;
	shm->addr = NULL;
	shm->size = 0;
}

/*
 * Map the client's memfd once, after the checks of any memref (a regular
 * file sealed against shrinking, big enough, no coprocessor memory), within
 * the per-connection limits. Failures the client caused are answers, not
 * disconnections: it may register less and go on.
 */
static int op_register_shm(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
			   const int *fds, struct tee_wire_msg *reply)
{
	struct rpt_error why = {0};
	struct teed_shm *shm = NULL;
	unsigned int i;
	void *addr;

	reply->origin = TEE_WIRE_ORIGIN_TEE;
	for (i = 0; i < TEED_MAX_SHMS && !shm; i++)
		if (!c->shms[i].addr)
			shm = &c->shms[i];
	/* decode: 1 <= shm_size <= TEE_WIRE_MEMREF_MAX, so the sum cannot wrap. */
	if (!shm || c->shm_bytes + req->shm_size > TEED_SHM_BYTES_MAX) {
		teed_log(
			d,
			"client %u: REGISTER_SHM of 0x%llx bytes refused: %u registered, 0x%llx bytes",
			c->id, (unsigned long long)req->shm_size, TEED_MAX_SHMS,
			(unsigned long long)c->shm_bytes);
		reply->result = TEE_ERROR_OUT_OF_MEMORY;
		return 0;
	}
	if (check_memref_fd(d, fds[0], 0, req->shm_size, true, &why)) {
		teed_log(d, "client %u: REGISTER_SHM refused: %s", c->id, rpt_error_msg(&why));
		reply->result = TEE_ERROR_BAD_PARAMETERS;
		return 0;
	}
	addr = mmap(NULL, (size_t)req->shm_size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (addr == MAP_FAILED) {
		teed_log(d, "client %u: REGISTER_SHM: mmap of 0x%llx bytes: %s", c->id,
			 (unsigned long long)req->shm_size, strerror(errno));
		reply->result = TEE_ERROR_BAD_PARAMETERS;
		return 0;
	}
	shm->addr = addr;
	shm->size = (size_t)req->shm_size;
	c->shm_bytes += shm->size;
	reply->shm_id = (uint32_t)(shm - c->shms) + 1;
	reply->result = TEE_SUCCESS;
	return 0;
}

static void op_unregister_shm(struct teed_client *c, const struct tee_wire_msg *req,
			      struct tee_wire_msg *reply)
{
	reply->origin = TEE_WIRE_ORIGIN_TEE;
	/* decode: shm_id != 0. */
	if (req->shm_id > TEED_MAX_SHMS || !c->shms[req->shm_id - 1].addr) {
		reply->result = TEE_ERROR_ITEM_NOT_FOUND;
		return;
	}
	shm_unmap(c, &c->shms[req->shm_id - 1]);
	reply->result = TEE_SUCCESS;
}

void teed_client_release(struct teed *d, struct teed_client *c)
{
	unsigned int i;

	for (i = 0; i < TEED_MAX_SESSIONS; i++) {
		if (c->sessions[i])
			rproc_ta_close_session(d->ta, c->sessions[i]);
		c->sessions[i] = NULL;
	}
	for (i = 0; i < TEED_MAX_SHMS; i++)
		if (c->shms[i].addr)
			shm_unmap(c, &c->shms[i]);
}

int teed_handle(struct teed *d, struct teed_client *c, const struct tee_wire_msg *req,
		const int *fds, struct tee_wire_msg *reply, int *reply_fds, struct rpt_error *err)
{
	memset(reply, 0, sizeof(*reply));
	reply->op = req->op | TEE_WIRE_OP_REPLY;
	reply->seq = req->seq;
	if (req->op != TEE_WIRE_OP_HELLO && !c->greeted)
		return rpt_error_set(err, RPT_EFORMAT, "request before HELLO");
	switch (req->op) {
	case TEE_WIRE_OP_HELLO:
		c->greeted = true;
		reply->version = TEE_WIRE_VERSION;
		reply->origin = TEE_WIRE_ORIGIN_TEE;
		return 0;
	case TEE_WIRE_OP_OPEN_SESSION:
		return op_open_session(d, c, req, fds, reply, err);
	case TEE_WIRE_OP_INVOKE:
		return op_invoke(d, c, req, fds, reply, err);
	case TEE_WIRE_OP_CLOSE_SESSION:
		op_close_session(d, c, req, reply);
		return 0;
	case TEE_WIRE_OP_GET_SHM:
		op_get_shm(d, req, reply, reply_fds);
		return 0;
	case TEE_WIRE_OP_INJECT_CRASH:
	case TEE_WIRE_OP_IPCC_READ:
	case TEE_WIRE_OP_IPCC_WRITE:
		op_hw(d, req, reply);
		return 0;
	case TEE_WIRE_OP_SUBSCRIBE:
		op_subscribe(d, c, req, reply);
		return 0;
	case TEE_WIRE_OP_REGISTER_SHM:
		return op_register_shm(d, c, req, fds, reply);
	case TEE_WIRE_OP_UNREGISTER_SHM:
		op_unregister_shm(c, req, reply);
		return 0;
	default:
		return rpt_error_set(err, RPT_EFORMAT, "op %u is not a request", req->op);
	}
}
