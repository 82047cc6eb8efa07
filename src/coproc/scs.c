// SPDX-License-Identifier: BSD-2-Clause
/*
 * The system control space (0xE000E000-0xE000EFFF) as MMIO callbacks on the
 * core thread: NVIC, SCB, SysTick, STIR, the FPU's context control. Layout
 * and bits in armv7m_regs.h. Unknown registers read as zero and ignore
 * writes, as do widths a register does not take (only the priority bytes
 * accept byte and halfword accesses).
 *
 * SysTick counts on host monotonic time at the board's clock (CLKSOURCE 0:
 * the clock / 8, the STM32 reference): CVR and COUNTFLAG are computed when
 * read; the timer thread pends the exception at each wrap while TICKINT is
 * set and sleeps otherwise.
 */
#include <stdio.h>
#include <time.h>

#include "coproc/armv7m_regs.h"
#include "coproc/coproc_internal.h"

#define NS_PER_S 1000000000ull
/* The timer thread pends SysTick at most this often (a tiny RVR would spin a host core). */
#define TICK_MIN_NS 20000ull

#define OFF(addr) ((addr)-SCS_BASE)

/* MVFR0/1/2 of an M4F / M33 FPU (single precision). */
#define FPU_MVFR0      0xE000EF40u
#define FPU_MVFR1      0xE000EF44u
#define FPU_MVFR2      0xE000EF48u
#define MVFR0_SP_VALUE 0x10110021u
#define MVFR1_SP_VALUE 0x11000011u
#define MVFR2_M33      0x00000040u

/* SHCSR: active bits mirror the exception state; the enables (18:16) are stored. */
#define SHCSR_ENABLES 0x00070000u

/* ---- SysTick ---- */

static uint32_t st_hz(const struct coproc *c)
{
	uint32_t hz = c->exc.systick.csr & SYST_CSR_CLKSOURCE ? c->clock_hz : c->clock_hz / 8u;

	return hz ? hz : 1u;
}

static uint64_t ns_to_cycles(uint64_t ns, uint32_t hz)
{
	return ns / NS_PER_S * hz + ns % NS_PER_S * hz / NS_PER_S;
}

static uint64_t cycles_to_ns(uint64_t cycles, uint32_t hz)
{
	return cycles / hz * NS_PER_S + (cycles % hz * NS_PER_S + hz - 1) / hz;
}

static bool st_running(const struct coproc_systick *st)
{
	return (st->csr & SYST_CSR_ENABLE) && st->rvr;
}

static uint64_t st_elapsed(const struct coproc *c, uint64_t now)
{
	const struct coproc_systick *st = &c->exc.systick;

	return now > st->origin_ns ? ns_to_cycles(now - st->origin_ns, st_hz(c)) : 0;
}

static uint64_t st_wraps(const struct coproc *c, uint64_t now)
{
	const struct coproc_systick *st = &c->exc.systick;

	return st_running(st) ? st_elapsed(c, now) / ((uint64_t)st->rvr + 1u) : 0;
}

static uint32_t st_value(const struct coproc *c, uint64_t now)
{
	const struct coproc_systick *st = &c->exc.systick;
	uint64_t period = (uint64_t)st->rvr + 1u;

	if (!st_running(st))
		return (st->csr & SYST_CSR_ENABLE) ? 0 : st->held;
	return (uint32_t)((period - st_elapsed(c, now) % period) % period);
}

/* With c->lock held: keep counting from value v (a new origin), COUNTFLAG latched. */
static void st_rebase(struct coproc *c, uint64_t now, uint32_t v)
{
	struct coproc_systick *st = &c->exc.systick;
	uint64_t back;

	if (v > st->rvr)
		v = st->rvr;
	back = v ? cycles_to_ns((uint64_t)st->rvr + 1u - v, st_hz(c)) : 0;
	st->origin_ns = now > back ? now - back : 0;
	st->seen = 0;
	st->fired = 0;
}

static uint32_t st_read_csr(struct coproc *c)
{
	struct coproc_systick *st = &c->exc.systick;
	uint64_t now = coproc_now_ns(), w = st_wraps(c, now);
	uint32_t v = st->csr;

	if (st->flag || w > st->seen)
		v |= SYST_CSR_COUNTFLAG;
	st->flag = false;
	st->seen = w;
	return v;
}

/*
 * With c->lock held: when the timer thread must pend the next SysTick
 * exception (monotonic ns), UINT64_MAX while none is due (stopped, no
 * TICKINT).
 */
