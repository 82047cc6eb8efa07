// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Cortex-M exception model, in software over Unicorn (DESIGN section 7).
 *
 * Unicorn has no NVIC and takes no exception itself. So:
 * - asynchronous exceptions (interrupts, PendSV, SysTick) are taken from a
 *   block hook whose fast path is one relaxed atomic load of `attn`; whoever
 *   makes something pending (a peripheral, the host, the timer thread, an
 *   SCS write) sets it;
 * - SVC, exception return (a branch to EXC_RETURN) and CPU faults arrive in
 *   the interrupt hook;
 * - memory faults and UDF end uc_emu_start(): the core thread enters the
 *   HardFault handler and starts the engine again there.
 * Entry pushes the frame (8 words, 26 with FP context) and writes SP, IPSR,
 * CONTROL, LR, xPSR and PC last (a PC write in a hook continues there);
 * return unstacks, or tail-chains to the next pending exception.
 *
 * Register banking: Unicorn 2.0.1 switches the SP bank when IPSR is written
 * (thread <-> handler) and when CONTROL.SPSEL is written in privileged
 * thread mode; MSP, PSP and CONTROL writes are ignored in unprivileged
 * thread mode. Every mode switch below is ordered for that.
 *
 * Host requests never stop the engine from another thread: the host sets
 * `leave` and `attn`, the block hook stops the engine from the core thread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/safe_math.h"
#include "coproc/armv7m_regs.h"
#include "coproc/coproc_internal.h"

/* QEMU's exception numbers as the interrupt hook sees them. */
#define INTNO_UDEF	 1
#define INTNO_SWI	 2
#define INTNO_PREFETCH	 3
#define INTNO_DATA_ABORT 4
#define INTNO_BKPT	 7
#define INTNO_EXC_EXIT	 8
#define INTNO_NOCP	 16
#define INTNO_INVSTATE	 17
#define INTNO_STKOF	 18
#define INTNO_UNALIGNED	 21
#define INTNO_DIVBYZERO	 22

/* The halfword `b .`: a handler that starts with it can only spin. */
#define THUMB_SELF_LOOP 0xE7FEu

/* Frame sizes in words. */
#define FRAME_WORDS    8u
#define FRAME_FP_WORDS 26u

#define MIN(a, b) ((a) < (b) ? (a) : (b))

/* Priority of "nothing active": below every configurable priority. */
#define PRIO_THREAD 256

/* xPSR bits kept across entry: N Z C V Q and GE (the IT bits are cleared). */
#define XPSR_APSR_MASK 0xF80F0000u
/* CONTROL.SFPA (v8-M; Unicorn's M4 is an M33 inside): FP context of the secure state. */
#define CONTROL_SFPA (1u << 3)
#define XPSR_T	     (1u << 24)
#define XPSR_ALIGN   (1u << 9)
#define IPSR_MASK    0x1FFu

static uint32_t rd(uc_engine *uc, int reg)
{
	uint32_t v = 0;

	uc_reg_read(uc, reg, &v);
	return v;
}

static void wr(uc_engine *uc, int reg, uint32_t v)
{
	uc_reg_write(uc, reg, &v);
}

/* ---- priorities ---- */

static uint32_t group_mask(const struct coproc_exc *x)
{
	return (0xFFu << (x->prigroup + 1)) & 0xFFu;
}

static int raw_prio(const struct coproc_exc *x, unsigned int n)
{
	switch (n) {
	case EXC_RESET:
		return -3;
	case EXC_NMI:
		return -2;
	case EXC_HARDFAULT:
		return -1;
	default:
		return n < 16 ? x->sys_prio[n] : x->prio[n - 16];
	}
}

/* The priority that decides preemption (PRIGROUP splits off the subpriority). */
static int group_prio(const struct coproc_exc *x, unsigned int n)
{
	int p = raw_prio(x, n);

	return p < 0 ? p : (int)((uint32_t)p & group_mask(x));
}

