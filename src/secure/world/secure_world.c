// SPDX-License-Identifier: BSD-2-Clause
/*
 * The secure world assembly (secure_world.h): board -> platform -> keys and
 * the demo-key warning -> emulated cores -> TA -> the boot loader's start.
 */
#include "secure/world/secure_world.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coproc/coproc.h"
#include "crypto/keyring.h"
#include "demo_key.h"
#include "normal/drivers/stm32_ipcc_coproc.h"
#include "secure/platform/platform.h"
#include "secure/ta/rproc_ta.h"

/* Where the events of one core go: its world and the rproc id the callers know. */
struct world_core {
	struct secure_world *w;	 /* back pointer */
	uint32_t id;		 /* the board's rproc id */
	struct coproc *core;	 /* the emulated core, or NULL */
	struct stm32_ipcc *ipcc; /* processor 1's driver of its IPCC, NULL if the board has none */
	uint32_t last_crash;	 /* type of its last crash (written on the core's thread, atomic) */
};

struct secure_world {
	struct secure_world_config cfg;		   /* as given (the board is the caller's) */
	struct platform plat;			   /* memories, keys, rollback state */
	bool plat_up;				   /* platform_init succeeded */
	struct rproc_ta ta;			   /* the TA */
	bool ta_up;				   /* rproc_ta_init succeeded */
	struct world_core cores[BOARD_MAX_RPROCS]; /* per platform rproc, same index */
};

/* ---- the one log sink ---- */

static void world_log(struct secure_world *w, enum rpt_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void world_log(struct secure_world *w, enum rpt_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (w->cfg.log)
		w->cfg.log(w->cfg.log_priv, level, line);
	else
		fprintf(stderr, "%s\n", line);
}

/* The TA's console: every failure it reports. */
static void ta_log(void *priv, const char *msg)
{
	world_log(priv, RPT_LOG_ERR, "remoteproc TA: %s", msg);
}

/* ---- keys ---- */

static int trust_key(struct plat_rproc *rp, const char *path, struct rpt_error *err)
{
	struct crypto_key *key;
	int ret;

	ret = crypto_key_load_public(path, &key, err);
	if (ret)
		return ret;
	/* Takes the key, also on failure. */
	return platform_trust_key(rp, key, path, err);
}

/*
 * The extra keys, for every coprocessor the TA loads (the others never see a
 * signed image). With trust_only they are the only ones: the board's list is
 * forgotten first, so no key the user did not name stays trusted.
 */
static int trust_keys(struct secure_world *w, struct rpt_error *err)
{
	unsigned int i, k;
	int ret;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		struct plat_rproc *rp = &w->plat.rprocs[i];

		if (!rp->desc->tee)
			continue;
		if (w->cfg.trust_only) {
			keyring_free(&rp->keys);
			keyring_init(&rp->keys);
		}
		for (k = 0; k < w->cfg.num_trust; k++) {
			ret = trust_key(rp, w->cfg.trust[k], err);
			if (ret) {
				rpt_error_prefix(err, "trusted key %s: ", w->cfg.trust[k]);
				return ret;
			}
		}
	}
	return 0;
}

/*
 * Say at start which keys each coprocessor trusts, by key id (SHA-256 of the
 * DER SubjectPublicKeyInfo, what `rproc-sign info` shows and PKEYINFO names)
 * and where each came from, so a log shows what a device accepts.
 */
static void log_trusted_keys(struct secure_world *w)
{
	char hex[2 * CRYPTO_SHA256_SIZE + 1];
	unsigned int i, k, b;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		const struct plat_rproc *rp = &w->plat.rprocs[i];
		const struct keyring *ring = &rp->keys;

		if (!rp->desc->tee)
			continue;
		if (!ring->count)
			world_log(w, RPT_LOG_WARN, "rproc %u trusts no key: it loads no image",
				  rp->desc->id);
		for (k = 0; k < ring->count; k++) {
			for (b = 0; b < CRYPTO_SHA256_SIZE; b++)
				snprintf(hex + (size_t)2 * b, 3, "%02x", ring->ids[k][b]);
			world_log(w, RPT_LOG_INFO, "rproc %u trusts key %s from %s%s", rp->desc->id,
				  hex, ring->names[k], w->cfg.trust_only ? " (--trust-only)" : "");
		}
	}
}

/* The demo key's id, from the copy built into the program (never from a file that could move). */
static bool demo_key_id(uint8_t id[CRYPTO_SHA256_SIZE])
{
	struct crypto_key *key;
	bool ok;

	if (crypto_key_load_public_mem(rpt_demo_pub_pem, strlen(rpt_demo_pub_pem), &key, NULL))
		return false;
	ok = !crypto_key_id(key, id);
	crypto_key_free(key);
	return ok;
}

/*
 * Anyone can sign with the demo key (DESIGN section 9, item 11): say so,
 * loudly, once per coprocessor and key, whatever brought the key in.
 */
