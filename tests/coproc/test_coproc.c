// SPDX-License-Identifier: BSD-2-Clause
/*
 * The emulated coprocessor without any TA: firmware loaded straight into the
 * board's memories, run, watched through its trace buffer and its events.
 *
 * Part 1: the reference vectors (m4-demo, the two-image M33 firmware).
 * Part 2: the demo firmware of firmware/ (greeting, heartbeat, kicks,
 *         shutdown, crash, watchdog; the noack and nowdg variants).
 * Part 3: hand-assembled Thumb snippets for faults and mailbox corner cases.
 * Part 4: creation checks, state rules, life cycle.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "coproc/stm32_ipcc_regs.h"
#include "coproc/stm32_usart_regs.h"
#include "coproc/vmmio.h"
#include "coproc_fixture.h"
#include "fw_rpmsg_host.h"
#include "normal/drivers/stm32_ipcc_coproc.h"
#include "formats/elf32.h"
#include "formats/rsc_table.h"
#include "testutil.h"

#define TRACE_DA  0x10047000u /* the demo's trace buffer (ipc-shmem), checked against its table */
#define TRACE_LEN 0x800u

/* A board with a core on it. */
struct rig {
	struct fix_board board;
	struct fix_events ev;
	struct coproc *core;
	struct stm32_ipcc *ipcc; /* processor 1's driver of its IPCC (the host's requests) */
};

static void rig_up(struct rig *r, const char *cpu)
{
	struct rpt_error err = {0};

	fix_board_init(&r->board);
	fix_events_init(&r->ev);
	r->core = coproc_create(&(struct coproc_config){.cpu = cpu,
							.mems = r->board.mems,
							.num_mems = r->board.num_mems},
				&fix_event_ops, &r->ev, &err);
	if (!r->core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	r->ipcc = stm32_ipcc_coproc_create(r->core, NULL, &fix_ipcc_events, &r->ev, &err);
	if (!r->ipcc)
		fail_msg("stm32_ipcc_coproc_create: %s", rpt_error_msg(&err));
}

static void rig_down(struct rig *r)
{
	coproc_destroy(r->core);
	stm32_ipcc_destroy(r->ipcc); /* after the core, whose thread delivered its interrupts */
	fix_events_fini(&r->ev);
	fix_board_fini(&r->board);
}

/* Start; the core may already have crashed when this returns (a broken snippet). */
static void rig_boot(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_boot(r->core, 0, &err))
		fail_msg("coproc_boot: %s", rpt_error_msg(&err));
}

/* Start a firmware that does not crash by itself. */
static void rig_start(struct rig *r)
{
	rig_boot(r);
	assert_int_equal(coproc_state(r->core), COPROC_RUNNING);
}

static void rig_stop(struct rig *r)
{
	struct rpt_error err = {0};

	if (coproc_halt(r->core, &err))
		fail_msg("coproc_halt: %s", rpt_error_msg(&err));
	assert_int_equal(coproc_state(r->core), COPROC_STOPPED);
}

static const char *demo_elf(const char *name)
{
	return rpt_binary_path(name);
}

/* ---- part 1: reference vectors ---- */

/* Trace buffer of a loaded resource table, found the way Linux finds it. */
struct trace_find {
	uint32_t da;	/* of the first trace entry */
	uint32_t len;	/* its length */
	unsigned int n; /* trace entries seen */
};

static int find_trace(void *ctx, unsigned int idx, uint32_t type, void *body, size_t len)
{
	struct trace_find *t = ctx;
	struct fw_rsc_trace tr;

	(void)idx;
	if (type != RSC_TRACE)
		return 0;
	assert_true(len >= sizeof(tr));
	memcpy(&tr, body, sizeof(tr));
	if (!t->n++) {
		t->da = tr.da;
		t->len = tr.len;
	}
	return 0;
}

/* Find the .resource_table of an ELF in loaded memory, validate it, return its trace. */
static struct trace_find loaded_trace(struct fix_board *b, const char *elf_path)
{
	struct elf32_file elf = {0};
	struct rpt_error err = {0};
	struct trace_find t = {0};
	Elf32_Shdr sh;
	uint8_t *data, *table;
	size_t size;

	data = rpt_slurp(elf_path, &size);
	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	assert_int_equal(elf32_find_section(&elf, RSC_TABLE_SECTION, &sh, &err), 0);
	table = fix_da(b, sh.sh_addr, sh.sh_size);
	assert_non_null(table);
	if (rsc_table_validate(table, sh.sh_size, &err))
		fail_msg("%s: %s", elf_path, rpt_error_msg(&err));
	assert_int_equal(rsc_table_for_each(table, sh.sh_size, find_trace, &t), 0);
	assert_int_equal(t.n, 1);
	elf32_close(&elf);
	free(data);
	return t;
}

/* The older and the isolated m4-demo: the trace is wherever the loaded table says. */
static void m4_demo_greets(const char *elf)
{
	struct trace_find t;
	struct rig r;

	rig_up(&r, "cortex-m4");
	fix_load_elf(&r.board, rpt_vector_path(elf));
	t = loaded_trace(&r.board, rpt_vector_path(elf));
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, t.da, t.len, "m4-demo: hello from the coprocessor\n"));
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_m4_demo_greets(void **state)
{
	(void)state;
	m4_demo_greets("elf/m4-demo.elf");
	m4_demo_greets("isolated/elf/m4-demo.elf");
}

