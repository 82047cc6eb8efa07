// SPDX-License-Identifier: BSD-2-Clause
/*
 * The remoteproc TA: loading OP-TEE's reference images, the state machine of
 * DESIGN section 4, and rejection of crafted images with nothing left behind.
 * The weaknesses of DESIGN section 9 have their own suite (test_ta_weaknesses).
 */
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "craft.h"
#include "formats/coredump.h"
#include "formats/elf32.h"
#include "ta_fixture.h"
#include "testutil.h"

static const char *const both_keys[] = {"keys/rsa2048.pub.pem", "keys/ecp256.pub.pem", NULL};

/* The default (isolated) layout, or the legacy one of the older vectors. */
static struct ta_fixture *fixture_layout(bool ddr, bool legacy)
{
	struct ta_fixture_opts o = {
		.ddr = ddr, .legacy = legacy, .coredump_allowed = true, .keys = both_keys};

	return ta_fixture_new(&o);
}

static struct ta_fixture *fixture(bool ddr)
{
	return fixture_layout(ddr, false);
}

static void load_vector_and_check(const char *img, const char *const *elfs, bool ddr,
				  uint64_t rsc_pa, uint64_t rsc_size)
{
	/* The older vectors (signed/, elf/) need the legacy layout; isolated/ the default. */
	bool legacy = strncmp(img, "isolated/", 9) != 0;
	struct ta_fixture *f = fixture_layout(ddr, legacy);
	uint64_t pa, size;
	size_t len;
	uint8_t *buf = rpt_slurp(rpt_vector_path(img), &len);

	if (ta_load(f, buf, len) != TEE_SUCCESS)
		fail_msg("%s: %s", img, f->last_log);
	assert_true(ta_segments_loaded(f, elfs));
	assert_int_equal(ta_get_rsc(f, &pa, &size), TEE_SUCCESS);
	assert_int_equal(pa, rsc_pa);
	assert_int_equal(size, rsc_size);
	f->logs = 0;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	assert_int_equal(f->co.starts, 1);
	/* The legacy layout starts only with a warning; the isolated one silently. */
	if (legacy && strcmp(img, "signed/large.rsa2048.sign"))
		assert_non_null(strstr(f->last_log, "WARNING: legacy layout"));
	else
		assert_int_equal(f->logs, 0);
	free(buf);
	ta_fixture_free(f);
}

static void test_every_vector_loads(void **state)
{
	static const char *const m4[] = {"elf/m4-demo.elf", NULL};
	static const char *const multi[] = {"elf/m33-tfm.elf", "elf/m33-ns.elf", NULL};
	static const char *const large[] = {"elf/large.elf", NULL};
	static const char *const iso_m4[] = {"isolated/elf/m4-demo.elf", NULL};
	static const char *const iso_multi[] = {"isolated/elf/m33-tfm.elf",
						"isolated/elf/m33-ns.elf", NULL};
	static const char *const iso_large[] = {"isolated/elf/large.elf", NULL};

	(void)state;
	/* The isolated vectors on the default layout (DESIGN section 6). */
	load_vector_and_check("isolated/signed/m4-demo.rsa2048.sign", iso_m4, false, 0x10046000,
			      0xc8);
	load_vector_and_check("isolated/signed/m4-demo.ecp256.sign", iso_m4, false, 0x10046000,
			      0xc8);
	load_vector_and_check("isolated/signed/m4-demo.rsa2048.keyinfo-plattlv.sign", iso_m4, false,
			      0x10046000, 0xc8);
	load_vector_and_check("isolated/signed/multi.rsa2048.sign", iso_multi, false, 0x10046000,
			      0xc8);
	load_vector_and_check("isolated/signed/large.rsa2048.sign", iso_large, true, 0, 0);
	/* The older vectors on the legacy layout. */
	load_vector_and_check("signed/m4-demo.rsa2048.sign", m4, false, 0x10000000, 0xc8);
	load_vector_and_check("signed/m4-demo.ecp256.sign", m4, false, 0x10000000, 0xc8);
	load_vector_and_check("signed/m4-demo.rsa2048.keyinfo-plattlv.sign", m4, false, 0x10000000,
			      0xc8);
	load_vector_and_check("signed/multi.rsa2048.sign", multi, false, 0x10000064, 0xc8);
	load_vector_and_check("signed/large.rsa2048.sign", large, true, 0, 0);
}

