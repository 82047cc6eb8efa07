// SPDX-License-Identifier: BSD-2-Clause
/*
 * Bringing up rproc-teed's secure world: board, platform, trusted keys (with
 * a loud warning for the published demo key, DESIGN section 9 item 11), TA,
 * and the emulated coprocessors when the emulator is built in.
 */
#include "world.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board/board_dt.h"
#include "crypto/keyring.h"
#include "demo_key.h"
#include "coproc/coproc.h"

/* ---- board ---- */

/* The board of boards/vstm32mp15-m4-tee.dts, without its key (give one with --trust). */
static void builtin_board(struct board *b)
{
	struct board_rproc *rp = &b->rprocs[0];

	memset(b, 0, sizeof(*b));
	snprintf(b->model, sizeof(b->model), "vstm32mp15-m4-tee (built-in)");
	b->num_rprocs = 1;
	rp->id = 0;
	snprintf(rp->name, sizeof(rp->name), "m4");
	snprintf(rp->compatible, sizeof(rp->compatible), "%s", BOARD_COMPAT_M4_TEE);
	rp->tee = true;
	snprintf(rp->cpu, sizeof(rp->cpu), "cortex-m4");
	board_stm32mp15_layout(rp, false);
	rp->policy.coredump_allowed = true;
	rp->policy.allow_unversioned = true;
	snprintf(rp->mbox.name, sizeof(rp->mbox.name), "mailbox");
	rp->mbox.pa = 0x4c001000;
	rp->mbox.da = 0x4c001000;
	rp->mbox.size = 0x400;
	rp->mbox.vq0 = 0;
	rp->mbox.vq1 = 1;
	rp->mbox.shutdown = 2;
	rp->mbox.detach = BOARD_MBOX_NONE;
}

static int load_board(struct world *w, const struct world_options *o, struct rpt_error *err)
{
	int ret;

	if (o->builtin) {
		builtin_board(&w->board);
		return 0;
	}
	ret = board_load_file(&w->board, o->board_path, err);
	if (ret)
		rpt_error_prefix(err, "board %s: ", o->board_path);
	return ret;
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

static int trust_keys(struct world *w, const struct world_options *o, struct rpt_error *err)
{
	unsigned int i, k;
	int ret;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		struct plat_rproc *rp = &w->plat.rprocs[i];

		if (!rp->desc->tee)
			continue;
		for (k = 0; k < o->num_trust; k++) {
			ret = trust_key(rp, o->trust[k], err);
			if (ret) {
				rpt_error_prefix(err, "--trust %s: ", o->trust[k]);
				return ret;
			}
		}
	}
	return 0;
}

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

/* Anyone can sign with the demo key: say so, loudly, whenever a coprocessor trusts it. */
static void warn_demo_key(struct world *w)
{
	uint8_t demo[CRYPTO_SHA256_SIZE];
	unsigned int i, k;

	if (!demo_key_id(demo))
		return;
	for (i = 0; i < w->plat.num_rprocs; i++) {
		const struct keyring *ring = &w->plat.rprocs[i].keys;

		for (k = 0; k < ring->count; k++) {
			if (memcmp(ring->ids[k], demo, sizeof(demo)))
				continue;
			fprintf(stderr,
				"rproc-teed: WARNING: rproc %u trusts the PUBLISHED TEST-ONLY demo key (%s).\n"
				"rproc-teed: WARNING: its private half is in the source tree: ANYONE can sign\n"
				"rproc-teed: WARNING: firmware this coprocessor will run. Never use it outside tests.\n",
				w->plat.rprocs[i].desc->id, ring->names[k]);
		}
	}
}

/* ---- coprocessors ---- */

/* ---- events: from the cores' threads to whoever serves the hardware channel ---- */

void world_set_event_sink(struct world *w, world_event_sink sink, void *priv)
{
	pthread_mutex_lock(&w->sink_lock);
	w->sink = sink;
	w->sink_priv = priv;
	pthread_mutex_unlock(&w->sink_lock);
}

static void post(struct world_core *wc, enum tee_wire_event_kind kind, uint32_t arg,
		 const char *why)
{
	struct world *w = wc->w;

	pthread_mutex_lock(&w->sink_lock);
	if (w->sink)
		w->sink(w->sink_priv, wc->id, kind, arg, why);
	pthread_mutex_unlock(&w->sink_lock);
}

