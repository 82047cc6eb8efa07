// SPDX-License-Identifier: BSD-2-Clause
/*
 * Life cycle of the emulated coprocessor: creation (checking the memories),
 * start (a fresh engine and its threads), stop (interrupt, join, close) and
 * the host-side controls that are not mailbox registers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/safe_math.h"
#include "coproc/armv7m_regs.h"
#include "coproc/coproc_internal.h"

#if defined(__SANITIZE_ADDRESS__)
/*
 * Unicorn 2.0.1 itself leaks one small bitmap (tb_invalidate_phys_page_fast,
 * when firmware writes into a page it also runs code from) that uc_close()
 * never frees. Tell LeakSanitizer about that one frame only, for every program
 * that links the emulator, so that leaks of our own still fail the tests.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:tb_invalidate_phys_page_fast_arm\n";
}
#endif

uint64_t coproc_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- creation ---- */

/* Core clocks when the board gives none: STM32MP15's M4, STM32MP25's M33. */
#define COPROC_M4_HZ  209000000u
#define COPROC_M33_HZ 400000000u

static int cpu_model(struct coproc *c, const char *cpu, struct rpt_error *err)
{
	if (cpu && !strcmp(cpu, "cortex-m4")) {
		c->uc_model = UC_CPU_ARM_CORTEX_M4;
		c->cpuid = CPUID_CORTEX_M4;
		c->clock_hz = COPROC_M4_HZ;
	} else if (cpu && !strcmp(cpu, "cortex-m33")) {
		c->uc_model = UC_CPU_ARM_CORTEX_M33;
		c->cpuid = CPUID_CORTEX_M33;
		c->clock_hz = COPROC_M33_HZ;
	} else {
		return rpt_error_set(err, EINVAL,
				     "coprocessor: unknown cpu '%s' (cortex-m4 or cortex-m33)",
				     cpu ? cpu : "(null)");
	}
	return 0;
}

static int check_mem(const struct coproc_mem *m, unsigned int idx, struct rpt_error *err)
{
	const char *name = m->name ? m->name : "?";

	if (!m->host || ((uintptr_t)m->host & (COPROC_PAGE - 1)))
		return rpt_error_set(
			err, EINVAL,
			"coprocessor: memory %u '%s': host mapping %p not 4 KiB aligned", idx, name,
			(void *)m->host);
	if (!m->size || (m->size & (COPROC_PAGE - 1)) || (m->da & (COPROC_PAGE - 1)))
		return rpt_error_set(err, EINVAL,
				     "coprocessor: memory %u '%s': da 0x%08x size 0x%x not whole "
				     "4 KiB pages",
				     idx, name, m->da, m->size);
	if (!range_within(m->da, m->size, 0, 1ull << 32))
		return rpt_error_set(err, RPT_ERANGE,
				     "coprocessor: memory %u '%s': da 0x%08x size 0x%x wraps past "
				     "4 GiB",
				     idx, name, m->da, m->size);
	if (ranges_overlap(m->da, m->size, SCS_BASE, SCS_SIZE))
		return rpt_error_set(
			err, RPT_ERANGE,
			"coprocessor: memory %u '%s' overlaps the system control space "
			"at 0x%08x",
			idx, name, SCS_BASE);
	return 0;
}

static int copy_mems(struct coproc *c, const struct coproc_mem *mems, unsigned int n,
		     struct rpt_error *err)
{
	unsigned int i, j;
	int ret;

	if (!mems || !n || n > COPROC_MAX_MEMS)
		return rpt_error_set(err, EINVAL, "coprocessor: %u memories (1 to %u allowed)", n,
				     COPROC_MAX_MEMS);
	for (i = 0; i < n; i++) {
		ret = check_mem(&mems[i], i, err);
		if (ret)
			return ret;
		for (j = 0; j < i; j++) {
			if (ranges_overlap(mems[i].da, mems[i].size, mems[j].da, mems[j].size))
				return rpt_error_set(err, RPT_ERANGE,
						     "coprocessor: memories %u and %u overlap at "
						     "0x%08x",
						     j, i, mems[i].da);
		}
		snprintf(c->mems[i].name, sizeof(c->mems[i].name), "%s",
			 mems[i].name ? mems[i].name : "?");
		c->mems[i].da = mems[i].da;
		c->mems[i].host = mems[i].host;
		c->mems[i].size = mems[i].size;
	}
	c->num_mems = n;
	return 0;
}