static void test_m33_two_images(void **state)
{
	struct trace_find t;
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m33");
	fix_load_elf(&r.board, rpt_vector_path("elf/m33-tfm.elf"));
	fix_load_elf(&r.board, rpt_vector_path("elf/m33-ns.elf"));
	t = loaded_trace(&r.board, rpt_vector_path("elf/m33-ns.elf"));
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, t.da, t.len, "hello from the coprocessor\n"));
	/* The secure image's marker: the boot went through it. */
	assert_true(fix_wait_word(&r.board, 0x28, 0x05ecb007u));
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

/* ---- part 2: the demo firmware ---- */

/* What Linux reads from the demo's table. */
struct demo_rsc {
	unsigned int carveouts, traces, vdevs;
	struct fw_rsc_carveout cv;
	struct fw_rsc_trace tr;
	struct fw_rsc_vdev_vring vr[2];
	struct fw_rsc_vdev vd; /* last: it ends in a flexible array (vrings copied to vr) */
};

static int collect(void *ctx, unsigned int idx, uint32_t type, void *body, size_t len)
{
	struct demo_rsc *d = ctx;

	(void)idx;
	switch (type) {
	case RSC_CARVEOUT:
		assert_true(len >= sizeof(d->cv));
		memcpy(&d->cv, body, sizeof(d->cv));
		d->carveouts++;
		break;
	case RSC_TRACE:
		assert_true(len >= sizeof(d->tr));
		memcpy(&d->tr, body, sizeof(d->tr));
		d->traces++;
		break;
	case RSC_VDEV:
		assert_true(len >= sizeof(d->vd) + sizeof(d->vr));
		memcpy(&d->vd, body, sizeof(d->vd));
		memcpy(d->vr, (uint8_t *)body + sizeof(d->vd), sizeof(d->vr));
		d->vdevs++;
		break;
	default:
		fail_msg("unexpected resource type %u", type);
	}
	return 0;
}

/* The .resource_table bytes of the reference m4-demo.elf (static buffer). */
static const uint8_t *reference_table(void)
{
	static uint8_t copy[0xc8];
	struct elf32_file elf = {0};
	struct rpt_error err = {0};
	uint8_t *data;
	Elf32_Shdr sh;
	size_t size;

	data = rpt_slurp(rpt_vector_path("isolated/elf/m4-demo.elf"), &size);
	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	assert_int_equal(elf32_find_section(&elf, RSC_TABLE_SECTION, &sh, &err), 0);
	assert_int_equal(sh.sh_size, sizeof(copy));
	assert_true(range_inside(sh.sh_offset, sh.sh_size, size));
	memcpy(copy, data + sh.sh_offset, sizeof(copy));
	elf32_close(&elf);
	free(data);
	return copy;
}

static void test_demo_resource_table(void **state)
{
	const char *path = demo_elf("firmware/rproc-demo.elf");
	struct elf32_file elf = {0};
	struct rpt_error err = {0};
	struct demo_rsc d = {0};
	uint8_t *data, *table;
	Elf32_Shdr sh;
	size_t size;

	(void)state;
	data = rpt_slurp(path, &size);
	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	assert_int_equal(elf32_find_section(&elf, RSC_TABLE_SECTION, &sh, &err), 0);
	assert_int_equal(sh.sh_addr, 0x10046000u); /* first in ipc-shmem, as the reference */
	assert_int_equal(sh.sh_size, 0xc8);
	assert_true(range_inside(sh.sh_offset, sh.sh_size, size));
	table = data + sh.sh_offset;
	if (rsc_table_validate(table, sh.sh_size, &err))
		fail_msg("demo table: %s", rpt_error_msg(&err));
	assert_int_equal(rsc_table_for_each(table, sh.sh_size, collect, &d), 0);
	assert_int_equal(d.carveouts, 1);
	assert_string_equal((const char *)d.cv.name, "vdev0buffer");
	assert_int_equal(d.cv.da, 0x10042000u);
	assert_int_equal(d.cv.len, 0x4000u);
	assert_int_equal(d.traces, 1);
	assert_string_equal((const char *)d.tr.name, "trace0");
	assert_int_equal(d.tr.da, TRACE_DA);
	assert_int_equal(d.tr.len, TRACE_LEN);
	assert_int_equal(d.vdevs, 1);
	assert_int_equal(d.vd.id, 7);
	assert_int_equal(d.vd.num_of_vrings, 2);
	assert_int_equal(d.vd.config_len, 0);
	assert_int_equal(d.vr[0].da, FW_RSC_ADDR_ANY);
	assert_int_equal(d.vr[0].align, 16);
	assert_int_equal(d.vr[0].num, 8);
	assert_int_equal(d.vr[0].notifyid, 0);
	assert_int_equal(d.vr[1].da, FW_RSC_ADDR_ANY);
	assert_int_equal(d.vr[1].notifyid, 1);
	/* Same table, byte for byte, as the reference vectors' m4-demo. */
	assert_memory_equal(table, reference_table(), sh.sh_size);
	/* Code in RETRAM at 0 (vector table first). */
	assert_int_equal(elf.ehdr.e_type, ET_EXEC);
	assert_int_equal(elf32_phdr(&elf, 0)->p_paddr, 0);
	elf32_close(&elf);
	free(data);
}

static void demo_up(struct rig *r, const char *elf)
{
	rig_up(r, "cortex-m4");
	fix_load_elf(&r->board, demo_elf(elf));
}

static void test_demo_greeting_and_heartbeat(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN,
				  "rproc-demo: hello from the coprocessor\n"));
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "rproc-demo: heartbeat 1\n"));
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

/*
 * A vring kick makes the demo look at its rpmsg vdev (issue 14). Before the
 * host wrote DRIVER_OK there is nothing to do there: the kicks are taken
 * (the firmware clears both channels) and nothing is sent, so no kick comes
 * back (the demo before issue 14 kicked every vring back). The rpmsg
 * exchanges themselves: test_fw_rpmsg.
 */
