// SPDX-License-Identifier: BSD-2-Clause
/*
 * The eleven weaknesses found in OP-TEE's remoteproc TA (DESIGN section 9),
 * one test each, plus the tamper sweep, the TOCTOU race, crafted images whose
 * only lies are in the unsigned parts, and rollback protection — all run
 * through LOAD_FW, all checking that a refused image leaves nothing behind.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/safe_math.h"
#include "craft.h"
#include "signer.h"
#include "ta_fixture.h"
#include "testutil.h"

#define M4_RSA	"signed/m4-demo.rsa2048.sign"
#define MULTI	"signed/multi.rsa2048.sign"
#define RSA_PEM "keys/rsa2048.pem"

static const char *const both_keys[] = {"keys/rsa2048.pub.pem", "keys/ecp256.pub.pem", NULL};
static const char *const m4_elfs[] = {"elf/m4-demo.elf", NULL};
static const char *const multi_elfs[] = {"elf/m33-tfm.elf", "elf/m33-ns.elf", NULL};

/*
 * These attacks on LOAD_FW use the older vectors (their offsets are spelled
 * out below), so the secure world has the legacy layout they were built for.
 */
static struct ta_fixture *fixture(void)
{
	struct ta_fixture_opts o = {.legacy = true, .keys = both_keys};

	return ta_fixture_new(&o);
}

static bool memory_is_zero(struct ta_fixture *f)
{
	size_t len, i;
	uint8_t *snap = ta_snapshot(f, &len);
	bool zero = true;

	for (i = 0; i < len && zero; i++)
		zero = !snap[i];
	free(snap);
	return zero;
}

/*
 * Load a crafted image into a fresh secure world and expect refusal `want`
 * (0 = any failure) with `needle` in the TA's log; state OFF, memory zero.
 */
static void expect_refused(const struct craft *c, TEE_Result want, const char *needle)
{
	struct ta_fixture *f = fixture();
	TEE_Result res = ta_load(f, c->buf, c->size);

	if (res == TEE_SUCCESS || (want && res != want) || (needle && !strstr(f->last_log, needle)))
		fail_msg("got %s, log '%s' (wanted 0x%x with '%s')", tee_result_name(res),
			 f->last_log, want, needle ? needle : "");
	assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_OFF);
	assert_true(memory_is_zero(f));
	ta_fixture_free(f);
}

/* ---- DESIGN section 9, one by one ---- */

static void test_w1_length_wrap(void **state)
{
	static const uint32_t lens[] = {0xFFFFFFF9, 0xFFFFFFFC, 0xFFFFFFFF};
	struct craft c;
	size_t i;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	for (i = 0; i < 3; i++) {
		put_le32(c.buf + 16, lens[i]); /* img_len */
		expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "overflows");
	}
	put_le32(c.buf + 16, 0x2f50);
	put_le32(c.buf + 8, 0xFFFFFFF8); /* tlv_len */
	expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "tlv_len");
	craft_free(&c);
}

static size_t shdr_off(const struct craft *c, unsigned int img, unsigned int idx);

/*
 * OP-TEE's TA answers BAD_PARAMETERS for what its header check refuses:
 * magic, version, a size that does not add up, an image shorter than the
 * header. Ours answers the same code (with a message saying which).
 */
static void test_header_codes_as_optee(void **state)
{
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	put_le32(c.buf, 0x464c457f); /* an ELF given as is */
	expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "magic 0x464c457f");
	put_le32(c.buf, SIMG_MAGIC);
	put_le32(c.buf + 4, 2);
	expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "version 2");
	put_le32(c.buf + 4, SIMG_VERSION);
	c.size -= 8; /* one padded word missing */
	expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "");
	c.size = 12;
	expect_refused(&c, TEE_ERROR_BAD_PARAMETERS, "shorter than the 20-byte header");
	craft_free(&c);
}

/*
 * A resource-table entry of a type nobody knows, and a vendor one, in a
 * signed image: the TA locates the table without understanding them, loads
 * the image and says once per entry that it left them to the normal world.
 */
