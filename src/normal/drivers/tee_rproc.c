// SPDX-License-Identifier: BSD-2-Clause
/*
 * TEE remoteproc driver: LOAD_FW, START_FW, STOP_FW, GET_RSC_TABLE,
 * GET_COREDUMP and RELEASE_FW of the remoteproc TA behind the rproc ops.
 */
#include "normal/drivers/tee_rproc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "common/tee_result.h"
#include "formats/signed_image.h"

/* The driver's state, rproc->priv. */
struct tee_rproc {
	struct tee_session sess;	    /* our one session on the TA */
	bool sess_open;			    /* sess must be closed */
	uint32_t rproc_id;		    /* param0 of every command */
	struct tee_rproc_shm_mapper mapper; /* shared memory -> host pointer */
	struct rproc_mbox mbox;		    /* shutdown request, doorbells */
	void *rsc_va;			    /* mapping of the loaded resource table, or NULL */
	size_t rsc_size;		    /* its size */
	void *mem_va[RPROC_MAX_MEMS];	    /* mappings of the shared memories (to unmap) */
	size_t mem_size[RPROC_MAX_MEMS];
	struct tee_shm fw_shm; /* TEE shared memory firmware is read into, kept for the next boot */
	bool fw_shm_busy;      /* it holds the image being loaded */
	struct rproc_subdev_hooks subdevs; /* the rpmsg buses, around add and free */
};

/*
 * params[1..3] from the caller; params[0] is always VALUE_IN a = rproc id.
 * reason (TEE_REASON_MAX bytes) gets the secure world's reason of a failure.
 */
static TEE_Result ta_call(struct tee_rproc *drv, uint32_t cmd, struct tee_param p[TEE_NUM_PARAMS],
			  char *reason)
{
	uint32_t origin = 0;

	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = drv->rproc_id;
	p[0].u.value.b = 0;
	return tee_invoke_reason(&drv->sess, cmd, p, &origin, reason);
}

/*
 * The failure as the secure world explained it: the code, then its reason.
 * Never a cause guessed from the code (one code has many causes): when the TEE
 * gave none, the message says so and where the reason is.
 */