static void test_demo_takes_kicks_before_driver_ok(void **state)
{
	struct fwh h;
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	fwh_init(&h, &r.board, &r.ev, r.core, r.ipcc);
	fwh_post_rx(&h, FWH_NUM);
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 1), 0);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 0), 0);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 2), -EINVAL); /* two vrings, channels 1 and 2 */
	assert_true(fwh_wait_kicks_taken(&h));
	assert_true(fwh_wait_turn(&h, TRACE_DA, TRACE_LEN));
	rig_stop(&r);
	assert_int_equal(fix_kicks(&r.ev, 0), 0);
	assert_int_equal(fix_kicks(&r.ev, 1), 0);
	assert_int_equal(fwh_used_idx(&h, 0), 0);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_demo_acks_shutdown(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	assert_int_equal(fix_acks(&r.ev), 0);
	assert_int_equal(stm32_ipcc_request_shutdown(r.ipcc), 0);
	assert_true(fix_wait_count(&r.ev, &r.ev.acks, 1));
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN,
				  "rproc-demo: shutdown requested, acknowledging\n"));
	rig_stop(&r);
	assert_int_equal(fix_acks(&r.ev), 1);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_noack_never_acks(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo-noack.elf");
	rig_start(&r);
	assert_int_equal(stm32_ipcc_request_shutdown(r.ipcc), 0);
	/* The firmware saw the request (it says so) and still did not acknowledge. */
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "not acknowledging"));
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "heartbeat 1\n"));
	rig_stop(&r);
	assert_int_equal(fix_acks(&r.ev), 0);
	rig_down(&r);
}

static void test_demo_crash_request_is_mmufault(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	assert_int_equal(stm32_ipcc_request_crash(r.ipcc), 0);
	assert_true(fix_wait_count(&r.ev, &r.ev.crashes, 1));
	assert_true(fix_wait_state(r.core, COPROC_CRASHED));
	assert_int_equal(r.ev.crash_type, RPROC_MMUFAULT);
	assert_non_null(strstr(r.ev.crash_why, "read"));
	assert_non_null(strstr(r.ev.crash_why, "0xf0000000"));
	assert_non_null(strstr(r.ev.crash_why, "PC 0x"));
	/* A crashed core takes no requests until it is stopped. */
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 0), -RPT_ESTATE);
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 1);
	rig_down(&r);
}

static void test_nowdg_watchdog_crash(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo-nowdg.elf");
	assert_int_equal(coproc_set_watchdog(r.core, 100, false), 0);
	rig_start(&r);
	assert_true(fix_wait_count(&r.ev, &r.ev.crashes, 1));
	assert_true(fix_wait_state(r.core, COPROC_CRASHED));
	assert_int_equal(r.ev.crash_type, RPROC_WATCHDOG);
	assert_non_null(strstr(r.ev.crash_why, "watchdog"));
	assert_non_null(strstr(r.ev.crash_why, "100 ms"));
	/* It greeted first: the firmware armed the watchdog itself, then went quiet. */
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 1);
	rig_down(&r);
}

static void test_demo_refreshes_watchdog(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	/*
	 * The watchdog runs on host time: a period well above any stall a loaded
	 * CI host gives the core's thread (a 300 ms period failed there).
	 */
	assert_int_equal(coproc_set_watchdog(r.core, 1000, false), 0);
	rig_start(&r);
	/* Heartbeat 3 comes 1.5 s after start: longer than the period, so refreshes worked. */
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "heartbeat 3\n"));
	assert_int_equal(fix_crashes(&r.ev), 0);
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_stop_restart(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	rig_stop(&r);
	rig_stop(&r); /* stopping a stopped core is fine */
	/* Reload (as the TA does) into a wiped board: the greeting must come again. */
	fix_board_clear(&r.board);
	fix_load_elf(&r.board, demo_elf("firmware/rproc-demo.elf"));
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN,
				  "rproc-demo: hello from the coprocessor\n"));
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

static void test_restart_after_crash(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	rig_start(&r);
	assert_int_equal(stm32_ipcc_request_crash(r.ipcc), 0);
	assert_true(fix_wait_state(r.core, COPROC_CRASHED));
	/* Recovery without an explicit stop: start resets a crashed core. */
	fix_board_clear(&r.board);
	fix_load_elf(&r.board, demo_elf("firmware/rproc-demo.elf"));
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	/* The crash request did not survive the reset. */
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "heartbeat 1\n"));
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 1);
	rig_down(&r);
}

static void test_destroy_while_running(void **state)
{
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	assert_int_equal(coproc_set_watchdog(r.core, 1000, false), 0);
	rig_start(&r);
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	rig_down(&r); /* no stop: destroy stops, joins both threads, frees */
}

/* ---- part 3: hand-assembled snippets ---- */

#define SNIP_CODE 0x100u
#define SNIP_SP	  0x10020000u
#define MARK_DA	  0x10000100u

/* Thumb-2 MOVW/MOVT Rd, #imm16. */
static void emit_mov16(uint16_t *out, uint16_t base, unsigned int rd, uint16_t imm)
{
	out[0] = (uint16_t)(base | ((imm >> 11) & 1u) << 10 | (imm >> 12));
	out[1] = (uint16_t)(((imm >> 8) & 7u) << 12 | rd << 8 | (imm & 0xffu));
}

/* Load a 32-bit constant into rd (MOVW + MOVT): 4 halfwords. */
static unsigned int emit_const(uint16_t *out, unsigned int rd, uint32_t v)
{
	emit_mov16(out, 0xF240, rd, (uint16_t)v);
	emit_mov16(out + 2, 0xF2C0, rd, (uint16_t)(v >> 16));
	return 4;
}