static void test_unknown_rsc_entries_loaded(void **state)
{
	static const uint32_t types[] = {77, 200, 512};
	struct ta_fixture *f;
	struct craft c;
	size_t sh3, table;
	unsigned int i, n;
	uint64_t pa, size;

	(void)state;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		craft_load(&c, rpt_vector_path(M4_RSA));
		sh3 = shdr_off(&c, 0, 3); /* .resource_table */
		table = craft_image_off(&c, 0) + get_le32(c.buf + sh3 + 16);
		/* Entry 1 (the trace) becomes the exotic one; its bytes are signed again. */
		put_le32(c.buf + table + get_le32(c.buf + table + 20), types[i]);
		for (n = 0; n < c.tlvs.hashtable_len / SIMG_HASH_ENTRY_SIZE; n++)
			craft_rehash(&c, 0, n);
		craft_resign(&c, rpt_vector_path(RSA_PEM));
		f = fixture();
		assert_int_equal(ta_load(f, c.buf, c.size), TEE_SUCCESS);
		assert_int_equal(ta_get_rsc(f, &pa, &size), TEE_SUCCESS);
		assert_true(size > 0);
		if (!strstr(f->last_log, "resource table entry 1") ||
		    !strstr(f->last_log, "left to the normal world"))
			fail_msg("type %u: TA log '%s'", types[i], f->last_log);
		ta_fixture_free(f);
		craft_free(&c);
	}
}

/* A racing writer for the TOCTOU tests: keeps changing bytes of [lo, hi) of the buffer. */
struct racer {
	uint8_t *buf;	     /* the shared image buffer */
	size_t lo, hi;	     /* region it attacks */
	atomic_bool stop;    /* set to end the race */
	atomic_bool running; /* set by the racer once it is attacking */
	unsigned int seed;   /* rand_r state */
};

/* Busy-wait a random while, so that changes last long enough to be read. */
static void dawdle(unsigned int *seed)
{
	volatile unsigned int n = (unsigned int)rand_r(seed) % 4000;

	while (n)
		n = n - 1;
}

static void *race(void *arg)
{
	struct racer *r = arg;

	atomic_store(&r->running, true);
	while (!atomic_load(&r->stop)) {
		size_t at = r->lo + (size_t)rand_r(&r->seed) % (r->hi - r->lo);
		volatile uint8_t *p = r->buf + at;
		uint8_t old = *p;

		*p = (uint8_t)(old ^ (1u << (rand_r(&r->seed) % 8)));
		dawdle(&r->seed);
		*p = old;
		dawdle(&r->seed);
	}
	return NULL;
}

/*
 * Run `trials` loads while a thread rewrites [lo, hi) of the shared buffer:
 * each trial either fails (state OFF, memory zero) or leaves exactly the
 * signed segments in memory. Both must have happened, or the test proved
 * nothing (a racer that never landed a change, or a TA that refuses
 * everything): on a loaded machine the racer may be slow to get going, so up
 * to TOCTOU_MAX_ROUNDS times the trials are run until both are seen.
 */
#define TOCTOU_MAX_ROUNDS 20

static void toctou(const char *img, const char *const *elfs, size_t lo, size_t hi,
		   unsigned int trials)
{
	struct ta_fixture *f = fixture();
	unsigned int i, ok = 0, refused = 0;
	size_t len;
	uint8_t *orig = rpt_slurp(rpt_vector_path(img), &len);
	uint8_t *shared = malloc(len);

	for (i = 0; i < trials || ((!ok || !refused) && i < trials * TOCTOU_MAX_ROUNDS); i++) {
		struct racer r = {.buf = shared, .lo = lo, .hi = hi, .seed = i + 1};
		pthread_t t;
		TEE_Result res;

		memcpy(shared, orig, len);
		atomic_store(&r.stop, false);
		atomic_store(&r.running, false);
		assert_int_equal(pthread_create(&t, NULL, race, &r), 0);
		while (!atomic_load(&r.running))
			;
		res = ta_load(f, shared, len);
		atomic_store(&r.stop, true);
		pthread_join(t, NULL);
		if (res == TEE_SUCCESS) {
			ok++;
			assert_true(ta_segments_loaded(f, elfs));
			assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
		} else {
			refused++;
			assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_OFF);
			assert_true(memory_is_zero(f));
		}
	}
	print_message("toctou [%zu, %zu): %u of %u loads succeeded, all exact\n", lo, hi, ok, i);
	if (!ok || !refused)
		fail_msg("toctou [%zu, %zu): %u loads succeeded and %u were refused in %u trials: "
			 "the race %s",
			 lo, hi, ok, refused, i,
			 ok ? "never changed a byte the TA used" : "never let a load through");
	free(shared);
	free(orig);
	ta_fixture_free(f);
}

static void test_w2_header_double_fetch(void **state)
{
	(void)state;
	toctou(M4_RSA, m4_elfs, 0, 20, 300); /* the 20 header bytes, lengths included */
}

