// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 11, the TA's side: START refuses firmware whose vector table, reset
 * handler, initial stack or executable segments lie in memory the normal
 * world can write (unless the board declares the legacy layout, and then it
 * warns at every start), for every image of a two-image firmware (items 1
 * and 2); nothing unsigned decides the boot address (item 12); RELEASE and
 * the next LOAD wipe every secure memory whole (item 4); `rproc-sign verify`
 * and the TA share one rule for the security-counter TLV (item 14).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "craft.h"
#include "crypto/keyring.h"
#include "formats/elf32.h"
#include "formats/image_verify.h"
#include "signer.h"
#include "ta_fixture.h"
#include "testutil.h"

#define ISO_M4	   "isolated/signed/m4-demo.rsa2048.sign"
#define ISO_M4_ECC "isolated/signed/m4-demo.ecp256.sign"
#define RSA_PEM	   "keys/rsa2048.pem"

static const char *const both_keys[] = {"keys/rsa2048.pub.pem", "keys/ecp256.pub.pem", NULL};

static struct ta_fixture *fixture(bool legacy)
{
	struct ta_fixture_opts o = {.legacy = legacy, .keys = both_keys};

	return ta_fixture_new(&o);
}

static TEE_Result load_bytes(struct ta_fixture *f, const uint8_t *img, size_t len)
{
	TEE_Result res = ta_load(f, img, len);

	if (res != TEE_SUCCESS)
		fail_msg("LOAD_FW: %s: %s", tee_result_name(res), f->last_log);
	return res;
}

static void load_vector(struct ta_fixture *f, const char *path)
{
	size_t len;
	uint8_t *img = rpt_slurp(rpt_vector_path(path), &len);

	load_bytes(f, img, len);
	free(img);
}

/* START is refused with ACCESS_DENIED naming `what`; the core never left reset. */
static void expect_start_refused(struct ta_fixture *f, const char *what, const char *where)
{
	TEE_Result res = ta_simple(f, TA_RPROC_CMD_START_FW);

	if (res != TEE_ERROR_ACCESS_DENIED || !strstr(f->last_log, what) ||
	    !strstr(f->last_log, where))
		fail_msg("START: %s, log '%s' (wanted ACCESS_DENIED naming %s in %s)",
			 tee_result_name(res), f->last_log, what, where);
	assert_non_null(strstr(f->last_log, "START refused"));
	assert_int_equal(f->co.starts, 0);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_LOADED);
}

/* ---- items 1 and 2: the START rule ---- */

/*
 * The older m4-demo keeps its stack in mcuram2. On a board where mcuram2 is
 * shared but the legacy layout is not declared, START refuses it; declared,
 * it starts with a warning, at every start.
 */
static void test_stack_in_shared_memory(void **state)
{
	struct ta_fixture *f = fixture(true);

	(void)state;
	f->board.rprocs[0].policy.legacy_layout = false;
	load_vector(f, "signed/m4-demo.rsa2048.sign");
	expect_start_refused(f, "image 1: initial stack [0x1002ffc0", "mcuram2");

	f->board.rprocs[0].policy.legacy_layout = true;
	f->logs = 0;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	assert_int_equal(f->co.starts, 1);
	assert_non_null(strstr(f->last_log, "WARNING: legacy layout"));
	assert_non_null(strstr(f->last_log, "initial stack"));
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	/* Loaded again (STOP left it OFF): every start warns again. */
	load_vector(f, "signed/m4-demo.rsa2048.sign");
	f->logs = 0;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	assert_true(f->logs >= 1);
	assert_non_null(strstr(f->last_log, "WARNING: legacy layout"));
	ta_fixture_free(f);
}

/*
 * The older two-image firmware: the secure image is all private, but the
 * non-secure image's vector table (the handover the normal world rewrote in
 * the attack) is in shared mcuram2. Every image is checked.
 */
static void test_second_image_vector_table(void **state)
{
	struct ta_fixture *f = fixture(true);

	(void)state;
	f->board.rprocs[0].policy.legacy_layout = false;
	load_vector(f, "signed/multi.rsa2048.sign");
	expect_start_refused(f, "image 2: vector table [0x10000000", "mcuram2");
	ta_fixture_free(f);

	/* The isolated build of the same firmware starts silently on the default layout. */
	f = fixture(false);
	load_vector(f, "isolated/signed/multi.rsa2048.sign");
	f->logs = 0;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	assert_int_equal(f->logs, 0);
	ta_fixture_free(f);
}

/* Word `w` of the isolated m4-demo's vector table set to v, re-hashed and re-signed. */
static void craft_vector_word(struct craft *c, unsigned int w, uint32_t v)
{
	size_t code = craft_image_off(c, 0) + get_le32(c->buf + craft_phdr_off(c, 0, 0) + 4);

	put_le32(c->buf + code + 4u * w, v);
	craft_rehash(c, 0, 0);
	craft_resign(c, rpt_vector_path(RSA_PEM));
}