static int init_sync(struct coproc *c, struct rpt_error *err)
{
	pthread_condattr_t attr;
	int ret;

	ret = pthread_condattr_init(&attr);
	if (ret)
		goto err;
	ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(&c->cond, &attr);
	pthread_condattr_destroy(&attr);
	if (ret)
		goto err;
	ret = pthread_mutex_init(&c->lock, NULL);
	if (ret)
		goto err_cond;
	ret = pthread_mutex_init(&c->ctl, NULL);
	if (ret)
		goto err_lock;
	ret = pthread_mutex_init(&c->exc.wake_lock, NULL);
	if (ret)
		goto err_ctl;
	ret = pthread_cond_init(&c->exc.wake_cond, NULL);
	if (ret)
		goto err_wake;
	return 0;

err_wake:
	pthread_mutex_destroy(&c->exc.wake_lock);
err_ctl:
	pthread_mutex_destroy(&c->ctl);
err_lock:
	pthread_mutex_destroy(&c->lock);
err_cond:
	pthread_cond_destroy(&c->cond);
err:
	return rpt_error_set(err, ret, "coprocessor: cannot create its locks: %s", strerror(ret));
}

static void fini_sync(struct coproc *c)
{
	pthread_cond_destroy(&c->exc.wake_cond);
	pthread_mutex_destroy(&c->exc.wake_lock);
	pthread_mutex_destroy(&c->ctl);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cond);
}

struct coproc *coproc_create(const struct coproc_config *cfg, const struct coproc_events *ev,
			     void *ev_priv, struct rpt_error *err)
{
	const char *cpu = cfg->cpu;
	struct coproc *c;
	uc_engine *probe;

	if (!cpu && cfg->desc)
		cpu = cfg->desc->cpu[0] ? cfg->desc->cpu : "cortex-m4";

	c = calloc(1, sizeof(*c));
	if (!c) {
		rpt_error_set(err, ENOMEM, "coprocessor: out of memory");
		return NULL;
	}
	if (cpu_model(c, cpu, err) || copy_mems(c, cfg->mems, cfg->num_mems, err))
		goto err_free;
	if (cfg->desc && cfg->desc->clock_hz)
		c->clock_hz = cfg->desc->clock_hz;
	if (coproc_periphs_create(c, cfg->desc, err))
		goto err_free;
	snprintf(c->cpu, sizeof(c->cpu), "%s", cpu);
	if (ev)
		c->ev = *ev;
	c->ev_priv = ev_priv;
	/* Build one engine now so that a layout Unicorn refuses fails here, not at start. */
	if (coproc_engine_open(c, &probe, err))
		goto err_periphs;
	uc_close(probe);
	if (init_sync(c, err))
		goto err_periphs;
	c->state = COPROC_STOPPED;
	return c;

err_periphs:
	coproc_periphs_destroy(c);
err_free:
	free(c);
	return NULL;
}

/* ---- stop ---- */

/* With ctl held: make sure no thread of a previous run is left, and drop its engine. */
static int reap(struct coproc *c, unsigned int timeout_ms, struct rpt_error *err)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	if (c->thread_live) {
		c->stop_req = true;
		ret = coproc_interrupt_locked(c, timeout_ms);
	} else if (c->exc.systick.timer_live || c->wdg.thread_live) {
		coproc_exc_leave_locked(c); /* the core crashed: its helpers leave too */
	}
	pthread_mutex_unlock(&c->lock);
	if (ret)
		return rpt_error_set(err, ret,
				     "coprocessor: the core did not stop within %u ms (an event "
				     "callback is stuck?)",
				     timeout_ms);
	if (c->thread_live) {
		pthread_join(c->thread, NULL);
		c->thread_live = false;
	}
	if (c->wdg.thread_live) {
		pthread_join(c->wdg.thread, NULL);
		c->wdg.thread_live = false;
	}
	if (c->exc.systick.timer_live) {
		pthread_join(c->exc.systick.timer, NULL);
		c->exc.systick.timer_live = false;
	}
	pthread_mutex_lock(&c->lock);
	if (c->uc)
		uc_close(c->uc);
	c->uc = NULL;
	c->state = COPROC_STOPPED;
	c->stop_req = false;
	pthread_mutex_unlock(&c->lock);
	return 0;
}

int coproc_halt(struct coproc *c, struct rpt_error *err)
{
	int ret;

	if (coproc_on_core_thread(c))
		return rpt_error_set(err, EDEADLK,
				     "coprocessor: stop called from its own event callback");
	pthread_mutex_lock(&c->ctl);
	ret = reap(c, COPROC_STOP_TIMEOUT_MS, err);
	pthread_mutex_unlock(&c->ctl);
	return ret;
}

void coproc_destroy(struct coproc *c)
{
	if (!c)
		return;
	/* Memory cannot be freed under a live thread: wait as long as it takes. */
	pthread_mutex_lock(&c->ctl);
	while (reap(c, COPROC_STOP_TIMEOUT_MS, NULL))
		fprintf(stderr, "coprocessor: still waiting for the core to stop\n");
	pthread_mutex_unlock(&c->ctl);
	fini_sync(c);
	coproc_periphs_destroy(c);
	free(c);
}

