// SPDX-License-Identifier: BSD-2-Clause
/*
 * The Unicorn engine of one run and the thread that drives it.
 *
 * The thread calls uc_emu_start() and stays in it until the engine returns
 * by itself: a WFI/WFE (then it sleeps until an interrupt is due: exc.c), a
 * fault (then it enters the firmware's HardFault handler, or reports the
 * lock-up), or a host request (stop, injected crash) that the block hook
 * acted on from this very thread. Nobody else ever calls uc_emu_stop().
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "coproc/coproc_internal.h"
#include "coproc/vmmio.h"

/* A Thumb address never equals this (it is odd), so the engine never stops on its own. */
#define COPROC_UNTIL 0xFFFFFFFFull

/* Thumb encodings of the hint instructions Unicorn 2.0 stops on instead of ignoring. */
#define THUMB_WFE   0xBF20u
#define THUMB_YIELD 0xBF10u
#define THUMB_SEV   0xBF40u
/* UDF: 0xDExx (T1), 0xF7Fx 0xAxxx (T2). */
#define THUMB_UDF_T1	0xDE00u
#define THUMB_UDF_T2_HI 0xF7F0u
#define THUMB_UDF_T2_LO 0xA000u

static _Thread_local const struct coproc *tls_core;

bool coproc_on_core_thread(const struct coproc *c)
{
	return tls_core == c;
}

int coproc_uc_fail(struct rpt_error *err, uc_err e, const char *what)
{
	return rpt_error_set(err, EIO, "coprocessor: %s: %s", what, uc_strerror(e));
}

/* Unmapped or forbidden access: keep the first one and let the engine stop with an error. */
static bool hook_mem_invalid(uc_engine *uc, uc_mem_type type, uint64_t addr, int size,
			     int64_t value, void *priv)
{
	struct coproc *c = priv;

	(void)uc;
	(void)value;
	if (!c->fault.set) {
		c->fault.set = true;
		c->fault.access = type;
		c->fault.addr = addr;
		c->fault.size = size;
	}
	return false;
}

static int engine_map(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	char what[96];
	unsigned int i;
	uc_err e;
	int ret;

	for (i = 0; i < c->num_mems; i++) {
		const struct coproc_region *m = &c->mems[i];

		e = uc_mem_map_ptr(uc, m->da, m->size, UC_PROT_ALL, m->host);
		if (e != UC_ERR_OK) {
			snprintf(what, sizeof(what), "mapping memory '%s' at 0x%08x (0x%x bytes)",
				 m->name, m->da, m->size);
			return coproc_uc_fail(err, e, what);
		}
	}
	ret = coproc_scs_map(c, uc, err);
	if (ret)
		return ret;
	return coproc_periph_map(c, uc, err);
}

static int engine_hooks(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uc_hook h;
	uc_err e;

	/* begin > end: every address. No hook runs per instruction. */
	e = uc_hook_add(uc, &h, UC_HOOK_MEM_INVALID, (void *)hook_mem_invalid, c, 1, 0);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "adding the memory fault hook");
	return coproc_exc_hooks(c, uc, err);
}

int coproc_engine_open(struct coproc *c, uc_engine **out, struct rpt_error *err)
{
	uc_engine *uc = NULL;
	uc_err e;
	int ret;

	e = uc_open(UC_ARCH_ARM, UC_MODE_THUMB | UC_MODE_MCLASS, &uc);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "opening the Unicorn engine");
	e = uc_ctl_set_cpu_model(uc, c->uc_model);
	if (e != UC_ERR_OK) {
		ret = coproc_uc_fail(err, e, c->cpu);
		goto err_close;
	}
	ret = engine_map(c, uc, err);
	if (ret)
		goto err_close;
	ret = engine_hooks(c, uc, err);
	if (ret)
		goto err_close;
	*out = uc;
	return 0;

err_close:
	uc_close(uc);
	return ret;
}

int coproc_engine_reset(struct coproc *c, uc_engine *uc, struct rpt_error *err)
{
	uint32_t lr = 0xFFFFFFFFu; /* the architectural reset value */
	uc_err e;

	e = uc_reg_write(uc, UC_ARM_REG_SP, &c->boot_sp);
	if (e == UC_ERR_OK)
		e = uc_reg_write(uc, UC_ARM_REG_LR, &lr);
	if (e != UC_ERR_OK)
		return coproc_uc_fail(err, e, "setting the reset registers");
	return 0;
}