static void test_large_needs_the_ddr_memory(void **state)
{
	struct ta_fixture *f = fixture(false);
	size_t len, snap_len, after_len;
	uint8_t *buf = rpt_slurp(rpt_vector_path("isolated/signed/large.rsa2048.sign"), &len);
	uint8_t *before = ta_snapshot(f, &snap_len), *after;

	(void)state;
	assert_int_equal(ta_load(f, buf, len), TEE_ERROR_ACCESS_DENIED);
	assert_non_null(strstr(f->last_log, "0x90000000"));
	after = ta_snapshot(f, &after_len);
	assert_memory_equal(before, after, snap_len);
	free(before);
	free(after);
	free(buf);
	ta_fixture_free(f);
}

/* ---- state machine ---- */

enum st_cmd {
	C_LOAD_SAME,
	C_LOAD_OTHER,
	C_START,
	C_STOP,
	C_RSC,
	C_DUMP,
	C_RELEASE,
	C_NUM
};

static TEE_Result run_cmd(struct ta_fixture *f, enum st_cmd c, const uint8_t *img, size_t len,
			  const uint8_t *other, size_t olen)
{
	TEE_Param p[4] = {0};
	uint64_t pa, size;
	static uint8_t dump[1 << 20];

	switch (c) {
	case C_LOAD_SAME:
		return ta_load(f, img, len);
	case C_LOAD_OTHER:
		return ta_load(f, other, olen);
	case C_START:
		return ta_simple(f, TA_RPROC_CMD_START_FW);
	case C_STOP:
		return ta_simple(f, TA_RPROC_CMD_STOP_FW);
	case C_RSC:
		return ta_get_rsc(f, &pa, &size);
	case C_DUMP:
		p[1].memref.buffer = dump;
		p[1].memref.size = sizeof(dump);
		return rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_GET_COREDUMP,
				       TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
						       TEE_PARAM_TYPE_MEMREF_OUTPUT, 0, 0),
				       p);
	case C_RELEASE:
	default:
		return ta_simple(f, TA_RPROC_CMD_RELEASE_FW);
	}
}

static void enter_state(struct ta_fixture *f, enum ta_rproc_state st, const uint8_t *img,
			size_t len)
{
	if (st >= TA_RPROC_LOADED)
		assert_int_equal(ta_load(f, img, len), TEE_SUCCESS);
	if (st == TA_RPROC_STARTED)
		assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
}

