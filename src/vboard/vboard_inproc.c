// SPDX-License-Identifier: BSD-2-Clause
/*
 * The board's backend with the secure world in this process (vboard.h,
 * VBOARD_TEE_INPROC): src/secure/world assembles it (platform, keys, cores,
 * TA) and the drivers reach the TA through the in-process TEE transport.
 * TEE processors use the secure world's cores; a classic-boot processor gets
 * memories and a core of its own here, owned by the normal world.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/safe_math.h"
#include "coproc/coproc.h"
#include "normal/drivers/stm32_classic_rproc.h"
#include "normal/drivers/stm32_ipcc_coproc.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"
#include "secure/world/secure_world.h"
#include "vboard/vboard_internal.h"

/* One processor's hardware, as this backend holds it. */
struct inproc_proc {
	struct coproc *core;	 /* its core: the secure world's (TEE), or our own (classic boot) */
	struct stm32_ipcc *ipcc; /* the driver of its IPCC: the secure world's, or our own */
	uint8_t *nw_maps[BOARD_MAX_MEMS]; /* classic boot: our mappings of its memories */
	struct rproc_memory nw_mems[BOARD_MAX_MEMS]; /* the same, for elf_rproc */
};

struct inproc {
	struct secure_world *world;		    /* NULL on a board without a TEE processor */
	struct tee_context tee;			    /* the in-process transport to its TA */
	bool tee_up;				    /* tee is open */
	struct inproc_proc procs[BOARD_MAX_RPROCS]; /* same index as vb->procs */
};

static struct inproc_proc *ip_of(const struct vboard_proc *p)
{
	struct inproc *ip = p->vb->be;

	return &ip->procs[vboard_proc_index(p)];
}

/* ---- the secure world's events, by rproc id ---- */

static void world_kick(void *priv, uint32_t rproc_id, uint32_t vq)
{
	struct vboard_proc *p = vboard_proc_of_id(priv, rproc_id);

	if (p)
		vboard_proc_kicked(p, vq);
}

/* The core stopped on its own: the SoC's fault/watchdog interrupt reaches remoteproc. */
static void world_crash(void *priv, uint32_t rproc_id, enum rproc_crash_type type, const char *why)
{
	struct vboard_proc *p = vboard_proc_of_id(priv, rproc_id);

	if (p)
		vboard_proc_crashed(p, type, why);
}

static const struct secure_world_events world_events = {
	.kick = world_kick,
	.crash = world_crash,
};

/* ---- a classic-boot processor's own core ---- */

static void elf_kick(void *priv, uint32_t vq)
{
	vboard_proc_kicked(priv, vq);
}

static void elf_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	vboard_proc_crashed(priv, type, why);
}

static const struct coproc_events elf_core_events = {
	.crash = elf_crash,
};

static const struct stm32_ipcc_events elf_ipcc_events = {
	.kick = elf_kick,
};

/* Direct-ELF boards: the normal world owns the memories. */
static int nw_memories(struct vboard_proc *p, struct coproc_mem *mems, struct rpt_error *err)
{
	struct inproc_proc *ipp = ip_of(p);
	unsigned int i;

	for (i = 0; i < p->desc->num_mems; i++) {
		const struct board_memory *m = &p->desc->mems[i];
		void *va = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);

		if (va == MAP_FAILED)
			return rpt_error_set(err, ENOMEM, "%s: cannot map %u bytes", m->name,
					     m->size);
		ipp->nw_maps[i] = va;
		ipp->nw_mems[i] = (struct rproc_memory){.da = m->da,
							.pa = m->pa,
							.size = m->size,
							.va = va,
							.loadable = m->loadable};
		snprintf(ipp->nw_mems[i].name, sizeof(ipp->nw_mems[i].name), "%s", m->name);
		mems[i] = (struct coproc_mem){m->name, m->da, va, m->size};
	}
	return 0;
}

static int elf_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct inproc_proc *ipp = ip_of(p);
	struct coproc_mem mems[BOARD_MAX_MEMS];
	struct stm32_classic_rproc_config cfg = {0};
	struct rpt_error ierr = {0};
	int ret;

	ret = nw_memories(p, mems, err);
	if (ret)
		return ret;
	ipp->core = coproc_create(&(struct coproc_config){.mems = mems,
							  .num_mems = p->desc->num_mems,
							  .desc = p->desc},
				  &elf_core_events, p, err);
	if (!ipp->core)
		return err && err->code ? err->code : -ENOMEM;
	/* Our own driver of its IPCC (none on a board without one: requests say -ENODEV). */
	ipp->ipcc = stm32_ipcc_coproc_create(ipp->core, p->desc, &elf_ipcc_events, p, &ierr);
	if (!ipp->ipcc && ierr.code != -ENODEV)
		return rpt_error_set(err, ierr.code, "%s", rpt_error_msg(&ierr));
	if (p->desc->watchdog_ms) {
		ret = coproc_set_watchdog(ipp->core, p->desc->watchdog_ms, false);
		if (ret)
			return ret;
	}
	cfg.name = p->desc->name;
	cfg.mems = ipp->nw_mems;
	cfg.num_mems = p->desc->num_mems;
	cfg.coproc = &coproc_emu_ops;
	cfg.coproc_priv = ipp->core;
	cfg.mbox = (struct rproc_mbox){.ops = &vboard_mbox_ops, .priv = p};
	cfg.loader = vb->fw_loader;
	cfg.boot = &p->desc->boot;
	cfg.log = vboard_log_line;
	cfg.log_priv = vb;
	cfg.subdevs = vboard_rpmsg_hooks(p);
	p->rproc = stm32_classic_rproc_create(&cfg, err);
	return vboard_proc_made(p, err);
}