int coproc_interrupt_locked(struct coproc *c, unsigned int timeout_ms)
{
	uint64_t give_up = coproc_now_ns() + (uint64_t)timeout_ms * 1000000u;
	unsigned long gen = c->run_gen;
	struct timespec ts = {
		.tv_sec = (time_t)(give_up / 1000000000u),
		.tv_nsec = (long)(give_up % 1000000000u),
	};

	/*
	 * Never uc_emu_stop() from here: a run stopped from another thread
	 * cannot be resumed exactly (DESIGN section 7). The core thread sees
	 * the flag at its next block (or wakes from WFI) and leaves by itself.
	 * Wait for THIS run to end: once it crashed, the host may recover and
	 * start the next run before we wake up, and that one is not ours to stop.
	 */
	coproc_exc_leave_locked(c);
	while (c->state == COPROC_RUNNING && c->run_gen == gen) {
		if (coproc_now_ns() >= give_up)
			return -ETIMEDOUT;
		pthread_cond_timedwait(&c->cond, &c->lock, &ts);
	}
	return 0;
}

void coproc_request_crash_locked(struct coproc *c, enum rproc_crash_type type, const char *why)
{
	if (c->crash_req || c->stop_req)
		return;
	c->crash_req = true;
	c->crash_req_type = type;
	snprintf(c->crash_req_why, sizeof(c->crash_req_why), "%s", why);
	coproc_exc_leave_locked(c);
}

/* With c->lock held: did the host decide how this run ends? */
static bool host_outcome_locked(struct coproc *c, struct coproc_outcome *out)
{
	if (c->stop_req) {
		out->crashed = false;
		return true;
	}
	if (c->crash_req) {
		out->crashed = true;
		out->type = c->crash_req_type;
		snprintf(out->why, sizeof(out->why), "%s", c->crash_req_why);
		return true;
	}
	return false;
}

static bool host_outcome(struct coproc *c, struct coproc_outcome *out)
{
	bool done;

	pthread_mutex_lock(&c->lock);
	done = host_outcome_locked(c, out);
	pthread_mutex_unlock(&c->lock);
	return done;
}

/* Registers for the crash message. */
struct core_regs {
	uint32_t pc; /* where the engine stopped (a block start after a memory fault) */
	uint32_t lr;
	uint32_t sp;
};

static void read_regs(uc_engine *uc, struct core_regs *r)
{
	memset(r, 0, sizeof(*r));
	uc_reg_read(uc, UC_ARM_REG_PC, &r->pc);
	uc_reg_read(uc, UC_ARM_REG_LR, &r->lr);
	uc_reg_read(uc, UC_ARM_REG_SP, &r->sp);
}

static const char *access_name(uc_mem_type t)
{
	switch (t) {
	case UC_MEM_READ_UNMAPPED:
	case UC_MEM_READ_PROT:
		return "read";
	case UC_MEM_WRITE_UNMAPPED:
	case UC_MEM_WRITE_PROT:
		return "write";
	case UC_MEM_FETCH_UNMAPPED:
	case UC_MEM_FETCH_PROT:
		return "instruction fetch";
	default:
		return "access";
	}
}

static const char *access_reason(uc_mem_type t)
{
	switch (t) {
	case UC_MEM_READ_PROT:
	case UC_MEM_WRITE_PROT:
	case UC_MEM_FETCH_PROT:
		return "not permitted";
	default:
		return "no memory there";
	}
}

/* The memory fault the hook recorded, in words. */
static void fault_text(struct coproc *c, const struct core_regs *r, char *buf, size_t size)
{
	const struct coproc_fault *f = &c->fault;

	snprintf(buf, size,
		 "mmu fault: invalid %s of %d bytes at address 0x%08llx (%s), in the block at PC "
		 "0x%08x (LR 0x%08x, SP 0x%08x)",
		 access_name(f->access), f->size, (unsigned long long)f->addr,
		 access_reason(f->access), r->pc, r->lr, r->sp);
}

/* The firmware locked up: the crash the exception model recorded. */
static void lockup_outcome(struct coproc *c, struct coproc_outcome *out)
{
	out->crashed = true;
	out->type = c->exc.lockup_type;
	snprintf(out->why, sizeof(out->why), "%s", c->exc.why);
}

