// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board assembly (vboard.h): the board file, the in-process secure world,
 * the processors with their drivers, mailbox and crash wiring. A secure world
 * in another process or behind the TEE device is vboard_remote.c's.
 */
#include "vboard/vboard.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "board/board_dt.h"
#include "common/file_io.h"
#include "common/safe_math.h"
#include "normal/core/rproc_fw_file.h"
#include "normal/drivers/stm32_classic_rproc.h"
#include "vboard/vboard_internal.h"

void vb_log(struct vboard *vb, enum rproc_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (vb->opts.log)
		vb->opts.log(vb->opts.log_priv, level, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* ---- mailbox and core events ---- */

void vboard_expect_shutdown_ack(struct vboard_proc *p)
{
	pthread_mutex_lock(&p->ack_lock);
	p->shutdown_acked = false;
	p->crashed_meanwhile = false;
	pthread_mutex_unlock(&p->ack_lock);
}

static int mbox_request_shutdown(void *priv)
{
	struct vboard_proc *p = priv;

	vboard_expect_shutdown_ack(p);
	return coproc_request_shutdown(p->core);
}

void vboard_deadline(struct timespec *until, unsigned int ms)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_sec += ms / 1000;
	until->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until->tv_nsec >= 1000000000L) {
		until->tv_sec++;
		until->tv_nsec -= 1000000000L;
	}
}

int vboard_wait_shutdown_ack(void *priv, unsigned int timeout_ms)
{
	struct vboard_proc *p = priv;
	struct timespec until;
	int ret = 0;

	vboard_deadline(&until, timeout_ms);
	pthread_mutex_lock(&p->ack_lock);
	while (!p->shutdown_acked && !p->crashed_meanwhile && !ret)
		ret = pthread_cond_timedwait(&p->ack_cond, &p->ack_lock, &until);
	/* A core that crashed meanwhile will never answer: stop it now, not at the timeout. */
	ret = p->shutdown_acked ? 0 : p->crashed_meanwhile ? -ECANCELED : -ETIMEDOUT;
	pthread_mutex_unlock(&p->ack_lock);
	return ret;
}

static int mbox_kick(void *priv, unsigned int vqid)
{
	struct vboard_proc *p = priv;

	return coproc_kick(p->core, vqid);
}

/* The "detach" channel (ST: the 4th IPCC channel, <&ipcc 3>), when the board wires one. */
static int mbox_request_detach(void *priv)
{
	struct vboard_proc *p = priv;

	if (p->desc->mbox.detach == BOARD_MBOX_NONE)
		return 0;
	return coproc_request_detach(p->core);
}

static const struct rproc_mbox_ops mbox_ops = {
	.request_shutdown = mbox_request_shutdown,
	.wait_shutdown_ack = vboard_wait_shutdown_ack,
	.kick = mbox_kick,
	.request_detach = mbox_request_detach,
};

static void ev_kick(void *priv, uint32_t vq)
{
	struct vboard_proc *p = priv;

	(void)vq;
	__atomic_add_fetch(&p->kicks, 1, __ATOMIC_RELAXED);
}

void vboard_shutdown_acked(struct vboard_proc *p)
{
	pthread_mutex_lock(&p->ack_lock);
	p->shutdown_acked = true;
	pthread_cond_broadcast(&p->ack_cond);
	pthread_mutex_unlock(&p->ack_lock);
}

static void ev_shutdown_ack(void *priv)
{
	vboard_shutdown_acked(priv);
}

void vboard_proc_crashed(struct vboard_proc *p, int type, const char *why)
{
	/* ack_lock also guards p->rproc against teardown; reporting only queues work. */
	pthread_mutex_lock(&p->ack_lock);
	p->crashed_meanwhile = true;
	pthread_cond_broadcast(&p->ack_cond);
	if (p->rproc) {
		rproc_log(p->rproc, RPROC_LOG_ERR, "coprocessor crashed (%s): %s",
			  rproc_crash_to_string(type), why);
		rproc_report_crash(p->rproc, (enum rproc_crash_type)type);
	}
	pthread_mutex_unlock(&p->ack_lock);
}