static uint64_t st_next_fire(const struct coproc *c)
{
	const struct coproc_systick *st = &c->exc.systick;
	uint64_t next, period;

	if (!st_running(st) || !(st->csr & SYST_CSR_TICKINT))
		return UINT64_MAX;
	period = (uint64_t)st->rvr + 1u;
	next = st->origin_ns + cycles_to_ns((st->fired + 1u) * period, st_hz(c));
	if (st->last_fire && next < st->last_fire + TICK_MIN_NS)
		next = st->last_fire + TICK_MIN_NS;
	return next;
}

static void st_write(struct coproc *c, uint32_t reg, uint32_t val)
{
	struct coproc_systick *st = &c->exc.systick;
	uint64_t now = coproc_now_ns();
	uint32_t v = st_value(c, now);

	pthread_mutex_lock(&c->lock);
	if (st_wraps(c, now) > st->seen)
		st->flag = true;
	switch (reg) {
	case SYST_CSR:
		st->csr = val & (SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE);
		st->held = v;
		break;
	case SYST_RVR:
		st->rvr = val & SYST_RELOAD_MASK;
		break;
	case SYST_CVR: /* any write clears the counter and COUNTFLAG */
		v = 0;
		st->held = 0;
		st->flag = false;
		break;
	}
	st_rebase(c, now, v);
	/*
	 * The timer thread looks again only if it must fire sooner than it
	 * waits for: the firmware's tickless idle writes SysTick half a dozen
	 * times per sleep, and each broadcast woke the timer and watchdog
	 * threads for nothing. A later or cancelled tick costs the timer one
	 * early look, at the time it waited for.
	 */
	if (st_next_fire(c) < st->wait_ns)
		pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
}

static uint32_t st_calib(const struct coproc *c)
{
	/* TENMS: reference-clock (clock / 8) ticks in 10 ms; not exact (SKEW) when rounded. */
	uint32_t ref = c->clock_hz / 8u;
	uint32_t v = (ref / 100u ? ref / 100u - 1u : 0u) & SYST_RELOAD_MASK;

	return v | (ref % 100u ? SYST_CALIB_SKEW : 0u);
}

void *coproc_timer_main(void *arg)
{
	struct coproc *c = arg;
	struct coproc_systick *st = &c->exc.systick;
	uint64_t now, next;
	struct timespec ts;

	pthread_mutex_lock(&c->lock);
	while (c->state == COPROC_RUNNING && !c->stop_req && !c->crash_req &&
	       !atomic_load(&c->exc.leave)) {
		next = st_next_fire(c);
		st->wait_ns = next; /* what st_write compares with */
		if (next == UINT64_MAX) {
			pthread_cond_wait(&c->cond, &c->lock);
			continue;
		}
		now = coproc_now_ns();
		if (now >= next) {
			st->fired = st_wraps(c, now);
			st->last_fire = now;
			atomic_fetch_or(&c->exc.sys_pend, 1u << EXC_SYSTICK);
			coproc_exc_kick(c);
			continue;
		}
		ts.tv_sec = (time_t)(next / NS_PER_S);
		ts.tv_nsec = (long)(next % NS_PER_S);
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	}
	pthread_mutex_unlock(&c->lock);
	return NULL;
}

/* ---- NVIC and SCB ---- */

static uint32_t icsr_read(struct coproc *c, uc_engine *uc)
{
	struct coproc_exc *x = &c->exc;
	uint32_t v = 0, ipsr = 0, sys = atomic_load(&x->sys_pend), w;
	unsigned int n, active = 0;

	uc_reg_read(uc, UC_ARM_REG_IPSR, &ipsr);
	v |= ipsr & SCB_ICSR_VECTACTIVE_MASK;
	n = coproc_exc_pending(c);
	v |= (uint32_t)n << SCB_ICSR_VECTPENDING_SHIFT;
	for (w = 0; w < COPROC_IRQ_WORDS; w++) {
		if (atomic_load(&x->pend[w]))
			v |= SCB_ICSR_ISRPENDING;
		active += (unsigned int)__builtin_popcount(x->active[w]);
	}
	active += (unsigned int)__builtin_popcount(x->sys_active);
	if (active <= 1)
		v |= SCB_ICSR_RETTOBASE;
	if (sys & (1u << EXC_NMI))
		v |= SCB_ICSR_NMIPENDSET;
	if (sys & (1u << EXC_PENDSV))
		v |= SCB_ICSR_PENDSVSET;
	if (sys & (1u << EXC_SYSTICK))
		v |= SCB_ICSR_PENDSTSET;
	return v;
}

