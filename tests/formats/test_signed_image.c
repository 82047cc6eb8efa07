// SPDX-License-Identifier: BSD-2-Clause
/*
 * Signed image parser and whole-file verification against OP-TEE's own
 * vectors: decoding, signatures, the tamper sweep, malformed containers and
 * crafted images whose only lies are in the unsigned parts.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/safe_math.h"
#include "craft.h"
#include "formats/image_verify.h"
#include "testutil.h"

#define RSA_PEM "keys/rsa2048.pem"
#define RSA_PUB "keys/rsa2048.pub.pem"
#define ECC_PUB "keys/ecp256.pub.pem"
#define M4_RSA	"signed/m4-demo.rsa2048.sign"
#define M4_ECC	"signed/m4-demo.ecp256.sign"
#define MULTI	"signed/multi.rsa2048.sign"
#define KEYINFO "signed/m4-demo.rsa2048.keyinfo-plattlv.sign"
#define LARGE	"signed/large.rsa2048.sign"

static void ring_with(struct keyring *ring, const char *pub)
{
	struct rpt_error err = {0};

	keyring_init(ring);
	if (keyring_add_file(ring, rpt_vector_path(pub), &err))
		fail_msg("%s", rpt_error_msg(&err));
}

/* Verify a crafted buffer; returns the code and leaves the reason in err. */
static int verify_buf(const uint8_t *buf, size_t size, const char *pub, struct rpt_error *err)
{
	struct simg_summary sum;
	struct keyring ring;
	int ret;

	ring_with(&ring, pub);
	rpt_error_clear(err);
	ret = simg_verify(buf, size, &ring, &sum, err);
	keyring_free(&ring);
	return ret;
}

static void assert_rejected(const struct craft *c, const char *pub, int code, const char *needle)
{
	struct rpt_error err = {0};
	int ret = verify_buf(c->buf, c->size, pub, &err);

	if (ret != -code || !strstr(err.msg, needle))
		fail_msg("expected -%d with '%s', got %d: '%s'", code, needle, ret, err.msg);
}

static void test_header_layout(void **state)
{
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	assert_int_equal(c.lay.tlv_len, 0x118);
	assert_int_equal(c.lay.sign_len, 256);
	assert_int_equal(c.lay.img_len, 0x2f50);
	assert_int_equal(c.lay.img_off, 20 + 0x118 + 256);
	assert_int_equal(c.lay.total, c.size);
	assert_int_equal(c.tlvs.sign_type, SIMG_SIGN_RSA_PKCS1_SHA256);
	assert_int_equal(c.tlvs.hash_type, SIMG_HASH_SHA256);
	assert_int_equal(c.tlvs.num_img, 1);
	assert_int_equal(simg_img_size(&c.tlvs, 0), 0x2f50);
	assert_int_equal(simg_hash_entries(&c.tlvs), 3);
	assert_null(c.tlvs.pkeyinfo);
	craft_free(&c);
}

static void test_keyinfo_and_platform_tlvs(void **state)
{
	struct rpt_error err = {0};
	struct simg_tlv t;
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(KEYINFO));
	assert_int_equal(c.tlvs.pkeyinfo_len, 21);
	assert_memory_equal(c.tlvs.pkeyinfo, "key-slot=1;owner=test", 21);
	assert_int_equal(simg_find_tlv(c.buf + 20, c.lay.tlv_len, 0x10000, &t, &err), 0);
	assert_int_equal(t.len, 4);
	assert_int_equal(get_le32(t.value), 1);
	assert_int_equal(simg_find_tlv(c.buf + 20, c.lay.tlv_len, 0x10001, &t, &err), 0);
	assert_int_equal(t.len, 5);
	assert_memory_equal(t.value, "hello", 5);
	assert_int_equal(simg_find_tlv(c.buf + 20, c.lay.tlv_len, 0x10002, &t, &err), -ENOENT);
	craft_free(&c);
}

static void test_vectors_verify_with_own_key_only(void **state)
{
	static const struct {
		const char *img, *good, *bad;
	} v[] = {
		{M4_RSA, RSA_PUB, ECC_PUB},  {M4_ECC, ECC_PUB, RSA_PUB}, {MULTI, RSA_PUB, ECC_PUB},
		{KEYINFO, RSA_PUB, ECC_PUB}, {LARGE, RSA_PUB, ECC_PUB},
	};
	struct rpt_error err = {0};
	size_t i, size;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *buf = rpt_slurp(rpt_vector_path(v[i].img), &size);

		if (verify_buf(buf, size, v[i].good, &err))
			fail_msg("%s: %s", v[i].img, err.msg);
		assert_int_equal(verify_buf(buf, size, v[i].bad, &err), -RPT_ESIGNATURE);
		assert_non_null(strstr(err.msg, "signature"));
		free(buf);
	}
}