/* The core stopped on its own: the SoC's fault/watchdog interrupt reaches remoteproc. */
static void ev_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	vboard_proc_crashed(priv, type, why);
}

static const struct coproc_events core_events = {
	.kick = ev_kick,
	.shutdown_ack = ev_shutdown_ack,
	.crash = ev_crash,
};

int vboard_inject_crash(struct vboard_proc *p, enum rproc_crash_type type)
{
	static const char *const why[] = {"injected memory fault", "injected watchdog expiry",
					  "injected fatal error"};

	if (!rproc_crash_type_valid((unsigned int)type))
		return -EINVAL;
	if (p->vb->opts.tee != VBOARD_TEE_INPROC)
		return vboard_remote_inject_crash(p, type);
	/*
	 * The core stops and reports as it would for a real fault; any firmware
	 * (not only ours, which can also be told to fault through the mailbox).
	 */
	return coproc_inject_crash(p->core, (int)type, why[type]);
}

/* ---- secure world (in process) ---- */

/* The published demo key must never be trusted silently (DESIGN section 9, item 11). */
static void warn_demo_key(struct vboard *vb, struct plat_rproc *rp)
{
	struct rpt_error err = {0};
	struct crypto_key *demo;
	uint8_t id[CRYPTO_SHA256_SIZE];
	unsigned int i;

	if (crypto_key_load_public(RPT_DEMO_PUBKEY, &demo, &err))
		return;
	if (!crypto_key_id(demo, id))
		for (i = 0; i < rp->keys.count; i++)
			if (!memcmp(rp->keys.ids[i], id, sizeof(id)))
				vb_log(vb, RPROC_LOG_WARN,
				       "remoteproc TA: WARNING: rproc %u trusts the PUBLISHED TEST-ONLY "
				       "demo key (%s): anyone can sign firmware for it. Never use "
				       "this board description on a real device.",
				       rp->desc->id, rp->keys.names[i]);
	crypto_key_free(demo);
}

static int trust_extra_keys(struct vboard *vb, struct plat_rproc *rp, struct rpt_error *err)
{
	struct crypto_key *key;
	unsigned int i;
	int ret;

	for (i = 0; i < vb->opts.num_trust; i++) {
		ret = crypto_key_load_public(vb->opts.trust[i], &key, err);
		if (!ret)
			ret = platform_trust_key(rp, key, vb->opts.trust[i], err);
		if (ret)
			return ret;
	}
	return 0;
}

static void ta_log(void *priv, const char *msg)
{
	vb_log(priv, RPROC_LOG_ERR, "remoteproc TA: %s", msg);
}

static bool board_has_tee(const struct board *b)
{
	unsigned int i;

	for (i = 0; i < b->num_rprocs; i++)
		if (b->rprocs[i].tee)
			return true;
	return false;
}

static int secure_world_up(struct vboard *vb, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	if (!board_has_tee(&vb->board))
		return 0;
	if (vb->opts.state_dir) {
		ret = plat_rollback_default_state(&vb->board, vb->opts.state_dir, err);
		if (ret)
			return ret;
	}
	ret = platform_init(&vb->plat, &vb->board, err);
	if (ret)
		return ret;
	vb->plat_up = true;
	for (i = 0; i < vb->plat.num_rprocs; i++) {
		ret = trust_extra_keys(vb, &vb->plat.rprocs[i], err);
		if (ret)
			return ret;
		warn_demo_key(vb, &vb->plat.rprocs[i]);
	}
	ret = rproc_ta_init(&vb->ta, &vb->plat, err);
	if (ret)
		return ret;
	vb->ta_up = true;
	vb->ta.log = ta_log;
	vb->ta.log_priv = vb;
	ret = tee_inproc_init(&vb->tee, &rproc_ta_entry, &vb->ta);
	if (ret)
		return rpt_error_set(err, ret, "cannot open the in-process TEE");
	vb->tee_up = true;
	return 0;
}

