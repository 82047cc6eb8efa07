// SPDX-License-Identifier: BSD-2-Clause
/*
 * The mailbox page (register map in vmmio.h), as Unicorn MMIO callbacks on
 * the core thread, and the host side of it.
 *
 * The firmware is as hostile as any other input: every offset, width and
 * value it uses is checked, and nothing it writes can make the host do more
 * than one bounded callback.
 */
#include <errno.h>

#include "coproc/coproc_internal.h"
#include "coproc/vmmio.h"

void coproc_mbox_reset(struct coproc *c)
{
	atomic_store(&c->mbox.db_status, 0);
	atomic_store(&c->mbox.req, 0);
}

static uint32_t tick_ms(const struct coproc *c)
{
	return (uint32_t)((coproc_now_ns() - c->reset_ns) / 1000000u);
}

uint64_t coproc_mbox_read(uc_engine *uc, uint64_t offset, unsigned int size, void *priv)
{
	struct coproc *c = priv;

	(void)uc;
	if (size != 4 || (offset & 3u))
		return 0;
	switch (offset) {
	case VMMIO_ID:
		return VMMIO_ID_VALUE;
	case VMMIO_VERSION:
		return VMMIO_VERSION_V1;
	case VMMIO_TICK_MS:
		return tick_ms(c);
	case VMMIO_DB_STATUS:
		return atomic_load(&c->mbox.db_status);
	case VMMIO_REQ:
		return atomic_load(&c->mbox.req);
	case VMMIO_WDG_PERIOD_MS:
		return c->wdg.period_ms;
	case VMMIO_WDG_STATUS:
		return atomic_load(&c->wdg.armed) ? VMMIO_WDG_STATUS_ARMED : 0;
	default:
		return 0;
	}
}

static void ring_host(struct coproc *c, uint64_t vq)
{
	if (vq < VMMIO_NUM_VQ && c->ev.kick)
		c->ev.kick(c->ev_priv, (uint32_t)vq);
}

static void shutdown_ack(struct coproc *c, uint64_t key)
{
	uint32_t old;

	if (key != VMMIO_SHUTDOWN_ACK_KEY)
		return;
	/* Only an answer to a pending request counts, and only once. */
	old = atomic_fetch_and(&c->mbox.req, ~VMMIO_REQ_SHUTDOWN);
	if ((old & VMMIO_REQ_SHUTDOWN) && c->ev.shutdown_ack)
		c->ev.shutdown_ack(c->ev_priv);
}

void coproc_mbox_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
		       void *priv)
{
	struct coproc *c = priv;

	(void)uc;
	if (size != 4 || (offset & 3u))
		return;
	switch (offset) {
	case VMMIO_DB_CLEAR:
		atomic_fetch_and(&c->mbox.db_status, ~(uint32_t)value);
		break;
	case VMMIO_DB_RING:
		ring_host(c, value);
		break;
	case VMMIO_SHUTDOWN_ACK:
		shutdown_ack(c, value);
		break;
	case VMMIO_DETACH_ACK:
		if (value == VMMIO_REQ_DETACH)
			atomic_fetch_and(&c->mbox.req, ~VMMIO_REQ_DETACH);
		break;
	case VMMIO_WDG_KEY:
		coproc_wdg_key(c, (uint32_t)value);
		break;
	default:
		break;
	}
}

/* Set request bits of a running core. */
static int host_request(struct coproc *c, _Atomic uint32_t *reg, uint32_t bits)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	if (c->state == COPROC_RUNNING && !c->stop_req)
		atomic_fetch_or(reg, bits);
	else
		ret = -RPT_ESTATE;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

int coproc_kick(struct coproc *c, uint32_t vq)
{
	if (vq >= VMMIO_NUM_VQ)
		return -EINVAL;
	return host_request(c, &c->mbox.db_status, 1u << vq);
}

int coproc_request_shutdown(struct coproc *c)
{
	return host_request(c, &c->mbox.req, VMMIO_REQ_SHUTDOWN);
}

int coproc_request_detach(struct coproc *c)
{
	return host_request(c, &c->mbox.req, VMMIO_REQ_DETACH);
}

int coproc_request_crash(struct coproc *c)
{
	return host_request(c, &c->mbox.req, VMMIO_REQ_CRASH);
}

int coproc_periph_map(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uc_err e;

	e = uc_mmio_map(uc, VMMIO_BASE, VMMIO_SIZE, coproc_mbox_read, c, coproc_mbox_write, c);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "mapping the mailbox");
	return 0;
}