#define T_STR(rt, rn, off)  ((uint16_t)(0x6000u | ((off) / 4u) << 6 | (rn) << 3 | (rt)))
#define T_LDR(rt, rn, off)  ((uint16_t)(0x6800u | ((off) / 4u) << 6 | (rn) << 3 | (rt)))
#define T_STRB(rt, rn, off) ((uint16_t)(0x7000u | (off) << 6 | (rn) << 3 | (rt)))
#define T_SELF_LOOP	    0xE7FEu
#define T_UDF		    0xDE00u
#define T_SVC		    0xDF00u
#define T_WFI		    0xBF30u
#define T_WFE		    0xBF20u
#define T_SEV		    0xBF40u
#define T_CPSID_I	    0xB672u

/* Vector table (SP, PC = code | thumb) and the code at SNIP_CODE in RETRAM. */
static void snippet(struct fix_board *b, const uint16_t *code, unsigned int n, bool thumb)
{
	uint8_t *retram = fix_da(b, 0, 0x1000);
	unsigned int i;

	put_le32(retram, SNIP_SP);
	put_le32(retram + 4, SNIP_CODE | (thumb ? 1u : 0u));
	for (i = 0; i < n; i++) {
		retram[SNIP_CODE + 2 * i] = (uint8_t)code[i];
		retram[SNIP_CODE + 2 * i + 1] = (uint8_t)(code[i] >> 8);
	}
}

/* Run a snippet until it crashes; return the crash type, message in r->ev.crash_why. */
static int crash_of(struct rig *r, const uint16_t *code, unsigned int n, bool thumb)
{
	snippet(&r->board, code, n, thumb);
	rig_boot(r);
	assert_true(fix_wait_count(&r->ev, &r->ev.crashes, 1));
	assert_true(fix_wait_state(r->core, COPROC_CRASHED));
	return r->ev.crash_type;
}

static void test_snippet_undefined_instruction(void **state)
{
	const uint16_t code[] = {0xBF00, T_UDF};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, 2, true), RPROC_FATAL_ERROR);
	assert_non_null(strstr(r.ev.crash_why, "undefined instruction"));
	assert_non_null(strstr(r.ev.crash_why, "PC 0x00000102"));
	rig_down(&r);
}

static void test_snippet_udf_after_wfe(void **state)
{
	const uint16_t code[] = {T_WFE, T_UDF};
	struct rig r;

	(void)state;
	/* Unicorn reports both alike; the UDF must still end the run, not loop forever. */
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, 2, true), RPROC_FATAL_ERROR);
	assert_non_null(strstr(r.ev.crash_why, "undefined instruction at PC 0x00000102"));
	rig_down(&r);
}

static void test_snippet_svc_is_fatal(void **state)
{
	const uint16_t code[] = {T_SVC, T_SELF_LOOP};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, 2, true), RPROC_FATAL_ERROR);
	assert_non_null(strstr(r.ev.crash_why, "SVC"));
	rig_down(&r);
}

static void test_snippet_unmapped_write(void **state)
{
	uint16_t code[8];
	unsigned int n;
	struct rig r;

	(void)state;
	n = emit_const(code, 0, 0x20000000u); /* between RETRAM and SRAM aliases: nothing */
	code[n++] = T_STR(1, 0, 4);
	code[n++] = T_SELF_LOOP;
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, n, true), RPROC_MMUFAULT);
	assert_non_null(strstr(r.ev.crash_why, "write of 4 bytes at address 0x20000004"));
	rig_down(&r);
}

static void test_snippet_fetch_outside_memory(void **state)
{
	uint16_t code[8];
	unsigned int n;
	struct rig r;

	(void)state;
	n = emit_const(code, 0, 0x20000001u);
	code[n++] = 0x4700; /* bx r0 */
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, n, true), RPROC_MMUFAULT);
	assert_non_null(strstr(r.ev.crash_why, "instruction fetch"));
	rig_down(&r);
}

static void test_snippet_reset_vector_without_thumb(void **state)
{
	const uint16_t code[] = {T_SELF_LOOP};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, 1, false), RPROC_FATAL_ERROR);
	assert_non_null(strstr(r.ev.crash_why, "Thumb"));
	rig_down(&r);
}

static void test_snippet_wfi_wfe_resume(void **state)
{
	uint16_t code[32];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	/*
	 * WFI sleeps until an interrupt is due (issue 13; it used to be a
	 * no-op): with PRIMASK set, a pending enabled IRQ still wakes it and
	 * the code goes on without taking it. `sev; wfe` does not sleep.
	 */
	code[n++] = T_CPSID_I;
	n += emit_const(code + n, 0, 0xE000E100u); /* NVIC_ISER0 */
	code[n++] = 0x2101;			   /* movs r1, #1 */
	code[n++] = T_STR(1, 0, 0);
	n += emit_const(code + n, 0, 0xE000E200u); /* NVIC_ISPR0 */
	code[n++] = T_STR(1, 0, 0);
	code[n++] = T_WFI;
	code[n++] = T_SEV;
	code[n++] = T_WFE;
	n += emit_const(code + n, 0, MARK_DA);
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 0, 0);
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 32);
	rig_up(&r, "cortex-m4");
	snippet(&r.board, code, n, true);
	rig_start(&r);
	assert_true(fix_wait_word(&r.board, MARK_DA, 0x600DF00Du));
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	rig_stop(&r);
	assert_int_equal(fix_crashes(&r.ev), 0);
	rig_down(&r);
}