static void warn_demo_key(struct secure_world *w)
{
	uint8_t demo[CRYPTO_SHA256_SIZE];
	unsigned int i, k;

	if (!demo_key_id(demo))
		return;
	for (i = 0; i < w->plat.num_rprocs; i++) {
		const struct keyring *ring = &w->plat.rprocs[i].keys;

		for (k = 0; k < ring->count; k++)
			if (!memcmp(ring->ids[k], demo, sizeof(demo)))
				world_log(
					w, RPT_LOG_WARN,
					"WARNING: rproc %u trusts the PUBLISHED TEST-ONLY demo key "
					"(%s): its private half is in the source tree, ANYONE can "
					"sign firmware this coprocessor will run. Never use it "
					"outside tests.",
					w->plat.rprocs[i].desc->id, ring->names[k]);
	}
}

/* ---- cores ---- */

static void on_kick(void *priv, uint32_t vq)
{
	struct world_core *wc = priv;
	const struct secure_world_events *ev = wc->w->cfg.events;

	if (ev && ev->kick)
		ev->kick(wc->w->cfg.events_priv, wc->id, vq);
}

static void on_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	struct world_core *wc = priv;
	const struct secure_world_events *ev = wc->w->cfg.events;

	__atomic_store_n(&wc->last_crash, (uint32_t)type, __ATOMIC_RELAXED);
	if (ev && ev->crash)
		ev->crash(wc->w->cfg.events_priv, wc->id, type, why);
}

static const struct coproc_events core_events = {
	.crash = on_crash,
};

/* The mailbox's events: the same driver as the normal world's, run here (DESIGN section 10). */
static const struct stm32_ipcc_events ipcc_events = {
	.kick = on_kick,
};

/* Processor 1's lines, for a driver that runs elsewhere (secure_world_events.ipcc_irq). */
static void fwd_irq(void *priv, bool rx, bool tx)
{
	struct world_core *wc = priv;
	const struct secure_world_events *ev = wc->w->cfg.events;

	ev->ipcc_irq(wc->w->cfg.events_priv, wc->id, rx, tx);
}

/* A reset leaves every line low: the remote driver sets the block up after the start. */
static void fwd_reset(void *priv)
{
	(void)priv;
}

static const struct coproc_ipcc_host fwd_host = {
	.irq = fwd_irq,
	.reset = fwd_reset,
};

/* An emulated core over exactly the platform's mappings of the rproc's memories. */
static int attach_core(struct secure_world *w, unsigned int idx, struct rpt_error *err)
{
	struct plat_rproc *rp = &w->plat.rprocs[idx];
	struct world_core *wc = &w->cores[idx];
	struct coproc_mem mems[COPROC_MAX_MEMS];
	struct rpt_error ierr = {0};
	unsigned int i;
	int ret;

	for (i = 0; i < rp->num_mems && i < COPROC_MAX_MEMS; i++)
		mems[i] = (struct coproc_mem){rp->mems[i].desc->name, rp->mems[i].desc->da,
					      rp->mems[i].host, rp->mems[i].desc->size};
	wc->w = w;
	wc->id = rp->desc->id;
	wc->core = coproc_create(
		&(struct coproc_config){.mems = mems, .num_mems = i, .desc = rp->desc},
		&core_events, wc, err);
	if (!wc->core)
		return err && err->code ? err->code : -ENOMEM;
	ret = coproc_set_watchdog(wc->core, rp->desc->watchdog_ms, false);
	if (ret) {
		coproc_destroy(wc->core);
		wc->core = NULL;
		return rpt_error_set(err, ret, "cannot set the watchdog to %u ms",
				     rp->desc->watchdog_ms);
	}
	/* A board without an IPCC has no mailbox: its requests say -ENODEV. */
	if (w->cfg.events && w->cfg.events->ipcc_irq)
		coproc_ipcc_host_connect(wc->core, &fwd_host, wc);
	else
		wc->ipcc = stm32_ipcc_coproc_create(wc->core, rp->desc, &ipcc_events, wc, &ierr);
	if (!wc->ipcc && ierr.code && ierr.code != -ENODEV) {
		coproc_destroy(wc->core);
		wc->core = NULL;
		return rpt_error_set(err, ierr.code, "%s", rpt_error_msg(&ierr));
	}
	/* The core sits on the hardware side: only the secure world starts and stops it. */
	platform_attach_coproc(rp, &coproc_emu_ops, wc->core);
	return 0;
}

static void detach_cores(struct secure_world *w)
{
	unsigned int i;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		if (!w->cores[i].core)
			continue;
		/* Halted before its memories go: platform_exit unmaps them. */
		coproc_destroy(w->cores[i].core);
		/* After the core: its thread delivered the driver's interrupts. */
		stm32_ipcc_destroy(w->cores[i].ipcc);
		w->cores[i].ipcc = NULL;
		platform_attach_coproc(&w->plat.rprocs[i], NULL, NULL);
		w->cores[i].core = NULL;
	}
}

static int attach_cores(struct secure_world *w, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		if (!w->plat.rprocs[i].desc->tee)
			continue;
		ret = attach_core(w, i, err);
		if (ret) {
			rpt_error_prefix(err, "rproc %u: emulated coprocessor: ",
					 w->plat.rprocs[i].desc->id);
			detach_cores(w);
			return ret;
		}
	}
	return 0;
}

