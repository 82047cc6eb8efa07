// SPDX-License-Identifier: BSD-2-Clause
/*
 * The independent watchdog, on host time.
 *
 * The firmware's refresh is one atomic store of a new deadline (it may come
 * millions of times a second); the watchdog thread sleeps until the deadline
 * it last saw, then looks again. Only arming wakes it early.
 */
#include <stdio.h>
#include <time.h>

#include "coproc/coproc_internal.h"
#include "coproc/vmmio.h"

void coproc_wdg_reset(struct coproc *c, uint64_t now_ns)
{
	bool armed = c->wdg.period_ms && c->wdg.autostart;

	atomic_store(&c->wdg.armed, armed);
	atomic_store(&c->wdg.deadline_ns, now_ns + (uint64_t)c->wdg.period_ms * 1000000u);
}

static void refresh(struct coproc *c)
{
	atomic_store(&c->wdg.deadline_ns, coproc_now_ns() + (uint64_t)c->wdg.period_ms * 1000000u);
}

void coproc_wdg_key(struct coproc *c, uint32_t key)
{
	if (!c->wdg.period_ms)
		return; /* no watchdog on this board: keys go nowhere */
	if (key == VMMIO_WDG_START_KEY) {
		refresh(c);
		if (!atomic_exchange(&c->wdg.armed, true)) {
			pthread_mutex_lock(&c->lock);
			pthread_cond_broadcast(&c->cond);
			pthread_mutex_unlock(&c->lock);
		}
	} else if (key == VMMIO_WDG_REFRESH_KEY && atomic_load(&c->wdg.armed)) {
		refresh(c);
	}
}

static void wait_until(struct coproc *c, uint64_t when_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(when_ns / 1000000000u),
		.tv_nsec = (long)(when_ns % 1000000000u),
	};

	pthread_cond_timedwait(&c->cond, &c->lock, &ts);
}

/* With c->lock held: expire now, stopping the core (bounded wait). */
static void expire(struct coproc *c, uint64_t late_ns)
{
	char why[COPROC_WHY_MAX];

	snprintf(why, sizeof(why),
		 "watchdog: not refreshed within its %u ms period (expired %llu ms ago)",
		 c->wdg.period_ms, (unsigned long long)(late_ns / 1000000u));
	coproc_request_crash_locked(c, RPROC_WATCHDOG, why);
	coproc_interrupt_locked(c, COPROC_STOP_TIMEOUT_MS);
}

void *coproc_wdg_main(void *arg)
{
	struct coproc *c = arg;
	uint64_t now, deadline;

	pthread_mutex_lock(&c->lock);
	while (c->state == COPROC_RUNNING && !c->stop_req && !c->crash_req) {
		if (!atomic_load(&c->wdg.armed)) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		deadline = atomic_load(&c->wdg.deadline_ns);
		now = coproc_now_ns();
		if (now >= deadline)
			expire(c, now - deadline);
		else
			wait_until(c, deadline);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}