/* The watchdog and tick page: what is left of the old mailbox page (its doorbells are gone). */
static void test_snippet_vmmio_registers(void **state)
{
	uint16_t code[40];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	n += emit_const(code + n, 0, VMMIO_BASE);
	n += emit_const(code + n, 2, MARK_DA);
	code[n++] = T_LDR(1, 0, VMMIO_ID);
	code[n++] = T_STR(1, 2, 4); /* MARK+4: the id */
	code[n++] = T_LDR(1, 0, VMMIO_WDG_PERIOD_MS);
	code[n++] = T_STR(1, 2, 8);	 /* MARK+8: the watchdog period */
	code[n++] = 0x2103;		 /* movs r1, #3 */
	code[n++] = T_STR(1, 0, 0x018);	 /* the old doorbell: nothing there any more */
	code[n++] = T_STRB(1, 0, 0x018); /* byte write: ignored */
	code[n++] = T_LDR(1, 0, 0x010);	 /* the old doorbell status: reads 0 */
	code[n++] = T_STR(1, 2, 12);	 /* MARK+12 */
	code[n++] = T_LDR(1, 0, VMMIO_VERSION);
	code[n++] = T_STR(1, 2, 16); /* MARK+16: layout version */
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 2, 0); /* MARK: done */
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 40);
	rig_up(&r, "cortex-m4");
	assert_int_equal(coproc_set_watchdog(r.core, 5000, false), 0);
	put_le32(fix_da(&r.board, MARK_DA + 12, 4), 0xFFFFFFFFu);
	snippet(&r.board, code, n, true);
	rig_start(&r);
	assert_true(fix_wait_word(&r.board, MARK_DA, 0x600DF00Du));
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 4, 4)), VMMIO_ID_VALUE);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 8, 4)), 5000);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 12, 4)), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 16, 4)), VMMIO_VERSION_V2);
	assert_int_equal(fix_kicks(&r.ev, 3), 0);
	assert_int_equal(fix_kicks(&r.ev, 0), 0);
	rig_stop(&r);
	rig_down(&r);
}

/*
 * Firmware kicks through the IPCC: C2SCR CH1S raises processor 1's RX
 * occupied; the host's handler delivers vring 0's kick and clears the flag,
 * so the firmware reads C2TOC1SR back as 0 (the acknowledgement it polls for).
 */
static void test_snippet_ipcc_kick_acknowledged(void **state)
{
	uint16_t code[40];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	n += emit_const(code + n, 0, STM32MP15_IPCC_BASE);
	n += emit_const(code + n, 2, MARK_DA);
	n += emit_const(code + n, 1, IPCC_SCR_CHS(IPCC_CH_VRING0));
	code[n++] = T_STR(1, 0, IPCC_C2SCR);
	code[n++] = T_LDR(1, 0, IPCC_C2TOC1SR);
	code[n++] = T_STR(1, 2, 4); /* MARK+4: our status after the host's handler */
	code[n++] = T_LDR(1, 0, IPCC_C2SCR);
	code[n++] = T_STR(1, 2, 8); /* MARK+8: the write-only register reads 0 */
	n += emit_const(code + n, 3, STM32MP15_IPCC_BASE + IPCC_HWCFGR); /* beyond LDR's offsets */
	code[n++] = T_LDR(1, 3, 0);
	code[n++] = T_STR(1, 2, 12); /* MARK+12: channels */
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 2, 0);
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 40);
	rig_up(&r, "cortex-m4");
	put_le32(fix_da(&r.board, MARK_DA + 4, 4), 0xFFFFFFFFu);
	put_le32(fix_da(&r.board, MARK_DA + 8, 4), 0xFFFFFFFFu);
	snippet(&r.board, code, n, true);
	rig_start(&r);
	assert_true(fix_wait_word(&r.board, MARK_DA, 0x600DF00Du));
	assert_int_equal(fix_kicks(&r.ev, 0), 1);
	assert_int_equal(fix_kicks(&r.ev, 1), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 4, 4)), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 8, 4)), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 12, 4)), STM32MP15_IPCC_CHANNELS);
	rig_stop(&r);
	rig_down(&r);
}

/* The console UART: ISR never busy, TDR bytes land in the console log, CR1 reads back. */
static void test_snippet_uart_console(void **state)
{
	uint16_t code[56];
	char con[64];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	n += emit_const(code + n, 0, STM32MP15_UART4_BASE);
	n += emit_const(code + n, 2, MARK_DA);
	code[n++] = T_LDR(1, 0, USART_ISR);
	code[n++] = T_STR(1, 2, 4); /* MARK+4: ISR */
	code[n++] = 0x210D;	    /* movs r1, #'\r' (dropped) */
	code[n++] = T_STR(1, 0, USART_TDR);
	code[n++] = 0x214F; /* movs r1, #'O' */
	code[n++] = T_STR(1, 0, USART_TDR);
	code[n++] = 0x214B;						/* movs r1, #'K' */
	n += emit_const(code + n, 3, STM32MP15_UART4_BASE + USART_TDR); /* beyond STRB's offsets */
	code[n++] = T_STRB(1, 3, 0); /* a byte store transmits too */
	code[n++] = 0x2101;	     /* movs r1, #1 (not printable) */
	code[n++] = T_STR(1, 0, USART_TDR);
	code[n++] = 0x210A; /* movs r1, #'\n' */
	code[n++] = T_STR(1, 0, USART_TDR);
	code[n++] = 0x2109; /* movs r1, #9 */
	code[n++] = T_STR(1, 0, USART_CR1);
	code[n++] = T_LDR(1, 0, USART_CR1);
	code[n++] = T_STR(1, 2, 8); /* MARK+8: CR1 read back */
	code[n++] = T_LDR(1, 0, USART_RDR);
	code[n++] = T_STR(1, 2, 12); /* MARK+12: nothing received */
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 2, 0);
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 56);
	rig_up(&r, "cortex-m4");
	put_le32(fix_da(&r.board, MARK_DA + 12, 4), 0xFFFFFFFFu);
	assert_int_equal(coproc_console_read(r.core, con, sizeof(con)), 0);
	snippet(&r.board, code, n, true);
	rig_start(&r);
	assert_true(fix_wait_word(&r.board, MARK_DA, 0x600DF00Du));
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 4, 4)), USART_ISR_IDLE_TX);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 8, 4)), 9);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 12, 4)), 0);
	assert_int_equal(coproc_console_read(r.core, con, sizeof(con)), 4);
	assert_string_equal(con, "OK?\n");
	/* A short buffer gets the newest bytes. */
	assert_int_equal(coproc_console_read(r.core, con, 3), 2);
	assert_string_equal(con, "?\n");
	rig_stop(&r);
	rig_down(&r);
}

