// SPDX-License-Identifier: BSD-2-Clause
/*
 * rproc-teed's side of the secure world (world.h): the board, the log, the
 * event relay and the server's hardware ops. The secure world itself is
 * assembled by src/secure/world, as for an in-process board.
 */
#include "world.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "board/board_dt.h"
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

/* ---- log and events ---- */

/* Everything the secure world says goes to the daemon's stderr. */
static void log_line(void *priv, enum rpt_log_level level, const char *line)
{
	(void)priv;
	(void)level;
	fprintf(stderr, "rproc-teed: %s\n", line);
}

static void post(struct world *w, uint32_t rproc_id, enum tee_wire_event_kind kind, uint32_t arg,
		 const char *why)
{
	pthread_mutex_lock(&w->relay_lock);
	if (w->server)
		teed_post_event(w->server, rproc_id, kind, arg, why);
	pthread_mutex_unlock(&w->relay_lock);
}

static void on_crash(void *priv, uint32_t rproc_id, enum rproc_crash_type type, const char *why)
{
	fprintf(stderr, "rproc-teed: rproc %u: coprocessor crashed (%s): %s\n", rproc_id,
		rproc_crash_to_string(type), why);
	post(priv, rproc_id, TEE_WIRE_EVENT_CRASH, (uint32_t)type, why);
}

/* Processor 1's lines: its driver runs in the clients, which read the registers back. */
static void on_ipcc_irq(void *priv, uint32_t rproc_id, bool rx, bool tx)
{
	post(priv, rproc_id, TEE_WIRE_EVENT_IPCC_IRQ,
	     (rx ? TEE_WIRE_IPCC_IRQ_RX : 0) | (tx ? TEE_WIRE_IPCC_IRQ_TX : 0), NULL);
}

/*
 * No doorbell or shutdown-acknowledgement relay: the secure world runs no
 * IPCC driver here (ipcc_irq is set), processor 1's driver runs in the
 * clients, which see the firmware's kicks and acknowledgements in the
 * registers they read back.
 */
static const struct secure_world_events relay = {
	.crash = on_crash,
	.ipcc_irq = on_ipcc_irq,
};

void world_set_server(struct world *w, struct teed *server)
{
	pthread_mutex_lock(&w->relay_lock);
	w->server = server;
	pthread_mutex_unlock(&w->relay_lock);
}

/* ---- the server's hardware ops: the secure world's mailbox, by rproc id ---- */

static int hw_inject_crash(void *priv, uint32_t rproc_id, uint32_t type)
{
	return secure_world_inject_crash(((struct world *)priv)->sw, rproc_id, type);
}

static bool hw_crashed(void *priv, uint32_t rproc_id, uint32_t *type)
{
	return secure_world_crashed(((struct world *)priv)->sw, rproc_id, type);
}

/*
 * Processor 1's register accesses, forwarded to the core's IPCC model. A core
 * without an IPCC is hardware we do not have (-EOPNOTSUPP on the wire).
 */
static int hw_ipcc_read(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t *value)
{
	struct coproc *core;
	int ret = secure_world_core(((struct world *)priv)->sw, rproc_id, &core);

	if (!ret)
		ret = coproc_ipcc_host_read(core, reg, value);
	return ret == -ENODEV ? -EOPNOTSUPP : ret;
}

static int hw_ipcc_write(void *priv, uint32_t rproc_id, uint32_t reg, uint32_t value)
{
	struct coproc *core;
	int ret = secure_world_core(((struct world *)priv)->sw, rproc_id, &core);

	if (!ret)
		ret = coproc_ipcc_host_write(core, reg, value);
	return ret == -ENODEV ? -EOPNOTSUPP : ret;
}

/* The clients drive the IPCC themselves: doorbells and shutdown go through its registers. */
const struct teed_hw_ops world_hw_ops = {
	.inject_crash = hw_inject_crash,
	.crashed = hw_crashed,
	.ipcc_read = hw_ipcc_read,
	.ipcc_write = hw_ipcc_write,
};

/* ---- the whole ---- */

int world_init(struct world *w, const struct world_options *o, struct rpt_error *err)
{
	struct secure_world_config cfg = {
		.board = &w->board,
		.trust = o->trust,
		.num_trust = o->num_trust,
		.trust_only = o->trust_only,
		.state_dir = o->state_dir,
		.no_cores = o->no_coproc,
		.log = log_line,
		.events = &relay,
		.events_priv = w,
	};
	int ret;

	memset(w, 0, sizeof(*w));
	if (pthread_mutex_init(&w->relay_lock, NULL))
		return rpt_error_set(err, ENOMEM, "cannot create the event lock");
	ret = load_board(w, o, err);
	if (!ret)
		ret = secure_world_create(&w->sw, &cfg, err);
	if (ret)
		pthread_mutex_destroy(&w->relay_lock);
	return ret;
}

void world_exit(struct world *w)
{
	secure_world_destroy(w->sw);
	w->sw = NULL;
	pthread_mutex_destroy(&w->relay_lock);
}