bool coproc_mem_read(const struct coproc *c, uc_engine *uc, uint32_t da, void *buf, uint32_t len)
{
	const struct coproc_region *m = coproc_find_region(c, da, len);

	if (m) {
		memcpy(buf, m->host + (da - m->da), len);
		return true;
	}
	return uc_mem_read(uc, da, buf, len) == UC_ERR_OK;
}

bool coproc_mem_write(const struct coproc *c, uc_engine *uc, uint32_t da, const void *buf,
		      uint32_t len)
{
	const struct coproc_region *m = coproc_find_region(c, da, len);

	if (m) {
		memcpy(m->host + (da - m->da), buf, len);
		return true;
	}
	return uc_mem_write(uc, da, buf, len) == UC_ERR_OK;
}

static bool read_insn16(const struct coproc *c, uc_engine *uc, uint32_t addr, uint16_t *insn)
{
	uint8_t b[2];

	if (!coproc_mem_read(c, uc, addr, b, sizeof(b)))
		return false;
	*insn = (uint16_t)(b[0] | b[1] << 8);
	return true;
}

/*
 * Unicorn 2.0 reports WFE and YIELD as invalid instructions, with PC just
 * after them; a real undefined instruction is reported with PC on it. So: a
 * hint if the halfword before PC is WFE/YIELD and the one at PC is not a
 * permanently undefined instruction (UDF, T1 or T2 encoding). (Any other
 * undefined encoding placed right after a WFE would look like a hint too.)
 */
static bool after_hint(const struct coproc *c, uc_engine *uc, uint32_t pc)
{
	uint16_t prev, cur, next;

	if (pc < 2 || !read_insn16(c, uc, pc - 2, &prev))
		return false;
	if (prev != THUMB_WFE && prev != THUMB_YIELD)
		return false;
	if (!read_insn16(c, uc, pc, &cur))
		return true; /* the fetch will fault and be reported as such */
	if ((cur & 0xFF00u) == THUMB_UDF_T1)
		return false;
	if ((cur & 0xFFF0u) == THUMB_UDF_T2_HI && read_insn16(c, uc, pc + 2, &next) &&
	    (next & 0xF000u) == THUMB_UDF_T2_LO)
		return false;
	return true;
}

/* Thumb encodings of WFI (T1, and the T2 halfwords). */
#define THUMB_WFI    0xBF30u
#define THUMB_WFI_HI 0xF3AFu
#define THUMB_WFI_LO 0x8003u

static bool after_wfi(const struct coproc *c, uc_engine *uc, uint32_t pc)
{
	uint16_t a, b;

	if (pc >= 2 && read_insn16(c, uc, pc - 2, &b) && b == THUMB_WFI)
		return true;
	return pc >= 4 && read_insn16(c, uc, pc - 4, &a) && read_insn16(c, uc, pc - 2, &b) &&
	       a == THUMB_WFI_HI && b == THUMB_WFI_LO;
}

/*
 * The engine returned without a host request. Decide whether the run ends
 * (true, *out filled) or resumes at *pc: after a WFI/WFE (once woken), or in
 * the firmware's HardFault handler after a fault.
 */
static bool core_outcome(struct coproc *c, uc_err e, uint32_t *pc, struct coproc_outcome *out)
{
	enum rproc_crash_type type = RPROC_FATAL_ERROR;
	char what[COPROC_WHY_MAX];
	struct core_regs r;
	uint16_t prev;

	read_regs(c->uc, &r);
	if (c->exc.lockup) {
		lockup_outcome(c, out);
		return true;
	}
	if (c->fault.set) {
		type = RPROC_MMUFAULT;
		fault_text(c, &r, what, sizeof(what));
		c->fault.set = false;
		if (c->fault.addr <= UINT32_MAX)
			c->exc.bfar = (uint32_t)c->fault.addr;
	} else if (e == UC_ERR_OK) {
		/* WFI (or a spurious return): sleep until an interrupt is due. */
		if (after_wfi(c, c->uc, r.pc))
			coproc_exc_sleep(c, c->uc, false);
		*pc = r.pc | 1u;
		return false;
	} else if (e == UC_ERR_INSN_INVALID && after_hint(c, c->uc, r.pc)) {
		/* `sev; wfe` (SEV runs as a no-op in Unicorn): the event is set, no sleep. */
		if (read_insn16(c, c->uc, r.pc - 2, &prev) && prev == THUMB_WFE &&
		    !(read_insn16(c, c->uc, r.pc - 4, &prev) && prev == THUMB_SEV))
			coproc_exc_sleep(c, c->uc, true);
		*pc = r.pc | 1u; /* YIELD: nothing to yield to */
		return false;
	} else if (e == UC_ERR_INSN_INVALID) {
		snprintf(what, sizeof(what),
			 "fatal: undefined instruction at PC 0x%08x (LR 0x%08x, SP 0x%08x)", r.pc,
			 r.lr, r.sp);
	} else {
		snprintf(what, sizeof(what), "fatal: %s at PC 0x%08x (LR 0x%08x, SP 0x%08x)",
			 uc_strerror(e), r.pc, r.lr, r.sp);
	}
	*pc = r.pc;
	if (coproc_exc_fault(c, c->uc, pc, type, what))
		return false;
	lockup_outcome(c, out);
	return true;
}