/*
 * A board's read-as-zero window (RCC, PWR, GPIO of the STM32MP15): loads read
 * 0 whatever was stored, of any width; the first byte past the window faults.
 */
static void test_snippet_razwi_window(void **state)
{
	struct board_rproc *desc = calloc(1, sizeof(*desc));
	struct rpt_error err = {0};
	uint16_t code[40];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	assert_non_null(desc);
	board_stm32mp15_periphs(desc);
	desc->periphs[desc->num_periphs++] = (struct board_periph){.name = "raz-wi",
								   .kind = BOARD_PERIPH_RAZWI,
								   .pa = 0x50000000u,
								   .da = 0x50000000u,
								   .size = 0xD000u};
	desc->mbox.vq0 = 0;
	desc->mbox.vq1 = 1;
	desc->mbox.shutdown = 2;
	desc->mbox.detach = 3;
	n += emit_const(code + n, 0, 0x50000000u);
	n += emit_const(code + n, 2, MARK_DA);
	n += emit_const(code + n, 1, 0x12345678u);
	code[n++] = T_STR(1, 0, 0x10);	/* ignored */
	code[n++] = T_STRB(1, 0, 0x11); /* ignored */
	code[n++] = T_LDR(1, 0, 0x10);
	code[n++] = T_STR(1, 2, 4);		   /* MARK+4: 0 */
	code[n++] = 0x7C01;			   /* ldrb r1, [r0, #16] */
	code[n++] = T_STR(1, 2, 8);		   /* MARK+8: 0 */
	n += emit_const(code + n, 3, 0x5000CFFCu); /* the window's last word */
	code[n++] = T_LDR(1, 3, 0);
	code[n++] = T_STR(1, 2, 12); /* MARK+12: 0 */
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 2, 0);
	code[n++] = T_LDR(1, 3, 4); /* 0x5000D000: outside the window */
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 40);
	fix_board_init(&r.board);
	fix_events_init(&r.ev);
	r.core = coproc_create(&(struct coproc_config){.cpu = "cortex-m4",
						       .mems = r.board.mems,
						       .num_mems = r.board.num_mems,
						       .desc = desc},
			       &fix_event_ops, &r.ev, &err);
	free(desc);
	if (!r.core)
		fail_msg("coproc_create: %s", rpt_error_msg(&err));
	r.ipcc = NULL;
	put_le32(fix_da(&r.board, MARK_DA + 4, 4), 0xFFFFFFFFu);
	put_le32(fix_da(&r.board, MARK_DA + 8, 4), 0xFFFFFFFFu);
	put_le32(fix_da(&r.board, MARK_DA + 12, 4), 0xFFFFFFFFu);
	assert_int_equal(crash_of(&r, code, n, true), RPROC_MMUFAULT);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA, 4)), 0x600DF00Du);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 4, 4)), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 8, 4)), 0);
	assert_int_equal(get_le32(fix_da(&r.board, MARK_DA + 12, 4)), 0);
	assert_non_null(strstr(r.ev.crash_why, "0x5000d000"));
	rig_down(&r);
}

/* Outside every memory and peripheral an access faults; inside a RAZ/WI window it reads 0. */
static void test_snippet_unmapped_peripheral_faults(void **state)
{
	uint16_t code[16];
	unsigned int n = 0;
	struct rig r;

	(void)state;
	/* 0x50000000 (the STM32MP15's RCC) is a RAZ/WI window only where the board says so. */
	n += emit_const(code + n, 0, 0x50000000u);
	code[n++] = T_LDR(1, 0, 0);
	code[n++] = T_SELF_LOOP;
	rig_up(&r, "cortex-m4");
	assert_int_equal(crash_of(&r, code, n, true), RPROC_MMUFAULT);
	assert_non_null(strstr(r.ev.crash_why, "0x50000000"));
	rig_down(&r);
}

static void test_watchdog_autostart(void **state)
{
	const uint16_t spin[] = {T_SELF_LOOP};
	struct rig r;

	(void)state;
	rig_up(&r, "cortex-m4");
	/* Armed from reset: a firmware that knows nothing of it is caught spinning. */
	assert_int_equal(coproc_set_watchdog(r.core, 50, true), 0);
	assert_int_equal(crash_of(&r, spin, 1, true), RPROC_WATCHDOG);
	assert_non_null(strstr(r.ev.crash_why, "50 ms"));
	rig_stop(&r);
	rig_down(&r);
}