static void test_state_machine(void **state)
{
	/* Result and resulting state for every (state, command), DESIGN section 4. */
	static const struct {
		TEE_Result res;
		enum ta_rproc_state next;
	} want[3][C_NUM] = {
		[TA_RPROC_OFF] = {{TEE_SUCCESS, TA_RPROC_LOADED},
				  {TEE_SUCCESS, TA_RPROC_LOADED},
				  {TEE_ERROR_BAD_STATE, TA_RPROC_OFF},
				  {TEE_SUCCESS, TA_RPROC_OFF},
				  {TEE_ERROR_BAD_STATE, TA_RPROC_OFF},
				  {TEE_ERROR_NO_DATA, TA_RPROC_OFF},
				  {TEE_SUCCESS, TA_RPROC_OFF}},
		[TA_RPROC_LOADED] = {{TEE_SUCCESS, TA_RPROC_LOADED},
				     {TEE_ERROR_BAD_STATE, TA_RPROC_LOADED},
				     {TEE_SUCCESS, TA_RPROC_STARTED},
				     {TEE_ERROR_BAD_STATE, TA_RPROC_LOADED},
				     {TEE_SUCCESS, TA_RPROC_LOADED},
				     {TEE_ERROR_NO_DATA, TA_RPROC_LOADED},
				     {TEE_SUCCESS, TA_RPROC_OFF}},
		[TA_RPROC_STARTED] = {{TEE_ERROR_BAD_STATE, TA_RPROC_STARTED},
				      {TEE_ERROR_BAD_STATE, TA_RPROC_STARTED},
				      {TEE_SUCCESS, TA_RPROC_STARTED},
				      {TEE_SUCCESS, TA_RPROC_OFF},
				      {TEE_SUCCESS, TA_RPROC_STARTED},
				      /* no dump of a running core (issue 11, item 3) */
				      {TEE_ERROR_BAD_STATE, TA_RPROC_STARTED},
				      {TEE_ERROR_BAD_STATE, TA_RPROC_STARTED}},
	};
	size_t len, olen;
	uint8_t *img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	uint8_t *other = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.ecp256.sign"), &olen);
	int st, c;

	(void)state;
	for (st = TA_RPROC_OFF; st <= TA_RPROC_STARTED; st++) {
		for (c = 0; c < C_NUM; c++) {
			struct ta_fixture *f = fixture(false);
			TEE_Result res;

			enter_state(f, (enum ta_rproc_state)st, img, len);
			res = run_cmd(f, (enum st_cmd)c, img, len, other, olen);
			if (res != want[st][c].res)
				fail_msg("state %d command %d: got %s (0x%x), want 0x%x", st, c,
					 tee_result_name(res), res, want[st][c].res);
			assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, want[st][c].next);
			ta_fixture_free(f);
		}
	}
	free(img);
	free(other);
}

static void test_parameter_types_and_ids(void **state)
{
	struct ta_fixture *f = fixture(false);
	TEE_Param p[4] = {0};
	void *sess = NULL;
	uint32_t cmd;

	(void)state;
	for (cmd = TA_RPROC_CMD_LOAD_FW; cmd <= TA_RPROC_CMD_RELEASE_FW; cmd++) {
		/* No command takes a bare VALUE_INOUT first parameter. */
		assert_int_equal(
			rproc_ta_invoke(&f->ta, f->sess, cmd,
					TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INOUT, 0, 0, 0), p),
			TEE_ERROR_BAD_PARAMETERS);
	}
	/* LOAD_FW with the image as MEMREF_INOUT, or an extra parameter. */
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_LOAD_FW,
					 TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
							 TEE_PARAM_TYPE_MEMREF_INOUT, 0, 0),
					 p),
			 TEE_ERROR_BAD_PARAMETERS);
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_START_FW,
					 TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT,
							 TEE_PARAM_TYPE_VALUE_INPUT, 0, 0),
					 p),
			 TEE_ERROR_BAD_PARAMETERS);
	/* Unknown command: BAD_PARAMETERS, as OP-TEE's TA answers. */
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, 99,
					 TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0), p),
			 TEE_ERROR_BAD_PARAMETERS);
	/* A command naming another rproc id than the session's. */
	p[0].value.a = 1;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_STOP_FW,
					 TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0), p),
			 TEE_ERROR_BAD_PARAMETERS);
	/* Open session: wrong types, unknown id. */
	assert_int_equal(rproc_ta_open_session(&f->ta, 0, p, &sess), TEE_ERROR_BAD_PARAMETERS);
	p[0].value.a = 7;
	assert_int_equal(rproc_ta_open_session(&f->ta,
					       TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0),
					       p, &sess),
			 TEE_ERROR_BAD_PARAMETERS);
	ta_fixture_free(f);
}

static const uint32_t dump_types =
	TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, TEE_PARAM_TYPE_MEMREF_OUTPUT, 0, 0);