static void test_w3_elf_metadata_in_shared_buffer(void **state)
{
	struct craft c;
	size_t elf;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	elf = craft_image_off(&c, 0);
	/* ELF header + program headers, then section headers + section names. */
	toctou(M4_RSA, m4_elfs, elf, elf + 0x94, 300);
	toctou(M4_RSA, m4_elfs, elf + 0x2b58, c.size, 300);
	craft_free(&c);
}

static void test_toctou_segments_1000_trials(void **state)
{
	struct craft c;
	size_t elf;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	elf = craft_image_off(&c, 0);
	/* The data segment (resource table): every change there is a signed byte. */
	toctou(M4_RSA, m4_elfs, elf + 0x2000, elf + 0x20cc, 1000);
	/* The whole image area: code, resource table and headers all under attack. */
	toctou(M4_RSA, m4_elfs, elf, c.size, 300);
	craft_free(&c);
	/* Two images: the second image's headers and segments too. */
	craft_load(&c, rpt_vector_path(MULTI));
	toctou(MULTI, multi_elfs, craft_image_off(&c, 0), c.size, 300);
	craft_free(&c);
}

static void test_w4_completeness(void **state)
{
	struct craft c;
	size_t elf, ph1, ph2;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	elf = craft_image_off(&c, 0);
	c.buf[elf + 44] = 2; /* e_phnum lowered: the trace segment would be skipped */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "dropped");
	c.buf[elf + 44] = 3;
	ph1 = craft_phdr_off(&c, 0, 1);
	ph2 = craft_phdr_off(&c, 0, 2);
	put_le32(c.buf + ph1, PT_NOTE); /* type changed so a loader skips it */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "program header 1");
	put_le32(c.buf + ph1, PT_LOAD);
	memcpy(c.buf + ph2, c.buf + craft_phdr_off(&c, 0, 0), 32); /* segment 0 loaded twice */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "program header 2");
	craft_free(&c);
	craft_load(&c, rpt_vector_path(M4_RSA));
	put_le32(c.buf + craft_phdr_off(&c, 0, 1) + 12, 0x10001000); /* moved elsewhere */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "differs from signed hash-table entry 1");
	craft_free(&c);
}

/* Offset of section header idx of image img. */
static size_t shdr_off(const struct craft *c, unsigned int img, unsigned int idx)
{
	size_t elf = craft_image_off(c, img);

	return elf + get_le32(c->buf + elf + 32) + 40u * idx;
}

static void test_w5_rsc_table_location(void **state)
{
	struct craft c;
	size_t sh3, shstr;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	sh3 = shdr_off(&c, 0, 3);	   /* .resource_table */
	put_le32(c.buf + sh3 + 20, 0x100); /* sized past its segment (filesz 0xcc) */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "not inside the file bytes of any loaded segment");
	put_le32(c.buf + sh3 + 20, 0x40);
	put_le32(c.buf + sh3 + 16, 0x1000); /* pointing at the code in secure memory */
	put_le32(c.buf + sh3 + 12, 0x0);
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "not in memory shared");
	craft_free(&c);

	/*
	 * Section names cut at the end of the string table: ".res" must not match.
	 * The name table (section 19) is shortened to end inside ".resource_table".
	 */
	craft_load(&c, rpt_vector_path(M4_RSA));
	sh3 = shdr_off(&c, 0, 3);
	shstr = shdr_off(&c, 0, 19);
	put_le32(c.buf + shstr + 20, get_le32(c.buf + sh3) + 4);
	{
		struct ta_fixture *f = fixture();
		uint64_t pa, size;
		TEE_Result res = ta_load(f, c.buf, c.size);

		/* Either refused, or loaded without any table: never ".res" taken as the table. */
		if (res == TEE_SUCCESS) {
			assert_int_equal(ta_get_rsc(f, &pa, &size), TEE_SUCCESS);
			assert_int_equal(size, 0);
		}
		ta_fixture_free(f);
	}
	craft_free(&c);
}