static void icsr_write(struct coproc *c, uint32_t v)
{
	struct coproc_exc *x = &c->exc;
	uint32_t set = 0, clr = 0;

	if (v & SCB_ICSR_NMIPENDSET)
		set |= 1u << EXC_NMI;
	if (v & SCB_ICSR_PENDSVSET)
		set |= 1u << EXC_PENDSV;
	else if (v & SCB_ICSR_PENDSVCLR)
		clr |= 1u << EXC_PENDSV;
	if (v & SCB_ICSR_PENDSTSET)
		set |= 1u << EXC_SYSTICK;
	else if (v & SCB_ICSR_PENDSTCLR)
		clr |= 1u << EXC_SYSTICK;
	if (clr)
		atomic_fetch_and(&x->sys_pend, ~clr);
	if (set) {
		atomic_fetch_or(&x->sys_pend, set);
		coproc_exc_kick(c);
	}
}

static uint32_t shcsr_read(const struct coproc_exc *x)
{
	static const struct {
		unsigned int exc;
		uint32_t bit;
	} act[] = {{EXC_MEMMANAGE, 1u << 0}, {EXC_BUSFAULT, 1u << 1}, {EXC_USAGEFAULT, 1u << 3},
		   {EXC_SVCALL, 1u << 7},    {EXC_DEBUGMON, 1u << 8}, {EXC_PENDSV, 1u << 10},
		   {EXC_SYSTICK, 1u << 11}};
	uint32_t v = x->shcsr & SHCSR_ENABLES;
	unsigned int i;

	for (i = 0; i < sizeof(act) / sizeof(act[0]); i++)
		if (x->sys_active & (1u << act[i].exc))
			v |= act[i].bit;
	return v;
}

static void aircr_write(struct coproc *c, uint32_t v)
{
	struct coproc_exc *x = &c->exc;

	if ((v & 0xFFFF0000u) != SCB_AIRCR_VECTKEY)
		return; /* writes without the key are ignored */
	x->prigroup = (v >> SCB_AIRCR_PRIGROUP_SHIFT) & 7u;
	if (v & SCB_AIRCR_SYSRESETREQ && !x->lockup) {
		x->lockup = true;
		x->lockup_type = RPROC_FATAL_ERROR;
		snprintf(x->why, sizeof(x->why),
			 "fatal: the firmware requested a system reset (AIRCR.SYSRESETREQ)");
		coproc_exc_kick(c);
	}
}

/* Priority bytes: NVIC IPR and SHPR1-3 (exceptions 4..15). NULL if off is neither. */
static uint8_t *prio_byte(struct coproc *c, uint32_t off)
{
	if (off >= OFF(NVIC_IPR(0)) && off < OFF(NVIC_IPR(0)) + COPROC_NUM_IRQ)
		return &c->exc.prio[off - OFF(NVIC_IPR(0))];
	if (off >= OFF(SCB_SHPR1) && off < OFF(SCB_SHPR1) + 12u)
		return &c->exc.sys_prio[4u + off - OFF(SCB_SHPR1)];
	return NULL;
}

/* NVIC bit array word: base register, index in *w; false if off is not in that array. */
static bool nvic_word(uint32_t off, uint32_t base, unsigned int *w)
{
	if (off < OFF(base) || off >= OFF(base) + 4u * COPROC_IRQ_WORDS)
		return false;
	*w = (off - OFF(base)) / 4u;
	return true;
}

static uint32_t read_word(struct coproc *c, uc_engine *uc, uint32_t off)
{
	struct coproc_exc *x = &c->exc;
	unsigned int w;

	if (nvic_word(off, NVIC_ISER(0), &w) || nvic_word(off, NVIC_ICER(0), &w))
		return x->enable[w];
	if (nvic_word(off, NVIC_ISPR(0), &w) || nvic_word(off, NVIC_ICPR(0), &w))
		return atomic_load(&x->pend[w]);
	if (nvic_word(off, NVIC_IABR(0), &w))
		return x->active[w];
	switch (off + SCS_BASE) {
	case SCS_ICTR:
		return COPROC_IRQ_WORDS - 1u;
	case SCS_ACTLR:
		return x->actlr;
	case SYST_CSR:
		return st_read_csr(c);
	case SYST_RVR:
		return x->systick.rvr;
	case SYST_CVR:
		return st_value(c, coproc_now_ns());
	case SYST_CALIB:
		return st_calib(c);
	case SCB_CPUID:
		return c->cpuid;
	case SCB_ICSR:
		return icsr_read(c, uc);
	case SCB_VTOR:
		return x->vtor;
	case SCB_AIRCR:
		return SCB_AIRCR_VECTKEYSTAT | x->prigroup << SCB_AIRCR_PRIGROUP_SHIFT;
	case SCB_SCR:
		return x->scr;
	case SCB_CCR:
		return x->ccr;
	case SCB_SHCSR:
		return shcsr_read(x);
	case SCB_CFSR:
		return x->cfsr;
	case SCB_HFSR:
		return x->hfsr;
	case SCB_MMFAR:
		return x->mmfar;
	case SCB_BFAR:
		return x->bfar;
	case SCB_CPACR:
		return x->cpacr;
	case FPU_FPCCR:
		return x->fpccr;
	case FPU_FPCAR:
		return x->fpcar;
	case FPU_FPDSCR:
		return x->fpdscr;
	case FPU_MVFR0:
		return MVFR0_SP_VALUE;
	case FPU_MVFR1:
		return MVFR1_SP_VALUE;
	case FPU_MVFR2:
		return c->uc_model == UC_CPU_ARM_CORTEX_M33 ? MVFR2_M33 : 0;
	default:
		return 0;
	}
}