static void run(struct coproc *c, struct coproc_outcome *out)
{
	uint32_t pc = c->boot_pc;
	uc_err e;

	if (!(pc & 1u)) {
		/* A real core takes a UsageFault on the very first fetch and locks up. */
		out->crashed = true;
		out->type = RPROC_FATAL_ERROR;
		snprintf(out->why, sizeof(out->why),
			 "fatal: reset vector 0x%08x has no Thumb bit (the core locks up)", pc);
		return;
	}
	for (;;) {
		if (host_outcome(c, out))
			return;
		e = uc_emu_start(c->uc, pc, COPROC_UNTIL, 0, 0);
		/* A host request wins over what the firmware did meanwhile. */
		if (host_outcome(c, out))
			return;
		if (core_outcome(c, e, &pc, out))
			return;
	}
}

/* Linux signal (ARM numbering) that names a crash type in a core file. */
static uint32_t crash_signo(enum rproc_crash_type type)
{
	switch (type) {
	case RPROC_MMUFAULT:
		return COREDUMP_SIGSEGV;
	case RPROC_WATCHDOG:
		return COREDUMP_SIGALRM;
	default:
		return COREDUMP_SIGILL;
	}
}

/*
 * The registers as the run left them, for a later coredump. After a memory
 * fault, PC is the start of the translated block holding the faulting
 * instruction (Unicorn 2.0.1 gives no precise PC: DESIGN section 7); the
 * other registers hold what the instructions before it wrote. After a host
 * stop, PC is where the firmware would have gone on.
 */
static void snapshot_regs(struct coproc *c, const struct coproc_outcome *out,
			  struct coredump_regs *regs)
{
	static const int ids[16] = {
		UC_ARM_REG_R0,	UC_ARM_REG_R1, UC_ARM_REG_R2,  UC_ARM_REG_R3,
		UC_ARM_REG_R4,	UC_ARM_REG_R5, UC_ARM_REG_R6,  UC_ARM_REG_R7,
		UC_ARM_REG_R8,	UC_ARM_REG_R9, UC_ARM_REG_R10, UC_ARM_REG_R11,
		UC_ARM_REG_R12, UC_ARM_REG_SP, UC_ARM_REG_LR,  UC_ARM_REG_PC,
	};
	unsigned int i;

	memset(regs, 0, sizeof(*regs));
	for (i = 0; i < 16; i++)
		uc_reg_read(c->uc, ids[i], &regs->r[i]);
	uc_reg_read(c->uc, UC_ARM_REG_XPSR, &regs->xpsr);
	regs->signo = out->crashed ? crash_signo(out->type) : 0;
}

void *coproc_core_main(void *arg)
{
	struct coproc *c = arg;
	struct coproc_outcome out = {0};
	struct coredump_regs regs;

	tls_core = c;
	run(c, &out);
	snapshot_regs(c, &out, &regs);
	pthread_mutex_lock(&c->lock);
	c->last_regs = regs;
	c->regs_valid = true;
	c->state = out.crashed ? COPROC_CRASHED : COPROC_STOPPED;
	pthread_cond_broadcast(&c->cond);
	pthread_mutex_unlock(&c->lock);
	if (out.crashed && c->ev.crash)
		c->ev.crash(c->ev_priv, out.type, out.why);
	return NULL;
}