static void test_watchdog_needs_start_key(void **state)
{
	uint16_t code[24];
	unsigned int n = 0, loop;
	struct rig r;

	(void)state;
	/* Wait, by the mailbox clock, for four periods without touching the watchdog. */
	n += emit_const(code + n, 0, VMMIO_BASE);
	n += emit_const(code + n, 2, MARK_DA);
	loop = n;
	code[n++] = T_LDR(1, 0, VMMIO_TICK_MS);
	code[n++] = 0x29C8;					 /* cmp r1, #200 */
	code[n] = (uint16_t)(0xD300 | ((loop - n - 2) & 0xffu)); /* bcc loop */
	n++;
	n += emit_const(code + n, 1, 0x600DF00Du);
	code[n++] = T_STR(1, 2, 0);
	code[n++] = T_SELF_LOOP;
	assert_true(n <= 24);
	rig_up(&r, "cortex-m4");
	assert_int_equal(coproc_set_watchdog(r.core, 50, false), 0);
	snippet(&r.board, code, n, true);
	rig_start(&r);
	assert_true(fix_wait_word(&r.board, MARK_DA, 0x600DF00Du));
	assert_int_equal(coproc_state(r.core), COPROC_RUNNING);
	assert_int_equal(fix_crashes(&r.ev), 0);
	/* A host-injected crash carries the host's words. */
	assert_int_equal(coproc_inject_crash(r.core, RPROC_FATAL_ERROR, "probe"), 0);
	assert_true(fix_wait_count(&r.ev, &r.ev.crashes, 1));
	assert_int_equal(r.ev.crash_type, RPROC_FATAL_ERROR);
	assert_string_equal(r.ev.crash_why, "probe");
	assert_int_equal(coproc_state(r.core), COPROC_CRASHED);
	rig_down(&r);
}

/* ---- part 4: creation, states, adapters ---- */

static void expect_create_fails(const char *cpu, const struct coproc_mem *m, unsigned int n,
				int code, const char *words)
{
	struct rpt_error err = {0};
	struct coproc *c;

	c = coproc_create(&(struct coproc_config){.cpu = cpu, .mems = m, .num_mems = n}, NULL, NULL,
			  &err);
	assert_null(c);
	assert_int_equal(err.code, -code);
	if (!strstr(err.msg, words))
		fail_msg("message '%s' lacks '%s'", err.msg, words);
}

static void test_create_rejects(void **state)
{
	struct fix_board b;
	struct coproc_mem m[2];

	(void)state;
	fix_board_init(&b);
	expect_create_fails("cortex-a7", b.mems, b.num_mems, EINVAL, "unknown cpu");
	expect_create_fails(NULL, b.mems, b.num_mems, EINVAL, "unknown cpu");
	expect_create_fails("cortex-m4", b.mems, 0, EINVAL, "memories");
	m[0] = b.mems[0];
	m[0].host += 16;
	expect_create_fails("cortex-m4", m, 1, EINVAL, "not 4 KiB aligned");
	m[0] = b.mems[0];
	m[0].size = 0x1800;
	expect_create_fails("cortex-m4", m, 1, EINVAL, "4 KiB pages");
	m[0] = b.mems[0];
	m[0].da = 0x800;
	expect_create_fails("cortex-m4", m, 1, EINVAL, "4 KiB pages");
	m[0] = b.mems[0];
	m[0].da = 0xFFFF8000u;
	expect_create_fails("cortex-m4", m, 1, RPT_ERANGE, "wraps");
	m[0] = b.mems[0];
	m[0].da = STM32MP15_IPCC_BASE - 0x1000; /* its last page is the IPCC's */
	expect_create_fails("cortex-m4", m, 1, RPT_ERANGE, "overlaps peripheral 'mailbox'");
	m[0] = b.mems[0];
	m[0].da = VMMIO_BASE;
	expect_create_fails("cortex-m4", m, 1, RPT_ERANGE, "overlaps peripheral 'vmmio'");
	m[0] = b.mems[1];
	m[1] = b.mems[2];
	m[1].da = 0x1003F000u; /* inside mcuram2 */
	expect_create_fails("cortex-m4", m, 2, RPT_ERANGE, "overlap");
	fix_board_fini(&b);
}

static void test_state_rules(void **state)
{
	struct rpt_error err = {0};
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	assert_int_equal(coproc_state(r.core), COPROC_STOPPED);
	assert_int_equal(stm32_ipcc_kick(r.ipcc, 0), -RPT_ESTATE);
	assert_int_equal(stm32_ipcc_request_shutdown(r.ipcc), -RPT_ESTATE);
	assert_int_equal(stm32_ipcc_request_crash(r.ipcc), -RPT_ESTATE);
	assert_int_equal(coproc_inject_crash(r.core, RPROC_FATAL_ERROR, "x"), -RPT_ESTATE);
	rig_start(&r);
	assert_int_equal(coproc_boot(r.core, 0, &err), -RPT_ESTATE);
	assert_non_null(strstr(err.msg, "already running"));
	assert_int_equal(coproc_set_watchdog(r.core, 10, true), -RPT_ESTATE);
	assert_int_equal(coproc_inject_crash(r.core, 7, "x"), -EINVAL);
	rig_stop(&r);
	assert_string_equal(coproc_state_name(COPROC_CRASHED), "crashed");
	assert_string_equal(rproc_crash_to_string(RPROC_WATCHDOG), "watchdog");
	rig_down(&r);
}

static void test_no_vector_table_memory(void **state)
{
	struct rpt_error err = {0};
	struct fix_board b;
	struct coproc *c;

	(void)state;
	fix_board_init(&b);
	/* Only the SRAM: nothing at device address 0. */
	c = coproc_create(
		&(struct coproc_config){.cpu = "cortex-m4", .mems = &b.mems[1], .num_mems = 1},
		NULL, NULL, &err);
	assert_non_null(c);
	assert_int_equal(coproc_boot(c, 0, &err), -RPT_ENOBOOT);
	assert_non_null(strstr(err.msg, "no vector table at 0x00000000: no memory of the core"));
	assert_int_equal(coproc_state(c), COPROC_STOPPED);
	coproc_destroy(c);
	fix_board_fini(&b);
}

