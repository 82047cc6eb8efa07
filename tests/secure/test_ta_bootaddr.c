// SPDX-License-Identifier: BSD-2-Clause
/*
 * Issue 13, the boot address in the TA: on an STM32MP2 board the signed
 * BOOTADDR platform TLV (0x10001, u32) decides where the core boots and START
 * passes it to the core; without it the board's default applies; a BOOTADDR
 * that is not 4 bytes, appears twice, is not aligned as VTOR needs or does
 * not land in loaded private memory is refused at LOAD with nothing left
 * behind. STM32MP15 treats 0x10001 as opaque signed data. A firmware that
 * cannot start is refused in plain words with TEE_ERROR_BAD_FORMAT, not
 * "access denied".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "crypto/crypto.h"
#include "formats/elf32.h"
#include "signer.h"
#include "ta_fixture.h"
#include "testutil.h"

#define MP2_ELF	   "firmware/rproc-demo-mp2.elf"
#define MP2_BOOT   0x80100000u /* where rproc-demo-mp2.ld puts the vector table */
#define MP2_DATA   0x80C00000u /* cm33-data above the demo's data and bss: private, nothing loaded */
#define MP2_SHMEM  0x81200000u /* ipc-shmem: shared, the resource table loaded there */
#define RSA_PEM	   "keys/rsa2048.pem"
#define ISO_M4_ELF "isolated/elf/m4-demo.elf"

static const char *const rsa_keys[] = {"keys/rsa2048.pub.pem", NULL};

/* Sign ELF bytes with the test RSA key and platform TLVs given as id, value pairs (NULL-ended). */
static uint8_t *sign_bytes(const uint8_t *elf, size_t elf_len, const char *const *tlv, size_t *len)
{
	struct signer_plat_tlv plat[SIGNER_MAX_PLAT_TLVS];
	struct signer_input in = {elf, elf_len, "test.elf"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1, .plat = plat};
	struct rpt_error err = {0};
	struct crypto_key *key;
	uint8_t *img;

	for (; tlv && tlv[0]; tlv += 2)
		if (signer_add_plat_tlv(plat, &req.num_plat, tlv[0], tlv[1], &err))
			fail_msg("--plat-tlv %s %s: %s", tlv[0], tlv[1], rpt_error_msg(&err));
	if (crypto_key_load_private(rpt_vector_path(RSA_PEM), NULL, &key, &err))
		fail_msg("key: %s", rpt_error_msg(&err));
	req.key = key;
	if (signer_build(&req, &img, len, &err))
		fail_msg("sign: %s", rpt_error_msg(&err));
	crypto_key_free(key);
	return img;
}

static uint8_t *mp2_elf(size_t *len)
{
	return rpt_slurp(rpt_binary_path(MP2_ELF), len);
}

/* File offset of the MP2 demo's vector table (its segment at MP2_BOOT). */
static size_t mp2_vt_offset(const uint8_t *elf, size_t elf_len)
{
	struct rpt_error err = {0};
	struct elf32_file e;
	size_t vt = 0;
	unsigned int i;

	assert_int_equal(elf32_open(&e, elf, elf_len, &err), 0);
	for (i = 0; i < elf32_phnum(&e); i++)
		if (elf32_phdr(&e, i)->p_paddr == MP2_BOOT)
			vt = elf32_phdr(&e, i)->p_offset;
	elf32_close(&e);
	assert_int_not_equal(vt, 0);
	return vt;
}

/* The MP2 demo, signed with these platform TLVs. */
static uint8_t *mp2_image(const char *const *tlv, size_t *len)
{
	size_t elf_len;
	uint8_t *elf = mp2_elf(&elf_len), *img = sign_bytes(elf, elf_len, tlv, len);

	free(elf);
	return img;
}

static struct ta_fixture *mp2_fixture(uint32_t default_boot)
{
	struct ta_fixture_opts o = {.mp2_ddr = true, .boot_addr = default_boot, .keys = rsa_keys};