/*
 * The normal world maps only shared memories: a physical range inside a
 * secure one (or in none) gets no mapping, whatever the TA answered.
 */
static void *map_shared(void *priv, uint64_t pa, size_t size)
{
	struct plat_rproc *rp = priv;
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = rp->mems[i].desc;

		if (!m->secure && range_within(pa, size, m->pa, m->size))
			return rp->mems[i].host + (pa - m->pa);
	}
	return NULL;
}

/* ---- one coprocessor ---- */

static void proc_log(void *priv, enum rproc_log_level level, const char *line)
{
	struct vboard *vb = priv;

	if (vb->opts.log)
		vb->opts.log(vb->opts.log_priv, level, line);
	else if (level <= RPROC_LOG_WARN)
		fprintf(stderr, "%s\n", line);
}

static int core_create(struct vboard_proc *p, const struct coproc_mem *mems, unsigned int n,
		       struct rpt_error *err)
{
	p->core = coproc_create(p->desc->cpu[0] ? p->desc->cpu : "cortex-m4", mems, n, &core_events,
				p, err);
	if (!p->core)
		return err && err->code ? err->code : -ENOMEM;
	if (p->desc->watchdog_ms)
		return coproc_set_watchdog(p->core, p->desc->watchdog_ms, false);
	return 0;
}

void vboard_tee_config(struct vboard *vb, struct vboard_proc *p, struct tee_rproc_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->name = p->desc->name;
	cfg->tee = &vb->tee;
	cfg->rproc_id = p->desc->id;
	cfg->mems = p->desc->mems;
	cfg->num_mems = p->desc->num_mems;
	cfg->loader = vb->fw_loader;
	cfg->boot = &p->desc->boot;
	cfg->log = proc_log;
	cfg->log_priv = vb;
}

static int tee_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct plat_rproc *rp = platform_rproc(&vb->plat, p->desc->id);
	struct rpt_error bl_err = {0};
	struct coproc_mem mems[BOARD_MAX_MEMS];
	struct tee_rproc_config cfg;
	unsigned int i;
	int ret;

	for (i = 0; i < rp->num_mems; i++)
		mems[i] = (struct coproc_mem){rp->mems[i].desc->name, rp->mems[i].desc->da,
					      rp->mems[i].host, rp->mems[i].desc->size};
	ret = core_create(p, mems, rp->num_mems, err);
	if (ret)
		return ret;
	/* The core sits on the hardware side: only the secure world starts and stops it. */
	platform_attach_coproc(rp, &coproc_emu_ops, p->core);
	/*
	 * Before any daemon: what the boot loader starts runs when the driver
	 * comes up. A boot loader that cannot start it leaves it off, and the
	 * system comes up all the same (logged).
	 */
	if (rproc_ta_boot_loader_start(&vb->ta, p->desc, &bl_err))
		vb_log(vb, RPROC_LOG_WARN, "%s: left offline", rpt_error_msg(&bl_err));
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){.map = map_shared, .priv = rp};
	cfg.mbox = (struct rproc_mbox){.ops = &mbox_ops, .priv = p};
	p->rproc = tee_rproc_create(&cfg, err);
	if (!p->rproc)
		return err && err->code ? err->code : -ENOMEM;
	/* Crashed before remoteproc existed (after the boot loader's start): never "attached". */
	if (coproc_state(p->core) == COPROC_CRASHED)
		vboard_proc_crashed(p, RPROC_FATAL_ERROR,
				    "the core had crashed before remoteproc was up");
	return 0;
}