/* ---- start ---- */

const struct coproc_region *coproc_find_region(const struct coproc *c, uint32_t da, uint32_t size)
{
	unsigned int i;

	for (i = 0; i < c->num_mems; i++)
		if (range_within(da, size, c->mems[i].da, c->mems[i].size))
			return &c->mems[i];
	return NULL;
}

/*
 * VTOR = boot_addr; SP and PC from the vector table there, read once from
 * host memory. Refused in words a user can act on (-RPT_ENOBOOT): a table
 * VTOR cannot hold, one no memory holds, a reset vector outside memory.
 */
static int read_vectors(struct coproc *c, uint32_t vtor, struct rpt_error *err)
{
	const struct coproc_region *m;
	uint32_t pc;

	if (vtor & ~SCB_VTOR_TBLOFF_MASK)
		return rpt_error_set(err, RPT_ENOBOOT,
				     "coprocessor: no vector table at 0x%08x: VTOR needs a "
				     "128-byte aligned address",
				     vtor);
	m = coproc_find_region(c, vtor, 8);
	if (!m)
		return rpt_error_set(
			err, RPT_ENOBOOT,
			"coprocessor: no vector table at 0x%08x: no memory of the core "
			"holds it",
			vtor);
	c->boot_vtor = vtor;
	c->boot_sp = get_le32(m->host + (vtor - m->da));
	c->boot_pc = get_le32(m->host + (vtor - m->da) + 4);
	pc = c->boot_pc & ~1u; /* the Thumb bit */
	if (!coproc_find_region(c, pc, 2))
		return rpt_error_set(err, RPT_ENOBOOT,
				     "coprocessor: reset vector 0x%08x (vector table at 0x%08x) is "
				     "not in executable memory: no memory of the core holds it",
				     c->boot_pc, vtor);
	return 0;
}

/*
 * With ctl held and the engine built: reset the run state, create the
 * threads. Takes the engine: on failure it is closed.
 */
static int launch(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uint64_t now = coproc_now_ns();
	int ret;

	memset(&c->fault, 0, sizeof(c->fault));
	coproc_exc_reset(c);
	c->reset_ns = now;
	coproc_periphs_reset(c);
	coproc_wdg_reset(c, now);
	pthread_mutex_lock(&c->lock);
	c->uc = uc;
	c->stop_req = false;
	c->crash_req = false;
	c->regs_valid = false; /* the previous run's registers are gone with its engine */
	c->state = COPROC_RUNNING;
	c->run_gen++;
	pthread_mutex_unlock(&c->lock);

	ret = pthread_create(&c->thread, NULL, coproc_core_main, c);
	if (ret) {
		pthread_mutex_lock(&c->lock);
		c->uc = NULL;
		c->state = COPROC_STOPPED;
		pthread_mutex_unlock(&c->lock);
		uc_close(uc);
		return rpt_error_set(err, ret, "coprocessor: cannot create the core thread: %s",
				     strerror(ret));
	}
	c->thread_live = true;
	ret = pthread_create(&c->exc.systick.timer, NULL, coproc_timer_main, c);
	if (ret) {
		rpt_error_set(err, ret, "coprocessor: cannot create the SysTick thread: %s",
			      strerror(ret));
		reap(c, COPROC_STOP_TIMEOUT_MS, NULL); /* closes uc */
		return -ret;
	}
	c->exc.systick.timer_live = true;
	if (!c->wdg.period_ms)
		return 0;
	ret = pthread_create(&c->wdg.thread, NULL, coproc_wdg_main, c);
	if (ret) {
		rpt_error_set(err, ret, "coprocessor: cannot create the watchdog thread: %s",
			      strerror(ret));
		reap(c, COPROC_STOP_TIMEOUT_MS, NULL); /* closes uc */
		return -ret;
	}
	c->wdg.thread_live = true;
	return 0;
}

static int boot_locked(struct coproc *c, uint32_t boot_addr, struct rpt_error *err)
{
	uc_engine *uc;
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = c->state == COPROC_RUNNING ? -RPT_ESTATE : 0;
	pthread_mutex_unlock(&c->lock);
	if (ret)
		return rpt_error_set(err, ret, "coprocessor: start: already running");
	ret = reap(c, COPROC_STOP_TIMEOUT_MS, err); /* a crashed run's threads and engine */
	if (ret)
		return ret;
	ret = read_vectors(c, boot_addr, err);
	if (ret)
		return ret;
	ret = coproc_engine_open(c, &uc, err);
	if (ret)
		return ret;
	ret = coproc_engine_reset(c, uc, err);
	if (ret)
		goto err_close;
	return launch(c, uc, err);

err_close:
	uc_close(uc);
	return ret;
}