static void test_summary_of_m4_demo(void **state)
{
	struct rpt_error err = {0};
	struct simg_summary sum;
	struct keyring ring;
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	ring_with(&ring, RSA_PUB);
	assert_int_equal(simg_verify(c.buf, c.size, &ring, &sum, &err), 0);
	assert_int_equal(sum.hashes_checked, 3);
	assert_int_equal(sum.load_segments, 3);
	assert_true(sum.has_rsc);
	assert_int_equal(sum.rsc.da, 0x10000000);
	assert_int_equal(sum.rsc.size, 0xc8);
	keyring_free(&ring);
	craft_free(&c);
}

static void test_multi_image_rsc_in_second_image(void **state)
{
	struct rpt_error err = {0};
	struct simg_summary sum;
	struct keyring ring;
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(MULTI));
	assert_int_equal(c.tlvs.num_img, 2);
	ring_with(&ring, RSA_PUB);
	assert_int_equal(simg_verify(c.buf, c.size, &ring, &sum, &err), 0);
	assert_true(sum.has_rsc);
	assert_int_equal(sum.rsc_image, 1);
	assert_int_equal(sum.rsc.da, 0x10000064);
	assert_int_equal(sum.rsc.size, 0xc8);
	keyring_free(&ring);
	craft_free(&c);
}

/* Flip every byte of header, TLV area and signature: each flip must be refused. */
static void sweep_signed_area(const char *img, const char *pub)
{
	struct rpt_error err = {0};
	struct craft c;
	size_t i, end;
	int ret;

	craft_load(&c, rpt_vector_path(img));
	end = c.lay.sig_off + c.lay.sign_len;
	for (i = 0; i < end; i++) {
		c.buf[i] ^= 0x01;
		ret = verify_buf(c.buf, c.size, pub, &err);
		c.buf[i] ^= 0x01;
		if (!ret || !err.msg[0])
			fail_msg("%s: flip at offset %zu accepted", img, i);
		if (i >= c.lay.sig_off && ret != -RPT_ESIGNATURE)
			fail_msg("%s: signature byte %zu: wrong reason '%s'", img, i, err.msg);
		if (i >= 20 && i < c.lay.sig_off && ret != -RPT_ESIGNATURE && ret != -RPT_EFORMAT)
			fail_msg("%s: TLV byte %zu: wrong reason '%s'", img, i, err.msg);
	}
	craft_free(&c);
}

/* Flip a sample of bytes of every segment with file bytes: each is a hash mismatch. */
static void sweep_segments(const char *img, const char *pub)
{
	struct rpt_error err = {0};
	struct simg_hash_entry e;
	unsigned int n, im, first = 0, k;
	struct craft c;

	craft_load(&c, rpt_vector_path(img));
	for (im = 0; im < c.tlvs.num_img; im++) {
		size_t base = craft_image_off(&c, im);

		n = get_le32(c.buf + base + 44) & 0xffff; /* e_phnum */
		for (k = 0; k < n; k++) {
			unsigned int s;

			simg_hash_entry_get(&c.tlvs, first + k, &e);
			for (s = 0; s < 16 && e.p_filesz; s++) {
				size_t at = base + e.p_offset + (size_t)s * e.p_filesz / 16;

				c.buf[at] ^= 0x80;
				assert_int_equal(verify_buf(c.buf, c.size, pub, &err), -RPT_EHASH);
				assert_non_null(strstr(err.msg, "SHA-256 differs"));
				c.buf[at] ^= 0x80;
			}
		}
		first += n;
	}
	craft_free(&c);
}

static void test_tamper_sweep(void **state)
{
	(void)state;
	sweep_signed_area(M4_RSA, RSA_PUB);
	sweep_signed_area(M4_ECC, ECC_PUB);
	sweep_signed_area(MULTI, RSA_PUB);
	sweep_segments(M4_RSA, RSA_PUB);
	sweep_segments(M4_ECC, ECC_PUB);
	sweep_segments(MULTI, RSA_PUB);
	sweep_segments(LARGE, RSA_PUB);
}