/* Direct-ELF boards: the normal world owns the memories. */
static int nw_memories(struct vboard_proc *p, struct coproc_mem *mems, struct rpt_error *err)
{
	unsigned int i;

	for (i = 0; i < p->desc->num_mems; i++) {
		const struct board_memory *m = &p->desc->mems[i];
		void *va = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

		if (va == MAP_FAILED)
			return rpt_error_set(err, ENOMEM, "%s: cannot map %u bytes", m->name,
					     m->size);
		p->nw_maps[i] = va;
		p->nw_mems[i] = (struct rproc_memory){.da = m->da,
						      .pa = m->pa,
						      .size = m->size,
						      .va = va,
						      .loadable = m->loadable};
		snprintf(p->nw_mems[i].name, sizeof(p->nw_mems[i].name), "%s", m->name);
		mems[i] = (struct coproc_mem){m->name, m->da, va, m->size};
	}
	return 0;
}

static int elf_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct coproc_mem mems[BOARD_MAX_MEMS];
	struct stm32_classic_rproc_config cfg = {0};
	int ret;

	ret = nw_memories(p, mems, err);
	if (!ret)
		ret = core_create(p, mems, p->desc->num_mems, err);
	if (ret)
		return ret;
	cfg.name = p->desc->name;
	cfg.mems = p->nw_mems;
	cfg.num_mems = p->desc->num_mems;
	cfg.coproc = &coproc_emu_ops;
	cfg.coproc_priv = p->core;
	cfg.mbox = (struct rproc_mbox){.ops = &mbox_ops, .priv = p};
	cfg.loader = vb->fw_loader;
	cfg.boot = &p->desc->boot;
	cfg.log = proc_log;
	cfg.log_priv = vb;
	p->rproc = stm32_classic_rproc_create(&cfg, err);
	return p->rproc ? 0 : (err && err->code ? err->code : -ENOMEM);
}

static void proc_destroy(struct vboard_proc *p)
{
	struct rproc *rproc;

	pthread_mutex_lock(&p->ack_lock);
	rproc = p->rproc;
	p->rproc = NULL;
	pthread_mutex_unlock(&p->ack_lock);
	if (p->desc->tee)
		tee_rproc_destroy(rproc);
	else
		stm32_classic_rproc_destroy(rproc);
}

static void proc_free_hw(struct vboard_proc *p)
{
	unsigned int i;

	coproc_destroy(p->core);
	p->core = NULL;
	for (i = 0; i < BOARD_MAX_MEMS; i++)
		if (p->nw_maps[i])
			munmap(p->nw_maps[i], p->desc->mems[i].size);
	pthread_cond_destroy(&p->ack_cond);
	pthread_mutex_destroy(&p->ack_lock);
}

/* ---- the board ---- */

void vboard_destroy(struct vboard *vb)
{
	unsigned int i;

	if (!vb)
		return;
	/* Processors first (graceful stop through the TA), then the secure world, then cores. */
	for (i = 0; i < vb->num_procs; i++)
		proc_destroy(&vb->procs[i]);
	if (vb->opts.tee != VBOARD_TEE_INPROC)
		vboard_remote_down(vb);
	else if (vb->tee_up)
		tee_finalize(&vb->tee);
	if (vb->ta_up)
		rproc_ta_exit(&vb->ta);
	for (i = 0; i < vb->num_procs; i++)
		proc_free_hw(&vb->procs[i]);
	if (vb->plat_up)
		platform_exit(&vb->plat);
	free(vb);
}

/* The acknowledgement wait uses CLOCK_MONOTONIC deadlines: so must its condition. */
static void init_ack(struct vboard_proc *p)
{
	pthread_condattr_t attr;

	pthread_mutex_init(&p->ack_lock, NULL);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&p->ack_cond, &attr);
	pthread_condattr_destroy(&attr);
}

/* The board's coredump mode and inline wait (rproc,coredump*), before any crash can happen. */
static void proc_coredump_defaults(struct vboard_proc *p)
{
	rproc_set_coredump(p->rproc, (enum rproc_dump_mechanism)p->desc->coredump);
	rproc_set_coredump_timeout(p->rproc, p->desc->coredump_timeout_ms);
}