/*
 * What the board's boot loader starts, before any client. One it cannot
 * start stays off, as on a board whose boot loader failed: the secure world
 * comes up all the same (logged).
 */
static void boot_loader_start(struct secure_world *w)
{
	struct rpt_error err;
	unsigned int i;

	for (i = 0; i < w->cfg.board->num_rprocs; i++) {
		const struct board_rproc *rp = &w->cfg.board->rprocs[i];

		if (!rp->tee || !rp->boot.loader_firmware[0])
			continue;
		rpt_error_clear(&err);
		if (rproc_ta_boot_loader_start(&w->ta, rp, &err))
			world_log(w, RPT_LOG_WARN, "%s: left offline", rpt_error_msg(&err));
		else
			world_log(w, RPT_LOG_INFO, "rproc %u: the boot loader started %s", rp->id,
				  rp->boot.loader_firmware);
	}
}

/* ---- the whole ---- */

int secure_world_create(struct secure_world **out, const struct secure_world_config *cfg,
			struct rpt_error *err)
{
	struct secure_world *w;
	int ret;

	*out = NULL;
	if (!board_has_tee(cfg->board))
		return rpt_error_set(err, EINVAL,
				     "board %s has no TEE coprocessor: nothing for a secure world "
				     "to load",
				     cfg->board->model);
	/* The platform and the TA are large: off the stack, never in a caller's struct. */
	w = calloc(1, sizeof(*w));
	if (!w)
		return rpt_error_set(err, ENOMEM, "out of memory");
	w->cfg = *cfg;
	if (cfg->state_dir) {
		ret = plat_rollback_default_state(cfg->board, cfg->state_dir, err);
		if (ret)
			goto out_free;
	}
	ret = platform_init(&w->plat, cfg->board, err);
	if (ret)
		goto out_free;
	w->plat_up = true;
	ret = trust_keys(w, err);
	if (ret)
		goto out_destroy;
	log_trusted_keys(w);
	warn_demo_key(w);
	if (!cfg->no_cores) {
		ret = attach_cores(w, err);
		if (ret)
			goto out_destroy;
	}
	ret = rproc_ta_init(&w->ta, &w->plat, err);
	if (ret)
		goto out_destroy;
	w->ta_up = true;
	w->ta.log = ta_log;
	w->ta.log_priv = w;
	if (!cfg->no_cores)
		boot_loader_start(w);
	*out = w;
	return 0;

out_destroy:
	secure_world_destroy(w);
	return ret;
out_free:
	free(w);
	return ret;
}

void secure_world_destroy(struct secure_world *w)
{
	if (!w)
		return;
	/* The TA stops what runs and wipes what it loaded; then the cores, then the memory. */
	if (w->ta_up)
		rproc_ta_exit(&w->ta);
	detach_cores(w);
	if (w->plat_up)
		platform_exit(&w->plat);
	free(w);
}

struct rproc_ta *secure_world_ta(struct secure_world *w)
{
	return &w->ta;
}

struct plat_rproc *secure_world_rproc(struct secure_world *w, uint32_t rproc_id)
{
	return platform_rproc(&w->plat, rproc_id);
}

/* ---- the hardware side: mailbox and crash injection ---- */

/* The core record of rproc_id, NULL (with *ret set) if the board has none. */
static struct world_core *core_of(struct secure_world *w, uint32_t rproc_id, int *ret)
{
	struct plat_rproc *rp = platform_rproc(&w->plat, rproc_id);
	struct world_core *wc;

	*ret = -ENOENT;
	if (!rp)
		return NULL;
	wc = &w->cores[rp - w->plat.rprocs];
	*ret = wc->core ? 0 : -EOPNOTSUPP;
	return wc->core ? wc : NULL;
}

int secure_world_core(struct secure_world *w, uint32_t rproc_id, struct coproc **core)
{
	int ret;
	struct world_core *wc = core_of(w, rproc_id, &ret);

	*core = wc ? wc->core : NULL;
	return ret;
}

struct stm32_ipcc *secure_world_ipcc(struct secure_world *w, uint32_t rproc_id)
{
	int ret;
	struct world_core *wc = core_of(w, rproc_id, &ret);

	return wc ? wc->ipcc : NULL;
}

int secure_world_inject_crash(struct secure_world *w, uint32_t rproc_id, uint32_t type)
{
	int ret;
	struct world_core *wc = core_of(w, rproc_id, &ret);

	if (type > RPROC_FATAL_ERROR)
		return -EINVAL;
	/* No reason given: the core's own "injected ..." words, the same everywhere. */
	return wc ? coproc_inject_crash(wc->core, (int)type, NULL) : ret;
}

bool secure_world_crashed(struct secure_world *w, uint32_t rproc_id, uint32_t *type)
{
	int ret;
	struct world_core *wc = core_of(w, rproc_id, &ret);

	if (!wc || coproc_state(wc->core) != COPROC_CRASHED)
		return false;
	*type = __atomic_load_n(&wc->last_crash, __ATOMIC_RELAXED);
	return true;
}