static void on_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	struct world_core *wc = priv;

	fprintf(stderr, "rproc-teed: rproc %u: coprocessor crashed (%s): %s\n", wc->id,
		rproc_crash_to_string(type), why);
	__atomic_store_n(&wc->last_crash, (uint32_t)type, __ATOMIC_RELAXED);
	post(wc, TEE_WIRE_EVENT_CRASH, (uint32_t)type, why);
}

static void on_shutdown_ack(void *priv)
{
	struct world_core *wc = priv;

	fprintf(stderr, "rproc-teed: rproc %u: firmware acknowledged the shutdown request\n",
		wc->id);
	post(wc, TEE_WIRE_EVENT_SHUTDOWN_ACK, 0, NULL);
}

/* Doorbells are frequent: relayed without a log line. */
static void on_kick(void *priv, uint32_t vq)
{
	post(priv, TEE_WIRE_EVENT_KICK, vq, NULL);
}

static const struct coproc_events world_events = {
	.kick = on_kick,
	.crash = on_crash,
	.shutdown_ack = on_shutdown_ack,
};

/* The core of rproc_id, NULL (with *ret set) if there is none. */
static struct coproc *core_of(struct world *w, uint32_t rproc_id, int *ret)
{
	struct plat_rproc *rp = platform_rproc(&w->plat, rproc_id);
	struct coproc *c;

	*ret = -ENOENT;
	if (!rp)
		return NULL;
	c = w->coprocs[rp - w->plat.rprocs];
	*ret = c ? 0 : -EOPNOTSUPP;
	return c;
}

static int hw_kick(void *priv, uint32_t rproc_id, uint32_t vq)
{
	int ret;
	struct coproc *c = core_of(priv, rproc_id, &ret);

	return c ? coproc_kick(c, vq) : ret;
}

static int hw_request_shutdown(void *priv, uint32_t rproc_id)
{
	int ret;
	struct coproc *c = core_of(priv, rproc_id, &ret);

	return c ? coproc_request_shutdown(c) : ret;
}

/* Only where the board wires ST's "detach" channel; otherwise there is nobody to tell. */
static int hw_request_detach(void *priv, uint32_t rproc_id)
{
	struct world *w = priv;
	const struct board_rproc *desc = board_find_rproc(&w->board, rproc_id);
	int ret;
	struct coproc *c = core_of(w, rproc_id, &ret);

	if (!c)
		return ret;
	if (!desc || desc->mbox.detach == BOARD_MBOX_NONE)
		return 0;
	return coproc_request_detach(c);
}

static int hw_inject_crash(void *priv, uint32_t rproc_id, uint32_t type)
{
	static const char *const why[] = {"injected memory fault", "injected watchdog expiry",
					  "injected fatal error"};
	int ret;
	struct coproc *c = core_of(priv, rproc_id, &ret);

	if (!rproc_crash_type_valid(type))
		return -EINVAL;
	return c ? coproc_inject_crash(c, (enum rproc_crash_type)type, why[type]) : ret;
}

static bool hw_crashed(void *priv, uint32_t rproc_id, uint32_t *type)
{
	struct world *w = priv;
	struct plat_rproc *rp = platform_rproc(&w->plat, rproc_id);
	int ret;
	struct coproc *c = core_of(w, rproc_id, &ret);

	if (!c || coproc_state(c) != COPROC_CRASHED)
		return false;
	*type = __atomic_load_n(&w->cores[rp - w->plat.rprocs].last_crash, __ATOMIC_RELAXED);
	return true;
}

const struct teed_hw_ops world_hw_ops = {
	.kick = hw_kick,
	.request_shutdown = hw_request_shutdown,
	.inject_crash = hw_inject_crash,
	.request_detach = hw_request_detach,
	.crashed = hw_crashed,
};

/* An emulated core over exactly the platform's mappings of the rproc's memories. */
static int attach_coproc(struct world *w, unsigned int idx, struct rpt_error *err)
{
	struct plat_rproc *rp = &w->plat.rprocs[idx];
	struct coproc_mem mems[COPROC_MAX_MEMS];
	struct coproc *c;
	unsigned int i;
	int ret;

	for (i = 0; i < rp->num_mems && i < COPROC_MAX_MEMS; i++) {
		mems[i].name = rp->mems[i].desc->name;
		mems[i].da = rp->mems[i].desc->da;
		mems[i].host = rp->mems[i].host;
		mems[i].size = rp->mems[i].desc->size;
	}
	w->cores[idx] = (struct world_core){.w = w, .id = rp->desc->id};
	c = coproc_create(rp->desc->cpu[0] ? rp->desc->cpu : "cortex-m4", mems, i, &world_events,
			  &w->cores[idx], err);
	if (!c)
		return err && err->code ? err->code : -ENOMEM;
	ret = coproc_set_watchdog(c, rp->desc->watchdog_ms, false);
	if (ret) {
		coproc_destroy(c);
		return rpt_error_set(err, ret, "cannot set the watchdog to %u ms",
				     rp->desc->watchdog_ms);
	}
	platform_attach_coproc(rp, &coproc_emu_ops, c);
	w->coprocs[idx] = c;
	return 0;
}