static bool is_active(const struct coproc_exc *x, unsigned int n)
{
	if (n < 16)
		return x->sys_active & (1u << n);
	n -= 16;
	return n < COPROC_NUM_IRQ && (x->active[n / 32] & (1u << (n % 32)));
}

static void set_active(struct coproc_exc *x, unsigned int n, bool on)
{
	uint32_t *w, bit;

	if (n < 16) {
		w = &x->sys_active;
		bit = 1u << n;
	} else {
		w = &x->active[(n - 16) / 32];
		bit = 1u << ((n - 16) % 32);
	}
	*w = on ? *w | bit : *w & ~bit;
}

static void clear_pending(struct coproc_exc *x, unsigned int n)
{
	if (n < 16)
		atomic_fetch_and(&x->sys_pend, ~(1u << n));
	else
		atomic_fetch_and(&x->pend[(n - 16) / 32], ~(1u << ((n - 16) % 32)));
}

/* Highest group priority of the active exceptions (PRIO_THREAD if none); count in *num. */
static int active_prio(const struct coproc_exc *x, unsigned int *num)
{
	unsigned int n, w, cnt = 0;
	int p = PRIO_THREAD;

	for (n = 1; n < 16; n++) {
		if (x->sys_active & (1u << n)) {
			cnt++;
			p = MIN(p, group_prio(x, n));
		}
	}
	for (w = 0; w < COPROC_IRQ_WORDS; w++) {
		uint32_t bits = x->active[w];

		while (bits) {
			n = (unsigned int)__builtin_ctz(bits);
			bits &= bits - 1;
			cnt++;
			p = MIN(p, group_prio(x, 16 + 32 * w + n));
		}
	}
	if (num)
		*num = cnt;
	return p;
}

/* The masking registers. */
struct masks {
	uint32_t primask, basepri, faultmask;
};

/*
 * Unicorn reads them as zero in unprivileged thread mode (as MRS does
 * there), yet a handler may have set them before returning to such a
 * thread: read them from handler mode for a moment (the IPSR writes swap
 * the stack banks back and forth, losing nothing).
 */
static void read_masks(uc_engine *uc, struct masks *m)
{
	bool unpriv = (rd(uc, UC_ARM_REG_CONTROL) & CONTROL_NPRIV) &&
		      !(rd(uc, UC_ARM_REG_IPSR) & IPSR_MASK);

	if (unpriv)
		wr(uc, UC_ARM_REG_IPSR, EXC_HARDFAULT);
	m->primask = rd(uc, UC_ARM_REG_PRIMASK) & 1u;
	m->basepri = rd(uc, UC_ARM_REG_BASEPRI) & 0xFFu;
	m->faultmask = rd(uc, UC_ARM_REG_FAULTMASK) & 1u;
	if (unpriv)
		wr(uc, UC_ARM_REG_IPSR, 0);
}

/* Execution priority: the active exceptions' and the masking registers'. */
static int exec_prio(struct coproc *c, uc_engine *uc, bool ignore_primask)
{
	struct coproc_exc *x = &c->exc;
	int p = active_prio(x, NULL);
	struct masks m;

	read_masks(uc, &m);
	if (m.basepri)
		p = MIN(p, (int)(m.basepri & group_mask(x)));
	if (!ignore_primask && m.primask)
		p = MIN(p, 0);
	if (m.faultmask)
		p = MIN(p, -1);
	return p;
}