static void test_w5_two_resource_tables(void **state)
{
	struct craft c;
	size_t sh10, shstr, name;

	(void)state;
	/*
	 * Image 1 of the two-image firmware gets a second ".resource_table": its
	 * ".ARM.attributes" name (same length) is renamed and the section pointed
	 * at signed loaded bytes. Section headers and names are not signed.
	 */
	craft_load(&c, rpt_vector_path(MULTI));
	sh10 = shdr_off(&c, 0, 10);
	shstr = craft_image_off(&c, 0) + get_le32(c.buf + shdr_off(&c, 0, 14) + 16);
	name = shstr + get_le32(c.buf + sh10);
	assert_memory_equal(c.buf + name, ".ARM.attributes", 16);
	memcpy(c.buf + name, ".resource_table", 16);
	put_le32(c.buf + sh10 + 4, SHT_PROGBITS);
	put_le32(c.buf + sh10 + 12, 0x0);
	put_le32(c.buf + sh10 + 16, 0x1000);
	put_le32(c.buf + sh10 + 20, 8);
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "a second resource table");
	craft_free(&c);
}

static void test_w6_every_image_checked(void **state)
{
	struct craft c;
	size_t elf2;

	(void)state;
	craft_load(&c, rpt_vector_path(MULTI));
	elf2 = craft_image_off(&c, 1);
	c.buf[elf2 + 5] = ELFDATA2MSB;
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "image 2");
	c.buf[elf2 + 5] = ELFDATA2LSB;
	c.buf[elf2 + 18] = 0x3e; /* e_machine x86-64 */
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "image 2");
	c.buf[elf2 + 18] = EM_ARM;
	c.buf[elf2 + 16] = ET_DYN;
	expect_refused(&c, TEE_ERROR_BAD_FORMAT, "image 2");
	c.buf[elf2 + 16] = ET_EXEC;
	craft_free(&c);

	/* Signed but inconsistent TLVs: IMGSIZE sum, HASHTYPE. */
	craft_load(&c, rpt_vector_path(MULTI));
	{
		struct rpt_error err = {0};
		struct simg_tlv t;

		assert_int_equal(
			simg_find_tlv(c.buf + 20, c.lay.tlv_len, SIMG_TLV_IMGSIZE, &t, &err), 0);
		put_le32(c.buf + 20 + t.offset + 8, get_le32(t.value) + 8);
		craft_resign(&c, rpt_vector_path(RSA_PEM));
		expect_refused(&c, TEE_ERROR_BAD_FORMAT, "add up");
		put_le32(c.buf + 20 + t.offset + 8, get_le32(t.value) - 8);
		assert_int_equal(
			simg_find_tlv(c.buf + 20, c.lay.tlv_len, SIMG_TLV_HASHTYPE, &t, &err), 0);
		c.buf[20 + t.offset + 8] = 2;
		craft_resign(&c, rpt_vector_path(RSA_PEM));
		expect_refused(&c, TEE_ERROR_BAD_FORMAT, "HASHTYPE");
	}
	craft_free(&c);
}

static void test_w7_cleanup_on_failure_and_release(void **state)
{
	struct craft c;
	size_t seg1;

	(void)state;
	/* Segment 1 (second loaded) corrupted: segment 0, already copied, must be wiped. */
	craft_load(&c, rpt_vector_path(M4_RSA));
	seg1 = craft_image_off(&c, 0) + get_le32(craft_entry(&c, 1) + 4);
	c.buf[seg1 + 0x20] ^= 0xff;
	expect_refused(&c, TEE_ERROR_SECURITY, "SHA-256");
	craft_free(&c);
	/* Release wipes: covered with a full memory scan in test_ta's release test. */
}

static void test_w8_reload_different_image(void **state)
{
	struct ta_fixture *f = fixture();
	size_t len, olen;
	uint8_t *img = rpt_slurp(rpt_vector_path(M4_RSA), &len);
	uint8_t *other = rpt_slurp(rpt_vector_path("signed/m4-demo.ecp256.sign"), &olen);

	(void)state;
	assert_int_equal(ta_load(f, img, len), TEE_SUCCESS);
	assert_int_equal(ta_load(f, img, len), TEE_SUCCESS);
	assert_int_equal(ta_load(f, other, olen), TEE_ERROR_BAD_STATE);
	assert_non_null(strstr(f->last_log, "different image"));
	assert_true(ta_segments_loaded(f, m4_elfs));
	free(img);
	free(other);
	ta_fixture_free(f);
}

static void test_w9_only_board_rproc_ids(void **state)
{
	struct ta_fixture *f = fixture();
	TEE_Param p[4] = {0};
	void *sess = NULL;
	uint32_t id;

	(void)state;
	/* Thousands of ids: every one refused, and no context is ever created for them. */
	for (id = 1; id < 5000; id++) {
		p[0].value.a = id;
		assert_int_equal(
			rproc_ta_open_session(&f->ta,
					      TEE_PARAM_TYPES(TEE_PARAM_TYPE_VALUE_INPUT, 0, 0, 0),
					      p, &sess),
			TEE_ERROR_BAD_PARAMETERS);
	}
	assert_int_equal(f->ta.num_ctx, 1);
	assert_null(rproc_ta_ctx(&f->ta, 1));
	ta_fixture_free(f);
}