static int procs_create(struct vboard *vb, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < vb->board.num_rprocs; i++) {
		struct vboard_proc *p = &vb->procs[i];

		p->vb = vb;
		p->desc = &vb->board.rprocs[i];
		init_ack(p);
		vb->num_procs++;
		if (vb->opts.tee != VBOARD_TEE_INPROC)
			ret = vboard_remote_proc_create(vb, p, err);
		else if (p->desc->tee)
			ret = tee_proc_create(vb, p, err);
		else
			ret = elf_proc_create(vb, p, err);
		if (ret) {
			rpt_error_prefix(err, "%s: ", p->desc->name);
			return ret;
		}
		proc_coredump_defaults(p);
	}
	return 0;
}

/* The loader's search path: opts->firmware_dirs, else opts->firmware_dir, else ".". */
static int set_firmware_path(struct vboard *vb, const struct vboard_opts *opts)
{
	unsigned int i;

	if (!opts->num_firmware_dirs)
		return rproc_fw_dir_loader(&vb->fw_loader, &vb->fw_dir,
					   opts->firmware_dir ? opts->firmware_dir : ".");
	if (opts->num_firmware_dirs > RPROC_FW_DIRS_MAX ||
	    rproc_fw_dir_loader(&vb->fw_loader, &vb->fw_dir, opts->firmware_dirs[0]))
		return -EINVAL;
	for (i = 1; i < opts->num_firmware_dirs; i++)
		if (rproc_fw_dir_add(&vb->fw_dir, opts->firmware_dirs[i]))
			return -EINVAL;
	return 0;
}

int vboard_create(struct vboard **out, const struct vboard_opts *opts, struct rpt_error *err)
{
	struct vboard *vb = calloc(1, sizeof(*vb));
	int ret;

	*out = NULL;
	if (!vb)
		return rpt_error_set(err, ENOMEM, "out of memory");
	vb->opts = *opts;
	/* Relative names in the firmware search path; absolute paths (rprocctl's) as given. */
	if (set_firmware_path(vb, opts)) {
		free(vb);
		return rpt_error_set(err, EINVAL, "firmware directory name empty or too long");
	}
	vb->fw_dir.allow_absolute = true;
	vb->ev_stop[0] = vb->ev_stop[1] = -1;
	if ((unsigned int)opts->tee > VBOARD_TEE_DEV) {
		free(vb);
		return rpt_error_set(err, EINVAL, "unknown secure-world place %u",
				     (unsigned int)opts->tee);
	}
	ret = board_load_file(&vb->board, opts->board_path, err);
	if (!ret)
		ret = opts->tee == VBOARD_TEE_INPROC ? secure_world_up(vb, err)
						     : vboard_remote_up(vb, err);
	if (!ret)
		ret = procs_create(vb, err);
	if (!ret && opts->tee != VBOARD_TEE_INPROC)
		ret = vboard_remote_start(vb, err);
	if (ret) {
		vboard_destroy(vb);
		return ret;
	}
	*out = vb;
	return 0;
}

int vboard_parse_tee(const char *spec, enum vboard_tee *tee, const char **path,
		     struct rpt_error *err)
{
	if (spec && !strcmp(spec, "inproc")) {
		*tee = VBOARD_TEE_INPROC;
		*path = NULL;
		return 0;
	}
	/* "socket" alone: rproc-teed at its default path (common/ipc_path.h). */
	if (spec && !strcmp(spec, "socket")) {
		*tee = VBOARD_TEE_SOCKET;
		*path = NULL;
		return 0;
	}
	if (spec && !strncmp(spec, "socket:", 7) && spec[7]) {
		*tee = VBOARD_TEE_SOCKET;
		*path = spec + 7;
		return tee_wire_check_path(*path, err);
	}
	if (spec && !strncmp(spec, "dev:", 4) && spec[4]) {
		*tee = VBOARD_TEE_DEV;
		*path = spec + 4;
		return 0;
	}
	return rpt_error_set(err, EINVAL, "'%s': expected inproc, socket:PATH or dev:PATH",
			     spec ? spec : "");
}