/* The pending, enabled exception taken next (priority, then number); 0 if none. */
static unsigned int best_pending(struct coproc_exc *x)
{
	uint32_t sys = atomic_load(&x->sys_pend);
	unsigned int n, w, best = 0;
	int bp = PRIO_THREAD + 1;

	for (n = 2; n < 16; n++) {
		if ((sys & (1u << n)) && raw_prio(x, n) < bp) {
			best = n;
			bp = raw_prio(x, n);
		}
	}
	for (w = 0; w < COPROC_IRQ_WORDS; w++) {
		uint32_t bits =
			atomic_load_explicit(&x->pend[w], memory_order_relaxed) & x->enable[w];

		while (bits) {
			n = 16 + 32 * w + (unsigned int)__builtin_ctz(bits);
			bits &= bits - 1;
			if (raw_prio(x, n) < bp) {
				best = n;
				bp = raw_prio(x, n);
			}
		}
	}
	return best;
}

unsigned int coproc_exc_pending(struct coproc *c)
{
	return best_pending(&c->exc);
}

/* ---- entry ---- */

static void lockup(struct coproc *c, enum rproc_crash_type type, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void lockup(struct coproc *c, enum rproc_crash_type type, const char *fmt, ...)
{
	va_list ap;

	if (c->exc.lockup)
		return; /* the first reason is the one that matters */
	c->exc.lockup = true;
	c->exc.lockup_type = type;
	va_start(ap, fmt);
	vsnprintf(c->exc.why, sizeof(c->exc.why), fmt, ap);
	va_end(ap);
}

static bool read32(const struct coproc *c, uc_engine *uc, uint32_t addr, uint32_t *v)
{
	uint8_t b[4];

	if (!coproc_mem_read(c, uc, addr, b, 4))
		return false;
	*v = get_le32(b);
	return true;
}

/* Handler address of exception n if the table has a usable one (Thumb, in memory). */
static bool vector(struct coproc *c, uc_engine *uc, unsigned int n, uint32_t *handler)
{
	uint8_t insn[2];

	if (!read32(c, uc, c->exc.vtor + 4u * n, handler))
		return false;
	return (*handler & 1u) && coproc_mem_read(c, uc, *handler & ~1u, insn, 2);
}

static bool fpu_frame(struct coproc *c, uint32_t control)
{
	return (control & CONTROL_FPCA) && (c->exc.fpccr & FPU_FPCCR_ASPEN);
}

/*
 * Take exception n with `ret` as return address: push the frame on the
 * current stack, switch to handler mode on MSP, jump to handler. PC is
 * written only from a hook (running); otherwise the caller starts there.
 */
static bool enter(struct coproc *c, uc_engine *uc, unsigned int n, uint32_t handler, uint32_t ret,
		  bool running)
{
	struct coproc_exc *x = &c->exc;
	uint32_t ipsr = rd(uc, UC_ARM_REG_IPSR) & IPSR_MASK;
	uint32_t control = rd(uc, UC_ARM_REG_CONTROL);
	uint32_t xpsr = rd(uc, UC_ARM_REG_XPSR);
	uint32_t sp = rd(uc, UC_ARM_REG_SP);
	bool fp = fpu_frame(c, control);
	uint32_t words = fp ? FRAME_FP_WORDS : FRAME_WORDS;
	uint32_t frame[FRAME_FP_WORDS], excret, fsp, ctl, i;
	bool align = (x->ccr & SCB_CCR_STKALIGN) && (sp & 4u);
	static const int gp[5] = {UC_ARM_REG_R0, UC_ARM_REG_R1, UC_ARM_REG_R2, UC_ARM_REG_R3,
				  UC_ARM_REG_R12};

	fsp = (sp - 4u * words) & ~(align ? 4u : 0u);
	for (i = 0; i < 5; i++)
		frame[i] = rd(uc, gp[i]);
	frame[5] = rd(uc, UC_ARM_REG_LR);
	frame[6] = ret & ~1u;
	frame[7] = (xpsr & ~XPSR_ALIGN) | (align ? XPSR_ALIGN : 0u);
	if (fp) {
		for (i = 0; i < 16; i++)
			frame[8 + i] = rd(uc, UC_ARM_REG_S0 + (int)i);
		frame[24] = rd(uc, UC_ARM_REG_FPSCR);
		frame[25] = 0;
	}
	for (i = 0; i < words; i++)
		put_le32((uint8_t *)&frame[i], frame[i]);
	if (!coproc_mem_write(c, uc, fsp, frame, words * 4u)) {
		lockup(c, RPROC_FATAL_ERROR,
		       "fatal: stack overflow: exception %u could not push its frame at 0x%08x "
		       "(SP 0x%08x, PC 0x%08x): the core locks up",
		       n, fsp, sp, ret);
		return false;
	}
	excret = 0xFFFFFFE1u | (fp ? 0u : EXC_RETURN_FTYPE);
	if (!ipsr)
		excret |= EXC_RETURN_MODE | (control & CONTROL_SPSEL ? EXC_RETURN_SPSEL : 0u);
	wr(uc, UC_ARM_REG_SP, fsp);
	/* Handler mode (the SP bank follows: MSP), privileged from here. */
	wr(uc, UC_ARM_REG_IPSR, n);
	ctl = control & ~(CONTROL_FPCA | CONTROL_SFPA | CONTROL_SPSEL);
	wr(uc, UC_ARM_REG_CONTROL, ctl & ~CONTROL_NPRIV);
	if (control & CONTROL_SPSEL) {
		/*
		 * v7-M ignores SPSEL writes in handler mode: clear it from
		 * privileged thread mode (each switch swaps the banks, so both
		 * stack pointers keep their values), then back to the handler.
		 */
		wr(uc, UC_ARM_REG_IPSR, 0);
		wr(uc, UC_ARM_REG_CONTROL, ctl & ~CONTROL_NPRIV);
		wr(uc, UC_ARM_REG_IPSR, n);
	}
	wr(uc, UC_ARM_REG_CONTROL, ctl);
	wr(uc, UC_ARM_REG_LR, excret);
	wr(uc, UC_ARM_REG_XPSR, (xpsr & XPSR_APSR_MASK) | XPSR_T | n);
	set_active(x, n, true);
	clear_pending(x, n);
	x->event = true;
	if (running)
		wr(uc, UC_ARM_REG_PC, handler);
	return true;
}

/* Can the HardFault handler run now? Else say why not (lock-up). */
static const char *no_hardfault(struct coproc *c, uc_engine *uc, uint32_t *handler)
{
	uint8_t insn[2];

	struct masks m;

	read_masks(uc, &m);
	if (is_active(&c->exc, EXC_HARDFAULT) || is_active(&c->exc, EXC_NMI) || m.faultmask)
		return "fault in HardFault/NMI or under FAULTMASK";
	if (!vector(c, uc, EXC_HARDFAULT, handler))
		return "no usable HardFault handler";
	/*
	 * A handler that begins with `b .` only spins: real silicon would hang
	 * there until a watchdog noticed; report the fault now instead.
	 */
	if (coproc_mem_read(c, uc, *handler & ~1u, insn, 2) &&
	    (uint32_t)(insn[0] | insn[1] << 8) == THUMB_SELF_LOOP)
		return "the HardFault handler only spins";
	return NULL;
}

/* A fault: HardFault (FORCED) or lock-up. `running`: from a hook. */
static bool fault(struct coproc *c, uc_engine *uc, uint32_t *pc, bool running,
		  enum rproc_crash_type type, const char *what)
{
	uint32_t handler = 0;
	const char *why = no_hardfault(c, uc, &handler);

	if (why) {
		lockup(c, type, "%s; the core locks up: %s", what, why);
		return false;
	}
	c->exc.hfsr |= SCB_HFSR_FORCED;
	if (!enter(c, uc, EXC_HARDFAULT, handler, *pc, running))
		return false;
	*pc = handler;
	return true;
}

bool coproc_exc_fault(struct coproc *c, uc_engine *uc, uint32_t *pc, enum rproc_crash_type type,
		      const char *what)
{
	return fault(c, uc, pc, false, type, what);
}

/*
 * Take exception n now (from a hook): its handler, or HardFault if its
 * vector is unusable (as the INVSTATE fault of real silicon would).
 */
static void take(struct coproc *c, uc_engine *uc, unsigned int n, uint32_t ret)
{
	char what[COPROC_WHY_MAX];
	uint32_t handler = 0;

	if (vector(c, uc, n, &handler)) {
		enter(c, uc, n, handler, ret, true);
		return;
	}
	clear_pending(&c->exc, n);
	snprintf(what, sizeof(what),
		 "fatal: exception %u%s has no usable handler (vector 0x%08x at 0x%08x), near PC "
		 "0x%08x",
		 n, n == EXC_SVCALL ? " (SVC)" : "", handler, c->exc.vtor + 4u * n, ret);
	fault(c, uc, &ret, true, RPROC_FATAL_ERROR, what);
}

/* ---- the block hook: asynchronous exceptions and host requests ---- */

/* What is pending could be taken now (n), or waits only for PRIMASK/BASEPRI/FAULTMASK. */
static unsigned int deliverable(struct coproc *c, uc_engine *uc, bool ignore_primask, bool *masked)
{
	unsigned int n = best_pending(&c->exc);
	int gp;

	*masked = false;
	if (!n)
		return 0;
	gp = group_prio(&c->exc, n);
	if (gp < exec_prio(c, uc, ignore_primask))
		return n;
	*masked = gp < active_prio(&c->exc, NULL);
	return 0;
}

static void hook_block_slow(struct coproc *c, uc_engine *uc, uint32_t addr)
{
	struct coproc_exc *x = &c->exc;
	unsigned int n;
	bool masked;

	atomic_store(&x->attn, 0);
	if (atomic_load(&x->leave) || x->lockup) {
		atomic_store(&x->attn, 1);
		uc_emu_stop(uc); /* on the core thread, and the run ends: safe */
		return;
	}
	n = deliverable(c, uc, false, &masked);
	if (n) {
		take(c, uc, n, addr);
		if (x->lockup)
			uc_emu_stop(uc);
		return;
	}
	/* Masked by a register the firmware changes natively (CPSIE, MSR): look again. */
	if (masked)
		atomic_store(&x->attn, 1);
}

static void hook_block(uc_engine *uc, uint64_t addr, uint32_t size, void *priv)
{
	struct coproc *c = priv;

	(void)size;
	if (__builtin_expect(!atomic_load_explicit(&c->exc.attn, memory_order_relaxed), 1))
		return;
	hook_block_slow(c, uc, (uint32_t)addr);
}

/* ---- the interrupt hook: SVC, exception return, CPU faults ---- */

static bool valid_excret(uint32_t r)
{
	uint32_t low = r & 0xFu;

	return (r & 0xFFFFFF80u) == 0xFFFFFF80u && (low == 0x1u || low == 0x9u || low == 0xDu);
}

/* Tail-chain from the exception just deactivated to a pending one, if it may preempt. */
static bool tail_chain(struct coproc *c, uc_engine *uc, uint32_t excret)
{
	uint32_t handler;
	unsigned int n;
	bool masked;

	n = deliverable(c, uc, false, &masked);
	if (!n)
		return false;
	if (!vector(c, uc, n, &handler)) {
		clear_pending(&c->exc, n);
		return false; /* taken (and escalated) from the block hook of the return target */
	}
	wr(uc, UC_ARM_REG_IPSR, n);
	wr(uc, UC_ARM_REG_LR, excret);
	set_active(&c->exc, n, true);
	clear_pending(&c->exc, n);
	c->exc.event = true;
	wr(uc, UC_ARM_REG_PC, handler);
	return true;
}

static void exc_return(struct coproc *c, uc_engine *uc, uint32_t excret)
{
	struct coproc_exc *x = &c->exc;
	uint32_t n = rd(uc, UC_ARM_REG_IPSR) & IPSR_MASK;
	bool to_thread = excret & EXC_RETURN_MODE, psp = excret & EXC_RETURN_SPSEL;
	bool fp = !(excret & EXC_RETURN_FTYPE);
	uint32_t words = fp ? FRAME_FP_WORDS : FRAME_WORDS;
	uint32_t frame[FRAME_FP_WORDS], control, fsp, xpsr, ipsr, ctl, i;
	static const int gp[6] = {UC_ARM_REG_R0, UC_ARM_REG_R1,	 UC_ARM_REG_R2,
				  UC_ARM_REG_R3, UC_ARM_REG_R12, UC_ARM_REG_LR};
	char what[COPROC_WHY_MAX];
	uint32_t pc;

	if (!valid_excret(excret) || !n || !is_active(x, n)) {
		pc = rd(uc, UC_ARM_REG_LR);
		snprintf(what, sizeof(what),
			 "fatal: bad exception return 0x%08x in %s %u (LR 0x%08x)", excret,
			 n ? "exception" : "thread mode, IPSR", n, pc);
		if (!fault(c, uc, &pc, true, RPROC_FATAL_ERROR, what))
			uc_emu_stop(uc);
		return;
	}
	set_active(x, n, false);
	if (n != EXC_NMI)
		wr(uc, UC_ARM_REG_FAULTMASK, 0);
	if (n >= 16 && (atomic_load(&x->level[(n - 16) / 32]) & (1u << ((n - 16) % 32))))
		atomic_fetch_or(&x->pend[(n - 16) / 32], 1u << ((n - 16) % 32));
	x->event = true;
	if (tail_chain(c, uc, excret))
		return;

	fsp = rd(uc, psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP);
	if (!coproc_mem_read(c, uc, fsp, frame, words * 4u)) {
		lockup(c, RPROC_FATAL_ERROR,
		       "fatal: exception return could not pop its frame at 0x%08x: the core "
		       "locks up",
		       fsp);
		uc_emu_stop(uc);
		return;
	}
	for (i = 0; i < words; i++)
		frame[i] = get_le32((uint8_t *)&frame[i]);
	xpsr = frame[7];
	ipsr = to_thread ? 0 : (xpsr & IPSR_MASK);
	fsp += 4u * words + (xpsr & XPSR_ALIGN ? 4u : 0u);
	control = rd(uc, UC_ARM_REG_CONTROL);
	ctl = (control & ~(CONTROL_FPCA | CONTROL_SFPA | CONTROL_SPSEL)) |
	      (fp ? CONTROL_FPCA | CONTROL_SFPA : 0u) | (to_thread && psp ? CONTROL_SPSEL : 0u);
	/* Still in handler mode (privileged): both stack pointers are writable. */
	wr(uc, psp ? UC_ARM_REG_PSP : UC_ARM_REG_MSP, fsp);
	wr(uc, UC_ARM_REG_CONTROL, ctl & ~CONTROL_NPRIV);
	if (to_thread) {
		wr(uc, UC_ARM_REG_IPSR, 0);
		/* Privileged thread mode: this SPSEL write selects the bank; nPRIV last. */
		wr(uc, UC_ARM_REG_CONTROL, ctl & ~CONTROL_NPRIV);
		wr(uc, UC_ARM_REG_CONTROL, ctl);
	} else {
		wr(uc, UC_ARM_REG_IPSR, ipsr);
	}
	for (i = 0; i < 6; i++)
		wr(uc, gp[i], frame[i]);
	if (fp) {
		for (i = 0; i < 16; i++)
			wr(uc, UC_ARM_REG_S0 + (int)i, frame[8 + i]);
		wr(uc, UC_ARM_REG_FPSCR, frame[24]);
	}
	wr(uc, UC_ARM_REG_XPSR, (xpsr & ~(XPSR_ALIGN | IPSR_MASK)) | ipsr);
	if (best_pending(x))
		atomic_store(&x->attn, 1);
	wr(uc, UC_ARM_REG_PC, frame[6] | 1u);
	/*
	 * SCR.SLEEPONEXIT: an interrupt-driven firmware sleeps instead of
	 * going back to its thread; the next interrupt is taken from there.
	 * Sleeping inside the hook is fine: only this thread runs the engine.
	 */
	if (to_thread && (x->scr & SCB_SCR_SLEEPONEXIT))
		coproc_exc_sleep(c, uc, false);
}

static const char *intr_name(uint32_t intno)
{
	switch (intno) {
	case INTNO_UDEF:
		return "undefined instruction";
	case INTNO_PREFETCH:
		return "prefetch abort (bad branch target)";
	case INTNO_DATA_ABORT:
		return "data abort";
	case INTNO_BKPT:
		return "BKPT";
	case INTNO_NOCP:
		return "coprocessor/FPU access while disabled";
	case INTNO_INVSTATE:
		return "invalid state (branch without the Thumb bit)";
	case INTNO_STKOF:
		return "stack limit overflow";
	case INTNO_UNALIGNED:
		return "unaligned access";
	case INTNO_DIVBYZERO:
		return "division by zero";
	default:
		return "CPU exception";
	}
}

static void svc(struct coproc *c, uc_engine *uc, uint32_t pc)
{
	char what[COPROC_WHY_MAX];

	/* A synchronous exception that cannot preempt now escalates to HardFault. */
	if (group_prio(&c->exc, EXC_SVCALL) < exec_prio(c, uc, false)) {
		take(c, uc, EXC_SVCALL, pc);
	} else {
		snprintf(what, sizeof(what),
			 "fatal: SVC at a priority that cannot preempt (masked or in a handler), "
			 "near PC 0x%08x",
			 pc);
		fault(c, uc, &pc, true, RPROC_FATAL_ERROR, what);
	}
	if (c->exc.lockup)
		uc_emu_stop(uc);
}

static void hook_intr(uc_engine *uc, uint32_t intno, void *priv)
{
	struct coproc *c = priv;
	uint32_t pc = rd(uc, UC_ARM_REG_PC);
	char what[COPROC_WHY_MAX];

	switch (intno) {
	case INTNO_SWI:
		svc(c, uc, pc);
		return;
	case INTNO_EXC_EXIT:
		exc_return(c, uc, pc | 1u);
		return;
	default:
		snprintf(what, sizeof(what),
			 "fatal: %s (exception %u) near PC 0x%08x (LR 0x%08x, SP 0x%08x)",
			 intr_name(intno), intno, pc, rd(uc, UC_ARM_REG_LR), rd(uc, UC_ARM_REG_SP));
		if (!fault(c, uc, &pc, true, RPROC_FATAL_ERROR, what))
			uc_emu_stop(uc);
	}
}

int coproc_exc_hooks(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uc_hook h;
	uc_err e;

	/* begin > end: every address. The block hook's fast path is one relaxed load. */
	e = uc_hook_add(uc, &h, UC_HOOK_BLOCK, (void *)hook_block, c, 1, 0);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "adding the interrupt delivery hook");
	e = uc_hook_add(uc, &h, UC_HOOK_INTR, (void *)hook_intr, c, 1, 0);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "adding the exception hook");
	return 0;
}