/* GET_COREDUMP into a buffer of the size the TA asks for (free()). */
static uint8_t *get_dump(struct ta_fixture *f, size_t *len)
{
	TEE_Param p[4] = {0};
	uint8_t small[16], *dump;

	p[1].memref.buffer = small;
	p[1].memref.size = sizeof(small);
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_GET_COREDUMP, dump_types, p),
			 TEE_ERROR_SHORT_BUFFER);
	dump = malloc(p[1].memref.size);
	assert_non_null(dump);
	p[1].memref.buffer = dump;
	assert_int_equal(rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_GET_COREDUMP, dump_types, p),
			 TEE_SUCCESS);
	*len = p[1].memref.size;
	return dump;
}

static TEE_Result dump_result(struct ta_fixture *f)
{
	static uint8_t buf[1 << 20];
	TEE_Param p[4] = {0};

	p[1].memref.buffer = buf;
	p[1].memref.size = sizeof(buf);
	return rproc_ta_invoke(&f->ta, f->sess, TA_RPROC_CMD_GET_COREDUMP, dump_types, p);
}

/* The PT_LOAD of the core at device address da, or NULL. */
static const Elf32_Phdr *core_load_at(const struct elf32_file *elf, uint32_t da)
{
	unsigned int i;

	for (i = 0; i < elf32_phnum(elf); i++) {
		const Elf32_Phdr *ph = elf32_phdr(elf, i);

		if (ph->p_type == PT_LOAD && ph->p_vaddr == da)
			return ph;
	}
	return NULL;
}

/*
 * Issue 11, item 3: GET_COREDUMP of a running core is BAD_STATE; after STOP
 * the stopped firmware is dumped (SHORT_BUFFER gives the size first); after
 * RELEASE nothing is left; without coredump-allowed, ACCESS_DENIED.
 */
static void test_coredump_short_buffer_and_policy(void **state)
{
	struct ta_fixture_opts deny = {.keys = both_keys};
	struct ta_fixture *f = fixture(false);
	size_t len, dlen;
	uint8_t *img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	uint8_t *dump;

	(void)state;
	enter_state(f, TA_RPROC_STARTED, img, len);
	assert_int_equal(dump_result(f), TEE_ERROR_BAD_STATE);
	assert_non_null(strstr(f->last_log, "while the firmware runs"));
	/* After STOP the stopped firmware can be dumped (Linux dumps after stop). */
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	dump = get_dump(f, &dlen);
	assert_memory_equal(dump,
			    "\x7f"
			    "ELF",
			    4);
	assert_int_equal(get_le16(dump + 16), 4); /* ET_CORE */
	free(dump);
	/* RELEASE wipes: nothing left to dump. */
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	assert_int_equal(dump_result(f), TEE_ERROR_NO_DATA);
	ta_fixture_free(f);

	/* Default policy: dumps denied. */
	f = ta_fixture_new(&deny);
	enter_state(f, TA_RPROC_STARTED, img, len);
	assert_int_equal(dump_result(f), TEE_ERROR_ACCESS_DENIED);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(dump_result(f), TEE_ERROR_ACCESS_DENIED);
	ta_fixture_free(f);
	free(img);
}

/*
 * Issue 11, item 3: coredump-allowed alone dumps the shared memories only,
 * never a byte of secure memory (the firmware's code is there); only a debug
 * board's coredump-secure-memories adds them.
 */