/* Signed firmware that points its reset handler or stack at shared memory. */
static void test_signed_pointers_into_shared_memory(void **state)
{
	struct ta_fixture *f;
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(ISO_M4));
	craft_vector_word(&c, 1, 0x10046001); /* reset handler in ipc-shmem */
	f = fixture(false);
	load_bytes(f, c.buf, c.size);
	expect_start_refused(f, "reset handler [0x10046000", "ipc-shmem");
	ta_fixture_free(f);
	craft_free(&c);

	craft_load(&c, rpt_vector_path(ISO_M4));
	craft_vector_word(&c, 0, 0x10050000); /* initial SP at the end of ipc-shmem */
	f = fixture(false);
	load_bytes(f, c.buf, c.size);
	expect_start_refused(f, "initial stack [0x1004ffc0", "ipc-shmem");
	ta_fixture_free(f);
	craft_free(&c);
}

/* A signed executable segment in shared memory (the resource table's, made PF_X). */
static void test_executable_segment_in_shared_memory(void **state)
{
	struct ta_fixture *f = fixture(false);
	size_t ph;
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(ISO_M4));
	ph = craft_phdr_off(&c, 0, 2);
	assert_int_equal(get_le32(c.buf + ph + 8), 0x10046000); /* the table's segment */
	put_le32(c.buf + ph + 24, get_le32(c.buf + ph + 24) | PF_X);
	put_le32(craft_entry(&c, 2) + 24, get_le32(c.buf + ph + 24));
	craft_resign(&c, rpt_vector_path(RSA_PEM));
	load_bytes(f, c.buf, c.size);
	expect_start_refused(f, "executable segment [0x10046000", "ipc-shmem");
	ta_fixture_free(f);
	craft_free(&c);
}

/* ---- item 12: e_entry is not signed and decides nothing ---- */

static void test_e_entry_has_no_influence(void **state)
{
	static const uint32_t entries[] = {0xF0000001, 0x10046001, 0x10000001, 0};
	struct ta_fixture *f = fixture(false);
	uint32_t good_boot;
	size_t len, elf, i;
	uint8_t *img = rpt_slurp(rpt_vector_path(ISO_M4), &len);
	struct craft c;

	(void)state;
	load_bytes(f, img, len);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	good_boot = f->co.boot_addr;
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	craft_load(&c, rpt_vector_path(ISO_M4));
	elf = craft_image_off(&c, 0);
	for (i = 0; i < sizeof(entries) / sizeof(entries[0]); i++) {
		/* The signature still holds: e_entry is outside everything signed. */
		put_le32(c.buf + elf + 24, entries[i]);
		load_bytes(f, c.buf, c.size);
		if (ta_simple(f, TA_RPROC_CMD_START_FW) != TEE_SUCCESS)
			fail_msg("e_entry 0x%08x: START failed: %s", entries[i], f->last_log);
		assert_int_equal(f->co.boot_addr, good_boot);
		assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
		assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	}
	craft_free(&c);
	free(img);
	ta_fixture_free(f);
}

/* ---- item 4: no residue of a run in secure memory ---- */

/* What the firmware might write at run time: every secure byte not loaded from the image. */
static void scribble_secure(struct ta_fixture *f)
{
	struct plat_rproc *rp = platform_rproc(&f->plat, 0);
	unsigned int i;

	for (i = 0; i < rp->num_mems; i++) {
		uint8_t *m = rp->mems[i].host;
		uint32_t k;

		if (!rp->mems[i].desc->secure)
			continue;
		/* The DDR is sampled: its first and last 64 KiB. */
		for (k = 0; k < rp->mems[i].desc->size; k++) {
			if (rp->mems[i].desc->size > (1u << 20) && k == (64u << 10))
				k = rp->mems[i].desc->size - (64u << 10);
			if (!m[k])
				m[k] = 0xA5;
		}
	}
}

/* Lay the PT_LOAD segments of one ELF (vector-relative) that fall in memory m into want. */
static void lay_segments(const char *elf_path, const struct board_memory *m, uint8_t *want)
{
	struct rpt_error err = {0};
	struct elf32_file elf;
	unsigned int p;
	size_t size;
	uint8_t *data = rpt_slurp(rpt_vector_path(elf_path), &size);

	assert_int_equal(elf32_open(&elf, data, size, &err), 0);
	for (p = 0; p < elf32_phnum(&elf); p++) {
		const Elf32_Phdr *ph = elf32_phdr(&elf, p);

		if (ph->p_type == PT_LOAD && range_within(ph->p_paddr, ph->p_memsz, m->da, m->size))
			memcpy(want + (ph->p_paddr - m->da), elf32_segment_data(&elf, ph),
			       ph->p_filesz);
	}
	elf32_close(&elf);
	free(data);
}