static void test_w10_ecdsa_end_to_end(void **state)
{
	static const char *const ecc_only[] = {"keys/ecp256.pub.pem", NULL};
	struct ta_fixture_opts o = {.legacy = true, .keys = ecc_only};
	struct ta_fixture *f = ta_fixture_new(&o);
	size_t len;
	uint8_t *img = rpt_slurp(rpt_vector_path("signed/m4-demo.ecp256.sign"), &len);

	(void)state;
	assert_int_equal(ta_load(f, img, len), TEE_SUCCESS);
	assert_true(ta_segments_loaded(f, m4_elfs));
	assert_int_equal(ta_simple(f, TA_RPROC_CMD_START_FW), TEE_SUCCESS);
	free(img);
	ta_fixture_free(f);
}

static void test_w11_no_built_in_key(void **state)
{
	struct ta_fixture_opts none = {.legacy = true, .keys = NULL};
	struct ta_fixture *f = ta_fixture_new(&none);
	size_t len;
	uint8_t *img = rpt_slurp(rpt_vector_path(M4_RSA), &len);

	(void)state;
	/* A board that trusts no key loads nothing: there is no default key compiled in. */
	assert_int_equal(ta_load(f, img, len), TEE_ERROR_SIGNATURE_INVALID);
	assert_true(memory_is_zero(f));
	free(img);
	ta_fixture_free(f);
}

/* ---- tamper sweep and crafted images ---- */

static void test_tamper_sweep_through_load(void **state)
{
	struct ta_fixture *f = fixture();
	struct simg_hash_entry e;
	struct craft c;
	size_t i, end, base;
	unsigned int k, s;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	end = c.lay.sig_off + c.lay.sign_len;
	for (i = 0; i < end; i++) {
		c.buf[i] ^= 0x01;
		if (ta_load(f, c.buf, c.size) == TEE_SUCCESS)
			fail_msg("flip at offset %zu accepted", i);
		c.buf[i] ^= 0x01;
		assert_int_equal(rproc_ta_ctx(&f->ta, 0)->state, TA_RPROC_OFF);
	}
	assert_true(memory_is_zero(f));
	base = craft_image_off(&c, 0);
	for (k = 0; k < simg_hash_entries(&c.tlvs); k++) {
		simg_hash_entry_get(&c.tlvs, k, &e);
		for (s = 0; s < 16 && e.p_filesz; s++) {
			size_t at = base + e.p_offset + (size_t)s * e.p_filesz / 16;

			c.buf[at] ^= 0x80;
			assert_int_equal(ta_load(f, c.buf, c.size), TEE_ERROR_SECURITY);
			c.buf[at] ^= 0x80;
			assert_true(memory_is_zero(f));
		}
	}
	craft_free(&c);
	ta_fixture_free(f);
}

/* Move program header ph of image img (and its signed entry) to paddr, re-sign. */
static void move_segment(struct craft *c, unsigned int img, unsigned int ph, unsigned int entry,
			 uint32_t paddr)
{
	put_le32(c->buf + craft_phdr_off(c, img, ph) + 12, paddr);
	put_le32(craft_entry(c, entry) + 12, paddr);
	craft_resign(c, rpt_vector_path(RSA_PEM));
}

static void test_crafted_segment_addresses(void **state)
{
	struct craft c;

	(void)state;
	craft_load(&c, rpt_vector_path(M4_RSA));
	move_segment(&c, 0, 1, 1, 0x20000000); /* in no memory */
	expect_refused(&c, TEE_ERROR_ACCESS_DENIED, "0x20000000");
	move_segment(&c, 0, 1, 1, 0x10042000); /* in vdev0buffer: not loadable */
	expect_refused(&c, TEE_ERROR_ACCESS_DENIED, NULL);
	move_segment(&c, 0, 1, 1, 0x1003FFF0); /* straddles mcuram2 and vdev0vring0 */
	expect_refused(&c, TEE_ERROR_ACCESS_DENIED, NULL);
	move_segment(&c, 0, 1, 1, 0xFFFFFFF0); /* wraps past 4 GiB */
	expect_refused(&c, 0, NULL);
	craft_free(&c);

	craft_load(&c, rpt_vector_path(MULTI));
	move_segment(&c, 1, 0, 1, 0x00000010); /* image 2 over image 1 */
	expect_refused(&c, TEE_ERROR_ACCESS_DENIED, "overlaps");
	craft_free(&c);
}