static void test_truncation_at_every_length(void **state)
{
	struct rpt_error err = {0};
	struct craft c;
	size_t len;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	for (len = 0; len < c.size; len++) {
		uint8_t *copy = malloc(len ? len : 1); /* exact size: ASan sees any over-read */

		memcpy(copy, c.buf, len);
		assert_int_equal(verify_buf(copy, len, RSA_PUB, &err), -RPT_EFORMAT);
		assert_true(strstr(err.msg, "truncated") || strstr(err.msg, "size rule"));
		free(copy);
	}
	craft_free(&c);
}

static void test_header_lengths_that_overflow(void **state)
{
	static const uint32_t img_lens[] = {0xFFFFFFF9, 0xFFFFFFFC, 0xFFFFFFFF};
	struct rpt_error err = {0};
	struct simg_layout lay;
	uint8_t hdr[20];
	size_t i;

	(void)state;
	for (i = 0; i < 3; i++) {
		simg_header_encode(hdr, 0x118, 256, img_lens[i]);
		rpt_error_clear(&err);
		assert_int_equal(simg_parse_header(hdr, &lay, &err), -RPT_EFORMAT);
		assert_non_null(strstr(err.msg, "overflows"));
	}
	simg_header_encode(hdr, 0xFFFFFFF8, 256, 8);
	rpt_error_clear(&err);
	assert_int_equal(simg_parse_header(hdr, &lay, &err), -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "tlv_len"));
	simg_header_encode(hdr, 0x118, 0xFFFFFFFF, 8);
	rpt_error_clear(&err);
	assert_int_equal(simg_parse_header(hdr, &lay, &err), -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "sign_len"));
	simg_header_encode(hdr, 0x11c, 256, 8);
	rpt_error_clear(&err);
	assert_int_equal(simg_parse_header(hdr, &lay, &err), -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "multiple of 8"));
}

/* Offset in the TLV area of the record of a type. */
static size_t tlv_at(const struct craft *c, uint32_t type)
{
	struct rpt_error err = {0};
	struct simg_tlv t;

	assert_int_equal(simg_find_tlv(c->buf + 20, c->lay.tlv_len, type, &t, &err), 0);
	return 20 + t.offset;
}

static void test_tlv_malformations(void **state)
{
	struct craft c;
	size_t at;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	at = tlv_at(&c, SIMG_TLV_HASHTABLE);
	put_le32(c.buf + at + 4, 0x7FFFFFF0);
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "runs past the TLV area");
	put_le32(c.buf + at + 4, 0xc0);

	at = tlv_at(&c, SIMG_TLV_NUM_IMG);
	c.buf[at + 8] = 0;
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "NUM_IMG");
	c.buf[at + 8] = 255;
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "NUM_IMG");
	c.buf[at + 8] = 2;
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "IMGTYPE");
	c.buf[at + 8] = 1;

	at = tlv_at(&c, SIMG_TLV_IMGSIZE);
	put_le32(c.buf + at + 8, 0x2f48);
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "add up");
	put_le32(c.buf + at + 8, 0x2f50);

	at = tlv_at(&c, SIMG_TLV_HASHTYPE);
	c.buf[at + 8] = 2;
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "HASHTYPE");
	c.buf[at] = 0x07; /* HASHTYPE record becomes an unknown generic type */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "unknown type 0x7");
	c.buf[at] = SIMG_TLV_SIGNTYPE; /* ... or a second SIGNTYPE */
	c.buf[at + 8] = 1;
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "appears twice");
	craft_free(&c);
}

static void test_hashtable_not_multiple_of_64(void **state)
{
	struct simg_tlv_builder b;
	struct rpt_error err = {0};
	struct simg_layout lay = {.tlv_len = 0, .img_len = 16};
	struct simg_tlvs t;
	uint8_t one = 1, sizes[4] = {16, 0, 0, 0}, table[65] = {0};

	(void)state;
	simg_tlv_builder_init(&b);
	simg_tlv_builder_add(&b, SIMG_TLV_SIGNTYPE, &one, 1);
	simg_tlv_builder_add(&b, SIMG_TLV_NUM_IMG, &one, 1);
	simg_tlv_builder_add(&b, SIMG_TLV_IMGTYPE, &one, 1);
	simg_tlv_builder_add(&b, SIMG_TLV_IMGSIZE, sizes, 4);
	simg_tlv_builder_add(&b, SIMG_TLV_HASHTYPE, &one, 1);
	simg_tlv_builder_add(&b, SIMG_TLV_HASHTABLE, table, sizeof(table));
	lay.tlv_len = (uint32_t)b.len;
	assert_int_equal(simg_decode_tlvs(&lay, b.buf, &t, &err), -RPT_EFORMAT);
	assert_non_null(strstr(err.msg, "multiple of 64"));
	simg_tlv_builder_free(&b);
}