/* ---- sleep and wake ---- */

/*
 * The core thread sleeps on wake_cond under wake_lock, a lock of its own:
 * anybody may wake it, holding c->lock or not (lock order: c->lock, then
 * wake_lock; the core thread never takes c->lock while holding wake_lock).
 */
static void wake(struct coproc *c)
{
	pthread_mutex_lock(&c->exc.wake_lock);
	pthread_cond_broadcast(&c->exc.wake_cond);
	pthread_mutex_unlock(&c->exc.wake_lock);
}

void coproc_exc_kick(struct coproc *c)
{
	atomic_store(&c->exc.attn, 1);
	/*
	 * Only a sleeping core needs the lock and the signal (most kicks find it
	 * running). Sequentially consistent on both sides: either we see
	 * `sleeping`, or the core, which sets it before it looks at attn, sees
	 * our attn and does not wait. (On the core thread it is running.)
	 */
	if (atomic_load(&c->exc.sleeping) && !coproc_on_core_thread(c))
		wake(c);
}

void coproc_exc_leave_locked(struct coproc *c)
{
	atomic_store(&c->exc.leave, true);
	atomic_store(&c->exc.attn, 1);
	pthread_cond_broadcast(&c->cond); /* the timer and watchdog threads */
	wake(c);
}

void coproc_exc_sleep(struct coproc *c, uc_engine *uc, bool wfe)
{
	struct coproc_exc *x = &c->exc;
	bool masked;

	if (wfe && x->event) {
		x->event = false;
		return;
	}
	for (;;) {
		atomic_store(&x->attn, 0);
		/* WFI wakes for what would preempt were PRIMASK clear (it may stay masked). */
		if (atomic_load(&x->leave) || deliverable(c, uc, true, &masked))
			break;
		pthread_mutex_lock(&x->wake_lock);
		/* Set before attn is looked at: see coproc_exc_kick(). */
		atomic_store(&x->sleeping, true);
		while (!atomic_load(&x->attn) && !atomic_load(&x->leave))
			pthread_cond_wait(&x->wake_cond, &x->wake_lock);
		atomic_store(&x->sleeping, false);
		pthread_mutex_unlock(&x->wake_lock);
		if (wfe)
			break; /* any new pending exception is an event */
	}
	x->event = false;
	atomic_store(&x->attn, 1);
}