/* ---- rollback ---- */

static uint8_t *signed_with_counter(const char *counter, size_t *len)
{
	struct signer_plat_tlv plat[1];
	struct signer_input in = {0};
	struct signer_request req = {0};
	struct rpt_error err = {0};
	struct crypto_key *key;
	unsigned int n = 0;
	uint8_t *out = NULL;

	in.elf = rpt_slurp(rpt_vector_path("elf/m4-demo.elf"), &in.size);
	in.name = "m4-demo.elf";
	assert_int_equal(crypto_key_load_private(rpt_vector_path(RSA_PEM), NULL, &key, &err), 0);
	assert_int_equal(signer_add_plat_tlv(plat, &n, "0x10100", counter, &err), 0);
	req = (struct signer_request){
		.inputs = &in, .num_inputs = 1, .key = key, .plat = plat, .num_plat = n};
	if (signer_build(&req, &out, len, &err))
		fail_msg("%s", rpt_error_msg(&err));
	crypto_key_free(key);
	free((void *)in.elf);
	return out;
}

static TEE_Result load_release(struct ta_fixture *f, const uint8_t *img, size_t len)
{
	TEE_Result res = ta_load(f, img, len);

	if (res == TEE_SUCCESS)
		assert_int_equal(ta_simple(f, TA_RPROC_CMD_RELEASE_FW), TEE_SUCCESS);
	return res;
}

static void test_rollback_counter(void **state)
{
	char path[512];
	struct ta_fixture_opts o = {
		.legacy = true, .keys = both_keys, .versioned_only = true, .rollback_state = path};
	size_t l4, l5, l6, lv;
	uint8_t *v4 = signed_with_counter("0x4", &l4), *v5 = signed_with_counter("0x5", &l5);
	uint8_t *v6 = signed_with_counter("0x6", &l6);
	uint8_t *unversioned = rpt_slurp(rpt_vector_path(M4_RSA), &lv);
	struct ta_fixture *f;

	(void)state;
	snprintf(path, sizeof(path), "%s/rollback.state", rpt_tmpdir());
	unlink(path);
	f = ta_fixture_new(&o);
	assert_int_equal(load_release(f, v5, l5), TEE_SUCCESS);
	assert_int_equal(load_release(f, v4, l4), TEE_ERROR_SECURITY);
	assert_non_null(strstr(f->last_log, "4"));
	assert_true(memory_is_zero(f));
	assert_int_equal(load_release(f, v5, l5), TEE_SUCCESS);
	assert_int_equal(load_release(f, v6, l6), TEE_SUCCESS);
	assert_int_equal(load_release(f, unversioned, lv), TEE_ERROR_SECURITY);
	ta_fixture_free(f);

	/* The state survives a restart of the secure world. */
	f = ta_fixture_new(&o);
	assert_int_equal(load_release(f, v5, l5), TEE_ERROR_SECURITY);
	assert_int_equal(load_release(f, v6, l6), TEE_SUCCESS);
	ta_fixture_free(f);
	free(v4);
	free(v5);
	free(v6);
	free(unversioned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_w1_length_wrap),
		cmocka_unit_test(test_header_codes_as_optee),
		cmocka_unit_test(test_unknown_rsc_entries_loaded),
		cmocka_unit_test(test_w2_header_double_fetch),
		cmocka_unit_test(test_w3_elf_metadata_in_shared_buffer),
		cmocka_unit_test(test_w4_completeness),
		cmocka_unit_test(test_w5_rsc_table_location),
		cmocka_unit_test(test_w5_two_resource_tables),
		cmocka_unit_test(test_w6_every_image_checked),
		cmocka_unit_test(test_w7_cleanup_on_failure_and_release),
		cmocka_unit_test(test_w8_reload_different_image),
		cmocka_unit_test(test_w9_only_board_rproc_ids),
		cmocka_unit_test(test_w10_ecdsa_end_to_end),
		cmocka_unit_test(test_w11_no_built_in_key),
		cmocka_unit_test(test_tamper_sweep_through_load),
		cmocka_unit_test(test_crafted_segment_addresses),
		cmocka_unit_test(test_toctou_segments_1000_trials),
		cmocka_unit_test(test_rollback_counter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