	return ta_fixture_new(&o);
}

static void load_ok(struct ta_fixture *f, const uint8_t *img, size_t len)
{
	TEE_Result res = ta_load(f, img, len);

	if (res != TEE_SUCCESS)
		fail_msg("LOAD_FW: %s: %s", tee_result_name(res), f->last_log);
}

static void start_ok(struct ta_fixture *f, uint32_t want_boot)
{
	TEE_Result res = ta_simple(f, TA_RPROC_CMD_START_FW);

	if (res != TEE_SUCCESS)
		fail_msg("START_FW: %s: %s", tee_result_name(res), f->last_log);
	assert_int_equal(f->co.starts, 1);
	assert_int_equal(f->co.boot_addr, want_boot);
}

/* No byte of coprocessor memory is non-zero (nothing of a refused image stayed). */
static void assert_memory_clean(struct ta_fixture *f)
{
	size_t len, i;
	uint8_t *snap = ta_snapshot(f, &len);

	for (i = 0; i < len && !snap[i]; i++)
		;
	if (i != len)
		fail_msg("byte %zu of the memories is 0x%02x after a refused LOAD", i, snap[i]);
	free(snap);
}

/* LOAD refused with `want`, the log naming the reason; state OFF, memory clean. */
static void expect_load_refused(struct ta_fixture *f, const uint8_t *img, size_t len,
				TEE_Result want, const char *needle)
{
	TEE_Result res = ta_load(f, img, len);

	if (res != want || !strstr(f->last_log, needle))
		fail_msg("LOAD_FW: %s, log '%s' (wanted %s naming '%s')", tee_result_name(res),
			 f->last_log, tee_result_name(want), needle);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_OFF);
	assert_memory_clean(f);
}

/* START refused with BAD_FORMAT (not ACCESS_DENIED) naming needle; the core never left reset. */
static void expect_cannot_start(struct ta_fixture *f, const char *needle)
{
	TEE_Result res = ta_simple(f, TA_RPROC_CMD_START_FW);

	if (res != TEE_ERROR_BAD_FORMAT || !strstr(f->last_log, needle))
		fail_msg("START_FW: %s, log '%s' (wanted BAD_FORMAT naming '%s')",
			 tee_result_name(res), f->last_log, needle);
	assert_null(strstr(f->last_log, "policy"));
	assert_int_equal(f->co.starts, 0);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_LOADED);
}

/* ---- STM32MP2: BOOTADDR decides, START passes it ---- */

static void test_bootaddr_recorded_and_passed_to_start(void **state)
{
	static const char *const tlv[] = {"0x10001", "0x80100000", NULL};
	static const char *const moved[] = {"0x10001", "0x80100300", NULL};
	/* The board's default is elsewhere: only the signed TLV can lead to 0x80100000. */
	struct ta_fixture *f = mp2_fixture(MP2_DATA);
	size_t elf_len, len, vt;
	uint8_t *img = mp2_image(tlv, &len), *elf;

	(void)state;
	load_ok(f, img, len);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->boot_addr, MP2_BOOT);
	start_ok(f, MP2_BOOT);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_STOP_FW), TEE_SUCCESS);
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	free(img);

	/*
	 * A second vector table in the code, at 0x80100300: the core boots
	 * there, not at the start of the lowest executable segment.
	 */
	elf = mp2_elf(&elf_len);
	vt = mp2_vt_offset(elf, elf_len);
	memcpy(elf + vt + 0x300, elf + vt, 8);
	img = sign_bytes(elf, elf_len, moved, &len);
	f->co.starts = 0;
	load_ok(f, img, len);
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->boot_addr, 0x80100300);
	start_ok(f, 0x80100300);
	ta_fixture_free(f);
	free(img);
	free(elf);
}