/* ---- a TEE processor ---- */

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
		void *va = phys_range_ptr(rp->mems[i].host, m->pa, m->size, pa, size);

		if (va && !m->secure)
			return va;
	}
	return NULL;
}

static int tee_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	struct inproc *ip = vb->be;
	struct inproc_proc *ipp = ip_of(p);
	struct tee_rproc_config cfg;
	uint32_t type;
	int ret;

	ret = secure_world_core(ip->world, p->desc->id, &ipp->core);
	if (ret)
		return rpt_error_set(err, ret, "the secure world has no core for rproc %u",
				     p->desc->id);
	ipp->ipcc = secure_world_ipcc(ip->world, p->desc->id);
	vboard_tee_config(vb, p, &cfg);
	cfg.mapper = (struct tee_rproc_shm_mapper){
		.map = map_shared, .priv = secure_world_rproc(ip->world, p->desc->id)};
	cfg.mbox = (struct rproc_mbox){.ops = &vboard_mbox_ops, .priv = p};
	cfg.subdevs = vboard_rpmsg_hooks(p);
	p->rproc = tee_rproc_create(&cfg, err);
	ret = vboard_proc_made(p, err);
	/* Crashed before remoteproc existed (after the boot loader's start): never "attached". */
	if (!ret && secure_world_crashed(ip->world, p->desc->id, &type))
		vboard_proc_crashed(p, (int)type, "the core had crashed before remoteproc was up");
	return ret;
}

/* ---- the backend ---- */

static int inproc_up(struct vboard *vb, struct rpt_error *err)
{
	struct secure_world_config cfg = {
		.board = &vb->board,
		.trust = vb->opts.trust,
		.num_trust = vb->opts.num_trust,
		.trust_only = vb->opts.trust_only,
		.state_dir = vb->opts.state_dir,
		.log = vboard_log_secure,
		.log_priv = vb,
		.events = &world_events,
		.events_priv = vb,
	};
	struct inproc *ip;
	int ret;

	ip = calloc(1, sizeof(*ip));
	if (!ip)
		return rpt_error_set(err, ENOMEM, "out of memory");
	vb->be = ip;
	snprintf(vb->where, sizeof(vb->where), "secure world in this process");
	/* A board that only loads ELF files needs no secure world. */
	if (!board_has_tee(&vb->board))
		return 0;
	ret = secure_world_create(&ip->world, &cfg, err);
	if (ret)
		return ret;
	ret = tee_inproc_init(&ip->tee, &rproc_ta_entry, secure_world_ta(ip->world));
	if (ret)
		return rpt_error_set(err, ret, "cannot open the in-process TEE");
	ip->tee_up = true;
	vb->tee = &ip->tee;
	return 0;
}

static int inproc_proc_create(struct vboard *vb, struct vboard_proc *p, struct rpt_error *err)
{
	return p->desc->tee ? tee_proc_create(vb, p, err) : elf_proc_create(vb, p, err);
}

/* The core stops and reports as it would for a real fault, whatever the firmware. */
static int inproc_inject_crash(struct vboard_proc *p, enum rproc_crash_type type)
{
	struct inproc *ip = p->vb->be;

	if (p->desc->tee)
		return secure_world_inject_crash(ip->world, p->desc->id, (uint32_t)type);
	return coproc_inject_crash(ip_of(p)->core, (int)type, NULL);
}

static struct coproc *inproc_core(const struct vboard_proc *p)
{
	return ip_of(p)->core;
}

static struct stm32_ipcc *inproc_ipcc(const struct vboard_proc *p)
{
	return ip_of(p)->ipcc;
}

static const uint8_t *inproc_secure_view(struct vboard_proc *p, const struct board_memory *m)
{
	struct inproc *ip = p->vb->be;
	struct plat_rproc *rp;
	unsigned int i;

	if (!ip->world || !p->desc->tee)
		return NULL;
	rp = secure_world_rproc(ip->world, p->desc->id);
	for (i = 0; rp && i < rp->num_mems; i++)
		if (!strcmp(rp->mems[i].desc->name, m->name))
			return rp->mems[i].host;
	return NULL;
}

static void inproc_down(struct vboard *vb)
{
	struct inproc *ip = vb->be;
	unsigned int i, m;

	if (ip->tee_up)
		tee_finalize(&ip->tee);
	vb->tee = NULL;
	/* The TA stops what runs and wipes it, then the secure cores and memories go. */
	secure_world_destroy(ip->world);
	for (i = 0; i < vb->num_procs; i++) {
		struct inproc_proc *ipp = &ip->procs[i];

		if (!vb->procs[i].desc->tee) {
			coproc_destroy(ipp->core);
			stm32_ipcc_destroy(ipp->ipcc); /* after the core that delivers its irqs */
		}
		ipp->core = NULL;
		ipp->ipcc = NULL;
		for (m = 0; m < BOARD_MAX_MEMS; m++)
			if (ipp->nw_maps[m])
				munmap(ipp->nw_maps[m], vb->procs[i].desc->mems[m].size);
	}
	free(ip);
	vb->be = NULL;
}

const struct vboard_backend vboard_inproc_backend = {
	.name = "inproc",
	.up = inproc_up,
	.proc_create = inproc_proc_create,
	.inject_crash = inproc_inject_crash,
	.core = inproc_core,
	.ipcc = inproc_ipcc,
	.secure_view = inproc_secure_view,
	.down = inproc_down,
};