static void test_coredump_secure_memory_only_on_debug_board(void **state)
{
	struct ta_fixture_opts debug = {
		.coredump_allowed = true, .coredump_secure = true, .keys = both_keys};
	struct rpt_error err = {0};
	struct elf32_file elf;
	size_t len, dlen;
	uint8_t *img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	uint8_t *dump;
	unsigned int pass, i, secure = 0;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		struct ta_fixture *f = pass ? ta_fixture_new(&debug) : fixture(false);
		const struct board_rproc *brp = &f->board.rprocs[0];

		enter_state(f, TA_RPROC_STARTED, img, len);
		assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
		dump = get_dump(f, &dlen);
		assert_int_equal(elf32_open_any(&elf, dump, dlen, true, &err), 0);
		for (i = 0; i < brp->num_mems; i++) {
			const struct board_memory *m = &brp->mems[i];
			const Elf32_Phdr *ph = core_load_at(&elf, m->da);

			if (m->secure) {
				secure++;
				/* The firmware was loaded there: its bytes must not leave. */
				if (!pass)
					assert_null(ph);
				else
					assert_non_null(ph);
			} else {
				assert_non_null(ph);
				assert_int_equal(ph->p_filesz, m->size);
			}
		}
		elf32_close(&elf);
		free(dump);
		ta_fixture_free(f);
	}
	assert_true(secure > 0); /* the board has secure memory, so the test means something */
	free(img);
}

/*
 * A core that crashed may be dumped before STOP; its registers go into an
 * NT_PRSTATUS note (pr_reg at 72 in the 148-byte descriptor after "CORE").
 */
static void test_coredump_of_crashed_core_has_registers(void **state)
{
	struct ta_fixture *f = fixture(false);
	struct rpt_error err = {0};
	struct elf32_file elf;
	const Elf32_Phdr *note;
	const uint8_t *desc;
	size_t len, dlen;
	uint8_t *img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	uint8_t *dump;
	unsigned int i;

	(void)state;
	for (i = 0; i < 16; i++)
		f->co.regs.r[i] = 0x1000 + i;
	f->co.regs.xpsr = 0x61000000;
	f->co.regs.signo = COREDUMP_SIGSEGV;
	f->co.have_regs = true;
	enter_state(f, TA_RPROC_STARTED, img, len);
	assert_int_equal(dump_result(f), TEE_ERROR_BAD_STATE);
	f->co.crashed = true;
	dump = get_dump(f, &dlen);
	assert_int_equal(elf32_open_any(&elf, dump, dlen, true, &err), 0);
	note = elf32_phdr(&elf, 0);
	assert_int_equal(note->p_type, PT_NOTE);
	assert_int_equal(note->p_filesz, COREDUMP_NOTE_SIZE);
	desc = dump + note->p_offset + 20;
	assert_memory_equal(dump + note->p_offset + 12, "CORE\0\0\0\0", 8);
	assert_int_equal(get_le32(desc), COREDUMP_SIGSEGV);
	for (i = 0; i < 16; i++)
		assert_int_equal(get_le32(desc + 72 + 4 * i), 0x1000 + i);
	assert_int_equal(get_le32(desc + 72 + 64), 0x61000000);
	elf32_close(&elf);
	free(dump);
	ta_fixture_free(f);
	free(img);
}

static void test_release_and_stop_states(void **state)
{
	struct ta_fixture *f = fixture(false);
	size_t len, snap_len;
	uint8_t *img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.sign"), &len);
	uint8_t *snap;
	size_t i;

	(void)state;
	enter_state(f, TA_RPROC_STARTED, img, len);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(f->co.stops, 1);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	snap = ta_snapshot(f, &snap_len);
	for (i = 0; i < snap_len; i++)
		if (snap[i])
			fail_msg("byte %zu of coprocessor memory not wiped on release", i);
	free(snap);
	/* A failing start leaves the firmware loaded (the normal world releases it). */
	assert_int_equal(ta_load(f, img, len), TEE_SUCCESS);
	f->co.fail_start = -5;
	assert_int_not_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_LOADED);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	free(img);
	ta_fixture_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_vector_loads),
		cmocka_unit_test(test_large_needs_the_ddr_memory),
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_parameter_types_and_ids),
		cmocka_unit_test(test_coredump_short_buffer_and_policy),
		cmocka_unit_test(test_coredump_secure_memory_only_on_debug_board),
		cmocka_unit_test(test_coredump_of_crashed_core_has_registers),
		cmocka_unit_test(test_release_and_stop_states),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