static void detach_coprocs(struct world *w)
{
	unsigned int i;

	for (i = 0; i < BOARD_MAX_RPROCS; i++) {
		if (!w->coprocs[i])
			continue;
		/* Halted before its memories go: platform_exit unmaps them. */
		coproc_destroy(w->coprocs[i]);
		platform_attach_coproc(&w->plat.rprocs[i], NULL, NULL);
		w->coprocs[i] = NULL;
	}
}

static int attach_coprocs(struct world *w, struct rpt_error *err)
{
	unsigned int i;
	int ret;

	for (i = 0; i < w->plat.num_rprocs; i++) {
		if (!w->plat.rprocs[i].desc->tee)
			continue;
		ret = attach_coproc(w, i, err);
		if (ret) {
			rpt_error_prefix(err, "rproc %u: emulated coprocessor: ",
					 w->plat.rprocs[i].desc->id);
			detach_coprocs(w);
			return ret;
		}
	}
	return 0;
}

/* ---- the whole ---- */

static void log_ta(void *priv, const char *msg)
{
	(void)priv;
	fprintf(stderr, "rproc-teed: TA: %s\n", msg);
}

/*
 * What the board's boot loader starts (rproc,boot-loader-firmware), before
 * any client. One it cannot start stays off, as on a board whose boot loader
 * failed: the secure world comes up all the same (logged).
 */
static void boot_loader_start(struct world *w)
{
	struct rpt_error err;
	unsigned int i;

	for (i = 0; i < w->board.num_rprocs; i++) {
		const struct board_rproc *rp = &w->board.rprocs[i];

		if (!rp->boot.loader_firmware[0])
			continue;
		rpt_error_clear(&err);
		if (rproc_ta_boot_loader_start(&w->ta, rp, &err))
			fprintf(stderr, "rproc-teed: %s: left offline\n", rpt_error_msg(&err));
		else
			fprintf(stderr, "rproc-teed: rproc %u: the boot loader started %s\n",
				rp->id, rp->boot.loader_firmware);
	}
}

int world_init(struct world *w, const struct world_options *o, struct rpt_error *err)
{
	int ret;

	memset(w, 0, sizeof(*w));
	if (pthread_mutex_init(&w->sink_lock, NULL))
		return rpt_error_set(err, ENOMEM, "cannot create the event lock");
	ret = load_board(w, o, err);
	if (!ret && o->state_dir)
		ret = plat_rollback_default_state(&w->board, o->state_dir, err);
	if (ret)
		goto out_lock;
	ret = platform_init(&w->plat, &w->board, err);
	if (ret)
		goto out_lock;
	w->plat_up = true;
	ret = trust_keys(w, o, err);
	if (ret)
		goto out_plat;
	warn_demo_key(w);
	if (!o->no_coproc) {
		ret = attach_coprocs(w, err);
		if (ret)
			goto out_plat;
	}
	ret = rproc_ta_init(&w->ta, &w->plat, err);
	if (ret)
		goto out_coprocs;
	w->ta.log = log_ta;
	w->ta_up = true;
	if (!o->no_coproc)
		boot_loader_start(w);
	return 0;

out_coprocs:
	detach_coprocs(w);
out_plat:
	platform_exit(&w->plat);
	w->plat_up = false;
out_lock:
	pthread_mutex_destroy(&w->sink_lock);
	return ret;
}

void world_exit(struct world *w)
{
	/* The TA stops what runs and wipes what it loaded; then the cores, then the memory. */
	if (w->ta_up)
		rproc_ta_exit(&w->ta);
	w->ta_up = false;
	detach_coprocs(w);
	if (w->plat_up)
		platform_exit(&w->plat);
	w->plat_up = false;
	pthread_mutex_destroy(&w->sink_lock);
}