int coproc_boot(struct coproc *c, uint32_t boot_addr, struct rpt_error *err)
{
	int ret;

	if (coproc_on_core_thread(c))
		return rpt_error_set(err, EDEADLK,
				     "coprocessor: start called from its own event callback");
	pthread_mutex_lock(&c->ctl);
	ret = boot_locked(c, boot_addr, err);
	pthread_mutex_unlock(&c->ctl);
	return ret;
}

/* ---- adapters for struct coproc_ops ---- */

static void keep_error(struct coproc *c, const struct rpt_error *err)
{
	pthread_mutex_lock(&c->lock);
	c->last_err = *err;
	pthread_mutex_unlock(&c->lock);
}

/* ---- struct coproc_ops: the platform drives the core through these alone ---- */

static int emu_ops_start(void *priv, uint32_t boot_addr)
{
	struct rpt_error err = {0};
	int ret;

	ret = coproc_boot(priv, boot_addr, &err);
	keep_error(priv, &err);
	return ret;
}

static int emu_ops_stop(void *priv)
{
	struct rpt_error err = {0};
	int ret;

	ret = coproc_halt(priv, &err);
	keep_error(priv, &err);
	return ret;
}

static int emu_ops_get_regs(void *priv, struct coredump_regs *regs)
{
	return coproc_get_regs(priv, regs);
}

static const char *emu_ops_last_error(void *priv)
{
	return coproc_last_error(priv);
}

const struct coproc_ops coproc_emu_ops = {
	.start = emu_ops_start,
	.stop = emu_ops_stop,
	.get_regs = emu_ops_get_regs,
	.last_error = emu_ops_last_error,
};

const char *coproc_last_error(struct coproc *c)
{
	return c->last_err.code ? c->last_err.msg : "";
}

/* ---- other host controls ---- */

int coproc_set_watchdog(struct coproc *c, uint32_t period_ms, bool autostart)
{
	int ret = 0;

	if (coproc_on_core_thread(c))
		return -EDEADLK;
	pthread_mutex_lock(&c->ctl);
	pthread_mutex_lock(&c->lock);
	if (c->state == COPROC_RUNNING) {
		ret = -RPT_ESTATE;
	} else {
		c->wdg.period_ms = period_ms;
		c->wdg.autostart = autostart;
	}
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_unlock(&c->ctl);
	return ret;
}

enum coproc_state coproc_state(struct coproc *c)
{
	enum coproc_state s;

	pthread_mutex_lock(&c->lock);
	s = c->state;
	pthread_mutex_unlock(&c->lock);
	return s;
}

bool coproc_accepts_requests(struct coproc *c)
{
	bool ok;

	pthread_mutex_lock(&c->lock);
	ok = c->state == COPROC_RUNNING && !c->stop_req;
	pthread_mutex_unlock(&c->lock);
	return ok;
}

int coproc_get_regs(struct coproc *c, struct coredump_regs *regs)
{
	int ret = 0;

	pthread_mutex_lock(&c->lock);
	if (c->state == COPROC_RUNNING)
		ret = -RPT_ESTATE;
	else if (!c->regs_valid)
		ret = -ENODATA;
	else
		*regs = c->last_regs;
	pthread_mutex_unlock(&c->lock);
	return ret;
}

const char *coproc_state_name(enum coproc_state s)
{
	switch (s) {
	case COPROC_STOPPED:
		return "stopped";
	case COPROC_RUNNING:
		return "running";
	case COPROC_CRASHED:
		return "crashed";
	}
	return "unknown";
}

/* What an injected crash says when the host gives no words: the one set of reasons. */
static const char *injected_reason(enum rproc_crash_type type)
{
	switch (type) {
	case RPROC_MMUFAULT:
		return "injected memory fault";
	case RPROC_WATCHDOG:
		return "injected watchdog expiry";
	default:
		return "injected fatal error";
	}
}

int coproc_inject_crash(struct coproc *c, enum rproc_crash_type type, const char *why)
{
	int ret = 0;

	if (!rproc_crash_type_valid((unsigned int)type))
		return -EINVAL;
	pthread_mutex_lock(&c->lock);
	if (c->state != COPROC_RUNNING || c->stop_req) {
		ret = -RPT_ESTATE;
	} else {
		/* Sets the flags the core thread acts on at its next block. */
		coproc_request_crash_locked(c, type, why ? why : injected_reason(type));
		if (!coproc_on_core_thread(c))
			ret = coproc_interrupt_locked(c, COPROC_STOP_TIMEOUT_MS);
	}
	pthread_mutex_unlock(&c->lock);
	return ret;
}