/* e_entry is not signed: pointing it anywhere changes nothing. */
static void test_bootaddr_not_e_entry(void **state)
{
	static const char *const tlv[] = {"0x10001", "0x80100000", NULL};
	struct ta_fixture *f = mp2_fixture(MP2_DATA);
	size_t elf_len, len;
	uint8_t *elf = mp2_elf(&elf_len), *img;

	(void)state;
	put_le32(elf + 24, MP2_DATA | 1);
	img = sign_bytes(elf, elf_len, tlv, &len);
	load_ok(f, img, len);
	start_ok(f, MP2_BOOT);
	ta_fixture_free(f);
	free(img);
	free(elf);
}

static void test_no_bootaddr_board_default(void **state)
{
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	size_t len;
	uint8_t *img = mp2_image(NULL, &len);

	(void)state;
	load_ok(f, img, len);
	start_ok(f, MP2_BOOT);
	ta_fixture_free(f);

	/* A default where the image put no vector table: refused in plain words. */
	f = mp2_fixture(MP2_DATA);
	load_ok(f, img, len);
	expect_cannot_start(f, "no vector table at 0x80c00000");
	assert_non_null(strstr(f->last_log, "the board's default"));
	ta_fixture_free(f);
	free(img);
}

static void test_bootaddr_wrong_length_refused(void **state)
{
	static const struct {
		const char *value;
		const char *needle;
	} cases[] = {
		{"hello", "5 bytes, expected 4"},
		{"ab", "2 bytes, expected 4"},
		{"", "0 bytes, expected 4"},
		{"0123456789", "10 bytes, expected 4"},
	};
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *tlv[] = {"0x10001", cases[i].value, NULL};
		size_t len;
		uint8_t *img = mp2_image(tlv, &len);

		expect_load_refused(f, img, len, TEE_ERROR_BAD_FORMAT, cases[i].needle);
		assert_non_null(strstr(f->last_log, "BOOTADDR (0x10001)"));
		free(img);
	}
	assert_int_equal(f->co.starts, 0);
	ta_fixture_free(f);
}

/* Two BOOTADDR records (the reference signer never writes them; a crafted image might). */
static void test_bootaddr_twice_refused(void **state)
{
	struct signer_plat_tlv plat[2] = {{.type = 0x10001, .len = 4}, {.type = 0x10001, .len = 4}};
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	struct rpt_error err = {0};
	struct crypto_key *key;
	size_t elf_len, len;
	uint8_t *elf = mp2_elf(&elf_len), *img;
	struct signer_input in = {elf, elf_len, "mp2.elf"};
	struct signer_request req = {.inputs = &in, .num_inputs = 1, .plat = plat, .num_plat = 2};

	(void)state;
	put_le32(plat[0].value, MP2_BOOT);
	put_le32(plat[1].value, MP2_BOOT + 0x80);
	assert_int_equal(crypto_key_load_private(rpt_vector_path(RSA_PEM), NULL, &key, &err), 0);
	req.key = key;
	assert_int_equal(signer_build(&req, &img, &len, &err), 0);
	expect_load_refused(f, img, len, TEE_ERROR_BAD_FORMAT, "appears twice");
	crypto_key_free(key);
	ta_fixture_free(f);
	free(img);
	free(elf);
}