static void test_elf_phdrs_outside_file(void **state)
{
	struct craft c;
	size_t elf;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	elf = craft_image_off(&c, 0);
	put_le32(c.buf + elf + 28, 0x7FFFFFF0); /* e_phoff: the ELF header is not signed */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "image 1");
	craft_free(&c);
}

static void test_phdr_dropped_moved_duplicated(void **state)
{
	struct craft c;
	size_t elf, ph1;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	elf = craft_image_off(&c, 0);
	c.buf[elf + 44] = 2; /* e_phnum 3 -> 2: the last segment is skipped */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "dropped");
	c.buf[elf + 44] = 3;

	ph1 = craft_phdr_off(&c, 0, 1);
	put_le32(c.buf + ph1 + 12, 0x10010000); /* p_paddr moved */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "differs from signed hash-table entry 1");
	put_le32(c.buf + ph1 + 12, 0x10000000);

	memcpy(c.buf + ph1, c.buf + craft_phdr_off(&c, 0, 0), 32); /* segment 0 twice */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "program header 1");

	put_le32(c.buf + ph1, PT_NULL); /* type changed so a loader would skip it */
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "program header 1");
	craft_free(&c);
}

static void test_resign_makes_valid_again(void **state)
{
	struct craft c;
	struct rpt_error err = {0};

	(void)state;
	/* The crafting tools themselves: a re-signed unchanged image still verifies. */
	craft_load(&c, rpt_vector_path(M4_RSA));
	memset(c.buf + c.lay.sig_off, 0, c.lay.sign_len);
	craft_resign(&c, rpt_vector_path(RSA_PEM));
	assert_int_equal(verify_buf(c.buf, c.size, RSA_PUB, &err), 0);
	craft_free(&c);
}

static void test_rsc_table_offsets_outside_itself(void **state)
{
	struct craft c;
	size_t rsc;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	/* Segment 1 holds the table at its start: offset[0] at +16. */
	rsc = craft_image_off(&c, 0) + get_le32(craft_entry(&c, 1) + 4);
	put_le32(c.buf + rsc + 16, 0x1000);
	craft_rehash(&c, 0, 1);
	craft_resign(&c, rpt_vector_path(RSA_PEM));
	assert_rejected(&c, RSA_PUB, RPT_EFORMAT, "resource table");
	craft_free(&c);
}

static void test_overlap_and_wrap(void **state)
{
	struct simg_load_range r[2] = {{0x1000, 0x100, 0, 0}, {0x10ff, 0x10, 1, 0}};
	struct rpt_error err = {0};

	(void)state;
	assert_int_equal(simg_check_no_overlap(r, 2, &err), -RPT_ERANGE);
	assert_non_null(strstr(err.msg, "overlaps"));
	r[1].da = 0x1100;
	rpt_error_clear(&err);
	assert_int_equal(simg_check_no_overlap(r, 2, &err), 0);
	r[1].da = 0xFFFFFFF0;
	r[1].memsz = 0x20;
	assert_int_equal(simg_check_no_overlap(r, 2, &err), -RPT_ERANGE);
	assert_non_null(strstr(err.msg, "wraps"));
	r[1].memsz = 0x10; /* ends exactly at 4 GiB: allowed */
	rpt_error_clear(&err);
	assert_int_equal(simg_check_no_overlap(r, 2, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_layout),
		cmocka_unit_test(test_keyinfo_and_platform_tlvs),
		cmocka_unit_test(test_vectors_verify_with_own_key_only),
		cmocka_unit_test(test_summary_of_m4_demo),
		cmocka_unit_test(test_multi_image_rsc_in_second_image),
		cmocka_unit_test(test_tamper_sweep),
		cmocka_unit_test(test_truncation_at_every_length),
		cmocka_unit_test(test_header_lengths_that_overflow),
		cmocka_unit_test(test_tlv_malformations),
		cmocka_unit_test(test_hashtable_not_multiple_of_64),
		cmocka_unit_test(test_elf_phdrs_outside_file),
		cmocka_unit_test(test_phdr_dropped_moved_duplicated),
		cmocka_unit_test(test_resign_makes_valid_again),
		cmocka_unit_test(test_rsc_table_offsets_outside_itself),
		cmocka_unit_test(test_overlap_and_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