static void write_word(struct coproc *c, uint32_t off, uint32_t v)
{
	struct coproc_exc *x = &c->exc;
	unsigned int w;

	if (nvic_word(off, NVIC_ISER(0), &w)) {
		x->enable[w] |= v;
		if (v & atomic_load(&x->pend[w]))
			coproc_exc_kick(c);
	} else if (nvic_word(off, NVIC_ICER(0), &w)) {
		x->enable[w] &= ~v;
	} else if (nvic_word(off, NVIC_ISPR(0), &w)) {
		atomic_fetch_or(&x->pend[w], v);
		coproc_exc_kick(c);
	} else if (nvic_word(off, NVIC_ICPR(0), &w)) {
		/* A line still asserted stays pending (level-sensitive). */
		atomic_fetch_and(&x->pend[w], ~(v & ~atomic_load(&x->level[w])));
	}
	switch (off + SCS_BASE) {
	case SCS_ACTLR:
		x->actlr = v;
		break;
	case SYST_CSR:
	case SYST_RVR:
	case SYST_CVR:
		st_write(c, off + SCS_BASE, v);
		break;
	case SCB_ICSR:
		icsr_write(c, v);
		break;
	case SCB_VTOR:
		x->vtor = v & 0xFFFFFF80u;
		break;
	case SCB_AIRCR:
		aircr_write(c, v);
		break;
	case SCB_SCR:
		x->scr = v & (SCB_SCR_SLEEPONEXIT | (1u << 2) | SCB_SCR_SEVONPEND);
		break;
	case SCB_CCR:
		/* STKALIGN is read-only (set) on v8-M. */
		x->ccr = (v & 0x31Bu) |
			 (c->uc_model == UC_CPU_ARM_CORTEX_M33 ? SCB_CCR_STKALIGN : 0);
		break;
	case SCB_SHCSR:
		x->shcsr = v & SHCSR_ENABLES;
		break;
	case SCB_CFSR:
		x->cfsr &= ~v; /* write one to clear */
		break;
	case SCB_HFSR:
		x->hfsr &= ~v;
		break;
	case SCB_CPACR:
		x->cpacr = v & SCB_CPACR_FPU_FULL;
		break;
	case SCB_STIR:
		coproc_irq_pend(c, v & 0x1FFu);
		break;
	case FPU_FPCCR:
		x->fpccr = v & (FPU_FPCCR_ASPEN | FPU_FPCCR_LSPEN);
		break;
	case FPU_FPCAR:
		x->fpcar = v & ~7u;
		break;
	case FPU_FPDSCR:
		x->fpdscr = v & 0x07C00000u;
		break;
	default:
		break;
	}
}

static uint64_t scs_read(uc_engine *uc, uint64_t offset, unsigned int size, void *priv)
{
	struct coproc *c = priv;
	uint32_t off = (uint32_t)offset, v = 0;
	unsigned int i;
	uint8_t *b;

	if (prio_byte(c, off)) {
		for (i = 0; i < size && i < 4u; i++) {
			b = prio_byte(c, off + i);
			v |= (uint32_t)(b ? *b : 0) << (8 * i);
		}
		return v;
	}
	if (size != 4 || (off & 3u))
		return 0;
	return read_word(c, uc, off);
}

static void scs_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value, void *priv)
{
	struct coproc *c = priv;
	uint32_t off = (uint32_t)offset;
	unsigned int i;
	uint8_t *b;

	(void)uc;
	if (prio_byte(c, off)) {
		for (i = 0; i < size && i < 4u; i++) {
			b = prio_byte(c, off + i);
			if (b)
				*b = (uint8_t)(value >> (8 * i)) & COPROC_PRIO_MASK;
		}
		return;
	}
	if (size != 4 || (off & 3u))
		return;
	write_word(c, off, (uint32_t)value);
}

int coproc_scs_map(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uc_err e;

	e = uc_mmio_map(uc, SCS_BASE, SCS_SIZE, scs_read, c, scs_write, c);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "mapping the system control space");
	return 0;
}