void coproc_irq_pend(struct coproc *c, unsigned int irq)
{
	if (irq >= COPROC_NUM_IRQ)
		return;
	atomic_fetch_or(&c->exc.pend[irq / 32], 1u << (irq % 32));
	coproc_exc_kick(c);
}

void coproc_irq_set(struct coproc *c, unsigned int irq, bool level)
{
	uint32_t bit = 1u << (irq % 32);

	if (irq >= COPROC_NUM_IRQ)
		return;
	if (!level) {
		atomic_fetch_and(&c->exc.level[irq / 32], ~bit);
		return;
	}
	atomic_fetch_or(&c->exc.level[irq / 32], bit);
	atomic_fetch_or(&c->exc.pend[irq / 32], bit);
	coproc_exc_kick(c);
}

void coproc_exc_reset(struct coproc *c)
{
	struct coproc_exc *x = &c->exc;
	unsigned int i;

	atomic_store(&x->leave, false);
	atomic_store(&x->sleeping, false);
	for (i = 0; i < COPROC_IRQ_WORDS; i++) {
		atomic_store(&x->pend[i], 0);
		atomic_store(&x->level[i], 0);
		x->enable[i] = 0;
		x->active[i] = 0;
	}
	atomic_store(&x->sys_pend, 0);
	memset(x->prio, 0, sizeof(x->prio));
	memset(x->sys_prio, 0, sizeof(x->sys_prio));
	x->sys_active = 0;
	x->vtor = c->boot_vtor;
	x->prigroup = 0;
	x->scr = 0;
	x->ccr = SCB_CCR_STKALIGN;
	x->shcsr = x->cpacr = x->actlr = 0;
	x->cfsr = x->hfsr = x->mmfar = x->bfar = 0;
	x->fpccr = FPU_FPCCR_ASPEN | FPU_FPCCR_LSPEN;
	x->fpcar = x->fpdscr = 0;
	x->event = false;
	x->lockup = false;
	x->why[0] = '\0';
	memset(&x->systick, 0, sizeof(x->systick));
	/* Look once at the first block: nothing is pending yet, but it costs nothing. */
	atomic_store(&x->attn, 1);
}