static void test_bootaddr_outside_loaded_private_memory(void **state)
{
	static const struct {
		const char *value;
		TEE_Result res;
		const char *needle;
	} cases[] = {
		/* In no memory of the board. */
		{"0x90000000", TEE_ERROR_BAD_FORMAT, "no vector table at 0x90000000"},
		/* Private, but the image loaded nothing there (the core would run zeros). */
		{"0x80c00000", TEE_ERROR_BAD_FORMAT, "no vector table at 0x80c00000"},
		{"0x80900000", TEE_ERROR_BAD_FORMAT, "the firmware loaded nothing there"},
		/* Loaded, but shared: the normal world could rewrite the reset vector. */
		{"0x81200000", TEE_ERROR_ACCESS_DENIED, "which the normal world can write"},
		/* VTOR keeps bits 31:7 only. */
		{"0x80100040", TEE_ERROR_BAD_FORMAT, "not 128-byte aligned"},
		{"0x80100001", TEE_ERROR_BAD_FORMAT, "not 128-byte aligned"},
	};
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *tlv[] = {"0x10001", cases[i].value, NULL};
		size_t len;
		uint8_t *img = mp2_image(tlv, &len);

		expect_load_refused(f, img, len, cases[i].res, cases[i].needle);
		assert_non_null(strstr(f->last_log, "BOOTADDR"));
		free(img);
	}
	assert_int_equal(f->co.starts, 0);
	ta_fixture_free(f);
}

/* The vector table at the boot address names a reset handler in data memory. */
static void test_reset_vector_not_executable(void **state)
{
	static const char *const tlv[] = {"0x10001", "0x80100000", NULL};
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	size_t elf_len, len, vt;
	uint8_t *elf = mp2_elf(&elf_len), *img;

	(void)state;
	vt = mp2_vt_offset(elf, elf_len);
	put_le32(elf + vt + 4, MP2_DATA + 0x101);
	img = sign_bytes(elf, elf_len, tlv, &len);
	load_ok(f, img, len);
	expect_cannot_start(f, "reset vector 0x80c00101 (vector table at 0x80100000) is not in "
			       "executable memory");
	ta_fixture_free(f);
	free(img);
	free(elf);
}

/* The core refusing to start is not "access denied" either. */
static void test_core_refusal_is_not_access_denied(void **state)
{
	static const char *const tlv[] = {"0x10001", "0x80100000", NULL};
	struct ta_fixture *f = mp2_fixture(MP2_BOOT);
	size_t len;
	uint8_t *img = mp2_image(tlv, &len);

	(void)state;
	load_ok(f, img, len);
	f->co.fail_start = -RPT_ENOBOOT;
	expect_cannot_start(f, "did not start at 0x80100000");
	ta_fixture_free(f);
	free(img);
}

/* ---- STM32MP15: 0x10001 is opaque signed data ---- */

static void test_mp15_ignores_0x10001(void **state)
{
	static const char *const tlv[] = {"0x10001", "0x10000000", NULL};
	struct ta_fixture_opts o = {.keys = rsa_keys};
	struct ta_fixture *f;
	size_t len;
	uint8_t *img;

	(void)state;
	/* The reference vector: 0x10000 0x1 and 0x10001 "hello" (5 bytes). */
	f = ta_fixture_new(&o);
	img = rpt_slurp(rpt_vector_path("isolated/signed/m4-demo.rsa2048.keyinfo-plattlv.sign"),
			&len);
	load_ok(f, img, len);
	start_ok(f, 0);
	ta_fixture_free(f);
	free(img);

	/* A well-formed u32 there decides nothing either: the M4 boots at 0. */
	f = ta_fixture_new(&o);
	{
		size_t elf_len;
		uint8_t *elf = rpt_slurp(rpt_vector_path(ISO_M4_ELF), &elf_len);

		img = sign_bytes(elf, elf_len, tlv, &len);
		free(elf);
	}
	load_ok(f, img, len);
	start_ok(f, 0);
	ta_fixture_free(f);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bootaddr_recorded_and_passed_to_start),
		cmocka_unit_test(test_bootaddr_not_e_entry),
		cmocka_unit_test(test_no_bootaddr_board_default),
		cmocka_unit_test(test_bootaddr_wrong_length_refused),
		cmocka_unit_test(test_bootaddr_twice_refused),
		cmocka_unit_test(test_bootaddr_outside_loaded_private_memory),
		cmocka_unit_test(test_reset_vector_not_executable),
		cmocka_unit_test(test_core_refusal_is_not_access_denied),
		cmocka_unit_test(test_mp15_ignores_0x10001),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