static void test_ops_adapters(void **state)
{
	const struct coproc_ops *ops = &coproc_emu_ops;
	struct rig r;

	(void)state;
	demo_up(&r, "firmware/rproc-demo.elf");
	assert_int_equal(ops->start(r.core, 0), 0);
	assert_string_equal(coproc_last_error(r.core), "");
	assert_true(fix_wait_text(&r.board, TRACE_DA, TRACE_LEN, "hello"));
	assert_int_equal(ops->start(r.core, 0), -RPT_ESTATE);
	assert_non_null(strstr(coproc_last_error(r.core), "already running"));
	assert_int_equal(ops->stop(r.core), 0);
	assert_int_equal(ops->stop(r.core), 0);
	assert_int_equal(coproc_state(r.core), COPROC_STOPPED);
	rig_down(&r);
}

/* An event callback that tries to stop its own core must be refused, not deadlock. */
struct reentry {
	struct coproc *core;
	struct stm32_ipcc *ipcc; /* its IPCC driver, whose kick event is the callback */
	int stop_ret;		 /* what the ops table's stop returned inside the callback */
	int inject_ret;		 /* what coproc_inject_crash returned inside it */
	int calls;
	struct fix_events rec;
};

static void reentrant_kick(void *priv, uint32_t vq)
{
	struct reentry *re = priv;

	(void)vq;
	if (re->calls++)
		return;
	re->stop_ret = coproc_emu_ops.stop(re->core);
	re->inject_ret = coproc_inject_crash(re->core, RPROC_FATAL_ERROR, "from callback");
}

static void reentrant_crash(void *priv, enum rproc_crash_type type, const char *why)
{
	struct reentry *re = priv;

	fix_event_ops.crash(&re->rec, type, why);
}

static void test_callback_reentry(void **state)
{
	const struct coproc_events ev = {.crash = reentrant_crash};
	const struct stm32_ipcc_events iev = {.kick = reentrant_kick};
	struct rpt_error err = {0};
	struct reentry re = {0};
	struct fix_board b;
	struct fwh h;

	(void)state;
	fix_events_init(&re.rec);
	fix_board_init(&b);
	fix_load_elf(&b, demo_elf("firmware/rproc-demo.elf"));
	re.core = coproc_create(
		&(struct coproc_config){.cpu = "cortex-m4", .mems = b.mems, .num_mems = b.num_mems},
		&ev, &re, &err);
	assert_non_null(re.core);
	re.ipcc = stm32_ipcc_coproc_create(re.core, NULL, &iev, &re, &err);
	assert_non_null(re.ipcc);
	/*
	 * rpmsg ready and buffers posted before the start: the demo announces its
	 * channels and kicks vring 0 on its own, and the callback runs.
	 */
	fwh_init(&h, &b, &re.rec, re.core, re.ipcc);
	fwh_post_rx(&h, FWH_NUM);
	fwh_driver_ok(&h);
	assert_int_equal(coproc_boot(re.core, 0, &err), 0);
	assert_true(fix_wait_count(&re.rec, &re.rec.crashes, 1));
	assert_int_equal(re.stop_ret, -EDEADLK);
	assert_int_equal(re.inject_ret, 0);
	assert_string_equal(re.rec.crash_why, "from callback");
	assert_int_equal(re.rec.crash_type, RPROC_FATAL_ERROR);
	coproc_destroy(re.core);
	stm32_ipcc_destroy(re.ipcc);
	fix_board_fini(&b);
	fix_events_fini(&re.rec);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_m4_demo_greets),
		cmocka_unit_test(test_m33_two_images),
		cmocka_unit_test(test_demo_resource_table),
		cmocka_unit_test(test_demo_greeting_and_heartbeat),
		cmocka_unit_test(test_demo_takes_kicks_before_driver_ok),
		cmocka_unit_test(test_demo_acks_shutdown),
		cmocka_unit_test(test_noack_never_acks),
		cmocka_unit_test(test_demo_crash_request_is_mmufault),
		cmocka_unit_test(test_nowdg_watchdog_crash),
		cmocka_unit_test(test_demo_refreshes_watchdog),
		cmocka_unit_test(test_stop_restart),
		cmocka_unit_test(test_restart_after_crash),
		cmocka_unit_test(test_destroy_while_running),
		cmocka_unit_test(test_snippet_undefined_instruction),
		cmocka_unit_test(test_snippet_udf_after_wfe),
		cmocka_unit_test(test_snippet_svc_is_fatal),
		cmocka_unit_test(test_snippet_unmapped_write),
		cmocka_unit_test(test_snippet_fetch_outside_memory),
		cmocka_unit_test(test_snippet_reset_vector_without_thumb),
		cmocka_unit_test(test_snippet_wfi_wfe_resume),
		cmocka_unit_test(test_snippet_vmmio_registers),
		cmocka_unit_test(test_snippet_ipcc_kick_acknowledged),
		cmocka_unit_test(test_snippet_uart_console),
		cmocka_unit_test(test_snippet_unmapped_peripheral_faults),
		cmocka_unit_test(test_snippet_razwi_window),
		cmocka_unit_test(test_watchdog_autostart),
		cmocka_unit_test(test_watchdog_needs_start_key),
		cmocka_unit_test(test_create_rejects),
		cmocka_unit_test(test_state_rules),
		cmocka_unit_test(test_no_vector_table_memory),
		cmocka_unit_test(test_ops_adapters),
		cmocka_unit_test(test_callback_reentry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