static int tee_fail(const struct tee_context *tee, TEE_Result res, const char *reason,
		    struct rpt_error *err, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int tee_fail(const struct tee_context *tee, TEE_Result res, const char *reason,
		    struct rpt_error *err, const char *fmt, ...)
{
	char what[96];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (reason && reason[0])
		return rpt_error_set(err, tee_result_to_err(res), "%s: %s: %s", what,
				     tee_result_name(res), reason);
	return rpt_error_set(err, tee_result_to_err(res), "%s: %s (no reason given: see %s)", what,
			     tee_result_name(res), tee_reason_where(tee));
}

static int ta_fail(struct tee_rproc *drv, uint32_t cmd, TEE_Result res, const char *reason,
		   struct rpt_error *err)
{
	return tee_fail(drv->sess.ctx, res, reason, err, "TA %s", ta_rproc_cmd_name(cmd));
}

/* A command with only the rproc id. */
static int ta_simple(struct tee_rproc *drv, uint32_t cmd, struct rpt_error *err)
{
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	TEE_Result res;

	memset(p, 0, sizeof(p));
	res = ta_call(drv, cmd, p, reason);
	return res == TEE_SUCCESS ? 0 : ta_fail(drv, cmd, res, reason, err);
}

static void unmap_rsc(struct tee_rproc *drv)
{
	if (drv->rsc_va && drv->mapper.unmap)
		drv->mapper.unmap(drv->mapper.priv, drv->rsc_va, drv->rsc_size);
	drv->rsc_va = NULL;
	drv->rsc_size = 0;
}

/* A quick look at the header so a plain ELF gets a clear message before reaching the TA. */
static int tee_rproc_sanity_check(struct rproc *rproc, const struct rproc_fw *fw,
				  struct rpt_error *err)
{
	uint32_t magic;

	(void)rproc;
	if (fw->size < SIMG_HEADER_SIZE)
		return rpt_error_set(err, RPT_EFORMAT,
				     "%zu bytes: too short for a signed image header (%u bytes)",
				     fw->size, SIMG_HEADER_SIZE);
	magic = get_le32(fw->data);
	/* The ELF a board without TEE takes: say what it is and how it becomes an image. */
	if (!memcmp(fw->data,
		    "\x7f"
		    "ELF",
		    4))
		return rpt_error_set(
			err, RPT_EFORMAT,
			"this is an ELF file, not a signed image: this processor boots "
			"through the TEE, which loads only signed images; sign it with "
			"`rproc-sign sign --in FW.elf --out FW.sign --key KEY.pem` "
			"(a key the TEE trusts)");
	if (magic != SIMG_MAGIC)
		return rpt_error_set(err, RPT_EFORMAT,
				     "not a signed image: magic 0x%08x, expected 0x%08x", magic,
				     SIMG_MAGIC);
	return 0;
}

static int tee_rproc_load(struct rproc *rproc, const struct rproc_fw *fw, struct rpt_error *err)
{
	struct tee_rproc *drv = rproc->priv;
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	TEE_Result res;

	memset(p, 0, sizeof(p));
	p[1].type = TEE_PARAM_TYPE_MEMREF_INPUT;
	/* An input memref: the TA only reads it (the API has no const buffers). */
	p[1].u.memref.buffer = (void *)fw->data;
	p[1].u.memref.size = fw->size;
	res = ta_call(drv, TA_RPROC_CMD_LOAD_FW, p, reason);
	return res == TEE_SUCCESS ? 0 : ta_fail(drv, TA_RPROC_CMD_LOAD_FW, res, reason, err);
}

/* The TA's answer must name a range inside one memory the normal world shares. */
static int check_rsc_range(struct rproc *rproc, uint64_t pa, uint64_t size, struct rpt_error *err)
{
	unsigned int i;

	for (i = 0; i < rproc->num_mems; i++) {
		const struct rproc_memory *m = &rproc->mems[i];

		if (range_within(pa, size, m->pa, m->size)) {
			if (!m->va)
				return rpt_error_set(
					err, RPT_ERANGE,
					"resource table at pa 0x%llx size 0x%llx is in memory %s, which the normal world cannot map",
					(unsigned long long)pa, (unsigned long long)size, m->name);
			return 0;
		}
	}
	return rpt_error_set(
		err, RPT_ERANGE,
		"resource table at pa 0x%llx size 0x%llx is outside every memory of the processor",
		(unsigned long long)pa, (unsigned long long)size);
}

static int tee_rproc_get_loaded_rsc_table(struct rproc *rproc, void **table, size_t *len,
					  struct rpt_error *err)
{
	struct tee_rproc *drv = rproc->priv;
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	uint64_t pa, size;
	TEE_Result res;
	void *va;
	int ret;

	*table = NULL;
	*len = 0;
	memset(p, 0, sizeof(p));
	p[1].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	p[2].type = TEE_PARAM_TYPE_VALUE_OUTPUT;
	res = ta_call(drv, TA_RPROC_CMD_GET_RSC_TABLE, p, reason);
	if (res != TEE_SUCCESS)
		return ta_fail(drv, TA_RPROC_CMD_GET_RSC_TABLE, res, reason, err);
	pa = p[1].u.value.a | (uint64_t)p[1].u.value.b << 32;
	size = p[2].u.value.a | (uint64_t)p[2].u.value.b << 32;
	unmap_rsc(drv);
	if (!pa && !size)
		return 0; /* the firmware has no resource table */
	if (!size || size > TEE_RPROC_RSC_TABLE_MAX)
		return rpt_error_set(
			err, RPT_EFORMAT,
			"TA GET_RSC_TABLE: resource table at pa 0x%llx with size 0x%llx",
			(unsigned long long)pa, (unsigned long long)size);
	ret = check_rsc_range(rproc, pa, size, err);
	if (ret)
		return ret;
	va = drv->mapper.map ? drv->mapper.map(drv->mapper.priv, pa, (size_t)size) : NULL;
	if (!va)
		return rpt_error_set(err, RPT_ERANGE,
				     "cannot map the resource table at pa 0x%llx size 0x%llx",
				     (unsigned long long)pa, (unsigned long long)size);
	drv->rsc_va = va;
	drv->rsc_size = (size_t)size;
	*table = va;
	*len = (size_t)size;
	return 0;
}

static int tee_rproc_find_loaded_rsc_table(struct rproc *rproc, const struct rproc_fw *fw,
					   void **table, size_t *len, struct rpt_error *err)
{
	(void)fw; /* the TA knows what it loaded */
	return tee_rproc_get_loaded_rsc_table(rproc, table, len, err);
}

/* The firmware keeps running in the TA's hands; we only tell it and unmap its table. */
static int tee_rproc_detach(struct rproc *rproc, struct rpt_error *err)
{
	struct tee_rproc *drv = rproc->priv;

	(void)err;
	stm32_mbox_notify_detach(rproc, &drv->mbox);
	unmap_rsc(drv);
	return 0;
}

static int tee_rproc_start(struct rproc *rproc, struct rpt_error *err)
{
	return ta_simple(rproc->priv, TA_RPROC_CMD_START_FW, err);
}

static int tee_rproc_stop(struct rproc *rproc, struct rpt_error *err)
{
	struct tee_rproc *drv = rproc->priv;
	int ret;

	stm32_mbox_request_shutdown(rproc, &drv->mbox);
	ret = ta_simple(drv, TA_RPROC_CMD_STOP_FW, err);
	if (ret)
		return ret;
	/* The core saved the table before calling us: the mapping is no longer used. */
	unmap_rsc(drv);
	return 0;
}

static void tee_rproc_release_fw(struct rproc *rproc)
{
	struct tee_rproc *drv = rproc->priv;
	struct rpt_error e = {0};

	unmap_rsc(drv);
	if (ta_simple(drv, TA_RPROC_CMD_RELEASE_FW, &e))
		rproc_log(rproc, RPT_LOG_ERR, "release_fw failed: %s", rpt_error_msg(&e));
}

static int tee_rproc_coredump(struct rproc *rproc, uint8_t **dump, size_t *len,
			      struct rpt_error *err)
{
	struct tee_rproc *drv = rproc->priv;
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	uint8_t *buf = NULL;
	size_t cap = 0, need;
	TEE_Result res;
	unsigned int tries;

	/* Ask with no buffer; the TA answers SHORT_BUFFER with the size it needs. */
	for (tries = 0; tries < 4; tries++) {
		memset(p, 0, sizeof(p));
		p[1].type = TEE_PARAM_TYPE_MEMREF_OUTPUT;
		p[1].u.memref.buffer = buf;
		p[1].u.memref.size = cap;
		res = ta_call(drv, TA_RPROC_CMD_GET_COREDUMP, p, reason);
		if (res == TEE_SUCCESS) {
			if (!p[1].u.memref.size || p[1].u.memref.size > cap)
				break;
			*dump = buf;
			*len = p[1].u.memref.size;
			return 0;
		}
		if (res != TEE_ERROR_SHORT_BUFFER) {
			free(buf);
			return ta_fail(drv, TA_RPROC_CMD_GET_COREDUMP, res, reason, err);
		}
		need = p[1].u.memref.size;
		if (need <= cap || need > TEE_RPROC_COREDUMP_MAX)
			break;
		free(buf);
		buf = malloc(need);
		if (!buf)
			return rpt_error_set(err, ENOMEM, "no memory for a %zu-byte coredump",
					     need);
		cap = need;
	}
	free(buf);
	return rpt_error_set(err, EIO, "TA GET_COREDUMP: inconsistent sizes (last %zu, buffer %zu)",
			     p[1].u.memref.size, cap);
}

static void tee_rproc_kick(struct rproc *rproc, int vqid)
{
	struct tee_rproc *drv = rproc->priv;

	stm32_mbox_kick(rproc, &drv->mbox, vqid);
}

static const struct rproc_ops tee_rproc_ops = {
	.start = tee_rproc_start,
	.stop = tee_rproc_stop,
	.kick = tee_rproc_kick,
	.find_loaded_rsc_table = tee_rproc_find_loaded_rsc_table,
	.get_loaded_rsc_table = tee_rproc_get_loaded_rsc_table,
	.load = tee_rproc_load,
	.sanity_check = tee_rproc_sanity_check,
	.coredump = tee_rproc_coredump,
	.release_fw = tee_rproc_release_fw,
	/* No attach: the TA runs the firmware already (tee_rproc_probe), nothing to start. */
	.detach = tee_rproc_detach,
};

/*
 * What does the secure world hold for this processor, at start-up? Linux's
 * stm32_rproc reads the M4 state from a TAMP backup register (DT
 * st,syscfg-m4-state) that the boot loader and the firmware keep up to date.
 * Here the TA contract of DESIGN section 4 answers it, unchanged and on every
 * platform (in-process, rproc-teed, a real OP-TEE): the remoteproc TA is a
 * single-instance keep-alive TA, so its state outlives the boot loader's
 * session and that of a daemon that was killed, and RELEASE_FW is refused
 * with BAD_STATE exactly while a firmware runs; otherwise it releases
 * whatever is loaded (wiped), which is what a daemon starting up must do
 * with a loaded-but-stopped image it knows nothing about. So RELEASE_FW:
 * BAD_STATE = running (state DETACHED, attached at rproc_add()), success =
 * nothing runs and nothing stays loaded. Any other answer: we cannot tell,
 * the processor is taken as offline (logged).
 */
static void tee_rproc_probe(struct rproc *rproc, struct tee_rproc *drv)
{
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	TEE_Result res;

	memset(p, 0, sizeof(p));
	res = ta_call(drv, TA_RPROC_CMD_RELEASE_FW, p, reason);
	if (res == TEE_SUCCESS)
		return;
	if (res == TEE_ERROR_BAD_STATE) {
		rproc_log(rproc, RPT_LOG_INFO,
			  "%s already runs a firmware the TEE loaded: attaching to it",
			  rproc->name);
		rproc_set_detached(rproc);
		/* The daemon is its only user: attach at once, as Linux with st,auto-boot. */
		rproc->auto_boot = true;
		return;
	}
	rproc_log(rproc, RPT_LOG_WARN,
		  "cannot tell what the TEE runs (TA RELEASE_FW: %s%s%s): "
		  "taken as offline",
		  tee_result_name(res), reason[0] ? ": " : "", reason);
}

static int open_session(struct tee_rproc *drv, struct tee_context *tee, struct rpt_error *err)
{
	static const TEE_UUID uuid = TA_RPROC_UUID;
	struct tee_param p[TEE_NUM_PARAMS];
	char reason[TEE_REASON_MAX];
	uint32_t origin = 0;
	TEE_Result res;

	memset(p, 0, sizeof(p));
	p[0].type = TEE_PARAM_TYPE_VALUE_INPUT;
	p[0].u.value.a = drv->rproc_id;
	res = tee_open_session_reason(tee, &uuid, p, &drv->sess, &origin, reason);
	if (res != TEE_SUCCESS)
		return tee_fail(
			tee, res, reason, err,
			"cannot open a session on the remoteproc TA for rproc %u (origin %u)",
			drv->rproc_id, origin);
	drv->sess_open = true;
	return 0;
}

static void unmap_memories(struct tee_rproc *drv)
{
	unsigned int i;

	for (i = 0; i < RPROC_MAX_MEMS; i++) {
		if (drv->mem_va[i] && drv->mapper.unmap)
			drv->mapper.unmap(drv->mapper.priv, drv->mem_va[i], drv->mem_size[i]);
		drv->mem_va[i] = NULL;
	}
}

/* Each board memory as the core sees it: shared ones mapped, secure ones without mapping. */
static int add_memories(struct rproc *rproc, struct tee_rproc *drv,
			const struct tee_rproc_config *cfg, struct rpt_error *err)
{
	struct rproc_memory m;
	unsigned int i;
	int ret;

	if (cfg->num_mems > RPROC_MAX_MEMS)
		return rpt_error_set(err, ENOSPC, "tee_rproc: %u memories, at most %d",
				     cfg->num_mems, RPROC_MAX_MEMS);
	for (i = 0; i < cfg->num_mems; i++) {
		const struct board_memory *b = &cfg->mems[i];

		memset(&m, 0, sizeof(m));
		snprintf(m.name, sizeof(m.name), "%s", b->name);
		m.da = b->da;
		m.pa = b->pa;
		m.size = b->size;
		m.loadable = b->loadable;
		if (!b->secure && b->size && drv->mapper.map) {
			m.va = drv->mapper.map(drv->mapper.priv, b->pa, b->size);
			if (!m.va)
				rproc_log(rproc, RPT_LOG_WARN,
					  "shared memory %s (pa 0x%llx) cannot be mapped", b->name,
					  (unsigned long long)b->pa);
			drv->mem_va[i] = m.va;
			drv->mem_size[i] = b->size;
		}
		ret = rproc_add_memory(rproc, &m, err);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Firmware is read straight into TEE shared memory, so that LOAD_FW hands it
 * over without a copy (the socket transport registers it once with
 * rproc-teed). One buffer, grown when an image needs more, serves every boot.
 */
static void *fw_mem_alloc(void *priv, size_t size, struct rpt_error *err)
{
	struct tee_rproc *drv = priv;
	TEE_Result res;

	if (drv->fw_shm_busy) {
		rpt_error_set(err, EBUSY, "the firmware buffer is in use");
		return NULL;
	}
	if (drv->fw_shm.size < size) {
		tee_shm_free(&drv->fw_shm);
		res = tee_shm_alloc(drv->sess.ctx, size, &drv->fw_shm);
		if (res != TEE_SUCCESS) {
			rpt_error_set(err, tee_result_to_err(res),
				      "%zu bytes of TEE shared memory for the firmware: %s", size,
				      tee_result_name(res));
			return NULL;
		}
	}
	drv->fw_shm_busy = true;
	return drv->fw_shm.buffer;
}

static void fw_mem_free(void *priv, void *buf)
{
	struct tee_rproc *drv = priv;

	(void)buf;
	drv->fw_shm_busy = false;
}

struct rproc *tee_rproc_create(const struct tee_rproc_config *cfg, struct rpt_error *err)
{
	struct tee_rproc *drv;
	struct rproc *rproc;

	if (!cfg || !cfg->tee) {
		rpt_error_set(err, EINVAL, "tee_rproc: no TEE context");
		return NULL;
	}
	drv = calloc(1, sizeof(*drv));
	if (!drv) {
		rpt_error_set(err, ENOMEM, "tee_rproc: out of memory");
		return NULL;
	}
	drv->rproc_id = cfg->rproc_id;
	drv->mapper = cfg->mapper;
	drv->mbox = cfg->mbox;
	drv->subdevs = cfg->subdevs;
	if (open_session(drv, cfg->tee, err))
		goto free_drv;
	rproc = rproc_alloc(cfg->name, &tee_rproc_ops, cfg->firmware, drv, err);
	if (!rproc)
		goto close_session;
	rproc->alt_boot = true;
	rproc->fw_loader = cfg->loader;
	rproc->fw_mem =
		(struct rproc_fw_mem){.alloc = fw_mem_alloc, .free = fw_mem_free, .priv = drv};
	rproc->log = cfg->log;
	rproc->log_priv = cfg->log_priv;
	if (add_memories(rproc, drv, cfg, err))
		goto free_rproc;
	if (stm32_apply_boot(rproc, cfg->boot, err))
		goto free_rproc;
	tee_rproc_probe(rproc, drv);
	if (stm32_rproc_add(rproc, &drv->subdevs, err))
		goto free_rproc;
	return rproc;

free_rproc:
	rproc_free(rproc);
	unmap_memories(drv);
close_session:
	tee_close_session(&drv->sess);
free_drv:
	free(drv);
	return NULL;
}

void tee_rproc_destroy(struct rproc *rproc)
{
	struct tee_rproc *drv;

	if (!rproc)
		return;
	drv = rproc->priv;
	stm32_rproc_free(rproc, &drv->subdevs);
	unmap_rsc(drv);
	unmap_memories(drv);
	tee_shm_free(&drv->fw_shm);
	if (drv->sess_open)
		tee_close_session(&drv->sess);
	free(drv);
}