/* Every secure memory holds exactly the segments of elfs (NULL-terminated), zero elsewhere. */
static void expect_secure_exactly(struct ta_fixture *f, const char *const *elfs)
{
	struct plat_rproc *rp = platform_rproc(&f->plat, 0);
	unsigned int i, e;

	for (i = 0; i < rp->num_mems; i++) {
		const struct board_memory *m = rp->mems[i].desc;
		uint8_t *want;

		if (!m->secure)
			continue;
		want = calloc(1, m->size);
		assert_non_null(want);
		for (e = 0; elfs[e]; e++)
			lay_segments(elfs[e], m, want);
		if (memcmp(rp->mems[i].host, want, m->size))
			fail_msg("secure memory %s holds more than %s", m->name,
				 elfs[0] ? "the loaded image" : "zeros");
		free(want);
	}
}

static void test_no_residue_after_run(void **state)
{
	static const char *const none[] = {NULL};
	static const char *const m4[] = {"isolated/elf/m4-demo.elf", NULL};
	static const char *const multi[] = {"isolated/elf/m33-tfm.elf", "isolated/elf/m33-ns.elf",
					    NULL};
	struct ta_fixture *f = fixture(false);

	(void)state;
	/* Run, write at run time, STOP, RELEASE: every secure byte is zero. */
	load_vector(f, ISO_M4);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	scribble_secure(f);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	expect_secure_exactly(f, none);
	/* Then LOAD of another image holds that image only. */
	load_vector(f, ISO_M4_ECC);
	expect_secure_exactly(f, m4);
	/* Run, write, STOP, and LOAD another image straight away (no RELEASE). */
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	scribble_secure(f);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	load_vector(f, "isolated/signed/multi.rsa2048.sign");
	expect_secure_exactly(f, multi);
	ta_fixture_free(f);

	/* The DDR board: large.elf's 4 MiB, then nothing. */
	{
		struct ta_fixture_opts o = {.ddr = true, .keys = both_keys};

		f = ta_fixture_new(&o);
	}
	load_vector(f, "isolated/signed/large.rsa2048.sign");
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	scribble_secure(f);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	expect_secure_exactly(f, none);
	ta_fixture_free(f);
}

/* ---- item 14: one rule for the security-counter TLV ---- */

static uint8_t *signed_with_plat_tlv(const char *id, const char *value, size_t *len)
{
	struct signer_plat_tlv plat[1];
	struct signer_input in = {0};
	struct signer_request req;
	struct rpt_error err = {0};
	struct crypto_key *key;
	unsigned int n = 0;
	uint8_t *out = NULL;

	in.elf = rpt_slurp(rpt_vector_path("isolated/elf/m4-demo.elf"), &in.size);
	in.name = "m4-demo.elf";
	assert_int_equal(crypto_key_load_private(rpt_vector_path(RSA_PEM), NULL, &key, &err), 0);
	assert_int_equal(signer_add_plat_tlv(plat, &n, id, value, &err), 0);
	req = (struct signer_request){
		.inputs = &in, .num_inputs = 1, .key = key, .plat = plat, .num_plat = n};
	if (signer_build(&req, &out, len, &err))
		fail_msg("%s", rpt_error_msg(&err));
	crypto_key_free(key);
	free((void *)in.elf);
	return out;
}

/* verify (the tool's whole-file check) and the TA: the same answer, the same reason. */
static void expect_same_verdict(const char *value, bool ok)
{
	struct ta_fixture *f = fixture(false);
	struct simg_summary sum;
	struct rpt_error err = {0};
	struct keyring ring;
	TEE_Result res;
	size_t len;
	uint8_t *img = signed_with_plat_tlv("0x10100", value, &len);
	int ret;

	keyring_init(&ring);
	assert_int_equal(keyring_add_file(&ring, rpt_vector_path("keys/rsa2048.pub.pem"), &err), 0);
	ret = simg_verify(img, len, &ring, &sum, &err);
	res = ta_load(f, img, len);
	if (ok) {
		if (ret || res != TEE_SUCCESS)
			fail_msg("counter '%s': verify %d (%s), TA %s (%s)", value, ret,
				 rpt_error_msg(&err), tee_result_name(res), f->last_log);
		assert_true(sum.tlvs.has_counter);
	} else {
		assert_int_equal(ret, -RPT_EFORMAT);
		assert_int_equal(res, TEE_ERROR_BAD_FORMAT);
		assert_non_null(strstr(rpt_error_msg(&err), "SECURITY_COUNTER"));
		assert_non_null(strstr(f->last_log, "SECURITY_COUNTER"));
		assert_non_null(strstr(f->last_log, "expected 4"));
	}
	keyring_free(&ring);
	free(img);
	ta_fixture_free(f);
}

static void test_counter_tlv_one_rule(void **state)
{
	(void)state;
	expect_same_verdict("0x7", true); /* a u32 */
	expect_same_verdict("abc", false);
	expect_same_verdict("abcde", false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stack_in_shared_memory),
		cmocka_unit_test(test_second_image_vector_table),
		cmocka_unit_test(test_signed_pointers_into_shared_memory),
		cmocka_unit_test(test_executable_segment_in_shared_memory),
		cmocka_unit_test(test_e_entry_has_no_influence),
		cmocka_unit_test(test_no_residue_after_run),
		cmocka_unit_test(test_counter_tlv_one_rule),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
